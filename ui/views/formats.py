"""Plain-text formatting of money, dates and quantities, shared by every view."""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd


def is_missing(value: Any) -> bool:
    """None, NaN and NaT all mean "no value" in the results tables."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # arrays and other containers are values
        return False


def as_date(value: Any) -> date | None:
    """A cell as a :class:`date` (results tables mix date, Timestamp and strings)."""
    if is_missing(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        parsed: date = pd.Timestamp(value).date()
    except (TypeError, ValueError):
        return None
    return parsed


def format_date(value: Any) -> str:
    d = as_date(value)
    return d.isoformat() if d is not None else ""


def week_start(plan_start: date, week: float) -> date:
    return plan_start + timedelta(days=round(7 * week))


def format_money(value: Any, currency: str, *, decimals: int = 0, compact: bool = False) -> str:
    """``EUR 12,345`` (or ``EUR 12.3k`` when compact); negative amounts get a minus sign."""
    if is_missing(value):
        return ""
    amount = float(value)
    sign = "-" if amount < 0 and abs(amount) >= 0.5 * 10**-decimals else ""
    text = format_compact(abs(amount)) if compact else f"{abs(amount):,.{decimals}f}"
    return f"{sign}{currency} {text}".strip()


def format_compact(value: float) -> str:
    """Axis-style numbers: 950, 1.2k, 3.4M."""
    magnitude = abs(value)
    for threshold, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if magnitude >= threshold:
            scaled = value / threshold
            return f"{scaled:.1f}".rstrip("0").rstrip(".") + suffix
    if magnitude >= 10:
        return f"{value:,.0f}"
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def format_number(value: Any, decimals: int = 0) -> str:
    """Quantities such as tasks: thousands separators, trailing ``.0`` dropped."""
    if is_missing(value):
        return ""
    number = float(value)
    if not math.isfinite(number):
        return str(number)
    text = f"{number:,.{decimals}f}"
    if decimals and "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def format_percent(value: Any, decimals: int = 0) -> str:
    if is_missing(value):
        return ""
    return f"{100 * float(value):.{decimals}f}%"
