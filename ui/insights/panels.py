"""One page of the Insights tab: what it computes, its action (with progress and Cancel),
an out-of-date banner, and the result. The price of speed, levers and doctor pages are
here; scenarios and ramp risk have forms of their own (:mod:`ui.insights.scenarios`,
:mod:`ui.insights.risk`)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pandas as pd
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from planner.insights.doctor import DoctorReport
from planner.insights.levers import LeverReport
from planner.insights.speed import PriceOfSpeed
from ui.icons import icon
from ui.insights.charts import CurvePoint, SpeedChart
from ui.views.base import StaleBanner, fit_columns, make_table, section_title, summary_label
from ui.views.dataframe_model import Column, DataFrameModel, Highlight, Kind
from ui.views.formats import format_money

STALE_TEXT = ("Out of date — the data or the plan changed since this was computed. "
              "Compute it again for the current plan.")
CHOSEN_BG = QColor("#e3f4e8")
PARTIAL_STYLE = ("background:#fde8d7; color:#7a3306; border:1px solid #f0a46c; "
                 "border-radius:4px; padding:6px;")
INTRO_STYLE = "color:#4b5563;"


def paragraphs(lines: list[str] | tuple[str, ...]) -> str:
    """Sentences as rich text, one paragraph each (the texts are plain: escape them)."""
    import html

    return "".join(f"<p style='margin:0 0 4px 0'>{html.escape(line)}</p>" for line in lines)


class InsightPanel(QWidget):
    """The common frame: intro, options, action button, progress, banners, result."""

    compute_requested = Signal()
    cancel_requested = Signal()

    action_text = "Compute"
    intro_text = ""
    empty_text = "Not computed yet."

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.result: Any = None
        self._available = False
        self._busy = False
        self._running = False
        self.intro = QLabel(self.intro_text)
        self.intro.setWordWrap(True)
        self.intro.setStyleSheet(INTRO_STYLE)
        self.compute_button = QPushButton(icon("plan"), self.action_text)
        self.compute_button.clicked.connect(self.compute_requested)
        self.cancel_button = QPushButton(icon("cancel"), "Cancel")
        self.cancel_button.clicked.connect(self.cancel_requested)
        self.cancel_button.hide()
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(200)
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.progress_label = QLabel()
        self.progress_label.setStyleSheet(INTRO_STYLE)
        # long progress messages must not widen the window: the label takes what is left
        self.progress_label.setSizePolicy(QSizePolicy.Policy.Ignored,
                                          QSizePolicy.Policy.Preferred)
        self.action_row = QHBoxLayout()
        self.action_row.setContentsMargins(0, 0, 0, 0)
        self.add_options(self.action_row)
        self.action_row.addWidget(self.compute_button)
        self.action_row.addWidget(self.cancel_button)
        self.action_row.addWidget(self.progress)
        self.action_row.addWidget(self.progress_label, 1)
        self.stale_banner = StaleBanner()
        self.stale_banner.label.setText(STALE_TEXT)
        self.partial_banner = QLabel()
        self.partial_banner.setWordWrap(True)
        self.partial_banner.setStyleSheet(PARTIAL_STYLE)
        self.partial_banner.hide()
        self.empty_label = QLabel(self.empty_text)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setStyleSheet("color: #6b7280; font-size: 11pt;")
        self.content = QWidget()
        self._stack = QStackedWidget()
        self._stack.addWidget(self.empty_label)
        self._stack.addWidget(self.content)
        scroll = QScrollArea()  # small windows scroll rather than squash the charts
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self._stack)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(6)
        self.add_header(layout)
        layout.addLayout(self.action_row)
        layout.addWidget(self.stale_banner)
        layout.addWidget(self.partial_banner)
        layout.addWidget(scroll, 1)

    # -- what subclasses add ------------------------------------------------------------
    def add_header(self, layout: QVBoxLayout) -> None:
        layout.addWidget(self.intro)

    def add_options(self, row: QHBoxLayout) -> None:
        """Option widgets left of the action button."""

    def _show(self, result: Any) -> None:
        raise NotImplementedError

    def _clear(self) -> None:
        raise NotImplementedError

    def partial_text(self, result: Any) -> str:
        """Non-empty when ``result`` is partial (cancelled)."""
        return ("Cancelled: a partial result, with what was computed before the stop."
                if getattr(result, "cancelled", False) else "")

    # -- state from the controller --------------------------------------------------------
    def show_result(self, result: Any) -> None:
        self.result = result
        if result is None:
            self._clear()
            self.partial_banner.hide()
            self._stack.setCurrentWidget(self.empty_label)
            return
        self._show(result)
        partial = self.partial_text(result)
        self.partial_banner.setText(partial)
        self.partial_banner.setVisible(bool(partial))
        self._stack.setCurrentWidget(self.content)

    def has_result(self) -> bool:
        return self._stack.currentWidget() is self.content

    def set_stale(self, stale: bool) -> None:
        self.stale_banner.setVisible(stale and self.result is not None)

    def is_stale(self) -> bool:
        return not self.stale_banner.isHidden()

    def set_available(self, available: bool, reason: str = "") -> None:
        """Whether the action can run now; ``reason`` says why not (its tooltip)."""
        self._available = available
        self.compute_button.setToolTip("" if available else reason)
        if not available and reason and self.result is None:
            self.empty_label.setText(f"{self.empty_text} {reason}")
        elif self.result is None:
            self.empty_label.setText(self.empty_text)
        self._refresh_buttons()

    def set_busy(self, busy: bool, running: bool) -> None:
        """``busy``: some task runs; ``running``: it is this page's."""
        self._busy, self._running = busy, running
        self.cancel_button.setVisible(running)
        self.progress.setVisible(running)
        if running:
            self.progress.setRange(0, 0)
            self.progress_label.setText("Starting…")
        else:
            self.progress_label.clear()
        self._refresh_buttons()

    def set_progress(self, fraction: float | None, message: str) -> None:
        if fraction is None:
            self.progress.setRange(0, 0)
        else:
            self.progress.setRange(0, 1000)
            self.progress.setValue(int(max(0.0, min(1.0, fraction)) * 1000))
        self.progress_label.setText(message)

    def _refresh_buttons(self) -> None:
        self.compute_button.setEnabled(self._available and not self._busy)


