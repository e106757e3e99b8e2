"""The main window: data tabs, Problems panel, Results area, and the file/plan workflow.

State changes follow one rule: build the complete new state first (in a worker when it is
slow), then swap it in. A failed import, load or solve leaves the window as it was.
"""

from __future__ import annotations

import contextlib
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QPoint, Qt, QTimer, QUrl, Slot
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDesktopServices,
    QDragEnterEvent,
    QDropEvent,
    QIcon,
    QKeySequence,
    QPainter,
    QUndoStack,
)
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QDockWidget,
    QLabel,
    QMainWindow,
    QMenu,
    QProgressBar,
    QPushButton,
    QSplitter,
    QToolBar,
    QWidget,
)

from planner.domain import Dataset
from planner.problems import PlannerError, Problem, Severity, WorkbookErrors
from planner.results import PlanResult
from ui import dialogs, tasks
from ui.about import APP_NAME, versions
from ui.data_tabs import DataTabs
from ui.icons import icon
from ui.insights.area import InsightsArea, InsightsController
from ui.plan_dialog import PlanDialog
from ui.problems_panel import ProblemsPanel
from ui.project_file import SUFFIX, PlanOptions, Project, ProjectError, save_project, saved_at
from ui.results_area import ResultsArea
from ui.settings import AppSettings
from ui.views.digest import remember as remember_digest
from ui.workers import Progress, TaskRunner

if TYPE_CHECKING:
    from planner.importer import ImportResult
    from planner.workbook import RawWorkbook

Button = dialogs.Button
OPENABLE = {".xlsx", ".xlsm", ".ods", SUFFIX}
STALE_TOKEN = -1  # a plan that matches no data state


def _bundled_sample() -> Path:
    from planner.cli import sample_workbook

    return sample_workbook()


