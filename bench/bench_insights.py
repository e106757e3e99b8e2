"""Benchmark the insights: time of the plan, the doctor, the levers and the price of speed
on the M-size generated workbook and on sample_contracts/frontier_lab.xlsx, with their
headline numbers.

Usage: bench_insights.py [--time-limit S] [--gap G] [--points N] [--top N] [FILE ...]
(default: a generated M workbook, preset M seed 1, and frontier_lab.xlsx). ``--time-limit``
and ``--gap`` apply to every optimiser run, so the bench finishes on large workbooks.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from planner.importer import load_dataset
from planner.insights.doctor import diagnose
from planner.insights.levers import find_levers
from planner.insights.speed import price_of_speed
from planner.solve import solve
from sample_contracts.generator import preset, write_workbook

SAMPLE = Path(__file__).resolve().parent.parent / "sample_contracts" / "frontier_lab.xlsx"


def bench(path: Path, time_limit: float | None, gap: float | None, points: int,
          top: int) -> None:
    ds = load_dataset(path)
    options = {"time_limit": time_limit, "gap": gap}
    print(f"{path.name}: {len(ds.contracts)} contracts, {len(ds.streams)} streams, "
          f"{len(ds.capacity)} offers, {ds.settings.horizon_weeks} weeks", flush=True)
    t0 = time.perf_counter()
    plan = solve(ds, **options)
    t1 = time.perf_counter()
    print(f"  plan    {t1 - t0:7.1f} s  cheapest {plan.total_cost:,.0f}, full exit week "
          f"{plan.completion_week}, {plan.status.value}, gap {plan.gap:.3%}", flush=True)
    doctor = diagnose(ds, plan=plan, **options)
    t2 = time.perf_counter()
    print(f"  doctor  {t2 - t1:7.1f} s  {doctor.summary}", flush=True)
    levers = find_levers(ds, cheapest=plan, top=top, **options)
    t3 = time.perf_counter()
    best = levers.levers[0].sentence if levers.levers else "none"
    print(f"  levers  {t3 - t2:7.1f} s  {levers.tested} measured, {len(levers.levers)} help; "
          f"best: {best}", flush=True)
    speed = price_of_speed(ds, chosen=plan, cheapest=plan, max_points=points, **options)
    t4 = time.perf_counter()
    span = (f"weeks {speed.fastest_week}-{speed.cheapest_week}, {len(speed.points)} points"
            if speed.points else "no curve")
    print(f"  speed   {t4 - t3:7.1f} s  {speed.solves} solves, {span}; {speed.summary}",
          flush=True)
    print(f"  total   {t4 - t0:7.1f} s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--time-limit", type=float, default=120.0)
    parser.add_argument("--gap", type=float, default=1e-3)
    parser.add_argument("--points", type=int, default=12)
    parser.add_argument("--top", type=int, default=6)
    args = parser.parse_args()
    files = args.files
    if not files:
        m = write_workbook(preset("M", seed=1), Path(tempfile.mkdtemp()) / "M.xlsx")
        files = [SAMPLE, m]
    print(f"time limit {args.time_limit} s and gap {args.gap:g} per optimiser run")
    for path in files:
        bench(path, args.time_limit, args.gap, args.points, args.top)


if __name__ == "__main__":
    main()
