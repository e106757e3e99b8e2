"""The app's long work as plain, Qt-free functions ``fn(progress, cancel) -> value``.

:mod:`ui.workers` runs them off the GUI thread. Each returns a complete new state (or
raises a typed error), so the window swaps it in whole or not at all.
"""

from __future__ import annotations

import contextlib
import dataclasses
import multiprocessing
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from planner.domain import Dataset
from planner.problems import PlannerError
from planner.results import PlanResult
from ui.project_file import SUFFIX, PlanOptions, Project, load_project

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

    from planner.importer import ImportResult
    from planner.insights.bundle import InsightsBundle
    from planner.workbook import RawWorkbook
    from ui.views.digest import PlanDigest

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


class Cancelled(PlannerError):
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
    digest: PlanDigest | None = None  # the views' data of the project's plan


def prepare_views(plan_result: PlanResult | None) -> PlanDigest | None:
    """The results views' data for a plan, computed here, off the GUI thread.

    None when there is no plan, or when preparing failed: the views then compute their
    data themselves (and any error shows there, not as a failed plan).
    """
    if plan_result is None:
        return None
    from ui.views.digest import prepare

    try:
        return prepare(plan_result)
    except Exception:
        traceback.print_exc()
        return None


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
        if project.plan is not None:
            progress(0.8, "Preparing the results views")
        return Loaded(project.raw, result, source, project, path, prepare_views(project.plan))
    result = load_workbook(path)
    return Loaded(result.raw, result, path)


@dataclass
class PlanOutcome:
    plan: PlanResult
    baseline: PlanResult | None
    dataset: Dataset  # the data the plan was made from (for the report)
    options: PlanOptions
    digest: PlanDigest | None = None  # the results views' data of ``plan``


def plan(dataset: Dataset, options: PlanOptions, progress: ProgressFn,
         cancel: CancelFlag, *, isolate: bool = True) -> PlanOutcome:
    """Plan ``dataset``; ``isolate`` runs it in a child process (see :func:`plan_in_process`)."""
    if isolate:
        return plan_in_process(dataset, options, progress, cancel)
    return plan_here(dataset, options, progress, cancel)


def plan_here(dataset: Dataset, options: PlanOptions, progress: ProgressFn,
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
    progress(None, "Preparing the results views")
    return PlanOutcome(result, baseline, dataset, options, prepare_views(result))


KILL_AFTER_CANCEL = 15.0  # seconds a cancelled child gets to return its best plan


class PlanFailed(PlannerError):
    """The optimiser failed in its process; ``details`` has the child's traceback."""

    def __init__(self, message: str, details: str = "") -> None:
        super().__init__(message)
        self.details = details


def _bulky(value: object) -> bool:
    return isinstance(value, pd.DataFrame | list | dict) or (
        dataclasses.is_dataclass(value) and not isinstance(value, type))


def _send_in_parts(conn: Connection, key: str, value: object) -> None:
    """Send a dataclass (a plan, the views' data) one bulky field per message, then the
    rest. The parent's worker thread unpickles each message in one call that holds the
    GIL, so the GUI thread waits for it: a 2 MB plan in one message is one long wait
    (~10 ms unloaded, 70 ms on a busy machine), its tables one by one are short ones."""
    if value is None or not dataclasses.is_dataclass(value) or isinstance(value, type):
        conn.send(("whole", key, value))
        return
    bulky = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)
             if f.init and _bulky(getattr(value, f.name))}
    for name, part in bulky.items():
        conn.send(("part", key, name, part))
    conn.send(("whole", key, dataclasses.replace(value, **dict.fromkeys(bulky))))


class _Parts:
    """Puts back together what :func:`_send_in_parts` sent."""

    def __init__(self) -> None:
        self._fields: dict[str, dict[str, Any]] = {}
        self.whole: dict[str, Any] = {}

    def add(self, message: tuple[Any, ...]) -> None:
        if message[0] == "part":
            _, key, name, value = message
            self._fields.setdefault(key, {})[name] = value
        else:
            _, key, value = message
            fields = self._fields.pop(key, {})
            self.whole[key] = dataclasses.replace(value, **fields) if fields else value


# The child's work: a top-level function ``work(*args, progress, cancel) -> pieces``; each
# piece (a plan, the views' data, an insight) travels in parts, see _send_in_parts.
ChildWork = Callable[..., dict[str, Any]]


