"""Matching InserJeunes records to a site's programme rows, and planning what to fill.

Pure functions over plain data: no workbook is opened here. The workbook layer reads a site
table into ``rows`` (field key → one raw cell value per row, as the engine takes them), calls
``build_plan`` and turns the plan into cell changes:

- ``RowPlan.cells`` — per row, one ``CellPlan`` per cell InserJeunes has something to say
  about: ``insertion_emploi`` (10), ``insertion_reference`` (the certificateur's reference rate,
  from national per-diploma figures) and ``source``. Only ``action`` FILL and REPLACE are to be
  written (``CellPlan.write``): ``value`` (a fraction with ``number_format``, or a text written
  as text, never as a formula) and ``note`` (the tool's note, saying where the figure comes
  from). SAME and KEEP are for the report: the cell already holds that figure, or holds
  something else that is kept (never silently overwritten; ``remplacer=True`` replaces it).
- ``RowPlan.pending`` — what stays pending and why (no CFD, level out of InserJeunes' scope,
  no published line, no file of that kind…).
- ``InserJeunesPlan.establishments`` — the site-level block: the establishment's official
  figures of its latest millésime (taux d'emploi, taux attendu, valeur ajoutée officielle,
  poursuite…), shown at site level because InserJeunes computes them per establishment.

A rate InserJeunes does not publish (fewer than ``seuil_diffusion`` sortants) is no longer
pending: the plan writes the status ``non diffusé (< 20)``, which the engine passes through
(no yellow, and indicator 9 shows the same status).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum

import pandas as pd

from ..cells import CellReader, Reading, State
from ..config import Config, Site, default_config
from ..engine import compute
from ..errors import ConfigError
from ..fields import Kind, programme_name
from ..findings import Severity
from ..formatting import excel_round, format_number, format_percent
from ..normalize import clean_spaces, fold, label_key
from .records import (
    EstablishmentRecord,
    FileKind,
    FormationRecord,
    ImportedFile,
    InserJeunesData,
    Problem,
    clean_text,
    millesime_key,
    normalize_cfd,
)

Locate = Callable[[int, str], "str | None"]

NON_DIFFUSE = "non diffusé"
_OWN_STATUS = re.compile(r"^non diffuse \(< ?\d+\)$")
_OWN_SOURCE = re.compile(r"^InserJeunes .+ — fichier .+")


class Action(str, Enum):
    """What the plan does with one cell."""

    FILL = "remplir"  # the cell is empty (or holds the tool's own word): write
    REPLACE = "remplacer"  # remplacer=True and the cell held something else: write over it
    SAME = "identique"  # the cell already holds this figure: nothing to write
    KEEP = "conservé"  # the cell holds something else: kept, reported


class Reason(str, Enum):
    """Why a cell stays as it is, waiting for a figure."""

    NO_UAI = "sans_uai"  # the site has no UAI in the configuration
    NO_FILE = "sans_fichier"  # no file of the kind that carries this figure
    OUT_OF_SCOPE = "hors_champ"  # level outside InserJeunes (6–7…)
    NO_CFD = "sans_cfd"  # the row has no code formation diplôme
    BAD_CFD = "cfd_invalide"
    NOT_FOUND = "absent"  # no line for this CFD under the site's UAIs (or nationally)
    AMBIGUOUS = "ambigu"  # several UAIs of the site publish it
    NOT_PUBLISHED = "non_publie"  # national figure not published
    SMALL_COHORT = "petit_effectif"  # not required anyway (below seuil_petit_effectif)
    NOT_IMPORTED = "non_importe"  # the configuration does not take this indicator from IJ


@dataclass(frozen=True)
class CellPlan:
    """One cell of one row: what InserJeunes gives and what to do with it.

    ``value`` is what InserJeunes gives (a fraction for a rate, or a French text: the status
    ``non diffusé (< 20)`` or the ``Source`` provenance); ``current`` is the raw value found in
    the cell. Write ``value`` (as text if it is a ``str``) with ``number_format`` and ``note``
    only when ``write`` is true.
    """

    row: int  # 0-based index in the rows given to build_plan
    field: str  # field key: insertion_emploi | insertion_reference | source
    action: Action
    value: float | str
    current: object
    note: str  # French note for the cell (the tool's note); '' for the Source cell
    detail: str  # French, one line for the report
    number_format: str | None = None  # for a numeric value; None: leave the format
    cell: str | None = None  # A1 address when the caller gave ``locate``
    file: str = ""  # file the figure comes from ('' for the Source cell)
    position: str = ""  # "ligne N" / "élément N" in that file
    millesime: str = ""  # millésime of the figure, as shown ("cumul 2023-2024", "2024")

    @property
    def write(self) -> bool:
        return self.action in (Action.FILL, Action.REPLACE)


@dataclass(frozen=True)
class Pending:
    """A cell that stays as it is, and why (French)."""

    row: int
    field: str
    reason: Reason
    message: str
    cell: str | None = None


@dataclass(frozen=True)
class RowPlan:
    row: int  # 0-based index in the rows given
    label: str  # "CAP MIS 2023 - 2025", for the report
    cfd: str | None  # normalised code formation diplôme, when the row has a valid one
    level: int | None  # given or inferred by the engine
    cells: tuple[CellPlan, ...] = ()
    pending: tuple[Pending, ...] = ()

    @property
    def writes(self) -> tuple[CellPlan, ...]:
        return tuple(c for c in self.cells if c.write)


@dataclass(frozen=True)
class Figure:
    """One official figure of the establishment block (site level)."""

    key: str  # emploi_6 | emploi_6_attendu | va_emploi_6 | poursuite | emploi_12 | …
    label: str  # French label
    value: float | None  # fraction; the VA in fraction of a point (-0.12 = -12 points)
    text: str  # French display: "49 %", "-12 points", "non publié"
    number_format: str  # Excel format for the value


@dataclass(frozen=True)
class EstablishmentPlan:
    """The official establishment figures of the latest millésime for one UAI of the site."""

    uai: str
    role: str  # "site", "CFA formateur" or "CFA responsable"
    libelle: str  # the CFA's name as published (plain text, written only as text)
    millesime: str | None
    figures: tuple[Figure, ...]
    source: str  # French provenance: "InserJeunes cumul 2023-2024 — fichier …, ligne …"
    note: str  # French: what the official VA is, and is not
    latest_published: str | None  # latest millésime with figures, when the latest has none

    def figure(self, key: str) -> Figure:
        return next(f for f in self.figures if f.key == key)


@dataclass(frozen=True)
class InserJeunesPlan:
    """Everything to fill on one site's table, what is already there, what stays pending."""

    site: str
    lookup: tuple[tuple[str, str], ...]  # (UAI, role) searched, in order
    remplacer: bool
    files: tuple[ImportedFile, ...]
    rows: tuple[RowPlan, ...]
    establishments: tuple[EstablishmentPlan, ...]
    problems: tuple[Problem, ...]  # files' problems and the rows' (bad CFDs…)

    def cells(self, *actions: Action) -> list[CellPlan]:
        return [c for r in self.rows for c in r.cells if not actions or c.action in actions]

    @property
    def writes(self) -> list[CellPlan]:
        return [c for r in self.rows for c in r.cells if c.write]

    @property
    def pending(self) -> list[Pending]:
        return [p for r in self.rows for p in r.pending]


