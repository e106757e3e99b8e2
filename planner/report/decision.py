"""Section 7 of the report when insights are given: decision support.

One part per insight computed for the plan (``planner.insights.bundle.InsightsBundle``):
the price of speed, the levers, the infeasibility doctor, the scenarios and the ramp
risk. Each prints the plain-words sentences of its result object, a table and, where a
picture says more, a vector chart. Every figure is the result object's own (the report
recomputes nothing); names of vendors, contracts, streams and scenarios go through
``ctx.p`` like all user text.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, PageBreak, Paragraph, Spacer

from planner.report import charts
from planner.report.layout import Styles, cards, data_table, grid
from planner.report.sections import DECISION, Context, bullet, insight_parts
from planner.report.text import day, money_axis, number, percent, shorten, signed_money

if TYPE_CHECKING:
    from planner.insights.doctor import DoctorReport, Fix
    from planner.insights.levers import Lever, LeverReport
    from planner.insights.risk import RiskResult
    from planner.insights.scenarios import ScenarioComparison, ScenarioOutcome
    from planner.insights.speed import PriceOfSpeed

SIDE_BY_SIDE = 16  # price-of-speed points that fit next to the chart; more go below it
MAX_COLUMNS = 6  # scenarios per side-by-side table (the base repeats in each)
FEW_CONTRACTS = 12  # up to this many, every contract's exit week per scenario is shown
MAX_MOVED = 15  # otherwise, this many contracts whose exit week differs
MAX_STREAMS = 8  # streams named per doctor problem
TASK_EPS = 1e-6
# share of a page that must be left for a part to start on it (its charts move as a block)
ROOM = {"speed": 0.6, "levers": 0.25, "doctor": 0.2, "scenarios": 0.45, "risk": 0.6}


def decision_support(ctx: Context) -> list[Flowable]:
    """The Decision support part: an introduction, then one subsection per insight."""
    parts = insight_parts(ctx)
    if not parts:
        return []
    st = ctx.styles
    assert ctx.insights is not None
    builders: dict[str, Callable[[Context, Any], list[Flowable]]] = {
        "speed": speed_part, "levers": levers_part, "doctor": doctor_part,
        "scenarios": scenarios_part, "risk": risk_part,
    }
    out: list[Flowable] = [
        Paragraph(f"{DECISION}. Decision support", st.h1),
        Paragraph("The questions that come after the plan, answered by re-solving the same "
                  "optimiser under the same rules and costs as the plan itself: "
                  + ", ".join(f"<b>{title.lower()}</b> ({question})"
                              for _, title, question in parts) + ".", st.body),
    ]
    for i, (key, title, _) in enumerate(parts, start=1):
        body = builders[key](ctx, getattr(ctx.insights, key))
        if i > 1:  # start on a new page unless most of the part fits on this one
            out.append(CondPageBreak(ctx.height * ROOM[key]))
        out.append(KeepTogether([Paragraph(f"{DECISION}.{i} {title}", st.h1), *body[:1]]))
        out += body[1:]
        out.append(Spacer(1, 8))
    out.append(PageBreak())
    return out


def _notes(ctx: Context, notes: Sequence[str]) -> list[Flowable]:
    return [Paragraph("Note: " + ctx.p(n, 400), ctx.styles.small) for n in notes]


def _h2(text: str, st: Styles) -> Paragraph:
    return Paragraph(text, st.h2)


def _widths(fractions: Sequence[float], width: float) -> list[float]:
    total = sum(fractions)
    return [f / total * width for f in fractions]


def _when(ctx: Context, week: int) -> str:
    """``week 14 (2026-04-13)``."""
    return f"week {week} ({day(ctx.week_date(week))})"


# --- price of speed ---------------------------------------------------------------------


def speed_part(ctx: Context, r: PriceOfSpeed) -> list[Flowable]:
    st = ctx.styles
    out: list[Flowable] = [Paragraph(ctx.p(r.summary), st.body)]
    points = r.points
    if not points:
        return out + _notes(ctx, r.notes)
    horizon = ctx.dataset.settings.horizon_weeks
    rows = []
    stopped = False
    for p in points:
        when = (day(p.exit_by) if p.week < horizon else "no full exit (horizon end)") + (
            " <b>(chosen plan)</b>" if p.chosen else "")
        week = str(p.week)
        if p.status.value != "optimal":
            week += "†"
            stopped = True
        extra = "cheapest" if p.extra_cost < 0.5 else "+" + ctx.money(p.extra_cost)
        per_week = (ctx.money(p.per_week_earlier) if p.per_week_earlier is not None
                    and p.per_week_earlier >= 0.5 else "–")
        cells = [when, week, ctx.money(p.total), extra, per_week]
        rows.append([f"<b>{c}</b>" if p.chosen and i > 0 else c for i, c in enumerate(cells)])
    header = ["Full exit by", "Week", "Total cost", "Extra vs cheapest",
              "Cost per week gained"]
    fractions = [0.24, 0.1, 0.22, 0.22, 0.22]
    caption = Paragraph(
        "Each point is the cheapest plan that gives the exited vendors no work from that "
        "week on and leaves no task unserved. <i>Extra vs cheapest</i>: its total minus the "
        "cheapest plan's. <i>Cost per week gained</i>: the cost difference to the next "
        "later point, divided by the weeks between them."
        + (" † the solver stopped before proving this point optimal." if stopped else ""),
        st.caption)
    chart = None
    if len(points) > 1:
        chart_w = ctx.width * (0.52 if len(points) <= SIDE_BY_SIDE else 1.0)
        chart = charts.cost_curve(
            [(p.week, p.total, p.chosen) for p in points], ctx.fonts, chart_w, 260,
            y_format=lambda ticks: money_axis(ticks, r.currency),
            week_label=lambda w: (f"week {w}", day(ctx.week_date(w))),
            value=lambda v: ctx.money(v, compact=True),
            title=f"Total cost of a full exit by each week ({r.currency})",
            last_name="cheapest" if points[-1].week < horizon else "cheapest, no full exit")
    if chart is not None and len(points) <= SIDE_BY_SIDE:
        table_w = ctx.width - chart.width - 16
        table = data_table(header, rows, _widths(fractions, table_w), st, numeric=(1, 2, 3, 4))
        out.append(grid([[chart, [table, Spacer(1, 4), caption]]],
                        [chart.width + 16, table_w], ctx.fonts))
    else:
        if chart is not None:
            out += [chart, Spacer(1, 6)]
        out += [data_table(header, rows, _widths(fractions, ctx.width * 0.7), st,
                           numeric=(1, 2, 3, 4)), Spacer(1, 4), caption]
    chosen = next((p for p in points if p.chosen), None)
    if chosen is not None:
        out.append(Paragraph("<b>The chosen plan:</b> " + ctx.p(chosen.sentence), st.body))
    return out + _notes(ctx, r.notes)


# --- levers -----------------------------------------------------------------------------


def _weeks_earlier(lv: Lever) -> str:
    if lv.exit_week_before is None and lv.exit_week_after is not None:
        return "makes a full exit possible"
    return str(lv.weeks_earlier) if lv.weeks_earlier > 0 else "–"


def levers_part(ctx: Context, r: LeverReport) -> list[Flowable]:
    st = ctx.styles
    out: list[Flowable] = [Paragraph(ctx.p(r.summary), st.body)]
    if r.levers:
        rows = [[str(i), f"<b>{ctx.p(lv.kind.value.capitalize())}</b>: {ctx.p(lv.target)}",
                 ctx.p(lv.change), _weeks_earlier(lv),
                 ctx.money(lv.saving) if lv.saving >= 0.5 else "–", ctx.p(lv.sentence)]
                for i, lv in enumerate(r.levers, start=1)]
        out.append(data_table(["#", "Lever", "Change", "Weeks earlier", "Saving",
                               "In plain words"], rows,
                              _widths([0.035, 0.18, 0.15, 0.09, 0.09, 0.455], ctx.width), st,
                              numeric=(0, 3, 4)))
        ranking = "money saved" if r.mode.value == "cheapest" else "weeks gained"
        out.append(Spacer(1, 4))
        out.append(Paragraph(
            f"Ranked by {ranking}. Each lever is one negotiable step of one limit, measured "
            "by re-solving; the price per task stays as it is. <i>Weeks earlier</i>: how "
            "much sooner the earliest full exit becomes. <i>Saving</i>: the cheapest "
            f"plan's cost now minus with the lever. {r.tested} lever(s) were measured.",
            st.caption))
    return out + _notes(ctx, r.notes)


# --- infeasibility doctor ------------------------------------------------------------------


def _fix_places(fx: Fix) -> str:
    if not fx.verified:
        return "advice (not checked)"
    if fx.resolves:
        return "all of it"
    if fx.tasks_left is not None:
        return f"part: {number(fx.tasks_left)} tasks still short"
    return "not costed"


def doctor_part(ctx: Context, r: DoctorReport) -> list[Flowable]:
    st = ctx.styles
    if r.healthy:
        return [Paragraph("<b>All work is placed.</b> " + ctx.p(r.summary), st.body)]
    out: list[Flowable] = [Paragraph(ctx.p(r.summary), st.body)]
    if r.diagnoses:
        rows = []
        for i, dg in enumerate(r.diagnoses, start=1):
            sh = dg.shortage
            streams = list(sh.streams)
            named = ", ".join(streams[:MAX_STREAMS]) + (
                f" and {len(streams) - MAX_STREAMS} more" if len(streams) > MAX_STREAMS else "")
            weeks = (f"{sh.first_week}–{sh.last_week}<br/>{day(ctx.week_date(sh.first_week))} "
                     f"to {day(ctx.week_date(sh.last_week))}")
            rows.append([str(i), f"<b>{ctx.p(sh.skill)}</b><br/>{ctx.p(sh.kind)}", weeks,
                         number(sh.tasks_short), ctx.p(named), ctx.p(dg.rule)])
        out.append(KeepTogether([
            _h2("What cannot be placed", st),
            data_table(["#", "Skill and rule", "Weeks", "Tasks short", "Streams", "Why"], rows,
                       _widths([0.035, 0.15, 0.15, 0.08, 0.16, 0.425], ctx.width), st,
                       numeric=(0, 3))]))
        fixes = []
        for i, dg in enumerate(r.diagnoses, start=1):
            for fx in dg.fixes:
                exit_after = (_when(ctx, fx.exit_week_after) if fx.exit_week_after is not None
                              else "none" if fx.cost_after is not None else "–")
                fixes.append([str(i), ctx.p(fx.sentence), _fix_places(fx),
                              ctx.money(fx.cost_after) if fx.cost_after is not None else "–",
                              exit_after])
        if fixes:
            out.append(_h2("Cheapest fixes, by problem", st))
            out.append(data_table(
                ["#", "Fix", "Places the work", "Plan cost with it", "Full exit with it"],
                fixes, _widths([0.035, 0.545, 0.14, 0.12, 0.16], ctx.width), st,
                numeric=(0, 3)))
            out.append(Spacer(1, 4))
            out.append(Paragraph(
                "Each fix is one change to the workbook, sized to the mildest change that "
                "places the problem's work and costed by re-solving the whole plan with that "
                "fix alone.", st.caption))
    if r.combined is not None:
        out.append(Paragraph("<b>All problems together:</b> " + ctx.p(r.combined.sentence),
                             st.body))
    return out + _notes(ctx, r.notes)


# --- scenarios ------------------------------------------------------------------------------


def _exit_cell(o: ScenarioOutcome) -> str:
    if o.full_exit:
        return f"week {o.completion_week}<br/>{day(o.completion_date)}"
    if o.exits_within_horizon:
        return f"none: {number(o.costs.unserved_tasks)} tasks unserved"
    return f"none within the {o.horizon_weeks} weeks"


def _weeks_vs(base: ScenarioOutcome, o: ScenarioOutcome) -> str:
    if o is base:
        return ""
    if not (base.full_exit and o.full_exit):
        return "–"
    moved = o.completion_week - base.completion_week
    return "same" if moved == 0 else f"{moved:+d} weeks".replace("-", "−")


def _chunks(outcomes: Sequence[ScenarioOutcome], base: ScenarioOutcome | None
            ) -> list[list[ScenarioOutcome]]:
    """Groups of at most MAX_COLUMNS outcomes, the base first in each."""
    others = [o for o in outcomes if o is not base]
    size = MAX_COLUMNS - (base is not None)
    groups = [others[i:i + size] for i in range(0, len(others), size)] or [[]]
    return [([base] if base is not None else []) + g for g in groups]


def scenarios_part(ctx: Context, r: ScenarioComparison) -> list[Flowable]:
    st = ctx.styles
    base = r.base
    sentences = r.summary()
    out: list[Flowable] = [Paragraph(
        f"The plan as solved (<i>Base</i>) and {len(r.scenarios)} what-if scenario(s), each "
        "the workbook plus the changes listed, solved by the same optimiser.", st.body)]
    if not r.outcomes:
        return out + [bullet(ctx.p(s), st) for s in sentences]

    def cost(get: Callable[[ScenarioOutcome], float]) -> Callable[[ScenarioOutcome], str]:
        return lambda o: ctx.money(get(o))

    def versus(o: ScenarioOutcome) -> str:
        if base is None or o is base:
            return ""
        delta = o.total_cost - base.total_cost
        return "same" if abs(delta) < 0.5 else signed_money(delta, r.currency)

    def plan_words(o: ScenarioOutcome) -> str:
        if o.status == "optimal":
            return ctx.p(o.mode)
        return ctx.p(f"{o.mode}, {o.status} (gap {percent(o.gap, 2)})")

    metrics: list[tuple[str, Callable[[ScenarioOutcome], str]]] = [
        ("Changes", lambda o: ctx.p("; ".join(o.changes)) or (
            "the workbook as is" if o is base else "none")),
        ("Plan mode", plan_words),
        ("Full exit", _exit_cell),
        ("Weeks vs base", lambda o: _weeks_vs(base, o) if base is not None else ""),
        ("<b>Total cost</b>", lambda o: f"<b>{ctx.money(o.total_cost)}</b>"),
        ("Cost vs base", versus),
        ("Run cost", cost(lambda o: o.costs.run)),
        ("Setup fees", cost(lambda o: o.costs.setup_fees)),
        ("Termination fees", cost(lambda o: o.costs.termination_fees)),
        ("Commitment shortfall", cost(lambda o: o.costs.commitment_shortfall)),
        ("Unserved penalty", cost(lambda o: o.costs.unserved_penalty)),
        ("Unserved tasks", lambda o: number(o.costs.unserved_tasks)),
    ]
    label_w = 110.0
    for group in _chunks(r.outcomes, base):
        col = min(150.0, (ctx.width - label_w) / max(1, len(group)))
        rows = [[name, *(get(o) for o in group)] for name, get in metrics]
        out.append(KeepTogether([data_table(["", *(ctx.p(o.name, 80) for o in group)], rows,
                                            [label_w] + [col] * len(group), st),
                                 Spacer(1, 6)]))
    out += _exit_weeks(ctx, r, base)
    out.append(KeepTogether([_h2("What changed and why", st),
                             *(bullet(ctx.p(s), st) for s in sentences[:2])]))
    out += [bullet(ctx.p(s), st) for s in sentences[2:]]
    return out


def _exit_weeks(ctx: Context, r: ScenarioComparison, base: ScenarioOutcome | None
                ) -> list[Flowable]:
    """Per-contract exit weeks: all of them for a few contracts, else those that move."""
    st = ctx.styles
    ids = list(r.contract_vendors) or sorted({c for o in r.outcomes for c in o.exit_weeks})
    if not ids or len(r.outcomes) < 2:
        return []
    moved = [c for c in ids if len({o.exit_weeks.get(c) for o in r.outcomes}) > 1]
    out: list[Flowable] = [CondPageBreak(80), _h2("Contract exit weeks", st)]
    if len(ids) <= FEW_CONTRACTS:
        shown = ids
        out.append(Paragraph("The week each contract ends in each plan; bold where it differs "
                             "from the base.", st.caption))
    elif not moved:
        return [*out, Paragraph(f"All {len(ids)} contracts exit in the same week in every "
                                "scenario.", st.body)]
    else:
        shown = moved[:MAX_MOVED]
        more = f" (the first {MAX_MOVED} shown)" if len(moved) > MAX_MOVED else ""
        out.append(Paragraph(
            f"{len(moved)} of {len(ids)} contracts exit in a different week in some scenario"
            f"{more}; the other {len(ids) - len(moved)} exit in the same week in every plan. "
            "Bold: differs from the base.", st.caption))

    def cell(o: ScenarioOutcome, c: str) -> str:
        w = o.exit_weeks.get(c)
        if w is None:
            return "–"
        text = f"week {w}"
        differs = base is not None and o is not base and base.exit_weeks.get(c) != w
        return f"<b>{text}</b>" if differs else text

    for group in _chunks(r.outcomes, base):
        col = min(110.0, (ctx.width - 200) / max(1, len(group)))
        rows = [[ctx.p(c), ctx.p(r.contract_vendors.get(c, "")), *(cell(o, c) for o in group)]
                for c in shown]
        out.append(data_table(["Contract", "Vendor", *(ctx.p(o.name, 80) for o in group)],
                              rows, [90.0, 110.0] + [col] * len(group), st,
                              numeric=tuple(range(2, 2 + len(group)))))
        out.append(Spacer(1, 6))
    return out


# --- ramp risk ------------------------------------------------------------------------------


def _p90_words(row: Any) -> str:
    parts = []
    slip, stretch = row.p90_onboarding_slip, row.p90_ramp_stretch
    if isinstance(slip, float) and math.isnan(slip):
        return "n/a"
    if slip:
        parts.append(f"onboarding {int(slip)} week{'s' if int(slip) != 1 else ''} late")
    if not (isinstance(stretch, float) and math.isnan(stretch)) and stretch != 1.0:
        parts.append(f"ramp x{stretch:.3g}")
    return ", ".join(parts) or "no slip"


def _finite(value: float) -> bool:
    return isinstance(value, int | float) and math.isfinite(value)


def risk_part(ctx: Context, r: RiskResult) -> list[Flowable]:
    st = ctx.styles
    lines = r.summary()
    left = (ctx.width - 20) * 0.56
    right = ctx.width - 20 - left
    out: list[Flowable] = [
        Paragraph(ctx.p(lines[0]), st.body),
        grid([[[bullet(ctx.p(s), st) for s in lines[1:]], _risk_settings(ctx, r, right)]],
             [left + 20, right], ctx.fonts)]
    horizon = r.horizon_weeks
    if r.runs_done:
        def exit_card(week: float, what: str) -> tuple[str, str]:
            if not _finite(week) or week >= horizon:
                return "none", f"{what} full exit: not within the {horizon}-week horizon"
            when = r.week_date(week)
            return day(when), f"{what} full exit (week {int(week)})"

        half = (ctx.width - 16) / 2
        out.append(KeepTogether([
            Spacer(1, 4),
            cards([exit_card(r.week_p50, "P50"), exit_card(r.week_p90, "P90"),
                   (ctx.money(r.cost_p50, compact=True), "P50 total cost"),
                   (ctx.money(r.cost_p90, compact=True), "P90 total cost"),
                   (percent(r.full_exit_share, 0),
                    f"of {r.runs_done} runs exit fully within the horizon")], ctx.width, st),
            Spacer(1, 8),
            grid([[_week_histogram(ctx, r, half), _cost_histogram(ctx, r, half)]],
                 [half + 16, half], ctx.fonts),
            Paragraph("P50 / P90: the smallest full-exit week (total cost) that at least 50% / "
                      "90% of the runs reach; a run without a full exit within the horizon "
                      "counts as <i>none</i>.", st.caption)]))
    return out + _impacts(ctx, r)


def _week_histogram(ctx: Context, r: RiskResult, width: float) -> Flowable:
    hist = r.week_histogram()
    horizon = r.horizon_weeks
    weeks = [int(w) for w in hist["week"]]
    finite = [w for w in weeks if w < horizon]
    none_at = (max(finite) + 2) if finite else horizon

    def pos(w: float) -> float:
        return float(w) if w < horizon else float(none_at)

    bars = [(pos(w) - 0.4, pos(w) + 0.4, float(n))
            for w, n in zip(weeks, hist["runs"], strict=True)]
    ticks: list[tuple[float, str]] = []
    if finite:
        lo, hi = min(finite), max(finite)
        step = charts.whole_step(hi - lo, 8)
        ticks = [(float(w), str(w)) for w in range(math.ceil(lo / step) * step, hi + 1, step)]
    if any(w >= horizon for w in weeks):
        ticks.append((float(none_at), "none"))
    markers = [(pos(r.week_p50), "P50"), (pos(r.week_p90), "P90")] if r.runs_done else []
    positions = [p for b in bars for p in b[:2]]
    return charts.histogram(
        bars, ctx.fonts, width, 170, x_ticks=ticks, markers=markers,
        x_range=(min(positions) - 0.8, max(positions) + 0.8),
        title="Full-exit week over the runs",
        x_title=f"full-exit week (week 0 = {day(r.plan_start)})")


def _cost_histogram(ctx: Context, r: RiskResult, width: float) -> Flowable:
    hist = r.cost_histogram(bins=12)
    lows = [float(v) for v in hist["low"]]
    highs = [float(v) for v in hist["high"]]
    counts = [float(v) for v in hist["runs"]]
    lo, hi = min(lows), max(highs)
    if hi - lo <= 1e-9 * max(1.0, abs(hi)):  # every run costs the same
        pad = max(1.0, abs(hi) * 0.002)
        lows, highs = [lo - pad], [hi + pad]
        lo, hi = lo - 5 * pad, hi + 5 * pad
    else:
        pad = (hi - lo) * 0.05
        lo, hi = lo - pad, hi + pad
    ticks = [t for t in charts.nice_span(lo, hi, 6) if lo <= t <= hi]
    fmt = money_axis(ticks, r.currency)
    return charts.histogram(
        list(zip(lows, highs, counts, strict=True)), ctx.fonts, width, 170,
        x_ticks=[(t, fmt(t)) for t in ticks],
        markers=[(r.cost_p50, "P50"), (r.cost_p90, "P90")], x_range=(lo, hi),
        title="Total cost over the runs", x_title=f"total cost ({r.currency})")


def _impacts(ctx: Context, r: RiskResult) -> list[Flowable]:
    st = ctx.styles
    frame = r.impacts
    if frame.empty:
        return []
    rows = []
    for row in frame.itertuples(index=False):
        later = row.weeks_later
        moved = ("n/a" if not _finite(later) else "no change" if later == 0 else
                 f"{int(later):+d} weeks".replace("-", "−"))
        extra = row.cost_increase
        rows.append([ctx.p(row.vendor), ctx.p(row.slip), _p90_words(row), moved,
                     signed_money(extra, r.currency) if _finite(extra) else "n/a",
                     _correlation(row.corr_week), _correlation(row.corr_cost)])
    table = data_table(["Vendor", "Slip drawn", "Its P90 slip", "Full exit at its P90",
                        "Cost at its P90", "Correlation: exit week", "Correlation: cost"],
                       rows, _widths([0.16, 0.25, 0.15, 0.11, 0.11, 0.11, 0.11], ctx.width),
                       st, numeric=(3, 4, 5, 6))
    return [CondPageBreak(100), KeepTogether([_h2("Whose slip hurts most", st), table]),
            Spacer(1, 4), Paragraph(
                "One extra plan per vendor, with only that vendor at the P90 of its "
                "distributions, against the plan without slips (first: the vendor whose slip "
                "hurts most). Correlation: of the vendor's delay to full capacity with the "
                "runs' full-exit week and total cost.", st.caption)]


def _correlation(value: float) -> str:
    return f"{value:.2f}".replace("-", "−") if _finite(value) else "n/a"


def _risk_settings(ctx: Context, r: RiskResult, width: float) -> list[Flowable]:
    st = ctx.styles
    runs = str(r.runs_done) + (f" of {r.spec.runs} asked (stopped early)" if r.partial else "")
    rows = [["Runs", runs], ["Seed", str(r.spec.seed)],
            ["Each run", ctx.p(f"a {r.mode} plan, optimality gap {percent(r.gap, 2)}")]]
    nominal = r.nominal
    if nominal is not None:
        done = nominal.completion_week < r.horizon_weeks and nominal.unserved_tasks <= TASK_EPS
        rows.append(["Without slips", (f"full exit {_when(ctx, nominal.completion_week)}"
                                       if done else "no full exit within the horizon")
                     + f", {ctx.money(nominal.total_cost)}"])
    for name, slip in r.spec.slips.items():
        who = "every other alternative vendor" if name == "*" else name
        rows.append([ctx.p(shorten(f"Slips of {who}", 80)), ctx.p(slip.describe())])
    return [
        _h2("Runs, seed and distributions", st),
        data_table(["Item", "Value"], rows, _widths([0.36, 0.64], width), st),
        Spacer(1, 4), Paragraph(
            "Onboarding slips are weeks added to a vendor's onboarding; ramp stretches "
            "multiply its ramp weeks; both are rounded half up to whole weeks. The same seed "
            "gives the same runs.", st.caption)]
