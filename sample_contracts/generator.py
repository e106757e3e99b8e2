"""Seeded, deterministic contract workbooks for benchmarks, tests and demos.

``generate`` builds synthetic workbooks of any size (presets S/M/L size the optimiser
benchmarks); ``frontier_lab`` and ``quickstart`` build the two bundled samples. Every
workbook follows workbook-format.md; rows are plain dicts keyed by the spec's column
names so tests can check them without the importer.

    python -m sample_contracts.generator --preset M --seed 1 --out M.xlsx
    python -m sample_contracts.generator --frontier-lab   # rebuilds the bundled samples
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import xlsxwriter

Row = dict[str, Any]
Sheets = dict[str, list[Row]]

EXITED_VENDOR = "Scale AI"
CONFLICTED_VENDOR = "Outlier"  # Scale AI's own contributor platform: same owner, never usable
IN_HOUSE = "In-house data team"
LEVELS = ("public", "confidential", "restricted")
SHEET_ORDER = ("Contracts", "Workstreams", "Vendors", "Capacity", "Settings")
HERE = Path(__file__).resolve().parent

# Share of the non-conflicted alternatives a stream can go to. It sizes the optimiser:
# x[stream, vendor, week] has about streams * target * weeks variables (M ~ 110k).
ELIGIBLE_SHARE = 0.5


@dataclass(frozen=True, slots=True)
class Skill:
    """A task family with a plausible market price and stream size (tasks/week)."""

    name: str
    price: float  # typical incumbent price per task, USD
    volume: tuple[int, int]  # weekly volume range of one stream
    sensitivity: tuple[float, float, float]  # weights of public/confidential/restricted


SKILLS: tuple[Skill, ...] = (
    Skill("RLHF preference", 9.0, (1500, 9000), (0.10, 0.80, 0.10)),
    Skill("expert STEM", 85.0, (100, 900), (0.00, 0.85, 0.15)),
    Skill("coding", 35.0, (300, 2500), (0.05, 0.85, 0.10)),
    Skill("multilingual", 11.5, (800, 4500), (0.25, 0.70, 0.05)),
    Skill("safety red-teaming", 42.0, (100, 900), (0.00, 0.35, 0.65)),
    Skill("SFT writing", 22.0, (300, 1800), (0.10, 0.85, 0.05)),
    Skill("agentic tool-use", 50.0, (100, 700), (0.00, 0.85, 0.15)),
    Skill("image bbox", 1.2, (5000, 35000), (0.50, 0.50, 0.00)),
    Skill("LiDAR 3D", 8.0, (500, 3500), (0.40, 0.60, 0.00)),
    Skill("audio transcription", 2.5, (2000, 12000), (0.40, 0.60, 0.00)),
    Skill("video annotation", 5.0, (1000, 6000), (0.40, 0.60, 0.00)),
    Skill("medical expert", 95.0, (50, 400), (0.00, 0.40, 0.60)),
    Skill("search relevance", 0.8, (5000, 25000), (0.50, 0.50, 0.00)),
)

VENDOR_POOL: tuple[str, ...] = (
    IN_HOUSE, "Turing", "Labelbox", "Handshake", "Mercor", "Surge AI", "Invisible",
    "iMerit", "Toloka", "Sama", "TELUS Digital", "Appen", "CloudFactory", "Welocalize",
    "Prolific", "micro1", "Snorkel AI", "Centaur Labs", "Cogito Tech", "Innodata",
)

PRESETS: dict[str, tuple[int, int, int, int]] = {
    # name: (contracts, streams, vendors, weeks)
    "S": (10, 40, 8, 52),
    "M": (40, 200, 12, 104),
    "L": (100, 500, 16, 104),
}


def level_at_least(clearance: str, sensitivity: str) -> bool:
    return LEVELS.index(clearance) >= LEVELS.index(sensitivity)


def eligible_vendors(stream: Row, sheets: Sheets) -> list[str]:
    """Alternatives a stream may go to (planning-model.md, Eligible alternatives).

    Works on generated rows, whose names and skills are already clean.
    """
    exited = {c["vendor"] for c in sheets["Contracts"]}
    vendors = {v["vendor"]: v for v in sheets["Vendors"]}
    out = []
    for offer in sheets["Capacity"]:
        vendor = vendors[offer["vendor"]]
        if (
            offer["skill"] == stream["skill"]
            and offer["vendor"] not in exited
            and vendor["conflicted"] == "N"
            and level_at_least(vendor["clearance"], stream["sensitivity"])
        ):
            out.append(offer["vendor"])
    return out


def eligible_pairs(sheets: Sheets) -> int:
    """Number of (stream, eligible vendor) pairs; times the horizon = x variables."""
    return sum(len(eligible_vendors(s, sheets)) for s in sheets["Workstreams"])


def annual_spend(sheets: Sheets) -> float:
    """What the workstreams cost a year with the incumbent (volume * price * 52)."""
    return float(sum(s["weekly_volume"] * s["unit_price"] * 52 for s in sheets["Workstreams"]))


def _money(x: float) -> float:
    """Round a fee or commitment to a contract-like figure (whole thousands)."""
    return float(round(x / 1000.0) * 1000)


def _vendor_names(n: int) -> list[str]:
    names = list(VENDOR_POOL[: n - 1])
    names += [f"Vendor {i + 1:02d}" for i in range(len(names), n - 1)]
    return [CONFLICTED_VENDOR, *names]


def _make_vendors(rng: random.Random, n_vendors: int) -> list[Row]:
    rows = []
    for name in _vendor_names(n_vendors):
        if name == CONFLICTED_VENDOR:
            rows.append(dict(vendor=name, clearance="confidential", conflicted="Y",
                             setup_fee=0.0, max_share=1.0))
        elif name == IN_HOUSE:
            rows.append(dict(vendor=name, clearance="restricted", conflicted="N",
                             setup_fee=_money(rng.uniform(500_000, 1_500_000)), max_share=1.0))
        else:
            clearance = rng.choices(LEVELS, weights=(0.15, 0.60, 0.25))[0]
            setup = 0.0 if rng.random() < 0.25 else _money(rng.uniform(10_000, 250_000))
            share = rng.choice((0.3, 0.4, 0.5, 0.6, 1.0, 1.0))
            rows.append(dict(vendor=name, clearance=clearance, conflicted="N",
                             setup_fee=setup, max_share=share))
    return rows


def _make_streams(
    rng: random.Random, n_streams: int, contract_ids: Sequence[str], skills: Sequence[Skill],
    plan_start: date, horizon_weeks: int,
) -> list[Row]:
    # Every contract gets one stream first, the rest are spread at random.
    owners = list(contract_ids[:n_streams]) + [
        rng.choice(contract_ids) for _ in range(n_streams - len(contract_ids))
    ]
    rows = []
    for i, contract_id in enumerate(owners):
        skill = skills[i % len(skills)] if i < len(skills) else rng.choice(skills)
        lo, hi = skill.volume
        volume = float(round(rng.uniform(lo, hi), -1))
        price = round(skill.price * rng.uniform(0.85, 1.25), 2)
        exit_by = None
        if rng.random() < 0.06:
            exit_by = plan_start + timedelta(weeks=rng.randint(26, max(27, horizon_weeks * 2 // 3)))
        rows.append(dict(
            stream_id=f"S{i + 1:04d}", contract_id=contract_id,
            name=f"{skill.name} #{i + 1}", skill=skill.name, weekly_volume=volume,
            unit_price=price,
            sensitivity=rng.choices(LEVELS, weights=skill.sensitivity)[0],
            cutover_weeks=rng.choice((2, 4, 4, 6, 8, 12)), exit_by=exit_by,
        ))
    return rows


def _eligible_count(stream: Row, offered: set[tuple[str, str]], clearance: dict[str, str]) -> int:
    return sum(
        1 for v, lvl in clearance.items()
        if (v, stream["skill"]) in offered and level_at_least(lvl, stream["sensitivity"])
    )


def _make_offers(
    rng: random.Random, streams: list[Row], vendors: list[Row], target: float,
) -> set[tuple[str, str]]:
    """Which (vendor, skill) pairs are offered, calibrated so a stream has about
    ``target`` eligible alternatives on average and every stream has at least one."""
    clearance = {v["vendor"]: v["clearance"] for v in vendors if v["conflicted"] == "N"}
    names = sorted(clearance)
    skills = sorted({s["skill"] for s in streams})
    p = min(1.0, target / max(1, len(names)))
    offered = {(v, k) for v in names for k in skills if rng.random() < p}
    # Floor: every stream reachable by at least one (restricted) or two vendors.
    for s in streams:
        need = 1 if s["sensitivity"] == "restricted" else min(2, len(names))
        fit = [v for v in names if level_at_least(clearance[v], s["sensitivity"])]
        rng.shuffle(fit)
        while _eligible_count(s, offered, clearance) < min(need, len(fit)):
            offered.add((next(v for v in fit if (v, s["skill"]) not in offered), s["skill"]))

    def gain(v: str, k: str) -> int:
        return sum(1 for s in streams
                   if s["skill"] == k and level_at_least(clearance[v], s["sensitivity"]))

    goal = target * len(streams)
    total = sum(_eligible_count(s, offered, clearance) for s in streams)
    candidates = sorted({(v, k) for v in names for k in skills} - offered)
    rng.shuffle(candidates)
    for v, k in candidates:  # top up towards the goal without overshooting much
        g = gain(v, k)
        if total + g / 2 <= goal and g > 0:
            offered.add((v, k))
            total += g
    removable = sorted(offered)
    rng.shuffle(removable)
    for v, k in removable:  # trim back when the random draw overshot
        if total - gain(v, k) / 2 < goal:
            continue
        offered.discard((v, k))
        if all(_eligible_count(s, offered, clearance) >= 1 for s in streams if s["skill"] == k):
            total -= gain(v, k)
        else:
            offered.add((v, k))
    return offered


def _make_capacity(
    rng: random.Random, streams: list[Row], vendors: list[Row], offered: set[tuple[str, str]],
    skills: Sequence[Skill],
) -> list[Row]:
    """Capacities that absorb each skill's demand after ramp, with 15-60% slack overall
    and enough cleared capacity for the restricted and confidential streams."""
    by_name = {v["vendor"]: v for v in vendors}
    prices = {k.name: k.price for k in skills}
    rows: list[Row] = []
    for skill in sorted({s["skill"] for s in streams}):
        offers = sorted(v for v, k in offered if k == skill)
        demand = {lvl: sum(s["weekly_volume"] for s in streams
                           if s["skill"] == skill and s["sensitivity"] == lvl) for lvl in LEVELS}
        total = sum(demand.values()) * rng.uniform(1.15, 1.6)
        weights = [rng.gammavariate(2.0, 1.0) for _ in offers]
        cap = {v: total * w / sum(weights) for v, w in zip(offers, weights, strict=True)}
        for i, lvl in enumerate(LEVELS[1:], start=1):
            # Cleared capacity must cover the streams at this level and above.
            need = 1.15 * sum(demand[x] for x in LEVELS[i:])
            cleared = [v for v in offers if level_at_least(by_name[v]["clearance"], lvl)]
            have = sum(cap[v] for v in cleared)
            if cleared and have < need:
                for v in cleared:
                    cap[v] += (need - have) / len(cleared)
        for v in offers:
            in_house = v == IN_HOUSE
            rows.append(dict(
                vendor=v, skill=skill, weekly_capacity=float(round(cap[v], -1) or 10),
                unit_price=round(prices[skill] * rng.uniform(0.8, 1.3 if in_house else 1.15), 2),
                onboarding_weeks=rng.randint(4, 10) if in_house else rng.randint(0, 8),
                ramp_weeks=rng.randint(4, 10) if in_house else rng.randint(0, 8),
            ))
    # The conflicted vendor is cheap and broad: tempting, never allowed.
    for skill in sorted({s["skill"] for s in streams})[::2]:
        rows.append(dict(vendor=CONFLICTED_VENDOR, skill=skill, weekly_capacity=1e5,
                         unit_price=round(prices[skill] * 0.6, 2), onboarding_weeks=0,
                         ramp_weeks=0))
    return rows


def _make_contracts(
    rng: random.Random, n_contracts: int, plan_start: date, horizon_weeks: int,
) -> list[Row]:
    rows = []
    for i in range(n_contracts):
        end = plan_start + timedelta(days=rng.randint(182, 7 * horizon_weeks + 180))
        auto = rng.random() < 0.35
        notice = rng.choice((30, 60, 90))
        if auto and rng.random() < 0.35:
            # Renewal already locked in: non-renewal notice was due before plan start.
            end, notice = plan_start + timedelta(days=rng.randint(7, 80)), 90
        rows.append(dict(
            contract_id=f"C{i + 1:03d}", vendor=EXITED_VENDOR, title=f"Scale AI SOW {i + 1}",
            end_date=end, notice_days=rng.choice((0, 14, 30, 30, 45, 60, 90)),
            termination_fee=0.0, min_commitment=0.0, auto_renew="Y" if auto else "N",
            renewal_months=rng.choice((6, 12, 12)),
            renewal_notice_days=notice,
        ))
    return rows


def _price_contracts(
    rng: random.Random, contracts: list[Row], streams: list[Row], plan_start: date,
) -> None:
    """Fees and commitments in proportion to what each contract spends."""
    for c in contracts:
        weekly = sum(s["weekly_volume"] * s["unit_price"] for s in streams
                     if s["contract_id"] == c["contract_id"])
        weeks_left = max(0, (c["end_date"] - plan_start).days // 7)
        if rng.random() < 0.55:
            c["termination_fee"] = _money(weekly * rng.uniform(2, 8))
        if rng.random() < 0.4:
            c["min_commitment"] = _money(weekly * weeks_left * rng.uniform(0.3, 0.9))


def settings_rows(plan_start: date, horizon_weeks: int, **extra: Any) -> list[Row]:
    rows = [dict(key="plan_start", value=plan_start),
            dict(key="horizon_weeks", value=horizon_weeks)]
    defaults = dict(mode="cheapest", unserved_penalty=1000.0, currency="USD")
    rows += [dict(key=k, value=v) for k, v in {**defaults, **extra}.items()]
    return rows


def generate(
    n_contracts: int,
    n_streams: int,
    n_vendors: int,
    horizon_weeks: int = 104,
    seed: int = 0,
    plan_start: date = date(2027, 1, 4),
) -> Sheets:
    """A synthetic workbook (sheet name -> rows): one exited vendor (Scale AI), one
    conflicted alternative, and ``n_vendors - 1`` usable alternatives of which a stream
    can use about half. Same arguments, same rows."""
    if n_contracts < 1 or n_streams < 1 or n_vendors < 3 or horizon_weeks < 1:
        raise ValueError("need >= 1 contract, >= 1 stream, >= 3 vendors, >= 1 week")
    rng = random.Random(seed)
    skills = SKILLS[: max(4, min(len(SKILLS), n_streams // 4))]
    contracts = _make_contracts(rng, n_contracts, plan_start, horizon_weeks)
    streams = _make_streams(rng, n_streams, [c["contract_id"] for c in contracts], skills,
                            plan_start, horizon_weeks)
    _price_contracts(rng, contracts, streams, plan_start)
    vendors = _make_vendors(rng, n_vendors)
    offered = _make_offers(rng, streams, vendors, ELIGIBLE_SHARE * (n_vendors - 1))
    capacity = _make_capacity(rng, streams, vendors, offered, skills)
    return {
        "Contracts": contracts,
        "Workstreams": streams,
        "Vendors": vendors,
        "Capacity": capacity,
        "Settings": settings_rows(plan_start, horizon_weeks),
    }


def preset(name: str, seed: int = 0) -> Sheets:
    """One of the benchmark sizes S, M, L."""
    contracts, streams, vendors, weeks = PRESETS[name.upper()]
    return generate(contracts, streams, vendors, weeks, seed=seed)


# --------------------------------------------------------------------------- writing

_MONEY_COLUMNS = {"termination_fee", "min_commitment", "unit_price", "setup_fee"}


def write_workbook(sheets: Sheets, path: str | Path, titles: dict[str, str] | None = None) -> Path:
    """Write sheets to .xlsx with real dates, bold headers and fixed metadata.

    ``titles`` puts a title row (and a blank row) above a sheet's headers, as people do;
    the importer finds headers below it. File properties carry a fixed date so the same
    sheets give the same file.
    """
    path = Path(path)
    wb = xlsxwriter.Workbook(str(path), {"remove_timezone": True})
    wb.set_properties({"title": "Contract migration workbook", "author": "sample_contracts",
                       "created": datetime(2026, 1, 1)})
    bold = wb.add_format({"bold": True, "bg_color": "#DDE4EE", "border": 1})
    title_fmt = wb.add_format({"bold": True, "font_size": 13})
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    money_fmt = wb.add_format({"num_format": "#,##0.00"})
    pct_fmt = wb.add_format({"num_format": "0%"})
    for name in [*SHEET_ORDER, *(s for s in sheets if s not in SHEET_ORDER)]:
        if name not in sheets:
            continue
        rows = sheets[name]
        ws = wb.add_worksheet(name)
        top = 0
        if titles and name in titles:
            ws.write_string(0, 0, titles[name], title_fmt)
            top = 2
        headers = list(rows[0]) if rows else ["key", "value"]
        for j, h in enumerate(headers):
            ws.write_string(top, j, h, bold)
            width = max([len(h), *(len(_text(r.get(h))) for r in rows)]) + 2
            ws.set_column(j, j, min(width, 48))
        for i, row in enumerate(rows, start=top + 1):
            for j, h in enumerate(headers):
                _write_cell(ws, i, j, h, row.get(h), date_fmt, money_fmt, pct_fmt)
        ws.freeze_panes(top + 1, 0)
    wb.close()
    return path


def _text(value: object) -> str:
    return value.isoformat() if isinstance(value, date) else "" if value is None else str(value)


def _write_cell(ws: Any, i: int, j: int, header: str, value: object,
                date_fmt: Any, money_fmt: Any, pct_fmt: Any) -> None:
    if value is None:
        return
    if isinstance(value, date):
        ws.write_datetime(i, j, datetime(value.year, value.month, value.day), date_fmt)
    elif isinstance(value, bool):
        ws.write_string(i, j, "Y" if value else "N")
    elif isinstance(value, int | float):
        fmt = money_fmt if header in _MONEY_COLUMNS else pct_fmt if header == "max_share" else None
        ws.write_number(i, j, value, fmt)
    else:
        ws.write_string(i, j, str(value))


# --------------------------------------------------------------------------- frontier lab

FRONTIER_START = date(2026, 1, 5)
FRONTIER_WEEKS = 78

# Annual spend with Scale AI by skill (USD) and the incumbent's price range per task.
FRONTIER_BUDGET: dict[str, tuple[float, float, float]] = {
    "RLHF preference": (46e6, 7.0, 11.0),
    "expert STEM": (40e6, 70.0, 100.0),
    "coding": (32e6, 28.0, 45.0),
    "multilingual": (20e6, 9.0, 14.0),
    "safety red-teaming": (18e6, 35.0, 50.0),
    "SFT writing": (14e6, 18.0, 26.0),
    "agentic tool-use": (12e6, 40.0, 60.0),
    "image bbox": (10e6, 0.8, 1.6),
    "LiDAR 3D": (8e6, 6.0, 10.0),
}

# (stream name, skill, sensitivity, cutover_weeks, exit_by)
_StreamSpec = tuple[str, str, str, int, date | None]
_RL, _ST, _CO, _ML = "RLHF preference", "expert STEM", "coding", "multilingual"
_RT, _SF, _AG, _IM, _LI = ("safety red-teaming", "SFT writing", "agentic tool-use",
                           "image bbox", "LiDAR 3D")
_C, _P, _R = "confidential", "public", "restricted"

# contract_id, title, end_date, notice_days, termination_fee, min_commitment,
# auto_renew, renewal_months, renewal_notice_days, streams
FRONTIER_CONTRACTS: tuple[tuple[Any, ...], ...] = (
    ("SCL-2023-014", "Chat preference MSA", date(2026, 6, 30), 30, 250e3, 0, "Y", 12, 90, [
        ("Chat helpfulness pairs (EN)", _RL, _C, 8, None),
        ("Chat harmlessness pairs (EN)", _RL, _C, 8, None),
        ("Public-prompt preference pairs", _RL, _P, 6, None)]),
    ("SCL-2024-002", "Reasoning preference SOW", date(2026, 3, 31), 0, 0, 0, "N", 12, 60, [
        ("Reasoning chain ranking", _RL, _C, 4, None),
        ("Math solution ranking", _RL, _C, 4, None),
        ("Reasoning rewrite demonstrations", _SF, _C, 4, None)]),
    ("SCL-2024-007", "Frontier STEM problems SOW-1", date(2026, 12, 31), 60, 400e3, 6e6, "N",
     12, 60, [
        ("Graduate physics problems", _ST, _C, 6, None),
        ("Organic chemistry reasoning", _ST, _C, 6, None),
        ("Electrical engineering design", _ST, _C, 6, None)]),
    ("SCL-2024-008", "STEM SOW-2: life sciences", date(2027, 3, 31), 90, 300e3, 0, "Y", 12, 60, [
        ("Molecular biology QA", _ST, _C, 6, None),
        ("Virology protocols review", _ST, _R, 6, None),
        ("Clinical medicine board-style QA", _ST, _C, 6, date(2026, 9, 1))]),
    ("SCL-2024-011", "Olympiad math & proofs", date(2026, 2, 28), 30, 150e3, 2e6, "Y", 12, 90, [
        ("Olympiad proofs (Lean)", _ST, _C, 6, None),
        ("Competition math solutions", _ST, _C, 6, None)]),
    ("SCL-2024-015", "Coding RL environments", date(2026, 9, 30), 30, 200e3, 0, "N", 12, 60, [
        ("Python RL tasks", _CO, _C, 6, None),
        ("TypeScript RL tasks", _CO, _C, 6, None),
        ("Systems programming (Rust/C++)", _CO, _C, 6, None)]),
    ("SCL-2024-016", "Code review & debugging", date(2027, 6, 30), 60, 0, 4e6, "N", 12, 60, [
        ("Code review comments", _CO, _C, 4, None),
        ("Bug localisation & fixes", _CO, _C, 4, None)]),
    ("SCL-2025-001", "Agentic SWE traces", date(2026, 8, 31), 14, 0, 0, "N", 12, 60, [
        ("SWE-style issue resolution", _CO, _C, 4, None),
        ("Unit-test writing", _CO, _C, 4, None),
        ("Repository navigation traces", _AG, _C, 4, None)]),
    ("SCL-2025-003", "Multilingual SFT: EMEA", date(2026, 10, 31), 45, 100e3, 0, "Y", 12, 60, [
        ("German & French SFT", _ML, _C, 6, None),
        ("Arabic SFT", _ML, _C, 6, None),
        ("Turkish & Polish SFT", _ML, _C, 6, None),
        ("Swahili & Yoruba preference", _ML, _P, 6, None)]),
    ("SCL-2025-004", "Multilingual: APAC & LATAM", date(2027, 1, 31), 30, 0, 3e6, "N", 12, 60, [
        ("Japanese & Korean SFT", _ML, _C, 6, None),
        ("Hindi & Bengali SFT", _ML, _C, 6, None),
        ("Portuguese & Spanish preference", _ML, _P, 6, None),
        ("Indonesian & Vietnamese SFT", _ML, _C, 6, None)]),
    ("SCL-2025-006", "Red-team: CBRN & cyber uplift", date(2026, 12, 31), 90, 500e3, 0, "N",
     12, 60, [
        ("Bio uplift probing", _RT, _R, 6, None),
        ("Chemical uplift probing", _RT, _R, 6, None),
        ("Offensive cyber probing", _RT, _R, 6, None)]),
    ("SCL-2025-007", "Red-team: jailbreaks & policy", date(2026, 6, 30), 30, 150e3, 0, "N",
     12, 60, [
        ("Multi-turn jailbreaks", _RT, _R, 4, date(2026, 6, 1)),
        ("Persuasion & deception evals", _RT, _R, 4, None),
        ("Policy edge cases", _RT, _C, 4, None)]),
    ("SCL-2025-009", "SFT creative & instruction writing", date(2026, 5, 31), 30, 0, 0, "Y", 6,
     30, [
        ("Creative writing demonstrations", _SF, _C, 4, None),
        ("Instruction-following demos", _SF, _C, 4, None),
        ("System-prompt adherence demos", _SF, _C, 4, None)]),
    ("SCL-2025-010", "Long-form writing & summarisation", date(2027, 9, 30), 60, 120e3, 2.5e6,
     "N", 12, 60, [
        ("Long-document summaries", _SF, _C, 6, None),
        ("Report writing demos", _SF, _C, 6, None),
        ("Summary preference pairs", _RL, _C, 6, None)]),
    ("SCL-2025-012", "Agent tool-use trajectories", date(2026, 11, 30), 30, 80e3, 0, "N", 12, 60, [
        ("Web-browsing trajectories", _AG, _C, 6, None),
        ("API tool-call trajectories", _AG, _C, 6, None),
        ("Spreadsheet agent tasks", _AG, _C, 6, None)]),
    ("SCL-2025-013", "Computer-use agent evals", date(2027, 4, 30), 45, 0, 0, "Y", 12, 60, [
        ("Desktop computer-use evals", _AG, _C, 6, None),
        ("Notebook & data-science tasks", _CO, _C, 6, None)]),
    ("SCL-2025-015", "Vision: image boxes & polygons", date(2026, 7, 31), 30, 0, 1.5e6, "N",
     12, 60, [
        ("Street-scene bounding boxes", _IM, _P, 4, None),
        ("Product image polygons", _IM, _P, 4, None),
        ("Household object boxes", _IM, _P, 4, None)]),
    ("SCL-2025-016", "Vision: documents & charts", date(2027, 2, 28), 14, 50e3, 0, "N", 12, 60, [
        ("Chart element boxes", _IM, _P, 4, None),
        ("Document layout regions", _IM, _P, 4, None)]),
    ("SCL-2025-018", "Robotics LiDAR 3D cuboids", date(2026, 12, 31), 60, 150e3, 2e6, "Y", 12, 90, [
        ("Warehouse LiDAR cuboids", _LI, _P, 6, None),
        ("Outdoor LiDAR cuboids", _LI, _P, 6, None)]),
    ("SCL-2025-019", "Robotics sensor fusion", date(2027, 5, 31), 90, 0, 0, "N", 12, 60, [
        ("Camera-LiDAR fusion tracks", _LI, _P, 6, None),
        ("Manipulation scene point clouds", _LI, _C, 6, None)]),
    ("SCL-2025-021", "Preference data at scale", date(2027, 12, 31), 90, 1.2e6, 10e6, "N",
     12, 60, [
        ("Helpfulness pairs (global)", _RL, _C, 8, None),
        ("Code preference pairs", _RL, _C, 8, None),
        ("Tool-use preference pairs", _RL, _C, 8, None),
        ("Long-context preference pairs", _RL, _C, 8, None)]),
    ("SCL-2025-022", "Multimodal preference", date(2026, 4, 30), 30, 0, 0, "Y", 12, 120, [
        ("Image-chat preference pairs", _RL, _C, 6, None),
        ("Audio-chat preference pairs", _RL, _C, 6, None)]),
)

# vendor: (clearance, conflicted, setup_fee, max_share)
FRONTIER_VENDORS: dict[str, tuple[str, str, float, float]] = {
    "Surge AI": (_R, "N", 250e3, 0.35),
    "Mercor": (_C, "N", 100e3, 0.30),
    "Handshake": (_C, "N", 60e3, 0.30),
    "Turing": (_C, "N", 150e3, 0.40),
    "Labelbox": (_C, "N", 75e3, 0.30),
    "Invisible": (_C, "N", 120e3, 0.35),
    "iMerit": (_C, "N", 40e3, 0.25),
    "Toloka": (_P, "N", 25e3, 0.30),
    IN_HOUSE: (_R, "N", 1.5e6, 1.0),
    CONFLICTED_VENDOR: (_C, "Y", 0, 1.0),
}

# (vendor, skill): (capacity as a share of the skill's weekly volume, price relative to
# the incumbent's average, onboarding_weeks, ramp_weeks)
FRONTIER_OFFERS: dict[tuple[str, str], tuple[float, float, int, int]] = {
    ("Surge AI", _RL): (0.45, 1.15, 2, 4),
    ("Invisible", _RL): (0.30, 1.00, 1, 3),
    ("Labelbox", _RL): (0.20, 0.95, 3, 4),
    ("Mercor", _RL): (0.10, 1.10, 2, 2),
    ("Turing", _RL): (0.10, 1.05, 4, 4),
    ("Toloka", _RL): (0.25, 0.80, 1, 2),
    (IN_HOUSE, _RL): (0.05, 1.60, 8, 10),
    ("Mercor", _ST): (0.45, 0.95, 2, 6),
    ("Handshake", _ST): (0.35, 0.90, 3, 6),
    ("Turing", _ST): (0.25, 1.00, 2, 4),
    ("Labelbox", _ST): (0.15, 0.90, 4, 4),
    (IN_HOUSE, _ST): (0.15, 1.30, 8, 10),
    ("Turing", _CO): (0.45, 0.95, 2, 4),
    ("Mercor", _CO): (0.25, 1.05, 2, 4),
    ("Invisible", _CO): (0.20, 1.00, 3, 4),
    ("Surge AI", _CO): (0.20, 1.15, 2, 4),
    (IN_HOUSE, _CO): (0.10, 1.40, 8, 10),
    ("Turing", _AG): (0.40, 1.00, 3, 6),
    ("Invisible", _AG): (0.40, 0.95, 3, 6),
    ("Mercor", _AG): (0.30, 1.05, 5, 6),
    ("Toloka", _ML): (0.35, 0.80, 1, 2),
    ("Invisible", _ML): (0.30, 1.00, 2, 4),
    ("Labelbox", _ML): (0.20, 0.95, 3, 4),
    ("Handshake", _ML): (0.20, 0.90, 3, 4),
    ("iMerit", _ML): (0.15, 0.85, 2, 4),
    ("Surge AI", _ML): (0.15, 1.10, 2, 4),
    ("Surge AI", _RT): (0.55, 1.10, 3, 6),
    (IN_HOUSE, _RT): (0.45, 1.50, 8, 10),
    ("Invisible", _RT): (0.20, 1.00, 2, 4),
    ("Handshake", _SF): (0.35, 0.90, 2, 4),
    ("Surge AI", _SF): (0.30, 1.10, 2, 4),
    ("Mercor", _SF): (0.25, 1.00, 2, 4),
    ("Invisible", _SF): (0.25, 0.95, 1, 3),
    ("Labelbox", _IM): (0.60, 0.90, 2, 4),
    ("iMerit", _IM): (0.50, 0.85, 2, 6),
    ("Toloka", _IM): (0.30, 0.75, 1, 2),
    ("iMerit", _LI): (0.60, 0.90, 3, 6),
    ("Labelbox", _LI): (0.60, 0.95, 2, 6),
    (CONFLICTED_VENDOR, _RL): (1.00, 0.60, 0, 0),
    (CONFLICTED_VENDOR, _CO): (1.00, 0.60, 0, 0),
    (CONFLICTED_VENDOR, _ST): (1.00, 0.60, 0, 0),
    (CONFLICTED_VENDOR, _ML): (1.00, 0.60, 0, 0),
}


def frontier_lab(seed: int = 2025) -> Sheets:
    """A frontier lab's ~$200M/yr of Scale AI work (22 contracts, 62 streams) and the
    market it can move to, from plan start 2026-01-05 over 78 weeks. The contract terms
    and vendor offers are hand-written above; the seed only splits each skill's budget
    over its streams and picks prices within the skill's range."""
    rng = random.Random(seed)
    contracts: list[Row] = []
    streams: list[Row] = []
    for (cid, title, end, notice, fee, commit, auto, months, renewal_notice,
         specs) in FRONTIER_CONTRACTS:
        contracts.append(dict(
            contract_id=cid, vendor=EXITED_VENDOR, title=title, end_date=end,
            notice_days=notice, termination_fee=float(fee), min_commitment=float(commit),
            auto_renew=auto, renewal_months=months, renewal_notice_days=renewal_notice,
        ))
        for name, skill, sensitivity, cutover, exit_by in specs:
            streams.append(dict(
                stream_id=f"FL-{len(streams) + 1:03d}", contract_id=cid, name=name, skill=skill,
                weekly_volume=0.0, unit_price=0.0, sensitivity=sensitivity,
                cutover_weeks=cutover, exit_by=exit_by,
            ))
    demand: dict[str, float] = {}
    avg_price: dict[str, float] = {}
    for skill, (budget, lo, hi) in FRONTIER_BUDGET.items():
        mine = [s for s in streams if s["skill"] == skill]
        weights = [rng.uniform(0.5, 1.5) for _ in mine]
        for s, w in zip(mine, weights, strict=True):
            s["unit_price"] = round(rng.uniform(lo, hi), 2)
            s["weekly_volume"] = float(round(budget * w / sum(weights) / 52 / s["unit_price"], -1))
        demand[skill] = sum(s["weekly_volume"] for s in mine)
        avg_price[skill] = sum(s["weekly_volume"] * s["unit_price"] for s in mine) / demand[skill]
    vendors = [dict(vendor=v, clearance=c, conflicted=k, setup_fee=float(f), max_share=m)
               for v, (c, k, f, m) in FRONTIER_VENDORS.items()]
    capacity = [dict(vendor=v, skill=k, weekly_capacity=float(round(frac * demand[k], -1)),
                     unit_price=round(rel * avg_price[k], 2), onboarding_weeks=onb,
                     ramp_weeks=ramp)
                for (v, k), (frac, rel, onb, ramp) in FRONTIER_OFFERS.items()]
    return {
        "Contracts": contracts,
        "Workstreams": streams,
        "Vendors": vendors,
        "Capacity": capacity,
        "Settings": settings_rows(FRONTIER_START, FRONTIER_WEEKS),
    }


