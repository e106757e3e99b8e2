"""The Results area: a header that states the plan (and whether it is out of date) above
tabs with the result views. Views come from :mod:`ui.views`; until one exists its tab
shows a placeholder."""

from __future__ import annotations

from typing import Protocol, cast

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from planner.results import PlanResult, SolveStatus

VIEW_NAMES = (
    ("TimelineView", "Timeline"),
    ("LoadView", "Vendor load"),
    ("CostView", "Costs"),
    ("ActionsView", "Actions"),
    ("ContractsView", "Contracts"),
    ("UnservedView", "Unserved"),
)

STALE_STYLE = "background:#fff4ce; color:#5c4400; border:1px solid #e0b600; padding:6px;"
OK_STYLE = "background:#eef4fb; color:#1f3b57; border:1px solid #c5d7ea; padding:6px;"


class PlanViewLike(Protocol):
    def set_plan(self, plan: PlanResult | None, baseline: PlanResult | None = None) -> None: ...


class Placeholder(QLabel):
    """Stands in for a view that is not available in this build."""

    def __init__(self, title: str) -> None:
        super().__init__(f"The {title} view is not available yet.")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.plan: PlanResult | None = None

    def set_plan(self, plan: PlanResult | None, baseline: PlanResult | None = None) -> None:
        self.plan = plan


def _make_view(class_name: str, title: str) -> QWidget:
    try:
        import ui.views as views
    except ImportError:
        return Placeholder(title)
    cls = getattr(views, class_name, None)
    return cls() if cls is not None else Placeholder(title)


def plan_summary(plan: PlanResult) -> str:
    money = f"{plan.currency} {plan.total_cost:,.0f}"
    text = f"{plan.mode.value.capitalize()} plan · {plan.status.value}"
    if plan.status.has_plan:
        text += f" · total {money} · full exit {plan.completion_date.isoformat()} "
        text += f"(week {plan.completion_week})"
        if plan.status is not SolveStatus.OPTIMAL and plan.gap > 1e-9:
            text += f" · gap {plan.gap:.2%}"
    return text


class ResultsArea(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.header = QLabel()
        self.header.setWordWrap(True)
        self.header.setTextFormat(Qt.TextFormat.PlainText)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.views: list[QWidget] = []
        self._pending: set[int] = set()  # views still showing an older plan
        for class_name, title in VIEW_NAMES:
            view = _make_view(class_name, title)
            view.setObjectName(class_name)
            self.views.append(view)
            self.tabs.addTab(view, title)
        self.tabs.currentChanged.connect(self._refresh_view)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.header)
        layout.addWidget(self.tabs, 1)
        self.plan: PlanResult | None = None
        self.baseline: PlanResult | None = None
        self.stale = False
        self._update_header()

    def set_plan(self, plan: PlanResult | None, baseline: PlanResult | None) -> None:
        """Show a plan: the visible view now, the others when their tab is opened (each
        view's layout takes a while on big plans; doing all at once stalls the window)."""
        self.plan, self.baseline = plan, baseline
        self._pending = set(range(len(self.views)))
        self._refresh_view(self.tabs.currentIndex())
        self._update_header()

    def _refresh_view(self, index: int) -> None:
        if index in self._pending:
            self._pending.discard(index)
            cast(PlanViewLike, self.views[index]).set_plan(self.plan, self.baseline)

    def refresh_all_views(self) -> None:
        """Bring every view up to date now (printing, screenshots, tests)."""
        for index in sorted(self._pending):
            self._refresh_view(index)

    def set_stale(self, stale: bool) -> None:
        self.stale = stale and self.plan is not None
        for view in self.views:
            setter = getattr(view, "set_stale", None)
            if callable(setter):
                setter(self.stale)
        self._update_header()

    def _update_header(self) -> None:
        if self.plan is None:
            self.header.setText("No plan yet: fix any errors, then Plan (F5).")
            self.header.setStyleSheet(OK_STYLE)
            return
        text = plan_summary(self.plan)
        if self.plan.notes:  # e.g. fastest mode fell back to the cheapest plan
            text += "\n" + " ".join(self.plan.notes[:2])
            self.header.setToolTip("\n".join(self.plan.notes))
        if self.stale:
            text = "Out of date: the data changed since this plan. " + text
        self.header.setText(text)
        self.header.setStyleSheet(STALE_STYLE if self.stale else OK_STYLE)

    def current_view(self) -> QWidget:
        return self.tabs.currentWidget()
