"""Application set-up and the ``run`` entry point called by ``migration-planner gui``."""

from __future__ import annotations

import gc
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication

from planner import __version__
from ui.about import APP_NAME
from ui.crash import CrashHandler
from ui.icons import icon
from ui.main_window import MainWindow
from ui.settings import AppSettings

ORGANIZATION = "migration-planner"


def application(argv: list[str] | None = None) -> QApplication:
    """The QApplication (created once; names set so QSettings/QStandardPaths agree)."""
    QCoreApplication.setOrganizationName(ORGANIZATION)
    QCoreApplication.setApplicationName(APP_NAME)
    QCoreApplication.setApplicationVersion(__version__)
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setWindowIcon(icon("app"))
    # Move everything loaded so far (Qt, pandas, numpy: ~70k objects) out of the garbage
    # collector's reach. A full collection on the GUI thread walks them all, ~40 ms each
    # time, for nothing: modules live as long as the process.
    gc.freeze()
    return app


def run(file: Path | None = None, settings: AppSettings | None = None) -> int:
    """Open the main window on ``file`` (workbook or project) and run the event loop."""
    app = application()
    crash = CrashHandler(app)
    crash.install()
    try:
        window = MainWindow(settings or AppSettings())
        window.show()
        window.start(file)
        return int(app.exec())
    finally:
        crash.uninstall()
