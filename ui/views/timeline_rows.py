"""What the timeline shows, as plain data: contracts, their streams, bands and phases.

Qt-free (numpy and pandas only), so it can be built next to the optimiser in the
planner's worker process (see :mod:`ui.views.digest`) and handed to the GUI ready to
paint. :func:`build_rows` turns a plan into :class:`ContractRow` objects, each with its
:class:`StreamRow` objects; a stream row holds its weekly tasks per vendor, the bands
(runs of weeks with the same vendor mix, for painting) and the segments (phases, for
tooltips and bar labels).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from planner.results import PlanResult
from ui.views.formats import as_date, is_missing

UNSERVED = ""  # the pseudo-vendor of unserved work in bands
EPS = 1e-6


class Phase(StrEnum):
    EXITING = "on the exiting vendor"
    CUTOVER = "cutover"
    NEW = "on the new vendor"
    UNSERVED = "unserved"


class Band(NamedTuple):
    """A run of weeks ``[start, end)`` with the same vendor mix (fractions of the volume).

    Bands and segments are named tuples: a big plan has thousands, and they travel
    pickled from the planner process; tuples are the cheapest to rebuild in the GUI.
    """

    start: int
    end: int
    parts: tuple[tuple[str, float, bool], ...]  # (vendor or UNSERVED, fraction, exited)


class Segment(NamedTuple):
    """A phase of one stream: what a tooltip names."""

    stream_id: str
    contract_id: str
    phase: Phase
    start_week: int
    end_week: int  # exclusive
    vendors: tuple[str, ...]

    @property
    def label(self) -> str:
        """The text on the bar: who does the work (or what is happening)."""
        match self.phase:
            case Phase.EXITING:
                return self.vendors[0] if self.vendors else ""
            case Phase.NEW:
                return ", ".join(self.vendors)
            case Phase.CUTOVER:
                return "cutover"
            case _:
                return "unserved"


@dataclass(slots=True)
class StreamRow:
    stream_id: str
    contract_id: str
    name: str
    skill: str
    volume: float
    vendors: tuple[tuple[str, bool], ...]  # columns of ``tasks`` (unserved is the last one)
    tasks: np.ndarray  # (len(vendors) + 1, weeks)
    bands: list[Band]
    segments: list[Segment]

    def __reduce__(self) -> tuple[Any, ...]:  # positional: compact and fast to unpickle
        return (
            StreamRow,
            (
                self.stream_id,
                self.contract_id,
                self.name,
                self.skill,
                self.volume,
                self.vendors,
                self.tasks,
                self.bands,
                self.segments,
            ),
        )

    @property
    def detail(self) -> str:
        """Name and skill, as the label column shows them after the id."""
        return " · ".join(p for p in (self.name, self.skill) if p)


@dataclass(slots=True)
class ContractRow:
    contract_id: str
    vendor: str
    title: str
    exit_week: int | None
    exit_date: date | None
    last_week: int | None
    early: bool
    notice_by: date | None
    non_renewal_by: date | None
    termination_fee: float
    streams: list[StreamRow] = field(default_factory=list)

    def __reduce__(self) -> tuple[Any, ...]:
        return (
            ContractRow,
            (
                self.contract_id,
                self.vendor,
                self.title,
                self.exit_week,
                self.exit_date,
                self.last_week,
                self.early,
                self.notice_by,
                self.non_renewal_by,
                self.termination_fee,
                self.streams,
            ),
        )


def _int_or_none(value: object) -> int | None:
    return None if is_missing(value) else int(value)  # type: ignore[call-overload]


def _label(name: object, stream_id: str) -> str:
    """A stream's name, blank when missing or just repeating its id."""
    text = "" if is_missing(name) else str(name).strip()
    return "" if text == stream_id else text


def _runs(codes: np.ndarray) -> list[tuple[int, int]]:
    """[start, end) of the runs of equal values in a 1-D array (or equal columns in 2-D)."""
    if codes.shape[-1] == 0:
        return []
    cuts = (
        np.nonzero(
            np.any(codes[..., 1:] != codes[..., :-1], axis=0)
            if codes.ndim > 1
            else codes[1:] != codes[:-1]
        )[0]
        + 1
    )
    bounds = [0, *cuts.tolist(), codes.shape[-1]]
    return list(itertools.pairwise(bounds))


_PHASE_OF = {1: Phase.CUTOVER, 2: Phase.EXITING, 3: Phase.NEW, 4: Phase.UNSERVED}


def _stream_row(
    stream_id: str,
    contract_id: str,
    name: str,
    skill: str,
    volume: float,
    vendors: list[tuple[str, bool]],
    tasks: np.ndarray,
) -> StreamRow:
    """Bands (for painting) and phases (for tooltips) of one stream's week-by-week tasks."""
    total = tasks.sum(axis=0)
    served = total > EPS
    frac = np.divide(tasks, total, out=np.zeros_like(tasks), where=served)
    mix = np.round(frac * 50)  # 2 % steps: cutover weeks differ, flat weeks merge
    runs = _runs(mix)
    columns = [*vendors, (UNSERVED, False)]
    starts = [start for start, _ in runs]
    served_at = served[starts].tolist()
    fractions = frac[:, starts].T.tolist()  # one list of python floats per run
    bands = [
        Band(
            start,
            end,
            tuple(
                (vendor, share, exited)
                for (vendor, exited), share in zip(columns, shares, strict=True)
                if share > EPS
            ),
        )
        for (start, end), on, shares in zip(runs, served_at, fractions, strict=True)
        if on
    ]
    exited_mask = np.array([ex for _, ex in vendors] + [False], dtype=bool)
    alt_mask = np.array([not ex for _, ex in vendors] + [False], dtype=bool)
    on_exited = tasks[exited_mask].sum(axis=0) > EPS
    on_alt = tasks[alt_mask].sum(axis=0) > EPS
    unserved = tasks[-1] > EPS
    code = np.where(
        on_exited & on_alt, 1, np.where(on_exited, 2, np.where(on_alt, 3, np.where(unserved, 4, 0)))
    )
    segments = []
    for start, end in _runs(code):
        phase = int(code[start])
        if phase == 0:
            continue
        present = (tasks[:-1, start:end].sum(axis=1) > EPS).tolist()
        segments.append(
            Segment(
                stream_id,
                contract_id,
                _PHASE_OF[phase],
                start,
                end,
                tuple(v for (v, _), p in zip(vendors, present, strict=True) if p),
            )
        )
    return StreamRow(
        stream_id, contract_id, name, skill, volume, tuple(vendors), tasks, bands, segments
    )


