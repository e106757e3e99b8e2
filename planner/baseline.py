"""The naive plan a spreadsheet user would make, costed by the same rules.

Give notice on every contract at plan start (each ends at its earliest exit week), and
each week move every stream, top to bottom, to its cheapest eligible vendor as far as
capacity, ramp, share caps and cutover speed allow; the exited vendor does the rest
while its contract runs, and what is left is unserved. It is a reference point for what
optimisation saves, deliberately not an optimiser.
"""

from __future__ import annotations

import time
from datetime import date

import numpy as np

from planner.assemble import PlanArrays, SolveInfo, assemble
from planner.domain import Dataset, Mode
from planner.model.data import ModelData, build_data
from planner.results import PlanResult, SolveStatus


def naive_arrays(d: ModelData) -> PlanArrays:
    H = d.H
    exit_week = np.array([t.lo for t in d.terms], dtype=np.int64)
    inc_until = np.minimum(d.inc_weeks, exit_week[d.stream_contract])
    x = np.zeros((d.P, H))
    inc = np.zeros((d.S, H))
    unserved = np.zeros((d.S, H))
    share_limit = d.max_share * d.total_volume
    pairs_of = [sorted(np.flatnonzero(d.pair_stream == s), key=lambda p: d.offer_price[
        d.pair_offer[p]]) for s in range(d.S)]
    step = np.where(d.cutover > 0, d.volume / np.maximum(d.cutover, 1), d.volume)
    moved_prev = np.zeros(d.S)
    for t in range(H):
        cap = d.offer_capacity[:, t].copy()
        share = share_limit.copy()
        for s in range(d.S):
            want = min(d.volume[s], moved_prev[s] + step[s])
            for p in pairs_of[s]:
                if want <= 0:
                    break
                o = d.pair_offer[p]
                v = d.offer_vendor[o]
                take = min(want, cap[o], share[v])
                if take > 0:
                    x[p, t] = take
                    cap[o] -= take
                    share[v] -= take
                    want -= take
            moved = float(x[pairs_of[s], t].sum()) if pairs_of[s] else 0.0
            moved_prev[s] = moved
            rest = d.volume[s] - moved
            if t < inc_until[s]:
                inc[s, t] = rest
            else:
                unserved[s, t] = rest
    return PlanArrays(x, inc, unserved, exit_week)


def naive_plan(dataset: Dataset, deadline: date | None = None) -> PlanResult:
    started = time.perf_counter()
    data = build_data(dataset, deadline)
    arrays = naive_arrays(data)
    info = SolveInfo(status=SolveStatus.FEASIBLE, bound=0.0,
                     seconds=time.perf_counter() - started, mode=Mode.CHEAPEST,
                     notes=("Naive plan: notice everywhere at plan start, each stream moved to "
                            "its cheapest eligible vendor as capacity frees up.",))
    return assemble(data, arrays, info)
