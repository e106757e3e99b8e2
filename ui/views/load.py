"""Weekly volume by vendor against the alternatives' capacity."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, QPointF
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from planner.results import PlanResult
from ui.views.base import Legend, PlanView, Swatch, summary_label
from ui.views.charts import ChartData, Line, Series, WeeklyChart
from ui.views.digest import digest_of
from ui.views.formats import format_compact, format_number, format_percent
from ui.views.load_data import LoadChart, load_chart, peak_utilisation, vendor_choices
from ui.views.palette import UNSERVED_COLOR, register_vendors, vendor_color
from ui.views.theme import Theme

__all__ = ["LoadView", "chart_data", "load_chart_data", "peak_utilisation"]

ALL_VENDORS = "All vendors"
DEFAULT_LINE = QColor("#1f2933")


def chart_data(plan: PlanResult, chart: LoadChart, line_color: QColor = DEFAULT_LINE) -> ChartData:
    """The painted chart of a prepared load chart: colours picked, plain arrays kept."""
    data = ChartData(
        plan.plan_start,
        plan.horizon_weeks,
        marker_week=plan.completion_week,
        marker_label=f"all moved W{plan.completion_week}",
    )
    for layer in chart.layers:
        if layer.vendor is None:
            data.series.append(Series(layer.label, UNSERVED_COLOR, layer.values, Swatch.HATCH))
            continue
        color = vendor_color(layer.vendor, layer.exited)
        i = layer.shade
        if i is not None:  # one vendor's skills: shades of its colour
            color = color.lighter(100 + 28 * i) if i % 2 == 0 else color.darker(100 + 18 * i)
        data.series.append(Series(layer.label, color, layer.values))
    if chart.capacity is not None:
        data.lines.append(Line(chart.capacity_label, line_color, chart.capacity, dashed=True))
    return data


def load_chart_data(
    plan: PlanResult, vendor: str | None, line_color: QColor = DEFAULT_LINE
) -> ChartData:
    """Stacked tasks per week (by vendor, or by skill for one vendor) and the capacity line."""
    return chart_data(plan, load_chart(plan, vendor), line_color)


class LoadView(PlanView):
    """Stacked weekly tasks by vendor (or by skill for one vendor) against capacity."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._charts: dict[str | None, LoadChart] = {}
        self.vendor_box = QComboBox()
        self.vendor_box.setMinimumContentsLength(18)
        self.vendor_box.currentIndexChanged.connect(self._refresh)
        self.chart = WeeklyChart(format_compact, "Tasks per week")
        self.chart.setAccessibleName("Weekly tasks by vendor against capacity")
        self.legend = Legend()
        self.summary = summary_label()
        top = QHBoxLayout()
        top.addWidget(QLabel("Show:"))
        top.addWidget(self.vendor_box)
        top.addSpacing(16)
        top.addWidget(self.summary, 1)
        layout = QVBoxLayout(self.content)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addLayout(top)
        layout.addWidget(self.legend)
        layout.addWidget(self.chart, 1)

    @property
    def selected_vendor(self) -> str | None:
        text = self.vendor_box.currentData()
        return None if text in (None, ALL_VENDORS) else str(text)

    def select_vendor(self, vendor: str | None) -> None:
        index = self.vendor_box.findData(vendor if vendor is not None else ALL_VENDORS)
        if index >= 0:
            self.vendor_box.setCurrentIndex(index)

    def tooltip_at(self, pos: QPoint | QPointF) -> str:
        """The chart's tooltip at ``pos`` in chart coordinates."""
        return self.chart.tooltip_at(pos)

    def _show_plan(self, plan: PlanResult, baseline: PlanResult | None) -> None:
        register_vendors(
            zip(plan.vendors.get("vendor", []), plan.vendors.get("exited", []), strict=False)
        )
        digest = digest_of(plan)
        self._charts = dict(digest.load.charts) if digest is not None and digest.load else {}
        previous = self.selected_vendor
        vendors = (
            digest.load.vendors
            if digest is not None and digest.load is not None
            else vendor_choices(plan)
        )
        self.vendor_box.blockSignals(True)
        self.vendor_box.clear()
        self.vendor_box.addItem(ALL_VENDORS, ALL_VENDORS)
        for name in vendors:
            self.vendor_box.addItem(name, name)
        self.vendor_box.blockSignals(False)
        self.select_vendor(previous if previous in vendors else None)
        self._refresh()

    def _chart(self, plan: PlanResult, vendor: str | None) -> LoadChart:
        """The prepared chart of ``vendor`` (computed now and kept when not prepared)."""
        chart = self._charts.get(vendor)
        if chart is None:
            chart = self._charts[vendor] = load_chart(plan, vendor)
        return chart

    def _refresh(self) -> None:
        plan = self.plan
        if plan is None:
            return
        vendor = self.selected_vendor
        chart = self._chart(plan, vendor)
        self.chart.set_data(chart_data(plan, chart, Theme.of(self).text))
        self.legend.set_items(self.chart.legend_items())
        peak = chart.peak
        data = self.chart.data
        total = sum(float(np.sum(s.values)) for s in data.series) if data else 0.0
        what = "all vendors" if vendor is None else vendor
        text = f"{format_number(total)} tasks over {plan.horizon_weeks} weeks on {what}."
        if peak is not None:
            name, share, week = peak
            text += (
                f" Busiest: <b>{name}</b> at <b>{format_percent(share)}</b> of its capacity "
                f"in week {week}."
            )
        self.summary.setText(text)

    def _clear(self) -> None:
        self._charts = {}
        self.chart.set_data(None)
        self.legend.set_items([])
        self.vendor_box.blockSignals(True)
        self.vendor_box.clear()
        self.vendor_box.blockSignals(False)
        self.summary.clear()
