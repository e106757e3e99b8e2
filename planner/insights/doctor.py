"""The infeasibility doctor: which work cannot be placed, why, and the cheapest fixes.

Three situations, checked in this order:
- unserved: even the plan that places the most work leaves tasks unplaced (under the
  exit deadline given), so every plan pays the unserved penalty;
- no full exit: every task can be placed, but no plan frees the last week of the
  horizon from the exited vendors (the fastest mode falls back to the cheapest plan);
- penalty: the work could all be placed, yet the cheapest plan leaves some unserved
  because the penalty is cheaper than serving it.

The unplaceable work comes from the LP that leaves the fewest tasks unserved (every
vendor engaged, every contract running to its end: feasibility needs no binaries). Each
(stream, week) is put down to one rule of planning-model.md, and grouped by rule and
skill like :class:`planner.results.Shortage`. Each fix is one change of the data, sized
by the same LP (the mildest change that places the group's work) and costed by the
optimiser; the fixes of a problem are listed cheapest first.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

import numpy as np
import pandas as pd

from planner.domain import CapacityOffer, Dataset, Mode
from planner.insights.common import (
    chained,
    contract_variant,
    jsonable,
    money,
    nice_up,
    offer_variant,
    reporter,
    stage,
    stream_variant,
    tasks,
    token,
    vendor_variant,
    weeks,
    when,
)
from planner.insights.relax import (
    FullExit,
    InsightsCancelled,
    earliest_full_exit,
    model_of,
    row_duals,
)
from planner.model.data import FloatArray, ModelData
from planner.results import PlanResult, Shortage, SolveStatus
from planner.solve import CancelToken, ProgressFn, SolveProgress, solve

DEFAULT_FIXES = 3

# the whole change a fix makes: (dataset, exit deadline) -> (dataset, exit deadline)
Change = Callable[[Dataset, date | None], tuple[Dataset, date | None]]


class Situation(StrEnum):
    UNSERVED = "unserved"  # no plan places all the work
    NO_FULL_EXIT = "no full exit"  # all work placed, but never without the exited vendors
    PENALTY = "penalty"  # placeable, but the penalty is cheaper than serving


@dataclass(frozen=True)
class Fix:
    kind: str  # "capacity", "clearance", "onboarding", "cutover", "exit_by", "deadline",
    # "contract end", "share cap", "penalty", "new vendor"
    target: str  # what changes: vendor / skill, stream, contract, "settings"
    change: str  # "+1,200 tasks/week", "clearance confidential -> restricted", ...
    sentence: str
    verified: bool  # checked by a re-solve (False: advice the data cannot express)
    resolves: bool  # with it, the problem's work is all placed
    tasks_left: float | None  # of the problem's tasks, still unplaceable with the fix
    cost_after: float | None  # the plan's total cost with the fix (cheapest mode; fastest
    # mode for "no full exit")
    exit_week_after: int | None  # earliest full exit with the fix
    apply: Change | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class Diagnosis:
    situation: Situation
    shortage: Shortage  # kind (the rule), skill, weeks, tasks short, streams, message
    rule: str  # the rule that blocks, in plain words
    fixes: tuple[Fix, ...]  # resolving fixes first, cheapest first


@dataclass(frozen=True)
class DoctorReport:
    currency: str
    healthy: bool
    situation: Situation | None
    exit_week: int | None  # earliest full exit (None: none)
    unserved_tasks: float  # the fewest tasks any plan leaves unplaced
    diagnoses: tuple[Diagnosis, ...]
    combined: Fix | None  # the best fix of every problem together (when more than one)
    # stream_id, skill, week, week_start, tasks, kind: every unplaceable (stream, week)
    cells: pd.DataFrame
    summary: str
    notes: tuple[str, ...] = ()
    cancelled: bool = False

    def table(self) -> pd.DataFrame:
        """One row per (problem, fix)."""
        rows = []
        for i, dg in enumerate(self.diagnoses):
            sh = dg.shortage
            base = {"problem": i + 1, "situation": dg.situation.value, "kind": sh.kind,
                    "skill": sh.skill, "first_week": sh.first_week, "last_week": sh.last_week,
                    "tasks_short": sh.tasks_short, "streams": ", ".join(sh.streams)}
            for fx in dg.fixes or (None,):
                rows.append({**base,
                             "fix": fx.sentence if fx else "",
                             "resolves": fx.resolves if fx else False,
                             "cost_after": fx.cost_after if fx else None,
                             "exit_week_after": fx.exit_week_after if fx else None})
        return pd.DataFrame(rows, columns=["problem", "situation", "kind", "skill",
                                           "first_week", "last_week", "tasks_short",
                                           "streams", "fix", "resolves", "cost_after",
                                           "exit_week_after"])

    def lines(self) -> list[str]:
        out = [self.summary]
        for i, dg in enumerate(self.diagnoses):
            out.append(f"{i + 1}. {dg.shortage.message}")
            out += [f"   - {fx.sentence}" for fx in dg.fixes]
        if self.combined is not None:
            out.append(self.combined.sentence)
        return out + list(self.notes)

    def to_dict(self) -> dict[str, object]:
        return {**jsonable(self), "table": jsonable(self.table())}


# --- what blocks a (stream, week) ------------------------------------------------------------

@dataclass
class _Context:
    ds: Dataset
    d: ModelData
    deadline: date | None  # as given (the workbook's exit deadline when None)
    closed_from: int | None  # no-full-exit check: exited vendors closed from this week
    share_dual: FloatArray  # (V, H) of the fewest-unserved LP

    @property
    def deadline_week(self) -> int | None:
        dl = self.deadline if self.deadline is not None else self.ds.settings.exit_deadline
        return None if dl is None else self.ds.settings.week_of(dl)

    def bar(self, s: int) -> tuple[str, int]:
        """Why the exited vendor cannot do stream s's work: the earliest of its limits."""
        d, st = self.d, self.ds.settings
        causes = [("contract", d.terms[d.stream_contract[s]].L)]
        exit_by = self.ds.streams[s].exit_by
        if exit_by is not None:
            causes.append(("exit_by", st.week_of(exit_by)))
        if self.deadline_week is not None:
            causes.append(("deadline", self.deadline_week))
        if self.closed_from is not None:
            causes.append(("horizon", self.closed_from))
        return min(causes, key=lambda c: c[1])

    def offers_of(self, s: int) -> np.ndarray:
        return np.unique(self.d.pair_offer[self.d.pair_stream == s])

    def ready_from(self, s: int) -> int | None:
        """First week any eligible vendor has capacity for stream s."""
        offers = self.offers_of(s)
        if len(offers) == 0:
            return None
        ready = np.flatnonzero(self.d.offer_capacity[offers].sum(axis=0) > 0)
        return int(ready[0]) if len(ready) else None

    def kind(self, s: int, t: int, short: float) -> str:
        d = self.d
        offers = self.offers_of(s)
        if len(offers) == 0:
            return "no eligible vendor"
        t0 = self.ready_from(s)
        if t0 is None or t < t0:
            return "contract ends" if self.bar(s)[0] == "contract" else "deadline"
        cw = int(d.cutover[s])
        if cw >= 2:
            movable = min(d.volume[s], (t - t0 + 1) * d.volume[s] / cw)
            if short <= d.volume[s] - movable + 1e-6 * d.volume[s]:
                return "cutover"
        if (self.share_dual[d.offer_vendor[offers], t] < -1e-9).any():
            return "share cap"
        return "capacity"


