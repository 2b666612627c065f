"""What an InserJeunes file holds once read: typed records that remember where they came from.

Rates follow the engine's convention: fractions 0–1 (``0.49`` for 49 %), the official valeur
ajoutée as a fraction of a point (``-0.12`` for −12 points), and ``None`` when InserJeunes does
not publish the figure (below its threshold, or not yet available). Every record keeps the file
name, the line (or JSON element) and the millésime, so any figure written into a workbook can be
traced back to its source.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from enum import Enum

from ..findings import Severity

UAI_PATTERN = re.compile(r"^\d{7}[A-Z]$")
_CFD_PATTERN = re.compile(r"^[0-9A-Z]{8}$")
_YEARS = re.compile(r"^(?:cumul\s+)?(\d{4})(?:\s*[-_/]\s*(\d{4}))?$", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class FileKind(str, Enum):
    """The kinds of InserJeunes files the tool reads, recognised by their header line."""

    ETABLISSEMENT = "établissement"  # fr-en-inserjeunes-cfa: one row per UAI × millésime
    FORMATION = "formation"  # per-formation open data: one row per UAI × CFD × millésime
    EXPOSITION = "exposition"  # export of the Exposition API formations route (counts)
    NATIONAL = "national"  # national figures per diploma (no UAI): the certificateur reference

    @property
    def description(self) -> str:
        return _KIND_TEXT[self]


_KIND_TEXT = {
    FileKind.ETABLISSEMENT: "chiffres par établissement (fr-en-inserjeunes-cfa)",
    FileKind.FORMATION: "chiffres par établissement et formation",
    FileKind.EXPOSITION: "export de l'API Exposition InserJeunes (formations)",
    FileKind.NATIONAL: "chiffres nationaux par diplôme",
}


@dataclass(frozen=True)
class Origin:
    """Where a record was read: file name (no directory), position, millésime."""

    file: str
    line: int  # physical line of a CSV file (1 = header), or 1-based element of a JSON list
    json: bool = False

    @property
    def position(self) -> str:
        return f"élément {self.line}" if self.json else f"ligne {self.line}"

    def __str__(self) -> str:
        return f"{self.file}, {self.position}"


@dataclass(frozen=True)
class Problem:
    """Something in a file or a row that was not used, and why (French)."""

    severity: Severity
    file: str  # file name, or '' for a problem of the workbook rows
    position: str  # "ligne 12", "élément 3", or '' for the file as a whole
    message: str

    def __str__(self) -> str:
        where = ", ".join(p for p in (self.file, self.position) if p)
        return f"{where} : {self.message}" if where else self.message


# The figures of an establishment row, in the order of the open-data file.
ESTABLISHMENT_FIGURES = (
    "poursuite",
    "emploi_6",
    "emploi_6_attendu",
    "va_emploi_6",
    "emploi_12",
    "emploi_18",
    "emploi_24",
    "part_poursuite",
    "part_emploi_6",
    "part_autre_6",
    "part_contrats_interrompus",
)


@dataclass(frozen=True)
class EstablishmentRecord:
    """One row of ``fr-en-inserjeunes-cfa``: the official figures of one CFA for one millésime.

    ``va_emploi_6`` is the official valeur ajoutée (observed − expected 6-month employment
    rate, per establishment, in points as a fraction); it is not the workbook's indicator 9.
    """

    uai: str
    millesime: str | None
    origin: Origin
    libelle: str = ""
    region: str = ""
    poursuite: float | None = None
    emploi_6: float | None = None
    emploi_6_attendu: float | None = None
    va_emploi_6: float | None = None
    emploi_12: float | None = None
    emploi_18: float | None = None
    emploi_24: float | None = None
    part_poursuite: float | None = None
    part_emploi_6: float | None = None
    part_autre_6: float | None = None
    part_contrats_interrompus: float | None = None

    @property
    def published(self) -> bool:
        """At least one figure is published (InserJeunes lists fully suppressed CFAs too)."""
        return any(getattr(self, name) is not None for name in ESTABLISHMENT_FIGURES)


@dataclass(frozen=True)
class FormationRecord:
    """Figures of one diploma (CFD) for one millésime, at one UAI or nationally (``uai`` None).

    ``emploi_6`` is always the official rate (employed / sortants). From an Exposition export
    it is recomputed as ``nb_en_emploi_6_mois / nb_sortant``; the API's own
    ``taux_en_emploi_6_mois`` (employed / all final-year learners) is kept apart in
    ``part_emploi_6`` and never used as the rate. ``emploi_6_calcul`` says how it was obtained.
    """

    uai: str | None
    cfd: str
    millesime: str | None
    origin: Origin
    kind: FileKind
    libelle: str = ""
    diplome: str = ""
    poursuite: float | None = None
    emploi_6: float | None = None
    emploi_12: float | None = None
    emploi_18: float | None = None
    emploi_24: float | None = None
    part_emploi_6: float | None = None
    nb_annee_term: int | None = None
    nb_poursuite: int | None = None
    nb_sortant: int | None = None
    nb_emploi_6: int | None = None
    emploi_6_calcul: str = "publié"
    withheld: bool = False  # the file says explicitly the figures are withheld (API `null`)
    uai_donnee: str | None = None  # Exposition: UAI the figures were taken from
    uai_donnee_type: str = ""  # lieu_formation | formateur | gestionnaire | inconnu
    donnee_source_type: str = ""  # self | ancienne | nouvelle (continuum of renamed diplomas)
    donnee_source_code: str = ""


@dataclass(frozen=True)
class ImportedFile:
    """One file read as a whole: its kind, how it was read, its records and its problems."""

    name: str
    kind: FileKind
    style: str  # French: which header style was recognised
    encoding: str
    separator: str | None  # None for JSON
    data_lines: int
    establishments: tuple[EstablishmentRecord, ...] = ()
    formations: tuple[FormationRecord, ...] = ()
    problems: tuple[Problem, ...] = ()
    ignored_columns: tuple[str, ...] = ()
    millesime_note: str = ""  # French, when the millésime was not read from a column

    @property
    def records(self) -> int:
        return len(self.establishments) + len(self.formations)

    @property
    def millesimes(self) -> tuple[str, ...]:
        found = {r.millesime for r in (*self.establishments, *self.formations) if r.millesime}
        return tuple(sorted(found, key=millesime_key))


@dataclass(frozen=True)
class InserJeunesData:
    """Everything read from the files given on the command line, ready for matching."""

    files: tuple[ImportedFile, ...]
    establishments: tuple[EstablishmentRecord, ...] = field(default=())
    formations: tuple[FormationRecord, ...] = field(default=())  # per UAI
    national: tuple[FormationRecord, ...] = field(default=())  # uai is None
    problems: tuple[Problem, ...] = field(default=())

    def has_kind(self, *kinds: FileKind) -> bool:
        return any(f.kind in kinds for f in self.files)


# ---------------------------------------------------------------------------------------------
# identifiers and millésimes


def normalize_uai(raw: object) -> str | None:
    """``0751488k`` → ``0751488K``; anything that is not 7 digits and a letter → None."""
    if not isinstance(raw, str):
        return None
    text = raw.strip().upper()
    return text if UAI_PATTERN.match(text) else None


def normalize_cfd(raw: object) -> tuple[str | None, str]:
    """A code formation diplôme as 8 characters, and a French remark ('' when none).

    Spreadsheets turn ``01022105`` into the number 1022105: a 7-digit code gets its leading
    zero back (and the remark says so). A ``CFD:`` prefix (Exposition API) and spaces are
    dropped. Any other shape gives ``(None, reason)``: it is reported, never guessed.
    """
    if raw is None or isinstance(raw, bool):
        return None, ""
    if isinstance(raw, float):
        if not math.isfinite(raw) or raw != int(raw):
            return None, f"code formation diplôme « {raw} » invalide (8 caractères attendus)"
        raw = int(raw)
    text = str(raw).strip().upper().replace(" ", "").replace("\u00a0", "")
    if text.startswith("CFD:"):
        text = text[4:]
    if re.fullmatch(r"\d+\.0+", text):  # 1022105.0 written by a spreadsheet
        text = text.split(".")[0]
    if not text:
        return None, ""
    if _CFD_PATTERN.match(text):
        return text, ""
    if re.fullmatch(r"\d{7}", text):
        return "0" + text, f"code formation diplôme {text} complété en 0{text} (zéro initial perdu)"
    shown = clean_text(str(raw), 30)
    return None, f"code formation diplôme « {shown} » invalide (8 caractères attendus)"


def normalize_millesime(raw: object) -> str | None:
    """``cumul 2023-2024`` / ``2023_2024`` / ``2023-2024`` → ``cumul 2023-2024``; ``2024``.

    Establishment and per-formation figures pool two years (written "cumul A-B" on the
    portal, "A_B" by the APIs); national figures are for one year.
    """
    if raw is None:
        return None
    match = _YEARS.match(" ".join(str(raw).split()))
    if not match:
        return None
    first, second = match.group(1), match.group(2)
    if second is None:
        return first
    low, high = sorted((first, second))
    return f"cumul {low}-{high}"


def millesime_key(millesime: str | None) -> tuple[int, int]:
    """Sort key: later millésimes last; an unknown millésime sorts first."""
    if not millesime:
        return (0, 0)
    years = [int(y) for y in re.findall(r"\d{4}", millesime)]
    return (max(years), min(years)) if years else (0, 0)


def clean_text(text: str, limit: int = 200) -> str:
    """File text made safe to show: control characters (terminal escapes) removed, bounded."""
    cleaned = " ".join(_CONTROL.sub(" ", text).split())
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"
