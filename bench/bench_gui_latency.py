"""How responsive the window stays while it works: the longest event-loop stall.

A 10 ms QTimer records the gap between its ticks while the app opens the generated
M-size workbook (preset M of sample_contracts.generator) and plans it in the background.
A gap much longer than 10 ms means the GUI thread was blocked (or starved of the GIL).
Goal: max stall < 100 ms.

    python bench/bench_gui_latency.py [--preset M] [--time-limit 60]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402

from sample_contracts.generator import preset, write_workbook  # noqa: E402
from ui import dialogs  # noqa: E402
from ui.app import application  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402
from ui.project_file import PlanOptions  # noqa: E402
from ui.settings import AppSettings  # noqa: E402

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
        meter.timer.stop()

        status = window.plan.status.value if window.plan else "none"
        print(f"preset {args.preset}: open {open_s:.1f} s, plan {plan_s:.1f} s ({status})")
        for phase, gaps in meter.gaps.items():
            print(f"  {phase:5s} {summary(gaps)}")
        for phase, at, gap in meter.stalls:
            print(f"  stall {gap:6.0f} ms in {phase} at {at:6.2f} s")
        for name, times in spent.items():
            print(f"  GUI thread in {name}: max {max(times):.0f} ms over {len(times)} call(s)")
        worst = max(max(g) for g in meter.gaps.values())
        print(f"max event-loop stall: {worst:.0f} ms (goal < 100 ms)")
        window.undo_stack.setClean()
        window.runner.shutdown()
        window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