def fit_height(table: QTableView, max_rows: int = 10) -> None:
    """A table of a few rows as tall as its rows (up to ``max_rows``, then it scrolls)."""
    rows = min(table.model().rowCount(), max_rows)
    height = table.horizontalHeader().sizeHint().height() + 2 * table.frameWidth()
    height += rows * table.verticalHeader().defaultSectionSize()
    height += table.horizontalScrollBar().sizeHint().height()  # room for it, if it shows
    table.setFixedHeight(height + 4)


def wrap_last_column(table: QTableView) -> None:
    """Long sentences in the last (stretched) column wrap; rows follow its width (the
    insights' tables have tens of rows at most, so measuring them all is cheap)."""
    table.setWordWrap(True)
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)


def _spin(low: int, high: int, value: int, tip: str) -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(low, high)
    spin.setValue(value)
    spin.setToolTip(tip)
    return spin


def _labelled(row: QHBoxLayout, text: str, widget: QWidget) -> None:
    label = QLabel(text)
    label.setBuddy(widget)
    row.addWidget(label)
    row.addWidget(widget)


# --- price of speed ------------------------------------------------------------------------

SPEED_COLUMNS = (
    Column("week", "Exit by week", Kind.NUMBER,
           tooltip="No work on the exited vendors from this week on"),
    Column("exit_by", "Exit by", Kind.DATE, tooltip="The start of that week"),
    Column("total", "Total cost", Kind.MONEY, tooltip="The cheapest plan that exits by then"),
    Column("extra_cost", "Extra vs cheapest", Kind.MONEY,
           tooltip="Its total minus the cheapest plan's"),
    Column("per_week_earlier", "Per week gained", Kind.MONEY,
           tooltip="Cost difference to the next later point, per week between them"),
    Column("completion_week", "Plan exits in week", Kind.NUMBER,
           tooltip="That plan's own completion week (can be earlier)"),
    Column("run", "Run cost", Kind.MONEY),
    Column("setup_fees", "Setup fees", Kind.MONEY),
    Column("termination_fees", "Termination fees", Kind.MONEY),
    Column("commitment_shortfall", "Commitment shortfall", Kind.MONEY),
    Column("status", "Solver status"),
    Column("chosen", "Chosen plan", Kind.BOOL, true_text="chosen", false_text=""),
)