# ---------------------------------------------------------------------------------------------


def site_settings(config: Config, site: str) -> Site | None:
    """The configuration of a site, its name compared the way a person reads it."""
    if site in config.sites:
        return config.sites[site]
    wanted = label_key(site, drop_number=False)
    for name, settings in config.sites.items():
        if label_key(name, drop_number=False) == wanted:
            return settings
    return None


def status_text(config: Config) -> str:
    """The status written for a rate InserJeunes does not publish: ``non diffusé (< 20)``."""
    return f"{NON_DIFFUSE} (< {config.inserjeunes.seuil_diffusion})"


def build_plan(
    site: str,
    data: InserJeunesData,
    rows: Mapping[str, Sequence[object]] | pd.DataFrame,
    config: Config | None = None,
    *,
    remplacer: bool = False,
    locate: Locate | None = None,
) -> InserJeunesPlan:
    """Plan the InserJeunes figures of one site's rows (see the module docstring).

    ``rows`` maps field keys (``formation``, ``promotion``, ``niveau``, ``entrants``, ``cfd``,
    ``insertion_emploi``, ``insertion_reference``, ``source``…) to one raw cell value per row;
    missing keys count as blank columns. ``locate(row, field)`` gives A1 addresses for the
    report. ``remplacer`` replaces figures and statuses already present (a person's figure is
    never replaced by the ``non diffusé`` status).
    """
    config = config or default_config()
    reader = CellReader(config)
    status = status_text(config)
    if reader.read(status, Kind.RATE).state is not State.STATUS:
        raise ConfigError(
            f"Configuration : « {NON_DIFFUSE} » doit figurer dans « statuts » pour que le "
            f"statut « {status} » soit reconnu dans le classeur."
        )
    columns = _columns(rows)
    count = _length(columns)
    comp = compute(columns, config, indicators=())
    settings = site_settings(config, site)
    problems: list[Problem] = list(data.problems)
    if settings is None:
        problems.append(
            Problem(
                Severity.AVERTISSEMENT,
                "",
                "",
                f"Le site « {site} » n'est pas dans la configuration (sites) : ajoutez ses UAI "
                "pour retrouver ses chiffres InserJeunes.",
            )
        )
    lookup = settings.lookup() if settings else ()
    ctx = _Context(config, data, lookup, remplacer, locate, status, problems)

    row_plans = []
    for row in range(count):
        row_plans.append(
            ctx.plan_row(row, columns, comp.reading, comp.levels[row], bool(comp.small_cohort[row]))
        )
    establishments = _establishments(ctx)
    return InserJeunesPlan(
        site=site,
        lookup=lookup,
        remplacer=remplacer,
        files=data.files,
        rows=tuple(row_plans),
        establishments=establishments,
        problems=tuple(problems),
    )


