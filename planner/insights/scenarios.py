"""What-if scenarios: the workbook plus a few typed changes, solved and compared.

A :class:`Scenario` is a name and a list of changes. Each change is a small frozen
dataclass that names what it changes (a setting, a vendor, a vendor's capacity offer, a
contract, a stream) and says how (set a value, add to it, scale it). Field types, units
and bounds come from ``planner.schema``, the same table that checks the workbook, so a
scenario can never make a value the workbook would reject. A change naming an unknown
vendor, skill, contract or stream is reported with the close matches, never a crash;
every problem of a scenario is listed at once (:class:`ScenarioError`).

``compare_scenarios`` solves the base workbook and every scenario (in parallel worker
processes), and returns a :class:`ScenarioComparison`: one :class:`ScenarioOutcome` per
scenario (completion week and date, cost by component, per-contract exit weeks), pandas
tables for side-by-side display, and plain-words sentences saying what changed and why.
Scenarios, outcomes and comparisons all round-trip through ``to_dict``/``from_dict``
(JSON-safe dicts) for the project file.

The small text syntax of :func:`parse_scenario` (``"Turing +500: capacity Turing coding
+500 from 4"``) is documented in docs/scenarios-and-risk.md.
"""

from __future__ import annotations

import difflib
import math
import shlex
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import date
from enum import StrEnum
from typing import Any, ClassVar

import pandas as pd

from planner import schema
from planner.domain import (
    CapacityOffer,
    Dataset,
    Level,
    Mode,
    normalize_key,
    normalize_ref,
    normalize_skill,
)
from planner.insights.common import money, weeks
from planner.insights.parallel import RunsProgress, run_jobs
from planner.insights.wording import listing, signed
from planner.parse import CellError, parse_cell, parse_number, parse_number_text
from planner.problems import PlannerError
from planner.results import CostBreakdown, PlanResult, SolveStatus
from planner.solve import CancelToken, solve

FORMAT = "migration-planner-scenarios"
VERSION = 1
BASE_NAME = "Base"
ALL = "*"  # a change to every vendor / offer / contract / stream
TASK_EPS = 1e-6

Value = float | int | bool | str | date | Level | Mode | None


class ScenarioError(PlannerError):
    """A scenario that cannot be read or applied; lists every problem found."""

    def __init__(self, problems: Sequence[str], scenario: str = "") -> None:
        self.problems = list(problems)
        self.scenario = scenario
        where = f"scenario {scenario!r}" if scenario else "scenarios"
        what = self.problems[0] if len(self.problems) == 1 else f"{len(self.problems)} problems"
        super().__init__(f"{where}: {what}")

    def render(self) -> str:
        """Every problem on its own line, for the CLI and a dialog."""
        where = f"scenario {self.scenario!r}" if self.scenario else "scenarios"
        return "\n".join([f"{where}: {len(self.problems)} problem(s)",
                          *("  - " + p for p in self.problems)])


class Op(StrEnum):
    SET = "set"
    ADD = "add"
    SCALE = "scale"


# --- the fields a scenario may change ----------------------------------------------------
# (sheet schema, field names): types, units and bounds are the workbook's own.

_SETTING_FIELDS = ("mode", "exit_deadline", "horizon_weeks", "unserved_penalty")
_VENDOR_FIELDS = ("setup_fee", "max_share", "clearance", "conflicted")
_OFFER_FIELDS = ("weekly_capacity", "unit_price", "onboarding_weeks", "ramp_weeks")
_CONTRACT_FIELDS = ("end_date", "notice_days", "termination_fee", "min_commitment",
                    "auto_renew", "renewal_months", "renewal_notice_days")
_STREAM_FIELDS = ("weekly_volume", "unit_price", "sensitivity", "cutover_weeks", "exit_by")
_NULLABLE = {"exit_deadline", "exit_by"}
_NUMERIC = (schema.ColType.INT, schema.ColType.NUMBER, schema.ColType.MONEY,
            schema.ColType.FRACTION)

LABELS = {  # field -> words in sentences (also the verb of the text syntax)
    "mode": "mode", "exit_deadline": "exit deadline", "horizon_weeks": "horizon",
    "unserved_penalty": "unserved penalty", "setup_fee": "setup fee",
    "max_share": "max share", "clearance": "clearance", "conflicted": "conflicted",
    "weekly_capacity": "capacity", "unit_price": "price", "onboarding_weeks": "onboarding",
    "ramp_weeks": "ramp", "end_date": "end date", "notice_days": "notice",
    "termination_fee": "termination fee", "min_commitment": "min commitment",
    "auto_renew": "auto-renew", "renewal_months": "renewal",
    "renewal_notice_days": "renewal notice", "weekly_volume": "volume",
    "sensitivity": "sensitivity", "cutover_weeks": "cutover", "exit_by": "exit by",
}


def _column(sheet: schema.SheetSchema | None, name: str) -> schema.Column:
    if sheet is None:
        return next(c for c in schema.SETTINGS_KEYS if c.name == name)
    return sheet.column(name)


def _coerce(column: schema.Column, op: Op, value: object) -> Value:
    """The typed value of a change; raises CellError with what was expected."""
    if op is Op.SET:
        if value is None or (isinstance(value, str) and value.strip().casefold() in ("", "none")):
            if column.name in _NULLABLE:
                return None
            raise CellError("a value is needed", column.expected)
        return parse_cell(column, value)  # type: ignore[return-value]
    if column.type not in _NUMERIC:
        raise CellError(f"{LABELS[column.name]} can only be set, not added to or scaled",
                        column.expected)
    amount = parse_number(value, "a number")
    if op is Op.SCALE and amount < 0:
        raise CellError("a negative factor", "a factor >= 0")
    return amount


