"""Finding the programme tables of a sheet from its values alone.

A site sheet is recognised by its header row — wherever it is, whatever its sheet name — with
the tolerant matching of the spec (line breaks, spaces, case, accents, a number stuck to the
first word, the seed's wording). Works on a plain grid of values, so the openpyxl reader and the
xlwings buttons share it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from openpyxl.utils import get_column_letter

from ..config import Config
from ..fields import FIELD_BY_KEY, FIELDS, IDENTIFICATION, Field, Kind
from ..indicators import INDICATORS, Indicator
from ..normalize import label_key

Grid = Sequence[Sequence[object]]
_MIN_FIELDS = 3  # recognised headers needed to call a row a header row


@lru_cache(maxsize=65536)
def _key(text: str) -> str:
    return label_key(text)


class HeaderMatcher:
    """Maps header texts to field keys: canonical labels plus the configured aliases."""

    def __init__(self, config: Config):
        self._by_key: dict[str, str] = {}
        for f in FIELDS:
            self._by_key.setdefault(_key(f.label), f.key)
        for field_key, labels in config.entetes.items():
            for label in labels:
                self._by_key.setdefault(_key(label), field_key)

    def match(self, value: object) -> str | None:
        if not isinstance(value, str) or len(value) < 2:
            return None
        return self._by_key.get(_key(value))


@dataclass
class Table:
    """One programme table: its header row, the columns found and its data rows (1-based)."""

    sheet: str
    header_row: int
    columns: dict[str, int]  # field key → column number
    rows: list[int] = field(default_factory=list)
    unknown_headers: dict[int, str] = field(default_factory=dict)
    duplicate_headers: dict[int, str] = field(default_factory=dict)  # column → field key

    def address(self, row_index: int, key: str) -> str | None:
        column = self.columns.get(key)
        if column is None or row_index >= len(self.rows):
            return None
        return f"{get_column_letter(column)}{self.rows[row_index]}"

    def header_address(self, key: str | None = None) -> str:
        column = self.columns.get(key, 1) if key else min(self.columns.values())
        return f"{get_column_letter(column)}{self.header_row}"

    def missing_required(self) -> list[Field]:
        return [f for f in FIELDS if f.required and f.key not in self.columns]

    def computable(self, indicator: Indicator) -> bool:
        """All inputs of the indicator have a column (the fallback denominator suffices)."""
        needed = [k for k in (indicator.numerator, indicator.denominator) if k]
        if indicator.fallback_denominator and indicator.denominator not in self.columns:
            needed = [indicator.numerator, indicator.fallback_denominator]
        return all(k in self.columns for k in needed)

    def writable_indicators(self) -> list[Indicator]:
        return [
            i
            for i in INDICATORS
            if i.key in self.columns and (not i.computed or self.computable(i))
        ]


def _cell(row: Sequence[object], column: int) -> object:
    return row[column - 1] if 0 < column <= len(row) else None


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _header_fields(row: Sequence[object], matcher: HeaderMatcher) -> dict[int, str]:
    found: dict[int, str] = {}
    for index, value in enumerate(row, start=1):
        key = matcher.match(value)
        if key:
            found[index] = key
    return found


def _is_header(found: dict[int, str]) -> bool:
    keys = set(found.values())
    has_figures = any(FIELD_BY_KEY[k].kind not in (Kind.TEXT, Kind.LEVEL) for k in keys)
    return len(keys) >= _MIN_FIELDS and has_figures


def find_tables(sheet: str, grid: Grid, config: Config, *, first_row: int = 1) -> list[Table]:
    """Every programme table of one sheet; ``grid[0]`` is sheet row ``first_row``."""
    matcher = HeaderMatcher(config)
    tables: list[Table] = []
    current: Table | None = None
    for offset, row in enumerate(grid):
        number = first_row + offset
        if not row:
            continue
        found = _header_fields(row, matcher) if any(isinstance(v, str) for v in row) else {}
        if found and _is_header(found):
            current = Table(sheet, number, {})
            for column, key in found.items():
                if key in current.columns:
                    current.duplicate_headers[column] = key
                else:
                    current.columns[key] = column
            for index, value in enumerate(row, start=1):
                if index not in found and not _blank(value):
                    current.unknown_headers[index] = str(value)
            tables.append(current)
            continue
        if current is not None and _is_data_row(row, current):
            current.rows.append(number)
    return tables


def _is_data_row(row: Sequence[object], table: Table) -> bool:
    """A programme row, not a section title, a footnote or a blank line.

    Needs a number in a count column, or an identification with something beside it (two
    identification cells, or one and any figure). A lone text ("Ecole de Travail",
    "Remarque : …") is a label.
    """
    identification = 0
    others = 0
    for key, column in table.columns.items():
        value = _cell(row, column)
        if _blank(value):
            continue
        kind = FIELD_BY_KEY[key].kind
        if key in IDENTIFICATION:
            identification += 1
        elif kind is Kind.COUNT and isinstance(value, (int, float)) and not isinstance(value, bool):
            return True
        elif not FIELD_BY_KEY[key].computed:
            others += 1
    return identification >= 2 or (identification >= 1 and others >= 1)
