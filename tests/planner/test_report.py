"""The leadership PDF report: content equals the plan, fonts embedded, user text literal.

Plans here are hand-built and consistent (report_fixtures.make_case); the last tests run
the real pipeline (importer -> solver -> report) on the shared example workbooks.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from pypdf import PdfReader

from planner.domain import Dataset
from planner.report import ReportError, VendorPalette, write_report
from planner.report.charts import UNSERVED, nice_ticks, steady_mix
from planner.report.fonts import PLACEHOLDER, FontSet, load_fonts
from planner.report.text import money, para, plain
from planner.results import PlanResult
from tests.planner.report_fixtures import HOSTILE, make_case, with_shortage

EXAMPLES = Path(__file__).resolve().parents[3] / "shared" / "examples"
SECTIONS = ("Executive summary", "2. Migration timeline", "3. Vendor load", "4. Cost",
            "5. Action calendar", "6. Contracts", "7. Assumptions and data")


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


def flat(text: str) -> str:
    """Text with line breaks joined, for phrases a paragraph may wrap."""
    return " ".join(text.split())


@pytest.fixture(scope="module")
def small() -> tuple[Dataset, PlanResult, PlanResult]:
    dataset, plan = make_case()
    _, baseline = make_case(late=True)
    return dataset, plan, baseline


@pytest.fixture(scope="module")
def small_pdf(small: tuple[Dataset, PlanResult, PlanResult],
              tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    dataset, plan, baseline = small
    out = write_report(tmp_path_factory.mktemp("report") / "plan.pdf", plan, dataset, baseline)
    return out, pdf_text(out)


def test_sections_in_order(small_pdf: tuple[Path, str]) -> None:
    _, text = small_pdf
    positions = [text.find(s) for s in SECTIONS]
    assert all(p >= 0 for p in positions), dict(zip(SECTIONS, positions, strict=True))
    assert positions == sorted(positions)


def test_key_numbers_equal_the_plan(small: tuple[Dataset, PlanResult, PlanResult],
                                    small_pdf: tuple[Path, str]) -> None:
    _, plan, baseline = small
    _, text = small_pdf
    body = flat(text)
    saving = baseline.total_cost - plan.total_cost
    assert saving > 0
    assert f"Total cost of the plan: {money(plan.total_cost, 'USD')}" in body
    assert f"saves {money(saving, 'USD')}" in body
    assert money(baseline.total_cost, "USD") in body
    day = plan.completion_date
    assert f"Full exit from Scale Corp by {day.day} {day:%b %Y}, {plan.completion_week} weeks" \
        in body
    for name, amount in plan.costs.as_rows():
        assert f"{name} {money(amount, 'USD')}" in body  # cost table row
    early = plan.contracts[plan.contracts.terminated_early]
    assert len(early) == 2  # key-number cards: values in one row, captions under them
    assert f"$533k $54k {plan.completion_week} wk 2 3" in body
    assert f"early terminations, fees {money(early.termination_fee.sum(), 'USD')}" in body


def test_every_action_and_contract_is_listed(small: tuple[Dataset, PlanResult, PlanResult],
                                            small_pdf: tuple[Path, str]) -> None:
    _, plan, _ = small
    _, text = small_pdf
    calendar = flat(text[text.find("5. Action calendar"):text.find("6. Contracts")])
    for a in plan.actions.itertuples():
        assert f"{a.date.isoformat()} {a.kind.capitalize()}" in calendar
        assert a.description in calendar
    contracts = flat(text[text.find("6. Contracts"):text.find("7. Assumptions")])
    for c in plan.contracts.itertuples():
        assert f"{c.contract_id} {c.vendor}" in contracts
        assert money(c.shortfall, "USD") in contracts
    assert f"Total {int(plan.contracts.terminated_early.sum())} early" in contracts


def test_assumptions_show_source_solver_and_glossary(
        small: tuple[Dataset, PlanResult, PlanResult], small_pdf: tuple[Path, str]) -> None:
    dataset, plan, _ = small
    _, text = small_pdf
    body = flat(text)
    assert dataset.source is not None
    assert "frontier <lab>.xlsx" in body  # user text, literally
    assert dataset.source.short_hash in body
    assert plan.status.value in body
    # The glossary comes from the schema: every column's description is printed.
    from planner import schema

    for col in schema.CONTRACTS.columns:
        assert col.description in body


def test_page_numbers_and_running_header(small_pdf: tuple[Path, str]) -> None:
    path, _ = small_pdf
    pages = PdfReader(path).pages
    for number, page in enumerate(pages, start=1):
        text = page.extract_text()
        assert f"Page {number} of {len(pages)}" in text
        assert "Migration plan: frontier <lab>" in text
        assert "Plan start 2027-01-04" in text


def test_fonts_are_embedded_truetype_only(small_pdf: tuple[Path, str]) -> None:
    path, _ = small_pdf
    seen: set[str] = set()
    for page in PdfReader(path).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            seen.add(str(font["/BaseFont"]))
            descendant = font["/DescendantFonts"][0].get_object() \
                if "/DescendantFonts" in font else font
            assert "/FontFile2" in descendant["/FontDescriptor"].get_object(), font["/BaseFont"]
    assert seen and all("DejaVuSans" in name for name in seen), seen


@pytest.fixture(scope="module")
def hostile_text(tmp_path_factory: pytest.TempPathFactory) -> str:
    dataset, plan = make_case(names=HOSTILE, unserved_stream=True)
    out = write_report(tmp_path_factory.mktemp("hostile") / "h.pdf", plan, dataset,
                       title="Board pack <b>Q1</b> & more")
    return pdf_text(out)


@pytest.mark.parametrize("literal", ["Smith & Sons <Ltd>", "Müller GmbH", "Ærø Data",
                                     "<img src=x> & <b>bold</b> 1", "Füße <script> 1",
                                     "Board pack <b>Q1</b> & more"])
def test_hostile_and_unicode_names_print_literally(hostile_text: str, literal: str) -> None:
    assert literal in flat(hostile_text)


def test_cjk_prints_or_shows_a_placeholder(hostile_text: str) -> None:
    if load_fonts().cjk is not None:  # a CJK font was found on this machine
        assert "株式会社ラベル" in hostile_text
    else:
        assert PLACEHOLDER * len("株式会社ラベル") in hostile_text


def test_unserved_work_is_a_named_risk(hostile_text: str) -> None:
    body = flat(hostile_text)
    assert "Unserved work: 100 tasks in 1 stream(s), week 1 (2027-01-11)" in body
    assert "no baseline plan was given" in body


def test_very_long_user_text_never_breaks_the_layout(tmp_path: Path) -> None:
    """Without splitting and shortening, such a summary is taller than a page and
    reportlab fails the whole report with a LayoutError."""
    from planner.results import Shortage
    from tests.planner.report_fixtures import Names

    long = "Very Long Vendor Name Holdings International " * 8
    names = Names(exited=(long + "X",), alternatives=(long + "A", long + "B", long + "C"),
                  contract_title=long, stream_name=long)
    dataset, plan = make_case(12, 9, 30, names=names, unserved_stream=True)
    plan = replace(with_shortage(plan), notes=[long] * 5, shortages=[
        Shortage("capacity", "s" * 300, 1, 2, 10.0, ("S001",), long * 2)] * 12)
    reader = PdfReader(write_report(tmp_path / "long.pdf", plan, dataset, title=long))
    assert "A full exit is not possible" in reader.pages[0].extract_text()


def test_fastest_without_full_exit_says_so_and_lists_shortages(
        small: tuple[Dataset, PlanResult, PlanResult], tmp_path: Path) -> None:
    dataset, plan, _ = small
    out = write_report(tmp_path / "f.pdf", with_shortage(plan), dataset)
    body = flat(pdf_text(out))
    assert "A full exit is not possible" in body
    assert "Eligible capacity for RLHF preference is 1,234 tasks short in weeks 3-9" in body
    assert "Full exit found (fastest mode) no" in body


@pytest.mark.parametrize(("size", "width", "height"), [("A4", 841.9, 595.3),
                                                       ("letter", 792.0, 612.0)])
def test_page_size(small: tuple[Dataset, PlanResult, PlanResult], tmp_path: Path, size: str,
                   width: float, height: float) -> None:
    dataset, plan, baseline = small
    out = write_report(tmp_path / "p.pdf", plan, dataset, baseline, page_size=size)
    box = PdfReader(out).pages[0].mediabox
    assert (round(float(box.width), 1), round(float(box.height), 1)) == (width, height)


def test_bad_page_size_is_a_typed_error(small: tuple[Dataset, PlanResult, PlanResult],
                                        tmp_path: Path) -> None:
    dataset, plan, _ = small
    with pytest.raises(ReportError, match="unknown page size 'B7'"):
        write_report(tmp_path / "p.pdf", plan, dataset, page_size="B7")


def test_missing_folder_is_a_typed_error(small: tuple[Dataset, PlanResult, PlanResult],
                                         tmp_path: Path) -> None:
    dataset, plan, _ = small
    with pytest.raises(ReportError, match="does not exist"):
        write_report(tmp_path / "nope" / "p.pdf", plan, dataset)


def test_failed_write_keeps_the_old_file_and_leaves_no_temp(
        small: tuple[Dataset, PlanResult, PlanResult], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    dataset, plan, _ = small
    target = tmp_path / "p.pdf"
    target.write_bytes(b"old report")

    def broken_build(self: Any, *args: Any, **kwargs: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("planner.report.ReportDoc.build", broken_build)
    with pytest.raises(ReportError, match="No space left"):
        write_report(target, plan, dataset)
    assert target.read_bytes() == b"old report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.pdf"]


def test_new_report_is_readable_like_any_new_file(
        small: tuple[Dataset, PlanResult, PlanResult], tmp_path: Path) -> None:
    dataset, plan, _ = small
    out = write_report(tmp_path / "p.pdf", plan, dataset)
    mask = os.umask(0o022)
    os.umask(mask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~mask


def test_progress_is_monotonic_and_ends_at_one(small: tuple[Dataset, PlanResult, PlanResult],
                                               tmp_path: Path) -> None:
    dataset, plan, baseline = small
    seen: list[tuple[float, str]] = []
    write_report(tmp_path / "p.pdf", plan, dataset, baseline,
                 progress=lambda f, m: seen.append((f, m)))
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0 and len(seen) >= 8


def test_large_plan_paginates_and_lists_every_contract(tmp_path: Path) -> None:
    dataset, plan = make_case(500, 40, 104)
    out = write_report(tmp_path / "big.pdf", plan, dataset)
    reader = PdfReader(out)
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert len(reader.pages) >= 12  # the Gantt spans pages instead of shrinking rows
    assert text.count("2. Migration timeline by contract and work stream (continued)") >= 8
    contracts = flat(text[text.find("6. Contracts"):text.find("7. Assumptions")])
    assert all(cid in contracts for cid in plan.contracts.contract_id)
    for stream in ("S001 Workstream 1", "S250 Workstream 250", "S500 Workstream 500"):
        assert stream in text


def test_core_report_imports_no_qt() -> None:
    code = ("import sys, planner.report; "
            "sys.exit(any(m.split('.')[0] in ('PySide6', 'ui') for m in sys.modules))")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    assert subprocess.run([sys.executable, "-c", code], env=env, check=False).returncode == 0


# --- units -------------------------------------------------------------------------------


def test_palette_is_keyed_by_name_not_order() -> None:
    a = VendorPalette(["Scale"], ["Beta", "Acme", "Gamma"])
    b = VendorPalette(["Scale"], ["Gamma", "Acme", "Beta"])
    assert all(a[v] == b[v] for v in ("Scale", "Acme", "Beta", "Gamma", UNSERVED))
    many = VendorPalette(["X"], [f"V{i}" for i in range(12)])
    looks = [(many[f"V{i}"].fill.hexval(), many[f"V{i}"].hatch) for i in range(12)]
    assert len(set(looks)) == 12  # every vendor distinguishable
    assert many["X"].fill.hexval() not in {fill for fill, _ in looks}


def test_escaping_and_placeholder_without_cjk_font() -> None:
    base = load_fonts()
    no_cjk = FontSet(base.regular, base.bold, None, base._main_chars)
    assert para("Smith & Sons <Ltd>", no_cjk) == "Smith &amp; Sons &lt;Ltd&gt;"
    assert para("株式会社 & Co", no_cjk) == PLACEHOLDER * 4 + " &amp; Co"
    assert plain("Ærø 株", no_cjk) == "Ærø " + PLACEHOLDER


def test_cjk_runs_use_the_cjk_font() -> None:
    base = load_fonts()
    fake = FontSet(base.regular, base.bold, "CJKFont", base._main_chars,
                   frozenset(map(ord, "株式会社")))
    assert para("<A>株式会社", fake) == '&lt;A&gt;<font name="CJKFont">株式会社</font>'
    assert not base.has("\U0001f9e0")
    assert para("\U0001f9e0", fake) == PLACEHOLDER  # in no font at all


def test_money_formats_in_the_dataset_currency() -> None:
    assert money(1234567.4, "USD") == "$1,234,567"
    assert money(-2500, "EUR") == "−€2,500"
    assert money(1234567, "CHF", compact=True) == "CHF 1.23m"
    assert money(float("nan"), "USD") == "n/a"


def test_nice_ticks_cover_the_maximum() -> None:
    for vmax in (0.3, 7, 99, 1234, 5e6):
        ticks = nice_ticks(vmax)
        assert ticks[0] == 0 and ticks[-1] >= vmax and len(ticks) <= 7


def test_steady_mix_keeps_exited_share_and_moved_total() -> None:
    import numpy as np

    # one row, 2 weeks, columns: exited, A, B. Week 0: 50% exited, 50% A; week 1: 100% B.
    shares = np.array([[[0.5, 0.5, 0.0], [0.0, 0.0, 1.0]]])
    out = steady_mix(shares, np.array([False, True, True]))
    assert np.allclose(out[0, :, 0], [0.5, 0.0])
    assert np.allclose(out.sum(axis=2), shares.sum(axis=2))
    assert np.allclose(out[0, 1, 1:] / out[0, 1, 1:].sum(), [1 / 3, 2 / 3])


# --- the real pipeline on the shared examples ----------------------------------------------


@pytest.mark.parametrize("name", ["a_notice_and_ramp", "b_fee_versus_commitment",
                                  "c_clearance_share_conflict", "d_renewals_and_deadline",
                                  "e_edge_cases"])
def test_report_on_solved_examples(name: str, tmp_path: Path) -> None:
    from planner.baseline import naive_plan
    from planner.importer import load_dataset
    from planner.solve import solve

    expected = json.loads((EXAMPLES / "expected.json").read_text())[name]
    dataset = load_dataset(EXAMPLES / f"{name}.xlsx")
    plan = solve(dataset)
    baseline = naive_plan(dataset)
    out = write_report(tmp_path / f"{name}.pdf", plan, dataset, baseline)
    body = flat(pdf_text(out))
    assert abs(plan.total_cost - expected["cheapest_total_cost"]) <= 1e-6 * max(
        1.0, expected["cheapest_total_cost"])
    assert f"Total cost of the plan: {money(plan.total_cost, plan.currency)}" in body
    assert f"Source file {name}.xlsx" in body
    for cid in plan.contracts.contract_id:
        assert cid in body
    if plan.costs.unserved_tasks > 1e-6:
        assert f"Unserved work: {plan.costs.unserved_tasks:,.0f} tasks" in body
    else:
        assert "Unserved work: none" in body


def test_empty_tables_do_not_crash(small: tuple[Dataset, PlanResult, PlanResult],
                                   tmp_path: Path) -> None:
    dataset, plan, _ = small
    empty = replace(plan, actions=plan.actions.iloc[0:0], unserved=plan.unserved.iloc[0:0],
                    capacity=plan.capacity.iloc[0:0],
                    allocation=plan.allocation.iloc[0:0], vendors=plan.vendors.iloc[0:0],
                    weekly_cost=pd.DataFrame(columns=plan.weekly_cost.columns))
    body = flat(pdf_text(write_report(tmp_path / "e.pdf", empty, dataset)))
    assert "No notices or onboarding are needed." in body


def test_report_on_fastest_mode_without_full_exit(tmp_path: Path) -> None:
    from planner.domain import Mode
    from planner.importer import load_dataset
    from planner.solve import solve

    dataset = load_dataset(EXAMPLES / "c_clearance_share_conflict.xlsx")
    plan = solve(dataset, mode=Mode.FASTEST)
    assert plan.fastest_feasible is False and plan.shortages
    body = flat(pdf_text(write_report(tmp_path / "c.pdf", plan, dataset)))
    assert "A full exit is not possible" in body
    assert flat(plan.shortages[0].message) in body


def _headline_of(plan: PlanResult, dataset: Dataset) -> str:
    from planner.report import sections
    from planner.report.layout import make_styles

    fonts = load_fonts()
    ctx = sections.Context(plan=plan, dataset=dataset, baseline=None, fonts=fonts,
                           styles=make_styles(fonts), width=500.0, height=700.0, title="t",
                           generated=date(2026, 1, 1))
    return sections.headline(ctx)


def test_headline_says_the_cheapest_plan_chose_to_stay() -> None:
    """Incumbent at $50 < Turing at $60 and the contract outlasts the 10-week horizon: the
    cheapest plan stays by choice, which is not 'no full exit is possible'."""
    from planner.solve import solve
    from tests.planner.builders import one_stream, week

    ds = one_stream(contract={"end_date": week(30)}, offers=[{"unit_price": 60.0}])
    cheap = solve(ds, mode="cheapest")
    assert cheap.completion_week == 10
    text = _headline_of(cheap, ds)
    assert text.startswith("The cheapest plan keeps 1 stream(s), 100 tasks/week")
    assert "fastest mode" in text
    fast = solve(ds, mode="fastest")
    assert fast.fastest_feasible and fast.completion_week == 0
    assert _headline_of(fast, ds).startswith("Full exit from Scale AI by")


def test_headline_says_no_full_exit_when_fastest_finds_none() -> None:
    """No alternative offers the skill: fastest mode falls back and says so."""
    from planner.solve import solve
    from tests.planner.builders import one_stream, week

    ds = one_stream(contract={"end_date": week(30)}, offers=[{"skill": "image"}])
    fast = solve(ds, mode="fastest")
    assert fast.fastest_feasible is False
    assert _headline_of(fast, ds).startswith("No full exit from Scale AI within the 10-week")