def _bar_text(ctx: _Context, cause: str, week: int, streams: list[int]) -> str:
    st = ctx.ds.settings
    if cause == "contract":
        ids = sorted({ctx.d.terms[ctx.d.stream_contract[s]].contract.contract_id
                      for s in streams})
        return f"contract {', '.join(ids)} ends in {when(st, week)}"
    if cause == "exit_by":
        return f"the exit_by date of {_names(ctx, streams)} is {when(st, week)}"
    if cause == "deadline":
        return f"the exit deadline is {when(st, week)}"
    return (f"a full exit needs the last week of the horizon, {when(st, week)}, free of "
            f"the exited vendors")


def _names(ctx: _Context, streams: list[int], limit: int = 6) -> str:
    ids = [ctx.ds.streams[s].stream_id for s in streams]
    return ", ".join(ids[:limit]) + (" ..." if len(ids) > limit else "")


# --- problems ------------------------------------------------------------------------------

@dataclass
class _Problem:
    kind: str
    skill: str
    cells: list[tuple[int, int, float]]  # (stream, week, tasks)

    @property
    def streams(self) -> list[int]:
        return sorted({s for s, _, _ in self.cells})

    @property
    def tasks(self) -> float:
        return sum(x for _, _, x in self.cells)

    def weekly(self, H: int) -> FloatArray:
        out = np.zeros(H)
        for _, t, x in self.cells:
            out[t] += x
        return out