FRONTIER_TITLES = {
    "Contracts": "Frontier lab: Scale AI contracts to exit (plan start 2026-01-05)",
}


def quickstart() -> Sheets:
    """Two contracts, four streams, three alternatives: small enough to read at once."""
    start = FRONTIER_START
    return {
        "Contracts": [
            dict(contract_id="Q1", vendor=EXITED_VENDOR, title="Chat and safety data",
                 end_date=date(2026, 6, 30), notice_days=30, termination_fee=20000.0,
                 min_commitment=0.0, auto_renew="N", renewal_months=12,
                 renewal_notice_days=60),
            dict(contract_id="Q2", vendor=EXITED_VENDOR, title="Coding and STEM tasks",
                 end_date=date(2026, 3, 31), notice_days=0, termination_fee=0.0,
                 min_commitment=50000.0, auto_renew="N", renewal_months=12,
                 renewal_notice_days=60),
        ],
        "Workstreams": [
            dict(stream_id="QS1", contract_id="Q1", name="Chat preference pairs",
                 skill="RLHF preference", weekly_volume=2000.0, unit_price=8.0,
                 sensitivity="confidential", cutover_weeks=4, exit_by=None),
            dict(stream_id="QS2", contract_id="Q1", name="Jailbreak red-teaming",
                 skill="safety red-teaming", weekly_volume=100.0, unit_price=45.0,
                 sensitivity="restricted", cutover_weeks=2, exit_by=None),
            dict(stream_id="QS3", contract_id="Q2", name="Python coding tasks", skill="coding",
                 weekly_volume=500.0, unit_price=40.0, sensitivity="confidential",
                 cutover_weeks=4, exit_by=None),
            dict(stream_id="QS4", contract_id="Q2", name="Physics problems", skill="expert STEM",
                 weekly_volume=200.0, unit_price=90.0, sensitivity="confidential",
                 cutover_weeks=4, exit_by=None),
        ],
        "Vendors": [
            dict(vendor="Surge AI", clearance="restricted", conflicted="N", setup_fee=25000.0,
                 max_share=1.0),
            dict(vendor="Turing", clearance="confidential", conflicted="N", setup_fee=10000.0,
                 max_share=0.5),
            dict(vendor=IN_HOUSE, clearance="restricted", conflicted="N", setup_fee=100000.0,
                 max_share=1.0),
        ],
        "Capacity": [
            dict(vendor="Surge AI", skill="RLHF preference", weekly_capacity=2500.0,
                 unit_price=9.0, onboarding_weeks=1, ramp_weeks=2),
            dict(vendor="Surge AI", skill="safety red-teaming", weekly_capacity=150.0,
                 unit_price=50.0, onboarding_weeks=2, ramp_weeks=2),
            dict(vendor="Turing", skill="coding", weekly_capacity=600.0, unit_price=35.0,
                 onboarding_weeks=1, ramp_weeks=2),
            dict(vendor="Turing", skill="expert STEM", weekly_capacity=150.0, unit_price=80.0,
                 onboarding_weeks=2, ramp_weeks=2),
            dict(vendor=IN_HOUSE, skill="expert STEM", weekly_capacity=100.0, unit_price=100.0,
                 onboarding_weeks=4, ramp_weeks=4),
        ],
        "Settings": settings_rows(start, 26),
    }


