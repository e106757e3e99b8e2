"""Cell values: money, numbers, fractions, dates, booleans, levels, IDs.

Procurement workbooks are typed by hand, so each parser accepts the spellings
workbook-format.md lists and rejects everything else with a :class:`CellError` that says
what was expected. Parsers never guess: a date whose day and month could be swapped is
an error, not a coin toss.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from planner.domain import Level, Mode
from planner.schema import ColType, Column


class _FormulaNoValue:
    """A formula cell saved without its computed value (e.g. written by a script)."""

    _instance: _FormulaNoValue | None = None

    def __new__(cls) -> _FormulaNoValue:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "FORMULA_NO_VALUE"

    def __reduce__(self) -> str:
        return "FORMULA_NO_VALUE"


FORMULA_NO_VALUE = _FormulaNoValue()


class CellError(ValueError):
    """A cell value that cannot be read as its column's type."""

    def __init__(self, message: str, expected: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.expected = expected


def is_empty(value: object) -> bool:
    if value is None:
        return True
    return type(value) is str and not value.strip()


def show(value: object) -> str:
    """How a raw cell value is quoted back to the user in a problem."""
    if value is FORMULA_NO_VALUE:
        return "a formula with no stored value"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "..."


# --- text and IDs -------------------------------------------------------------------

def parse_text(value: object) -> str:
    """Free text; numbers typed into a text cell read as their digits."""
    if type(value) is str:
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return show(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def parse_id(value: object) -> str:
    """IDs are text: 123 typed as a number is "123", "00123" stays "00123"."""
    text = parse_text(value)
    if not text:
        raise CellError("empty ID")
    return text


# --- numbers and money ---------------------------------------------------------------

_SUFFIXES = {"k": 1e3, "m": 1e6, "mm": 1e6, "mn": 1e6, "bn": 1e9, "b": 1e9}
# Currency symbols and ISO codes that may surround an amount; removed before parsing.
_CURRENCY = re.compile(
    r"[$€£¥₹₩₽₺₪₫฿₦₱¢]|\b(?:US\$|USD|EUR|GBP|JPY|CHF|CAD|AUD|NZD|SEK|NOK|DKK|PLN|CZK|"
    r"HUF|INR|CNY|RMB|HKD|SGD|KRW|BRL|MXN|ZAR|ILS|TRY|AED|SAR|Fr|kr|zł)\b",
    re.IGNORECASE,
)
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']")
_NUMBER = re.compile(r"^(?P<sign>[-+−]?)(?P<body>[0-9][0-9.,]*|[.,][0-9]+)(?P<suffix>[a-z]*)$")
_GROUPED = re.compile(r"^[0-9]{1,3}(?:X[0-9]{3})+$")


def _unseparate(body: str) -> str:
    """Resolve ``,`` and ``.``: the last of both is decimal; a lone one before 3 digits groups."""
    has_comma, has_dot = "," in body, "." in body
    if has_comma and has_dot:
        decimal = "," if body.rfind(",") > body.rfind(".") else "."
        group = "." if decimal == "," else ","
        whole, _, frac = body.rpartition(decimal)
        if decimal in whole or not _GROUPED.match(whole.replace(group, "X")):
            raise ValueError(body)
        return whole.replace(group, "") + "." + frac
    sep = "," if has_comma else "." if has_dot else ""
    if not sep:
        return body
    parts = body.split(sep)
    if len(parts) > 2:  # 1,200,000: grouping only
        if not _GROUPED.match(body.replace(sep, "X")):
            raise ValueError(body)
        return body.replace(sep, "")
    whole, frac = parts
    if len(frac) == 3 and whole not in ("", "0") and _GROUPED.match(whole + "X" + frac):
        return whole + frac  # 1,200 = 1.200 = 1200
    return (whole or "0") + "." + frac  # 7,5 = 7.5


def parse_number_text(text: str) -> float:
    """``$1,200.50``, ``1 200,50 €``, ``12k``, ``1.5M``, ``(300)``; raises ValueError."""
    s = text.strip()
    negative = False
    if s.startswith("(") and s.endswith(")"):
        negative, s = True, s[1:-1]
    s = _SPACES.sub("", _CURRENCY.sub("", s)).lower()
    match = _NUMBER.match(s)
    if not match:
        raise ValueError(text)
    suffix = match["suffix"]
    if suffix and suffix not in _SUFFIXES:
        raise ValueError(text)
    value = float(_unseparate(match["body"])) * _SUFFIXES.get(suffix, 1.0)
    if match["sign"] in ("-", "−"):
        negative = not negative
    if not math.isfinite(value):
        raise ValueError(text)
    return -value if negative else value


def parse_number(value: object, expected: str = "a number") -> float:
    if type(value) is int or (type(value) is float and math.isfinite(value)):
        return float(value)
    if isinstance(value, bool | date):
        raise CellError("not a number", expected)
    if isinstance(value, int | float):
        if not math.isfinite(value):
            raise CellError("not a finite number", expected)
        return float(value)
    if isinstance(value, str):
        if value.strip().endswith("%"):
            raise CellError("a percentage is not allowed here", expected)
        try:
            return parse_number_text(value)
        except ValueError:
            raise CellError("not a number", expected) from None
    raise CellError("not a number", expected)


def parse_int(value: object, expected: str = "a whole number") -> int:
    number = parse_number(value, expected)
    if not number.is_integer():
        raise CellError("not a whole number", expected)
    return int(number)


def parse_fraction(value: object, expected: str = "a fraction in (0, 1]") -> float:
    """(0, 1] or a percentage: ``0.4``, ``40%``; a bare 40 is an error, not 40%."""
    if isinstance(value, str) and value.strip().endswith("%"):
        try:
            number = parse_number_text(value.strip()[:-1]) / 100.0
        except ValueError:
            raise CellError("not a percentage", expected) from None
    else:
        number = parse_number(value, expected)
        if number > 1:
            raise CellError("a fraction above 1 (write 40% or 0.4, not 40)", expected)
    if not 0 < number <= 1:
        raise CellError("a fraction outside (0, 1]", expected)
    return number


# --- dates ---------------------------------------------------------------------------

MAX_SERIAL = 2_958_465  # 9999-12-31 in the 1900 system


def serial_to_date(serial: float, date1904: bool = False) -> date:
    """An Excel serial day number in the workbook's 1900 or 1904 system."""
    whole = math.floor(serial)
    if date1904:
        if not 0 <= whole <= MAX_SERIAL - 1462:
            raise CellError("a day number outside Excel's dates", "a date (e.g. 2026-03-31)")
        return date(1904, 1, 1) + timedelta(days=whole)
    if not 1 <= whole <= MAX_SERIAL:
        raise CellError("a day number outside Excel's dates", "a date (e.g. 2026-03-31)")
    if whole == 60:
        raise CellError("an impossible date (Excel's 29 February 1900)", "a real date")
    # Excel counts the non-existent 1900-02-29, so serials after it are one day off.
    return date(1899, 12, 31 if whole < 60 else 30) + timedelta(days=whole)


_MONTHS = {
    name: i + 1
    for i, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
         ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
         ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
         ("dec", "december")]
    )
    for name in names
}
_TIME = r"(?:[ t]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:z|[+-]\d{2}:?\d{2})?)?"
_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})" + _TIME + "$")
_DMY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})(?: \d{1,2}:\d{2}(?::\d{2})?)?$")
# With a month name nothing can be swapped, so Excel's text "31-Mar-26" is allowed too.
_D_MON_Y = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?[ \-/.]+([a-z]+)\.?[ \-/.,]+(\d{4}|\d{2})$")
_MON_D_Y = re.compile(r"^([a-z]+)\.?[ \-/.]+(\d{1,2})(?:st|nd|rd|th)?[ ,\-/.]+(\d{4}|\d{2})$")
_Y_MON_D = re.compile(r"^(\d{4})[ \-/.]+([a-z]+)\.?[ \-/.]+(\d{1,2})$")
DATE_EXPECTED = "a date (e.g. 2026-03-31)"


