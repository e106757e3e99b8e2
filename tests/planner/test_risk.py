"""Ramp risk (planner.insights.risk) on tiny cases whose answers are known by hand.

Base case: 100 coding tasks/week at $50 on Scale AI (contract ends week 10, no notice),
horizon 12; Turing takes coding at $40, 100 tasks/week, from week 2 (no ramp, no cutover
limit). In fastest mode a Turing onboarding of o weeks gives the full exit at week o and
costs o x 100 x 50 + (12 - o) x 100 x 40 = 48,000 + 1,000 o.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from planner.domain import Mode
from planner.insights.risk import (
    DEFAULT_RUNS,
    RUN_GAP,
    Discrete,
    RiskError,
    RiskResult,
    RiskSpec,
    Triangular,
    VendorSlip,
    draw,
    fixed,
    parse_distribution,
    parse_slips,
    run_risk,
    slipped,
)
from planner.solve import CancelToken
from tests.planner.builders import one_stream


def ds_turing(onboarding: int = 2, ramp: int = 0, **kw: object):  # type: ignore[no-untyped-def]
    return one_stream(offers=[{"weekly_capacity": 100.0, "onboarding_weeks": onboarding,
                               "ramp_weeks": ramp}], horizon=12, **kw)


def cost_at(onboarding: int) -> float:
    return 48_000 + 1_000 * onboarding


def test_a_certain_slip_gives_exactly_the_hand_computed_exit() -> None:
    spec = RiskSpec({"Turing": VendorSlip(Triangular(3, 3, 3))}, runs=5, seed=7)
    result = run_risk(ds_turing(), spec, workers=1)
    assert result.runs["full_exit_week"].tolist() == [5] * 5
    assert result.runs["total_cost"].tolist() == pytest.approx([cost_at(5)] * 5)
    assert (result.week_p50, result.week_p90, result.week_mean) == (5, 5, 5)
    assert result.cost_p90 == pytest.approx(cost_at(5))
    assert result.nominal is not None
    assert (result.nominal.completion_week, result.nominal.total_cost) == (2, cost_at(2))
    assert result.full_exit_share == 1.0
    assert result.runs["full_exit_date"].iloc[0].isoformat() == "2026-02-09"


def test_a_ramp_stretch_is_rounded_to_whole_weeks_and_replanned() -> None:
    # ramp 4 x 1.4 = 5.6 -> 6 weeks: r(t) = (t+1)/6, full from week 5 -> exit week 5.
    # Turing weeks 0-4: 100 x (1+2+3+4+5)/6 = 250 tasks, Scale AI the other 250 of those
    # weeks, then Turing 7 x 100: 950 x 40 + 250 x 50 = 50,500.
    spec = RiskSpec({"Turing": VendorSlip(stretch=fixed(1.4))}, runs=2)
    result = run_risk(ds_turing(onboarding=0, ramp=4), spec, workers=1)
    assert result.runs["full_exit_week"].tolist() == [5, 5]
    assert result.runs["total_cost"].tolist() == pytest.approx([50_500, 50_500])
    assert result.nominal is not None and result.nominal.completion_week == 3


def test_two_point_slip_gives_the_percentiles_of_its_probabilities() -> None:
    # slip 0 (70%) or 4 (30%): exit week 2 or 6, cost 50,000 or 54,000.
    runs = 100
    spec = RiskSpec({"Turing": VendorSlip(Discrete((0, 4), (0.7, 0.3)))}, runs=runs, seed=11)
    result = run_risk(ds_turing(), spec, workers=1, sensitivity=False)
    slips = result.draws.set_index("run")["onboarding_slip"]
    weeks = result.runs.set_index("run")["full_exit_week"]
    assert (weeks == 2 + slips).all()  # every run re-planned with its own draw
    late = int((slips == 4).sum())
    assert 10 <= late <= 50  # 30 expected; over 4 standard deviations either side
    # P50: 2 while at least half the runs are on time; P90: 6 once over 10% are late
    assert result.week_p50 == (2 if late <= runs / 2 else 6)
    assert result.week_p90 == (6 if late > runs / 10 else 2)
    assert result.week_mean == pytest.approx(2 + 4 * late / runs)
    assert result.cost_mean == pytest.approx(cost_at(2) + 4_000 * late / runs)
    assert result.cost_p90 == pytest.approx(cost_at(6))
    hist = result.week_histogram()
    assert hist[["week", "runs"]].values.tolist() == [[2, runs - late], [6, late]]
    assert hist["cumulative"].tolist() == pytest.approx([(runs - late) / runs, 1.0])
    assert hist["week_start"].tolist()[0].isoformat() == "2026-01-19"
    costs = result.cost_histogram(bins=4)
    assert costs["runs"].tolist() == [runs - late, 0, 0, late]
    text = result.summary()
    assert text[0] == "100 runs of fastest plans (seed 11)."
    assert text[2] == ("Full exit: P50 week 2 (2026-01-19), P90 week 6 (2026-02-16), mean week "
                       f"{result.week_mean:.1f}.")


def test_the_vendor_whose_slip_hurts_is_named_first() -> None:
    # Mercor (coding at $45, from week 8) only matters if Turing is very late. Turing's
    # P90 slip (4 weeks) alone: exit week 6 instead of 2, +4 x 100 x (50 - 40) = +4,000.
    # Mercor's P90 slip alone changes nothing.
    ds = one_stream(vendors=[{"vendor": "Turing"}, {"vendor": "Mercor"}],
                    offers=[{"weekly_capacity": 100.0, "onboarding_weeks": 2},
                            {"vendor": "Mercor", "weekly_capacity": 100.0, "unit_price": 45.0,
                             "onboarding_weeks": 8}], horizon=12)
    two_point = VendorSlip(Discrete((0, 4), (0.5, 0.5)))
    spec = RiskSpec({"Mercor": two_point, "*": two_point}, runs=20, seed=2)
    result = run_risk(ds, spec, workers=1)
    impacts = result.impacts.set_index("vendor")
    assert list(result.impacts["vendor"]) == ["Turing", "Mercor"]
    assert impacts.loc["Turing", "weeks_later"] == 4
    assert impacts.loc["Turing", "cost_increase"] == pytest.approx(4_000)
    assert impacts.loc["Mercor", "weeks_later"] == 0
    assert impacts.loc["Mercor", "cost_increase"] == pytest.approx(0)
    assert impacts.loc["Turing", "corr_week"] == pytest.approx(1.0)
    assert ("Turing's slip hurts most: at its P90 (onboarding 4 weeks late) the full exit is "
            "4 weeks later (week 2 -> 6) and the plan costs $4,000 more.") in result.summary()


def test_same_seed_same_runs_with_one_or_two_workers() -> None:
    spec = RiskSpec({"Turing": VendorSlip(Triangular(0, 1, 5), Triangular(1, 1, 2))},
                    runs=6, seed=5)
    ds = ds_turing(ramp=2)
    one = run_risk(ds, spec, workers=1)
    two = run_risk(ds, spec, workers=2)
    assert one.runs.equals(two.runs)
    assert one.draws.equals(two.draws)
    assert one.impacts.equals(two.impacts)
    assert one.summary() == two.summary()
    other = draw(RiskSpec(spec.slips, runs=6, seed=6), [("Turing", spec.slips["Turing"])])
    assert not other.equals(one.draws)


def test_a_vendor_keeps_its_draws_when_another_vendor_is_added() -> None:
    slip = VendorSlip(Triangular(0, 2, 6))
    alone = draw(RiskSpec({"Turing": slip}, runs=50), [("Turing", slip)])
    both = draw(RiskSpec({"Turing": slip}, runs=50), [("Mercor", slip), ("Turing", slip)])
    turing = both[both["vendor"] == "Turing"].reset_index(drop=True)
    assert turing.equals(alone)


def test_cancel_returns_partial_results_marked_as_such() -> None:
    token = CancelToken()
    slip = VendorSlip(Triangular(0, 5, 10))
    spec = RiskSpec({"Turing": slip}, runs=30, seed=1)
    slips = draw(spec, [("Turing", slip)])["onboarding_slip"].tolist()
    # distinct plans in order: no slip, the P90 slip (10 - sqrt(0.1 x 10 x 5) = 7.76 -> 8),
    # then each new slip of the runs; cancelled once 5 are done
    order = list(dict.fromkeys([0, 8, *slips]))
    finished = set(order[:5])
    totals: set[int] = set()

    def progress(done: int, total: int) -> None:
        totals.add(total)
        if done == 5:
            token.cancel()

    result = run_risk(ds_turing(), spec, workers=1, progress=progress, cancel=token)
    assert totals == {len(order)}
    assert result.cancelled and result.partial
    expected = [i for i, v in enumerate(slips) if v in finished]
    assert 3 <= len(expected) < 30
    assert result.runs["run"].tolist() == expected
    assert result.draws["onboarding_slip"].tolist() == [slips[i] for i in expected]
    assert result.summary()[0] == (f"Partial result: {len(expected)} of 30 runs finished "
                                   "before the stop (fastest plans, seed 1).")


def test_runs_with_the_same_capacity_share_one_plan() -> None:
    # slip 0 or 4 on Turing: two distinct plans for 50 runs, whatever their number
    spec = RiskSpec({"Turing": VendorSlip(Discrete((0, 4), (0.5, 0.5)))}, runs=50, seed=4)
    calls: list[tuple[int, int]] = []
    result = run_risk(ds_turing(), spec, workers=1, progress=lambda d, n: calls.append((d, n)))
    assert calls == [(0, 2), (1, 2), (2, 2)]
    assert result.runs_done == 50
    costs = dict(zip(result.draws["onboarding_slip"], result.runs["total_cost"], strict=True))
    assert costs == {0: pytest.approx(cost_at(2)), 4: pytest.approx(cost_at(6))}


def test_cancel_before_anything_ran() -> None:
    token = CancelToken()
    token.cancel()
    result = run_risk(ds_turing(), RiskSpec({"*": VendorSlip(fixed(1))}, runs=3), workers=1,
                      cancel=token)
    assert result.runs_done == 0 and result.nominal is None
    assert math.isnan(result.week_p50)
    assert result.summary()[-1] == "No run finished, so there is no distribution yet."


def test_runs_with_work_left_unserved_count_as_no_full_exit() -> None:
    # Turing takes at most 60 of the 100 tasks a week: after the contract ends (week 10)
    # 40 a week are unserved, so no run exits fully; they count as the horizon week.
    ds = one_stream(offers=[{"weekly_capacity": 60.0}], horizon=12)
    result = run_risk(ds, RiskSpec({"Turing": VendorSlip(fixed(1))}, runs=3), workers=1)
    assert result.runs["completion_week"].tolist() == [10] * 3
    assert result.runs["full_exit_week"].tolist() == [12] * 3
    assert not result.runs["full_exit"].any()
    text = result.summary()
    assert text[1].startswith("Without slips: full exit not within the 12-week horizon, ")
    assert text[2].startswith("Full exit: P50 not within the 12-week horizon, P90 not within")
    assert text[4] == ("In 3 of 3 runs (100%) there is no full exit within the horizon (work "
                       "left on the exited vendors or unserved).")


def test_cheapest_mode_and_gap_are_passed_to_every_run() -> None:
    spec = RiskSpec({"Turing": VendorSlip(fixed(1))}, runs=2)
    result = run_risk(ds_turing(), spec, mode="cheapest", gap=0.0, workers=1)
    assert (result.mode, result.gap) == ("cheapest", 0.0)
    assert result.runs["total_cost"].tolist() == pytest.approx([cost_at(3)] * 2)
    assert RUN_GAP == 1e-3 and DEFAULT_RUNS == 200


# --- distributions and settings --------------------------------------------------------


def test_distribution_quantiles_by_hand() -> None:
    tri = Triangular(0, 2, 6)
    # F(2) = 1/3; above it, x = 6 - sqrt((1 - p) x 6 x 4)
    assert tri.quantile(0.9) == pytest.approx(6 - math.sqrt(2.4))
    assert tri.quantile(0.2) == pytest.approx(math.sqrt(0.2 * 6 * 2))
    table = Discrete((4, 0, 1), (30, 50, 20))
    assert [table.quantile(p) for p in (0.4, 0.5, 0.6, 0.7, 0.71, 1.0)] == [0, 0, 1, 1, 4, 4]
    sample = tri.sample(np.random.default_rng(0), 20_000)
    assert sample.mean() == pytest.approx(8 / 3, abs=0.05)
    assert fixed(2).sample(np.random.default_rng(0), 3).tolist() == [2, 2, 2]


@pytest.mark.parametrize(("text", "expected"), [
    ("2", fixed(2)),
    ("0,2,6", Triangular(0, 2, 6)),
    (" 0 = 70% , 4=30%", Discrete((0, 4), (70, 30))),
    ("1=1,2=3", Discrete((1, 2), (1, 3))),
])
def test_parse_distribution(text: str, expected: object) -> None:
    assert parse_distribution(text) == expected


@pytest.mark.parametrize("text", ["", "1,2", "a,b,c", "3,2,1", "0=50%,x", "1=-1", "nan"])
def test_bad_distributions_are_refused_in_words(text: str) -> None:
    with pytest.raises(RiskError):
        parse_distribution(text)


def test_parse_slips_matches_vendor_names_ignoring_case() -> None:
    slips = parse_slips(["turing:0,2,6", "*:1"], ["TURING:1,1.2,2"], ["Turing", "Mercor"])
    assert slips == {"Turing": VendorSlip(Triangular(0, 2, 6), Triangular(1, 1.2, 2)),
                     "*": VendorSlip(fixed(1))}
    with pytest.raises(RiskError) as err:
        parse_slips(["Turing"], ["Mercor:-1"], ["Turing", "Mercor"])
    assert str(err.value) == ("'Turing': write VENDOR:DISTRIBUTION, e.g. Turing:0,2,6; "
                              "Mercor: a ramp stretch factor cannot be negative")


def test_unknown_exited_or_useless_vendors_are_refused() -> None:
    ds = one_stream(vendors=[{"vendor": "Turing"}, {"vendor": "Outlier", "conflicted": True}])
    slip = VendorSlip(fixed(1))
    with pytest.raises(RiskError) as err:
        RiskSpec({"Turnig": slip, "Scale AI": slip, "Outlier": slip}).resolve(ds)
    assert str(err.value) == (
        "unknown vendor 'Turnig' (did you mean Turing?); Scale AI is a vendor being exited; "
        "slips apply to alternative vendors; Outlier is conflicted and never used: its slip "
        "would change nothing")
    with pytest.raises(RiskError):
        RiskSpec({}, runs=0)


def test_slipped_moves_only_that_vendors_capacity() -> None:
    ds = one_stream(vendors=[{"vendor": "Turing"}, {"vendor": "Mercor"}],
                    offers=[{"onboarding_weeks": 1, "ramp_weeks": 3}, {"vendor": "Mercor"}])
    new = slipped(ds, (("Turing", 2, 1.5),))
    assert [(o.vendor, o.onboarding_weeks, o.ramp_weeks) for o in new.capacity] == [
        ("Turing", 3, 5), ("Mercor", 0, 0)]


def test_result_round_trips_through_json() -> None:
    spec = RiskSpec({"Turing": VendorSlip(Discrete((0, 4), (0.7, 0.3)))}, runs=8, seed=3)
    result = run_risk(ds_turing(), spec, workers=1, mode=Mode.FASTEST)
    data = json.loads(json.dumps(result.to_dict()))
    back = RiskResult.from_dict(data)
    assert back.summary() == result.summary() == data["summary"]
    assert back.runs.equals(result.runs)
    assert back.draws.equals(result.draws)
    assert back.impacts.equals(result.impacts)
    assert back.spec == spec and back.nominal == result.nominal
    assert RiskSpec.from_dict(data["spec"]) == spec
    with pytest.raises(RiskError, match="newer"):
        RiskResult.from_dict({**data, "version": 2})


# --- the command ---------------------------------------------------------------------


def test_cli_risk_prints_percentiles_and_writes_json(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from planner.cli import main
    from tests.fixtures.workbooks import valid_sheets, write_xlsx

    book = write_xlsx(tmp_path / "b.xlsx", valid_sheets())
    out = tmp_path / "risk.json"
    code = main(["risk", str(book), "--runs", "4", "--seed", "3", "--workers", "1",
                 "--slip", "turing:0,1,3", "--stretch", "*:1,1.5,2", "--quiet",
                 "--json", str(out)])
    printed = capsys.readouterr().out
    assert code == 0
    result = RiskResult.from_dict(json.loads(out.read_text()))
    assert result.runs_done == 4 and result.spec.seed == 3 and result.gap == RUN_GAP
    for line in result.summary():
        assert line in printed
    assert "Full-exit week   runs" in printed
    # the saved settings run again, with the runs overridden
    assert main(["risk", str(book), "--spec", str(out), "--runs", "2", "--workers", "1",
                 "--quiet"]) == 0
    assert "2 runs of fastest plans (seed 3)." in capsys.readouterr().out


@pytest.mark.parametrize(("argv", "message"), [
    ([], "give at least one --slip"),
    (["--slip", "Turng:1"], "unknown vendor 'Turng' (did you mean Turing?)"),
    (["--slip", "Turing:1,2"], "is not a distribution"),
    (["--slip", "Turing:1", "--runs", "0"], "runs must be a whole number >= 1"),
    (["--slip", "Turing:1", "--time-limit", "0"], "--time-limit must be positive"),
    (["--spec", "nowhere.json"], "cannot read nowhere.json"),
])
def test_cli_risk_refuses_bad_input_with_exit_2(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str],
        message: str) -> None:
    from planner.cli import main
    from tests.fixtures.workbooks import valid_sheets, write_xlsx

    book = write_xlsx(tmp_path / "b.xlsx", valid_sheets())
    assert main(["risk", str(book), "--quiet", "--workers", "1", *argv]) == 2
    assert message in capsys.readouterr().err


def test_cli_help_shows_the_real_defaults() -> None:
    from planner import risk_command

    assert (risk_command.HELP_RUNS, risk_command.HELP_GAP) == (DEFAULT_RUNS, RUN_GAP)
