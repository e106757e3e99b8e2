"""The plan command's readable summary."""

from __future__ import annotations

from dataclasses import replace

from planner.domain import CapacityOffer
from planner.plan_command import summary_lines
from planner.solve import solve
from tests.planner.builders import one_stream


def test_the_cli_summary_names_each_onboarding_by_vendor_and_skill() -> None:
    """Two skills at one vendor are two onboarding actions: the summary says which is
    which instead of printing the vendor twice."""
    base = one_stream(offers=[{"onboarding_weeks": 2}])
    s1 = base.streams[0]
    ds = replace(base, streams=(s1, replace(s1, stream_id="S2", skill="math")),
                    capacity=(*base.capacity, CapacityOffer("Turing", "math", 1000.0, 40.0,
                                                            onboarding_weeks=3)))
    lines = summary_lines(solve(ds, mode="cheapest"), None)
    onboarding = [line for line in lines if "onboarding start" in line]
    assert len(onboarding) == 2
    assert any("Turing for coding (2 wk onboarding" in line for line in onboarding)
    assert any("Turing for math (3 wk onboarding" in line for line in onboarding)
