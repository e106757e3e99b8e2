"""A read-only Qt table model over a pandas DataFrame, driven by column specs.

The DataFrame stays the truth; the model only formats cells. Every results table of the
app (actions, contracts, unserved work, cost breakdown) is this one model with a
different list of :class:`Column`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
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

from ui.views.formats import (
    as_date,
    format_date,
    format_money,
    format_number,
    format_percent,
    is_missing,
)

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
VALUE_ROLE = Qt.ItemDataRole.UserRole + 2  # the raw DataFrame value

_AnyIndex = QModelIndex | QPersistentModelIndex
ROW_TEXT = QColor("#1a1a1a")


class Kind(StrEnum):
    TEXT = "text"
    NUMBER = "number"
    MONEY = "money"
    DATE = "date"
    BOOL = "bool"
    PERCENT = "percent"


_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_CENTER = Qt.AlignmentFlag.AlignCenter


@dataclass(frozen=True, slots=True)
class Column:
    """How one DataFrame column shows: header, formatting, alignment and sort order."""

    key: str
    header: str
    kind: Kind = Kind.TEXT
    decimals: int = 0
    tooltip: str = ""
    true_text: str = "yes"
    false_text: str = "no"

    def header_text(self, currency: str) -> str:
        return self.header.replace("{currency}", currency)

    def display(self, value: Any, currency: str) -> str:
        if is_missing(value):
            return ""
        match self.kind:
            case Kind.MONEY:
                return format_money(value, currency, decimals=self.decimals)
            case Kind.NUMBER:
                return format_number(value, self.decimals)
            case Kind.PERCENT:
                return format_percent(value, self.decimals)
            case Kind.DATE:
                return format_date(value)
            case Kind.BOOL:
                return self.true_text if bool(value) else self.false_text
            case _:
                return str(value)

    def sort_key(self, value: Any) -> Any:
        """A key QSortFilterProxyModel compares correctly: numbers as float, dates as ordinal."""
        if is_missing(value):
            return None
        match self.kind:
            case Kind.MONEY | Kind.NUMBER | Kind.PERCENT:
                return float(value)
            case Kind.DATE:
                d = as_date(value)
                return d.toordinal() if d is not None else None
            case Kind.BOOL:
                return int(bool(value))
            case _:
                return str(value).casefold()

    @property
    def alignment(self) -> Qt.AlignmentFlag:
        if self.kind in (Kind.MONEY, Kind.NUMBER, Kind.PERCENT):
            return _RIGHT
        if self.kind in (Kind.BOOL, Kind.DATE):
            return _CENTER
        return _LEFT


RowStyle = Callable[[pd.Series], tuple[QColor | None, bool]]  # (background, bold)


class DataFrameModel(QAbstractTableModel):
    """Thin adapter: rows and columns of ``frame``, formatted by ``columns``."""

    def __init__(
        self,
        columns: Sequence[Column],
        *,
        row_style: RowStyle | None = None,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self._columns = tuple(columns)
        self._row_style = row_style
        self._frame = pd.DataFrame(columns=[c.key for c in self._columns])
        self._values: list[list[Any]] = [[] for _ in self._columns]
        self._styles: list[tuple[QColor | None, bool]] = []
        self._currency = ""
        self._rows = 0

    # -- data in -----------------------------------------------------------------------
    def set_frame(self, frame: pd.DataFrame | None, currency: str = "") -> None:
        """Show ``frame`` (None empties the table); columns it lacks show blank."""
        self.beginResetModel()
        self._frame = frame if frame is not None else self._frame.iloc[0:0]
        self._currency = currency
        n = self._rows = len(self._frame)
        self._values = [
            self._frame[c.key].tolist() if c.key in self._frame.columns else [None] * n
            for c in self._columns
        ]
        self._styles = (
            [self._row_style(row) for _, row in self._frame.iterrows()]
            if self._row_style is not None
            else []
        )
        self.endResetModel()

    @property
    def frame(self) -> pd.DataFrame:
        return self._frame

    @property
    def columns(self) -> tuple[Column, ...]:
        return self._columns

    # -- Qt model ------------------------------------------------------------------------
    def rowCount(self, parent: _AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._rows

    def columnCount(self, parent: _AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: _AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, col = index.row(), index.column()
        if not (0 <= row < self._rows and 0 <= col < len(self._columns)):
            return None
        column = self._columns[col]
        value = self._values[col][row]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.display(value, self._currency)
        if role == Qt.ItemDataRole.ToolTipRole:
            text = column.display(value, self._currency)
            return text if column.kind == Kind.TEXT and len(text) > 40 else None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(column.alignment)
        if role == SORT_ROLE:
            return column.sort_key(value)
        if role == VALUE_ROLE:
            return None if is_missing(value) else value
        if self._styles:
            background, bold = self._styles[row]
            if role == Qt.ItemDataRole.BackgroundRole and background is not None:
                return QBrush(background)
            if role == Qt.ItemDataRole.ForegroundRole and background is not None:
                return QBrush(ROW_TEXT)  # tinted rows are light, whatever the theme
            if role == Qt.ItemDataRole.FontRole and bold:
                font = QFont()
                font.setBold(True)
                return font
        return None

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if orientation == Qt.Orientation.Vertical:
            if role == Qt.ItemDataRole.DisplayRole and 0 <= section < self._rows:
                return str(section + 1)
            return None
        if not 0 <= section < len(self._columns):
            return None
        column = self._columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.header_text(self._currency)
        if role == Qt.ItemDataRole.ToolTipRole:
            return column.tooltip or None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(column.alignment)
        return None


class SortProxy(QSortFilterProxyModel):
    """Sorts on :data:`SORT_ROLE`; blanks always last, whatever the direction."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)

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
