"""The migration timeline: one Gantt row per stream, grouped under its contract.

Each stream row shows, week by week, who does the work: the exited vendor (grey), the
cutover weeks when both work (outlined), the new vendors (their colours) and unserved
work (red, hatched). Contract rows carry the contract's life, the notice-by date and the
exit. Everything is precomputed in ``set_plan`` into bands (runs of weeks with the same
vendor mix); painting then touches only the rows and weeks on screen, so 500 streams x
104 weeks scroll and zoom smoothly.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

import numpy as np
import pandas as pd
from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetrics,
    QHelpEvent,
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
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from planner.results import PlanResult
from ui.views.base import (
    Legend,
    LegendItem,
    PlanView,
    Swatch,
    paint_diamond,
    paint_flag,
)
from ui.views.charts import date_ticks, place_labels
from ui.views.formats import as_date, format_money, format_number, is_missing
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

MIN_PX_PER_WEEK = 1.0
MAX_PX_PER_WEEK = 120.0
ZOOM_STEP = 1.25
UNSERVED = ""  # the pseudo-vendor of unserved work in bands
NON_RENEWAL_COLOR = QColor("#7c3aed")
_EPS = 1e-6


class Phase(StrEnum):
    EXITING = "on the exiting vendor"
    CUTOVER = "cutover"
    NEW = "on the new vendor"
    UNSERVED = "unserved"


@dataclass(frozen=True, slots=True)
class Band:
    """A run of weeks ``[start, end)`` with the same vendor mix (fractions of the volume)."""

    start: int
    end: int
    parts: tuple[tuple[str, float, bool], ...]  # (vendor or UNSERVED, fraction, exited)


@dataclass(frozen=True, slots=True)
class Segment:
    """A phase of one stream: what a tooltip names."""

    stream_id: str
    contract_id: str
    phase: Phase
    start_week: int
    end_week: int  # exclusive
    vendors: tuple[str, ...]


@dataclass(slots=True)
class StreamRow:
    stream_id: str
    contract_id: str
    name: str
    skill: str
    volume: float
    vendors: tuple[tuple[str, bool], ...]  # columns of ``tasks`` (unserved is the last one)
    tasks: np.ndarray  # (len(vendors) + 1, weeks)
    bands: list[Band]
    segments: list[Segment]


@dataclass(slots=True)
class ContractRow:
    contract_id: str
    vendor: str
    title: str
    exit_week: int | None
    exit_date: date | None
    last_week: int | None
    early: bool
    notice_by: date | None
    non_renewal_by: date | None
    termination_fee: float
    streams: list[StreamRow] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Row:
    contract: ContractRow
    stream: StreamRow | None  # None: the contract's own row


def _int_or_none(value: object) -> int | None:
    return None if is_missing(value) else int(value)  # type: ignore[call-overload]


def _label(name: object, stream_id: str) -> str:
    """A stream's name, blank when missing or just repeating its id."""
    text = "" if is_missing(name) else str(name).strip()
    return "" if text == stream_id else text


def _runs(codes: np.ndarray) -> list[tuple[int, int]]:
    """[start, end) of the runs of equal values in a 1-D array."""
    if len(codes) == 0:
        return []
    cuts = (
        np.nonzero(
            np.any(codes[..., 1:] != codes[..., :-1], axis=0)
            if codes.ndim > 1
            else codes[1:] != codes[:-1]
        )[0]
        + 1
    )
    bounds = [0, *cuts.tolist(), codes.shape[-1]]
    return list(itertools.pairwise(bounds))


