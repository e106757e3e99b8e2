"""The plan file (.xlsx) and allocation CSV of planning-model.md: sheets, columns, values
not formulas, real dates, hostile text kept as text; long tables written fast but exactly
as xlsxwriter writes them."""

from __future__ import annotations

import csv
import zipfile
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

import planner.export as export
from planner.importer import load_dataset
from planner.results import PlanResult
from planner.solve import solve
from sample_contracts.generator import preset, write_workbook
from tests.planner.builders import one_stream

HOSTILE = ('=HYPERLINK("http://evil.example","x")', "+cmd|' /C calc'!A0", "@SUM(1)",
           "-2+3", "A&B <c> \"d\"")


@pytest.fixture(scope="module")
def long_plan(tmp_path_factory: pytest.TempPathFactory) -> PlanResult:
    """The generated S workbook's plan (over 2,000 allocation rows), with hostile text as
    the names of some streams and vendors."""
    path = write_workbook(preset("S", seed=1), tmp_path_factory.mktemp("s") / "S.xlsx")
    plan = solve(load_dataset(path), gap=1e-3)
    alloc = plan.allocation.copy()
    ids = sorted(alloc["stream_id"].unique())
    alloc["stream_id"] = alloc["stream_id"].replace(dict(zip(ids, HOSTILE, strict=False)))
    alloc.loc[alloc.index[:3], "vendor"] = HOSTILE[0]
    return replace(plan, allocation=alloc)


def sheet_xml(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/")}


def test_the_plan_file_has_the_spec_sheets_values_and_dates(tmp_path: Path) -> None:
    plan = solve(one_stream(), mode="cheapest")
    out = export.write_plan_xlsx(tmp_path / "plan.xlsx", plan)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Summary", "Allocation", "Contracts", "Vendors", "Unserved"]
    summary = {r[0]: r[1] for r in wb["Summary"].iter_rows(min_row=2, values_only=True)}
    assert list(summary) == list(export.SUMMARY_KEYS)
    assert summary["total_cost"] == pytest.approx(plan.total_cost)
    assert isinstance(summary["plan_start"], datetime)
    header = [c.value for c in wb["Allocation"][1]]
    assert tuple(header) == export.ALLOCATION_COLUMNS
    rows = list(wb["Allocation"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(plan.allocation)
    assert all(isinstance(r[3], datetime) for r in rows)
    for ws in wb.worksheets:  # values only: no cell holds a formula
        assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)


def test_a_long_table_is_written_exactly_as_xlsxwriter_writes_it(
        long_plan: PlanResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert len(long_plan.allocation) >= export._FAST_ROWS
    fast = export.write_plan_xlsx(tmp_path / "fast.xlsx", long_plan)
    monkeypatch.setattr(export, "_FAST_ROWS", 10**9)
    slow = export.write_plan_xlsx(tmp_path / "slow.xlsx", long_plan)
    assert sheet_xml(fast) == sheet_xml(slow)


def test_hostile_text_stays_text_in_the_file_and_the_csv(long_plan: PlanResult,
                                                         tmp_path: Path) -> None:
    out = export.write_plan_xlsx(tmp_path / "plan.xlsx", long_plan)
    ws = openpyxl.load_workbook(out)["Allocation"]
    cells = {c.value: c.data_type for row in ws.iter_rows(min_row=2, max_col=2) for c in row}
    for text in HOSTILE:
        assert cells.get(text) == "s", text  # a string cell, never a formula
    read = [(r[0], r[1], r[2], r[4]) for r in ws.iter_rows(min_row=2, values_only=True)]
    expected = list(long_plan.allocation[["stream_id", "vendor", "week", "tasks"]]
                    .itertuples(index=False, name=None))
    assert read == [(s, v, w, pytest.approx(t)) for s, v, w, t in expected]
    csv_path = export.write_allocation_csv(tmp_path / "alloc.csv", long_plan)
    with open(csv_path, newline="", encoding="utf-8") as fh:
        first = {row[0] for row in csv.reader(fh)}
    for text in HOSTILE[:4]:  # formula triggers get a leading quote
        assert "'" + text in first and text not in first
    assert HOSTILE[4] in first


def test_text_the_fast_writer_does_not_render_goes_through_xlsxwriter() -> None:
    plain = [["FL-001", "Turing", 3, date(2026, 1, 5), 12.5]]
    assert export._fast_kinds(plain) == ["text", "text", "number", "date", "number"]
    for odd in (" lead", "trail ", "tab\there", "_x0041_", "bell\x07"):
        assert export._fast_kinds([[odd, "Turing", 3, date(2026, 1, 5), 1.0]]) is None
    assert export._fast_kinds([["FL-001", "Turing", 3, date(2026, 1, 5), float("nan")]]) \
        is None
