"""Everything the results views derive from a plan, computed once and off the GUI thread.

A big plan's views need aggregations (timeline bands, weekly loads per vendor, table
texts and summaries) that take a few hundred milliseconds of pandas and Python; done on
the GUI thread when the plan arrives, that freezes the window. :func:`prepare` computes
them all as plain data (this module and the ones it uses never import Qt). The planner's
worker process calls it right after the optimiser (:func:`ui.tasks.plan_here`), the
project loader in its worker thread; the main window files the result under its plan
with :func:`remember`, and each view looks it up with :func:`digest_of` when it shows
the plan. A plan without a digest (tests, plans made some other way) still shows: each
view then computes its part itself.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field

from planner.results import PlanResult
from ui.views.load_data import LoadDigest, load_digest
from ui.views.table_data import TABLES, PreparedTable, prepare_table
from ui.views.timeline_rows import ContractRow, build_rows


@dataclass(slots=True)
class PlanDigest:
    """A plan's view data (no reference to the plan itself: it travels next to it)."""

    timeline: list[ContractRow] | None = None
    load: LoadDigest | None = None
    tables: dict[str, PreparedTable] = field(default_factory=dict)


def prepare(plan: PlanResult) -> PlanDigest:
    """Compute every view's data for ``plan`` (empty for a plan without a solution)."""
    if not plan.status.has_plan:
        return PlanDigest()
    return PlanDigest(
        timeline=build_rows(plan),
        load=load_digest(plan),
        tables={spec.name: prepare_table(spec, plan, complete=True) for spec in TABLES},
    )


_digests: dict[int, tuple[weakref.ref[PlanResult], PlanDigest]] = {}


def remember(plan: PlanResult, digest: PlanDigest) -> None:
    """File ``digest`` under ``plan`` for as long as the plan lives (GUI thread only)."""
    key = id(plan)

    def forget(_: object, key: int = key) -> None:
        entry = _digests.get(key)
        if entry is not None and entry[0]() is None:
            del _digests[key]

    _digests[key] = (weakref.ref(plan, forget), digest)


def digest_of(plan: PlanResult) -> PlanDigest | None:
    """The digest remembered for ``plan`` (this very object), if any."""
    entry = _digests.get(id(plan))
    if entry is None or entry[0]() is not plan:
        return None
    return entry[1]
