"""Page furniture and building blocks: page sizes, styles, running header, page numbers,
tables that split across pages with repeated headers, key-number cards."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A3, A4, LEGAL, LETTER, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, LongTable, PageTemplate, Paragraph, Table
from reportlab.platypus.tables import TableStyle

from planner.report.charts import MIN_FONT
from planner.report.fonts import FontSet
from planner.report.text import runs, shorten

PAGE_SIZES: dict[str, tuple[float, float]] = {
    "A4": A4, "LETTER": LETTER, "LEGAL": LEGAL, "A3": A3,
}
MARGIN = 14 * mm
HEADER_GAP = 9 * mm  # room above the frame for the running header
FOOTER_GAP = 8 * mm
DARK = colors.HexColor("#2b2b2b")
MID = colors.HexColor("#6b6b6b")
ZEBRA = colors.HexColor("#f2f2f2")
RULE = colors.HexColor("#9a9a9a")


def page_size(name: str) -> tuple[float, float]:
    """Landscape page size by name (A4, Letter, Legal, A3); board packs read landscape."""
    key = name.strip().upper()
    if key not in PAGE_SIZES:
        raise ValueError(f"unknown page size {name!r}; use one of: A4, Letter, Legal, A3")
    width, height = landscape(PAGE_SIZES[key])
    return float(width), float(height)


@dataclass(frozen=True)
class Styles:
    title: ParagraphStyle
    subtitle: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    body: ParagraphStyle
    small: ParagraphStyle
    cell: ParagraphStyle
    cell_num: ParagraphStyle
    cell_head: ParagraphStyle
    cell_head_num: ParagraphStyle
    bullet: ParagraphStyle
    sub_bullet: ParagraphStyle
    big: ParagraphStyle
    caption: ParagraphStyle
    alert: ParagraphStyle


def make_styles(fonts: FontSet) -> Styles:
    r, b = fonts.regular, fonts.bold

    def s(name: str, font: str, size: float, lead: float, **kw: Any) -> ParagraphStyle:
        # bulletFontName: reportlab's default is Helvetica, which is neither embedded nor
        # Unicode; every glyph in the report must come from our embedded fonts.
        return ParagraphStyle(name, fontName=font, fontSize=max(size, MIN_FONT), leading=lead,
                              textColor=kw.pop("textColor", DARK), bulletFontName=r, **kw)

    return Styles(
        title=s("title", b, 20, 25, spaceAfter=4),
        subtitle=s("subtitle", r, 11, 15, textColor=MID, spaceAfter=8),
        h1=s("h1", b, 14, 18, spaceBefore=2, spaceAfter=6),
        h2=s("h2", b, 10, 13, spaceBefore=6, spaceAfter=3),
        body=s("body", r, 9, 12, spaceAfter=3),
        small=s("small", r, 7.5, 9.5, textColor=MID),
        cell=s("cell", r, 7.5, 9.2),
        cell_num=s("cell_num", r, 7.5, 9.2, alignment=TA_RIGHT),
        cell_head=s("cell_head", b, 7.5, 9.2, textColor=colors.white),
        cell_head_num=s("cell_head_num", b, 7.5, 9.2, textColor=colors.white,
                        alignment=TA_RIGHT),
        bullet=s("bullet", r, 9, 12, spaceAfter=3, leftIndent=10, bulletIndent=0),
        sub_bullet=s("sub_bullet", r, 8.5, 11, spaceAfter=2, leftIndent=22, bulletIndent=12),
        big=s("big", b, 16, 19),
        caption=s("caption", r, 7.5, 9.5, textColor=MID),
        alert=s("alert", b, 9, 12, textColor=colors.HexColor("#8b0000")),
    )


class ReportDoc(BaseDocTemplate):  # type: ignore[misc]
    """One landscape frame per page; the header/footer text is drawn by the canvas."""

    def __init__(self, filename: str, pagesize: tuple[float, float], **kw: Any) -> None:
        super().__init__(filename, pagesize=pagesize, leftMargin=MARGIN, rightMargin=MARGIN,
                         topMargin=MARGIN + HEADER_GAP, bottomMargin=MARGIN + FOOTER_GAP, **kw)
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        self.addPageTemplates([PageTemplate(id="page", frames=[frame], pagesize=pagesize)])


def numbered_canvas(fonts: FontSet, header_left: str, header_right: str,
                    footer_left: str) -> type[Canvas]:
    """A canvas class that defers page furniture to the end so it can print 'Page n of N'."""

    class _NumberedCanvas(Canvas):  # type: ignore[misc]
        def __init__(self, *args: Any, **kw: Any) -> None:
            # The canvas preamble selects a font on every page: make it ours, not Helvetica.
            kw["initialFontName"] = fonts.regular
            super().__init__(*args, **kw)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self._furniture(number, total)
                super().showPage()
            super().save()

        def _furniture(self, number: int, total: int) -> None:
            width, height = self._pagesize
            y_head = height - MARGIN - 9
            self.setStrokeColor(RULE)
            self.setLineWidth(0.5)
            self.line(MARGIN, y_head - 4, width - MARGIN, y_head - 4)
            self.line(MARGIN, MARGIN + 10, width - MARGIN, MARGIN + 10)
            self.setFillColor(MID)
            draw_runs(self, fonts, MARGIN, y_head, header_left, 8, max_width=width * 0.6)
            draw_runs(self, fonts, width - MARGIN, y_head, header_right, 8, anchor="end")
            draw_runs(self, fonts, MARGIN, MARGIN, footer_left, 7.5)
            draw_runs(self, fonts, width - MARGIN, MARGIN, f"Page {number} of {total}", 7.5,
                      anchor="end")

    return _NumberedCanvas


def draw_runs(canvas: Canvas, fonts: FontSet, x: float, y: float, text: str, size: float, *,
              anchor: str = "start", max_width: float | None = None) -> None:
    """Draw user text on the canvas with font fallback (titles may hold any script)."""
    def measure(s: str) -> float:
        return float(sum(stringWidth(t, f, size) for f, t in runs(s, fonts)))

    if max_width is not None and measure(text) > max_width:
        lo, hi = 1, min(len(text), int(max_width / (size * 0.2)) + 1)  # glyphs >= 0.2 em
        while lo < hi:  # longest prefix that fits, with an ellipsis
            mid = (lo + hi + 1) // 2
            lo, hi = (mid, hi) if measure(shorten(text, mid)) <= max_width else (lo, mid - 1)
        text = shorten(text, lo)
    pieces = runs(text, fonts)
    width = sum(stringWidth(t, f, size) for f, t in pieces)
    cursor = x - width if anchor == "end" else x
    for font, chunk in pieces:
        canvas.setFont(font, size)
        canvas.drawString(cursor, y, chunk)
        cursor += stringWidth(chunk, font, size)


def data_table(header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float],
               styles: Styles, *, numeric: Sequence[int] = (), total_row: bool = False) -> Table:
    """A table of Paragraph cells (already-escaped markup) that splits across pages with
    its header repeated; numeric columns are right-aligned, the last row bold if total."""
    head = [Paragraph(h, styles.cell_head_num if i in numeric else styles.cell_head)
            for i, h in enumerate(header)]
    body = [
        [Paragraph(cell, styles.cell_num if i in numeric else styles.cell)
         for i, cell in enumerate(row)]
        for row in rows
    ]
    table = LongTable([head, *body], colWidths=list(widths), repeatRows=1, hAlign="LEFT",
                      splitInRow=1)
    commands: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), styles.cell.fontName),
        ("BACKGROUND", (0, 0), (-1, 0), DARK),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
    ]
    commands += [("BACKGROUND", (0, i), (-1, i), ZEBRA) for i in range(2, len(body) + 1, 2)]
    if total_row and body:
        commands += [("LINEABOVE", (0, -1), (-1, -1), 0.8, DARK),
                     ("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#e4e4e4"))]
    table.setStyle(TableStyle(commands))
    return table


def cards(items: Sequence[tuple[str, str]], width: float, styles: Styles) -> Table:
    """Key numbers as a row of boxed cards: big value over a small caption."""
    n = max(len(items), 1)
    cells = [[Paragraph(value, styles.big) for value, _ in items],
             [Paragraph(caption, styles.caption) for _, caption in items]]
    table = Table(cells, colWidths=[width / n] * n)
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), styles.cell.fontName),
        ("BOX", (0, 0), (-1, -1), 0.6, RULE),
        ("LINEAFTER", (0, 0), (-2, -1), 0.6, RULE),
        ("TOPPADDING", (0, 0), (-1, 0), 7),
        ("BOTTOMPADDING", (0, -1), (-1, -1), 7),
        ("LEFTPADDING", (0, 0), (-1, -1), 8),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#f7f7f7")),
    ]))
    return table


def grid(cells: Sequence[Sequence[Any]], widths: Sequence[float], fonts: FontSet,
         style: Sequence[tuple[Any, ...]] = ()) -> Table:
    """A borderless layout table (side-by-side blocks), top-aligned, in our font."""
    # splitInRow: a cell taller than a page (very long user text) splits instead of
    # failing the whole report with a LayoutError.
    table = Table([list(r) for r in cells], colWidths=list(widths), hAlign="LEFT",
                  splitInRow=1)
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), fonts.regular),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        *style,
    ]))
    return table
