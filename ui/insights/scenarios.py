"""The Scenarios page: named what-if scenarios (kept in the project), typed in the text
syntax of docs/scenarios-and-risk.md, and their side-by-side comparison."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from planner.domain import Dataset
from planner.insights.scenarios import (
    BASE_NAME,
    Scenario,
    ScenarioComparison,
    ScenarioError,
    parse_change,
)
from ui.insights.panels import InsightPanel, fit_height, paragraphs
from ui.project_file import ScenarioEntry
from ui.views.base import fit_columns, make_table, section_title, summary_label
from ui.views.dataframe_model import Column, DataFrameModel, Highlight, Kind

SYNTAX_HELP = (
    "One change per line (or separated by ;). Values: +N / -N add, +10% / x1.5 scale, "
    "N sets.\n"
    "  capacity VENDOR [SKILL] +500      capacity VENDOR SKILL +500 from 4 [at 38]\n"
    "  onboarding VENDOR 6   ramp VENDOR x2   price VENDOR SKILL -10%   remove VENDOR\n"
    "  setup VENDOR 0   share VENDOR 60%   notice CONTRACT 14   fee CONTRACT x0\n"
    "  end CONTRACT 2026-09-30   volume STREAM +10%   cutover STREAM 2   mode fastest\n"
    "  deadline 2026-09-30   penalty 500        (* = every vendor / contract / stream)"
)
ERROR_STYLE = "color:#b42318;"
OK_STYLE = "color:#1e7b34;"
BASE_BG = QColor("#eef2f7")


def read_scenario(name: str, text: str, dataset: Dataset | None,
                  taken: Sequence[str] = ()) -> ScenarioEntry:
    """A scenario from the dialog's fields; ScenarioError lists every problem (each names
    the change it is about), checked against ``dataset`` when there is one."""
    name = name.strip()
    problems: list[str] = []
    if not name:
        problems.append("give the scenario a name")
    elif name.casefold() == BASE_NAME.casefold():
        problems.append(f"{BASE_NAME!r} is the plan without changes: choose another name")
    elif name.casefold() in {t.casefold() for t in taken}:
        problems.append(f"there is already a scenario named {name!r}")
    parts = [p.strip() for line in text.splitlines() for p in line.split(";") if p.strip()]
    if not parts:
        problems.append("no changes: write one per line, e.g. capacity Turing coding +500")
    changes = []
    for part in parts:
        try:
            changes.append(parse_change(part, dataset))
        except ScenarioError as exc:
            problems += exc.problems
    scenario = Scenario(name, tuple(changes))
    if dataset is not None:  # also the changes that read but do not apply, all at once
        try:
            scenario.apply(dataset)
        except ScenarioError as exc:
            problems += exc.problems
    if problems:
        raise ScenarioError(problems, name)
    return ScenarioEntry(scenario, "\n".join(parts))


class ScenarioDialog(QDialog):
    """Name and changes of one scenario, checked as you type: Save stays disabled, and
    the problems are listed, until the scenario reads and applies to the data."""

    def __init__(self, dataset: Dataset | None, taken: Sequence[str],
                 entry: ScenarioEntry | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Edit scenario" if entry else "Add scenario")
        self.dataset = dataset
        self.taken = list(taken)
        self.entry: ScenarioEntry | None = None
        self.name_edit = QLineEdit(entry.name if entry else "")
        self.name_edit.setPlaceholderText("e.g. Turing +500")
        self.changes_edit = QPlainTextEdit(entry.text if entry else "")
        self.changes_edit.setPlaceholderText("capacity Turing coding +500 from 4")
        self.changes_edit.setTabChangesFocus(True)
        help_label = QLabel(SYNTAX_HELP)
        help_label.setStyleSheet("color:#4b5563; font-family: monospace;")
        help_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("&Name:", self.name_edit)
        form.addRow("&Changes:", self.changes_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(help_label)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.name_edit.textChanged.connect(self.validate)
        self.changes_edit.textChanged.connect(self.validate)
        self.resize(640, 460)
        self.validate()

    @property
    def save_button(self) -> QPushButton:
        button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        assert button is not None
        return button

    def validate(self) -> bool:
        """Read the fields; shows what is wrong (or what the scenario does)."""
        try:
            self.entry = read_scenario(self.name_edit.text(), self.changes_edit.toPlainText(),
                                       self.dataset, self.taken)
        except ScenarioError as exc:
            self.entry = None
            self.message.setText("\n".join(f"• {p}" for p in exc.problems))
            self.message.setStyleSheet(ERROR_STYLE)
        except Exception as exc:  # whatever the text holds, say so instead of failing
            self.entry = None
            self.message.setText(f"• cannot read this: {type(exc).__name__}: {exc}")
            self.message.setStyleSheet(ERROR_STYLE)
        else:
            currency = self.dataset.settings.currency if self.dataset else "USD"
            self.message.setText(f"✓ {self.entry.scenario.describe(currency)}")
            self.message.setStyleSheet(OK_STYLE)
        self.save_button.setEnabled(self.entry is not None)
        return self.entry is not None

    def accept(self) -> None:
        if self.validate():
            super().accept()


LIST_COLUMNS = (
    Column("name", "Scenario"),
    Column("text", "Changes (as typed)"),
    Column("words", "In words"),
)

COMPARISON_COLUMNS = (
    Column("scenario", "Scenario"),
    Column("full_exit", "Full exit", Kind.BOOL,
           tooltip="Off the exited vendors within the horizon with no task left undone"),
    Column("completion_week", "Exit week", Kind.NUMBER,
           tooltip="Week after the last week with work on an exited vendor"),
    Column("completion_date", "Exit date", Kind.DATE),
    Column("weeks_vs_base", "Weeks vs base", Kind.NUMBER),
    Column("total_cost", "Total cost", Kind.MONEY),
    Column("cost_vs_base", "Cost vs base", Kind.MONEY),
    Column("run_cost", "Run cost", Kind.MONEY),
    Column("setup_fees", "Setup fees", Kind.MONEY),
    Column("termination_fees", "Termination fees", Kind.MONEY),
    Column("commitment_shortfall", "Commitment shortfall", Kind.MONEY),
    Column("unserved_tasks", "Unserved tasks", Kind.NUMBER),
    Column("unserved_penalty", "Unserved penalty", Kind.MONEY),
    Column("mode", "Mode"),
    Column("status", "Solver status"),
    Column("changes", "Changes"),
)


def comparison_frame(comparison: ScenarioComparison) -> pd.DataFrame:
    frame = comparison.table()
    if frame.empty:
        return pd.DataFrame(columns=[*(c.key for c in COMPARISON_COLUMNS), "is_base"])
    frame["is_base"] = frame["scenario"] == BASE_NAME
    return frame


class ScenariosPanel(InsightPanel):
    """The scenario list (add, edit, remove) and the comparison of them all."""

    edited = Signal()  # the list changed (the project has unsaved changes)

    action_text = "Compare"
    intro_text = ("What if…? Each scenario is the workbook plus a few changes. Compare "
                  "solves the base and every scenario (in parallel worker processes) and "
                  "says what moved and why. Scenarios are saved with the project.")
    empty_text = "Not compared yet: add scenarios, then Compare."

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.entries: list[ScenarioEntry] = []
        self.dataset: Dataset | None = None
        self.summary = summary_label()
        self.model = DataFrameModel(COMPARISON_COLUMNS, flag="is_base",
                                    highlight=Highlight(BASE_BG, bold=True), parent=self)
        self.table: QTableView = make_table(self.model, self)
        layout = QVBoxLayout(self.content)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(section_title("Side by side"))
        layout.addWidget(self.table)
        layout.addWidget(section_title("What changed and why"))
        layout.addWidget(self.summary)
        layout.addStretch(1)
        self._refresh_list()

    def add_header(self, layout: QVBoxLayout) -> None:
        layout.addWidget(self.intro)
        self.list_model = DataFrameModel(LIST_COLUMNS, parent=self)
        self.list_table: QTableView = make_table(self.list_model, self)
        self.list_table.setSortingEnabled(False)
        self.list_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list_table.setMaximumHeight(150)
        self.list_table.doubleClicked.connect(self._edit_index)
        self.add_button = QPushButton("&Add…")
        self.edit_button = QPushButton("&Edit…")
        self.remove_button = QPushButton("&Remove")
        self.add_button.clicked.connect(self.add_scenario)
        self.edit_button.clicked.connect(self.edit_scenario)
        self.remove_button.clicked.connect(self.remove_scenario)
        buttons = QVBoxLayout()
        for button in (self.add_button, self.edit_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.list_table, 1)
        row.addLayout(buttons)
        layout.addLayout(row)

    # -- the list ---------------------------------------------------------------------------
    def set_entries(self, entries: Sequence[ScenarioEntry]) -> None:
        self.entries = list(entries)
        self._refresh_list()

    def _refresh_list(self) -> None:
        currency = self.dataset.settings.currency if self.dataset else "USD"
        frame = pd.DataFrame([{"name": e.name, "text": e.text.replace("\n", "; "),
                               "words": e.scenario.describe(currency)} for e in self.entries],
                             columns=[c.key for c in LIST_COLUMNS])
        self.list_model.set_frame(frame)
        fit_columns(self.list_table, max_width=320)
        has = bool(self.entries)
        self.edit_button.setEnabled(has)
        self.remove_button.setEnabled(has)
        if has and not self.list_table.currentIndex().isValid():
            self.list_table.selectRow(0)

    def selected_row(self) -> int | None:
        index = self.list_table.currentIndex()
        if not index.isValid() or not self.entries:
            return None
        return self.list_model.table_row(index.row())

    def open_dialog(self, entry: ScenarioEntry | None) -> ScenarioDialog:
        """The dialog to add (``entry`` None) or edit a scenario (tests drive it)."""
        taken = [e.name for e in self.entries if entry is None or e is not entry]
        return ScenarioDialog(self.dataset, taken, entry, self)

    def run_dialog(self, dialog: ScenarioDialog) -> ScenarioEntry | None:
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        entry = dialog.entry if accepted else None
        dialog.deleteLater()
        return entry

    def add_scenario(self) -> None:
        entry = self.run_dialog(self.open_dialog(None))
        if entry is not None:
            self.put(entry)

    def edit_scenario(self) -> None:
        row = self.selected_row()
        if row is None:
            return
        entry = self.run_dialog(self.open_dialog(self.entries[row]))
        if entry is not None:
            self.put(entry, row)

    def _edit_index(self, index: QModelIndex | QPersistentModelIndex) -> None:
        if index.isValid():
            self.edit_scenario()

    def put(self, entry: ScenarioEntry, row: int | None = None) -> None:
        """Add ``entry`` (or replace the one at ``row``)."""
        if row is None:
            self.entries.append(entry)
            row = len(self.entries) - 1
        else:
            self.entries[row] = entry
        self._refresh_list()
        self.list_table.selectRow(row)
        self.edited.emit()

    def remove_scenario(self) -> None:
        row = self.selected_row()
        if row is None:
            return
        del self.entries[row]
        self.list_table.clearSelection()
        self.list_table.setCurrentIndex(QModelIndex())
        self._refresh_list()
        self.edited.emit()

    # -- the comparison ------------------------------------------------------------------------
    def partial_text(self, result: ScenarioComparison) -> str:
        if not result.cancelled:
            return ""
        return (f"Cancelled: {len(result.outcomes)} of {len(result.scenarios) + 1} plans "
                "finished; the others are missing below.")

    def _show(self, result: ScenarioComparison) -> None:
        self.model.set_frame(comparison_frame(result), result.currency)
        fit_columns(self.table)
        fit_height(self.table)
        self.summary.setText(paragraphs(result.summary()))

    def _clear(self) -> None:
        self.model.set_frame(None)
        self.summary.clear()
