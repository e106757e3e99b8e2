"""Undoable edits. Every change to the raw tables goes through a command on one stack."""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from PySide6.QtGui import QUndoCommand

if TYPE_CHECKING:
    from ui.models.sheet_model import SheetTableModel

_serials = itertools.count(1)


class EditCellCommand(QUndoCommand):
    """Set one raw cell; undo puts the old value back exactly (type included)."""

    def __init__(self, model: SheetTableModel, row: int, column: int, old: object,
                 new: object) -> None:
        super().__init__()
        self.model = model
        self.row = row
        self.column = column
        self.old = old
        self.new = new
        # Identifies the data state this command leads to (stale-plan detection).
        self.serial = next(_serials)
        self.setText(f"edit {model.sheet_name} row {model.excel_row(row)}, "
                     f"{model.raw_header(column)}")

    def redo(self) -> None:
        self.model.apply_value(self.row, self.column, self.new)

    def undo(self) -> None:
        self.model.apply_value(self.row, self.column, self.old)
