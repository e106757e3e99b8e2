"""Price of speed, levers and the infeasibility doctor on small hand-computed cases.

Base case (builders.one_stream): contract C1 with Scale AI ends in week 10; stream S1 is
100 coding tasks/week at $50 with no cutover limit; Turing takes coding at $40.
"""

from __future__ import annotations

import itertools
import json
import math
from dataclasses import replace
from pathlib import Path

import pytest

from planner.domain import Dataset, Level, Mode, Stream
from planner.insights.doctor import Situation, diagnose
from planner.insights.levers import LeverKind, find_levers
from planner.insights.relax import earliest_full_exit
from planner.insights.speed import price_of_speed
from planner.results import SolveStatus
from planner.solve import CancelToken, SolveProgress, solve
from tests.planner.builders import one_stream, week

# --- price of speed ------------------------------------------------------------------


def test_each_week_earlier_costs_the_price_difference_times_the_volume() -> None:
    # Turing at $60 is dearer than Scale AI at $50: the cheapest plan keeps Scale AI to
    # the contract's end (week 10); exiting by week W moves weeks W..9 to Turing, so
    # cost(W) = 100 x 50 x W + 100 x 60 x (10 - W) and each week earlier costs
    # (60 - 50) x 100 = $1,000.
    ds = one_stream(offers=[{"unit_price": 60.0}])
    curve = price_of_speed(ds)
    assert (curve.fastest_week, curve.cheapest_week) == (0, 10)
    assert [p.week for p in curve.points] == list(range(11))  # small range: every week
    for p in curve.points:
        assert p.total == pytest.approx(100 * 50 * p.week + 100 * 60 * (10 - p.week))
        assert p.extra_cost == pytest.approx(1000 * (10 - p.week))
        assert p.completion_week <= p.week
        assert p.costs.unserved_tasks == 0 and p.status is SolveStatus.OPTIMAL
    assert [p.per_week_earlier for p in curve.points[:-1]] == pytest.approx([1000.0] * 10)
    assert curve.points[-1].per_week_earlier is None
    assert "$60.0k" in curve.points[0].sentence and "$10.0k more" in curve.points[0].sentence


@pytest.mark.parametrize("cores", [1, 2])
def test_curve_over_a_long_range_keeps_both_ends_and_its_budget(
        cores: int, monkeypatch: pytest.MonkeyPatch) -> None:
    # With 2 cores the inner points are solved two at a time by two sessions; with 1,
    # one after the other: the same costs either way.
    import planner.insights.speed as speed_module

    monkeypatch.setattr(speed_module.os, "cpu_count", lambda: cores)
    # 40 weeks, cutover over 4 weeks (25 tasks more each week), Turing dearer at $60.
    # Exiting by W (3 <= W <= 39) moves 25 + 50 + 75 tasks in the 3 weeks before W and
    # all 100 from W on: Turing does 150 + 100 (40 - W) tasks, each $10 dearer, so
    # cost(W) = 40 x 100 x 50 + 10 x (150 + 100 (40 - W)); by week 40 nothing moves.
    ds = one_stream(offers=[{"unit_price": 60.0}], stream={"cutover_weeks": 4},
                    contract={"end_date": week(40)}, horizon=40)
    curve = price_of_speed(ds, max_points=8)
    assert (curve.fastest_week, curve.cheapest_week) == (3, 40)
    weeks = [p.week for p in curve.points]
    assert weeks[0] == 3 and weeks[-1] == 40 and weeks == sorted(weeks)
    assert curve.solves <= 8 and 6 <= len(weeks) <= 10
    for p in curve.points:
        expected = 200_000 if p.week == 40 else 200_000 + 10 * (150 + 100 * (40 - p.week))
        assert p.total == pytest.approx(expected)
    totals = [p.total for p in curve.points]
    assert all(a >= b - 1e-6 for a, b in itertools.pairwise(totals))


