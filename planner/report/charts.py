"""Vector charts for the report (reportlab.graphics), readable in black and white.

Every vendor keeps one look across all charts: a colour from a colour-blind-safe set
whose grey levels differ, plus a hatch pattern, both picked by :class:`VendorPalette`
from the vendor's name. Charts are drawn from plain primitives (no reportlab chart
widgets) so that a 500-stream Gantt stays fast and rows never shrink below a readable
size: long charts are split into page-sized :class:`Drawing` objects instead.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd
from reportlab.graphics.shapes import (
    Circle,
    Drawing,
    Group,
    Line,
    Path,
    Polygon,
    PolyLine,
    Rect,
    String,
)
from reportlab.lib import colors
from reportlab.lib.colors import Color
from reportlab.pdfbase.pdfmetrics import stringWidth

from planner.report.fonts import FontSet
from planner.report.text import runs, shorten

MIN_FONT = 6.5  # never smaller: the report must stay readable when printed
INK = colors.HexColor("#222222")
GRID = colors.HexColor("#d9d9d9")
UNSERVED = "Unserved"

# Colour-blind-safe colours (Okabe-Ito, Tol) that all print as mid-to-light greys, so that
# in black and white only the exited vendor is dark; the hatch tells the others apart.
_COLOURS = ("#56B4E9", "#E69F00", "#009E73", "#F0E442", "#CC79A7", "#88CCEE", "#D55E00",
            "#DDCC77", "#999933", "#44AA99")
_HATCHES = ("none", "diag", "horiz", "cross", "vert", "back", "dots")


@dataclass(frozen=True, slots=True)
class Look:
    """How one vendor (or 'Unserved') is drawn."""

    fill: Color
    hatch: str  # none, diag, back, horiz, vert, cross, dots
    ink: Color  # hatch line colour


class VendorPalette:
    """One look per vendor name, the same in every chart of a report.

    Exited vendors are dark greys (the work that must go away); alternatives get the
    colour set in name order; unserved work is white with red cross-hatching.
    """

    def __init__(self, exited: Iterable[str], alternatives: Iterable[str]) -> None:
        self.exited = sorted(set(exited))
        self.alternatives = sorted(set(alternatives) - set(self.exited))
        self._looks: dict[str, Look] = {}
        for i, name in enumerate(self.exited):
            grey = 0.2 + 0.1 * (i % 3)
            self._looks[name] = Look(Color(grey, grey, grey), "none" if i < 3 else "back",
                                     colors.white)
        for i, name in enumerate(self.alternatives):
            fill = colors.HexColor(_COLOURS[i % len(_COLOURS)])
            hatch = _HATCHES[(i + i // len(_COLOURS)) % len(_HATCHES)]
            self._looks[name] = Look(fill, hatch, colors.HexColor("#1a1a1a"))
        self._looks[UNSERVED] = Look(colors.white, "cross", colors.HexColor("#c0392b"))

    @property
    def order(self) -> list[str]:
        """Stacking / legend order: exited vendors, alternatives, unserved."""
        return [*self.exited, *self.alternatives, UNSERVED]

    def __getitem__(self, vendor: str) -> Look:
        return self._looks.get(vendor) or self._looks.setdefault(
            vendor, Look(colors.HexColor("#bbbbbb"), "dots", INK))


# --- primitives ---------------------------------------------------------------------------


def drawing(width: float, height: float, fonts: FontSet) -> Drawing:
    """A Drawing whose initial font is ours (reportlab would select Helvetica, a font we
    neither embed nor want in the PDF)."""
    d = Drawing(width, height)
    d.initialFontName = fonts.regular
    return d


def label(x: float, y: float, text: object, fonts: FontSet, size: float = 7.5, *,
          bold: bool = False, anchor: str = "start", colour: Color = INK) -> Group:
    """A one-line label, split into font runs so CJK names print when a font has them."""
    size = max(size, MIN_FONT)
    pieces = [(fonts.bold if bold and f == fonts.regular else f, t) for f, t in runs(text, fonts)]
    widths = [stringWidth(t, f, size) for f, t in pieces]
    total = sum(widths)
    start = x - total if anchor == "end" else x - total / 2 if anchor == "middle" else x
    g = Group()
    for (font, chunk), w in zip(pieces, widths, strict=True):
        g.add(String(start, y, chunk, fontName=font, fontSize=size, fillColor=colour))
        start += w
    return g


def fit(text: str, fonts: FontSet, size: float, width: float, *, bold: bool = False) -> str:
    """Shorten ``text`` with an ellipsis until it fits ``width`` points."""
    size = max(size, MIN_FONT)
    font = fonts.bold if bold else fonts.regular
    if stringWidth(text, font, size) <= width:
        return text
    lo, hi = 1, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if stringWidth(shorten(text, mid), font, size) <= width:
            lo = mid
        else:
            hi = mid - 1
    return shorten(text, lo)


def box(x: float, y: float, w: float, h: float, look: Look, *, edge: bool = True) -> Group:
    """One filled, hatched rectangle (legend swatches); charts use :class:`Painter`."""
    painter = Painter()
    painter.rect(x, y, w, h, look, edge=edge)
    g = Group()
    for shape in painter.shapes():
        g.add(shape)
    return g


class Painter:
    """Collects rectangles per look and draws each look as one path that both fills and
    clips, then one set of hatch lines across the look's bounding box, drawn inside that
    clip. Thousands of bars become a handful of PDF objects and the hatch costs the same
    for one bar or a thousand (reportlab's cost is per shape and per coordinate)."""

    def __init__(self) -> None:
        self._fills: dict[tuple[Look, bool], Path] = {}
        self._bounds: dict[tuple[Look, bool], list[float]] = {}

    def rect(self, x: float, y: float, w: float, h: float, look: Look, *,
             edge: bool = True) -> None:
        if w <= 0 or h <= 0:
            return
        key = (look, edge)
        fill = self._fills.get(key)
        if fill is None:
            fill = self._fills[key] = Path(fillColor=look.fill,
                                           strokeColor=INK if edge else None,
                                           strokeWidth=0.3 if edge else 0)
            self._bounds[key] = [x, y, x + w, y + h]
        fill.moveTo(x, y)
        fill.lineTo(x + w, y)
        fill.lineTo(x + w, y + h)
        fill.lineTo(x, y + h)
        fill.closePath()
        b = self._bounds[key]
        b[0], b[1], b[2], b[3] = min(b[0], x), min(b[1], y), max(b[2], x + w), max(b[3], y + h)

    def shapes(self) -> list[Path | Group]:
        out: list[Path | Group] = []
        for (look, _edge), fill in self._fills.items():
            if look.hatch == "none":
                out.append(fill)
                continue
            fill.isClipPath = 1  # fill, then clip the hatch below to the bars
            hatch = Path(fillColor=None, strokeColor=look.ink, strokeWidth=0.4)
            x0, y0, x1, y1 = self._bounds[(look, _edge)]
            _hatch_into(hatch, x0, y0, x1 - x0, y1 - y0, look.hatch)
            group = Group(fill, hatch)
            out.append(group)
        return out


def _hatch_into(p: Path, x: float, y: float, w: float, h: float, hatch: str,
                step: float = 3.2) -> None:
    """Append hatch segments clipped (by geometry) to the rectangle."""
    if hatch in ("horiz", "cross"):
        for yy in np.arange(y + step / 2, y + h, step):
            p.moveTo(x, yy)
            p.lineTo(x + w, yy)
    if hatch in ("vert", "cross"):
        for xx in np.arange(x + step / 2, x + w, step):
            p.moveTo(xx, y)
            p.lineTo(xx, y + h)
    if hatch == "dots":
        for yy in np.arange(y + step / 2, y + h, step):
            for xx in np.arange(x + step / 2, x + w, step):
                p.moveTo(xx, yy)
                p.lineTo(xx + 0.6, yy)
    if hatch in ("diag", "back"):
        # Lines y' = x' + c (diag) or y' = -x' + c (back) in rect-local coordinates.
        for c in np.arange(-w + step / 2, h, step * 1.4):
            if hatch == "diag":
                x0, x1 = max(0.0, -c), min(w, h - c)
                if x1 > x0:
                    p.moveTo(x + x0, y + x0 + c)
                    p.lineTo(x + x1, y + x1 + c)
            else:
                cc = c + w
                x0, x1 = max(0.0, cc - h), min(w, cc)
                if x1 > x0:
                    p.moveTo(x + x0, y + cc - x0)
                    p.lineTo(x + x1, y + cc - x1)


def legend(items: Sequence[tuple[str, Look]], fonts: FontSet, width: float, *,
           extra: Sequence[tuple[str, Callable[[float, float], Group]]] = ()) -> Drawing:
    """A wrapped legend of swatches (and optional marker glyphs) as its own drawing."""
    size, sw, gap, row_h = 7.5, 14.0, 10.0, 12.0
    entries: list[tuple[float, Callable[[float, float], Group], str]] = []
    for name, look in items:
        def swatch(x: float, y: float, look: Look = look) -> Group:
            return box(x, y, sw, 8, look)
        entries.append((sw, swatch, name))
    entries += [(sw, draw, name) for name, draw in extra]
    x, y, placed = 0.0, 0.0, []
    for w, draw, name in entries:
        text = fit(name, fonts, size, width / 2)
        total = w + 4 + stringWidth(text, fonts.regular, size) + gap
        if x > 0 and x + total > width:
            x, y = 0.0, y + row_h
        placed.append((x, y, draw, text))
        x += total
    height = y + row_h
    d = drawing(width, height, fonts)
    for x, y, draw, text in placed:
        top = height - y - 10
        d.add(draw(x, top))
        d.add(label(x + sw + 4, top + 1, text, fonts, size))
    return d


def nice_ticks(vmax: float, count: int = 5) -> list[float]:
    """Round axis ticks 0..>=vmax (1, 2, 2.5, 5 x 10^k steps)."""
    if vmax <= 0 or not math.isfinite(vmax):
        return [0.0, 1.0]
    raw = vmax / count
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    return [step * i for i in range(math.ceil(vmax / step - 1e-9) + 1)]


def short_number(v: float) -> str:
    """Axis labels: 3 significant digits with k / m suffixes."""
    a = abs(v)
    if a >= 1e6:
        return f"{v / 1e6:.3g}m"
    if a >= 1e3:
        return f"{v / 1e3:.3g}k"
    return f"{v:.3g}"


def y_axis(d: Drawing | Group, x: float, y: float, w: float, h: float, ticks: list[float],
           fonts: FontSet, fmt: Callable[[float], str] = short_number) -> None:
    top = ticks[-1] or 1.0
    for t in ticks:
        yy = y + h * t / top
        d.add(Line(x, yy, x + w, yy, strokeColor=GRID, strokeWidth=0.4))
        d.add(label(x - 3, yy - 2.5, fmt(t), fonts, MIN_FONT, anchor="end"))


def date_axis(d: Drawing | Group, x: float, y: float, w: float, plan_start: date, weeks: int,
              fonts: FontSet, *, top_y: float | None = None, below: bool = True) -> None:
    """Real dates under (or above) a week axis; gridlines up to ``top_y`` when given."""
    px = w / max(weeks, 1)
    end = plan_start + timedelta(days=7 * weeks)
    months = (end.year - plan_start.year) * 12 + end.month - plan_start.month
    every = 1 if months <= 8 else 2 if months <= 14 else 3 if months <= 30 else 6
    first = date(plan_start.year, plan_start.month, 1)
    ticks: list[date] = []
    m = 0
    while True:
        total = first.month - 1 + m
        d0 = date(first.year + total // 12, total % 12 + 1, 1)
        if d0 > end:
            break
        if d0 >= plan_start and (d0.month - 1) % every == 0:
            ticks.append(d0)
        m += 1
    if weeks <= 8 or not ticks:  # too short for months: label weeks instead
        ticks = [plan_start + timedelta(days=7 * k) for k in range(0, weeks + 1, 2)]
    ly = y - 9 if below else y + 3
    for t in ticks:
        xx = x + px * (t - plan_start).days / 7
        if top_y is not None:
            d.add(Line(xx, y, xx, top_y, strokeColor=GRID, strokeWidth=0.4))
        d.add(Line(xx, y, xx, y - 2.5 if below else y + 2.5, strokeColor=INK, strokeWidth=0.5))
        text = f"{t:%b %Y}" if t.month == 1 or t == ticks[0] else f"{t:%b}"
        d.add(label(xx, ly, text, fonts, MIN_FONT, anchor="middle"))
    d.add(Line(x, y, x + w, y, strokeColor=INK, strokeWidth=0.5))


# --- Gantt ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GanttRow:
    """One row: a contract header (aggregate of its streams) or a stream."""

    label: str
    shares: np.ndarray  # weeks x len(palette.order): share of the row's volume per vendor
    header: bool = False
    cutover: tuple[int, int] | None = None  # first week moved .. last week on exited vendor
    markers: tuple[tuple[float, str], ...] = ()  # (week, kind): notice, nonrenewal, exit, end


def share_matrix(alloc: pd.DataFrame, unserved: pd.DataFrame, key: str, ids: Sequence[str],
                 volumes: Sequence[float], order: Sequence[str], weeks: int) -> np.ndarray:
    """ids x weeks x vendors array of shares of each id's weekly volume (vectorised)."""
    index = {k: i for i, k in enumerate(ids)}
    col = {v: j for j, v in enumerate(order)}
    out = np.zeros((len(ids), weeks, len(order)))
    for frame, vendor in ((alloc, None), (unserved, UNSERVED)):
        if frame.empty:
            continue
        rows = frame[key].map(index)
        vend = frame["vendor"].map(col) if vendor is None else pd.Series(col[vendor],
                                                                          index=frame.index)
        ok = rows.notna() & vend.notna() & (frame["week"] >= 0) & (frame["week"] < weeks)
        np.add.at(out, (rows[ok].astype(int).to_numpy(), frame.loc[ok, "week"].astype(int)
                        .to_numpy(), vend[ok].astype(int).to_numpy()),
                  frame.loc[ok, "tasks"].to_numpy(dtype=float))
    vol = np.asarray(volumes, dtype=float)[:, None, None]
    shares: np.ndarray = np.divide(out, vol, out=np.zeros_like(out), where=vol > 0)
    return shares


def steady_mix(shares: np.ndarray, alternative: np.ndarray) -> np.ndarray:
    """Replace the week-by-week split among new vendors by each row's overall split.

    Solver plans often shuffle a stream between vendors from week to week; drawn as is,
    a Gantt row becomes confetti. The exited vendor's and unserved shares stay exact per
    week; what moved is drawn in the row's overall mix of new vendors over the plan.
    ``shares`` is rows x weeks x vendors; ``alternative`` flags the new-vendor columns.
    """
    alt = shares[:, :, alternative]
    moved = alt.sum(axis=2, keepdims=True)  # rows x weeks x 1
    total = alt.sum(axis=1, keepdims=True)  # rows x 1 x alts
    mix = np.divide(total, total.sum(axis=2, keepdims=True), out=np.zeros_like(total),
                    where=total.sum(axis=2, keepdims=True) > 0)
    out = shares.copy()
    out[:, :, alternative] = moved * mix
    return out


def gantt_pages(rows: Sequence[GanttRow], palette: VendorPalette, fonts: FontSet,
                plan_start: date, weeks: int, width: float, height: float,
                first_height: float | None = None) -> list[Drawing]:
    """The timeline, cut into drawings no taller than ``height``; headers repeat per page.

    Rows are 10 pt (labels 7 pt) when many; a short plan gets taller bars, up to 22 pt.
    """
    axis_h = 16.0
    n_head = sum(r.header for r in rows)
    n_rows = len(rows) - n_head
    limit = height if first_height is None else first_height
    room = (limit - axis_h - 2) / max(1.0, n_rows + 1.3 * n_head)
    row_h = float(min(22.0, max(10.0, math.floor(room))))
    head_h = max(13.0, row_h * 1.2) if row_h > 10 else 13.0
    pages: list[list[GanttRow]] = [[]]
    used = axis_h
    for i, row in enumerate(rows):
        h = head_h if row.header else row_h
        # keep a contract header with at least its first stream
        need = h + (row_h if row.header and i + 1 < len(rows) else 0)
        if pages[-1] and used + need > (limit if len(pages) == 1 else height):
            pages.append([])
            used = axis_h
            if not row.header:  # repeat the contract header above continued rows
                parent = next((r for r in reversed(rows[:i]) if r.header), None)
                if parent is not None:
                    pages[-1].append(GanttRow(parent.label + " (continued)", parent.shares, True,
                                              None, parent.markers))
                    used += head_h
        pages[-1].append(row)
        used += h
    return [_gantt_drawing(p, palette, fonts, plan_start, weeks, width, row_h, head_h, axis_h)
            for p in pages if p]


def _gantt_drawing(rows: Sequence[GanttRow], palette: VendorPalette, fonts: FontSet,
                   plan_start: date, weeks: int, width: float, row_h: float, head_h: float,
                   axis_h: float) -> Drawing:
    label_w = min(190.0, width * 0.28)
    plot_x, plot_w = label_w + 4, width - label_w - 8
    px = plot_w / weeks
    height = axis_h + sum(head_h if r.header else row_h for r in rows) + 2
    d = drawing(width, height, fonts)
    top = height - axis_h
    date_axis(d, plot_x, top, plot_w, plan_start, weeks, fonts, top_y=2, below=False)
    y = top
    order = palette.order
    painter = Painter()
    overlay: list[Group | Line] = []  # markers and cutover lines, drawn above the bars
    for row in rows:
        h = head_h if row.header else row_h
        y -= h
        if row.header:
            d.add(Rect(0, y, width, h, fillColor=colors.HexColor("#eeeeee"), strokeColor=None,
                       strokeWidth=0))
        text = fit(row.label, fonts, 7.5 if row.header else MIN_FONT + 0.5,
                   label_w - (4 if row.header else 10), bold=row.header)
        d.add(label(2 if row.header else 8, y + h / 2 - 2.5, text, fonts,
                    7.5 if row.header else MIN_FONT + 0.5, bold=row.header))
        bar_y, bar_h = y + 1.5, h - 3
        for start, end, shares in _runs(row.shares):
            offset = 0.0
            for j in np.nonzero(shares > 1e-4)[0]:
                seg = bar_h * min(float(shares[j]), 1.0)
                painter.rect(plot_x + start * px, bar_y + bar_h - offset - seg,
                             (end - start) * px, seg, palette[order[j]], edge=False)
                offset += seg
        if row.cutover is not None:
            a, b = row.cutover
            overlay.append(Line(plot_x + a * px, y + 0.8, plot_x + (b + 1) * px, y + 0.8,
                                strokeColor=INK, strokeWidth=1.2))
        for week, kind in row.markers:
            overlay.append(marker(plot_x + week * px, y, h, kind))
    for shape in [*painter.shapes(), *overlay]:
        d.add(shape)
    d.add(Line(plot_x, 2, plot_x, top, strokeColor=INK, strokeWidth=0.5))
    return d


def _runs(shares: np.ndarray) -> list[tuple[int, int, np.ndarray]]:
    """Merge consecutive weeks whose shares are equal (to 1%) into one segment."""
    q = np.round(shares * 100)
    out: list[tuple[int, int, np.ndarray]] = []
    start = 0
    for t in range(1, len(q) + 1):
        if t == len(q) or not np.array_equal(q[t], q[start]):
            if q[start].any():
                out.append((start, t, shares[start:t].mean(axis=0)))
            start = t
    return out


def marker(x: float, y: float, h: float, kind: str) -> Group:
    """Date markers on a Gantt row: notice (down triangle), non-renewal (diamond), exit
    (thick bar), contract end (dotted line)."""
    g = Group()
    if kind == "exit":
        g.add(Line(x, y, x, y + h, strokeColor=colors.black, strokeWidth=1.8))
    elif kind == "end":
        g.add(Line(x, y, x, y + h, strokeColor=colors.black, strokeWidth=0.8,
                   strokeDashArray=[1, 1.5]))
    elif kind == "notice":
        g.add(Polygon([x - 3, y + h - 1, x + 3, y + h - 1, x, y + h - 6],
                      fillColor=colors.black, strokeColor=colors.white, strokeWidth=0.4))
    elif kind == "nonrenewal":
        g.add(Polygon([x, y + h - 0.5, x + 3, y + h - 3.5, x, y + h - 6.5, x - 3, y + h - 3.5],
                      fillColor=colors.white, strokeColor=colors.black, strokeWidth=0.8))
    return g


# --- weekly stacked load and cost ----------------------------------------------------------


def stacked_weeks(series: Sequence[tuple[Look, np.ndarray]], fonts: FontSet, plan_start: date,
                  width: float, height: float, *,
                  lines: Sequence[tuple[str, np.ndarray, Color, Sequence[float] | None]] = (),
                  fmt: Callable[[float], str] = short_number, title: str = "",
                  flags: np.ndarray | None = None) -> Drawing:
    """Stacked weekly bars (by vendor look) with optional step lines (capacity, baseline).

    ``flags`` marks weeks (bool per week) with a black cap on the bar, e.g. bottleneck
    weeks.
    """
    weeks = len(series[0][1]) if series else (len(lines[0][1]) if lines else 1)
    d = drawing(width, height, fonts)
    left, bottom, top_pad = 34.0, 14.0, 14.0 if title else 4.0
    pw, ph = width - left - 6, height - bottom - top_pad
    stack = np.sum([s for _, s in series], axis=0) if series else np.zeros(weeks)
    bars_max = float(np.max(stack, initial=0))
    lines_max = max([float(np.nanmax(v, initial=0)) for _, v, _, _ in lines], default=0.0)
    vmax = max(bars_max, lines_max)
    if bars_max > 0 and lines_max > 3 * bars_max:  # a spike in a line would flatten the bars
        vmax = max(bars_max, *(float(np.quantile(v, 0.9)) for _, v, _, _ in lines)) * 1.3
    ticks = nice_ticks(vmax * 1.05)
    top = ticks[-1] or 1.0
    y_axis(d, left, bottom, pw, ph, ticks, fonts, fmt)
    date_axis(d, left, bottom, pw, plan_start, weeks, fonts)
    if title:
        d.add(label(0, height - 9, title, fonts, 8, bold=True))
    bw = pw / weeks
    base = np.zeros(weeks)
    painter = Painter()
    for look, values in series:
        for t in np.nonzero(values > 1e-9)[0]:
            h = ph * values[t] / top
            painter.rect(left + t * bw + bw * 0.08, bottom + ph * base[t] / top, bw * 0.84, h,
                         look, edge=bw > 6)
        base += values
    for shape in painter.shapes():
        d.add(shape)
    for _name, values, colour, dash in lines:
        pts: list[float] = []
        for k, v in enumerate(values):
            yy = bottom + ph * min(float(v), top) / top
            pts += [left + k * bw, yy, left + (k + 1) * bw, yy]
        d.add(PolyLine(pts, strokeColor=colour, strokeWidth=1.2, strokeDashArray=dash))
        last_x = -1e9
        for t in np.nonzero(values > top * 1.0001)[0]:  # clipped: print the true value
            xx = left + (t + 0.5) * bw
            if xx - last_x > 40:
                peak = float(values[t:t + max(1, int(40 / bw))].max())
                d.add(label(xx + 2, bottom + ph - 8, f"↑{fmt(peak)}", fonts, MIN_FONT,
                            colour=colour))
                last_x = xx
    if flags is not None:  # a black cap on the bar, one path for all weeks
        caps = Painter()
        cap = Look(colors.black, "none", colors.black)
        for t in np.nonzero(flags)[0]:
            yy = bottom + ph * min(float(stack[t]), top) / top
            caps.rect(left + t * bw + bw * 0.08, yy, bw * 0.84, 3.0, cap, edge=False)
        for shape in caps.shapes():
            d.add(shape)
    return d


def cumulative_lines(series: Sequence[tuple[str, np.ndarray, Color, Sequence[float] | None]],
                     fonts: FontSet, plan_start: date, width: float, height: float, *,
                     fmt: Callable[[float], str] = short_number, title: str = "",
                     end_fmt: Callable[[float], str] | None = None) -> Drawing:
    """Cumulative cost lines (plan solid, baseline dashed) with end labels."""
    d = drawing(width, height, fonts)
    left, bottom, top_pad, right = 34.0, 14.0, 14.0 if title else 4.0, 70.0
    pw, ph = width - left - right, height - bottom - top_pad
    weeks = max(len(v) for _, v, _, _ in series)
    vmax = max(float(np.max(v, initial=0)) for _, v, _, _ in series)
    ticks = nice_ticks(vmax * 1.05)
    top = ticks[-1] or 1.0
    y_axis(d, left, bottom, pw, ph, ticks, fonts, fmt)
    date_axis(d, left, bottom, pw, plan_start, weeks, fonts)
    if title:
        d.add(label(0, height - 9, title, fonts, 8, bold=True))
    ends: list[float] = []
    for name, values, colour, dash in series:
        pts = [left, bottom]
        for t, v in enumerate(values):
            pts += [left + pw * (t + 1) / weeks, bottom + ph * float(v) / top]
        d.add(PolyLine(pts, strokeColor=colour, strokeWidth=1.6, strokeDashArray=dash))
        yy = pts[-1]
        while any(abs(yy - e) < 9 for e in ends):  # keep end labels apart
            yy -= 9
        ends.append(yy)
        d.add(label(left + pw + 4, yy - 2.5, f"{name} {(end_fmt or fmt)(float(values[-1]))}",
                    fonts, 7))
    return d


def hbars(rows: Sequence[tuple[str, Sequence[float]]], series: Sequence[tuple[str, Look]],
          fonts: FontSet, width: float, fmt: Callable[[float], str]) -> Drawing:
    """Grouped horizontal bars (one group per category, one bar per series), labelled."""
    bar_h, gap, label_w = 9.0, 7.0, 110.0
    n = len(series)
    height = len(rows) * (n * bar_h + gap) + 4
    d = drawing(width, height, fonts)
    vmax = max((max(v, default=0.0) for _, v in rows), default=0.0) or 1.0
    pw = width - label_w - 80
    y = height - 2
    for name, values in rows:
        y -= n * bar_h
        d.add(label(0, y + n * bar_h / 2 - 2.5, name, fonts, 7.5))
        for k, ((_sname, look), v) in enumerate(zip(series, values, strict=True)):
            yy = y + (n - 1 - k) * bar_h
            w = pw * max(v, 0.0) / vmax
            if w > 0.2:
                d.add(box(label_w, yy + 1, w, bar_h - 2, look))
            d.add(label(label_w + w + 3, yy + 2, fmt(v), fonts, MIN_FONT + 0.5))
        y -= gap
    d.add(Line(label_w, 0, label_w, height, strokeColor=INK, strokeWidth=0.5))
    return d


# --- decision support: price-of-speed curve, Monte Carlo histograms -------------------------

CURVE = colors.HexColor("#0072B2")
CHOSEN = colors.HexColor("#D55E00")


def nice_span(lo: float, hi: float, count: int = 5) -> list[float]:
    """Round axis ticks covering lo..hi, not from zero: for values whose differences
    matter more than their size (plan totals of $285m to $299m)."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return [0.0, 1.0]
    lo, hi = min(lo, hi), max(lo, hi)
    if hi - lo <= 1e-9 * max(1.0, abs(hi)):
        pad = max(abs(hi) * 0.05, 1.0)
        lo, hi = lo - pad, hi + pad
    raw = (hi - lo) / count
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    start = math.floor(lo / step + 1e-9) * step
    n = math.ceil((hi - start) / step - 1e-9)
    return [start + step * i for i in range(n + 1)]


def whole_step(span: float, count: int = 6) -> int:
    """A round whole-number step (1, 2, 5, 10, 20...) giving about ``count`` ticks."""
    raw = max(span / count, 1.0)
    mag = 10 ** math.floor(math.log10(raw))
    return int(next(m * mag for m in (1, 2, 5, 10) if m * mag >= raw))


def cost_curve(points: Sequence[tuple[int, float, bool]], fonts: FontSet, width: float,
               height: float, *, y_format: Callable[[list[float]], Callable[[float], str]],
               week_label: Callable[[int], tuple[str, str]], value: Callable[[float], str],
               title: str = "", last_name: str = "cheapest") -> Drawing:
    """Total cost (y) of a full exit by each week (x): the points marked and joined, the
    chosen plan's point highlighted, the fastest and cheapest ends and the chosen plan
    labelled with their cost. ``points`` are (week, total, chosen), earliest first; the
    cost falls as the week grows, so labels go where the curve is not (above-right of
    the first point, below-left of the others). The y axis need not start at zero."""
    d = drawing(width, height, fonts)
    left, bottom, right, top_pad = 52.0, 30.0, 14.0, 16.0 if title else 6.0
    pw, ph = width - left - right, height - bottom - top_pad
    if title:
        d.add(label(0, height - 9, title, fonts, 8, bold=True))
    pts = sorted(points)
    weeks = [w for w, _, _ in pts]
    totals = [t for _, t, _ in pts]
    w0, w1 = min(weeks), max(weeks)
    if w0 == w1:
        w0, w1 = w0 - 1, w1 + 1
    span = max(totals) - min(totals)
    ticks = nice_span(min(totals) - 0.1 * span, max(totals) + 0.14 * span)
    y0, y1 = ticks[0], ticks[-1]
    fmt = y_format(ticks)

    def x_of(w: float) -> float:
        return left + pw * (w - w0) / (w1 - w0)

    def y_of(v: float) -> float:
        return bottom + ph * (v - y0) / (y1 - y0)

    for t in ticks:
        yy = y_of(t)
        d.add(Line(left, yy, left + pw, yy, strokeColor=GRID, strokeWidth=0.4))
        d.add(label(left - 3, yy - 2.5, fmt(t), fonts, MIN_FONT, anchor="end"))
    step = whole_step(w1 - w0)
    inner = [w for w in range(math.ceil(w0 / step) * step, w1 + 1, step)
             if min(w - weeks[0], weeks[-1] - w) >= step / 2]
    for w in sorted({weeks[0], weeks[-1], *inner}):  # the ends always labelled
        xx = x_of(w)
        d.add(Line(xx, bottom, xx, bottom - 2.5, strokeColor=INK, strokeWidth=0.5))
        top_line, second = week_label(w)
        d.add(label(xx, bottom - 10, top_line, fonts, MIN_FONT, anchor="middle"))
        d.add(label(xx, bottom - 18.5, second, fonts, MIN_FONT, anchor="middle",
                    colour=colors.HexColor("#555555")))
    d.add(Line(left, bottom, left + pw, bottom, strokeColor=INK, strokeWidth=0.5))
    d.add(Line(left, bottom, left, bottom + ph, strokeColor=INK, strokeWidth=0.5))
    xy = [(x_of(w), y_of(t)) for w, t in zip(weeks, totals, strict=True)]
    d.add(PolyLine([c for p in xy for c in p], strokeColor=CURVE, strokeWidth=1.4))
    for (x, y), (_, _, chosen) in zip(xy, pts, strict=True):
        if not chosen:
            d.add(Circle(x, y, 2.6, fillColor=colors.white, strokeColor=CURVE,
                         strokeWidth=1.1))
    for i, ((x, y), (_, total, chosen)) in enumerate(zip(xy, pts, strict=True)):
        if chosen:
            d.add(Circle(x, y, 4.6, fillColor=CHOSEN, strokeColor=INK, strokeWidth=0.8))
        parts = ["fastest"] if i == 0 else []
        parts += [last_name] if i == len(pts) - 1 else []
        parts += ["chosen plan"] if chosen else []
        if not parts:
            continue
        text = f"{' · '.join(parts)}: {value(total)}"
        if i == 0:
            d.add(label(x + 6, y + 6, text, fonts, 7, bold=chosen, anchor="start"))
        else:
            d.add(label(x - 6, y - 12, text, fonts, 7, bold=chosen, anchor="end"))
    return d


def count_ticks(vmax: float) -> list[float]:
    """Axis ticks for counts: 0 up to at least ``vmax`` in whole steps (1, 2, 5, 10...)."""
    step = whole_step(vmax, 5)
    return [float(step * i) for i in range(math.ceil(max(vmax, 1) / step - 1e-9) + 1)]


def histogram(bars: Sequence[tuple[float, float, float]], fonts: FontSet, width: float,
              height: float, *, x_ticks: Sequence[tuple[float, str]],
              markers: Sequence[tuple[float, str]] = (), title: str = "",
              x_title: str = "", y_title: str = "runs",
              x_range: tuple[float, float] | None = None) -> Drawing:
    """Counts as bars over a numeric x axis: ``bars`` are (x from, x to, count); labelled
    ``x_ticks``; ``markers`` are dashed vertical lines (P50, P90) labelled at the top.
    ``x_range`` defaults to the span of the bars and ticks."""
    d = drawing(width, height, fonts)
    left, bottom, right = 30.0, 26.0 if x_title else 16.0, 8.0
    top_pad = (16.0 if title else 4.0) + 10.0  # room for the marker labels
    pw, ph = width - left - right, height - bottom - top_pad
    if title:
        d.add(label(0, height - 9, title, fonts, 8, bold=True))
    xs = [x for b in bars for x in b[:2]] + [x for x, _ in x_ticks]
    x0, x1 = x_range or (min(xs, default=0.0), max(xs, default=1.0))
    if x1 <= x0:
        x0, x1 = x0 - 1, x1 + 1
    ticks = count_ticks(max((c for _, _, c in bars), default=1.0))
    top = ticks[-1] or 1.0

    def x_of(x: float) -> float:
        return left + pw * (x - x0) / (x1 - x0)

    y_axis(d, left, bottom, pw, ph, ticks, fonts, lambda v: f"{v:,.0f}")
    d.add(label(left - 3, bottom + ph + 4, y_title, fonts, MIN_FONT, anchor="end"))
    painter = Painter()
    look = Look(colors.HexColor("#56B4E9"), "none", INK)
    for a, b, count in bars:
        if count > 0:
            painter.rect(x_of(a), bottom, x_of(b) - x_of(a), ph * count / top, look)
    for shape in painter.shapes():
        d.add(shape)
    for x, text in x_ticks:
        xx = x_of(x)
        d.add(Line(xx, bottom, xx, bottom - 2.5, strokeColor=INK, strokeWidth=0.5))
        d.add(label(xx, bottom - 9, text, fonts, MIN_FONT, anchor="middle"))
    d.add(Line(left, bottom, left + pw, bottom, strokeColor=INK, strokeWidth=0.5))
    if x_title:
        d.add(label(left + pw / 2, 2, x_title, fonts, MIN_FONT, anchor="middle"))
    grouped: dict[float, list[str]] = {}
    for x, text in markers:
        grouped.setdefault(round(x, 9), []).append(text)
    for x, texts in grouped.items():
        xx = x_of(x)
        d.add(Line(xx, bottom, xx, bottom + ph + 3, strokeColor=CHOSEN, strokeWidth=1.1,
                   strokeDashArray=[3, 2]))
        d.add(label(xx, bottom + ph + 5, " = ".join(texts), fonts, MIN_FONT, bold=True,
                    anchor="middle", colour=CHOSEN))
    return d
