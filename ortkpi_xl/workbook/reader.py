"""Reading a workbook with openpyxl: values as Excel last computed them, which cells hold
formulas, number formats, merged cells and Excel tables' totals rows, and the tool's registry.

One streaming pass (``read_only``) reads values, formulas and number formats; a second pass
for the cached values runs only when the workbook holds formulas. A formula without a cached
value (the file was saved by a tool that does not compute) is reported, never read as blank.

``SheetData`` and ``build_book`` are shared with the Excel buttons, which fill what their engine
can tell (values always; formats, merges and totals rows when known, ``None`` otherwise).
"""

from __future__ import annotations

import posixpath
import re
import warnings
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from ..cells import Reading, State
from ..config import Config
from ..errors import InputDataError, WorkbookError
from ..fields import FIELD_BY_KEY
from ..official import OFFICIAL_SHEET
from ..ownership import OUTPUT_KEYS, Stored
from ..xlsx.guard import check_workbook_file
from .layout import Merge, Table, column_letter, find_tables
from .marks import REGISTRY_SHEET, Marks

OWNED_SHEETS = ("Contrôles", "Synthèse", "xlwings.conf", REGISTRY_SHEET, OFFICIAL_SHEET)


@dataclass
class SheetData:
    name: str
    grid: list[list[object]]  # cached values, row 1 first
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col) → "=…"
    tables: list[Table] = field(default_factory=list)  # site tables
    side_tables: list[Table] = field(default_factory=list)  # tables left alone
    # (row, col) → number format of a cell holding a number, when not "General"; None: the
    # engine cannot tell formats (Excel buttons)
    formats: dict[tuple[int, int], str] | None = field(default_factory=dict)
    merges: list[Merge] | None = field(default_factory=list)  # None: unknown
    totals_rows: set[int] = field(default_factory=set)  # Excel tables' totals rows
    # (row, col) → the cell's own fill colour (RGB, or "motif" for a pattern or a theme
    # colour) where it has one; None: the engine cannot tell fills (Excel buttons)
    fills: dict[tuple[int, int], str] | None = field(default_factory=dict)

    def value(self, row: int, column: int) -> object:
        if row - 1 < len(self.grid):
            line = self.grid[row - 1]
            if column - 1 < len(line):
                return line[column - 1]
        return None

    def number_format(self, row: int, column: int) -> str | None:
        if self.formats is None:
            return None
        return self.formats.get((row, column), "General")

    def raw(self, row: int, column: int, key: str | None = None) -> object:
        """The value the engine should read for a cell (cached value or a formula problem)."""
        value = self.value(row, column)
        formula = self.formulas.get((row, column))
        if formula is not None and value is None:
            return Reading(
                State.INVALID,
                text=formula[:60],
                note="formule sans valeur calculée (ouvrez le classeur dans Excel "
                "ou LibreOffice et enregistrez-le)",
            )
        return value


@dataclass
class WorkbookData:
    path: Path
    sheets: list[SheetData]
    marks: Marks = field(default_factory=Marks)  # what the tool placed and wrote last

    @property
    def tables(self) -> list[Table]:
        return [t for s in self.sheets for t in s.tables]

    def sheet(self, name: str) -> SheetData:
        return next(s for s in self.sheets if s.name == name)


def build_book(path: Path, sheets: list[SheetData], config: Config) -> WorkbookData:
    """The workbook as the engine sees it: the registry set apart, every table found."""
    marks = Marks()
    kept = []
    for sheet in sheets:
        if sheet.name == REGISTRY_SHEET:
            marks = Marks.from_rows(sheet.grid[1:])
            continue
        if sheet.name not in OWNED_SHEETS:
            found = find_tables(
                sheet.name,
                sheet.grid,
                config,
                formulas=sheet.formulas,
                merges=sheet.merges,
                totals_rows=sheet.totals_rows,
            )
            sheet.tables = [t for t in found if t.site]
            sheet.side_tables = [t for t in found if not t.site]
        kept.append(sheet)
    return WorkbookData(path, kept, marks)