def test_curve_is_non_increasing_on_a_mixed_case() -> None:
    # Cheaper Turing ramping up, a dearer Surge: the curve must only fall as W grows.
    ds = one_stream(vendors=[{"vendor": "Turing"}, {"vendor": "Surge", "setup_fee": 500.0}],
                    offers=[{"weekly_capacity": 60.0, "ramp_weeks": 3},
                            {"vendor": "Surge", "weekly_capacity": 60.0, "unit_price": 65.0}],
                    stream={"cutover_weeks": 2}, contract={"end_date": week(14)}, horizon=16)
    curve = price_of_speed(ds)
    totals = [p.total for p in curve.points]
    assert len(totals) >= 2
    assert all(a >= b - 1e-6 for a, b in itertools.pairwise(totals))
    assert all(p.completion_week <= p.week and p.costs.unserved_tasks == 0
               for p in curve.points)
    assert curve.fastest_week == earliest_full_exit(ds)


def test_the_chosen_plan_is_marked_and_reused() -> None:
    ds = one_stream(offers=[{"unit_price": 60.0}])
    plan = solve(ds)
    curve = price_of_speed(ds, chosen=plan, cheapest=plan)
    assert [p.week for p in curve.points if p.chosen] == [10]
    assert curve.solves == 10  # weeks 0..9; week 10 is the plan already solved
    fastest = solve(ds, mode=Mode.FASTEST)
    marked = price_of_speed(ds, chosen=fastest)
    assert [p.week for p in marked.points if p.chosen] == [0]


def test_points_serve_every_task_even_with_a_cheap_penalty() -> None:
    # Unserved work costs $10 a task, far below Turing's $60 or Scale AI's $50: every
    # point still serves every task, at the same costs as above.
    ds = one_stream(offers=[{"unit_price": 60.0}], unserved_penalty=10.0)
    curve = price_of_speed(ds, max_points=4)
    assert curve.points and all(p.costs.unserved_tasks == 0 for p in curve.points)
    for p in curve.points:
        assert p.total == pytest.approx(100 * 50 * p.week + 100 * 60 * (10 - p.week))


def test_no_full_exit_gives_an_empty_curve() -> None:
    # Turing takes only 60 of the 100 tasks and the contract outlasts the horizon.
    ds = one_stream(offers=[{"weekly_capacity": 60.0}], contract={"end_date": week(20)})
    curve = price_of_speed(ds)
    assert curve.fastest_week is None and curve.points == ()
    assert "doctor" in curve.summary


def test_price_of_speed_reports_progress_and_stops_on_cancel() -> None:
    ds = one_stream(offers=[{"unit_price": 60.0}])
    seen: list[SolveProgress] = []
    price_of_speed(ds, progress=seen.append)
    fractions = [p.fraction for p in seen if p.fraction is not None]
    assert fractions[-1] == 1.0 and all(0 <= f <= 1 for f in fractions)
    cancel = CancelToken()
    cancel.cancel()
    stopped = price_of_speed(ds, cancel=cancel)
    assert stopped.cancelled and len(stopped.points) < 11


# --- levers ------------------------------------------------------------------------------


def _turing_short_surge_late() -> Dataset:
    # Turing 80/week at $40 from week 0; Surge 20/week at $45 from week 6. The earliest
    # full exit is week 6. Cheapest plan: Turing 80 x 10 x 40 = 32,000, Scale AI
    # 20 x 6 x 50 = 6,000, Surge 20 x 4 x 45 = 3,600: $41,600.
    return one_stream(vendors=[{"vendor": "Turing"}, {"vendor": "Surge"}],
                      offers=[{"weekly_capacity": 80.0},
                              {"vendor": "Surge", "weekly_capacity": 20.0, "unit_price": 45.0,
                               "onboarding_weeks": 6}])