def _contract_row(rec: dict[str, Any]) -> ContractRow:
    fee: Any = rec.get("termination_fee")
    return ContractRow(
        contract_id=str(rec.get("contract_id", "")),
        vendor=str(rec.get("vendor", "")),
        title="" if is_missing(rec.get("title")) else str(rec.get("title")),
        exit_week=_int_or_none(rec.get("exit_week")),
        exit_date=as_date(rec.get("exit_date")),
        last_week=_int_or_none(rec.get("last_week")),
        early=bool(rec.get("terminated_early", False)),
        notice_by=as_date(rec.get("notice_by")),
        non_renewal_by=as_date(rec.get("non_renewal_by")),
        termination_fee=0.0 if is_missing(fee) else float(fee),
    )


def _pair_tasks(alloc: pd.DataFrame, weeks: int) -> tuple[list[tuple[str, str, bool]], np.ndarray]:
    """One dense row of weekly tasks per (stream, vendor) with work: compact for big plans."""
    if alloc.empty:
        return [], np.zeros((0, weeks))
    stream_codes, streams = pd.factorize(alloc["stream_id"].astype(str))
    vendor_codes, vendors = pd.factorize(alloc["vendor"].astype(str))
    codes, pair_ids = pd.factorize(stream_codes * len(vendors) + vendor_codes)
    exited = alloc["exited"].to_numpy(dtype=bool)
    first_row = np.zeros(len(pair_ids), dtype=int)
    first_row[codes[::-1]] = np.arange(len(codes))[::-1]  # first row of each pair
    stream_names = [str(s) for s in streams]
    vendor_names = [str(v) for v in vendors]
    n_vendors = len(vendors)
    pairs = [
        (stream_names[p // n_vendors], vendor_names[p % n_vendors], ex)
        for p, ex in zip(pair_ids.tolist(), exited[first_row].tolist(), strict=True)
    ]
    tasks = np.zeros((len(pairs), weeks))
    week = alloc["week"].to_numpy(dtype=int)
    keep = (week >= 0) & (week < weeks)
    np.add.at(tasks, (codes[keep], week[keep]), alloc["tasks"].to_numpy(dtype=float)[keep])
    return pairs, tasks


def _unserved_tasks(unserved: pd.DataFrame, weeks: int) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    if unserved.empty:
        return out
    codes, streams = pd.factorize(unserved["stream_id"].astype(str))
    matrix = np.zeros((len(streams), weeks))
    week = unserved["week"].to_numpy(dtype=int)
    keep = (week >= 0) & (week < weeks)
    np.add.at(matrix, (codes[keep], week[keep]), unserved["tasks"].to_numpy(dtype=float)[keep])
    return {str(sid): matrix[i] for i, sid in enumerate(streams)}


def build_rows(plan: PlanResult) -> list[ContractRow]:
    """Contracts in plan order, each with its streams and their precomputed bands."""
    weeks = plan.horizon_weeks
    contracts = {
        row.contract_id: row for row in map(_contract_row, plan.contracts.to_dict("records"))
    }
    pairs, pair_tasks = _pair_tasks(plan.allocation, weeks)
    pairs_of: dict[str, list[int]] = {}
    for i, (sid, _, _) in enumerate(pairs):
        pairs_of.setdefault(sid, []).append(i)
    unserved_of = _unserved_tasks(plan.unserved, weeks)
    info = {str(rec["stream_id"]): rec for rec in plan.streams.to_dict("records")}
    contract_of: dict[str, str] = {}
    for frame in (plan.unserved, plan.allocation):
        if not frame.empty:
            firsts = frame.drop_duplicates("stream_id")
            contract_of.update(
                zip(firsts["stream_id"].astype(str), firsts["contract_id"].astype(str), strict=True)
            )
    extra = [s for s in dict.fromkeys([*pairs_of, *unserved_of]) if s not in info]
    no_work = np.zeros(weeks)
    for sid in [*info, *extra]:
        rec = info.get(sid, {})
        cid = str(rec.get("contract_id", contract_of.get(sid, "")))
        contract = contracts.setdefault(
            cid, ContractRow(cid, "", "", None, None, None, False, None, None, 0.0)
        )
        idx = sorted(pairs_of.get(sid, []), key=lambda i: (not pairs[i][2], pairs[i][1]))
        tasks = np.vstack([pair_tasks[idx], unserved_of.get(sid, no_work)[None, :]])
        volume = rec.get("weekly_volume")
        contract.streams.append(
            _stream_row(
                sid,
                cid,
                _label(rec.get("name"), sid),
                "" if is_missing(rec.get("skill")) else str(rec.get("skill")),
                float(tasks.sum(axis=0).max(initial=0.0)) if is_missing(volume) else float(volume),
                [(pairs[i][1], pairs[i][2]) for i in idx],
                tasks,
            )
        )
    return list(contracts.values())
