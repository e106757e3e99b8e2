"""The price of speed: what a full exit by each week costs.

A point for week W is the cheapest plan that keeps every rule of planning-model.md,
leaves no task unserved and gives the exited vendors no work from week W on (the exit
deadline set to the start of week W). The curve runs from the fastest full exit to the
completion week of the cheapest plan; it can only fall as W grows, since a plan done by
W is also done by W + 1.

A plan solved for W that finishes in week c <= W is also the point for every week in
[c, W], so one solve often settles several weeks; the curve spends its solves where the
cost falls fastest. Every point is :meth:`planner.solve.PlanSession.plan_by`, solved on
the model of plans done by its week (far smaller than the full model at early weeks); on
two or more cores, the points between the ends are solved two at a time by two sessions
of the workbook (each with its own HiGHS, one per core), in a fixed order, so the curve
does not depend on which finishes first.
"""

from __future__ import annotations

import itertools
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date

import pandas as pd

from planner.domain import Dataset, Settings
from planner.insights.common import (
    jsonable,
    money,
    reporter,
    stage,
    token,
    when,
)
from planner.insights.relax import InsightsCancelled, placement_tolerance
from planner.results import CostBreakdown, PlanResult, SolveStatus
from planner.solve import CancelToken, PlanSession, ProgressFn, SolveCancelled, SolveProgress

DEFAULT_POINTS = 12


@dataclass(frozen=True)
class SpeedPoint:
    week: int  # exit-by week W: no exited-vendor work from week W on
    exit_by: date  # start of week W
    completion_week: int  # the plan's own completion week (<= W)
    costs: CostBreakdown
    extra_cost: float  # total - the cheapest plan's total
    per_week_earlier: float | None  # (total - next later point's total) / weeks between
    status: SolveStatus
    gap: float
    chosen: bool  # the plan the user is looking at
    sentence: str

    @property
    def total(self) -> float:
        return self.costs.total


@dataclass(frozen=True)
class PriceOfSpeed:
    currency: str
    fastest_week: int | None  # earliest full exit; None: no full exit within the horizon
    cheapest_week: int | None  # completion week of the cheapest plan
    points: tuple[SpeedPoint, ...]  # by week, earliest first
    summary: str
    notes: tuple[str, ...] = ()
    solves: int = 0  # optimiser runs spent on the curve
    cancelled: bool = False

    def table(self) -> pd.DataFrame:
        """One row per point: week, exit_by, completion_week, total, the cost components,
        extra_cost, per_week_earlier, status, gap, chosen."""
        return pd.DataFrame([{
            "week": p.week, "exit_by": p.exit_by, "completion_week": p.completion_week,
            "total": p.total, "run": p.costs.run, "setup_fees": p.costs.setup_fees,
            "termination_fees": p.costs.termination_fees,
            "commitment_shortfall": p.costs.commitment_shortfall,
            "unserved_penalty": p.costs.unserved_penalty, "extra_cost": p.extra_cost,
            "per_week_earlier": p.per_week_earlier, "status": p.status.value, "gap": p.gap,
            "chosen": p.chosen,
        } for p in self.points], columns=["week", "exit_by", "completion_week", "total", "run",
                                          "setup_fees", "termination_fees",
                                          "commitment_shortfall", "unserved_penalty",
                                          "extra_cost", "per_week_earlier", "status", "gap",
                                          "chosen"])

    def lines(self) -> list[str]:
        out = [self.summary]
        out += [("* " if p.chosen else "  ") + p.sentence for p in self.points]
        return out + list(self.notes)

    def to_dict(self) -> dict[str, object]:
        return {**jsonable(self), "table": jsonable(self.table())}


class _Curve:
    """The plans solved so far; a plan solved for W that ends in c is the point of [c, W]."""

    def __init__(self, tolerance: float) -> None:
        self.tolerance = tolerance
        self.plans: list[tuple[int, PlanResult]] = []  # (W, plan), zero unserved only

    def add(self, week: int, plan: PlanResult) -> bool:
        if plan.costs.unserved_tasks > self.tolerance:
            return False
        self.plans.append((week, plan))
        return True

    def covered(self, week: int) -> bool:
        return any(p.completion_week <= week <= w for w, p in self.plans)

    def best(self, week: int) -> PlanResult:
        """The cheapest known plan done by ``week`` (any plan done earlier qualifies too)."""
        done = [p for _, p in self.plans if p.completion_week <= week]
        return min(done, key=lambda p: p.total_cost)

    def known_weeks(self, lo: int, hi: int) -> list[int]:
        ends = {w for w, _ in self.plans} | {p.completion_week for _, p in self.plans}
        return sorted(w for w in ends if lo <= w <= hi and self.covered(w))


def price_of_speed(
    dataset: Dataset,
    *,
    chosen: PlanResult | None = None,
    cheapest: PlanResult | None = None,
    max_points: int = DEFAULT_POINTS,
    time_limit: float | None = None,
    gap: float | None = None,
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
) -> PriceOfSpeed:
    """The cost of a full exit by each week, from the fastest to the cheapest plan.

    ``chosen``: the plan on screen (any mode or deadline), marked on the curve and reused
    as the point of its completion week. ``cheapest``: the cheapest plan with no deadline,
    if already solved. The workbook's exit deadline is ignored: the curve sets its own.
    ``time_limit`` and ``gap`` apply to each solve.
    """
    ds = dataset.replace_settings(exit_deadline=None)
    st = ds.settings
    lock = threading.Lock()
    unlocked = reporter(progress)

    def report(p: SolveProgress) -> None:  # points may report from two threads
        with lock:
            unlocked(p)

    cancel = token(cancel)
    session = PlanSession(ds)
    curve = _Curve(placement_tolerance(session.data))
    notes: list[str] = []
    solves = 0
    budget = max(2, max_points)
    failed: set[int] = set()  # weeks whose solve found no plan in time

    second: PlanSession | None = None  # the other core's session, once there are pairs

    def solve_point(on: PlanSession, week: int, lo: float, hi: float
                    ) -> PlanResult | None:
        label = _label(st, week)
        return on.plan_by(week, time_limit=time_limit, gap=gap, cancel=cancel,
                          progress=stage(report, lo, hi, f"Price of speed, {label}: "))

    def record(week: int, plan: PlanResult | None) -> PlanResult | None:
        nonlocal solves
        solves += 1
        label = _label(st, week)
        if cancel.cancelled or (plan is not None and plan.status is SolveStatus.CANCELLED):
            raise InsightsCancelled
        if plan is None:  # no plan yet when the time limit struck (W >= w_min is feasible)
            failed.add(week)
            notes.append(f"The optimiser stopped at the time limit before finding a plan "
                         f"with {label}; that point is left out.")
        else:
            curve.add(week, plan)
        return plan

    def point(week: int, lo: float, hi: float) -> PlanResult | None:
        """The cheapest plan done by ``week`` with no task unserved (warm re-solve)."""
        return record(week, solve_point(session, week, lo, hi))

    def points(weeks: list[int], lo: float, hi: float) -> None:
        """Several points; two at a time on two cores (the first of each pair on the
        main session, the second on the other), recorded in order."""
        nonlocal second
        if len(weeks) < 2 or (os.cpu_count() or 1) < 2:
            for w in weeks:
                point(w, lo, hi)
            return
        if second is None:
            # each point has its own model (plans done by its week), so a second session
            # of the workbook is all the other core needs
            second = PlanSession(ds)
        for s_ in (session, second):
            s_.parallel_search = False
        try:
            with ThreadPoolExecutor(max_workers=1) as pool:
                for a, b in itertools.zip_longest(weeks[::2], weeks[1::2]):
                    later = pool.submit(solve_point, second, b, lo, hi) if b is not None \
                        else None
                    first = solve_point(session, a, lo, hi)
                    other = later.result() if later is not None else None
                    record(a, first)
                    if b is not None:
                        record(b, other)
        finally:
            for s_ in (session, second):
                s_.parallel_search = True

    report(SolveProgress(0.0, "Price of speed: earliest full exit"))
    w_min: int | None = None
    w_max: int | None = None
    try:
        try:
            w_min = session.earliest_full_exit(cancel)
        except SolveCancelled:
            raise InsightsCancelled from None
        if w_min is None:
            return PriceOfSpeed(st.currency, None, None, (), "No full exit is possible within "
                                "the horizon, so there is no price of speed to show; the "
                                "infeasibility doctor says what blocks it.", tuple(notes))
        if chosen is not None and chosen.status is SolveStatus.OPTIMAL:
            curve.add(chosen.completion_week, chosen)
        top = cheapest
        if top is None or not curve.add(st.horizon_weeks, top):
            top = point(st.horizon_weeks, 0.05, 0.15)
        if top is None:
            raise InsightsCancelled
        w_max = max(w_min, top.completion_week)
        if not curve.covered(w_min):
            point(w_min, 0.15, 0.25)
        if w_max - w_min + 1 <= budget:  # every week; one solve per change of plan
            w = w_max
            while w >= w_min:
                if not curve.covered(w):
                    point(w, 0.25, 0.25 + 0.7 * (w_max - w + 1) / (w_max - w_min + 1))
                starts = [p.completion_week for v, p in curve.plans
                          if p.completion_week <= w <= v]
                w = min(starts, default=w) - 1
            shown = [w for w in range(w_min, w_max + 1) if curve.covered(w)]
        else:
            grid = max(3, budget // 2)
            inner = [w_min + round(i * (w_max - w_min) / (grid - 1)) for i in range(1, grid - 1)]
            inner = [w for w in dict.fromkeys(inner) if not curve.covered(w)]
            points(inner[:max(0, budget - solves)], 0.25, 0.6)
            while solves < budget:  # refine where the cost falls most, two at a time
                known = curve.known_weeks(w_min, w_max)
                drops = [(curve.best(a).total_cost - curve.best(b).total_cost, a, b)
                         for a, b in itertools.pairwise(known) if b - a >= 2]
                drops = [x for x in drops if x[0] > 0.01 and (x[1] + x[2]) // 2 not in failed]
                if not drops:
                    break
                drops.sort(reverse=True)
                weeks = [(a + b) // 2 for _, a, b in drops[:min(2, budget - solves)]]
                points(weeks, 0.6 + 0.35 * solves / budget,
                       0.6 + 0.35 * (solves + len(weeks)) / budget)
            shown = curve.known_weeks(w_min, w_max)
        cancelled = False
    except InsightsCancelled:
        cancelled = True
        shown = curve.known_weeks(w_min or 0, w_max if w_max is not None else st.horizon_weeks)
        notes.append("Cancelled: the curve shows the points found so far.")
    result = _assemble(ds, curve, shown, chosen, w_min, w_max, notes, solves, cancelled)
    report(SolveProgress(1.0, "Price of speed: done"))
    return result


def _assemble(ds: Dataset, curve: _Curve, shown: list[int], chosen: PlanResult | None,
              w_min: int | None, w_max: int | None, notes: list[str], solves: int,
              cancelled: bool) -> PriceOfSpeed:
    st = ds.settings
    cur = st.currency
    plans = [curve.best(w) for w in shown]
    if not plans:
        return PriceOfSpeed(cur, w_min, w_max, (), "No point of the curve was computed.",
                            tuple(notes), solves, cancelled)
    floor = plans[-1].total_cost
    chosen_week = chosen.completion_week if chosen is not None else None
    points = []
    for i, (w, plan) in enumerate(zip(shown, plans, strict=True)):
        extra = plan.total_cost - floor
        per_week = None
        text = f"Exit by {when(st, w)}: {money(plan.total_cost, cur)}"
        text += (f", {money(extra, cur)} more than the cheapest plan" if extra >= 0.5
                 else ", the cheapest plan")
        if i + 1 < len(shown):
            later = shown[i + 1]
            per_week = (plan.total_cost - plans[i + 1].total_cost) / (later - w)
            if per_week >= 0.5:
                text += f"; {money(per_week, cur)} per week gained over exit by week {later}"
        if plan.status is not SolveStatus.OPTIMAL:
            text += f" ({plan.status.value}, within {plan.gap:.2%} of optimal)"
        points.append(SpeedPoint(w, st.week_start(w), plan.completion_week, plan.costs, extra,
                                 per_week, plan.status, plan.gap, w == chosen_week, text + "."))
    first, last = points[0], points[-1]
    if len(points) == 1 or first.extra_cost < 0.5:
        summary = (f"The fastest full exit, by {when(st, first.week)}, is also the cheapest "
                   f"plan: {money(first.total, cur)}.")
    else:
        summary = (f"The fastest full exit, by {when(st, first.week)}, costs "
                   f"{money(first.total, cur)}: {money(first.extra_cost, cur)} more than the "
                   f"cheapest plan, which {_finishes(st, last.week)} for "
                   f"{money(last.total, cur)}.")
    if chosen is not None:
        if any(p.chosen for p in points):
            summary += (f" The chosen plan ({chosen.mode.value}) "
                        f"{_finishes(st, chosen.completion_week)} for "
                        f"{money(chosen.total_cost, cur)}.")
        else:
            notes.append("The chosen plan is not on the curve (it leaves work unserved or "
                         "is not proven optimal).")
    return PriceOfSpeed(cur, w_min, w_max, tuple(points), summary, tuple(notes), solves,
                        cancelled)


def _label(st: Settings, week: int) -> str:
    return f"exit by {when(st, week)}" if week < st.horizon_weeks else "no deadline"


def _finishes(st: Settings, week: int) -> str:
    if week >= st.horizon_weeks:
        return f"keeps the exited vendors to the end of the {st.horizon_weeks}-week horizon"
    return f"finishes by {when(st, week)}"
