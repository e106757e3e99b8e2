"""Big plans in the views: data prepared off the GUI thread (the plan digest), shown the
same as data computed in the view; M-size plans complete, sortable and with tooltips."""

from __future__ import annotations

import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from gui_support import wait_idle
from gui_workbooks import small_workbook
from PySide6.QtCore import QEvent, QItemSelectionModel, QPoint, Qt
from PySide6.QtGui import QColor, QHelpEvent
from PySide6.QtWidgets import QApplication, QToolTip
from pytestqt.qtbot import QtBot
from views_fixtures import large_plan, small_plan

from planner.results import PlanResult
from ui.main_window import MainWindow
from ui.project_file import PlanOptions
from ui.views import (
    ActionsView,
    ContractsView,
    DataFrameModel,
    LoadView,
    PlanView,
    SortProxy,
    TimelineView,
    UnservedView,
    vendor_color,
)
from ui.views.base import fit_columns, make_table
from ui.views.dataframe_model import SORT_ROLE, Column, Kind
from ui.views.digest import PlanDigest, digest_of, prepare, remember
from ui.views.load_data import load_chart, load_digest, peak_utilisation
from ui.views.table_data import UNSERVED_COLUMNS, TableData, unserved_runs
from ui.views.timeline_rows import build_rows

TABLE_VIEWS = (ActionsView, ContractsView, UnservedView)


@pytest.fixture(scope="module")
def m_plan(tmp_path_factory: pytest.TempPathFactory) -> PlanResult:
    """The naive plan of the benchmark's M workbook: 40 contracts, 200 streams, 12
    vendors, 104 weeks, hundreds of unserved rows (the shape the GUI must handle)."""
    from planner.baseline import naive_plan
    from planner.importer import load_dataset
    from sample_contracts.generator import preset, write_workbook

    book = write_workbook(preset("M"), tmp_path_factory.mktemp("m") / "M.xlsx")
    return naive_plan(load_dataset(book))


def with_digest(plan: PlanResult) -> PlanResult:
    """A copy of ``plan`` carrying its digest, after the trip the planner process makes."""
    twin, digest = pickle.loads(pickle.dumps((plan, prepare(plan))))
    remember(twin, digest)
    return twin


def show(qtbot: QtBot, cls: type[PlanView], plan: PlanResult) -> PlanView:
    view = cls()
    qtbot.addWidget(view)
    view.resize(1200, 700)
    view.show()
    qtbot.waitExposed(view)
    view.set_plan(plan)
    QApplication.processEvents()
    return view


