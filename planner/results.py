"""A plan as tables: what the app shows, the report prints and the export writes.

Every figure here follows planning-model.md. The tables are pandas DataFrames with the
columns listed in each field's comment; they are the truth the views adapt.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

import pandas as pd

from planner.domain import Mode


class SolveStatus(StrEnum):
    OPTIMAL = "optimal"  # proven within the requested gap
    FEASIBLE = "feasible"  # a plan, not proven optimal (gap shown)
    TIME_LIMIT = "time limit"  # stopped by the time limit; best plan found
    CANCELLED = "cancelled"  # stopped by the user; best plan found
    INFEASIBLE = "infeasible"  # no plan (should not happen: unserved work is always allowed)
    ERROR = "error"

    @property
    def has_plan(self) -> bool:
        return self not in (SolveStatus.INFEASIBLE, SolveStatus.ERROR)


@dataclass(frozen=True, slots=True)
class CostBreakdown:
    run: float = 0.0  # tasks x unit price, exited vendors and alternatives
    run_exited: float = 0.0  # part of run paid to the exited vendors
    run_alternatives: float = 0.0  # part of run paid to alternative vendors
    setup_fees: float = 0.0
    termination_fees: float = 0.0
    commitment_shortfall: float = 0.0
    unserved_penalty: float = 0.0
    unserved_tasks: float = 0.0

    @property
    def total(self) -> float:
        return (
            self.run
            + self.setup_fees
            + self.termination_fees
            + self.commitment_shortfall
            + self.unserved_penalty
        )

    def as_rows(self) -> list[tuple[str, float]]:
        """(label, amount) for charts and tables, in the spec's order."""
        return [
            ("Run cost", self.run),
            ("Setup fees", self.setup_fees),
            ("Termination fees", self.termination_fees),
            ("Commitment shortfall", self.commitment_shortfall),
            ("Unserved penalty", self.unserved_penalty),
        ]


@dataclass(frozen=True, slots=True)
class Shortage:
    """Why a full exit is blocked (fastest mode without a feasible week)."""

    kind: str  # "capacity", "cutover", "contract ends", "no eligible vendor", "deadline"
    skill: str
    first_week: int
    last_week: int
    tasks_short: float  # total tasks that cannot be placed over those weeks
    streams: tuple[str, ...]
    message: str  # plain-words explanation


@dataclass
class PlanResult:
    mode: Mode
    status: SolveStatus
    plan_start: date
    horizon_weeks: int
    currency: str
    objective: float  # total cost of the plan (== costs.total)
    bound: float  # best proven lower bound on the cost
    gap: float  # relative optimality gap (0 = proven optimal)
    solve_seconds: float
    completion_week: int  # week after the last week with work on an exited vendor
    costs: CostBreakdown
    # stream_id, contract_id, skill, vendor, exited (bool), week, week_start (date), tasks,
    # unit_price, cost -- one row per nonzero amount, the exited vendor under its own name
    allocation: pd.DataFrame
    # contract_id, vendor, title, end_date, effective_end, renewal_locked (bool), last_week
    # (L_c), exit_week, exit_date, terminated_early (bool), notice_by (date|None),
    # non_renewal_by (date|None), termination_fee, commitment_due, spend, shortfall
    contracts: pd.DataFrame
    # vendor, exited (bool), engaged (bool), setup_fee, tasks, cost (run cost + setup fee)
    vendors: pd.DataFrame
    # stream_id, contract_id, skill, week, week_start, tasks, reason
    unserved: pd.DataFrame
    # week, week_start, run_exited, run_alternatives, unserved_penalty, one_off (setup +
    # termination + shortfall, booked in the week they fall due), total
    weekly_cost: pd.DataFrame
    # date, kind ("termination notice", "non-renewal notice", "onboarding start"),
    # contract_id (or ""), vendor, deadline (date the action serves), description
    actions: pd.DataFrame
    # vendor, skill, week, capacity, used -- per alternative offer and week (load charts)
    capacity: pd.DataFrame
    # stream_id, contract_id, skill, name, weekly_volume, first_week_moved (int|None),
    # last_week_exited (int|None) -- per stream, for the timeline
    streams: pd.DataFrame
    fastest_feasible: bool | None = None  # fastest mode: was a full exit found?
    shortages: list[Shortage] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # plain-words remarks for the user
    source_name: str = ""
    lp_bound: float | None = None  # the LP relaxation's cost (first bound), when solved

    @property
    def completion_date(self) -> date:
        from datetime import timedelta

        return self.plan_start + timedelta(days=7 * self.completion_week)

    @property
    def total_cost(self) -> float:
        return self.costs.total
