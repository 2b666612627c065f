"""Consolidation: the sites' workbooks gathered into one network workbook.

The network's quality manager receives one workbook per site. Each is read and validated on
its own; a workbook that cannot be read or does not pass validation is reported and the others
go on. Every site sheet that holds figures is copied, inputs only, into a sheet of the template's
layout; Recalculer then computes the whole network workbook, its ``Synthèse`` sheet included, so
the figures are the tool's own and never a stale value typed in a site's file.

Duplicates are reported, never merged silently:
- the same site (sheet name, compared the way a person reads it) in two workbooks: the first one
  (in the order given, folders in name order) is kept, the other is left out;
- the same programme and promotion twice within a site: an error (it would count twice);
- the same programme and promotion with the same headcounts in two sites: a warning (probably
  one cohort typed twice).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook

from .config import Config
from .errors import InputDataError, OrtkpiError
from .fields import COUNT_KEYS, FIELD_BY_KEY, FIELDS, Kind
from .findings import Finding, Severity, count_by_severity
from .formatting import format_number
from .normalize import label_key
from .readiness import COVERAGE_RULES
from .synthesis import Programme, Synthesis, programme_key
from .workbook.changes import CellStyle, OwnedSheet, PrintSetup
from .workbook.reader import read_workbook
from .workbook.recalc import (
    TableResult,
    carried_rows,
    compute_tables,
    recalculate,
    synthesis_of,
    validate,
)
from .workbook.template import HEADER_ROW, _site_sheet, template_rows
from .workbook.writer import apply_changes, save_atomically, set_value, write_owned_sheet

CONSOLIDATION_SHEET = "Consolidation"
CONSOLIDATION_TITLE = "Consolidation des classeurs des sites"  # A1: the sheet is the tool's
SYNTHESIS_SHEET = "Synthèse"
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
Progress = Callable[[int, int, str], None]  # (done, total, what is being read)


@dataclass(frozen=True)
class Issue:
    """Something the quality manager must know about one workbook or sheet."""

    gravite: Severity
    classeur: str  # file name
    feuille: str  # sheet name, '' for the whole workbook
    regle: str  # classeur_illisible, classeur_invalide, site_en_double, formation_en_double…
    message: str  # French

    def as_dict(self) -> dict[str, str]:
        return {
            "gravite": self.gravite.value,
            "classeur": self.classeur,
            "feuille": self.feuille,
            "regle": self.regle,
            "message": self.message,
        }


@dataclass
class SiteCopy:
    """A site sheet taken into the network workbook: where from, and its input values."""

    name: str
    source: Path
    sheet: str
    rows: list[dict[str, object]]  # field key → raw value, input fields only
    programmes: list[Programme]
    doubles: tuple[str, ...] = ()  # programmes typed twice on the sheet (counted once)


@dataclass
class Consolidation:
    inputs: list[Path]
    sites: list[SiteCopy] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    synthesis: Synthesis | None = None  # of the network workbook, once written
    findings: list[Finding] = field(default_factory=list)  # of the network workbook

    @property
    def ok(self) -> bool:
        return all(i.gravite is not Severity.ERREUR for i in self.issues)


def workbook_paths(
    paths: Iterable[str | Path], *, exclude: Iterable[Path] = (), backup_suffix: str = ""
) -> list[Path]:
    """The workbooks named, folders expanded (their .xlsx/.xlsm in name order), each once.

    In a folder, the tool's own backups (``<stem><backup_suffix>.xlsx``) are left out: they hold
    a site's previous figures, not a second site.
    """
    excluded = {Path(p).resolve() for p in exclude}
    found: list[Path] = []
    seen: set[Path] = set()
    for given in paths:
        path = Path(given)
        candidates = (
            sorted(
                (p for p in path.iterdir() if p.suffix.lower() in WORKBOOK_SUFFIXES),
                key=lambda p: p.name.casefold(),
            )
            if path.is_dir()
            else [path]
        )
        for candidate in candidates:
            if path.is_dir() and candidate.name.startswith(("~$", ".")):
                continue  # Excel's lock files, hidden files
            if path.is_dir() and backup_suffix and candidate.stem.endswith(backup_suffix):
                continue
            resolved = candidate.resolve()
            if resolved in seen or resolved in excluded:
                continue
            seen.add(resolved)
            found.append(candidate)
    return found


def _input_rows(results: list[TableResult], sheet_name: str) -> list[dict[str, object]]:
    """What the network workbook receives from a site sheet: see ``recalc.carried_rows``."""
    return [row for res in results if res.sheet.name == sheet_name for row in carried_rows(res)]


def _first_errors(findings: list[Finding], limit: int = 3) -> str:
    errors = [f for f in findings if f.gravite is Severity.ERREUR]
    shown = " ; ".join(f"« {f.feuille} » {f.message}" for f in errors[:limit])
    more = len(errors) - limit
    return shown + (f" ; et {more} autre(s)" if more > 0 else "")


def gather(
    paths: Sequence[Path], config: Config, *, progress: Progress | None = None
) -> Consolidation:
    """Read and validate every workbook, take each site once, report every problem."""
    result = Consolidation(list(paths))
    candidates: dict[str, list[SiteCopy]] = {}  # site key → copies, in the order read
    total = len(paths)
    for index, path in enumerate(paths):
        if progress:
            progress(index, total, path.name)
        try:
            book = read_workbook(path, config)
            findings = validate(book, config)
            results = compute_tables(book, config)
        except OrtkpiError as exc:
            rule = "aucune_feuille_de_site" if isinstance(exc, InputDataError) else "illisible"
            result.issues.append(
                Issue(Severity.ERREUR, path.name, "", f"classeur_{rule}", f"{exc} Classeur ignoré.")
            )
            continue
        # a site's workbook made from the template carries the other sites' empty sheets:
        # they are left out below (feuille_vide), not a reason to call the workbook invalid
        counts = count_by_severity(f for f in findings if f.regle not in COVERAGE_RULES)
        findings = [f for f in findings if f.regle not in COVERAGE_RULES]
        if counts[Severity.ERREUR]:
            result.issues.append(
                Issue(
                    Severity.ERREUR,
                    path.name,
                    "",
                    "classeur_invalide",
                    f"{counts[Severity.ERREUR]} erreur(s) de validation — ses chiffres sont "
                    "repris mais le classeur n'est pas prêt pour la transmission "
                    f"(ortkpi-xl valider {path.name}) : {_first_errors(findings)}.",
                )
            )
        for summary in synthesis_of(results, findings).sites:
            if not summary.has_data:
                result.issues.append(
                    Issue(
                        Severity.INFO,
                        path.name,
                        summary.name,
                        "feuille_vide",
                        f"{path.name}, feuille « {summary.name} » : aucun effectif ni indicateur "
                        "saisi — feuille non reprise.",
                    )
                )
                continue
            rows = _input_rows(results, summary.name)
            copy = SiteCopy(
                summary.name, path, summary.name, rows, list(summary.programmes), summary.doubles
            )
            candidates.setdefault(label_key(summary.name, drop_number=False), []).append(copy)
    if progress:
        progress(total, total, "")
    for copies in candidates.values():
        kept, issues = _choose(copies, config)
        result.sites.append(kept)
        result.issues += issues
    result.issues += _programme_duplicates(result.sites)
    order = {Severity.ERREUR: 0, Severity.AVERTISSEMENT: 1, Severity.INFO: 2}
    result.issues.sort(key=lambda i: (order[i.gravite], i.classeur.casefold(), i.feuille))
    return result


def _choose(copies: list[SiteCopy], config: Config) -> tuple[SiteCopy, list[Issue]]:
    """One version of a site: the first that is not the template's untouched sample.

    Every workbook made from the template carries the template's sample figures for its sites
    (the Ecole de Travail's published ones): such a copy gives way to a real version without
    alarm. Two different real versions are an error: the first is kept, the other reported.
    """
    sample = template_signature(copies[0].name, config)
    signatures = [_signature(c.rows, config) for c in copies]
    real = [c for c, sig in zip(copies, signatures, strict=True) if sig != sample]
    kept = real[0] if real else copies[0]
    kept_signature = _signature(kept.rows, config)
    issues = []
    for copy, signature in zip(copies, signatures, strict=True):
        if copy is kept:
            continue
        where = f"{kept.source.name} (feuille « {kept.sheet} »)"
        if signature == kept_signature:
            severity, what = (
                Severity.INFO,
                f"figure aussi, à l'identique, dans {where} : repris une seule fois.",
            )
        elif signature == sample:
            severity, what = (
                Severity.INFO,
                "n'a ici que les chiffres d'exemple du modèle : la version de "
                f"{where} est reprise.",
            )
        else:
            severity, what = (
                Severity.ERREUR,
                f"figure aussi, avec d'autres chiffres, dans {where} : seule la version de "
                f"{kept.source.name} est reprise, celle de {copy.source.name} est ignorée. "
                "Retirez le classeur en trop (ou renommez la feuille s'il s'agit d'un autre "
                "site), puis relancez.",
            )
        issues.append(
            Issue(
                severity,
                copy.source.name,
                copy.sheet,
                "site_en_double",
                f"Le site « {copy.name} » {what}",
            )
        )
    return kept, issues


def _normal(value: object, config: Config) -> str:
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return format_number(float(value))
    text = label_key(str(value), drop_number=False)
    tool_words = (config.mots.en_attente, config.mots.petit_effectif)
    return "" if text in {label_key(w, drop_number=False) for w in tool_words} else text


Signature = tuple[tuple[tuple[str, str], ...], ...]


def _signature(rows: Iterable[dict[str, object]], config: Config) -> Signature:
    """A site's inputs compared the way a person reads them (the tool's own words as blank)."""
    out = []
    for row in rows:
        normal = ((k, _normal(v, config)) for k, v in row.items())
        out.append(tuple(sorted((k, v) for k, v in normal if v)))
    return tuple(out)


def template_signature(site: str, config: Config) -> Signature | None:
    """The template's sample rows for ``site`` (None when the template has no such site)."""
    rows: list[dict[str, object]] = []
    for line in template_rows():
        if line.get("site") != site:
            continue
        row: dict[str, object] = {}
        for key, raw in line.items():
            if key == "site" or not raw:
                continue
            kind = FIELD_BY_KEY[key].kind
            row[key] = int(raw) if kind in (Kind.COUNT, Kind.LEVEL) else raw
        rows.append(row)
    return _signature(rows, config) if rows else None


