"""Turn a plan's amounts (from the optimiser or the naive baseline) into a PlanResult.

Both plans go through here, so every figure is re-added the same way, straight from
planning-model.md, never read off a solver objective.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from planner.domain import Mode
from planner.model.data import FloatArray, IntArray, ModelData
from planner.results import CostBreakdown, PlanResult, Shortage, SolveStatus

TASK_EPS = 1e-6  # amounts below this are solver noise, not work (spec: setup > 1e-6 tasks)


@dataclass
class PlanArrays:
    """The decisions of a plan, dense."""

    x: FloatArray  # (P, H) tasks per eligible pair and week
    inc: FloatArray  # (S, H) tasks on the exited vendor
    unserved: FloatArray  # (S, H)
    exit_week: IntArray  # (C,) e_c

    def cleaned(self) -> PlanArrays:
        def clean(a: FloatArray) -> FloatArray:
            return np.where(a > TASK_EPS, a, 0.0)

        return PlanArrays(clean(self.x), clean(self.inc), clean(self.unserved), self.exit_week)


@dataclass(frozen=True)
class SolveInfo:
    status: SolveStatus
    bound: float
    seconds: float
    mode: Mode
    fastest_feasible: bool | None = None
    shortages: tuple[Shortage, ...] = ()
    notes: tuple[str, ...] = ()
    lp_bound: float | None = None


def completion_week(inc: FloatArray) -> int:
    """Week after the last week with work on an exited vendor (0 if none)."""
    weeks = np.flatnonzero(inc.sum(axis=0) > TASK_EPS)
    return int(weeks[-1]) + 1 if len(weeks) else 0


def engaged_vendors(d: ModelData, x: FloatArray) -> np.ndarray:
    per_vendor = np.zeros(d.V)
    np.add.at(per_vendor, d.pair_vendor, x.sum(axis=1))
    return per_vendor > TASK_EPS


def unserved_reason(d: ModelData, s: int, t: int, pair_count: IntArray) -> str:
    """Why stream s could not be fully placed in week t (plain words)."""
    if pair_count[s] == 0:
        return "no eligible vendor (skill, clearance or conflict)"
    pairs = np.flatnonzero(d.pair_stream == s)
    ready = d.offer_capacity[d.pair_offer[pairs], t].sum()
    if ready <= TASK_EPS:
        return "contract ended before a vendor was ready (onboarding)"
    if d.cutover[s] >= 2 and (t + 1) * d.volume[s] / d.cutover[s] < d.volume[s] - TASK_EPS:
        return "cutover speed (growth limit per week)"
    if ready < d.volume[s] - TASK_EPS:
        return "eligible capacity short (ramp or capacity)"
    return "capacity shared with other streams or share cap"


def plan_costs(d: ModelData, arrays: PlanArrays) -> tuple[int, CostBreakdown]:
    """(completion week, costs) of a plan: what :func:`assemble` reports, without its
    tables (for many re-plans that need only these, such as ramp-risk runs)."""
    arr = arrays.cleaned()
    return completion_week(arr.inc), _costs(d, arr)[0]


def _costs(d: ModelData, arr: PlanArrays) -> tuple[CostBreakdown, tuple[np.ndarray, ...]]:
    """The costs of planning-model.md (Cost), and the per-contract parts behind them."""
    inc_cost = arr.inc * d.stream_price[:, None]
    x_cost = arr.x * d.offer_price[d.pair_offer][:, None]
    engaged = engaged_vendors(d, arr.x)
    spend = np.zeros(d.C)
    np.add.at(spend, d.stream_contract, inc_cost.sum(axis=1))
    early = np.array([arr.exit_week[i] < t.L for i, t in enumerate(d.terms)], dtype=bool)
    fees = np.array([t.contract.termination_fee for t in d.terms]) * early
    due = np.array([t.due(int(arr.exit_week[i])) for i, t in enumerate(d.terms)])
    shortfall = np.maximum(0.0, due - spend)
    penalty = d.dataset.settings.unserved_penalty
    costs = CostBreakdown(
        run=float(inc_cost.sum() + x_cost.sum()),
        run_exited=float(inc_cost.sum()),
        run_alternatives=float(x_cost.sum()),
        setup_fees=float(d.setup_fee[engaged].sum()),
        termination_fees=float(fees.sum()),
        commitment_shortfall=float(shortfall.sum()),
        unserved_penalty=float(penalty * arr.unserved.sum()),
        unserved_tasks=float(arr.unserved.sum()),
    )
    return costs, (inc_cost, x_cost, engaged, spend, early, fees, due, shortfall)


def assemble(d: ModelData, arrays: PlanArrays, info: SolveInfo) -> PlanResult:
    ds = d.dataset
    st = ds.settings
    H = d.H
    arr = arrays.cleaned()
    weeks = np.arange(H)
    week_starts = [st.week_start(int(t)) for t in weeks]
    contract_of = d.stream_contract
    stream_ids = [s.stream_id for s in ds.streams]
    skills = [s.skill for s in ds.streams]
    contract_ids = [c.contract_id for c in ds.contracts]

    costs, parts = _costs(d, arr)
    inc_cost, x_cost, engaged, spend, early, fees, due, shortfall = parts

    # --- allocation ---
    si, ti = np.nonzero(arr.inc)
    pi, tj = np.nonzero(arr.x)
    ps = d.pair_stream[pi]
    offer_vendor_names = [d.vendor_names[v] for v in d.offer_vendor]
    alloc = pd.DataFrame({
        "stream_id": [stream_ids[s] for s in si] + [stream_ids[s] for s in ps],
        "contract_id": [contract_ids[contract_of[s]] for s in si]
        + [contract_ids[contract_of[s]] for s in ps],
        "skill": [skills[s] for s in si] + [skills[s] for s in ps],
        "vendor": [ds.contracts[contract_of[s]].vendor for s in si]
        + [offer_vendor_names[o] for o in d.pair_offer[pi]],
        "exited": [True] * len(si) + [False] * len(pi),
        "week": np.concatenate([ti, tj]).astype(int),
        "tasks": np.concatenate([arr.inc[si, ti], arr.x[pi, tj]]),
        "unit_price": np.concatenate([d.stream_price[si], d.offer_price[d.pair_offer[pi]]]),
    })
    alloc.insert(6, "week_start", [week_starts[t] for t in alloc["week"]])
    alloc["cost"] = alloc["tasks"] * alloc["unit_price"]
    keys = ["stream_id", "contract_id", "skill", "vendor", "exited", "week", "week_start"]
    if alloc.duplicated(keys).any():
        # a vendor with two Capacity rows for one skill (a scenario's added capacity):
        # one row per stream, vendor and week, at the rows' blended price
        columns = list(alloc.columns)
        alloc = alloc.groupby(keys, as_index=False, sort=False).agg(
            tasks=("tasks", "sum"), cost=("cost", "sum"))
        alloc["unit_price"] = alloc["cost"] / alloc["tasks"]
        alloc = alloc[columns]
    alloc = alloc.sort_values(["stream_id", "week", "exited", "vendor"],
                              ascending=[True, True, False, True], kind="stable")
    alloc = alloc.reset_index(drop=True)

    # --- contracts ---
    rows = []
    for i, t in enumerate(d.terms):
        c = t.contract
        e = int(arr.exit_week[i])
        rows.append({
            "contract_id": c.contract_id,
            "vendor": c.vendor,
            "title": c.title,
            "end_date": c.end_date,
            "effective_end": t.effective_end,
            "renewal_locked": t.renewal_locked,
            "last_week": t.L,
            "exit_week": e,
            "exit_date": st.week_start(e),
            "terminated_early": bool(early[i]),
            "notice_by": t.notice_by(st.plan_start, e) if early[i] else None,
            "non_renewal_by": t.non_renewal_by,
            "termination_fee": float(fees[i]),
            "commitment_due": float(due[i]),
            "spend": float(spend[i]),
            "shortfall": float(shortfall[i]),
        })
    contracts = pd.DataFrame(rows)

    # --- vendors ---
    vendor_tasks = np.zeros(d.V)
    vendor_cost = np.zeros(d.V)
    np.add.at(vendor_tasks, d.pair_vendor, arr.x.sum(axis=1))
    np.add.at(vendor_cost, d.pair_vendor, x_cost.sum(axis=1))
    vrows = []
    exited = ds.exited_vendors
    for name in sorted(exited):
        mask = np.array([ds.contracts[c].vendor == name for c in contract_of], dtype=bool)
        vrows.append({"vendor": name, "exited": True, "engaged": bool(arr.inc[mask].sum() > 0),
                      "setup_fee": 0.0, "tasks": float(arr.inc[mask].sum()),
                      "cost": float(inc_cost[mask].sum())})
    for v, name in enumerate(d.vendor_names):
        if name in exited:
            continue
        fee = float(d.setup_fee[v]) if engaged[v] else 0.0
        vrows.append({"vendor": name, "exited": False, "engaged": bool(engaged[v]),
                      "setup_fee": fee, "tasks": float(vendor_tasks[v]),
                      "cost": float(vendor_cost[v] + fee)})
    vendors = pd.DataFrame(vrows, columns=["vendor", "exited", "engaged", "setup_fee", "tasks",
                                           "cost"])

    # --- unserved ---
    pair_count = np.bincount(d.pair_stream, minlength=d.S) if d.P else np.zeros(d.S, dtype=int)
    us, ut = np.nonzero(arr.unserved)
    unserved = pd.DataFrame({
        "stream_id": [stream_ids[s] for s in us],
        "contract_id": [contract_ids[contract_of[s]] for s in us],
        "skill": [skills[s] for s in us],
        "week": ut.astype(int),
        "week_start": [week_starts[t] for t in ut],
        "tasks": arr.unserved[us, ut],
        "reason": [unserved_reason(d, int(s), int(t), pair_count) for s, t in zip(us, ut,
                                                                                   strict=True)],
    })

    # --- weekly cost ---
    one_off = np.zeros(H)
    first_week = np.full(d.V, -1)
    x_by_vendor_week = np.zeros((d.V, H))
    np.add.at(x_by_vendor_week, d.pair_vendor, arr.x)
    for v in np.flatnonzero(engaged):
        first_week[v] = int(np.flatnonzero(x_by_vendor_week[v] > 0)[0])
        one_off[first_week[v]] += d.setup_fee[v]
    for i in range(d.C):
        wk = min(max(int(arr.exit_week[i]), 0), H - 1) if H else 0
        one_off[wk] += fees[i] + shortfall[i]
    weekly = pd.DataFrame({
        "week": weeks,
        "week_start": week_starts,
        "run_exited": inc_cost.sum(axis=0),
        "run_alternatives": x_cost.sum(axis=0),
        "unserved_penalty": st.unserved_penalty * arr.unserved.sum(axis=0),
        "one_off": one_off,
    })
    weekly["total"] = weekly[["run_exited", "run_alternatives", "unserved_penalty",
                              "one_off"]].sum(axis=1)

    # --- actions ---
    actions = []
    for i, t in enumerate(d.terms):
        c = t.contract
        if early[i]:
            e = int(arr.exit_week[i])
            actions.append({
                "date": t.notice_by(st.plan_start, e), "kind": "termination notice",
                "contract_id": c.contract_id, "vendor": c.vendor,
                "deadline": st.week_start(e),
                "description": f"Send termination notice for {c.contract_id} ({c.notice_days} "
                f"days); work ends {st.week_start(e).isoformat()}; fee "
                f"{c.termination_fee:,.2f} {st.currency}",
            })
        if t.non_renewal_by is not None:
            actions.append({
                "date": t.non_renewal_by, "kind": "non-renewal notice",
                "contract_id": c.contract_id, "vendor": c.vendor, "deadline": c.end_date,
                "description": f"Send non-renewal notice for {c.contract_id} so it ends "
                f"{c.end_date.isoformat()} instead of renewing for {c.renewal_months} months",
            })
    x_by_offer_week = np.zeros((d.O, H))
    np.add.at(x_by_offer_week, d.pair_offer, arr.x)
    for o, offer in enumerate(d.offers):
        used = np.flatnonzero(x_by_offer_week[o] > 0)
        if len(used) == 0:
            continue
        first = int(used[0])
        actions.append({
            "date": st.plan_start, "kind": "onboarding start", "contract_id": "",
            "vendor": offer.vendor, "deadline": st.week_start(first),
            "description": f"Start onboarding {offer.vendor} for {offer.skill} "
            f"({offer.onboarding_weeks} wk onboarding, {offer.ramp_weeks} wk ramp); first work "
            f"week {first} ({st.week_start(first).isoformat()})",
        })
    actions_df = pd.DataFrame(actions, columns=["date", "kind", "contract_id", "vendor",
                                                "deadline", "description"])
    actions_df = actions_df.sort_values(["date", "kind", "contract_id", "vendor"],
                                        kind="stable").reset_index(drop=True)

    # --- capacity and load ---
    capacity = pd.DataFrame({
        "vendor": np.repeat([o.vendor for o in d.offers], H),
        "skill": np.repeat([o.skill for o in d.offers], H),
        "week": np.tile(weeks, d.O),
        "capacity": d.offer_capacity.reshape(-1),
        "used": x_by_offer_week.reshape(-1),
    })

    # --- streams (timeline) ---
    moved = np.zeros((d.S, H))
    np.add.at(moved, d.pair_stream, arr.x)
    srows = []
    for s, stream in enumerate(ds.streams):
        on_alt = np.flatnonzero(moved[s] > 0)
        on_inc = np.flatnonzero(arr.inc[s] > 0)
        srows.append({
            "stream_id": stream.stream_id, "contract_id": stream.contract_id,
            "skill": stream.skill, "name": stream.name, "weekly_volume": stream.weekly_volume,
            "first_week_moved": int(on_alt[0]) if len(on_alt) else None,
            "last_week_exited": int(on_inc[-1]) if len(on_inc) else None,
        })
    streams = pd.DataFrame(srows, columns=["stream_id", "contract_id", "skill", "name",
                                           "weekly_volume", "first_week_moved",
                                           "last_week_exited"])

    total = costs.total
    bound = min(info.bound, total)
    gap = 0.0 if total <= 0 else max(0.0, (total - bound) / max(abs(total), 1e-9))
    return PlanResult(
        mode=info.mode,
        status=info.status,
        plan_start=st.plan_start,
        horizon_weeks=H,
        currency=st.currency,
        objective=total,
        bound=bound,
        gap=gap,
        solve_seconds=info.seconds,
        lp_bound=info.lp_bound,
        completion_week=completion_week(arr.inc),
        costs=costs,
        allocation=alloc,
        contracts=contracts,
        vendors=vendors,
        unserved=unserved,
        weekly_cost=weekly,
        actions=actions_df,
        capacity=capacity,
        streams=streams,
        fastest_feasible=info.fastest_feasible,
        shortages=list(info.shortages),
        notes=list(info.notes),
        source_name=ds.source.path if ds.source else "",
    )

