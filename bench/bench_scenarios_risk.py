"""Time scenario comparisons and Monte Carlo ramp risk on workbooks.

    .venv/bin/python bench/bench_scenarios_risk.py [WORKBOOK ...] [--runs 200] [--workers N]
        [--scenarios-only | --risk-only] [--time-limit S] [--no-sensitivity]

WORKBOOK is a path, or S / M / L for a generated preset (seed 1). Default: the bundled
frontier_lab.xlsx and a generated S. Prints, per workbook: one plan alone (the per-run
cost), the comparison of three scenarios with the base, and the risk runs (wall time,
plans per second, and the 200-run time it implies). Goal: 200 runs on M under 60 s.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from planner.importer import load_dataset
from planner.insights.risk import RUN_GAP, RiskSpec, Triangular, VendorSlip, run_risk
from planner.insights.scenarios import compare_scenarios, parse_scenario
from planner.solve import solve

SAMPLE = Path(__file__).resolve().parent.parent / "sample_contracts" / "frontier_lab.xlsx"
SCENARIOS = (  # valid for any workbook: "*" = every vendor / contract
    "Vendors 2 weeks late: onboarding * +2",
    "20% more capacity: capacity * x1.2",
    "Free exits: notice * 0; fee * 0",
)


def workbook(name: str) -> Path:
    if name.upper() in ("S", "M", "L"):
        from sample_contracts.generator import preset, write_workbook

        return write_workbook(preset(name, seed=1), Path(tempfile.mkdtemp()) / f"{name}.xlsx")
    return Path(name)


def bench(path: Path, args: argparse.Namespace) -> None:
    t0 = time.perf_counter()
    ds = load_dataset(path)
    t1 = time.perf_counter()
    plan = solve(ds, mode="fastest", gap=RUN_GAP, time_limit=args.time_limit)
    t2 = time.perf_counter()
    workers = args.workers or os.cpu_count() or 1
    print(f"{path.name}: {len(ds.contracts)} contracts, {len(ds.streams)} streams, "
          f"{len(ds.vendors)} vendors, {ds.settings.horizon_weeks} weeks | import "
          f"{t1 - t0:.2f}s | one fastest plan (gap {RUN_GAP:g}) {t2 - t1:.2f}s, "
          f"{plan.status.value}, full exit week {plan.completion_week}", flush=True)
    if not args.risk_only:
        scenarios = [parse_scenario(s, ds) for s in SCENARIOS]
        t3 = time.perf_counter()
        comparison = compare_scenarios(ds, scenarios, time_limit=args.time_limit,
                                       workers=workers)
        t4 = time.perf_counter()
        plans = len(comparison.outcomes)
        print(f"  scenarios: base + {len(scenarios)}, {workers} workers: {t4 - t3:.1f}s "
              f"({(t4 - t3) / max(plans, 1):.2f}s per plan)", flush=True)
        for line in comparison.summary():
            print(f"    {line}")
    if not args.scenarios_only:
        spec = RiskSpec({"*": VendorSlip(Triangular(0, 1, 4), Triangular(1, 1, 1.5))},
                        runs=args.runs, seed=1)
        t5 = time.perf_counter()
        result = run_risk(ds, spec, time_limit=args.time_limit,
                          sensitivity=not args.no_sensitivity, workers=workers)
        t6 = time.perf_counter()
        plans = result.runs_done + len(result.impacts) * (not args.no_sensitivity) + 1
        per_plan = (t6 - t5) / max(plans, 1)
        print(f"  risk: {result.runs_done} runs + {plans - result.runs_done} reference/"
              f"sensitivity plans, {workers} workers: {t6 - t5:.1f}s ({per_plan:.2f}s per "
              f"plan, wall) -> 200 runs ~ {200 * per_plan:.0f}s", flush=True)
        for line in result.summary():
            print(f"    {line}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("workbooks", nargs="*", default=[str(SAMPLE), "S"])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--time-limit", type=float, default=None)
    parser.add_argument("--no-sensitivity", action="store_true")
    only = parser.add_mutually_exclusive_group()
    only.add_argument("--scenarios-only", action="store_true")
    only.add_argument("--risk-only", action="store_true")
    args = parser.parse_args()
    for name in args.workbooks:
        bench(workbook(name), args)


if __name__ == "__main__":
    main()