def _make_date(year: int, month: int, day: int, found: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise CellError(f"an impossible date ({found})", DATE_EXPECTED) from None


def _year(digits: str) -> int:
    """Two-digit years (only with a month name) are this century's."""
    return 2000 + int(digits) if len(digits) == 2 else int(digits)


def _month(name: str) -> int:
    if name not in _MONTHS:
        raise CellError("not a date", DATE_EXPECTED)
    return _MONTHS[name]


def parse_date_text(text: str) -> date:
    """ISO text, or day/month text only where day and month cannot be swapped."""
    s = " ".join(text.strip().lower().split())
    if m := _ISO.match(s):
        return _make_date(int(m[1]), int(m[2]), int(m[3]), text)
    if m := _DMY.match(s):
        a, b, year = int(m[1]), int(m[2]), int(m[3])
        if a <= 12 and b <= 12 and a != b:
            raise CellError(
                f"an ambiguous date ({text.strip()}: day and month could be swapped)",
                "an unambiguous date such as 2026-03-31 or 31 Mar 2026",
            )
        day, month = (a, b) if a > 12 or a == b else (b, a)
        return _make_date(year, month, day, text)
    if m := _D_MON_Y.match(s):
        return _make_date(_year(m[3]), _month(m[2]), int(m[1]), text)
    if m := _MON_D_Y.match(s):
        return _make_date(_year(m[3]), _month(m[1]), int(m[2]), text)
    if m := _Y_MON_D.match(s):
        return _make_date(int(m[1]), _month(m[2]), int(m[3]), text)
    raise CellError("not a date", DATE_EXPECTED)


def parse_date(value: object, date1904: bool = False) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool | time | timedelta):
        raise CellError("not a date", DATE_EXPECTED)
    if isinstance(value, int | float):
        if not math.isfinite(value):
            raise CellError("not a date", DATE_EXPECTED)
        return serial_to_date(value, date1904)
    if isinstance(value, str):
        stripped = value.strip()
        if re.fullmatch(r"\d{1,7}(\.\d+)?", stripped):  # a serial number typed as text
            return serial_to_date(float(stripped), date1904)
        return parse_date_text(stripped)
    raise CellError("not a date", DATE_EXPECTED)


