"""What the insights share: plain-words numbers, progress stages, dataset variants, JSON."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from datetime import date
from enum import Enum
from typing import Any

import numpy as np

from planner.domain import CapacityOffer, Dataset, Settings
from planner.solve import CancelToken, ProgressFn, SolveProgress

CURRENCY_SIGNS = {"USD": "$", "EUR": "€", "GBP": "£"}


def money(amount: float, currency: str) -> str:
    """Amounts for sentences: ``$1.2M``, ``$850k``, ``$1,600``; ``1.2M CHF`` without a sign."""
    if not math.isfinite(amount):
        return "n/a"
    value = abs(amount)
    if value >= 1e4:  # three significant digits: $41.6k, $285k, $1.23M, $28.5M, $285M
        scaled, unit = (value / 1e6, "M") if value >= 999_500 else (value / 1e3, "k")
        scaled = float(f"{scaled:.3g}")
        digits = max(0, 2 - math.floor(math.log10(max(scaled, 1.0))))
        number = f"{scaled:,.{digits}f}{unit}"
    else:
        number = f"{value:,.0f}"
    sign = "-" if amount <= -0.5 else ""
    code = currency.strip().upper() or "USD"
    symbol = CURRENCY_SIGNS.get(code)
    return f"{sign}{symbol}{number}" if symbol else f"{sign}{number} {code}"


def tasks(amount: float) -> str:
    return f"{amount:,.0f}" if abs(amount) >= 10 else f"{amount:,.3g}"


def weeks(n: int) -> str:
    return f"{n} week" if abs(n) == 1 else f"{n} weeks"


def when(settings: Settings, week: int) -> str:
    """``week 14 (13 Apr 2026)``: the week number the tables use and a date people read."""
    d = settings.week_start(week)
    return f"week {week} ({d.day} {d:%b %Y})"


def nice_up(value: float) -> float:
    """``value`` rounded up to two significant digits (1234 -> 1300), at least 1."""
    if value <= 1:
        return 1.0
    scale = 10 ** (math.floor(math.log10(value)) - 1)
    return float(math.ceil(value / scale - 1e-9) * scale)


# --- progress and cancel ------------------------------------------------------------------

def reporter(progress: ProgressFn | None) -> ProgressFn:
    return progress or (lambda _p: None)


def stage(progress: ProgressFn, lo: float, hi: float, prefix: str = "") -> ProgressFn:
    """A progress callback for one step, mapped into [lo, hi] of the whole job."""

    def report(p: SolveProgress) -> None:
        fraction = None if p.fraction is None else lo + (hi - lo) * p.fraction
        progress(SolveProgress(fraction, f"{prefix}{p.message}"))

    return report


def token(cancel: CancelToken | None) -> CancelToken:
    return cancel or CancelToken()


# --- dataset variants (the what-ifs the insights re-solve) ---------------------------------

Variant = Callable[[Dataset], Dataset]


def _updated(row: Any, changes: dict[str, Any]) -> Any:
    """``row`` with ``changes``; a callable change maps the row to the new value, so
    variants that build on one another add up (two +1 week extensions give +2)."""
    return dataclasses.replace(row, **{k: v(row) if callable(v) else v
                                       for k, v in changes.items()})


def offer_variant(ds: Dataset, offer: CapacityOffer, **changes: Any) -> Variant:
    """This very Capacity row of ``ds`` changed (rows may be equal in value: by position)."""
    at = next(i for i, o in enumerate(ds.capacity) if o is offer)
    return lambda ds: dataclasses.replace(ds, capacity=tuple(
        _updated(o, changes) if i == at else o for i, o in enumerate(ds.capacity)))


def vendor_variant(name: str, **changes: Any) -> Variant:
    return lambda ds: dataclasses.replace(ds, vendors=tuple(
        _updated(v, changes) if v.vendor == name else v for v in ds.vendors))


def stream_variant(stream_id: str, **changes: Any) -> Variant:
    return lambda ds: dataclasses.replace(ds, streams=tuple(
        _updated(s, changes) if s.stream_id == stream_id else s for s in ds.streams))


def contract_variant(contract_id: str, **changes: Any) -> Variant:
    return lambda ds: dataclasses.replace(ds, contracts=tuple(
        _updated(c, changes) if c.contract_id == contract_id else c for c in ds.contracts))


def chained(variants: list[Variant]) -> Variant:
    def apply(ds: Dataset) -> Dataset:
        for variant in variants:
            ds = variant(ds)
        return ds

    return apply


# --- JSON -----------------------------------------------------------------------------------

def jsonable(obj: Any) -> Any:
    """Plain JSON values for result objects: dataclasses, tables, dates, enums, numpy."""
    import pandas as pd

    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: jsonable(getattr(obj, f.name)) for f in dataclasses.fields(obj)
                if not callable(getattr(obj, f.name))}
    if isinstance(obj, pd.DataFrame):
        return [jsonable(r) for r in obj.to_dict(orient="records")]
    if isinstance(obj, dict):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [jsonable(v) for v in obj]
    if isinstance(obj, Enum):
        return obj.value
    if isinstance(obj, date):
        return obj.isoformat()
    if isinstance(obj, np.generic):
        obj = obj.item()
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj
