"""The seven sections of the leadership report, each a list of flowables (eight with
the Decision support part of ``decision.py``, when insights are given).

Every number printed comes from the PlanResult tables (never recomputed differently):
the report is a view of the plan, like the app's panels.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from reportlab.graphics.shapes import Drawing, Group, Line
from reportlab.lib import colors
from reportlab.lib.colors import Color
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    Spacer,
)

from planner import schema
from planner.domain import Dataset, Mode
from planner.report import charts
from planner.report.charts import UNSERVED, GanttRow, Look, VendorPalette
from planner.report.fonts import FontSet
from planner.report.layout import Styles, cards, data_table, grid
from planner.report.text import day, long_day, money, number, para, percent, shorten
from planner.results import PlanResult

if TYPE_CHECKING:
    from planner.insights.bundle import InsightsBundle

BOTTLENECK = 0.95  # an offer is a bottleneck in a week when used / capacity exceeds this
MAX_LIST = 7  # lines per list on the one-page executive summary
MAX_BOTTLENECKS = 15  # rows of the bottleneck table
NAME = 60  # characters of a user-given name on the one-page summary
DECISION = 7  # number of the Decision support section, when the report has one
# (bundle field, title, the question it answers) of each insight, in report order
INSIGHTS = (
    ("speed", "Price of speed", "what an earlier exit would cost"),
    ("levers", "Levers", "what to negotiate to exit sooner or cheaper"),
    ("doctor", "Infeasibility doctor", "whether all the work can be placed"),
    ("scenarios", "Scenarios", "how what-if changes compare with the plan"),
    ("risk", "Ramp risk", "how sure the exit date is if new vendors start late or ramp "
     "slowly"),
)


@dataclass
class Context:
    plan: PlanResult
    dataset: Dataset
    baseline: PlanResult | None
    fonts: FontSet
    styles: Styles
    width: float  # frame width
    height: float  # frame height
    title: str
    generated: date
    insights: InsightsBundle | None = None

    def p(self, text: object, limit: int | None = None) -> str:
        """User text as safe Paragraph markup, optionally cut to ``limit`` characters."""
        return para(text if limit is None else shorten(str(text), limit), self.fonts)

    def money(self, amount: float, *, compact: bool = False) -> str:
        return money(amount, self.plan.currency, compact=compact)

    @cached_property
    def palette(self) -> VendorPalette:
        exited = set(self.dataset.exited_vendors)
        if not self.plan.vendors.empty:
            exited |= set(self.plan.vendors.loc[self.plan.vendors.exited.astype(bool), "vendor"])
        alternatives = {v.vendor for v in self.dataset.vendors}
        if not self.plan.allocation.empty:
            alternatives |= set(self.plan.allocation.vendor)
        return VendorPalette(exited, alternatives - exited)

    @cached_property
    def exited_names(self) -> list[str]:
        return sorted(set(self.plan.contracts.vendor) if not self.plan.contracts.empty
                      else self.dataset.exited_vendors)

    @cached_property
    def bottlenecks(self) -> pd.DataFrame:
        """vendor, skill, weeks, first_week, last_week, peak -- offers above 95% use."""
        cap = self.plan.capacity
        cols = ["vendor", "skill", "weeks", "first_week", "last_week", "peak"]
        if cap.empty:
            return pd.DataFrame(columns=cols)
        c = cap[cap.capacity > 1e-9].copy()
        c["use"] = c.used / c.capacity
        hot = c[c.use > BOTTLENECK]
        if hot.empty:
            return pd.DataFrame(columns=cols)
        out = hot.groupby(["vendor", "skill"], sort=False).agg(
            weeks=("week", "size"), first_week=("week", "min"), last_week=("week", "max"),
            peak=("use", "max")).reset_index()
        return out.sort_values(["weeks", "peak"], ascending=False).reset_index(drop=True)

    def week_date(self, week: int) -> date:
        return self.dataset.settings.week_start(int(week))


# --- 1. executive summary -----------------------------------------------------------------


def bullet(markup: str, st: Styles) -> Paragraph:
    return Paragraph(markup, st.bullet, bulletText="•")


def headline(ctx: Context) -> str:
    """The sentence leadership reads first (plain text, not markup)."""
    plan = ctx.plan
    who = shorten(", ".join(ctx.exited_names), 2 * NAME) or "the exited vendor"
    done = long_day(plan.completion_date)
    if plan.completion_week >= plan.horizon_weeks:
        a = plan.allocation
        last = a[a.exited.astype(bool) & (a.week == plan.horizon_weeks - 1)] if not a.empty \
            else a
        streams = last.stream_id.nunique() if len(last) else 0
        tasks = number(float(last.tasks.sum()) if len(last) else 0.0)
        if plan.mode is Mode.CHEAPEST and plan.fastest_feasible is None:
            # cheapest mode never tried to exit fully: say what it chose, not "no exit"
            return (f"The cheapest plan keeps {streams} stream(s), {tasks} tasks/week, with "
                    f"{who} to the end of the {plan.horizon_weeks}-week horizon; plan in "
                    "fastest mode for the earliest full exit, if one exists")
        return (f"No full exit from {who} within the {plan.horizon_weeks}-week horizon: "
                f"{streams} stream(s), {tasks} tasks/week, are still there in the last "
                "planned week")
    text = f"Full exit from {who} by {done}, {plan.completion_week} weeks"
    if plan.costs.unserved_tasks > 1e-6:
        text += f", leaving {number(plan.costs.unserved_tasks)} tasks unserved"
    return text


def saving(ctx: Context) -> float | None:
    if ctx.baseline is None:
        return None
    return ctx.baseline.total_cost - ctx.plan.total_cost


def executive_summary(ctx: Context) -> list[Flowable]:
    plan, st = ctx.plan, ctx.styles
    out: list[Flowable] = [
        Paragraph(ctx.p(ctx.title, 120), st.title),
        Paragraph("Executive summary", st.subtitle),
        Paragraph(ctx.p(headline(ctx)) + ".", st.h1),
    ]
    cost_line = f"Total cost of the plan: <b>{ctx.money(plan.total_cost)}</b>"
    s = saving(ctx)
    if s is not None and ctx.baseline is not None:
        base = ctx.baseline.total_cost
        share = f" ({percent(s / base)})" if base > 0 else ""
        verb = "saves" if s >= 0 else "costs"
        cost_line += (f"; it {verb} <b>{ctx.money(abs(s))}</b>{share} "
                      f"{'against' if s >= 0 else 'more than'} the naive baseline "
                      f"({ctx.money(base)}).")
    else:
        cost_line += "; no baseline plan was given, so no saving is shown."
    out.append(Paragraph(cost_line, st.body))
    out.append(Spacer(1, 6))
    out.append(cards(key_numbers(ctx), ctx.width, st))
    out.append(Spacer(1, 8))
    if plan.fastest_feasible is False:
        out.append(Paragraph("A full exit is not possible with the capacity and rules given; "
                             "this is the cheapest plan instead. What blocks it:", st.alert))
        for sh in plan.shortages[:MAX_LIST]:
            out.append(bullet(ctx.p(f"{shorten(sh.message, 300)} ({sh.kind}, "
                                    f"{shorten(sh.skill, NAME)}, {number(sh.tasks_short)} "
                                    "tasks short)"),
                                 st))
        if len(plan.shortages) > MAX_LIST:
            out.append(Paragraph(f"… and {len(plan.shortages) - MAX_LIST} more.", st.small))
    half = (ctx.width - 18) / 2
    left = [Paragraph("Decisions to take now", st.h2), *decisions(ctx)]
    right = [Paragraph("Main risks", st.h2), *risks(ctx)]
    out.append(grid([[left, right]], [half, half], ctx.fonts,
                    [("RIGHTPADDING", (0, 0), (0, -1), 18)]))
    parts = insight_parts(ctx)
    if parts:
        out.append(Spacer(1, 4))
        out.append(Paragraph(
            f"<b>Decision support</b> (section {DECISION}): "
            + "; ".join(f"{title.lower()}, {question}" for _, title, question in parts) + ".",
            st.body))
    for note in plan.notes[:3]:
        out.append(Paragraph("Note: " + ctx.p(note, 300), st.small))
    out.append(PageBreak())
    return out


def insight_parts(ctx: Context) -> list[tuple[str, str, str]]:
    """(bundle field, title, question) of each insight the report shows, in order."""
    if ctx.insights is None:
        return []
    return [part for part in INSIGHTS if getattr(ctx.insights, part[0]) is not None]


def key_numbers(ctx: Context) -> list[tuple[str, str]]:
    plan = ctx.plan
    s = saving(ctx)
    early = plan.contracts[plan.contracts.terminated_early.astype(bool)] if not \
        plan.contracts.empty else plan.contracts
    engaged = plan.vendors[~plan.vendors.exited.astype(bool) & plan.vendors.engaged.astype(bool)] \
        if not plan.vendors.empty else plan.vendors
    items = [
        (ctx.money(plan.total_cost, compact=True), "total cost of the plan"),
        (ctx.money(s, compact=True) if s is not None else "n/a",
         "saving against the naive baseline" if s is None or s >= 0 else
         "extra cost against the naive baseline"),
        (f"{plan.completion_week} wk", f"to full exit ({day(plan.completion_date)})"
         if plan.completion_week < plan.horizon_weeks else "no full exit within the horizon"),
        (f"{len(early)}", "early terminations, fees "
         + ctx.money(float(early.termination_fee.sum()) if len(early) else 0.0)),
        (f"{len(engaged)}", "new vendors engaged, setup "
         + ctx.money(plan.costs.setup_fees)),
    ]
    if plan.costs.unserved_tasks > 1e-6:
        items[-1] = (number(plan.costs.unserved_tasks), "tasks left unserved")
    return items


def decisions(ctx: Context) -> list[Flowable]:
    """Contract notices first (they cost money if missed), then onboarding per vendor."""
    st, plan = ctx.styles, ctx.plan
    notices: list[tuple[date, str]] = []
    n_early = n_refuse = 0
    for row in plan.contracts.itertuples(index=False):
        if bool(row.terminated_early) and _present(row.notice_by):
            n_early += 1
            notices.append((pd.Timestamp(row.notice_by).date(), (
                f"<b>Terminate {ctx.p(row.contract_id, NAME)}</b> "
                f"({ctx.p(row.vendor, NAME)}) early: send notice by "
                f"<b>{day(row.notice_by)}</b> to exit on {day(row.exit_date)}; fee "
                f"{ctx.money(float(row.termination_fee))}.")))
        if _present(row.non_renewal_by):
            n_refuse += 1
            notices.append((pd.Timestamp(row.non_renewal_by).date(), (
                f"<b>Refuse the renewal of {ctx.p(row.contract_id, NAME)}</b> "
                f"({ctx.p(row.vendor, NAME)}): notice by <b>{day(row.non_renewal_by)}</b>, "
                f"term ends {day(row.end_date)}.")))
    onboarding: list[tuple[date, str]] = []
    acts = plan.actions
    onboard = acts[acts.kind == "onboarding start"] if not acts.empty else acts
    if not onboard.empty:
        per_vendor = onboard.assign(when=pd.to_datetime(onboard.date),
                                    first=pd.to_datetime(onboard.deadline)).groupby(
            "vendor", sort=False).agg(when=("when", "min"), first=("first", "min"),
                                      offers=("when", "size"))
        for vendor, r in per_vendor.sort_values("when").iterrows():
            skills = f" ({int(r.offers)} skills)" if int(r.offers) > 1 else ""
            onboarding.append((r.when.date(), (
                f"<b>Start onboarding {ctx.p(vendor, NAME)}</b>{skills} by <b>{day(r.when)}</b> "
                f"(first work {day(r.first)}).")))
    notices.sort(key=lambda x: x[0])
    lines = notices + onboarding
    if not lines:
        return [Paragraph("No notices or onboarding are needed.", st.body)]
    out: list[Flowable] = []
    if len(lines) > MAX_LIST:
        out.append(Paragraph(
            f"In all: {n_early} early termination(s), {n_refuse} non-renewal notice(s), "
            f"onboarding of {len(onboarding)} vendor(s). The first ones:", st.body))
    for when, text in lines[:MAX_LIST]:
        out.append(bullet(text + _overdue(ctx, when), st))
    if len(lines) > MAX_LIST:
        out.append(Paragraph(f"… and {len(lines) - MAX_LIST} more in the action calendar "
                             "(section 5).", st.small))
    return out


def _overdue(ctx: Context, when: date) -> str:
    return " <font color='#8b0000'>(overdue)</font>" if when < ctx.generated else ""


def risks(ctx: Context) -> list[Flowable]:
    st, plan = ctx.styles, ctx.plan
    out: list[Flowable] = []
    un = plan.unserved
    if plan.costs.unserved_tasks > 1e-6 and not un.empty:
        lo, hi = int(un.week.min()), int(un.week.max())
        when = (f"week {lo} ({day(ctx.week_date(lo))})" if lo == hi else
                f"weeks {lo}–{hi} ({day(ctx.week_date(lo))} to {day(ctx.week_date(hi))})")
        out.append(bullet(
            f"<b>Unserved work:</b> {number(plan.costs.unserved_tasks)} tasks in "
            f"{un.stream_id.nunique()} stream(s), {when}; penalty "
            f"{ctx.money(plan.costs.unserved_penalty)}.", st))
    else:
        out.append(bullet("<b>Unserved work:</b> none; every task is served every week.",
                             st))
    b = ctx.bottlenecks
    if b.empty:
        out.append(bullet(f"<b>Capacity:</b> no offer is used above "
                             f"{percent(BOTTLENECK, 0)} of its capacity in any week.", st))
    else:
        out.append(bullet(f"<b>Capacity bottlenecks</b> (weeks above "
                             f"{percent(BOTTLENECK, 0)} of capacity):", st))
        for row in b.head(4).itertuples(index=False):
            out.append(Paragraph(
                f"{ctx.p(row.vendor, NAME)} · {ctx.p(row.skill, NAME)}: {int(row.weeks)} "
                f"week(s), {day(ctx.week_date(int(row.first_week)))} to "
                f"{day(ctx.week_date(int(row.last_week)))}, peak {percent(float(row.peak), 0)}",
                st.sub_bullet, bulletText="–"))
        if len(b) > 4:
            out.append(Paragraph(f"… and {len(b) - 4} more offers (section 3).",
                                 st.sub_bullet))
    alt = plan.vendors[~plan.vendors.exited.astype(bool)] if not plan.vendors.empty \
        else plan.vendors
    total = float(alt.tasks.sum()) if len(alt) else 0.0
    if total > 1e-9:
        top = alt.sort_values("tasks", ascending=False).iloc[0]
        share = float(top.tasks) / total
        level = "high" if share > 0.5 else "moderate" if share > 0.3 else "low"
        out.append(bullet(
            f"<b>Concentration ({level}):</b> {ctx.p(top.vendor, NAME)} would carry "
            f"{percent(share, 0)} of all work moved to new vendors.", st))
    if plan.status.value not in ("optimal",):
        out.append(bullet(f"<b>Solver:</b> stopped with status '{plan.status.value}'; "
                             f"the plan may be up to {percent(plan.gap, 2)} dearer than the "
                             "best possible.", st))
    return out


# --- 2. timeline ---------------------------------------------------------------------------


def timeline(ctx: Context) -> list[Flowable]:
    plan, st = ctx.plan, ctx.styles
    weeks = plan.horizon_weeks
    order = ctx.palette.order
    alternative = np.array([v in ctx.palette.alternatives for v in order])
    streams = plan.streams
    unserved = _with_vendor(plan.unserved)
    stream_shares = charts.steady_mix(charts.share_matrix(
        plan.allocation, unserved, "stream_id", list(streams.stream_id),
        list(streams.weekly_volume), order, weeks), alternative)
    contract_ids = list(plan.contracts.contract_id)
    by_contract = streams.groupby("contract_id").weekly_volume.sum() if not streams.empty \
        else pd.Series(dtype=float)
    contract_shares = charts.steady_mix(charts.share_matrix(
        plan.allocation, unserved, "contract_id", contract_ids,
        [float(by_contract.get(c, 0.0)) for c in contract_ids], order, weeks), alternative)
    position = {sid: i for i, sid in enumerate(streams.stream_id)}
    rows: list[GanttRow] = []
    overview: list[GanttRow] = []
    for ci, c in enumerate(plan.contracts.itertuples(index=False)):
        title = f"{c.contract_id} · {c.vendor}" + (f" — {c.title}" if c.title else "")
        header = GanttRow(title, contract_shares[ci], True, None, _markers(ctx, c))
        rows.append(header)
        overview.append(GanttRow(title, contract_shares[ci], False, None, header.markers))
        mine = streams[streams.contract_id == c.contract_id] if not streams.empty else streams
        for srow in mine.itertuples(index=False):
            cut = None
            if _present(srow.first_week_moved) and _present(srow.last_week_exited) and \
                    int(srow.first_week_moved) <= int(srow.last_week_exited):
                cut = (int(srow.first_week_moved), int(srow.last_week_exited))
            name = str(srow.stream_id)
            if srow.name and str(srow.name) != name:
                name += f" {srow.name}"
            rows.append(GanttRow(name, stream_shares[position[srow.stream_id]], False, cut))
    intro = Paragraph(
        "Who does the work, week by week. The dark part of a bar is work still on the exited "
        "vendor and shrinks as work moves; the coloured part is work on new vendors, split "
        "by each row's overall mix of vendors (the weekly split is in section 3). A black "
        "line under a stream marks its cutover, when old and new vendors both work on it.",
        st.body)
    leg = _legend(ctx, with_markers=True)
    h1 = Paragraph("2. Migration timeline", st.h1)
    heading_h = _height(Paragraph("By contract", st.h2), ctx.width)
    continued = ctx.height - heading_h - leg.height - 4 - 12
    first = continued - _height(h1, ctx.width) - _height(intro, ctx.width)
    out: list[Flowable] = [h1, intro, leg, Spacer(1, 4)]
    chunks: list[tuple[str, list[Drawing]]] = []
    if len(streams) > 30 and len(overview) > 1:
        chunks.append(("by contract", charts.gantt_pages(
            overview, ctx.palette, ctx.fonts, plan.plan_start, weeks, ctx.width, continued,
            first)))
    chunks.append(("by contract and work stream", charts.gantt_pages(
        rows, ctx.palette, ctx.fonts, plan.plan_start, weeks, ctx.width, continued,
        continued if chunks else first)))
    opening = True
    for what, pages in chunks:
        for i, drawing in enumerate(pages):
            heading = f"2. Migration timeline {what}" + (" (continued)" if i else "")
            if not opening:
                out += [PageBreak(), Paragraph(heading, st.h2), leg, Spacer(1, 4)]
            else:
                out.append(Paragraph(what.capitalize(), st.h2))
            opening = False
            out.append(drawing)
    out.append(PageBreak())
    return out


def _height(flowable: Flowable, width: float) -> float:
    """Height of a flowable laid out at ``width``, with its space before and after."""
    _w, h = flowable.wrap(width, 10_000)
    return float(h + flowable.getSpaceBefore() + flowable.getSpaceAfter())


def _present(value: object) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value)) and \
        not pd.isna(value)


def _with_vendor(unserved: pd.DataFrame) -> pd.DataFrame:
    return unserved if "vendor" in unserved.columns else unserved.assign(vendor=UNSERVED)


def _markers(ctx: Context, c: object) -> tuple[tuple[float, str], ...]:
    s = ctx.dataset.settings
    out: list[tuple[float, str]] = []
    weeks = ctx.plan.horizon_weeks
    for field, kind in (("notice_by", "notice"), ("non_renewal_by", "nonrenewal"),
                        ("effective_end", "end")):
        value = getattr(c, field, None)
        if _present(value):
            w = (pd.Timestamp(value).date() - s.plan_start).days / 7
            if 0 <= w <= weeks:
                out.append((w, kind))
    exit_week = int(getattr(c, "exit_week", weeks))
    if 0 <= exit_week <= weeks:
        out.append((float(exit_week), "exit"))
    return tuple(out)


def _legend(ctx: Context, *, with_markers: bool = False, vendors: Sequence[str] | None = None
            ) -> Drawing:
    names = vendors if vendors is not None else _vendors_in_plan(ctx)
    extra = []
    if with_markers:
        extra = [
            ("termination notice", lambda x, y: charts.marker(x + 7, y - 1, 10, "notice")),
            ("non-renewal notice", lambda x, y: charts.marker(x + 7, y - 1, 10, "nonrenewal")),
            ("exit", lambda x, y: charts.marker(x + 7, y - 1, 10, "exit")),
            ("contract end", lambda x, y: charts.marker(x + 7, y - 1, 10, "end")),
            ("cutover", _cutover_swatch),
        ]
    items = [(n + (" (exited)" if n in ctx.palette.exited else ""), ctx.palette[n])
             for n in names]
    return charts.legend(items, ctx.fonts, ctx.width, extra=extra)


def _cutover_swatch(x: float, y: float) -> Group:
    g = Group()
    g.add(Line(x, y + 3, x + 14, y + 3, strokeColor=charts.INK, strokeWidth=1.2))
    return g


def _vendors_in_plan(ctx: Context) -> list[str]:
    present = set(ctx.plan.allocation.vendor) if not ctx.plan.allocation.empty else set()
    names = [v for v in ctx.palette.order if v in present]
    if ctx.plan.costs.unserved_tasks > 1e-6:
        names.append(UNSERVED)
    return names


# --- 3. vendor load ------------------------------------------------------------------------


def weekly_by(frame: pd.DataFrame, key: str, value: str, weeks: int) -> dict[str, np.ndarray]:
    """{key value: array of weekly sums}, vectorised."""
    if frame.empty:
        return {}
    g = frame.groupby([key, "week"])[value].sum()
    out: dict[str, np.ndarray] = {}
    for name, sub in g.groupby(level=0):
        arr = np.zeros(weeks)
        w = sub.index.get_level_values(1).to_numpy(dtype=int)
        ok = (w >= 0) & (w < weeks)
        arr[w[ok]] = sub.to_numpy(dtype=float)[ok]
        out[str(name)] = arr
    return out


def vendor_load(ctx: Context) -> list[Flowable]:
    plan, st = ctx.plan, ctx.styles
    weeks = plan.horizon_weeks
    tasks = weekly_by(plan.allocation, "vendor", "tasks", weeks)
    if plan.costs.unserved_tasks > 1e-6 and not plan.unserved.empty:
        tasks[UNSERVED] = weekly_by(_with_vendor(plan.unserved), "vendor", "tasks", weeks)[
            UNSERVED]
    series = [(ctx.palette[n], tasks[n]) for n in ctx.palette.order if n in tasks]
    cap = plan.capacity
    cap_total = weekly_by(cap.assign(all="all"), "all", "capacity", weeks).get(
        "all", np.zeros(weeks))
    volume = np.full(weeks, float(plan.streams.weekly_volume.sum()) if not plan.streams.empty
                     else 0.0)
    flags = np.zeros(weeks, dtype=bool)
    if not cap.empty:
        hot = cap[(cap.capacity > 1e-9) & (cap.used > BOTTLENECK * cap.capacity)]
        flags[hot.week[(hot.week >= 0) & (hot.week < weeks)].astype(int).to_numpy()] = True
    chart = charts.stacked_weeks(
        series, ctx.fonts, plan.plan_start, ctx.width, 215,
        lines=[("capacity", cap_total, colors.HexColor("#8b0000"), None),
               ("volume", volume, colors.black, [3, 2])],
        title="Tasks per week by vendor, against total alternative capacity")
    out: list[Flowable] = [
        Paragraph("3. Vendor load", st.h1),
        Paragraph("Bars: tasks done each week, stacked by vendor. Solid red line: capacity "
                  "offered by all alternative vendors (after onboarding and ramp). Dashed "
                  "line: total weekly volume. A black cap on a bar marks a week where some offer "
                  f"runs above {percent(BOTTLENECK, 0)} of its capacity.", st.body),
        _legend(ctx), Spacer(1, 4), chart, Spacer(1, 8),
    ]
    used = weekly_by(cap, "vendor", "used", weeks)
    capacity = weekly_by(cap, "vendor", "capacity", weeks)
    names = sorted(used, key=lambda n: -float(used[n].sum()))
    shown = [n for n in names if used[n].sum() > 1e-9][:12]
    if shown:
        out.append(CondPageBreak(150))
        out.append(Paragraph("Each engaged vendor against its own capacity", st.h2))
        cols = 3
        w = (ctx.width - 12 * (cols - 1)) / cols
        cells: list[list[Flowable | str]] = [[]]
        for n in shown:
            over = (capacity[n] > 1e-9) & (used[n] > BOTTLENECK * capacity[n])
            d = charts.stacked_weeks([(ctx.palette[n], used[n])], ctx.fonts, plan.plan_start, w,
                                     120, lines=[("capacity", capacity[n],
                                                  colors.HexColor("#8b0000"), None)],
                                     title=charts.fit(n, ctx.fonts, 8, w - 10), flags=over)
            if len(cells[-1]) == cols:
                cells.append([])
            cells[-1].append(d)
        cells[-1] += [""] * (cols - len(cells[-1]))
        out.append(grid(cells, [w + 12] * cols, ctx.fonts,
                        [("BOTTOMPADDING", (0, 0), (-1, -1), 8)]))
        if len(names) > len(shown):
            out.append(Paragraph(f"{len(names) - len(shown)} more vendor(s) not drawn.",
                                 st.small))
    b = ctx.bottlenecks
    if not b.empty:
        rows = [[ctx.p(r.vendor), ctx.p(r.skill), str(int(r.weeks)),
                 day(ctx.week_date(int(r.first_week))), day(ctx.week_date(int(r.last_week))),
                 percent(float(r.peak), 0)] for r in b.head(MAX_BOTTLENECKS).itertuples(
                     index=False)]
        if len(b) > MAX_BOTTLENECKS:
            rows.append([f"… and {len(b) - MAX_BOTTLENECKS} more", "", "", "", "", ""])
        fr = [0.25, 0.25, 0.1, 0.13, 0.13, 0.14]
        out.append(KeepTogether([
            Paragraph(f"Bottlenecks: offers above {percent(BOTTLENECK, 0)} of capacity", st.h2),
            data_table(["Vendor", "Skill", "Weeks", "First week", "Last week", "Peak use"],
                       rows, [f * ctx.width * 0.8 for f in fr], st, numeric=(2, 5))]))
    out.append(PageBreak())
    return out


# --- 4. cost -------------------------------------------------------------------------------


PLAN_LOOK = Look(colors.HexColor("#56B4E9"), "none", colors.white)
BASE_LOOK = Look(colors.HexColor("#d0d0d0"), "diag", colors.HexColor("#555555"))


def cost(ctx: Context) -> list[Flowable]:
    plan, base, st = ctx.plan, ctx.baseline, ctx.styles
    rows = plan.costs.as_rows()
    header = ["Cost", "Plan"]
    if base is not None:
        header += ["Baseline", "Plan − baseline"]
    table_rows = []
    base_rows = dict(base.costs.as_rows()) if base is not None else {}
    for name, amount in [*rows, ("Total", plan.total_cost)]:
        cells = [name, ctx.money(amount)]
        if base is not None:
            b = base.total_cost if name == "Total" else base_rows.get(name, 0.0)
            cells += [ctx.money(b), ctx.money(amount - b)]
        table_rows.append(cells)
    widths = [150.0, 100.0] + ([100.0, 110.0] if base is not None else [])
    table = data_table(header, table_rows, widths, st, numeric=(1, 2, 3), total_row=True)
    series = [("Plan", PLAN_LOOK)] + ([("Baseline", BASE_LOOK)] if base is not None else [])
    bars = charts.hbars([(name, [amount] + ([base_rows.get(name, 0.0)] if base else []))
                         for name, amount in rows], series, ctx.fonts,
                        ctx.width - sum(widths) - 20,
                        lambda v: ctx.money(v, compact=True))
    right_w = ctx.width - sum(widths) - 20
    side = grid([[table, [charts.legend(series, ctx.fonts, right_w), bars]]],
                [sum(widths) + 20, right_w], ctx.fonts)
    weeks = plan.horizon_weeks
    wc = plan.weekly_cost.sort_values("week")
    parts = [
        ("Run on exited vendor", "run_exited", ctx.palette[ctx.exited_names[0]]
         if ctx.exited_names else PLAN_LOOK),
        ("Run on new vendors", "run_alternatives", PLAN_LOOK),
        ("One-off (setup, fees, shortfall)", "one_off",
         Look(colors.HexColor("#E69F00"), "diag", colors.HexColor("#1a1a1a"))),
        ("Unserved penalty", "unserved_penalty", ctx.palette[UNSERVED]),
    ]
    series_w = [(look, _weekly(wc, col, weeks)) for _, col, look in parts]
    lines = []
    if base is not None:
        lines.append(("baseline", _weekly(base.weekly_cost, "total", weeks), colors.black,
                      [3, 2]))
    fmt = charts.short_number
    weekly_chart = charts.stacked_weeks(series_w, ctx.fonts, plan.plan_start, ctx.width * 0.58,
                                        190, lines=lines, fmt=fmt,
                                        title=f"Cost per week ({plan.currency})")
    cum: list[tuple[str, np.ndarray, Color, list[float] | None]] = [
        ("Plan", np.cumsum(_weekly(wc, "total", weeks)), colors.HexColor("#0072B2"), None)]
    if base is not None:
        cum.append(("Baseline", np.cumsum(_weekly(base.weekly_cost, "total", weeks)),
                    colors.black, [3, 2]))
    cum_chart = charts.cumulative_lines(cum, ctx.fonts, plan.plan_start, ctx.width * 0.4, 190,
                                        fmt=fmt, title=f"Cumulative cost ({plan.currency})",
                                        end_fmt=lambda v: ctx.money(v, compact=True))
    legend_items = [(name, look) for name, _, look in parts]
    extra = [("baseline per week", _dash_swatch)] if base is not None else []
    return [
        Paragraph("4. Cost", st.h1),
        Paragraph("Total cost by component, for the plan"
                  + (" and the naive baseline (stay on each contract to its end, then move)."
                     if base is not None else "."), st.body),
        side, Spacer(1, 10),
        charts.legend(legend_items, ctx.fonts, ctx.width, extra=extra), Spacer(1, 4),
        grid([[weekly_chart, cum_chart]], [ctx.width * 0.6, ctx.width * 0.4], ctx.fonts),
        PageBreak(),
    ]


def _dash_swatch(x: float, y: float) -> Group:
    g = Group()
    g.add(Line(x, y + 4, x + 14, y + 4, strokeColor=colors.black, strokeWidth=1.2,
               strokeDashArray=[3, 2]))
    return g


def _weekly(frame: pd.DataFrame, column: str, weeks: int) -> np.ndarray:
    arr = np.zeros(weeks)
    if frame.empty or column not in frame:
        return arr
    w = frame.week.to_numpy(dtype=int)
    ok = (w >= 0) & (w < weeks)
    np.add.at(arr, w[ok], frame[column].to_numpy(dtype=float)[ok])
    return arr


# --- 5. action calendar ----------------------------------------------------------------------


def action_calendar(ctx: Context) -> list[Flowable]:
    st, acts = ctx.styles, ctx.plan.actions
    out: list[Flowable] = [Paragraph("5. Action calendar", st.h1)]
    if acts.empty:
        return [*out, Paragraph("No notices or onboarding are needed.", st.body),
                CondPageBreak(ctx.height * 0.4)]
    out.append(Paragraph("Every notice and onboarding start, by date. The deadline is the date "
                         "the action serves (exit, end of term or first week of work). Dates "
                         "before the report date are marked overdue.", st.body))
    rows = []
    for r in acts.sort_values("date", kind="stable").itertuples(index=False):
        when = pd.Timestamp(r.date).date()
        rows.append([day(r.date) + _overdue(ctx, when), ctx.p(str(r.kind).capitalize()),
                     ctx.p(r.contract_id), ctx.p(r.vendor), day(r.deadline), ctx.p(r.description)])
    fr = [0.11, 0.13, 0.1, 0.17, 0.1, 0.39]
    out.append(data_table(["Date", "Action", "Contract", "Vendor", "Deadline", "What"], rows,
                          [f * ctx.width for f in fr], st))
    out.append(CondPageBreak(ctx.height * 0.4))
    return out


# --- 6. contracts --------------------------------------------------------------------------


def contract_table(ctx: Context) -> list[Flowable]:
    st, c = ctx.styles, ctx.plan.contracts
    out: list[Flowable] = [Spacer(1, 10), Paragraph("6. Contracts", st.h1)]
    if c.empty:
        return [*out, Paragraph("No contracts.", st.body), PageBreak()]
    out.append(Paragraph("Exit date chosen for each contract, whether it ends early, and what "
                         "it costs. Commitment due is the take-or-pay amount accrued to the "
                         "exit; the shortfall is what is paid on top of the spend to meet it.",
                         st.body))
    rows = []
    for r in c.itertuples(index=False):
        end = day(r.effective_end)
        if bool(r.renewal_locked):
            end += " (renewed)"
        rows.append([ctx.p(r.contract_id), ctx.p(r.vendor), ctx.p(r.title), end,
                     day(r.exit_date), "early" if bool(r.terminated_early) else "at term",
                     ctx.money(float(r.termination_fee)), ctx.money(float(r.commitment_due)),
                     ctx.money(float(r.spend)), ctx.money(float(r.shortfall))])
    rows.append(["<b>Total</b>", "", "", "", "", f"{int(c.terminated_early.sum())} early",
                 ctx.money(float(c.termination_fee.sum())),
                 ctx.money(float(c.commitment_due.sum())), ctx.money(float(c.spend.sum())),
                 ctx.money(float(c.shortfall.sum()))])
    fr = [0.08, 0.13, 0.19, 0.1, 0.08, 0.07, 0.09, 0.09, 0.08, 0.09]
    out.append(data_table(["Contract", "Vendor", "Title", "Term ends", "Exit", "Early?",
                           "Termination fee", "Commitment due", "Spend", "Shortfall"],
                          rows, [f * ctx.width for f in fr], st, numeric=(6, 7, 8, 9),
                          total_row=True))
    out.append(PageBreak())
    return out


# --- 7. assumptions ------------------------------------------------------------------------


def assumptions(ctx: Context) -> list[Flowable]:
    st, plan, s = ctx.styles, ctx.plan, ctx.dataset.settings
    src = ctx.dataset.source
    settings_rows = [
        ["Mode", plan.mode.value],
        ["Plan start (week 0)", day(s.plan_start)],
        ["Horizon", f"{s.horizon_weeks} weeks (to {day(s.week_start(s.horizon_weeks))})"],
        ["Exit deadline", day(s.exit_deadline) or "none"],
        ["Unserved penalty", f"{ctx.money(s.unserved_penalty)} per task"],
        ["Currency", ctx.p(s.currency)],
        ["Contracts / streams / vendors / offers",
         f"{len(ctx.dataset.contracts)} / {len(ctx.dataset.streams)} / "
         f"{len(ctx.dataset.vendors)} / {len(ctx.dataset.capacity)}"],
    ]
    if src is not None:
        modified = (datetime.fromtimestamp(src.modified, UTC).strftime("%Y-%m-%d %H:%M UTC")
                    if src.modified is not None else "unknown")
        settings_rows += [["Source file", ctx.p(os.path.basename(src.path) or src.path)],
                          ["Modified", modified],
                          ["SHA-256 (short)", ctx.p(src.short_hash or "unknown")]]
    else:
        settings_rows.append(["Source file", ctx.p(plan.source_name or "not recorded")])
    solver_rows = [
        ["Status", plan.status.value],
        ["Cost found", ctx.money(plan.objective)],
        ["Best bound", ctx.money(plan.bound)],
        ["Optimality gap", percent(plan.gap, 3)],
        ["Solve time", f"{plan.solve_seconds:.1f} s"],
    ]
    if plan.fastest_feasible is not None:
        solver_rows.append(["Full exit found (fastest mode)",
                            "yes" if plan.fastest_feasible else "no"])
    half = (ctx.width - 20) / 2
    left = [Paragraph("Settings and data", st.h2),
            data_table(["Item", "Value"], settings_rows, [half * 0.45, half * 0.55], st)]
    right = [Paragraph("Solver", st.h2),
             data_table(["Item", "Value"], solver_rows, [half * 0.45, half * 0.55], st)]
    section = DECISION + 1 if insight_parts(ctx) else DECISION
    out: list[Flowable] = [Paragraph(f"{section}. Assumptions and data", st.h1),
                           grid([[left, right]], [half + 20, half], ctx.fonts), Spacer(1, 8),
                           Paragraph("Glossary of the workbook columns", st.h2)]
    rows = []
    for sheet in schema.SHEETS:
        columns = schema.SETTINGS_KEYS if sheet is schema.SETTINGS_SHEET else sheet.columns
        for col in columns:
            unit = col.unit.replace("money", plan.currency)
            rows.append([ctx.p(sheet.name), ctx.p(col.name), ctx.p(unit),
                         ctx.p(col.description)])
    fr = [0.12, 0.17, 0.12, 0.59]
    out.append(data_table(["Sheet", "Column", "Unit", "Meaning"], rows,
                          [f * ctx.width for f in fr], st))
    out.append(Spacer(1, 6))
    out.append(Paragraph(
        "Costs follow the planning model: run cost (tasks × unit price), one-off setup fees "
        "of vendors given any work, termination fees of contracts ended early, commitment "
        "shortfalls (take-or-pay accrued to the exit, less spend) and a penalty per task no "
        "vendor does. A week runs from plan start + 7 × week days.", st.small))
    return out
