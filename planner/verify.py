"""Re-check a plan against planning-model.md, independently of the optimiser.

Works only from the Dataset and the plan's tables (allocation, contracts, unserved):
re-derives the contract terms, re-checks every rule and re-adds every cost. Tests run
it on every plan they make; it is the safety net under the model.
"""

from __future__ import annotations

import calendar
import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from planner.domain import CapacityOffer, Dataset
from planner.results import PlanResult

TOL = 1e-5


@dataclass
class Verification:
    violations: list[str] = field(default_factory=list)
    total_cost: float = 0.0
    completion_week: int = 0

    @property
    def ok(self) -> bool:
        return not self.violations


def _months_later(d: date, months: int) -> date:
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def _ramp(week: int, onboarding: int, ramp: int) -> float:
    if week < onboarding:
        return 0.0
    return 1.0 if ramp == 0 else min(1.0, (week - onboarding + 1) / ramp)


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= max(1e-4, 1e-7 * max(abs(a), abs(b)))


def verify_plan(dataset: Dataset, plan: PlanResult, deadline: date | None = None) -> Verification:
    """Every rule and cost of ``plan``; ``deadline`` as given to the solver (if any)."""
    out = Verification()
    bad = out.violations.append
    st = dataset.settings
    H = st.horizon_weeks
    deadline = deadline if deadline is not None else st.exit_deadline

    def week(d: date) -> int:
        return math.floor((d - st.plan_start).days / 7)

    contracts = {c.contract_id: c for c in dataset.contracts}
    streams = {s.stream_id: s for s in dataset.streams}
    vendors = {v.vendor: v for v in dataset.vendors}
    exited = {c.vendor for c in dataset.contracts}
    # a vendor may have several Capacity rows for one skill (a scenario's added capacity):
    # together they are its offer, filled cheapest row first
    offers: dict[tuple[str, str], list[CapacityOffer]] = defaultdict(list)
    for o in dataset.capacity:
        offers[(o.vendor, " ".join(o.skill.split()).lower())].append(o)
    for rows_of_key in offers.values():
        rows_of_key.sort(key=lambda o: o.unit_price)

    # contract terms and exit weeks
    exit_week: dict[str, int] = {}
    T: dict[str, int] = {}
    L: dict[str, int] = {}
    rows = {r.contract_id: r for r in plan.contracts.itertuples()}
    for cid, c in contracts.items():
        end = c.end_date
        if c.auto_renew and end - timedelta(days=c.renewal_notice_days) < st.plan_start:
            end = _months_later(end, c.renewal_months)
        T[cid] = max(0, week(end))
        L[cid] = min(T[cid], H)
        lo = min(math.ceil(c.notice_days / 7), L[cid])
        if cid not in rows:
            bad(f"contract {cid}: missing from the plan")
            continue
        e = int(rows[cid].exit_week)
        exit_week[cid] = e
        if not lo <= e <= L[cid]:
            bad(f"contract {cid}: exit week {e} outside [{lo}, {L[cid]}]")

    # work per stream and week
    done: dict[tuple[str, int], float] = defaultdict(float)
    alt_by_stream: dict[tuple[str, int], float] = defaultdict(float)
    by_offer: dict[tuple[str, str, int], float] = defaultdict(float)
    by_vendor: dict[tuple[str, int], float] = defaultdict(float)
    vendor_tasks: dict[str, float] = defaultdict(float)
    spend: dict[str, float] = defaultdict(float)
    run = 0.0
    last_exited_week = -1
    for r in plan.allocation.itertuples():
        s = streams.get(r.stream_id)
        if s is None:
            bad(f"allocation: unknown stream {r.stream_id}")
            continue
        t, tasks = int(r.week), float(r.tasks)
        if tasks < -TOL or not 0 <= t < H:
            bad(f"allocation: {r.stream_id} week {t}: {tasks} tasks")
        done[(s.stream_id, t)] += tasks
        c = contracts[s.contract_id]
        if r.vendor == c.vendor:
            cost = tasks * s.unit_price
            spend[c.contract_id] += cost
            if tasks > 1e-6:
                last_exited_week = max(last_exited_week, t)
            if t >= exit_week.get(c.contract_id, 0):
                bad(f"{s.stream_id} week {t}: exited vendor works at or after exit week")
            for limit, what in ((s.exit_by, "exit_by"), (deadline, "exit deadline")):
                if limit is not None and t >= week(limit) and tasks > TOL:
                    bad(f"{s.stream_id} week {t}: exited vendor works after the {what}")
        else:
            key = (r.vendor, " ".join(s.skill.split()).lower())
            v = vendors.get(r.vendor)
            if key not in offers or v is None:
                bad(f"{s.stream_id}: {r.vendor} has no offer for {s.skill}")
                continue
            if v.conflicted or r.vendor in exited or v.clearance < s.sensitivity:
                bad(f"{s.stream_id}: {r.vendor} is not eligible")
            cost = 0.0  # priced per offer and week below
            alt_by_stream[(s.stream_id, t)] += tasks
            by_offer[(r.vendor, key[1], t)] += tasks
            by_vendor[(r.vendor, t)] += tasks
            vendor_tasks[r.vendor] += tasks
        run += cost
    unserved: dict[tuple[str, int], float] = defaultdict(float)
    for r in plan.unserved.itertuples():
        unserved[(r.stream_id, int(r.week))] += float(r.tasks)
    total_unserved = sum(unserved.values())

    for s in dataset.streams:
        step = s.weekly_volume / s.cutover_weeks if s.cutover_weeks else math.inf
        prev = 0.0
        for t in range(H):
            got = done[(s.stream_id, t)] + unserved[(s.stream_id, t)]
            if abs(got - s.weekly_volume) > TOL * max(1.0, s.weekly_volume):
                bad(f"{s.stream_id} week {t}: {got:g} tasks placed, volume {s.weekly_volume:g}")
            g = alt_by_stream[(s.stream_id, t)]
            if g - prev > step + TOL * max(1.0, step):
                bad(f"{s.stream_id} week {t}: cutover grows by {g - prev:g} > {step:g}")
            prev = g
    for (vendor, skill, t), used in by_offer.items():
        left = used
        cap = 0.0
        for o in offers[(vendor, skill)]:  # cheapest row first
            room = o.weekly_capacity * _ramp(t, o.onboarding_weeks, o.ramp_weeks)
            cap += room
            take = min(left, room)
            run += take * o.unit_price
            left -= take
        run += max(left, 0.0) * offers[(vendor, skill)][-1].unit_price  # over capacity
        if used > cap + TOL * max(1.0, cap):
            bad(f"{vendor} {skill} week {t}: {used:g} tasks > capacity {cap:g}")
    total_volume = sum(s.weekly_volume for s in dataset.streams)
    for (vendor, t), used in by_vendor.items():
        limit = vendors[vendor].max_share * total_volume
        if used > limit + TOL * max(1.0, limit):
            bad(f"{vendor} week {t}: {used:g} tasks > share cap {limit:g}")

    # costs
    setup = sum(vendors[v].setup_fee for v, n in vendor_tasks.items() if n > 1e-6)
    fees = shortfall = 0.0
    for cid, c in contracts.items():
        e = exit_week.get(cid, L[cid])
        fee = c.termination_fee if e < L[cid] else 0.0
        due = c.min_commitment * e / T[cid] if T[cid] else 0.0
        short = max(0.0, due - spend[cid])
        fees += fee
        shortfall += short
        row = rows.get(cid)
        if row is not None:
            for name, mine in (("termination_fee", fee), ("commitment_due", due),
                               ("spend", spend[cid]), ("shortfall", short)):
                if not _close(float(getattr(row, name)), mine):
                    bad(f"contract {cid}: {name} {getattr(row, name)} != {mine}")
    penalty = st.unserved_penalty * total_unserved
    total = run + setup + fees + shortfall + penalty
    for name, mine, theirs in (
        ("run cost", run, plan.costs.run),
        ("setup fees", setup, plan.costs.setup_fees),
        ("termination fees", fees, plan.costs.termination_fees),
        ("commitment shortfall", shortfall, plan.costs.commitment_shortfall),
        ("unserved penalty", penalty, plan.costs.unserved_penalty),
        ("total cost", total, plan.total_cost),
    ):
        if not _close(mine, theirs):
            bad(f"{name}: plan says {theirs:,.4f}, re-added {mine:,.4f}")
    out.total_cost = total
    out.completion_week = last_exited_week + 1
    if out.completion_week != plan.completion_week:
        bad(f"completion week: plan says {plan.completion_week}, re-computed "
            f"{out.completion_week}")
    return out
