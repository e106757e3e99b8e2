"""Small datasets built in code for the optimiser's hand-computed tests."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from planner.domain import CapacityOffer, Contract, Dataset, Settings, Stream, Vendor

START = date(2026, 1, 5)  # a Monday


def week(n: int) -> date:
    return START + timedelta(days=7 * n)


def one_stream(
    *,
    contract: dict[str, Any] | None = None,
    stream: dict[str, Any] | None = None,
    vendors: list[dict[str, Any]] | None = None,
    offers: list[dict[str, Any]] | None = None,
    horizon: int = 10,
    **settings: Any,
) -> Dataset:
    """One contract (ends week 10), one stream of 100 coding tasks/week at $50 with no
    cutover limit, and by default Turing offering 1000 coding tasks/week at $40."""
    c = Contract("C1", "Scale AI", week(10), notice_days=0)
    s = Stream("S1", "C1", "coding", 100.0, 50.0, cutover_weeks=0)
    vs = [Vendor("Turing")] if vendors is None else [Vendor(**v) for v in vendors]
    default_offer = {"vendor": "Turing", "skill": "coding", "weekly_capacity": 1000.0,
                     "unit_price": 40.0}
    os_ = [CapacityOffer(**default_offer)] if offers is None else [
        CapacityOffer(**{**default_offer, **o}) for o in offers]
    return Dataset(
        contracts=(replace(c, **(contract or {})),),
        streams=(replace(s, **(stream or {})),),
        vendors=tuple(vs),
        capacity=tuple(os_),
        settings=Settings(plan_start=START, horizon_weeks=horizon, **settings),
    )


def setup_fee_trap() -> Dataset:
    """The optimum ($3,010) ends C1 at week 0 (nothing accrues), gives the vision work to
    Turing (70 x $3) and leaves the coding work unserved (70 x $40) rather than pay
    Cheap's $5,000 setup fee; engaging Cheap costs $5,790."""
    return Dataset(
        contracts=(Contract("C1", "Scale AI", week(1), notice_days=0,
                            min_commitment=10_000.0),),
        streams=(Stream("S1", "C1", "vision", 10.0, 5.0, cutover_weeks=0),
                 Stream("S2", "C1", "coding", 10.0, 5.0, cutover_weeks=0)),
        vendors=(Vendor("Turing"), Vendor("Cheap", setup_fee=5_000.0)),
        capacity=(CapacityOffer("Turing", "vision", 150.0, 3.0),
                  CapacityOffer("Cheap", "coding", 50.0, 3.0, onboarding_weeks=1)),
        settings=Settings(plan_start=START, horizon_weeks=7, unserved_penalty=40.0),
    )
