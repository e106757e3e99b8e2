"""Typed domain objects shared by the importer, the optimiser, the app and the report.

A :class:`Dataset` is what a valid workbook means: every value parsed, defaulted and
checked. It is immutable; editing in the app goes through the raw tables and a new
validation, never by mutating a Dataset.
"""

from __future__ import annotations

import calendar
import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import IntEnum, StrEnum
from functools import cached_property
from typing import Any


class Level(IntEnum):
    """Sensitivity of a stream / clearance of a vendor (ordered)."""

    PUBLIC = 1
    CONFIDENTIAL = 2
    RESTRICTED = 3

    @property
    def label(self) -> str:
        return self.name.lower()


class Mode(StrEnum):
    CHEAPEST = "cheapest"
    FASTEST = "fastest"


def normalize_key(name: object) -> str:
    """Header / sheet / settings-key matching: case-insensitive, ignoring spaces, - and _."""
    return "".join(ch for ch in str(name).casefold() if ch not in " \t\r\n-_\u00a0")


def normalize_skill(skill: str) -> str:
    """Skill matching: ignore case, outer spaces and repeated inner spaces."""
    return " ".join(skill.split()).casefold()


def normalize_ref(ref: str) -> str:
    """References (contract ids, vendor names) match after trimming spaces."""
    return ref.strip()


def add_months(d: date, months: int) -> date:
    """Calendar months later; a month-end clamps (Jan 31 + 1 month = Feb 28)."""
    total = d.month - 1 + months
    year, month = d.year + total // 12, total % 12 + 1
    day = min(d.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


@dataclass(frozen=True, slots=True)
class Contract:
    contract_id: str
    vendor: str
    end_date: date
    title: str = ""
    notice_days: int = 30
    termination_fee: float = 0.0
    min_commitment: float = 0.0
    auto_renew: bool = False
    renewal_months: int = 12
    renewal_notice_days: int = 60
    row: int = 0  # Excel row number in the source sheet (0 when built in code)


@dataclass(frozen=True, slots=True)
class Stream:
    stream_id: str
    contract_id: str
    skill: str
    weekly_volume: float
    unit_price: float
    name: str = ""
    sensitivity: Level = Level.CONFIDENTIAL
    cutover_weeks: int = 4
    exit_by: date | None = None
    row: int = 0

    @property
    def skill_key(self) -> str:
        return normalize_skill(self.skill)


@dataclass(frozen=True, slots=True)
class Vendor:
    vendor: str
    clearance: Level = Level.CONFIDENTIAL
    conflicted: bool = False
    setup_fee: float = 0.0
    max_share: float = 1.0
    row: int = 0


@dataclass(frozen=True, slots=True)
class CapacityOffer:
    vendor: str
    skill: str
    weekly_capacity: float
    unit_price: float
    onboarding_weeks: int = 0
    ramp_weeks: int = 0
    row: int = 0

    @property
    def skill_key(self) -> str:
        return normalize_skill(self.skill)

    def ramp(self, week: int) -> float:
        """Share of full capacity available in ``week`` (planning-model.md, Ramp)."""
        if week < self.onboarding_weeks:
            return 0.0
        if self.ramp_weeks == 0:
            return 1.0
        return min(1.0, (week - self.onboarding_weeks + 1) / self.ramp_weeks)


@dataclass(frozen=True, slots=True)
class Settings:
    plan_start: date
    horizon_weeks: int = 104
    exit_deadline: date | None = None
    mode: Mode = Mode.CHEAPEST
    unserved_penalty: float = 1000.0
    currency: str = "USD"

    def week_of(self, d: date) -> int:
        """``week(d) = floor((d - plan_start).days / 7)`` (may be negative)."""
        return math.floor((d - self.plan_start).days / 7)

    def week_start(self, week: int) -> date:
        return self.plan_start + timedelta(days=7 * week)


@dataclass(frozen=True, slots=True)
class SourceInfo:
    """Where a dataset came from, for the report's assumptions page."""

    path: str
    modified: float | None = None  # POSIX timestamp
    sha256: str = ""

    @property
    def short_hash(self) -> str:
        return self.sha256[:12]


@dataclass(frozen=True)
class Dataset:
    """A validated workbook: the single input of the optimiser, app and report."""

    contracts: tuple[Contract, ...]
    streams: tuple[Stream, ...]
    vendors: tuple[Vendor, ...]
    capacity: tuple[CapacityOffer, ...]
    settings: Settings
    source: SourceInfo | None = None
    # Unknown columns per sheet: sheet -> row id -> {header: value}; shown, never used.
    extra: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)

    @cached_property
    def exited_vendors(self) -> frozenset[str]:
        return frozenset(c.vendor for c in self.contracts)

    @cached_property
    def contracts_by_id(self) -> dict[str, Contract]:
        return {c.contract_id: c for c in self.contracts}

    @cached_property
    def vendors_by_name(self) -> dict[str, Vendor]:
        return {v.vendor: v for v in self.vendors}

    def contract(self, contract_id: str) -> Contract:
        return self.contracts_by_id[contract_id]

    def vendor(self, name: str) -> Vendor:
        return self.vendors_by_name[name]

    def total_weekly_volume(self) -> float:
        return float(sum(s.weekly_volume for s in self.streams))

    def weekly_spend(self) -> float:
        return float(sum(s.weekly_volume * s.unit_price for s in self.streams))

    def replace_settings(self, **changes: Any) -> Dataset:
        from dataclasses import replace

        return replace(self, settings=replace(self.settings, **changes))

    def is_eligible(self, stream: Stream, offer: CapacityOffer) -> bool:
        """planning-model.md, Eligible alternatives."""
        if offer.skill_key != stream.skill_key or offer.vendor in self.exited_vendors:
            return False
        vendor = self.vendors_by_name.get(offer.vendor)
        if vendor is None:
            return False
        return not vendor.conflicted and vendor.clearance >= stream.sensitivity
