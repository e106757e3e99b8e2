"""Result views: each shows the plan's data, clears on None, flags a stale plan."""

from __future__ import annotations

import json
import os
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QHelpEvent, QPalette, QWheelEvent
from PySide6.QtWidgets import QApplication, QBoxLayout, QToolTip, QWidget
from pytestqt.qtbot import QtBot
from views_fixtures import EXITED, PLAN_START, baseline_plan, large_plan, small_plan

import ui.views.timeline as timeline_module
from planner.domain import Mode
from planner.results import PlanResult, SolveStatus
from ui.views import (
    ActionsView,
    ContractsView,
    CostView,
    DataFrameModel,
    LoadView,
    PlanView,
    TimelineView,
    UnservedView,
    palette,
    vendor_color,
)
from ui.views.charts import date_ticks, nice_ticks
from ui.views.dataframe_model import SORT_ROLE, Column, Kind, SortProxy
from ui.views.palette import text_color_on
from ui.views.tables import CONTRACT_COLUMNS
from ui.views.theme import Theme
from ui.views.timeline import Phase

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ALL_VIEWS = [TimelineView, LoadView, CostView, ActionsView, ContractsView, UnservedView]


@pytest.fixture(scope="module")
def plan() -> PlanResult:
    return small_plan()


@pytest.fixture(scope="module")
def baseline() -> PlanResult:
    return baseline_plan()


def make_view(qtbot: QtBot, cls: type[PlanView], size: tuple[int, int] = (1100, 520)) -> PlanView:
    view = cls()
    qtbot.addWidget(view)
    view.resize(*size)
    view.show()
    qtbot.waitExposed(view)
    return view


def table_texts(view: QWidget, column: int) -> list[str]:
    model = view.table.model()  # type: ignore[attr-defined]
    return [model.index(r, column).data() for r in range(model.rowCount())]


# -- DataFrameModel ----------------------------------------------------------------------


def test_dataframe_model_passes_modeltester(qtmodeltester, plan: PlanResult) -> None:  # type: ignore[no-untyped-def]
    model = DataFrameModel(CONTRACT_COLUMNS)
    model.set_frame(plan.contracts, plan.currency)
    qtmodeltester.check(model)
    proxy = SortProxy()
    proxy.setSourceModel(model)
    proxy.sort(3, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(proxy)
    model.set_frame(None)
    qtmodeltester.check(model)
    assert model.rowCount() == 0


def test_dataframe_model_formats_cells_by_kind(plan: PlanResult) -> None:
    model = DataFrameModel(CONTRACT_COLUMNS)
    model.set_frame(plan.contracts, "EUR")
    keys = [c.key for c in CONTRACT_COLUMNS]
    c1 = 0

    def cell(key: str, row: int = c1, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        return model.index(row, keys.index(key)).data(role)

    assert model.rowCount() == len(plan.contracts) == 3
    assert cell("termination_fee") == "EUR 10,000"
    assert cell("exit_date") == "2027-03-01"
    assert cell("terminated_early") == "early"
    assert cell("terminated_early", 1) == "at term"
    assert cell("notice_by", 1) == ""  # None shows blank
    assert cell("exit_date", role=SORT_ROLE) == date(2027, 3, 1).toordinal()
    align = cell("termination_fee", role=Qt.ItemDataRole.TextAlignmentRole)
    assert int(align) & int(Qt.AlignmentFlag.AlignRight)


def test_dataframe_model_tolerates_missing_columns_and_values() -> None:
    columns = [Column("a", "Amount ({currency})", Kind.MONEY), Column("b", "B", Kind.DATE)]
    model = DataFrameModel(columns)
    model.set_frame(pd.DataFrame({"a": [1.5, float("nan")]}), "USD")
    assert model.headerData(0, Qt.Orientation.Horizontal) == "Amount (USD)"
    assert model.index(0, 0).data() == "USD 2"
    assert model.index(1, 0).data() == ""
    assert model.index(0, 1).data() == ""  # column b absent from the frame


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        (Qt.SortOrder.AscendingOrder, ["9", "10", "100", ""]),
        (Qt.SortOrder.DescendingOrder, ["100", "10", "9", ""]),
    ],
)
def test_sort_proxy_sorts_numbers_as_numbers_blanks_last(
    order: Qt.SortOrder, expected: list[str]
) -> None:
    model = DataFrameModel([Column("n", "N", Kind.NUMBER)])
    model.set_frame(pd.DataFrame({"n": [10, None, 9, 100]}))
    proxy = SortProxy()
    proxy.setSourceModel(model)
    proxy.sort(0, order)
    assert [proxy.index(r, 0).data() for r in range(4)] == expected


