"""The one-pass sheet reader reads what openpyxl reads, on every workbook of the corpus.

openpyxl is the oracle: values as ``load_workbook(read_only=True, data_only=True)`` gives them,
formulas as it gives them without ``data_only`` (shared formulas written out), number formats,
fills, merged ranges and tables as a full load gives them. The corpus holds what people's files
hold: Excel's own XML, namespace prefixes, shared and array formulas, rich and inline text,
tables with totals rows, merges, dates, LibreOffice's re-saves, the tool's own output.
"""

from __future__ import annotations

import datetime
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from corpus.build import BUILDERS
from corpus.changes import computed_changes
from openpyxl.cell.cell import MergedCell
from openpyxl.worksheet.formula import ArrayFormula

from ortkpi_xl.xlsx import WriteOptions, write_changes
from ortkpi_xl.xlsx.sheetread import from_serial, is_date_format, read_sheets

pytestmark = pytest.mark.filterwarnings("ignore:.*(extension|default style).*:UserWarning")


def _trimmed(rows) -> list[list[object]]:  # type: ignore[no-untyped-def]
    out = [list(r) for r in rows]
    for row in out:
        while row and row[-1] is None:
            row.pop()
    while out and not out[-1]:
        out.pop()
    return out


def compare(path: Path) -> None:
    mine = {s.name: s for s in read_sheets(path)}
    values = openpyxl.load_workbook(path, read_only=True, data_only=True)
    full = openpyxl.load_workbook(path)
    try:
        assert list(mine) == [ws.title for ws in values.worksheets]
        for ws in values.worksheets:
            ws.reset_dimensions()
            assert _trimmed(mine[ws.title].rows) == _trimmed(ws.iter_rows(values_only=True)), (
                path.name,
                ws.title,
            )
        for ws in full.worksheets:  # a formula is a cell of type "f", not any text "=…"
            expected = {}
            for row in ws.iter_rows():
                for cell in row:
                    if cell.data_type == "f":
                        value = cell.value
                        text = value.text if isinstance(value, ArrayFormula) else value
                        expected[(cell.row, cell.column)] = text
            assert mine[ws.title].formulas == expected, (path.name, ws.title)
        for ws in full.worksheets:
            sheet = mine[ws.title]
            for row in ws.iter_rows():
                for cell in row:
                    if isinstance(cell, MergedCell):
                        continue
                    where = (path.name, ws.title, cell.coordinate)
                    assert sheet.number_format(cell.row, cell.column) == cell.number_format, where
                    filled = cell.fill is not None and cell.fill.fill_type not in (None, "none")
                    assert sheet.has_fill(cell.row, cell.column) == filled, where
            merged = sorted(
                (m.min_row, m.min_col, m.max_row, m.max_col) for m in ws.merged_cells.ranges
            )
            assert sorted(sheet.merged) == merged, (path.name, ws.title)
            tables = sorted(
                (t.displayName, t.ref.replace("$", ""), t.totalsRowCount or 0)
                for t in ws.tables.values()
            )
            found = sorted((t.name, _range_text(t.ref), t.totals_rows) for t in sheet.tables)
            assert found == tables, (path.name, ws.title)
    finally:
        values.close()


def _range_text(rng: tuple[int, int, int, int]) -> str:
    from openpyxl.utils import get_column_letter

    r1, c1, r2, c2 = rng
    return f"{get_column_letter(c1)}{r1}:{get_column_letter(c2)}{r2}"


@pytest.mark.parametrize("name", list(BUILDERS))
def test_reads_what_openpyxl_reads(corpus, name):
    compare(corpus[name])


def test_reads_the_tools_own_output(corpus, tmp_path):
    out = tmp_path / "out.xlsx"
    write_changes(corpus["excel_style"], out, computed_changes(), WriteOptions())
    compare(out)


def test_dates_text_and_odd_cells(tmp_path):
    """What openpyxl writes for dates, times, durations, booleans, errors, rich text."""
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont

    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = datetime.datetime(2024, 3, 1, 12, 30)
    ws["A2"] = datetime.date(1900, 2, 1)
    ws["A3"] = datetime.time(8, 15)
    ws["A4"] = datetime.timedelta(hours=30, minutes=5)
    ws["A4"].number_format = "[h]:mm"
    ws["B1"] = True
    ws["B2"] = "#N/A"
    ws["B2"].data_type = "e"
    ws["B3"] = "  espaces  \n et retour"
    ws["B4"] = CellRichText("gras ", TextBlock(InlineFont(b=True), "et pas"))
    ws["C1"] = 3
    ws["C2"] = 2.5e-12
    ws["C3"] = "=C1*2"
    ws["C4"] = "é & < > \" '"
    ws.merge_cells("D1:E2")
    ws["D1"].fill = openpyxl.styles.PatternFill("solid", fgColor="FFFF00")
    path = tmp_path / "odd.xlsx"
    wb.save(path)
    compare(path)


def test_a_date_format_is_recognised_as_excel_does():
    assert is_date_format("dd/mm/yyyy") and is_date_format("[$-40C]d mmmm yyyy")
    assert is_date_format("h:mm") and is_date_format("[h]:mm:ss")
    assert not is_date_format("0.0%") and not is_date_format('"jours" 0')
    assert not is_date_format("[Red]0.00") and not is_date_format("General")
    assert from_serial(45352.5, False, False) == datetime.datetime(2024, 3, 1, 12, 0)
    assert from_serial(0.25, False, False) == datetime.time(6, 0)
    assert from_serial(1.5, False, True) == datetime.timedelta(days=1, hours=12)


@pytest.mark.libreoffice
def test_reads_workbooks_saved_by_libreoffice(corpus, lo_check, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice
    profile = tmp_path / "profile"
    for name in ("excel_style", "table", "merged"):
        done = subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                "xlsx:Calc MS Excel 2007 XML",
                "--outdir",
                str(tmp_path),
                str(corpus[name]),
            ],
            capture_output=True,
            timeout=180,
        )
        assert done.returncode == 0, done.stderr
        saved = tmp_path / corpus[name].with_suffix(".xlsx").name
        assert zipfile.is_zipfile(saved)
        compare(saved)