QUICKSTART_TITLES = {
    "Contracts": "Quickstart: two Scale AI contracts whose work moves to three alternatives. "
                 "One row per contract; the planner reads the table below this title.",
    "Workstreams": "The work done under each contract: tasks per week and today's price.",
    "Vendors": "Where the work can go: clearance, one-off setup fee, largest share.",
    "Capacity": "What each vendor offers per skill: tasks per week, price, weeks to start.",
    "Settings": "Plan from Monday 2026-01-05 over 26 weeks.",
}


def build_samples(folder: Path = HERE) -> list[Path]:
    """Rebuild the bundled sample workbooks."""
    return [
        write_workbook(frontier_lab(), folder / "frontier_lab.xlsx", FRONTIER_TITLES),
        write_workbook(quickstart(), folder / "quickstart.xlsx", QUICKSTART_TITLES),
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sample_contracts.generator",
        description="Write a seeded synthetic contracts workbook, or rebuild the samples.")
    parser.add_argument("--preset", choices=sorted(PRESETS), type=str.upper,
                        help="benchmark size (S, M or L); overrides the size options")
    parser.add_argument("--contracts", type=int, default=10)
    parser.add_argument("--streams", type=int, default=40)
    parser.add_argument("--vendors", type=int, default=8)
    parser.add_argument("--weeks", type=int, default=104)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, help="output .xlsx (default: <preset or size>.xlsx)")
    parser.add_argument("--frontier-lab", action="store_true",
                        help="rebuild sample_contracts/frontier_lab.xlsx and quickstart.xlsx")
    args = parser.parse_args(argv)
    if args.frontier_lab:
        for path in build_samples():
            print(path)
        return 0
    if args.preset:
        args.contracts, args.streams, args.vendors, args.weeks = PRESETS[args.preset]
    try:
        sheets = generate(args.contracts, args.streams, args.vendors, args.weeks, args.seed)
    except ValueError as exc:
        parser.error(str(exc))
    out = args.out or Path(f"{args.preset or f'{args.contracts}c_{args.streams}s'}.xlsx")
    write_workbook(sheets, out)
    pairs = eligible_pairs(sheets)
    print(f"{out}: {len(sheets['Contracts'])} contracts, {len(sheets['Workstreams'])} streams, "
          f"{len(sheets['Vendors'])} vendors, {pairs} eligible pairs "
          f"(~{pairs * args.weeks} x variables), ${annual_spend(sheets) / 1e6:,.1f}M/yr")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