def _problems(ctx: _Context, unserved: FloatArray, tol: float) -> list[_Problem]:
    groups: dict[tuple[str, str], _Problem] = {}
    streams = ctx.ds.streams
    for s, t in zip(*np.nonzero(unserved > tol), strict=True):
        short = float(unserved[s, t])
        kind = ctx.kind(int(s), int(t), short)
        key = (kind, streams[s].skill_key)
        groups.setdefault(key, _Problem(kind, streams[s].skill, [])).cells.append(
            (int(s), int(t), short))
    return sorted(groups.values(), key=lambda p: -p.tasks)


def _rule(ctx: _Context, p: _Problem) -> str:
    """The blocking rule of a problem, in plain words."""
    ds, d, st = ctx.ds, ctx.d, ctx.ds.settings
    streams = p.streams
    bars: dict[tuple[str, int], list[int]] = {}
    for s in streams:
        bars.setdefault(ctx.bar(s), []).append(s)
    bar = "; ".join(_bar_text(ctx, c, w, ss) for (c, w), ss in sorted(bars.items()))
    if p.kind == "no eligible vendor":
        need = max(ds.streams[s].sensitivity for s in streams)
        why = []
        for o in ds.capacity:
            if o.skill_key != ds.streams[streams[0]].skill_key or o.vendor in ds.exited_vendors:
                continue
            v = ds.vendors_by_name.get(o.vendor)
            if v is None:
                why.append(f"{o.vendor} is not on the Vendors sheet")
            elif v.conflicted:
                why.append(f"{o.vendor} is conflicted")
            elif v.clearance < need:
                why.append(f"{o.vendor} is cleared only for {v.clearance.label} work")
        who = "; ".join(why) if why else f"no vendor offers {p.skill}"
        return (f"no vendor may take this {need.label} {p.skill} work ({who}), and {bar}")
    if p.kind in ("contract ends", "deadline"):
        ready = [f"{d.offers[o].vendor} from week {int(d.pair_start[k])}"
                 for k, o in enumerate(d.pair_offer) if d.pair_stream[k] in streams]
        return (f"{bar}, before any eligible vendor is ready (onboarding: "
                f"{', '.join(sorted(set(ready))[:4])})")
    if p.kind == "cutover":
        s = streams[0]
        cw = int(d.cutover[s])
        return (f"{bar}, and the cutover limit moves at most 1/{cw} of a stream's volume "
                f"more each week from the week a vendor is ready, so not all of "
                f"{_names(ctx, streams)} can have moved by then")
    week_tasks = p.weekly(d.H)
    peak = int(np.argmax(week_tasks))
    if p.kind == "share cap":
        offers = {o for s in streams for o in ctx.offers_of(s)}
        capped = sorted({d.vendor_names[d.offer_vendor[o]] for o in offers
                         if (ctx.share_dual[d.offer_vendor[o]] < -1e-9).any()})
        caps = ", ".join(f"{v} at most {ds.vendor(v).max_share:.0%}" for v in capped)
        return (f"{bar}, and the share caps keep the vendors that could take the work "
                f"below it ({caps} of all weekly work)")
    return (f"{bar}, and eligible {p.skill} capacity is short: up to "
            f"{tasks(week_tasks[peak])} tasks in {when(st, peak)}")


def _shortage(ctx: _Context, p: _Problem, rule: str) -> Shortage:
    weeks_with = sorted({t for _, t, _ in p.cells})
    first, last = weeks_with[0], weeks_with[-1]
    ids = tuple(ctx.ds.streams[s].stream_id for s in p.streams)
    st = ctx.ds.settings
    span = when(st, first) if first == last else f"weeks {first}-{last} " \
        f"({st.week_start(first).isoformat()} to {st.week_start(last).isoformat()})"
    message = (f"{p.skill}: {tasks(p.tasks)} tasks cannot be placed in {span}, streams "
               f"{_names(ctx, p.streams)}: {rule}.")
    return Shortage(p.kind, p.skill, first, last, p.tasks, ids, message)


# --- fixes -------------------------------------------------------------------------------

@dataclass(eq=False)
class _Draft:
    kind: str
    target: str
    change: str
    text: str  # imperative: "Add 40 coding tasks/week at Turing"
    apply: Change
    verified: bool = True


def _data_only(variant: Callable[[Dataset], Dataset]) -> Change:
    return lambda ds, dl: (variant(ds), dl)


