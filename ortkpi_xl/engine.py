"""The indicator engine: rows of raw inputs in, one outcome per row and indicator out.

No Excel and no file here. The workbook adapters, the ORT_* functions, the validator and the
reports all call ``compute`` and use what it returns, so every figure has one definition.

An outcome is a value or a reason there is none: not computable (and why), a status word passed
through from an input, a small cohort, or a figure still expected from outside (pending).

Plain Python on purpose (no pandas, no numpy): the same code runs behind the Excel buttons and
the ``ORT_*`` functions, in xlwings Lite's Pyodide too, and a click must not pay for importing
a data-frame library. A row is a handful of divisions; lists are fast enough.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum

from .cells import CellReader, Reading, State
from .config import Config, default_config
from .fields import ALL_FIELDS, FIELD_BY_KEY, Kind
from .indicators import INDICATOR_BY_KEY, INDICATORS, Indicator, Rule
from .normalize import fold

Locate = Callable[[int, str], "str | None"]


class Outcome(str, Enum):
    VALUE = "valeur"
    NOT_COMPUTABLE = "non_calculable"
    STATUS = "statut"  # a status word of an input, shown as it was typed
    SMALL_COHORT = "petit_effectif"
    PENDING = "en_attente"  # expected from InserJeunes, the certificateur or the survey
    EMPTY = "vide"  # an optional figure nobody gave (survey marks): nothing to show
    # A figure a person typed in the indicator's own cell, kept because no counts are behind
    # it (a "taux saisi sans effectifs"): shown as typed, never pooled, published with
    # "effectifs non fournis". ``value`` holds the number, ``note`` says so.
    TYPED = "saisi"


_NUMBERED = (Outcome.VALUE, Outcome.TYPED)


@dataclass(frozen=True, slots=True)
class Result:
    """One indicator of one row, as shown in a cell."""

    outcome: Outcome
    value: float | None
    text: str | None  # the word shown when there is no value
    note: str  # French explanation ('' for a plain value)

    @property
    def shown(self) -> float | str | None:
        return self.value if self.outcome in _NUMBERED else self.text


_EMPTY = Result(Outcome.EMPTY, None, None, "")
_BLANK = Reading(State.BLANK)


@dataclass
class Computation:
    """Everything computed for a set of rows, once."""

    rows: int
    readings: dict[str, list[Reading]]  # field key → one reading per row (present fields)
    columns: dict[str, list[Result]]  # indicator key → one result per row
    levels: list[int | None]  # qualification level given or inferred
    small_cohort: list[bool]  # per row: entrants known and below the threshold
    config: Config
    # field key → row → the site's own column a figure was taken from (e.g. 10 from the
    # seed's "Chiffres issus de Inserjeunes"), for notes and reports
    provenance: dict[str, dict[int, str]] = field(default_factory=dict)

    def result(self, row: int, key: str) -> Result:
        column = self.columns.get(key)
        return column[row] if column is not None else _EMPTY

    def results(self, key: str) -> list[Result]:
        """Every row's result for one indicator, in row order."""
        return list(self.columns.get(key) or [_EMPTY] * self.rows)

    def count(self, outcome: Outcome, key: str) -> int:
        return sum(1 for r in self.columns.get(key, ()) if r.outcome is outcome)

    def reading(self, row: int, key: str) -> Reading:
        column = self.readings.get(key)
        return column[row] if column is not None else _BLANK

    def with_results(self, overrides: Mapping[str, Mapping[int, Result]]) -> Computation:
        """The same rows with some results replaced (what the cells show once a person's
        figures are kept, see ``ownership``)."""
        columns = dict(self.columns)
        for key, by_row in overrides.items():
            if by_row:
                column = list(columns[key])
                for row, result in by_row.items():
                    column[row] = result
                columns[key] = column
        return Computation(
            self.rows,
            self.readings,
            columns,
            self.levels,
            self.small_cohort,
            self.config,
            self.provenance,
        )


# ---------------------------------------------------------------------------------------------


def _as_columns(rows: object) -> dict[str, list[object]]:
    if isinstance(rows, Mapping):
        return {str(k): list(v) for k, v in rows.items()}
    columns = getattr(rows, "columns", None)  # a pandas DataFrame, without importing pandas
    if columns is not None:
        return {str(k): list(rows[k]) for k in columns}  # type: ignore[index]
    raise TypeError("compute() attend un dictionnaire colonne → valeurs")


