from __future__ import annotations

import pytest

from ortkpi_xl.formatting import (
    excel_round,
    format_mark,
    format_number,
    format_percent,
    format_signed_percent,
)


@pytest.mark.parametrize(
    "fraction, text",
    [
        (9 / 16, "56,3 %"),
        (5 / 16, "31,3 %"),
        (0.842105, "84,2 %"),
        (1, "100,0 %"),
        (0, "0,0 %"),
        (1 / 3, "33,3 %"),
        (0.0005, "0,1 %"),
        (0.00049, "0,0 %"),
    ],
)
def test_percent_rounds_like_excel(fraction, text):
    assert format_percent(fraction) == text


def test_excel_round_half_away_from_zero_on_negatives():
    assert str(excel_round(-2.5)) == "-3"
    assert str(excel_round(2.675, 2)) == "2.68"  # binary 2.67499999… but Excel shows 2.68


@pytest.mark.parametrize(
    "fraction, text",
    [(0.05, "+5 %"), (-0.2, "-20 %"), (0, "0 %"), (-0.004, "0 %"), (0.025, "+3 %")],
)
def test_signed_percent(fraction, text):
    assert format_signed_percent(fraction) == text


def test_numbers_and_marks():
    assert format_number(12.0) == "12"
    assert format_number(12.5) == "12,5"
    assert format_mark(4.35) == "4,4"
    assert format_mark(4.25) == "4,3"
