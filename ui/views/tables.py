"""The table views of a plan: action calendar, contract exits, unserved work.

Each is a summary sentence over a sortable table; the table is the shared
:class:`DataFrameModel` with this view's column specs.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import pandas as pd
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QTableView, QVBoxLayout, QWidget

from planner.results import PlanResult
from ui.views.base import PlanView, fit_columns, make_table, section_title, summary_label
from ui.views.dataframe_model import Column, DataFrameModel, Kind, RowStyle
from ui.views.formats import as_date, format_date, format_money, format_number

ACTION_COLUMNS = (
    Column("date", "Date", Kind.DATE, tooltip="Do this on or before this date"),
    Column("kind", "Action"),
    Column("contract_id", "Contract"),
    Column("vendor", "Vendor"),
    Column("deadline", "Serves deadline", Kind.DATE, tooltip="The date this action prepares"),
    Column("description", "Description"),
)

CONTRACT_COLUMNS = (
    Column("contract_id", "Contract"),
    Column("vendor", "Vendor"),
    Column("title", "Title"),
    Column("exit_week", "Exit week", Kind.NUMBER),
    Column("exit_date", "Exit date", Kind.DATE),
    Column("terminated_early", "Ends", Kind.BOOL, true_text="early", false_text="at term"),
    Column("notice_by", "Notice by", Kind.DATE, tooltip="Send the termination notice by"),
    Column("non_renewal_by", "Refuse renewal by", Kind.DATE),
    Column("termination_fee", "Termination fee", Kind.MONEY),
    Column("commitment_due", "Commitment due", Kind.MONEY, tooltip="Minimum commitment accrued"),
    Column("spend", "Spend", Kind.MONEY, tooltip="Paid to the vendor for this contract"),
    Column("shortfall", "Shortfall", Kind.MONEY, tooltip="Commitment due minus spend, if positive"),
)

UNSERVED_COLUMNS = (
    Column("stream_id", "Stream"),
    Column("contract_id", "Contract"),
    Column("skill", "Skill"),
    Column("week", "Week", Kind.NUMBER),
    Column("week_start", "Week starting", Kind.DATE),
    Column("tasks", "Unserved tasks", Kind.NUMBER, decimals=1),
    Column("reason", "Reason"),
)

LATE_COLOR = QColor("#fde2e1")
EARLY_COLOR = QColor("#fff4ce")


class TablePlanView(PlanView):
    """A summary sentence above one sortable table of the plan."""

    columns: Sequence[Column] = ()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary = summary_label()
        self.model = DataFrameModel(self.columns, row_style=self._row_style(), parent=self)
        self.table: QTableView = make_table(self.model, self)
        layout = QVBoxLayout(self.content)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        self._add_header(layout)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)

    def _add_header(self, layout: QVBoxLayout) -> None:
        """Room for widgets above the summary (the unserved view's shortages)."""

    def _row_style(self) -> RowStyle | None:
        return None

    def _frame(self, plan: PlanResult) -> pd.DataFrame:
        raise NotImplementedError

    def _summary(self, plan: PlanResult, frame: pd.DataFrame) -> str:
        raise NotImplementedError

    def _show_plan(self, plan: PlanResult, baseline: PlanResult | None) -> None:
        frame = self._frame(plan)
        self.model.set_frame(frame, plan.currency)
        self.summary.setText(self._summary(plan, frame))
        fit_columns(self.table)

    def _clear(self) -> None:
        self.model.set_frame(None)
        self.summary.clear()


class ActionsView(TablePlanView):
    """The action calendar: what to send or start, by when."""

    columns = ACTION_COLUMNS

    def _row_style(self) -> RowStyle:
        def style(row: pd.Series) -> tuple[QColor | None, bool]:
            return (LATE_COLOR if row.get("_late", False) else None, False)

        return style

    def _frame(self, plan: PlanResult) -> pd.DataFrame:
        frame = plan.actions.copy()
        if "date" in frame.columns:
            dates = frame["date"].map(as_date)
            frame["_late"] = [d is not None and d < plan.plan_start for d in dates]
        return frame

    def _summary(self, plan: PlanResult, frame: pd.DataFrame) -> str:
        if frame.empty:
            return "No actions: no notice to send and no vendor to onboard."
        dates = [d for d in frame.get("date", pd.Series(dtype=object)).map(as_date) if d]
        first = min(dates) if dates else None
        late = int(frame.get("_late", pd.Series(dtype=bool)).sum())
        text = f"<b>{len(frame)}</b> action{'s' if len(frame) != 1 else ''}"
        if first is not None:
            text += f"; the first is due <b>{first.isoformat()}</b>"
        text += "."
        if late:
            text += (
                f" <span style='color:#b42318'><b>{late}</b> "
                f"{'is' if late == 1 else 'are'} already past due at plan start "
                "(highlighted).</span>"
            )
        return text


class ContractsView(TablePlanView):
    """When each contract with an exited vendor ends, and what ending it costs."""

    columns = CONTRACT_COLUMNS

    def _row_style(self) -> RowStyle:
        def style(row: pd.Series) -> tuple[QColor | None, bool]:
            return (EARLY_COLOR if bool(row.get("terminated_early", False)) else None, False)

        return style

    def _frame(self, plan: PlanResult) -> pd.DataFrame:
        return plan.contracts

    def _summary(self, plan: PlanResult, frame: pd.DataFrame) -> str:
        if frame.empty:
            return "No contracts with exited vendors."
        early = (
            int(frame["terminated_early"].astype(bool).sum()) if "terminated_early" in frame else 0
        )
        cur = plan.currency
        parts = [
            f"<b>{len(frame)}</b> contract{'s' if len(frame) != 1 else ''}, "
            f"<b>{early}</b> terminated early (highlighted)",
            f"termination fees <b>{format_money(plan.costs.termination_fees, cur)}</b>",
            f"commitment shortfall <b>{format_money(plan.costs.commitment_shortfall, cur)}</b>",
        ]
        return "; ".join(parts) + "."


class UnservedView(TablePlanView):
    """Work no vendor does, week by week, and why a full exit is blocked."""

    columns = UNSERVED_COLUMNS

    def _add_header(self, layout: QVBoxLayout) -> None:
        self.shortages_title = section_title("What blocks a full exit")
        self.shortages = QLabel()
        self.shortages.setWordWrap(True)
        self.shortages.setTextFormat(self.summary.textFormat())
        layout.addWidget(self.shortages_title)
        layout.addWidget(self.shortages)

    def _frame(self, plan: PlanResult) -> pd.DataFrame:
        return plan.unserved

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

    def _summary(self, plan: PlanResult, frame: pd.DataFrame) -> str:
        if frame.empty or float(frame["tasks"].sum()) <= 1e-9:
            return "All work is served in every week of the plan."
        runs = unserved_runs(frame)
        shown = "".join(f"<li>{html.escape(r)}</li>" for r in runs[:MAX_RUNS])
        if len(runs) > MAX_RUNS:
            shown += f"<li>… and {len(runs) - MAX_RUNS} more (see the table)</li>"
        tasks = float(frame["tasks"].sum())
        streams = frame["stream_id"].nunique()
        weeks = frame["week"].nunique()
        first = format_date(frame["week_start"].min()) if "week_start" in frame else ""
        return (
            f"<b>{format_number(tasks, 1)}</b> tasks go unserved in <b>{streams}</b> "
            f"stream{'s' if streams != 1 else ''} over <b>{weeks}</b> "
            f"week{'s' if weeks != 1 else ''}"
            + (f", from {first}" if first else "")
            + f" (penalty {format_money(plan.costs.unserved_penalty, plan.currency)})."
            + f"<ul style='margin-left:-20px'>{shown}</ul>"
        )


MAX_RUNS = 8


def unserved_runs(frame: pd.DataFrame) -> list[str]:
    """Unserved work in words, one line per stream and run of weeks with the same amount."""
    lines: list[str] = []
    ordered = frame.sort_values(["stream_id", "week"], kind="stable")
    for stream, group in ordered.groupby("stream_id", sort=False):
        weeks = group["week"].astype(int).tolist()
        tasks = group["tasks"].astype(float).tolist()
        reasons = group["reason"].astype(str).tolist() if "reason" in group else [""] * len(weeks)
        start = 0
        for i in range(1, len(weeks) + 1):
            if i < len(weeks) and (
                weeks[i] == weeks[i - 1] + 1
                and abs(tasks[i] - tasks[start]) < 1e-6
                and reasons[i] == reasons[start]
            ):
                continue
            span = (
                f"week {weeks[start]}" if start == i - 1 else f"weeks {weeks[start]}–{weeks[i - 1]}"
            )
            reason = f" ({reasons[start]})" if reasons[start] else ""
            lines.append(
                f"{stream}: {format_number(tasks[start], 1)} tasks a week unserved in "
                f"{span}{reason}"
            )
            start = i
    return lines


def shortages_html(plan: PlanResult) -> str:
    """The plan's shortages and notes as a bullet list ("" when there is nothing to say)."""
    items: list[str] = []
    if plan.fastest_feasible is False:
        items.append(
            "<b>No full exit without unserved work is possible within the horizon</b>; "
            "the plan shown is the cheapest one."
        )
    for s in plan.shortages:
        weeks = (
            f"week {s.first_week}"
            if s.first_week == s.last_week
            else f"weeks {s.first_week}–{s.last_week}"
        )
        streams = ", ".join(s.streams)
        items.append(
            f"<b>{html.escape(s.kind.capitalize())}</b> ({html.escape(s.skill)}, {weeks}, "
            f"{format_number(s.tasks_short, 1)} tasks"
            + (f"; streams {html.escape(streams)}" if streams else "")
            + f"): {html.escape(s.message)}"
        )
    items += [html.escape(note) for note in plan.notes]
    if not items:
        return ""
    return "<ul style='margin-left:-20px'>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>"
