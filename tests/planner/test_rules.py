"""One small hand-computed model per rule of planning-model.md, binding and not binding.

Base case (builders.one_stream): 100 tasks/week at $50 on Scale AI for 10 weeks; Turing
takes coding at $40. Moving everything at once costs 100 x 10 x 40 = $40,000.
Every plan is also re-checked by the independent verifier.
"""

from __future__ import annotations

from datetime import date

import pytest

from planner.domain import Level, Mode
from planner.model.data import contract_terms
from planner.results import PlanResult, SolveStatus
from planner.solve import solve
from planner.verify import verify_plan
from tests.planner.builders import START, one_stream, week


def plan(ds, **kw) -> PlanResult:  # type: ignore[no-untyped-def]
    result = solve(ds, **kw)
    check = verify_plan(ds, result, kw.get("deadline"))
    assert check.ok, check.violations
    assert result.status is SolveStatus.OPTIMAL
    return result


def cost(ds, **kw) -> float:  # type: ignore[no-untyped-def]
    return plan(ds, **kw).total_cost


def test_base_case_moves_everything_at_once() -> None:
    result = plan(one_stream())
    assert result.total_cost == pytest.approx(40_000)
    assert result.completion_week == 0
    assert result.costs.run_alternatives == pytest.approx(40_000)


@pytest.mark.parametrize(("capacity", "expected", "completion"), [
    (1000.0, 40_000, 0),  # not binding
    (60.0, 60 * 10 * 40 + 40 * 10 * 50, 10),  # binding: Scale AI keeps 40/week
])
def test_capacity(capacity: float, expected: float, completion: int) -> None:
    result = plan(one_stream(offers=[{"weekly_capacity": capacity}]))
    assert result.total_cost == pytest.approx(expected)
    assert result.completion_week == completion


@pytest.mark.parametrize(("onboarding", "ramp", "expected"), [
    (0, 0, 40_000),
    # r = 0, 0, 0.5, 1...: Turing 750 tasks, Scale AI 100 + 100 + 50
    (2, 2, 750 * 40 + 250 * 50),
])
def test_onboarding_and_ramp(onboarding: int, ramp: int, expected: float) -> None:
    ds = one_stream(offers=[{"weekly_capacity": 100.0, "onboarding_weeks": onboarding,
                             "ramp_weeks": ramp}])
    assert cost(ds) == pytest.approx(expected)


@pytest.mark.parametrize(("cutover", "expected", "completion"), [
    (0, 40_000, 0),
    (1, 40_000, 0),
    # 25/week growth: Turing 25 + 50 + 75 + 7 x 100, Scale AI 75 + 50 + 25
    (4, 850 * 40 + 150 * 50, 3),
])
def test_cutover_speed(cutover: int, expected: float, completion: int) -> None:
    result = plan(one_stream(stream={"cutover_weeks": cutover}))
    assert result.total_cost == pytest.approx(expected)
    assert result.completion_week == completion


@pytest.mark.parametrize(("share", "expected"), [
    (1.0, 40_000),
    (0.4, 400 * 40 + 600 * 50),  # Turing at most 40 of the 100 tasks a week
])
def test_share_cap(share: float, expected: float) -> None:
    assert cost(one_stream(vendors=[{"vendor": "Turing", "max_share": share}])) == (
        pytest.approx(expected))


@pytest.mark.parametrize(("vendor", "skill", "expected"), [
    ({"vendor": "Turing"}, "coding", 40_000),
    ({"vendor": "Turing"}, "  CODING ", 40_000),  # skills match loosely
    ({"vendor": "Turing", "clearance": Level.PUBLIC}, "coding", 50_000),
    ({"vendor": "Turing", "conflicted": True}, "coding", 50_000),
    ({"vendor": "Turing"}, "LiDAR 3D", 50_000),
])
def test_eligibility(vendor: dict[str, object], skill: str, expected: float) -> None:
    ds = one_stream(vendors=[vendor], offers=[{"skill": skill}])
    assert cost(ds) == pytest.approx(expected)


def test_exited_vendor_is_never_an_alternative() -> None:
    ds = one_stream(vendors=[{"vendor": "Scale AI"}],
                    offers=[{"vendor": "Scale AI", "unit_price": 1.0}])
    result = plan(ds)
    assert result.total_cost == pytest.approx(50_000)
    assert set(result.allocation["vendor"]) == {"Scale AI"}


@pytest.mark.parametrize(("fee", "expected", "engaged"), [
    (5_000.0, 45_000, True),  # saving $10,000 of run cost is worth the fee
    (15_000.0, 50_000, False),  # not worth it: stay on Scale AI
])
def test_setup_fee(fee: float, expected: float, engaged: bool) -> None:
    result = plan(one_stream(vendors=[{"vendor": "Turing", "setup_fee": fee}]))
    assert result.total_cost == pytest.approx(expected)
    turing = result.vendors.set_index("vendor").loc["Turing"]
    assert bool(turing["engaged"]) is engaged
    assert result.costs.setup_fees == pytest.approx(fee if engaged else 0.0)


