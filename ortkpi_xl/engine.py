"""The indicator engine: rows of raw inputs in, one outcome per row and indicator out.

No Excel and no file here. The workbook adapters, the ORT_* functions, the validator and the
reports all call ``compute`` and use what it returns, so every figure has one definition.

An outcome is a value or a reason there is none: not computable (and why), a status word passed
through from an input, a small cohort, or a figure still expected from outside (pending).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import Enum

import numpy as np
import pandas as pd

from .cells import CellReader, Reading, State
from .config import Config, default_config
from .fields import FIELD_BY_KEY, FIELDS, Kind
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


@dataclass(frozen=True)
class Result:
    """One indicator of one row, as shown in a cell."""

    outcome: Outcome
    value: float | None
    text: str | None  # the word shown when there is no value
    note: str  # French explanation ('' for a plain value)

    @property
    def shown(self) -> float | str | None:
        return self.value if self.outcome is Outcome.VALUE else self.text


@dataclass
class Computation:
    """Everything computed for a set of rows, once."""

    rows: int
    readings: dict[str, list[Reading]]  # field key → one reading per row (present fields)
    outcomes: dict[str, pd.DataFrame]  # indicator key → columns value, outcome, text, note
    levels: list[int | None]  # qualification level given or inferred
    small_cohort: np.ndarray  # bool per row: entrants known and below the threshold
    config: Config

    def result(self, row: int, key: str) -> Result:
        values, outcomes, texts, notes = self._columns(key)
        outcome = Outcome(outcomes[row])
        return Result(
            outcome,
            float(values[row]) if outcome in (Outcome.VALUE, Outcome.TYPED) else None,
            texts[row],
            notes[row],
        )

    def _columns(self, key: str) -> tuple[list, list, list, list]:
        """The outcome frame of one indicator as plain lists (per-cell pandas access is slow)."""
        cache = self.__dict__.setdefault("_lists", {})
        if key not in cache:
            frame = self.outcomes[key]
            cache[key] = tuple(frame[c].tolist() for c in ("value", "outcome", "text", "note"))
        return cache[key]

    def results(self, key: str) -> list[Result]:
        """Every row's result for one indicator, in row order."""
        return [self.result(row, key) for row in range(self.rows)]

    def reading(self, row: int, key: str) -> Reading:
        column = self.readings.get(key)
        return column[row] if column is not None else Reading(State.BLANK)


# ---------------------------------------------------------------------------------------------


def compute(
    rows: pd.DataFrame | dict[str, Sequence[object]],
    config: Config | None = None,
    *,
    locate: Locate | None = None,
    indicators: Iterable[Indicator] = INDICATORS,
) -> Computation:
    """Compute every indicator for every row.

    ``rows`` has one column per field key of ``fields.FIELDS`` (any subset; a missing column
    counts as blank) holding raw cell values. ``locate(row, field)`` gives the A1 address of a
    cell, used in the notes; without it the notes name the fields only.
    """
    config = config or default_config()
    frame = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(dict(rows))
    n = len(frame)
    reader = CellReader(config)
    readings: dict[str, list[Reading]] = {}
    for field in FIELDS:
        if field.key in frame.columns:
            readings[field.key] = [reader.read(v, field.kind) for v in frame[field.key].tolist()]
    ctx = _Context(n, readings, config, locate)
    outcomes = {ind.key: _evaluate(ind, ctx) for ind in indicators}
    return Computation(n, readings, outcomes, ctx.levels, ctx.small, config)


class _Context:
    def __init__(
        self, n: int, readings: dict[str, list[Reading]], config: Config, locate: Locate | None
    ):
        self.n = n
        self.readings = readings
        self.config = config
        self.locate = locate
        entrants = self.numbers("entrants")
        self.small = ~np.isnan(entrants) & (entrants < config.seuil_petit_effectif)
        self.entrants = entrants
        self.levels = [self._level(i) for i in range(n)]

    def column(self, key: str) -> list[Reading]:
        return self.readings.get(key) or [Reading(State.BLANK)] * self.n

    def numbers(self, key: str) -> np.ndarray:
        column = self.readings.get(key)
        if column is None:
            return np.full(self.n, np.nan)
        return np.array(
            [r.number if r.state is State.NUMBER else np.nan for r in column], dtype=float
        )

    def where(self, row: int, key: str) -> str:
        address = self.locate(row, key) if self.locate else None
        return f" ({address})" if address else ""

    def _level(self, row: int) -> int | None:
        given = self.column("niveau")[row]
        if given.state is State.NUMBER:
            return int(given.number)
        for key in ("formation", "intitule"):
            text = self.column(key)[row].text
            if text:
                words = [w for w in re.split(r"[^0-9a-z]+", fold(text)) if w]
                level = self.config.niveaux_par_formation.get(words[0]) if words else None
                if level:
                    return level
        return None


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


def _unusable(reading: Reading, key: str, row: int, ctx: _Context) -> tuple[Outcome, str, str]:
    """Outcome for an input that is a status, an error or unreadable."""
    where = ctx.where(row, key)
    nc = ctx.config.mots.non_calculable
    if reading.state is State.STATUS:
        return (
            Outcome.STATUS,
            reading.text or nc,
            f"Statut « {reading.text} » saisi pour le {_noun(key)}{where} : repris tel quel.",
        )
    if reading.state is State.ERROR:
        return (
            Outcome.NOT_COMPUTABLE,
            nc,
            f"Le {_noun(key)}{where} contient une erreur ({reading.text}) : corrigez la cellule.",
        )
    return Outcome.NOT_COMPUTABLE, nc, f"Le {_noun(key)}{where} est illisible : {reading.note}."


