"""The project file (``.mplan``): the raw workbook data, plan settings, the last plan, and
the what-if scenarios and ramp-risk settings.

JSON with a format tag and a schema version. Saves are atomic (temp file in the same
folder, fsync, ``os.replace``), so a crash mid-save leaves the old file intact. A file
from a newer version is refused with a clear message rather than half-read. Qt-free, so
it can run in a worker thread.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import tempfile
from dataclasses import asdict, dataclass, field, fields
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from planner import __version__
from planner.domain import Mode
from planner.insights.risk import RiskSpec
from planner.insights.scenarios import Scenario, scenarios_from_dict, scenarios_to_dict
from planner.problems import PlannerError
from planner.results import CostBreakdown, PlanResult, Shortage, SolveStatus

if TYPE_CHECKING:
    from planner.workbook import RawWorkbook

FORMAT = "migration-planner-project"
SCHEMA_VERSION = 2  # 2: scenarios and risk settings (absent in 1: none)
SUFFIX = ".mplan"


class ProjectError(PlannerError):
    """A project file that cannot be opened; ``str()`` says why in plain words."""


class ProjectUnreadable(ProjectError):
    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path.name}: {reason}")
        self.path = path
        self.reason = reason


class ProjectTooNew(ProjectError):
    def __init__(self, path: Path, version: int) -> None:
        super().__init__(
            f"{path.name} was saved by a newer version of the planner (project format "
            f"{version}; this version reads up to {SCHEMA_VERSION}). Update the planner "
            "to open it. The file was not changed.")
        self.path = path
        self.version = version


@dataclass
class PlanOptions:
    """What the Plan dialog asks; kept in the project so a re-plan starts from it."""

    mode: Mode = Mode.CHEAPEST
    deadline: date | None = None
    time_limit: float | None = None

    def to_json(self) -> dict[str, Any]:
        return {"mode": self.mode.value,
                "deadline": self.deadline.isoformat() if self.deadline else None,
                "time_limit": self.time_limit}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PlanOptions:
        deadline = data.get("deadline")
        limit = data.get("time_limit")
        return cls(Mode(data.get("mode", Mode.CHEAPEST.value)),
                   date.fromisoformat(deadline) if deadline else None,
                   float(limit) if limit is not None else None)


@dataclass(frozen=True)
class ScenarioEntry:
    """A what-if scenario: the changes as the user typed them, and as read."""

    scenario: Scenario
    text: str  # the changes in the text syntax (docs/scenarios-and-risk.md)

    @property
    def name(self) -> str:
        return self.scenario.name


@dataclass
class Project:
    raw: RawWorkbook
    source_path: str = ""  # the workbook the data was first imported from
    options: PlanOptions = field(default_factory=PlanOptions)
    plan: PlanResult | None = None
    baseline: PlanResult | None = None
    plan_stale: bool = False
    project_path: str = ""  # recovery files remember which project they belong to
    scenarios: list[ScenarioEntry] = field(default_factory=list)
    risk: RiskSpec | None = None  # the ramp-risk form's settings


# --- values ------------------------------------------------------------------------
def _encode_value(value: Any) -> Any:
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if isinstance(value, int | list | dict):
        return value
    if isinstance(value, tuple):
        return list(value)
    if value is pd.NaT:
        return None
    return str(value)


def _decode_value(value: Any) -> Any:
    if isinstance(value, dict):
        if "$date" in value:
            return date.fromisoformat(value["$date"])
        if "$datetime" in value:
            return datetime.fromisoformat(value["$datetime"])
    return value


def _encode_frame(frame: pd.DataFrame) -> dict[str, Any]:
    columns = [str(c) for c in frame.columns]
    rows = [[_encode_value(v) for v in row] for row in frame.itertuples(index=False, name=None)]
    return {"columns": columns, "dtypes": [str(t) for t in frame.dtypes], "rows": rows}


def _decode_frame(data: dict[str, Any]) -> pd.DataFrame:
    rows = [[_decode_value(v) for v in row] for row in data["rows"]]
    frame = pd.DataFrame(rows, columns=data["columns"])
    for column, dtype in zip(data["columns"], data["dtypes"], strict=True):
        if dtype != "object" and str(frame[column].dtype) != dtype:
            with contextlib.suppress(TypeError, ValueError):  # keep what pandas inferred
                frame[column] = frame[column].astype(dtype)
    return frame


def plan_to_json(plan: PlanResult) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in fields(plan):
        value = getattr(plan, f.name)
        if isinstance(value, pd.DataFrame):
            out[f.name] = {"$frame": _encode_frame(value)}
        elif isinstance(value, CostBreakdown):
            out[f.name] = asdict(value)
        elif f.name == "shortages":
            out[f.name] = [asdict(s) for s in value]
        else:
            out[f.name] = _encode_value(value)
    return out


def plan_from_json(data: dict[str, Any]) -> PlanResult:
    values: dict[str, Any] = {}
    for f in fields(PlanResult):
        if f.name not in data:
            continue  # an optional field added later keeps its default
        value = data[f.name]
        if isinstance(value, dict) and "$frame" in value:
            values[f.name] = _decode_frame(value["$frame"])
        elif f.name == "costs":
            values[f.name] = CostBreakdown(**value)
        elif f.name == "shortages":
            values[f.name] = [Shortage(**{**s, "streams": tuple(s["streams"])}) for s in value]
        elif f.name == "mode":
            values[f.name] = Mode(value)
        elif f.name == "status":
            values[f.name] = SolveStatus(value)
        else:
            values[f.name] = _decode_value(value)
    return PlanResult(**values)


def _raw_to_json(raw: RawWorkbook) -> Any:
    data = raw.to_json()
    return json.loads(data) if isinstance(data, str) else data


def _raw_from_json(data: Any) -> RawWorkbook:
    from planner.workbook import RawWorkbook

    return RawWorkbook.from_json(data)


# --- files -------------------------------------------------------------------------
def project_to_json(project: Project, *, include_plan: bool = True) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "schema_version": SCHEMA_VERSION,
        "app_version": __version__,
        "saved_at": datetime.now().isoformat(timespec="seconds"),
        "source_path": project.source_path,
        "project_path": project.project_path,
        "options": project.options.to_json(),
        "workbook": _raw_to_json(project.raw),
        "plan": plan_to_json(project.plan) if include_plan and project.plan else None,
        "baseline": (plan_to_json(project.baseline)
                     if include_plan and project.baseline else None),
        "plan_stale": project.plan_stale,
        "scenarios": {**scenarios_to_dict([e.scenario for e in project.scenarios]),
                      "texts": [e.text for e in project.scenarios]},
        "risk": project.risk.to_dict() if project.risk is not None else None,
    }


def atomic_write_bytes(path: Path, payload: bytes) -> None:
    """Write ``payload`` to ``path`` so that readers see the old file or the new, whole."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    if hasattr(os, "O_DIRECTORY"):  # make the rename itself durable (POSIX)
        dir_fd = os.open(path.parent, os.O_DIRECTORY)
        try:
            os.fsync(dir_fd)
        except OSError:
            pass
        finally:
            os.close(dir_fd)


