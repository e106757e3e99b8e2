"""The main window: open, problems, edit + undo, plan, cancel, export, projects, recovery."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from gui_support import Boxes, wait_idle
from gui_workbooks import big_workbook, broken_workbook, small_workbook
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtPrintSupport import QPrinter

from planner.cli import sample_workbook
from planner.problems import Severity
from planner.results import SolveStatus
from ui import dialogs
from ui.main_window import MainWindow
from ui.project_file import SCHEMA_VERSION, PlanOptions
from ui.settings import AppSettings


def _open(qtbot, window: MainWindow, path: Path) -> None:
    window.open_file(path)
    wait_idle(qtbot, window)


def _cell_index(window: MainWindow, sheet: str, header: str, row: int = 0):
    page = window.data_tabs.page(sheet)
    assert page is not None
    col = [h.casefold() for h in page.model.raw.headers].index(header)
    return page.model, page.model.index(row, col)


def test_starts_on_the_bundled_sample(qtbot, window: MainWindow) -> None:
    window.start(None)
    wait_idle(qtbot, window)
    assert window.source_path == sample_workbook()
    assert window.dataset is not None
    titles = [window.data_tabs.tabText(i) for i in range(window.data_tabs.count())]
    assert [t.split(" (")[0] for t in titles] == [
        "Contracts", "Workstreams", "Vendors", "Capacity", "Settings"]
    model, _ = _cell_index(window, "Workstreams", "weekly_volume")
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert "weekly_volume [tasks/wk]" in headers
    assert window.act_plan.isEnabled()
    assert "frontier_lab.xlsx" in window.windowTitle()


def test_broken_workbook_lists_problems_and_click_selects_cell(
        qtbot, window: MainWindow, tmp_path: Path, boxes: Boxes) -> None:
    _open(qtbot, window, broken_workbook(tmp_path / "broken.xlsx"))
    assert window.dataset is None
    problems = window.problems.model.problems
    errors = [p for p in problems if p.severity is Severity.ERROR]
    assert {(p.sheet, p.row) for p in errors} >= {("Contracts", 3), ("Workstreams", 2),
                                                  ("Workstreams", 3)}
    volume = next(p for p in errors if p.column and "weekly_volume" in p.column)
    model, index = _cell_index(window, "Workstreams", "weekly_volume")
    assert model.data(index, Qt.ItemDataRole.BackgroundRole) is not None
    assert "lots" in model.data(index, Qt.ItemDataRole.ToolTipRole)
    assert not window.start_plan(PlanOptions())  # errors block planning, with a message
    assert "Cannot plan yet" in boxes.titles()
    row = window.problems.model.problems.index(volume)
    window.problems.table.clicked.emit(window.problems.proxy.index(row, 0))
    page = window.data_tabs.current_page()
    assert page is not None and page.model.sheet_name == "Workstreams"
    current = page.current_source_index()
    assert (current.row(), current.column()) == (index.row(), index.column())


def test_edit_revalidates_and_undo_restores(qtbot, window: MainWindow, tmp_path: Path) -> None:
    _open(qtbot, window, broken_workbook(tmp_path / "broken.xlsx"))
    model, index = _cell_index(window, "Workstreams", "weekly_volume")
    before = len(window.import_result.problems)
    assert model.setData(index, "120")
    assert model.cell(index.row(), index.column()) == "120"
    assert model.data(index, Qt.ItemDataRole.BackgroundRole) is None
    assert len(window.import_result.problems) < before
    assert not [p for p in window.import_result.problems
                if p.sheet == "Workstreams" and p.row == 2 and p.column == "weekly_volume"]
    assert window.isWindowModified()
    window.act_undo.trigger()
    assert model.cell(index.row(), index.column()) == "lots"
    assert len(window.import_result.problems) == before
    assert model.data(index, Qt.ItemDataRole.BackgroundRole) is not None
    window.act_redo.trigger()
    assert model.cell(index.row(), index.column()) == "120"


def test_filter_and_sort_rows(qtbot, window: MainWindow) -> None:
    window.start(None)
    wait_idle(qtbot, window)
    page = window.data_tabs.page("Workstreams")
    assert page is not None
    total = page.proxy.rowCount()
    page.filter_edit.setText("lidar")
    shown = page.proxy.rowCount()
    assert 0 < shown < total
    page.filter_edit.clear()
    col = [h.casefold() for h in page.model.raw.headers].index("weekly_volume")
    page.table.sortByColumn(col, Qt.SortOrder.DescendingOrder)
    values = [float(page.proxy.index(r, col).data()) for r in range(page.proxy.rowCount())]
    assert values == sorted(values, reverse=True)


def test_plan_then_edit_marks_stale_and_exports(qtbot, window: MainWindow, tmp_path: Path,
                                                boxes: Boxes) -> None:
    _open(qtbot, window, small_workbook(tmp_path / "small.xlsx"))
    assert window.start_plan(PlanOptions())
    assert window.runner.busy and not window.progress.isHidden()
    wait_idle(qtbot, window)
    assert window.plan is not None and window.plan.status is SolveStatus.OPTIMAL
    assert window.baseline is not None
    assert window.results.plan is window.plan
    assert not window.is_stale() and "Plan:" in window.plan_label.text()

    xlsx = tmp_path / "plan.xlsx"
    assert window.export_plan(xlsx)
    wait_idle(qtbot, window)
    assert xlsx.stat().st_size > 0
    csv = tmp_path / "alloc.csv"
    assert window.export_plan(csv)
    wait_idle(qtbot, window)
    assert "stream_id" in csv.read_text(encoding="utf-8-sig").splitlines()[0]

    pdf = tmp_path / "report.pdf"
    boxes.answers.append(dialogs.Button.No)  # "open it now?"
    assert window.export_report(pdf)
    wait_idle(qtbot, window)
    assert pdf.read_bytes().startswith(b"%PDF")
    assert "Report written" in boxes.titles()

    model, index = _cell_index(window, "Workstreams", "weekly_volume")
    model.setData(index, "999")
    assert window.is_stale()
    assert "out of date" in window.plan_label.text()
    assert "Out of date" in window.results.header.text()
    window.act_undo.trigger()  # back to the planned data: not stale any more
    assert not window.is_stale()


def test_print_current_view_to_pdf(qtbot, window: MainWindow, tmp_path: Path) -> None:
    window.start(None)
    wait_idle(qtbot, window)
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    out = tmp_path / "view.pdf"
    printer.setOutputFileName(str(out))
    window.print_view(printer)
    assert out.read_bytes().startswith(b"%PDF")


def test_cancel_a_long_plan_keeps_window_responsive(qtbot, window: MainWindow,
                                                    tmp_path: Path) -> None:
    _open(qtbot, window, big_workbook(tmp_path / "big.xlsx"))
    assert window.start_plan(PlanOptions())
    assert not window.progress.isHidden() and window.act_cancel.isEnabled()
    qtbot.waitUntil(lambda: "LP" in window.statusBar().currentMessage(), timeout=20_000)
    qtbot.wait(500)  # the event loop runs while the solver works
    assert window.runner.busy, "the plan finished before it could be cancelled"
    window.cancel_button.click()
    wait_idle(qtbot, window, timeout=20_000)
    assert window.plan is not None
    assert window.plan.status is SolveStatus.CANCELLED
    assert window.progress.isHidden() and not window.act_cancel.isEnabled()


def test_save_and_reopen_project(qtbot, make_window, settings: AppSettings,
                                 tmp_path: Path) -> None:
    window = make_window()
    _open(qtbot, window, small_workbook(tmp_path / "small.xlsx"))
    window.start_plan(PlanOptions())
    wait_idle(qtbot, window)
    model, index = _cell_index(window, "Contracts", "title")
    model.setData(index, "Edited title")
    project = tmp_path / "saved.mplan"
    assert window.save_as(project)
    assert not window.isWindowModified()
    data = json.loads(project.read_text(encoding="utf-8"))
    assert data["schema_version"] == SCHEMA_VERSION
    assert data["plan_stale"] is True

    other = make_window()
    _open(qtbot, other, project)
    assert other.project_path == project
    other_model, other_index = _cell_index(other, "Contracts", "title")
    assert other_model.cell(other_index.row(), other_index.column()) == "Edited title"
    assert other.plan is not None
    assert other.plan.total_cost == pytest.approx(window.plan.total_cost)
    assert other.plan.allocation.shape == window.plan.allocation.shape
    assert other.is_stale()  # saved after an edit: still out of date
    assert settings.recent_files()[0] == project.resolve()


def test_newer_project_version_is_refused(qtbot, window: MainWindow, tmp_path: Path,
                                          boxes: Boxes) -> None:
    window.start(None)
    wait_idle(qtbot, window)
    before = window.raw
    future = tmp_path / "future.mplan"
    future.write_text(json.dumps({"format": "migration-planner-project",
                                  "schema_version": SCHEMA_VERSION + 1, "workbook": {}}))
    _open(qtbot, window, future)
    assert window.raw is before  # nothing swapped
    _title, text, _ = boxes.shown[-1]
    assert "newer version" in text and "future.mplan" in text


def test_unreadable_file_leaves_window_unchanged(qtbot, window: MainWindow, tmp_path: Path,
                                                 boxes: Boxes) -> None:
    window.start(None)
    wait_idle(qtbot, window)
    before = window.raw
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"this is not a workbook")
    _open(qtbot, window, junk)
    assert window.raw is before
    assert boxes.shown and "junk.xlsx" in boxes.shown[-1][1]


def test_recovery_after_a_crash(qtbot, make_window, settings: AppSettings, tmp_path: Path,
                                boxes: Boxes) -> None:
    first = make_window()
    _open(qtbot, first, small_workbook(tmp_path / "small.xlsx"))
    model, index = _cell_index(first, "Contracts", "title")
    model.setData(index, "Unsaved edit")
    first.autosave()
    assert settings.recovery_path.exists()
    first.autosave_timer.stop()  # simulate the crash: the window never closes cleanly

    second = make_window()
    boxes.answers.append(dialogs.Button.Yes)
    second.start(None)
    wait_idle(qtbot, second)
    assert "Recover unsaved work" in boxes.titles()
    model2, index2 = _cell_index(second, "Contracts", "title")
    assert model2.cell(index2.row(), index2.column()) == "Unsaved edit"
    assert second.is_modified()
    # Saving the recovered work removes the recovery file.
    assert second.save_as(tmp_path / "recovered.mplan")
    assert not settings.recovery_path.exists()


def test_close_with_unsaved_changes_asks(qtbot, window: MainWindow, tmp_path: Path,
                                         boxes: Boxes) -> None:
    _open(qtbot, window, small_workbook(tmp_path / "small.xlsx"))
    model, index = _cell_index(window, "Contracts", "title")
    model.setData(index, "changed")
    boxes.answers.append(dialogs.Button.Cancel)
    assert not window.close()
    assert "Unsaved changes" in boxes.titles()
    boxes.answers.append(dialogs.Button.Discard)
    assert window.close()


def test_drop_a_workbook_opens_it(qtbot, window: MainWindow, tmp_path: Path) -> None:
    path = small_workbook(tmp_path / "dropped.xlsx")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(QPoint(10, 10), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    window.dropEvent(event)
    wait_idle(qtbot, window)
    assert window.source_path == path


def test_geometry_and_splitter_remembered(qtbot, make_window, settings: AppSettings) -> None:
    first = make_window()
    first.splitter.setSizes([300, 900])
    sizes = first.splitter.sizes()
    first.close()
    second = make_window()
    assert second.splitter.sizes() == sizes


def test_failed_plan_keeps_the_previous_state(qtbot, window: MainWindow, tmp_path: Path,
                                              boxes: Boxes, monkeypatch) -> None:
    from ui import tasks

    _open(qtbot, window, small_workbook(tmp_path / "small.xlsx"))
    window.start_plan(PlanOptions())
    wait_idle(qtbot, window)
    plan = window.plan

    def broken(*args, **kwargs):
        raise RuntimeError("solver exploded")

    monkeypatch.setattr(tasks, "plan", broken)
    assert window.start_plan(PlanOptions())
    wait_idle(qtbot, window)
    assert window.plan is plan and window.results.plan is plan
    title, text, informative = boxes.shown[-1]
    assert title == "Plan" and "solver exploded" in text and "Nothing was changed" in informative


def test_plan_dialog_returns_the_chosen_options(qtbot) -> None:
    from datetime import date

    from PySide6.QtCore import QDate

    from planner.domain import Mode
    from ui.plan_dialog import PlanDialog

    dialog = PlanDialog(PlanOptions(time_limit=30.0), date(2027, 1, 4))
    qtbot.addWidget(dialog)
    assert dialog.options() == PlanOptions(Mode.CHEAPEST, None, 30.0)
    dialog.mode.setCurrentIndex(1)
    dialog.use_deadline.setChecked(True)
    dialog.deadline.setDate(QDate(2027, 6, 30))
    dialog.time_limit.setValue(0)
    assert dialog.options() == PlanOptions(Mode.FASTEST, date(2027, 6, 30), None)


def test_about_lists_versions(qtbot, window: MainWindow, boxes: Boxes) -> None:
    import PySide6

    window.act_about.trigger()
    title, _text, informative = boxes.shown[-1]
    assert title.startswith("About")
    for name in ("Qt", "PySide6", "HiGHS", "Python"):
        assert name in informative
    assert PySide6.__version__ in informative


def test_drag_enter_accepts_workbooks_only(qtbot, window: MainWindow, tmp_path: Path) -> None:
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QDragEnterEvent

    def enter(name: str) -> bool:
        mime = QMimeData()
        mime.setUrls([QUrl.fromLocalFile(str(tmp_path / name))])
        event = QDragEnterEvent(QPointF(5, 5), Qt.DropAction.CopyAction, mime,
                                Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
        window.dragEnterEvent(event)
        return event.isAccepted()

    assert enter("contracts.xlsx") and enter("project.mplan")
    assert not enter("notes.txt")


def test_add_and_delete_rows_are_undoable(qtbot, window: MainWindow, tmp_path: Path) -> None:
    _open(qtbot, window, small_workbook(tmp_path / "small.xlsx"))
    page = window.data_tabs.page("Vendors")
    assert page is not None
    window.data_tabs.setCurrentWidget(page)
    rows = page.model.rowCount()
    last_excel = page.model.excel_row(rows - 1)
    window.act_add_row.trigger()
    assert page.model.rowCount() == rows + 1
    assert page.model.excel_row(rows) == last_excel + 1  # a fresh, unique row number
    page.table.closePersistentEditor(page.table.currentIndex())
    page.model.setData(page.model.index(rows, 0), "Brand New Vendor")
    assert any("Brand New Vendor" in p.render() for p in window.import_result.problems)
    first = [page.model.cell(0, c) for c in range(page.model.columnCount())]
    page.table.selectRow(0)
    window.act_delete_rows.trigger()
    assert page.model.rowCount() == rows
    assert [page.model.cell(0, c) for c in range(page.model.columnCount())] != first
    for _ in range(3):  # delete, edit, add
        window.act_undo.trigger()
    assert page.model.rowCount() == rows
    assert [page.model.cell(0, c) for c in range(page.model.columnCount())] == first
    assert not window.isWindowModified()


def test_failed_first_open_falls_back_to_the_sample(qtbot, window: MainWindow, tmp_path: Path,
                                                    boxes: Boxes) -> None:
    junk = tmp_path / "junk.mplan"
    junk.write_text("{not json")
    window.start(junk)
    qtbot.waitUntil(lambda: window.raw is not None and not window.runner.busy, timeout=60_000)
    assert window.source_path == sample_workbook()
    assert any("junk.mplan" in text for _, text, _ in boxes.shown)


def test_damaged_recovery_file_is_set_aside(qtbot, window: MainWindow, settings: AppSettings,
                                            boxes: Boxes) -> None:
    settings.recovery_path.write_text('{"format": "migration-planner-project", '
                                      '"schema_version": 1}')
    boxes.answers.append(dialogs.Button.Yes)
    window.start(None)
    qtbot.waitUntil(lambda: window.raw is not None and not window.runner.busy, timeout=60_000)
    assert not settings.recovery_path.exists()
    assert settings.recovery_path.with_suffix(".mplan.bak").exists()
    assert window.source_path == sample_workbook()