def _combine(column: schema.Column, op: Op, old: Any, amount: Any) -> Any:
    """New field value; raises CellError when it leaves the column's bounds."""
    if op is Op.SET:
        return amount
    new = old + amount if op is Op.ADD else old * amount
    if column.type is schema.ColType.INT:
        new = math.floor(new + 0.5)  # whole days / weeks / months, half up
    try:
        return parse_cell(column, new)
    except CellError as err:
        raise CellError(f"would be {new:g} ({err.message})", column.expected) from None


def _show(column: schema.Column, value: Any, currency: str) -> str:
    if value is None:
        return "none"
    kind = column.type
    if kind is schema.ColType.DATE:
        return value.isoformat()  # type: ignore[no-any-return]
    if kind is schema.ColType.LEVEL:
        return Level(value).label
    if kind is schema.ColType.MODE:
        return Mode(value).value
    if kind is schema.ColType.BOOL:
        return "yes" if value else "no"
    if kind is schema.ColType.FRACTION:
        return f"{float(value):.0%}"
    if kind is schema.ColType.MONEY:
        per = "/task" if column.unit == "money/task" else ""
        return money(float(value), currency) + per
    n = float(value)
    if column.unit == "weeks":
        return weeks(int(n)) if n.is_integer() else f"{n:g} weeks"
    unit = {"tasks/wk": " tasks/week", "days": " days", "months": " months"}.get(column.unit, "")
    return f"{n:g}{unit}"


def _show_op(column: schema.Column, op: Op, value: Any, currency: str) -> str:
    if op is Op.SCALE:
        return f"x{float(value):g}"
    text = _show(column, value, currency)
    if op is Op.ADD and not text.startswith("-"):
        text = "+" + text
    return text


def _encode(value: Value | Op) -> Any:
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, Level):
        return value.label
    if isinstance(value, date):
        return value.isoformat()
    return value


# --- changes ----------------------------------------------------------------------------


class _Problem(Exception):
    """One change that cannot be applied (collected, then raised as ScenarioError)."""


def _unknown(what: str, name: str, known: Sequence[str]) -> _Problem:
    close = difflib.get_close_matches(name, list(known), n=3, cutoff=0.7)
    hint = f"; did you mean {listing([repr(c) for c in close], word='or')}?" if close else (
        f"; known: {listing(list(known), 8)}" if known else "")
    return _Problem(f"unknown {what} {name!r}{hint}")


@dataclass(frozen=True, kw_only=True)
class _FieldChange:
    """Set, add to or scale one field; ``ALL`` as the key changes every row."""

    field: str
    value: Value
    op: Op = Op.SET

    SHEET: ClassVar[schema.SheetSchema | None]
    FIELDS: ClassVar[tuple[str, ...]]
    KIND: ClassVar[str]

    @property
    def column(self) -> schema.Column:
        return _column(self.SHEET, self.field)

    def _checked(self) -> Value:
        if self.field not in self.FIELDS:
            raise _Problem(f"{self.field!r} cannot be changed here; fields: "
                           f"{', '.join(self.FIELDS)}")
        if self.op not in list(Op):
            raise _Problem(f"unknown op {self.op!r}; ops: set, add, scale")
        try:
            return _coerce(self.column, Op(self.op), self.value)
        except CellError as err:
            raise _Problem(f"{err.message} (expected {err.expected})") from None

    def _new(self, old: Any, amount: Value, subject: str) -> Any:
        try:
            return _combine(self.column, Op(self.op), old, amount)
        except CellError as err:
            raise _Problem(f"{subject}: {LABELS[self.field]} {err.message}; expected "
                           f"{err.expected}") from None

    def _words(self, subject: str, currency: str) -> str:
        label = LABELS.get(self.field, self.field)
        try:
            shown = _show_op(self.column, Op(self.op), self.value, currency)
        except (AttributeError, KeyError, TypeError, ValueError):  # an invalid change
            shown = f"{Op(self.op).value} {self.value}" if self.op in list(Op) else str(
                self.value)
        return f"{subject} {label} {shown}".strip()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.KIND}
        for f in fields(self):
            out[f.name] = _encode(getattr(self, f.name))
        return out


@dataclass(frozen=True, kw_only=True)
class SettingChange(_FieldChange):
    """mode, exit_deadline (or None), horizon_weeks, unserved_penalty."""

    SHEET: ClassVar[schema.SheetSchema | None] = None
    FIELDS: ClassVar[tuple[str, ...]] = _SETTING_FIELDS
    KIND: ClassVar[str] = "setting"

    def describe(self, currency: str = "USD") -> str:
        return self._words("", currency)

    def apply(self, ds: Dataset) -> Dataset:
        amount = self._checked()
        new = self._new(getattr(ds.settings, self.field), amount, "settings")
        return ds.replace_settings(**{self.field: new})


@dataclass(frozen=True, kw_only=True)
class VendorChange(_FieldChange):
    """An alternative vendor's setup_fee, max_share, clearance or conflicted."""

    vendor: str
    SHEET: ClassVar[schema.SheetSchema | None] = schema.VENDORS
    FIELDS: ClassVar[tuple[str, ...]] = _VENDOR_FIELDS
    KIND: ClassVar[str] = "vendor"

    def describe(self, currency: str = "USD") -> str:
        return self._words("every vendor" if self.vendor == ALL else self.vendor, currency)

    def apply(self, ds: Dataset) -> Dataset:
        amount = self._checked()
        names = _vendors(ds, self.vendor)
        vendors = tuple(
            replace(v, **{self.field: self._new(getattr(v, self.field), amount, v.vendor)})
            if v.vendor in names else v for v in ds.vendors)
        return replace(ds, vendors=vendors)


