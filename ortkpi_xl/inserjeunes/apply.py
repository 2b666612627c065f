"""Turning InserJeunes plans into workbook changes, then recalculating.

The import fills cells, then runs the same Recalculer as everywhere else on the updated values,
so indicator 9, the highlights and the notes follow from the new figures. The establishment
figures (official VA and expected rate, per UAI) go into the site block: the cell above the
header row of the site's first table, when it is empty or already holds the tool's block.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..config import Config
from ..findings import Finding, Severity, sort_key
from ..workbook.changes import UNSET, CellChange, ChangeSet
from ..workbook.reader import WorkbookData, table_columns
from ..workbook.recalc import Recalculation, controls_sheet, recalculate
from .plan import Action, EstablishmentPlan, InserJeunesPlan, build_plan
from .records import InserJeunesData

BLOCK_PREFIX = "InserJeunes — établissement"


@dataclass
class ImportResult:
    plans: list[InserJeunesPlan]
    changes: ChangeSet
    recalculation: Recalculation
    findings: list[Finding]

    @property
    def written(self) -> int:
        return sum(len([c for c in p.writes if c.field != "source"]) for p in self.plans)


def block_text(establishments: tuple[EstablishmentPlan, ...]) -> str:
    """The site block: one line per UAI with the official figures and their provenance."""
    lines = []
    for est in establishments:
        figures = " ; ".join(f"{f.label} {f.text}" for f in est.figures)
        lines.append(
            f"{BLOCK_PREFIX} {est.uai} ({est.role}, {est.millesime or 'millésime ?'}) "
            f": {figures}. Source : {est.source}."
        )
    return "\n".join(lines)


def _set(book: WorkbookData, sheet: str, row: int, column: int, value: object) -> None:
    grid = book.sheet(sheet).grid
    while len(grid) < row:
        grid.append([])
    line = grid[row - 1]
    while len(line) < column:
        line.append(None)
    line[column - 1] = value


def import_figures(
    book: WorkbookData, data: InserJeunesData, config: Config, *, remplacer: bool = False
) -> ImportResult:
    """Plan every site table, apply the plan to the values read, recalculate, merge."""
    plans: list[InserJeunesPlan] = []
    planned: dict[tuple[str, int, int], CellChange] = {}
    findings: list[Finding] = []
    seen_sheets: set[str] = set()
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
            if plan.establishments and sheet.name not in seen_sheets and table.header_row > 1:
                row, column = table.header_row - 1, min(table.columns.values())
                current = sheet.value(row, column)
                if current is None or (
                    isinstance(current, str) and current.startswith(BLOCK_PREFIX)
                ):
                    text = block_text(plan.establishments)
                    planned[(sheet.name, row, column)] = CellChange(
                        row, column, value=text, note=plan.establishments[0].note
                    )
                    _set(book, sheet.name, row, column, text)
                else:
                    findings.append(
                        Finding(
                            Severity.INFO,
                            sheet.name,
                            f"A{row}",
                            "inserjeunes_bloc_site",
                            "Chiffres de l'établissement non écrits au-dessus de l'en-tête (cellule"
                            f" occupée) : {block_text(plan.establishments)}",
                        )
                    )
            seen_sheets.add(sheet.name)
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
    all_findings = sorted(recalculation.findings + findings, key=sort_key)
    changes.owned_sheets = [controls_sheet(all_findings)] + [
        o for o in recalculation.changes.owned_sheets if o.name != "Contrôles"
    ]
    return ImportResult(plans, changes, recalculation, all_findings)


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


__all__ = ["BLOCK_PREFIX", "ImportResult", "UNSET", "block_text", "import_figures"]
