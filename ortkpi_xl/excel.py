"""The Excel adapter: the open workbook read, then written through a planned list of calls.

The same code drives two xlwings engines:

- classic xlwings (COM on Windows, AppleScript on macOS): every property read or write is a
  call into Excel, milliseconds each;
- xlwings' remote engine (xlwings Lite, xlwings Server): reads come from the payload Excel sent
  at the start, writes are queued as actions and applied in one batch at the end; synchronous
  reads of colours, number formats, formulas and note texts are refused.

So it uses only what both allow, in three phases. **Read**: every sheet's values in one call,
the registry of what the tool marked earlier (sheet ``ortkpi_etat``, never colours or note
texts read back), where the tool would add or change a note whether the cell has one and, on
the classic engine only, the formulas of each column where the tool writes around cells it
leaves alone (one call a column: see ``excelplan.value_writes``).
**Plan** (``excelplan.py``): every write, all decided before the first one, so an error while
reading or planning leaves the workbook as it was. **Write**: the planned calls, in order. On
the remote engine an error raises and the batch is discarded; on the classic engine an error
part way raises ``WriteError``, which names what was written, and the registry is brought in
line with what was written when Excel still answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .config import Config
from .errors import OrtkpiError
from .excelplan import (
    CLASSIC,
    KEEP,
    REMOTE,
    Engine,
    OwnedPlan,
    Plan,
    Write,
    carried,
    excel_value,
    gap_spans,
    marks_after,
    note_cells,
    plan_changes,
    registry_write,
    sheet_values,
)
from .workbook.changes import ChangeSet
from .workbook.layout import column_letter
from .workbook.marks import REGISTRY_SHEET, Marks
from .workbook.reader import OWNED_SHEETS, SheetData, WorkbookData, build_book
from .workbook.recalc import TableResult

Book = Any  # an xlwings Book (classic or remote engine), or the tests' stand-in


class WriteError(OrtkpiError):
    """A write failed after others were made (classic engine): says exactly which."""


def engine_of(book: Book) -> Engine:
    """The engine behind ``book``: the remote one, or Excel through COM / AppleScript."""
    try:
        name = book.app.engine.name
    except Exception:  # noqa: BLE001 - a stand-in without an engine: a desktop Excel
        name = "excel"
    return REMOTE if name in ("remote", "officejs") else CLASSIC


# ---------------------------------------------------------------------------------------------
# reading


def _sheet_grid(sheet) -> list[list[object]]:
    """A sheet's values from A1 to the last used cell, in one read."""
    last = sheet.used_range.last_cell
    if last.row == 1 and last.column == 1:
        return [[sheet.range((1, 1)).value]]
    values = sheet.range((1, 1), (last.row, last.column)).options(ndim=2, err_to_str=True).value
    return [list(row) for row in values]


def _totals_rows(sheet) -> set[int]:
    """Rows of Excel tables' totals rows (xlwings Lite sends them with the values; COM reads
    them table by table); empty when the engine cannot tell."""
    try:
        rows: set[int] = set()
        for table in sheet.tables:
            totals = table.totals_row_range
            if totals is not None:
                rows.add(totals.row)
        return rows
    except Exception:  # noqa: BLE001 - an engine without tables: none known
        return set()


def read_book(book: Book, config: Config) -> tuple[WorkbookData, Marks]:
    """Every sheet's values (one read each) with its tables, and the tool's registry.

    What Excel's API cannot give in bulk on every engine is marked unknown (None) for the
    reader: number formats, merged cells, fills.
    """
    sheets: list[SheetData] = []
    for sheet in book.sheets:
        data = SheetData(sheet.name, _sheet_grid(sheet))
        data.formats = None
        data.merges = None
        data.fills = None
        data.person_notes = None  # asked cell by cell where needed: see ask_person_notes
        if sheet.name not in OWNED_SHEETS:
            data.totals_rows = _totals_rows(sheet)
        sheets.append(data)
    built = build_book(Path(workbook_name(book)), sheets, config)
    return built, built.marks