def _stream_row(
    stream_id: str,
    contract_id: str,
    name: str,
    skill: str,
    volume: float,
    vendors: list[tuple[str, bool]],
    tasks: np.ndarray,
) -> StreamRow:
    """Bands (for painting) and phases (for tooltips) of one stream's week-by-week tasks."""
    total = tasks.sum(axis=0)
    frac = np.divide(tasks, total, out=np.zeros_like(tasks), where=total > _EPS)
    mix = np.round(frac * 50)  # 2 % steps: cutover weeks differ, flat weeks merge
    bands = []
    for start, end in _runs(mix):
        if total[start] <= _EPS:
            continue
        parts = tuple(
            (vendor, float(frac[i, start]), exited)
            for i, (vendor, exited) in enumerate([*vendors, (UNSERVED, False)])
            if frac[i, start] > _EPS
        )
        bands.append(Band(start, end, parts))
    exited_rows = [i for i, (_, ex) in enumerate(vendors) if ex]
    alt_rows = [i for i, (_, ex) in enumerate(vendors) if not ex]
    on_exited = tasks[exited_rows].sum(axis=0) > _EPS
    on_alt = tasks[alt_rows].sum(axis=0) > _EPS
    unserved = tasks[-1] > _EPS
    code = np.select([on_exited & on_alt, on_exited, on_alt, unserved], [1, 2, 3, 4], default=0)
    phase_of = {1: Phase.CUTOVER, 2: Phase.EXITING, 3: Phase.NEW, 4: Phase.UNSERVED}
    segments = []
    for start, end in _runs(code):
        if code[start] == 0:
            continue
        present = tasks[:-1, start:end].sum(axis=1) > _EPS
        segments.append(
            Segment(
                stream_id,
                contract_id,
                phase_of[int(code[start])],
                start,
                end,
                tuple(v for (v, _), p in zip(vendors, present, strict=True) if p),
            )
        )
    return StreamRow(
        stream_id, contract_id, name, skill, volume, tuple(vendors), tasks, bands, segments
    )


def _contract_row(rec: dict[str, Any]) -> ContractRow:
    fee: Any = rec.get("termination_fee")
    return ContractRow(
        contract_id=str(rec.get("contract_id", "")),
        vendor=str(rec.get("vendor", "")),
        title="" if is_missing(rec.get("title")) else str(rec.get("title")),
        exit_week=_int_or_none(rec.get("exit_week")),
        exit_date=as_date(rec.get("exit_date")),
        last_week=_int_or_none(rec.get("last_week")),
        early=bool(rec.get("terminated_early", False)),
        notice_by=as_date(rec.get("notice_by")),
        non_renewal_by=as_date(rec.get("non_renewal_by")),
        termination_fee=0.0 if is_missing(fee) else float(fee),
    )