@dataclass(frozen=True)
class _Measure:
    left: float  # tasks of the problem still unplaceable
    others: float  # tasks of other problems the change places too
    total_left: float  # all tasks still unplaceable
    exit_week: int | None  # earliest full exit, when asked for


class _Checker:
    """Re-solves the fewest-unserved LP of changed data: how much of a problem is left."""

    def __init__(self, ctx: _Context, unserved: FloatArray, cancel: CancelToken) -> None:
        self.ctx, self.unserved, self.cancel = ctx, unserved, cancel
        self.total = float(unserved.sum())

    def measure(self, change: Change, p: _Problem | None,
                exit_week: bool = False) -> _Measure:
        """``p``'s tasks left with ``change`` (None: all problems together).

        Left = what the problem's streams still miss beyond the other problems' share of
        them, so a fix that only moves the shortage to other weeks does not count."""
        ds, dl = change(self.ctx.ds, self.ctx.deadline)
        sol, after = FullExit(model_of(ds, dl), self.cancel).min_unserved(self.ctx.closed_from)
        streams: slice | list[int]
        if p is None:
            streams, tasks_of_p = slice(None), self.total
        else:
            streams, tasks_of_p = p.streams, p.tasks
        others_there = float(self.unserved[streams].sum()) - tasks_of_p
        left = max(0.0, float(after[streams].sum()) - others_there)
        placed = self.total - float(sol.objective)
        return _Measure(left, max(0.0, placed - (tasks_of_p - left)), float(sol.objective),
                        earliest_full_exit(ds, dl, self.cancel) if exit_week else None)

    def resolves(self, change: Change, p: _Problem) -> bool:
        return self.measure(change, p).left <= _tolerance(p.tasks)


def _tolerance(problem_tasks: float) -> float:
    return 1e-6 * max(1.0, problem_tasks)


def _mildest(ok: Callable[[int], bool], lo: int, hi: int) -> int | None:
    """Largest k in [lo, hi] with ok(k), for ok true up to some k and false above."""
    if not ok(lo):
        return None
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if ok(mid):
            lo = mid
        else:
            hi = mid - 1
    return lo


