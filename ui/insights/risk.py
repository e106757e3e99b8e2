"""The Ramp risk page: how late each vendor may start and how much slower it may ramp (a
min / most likely / max per vendor, or for all), runs and seed, kept in the project; and
the Monte Carlo result: P50/P90 date and cost, the histogram of the full-exit week, and
whose slip hurts most."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableView,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from planner.domain import Dataset
from planner.insights.parallel import default_workers
from planner.insights.risk import (
    ALL,
    Discrete,
    Distribution,
    RiskError,
    RiskResult,
    RiskSpec,
    Triangular,
    VendorSlip,
)
from ui.insights.charts import NOMINAL_COLOR, P50_COLOR, P90_COLOR, Bin, HistogramChart
from ui.insights.panels import InsightPanel, fit_height, paragraphs
from ui.views.base import fit_columns, make_table, section_title, summary_label
from ui.views.dataframe_model import Column, DataFrameModel, Highlight, Kind
from ui.views.formats import format_money

ALL_LABEL = "All other vendors"
APP_RUNS = 50  # the app's default: a first answer in minutes, not hours, on big workbooks
TASK_EPS = 1e-6
SLIP_HEADERS = ("Vendor", "Slip min", "Slip likely", "Slip max", "Ramp × min",
                "Ramp × likely", "Ramp × max")
SLIP_TIPS = ("A vendor, or all alternative vendors not listed on another row",
             "Onboarding slip, weeks: at least", "Onboarding slip, weeks: most likely",
             "Onboarding slip, weeks: at most", "Ramp stretch factor: at least",
             "Ramp stretch factor: most likely", "Ramp stretch factor: at most")


def default_spec() -> RiskSpec:
    """Every alternative vendor 0-4 weeks late, most likely 1; ramps as promised."""
    return RiskSpec({ALL: VendorSlip(Triangular(0, 1, 4), Triangular(1, 1, 1))}, APP_RUNS, 1)


def three(dist: Distribution) -> tuple[float, float, float]:
    """(min, most likely, max) of a distribution; a table gives its most probable value."""
    if isinstance(dist, Triangular):
        return dist.low, dist.mode, dist.high
    assert isinstance(dist, Discrete)
    values = dist.values
    return min(values), values[int(np.argmax(dist.probabilities))], max(values)


@dataclass(frozen=True)
class SlipRow:
    vendor: str  # a name, or ALL
    slip: tuple[float, float, float]  # onboarding slip, weeks
    stretch: tuple[float, float, float]  # ramp stretch factor


def spec_from_rows(rows: Sequence[SlipRow], runs: int, seed: int) -> RiskSpec:
    """The settings of the form; RiskError names each bad row and what is wrong in it."""
    problems: list[str] = []
    slips: dict[str, VendorSlip] = {}
    for number, row in enumerate(rows, start=1):
        label = ALL_LABEL if row.vendor == ALL else row.vendor
        where = f"row {number} ({label})"
        bad = [f"{what} needs min ≤ most likely ≤ max (got {a:g}, {b:g}, {c:g})"
               for what, (a, b, c) in (("onboarding slip", row.slip),
                                       ("ramp stretch", row.stretch)) if not a <= b <= c]
        if bad:
            problems.append(f"{where}: {'; '.join(bad)}")
            continue
        if row.vendor in slips:
            problems.append(f"{where}: {label} is on an earlier row already")
            continue
        try:
            slips[row.vendor] = VendorSlip(Triangular(*row.slip), Triangular(*row.stretch))
        except RiskError as exc:
            problems.append(f"{where}: {exc}")
    if not rows:
        problems.append(f"add a row: a vendor, or {ALL_LABEL}")
    if problems:
        raise RiskError("; ".join(problems))
    return RiskSpec(slips, runs, seed)


def rows_from_spec(spec: RiskSpec) -> list[SlipRow]:
    return [SlipRow(vendor, three(slip.onboarding), three(slip.stretch))
            for vendor, slip in spec.slips.items()]


def usable_vendors(dataset: Dataset | None) -> list[str]:
    """The vendors a slip can apply to: alternatives with capacity, not conflicted."""
    if dataset is None:
        return []
    exited = dataset.exited_vendors
    return [v.vendor for v in dataset.vendors if not v.conflicted and v.vendor not in exited
            and any(o.vendor == v.vendor for o in dataset.capacity)]


IMPACT_COLUMNS = (
    Column("vendor", "Vendor"),
    Column("weeks_later", "Exit later at its P90", Kind.NUMBER,
           tooltip="Weeks the full exit moves with only this vendor at its P90 slip"),
    Column("cost_increase", "Cost increase at its P90", Kind.MONEY,
           tooltip="Cost change with only this vendor at its P90 slip"),
    Column("p90_onboarding_slip", "P90 slip (weeks)", Kind.NUMBER),
    Column("p90_ramp_stretch", "P90 ramp ×", Kind.NUMBER, decimals=2),
    Column("corr_week", "Correlation with exit week", Kind.NUMBER, decimals=2,
           tooltip="Of its delay to full capacity with the exit week, over the runs"),
    Column("corr_cost", "Correlation with cost", Kind.NUMBER, decimals=2),
    Column("slip", "Its slip"),
)


def impacts_frame(result: RiskResult) -> pd.DataFrame:
    frame = result.impacts.copy()
    hurts = (frame["weeks_later"].fillna(0) > 0) | (frame["cost_increase"].fillna(0) > 0.5)
    frame["top"] = [i == 0 and bool(h) for i, h in enumerate(hurts)]
    return frame


def nominal_week(result: RiskResult) -> float:
    """The full-exit week of the plan without slips (the horizon: none)."""
    n = result.nominal
    if n is None:
        return math.nan
    done = n.completion_week < result.horizon_weeks and n.unserved_tasks <= TASK_EPS
    return float(n.completion_week if done else result.horizon_weeks)


def histogram_bins(result: RiskResult) -> list[Bin]:
    bins = []
    for row in result.week_histogram().itertuples():
        week, runs = int(row.week), int(row.runs)
        if week >= result.horizon_weeks:
            tip = f"No full exit within the {result.horizon_weeks}-week horizon: {runs} runs"
        else:
            tip = (f"Full exit in week {week} ({row.week_start}): {runs} runs "
                   f"({row.share:.0%}); {row.cumulative:.0%} of runs by then")
        bins.append(Bin(week, runs, tip))
    return bins


def _week_words(result: RiskResult, week: float) -> str:
    if not math.isfinite(week):
        return "n/a"
    if week >= result.horizon_weeks:
        return "no full exit"
    when = result.week_date(week)
    return f"week {int(week)} ({when.isoformat() if when else ''})"


def figures_html(result: RiskResult) -> str:
    """P50 / P90 of the full-exit date and of the cost, as a small table."""
    cur = result.currency
    if result.runs_done == 0:
        return ""
    cells = [("", "<b>Full exit</b>", "<b>Total cost</b>"),
             ("<b>P50</b>", _week_words(result, result.week_p50),
              format_money(result.cost_p50, cur)),
             ("<b>P90</b>", _week_words(result, result.week_p90),
              format_money(result.cost_p90, cur))]
    rows = "".join("<tr>" + "".join(f"<td style='padding:2px 14px 2px 0'>{c}</td>" for c in row)
                   + "</tr>" for row in cells)
    return f"<table>{rows}</table>"


class RiskPanel(InsightPanel):
    """The slip form, Run (with progress and Cancel) and the Monte Carlo result."""

    edited = Signal()  # the settings changed (the project has unsaved changes)

    action_text = "Run"
    intro_text = ("How sure is the date? Each run draws an onboarding slip (weeks late) and a "
                  "ramp stretch (× the ramp weeks) for every vendor from the ranges below and "
                  "re-plans (fastest plans). The settings are saved with the project.")
    empty_text = "Not run yet: set the slips, then Run."

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vendors: list[str] = []
        self.figures = QLabel()
        self.figures.setTextFormat(Qt.TextFormat.RichText)
        self.summary = summary_label()
        self.histogram = HistogramChart()
        self.model = DataFrameModel(IMPACT_COLUMNS, flag="top",
                                    highlight=Highlight(QColor("#fde8d7"), bold=True),
                                    parent=self)
        self.table: QTableView = make_table(self.model, self)
        top = QHBoxLayout()  # the figures beside the histogram: both at a glance
        top.addWidget(self.figures, 0, Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.histogram, 1)
        self.histogram.setMinimumHeight(230)
        layout = QVBoxLayout(self.content)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top, 1)
        layout.addWidget(self.summary)
        layout.addWidget(section_title("Whose slip hurts most"))
        layout.addWidget(self.table)
        self.set_spec(default_spec())

    # -- the form ------------------------------------------------------------------------------
    def add_header(self, layout: QVBoxLayout) -> None:
        layout.addWidget(self.intro)
        self.slips = QTableWidget(0, len(SLIP_HEADERS))
        self.slips.setHorizontalHeaderLabels(list(SLIP_HEADERS))
        for col, tip in enumerate(SLIP_TIPS):
            item = self.slips.horizontalHeaderItem(col)
            if item is not None:
                item.setToolTip(tip)
        self.slips.verticalHeader().hide()
        self.slips.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.slips.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.slips.setMaximumHeight(104)
        self.add_row_button = QPushButton("Add &vendor row")
        self.remove_row_button = QPushButton("Remove ro&w")
        self.add_row_button.clicked.connect(lambda: self.add_row(None))
        self.remove_row_button.clicked.connect(self.remove_row)
        buttons = QVBoxLayout()
        buttons.addWidget(self.add_row_button)
        buttons.addWidget(self.remove_row_button)
        buttons.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.slips, 1)
        row.addLayout(buttons)
        layout.addLayout(row)
        self.form_message = QLabel()
        self.form_message.setWordWrap(True)
        self.form_message.setStyleSheet("color:#b42318;")
        self.form_message.hide()
        layout.addWidget(self.form_message)

    def add_options(self, row: QHBoxLayout) -> None:
        self.runs_spin = QSpinBox()
        self.runs_spin.setRange(1, 100_000)
        self.runs_spin.setToolTip("Monte Carlo runs (each one re-plan)")
        self.seed_spin = QSpinBox()
        self.seed_spin.setRange(0, 2_000_000_000)
        self.seed_spin.setToolTip("The same seed gives the same draws")
        self.workers_spin = QSpinBox()
        self.workers_spin.setRange(1, max(1, default_workers()) * 2)
        self.workers_spin.setValue(default_workers())
        self.workers_spin.setToolTip("Worker processes solving runs in parallel")
        for text, spin in (("Runs:", self.runs_spin), ("Seed:", self.seed_spin),
                           ("Workers:", self.workers_spin)):
            label = QLabel(text)
            label.setBuddy(spin)
            row.addWidget(label)
            row.addWidget(spin)
        self.runs_spin.valueChanged.connect(self._edited)
        self.seed_spin.valueChanged.connect(self._edited)

    def _edited(self) -> None:
        self.form_message.hide()
        self.edited.emit()

    def set_vendors(self, vendors: Sequence[str]) -> None:
        """The vendors the combo boxes offer (a row's own vendor stays, listed or not)."""
        self.vendors = list(vendors)
        for r in range(self.slips.rowCount()):
            combo = self._combo(r)
            current = combo.currentData()
            self._fill_combo(combo, current)

    def _fill_combo(self, combo: QComboBox, current: str) -> None:
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(ALL_LABEL, ALL)
        for name in dict.fromkeys([*self.vendors, *([current] if current != ALL else [])]):
            combo.addItem(name, name)
        combo.setCurrentIndex(max(0, combo.findData(current)))
        combo.blockSignals(False)

    def _combo(self, r: int) -> QComboBox:
        widget = self.slips.cellWidget(r, 0)
        assert isinstance(widget, QComboBox)
        return widget

    def _spin(self, r: int, c: int) -> QSpinBox | QDoubleSpinBox:
        widget = self.slips.cellWidget(r, c)
        assert isinstance(widget, QSpinBox | QDoubleSpinBox)
        return widget

    def add_row(self, row: SlipRow | None) -> None:
        """A row of the form; None: the next vendor not listed yet, usual ranges."""
        if row is None:
            listed = {r.vendor for r in self.rows()}
            vendor = next((v for v in [ALL, *self.vendors] if v not in listed), ALL)
            row = SlipRow(vendor, (0, 1, 4), (1, 1, 1))
        r = self.slips.rowCount()
        self.slips.insertRow(r)
        combo = QComboBox()
        self._fill_combo(combo, row.vendor)
        combo.currentIndexChanged.connect(self._edited)
        self.slips.setCellWidget(r, 0, combo)
        for c, value in enumerate(row.slip, start=1):
            spin = QSpinBox()
            spin.setRange(0, 260)
            spin.setSuffix(" wk")
            spin.setValue(round(value))
            spin.valueChanged.connect(self._edited)
            self.slips.setCellWidget(r, c, spin)
        for c, value in enumerate(row.stretch, start=4):
            dspin = QDoubleSpinBox()
            dspin.setRange(0.0, 20.0)
            dspin.setDecimals(2)
            dspin.setSingleStep(0.1)
            dspin.setPrefix("×")
            dspin.setValue(value)
            dspin.valueChanged.connect(self._edited)
            self.slips.setCellWidget(r, c, dspin)
        self.slips.resizeRowsToContents()
        self._edited()

    def remove_row(self) -> None:
        r = self.slips.currentRow()
        if r < 0 and self.slips.rowCount():
            r = self.slips.rowCount() - 1
        if r >= 0:
            self.slips.removeRow(r)
            self._edited()

    def rows(self) -> list[SlipRow]:
        out = []
        for r in range(self.slips.rowCount()):
            values = [float(self._spin(r, c).value()) for c in range(1, 7)]
            out.append(SlipRow(str(self._combo(r).currentData()), (values[0], values[1],
                                                                   values[2]),
                               (values[3], values[4], values[5])))
        return out

    def set_spec(self, spec: RiskSpec) -> None:
        """Fill the form (no ``edited`` signal: this is what the project holds)."""
        self.blockSignals(True)
        try:
            self.slips.setRowCount(0)
            for row in rows_from_spec(spec):
                self.add_row(row)
            self.runs_spin.setValue(spec.runs)
            self.seed_spin.setValue(spec.seed)
        finally:
            self.blockSignals(False)
        self.form_message.hide()

    def spec(self) -> RiskSpec:
        """The form's settings; RiskError says what is wrong (also shown under the form)."""
        try:
            spec = spec_from_rows(self.rows(), self.runs_spin.value(), self.seed_spin.value())
        except RiskError as exc:
            self.show_problem(str(exc))
            raise
        self.form_message.hide()
        return spec

    def show_problem(self, text: str) -> None:
        self.form_message.setText(text)
        self.form_message.show()

    # -- the result ------------------------------------------------------------------------------
    def partial_text(self, result: RiskResult) -> str:
        if not (result.cancelled or result.partial):
            return ""
        return (f"Partial result: {result.runs_done} of {result.spec.runs} runs finished "
                "before the stop; the figures below are of those runs only.")

    def _show(self, result: RiskResult) -> None:
        self.figures.setText(figures_html(result))
        self.summary.setText(paragraphs(result.summary()))
        marks = [(result.week_p50, "P50", P50_COLOR), (result.week_p90, "P90", P90_COLOR),
                 (nominal_week(result), "no slips", NOMINAL_COLOR)]
        self.histogram.set_bins(histogram_bins(result), result.plan_start, result.horizon_weeks,
                                marks if result.runs_done else [])
        self.model.set_frame(impacts_frame(result), result.currency)
        fit_columns(self.table)
        fit_height(self.table)

    def _clear(self) -> None:
        self.figures.clear()
        self.summary.clear()
        self.histogram.set_bins([], date.today(), 0)
        self.model.set_frame(None)
