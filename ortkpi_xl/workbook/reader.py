"""Reading a workbook with openpyxl: values as Excel last computed them, and which cells hold
formulas.

Two streaming passes (``read_only``): cached values (``data_only``) and formulas. A formula in
an input cell is read through its cached value; a formula without one (the file was saved by a
tool that does not compute) is reported, never read as blank.
"""

from __future__ import annotations

import warnings
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import load_workbook

from ..cells import Reading, State
from ..config import Config
from ..errors import InputDataError, WorkbookError
from ..fields import FIELD_BY_KEY
from ..xlsx.guard import check_workbook_file
from .layout import Table, find_tables

OWNED_SHEETS = ("Contrôles", "Synthèse", "xlwings.conf", "ortkpi_etat")


@dataclass
class SheetData:
    name: str
    grid: list[list[object]]  # cached values, row 1 first
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col) → "=…"
    tables: list[Table] = field(default_factory=list)

    def value(self, row: int, column: int) -> object:
        if row - 1 < len(self.grid):
            line = self.grid[row - 1]
            if column - 1 < len(line):
                return line[column - 1]
        return None

    def raw(self, row: int, column: int, key: str) -> object:
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

    @property
    def tables(self) -> list[Table]:
        return [t for s in self.sheets for t in s.tables]

    def sheet(self, name: str) -> SheetData:
        return next(s for s in self.sheets if s.name == name)


def _rows(ws) -> list[list[object]]:
    ws.reset_dimensions()  # do not trust <dimension>: read every row the file holds
    try:
        return [list(row) for row in ws.iter_rows(values_only=True)]
    except (SyntaxError, ValueError, KeyError, zipfile.BadZipFile, zlib.error):  # XML ParseError
        raise WorkbookError(
            f"La feuille « {ws.title} » ne peut pas être lue : le fichier est abîmé. Ouvrez le "
            "classeur dans Excel, qui propose de le réparer, enregistrez-le, puis relancez."
        ) from None


def _open(path: Path, *, data_only: bool):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about unsupported extensions
            return load_workbook(path, read_only=True, data_only=data_only, keep_links=False)
    except FileNotFoundError:
        raise WorkbookError(f"Fichier introuvable : {path}.") from None
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise WorkbookError(
            f"Impossible de lire {path.name} comme un classeur Excel (.xlsx/.xlsm) : le fichier "
            "est abîmé ou d'un autre format. Ouvrez-le dans Excel et enregistrez-le au format "
            "« Classeur Excel (.xlsx) »."
        ) from exc


def read_workbook(path: str | Path, config: Config, *, require_tables: bool = True) -> WorkbookData:
    """Read every sheet and find its programme tables.

    One streaming pass reads values and formulas; a second pass for the cached values runs
    only when the workbook holds formulas (a workbook of plain values is read once).
    """
    path = Path(path)
    check_workbook_file(path)  # what the file really is, before any parser sees it
    formulas_wb = _open(path, data_only=False)
    sheets: list[SheetData] = []
    try:
        for ws in formulas_wb.worksheets:
            grid = _rows(ws)
            formulas: dict[tuple[int, int], str] = {}
            for r, line in enumerate(grid, start=1):
                for c, value in enumerate(line, start=1):
                    if isinstance(value, str):
                        if value.startswith("="):
                            formulas[(r, c)] = value
                    elif (
                        value is not None
                        and not isinstance(value, (int, float))
                        and hasattr(value, "text")
                    ):  # ArrayFormula / DataTableFormula objects
                        formulas[(r, c)] = str(value.text)
            sheets.append(SheetData(ws.title, grid, formulas))
    finally:
        formulas_wb.close()
    if any(s.formulas for s in sheets):
        values_wb = _open(path, data_only=True)
        try:
            for sheet, ws in zip(sheets, values_wb.worksheets, strict=True):
                if sheet.formulas:
                    sheet.grid = _rows(ws)
        finally:
            values_wb.close()
    for sheet in sheets:
        if sheet.name not in OWNED_SHEETS:
            sheet.tables = find_tables(sheet.name, sheet.grid, config)
    book = WorkbookData(path, sheets)
    if require_tables and not book.tables:
        raise InputDataError(
            f"Aucune feuille de site reconnue dans {path.name} : aucune ligne d'en-tête avec "
            "« Formation », « Nb candidats entrée en formation », « 1 Taux de présentation »… "
            "Vérifiez que c'est bien le classeur des indicateurs."
        )
    return book


def table_columns(sheet: SheetData, table: Table) -> dict[str, list[object]]:
    """The raw values of a table, one list per field, ready for ``engine.compute``."""
    columns: dict[str, list[object]] = {}
    for key, column in table.columns.items():
        if FIELD_BY_KEY[key].computed:
            continue
        columns[key] = [sheet.raw(row, column, key) for row in table.rows]
    return columns


def stored_computed(sheet: SheetData, table: Table) -> dict[str, list[object]]:
    """What the computed columns hold now (for the staleness check)."""
    out: dict[str, list[object]] = {}
    for key, column in table.columns.items():
        if FIELD_BY_KEY[key].computed:
            out[key] = [sheet.raw(row, column, key) for row in table.rows]
    return out