def curve_points(result: PriceOfSpeed) -> list[CurvePoint]:
    cur = result.currency
    return [CurvePoint(p.week, p.total, p.chosen,
                       f"{p.sentence}\nTotal {format_money(p.total, cur)}"
                       + ("\nThe chosen plan" if p.chosen else ""))
            for p in result.points]


class SpeedPanel(InsightPanel):
    """What a full exit by each week costs, from the fastest to the cheapest plan."""

    action_text = "Compute"
    intro_text = ("What a full exit by each week costs: the cheapest plan that leaves no work "
                  "on the exited vendors from that week on, from the fastest exit to the "
                  "cheapest plan. Every point is a re-solve of the optimiser.")
    empty_text = "Not computed yet: Compute draws the curve for the current plan."

    def add_options(self, row: QHBoxLayout) -> None:
        self.points_spin = _spin(2, 60, 12, "At most this many optimiser runs for the curve")
        _labelled(row, "Points:", self.points_spin)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary = summary_label()
        self.chart = SpeedChart()
        self.model = DataFrameModel(SPEED_COLUMNS, flag="chosen",
                                    highlight=Highlight(CHOSEN_BG, bold=True), parent=self)
        self.table: QTableView = make_table(self.model, self)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.chart)
        splitter.addWidget(self.table)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self.content)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary)
        layout.addWidget(splitter, 1)

    def _show(self, result: PriceOfSpeed) -> None:
        self.summary.setText(paragraphs([result.summary, *result.notes]))
        first = result.points[0] if result.points else None
        plan_start = first.exit_by - timedelta(weeks=first.week) if first else date.today()
        self.chart.set_curve(curve_points(result), plan_start, result.currency)
        self.chart.setVisible(bool(result.points))
        self.model.set_frame(result.table(), result.currency)
        fit_columns(self.table)

    def _clear(self) -> None:
        self.summary.clear()
        self.chart.set_curve([], date.today(), "")
        self.model.set_frame(None)


# --- levers -----------------------------------------------------------------------------

LEVER_COLUMNS = (
    Column("rank", "#", Kind.NUMBER),
    Column("weeks_earlier", "Weeks earlier", Kind.NUMBER,
           tooltip="How much earlier the earliest full exit becomes"),
    Column("saving", "Saving", Kind.MONEY, tooltip="The cheapest plan's cost now minus with it"),
    Column("kind", "Limit", tooltip="What the lever changes (the sentence says of what and "
           "by how much)"),
    Column("sentence", "In plain words"),
)


class LeversPanel(InsightPanel):
    """The limits that hold the exit back or cost the most, one negotiable step each."""

    intro_text = ("Which limits hold the exit back or cost the most — capacity, onboarding, "
                  "notice, share caps, cutover — each measured one negotiable step at a time "
                  "by re-solving. Ranked by money saved (cheapest plan) or weeks gained "
                  "(fastest plan).")
    empty_text = "Not computed yet: Compute finds the levers of the current plan."

    def add_options(self, row: QHBoxLayout) -> None:
        self.top_spin = _spin(1, 20, 6, "Candidate levers measured by re-solving")
        _labelled(row, "Levers to test:", self.top_spin)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary = summary_label()
        self.model = DataFrameModel(LEVER_COLUMNS, parent=self)
        self.table: QTableView = make_table(self.model, self)
        wrap_last_column(self.table)
        self.notes = summary_label()
        layout = QVBoxLayout(self.content)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.notes)

    def _show(self, result: LeverReport) -> None:
        self.summary.setText(paragraphs([result.summary]))
        self.model.set_frame(result.table(), result.currency)
        fit_columns(self.table, max_width=240)
        self.notes.setText(paragraphs(result.notes))
        self.notes.setVisible(bool(result.notes))

    def _clear(self) -> None:
        self.summary.clear()
        self.notes.clear()
        self.model.set_frame(None)