@dataclass(frozen=True, kw_only=True)
class OfferChange(_FieldChange):
    """A vendor's Capacity rows: weekly_capacity, unit_price, onboarding_weeks, ramp_weeks.

    ``skill=None`` changes every skill the vendor offers. Adding to weekly_capacity
    follows the offer's onboarding and ramp; see :class:`ExtraCapacity` for a step."""

    vendor: str
    skill: str | None = None
    SHEET: ClassVar[schema.SheetSchema | None] = schema.CAPACITY
    FIELDS: ClassVar[tuple[str, ...]] = _OFFER_FIELDS
    KIND: ClassVar[str] = "offer"

    def describe(self, currency: str = "USD") -> str:
        who = "every vendor" if self.vendor == ALL else self.vendor
        return self._words(f"{who} {self.skill}" if self.skill else who, currency)

    def apply(self, ds: Dataset) -> Dataset:
        amount = self._checked()
        names = _vendors(ds, self.vendor)
        rows = _offer_rows(ds, names, self.skill)
        capacity = tuple(
            replace(o, **{self.field: self._new(getattr(o, self.field), amount,
                                                f"{o.vendor} {o.skill}")})
            if i in rows else o for i, o in enumerate(ds.capacity))
        return replace(ds, capacity=capacity)


@dataclass(frozen=True, kw_only=True)
class ContractChange(_FieldChange):
    """A contract's end_date, notice_days, termination_fee, min_commitment, auto_renew,
    renewal_months or renewal_notice_days."""

    contract_id: str
    SHEET: ClassVar[schema.SheetSchema | None] = schema.CONTRACTS
    FIELDS: ClassVar[tuple[str, ...]] = _CONTRACT_FIELDS
    KIND: ClassVar[str] = "contract"

    def describe(self, currency: str = "USD") -> str:
        who = "every contract" if self.contract_id == ALL else self.contract_id
        return self._words(who, currency)

    def apply(self, ds: Dataset) -> Dataset:
        amount = self._checked()
        ids = _keys("contract", self.contract_id, [c.contract_id for c in ds.contracts])
        contracts = tuple(
            replace(c, **{self.field: self._new(getattr(c, self.field), amount,
                                                c.contract_id)})
            if c.contract_id in ids else c for c in ds.contracts)
        return replace(ds, contracts=contracts)


@dataclass(frozen=True, kw_only=True)
class StreamChange(_FieldChange):
    """A stream's weekly_volume, unit_price, sensitivity, cutover_weeks or exit_by."""

    stream_id: str
    SHEET: ClassVar[schema.SheetSchema | None] = schema.WORKSTREAMS
    FIELDS: ClassVar[tuple[str, ...]] = _STREAM_FIELDS
    KIND: ClassVar[str] = "stream"

    def describe(self, currency: str = "USD") -> str:
        return self._words("every stream" if self.stream_id == ALL else self.stream_id,
                           currency)

    def apply(self, ds: Dataset) -> Dataset:
        amount = self._checked()
        ids = _keys("stream", self.stream_id, [s.stream_id for s in ds.streams])
        streams = tuple(
            replace(s, **{self.field: self._new(getattr(s, self.field), amount, s.stream_id)})
            if s.stream_id in ids else s for s in ds.streams)
        return replace(ds, streams=streams)


@dataclass(frozen=True, kw_only=True)
class ExtraCapacity:
    """``tasks`` more per week of ``skill`` at ``vendor`` from week ``from_week`` on, at
    full rate (a second tranche beside the offer's own ramp), priced like the vendor's
    existing offer for the skill unless ``unit_price`` is given (needed when the vendor
    does not offer the skill yet)."""

    vendor: str
    skill: str
    tasks: float
    from_week: int = 0
    unit_price: float | None = None
    KIND: ClassVar[str] = "extra_capacity"

    def describe(self, currency: str = "USD") -> str:
        text = f"{self.vendor} +{self.tasks:g} {self.skill} tasks/week"
        if self.from_week:
            text += f" from week {self.from_week}"
        if self.unit_price is not None:
            text += f" at {money(self.unit_price, currency)}/task"
        return text

    def apply(self, ds: Dataset) -> Dataset:
        if not (isinstance(self.tasks, int | float) and math.isfinite(self.tasks)
                and self.tasks > 0):
            raise _Problem(f"extra capacity must be a number of tasks > 0, not {self.tasks!r}")
        horizon = ds.settings.horizon_weeks
        if not isinstance(self.from_week, int) or not 0 <= self.from_week < horizon:
            raise _Problem(f"'from week' must be a whole week 0..{horizon - 1}, not "
                           f"{self.from_week!r}")
        if self.unit_price is not None and not (
                isinstance(self.unit_price, int | float) and 0 <= self.unit_price < math.inf):
            raise _Problem(f"price must be an amount >= 0, not {self.unit_price!r}")
        (name,) = _vendors(ds, self.vendor, allow_all=False)
        key = normalize_skill(self.skill)
        skills = sorted({s.skill for s in ds.streams})
        if key not in {normalize_skill(s) for s in skills}:
            close = difflib.get_close_matches(self.skill, skills, n=1, cutoff=0.5)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise _Problem(f"no stream needs skill {self.skill!r}{hint}")
        existing = [o for o in ds.capacity if o.vendor == name and o.skill_key == key]
        if self.unit_price is None and not existing:
            raise _Problem(f"{name} offers no {self.skill} capacity yet: give its price "
                           f"(text syntax: 'at PRICE')")
        price = self.unit_price if self.unit_price is not None else existing[0].unit_price
        skill = existing[0].skill if existing else self.skill
        tranche = CapacityOffer(name, skill, float(self.tasks), float(price),
                                onboarding_weeks=self.from_week, ramp_weeks=0)
        return replace(ds, capacity=(*ds.capacity, tranche))

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.KIND, **{f.name: getattr(self, f.name) for f in fields(self)}}


@dataclass(frozen=True, kw_only=True)
class RemoveVendor:
    """The vendor and its Capacity rows leave the plan (e.g. a failed due diligence)."""

    vendor: str
    KIND: ClassVar[str] = "remove_vendor"

    def describe(self, currency: str = "USD") -> str:
        return f"without {self.vendor}"

    def apply(self, ds: Dataset) -> Dataset:
        (name,) = _vendors(ds, self.vendor, allow_all=False)
        return replace(ds, vendors=tuple(v for v in ds.vendors if v.vendor != name),
                       capacity=tuple(o for o in ds.capacity if o.vendor != name))

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.KIND, "vendor": self.vendor}