def table_rows(view: PlanView) -> list[list[str]]:
    model = view.table.model()  # type: ignore[attr-defined]
    return [
        [model.index(r, c).data() for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]


def timeline_shape(view: TimelineView) -> list[object]:
    shape: list[object] = []
    for c in view.canvas.contracts:
        shape.append((c.contract_id, c.exit_week, c.notice_by, len(c.streams)))
        for s in c.streams:
            shape.append(
                (s.stream_id, s.vendors, s.tasks.tolist(), list(s.bands), list(s.segments))
            )
    return shape


# -- the digest ------------------------------------------------------------------------------


def test_digest_is_made_without_qt() -> None:
    """The planner process prepares the views' data: it must not need (or load) Qt."""
    code = """
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] == 'PySide6':
            raise ImportError('blocked: ' + name)
        return None
sys.meta_path.insert(0, Block())
sys.path.insert(0, 'tests/ui')
import ui.tasks
from views_fixtures import small_plan
digest = ui.tasks.prepare_views(small_plan())
assert digest is not None and digest.timeline and digest.load and len(digest.tables) == 3
print('ok')
"""
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, cwd=root
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().endswith("ok")


def test_digest_is_found_for_its_plan_only() -> None:
    plan, other = small_plan(), small_plan()
    digest = PlanDigest()
    remember(plan, digest)
    assert digest_of(plan) is digest
    assert digest_of(other) is None  # equal data, another object


@pytest.mark.parametrize("cls", [TimelineView, LoadView, *TABLE_VIEWS])
def test_views_show_the_same_with_a_digest(qtbot: QtBot, cls: type[PlanView]) -> None:
    plan = large_plan(n_streams=120, horizon=52, n_contracts=12)
    computed = show(qtbot, cls, plan)
    prepared = show(qtbot, cls, with_digest(plan))
    if isinstance(computed, TimelineView):
        assert isinstance(prepared, TimelineView)
        assert timeline_shape(prepared) == timeline_shape(computed)
        assert prepared.summary.text() == computed.summary.text()
        assert prepared.legend.items == computed.legend.items
    elif isinstance(computed, LoadView):
        assert isinstance(prepared, LoadView)
        for vendor in [None, *[computed.vendor_box.itemData(i) for i in range(1, 4)]]:
            computed.select_vendor(vendor)
            prepared.select_vendor(vendor)
            a, b = computed.chart.data, prepared.chart.data
            assert a is not None and b is not None
            assert [(s.label, s.color.name(), s.values.tolist()) for s in a.series] == [
                (s.label, s.color.name(), s.values.tolist()) for s in b.series
            ]
            assert [line.values.tolist() for line in a.lines] == [
                line.values.tolist() for line in b.lines
            ]
            assert prepared.summary.text() == computed.summary.text()
    else:
        assert table_rows(prepared) == table_rows(computed)
        assert prepared.summary.text() == computed.summary.text()


def test_timeline_uses_the_prepared_rows(qtbot: QtBot, m_plan: PlanResult) -> None:
    plan = with_digest(m_plan)
    digest = digest_of(plan)
    assert digest is not None and digest.timeline is not None
    view = show(qtbot, TimelineView, plan)
    assert isinstance(view, TimelineView)
    assert view.canvas.contracts is digest.timeline  # nothing rebuilt on the GUI thread


def test_planning_in_the_window_prepares_the_views(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    window.open_file(small_workbook(tmp_path / "small.xlsx"))
    wait_idle(qtbot, window)
    assert window.start_plan(PlanOptions())
    wait_idle(qtbot, window)
    assert window.plan is not None
    digest = digest_of(window.plan)  # made in the planner process, sent with the plan
    assert digest is not None and digest.load is not None
    timeline = window.results.views[0]
    assert isinstance(timeline, TimelineView)
    assert timeline.canvas.contracts is digest.timeline
    assert window.baseline is not None and window.plan_dataset is window.dataset


def test_plan_travels_in_parts_and_arrives_whole() -> None:
    import threading
    from multiprocessing import Pipe

    from ui.tasks import _Parts, _send_in_parts

    plan = large_plan(n_streams=40, horizon=26, n_contracts=5)
    digest = prepare(plan)
    receiver, sender = Pipe(duplex=False)

    def send() -> None:  # another thread, as across processes: a pipe holds little
        for key, value in (("plan", plan), ("digest", digest), ("baseline", None)):
            _send_in_parts(sender, key, value)
        sender.send_bytes(b"")

    threading.Thread(target=send, daemon=True).start()
    received = _Parts()
    sizes: list[int] = []
    while data := receiver.recv_bytes():
        sizes.append(len(data))
        received.add(pickle.loads(data))
    biggest_table = len(pickle.dumps(plan.allocation))
    assert len(sizes) > 10 and max(sizes) < biggest_table + 1000  # one table at a time
    whole = pickle.loads(pickle.dumps(plan))
    got = received.whole["plan"]
    assert got.allocation.equals(whole.allocation) and got.capacity.equals(whole.capacity)
    assert got.costs == whole.costs and got.notes == whole.notes and got.status == whole.status
    assert received.whole["baseline"] is None
    got_digest = received.whole["digest"]
    assert isinstance(got_digest, PlanDigest) and got_digest.timeline is not None
    assert digest.timeline is not None and len(got_digest.timeline) == len(digest.timeline)
    assert set(got_digest.tables) == set(digest.tables)


# -- an M-size plan ---------------------------------------------------------------------------


@pytest.mark.qt_log_ignore(  # the offscreen platform cannot size or raise tooltip windows
    r"This plugin does not support propagateSizeHints\(\)", r"This plugin does not support raise"
)
def test_m_size_timeline_is_complete_with_tooltips_and_colours(
    qtbot: QtBot, m_plan: PlanResult
) -> None:
    view = show(qtbot, TimelineView, with_digest(m_plan))
    assert isinstance(view, TimelineView)
    canvas = view.canvas
    assert canvas.visible_row_count == len(m_plan.contracts) + len(m_plan.streams) == 240
    assert sum(len(c.streams) for c in canvas.contracts) == 200
    last = m_plan.streams["stream_id"].iloc[-1]
    work = m_plan.allocation[m_plan.allocation["stream_id"] == last]
    row = work.iloc[len(work) // 2]
    point = canvas.point_for(str(last), int(row["week"]))  # scrolls the last rows into view
    text = view.tooltip_at(point)
    assert text.startswith(f"Stream {last}")
    assert f"Week {int(row['week'])} (" in text and str(row["vendor"]) in text
    event = QHelpEvent(QEvent.Type.ToolTip, point, canvas.viewport().mapToGlobal(point))
    QApplication.sendEvent(canvas.viewport(), event)
    assert QToolTip.text() == text
    QToolTip.hideText()
    image = canvas.viewport().grab().toImage()
    dpr = image.devicePixelRatio()
    painted = image.pixelColor(int(point.x() * dpr), int(point.y() * dpr))
    shares = work[work["week"] == row["week"]]
    colours = {
        vendor_color(str(v), bool(e)).name()
        for v, e in zip(shares["vendor"], shares["exited"], strict=True)
    }
    assert painted.name() in colours | {QColor("#d62728").name()}


def test_m_size_hover_repaints_only_the_rows_it_changes(qtbot: QtBot, m_plan: PlanResult) -> None:
    view = show(qtbot, TimelineView, with_digest(m_plan))
    assert isinstance(view, TimelineView)
    canvas = view.canvas
    painted: list[tuple[int, int]] = []
    original = canvas.paintEvent

    def spy(event: object) -> None:
        rect = event.rect()  # type: ignore[attr-defined]
        painted.append((rect.top(), rect.height()))
        original(event)  # type: ignore[arg-type]

    canvas.paintEvent = spy  # type: ignore[method-assign]
    y = canvas.row_top(5) + 3
    qtbot.mouseMove(canvas.viewport(), QPoint(canvas.label_width + 30, y))
    qtbot.waitUntil(lambda: bool(painted))
    assert all(height <= 2 * canvas.row_height for _, height in painted)
    assert canvas.row_at_y(y) == 5


def test_m_size_tables_fill_and_sort(qtbot: QtBot, m_plan: PlanResult) -> None:
    plan = with_digest(m_plan)
    view = show(qtbot, UnservedView, plan)
    table = view.table  # type: ignore[attr-defined]
    proxy = table.model()
    assert proxy.rowCount() == len(m_plan.unserved) > 500
    assert all(table.columnWidth(c) >= 40 for c in range(proxy.columnCount()))
    table.selectRow(0)
    chosen = [proxy.index(0, c).data() for c in range(proxy.columnCount())]
    table.sortByColumn(5, Qt.SortOrder.DescendingOrder)  # tasks, largest first
    tasks = [proxy.index(r, 5).data(SORT_ROLE) for r in range(proxy.rowCount())]
    assert tasks == sorted(tasks, reverse=True)
    selected = table.selectionModel().selectedRows()
    assert len(selected) == 1  # the selection follows its row through the sort
    assert [proxy.index(selected[0].row(), c).data() for c in range(proxy.columnCount())] == chosen
    table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # back to the plan's order
    assert proxy.index(0, 0).data() == str(m_plan.unserved["stream_id"].iloc[0])


def test_m_size_load_charts_match_pandas(m_plan: PlanResult) -> None:
    digest = load_digest(m_plan)
    alloc = m_plan.allocation
    for vendor in [None, *digest.vendors]:
        chart = digest.charts[vendor]
        assert chart.peak == peak_utilisation(m_plan.capacity, vendor)
        rows = alloc if vendor is None else alloc[alloc["vendor"] == vendor]
        stacked = sum(
            (layer.values for layer in chart.layers if layer.vendor is not None),
            np.zeros(m_plan.horizon_weeks),
        )
        expected = (
            rows.groupby("week")["tasks"].sum().reindex(range(m_plan.horizon_weeks), fill_value=0.0)
        )
        assert stacked == pytest.approx(expected.to_numpy())
    assert load_chart(m_plan, digest.vendors[0]).peak == digest.charts[digest.vendors[0]].peak


# -- the table model -------------------------------------------------------------------------


def test_sorted_model_passes_modeltester_and_keeps_blanks_last(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    model = DataFrameModel([Column("n", "N", Kind.NUMBER), Column("s", "S")])
    values = [3.0, None, 1.0, 2.0, None, 1.0]
    model.set_frame(pd.DataFrame({"n": values, "s": list("abcdef")}))
    proxy = SortProxy()
    proxy.setSourceModel(model)
    qtmodeltester.check(proxy)
    selection = QItemSelectionModel(proxy)
    selection.select(proxy.index(3, 0), QItemSelectionModel.SelectionFlag.Select)
    for order, expected in (
        (Qt.SortOrder.AscendingOrder, ["c", "f", "d", "a", "b", "e"]),  # stable, blanks last
        (Qt.SortOrder.DescendingOrder, ["a", "d", "c", "f", "b", "e"]),
    ):
        proxy.sort(0, order)
        assert [proxy.index(r, 1).data() for r in range(6)] == expected
        assert [i.sibling(i.row(), 1).data() for i in selection.selectedIndexes()] == ["d"]
    model.set_frame(pd.DataFrame({"n": [5.0, 4.0], "s": ["x", "y"]}))  # a new table: still sorted
    assert [proxy.index(r, 1).data() for r in range(2)] == ["x", "y"]
    qtmodeltester.check(proxy)


def test_fit_columns_measures_the_longest_texts(qtbot: QtBot) -> None:
    model = DataFrameModel(UNSERVED_COLUMNS)
    frame = pd.DataFrame({"stream_id": [f"S{i}" for i in range(2000)], "skill": ["x"] * 2000})
    frame.loc[1500, "skill"] = "a longer skill than the others"
    frame["reason"] = "a reason far too long to show whole, the last column elides it instead"
    model.set_table(TableData(frame, UNSERVED_COLUMNS).complete())
    table = make_table(model)
    qtbot.addWidget(table)
    table.resize(900, 400)
    table.show()
    fit_columns(table, max_width=2000)
    keys = [c.key for c in UNSERVED_COLUMNS]
    needed = table.fontMetrics().horizontalAdvance(str(frame.loc[1500, "skill"]))
    assert table.columnWidth(keys.index("skill")) >= needed
    assert table.columnWidth(keys.index("stream_id")) < needed / 2
    QApplication.processEvents()  # the last column takes the room left, not its text's width
    used = sum(table.columnWidth(c) for c in range(len(keys)))
    assert abs(used - table.viewport().width()) <= 1


def test_unserved_runs_group_weeks_with_the_same_amount() -> None:
    frame = pd.DataFrame(
        {
            "stream_id": ["B", "A", "A", "A", "A", "B"],
            "week": [3, 0, 1, 2, 5, 4],
            "tasks": [7.0, 10.0, 10.0, 12.0, 12.0, 7.0],
            "reason": ["capacity"] * 6,
        }
    )
    assert unserved_runs(frame) == [
        "A: 10 tasks a week unserved in weeks 0–1 (capacity)",
        "A: 12 tasks a week unserved in week 2 (capacity)",
        "A: 12 tasks a week unserved in week 5 (capacity)",
        "B: 7 tasks a week unserved in weeks 3–4 (capacity)",
    ]


def test_timeline_rows_survive_the_trip_between_processes(m_plan: PlanResult) -> None:
    rows = build_rows(m_plan)
    again = pickle.loads(pickle.dumps(rows))
    assert [(c.contract_id, c.exit_date, len(c.streams)) for c in again] == [
        (c.contract_id, c.exit_date, len(c.streams)) for c in rows
    ]
    for a, b in zip(
        [s for c in rows for s in c.streams], [s for c in again for s in c.streams], strict=True
    ):
        assert (a.stream_id, a.bands, a.segments) == (b.stream_id, b.bands, b.segments)
        assert np.array_equal(a.tasks, b.tasks)
