"""The two painted charts of the insights: the price-of-speed curve and the histogram of
the full-exit week over the ramp-risk runs. Same look as :mod:`ui.views.charts` (theme
greys, a value axis with grid lines, date labels, hover and tooltips)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from ui.views.base import answer_tooltip
from ui.views.charts import nice_ticks
from ui.views.formats import format_compact
from ui.views.palette import COMPLETION_COLOR, UNSERVED_COLOR
from ui.views.theme import Theme

CURVE_COLOR = QColor("#2563eb")
CHOSEN_COLOR = COMPLETION_COLOR
P50_COLOR = QColor("#2563eb")
P90_COLOR = QColor("#c2410c")
NOMINAL_COLOR = QColor("#6b7280")
HOVER_RADIUS = 14.0  # pixels within which a point answers the mouse


def range_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round ticks covering [low, high] (not from zero: the curve's costs differ by a few
    percent of the total, so an axis from zero would flatten it)."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return [0.0, 1.0]
    if high - low < 1e-9:
        pad = max(1.0, abs(high) * 0.01)
        low, high = low - pad, high + pad
    step = nice_ticks(high - low, count)[1]
    start = math.floor(low / step) * step
    ticks = [start]
    while ticks[-1] < high - 1e-9 * step:
        ticks.append(ticks[-1] + step)
    return ticks


def _week_label(plan_start: date, week: int) -> str:
    d = plan_start + timedelta(days=7 * week)
    return f"{d.day} {d:%b %Y}"


class _Chart(QWidget):
    """Axes, a value grid, hover and tooltips; subclasses place and paint the data."""

    y_title = ""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ticks: list[float] = [0.0, 1.0]
        self._hover: int | None = None
        self.setMouseTracking(True)
        self.setMinimumHeight(220)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:
        return QSize(720, 300)

    def axis_text(self, value: float) -> str:
        return format_compact(value)

    def plot_rect(self) -> QRectF:
        fm = self.fontMetrics()
        label_w = max(fm.horizontalAdvance(self.axis_text(t)) for t in self._ticks)
        left = fm.height() + 10 + label_w + 8
        top = fm.height() + 8
        bottom = 2 * fm.height() + 16
        return QRectF(left, top, max(10.0, self.width() - left - 24),
                      max(10.0, self.height() - top - bottom))

    def y_of(self, value: float) -> float:
        plot = self.plot_rect()
        low, high = self._ticks[0], self._ticks[-1]
        return plot.bottom() - (value - low) / max(1e-12, high - low) * plot.height()

    def item_at(self, pos: QPoint | QPointF) -> int | None:
        raise NotImplementedError

    def tooltip_at(self, pos: QPoint | QPointF) -> str:
        raise NotImplementedError

    def event(self, event: QEvent) -> bool:
        if answer_tooltip(event, self.tooltip_at, self):
            return True
        return super().event(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        item = self.item_at(event.position())
        if item != self._hover:
            self._hover = item
            self.update()
        super().mouseMoveEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        self._hover = None
        self.update()
        super().leaveEvent(event)

    def paint_frame(self, painter: QPainter, theme: Theme, x_title: str) -> QRectF:
        """Background, value grid and labels, axis titles; returns the plot area."""
        painter.fillRect(self.rect(), theme.base)
        plot = self.plot_rect()
        fm = self.fontMetrics()
        for tick in self._ticks:
            y = round(self.y_of(tick)) + 0.5
            painter.setPen(QPen(theme.grid, 1))
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(theme.axis)
            painter.drawText(QRectF(0, y - fm.height() / 2, plot.left() - 6, fm.height()),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                             self.axis_text(tick))
        painter.save()
        painter.translate(fm.height() / 2 + 2, plot.center().y())
        painter.rotate(-90)
        painter.drawText(QRectF(-plot.height() / 2, -fm.height() / 2, plot.height(),
                                fm.height()), Qt.AlignmentFlag.AlignCenter, self.y_title)
        painter.restore()
        painter.drawText(QRectF(plot.left(), plot.bottom() + fm.height() + 10, plot.width(),
                                fm.height()), Qt.AlignmentFlag.AlignCenter, x_title)
        painter.setPen(QPen(theme.axis, 1))
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())
        painter.drawLine(plot.topLeft(), plot.bottomLeft())
        return plot

    def x_labels(self, painter: QPainter, plot: QRectF, theme: Theme,
                 labels: Sequence[tuple[float, str]]) -> None:
        """Centred labels under the plot, skipping those that would overlap."""
        fm = self.fontMetrics()
        free_from = -math.inf
        painter.setPen(theme.axis)
        for x, text in labels:
            width = fm.horizontalAdvance(text)
            left = min(max(x - width / 2, plot.left()), plot.right() - width)
            if left < free_from:
                continue
            painter.drawLine(QPointF(x, plot.bottom()), QPointF(x, plot.bottom() + 4))
            painter.drawText(QPointF(left, plot.bottom() + fm.ascent() + 6), text)
            free_from = left + width + 10


@dataclass(frozen=True, slots=True)
class CurvePoint:
    week: int  # exit by this week
    total: float
    chosen: bool
    tooltip: str


class SpeedChart(_Chart):
    """Total cost of a full exit by each week: the points of the curve, joined; the
    chosen plan's point marked; the fastest and the cheapest end labelled."""

    y_title = "Total cost"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._points: list[CurvePoint] = []
        self._plan_start = date.today()
        self._currency = ""
        self.setAccessibleName("Price of speed: total cost by full-exit week")

    @property
    def points(self) -> list[CurvePoint]:
        return list(self._points)

    def set_curve(self, points: Sequence[CurvePoint], plan_start: date, currency: str) -> None:
        self._points = sorted(points, key=lambda p: p.week)
        self._plan_start, self._currency = plan_start, currency
        self.y_title = f"Total cost ({currency})" if currency else "Total cost"
        totals = [p.total for p in self._points]
        self._ticks = range_ticks(min(totals), max(totals)) if totals else [0.0, 1.0]
        self._hover = None
        self.update()

    def _weeks(self) -> tuple[float, float]:
        weeks = [p.week for p in self._points] or [0]
        pad = max(1.0, (max(weeks) - min(weeks)) * 0.06)
        return min(weeks) - pad, max(weeks) + pad

    def x_of(self, week: float) -> float:
        plot = self.plot_rect()
        lo, hi = self._weeks()
        return plot.left() + (week - lo) / max(1e-9, hi - lo) * plot.width()

    def position(self, index: int) -> QPointF:
        point = self._points[index]
        return QPointF(self.x_of(point.week), self.y_of(point.total))

    def item_at(self, pos: QPoint | QPointF) -> int | None:
        where = QPointF(pos)
        best, best_d = None, HOVER_RADIUS
        for i in range(len(self._points)):
            here = self.position(i)
            d = math.hypot(here.x() - where.x(), here.y() - where.y())
            if d <= best_d:
                best, best_d = i, d
        return best

    def tooltip_at(self, pos: QPoint | QPointF) -> str:
        index = self.item_at(pos)
        return self._points[index].tooltip if index is not None else ""

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        theme = Theme.of(self)
        plot = self.paint_frame(painter, theme, "Full exit by (week starting)")
        if not self._points:
            painter.end()
            return
        lo, hi = self._weeks()
        span = hi - lo
        step = max(1, round(span / max(1, plot.width() / 90)))
        first = math.ceil(lo)
        labels = [(self.x_of(w), _week_label(self._plan_start, w).rsplit(" ", 1)[0]
                   + f" (wk {w})") for w in range(first, int(hi) + 1) if (w - first) % step == 0]
        self.x_labels(painter, plot, theme, labels)
        positions = [self.position(i) for i in range(len(self._points))]
        pen = QPen(CURVE_COLOR, 2)
        painter.setPen(pen)
        painter.drawPolyline(positions)
        fm = self.fontMetrics()
        for i, (point, at) in enumerate(zip(self._points, positions, strict=True)):
            radius = 6.0 if point.chosen else 4.0
            if i == self._hover:
                radius += 2.0
            color = CHOSEN_COLOR if point.chosen else CURVE_COLOR
            painter.setPen(QPen(theme.base, 1.5))
            painter.setBrush(QBrush(color))
            painter.drawEllipse(at, radius, radius)
        names: dict[int, list[str]] = {}
        if len(self._points) > 1:
            names[0] = ["fastest"]
            names.setdefault(len(self._points) - 1, []).append("cheapest")
        for i, p in enumerate(self._points):
            if p.chosen:
                names.setdefault(i, []).append("chosen plan")
        for i, words in names.items():  # above the point, inside the widget
            text = " · ".join(words)
            at = positions[i]
            width = fm.horizontalAdvance(text)
            x = min(max(at.x() - width / 2, plot.left() + 2), plot.right() - width - 2)
            y = max(float(fm.ascent()), at.y() - 10)
            painter.setPen(CHOSEN_COLOR if "chosen plan" in words else theme.muted)
            painter.drawText(QPointF(x, y), text)
        painter.end()