def compute(
    rows: Mapping[str, Sequence[object]] | object,
    config: Config | None = None,
    *,
    locate: Locate | None = None,
    indicators: Iterable[Indicator] = INDICATORS,
    formats: Mapping[str, Sequence[str | None]] | None = None,
) -> Computation:
    """Compute every indicator for every row.

    ``rows`` maps field keys of ``fields.ALL_FIELDS`` (any subset; a missing column counts as
    blank) to raw cell values, one per row. ``formats`` optionally gives each cell's number
    format (a rate of 1.2 in a percentage cell shows 120 %, in a General cell it means 1,2 %);
    ``None`` where the engine cannot know it. ``locate(row, field)`` gives the A1 address of a
    cell, used in the notes; without it the notes name the fields only.
    """
    config = config or default_config()
    data = _as_columns(rows)
    n = max((len(v) for v in data.values()), default=0)
    reader = CellReader(config)
    readings: dict[str, list[Reading]] = {}
    for f in ALL_FIELDS:
        values = data.get(f.key)
        if values is None:
            continue
        fmts = (formats or {}).get(f.key)
        if fmts is None:
            readings[f.key] = [reader.read(v, f.kind) for v in values]
        else:
            readings[f.key] = [
                reader.read(v, f.kind, fmt) for v, fmt in zip(values, fmts, strict=False)
            ]
    ctx = _Context(n, readings, config, locate)
    columns: dict[str, list[Result]] = {}
    wanted = list(indicators)
    # 10 first: 9 reads the insertion rate as the row shows it (the site's own column included)
    for ind in sorted(wanted, key=lambda i: i.key != "insertion_emploi"):
        columns[ind.key] = _evaluate(ind, ctx)
    ordered = {ind.key: columns[ind.key] for ind in wanted}
    return Computation(n, readings, ordered, ctx.levels, ctx.small, config, ctx.provenance)


class _Context:
    def __init__(
        self, n: int, readings: dict[str, list[Reading]], config: Config, locate: Locate | None
    ):
        self.n = n
        self.readings = readings
        self.config = config
        self.locate = locate
        self._levels_by_text: dict[str, int | None] = {}
        self.entrants = self.numbers("entrants")
        threshold = config.seuil_petit_effectif
        self.small = [e is not None and e < threshold for e in self.entrants]
        self.levels = [self._level(i) for i in range(n)]
        self.provenance: dict[str, dict[int, str]] = {}
        self.insertion: list[Reading] | None = None  # 10 as the row shows it, once evaluated

    def column(self, key: str) -> list[Reading]:
        column = self.readings.get(key)
        if column is None:
            column = self._blank_column
            if len(column) != self.n:
                column = self._blank_column = [_BLANK] * self.n
        return column

    _blank_column: list[Reading] = []

    def numbers(self, key: str) -> list[float | None]:
        column = self.readings.get(key)
        if column is None:
            return [None] * self.n
        return [r.number if r.state is State.NUMBER else None for r in column]

    def where(self, row: int, key: str) -> str:
        address = self.locate(row, key) if self.locate else None
        return f" ({address})" if address else ""

    def _level(self, row: int) -> int | None:
        given = self.column("niveau")[row]  # (the column lists are built once: see column)
        if given.state is State.NUMBER and given.number is not None:
            return int(given.number)
        for key in ("formation", "intitule"):
            text = self.column(key)[row].text
            if text:
                level = self._level_of(text)
                if level:
                    return level
        return None

    def _level_of(self, text: str) -> int | None:
        """The qualification level a programme code starts with ("BTS OL 2" → 5)."""
        known = self._levels_by_text.get(text, 0)
        if known == 0:
            words = [w for w in re.split(r"[^0-9a-z]+", fold(text)) if w]
            known = self.config.niveaux_par_formation.get(words[0]) if words else None
            self._levels_by_text[text] = known
        return known


_NOUN = {
    "entrants": "nombre d'entrants",
    "presentes": "nombre de présentés à l'examen",
    "interruptions": "nombre d'interruptions",
    "ruptures": "nombre de ruptures nettes",
    "reussis": "nombre de reçus",
    "repondants": "nombre de répondants",
    "poursuivants": "nombre de poursuites d'études",
    "insertion_emploi": "taux d'insertion dans l'emploi (10)",
    "insertion_reference": "taux d'insertion moyen du certificateur",
}


