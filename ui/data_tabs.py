"""The data tabs: one editable, sortable, filterable table per workbook sheet."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from planner.domain import normalize_key
from planner.problems import Problem
from planner.schema import SHEETS
from ui.models.sheet_model import SheetFilterProxy, SheetTableModel, format_cell

if TYPE_CHECKING:
    from planner.workbook import RawWorkbook


class SheetPage(QWidget):
    """Filter box + table for one sheet."""

    def __init__(self, model: SheetTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.proxy = SheetFilterProxy(self)
        self.proxy.setSourceModel(model)
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText(f"Filter {model.sheet_name} (any column)…")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self.proxy.set_text)
        self.only_problems = QCheckBox("Only rows with problems")
        self.only_problems.toggled.connect(self.proxy.set_only_problems)
        self.count_label = QLabel()
        self.add_button = QToolButton()
        self.add_button.setText("Add row")
        self.add_button.setToolTip("Add an empty row at the end (Ctrl+Shift+N)")
        self.add_button.clicked.connect(self.add_row)
        self.delete_button = QToolButton()
        self.delete_button.setText("Delete rows")
        self.delete_button.setToolTip("Delete the selected rows (Ctrl+Shift+Del)")
        self.delete_button.clicked.connect(self.delete_rows)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        # Workbook order until a header is clicked (no sort pass on open).
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.setAlternatingRowColors(True)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed
                                   | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        self._fit_columns()

        bar = QHBoxLayout()
        bar.addWidget(self.filter_edit, 1)
        bar.addWidget(self.only_problems)
        bar.addWidget(self.count_label)
        bar.addWidget(self.add_button)
        bar.addWidget(self.delete_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        self.proxy.rowsInserted.connect(self._update_count)
        self.proxy.rowsRemoved.connect(self._update_count)
        self.proxy.modelReset.connect(self._update_count)
        self.proxy.layoutChanged.connect(self._update_count)
        self._update_count()

    def _fit_columns(self, sample_rows: int = 60, cap: int = 260) -> None:
        """Column widths from the header and the first rows' text (Qt's own measure asks
        the model for every role of every row: half a second on a big sheet)."""
        metrics = self.table.fontMetrics()
        header_metrics = self.table.horizontalHeader().fontMetrics()
        rows = min(sample_rows, self.model.rowCount())
        for column in range(self.model.columnCount()):
            title = str(self.model.headerData(column, Qt.Orientation.Horizontal) or "")
            width = header_metrics.horizontalAdvance(title) + 24
            for row in range(rows):
                text = format_cell(self.model.cell(row, column))
                width = max(width, metrics.horizontalAdvance(text) + 16)
            self.table.setColumnWidth(column, min(width, cap))

    def add_row(self) -> None:
        """Append an empty row (undoable) and start editing its first cell."""
        if self.model.undo_stack is None:
            return
        from ui.undo import InsertRowCommand

        self.filter_edit.clear()
        self.only_problems.setChecked(False)
        position = self.model.rowCount()
        self.model.undo_stack.push(InsertRowCommand(self.model, position))
        index = self.proxy.mapFromSource(self.model.index(position, 0))
        self.table.setCurrentIndex(index)
        self.table.scrollTo(index)
        self.table.edit(index)

    def selected_rows(self) -> list[int]:
        selected = self.table.selectionModel().selectedIndexes()
        rows = {self.proxy.mapToSource(i).row() for i in selected}
        return sorted(r for r in rows if r >= 0)

    def delete_rows(self) -> None:
        """Delete the selected rows (undoable)."""
        rows = self.selected_rows()
        if not rows or self.model.undo_stack is None:
            return
        from ui.undo import RemoveRowsCommand

        self.model.undo_stack.push(RemoveRowsCommand(self.model, rows))

    def _update_count(self) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        self.count_label.setText(f"{total} rows" if shown == total else f"{shown} of {total} rows")

    def select_cell(self, row: int, column: int | None) -> bool:
        """Select a source cell (or row), clearing filters that hide it."""
        source = self.model.index(row, column if column is not None else 0)
        proxy_index = self.proxy.mapFromSource(source)
        if not proxy_index.isValid():
            self.filter_edit.clear()
            self.only_problems.setChecked(False)
            proxy_index = self.proxy.mapFromSource(source)
            if not proxy_index.isValid():
                return False
        selection = self.table.selectionModel()
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect
        if column is None:
            flags |= QItemSelectionModel.SelectionFlag.Rows
        selection.setCurrentIndex(proxy_index, flags)
        self.table.scrollTo(proxy_index, QAbstractItemView.ScrollHint.PositionAtCenter)
        self.table.setFocus()
        return True

    def current_source_index(self) -> QModelIndex:
        return self.proxy.mapToSource(self.table.currentIndex())


def _sheet_order(name: str) -> int:
    keys = [s.key for s in SHEETS]
    key = normalize_key(name)
    return keys.index(key) if key in keys else len(keys)


class DataTabs(QTabWidget):
    """Tabs Contracts, Workstreams, Vendors, Capacity, Settings (those in the workbook)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDocumentMode(True)
        self.pages: dict[str, SheetPage] = {}

    def build_pages(self, raw: RawWorkbook, undo_stack: QUndoStack) -> list[SheetPage]:
        """New pages for ``raw`` (not shown yet: :meth:`install` swaps them in)."""
        names = sorted(raw.sheets, key=_sheet_order)
        return [SheetPage(SheetTableModel(raw.sheets[name], undo_stack)) for name in names]

    def install(self, pages: list[SheetPage]) -> None:
        current = self.tabText(self.currentIndex()) if self.count() else ""
        while self.count():
            old = self.widget(0)
            self.removeTab(0)
            if old is not None:
                old.deleteLater()
        self.pages = {}
        for page in pages:
            self.pages[normalize_key(page.model.sheet_name)] = page
            self.addTab(page, page.model.sheet_name)
        for i in range(self.count()):
            if self.tabText(i).startswith(current) and current:
                self.setCurrentIndex(i)
        self.set_problems([])

    def models(self) -> list[SheetTableModel]:
        return [page.model for page in self.pages.values()]

    def page(self, sheet_name: str) -> SheetPage | None:
        return self.pages.get(normalize_key(sheet_name))

    def set_problems(self, problems: list[Problem]) -> None:
        for i in range(self.count()):
            page = self.widget(i)
            if not isinstance(page, SheetPage):
                continue
            page.model.set_problems(problems)
            n = page.model.problem_count()
            name = page.model.sheet_name
            self.setTabText(i, f"{name} ({n})" if n else name)
            self.setTabToolTip(i, f"{n} problem(s) located in {name}" if n else
                               (page.model.schema.description if page.model.schema else name))

    def show_problem(self, problem: Problem) -> bool:
        """Switch to the problem's sheet and select its cell; False when it has no cell."""
        page = self.page(problem.sheet)
        if page is None:
            return False
        self.setCurrentWidget(page)
        located = page.model.locate(problem)
        if located is None:
            return False
        return page.select_cell(*located)

    def current_page(self) -> SheetPage | None:
        page = self.currentWidget()
        return page if isinstance(page, SheetPage) else None
