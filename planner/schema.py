"""The columns of every input sheet, as data.

One table drives parsing (type, default, required), error messages (expected), the
app's column headers (name + unit) and the report's glossary (description).
workbook-format.md is the source of truth; keep the two in step.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from planner.domain import normalize_key


class ColType(StrEnum):
    TEXT = "text"
    ID = "id"  # text; a whole number typed as a number is its digits
    INT = "int"
    NUMBER = "number"
    MONEY = "money"
    FRACTION = "fraction"  # (0, 1] or a percentage
    DATE = "date"
    BOOL = "bool"
    LEVEL = "level"
    MODE = "mode"


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    type: ColType
    required: bool = False
    default: object = None
    unit: str = ""
    description: str = ""
    # Bounds: value must be >= minimum (or > minimum when exclusive_min) and <= maximum.
    minimum: float | None = None
    exclusive_min: bool = False
    maximum: float | None = None

    @property
    def key(self) -> str:
        return normalize_key(self.name)

    @property
    def expected(self) -> str:
        """What a valid value looks like, for error messages."""
        kind = {
            ColType.TEXT: "text",
            ColType.ID: "text (an ID)",
            ColType.INT: "a whole number",
            ColType.NUMBER: "a number",
            ColType.MONEY: "an amount of money",
            ColType.FRACTION: "a fraction in (0, 1] or a percentage such as 40%",
            ColType.DATE: "a date (e.g. 2026-03-31)",
            ColType.BOOL: "Y/N, yes/no, true/false, 1/0 or x/empty",
            ColType.LEVEL: "public, confidential or restricted (or 1/2/3)",
            ColType.MODE: "cheapest or fastest",
        }[self.type]
        if self.minimum is not None and self.type is not ColType.FRACTION:
            op = ">" if self.exclusive_min else ">="
            kind += f" {op} {self.minimum:g}"
        if self.maximum is not None and self.type is not ColType.FRACTION:
            kind += f" and <= {self.maximum:g}"
        return kind

    @property
    def header(self) -> str:
        """Column header with its unit, for tables in the app."""
        return f"{self.name} [{self.unit}]" if self.unit else self.name


@dataclass(frozen=True, slots=True)
class SheetSchema:
    name: str
    required: bool
    columns: tuple[Column, ...]
    description: str = ""

    @property
    def key(self) -> str:
        return normalize_key(self.name)

    @property
    def required_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.required)

    def column(self, name: str) -> Column:
        key = normalize_key(name)
        for c in self.columns:
            if c.key == key:
                return c
        raise KeyError(name)


C = Column
T = ColType

CONTRACTS = SheetSchema(
    "Contracts",
    True,
    (
        C("contract_id", T.ID, True, description="Unique contract identifier"),
        C("vendor", T.TEXT, True, description="The vendor being exited"),
        C("title", T.TEXT, default="", description="Free-text contract title"),
        C("end_date", T.DATE, True, description="End of the current term"),
        C("notice_days", T.INT, default=30, unit="days", minimum=0,
          description="Termination-for-convenience notice period"),
        C("termination_fee", T.MONEY, default=0.0, unit="money", minimum=0,
          description="Fixed fee if the plan ends the contract early"),
        C("min_commitment", T.MONEY, default=0.0, unit="money", minimum=0,
          description="Take-or-pay spend owed from plan start to the effective end, "
          "accruing evenly"),
        C("auto_renew", T.BOOL, default=False,
          description="Renews once unless non-renewal notice is given in time"),
        C("renewal_months", T.INT, default=12, unit="months", minimum=0, exclusive_min=True,
          description="Length of the automatic renewal"),
        C("renewal_notice_days", T.INT, default=60, unit="days", minimum=0,
          description="Non-renewal notice needed before end_date"),
    ),
    "One row per contract with a vendor being exited",
)

WORKSTREAMS = SheetSchema(
    "Workstreams",
    True,
    (
        C("stream_id", T.ID, True, description="Unique work-stream identifier"),
        C("contract_id", T.ID, True, description="Contract the stream runs under"),
        C("name", T.TEXT, default="", description="Free-text stream name"),
        C("skill", T.TEXT, True, description="Task family, e.g. RLHF preference"),
        C("weekly_volume", T.NUMBER, True, unit="tasks/wk", minimum=0, exclusive_min=True,
          description="Tasks per week, constant over the plan"),
        C("unit_price", T.MONEY, True, unit="money/task", minimum=0,
          description="What the current vendor charges per task"),
        C("sensitivity", T.LEVEL, default="confidential",
          description="public < confidential < restricted"),
        C("cutover_weeks", T.INT, default=4, unit="weeks", minimum=0,
          description="Weeks to move the full volume (growth limit); 0 = no limit"),
        C("exit_by", T.DATE, description="The stream must be off the exited vendor from this date"),
    ),
    "One row per stream of work under a contract",
)

VENDORS = SheetSchema(
    "Vendors",
    True,
    (
        C("vendor", T.TEXT, True, description="Alternative vendor (in-house teams too)"),
        C("clearance", T.LEVEL, default="confidential",
          description="Highest sensitivity the vendor may handle"),
        C("conflicted", T.BOOL, default=False,
          description="Conflict of interest: never used"),
        C("setup_fee", T.MONEY, default=0.0, unit="money", minimum=0,
          description="One-off cost if the vendor gets any work"),
        C("max_share", T.FRACTION, default=1.0, unit="share",
          description="Most it may carry in any week, as a share of total weekly volume"),
    ),
    "One row per alternative vendor",
)

CAPACITY = SheetSchema(
    "Capacity",
    True,
    (
        C("vendor", T.TEXT, True, description="Vendor (must exist in Vendors)"),
        C("skill", T.TEXT, True, description="Skill offered"),
        C("weekly_capacity", T.NUMBER, True, unit="tasks/wk", minimum=0,
          description="Tasks per week at full ramp"),
        C("unit_price", T.MONEY, True, unit="money/task", minimum=0,
          description="Price per task"),
        C("onboarding_weeks", T.INT, default=0, unit="weeks", minimum=0,
          description="Weeks from plan start before any work"),
        C("ramp_weeks", T.INT, default=0, unit="weeks", minimum=0,
          description="Weeks of linear ramp to full capacity after onboarding"),
    ),
    "One row per vendor x skill offer",
)

# Settings is a key/value sheet; its "columns" are the keys.
SETTINGS_SHEET = SheetSchema(
    "Settings",
    False,
    (
        C("key", T.TEXT, True),
        C("value", T.TEXT, True),
    ),
    "Two columns: key, value",
)

SETTINGS_KEYS: tuple[Column, ...] = (
    C("plan_start", T.DATE, description="First day of week 0 (default: the Monday on or after "
      "today)"),
    C("horizon_weeks", T.INT, default=104, unit="weeks", minimum=1, maximum=260,
      description="Number of weeks planned"),
    C("exit_deadline", T.DATE, description="Every stream must be off the exited vendors from "
      "this date"),
    C("mode", T.MODE, default="cheapest", description="cheapest or fastest"),
    C("unserved_penalty", T.MONEY, default=1000.0, unit="money/task", minimum=0,
      description="Cost of each task no vendor does"),
    C("currency", T.TEXT, default="USD", description="ISO currency code of all money"),
)

SHEETS: tuple[SheetSchema, ...] = (CONTRACTS, WORKSTREAMS, VENDORS, CAPACITY, SETTINGS_SHEET)


def sheet(name: str) -> SheetSchema:
    key = normalize_key(name)
    for s in SHEETS:
        if s.key == key:
            return s
    raise KeyError(name)