def _noun(key: str) -> str:
    return _NOUN.get(key, FIELD_BY_KEY[key].label)


def _unusable(reading: Reading, key: str, row: int, ctx: _Context) -> Result:
    """Outcome for an input that is a status, an error or unreadable."""
    where = ctx.where(row, key)
    nc = ctx.config.mots.non_calculable
    if reading.state is State.STATUS:
        return Result(
            Outcome.STATUS,
            None,
            reading.text or nc,
            f"Statut « {reading.text} » saisi pour le {_noun(key)}{where} : repris tel quel.",
        )
    if reading.state is State.ERROR:
        return Result(
            Outcome.NOT_COMPUTABLE,
            None,
            nc,
            f"Le {_noun(key)}{where} contient une erreur ({reading.text}) : corrigez la cellule.",
        )
    return Result(
        Outcome.NOT_COMPUTABLE, None, nc, f"Le {_noun(key)}{where} est illisible : {reading.note}."
    )


_UNUSABLE = (State.STATUS, State.ERROR, State.INVALID, State.TEXT)


def _evaluate(ind: Indicator, ctx: _Context) -> list[Result]:
    if ind.rule is Rule.RATIO:
        return _ratio(ind, ctx)
    if ind.rule is Rule.DIFFERENCE:
        return _difference(ind, ctx)
    return _typed(ind, ctx)


def _ratio(ind: Indicator, ctx: _Context) -> list[Result]:
    assert ind.numerator and ind.denominator
    num_r = ctx.column(ind.numerator)
    den_r = ctx.column(ind.denominator)
    fallback = ctx.column(ind.fallback_denominator) if ind.fallback_denominator else None
    nc = ctx.config.mots.non_calculable
    out: list[Result] = []
    for row in range(ctx.n):
        n_r, d_r, dk = num_r[row], den_r[row], ind.denominator
        if fallback is not None and d_r.missing:
            d_r, dk = fallback[row], ind.fallback_denominator or dk
        num, den = n_r.number, d_r.number
        if (
            n_r.state is State.NUMBER
            and d_r.state is State.NUMBER
            and num is not None
            and den is not None
            and den > 0
        ):
            out.append(Result(Outcome.VALUE, num / den, None, ""))
            continue
        for reading, key in ((n_r, ind.numerator), (d_r, dk)):
            if reading.state in _UNUSABLE:
                out.append(_unusable(reading, key, row, ctx))
                break
        else:
            where = ctx.where(row, dk)
            if d_r.missing:
                extra = " (ni répondants ni présentés)" if dk == ind.fallback_denominator else ""
                note = f"Taux non calculable : {_noun(dk)}{where} manquant{extra}."
            elif d_r.number == 0:
                note = f"Taux non calculable : {_noun(dk)}{where} égal à 0."
            else:
                note = (
                    f"Taux non calculable : {_noun(ind.numerator)}"
                    f"{ctx.where(row, ind.numerator)} manquant."
                )
            out.append(Result(Outcome.NOT_COMPUTABLE, None, nc, note))
    return out


# A site's own columns that stand in for an indicator the published column does not show yet
# (the seed's Ecole de Travail: "*9 EDT calcul…" for 9, "Chiffres issus de Inserjeunes" for 10).
_SITE_INPUT = {"va": "va_site", "insertion_emploi": "insertion_site"}


def _from_site(ind: Indicator, row: int, ctx: _Context) -> Result | None:
    """The figure the site typed in its own column for this indicator, if any."""
    key = _SITE_INPUT.get(ind.key)
    reading = ctx.column(key)[row] if key else _BLANK
    if key is None or reading.state is not State.NUMBER or reading.number is None:
        return None
    where = ctx.where(row, key)
    ctx.provenance.setdefault(ind.key, {})[row] = key
    label = FIELD_BY_KEY[key].label
    return Result(
        Outcome.VALUE,
        reading.number,
        None,
        f"Repris de la colonne « {label} »{where}, saisie par le site.",
    )


