"""Les fonctions ORT_* d'Excel (module déclaré dans « UDF Modules » de xlwings).

Each function is a thin wrapper over the engine: it builds the few input columns it is given,
calls ``engine.compute`` for its one indicator and returns what the workbook would show — a
fraction, or a word (``NC``, a status passed through, ``En attente``…). It never raises into
Excel (xlwings would show a traceback in the cell) and never returns inf, NaN or an error value.

Arguments take what xlwings hands over with ``ndim=2``: one cell arrives as ``[[v]]``, a column
as ``[[v1], [v2], …]``; plain scalars and flat lists work too (tests, Python callers). A whole
column in gives a column out (one array formula per table: the fast way in Excel).

The docstrings and ``doc=`` texts are the French descriptions of Excel's function wizard
(255 characters at most). Parameters carry no type hints on purpose: xlwings would turn a hint
into a converter.
"""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Sequence

import xlwings as xw

from .config import Config, default_config, load_config
from .engine import Outcome, compute
from .errors import OrtkpiError
from .indicators import INDICATOR_BY_NUMBER

CATEGORY = "Indicateurs ORT"
_log = logging.getLogger(__name__)
_MISMATCH = "Plages de tailles différentes"

_CONFIG: Config | None = None


def _config() -> Config:
    """The default settings, or those of the file named by ORTKPI_CONFIG."""
    global _CONFIG
    if _CONFIG is None:
        path = os.environ.get("ORTKPI_CONFIG")
        _CONFIG = load_config(path) if path else default_config()
    return _CONFIG


def _grid(value: object) -> list[list[object]]:
    """Any argument as a list of rows."""
    if isinstance(value, (list, tuple)):
        if not value:
            return [[None]]
        if all(isinstance(v, (list, tuple)) for v in value):
            rows = [list(v) if v else [None] for v in value]
            width = max(len(r) for r in rows)
            return [r + [None] * (width - len(r)) for r in rows]
        return [[v] for v in value]  # a flat list: read as a column
    return [[value]]


def _broadcast(grids: Sequence[list[list[object]]]) -> tuple[int, int] | None:
    shapes = {(len(g), len(g[0])) for g in grids if (len(g), len(g[0])) != (1, 1)}
    if len(shapes) > 1:
        return None
    return shapes.pop() if shapes else (1, 1)


def _shown(value: float | None, outcome: Outcome, text: object, config: Config) -> float | str:
    kept = outcome in (Outcome.VALUE, Outcome.TYPED)  # a typed rate is shown as typed
    if kept and isinstance(value, float) and math.isfinite(value):
        return value
    if outcome is Outcome.EMPTY:
        return ""
    return str(text) if text else config.mots.non_calculable


def _evaluate(number: int, arguments: dict[str, object], explain: bool = False) -> object:
    """Compute indicator ``number`` over the given arguments; never raises."""
    try:
        config = _config()
        indicator = INDICATOR_BY_NUMBER[number]
        grids = {key: _grid(value) for key, value in arguments.items()}
        shape = _broadcast(list(grids.values()))
        if shape is None:
            return _MISMATCH
        rows, cols = shape
        columns: dict[str, list[object]] = {}
        for key, grid in grids.items():
            if (len(grid), len(grid[0])) == (1, 1):
                columns[key] = [grid[0][0]] * (rows * cols)
            else:
                columns[key] = [cell for line in grid for cell in line]
        results = compute(columns, config, indicators=[indicator]).results(indicator.key)
        if explain:
            flat = [
                r.note or ("Valeur calculée." if r.outcome is Outcome.VALUE else "")
                for r in results
            ]
        else:
            flat = [_shown(r.value, r.outcome, r.text, config) for r in results]
        if (rows, cols) == (1, 1):
            return flat[0]
        return [flat[r * cols : (r + 1) * cols] for r in range(rows)]
    except OrtkpiError as exc:
        return str(exc)[:255]
    except Exception:  # noqa: BLE001 - a cell must never show a traceback
        _log.exception("ORT_* function failed")
        return "Erreur interne d'ortkpi-xl : voir le journal"


_DOC_ENTRANTS = "Nombre d'apprentis entrés en formation (cellule ou colonne)"
_DOC_PRESENTES = "Nombre de candidats présentés à l'examen (cellule ou colonne)"


@xw.func(category=CATEGORY)
@xw.arg("presentes", ndim=2, doc=_DOC_PRESENTES)
@xw.arg("entrants", ndim=2, doc=_DOC_ENTRANTS)
def ORT_TAUX_PRESENTATION(presentes, entrants):
    """Indicateur 1 : présentés à l'examen / entrants en formation. Renvoie NC si le nombre d'entrants est nul ou manquant, et reprend un statut saisi (« en cours »)."""  # noqa: E501
    return _evaluate(1, {"presentes": presentes, "entrants": entrants})