@pytest.mark.parametrize(("fee", "notice", "expected", "exit_week", "early"), [
    # e = 0: fee + 40,000 (nothing accrued)
    (20_000.0, 0, 60_000, 0, True),
    # fee too high: keep to week 10, buy 50,000 from Scale AI, pay 50,000 shortfall
    (70_000.0, 0, 100_000, 10, False),
    # 14 days notice: earliest exit week 2: fee + 2 weeks of Scale AI (10,000 spend
    # against 20,000 due) + 8 weeks of Turing
    (20_000.0, 14, 20_000 + 10_000 + 10_000 + 32_000, 2, True),
])
def test_termination_fee_against_commitment(fee: float, notice: int, expected: float,
                                            exit_week: int, early: bool) -> None:
    ds = one_stream(contract={"termination_fee": fee, "min_commitment": 100_000.0,
                              "notice_days": notice})
    result = plan(ds)
    assert result.total_cost == pytest.approx(expected)
    row = result.contracts.iloc[0]
    assert row["exit_week"] == exit_week
    assert bool(row["terminated_early"]) is early
    if early:
        assert row["notice_by"] == date.fromordinal(week(exit_week).toordinal() - notice)
        kinds = set(result.actions["kind"])
        assert "termination notice" in kinds


def test_commitment_prorated_over_a_term_longer_than_the_horizon() -> None:
    # T = 20 weeks, H = 10: only 10/20 of the commitment accrues within the horizon.
    ds = one_stream(contract={"end_date": week(20), "min_commitment": 200_000.0,
                              "termination_fee": 1e9})
    result = plan(ds)
    row = result.contracts.iloc[0]
    assert row["commitment_due"] == pytest.approx(100_000)
    # Scale AI for all 10 weeks: 50,000 spend, 50,000 shortfall
    assert result.total_cost == pytest.approx(100_000)


def test_locked_renewal_moves_the_end_date() -> None:
    base = {"end_date": week(4), "auto_renew": True, "renewal_months": 6}
    locked = one_stream(contract={**base, "renewal_notice_days": 60}, offers=[], vendors=[],
                        horizon=40)
    free = one_stream(contract={**base, "renewal_notice_days": 10}, offers=[], vendors=[],
                      horizon=40)
    t_locked = contract_terms(locked.contracts[0], START, 40)
    assert t_locked.renewal_locked and t_locked.effective_end == date(2026, 8, 2)
    assert t_locked.T == 29
    # locked: Scale AI 29 weeks, 11 weeks unserved at $1000/task
    assert cost(locked) == pytest.approx(29 * 100 * 50 + 11 * 100 * 1000)
    # refusable: ends week 4, and the plan lists the non-renewal notice
    result = plan(free)
    assert result.total_cost == pytest.approx(4 * 100 * 50 + 36 * 100 * 1000)
    notices = result.actions[result.actions["kind"] == "non-renewal notice"]
    assert list(notices["date"]) == [date.fromordinal(week(4).toordinal() - 10)]


def test_month_end_renewal_clamps() -> None:
    c = one_stream(contract={"end_date": date(2026, 1, 31), "auto_renew": True,
                             "renewal_months": 1, "renewal_notice_days": 60}).contracts[0]
    assert contract_terms(c, START, 10).effective_end == date(2026, 2, 28)


@pytest.mark.parametrize("where", ["settings", "stream"])
def test_deadline_forces_unserved(where: str) -> None:
    offers = [{"weekly_capacity": 60.0}]
    if where == "settings":
        ds = one_stream(offers=offers, exit_deadline=week(5))
    else:
        ds = one_stream(offers=offers, stream={"exit_by": week(5)})
    result = plan(ds)
    assert result.total_cost == pytest.approx(600 * 40 + 200 * 50 + 200 * 1000)
    assert result.costs.unserved_tasks == pytest.approx(200)
    assert result.completion_week == 5


def test_cli_deadline_overrides_settings() -> None:
    ds = one_stream(offers=[{"weekly_capacity": 60.0}])
    assert cost(ds, deadline=week(5)) == pytest.approx(234_000)
    assert cost(ds) == pytest.approx(44_000)


def test_contract_over_before_plan_start_leaves_work_unserved() -> None:
    ds = one_stream(contract={"end_date": date(2025, 12, 1)}, offers=[], vendors=[])
    result = plan(ds)
    assert result.total_cost == pytest.approx(1000 * 100 * 10)
    assert set(result.unserved["reason"]) == {"no eligible vendor (skill, clearance or conflict)"}


def test_fastest_pays_for_an_earlier_exit() -> None:
    ds = one_stream(stream={"unit_price": 30.0, "cutover_weeks": 4},
                    offers=[{"weekly_capacity": 100.0}])
    cheapest = plan(ds, mode=Mode.CHEAPEST)
    assert cheapest.total_cost == pytest.approx(30_000)
    assert cheapest.completion_week == 10
    fastest = plan(ds, mode=Mode.FASTEST)
    assert fastest.fastest_feasible is True
    assert fastest.completion_week == 3
    assert fastest.total_cost == pytest.approx(850 * 40 + 150 * 30)


def test_fastest_without_a_full_exit_falls_back_and_explains() -> None:
    ds = one_stream(offers=[{"weekly_capacity": 60.0}], horizon=10,
                    contract={"end_date": week(30)})
    result = plan(ds, mode=Mode.FASTEST)
    assert result.fastest_feasible is False
    assert result.mode is Mode.FASTEST
    assert result.total_cost == pytest.approx(cost(ds, mode=Mode.CHEAPEST))
    assert result.shortages and result.shortages[0].skill == "coding"
