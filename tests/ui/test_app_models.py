"""Table models (qtmodeltester), undo commands, the worker, settings and crash handler."""

from __future__ import annotations

import sys
import threading
import time
from datetime import date, datetime
from pathlib import Path

import pytest
from gui_support import Boxes
from gui_workbooks import broken_workbook
from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtGui import QUndoStack

from planner.importer import load_workbook
from planner.problems import Problem, Severity
from ui import dialogs
from ui.crash import CrashHandler
from ui.models import ProblemsModel, SheetFilterProxy, SheetTableModel, format_cell
from ui.settings import AppSettings, Preferences
from ui.tasks import CancelFlag
from ui.workers import TaskRunner, running_threads


@pytest.fixture
def broken(tmp_path: Path):
    return load_workbook(broken_workbook(tmp_path / "broken.xlsx"))


def test_sheet_model_passes_modeltester(qtmodeltester, broken) -> None:
    model = SheetTableModel(broken.raw.sheets["Workstreams"], QUndoStack())
    model.set_problems(broken.problems)
    qtmodeltester.check(model)
    proxy = SheetFilterProxy()
    proxy.setSourceModel(model)
    qtmodeltester.check(proxy)


def test_sheet_model_row_changes_pass_modeltester(qtmodeltester, broken) -> None:
    from ui.undo import InsertRowCommand, RemoveRowsCommand

    stack = QUndoStack()
    model = SheetTableModel(broken.raw.sheets["Contracts"], stack)
    qtmodeltester.check(model)  # the tester stays attached and checks every change below
    rows = model.rowCount()
    stack.push(InsertRowCommand(model, 1))
    stack.push(RemoveRowsCommand(model, [0, 2]))
    assert model.rowCount() == rows - 1
    stack.undo()
    stack.undo()
    assert model.rowCount() == rows
    assert [r.excel_row for r in model.raw.rows] == sorted(r.excel_row for r in model.raw.rows)


def test_problems_model_passes_modeltester(qtmodeltester, broken) -> None:
    model = ProblemsModel()
    model.set_problems(broken.problems)
    qtmodeltester.check(model)
    assert model.rowCount() == len(broken.problems)
    first = model.problem(0)
    assert first.severity is Severity.ERROR  # errors listed first
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    qtmodeltester.check(proxy)


def test_units_tooltips_and_row_numbers(broken) -> None:
    model = SheetTableModel(broken.raw.sheets["Workstreams"])
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert "unit_price [money/task]" in headers
    tip = model.headerData(headers.index("weekly_volume [tasks/wk]"), Qt.Orientation.Horizontal,
                           Qt.ItemDataRole.ToolTipRole)
    assert "Tasks per week" in tip and "required" in tip
    assert model.headerData(0, Qt.Orientation.Vertical) == "2"  # Excel row of the first row


def test_undo_stack_edits_restore_exact_value(broken) -> None:
    stack = QUndoStack()
    model = SheetTableModel(broken.raw.sheets["Contracts"], stack)
    col = model.raw.headers.index("notice_days")
    index = model.index(0, col)
    original = model.cell(0, col)
    assert isinstance(original, int | float)
    assert model.setData(index, " 45 ")
    assert not model.setData(index, "45")  # same text: no new undo step
    assert stack.count() == 1
    assert broken.raw.sheets["Contracts"].rows[0].cells[col] == "45"  # raw is the truth
    stack.undo()
    assert model.cell(0, col) == original and type(model.cell(0, col)) is type(original)
    assert model.setData(index, "")
    assert model.cell(0, col) is None


def test_filter_only_problem_rows(broken) -> None:
    model = SheetTableModel(broken.raw.sheets["Workstreams"])
    model.set_problems(broken.problems)
    proxy = SheetFilterProxy()
    proxy.setSourceModel(model)
    assert proxy.rowCount() == 2
    problem = Problem(Severity.ERROR, "Workstreams", "x", row=2, column="weekly_volume")
    model.set_problems([problem])
    proxy.set_only_problems(True)
    assert proxy.rowCount() == 1
    proxy.set_text("C9")
    assert proxy.rowCount() == 0


@pytest.mark.parametrize(("value", "text"), [
    (None, ""), (True, "TRUE"), (12.0, "12"), (7.5, "7.5"), ("abc", "abc"),
    (date(2026, 3, 31), "2026-03-31"), (datetime(2026, 3, 31), "2026-03-31"),
    (datetime(2026, 3, 31, 8, 30), "2026-03-31 08:30:00"),
])
def test_format_cell(value: object, text: str) -> None:
    assert format_cell(value) == text