# --- doctor -----------------------------------------------------------------------------

PROBLEM_COLUMNS = (
    Column("problem", "#", Kind.NUMBER),
    Column("kind", "Blocked by", tooltip="The rule of the planning model that blocks the work"),
    Column("skill", "Skill"),
    Column("weeks", "Weeks"),
    Column("tasks_short", "Tasks short", Kind.NUMBER),
    Column("streams", "Streams"),
    Column("rule", "Why"),
)
FIX_COLUMNS = (
    Column("problem", "#", Kind.NUMBER, tooltip="The problem this fixes"),
    Column("resolves", "Resolves", Kind.BOOL, tooltip="Places all of the problem's work"),
    Column("cost_after", "Plan cost then", Kind.MONEY,
           tooltip="The whole plan's total cost with this fix alone"),
    Column("exit_week_after", "Exit week then", Kind.NUMBER,
           tooltip="The earliest full exit with this fix"),
    Column("fix", "Fix"),
)


def problems_frame(report: DoctorReport) -> pd.DataFrame:
    rows = []
    for i, dg in enumerate(report.diagnoses):
        sh = dg.shortage
        weeks = (f"{sh.first_week}" if sh.first_week == sh.last_week
                 else f"{sh.first_week}–{sh.last_week}")
        rows.append({"problem": i + 1, "kind": sh.kind, "skill": sh.skill, "weeks": weeks,
                     "tasks_short": sh.tasks_short, "streams": ", ".join(sh.streams),
                     "rule": dg.rule})
    return pd.DataFrame(rows, columns=[c.key for c in PROBLEM_COLUMNS])


class DoctorPanel(InsightPanel):
    """Which work cannot be placed, the rule that blocks it, and the cheapest fixes."""

    action_text = "Diagnose"
    intro_text = ("The plan leaves work unserved or has no full exit. The doctor finds which "
                  "streams and weeks cannot be placed, the rule that blocks them, and the "
                  "cheapest fixes, each checked and costed by re-solving.")
    empty_text = "Not diagnosed yet: Diagnose explains the current plan."

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary = summary_label()
        self.problems_model = DataFrameModel(PROBLEM_COLUMNS, parent=self)
        self.problems_table: QTableView = make_table(self.problems_model, self)
        self.fixes_model = DataFrameModel(FIX_COLUMNS, flag="resolves",
                                          highlight=Highlight(CHOSEN_BG), parent=self)
        self.fixes_table: QTableView = make_table(self.fixes_model, self)
        wrap_last_column(self.problems_table)
        wrap_last_column(self.fixes_table)
        self.combined = summary_label()
        self.problems_title = section_title("What cannot be placed")
        self.fixes_title = section_title("Fixes, cheapest first")
        self.filler = QWidget()  # keeps a short answer at the top when there are no tables
        layout = QVBoxLayout(self.content)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary)
        layout.addWidget(self.problems_title)
        layout.addWidget(self.problems_table, 2)
        layout.addWidget(self.fixes_title)
        layout.addWidget(self.fixes_table, 3)
        layout.addWidget(self.combined)
        layout.addWidget(self.filler, 1)

    def _show(self, result: DoctorReport) -> None:
        self.summary.setText(paragraphs([result.summary, *result.notes]))
        has_problems = bool(result.diagnoses)
        for widget in (self.problems_title, self.problems_table, self.fixes_title,
                       self.fixes_table):
            widget.setVisible(has_problems)
        self.filler.setVisible(not has_problems)
        self.problems_model.set_frame(problems_frame(result), result.currency)
        self.fixes_model.set_frame(result.table(), result.currency)
        fit_columns(self.problems_table, max_width=150)  # the rest for the sentences
        fit_columns(self.fixes_table, max_width=150)
        combined = result.combined.sentence if result.combined is not None else ""
        self.combined.setText(paragraphs([combined]) if combined else "")
        self.combined.setVisible(bool(combined))

    def _clear(self) -> None:
        self.summary.clear()
        self.combined.clear()
        self.problems_model.set_frame(None)
        self.fixes_model.set_frame(None)
