"""What the plan costs, item by item, next to the naive baseline, and week by week."""

from __future__ import annotations

import pandas as pd
from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QHelpEvent, QPainter, QPaintEvent, QPen, QResizeEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QHeaderView,
    QScrollArea,
    QSizePolicy,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from planner.results import CostBreakdown, PlanResult
from ui.views.base import (
    Legend,
    LegendItem,
    PlanView,
    Swatch,
    make_table,
    section_title,
    summary_label,
)
from ui.views.charts import (
    ChartData,
    Series,
    WeeklyChart,
    nice_ticks,
    weekly_values,
)
from ui.views.dataframe_model import Column, DataFrameModel, Highlight, Kind
from ui.views.formats import format_compact, format_money, format_percent
from ui.views.palette import UNSERVED_COLOR
from ui.views.theme import Theme

PLAN_COLOR = QColor("#2563eb")
BASELINE_COLOR = QColor("#a3aab5")
WEEKLY_SERIES = (  # column of plan.weekly_cost, label, colour, swatch
    ("run_exited", "Run cost, exited vendors", QColor("#8b93a1"), Swatch.BOX),
    ("run_alternatives", "Run cost, alternatives", QColor("#4e79a7"), Swatch.BOX),
    ("one_off", "Setup, termination and shortfall", QColor("#f28e2b"), Swatch.BOX),
    ("unserved_penalty", "Unserved penalty", UNSERVED_COLOR, Swatch.HATCH),
)
TOTAL_LABEL = "Total"
TOTAL_COLOR = QColor("#eef2f7")
NARROW_WIDTH = 1000  # below this the breakdown table goes under the bars

COST_COLUMNS = (
    Column("item", "Cost item"),
    Column("plan", "This plan", Kind.MONEY),
    Column("baseline", "Naive plan", Kind.MONEY),
    Column("difference", "Difference", Kind.MONEY, tooltip="This plan minus the naive plan"),
    Column("change", "Change", Kind.PERCENT, tooltip="Difference as a share of the naive plan"),
)


def cost_table(plan: CostBreakdown, baseline: CostBreakdown | None) -> pd.DataFrame:
    """One row per cost item plus the total, baseline columns blank without a baseline."""
    rows = [*plan.as_rows(), (TOTAL_LABEL, plan.total)]
    base = [*baseline.as_rows(), (TOTAL_LABEL, baseline.total)] if baseline else None
    frame = pd.DataFrame(rows, columns=["item", "plan"])
    if base is None:
        frame["baseline"] = None
        frame["difference"] = None
        frame["change"] = None
    else:
        frame["baseline"] = [amount for _, amount in base]
        frame["difference"] = frame["plan"] - frame["baseline"]
        frame["change"] = [
            d / b if abs(b) > 1e-9 else None
            for d, b in zip(frame["difference"], frame["baseline"], strict=True)
        ]
    frame["_total"] = frame["item"] == TOTAL_LABEL  # shown in bold
    return frame


def saving_text(plan: PlanResult, baseline: PlanResult | None) -> str:
    """The plan's cost and its saving against the naive plan, in words (rich text)."""
    cur = plan.currency
    text = f"This plan costs <b>{format_money(plan.total_cost, cur)}</b>"
    if plan.gap > 1e-6:
        text += f" (within {format_percent(plan.gap, 2)} of the best possible)"
    text += "."
    if baseline is not None:
        saving = baseline.total_cost - plan.total_cost
        base = format_money(baseline.total_cost, cur)
        if abs(saving) < 0.5:
            text += f" The naive plan costs the same ({base})."
        elif saving > 0:
            share = saving / baseline.total_cost if baseline.total_cost else 0.0
            text += (
                f" The naive plan costs {base}: this plan <b>saves "
                f"{format_money(saving, cur)}</b> ({format_percent(share, 1)})."
            )
        else:
            text += (
                f" The naive plan costs {base}: this plan costs "
                f"<b>{format_money(-saving, cur)} more</b>."
            )
    if plan.completion_week < plan.horizon_weeks:
        text += (
            f" All work is off the exited vendors by week {plan.completion_week} "
            f"({plan.completion_date.isoformat()})"
        )
        if baseline is not None:
            text += f"; the naive plan needs until week {baseline.completion_week}"
        text += "."
    if plan.costs.unserved_tasks > 1e-9:
        text += (
            f" {plan.costs.unserved_tasks:,.0f} tasks stay unserved "
            f"({format_money(plan.costs.unserved_penalty, cur)} penalty)."
        )
    return text