def _columns(rows: Mapping[str, Sequence[object]] | pd.DataFrame) -> dict[str, list[object]]:
    if isinstance(rows, pd.DataFrame):
        return {str(k): rows[k].tolist() for k in rows.columns}
    return {str(k): list(v) for k, v in rows.items()}


def _length(columns: Mapping[str, list[object]]) -> int:
    lengths = {len(v) for v in columns.values()}
    if len(lengths) > 1:
        raise ValueError(f"columns of unequal lengths: {sorted(lengths)}")
    return lengths.pop() if lengths else 0


# ---------------------------------------------------------------------------------------------


class _Context:
    def __init__(
        self,
        config: Config,
        data: InserJeunesData,
        lookup: tuple[tuple[str, str], ...],
        remplacer: bool,
        locate: Locate | None,
        status: str,
        problems: list[Problem],
    ):
        self.config = config
        self.data = data
        self.lookup = lookup
        self.role = dict(lookup)
        self.remplacer = remplacer
        self.locate = locate
        self.status = status
        self.problems = problems
        self.rate_format = config.formats.taux
        self.has_formation_files = data.has_kind(FileKind.FORMATION, FileKind.EXPOSITION)
        self.has_national_file = data.has_kind(FileKind.NATIONAL)
        self.by_cfd: dict[str, list[FormationRecord]] = {}
        for record in data.formations:
            if record.uai in self.role:
                self.by_cfd.setdefault(record.cfd, []).append(record)
        self.national: dict[str, list[FormationRecord]] = {}
        for record in data.national:
            self.national.setdefault(record.cfd, []).append(record)

    def cell(self, row: int, key: str) -> str | None:
        return self.locate(row, key) if self.locate else None

    # -- one row --------------------------------------------------------------------------
    def plan_row(
        self,
        row: int,
        columns: Mapping[str, list[object]],
        reading: Callable[[int, str], Reading],
        level: int | None,
        small: bool,
    ) -> RowPlan:
        label = _row_label(row, reading)
        raw_cfd = columns["cfd"][row] if "cfd" in columns else None
        cfd_reading = reading(row, "cfd")
        cfd, remark = (None, "") if cfd_reading.missing else normalize_cfd(raw_cfd)
        where = self.cell(row, "cfd")
        prefix = f"{label}{f' ({where})' if where else ''}"
        if cfd_reading.state in (State.STATUS, State.ERROR):
            remark = f"code formation diplôme « {cfd_reading.text} » au lieu d'un code"
            cfd = None
        if remark:
            self.problems.append(
                Problem(
                    Severity.INFO if cfd else Severity.AVERTISSEMENT,
                    "",
                    "",
                    f"{prefix} : {remark}.",
                )
            )
        cells: list[CellPlan] = []
        pending: list[Pending] = []
        scope = level is None or level in self.config.inserjeunes.niveaux
        self._emploi(row, label, cfd, remark, level, scope, small, reading, cells, pending)
        if self.has_national_file:
            self._reference(row, cfd, remark, level, scope, small, reading, cells, pending)
        self._source(row, reading, cells)
        # a cell that already holds a figure or a status is not waiting for anything
        pending = [p for p in pending if reading(row, p.field).missing]
        return RowPlan(row, label, cfd, level, tuple(cells), tuple(pending))

    def _why_no_cfd(
        self, row: int, field: str, remark: str, level: int | None, scope: bool, small: bool
    ) -> Pending:
        cell = self.cell(row, field)
        if not scope:
            return Pending(row, field, Reason.OUT_OF_SCOPE, self._out_of_scope(level), cell)
        if small:
            return Pending(row, field, Reason.SMALL_COHORT, _SMALL, cell)
        if remark:
            return Pending(row, field, Reason.BAD_CFD, f"{remark} : corrigez le code", cell)
        return Pending(
            row,
            field,
            Reason.NO_CFD,
            "pas de code formation diplôme (CFD) sur la ligne : renseignez la colonne "
            "« Code formation diplôme » pour retrouver le chiffre",
            cell,
        )

    def _out_of_scope(self, level: int | None) -> str:
        return (
            f"hors champ InserJeunes (niveau {level}) ; chiffre à obtenir auprès d'une autre "
            f"source : {self.config.inserjeunes.source_autres_niveaux}"
        )

    # -- indicator 10 ---------------------------------------------------------------------
    def _emploi(
        self, row, label, cfd, remark, level, scope, small, reading, cells, pending
    ) -> None:
        field = "insertion_emploi"
        cell = self.cell(row, field)
        if 10 not in self.config.inserjeunes.indicateurs:
            pending.append(
                Pending(
                    row,
                    field,
                    Reason.NOT_IMPORTED,
                    "la configuration ne prend pas l'indicateur 10 dans InserJeunes",
                    cell,
                )
            )
            return
        if not self.has_formation_files:
            pending.append(
                Pending(
                    row,
                    field,
                    Reason.NO_FILE,
                    "aucun fichier InserJeunes par formation fourni (le taux de l'établissement "
                    "ne vaut pas pour chaque formation)",
                    cell,
                )
            )
            return
        if not self.lookup:
            pending.append(
                Pending(row, field, Reason.NO_UAI, "aucune UAI configurée pour le site", cell)
            )
            return
        if cfd is None:
            pending.append(self._why_no_cfd(row, field, remark, level, scope, small))
            return
        found = self._formation_record(cfd, row, field, label)
        if isinstance(found, Pending):
            if found.reason is Reason.NOT_FOUND and not scope:
                found = Pending(row, field, Reason.OUT_OF_SCOPE, self._out_of_scope(level), cell)
            elif found.reason is Reason.NOT_FOUND and small:
                found = Pending(row, field, Reason.SMALL_COHORT, _SMALL, cell)
            pending.append(found)
            return
        record = found
        seuil = self.config.inserjeunes.seuil_diffusion
        where = _where(record, self.role)
        enough = record.nb_sortant is None or record.nb_sortant >= seuil
        if record.emploi_6 is not None and enough:
            value: float | str = record.emploi_6
            shown = _percent(record.emploi_6)
            note = (
                f"Taux d'emploi à 6 mois InserJeunes : {shown} des sortants en emploi salarié en "
                f"France 6 mois après la sortie ({_millesime(record.millesime)}, deux promotions "
                f"cumulées ; {where}).{_exposition_note(record)} Source : {record.origin}."
            )
            detail = f"{shown} ({_millesime(record.millesime)}, {where})"
        else:
            value = self.status
            if record.nb_sortant is not None and record.nb_sortant < seuil:
                why = f"{record.nb_sortant} sortant{'s' if record.nb_sortant > 1 else ''}"
            elif record.nb_annee_term is not None and record.nb_annee_term < seuil:
                why = f"{record.nb_annee_term} inscrits en dernière année"
            else:
                why = f"moins de {seuil} sortants"
            note = (
                f"InserJeunes ne diffuse pas le taux d'emploi de cette formation pour "
                f"{_millesime(record.millesime)} ({why} sur les deux promotions cumulées ; "
                f"seuil de diffusion : {seuil}) ; {where}. Source : {record.origin}."
            )
            detail = f"{value} ({_millesime(record.millesime)}, {why}, {where})"
        cells.append(self._compare(row, field, value, reading(row, field), note, detail, record))

    def _formation_record(
        self, cfd: str, row: int, field: str, label: str
    ) -> FormationRecord | Pending:
        cell = self.cell(row, field)
        candidates = self.by_cfd.get(cfd, [])
        if not candidates:
            searched = ", ".join(f"{u} ({r})" for u, r in self.lookup)
            return Pending(
                row,
                field,
                Reason.NOT_FOUND,
                f"aucune ligne InserJeunes pour le CFD {cfd} sous les UAI {searched} "
                "(formation non publiée : moins de 5 apprentis, diplôme non couvert, ou publiée "
                "sous une autre UAI)",
                cell,
            )
        # the first role (site, then formateur, then responsable) that publishes the CFD wins
        roles = [u for u, _ in self.lookup]
        best_rank = min(roles.index(r.uai) for r in candidates)  # type: ignore[arg-type]
        role_name = self.role[roles[best_rank]]
        same_role = [r for r in candidates if self.role[r.uai] == role_name]  # type: ignore[index]
        latest = max(millesime_key(r.millesime) for r in same_role)
        newest = [r for r in same_role if millesime_key(r.millesime) == latest]
        uais = sorted({r.uai for r in newest})  # type: ignore[type-var]
        if len(uais) > 1:
            listed = ", ".join(
                f"{r.uai} : {_percent(r.emploi_6) if r.emploi_6 is not None else NON_DIFFUSE}"
                for r in newest
            )
            return Pending(
                row,
                field,
                Reason.AMBIGUOUS,
                f"plusieurs UAI du site publient le CFD {cfd} ({listed}) : indiquez une seule "
                "UAI de site dans la configuration",
                cell,
            )
        # one UAI: prefer the published open data over a recomputed Exposition figure
        newest.sort(key=lambda r: r.kind is not FileKind.FORMATION)
        chosen = newest[0]
        for other in newest[1:]:
            if (
                other.emploi_6 is not None
                and chosen.emploi_6 is not None
                and not _same(other.emploi_6, chosen.emploi_6, digits=0)
            ):
                self.problems.append(
                    Problem(
                        Severity.AVERTISSEMENT,
                        "",
                        "",
                        f"{label} : CFD {cfd}, {_millesime(chosen.millesime)} : "
                        f"{_percent(chosen.emploi_6)} dans {chosen.origin} mais "
                        f"{_percent(other.emploi_6)} dans {other.origin} ; le premier est retenu.",
                    )
                )
        return chosen

    # -- certificateur reference (national per-diploma figure) ----------------------------
    def _reference(self, row, cfd, remark, level, scope, small, reading, cells, pending) -> None:
        field = "insertion_reference"
        cell = self.cell(row, field)
        if cfd is None:
            pending.append(self._why_no_cfd(row, field, remark, level, scope, small))
            return
        records = self.national.get(cfd)
        if not records:
            reason = Reason.OUT_OF_SCOPE if not scope else Reason.NOT_FOUND
            message = (
                self._out_of_scope(level)
                if not scope
                else f"pas de chiffre national InserJeunes pour le CFD {cfd} dans les fichiers"
            )
            pending.append(Pending(row, field, reason, message, cell))
            return
        record = max(records, key=lambda r: millesime_key(r.millesime))
        seuil = self.config.inserjeunes.seuil_diffusion
        if record.emploi_6 is None or (record.nb_sortant is not None and record.nb_sortant < seuil):
            pending.append(
                Pending(
                    row,
                    field,
                    Reason.NOT_PUBLISHED,
                    f"taux national non publié pour le CFD {cfd} ({_millesime(record.millesime)})",
                    cell,
                )
            )
            return
        shown = _percent(record.emploi_6)
        what = f" ({clean_text(record.libelle, 80)})" if record.libelle else ""
        note = (
            f"Référence de l'indicateur 9 : taux d'emploi à 6 mois des apprentis de ce diplôme "
            f"en France, {shown} (InserJeunes, {_millesime(record.millesime)}, CFD "
            f"{record.cfd}{what}).{_exposition_note(record)} L'indicateur 9 (définition ORT) est "
            "l'écart à ce taux, pas la valeur ajoutée officielle d'InserJeunes. "
            f"Source : {record.origin}."
        )
        detail = f"{shown} (France, {_millesime(record.millesime)}, CFD {record.cfd})"
        cells.append(
            self._compare(row, field, record.emploi_6, reading(row, field), note, detail, record)
        )

    # -- Source ---------------------------------------------------------------------------
    def _source(self, row: int, reading: Callable[[int, str], Reading], cells: list) -> None:
        written = [c for c in cells if c.write]
        if not written:
            return
        parts: list[str] = []
        for plan in written:
            scope = "France " if plan.field == "insertion_reference" else ""
            text = f"InserJeunes {scope}{plan.millesime} — fichier {plan.file}"
            if text not in parts:
                parts.append(text)
        value = " ; ".join(parts)
        cells.append(self._compare(row, "source", value, reading(row, "source"), "", value))

    # -- comparison with what the cell holds ------------------------------------------------
    def _compare(
        self,
        row: int,
        field: str,
        value: float | str,
        current: Reading,
        note: str,
        detail: str,
        record: FormationRecord | None = None,
    ) -> CellPlan:
        raw = current.number if current.state is State.NUMBER else current.text

        def make(action: Action, extra: str = "") -> CellPlan:
            return CellPlan(
                row,
                field,
                action,
                value,
                raw,
                note,
                detail + extra,
                self.rate_format if isinstance(value, float) else None,
                self.cell(row, field),
                record.origin.file if record else "",
                record.origin.position if record else "",
                _millesime(record.millesime) if record else "",
            )

        if current.missing:
            return make(Action.FILL)
        if isinstance(value, float):
            if current.state is State.NUMBER:
                if _same(current.number, value):  # type: ignore[arg-type]
                    return make(Action.SAME)
                shown = _percent(current.number)  # type: ignore[arg-type]
                return make(
                    Action.REPLACE if self.remplacer else Action.KEEP,
                    f" ; le classeur indique {shown}",
                )
            if self._own_status(current):
                return make(Action.FILL, f" ; remplace « {current.text} »")
            return make(
                Action.REPLACE if self.remplacer else Action.KEEP,
                f" ; le classeur indique « {current.text} »",
            )
        # a text: the status, or the Source provenance
        if current.text is not None:
            text = current.text
        else:
            text = format_number(current.number) if current.number is not None else ""
        if clean_spaces(text).casefold() == clean_spaces(value).casefold():
            return make(Action.SAME)
        if field == "source":
            if _OWN_SOURCE.match(text):
                return make(Action.FILL, f" ; remplace « {clean_text(text, 80)} »")
            return make(
                Action.REPLACE if self.remplacer else Action.KEEP,
                f" ; la colonne Source indique « {clean_text(text, 80)} »",
            )
        if self._own_status(current):
            return make(Action.FILL, f" ; remplace « {text} »")
        if current.state is State.NUMBER and field != "source":
            # a person's figure is never replaced by a status, even with remplacer
            shown = _percent(current.number)  # type: ignore[arg-type]
            return make(Action.KEEP, f" ; le classeur indique {shown}, conservé")
        return make(
            Action.REPLACE if self.remplacer else Action.KEEP, f" ; le classeur indique « {text} »"
        )

    def _own_status(self, current: Reading) -> bool:
        """The cell holds the status this tool writes (``non diffusé (< 20)``): replaceable."""
        return current.state is State.STATUS and bool(_OWN_STATUS.match(fold(current.text or "")))


