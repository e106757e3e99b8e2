"""PlanSession: many plans of one workbook, re-solved warm, equal to planning from scratch."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from planner.domain import Dataset
from planner.importer import load_dataset
from planner.results import PlanResult, SolveStatus
from planner.solve import PlanSession, solve
from planner.verify import verify_plan
from sample_contracts.generator import preset, write_workbook
from tests.planner.builders import one_stream, setup_fee_trap


def checked(ds: Dataset, result: PlanResult) -> PlanResult:
    check = verify_plan(ds, result)
    assert check.ok, check.violations
    assert check.total_cost == pytest.approx(result.total_cost, rel=1e-9, abs=0.01)
    return result


def with_capacity(ds: Dataset, vendor: str, weekly: float, onboarding: int | None = None,
                  ramp: int | None = None) -> Dataset:
    offers = []
    for o in ds.capacity:
        if o.vendor == vendor:
            o = replace(o, weekly_capacity=weekly)
            if onboarding is not None:
                o = replace(o, onboarding_weeks=onboarding)
            if ramp is not None:
                o = replace(o, ramp_weeks=ramp)
        offers.append(o)
    return replace(ds, capacity=tuple(offers))


def two_vendors() -> Dataset:
    """Scale AI at $50, Turing $40 (setup fee $2,000), Labelbox $45: capacity decides."""
    return one_stream(
        vendors=[{"vendor": "Turing", "setup_fee": 2_000.0}, {"vendor": "Labelbox"}],
        offers=[{"vendor": "Turing", "weekly_capacity": 60.0},
                {"vendor": "Labelbox", "unit_price": 45.0, "weekly_capacity": 30.0}],
        stream={"cutover_weeks": 2})


@pytest.mark.parametrize(("turing", "warm"), [
    (0.0, False),  # an offer with no capacity is no offer: the model is rebuilt
    (20.0, True), (60.0, True), (100.0, True), (250.0, True),
])
def test_capacity_change_is_warm_and_equals_a_fresh_solve(turing: float, warm: bool) -> None:
    base = two_vendors()
    session = PlanSession(base)
    first = checked(base, session.plan("cheapest"))
    assert first.status is SolveStatus.OPTIMAL
    variant = with_capacity(base, "Turing", turing)
    assert session.update(variant) is warm  # same offers, only capacity: re-solved warm
    again = checked(variant, session.plan("cheapest"))
    fresh = solve(variant, mode="cheapest")
    assert again.total_cost == pytest.approx(fresh.total_cost, rel=1e-9)
    assert again.completion_week == fresh.completion_week
    # and back again
    assert session.update(base) is warm
    assert session.plan("cheapest").total_cost == pytest.approx(first.total_cost, rel=1e-9)


def test_later_onboarding_is_warm_earlier_rebuilds() -> None:
    base = with_capacity(two_vendors(), "Turing", 60.0, onboarding=2, ramp=2)
    session = PlanSession(base)
    session.plan("cheapest")
    slipped = with_capacity(base, "Turing", 60.0, onboarding=4, ramp=3)
    assert session.update(slipped) is True
    warm = checked(slipped, session.plan("fastest"))
    fresh = solve(slipped, mode="fastest")
    assert (warm.completion_week, warm.total_cost) == (
        fresh.completion_week, pytest.approx(fresh.total_cost, rel=1e-9))
    earlier = with_capacity(base, "Turing", 60.0, onboarding=0, ramp=0)
    assert session.update(earlier) is False  # x columns before week 2 do not exist: rebuilt
    rebuilt = checked(earlier, session.plan("fastest"))
    assert rebuilt.total_cost == pytest.approx(solve(earlier, mode="fastest").total_cost)


def test_other_changes_rebuild() -> None:
    base = two_vendors()
    session = PlanSession(base)
    pricier = replace(base, streams=(replace(base.streams[0], unit_price=60.0),))
    assert session.update(pricier) is False
    assert checked(pricier, session.plan("cheapest")).total_cost == pytest.approx(
        solve(pricier, mode="cheapest").total_cost)


def test_plan_by_week() -> None:
    """100 tasks/week, cutover 4 (25/week growth), Turing $40 unlimited, Scale AI $50, 10
    weeks: the earliest full exit is week 3; finishing by week W >= 3 costs the same
    (moving is cheaper anyway) and by week 2 is impossible."""
    ds = one_stream(stream={"cutover_weeks": 4})
    session = PlanSession(ds)
    assert session.earliest_full_exit() == 3
    assert session.plan_by(2) is None
    by3 = session.plan_by(3)
    assert by3 is not None
    checked(ds, by3)
    assert by3.completion_week <= 3
    assert by3.total_cost == pytest.approx(850 * 40 + 150 * 50)


def test_plan_by_week_prices_speed_when_staying_is_cheaper() -> None:
    """Turing at $60 > Scale AI at $50, cutover 4: finishing by week W (3 <= W <= 10)
    keeps Scale AI at full volume until W - 4, then hands over 25/week; each week earlier
    moves 100 more tasks to the pricier vendor: +$1,000 per week."""
    ds = one_stream(stream={"cutover_weeks": 4}, offers=[{"unit_price": 60.0}])
    session = PlanSession(ds)
    costs = {}
    for week in (4, 6, 8, 9, 10):
        result = session.plan_by(week)
        assert result is not None
        checked(ds, result)
        costs[week] = result.total_cost
    # weeks < W-3 on Scale AI at full volume, then 75, 50, 25 (150 tasks), the rest Turing
    for week in (4, 6, 8, 9):
        scale = 100 * (week - 3) + 150
        assert costs[week] == pytest.approx(scale * 50 + (1000 - scale) * 60)
    assert costs[4] - costs[6] == pytest.approx(2 * 1_000)
    # by week 10 = the contract's end and the horizon: nothing to hand over, all on Scale AI
    assert costs[10] == pytest.approx(1000 * 50)


def test_prove_false_gives_a_verified_plan_with_an_honest_gap(tmp_path: Path) -> None:
    """The generated S workbook: its LP relaxation is 0.2% below the optimum, so the
    quick plan is the first plunge's, and the proof then runs the rest of the search."""
    ds = load_dataset(write_workbook(preset("S", seed=1), tmp_path / "S.xlsx"))
    session = PlanSession(ds)
    quick = checked(ds, session.plan("cheapest", prove=False))
    assert quick.bound <= quick.total_cost + 1e-6
    assert quick.lp_bound is not None and quick.lp_bound <= quick.total_cost + 1e-6
    proven = session.plan("cheapest")
    assert proven.status is SolveStatus.OPTIMAL
    assert proven.total_cost <= quick.total_cost + 1e-6
    assert quick.total_cost - proven.total_cost <= quick.gap * quick.total_cost + 1e-6


