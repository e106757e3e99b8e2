"""The Problems panel's table: one row per problem from the last validation."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QApplication, QStyle

from planner.problems import Problem, Severity

Index = QModelIndex | QPersistentModelIndex
HEADERS = ("Severity", "Sheet", "Row", "Column", "Problem")


def _detail(p: Problem) -> str:
    text = p.message
    if p.found:
        text += f" (found {p.found!r}" + (f", expected {p.expected})" if p.expected else ")")
    elif p.expected:
        text += f" (expected {p.expected})"
    return text


class ProblemsModel(QAbstractTableModel):
    PROBLEM_ROLE = Qt.ItemDataRole.UserRole + 1

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._problems: list[Problem] = []

    def set_problems(self, problems: list[Problem]) -> None:
        # Errors first, then in workbook order, as the CLI lists them.
        self.beginResetModel()
        self._problems = sorted(problems, key=lambda p: p.severity is not Severity.ERROR)
        self.endResetModel()

    def problem(self, row: int) -> Problem:
        return self._problems[row]

    @property
    def problems(self) -> list[Problem]:
        return list(self._problems)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._problems)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        p = self._problems[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (p.severity.value, p.sheet, "" if p.row is None else str(p.row),
                    p.column or "", _detail(p))[col]
        if role == Qt.ItemDataRole.ToolTipRole:
            return p.render()
        if role == Qt.ItemDataRole.DecorationRole and col == 0:
            app = QApplication.instance()
            if isinstance(app, QApplication):
                icon = (QStyle.StandardPixmap.SP_MessageBoxCritical
                        if p.severity is Severity.ERROR
                        else QStyle.StandardPixmap.SP_MessageBoxWarning)
                return app.style().standardIcon(icon)
            return None
        if role == self.PROBLEM_ROLE:
            return p
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(HEADERS)):
            return HEADERS[section]
        return None