def _pair_tasks(alloc: pd.DataFrame, weeks: int) -> tuple[list[tuple[str, str, bool]], np.ndarray]:
    """One dense row of weekly tasks per (stream, vendor) with work: compact for big plans."""
    if alloc.empty:
        return [], np.zeros((0, weeks))
    stream_codes, streams = pd.factorize(alloc["stream_id"].astype(str))
    vendor_codes, vendors = pd.factorize(alloc["vendor"].astype(str))
    codes, pair_ids = pd.factorize(stream_codes * len(vendors) + vendor_codes)
    exited = alloc["exited"].to_numpy(dtype=bool)
    first_row = np.zeros(len(pair_ids), dtype=int)
    first_row[codes[::-1]] = np.arange(len(codes))[::-1]  # first row of each pair
    pairs = [
        (str(streams[p // len(vendors)]), str(vendors[p % len(vendors)]), bool(exited[r]))
        for p, r in zip(pair_ids.tolist(), first_row.tolist(), strict=True)
    ]
    tasks = np.zeros((len(pairs), weeks))
    week = alloc["week"].to_numpy(dtype=int)
    keep = (week >= 0) & (week < weeks)
    np.add.at(tasks, (codes[keep], week[keep]), alloc["tasks"].to_numpy(dtype=float)[keep])
    return pairs, tasks


def _unserved_tasks(unserved: pd.DataFrame, weeks: int) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    if unserved.empty:
        return out
    codes, streams = pd.factorize(unserved["stream_id"].astype(str))
    matrix = np.zeros((len(streams), weeks))
    week = unserved["week"].to_numpy(dtype=int)
    keep = (week >= 0) & (week < weeks)
    np.add.at(matrix, (codes[keep], week[keep]), unserved["tasks"].to_numpy(dtype=float)[keep])
    return {str(sid): matrix[i] for i, sid in enumerate(streams)}


def build_rows(plan: PlanResult) -> list[ContractRow]:
    """Contracts in plan order, each with its streams and their precomputed bands."""
    weeks = plan.horizon_weeks
    contracts = {
        row.contract_id: row for row in map(_contract_row, plan.contracts.to_dict("records"))
    }
    pairs, pair_tasks = _pair_tasks(plan.allocation, weeks)
    pairs_of: dict[str, list[int]] = {}
    for i, (sid, _, _) in enumerate(pairs):
        pairs_of.setdefault(sid, []).append(i)
    unserved_of = _unserved_tasks(plan.unserved, weeks)
    info = {str(rec["stream_id"]): rec for rec in plan.streams.to_dict("records")}
    contract_of: dict[str, str] = {}
    for frame in (plan.unserved, plan.allocation):
        if not frame.empty:
            firsts = frame.drop_duplicates("stream_id")
            contract_of.update(
                zip(firsts["stream_id"].astype(str), firsts["contract_id"].astype(str), strict=True)
            )
    extra = [s for s in dict.fromkeys([*pairs_of, *unserved_of]) if s not in info]
    for sid in [*info, *extra]:
        rec = info.get(sid, {})
        cid = str(rec.get("contract_id", contract_of.get(sid, "")))
        contract = contracts.setdefault(
            cid, ContractRow(cid, "", "", None, None, None, False, None, None, 0.0)
        )
        idx = sorted(pairs_of.get(sid, []), key=lambda i: (not pairs[i][2], pairs[i][1]))
        tasks = np.vstack([pair_tasks[idx], unserved_of.get(sid, np.zeros(weeks))[None, :]])
        volume = rec.get("weekly_volume")
        contract.streams.append(
            _stream_row(
                sid,
                cid,
                _label(rec.get("name"), sid),
                "" if is_missing(rec.get("skill")) else str(rec.get("skill")),
                float(tasks.sum(axis=0).max(initial=0.0)) if is_missing(volume) else float(volume),
                [(pairs[i][1], pairs[i][2]) for i in idx],
                tasks,
            )
        )
    return list(contracts.values())


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
        self.viewport().setMouseTracking(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self._bold = QFont(self.font())
        self._bold.setBold(True)
        self._small = QFont(self.font())
        self._small.setPointSizeF(max(6.0, self.font().pointSizeF() * 0.88))

    # -- geometry ------------------------------------------------------------------------
    @property
    def row_height(self) -> int:
        return self.fontMetrics().height() + 12

    @property
    def axis_height(self) -> int:
        return 2 * self.fontMetrics().height() + 12

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
    def set_plan(self, plan: PlanResult | None) -> None:
        self._plan = plan
        self._contracts = build_rows(plan) if plan is not None else []
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
        """Pixels the label column needs for its longest contract or stream label."""
        bold = QFontMetrics(self._bold)
        plain = self.fontMetrics()
        need = plain.horizontalAdvance("Contract / stream")
        for c in self._contracts:
            need = max(
                need,
                bold.horizontalAdvance(f"▾ {c.contract_id}  ")
                + plain.horizontalAdvance(c.title or c.vendor),
            )
            for s in c.streams:
                detail = " · ".join(p for p in (s.name, s.skill) if p)
                need = max(need, 16 + plain.horizontalAdvance(f"{s.stream_id}  {detail}"))
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
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            text = self.tooltip_at(event.pos())
            if text:
                QToolTip.showText(event.globalPos(), text, self.viewport())
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().viewportEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        row = self.row_at_y(event.position().y())
        if row != self._hover_row:
            self._hover_row = row
            self.viewport().update()
        super().mouseMoveEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        self._hover_row = None
        self.viewport().update()
        super().leaveEvent(event)

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
            if stream.tasks[i, week] > _EPS
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
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self.viewport())
        theme = Theme.of(self)
        painter.fillRect(self.viewport().rect(), theme.base)
        if self._plan is None:
            painter.end()
            return
        width, height = self.viewport().width(), self.viewport().height()
        label_w, axis_h, row_h = self.label_width, self.axis_height, self.row_height
        first = max(0, self.verticalScrollBar().value() // row_h)
        last = min(len(self._rows), first + (height - axis_h) // row_h + 2)
        first_week = max(0, math.floor(self.horizontalScrollBar().value() / self._ppw))
        last_week = min(
            self.weeks,
            math.ceil((self.horizontalScrollBar().value() + width - label_w) / self._ppw) + 1,
        )
        chart = QRectF(label_w, axis_h, width - label_w, height - axis_h)

        painter.save()
        painter.setClipRect(chart)
        for i in range(first, last):
            top = self.row_top(i)
            row = self._rows[i]
            row_rect = QRectF(label_w, top, width - label_w, row_h)
            if row.stream is None:
                painter.fillRect(row_rect, theme.band)
            elif i == self._hover_row:
                painter.fillRect(row_rect, theme.hover)
        self._paint_grid(painter, chart, theme)
        for i in range(first, last):
            row = self._rows[i]
            if row.stream is None:
                self._paint_contract(painter, row.contract, self.row_top(i), theme)
            else:
                self._paint_stream(
                    painter, row.stream, self.row_top(i), (first_week, last_week), theme
                )
        self._paint_completion(painter, chart)
        painter.restore()

        self._paint_labels(painter, first, last, axis_h, label_w, height, theme)
        self._paint_axis(painter, label_w, axis_h, width, theme)
        painter.setPen(QPen(theme.axis, 1))
        painter.drawLine(QPointF(label_w - 0.5, 0), QPointF(label_w - 0.5, height))
        painter.drawLine(QPointF(0, axis_h - 0.5), QPointF(width, axis_h - 0.5))
        painter.end()

    def _paint_grid(self, painter: QPainter, chart: QRectF, theme: Theme) -> None:
        assert self._plan is not None
        for tick in date_ticks(self._plan.plan_start, self.weeks, self._ppw):
            x = round(self.x_of_week(tick.week)) + 0.5
            painter.setPen(QPen(theme.axis if tick.major else theme.grid, 1))
            painter.drawLine(QPointF(x, chart.top()), QPointF(x, chart.bottom()))
        end_x = self.x_of_week(self.weeks)
        painter.fillRect(
            QRectF(end_x, chart.top(), max(0.0, chart.right() - end_x), chart.height()),
            theme.outside,
        )

    def _paint_completion(self, painter: QPainter, chart: QRectF) -> None:
        assert self._plan is not None
        week = self._plan.completion_week
        if 0 < week < self.weeks:
            x = self.x_of_week(week)
            painter.setPen(QPen(COMPLETION_COLOR, 1.5, Qt.PenStyle.DashLine))
            painter.drawLine(QPointF(x, chart.top()), QPointF(x, chart.bottom()))

    def _paint_stream(
        self,
        painter: QPainter,
        stream: StreamRow,
        top: int,
        weeks: tuple[int, int],
        theme: Theme,
    ) -> None:
        first_week, last_week = weeks
        pad = 4
        bar_top, bar_h = top + pad, self.row_height - 2 * pad
        hatch = QBrush(QColor(255, 255, 255, 150), Qt.BrushStyle.BDiagPattern)
        for band in stream.bands:
            if band.end <= first_week or band.start >= last_week:
                continue
            x0, x1 = self.x_of_week(band.start), self.x_of_week(band.end)
            y = float(bar_top)
            for vendor, fraction, exited in band.parts:
                h = bar_h * fraction
                rect = QRectF(x0, y, x1 - x0, h)
                if vendor == UNSERVED:
                    painter.fillRect(rect, UNSERVED_COLOR)
                    painter.fillRect(rect, hatch)
                else:
                    painter.fillRect(rect, vendor_color(vendor, exited))
                y += h
        painter.setFont(self._small)
        fm = painter.fontMetrics()
        for seg in stream.segments:
            if seg.end_week <= first_week or seg.start_week >= last_week:
                continue
            x0, x1 = self.x_of_week(seg.start_week), self.x_of_week(seg.end_week)
            rect = QRectF(x0, bar_top, x1 - x0, bar_h)
            if seg.phase == Phase.CUTOVER:
                painter.setPen(QPen(theme.text, 1, Qt.PenStyle.DashLine))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRect(rect.adjusted(0.5, 0.5, -0.5, -0.5))
            label = {
                Phase.EXITING: seg.vendors[0] if seg.vendors else "",
                Phase.NEW: ", ".join(seg.vendors),
                Phase.CUTOVER: "cutover",
                Phase.UNSERVED: "unserved",
            }[seg.phase]
            if label and fm.horizontalAdvance(label) + 8 <= rect.width():
                background = (
                    UNSERVED_COLOR
                    if seg.phase == Phase.UNSERVED
                    else vendor_color(seg.vendors[-1], seg.phase == Phase.EXITING)
                    if seg.vendors
                    else QColor("#ffffff")
                )
                visible = rect.intersected(QRectF(self.label_width, rect.top(), 1e6, rect.height()))
                if len(seg.vendors) > 1 and seg.phase == Phase.NEW:  # a patchwork: use a chip
                    background = QColor(255, 255, 255, 215)
                    chip = QRectF(
                        visible.left() + 2,
                        visible.top() + 2,
                        min(visible.width() - 4, fm.horizontalAdvance(label) + 6),
                        visible.height() - 4,
                    )
                    painter.fillRect(chip, background)
                painter.setPen(text_color_on(background))
                painter.drawText(
                    visible.adjusted(4, 0, -4, 0),
                    Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                    label,
                )
        painter.setFont(self.font())

    def _paint_contract(self, painter: QPainter, c: ContractRow, top: int, theme: Theme) -> None:
        row_h = self.row_height
        mid = top + row_h / 2
        if c.exit_week is not None:
            color = vendor_color(c.vendor, True) if c.vendor else QColor("#9aa1ab")
            x0, x1 = self.x_of_week(0), self.x_of_week(c.exit_week)
            painter.fillRect(QRectF(x0, mid - 3, x1 - x0, 6), color.lighter(115))
            if c.early and c.last_week is not None and c.last_week > c.exit_week:
                painter.setPen(QPen(color, 1.5, Qt.PenStyle.DotLine))
                painter.drawLine(QPointF(x1, mid), QPointF(self.x_of_week(c.last_week), mid))
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        radius = row_h * 0.26
        if c.notice_by is not None:
            paint_diamond(painter, QPointF(self.x_of_date(c.notice_by), mid), radius, NOTICE_COLOR)
        if c.non_renewal_by is not None:
            paint_diamond(
                painter, QPointF(self.x_of_date(c.non_renewal_by), mid), radius, NON_RENEWAL_COLOR
            )
        if c.exit_week is not None:
            x = self.x_of_week(c.exit_week)
            paint_flag(painter, x, top + 4, top + row_h - 4, EXIT_COLOR)
            text = f"exit {c.exit_date.isoformat() if c.exit_date else ''}" + (
                " (early)" if c.early else ""
            )
            painter.setFont(self._small)
            fm = painter.fontMetrics()
            tx = x + row_h * 0.45 + 4
            if tx + fm.horizontalAdvance(text) > self.viewport().width():
                tx = x - 6 - fm.horizontalAdvance(text)
            painter.fillRect(  # keeps the text readable over markers it may cross
                QRectF(tx - 2, mid - fm.height() / 2, fm.horizontalAdvance(text) + 4, fm.height()),
                theme.band,
            )
            painter.setPen(theme.text)
            painter.drawText(QPointF(tx, mid + fm.ascent() / 2 - 1), text)
            painter.setFont(self.font())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)

    def _paint_labels(
        self,
        painter: QPainter,
        first: int,
        last: int,
        axis_h: int,
        label_w: int,
        height: int,
        theme: Theme,
    ) -> None:
        painter.save()
        painter.setClipRect(QRectF(0, axis_h, label_w, height - axis_h))
        painter.fillRect(QRectF(0, axis_h, label_w, height - axis_h), self.palette().window())
        row_h = self.row_height
        text_color = self.palette().windowText().color()
        muted = theme.muted
        for i in range(first, last):
            top = self.row_top(i)
            row = self._rows[i]
            rect = QRectF(8, top, label_w - 14, row_h)
            if row.stream is None:
                painter.fillRect(QRectF(0, top, label_w, row_h), theme.header)
                c = row.contract
                arrow = "▸" if self.is_collapsed(c.contract_id) else "▾"
                painter.setPen(text_color)
                painter.setFont(self._bold)
                head = f"{arrow} {c.contract_id}"
                painter.drawText(rect, Qt.AlignmentFlag.AlignVCenter, head)
                used = painter.fontMetrics().horizontalAdvance(head + "  ")
                painter.setFont(self.font())
                rest = c.title or c.vendor
                painter.setPen(muted)
                painter.drawText(
                    rect.adjusted(used, 0, 0, 0),
                    Qt.AlignmentFlag.AlignVCenter,
                    painter.fontMetrics().elidedText(
                        rest, Qt.TextElideMode.ElideRight, int(rect.width() - used)
                    ),
                )
            else:
                s = row.stream
                if i == self._hover_row:
                    painter.fillRect(QRectF(0, top, label_w, row_h), theme.hover)
                fm = painter.fontMetrics()
                ident = s.stream_id
                inner = rect.adjusted(16, 0, 0, 0)
                painter.setPen(text_color)
                painter.drawText(inner, Qt.AlignmentFlag.AlignVCenter, ident)
                used = fm.horizontalAdvance(ident + "  ")
                detail = " · ".join(p for p in (s.name, s.skill) if p)
                painter.setPen(muted)
                painter.drawText(
                    inner.adjusted(used, 0, 0, 0),
                    Qt.AlignmentFlag.AlignVCenter,
                    fm.elidedText(detail, Qt.TextElideMode.ElideRight, int(inner.width() - used)),
                )
            painter.setPen(QPen(theme.grid, 1))
            painter.drawLine(QPointF(0, top + row_h - 0.5), QPointF(label_w, top + row_h - 0.5))
        painter.restore()

    def _paint_axis(
        self, painter: QPainter, label_w: int, axis_h: int, width: int, theme: Theme
    ) -> None:
        assert self._plan is not None
        painter.fillRect(QRectF(0, 0, width, axis_h), self.palette().window())
        fm = self.fontMetrics()
        painter.setPen(self.palette().windowText().color())
        painter.setFont(self._bold)
        painter.drawText(
            QRectF(10, 0, label_w - 14, axis_h), Qt.AlignmentFlag.AlignVCenter, "Contract / stream"
        )
        painter.setFont(self.font())
        painter.save()
        painter.setClipRect(QRectF(label_w, 0, width - label_w, axis_h))
        tier = fm.height() + 6
        ticks = date_ticks(self._plan.plan_start, self.weeks, self._ppw)
        for tick in ticks:
            x = round(self.x_of_week(tick.week)) + 0.5
            painter.setPen(QPen(theme.axis if tick.major else theme.grid, 1))
            painter.drawLine(QPointF(x, 2), QPointF(x, axis_h))
        painter.setPen(self.palette().windowText().color())
        right = min(float(width), self.x_of_week(self.weeks) + 40)
        for x, label in place_labels(ticks, self.x_of_week, fm.horizontalAdvance, right):
            painter.drawText(QPointF(x, 3 + fm.ascent()), label)
        step = next(
            (
                s
                for s in (1, 2, 4, 8, 13, 26, 52)
                if s * self._ppw >= fm.horizontalAdvance("W104") + 10
            ),
            104,
        )
        painter.setPen(theme.axis)
        painter.setFont(self._small)
        small = painter.fontMetrics()
        for week in range(0, self.weeks + 1, step):
            x = self.x_of_week(week)
            painter.drawLine(QPointF(x, axis_h - 5), QPointF(x, axis_h))
            if x + small.horizontalAdvance(f"W{week}") + 3 <= width:
                painter.drawText(QPointF(x + 3, tier + small.ascent() + 2), f"W{week}")
        week = self._plan.completion_week
        if 0 < week < self.weeks:
            text = f"done W{week}"
            x = self.x_of_week(week)
            w = small.horizontalAdvance(text) + 8
            box = QRectF(x - w / 2, tier, w, small.height() + 4)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(COMPLETION_COLOR)
            painter.drawRoundedRect(box, 3, 3)
            painter.setPen(QColor("#ffffff"))
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
        self.canvas.set_plan(plan)
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
            engaged = vendors["engaged"] if "engaged" in vendors.columns else True
            used = vendors[(vendors["exited"]) | engaged]
            for rec in used.sort_values(["exited", "vendor"], ascending=[False, True]).to_dict(
                "records"
            ):
                exited = bool(rec["exited"])
                name = str(rec["vendor"])
                items.append(
                    LegendItem(f"{name} (exiting)" if exited else name, vendor_color(name, exited))
                )
        items += [
            LegendItem("Unserved", UNSERVED_COLOR, Swatch.HATCH),
            LegendItem("Cutover", self.palette().text().color(), Swatch.DASHED),
            LegendItem("Notice by", NOTICE_COLOR, Swatch.DIAMOND),
            LegendItem("Refuse renewal by", NON_RENEWAL_COLOR, Swatch.DIAMOND),
            LegendItem("Contract exit", EXIT_COLOR, Swatch.FLAG),
            LegendItem("All work moved", COMPLETION_COLOR, Swatch.DASHED),
        ]
        return items