def test_a_better_plan_proven_by_the_milp_fallback_is_read_back(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """highspy 1.16 hands back the injected start after branch and bound even when it
    proved a better plan. Make the exit-week search give up with the costly plan (the
    contract ending at week 0 but Cheap engaged for its $5,000 setup fee: $5,790), so
    HiGHS's MILP starts from it, and check the proven $3,010 plan is the one returned:
    C1 ends at week 0, Turing does the vision work (70 x $3), the coding work is unserved
    (70 x $40)."""
    import planner.solve as solve_module

    starts: list[float] = []

    def give_up(solver, root, gap, progress, first_plan=False, strong=4):  # type: ignore[no-untyped-def]
        ints, z = solver.int_cols, solver.model.index.z
        engaged = ((ints >= z.start) & (ints < z.stop)).astype(float)
        solver.set_bounds(ints, engaged, engaged)
        _, sol = solver.run()
        solver.set_bounds(ints, solver.model.lower[ints], solver.model.upper[ints])
        cost = float(solver.model.cost @ sol + solver.model.offset)
        starts.append(cost)
        return sol, cost, root.bound, False, None

    monkeypatch.setattr(solve_module, "_exit_week_search", give_up)
    ds = setup_fee_trap()
    plan = checked(ds, solve(ds, mode="cheapest", gap=1e-6))
    assert starts == [pytest.approx(5_790, abs=0.01)]  # the costly start, as intended
    assert plan.status is SolveStatus.OPTIMAL
    assert plan.total_cost == pytest.approx(70 * 3 + 70 * 40)


def test_the_exit_week_search_finds_the_cheaper_plan_itself() -> None:
    """The same trap without help: the search's own plan is the $3,010 one."""
    ds = setup_fee_trap()
    for prove in (False, True):
        plan = checked(ds, PlanSession(ds).plan("cheapest", prove=prove, gap=1e-6))
        assert plan.total_cost == pytest.approx(70 * 3 + 70 * 40)


def test_a_time_limit_counts_from_each_plan_not_from_the_session(tmp_path: Path) -> None:
    """HiGHS counts time_limit against the total time its object has run: a session whose
    earlier plans took longer than a later plan's limit must still give that plan its own
    time."""
    ds = load_dataset(write_workbook(preset("S", seed=1), tmp_path / "S.xlsx"))
    session = PlanSession(ds)
    used = 0.0
    while used <= 1.0:  # earlier plans of this session: HiGHS's clock for it passes 1 s
        session.plan("cheapest")
        used = session.solver.h.getRunTime()
    quick = session.plan("cheapest", time_limit=used / 2, prove=False)
    assert quick.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)


