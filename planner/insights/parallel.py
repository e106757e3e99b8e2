"""Run many independent re-plans across cores, with progress and a real cancel.

Scenario comparisons and Monte Carlo risk both solve the same model many times with
different data. ``run_jobs`` runs a *task* (a top-level function, so it pickles under the
``spawn`` start method that a Qt app needs) over a list of payloads:

- ``workers == 1`` runs in this process (tests, small jobs, no start-up cost);
- otherwise a ``ProcessPoolExecutor`` (spawn) keeps at most two jobs per worker in
  flight, so a cancel stops submitting at once. A cancel also reaches the solves already
  running in the workers: a shared event wakes a thread in each worker that stops its
  HiGHS run through a :class:`~planner.solve.CancelToken`.

Results are keyed by payload index, so they do not depend on the number of workers or
the order in which jobs finish. A task returns ``None`` when it was stopped by the
cancel; such jobs count as not run.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from planner.problems import PlannerError
from planner.solve import CancelToken

R = TypeVar("R")
Task = Callable[[Any, Any, CancelToken], "R | None"]  # (shared, payload, cancel) -> result
RunsProgress = Callable[[int, int], None]  # (jobs done, jobs in total)

_POLL_SECONDS = 0.1


def default_workers() -> int:
    """One worker process per core."""
    return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class JobsOutcome(Generic[R]):
    results: dict[int, R]  # payload index -> result, for the jobs that ran to the end
    cancelled: bool


def run_jobs(task: Callable[[Any, Any, CancelToken], R | None], shared: Any,
             payloads: Sequence[Any], *, workers: int | None = None,
             progress: RunsProgress | None = None,
             cancel: CancelToken | None = None) -> JobsOutcome[R]:
    """``task(shared, payload, cancel)`` for every payload; ``shared`` is sent once per
    worker. Stops early, keeping what finished, when ``cancel`` is set."""
    cancel = cancel or CancelToken()
    report = progress or (lambda _done, _total: None)
    workers = default_workers() if workers is None else workers
    if workers < 1:
        raise PlannerError("workers must be at least 1")
    report(0, len(payloads))
    if workers == 1 or len(payloads) <= 1:
        return _run_here(task, shared, payloads, report, cancel)
    return _run_pool(task, shared, payloads, min(workers, len(payloads)), report, cancel)


def _run_here(task: Callable[[Any, Any, CancelToken], R | None], shared: Any,
              payloads: Sequence[Any], report: RunsProgress,
              cancel: CancelToken) -> JobsOutcome[R]:
    results: dict[int, R] = {}
    for i, payload in enumerate(payloads):
        if cancel.cancelled:
            break
        result = task(shared, payload, cancel)
        if result is None:
            break
        results[i] = result
        report(len(results), len(payloads))
    return JobsOutcome(results, cancel.cancelled)


def _run_pool(task: Callable[[Any, Any, CancelToken], R | None], shared: Any,
              payloads: Sequence[Any], workers: int, report: RunsProgress,
              cancel: CancelToken) -> JobsOutcome[R]:
    ctx = multiprocessing.get_context("spawn")
    stop = ctx.Event()
    results: dict[int, R] = {}
    pending: dict[Future[R | None], int] = {}
    next_job = 0
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_init_worker,
                             initargs=(stop, shared)) as pool:
        try:
            while next_job < len(payloads) or pending:
                if cancel.cancelled:
                    stop.set()
                    for future in pending:
                        future.cancel()
                    break
                while next_job < len(payloads) and len(pending) < 2 * workers:
                    pending[pool.submit(_call, task, payloads[next_job])] = next_job
                    next_job += 1
                done, _ = wait(pending, timeout=_POLL_SECONDS, return_when=FIRST_COMPLETED)
                for future in done:
                    index = pending.pop(future)
                    result = future.result()
                    if result is not None:
                        results[index] = result
                        report(len(results), len(payloads))
            # after a cancel: keep whatever finished before the workers saw it
            for future, index in pending.items():
                if not future.cancelled():
                    result = future.result()
                    if result is not None:
                        results[index] = result
        except BrokenProcessPool as exc:
            raise PlannerError("a worker process stopped unexpectedly (out of memory?); "
                               "try fewer workers") from exc
        except BaseException:
            stop.set()
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    return JobsOutcome(results, cancel.cancelled)


# --- in the worker processes ---------------------------------------------------------
_shared: Any = None
_token: CancelToken | None = None


def _init_worker(stop: Any, shared: Any) -> None:
    global _shared, _token
    import planner.solve

    # one worker per core already: a search here must not take a second core
    planner.solve._PARALLEL_SEARCH = False
    _shared = shared
    token = CancelToken()
    _token = token

    def watch() -> None:
        stop.wait()
        token.cancel()

    threading.Thread(target=watch, name="cancel-watch", daemon=True).start()


def _call(task: Callable[[Any, Any, CancelToken], R | None], payload: Any) -> R | None:
    assert _token is not None, "worker not initialised"
    if _token.cancelled:
        return None
    return task(_shared, payload, _token)