def _programme_duplicates(sites: list[SiteCopy]) -> list[Issue]:
    issues: list[Issue] = []
    everywhere: dict[tuple[str, str], list[tuple[SiteCopy, Programme]]] = {}
    for site in sites:
        for double in site.doubles:  # left out of the pooled figures already (synthesis)
            issues.append(
                Issue(
                    Severity.ERREUR,
                    site.source.name,
                    site.sheet,
                    "formation_en_double",
                    f"« {double} » figure deux fois pour le site « {site.name} » : ses "
                    "effectifs ne sont comptés qu'une fois dans les taux regroupés — supprimez "
                    "le doublon ou corrigez la promotion.",
                )
            )
        seen: set[tuple[str, str]] = set()
        for programme in site.programmes:
            key = programme_key(programme)
            if not key[0] or key in seen:
                continue  # two tables of one sheet (CFA, FPA) are two populations, not a double
            seen.add(key)
            everywhere.setdefault(key, []).append((site, programme))
    for entries in everywhere.values():
        for (site_a, a), (site_b, b) in zip(entries, entries[1:], strict=False):
            counts = [a.counts.get(k) for k in COUNT_KEYS]
            if any(c is not None for c in counts) and counts == [
                b.counts.get(k) for k in COUNT_KEYS
            ]:
                issues.append(
                    Issue(
                        Severity.AVERTISSEMENT,
                        site_b.source.name,
                        site_b.sheet,
                        "formation_en_double",
                        f"« {b.label} » {b.promotion} a exactement les mêmes effectifs dans "
                        f"« {site_a.name} » ({site_a.source.name}) et « {site_b.name} » "
                        f"({site_b.source.name}) : la même promotion saisie deux fois ?",
                    )
                )
    return issues


