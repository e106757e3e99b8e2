"""Hand-built PlanResults for the view tests: small, consistent numbers, built in code.

A plan is described stream by stream (who takes it over, from which week, over how many
cutover weeks) and every table of :class:`PlanResult` is derived from that description,
so the allocation, weekly costs, capacity use and totals agree with each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from planner.domain import Mode
from planner.results import CostBreakdown, PlanResult, Shortage, SolveStatus

PLAN_START = date(2027, 1, 4)  # a Monday
EXITED = "Acme Labeling"
PENALTY = 50.0


@dataclass(frozen=True)
class StreamSpec:
    stream_id: str
    contract_id: str
    skill: str
    name: str
    volume: float
    price: float
    target: str | None  # alternative vendor taking it over (None: nobody can)
    start: int = 0  # first week on the alternative
    cutover: int = 1  # weeks to move all of it
    alt_price: float = 0.0


@dataclass(frozen=True)
class ContractSpec:
    contract_id: str
    vendor: str
    title: str
    end_date: date
    exit_week: int
    termination_fee: float = 0.0
    notice_days: int = 30
    min_commitment: float = 0.0
    auto_renew: bool = False


def _week_start(week: int) -> date:
    return PLAN_START + timedelta(days=7 * week)


def _week_of(d: date) -> int:
    return (d - PLAN_START).days // 7


def build_plan(
    contracts: list[ContractSpec],
    streams: list[StreamSpec],
    *,
    horizon: int,
    setup_fees: dict[str, float],
    capacity: dict[tuple[str, str], float],
    currency: str = "EUR",
    shortages: list[Shortage] | None = None,
) -> PlanResult:
    """Derive every table of a PlanResult from the stream-by-stream description."""
    weeks = np.arange(horizon)
    by_contract = {c.contract_id: c for c in contracts}
    alloc_rows: list[dict[str, object]] = []
    unserved_rows: list[dict[str, object]] = []
    stream_rows: list[dict[str, object]] = []
    spend = dict.fromkeys(by_contract, 0.0)
    run_exited = np.zeros(horizon)
    run_alt = np.zeros(horizon)
    unserved_cost = np.zeros(horizon)
    used: dict[tuple[str, str], np.ndarray] = {k: np.zeros(horizon) for k in capacity}
    vendor_tasks: dict[str, float] = {}
    vendor_run: dict[str, float] = {}
    for s in streams:
        contract = by_contract[s.contract_id]
        if s.target is None:
            alt = np.zeros(horizon)
        else:
            alt = np.clip((weeks - s.start + 1) / max(1, s.cutover), 0.0, 1.0) * s.volume
        exited = np.where(weeks < contract.exit_week, s.volume - alt, 0.0)
        unserved = s.volume - alt - exited
        for week in weeks:
            for vendor, tasks, price, is_exited in (
                (contract.vendor, exited[week], s.price, True),
                (s.target, alt[week], s.alt_price, False),
            ):
                if vendor is None or tasks <= 1e-9:
                    continue
                alloc_rows.append(
                    {
                        "stream_id": s.stream_id,
                        "contract_id": s.contract_id,
                        "skill": s.skill,
                        "vendor": vendor,
                        "exited": is_exited,
                        "week": int(week),
                        "week_start": _week_start(int(week)),
                        "tasks": float(tasks),
                        "unit_price": price,
                        "cost": float(tasks * price),
                    }
                )
                vendor_tasks[vendor] = vendor_tasks.get(vendor, 0.0) + float(tasks)
                vendor_run[vendor] = vendor_run.get(vendor, 0.0) + float(tasks * price)
            if unserved[week] > 1e-9:
                unserved_rows.append(
                    {
                        "stream_id": s.stream_id,
                        "contract_id": s.contract_id,
                        "skill": s.skill,
                        "week": int(week),
                        "week_start": _week_start(int(week)),
                        "tasks": float(unserved[week]),
                        "reason": "no eligible vendor"
                        if s.target is None
                        else "not enough capacity",
                    }
                )
        spend[s.contract_id] += float((exited * s.price).sum())
        run_exited += exited * s.price
        run_alt += alt * s.alt_price
        unserved_cost += unserved * PENALTY
        if s.target is not None:
            used[(s.target, s.skill)] += alt
        moved = np.nonzero(alt > 1e-9)[0]
        on_exited = np.nonzero(exited > 1e-9)[0]
        stream_rows.append(
            {
                "stream_id": s.stream_id,
                "contract_id": s.contract_id,
                "skill": s.skill,
                "name": s.name,
                "weekly_volume": s.volume,
                "first_week_moved": int(moved[0]) if len(moved) else None,
                "last_week_exited": int(on_exited[-1]) if len(on_exited) else None,
            }
        )

    one_off = np.zeros(horizon)
    contract_rows: list[dict[str, object]] = []
    actions: list[dict[str, object]] = []
    for c in contracts:
        t_c = max(0, _week_of(c.end_date))
        last = min(t_c, horizon)
        early = c.exit_week < last
        due = c.min_commitment * c.exit_week / t_c if t_c else 0.0
        shortfall = max(0.0, due - spend[c.contract_id])
        fee = c.termination_fee if early else 0.0
        notice_by = _week_start(c.exit_week) - timedelta(days=c.notice_days) if early else None
        non_renewal_by = c.end_date - timedelta(days=60) if c.auto_renew else None
        one_off[min(c.exit_week, horizon - 1)] += fee + shortfall
        contract_rows.append(
            {
                "contract_id": c.contract_id,
                "vendor": c.vendor,
                "title": c.title,
                "end_date": c.end_date,
                "effective_end": c.end_date,
                "renewal_locked": False,
                "last_week": last,
                "exit_week": c.exit_week,
                "exit_date": _week_start(c.exit_week),
                "terminated_early": early,
                "notice_by": notice_by,
                "non_renewal_by": non_renewal_by,
                "termination_fee": fee,
                "commitment_due": due,
                "spend": spend[c.contract_id],
                "shortfall": shortfall,
            }
        )
        if notice_by is not None:
            actions.append(
                {
                    "date": notice_by,
                    "kind": "termination notice",
                    "contract_id": c.contract_id,
                    "vendor": c.vendor,
                    "deadline": _week_start(c.exit_week),
                    "description": f"Send termination notice for {c.contract_id} ({c.title}) "
                    f"to {c.vendor}; the contract then ends on {_week_start(c.exit_week)}.",
                }
            )
        if non_renewal_by is not None:
            actions.append(
                {
                    "date": non_renewal_by,
                    "kind": "non-renewal notice",
                    "contract_id": c.contract_id,
                    "vendor": c.vendor,
                    "deadline": c.end_date,
                    "description": f"Refuse the automatic renewal of {c.contract_id}.",
                }
            )
    vendor_rows = [
        {
            "vendor": EXITED,
            "exited": True,
            "engaged": True,
            "setup_fee": 0.0,
            "tasks": vendor_tasks.get(EXITED, 0.0),
            "cost": vendor_run.get(EXITED, 0.0),
        }
    ]
    for vendor, fee in sorted(setup_fees.items()):
        engaged = vendor_tasks.get(vendor, 0.0) > 1e-6
        first = min((s.start for s in streams if s.target == vendor), default=0)
        if engaged:
            one_off[0] += fee
            actions.append(
                {
                    "date": _week_start(0),
                    "kind": "onboarding start",
                    "contract_id": "",
                    "vendor": vendor,
                    "deadline": _week_start(first),
                    "description": f"Start onboarding {vendor} so it can take work from "
                    f"{_week_start(first)}.",
                }
            )
        vendor_rows.append(
            {
                "vendor": vendor,
                "exited": False,
                "engaged": engaged,
                "setup_fee": fee if engaged else 0.0,
                "tasks": vendor_tasks.get(vendor, 0.0),
                "cost": vendor_run.get(vendor, 0.0) + (fee if engaged else 0.0),
            }
        )
    unserved_df = pd.DataFrame(
        unserved_rows,
        columns=["stream_id", "contract_id", "skill", "week", "week_start", "tasks", "reason"],
    )
    costs = CostBreakdown(
        run=float(run_exited.sum() + run_alt.sum()),
        run_exited=float(run_exited.sum()),
        run_alternatives=float(run_alt.sum()),
        setup_fees=sum(r["setup_fee"] for r in vendor_rows),  # type: ignore[misc]
        termination_fees=sum(r["termination_fee"] for r in contract_rows),  # type: ignore[misc]
        commitment_shortfall=sum(r["shortfall"] for r in contract_rows),  # type: ignore[misc]
        unserved_penalty=float(unserved_cost.sum()),
        unserved_tasks=float(unserved_df["tasks"].sum()),
    )
    weekly = pd.DataFrame(
        {
            "week": weeks,
            "week_start": [_week_start(int(w)) for w in weeks],
            "run_exited": run_exited,
            "run_alternatives": run_alt,
            "unserved_penalty": unserved_cost,
            "one_off": one_off,
        }
    )
    weekly["total"] = weekly[["run_exited", "run_alternatives", "unserved_penalty", "one_off"]].sum(
        axis=1
    )
    capacity_rows = [
        {
            "vendor": v,
            "skill": skill,
            "week": int(w),
            "capacity": cap,
            "used": float(used[(v, skill)][w]),
        }
        for (v, skill), cap in capacity.items()
        for w in weeks
    ]
    allocation = pd.DataFrame(alloc_rows)
    on_exited = allocation[allocation["exited"]]["week"]
    completion = int(on_exited.max()) + 1 if len(on_exited) else 0
    actions_df = pd.DataFrame(
        actions, columns=["date", "kind", "contract_id", "vendor", "deadline", "description"]
    )
    return PlanResult(
        mode=Mode.CHEAPEST,
        status=SolveStatus.OPTIMAL,
        plan_start=PLAN_START,
        horizon_weeks=horizon,
        currency=currency,
        objective=costs.total,
        bound=costs.total,
        gap=0.0,
        solve_seconds=0.42,
        completion_week=completion,
        costs=costs,
        allocation=allocation,
        contracts=pd.DataFrame(contract_rows),
        vendors=pd.DataFrame(vendor_rows),
        unserved=unserved_df,
        weekly_cost=weekly,
        actions=actions_df.sort_values("date", kind="stable").reset_index(drop=True),
        capacity=pd.DataFrame(capacity_rows),
        streams=pd.DataFrame(stream_rows),
        shortages=list(shortages or []),
        notes=["Stream S3 (audio) has no eligible vendor: its work stays unserved after C2 ends."],
        source_name="hand-built fixture",
    )


SMALL_CONTRACTS = [
    ContractSpec("C1", EXITED, "Vision annotation MSA", date(2027, 12, 31), 8, 10_000, 30, 50_000),
    ContractSpec("C2", EXITED, "Audio transcription", date(2027, 3, 1), 8),
    ContractSpec("C3", EXITED, "Retainer (no streams)", date(2027, 6, 30), 25, auto_renew=True),
]


def small_plan(*, delay: int = 0, exit_c1: int = 8) -> PlanResult:
    """Three contracts, three streams, two alternatives; S3 cannot be placed after C2 ends."""
    contracts = [
        ContractSpec(
            "C1", EXITED, "Vision annotation MSA", date(2027, 12, 31), exit_c1, 10_000, 30, 50_000
        ),
        *SMALL_CONTRACTS[1:],
    ]
    streams = [
        StreamSpec(
            "S1", "C1", "bbox", "Image boxes", 100, 5.0, "Northwind Data", 2 + delay, 4, 4.0
        ),
        StreamSpec("S2", "C1", "text", "Sentiment", 60, 3.0, "Turing Labs", 4 + delay, 2, 2.5),
        StreamSpec("S3", "C2", "audio", "Transcripts", 40, 6.0, None),
    ]
    shortage = Shortage(
        kind="no eligible vendor",
        skill="audio",
        first_week=8,
        last_week=25,
        tasks_short=720.0,
        streams=("S3",),
        message="No eligible vendor offers audio: stream S3 cannot be moved, so its 40 tasks "
        "a week go unserved from week 8, when contract C2 ends.",
    )
    return build_plan(
        contracts,
        streams,
        horizon=26,
        setup_fees={"Northwind Data": 2_000.0, "Turing Labs": 1_500.0},
        capacity={("Northwind Data", "bbox"): 120.0, ("Turing Labs", "text"): 80.0},
        shortages=[shortage],
    )


def baseline_plan() -> PlanResult:
    """The naive comparison: same moves, later, and C1 run to its end."""
    return small_plan(delay=4, exit_c1=26)


def large_plan(n_streams: int = 500, horizon: int = 104, n_contracts: int = 50) -> PlanResult:
    """A big plan for the speed checks: every stream moves, at staggered weeks."""
    alternatives = [f"Vendor {i:02d}" for i in range(8)]
    contracts = [
        ContractSpec(f"C{i:03d}", EXITED, f"Contract {i}", date(2029, 6, 30), horizon)
        for i in range(n_contracts)
    ]
    streams = [
        StreamSpec(
            f"S{i:04d}",
            f"C{i % n_contracts:03d}",
            f"skill {i % 5}",
            f"Stream {i}",
            50 + i % 7 * 10,
            5.0,
            alternatives[i % len(alternatives)],
            i % 60,
            1 + i % 8,
            4.0,
        )
        for i in range(n_streams)
    ]
    return build_plan(
        contracts,
        streams,
        horizon=horizon,
        setup_fees=dict.fromkeys(alternatives, 1_000.0),
        capacity={(v, f"skill {k}"): 5_000.0 for v in alternatives for k in range(5)},
    )