def _drafts(ctx: _Context, p: _Problem, check: _Checker) -> list[_Draft]:
    """Candidate fixes of a problem, each already sized to place its work if it can."""
    ds, d, st = ctx.ds, ctx.d, ctx.ds.settings
    streams = p.streams

    def fits(change: Change) -> bool:
        return check.resolves(change, p)

    out: list[_Draft] = []
    # who could take the work: clearance
    if p.kind == "no eligible vendor":
        level = max(ds.streams[s].sensitivity for s in streams)
        skill = ds.streams[streams[0]].skill_key
        offering = {row.vendor for row in ds.capacity if row.skill_key == skill}
        for vendor in ds.vendors:
            if (vendor.vendor in offering and not vendor.conflicted
                    and vendor.clearance < level and vendor.vendor not in ds.exited_vendors):
                out.append(_Draft(
                    "clearance", vendor.vendor,
                    f"clearance {vendor.clearance.label} -> {level.label}",
                    f"Clear {vendor.vendor} for {level.label} work (now "
                    f"{vendor.clearance.label})",
                    _data_only(vendor_variant(vendor.vendor, clearance=level))))
        if not out:
            out.append(_Draft("new vendor", p.skill, f"a vendor for {p.skill}",
                              f"Find a vendor for {p.skill} cleared for {level.label} work "
                              f"and free of conflicts (none on the Capacity sheet is)",
                              lambda ds, dl: (ds, dl), verified=False))
    offers = sorted({int(o) for s in streams for o in ctx.offers_of(s)},
                    key=lambda o: (d.offers[o].onboarding_weeks, d.offers[o].unit_price))
    week_tasks = p.weekly(d.H)
    short_weeks = np.flatnonzero(week_tasks > 0)
    # earlier onboarding
    if p.kind in ("contract ends", "deadline", "capacity", "cutover"):
        for o in [o for o in offers if d.offers[o].onboarding_weeks > 0][:2]:
            offer = d.offers[o]

            def sooner(k: int, offer: CapacityOffer = offer) -> Change:
                return _data_only(offer_variant(ds, offer, onboarding_weeks=k))

            k = _mildest(lambda k: fits(sooner(k)), 0, offer.onboarding_weeks - 1)
            if k is not None:
                out.append(_Draft("onboarding", f"{offer.vendor} / {offer.skill}",
                                  f"onboarding {offer.onboarding_weeks} -> {k} weeks",
                                  f"Onboard {offer.vendor} for {offer.skill} in {weeks(k)} "
                                  f"instead of {offer.onboarding_weeks}", sooner(k)))
    # faster cutover
    if p.kind == "cutover":
        slow = [s for s in streams if d.cutover[s] >= 2]
        top = max(int(d.cutover[s]) for s in slow)

        def faster(k: int) -> Change:
            return _data_only(chained([
                stream_variant(ds.streams[s].stream_id, cutover_weeks=min(int(d.cutover[s]), k))
                for s in slow]))

        k = _mildest(lambda k: fits(faster(k)), 1, top - 1)
        if k is not None:
            out.append(_Draft("cutover", _names(ctx, slow), f"cutover -> {k} weeks",
                              f"Allow a faster cutover of {_names(ctx, slow)}: over {weeks(k)} "
                              f"instead of {top}", faster(k)))
    # more capacity
    if p.kind in ("capacity", "share cap"):
        for o in offers[:3]:
            offer = d.offers[o]
            ramp = d.offer_capacity[o] / offer.weekly_capacity
            if not (ramp[short_weeks] > 0).all():
                continue
            delta = nice_up(float((week_tasks[short_weeks] / ramp[short_weeks]).max()))

            def more(x: float, offer: CapacityOffer = offer) -> Change:
                return _data_only(offer_variant(
                    ds, offer, weekly_capacity=lambda row: row.weekly_capacity + x))

            size = next((x for x in (delta, nice_up(2 * delta)) if fits(more(x))), None)
            if size is None:
                continue
            start = (f" from {when(st, offer.onboarding_weeks)}" if offer.onboarding_weeks
                     else "")
            out.append(_Draft("capacity", f"{offer.vendor} / {offer.skill}",
                              f"+{tasks(size)} tasks/week",
                              f"Add {tasks(size)} {offer.skill} tasks/week of capacity at "
                              f"{offer.vendor}{start}", more(size)))
            if len([x for x in out if x.kind == "capacity"]) >= 2:
                break
    # higher share caps
    if p.kind == "share cap":
        capped = sorted({int(d.offer_vendor[o]) for o in offers
                         if (ctx.share_dual[d.offer_vendor[o]] < -1e-9).any()})
        for v in capped:
            name, now = d.vendor_names[v], float(d.max_share[v])
            steps = max(1, math.ceil((1.0 - now) / 0.05 - 1e-9))

            def wider(k: int, name: str = name, now: float = now) -> Change:
                return _data_only(vendor_variant(name, max_share=min(1.0, now + 0.05 * k)))

            k = _smallest(lambda k: fits(wider(k)), 1, steps)
            if k is not None:
                new = min(1.0, now + 0.05 * k)
                out.append(_Draft("share cap", name, f"max share {now:.0%} -> {new:.0%}",
                                  f"Let {name} take up to {new:.0%} of all weekly work "
                                  f"(now {now:.0%})", wider(k)))
    out += _bar_drafts(ctx, p, fits)
    return out


def _bar_drafts(ctx: _Context, p: _Problem, fits: Callable[[Change], bool]) -> list[_Draft]:
    """Let the exited vendor work longer: a later exit_by, deadline or contract end."""
    ds, d, st = ctx.ds, ctx.d, ctx.ds.settings
    H = d.H
    by_cause: dict[str, list[int]] = {}
    for s in p.streams:
        by_cause.setdefault(ctx.bar(s)[0], []).append(s)
    out: list[_Draft] = []
    if "exit_by" in by_cause:
        ss = by_cause["exit_by"]

        def later_exit_by(k: int) -> Change:
            return _data_only(chained([
                stream_variant(ds.streams[s].stream_id,
                               exit_by=lambda row: row.exit_by + timedelta(days=7 * k))
                for s in ss]))

        k = _smallest(lambda k: fits(later_exit_by(k)), 1, H)
        if k is not None:
            out.append(_Draft("exit_by", _names(ctx, ss), f"exit_by +{k} weeks",
                              f"Move the exit_by date of {_names(ctx, ss)} {weeks(k)} later",
                              later_exit_by(k)))
    if "deadline" in by_cause and ctx.deadline_week is not None:
        now = ctx.deadline_week

        def later_deadline(k: int) -> Change:
            return lambda ds, dl: (ds, st.week_start(now + k))

        k = _smallest(lambda k: fits(later_deadline(k)), 1, max(1, H - now))
        if k is not None:
            out.append(_Draft("deadline", "settings", f"exit deadline +{k} weeks",
                              f"Move the exit deadline to {when(st, now + k)} ({weeks(k)} "
                              f"later)", later_deadline(k)))
    if "contract" in by_cause:
        cids = sorted({d.terms[d.stream_contract[s]].contract.contract_id
                       for s in by_cause["contract"]})

        def extend(k: int) -> Change:
            return _data_only(chained([
                contract_variant(cid, end_date=lambda c: c.end_date + timedelta(days=7 * k))
                for cid in cids]))

        room = H - min(d.terms[d.stream_contract[s]].L for s in by_cause["contract"])
        k = _smallest(lambda k: fits(extend(k)), 1, max(1, room))
        if k is not None:
            out.append(_Draft("contract end", ", ".join(cids), f"end +{k} weeks",
                              f"Extend contract {', '.join(cids)} by {weeks(k)}", extend(k)))
    return out


