"""From raw cells to a Dataset: every problem found at once, each located to the cell.

Each ``check_*`` function states one rule of workbook-format.md and appends what it
finds to a shared problem list; nothing raises on the first problem. The rules read the
column lists from planner.schema, so a column added there is parsed, defaulted and
reported here without further code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from planner.domain import (
    CapacityOffer,
    Contract,
    Dataset,
    Mode,
    Settings,
    Stream,
    Vendor,
    add_months,
    normalize_key,
    normalize_ref,
    normalize_skill,
)
from planner.parse import CellError, default_value, is_empty, parse_cell, parse_text, show
from planner.problems import Problem, Severity
from planner.schema import (
    CAPACITY,
    CONTRACTS,
    SETTINGS_KEYS,
    SETTINGS_SHEET,
    SHEETS,
    VENDORS,
    WORKSTREAMS,
    Column,
    SheetSchema,
)
from planner.workbook import RawSheet, RawWorkbook, header_key

ERROR, WARNING = Severity.ERROR, Severity.WARNING


@dataclass
class Record:
    """One data row: parsed values by column name, and where each came from."""

    row: int
    values: dict[str, Any]
    headers: dict[str, str]  # column name -> header as written (or the spec name)
    extra: dict[str, Any] = field(default_factory=dict)
    ok: bool = True

    def header(self, column: str) -> str:
        return self.headers.get(column, column)


@dataclass
class Checker:
    """Collects problems; one per sheet/row/column/message."""

    problems: list[Problem] = field(default_factory=list)

    def add(self, severity: Severity, sheet: str, message: str, row: int | None = None,
            column: str | None = None, found: str = "", expected: str = "") -> None:
        self.problems.append(Problem(severity, sheet, message, row, column, found, expected))

    @property
    def has_errors(self) -> bool:
        return any(p.severity is ERROR for p in self.problems)


# --- sheets and columns --------------------------------------------------------------

def check_sheets(raw: RawWorkbook, out: Checker) -> None:
    """Required sheets exist (a hidden or duplicated one was already reported at read)."""
    reported = {p.sheet for p in raw.sheet_problems if p.severity is ERROR and p.row is None}
    for schema in SHEETS:
        if schema.name in raw.sheets or schema.name in reported:
            continue
        if schema.required:
            out.add(ERROR, schema.name, f"missing sheet {schema.name!r}",
                    expected=f"a sheet named {schema.name} ({schema.description.lower()})")
        else:
            out.add(WARNING, schema.name, f"no {schema.name} sheet: every setting takes its "
                    "default")


def check_columns(schema: SheetSchema, sheet: RawSheet, out: Checker) -> dict[str, int] | None:
    """Map each known column to its index; report missing, duplicate and unknown columns."""
    if not sheet.headers:
        names = ", ".join(c.name for c in schema.required_columns)
        for col in schema.required_columns:
            out.add(ERROR, schema.name, f"missing column {col.name!r}: no header row holding "
                    f"all of {names} in the first 20 rows", column=col.name,
                    expected=col.expected)
        return None
    index: dict[str, int] = {}
    by_key = {c.key: c for c in schema.columns}
    for i, header in enumerate(sheet.headers):
        if not header:
            continue
        known = by_key.get(header_key(header))
        if known is None:
            out.add(WARNING, schema.name, f"unknown column {header!r} is kept but not used",
                    sheet.header_row, header)
            continue
        col = known
        if col.name in index:
            out.add(ERROR, schema.name, f"column {col.name!r} appears twice",
                    sheet.header_row, header,
                    found=f"{sheet.headers[index[col.name]]!r} and {header!r}",
                    expected="each column once")
        else:
            index[col.name] = i
    for col in schema.columns:
        if col.name in index:
            continue
        if col.required:
            out.add(ERROR, schema.name, f"missing column {col.name!r}", sheet.header_row,
                    col.name, expected=col.expected)
        elif col.default not in (None, ""):
            out.add(WARNING, schema.name, f"no column {col.name!r}: every row uses the "
                    f"default {_show_default(col)}", sheet.header_row, col.name)
    return index


def _show_default(col: Column) -> str:
    value = col.default
    if isinstance(value, bool):
        return "N" if not value else "Y"
    return show(value)


# --- rows ----------------------------------------------------------------------------

def _data_columns(schema: SheetSchema, index: dict[str, int]) -> list[int]:
    """Indexes of the required columns present; the first one first when present."""
    return [index[c.name] for c in schema.required_columns if c.name in index]


_SUMMARY_LABEL = re.compile(r"^\s*(grand\s*|sub-?)?(totals?|sums?|average|notes?)\b",
                            re.IGNORECASE)


def _is_data_row(required: list[int], cells: list[Any], first_present: bool = True) -> bool:
    """Data: the first required column and at least one other required column filled.

    A totals line ("Total" over a summed volume) fills two required columns too; it is
    told apart by its label and by leaving some required column empty. Without the first
    column (already an error), two filled required columns make a data row, so that the
    other cells are still checked.
    """
    if not first_present:
        return sum(not is_empty(cells[i]) for i in required) >= min(2, len(required) or 1)
    if not required or is_empty(cells[required[0]]):
        return False
    # A sheet with one required column (Vendors) has no "other" column to look at.
    filled = [not is_empty(cells[i]) for i in required[1:]]
    if filled and not any(filled):
        return False
    first = cells[required[0]]
    return not (isinstance(first, str) and _SUMMARY_LABEL.match(first) and not all(filled))


def read_records(schema: SheetSchema, sheet: RawSheet, index: dict[str, int], date1904: bool,
                 out: Checker) -> list[Record]:
    """Parse every data row; skip (and name) titles, totals and notes."""
    records: list[Record] = []
    headers = {name: sheet.headers[i] for name, i in index.items()}
    unknown = [(i, h) for i, h in enumerate(sheet.headers)
               if h and header_key(h) not in {c.key for c in schema.columns}]
    defaulted: dict[str, list[int]] = {}
    required = _data_columns(schema, index)
    first_present = schema.required_columns[0].name in index
    columns = [(col, index.get(col.name)) for col in schema.columns]
    for raw_row in sheet.rows:
        cells = raw_row.cells
        if not _is_data_row(required, cells, first_present):
            text = " | ".join(show(v) for v in cells if not is_empty(v))
            out.add(WARNING, schema.name, "row skipped: not a data row (title, total or "
                    "note?)", raw_row.excel_row, found=text[:80])
            continue
        record = Record(raw_row.excel_row, {}, headers)
        for col, i in columns:
            value = cells[i] if i is not None else None
            if is_empty(value):
                if col.required:
                    if i is not None:  # a missing column was reported once, not per row
                        out.add(ERROR, schema.name, f"missing {col.name}", raw_row.excel_row,
                                headers[col.name], expected=col.expected)
                    record.ok = False
                elif i is not None and col.default not in (None, ""):
                    defaulted.setdefault(col.name, []).append(raw_row.excel_row)
                record.values[col.name] = default_value(col)
                continue
            try:
                record.values[col.name] = parse_cell(col, value, date1904)
            except CellError as err:
                out.add(ERROR, schema.name, err.message, raw_row.excel_row, headers[col.name],
                        found=show(value), expected=err.expected)
                record.ok = False
        record.extra = {h: cells[i] for i, h in unknown if not is_empty(cells[i])}
        records.append(record)
    for name, rows in defaulted.items():
        col = schema.column(name)
        listed = ", ".join(str(r) for r in rows[:5]) + (", ..." if len(rows) > 5 else "")
        out.add(WARNING, schema.name, f"empty {name}: default {_show_default(col)} used in "
                f"{len(rows)} row(s) ({listed})", rows[0], headers[name])
    return records


def check_has_rows(schema: SheetSchema, records: list[Record], out: Checker) -> None:
    if not records:
        out.add(ERROR, schema.name, f"no data rows: {schema.name} needs at least one row",
                expected=schema.description.lower())


def check_unique(schema: SheetSchema, records: list[Record], key: tuple[str, ...],
                 out: Checker) -> None:
    """Duplicate IDs (or key pairs) are errors on every repeat, naming the first row."""
    seen: dict[tuple[str, ...], int] = {}
    for rec in records:
        if not all(isinstance(rec.values.get(k), str) for k in key):
            continue
        k = tuple(_key_part(name, rec.values[name]) for name in key)
        if k in seen:
            label = " + ".join(key)
            found = " / ".join(str(rec.values[name]) for name in key)
            out.add(ERROR, schema.name, f"duplicate {label} (first on row {seen[k]})", rec.row,
                    rec.header(key[-1]), found=found, expected=f"a unique {label}")
            rec.ok = False
        else:
            seen[k] = rec.row


def _key_part(name: str, value: str) -> str:
    return normalize_skill(value) if name == "skill" else normalize_ref(value)


def check_references(schema: SheetSchema, records: list[Record], column: str,
                     targets: set[str], target_sheet: str, out: Checker) -> None:
    for rec in records:
        value = rec.values.get(column)
        if isinstance(value, str) and normalize_ref(value) not in targets:
            out.add(ERROR, schema.name, f"unknown {column}: not in {target_sheet}", rec.row,
                    rec.header(column), found=value,
                    expected=f"a {column} listed in {target_sheet}")
            rec.ok = False


# --- settings ------------------------------------------------------------------------

def read_settings(raw: RawWorkbook, today: date,
                  out: Checker) -> tuple[Settings, tuple[int, str] | None]:
    """Key/value rows; returns the settings and the cell (row, header) of unserved_penalty
    when the sheet gives it, for warnings about it."""
    values: dict[str, Any] = {}
    rows: dict[str, int] = {}
    sheet = raw.sheets.get(SETTINGS_SHEET.name)
    if sheet is not None:
        index = check_columns(SETTINGS_SHEET, sheet, out)
        if index is not None:
            _read_settings_rows(sheet, index, raw.date1904, values, rows, out)
    plan_start = values.get("plan_start")
    if plan_start is None:
        plan_start = today + timedelta(days=(7 - today.weekday()) % 7)
        out.add(WARNING, SETTINGS_SHEET.name, "plan_start not set: the plan starts on "
                f"{plan_start.isoformat()}, the Monday on or after today",
                rows.get("plan_start"), "plan_start")
    defaults = [f"{c.name}={_show_default(c)}" for c in SETTINGS_KEYS
                if c.name not in values and c.default is not None]
    if defaults and sheet is not None:
        out.add(WARNING, SETTINGS_SHEET.name, "defaults used: " + ", ".join(defaults))
    settings = Settings(
        plan_start=plan_start,
        horizon_weeks=int(values.get("horizon_weeks", 104)),
        exit_deadline=values.get("exit_deadline"),
        mode=values.get("mode", Mode.CHEAPEST),
        unserved_penalty=float(values.get("unserved_penalty", 1000.0)),
        currency=str(values.get("currency", "USD")).upper(),
    )
    penalty_row = rows.get("unserved_penalty")
    if penalty_row is None or sheet is None:
        return settings, None
    value_header = sheet.headers[1] if len(sheet.headers) > 1 else "value"
    for i, header in enumerate(sheet.headers):
        if header_key(header) == "value":
            value_header = sheet.headers[i]
    return settings, (penalty_row, value_header)


def _read_settings_rows(sheet: RawSheet, index: dict[str, int], date1904: bool,
                        values: dict[str, Any], rows: dict[str, int], out: Checker) -> None:
    keys = {c.key: c for c in SETTINGS_KEYS}
    key_i, value_i = index["key"], index["value"]
    value_header = sheet.headers[value_i]
    for raw_row in sheet.rows:
        key_cell, value = raw_row.cells[key_i], raw_row.cells[value_i]
        if is_empty(key_cell):
            out.add(WARNING, SETTINGS_SHEET.name, "row skipped: no key", raw_row.excel_row,
                    found=show(value))
            continue
        name = parse_text(key_cell)
        col = keys.get(normalize_key(name))
        if col is None:
            out.add(WARNING, SETTINGS_SHEET.name, f"unknown setting {name!r} is ignored",
                    raw_row.excel_row, sheet.headers[key_i], found=name,
                    expected=", ".join(c.name for c in SETTINGS_KEYS))
            continue
        if col.name in rows:
            out.add(ERROR, SETTINGS_SHEET.name, f"setting {col.name!r} appears twice (first "
                    f"on row {rows[col.name]})", raw_row.excel_row, sheet.headers[key_i],
                    found=name, expected="each setting once")
            continue
        rows[col.name] = raw_row.excel_row
        if is_empty(value):
            continue
        try:
            values[col.name] = parse_cell(col, value, date1904)
        except CellError as err:
            out.add(ERROR, SETTINGS_SHEET.name, f"{col.name}: {err.message}", raw_row.excel_row,
                    value_header, found=show(value), expected=err.expected)
        if col.name == "currency" and col.name in values:
            code = str(values["currency"]).strip()
            if not (len(code) == 3 and code.isalpha()):
                out.add(ERROR, SETTINGS_SHEET.name, "currency: not an ISO code",
                        raw_row.excel_row, value_header, found=code,
                        expected="a three-letter ISO code such as USD or EUR")
                del values["currency"]


# --- building the domain objects -----------------------------------------------------

def _build(cls: type, records: Iterable[Record]) -> list[Any]:
    return [cls(**rec.values, row=rec.row) for rec in records if rec.ok]


def check_warnings(ds: Dataset, penalty_cell: tuple[int, str] | None, out: Checker,
                   complete: frozenset[str] = frozenset()) -> None:
    """The warnings of workbook-format.md, Errors: plannable, but worth a look.

    A warning that compares sheets is given only when those sheets read without error
    (``complete``, default all): a row dropped for an error must not look like a missing
    offer.
    """
    complete = complete or frozenset(sheet.name for sheet in SHEETS)
    streams_by_contract: dict[str, int] = {}
    for s in ds.streams:
        streams_by_contract[s.contract_id] = streams_by_contract.get(s.contract_id, 0) + 1
    start = ds.settings.plan_start
    for c in ds.contracts:
        if c.contract_id not in streams_by_contract and WORKSTREAMS.name in complete:
            out.add(WARNING, CONTRACTS.name, "contract has no streams (its fee and commitment "
                    "still count)", c.row, "contract_id", found=c.contract_id)
        if effective_end(c, start) <= start:
            out.add(WARNING, CONTRACTS.name, "contract is already over before plan start",
                    c.row, "end_date", found=c.end_date.isoformat(),
                    expected=f"an end after {start.isoformat()} if it still runs")
    offered = {o.vendor for o in ds.capacity}
    for v in ds.vendors:
        if v.vendor in ds.exited_vendors:
            out.add(WARNING, VENDORS.name, "vendor is also a contract's (exited) vendor: it is "
                    "never an alternative", v.row, "vendor", found=v.vendor)
        elif v.vendor not in offered and CAPACITY.name in complete:
            out.add(WARNING, VENDORS.name, "vendor has no Capacity rows: it can take no work",
                    v.row, "vendor", found=v.vendor)
    offers_by_skill: dict[str, list[CapacityOffer]] = {}
    for o in ds.capacity:
        offers_by_skill.setdefault(o.skill_key, []).append(o)
    placeable = {VENDORS.name, CAPACITY.name} <= complete
    for s in ds.streams if placeable else ():
        if not any(ds.is_eligible(s, o) for o in offers_by_skill.get(s.skill_key, [])):
            out.add(WARNING, WORKSTREAMS.name, "no eligible vendor can take this stream "
                    "(skill, clearance, conflicts): it stays unserved after exit", s.row,
                    "skill", found=s.skill)
    priced = [(s.unit_price, WORKSTREAMS.name, s.row) for s in ds.streams] + [
        (o.unit_price, CAPACITY.name, o.row) for o in ds.capacity]
    if priced:
        price, sheet_name, row = max(priced)
        if price > ds.settings.unserved_penalty:
            out.add(WARNING, SETTINGS_SHEET.name, "unserved_penalty is below a unit price: "
                    "leaving work undone may look cheaper than doing it",
                    penalty_cell[0] if penalty_cell else None,
                    penalty_cell[1] if penalty_cell else "unserved_penalty",
                    found=show(ds.settings.unserved_penalty),
                    expected=f"at least {show(price)} ({sheet_name} row {row})")


def effective_end(c: Contract, plan_start: date) -> date:
    """planning-model.md: a renewal no longer refusable moves the end date."""
    if c.auto_renew and c.end_date - timedelta(days=c.renewal_notice_days) < plan_start:
        return add_months(c.end_date, c.renewal_months)
    return c.end_date


def _fix_headers(problems: list[Problem], records: dict[str, list[Record]]) -> list[Problem]:
    """Warnings raised on domain objects name spec columns; map them to headers as written."""
    from dataclasses import replace

    lookup = {(name, rec.row): rec for name, recs in records.items() for rec in recs}
    fixed = []
    for p in problems:
        rec = lookup.get((p.sheet, p.row)) if p.row is not None else None
        if rec is not None and p.column in rec.headers:
            p = replace(p, column=rec.header(p.column))
        fixed.append(p)
    return fixed


def validate_raw(raw: RawWorkbook, today: date) -> tuple[Dataset | None, list[Problem]]:
    """All rules, in the order a reader fixes them: sheets, columns, cells, references."""
    out = Checker(list(raw.sheet_problems))
    check_sheets(raw, out)
    records: dict[str, list[Record]] = {}
    for schema in (CONTRACTS, WORKSTREAMS, VENDORS, CAPACITY):
        sheet = raw.sheets.get(schema.name)
        if sheet is None:
            continue
        index = check_columns(schema, sheet, out)
        if index is None:
            continue
        records[schema.name] = read_records(schema, sheet, index, raw.date1904, out)
    settings, penalty_cell = read_settings(raw, today, out)
    contracts = records.get(CONTRACTS.name, [])
    streams = records.get(WORKSTREAMS.name, [])
    vendors = records.get(VENDORS.name, [])
    capacity = records.get(CAPACITY.name, [])
    for schema, recs in ((CONTRACTS, contracts), (WORKSTREAMS, streams)):
        if schema.name in records:
            check_has_rows(schema, recs, out)
    check_unique(CONTRACTS, contracts, ("contract_id",), out)
    check_unique(WORKSTREAMS, streams, ("stream_id",), out)
    check_unique(VENDORS, vendors, ("vendor",), out)
    check_unique(CAPACITY, capacity, ("vendor", "skill"), out)
    if CONTRACTS.name in records:
        ids = {normalize_ref(r.values["contract_id"]) for r in contracts
               if isinstance(r.values.get("contract_id"), str)}
        check_references(WORKSTREAMS, streams, "contract_id", ids, CONTRACTS.name, out)
    if VENDORS.name in records:
        names = {normalize_ref(r.values["vendor"]) for r in vendors
                 if isinstance(r.values.get("vendor"), str)}
        check_references(CAPACITY, capacity, "vendor", names, VENDORS.name, out)
    dataset = Dataset(
        contracts=tuple(_build(Contract, contracts)),
        streams=tuple(_build(Stream, streams)),
        vendors=tuple(_build(Vendor, vendors)),
        capacity=tuple(_build(CapacityOffer, capacity)),
        settings=settings,
        source=raw.source,
        extra=_extras(records),
    )
    warnings = Checker()
    complete = frozenset(name for name, recs in records.items() if all(r.ok for r in recs))
    check_warnings(dataset, penalty_cell, warnings, complete)
    problems = sorted(out.problems + _fix_headers(warnings.problems, records), key=_reading_order)
    if out.has_errors:
        return None, problems
    return dataset, problems


_SHEET_ORDER = {s.name: i for i, s in enumerate(SHEETS)}


def _reading_order(p: Problem) -> tuple[bool, int, int]:
    """Errors first, then sheet by sheet, top to bottom (stable within a row)."""
    return p.severity is not ERROR, _SHEET_ORDER.get(p.sheet, -1), p.row or 0


def _extras(records: dict[str, list[Record]]) -> dict[str, dict[str, dict[str, Any]]]:
    ids = {CONTRACTS.name: ("contract_id",), WORKSTREAMS.name: ("stream_id",),
           VENDORS.name: ("vendor",), CAPACITY.name: ("vendor", "skill")}
    extra: dict[str, dict[str, dict[str, Any]]] = {}
    for name, recs in records.items():
        for rec in recs:
            if rec.ok and rec.extra:
                key = " / ".join(str(rec.values[k]) for k in ids[name])
                extra.setdefault(name, {})[key] = dict(rec.extra)
    return extra

