"""Open the bundled sample offscreen, plan it, and save PNG screenshots of the main views
to docs/screenshots/ (for the docs, and to look at what the app really draws).

    python bench/screenshots.py [--out docs/screenshots] [--time-limit 120]
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

from PySide6.QtWidgets import QApplication  # noqa: E402

from planner.cli import sample_workbook  # noqa: E402
from ui import dialogs  # noqa: E402
from ui.app import application  # noqa: E402
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--time-limit", type=float, default=120.0)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    dialogs.box_hook = lambda box: dialogs.Button.No  # no modal boxes offscreen

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
        for i in range(window.results.tabs.count()):
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
        window.undo_stack.setClean()
        window.runner.shutdown()
        window.close()
    for path in shots:
        print(path.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
