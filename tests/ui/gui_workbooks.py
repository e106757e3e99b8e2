"""Workbooks built in code for the GUI tests."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from sample_contracts.generator import generate, write_workbook


def small_workbook(path: Path) -> Path:
    """A few contracts and streams: plans in well under a second."""
    return write_workbook(generate(2, 4, 4, 12, seed=3), path)


def big_workbook(path: Path) -> Path:
    """Large enough that planning takes seconds (for cancel tests)."""
    return write_workbook(generate(60, 300, 14, 104, seed=1), path)


def broken_workbook(path: Path) -> Path:
    """Known errors: a text volume, a bad date, an unknown contract reference."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Contracts"
    ws.append(["contract_id", "vendor", "end_date", "notice_days"])
    ws.append(["C1", "Scale AI", "2027-06-30", 30])
    ws.append(["C2", "Scale AI", "31/02/2027", 30])  # impossible date
    ws = wb.create_sheet("Workstreams")
    ws.append(["stream_id", "contract_id", "skill", "weekly_volume", "unit_price"])
    ws.append(["S1", "C1", "coding", "lots", 50])  # not a number
    ws.append(["S2", "C9", "coding", 100, 50])  # unknown contract
    ws = wb.create_sheet("Vendors")
    ws.append(["vendor", "clearance"])
    ws.append(["Turing", "confidential"])
    ws = wb.create_sheet("Capacity")
    ws.append(["vendor", "skill", "weekly_capacity", "unit_price"])
    ws.append(["Turing", "coding", 500, 40])
    ws = wb.create_sheet("Settings")
    ws.append(["key", "value"])
    ws.append(["plan_start", "2027-01-04"])
    ws.append(["horizon_weeks", 26])
    wb.save(path)
    return path
