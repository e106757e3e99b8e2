"""Hand-built, internally consistent plans for the report tests (no solver needed).

:func:`make_case` simulates a simple plan: each stream stays on its contract's vendor,
then moves to one or two alternatives over its cutover weeks; every table of the
PlanResult (allocation, contracts, costs, actions, capacity...) is derived from that
allocation with the formulas of planning-model.md, so the report's numbers can be
checked against the plan's.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from planner.domain import (
    CapacityOffer,
    Contract,
    Dataset,
    Level,
    Mode,
    Settings,
    SourceInfo,
    Stream,
    Vendor,
    add_months,
)
from planner.results import CostBreakdown, PlanResult, Shortage, SolveStatus

PLAN_START = date(2027, 1, 4)  # a Monday
SKILLS = ("RLHF preference", "Code review", "Safety red-team")


@dataclass(frozen=True)
class Names:
    exited: tuple[str, ...] = ("Scale Corp",)
    alternatives: tuple[str, ...] = ("Acme Labeling", "Beta Annotate", "Gamma Data")
    contract_title: str = "Master services agreement"
    stream_name: str = "Workstream"


HOSTILE = Names(
    exited=("Smith & Sons <Ltd>",),
    alternatives=("Müller GmbH", "Ærø Data", "株式会社ラベル"),
    contract_title="<img src=x> & <b>bold</b>",
    stream_name="Füße <script>",
)


def make_case(
    n_streams: int = 4,
    n_contracts: int = 2,
    weeks: int = 20,
    *,
    names: Names = Names(),
    unserved_stream: bool = False,
    late: bool = False,
    mode: Mode = Mode.CHEAPEST,
    currency: str = "USD",
) -> tuple[Dataset, PlanResult]:
    """A dataset and a consistent plan; ``late`` gives a slower, dearer (baseline) plan."""
    settings = Settings(plan_start=PLAN_START, horizon_weeks=weeks, mode=mode,
                        unserved_penalty=500.0, currency=currency)
    contracts = tuple(
        Contract(
            contract_id=f"C{i + 1:03d}",
            vendor=names.exited[i % len(names.exited)],
            end_date=PLAN_START + timedelta(days=7 * (weeks // 2 + 3 * i) + 3),
            title=f"{names.contract_title} {i + 1}",
            notice_days=30 + 15 * (i % 3),
            termination_fee=20_000.0 + 5_000 * i,
            min_commitment=150_000.0 * (1 + i % 2),
            auto_renew=i % 2 == 1,
            renewal_months=12,
            renewal_notice_days=20,
        )
        for i in range(n_contracts)
    )
    streams = tuple(
        Stream(
            stream_id=f"S{i + 1:03d}",
            contract_id=contracts[i % n_contracts].contract_id,
            skill=SKILLS[i % len(SKILLS)],
            weekly_volume=float(400 + 150 * (i % 5)),
            unit_price=4.0 + 0.5 * (i % 4),
            name=f"{names.stream_name} {i + 1}",
            sensitivity=Level.CONFIDENTIAL,
            cutover_weeks=2 + i % 3,
        )
        for i in range(n_streams)
    )
    vendors = tuple(
        Vendor(vendor=v, setup_fee=10_000.0 * (j + 1), max_share=1.0)
        for j, v in enumerate(names.alternatives)
    )
    # Which alternatives take which skill (each skill has one or two offers).
    takers: dict[str, list[str]] = {
        skill: [names.alternatives[(k + j) % len(names.alternatives)] for j in range(1 + k % 2)]
        for k, skill in enumerate(SKILLS)
    }
    onboarding = {v: 1 + j for j, v in enumerate(names.alternatives)}
    prices = {v: 3.5 + 0.4 * j for j, v in enumerate(names.alternatives)}

    rows: list[dict[str, object]] = []
    unserved_rows: list[dict[str, object]] = []
    stream_rows: list[dict[str, object]] = []
    last_exited: dict[str, int] = {}
    shift = weeks // 4 if late else 0
    for i, s in enumerate(streams):
        contract = next(c for c in contracts if c.contract_id == s.contract_id)
        alts = takers[s.skill]
        start = max(onboarding[a] for a in alts) + (i % 4) + shift
        start = min(start, weeks - s.cutover_weeks - 1)
        split = [0.6, 0.4] if len(alts) == 2 else [1.0]
        last_inc = -1
        first_moved: int | None = None
        for t in range(weeks):
            moved = s.weekly_volume * min(1.0, max(0, t - start + 1) / s.cutover_weeks)
            lost = s.weekly_volume * 0.25 if unserved_stream and i == 0 and t == start else 0.0
            moved = max(0.0, moved - lost) if lost else moved
            inc = s.weekly_volume - moved - lost
            week_start = settings.week_start(t)
            if inc > 1e-9:
                last_inc = t
                rows.append(_alloc(s, contract.vendor, True, t, week_start, inc, s.unit_price))
            if moved > 1e-9:
                first_moved = t if first_moved is None else first_moved
                for alt, share in zip(alts, split, strict=True):
                    rows.append(_alloc(s, alt, False, t, week_start, moved * share, prices[alt]))
            if lost:
                unserved_rows.append({"stream_id": s.stream_id, "contract_id": s.contract_id,
                                      "skill": s.skill, "week": t, "week_start": week_start,
                                      "tasks": lost, "reason": "capacity"})
        last_exited[s.stream_id] = last_inc
        stream_rows.append({"stream_id": s.stream_id, "contract_id": s.contract_id,
                            "skill": s.skill, "name": s.name, "weekly_volume": s.weekly_volume,
                            "first_week_moved": first_moved,
                            "last_week_exited": last_inc if last_inc >= 0 else None})
    allocation = pd.DataFrame(rows)
    unserved = pd.DataFrame(unserved_rows, columns=["stream_id", "contract_id", "skill", "week",
                                                    "week_start", "tasks", "reason"])

    one_off: dict[int, float] = defaultdict(float)
    contract_rows: list[dict[str, object]] = []
    actions: list[dict[str, object]] = []
    term_fees = shortfall_total = 0.0
    for c in contracts:
        locked = c.auto_renew and c.end_date - timedelta(days=c.renewal_notice_days) < PLAN_START
        effective = add_months(c.end_date, c.renewal_months) if locked else c.end_date
        t_c = max(0, settings.week_of(effective))
        l_c = min(t_c, weeks)
        n_c = math.ceil(c.notice_days / 7)
        own = [last_exited[s.stream_id] for s in streams if s.contract_id == c.contract_id]
        exit_week = min(max(max(own, default=-1) + 1, min(n_c, l_c)), l_c)
        early = exit_week < l_c
        exit_date = settings.week_start(exit_week)
        spend = float(allocation.loc[(allocation.contract_id == c.contract_id)
                                     & allocation.exited, "cost"].sum())
        due = c.min_commitment * exit_week / t_c if t_c else 0.0
        shortfall = max(0.0, due - spend)
        fee = c.termination_fee if early else 0.0
        notice_by = exit_date - timedelta(days=c.notice_days) if early else None
        non_renewal_by = (c.end_date - timedelta(days=c.renewal_notice_days)
                          if c.auto_renew and not locked else None)
        term_fees += fee
        shortfall_total += shortfall
        one_off[min(exit_week, weeks - 1)] += fee + shortfall
        contract_rows.append({
            "contract_id": c.contract_id, "vendor": c.vendor, "title": c.title,
            "end_date": c.end_date, "effective_end": effective, "renewal_locked": locked,
            "last_week": l_c, "exit_week": exit_week, "exit_date": exit_date,
            "terminated_early": early, "notice_by": notice_by, "non_renewal_by": non_renewal_by,
            "termination_fee": fee, "commitment_due": due, "spend": spend,
            "shortfall": shortfall,
        })
        if notice_by is not None:
            actions.append({"date": notice_by, "kind": "termination notice",
                            "contract_id": c.contract_id, "vendor": c.vendor,
                            "deadline": exit_date,
                            "description": f"Send termination notice for {c.contract_id}"})
        if non_renewal_by is not None:
            actions.append({"date": non_renewal_by, "kind": "non-renewal notice",
                            "contract_id": c.contract_id, "vendor": c.vendor,
                            "deadline": c.end_date,
                            "description": f"Refuse the renewal of {c.contract_id}"})

    alt_alloc = allocation[~allocation.exited]
    vendor_rows: list[dict[str, object]] = []
    setup_total = 0.0
    for v in vendors:
        mine = alt_alloc[alt_alloc.vendor == v.vendor]
        engaged = bool(mine.tasks.sum() > 1e-6)
        fee = v.setup_fee if engaged else 0.0
        setup_total += fee
        if engaged:
            first = int(mine.week.min())
            one_off[first] += fee
            actions.append({"date": settings.week_start(first - onboarding[v.vendor]),
                            "kind": "onboarding start", "contract_id": "", "vendor": v.vendor,
                            "deadline": settings.week_start(first),
                            "description": f"Start onboarding {v.vendor}"})
        vendor_rows.append({"vendor": v.vendor, "exited": False, "engaged": engaged,
                            "setup_fee": fee, "tasks": float(mine.tasks.sum()),
                            "cost": float(mine.cost.sum()) + fee})
    for name in names.exited:
        mine = allocation[allocation.vendor == name]
        vendor_rows.append({"vendor": name, "exited": True, "engaged": True, "setup_fee": 0.0,
                            "tasks": float(mine.tasks.sum()), "cost": float(mine.cost.sum())})

    offers = tuple(
        CapacityOffer(vendor=v, skill=skill, weekly_capacity=0.0, unit_price=prices[v],
                      onboarding_weeks=onboarding[v], ramp_weeks=2)
        for skill, vs in takers.items() for v in vs
    )
    cap_rows: list[dict[str, object]] = []
    final_offers: list[CapacityOffer] = []
    for o in offers:
        used = (alt_alloc[(alt_alloc.vendor == o.vendor) & (alt_alloc.skill == o.skill)]
                .groupby("week").tasks.sum())
        peak = float(used.max()) if len(used) else 100.0
        full = math.ceil(peak * 1.02 / 10) * 10  # tight: a few bottleneck weeks
        offer = CapacityOffer(o.vendor, o.skill, full, o.unit_price, o.onboarding_weeks, 0)
        final_offers.append(offer)
        for t in range(weeks):
            cap_rows.append({"vendor": o.vendor, "skill": o.skill, "week": t,
                             "capacity": full * offer.ramp(t), "used": float(used.get(t, 0.0))})

    run_exited = float(allocation.loc[allocation.exited, "cost"].sum())
    run_alt = float(alt_alloc.cost.sum())
    unserved_tasks = float(unserved.tasks.sum())
    weekly = []
    for t in range(weeks):
        w = allocation[allocation.week == t]
        pen = 500.0 * float(unserved.loc[unserved.week == t, "tasks"].sum())
        re_, ra = float(w.loc[w.exited, "cost"].sum()), float(w.loc[~w.exited, "cost"].sum())
        weekly.append({"week": t, "week_start": settings.week_start(t), "run_exited": re_,
                       "run_alternatives": ra, "unserved_penalty": pen, "one_off": one_off[t],
                       "total": re_ + ra + pen + one_off[t]})
    costs = CostBreakdown(run=run_exited + run_alt, run_exited=run_exited,
                          run_alternatives=run_alt, setup_fees=setup_total,
                          termination_fees=term_fees, commitment_shortfall=shortfall_total,
                          unserved_penalty=500.0 * unserved_tasks, unserved_tasks=unserved_tasks)
    completion = max(last_exited.values(), default=-1) + 1
    dataset = Dataset(contracts=contracts, streams=streams, vendors=vendors,
                      capacity=tuple(final_offers), settings=settings,
                      source=SourceInfo(path="/data/contracts & co/frontier <lab>.xlsx",
                                        modified=1_795_000_000.0, sha256="ab12" * 16))
    plan = PlanResult(
        mode=mode, status=SolveStatus.OPTIMAL, plan_start=PLAN_START, horizon_weeks=weeks,
        currency=currency, objective=costs.total, bound=costs.total * 0.9999, gap=0.0001,
        solve_seconds=1.25, completion_week=completion, costs=costs, allocation=allocation,
        contracts=pd.DataFrame(contract_rows), vendors=pd.DataFrame(vendor_rows),
        unserved=unserved, weekly_cost=pd.DataFrame(weekly),
        actions=pd.DataFrame(actions).sort_values("date", kind="stable").reset_index(drop=True),
        capacity=pd.DataFrame(cap_rows), streams=pd.DataFrame(stream_rows),
        source_name="frontier <lab>.xlsx",
    )
    return dataset, plan


def with_shortage(plan: PlanResult) -> PlanResult:
    """The plan as a fastest-mode answer that found no full exit."""
    from dataclasses import replace

    return replace(plan, mode=Mode.FASTEST, fastest_feasible=False, shortages=[
        Shortage(kind="capacity", skill=SKILLS[0], first_week=3, last_week=9, tasks_short=1234.0,
                 streams=("S001",), message="Eligible capacity for RLHF preference is 1,234 "
                 "tasks short in weeks 3-9"),
    ], notes=["Fell back to the cheapest plan."])


def _alloc(s: Stream, vendor: str, exited: bool, week: int, week_start: date, tasks: float,
           price: float) -> dict[str, object]:
    return {"stream_id": s.stream_id, "contract_id": s.contract_id, "skill": s.skill,
            "vendor": vendor, "exited": exited, "week": week, "week_start": week_start,
            "tasks": tasks, "unit_price": price, "cost": tasks * price}
