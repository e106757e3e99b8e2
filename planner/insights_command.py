"""``migration-planner insights``: the price of speed, the levers and the doctor, in words."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from planner import report_option
from planner.cli_options import check_options

WHAT = ("speed", "levers", "doctor")
TITLES = {"speed": "Price of speed", "levers": "Levers", "doctor": "Infeasibility doctor"}


def add_arguments(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "insights",
        help="price of speed, the levers that hold the exit back, the infeasibility doctor",
        description="Plan a contracts workbook, then explain it: what a full exit by each "
        "week costs (speed), which capacities, onboarding times, notice periods, share "
        "caps or cutover limits hold the exit back or cost the most (levers), and, when "
        "work cannot all be placed, why and the cheapest fixes (doctor). Every number "
        "comes from re-solving the optimiser; see docs/insights.md.",
    )
    p.add_argument("file", type=Path, help="workbook (.xlsx/.xlsm/.ods) or folder of .csv")
    p.add_argument("--mode", choices=["cheapest", "fastest"], default=None,
                   help="the plan to explain (default: the workbook's Settings mode); the "
                   "levers rank by money in cheapest mode, by weeks in fastest mode")
    p.add_argument("--deadline", metavar="DATE", default=None,
                   help="exit deadline (YYYY-MM-DD) for the plan, levers and doctor; the "
                   "price-of-speed curve sets its own deadlines")
    p.add_argument("--what", default=",".join(WHAT), metavar="LIST",
                   help="comma-separated insights to compute: speed, levers, doctor "
                   "(default: all three)")
    p.add_argument("--json", type=Path, default=None, metavar="OUT",
                   help="also write every result (sentences and tables) as JSON")
    report_option.add_arguments(p, "with these insights as its Decision support section")
    p.add_argument("--points", type=int, default=12, metavar="N",
                   help="optimiser runs for the price-of-speed curve (default 12)")
    p.add_argument("--top", type=int, default=6, metavar="N",
                   help="levers to measure by re-solving (default 6)")
    p.add_argument("--time-limit", type=float, default=None, metavar="S",
                   help="stop each optimiser run after S seconds, keeping its best plan")
    p.add_argument("--gap", type=float, default=None, metavar="G",
                   help="relative optimality gap each run proves (default 1e-4)")
    p.add_argument("--quiet", action="store_true", help="no progress display")


def _rejected(message: str) -> int:
    import sys

    print(f"error: {message}", file=sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    import json
    import sys
    from datetime import date

    from planner.problems import PlannerError, WorkbookErrors

    what = [w.strip().lower() for w in args.what.split(",") if w.strip()]
    unknown = sorted(set(what) - set(WHAT))
    if unknown or not what:
        return _rejected(f"--what {args.what!r}: expected a comma-separated list of "
                         f"{', '.join(WHAT)}")
    deadline = None
    if args.deadline:
        try:
            deadline = date.fromisoformat(args.deadline)
        except ValueError:
            return _rejected(f"--deadline {args.deadline!r} is not a date (expected "
                             "YYYY-MM-DD)")
    if args.points < 2:
        return _rejected("--points must be at least 2")
    if args.top < 1:
        return _rejected("--top must be at least 1")
    bad = check_options(args)
    if bad:
        return _rejected(bad)

    from planner.domain import Mode
    from planner.importer import load_dataset
    from planner.insights.common import stage
    from planner.insights.doctor import diagnose
    from planner.insights.levers import find_levers
    from planner.insights.speed import price_of_speed
    from planner.plan_command import _progress_printer
    from planner.solve import solve

    try:
        dataset = load_dataset(args.file)
    except WorkbookErrors as exc:
        print(exc.render(), file=sys.stderr)
        return 2
    except PlannerError as exc:
        return _rejected(str(exc))
    show = _progress_printer(args.quiet)
    options = {"time_limit": args.time_limit, "gap": args.gap}
    steps = len(what) + 1
    plan = solve(dataset, mode=args.mode, deadline=deadline,
                 progress=stage(show, 0.0, 1 / steps, "Plan: "), **options)
    unrestricted = deadline is None and dataset.settings.exit_deadline is None
    results: dict[str, Any] = {}
    for i, name in enumerate(w for w in WHAT if w in what):
        progress = stage(show, (i + 1) / steps, (i + 2) / steps)
        if name == "speed":
            results[name] = price_of_speed(
                dataset, chosen=plan, max_points=args.points, progress=progress,
                cheapest=plan if plan.mode is Mode.CHEAPEST and unrestricted else None,
                **options)
        elif name == "levers":
            results[name] = find_levers(
                dataset, deadline=deadline, mode=plan.mode, top=args.top, progress=progress,
                cheapest=plan if plan.mode is Mode.CHEAPEST else None, **options)
        else:
            results[name] = diagnose(dataset, deadline=deadline, plan=plan, progress=progress,
                                     **options)
    print(f"Plan ({plan.mode.value}): full exit by week {plan.completion_week}, total "
          f"{plan.total_cost:,.2f} {plan.currency} ({plan.status.value})")
    for name, result in results.items():
        print(f"\n{TITLES[name]}")
        print("\n".join(result.lines()))
    if args.json is not None:
        payload = {"plan": {"mode": plan.mode.value, "status": plan.status.value,
                            "completion_week": plan.completion_week,
                            "total_cost": plan.total_cost, "currency": plan.currency},
                   **{name: result.to_dict() for name, result in results.items()}}
        try:
            args.json.write_text(json.dumps(payload, indent=2, ensure_ascii=False),
                                 encoding="utf-8")
        except OSError as exc:
            print(f"error: cannot write {args.json}: {exc}", file=sys.stderr)
            return 1
        print(f"\nInsights written to {args.json}")
    if args.report is not None:
        from planner.insights.bundle import InsightsBundle

        return report_option.write(args, plan, dataset, InsightsBundle(**results),
                                   deadline=deadline)
    return 0
