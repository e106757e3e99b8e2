"""The importer's public API: read a workbook, validate it, get a Dataset or every problem.

``validate`` is pure and cheap, so the app can edit ``RawWorkbook`` cells in place and
call it again after each edit; every Problem names (sheet, Excel row, header as written)
so it maps straight back to a cell.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from planner.domain import Dataset
from planner.problems import Problem, Severity, WorkbookErrors
from planner.validate import validate_raw
from planner.workbook import RawWorkbook, read_workbook

__all__ = ["ImportResult", "load_dataset", "load_workbook", "read_workbook", "validate"]


@dataclass
class ImportResult:
    raw: RawWorkbook
    dataset: Dataset | None  # None when any problem is an error
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return self.dataset is not None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.WARNING]


def validate(raw: RawWorkbook, today: date | None = None) -> ImportResult:
    """Check every rule of workbook-format.md; never raises for bad content."""
    dataset, problems = validate_raw(raw, today or date.today())
    return ImportResult(raw, dataset, problems)


def load_workbook(path: str | Path, today: date | None = None) -> ImportResult:
    """Read and validate; raises WorkbookUnreadable when the file cannot be read safely."""
    return validate(read_workbook(path), today)


def load_dataset(path: str | Path, today: date | None = None) -> Dataset:
    """Read, validate and return the Dataset; raises WorkbookUnreadable or WorkbookErrors."""
    result = load_workbook(path, today)
    if result.dataset is None:
        raise WorkbookErrors(result.problems, str(path))
    return result.dataset