def _consolidation_sheet(result: Consolidation) -> OwnedSheet:
    errors = sum(1 for i in result.issues if i.gravite is Severity.ERREUR)
    rows: list[list[object]] = [
        [CONSOLIDATION_TITLE],
        [
            f"{len(result.inputs)} classeur(s) lu(s), {len(result.sites)} site(s) repris, "
            f"{errors} problème(s) bloquant(s)."
        ],
        ["Chaque site est repris d'un seul classeur ; les indicateurs sont recalculés ici."],
        ["Classeur", "Feuille", "Gravité", "Règle", "Message"],
    ]
    for site in result.sites:
        rows.append(
            [
                site.source.name,
                site.sheet,
                Severity.INFO.value,
                "site_repris",
                f"Site « {site.name} » repris : {len(site.rows)} ligne(s) de formation.",
            ]
        )
    for issue in result.issues:
        rows.append(
            [issue.classeur, issue.feuille, issue.gravite.value, issue.regle, issue.message]
        )
    return OwnedSheet(
        CONSOLIDATION_SHEET,
        rows,
        claims=(CONSOLIDATION_TITLE,),
        widths=[24, 20, 14, 22, 110],
        header_row=4,
        cell_styles={(r, 5): CellStyle(wrap=True) for r in range(5, len(rows) + 1)},
        print_setup=PrintSetup(
            landscape=True,
            title_rows=(4, 4),
            area=f"A1:E{len(rows)}",
            footer="Consolidation des classeurs des sites",
        ),
    )


