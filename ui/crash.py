"""Unexpected errors become a dialog with copyable details instead of a silent exit.

``sys.excepthook`` and ``threading.excepthook`` may run on any thread; they only format
the report and emit a queued signal. The dialog is built on the GUI thread, by the slot.
"""

from __future__ import annotations

import platform
import sys
import threading
import traceback
from types import TracebackType

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QApplication, QWidget

from ui import dialogs


def format_report(exc_type: type[BaseException], exc: BaseException,
                  tb: TracebackType | None) -> str:
    """The copyable details: versions first, then the traceback."""
    from ui.about import versions

    lines = [f"{name}: {value}" for name, value in versions()]
    lines.append(f"Platform: {platform.platform()}")
    lines.append("")
    lines += traceback.format_exception(exc_type, exc, tb)
    return "\n".join(line.rstrip("\n") for line in lines)


class CrashHandler(QObject):
    """Installed once by the app; restores the previous hooks on :meth:`uninstall`."""

    report = Signal(str, str)  # summary, details

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._previous_hook = sys.excepthook
        self._previous_thread_hook = threading.excepthook
        self._showing = False
        self.reports: list[str] = []
        # Queued: the slot always runs on this object's (the GUI) thread.
        self.report.connect(self._show, Qt.ConnectionType.QueuedConnection)

    def install(self) -> None:
        sys.excepthook = self.handle
        threading.excepthook = self._handle_thread

    def uninstall(self) -> None:
        sys.excepthook = self._previous_hook
        threading.excepthook = self._previous_thread_hook

    def handle(self, exc_type: type[BaseException], exc: BaseException,
               tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            self._previous_hook(exc_type, exc, tb)
            return
        details = format_report(exc_type, exc, tb)
        print(details, file=sys.stderr)
        self.report.emit(f"{exc_type.__name__}: {exc}", details)

    def _handle_thread(self, args: threading.ExceptHookArgs) -> None:
        value = args.exc_value if args.exc_value is not None else args.exc_type()
        self.handle(args.exc_type, value, args.exc_traceback)

    @Slot(str, str)
    def _show(self, summary: str, details: str) -> None:
        self.reports.append(details)
        if self._showing:  # one dialog at a time; later errors are in the log
            return
        self._showing = True
        try:
            app = QApplication.instance()
            parent = app.activeWindow() if isinstance(app, QApplication) else None
            dialogs.error(
                parent if isinstance(parent, QWidget) else None,
                "Unexpected error",
                "Something went wrong inside the planner. Your data is autosaved; you can "
                "keep working, or save and restart.",
                informative=summary,
                details=details,
            )
        finally:
            self._showing = False