def test_fastest_after_an_update_checks_the_updated_capacity() -> None:
    """The full-exit check is made after the update: it must see Turing's slipped
    onboarding (week 4), not the capacity the model was built with (week 0)."""
    base = one_stream()
    session = PlanSession(base)
    assert session.plan("cheapest").completion_week == 0
    slipped = with_capacity(base, "Turing", 1000.0, onboarding=4)
    assert session.update(slipped) is True
    fast = checked(slipped, session.plan("fastest"))
    assert fast.completion_week == solve(slipped, mode="fastest").completion_week == 4
    # and going back to the built onboarding stays warm
    assert session.update(with_capacity(base, "Turing", 1000.0, onboarding=2)) is True
    assert session.update(base) is True
    assert session.plan("fastest").completion_week == 0


def test_a_variant_plans_as_a_fresh_solve_and_does_not_depend_on_history(
        tmp_path: Path) -> None:
    """PlanSession.variant: a slipped copy of S re-planned warm from the base's bases
    costs what a cold solve proves optimal, and gives the very same plan whether other
    variants ran before it or not (Monte Carlo results must not depend on the order)."""
    ds = load_dataset(write_workbook(preset("S", seed=1), tmp_path / "S.xlsx"))
    first = ds.capacity[0].vendor
    slow = with_capacity(ds, first, ds.capacity[0].weekly_capacity,
                         onboarding=ds.capacity[0].onboarding_weeks + 3)
    other = with_capacity(ds, first, ds.capacity[0].weekly_capacity * 0.5)
    for mode in ("cheapest", "fastest"):
        base = PlanSession(ds)
        assert base.prepare(mode)
        alone = checked(slow, base.variant(slow).plan(mode, gap=1e-6))
        cold = solve(slow, mode=mode, gap=1e-6)
        assert alone.total_cost == pytest.approx(cold.total_cost, rel=2e-6)
        assert alone.completion_week == cold.completion_week or mode == "cheapest"
        base.variant(other).plan(mode, gap=1e-6)  # history that must not matter
        again = base.variant(slow).plan(mode, gap=1e-6)
        assert again.total_cost == alone.total_cost
        assert again.allocation.equals(alone.allocation)


