"""Typed, user-facing errors. Library exceptions never reach the user raw."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong (or worth knowing) about the input, located to the cell."""

    severity: Severity
    sheet: str
    message: str
    row: int | None = None  # Excel row number (1-based), None for sheet-level problems
    column: str | None = None  # header as written in the workbook (or the spec name)
    found: str = ""
    expected: str = ""

    @property
    def location(self) -> str:
        parts = [self.sheet] if self.sheet else []
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column!r}")
        return ", ".join(parts)

    def render(self) -> str:
        """One line for the CLI and the Problems panel."""
        text = f"{self.severity.value}: {self.location}: {self.message}" if self.location else (
            f"{self.severity.value}: {self.message}"
        )
        if self.found:
            text += f" (found {self.found!r}"
            text += f", expected {self.expected})" if self.expected else ")"
        elif self.expected:
            text += f" (expected {self.expected})"
        return text


class PlannerError(Exception):
    """Base of every error the user may see; ``str()`` is a clear message."""


class WorkbookUnreadable(PlannerError):
    """The file is not a workbook we can safely read (one-line reason)."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class WorkbookErrors(PlannerError):
    """The workbook was read but rejected; carries every problem found."""

    def __init__(self, problems: Iterable[Problem], source: str = "") -> None:
        self.problems = list(problems)
        self.source = source
        errors = [p for p in self.problems if p.severity is Severity.ERROR]
        super().__init__(f"{source or 'workbook'}: rejected with {len(errors)} error(s)")

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]

    def render(self) -> str:
        lines = [str(self)]
        lines += ["  " + p.render() for p in self.problems]
        return "\n".join(lines)
