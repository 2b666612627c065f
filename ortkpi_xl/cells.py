"""Reading what a person typed in a cell.

A cell holds a number, nothing, a status word ("en cours d'acquisition"), one of the tool's own
words, an error value, or something unreadable. Each raw value (as openpyxl or xlwings hand it
over) becomes one ``Reading`` that says which, with the number it means and, when the value had
to be interpreted or could not be read, a French note saying so. Nothing is guessed silently.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache

from .config import Config
from .fields import Kind
from .formatting import format_number, format_percent
from .normalize import clean_spaces, fold, label_key


class State(str, Enum):
    NUMBER = "nombre"
    BLANK = "vide"
    TEXT = "texte"  # free text of an identification column (formation, promotion…)
    STATUS = "statut"  # a status word typed by a person: passes through to the indicators
    MARKER = "mot_outil"  # a word the tool itself wrote (en attente, petit effectif): as blank
    ERROR = "erreur"  # an Excel error value (#DIV/0!, #REF!…)
    INVALID = "illisible"


@dataclass(frozen=True)
class Reading:
    state: State
    number: float | None = None
    text: str | None = None  # the status word, error value or unreadable text, as typed
    note: str = ""  # French: why unreadable, or how the value was interpreted
    interpreted: bool = False  # the number was read from text or converted from points
    doubtful: bool = False  # a stored number read as points: the cell may show it otherwise

    @property
    def usable(self) -> bool:
        return self.state is State.NUMBER

    @property
    def missing(self) -> bool:
        return self.state in (State.BLANK, State.MARKER)


BLANK = Reading(State.BLANK)
EXCEL_ERRORS = frozenset(
    {
        "#DIV/0!",
        "#N/A",
        "#NAME?",
        "#NULL!",
        "#NUM!",
        "#REF!",
        "#VALUE!",
        "#SPILL!",
        "#CALC!",
        "#GETTING_DATA",
        "#FIELD!",
        "#BLOCKED!",
        "#UNKNOWN!",
        "#CONNECT!",
        "#BUSY!",
    }
)
_NUMBER_TEXT = re.compile(
    r"^(?P<sign>[+\-\u2212])?\s*(?P<int>\d{1,3}(?: \d{3})+|\d*)(?:[.,](?P<frac>\d+))?\s*"
    r"(?P<pct>%)?$"
)
_MARK_SUFFIX = re.compile(r"\s*(?:/\s*5|sur\s*5)\s*$", re.IGNORECASE)


def _parse_number_text(text: str) -> tuple[float, bool] | None:
    """'84,2 %' → (0.842… as 84.2, True); '1 234' → (1234.0, False); garbage → None."""
    match = _NUMBER_TEXT.match(text)
    if not match or not (match.group("int") or match.group("frac")):
        return None
    digits = (match.group("int") or "0").replace(" ", "")
    number = float(f"{digits}.{match.group('frac') or '0'}")
    if match.group("sign") in ("-", "\u2212"):
        number = -number
    return number, bool(match.group("pct"))


class CellReader:
    """Turns raw cell values into ``Reading``s with the words of one configuration."""

    def __init__(self, config: Config):
        self.config = config
        self._status_keys = tuple(label_key(s, drop_number=False) for s in config.statuts)
        self._marker_keys = {
            label_key(config.mots.petit_effectif, drop_number=False),
            label_key(config.mots.en_attente, drop_number=False),
        }
        self._memo: dict[tuple[type, object, Kind], Reading] = {}
        self._status_words = {  # words a status text may start with, e.g. "en cours …"
            " ".join(w for w in re.split(r"[^0-9a-z]+", _fold(s)) if w) for s in config.statuts
        }

    def read(self, raw: object, kind: Kind, number_format: str | None = None) -> Reading:
        """The reading of one raw value (memoised: sheets repeat the same values a lot).

        ``number_format`` is the cell's number format when the caller knows it: a stored rate
        of 1.2 in a percentage cell shows 120 % (impossible), in a General cell it means 1,2 %
        typed in points. ``None``: unknown (the Excel buttons cannot read formats).
        """
        if raw is None:
            return BLANK
        kind_of_raw = type(raw)
        if kind_of_raw is float or kind_of_raw is int or kind_of_raw is str:
            percent = _percent_format(number_format) if kind_of_raw is not str else None
            key = (kind_of_raw, raw, kind, percent)
            cached = self._memo.get(key)
            if cached is None:
                cached = self._read(raw, kind, percent)
                if len(self._memo) < 200_000:
                    self._memo[key] = cached
            return cached
        return self._read(raw, kind, _percent_format(number_format))

    def _read(self, raw: object, kind: Kind, percent_cell: bool | None = None) -> Reading:
        if isinstance(raw, Reading):
            return raw
        if raw is None:
            return BLANK
        if isinstance(raw, bool):
            return Reading(
                State.INVALID, text=str(raw), note="valeur logique (VRAI/FAUX) au lieu d'un nombre"
            )
        if isinstance(raw, (int, float)):
            number = float(raw)
            if math.isnan(number):
                return BLANK
            if math.isinf(number):
                return Reading(State.INVALID, text=str(raw), note="nombre infini")
            if percent_cell and kind in (Kind.RATE, Kind.POINTS):
                return self._percent_cell(number, kind)
            return self._number(
                number,
                kind,
                from_text=False,
                percent=False,
                general=percent_cell is False,
                unknown_format=percent_cell is None,
            )
        if isinstance(raw, (_dt.date, _dt.time, _dt.timedelta)):
            return Reading(State.INVALID, text=str(raw), note="date ou heure au lieu d'un nombre")
        if not isinstance(raw, str):
            return Reading(State.INVALID, text=repr(raw)[:40], note="valeur d'un type inattendu")
        return self._text(raw, kind)

    # -- text ---------------------------------------------------------------------------------
    def _text(self, raw: str, kind: Kind) -> Reading:
        text = clean_spaces(raw)
        if not text:
            return BLANK
        if text.upper() in EXCEL_ERRORS:
            return Reading(State.ERROR, text=text.upper(), note=f"valeur d'erreur {text.upper()}")
        if kind is Kind.TEXT:
            return Reading(State.TEXT, text=text)
        key = label_key(text, drop_number=False)
        if key in self._marker_keys:
            return Reading(State.MARKER, text=text)
        if self._is_status(text, key):
            return Reading(State.STATUS, text=text)
        candidate = _MARK_SUFFIX.sub("", text) if kind is Kind.MARK else text
        parsed = _parse_number_text(candidate)
        if parsed is None:
            return Reading(State.INVALID, text=text, note=f"texte « {text} » au lieu d'un nombre")
        number, percent = parsed
        return self._number(number, kind, from_text=True, percent=percent, typed=text)

    def _is_status(self, text: str, key: str) -> bool:
        if key in self._status_keys:
            return True
        words = " ".join(w for w in re.split(r"[^0-9a-z]+", _fold(text)) if w)
        return any(words.startswith(s + " ") for s in self._status_words if " " in s)

    # -- numbers ------------------------------------------------------------------------------
    def _percent_cell(self, number: float, kind: Kind) -> Reading:
        """A stored rate in a cell formatted as a percentage: a fraction, shown × 100."""
        lowest = -1.0 if kind is Kind.POINTS else 0.0
        if lowest <= number <= 1:
            return Reading(State.NUMBER, number)
        shown = format_percent_plain(number)
        return Reading(
            State.INVALID,
            text=shown,
            note=f"la cellule, au format pourcentage, affiche {shown} : impossible pour un taux",
        )

    def _number(
        self,
        number: float,
        kind: Kind,
        *,
        from_text: bool,
        percent: bool,
        typed: str = "",
        general: bool = False,
        unknown_format: bool = False,
    ) -> Reading:
        shown = typed or format_number(number)
        note = f"nombre saisi comme texte « {typed} »" if from_text else ""
        if unknown_format and kind is Kind.RATE and 1 < abs(number) < 2:
            # a percentage cell would show 120 % (impossible), a General one means 1,2 %: the
            # Excel buttons cannot see which, so neither figure is taken
            return Reading(
                State.INVALID,
                text=shown,
                note=f"taux {shown} ambigu : au format pourcentage la cellule affiche "
                f"{format_percent_plain(number)}, impossible ; s'il s'agit de "
                f"{format_percent_plain(number / 100)}, saisissez-le avec le signe % "
                "(le format de la cellule n'est pas lisible depuis Excel)",
            )
        if kind is Kind.COUNT or kind is Kind.LEVEL:
            what = "effectif" if kind is Kind.COUNT else "niveau de qualification"
            if percent:
                return Reading(State.INVALID, text=shown, note=f"pourcentage au lieu d'un {what}")
            if number < 0:
                return Reading(State.INVALID, text=shown, note=f"{what} négatif ({shown})")
            if number != int(number):
                return Reading(State.INVALID, text=shown, note=f"{what} non entier ({shown})")
            if kind is Kind.LEVEL and not 1 <= number <= 8:
                return Reading(State.INVALID, text=shown, note=f"niveau {shown} hors de 1 à 8")
            return Reading(State.NUMBER, number, note=note, interpreted=from_text)
        if kind is Kind.MARK:
            if percent or not 0 <= number <= 5:
                return Reading(State.INVALID, text=shown, note=f"note {shown} hors de 0 à 5")
            return Reading(State.NUMBER, number, note=note, interpreted=from_text)
        if kind is Kind.RATE or kind is Kind.POINTS:
            return self._rate(
                number, kind, percent=percent, shown=shown, from_text=from_text, general=general
            )
        return Reading(State.NUMBER, number, note=note, interpreted=from_text)

    def _rate(
        self,
        number: float,
        kind: Kind,
        *,
        percent: bool,
        shown: str,
        from_text: bool,
        general: bool = False,
    ) -> Reading:
        lowest = -1.0 if kind is Kind.POINTS else 0.0
        if percent:
            fraction = float(f"{number / 100:.15g}")
            note = f"taux saisi comme texte « {shown} », lu {format_percent_plain(fraction)}"
            interpreted = True
        elif lowest <= number <= 1:
            fraction, note, interpreted = number, "", from_text
            if from_text:
                note = f"taux saisi comme texte « {shown} », lu {format_percent_plain(fraction)}"
        elif 1 < abs(number) <= 100 and (number > 0 or kind is Kind.POINTS):
            fraction = float(f"{number / 100:.15g}")
            note = f"{shown} lu comme {format_percent_plain(fraction)} (saisi en points)"
            if kind is Kind.RATE and abs(number) < 2:  # 1,05: 1,05 % or a mistyped 105 %?
                note += (
                    f" ; s'il s'agit de {format_percent_plain(number)}, ce taux est "
                    "impossible : corrigez-le"
                )
                return Reading(State.NUMBER, fraction, note=note, interpreted=True, doubtful=True)
            if general:  # a General cell: the person typed points, and the cell shows them so
                return Reading(State.NUMBER, fraction, note=note, interpreted=True)
            if not from_text:  # a number stored in a % cell would show 100 times more
                note += (
                    f" ; si la cellule est au format pourcentage elle affiche "
                    f"{format_percent_plain(number)} : saisissez plutôt "
                    f"{format_percent_plain(fraction)}"
                )
            return Reading(
                State.NUMBER, fraction, note=note, interpreted=True, doubtful=not from_text
            )
        else:
            return Reading(State.INVALID, text=shown, note=f"taux {shown} hors de 0 à 100 %")
        if not lowest <= fraction <= 1:
            return Reading(State.INVALID, text=shown, note=f"taux {shown} hors de 0 à 100 %")
        return Reading(State.NUMBER, fraction, note=note, interpreted=interpreted)


@lru_cache(maxsize=1024)
def _percent_format(number_format: str | None) -> bool | None:
    """Whether a number format shows a percentage (None: format unknown)."""
    if number_format is None:
        return None
    return "%" in re.sub(r'"[^"]*"|\\.', "", number_format)


def format_percent_plain(fraction: float) -> str:
    return format_percent(fraction, digits=2, strip_zeros=True)


@lru_cache(maxsize=4096)
def _fold(text: str) -> str:
    return fold(text)