Change = (SettingChange | VendorChange | OfferChange | ContractChange | StreamChange
          | ExtraCapacity | RemoveVendor)
_KINDS: dict[str, type[Any]] = {c.KIND: c for c in (
    SettingChange, VendorChange, OfferChange, ContractChange, StreamChange, ExtraCapacity,
    RemoveVendor)}


def _keys(what: str, key: str, known: Sequence[str]) -> set[str]:
    if key == ALL:
        return set(known)
    ref = normalize_ref(str(key))
    if ref not in known:
        raise _unknown(what, ref, known)
    return {ref}


def _vendors(ds: Dataset, vendor: str, allow_all: bool = True) -> tuple[str, ...]:
    names = [v.vendor for v in ds.vendors]
    if vendor == ALL and allow_all:
        return tuple(names)
    ref = normalize_ref(str(vendor))
    if ref in names:
        return (ref,)
    if ref in ds.exited_vendors:
        raise _Problem(f"{ref} is a vendor being exited, not an alternative; change its "
                       "contracts or streams instead")
    raise _unknown("vendor", ref, names)


def _offer_rows(ds: Dataset, vendors: Sequence[str], skill: str | None) -> set[int]:
    rows = {i for i, o in enumerate(ds.capacity) if o.vendor in vendors}
    if skill is not None:
        key = normalize_skill(skill)
        rows = {i for i in rows if ds.capacity[i].skill_key == key}
    if not rows:
        offered = sorted({o.skill for o in ds.capacity if o.vendor in vendors})
        who = listing(list(vendors)) if len(vendors) < 4 else "these vendors"
        if skill is None:
            raise _Problem(f"{who} has no Capacity rows")
        close = difflib.get_close_matches(skill, offered, n=1, cutoff=0.5)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise _Problem(f"{who} offers no {skill!r} capacity (it offers "
                       f"{listing(offered) or 'nothing'}){hint}")
    return rows


def change_from_dict(data: Mapping[str, Any]) -> Change:
    """A change from its ``to_dict`` form; raises ScenarioError on anything else."""
    if not isinstance(data, Mapping) or data.get("kind") not in _KINDS:
        kind = data.get("kind") if isinstance(data, Mapping) else data
        raise ScenarioError([f"unknown change kind {kind!r}; kinds: {', '.join(_KINDS)}"])
    cls = _KINDS[data["kind"]]
    args = {k: v for k, v in data.items() if k != "kind"}
    if "op" in args:
        try:
            args["op"] = Op(args["op"])
        except ValueError:
            raise ScenarioError([f"unknown op {args['op']!r}; ops: set, add, scale"]) from None
    try:
        change: Change = cls(**args)
    except TypeError as exc:
        raise ScenarioError([f"{data['kind']} change: {exc}"]) from None
    return _typed(change)


def _typed(change: Change) -> Change:
    """The change with its value in its field's type (dates, levels, modes, numbers)."""
    if not isinstance(change, _FieldChange) or change.field not in change.FIELDS:
        return change
    try:
        return replace(change, op=Op(change.op),
                       value=_coerce(change.column, Op(change.op), change.value))
    except CellError as err:
        raise ScenarioError([f"{change.describe()}: {err.message} (expected "
                             f"{err.expected})"]) from None


# --- scenarios --------------------------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    """A name and the changes that make it from the base workbook (applied in order)."""

    name: str
    changes: tuple[Change, ...] = ()
    note: str = ""

    def describe(self, currency: str = "USD") -> str:
        return "; ".join(c.describe(currency) for c in self.changes) or "no changes"

    def apply(self, dataset: Dataset) -> Dataset:
        """The scenario's dataset; ScenarioError lists every change that cannot apply."""
        problems: list[str] = []
        ds = dataset
        currency = dataset.settings.currency
        for change in self.changes:
            try:
                ds = change.apply(ds)
            except _Problem as exc:
                problems.append(f"{change.describe(currency)}: {exc}")
        if problems:
            raise ScenarioError(problems, self.name)
        return ds

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "note": self.note,
                "changes": [c.to_dict() for c in self.changes]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Scenario:
        if not isinstance(data, Mapping) or not isinstance(data.get("name"), str):
            raise ScenarioError(["a scenario needs a name (text)"])
        changes, problems = [], []
        raw = data.get("changes", [])
        if not isinstance(raw, list):
            raise ScenarioError(["'changes' must be a list"], data["name"])
        for item in raw:
            try:
                changes.append(change_from_dict(item))
            except ScenarioError as exc:
                problems += exc.problems
        if problems:
            raise ScenarioError(problems, data["name"])
        return cls(data["name"], tuple(changes), str(data.get("note", "")))


def scenarios_to_dict(scenarios: Sequence[Scenario]) -> dict[str, Any]:
    """A list of scenarios with a format tag and version (e.g. for the project file)."""
    return {"format": FORMAT, "version": VERSION, "scenarios": [s.to_dict() for s in scenarios]}


def scenarios_from_dict(data: Mapping[str, Any] | list[Any]) -> list[Scenario]:
    """Reads ``scenarios_to_dict`` output, a comparison's ``to_dict`` (its scenarios) or
    a bare list of scenarios."""
    if isinstance(data, Mapping):
        if data.get("format", FORMAT) not in (FORMAT, FORMAT + "-comparison"):
            raise ScenarioError([f"not a scenario list (format {data.get('format')!r})"])
        version = data.get("version", VERSION)
        if not isinstance(version, int) or version > VERSION:
            raise ScenarioError([f"scenario list version {version!r} is newer than this "
                                 f"planner reads ({VERSION}); update the planner"])
        data = data.get("scenarios", [])
    if not isinstance(data, list):
        raise ScenarioError(["expected a list of scenarios"])
    out, problems = [], []
    for item in data:
        try:
            out.append(Scenario.from_dict(item))
        except ScenarioError as exc:
            problems += [f"{exc.scenario or '?'}: {p}" for p in exc.problems]
    _check_names([s.name for s in out], problems)
    if problems:
        raise ScenarioError(problems)
    return out


