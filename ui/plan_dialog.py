"""The Plan dialog: mode, exit deadline and time limit for one optimiser run."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QWidget,
)

from planner.domain import Mode
from ui.project_file import PlanOptions


class PlanDialog(QDialog):
    def __init__(self, options: PlanOptions, plan_start: date,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Plan")
        self.mode = QComboBox()
        self.mode.addItem("Cheapest — least total cost", Mode.CHEAPEST)
        self.mode.addItem("Fastest — earliest full exit, then cheapest", Mode.FASTEST)
        self.mode.setCurrentIndex(0 if options.mode is Mode.CHEAPEST else 1)
        self.use_deadline = QCheckBox("Exit deadline")
        self.deadline = QDateEdit()
        self.deadline.setCalendarPopup(True)
        self.deadline.setDisplayFormat("yyyy-MM-dd")
        start = options.deadline or plan_start
        self.deadline.setDate(QDate(start.year, start.month, start.day))
        self.use_deadline.setChecked(options.deadline is not None)
        self.deadline.setEnabled(options.deadline is not None)
        self.use_deadline.toggled.connect(self.deadline.setEnabled)
        self.time_limit = QDoubleSpinBox()
        self.time_limit.setRange(0, 24 * 3600)
        self.time_limit.setDecimals(0)
        self.time_limit.setSuffix(" s")
        self.time_limit.setSpecialValueText("no limit")
        self.time_limit.setValue(options.time_limit or 0)
        deadline_row = QHBoxLayout()
        deadline_row.addWidget(self.use_deadline)
        deadline_row.addWidget(self.deadline, 1)
        form = QFormLayout(self)
        form.addRow("Mode", self.mode)
        form.addRow(deadline_row)
        form.addRow("Time limit", self.time_limit)
        hint = QLabel("Stopping early (time limit or Cancel) keeps the best plan found.")
        hint.setWordWrap(True)
        form.addRow(hint)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Plan")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def options(self) -> PlanOptions:
        deadline = None
        if self.use_deadline.isChecked():
            d = self.deadline.date()
            deadline = date(d.year(), d.month(), d.day())
        limit = self.time_limit.value()
        return PlanOptions(Mode(self.mode.currentData()), deadline, limit or None)
