"""The Insights tab and what drives it.

:class:`InsightsArea` holds one page per insight. :class:`InsightsController` starts
their work through the window's task runner (one task at a time, in the planner's child
process, with progress and Cancel), keeps each result with the data state and plan it
was computed for (so it is marked out of date, like a plan, when either changes), holds
the scenarios and risk settings the project saves, and hands the up-to-date results to
the PDF report as an :class:`~planner.insights.bundle.InsightsBundle`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from planner.domain import Dataset
from planner.insights.bundle import InsightsBundle
from planner.insights.parallel import default_workers
from planner.insights.risk import RiskError, RiskSpec
from planner.insights.scenarios import ScenarioError
from planner.results import PlanResult
from ui import dialogs, tasks
from ui.insights import tasks as work
from ui.insights.panels import DoctorPanel, InsightPanel, LeversPanel, SpeedPanel
from ui.insights.risk import RiskPanel, default_spec, usable_vendors
from ui.insights.scenarios import ScenariosPanel
from ui.project_file import PlanOptions, Project, ScenarioEntry
from ui.workers import Progress, TaskRunner

TASK_EPS = 1e-6
KINDS = ("speed", "levers", "doctor", "scenarios", "risk")
TITLES = {"speed": "Price of speed", "levers": "Levers", "doctor": "Doctor",
          "scenarios": "Scenarios", "risk": "Ramp risk"}
TASK_NAMES = {"speed": "price of speed", "levers": "levers", "doctor": "doctor",
              "scenarios": "compare scenarios", "risk": "ramp risk"}

RunTask = Callable[[tasks.Task, str, Callable[[Any], None]], bool]


class Host(Protocol):
    """What the controller needs of the main window."""

    dataset: Dataset | None
    plan: PlanResult | None
    plan_dataset: Dataset | None
    options: PlanOptions
    runner: TaskRunner

    def data_token(self) -> int: ...

    def is_stale(self) -> bool: ...

    def cancel_task(self) -> None: ...


def needs_doctor(plan: PlanResult | None) -> bool:
    """The plan leaves work unserved or has no full exit within the horizon."""
    return plan is not None and plan.status.has_plan and (
        plan.costs.unserved_tasks > TASK_EPS or plan.completion_week >= plan.horizon_weeks
        or plan.fastest_feasible is False)


class InsightsArea(QWidget):
    """One tab per insight; the Doctor's only while the plan needs it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.speed = SpeedPanel()
        self.levers = LeversPanel()
        self.doctor = DoctorPanel()
        self.scenarios = ScenariosPanel()
        self.risk = RiskPanel()
        self.panels: dict[str, InsightPanel] = {
            "speed": self.speed, "levers": self.levers, "doctor": self.doctor,
            "scenarios": self.scenarios, "risk": self.risk}
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        for kind, panel in self.panels.items():
            panel.setObjectName(f"insights-{kind}")
            self.tabs.addTab(panel, TITLES[kind])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

    def show_page(self, kind: str) -> None:
        self.tabs.setCurrentWidget(self.panels[kind])

    def set_doctor_visible(self, visible: bool) -> None:
        self.tabs.setTabVisible(self.tabs.indexOf(self.doctor), visible)

    def doctor_visible(self) -> bool:
        return self.tabs.isTabVisible(self.tabs.indexOf(self.doctor))


@dataclass(frozen=True)
class Computed:
    """An insight's result and what it was computed from."""

    result: Any
    data_token: int
    plan: PlanResult | None


