"""Helpers shared by the GUI tests (kept out of conftest so tests can import them)."""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtWidgets import QMessageBox

from ui import dialogs
from ui.main_window import MainWindow


@dataclass
class Boxes:
    """Scripted answers to message boxes; every box shown is recorded."""

    answers: list[dialogs.Button] = field(default_factory=list)
    shown: list[tuple[str, str, str]] = field(default_factory=list)  # title, text, info

    def __call__(self, box: QMessageBox) -> dialogs.Button:
        self.shown.append((box.windowTitle(), box.text(), box.informativeText()))
        if self.answers:
            return self.answers.pop(0)
        buttons = box.standardButtons()
        for default in (dialogs.Button.Discard, dialogs.Button.No, dialogs.Button.Ok):
            if buttons & default:
                return default
        return dialogs.Button.Cancel

    def titles(self) -> list[str]:
        return [title for title, _, _ in self.shown]


def wait_idle(qtbot, window: MainWindow, timeout: int = 60_000) -> None:
    """Until the running task (load, plan, export) has finished and been applied."""
    qtbot.waitUntil(lambda: not window.runner.busy and window._on_result is None,
                    timeout=timeout)