# -- shared behaviour ----------------------------------------------------------------------


@pytest.mark.parametrize("cls", ALL_VIEWS)
def test_view_shows_plan_then_clears(
    qtbot: QtBot, cls: type[PlanView], plan: PlanResult, baseline: PlanResult
) -> None:
    view = make_view(qtbot, cls)
    assert not view.has_plan()
    assert view.empty_label.isVisibleTo(view)
    view.set_plan(plan, baseline)
    assert view.has_plan() and not view.empty_label.isVisibleTo(view)
    view.set_plan(None)
    assert not view.has_plan() and view.plan is None
    assert "No plan" in view.empty_label.text()


@pytest.mark.parametrize("cls", ALL_VIEWS)
def test_stale_banner_appears_and_goes(qtbot: QtBot, cls: type[PlanView], plan: PlanResult) -> None:
    view = make_view(qtbot, cls)
    view.set_plan(plan)
    assert not view.stale_banner.isVisibleTo(view)
    view.set_stale(True)
    assert view.is_stale() and view.stale_banner.isVisibleTo(view)
    assert "out of date" in view.stale_banner.label.text()
    view.set_stale(False)
    assert not view.is_stale() and not view.stale_banner.isVisibleTo(view)


@pytest.mark.parametrize("cls", ALL_VIEWS)
def test_plan_without_solution_shows_status(
    qtbot: QtBot, cls: type[PlanView], plan: PlanResult
) -> None:
    view = make_view(qtbot, cls)
    failed = replace(plan, status=SolveStatus.INFEASIBLE)
    view.set_plan(failed)
    assert not view.has_plan()
    assert "infeasible" in view.empty_label.text()


