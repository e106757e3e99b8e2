"""The insights as work for the planner's child process (:func:`ui.tasks.run_in_process`).

Qt-free: the spawned child imports this module. Each ``*_work`` function adapts the
task's ``progress(fraction, message)`` and cancel flag to the insight API's progress
callback and :class:`~planner.solve.CancelToken`, and returns ``{"result": ...}`` with
only what pickles and what the window shows (no closures, no per-scenario plans: a big
plan unpickled in the window's process is a pause the window feels).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from planner.domain import Dataset, Mode
from planner.insights.doctor import Fix, diagnose
from planner.insights.levers import find_levers
from planner.insights.parallel import RunsProgress
from planner.insights.risk import RiskSpec, run_risk
from planner.insights.scenarios import Scenario, compare_scenarios
from planner.insights.speed import price_of_speed
from planner.results import PlanResult
from planner.solve import CancelToken, SolveProgress
from ui.tasks import CancelFlag, ChildWork, ProgressFn, run_in_process

# Each insight solves many plans; 1e-3 is far below the differences they report and
# several times faster than the plan's own gap.
INSIGHT_GAP = 1e-3


def _token(cancel: CancelFlag) -> CancelToken:
    token = CancelToken()
    cancel.on_cancel(token.cancel)
    return token


def _solve_progress(progress: ProgressFn) -> Callable[[SolveProgress], None]:
    return lambda p: progress(p.fraction, p.message)


def _runs_progress(progress: ProgressFn, what: str) -> RunsProgress:
    def report(done: int, total: int) -> None:
        progress(done / total if total else None, f"{what}: {done} of {total} plans done")

    return report


def speed_work(dataset: Dataset, plan: PlanResult, deadline: date | None, max_points: int,
               time_limit: float | None, progress: ProgressFn,
               cancel: CancelFlag) -> dict[str, Any]:
    """The price of speed around ``plan``; a cheapest plan without deadline is reused."""
    unrestricted = deadline is None and dataset.settings.exit_deadline is None
    cheapest = plan if plan.mode is Mode.CHEAPEST and unrestricted else None
    result = price_of_speed(dataset, chosen=plan, cheapest=cheapest, max_points=max_points,
                            time_limit=time_limit, gap=INSIGHT_GAP,
                            progress=_solve_progress(progress), cancel=_token(cancel))
    return {"result": result}


def levers_work(dataset: Dataset, plan: PlanResult, deadline: date | None, top: int,
                time_limit: float | None, progress: ProgressFn,
                cancel: CancelFlag) -> dict[str, Any]:
    result = find_levers(dataset, deadline=deadline, mode=plan.mode, top=top,
                         cheapest=plan if plan.mode is Mode.CHEAPEST else None,
                         time_limit=time_limit, gap=INSIGHT_GAP,
                         progress=_solve_progress(progress), cancel=_token(cancel))
    return {"result": result}


def _bare(fix: Fix) -> Fix:
    return replace(fix, apply=None)  # a closure over the dataset: it does not pickle


def doctor_work(dataset: Dataset, plan: PlanResult, deadline: date | None,
                time_limit: float | None, progress: ProgressFn,
                cancel: CancelFlag) -> dict[str, Any]:
    report = diagnose(dataset, deadline=deadline, plan=plan, time_limit=time_limit,
                      gap=INSIGHT_GAP, progress=_solve_progress(progress),
                      cancel=_token(cancel))
    report = replace(
        report,
        diagnoses=tuple(replace(d, fixes=tuple(_bare(f) for f in d.fixes))
                        for d in report.diagnoses),
        combined=_bare(report.combined) if report.combined is not None else None)
    return {"result": report}


def compare_work(dataset: Dataset, scenarios: Sequence[Scenario], mode: Mode,
                 time_limit: float | None, workers: int, progress: ProgressFn,
                 cancel: CancelFlag) -> dict[str, Any]:
    result = compare_scenarios(dataset, scenarios, mode=mode, time_limit=time_limit,
                               gap=INSIGHT_GAP, workers=workers,
                               progress=_runs_progress(progress, "Scenarios"),
                               cancel=_token(cancel))
    outcomes = tuple(replace(o, plan=None) for o in result.outcomes)
    return {"result": replace(result, outcomes=outcomes)}


def risk_work(dataset: Dataset, spec: RiskSpec, time_limit: float | None, workers: int,
              progress: ProgressFn, cancel: CancelFlag) -> dict[str, Any]:
    """Ramp risk on fastest plans (the question is when the exit completes)."""
    result = run_risk(dataset, spec, mode=Mode.FASTEST, time_limit=time_limit,
                      workers=workers, progress=_runs_progress(progress, "Ramp risk"),
                      cancel=_token(cancel))
    return {"result": result}


def run(work: ChildWork, args: tuple[Any, ...], progress: ProgressFn, cancel: CancelFlag,
        *, what: str, pool: bool = False) -> Any:
    """The insight ``work(*args)`` computes, in the planner's child process."""
    return run_in_process(work, args, progress, cancel, what=what, pool=pool)["result"]
