"""``migration-planner scenarios``: solve what-if scenarios and compare them with the base.

    migration-planner scenarios contracts.xlsx \\
        --scenario "Turing +500: capacity Turing coding +500 from 4" \\
        --scenario "Fast: mode fastest" --json comparison.json

The scenario syntax is in docs/scenarios-and-risk.md (and ``--help``).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from planner import report_option
from planner.cli_options import check_options

SYNTAX = """\
scenario syntax:  "NAME: CHANGE; CHANGE; ..."   (without "NAME:" the text is the name)
  capacity VENDOR [SKILL] +500 | -200 | x1.5 | =800   weekly capacity (follows the ramp)
  capacity VENDOR SKILL +500 from WEEK [at PRICE]     extra tasks/week from a week on
  onboarding VENDOR [SKILL] 6 | +2     ramp VENDOR [SKILL] 4 | x2
  price VENDOR [SKILL] 38 | -10%       setup VENDOR 0     share VENDOR 60%
  remove VENDOR                        clearance VENDOR restricted
  notice CONTRACT 14     fee CONTRACT 250k     commitment CONTRACT 0 | x0.5
  end CONTRACT 2026-09-30              auto-renew CONTRACT no
  volume STREAM +10% | 1200            exit-by STREAM 2026-06-30 | none
  cutover STREAM 2                     stream-price STREAM 9.5
  mode fastest     deadline 2026-09-30 | none     horizon 52     penalty 500
