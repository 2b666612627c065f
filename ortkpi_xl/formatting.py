"""Figures as French text, rounded the way Excel displays them.

Excel rounds half away from zero on the decimal value it shows (15 significant digits), so
9/16 = 56.25 % displays 56,3 %; Python's ``round`` (half to even, on the binary value) would say
56,2. Every text the tool produces from a figure goes through this module.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Context, Decimal
from functools import lru_cache

_WIDE = Context(prec=400)  # room for any float's digits (up to 1.8e308) plus decimals
# The public functions are pure and a sheet repeats its figures (rates of small cohorts, counts):
# each distinct figure is formatted once per process.
_cached = lru_cache(maxsize=65_536)


def wrapped_lines(text: str, per_line: float) -> int:
    """Lines a text needs when wrapped at ``per_line`` characters (words never broken): the
    row heights of wrapped cells are estimated from it."""
    count, used = 1, 0
    for word in text.split():
        if used and used + 1 + len(word) > per_line:
            count, used = count + 1, len(word)
        else:
            used += len(word) + (1 if used else 0)
    return count


def excel_round(value: float, digits: int = 0) -> Decimal:
    """``ROUND(value; digits)`` as Excel computes it: half away from zero, 15 digits."""
    if not math.isfinite(value):
        raise ValueError(f"valeur non finie : {value!r}")
    exact = Decimal(f"{value:.15g}")
    return exact.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP, context=_WIDE)


def _fixed(value: float, digits: int) -> str:
    """``value`` rounded like Excel to ``digits`` decimals, as plain text ("-0" never shown).

    The exact decimal path is slow (Decimal); away from a tie (…5 at the last digit) binary
    rounding gives the same digits, so only near-ties take it. A sheet has thousands of rates.
    """
    if math.isfinite(value) and abs(value) < 1e9:
        scaled = abs(value) * 10**digits
        if abs(scaled - math.floor(scaled) - 0.5) > 1e-6:
            text = f"{value:.{digits}f}"
            return text[1:] if text.startswith("-") and not text.strip("-0.") else text
    return _french(excel_round(value, digits), strip_zeros=False).replace(",", ".")


def _french(number: Decimal, strip_zeros: bool) -> str:
    text = format(number, "f")
    if strip_zeros and "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", "") or set(text) <= set("-0.") and text.startswith("-"):
        text = text.lstrip("-")
    return text.replace(".", ",")


@_cached
def format_number(value: float, digits: int | None = None) -> str:
    """A number in French: ``12``, ``12,5``; ``digits`` fixes the decimals, else up to 6."""
    if digits is None:
        return _french(excel_round(value, 6), strip_zeros=True)
    return _french(excel_round(value, digits), strip_zeros=False)


@_cached
def format_percent(fraction: float, digits: int = 1, *, strip_zeros: bool = False) -> str:
    """0.5625 → ``56,3 %`` (Excel's ``0.0%`` display)."""
    if strip_zeros:
        return _french(excel_round(fraction * 100, digits), strip_zeros) + " %"
    return _fixed(fraction * 100, digits).replace(".", ",") + " %"


def format_percent_points(fraction: float, digits: int = 1) -> str:
    """A rate in points without the sign: 0.5625 → ``56,3`` (reference tables)."""
    return _french(excel_round(fraction * 100, digits), strip_zeros=False)


@_cached
def format_signed_percent(fraction: float, digits: int = 0) -> str:
    """The valeur ajoutée: 0.05 → ``+5 %``, -0.2 → ``-20 %``, 0 → ``0 %``."""
    text = _fixed(fraction * 100, digits)
    sign = "-" if text.startswith("-") else "+" if text.strip("0.") else ""
    return f"{sign}{text.lstrip('-').replace('.', ',')} %"


@_cached
def format_mark(mark: float) -> str:
    """A survey mark out of 5 with one decimal: ``4,4``."""
    return _french(excel_round(mark, 1), strip_zeros=False)
