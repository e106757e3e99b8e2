"""Read + validate time for large workbooks built in code (goal: 10k streams < 2 s).

Usage: python bench/bench_import.py [--streams 1000 10000] [--repeat 3] [--streaming-only]
Prints, per size, the best wall-clock and CPU read and validate times over the repeats
(CPU time too, because the machine is shared and wall-clock time depends on the load).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from planner.importer import validate
from planner.workbook import read_workbook

SKILLS = ["coding", "RLHF preference", "expert STEM", "LiDAR 3D", "image bbox",
          "multilingual", "audio transcription", "red teaming"]


def build(path: Path, streams: int) -> Path:
    """A workbook shaped like a large real one: ~10 streams per contract, 40 vendors."""
    import xlsxwriter

    contracts = max(1, streams // 10)
    vendors = 40
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws = wb.add_worksheet("Contracts")
    ws.write_row(0, 0, ["contract_id", "vendor", "title", "end_date", "notice_days",
                        "termination_fee", "min_commitment", "auto_renew", "renewal_months",
                        "renewal_notice_days"])
    for i in range(contracts):
        ws.write_row(i + 1, 0, [f"C{i:05d}", "Scale AI", f"Contract {i}"])
        ws.write_datetime(i + 1, 3, _dt(date(2026, 3, 1) + timedelta(days=i % 400)), date_fmt)
        ws.write_row(i + 1, 4, [30 + i % 60, 1000 * (i % 7), 500 * (i % 5), "Y" if i % 3 else "N",
                                12, 60])
    ws = wb.add_worksheet("Workstreams")
    ws.write_row(0, 0, ["stream_id", "contract_id", "name", "skill", "weekly_volume",
                        "unit_price", "sensitivity", "cutover_weeks", "exit_by"])
    for i in range(streams):
        ws.write_row(i + 1, 0, [f"S{i:06d}", f"C{i % contracts:05d}", f"Stream {i}",
                                SKILLS[i % len(SKILLS)], 100 + i % 900, f"${10 + i % 40}.50",
                                ("public", "confidential", "restricted")[i % 3], i % 6])
    ws = wb.add_worksheet("Vendors")
    ws.write_row(0, 0, ["vendor", "clearance", "conflicted", "setup_fee", "max_share"])
    for v in range(vendors):
        ws.write_row(v + 1, 0, [f"Vendor {v}", "restricted", "N", 1000 * v, "40%"])
    ws = wb.add_worksheet("Capacity")
    ws.write_row(0, 0, ["vendor", "skill", "weekly_capacity", "unit_price",
                        "onboarding_weeks", "ramp_weeks"])
    row = 1
    for v in range(vendors):
        for s in SKILLS:
            ws.write_row(row, 0, [f"Vendor {v}", s, 5000 + 100 * v, 5 + v % 30, v % 4, v % 6])
            row += 1
    ws = wb.add_worksheet("Settings")
    ws.write_row(0, 0, ["key", "value"])
    ws.write_row(1, 0, ["plan_start", "2026-01-05"])
    ws.write_row(2, 0, ["horizon_weeks", 104])
    ws.write_row(3, 0, ["unserved_penalty", 1000])
    wb.close()
    return path


def _dt(d: date) -> object:
    from datetime import datetime

    return datetime(d.year, d.month, d.day)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--streams", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--streaming-only", action="store_true",
                        help="disable the calamine fast path (openpyxl streaming reader)")
    args = parser.parse_args()
    if args.streaming_only:
        import planner.workbook

        planner.workbook._fast_plan = lambda xml: None  # type: ignore[assignment]
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.streams:
            path = build(Path(tmp) / f"bench_{n}.xlsx", n)
            best = {"read": float("inf"), "validate": float("inf"), "cpu": float("inf")}
            for _ in range(args.repeat):
                c0, t0 = time.process_time(), time.perf_counter()
                raw = read_workbook(path)
                t1 = time.perf_counter()
                result = validate(raw, today=date(2026, 1, 1))
                c2, t2 = time.process_time(), time.perf_counter()
                best = {"read": min(best["read"], t1 - t0),
                        "validate": min(best["validate"], t2 - t1),
                        "cpu": min(best["cpu"], c2 - c0)}
            assert result.dataset is not None, [p.render() for p in result.errors[:5]]
            size = path.stat().st_size / 1024
            print(f"{n:>6} streams ({size:,.0f} KiB): read {best['read']:.3f} s, validate "
                  f"{best['validate']:.3f} s, total {best['read'] + best['validate']:.3f} s "
                  f"wall / {best['cpu']:.3f} s CPU ({len(result.warnings)} warnings)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