@pytest.mark.parametrize("cls", ALL_VIEWS)
def test_views_render_to_png(
    qtbot: QtBot, cls: type[PlanView], plan: PlanResult, baseline: PlanResult, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    view = make_view(qtbot, cls)
    view.set_plan(plan, baseline)
    view.set_stale(True)
    path = tmp_path / f"{cls.__name__}.png"
    assert view.grab().save(str(path))
    assert path.stat().st_size > 5_000  # a real picture, not an empty grab


@pytest.mark.parametrize("cls", ALL_VIEWS)
def test_plan_with_empty_tables_does_not_crash(
    qtbot: QtBot, cls: type[PlanView], plan: PlanResult
) -> None:
    empty = pd.DataFrame()
    bare = replace(
        plan,
        allocation=empty,
        contracts=empty,
        vendors=empty,
        unserved=empty,
        weekly_cost=empty,
        actions=empty,
        capacity=empty,
        streams=empty,
        shortages=[],
        notes=[],
    )
    view = make_view(qtbot, cls)
    view.set_plan(bare)
    assert view.has_plan()
    assert not view.grab().isNull()


def test_same_plan_again_is_not_recomputed(
    qtbot: QtBot, plan: PlanResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[PlanResult] = []
    original = timeline_module.build_rows

    def counting(p: PlanResult) -> list[timeline_module.ContractRow]:
        calls.append(p)
        return original(p)

    monkeypatch.setattr(timeline_module, "build_rows", counting)
    view = make_view(qtbot, TimelineView)
    view.set_plan(plan)
    view.set_plan(plan)
    assert len(calls) == 1
    other = small_plan(delay=2)
    view.set_plan(other)
    assert calls == [plan, other]


# -- timeline --------------------------------------------------------------------------------


def test_timeline_rows_and_collapse(qtbot: QtBot, plan: PlanResult) -> None:
    view = make_view(qtbot, TimelineView)
    view.set_plan(plan)
    canvas = view.canvas
    assert canvas.visible_row_count == len(plan.contracts) + len(plan.streams) == 6
    assert [c.contract_id for c in canvas.contracts] == ["C1", "C2", "C3"]
    assert [s.stream_id for s in canvas.contracts[0].streams] == ["S1", "S2"]
    view.collapse_button.click()
    assert canvas.visible_row_count == 3
    view.expand_button.click()
    canvas.set_collapsed("C1", True)
    assert canvas.visible_row_count == 4
    row = canvas.row_index("C1", contract=True)
    assert row is not None
    qtbot.mouseClick(
        canvas.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(20, canvas.row_top(row) + 5)
    )
    assert not canvas.is_collapsed("C1") and canvas.visible_row_count == 6


def test_timeline_segments_follow_the_allocation(qtbot: QtBot, plan: PlanResult) -> None:
    view = make_view(qtbot, TimelineView)
    view.set_plan(plan)
    s1 = view.canvas.contracts[0].streams[0]
    phases = [(s.phase, s.start_week, s.end_week, s.vendors) for s in s1.segments]
    # S1 moves to Northwind over 4 weeks from week 2; C1 exits at week 8
    assert phases == [
        (Phase.EXITING, 0, 2, (EXITED,)),
        (Phase.CUTOVER, 2, 5, (EXITED, "Northwind Data")),
        (Phase.NEW, 5, 26, ("Northwind Data",)),
    ]
    s3 = view.canvas.contracts[1].streams[0]
    assert [(s.phase, s.start_week, s.end_week) for s in s3.segments] == [
        (Phase.EXITING, 0, 8),
        (Phase.UNSERVED, 8, 26),
    ]


def test_timeline_tooltips_name_stream_vendor_weeks_and_tasks(
    qtbot: QtBot, plan: PlanResult
) -> None:
    view = make_view(qtbot, TimelineView)
    view.set_plan(plan)
    canvas = view.canvas
    at_cutover = canvas.point_for("S1", 3)
    segment = view.segment_at(at_cutover)
    assert segment is not None and segment.phase == Phase.CUTOVER
    text = view.tooltip_at(at_cutover)
    assert "Stream S1 — Image boxes" in text
    assert "Cutover: weeks 2–4" in text
    assert f"Week 3 ({date(2027, 1, 25).isoformat()})" in text
    assert f"{EXITED} (exiting): 50 tasks/week" in text
    assert "Northwind Data: 50 tasks/week" in text
    unserved = view.tooltip_at(canvas.point_for("S3", 12))
    assert "Unserved: weeks 8–25" in unserved and "Unserved: 40 tasks/week" in unserved
    row = canvas.row_index("C1", contract=True)
    assert row is not None
    contract = view.tooltip_at(QPoint(canvas.label_width + 5, canvas.row_top(row) + 5))
    assert "Contract C1" in contract and "terminated early" in contract
    assert "notice by 2027-01-30" in contract
    assert view.tooltip_at(QPoint(5, 5)) == ""  # the corner


@pytest.mark.qt_log_ignore(  # the offscreen platform cannot raise or size tooltip windows
    r"This plugin does not support raise\(\)",
    r"This plugin does not support propagateSizeHints\(\)",
)
def test_hover_shows_the_tooltip_text(qtbot: QtBot, plan: PlanResult) -> None:
    timeline = make_view(qtbot, TimelineView)
    timeline.set_plan(plan)
    load = make_view(qtbot, LoadView)
    load.set_plan(plan)
    chart_point = QPoint(int(load.chart.x_of_week(4.5)), int(load.chart.plot_rect().center().y()))
    for widget, pos, expected in (
        (
            timeline.canvas.viewport(),
            timeline.canvas.point_for("S2", 4),
            timeline.tooltip_at(timeline.canvas.point_for("S2", 4)),
        ),
        (load.chart, chart_point, load.tooltip_at(chart_point)),
    ):
        assert expected
        event = QHelpEvent(QEvent.Type.ToolTip, pos, widget.mapToGlobal(pos))
        QApplication.sendEvent(widget, event)
        assert QToolTip.text() == expected
        QToolTip.hideText()


def test_timeline_paints_vendor_colours_where_the_work_is(qtbot: QtBot, plan: PlanResult) -> None:
    view = make_view(qtbot, TimelineView)
    view.set_plan(plan)
    canvas = view.canvas
    image = canvas.viewport().grab().toImage()
    dpr = image.devicePixelRatio()

    def colour_at(point: QPoint) -> QColor:
        return image.pixelColor(int(point.x() * dpr), int(point.y() * dpr))

    point = canvas.point_for("S1", 20)
    assert (
        colour_at(QPoint(point.x(), point.y() + 4)).name() == vendor_color("Northwind Data").name()
    )
    point = canvas.point_for("S2", 1)
    assert colour_at(QPoint(point.x(), point.y() + 4)).name() == vendor_color(EXITED, True).name()


def test_timeline_zoom_changes_scale(qtbot: QtBot, plan: PlanResult) -> None:
    view = make_view(qtbot, TimelineView)
    view.set_plan(plan)
    canvas = view.canvas
    fitted = view.pixels_per_week
    available = canvas.viewport().width() - canvas.label_width
    assert fitted * plan.horizon_weeks == pytest.approx(available - 12, abs=1)
    view.zoom_in_button.click()
    assert view.pixels_per_week == pytest.approx(fitted * 1.25)
    view.zoom_out_button.click()
    view.zoom_out_button.click()
    assert view.pixels_per_week == pytest.approx(fitted / 1.25)
    x = canvas.x_of_week(10)
    event = QWheelEvent(
        QPointF(x, 100),
        QPointF(canvas.viewport().mapToGlobal(QPoint(int(x), 100))),
        QPoint(),
        QPoint(0, 240),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.ControlModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    canvas.wheelEvent(event)
    assert view.pixels_per_week == pytest.approx(fitted * 1.25)
    assert canvas.x_of_week(10) == pytest.approx(x, abs=1)  # zoom keeps the date under the mouse
    view.fit_button.click()
    assert view.pixels_per_week == pytest.approx(fitted)
    assert canvas.horizontalScrollBar().maximum() == 0


def test_timeline_shift_wheel_scrolls_along_time(qtbot: QtBot, plan: PlanResult) -> None:
    view = make_view(qtbot, TimelineView)
    view.set_plan(plan)
    view.zoom_in_button.click()
    view.zoom_in_button.click()
    bar = view.canvas.horizontalScrollBar()
    bar.setValue(0)
    assert bar.maximum() > 0
    event = QWheelEvent(
        QPointF(400, 100),
        QPointF(400, 100),
        QPoint(),
        QPoint(0, -120),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.ShiftModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    zoom = view.pixels_per_week
    view.canvas.wheelEvent(event)
    assert bar.value() > 0 and view.pixels_per_week == zoom


def test_timeline_stays_fast_with_500_streams(qtbot: QtBot) -> None:
    big = large_plan(n_streams=500, horizon=104)
    view = make_view(qtbot, TimelineView, (1400, 900))
    started = time.perf_counter()
    view.set_plan(big)
    prepared = time.perf_counter() - started
    started = time.perf_counter()
    view.canvas.viewport().grab()
    painted = time.perf_counter() - started
    assert view.canvas.visible_row_count == 550
    assert prepared < 3.0, f"set_plan took {prepared:.2f} s"
    assert painted < 0.5, f"one paint took {painted:.3f} s"
    view.zoom_in_button.click()
    view.canvas.verticalScrollBar().setValue(view.canvas.verticalScrollBar().maximum())
    text = view.tooltip_at(
        QPoint(view.canvas.label_width + 40, view.canvas.viewport().height() - 10)
    )
    assert "Stream S0499" in text or "Stream S0449" in text


# -- load ----------------------------------------------------------------------------------


def test_load_view_stacks_vendors_against_capacity(qtbot: QtBot, plan: PlanResult) -> None:
    view = make_view(qtbot, LoadView)
    view.set_plan(plan)
    box = view.vendor_box
    assert [box.itemText(i) for i in range(box.count())] == [
        "All vendors",
        EXITED,
        "Northwind Data",
        "Turing Labs",
    ]
    data = view.chart.data
    assert data is not None
    assert [s.label for s in data.series] == [  # alternatives at the bottom, by capacity
        "Northwind Data",
        "Turing Labs",
        f"{EXITED} (exiting)",
        "Unserved",
    ]
    stacked = sum(s.values for s in data.series)
    assert stacked.tolist() == [200.0] * 26  # every week's volume is placed or unserved
    assert data.lines[0].values.tolist() == [200.0] * 26  # 120 + 80 capacity
    assert [i.label for i in view.legend.items][-1] == "Capacity of alternatives"
    view.select_vendor("Northwind Data")
    data = view.chart.data
    assert data is not None and [s.label for s in data.series] == ["Northwind Data: bbox"]
    assert data.lines[0].values.max() == 120.0
    assert "83%" in view.summary.text()  # 100 of 120 tasks


def test_load_view_tooltip_lists_the_week(qtbot: QtBot, plan: PlanResult) -> None:
    view = make_view(qtbot, LoadView)
    view.set_plan(plan)
    chart = view.chart
    plot = chart.plot_rect()
    pos = QPointF(chart.x_of_week(3.5), plot.center().y())
    assert chart.week_at(pos) == 3
    text = view.tooltip_at(pos)
    assert text.splitlines()[0] == "Week 3 — 2027-01-25"
    assert "Northwind Data: 50" in text and f"{EXITED} (exiting): 150" in text
    assert "Turing Labs: 0" not in text
    assert "Capacity of alternatives: 200" in text
    assert view.tooltip_at(QPointF(1, 1)) == ""


# -- cost ----------------------------------------------------------------------------------


def test_cost_view_compares_with_baseline(
    qtbot: QtBot, plan: PlanResult, baseline: PlanResult
) -> None:
    view = make_view(qtbot, CostView, (1200, 760))
    view.set_plan(plan, baseline)
    assert table_texts(view, 0) == [
        "Run cost",
        "Setup fees",
        "Termination fees",
        "Commitment shortfall",
        "Unserved penalty",
        "Total",
    ]
    saving = baseline.total_cost - plan.total_cost
    assert saving > 0
    total_row = table_texts(view, 3)[-1]
    assert total_row == f"-EUR {saving:,.0f}"
    assert f"saves EUR {saving:,.0f}" in view.summary.text()
    assert table_texts(view, 1)[-1] == f"EUR {plan.total_cost:,.0f}"
    assert [r[0] for r in view.bars.rows] == [label for label, _ in plan.costs.as_rows()]
    data = view.weekly.data
    assert data is not None
    total = sum(float(s.values.sum()) for s in data.series)
    assert total == pytest.approx(plan.total_cost)
    assert "EUR" in view.weekly.tooltip_at(
        QPointF(view.weekly.x_of_week(0.5), view.weekly.plot_rect().center().y())
    )


def test_cost_view_puts_the_table_under_the_bars_when_narrow(
    qtbot: QtBot, plan: PlanResult, baseline: PlanResult
) -> None:
    view = make_view(qtbot, CostView, (700, 500))
    view.set_plan(plan, baseline)
    assert view.breakdown.direction() == QBoxLayout.Direction.TopToBottom
    view.resize(1300, 800)
    qtbot.waitUntil(lambda: view.breakdown.direction() == QBoxLayout.Direction.LeftToRight)
    rows = view.table.model().rowCount()
    assert view.table.height() >= sum(view.table.rowHeight(r) for r in range(rows))


def test_cost_view_without_baseline_hides_comparison(qtbot: QtBot, plan: PlanResult) -> None:
    view = make_view(qtbot, CostView, (1200, 760))
    view.set_plan(plan)
    assert view.table.isColumnHidden(2) and view.table.isColumnHidden(3)
    assert "naive" not in view.summary.text()
    assert all(base is None for _, _, base in view.bars.rows)
    assert "This plan costs <b>EUR" in view.summary.text()


def test_cost_view_says_when_plan_costs_more(
    qtbot: QtBot, plan: PlanResult, baseline: PlanResult
) -> None:
    view = make_view(qtbot, CostView, (1200, 760))
    view.set_plan(baseline, plan)
    assert "more</b>" in view.summary.text() and "saves" not in view.summary.text()


# -- tables ---------------------------------------------------------------------------------


def test_actions_view_lists_and_sorts_actions(qtbot: QtBot, plan: PlanResult) -> None:
    view = make_view(qtbot, ActionsView)
    view.set_plan(plan)
    assert view.table.model().rowCount() == len(plan.actions) == 4
    assert table_texts(view, 1) == list(plan.actions["kind"])
    view.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    dates = table_texts(view, 0)
    assert dates == sorted(dates, reverse=True) and dates[0] == "2027-05-01"
    assert "4</b> actions" in view.summary.text()


def test_actions_view_highlights_past_due(qtbot: QtBot, plan: PlanResult) -> None:
    actions = plan.actions.copy()
    actions.loc[0, "date"] = date(2026, 12, 1)  # before plan start
    late = replace(plan, actions=actions)
    view = make_view(qtbot, ActionsView)
    view.set_plan(late)
    assert "past due" in view.summary.text()
    source = view.model
    background = source.index(0, 0).data(Qt.ItemDataRole.BackgroundRole)
    assert background is not None
    assert source.index(1, 0).data(Qt.ItemDataRole.BackgroundRole) is None


def test_contracts_view_shows_exits(qtbot: QtBot, plan: PlanResult) -> None:
    view = make_view(qtbot, ContractsView, (1300, 300))
    view.set_plan(plan)
    assert table_texts(view, 0) == ["C1", "C2", "C3"]
    assert table_texts(view, 5) == ["early", "at term", "at term"]
    assert table_texts(view, 6)[0] == "2027-01-30"
    assert table_texts(view, 8)[0] == "EUR 10,000"
    assert "1</b> terminated early" in view.summary.text()


def test_unserved_view_explains_shortages(qtbot: QtBot, plan: PlanResult) -> None:
    view = make_view(qtbot, UnservedView)
    view.set_plan(plan)
    assert view.table.model().rowCount() == len(plan.unserved) == 18
    assert set(table_texts(view, 6)) == {"no eligible vendor"}
    assert "720</b> tasks go unserved" in view.summary.text()
    assert view.shortages.isVisibleTo(view)
    assert "No eligible vendor offers audio" in view.shortages.text()
    assert view.shortages_title.text() == "What blocks a full exit"
    served = replace(
        plan, unserved=plan.unserved.iloc[0:0], shortages=[], notes=[], fastest_feasible=True
    )
    view.set_plan(served)
    assert view.table.model().rowCount() == 0
    assert "All work is served" in view.summary.text()
    assert not view.shortages.isVisibleTo(view)
    view.set_plan(replace(served, notes=["Earliest full exit: week 9."]))
    assert view.shortages_title.text() == "Notes" and "week 9" in view.shortages.text()


# -- helpers -------------------------------------------------------------------------------


def test_vendor_colours_are_stable_and_distinct(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(palette, "_assigned", {})
    names = [f"Palette vendor {i}" for i in range(8)]
    first = [vendor_color(n).name() for n in names]
    assert [vendor_color(n).name() for n in reversed(names)] == list(reversed(first))
    assert len(set(first)) == len(first)
    assert vendor_color("Palette vendor 0", exited=True).name() not in first
    many = [(f"Other vendor {i}", False) for i in range(12)]
    palette.register_vendors(many)  # a full palette: the earlier vendors are forgotten
    assert len({vendor_color(n).name() for n, _ in many}) == 12
    assert text_color_on(QColor("#ffffff")).name() == "#111111"
    assert text_color_on(QColor("#393b79")).name() == "#ffffff"


def test_axis_helpers() -> None:
    assert nice_ticks(95) == [0, 20, 40, 60, 80, 100]
    ticks = date_ticks(PLAN_START, 26, px_per_week=20)
    assert [t.label for t in ticks][:2] == ["Feb 2027", "Mar 2027"]
    assert ticks[0].week == pytest.approx((date(2027, 2, 1) - PLAN_START).days / 7)
    coarse = date_ticks(PLAN_START, 104, px_per_week=2)
    assert [t.label for t in coarse if t.label] == ["2028", "2029"]


# -- a real plan -----------------------------------------------------------------------------

EXAMPLE = Path("/work/shared/examples/c_clearance_share_conflict.xlsx")


@pytest.fixture(scope="module")
def real_plans() -> tuple[PlanResult, PlanResult]:
    if not EXAMPLE.exists():
        pytest.skip(f"{EXAMPLE} is not on this machine")
    from planner.baseline import naive_plan
    from planner.importer import load_dataset
    from planner.solve import solve

    dataset = load_dataset(EXAMPLE)
    return solve(dataset, mode=Mode.CHEAPEST), naive_plan(dataset)


def test_views_show_a_real_plan(qtbot: QtBot, real_plans: tuple[PlanResult, PlanResult]) -> None:
    plan, baseline = real_plans
    expected = json.loads((EXAMPLE.parent / "expected.json").read_text())[EXAMPLE.stem]
    assert plan.total_cost == pytest.approx(expected["cheapest_total_cost"], rel=1e-6)

    timeline = make_view(qtbot, TimelineView)
    timeline.set_plan(plan, baseline)
    canvas = timeline.canvas
    assert canvas.visible_row_count == len(plan.contracts) + len(plan.streams)
    first = plan.unserved.iloc[0]
    text = timeline.tooltip_at(canvas.point_for(str(first["stream_id"]), int(first["week"])))
    assert f"Unserved: {first['tasks']:,.0f} tasks/week" in text

    load = make_view(qtbot, LoadView)
    load.set_plan(plan, baseline)
    data = load.chart.data
    assert data is not None
    weekly = sum(s.values for s in data.series)
    assert weekly == pytest.approx([plan.streams["weekly_volume"].sum()] * plan.horizon_weeks)

    cost = make_view(qtbot, CostView, (1200, 760))
    cost.set_plan(plan, baseline)
    assert table_texts(cost, 1)[-1] == f"{plan.currency} {expected['cheapest_total_cost']:,.0f}"
    assert "saves" in cost.summary.text()

    unserved = make_view(qtbot, UnservedView)
    unserved.set_plan(plan, baseline)
    assert unserved.table.model().rowCount() == len(plan.unserved)
    assert (
        f"{expected['cheapest_unserved_tasks']:,.0f}</b> tasks go unserved"
        in unserved.summary.text()
    )

    for cls in (ActionsView, ContractsView):
        view = make_view(qtbot, cls)
        view.set_plan(plan, baseline)
        frame = plan.actions if cls is ActionsView else plan.contracts
        assert view.table.model().rowCount() == len(frame) > 0


def test_theme_follows_a_dark_palette(qtbot: QtBot) -> None:
    widget = QWidget()
    qtbot.addWidget(widget)
    dark = QPalette()
    for role, colour in (
        (QPalette.ColorRole.Base, "#1e1e1e"),
        (QPalette.ColorRole.Window, "#2b2b2b"),
        (QPalette.ColorRole.Text, "#e6e6e6"),
    ):
        dark.setColor(role, QColor(colour))
    widget.setPalette(dark)
    theme = Theme.of(widget)
    assert theme.base.name() == "#1e1e1e"
    # lines and muted text sit between background and text, so they show on dark too
    assert theme.base.lightness() < theme.grid.lightness() < theme.axis.lightness()
    assert theme.muted.lightness() > theme.base.lightness() + 60