@xw.func(category=CATEGORY)
@xw.arg("interruptions", ndim=2, doc="Nombre d'interruptions de contrat en cours de formation")
@xw.arg("entrants", ndim=2, doc=_DOC_ENTRANTS)
def ORT_TAUX_INTERRUPTION(interruptions, entrants):
    """Indicateur 2 : interruptions en cours de formation / entrants (taux de rupture brut). Renvoie NC si le nombre d'entrants est nul ou manquant."""  # noqa: E501
    return _evaluate(2, {"interruptions": interruptions, "entrants": entrants})


@xw.func(category=CATEGORY)
@xw.arg(
    "ruptures",
    ndim=2,
    doc="Nombre de ruptures nettes (sans diplôme ni nouveau contrat sous 180 jours)",
)  # noqa: E501
@xw.arg("entrants", ndim=2, doc=_DOC_ENTRANTS)
def ORT_TAUX_RUPTURE(ruptures, entrants):
    """Indicateur 3 : ruptures nettes / entrants (taux d'abandon). Renvoie NC si le nombre d'entrants est nul ou manquant."""  # noqa: E501
    return _evaluate(3, {"ruptures": ruptures, "entrants": entrants})


@xw.func(category=CATEGORY)
@xw.arg("reussis", ndim=2, doc="Nombre de candidats ayant obtenu la certification")
@xw.arg("presentes", ndim=2, doc=_DOC_PRESENTES)
def ORT_TAUX_OBTENTION(reussis, presentes):
    """Indicateur 4 : reçus / présentés à l'examen. Renvoie NC si aucun présenté, et reprend un statut saisi (« en cours d'acquisition »)."""  # noqa: E501
    return _evaluate(4, {"reussis": reussis, "presentes": presentes})


@xw.func(category=CATEGORY)
@xw.arg("poursuivants", ndim=2, doc="Nombre de répondants qui poursuivent leurs études")
@xw.arg("repondants", ndim=2, doc="Nombre de répondants à l'enquête (vide : les présentés)")
@xw.arg("presentes", ndim=2, doc="Facultatif : présentés, utilisés si les répondants sont vides")  # noqa: E501
def ORT_TAUX_POURSUITE(poursuivants, repondants, presentes=None):
    """Indicateur 5 : poursuites d'études / répondants à l'enquête (répondants vides : présentés à l'examen). Renvoie NC si le dénominateur est nul ou manquant."""  # noqa: E501
    return _evaluate(
        5, {"poursuivants": poursuivants, "repondants": repondants, "presentes": presentes}
    )


@xw.func(category=CATEGORY)
@xw.arg("taux_insertion", ndim=2, doc="Taux d'insertion global dans l'emploi (indicateur 10)")
@xw.arg("taux_reference", ndim=2, doc="Taux d'insertion moyen du certificateur")
@xw.arg("entrants", ndim=2, doc="Facultatif : entrants, pour reconnaître une petite promotion")
def ORT_VALEUR_AJOUTEE(taux_insertion, taux_reference, entrants=None):
    """Indicateur 9 (définition ORT) : taux d'insertion dans l'emploi moins le taux moyen du certificateur, en points. Ce n'est pas la VA officielle d'InserJeunes (par établissement)."""  # noqa: E501
    return _evaluate(
        9,
        {
            "insertion_emploi": taux_insertion,
            "insertion_reference": taux_reference,
            "entrants": entrants,
        },
    )


_EXPLAINED = {
    1: ("presentes", "entrants"),
    2: ("interruptions", "entrants"),
    3: ("ruptures", "entrants"),
    4: ("reussis", "presentes"),
    5: ("poursuivants", "repondants"),
    9: ("insertion_emploi", "insertion_reference"),
}


@xw.func(category=CATEGORY)
@xw.arg("numero", doc="Numéro de l'indicateur : 1, 2, 3, 4, 5 ou 9")
@xw.arg("numerateur", ndim=2, doc="Numérateur (ou taux d'insertion pour l'indicateur 9)")
@xw.arg("denominateur", ndim=2, doc="Dénominateur (ou taux du certificateur pour le 9)")
def ORT_EXPLICATION(numero, numerateur, denominateur):
    """Explique en clair le résultat d'un indicateur : pourquoi il vaut NC, un statut ou « En attente ». Renvoie « Valeur calculée. » quand le taux est calculé."""  # noqa: E501
    try:
        number = int(float(_grid(numero)[0][0]))  # one cell, even when handed as [[n]]
    except (TypeError, ValueError, OverflowError):
        number = 0
    if number not in _EXPLAINED:
        return "Numéro d'indicateur attendu : 1, 2, 3, 4, 5 ou 9."
    first, second = _EXPLAINED[number]
    return _evaluate(number, {first: numerateur, second: denominateur}, explain=True)
