"""``migration-planner plan``: optimise a workbook and summarise the plan."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from planner import report_option
from planner.cli_options import check_options


def add_arguments(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "plan",
        help="optimise a contracts workbook and summarise the plan",
        description="Import a contracts workbook, find the optimal week-by-week migration "
        "plan with HiGHS and print a summary. Optionally write the plan file (.xlsx), the "
        "allocation (.csv) and the PDF report.",
    )
    p.add_argument("file", type=Path, help="workbook (.xlsx/.xlsm/.ods) or folder of .csv")
    p.add_argument("--mode", choices=["cheapest", "fastest"], default=None,
                   help="cheapest plan, or the earliest full exit (default: the workbook's "
                   "Settings mode, else cheapest)")
    p.add_argument("--deadline", metavar="DATE", default=None,
                   help="exit deadline (YYYY-MM-DD), overrides the workbook's exit_deadline")
    p.add_argument("--out", type=Path, default=None, help="write the plan file (.xlsx or .csv)")
    report_option.add_arguments(p)
    p.add_argument("--time-limit", type=float, default=None, metavar="S",
                   help="stop the solver after S seconds and keep the best plan found")
    p.add_argument("--gap", type=float, default=None, metavar="G",
                   help="relative optimality gap to prove (default 1e-4)")
    p.add_argument("--quiet", action="store_true", help="no progress display")


def _money(value: float, currency: str) -> str:
    return f"{value:,.2f} {currency}"


def _progress_printer(quiet: bool) -> Any:
    import sys

    from planner.solve import SolveProgress

    tty = sys.stderr.isatty()

    def show(p: SolveProgress) -> None:
        if quiet:
            return
        pct = f"{p.fraction * 100:5.1f}% " if p.fraction is not None else ""
        if tty:
            sys.stderr.write(f"\r\033[K{pct}{p.message}")
            if p.fraction == 1.0:
                sys.stderr.write("\n")
        else:
            sys.stderr.write(f"{pct}{p.message}\n")
        sys.stderr.flush()

    return show


def summary_lines(plan: Any, baseline: Any | None) -> list[str]:
    """The readable summary printed by the CLI."""
    cur = plan.currency
    c = plan.costs
    lines = [
        f"Mode:            {plan.mode.value}",
        f"Solver:          {plan.status.value}, gap {plan.gap:.4%}, {plan.solve_seconds:.2f} s",
        f"Full exit:       week {plan.completion_week} ({plan.completion_date.isoformat()})",
        f"Total cost:      {_money(plan.total_cost, cur)}",
        f"  run cost             {_money(c.run, cur)}",
        f"  setup fees           {_money(c.setup_fees, cur)}",
        f"  termination fees     {_money(c.termination_fees, cur)}",
        f"  commitment shortfall {_money(c.commitment_shortfall, cur)}",
        f"  unserved penalty     {_money(c.unserved_penalty, cur)} "
        f"({c.unserved_tasks:,.0f} tasks)",
    ]
    if baseline is not None:
        saving = baseline.total_cost - plan.total_cost
        lines.append(f"Naive plan:      {_money(baseline.total_cost, cur)} (saving "
                     f"{_money(saving, cur)})")
    early = plan.contracts[plan.contracts["terminated_early"]]
    lines.append(f"Early exits:     {len(early)} of {len(plan.contracts)} contracts")
    if len(plan.actions):
        lines.append("Actions:")
        for a in plan.actions.itertuples():
            if a.kind == "onboarding start":  # one per vendor and skill: say which skill
                what = str(a.description).removeprefix("Start onboarding ")
            else:
                what = a.contract_id or a.vendor
            lines.append(f"  {a.date.isoformat()}  {a.kind:<19} {what}")
    if plan.fastest_feasible is False:
        lines.append("No full exit is possible within the horizon:")
        lines += [f"  - {s.message}" for s in plan.shortages]
    lines += plan.notes
    return lines


def run(args: argparse.Namespace) -> int:
    import sys
    from datetime import date

    from planner.problems import PlannerError, WorkbookErrors

    deadline = None
    if args.deadline:
        try:
            deadline = date.fromisoformat(args.deadline)
        except ValueError:
            print(f"error: --deadline {args.deadline!r} is not a date (expected YYYY-MM-DD)",
                  file=sys.stderr)
            return 2
    bad = check_options(args)
    if bad:
        print(f"error: {bad}", file=sys.stderr)
        return 2

    from planner.baseline import naive_plan
    from planner.export import write_plan
    from planner.importer import load_dataset
    from planner.solve import solve

    try:
        dataset = load_dataset(args.file)
    except WorkbookErrors as exc:
        print(exc.render(), file=sys.stderr)
        return 2
    except PlannerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    plan = solve(dataset, mode=args.mode, deadline=deadline, time_limit=args.time_limit,
                 gap=args.gap, progress=_progress_printer(args.quiet))
    baseline = naive_plan(dataset, deadline=deadline)
    print("\n".join(summary_lines(plan, baseline)))
    try:
        if args.out is not None:
            write_plan(args.out, plan)
            print(f"Plan written to {args.out}")
        if args.report is not None:
            from planner.report import write_report

            write_report(args.report, plan, dataset, baseline, page_size=args.page_size)
            print(f"Report written to {args.report}")
    except (OSError, PlannerError) as exc:
        print(f"error: cannot write output: {exc}", file=sys.stderr)
        return 1
    return 0
