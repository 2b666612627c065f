"""The xlwings adapter: the open workbook in Excel read and written in bulk.

Reads each sheet in one call and writes results column by column, one call per run of
consecutive rows, so the number of Excel calls does not grow with the number of rows (each call
costs milliseconds through COM or AppleScript). Highlights and notes are written only where they
change, using the registry of the tool's own marks: a second Recalculer places none. Only the
portable xlwings API is used (Windows, macOS, xlwings' in-memory Book).
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import groupby
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter

from .config import Config
from .workbook.changes import UNSET, CellChange, ChangeSet, OwnedSheet
from .workbook.marks import REGISTRY_SHEET, Marks, fill_xml_from_rgb, rgb_from_fill_xml
from .workbook.reader import SheetData, WorkbookData, build_book

Book = Any  # an xlwings Book (or anything with the same small API)


def _hex(rgb: object) -> str | None:
    if isinstance(rgb, (tuple, list)) and len(rgb) == 3:
        return "".join(f"{int(v):02X}" for v in rgb)
    return None


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return (int(hex_colour[0:2], 16), int(hex_colour[2:4], 16), int(hex_colour[4:6], 16))


def _sheet_grid(sheet) -> list[list[object]]:
    last = sheet.used_range.last_cell
    if last.row == 1 and last.column == 1:
        value = sheet.range((1, 1)).value
        return [[value]]
    values = sheet.range((1, 1), (last.row, last.column)).options(ndim=2, err_to_str=True).value
    return [list(row) for row in values]


def read_book(book: Book, config: Config) -> tuple[WorkbookData, Marks]:
    """Every sheet's values (one call per sheet) with its tables, and the tool's registry."""
    sheets: list[SheetData] = []
    registry = Marks()
    for sheet in book.sheets:
        name = sheet.name
        if name == REGISTRY_SHEET:
            registry = Marks.from_rows(_sheet_grid(sheet)[1:])
            continue
        grid = _sheet_grid(sheet)
        data = SheetData(name, grid)
        data.formats = None  # the Excel API gives no number formats in bulk
        data.merges = None  # nor merged cells
        data.fills = None  # nor fills (the remote engine refuses colour reads)
        sheets.append(data)
    built = build_book(Path(str(book.fullname)), sheets, config)
    built.marks = registry
    return built, registry


def _runs(changes: Iterable[CellChange]) -> list[list[CellChange]]:
    """Changes of one column grouped into runs of consecutive rows."""
    ordered = sorted(changes, key=lambda c: c.row)
    runs: list[list[CellChange]] = []
    for change in ordered:
        if runs and change.row == runs[-1][-1].row + 1:
            runs[-1].append(change)
        else:
            runs.append([change])
    return runs


def _split(run: list[CellChange], key) -> list[list[CellChange]]:
    """Sub-runs of consecutive changes sharing ``key`` (e.g. the same number format)."""
    return [list(group) for _, group in groupby(run, key=key)]


def apply_book(book: Book, changes: ChangeSet, registry: Marks, config: Config) -> None:
    """Write a change set into the open workbook with a bounded number of Excel calls."""
    tool = config.couleur_en_attente
    for sheet_name, cell_changes in changes.cells.items():
        sheet = book.sheets[sheet_name]
        by_column = groupby(
            sorted(cell_changes, key=lambda c: (c.column, c.row)), key=lambda c: c.column
        )
        for column, group in by_column:
            for run in _runs(group):
                _write_run(sheet, column, run, registry, tool)
    for owned in changes.owned_sheets:
        write_owned_sheet(book, owned)
    if changes.written is not None:  # what the tool wrote: proof of ownership next run
        registry.values = changes.written
    _save_registry(book, registry)


def _rng(sheet, first: CellChange, last: CellChange, column: int):
    return sheet.range((first.row, column), (last.row, column))


def _address(change: CellChange) -> str:
    return f"{get_column_letter(change.column)}{change.row}"


def _write_run(sheet, column: int, run: list[CellChange], registry: Marks, tool: str) -> None:
    for part in _split(run, key=lambda c: c.value is UNSET):
        if part[0].value is not UNSET:
            _rng(sheet, part[0], part[-1], column).options(ndim=2).value = [
                [_excel_value(c.value)] for c in part
            ]
    for part in _split(run, key=lambda c: c.number_format):
        if part[0].number_format is not None:
            _rng(sheet, part[0], part[-1], column).number_format = part[0].number_format
    name = sheet.name
    # highlights: only where the state changes
    turn_on = [
        c
        for c in run
        if c.highlight is True and registry.get(name, _address(c)).fill_before is None
    ]
    turn_off = [
        c
        for c in run
        if c.highlight is False and registry.get(name, _address(c)).fill_before is not None
    ]
    for part in _runs(turn_on):
        rng = _rng(sheet, part[0], part[-1], column)
        # Excel reports one colour for a uniform run, none for a mixed one (then each cell
        # gets its fill removed later rather than a wrong colour).
        previous = _hex(rng.color)
        for c in part:
            mark = registry.get(name, _address(c))
            mark.fill_before, mark.tool_colour = fill_xml_from_rgb(previous), tool
            registry.set(name, _address(c), mark)
        rng.color = _rgb(tool)
    for part in _runs(turn_off):
        for same in _split(part, key=lambda c: _restore_key(registry.get(name, _address(c)))):
            first = registry.get(name, _address(same[0]))
            rng = _rng(sheet, same[0], same[-1], column)
            if _hex(rng.color) == (first.tool_colour or tool):  # still the tool's colour
                previous = rgb_from_fill_xml(first.fill_before)
                rng.color = _rgb(previous) if previous else None
            for c in same:
                mark = registry.get(name, _address(c))
                mark.fill_before = None
                registry.set(name, _address(c), mark)
    # notes: only where the text changes
    for c in run:
        if c.note is None:
            continue
        mark = registry.get(name, _address(c))
        if (c.note or None) == mark.note:
            continue
        cell = sheet.range((c.row, column))
        note = cell.note
        mine = note is not None and registry.is_tool_note(name, _address(c), None, note.text, "")
        if c.note:
            if note is None:
                cell.add_note(c.note)
            elif mine:
                note.text = c.note
            else:
                continue  # a person's note: kept, ours not added
            mark.note = c.note
        else:
            if mine:
                note.delete()
            mark.note = None
        registry.set(name, _address(c), mark)


def _restore_key(mark) -> tuple[str | None, str]:
    return rgb_from_fill_xml(mark.fill_before), mark.tool_colour


def _excel_value(value: object) -> object:
    if value is None or isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    text = str(value)
    # Excel parses what is written into a cell: a leading apostrophe keeps text as text.
    return "'" + text if text[:1] in "=+-@" or _looks_numeric(text) else text


def _looks_numeric(text: str) -> bool:
    try:
        float(text.replace(",", "."))
        return True
    except ValueError:
        return False


def write_owned_sheet(book: Book, owned: OwnedSheet) -> None:
    """Rewrite a tool-owned sheet in a few calls: clear, one block of values, a header style."""
    names = [s.name for s in book.sheets]
    sheet = (
        book.sheets[owned.name]
        if owned.name in names
        else book.sheets.add(owned.name, after=book.sheets[len(names) - 1])
    )
    sheet.clear()
    width = max((len(r) for r in owned.rows), default=1)
    block = [[_excel_value(v) for v in r] + [None] * (width - len(r)) for r in owned.rows]
    if block:
        sheet.range((1, 1)).options(ndim=2).value = block
    header = sheet.range((owned.header_row, 1), (owned.header_row, width))
    header.font.bold = True
    for c, w in enumerate(owned.widths, start=1):
        sheet.range((1, c)).column_width = w
    # number formats: one call per run of consecutive rows sharing a format in a column
    by_column = groupby(
        sorted(owned.number_formats.items(), key=lambda i: (i[0][1], i[0][0])),
        key=lambda i: i[0][1],
    )
    for column, items in by_column:
        runs: list[list[tuple[int, str]]] = []
        for (row, _), fmt in items:
            if runs and runs[-1][-1][0] == row - 1 and runs[-1][-1][1] == fmt:
                runs[-1].append((row, fmt))
            else:
                runs.append([(row, fmt)])
        for run in runs:
            sheet.range((run[0][0], column), (run[-1][0], column)).number_format = run[0][1]


def _save_registry(book: Book, registry: Marks) -> None:
    rows = registry.rows()
    names = [s.name for s in book.sheets]
    if REGISTRY_SHEET not in names:
        if len(rows) == 1:
            return
        sheet = book.sheets.add(REGISTRY_SHEET, after=book.sheets[len(names) - 1])
    else:
        sheet = book.sheets[REGISTRY_SHEET]
    sheet.clear()
    sheet.range((1, 1)).options(ndim=2).value = [[_excel_value(v) for v in r] for r in rows]
    sheet.visible = False