def _frame(n: int) -> dict[str, list]:
    return {
        "value": [np.nan] * n,
        "outcome": [Outcome.VALUE.value] * n,
        "text": [None] * n,
        "note": [""] * n,
    }


def _set(cols: dict[str, list], row: int, outcome: Outcome, text: str | None, note: str) -> None:
    cols["outcome"][row] = outcome.value
    cols["text"][row] = text
    cols["note"][row] = note
    cols["value"][row] = np.nan


def _evaluate(ind: Indicator, ctx: _Context) -> pd.DataFrame:
    if ind.rule is Rule.RATIO:
        return _ratio(ind, ctx)
    if ind.rule is Rule.DIFFERENCE:
        return _difference(ind, ctx)
    return _typed(ind, ctx)


def _ratio(ind: Indicator, ctx: _Context) -> pd.DataFrame:
    assert ind.numerator and ind.denominator
    num_r = ctx.column(ind.numerator)
    den_r = ctx.column(ind.denominator)
    den_key = [ind.denominator] * ctx.n
    if ind.fallback_denominator:
        fallback = ctx.column(ind.fallback_denominator)
        den_r = list(den_r)
        for i, r in enumerate(den_r):
            if r.missing:
                den_r[i] = fallback[i]
                den_key[i] = ind.fallback_denominator
    num = np.array([r.number if r.state is State.NUMBER else np.nan for r in num_r])
    den = np.array([r.number if r.state is State.NUMBER else np.nan for r in den_r])
    ok = (den > 0) & ~np.isnan(num)
    with np.errstate(divide="ignore", invalid="ignore"):
        values = np.where(ok, num / np.where(ok, den, 1.0), np.nan)
    cols = _frame(ctx.n)
    cols["value"] = values.tolist()
    nc = ctx.config.mots.non_calculable
    for row in np.flatnonzero(~ok).tolist():
        n_r, d_r, dk = num_r[row], den_r[row], den_key[row]
        for reading, key in ((n_r, ind.numerator), (d_r, dk)):
            if reading.state in (State.STATUS, State.ERROR, State.INVALID, State.TEXT):
                _set(cols, row, *_unusable(reading, key, row, ctx))
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
            _set(cols, row, Outcome.NOT_COMPUTABLE, nc, note)
    return pd.DataFrame(cols)


def _difference(ind: Indicator, ctx: _Context) -> pd.DataFrame:
    assert ind.numerator and ind.denominator
    a_r, b_r = ctx.column(ind.numerator), ctx.column(ind.denominator)
    a, b = ctx.numbers(ind.numerator), ctx.numbers(ind.denominator)
    ok = ~np.isnan(a) & ~np.isnan(b)
    cols = _frame(ctx.n)
    cols["value"] = np.where(ok, np.round(a - b, 12), np.nan).tolist()
    for row in np.flatnonzero(~ok).tolist():
        for reading, key in ((a_r[row], ind.numerator), (b_r[row], ind.denominator)):
            if reading.state in (State.STATUS, State.ERROR, State.INVALID, State.TEXT):
                _set(cols, row, *_unusable(reading, key, row, ctx))
                break
        else:
            missing = [
                k for k, r in ((ind.numerator, a_r[row]), (ind.denominator, b_r[row])) if r.missing
            ]
            _missing(cols, row, ind, ctx, missing)
    return pd.DataFrame(cols)


def _typed(ind: Indicator, ctx: _Context) -> pd.DataFrame:
    readings = ctx.column(ind.key)
    cols = _frame(ctx.n)
    for row, reading in enumerate(readings):
        if reading.state is State.NUMBER:
            cols["value"][row] = reading.number
        elif reading.missing:
            if ind.external:
                _missing(cols, row, ind, ctx, [ind.key])
            else:
                _set(cols, row, Outcome.EMPTY, None, "")
        else:
            _set(cols, row, *_unusable(reading, ind.key, row, ctx))
    return pd.DataFrame(cols)


_WHAT = {
    "insertion_emploi": "taux d'insertion dans l'emploi",
    "insertion_metier": "taux d'insertion dans le métier",
    "insertion_reference": "taux d'insertion moyen du certificateur",
}


def _missing(
    cols: dict[str, list], row: int, ind: Indicator, ctx: _Context, missing: list[str]
) -> None:
    """A figure of 9–11 is missing: small cohort, or pending with where it will come from."""
    words = ctx.config.mots
    if ctx.small[row]:
        count = int(ctx.entrants[row])
        _set(
            cols,
            row,
            Outcome.SMALL_COHORT,
            words.petit_effectif,
            f"Promotion de {count} entrant{'s' if count > 1 else ''}, moins de "
            f"{ctx.config.seuil_petit_effectif} : indicateur non exigé.",
        )
        return
    parts = []
    for key in missing:
        if key == "insertion_reference":
            source = "le certificateur, taux moyen de la certification"
        else:
            target = INDICATOR_BY_KEY[key]
            source = pending_source(target, ctx.levels[row], ctx.entrants[row], ctx.config)
        parts.append(f"En attente du {_WHAT[key]} — source : {source}.")
    _set(cols, row, Outcome.PENDING, words.en_attente, " ".join(parts))


def pending_source(ind: Indicator, level: int | None, entrants: float, config: Config) -> str:
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
    if not np.isnan(entrants) and entrants < rules.seuil_diffusion:
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
