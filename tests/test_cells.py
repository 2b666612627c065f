"""How typed values are read: never silently misread."""

from __future__ import annotations

import datetime as dt

import pytest

from ortkpi_xl.cells import CellReader, State
from ortkpi_xl.config import default_config
from ortkpi_xl.fields import Kind

READER = CellReader(default_config())


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("84,2%", 0.842),
        ("84,2 %", 0.842),
        ("84,2\u00a0%", 0.842),
        ("0,842", 0.842),
        (0.842, 0.842),
        ("84.2", 0.842),
        (84.2, 0.842),
        ("100 %", 1.0),
        (1, 1.0),
        ("0", 0.0),
    ],
)
def test_rates_typed_every_way_mean_the_same(raw, expected):
    reading = READER.read(raw, Kind.RATE)
    assert reading.state is State.NUMBER
    assert reading.number == pytest.approx(expected)


def test_points_conversion_is_reported_not_silent():
    reading = READER.read(84.2, Kind.RATE)
    assert reading.interpreted and "84,2 %" in reading.note


@pytest.mark.parametrize("raw", [1.05, "1,2", 1.5])
def test_points_between_1_and_2_are_open_to_doubt(raw):
    """1,05 typed in a General cell reads 1,05 % by the points rule, but a mistyped 105 % is
    as likely: a warning, never a silent 1,05 %."""
    reading = READER.read(raw, Kind.RATE, "General")
    assert reading.state is State.NUMBER and reading.doubtful
    assert "ce taux est impossible" in reading.note
    assert not READER.read(2.5, Kind.RATE, "General").doubtful
    assert not READER.read("1,2 %", Kind.RATE).doubtful  # the % sign says it


@pytest.mark.parametrize("raw", [150, "150 %", -0.1, "abc", True, dt.date(2024, 1, 1)])
def test_impossible_rates_are_invalid(raw):
    assert READER.read(raw, Kind.RATE).state is State.INVALID


@pytest.mark.parametrize(
    "raw, state",
    [
        (None, State.BLANK),
        ("", State.BLANK),
        ("   ", State.BLANK),
        (float("nan"), State.BLANK),
        ("NA", State.STATUS),
        ("n/a", State.STATUS),
        ("#DIV/0!", State.ERROR),
        ("#n/a", State.ERROR),
        ("En attente", State.MARKER),
        ("non requis", State.MARKER),
        ("1 234", State.NUMBER),
        ("12\u202f000", State.NUMBER),
        (12.0, State.NUMBER),
        (12.5, State.INVALID),
        ("12,5", State.INVALID),
        (-1, State.INVALID),
        ("10 %", State.INVALID),
        (float("inf"), State.INVALID),
        (dt.datetime(2024, 5, 1), State.INVALID),
    ],
)
def test_counts(raw, state):
    assert READER.read(raw, Kind.COUNT).state is state


def test_na_is_never_blank():
    # pandas would read "NA" as NaN: the reader keeps it as a status
    assert READER.read("NA", Kind.COUNT).text == "NA"


@pytest.mark.parametrize("raw, expected", [("4,4", 4.4), ("4,4/5", 4.4), (5, 5.0), ("3 sur 5", 3)])
def test_marks(raw, expected):
    assert READER.read(raw, Kind.MARK).number == pytest.approx(expected)


def test_va_typed_like_the_seed():
    assert READER.read("+ 5%", Kind.POINTS).number == pytest.approx(0.05)
    assert READER.read("- 20%", Kind.POINTS).number == pytest.approx(-0.2)
    assert READER.read("0%", Kind.POINTS).number == 0
