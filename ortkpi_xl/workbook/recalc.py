"""From a read workbook to results, findings and the changes Recalculer makes.

Pure functions over ``WorkbookData`` (no file access): the CLI, the buttons and the tests all
use them, so Recalculer and Valider mean the same thing everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass

from openpyxl.utils import get_column_letter

from ..cells import EXCEL_ERRORS, CellReader, State
from ..checks import check_rows, check_stale
from ..config import Config
from ..engine import Computation, Outcome, compute
from ..fields import FIELD_BY_KEY
from ..findings import Finding, Severity, sort_key
from ..indicators import EXTERNAL_KEYS, INDICATORS, Indicator
from ..synthesis import SiteTable, Synthesis, summarize
from .changes import UNSET, CellChange, ChangeSet
from .controls import CONTROLS_SHEET, controls_sheet  # noqa: F401 - re-exported
from .layout import Table
from .outputs import readiness_findings, tool_sheets
from .reader import SheetData, WorkbookData, stored_computed, table_columns


@dataclass
class TableResult:
    sheet: SheetData
    table: Table
    computation: Computation


def compute_tables(book: WorkbookData, config: Config) -> list[TableResult]:
    results = []
    for sheet in book.sheets:
        for table in sheet.tables:
            comp = compute(table_columns(sheet, table), config, locate=table.address)
            results.append(TableResult(sheet, table, comp))
    return results


def structural_findings(book: WorkbookData, results: list[TableResult]) -> list[Finding]:
    """Missing or doubled columns, and error values anywhere outside the tables' cells."""
    findings: list[Finding] = []
    covered: dict[str, set[tuple[int, int]]] = {}
    for res in results:
        table, name = res.table, res.sheet.name
        for f in table.missing_required():
            blocked = [
                str(i.number)
                for i in INDICATORS
                if f.key in i.inputs and not table.computable(i) and i.key in table.columns
            ]
            consequence = f" ; indicateur(s) {', '.join(blocked)} non calculé(s)" if blocked else ""
            findings.append(
                Finding(
                    Severity.ERREUR,
                    name,
                    table.header_address(),
                    "colonne_manquante",
                    f"{table.header_address()} : colonne « {f.label} » introuvable dans l'en-tête "
                    f"de la ligne {table.header_row} — ajoutez-la ou renommez l'en-tête"
                    f"{consequence}.",
                )
            )
        for column, key in table.duplicate_headers.items():
            cell = f"{get_column_letter(column)}{table.header_row}"
            findings.append(
                Finding(
                    Severity.AVERTISSEMENT,
                    name,
                    cell,
                    "colonne_en_double",
                    f"{cell} : deuxième colonne « {FIELD_BY_KEY[key].label} » — seule la première "
                    f"(colonne {get_column_letter(table.columns[key])}) est utilisée.",
                )
            )
        if not table.rows:
            findings.append(
                Finding(
                    Severity.AVERTISSEMENT,
                    name,
                    table.header_address(),
                    "tableau_vide",
                    f"{table.header_address()} : aucune ligne de formation sous l'en-tête — "
                    "saisissez une ligne par formation et promotion.",
                )
            )
        cells = covered.setdefault(name, set())
        for row in table.rows:
            for column in table.columns.values():
                cells.add((row, column))
    reader_errors = _error_cells(book, covered)
    return findings + reader_errors


def _error_cells(book: WorkbookData, covered: dict[str, set[tuple[int, int]]]) -> list[Finding]:
    findings = []
    for sheet in book.sheets:
        if sheet.name == CONTROLS_SHEET:
            continue
        skip = covered.get(sheet.name, set())
        for r, line in enumerate(sheet.grid, start=1):
            for c, value in enumerate(line, start=1):
                if isinstance(value, str) and value in EXCEL_ERRORS and (r, c) not in skip:
                    cell = f"{get_column_letter(c)}{r}"
                    formula = sheet.formulas.get((r, c))
                    how = f" (formule {formula})" if formula else ""
                    findings.append(
                        Finding(
                            Severity.ERREUR,
                            sheet.name,
                            cell,
                            "cellule_en_erreur",
                            f"{cell} : la cellule affiche {value}{how} — corrigez la formule ou "
                            "la valeur.",
                        )
                    )
    return findings


