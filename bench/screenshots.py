"""Open the bundled sample offscreen, plan it, and save PNG screenshots of the main views
and of the Insights tab to docs/screenshots/ (for the docs, and to look at what the app
really draws). The insights use small settings so that this finishes in minutes: a few
points and levers, a per-solve time limit, a dozen risk runs.

    python bench/screenshots.py [--out docs/screenshots] [--time-limit 120]
        [--insight-time-limit 20] [--no-insights]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication, QMessageBox, QWidget  # noqa: E402

from planner.cli import sample_workbook  # noqa: E402
from planner.domain import Mode  # noqa: E402
from ui import dialogs  # noqa: E402
from ui.app import application  # noqa: E402
from ui.insights.scenarios import read_scenario  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402
from ui.project_file import PlanOptions  # noqa: E402
from ui.settings import AppSettings  # noqa: E402


def pump(app: QApplication, until: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not until():
        if time.monotonic() > deadline:
            raise TimeoutError("the app did not get there in time")
        app.processEvents()
        time.sleep(0.01)


def settle(app: QApplication, seconds: float = 0.3) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def idle(window: MainWindow) -> bool:
    return not window.runner.busy and window._on_result is None


def insight_shots(app: QApplication, window: MainWindow, out: Path, time_limit: float,
                  plan_time_limit: float) -> list[Path]:
    """Compute each insight with small settings and grab its page."""
    area = window.insights_area
    window.results.tabs.setCurrentWidget(area)
    window.problems_dock.hide()  # no problems here: the insights get the room
    window.options.time_limit = time_limit  # per solve of an insight
    shots: list[Path] = []

    def shoot(name: str, widget: QWidget | None = None) -> None:
        settle(app, 0.5)
        path = out / f"insights-{name}.png"
        (widget or window).grab().save(str(path))
        shots.append(path)

    def compute(kind: str) -> None:
        area.show_page(kind)
        started = time.monotonic()
        if not window.insights.compute(kind):
            raise RuntimeError(f"{kind} did not start")
        pump(app, lambda: idle(window), 1800)
        print(f"{kind}: {time.monotonic() - started:.0f} s", flush=True)

    area.speed.points_spin.setValue(8)
    compute("speed")
    shoot("price-of-speed")
    area.levers.top_spin.setValue(3)
    compute("levers")
    shoot("levers")

    scenarios = area.scenarios
    area.show_page("scenarios")
    dialog = scenarios.open_dialog(None)
    dialog.name_edit.setText("Turing +500")
    dialog.changes_edit.setPlainText("capacty Turing coding +500 from 4\nonboarding Turng 2")
    dialog.show()
    shoot("scenario-dialog", dialog)
    dialog.close()
    dialog.deleteLater()
    for name, text in (("Turing +500", "capacity Turing coding +500 from 4"),
                       ("No termination fees", "fee * x0"),
                       ("Without Surge AI", "remove Surge AI")):
        scenarios.put(read_scenario(name, text, window.dataset))
    compute("scenarios")
    shoot("scenarios")

    risk = area.risk
    risk.runs_spin.setValue(12)
    compute("risk")
    shoot("ramp-risk")

    # The doctor: an exit deadline before the earliest possible full exit leaves work
    # that no plan can place.
    window.start_plan(PlanOptions(mode=Mode.CHEAPEST, deadline=date(2026, 3, 2),
                                  time_limit=plan_time_limit))
    pump(app, lambda: idle(window), plan_time_limit + 300)
    window.options.time_limit = time_limit
    window.results.tabs.setCurrentWidget(area)
    compute("doctor")
    shoot("doctor")
    window.problems_dock.show()
    window.insights.modified = False  # nothing to save on close
    return shots


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--time-limit", type=float, default=120.0)
    parser.add_argument("--insight-time-limit", type=float, default=20.0,
                        help="time limit of each optimiser run of an insight")
    parser.add_argument("--no-insights", action="store_true")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    def answer(box: QMessageBox) -> dialogs.Button:  # no modal boxes offscreen
        print(f"[{box.windowTitle()}] {box.text()} {box.informativeText()}".strip())
        return dialogs.Button.No

    dialogs.box_hook = answer

    app = application()
    with tempfile.TemporaryDirectory() as config:
        window = MainWindow(AppSettings(Path(config)))
        window.resize(1500, 940)
        window.show()
        window.start(sample_workbook())
        pump(app, lambda: window.raw is not None and not window.runner.busy, 60)
        window.start_plan(PlanOptions(time_limit=args.time_limit))
        started = time.monotonic()
        pump(app, lambda: window.plan is not None and not window.runner.busy,
             args.time_limit + 120)
        print(f"planned in {time.monotonic() - started:.1f} s: {window.plan.status.value}"
              if window.plan else "no plan")
        shots: list[Path] = []
        for i in range(len(window.results.views)):  # the plan's views (not Insights)
            window.results.tabs.setCurrentIndex(i)
            name = window.results.tabs.tabText(i).lower().replace(" ", "-")
            settle(app)
            path = args.out / f"results-{name}.png"
            window.grab().save(str(path))
            shots.append(path)
        # An invalid edit: the cell turns red, the Problems panel lists it, the plan is stale.
        window.results.tabs.setCurrentIndex(0)
        page = window.data_tabs.page("Workstreams")
        assert page is not None
        window.data_tabs.setCurrentWidget(page)
        col = [h.casefold() for h in page.model.raw.headers].index("weekly_volume")
        page.model.setData(page.model.index(2, col), "lots")
        window.problems.table.clicked.emit(window.problems.proxy.index(0, 0))
        settle(app)
        path = args.out / "edit-with-problem.png"
        window.grab().save(str(path))
        shots.append(path)
        if not args.no_insights:
            window.undo_stack.undo()  # the planned data again: the plan is up to date
            shots += insight_shots(app, window, args.out, args.insight_time_limit,
                                   args.time_limit)
        window.undo_stack.setClean()
        window.runner.shutdown()
        window.close()
    for path in shots:
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