def _smallest(ok: Callable[[int], bool], lo: int, hi: int) -> int | None:
    """Smallest k in [lo, hi] with ok(k), for ok false below some k and true above."""
    if not ok(hi):
        return None
    while lo < hi:
        mid = (lo + hi) // 2
        if ok(mid):
            hi = mid
        else:
            lo = mid + 1
    return lo


# --- the doctor ------------------------------------------------------------------------------

def diagnose(
    dataset: Dataset,
    *,
    deadline: date | None = None,
    plan: PlanResult | None = None,
    fixes: int = DEFAULT_FIXES,
    time_limit: float | None = None,
    gap: float | None = None,
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
) -> DoctorReport:
    """What keeps work from being placed, and the cheapest fixes, checked by re-solves.

    ``plan``: the plan on screen (used to spot work left unserved only because the
    penalty is cheap). ``fixes``: at most this many fixes per problem are costed by the
    optimiser (``time_limit`` and ``gap`` per run).
    """
    report = reporter(progress)
    cancel = token(cancel)
    st = dataset.settings
    cur = st.currency
    report(SolveProgress(0.0, "Doctor: can every task be placed?"))
    try:
        model = model_of(dataset, deadline)
        d = model.data
        full = FullExit(model, cancel)
        tol = full.tolerance
        sol, unserved = full.min_unserved(None)
        situation: Situation | None = None
        closed_from = None
        exit_week = None
        if sol.objective > tol:
            situation = Situation.UNSERVED
        else:
            exit_week = earliest_full_exit(dataset, deadline, cancel)
            if exit_week is None:
                situation = Situation.NO_FULL_EXIT
                closed_from = d.H - 1
                sol, unserved = full.min_unserved(closed_from)
            elif plan is not None and plan.costs.unserved_tasks > tol:
                situation = Situation.PENALTY
    except InsightsCancelled:
        return _empty(cur, cancelled=True)
    summary = (f"Every task can be placed and the earliest full exit is "
               f"{when(st, exit_week or 0)}: nothing to fix.")
    if situation is Situation.PENALTY and plan is not None and (
            plan.status is not SolveStatus.OPTIMAL):
        # an unproven plan may leave placeable work only because the search stopped
        situation = None
        summary = (f"Every task can be placed and the earliest full exit is "
                   f"{when(st, exit_week or 0)}. The plan leaves "
                   f"{tasks(plan.costs.unserved_tasks)} tasks unserved but is not proven "
                   f"optimal ({plan.status.value}, gap {plan.gap:.2%}): a longer solve or a "
                   f"larger gap tolerance may place them.")
    if situation is None:
        report(SolveProgress(1.0, "Doctor: done"))
        return _empty(cur, exit_week=exit_week, summary=summary)
    if situation is Situation.PENALTY:
        assert plan is not None
        return _penalty(dataset, deadline, plan, exit_week, time_limit, gap, report, cancel)

    ctx = _Context(dataset, d, deadline, closed_from, row_duals(model, sol).share)
    check = _Checker(ctx, unserved, cancel)
    problems = _problems(ctx, unserved, 1e-7 * max(1.0, d.total_volume))
    diagnoses: list[Diagnosis] = []
    mode = Mode.FASTEST if situation is Situation.NO_FULL_EXIT else Mode.CHEAPEST
    cancelled = False
    notes: list[str] = []
    for i, p in enumerate(problems):
        lo, hi = 0.1 + 0.85 * i / len(problems), 0.1 + 0.85 * (i + 1) / len(problems)
        rule = _rule(ctx, p)
        shortage = _shortage(ctx, p, rule)
        report(SolveProgress(lo, f"Doctor: fixes for {p.skill} ({p.kind})"))
        try:
            drafts = _drafts(ctx, p, check) if not cancelled else []
        except InsightsCancelled:
            cancelled, drafts = True, []
        costed: list[Fix] = []
        for k, draft in enumerate(drafts):
            if cancelled or k >= fixes or not draft.verified:
                costed.append(_fix(draft, None, None, None, p.tasks))
                continue
            fix = _cost(draft, check, mode, p, time_limit, gap,
                        stage(report, lo + (hi - lo) * k / len(drafts),
                              lo + (hi - lo) * (k + 1) / len(drafts), "Doctor: "))
            cancelled = cancelled or fix is None
            costed.append(fix or _fix(draft, None, None, None, p.tasks))
        costed.sort(key=lambda f: (not f.resolves, f.cost_after is None,
                                   f.cost_after or 0.0))
        diagnoses.append(Diagnosis(situation, shortage, rule, tuple(costed)))
    combined = None
    if len(diagnoses) > 1 and not cancelled:
        combined = _combined(check, diagnoses, mode, time_limit, gap,
                             stage(report, 0.95, 1.0, "Doctor, all fixes: "))
    if cancelled:
        notes.append("Cancelled: some fixes are not costed.")
    cells = _cells(ctx, problems)
    total = float(sol.objective)
    what = ("no plan places all the work" if situation is Situation.UNSERVED
            else "every task can be placed, but not without the exited vendors by the last "
                 "week of the horizon, so there is no full exit")
    summary = (f"{what[0].upper()}{what[1:]}: {tasks(total)} tasks in {len(diagnoses)} "
               f"problem{'s' if len(diagnoses) != 1 else ''}. Fixes are costed on the "
               f"{mode.value} plan, cheapest first.")
    report(SolveProgress(1.0, "Doctor: done"))
    return DoctorReport(cur, False, situation, exit_week, total, tuple(diagnoses), combined,
                        cells, summary, tuple(notes), cancelled)


