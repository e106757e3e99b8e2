"""Eligibility classes: alternative work per (class, offer), split back per stream."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from planner.domain import Dataset, Level
from planner.model.build import build_model, split_moved_work
from planner.model.data import build_data
from planner.solve import solve
from planner.verify import verify_plan
from tests.planner.builders import one_stream


def two_streams_two_vendors() -> Dataset:
    """S1 (100/week) and S2 (60/week), both coding, both free to go to Turing ($40,
    120/week) or Surge ($45, 1000/week); S3 (10/week) is confidential, so only Surge
    (cleared) may take it: a class of its own."""
    base = one_stream(vendors=[{"vendor": "Turing", "clearance": Level.PUBLIC},
                               {"vendor": "Surge", "clearance": Level.CONFIDENTIAL}],
                      offers=[{"vendor": "Turing", "weekly_capacity": 120.0},
                              {"vendor": "Surge", "weekly_capacity": 1000.0,
                               "unit_price": 45.0}])
    s1 = replace(base.streams[0], sensitivity=Level.PUBLIC)
    return replace(base, streams=(
        s1, replace(s1, stream_id="S2", weekly_volume=60.0),
        replace(s1, stream_id="S3", weekly_volume=10.0, sensitivity=Level.CONFIDENTIAL)))


def test_streams_with_the_same_eligible_offers_share_a_class() -> None:
    d = build_data(two_streams_two_vendors())
    assert d.stream_class.tolist() == [0, 0, 1]
    # class 0: Turing (cheaper) before Surge; class 1: Surge only
    names = [d.offers[o].vendor for o in d.link_offer]
    assert list(zip(d.link_class.tolist(), names, strict=True)) == [
        (0, "Turing"), (0, "Surge"), (1, "Surge")]


def test_the_split_keeps_each_stream_total_and_each_offer_total() -> None:
    ds = two_streams_two_vendors()
    model = build_model(build_data(ds), stream_balance=True)  # g columns to set
    d, ix = model.data, model.index
    sol = np.zeros(model.num_cols)
    # week 3: S1 moves 100, S2 moves 60 (160 in class 0): Turing 120, Surge 40
    g = {(s, t): k for k, (s, t) in enumerate(zip(ix.g_s, ix.g_t, strict=True))}
    x = {(int(d.link_offer[lk]), t): k
         for k, (lk, t) in enumerate(zip(ix.x_link, ix.x_t, strict=True)) if d.link_class[lk] == 0}
    turing = next(o for o in range(d.O) if d.offers[o].vendor == "Turing")
    surge = next(o for o in range(d.O) if d.offers[o].vendor == "Surge")
    sol[ix.g.start + g[(0, 3)]] = 100.0
    sol[ix.g.start + g[(1, 3)]] = 60.0
    sol[ix.x.start + x[(turing, 3)]] = 120.0
    sol[ix.x.start + x[(surge, 3)]] = 40.0
    pairs = split_moved_work(model, sol)
    by_pair = {(int(s), d.offers[o].vendor): pairs[p, 3]
               for p, (s, o) in enumerate(zip(d.pair_stream, d.pair_offer, strict=True))}
    # north-west corner: S1 fills Turing first, S2 takes Turing's rest and then Surge
    assert by_pair[(0, "Turing")] == pytest.approx(100.0)
    assert by_pair[(0, "Surge")] == pytest.approx(0.0)
    assert by_pair[(1, "Turing")] == pytest.approx(20.0)
    assert by_pair[(1, "Surge")] == pytest.approx(40.0)
    assert pairs[:, [t for t in range(d.H) if t != 3]].sum() == 0.0


def test_pooled_plans_keep_every_rule_per_stream() -> None:
    """Turing's 120/week cannot take both streams: the plan splits the class's work and
    the independent verifier, which knows nothing of classes, accepts it."""
    ds = two_streams_two_vendors()
    plan = solve(ds, mode="cheapest")
    check = verify_plan(ds, plan)
    assert check.ok, check.violations
    week5 = plan.allocation[plan.allocation["week"] == 5]
    per_vendor = week5.groupby("vendor")["tasks"].sum()
    assert per_vendor["Turing"] == pytest.approx(120.0)
    assert per_vendor["Surge"] == pytest.approx(50.0)  # 160 + 10 - 120
    s3 = week5[week5["stream_id"] == "S3"]
    assert set(s3["vendor"]) == {"Surge"}
