"""The plan file of planning-model.md (.xlsx) and the allocation as CSV.

Values only, never formulas: user text that starts with = + - @ is written as text in
the workbook and quoted in CSV, so a hostile stream name cannot run in a spreadsheet.
Writes are atomic (temp file in the same folder, then os.replace).
"""

from __future__ import annotations

import csv
import math
import os
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import xlsxwriter

from planner.results import PlanResult

SUMMARY_KEYS = ("mode", "plan_start", "horizon_weeks", "completion_week", "completion_date",
                "total_cost", "run_cost", "setup_fees", "termination_fees",
                "commitment_shortfall", "unserved_tasks", "unserved_penalty", "solver_status",
                "optimality_gap")
ALLOCATION_COLUMNS = ("stream_id", "vendor", "week", "week_start", "tasks")
CONTRACT_COLUMNS = ("contract_id", "vendor", "exit_week", "exit_date", "terminated_early",
                    "notice_by", "termination_fee", "commitment_due", "spend", "shortfall")
VENDOR_COLUMNS = ("vendor", "engaged", "setup_fee", "tasks", "cost")
UNSERVED_COLUMNS = ("stream_id", "week", "tasks")
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def summary(plan: PlanResult) -> dict[str, Any]:
    c = plan.costs
    return {
        "mode": plan.mode.value,
        "plan_start": plan.plan_start,
        "horizon_weeks": plan.horizon_weeks,
        "completion_week": plan.completion_week,
        "completion_date": plan.completion_date,
        "total_cost": plan.total_cost,
        "run_cost": c.run,
        "setup_fees": c.setup_fees,
        "termination_fees": c.termination_fees,
        "commitment_shortfall": c.commitment_shortfall,
        "unserved_tasks": c.unserved_tasks,
        "unserved_penalty": c.unserved_penalty,
        "solver_status": plan.status.value,
        "optimality_gap": plan.gap,
    }


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temp path beside ``path``; replaces ``path`` only if the block succeeds."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _sheet_rows(frame: pd.DataFrame, columns: tuple[str, ...]) -> list[list[Any]]:
    return frame.loc[:, list(columns)].astype(object).values.tolist() if len(frame) else []


_EXCEL_EPOCH = date(1899, 12, 30)


def _column_writer(ws: Any, values: list[Any], date_fmt: Any,
                   generic: Callable[[Any, int, int, Any], None]
                   ) -> Callable[[int, int, Any], None]:
    """The cheapest correct writer for a column whose cells are all of one plain kind
    (numbers, dates or text); a mixed column gets the generic, per-cell check."""
    kind = _column_kind(values)
    if kind == "number":
        def number(r: int, c: int, v: Any) -> None:
            if v != v:  # NaN: an empty cell
                ws.write_blank(r, c, None)
            else:
                ws.write_number(r, c, v)
        return number
    if kind == "date":
        def day(r: int, c: int, v: Any) -> None:
            ws.write_number(r, c, (v - _EXCEL_EPOCH).days, date_fmt)
        return day
    if kind == "text":
        return ws.write_string  # type: ignore[no-any-return]
    return lambda r, c, v: generic(ws, r, c, v)


def _column_kind(values: list[Any]) -> str | None:
    """"number", "date" or "text" when every cell of a column is of that one plain kind
    (a date, not a datetime), else None."""
    types = {type(v) for v in values}
    if types and types <= {float, int}:
        return "number"
    if types == {date}:
        return "date"
    if types == {str}:
        return "text"
    return None


# Text xlsxwriter writes as it is but for & < > (no control characters, no "_x" escape
# look-alikes, no outer whitespace, far below Excel's length limit).
_PLAIN_TEXT = re.compile(r"(?!\s)(?!.*_x)[^\x00-\x1f\x7f]{0,1000}(?<!\s)", re.S)
_FAST_ROWS = 2_000  # tables this long get their rows written by _sheet_data


def _fast_kinds(rows: list[list[Any]]) -> list[str] | None:
    """Each column's kind ("text", "number", "date") when every cell is one the fast row
    writer renders exactly as xlsxwriter would, else None."""
    kinds: list[str] = []
    for c in range(len(rows[0])):
        values = [row[c] for row in rows]
        kind = _column_kind(values)
        if kind == "text":
            fast = all(_PLAIN_TEXT.fullmatch(v) for v in set(values))
        else:  # numbers: no NaN (a blank cell) and no infinity
            fast = kind == "date" or (kind == "number" and all(map(math.isfinite, values)))
        if kind is None or not fast:
            return None
        kinds.append(kind)
    return kinds


def _sheet_data(rows: list[list[Any]], kinds: list[str], date_style: str, first: int) -> str:
    """The <row> elements of ``rows`` from sheet row ``first`` on, as xlsxwriter writes
    them in constant_memory mode (inline strings, numbers as %.16G, dates as serials)."""
    letters = [chr(ord("A") + c) for c in range(len(kinds))]
    columns: list[list[str]] = []
    for c, kind in enumerate(kinds):
        values = [row[c] for row in rows]
        if kind == "text":
            escaped = {v: v.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                       for v in set(values)}
            cells = [f'" t="inlineStr"><is><t>{escaped[v]}</t></is></c>' for v in values]
        elif kind == "number":
            cells = [f'"><v>{v:.16G}</v></c>' for v in values]
        else:
            cells = [f'" s="{date_style}"><v>{(v - _EXCEL_EPOCH).days:.16G}</v></c>'
                     for v in values]
        columns.append(cells)
    out = []
    for i, row_cells in enumerate(zip(*columns, strict=True)):
        r = first + i
        out.append(f'<row r="{r}">' + "".join(
            f'<c r="{letters[c]}{r}{cell}' for c, cell in enumerate(row_cells)) + "</row>")
    return "".join(out)