@pytest.mark.parametrize("mode", [Mode.CHEAPEST, Mode.FASTEST])
def test_capacity_and_onboarding_levers_bring_the_exit_earlier(mode: Mode) -> None:
    report = find_levers(_turing_short_surge_late(), mode=mode)
    assert (report.exit_week, report.cost) == (6, pytest.approx(41_600))
    by_kind = {lv.kind: lv for lv in report.levers}
    assert set(by_kind) == {LeverKind.CAPACITY, LeverKind.ONBOARDING}
    # +25% at Turing = 20 more a week: all 100 on Turing at $40 from week 0.
    cap = by_kind[LeverKind.CAPACITY]
    assert (cap.target, cap.before, cap.after) == ("Turing / coding", 80, 100)
    assert (cap.exit_week_after, cap.weeks_earlier) == (0, 6)
    assert cap.saving == pytest.approx(41_600 - 40_000)
    # Surge 2 weeks sooner: Scale AI 20 x 4 x 50 + Surge 20 x 6 x 45 + Turing 32,000.
    onb = by_kind[LeverKind.ONBOARDING]
    assert (onb.target, onb.before, onb.after) == ("Surge / coding", 6, 4)
    assert (onb.exit_week_after, onb.weeks_earlier) == (4, 2)
    assert onb.cost_after == pytest.approx(4_000 + 5_400 + 32_000)
    assert report.levers[0] is cap  # first by money and by weeks alike
    assert "bring the full exit 6 weeks earlier" in cap.sentence
    assert "save $1,600" in cap.sentence
    # more Surge capacity helps neither the exit nor the cost: not listed
    assert all(lv.target != "Surge / coding" or lv.kind is LeverKind.ONBOARDING
               for lv in report.levers)


def test_shorter_notice_saves_the_commitment_it_accrues() -> None:
    # 28 days' notice: the contract ends in week 4 at the earliest, accruing
    # 10,000 x 4/10 = 4,000 of commitment; Scale AI does 80 tasks (4,000) to use it,
    # Turing 920 (36,800): $40,800. With no notice it ends at once: $40,000.
    ds = one_stream(contract={"notice_days": 28, "min_commitment": 10_000.0})
    report = find_levers(ds)
    [lever] = report.levers
    assert lever.kind is LeverKind.NOTICE and (lever.before, lever.after) == (28, 0)
    assert lever.saving == pytest.approx(800)
    assert lever.weeks_earlier == 0


def test_a_higher_share_cap_saves_its_price_difference() -> None:
    # Turing may take 60 of the 100 tasks; 10 points more = 10 more tasks a week at
    # $40 instead of $50 for 10 weeks: $1,000.
    report = find_levers(one_stream(vendors=[{"vendor": "Turing", "max_share": 0.6}]))
    [lever] = report.levers
    assert lever.kind is LeverKind.SHARE and lever.after == pytest.approx(0.7)
    assert lever.saving == pytest.approx(1_000)
    assert report.exit_week is None and lever.exit_week_after is None


def test_a_faster_cutover_brings_the_exit_a_week_earlier() -> None:
    # Cutover over 4 weeks: Turing 25 + 50 + 75 + 7 x 100 = 850 tasks, exit week 3.
    # Over 3 weeks: Turing 33.3 + 66.7 + 8 x 100 = 900, exit week 2: $500 less.
    report = find_levers(one_stream(stream={"cutover_weeks": 4}), mode=Mode.FASTEST)
    [lever] = report.levers
    assert lever.kind is LeverKind.CUTOVER and (lever.before, lever.after) == (4, 3)
    assert (lever.exit_week_before, lever.exit_week_after) == (3, 2)
    assert lever.saving == pytest.approx(500)


def test_limits_that_bind_together_are_moved_together() -> None:
    # Two skills, each with its only vendor onboarding in week 4: the exit waits for
    # both. Either onboarding 2 weeks sooner saves 2 x 100 x $10 but leaves the exit in
    # week 4; both together bring it to week 2 and save $4,000.
    base = one_stream(vendors=[{"vendor": "Turing"}, {"vendor": "Surge"}],
                      offers=[{"weekly_capacity": 100.0, "onboarding_weeks": 4},
                              {"vendor": "Surge", "skill": "image", "weekly_capacity": 100.0,
                               "onboarding_weeks": 4}])
    ds = replace(base, streams=(*base.streams, Stream("S2", "C1", "image", 100.0, 50.0,
                                                      cutover_weeks=0)))
    report = find_levers(ds, mode=Mode.FASTEST)
    best = report.levers[0]
    assert best.kind is LeverKind.COMBINED
    assert (best.exit_week_before, best.exit_week_after) == (4, 2)
    assert best.saving == pytest.approx(4_000)
    singles = [lv for lv in report.levers if lv.kind is LeverKind.ONBOARDING]
    assert len(singles) == 2
    assert all(lv.weeks_earlier == 0 and lv.saving == pytest.approx(2_000) for lv in singles)


