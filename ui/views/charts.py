"""Painted weekly charts (no QtCharts: only PySide6-Essentials is installed).

:class:`WeeklyChart` draws stacked weekly bars with step lines over them (load against
capacity, cost per week), with a date axis, a value axis, a hover highlight and tooltips.
The date axis helper is shared with the timeline.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from ui.views.base import LegendItem, Swatch, answer_tooltip
from ui.views.palette import COMPLETION_COLOR
from ui.views.theme import Theme


@dataclass(frozen=True, slots=True)
class DateTick:
    week: float  # position in weeks from plan start (fractional: months start mid-week)
    label: str
    major: bool  # a year boundary (drawn stronger)


def date_ticks(plan_start: date, weeks: int, px_per_week: float) -> list[DateTick]:
    """Month ticks for a week axis, labelled as densely as the scale allows."""
    px_per_month = px_per_week * 30.44 / 7
    if px_per_month >= 84:
        every, fmt = 1, "%b %Y"
    elif px_per_month >= 30:
        every, fmt = 1, "%b"
    elif px_per_month >= 14:
        every, fmt = 3, "%b %Y"
    else:
        every, fmt = 12, "%Y"
    end = plan_start + timedelta(days=7 * weeks)
    month = date(plan_start.year, plan_start.month, 1)
    ticks: list[DateTick] = []
    while month <= end:
        if month >= plan_start:
            week = (month - plan_start).days / 7
            labelled = (month.month - 1) % every == 0
            label = month.strftime(fmt) if labelled else ""
            if fmt == "%b" and month.month == 1:
                label = month.strftime("%b %Y")
            ticks.append(DateTick(week, label, month.month == 1))
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return ticks


def place_labels(
    ticks: Sequence[DateTick],
    x_of_week: Callable[[float], float],
    text_width: Callable[[str], int],
    right: float,
) -> list[tuple[float, str]]:
    """(x, text) of the tick labels that fit: none overlapping, none past ``right``."""
    placed: list[tuple[float, str]] = []
    free_from = -math.inf
    for tick in ticks:
        if not tick.label:
            continue
        x = x_of_week(tick.week) + 4
        width = text_width(tick.label)
        if x >= free_from and x + width <= right:
            placed.append((x, tick.label))
            free_from = x + width + 8
    return placed


def nice_ticks(top: float, count: int = 5) -> list[float]:
    """0 .. >= ``top`` in round steps (1, 2, 2.5, 5 x 10^k)."""
    if top <= 0 or not math.isfinite(top):
        return [0.0, 1.0]
    raw = top / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    n = math.ceil(top / step - 1e-9)
    return [i * step for i in range(n + 1)]


@dataclass(frozen=True, slots=True)
class Series:
    """One stacked layer: a value per week."""

    label: str
    color: QColor
    values: np.ndarray
    swatch: Swatch = Swatch.BOX


@dataclass(frozen=True, slots=True)
class Line:
    """A step line over the bars (capacity, budget)."""

    label: str
    color: QColor
    values: np.ndarray
    dashed: bool = False


@dataclass(slots=True)
class ChartData:
    plan_start: date
    weeks: int
    series: list[Series] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    marker_week: int | None = None  # e.g. the completion week
    marker_label: str = ""

    def top(self) -> float:
        stacked = (
            np.sum([s.values for s in self.series], axis=0) if self.series else np.zeros(self.weeks)
        )
        tops = [float(np.max(stacked, initial=0.0))]
        tops += [float(np.max(line.values, initial=0.0)) for line in self.lines]
        return max(tops)


class WeeklyChart(QWidget):
    """Stacked weekly bars + step lines, with axes, hover highlight and tooltips."""

    def __init__(
        self,
        value_format: Callable[[float], str],
        y_title: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.axis_format = value_format
        self.tooltip_format = value_format
        self.y_title = y_title
        self._data: ChartData | None = None
        self._ticks: list[float] = [0.0, 1.0]
        self._hover_week: int | None = None
        self._plot_cache: tuple[tuple[object, ...], QRectF] | None = None
        self.setMouseTracking(True)
        self.setMinimumHeight(220)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:
        return QSize(720, 320)

    # -- data ----------------------------------------------------------------------------
    def set_data(self, data: ChartData | None) -> None:
        self._data = data
        self._ticks = nice_ticks(data.top() * 1.05) if data is not None else [0.0, 1.0]
        self._hover_week = None
        self.update()

    @property
    def data(self) -> ChartData | None:
        return self._data

    def legend_items(self) -> list[LegendItem]:
        if self._data is None:
            return []
        items = [LegendItem(s.label, s.color, s.swatch) for s in self._data.series]
        items += [
            LegendItem(line.label, line.color, Swatch.DASHED if line.dashed else Swatch.LINE)
            for line in self._data.lines
        ]
        return items

    # -- geometry ------------------------------------------------------------------------
    def plot_rect(self) -> QRectF:
        """The area inside the axes (cached: every x and y position asks for it)."""
        key = (self.width(), self.height(), self._ticks[-1], len(self._ticks), self.font().key())
        if self._plot_cache is None or self._plot_cache[0] != key:
            self._plot_cache = (key, self._measure_plot_rect())
        return QRectF(self._plot_cache[1])

    def _measure_plot_rect(self) -> QRectF:
        fm = self.fontMetrics()
        label_w = max(fm.horizontalAdvance(self.axis_format(t)) for t in self._ticks)
        left = fm.height() + 10 + label_w + 8
        top = fm.height() + 6
        bottom = 2 * fm.height() + 14
        return QRectF(
            left, top, max(10.0, self.width() - left - 16), max(10.0, self.height() - top - bottom)
        )

    def px_per_week(self) -> float:
        weeks = self._data.weeks if self._data is not None else 1
        return self.plot_rect().width() / max(1, weeks)

    def x_of_week(self, week: float) -> float:
        return self.plot_rect().left() + week * self.px_per_week()

    def y_of(self, value: float) -> float:
        plot = self.plot_rect()
        return plot.bottom() - value / self._ticks[-1] * plot.height()

    def week_at(self, pos: QPoint | QPointF) -> int | None:
        plot = self.plot_rect()
        if self._data is None or not plot.contains(QPointF(pos)):
            return None
        week = int((pos.x() - plot.left()) / self.px_per_week())
        return week if 0 <= week < self._data.weeks else None

    def tooltip_at(self, pos: QPoint | QPointF) -> str:
        """Plain-text tooltip for the week under ``pos`` ("" outside the plot)."""
        week = self.week_at(pos)
        if week is None or self._data is None:
            return ""
        start = self._data.plan_start + timedelta(days=7 * week)
        lines = [f"Week {week} — {start.isoformat()}"]
        total = 0.0
        for s in reversed(self._data.series):
            value = float(s.values[week])
            total += value
            if abs(value) > 1e-9:
                lines.append(f"{s.label}: {self.tooltip_format(value)}")
        if len(self._data.series) > 1:
            lines.append(f"Total: {self.tooltip_format(total)}")
        lines += [
            f"{line.label}: {self.tooltip_format(float(line.values[week]))}"
            for line in self._data.lines
        ]
        return "\n".join(lines)

    # -- events --------------------------------------------------------------------------
    def event(self, event: QEvent) -> bool:
        if answer_tooltip(event, self.tooltip_at, self):
            return True
        return super().event(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        week = self.week_at(event.position())
        if week != self._hover_week:
            self._hover_week = week
            self.update()
        super().mouseMoveEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        self._hover_week = None
        self.update()
        super().leaveEvent(event)

    # -- painting ------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        theme = Theme.of(self)
        painter.fillRect(self.rect(), theme.base)
        plot = self.plot_rect()
        self._paint_value_axis(painter, plot, theme)
        if self._data is not None:
            self._paint_date_axis(painter, plot, self._data, theme)
            self._paint_bars(painter, plot, self._data)
            self._paint_lines(painter, self._data)
            self._paint_marker(painter, plot, self._data)
            if self._hover_week is not None:
                ppw = self.px_per_week()
                hover = QColor(theme.hover)
                hover.setAlpha(110)
                painter.fillRect(
                    QRectF(self.x_of_week(self._hover_week), plot.top(), ppw, plot.height()),
                    hover,
                )
        painter.setPen(QPen(theme.axis, 1))
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())
        painter.drawLine(plot.topLeft(), plot.bottomLeft())
        painter.end()

    def _paint_value_axis(self, painter: QPainter, plot: QRectF, theme: Theme) -> None:
        fm = self.fontMetrics()
        for tick in self._ticks:
            y = round(self.y_of(tick)) + 0.5
            painter.setPen(QPen(theme.grid, 1))
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(theme.axis)
            painter.drawText(
                QRectF(0, y - fm.height() / 2, plot.left() - 6, fm.height()),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                self.axis_format(tick),
            )
        painter.save()
        painter.translate(fm.height() / 2 + 2, plot.center().y())
        painter.rotate(-90)
        painter.drawText(
            QRectF(-plot.height() / 2, -fm.height() / 2, plot.height(), fm.height()),
            Qt.AlignmentFlag.AlignCenter,
            self.y_title,
        )
        painter.restore()

    def _paint_date_axis(
        self, painter: QPainter, plot: QRectF, data: ChartData, theme: Theme
    ) -> None:
        fm = self.fontMetrics()
        ppw = self.px_per_week()
        ticks = date_ticks(data.plan_start, data.weeks, ppw)
        for tick in ticks:
            x = round(self.x_of_week(tick.week)) + 0.5
            painter.setPen(QPen(theme.axis if tick.major else theme.grid, 1))
            painter.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom() + 4))
        painter.setPen(theme.axis)
        for x, label in place_labels(ticks, self.x_of_week, fm.horizontalAdvance, plot.right()):
            painter.drawText(QPointF(x, plot.bottom() + fm.ascent() + 5), label)
        painter.setPen(theme.axis)
        painter.drawText(
            QRectF(plot.left(), plot.bottom() + fm.height() + 8, plot.width(), fm.height()),
            Qt.AlignmentFlag.AlignCenter,
            f"Week starting (plan start {data.plan_start.isoformat()})",
        )

    def _paint_bars(self, painter: QPainter, plot: QRectF, data: ChartData) -> None:
        """Stacked bars; the geometry of all weeks comes from numpy in one go per layer."""
        ppw = self.px_per_week()
        gap = 1.0 if ppw >= 5 else 0.0
        width = max(1.0, ppw - gap)
        scale = plot.height() / self._ticks[-1]
        bottom = plot.bottom()
        lefts = plot.left() + np.arange(data.weeks) * ppw + gap / 2
        base = np.zeros(data.weeks)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        hatch = QBrush(QColor(255, 255, 255, 170), Qt.BrushStyle.BDiagPattern)
        for s in data.series:
            values = np.clip(s.values, 0.0, None)
            top = base + values
            shown = np.nonzero(values > 1e-12)[0]
            y0 = (bottom - base[shown] * scale).tolist()
            y1 = (bottom - top[shown] * scale).tolist()
            brush = QBrush(s.color)
            for x, lo, hi in zip(lefts[shown].tolist(), y0, y1, strict=True):
                rect = QRectF(x, hi, width, lo - hi)
                painter.fillRect(rect, brush)
                if s.swatch == Swatch.HATCH:
                    painter.fillRect(rect, hatch)
            base = top

    def _paint_lines(self, painter: QPainter, data: ChartData) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        plot = self.plot_rect()
        ppw = self.px_per_week()
        scale = plot.height() / self._ticks[-1]
        edges = (plot.left() + np.arange(data.weeks + 1) * ppw).tolist()
        for line in data.lines:
            pen = QPen(line.color, 2)
            pen.setCosmetic(True)
            if line.dashed:
                pen.setStyle(Qt.PenStyle.DashLine)
            painter.setPen(pen)
            ys = (plot.bottom() - np.asarray(line.values, dtype=float) * scale).tolist()
            points: list[QPointF] = []
            for week, y in enumerate(ys):
                points += [QPointF(edges[week], y), QPointF(edges[week + 1], y)]
            painter.drawPolyline(points)

    def _paint_marker(self, painter: QPainter, plot: QRectF, data: ChartData) -> None:
        if data.marker_week is None or not 0 < data.marker_week < data.weeks:
            return
        x = self.x_of_week(data.marker_week)
        pen = QPen(COMPLETION_COLOR, 1.5, Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()))
        if data.marker_label:
            fm = self.fontMetrics()
            width = fm.horizontalAdvance(data.marker_label)
            tx = x + 4 if x + 4 + width < plot.right() else x - 4 - width
            painter.drawText(QPointF(tx, plot.top() - 4), data.marker_label)


def weekly_values(
    weeks: int, week_index: Sequence[int] | np.ndarray, values: np.ndarray
) -> np.ndarray:
    """Sum ``values`` into a dense per-week array (weeks outside 0..weeks-1 dropped)."""
    out = np.zeros(weeks)
    idx = np.asarray(week_index, dtype=int)
    keep = (idx >= 0) & (idx < weeks)
    np.add.at(out, idx[keep], np.asarray(values, dtype=float)[keep])
    return out
