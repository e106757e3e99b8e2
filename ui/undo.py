"""Undoable edits. Every change to the raw tables goes through a command on one stack."""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from PySide6.QtGui import QUndoCommand

if TYPE_CHECKING:
    from planner.workbook import RawRow
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


class InsertRowCommand(QUndoCommand):
    """Add an empty row (a new contract, stream, vendor or offer) at ``position``."""

    def __init__(self, model: SheetTableModel, position: int) -> None:
        super().__init__()
        self.model = model
        self.position = position
        self.raw_row: RawRow = model.new_raw_row()
        self.serial = next(_serials)
        self.setText(f"add a row to {model.sheet_name}")

    def redo(self) -> None:
        self.model.insert_raw_row(self.position, self.raw_row)

    def undo(self) -> None:
        self.model.take_raw_row(self.position)


class RemoveRowsCommand(QUndoCommand):
    """Delete rows; undo puts the very same rows (cells and Excel numbers) back."""

    def __init__(self, model: SheetTableModel, positions: list[int]) -> None:
        super().__init__()
        self.model = model
        self.positions = sorted(set(positions))
        self.removed: list[tuple[int, RawRow]] = []
        self.serial = next(_serials)
        rows = ", ".join(str(model.excel_row(p)) for p in self.positions[:5])
        self.setText(f"delete {model.sheet_name} row(s) {rows}"
                     + (" ..." if len(self.positions) > 5 else ""))

    def redo(self) -> None:
        self.removed = [(p, self.model.take_raw_row(p)) for p in reversed(self.positions)]

    def undo(self) -> None:
        for position, raw_row in reversed(self.removed):
            self.model.insert_raw_row(position, raw_row)
