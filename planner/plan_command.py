"""``migration-planner plan``: optimise a workbook and summarise the plan."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


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
    p.add_argument("--report", type=Path, default=None, help="write the PDF report")
    p.add_argument("--page-size", choices=["A4", "Letter"], default="A4",
                   help="page size of the PDF report (default A4)")
    p.add_argument("--time-limit", type=float, default=None, metavar="S",
                   help="stop the solver after S seconds and keep the best plan found")
    p.add_argument("--gap", type=float, default=None, metavar="G",
                   help="relative optimality gap to prove (default 1e-4)")
    p.add_argument("--quiet", action="store_true", help="no progress display")
