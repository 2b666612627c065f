"""The columns of a programme row: what staff type and what the tool computes.

One ``Field`` per column of the spec, in the order of the template. The canonical label is the
exact header text of the template; the reader also accepts the aliases of the configuration.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from .normalize import fold


class Kind(str, Enum):
    """What a column holds, which decides how a typed value is read and checked."""

    TEXT = "texte"  # identification: formation, intitulé, promotion…
    LEVEL = "niveau"  # qualification level 3 to 8
    COUNT = "effectif"  # whole number of learners, ≥ 0
    MARK = "note"  # survey mark 0 to 5
    RATE = "taux"  # fraction 0 to 1 (typed 84,2 % or 0,842)
    POINTS = "points"  # difference of two rates (the VA), fraction of a point


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    kind: Kind
    computed: bool = False  # written by the tool, never typed
    required: bool = False  # a site sheet must have this column
    width: float = 14.0  # column width in the template

    @property
    def is_number(self) -> bool:
        return self.kind not in (Kind.TEXT,)


FIELDS: tuple[Field, ...] = (
    Field("formation", "Formation", Kind.TEXT, width=16),
    Field("intitule", "Intitulé", Kind.TEXT, width=38),
    Field("promotion", "Promotion", Kind.TEXT, width=13),
    Field("rncp", "N° RNCP", Kind.TEXT, width=10),
    Field("certificateur", "Certificateur", Kind.TEXT, width=14),
    # Optional: the 8-character code InserJeunes publishes its per-formation figures under.
    Field("niveau", "Niveau de qualification", Kind.LEVEL, width=13),
    Field("entrants", "Nb candidats entrée en formation", Kind.COUNT, required=True),
    Field("presentes", "Nb candidats présentés à l'examen", Kind.COUNT, required=True),
    Field("interruptions", "Nb interruptions en cours", Kind.COUNT, required=True),
    Field("ruptures", "Nb ruptures nettes", Kind.COUNT, required=True),
    Field("reussis", "Nb candidats ayant réussi", Kind.COUNT, required=True),
    Field("repondants", "Nb répondants", Kind.COUNT),
    Field("poursuivants", "Nb candidats ayant poursuivi", Kind.COUNT, required=True),
    Field("presentation", "1 Taux de présentation", Kind.RATE, computed=True),
    Field("interruption", "2 Taux d'interruption en cours", Kind.RATE, computed=True),
    Field(
        "rupture",
        "3 Taux de rupture net de contrat ou taux d'abandon",
        Kind.RATE,
        computed=True,
        width=18,
    ),
    Field("obtention", "4 Taux d'obtention", Kind.RATE, computed=True),
    Field("poursuite", "5 Taux de poursuite d'études", Kind.RATE, computed=True),
    Field("sat_stagiaire", "6 Satisfaction stagiaire (note/5)", Kind.MARK),
    Field("sat_entreprise", "7 Satisfaction entreprise (note/5)", Kind.MARK),
    Field("sat_financeur", "8 Satisfaction financeur (note/5)", Kind.MARK),
    Field("va", "9 Valeur ajoutée", Kind.POINTS, computed=True),
    Field("insertion_emploi", "10 Taux d'insertion global dans l'emploi", Kind.RATE, width=16),
    Field("insertion_metier", "11 Taux d'insertion global dans le métier", Kind.RATE, width=16),
    Field("insertion_reference", "Taux d'insertion moyen du certificateur", Kind.RATE, width=16),
    Field("statut", "Statut", Kind.TEXT, width=22),
    Field("source", "Source", Kind.TEXT, width=16),
    # Last, so that the columns staff know keep their letters (=ORT_TAUX_OBTENTION(K5; H5)).
    Field("cfd", "Code formation diplôme", Kind.TEXT, width=12),
)

# Columns some sites keep beside the published ones, never part of the template: the seed's
# Ecole de Travail types its own VA ("*9 EDT calcul à partir des chiffres de inserjeunes 2024")
# and the InserJeunes insertion rate in points ("Chiffres issus de Inserjeunes2024"). They are
# the site's inputs for indicators 9 and 10, read but never written.
SITE_INPUT_FIELDS: tuple[Field, ...] = (
    Field("va_site", "Valeur ajoutée calculée par le site", Kind.POINTS),
    Field("insertion_site", "Taux d'insertion relevé dans InserJeunes", Kind.RATE),
)
ALL_FIELDS: tuple[Field, ...] = FIELDS + SITE_INPUT_FIELDS

FIELD_BY_KEY: dict[str, Field] = {f.key: f for f in ALL_FIELDS}
IDENTIFICATION = ("formation", "intitule", "promotion", "rncp")
COUNT_KEYS = tuple(f.key for f in FIELDS if f.kind is Kind.COUNT)
REQUIRED_COUNT_KEYS = tuple(f.key for f in FIELDS if f.kind is Kind.COUNT and f.required)


def label_of(key: str) -> str:
    """The canonical header label of a field."""
    return FIELD_BY_KEY[key].label


def promotion_key(text: str | None) -> str:
    """A cohort as a person compares it: "2023 - 2025" = "2023-2025" ≠ "2024 - 2026"."""
    return re.sub(r"[^0-9a-z]+", "", fold(text or ""))


def programme_name(text: Callable[[str], str | None]) -> str | None:
    """What staff call a programme row: its code, else its title, else its RNCP number."""
    rncp = text("rncp")
    return text("formation") or text("intitule") or (f"RNCP {rncp}" if rncp else None)
