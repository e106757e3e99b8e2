"""The bundled samples and the seeded generator keep their promises.

Sizes, spend and eligibility are recomputed here from the rows by the rules of
workbook-format.md / planning-model.md, not taken from the generator's own helpers.
Full-exit feasibility is checked with a small independent LP (not the planner's model).
"""

from __future__ import annotations

import calendar
import math
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pytest
from scipy.optimize import linprog
from scipy.sparse import coo_matrix

from planner.importer import load_workbook
from sample_contracts import generator as gen

Sheets = dict[str, list[dict[str, Any]]]
SAMPLES = Path(gen.__file__).resolve().parent
LEVEL = {"public": 1, "confidential": 2, "restricted": 3}


# ------------------------------------------------------------------ independent helpers


def _skill(text: str) -> str:
    return " ".join(text.split()).casefold()


def eligible(stream: dict[str, Any], sheets: Sheets) -> list[str]:
    """planning-model.md, Eligible alternatives, straight from the rows."""
    exited = {c["vendor"].strip() for c in sheets["Contracts"]}
    vendors = {v["vendor"].strip(): v for v in sheets["Vendors"]}
    out = []
    for offer in sheets["Capacity"]:
        name = offer["vendor"].strip()
        v = vendors[name]
        if (_skill(offer["skill"]) == _skill(stream["skill"]) and name not in exited
                and v["conflicted"] != "Y"
                and LEVEL[v["clearance"]] >= LEVEL[stream["sensitivity"]]):
            out.append(name)
    return out


def pair_count(sheets: Sheets) -> int:
    return sum(len(eligible(s, sheets)) for s in sheets["Workstreams"])


def yearly_spend(sheets: Sheets) -> float:
    return sum(s["weekly_volume"] * s["unit_price"] * 52 for s in sheets["Workstreams"])


def settings(sheets: Sheets) -> dict[str, Any]:
    return {r["key"]: r["value"] for r in sheets["Settings"]}


def _add_months(d: date, months: int) -> date:
    total = d.month - 1 + months
    year, month = d.year + total // 12, total % 12 + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def _last_week(contract: dict[str, Any], start: date, horizon: int) -> int:
    """L_c: the contract's vendor may work weeks before this (renewals applied)."""
    end = contract["end_date"]
    if contract["auto_renew"] == "Y" and (end - start).days < contract["renewal_notice_days"]:
        end = _add_months(end, contract["renewal_months"])
    return min(max(0, math.floor((end - start).days / 7)), horizon)


def full_exit_possible(sheets: Sheets, week: int) -> bool:
    """Is there a plan with no unserved task in any week and no exited-vendor work from
    ``week`` on? (the fastest mode's question). Exit weeks are left at their latest,
    which gives the most room; costs do not matter for feasibility."""
    st = settings(sheets)
    start, horizon = st["plan_start"], int(st["horizon_weeks"])
    contracts = {c["contract_id"]: c for c in sheets["Contracts"]}
    offers = {(o["vendor"], _skill(o["skill"])): o for o in sheets["Capacity"]}
    vendors = {v["vendor"]: v for v in sheets["Vendors"]}
    total = sum(s["weekly_volume"] for s in sheets["Workstreams"])
    cols: dict[tuple[Any, ...], int] = {}
    eq: list[tuple[dict[int, float], float]] = []
    ub: list[tuple[dict[int, float], float]] = []
    load: dict[tuple[Any, ...], list[int]] = {}

    def col(key: tuple[Any, ...]) -> int:
        return cols.setdefault(key, len(cols))

    for i, s in enumerate(sheets["Workstreams"]):
        inc_until = min(week, _last_week(contracts[s["contract_id"]], start, horizon))
        if s["exit_by"] is not None:
            inc_until = min(inc_until, max(0, math.floor((s["exit_by"] - start).days / 7)))
        alts = eligible(s, sheets)
        for t in range(horizon):
            xs = {col(("x", i, v, t)): 1.0 for v in alts}
            for v, j in zip(alts, xs, strict=True):
                load.setdefault(("cap", v, _skill(s["skill"]), t), []).append(j)
                load.setdefault(("share", v, t), []).append(j)
            row = dict(xs)
            if t < inc_until:
                row[col(("inc", i, t))] = 1.0
            eq.append((row, s["weekly_volume"]))
            if s["cutover_weeks"] > 0 and alts:
                growth = dict(xs)
                if t > 0:
                    growth.update({col(("x", i, v, t - 1)): -1.0 for v in alts})
                ub.append((growth, s["weekly_volume"] / s["cutover_weeks"]))
    for key, js in load.items():
        if key[0] == "cap":
            o = offers[(key[1], key[2])]
            t, onb, ramp = key[3], o["onboarding_weeks"], o["ramp_weeks"]
            r = 0.0 if t < onb else 1.0 if ramp == 0 else min(1.0, (t - onb + 1) / ramp)
            ub.append(({j: 1.0 for j in js}, o["weekly_capacity"] * r))
        else:
            ub.append(({j: 1.0 for j in js}, vendors[key[1]]["max_share"] * total))

    def matrix(rows: list[tuple[dict[int, float], float]]) -> tuple[Any, np.ndarray]:
        r = [n for n, (row, _) in enumerate(rows) for _ in row]
        c = [j for row, _ in rows for j in row]
        d = [a for row, _ in rows for a in row.values()]
        a = coo_matrix((d, (r, c)), shape=(len(rows), len(cols))).tocsr()
        return a, np.array([b for _, b in rows])

    a_eq, b_eq = matrix(eq)
    a_ub, b_ub = matrix(ub)
    res = linprog(np.zeros(len(cols)), A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq,
                  bounds=(0, None), method="highs")
    return bool(res.status == 0)


