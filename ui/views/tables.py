"""The table views of a plan: action calendar, contract exits, unserved work.

Each is a summary sentence over a sortable table; the table is the shared
:class:`DataFrameModel` with this view's column specs. Rows, texts and summaries are
plain data from :mod:`ui.views.table_data`, prepared off the GUI thread when the plan
has a digest (:mod:`ui.views.digest`).
"""

from __future__ import annotations

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QTableView, QVBoxLayout, QWidget

from planner.results import PlanResult
from ui.views.base import PlanView, fit_columns, make_table, section_title, summary_label
from ui.views.dataframe_model import DataFrameModel, Highlight
from ui.views.digest import digest_of
from ui.views.table_data import (
    ACTION_COLUMNS,
    ACTIONS,
    CONTRACT_COLUMNS,
    CONTRACTS,
    MAX_RUNS,
    UNSERVED,
    UNSERVED_COLUMNS,
    PreparedTable,
    TableSpec,
    prepare_table,
    shortages_html,
    unserved_runs,
)

__all__ = [
    "ACTION_COLUMNS",
    "CONTRACT_COLUMNS",
    "MAX_RUNS",
    "UNSERVED_COLUMNS",
    "ActionsView",
    "ContractsView",
    "TablePlanView",
    "UnservedView",
    "shortages_html",
    "unserved_runs",
]

LATE_COLOR = QColor("#fde2e1")
EARLY_COLOR = QColor("#fff4ce")


class TablePlanView(PlanView):
    """A summary sentence above one sortable table of the plan."""

    spec: TableSpec
    highlight: Highlight | None = None

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary = summary_label()
        self.model = DataFrameModel(
            self.spec.columns, flag=self.spec.flag, highlight=self.highlight, parent=self
        )
        self.table: QTableView = make_table(self.model, self)
        layout = QVBoxLayout(self.content)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        self._add_header(layout)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)

    def _add_header(self, layout: QVBoxLayout) -> None:
        """Room for widgets above the summary (the unserved view's shortages)."""

    def _prepared(self, plan: PlanResult) -> PreparedTable:
        digest = digest_of(plan)
        prepared = digest.tables.get(self.spec.name) if digest is not None else None
        return prepared if prepared is not None else prepare_table(self.spec, plan)

    def _show_plan(self, plan: PlanResult, baseline: PlanResult | None) -> None:
        prepared = self._prepared(plan)
        self.model.set_table(prepared.data)
        self.summary.setText(prepared.summary)
        fit_columns(self.table)

    def _clear(self) -> None:
        self.model.set_frame(None)
        self.summary.clear()


class ActionsView(TablePlanView):
    """The action calendar: what to send or start, by when (past-due rows highlighted)."""

    spec = ACTIONS
    highlight = Highlight(LATE_COLOR)


class ContractsView(TablePlanView):
    """When each contract with an exited vendor ends, and what ending it costs."""

    spec = CONTRACTS
    highlight = Highlight(EARLY_COLOR)  # contracts terminated early


class UnservedView(TablePlanView):
    """Work no vendor does, week by week, and why a full exit is blocked."""

    spec = UNSERVED

    def _add_header(self, layout: QVBoxLayout) -> None:
        self.shortages_title = section_title("What blocks a full exit")
        self.shortages = QLabel()
        self.shortages.setWordWrap(True)
        self.shortages.setTextFormat(self.summary.textFormat())
        layout.addWidget(self.shortages_title)
        layout.addWidget(self.shortages)

    def _show_plan(self, plan: PlanResult, baseline: PlanResult | None) -> None:
        super()._show_plan(plan, baseline)
        text = shortages_html(plan)
        self.shortages.setText(text)
        self.shortages.setVisible(bool(text))
        self.shortages_title.setVisible(bool(text))
        blocked = bool(plan.shortages) or plan.fastest_feasible is False
        self.shortages_title.setText("What blocks a full exit" if blocked else "Notes")

    def _clear(self) -> None:
        super()._clear()
        self.shortages.clear()
