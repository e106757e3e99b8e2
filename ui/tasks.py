"""The app's long work as plain, Qt-free functions ``fn(progress, cancel) -> value``.

:mod:`ui.workers` runs them off the GUI thread. Each returns a complete new state (or
raises a typed error), so the window swaps it in whole or not at all.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planner.domain import Dataset
from planner.results import PlanResult
from ui.project_file import SUFFIX, PlanOptions, Project, load_project

if TYPE_CHECKING:
    from planner.importer import ImportResult
    from planner.workbook import RawWorkbook

class CancelFlag:
    """Thread-safe cancel request; callbacks let a solver stop at once, not at next poll."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._callbacks: list[Callable[[], None]] = []

    def cancel(self) -> None:
        with self._lock:
            if self._event.is_set():
                return
            self._event.set()
            callbacks = list(self._callbacks)
        for callback in callbacks:
            callback()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def on_cancel(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` on cancel (at once if already cancelled)."""
        with self._lock:
            if not self._event.is_set():
                self._callbacks.append(callback)
                return
        callback()


class Cancelled(Exception):
    """Raised by a task that stopped on request and has no partial result."""


ProgressFn = Callable[[float | None, str], None]


Task = Callable[[ProgressFn, CancelFlag], Any]


@dataclass
class Loaded:
    """Everything the window needs to show a file, built before anything is swapped in."""

    raw: RawWorkbook
    result: ImportResult
    source_path: Path | None  # the workbook the data came from
    project: Project | None = None  # set when a project (or recovery file) was opened
    project_path: Path | None = None


def is_project(path: Path) -> bool:
    return path.suffix.lower() == SUFFIX


def load_file(path: Path, progress: ProgressFn, cancel: CancelFlag) -> Loaded:
    """Read a workbook or a project and validate it (raises PlannerError subclasses)."""
    from planner.importer import load_workbook, validate

    progress(None, f"Reading {path.name}")
    if is_project(path):
        project = load_project(path)
        progress(0.6, "Checking the data")
        result = validate(project.raw)
        source = Path(project.source_path) if project.source_path else None
        return Loaded(project.raw, result, source, project, path)
    result = load_workbook(path)
    return Loaded(result.raw, result, path)


@dataclass
class PlanOutcome:
    plan: PlanResult
    baseline: PlanResult | None
    dataset: Dataset  # the data the plan was made from (for the report)
    options: PlanOptions


def plan(dataset: Dataset, options: PlanOptions, progress: ProgressFn,
         cancel: CancelFlag) -> PlanOutcome:
    """The naive baseline (fast), then the optimiser; cancel stops HiGHS at once."""
    from planner.baseline import naive_plan
    from planner.solve import CancelToken, SolveProgress, solve

    token = CancelToken()
    cancel.on_cancel(token.cancel)
    progress(0.0, "Computing the naive baseline")
    baseline = naive_plan(dataset, options.deadline)

    def report(p: SolveProgress) -> None:
        progress(p.fraction, p.message)

    result = solve(dataset, mode=options.mode, deadline=options.deadline,
                   time_limit=options.time_limit, progress=report, cancel=token)
    return PlanOutcome(result, baseline, dataset, options)


def write_report(path: Path, plan_result: PlanResult, dataset: Dataset,
                 baseline: PlanResult | None, page_size: str, progress: ProgressFn,
                 cancel: CancelFlag) -> Path:
    from planner.report import write_report as write

    progress(None, f"Writing {path.name}")
    write(path, plan_result, dataset, baseline=baseline, page_size=page_size)
    return path


def export_plan(path: Path, plan_result: PlanResult, progress: ProgressFn,
                cancel: CancelFlag) -> Path:
    """``.csv`` writes the allocation; anything else the plan workbook."""
    from planner.export import write_allocation_csv, write_plan_xlsx

    progress(None, f"Writing {path.name}")
    if path.suffix.lower() == ".csv":
        write_allocation_csv(path, plan_result)
    else:
        write_plan_xlsx(path, plan_result)
    return path