def workbook_name(book: Book) -> str:
    """The workbook's full name, or its name when Excel gives no path (cloud, unsaved)."""
    try:
        return str(book.fullname)
    except Exception:  # noqa: BLE001 - e.g. a SharePoint workbook Excel cannot resolve
        try:
            return str(book.name)
        except Exception:  # noqa: BLE001
            return "classeur"


def notes_present(book: Book, cells: list[tuple[str, int, int]]) -> set[tuple[str, int, int]]:
    """Which of ``cells`` hold a note now (the remote engine knows it from its payload)."""
    found = set()
    for sheet, row, column in cells:
        if book.sheets[sheet].range((row, column)).note is not None:
            found.add((sheet, row, column))
    return found


def ask_person_notes(
    book: Book, data: WorkbookData, results: list[TableResult], registry: Marks
) -> bool:
    """Excel cannot list notes in one call: ask only about the cells where Recalculer would
    replace a person's figure (its old value goes into the cell's note). True when one of
    them carries someone else's note: plan again, that figure is then kept (ownership)."""
    cells = []
    for res in results:
        for key, decisions in res.plan.decisions.items():
            column = res.table.columns[key]
            for d in decisions:
                row = res.table.rows[d.row]
                mark = registry.marks.get((res.sheet.name, f"{column_letter(column)}{row}"))
                if d.replaced and (mark is None or mark.note is None):
                    cells.append((res.sheet.name, row, column))
    found = notes_present(book, cells) if cells else set()
    for name, row, column in found:
        sheet = data.sheet(name)
        sheet.person_notes = (sheet.person_notes or set()) | {(row, column)}
    return bool(found)


def kept_cells(
    book: Book, changes: ChangeSet, data: WorkbookData | None
) -> dict[str, dict[tuple[int, int], object]]:
    """Cells between the tool's that a block may write back unchanged (classic engine).

    One read of the formulas of each column span that has such cells: only then is it known
    that a cell showing a number holds that number and no formula.
    """
    out: dict[str, dict[tuple[int, int], object]] = {}
    if data is None:
        return out
    names = {s.name for s in data.sheets}
    for sheet, cell_changes in changes.cells.items():
        if sheet not in names:
            continue
        grid = data.sheet(sheet)
        values = sheet_values(cell_changes)
        for column, top, bottom in gap_spans(values):
            formulas = _column(book.sheets[sheet].range((top, column), (bottom, column)).formula)
            for offset, formula in enumerate(formulas):
                row = top + offset
                if (row, column) in values:
                    continue
                value = grid.value(row, column)
                if carried(value, formula):
                    out.setdefault(sheet, {})[(row, column)] = excel_value(value)
    return out


def _column(formulas: object) -> list[object]:
    """A column's formulas as a flat list, whatever shape the engine returns them in."""
    if not isinstance(formulas, (list, tuple)):
        return [formulas]
    return [f[0] if isinstance(f, (list, tuple)) else f for f in formulas]


def notes_supported(book: Book, engine: Engine) -> bool:
    """Office.js writes notes from Excel API 1.18 on (not Office 2021 bought once)."""
    if not engine.remote:
        return True
    try:
        api = book.api
        return api.get("client") == "Office.js" and all(
            s.get("notes") is not None and s.get("notes_supported") is not False
            for s in api.get("sheets", [])
        )
    except Exception:  # noqa: BLE001
        return False


# ---------------------------------------------------------------------------------------------
# writing


def _range(book: Book, write: Write):
    return book.sheets[write.sheet].range(write.address)


def _values(book: Book, write: Write, engine: Engine) -> None:
    rng = _range(book, write)
    if engine.keeps_gaps:  # Office.js: null leaves a cell alone, "" empties it
        rows = [
            [None if v is KEEP else ("" if v is None else v) for v in line] for line in write.data
        ]
        rng.raw_value = rows
    else:
        assert not any(v is KEEP for line in write.data for v in line), "COM would clear a gap"
        rng.options(ndim=2).value = write.data


