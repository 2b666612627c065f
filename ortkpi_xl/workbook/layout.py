"""Finding the programme tables of a sheet, read the way a person reads them.

A site table is recognised by its header row — wherever it is, whatever its sheet name — with
the tolerant matching of the spec (line breaks, spaces, case, accents, a number stuck to the
first word, the seed's wording, and a general reading of header words for labels nobody
listed). Below it, a row is a programme only when a person would call it one: section titles,
footnotes, blank lines and total rows (« Total », a row of SUM formulas, an Excel table's totals
row, an unlabelled row that adds up the rows above) are not. A Formation cell merged over several
rows names each of them. A table without the site-table columns (the counts) on a sheet that is
not a configured site is a side table (meeting notes, a list of programmes): left alone.

Works on a plain grid of values plus what the engine could learn about the cells (formulas,
merged ranges, tables' totals rows; each may be unknown), so the openpyxl reader and the Excel
buttons share it.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from ..config import Config
from ..fields import ALL_FIELDS, COUNT_KEYS, FIELD_BY_KEY, IDENTIFICATION, Field, Kind
from ..indicators import INDICATORS, Indicator
from ..normalize import fold, label_key

Grid = Sequence[Sequence[object]]
Merge = tuple[int, int, int, int]  # first row, first column, last row, last column (1-based)
_MIN_FIELDS = 3  # recognised headers needed to call a row a header row
_SITE_COUNTS = 2  # count columns that make a header a site table's
_SITE_RATES = 4  # or this many of the computed indicators 1–5


@lru_cache(maxsize=16_384)  # every cell address of a table is built from it
def column_letter(column: int) -> str:
    """1 → A, 28 → AB (no openpyxl: the button path stays light)."""
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@lru_cache(maxsize=65536)
def _key(text: str) -> str:
    return label_key(text)


# -- reading a header word by word ---------------------------------------------------------------
# Used when a header is neither a canonical label nor a configured alias. Each rule: the field,
# groups of word patterns that must all be present (one pattern of each group), patterns that
# must not be present. A pattern matches a whole word of the folded header (accents and case
# removed), so « entre » never matches « entreprise ».
_RULES: tuple[tuple[str, tuple[str, ...], str | None], ...] = (
    ("va_site", ("edt",), None),
    ("insertion_site", ("chiffres?", "inserjeunes?"), "taux|certificat\\w*"),
    (
        "insertion_reference",
        ("certificat(eur|rice)s?|references?|moyens?", "insertion|emploi"),
        None,
    ),
    ("insertion_reference", ("taux", "certificat(eur|rice)s?"), None),
    ("insertion_metier", ("insertion|emploi", "metiers?"), None),
    ("insertion_emploi", ("insertion|emploi",), "nb|nombre"),
    ("va", ("valeurs?", "ajoutees?"), None),
    ("sat_stagiaire", ("satisfaction", "stagiaires?|apprentis?|apprenants?|alternants?"), None),
    ("sat_entreprise", ("satisfaction", "entreprises?|employeurs?|tuteurs?"), None),
    ("sat_financeur", ("satisfaction", "financeurs?|opco"), None),
    ("presentation", ("taux", "presentation"), None),
    ("interruption", ("taux", "interruptions?|brut"), None),
    ("rupture", ("taux", "ruptures?|abandons?"), None),
    ("obtention", ("taux", "obtention|reussite|certification|diplomation"), None),
    ("poursuite", ("taux", "poursuites?"), None),
    ("entrants", ("entr(e|ee|es|ees|ant|ants)|inscrits?",), "taux"),
    ("presentes", ("presente?e?s?|examens?",), "taux"),
    ("interruptions", ("interruptions?",), "taux"),
    ("ruptures", ("ruptures?|abandons?",), "taux"),
    ("reussis", ("reussie?s?|recue?s?|admise?s?|obtenue?s?|certifiee?s?",), "taux"),
    ("reussis", ("nb|nombre", "diplomee?s?"), "taux"),
    ("repondants", ("repondants?",), "taux"),
    ("poursuivants", ("poursuivie?s?|poursuivants?|poursuites?",), "taux"),
    ("entrants", ("effectifs?",), "taux|global|globaux"),
    ("rncp", ("rncp",), None),
    ("cfd", ("cfd",), None),
    ("certificateur", ("certificat(eur|rice)s?",), None),
    ("niveau", ("niveaux?",), None),
    ("promotion", ("promotions?|promos?|cohortes?",), None),
    ("intitule", ("intitules?|libelles?",), None),
    ("statut", ("statuts?",), None),
    ("source", ("sources?",), None),
    ("formation", ("formations?|diplomes?|certifications?",), "taux|nb|nombre"),
)
# Each word pattern once, numbered; a rule names its patterns by number. A word's matches are
# worked out once per distinct word (programme rows repeat « cap », « bts », « formation »…
# while their texts are all different), then each rule is a look-up.
_PATTERNS = tuple(
    dict.fromkeys(p for _, groups, forbidden in _RULES for p in (*groups, forbidden) if p)
)
_PATTERN_ID = {p: i for i, p in enumerate(_PATTERNS)}
_COMPILED_PATTERNS = tuple(re.compile(f"(?:{p})") for p in _PATTERNS)
_COMPILED = tuple(
    (
        key,
        frozenset(_PATTERN_ID[group] for group in groups),
        _PATTERN_ID[forbidden] if forbidden else None,
    )
    for key, groups, forbidden in _RULES
)
_BY_NUMBER = {i.number: i.key for i in INDICATORS}
_INDICATOR_KEYS = frozenset(_BY_NUMBER.values())


@lru_cache(maxsize=16384)
def _word_matches(word: str) -> frozenset[int]:
    """The numbers of the patterns that match the whole of ``word``."""
    return frozenset(i for i, p in enumerate(_COMPILED_PATTERNS) if p.fullmatch(word))


@lru_cache(maxsize=8192)
def read_header(text: str) -> str | None:
    """The field a header names, read word by word (None: not a field of the row)."""
    folded = fold(text)
    words = re.findall(r"[a-z]+", folded)
    if not words or len(words) > 14 or ":" in folded:  # a sentence, a footnote: not a header
        return None
    matched = frozenset().union(*map(_word_matches, words))  # patterns some word matches
    for key, groups, forbidden in _COMPILED:
        if forbidden is not None and forbidden in matched:
            continue
        if groups <= matched:
            number = re.match(r"^\s*\*?\s*(\d{1,2})(?!\d)", folded)
            figure = FIELD_BY_KEY[key].kind in (Kind.RATE, Kind.MARK, Kind.POINTS)
            if number and figure and key in _INDICATOR_KEYS:
                # "4 Taux …": the number says which indicator
                return _BY_NUMBER.get(int(number.group(1)), key)
            return key
    return None


class HeaderMatcher:
    """Maps header texts to field keys: canonical labels, configured aliases, then words."""

    def __init__(self, config: Config):
        self._by_key: dict[str, str] = {}
        for f in ALL_FIELDS:
            self._by_key.setdefault(_key(f.label), f.key)
        for field_key, labels in config.entetes.items():
            for label in labels:
                self._by_key.setdefault(_key(label), field_key)

    def match(self, value: object) -> str | None:
        if not isinstance(value, str) or len(value.strip()) < 2:
            return None
        return self._by_key.get(_key(value)) or read_header(value)


@dataclass
class Table:
    """One programme table: its header row, the columns found and its data rows (1-based)."""

    sheet: str
    header_row: int
    columns: dict[str, int]  # field key → column number
    rows: list[int] = field(default_factory=list)
    unknown_headers: dict[int, str] = field(default_factory=dict)
    duplicate_headers: dict[int, str] = field(default_factory=dict)  # column → field key
    total_rows: dict[int, str] = field(default_factory=dict)  # row → why it is a total
    # identification read through merged cells or from the row above: row → key → text
    names: dict[int, dict[str, object]] = field(default_factory=dict)
    guessed_names: dict[int, int] = field(default_factory=dict)  # row → row it was taken from
    site: bool = True  # False: a side table (no counts, not a configured site): left alone
    # a header over two rows (a group label such as « Effectifs » above its columns, the
    # other labels merged down): column → the row its label is on, when not ``header_row``
    # (then the lower of the two; the rows start below it)
    label_rows: dict[int, int] = field(default_factory=dict)

    def label_row(self, column: int) -> int:
        """The row of the header cell that names ``column`` (where its note goes)."""
        return self.label_rows.get(column, self.header_row)

    @property
    def first_header_row(self) -> int:
        return min([self.header_row, *self.label_rows.values()])

    def header_rows_text(self) -> str:
        """``la ligne 4`` / ``les lignes 3 et 4``, for messages."""
        if self.first_header_row == self.header_row:
            return f"la ligne {self.header_row}"
        return f"les lignes {self.first_header_row} et {self.header_row}"

    def address(self, row_index: int, key: str) -> str | None:
        column = self.columns.get(key)
        if column is None or row_index >= len(self.rows):
            return None
        return f"{column_letter(column)}{self.rows[row_index]}"

    def header_address(self, key: str | None = None) -> str:
        column = self.columns.get(key, 1) if key else min(self.columns.values())
        return f"{column_letter(column)}{self.label_row(column)}"

    @property
    def last_row(self) -> int:
        return max([*self.rows, *self.total_rows, self.header_row])

    def missing_required(self) -> list[Field]:
        return [f for f in ALL_FIELDS if f.required and f.key not in self.columns]

    def computable(self, indicator: Indicator) -> bool:
        """All inputs of the indicator have a column (the fallback denominator suffices)."""
        needed = [k for k in (indicator.numerator, indicator.denominator) if k]
        if indicator.fallback_denominator and indicator.denominator not in self.columns:
            needed = [indicator.numerator, indicator.fallback_denominator]
        return all(k in self.columns for k in needed)

    def writable_indicators(self) -> list[Indicator]:
        return [i for i in INDICATORS if i.key in self.columns]


def _cell(row: Sequence[object], column: int) -> object:
    return row[column - 1] if 0 < column <= len(row) else None


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def _header_fields(row: Sequence[object], matcher: HeaderMatcher) -> dict[int, str]:
    found: dict[int, str] = {}
    for index, value in enumerate(row, start=1):
        key = matcher.match(value)
        if key:
            found[index] = key
    return found


def _two_row_header(
    upper: Sequence[object],
    lower: Sequence[object] | None,
    found: dict[int, str],
    matcher: HeaderMatcher,
) -> tuple[dict[int, str], set[int]] | None:
    """A header written over two rows: the lower row's labels (under a group label such as
    « Effectifs ») and the upper row's where the lower has none (labels merged down). Returns
    the fields by column and the columns named in the upper row; None when the lower row adds
    nothing to the upper, or the upper nothing to the lower (each is then a header alone)."""
    if not lower or any(_number(v) is not None for v in (*upper, *lower)):
        return None
    below = _header_fields(lower, matcher) if any(isinstance(v, str) for v in lower) else {}
    if len(set(below.values())) < 2:
        return None
    from_upper = {c: k for c, k in found.items() if c not in below}
    if not set(from_upper.values()) - set(below.values()):
        return None  # the upper row only repeats or groups what the lower row names
    combined = {**from_upper, **below}
    if not _is_header(combined):
        return None
    if _is_header(found) and len(set(combined.values())) <= len(set(found.values())):
        return None
    return dict(sorted(combined.items())), set(from_upper)


def _is_header(found: dict[int, str]) -> bool:
    keys = set(found.values())
    has_figures = any(FIELD_BY_KEY[k].kind not in (Kind.TEXT, Kind.LEVEL) for k in keys)
    return len(keys) >= _MIN_FIELDS and has_figures


def _is_site_table(keys: Collection[str], sheet: str, config: Config) -> bool:
    """The spec: the header holds the site-table columns (the counts), or the sheet is a
    configured site. Four of the computed rates 1–5 also make a site table (a site keeping
    rates only), a small side table never has that many."""
    counts = sum(1 for k in keys if k in COUNT_KEYS)
    rates = sum(1 for k in keys if FIELD_BY_KEY[k].computed and k != "va")
    return counts >= _SITE_COUNTS or rates >= _SITE_RATES or is_site_name(sheet, config)


_FILLER = frozenset({"ort", "de", "du", "des", "la", "le", "les", "l", "d", "cfa", "site", "sites"})


def _site_words(name: str) -> frozenset[str]:
    """The words that name a site: "ORT LYON 2025" → {lyon}; years and fillers dropped."""
    words = re.findall(r"[a-z]+", fold(name))
    return frozenset(w for w in words if w not in _FILLER)


def is_site_name(sheet: str, config: Config) -> bool:
    """A sheet named after a configured site ("ORT LYON", "Lyon 2025", "Ecole de travail"),
    not merely mentioning it ("Notes Lyon" is a side sheet)."""
    words = _site_words(sheet)
    return bool(words) and any(
        _site_words(site) == words for site in (*config.feuilles_sites, *config.sites)
    )


_TOTAL_WORDS = re.compile(
    r"^(sous[ -]?total|sous[ -]?totaux|total|totaux|ensemble|somme|cumul|moyenne)\b",
    re.IGNORECASE,
)
_SUM_FORMULA = re.compile(
    r"^=\s*\+?\s*(?:SUM|SOMME|SUBTOTAL|SOUS\.TOTAL|AGGREGATE)\s*\((?:\s*\d+\s*[,;])?"
    r"\s*\$?([A-Z]{1,3})\$?(\d+)\s*:\s*\$?([A-Z]{1,3})\$?(\d+)\s*\)\s*$",
    re.I,
)


def find_tables(
    sheet: str,
    grid: Grid,
    config: Config,
    *,
    first_row: int = 1,
    formulas: Mapping[tuple[int, int], str] | None = None,
    merges: Sequence[Merge] | None = None,
    totals_rows: Collection[int] = (),
) -> list[Table]:
    """Every programme table of one sheet; ``grid[0]`` is sheet row ``first_row``.

    ``merges`` is None when the engine cannot tell merged cells (the Excel buttons): then a
    row with no name directly under a named row, with a promotion of its own, is read as
    another cohort of the same programme and reported as such (``Table.guessed_names``).
    """
    matcher = HeaderMatcher(config)
    formulas = formulas or {}
    tables: list[Table] = []
    current: Table | None = None
    header_below = 0  # the lower row of a two-row header, already read
    for offset, row in enumerate(grid):
        number = first_row + offset
        if not row or number == header_below:
            continue
        found = _header_fields(row, matcher) if any(isinstance(v, str) for v in row) else {}
        two = None
        if found:
            lower = grid[offset + 1] if offset + 1 < len(grid) else None
            two = _two_row_header(row, lower, found, matcher)
        if two is not None or (found and _is_header(found)):
            labels: list[Sequence[object]] = [row]
            upper_columns: set[int] = set()
            if two is not None:
                found, upper_columns = two
                header_below = number + 1
                labels = [grid[offset + 1], row]  # the lower row's text first
            current = Table(sheet, header_below if two is not None else number, {})
            current.label_rows = {c: number for c in upper_columns}
            for column, key in found.items():
                if key in current.columns:
                    current.duplicate_headers[column] = key
                else:
                    current.columns[key] = column
            for index in range(1, max(len(line) for line in labels) + 1):
                text = next((v for line in labels if not _blank(v := _cell(line, index))), None)
                if index not in found and text is not None:
                    current.unknown_headers[index] = str(text)
                    if two is not None and _blank(_cell(labels[0], index)):
                        current.label_rows[index] = number
            current.site = _is_site_table(current.columns, sheet, config)
            tables.append(current)
            continue
        if current is None:
            continue
        if len(set(found.values())) >= 2 and not any(_number(v) is not None for v in row):
            current = None  # another table's header (not ours): the current table ended above
            continue
        names = _names(grid, first_row, number, current, merges)
        if number in totals_rows or _has_formula_counts(number, current, formulas):
            why = _total_reason(row, number, current, names, grid, first_row, formulas, totals_rows)
            if why:  # a total whose sums Excel has not computed yet still is a total
                current.total_rows[number] = why
                continue
        if not _is_data_row(row, current, names):
            continue
        why = _total_reason(row, number, current, names, grid, first_row, formulas, totals_rows)
        if why:
            current.total_rows[number] = why
            continue
        if names:
            current.names[number] = names
        current.rows.append(number)
    for table in tables:
        if merges is None:
            _guess_names(table, grid, first_row)
    return tables


_SPREAD = ("formation", "intitule", "promotion", "rncp", "certificateur", "niveau", "cfd")


def _names(
    grid: Grid, first_row: int, number: int, table: Table, merges: Sequence[Merge] | None
) -> dict[str, object]:
    """Identification cells of a row that are blank because they sit under a merged cell."""
    out: dict[str, object] = {}
    if not merges:
        return out
    row = grid[number - first_row]
    for key in _SPREAD:
        column = table.columns.get(key)
        if column is None or not _blank(_cell(row, column)):
            continue
        for top, left, bottom, right in merges:
            if top < number <= bottom and left <= column <= right:
                anchor_row = grid[top - first_row] if 0 <= top - first_row < len(grid) else ()
                value = _cell(anchor_row, left)
                if not _blank(value):
                    out[key] = value
                break
    return out


def _guess_names(table: Table, grid: Grid, first_row: int) -> None:
    """Without merge information: a nameless row right under a named programme row, with a
    promotion of its own, is another cohort of that programme (as a merged cell shows it)."""
    name_columns = [table.columns[k] for k in ("formation", "intitule") if k in table.columns]
    promotion = table.columns.get("promotion")
    if not name_columns or promotion is None:
        return
    named_above: int | None = None  # the row the name of the current run comes from
    previous = None
    for number in table.rows:
        row = grid[number - first_row]
        if any(not _blank(_cell(row, c)) for c in name_columns):
            named_above, previous = number, number
            continue
        if named_above is not None and previous == number - 1:
            if not _blank(_cell(row, promotion)):
                source = grid[named_above - first_row]
                names = table.names.setdefault(number, {})
                for key in ("formation", "intitule"):
                    column = table.columns.get(key)
                    if column is not None and not _blank(_cell(source, column)):
                        names[key] = _cell(source, column)
                table.guessed_names[number] = named_above
                previous = number
                continue
        named_above = previous = None


def _has_formula_counts(number: int, table: Table, formulas: Mapping[tuple[int, int], str]) -> bool:
    return any((number, table.columns[k]) in formulas for k in COUNT_KEYS if k in table.columns)


def _is_data_row(row: Sequence[object], table: Table, names: Mapping[str, object]) -> bool:
    """A programme (or total) row, not a section title, a footnote or a blank line.

    Needs a number in a count column, or an identification with something beside it (two
    identification cells, or one and any figure). A lone text ("Ecole de Travail",
    "Remarque : …") is a label.
    """
    identification = 0
    others = 0
    for key, column in table.columns.items():
        value = _cell(row, column)
        if _blank(value):
            if key in IDENTIFICATION and key in names:
                identification += 1
            continue
        kind = FIELD_BY_KEY[key].kind
        if key in IDENTIFICATION:
            identification += 1
        elif kind is Kind.COUNT and _number(value) is not None:
            return True
        elif not FIELD_BY_KEY[key].computed or _number(value) is not None:
            others += 1
    return identification >= 2 or (identification >= 1 and others >= 1)


def _total_reason(
    row: Sequence[object],
    number: int,
    table: Table,
    names: Mapping[str, object],
    grid: Grid,
    first_row: int,
    formulas: Mapping[tuple[int, int], str],
    totals_rows: Collection[int],
) -> str | None:
    """Why a row is a total and not a programme (None: it is a programme)."""
    if number in totals_rows:
        return "ligne des totaux d'un tableau Excel"
    first_text = next((v for v in row if isinstance(v, str) and v.strip()), None)
    labels = [_cell(row, table.columns[k]) for k in IDENTIFICATION if k in table.columns]
    for text in [*labels, first_text]:
        if isinstance(text, str) and _TOTAL_WORDS.match(fold(text)):
            return f"ligne « {' '.join(text.split())} »"
    counts = {k: table.columns[k] for k in COUNT_KEYS if k in table.columns}
    for column in counts.values():
        formula = formulas.get((number, column))
        match = _SUM_FORMULA.match(formula) if formula else None
        letter = column_letter(column)
        if match and match.group(1).upper() == letter == match.group(3).upper():
            if int(match.group(4)) < number:  # adds up the rows above, in its own column
                return f"formule {formula[:40]} dans les effectifs"
    named = any(
        not _blank(_cell(row, table.columns[k])) or k in names
        for k in ("formation", "intitule", "rncp")
        if k in table.columns
    )
    if named:
        return None
    return _sum_of_rows_above(row, number, table, grid, first_row, counts)


def _sum_of_rows_above(
    row: Sequence[object],
    number: int,
    table: Table,
    grid: Grid,
    first_row: int,
    counts: Mapping[str, int],
) -> str | None:
    """An unlabelled row whose counts add up the programme rows above it (the seed's Toulouse
    « 120 » under its table)."""
    start = max([table.header_row, *(r for r in table.total_rows if r < number)])
    above = [r for r in table.rows if start < r < number]
    if len(above) < 2:
        return None
    matched = 0
    for column in counts.values():
        value = _number(_cell(row, column))
        if value is None:
            if not _blank(_cell(row, column)):
                return None
            continue
        parts = [_number(_cell(grid[r - first_row], column)) for r in above]
        total = sum(p for p in parts if p is not None)
        if sum(1 for p in parts if p is not None) < 2 or abs(total - value) > 1e-9:
            return None
        matched += 1
    if matched == 0:
        return None
    return "somme des lignes au-dessus, sans nom de formation"