def validate(book: WorkbookData, config: Config) -> list[Finding]:
    """Every finding of the spec for the workbook as it is (before any recalculation)."""
    results = compute_tables(book, config)
    findings = structural_findings(book, results)
    for res in results:
        findings += check_rows(res.computation, res.sheet.name, res.table.address)
        stored = stored_computed(res.sheet, res.table)
        stored = {k: v for k, v in stored.items() if res.table.computable(_indicator(k))}
        findings += check_stale(res.computation, stored, res.sheet.name, res.table.address)
    findings += readiness_findings(book, results, findings, config)  # each site's state
    return sorted(findings, key=sort_key)


def _indicator(key: str) -> Indicator:
    return next(i for i in INDICATORS if i.key == key)


# ---------------------------------------------------------------------------------------------
# Recalculer


@dataclass
class Recalculation:
    """What Recalculer found and will write."""

    changes: ChangeSet
    findings: list[Finding]
    results: list[TableResult]

    def __iter__(self):  # ``changes, findings = recalculate(...)``
        return iter((self.changes, self.findings))

    @property
    def rows(self) -> int:
        return sum(len(r.table.rows) for r in self.results)

    @property
    def sheets(self) -> list[str]:
        return sorted({r.sheet.name for r in self.results})

    @property
    def pending(self) -> int:
        """Cells of indicators 9–11 still waiting for a figure (shown in yellow)."""
        return self.count(Outcome.PENDING, EXTERNAL_KEYS)

    def count(self, outcome: Outcome, keys: tuple[str, ...]) -> int:
        return sum(
            int((r.computation.outcomes[k]["outcome"] == outcome.value).sum())
            for r in self.results
            for k in keys
            if k in r.table.columns
        )


def recalculate(book: WorkbookData, config: Config) -> Recalculation:
    """The changes Recalculer makes, and the findings that remain once they are made."""
    results = compute_tables(book, config)
    changes = ChangeSet()
    for res in results:
        for change in table_changes(res, config):
            changes.add(res.sheet.name, change)
    findings = structural_findings(book, results)
    for res in results:
        findings += check_rows(res.computation, res.sheet.name, res.table.address)
    findings, sheets = tool_sheets(book, results, findings, config)  # readiness, Contrôles…
    changes.owned_sheets += sheets
    return Recalculation(changes, findings, results)


def synthesis_of(results: list[TableResult], findings: list[Finding]) -> Synthesis:
    """Pooled figures per site sheet and for the whole workbook (see ``synthesis``)."""
    return summarize(
        [SiteTable(r.sheet.name, r.computation, frozenset(r.table.columns)) for r in results],
        findings,
    )


def table_changes(res: TableResult, config: Config) -> list[CellChange]:
    """Cell changes for one table: computed values, words, notes and highlights."""
    table, comp = res.table, res.computation
    reader = CellReader(config)
    out: list[CellChange] = []
    for ind in table.writable_indicators():
        column = table.columns[ind.key]
        fmt = getattr(config.formats, ind.format_key)
        frame = comp.outcomes[ind.key]
        outcomes = frame["outcome"].tolist()
        values = frame["value"].tolist()
        texts = frame["text"].tolist()
        notes = frame["note"].tolist()
        for i, row in enumerate(table.rows):
            outcome = Outcome(outcomes[i])
            pending = outcome is Outcome.PENDING and ind.external
            if ind.computed:
                value = values[i] if outcome is Outcome.VALUE else texts[i]
                out.append(
                    CellChange(
                        row,
                        column,
                        value=value,
                        number_format=fmt,
                        highlight=pending if ind.external else None,
                        note=notes[i] or "",
                    )
                )
                continue
            if ind.rule.value == "note":  # survey marks: the tool never writes there
                continue
            # typed figures 10, 11: fill an empty cell with the tool's word, never a person's
            current = reader.read(res.sheet.value(row, column), FIELD_BY_KEY[ind.key].kind)
            value: object = UNSET
            if outcome in (Outcome.PENDING, Outcome.SMALL_COHORT) and current.state in (
                State.BLANK,
                State.MARKER,
            ):
                value = texts[i]
            out.append(
                CellChange(
                    row,
                    column,
                    value=value,
                    number_format=fmt if value is UNSET else None,
                    highlight=pending,
                    note=notes[i] or "",
                )
            )
    return out
