"""``migration-planner risk``: Monte Carlo ramp risk (vendor onboarding and ramp slips).

    migration-planner risk contracts.xlsx --runs 200 --seed 1 \\
        --slip "Turing:0,2,6" --slip "*:0,1,3" --stretch "Turing:1,1.2,2" --json risk.json
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any

from planner import report_option

SYNTAX = """\
distributions (per vendor, or * for every other alternative vendor with capacity):
  --slip "Turing:0,2,6"          onboarding slip in weeks, triangular(min, most likely, max)
  --slip "Turing:0=70%,4=30%"    a table of values and their probabilities
  --slip "Turing:2"              a fixed slip
  --stretch "Turing:1,1.2,2"     ramp_weeks multiplied by a factor (same forms)
Slips and stretched ramps are rounded half up to whole weeks. Each run re-plans with
every vendor's draw; P50/P90 are outcomes at least 50%/90% of the runs reach.
"""


# Shown in --help without importing the solver at start-up; a test keeps them equal to
# planner.insights.risk.DEFAULT_RUNS and RUN_GAP.
HELP_RUNS = 200
HELP_GAP = 1e-3


def add_arguments(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "risk",
        help="Monte Carlo risk of vendor onboarding and ramp slips",
        description="Re-plan many times with vendor onboarding slips and ramp stretches "
        "drawn from the distributions you give, and print P50/P90/mean full-exit week and "
        "total cost, the distribution, and which vendor's slip hurts most.",
        epilog=SYNTAX,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("file", type=Path, help="workbook (.xlsx/.xlsm/.ods) or folder of .csv")
    p.add_argument("--runs", type=int, default=None, metavar="N",
                   help=f"Monte Carlo runs (default {HELP_RUNS})")
    p.add_argument("--seed", type=int, default=None, metavar="S",
                   help="random seed: the same seed gives the same runs (default 1)")
    p.add_argument("--slip", action="append", default=[], metavar="VENDOR:DIST",
                   help="onboarding slip distribution in weeks (repeat per vendor)")
    p.add_argument("--stretch", action="append", default=[], metavar="VENDOR:DIST",
                   help="ramp stretch factor distribution (repeat per vendor)")
    p.add_argument("--spec", type=Path, default=None, metavar="JSON",
                   help="risk settings saved as JSON (the 'spec' of a --json output); "
                   "--slip/--stretch/--runs/--seed given too override it")
    p.add_argument("--mode", choices=["cheapest", "fastest"], default="fastest",
                   help="plan mode of every run (default fastest: the earliest full exit)")
    p.add_argument("--gap", type=float, default=None, metavar="G",
                   help=f"optimality gap of each run (default {HELP_GAP:g}: far below the "
                   "spread between runs, and much faster than the plan command's 1e-4)")
    p.add_argument("--time-limit", type=float, default=None, metavar="S",
                   help="stop each run's solver after S seconds (best plan so far)")
    p.add_argument("--workers", type=int, default=None, metavar="N",
                   help="parallel worker processes (default: one per core)")
    p.add_argument("--no-sensitivity", action="store_true",
                   help="skip the one-plan-per-vendor P90 slip sensitivity")
    p.add_argument("--json", type=Path, default=None, metavar="OUT",
                   help="write the settings, every run and the summary as JSON")
    report_option.add_arguments(p, "solved in --mode without slips, with the risk as its "
                                "Decision support section")
    p.add_argument("--quiet", action="store_true", help="no progress display")


def _spec(args: argparse.Namespace, vendors: list[str]) -> Any:
    """The RiskSpec from --spec and the flags; raises RiskError / OSError / ValueError."""
    from planner.insights.risk import DEFAULT_RUNS, RiskSpec, parse_slips

    base = None
    if args.spec is not None:
        data = json.loads(args.spec.read_text(encoding="utf-8"))
        base = RiskSpec.from_dict(data.get("spec", data) if isinstance(data, dict) else {})
    slips = dict(base.slips) if base else {}
    slips.update(parse_slips(args.slip, args.stretch, vendors))
    runs = args.runs if args.runs is not None else (base.runs if base else DEFAULT_RUNS)
    seed = args.seed if args.seed is not None else (base.seed if base else 1)
    return RiskSpec(slips, runs, seed)


def histogram_text(result: Any, width: int = 40) -> str:
    """Full-exit weeks as a text bar chart."""
    hist = result.week_histogram()
    if hist.empty:
        return ""
    top = int(hist["runs"].max())
    lines = ["Full-exit week   runs"]
    for row in hist.itertuples():
        label = (f"week {row.week:>3}" if row.week < result.horizon_weeks
                 else f"> {result.horizon_weeks - 1:>3} wk")
        bar = "#" * max(1, round(width * row.runs / top))
        lines.append(f"{label:<12} {row.runs:>6}  {bar}  {row.cumulative:.0%}")
    return "\n".join(lines)


def impacts_text(result: Any) -> str:
    from planner.insights.wording import signed

    frame = result.impacts
    if frame.empty:
        return ""
    lines = ["Vendor slips (P90 alone vs no slips; correlation over the runs):"]
    for r in frame.itertuples():
        at = (f"week {r.weeks_later:+.0f}, {signed(r.cost_increase, result.currency)}"
              if not math.isnan(r.weeks_later) else "not run")
        corr = (f"corr week {r.corr_week:.2f}, cost {r.corr_cost:.2f}"
                if not math.isnan(r.corr_cost) else "corr n/a")
        lines.append(f"  {r.vendor}: {r.slip}; at P90 {at}; {corr}")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from planner.cli_options import check_options
    from planner.insights.risk import RUN_GAP, RiskError, run_risk
    from planner.scenarios_command import load, runs_progress

    bad = check_options(args)
    if bad:
        print(f"error: {bad}", file=sys.stderr)
        return 2
    if not args.slip and not args.stretch and args.spec is None:
        print("error: give at least one --slip or --stretch (e.g. --slip '*:0,1,4'), or "
              "--spec JSON (see migration-planner risk --help)", file=sys.stderr)
        return 2
    dataset = load(args.file)
    if isinstance(dataset, str):
        print(dataset, file=sys.stderr)
        return 2
    try:
        spec = _spec(args, [v.vendor for v in dataset.vendors])
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        print(f"error: cannot read {args.spec}: {exc}", file=sys.stderr)
        return 2
    except RiskError as exc:
        where = f"{args.spec}: " if args.spec is not None and "settings" in str(exc) else ""
        print(f"error: {where}{exc}", file=sys.stderr)
        return 2
    try:
        result = run_risk(dataset, spec, mode=args.mode,
                          gap=RUN_GAP if args.gap is None else args.gap,
                          time_limit=args.time_limit, sensitivity=not args.no_sensitivity,
                          workers=args.workers, progress=runs_progress(args.quiet, "plans"))
    except RiskError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print("\n".join(result.summary()))
    for block in (histogram_text(result), impacts_text(result)):
        if block:
            print()
            print(block)
    if args.json is not None:
        try:
            args.json.write_text(json.dumps(result.to_dict(), indent=1), encoding="utf-8")
        except OSError as exc:
            print(f"error: cannot write {args.json}: {exc}", file=sys.stderr)
            return 1
        print(f"\nRisk result written to {args.json}")
    if args.report is not None:
        from planner.insights.bundle import InsightsBundle
        from planner.plan_command import _progress_printer
        from planner.solve import solve

        plan = solve(dataset, mode=args.mode, gap=args.gap, time_limit=args.time_limit,
                     progress=_progress_printer(args.quiet))
        return report_option.write(args, plan, dataset, InsightsBundle(risk=result))
    return 0
