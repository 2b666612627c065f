"""From a read workbook to results, findings and the changes Recalculer makes.

Pure functions over ``WorkbookData`` (no file access): the CLI, the buttons and the tests all
use them, so Recalculer and Valider mean the same thing everywhere. Both run the same plan
(``ownership.plan_table``): Valider says what Recalculer would change, Recalculer changes it,
so Valider never asks for a Recalculer that would change nothing.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from ..bulk import paused_gc
from ..checks import check_rows
from ..config import Config
from ..engine import Computation, Outcome, compute
from ..explanations import HISTORY_PREFIX, column_note, kept_note, replaced_note
from ..fields import COUNT_KEYS, FIELDS, label_of, programme_name, promotion_key
from ..findings import Finding, Severity, sort_key
from ..indicators import INDICATOR_BY_KEY, INDICATORS
from ..normalize import label_key
from ..ownership import (
    AWAITED_KEYS,
    COMPUTED_KEYS,
    INPUT_KEYS,
    Action,
    TablePlan,
    free_inputs,
    plan_table,
    shown_text,
)
from ..synthesis import SiteTable, Synthesis, count_noun, summarize
from .changes import UNSET, CellChange, ChangeSet, PendingRule
from .controls import CONTROLS_SHEET, controls_sheet  # noqa: F401 - re-exported
from .layout import Table, column_letter
from .marks import Marks
from .outputs import readiness_findings, tool_sheets
from .reader import SheetData, WorkbookData, table_columns, table_formats, table_outputs


@dataclass
class TableResult:
    sheet: SheetData
    table: Table
    computation: Computation  # the rows as they read once Recalculer has run
    plan: TablePlan


def compute_tables(
    book: WorkbookData, config: Config, *, validating: bool = False
) -> list[TableResult]:
    results = []
    for sheet in book.sheets:
        for table in sheet.tables:
            stored = table_outputs(sheet, table, book.marks)
            inputs = free_inputs(table_columns(sheet, table), stored, config)
            comp = compute(
                inputs, config, locate=table.address, formats=table_formats(sheet, table)
            )
            plan = plan_table(
                comp, stored, sheet.name, table.address, config, validating=validating
            )
            results.append(TableResult(sheet, table, plan.shown, plan))
    return results


def structural_findings(book: WorkbookData, results: list[TableResult]) -> list[Finding]:
    """Missing or doubled columns, total rows, side sheets, and error values outside tables."""
    findings: list[Finding] = []
    # sheet → (rows, columns) of each table: a cell inside is the table's (asked only of the
    # rare error value, so not spelled out cell by cell)
    covered: dict[str, list[tuple[set[int], set[int]]]] = {}
    for res in results:
        table, name = res.table, res.sheet.name
        findings += _table_findings(table, name)
        covered.setdefault(name, []).append(
            ({*table.rows, *table.total_rows}, set(table.columns.values()))
        )
    for sheet in book.sheets:
        for table in sheet.side_tables:
            cell = table.header_address()
            findings.append(
                Finding(
                    Severity.INFO,
                    sheet.name,
                    cell,
                    "feuille_annexe",
                    f"{cell} : tableau sans colonnes d'effectifs sur une feuille qui n'est pas "
                    "celle d'un site — laissé tel quel, jamais calculé ni publié. Si c'est un "
                    "site, ajoutez les colonnes « Nb candidats … » ou nommez la feuille comme "
                    "le site dans config.yaml (feuilles_sites).",
                )
            )
    return findings + _error_cells(book, covered) + _cross_table_duplicates(results)


def _table_findings(table: Table, name: str) -> list[Finding]:
    findings: list[Finding] = []
    header = table.header_address()
    missing = table.missing_required()
    if missing:
        labels = ", ".join(f"« {f.label} »" for f in missing)
        blocked = sorted(
            {
                i.number
                for i in INDICATORS
                if i.computed and i.key in table.columns and not table.computable(i)
            }
        )
        consequence = (
            f" : les indicateurs {', '.join(map(str, blocked))} ne peuvent pas être calculés "
            "(un taux saisi dans leurs colonnes est gardé tel quel)"
            if blocked
            else ""
        )
        findings.append(
            Finding(
                Severity.AVERTISSEMENT,
                name,
                header,
                "colonne_manquante",
                f"{header} : colonne(s) introuvable(s) dans l'en-tête de "
                f"{table.header_rows_text()} : {labels}{consequence} — ajoutez-les ou renommez "
                "l'en-tête.",
            )
        )
    for column, key in table.duplicate_headers.items():
        cell = f"{column_letter(column)}{table.label_row(column)}"
        findings.append(
            Finding(
                Severity.AVERTISSEMENT,
                name,
                cell,
                "colonne_en_double",
                f"{cell} : deuxième colonne « {label_of(key)} » — seule la première "
                f"(colonne {column_letter(table.columns[key])}) est utilisée ; celle-ci est "
                "laissée telle quelle.",
            )
        )
    if not table.rows:
        findings.append(
            Finding(
                Severity.AVERTISSEMENT,
                name,
                header,
                "tableau_vide",
                f"{header} : aucune ligne de formation sous l'en-tête — saisissez une ligne par "
                "formation et promotion.",
            )
        )
    first_column = column_letter(min(table.columns.values()))
    for row, why in table.total_rows.items():
        cell = f"{first_column}{row}"
        findings.append(
            Finding(
                Severity.INFO,
                name,
                cell,
                "ligne_total",
                f"{cell} : ligne de total ({why}) — ni calculée, ni regroupée, ni publiée comme "
                "une formation.",
            )
        )
    for row, source in table.guessed_names.items():
        cell = f"{first_column}{row}"
        findings.append(
            Finding(
                Severity.INFO,
                name,
                cell,
                "nom_repris",
                f"{cell} : pas de nom de formation sur cette ligne : elle est lue comme une autre "
                f"promotion de la formation de la ligne {source} (cellule fusionnée ?) — "
                "vérifiez, ou saisissez le nom.",
            )
        )
    return findings


def _cross_table_duplicates(results: list[TableResult]) -> list[Finding]:
    """The same programme and cohort in two tables of one sheet: often two populations
    (the seed's Toulouse: CFA and FPA), so a warning, not an error."""
    findings = []
    seen: dict[tuple[str, str, str], tuple[int, str]] = {}
    tables_per_sheet = Counter(res.sheet.name for res in results)
    for index, res in enumerate(results):
        if tables_per_sheet[res.sheet.name] < 2:
            continue  # a table alone on its sheet: its own doubles are check_rows' findings
        comp = res.computation
        for row in range(comp.rows):
            name = programme_name(lambda key, row=row, comp=comp: comp.reading(row, key).text)
            if not name:
                continue
            promotion = comp.reading(row, "promotion").text
            key = (res.sheet.name, label_key(name, drop_number=False), promotion_key(promotion))
            cell = res.table.address(row, "formation") or res.table.address(row, "intitule") or ""
            if key in seen and seen[key][0] != index:
                findings.append(
                    Finding(
                        Severity.AVERTISSEMENT,
                        res.sheet.name,
                        cell,
                        "doublon_autre_tableau",
                        f"{cell} : « {name} » {promotion or ''} figure aussi dans un autre "
                        f"tableau de la feuille ({seen[key][1]}) — vérifiez qu'il s'agit bien "
                        "d'une autre population.".replace("  ", " "),
                    )
                )
            else:
                seen.setdefault(key, (index, cell))
    return findings


def _error_cells(
    book: WorkbookData, covered: dict[str, list[tuple[set[int], set[int]]]]
) -> list[Finding]:
    from ..cells import EXCEL_ERRORS

    findings = []
    for sheet in book.sheets:
        if sheet.name == CONTROLS_SHEET or not sheet.tables:
            continue
        tables = covered.get(sheet.name, [])
        for r, line in enumerate(sheet.grid, start=1):
            for c, value in enumerate(line, start=1):
                if (
                    isinstance(value, str)
                    and value in EXCEL_ERRORS
                    and not any(r in rows and c in columns for rows, columns in tables)
                ):
                    cell = f"{column_letter(c)}{r}"
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


def _findings(book: WorkbookData, results: list[TableResult]) -> list[Finding]:
    findings = structural_findings(book, results)
    for res in results:
        findings += check_rows(res.computation, res.sheet.name, res.table.address)
        findings += res.plan.findings
    return findings


@paused_gc()
def validate(
    book: WorkbookData, config: Config, results: list[TableResult] | None = None
) -> list[Finding]:
    """Every finding of the spec for the workbook as it is (what Recalculer would change).
    ``results``: ``compute_tables(book, config, validating=True)`` when already done."""
    if results is None:
        results = compute_tables(book, config, validating=True)
    findings = _findings(book, results)
    findings += readiness_findings(book, results, findings, config)  # each site's state
    return sorted(findings, key=sort_key)


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
        return list(dict.fromkeys(r.sheet.name for r in self.results))

    @property
    def pending(self) -> int:
        """Cells still waiting for a figure (yellow)."""
        return sum(len(r.plan.awaited(self.word)) for r in self.results)

    word: str = "En attente"


@paused_gc()
def recalculate(book: WorkbookData, config: Config) -> Recalculation:
    """The changes Recalculer makes, and the findings that remain once they are made."""
    results = compute_tables(book, config)
    changes = ChangeSet(written={})
    for res in results:
        for change in table_changes(res, config, book.marks):
            changes.add(res.sheet.name, change)
        changes.written.setdefault(res.sheet.name, {}).update(_written(res))
    _legacy_marks(book, changes)
    changes.pending_rules = pending_rules(results, book.marks, config)
    findings, sheets = tool_sheets(book, results, _findings(book, results), config)
    changes.owned_sheets += sheets  # readiness, Contrôles, Synthèse
    recalculation = Recalculation(changes, findings, results)
    recalculation.word = config.mots.en_attente
    return recalculation


def carried_rows(res: TableResult) -> list[dict[str, object]]:
    """Each row as another workbook should receive it (the network's consolidation): the
    inputs (merged names spread), a person's own figures and words in the indicator columns,
    and the figures taken from the site's own columns — never the tool's words, which the
    receiving workbook writes again."""
    inputs = table_columns(res.sheet, res.table)
    stored = table_outputs(res.sheet, res.table, Marks())
    rows: list[dict[str, object]] = []
    provenance = res.computation.provenance
    for row in range(len(res.table.rows)):
        values = {k: v for k, v in inputs.items() if k not in INPUT_KEYS}
        values = {k: v[row] for k, v in values.items() if k in _CARRIED}
        for key, decisions in res.plan.decisions.items():
            d = decisions[row]
            if d.action is Action.KEEP and d.owner.value == "personne":
                values[key] = stored[key][row].raw
            elif d.action is Action.WRITE and row in provenance.get(key, {}):
                values[key] = d.value
        rows.append(values)
    return rows


_CARRIED = frozenset(f.key for f in FIELDS if not f.computed)


def synthesis_of(results: list[TableResult], findings: list[Finding]) -> Synthesis:
    """Pooled figures per site sheet and for the whole workbook (see ``synthesis``)."""
    return summarize(
        [SiteTable(r.sheet.name, r.computation, frozenset(r.table.columns)) for r in results],
        findings,
    )


def _written(res: TableResult) -> dict[str, str]:
    table = res.table
    return {
        f"{column_letter(table.columns[key])}{table.rows[row]}": text
        for (key, row), text in res.plan.written().items()
    }


def table_changes(res: TableResult, config: Config, marks: Marks | None = None) -> list[CellChange]:
    """Cell changes for one table: figures and words, number formats, the tool's notes."""
    table, plan, comp = res.table, res.plan, res.computation
    marks = marks or Marks()
    sheet = res.sheet.name
    cells: dict[tuple[int, int], dict] = {}

    def change(row: int, column: int, **what: object) -> None:
        cells.setdefault((row, column), {}).update(what)

    noted: set[tuple[int, int]] = set()
    kept = _kept_by_column(plan, table)
    for key, decisions in plan.decisions.items():
        column = table.columns[key]
        said = []
        if any(d.action is Action.WRITE for d in decisions):
            said.append(column_note(key, config))
        if key in kept:
            said.append(kept_note(kept[key]))
        if said:
            change(table.label_row(column), column, note="\n\n".join(said))
            noted.add((table.label_row(column), column))
        for d in decisions:
            if d.action is not Action.WRITE:
                continue
            row = table.rows[d.row]
            change(row, column, value=d.value, number_format=d.number_format)
            if d.replaced:
                new = shown_text(key, d.value)
                change(row, column, note=replaced_note(d.before, new, _basis(comp, d.row, key)))
                noted.add((row, column))
    # the tool's older notes on these rows that nothing re-issues go (history notes stay)
    rows = {*table.rows, table.header_row, *table.label_rows.values()}
    columns = {table.columns[k] for k in plan.decisions}
    for (mark_sheet, address), mark in marks.marks.items():
        if mark_sheet != sheet or mark.note is None:
            continue
        row, column = _split(address)
        if row in rows and column in columns and (row, column) not in noted:
            if not mark.note.startswith(HISTORY_PREFIX):
                change(row, column, note="")
    return [
        CellChange(
            row,
            column,
            value=what.get("value", UNSET),
            number_format=what.get("number_format"),
            note=what.get("note"),
        )
        for (row, column), what in sorted(cells.items())
    ]


def _kept_by_column(plan: TablePlan, table: Table) -> dict[str, list[str]]:
    """Column key → "F6 84,2 %" of every figure typed without counts and kept."""
    out: dict[str, list[str]] = {}
    for key in COMPUTED_KEYS:
        column = table.columns.get(key)
        for d in plan.decisions.get(key, ()):
            if d.shown is not None and d.shown.outcome is Outcome.TYPED and column is not None:
                address = f"{column_letter(column)}{table.rows[d.row]}"
                out.setdefault(key, []).append(f"{address} {d.before}")
    return out


def _basis(comp: Computation, row: int, key: str) -> str:
    ind = INDICATOR_BY_KEY.get(key)
    if ind is None or not ind.numerator or not ind.denominator:
        return ""
    parts = []
    for field_key in (ind.numerator, ind.denominator):
        reading = comp.reading(row, field_key)
        if reading.number is not None and field_key in COUNT_KEYS:
            parts.append(count_noun(field_key, reading.number))
    return " ; ".join(parts)


def _split(address: str) -> tuple[int, int]:
    letters = "".join(ch for ch in address if ch.isalpha())
    number = 0
    for ch in letters:
        number = number * 26 + ord(ch) - 64
    return int(address[len(letters) :] or 0), number


def _legacy_marks(book: WorkbookData, changes: ChangeSet) -> None:
    """Fills an older version painted cell by cell: given back once (the yellow now comes from
    one conditional format per sheet)."""
    for (sheet, address), mark in book.marks.marks.items():
        if mark.fill_before is None or sheet not in {s.name for s in book.sheets}:
            continue
        row, column = _split(address)
        existing = [c for c in changes.cells.get(sheet, []) if (c.row, c.column) == (row, column)]
        if existing:
            index = changes.cells[sheet].index(existing[0])
            old = existing[0]
            changes.cells[sheet][index] = CellChange(
                old.row, old.column, old.value, old.number_format, False, old.note
            )
        else:
            changes.add(sheet, CellChange(row, column, highlight=False))


def pending_rules(
    results: list[TableResult], marks: Marks, config: Config
) -> dict[str, PendingRule]:
    """One conditional format per site sheet over the columns whose figures may be awaited.

    A cell a person coloured is left out (where the engine can see fills), so their colour
    shows; its « En attente » and the column's note still say what is awaited.
    """
    tool_colours = {"", config.couleur_en_attente, config.couleur_calcule, config.couleur_entete}
    tool_colours |= {colour for _, colour in marks_colours(marks)}
    ranges: dict[str, list[str]] = {}
    for res in results:
        table, fills = res.table, res.sheet.fills or {}
        if not table.rows:
            continue
        first, last = min(table.rows), max(table.rows)
        runs_by_column: dict[int, tuple[tuple[int, int], ...]] = {}
        for key in AWAITED_KEYS:
            column = table.columns.get(key)
            if column is None:
                continue
            coloured = {
                row for row in table.rows if fills.get((row, column), "") not in tool_colours
            }
            runs_by_column[column] = tuple(_row_runs(first, last, coloured))
        spans = ranges.setdefault(res.sheet.name, [])
        for start, end, runs in _blocks(runs_by_column):
            for top, bottom in runs:
                spans.append(f"{column_letter(start)}{top}:{column_letter(end)}{bottom}")
    rules = {
        sheet: PendingRule(tuple(spans), config.mots.en_attente, config.couleur_en_attente)
        for sheet, spans in ranges.items()
        if spans
    }
    for sheet in marks.rules:
        rules.setdefault(sheet, PendingRule((), config.mots.en_attente, config.couleur_en_attente))
    return rules


def marks_colours(marks: Marks) -> set[tuple[str, str]]:
    """The colours the tool itself put (an older version painted awaited cells one by one)."""
    return {
        (sheet, mark.tool_colour) for (sheet, _), mark in marks.marks.items() if mark.tool_colour
    }


def _row_runs(first: int, last: int, skipped: set[int]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    for row in range(first, last + 1):
        if row in skipped:
            continue
        if runs and runs[-1][1] == row - 1:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    return runs


def _blocks(
    runs_by_column: dict[int, tuple[tuple[int, int], ...]],
) -> list[tuple[int, int, tuple[tuple[int, int], ...]]]:
    """Adjacent columns with the same row runs, as rectangles (V5:X40 rather than three)."""
    blocks: list[tuple[int, int, tuple[tuple[int, int], ...]]] = []
    for column in sorted(runs_by_column):
        runs = runs_by_column[column]
        if blocks and blocks[-1][1] == column - 1 and blocks[-1][2] == runs:
            blocks[-1] = (blocks[-1][0], column, runs)
        else:
            blocks.append((column, column, runs))
    return blocks


__all__ = ["AWAITED_KEYS", "INPUT_KEYS"]