class MainWindow(QMainWindow):
    def __init__(self, settings: AppSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.prefs = settings.preferences()
        self.setWindowIcon(icon("app"))
        self.setAcceptDrops(True)

        # --- state (swapped whole by _install) ---------------------------------------
        self.raw: RawWorkbook | None = None
        self.import_result: ImportResult | None = None
        self.dataset: Dataset | None = None
        self.source_path: Path | None = None
        self.project_path: Path | None = None
        self.options = PlanOptions(time_limit=self.prefs.time_limit_seconds or None)
        self.plan: PlanResult | None = None
        self.baseline: PlanResult | None = None
        self.plan_dataset: Dataset | None = None
        self.plan_token: int | None = None
        self._recovered = False  # data restored from autosave: unsaved until saved
        self._autosaved_token: tuple[int, int] | None = None
        self._on_result: Any = None
        self._task_name = ""
        self._recovering = False
        self._planning_token = 0
        self._opening: Path | None = None
        self._fallback_pending = False  # a failed first open falls back to the sample

        self.undo_stack = QUndoStack(self)
        self.undo_stack.cleanChanged.connect(self._refresh_title)
        self.undo_stack.indexChanged.connect(self._refresh_stale)
        self.runner = TaskRunner(self)
        self.runner.busy_changed.connect(self._on_busy_changed)
        self.runner.progress.connect(self._task_progress)
        self.runner.result.connect(self._task_result)
        self.runner.error.connect(self._task_error)

        # --- widgets ------------------------------------------------------------------
        self.data_tabs = DataTabs()
        self.results = ResultsArea()
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.data_tabs)
        self.splitter.addWidget(self.results)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        self.setCentralWidget(self.splitter)
        self.insights_area = InsightsArea()
        self.results.tabs.addTab(self.insights_area, "Insights")
        self.insights = InsightsController(self, self.insights_area, self._run, self)
        self.insights.edited.connect(self._refresh_title)

        self.problems = ProblemsPanel()
        self.problems.problem_activated.connect(self.show_problem)
        self.problems_dock = QDockWidget("Problems", self)
        self.problems_dock.setObjectName("problemsDock")
        self.problems_dock.setWidget(self.problems)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.problems_dock)

        self._make_actions()
        self._make_menus()
        self._make_status_bar()

        self.autosave_timer = QTimer(self)
        self.autosave_timer.timeout.connect(self.autosave)
        if self.prefs.autosave_seconds > 0:
            self.autosave_timer.start(self.prefs.autosave_seconds * 1000)

        self.resize(1400, 900)
        self._restore_layout()
        self._refresh_all()

    # ================================================================ construction
    def _action(self, text: str, slot: Any,
                shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
                icon_name: str = "", tip: str = "") -> QAction:
        action = QAction(icon(icon_name) if icon_name else QIcon(), text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.setStatusTip(tip or text.replace("&", "").rstrip("…"))
        action.setToolTip(f"{text.replace('&', '').rstrip('…')}"
                          + (f" ({action.shortcut().toString()})" if shortcut else ""))
        action.triggered.connect(slot)
        return action

    def _make_actions(self) -> None:
        K = QKeySequence.StandardKey
        self.act_open = self._action("&Open…", self.open_dialog, K.Open, "open",
                                     "Open a contracts workbook or a project")
        self.act_save = self._action("&Save Project", self.save, K.Save, "save")
        self.act_save_as = self._action("Save Project &As…", self.save_as, K.SaveAs)
        self.act_report = self._action("Export PDF &Report…", self.export_report, "Ctrl+E",
                                       "report")
        self.act_export = self._action("Export &Plan (.xlsx / .csv)…", self.export_plan,
                                       "Ctrl+Shift+E", "export")
        self.act_print = self._action("&Print Current View…", self.print_dialog, K.Print,
                                      "print")
        self.act_quit = self._action("&Quit", self.close, K.Quit)
        # Own actions (fixed text: the tool bar must not jump); the tooltip names the edit.
        self.act_undo = self._action("&Undo", self.undo_stack.undo, K.Undo, "undo")
        self.act_redo = self._action("&Redo", self.undo_stack.redo, K.Redo, "redo")
        self.act_redo.setShortcuts([QKeySequence(K.Redo), QKeySequence("Ctrl+Y")])
        self.undo_stack.canUndoChanged.connect(self.act_undo.setEnabled)
        self.undo_stack.canRedoChanged.connect(self.act_redo.setEnabled)
        self.undo_stack.undoTextChanged.connect(self._undo_text)
        self.undo_stack.redoTextChanged.connect(self._redo_text)
        self.act_undo.setEnabled(False)
        self.act_redo.setEnabled(False)
        self.act_add_row = self._action("&Add Row", self.add_row, "Ctrl+Shift+N")
        self.act_delete_rows = self._action("&Delete Rows", self.delete_rows,
                                            "Ctrl+Shift+Del")
        self.act_filter = self._action("&Filter Rows", self.focus_filter, K.Find)
        self.act_next_problem = self._action("&Next Problem", self.next_problem, "F8",
                                             "problems")
        self.act_plan = self._action("&Plan…", self.plan_dialog, "F5", "plan",
                                     "Run the optimiser")
        self.act_cancel = self._action("&Cancel", self.cancel_task, "Esc", "cancel",
                                       "Stop the running task (keeps the best plan found)")
        self.act_cancel.setEnabled(False)
        self.act_about = self._action("&About", self.about, None, "about")
        toggle = self.problems_dock.toggleViewAction()
        assert toggle is not None
        self.act_problems: QAction = toggle
        self.act_problems.setIcon(icon("problems"))
        self.act_problems.setShortcut(QKeySequence("Ctrl+Shift+P"))

    @Slot(str)
    def _undo_text(self, text: str) -> None:
        self.act_undo.setToolTip(f"Undo {text}" if text else "Undo")

    @Slot(str)
    def _redo_text(self, text: str) -> None:
        self.act_redo.setToolTip(f"Redo {text}" if text else "Redo")

    def _make_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(self.act_open)
        self.recent_menu = QMenu("Open &Recent", self)
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        file_menu.addMenu(self.recent_menu)
        file_menu.addSeparator()
        for action in (self.act_save, self.act_save_as):
            file_menu.addAction(action)
        file_menu.addSeparator()
        for action in (self.act_report, self.act_export, self.act_print):
            file_menu.addAction(action)
        file_menu.addSeparator()
        file_menu.addAction(self.act_quit)
        edit = bar.addMenu("&Edit")
        for action in (self.act_undo, self.act_redo):
            edit.addAction(action)
        edit.addSeparator()
        edit.addAction(self.act_add_row)
        edit.addAction(self.act_delete_rows)
        edit.addSeparator()
        edit.addAction(self.act_filter)
        edit.addAction(self.act_next_problem)
        plan_menu = bar.addMenu("&Plan")
        plan_menu.addAction(self.act_plan)
        plan_menu.addAction(self.act_cancel)
        view = bar.addMenu("&View")
        view.addAction(self.act_problems)
        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self.act_about)

        toolbar = QToolBar("Main", self)
        toolbar.setObjectName("mainToolbar")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for item in (self.act_open, self.act_save, None, self.act_undo, self.act_redo, None,
                     self.act_plan, self.act_cancel, None, self.act_report,
                     self.act_export, self.act_print):
            if item is None:
                toolbar.addSeparator()
            else:
                toolbar.addAction(item)
        self.addToolBar(toolbar)

    def _make_status_bar(self) -> None:
        status = self.statusBar()
        self.data_label = QLabel()
        self.plan_label = QLabel()
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(220)
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.cancel_button = QPushButton(icon("cancel"), "Cancel")
        self.cancel_button.clicked.connect(self.cancel_task)
        self.cancel_button.hide()
        status.addPermanentWidget(self.data_label)
        status.addPermanentWidget(self.plan_label)
        status.addPermanentWidget(self.progress)
        status.addPermanentWidget(self.cancel_button)

    def _restore_layout(self) -> None:
        geometry = self.settings.blob("geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        state = self.settings.blob("window_state")
        if state is not None:
            self.restoreState(state)
        splitter = self.settings.blob("splitter")
        if splitter is not None:
            self.splitter.restoreState(splitter)
        else:
            self.splitter.setSizes([560, 840])
            self.resizeDocks([self.problems_dock], [150], Qt.Orientation.Vertical)

    def _save_layout(self) -> None:
        self.settings.set_blob("geometry", self.saveGeometry())
        self.settings.set_blob("window_state", self.saveState())
        self.settings.set_blob("splitter", QByteArray(self.splitter.saveState()))
        self.settings.sync()

    # ================================================================ start-up
    def start(self, file: Path | None = None) -> None:
        """Recovery after a crash first, then ``file``, the last project, the sample."""
        recovery = self.settings.recovery_path
        if recovery.exists():
            when = saved_at(recovery) or "an earlier session"
            answer = dialogs.ask(
                self, "Recover unsaved work",
                "The planner did not close normally last time. Recover the unsaved work "
                f"autosaved at {when}?",
                informative="No keeps a copy of the autosave next to it and starts fresh.")
            if answer == Button.Yes:
                self._open(recovery, recovering=True)
                return
            with contextlib.suppress(OSError):
                recovery.replace(recovery.with_suffix(".mplan.bak"))
        if file is not None:
            self._open(file)
            return
        last = self.settings.last_project()
        if last is not None and last.exists():
            self._open(last)
            return
        self._open(_bundled_sample())

    # ================================================================ opening
    def open_dialog(self) -> None:
        if not self.maybe_save():
            return
        folder = self.project_path or self.source_path
        path = dialogs.open_path(self, "Open workbook or project",
                                 directory=folder.parent if folder else None)
        if path is not None:
            self._open(path)

    def open_file(self, path: Path) -> None:
        """Open a workbook or project (asks to save unsaved changes first)."""
        if self.maybe_save():
            self._open(path)

    def _open(self, path: Path, *, recovering: bool = False) -> None:
        def load(progress: tasks.ProgressFn, cancel: tasks.CancelFlag) -> tasks.Loaded:
            return tasks.load_file(path, progress, cancel)

        self._recovering = recovering
        self._opening = path
        self._run(load, f"open {path.name}", self._on_loaded)

    def _on_loaded(self, loaded: tasks.Loaded) -> None:
        recovering = self._recovering
        if recovering and loaded.project is not None:
            original = loaded.project.project_path
            loaded.project_path = Path(original) if original else None
        self._install(loaded)
        self._recovered = recovering
        if recovering:
            self.statusBar().showMessage("Recovered the autosaved work: save it to keep it.",
                                         10_000)
        path = loaded.project_path or loaded.source_path
        if path is not None and not recovering:
            self.settings.add_recent(path)
            if loaded.project_path is not None:
                self.settings.set_last_project(loaded.project_path)
        self._refresh_all()

    def _install(self, loaded: tasks.Loaded) -> None:
        """Swap in a fully loaded state; the new pages are built before anything changes."""
        pages = self.data_tabs.build_pages(loaded.raw, self.undo_stack)
        project = loaded.project
        self.raw = loaded.raw
        self.source_path = loaded.source_path
        self.project_path = loaded.project_path
        self.import_result = loaded.result
        self.dataset = loaded.result.dataset
        if project is not None:
            self.options = project.options
            self.plan, self.baseline = project.plan, project.baseline
            if project.plan is not None and loaded.digest is not None:
                remember_digest(project.plan, loaded.digest)
            self.plan_token = STALE_TOKEN if project.plan_stale else 0
            self.plan_dataset = None if project.plan_stale else self.dataset
        else:
            settings = self.dataset.settings if self.dataset else None
            self.options = PlanOptions(
                mode=settings.mode if settings else PlanOptions().mode,
                deadline=None,
                time_limit=self.prefs.time_limit_seconds or None)
            self.plan = self.baseline = self.plan_dataset = None
            self.plan_token = None
        self._recovered = False
        self._autosaved_token = None
        self.undo_stack.clear()
        self.data_tabs.install(pages)
        for page in pages:
            page.model.cell_edited.connect(self._on_cell_edited)
        self.results.set_plan(self.plan, self.baseline)
        self.insights.reset(project)
        self._show_problems()

    # ================================================================ editing
    def data_token(self) -> int:
        """Identifies the current data state: the serial of the last applied edit."""
        index = self.undo_stack.index()
        if index == 0:
            return 0
        command = self.undo_stack.command(index - 1)
        return int(getattr(command, "serial", id(command)))

    @Slot(int, int)
    def _on_cell_edited(self, _row: int = 0, _col: int = 0) -> None:
        self.revalidate()

    def revalidate(self) -> None:
        """Re-check the edited raw tables; the problems and the plan button follow."""
        if self.raw is None:
            return
        from planner.importer import validate

        try:
            result = validate(self.raw)
        except PlannerError as exc:  # should not happen: validate collects problems
            dialogs.error(self, "Check failed", str(exc))
            return
        self.import_result = result
        self.dataset = result.dataset
        self.insights.update_vendors()
        self._show_problems()
        self._refresh_all()

    def _show_problems(self) -> None:
        found = list(self.import_result.problems) if self.import_result else []
        self.problems.set_problems(found)
        self.data_tabs.set_problems(found)

    def show_problem(self, problem: Problem) -> None:
        if not self.data_tabs.show_problem(problem):
            self.statusBar().showMessage(problem.render(), 8000)

    def next_problem(self) -> None:
        found = self.problems.model.problems
        if not found:
            self.statusBar().showMessage("No problems.", 3000)
            return
        current = self.problems.table.currentIndex()
        row = (current.row() + 1) % len(found) if current.isValid() else 0
        index = self.problems.proxy.index(row, 0)
        self.problems.table.setCurrentIndex(index)
        self.problems.problem_activated.emit(
            self.problems.model.problem(self.problems.proxy.mapToSource(index).row()))

    def add_row(self) -> None:
        page = self.data_tabs.current_page()
        if page is not None:
            page.add_row()

    def delete_rows(self) -> None:
        page = self.data_tabs.current_page()
        if page is not None:
            page.delete_rows()

    def focus_filter(self) -> None:
        page = self.data_tabs.current_page()
        if page is not None:
            page.filter_edit.setFocus()
            page.filter_edit.selectAll()

    # ================================================================ planning
    def plan_dialog(self) -> None:
        if not self._can_plan():
            return
        assert self.dataset is not None
        dialog = PlanDialog(self.options, self.dataset.settings.plan_start, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.start_plan(dialog.options())
        dialog.deleteLater()

    def _can_plan(self) -> bool:
        if self.runner.busy:
            self.statusBar().showMessage("Busy: wait for the running task or cancel it.", 5000)
            return False
        if self.dataset is None:
            errors = [p for p in (self.import_result.problems if self.import_result else [])
                      if p.severity is Severity.ERROR]
            self.problems_dock.show()
            dialogs.warning(self, "Cannot plan yet",
                            f"{len(errors)} error(s) in the data block planning.",
                            informative="The Problems panel lists them; click one to go to "
                            "its cell, fix it, then plan again.")
            return False
        return True

    def start_plan(self, options: PlanOptions) -> bool:
        """Run the optimiser in the background; False when it could not start."""
        if not self._can_plan():
            return False
        assert self.dataset is not None
        dataset, token = self.dataset, self.data_token()
        self.options = options
        self._planning_token = token

        def run(progress: tasks.ProgressFn, cancel: tasks.CancelFlag) -> tasks.PlanOutcome:
            return tasks.plan(dataset, options, progress, cancel)

        return self._run(run, "plan", self._on_planned)

    def _on_planned(self, outcome: tasks.PlanOutcome) -> None:
        if outcome.digest is not None:  # the views' data, prepared with the plan
            remember_digest(outcome.plan, outcome.digest)
        self.plan, self.baseline = outcome.plan, outcome.baseline
        self.plan_dataset = outcome.dataset
        self.plan_token = self._planning_token
        self.results.set_plan(self.plan, self.baseline)
        self._autosaved_token = None  # a new plan is worth an autosave
        self.statusBar().showMessage(
            f"Plan ready: {outcome.plan.status.value} in {outcome.plan.solve_seconds:.1f} s",
            8000)
        self._refresh_all()

    def is_stale(self) -> bool:
        return self.plan is not None and self.plan_token != self.data_token()

    def cancel_task(self) -> None:
        if self.runner.busy:
            self.runner.cancel()
            self.statusBar().showMessage("Cancelling…")

    # ================================================================ background tasks
    def _run(self, fn: tasks.Task, name: str, on_result: Any) -> bool:
        if self.runner.busy:
            self.statusBar().showMessage("Busy: wait for the running task or cancel it.", 5000)
            return False
        self._on_result = on_result
        self._task_name = name
        self.runner.start(fn, name)
        self.statusBar().showMessage(f"{name.capitalize()}…")
        return True

    @Slot(bool)
    def _on_busy_changed(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        self.cancel_button.setVisible(busy)
        self.act_cancel.setEnabled(busy)
        if busy:
            self.progress.setRange(0, 0)
        self._refresh_actions()
        if not busy and self._fallback_pending:
            self._fallback_pending = False
            self._open(_bundled_sample())

    @Slot(object)
    def _task_progress(self, progress: Progress) -> None:
        if progress.fraction is None:
            self.progress.setRange(0, 0)
        else:
            self.progress.setRange(0, 1000)
            self.progress.setValue(int(max(0.0, min(1.0, progress.fraction)) * 1000))
        self.statusBar().showMessage(progress.message)

    @Slot(object)
    def _task_result(self, value: object) -> None:
        callback, self._on_result = self._on_result, None
        self.statusBar().clearMessage()
        if callback is not None:
            callback(value)

    @Slot(object)
    def _task_error(self, exc: BaseException) -> None:
        self._on_result = None
        self.statusBar().showMessage(f"Failed: {self._task_name}", 8000)
        if (self.raw is None and self._task_name.startswith("open")
                and self._opening != _bundled_sample()):
            self._fallback_pending = True  # opened once the runner is free
        if self._recovering:  # a damaged autosave must not be offered at every start
            self._recovering = False
            recovery = self.settings.recovery_path
            with contextlib.suppress(OSError):
                recovery.replace(recovery.with_suffix(".mplan.bak"))
        what = self._task_name.capitalize()
        if isinstance(exc, WorkbookErrors):
            dialogs.error(self, what, str(exc), details=exc.render())
        elif isinstance(exc, PlannerError):
            dialogs.error(self, what, str(exc), details=str(getattr(exc, "details", "")))
        else:  # a bug: say so plainly, with details to copy into a report
            details = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
            dialogs.error(self, what, f"{what} failed unexpectedly: {type(exc).__name__}: "
                          f"{exc}", informative="Nothing was changed.", details=details)

    # ================================================================ export, print
    def _suggest(self, suffix: str) -> Path:
        base = self.project_path or self.source_path
        sample_dir = _bundled_sample().parent
        folder = base.parent if base and base.parent != sample_dir else Path.home()
        stem = base.stem if base else "plan"
        return folder / f"{stem}{suffix}"

    def _require_plan(self) -> bool:
        if self.plan is None or not self.plan.status.has_plan:
            dialogs.info(self, "No plan", "Run the optimiser first (Plan, F5).")
            return False
        return True

    def export_report(self, path: Path | None = None) -> bool:
        if not self._require_plan():
            return False
        dataset = self.plan_dataset or self.dataset
        if dataset is None:
            dialogs.info(self, "Plan out of date",
                         "The data changed since this plan and now has errors. Fix them and "
                         "plan again before writing the report.")
            return False
        if path is None:
            path = dialogs.save_path(self, "Export PDF report", "PDF report (*.pdf)",
                                     self._suggest("-report.pdf"))
            if path is None:
                return False
        plan, baseline, page_size = self.plan, self.baseline, self.prefs.page_size
        insights = self.insights.bundle()  # only what is up to date with this plan
        assert plan is not None

        def run(progress: tasks.ProgressFn, cancel: tasks.CancelFlag) -> Path:
            return tasks.write_report(path, plan, dataset, baseline, page_size, progress,
                                      cancel, insights)

        return self._run(run, "export report", self._on_report_written)

    def _on_report_written(self, path: Path) -> None:
        self.statusBar().showMessage(f"Report written: {path}", 8000)
        if self.prefs.open_report_after_export:
            answer = dialogs.ask(self, "Report written", f"Report written to {path}.",
                                 informative="Open it now?")
            if answer == Button.Yes:
                QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def export_plan(self, path: Path | None = None) -> bool:
        if not self._require_plan():
            return False
        if path is None:
            path = dialogs.save_path(self, "Export plan",
                                     "Plan workbook (*.xlsx);;Allocation table (*.csv)",
                                     self._suggest("-plan.xlsx"))
            if path is None:
                return False
        if path.suffix.lower() not in (".xlsx", ".csv"):
            path = path.with_suffix(".xlsx")
        plan = self.plan
        assert plan is not None

        def run(progress: tasks.ProgressFn, cancel: tasks.CancelFlag) -> Path:
            return tasks.export_plan(path, plan, progress, cancel)

        return self._run(run, "export plan", self._on_exported)

    def _on_exported(self, path: Path) -> None:
        self.statusBar().showMessage(f"Plan written: {path}", 8000)

    def print_dialog(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.print_view(printer)
        dialog.deleteLater()

    def print_view(self, printer: QPrinter) -> None:
        """Print the current results view (or the data table when there is no plan)."""
        widget: QWidget = self.results.current_view()
        if self.plan is None:
            page = self.data_tabs.current_page()
            widget = page.table if page is not None else self.data_tabs
        painter = QPainter()
        if not painter.begin(printer):
            dialogs.error(self, "Print", "The printer could not be started.")
            return
        try:
            page_rect = printer.pageRect(QPrinter.Unit.DevicePixel)
            size = widget.size()
            scale = min(page_rect.width() / max(1, size.width()),
                        page_rect.height() / max(1, size.height()))
            painter.scale(scale, scale)
            widget.render(painter, QPoint())
        finally:
            painter.end()

    # ================================================================ projects
    def project(self, *, include_plan: bool = True) -> Project:
        assert self.raw is not None
        return Project(
            raw=self.raw,
            source_path=str(self.source_path or ""),
            options=self.options,
            plan=self.plan if include_plan else None,
            baseline=self.baseline if include_plan else None,
            plan_stale=self.is_stale(),
            project_path=str(self.project_path or ""),
            scenarios=self.insights.scenario_entries(),
            risk=self.insights.risk_spec(),
        )

    def save(self) -> bool:
        if self.project_path is None:
            return self.save_as()
        return self._save_to(self.project_path)

    def save_as(self, path: Path | None = None) -> bool:
        if self.raw is None:
            return False
        if path is None:
            path = dialogs.save_path(self, "Save project", f"Project (*{SUFFIX})",
                                     self._suggest(SUFFIX))
            if path is None:
                return False
        if path.suffix.lower() != SUFFIX:
            path = path.with_suffix(SUFFIX)
        return self._save_to(path)

    def _save_to(self, path: Path) -> bool:
        if self.raw is None:
            return False
        try:
            save_project(path, self.project())
        except ProjectError as exc:
            dialogs.error(self, "Save project", str(exc))
            return False
        self.project_path = path
        self._recovered = False
        self.insights.saved()
        self.undo_stack.setClean()
        self._drop_recovery()
        self.settings.add_recent(path)
        self.settings.set_last_project(path)
        self.statusBar().showMessage(f"Saved {path}", 5000)
        self._refresh_all()
        return True

    def is_modified(self) -> bool:
        return self.raw is not None and (not self.undo_stack.isClean() or self._recovered
                                         or self.insights.modified)

    def autosave(self) -> None:
        """Write the recovery file when there is unsaved work it does not hold yet."""
        if not self.is_modified():
            return
        token = (self.data_token(), self.insights.revision)
        if token == self._autosaved_token:
            return
        try:
            save_project(self.settings.recovery_path, self.project(include_plan=False),
                         include_plan=False)
        except ProjectError as exc:
            self.statusBar().showMessage(f"Autosave failed: {exc}", 8000)
            return
        self._autosaved_token = token

    def _drop_recovery(self) -> None:
        with contextlib.suppress(OSError):
            self.settings.recovery_path.unlink(missing_ok=True)

    def maybe_save(self) -> bool:
        """Ask about unsaved changes; False when the user cancels."""
        if not self.is_modified():
            return True
        answer = dialogs.ask(
            self, "Unsaved changes", "Save the changes to this project?",
            informative="Your edits are lost if you don't save them.",
            buttons=Button.Save | Button.Discard | Button.Cancel, default=Button.Save)
        if answer == Button.Save:
            return self.save()
        return answer == Button.Discard

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.runner.busy:
            answer = dialogs.ask(self, "Task running",
                                 f"{self._task_name.capitalize()} is still running. Stop it "
                                 "and close?")
            if answer != Button.Yes:
                event.ignore()
                return
        if not self.maybe_save():
            event.ignore()
            return
        self.runner.shutdown()
        self.autosave_timer.stop()
        self._drop_recovery()
        self._save_layout()
        event.accept()

    # ================================================================ drag and drop
    @staticmethod
    def _dropped_path(event: QDragEnterEvent | QDropEvent) -> Path | None:
        mime = event.mimeData()
        if not mime.hasUrls():
            return None
        for url in mime.urls():
            if url.isLocalFile():
                path = Path(url.toLocalFile())
                if path.suffix.lower() in OPENABLE or path.is_dir():
                    return path
        return None

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._dropped_path(event) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        path = self._dropped_path(event)
        if path is None:
            event.ignore()
            return
        event.acceptProposedAction()
        self.open_file(path)

    # ================================================================ about
    def about(self) -> None:
        lines = "\n".join(f"{name}: {value}" for name, value in versions())
        box = dialogs.message_box(
            self, dialogs.Icon.Information, f"About {APP_NAME}",
            f"{APP_NAME} plans, week by week, how to move labeling work off an exited "
            "vendor: the cheapest plan or the earliest full exit.",
            informative=lines)
        box.setIconPixmap(icon("app").pixmap(64, 64))
        dialogs.run_box(box)

    # ================================================================ refresh
    @Slot()
    def _refresh_stale(self) -> None:
        self._refresh_all()

    @Slot()
    def _refresh_title(self) -> None:
        name = (self.project_path or self.source_path)
        self.setWindowTitle(f"{name.name if name else 'No data'}[*] — {APP_NAME}")
        self.setWindowModified(self.is_modified())

    def _refresh_actions(self) -> None:
        busy = self.runner.busy
        has_plan = self.plan is not None and self.plan.status.has_plan
        self.act_plan.setEnabled(not busy and self.raw is not None)
        self.act_report.setEnabled(not busy and has_plan)
        self.act_export.setEnabled(not busy and has_plan)
        self.act_save.setEnabled(self.raw is not None)
        self.act_save_as.setEnabled(self.raw is not None)
        self.act_open.setEnabled(not busy)

    def _refresh_all(self) -> None:
        self._refresh_title()
        self._refresh_actions()
        found = self.import_result.problems if self.import_result else []
        errors = sum(p.severity is Severity.ERROR for p in found)
        warnings = len(found) - errors
        if self.raw is None:
            self.data_label.setText("No data")
            self.data_label.setStyleSheet("")
        elif errors:
            self.data_label.setText(f"{errors} error(s), {warnings} warning(s): cannot plan")
            self.data_label.setStyleSheet("color:#b42318; font-weight:bold;")
        else:
            self.data_label.setText(f"Data OK, {warnings} warning(s)")
            self.data_label.setStyleSheet("color:#1e7b34;")
        stale = self.is_stale()
        self.results.set_stale(stale)
        self.insights.refresh()
        if self.plan is None:
            self.plan_label.setText("No plan")
            self.plan_label.setStyleSheet("")
        elif stale:
            self.plan_label.setText("Plan out of date")
            self.plan_label.setStyleSheet("color:#8a5a00; font-weight:bold;")
        else:
            self.plan_label.setText(f"Plan: {self.plan.status.value}")
            self.plan_label.setStyleSheet("")

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        recent = self.settings.recent_files()
        if not recent:
            self.recent_menu.addAction("(none)").setEnabled(False)
            return
        for path in recent:
            action = self.recent_menu.addAction(path.name)
            action.setToolTip(str(path))
            action.setData(str(path))
            action.triggered.connect(self._open_recent)

    @Slot()
    def _open_recent(self) -> None:
        action = self.sender()
        if not isinstance(action, QAction):
            return
        path = Path(str(action.data()))
        if not path.exists():
            dialogs.warning(self, "Open recent", f"{path} no longer exists.")
            self.settings.remove_recent(path)
            return
        self.open_file(path)