# --- doctor ---------------------------------------------------------------------------------


def test_a_stream_no_vendor_is_cleared_for() -> None:
    # Restricted work, Turing cleared only for confidential: weeks 10 and 11 (after the
    # contract) cannot be placed. Clearing Turing: 12 x 100 x $40 = $48,000;
    # extending C1 by 2 weeks: 12 x 100 x $50 = $60,000.
    ds = one_stream(stream={"sensitivity": Level.RESTRICTED}, horizon=12)
    report = diagnose(ds)
    assert report.situation is Situation.UNSERVED and not report.healthy
    assert report.unserved_tasks == pytest.approx(200)
    [dg] = report.diagnoses
    sh = dg.shortage
    assert (sh.kind, sh.first_week, sh.last_week, sh.streams) == (
        "no eligible vendor", 10, 11, ("S1",))
    assert sh.tasks_short == pytest.approx(200)
    assert "cleared only for confidential" in dg.rule
    first, second = dg.fixes
    assert (first.kind, first.target, first.resolves) == ("clearance", "Turing", True)
    assert first.cost_after == pytest.approx(48_000)
    assert (second.kind, second.change) == ("contract end", "end +2 weeks")
    assert second.cost_after == pytest.approx(60_000)
    assert list(report.cells["week"]) == [10, 11]


def test_a_contract_that_ends_before_the_vendor_is_ready() -> None:
    # C1 ends in week 2; Turing is ready from week 4. Onboarding in 2 weeks:
    # Scale AI 200 x 50 + Turing 800 x 40 = $42,000. Extending C1 to week 4:
    # Scale AI 400 x 50 + Turing 600 x 40 = $44,000.
    ds = one_stream(contract={"end_date": week(2)}, offers=[{"onboarding_weeks": 4}])
    [dg] = diagnose(ds).diagnoses
    assert dg.shortage.kind == "contract ends"
    assert [(f.kind, f.change, f.cost_after) for f in dg.fixes] == [
        ("onboarding", "onboarding 4 -> 2 weeks", pytest.approx(42_000)),
        ("contract end", "end +2 weeks", pytest.approx(44_000))]


def test_capacity_short_after_the_contract() -> None:
    # Turing takes 60 of 100; after week 10 there is no Scale AI: 40 short in weeks 10
    # and 11. 40 more at Turing: 12 x 100 x $40 = $48,000.
    ds = one_stream(offers=[{"weekly_capacity": 60.0}], horizon=12)
    [dg] = diagnose(ds).diagnoses
    assert dg.shortage.kind == "capacity" and dg.shortage.tasks_short == pytest.approx(80)
    fix = dg.fixes[0]
    assert (fix.kind, fix.change, fix.resolves) == ("capacity", "+40 tasks/week", True)
    assert fix.cost_after == pytest.approx(48_000)


def test_cutover_too_slow_for_the_contract_end() -> None:
    # C1 ends in week 2 and the stream can move 25 more tasks a week: 75 by week 2, so
    # 25 short. Over 3 weeks: Turing 900 x 40 + Scale AI 100 x 50 = $41,000.
    ds = one_stream(contract={"end_date": week(2)}, stream={"cutover_weeks": 4})
    [dg] = diagnose(ds).diagnoses
    assert dg.shortage.kind == "cutover" and dg.shortage.tasks_short == pytest.approx(25)
    fix = dg.fixes[0]
    assert (fix.kind, fix.change, fix.cost_after) == ("cutover", "cutover -> 3 weeks",
                                                     pytest.approx(41_000))


