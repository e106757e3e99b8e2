"""Result views of a plan: each a QWidget with ``set_plan(plan, baseline)`` and ``set_stale``.

The main window embeds them in its Results area and calls ``set_plan`` whenever a new
plan (and the naive baseline) arrives, ``set_plan(None)`` to clear, and
``set_stale(True)`` when the data changed after the plan was made.
"""

from ui.views.base import PlanView
from ui.views.cost import CostView
from ui.views.dataframe_model import Column, DataFrameModel, Kind, SortProxy
from ui.views.load import LoadView
from ui.views.palette import vendor_color
from ui.views.tables import ActionsView, ContractsView, UnservedView
from ui.views.timeline import TimelineView

__all__ = [
    "ActionsView",
    "Column",
    "ContractsView",
    "CostView",
    "DataFrameModel",
    "Kind",
    "LoadView",
    "PlanView",
    "SortProxy",
    "TimelineView",
    "UnservedView",
    "vendor_color",
]
