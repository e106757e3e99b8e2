"""The plan file of planning-model.md (.xlsx) and the allocation as CSV.

Values only, never formulas: user text that starts with = + - @ is written as text in
the workbook and quoted in CSV, so a hostile stream name cannot run in a spreadsheet.
Writes are atomic (temp file in the same folder, then os.replace).
"""

from __future__ import annotations

import csv
import math
import os
import tempfile
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
    kinds = {type(v) for v in values}
    if kinds and kinds <= {float, int} and bool not in kinds:
        def number(r: int, c: int, v: Any) -> None:
            if v != v:  # NaN: an empty cell
                ws.write_blank(r, c, None)
            else:
                ws.write_number(r, c, v)
        return number
    if kinds == {date}:
        def day(r: int, c: int, v: Any) -> None:
            ws.write_number(r, c, (v - _EXCEL_EPOCH).days, date_fmt)
        return day
    if kinds == {str}:
        return ws.write_string  # type: ignore[no-any-return]
    return lambda r, c, v: generic(ws, r, c, v)


def write_plan_xlsx(path: str | Path, plan: PlanResult) -> Path:
    path = Path(path)
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
