"""How responsive the window stays while it works: the longest event-loop stall.

A 10 ms QTimer records the gap between its ticks while the app opens the generated
M-size workbook (preset M of sample_contracts.generator), plans it in the background,
and then shows the plan: every results tab in turn, hovering, zooming and sorting.
A gap much longer than 10 ms means the GUI thread was blocked (or starved of the GIL).
Goal: max stall < 100 ms.

Attribution: time the GUI thread spends in the main handlers and in painting the views,
garbage-collector pauses, and the worker thread's unpickling of what the planner process
sends (it holds the GIL meanwhile, so the GUI thread waits). On a shared machine the
numbers are noisy: run it several times.

    python bench/bench_gui_latency.py [--preset M] [--time-limit 60]
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from multiprocessing.reduction import ForkingPickler  # noqa: E402

from PySide6.QtCore import QEventLoop, QPoint, QPointF, Qt, QTimer  # noqa: E402
from PySide6.QtGui import QMouseEvent  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from sample_contracts.generator import preset, write_workbook  # noqa: E402
from ui import dialogs  # noqa: E402
from ui.app import application  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402
from ui.project_file import PlanOptions  # noqa: E402
from ui.settings import AppSettings  # noqa: E402
from ui.views.charts import WeeklyChart  # noqa: E402
from ui.views.timeline import TimelineCanvas  # noqa: E402

TICK_MS = 10


def timed(obj: object, name: str, log: dict[str, list[float]]) -> None:
    """Wrap a method so the time it holds the GUI thread is logged (stall attribution)."""
    original = getattr(obj, name)
    label = f"{type(obj).__name__}.{name}"

    def wrapper(*args: object, **kwargs: object) -> object:
        t0 = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            log.setdefault(label, []).append((time.perf_counter() - t0) * 1000)

    setattr(obj, name, wrapper)


def timed_class(cls: type, name: str, log: dict[str, list[float]]) -> None:
    """Like :func:`timed`, for every instance (paint events)."""
    original = getattr(cls, name)
    label = f"{cls.__name__}.{name}"

    def wrapper(self: object, *args: object) -> object:
        t0 = time.perf_counter()
        try:
            return original(self, *args)
        finally:
            log.setdefault(label, []).append((time.perf_counter() - t0) * 1000)

    setattr(cls, name, wrapper)


def watch_gc(log: dict[str, list[float]]) -> None:
    """Log garbage-collector pauses (whichever thread they happen on)."""
    started: list[float] = []

    def callback(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started[:] = [time.perf_counter()]
        elif started:
            log.setdefault(f"gc (generation {info['generation']})", []).append(
                (time.perf_counter() - started[0]) * 1000
            )

    gc.callbacks.append(callback)


def watch_unpickling(log: dict[str, list[float]]) -> None:
    """Log how long the worker thread unpickles each message of the planner process."""
    original = ForkingPickler.loads

    def loads(*args: object, **kwargs: object) -> object:
        t0 = time.perf_counter()
        value = original(*args, **kwargs)
        if isinstance(value, tuple) and value and value[0] != "progress":
            what = " of ".join(str(v) for v in value[:2])  # e.g. "part of plan"
            log.setdefault(f"unpickling a message ({what})", []).append(
                (time.perf_counter() - t0) * 1000
            )
        return value

    ForkingPickler.loads = loads  # type: ignore[method-assign]


def pause(loop: QEventLoop, ms: int) -> None:
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def use_the_views(window: MainWindow, loop: QEventLoop) -> None:
    """What a user does with a new plan: open every tab, hover, zoom, sort."""
    tabs = window.results.tabs
    for index in [*range(1, tabs.count()), 0]:
        tabs.setCurrentIndex(index)
        pause(loop, 250)
    timeline = window.results.views[0]
    canvas = getattr(timeline, "canvas", None)
    if isinstance(canvas, TimelineCanvas):
        viewport = canvas.viewport()
        x = canvas.label_width + 60
        for y in range(canvas.axis_height + 5, viewport.height(), 9):  # hover down the rows
            move = QMouseEvent(
                QMouseEvent.Type.MouseMove,
                QPointF(x, y),
                QPointF(viewport.mapToGlobal(QPoint(x, y))),
                Qt.MouseButton.NoButton,
                Qt.MouseButton.NoButton,
                Qt.KeyboardModifier.NoModifier,
            )
            QApplication.sendEvent(viewport, move)
            pause(loop, 15)
        for zoom in (canvas.zoom_in, canvas.zoom_in, canvas.zoom_out, canvas.fit):
            zoom()
            pause(loop, 60)
        canvas.verticalScrollBar().setValue(canvas.verticalScrollBar().maximum() // 2)
        pause(loop, 60)
    for view in window.results.views:
        table = getattr(view, "table", None)
        if table is not None and view.objectName() == "UnservedView":
            tabs.setCurrentWidget(view)
            pause(loop, 100)
            for column in (5, 0):
                table.sortByColumn(column, Qt.SortOrder.DescendingOrder)
                pause(loop, 60)
    tabs.setCurrentIndex(0)
    pause(loop, 100)


class StallMeter:
    """Records the gaps between ticks of a 10 ms timer, per phase."""

    def __init__(self) -> None:
        self.timer = QTimer()
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)
        self.phase = "idle"
        self.gaps: dict[str, list[float]] = {}
        self.stalls: list[tuple[str, float, float]] = []  # phase, at (s), gap (ms)
        self._last = self._t0 = time.perf_counter()

    def start(self, phase: str) -> None:
        self.phase = phase
        self._last = time.perf_counter()
        self.timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        gap = (now - self._last) * 1000
        self.gaps.setdefault(self.phase, []).append(gap)
        if gap > 100:
            self.stalls.append((self.phase, self._last - self._t0, gap))
        self._last = now


def wait_until(loop: QEventLoop, check: Callable[[], bool], timeout_s: float) -> None:
    poll = QTimer()
    poll.setInterval(20)
    deadline = time.monotonic() + timeout_s
    poll.timeout.connect(lambda: loop.quit() if check() or time.monotonic() > deadline else None)
    poll.start()
    loop.exec()
    poll.stop()


def summary(gaps: list[float]) -> str:
    ordered = sorted(gaps)
    p99 = ordered[int(0.99 * (len(ordered) - 1))]
    return (f"max {ordered[-1]:6.1f} ms   p99 {p99:5.1f} ms   ticks {len(gaps)}   "
            f"stalls>100ms {sum(g > 100 for g in gaps)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--preset", default="M")
    parser.add_argument("--time-limit", type=float, default=60.0,
                        help="solver time limit in seconds (the plan stops there)")
    args = parser.parse_args(argv)
    dialogs.box_hook = lambda box: dialogs.Button.No
    app = application()
    loop = QEventLoop()
    with tempfile.TemporaryDirectory() as tmp:
        book = write_workbook(preset(args.preset), Path(tmp) / f"{args.preset}.xlsx")
        window = MainWindow(AppSettings(Path(tmp) / "config"))
        window.show()
        meter = StallMeter()
        spent: dict[str, list[float]] = {}
        timed(window, "_install", spent)
        timed(window, "_on_planned", spent)
        timed(window, "revalidate", spent)
        timed(window.results, "set_plan", spent)
        for view in window.results.views:
            timed(view, "set_plan", spent)
        timed_class(TimelineCanvas, "paintEvent", spent)
        timed_class(WeeklyChart, "paintEvent", spent)
        watch_gc(spent)
        watch_unpickling(spent)

        meter.start("open")
        t0 = time.perf_counter()
        window.open_file(book)
        wait_until(loop, lambda: window.raw is not None and not window.runner.busy, 120)
        open_s = time.perf_counter() - t0

        meter.start("edit")
        page = window.data_tabs.page("Workstreams")
        assert page is not None
        col = [h.casefold() for h in page.model.raw.headers].index("weekly_volume")
        for row in range(5):  # each edit re-validates on the GUI thread
            index = page.model.index(row, col)
            page.model.setData(index, str(float(page.model.data(index) or 1) + 1))
            app.processEvents()
        for _ in range(5):
            window.undo_stack.undo()
            app.processEvents()

        meter.start("plan")
        t0 = time.perf_counter()
        window.start_plan(PlanOptions(time_limit=args.time_limit))
        wait_until(loop, lambda: window.plan is not None and not window.runner.busy,
                   args.time_limit + 300)
        plan_s = time.perf_counter() - t0

        meter.start("views")
        if window.plan is not None:
            use_the_views(window, loop)
        meter.timer.stop()

        status = window.plan.status.value if window.plan else "none"
        print(f"preset {args.preset}: open {open_s:.1f} s, plan {plan_s:.1f} s ({status})")
        for phase, gaps in meter.gaps.items():
            print(f"  {phase:5s} {summary(gaps)}")
        for phase, at, gap in meter.stalls:
            print(f"  stall {gap:6.0f} ms in {phase} at {at:6.2f} s")
        for name, times in spent.items():
            where = "GUI thread in" if not name.startswith(("gc", "unpickling")) else "   "
            print(f"  {where} {name}: max {max(times):.0f} ms over {len(times)} call(s)")
        for phase in ("plan", "views"):
            if meter.gaps.get(phase):
                print(f"max event-loop stall in {phase}: {max(meter.gaps[phase]):.0f} ms")
        worst = max(max(g) for g in meter.gaps.values())
        print(f"max event-loop stall: {worst:.0f} ms (goal < 100 ms)")
        window.undo_stack.setClean()
        window.runner.shutdown()
        window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
