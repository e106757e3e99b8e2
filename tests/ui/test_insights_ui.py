"""The Insights tab on the real window: price of speed, levers, doctor, scenarios (typed,
validated, compared), ramp risk (run, cancel), the project file, the report's bundle."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from gui_support import Boxes, wait_idle
from gui_workbooks import small_workbook
from PySide6.QtCore import Qt

from planner.domain import Mode
from planner.insights.risk import ALL, RiskResult
from planner.insights.speed import PriceOfSpeed
from sample_contracts.generator import generate, write_workbook
from ui import tasks
from ui.insights.area import needs_doctor
from ui.insights.risk import SlipRow
from ui.insights.scenarios import ScenarioDialog, read_scenario
from ui.main_window import MainWindow
from ui.project_file import SCHEMA_VERSION, PlanOptions


def speed_workbook(path: Path) -> Path:
    """Tiny, with a full exit by week 16 that costs more than staying (a real curve)."""
    return write_workbook(generate(2, 4, 4, 26, seed=3), path)


def _planned(qtbot, window: MainWindow, path: Path) -> MainWindow:
    window.open_file(path)
    wait_idle(qtbot, window)
    assert window.start_plan(PlanOptions())
    wait_idle(qtbot, window)
    assert window.plan is not None and window.plan.status.has_plan
    window.results.tabs.setCurrentWidget(window.insights_area)
    return window


def _click_and_wait(qtbot, window: MainWindow, button) -> None:
    assert button.isEnabled(), button.toolTip()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window, timeout=180_000)


def _edit_cell(window: MainWindow, sheet: str, header: str, value: str) -> None:
    page = window.data_tabs.page(sheet)
    assert page is not None
    col = [h.casefold() for h in page.model.raw.headers].index(header)
    assert page.model.setData(page.model.index(0, col), value)


def test_price_of_speed_fills_chart_and_table_and_goes_stale(
        qtbot, qtmodeltester, window: MainWindow, tmp_path: Path) -> None:
    _planned(qtbot, window, speed_workbook(tmp_path / "speed.xlsx"))
    panel = window.insights_area.speed
    assert not panel.has_result()
    panel.points_spin.setValue(6)
    _click_and_wait(qtbot, window, panel.compute_button)
    result = panel.result
    assert isinstance(result, PriceOfSpeed) and len(result.points) >= 2
    assert panel.model.rowCount() == len(result.points)
    assert len(panel.chart.points) == len(result.points)
    assert any(p.chosen for p in panel.chart.points)  # the plan on screen is marked
    assert "fastest full exit" in panel.summary.text()
    first = panel.chart.position(0)
    assert "Exit by week" in panel.chart.tooltip_at(first)
    qtmodeltester.check(panel.model)
    assert not panel.is_stale()
    assert window.insights.bundle() is not None
    assert window.insights.bundle().speed is result

    _edit_cell(window, "Workstreams", "weekly_volume", "777")  # the data changes: stale
    assert panel.is_stale()
    assert window.insights.bundle() is None  # the report gets no out-of-date insight
    assert not panel.compute_button.isEnabled()  # a stale plan: plan again first
    window.undo_stack.undo()  # back to the planned data: fresh again
    assert not panel.is_stale()
    assert panel.compute_button.isEnabled()


def test_levers_and_doctor(qtbot, qtmodeltester, window: MainWindow,
                           tmp_path: Path) -> None:
    _planned(qtbot, window, small_workbook(tmp_path / "small.xlsx"))  # no full exit
    area = window.insights_area
    assert needs_doctor(window.plan) and area.doctor_visible()
    _click_and_wait(qtbot, window, area.doctor.compute_button)
    report = area.doctor.result
    assert report is not None and report.diagnoses
    assert area.doctor.problems_model.rowCount() == len(report.diagnoses)
    assert area.doctor.fixes_model.rowCount() >= 1
    qtmodeltester.check(area.doctor.problems_model)
    qtmodeltester.check(area.doctor.fixes_model)
    area.levers.top_spin.setValue(2)
    _click_and_wait(qtbot, window, area.levers.compute_button)
    levers = area.levers.result
    assert levers is not None and levers.summary in area.levers.summary.text()
    assert area.levers.model.rowCount() == len(levers.levers)
    qtmodeltester.check(area.levers.model)


def test_doctor_hidden_for_a_plan_with_a_full_exit(qtbot, window: MainWindow,
                                                  tmp_path: Path) -> None:
    path = tmp_path / "fast.xlsx"
    speed_workbook(path)
    window.open_file(path)
    wait_idle(qtbot, window)
    assert window.start_plan(PlanOptions(mode=Mode.FASTEST))
    wait_idle(qtbot, window)
    assert window.plan is not None and window.plan.completion_week < window.plan.horizon_weeks
    assert not window.insights_area.doctor_visible()


def test_scenario_typo_is_explained_then_compared(
        qtbot, qtmodeltester, window: MainWindow, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    _planned(qtbot, window, speed_workbook(tmp_path / "speed.xlsx"))
    panel = window.insights_area.scenarios
    window.insights_area.show_page("scenarios")
    assert not panel.compute_button.isEnabled()  # nothing to compare yet
    seen: list[str] = []

    def drive(dialog: ScenarioDialog):
        dialog.name_edit.setText("Turing faster")
        dialog.changes_edit.setPlainText("capacty Turing coding +500 from 4\nonboarding Turng 2")
        assert not dialog.save_button.isEnabled()
        seen.append(dialog.message.text())
        dialog.changes_edit.setPlainText("capacity Turing coding +500 from 4\nonboarding Turing 2")
        assert dialog.save_button.isEnabled()
        dialog.save_button.click()
        return dialog.entry if dialog.result() == ScenarioDialog.DialogCode.Accepted else None

    monkeypatch.setattr(panel, "run_dialog", drive)
    qtbot.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)
    assert "unknown change 'capacty'; did you mean capacity?" in seen[0]
    assert "unknown vendor 'Turng'; did you mean 'Turing'?" in seen[0]
    assert [e.name for e in panel.entries] == ["Turing faster"]
    assert window.is_modified()  # scenarios are part of the project
    qtmodeltester.check(panel.list_model)

    _click_and_wait(qtbot, window, panel.compute_button)
    comparison = panel.result
    assert comparison is not None and not comparison.cancelled
    assert [o.name for o in comparison.outcomes] == ["Base", "Turing faster"]
    assert panel.model.rowCount() == 2
    assert "Turing faster" in panel.summary.text()
    qtmodeltester.check(panel.model)


def test_scenario_read_names_every_problem() -> None:
    with pytest.raises(Exception) as info:
        read_scenario("", "", None)
    problems = info.value.problems  # type: ignore[attr-defined]
    assert "give the scenario a name" in problems
    assert any(p.startswith("no changes") for p in problems)
    with pytest.raises(Exception) as info:
        read_scenario("base", "mode fastest", None)
    assert "'Base' is the plan without changes" in info.value.problems[0]  # type: ignore
    with pytest.raises(Exception) as info:
        read_scenario("x", "capacity \"Turing +5", None)
    assert "No closing quotation" in info.value.problems[0]  # type: ignore[attr-defined]


def test_risk_runs_and_a_cancel_keeps_a_marked_partial_result(
        qtbot, qtmodeltester, window: MainWindow, tmp_path: Path) -> None:
    _planned(qtbot, window, speed_workbook(tmp_path / "speed.xlsx"))
    panel = window.insights_area.risk
    window.insights_area.show_page("risk")
    panel.runs_spin.setValue(6)
    panel.workers_spin.setValue(1)
    _click_and_wait(qtbot, window, panel.compute_button)
    result = panel.result
    assert isinstance(result, RiskResult) and result.runs_done == 6 and not result.cancelled
    assert sum(b.runs for b in panel.histogram.bins) == 6
    assert "P50" in panel.figures.text() and "P90" in panel.figures.text()
    assert panel.partial_banner.isHidden()
    assert panel.model.rowCount() == len(result.impacts)
    qtmodeltester.check(panel.model)

    panel.runs_spin.setValue(2000)
    qtbot.mouseClick(panel.compute_button, Qt.MouseButton.LeftButton)
    assert not panel.cancel_button.isHidden()
    qtbot.waitUntil(lambda: "Ramp risk: " in panel.progress_label.text()
                    and not panel.progress_label.text().startswith("Ramp risk: 0 of"),
                    timeout=120_000)
    qtbot.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window, timeout=120_000)
    partial = panel.result
    assert isinstance(partial, RiskResult) and partial.cancelled
    assert partial.runs_done < 2000
    assert not panel.partial_banner.isHidden()
    assert "Partial result" in panel.partial_banner.text()
    assert panel.cancel_button.isHidden()


def test_risk_form_problems_are_shown_not_run(qtbot, window: MainWindow, tmp_path: Path,
                                              boxes: Boxes) -> None:
    _planned(qtbot, window, speed_workbook(tmp_path / "speed.xlsx"))
    panel = window.insights_area.risk
    panel.set_spec(panel.spec())
    panel.add_row(SlipRow(ALL, (3, 1, 4), (1, 1, 1)))  # twice "all", and min > likely
    assert not window.insights.compute("risk")
    assert "row 2 (All other vendors): onboarding slip needs min ≤ most likely ≤ max" in (
        panel.form_message.text())
    assert "Ramp risk" in boxes.titles()
    assert not window.runner.busy


def test_project_keeps_scenarios_and_risk_settings(
        qtbot, make_window, tmp_path: Path) -> None:
    window = make_window()
    path = speed_workbook(tmp_path / "speed.xlsx")
    window.open_file(path)
    wait_idle(qtbot, window)
    panel = window.insights_area.scenarios
    panel.put(read_scenario("More Turing", "capacity turing coding x2", window.dataset))
    panel.put(read_scenario("No fees", "fee * x0; notice * 0", window.dataset))
    risk = window.insights_area.risk
    risk.slips.setRowCount(0)
    risk.add_row(SlipRow("Turing", (1, 2, 6), (1.0, 1.2, 2.0)))
    risk.add_row(SlipRow(ALL, (0, 0, 3), (1.0, 1.0, 1.0)))
    risk.runs_spin.setValue(17)
    risk.seed_spin.setValue(5)
    spec = risk.spec()
    risk.add_row(SlipRow(ALL, (5, 1, 0), (1.0, 1.0, 1.0)))  # invalid: the last valid is kept
    assert "row 3" in risk.form_message.text()
    project = tmp_path / "kept.mplan"
    assert window.save_as(project)
    assert not window.is_modified()
    data = json.loads(project.read_text(encoding="utf-8"))
    assert data["schema_version"] == SCHEMA_VERSION == 2

    again = make_window()
    again.open_file(project)
    wait_idle(qtbot, again)
    entries = again.insights_area.scenarios.entries
    assert [(e.name, e.text) for e in entries] == [
        ("More Turing", "capacity turing coding x2"), ("No fees", "fee * x0\nnotice * 0")]
    assert [e.scenario for e in entries] == [e.scenario for e in panel.entries]
    assert again.insights_area.risk.spec() == spec
    assert again.insights_area.risk.rows()[0] == SlipRow("Turing", (1, 2, 6), (1.0, 1.2, 2.0))
    assert not again.is_modified()

    old = tmp_path / "old.mplan"  # a version-1 project: no scenarios, default risk form
    data["schema_version"] = 1
    del data["scenarios"], data["risk"]
    old.write_text(json.dumps(data), encoding="utf-8")
    again.open_file(old)
    wait_idle(qtbot, again)
    assert again.project_path == old
    assert again.insights_area.scenarios.entries == []
    assert again.insights_area.risk.spec().runs == 50


def test_report_gets_the_insights_of_the_current_plan(
        qtbot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _planned(qtbot, window, speed_workbook(tmp_path / "speed.xlsx"))
    window.insights_area.speed.points_spin.setValue(3)
    _click_and_wait(qtbot, window, window.insights_area.speed.compute_button)
    real = tmp_path / "real.pdf"  # the real report takes the bundle
    assert window.export_report(real)
    wait_idle(qtbot, window)
    from pypdf import PdfReader

    text = "".join(page.extract_text() or "" for page in PdfReader(real).pages)
    assert "Decision support" in text and "Price of speed" in text
    window.start_plan(PlanOptions())  # a new plan: nothing computed for it yet
    wait_idle(qtbot, window)
    got: list[object] = []

    def fake_write(path, plan, dataset, baseline, page_size, progress, cancel,
                   insights=None):
        got.append(insights)
        return path

    monkeypatch.setattr(tasks, "write_report", fake_write)
    assert window.export_report(tmp_path / "before.pdf")
    wait_idle(qtbot, window)
    assert got == [None]  # nothing computed yet
    window.insights_area.speed.points_spin.setValue(3)
    _click_and_wait(qtbot, window, window.insights_area.speed.compute_button)
    assert window.export_report(tmp_path / "with.pdf")
    wait_idle(qtbot, window)
    bundle = got[-1]
    assert bundle is not None and bundle.speed is window.insights_area.speed.result
    assert bundle.levers is None and bundle.risk is None
    assert window.start_plan(PlanOptions())  # a new plan: the curve is of the old one
    wait_idle(qtbot, window)
    assert window.insights_area.speed.is_stale()
    assert window.export_report(tmp_path / "after.pdf")
    wait_idle(qtbot, window)
    assert got[-1] is None


def test_scenario_edit_and_remove(qtbot, window: MainWindow, tmp_path: Path,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    window.open_file(speed_workbook(tmp_path / "speed.xlsx"))
    wait_idle(qtbot, window)
    panel = window.insights_area.scenarios
    panel.put(read_scenario("A", "fee * x0", window.dataset))
    panel.put(read_scenario("B", "notice * 0", window.dataset))

    def rename(dialog: ScenarioDialog):
        assert dialog.name_edit.text() == "B"  # the dialog opens on the scenario as typed
        assert dialog.changes_edit.toPlainText() == "notice * 0"
        dialog.name_edit.setText("A")  # taken by the other scenario
        assert not dialog.save_button.isEnabled()
        assert "already a scenario named 'A'" in dialog.message.text()
        dialog.name_edit.setText("B2")
        dialog.changes_edit.setPlainText("notice * 0; setup Turing 0")
        dialog.save_button.click()
        return dialog.entry

    monkeypatch.setattr(panel, "run_dialog", rename)
    panel.list_table.selectRow(1)
    qtbot.mouseClick(panel.edit_button, Qt.MouseButton.LeftButton)
    assert [e.name for e in panel.entries] == ["A", "B2"]
    assert len(panel.entries[1].scenario.changes) == 2
    panel.list_table.selectRow(0)
    qtbot.mouseClick(panel.remove_button, Qt.MouseButton.LeftButton)
    assert [e.name for e in panel.entries] == ["B2"]
    assert panel.list_model.rowCount() == 1