def _fill_sheet(xlsx: Path, sheet: int, rows: list[list[Any]], kinds: list[str]) -> None:
    """Replace the second data row on of worksheet ``sheet`` (1-based) with ``rows[1:]``
    rendered by :func:`_sheet_data` (the first data row, written by xlsxwriter, gives the
    date style)."""
    name = f"xl/worksheets/sheet{sheet}.xml"
    with zipfile.ZipFile(xlsx) as z:
        entries = [(info, z.read(info)) for info in z.infolist()]
    out = xlsx.with_suffix(".fill")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in entries:
            if info.filename == name:
                xml = data.decode("utf-8")
                style = re.search(r'<c r="[A-Z]+2" s="(\d+)"', xml)
                end = xml.index("</sheetData>")  # after row 2, the last one written
                xml = (xml[:end] + _sheet_data(rows[1:], kinds, style.group(1) if style
                                               else "0", 3) + xml[end:])
                xml = re.sub(r'<dimension ref="A1:([A-Z]+)2"/>',
                             rf'<dimension ref="A1:\g<1>{len(rows) + 1}"/>', xml, count=1)
                data = xml.encode("utf-8")
            z.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    os.replace(out, xlsx)


def write_plan_xlsx(path: str | Path, plan: PlanResult) -> Path:
    path = Path(path)
    fill: list[tuple[int, list[list[Any]], list[str]]] = []  # sheets whose rows come later
    with atomic_path(path) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False,
                                            "strings_to_urls": False,
                                            "strings_to_numbers": False,
                                            "constant_memory": True})
        date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
        bold = wb.add_format({"bold": True})

        def write(ws: Any, r: int, c: int, value: Any) -> None:
            if value is None or (isinstance(value, float) and math.isnan(value)):
                ws.write_blank(r, c, None)
            elif isinstance(value, bool):
                ws.write_boolean(r, c, value)
            elif isinstance(value, datetime | date | pd.Timestamp):
                dt = value if isinstance(value, datetime) else datetime(value.year, value.month,
                                                                         value.day)
                ws.write_datetime(r, c, dt, date_fmt)
            elif isinstance(value, int | float):
                ws.write_number(r, c, float(value))
            else:
                ws.write_string(r, c, str(value))

        def table(name: str, header: tuple[str, ...], rows: list[list[Any]]) -> None:
            # constant_memory: rows are written in order and streamed to disk
            ws = wb.add_worksheet(name)
            for c, h in enumerate(header):
                ws.write_string(0, c, h, bold)
            writers = [_column_writer(ws, [row[c] for row in rows], date_fmt, write)
                       for c in range(len(header))]
            kinds = _fast_kinds(rows) if len(rows) >= _FAST_ROWS else None
            if kinds is not None:  # a long table: rows after the first are filled in later
                fill.append((len(wb.worksheets()), rows, kinds))
                rows = rows[:1]
            for r, row in enumerate(rows, start=1):
                for c, value in enumerate(row):
                    writers[c](r, c, value)
            ws.freeze_panes(1, 0)
            ws.set_column(0, len(header) - 1, 16)

        table("Summary", ("key", "value"), [[k, v] for k, v in summary(plan).items()])
        table("Allocation", ALLOCATION_COLUMNS, _sheet_rows(plan.allocation, ALLOCATION_COLUMNS))
        table("Contracts", CONTRACT_COLUMNS, _sheet_rows(plan.contracts, CONTRACT_COLUMNS))
        table("Vendors", VENDOR_COLUMNS, _sheet_rows(plan.vendors, VENDOR_COLUMNS))
        table("Unserved", UNSERVED_COLUMNS, _sheet_rows(plan.unserved, UNSERVED_COLUMNS))
        wb.close()
        for sheet, rows, kinds in fill:
            _fill_sheet(tmp, sheet, rows, kinds)
    return path


def _csv_safe(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    if isinstance(value, date):
        return value.isoformat()
    return value


def write_allocation_csv(path: str | Path, plan: PlanResult) -> Path:
    path = Path(path)
    with atomic_path(path) as tmp, open(tmp, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(ALLOCATION_COLUMNS)
        for row in _sheet_rows(plan.allocation, ALLOCATION_COLUMNS):
            w.writerow([_csv_safe(v) for v in row])
    return path


def write_plan(path: str | Path, plan: PlanResult) -> Path:
    """Plan file by extension: .csv writes the allocation, anything else the .xlsx."""
    path = Path(path)
    if path.suffix.lower() == ".csv":
        return write_allocation_csv(path, plan)
    return write_plan_xlsx(path, plan)