def test_an_exit_by_date_before_the_vendor_is_ready() -> None:
    # S1 must leave Scale AI by week 1, Turing is ready in week 3: weeks 1-2 short.
    # Onboarding in 1 week: Scale AI 100 x 50 + Turing 900 x 40 = $41,000; exit_by two
    # weeks later: Scale AI 300 x 50 + Turing 700 x 40 = $43,000.
    ds = one_stream(stream={"exit_by": week(1)}, offers=[{"onboarding_weeks": 3}])
    [dg] = diagnose(ds).diagnoses
    assert dg.shortage.kind == "deadline" and (dg.shortage.first_week,
                                               dg.shortage.last_week) == (1, 2)
    assert [(f.kind, f.cost_after) for f in dg.fixes] == [
        ("onboarding", pytest.approx(41_000)), ("exit_by", pytest.approx(43_000))]


def test_an_exit_deadline_before_the_vendor_is_ready() -> None:
    ds = one_stream(offers=[{"onboarding_weeks": 3}])
    [dg] = diagnose(ds, deadline=week(1)).diagnoses
    assert dg.shortage.kind == "deadline"
    moved = [f for f in dg.fixes if f.kind == "deadline"]
    assert [f.change for f in moved] == ["exit deadline +2 weeks"]
    assert moved[0].cost_after == pytest.approx(43_000)


def test_share_cap_keeps_work_off_the_only_vendor() -> None:
    # Turing may take 60% of the weekly 100 tasks; after week 10 the rest is short.
    ds = one_stream(vendors=[{"vendor": "Turing", "max_share": 0.6}], horizon=12)
    [dg] = diagnose(ds).diagnoses
    assert dg.shortage.kind == "share cap"
    share = [f for f in dg.fixes if f.kind == "share cap"]
    assert [f.change for f in share] == ["max share 60% -> 100%"]
    assert share[0].cost_after == pytest.approx(48_000)


def test_no_full_exit_within_the_horizon() -> None:
    # The contract outlasts the horizon, so every task is placed, but Turing's 60 a
    # week never frees the last week: 40 short in week 9. 40 more at Turing: all work
    # on Turing from week 0 ($40,000).
    ds = one_stream(offers=[{"weekly_capacity": 60.0}], contract={"end_date": week(20)})
    report = diagnose(ds)
    assert report.situation is Situation.NO_FULL_EXIT and report.exit_week is None
    [dg] = report.diagnoses
    assert (dg.shortage.first_week, dg.shortage.tasks_short) == (9, pytest.approx(40))
    fix = dg.fixes[0]
    assert (fix.change, fix.exit_week_after) == ("+40 tasks/week", 0)
    assert fix.cost_after == pytest.approx(40_000)


def test_a_penalty_cheaper_than_serving() -> None:
    # Turing at $60, the penalty $10: the cheapest plan leaves weeks 10-11 unserved
    # although Turing could take them. At $100 a task it serves them:
    # 10 x 100 x 50 + 2 x 100 x 60 = $62,000.
    ds = one_stream(offers=[{"unit_price": 60.0}], horizon=12, unserved_penalty=10.0)
    report = diagnose(ds, plan=solve(ds))
    assert report.situation is Situation.PENALTY
    [fix] = report.diagnoses[0].fixes
    assert fix.resolves and fix.cost_after == pytest.approx(62_000)


def _two_problems(**contract: object) -> Dataset:
    # S1 (restricted coding): Turing is not cleared for it. S2 (image): Surge takes 60
    # of its 100 tasks a week.
    base = one_stream(stream={"sensitivity": Level.RESTRICTED}, horizon=12, contract=contract,
                      vendors=[{"vendor": "Turing"}, {"vendor": "Surge"}],
                      offers=[{}, {"vendor": "Surge", "skill": "image", "weekly_capacity": 60.0,
                                   "unit_price": 45.0}])
    return replace(base, streams=(*base.streams, Stream("S2", "C1", "image", 100.0, 50.0,
                                                        cutover_weeks=0)))


def test_unserved_work_of_an_unproven_plan_is_not_blamed_on_the_penalty() -> None:
    ds = one_stream(offers=[{"unit_price": 60.0}], horizon=12, unserved_penalty=10.0)
    stopped = replace(solve(ds), status=SolveStatus.TIME_LIMIT)
    report = diagnose(ds, plan=stopped)
    assert report.situation is None and report.diagnoses == ()
    assert "not proven optimal" in report.summary