def _rules(book: Book, write: Write, engine: Engine) -> None:
    pairs, colour = write.data
    sheet = book.sheets[write.sheet]
    if not engine.rules_follow_active_cell:
        for one_area, formula in pairs:
            sheet.range(one_area).conditional_formats.add_custom(formula, fill_color=colour)
        return
    # COM and AppleScript read a rule's relative references from the active cell: make each
    # area's first cell active while adding its rule, then give the selection back
    try:
        previous = book.selection
    except Exception:  # noqa: BLE001 - e.g. a chart is selected: nothing to give back
        previous = None
    sheet.activate()
    for one_area, formula in pairs:
        sheet.range(one_area.split(":")[0]).select()
        sheet.range(one_area).conditional_formats.add_custom(formula, fill_color=colour)
    if previous is not None:
        try:
            previous.sheet.activate()
            previous.select()
        except Exception:  # noqa: BLE001 - the selection is a courtesy
            pass


def _note(book: Book, write: Write) -> None:
    cell = _range(book, write)
    if write.kind == "note_add":
        cell.add_note(write.data)
        return
    note = cell.note
    if note is None:  # gone since it was looked at
        if write.kind == "note_text":
            cell.add_note(write.data)
    elif write.kind == "note_text":
        note.text = write.data
    else:
        note.delete()


def _sheet(book: Book, name: str):
    names = [s.name for s in book.sheets]
    if name in names:
        return book.sheets[name]
    return book.sheets.add(name, after=book.sheets[len(names) - 1])


def _owned(book: Book, plan: OwnedPlan, engine: Engine) -> None:
    sheet = _sheet(book, plan.sheet.name)
    sheet.clear()
    if plan.block:
        rng = sheet.range((1, 1), (len(plan.block), len(plan.block[0])))
        if engine.remote:
            rng.raw_value = [["" if v is None else v for v in line] for line in plan.block]
        else:
            rng.options(ndim=2).value = plan.block
    for row, last in plan.bold:
        sheet.range((row, 1), (row, last)).font.bold = True
    for first, last, points_or_characters in plan.widths:
        sheet.range((1, first), (1, last)).column_width = points_or_characters
    for write in plan.formats:
        _range(book, write).number_format = write.data


def _registry(book: Book, write: Write) -> None:
    """Rewrite the registry sheet; hide it when it shows (a very hidden one stays so: the
    engines can only make a sheet hidden, not very hidden)."""
    sheet = _sheet(book, REGISTRY_SHEET)
    sheet.clear()
    block = write.data
    sheet.range((1, 1), (len(block), len(block[0]))).options(ndim=2).value = block
    if sheet.visible:
        sheet.visible = False


def run_write(book: Book, write: Write, engine: Engine) -> None:
    """Carry out one planned write."""
    kind = write.kind
    if kind == "values":
        _values(book, write, engine)
    elif kind == "format":
        _range(book, write).number_format = write.data
    elif kind == "colour":
        _range(book, write).color = write.data
    elif kind == "colours":
        _range(book, write).set_colors(write.data)
    elif kind == "rules":
        _rules(book, write, engine)
    elif kind in ("note_add", "note_text", "note_delete"):
        _note(book, write)
    elif kind == "owned":
        _owned(book, write.data, engine)
    elif kind == "registry":
        _registry(book, write)
    elif kind != "marks":
        raise ValueError(f"unknown write {kind!r}")


@dataclass
class Report:
    """What a write did: Excel calls made, notes the engine could not write."""

    calls: int = 0
    writes: int = 0
    skipped_notes: int = 0


