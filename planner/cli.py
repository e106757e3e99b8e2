"""The ``migration-planner`` command.

- no arguments / ``gui [FILE]``: the desktop app (bundled sample when no file is given);
- ``validate FILE``: import and list every problem, exit 0 if it can be planned, 2 if not;
- ``insights FILE``: price of speed, levers and the infeasibility doctor;
- ``plan FILE``: optimise and summarise, optionally writing the plan file and PDF report;
- ``scenarios FILE --scenario SPEC``: compare what-if scenarios with the base plan;
- ``risk FILE --slip VENDOR:DIST``: Monte Carlo risk of vendor onboarding and ramp slips.

The core stays Qt-free: the app is imported only when the ``gui`` command runs.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from planner import __version__

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_REJECTED = 2

SAMPLE_DIR = Path(__file__).resolve().parent.parent / "sample_contracts"


def sample_workbook() -> Path:
    return SAMPLE_DIR / "frontier_lab.xlsx"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="migration-planner",
        description="Plan, week by week, how to move labeling work off an exited vendor.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    gui = sub.add_parser("gui", help="open the desktop app (default command)",
                         description="Open the desktop app on FILE (a workbook or a "
                         "project), else the last project, else the bundled sample.")
    gui.add_argument("file", nargs="?", type=Path, help="workbook (.xlsx/.ods/csv folder) or "
                     "project (.mplan)")

    val = sub.add_parser("validate", help="check a contracts workbook and list every problem",
                         description="Import a contracts workbook, print every problem "
                         "(sheet, row, column, found, expected) and a summary. Exit 0 if it "
                         "can be planned, 2 if it is rejected.")
    val.add_argument("file", type=Path, help="workbook (.xlsx/.xlsm/.ods) or folder of .csv")
    val.add_argument("--quiet", action="store_true", help="print errors only")

    from planner import insights_command, plan_command, risk_command, scenarios_command

    plan_command.add_arguments(sub)
    insights_command.add_arguments(sub)
    scenarios_command.add_arguments(sub)
    risk_command.add_arguments(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command in (None, "gui"):
        return run_gui(getattr(args, "file", None))
    if args.command == "validate":
        from planner import validate_command

        return validate_command.run(args.file, quiet=args.quiet)
    if args.command == "plan":
        from planner import plan_command

        return plan_command.run(args)
    if args.command == "insights":
        from planner import insights_command

        return insights_command.run(args)
    if args.command == "scenarios":
        from planner import scenarios_command

        return scenarios_command.run(args)
    if args.command == "risk":
        from planner import risk_command

        return risk_command.run(args)
    raise AssertionError(args.command)


def run_gui(file: Path | None) -> int:
    try:
        from ui.app import run
    except ImportError as exc:  # the app is optional for the core
        print(f"The desktop app is not available: {exc}", file=sys.stderr)
        return EXIT_FAILED
    return run(file)


if __name__ == "__main__":
    sys.exit(main())
