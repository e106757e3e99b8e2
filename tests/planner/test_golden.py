"""Golden results: every shared example workbook, both modes, through the real importer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from planner.baseline import naive_plan
from planner.domain import Mode
from planner.importer import load_dataset
from planner.solve import solve
from planner.verify import verify_plan

EXAMPLES = Path(__file__).resolve().parents[3] / "shared" / "examples"
EXPECTED = json.loads((EXAMPLES / "expected.json").read_text()) if EXAMPLES.exists() else {}


@pytest.mark.parametrize("name", sorted(EXPECTED))
@pytest.mark.parametrize("mode", [Mode.CHEAPEST, Mode.FASTEST])
def test_example(name: str, mode: Mode) -> None:
    exp = EXPECTED[name]
    ds = load_dataset(EXAMPLES / f"{name}.xlsx")
    plan = solve(ds, mode=mode)
    check = verify_plan(ds, plan)
    assert check.ok, check.violations
    key = mode.value
    if mode is Mode.FASTEST and exp["fastest_total_cost"] is None:
        assert plan.fastest_feasible is False
        assert plan.shortages
        key = "cheapest"
    assert plan.total_cost == pytest.approx(exp[f"{key}_total_cost"], rel=1e-6, abs=0.01)
    if mode is Mode.FASTEST or key == "cheapest":
        assert plan.completion_week == exp[f"{key}_completion_week"]
    baseline = naive_plan(ds)
    assert verify_plan(ds, baseline).ok
    assert plan.total_cost <= baseline.total_cost + 0.01


def test_examples_are_present() -> None:
    assert len(EXPECTED) == 5


def test_frontier_lab_sample_is_proven_optimal() -> None:
    """Regression: the plan read back after branch and bound must be the best one found."""
    sample = Path(__file__).resolve().parents[2] / "sample_contracts" / "frontier_lab.xlsx"
    ds = load_dataset(sample)
    plan = solve(ds)
    assert verify_plan(ds, plan).ok
    assert plan.status.value == "optimal"
    assert plan.gap <= 1e-4
    assert plan.total_cost >= plan.bound
    assert plan.costs.unserved_tasks == 0
    assert plan.total_cost <= naive_plan(ds).total_cost