_SMALL = "petite promotion : indicateur non exigé"


def _row_label(row: int, reading: Callable[[int, str], Reading]) -> str:
    """The programme as staff name it: its code, else its title or RNCP number; the cohort."""
    name = programme_name(lambda key: reading(row, key).text)
    promotion = reading(row, "promotion").text
    parts = [clean_text(t, 60) for t in (name, promotion) if t]
    return " ".join(parts) or f"ligne {row + 1} du tableau"


def _where(record: FormationRecord, role: Mapping[str, str]) -> str:
    who = role.get(record.uai or "", "")
    uai = f"UAI {record.uai}" + (f" ({who})" if who and who != "site" else "")
    return f"{uai}, CFD {record.cfd}"


def _exposition_note(record: FormationRecord) -> str:
    parts: list[str] = []
    if record.emploi_6_calcul != "publié":
        part = ""
        if record.part_emploi_6 is not None:
            part = f" ({_percent(record.part_emploi_6)})"
        parts.append(
            f" Taux calculé {record.emploi_6_calcul} ; le champ taux_en_emploi_6_mois{part} de "
            "l'API Exposition rapporte les emplois à tous les inscrits en dernière année : ce "
            "n'est pas le taux officiel."
        )
    if record.uai_donnee and record.uai_donnee != record.uai:
        kind = f", {record.uai_donnee_type}" if record.uai_donnee_type else ""
        parts.append(f" Chiffres de l'UAI {record.uai_donnee}{kind}.")
    if record.donnee_source_type in ("ancienne", "nouvelle"):
        code = f" {clean_text(record.donnee_source_code, 20)}" if record.donnee_source_code else ""
        parts.append(
            f" Chiffres repris du diplôme {record.donnee_source_type}{code} (diplôme rénové)."
        )
    return "".join(parts)