def plan_book(
    book: Book,
    changes: ChangeSet,
    registry: Marks,
    config: Config,
    engine: Engine,
    data: WorkbookData | None = None,
) -> Plan:
    """Read what the plan needs (which cells hold a note, which gaps a block may carry),
    then plan every write."""
    _refuse_persons_sheets(book, changes, data)
    can_note = notes_supported(book, engine)
    present = notes_present(book, note_cells(changes, registry)) if can_note else set()
    kept = {} if engine.keeps_gaps else kept_cells(book, changes, data)
    plan = plan_changes(changes, registry, config, engine, present, notes=can_note, kept=kept)
    after = marks_after(registry, plan.writes, changes.written)
    exists = REGISTRY_SHEET in [s.name for s in book.sheets]
    if after.rows() != registry.rows() and (exists or len(after.rows()) > 1):
        plan.writes.append(registry_write(after))
    return plan


def _refuse_persons_sheets(book: Book, changes: ChangeSet, data: WorkbookData | None) -> None:
    """Before any write: a sheet bearing an owned sheet's name that the tool did not write is
    a person's (``OwnedSheet.replaces``); the click then changes nothing and says why."""
    names = [s.name for s in book.sheets]
    read = {s.name: s for s in data.sheets} if data is not None else {}
    refused = []
    for owned in changes.owned_sheets:
        if not owned.claims or owned.name not in names:
            continue
        grid = read[owned.name].grid if owned.name in read else _sheet_grid(book.sheets[owned.name])
        filled = any(v not in (None, "") for line in grid for v in line)
        first = grid[0][0] if grid and grid[0] else None
        if not owned.replaces(filled, first):
            refused.append(owned.refusal(first))
    if refused:
        raise WriteError("Rien n'a été modifié : " + " ; ".join(refused) + ", puis relancez.")


def apply_book(
    book: Book,
    changes: ChangeSet,
    registry: Marks,
    config: Config,
    *,
    data: WorkbookData | None = None,
    engine: Engine | None = None,
) -> Report:
    """Write a change set into the open workbook with a bounded number of Excel calls.

    ``registry`` and ``data`` are what ``read_book`` returned (``data`` lets blocks cross the
    cells they leave as they are, on the classic engine); ``registry`` ends as the registry
    now in the workbook.
    """
    engine = engine or engine_of(book)
    plan = plan_book(book, changes, registry, config, engine, data)
    done: list[Write] = []
    for write in plan.writes:
        try:
            run_write(book, write, engine)
        except Exception as exc:
            if engine.remote:
                raise  # the script fails: xlwings Lite discards every queued write
            raise _interrupted(book, registry, done, write, plan.writes, engine) from exc
        done.append(write)
    final = marks_after(registry, plan.writes, changes.written)
    registry.marks, registry.rules, registry.values = final.marks, final.rules, final.values
    return Report(sum(w.calls for w in done), len(done), plan.skipped_notes)


def _interrupted(
    book: Book, registry: Marks, done: list[Write], failed: Write, writes: list[Write], engine
) -> WriteError:
    """Say what was written before ``failed``; record in the registry only that."""
    made = [w.what for w in done if w.calls]
    planned = len([w for w in writes if w.calls])
    kept = marks_after(registry, done, None)  # values: the old record (see marks.py)
    registry_note = ""
    if not any(w.kind == "registry" for w in done) and kept.rows() != registry.rows():
        try:
            run_write(book, registry_write(kept), engine)
            registry.marks, registry.rules = kept.marks, kept.rules
        except Exception:  # noqa: BLE001 - Excel no longer answers
            registry_note = (
                " Le registre des marques (feuille masquée ortkpi_etat) n'a pas pu être mis "
                "à jour : certaines notes de l'outil pourraient être prises pour les vôtres."
            )
    listed = "; ".join(made[:10]) + (f" (et {len(made) - 10} autres)" if len(made) > 10 else "")
    done_text = f" — faites : {listed}." if made else " — rien n'a été modifié."
    return WriteError(
        f"Écriture interrompue dans Excel à l'étape « {failed.what} » : {len(made)} "
        f"écriture(s) faite(s) sur {planned}{done_text}{registry_note} Relancez le bouton : il "
        "refait tout, et réécrit les mêmes valeurs là où elles sont déjà."
    )
