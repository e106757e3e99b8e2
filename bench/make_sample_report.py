"""Regenerate docs/sample-report.pdf and the PNG previews of its first pages.

Usage: python bench/make_sample_report.py [--workbook sample_contracts/frontier_lab.xlsx]
       [--pages 4] [--dpi 60]
       python bench/make_sample_report.py --insights [--cache FILE]
Imports and solves the workbook (cheapest mode, its own settings), compares with the naive
baseline, writes the report and renders pages 1..N with pdftoppm (poppler-utils) into
docs/report-page-N.png.

With ``--insights`` it also computes all five insights with small settings (price of
speed 8 points, 4 levers measured, the doctor, three scenarios, 40 ramp-risk runs; gap
1e-3 and a time limit per optimiser run) and writes docs/sample-report-insights.pdf
instead, with its price-of-speed and ramp-risk pages previewed as
docs/report-insights-page-1.png and -2.png. ``--cache FILE`` keeps the solved plan and
insights in a pickle, so the layout can be redone without re-solving.
"""

from __future__ import annotations

import argparse
import pickle
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from planner.baseline import naive_plan  # noqa: E402
from planner.domain import Dataset  # noqa: E402
from planner.importer import load_dataset  # noqa: E402
from planner.insights.bundle import InsightsBundle  # noqa: E402
from planner.report import write_report  # noqa: E402
from planner.results import PlanResult  # noqa: E402
from planner.solve import solve  # noqa: E402

GAP = 1e-3
TIME_LIMIT = 60.0
SCENARIOS = ("Fastest exit: mode fastest", "Without Surge AI: remove Surge AI",
             "Fees waived: fee * 0")
SLIPS = ("*:0,1,4", "Surge AI:0,2,6")
PREVIEWS = ("Total cost of a full exit by each week", "Full-exit week over the runs")


def compute_insights(dataset: Dataset, plan: PlanResult) -> InsightsBundle:
    """All five insights of ``plan``, with settings small enough for a few minutes."""
    from planner.insights.doctor import diagnose
    from planner.insights.levers import find_levers
    from planner.insights.risk import RiskSpec, parse_slips, run_risk
    from planner.insights.scenarios import compare_scenarios, parse_scenario
    from planner.insights.speed import price_of_speed

    options: dict[str, Any] = {"time_limit": TIME_LIMIT, "gap": GAP}
    results: dict[str, Any] = {}
    steps = [
        ("speed", lambda: price_of_speed(dataset, chosen=plan, cheapest=plan, max_points=8,
                                         **options)),
        ("levers", lambda: find_levers(dataset, cheapest=plan, top=4, **options)),
        ("doctor", lambda: diagnose(dataset, plan=plan, **options)),
        ("scenarios", lambda: compare_scenarios(
            dataset, [parse_scenario(s, dataset) for s in SCENARIOS], **options)),
        ("risk", lambda: run_risk(dataset, RiskSpec(parse_slips(
            [s for s in SLIPS], [], [v.vendor for v in dataset.vendors]), runs=40, seed=1),
            time_limit=TIME_LIMIT)),
    ]
    for name, compute in steps:
        started = time.perf_counter()
        results[name] = compute()
        print(f"{name} in {time.perf_counter() - started:.1f} s", flush=True)
    return InsightsBundle(**results)


def preview(pdf: Path, pages: list[int], dpi: int, stem: str) -> int:
    """Render ``pages`` of ``pdf`` to <pdf folder>/<stem>-N.png (N = 1, 2...)."""
    if shutil.which("pdftoppm") is None:
        print("pdftoppm not found (apt-get install poppler-utils): no PNG previews")
        return 1
    for old in pdf.parent.glob(f"{stem}-*.png"):
        old.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        for i, page in enumerate(pages, start=1):
            prefix = Path(tmp) / f"p{i}"
            subprocess.run(["pdftoppm", "-r", str(dpi), "-png", "-singlefile", "-f",
                            str(page), "-l", str(page), str(pdf), str(prefix)], check=True)
            target = pdf.parent / f"{stem}-{i}.png"
            shutil.move(prefix.with_suffix(".png"), target)
            print(f"preview {target} (page {page})")
    return 0


def pages_with(pdf: Path, texts: tuple[str, ...]) -> list[int]:
    """The first page holding each of ``texts`` (those found)."""
    from pypdf import PdfReader

    found = [(p.extract_text() or "") for p in PdfReader(pdf).pages]
    return [next(n for n, t in enumerate(found, start=1) if text in t)
            for text in texts if any(text in t for t in found)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workbook", type=Path,
                        default=ROOT / "sample_contracts" / "frontier_lab.xlsx")
    parser.add_argument("--out", type=Path, default=None,
                        help="default docs/sample-report.pdf (docs/sample-report-insights.pdf "
                        "with --insights)")
    parser.add_argument("--pages", type=int, default=4)
    parser.add_argument("--dpi", type=int, default=60)
    parser.add_argument("--insights", action="store_true",
                        help="compute the five insights and add the Decision support part")
    parser.add_argument("--cache", type=Path, default=None,
                        help="with --insights: pickle of the plan and insights, reused if "
                        "present")
    args = parser.parse_args()
    dataset = load_dataset(args.workbook)
    if args.insights and args.cache is not None and args.cache.exists():
        plan, insights = pickle.loads(args.cache.read_bytes())
        print(f"plan and insights from {args.cache}")
    else:
        started = time.perf_counter()
        plan = solve(dataset, gap=GAP if args.insights else None)
        print(f"solved in {time.perf_counter() - started:.1f} s: {plan.status.value}, "
              f"cost {plan.total_cost:,.0f}", flush=True)
        insights = compute_insights(dataset, plan) if args.insights else None
        if args.cache is not None and insights is not None:
            args.cache.write_bytes(pickle.dumps((plan, insights)))
    name = "sample-report-insights.pdf" if args.insights else "sample-report.pdf"
    out_path = args.out or ROOT / "docs" / name
    started = time.perf_counter()
    out = write_report(out_path, plan, dataset, naive_plan(dataset), insights=insights)
    print(f"report {out} in {time.perf_counter() - started:.2f} s")
    if args.insights:  # the price-of-speed page and the ramp-risk page
        return preview(out, pages_with(out, PREVIEWS), args.dpi, "report-insights-page")
    return preview(out, list(range(1, args.pages + 1)), args.dpi, "report-page")


if __name__ == "__main__":
    raise SystemExit(main())