class CostBarsChart(QWidget):
    """Horizontal bars per cost item: this plan above, the naive plan below."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[str, float, float | None]] = []
        self._currency = ""
        self.setMinimumSize(320, 200)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:
        return QSize(460, 260)

    def set_costs(
        self, plan: CostBreakdown | None, baseline: CostBreakdown | None, currency: str
    ) -> None:
        self._currency = currency
        if plan is None:
            self._rows = []
        else:
            base = dict(baseline.as_rows()) if baseline is not None else {}
            self._rows = [(label, amount, base.get(label)) for label, amount in plan.as_rows()]
        self.update()

    @property
    def rows(self) -> list[tuple[str, float, float | None]]:
        return list(self._rows)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        theme = Theme.of(self)
        painter.fillRect(self.rect(), theme.base)
        if not self._rows:
            painter.end()
            return
        fm = self.fontMetrics()
        label_w = max(fm.horizontalAdvance(label) for label, _, _ in self._rows) + 16
        top_value = max(max(p, b or 0.0) for _, p, b in self._rows)
        value_w = fm.horizontalAdvance(format_money(top_value, self._currency, compact=True)) + 12
        room = max(40.0, self.width() - label_w - value_w - 8)
        fit = int(room // (fm.horizontalAdvance(format_compact(top_value)) + 24))
        ticks = nice_ticks(top_value * 1.02 if top_value > 0 else 1.0, max(1, min(4, fit)))
        plot = QRectF(
            label_w,
            8,
            max(40.0, self.width() - label_w - value_w - 8),
            self.height() - fm.height() - 20,
        )
        scale = plot.width() / ticks[-1]
        for tick in ticks:
            x = round(plot.left() + tick * scale) + 0.5
            painter.setPen(QPen(theme.grid, 1))
            painter.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()))
            painter.setPen(theme.axis)
            text = format_compact(tick)
            w = fm.horizontalAdvance(text)
            painter.drawText(QPointF(x - w / 2, plot.bottom() + fm.ascent() + 4), text)
        slot = plot.height() / len(self._rows)
        has_base = any(b is not None for _, _, b in self._rows)
        bar_h = min(18.0, slot * (0.36 if has_base else 0.6))
        text_color = theme.text
        for i, (label, amount, base) in enumerate(self._rows):
            y = plot.top() + i * slot
            painter.setPen(text_color)
            painter.drawText(
                QRectF(0, y, label_w - 10, slot),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
                label,
            )
            bars = [(amount, PLAN_COLOR)] + ([(base, BASELINE_COLOR)] if base is not None else [])
            y0 = y + (slot - bar_h * len(bars) - 2 * (len(bars) - 1)) / 2
            for j, (value, color) in enumerate(bars):
                rect = QRectF(plot.left(), y0 + j * (bar_h + 2), max(0.0, value) * scale, bar_h)
                painter.fillRect(rect, color)
                painter.setPen(theme.axis)
                painter.drawText(
                    QPointF(rect.right() + 4, rect.center().y() + fm.ascent() / 2 - 1),
                    format_money(value, self._currency, compact=True),
                )
        painter.setPen(QPen(theme.axis, 1))
        painter.drawLine(plot.topLeft(), plot.bottomLeft())
        painter.end()

    def tooltip_at(self, pos: QPoint | QPointF) -> str:
        if not self._rows or self.height() <= 0:
            return ""
        fm = self.fontMetrics()
        plot_h = self.height() - fm.height() - 20
        index = int((pos.y() - 8) / (plot_h / len(self._rows)))
        if not 0 <= index < len(self._rows) or pos.y() < 8:
            return ""
        label, amount, base = self._rows[index]
        text = f"{label}\nThis plan: {format_money(amount, self._currency)}"
        if base is not None:
            text += f"\nNaive plan: {format_money(base, self._currency)}"
        return text

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            text = self.tooltip_at(event.pos())
            if text:
                QToolTip.showText(event.globalPos(), text, self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)


class CostView(PlanView):
    """Cost breakdown next to the naive plan (bars and table) and the cost of each week."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary = summary_label()
        self.bars = CostBarsChart()
        self.bars_legend = Legend()
        self.model = DataFrameModel(
            COST_COLUMNS, flag="_total", highlight=Highlight(TOTAL_COLOR, bold=True), parent=self
        )
        self.table = make_table(self.model, self)
        self.table.setSortingEnabled(False)
        self.weekly = WeeklyChart(format_compact, "Cost per week")
        self.weekly_legend = Legend()
        self.bars.setAccessibleName("Cost breakdown, this plan and the naive plan")
        self.weekly.setAccessibleName("Cost per week")

        bars_box = QWidget()
        bars_layout = QVBoxLayout(bars_box)
        bars_layout.setContentsMargins(0, 0, 0, 0)
        bars_layout.addWidget(self.bars_legend)
        bars_layout.addWidget(self.bars, 1)
        self.breakdown = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.breakdown.setContentsMargins(0, 0, 0, 0)
        self.breakdown.setSpacing(12)
        self.breakdown.addWidget(bars_box, 2)
        self.breakdown.addWidget(self.table, 3, Qt.AlignmentFlag.AlignTop)
        self.weekly.setMinimumHeight(260)

        inner = QWidget()
        layout = QVBoxLayout(inner)
        layout.setContentsMargins(0, 0, 4, 0)
        layout.setSpacing(8)
        layout.addWidget(self.summary)
        layout.addWidget(section_title("Cost breakdown"))
        layout.addLayout(self.breakdown)
        layout.addSpacing(6)
        layout.addWidget(section_title("Cost per week"))
        layout.addWidget(self.weekly_legend)
        layout.addWidget(self.weekly, 1)
        scroll = QScrollArea()  # small windows scroll rather than squash the charts
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(inner)
        outer = QVBoxLayout(self.content)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Bars beside the table when there is room, above it when narrow."""
        super().resizeEvent(event)
        narrow = event.size().width() < NARROW_WIDTH
        self.breakdown.setDirection(
            QBoxLayout.Direction.TopToBottom if narrow else QBoxLayout.Direction.LeftToRight
        )

    def _fit_table_height(self) -> None:
        table = self.table
        rows = table.model().rowCount()
        height = table.horizontalHeader().height() + 2 * table.frameWidth()
        height += sum(table.rowHeight(r) for r in range(rows))
        if table.horizontalScrollBar().isVisible():
            height += table.horizontalScrollBar().height()
        table.setFixedHeight(height + 2)

    def _show_plan(self, plan: PlanResult, baseline: PlanResult | None) -> None:
        base_costs = baseline.costs if baseline is not None else None
        self.summary.setText(saving_text(plan, baseline))
        self.bars.set_costs(plan.costs, base_costs, plan.currency)
        legend = [LegendItem("This plan", PLAN_COLOR)]
        if baseline is not None:
            legend.append(LegendItem("Naive plan", BASELINE_COLOR))
        self.bars_legend.set_items(legend)
        self.model.set_frame(cost_table(plan.costs, base_costs), plan.currency)
        for column in (2, 3, 4):
            self.table.setColumnHidden(column, baseline is None)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self._fit_table_height()
        self.weekly.y_title = f"Cost per week ({plan.currency})"
        self.weekly.tooltip_format = lambda v: format_money(v, plan.currency)
        self.weekly.set_data(weekly_cost_data(plan))
        self.weekly_legend.set_items(self.weekly.legend_items())

    def _clear(self) -> None:
        self.summary.clear()
        self.bars.set_costs(None, None, "")
        self.bars_legend.set_items([])
        self.model.set_frame(None)
        self.weekly.set_data(None)
        self.weekly_legend.set_items([])


def weekly_cost_data(plan: PlanResult) -> ChartData:
    weekly = plan.weekly_cost
    data = ChartData(plan.plan_start, plan.horizon_weeks)
    if weekly.empty or "week" not in weekly:
        return data
    for column, label, color, swatch in WEEKLY_SERIES:
        if column in weekly:
            values = weekly_values(plan.horizon_weeks, weekly["week"], weekly[column])
            if values.any():
                data.series.append(Series(label, color, values, swatch))
    return data