def _check_names(names: Sequence[str], problems: list[str]) -> None:
    seen: set[str] = set()
    for name in names:
        if not name.strip():
            problems.append("a scenario has an empty name")
        elif name.strip().casefold() in seen:
            problems.append(f"two scenarios are named {name!r}")
        seen.add(name.strip().casefold())


# --- the text syntax ---------------------------------------------------------------------
# verb -> (target, field); verbs match like headers (case, spaces, - and _ ignored).
_VERBS: dict[str, tuple[str, str]] = {
    **{normalize_key(f): ("setting", f) for f in _SETTING_FIELDS},
    "deadline": ("setting", "exit_deadline"), "penalty": ("setting", "unserved_penalty"),
    "horizon": ("setting", "horizon_weeks"),
    **{normalize_key(f): ("vendor", f) for f in _VENDOR_FIELDS},
    "setup": ("vendor", "setup_fee"), "share": ("vendor", "max_share"),
    **{normalize_key(f): ("offer", f) for f in _OFFER_FIELDS if f != "unit_price"},
    "capacity": ("offer", "weekly_capacity"), "price": ("offer", "unit_price"),
    "onboarding": ("offer", "onboarding_weeks"), "ramp": ("offer", "ramp_weeks"),
    **{normalize_key(f): ("contract", f) for f in _CONTRACT_FIELDS},
    "end": ("contract", "end_date"), "notice": ("contract", "notice_days"),
    "fee": ("contract", "termination_fee"), "commitment": ("contract", "min_commitment"),
    "renewal": ("contract", "renewal_months"),
    "renewalnotice": ("contract", "renewal_notice_days"),
    **{normalize_key(f): ("stream", f) for f in _STREAM_FIELDS if f != "unit_price"},
    "volume": ("stream", "weekly_volume"), "streamprice": ("stream", "unit_price"),
    "cutover": ("stream", "cutover_weeks"),
    "remove": ("remove", ""),
}


def _amount(token: str) -> tuple[Op, str | float]:
    """``+500`` add, ``-2`` subtract, ``+10%`` / ``x1.5`` scale, ``=40%`` or ``40%`` set."""
    t = token.strip()
    if t[:1] in "+-−" and len(t) > 1:
        sign = -1.0 if t[0] in "-−" else 1.0
        body = t[1:]
        if body.endswith("%"):
            return Op.SCALE, 1.0 + sign * parse_number_text(body[:-1]) / 100.0
        return Op.ADD, sign * parse_number_text(body)
    if t[:1] in "x*×" and len(t) > 1 and (t[1].isdigit() or t[1] == "."):
        return Op.SCALE, parse_number_text(t[1:])
    return Op.SET, t[1:] if t.startswith("=") else t


def _resolve(token_text: str, known: Sequence[str]) -> str:
    """Case-insensitive match to a known name; unknown names pass through (and fail at
    apply time with the close matches)."""
    by_fold = {k.casefold(): k for k in known}
    return by_fold.get(token_text.casefold(), token_text)


def _split_vendor(tokens: list[str], dataset: Dataset | None) -> tuple[str, str | None]:
    """First the vendor (the longest run of words that names one), then the skill."""
    names = [v.vendor for v in dataset.vendors] if dataset is not None else []
    folded = {n.casefold(): n for n in names}
    for cut in range(len(tokens), 0, -1):
        candidate = " ".join(tokens[:cut])
        if candidate.casefold() in folded:
            skill = " ".join(tokens[cut:])
            return folded[candidate.casefold()], skill or None
    return tokens[0], " ".join(tokens[1:]) or None


def parse_change(text: str, dataset: Dataset | None = None) -> Change:
    """One change of the text syntax (docs/scenarios-and-risk.md); raises ScenarioError."""
    try:
        tokens = shlex.split(text)
    except ValueError as exc:
        raise ScenarioError([f"{text!r}: {exc}"]) from None
    if not tokens:
        raise ScenarioError(["an empty change"])
    verb = normalize_key(tokens[0])
    if verb not in _VERBS:
        close = difflib.get_close_matches(verb, list(_VERBS), n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]}?" if close else ""
        raise ScenarioError([f"{text!r}: unknown change {tokens[0]!r}{hint}"])
    target, name = _VERBS[verb]
    rest = tokens[1:]
    try:
        return _typed(_build(target, name, rest, dataset))
    except (ValueError, CellError) as exc:
        message = exc.message if isinstance(exc, CellError) else str(exc)
        raise ScenarioError([f"{text!r}: {message}"]) from None


def _build(target: str, name: str, rest: list[str], dataset: Dataset | None) -> Change:
    vendor_names = [v.vendor for v in dataset.vendors] if dataset is not None else []
    if target == "remove":
        if not rest:
            raise ValueError("name the vendor to remove")
        return RemoveVendor(vendor=_resolve(" ".join(rest), vendor_names))
    extras: dict[str, str] = {}
    while len(rest) >= 3 and rest[-2].casefold() in ("from", "at"):
        extras[rest[-2].casefold()] = rest[-1]
        rest = rest[:-2]
    if not rest:
        raise ValueError("a value is missing")
    op, value = _amount(rest[-1])
    keys = rest[:-1]
    if target == "setting":
        if keys or extras:
            raise ValueError(f"unexpected words {' '.join(keys)!r}")
        return SettingChange(field=name, value=value, op=op)
    if not keys:
        raise ValueError("name what to change before the value")
    if target == "offer":
        vendor, skill = _split_vendor(keys, dataset)
        if extras:
            return _extra_capacity(name, vendor, skill, op, value, extras)
        return OfferChange(vendor=vendor, skill=skill, field=name, value=value, op=op)
    if extras:
        raise ValueError("'from' and 'at' apply to capacity only")
    key = " ".join(keys)
    if target == "vendor":
        return VendorChange(vendor=_resolve(key, vendor_names), field=name, value=value, op=op)
    if target == "contract":
        known = [c.contract_id for c in dataset.contracts] if dataset else []
        return ContractChange(contract_id=_resolve(key, known), field=name, value=value, op=op)
    known = [s.stream_id for s in dataset.streams] if dataset else []
    return StreamChange(stream_id=_resolve(key, known), field=name, value=value, op=op)