VENDOR, CONTRACT and STREAM may be * (all); names match ignoring case, and vendor names
and skills may contain spaces:  capacity In-house data team expert STEM +100 from 6
"""


def add_arguments(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "scenarios",
        help="compare what-if scenarios with the base plan",
        description="Solve the workbook and each scenario (the workbook plus a few "
        "changes) and print them side by side: full-exit week and date, cost by "
        "component, contract exit weeks, and what changed and why in plain words.",
        epilog=SYNTAX,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("file", type=Path, help="workbook (.xlsx/.xlsm/.ods) or folder of .csv")
    p.add_argument("--scenario", "-s", action="append", default=[], metavar="SPEC",
                   help="a scenario in the syntax below (repeat for more)")
    p.add_argument("--scenarios-file", type=Path, default=None, metavar="JSON",
                   help="scenarios saved as JSON (the --json output of this command, or a "
                   "list of scenarios)")
    p.add_argument("--mode", choices=["cheapest", "fastest"], default=None,
                   help="plan mode for all (default: the workbook's); a scenario's own "
                   "'mode' change wins")
    p.add_argument("--time-limit", type=float, default=None, metavar="S",
                   help="stop each plan's solver after S seconds (best plan so far)")
    p.add_argument("--gap", type=float, default=None, metavar="G",
                   help="relative optimality gap of each plan (default 1e-4)")
    p.add_argument("--workers", type=int, default=None, metavar="N",
                   help="parallel worker processes (default: one per core)")
    p.add_argument("--json", type=Path, default=None, metavar="OUT",
                   help="write the comparison (scenarios, results, summary) as JSON")
    report_option.add_arguments(p, "the base plan, with the comparison as its Decision "
                                "support section")
    p.add_argument("--quiet", action="store_true", help="no progress display")


def runs_progress(quiet: bool, what: str) -> Any:
    """A ``progress(done, total)`` that writes ``what 3/10`` to stderr."""
    tty = sys.stderr.isatty()

    def show(done: int, total: int) -> None:
        if quiet:
            return
        if tty:
            sys.stderr.write(f"\r\033[K{what} {done}/{total}" + ("\n" if done == total else ""))
        else:
            sys.stderr.write(f"{what} {done}/{total}\n")
        sys.stderr.flush()

    return show


def load(path: Path) -> Any:
    """The Dataset of a workbook, or an error message (str) to print."""
    from planner.importer import load_dataset
    from planner.problems import PlannerError, WorkbookErrors

    try:
        return load_dataset(path)
    except WorkbookErrors as exc:
        return exc.render()
    except PlannerError as exc:
        return f"error: {exc}"


def side_by_side(comparison: Any) -> str:
    """Metrics as rows, scenarios as columns."""
    import pandas as pd

    from planner.insights.common import money
    from planner.insights.wording import signed

    table = comparison.table()
    cur = comparison.currency

    def cash(v: float) -> str:
        return money(v, cur)

    rows = {
        "Mode": table["mode"],
        "Full exit week": [str(w) if ok else f"{w} (not within horizon)" for w, ok in
                           zip(table["completion_week"], table["full_exit"], strict=True)],
        "Full exit date": [d.isoformat() for d in table["completion_date"]],
        "Total cost": table["total_cost"].map(cash),
        "  run cost": table["run_cost"].map(cash),
        "  setup fees": table["setup_fees"].map(cash),
        "  termination fees": table["termination_fees"].map(cash),
        "  commitment shortfall": table["commitment_shortfall"].map(cash),
        "  unserved penalty": table["unserved_penalty"].map(cash),
        "Unserved tasks": table["unserved_tasks"].map(lambda v: f"{v:,.0f}"),
        "Weeks vs base": table["weeks_vs_base"].map(lambda v: f"{v:+d}" if pd.notna(v) else ""),
        "Cost vs base": table["cost_vs_base"].map(
            lambda v: signed(v, cur) if pd.notna(v) else ""),
        "Solver": [f"{s}, gap {g:.3%}" for s, g in zip(table["status"], table["gap"],
                                                         strict=True)],
    }
    frame = pd.DataFrame({k: list(v) for k, v in rows.items()}, index=table["scenario"]).T
    return str(frame.to_string())


def exits_text(comparison: Any, limit: int = 30) -> str:
    """Contract exit weeks where any scenario differs from the base."""
    table = comparison.exit_table()
    names = [o.name for o in comparison.outcomes]
    if len(names) < 2:
        return ""
    differ = table[names].nunique(axis=1, dropna=False) > 1
    moved = table[differ]
    if moved.empty:
        return "Contract exit weeks: the same in every scenario."
    text = "Contract exit weeks that differ:\n" + str(moved.head(limit).to_string(index=False))
    if len(moved) > limit:
        text += f"\n... and {len(moved) - limit} more (see --json)"
    return text


def run(args: argparse.Namespace) -> int:
    from planner.insights.scenarios import (
        ScenarioError,
        compare_scenarios,
        parse_scenario,
        scenarios_from_dict,
    )

    bad = check_options(args)
    if bad:
        print(f"error: {bad}", file=sys.stderr)
        return 2
    if not args.scenario and args.scenarios_file is None:
        print("error: give at least one --scenario SPEC or --scenarios-file JSON "
              "(see migration-planner scenarios --help)", file=sys.stderr)
        return 2
    dataset = load(args.file)
    if isinstance(dataset, str):
        print(dataset, file=sys.stderr)
        return 2
    problems: list[str] = []
    scenarios = []
    if args.scenarios_file is not None:
        try:
            data = json.loads(args.scenarios_file.read_text(encoding="utf-8"))
            scenarios += scenarios_from_dict(data)
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            problems.append(f"{args.scenarios_file}: cannot read scenarios ({exc})")
        except ScenarioError as exc:
            problems += [f"{args.scenarios_file}: {p}" for p in exc.problems]
    for spec in args.scenario:
        try:
            scenarios.append(parse_scenario(spec, dataset))
        except ScenarioError as exc:
            problems += [f"{exc.scenario or spec}: {p}" for p in exc.problems]
    if problems:
        print("error: the scenarios cannot be used:", file=sys.stderr)
        print("\n".join(f"  - {p}" for p in problems), file=sys.stderr)
        return 2
    try:
        comparison = compare_scenarios(
            dataset, scenarios, mode=args.mode, time_limit=args.time_limit, gap=args.gap,
            workers=args.workers, progress=runs_progress(args.quiet, "plans"))
    except ScenarioError as exc:
        print("error: " + exc.render(), file=sys.stderr)
        return 2
    print(side_by_side(comparison))
    print()
    exits = exits_text(comparison)
    if exits:
        print(exits)
        print()
    print("\n".join(comparison.summary()))
    if args.json is not None:
        try:
            args.json.write_text(json.dumps(comparison.to_dict(), indent=1), encoding="utf-8")
        except OSError as exc:
            print(f"error: cannot write {args.json}: {exc}", file=sys.stderr)
            return 1
        print(f"Comparison written to {args.json}")
    if args.report is not None:
        from planner.insights.bundle import InsightsBundle

        base = comparison.base
        if base is None or base.plan is None:
            print("error: the base plan was not solved, so there is no report to write",
                  file=sys.stderr)
            return 1
        return report_option.write(args, base.plan, dataset, InsightsBundle(
            scenarios=comparison))
    return 0
