"""Turning InserJeunes plans into workbook changes, then recalculating.

The import fills cells, then runs the same Recalculer as everywhere else on the updated values,
so indicator 9, the awaited figures and the notes follow from the new figures. The official
figures of each site's establishment (every millésime of the establishment file, with the file
and line they come from) go into a sheet the tool owns (``official.OFFICIAL_SHEET``), as numbers
in labelled cells: Recalculer shows them in ``Synthèse`` and ``publier`` on the web page. The
text block earlier versions wrote above a site's header is removed (it was the tool's).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..config import Config
from ..errors import InputDataError
from ..findings import Finding, Severity
from ..official import (
    OFFICIAL_SHEET,
    TITLE,
    OfficialFigures,
    official_figures,
    sheet_rows,
)
from ..readiness import READINESS_RULES, configured_sites
from ..workbook.changes import UNSET, CellChange, ChangeSet, OwnedSheet, PrintSetup
from ..workbook.outputs import tool_sheets
from ..workbook.reader import SheetData, WorkbookData, table_columns
from ..workbook.recalc import Recalculation, recalculate
from .plan import Action, InserJeunesPlan, build_plan
from .records import FileKind, InserJeunesData

BLOCK_PREFIX = "InserJeunes — établissement"  # the old block above a site's header


@dataclass
class ImportResult:
    plans: list[InserJeunesPlan]
    changes: ChangeSet
    recalculation: Recalculation
    findings: list[Finding]
    official: OfficialFigures | None = None  # None: no establishment file among the inputs

    @property
    def written(self) -> int:
        return sum(len([c for c in p.writes if c.field != "source"]) for p in self.plans)


def _set(book: WorkbookData, sheet: str, row: int, column: int, value: object) -> None:
    grid = book.sheet(sheet).grid
    while len(grid) < row:
        grid.append([])
    line = grid[row - 1]
    while len(line) < column:
        line.append(None)
    line[column - 1] = value


def _network(book: WorkbookData, config: Config) -> list[str]:
    """The sites the official figures are looked up for: the site sheets, then the sites of
    the configuration that have no sheet here."""
    names = [s.name for s in book.sheets if s.tables]
    known = {n.casefold() for n in names}
    return names + [n for n in configured_sites(config) if n.casefold() not in known]


def official_sheet(official: OfficialFigures, config: Config) -> OwnedSheet:
    """The sheet that keeps the official figures: one row per site and millésime."""
    layout = sheet_rows(official)
    header = 5
    widths = [18.0, 11.0, 10.0, 62.0, 15.0, 12.0, 12.0, 15.0] + [12.0] * 4 + [26.0, 9.0]
    return OwnedSheet(
        OFFICIAL_SHEET,
        layout.rows,
        claims=(TITLE,),
        widths=widths,
        header_row=header,
        number_formats=layout.formats,
        print_setup=PrintSetup(
            landscape=True,
            fit_width=1,
            title_rows=(header, header),
            area=f"A1:N{len(layout.rows)}",
            footer="Chiffres officiels InserJeunes",
        ),
    )


def _check_sheet_is_ours(book: WorkbookData) -> None:
    """Before any work: a person's sheet named like the official one stops the import (the
    writer would refuse it too, later; same rule, ``OwnedSheet.replaces``)."""
    sheet = next((s for s in book.sheets if s.name == OFFICIAL_SHEET), None)
    if sheet is None:
        return
    filled = any(v is not None for line in sheet.grid for v in line)
    ours = OwnedSheet(OFFICIAL_SHEET, [], claims=(TITLE,))
    if not ours.replaces(filled, sheet.value(1, 1)):
        raise InputDataError(
            f"Le classeur a déjà une feuille « {OFFICIAL_SHEET} » qui n'est pas celle de "
            "l'outil : renommez-la, puis relancez l'import (l'outil y range les chiffres "
            "officiels de chaque établissement)."
        )


def _official_findings(official: OfficialFigures) -> list[Finding]:
    out = []
    for site in official.sites:
        latest = site.latest
        if latest is None:
            message = site.note or (
                f"« {site.site} » : InserJeunes ne publie aucun chiffre pour l'établissement."
            )
        else:
            published = sum(1 for y in site.years if y.published)
            emploi = latest.value("emploi_6")
            va = latest.value("va_emploi_6")
            figures = []
            if emploi is not None:
                figures.append(f"emploi à 6 mois {round(emploi * 100):d} %")
            if va is not None:
                figures.append(f"valeur ajoutée officielle {round(va * 100):+d} points")
            poursuite = latest.value("poursuite")
            if poursuite is not None:
                figures.append(f"poursuite d'études {round(poursuite * 100):d} %")
            message = (
                f"Chiffres officiels de « {site.site} » (UAI {latest.uai}) : {published} "
                f"millésime{'s' if published > 1 else ''}, le dernier {latest.millesime}"
                + (f" ({', '.join(figures)})" if figures else "")
                + f" — feuille « {OFFICIAL_SHEET} »."
            )
        out.append(Finding(Severity.INFO, OFFICIAL_SHEET, "", "inserjeunes_officiel", message))
    return out


def import_figures(
    book: WorkbookData, data: InserJeunesData, config: Config, *, remplacer: bool = False
) -> ImportResult:
    """Plan every site table, apply the plan to the values read, recalculate, merge."""
    plans: list[InserJeunesPlan] = []
    planned: dict[tuple[str, int, int], CellChange] = {}
    findings: list[Finding] = []
    official: OfficialFigures | None = None
    if data.has_kind(FileKind.ETABLISSEMENT):
        _check_sheet_is_ours(book)
        official = official_figures(data, _network(book, config), config)
    for sheet in book.sheets:
        for table in sheet.tables:
            plan = build_plan(
                sheet.name,
                data,
                table_columns(sheet, table),
                config,
                remplacer=remplacer,
                locate=table.address,
            )
            plans.append(plan)
            for cp in plan.writes:
                column = table.columns.get(cp.field)
                if column is None:
                    findings.append(
                        Finding(
                            Severity.AVERTISSEMENT,
                            sheet.name,
                            table.header_address(),
                            "inserjeunes_colonne_absente",
                            f"{table.header_address()} : pas de colonne pour « {cp.field} » — "
                            f"{cp.detail}",
                        )
                    )
                    continue
                row = table.rows[cp.row]
                planned[(sheet.name, row, column)] = CellChange(
                    row, column, value=cp.value, number_format=cp.number_format
                )
                _set(book, sheet.name, row, column, cp.value)
            findings += _plan_findings(plan, sheet.name)
            if official is not None and table.first_header_row > 1:
                row, column = table.first_header_row - 1, min(table.columns.values())
                current = sheet.value(row, column)
                if isinstance(current, str) and current.startswith(BLOCK_PREFIX):
                    planned[(sheet.name, row, column)] = CellChange(row, column, None, note="")
                    _set(book, sheet.name, row, column, None)
    owned: list[OwnedSheet] = []
    if official is not None:
        sheet = official_sheet(official, config)
        owned.append(sheet)
        book.sheets = [s for s in book.sheets if s.name != OFFICIAL_SHEET]
        book.sheets.append(SheetData(OFFICIAL_SHEET, [list(r) for r in sheet.rows]))
        findings += _official_findings(official)
    recalculation = recalculate(book, config)
    changes = ChangeSet(
        pending_rules=recalculation.changes.pending_rules,
        written=recalculation.changes.written,
    )
    for sheet_name, cell_changes in recalculation.changes.cells.items():
        for change in cell_changes:
            own = planned.pop((sheet_name, change.row, change.column), None)
            if own is not None:  # the figure from the file, the state from the recalculation
                change = replace(
                    change, value=own.value, number_format=own.number_format or change.number_format
                )
            changes.add(sheet_name, change)
    for (sheet_name, _, _), change in planned.items():
        changes.add(sheet_name, change)
    base = [f for f in recalculation.findings if f.regle not in READINESS_RULES]
    all_findings, sheets = tool_sheets(
        book, recalculation.results, base + findings, config, official=official
    )
    changes.owned_sheets = owned + sheets
    return ImportResult(plans, changes, recalculation, all_findings, official)


def _plan_findings(plan: InserJeunesPlan, sheet: str) -> list[Finding]:
    out = []
    for cp in plan.cells(Action.FILL, Action.REPLACE, Action.KEEP):
        if cp.field == "source":
            continue
        cell = cp.cell or ""
        prefix = f"{cell} : " if cell else ""
        if cp.action is Action.KEEP:
            out.append(
                Finding(
                    Severity.AVERTISSEMENT,
                    sheet,
                    cell,
                    "inserjeunes_different",
                    f"{prefix}{cp.detail}",
                )
            )
        else:
            out.append(
                Finding(Severity.INFO, sheet, cell, "inserjeunes_rempli", f"{prefix}{cp.detail}")
            )
    for p in plan.pending:
        cell = p.cell or ""
        out.append(
            Finding(
                Severity.INFO,
                sheet,
                cell,
                "inserjeunes_en_attente",
                f"{cell + ' : ' if cell else ''}{p.message}",
            )
        )
    for problem in plan.problems:
        if not problem.file:
            out.append(Finding(problem.severity, sheet, "", "inserjeunes_probleme", str(problem)))
    return out


__all__ = ["BLOCK_PREFIX", "ImportResult", "UNSET", "import_figures", "official_sheet"]