def test_a_variant_of_an_updated_session_starts_from_the_updated_workbook(
        tmp_path: Path) -> None:
    """After update(), variants start from the new workbook's relaxation (optimal for
    it: no pivot to re-solve), not from the old one's, and plan as the variants of a
    fresh session of the new workbook do."""
    ds = load_dataset(write_workbook(preset("S", seed=1), tmp_path / "S.xlsx"))
    first = ds.capacity[0]
    updated = with_capacity(ds, first.vendor, first.weekly_capacity * 0.5)
    slow = with_capacity(updated, first.vendor, first.weekly_capacity * 0.4)
    session = PlanSession(ds)
    assert session.prepare("cheapest")
    assert session.update(updated) is True
    assert session.prepare("cheapest")
    start = session.variant(slow)._start_basis
    assert start is not None
    check = PlanSession(updated).solver
    check.set_integer(False)
    check.set_basis(start)
    check.run()
    assert check.h.getInfo().simplex_iteration_count == 0
    fresh = PlanSession(updated)
    assert fresh.prepare("cheapest")
    got = checked(slow, session.variant(slow).plan("cheapest", gap=1e-6))
    expected = fresh.variant(slow).plan("cheapest", gap=1e-6)
    assert got.total_cost == pytest.approx(expected.total_cost, rel=2e-6)


def test_the_earliest_full_exit_searched_from_a_hint_is_the_bisections() -> None:
    """The outward search of a variant session finds the same week as a bisection,
    from a hint below, at or above the answer, and says so when there is none."""
    for onboarding in (0, 3, 6):
        ds = with_capacity(one_stream(), "Turing", 1000.0, onboarding=onboarding)
        truth = PlanSession(ds).earliest_full_exit()
        assert truth == onboarding
        for hint in (0, 2, 5, 9):
            session = PlanSession(ds)
            session._exit_hint = hint
            assert session.earliest_full_exit() == truth, (onboarding, hint)
    none = with_capacity(one_stream(), "Turing", 50.0)  # 100 tasks/week, 50 placeable
    session = PlanSession(none)
    session._exit_hint = 4
    assert session.earliest_full_exit() is None


def test_an_integral_lp_is_the_plan_without_the_milp(monkeypatch: pytest.MonkeyPatch) -> None:
    """A workbook whose LP relaxation already decides every exit week: the search takes
    the LP's plan as it is and never falls back to HiGHS's MILP."""
    import planner.solve as solve_module

    ds = one_stream(contract={"min_commitment": 1_000.0, "notice_days": 14})
    calls: list[bool] = []
    original = solve_module._Solver.set_integer

    def spy(self: object, integer: bool) -> None:
        calls.append(integer)
        original(self, integer)  # type: ignore[arg-type]

    monkeypatch.setattr(solve_module._Solver, "set_integer", spy)
    plan = checked(ds, solve(ds, mode="cheapest"))
    assert plan.status is SolveStatus.OPTIMAL
    assert True not in calls  # no MILP


def test_totals_are_the_plans_numbers(tmp_path: Path) -> None:
    """PlanSession.totals (ramp-risk runs) reports what plan() reports of the same plan:
    status, completion week and every cost, in both modes, for a slipped variant."""
    ds = load_dataset(write_workbook(preset("S", seed=1), tmp_path / "S.xlsx"))
    slow = with_capacity(ds, ds.capacity[0].vendor, ds.capacity[0].weekly_capacity,
                         onboarding=ds.capacity[0].onboarding_weeks + 2)
    for mode in ("cheapest", "fastest"):
        base = PlanSession(ds)
        assert base.prepare(mode)
        totals = base.variant(slow).totals(mode, gap=1e-6)
        plan = checked(slow, base.variant(slow).plan(mode, gap=1e-6))
        assert totals.status is plan.status
        assert totals.completion_week == plan.completion_week
        assert totals.costs == plan.costs


def test_a_workbook_whose_contracts_have_no_streams_plans() -> None:
    """No streams left (e.g. every row deleted in the app): the LP has no columns, which
    HiGHS calls "empty" rather than optimal. The plan is the contracts alone: C1 (no
    commitment) runs to its end at no cost; C1 with a $10,000 commitment over its 10
    weeks and no notice ends at once (week 0: nothing accrues)."""
    bare = replace(one_stream(), streams=())
    committed = replace(one_stream(contract={"min_commitment": 10_000.0}), streams=())
    for ds in (bare, committed):
        for mode in ("cheapest", "fastest"):
            plan = checked(ds, solve(ds, mode=mode))
            assert plan.status is SolveStatus.OPTIMAL
            assert plan.total_cost == pytest.approx(0.0)
            assert plan.completion_week == 0
    assert PlanSession(bare).plan_by(3) is not None
