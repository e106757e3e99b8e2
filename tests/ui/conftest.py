"""GUI test fixtures: every test here is marked ``gui``, runs offscreen with settings in a
temporary folder, answers message boxes from a script, and fails if it leaves a worker
thread running."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from gui_support import Boxes

from ui import dialogs, workers
from ui.main_window import MainWindow
from ui.settings import AppSettings

HERE = Path(__file__).resolve().parent
# The offscreen platform cannot resize native windows; Qt says so once per tool bar/dock.
OFFSCREEN_NOISE = r"This plugin does not support propagateSizeHints\(\)"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.gui)
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_NOISE))


@pytest.fixture
def boxes(monkeypatch: pytest.MonkeyPatch) -> Boxes:
    recorder = Boxes()
    monkeypatch.setattr(dialogs, "box_hook", recorder)
    monkeypatch.setattr(dialogs, "open_hook", lambda *a: pytest.fail("unexpected open dialog"))
    monkeypatch.setattr(dialogs, "save_hook", lambda *a: pytest.fail("unexpected save dialog"))
    return recorder


@pytest.fixture
def settings(tmp_path: Path) -> AppSettings:
    return AppSettings(tmp_path / "config")


@pytest.fixture
def make_window(qtbot, settings: AppSettings, boxes: Boxes) -> Iterator[Callable[[], MainWindow]]:
    """Build main windows; at the end, fail if one left a worker thread running."""
    made: list[MainWindow] = []

    def make() -> MainWindow:
        window = MainWindow(settings)
        qtbot.addWidget(window)
        made.append(window)
        return window

    yield make
    left = workers.running_threads()
    children = multiprocessing.active_children()  # also reaps finished planner processes
    for window in made:
        window.runner.shutdown()
        window.undo_stack.setClean()
        window._recovered = False
        window.close()
    assert not left, f"worker thread(s) left running: {[t.objectName() for t in left]}"
    assert not children, f"planner process(es) left running: {children}"


@pytest.fixture
def window(make_window: Callable[[], MainWindow]) -> MainWindow:
    return make_window()