def build_network_workbook(result: Consolidation, config: Config) -> Workbook:
    """The site sheets (template layout, inputs only) and the consolidation report."""
    wb = Workbook()
    wb.active.title = SYNTHESIS_SHEET  # filled by Recalculer
    for site in result.sites:
        _site_sheet(wb, site.name, [], config)
        ws = wb[site.name]
        ws["A2"] = (
            f"Chiffres repris de {site.source.name} (feuille « {site.sheet} »), indicateurs "
            "recalculés : corrigez-les dans le classeur du site puis relancez ortkpi-xl synthese."
        )
        for r, values in enumerate(site.rows, start=HEADER_ROW + 1):
            for c, f in enumerate(FIELDS, start=1):
                if f.key in values and values[f.key] is not None:
                    set_value(ws.cell(row=r, column=c), values[f.key])
    write_owned_sheet(wb, _consolidation_sheet(result), config)
    wb.properties.creator = "ortkpi-xl"
    wb.properties.title = "Indicateurs de performance du réseau ORT (consolidation)"
    return wb


def consolidate(
    paths: Sequence[Path],
    target: Path,
    config: Config,
    *,
    progress: Progress | None = None,
) -> Consolidation:
    """Gather the workbooks, write the network workbook at ``target`` (recalculated)."""
    result = gather(paths, config, progress=progress)
    if not result.sites:
        raise InputDataError(
            "Aucun site à consolider : aucun classeur lisible n'a de feuille de site avec des "
            "effectifs saisis."
        )
    wb = build_network_workbook(result, config)
    with tempfile.TemporaryDirectory() as tmp:
        draft = Path(tmp) / "reseau.xlsx"
        wb.save(draft)
        book = read_workbook(draft, config)
        changes, findings = recalculate(book, config)
        result.synthesis = synthesis_of(compute_tables(book, config), findings)
        result.findings = findings
    apply_changes(wb, changes, config)
    save_atomically(wb, Path(target))
    return result
