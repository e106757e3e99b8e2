"""The report's Decision support section: each insight printed with its own numbers.

The insights are real results computed on tiny datasets (builders.one_stream, solved in
well under a second each) whose vendor and scenario names are hostile markup; a few
tests build result objects directly where size matters (long tables, many contracts).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from pypdf import PdfReader

from planner.baseline import naive_plan
from planner.domain import Dataset, Level, Mode
from planner.insights.bundle import InsightsBundle
from planner.insights.doctor import diagnose
from planner.insights.levers import Lever, LeverKind, LeverReport, find_levers
from planner.insights.risk import RiskResult, RiskSpec, Triangular, VendorSlip, run_risk
from planner.insights.scenarios import (
    BASE_NAME,
    RemoveVendor,
    Scenario,
    SettingChange,
    compare_scenarios,
)
from planner.insights.speed import PriceOfSpeed, price_of_speed
from planner.report import write_report
from planner.report.charts import nice_span
from planner.report.text import day, money, money_axis
from planner.results import PlanResult
from planner.solve import solve
from tests.planner.builders import one_stream
from tests.planner.report_fixtures import make_case

VENDOR = "Smith & Sons <Ltd>"  # an alternative vendor: markup that must print literally
FAST = "<b>Fast</b> & co"  # a scenario name


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


def flat(text: str) -> str:
    return " ".join(text.split())


def between(text: str, start: str, end: str | None = None) -> str:
    """The flattened text from ``start`` to ``end`` (or the end)."""
    body = flat(text)
    a = body.index(start)
    b = body.index(end, a) if end else len(body)
    return body[a:b]


def two_vendors() -> Dataset:
    """VENDOR 80 coding tasks/week at $40 from week 0; Surge 20/week at $45 from week 6:
    the earliest full exit is week 6 and the cheapest plan costs $41,600."""
    return one_stream(vendors=[{"vendor": VENDOR}, {"vendor": "Surge"}],
                      offers=[{"vendor": VENDOR, "weekly_capacity": 80.0},
                              {"vendor": "Surge", "weekly_capacity": 20.0, "unit_price": 45.0,
                               "onboarding_weeks": 6}])


@pytest.fixture(scope="module")
def case() -> tuple[Dataset, PlanResult, InsightsBundle]:
    ds = two_vendors()
    plan = solve(ds)
    dear = one_stream(vendors=[{"vendor": VENDOR}],
                      offers=[{"vendor": VENDOR, "unit_price": 60.0}])
    restricted = one_stream(stream={"sensitivity": Level.RESTRICTED}, horizon=12)
    bundle = InsightsBundle(
        speed=price_of_speed(dear, chosen=solve(dear)),
        levers=find_levers(ds),
        doctor=diagnose(restricted),
        scenarios=compare_scenarios(ds, [
            Scenario(FAST, (SettingChange(field="mode", value="fastest"),)),
            Scenario("No Surge", (RemoveVendor(vendor="Surge"),))], workers=1),
        risk=run_risk(ds, RiskSpec({VENDOR: VendorSlip(Triangular(0, 2, 6)),
                                    "*": VendorSlip(Triangular(0, 1, 3))}, runs=6, seed=3),
                      workers=1),
    )
    return ds, plan, bundle


@pytest.fixture(scope="module")
def report(case: tuple[Dataset, PlanResult, InsightsBundle],
           tmp_path_factory: pytest.TempPathFactory) -> str:
    ds, plan, bundle = case
    out = write_report(tmp_path_factory.mktemp("insights") / "r.pdf", plan, ds,
                       naive_plan(ds), insights=bundle)
    return pdf_text(out)


PARTS = ("7. Decision support", "7.1 Price of speed", "7.2 Levers", "7.3 Infeasibility doctor",
         "7.4 Scenarios", "7.5 Ramp risk", "8. Assumptions and data")


def test_decision_support_comes_before_the_assumptions_in_order(report: str) -> None:
    positions = [report.find(p) for p in PARTS]
    assert all(p >= 0 for p in positions), dict(zip(PARTS, positions, strict=True))
    assert positions == sorted(positions)
    assert report.find("6. Contracts") < positions[0]
    assert "7. Assumptions and data" not in report


def test_executive_summary_points_to_the_decision_support(report: str) -> None:
    summary = between(report, "Executive summary", "2. Migration timeline")
    assert "Decision support (section 7): price of speed, what an earlier exit would cost" \
        in summary
    assert "ramp risk, how sure the exit date is" in summary


@pytest.mark.parametrize("insights", [None, InsightsBundle()])
def test_without_insights_the_report_is_unchanged(insights: InsightsBundle | None,
                                                  tmp_path: Path) -> None:
    dataset, plan = make_case()
    text = pdf_text(write_report(tmp_path / "p.pdf", plan, dataset, insights=insights))
    assert "Decision support" not in text
    assert "7. Assumptions and data" in text


def test_only_the_insights_given_are_shown(case: tuple[Dataset, PlanResult, InsightsBundle],
                                           tmp_path: Path) -> None:
    ds, plan, bundle = case
    text = pdf_text(write_report(tmp_path / "r.pdf", plan, ds,
                                 insights=InsightsBundle(risk=bundle.risk)))
    assert "7.1 Ramp risk" in text
    assert "Price of speed" not in text and "Levers" not in text


def test_price_of_speed_table_and_chart(case: tuple[Dataset, PlanResult, InsightsBundle],
                                        report: str) -> None:
    speed = case[2].speed
    assert speed is not None and len(speed.points) == 11
    part = between(report, "7.1 Price of speed", "7.2 Levers")
    assert flat(speed.summary) in part
    for p in speed.points:
        # every $1,000 a week earlier: full exit by week W costs 50,000 + 1,000 x (10 - W)
        assert p.total == pytest.approx(50_000 + 1_000 * (10 - p.week))
        extra = "cheapest" if p.extra_cost < 0.5 else "+" + money(p.extra_cost, "USD")
        chosen = " (chosen plan)" if p.chosen else ""
        per_week = "$1,000" if p.week < 10 else "–"
        # week 10 is the horizon: the cheapest plan keeps the exited vendor to its end
        when = day(p.exit_by) if p.week < 10 else "no full exit (horizon end)"
        assert f"{when}{chosen} {p.week} {money(p.total, 'USD')} {extra} {per_week}" in part
    assert "Total cost of a full exit by each week (USD)" in part  # the chart's title
    assert "fastest: $60k" in part and "cheapest, no full exit · chosen plan: $50k" in part
    assert "The chosen plan: Exit by week 10 (16 Mar 2026): $50.0k, the cheapest plan." in part


def test_levers_are_ranked_with_weeks_and_saving(
        case: tuple[Dataset, PlanResult, InsightsBundle], report: str) -> None:
    levers = case[2].levers
    assert levers is not None
    part = between(report, "7.2 Levers", "7.3 Infeasibility doctor")
    assert flat(levers.summary) in part
    assert [lv.target for lv in levers.levers][:2] == [f"{VENDOR} / coding", "Surge / coding"]
    for i, lv in enumerate(levers.levers, start=1):
        assert f"{i} {lv.kind.value.capitalize()}: {lv.target}" in part
        assert f"{lv.change} {lv.weeks_earlier} {money(lv.saving, 'USD')}" in part
        assert flat(lv.sentence) in part
    assert "+20 tasks/week 6 $1,600" in part


def test_doctor_names_the_problem_and_its_costed_fixes(
        case: tuple[Dataset, PlanResult, InsightsBundle], report: str) -> None:
    doctor = case[2].doctor
    assert doctor is not None and not doctor.healthy
    part = between(report, "7.3 Infeasibility doctor", "7.4 Scenarios")
    assert flat(doctor.summary) in part
    dg = doctor.diagnoses[0]
    assert "1 coding no eligible vendor 10–11 2026-03-16 to 2026-03-23 200 S1" in part
    assert flat(dg.rule) in part
    costs = [fx.cost_after for fx in dg.fixes]
    assert costs == [pytest.approx(48_000), pytest.approx(60_000)]
    for fx in dg.fixes:
        assert flat(fx.sentence) in part
        assert f"all of it {money(fx.cost_after or 0, 'USD')}" in part
    assert "week 0 (2026-01-05)" in part  # full exit with the first fix


def test_a_healthy_plan_gets_one_line(case: tuple[Dataset, PlanResult, InsightsBundle],
                                      tmp_path: Path) -> None:
    ds, plan, _ = case
    healthy = diagnose(ds, plan=plan)
    assert healthy.healthy
    text = pdf_text(write_report(tmp_path / "h.pdf", plan, ds,
                                 insights=InsightsBundle(doctor=healthy)))
    part = between(text, "7.1 Infeasibility doctor", "8. Assumptions")
    assert part.startswith("7.1 Infeasibility doctor All work is placed. Every task can be "
                           "placed and the earliest full exit is week 6 (16 Feb 2026)")
    assert "What cannot be placed" not in text and "fixes" not in part


def test_scenarios_side_by_side_with_reasons(case: tuple[Dataset, PlanResult, InsightsBundle],
                                             report: str) -> None:
    comparison = case[2].scenarios
    assert comparison is not None
    part = between(report, "7.4 Scenarios", "7.5 Ramp risk")
    assert f"{BASE_NAME} {FAST} No Surge" in part  # the table's header, names literally
    totals = " ".join(money(o.total_cost, "USD") for o in comparison.outcomes)
    assert f"Total cost {totals}" in part
    base, fast, no_surge = comparison.outcomes
    assert fast.total_cost == pytest.approx(base.total_cost)
    assert f"Cost vs base same +{money(no_surge.total_cost - base.total_cost, 'USD')}" in part
    runs = " ".join(money(o.costs.run, "USD") for o in comparison.outcomes)
    assert f"Run cost {runs}" in part
    assert "Contract exit weeks" in part and "C1 Scale AI week 10" in part
    for sentence in comparison.summary():
        assert flat(sentence) in part


def test_ramp_risk_percentiles_histograms_and_settings(
        case: tuple[Dataset, PlanResult, InsightsBundle], report: str) -> None:
    risk = case[2].risk
    assert risk is not None and risk.runs_done == 6
    part = between(report, "7.5 Ramp risk", "8. Assumptions")
    for line in risk.summary():
        assert flat(line) in part
    p50, p90 = risk.week_date(risk.week_p50), risk.week_date(risk.week_p90)
    assert p50 is not None and p90 is not None
    cards = (f"{day(p50)} {day(p90)} {money(risk.cost_p50, 'USD', compact=True)} "
             f"{money(risk.cost_p90, 'USD', compact=True)} 100%")
    assert cards in part
    assert f"P50 full exit (week {int(risk.week_p50)})" in part
    assert "Full-exit week over the runs" in part and "Total cost over the runs" in part
    assert "Whose slip hurts most" in part
    top = risk.impacts.iloc[0]
    assert f"{top['vendor']} {top['slip']}" in part
    assert "Runs 6 Seed 3 Each run a fastest plan, optimality gap 0.10%" in part
    assert f"Slips of {VENDOR} onboarding slip 0 to 6, most likely 2 weeks" in part
    assert "Slips of every other alternative vendor" in part


def test_hostile_names_print_literally(report: str) -> None:
    body = flat(report)
    assert body.count(VENDOR) >= 4  # levers, scenarios' reasons, risk tables
    assert FAST in body
    assert "&amp;" not in body and "&lt;" not in body


def _levers(n: int) -> LeverReport:
    lever = Lever(LeverKind.CAPACITY, f"{VENDOR} / coding", "+20 tasks/week", 80, 100, 6, 0,
                  6, 41_600, 40_000, 1_600, 1_600,
                  "20 more coding tasks/week would bring the full exit 6 weeks earlier.")
    many = tuple(replace(lever, target=f"Vendor {i} / coding") for i in range(n))
    return LeverReport("USD", Mode.CHEAPEST, 6, 41_600, many, n, "Many levers.")


def test_a_long_table_splits_across_pages_with_its_header(
        case: tuple[Dataset, PlanResult, InsightsBundle], tmp_path: Path) -> None:
    ds, plan, _ = case
    out = write_report(tmp_path / "long.pdf", plan, ds,
                       insights=InsightsBundle(levers=_levers(90)))
    pages = [p.extract_text() for p in PdfReader(out).pages]
    with_rows = [t for t in pages if "Vendor 1 / coding" in t or "Vendor 89 / coding" in t
                 or "Vendor 45 / coding" in t]
    assert len(with_rows) >= 2
    assert all("In plain words" in t for t in with_rows)  # the header repeats
    assert all(f"Vendor {i} / coding" in "\n".join(pages) for i in range(90))


def test_many_contracts_get_a_summary_of_the_exits_that_move(
        case: tuple[Dataset, PlanResult, InsightsBundle], tmp_path: Path) -> None:
    ds, plan, bundle = case
    comparison = bundle.scenarios
    assert comparison is not None
    ids = [f"K{i:02d}" for i in range(20)]
    base, *others = comparison.outcomes
    outcomes = [replace(base, exit_weeks=dict.fromkeys(ids, 10))]
    outcomes += [replace(o, exit_weeks={c: 10 - (i < 3) for i, c in enumerate(ids)})
                 for o in others]
    many = replace(comparison, outcomes=tuple(outcomes),
                   contract_vendors=dict.fromkeys(ids, "Scale AI"))
    text = flat(pdf_text(write_report(tmp_path / "m.pdf", plan, ds,
                                      insights=InsightsBundle(scenarios=many))))
    assert ("3 of 20 contracts exit in a different week in some scenario; the other 17 exit "
            "in the same week in every plan") in text
    assert "K00 Scale AI week 10 week 9 week 9" in text
    assert "K05 Scale AI" not in text


def test_an_empty_curve_and_a_risk_without_runs_still_print(
        case: tuple[Dataset, PlanResult, InsightsBundle], tmp_path: Path) -> None:
    ds, plan, bundle = case
    assert bundle.risk is not None
    empty_curve = PriceOfSpeed("USD", None, None, (), "No full exit is possible.")
    no_runs: RiskResult = replace(bundle.risk, runs=bundle.risk.runs.iloc[0:0],
                                  cancelled=True)
    text = flat(pdf_text(write_report(tmp_path / "e.pdf", plan, ds, insights=InsightsBundle(
        speed=empty_curve, risk=no_runs))))
    assert "7.1 Price of speed No full exit is possible." in text
    assert "No run finished, so there is no distribution yet." in text


# --- units -------------------------------------------------------------------------------


def test_nice_span_covers_the_range_without_starting_at_zero() -> None:
    ticks = nice_span(285.2e6, 299.4e6)
    assert ticks[0] <= 285.2e6 and ticks[-1] >= 299.4e6 and ticks[0] > 0
    assert 4 <= len(ticks) <= 8
    assert nice_span(5.0, 5.0)[0] < 5.0 < nice_span(5.0, 5.0)[-1]


def test_money_axis_labels_are_distinct_and_short() -> None:
    ticks = nice_span(285.2e6, 287.1e6)
    labels = [money_axis(ticks, "USD")(t) for t in ticks]
    assert len(set(labels)) == len(labels)
    assert labels[0].startswith("$285") and labels[0].endswith("m")
    assert money_axis([0.0, 20_000.0, 40_000.0], "CHF")(40_000.0) == "CHF 40k"


# --- the command line ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.fixtures.workbooks import valid_sheets, write_xlsx

    return write_xlsx(tmp_path_factory.mktemp("book") / "b.xlsx", valid_sheets())


@pytest.mark.parametrize(("argv", "part"), [
    (["insights", "--what", "levers,doctor", "--top", "2"], "7.1 Levers"),
    (["scenarios", "-s", "Fast: mode fastest", "--workers", "1"], "7.1 Scenarios"),
    (["risk", "--slip", "*:0,1,3", "--runs", "3", "--workers", "1", "--no-sensitivity"],
     "7.1 Ramp risk"),
])
def test_cli_writes_the_report_with_its_insights(workbook: Path, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str],
                                                 argv: list[str], part: str) -> None:
    from planner.cli import main

    out = tmp_path / "r.pdf"
    assert main([argv[0], str(workbook), *argv[1:], "--quiet", "--report", str(out),
                 "--page-size", "Letter"]) == 0
    assert f"Report written to {out}" in capsys.readouterr().out
    reader = PdfReader(out)
    assert round(float(reader.pages[0].mediabox.width)) == 792
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "7. Decision support" in text and part in text and "8. Assumptions" in text


@pytest.mark.parametrize("command", [["plan"], ["insights"], ["scenarios", "-s", "mode fastest"],
                                     ["risk", "--slip", "*:1"]])
def test_cli_refuses_a_report_in_a_missing_folder_before_solving(
        workbook: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        command: list[str]) -> None:
    from planner.cli import main

    target = tmp_path / "missing" / "r.pdf"
    assert main([command[0], str(workbook), *command[1:], "--quiet", "--report",
                 str(target)]) == 2
    err = capsys.readouterr().err
    assert f"the folder {target.parent} does not exist" in err
    assert not target.parent.exists()


def test_cli_refuses_a_folder_as_the_report(workbook: Path, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    from planner.cli import main

    assert main(["insights", str(workbook), "--quiet", "--report", str(tmp_path)]) == 2
    assert "is a folder; give a file name" in capsys.readouterr().err
