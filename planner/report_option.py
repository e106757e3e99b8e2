"""``--report OUT.pdf``: the PDF report option of the plan, insights, scenarios and risk
commands. Each writes the same leadership report of its plan; the insights, scenarios and
risk commands add what they computed as its Decision support section.

The output folder is checked before any solving, so a typo costs no optimiser time.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

PAGE_SIZES = ("A4", "Letter")


def add_arguments(p: argparse.ArgumentParser, what: str = "") -> None:
    p.add_argument("--report", type=Path, default=None, metavar="OUT.pdf",
                   help="write the PDF report of the plan" + (f", {what}" if what else ""))
    p.add_argument("--page-size", choices=PAGE_SIZES, default="A4",
                   help="page size of the PDF report (default A4)")


def check(args: argparse.Namespace) -> str | None:
    """What is wrong with ``--report`` (checked before solving), in words; None if fine."""
    path: Path | None = getattr(args, "report", None)
    if path is None:
        return None
    target = path.expanduser()
    if target.is_dir():
        return f"--report {path} is a folder; give a file name, e.g. {target / 'report.pdf'}"
    folder = target.resolve().parent
    if not folder.is_dir():
        return f"--report {path}: the folder {folder} does not exist"
    if not os.access(folder, os.W_OK):
        return f"--report {path}: the folder {folder} is not writable"
    return None


def write(args: argparse.Namespace, plan: Any, dataset: Any, insights: Any = None,
          *, deadline: Any = None) -> int:
    """Write the report of ``plan`` (with the naive baseline and ``insights``) to
    ``args.report``; 0 when written, 1 (with a message) when it cannot be."""
    from planner.baseline import naive_plan
    from planner.problems import PlannerError
    from planner.report import write_report

    try:
        baseline = naive_plan(dataset, deadline=deadline)
        write_report(args.report, plan, dataset, baseline, page_size=args.page_size,
                     insights=insights)
    except (OSError, PlannerError) as exc:
        print(f"error: cannot write the report: {exc}", file=sys.stderr)
        return 1
    print(f"Report written to {args.report}")
    return 0