def save_project(path: Path, project: Project, *, include_plan: bool = True) -> None:
    """Atomic save; raises :class:`ProjectUnreadable` (with the OS reason) on failure."""
    payload = json.dumps(project_to_json(project, include_plan=include_plan),
                         ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    try:
        atomic_write_bytes(path, payload.encode("utf-8"))
    except OSError as exc:
        raise ProjectUnreadable(path, f"could not save: {exc.strerror or exc}") from exc


def read_header(path: Path) -> dict[str, Any]:
    """Parse and check format and version; the rest is left to :func:`load_project`."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ProjectUnreadable(path, f"cannot be read: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise ProjectUnreadable(path, "is not a project file (not UTF-8 text)") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ProjectUnreadable(path, f"is damaged or not a project file ({exc.msg}, line "
                                f"{exc.lineno})") from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ProjectUnreadable(path, "is not a migration-planner project")
    version = data.get("schema_version")
    if not isinstance(version, int) or version < 1:
        raise ProjectUnreadable(path, f"has an invalid schema version {version!r}")
    if version > SCHEMA_VERSION:
        raise ProjectTooNew(path, version)
    return data


def load_project(path: Path) -> Project:
    data = read_header(path)
    try:
        raw = _raw_from_json(data["workbook"])
        options = PlanOptions.from_json(data.get("options") or {})
        plan = plan_from_json(data["plan"]) if data.get("plan") else None
        baseline = plan_from_json(data["baseline"]) if data.get("baseline") else None
        scenarios = _scenarios_from_json(data.get("scenarios"))
        risk = RiskSpec.from_dict(data["risk"]) if data.get("risk") else None
    except Exception as exc:  # whatever the JSON holds, the user gets one clear error
        raise ProjectUnreadable(path, f"is damaged ({type(exc).__name__}: {exc})") from exc
    return Project(raw=raw, source_path=str(data.get("source_path") or ""), options=options,
                   plan=plan, baseline=baseline, plan_stale=bool(data.get("plan_stale")),
                   project_path=str(data.get("project_path") or ""), scenarios=scenarios,
                   risk=risk)


def _scenarios_from_json(data: Any) -> list[ScenarioEntry]:
    if not data:
        return []
    texts = list(data.get("texts") or [])
    return [ScenarioEntry(s, str(texts[i]) if i < len(texts) else "")
            for i, s in enumerate(scenarios_from_dict(data))]


def saved_at(path: Path) -> str:
    """When a (recovery) file was written, for the recovery prompt."""
    try:
        return str(read_header(path).get("saved_at", ""))
    except ProjectError:
        return ""