def _millesime(millesime: str | None) -> str:
    return millesime or "millésime non indiqué"


def _percent(fraction: float) -> str:
    return format_percent(fraction, 1, strip_zeros=True)


def _points(fraction: float) -> str:
    rounded = excel_round(fraction * 100, 1)
    sign = "+" if rounded > 0 else "-" if rounded < 0 else ""
    return f"{sign}{format_number(float(abs(rounded)))} points"


def _same(a: float, b: float, digits: int = 1) -> bool:
    """Equal as shown in percent with ``digits`` decimals (0.49 and 49,0 % are the same)."""
    return excel_round(a * 100, digits) == excel_round(b * 100, digits)


# ---------------------------------------------------------------------------------------------
# site level: the establishment's official figures

_FIGURES: tuple[tuple[str, str, bool], ...] = (
    ("emploi_6", "Taux d'emploi à 6 mois", False),
    ("emploi_6_attendu", "Taux d'emploi à 6 mois attendu", False),
    ("va_emploi_6", "Valeur ajoutée officielle (emploi à 6 mois)", True),
    ("poursuite", "Taux de poursuite d'études", False),
    ("emploi_12", "Taux d'emploi à 12 mois", False),
    ("emploi_18", "Taux d'emploi à 18 mois", False),
    ("emploi_24", "Taux d'emploi à 24 mois", False),
)


