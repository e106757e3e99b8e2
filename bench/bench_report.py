"""How long the leadership PDF takes (goal: a 60-stream plan < 3 s; 500 streams readable).

Usage: python bench/bench_report.py [--streams 60 500] [--repeat 3] [--workbook FILE]
Plans are hand-built by tests/planner/report_fixtures.py (no solver in the timing); with
--workbook the file is imported and solved first, and only write_report is timed.
Prints, per size, the best wall-clock and CPU time over the repeats (CPU time too, because
the machine is shared), the page count and the file size.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pypdf import PdfReader  # noqa: E402

from planner.domain import Dataset  # noqa: E402
from planner.report import write_report  # noqa: E402
from planner.report.fonts import load_fonts  # noqa: E402
from planner.results import PlanResult  # noqa: E402
from tests.planner.report_fixtures import make_case  # noqa: E402


def measure(label: str, plan: PlanResult, dataset: Dataset, baseline: PlanResult | None,
            repeat: int) -> None:
    best_wall = best_cpu = float("inf")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.pdf"
        for _ in range(repeat):
            wall, cpu = time.perf_counter(), time.process_time()
            write_report(out, plan, dataset, baseline)
            best_wall = min(best_wall, time.perf_counter() - wall)
            best_cpu = min(best_cpu, time.process_time() - cpu)
        pages, size = len(PdfReader(out).pages), out.stat().st_size
    print(f"{label:>28}: wall {best_wall:5.2f} s  cpu {best_cpu:5.2f} s  "
          f"{pages:3d} pages  {size / 1024:6.0f} KiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--streams", type=int, nargs="+", default=[60, 500])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workbook", type=Path, help="also time a solved workbook")
    args = parser.parse_args()
    load_fonts()  # once per process, as in the app; not part of a report's time
    for n in args.streams:
        weeks = 104
        dataset, plan = make_case(n, max(2, n // 12), weeks)
        _, baseline = make_case(n, max(2, n // 12), weeks, late=True)
        measure(f"{n} streams x {weeks} weeks", plan, dataset, baseline, args.repeat)
    if args.workbook:
        from planner.baseline import naive_plan
        from planner.importer import load_dataset
        from planner.solve import solve

        dataset = load_dataset(args.workbook)
        plan = solve(dataset)
        measure(args.workbook.name, plan, dataset, naive_plan(dataset), args.repeat)


if __name__ == "__main__":
    main()