def _extra_capacity(name: str, vendor: str, skill: str | None, op: Op, value: str | float,
                    extras: dict[str, str]) -> ExtraCapacity:
    if name != "weekly_capacity":
        raise ValueError("'from' and 'at' apply to capacity only")
    if skill is None:
        raise ValueError("name the skill of the extra capacity")
    if op is Op.SCALE:
        raise ValueError("extra capacity is a number of tasks per week (+500), not a factor")
    tasks = value if isinstance(value, float) else parse_number_text(str(value))
    week = extras.get("from", "0")
    if not week.isdigit():
        raise ValueError(f"'from' needs a week number, not {week!r}")
    price = parse_number_text(extras["at"]) if "at" in extras else None
    return ExtraCapacity(vendor=vendor, skill=skill, tasks=tasks, from_week=int(week),
                         unit_price=price)


def parse_scenario(spec: str, dataset: Dataset | None = None) -> Scenario:
    """``"NAME: CHANGE; CHANGE; ..."`` (without ``NAME:`` the text is the name).

    With ``dataset``, vendor, contract and stream names match case-insensitively and a
    multi-word vendor needs no quotes; the changes are also checked against it."""
    name, sep, body = spec.partition(":")
    if not sep:
        name, body = spec, spec
    name = name.strip() or body.strip()
    changes, problems = [], []
    for part in body.split(";"):
        if not part.strip():
            continue
        try:
            changes.append(parse_change(part, dataset))
        except ScenarioError as exc:
            problems += exc.problems
    if not changes and not problems:
        problems.append("no changes given")
    if problems:
        raise ScenarioError(problems, name)
    scenario = Scenario(name, tuple(changes))
    if dataset is not None:
        scenario.apply(dataset)
    return scenario


# --- solving and comparing ---------------------------------------------------------------


@dataclass(frozen=True)
class ScenarioOutcome:
    """One solved scenario, in plain numbers (JSON-safe via to_dict)."""

    name: str
    changes: tuple[str, ...]  # each change in words
    mode: str
    status: str
    gap: float
    solve_seconds: float
    horizon_weeks: int
    completion_week: int  # week after the last week with work on an exited vendor
    completion_date: date
    costs: CostBreakdown
    exit_weeks: dict[str, int]  # contract_id -> exit week
    run_by_vendor: dict[str, float]  # run cost per vendor, exited vendors included
    shortfall_by_vendor: dict[str, float]  # commitment shortfall per exited vendor
    termination_fees: dict[str, float]  # contract_id -> fee, early terminations only
    setup_fees: dict[str, float]  # vendor -> setup fee, engaged vendors only
    plan: PlanResult | None = field(default=None, compare=False, repr=False)

    @property
    def total_cost(self) -> float:
        return self.costs.total

    @property
    def exits_within_horizon(self) -> bool:
        return self.completion_week < self.horizon_weeks

    @property
    def full_exit(self) -> bool:
        """Off the exited vendors within the horizon with no task left undone."""
        return self.exits_within_horizon and self.costs.unserved_tasks <= TASK_EPS

    @classmethod
    def from_plan(cls, name: str, changes: Sequence[str], plan: PlanResult) -> ScenarioOutcome:
        def by(frame: pd.DataFrame, key: str, column: str) -> dict[str, float]:
            sums = frame.groupby(key, sort=True)[column].sum()
            return {str(k): float(v) for k, v in sums.items() if abs(v) > TASK_EPS}

        contracts = plan.contracts
        early = contracts[contracts["terminated_early"]] if len(contracts) else contracts
        vendors = plan.vendors[plan.vendors["engaged"] & ~plan.vendors["exited"]]
        return cls(
            name=name, changes=tuple(changes), mode=plan.mode.value, status=plan.status.value,
            gap=float(plan.gap), solve_seconds=float(plan.solve_seconds),
            horizon_weeks=plan.horizon_weeks, completion_week=int(plan.completion_week),
            completion_date=plan.completion_date, costs=plan.costs,
            exit_weeks={str(c): int(w) for c, w in zip(contracts.get("contract_id", []),
                                                        contracts.get("exit_week", []),
                                                        strict=True)},
            run_by_vendor=by(plan.allocation, "vendor", "cost") if len(plan.allocation) else {},
            shortfall_by_vendor=by(contracts, "vendor", "shortfall") if len(contracts) else {},
            termination_fees={str(c): float(f) for c, f in zip(
                early.get("contract_id", []), early.get("termination_fee", []), strict=True)},
            setup_fees={str(v): float(f) for v, f in zip(vendors["vendor"],
                                                          vendors["setup_fee"], strict=True)
                        if f > 0},
            plan=plan,
        )

    def to_dict(self) -> dict[str, Any]:
        out = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "plan"}
        out["changes"] = list(self.changes)
        out["completion_date"] = self.completion_date.isoformat()
        out["costs"] = {f.name: getattr(self.costs, f.name) for f in fields(self.costs)}
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ScenarioOutcome:
        try:
            args = {f.name: data[f.name] for f in fields(cls) if f.name != "plan"}
            args["changes"] = tuple(args["changes"])
            args["completion_date"] = date.fromisoformat(args["completion_date"])
            args["costs"] = CostBreakdown(**args["costs"])
            args["exit_weeks"] = {str(k): int(v) for k, v in args["exit_weeks"].items()}
            return cls(**args)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ScenarioError([f"a scenario result cannot be read: {exc!r}"]) from None


