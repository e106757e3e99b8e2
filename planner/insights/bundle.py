"""What the report and the app show of the insights: any subset of the five results."""

from __future__ import annotations

from dataclasses import dataclass

from planner.insights.doctor import DoctorReport
from planner.insights.levers import LeverReport
from planner.insights.risk import RiskResult
from planner.insights.scenarios import ScenarioComparison
from planner.insights.speed import PriceOfSpeed


@dataclass(frozen=True)
class InsightsBundle:
    """The insights computed for one plan; a missing one is None (not computed)."""

    speed: PriceOfSpeed | None = None
    levers: LeverReport | None = None
    doctor: DoctorReport | None = None
    scenarios: ScenarioComparison | None = None
    risk: RiskResult | None = None

    @property
    def empty(self) -> bool:
        return all(v is None for v in (self.speed, self.levers, self.doctor, self.scenarios,
                                        self.risk))