def read_rows(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Each sheet's non-empty rows from the header row on, dates as dates."""
    wb = openpyxl.load_workbook(path, read_only=True)
    out = {}
    for ws in wb.worksheets:
        rows = [tuple(v.date() if isinstance(v, datetime) else v for v in row)
                for row in ws.iter_rows(values_only=True)]
        rows = [r for r in rows if any(v is not None for v in r)]
        head = next(n for n, r in enumerate(rows) if r[0] in ("key", "contract_id", "stream_id",
                                                              "vendor"))
        out[ws.title] = rows[head:]
    wb.close()
    return out


def as_table(rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [tuple(rows[0])] + [tuple(r.values()) for r in rows]


# ------------------------------------------------------------------------------- tests


def test_generate_is_deterministic_for_a_seed() -> None:
    a = gen.generate(12, 50, 9, 60, seed=7)
    assert a == gen.generate(12, 50, 9, 60, seed=7)
    assert a != gen.generate(12, 50, 9, 60, seed=8)


def test_written_workbook_is_byte_identical_for_a_seed(tmp_path: Path) -> None:
    sheets = gen.preset("S", seed=3)
    one = gen.write_workbook(sheets, tmp_path / "one.xlsx").read_bytes()
    two = gen.write_workbook(gen.preset("S", seed=3), tmp_path / "two.xlsx").read_bytes()
    assert one == two


@pytest.mark.parametrize(("contracts", "streams", "vendors", "weeks"),
                         [(1, 1, 3, 1), (5, 12, 4, 26), (10, 40, 8, 52), (30, 25, 20, 104)])
def test_sizes_and_references_match_the_request(
    contracts: int, streams: int, vendors: int, weeks: int,
) -> None:
    sheets = gen.generate(contracts, streams, vendors, weeks, seed=1)
    c, s, v, cap = (sheets[k] for k in ("Contracts", "Workstreams", "Vendors", "Capacity"))
    assert (len(c), len(s), len(v)) == (contracts, streams, vendors)
    assert settings(sheets)["horizon_weeks"] == weeks
    assert settings(sheets)["plan_start"] == date(2027, 1, 4)
    assert len({r["contract_id"] for r in c}) == contracts
    assert len({r["stream_id"] for r in s}) == streams
    assert {r["vendor"] for r in c} == {"Scale AI"}
    assert [r["conflicted"] for r in v].count("Y") == 1
    assert {r["contract_id"] for r in s} <= {r["contract_id"] for r in c}
    assert len({r["contract_id"] for r in s}) == min(contracts, streams)
    assert {r["vendor"] for r in cap} <= {r["vendor"] for r in v}
    assert len({(r["vendor"], r["skill"]) for r in cap}) == len(cap)
    assert all(eligible(r, sheets) for r in s), "every stream has an eligible alternative"


def test_bad_sizes_are_refused() -> None:
    with pytest.raises(ValueError, match="vendors"):
        gen.generate(3, 10, 2)


@pytest.mark.parametrize(("name", "target"), [("M", 110_000), ("L", 400_000)])
def test_preset_variable_count_is_near_the_benchmark_size(name: str, target: int) -> None:
    sheets = gen.preset(name)
    _, streams, vendors, weeks = gen.PRESETS[name]
    assert len(sheets["Workstreams"]) == streams and len(sheets["Vendors"]) == vendors
    variables = pair_count(sheets) * weeks
    assert abs(variables - target) <= 0.15 * target, variables


def test_generated_data_is_varied_and_realistic() -> None:
    sheets = gen.preset("M")
    c, s, v = sheets["Contracts"], sheets["Workstreams"], sheets["Vendors"]
    start, horizon = settings(sheets)["plan_start"], settings(sheets)["horizon_weeks"]
    assert len({r["notice_days"] for r in c}) >= 4
    assert max(r["notice_days"] for r in c) <= 90
    assert any(r["termination_fee"] > 0 for r in c) and any(r["termination_fee"] == 0 for r in c)
    assert any(r["min_commitment"] > 0 for r in c)
    renewing = [r for r in c if r["auto_renew"] == "Y"]
    locked = [r for r in renewing if (r["end_date"] - start).days < r["renewal_notice_days"]]
    assert renewing and locked and len(locked) < len(renewing)
    end_weeks = [(r["end_date"] - start).days // 7 for r in c]
    assert min(end_weeks) < horizon // 4 and max(end_weeks) > horizon
    assert any(r["exit_by"] is not None for r in s)
    assert len({r["skill"] for r in s}) >= 10
    assert {0.3, 1.0} <= {r["max_share"] for r in v}
    assert any(r["setup_fee"] > 0 for r in v)
    stem = [r["unit_price"] for r in s if r["skill"] == "expert STEM"]
    bbox = [r["unit_price"] for r in s if r["skill"] == "image bbox"]
    assert min(stem) > 10 * max(bbox)


def test_generated_capacity_can_absorb_each_skill_after_ramp() -> None:
    """Per skill and sensitivity, full-ramp cleared capacity covers the demand."""
    sheets = gen.preset("L")
    vendors = {v["vendor"]: v for v in sheets["Vendors"]}
    for skill in {s["skill"] for s in sheets["Workstreams"]}:
        for level in LEVEL:
            demand = sum(s["weekly_volume"] for s in sheets["Workstreams"]
                         if s["skill"] == skill and LEVEL[s["sensitivity"]] >= LEVEL[level])
            supply = sum(o["weekly_capacity"] for o in sheets["Capacity"]
                         if o["skill"] == skill and vendors[o["vendor"]]["conflicted"] == "N"
                         and LEVEL[vendors[o["vendor"]]["clearance"]] >= LEVEL[level])
            assert supply >= demand, (skill, level)


@pytest.mark.parametrize("seed", [0, 1])
def test_small_preset_allows_a_full_exit(seed: int) -> None:
    sheets = gen.preset("S", seed)
    assert full_exit_possible(sheets, settings(sheets)["horizon_weeks"] - 1)
    assert not full_exit_possible(sheets, 0)


def test_frontier_lab_claims() -> None:
    sheets = gen.frontier_lab()
    c, s, v = sheets["Contracts"], sheets["Workstreams"], sheets["Vendors"]
    assert abs(yearly_spend(sheets) - 200e6) <= 0.15 * 200e6
    assert len(c) >= 20 and len(s) >= 60 and len(v) >= 8
    assert [r["conflicted"] for r in v].count("Y") == 1
    names = {r["vendor"] for r in v}
    assert {"Turing", "Labelbox", "Handshake", "Mercor", "Surge AI", "Invisible",
            "In-house data team"} <= names
    assert {r["vendor"] for r in c} == {"Scale AI"}
    st = settings(sheets)
    assert st["plan_start"] == date(2026, 1, 5) and st["plan_start"].weekday() == 0
    assert st["horizon_weeks"] == 78
    skills = Counter(r["skill"] for r in s)
    assert {"RLHF preference", "expert STEM", "coding", "multilingual", "safety red-teaming",
            "image bbox", "LiDAR 3D"} <= set(skills)
    stem = [r["unit_price"] for r in s if r["skill"] == "expert STEM"]
    assert min(stem) >= 60 and max(stem) <= 100
    renewing = [r for r in c if r["auto_renew"] == "Y"]
    locked = [r for r in renewing
              if (r["end_date"] - st["plan_start"]).days < r["renewal_notice_days"]]
    assert locked and len(locked) < len(renewing)
    assert len({r["notice_days"] for r in c}) >= 4
    assert any(r["min_commitment"] > 0 for r in c) and any(r["termination_fee"] > 0 for r in c)
    assert any(r["exit_by"] is not None for r in s)
    # Small enough to solve fast: x variables = eligible pairs x weeks.
    assert pair_count(sheets) * st["horizon_weeks"] < 30_000


def test_frontier_lab_full_exit_is_possible_but_not_immediate() -> None:
    sheets = gen.frontier_lab()
    horizon = settings(sheets)["horizon_weeks"]
    assert full_exit_possible(sheets, horizon // 2)
    assert not full_exit_possible(sheets, 8)


def test_quickstart_is_tiny() -> None:
    sheets = gen.quickstart()
    assert (len(sheets["Contracts"]), len(sheets["Workstreams"]), len(sheets["Vendors"])) == (
        2, 4, 3)
    assert full_exit_possible(sheets, settings(sheets)["horizon_weeks"] - 1)


@pytest.mark.parametrize(("filename", "build"), [("frontier_lab.xlsx", gen.frontier_lab),
                                                 ("quickstart.xlsx", gen.quickstart)])
def test_bundled_workbooks_match_their_generator(filename: str, build: Any) -> None:
    """The committed .xlsx is what the code builds (rebuild with --frontier-lab)."""
    rows = read_rows(SAMPLES / filename)
    for sheet, data in build().items():
        expected = as_table(data)
        assert [r[: len(expected[0])] for r in rows[sheet]] == expected, sheet


def test_quickstart_has_a_title_above_the_headers() -> None:
    wb = openpyxl.load_workbook(SAMPLES / "quickstart.xlsx", read_only=True)
    first = next(wb["Contracts"].iter_rows(values_only=True))
    wb.close()
    assert isinstance(first[0], str) and first[0].startswith("Quickstart")


def test_cli_writes_a_preset(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "S.xlsx"
    assert gen.main(["--preset", "s", "--seed", "2", "--out", str(out)]) == 0
    rows = read_rows(out)
    assert len(rows["Workstreams"]) - 1 == 40 and len(rows["Vendors"]) - 1 == 8
    assert "40 streams" in capsys.readouterr().out


def test_cli_refuses_bad_sizes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        gen.main(["--vendors", "2", "--out", "never.xlsx"])
    assert exc.value.code == 2
    assert "vendors" in capsys.readouterr().err


@pytest.mark.parametrize("which", ["frontier_lab", "quickstart", "M"])
def test_samples_import_without_problems(which: str, tmp_path: Path) -> None:
    if which == "M":
        sheets = gen.preset("M", seed=1)
        path = gen.write_workbook(sheets, tmp_path / "M.xlsx")
    else:
        sheets = getattr(gen, which)()
        path = SAMPLES / f"{which}.xlsx"
    result = load_workbook(path, today=date(2026, 1, 1))
    assert [p.render() for p in result.problems] == []
    ds = result.dataset
    assert ds is not None
    assert len(ds.contracts) == len(sheets["Contracts"])
    assert len(ds.streams) == len(sheets["Workstreams"])
    assert len(ds.vendors) == len(sheets["Vendors"])
    assert ds.weekly_spend() * 52 == pytest.approx(yearly_spend(sheets))
    assert ds.settings.plan_start == settings(sheets)["plan_start"]
    pairs = sum(1 for s in ds.streams for o in ds.capacity if ds.is_eligible(s, o))
    assert pairs == pair_count(sheets)
