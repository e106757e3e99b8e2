"""The one message-box factory, and the file dialogs.

Every box the app shows is built by :func:`message_box` and run by :func:`run_box`, so
the look is consistent and tests can answer boxes by replacing :data:`box_hook` (and the
file-dialog hooks) instead of clicking through modal loops.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

Button = QMessageBox.StandardButton
Icon = QMessageBox.Icon

#: Replaces ``QMessageBox.exec`` when set (tests): gets the box, returns the button pressed.
box_hook: Callable[[QMessageBox], Button] | None = None
#: Replace the native file dialogs when set (tests): get (caption, filter), return a path.
open_hook: Callable[[str, str], Path | None] | None = None
save_hook: Callable[[str, str, Path], Path | None] | None = None

WORKBOOK_FILTER = (
    "Workbooks and projects (*.xlsx *.xlsm *.ods *.mplan);;Projects (*.mplan);;"
    "Workbooks (*.xlsx *.xlsm *.ods);;All files (*)"
)


def message_box(
    parent: QWidget | None,
    icon: Icon,
    title: str,
    text: str,
    *,
    informative: str = "",
    details: str = "",
    buttons: Button = Button.Ok,
    default: Button = Button.NoButton,
) -> QMessageBox:
    """Build (not run) a box; ``details`` go in the expandable, copyable part."""
    box = QMessageBox(icon, title, text, buttons, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if informative:
        box.setInformativeText(informative)
    if details:
        box.setDetailedText(details)
    if default != Button.NoButton:
        box.setDefaultButton(default)
    return box


def run_box(box: QMessageBox) -> Button:
    if box_hook is not None:
        answer = box_hook(box)
        box.deleteLater()
        return answer
    box.exec()
    answer = box.standardButton(box.clickedButton())
    box.deleteLater()
    return answer


def error(parent: QWidget | None, title: str, text: str, *, informative: str = "",
          details: str = "") -> None:
    run_box(message_box(parent, Icon.Critical, title, text, informative=informative,
                        details=details))


def warning(parent: QWidget | None, title: str, text: str, *, informative: str = "") -> None:
    run_box(message_box(parent, Icon.Warning, title, text, informative=informative))


def info(parent: QWidget | None, title: str, text: str, *, informative: str = "") -> None:
    run_box(message_box(parent, Icon.Information, title, text, informative=informative))


def ask(parent: QWidget | None, title: str, text: str, *, informative: str = "",
        buttons: Button = Button.Yes | Button.No, default: Button = Button.Yes) -> Button:
    """A question; returns the button pressed (Escape gives the box's escape button)."""
    return run_box(message_box(parent, Icon.Question, title, text, informative=informative,
                               buttons=buttons, default=default))


def open_path(parent: QWidget | None, caption: str, filter_: str = WORKBOOK_FILTER,
              directory: Path | None = None) -> Path | None:
    if open_hook is not None:
        return open_hook(caption, filter_)
    name, _ = QFileDialog.getOpenFileName(parent, caption, str(directory or ""), filter_)
    return Path(name) if name else None


def save_path(parent: QWidget | None, caption: str, filter_: str, suggested: Path) -> Path | None:
    if save_hook is not None:
        return save_hook(caption, filter_, suggested)
    name, _ = QFileDialog.getSaveFileName(parent, caption, str(suggested), filter_)
    return Path(name) if name else None
