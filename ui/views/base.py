"""What every results view shares: the stale-plan banner, the empty state, legends, tables."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, QSize, QSortFilterProxyModel, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetrics,
    QHelpEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPolygonF,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QStackedWidget,
    QStyle,
    QTableView,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from planner.results import PlanResult
from ui.views.dataframe_model import DataFrameModel, SortProxy

STALE_TEXT = "Plan out of date — data changed since this plan was made. Run the optimiser again."
EMPTY_TEXT = "No plan yet. Run the optimiser to see results here."


class StaleBanner(QFrame):
    """A yellow bar above a view: the data changed after the plan was computed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("staleBanner")
        self.setStyleSheet(
            "#staleBanner { background: #fff4ce; border: 1px solid #e0b600;"
            " border-radius: 4px; }"
            "#staleBanner QLabel { color: #5c4400; background: transparent; border: none; }"
        )
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        icon = QLabel("⚠")
        icon.setStyleSheet("font-size: 14pt;")
        self.label = QLabel(STALE_TEXT)
        self.label.setWordWrap(True)
        layout.addWidget(icon)
        layout.addWidget(self.label, 1)
        self.hide()


class PlanView(QWidget):
    """Base of the results views: ``set_plan`` / ``set_stale`` and the empty state.

    Subclasses build their widgets in ``__init__`` into ``self.content`` and implement
    :meth:`_show_plan` and :meth:`_clear`. ``set_plan`` skips work when called again with
    the same objects, so the main window may call it on every refresh.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._plan: PlanResult | None = None
        self._baseline: PlanResult | None = None
        self.stale_banner = StaleBanner()
        self.empty_label = QLabel(EMPTY_TEXT)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setStyleSheet("color: #6b7280; font-size: 11pt;")
        self.content = QWidget()
        self._stack = QStackedWidget()
        self._stack.addWidget(self.empty_label)
        self._stack.addWidget(self.content)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(6)
        layout.addWidget(self.stale_banner)
        layout.addWidget(self._stack, 1)

    @property
    def plan(self) -> PlanResult | None:
        return self._plan

    @property
    def baseline(self) -> PlanResult | None:
        return self._baseline

    def set_plan(self, plan: PlanResult | None, baseline: PlanResult | None = None) -> None:
        """Show ``plan`` (compared with ``baseline`` where the view does); None clears."""
        if plan is self._plan and baseline is self._baseline:
            return
        self._plan, self._baseline = plan, baseline
        if plan is None or not plan.status.has_plan:
            self._clear()
            self.empty_label.setText(
                EMPTY_TEXT
                if plan is None
                else f"The optimiser found no plan (status: {plan.status.value})."
            )
            self._stack.setCurrentWidget(self.empty_label)
            return
        self._show_plan(plan, baseline)
        self._stack.setCurrentWidget(self.content)

    def set_stale(self, stale: bool) -> None:
        self.stale_banner.setVisible(stale)

    def is_stale(self) -> bool:
        return not self.stale_banner.isHidden()

    def has_plan(self) -> bool:
        return self._stack.currentWidget() is self.content

    def _show_plan(self, plan: PlanResult, baseline: PlanResult | None) -> None:
        raise NotImplementedError

    def _clear(self) -> None:
        raise NotImplementedError


def answer_tooltip(event: QEvent, text_at: Callable[[QPoint], str], over: QWidget) -> bool:
    """For a widget's event(): a ToolTip event shows ``text_at(pos)`` over ``over`` (or
    hides the tip and lets the event go on when there is no text); True when it was one."""
    if event.type() != QEvent.Type.ToolTip or not isinstance(event, QHelpEvent):
        return False
    text = text_at(event.pos())
    if text:
        QToolTip.showText(event.globalPos(), text, over)
    else:
        QToolTip.hideText()
        event.ignore()
    return True


def make_table(model: DataFrameModel, parent: QWidget | None = None) -> QTableView:
    """A sortable, read-only table over ``model`` (the proxy is ``table.model()``)."""
    proxy = SortProxy(parent)
    proxy.setSourceModel(model)
    table = QTableView(parent)
    table.setModel(proxy)
    table.setSortingEnabled(True)
    table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # source order until a click
    table.setAlternatingRowColors(True)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setWordWrap(False)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 10)
    header = table.horizontalHeader()
    header.setResizeContentsPrecision(200)  # big tables: measure the first rows only
    header.setStretchLastSection(True)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setHighlightSections(False)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    return table


def fit_columns(table: QTableView, max_width: int = 360) -> None:
    """Size columns to their contents, capped so one long text does not push the rest off.

    Measures the header and the longest texts of each column (Qt's own
    ``resizeColumnsToContents`` asks the model for every role of hundreds of rows and
    measures each: a quarter of a second on a big plan's table).
    """
    proxy = table.model()
    model = proxy.sourceModel() if isinstance(proxy, QSortFilterProxyModel) else proxy
    if not isinstance(model, DataFrameModel):
        table.resizeColumnsToContents()
        return
    header = table.horizontalHeader()
    metrics = table.fontMetrics()
    bold = QFont(table.font())
    bold.setBold(True)
    bold_metrics = QFontMetrics(bold)
    data = model.table
    flagged = model.highlights_bold() and data.flags is not None and any(data.flags)
    margin = 2 * (table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin) + 1) + 1
    last = header.count() - 1
    for section in range(header.count()):
        if section == last and header.stretchLastSection():
            continue  # it takes the room left (at least its set size: none set here)
        width = header.sectionSizeHint(section)
        for text in data.widest_candidates(section):
            advance = (bold_metrics if flagged else metrics).horizontalAdvance(text)
            width = max(width, advance + margin)
        header.resizeSection(section, width + 12 if width <= max_width else max_width)


def section_title(text: str) -> QLabel:
    label = QLabel(text)
    font = label.font()
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() * 1.1)
    label.setFont(font)
    return label


def summary_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
    return label


class Swatch(StrEnum):
    BOX = "box"
    HATCH = "hatch"
    LINE = "line"
    DASHED = "dashed"
    DIAMOND = "diamond"
    FLAG = "flag"


@dataclass(frozen=True, slots=True)
class LegendItem:
    label: str
    color: QColor
    swatch: Swatch = Swatch.BOX


def paint_swatch(painter: QPainter, rect: QRectF, item: LegendItem) -> None:
    """The little symbol of a legend entry; charts draw the same shapes."""
    color = item.color
    match item.swatch:
        case Swatch.BOX | Swatch.HATCH:
            painter.setPen(QPen(color.darker(130), 1))
            painter.setBrush(QBrush(color))
            painter.drawRect(rect)
            if item.swatch == Swatch.HATCH:
                painter.setBrush(QBrush(QColor("#ffffff"), Qt.BrushStyle.BDiagPattern))
                painter.drawRect(rect)
        case Swatch.LINE | Swatch.DASHED:
            style = Qt.PenStyle.DashLine if item.swatch == Swatch.DASHED else Qt.PenStyle.SolidLine
            painter.setPen(QPen(color, 2, style))
            y = rect.center().y()
            painter.drawLine(QPointF(rect.left(), y), QPointF(rect.right(), y))
        case Swatch.DIAMOND:
            paint_diamond(painter, rect.center(), rect.height() / 2, color)
        case Swatch.FLAG:
            paint_flag(painter, rect.center().x(), rect.top(), rect.bottom(), color)


def paint_diamond(painter: QPainter, center: QPointF, radius: float, color: QColor) -> None:
    painter.setPen(QPen(color.darker(140), 1))
    painter.setBrush(QBrush(color))
    painter.drawPolygon(
        QPolygonF(
            [
                QPointF(center.x(), center.y() - radius),
                QPointF(center.x() + radius, center.y()),
                QPointF(center.x(), center.y() + radius),
                QPointF(center.x() - radius, center.y()),
            ]
        )
    )


def paint_flag(painter: QPainter, x: float, top: float, bottom: float, color: QColor) -> None:
    painter.setPen(QPen(color, 2))
    painter.drawLine(QPointF(x, top), QPointF(x, bottom))
    size = (bottom - top) * 0.45
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QBrush(color))
    painter.drawPolygon(
        QPolygonF(
            [QPointF(x, top), QPointF(x + size * 1.2, top + size / 2), QPointF(x, top + size)]
        )
    )


class Legend(QWidget):
    """A wrapping row of legend entries (swatch + label)."""

    _GAP = 16

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._items: list[LegendItem] = []
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    @property
    def items(self) -> list[LegendItem]:
        return list(self._items)

    def set_items(self, items: Sequence[LegendItem]) -> None:
        self._items = list(items)
        self.setMinimumHeight(self.heightForWidth(max(1, self.width())))
        self.updateGeometry()
        self.update()

    def _layout(self, width: int) -> list[tuple[QRectF, LegendItem]]:
        fm = self.fontMetrics()
        line_h = fm.height() + 6
        box = fm.height() * 0.8
        x, y, placed = 0.0, 0.0, []
        for item in self._items:
            w = box + 6 + fm.horizontalAdvance(item.label)
            if x > 0 and x + w > width:
                x, y = 0.0, y + line_h
            placed.append((QRectF(x, y, w, line_h), item))
            x += w + self._GAP
        return placed

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        placed = self._layout(width)
        return int(placed[-1][0].bottom()) + 2 if placed else 0

    def resizeEvent(self, event: QResizeEvent) -> None:
        # layouts inside stacked widgets ignore height-for-width: set the height ourselves
        super().resizeEvent(event)
        height = self.heightForWidth(event.size().width())
        if height != self.minimumHeight():
            self.setMinimumHeight(height)

    def sizeHint(self) -> QSize:
        fm = self.fontMetrics()
        width = sum(
            int(fm.height() * 0.8) + 6 + fm.horizontalAdvance(i.label) + self._GAP
            for i in self._items
        )
        return QSize(min(width, 900), self.heightForWidth(min(width, 900)))

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        fm = self.fontMetrics()
        box = fm.height() * 0.8
        for rect, item in self._layout(self.width()):
            swatch = QRectF(rect.left(), rect.center().y() - box / 2, box, box)
            paint_swatch(painter, swatch, item)
            painter.setPen(self.palette().windowText().color())
            painter.drawText(
                QRectF(swatch.right() + 6, rect.top(), rect.width() - box - 6, rect.height()),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                item.label,
            )
        painter.end()
