"""Regenerate docs/sample-report.pdf and the PNG previews of its first pages.

Usage: python bench/make_sample_report.py [--workbook sample_contracts/frontier_lab.xlsx]
       [--pages 4] [--dpi 60]
Imports and solves the workbook (cheapest mode, its own settings), compares with the naive
baseline, writes the report and renders pages 1..N with pdftoppm (poppler-utils) into
docs/report-page-N.png.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from planner.baseline import naive_plan  # noqa: E402
from planner.importer import load_dataset  # noqa: E402
from planner.report import write_report  # noqa: E402
from planner.solve import solve  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workbook", type=Path,
                        default=ROOT / "sample_contracts" / "frontier_lab.xlsx")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "sample-report.pdf")
    parser.add_argument("--pages", type=int, default=4)
    parser.add_argument("--dpi", type=int, default=60)
    args = parser.parse_args()
    dataset = load_dataset(args.workbook)
    started = time.perf_counter()
    plan = solve(dataset)
    print(f"solved in {time.perf_counter() - started:.1f} s: {plan.status.value}, "
          f"cost {plan.total_cost:,.0f}")
    started = time.perf_counter()
    out = write_report(args.out, plan, dataset, naive_plan(dataset))
    print(f"report {out} in {time.perf_counter() - started:.2f} s")
    if shutil.which("pdftoppm") is None:
        print("pdftoppm not found (apt-get install poppler-utils): no PNG previews")
        return 1
    prefix = out.parent / "report-page"
    for old in out.parent.glob("report-page-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-r", str(args.dpi), "-png", "-f", "1", "-l", str(args.pages),
                    str(out), str(prefix)], check=True)
    for png in sorted(out.parent.glob("report-page-*.png")):  # pdftoppm pads: -01, -02...
        fixed = png.with_name(f"report-page-{int(png.stem.rsplit('-', 1)[1])}.png")
        png.rename(fixed)
        print(f"preview {fixed}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