def _difference(ind: Indicator, ctx: _Context) -> list[Result]:
    assert ind.numerator and ind.denominator
    a_r = ctx.insertion if ind.numerator == "insertion_emploi" and ctx.insertion else None
    a_r = a_r or ctx.column(ind.numerator)
    b_r = ctx.column(ind.denominator)
    out: list[Result] = []
    for row in range(ctx.n):
        a, b = a_r[row], b_r[row]
        if a.state is State.NUMBER and b.state is State.NUMBER and a.number is not None:
            assert b.number is not None
            out.append(Result(Outcome.VALUE, round(a.number - b.number, 12), None, ""))
            continue
        site = _from_site(ind, row, ctx)
        if site is not None:
            out.append(site)
            continue
        for reading, key in ((a, ind.numerator), (b, ind.denominator)):
            if reading.state in _UNUSABLE:
                out.append(_unusable(reading, key, row, ctx))
                break
        else:
            missing = [k for k, r in ((ind.numerator, a), (ind.denominator, b)) if r.missing]
            out.append(_missing(row, ind, ctx, missing))
    return out


def _typed(ind: Indicator, ctx: _Context) -> list[Result]:
    readings = ctx.column(ind.key)
    out: list[Result] = []
    shown: list[Reading] = []
    for row, reading in enumerate(readings):
        if reading.state is State.NUMBER:
            out.append(Result(Outcome.VALUE, reading.number, None, ""))
        elif reading.missing:
            site = _from_site(ind, row, ctx)
            if site is not None:
                out.append(site)
                reading = Reading(State.NUMBER, site.value)
            elif ind.external:
                out.append(_missing(row, ind, ctx, [ind.key]))
            else:
                out.append(_EMPTY)
        else:
            out.append(_unusable(reading, ind.key, row, ctx))
        shown.append(reading)
    if ind.key == "insertion_emploi":
        ctx.insertion = shown
    return out


_WHAT = {
    "insertion_emploi": "taux d'insertion dans l'emploi",
    "insertion_metier": "taux d'insertion dans le métier",
    "insertion_reference": "taux d'insertion moyen du certificateur",
}


def _missing(row: int, ind: Indicator, ctx: _Context, missing: list[str]) -> Result:
    """A figure of 9–11 is missing: small cohort, or pending with where it will come from."""
    words = ctx.config.mots
    if ctx.small[row]:
        count = int(ctx.entrants[row] or 0)
        return Result(
            Outcome.SMALL_COHORT,
            None,
            words.petit_effectif,
            f"Promotion de {count} entrant{'s' if count > 1 else ''}, moins de "
            f"{ctx.config.seuil_petit_effectif} : indicateur non exigé.",
        )
    parts = []
    for key in missing:
        if key == "insertion_reference":
            source = "le certificateur, taux moyen de la certification"
        else:
            target = INDICATOR_BY_KEY[key]
            source = pending_source(target, ctx.levels[row], ctx.entrants[row], ctx.config)
        parts.append(f"En attente du {_WHAT[key]} — source : {source}.")
    return Result(Outcome.PENDING, None, words.en_attente, " ".join(parts))


def pending_source(
    ind: Indicator, level: int | None, entrants: float | None, config: Config
) -> str:
    """Where a missing figure of indicator 9, 10 or 11 will come from, in French."""
    rules = config.inserjeunes
    others = rules.source_autres_niveaux
    if ind.number == 11:
        return f"{rules.source_indicateur_11} ; InserJeunes ne publie pas cet indicateur"
    if ind.number not in rules.indicateurs:
        return others
    span = f"niveaux {rules.niveaux[0]} à {rules.niveaux[-1]}" if rules.niveaux else "aucun"
    if level is None:
        return (
            f"InserJeunes pour un CAP à BTS ({span}, à partir de {rules.seuil_diffusion} "
            f"sortants), à défaut : {others} ; indiquez le niveau de qualification"
        )
    if level not in rules.niveaux:
        return f"{others} ; InserJeunes ne couvre pas le niveau {level}"
    if entrants is not None and not math.isnan(entrants) and entrants < rules.seuil_diffusion:
        return (
            f"{others} ; InserJeunes ne publie ce taux qu'à partir de "
            f"{rules.seuil_diffusion} sortants sur deux promotions, {int(entrants)} "
            "entrants ici"
        )
    return (
        f"InserJeunes (niveau {level}, publié à partir de {rules.seuil_diffusion} "
        f"sortants) ; à défaut : {others}"
    )


def kind_of(key: str) -> Kind:
    return FIELD_BY_KEY[key].kind