def _child_main(work: ChildWork, args: tuple[Any, ...], conn: Connection,
                stop: Connection) -> None:
    """Child-process side: run ``work``, sending progress and then its pieces (or the
    error). Anything (or end of file) on ``stop`` cancels."""
    flag = CancelFlag()

    def watch() -> None:
        with contextlib.suppress(EOFError, OSError):
            stop.recv()
        flag.cancel()

    threading.Thread(target=watch, daemon=True).start()

    def send_progress(fraction: float | None, message: str) -> None:
        conn.send(("progress", fraction, message))

    try:
        for key, value in work(*args, send_progress, flag).items():
            _send_in_parts(conn, key, value)
        conn.send(("result",))
    except Exception as exc:  # reported to the parent, never lost
        conn.send(("error", isinstance(exc, PlannerError), f"{type(exc).__name__}: {exc}"
                   if not isinstance(exc, PlannerError) else str(exc),
                   traceback.format_exc()))
    finally:
        conn.close()


def run_in_process(work: ChildWork, args: tuple[Any, ...], progress: ProgressFn,
                   cancel: CancelFlag, *, what: str = "the optimiser",
                   pool: bool = False) -> dict[str, Any]:
    """Run ``work`` in a spawned child process; returns its pieces.

    The solver's C calls (model hand-over to HiGHS, array building) hold the GIL for
    up to a few hundred milliseconds on big workbooks; in a thread that freezes the
    window. In a child process the GUI keeps the GIL to itself. Cancel sets an event
    the child turns into ``CancelToken.cancel()``; a child that does not answer in
    time is killed. ``pool``: the work starts worker processes of its own (a daemon
    child may not).
    """
    ctx = multiprocessing.get_context("spawn")
    receiver, sender = ctx.Pipe(duplex=False)
    stop_receiver, stop_sender = ctx.Pipe(duplex=False)  # a pipe, not an Event: an Event
    # whose waiter process has exited can block set() for ever
    child = ctx.Process(target=_child_main, args=(work, args, sender, stop_receiver),
                        name="planner-solve", daemon=not pool)
    progress(None, f"Starting {what}")
    child.start()
    sender.close()
    stop_receiver.close()
    cancelled_at: list[float] = []

    def request_stop() -> None:
        cancelled_at.append(time.monotonic())
        with contextlib.suppress(OSError):  # the child may be gone already
            stop_sender.send("stop")

    cancel.on_cancel(request_stop)
    received = _Parts()
    try:
        while True:
            if receiver.poll(0.1):
                try:
                    message = receiver.recv()
                except EOFError:
                    break
                if message[0] == "progress":
                    progress(message[1], message[2])
                elif message[0] in ("part", "whole"):
                    received.add(message)
                elif message[0] == "result":
                    return received.whole
                else:
                    _, expected, text, details = message
                    raise PlanFailed(text if expected else f"{what.capitalize()} failed: "
                                     f"{text}", details)
            elif not child.is_alive():
                if receiver.poll():
                    continue
                break
            elif cancelled_at and time.monotonic() - cancelled_at[0] > KILL_AFTER_CANCEL:
                child.kill()
                raise Cancelled(f"{what} did not stop in time and was ended")
        raise PlanFailed(f"{what.capitalize()} stopped unexpectedly (exit code "
                         f"{child.exitcode}).")
    finally:
        child.join(timeout=5)
        if child.is_alive():
            child.kill()
            child.join()
        receiver.close()
        stop_sender.close()


def _plan_pieces(dataset: Dataset, options: PlanOptions, progress: ProgressFn,
                 cancel: CancelFlag) -> dict[str, Any]:
    outcome = plan_here(dataset, options, progress, cancel)
    # Not the dataset: the parent has it already.
    return {"baseline": outcome.baseline, "digest": outcome.digest, "plan": outcome.plan}


def plan_in_process(dataset: Dataset, options: PlanOptions, progress: ProgressFn,
                    cancel: CancelFlag) -> PlanOutcome:
    """Plan in a spawned child process (see :func:`run_in_process`)."""
    whole = run_in_process(_plan_pieces, (dataset, options), progress, cancel)
    return PlanOutcome(whole["plan"], whole.get("baseline"), dataset, options,
                       whole.get("digest"))


def write_report(path: Path, plan_result: PlanResult, dataset: Dataset,
                 baseline: PlanResult | None, page_size: str, progress: ProgressFn,
                 cancel: CancelFlag, insights: InsightsBundle | None = None) -> Path:
    """The PDF report; with ``insights`` (those up to date with the plan) it has them too."""
    from planner.report import write_report as write

    progress(None, f"Writing {path.name}")
    write(path, plan_result, dataset, baseline=baseline, page_size=page_size,
          insights=insights)
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
