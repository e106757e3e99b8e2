"""The ``run`` entry point used by ``migration-planner gui``."""

from __future__ import annotations

import sys
from pathlib import Path

from gui_support import Boxes
from gui_workbooks import small_workbook
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from ui.app import run
from ui.main_window import MainWindow
from ui.settings import AppSettings


def test_run_opens_the_file_and_returns_on_close(qtbot, tmp_path: Path, boxes: Boxes) -> None:
    book = small_workbook(tmp_path / "entry.xlsx")
    settings = AppSettings(tmp_path / "config")
    seen: dict[str, object] = {}
    hook = sys.excepthook

    def close_when_loaded() -> None:
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
        window = windows[-1] if windows else None
        if window is None or window.raw is None or window.runner.busy:
            QTimer.singleShot(50, close_when_loaded)
            return
        seen["source"] = window.source_path
        seen["hook_installed"] = sys.excepthook is not hook
        window.close()

    QTimer.singleShot(50, close_when_loaded)
    assert run(book, settings) == 0
    assert seen == {"source": book, "hook_installed": True}
    assert sys.excepthook is hook  # the crash handler is removed again
    assert settings.recent_files()[0] == book.resolve()
    assert settings.blob("geometry") is not None