# --- booleans, levels, modes ---------------------------------------------------------

_TRUE = {"y", "yes", "true", "1", "x", "t", "ja", "oui", "si", "sí"}
_FALSE = {"n", "no", "false", "0", "f", "nein", "non"}


def parse_bool(value: object, expected: str = "Y/N") -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        text = value.strip().casefold()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    raise CellError("not yes or no", expected)


_LEVELS = {"public": Level.PUBLIC, "confidential": Level.CONFIDENTIAL,
           "restricted": Level.RESTRICTED, "1": Level.PUBLIC, "2": Level.CONFIDENTIAL,
           "3": Level.RESTRICTED}


def parse_level(value: object, expected: str = "public, confidential or restricted") -> Level:
    text = parse_text(value).casefold()
    if text in _LEVELS:
        return _LEVELS[text]
    raise CellError("not a level", expected)


def parse_mode(value: object, expected: str = "cheapest or fastest") -> Mode:
    text = parse_text(value).casefold()
    try:
        return Mode(text)
    except ValueError:
        raise CellError("not a planning mode", expected) from None


# --- one entry point, driven by the schema ------------------------------------------

def _check_bounds(column: Column, value: float) -> None:
    if column.minimum is not None:
        below = value <= column.minimum if column.exclusive_min else value < column.minimum
        if below:
            if column.exclusive_min and value == column.minimum:
                raise CellError("zero is not allowed here")
            raise CellError("negative" if value < 0 else "too small")
    if column.maximum is not None and value > column.maximum:
        raise CellError("too large")


def parse_cell(column: Column, value: object, date1904: bool = False) -> object:
    """Parse a non-empty raw cell as ``column`` says; raises :class:`CellError`."""
    try:
        return _parse_as(column, value, date1904)
    except CellError as err:
        # column.expected is built on demand: only failures pay for the message.
        err.expected = err.expected or column.expected
        raise


_PARSERS: dict[ColType, Callable[[object, bool], object]] = {
    ColType.TEXT: lambda v, _: parse_text(v),
    ColType.ID: lambda v, _: parse_id(v),
    ColType.NUMBER: lambda v, _: parse_number(v, ""),
    ColType.MONEY: lambda v, _: parse_number(v, ""),
    ColType.INT: lambda v, _: parse_int(v, ""),
    ColType.FRACTION: lambda v, _: parse_fraction(v, ""),
    ColType.DATE: parse_date,
    ColType.BOOL: lambda v, _: parse_bool(v, ""),
    ColType.LEVEL: lambda v, _: parse_level(v, ""),
    ColType.MODE: lambda v, _: parse_mode(v, ""),
}
_BOUNDED = (ColType.NUMBER, ColType.MONEY, ColType.INT)


def _parse_as(column: Column, value: object, date1904: bool) -> object:
    if value is FORMULA_NO_VALUE:
        raise CellError(
            "a formula saved without its value (open and save the file in Excel, or type "
            "the value)")
    result = _PARSERS[column.type](value, date1904)
    if column.type in _BOUNDED:
        _check_bounds(column, result)  # type: ignore[arg-type]
    return result


def default_value(column: Column) -> object:
    """The column's default as the parsed type (levels and modes are stored as text)."""
    if column.default is None:
        return None
    if column.type is ColType.LEVEL:
        return parse_level(column.default)
    if column.type is ColType.MODE:
        return parse_mode(column.default)
    return column.default