def _open(path: Path, *, data_only: bool):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about unsupported extensions
            from openpyxl import load_workbook

            return load_workbook(path, read_only=True, data_only=data_only, keep_links=False)
    except FileNotFoundError:
        raise WorkbookError(f"Fichier introuvable : {path}.") from None
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise WorkbookError(
            f"Impossible de lire {path.name} comme un classeur Excel (.xlsx/.xlsm) : le fichier "
            "est abîmé ou d'un autre format. Ouvrez-le dans Excel et enregistrez-le au format "
            "« Classeur Excel (.xlsx) »."
        ) from exc


def _damaged(ws) -> WorkbookError:
    return WorkbookError(
        f"La feuille « {ws.title} » ne peut pas être lue : le fichier est abîmé. Ouvrez le "
        "classeur dans Excel, qui propose de le réparer, enregistrez-le, puis relancez."
    )


_BROKEN = (SyntaxError, ValueError, KeyError, zipfile.BadZipFile, zlib.error)  # XML ParseError…


def _read_cells(ws) -> tuple[list[list[object]], dict, dict, dict]:
    """Values, formulas, number formats and fills of one sheet in one pass."""
    try:
        return _cells_of(ws)
    except _BROKEN:
        raise _damaged(ws) from None


def _cells_of(ws) -> tuple[list[list[object]], dict, dict, dict]:
    ws.reset_dimensions()  # do not trust <dimension>: read every row the file holds
    grid: list[list[object]] = []
    formulas: dict[tuple[int, int], str] = {}
    formats: dict[tuple[int, int], str] = {}
    fills: dict[tuple[int, int], str] = {}
    numbers = (int, float)
    for r, row in enumerate(ws.iter_rows(), start=1):
        line = []
        for c, cell in enumerate(row, start=1):
            value = cell.value
            line.append(value)
            style = getattr(cell, "style_array", None)
            if style is not None and style.fillId:
                fills[(r, c)] = _fill_colour(cell)
            if value is None:
                continue
            kind = value.__class__
            if kind in numbers:
                fmt = cell.number_format
                if fmt != "General":
                    formats[(r, c)] = fmt
            elif kind is str:
                if value.startswith("="):
                    formats_code = cell.number_format
                    formulas[(r, c)] = value
                    if formats_code != "General":
                        formats[(r, c)] = formats_code
            elif hasattr(value, "text"):  # ArrayFormula / DataTableFormula objects
                formulas[(r, c)] = str(value.text)
        grid.append(line)
    return grid, formulas, formats, fills


def _fill_colour(cell) -> str:
    fill = cell.fill
    colour = fill.fgColor if fill is not None else None
    if fill is None or fill.fill_type in (None, "none"):
        return ""
    if fill.fill_type == "solid" and colour is not None and colour.type == "rgb":
        return str(colour.rgb)[-6:].upper()
    return "motif"


_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s[^>]*?ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')
_TABLE_REL = re.compile(rb"<(?:\w+:)?Relationship\s[^>]*>")
_ATTR = re.compile(rb'(\w+)="([^"]*)"')


def _column_number(letters: bytes) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ch - 64
    return number


def _extras(archive: zipfile.ZipFile, part: str) -> tuple[list[Merge], set[int]]:
    """Merged ranges and Excel tables' totals rows of one worksheet part."""
    merges: list[Merge] = []
    try:
        data = archive.read(part)
    except KeyError:
        return merges, set()
    for m in _MERGE.finditer(data):
        c1, r1 = _column_number(m.group(1)), int(m.group(2))
        c2, r2 = (_column_number(m.group(3)), int(m.group(4))) if m.group(3) else (c1, r1)
        merges.append((r1, c1, r2, c2))
    totals: set[int] = set()
    folder, name = posixpath.split(part)
    try:
        rels = archive.read(f"{folder}/_rels/{name}.rels")
    except KeyError:
        return merges, totals
    for rel in _TABLE_REL.finditer(rels):
        attrs = dict(_ATTR.findall(rel.group(0)))
        if not attrs.get(b"Type", b"").endswith(b"/table"):
            continue
        target = attrs.get(b"Target", b"").decode("utf-8", "replace")
        table_part = (
            target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
        )
        try:
            table = archive.read(posixpath.normpath(table_part))
        except KeyError:
            continue
        head = re.search(rb"<(?:\w+:)?table\s[^>]*>", table)
        if not head:
            continue
        table_attrs = dict(_ATTR.findall(head.group(0)))
        ref = table_attrs.get(b"ref", b"").split(b":")
        count = int(table_attrs.get(b"totalsRowCount", b"0") or 0)
        if len(ref) == 2 and count > 0:
            last = int(re.sub(rb"[A-Z$]", b"", ref[1]) or 0)
            totals.update(range(last - count + 1, last + 1))
    return merges, totals