def _establishments(ctx: _Context) -> tuple[EstablishmentPlan, ...]:
    if not ctx.lookup or not ctx.data.has_kind(FileKind.ETABLISSEMENT):
        return ()
    by_uai: dict[str, list[EstablishmentRecord]] = {}
    for record in ctx.data.establishments:
        if record.uai in ctx.role:
            by_uai.setdefault(record.uai, []).append(record)
    if not by_uai:
        searched = ", ".join(u for u, _ in ctx.lookup)
        ctx.problems.append(
            Problem(
                Severity.AVERTISSEMENT,
                "",
                "",
                f"Aucune ligne du fichier par établissement pour les UAI du site ({searched}) : "
                "vérifiez les UAI de la configuration (le CFA est peut-être publié sous l'UAI de "
                "son CFA responsable).",
            )
        )
        return ()
    first_role = next(role for uai, role in ctx.lookup if uai in by_uai)
    plans = []
    for uai, role in ctx.lookup:
        if role != first_role or uai not in by_uai:
            continue
        records = sorted(by_uai[uai], key=lambda r: millesime_key(r.millesime))
        plans.append(_establishment(ctx, uai, role, records))
    return tuple(plans)


def _establishment(
    ctx: _Context, uai: str, role: str, records: list[EstablishmentRecord]
) -> EstablishmentPlan:
    latest = records[-1]
    published = [r for r in records if r.published]
    latest_published = (
        published[-1].millesime if published and published[-1] is not latest else None
    )
    rate_format = ctx.config.formats.taux
    va_format = ctx.config.formats.valeur_ajoutee
    figures = []
    for key, label, points in _FIGURES:
        value = getattr(latest, key)
        if value is None:
            text = "non publié"
        else:
            text = _points(value) if points else _percent(value)
        figures.append(Figure(key, label, value, text, va_format if points else rate_format))
    emploi, attendu, va = latest.emploi_6, latest.emploi_6_attendu, latest.va_emploi_6
    if emploi is not None and attendu is not None and va is not None:
        gap = abs(float(excel_round((emploi - attendu - va) * 100, 0)))
        if gap > 1:
            ctx.problems.append(
                Problem(
                    Severity.AVERTISSEMENT,
                    latest.origin.file,
                    latest.origin.position,
                    f"UAI {uai} : taux {_percent(emploi)} − attendu {_percent(attendu)} ne donne "
                    f"pas la valeur ajoutée publiée ({_points(va)}), même à un point "
                    "d'arrondi près.",
                )
            )
    source = f"InserJeunes {_millesime(latest.millesime)} — fichier {latest.origin}"
    who = f"UAI {uai}" + (f", {role}" if role != "site" else "")
    if va is not None and emploi is not None and attendu is not None:
        va_text = (
            f"La valeur ajoutée officielle ({_points(va)}) est le taux d'emploi à 6 mois observé "
            f"({_percent(emploi)}) moins le taux attendu pour des établissements comparables "
            f"({_percent(attendu)}), "
        )
    else:
        va_text = "La valeur ajoutée officielle, quand elle est publiée, est le taux d'emploi "
        va_text += "à 6 mois observé moins le taux attendu pour des établissements comparables, "
    note = (
        f"Chiffres officiels InserJeunes de l'établissement ({who}), "
        f"{_millesime(latest.millesime)}, toutes formations confondues. {va_text}calculée "
        "pour l'établissement et non par formation : ce n'est pas l'indicateur 9 du classeur "
        "(écart au taux moyen du certificateur, par formation). "
        f"Source : {latest.origin}."
    )
    return EstablishmentPlan(
        uai=uai,
        role=role,
        libelle=latest.libelle,
        millesime=latest.millesime,
        figures=tuple(figures),
        source=source,
        note=note,
        latest_published=latest_published,
    )


__all__ = [
    "Action",
    "CellPlan",
    "EstablishmentPlan",
    "Figure",
    "InserJeunesPlan",
    "Pending",
    "Reason",
    "RowPlan",
    "build_plan",
    "site_settings",
    "status_text",
]
