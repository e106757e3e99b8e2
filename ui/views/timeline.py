"""The migration timeline: one Gantt row per stream, grouped under its contract.

Each stream row shows, week by week, who does the work: the exited vendor (grey), the
cutover weeks when both work (outlined), the new vendors (their colours) and unserved
work (red, hatched). Contract rows carry the contract's life, the notice-by date and the
exit. The rows are plain data (:mod:`ui.views.timeline_rows`): bands (runs of weeks with
the same vendor mix) and phases, built next to the optimiser in the planner's worker
process when the plan comes from there (:mod:`ui.views.digest`), else in ``set_plan``.
Painting touches only the rows and weeks on screen (only the rows that change on hover),
so 500 streams x 104 weeks scroll and zoom smoothly, and a new plan costs the GUI thread
little more than its first paint.
"""

from __future__ import annotations

import functools
import heapq
import math
from dataclasses import dataclass, field
from datetime import date, timedelta

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetrics,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QResizeEvent,
    QShortcut,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QHBoxLayout,
    QLabel,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from planner.results import PlanResult
from ui.views.base import (
    Legend,
    LegendItem,
    PlanView,
    Swatch,
    answer_tooltip,
    paint_diamond,
    paint_flag,
)
from ui.views.charts import date_ticks, place_labels
from ui.views.digest import digest_of
from ui.views.formats import format_money, format_number
from ui.views.palette import (
    COMPLETION_COLOR,
    EXIT_COLOR,
    NOTICE_COLOR,
    UNSERVED_COLOR,
    register_vendors,
    text_color_on,
    vendor_color,
)
from ui.views.theme import Theme
from ui.views.timeline_rows import (
    EPS,
    UNSERVED,
    Band,
    ContractRow,
    Phase,
    Segment,
    StreamRow,
    build_rows,
)

__all__ = [
    "UNSERVED",
    "Band",
    "ContractRow",
    "Phase",
    "Segment",
    "StreamRow",
    "TimelineCanvas",
    "TimelineView",
    "build_rows",
]

MIN_PX_PER_WEEK = 1.0
MAX_PX_PER_WEEK = 120.0
ZOOM_STEP = 1.25
LABELS_MEASURED = 32  # longest labels measured for the width of the label column
NON_RENEWAL_COLOR = QColor("#7c3aed")


@dataclass(frozen=True, slots=True)
class _Row:
    contract: ContractRow
    stream: StreamRow | None  # None: the contract's own row


_VCENTER = Qt.AlignmentFlag.AlignVCenter
_LEFT_VCENTER = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft
_WHITE = QColor("#ffffff")
_CHIP = QColor(255, 255, 255, 215)


@dataclass(slots=True)
class _PaintContext:
    """One paint's geometry, worked out once (not per row, per band, per label)."""

    theme: Theme
    width: int
    height: int
    label_w: int
    axis_h: int
    row_h: int
    origin: float  # viewport x of the start of week 0
    ppw: float
    vscroll: int
    colors: dict[tuple[str, bool], QColor] = field(default_factory=dict)
    text_colors: dict[int, QColor] = field(default_factory=dict)
    cutover_pen: QPen = field(init=False)

    def __post_init__(self) -> None:
        self.cutover_pen = QPen(self.theme.text, 1, Qt.PenStyle.DashLine)

    def x(self, week: float) -> float:
        return self.origin + week * self.ppw

    def top(self, row: int) -> int:
        return self.axis_h + row * self.row_h - self.vscroll

    def color(self, vendor: str, exited: bool) -> QColor:
        key = (vendor, exited)
        color = self.colors.get(key)
        if color is None:
            color = self.colors[key] = vendor_color(vendor, exited)
        return color

    def text_on(self, background: QColor) -> QColor:
        key = background.rgba()
        color = self.text_colors.get(key)
        if color is None:
            color = self.text_colors[key] = text_color_on(background)
        return color