@dataclass(frozen=True)
class ScenarioComparison:
    """The base plan and every scenario's plan, side by side, with the reasons."""

    currency: str
    plan_start: date
    scenarios: tuple[Scenario, ...]  # as asked, without the base
    outcomes: tuple[ScenarioOutcome, ...]  # base first; a cancelled run has no outcome
    cancelled: bool = False
    contract_vendors: dict[str, str] = field(default_factory=dict)  # contract_id -> vendor

    @property
    def base(self) -> ScenarioOutcome | None:
        return next((o for o in self.outcomes if o.name == BASE_NAME), None)

    def outcome(self, name: str) -> ScenarioOutcome:
        return next(o for o in self.outcomes if o.name == name)

    def table(self) -> pd.DataFrame:
        """One row per scenario: exit week/date, cost by component, differences to base."""
        base = self.base
        rows = []
        for o in self.outcomes:
            c = o.costs
            rows.append({
                "scenario": o.name, "changes": "; ".join(o.changes), "mode": o.mode,
                "status": o.status, "gap": o.gap,
                "completion_week": o.completion_week, "completion_date": o.completion_date,
                "full_exit": o.full_exit, "total_cost": o.total_cost, "run_cost": c.run,
                "setup_fees": c.setup_fees, "termination_fees": c.termination_fees,
                "commitment_shortfall": c.commitment_shortfall,
                "unserved_penalty": c.unserved_penalty, "unserved_tasks": c.unserved_tasks,
                "weeks_vs_base": o.completion_week - base.completion_week if base else None,
                "cost_vs_base": o.total_cost - base.total_cost if base else None,
            })
        return pd.DataFrame(rows)

    def exit_table(self) -> pd.DataFrame:
        """One row per contract: its vendor and exit week in each scenario."""
        ids = list(self.contract_vendors) or sorted(
            {c for o in self.outcomes for c in o.exit_weeks})
        frame = pd.DataFrame({"contract_id": ids,
                              "vendor": [self.contract_vendors.get(c, "") for c in ids]})
        for o in self.outcomes:
            frame[o.name] = [o.exit_weeks.get(c) for c in ids]
        return frame

    def summary(self) -> list[str]:
        """What changed and why, one paragraph per scenario, in plain words."""
        base = self.base
        lines = []
        if self.cancelled:
            done = len(self.outcomes)
            lines.append(f"Cancelled: {done} of {len(self.scenarios) + 1} plans finished.")
        if base is None:
            return [*lines, "The base plan was not solved, so nothing can be compared."]
        lines.append(f"{BASE_NAME}: {_exit_words(base)}, {money(base.total_cost, self.currency)}"
                     f" ({base.mode} plan).")
        for s in self.scenarios:
            found = [o for o in self.outcomes if o.name == s.name]
            if not found:
                lines.append(f"{s.name}: not solved (cancelled).")
                continue
            lines.append(explain(base, found[0], self.currency))
        return lines

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT + "-comparison", "version": VERSION, "currency": self.currency,
            "plan_start": self.plan_start.isoformat(), "cancelled": self.cancelled,
            "scenarios": [s.to_dict() for s in self.scenarios],
            "outcomes": [o.to_dict() for o in self.outcomes],
            "contract_vendors": dict(self.contract_vendors),
            "summary": self.summary(),  # for readers of the file; rebuilt on load
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ScenarioComparison:
        if not isinstance(data, Mapping) or data.get("format") != FORMAT + "-comparison":
            raise ScenarioError(["not a scenario comparison"])
        if not isinstance(data.get("version"), int) or data["version"] > VERSION:
            raise ScenarioError([f"scenario comparison version {data.get('version')!r} is "
                                 f"newer than this planner reads ({VERSION})"])
        try:
            return cls(
                currency=str(data["currency"]),
                plan_start=date.fromisoformat(data["plan_start"]),
                scenarios=tuple(scenarios_from_dict(list(data["scenarios"]))),
                outcomes=tuple(ScenarioOutcome.from_dict(o) for o in data["outcomes"]),
                cancelled=bool(data.get("cancelled", False)),
                contract_vendors={str(k): str(v) for k, v in
                                  dict(data.get("contract_vendors", {})).items()},
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ScenarioError([f"a scenario comparison cannot be read: {exc!r}"]) from None


def _exit_words(o: ScenarioOutcome) -> str:
    if o.full_exit:
        return f"full exit week {o.completion_week} ({o.completion_date.isoformat()})"
    if o.exits_within_horizon:
        return (f"no full exit: {o.costs.unserved_tasks:,.0f} tasks unserved (exited vendors "
                f"off by week {o.completion_week})")
    text = f"exited vendors still working at the end of the {o.horizon_weeks}-week horizon"
    if o.costs.unserved_tasks > TASK_EPS:
        text += f", {o.costs.unserved_tasks:,.0f} tasks unserved"
    return text


def _exit_change(base: ScenarioOutcome, s: ScenarioOutcome) -> str:
    b, n = base.completion_week, s.completion_week
    if base.full_exit and s.full_exit:
        if n == b:
            return f"full exit unchanged (week {n})"
        return f"full exit {weeks(abs(n - b))} {'earlier' if n < b else 'later'} (week {b} -> {n})"
    if s.full_exit:
        return f"full exit by week {n} (base: none within the {base.horizon_weeks}-week horizon)"
    if base.full_exit:
        return f"no full exit within the {s.horizon_weeks}-week horizon (base: week {b})"
    return f"still no full exit within the {s.horizon_weeks}-week horizon"


def _reasons(base: ScenarioOutcome, s: ScenarioOutcome, currency: str) -> list[str]:
    """The biggest cost movements, each tied to the vendor or contract it comes from."""
    items: list[tuple[float, str]] = []

    def each(old: dict[str, float], new: dict[str, float],
             words: Callable[[str, float], str]) -> None:
        for key in sorted(set(old) | set(new)):
            delta = new.get(key, 0.0) - old.get(key, 0.0)
            items.append((delta, words(key, delta)))

    def change(delta: float) -> str:
        return signed(delta, currency)

    each(base.run_by_vendor, s.run_by_vendor,
         lambda v, d: f"{'higher' if d > 0 else 'lower'} run cost at {v} ({change(d)})")
    each(base.shortfall_by_vendor, s.shortfall_by_vendor,
         lambda v, d: f"{'more' if d > 0 else 'less'} commitment shortfall at {v} ({change(d)})")
    each(base.termination_fees, s.termination_fees,
         lambda c, d: (f"terminates {c} early ({change(d)} fee)" if c not in base.termination_fees
                       else f"no early termination of {c} ({change(d)})" if c not in
                       s.termination_fees else
                       f"{'higher' if d > 0 else 'lower'} termination fee for {c} ({change(d)})"))
    each(base.setup_fees, s.setup_fees,
         lambda v, d: (f"engages {v} ({change(d)} setup)" if v not in base.setup_fees
                       else f"no setup fee for {v} ({change(d)})" if v not in s.setup_fees
                       else f"{'higher' if d > 0 else 'lower'} setup fee for {v} ({change(d)})"))
    du = s.costs.unserved_tasks - base.costs.unserved_tasks
    items.append((s.costs.unserved_penalty - base.costs.unserved_penalty,
                  f"{'more' if du > 0 else 'fewer'} unserved tasks ({du:+,.0f}, "
                  f"{change(s.costs.unserved_penalty - base.costs.unserved_penalty)} penalty)"))
    largest = max((abs(d) for d, _ in items), default=0.0)
    kept = [(d, w) for d, w in items if abs(d) >= max(0.5, 0.05 * largest)]
    kept.sort(key=lambda dw: -abs(dw[0]))
    return [w for _, w in kept[:3]]


def explain(base: ScenarioOutcome, s: ScenarioOutcome, currency: str) -> str:
    """``Turing +500 coding: full exit 3 weeks earlier (week 14 -> 11), $1.2M cheaper
    (total $297.7M): less commitment shortfall at Scale AI (-$0.9M), ...``"""
    what = "; ".join(s.changes)
    head = s.name if not what or what == s.name else f"{s.name} ({what})"
    delta = s.total_cost - base.total_cost
    noise = base.gap * abs(base.total_cost) + s.gap * abs(s.total_cost)
    if abs(delta) < 0.5:
        cost = f"same cost ({money(s.total_cost, currency)})"
    else:
        cost = (f"{money(abs(delta), currency)} {'cheaper' if delta < 0 else 'more expensive'} "
                f"(total {money(s.total_cost, currency)})")
        if abs(delta) <= noise:
            cost += ", within the solver's optimality gap"
    text = f"{head}: {_exit_change(base, s)}, {cost}"
    reasons = _reasons(base, s, currency)
    text += (": " + listing(reasons) + ".") if reasons else "."
    if s.mode != base.mode:
        text += f" ({s.mode} plan; base is {base.mode}.)"
    if s.status != SolveStatus.OPTIMAL.value:
        text += f" Solver stopped early ({s.status}, gap {s.gap:.2%})."
    moved = [(c, base.exit_weeks[c], w) for c, w in s.exit_weeks.items()
             if c in base.exit_weeks and base.exit_weeks[c] != w]
    if moved:
        moved.sort(key=lambda m: -abs(m[2] - m[1]))
        shown = [f"{c} week {b} -> {n}" for c, b, n in moved]
        text += f" Contract exits moved: {listing(shown, 5)}."
    return text


def _solve_job(shared: tuple[float | None, float | None], payload: Dataset,
               cancel: CancelToken) -> PlanResult | None:
    """Worker task: one scenario's plan (None when the user cancelled it)."""
    gap, time_limit = shared
    plan = solve(payload, gap=gap, time_limit=time_limit, cancel=cancel)
    return None if plan.status is SolveStatus.CANCELLED else plan


def compare_scenarios(
    dataset: Dataset,
    scenarios: Sequence[Scenario],
    *,
    mode: Mode | str | None = None,
    time_limit: float | None = None,
    gap: float | None = None,
    workers: int | None = None,
    progress: RunsProgress | None = None,
    cancel: CancelToken | None = None,
) -> ScenarioComparison:
    """Solve the base workbook and each scenario, and compare them.

    ``mode`` (default: the workbook's) applies to all, except a scenario that sets its
    own. ``time_limit`` and ``gap`` are per plan, as in :func:`planner.solve.solve`.
    Every scenario is checked before any solving starts (ScenarioError lists all
    problems). ``progress(done, total)`` counts plans; a cancel returns the plans
    finished so far, marked ``cancelled``."""
    base = dataset if mode is None else dataset.replace_settings(mode=Mode(mode))
    problems: list[str] = []
    _check_names([BASE_NAME, *(s.name for s in scenarios)], problems)
    datasets = [base]
    for s in scenarios:
        try:
            datasets.append(s.apply(base))
        except ScenarioError as exc:
            problems += [f"{s.name}: {p}" for p in exc.problems]
    if problems:
        raise ScenarioError(problems)
    jobs = run_jobs(_solve_job, (gap, time_limit), datasets, workers=workers,
                    progress=progress, cancel=cancel)
    currency = dataset.settings.currency
    named = [Scenario(BASE_NAME), *scenarios]
    outcomes = tuple(
        ScenarioOutcome.from_plan(named[i].name,
                                  [c.describe(currency) for c in named[i].changes], plan)
        for i, plan in sorted(jobs.results.items()))
    return ScenarioComparison(
        currency=currency, plan_start=dataset.settings.plan_start,
        scenarios=tuple(scenarios), outcomes=outcomes, cancelled=jobs.cancelled,
        contract_vendors={c.contract_id: c.vendor for c in dataset.contracts})
