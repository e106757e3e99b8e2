"""A read-only Qt table model over a results table, driven by column specs.

Every results table of the app (actions, contracts, unserved work, cost breakdown) is
this one model with a different list of :class:`Column`. The model adapts a
:class:`~ui.views.table_data.TableData` (plain lists of values, texts and sort keys,
usually prepared off the GUI thread); ``set_frame`` builds one from a DataFrame. So
``data()`` only indexes lists, and sorting reorders a list of row numbers in the model
itself (a Python ``lessThan`` called from Qt's sort costs a second on a big table).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont

from ui.views.formats import is_missing
from ui.views.table_data import Align, Column, Kind, TableData

__all__ = [
    "SORT_ROLE",
    "VALUE_ROLE",
    "Column",
    "DataFrameModel",
    "Highlight",
    "Kind",
    "SortProxy",
]

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
VALUE_ROLE = Qt.ItemDataRole.UserRole + 2  # the raw DataFrame value

_AnyIndex = QModelIndex | QPersistentModelIndex
ROW_TEXT = QColor("#1a1a1a")

_ALIGN = {
    Align.RIGHT: int((Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter).value),
    Align.LEFT: int((Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter).value),
    Align.CENTER: int(Qt.AlignmentFlag.AlignCenter.value),
}
_DISPLAY = int(Qt.ItemDataRole.DisplayRole.value)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole.value)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole.value)
_BACKGROUND = int(Qt.ItemDataRole.BackgroundRole.value)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole.value)
_FONT = int(Qt.ItemDataRole.FontRole.value)
_SORT = int(SORT_ROLE)
_VALUE = int(VALUE_ROLE)
_DESCENDING = Qt.SortOrder.DescendingOrder


@dataclass(frozen=True, slots=True)
class Highlight:
    """How flagged rows look (the flag is a boolean column of the table)."""

    background: QColor | None = None
    bold: bool = False


class DataFrameModel(QAbstractTableModel):
    """Thin adapter: rows and columns of a :class:`TableData`, formatted by ``columns``."""

    def __init__(
        self,
        columns: Sequence[Column],
        *,
        flag: str | None = None,
        highlight: Highlight | None = None,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self._columns = tuple(columns)
        self._flag = flag
        self._highlight = highlight or Highlight()
        self._table = TableData(None, self._columns)
        self._rows = 0
        self._order: list[int] | None = None  # view row -> table row (None: as given)
        self._sort: tuple[int, Qt.SortOrder] = (-1, Qt.SortOrder.AscendingOrder)
        self._align = [_ALIGN[c.align] for c in self._columns]
        self._tip = [c.kind == Kind.TEXT for c in self._columns]
        self._bold_font = QFont()
        self._bold_font.setBold(True)
        self._background = (
            QBrush(self._highlight.background) if self._highlight.background is not None else None
        )
        self._row_text = QBrush(ROW_TEXT)

    # -- data in -----------------------------------------------------------------------
    def set_frame(self, frame: pd.DataFrame | None, currency: str = "") -> None:
        """Show ``frame`` (None empties the table); columns it lacks show blank."""
        self.set_table(TableData(frame, self._columns, currency, self._flag))

    def set_table(self, table: TableData) -> None:
        """Show a prepared table (its columns must be this model's)."""
        if table.columns != self._columns:
            raise ValueError("the table was prepared for other columns")
        self.beginResetModel()
        self._table = table
        self._rows = table.rows
        column, order = self._sort
        self._order = (
            table.order(column, order == _DESCENDING) if 0 <= column < len(self._columns) else None
        )
        self.endResetModel()

    @property
    def table(self) -> TableData:
        return self._table

    @property
    def columns(self) -> tuple[Column, ...]:
        return self._columns

    def highlights_bold(self) -> bool:
        """Flagged rows are in bold (their texts are wider)."""
        return self._highlight.bold

    def table_row(self, row: int) -> int:
        """The table (DataFrame) row shown at model row ``row``."""
        return self._order[row] if self._order is not None else row

    # -- Qt model ------------------------------------------------------------------------
    def rowCount(self, parent: _AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._rows

    def columnCount(self, parent: _AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: _AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row, col = index.row(), index.column()
        if not (0 <= row < self._rows and 0 <= col < len(self._columns)):
            return None  # also an invalid index (-1, -1)
        if self._order is not None:
            row = self._order[row]
        if role == _DISPLAY:
            return self._table.text(row, col)
        if role == _ALIGNMENT:
            return self._align[col]
        if role == _TOOLTIP:
            text = self._table.text(row, col)
            return text if self._tip[col] and len(text) > 40 else None
        if role == _SORT:
            return self._table.sort_keys(col)[row]
        if role == _VALUE:
            value = self._table.values[col][row]
            return None if is_missing(value) else value
        flags = self._table.flags
        if flags is not None and flags[row]:
            if role == _BACKGROUND:
                return self._background
            if role == _FOREGROUND and self._background is not None:
                return self._row_text  # tinted rows are light, whatever the theme
            if role == _FONT and self._highlight.bold:
                return self._bold_font
        return None

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if orientation == Qt.Orientation.Vertical:
            if role == _DISPLAY and 0 <= section < self._rows:
                return str(section + 1)
            return None
        if not 0 <= section < len(self._columns):
            return None
        column = self._columns[section]
        if role == _DISPLAY:
            return column.header_text(self._table.currency)
        if role == _TOOLTIP:
            return column.tooltip or None
        if role == _ALIGNMENT:
            return self._align[section]
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Reorder the rows on ``column`` (-1: as given); blanks last in both directions."""
        self._sort = (column, order)
        self.layoutAboutToBeChanged.emit()
        old = self._order
        new = (
            self._table.order(column, order == _DESCENDING)
            if 0 <= column < len(self._columns)
            else None
        )
        persistent = self.persistentIndexList()
        if persistent:
            position = list(range(self._rows))
            if new is not None:
                for view_row, table_row in enumerate(new):
                    position[table_row] = view_row
            moved = [
                self.index(position[old[p.row()] if old is not None else p.row()], p.column())
                if p.isValid()
                else QModelIndex()
                for p in persistent
            ]
            self.changePersistentIndexList(persistent, moved)
        self._order = new
        self.layoutChanged.emit()


class SortProxy(QSortFilterProxyModel):
    """Sorts on :data:`SORT_ROLE`; blanks always last, whatever the direction.

    Over a :class:`DataFrameModel` the model sorts itself (a list sort on prepared keys)
    and the proxy passes its order through; other models are sorted here.
    """

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        source = self.sourceModel()
        if isinstance(source, DataFrameModel):
            if self.sortColumn() >= 0:
                super().sort(-1, order)  # keep the source's order
            source.sort(column, order)
            return
        super().sort(column, order)

    def lessThan(self, left: _AnyIndex, right: _AnyIndex) -> bool:
        a, b = left.data(SORT_ROLE), right.data(SORT_ROLE)
        if a is None and b is None:
            return False
        if a is None or b is None:
            ascending = self.sortOrder() == Qt.SortOrder.AscendingOrder
            return (b is None and a is not None) == ascending
        try:
            return bool(a < b)
        except TypeError:
            return str(a) < str(b)
