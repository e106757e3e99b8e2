"""What-if scenarios on tiny hand-computed cases (planner.insights.scenarios).

Base case here: 100 coding tasks/week at $50 on Scale AI (contract C1 ends week 10,
no notice), horizon 12 weeks, Turing takes coding at $40 but only from week 6.
Cheapest plan: Scale AI weeks 0-5 (6 x 100 x 50 = 30,000), Turing weeks 6-11
(6 x 100 x 40 = 24,000): total 54,000, full exit week 6.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from planner.domain import Level, Mode
from planner.insights.scenarios import (
    BASE_NAME,
    ContractChange,
    ExtraCapacity,
    OfferChange,
    Op,
    RemoveVendor,
    Scenario,
    ScenarioComparison,
    ScenarioError,
    SettingChange,
    StreamChange,
    VendorChange,
    compare_scenarios,
    parse_change,
    parse_scenario,
    scenarios_from_dict,
    scenarios_to_dict,
)
from planner.solve import CancelToken
from tests.planner.builders import one_stream


def late_turing(**kw: object) -> object:
    return one_stream(offers=[{"weekly_capacity": 100.0, "onboarding_weeks": 6}], horizon=12,
                      **kw)


def compare(ds, *scenarios: Scenario, **kw):  # type: ignore[no-untyped-def]
    return compare_scenarios(ds, list(scenarios), workers=1, **kw)


# --- numbers ------------------------------------------------------------------------


def test_extra_capacity_from_week_3_exits_3_weeks_earlier_and_saves_3_weeks_of_margin() -> None:
    ds = late_turing()
    more = parse_scenario("Turing early: capacity Turing coding +100 from 3", ds)
    result = compare(ds, more)
    base, early = result.outcome(BASE_NAME), result.outcome("Turing early")
    assert (base.completion_week, base.total_cost) == (6, pytest.approx(54_000))
    # Turing takes the stream from week 3: 3 x 100 x 50 + 9 x 100 x 40
    assert early.completion_week == 3
    assert early.total_cost == pytest.approx(15_000 + 36_000)
    row = result.table().set_index("scenario").loc["Turing early"]
    assert row["weeks_vs_base"] == -3
    assert row["cost_vs_base"] == pytest.approx(-3 * 100 * (50 - 40))
    assert early.completion_date == date(2026, 1, 26)
    text = result.summary()[-1]
    assert text.startswith("Turing early (Turing +100 coding tasks/week from week 3): "
                           "full exit 3 weeks earlier (week 6 -> 3), $3,000 cheaper")
    assert "lower run cost at Scale AI (-$15.0k)" in text
    assert "higher run cost at Turing (+$12.0k)" in text


def test_lower_commitment_is_explained_by_less_shortfall_and_earlier_exit() -> None:
    # Turing from week 0. C1 commits $60,000 (due 6,000 a week over its 10 weeks) and a
    # $100k fee rules out an early exit. Below the commitment a Scale AI task costs
    # nothing extra (it cuts the shortfall by its price), so Scale AI keeps all 10 weeks:
    # spend 50,000 + shortfall 10,000 + Turing weeks 10-11 8,000 = 68,000.
    # With $30,000 committed Scale AI does 600 tasks (weeks 0-5), Turing the rest:
    # 30,000 + 6 x 100 x 40 = 54,000.
    ds = one_stream(contract={"min_commitment": 60_000.0, "termination_fee": 100_000.0},
                    horizon=12)
    half = Scenario("Half commitment", (ContractChange(contract_id="C1", field="min_commitment",
                                                       op=Op.SCALE, value=0.5),))
    result = compare(ds, half)
    base, new = result.outcome(BASE_NAME), result.outcome("Half commitment")
    assert base.total_cost == pytest.approx(68_000)
    assert base.costs.commitment_shortfall == pytest.approx(10_000)
    assert base.completion_week == 10
    assert new.total_cost == pytest.approx(54_000)
    assert new.costs.commitment_shortfall == pytest.approx(0)
    assert new.completion_week == 6
    text = result.summary()[-1]
    assert text.startswith("Half commitment (C1 min commitment x0.5): full exit 4 weeks earlier"
                           " (week 10 -> 6), $14.0k cheaper (total $54.0k): ")
    # the three movements, biggest first
    assert text.index("lower run cost at Scale AI (-$20.0k)") < text.index(
        "higher run cost at Turing (+$16.0k)") < text.index(
        "less commitment shortfall at Scale AI (-$10.0k)")


def test_termination_fee_and_notice_change_the_contract_exit_week() -> None:
    # Turing from week 0 at $40; C1 (ends week 10) commits $10,000 (due 1,000 a week),
    # with a $1,000 fee and 28 days' notice (earliest exit week 4). Exiting at week e,
    # Scale AI works off the commitment due (20e tasks, 1,000e) and Turing does the rest:
    # 1,000e + (1,200 - 20e) x 40 = 48,000 + 200e, plus the fee when e < 10.
    # Base: e = 4 (48,800 + 1,000 = 49,800) beats e = 10 (50,000).
    # Scenario without fee and notice: e = 0, 48,000.
    ds = one_stream(contract={"min_commitment": 10_000.0, "termination_fee": 1_000.0,
                              "notice_days": 28}, horizon=12)
    free = parse_scenario("Free exit: fee C1 0; notice C1 0", ds)
    result = compare(ds, free)
    assert result.outcome(BASE_NAME).exit_weeks == {"C1": 4}
    assert result.outcome(BASE_NAME).total_cost == pytest.approx(49_800)
    assert result.outcome(BASE_NAME).termination_fees == {"C1": 1_000}
    assert result.outcome("Free exit").exit_weeks == {"C1": 0}
    assert result.outcome("Free exit").total_cost == pytest.approx(48_000)
    exits = result.exit_table()
    assert exits.to_dict("records") == [
        {"contract_id": "C1", "vendor": "Scale AI", BASE_NAME: 4, "Free exit": 0}]
    text = result.summary()[-1]
    assert "Contract exits moved: C1 week 4 -> 0." in text
    assert "lower termination fee for C1 (-$1,000)" in text


def test_settings_change_mode_and_horizon() -> None:
    # Turing capped at 60/week: Scale AI keeps 40/week; a horizon of 8 cuts the weeks paid.
    ds = one_stream(offers=[{"weekly_capacity": 60.0}], horizon=12)
    short = Scenario("Short", (SettingChange(field="horizon_weeks", value=8),))
    result = compare(ds, short, mode="cheapest")
    # weeks 0-9: 60 Turing + 40 Scale AI; weeks 10-11: 60 Turing + 40 unserved at $1,000
    assert result.outcome(BASE_NAME).total_cost == pytest.approx(
        12 * 60 * 40 + 10 * 40 * 50 + 2 * 40 * 1_000)
    assert result.outcome("Short").total_cost == pytest.approx(8 * 60 * 40 + 8 * 40 * 50)
    assert result.outcome("Short").horizon_weeks == 8
    assert not result.outcome("Short").exits_within_horizon


def test_a_scenario_mode_change_wins_over_the_compare_mode() -> None:
    ds = late_turing()
    fast = Scenario("Fast", (SettingChange(field="mode", value="fastest"),))
    result = compare(ds, fast, mode=Mode.CHEAPEST)
    assert result.outcome(BASE_NAME).mode == "cheapest"
    assert result.outcome("Fast").mode == "fastest"
    assert result.outcome("Fast").total_cost == pytest.approx(54_000)  # same plan here
    assert "(fastest plan; base is cheapest.)" in result.summary()[-1]


def test_removing_the_only_alternative_leaves_work_unserved_after_the_contract() -> None:
    ds = late_turing()
    result = compare(ds, Scenario("No Turing", (RemoveVendor(vendor="Turing"),)))
    out = result.outcome("No Turing")
    # Scale AI weeks 0-9, then 2 weeks x 100 tasks unserved at $1,000
    assert out.total_cost == pytest.approx(50_000 + 200_000)
    assert out.costs.unserved_tasks == pytest.approx(200)
    assert not out.full_exit
    text = result.summary()[-1]
    assert text.startswith("No Turing (without Turing): no full exit within the 12-week "
                           "horizon (base: week 6), $196k more expensive (total $250k): ")
    assert "more unserved tasks (+200, +$200k penalty)" in text


# --- applying changes ----------------------------------------------------------------


def test_each_change_kind_edits_the_dataset() -> None:
    ds = one_stream(vendors=[{"vendor": "Turing"}, {"vendor": "Mercor"}],
                    offers=[{"ramp_weeks": 2}, {"vendor": "Mercor", "unit_price": 45.0}],
                    horizon=12)
    changes = (
        SettingChange(field="exit_deadline", value="2026-02-02"),
        VendorChange(vendor="Turing", field="max_share", value="60%"),
        VendorChange(vendor="*", field="setup_fee", value=1_000, op=Op.ADD),
        OfferChange(vendor="Turing", field="onboarding_weeks", value=2, op=Op.ADD),
        OfferChange(vendor="*", skill="Coding ", field="unit_price", value=0.5, op=Op.SCALE),
        ContractChange(contract_id="C1", field="notice_days", value=10),
        StreamChange(stream_id="*", field="sensitivity", value="restricted"),
        StreamChange(stream_id="S1", field="weekly_volume", value=1.1, op=Op.SCALE),
        ExtraCapacity(vendor="Mercor", skill="coding", tasks=50, from_week=3),
    )
    new = Scenario("All", changes).apply(ds)
    assert new.settings.exit_deadline == date(2026, 2, 2)
    assert [(v.vendor, v.max_share, v.setup_fee) for v in new.vendors] == [
        ("Turing", 0.6, 1_000), ("Mercor", 1.0, 1_000)]
    assert [(o.vendor, o.unit_price, o.onboarding_weeks, o.ramp_weeks, o.weekly_capacity)
            for o in new.capacity] == [("Turing", 20, 2, 2, 1000), ("Mercor", 22.5, 0, 0, 1000),
                                       ("Mercor", 22.5, 3, 0, 50)]
    assert new.contracts[0].notice_days == 10
    assert new.streams[0].sensitivity is Level.RESTRICTED
    assert new.streams[0].weekly_volume == pytest.approx(110)
    assert ds.capacity[0].onboarding_weeks == 0  # the base is untouched


def test_whole_weeks_and_days_round_half_up() -> None:
    ds = one_stream(offers=[{"ramp_weeks": 3}])
    new = parse_scenario("ramp Turing x1.5; notice C1 +10.5", ds).apply(ds)
    assert new.capacity[0].ramp_weeks == 5  # 4.5 -> 5
    assert new.contracts[0].notice_days == 11  # 10.5 -> 11


def test_every_problem_is_listed_with_close_matches_never_a_crash() -> None:
    ds = late_turing()
    bad = Scenario("Typos", (
        OfferChange(vendor="Turnig", field="weekly_capacity", value=2, op=Op.SCALE),
        OfferChange(vendor="Turing", skill="codng", field="weekly_capacity", value=5),
        ContractChange(contract_id="C9", field="notice_days", value=5),
        StreamChange(stream_id="S1", field="weekly_volume", value=-1, op=Op.SCALE),
        StreamChange(stream_id="S1", field="weekly_volume", value=-200, op=Op.ADD),
        VendorChange(vendor="Scale AI", field="setup_fee", value=0),
        ExtraCapacity(vendor="Turing", skill="labeling", tasks=5),
        ExtraCapacity(vendor="Turing", skill="coding", tasks=5, from_week=12),
        SettingChange(field="plan_start", value="2027-01-04"),
        SettingChange(field="exit_deadline", value=3, op=Op.ADD),
        RemoveVendor(vendor="Nobody"),
    ))
    with pytest.raises(ScenarioError) as err:
        bad.apply(ds)
    problems = err.value.problems
    assert problems == [
        "Turnig capacity x2: unknown vendor 'Turnig'; did you mean 'Turing'?",
        "Turing codng capacity 5 tasks/week: Turing offers no 'codng' capacity (it offers "
        "coding); did you mean 'coding'?",
        "C9 notice 5 days: unknown contract 'C9'; known: C1",
        "S1 volume x-1: a negative factor (expected a factor >= 0)",
        "S1 volume -200 tasks/week: S1: volume would be -100 (negative); expected a number > 0",
        "Scale AI setup fee $0: Scale AI is a vendor being exited, not an alternative; change "
        "its contracts or streams instead",
        "Turing +5 labeling tasks/week: no stream needs skill 'labeling'",
        "Turing +5 coding tasks/week from week 12: 'from week' must be a whole week 0..11, "
        "not 12",
        "plan_start set 2027-01-04: 'plan_start' cannot be changed here; fields: mode, "
        "exit_deadline, horizon_weeks, unserved_penalty",
        "exit deadline add 3: exit deadline can only be set, not added to or scaled (expected "
        "a date (e.g. 2026-03-31))",
        "without Nobody: unknown vendor 'Nobody'; known: Turing",
    ]
    assert err.value.render().startswith("scenario 'Typos': 11 problem(s)\n  - Turnig")


def test_compare_checks_every_scenario_before_solving() -> None:
    ds = late_turing()
    calls: list[tuple[int, int]] = []
    with pytest.raises(ScenarioError) as err:
        compare_scenarios(ds, [Scenario("Base"), Scenario("A", (RemoveVendor(vendor="X"),)),
                               Scenario("a")], workers=1,
                          progress=lambda d, n: calls.append((d, n)))
    assert err.value.problems == ["two scenarios are named 'Base'",
                                  "two scenarios are named 'a'",
                                  "A: without X: unknown vendor 'X'; known: Turing"]
    assert calls == []


# --- the text syntax -------------------------------------------------------------------


@pytest.mark.parametrize(("text", "change"), [
    ("capacity Turing coding +500 from 4",
     ExtraCapacity(vendor="Turing", skill="coding", tasks=500.0, from_week=4)),
    ("capacity Turing coding 500 at $38",
     ExtraCapacity(vendor="Turing", skill="coding", tasks=500.0, unit_price=38.0)),
    ("capacity Turing x1.5",
     OfferChange(vendor="Turing", field="weekly_capacity", value=1.5, op=Op.SCALE)),
    ("Capacity In-house data team expert STEM -10%",
     OfferChange(vendor="In-house data team", skill="expert STEM", field="weekly_capacity",
                 value=0.9, op=Op.SCALE)),
    ("onboarding * +2", OfferChange(vendor="*", field="onboarding_weeks", value=2.0,
                                    op=Op.ADD)),
    ("ramp_weeks 'Big Co' coding =3", OfferChange(vendor="Big Co", skill="coding",
                                                  field="ramp_weeks", value=3)),
    ("share Turing 40%", VendorChange(vendor="Turing", field="max_share", value=0.4)),
    ("setup turing 12k", VendorChange(vendor="Turing", field="setup_fee", value=12_000.0)),
    ("remove In-house data team", RemoveVendor(vendor="In-house data team")),
    ("fee C1 250k", ContractChange(contract_id="C1", field="termination_fee",
                                   value=250_000.0)),
    ("end c1 2026-09-30", ContractChange(contract_id="C1", field="end_date",
                                         value=date(2026, 9, 30))),
    ("auto-renew C1 no", ContractChange(contract_id="C1", field="auto_renew", value=False)),
    ("exit-by S1 none", StreamChange(stream_id="S1", field="exit_by", value=None)),
    ("Volume S1 +10%", StreamChange(stream_id="S1", field="weekly_volume", value=1.1,
                                    op=Op.SCALE)),
    ("mode FASTEST", SettingChange(field="mode", value=Mode.FASTEST)),
    ("deadline 2026-06-29", SettingChange(field="exit_deadline", value=date(2026, 6, 29))),
    ("penalty 500", SettingChange(field="unserved_penalty", value=500.0)),
])
def test_text_syntax(text: str, change: object) -> None:
    ds = one_stream(vendors=[{"vendor": "Turing"}, {"vendor": "In-house data team"}])
    assert parse_change(text, ds) == change


@pytest.mark.parametrize(("text", "message"), [
    ("capacity", "a value is missing"),
    ("capacity Turing coding x2 from 3", "extra capacity is a number of tasks per week"),
    ("notice C1 14 from 2", "'from' and 'at' apply to capacity only"),
    ("mode C1 fastest", "unexpected words 'C1'"),
    ("horizn 20", "unknown change 'horizn'; did you mean horizon?"),
    ("share Turing 140%", "a fraction outside (0, 1]"),
    ("notice C1 'x", "No closing quotation"),
    ("capacity Turing coding +5 from soon", "'from' needs a week number, not 'soon'"),
])
def test_text_syntax_errors_are_plain(text: str, message: str) -> None:
    with pytest.raises(ScenarioError) as err:
        parse_change(text, one_stream())
    assert message in err.value.problems[0]


def test_a_spec_without_a_name_is_named_by_its_text_and_checked_against_the_data() -> None:
    ds = late_turing()
    assert parse_scenario("notice C1 7", ds).name == "notice C1 7"
    with pytest.raises(ScenarioError) as err:
        parse_scenario("X: notice C2 7; capacity Turing x2; share Nobody 50%", ds)
    assert err.value.scenario == "X"
    assert len(err.value.problems) == 2


# --- serialisation and cancel ----------------------------------------------------------


def test_scenarios_round_trip_through_json() -> None:
    ds = one_stream(vendors=[{"vendor": "Turing"}, {"vendor": "In-house data team"}])
    scenarios = [
        parse_scenario("A: capacity Turing coding +500 from 4 at 38; mode fastest; "
                       "deadline 2026-06-29; clearance Turing restricted", ds),
        parse_scenario("B: end C1 2026-09-30; exit-by S1 none; remove In-house data team", ds),
        Scenario("C", (), note="nothing changes"),
    ]
    data = json.loads(json.dumps(scenarios_to_dict(scenarios)))
    assert data["format"] == "migration-planner-scenarios" and data["version"] == 1
    assert scenarios_from_dict(data) == scenarios


def test_reading_bad_or_newer_scenario_files_fails_clearly() -> None:
    with pytest.raises(ScenarioError, match="newer than this planner reads"):
        scenarios_from_dict({"format": "migration-planner-scenarios", "version": 99,
                             "scenarios": []})
    with pytest.raises(ScenarioError) as err:
        scenarios_from_dict([{"name": "A", "changes": [{"kind": "teleport"}]},
                             {"name": "B", "changes": [{"kind": "offer", "vendor": "T",
                                                        "field": "ramp_weeks", "value": "x"}]},
                             {"changes": []}])
    assert err.value.problems == [
        "A: unknown change kind 'teleport'; kinds: setting, vendor, offer, contract, stream, "
        "extra_capacity, remove_vendor",
        "B: T ramp set x: not a number (expected a whole number >= 0)",
        "?: a scenario needs a name (text)",
    ]


def test_comparison_round_trips_through_json(tmp_path: Path) -> None:
    ds = late_turing()
    result = compare(ds, parse_scenario("Turing early: capacity Turing coding +100 from 3", ds))
    path = tmp_path / "c.json"
    path.write_text(json.dumps(result.to_dict()))
    back = ScenarioComparison.from_dict(json.loads(path.read_text()))
    assert back.summary() == result.summary()
    assert back.table().equals(result.table())
    assert back.exit_table().equals(result.exit_table())
    assert back.outcomes == result.outcomes  # the PlanResult is not compared or stored
    assert back.outcome(BASE_NAME).plan is None


def test_cancel_returns_the_plans_finished_so_far() -> None:
    ds = late_turing()
    token = CancelToken()
    seen: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> None:
        seen.append((done, total))
        if done == 1:
            token.cancel()

    result = compare(ds, Scenario("A", (RemoveVendor(vendor="Turing"),)),
                     Scenario("B", (ContractChange(contract_id="C1", field="notice_days",
                                                   value=7),)),
                     progress=progress, cancel=token)
    assert seen == [(0, 3), (1, 3)]
    assert result.cancelled
    assert [o.name for o in result.outcomes] == [BASE_NAME]
    assert result.summary()[0] == "Cancelled: 1 of 3 plans finished."
    assert result.summary()[-2:] == ["A: not solved (cancelled).", "B: not solved (cancelled)."]


def test_outcome_without_a_base_says_so() -> None:
    ds = late_turing()
    token = CancelToken()
    token.cancel()
    result = compare(ds, Scenario("A"), cancel=token)
    assert result.outcomes == ()
    assert result.summary()[-1] == "The base plan was not solved, so nothing can be compared."


def test_changes_are_frozen_values() -> None:
    change = OfferChange(vendor="Turing", field="ramp_weeks", value=3)
    assert replace(change, value=4) != change
    with pytest.raises(AttributeError):
        change.value = 5  # type: ignore[misc]


# --- the command ---------------------------------------------------------------------


def test_cli_scenarios_prints_side_by_side_and_writes_json(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from planner.cli import main
    from tests.fixtures.workbooks import valid_sheets, write_xlsx

    book = write_xlsx(tmp_path / "b.xlsx", valid_sheets())
    out = tmp_path / "cmp.json"
    code = main(["scenarios", str(book), "--quiet", "--workers", "1", "--mode", "fastest",
                 "-s", "More Turing: capacity turing coding +100 from 2",
                 "-s", "remove Surge", "--json", str(out)])
    printed = capsys.readouterr().out
    assert code == 0
    saved = ScenarioComparison.from_dict(json.loads(out.read_text()))
    assert [o.name for o in saved.outcomes] == [BASE_NAME, "More Turing", "remove Surge"]
    for line in saved.summary():
        assert line in printed
    assert "Full exit week" in printed and "Total cost" in printed
    # and the saved file feeds the next comparison
    again = main(["scenarios", str(book), "--quiet", "--workers", "1",
                  "--scenarios-file", str(out)])
    assert again == 0


@pytest.mark.parametrize(("argv", "message"), [
    (["-s", "capacity Turng x2"], "unknown vendor 'Turng'; did you mean 'Turing'?"),
    ([], "give at least one --scenario"),
    (["-s", "notice C1 7", "--gap", "2"], "--gap must be in [0, 1)"),
    (["-s", "notice C1 7", "--workers", "0"], "--workers must be at least 1"),
    (["--scenarios-file", "missing.json"], "cannot read scenarios"),
])
def test_cli_scenarios_refuses_bad_input_with_exit_2(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str],
        message: str) -> None:
    from planner.cli import main
    from tests.fixtures.workbooks import valid_sheets, write_xlsx

    book = write_xlsx(tmp_path / "b.xlsx", valid_sheets())
    assert main(["scenarios", str(book), "--quiet", *argv]) == 2
    assert message in capsys.readouterr().err


def test_cli_scenarios_refuses_a_bad_workbook(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    from planner.cli import main

    bad = tmp_path / "bad.xlsx"
    bad.write_text("not a workbook")
    assert main(["scenarios", str(bad), "-s", "notice C1 7"]) == 2
    assert "bad.xlsx" in capsys.readouterr().err


def test_a_plan_with_an_added_capacity_row_verifies_on_the_summed_offer() -> None:
    """An added tranche is a second Capacity row for the same vendor and skill. The
    verifier, which only sees tasks per vendor, checks the summed capacity and prices the
    tasks cheapest row first: 100 tasks/week on Turing from week 6 at $40 plus 60 from
    week 3 at $38 (the added tranche is filled first)."""
    from planner.solve import solve
    from planner.verify import verify_plan

    ds = late_turing()
    more = ExtraCapacity(vendor="Turing", skill="coding", tasks=60.0, from_week=3,
                         unit_price=38.0).apply(ds)
    plan = solve(more, mode="cheapest")
    check = verify_plan(more, plan)
    assert check.ok, check.violations
    assert check.total_cost == pytest.approx(plan.total_cost)
    # weeks 3-5: 60 at $38 on Turing, 40 at $50 on Scale AI; weeks 6-11: 60 x 38 + 40 x 40
    assert plan.total_cost == pytest.approx(
        3 * 100 * 50 + 3 * (60 * 38 + 40 * 50) + 6 * (60 * 38 + 40 * 40))
    # one allocation row per stream, vendor and week, at the blended price
    week7 = plan.allocation[(plan.allocation["week"] == 7)]
    assert len(week7) == 1 and week7["unit_price"].iloc[0] == pytest.approx(38.8)
    # in week 4 only the tranche (60) is there: move 10 more from Scale AI to Turing
    over = plan.allocation.copy()
    week4 = over["week"] == 4
    over.loc[week4 & (over["vendor"] == "Turing"), "tasks"] += 10.0
    over.loc[week4 & (over["vendor"] == "Scale AI"), "tasks"] -= 10.0
    bad = verify_plan(more, replace(plan, allocation=over))
    assert any(v.startswith("Turing coding week 4: 70 tasks > capacity 60")
               for v in bad.violations), bad.violations
