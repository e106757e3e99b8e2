"""The Problems panel: every problem of the last validation; activating one shows its cell."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from planner.problems import Problem, Severity
from ui.models.problems_model import ProblemsModel


class ProblemsPanel(QWidget):
    problem_activated = Signal(object)  # Problem

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = ProblemsModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.summary = QLabel()
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 6)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        for col, width in enumerate((90, 110, 50, 150)):
            header.resizeSection(col, width)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.clicked.connect(self._activated)
        self.table.activated.connect(self._activated)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        self.set_problems([])

    def set_problems(self, problems: list[Problem]) -> None:
        self.model.set_problems(problems)
        errors = sum(p.severity is Severity.ERROR for p in problems)
        warnings = len(problems) - errors
        if not problems:
            self.summary.setText("No problems: the data can be planned.")
        elif errors:
            self.summary.setText(f"{errors} error(s) block planning; {warnings} warning(s). "
                                 "Click a problem to go to its cell.")
        else:
            self.summary.setText(f"{warnings} warning(s); planning is possible. "
                                 "Click a problem to go to its cell.")

    def _activated(self, index: QModelIndex) -> None:
        source = self.proxy.mapToSource(index)
        if source.isValid():
            self.problem_activated.emit(self.model.problem(source.row()))
