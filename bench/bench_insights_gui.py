"""The longest event-loop stall of the window while insights run (offscreen).

Plans a workbook (default: the bundled frontier_lab.xlsx), then computes the price of
speed, compares one scenario and runs a small ramp risk from the Insights tab, each
from the click until its result is on screen, while a 5 ms timer on the GUI thread
records the gaps between its ticks.

    python bench/bench_insights_gui.py [WORKBOOK] [--time-limit 15] [--points 4] [--runs 6]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QTimer  # noqa: E402
from screenshots import pump, settle  # noqa: E402

from planner.cli import sample_workbook  # noqa: E402
from ui import dialogs  # noqa: E402
from ui.app import application  # noqa: E402
from ui.insights.scenarios import read_scenario  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402
from ui.project_file import PlanOptions  # noqa: E402
from ui.settings import AppSettings  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("workbook", type=Path, nargs="?", default=None)
    parser.add_argument("--time-limit", type=float, default=15.0,
                        help="per optimiser run of an insight (the plan gets 4x)")
    parser.add_argument("--points", type=int, default=4)
    parser.add_argument("--runs", type=int, default=6)
    args = parser.parse_args(argv)
    dialogs.box_hook = lambda box: dialogs.Button.No
    app = application()
    with tempfile.TemporaryDirectory() as config:
        window = MainWindow(AppSettings(Path(config)))
        window.resize(1500, 940)
        window.show()
        window.start(args.workbook or sample_workbook())
        pump(app, lambda: window.raw is not None and not window.runner.busy, 120)
        window.start_plan(PlanOptions(time_limit=4 * args.time_limit))
        pump(app, lambda: window.plan is not None and not window.runner.busy,
             4 * args.time_limit + 300)
        area = window.insights_area
        window.results.tabs.setCurrentWidget(area)
        window.options.time_limit = args.time_limit
        area.speed.points_spin.setValue(args.points)
        area.risk.runs_spin.setValue(args.runs)
        vendor = next(o for o in window.dataset.capacity
                      if o.vendor not in window.dataset.exited_vendors)
        area.scenarios.put(read_scenario("More capacity", f'capacity "{vendor.vendor}" '
                                         f'"{vendor.skill}" +500 from 4', window.dataset))
        gaps: list[float] = []
        last = [time.perf_counter()]

        def tick() -> None:
            now = time.perf_counter()
            gaps.append(now - last[0])
            last[0] = now

        timer = QTimer()
        timer.timeout.connect(tick)
        timer.start(5)
        print("insight      time  longest stall  p99")
        for kind in ("speed", "scenarios", "risk"):
            area.show_page(kind)
            settle(app, 0.5)
            gaps.clear()
            last[0] = time.perf_counter()
            started = time.monotonic()
            window.insights.compute(kind)
            pump(app, lambda: not window.runner.busy and window._on_result is None, 3600)
            settle(app, 0.5)
            ordered = sorted(gaps)
            print(f"{kind:<10} {time.monotonic() - started:5.0f} s {1000 * ordered[-1]:8.0f} ms "
                  f"{1000 * ordered[int(0.99 * len(ordered))]:5.0f} ms", flush=True)
        timer.stop()
        window.insights.modified = False
        window.undo_stack.setClean()
        window.runner.shutdown()
        window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
