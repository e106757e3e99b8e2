"""Bottlenecks as levers: which limits hold the exit back or cost the most, in plain words.

Two LPs shortlist the levers cheaply from their duals:
- the cheapest plan's own LP (its exit weeks and vendor engagements fixed): what one
  more unit of capacity, share cap or cutover step would save;
- the LP of a full exit one week before the earliest possible one (fewest tasks left
  unserved): which limits block that week.
Onboarding and capacity are priced per week from the balance duals, so capacity that
does not exist yet (onboarding) or an unengaged vendor can be valued too; notice periods
are valued by the commitment they make the plan accrue. The shortlisted levers are then
measured exactly by re-solving the changed data: the earliest full exit (an LP search,
as in the fastest mode) and the cost of the cheapest plan (the optimiser).

Every lever is one negotiable step (:class:`LeverSteps`) of one limit; the price per task
stays as it is, so the saving of more capacity assumes it comes at today's rate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum

import numpy as np
import pandas as pd

from planner.domain import CapacityOffer, Dataset, Mode, Settings
from planner.insights.common import (
    Variant,
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
    Relaxation,
    RowDuals,
    model_of,
    room_value,
    row_duals,
)
from planner.model.data import FloatArray, ModelData
from planner.results import PlanResult, SolveStatus
from planner.solve import CancelToken, PlanSession, ProgressFn, SolveCancelled, SolveProgress

DEFAULT_TOP = 6


class LeverKind(StrEnum):
    CAPACITY = "capacity"
    ONBOARDING = "onboarding"
    NOTICE = "notice"
    SHARE = "share cap"
    CUTOVER = "cutover"
    COMBINED = "combined"  # one step of several limits that bind together


@dataclass(frozen=True)
class LeverSteps:
    """The size of the one step each lever tries."""

    capacity_fraction: float = 0.25  # more weekly capacity, as a share of the offer's
    onboarding_weeks: int = 2  # onboarding that many weeks faster
    notice_days: int = 30  # notice period that many days shorter
    share_points: float = 0.10  # share cap that much higher (0.10 = 10 points)
    cutover_weeks: int = 1  # cutover that many weeks faster


@dataclass(frozen=True)
class Lever:
    kind: LeverKind
    target: str  # what changes: "Turing / coding", "C1 (Scale AI)", "Turing", "S1"
    change: str  # "+20 tasks/week", "onboarding 6 -> 4 weeks", ...
    before: float  # the limit's value now (tasks/week, weeks, days, share, weeks)
    after: float  # and with the lever
    exit_week_before: int | None  # earliest full exit (None: none within the horizon)
    exit_week_after: int | None
    weeks_earlier: int  # 0 when the exit does not move
    cost_before: float  # cheapest plan
    cost_after: float
    saving: float  # cost_before - cost_after
    # first-order saving from the duals that shortlisted it: a ranking score only (one
    # task's value times the whole step, so it can be far off), never shown as a saving
    estimate: float
    sentence: str
    vendor: str = ""
    skill: str = ""
    contract_id: str = ""
    stream_id: str = ""


@dataclass(frozen=True)
class LeverReport:
    currency: str
    mode: Mode  # ranking: by saving (cheapest) or by weeks earlier (fastest)
    exit_week: int | None  # earliest full exit now
    cost: float  # cheapest plan now
    levers: tuple[Lever, ...]  # best first; only levers that gain weeks or money
    tested: int  # levers measured by a re-solve
    summary: str
    notes: tuple[str, ...] = ()
    cancelled: bool = False

    def table(self) -> pd.DataFrame:
        cols = ["rank", "kind", "target", "change", "weeks_earlier", "saving",
                "exit_week_before", "exit_week_after", "cost_before", "cost_after", "sentence"]
        return pd.DataFrame([{
            "rank": i + 1, "kind": lv.kind.value, "target": lv.target, "change": lv.change,
            "weeks_earlier": lv.weeks_earlier, "saving": lv.saving,
            "exit_week_before": lv.exit_week_before, "exit_week_after": lv.exit_week_after,
            "cost_before": lv.cost_before, "cost_after": lv.cost_after,
            "sentence": lv.sentence,
        } for i, lv in enumerate(self.levers)], columns=cols)

    def lines(self) -> list[str]:
        return ([self.summary] + [f"{i + 1}. {lv.sentence}" for i, lv in enumerate(self.levers)]
                + list(self.notes))

    def to_dict(self) -> dict[str, object]:
        return {**jsonable(self), "table": jsonable(self.table())}


@dataclass(eq=False)
class _Candidate:
    kind: LeverKind
    target: str
    change: str
    before: float
    after: float
    subject: str  # the sentence's subject: "20 more coding tasks/week at Turing"
    variant: Variant
    estimate: float  # money saved on the cheapest plan, first order
    unblock: float  # tasks of the earliest infeasible week it would place, first order
    ids: dict[str, str] = field(default_factory=dict)


def _ramp_rows(offer: CapacityOffer, onboarding: int, H: int) -> FloatArray:
    sooner = replace(offer, onboarding_weeks=onboarding)
    return np.array([sooner.ramp(t) for t in range(H)])


def _candidates(ds: Dataset, d: ModelData, plan: PlanResult, steps: LeverSteps,
                cost: RowDuals, block: RowDuals | None) -> list[_Candidate]:
    """Every one-step lever with its first-order value from the duals."""
    out: list[_Candidate] = []
    engaged = set(plan.vendors.loc[plan.vendors["engaged"], "vendor"])
    room = room_value(d, cost)
    room_u = room_value(d, block, np.zeros(d.O)) if block is not None else np.zeros_like(room)
    fee = {v.vendor: v.setup_fee for v in ds.vendors}
    for o, offer in enumerate(d.offers):
        setup = 0.0 if offer.vendor in engaged else fee.get(offer.vendor, 0.0)
        who = f"{offer.vendor} / {offer.skill}"
        ids = {"vendor": offer.vendor, "skill": offer.skill}
        ramp = d.offer_capacity[o] / offer.weekly_capacity
        delta = nice_up(steps.capacity_fraction * offer.weekly_capacity)
        start = f" (from {when(ds.settings, offer.onboarding_weeks)})" if (
            offer.onboarding_weeks) else ""
        out.append(_Candidate(
            LeverKind.CAPACITY, who, f"+{tasks(delta)} tasks/week", offer.weekly_capacity,
            offer.weekly_capacity + delta,
            f"{tasks(delta)} more {offer.skill} tasks/week at {offer.vendor}{start}",
            offer_variant(ds, offer, weekly_capacity=lambda row, x=delta: row.weekly_capacity + x),
            delta * float(ramp @ room[o]) - setup, delta * float(ramp @ room_u[o]), ids))
        if offer.onboarding_weeks > 0:
            new = max(0, offer.onboarding_weeks - steps.onboarding_weeks)
            gain = offer.weekly_capacity * (_ramp_rows(offer, new, d.H) - ramp)
            out.append(_Candidate(
                LeverKind.ONBOARDING, who, f"onboarding {offer.onboarding_weeks} -> {new} weeks",
                offer.onboarding_weeks, new,
                f"Onboarding {offer.vendor} for {offer.skill} in {weeks(new)} instead of "
                f"{offer.onboarding_weeks}",
                offer_variant(ds, offer, onboarding_weeks=new),
                float(gain @ room[o]) - setup, float(gain @ room_u[o]), ids))
    for v, name in enumerate(d.vendor_names):
        share = float(d.max_share[v])
        if share >= 1.0:
            continue
        wider = min(1.0, share + steps.share_points)
        extra = (wider - share) * d.total_volume
        out.append(_Candidate(
            LeverKind.SHARE, name, f"max share {share:.0%} -> {wider:.0%}", share, wider,
            f"Letting {name} take up to {wider:.0%} of the weekly work instead of {share:.0%}",
            vendor_variant(name, max_share=wider),
            -extra * float(cost.share[v].sum()),
            -extra * float(block.share[v].sum()) if block is not None else 0.0,
            {"vendor": name}))
    for s, stream in enumerate(ds.streams):
        cw = stream.cutover_weeks
        if cw < 2:
            continue
        new = max(1, cw - steps.cutover_weeks)
        more = stream.weekly_volume / new - stream.weekly_volume / cw
        out.append(_Candidate(
            LeverKind.CUTOVER, stream.stream_id, f"cutover {cw} -> {new} weeks", cw, new,
            f"Moving stream {stream.stream_id} over in {weeks(new)} instead of {cw}",
            stream_variant(stream.stream_id, cutover_weeks=new),
            -more * float(cost.cutover[s].sum()),
            -more * float(block.cutover[s].sum()) if block is not None else 0.0,
            {"stream_id": stream.stream_id, "skill": stream.skill}))
    exits = dict(zip(plan.contracts["contract_id"], plan.contracts["exit_week"], strict=True))
    for t in d.terms:
        c = t.contract
        if c.notice_days <= 0 or c.min_commitment <= 0 or not t.can_terminate_early:
            continue
        if exits.get(c.contract_id) != t.lo:  # the notice does not hold this exit back
            continue
        new_days = max(0, c.notice_days - steps.notice_days)
        earlier = t.lo - min(math.ceil(new_days / 7), t.L)
        out.append(_Candidate(
            LeverKind.NOTICE, f"{c.contract_id} ({c.vendor})",
            f"notice {c.notice_days} -> {new_days} days", c.notice_days, new_days,
            f"A notice period of {new_days} days instead of {c.notice_days} on "
            f"{c.contract_id} ({c.vendor})",
            contract_variant(c.contract_id, notice_days=new_days),
            c.min_commitment / t.T * earlier if t.T else 0.0, 0.0,
            {"contract_id": c.contract_id, "vendor": c.vendor}))
    return out


def _shortlist(cands: list[_Candidate], top: int) -> list[_Candidate]:
    """Alternately the best by tasks unblocked and by money, up to ``top``."""
    by_exit = sorted((c for c in cands if c.unblock > 1e-6), key=lambda c: -c.unblock)
    by_cost = sorted((c for c in cands if c.estimate > 0.01), key=lambda c: -c.estimate)
    picked: list[_Candidate] = []
    for i in range(max(len(by_exit), len(by_cost))):
        for ranked in (by_exit, by_cost):
            if i < len(ranked) and ranked[i] not in picked and len(picked) < top:
                picked.append(ranked[i])
    return picked


def find_levers(
    dataset: Dataset,
    *,
    deadline: date | None = None,
    cheapest: PlanResult | None = None,
    mode: Mode | str = Mode.CHEAPEST,
    top: int = DEFAULT_TOP,
    steps: LeverSteps | None = None,
    time_limit: float | None = None,
    gap: float | None = None,
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
) -> LeverReport:
    """The limits that hold the exit back or cost the most, measured, best first.

    ``cheapest``: the cheapest plan of ``dataset`` under ``deadline``, if already solved.
    ``mode`` only orders the result: cheapest ranks by money saved, fastest by weeks
    gained. ``top`` levers are re-solved (each: one LP search and one optimiser run,
    ``time_limit`` and ``gap`` per run).
    """
    mode = Mode(mode)
    steps = steps or LeverSteps()
    report = reporter(progress)
    cancel = token(cancel)
    st = dataset.settings
    cur = st.currency
    notes: list[str] = []
    session = PlanSession(dataset, deadline)  # re-plans the variants warm where it can
    if cheapest is None:
        cheapest = session.plan(Mode.CHEAPEST, time_limit=time_limit, gap=gap, cancel=cancel,
                                progress=stage(report, 0.0, 0.3, "Levers, the cheapest plan: "))
    base_cost = cheapest.total_cost
    empty = LeverReport(cur, mode, None, base_cost, (), 0, "", cancelled=True)
    if cheapest.status is SolveStatus.CANCELLED or cancel.cancelled:
        return empty
    try:
        report(SolveProgress(0.3, "Levers: reading the optimiser's duals"))
        model = model_of(dataset, deadline)  # with the balance rows whose duals it reads
        d = model.data
        lp = Relaxation(model, "cost", cancel)
        lp.fix_to_plan(cheapest)
        cost_duals = row_duals(model, lp.run())
        w0 = session.earliest_full_exit(cancel)
        block = None
        blocked_week = d.H - 1 if w0 is None else w0 - 1  # the week the exit must free
        if blocked_week >= 0:
            block = row_duals(model, FullExit(model, cancel).min_unserved(blocked_week)[0])
    except (InsightsCancelled, SolveCancelled):
        return empty
    cands = _candidates(dataset, d, cheapest, steps, cost_duals, block)
    shortlist = _shortlist(cands, top)
    noise_before = max(0.0, base_cost - cheapest.bound)
    levers: list[Lever] = []
    tested = 0

    def measure(cand: _Candidate, lo: float, hi: float) -> Lever | None:
        """The lever re-solved; raises InsightsCancelled."""
        nonlocal tested
        report(SolveProgress(lo, f"Levers: testing {cand.subject}"))
        session.update(cand.variant(dataset))
        try:
            w1 = session.earliest_full_exit(cancel)
        except SolveCancelled:
            raise InsightsCancelled from None
        plan = session.plan(Mode.CHEAPEST, time_limit=time_limit, gap=gap, cancel=cancel,
                            progress=stage(report, lo, hi, "Levers: "))
        if plan.status is SolveStatus.CANCELLED or cancel.cancelled:
            raise InsightsCancelled
        tested += 1
        return _measured(st, cur, cand, w0, w1, base_cost, plan, noise_before)

    cancelled = False
    parts = len(shortlist) + 1
    try:
        for i, cand in enumerate(shortlist):
            lever = measure(cand, 0.35 + 0.65 * i / parts, 0.35 + 0.65 * (i + 1) / parts)
            if lever is not None:
                levers.append(lever)
        if block is not None and all(lv.exit_week_after == w0 for lv in levers):
            bundle = _bundle(cands, dataset, deadline, blocked_week, cancel)
            if bundle is not None and bundle not in shortlist:
                if bundle.kind is LeverKind.COMBINED:
                    notes.append("No single lever frees the week before the earliest exit: "
                                 "several limits hold it at once, and the combined lever "
                                 "moves them together.")
                lever = measure(bundle, 0.35 + 0.65 * (parts - 1) / parts, 1.0)
                if lever is not None:
                    levers.append(lever)
    except InsightsCancelled:
        cancelled = True
        notes.append("Cancelled: only the levers measured so far are shown.")
    if mode is Mode.FASTEST:
        levers.sort(key=lambda lv: (lv.exit_week_after is None, -lv.weeks_earlier, -lv.saving))
    else:
        levers.sort(key=lambda lv: (-lv.saving, -lv.weeks_earlier))
    exit_now = (f"the earliest full exit is {when(st, w0)}" if w0 is not None
                else "no full exit is possible within the horizon")
    if levers:
        summary = (f"Now {exit_now} and the cheapest plan costs {money(base_cost, cur)}. "
                   f"{len(levers)} of {tested} levers tested would help:")
    else:
        summary = (f"Now {exit_now} and the cheapest plan costs {money(base_cost, cur)}. "
                   f"None of the {tested} levers tested would bring the exit earlier or save "
                   f"money.")
    report(SolveProgress(1.0, "Levers: done"))
    return LeverReport(cur, mode, w0, base_cost, tuple(levers), tested, summary, tuple(notes),
                       cancelled)


def _bundle(cands: list[_Candidate], dataset: Dataset, deadline: date | None, week: int,
            cancel: CancelToken, most: int = 8) -> _Candidate | None:
    """The fewest exit levers that together free ``week`` (the week before the earliest
    full exit), chosen greedily by tasks unblocked and checked by the full-exit LP."""
    pool = sorted((c for c in cands if c.unblock > 1e-6), key=lambda c: -c.unblock)[:most]

    def frees(parts: list[_Candidate]) -> bool:
        changed = chained([c.variant for c in parts])(dataset)
        return FullExit(model_of(changed, deadline), cancel).feasible(week)

    parts: list[_Candidate] = []
    for cand in pool:
        parts.append(cand)
        if frees(parts):
            break
    else:
        return None
    for cand in list(parts[:-1]):  # drop the ones the others make unnecessary
        rest = [c for c in parts if c is not cand]
        if frees(rest):
            parts = rest
    if len(parts) == 1:
        return parts[0]
    subject = "; ".join(c.subject[0].lower() + c.subject[1:] for c in parts)
    return _Candidate(
        LeverKind.COMBINED, " + ".join(c.target for c in parts),
        "; ".join(c.change for c in parts), float("nan"), float("nan"),
        f"Together, {subject}", chained([c.variant for c in parts]),
        sum(c.estimate for c in parts), sum(c.unblock for c in parts))


def _measured(st: Settings, cur: str, cand: _Candidate, w0: int | None, w1: int | None,
              base_cost: float, plan: PlanResult, noise_before: float) -> Lever | None:
    """The lever as re-solved, or None when it gains neither weeks nor money."""
    saving = base_cost - plan.total_cost
    noise = noise_before + max(0.0, plan.total_cost - plan.bound) + 0.5
    earlier = w0 - w1 if w0 is not None and w1 is not None else 0
    effects = []
    if w1 is not None and w0 is None:
        effects.append(f"make a full exit possible by {when(st, w1)}")
    elif w1 is not None and earlier > 0:
        effects.append(f"bring the full exit {weeks(earlier)} earlier, to {when(st, w1)} "
                       f"from week {w0}")
    if saving > noise:
        effects.append(f"save {money(saving, cur)} on the cheapest plan")
    if not effects:
        return None
    return Lever(cand.kind, cand.target, cand.change, cand.before, cand.after, w0, w1,
                 max(0, earlier), base_cost, plan.total_cost, saving, cand.estimate,
                 f"{cand.subject} would {' and '.join(effects)}.", **cand.ids)