def _fix(draft: _Draft, left: float | None, cost: float | None, exit_week: int | None,
         problem_tasks: float, currency: str = "", others: float = 0.0) -> Fix:
    resolves = left is not None and left <= _tolerance(problem_tasks)
    sentence = draft.text
    if left is not None and not resolves:
        sentence += f": still leaves {tasks(left)} of the {tasks(problem_tasks)} tasks"
    elif resolves:
        sentence += ": places all of this work"
        if others > _tolerance(problem_tasks):
            sentence += f" and {tasks(others)} tasks of the other problems"
    if cost is not None:
        sentence += f"; the plan then costs {money(cost, currency)}"
    if exit_week is not None:
        sentence += f" and exits fully by week {exit_week}"
    return Fix(draft.kind, draft.target, draft.change, sentence + ".", draft.verified,
               resolves, left, cost, exit_week, draft.apply)


def _cost(draft: _Draft, check: _Checker, mode: Mode, p: _Problem | None,
          time_limit: float | None, gap: float | None, progress: ProgressFn) -> Fix | None:
    """The fix re-checked (LP) and costed (optimiser); None when cancelled."""
    try:
        m = check.measure(draft.apply, p, exit_week=True)
    except InsightsCancelled:
        return None
    ds, dl = draft.apply(check.ctx.ds, check.ctx.deadline)
    plan = solve(ds, mode=mode, deadline=dl, time_limit=time_limit, gap=gap,
                 progress=progress, cancel=check.cancel)
    if plan.status is SolveStatus.CANCELLED:
        return None
    return _fix(draft, m.left, plan.total_cost, m.exit_week,
                check.total if p is None else p.tasks, check.ctx.ds.settings.currency,
                m.others)


def _combined(check: _Checker, diagnoses: list[Diagnosis], mode: Mode,
              time_limit: float | None, gap: float | None, progress: ProgressFn) -> Fix | None:
    """The best fix of each problem, added until all the work is placed (a fix may place
    other problems' work too), re-checked and costed; None when one fix is enough."""
    best = [dg.fixes[0] for dg in diagnoses
            if dg.fixes and dg.fixes[0].resolves and dg.fixes[0].apply is not None]
    chosen: list[Fix] = []

    def apply(ds: Dataset, dl: date | None) -> tuple[Dataset, date | None]:
        for fx in chosen:
            assert fx.apply is not None
            ds, dl = fx.apply(ds, dl)
        return ds, dl

    try:
        for fx in best:
            if chosen and check.measure(apply, None).total_left <= _tolerance(check.total):
                break
            chosen.append(fx)
    except InsightsCancelled:
        return None
    if len(chosen) < 2:
        return None
    draft = _Draft("combined", "; ".join(fx.target for fx in chosen),
                   "; ".join(fx.change for fx in chosen),
                   "The first fix of each problem together ("
                   + "; ".join(f"{fx.target}: {fx.change}" for fx in chosen) + ")",
                   apply)
    return _cost(draft, check, mode, None, time_limit, gap, progress)