@dataclass(frozen=True, slots=True)
class Bin:
    week: int  # full-exit week (the horizon: no full exit)
    runs: int
    tooltip: str


class HistogramChart(_Chart):
    """How many runs exit fully in each week; P50, P90 and the plan without slips marked.
    The horizon's bar (no full exit within the horizon) is red."""

    y_title = "Runs"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._bins: list[Bin] = []
        self._plan_start = date.today()
        self._horizon = 0
        self._marks: list[tuple[float, str, QColor]] = []
        self.setAccessibleName("Ramp risk: runs by full-exit week")

    @property
    def bins(self) -> list[Bin]:
        return list(self._bins)

    def axis_text(self, value: float) -> str:
        return f"{value:g}"

    def set_bins(self, bins: Sequence[Bin], plan_start: date, horizon: int,
                 marks: Sequence[tuple[float, str, QColor]] = ()) -> None:
        """``marks``: (week, label, colour) of vertical lines (P50, P90, no slips)."""
        self._bins = sorted(bins, key=lambda b: b.week)
        self._plan_start, self._horizon = plan_start, horizon
        self._marks = [m for m in marks if math.isfinite(m[0])]
        top = max((b.runs for b in self._bins), default=1)
        self._ticks = nice_ticks(top, min(5, max(1, top)))
        self._hover = None
        self.update()

    def _range(self) -> tuple[int, int]:
        weeks = [b.week for b in self._bins] + [int(m[0]) for m in self._marks]
        return (min(weeks), max(weeks)) if weeks else (0, 0)

    def slot(self) -> float:
        lo, hi = self._range()
        return self.plot_rect().width() / (hi - lo + 1)

    def x_of(self, week: float) -> float:
        """The centre of ``week``'s bar."""
        lo, _ = self._range()
        return self.plot_rect().left() + (week - lo + 0.5) * self.slot()

    def item_at(self, pos: QPoint | QPointF) -> int | None:
        plot = self.plot_rect()
        where = QPointF(pos)
        if not plot.contains(where):
            return None
        half = self.slot() / 2
        for i, b in enumerate(self._bins):
            if abs(where.x() - self.x_of(b.week)) <= half:
                return i
        return None

    def tooltip_at(self, pos: QPoint | QPointF) -> str:
        index = self.item_at(pos)
        return self._bins[index].tooltip if index is not None else ""

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        theme = Theme.of(self)
        plot = self.paint_frame(painter, theme, "Full-exit week (week starting)")
        if not self._bins:
            painter.end()
            return
        slot = self.slot()
        width = max(2.0, slot * 0.8)
        for i, b in enumerate(self._bins):
            x = self.x_of(b.week)
            top = self.y_of(b.runs)
            color = UNSERVED_COLOR if b.week >= self._horizon else CURVE_COLOR
            if i == self._hover:
                color = color.lighter(125)
            painter.fillRect(QRectF(x - width / 2, top, width, plot.bottom() - top), color)
        lo, hi = self._range()
        every = max(1, math.ceil(90 / max(1.0, slot)))
        labels = [(self.x_of(w), "none" if w >= self._horizon
                   else f"wk {w} · {_week_label(self._plan_start, w).rsplit(' ', 1)[0]}")
                  for w in range(lo, hi + 1) if (w - lo) % every == 0 or w >= self._horizon]
        self.x_labels(painter, plot, theme, labels)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        fm = self.fontMetrics()
        placed: list[QRectF] = []
        for week, text, color in self._marks:
            x = self.x_of(week)
            painter.setPen(QPen(color, 1.5, Qt.PenStyle.DashLine))
            painter.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()))
            w = fm.horizontalAdvance(text)
            rect = QRectF(x + 4 if x + 4 + w < plot.right() else x - 4 - w,
                          plot.top() - fm.height() - 2, w, fm.height())
            while any(rect.intersects(r) for r in placed):  # stack labels that collide
                rect.translate(0, fm.height())
            placed.append(rect)
            painter.setPen(color)
            painter.drawText(rect, Qt.AlignmentFlag.AlignLeft, text)
        painter.end()