def read_workbook(path: str | Path, config: Config, *, require_tables: bool = True) -> WorkbookData:
    """Read every sheet and find its programme tables."""
    path = Path(path)
    check_workbook_file(path)  # what the file really is, before any parser sees it
    formulas_wb = _open(path, data_only=False)
    sheets: list[SheetData] = []
    try:
        archive = formulas_wb._archive
        for ws in formulas_wb.worksheets:
            grid, formulas, formats, fills = _read_cells(ws)
            merges, totals = _extras(archive, ws._worksheet_path)
            sheets.append(
                SheetData(ws.title, grid, formulas, [], [], formats, merges, totals, fills)
            )
    finally:
        formulas_wb.close()
    if any(s.formulas for s in sheets):
        values_wb = _open(path, data_only=True)
        try:
            for sheet, ws in zip(sheets, values_wb.worksheets, strict=True):
                if sheet.formulas:
                    ws.reset_dimensions()
                    try:
                        sheet.grid = [list(row) for row in ws.iter_rows(values_only=True)]
                    except _BROKEN:
                        raise _damaged(ws) from None
        finally:
            values_wb.close()
    book = build_book(path, sheets, config)
    if require_tables and not book.tables:
        raise InputDataError(
            f"Aucune feuille de site reconnue dans {path.name} : aucune ligne d'en-tête avec "
            "« Formation », « Nb candidats entrée en formation », « 1 Taux de présentation »… "
            "Vérifiez que c'est bien le classeur des indicateurs."
        )
    return book


def table_columns(sheet: SheetData, table: Table) -> dict[str, list[object]]:
    """The raw input values of a table, one list per field, ready for ``engine.compute``.

    Identification cells under a merged cell read as the merged cell's text.
    """
    columns: dict[str, list[object]] = {}
    for key, column in table.columns.items():
        if FIELD_BY_KEY[key].computed:
            continue
        values = []
        for row in table.rows:
            value = sheet.raw(row, column, key)
            if value is None and row in table.names:
                value = table.names[row].get(key)
            values.append(value)
        columns[key] = values
    return columns


def table_formats(sheet: SheetData, table: Table) -> dict[str, list[str | None]] | None:
    """The number formats of a table's input cells (None when the engine cannot tell)."""
    if sheet.formats is None:
        return None
    return {
        key: [sheet.number_format(row, column) for row in table.rows]
        for key, column in table.columns.items()
        if not FIELD_BY_KEY[key].computed
    }


def table_outputs(sheet: SheetData, table: Table, marks: Marks) -> dict[str, list[Stored]]:
    """What the cells the tool may write hold now, with what proves who wrote it."""
    written = marks.values.get(sheet.name, {})
    out: dict[str, list[Stored]] = {}
    for key in OUTPUT_KEYS:
        column = table.columns.get(key)
        if column is None:
            continue
        letters = column_letter(column)
        cells = []
        for row in table.rows:
            address = f"{letters}{row}"
            mark = marks.marks.get((sheet.name, address))
            cells.append(
                Stored(
                    raw=sheet.raw(row, column, key),
                    formula=sheet.formulas.get((row, column)),
                    number_format=sheet.number_format(row, column),
                    tool_text=written.get(address),
                    tool_note=mark is not None and mark.note is not None,
                )
            )
        out[key] = cells
    return out
