"""Reading a workbook: values as Excel last computed them, which cells hold formulas, number
formats, fills, merged cells and Excel tables' totals rows, and the tool's registry.

One pass over each sheet's XML (``xlsx.sheetread``). A formula without a cached value (the
file was saved by a tool that does not compute) is reported, never read as blank.

``SheetData`` and ``build_book`` are shared with the Excel buttons, which fill what their engine
can tell (values always; formats, merges and totals rows when known, ``None`` otherwise).
"""

from __future__ import annotations

import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from ..bulk import paused_gc
from ..cells import Reading, State
from ..config import Config
from ..errors import InputDataError, WorkbookError
from ..fields import FIELD_BY_KEY
from ..official import OFFICIAL_SHEET
from ..ownership import OUTPUT_KEYS, Stored
from ..xlsx.guard import check_workbook_file
from .changes import NOTE_AUTHOR
from .layout import Merge, Table, column_letter, find_tables
from .marks import REGISTRY_SHEET, Marks

OWNED_SHEETS = ("Contrôles", "Synthèse", "xlwings.conf", REGISTRY_SHEET, OFFICIAL_SHEET)
# the tool's own sheets that nothing reads back: rewritten whole, never parsed (a re-run must
# not pay for the previous run's findings and synthesis)
_NOT_READ = frozenset(("Contrôles", "Synthèse"))


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
    # (row, col) of the cells that hold a note written by someone other than the tool; None:
    # unknown (the Excel buttons ask only about the cells that need it, see excel.py)
    person_notes: set[tuple[int, int]] | None = field(default_factory=set)

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

    def raw_column(self, rows: list[int], column: int) -> list[object]:
        """``raw`` of each of ``rows`` in one column (a table reads its columns whole: one
        step per cell instead of three look-ups)."""
        grid, formulas, index = self.grid, self.formulas, column - 1
        out: list[object] = []
        for row in rows:
            line = grid[row - 1] if row - 1 < len(grid) else ()
            value = line[index] if index < len(line) else None
            if value is None and (row, column) in formulas:
                value = self.raw(row, column)  # a formula without its value: say so
            out.append(value)
        return out

    def format_column(self, rows: list[int], column: int) -> list[str | None]:
        """``number_format`` of each of ``rows`` in one column."""
        if self.formats is None:
            return [None] * len(rows)
        formats = self.formats
        return [formats.get((row, column), "General") for row in rows]


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


@paused_gc()
def read_workbook(path: str | Path, config: Config, *, require_tables: bool = True) -> WorkbookData:
    """Read every sheet in one pass (values as Excel saved them, formulas, number formats,
    fills, merged cells, tables' totals rows) and find its programme tables."""
    from ..xlsx.sheetread import read_sheets
    from ..xlsx.xmlscan import XmlProblem

    path = Path(path)
    check_workbook_file(path)  # what the file really is, before any parser sees it
    try:
        found = read_sheets(path, wanted=lambda name: name not in _NOT_READ)
    except (XmlProblem, KeyError, zipfile.BadZipFile, zlib.error, ValueError) as exc:
        sheet = getattr(exc, "sheet", None)
        what = f"La feuille « {sheet} »" if sheet else f"Une partie de {path.name}"
        raise WorkbookError(
            f"{what} ne peut pas être lue : le fichier est abîmé. Ouvrez le classeur dans "
            "Excel, qui propose de le réparer, enregistrez-le, puis relancez."
        ) from None
    sheets = [_sheet_data(values) for values in found]
    book = build_book(path, sheets, config)
    if require_tables and not book.tables:
        raise InputDataError(
            f"Aucune feuille de site reconnue dans {path.name} : aucune ligne d'en-tête avec "
            "« Formation », « Nb candidats entrée en formation », « 1 Taux de présentation »… "
            "Vérifiez que c'est bien le classeur des indicateurs."
        )
    return book


def _sheet_data(values) -> SheetData:  # type: ignore[no-untyped-def]
    """A sheet of ``xlsx.sheetread`` as the engine reads it."""
    formats: dict[tuple[int, int], str] = {}
    fills: dict[tuple[int, int], str] = {}
    cell_formats = values.formats
    for key, xf in values.xfs.items():
        code = cell_formats.code(xf)
        if code != "General":
            formats[key] = code
        colour = cell_formats.colour(xf)
        if colour:
            fills[key] = colour
    totals: set[int] = set()
    for table in values.tables:
        span = table.totals
        if span is not None:
            totals.update(range(span[0], span[2] + 1))
    return SheetData(
        values.name,
        values.rows,
        values.formulas,
        [],
        [],
        formats,
        list(values.merged),
        totals,
        fills,
        {cell for cell, author in values.note_authors.items() if author != NOTE_AUTHOR},
    )


def table_columns(sheet: SheetData, table: Table) -> dict[str, list[object]]:
    """The raw input values of a table, one list per field, ready for ``engine.compute``.

    Identification cells under a merged cell read as the merged cell's text.
    """
    columns: dict[str, list[object]] = {}
    names = table.names
    for key, column in table.columns.items():
        if FIELD_BY_KEY[key].computed:
            continue
        values = sheet.raw_column(table.rows, column)
        if names:
            for index, row in enumerate(table.rows):
                if values[index] is None and row in names:
                    values[index] = names[row].get(key)
        columns[key] = values
    return columns


def table_formats(sheet: SheetData, table: Table) -> dict[str, list[str | None]] | None:
    """The number formats of a table's input cells (None when the engine cannot tell)."""
    if sheet.formats is None:
        return None
    return {
        key: sheet.format_column(table.rows, column)
        for key, column in table.columns.items()
        if not FIELD_BY_KEY[key].computed
    }


def table_outputs(sheet: SheetData, table: Table, marks: Marks) -> dict[str, list[Stored]]:
    """What the cells the tool may write hold now, with what proves who wrote it."""
    written = marks.values.get(sheet.name, {})
    by_cell, name, formulas = marks.marks, sheet.name, sheet.formulas
    noted = sheet.person_notes or set()
    out: dict[str, list[Stored]] = {}
    for key in OUTPUT_KEYS:
        column = table.columns.get(key)
        if column is None:
            continue
        letters = column_letter(column)
        raws = sheet.raw_column(table.rows, column)
        formats = sheet.format_column(table.rows, column)
        cells = []
        for index, row in enumerate(table.rows):
            tool_text, tool_note = None, False
            if written or by_cell:  # a first run has no registry: no address to build
                address = f"{letters}{row}"
                mark = by_cell.get((name, address))
                tool_text = written.get(address)
                tool_note = mark is not None and mark.note is not None
            cells.append(
                Stored(
                    raw=raws[index],
                    formula=formulas.get((row, column)),
                    number_format=formats[index],
                    tool_text=tool_text,
                    tool_note=tool_note,
                    person_note=(row, column) in noted and not tool_note,
                )
            )
        out[key] = cells
    return out