class InsightsController(QObject):
    edited = Signal()  # scenarios or risk settings changed: the project has unsaved changes

    def __init__(self, host: Host, area: InsightsArea, run: RunTask,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.host = host
        self.area = area
        self.run = run
        self.computed: dict[str, Computed] = {}
        self.modified = False  # scenarios or risk settings changed since the last save
        self.revision = 0  # counts those changes (autosave)
        self._running: str | None = None
        self._risk_spec = default_spec()  # the form's last valid settings
        for kind, panel in area.panels.items():
            panel.compute_requested.connect(lambda kind=kind: self.compute(kind))
            panel.cancel_requested.connect(host.cancel_task)
        area.scenarios.edited.connect(self._on_edited)
        area.risk.edited.connect(self._on_edited)
        host.runner.busy_changed.connect(self._on_busy)
        host.runner.progress.connect(self._on_progress)

    # -- project state ------------------------------------------------------------------------
    def reset(self, project: Project | None) -> None:
        """A new file is open: no results; its scenarios and risk settings (or none)."""
        self.computed.clear()
        for panel in self.area.panels.values():
            panel.show_result(None)
        self.area.scenarios.dataset = self.host.dataset
        self.area.scenarios.set_entries(project.scenarios if project else [])
        self.area.risk.set_vendors(usable_vendors(self.host.dataset))
        spec = project.risk if project is not None and project.risk is not None else None
        self._risk_spec = spec or default_spec()
        self.area.risk.set_spec(self._risk_spec)
        self.modified = False

    def scenario_entries(self) -> list[ScenarioEntry]:
        return list(self.area.scenarios.entries)

    def risk_spec(self) -> RiskSpec:
        """The form's settings; while it holds something invalid, its last valid ones."""
        with contextlib.suppress(RiskError):
            self._risk_spec = self.area.risk.spec()
        return self._risk_spec

    @Slot()
    def _on_edited(self) -> None:
        self.risk_spec()  # checks the form as it is edited (a problem shows under it)
        self.modified = True
        self.revision += 1
        self.refresh()
        self.edited.emit()

    def saved(self) -> None:
        self.modified = False

    # -- results --------------------------------------------------------------------------------
    def is_fresh(self, kind: str) -> bool:
        done = self.computed.get(kind)
        return (done is not None and done.data_token == self.host.data_token()
                and done.plan is self.host.plan)

    def result(self, kind: str) -> Any:
        done = self.computed.get(kind)
        return done.result if done is not None else None

    def bundle(self) -> InsightsBundle | None:
        """The up-to-date results for the report (None when there are none)."""
        fresh = {kind: self.result(kind) if self.is_fresh(kind) else None for kind in KINDS}
        bundle = InsightsBundle(**fresh)
        return None if bundle.empty else bundle

    def refresh(self) -> None:
        """Availability, out-of-date marks and the Doctor's tab, after any change."""
        host = self.host
        self.area.scenarios.dataset = host.dataset
        self.area.set_doctor_visible(needs_doctor(host.plan) or "doctor" in self.computed)
        reason = self._plan_reason()
        for kind in ("speed", "levers", "doctor"):
            self.area.panels[kind].set_available(not reason, reason)
        data_reason = "" if host.dataset is not None else (
            "Fix the errors in the data first (Problems panel).")
        scenarios_reason = data_reason or ("" if self.area.scenarios.entries
                                           else "Add a scenario first.")
        self.area.scenarios.set_available(not scenarios_reason, scenarios_reason)
        self.area.risk.set_available(not data_reason, data_reason)
        for kind, panel in self.area.panels.items():
            panel.set_stale(kind in self.computed and not self.is_fresh(kind))

    def update_vendors(self) -> None:
        self.area.risk.set_vendors(usable_vendors(self.host.dataset))

    def _plan_reason(self) -> str:
        host = self.host
        if host.plan is None or not host.plan.status.has_plan:
            return "Run the optimiser first (Plan, F5)."
        if host.is_stale() or host.plan_dataset is None:
            return "The plan is out of date: plan again first (F5)."
        return ""

    # -- running ----------------------------------------------------------------------------------
    def compute(self, kind: str) -> bool:
        """Start ``kind``'s work in the background; False when it could not start."""
        host = self.host
        made = self._task(kind)
        if made is None:
            return False
        fn, key = made
        self._running = kind
        started = self.run(fn, TASK_NAMES[kind], lambda result: self._done(kind, key, result))
        if not started:
            self._running = None
        else:
            self._on_busy(host.runner.busy)
        return started

    def _task(self, kind: str) -> tuple[tasks.Task, tuple[int, PlanResult | None]] | None:
        """The task for ``kind`` and the state it is computed from; None (after saying
        why) when it cannot run now."""
        host = self.host
        key = (host.data_token(), host.plan)
        options = host.options
        limit = options.time_limit
        panel = self.area.panels[kind]
        if kind in ("speed", "levers", "doctor"):
            reason = self._plan_reason()
            if reason:
                dialogs.info(panel, TITLES[kind], reason)
                return None
            dataset, plan = host.plan_dataset, host.plan
            assert dataset is not None and plan is not None
            if kind == "speed":
                args: tuple[Any, ...] = (dataset, plan, options.deadline,
                                         self.area.speed.points_spin.value(), limit)
                return self._child(work.speed_work, args, "the price of speed"), key
            if kind == "levers":
                args = (dataset, plan, options.deadline, self.area.levers.top_spin.value(),
                        limit)
                return self._child(work.levers_work, args, "the levers"), key
            return self._child(work.doctor_work, (dataset, plan, options.deadline, limit),
                               "the doctor"), key
        if host.dataset is None:
            dialogs.info(panel, TITLES[kind], "Fix the errors in the data first: the "
                         "Problems panel lists them.")
            return None
        dataset = host.dataset
        if options.deadline is not None:  # the plan's deadline, as the Plan dialog set it
            dataset = dataset.replace_settings(exit_deadline=options.deadline)
        if kind == "scenarios":
            task = self._scenarios_task(dataset, limit)
            return (task, key) if task is not None else None
        try:
            spec = self.area.risk.spec()
            spec.resolve(dataset)
        except RiskError as exc:
            self.area.risk.show_problem(str(exc))
            dialogs.warning(panel, "Ramp risk", "The risk settings cannot be used.",
                            informative=str(exc))
            return None
        workers = self.area.risk.workers_spin.value()
        return self._child(work.risk_work, (dataset, spec, limit, workers), "the ramp risk",
                           pool=workers > 1), key

    def _scenarios_task(self, dataset: Dataset, limit: float | None) -> tasks.Task | None:
        entries = self.area.scenarios.entries
        if not entries:
            dialogs.info(self.area.scenarios, "Scenarios", "Add a scenario first.")
            return None
        problems: list[str] = []
        for entry in entries:  # the data may have changed since the scenario was written
            try:
                entry.scenario.apply(dataset)
            except ScenarioError as exc:
                problems += [f"{entry.name}: {p}" for p in exc.problems]
        if problems:
            dialogs.warning(self.area.scenarios, "Scenarios",
                            "Some scenarios do not fit the data: edit them, then compare.",
                            informative="\n".join(problems))
            return None
        workers = min(default_workers(), len(entries) + 1)
        scenarios = tuple(e.scenario for e in entries)
        return self._child(work.compare_work, (dataset, scenarios, self.host.options.mode,
                                               limit, workers), "the scenarios",
                           pool=workers > 1)

    @staticmethod
    def _child(fn: tasks.ChildWork, args: tuple[Any, ...], what: str,
               pool: bool = False) -> tasks.Task:
        def task(progress: tasks.ProgressFn, cancel: tasks.CancelFlag) -> Any:
            return work.run(fn, args, progress, cancel, what=what, pool=pool)

        return task

    def _done(self, kind: str, key: tuple[int, PlanResult | None], result: Any) -> None:
        self.computed[kind] = Computed(result, key[0], key[1])
        self.area.panels[kind].show_result(result)
        self.refresh()

    @Slot(bool)
    def _on_busy(self, busy: bool) -> None:
        if not busy:
            self._running = None
        for kind, panel in self.area.panels.items():
            panel.set_busy(busy, busy and kind == self._running)

    @Slot(object)
    def _on_progress(self, progress: Progress) -> None:
        if self._running is not None:
            self.area.panels[self._running].set_progress(progress.fraction, progress.message)
