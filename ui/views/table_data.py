"""The results tables as plain data: column specs, cell texts, sort keys and summaries.

Qt-free (pandas only), so a plan's tables can be prepared in the planner's worker
process (see :mod:`ui.views.digest`): :class:`TableData` holds, per column, the raw
values and (filled on demand, or all at once by :meth:`TableData.complete`) the display
texts and sort keys. The Qt model over it (:mod:`ui.views.dataframe_model`) then only
indexes lists; it never calls pandas or formats a cell twice.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import pandas as pd

from planner.results import PlanResult
from ui.views.formats import (
    as_date,
    format_date,
    format_money,
    format_number,
    format_percent,
    is_missing,
)


class Kind(StrEnum):
    TEXT = "text"
    NUMBER = "number"
    MONEY = "money"
    DATE = "date"
    BOOL = "bool"
    PERCENT = "percent"


class Align(StrEnum):
    LEFT = "left"
    RIGHT = "right"
    CENTER = "center"


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
        """A key that compares correctly: numbers as float, dates as ordinal, text folded."""
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
    def align(self) -> Align:
        if self.kind in (Kind.MONEY, Kind.NUMBER, Kind.PERCENT):
            return Align.RIGHT
        if self.kind in (Kind.BOOL, Kind.DATE):
            return Align.CENTER
        return Align.LEFT


class TableData:
    """One table, ready for a Qt model: rows x columns of values, texts and sort keys.

    Texts are made cell by cell when first asked for (a view shows a screenful), sort
    keys column by column when first sorted; :meth:`complete` makes them all (done off
    the GUI thread for a plan's tables). ``flags`` marks the rows a view highlights.
    """

    __slots__ = ("_keys", "_texts", "columns", "currency", "flags", "rows", "values")

    def __init__(
        self,
        frame: pd.DataFrame | None,
        columns: Sequence[Column],
        currency: str = "",
        flag: str | None = None,
    ) -> None:
        self.columns = tuple(columns)
        self.currency = currency
        n = self.rows = 0 if frame is None else len(frame)
        present = set(frame.columns) if frame is not None else set()
        self.values: list[list[Any]] = [
            frame[c.key].tolist() if frame is not None and c.key in present else [None] * n
            for c in self.columns
        ]
        self.flags: list[bool] | None = None
        if frame is not None and flag is not None and flag in present:
            self.flags = [bool(v) and not is_missing(v) for v in frame[flag].tolist()]
        self._texts: list[list[str | None]] = [[None] * n for _ in self.columns]
        self._keys: list[list[Any] | None] = [None] * len(self.columns)

    def text(self, row: int, col: int) -> str:
        texts = self._texts[col]
        text = texts[row]
        if text is None:
            text = texts[row] = self.columns[col].display(self.values[col][row], self.currency)
        return text

    def texts(self, col: int) -> list[str]:
        """Every text of a column (made now where missing)."""
        texts = self._texts[col]
        if None in texts:
            column, values, currency = self.columns[col], self.values[col], self.currency
            for row, (text, value) in enumerate(zip(texts, values, strict=True)):
                if text is None:
                    texts[row] = column.display(value, currency)
        return texts  # type: ignore[return-value]

    def sort_keys(self, col: int) -> list[Any]:
        keys = self._keys[col]
        if keys is None:
            keys = self._keys[col] = list(map(self.columns[col].sort_key, self.values[col]))
        return keys

    def order(self, col: int, descending: bool) -> list[int]:
        """Row order sorted on ``col`` (stable), blanks last whatever the direction."""
        keys = self.sort_keys(col)
        filled = [row for row, key in enumerate(keys) if key is not None]
        blanks = [row for row, key in enumerate(keys) if key is None]
        try:
            filled.sort(key=keys.__getitem__, reverse=descending)
        except TypeError:  # mixed types in one column: compare as text
            filled.sort(key=lambda row: str(keys[row]), reverse=descending)
        return filled + blanks

    def widest_candidates(self, col: int, count: int = 12, sample: int = 400) -> list[str]:
        """The longest texts of a column (by characters), to measure for its width.

        Only the first ``sample`` rows are formatted for this if the texts are not made
        yet; :meth:`complete` tables offer all of them.
        """
        texts = self._texts[col]
        if texts and texts[-1] is None and self.rows > sample:
            pool = [self.text(row, col) for row in range(sample)]
        else:
            pool = self.texts(col)
        return sorted(set(pool), key=len, reverse=True)[:count]

    def complete(self) -> TableData:
        """Make every text and sort key now (off the GUI thread); returns self."""
        for col in range(len(self.columns)):
            self.texts(col)
            self.sort_keys(col)
        return self


# -- the plan's tables ---------------------------------------------------------------------

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

MAX_RUNS = 8  # unserved runs listed in the summary


def actions_frame(plan: PlanResult) -> pd.DataFrame:
    """The action calendar, with ``_late`` marking actions due before the plan starts."""
    frame = plan.actions.copy()
    if "date" in frame.columns:
        dates = frame["date"].map(as_date)
        frame["_late"] = [d is not None and d < plan.plan_start for d in dates]
    return frame


def actions_summary(plan: PlanResult, frame: pd.DataFrame) -> str:
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


def contracts_frame(plan: PlanResult) -> pd.DataFrame:
    return plan.contracts


def contracts_summary(plan: PlanResult, frame: pd.DataFrame) -> str:
    if frame.empty:
        return "No contracts with exited vendors."
    early = int(frame["terminated_early"].astype(bool).sum()) if "terminated_early" in frame else 0
    cur = plan.currency
    parts = [
        f"<b>{len(frame)}</b> contract{'s' if len(frame) != 1 else ''}, "
        f"<b>{early}</b> terminated early (highlighted)",
        f"termination fees <b>{format_money(plan.costs.termination_fees, cur)}</b>",
        f"commitment shortfall <b>{format_money(plan.costs.commitment_shortfall, cur)}</b>",
    ]
    return "; ".join(parts) + "."


def unserved_frame(plan: PlanResult) -> pd.DataFrame:
    return plan.unserved


def unserved_summary(plan: PlanResult, frame: pd.DataFrame) -> str:
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


def unserved_runs(frame: pd.DataFrame) -> list[str]:
    """Unserved work in words, one line per stream and run of weeks with the same amount."""
    ordered = frame.sort_values(["stream_id", "week"], kind="stable")
    streams = ordered["stream_id"].tolist()
    weeks = ordered["week"].astype(int).tolist()
    tasks = ordered["tasks"].astype(float).tolist()
    reasons = ordered["reason"].astype(str).tolist() if "reason" in ordered else [""] * len(weeks)
    lines: list[str] = []
    start = 0
    for i in range(1, len(weeks) + 1):
        if i < len(weeks) and (
            streams[i] == streams[start]
            and weeks[i] == weeks[i - 1] + 1
            and abs(tasks[i] - tasks[start]) < 1e-6
            and reasons[i] == reasons[start]
        ):
            continue
        span = f"week {weeks[start]}" if start == i - 1 else f"weeks {weeks[start]}–{weeks[i - 1]}"
        reason = f" ({reasons[start]})" if reasons[start] else ""
        lines.append(
            f"{streams[start]}: {format_number(tasks[start], 1)} tasks a week unserved in "
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


@dataclass(frozen=True, slots=True)
class TableSpec:
    """One table view of a plan: its columns, rows, highlighted rows and summary sentence."""

    name: str
    columns: tuple[Column, ...]
    frame: Callable[[PlanResult], pd.DataFrame]
    summary: Callable[[PlanResult, pd.DataFrame], str]
    flag: str | None = None  # a boolean column: rows where it is true are highlighted


@dataclass(slots=True)
class PreparedTable:
    data: TableData
    summary: str  # rich text


ACTIONS = TableSpec("actions", ACTION_COLUMNS, actions_frame, actions_summary, "_late")
CONTRACTS = TableSpec(
    "contracts", CONTRACT_COLUMNS, contracts_frame, contracts_summary, "terminated_early"
)
UNSERVED = TableSpec("unserved", UNSERVED_COLUMNS, unserved_frame, unserved_summary)
TABLES = (ACTIONS, CONTRACTS, UNSERVED)


def prepare_table(spec: TableSpec, plan: PlanResult, *, complete: bool = False) -> PreparedTable:
    frame = spec.frame(plan)
    data = TableData(frame, spec.columns, plan.currency, spec.flag)
    if complete:
        data.complete()
    return PreparedTable(data, spec.summary(plan, frame))