def test_worker_reports_progress_result_and_cancel(qtbot) -> None:
    runner = TaskRunner()
    seen: list[str] = []

    def task(progress, cancel: CancelFlag) -> str:
        progress(0.0, "start")
        while not cancel.cancelled:
            time.sleep(0.01)
        progress(1.0, "stopped")
        return "cancelled" if threading.current_thread() is not threading.main_thread() else ""

    runner.progress.connect(lambda p: seen.append(p.message))
    with qtbot.waitSignal(runner.result, timeout=10_000) as blocker:
        runner.start(task, "test")
        qtbot.waitUntil(lambda: "start" in seen)
        runner.cancel()
    assert blocker.args == ["cancelled"]  # ran off the GUI thread and saw the cancel
    qtbot.waitUntil(lambda: not runner.busy)
    assert "stopped" in seen
    assert not running_threads()


def test_worker_passes_every_new_phase_but_throttles_repeats(qtbot) -> None:
    runner = TaskRunner()
    seen: list[tuple[float | None, str]] = []

    def task(progress, cancel: CancelFlag) -> None:
        progress(0.0, "start")
        progress(0.1, "model built")  # phases in quick succession: none may be lost
        progress(0.35, "solving the LP")
        for i in range(200):  # the same phase, fast: at most every PROGRESS_INTERVAL
            progress(0.35 + i / 1000, "solving the LP")

    runner.progress.connect(lambda p: seen.append((p.fraction, p.message)))
    with qtbot.waitSignal(runner.result, timeout=10_000):
        runner.start(task, "phases")
    qtbot.waitUntil(lambda: not runner.busy)
    assert [m for _, m in seen[:3]] == ["start", "model built", "solving the LP"]
    assert seen[2][0] == 0.35
    assert len(seen) < 20


def test_garbage_collection_pauses_while_a_worker_runs(qtbot) -> None:
    import gc

    runner = TaskRunner()
    seen: list[bool] = []
    with qtbot.waitSignal(runner.result, timeout=10_000):
        runner.start(lambda progress, cancel: seen.append(gc.isenabled()), "gc")
    assert seen == [False]  # no collection may free Qt objects off the GUI thread
    qtbot.waitUntil(lambda: not runner.busy)
    qtbot.waitUntil(gc.isenabled)  # back on, collected in an event-loop pass of its own


def test_worker_error_is_a_signal_not_a_crash(qtbot) -> None:
    runner = TaskRunner()

    def task(progress, cancel) -> None:
        raise ValueError("bad input")

    with qtbot.waitSignal(runner.error, timeout=10_000) as blocker:
        runner.start(task, "failing")
    assert isinstance(blocker.args[0], ValueError)
    qtbot.waitUntil(lambda: not runner.busy)


def test_cancel_flag_callbacks_run_once() -> None:
    flag = CancelFlag()
    calls: list[int] = []
    flag.on_cancel(lambda: calls.append(1))
    flag.cancel()
    flag.cancel()
    flag.on_cancel(lambda: calls.append(2))  # late subscriber: called at once
    assert calls == [1, 2] and flag.cancelled


def test_settings_round_trip_and_separation(tmp_path: Path) -> None:
    settings = AppSettings(tmp_path)
    assert settings.preferences() == Preferences()
    settings.save_preferences(Preferences(autosave_seconds=5, default_mode="fastest",
                                          time_limit_seconds=30.0, page_size="Letter",
                                          open_report_after_export=False))
    for i in range(12):
        settings.add_recent(tmp_path / f"f{i}.xlsx")
    again = AppSettings(tmp_path)
    prefs = again.preferences()
    assert (prefs.autosave_seconds, prefs.page_size, prefs.open_report_after_export) == (
        5, "Letter", False)
    assert again.recent_files()[0] == (tmp_path / "f11.xlsx").resolve()
    assert len(again.recent_files()) == 8
    assert (tmp_path / "preferences.ini").exists() and (tmp_path / "state.ini").exists()
    assert "recent" not in (tmp_path / "preferences.ini").read_text()


def test_bad_preference_value_keeps_default(tmp_path: Path) -> None:
    (tmp_path / "preferences.ini").write_text("[General]\nautosave_seconds=soon\n")
    assert AppSettings(tmp_path).preferences().autosave_seconds == 60


def test_crash_handler_shows_copyable_details(qtbot, boxes: Boxes) -> None:
    handler = CrashHandler()
    handler.install()
    try:
        assert sys.excepthook == handler.handle
        try:
            raise RuntimeError("boom")
        except RuntimeError as exc:
            # From another thread: only a queued signal crosses; the box opens on ours.
            thread = threading.Thread(target=handler.handle,
                                      args=(RuntimeError, exc, exc.__traceback__))
            thread.start()
            thread.join()
        qtbot.waitUntil(lambda: bool(boxes.shown))
    finally:
        handler.uninstall()
    assert sys.excepthook is not handler.handle
    title, _text, informative = boxes.shown[0]
    assert title == "Unexpected error" and "boom" in informative
    assert "RuntimeError: boom" in handler.reports[0] and "PySide6" in handler.reports[0]


def test_message_box_factory_has_selectable_details(qtbot) -> None:
    box = dialogs.message_box(None, dialogs.Icon.Critical, "T", "text", details="trace")
    assert box.detailedText() == "trace"
    assert box.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse
    box.deleteLater()
