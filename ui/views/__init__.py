"""Result views of a plan: each a QWidget with ``set_plan(plan, baseline)`` and ``set_stale``.

The main window embeds them in its Results area and calls ``set_plan`` whenever a new
plan (and the naive baseline) arrives, ``set_plan(None)`` to clear, and
``set_stale(True)`` when the data changed after the plan was made.

The view classes are imported on first use: the Qt-free modules of this package
(:mod:`ui.views.digest` and the data modules it uses) run in the planner's worker
process, which must not load Qt.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ui.views.base import PlanView
    from ui.views.cost import CostView
    from ui.views.dataframe_model import Column, DataFrameModel, Kind, SortProxy
    from ui.views.load import LoadView
    from ui.views.palette import vendor_color
    from ui.views.tables import ActionsView, ContractsView, UnservedView
    from ui.views.timeline import TimelineView

_EXPORTS = {
    "ActionsView": "ui.views.tables",
    "Column": "ui.views.dataframe_model",
    "ContractsView": "ui.views.tables",
    "CostView": "ui.views.cost",
    "DataFrameModel": "ui.views.dataframe_model",
    "Kind": "ui.views.dataframe_model",
    "LoadView": "ui.views.load",
    "PlanView": "ui.views.base",
    "SortProxy": "ui.views.dataframe_model",
    "TimelineView": "ui.views.timeline",
    "UnservedView": "ui.views.tables",
    "vendor_color": "ui.views.palette",
}

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


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