class TimelineCanvas(QAbstractScrollArea):
    """The painted Gantt: frozen label column on the left, frozen date axis on top."""

    zoomChanged = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._plan: PlanResult | None = None
        self._contracts: list[ContractRow] = []
        self._collapsed: set[str] = set()
        self._rows: list[_Row] = []
        self._ppw = 12.0
        self._auto_fit = True
        self._hover_row: int | None = None
        self._label_need = 220
        self._font_height: int | None = None  # cached: every row position asks for it
        self._advances: dict[tuple[int, str], int] = {}  # text widths, see _advance
        self._hatch = QBrush(QColor(255, 255, 255, 150), Qt.BrushStyle.BDiagPattern)
        self.viewport().setMouseTracking(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self._derive_fonts()

    # -- geometry ------------------------------------------------------------------------
    @property
    def row_height(self) -> int:
        if self._font_height is None:
            self._font_height = self.fontMetrics().height()
        return self._font_height + 12

    @property
    def axis_height(self) -> int:
        if self._font_height is None:
            self._font_height = self.fontMetrics().height()
        return 2 * self._font_height + 12

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.FontChange:
            self._font_height = None
            self._advances.clear()
            self._derive_fonts()
        super().changeEvent(event)

    def _derive_fonts(self) -> None:
        self._bold = QFont(self.font())
        self._bold.setBold(True)
        self._small = QFont(self.font())
        self._small.setPointSizeF(max(6.0, self.font().pointSizeF() * 0.88))

    @property
    def label_width(self) -> int:
        """Wide enough for the labels (measured in set_plan), never most of the view."""
        cap = max(160, int(self.viewport().width() * 0.32))
        return max(160, min(self._label_need, 380, cap))

    @property
    def pixels_per_week(self) -> float:
        return self._ppw

    @property
    def weeks(self) -> int:
        return self._plan.horizon_weeks if self._plan is not None else 0

    def sizeHint(self) -> QSize:
        return QSize(900, 480)

    def x_of_week(self, week: float) -> float:
        """Viewport x of the start of ``week`` (fractional weeks for dates)."""
        return self.label_width + week * self._ppw - self.horizontalScrollBar().value()

    def x_of_date(self, d: date) -> float:
        assert self._plan is not None
        return self.x_of_week((d - self._plan.plan_start).days / 7)

    def week_at_x(self, x: float) -> int | None:
        if x < self.label_width or self._plan is None:
            return None
        week = math.floor((x - self.label_width + self.horizontalScrollBar().value()) / self._ppw)
        return week if 0 <= week < self.weeks else None

    def row_at_y(self, y: float) -> int | None:
        if y < self.axis_height:
            return None
        row = int((y - self.axis_height + self.verticalScrollBar().value()) // self.row_height)
        return row if 0 <= row < len(self._rows) else None

    def row_top(self, row: int) -> int:
        return self.axis_height + row * self.row_height - self.verticalScrollBar().value()

    def row_index(self, stream_or_contract: str, *, contract: bool = False) -> int | None:
        for i, row in enumerate(self._rows):
            if contract and row.stream is None and row.contract.contract_id == stream_or_contract:
                return i
            if (
                not contract
                and row.stream is not None
                and row.stream.stream_id == stream_or_contract
            ):
                return i
        return None

    def point_for(self, stream_id: str, week: int) -> QPoint:
        """Viewport point in the middle of ``stream_id``'s bar at ``week`` (scrolls to it)."""
        row = self.row_index(stream_id)
        if row is None:
            raise KeyError(stream_id)
        self.ensure_visible(row, week)
        return QPoint(int(self.x_of_week(week + 0.5)), self.row_top(row) + self.row_height // 2)

    def ensure_visible(self, row: int, week: int) -> None:
        top = row * self.row_height
        vbar = self.verticalScrollBar()
        visible_h = self.viewport().height() - self.axis_height
        if top < vbar.value() or top + self.row_height > vbar.value() + visible_h:
            vbar.setValue(top - visible_h // 2)
        hbar = self.horizontalScrollBar()
        x = week * self._ppw
        visible_w = self.viewport().width() - self.label_width
        if x < hbar.value() or x + self._ppw > hbar.value() + visible_w:
            hbar.setValue(int(x - visible_w / 2))

    # -- data ----------------------------------------------------------------------------
    def set_plan(self, plan: PlanResult | None, rows: list[ContractRow] | None = None) -> None:
        """Show ``plan``; ``rows`` are its prepared rows (built here when not given)."""
        self._plan = plan
        self._advances.clear()  # the old plan's labels
        if plan is None:
            self._contracts = []
        else:
            self._contracts = rows if rows is not None else build_rows(plan)
        if plan is not None:
            register_vendors(
                zip(plan.vendors.get("vendor", []), plan.vendors.get("exited", []), strict=False)
            )
        self._hover_row = None
        self._label_need = self._measure_labels()
        self._rebuild_rows()
        if self._auto_fit:
            self.fit()
        else:
            self._update_scrollbars()
        self.viewport().update()

    def _measure_labels(self) -> int:
        """Pixels the label column needs for its longest contract or stream label.

        Only the labels longest in characters are measured (a few dozen, not one per
        row: measuring text is the costly part on a big plan).
        """
        bold = QFontMetrics(self._bold)
        plain = self.fontMetrics()
        need = plain.horizontalAdvance("Contract / stream")
        heads = [(f"▾ {c.contract_id}  ", c.title or c.vendor) for c in self._contracts]
        for head, rest in heapq.nlargest(LABELS_MEASURED, heads, key=lambda h: len(h[0] + h[1])):
            need = max(need, bold.horizontalAdvance(head) + plain.horizontalAdvance(rest))
        labels = (f"{s.stream_id}  {s.detail}" for c in self._contracts for s in c.streams)
        for label in heapq.nlargest(LABELS_MEASURED, labels, key=len):
            need = max(need, 16 + plain.horizontalAdvance(label))
        return need + 24

    @property
    def contracts(self) -> list[ContractRow]:
        return self._contracts

    @property
    def visible_row_count(self) -> int:
        return len(self._rows)

    def _rebuild_rows(self) -> None:
        self._rows = []
        for contract in self._contracts:
            self._rows.append(_Row(contract, None))
            if contract.contract_id not in self._collapsed:
                self._rows += [_Row(contract, s) for s in contract.streams]
        self._update_scrollbars()

    def set_collapsed(self, contract_id: str, collapsed: bool) -> None:
        if collapsed:
            self._collapsed.add(contract_id)
        else:
            self._collapsed.discard(contract_id)
        self._rebuild_rows()
        self.viewport().update()

    def is_collapsed(self, contract_id: str) -> bool:
        return contract_id in self._collapsed

    def collapse_all(self) -> None:
        """Contracts only: one row per contract."""
        self._set_all_collapsed({c.contract_id for c in self._contracts})

    def expand_all(self) -> None:
        self._set_all_collapsed(set())

    def _set_all_collapsed(self, collapsed: set[str]) -> None:
        self._collapsed = collapsed
        self._rebuild_rows()
        self.viewport().update()

    # -- zoom ----------------------------------------------------------------------------
    def set_pixels_per_week(self, ppw: float, anchor_x: float | None = None) -> None:
        """Zoom, keeping the date under ``anchor_x`` (viewport x) in place."""
        ppw = min(MAX_PX_PER_WEEK, max(MIN_PX_PER_WEEK, ppw))
        if anchor_x is None:
            anchor_x = self.label_width + (self.viewport().width() - self.label_width) / 2
        week = (anchor_x - self.label_width + self.horizontalScrollBar().value()) / self._ppw
        self._ppw = ppw
        self._update_scrollbars()
        self.horizontalScrollBar().setValue(round(week * ppw - (anchor_x - self.label_width)))
        self.viewport().update()
        self.zoomChanged.emit(ppw)

    def zoom_in(self) -> None:
        self._auto_fit = False
        self.set_pixels_per_week(self._ppw * ZOOM_STEP)

    def zoom_out(self) -> None:
        self._auto_fit = False
        self.set_pixels_per_week(self._ppw / ZOOM_STEP)

    def fit(self) -> None:
        """Whole horizon in the visible width (and keep fitting on resize)."""
        self._auto_fit = True
        if self.weeks:
            available = self.viewport().width() - self.label_width - 12
            self.set_pixels_per_week(max(MIN_PX_PER_WEEK, available / self.weeks), self.label_width)
            self.horizontalScrollBar().setValue(0)

    def _update_scrollbars(self) -> None:
        view_w = self.viewport().width() - self.label_width
        view_h = self.viewport().height() - self.axis_height
        content_w = math.ceil(self.weeks * self._ppw - 1e-6) + 12
        content_h = len(self._rows) * self.row_height
        hbar, vbar = self.horizontalScrollBar(), self.verticalScrollBar()
        hbar.setRange(0, max(0, content_w - view_w))
        hbar.setPageStep(max(1, view_w))
        hbar.setSingleStep(max(1, int(self._ppw)))
        vbar.setRange(0, max(0, content_h - view_h))
        vbar.setPageStep(max(1, view_h))
        vbar.setSingleStep(self.row_height)

    # -- events --------------------------------------------------------------------------
    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._auto_fit:
            self.fit()
        else:
            self._update_scrollbars()

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        self.viewport().update()

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            steps = event.angleDelta().y() / 120
            if steps:
                self._auto_fit = False
                self.set_pixels_per_week(self._ppw * ZOOM_STEP**steps, event.position().x())
            event.accept()
            return
        if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:  # Shift+wheel: along time
            bar = self.horizontalScrollBar()
            bar.setValue(bar.value() - round(event.angleDelta().y() / 120 * 3 * bar.singleStep()))
            event.accept()
            return
        super().wheelEvent(event)

    def viewportEvent(self, event: QEvent) -> bool:
        if answer_tooltip(event, self.tooltip_at, self.viewport()):
            return True
        return super().viewportEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        row = self.row_at_y(event.position().y())
        if row != self._hover_row:
            self._set_hover(row)
        super().mouseMoveEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        self._set_hover(None)
        super().leaveEvent(event)

    def _set_hover(self, row: int | None) -> None:
        """Highlight ``row``: repaint only the rows that change, not the whole chart."""
        for old_or_new in (self._hover_row, row):
            if old_or_new is not None:
                self.viewport().update(
                    0, self.row_top(old_or_new), self.viewport().width(), self.row_height
                )
        self._hover_row = row

    def mousePressEvent(self, event: QMouseEvent) -> None:
        row = self.row_at_y(event.position().y())
        if (
            row is not None
            and self._rows[row].stream is None
            and event.position().x() < self.label_width
            and event.button() == Qt.MouseButton.LeftButton
        ):
            cid = self._rows[row].contract.contract_id
            self.set_collapsed(cid, not self.is_collapsed(cid))
            event.accept()
            return
        super().mousePressEvent(event)

    # -- hit testing ---------------------------------------------------------------------
    def segment_at(self, pos: QPoint | QPointF) -> Segment | None:
        """The stream phase under a viewport point (None on contract rows and gaps)."""
        row = self.row_at_y(pos.y())
        week = self.week_at_x(pos.x())
        if row is None or week is None or self._rows[row].stream is None:
            return None
        stream = self._rows[row].stream
        assert stream is not None
        return next((s for s in stream.segments if s.start_week <= week < s.end_week), None)

    def tooltip_at(self, pos: QPoint | QPointF) -> str:
        """Plain-text tooltip for a viewport point ("" when there is nothing there)."""
        if self._plan is None:
            return ""
        row_i = self.row_at_y(pos.y())
        if row_i is None:
            return ""
        row = self._rows[row_i]
        if row.stream is None:
            return self._contract_tooltip(row.contract)
        week = self.week_at_x(pos.x())
        stream = row.stream
        title = f"Stream {stream.stream_id}" + (f" — {stream.name}" if stream.name else "")
        head = [
            title,
            f"Contract {stream.contract_id} · skill {stream.skill or '?'} · "
            f"{format_number(stream.volume, 1)} tasks/week",
        ]
        if week is None:
            return "\n".join(head)
        segment = self.segment_at(pos)
        start = self._plan.plan_start
        lines = head
        if segment is not None:
            first = start + timedelta(days=7 * segment.start_week)
            last = start + timedelta(days=7 * segment.end_week - 1)
            n = segment.end_week - segment.start_week
            lines.append(
                f"{segment.phase.value.capitalize()}: weeks {segment.start_week}–"
                f"{segment.end_week - 1} ({n} week{'s' if n != 1 else ''}, "
                f"{first.isoformat()} to {last.isoformat()})"
            )
            if segment.vendors:
                lines.append("Vendors: " + ", ".join(segment.vendors))
        lines.append(f"Week {week} ({(start + timedelta(days=7 * week)).isoformat()}):")
        names = [*stream.vendors, ("Unserved", False)]
        entries = [
            (name, float(stream.tasks[i, week]), exited)
            for i, (name, exited) in enumerate(names)
            if stream.tasks[i, week] > EPS
        ]
        if not entries:
            lines.append("  no work")
        for name, tasks, exited in entries:
            suffix = " (exiting)" if exited else ""
            lines.append(f"  {name}{suffix}: {format_number(tasks, 1)} tasks/week")
        return "\n".join(lines)

    def _contract_tooltip(self, c: ContractRow) -> str:
        assert self._plan is not None
        lines = [f"Contract {c.contract_id}" + (f" — {c.title}" if c.title else "")]
        if c.vendor:
            lines.append(f"Vendor: {c.vendor}")
        if c.exit_week is not None:
            when = c.exit_date.isoformat() if c.exit_date else "?"
            lines.append(
                f"Exit: week {c.exit_week} ({when})"
                + (", terminated early" if c.early else ", at the end of its term")
            )
        if c.early and c.termination_fee:
            lines.append(f"Termination fee: {format_money(c.termination_fee, self._plan.currency)}")
        if c.notice_by is not None:
            lines.append(f"Send termination notice by {c.notice_by.isoformat()}")
        if c.non_renewal_by is not None:
            lines.append(f"Refuse renewal by {c.non_renewal_by.isoformat()}")
        lines.append(f"{len(c.streams)} stream{'s' if len(c.streams) != 1 else ''}")
        return "\n".join(lines)

    # -- painting ------------------------------------------------------------------------
    def _advance(self, font: int, text: str) -> int:
        """Width of ``text`` in the plain (0), bold (1) or small (2) font, remembered: the
        same labels are measured on every paint."""
        key = (font, text)
        width = self._advances.get(key)
        if width is None:
            metrics = (self.fontMetrics(), QFontMetrics(self._bold), QFontMetrics(self._small))
            width = self._advances[key] = metrics[font].horizontalAdvance(text)
        return width

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self.viewport())
        theme = Theme.of(self)
        painter.fillRect(self.viewport().rect(), theme.base)
        if self._plan is None:
            painter.end()
            return
        width, height = self.viewport().width(), self.viewport().height()
        label_w, axis_h, row_h = self.label_width, self.axis_height, self.row_height
        hscroll, vscroll = self.horizontalScrollBar().value(), self.verticalScrollBar().value()
        ctx = _PaintContext(
            theme, width, height, label_w, axis_h, row_h, label_w - hscroll, self._ppw, vscroll
        )
        exposed = event.rect()  # a hover change repaints two rows, not the whole chart
        first = max(0, (max(exposed.top(), axis_h) + vscroll - axis_h) // row_h)
        last = min(len(self._rows), (exposed.bottom() + vscroll - axis_h) // row_h + 1)
        weeks = (
            max(0, math.floor(hscroll / self._ppw)),
            min(self.weeks, math.ceil((hscroll + width - label_w) / self._ppw) + 1),
        )
        chart = QRectF(label_w, axis_h, width - label_w, height - axis_h)

        painter.save()
        painter.setClipRect(chart)
        for i in range(first, last):
            row_rect = QRectF(label_w, ctx.top(i), width - label_w, row_h)
            if self._rows[i].stream is None:
                painter.fillRect(row_rect, theme.band)
            elif i == self._hover_row:
                painter.fillRect(row_rect, theme.hover)
        self._paint_grid(painter, chart, ctx)
        painter.setFont(self._small)
        for i in range(first, last):
            row = self._rows[i]
            if row.stream is None:
                self._paint_contract(painter, row.contract, ctx.top(i), ctx)
            else:
                self._paint_stream(painter, row.stream, ctx.top(i), weeks, ctx)
        painter.setFont(self.font())
        self._paint_completion(painter, chart, ctx)
        painter.restore()

        if exposed.left() < label_w:
            self._paint_labels(painter, first, last, ctx)
        if exposed.top() < axis_h:
            self._paint_axis(painter, ctx)
        painter.setPen(QPen(theme.axis, 1))
        painter.drawLine(QPointF(label_w - 0.5, 0), QPointF(label_w - 0.5, height))
        painter.drawLine(QPointF(0, axis_h - 0.5), QPointF(width, axis_h - 0.5))
        painter.end()

    def _paint_grid(self, painter: QPainter, chart: QRectF, ctx: _PaintContext) -> None:
        assert self._plan is not None
        major, minor = QPen(ctx.theme.axis, 1), QPen(ctx.theme.grid, 1)
        for tick in date_ticks(self._plan.plan_start, self.weeks, self._ppw):
            x = round(ctx.x(tick.week)) + 0.5
            painter.setPen(major if tick.major else minor)
            painter.drawLine(QPointF(x, chart.top()), QPointF(x, chart.bottom()))
        end_x = ctx.x(self.weeks)
        painter.fillRect(
            QRectF(end_x, chart.top(), max(0.0, chart.right() - end_x), chart.height()),
            ctx.theme.outside,
        )

    def _paint_completion(self, painter: QPainter, chart: QRectF, ctx: _PaintContext) -> None:
        assert self._plan is not None
        week = self._plan.completion_week
        if 0 < week < self.weeks:
            x = ctx.x(week)
            painter.setPen(QPen(COMPLETION_COLOR, 1.5, Qt.PenStyle.DashLine))
            painter.drawLine(QPointF(x, chart.top()), QPointF(x, chart.bottom()))

    def _paint_stream(
        self,
        painter: QPainter,
        stream: StreamRow,
        top: int,
        weeks: tuple[int, int],
        ctx: _PaintContext,
    ) -> None:
        """The stream's bar (the small font is set): bands of vendor shares, then the
        phases' outlines and labels."""
        first_week, last_week = weeks
        pad = 4
        bar_top, bar_h = top + pad, ctx.row_h - 2 * pad
        origin, ppw, label_w = ctx.origin, ctx.ppw, ctx.label_w
        for band in stream.bands:
            if band.end <= first_week or band.start >= last_week:
                continue
            x0 = origin + band.start * ppw
            w = (band.end - band.start) * ppw
            y = float(bar_top)
            for vendor, fraction, exited in band.parts:
                h = bar_h * fraction
                rect = QRectF(x0, y, w, h)
                if vendor == UNSERVED:
                    painter.fillRect(rect, UNSERVED_COLOR)
                    painter.fillRect(rect, self._hatch)
                else:
                    painter.fillRect(rect, ctx.color(vendor, exited))
                y += h
        for seg in stream.segments:
            if seg.end_week <= first_week or seg.start_week >= last_week:
                continue
            x0 = origin + seg.start_week * ppw
            rect = QRectF(x0, bar_top, (seg.end_week - seg.start_week) * ppw, bar_h)
            if seg.phase == Phase.CUTOVER:
                painter.setPen(ctx.cutover_pen)
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRect(rect.adjusted(0.5, 0.5, -0.5, -0.5))
            label = seg.label
            if not label:
                continue
            advance = self._advance(2, label)
            if advance + 8 > rect.width():
                continue
            background = (
                UNSERVED_COLOR
                if seg.phase == Phase.UNSERVED
                else ctx.color(seg.vendors[-1], seg.phase == Phase.EXITING)
                if seg.vendors
                else _WHITE
            )
            visible = rect.intersected(QRectF(label_w, rect.top(), 1e6, rect.height()))
            if len(seg.vendors) > 1 and seg.phase == Phase.NEW:  # a patchwork: use a chip
                background = _CHIP
                chip = QRectF(
                    visible.left() + 2,
                    visible.top() + 2,
                    min(visible.width() - 4, advance + 6),
                    visible.height() - 4,
                )
                painter.fillRect(chip, background)
            painter.setPen(ctx.text_on(background))
            painter.drawText(visible.adjusted(4, 0, -4, 0), _LEFT_VCENTER, label)

    def _paint_contract(
        self, painter: QPainter, c: ContractRow, top: int, ctx: _PaintContext
    ) -> None:
        """The contract's life, deadlines and exit (the small font is set)."""
        row_h = ctx.row_h
        mid = top + row_h / 2
        if c.exit_week is not None:
            color = ctx.color(c.vendor, True) if c.vendor else QColor("#9aa1ab")
            x0, x1 = ctx.x(0), ctx.x(c.exit_week)
            painter.fillRect(QRectF(x0, mid - 3, x1 - x0, 6), color.lighter(115))
            if c.early and c.last_week is not None and c.last_week > c.exit_week:
                painter.setPen(QPen(color, 1.5, Qt.PenStyle.DotLine))
                painter.drawLine(QPointF(x1, mid), QPointF(ctx.x(c.last_week), mid))
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        radius = row_h * 0.26
        if c.notice_by is not None:
            paint_diamond(
                painter, QPointF(self._x_of_date(ctx, c.notice_by), mid), radius, NOTICE_COLOR
            )
        if c.non_renewal_by is not None:
            paint_diamond(
                painter,
                QPointF(self._x_of_date(ctx, c.non_renewal_by), mid),
                radius,
                NON_RENEWAL_COLOR,
            )
        if c.exit_week is not None:
            x = ctx.x(c.exit_week)
            paint_flag(painter, x, top + 4, top + row_h - 4, EXIT_COLOR)
            text = f"exit {c.exit_date.isoformat() if c.exit_date else ''}" + (
                " (early)" if c.early else ""
            )
            fm = painter.fontMetrics()
            advance = self._advance(2, text)
            tx = x + row_h * 0.45 + 4
            if tx + advance > ctx.width:
                tx = x - 6 - advance
            painter.fillRect(  # keeps the text readable over markers it may cross
                QRectF(tx - 2, mid - fm.height() / 2, advance + 4, fm.height()), ctx.theme.band
            )
            painter.setPen(ctx.theme.text)
            painter.drawText(QPointF(tx, mid + fm.ascent() / 2 - 1), text)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)

    def _x_of_date(self, ctx: _PaintContext, d: date) -> float:
        assert self._plan is not None
        return ctx.x((d - self._plan.plan_start).days / 7)

    def _paint_labels(self, painter: QPainter, first: int, last: int, ctx: _PaintContext) -> None:
        label_w, axis_h, row_h, theme = ctx.label_w, ctx.axis_h, ctx.row_h, ctx.theme
        painter.save()
        column = QRectF(0, axis_h, label_w, ctx.height - axis_h)
        painter.setClipRect(column)
        painter.fillRect(column, self.palette().window())
        text_color = self.palette().windowText().color()
        muted = theme.muted
        grid = QPen(theme.grid, 1)
        plain = self.fontMetrics()
        for i in range(first, last):
            top = ctx.top(i)
            row = self._rows[i]
            rect = QRectF(8, top, label_w - 14, row_h)
            if row.stream is None:
                painter.fillRect(QRectF(0, top, label_w, row_h), theme.header)
                c = row.contract
                arrow = "▸" if self.is_collapsed(c.contract_id) else "▾"
                painter.setPen(text_color)
                painter.setFont(self._bold)
                head = f"{arrow} {c.contract_id}"
                painter.drawText(rect, _VCENTER, head)
                used = self._advance(1, head + "  ")
                painter.setFont(self.font())
                painter.setPen(muted)
                painter.drawText(
                    rect.adjusted(used, 0, 0, 0),
                    _VCENTER,
                    plain.elidedText(
                        c.title or c.vendor, Qt.TextElideMode.ElideRight, int(rect.width() - used)
                    ),
                )
            else:
                s = row.stream
                if i == self._hover_row:
                    painter.fillRect(QRectF(0, top, label_w, row_h), theme.hover)
                inner = rect.adjusted(16, 0, 0, 0)
                painter.setPen(text_color)
                painter.drawText(inner, _VCENTER, s.stream_id)
                used = self._advance(0, s.stream_id + "  ")
                painter.setPen(muted)
                painter.drawText(
                    inner.adjusted(used, 0, 0, 0),
                    _VCENTER,
                    plain.elidedText(
                        s.detail, Qt.TextElideMode.ElideRight, int(inner.width() - used)
                    ),
                )
            painter.setPen(grid)
            painter.drawLine(QPointF(0, top + row_h - 0.5), QPointF(label_w, top + row_h - 0.5))
        painter.restore()

    def _paint_axis(self, painter: QPainter, ctx: _PaintContext) -> None:
        assert self._plan is not None
        label_w, axis_h, width, theme = ctx.label_w, ctx.axis_h, ctx.width, ctx.theme
        painter.fillRect(QRectF(0, 0, width, axis_h), self.palette().window())
        fm = self.fontMetrics()
        painter.setPen(self.palette().windowText().color())
        painter.setFont(self._bold)
        painter.drawText(QRectF(10, 0, label_w - 14, axis_h), _VCENTER, "Contract / stream")
        painter.setFont(self.font())
        painter.save()
        painter.setClipRect(QRectF(label_w, 0, width - label_w, axis_h))
        tier = fm.height() + 6
        ticks = date_ticks(self._plan.plan_start, self.weeks, self._ppw)
        major, minor = QPen(theme.axis, 1), QPen(theme.grid, 1)
        for tick in ticks:
            x = round(ctx.x(tick.week)) + 0.5
            painter.setPen(major if tick.major else minor)
            painter.drawLine(QPointF(x, 2), QPointF(x, axis_h))
        painter.setPen(self.palette().windowText().color())
        right = min(float(width), ctx.x(self.weeks) + 40)
        measure = functools.partial(self._advance, 0)
        for x, label in place_labels(ticks, ctx.x, measure, right):
            painter.drawText(QPointF(x, 3 + fm.ascent()), label)
        step = next(
            (s for s in (1, 2, 4, 8, 13, 26, 52) if s * self._ppw >= self._advance(0, "W104") + 10),
            104,
        )
        painter.setPen(theme.axis)
        painter.setFont(self._small)
        small = painter.fontMetrics()
        for week in range(0, self.weeks + 1, step):
            x = ctx.x(week)
            painter.drawLine(QPointF(x, axis_h - 5), QPointF(x, axis_h))
            if x + self._advance(2, f"W{week}") + 3 <= width:
                painter.drawText(QPointF(x + 3, tier + small.ascent() + 2), f"W{week}")
        week = self._plan.completion_week
        if 0 < week < self.weeks:
            text = f"done W{week}"
            x = ctx.x(week)
            w = self._advance(2, text) + 8
            box = QRectF(x - w / 2, tier, w, small.height() + 4)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(COMPLETION_COLOR)
            painter.drawRoundedRect(box, 3, 3)
            painter.setPen(_WHITE)
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.setFont(self.font())
        painter.restore()


class TimelineView(PlanView):
    """Timeline tab: toolbar (zoom, fit, expand/collapse), legend and the Gantt canvas."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.canvas = TimelineCanvas()
        self.legend = Legend()
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setMinimumWidth(120)
        buttons = QHBoxLayout()
        buttons.setSpacing(4)
        self.zoom_out_button = self._button(
            "−", "Zoom out (Ctrl+minus, Ctrl+wheel)", self.canvas.zoom_out
        )
        self.zoom_in_button = self._button(
            "+", "Zoom in (Ctrl+plus, Ctrl+wheel)", self.canvas.zoom_in
        )
        self.fit_button = self._button("Fit", "Show the whole horizon (Ctrl+0)", self.canvas.fit)
        self.expand_button = self._button("Expand all", "Show every stream", self.canvas.expand_all)
        self.collapse_button = self._button(
            "Collapse all", "Show contracts only", self.canvas.collapse_all
        )
        for b in (self.zoom_out_button, self.zoom_in_button, self.fit_button):
            buttons.addWidget(b)
        for keys, slot in (
            (QKeySequence.StandardKey.ZoomIn, self.canvas.zoom_in),
            (QKeySequence.StandardKey.ZoomOut, self.canvas.zoom_out),
            (QKeySequence("Ctrl+0"), self.canvas.fit),
        ):
            shortcut = QShortcut(keys, self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        self.canvas.setAccessibleName("Migration timeline")
        self.canvas.setAccessibleDescription(
            "One row per contract and stream; colours show which vendor does the work each week"
        )
        buttons.addSpacing(12)
        buttons.addWidget(self.expand_button)
        buttons.addWidget(self.collapse_button)
        buttons.addSpacing(16)
        buttons.addWidget(self.summary, 1)
        layout = QVBoxLayout(self.content)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addLayout(buttons)
        layout.addWidget(self.legend)
        layout.addWidget(self.canvas, 1)

    def _button(self, text: str, tip: str, slot: object) -> QToolButton:
        button = QToolButton()
        button.setText(text)
        button.setToolTip(tip)
        button.setMinimumWidth(32)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        button.clicked.connect(slot)
        return button

    # conveniences for the main window and tests
    def tooltip_at(self, pos: QPoint | QPointF) -> str:
        return self.canvas.tooltip_at(pos)

    def segment_at(self, pos: QPoint | QPointF) -> Segment | None:
        return self.canvas.segment_at(pos)

    @property
    def pixels_per_week(self) -> float:
        return self.canvas.pixels_per_week

    def _show_plan(self, plan: PlanResult, baseline: PlanResult | None) -> None:
        digest = digest_of(plan)
        self.canvas.set_plan(plan, digest.timeline if digest is not None else None)
        self.legend.set_items(self._legend_items(plan))
        n_streams = sum(len(c.streams) for c in self.canvas.contracts)
        done = (
            f"all work off the exited vendors by week {plan.completion_week} "
            f"({plan.completion_date.isoformat()})"
            if plan.completion_week < plan.horizon_weeks
            else "the exited vendors still work in the last week of the horizon"
        )
        self.summary.setText(
            f"{len(self.canvas.contracts)} contracts · {n_streams} streams · {done}"
        )

    def _clear(self) -> None:
        self.canvas.set_plan(None)
        self.legend.set_items([])
        self.summary.clear()

    def _legend_items(self, plan: PlanResult) -> list[LegendItem]:
        vendors = plan.vendors
        items: list[LegendItem] = []
        if len(vendors) and {"vendor", "exited"} <= set(vendors.columns):
            names = vendors["vendor"].tolist()
            exits = [bool(e) for e in vendors["exited"].tolist()]
            engaged = (
                [bool(e) for e in vendors["engaged"].tolist()]
                if "engaged" in vendors.columns
                else [True] * len(names)
            )
            used = [(ex, n) for n, ex, en in zip(names, exits, engaged, strict=True) if ex or en]
            for exited, name in sorted(used, key=lambda v: (not v[0], v[1])):  # exiting first
                label = f"{name} (exiting)" if exited else str(name)
                items.append(LegendItem(label, vendor_color(str(name), exited)))
        items += [
            LegendItem("Unserved", UNSERVED_COLOR, Swatch.HATCH),
            LegendItem("Cutover", self.palette().text().color(), Swatch.DASHED),
            LegendItem("Notice by", NOTICE_COLOR, Swatch.DIAMOND),
            LegendItem("Refuse renewal by", NON_RENEWAL_COLOR, Swatch.DIAMOND),
            LegendItem("Contract exit", EXIT_COLOR, Swatch.FLAG),
            LegendItem("All work moved", COMPLETION_COLOR, Swatch.DASHED),
        ]
        return items