def test_two_problems_fixed_together() -> None:
    # C1 outlasts the 12-week horizon: all work is placed, but week 11 cannot be freed
    # (S1: no eligible vendor, S2: 40 short). Clearing Turing and 40 more image tasks at
    # Surge together allow an exit in week 0: 12 x 100 x 40 + 12 x 100 x 45 = $102,000.
    report = diagnose(_two_problems(end_date=week(20)))
    assert report.situation is Situation.NO_FULL_EXIT
    assert sorted(dg.shortage.kind for dg in report.diagnoses) == ["capacity",
                                                                  "no eligible vendor"]
    combined = report.combined
    assert combined is not None and combined.resolves
    assert combined.change == "clearance confidential -> restricted; +40 tasks/week" or (
        combined.change == "+40 tasks/week; clearance confidential -> restricted")
    assert (combined.exit_week_after, combined.cost_after) == (0, pytest.approx(102_000))


def test_one_fix_that_places_every_problem_is_cheapest() -> None:
    # C1 ends in week 10: extending it by 2 weeks places both streams' weeks 10-11 on
    # Scale AI (coding 12 x 100 x 50, image Surge 60 x 12 x 45 + Scale AI 40 x 12 x 50:
    # $116,400), cheaper than clearing Turing while image work stays unserved.
    report = diagnose(_two_problems())
    assert report.combined is None
    for dg in report.diagnoses:
        first = dg.fixes[0]
        assert (first.kind, first.change) == ("contract end", "end +2 weeks")
        assert first.cost_after == pytest.approx(116_400)
        assert "tasks of the other problems" in first.sentence


def test_a_healthy_plan_needs_no_doctor() -> None:
    report = diagnose(one_stream())
    assert report.healthy and report.diagnoses == () and report.exit_week == 0


# --- the command ---------------------------------------------------------------------------


def test_cli_insights_prints_and_writes_json(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    from planner.cli import main
    from tests.fixtures.workbooks import valid_sheets, write_xlsx

    book = write_xlsx(tmp_path / "b.xlsx", valid_sheets())
    out = tmp_path / "insights.json"
    assert main(["insights", str(book), "--quiet", "--points", "4", "--top", "2",
                 "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    data = json.loads(out.read_text())
    assert set(data) == {"plan", "speed", "levers", "doctor"}
    for section in ("Price of speed", "Levers", "Infeasibility doctor"):
        assert section in printed
    assert data["speed"]["summary"] in printed
    totals = [p["total"] for p in data["speed"]["table"]]
    assert totals == sorted(totals, reverse=True)
    assert all(not isinstance(v, float) or math.isfinite(v)
               for p in data["speed"]["table"] for v in p.values())


@pytest.mark.parametrize(("argv", "message"), [
    (["--what", "speed,magic"], "--what 'speed,magic'"),
    (["--deadline", "soon"], "is not a date"),
    (["--gap", "2"], "--gap must be in [0, 1)"),
    (["--time-limit", "0"], "--time-limit must be positive"),
    (["--points", "1"], "--points must be at least 2"),
])
def test_cli_insights_refuses_bad_input_with_exit_2(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str],
        message: str) -> None:
    from planner.cli import main
    from tests.fixtures.workbooks import valid_sheets, write_xlsx

    book = write_xlsx(tmp_path / "b.xlsx", valid_sheets())
    assert main(["insights", str(book), "--quiet", *argv]) == 2
    assert message in capsys.readouterr().err


def test_cli_insights_rejects_a_missing_workbook(capsys: pytest.CaptureFixture[str]) -> None:
    from planner.cli import main

    assert main(["insights", "nowhere.xlsx", "--quiet"]) == 2
    assert capsys.readouterr().err


def test_results_are_plain_json() -> None:
    ds = one_stream(stream={"sensitivity": Level.RESTRICTED}, horizon=12)
    for result in (diagnose(ds), find_levers(_turing_short_surge_late()),
                   price_of_speed(one_stream(offers=[{"unit_price": 60.0}]))):
        text = json.dumps(result.to_dict(), allow_nan=False)
        assert json.loads(text)["currency"] == "USD"

