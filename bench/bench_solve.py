"""Benchmark the optimiser on generated workbooks: prints import, build, solve, export and
total time, peak memory, LP bound, gap and variable count.

Usage: bench_solve.py [S M L] [--time-limit SECONDS] [--seed N] [--gap G]

The gap defaults to each size's goal in the optimiser issue: 0.01% for S and M, 0.05%
for L."""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

from planner.export import write_plan_xlsx
from planner.importer import load_dataset
from planner.model.build import build_model
from planner.model.data import build_data
from planner.solve import solve
from sample_contracts.generator import preset, write_workbook

GOAL_GAP = {"S": 1e-4, "M": 1e-4, "L": 5e-4}


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", default=["S", "M"], choices=["S", "M", "L"])
    parser.add_argument("--time-limit", type=float, default=None)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--gap", type=float, default=None)
    args = parser.parse_args(argv)
    tmp = Path(tempfile.mkdtemp())
    for name in args.sizes:
        path = write_workbook(preset(name, seed=args.seed), tmp / f"{name}.xlsx")
        t0 = time.perf_counter()
        ds = load_dataset(path)
        t1 = time.perf_counter()
        model = build_model(build_data(ds))
        t2 = time.perf_counter()
        gap = args.gap if args.gap is not None else GOAL_GAP[name]
        plan = solve(ds, time_limit=args.time_limit, gap=gap)
        t3 = time.perf_counter()
        write_plan_xlsx(tmp / f"{name}-plan.xlsx", plan)
        t4 = time.perf_counter()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{name}: vars {model.num_cols:,} rows {model.num_rows:,} binaries "
              f"{model.num_integer} | import {t1 - t0:.2f}s build {t2 - t1:.2f}s solve "
              f"{t3 - t2:.2f}s export {t4 - t3:.2f}s total {t4 - t0:.2f}s | peak {peak:.0f} MiB"
              f" | cost {plan.total_cost:,.2f} LP bound {plan.lp_bound or 0:,.2f} "
              f"bound {plan.bound:,.2f} gap {plan.gap:.4%} (asked {gap:.2%}) "
              f"status {plan.status.value}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
