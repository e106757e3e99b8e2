"""``migration-planner validate FILE``: list every problem and summarise what was read."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from planner.domain import Dataset
from planner.importer import ImportResult, load_workbook
from planner.problems import WorkbookUnreadable

EXIT_OK = 0
EXIT_REJECTED = 2


def summary(dataset: Dataset) -> str:
    s = dataset.settings
    return (
        f"{len(dataset.contracts)} contracts, {len(dataset.streams)} streams, "
        f"{len(dataset.vendors)} vendors, {len(dataset.capacity)} capacity rows; "
        f"weekly volume {dataset.total_weekly_volume():,.0f} tasks, weekly spend "
        f"{dataset.weekly_spend():,.2f} {s.currency}; plan from {s.plan_start.isoformat()} "
        f"for {s.horizon_weeks} weeks ({s.mode.value})"
    )


def report(path: Path, result: ImportResult, quiet: bool, out: TextIO) -> None:
    shown = result.errors if quiet else result.problems
    for problem in shown:
        print(problem.render(), file=out)
    if result.dataset is not None:
        if not quiet:
            print(f"OK: {path} can be planned with {len(result.warnings)} warning(s).", file=out)
            print(summary(result.dataset), file=out)
    else:
        print(f"REJECTED: {path}: {len(result.errors)} error(s), {len(result.warnings)} "
              "warning(s).", file=out)


def run(path: Path, quiet: bool = False) -> int:
    """Exit 0 if the workbook can be planned, 2 if it is rejected or unreadable."""
    try:
        result = load_workbook(path)
    except WorkbookUnreadable as exc:
        print(f"error: cannot read {exc}", file=sys.stderr)
        return EXIT_REJECTED
    report(path, result, quiet, sys.stdout)
    return EXIT_OK if result.ok else EXIT_REJECTED
