"""Recognising an InserJeunes file by its header line, whatever its name.

The same figure is headed differently by the data portal (``Taux emploi 6 mois``), its API
(``taux_emploi_6_mois``), the older DEPP files (``Taux d'emploi 6 mois après la sortie``) and the
Exposition API. Headers are compared with ``label_key`` (case, accents, spaces, punctuation and
underscores ignored), so ``Taux emploi 6 mois`` and ``taux_emploi_6_mois`` are the same column,
while the Exposition trap ``taux_en_emploi_6_mois`` (a share over all final-year learners, not
the official rate) stays a different one. The kind of file follows from the columns found.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from ..normalize import label_key
from .records import FileKind

# Header styles, for the report.
LIBELLES = "libellés"  # portal download, DEPP files: "Taux emploi 6 mois"
CHAMPS = "noms de champs"  # portal API export, Exposition API: "taux_emploi_6_mois"

# internal column → headers that mean it. Portal labels and API field names made of the same
# words fold to the same key, so one entry covers both. Confirmed headers come from the research
# notes (docs/inserjeunes.md §2, §4, (b)); the per-formation portal labels are inferred from the
# establishment file's wording (the current column list of that file was not obtained).
_ALIASES: dict[str, tuple[str, ...]] = {
    "millesime": ("Année", "millesime"),
    "uai": ("UAI", "n°UAI de l'établissement", "UAI de l'établissement"),
    "libelle": ("Libellé",),  # the CFA's name, except in the Exposition API (the formation's)
    "libelle_etablissement": ("Libellé de l'établissement", "Libellé établissement"),
    "region": ("Région",),
    "cfd": (
        "Code formation apprentissage",
        "Code formation diplôme",
        "Code Formation",
        "CFD",
        "Code diplôme",
    ),
    "code_certification": ("code_certification",),
    "diplome": ("Type de diplôme", "Type diplôme", "Diplôme"),
    "libelle_formation": ("Libellé de la formation", "Libellé formation"),
    "filiere": ("filiere",),
    "uai_donnee": ("uai_donnee",),
    "uai_donnee_type": ("uai_donnee_type",),
    "donnee_source_type": ("donnee_source_type",),
    "donnee_source_code": ("donnee_source_code_certification",),
    # rates, in percent in every file
    "part_poursuite": ("DEVENIR Part poursuite études",),
    "part_emploi_6": ("DEVENIR Part en emploi 6 mois",),
    # The Exposition trap: employed / all final-year learners, NOT the official rate.
    "part_emploi_6_exposition": ("taux_en_emploi_6_mois",),
    "part_autre_6": ("DEVENIR Part autre situation 6 mois", "taux_autres_6_mois"),
    "part_contrats_interrompus": (
        "Part contrats apprentissage interrompus",
        "taux_rupture_contrats",
    ),
    "poursuite": ("Taux poursuite études", "Taux de poursuite d'études", "taux_en_formation"),
    "emploi_6": ("Taux emploi 6 mois", "Taux d'emploi 6 mois après la sortie"),
    "emploi_6_attendu": ("Taux emploi 6 mois attendu",),
    "va_emploi_6": ("VA emploi 6 mois", "valeur_ajoutee_6_mois"),
    "emploi_12": ("Taux emploi 12 mois", "Taux d'emploi 12 mois après la sortie"),
    "emploi_18": ("Taux emploi 18 mois", "Taux d'emploi 18 mois après la sortie"),
    "emploi_24": ("Taux emploi 24 mois", "Taux d'emploi 24 mois après la sortie"),
    # counts (Exposition API, national DEPP file)
    "nb_annee_term": ("nb_annee_term", "nb en année terminale"),
    "nb_poursuite": ("nb_poursuite_etudes", "nb en poursuite d'études"),
    "nb_sortant": ("nb_sortant", "nb de sortants 6 mois après la sortie"),
    "nb_emploi_6": ("nb_en_emploi_6_mois", "nb en emploi 6 mois après la sortie"),
}

RATE_COLUMNS = (
    "part_poursuite",
    "part_emploi_6",
    "part_emploi_6_exposition",
    "part_autre_6",
    "part_contrats_interrompus",
    "poursuite",
    "emploi_6",
    "emploi_6_attendu",
    "emploi_12",
    "emploi_18",
    "emploi_24",
)
POINTS_COLUMNS = ("va_emploi_6",)
COUNT_COLUMNS = ("nb_annee_term", "nb_poursuite", "nb_sortant", "nb_emploi_6")
# Columns only the Exposition API has: they tell its export from the open-data files.
_EXPOSITION_ONLY = frozenset(
    {
        "code_certification",
        "part_emploi_6_exposition",
        "uai_donnee",
        "uai_donnee_type",
        "donnee_source_type",
        "filiere",
    }
)

_BY_KEY: dict[str, str] = {}
for _column, _headers in _ALIASES.items():
    for _header in _headers:
        _key = label_key(_header, drop_number=False)
        assert _key not in _BY_KEY, f"alias en double : {_header}"
        _BY_KEY[_key] = _column


@dataclass(frozen=True)
class HeaderMap:
    """Which position of a row holds which column, and what the header says about the file."""

    positions: dict[str, int]  # internal column → 0-based index in the row
    ignored: tuple[str, ...]  # headers not used
    duplicates: tuple[str, ...]  # headers of a column already seen (the file is refused)
    style: str  # LIBELLES or CHAMPS, whichever most recognised headers use

    @property
    def recognised(self) -> int:
        return len(self.positions)

    def has(self, *columns: str) -> bool:
        return all(c in self.positions for c in columns)

    @property
    def exposition(self) -> bool:
        return bool(_EXPOSITION_ONLY & self.positions.keys())


def map_header(cells: list[str]) -> HeaderMap:
    """Map header cells to internal columns (the BOM and surrounding spaces are ignored)."""
    positions: dict[str, int] = {}
    ignored: list[str] = []
    duplicates: list[str] = []
    styles: Counter[str] = Counter()
    for index, cell in enumerate(cells):
        text = cell.lstrip("\ufeff").strip()
        column = _BY_KEY.get(label_key(text, drop_number=False)) if text else None
        if column is None:
            if text:
                ignored.append(text)
            continue
        if column in positions:
            duplicates.append(text)
            continue
        positions[column] = index
        styles[CHAMPS if re.fullmatch(r"[a-z0-9_]+", text) else LIBELLES] += 1
    style = styles.most_common(1)[0][0] if styles else ""
    return HeaderMap(positions, tuple(ignored), tuple(duplicates), style)


_FIGURES = (
    "poursuite",
    "emploi_6",
    "emploi_12",
    "nb_sortant",
    "nb_emploi_6",
    "part_emploi_6_exposition",
)


def detect_kind(header: HeaderMap) -> FileKind | None:
    """The kind of file a header describes, or None when it is not an InserJeunes file."""
    has_code = header.has("cfd") or header.has("code_certification")
    has_figures = any(header.has(c) for c in _FIGURES)
    if header.has("uai") and has_code and has_figures:
        return FileKind.EXPOSITION if header.exposition else FileKind.FORMATION
    if header.has("uai") and any(
        header.has(c) for c in ("va_emploi_6", "emploi_6_attendu", "emploi_6", "poursuite")
    ):
        return FileKind.ETABLISSEMENT
    if has_code and has_figures:
        return FileKind.NATIONAL
    return None


EXPECTED_HEADERS = (
    "« Année;UAI;…;Taux emploi 6 mois;Taux emploi 6 mois attendu;VA emploi 6 mois;… » "
    "(fichier par établissement), un fichier par formation avec l'UAI, le code formation et "
    "les taux, ou un export « formations » de l'API Exposition (uai;code_certification;…)"
)
