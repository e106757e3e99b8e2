"""One test per parsing rule of workbook-format.md (cell values)."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.domain import Level, Mode
from planner.parse import (
    FORMULA_NO_VALUE,
    CellError,
    parse_bool,
    parse_cell,
    parse_date,
    parse_fraction,
    parse_id,
    parse_int,
    parse_level,
    parse_mode,
    parse_number,
    parse_text,
    serial_to_date,
)
from planner.schema import CONTRACTS, SETTINGS_KEYS, VENDORS, WORKSTREAMS


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("$1,200.50", 1200.50),
        ("1 200,50 €", 1200.50),
        ("1\u00a0200,50\u00a0€", 1200.50),
        ("€1.200,50", 1200.50),
        ("12k", 12000.0),
        ("12K", 12000.0),
        ("1.5M", 1_500_000.0),
        ("2bn", 2e9),
        ("1,200", 1200.0),
        ("1.200", 1200.0),
        ("7,5", 7.5),
        ("0.125", 0.125),
        ("1,234,567.89", 1234567.89),
        ("1.234.567", 1234567.0),
        ("USD 950", 950.0),
        ("-3.5", -3.5),
        ("(300)", -300.0),
        ("  42 ", 42.0),
        ("1'200.5", 1200.5),
    ],
)
def test_money_text(text: str, value: float) -> None:
    assert parse_number(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["abc", "1,2,3", "12q", "1.2.3,4,5", "", "$", "1,20,000",
                                  "1..2"])
def test_money_text_rejected(text: str) -> None:
    with pytest.raises(CellError):
        parse_number(text)


def test_numbers_typed_as_numbers() -> None:
    assert parse_number(3) == 3.0
    assert parse_number(2.25) == 2.25
    with pytest.raises(CellError):
        parse_number(True)
    with pytest.raises(CellError, match="percentage"):
        parse_number("40%")


@given(st.integers(min_value=0, max_value=10**12))
def test_grouped_thousands_round_trip(n: int) -> None:
    assert parse_number(f"{n:,}") == n
    assert parse_number(f"{n:,}".replace(",", ".")) == n


def test_int() -> None:
    assert parse_int(30) == 30
    assert parse_int(30.0) == 30
    assert parse_int("30") == 30
    with pytest.raises(CellError, match="whole"):
        parse_int(2.5)


@pytest.mark.parametrize(("value", "share"), [(0.4, 0.4), ("40%", 0.4), ("40 %", 0.4),
                                              (1, 1.0), ("100%", 1.0), ("0,5", 0.5),
                                              ("12.5%", 0.125)])
def test_fraction(value: object, share: float) -> None:
    assert parse_fraction(value) == pytest.approx(share)


@pytest.mark.parametrize(("value", "message"), [(40, "above 1"), (1.5, "above 1"),
                                                (0, "outside"), ("0%", "outside"),
                                                ("150%", "outside"), (-0.2, "outside"),
                                                ("lots", "not a")])
def test_fraction_rejected(value: object, message: str) -> None:
    with pytest.raises(CellError, match=message):
        parse_fraction(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime(2026, 3, 31), date(2026, 3, 31)),
        (date(2026, 3, 31), date(2026, 3, 31)),
        ("2026-03-31", date(2026, 3, 31)),
        ("2026-03-31 00:00:00", date(2026, 3, 31)),
        ("2026-03-31T10:00", date(2026, 3, 31)),
        ("2026/3/31", date(2026, 3, 31)),
        ("31/03/2026", date(2026, 3, 31)),
        ("03/31/2026", date(2026, 3, 31)),
        ("31.03.2026", date(2026, 3, 31)),
        ("03/03/2026", date(2026, 3, 3)),  # day and month equal: nothing to swap
        ("3 Mar 2026", date(2026, 3, 3)),
        ("3rd March 2026", date(2026, 3, 3)),
        ("March 3, 2026", date(2026, 3, 3)),
        ("Sept 30 2026", date(2026, 9, 30)),
        ("3-Mar-2026", date(2026, 3, 3)),
        ("2026-Mar-03", date(2026, 3, 3)),
        ("31-Mar-26", date(2026, 3, 31)),
        ("Mar 31, 26", date(2026, 3, 31)),
        ("2026-03-31T00:00:00Z", date(2026, 3, 31)),
        ("2026-03-31T09:30:00+02:00", date(2026, 3, 31)),
        (46112, date(2026, 3, 31)),  # Excel serial, 1900 system
        (46112.75, date(2026, 3, 31)),
        ("46112", date(2026, 3, 31)),
    ],
)
def test_dates(value: object, expected: date) -> None:
    assert parse_date(value) == expected


def test_serials_1904_system() -> None:
    assert parse_date(44650, date1904=True) == date(2026, 3, 31)
    assert serial_to_date(0, date1904=True) == date(1904, 1, 1)


def test_serials_around_excel_leap_bug() -> None:
    assert serial_to_date(1) == date(1900, 1, 1)
    assert serial_to_date(59) == date(1900, 2, 28)
    assert serial_to_date(61) == date(1900, 3, 1)
    with pytest.raises(CellError, match="impossible"):
        serial_to_date(60)  # Excel's fictitious 1900-02-29


@pytest.mark.parametrize("text", ["03/04/2026", "4-5-2026", "12.11.2026"])
def test_ambiguous_dates_rejected(text: str) -> None:
    with pytest.raises(CellError, match="ambiguous") as info:
        parse_date(text)
    assert "2026-03-31" in info.value.expected


@pytest.mark.parametrize("value", ["31/02/2026", "2026-02-30", "2026-13-01", "31 Feb 2026",
                                   "32/01/2026"])
def test_impossible_dates_rejected(value: object) -> None:
    with pytest.raises(CellError, match="impossible"):
        parse_date(value)


@pytest.mark.parametrize("value", ["soon", "Q3 2026", True, time(12, 0), -5, 3_000_000,
                                   "3 Foo 2026", "31/03/26", "26-03-31"])
def test_not_dates(value: object) -> None:
    with pytest.raises(CellError):
        parse_date(value)


@pytest.mark.parametrize(("value", "flag"), [
    ("Y", True), ("n", False), ("yes", True), ("No", False), ("TRUE", True), ("false", False),
    ("1", True), ("0", False), (1, True), (0, False), ("x", True), ("X", True), (True, True),
])
def test_bools(value: object, flag: bool) -> None:
    assert parse_bool(value) is flag


@pytest.mark.parametrize("value", ["maybe", 2, "yess"])
def test_bools_rejected(value: object) -> None:
    with pytest.raises(CellError):
        parse_bool(value)


@pytest.mark.parametrize(("value", "level"), [
    ("public", Level.PUBLIC), (" Confidential ", Level.CONFIDENTIAL),
    ("RESTRICTED", Level.RESTRICTED), (1, Level.PUBLIC), ("2", Level.CONFIDENTIAL),
    (3.0, Level.RESTRICTED),
])
def test_levels(value: object, level: Level) -> None:
    assert parse_level(value) is level


def test_level_rejected() -> None:
    with pytest.raises(CellError):
        parse_level("secret")
    with pytest.raises(CellError):
        parse_level(4)


def test_modes() -> None:
    assert parse_mode(" Fastest") is Mode.FASTEST
    with pytest.raises(CellError):
        parse_mode("quickest")


@pytest.mark.parametrize(("value", "text"), [
    ("00123", "00123"), (123, "123"), (123.0, "123"), (" C-7 ", "C-7"), (12.5, "12.5"),
])
def test_ids_stay_text(value: object, text: str) -> None:
    assert parse_id(value) == text


def test_text_of_dates_and_numbers() -> None:
    assert parse_text(datetime(2026, 1, 5)) == "2026-01-05"
    assert parse_text(7.0) == "7"


def test_parse_cell_uses_schema_bounds_and_expected() -> None:
    volume = WORKSTREAMS.column("weekly_volume")
    with pytest.raises(CellError, match="zero") as info:
        parse_cell(volume, 0)
    assert info.value.expected == volume.expected
    with pytest.raises(CellError, match="negative"):
        parse_cell(CONTRACTS.column("termination_fee"), "-$5")
    horizon = next(c for c in SETTINGS_KEYS if c.name == "horizon_weeks")
    with pytest.raises(CellError, match="too large"):
        parse_cell(horizon, 261)
    assert parse_cell(horizon, "260") == 260
    assert parse_cell(VENDORS.column("max_share"), "40%") == pytest.approx(0.4)


def test_formula_without_value_is_an_error_in_any_column() -> None:
    for column in WORKSTREAMS.columns:
        with pytest.raises(CellError, match="formula"):
            parse_cell(column, FORMULA_NO_VALUE)
