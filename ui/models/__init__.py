"""Qt table models: thin adapters over the planner's raw tables and problem lists."""

from ui.models.problems_model import ProblemsModel
from ui.models.sheet_model import SheetFilterProxy, SheetTableModel, format_cell

__all__ = ["ProblemsModel", "SheetFilterProxy", "SheetTableModel", "format_cell"]