def _cells(ctx: _Context, problems: list[_Problem]) -> pd.DataFrame:
    st = ctx.ds.settings
    rows: list[dict[str, object]] = [
        {"stream_id": ctx.ds.streams[s].stream_id, "skill": ctx.ds.streams[s].skill,
         "week": t, "week_start": st.week_start(t), "tasks": x, "kind": p.kind}
        for p in problems for s, t, x in p.cells]
    return _cells_frame(rows).sort_values(["stream_id", "week"], ignore_index=True)


def _empty(currency: str, *, exit_week: int | None = None, summary: str = "",
           cancelled: bool = False) -> DoctorReport:
    return DoctorReport(currency, not cancelled, None, exit_week, 0.0, (), None,
                        _cells_frame([]), summary or "Cancelled before any check finished.",
                        cancelled=cancelled)


def _cells_frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["stream_id", "skill", "week", "week_start", "tasks",
                                       "kind"])


def _penalty(dataset: Dataset, deadline: date | None, plan: PlanResult, exit_week: int | None,
             time_limit: float | None, gap: float | None, progress: ProgressFn,
             cancel: CancelToken) -> DoctorReport:
    """Placeable work left unserved because the penalty is cheaper than serving it."""
    st = dataset.settings
    cur = st.currency
    left = plan.unserved
    tol = _tolerance(float(left["tasks"].sum()))
    penalty = st.unserved_penalty
    trial = plan
    for _ in range(3):  # ten times higher until serving always wins
        penalty *= 10
        trial = solve(dataset.replace_settings(unserved_penalty=penalty), mode=Mode.CHEAPEST,
                      deadline=deadline, time_limit=time_limit, gap=gap, cancel=cancel,
                      progress=stage(progress, 0.2, 0.95, "Doctor: "))
        if trial.status is SolveStatus.CANCELLED or trial.costs.unserved_tasks <= tol:
            break
    cancelled = trial.status is SolveStatus.CANCELLED
    draft = _Draft("penalty", "settings",
                   f"unserved penalty {money(st.unserved_penalty, cur)} -> {money(penalty, cur)}",
                   f"Raise the unserved penalty to {money(penalty, cur)} a task (now "
                   f"{money(st.unserved_penalty, cur)})",
                   _data_only(lambda ds: ds.replace_settings(unserved_penalty=penalty)))
    total = plan.costs.unserved_tasks
    fix = _fix(draft, None if cancelled else trial.costs.unserved_tasks,
               None if cancelled else trial.total_cost, None, total, cur)
    skills = sorted(set(left["skill"]))
    ids = tuple(sorted(set(left["stream_id"])))
    first, last = int(left["week"].min()), int(left["week"].max())
    rule = (f"the cheapest plan leaves {tasks(total)} tasks unserved although they could be "
            f"placed: serving them costs more than the unserved penalty of "
            f"{money(st.unserved_penalty, cur)} a task")
    shortage = Shortage("penalty", ", ".join(skills), first, last, total, ids,
                        f"{', '.join(skills)}: {rule}; streams {', '.join(ids[:6])}"
                        + (" ..." if len(ids) > 6 else "") + ".")
    cells = _cells_frame([{"stream_id": r.stream_id, "skill": r.skill, "week": int(r.week),
                           "week_start": r.week_start, "tasks": float(r.tasks),
                           "kind": "penalty"} for r in left.itertuples()])
    progress(SolveProgress(1.0, "Doctor: done"))
    return DoctorReport(cur, False, Situation.PENALTY, exit_week, 0.0,
                        (Diagnosis(Situation.PENALTY, shortage, rule, (fix,)),), None, cells,
                        f"Every task can be placed, but the cheapest plan leaves "
                        f"{tasks(total)} unserved: the penalty is cheaper than serving them.",
                        ("Cancelled before the fix was costed.",) if cancelled else (),
                        cancelled)
