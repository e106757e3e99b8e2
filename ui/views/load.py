"""Weekly volume by vendor against the alternatives' capacity."""

from __future__ import annotations

import numpy as np
import pandas as pd
from PySide6.QtCore import QPoint, QPointF
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from planner.results import PlanResult
from ui.views.base import Legend, PlanView, Swatch, summary_label
from ui.views.charts import ChartData, Line, Series, WeeklyChart, weekly_values
from ui.views.formats import format_compact, format_number, format_percent
from ui.views.palette import UNSERVED_COLOR, register_vendors, vendor_color
from ui.views.theme import Theme

ALL_VENDORS = "All vendors"
DEFAULT_LINE = QColor("#1f2933")


def load_chart_data(
    plan: PlanResult, vendor: str | None, line_color: QColor = DEFAULT_LINE
) -> ChartData:
    """Stacked tasks per week (by vendor, or by skill for one vendor) and the capacity line."""
    weeks = plan.horizon_weeks
    alloc = plan.allocation
    cap = plan.capacity
    data = ChartData(
        plan.plan_start,
        weeks,
        marker_week=plan.completion_week,
        marker_label=f"all moved W{plan.completion_week}",
    )
    if vendor is None:
        if len(alloc):
            order = (
                alloc.groupby("vendor", sort=False)["exited"]
                .first()
                .reset_index()
                .sort_values(["exited", "vendor"])  # alternatives first, under the capacity
            )
            for rec in order.to_dict("records"):
                rows = alloc[alloc["vendor"] == rec["vendor"]]
                exited = bool(rec["exited"])
                data.series.append(
                    Series(
                        f"{rec['vendor']} (exiting)" if exited else str(rec["vendor"]),
                        vendor_color(str(rec["vendor"]), exited),
                        weekly_values(weeks, rows["week"], rows["tasks"]),
                    )
                )
        if len(plan.unserved):
            data.series.append(
                Series(
                    "Unserved",
                    UNSERVED_COLOR,
                    weekly_values(weeks, plan.unserved["week"], plan.unserved["tasks"]),
                    Swatch.HATCH,
                )
            )
        if len(cap):
            data.lines.append(
                Line(
                    "Capacity of alternatives",
                    line_color,
                    weekly_values(weeks, cap["week"], cap["capacity"]),
                    dashed=True,
                )
            )
        return data
    rows = alloc[alloc["vendor"] == vendor] if len(alloc) else alloc
    exited = bool(rows["exited"].any()) if len(rows) else False
    color = vendor_color(vendor, exited)
    for i, (skill, group) in enumerate(rows.groupby("skill", sort=True) if len(rows) else []):
        shade = color.lighter(100 + 28 * i) if i % 2 == 0 else color.darker(100 + 18 * i)
        data.series.append(
            Series(f"{vendor}: {skill}", shade, weekly_values(weeks, group["week"], group["tasks"]))
        )
    vendor_cap = cap[cap["vendor"] == vendor] if len(cap) else cap
    if len(vendor_cap):
        data.lines.append(
            Line(
                f"Capacity of {vendor}",
                line_color,
                weekly_values(weeks, vendor_cap["week"], vendor_cap["capacity"]),
                dashed=True,
            )
        )
    return data


def peak_utilisation(capacity: pd.DataFrame, vendor: str | None) -> tuple[str, float, int] | None:
    """(vendor, used / capacity, week) of the busiest offer week, or None without capacity."""
    if capacity.empty:
        return None
    cap = capacity if vendor is None else capacity[capacity["vendor"] == vendor]
    by_week = cap.groupby(["vendor", "week"], sort=False)[["capacity", "used"]].sum()
    by_week = by_week[by_week["capacity"] > 1e-9]
    if by_week.empty:
        return None
    share = by_week["used"] / by_week["capacity"]
    (name, week) = share.idxmax()
    return str(name), float(share.max()), int(week)


class LoadView(PlanView):
    """Stacked weekly tasks by vendor (or by skill for one vendor) against capacity."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
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
        previous = self.selected_vendor
        names: set[str] = set()
        for frame in (plan.capacity, plan.allocation):
            if len(frame):
                names |= set(frame["vendor"].astype(str).unique())
        vendors = sorted(names)
        self.vendor_box.blockSignals(True)
        self.vendor_box.clear()
        self.vendor_box.addItem(ALL_VENDORS, ALL_VENDORS)
        for name in vendors:
            self.vendor_box.addItem(name, name)
        self.vendor_box.blockSignals(False)
        self.select_vendor(previous if previous in vendors else None)
        self._refresh()

    def _refresh(self) -> None:
        plan = self.plan
        if plan is None:
            return
        vendor = self.selected_vendor
        self.chart.set_data(load_chart_data(plan, vendor, Theme.of(self).text))
        self.legend.set_items(self.chart.legend_items())
        peak = peak_utilisation(plan.capacity, vendor)
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
        self.chart.set_data(None)
        self.legend.set_items([])
        self.vendor_box.blockSignals(True)
        self.vendor_box.clear()
        self.vendor_box.blockSignals(False)
        self.summary.clear()
