"""Turning user data into safe report text: markup escaping, glyph fallback, money, dates.

reportlab's Paragraph reads mini-HTML, so a vendor called ``Smith & Sons <Ltd>`` or a
title ``<img src=x>`` would be parsed as markup (or crash the build). Every user string
goes through :func:`para` (for Paragraphs) or :func:`plain` (for chart labels) first.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date, datetime
from xml.sax.saxutils import escape

from planner.report.fonts import PLACEHOLDER, FontSet

CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹", "KRW": "₩"}


def runs(text: object, fonts: FontSet) -> list[tuple[str, str]]:
    """Split ``text`` into (font name, chunk) runs; characters no font has become a box."""
    out: list[tuple[str, str]] = []
    for ch in str(text).replace("\n", " ").replace("\t", " "):
        if fonts.has(ch):
            font, piece = fonts.regular, ch
        elif fonts.cjk is not None and fonts.cjk_has(ch):
            font, piece = fonts.cjk, ch
        else:
            font, piece = fonts.regular, PLACEHOLDER
        if out and out[-1][0] == font:
            out[-1] = (font, out[-1][1] + piece)
        else:
            out.append((font, piece))
    return out


def para(text: object, fonts: FontSet) -> str:
    """``text`` as Paragraph markup that prints literally, CJK runs in the CJK font."""
    parts = []
    for font, chunk in runs(text, fonts):
        safe = escape(chunk)
        parts.append(safe if font == fonts.regular else f'<font name="{font}">{safe}</font>')
    return "".join(parts)


def plain(text: object, fonts: FontSet) -> str:
    """``text`` with every character the main font lacks shown as a box."""
    return "".join(chunk if font == fonts.regular else PLACEHOLDER * len(chunk)
                   for font, chunk in runs(text, fonts))


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: max(1, limit - 1)] + "…"


def money(amount: float, currency: str, *, compact: bool = False) -> str:
    """``$1,234,567`` / ``CHF 1,234,567``; compact gives ``$1.23m`` for key numbers."""
    if not math.isfinite(amount):
        return "n/a"
    code = currency.strip().upper() or "USD"
    symbol = CURRENCY_SYMBOLS.get(code)
    sign = "−" if amount < -0.005 else ""
    value = abs(amount)
    if compact and value >= 1e6:
        number = f"{value / 1e6:,.2f}m"
    elif compact and value >= 1e4:
        number = f"{value / 1e3:,.0f}k"
    else:
        number = f"{value:,.0f}"
    return f"{sign}{symbol}{number}" if symbol else f"{sign}{code} {number}"


def signed_money(amount: float, currency: str) -> str:
    """A difference of money: ``+$1,234``, ``−$1,234``, ``$0``."""
    text = money(amount, currency)
    return "+" + text if amount >= 0.5 else text


def money_axis(ticks: list[float], currency: str) -> Callable[[float], str]:
    """Labels for money axis ticks: ``$286m``, ``$286.5m``, ``$40k``, ``CHF 1.2m``, with
    just enough decimals to tell the ticks apart."""
    code = currency.strip().upper() or "USD"
    symbol = CURRENCY_SYMBOLS.get(code)
    top = max((abs(t) for t in ticks), default=0.0)
    scale, unit = (1e6, "m") if top >= 1e6 else (1e3, "k") if top >= 1e4 else (1.0, "")
    decimals = next((d for d in range(4) if all(
        abs(round(t / scale, d) - t / scale) < 1e-6 for t in ticks)), 3)

    def fmt(value: float) -> str:
        sign = "−" if value < -0.005 * scale else ""
        number = f"{abs(value) / scale:,.{decimals}f}{unit}"
        return f"{sign}{symbol}{number}" if symbol else f"{sign}{code} {number}"

    return fmt


def number(value: float, decimals: int = 0) -> str:
    if not math.isfinite(value):
        return "n/a"
    return f"{value:,.{decimals}f}"


def percent(value: float, decimals: int = 1) -> str:
    return "n/a" if not math.isfinite(value) else f"{100 * value:.{decimals}f}%"


def day(value: object) -> str:
    """ISO date for tables (unambiguous across US and EU readers); '' when missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    try:  # pandas Timestamp / NaT and friends
        import pandas as pd

        ts = pd.Timestamp(value)
    except (TypeError, ValueError):
        return str(value)
    return "" if pd.isna(ts) else ts.date().isoformat()


def long_day(value: date) -> str:
    """``3 Mar 2027`` for headlines."""
    return f"{value.day} {value:%b %Y}"
