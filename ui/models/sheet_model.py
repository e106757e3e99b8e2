"""An editable Qt table over one raw sheet.

The :class:`RawSheet` stays the truth: the model reads ``RawRow.cells`` and writes them
only through :class:`~ui.undo.EditCellCommand` on the shared undo stack. Problems from the
last validation colour their cells and become tooltips.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QRegularExpression,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QIcon, QUndoStack
from PySide6.QtWidgets import QApplication, QStyle

from planner.domain import normalize_key
from planner.problems import Problem, Severity
from planner.schema import SETTINGS_KEYS, Column, SheetSchema, sheet

if TYPE_CHECKING:
    from planner.workbook import RawRow, RawSheet

Index = QModelIndex | QPersistentModelIndex

ERROR_BRUSH = QBrush(QColor("#f6c6cb"))
WARNING_BRUSH = QBrush(QColor("#fde9b0"))
ROW_ERROR_BRUSH = QBrush(QColor("#fbe3e5"))
ROW_WARNING_BRUSH = QBrush(QColor("#fef6dc"))
HIGHLIGHT_TEXT = QBrush(QColor("#1a1a1a"))


def format_cell(value: object) -> str:
    """How a raw cell reads in the table (and starts in the editor)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        if (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return f"{value:.12g}"
    return str(value)


def _sort_key(value: object) -> tuple[int, float, str]:
    """Numbers by value, then text; empty cells last."""
    if value is None or value == "":
        return (2, 0.0, "")
    if isinstance(value, int | float) and not isinstance(value, bool):
        return (0, float(value), "")
    text = format_cell(value)
    try:
        return (0, float(text.replace(",", "")), "")
    except ValueError:
        return (1, 0.0, text.casefold())


def _problem_text(problems: Iterable[Problem]) -> str:
    return "\n".join(p.render() for p in problems)


class SheetTableModel(QAbstractTableModel):
    """Adapter over a RawSheet; ``cell_edited`` fires after every applied edit (and undo)."""

    cell_edited = Signal(int, int)  # source row, column

    def __init__(self, raw_sheet: RawSheet, undo_stack: QUndoStack | None = None,
                 parent: Any = None) -> None:
        super().__init__(parent)
        self.raw = raw_sheet
        self.undo_stack = undo_stack
        try:
            self.schema: SheetSchema | None = sheet(raw_sheet.name)
        except KeyError:
            self.schema = None
        self._columns: list[Column | None] = [self._schema_column(h) for h in raw_sheet.headers]
        self._row_of_excel = {r.excel_row: i for i, r in enumerate(raw_sheet.rows)}
        self._col_of_key = {normalize_key(h): j for j, h in enumerate(raw_sheet.headers)}
        self._cell_problems: dict[tuple[int, int], list[Problem]] = {}
        self._row_problems: dict[int, list[Problem]] = {}
        self.flagged_rows: set[int] = set()

    @property
    def sheet_name(self) -> str:
        return str(self.raw.name)

    def excel_row(self, row: int) -> int:
        return int(self.raw.rows[row].excel_row)

    def raw_header(self, column: int) -> str:
        return str(self.raw.headers[column])

    def _schema_column(self, header: object) -> Column | None:
        if self.schema is None:
            return None
        try:
            return self.schema.column(str(header))
        except KeyError:
            return None

    # --- reading -------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self.raw.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.raw.headers)

    def cell(self, row: int, column: int) -> object:
        cells = self.raw.rows[row].cells
        return cells[column] if column < len(cells) else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, col = index.row(), index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return format_cell(self.cell(row, col))
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, col)
        if role == Qt.ItemDataRole.BackgroundRole:
            return self._background(row, col)
        if role == Qt.ItemDataRole.DecorationRole:
            return self._icon(row, col)
        if role == Qt.ItemDataRole.ForegroundRole:
            flagged = (row, col) in self._cell_problems or row in self._row_problems
            return HIGHLIGHT_TEXT if flagged else None
        return None

    def _problems_at(self, row: int, col: int) -> list[Problem]:
        return self._cell_problems.get((row, col), []) + self._row_problems.get(row, [])

    def _tooltip(self, row: int, col: int) -> str | None:
        found = self._problems_at(row, col)
        if found:
            return _problem_text(found)
        return self._description(col, row)

    def _description(self, col: int, row: int | None = None) -> str | None:
        column = self._columns[col]
        if self.schema is not None and self.schema.key == "settings" and row is not None:
            key = normalize_key(format_cell(self.cell(row, 0)))
            for setting in SETTINGS_KEYS:
                if setting.key == key:
                    return f"{setting.header}: {setting.description}"
        if column is None:
            return "Column not used by the planner (kept and shown)" if self.schema else None
        text = column.description or column.name
        return f"{text}. Expected {column.expected}" + (" (required)" if column.required else "")

    def _icon(self, row: int, col: int) -> QIcon | None:
        """A severity icon in flagged cells: visible even when the cell is selected."""
        cell = self._cell_problems.get((row, col))
        app = QApplication.instance()
        if not cell or not isinstance(app, QApplication):
            return None
        error = any(p.severity is Severity.ERROR for p in cell)
        return app.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical if error
                                        else QStyle.StandardPixmap.SP_MessageBoxWarning)

    def _background(self, row: int, col: int) -> QBrush | None:
        cell = self._cell_problems.get((row, col))
        if cell:
            errors = any(p.severity is Severity.ERROR for p in cell)
            return ERROR_BRUSH if errors else WARNING_BRUSH
        whole = self._row_problems.get(row)
        if whole:
            errors = any(p.severity is Severity.ERROR for p in whole)
            return ROW_ERROR_BRUSH if errors else ROW_WARNING_BRUSH
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal:
            if not 0 <= section < len(self.raw.headers):
                return None
            column = self._columns[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return column.header if column is not None else str(self.raw.headers[section])
            if role == Qt.ItemDataRole.ToolTipRole:
                return self._description(section)
            return None
        if not 0 <= section < len(self.raw.rows):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return str(self.excel_row(section))
        if role == Qt.ItemDataRole.ToolTipRole:
            row_problems = self._row_problems.get(section)
            return _problem_text(row_problems) if row_problems else (
                f"Row {self.excel_row(section)} of sheet {self.sheet_name}")
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                | Qt.ItemFlag.ItemIsEditable)

    # --- editing -------------------------------------------------------------------
    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.EditRole:
            return False
        row, col = index.row(), index.column()
        text = "" if value is None else str(value).strip()
        if text == format_cell(self.cell(row, col)):
            return False  # nothing changed: no undo step, no stale plan
        new: object = text or None
        old = self.cell(row, col)
        if self.undo_stack is not None:
            from ui.undo import EditCellCommand

            self.undo_stack.push(EditCellCommand(self, row, col, old, new))
        else:
            self.apply_value(row, col, new)
        return True

    def apply_value(self, row: int, col: int, value: object) -> None:
        """Write the raw cell (used by the undo commands) and tell the views."""
        cells = self.raw.rows[row].cells
        if col >= len(cells):
            cells.extend([None] * (col + 1 - len(cells)))
        cells[col] = value
        index = self.index(row, col)
        self.dataChanged.emit(index, index)
        self.cell_edited.emit(row, col)

    def new_raw_row(self) -> RawRow:
        """An empty row numbered after the sheet's last (Excel row numbers stay unique, so
        problems keep pointing at the right row)."""
        from planner.workbook import RawRow

        last = max((r.excel_row for r in self.raw.rows), default=self.raw.header_row)
        return RawRow(int(last) + 1, [None] * len(self.raw.headers))

    def insert_raw_row(self, position: int, raw_row: RawRow) -> None:
        """Put a row back / add one (used by the undo commands)."""
        self.beginInsertRows(QModelIndex(), position, position)
        self.raw.rows.insert(position, raw_row)
        self._rows_moved()
        self.endInsertRows()
        self.cell_edited.emit(position, -1)

    def take_raw_row(self, position: int) -> RawRow:
        """Remove a row and return it (used by the undo commands)."""
        self.beginRemoveRows(QModelIndex(), position, position)
        raw_row = self.raw.rows.pop(position)
        self._rows_moved()
        self.endRemoveRows()
        self.cell_edited.emit(position, -1)
        return raw_row

    def _rows_moved(self) -> None:
        # Row indices shifted: drop located problems until the next validation places them.
        self._row_of_excel = {r.excel_row: i for i, r in enumerate(self.raw.rows)}
        self._cell_problems, self._row_problems, self.flagged_rows = {}, {}, set()

    # --- problems ------------------------------------------------------------------
    def set_problems(self, problems: Iterable[Problem]) -> None:
        """Keep the problems located in this sheet; repaint."""
        cells: dict[tuple[int, int], list[Problem]] = {}
        rows: dict[int, list[Problem]] = {}
        key = normalize_key(self.sheet_name)
        for p in problems:
            if normalize_key(p.sheet) != key:
                continue
            located = self.locate(p)
            if located is None:
                continue
            row, col = located
            if col is None:
                rows.setdefault(row, []).append(p)
            else:
                cells.setdefault((row, col), []).append(p)
        if cells == self._cell_problems and rows == self._row_problems:
            return
        self._cell_problems, self._row_problems = cells, rows
        self.flagged_rows = set(rows) | {r for r, _ in cells}
        if self.rowCount() and self.columnCount():
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(self.rowCount() - 1, self.columnCount() - 1))
            self.headerDataChanged.emit(Qt.Orientation.Vertical, 0, self.rowCount() - 1)

    def locate(self, problem: Problem) -> tuple[int, int | None] | None:
        """(row, column or None for the whole row) of a problem, None if not in the table."""
        if problem.row is None:
            return None
        row = self._row_of_excel.get(problem.row)
        if row is None:
            return None
        col = self._col_of_key.get(normalize_key(problem.column)) if problem.column else None
        return row, col

    def problem_count(self) -> int:
        return sum(len(v) for v in self._cell_problems.values()) + sum(
            len(v) for v in self._row_problems.values())


class SheetFilterProxy(QSortFilterProxyModel):
    """Sort numbers as numbers; filter rows by text in any column, or to flagged rows."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setFilterKeyColumn(-1)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self._only_problems = False

    def set_text(self, text: str) -> None:
        self.setFilterRegularExpression(QRegularExpression(
            QRegularExpression.escape(text),
            QRegularExpression.PatternOption.CaseInsensitiveOption))

    def set_only_problems(self, only: bool) -> None:
        self.beginFilterChange()
        self._only_problems = only
        self.endFilterChange()

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        model = self.sourceModel()
        if (self._only_problems and isinstance(model, SheetTableModel)
                and source_row not in model.flagged_rows):
            return False
        return super().filterAcceptsRow(source_row, source_parent)

    def lessThan(self, left: Index, right: Index) -> bool:
        model = self.sourceModel()
        if isinstance(model, SheetTableModel):
            a = _sort_key(model.cell(left.row(), left.column()))
            return a < _sort_key(model.cell(right.row(), right.column()))
        return super().lessThan(left, right)
