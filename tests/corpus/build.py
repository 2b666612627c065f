"""A corpus of workbooks with every kind of part a site's real file may hold, built at test time.

Each builder writes one file and returns its path. Most are made with XlsxWriter (which writes
what Excel writes for these features: VML buttons, x14 sparklines and data bars, tables…); a
few are post-processed to add what XlsxWriter cannot (a ribbon part, an x14 cross-sheet
dropdown, a custom XML part); two are written by hand in the exact style of Excel 365 and of
the Open XML SDK (namespace prefixes, shared formulas, calcChain, dynamic arrays, threaded
comments, sensitivity label, form control properties, printer settings).

Every workbook has a site sheet "Ecole de Travail" laid out like the template: a merged title in
row 1, the canonical header in row ``HEADER_ROW``, programmes in ``DATA_ROWS``, a person's total
row with formulas and cached values below.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import xlsxwriter
import xlwings

from ortkpi_xl.fields import FIELDS

SITE = "Ecole de Travail"
HEADER_ROW = 3  # 1-based
DATA_ROWS = range(4, 14)  # 1-based, ten programmes
TOTAL_ROW = 14
COL = {f.key: i + 1 for i, f in enumerate(FIELDS)}  # 1-based column of each field
COMPUTED = [COL[f.key] for f in FIELDS if f.computed]
PROGRAMMES = [
    "BTS SIO",
    "BTS NDRC",
    "BTS MCO",
    "BTS CG",
    "BAC PRO MELEC",
    "CAP EPC",
    "BTS GPME",
    "LICENCE RH",
    "MASTER MEEF",
    "BTS CI",
]


def col_letter(col: int) -> str:
    letters = ""
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def png(width: int = 4, height: int = 4, rgb: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    """A tiny valid PNG (no Pillow needed)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def xlwings_member(template: str, member: str) -> bytes:
    path = Path(xlwings.__file__).parent / template
    with zipfile.ZipFile(path) as archive:
        return archive.read(member)


def rezip(
    path: Path,
    *,
    add: dict[str, bytes] | None = None,
    patch: dict[str, Callable[[bytes], bytes]] | None = None,
) -> None:
    """Rewrite ``path`` with members added or patched (used to add what XlsxWriter cannot)."""
    with zipfile.ZipFile(path) as src:
        items = [(i, src.read(i.filename)) for i in src.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info, data in items:
            if patch and info.filename in patch:
                data = patch[info.filename](data)
            out.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
        for name, data in (add or {}).items():
            out.writestr(name, data)


def _insert(before: bytes, marker: bytes, text: bytes) -> Callable[[bytes], bytes]:
    def apply(data: bytes) -> bytes:
        assert marker in data, marker
        return (
            data.replace(marker, text + marker, 1)
            if before == b"before"
            else data.replace(marker, marker + text, 1)
        )

    return apply


# ---------------------------------------------------------------------------------------------
# the site sheet, XlsxWriter side


def site_sheet(
    wb: xlsxwriter.Workbook,
    name: str = SITE,
    *,
    formulas: bool = True,
    title: bool = True,
    computed_format=None,
    table: bool = False,
):  # type: ignore[no-untyped-def]
    ws = wb.add_worksheet(name)
    bold = wb.add_format(
        {"bold": True, "text_wrap": True, "bg_color": "#1F4E78", "font_color": "#FFFFFF"}
    )
    if title:
        ws.merge_range(0, 0, 0, 5, f"Indicateurs 2025 — {name}", wb.add_format({"bold": True}))
    if not table:
        for c, field in enumerate(FIELDS):
            ws.write(HEADER_ROW - 1, c, field.label, bold)
    for i, row in enumerate(DATA_ROWS):
        r = row - 1
        entrants = 12 + i
        values = {
            "formation": PROGRAMMES[i],
            "intitule": f"Intitulé {PROGRAMMES[i]}",
            "promotion": "2023-2025",
            "rncp": f"RNCP{35000 + i}",
            "certificateur": "MEN",
            "niveau": 5,
            "entrants": entrants,
            "presentes": entrants - 1,
            "interruptions": 1,
            "ruptures": i % 3,
            "reussis": entrants - 3,
            "repondants": entrants - 2,
            "poursuivants": 2,
            "sat_stagiaire": 4.2,
            "sat_entreprise": 4.5,
            "sat_financeur": 4.0,
            "insertion_reference": 0.71,
            "statut": "",
            "source": "CFA",
        }
        if table:
            continue
        for key, value in values.items():
            if value != "":
                ws.write(r, COL[key] - 1, value)
        if computed_format is not None:
            for c in COMPUTED:
                ws.write_blank(r, c - 1, None, computed_format)
    if formulas and not table:
        g = col_letter(COL["entrants"])
        first, last = DATA_ROWS[0], DATA_ROWS[-1]
        total = sum(12 + i for i in range(len(DATA_ROWS)))
        ws.write(TOTAL_ROW - 1, 0, "Total")
        ws.write_formula(
            TOTAL_ROW - 1, COL["entrants"] - 1, f"=SUM({g}{first}:{g}{last})", None, total
        )
        n = col_letter(COL["presentation"])
        ws.write_formula(
            TOTAL_ROW,
            COL["presentation"] - 1,
            f'=IFERROR(AVERAGE({n}{first}:{n}{last}),"")',
            None,
            "",
        )
    return ws


def table_rows() -> list[list[object]]:
    out = []
    for i, _ in enumerate(DATA_ROWS):
        entrants = 12 + i
        row: list[object] = [None] * len(FIELDS)
        row[COL["formation"] - 1] = PROGRAMMES[i]
        row[COL["entrants"] - 1] = entrants
        row[COL["presentes"] - 1] = entrants - 1
        row[COL["interruptions"] - 1] = 1
        row[COL["ruptures"] - 1] = i % 3
        row[COL["reussis"] - 1] = entrants - 3
        row[COL["poursuivants"] - 1] = 2
        out.append(row)
    return out


# ---------------------------------------------------------------------------------------------
# builders


def plain(folder: Path) -> Path:
    path = folder / "plain.xlsx"
    wb = xlsxwriter.Workbook(path)
    site_sheet(wb)
    wb.close()
    return path


def macros(folder: Path) -> Path:
    """.xlsm: VBA project, a form button running a macro, a note, and a ribbon part."""
    path = folder / "macros.xlsm"
    vba = folder / "vbaProject.bin"
    vba.write_bytes(xlwings_member("quickstart.xlsm", "xl/vbaProject.bin"))
    wb = xlsxwriter.Workbook(path)
    ws = site_sheet(wb)
    ws.insert_button("B16", {"macro": "SampleCall", "caption": "Recalculer", "width": 120})
    ws.write_comment("A4", "Vérifié avec la direction", {"author": "Marie Curie"})
    wb.add_vba_project(str(vba))
    wb.close()
    ribbon = xlwings_member("quickstart_addin_ribbon.xlam", "customUI/customUI.xml")
    rel = (
        b'<Relationship Id="rIdUI" Type="http://schemas.microsoft.com/office/2006/'
        b'relationships/ui/extensibility" Target="customUI/customUI.xml"/>'
    )
    rezip(
        path,
        add={"customUI/customUI.xml": ribbon},
        patch={"_rels/.rels": _insert(b"before", b"</Relationships>", rel)},
    )
    return path


def notes(folder: Path) -> Path:
    """A person's notes with their own size, colour and visibility, one on a computed cell."""
    path = folder / "notes.xlsx"
    wb = xlsxwriter.Workbook(path)
    ws = site_sheet(wb)
    ws.write_comment(
        "A5",
        "Promotion fusionnée en 2024",
        {
            "author": "Paul Martin",
            "visible": True,
            "x_scale": 2.5,
            "y_scale": 1.6,
            "color": "#CCFFCC",
        },
    )
    ws.write_comment(
        f"{col_letter(COL['insertion_emploi'])}6",
        "Chiffre reçu par courriel",
        {"author": "Paul Martin", "width": 300, "height": 120},
    )
    ws.write_comment("B7", "Intitulé à vérifier", {"author": "Zoé", "visible": False})
    other = wb.add_worksheet("Suivi")
    other.write("A1", "Suivi")
    other.write_comment("A1", "Feuille de Paul", {"author": "Paul Martin", "visible": True})
    wb.close()
    return path


def dropdowns(folder: Path) -> Path:
    """Validation: cross-sheet list, inline list, whole number with messages, and x14 list."""
    path = folder / "dropdowns.xlsx"
    wb = xlsxwriter.Workbook(path)
    ws = site_sheet(wb)
    lists = wb.add_worksheet("Listes")
    for i, word in enumerate(["en cours", "NC", "ND", "non diffusé"]):
        lists.write(i, 0, word)
    statut = col_letter(COL["statut"])
    first, last = DATA_ROWS[0], DATA_ROWS[-1]
    ws.data_validation(
        f"{statut}{first}:{statut}{last}", {"validate": "list", "source": "=Listes!$A$1:$A$4"}
    )
    ws.data_validation(
        f"C{first}:C{last}", {"validate": "list", "source": ["2023-2025", "2024-2026"]}
    )
    g = col_letter(COL["entrants"])
    ws.data_validation(
        f"{g}{first}:{g}{last}",
        {
            "validate": "integer",
            "criteria": ">=",
            "value": 0,
            "input_title": "Effectif",
            "input_message": "Nombre entier positif",
        },
    )
    wb.close()
    source = col_letter(COL["source"])
    x14 = (
        '<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" '
        'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
        '<x14:dataValidations count="1" xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
        '<x14:dataValidation type="list" allowBlank="1" showInputMessage="1" showErrorMessage="1">'
        "<x14:formula1><xm:f>Listes!$A$1:$A$4</xm:f></x14:formula1>"
        f"<xm:sqref>{source}{first}:{source}{last}</xm:sqref></x14:dataValidation>"
        "</x14:dataValidations></ext></extLst>"
    ).encode()
    rezip(path, patch={"xl/worksheets/sheet1.xml": _insert(b"before", b"</worksheet>", x14)})
    return path


def sparklines(folder: Path) -> Path:
    path = folder / "sparklines.xlsx"
    wb = xlsxwriter.Workbook(path)
    ws = site_sheet(wb)
    g, m = col_letter(COL["entrants"]), col_letter(COL["poursuivants"])
    for row in DATA_ROWS:
        ws.add_sparkline(f"AB{row}", {"range": f"'{SITE}'!{g}{row}:{m}{row}", "markers": True})
    wb.close()
    return path


def merged(folder: Path) -> Path:
    """Merged ranges, one with a value kept in a non-first cell (as LibreOffice can store)."""
    path = folder / "merged.xlsx"
    wb = xlsxwriter.Workbook(path)
    ws = site_sheet(wb)
    fmt = wb.add_format({"align": "center"})
    ws.merge_range("A17:C17", "Commentaire de la direction", fmt)
    ws.write("B17", "texte caché dans la fusion")
    ws.merge_range("AB4:AC5", "Groupe A", fmt)
    wb.close()
    return path


def chart(folder: Path) -> Path:
    path = folder / "chart.xlsx"
    wb = xlsxwriter.Workbook(path)
    site_sheet(wb)
    g = col_letter(COL["entrants"])
    for where in ("sheet", "chartsheet"):
        ch = wb.add_chart({"type": "column"})
        ch.add_series(
            {
                "name": "Entrants",
                "categories": f"='{SITE}'!$A${DATA_ROWS[0]}:$A${DATA_ROWS[-1]}",
                "values": f"='{SITE}'!${g}${DATA_ROWS[0]}:${g}${DATA_ROWS[-1]}",
            }
        )
        if where == "sheet":
            wb.get_worksheet_by_name(SITE).insert_chart("AC4", ch)
        else:
            wb.add_chartsheet("Graphique").set_chart(ch)
    wb.close()
    return path


def images(folder: Path) -> Path:
    """A picture, a header picture (&G) and a sheet background."""
    path = folder / "images.xlsx"
    wb = xlsxwriter.Workbook(path)
    ws = site_sheet(wb)
    ws.insert_image("AC4", "logo.png", {"image_data": io.BytesIO(png(8, 8))})
    ws.set_header(
        "&L&G&CIndicateurs",
        {"image_left": "entete.png", "image_data_left": io.BytesIO(png(6, 6, (0, 0, 200)))},
    )
    ws.set_background(io.BytesIO(png(2, 2, (240, 240, 240))))
    wb.close()
    return path


def condfmt(folder: Path) -> Path:
    path = folder / "condfmt.xlsx"
    wb = xlsxwriter.Workbook(path)
    ws = site_sheet(wb)
    red = wb.add_format({"font_color": "#9C0006", "bg_color": "#FFC7CE"})
    first, last = DATA_ROWS[0], DATA_ROWS[-1]
    n = col_letter(COL["presentation"])
    q = col_letter(COL["obtention"])
    g = col_letter(COL["entrants"])
    wb.define_name("Seuil", "=0.5")
    ws.conditional_format(
        f"{n}{first}:{n}{last}", {"type": "cell", "criteria": "<", "value": "Seuil", "format": red}
    )
    ws.conditional_format(f"{q}{first}:{q}{last}", {"type": "3_color_scale"})
    ws.conditional_format(
        f"{g}{first}:{g}{last}",
        {"type": "data_bar", "data_bar_2010": True, "bar_negative_color": "#FF0000"},
    )
    ws.conditional_format(
        f"A{first}:A{last}", {"type": "icon_set", "icon_style": "3_traffic_lights"}
    )
    wb.close()
    return path


def names_print(folder: Path) -> Path:
    """Defined names, print settings, freeze panes, filter, hidden rows, outline, hidden sheets."""
    path = folder / "names_print.xlsx"
    wb = xlsxwriter.Workbook(path)
    ws = site_sheet(wb)
    first, last = DATA_ROWS[0], DATA_ROWS[-1]
    g = col_letter(COL["entrants"])
    wb.define_name("Entrants", f"='{SITE}'!${g}${first}:${g}${last}")
    wb.define_name(f"'{SITE}'!Local", "=42")
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.print_area(f"A1:AA{TOTAL_ROW}")
    ws.repeat_rows(HEADER_ROW - 1)
    ws.set_footer("&CPage &P sur &N")
    ws.freeze_panes(HEADER_ROW, 2)
    ws.autofilter(f"A{HEADER_ROW}:AA{last}")
    ws.set_row(DATA_ROWS[2] - 1, None, None, {"hidden": True})
    ws.set_row(DATA_ROWS[4] - 1, None, None, {"level": 1})
    ws.set_row(DATA_ROWS[5] - 1, None, None, {"level": 1})
    ws.set_tab_color("#FF9900")
    hidden = wb.add_worksheet("Paramètres")
    hidden.write("A1", "caché")
    hidden.hide()
    secret = wb.add_worksheet("Interne")
    secret.write("A1", "très caché")
    secret.very_hidden()
    wb.set_custom_property("Site", "Ecole de Travail")
    wb.set_properties({"title": "Indicateurs", "author": "Marie Curie", "company": "ORT"})
    wb.close()
    return path


def protected(folder: Path) -> Path:
    """A protected site sheet whose computed columns are unlocked (the tool may write there)."""
    path = folder / "protected.xlsx"
    wb = xlsxwriter.Workbook(path)
    unlocked = wb.add_format({"locked": False})
    ws = site_sheet(wb, computed_format=unlocked)
    for row in DATA_ROWS:
        for key in ("insertion_emploi",):
            ws.write_blank(row - 1, COL[key] - 1, None, unlocked)
    ws.protect("secret", {"format_cells": False})
    wb.close()
    return path


def table(folder: Path) -> Path:
    """The site data as an Excel table (ListObject) with its header in the header row."""
    path = folder / "table.xlsx"
    wb = xlsxwriter.Workbook(path)
    ws = site_sheet(wb, table=True, formulas=False)
    last = DATA_ROWS[-1]
    ws.add_table(
        f"A{HEADER_ROW}:{col_letter(len(FIELDS))}{last}",
        {
            "name": "Formations",
            "data": table_rows(),
            "columns": [{"header": f.label} for f in FIELDS],
            "style": "Table Style Medium 2",
        },
    )
    wb.close()
    return path


def shapes(folder: Path) -> Path:
    path = folder / "shapes.xlsx"
    wb = xlsxwriter.Workbook(path)
    ws = site_sheet(wb)
    ws.insert_textbox(
        "AC3",
        "Saisir les effectifs au 31/12",
        {"width": 260, "height": 60, "fill": {"color": "#FFF2CC"}},
    )
    wb.close()
    return path


def styled(folder: Path) -> Path:
    """Row and column styles, a person's fills on computed cells, existing number formats."""
    path = folder / "styled.xlsx"
    wb = xlsxwriter.Workbook(path)
    calc = wb.add_format({"bg_color": "#E7EEF7", "num_format": "0.00%"})
    ws = site_sheet(wb)
    green = wb.add_format({"bg_color": "#C6EFCE"})
    emploi = COL["insertion_emploi"] - 1
    ws.set_column(emploi, emploi, 16, green)
    ws.set_row(DATA_ROWS[-1] - 1, None, wb.add_format({"italic": True}))
    for row in DATA_ROWS[:3]:
        ws.write_blank(row - 1, COL["presentation"] - 1, None, calc)
    ws.write_blank(DATA_ROWS[0] - 1, emploi, None, wb.add_format({"bg_color": "#FFC000"}))
    wb.close()
    return path


def rich(folder: Path) -> Path:
    """Everything at once in an .xlsm."""
    path = folder / "rich.xlsm"
    vba = folder / "vbaProject_rich.bin"
    vba.write_bytes(xlwings_member("quickstart.xlsm", "xl/vbaProject.bin"))
    wb = xlsxwriter.Workbook(path)
    ws = site_sheet(wb)
    lists = wb.add_worksheet("Listes")
    lists.write_column(0, 0, ["en cours", "NC", "ND"])
    first, last = DATA_ROWS[0], DATA_ROWS[-1]
    statut = col_letter(COL["statut"])
    ws.data_validation(
        f"{statut}{first}:{statut}{last}", {"validate": "list", "source": "=Listes!$A$1:$A$3"}
    )
    ws.conditional_format(
        f"{col_letter(COL['entrants'])}{first}:{col_letter(COL['entrants'])}{last}",
        {"type": "data_bar", "data_bar_2010": True},
    )
    ws.add_sparkline(f"AB{first}", {"range": f"'{SITE}'!G{first}:M{first}"})
    ws.insert_button("B16", {"macro": "SampleCall", "caption": "Recalculer"})
    ws.write_comment("A6", "Note visible", {"visible": True, "author": "Marie", "x_scale": 2})
    ws.insert_image("AC8", "p.png", {"image_data": io.BytesIO(png())})
    ws.insert_textbox("AC14", "Zone libre")
    ch = wb.add_chart({"type": "line"})
    ch.add_series({"values": f"='{SITE}'!$G${first}:$G${last}"})
    ws.insert_chart("AE4", ch)
    ws.merge_range("A18:D18", "Fusion", None)
    ws.freeze_panes(HEADER_ROW, 1)
    ws.set_row(DATA_ROWS[1] - 1, None, None, {"hidden": True})
    ws.set_landscape()
    wb.add_vba_project(str(vba))
    wb.close()
    return path


def existing_owned(folder: Path) -> Path:
    """A workbook that already has a "Contrôles" sheet (from a person or an older run)."""
    path = folder / "existing_owned.xlsx"
    wb = xlsxwriter.Workbook(path)
    site_sheet(wb)
    ctrl = wb.add_worksheet("Contrôles")
    ctrl.write("A1", "ancienne liste")
    ctrl.write_comment("A1", "note dans l'ancienne feuille")
    after = wb.add_worksheet("Annexe")
    after.write("A1", "après Contrôles")
    wb.close()
    return path


# ---------------------------------------------------------------------------------------------
# hand-made packages

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_R = "http://schemas.openxmlformats.org/package/2006/relationships"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_X14AC = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"
_XR = "http://schemas.microsoft.com/office/spreadsheetml/2014/revision"
_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'


def _write_zip(path: Path, members: dict[str, str | bytes]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in members.items():
            out.writestr(name, data.encode("utf-8") if isinstance(data, str) else data)


def _excel_rows(strings: list[str]) -> tuple[str, list[str]]:
    """The site sheet's rows as Excel 365 writes them (shared strings, shared formulas)."""

    def s(text: str) -> int:
        if text not in strings:
            strings.append(text)
        return strings.index(text)

    rows = [
        f'<row r="1" spans="1:27" x14ac:dyDescent="0.25"><c r="A1" s="1" t="s"><v>'
        f"{s('Indicateurs 2025 — Ecole de Travail')}</v></c></row>"
    ]
    header = "".join(
        f'<c r="{col_letter(i + 1)}{HEADER_ROW}" s="1" t="s"><v>{s(f.label)}</v></c>'
        for i, f in enumerate(FIELDS)
    )
    rows.append(
        f'<row r="{HEADER_ROW}" spans="1:30" ht="45" customHeight="1" '
        f'x14ac:dyDescent="0.25">{header}</row>'
    )
    q = col_letter(COL["obtention"])
    for i, row in enumerate(list(DATA_ROWS) + [DATA_ROWS[-1] + 1]):
        entrants = 12 + i
        cells = [f'<c r="A{row}" t="s"><v>{s(PROGRAMMES[i % len(PROGRAMMES)])}</v></c>']
        for key, value in (
            ("entrants", entrants),
            ("presentes", entrants - 1),
            ("interruptions", 1),
            ("ruptures", i % 3),
            ("reussis", entrants - 3),
            ("poursuivants", 2),
        ):
            cells.append(f'<c r="{col_letter(COL[key])}{row}"><v>{value}</v></c>')
        cached = round((entrants - 3) / (entrants - 1), 6)
        if row == DATA_ROWS[0]:
            formula = (
                f'<f t="shared" ref="{q}{row}:{q}{DATA_ROWS[-1] + 1}" si="0">'
                f'IF(H{row}=0,"",K{row}/H{row})</f>'
            )
        else:
            formula = '<f t="shared" si="0"/>'
        cells.append(f'<c r="{q}{row}" s="2">{formula}<v>{cached}</v></c>')
        # a person's own shared formula, never targeted
        ab = (
            f'<f t="shared" ref="AB{row}:AB{DATA_ROWS[-1] + 1}" si="1">G{row}+H{row}</f>'
            if row == DATA_ROWS[0]
            else '<f t="shared" si="1"/>'
        )
        cells.append(f'<c r="AB{row}">{ab}<v>{2 * entrants - 1}</v></c>')
        if row == DATA_ROWS[0]:
            cells.append(
                f'<c r="AC{row}" cm="1"><f t="array" ref="AC{row}:AC{row + 4}">'
                f"G{row}:G{row + 4}*2</f><v>{2 * entrants}</v></c>"
            )
        elif row <= DATA_ROWS[0] + 4:
            cells.append(f'<c r="AC{row}"><v>{2 * entrants}</v></c>')
        rows.append(f'<row r="{row}" spans="1:29" x14ac:dyDescent="0.25">{"".join(cells)}</row>')
    return "".join(rows), strings


def excel_style(folder: Path) -> Path:
    """Hand-made in the style of Excel 365: everything openpyxl loses, in one package."""
    path = folder / "excel_style.xlsx"
    strings: list[str] = []
    rows, strings = _excel_rows(strings)
    shared = (
        _DECL
        + f'<sst xmlns="{_MAIN}" count="{len(strings)}" uniqueCount="{len(strings)}">'
        + "".join(f"<si><t>{t.replace('&', '&amp;')}</t></si>" for t in strings)
        + "</sst>"
    )
    last = DATA_ROWS[-1] + 1
    sheet1 = (
        _DECL + f'<worksheet xmlns="{_MAIN}" xmlns:r="{_R}" xmlns:mc="{_MC}" '
        f'mc:Ignorable="x14ac xr xr2 xr3" xmlns:x14ac="{_X14AC}" xmlns:xr="{_XR}" '
        'xmlns:xr2="http://schemas.microsoft.com/office/spreadsheetml/2015/revision2" '
        'xmlns:xr3="http://schemas.microsoft.com/office/spreadsheetml/2016/revision3" '
        'xr:uid="{9F0B8B1E-0000-4000-8000-000000000001}">'
        '<sheetPr codeName="Feuil1"/>'
        f'<dimension ref="A1:AC{last}"/>'
        '<sheetViews><sheetView tabSelected="1" zoomScale="90" zoomScaleNormal="90" '
        'workbookViewId="0"><pane ySplit="3" topLeftCell="A4" activePane="bottomLeft" '
        'state="frozen"/><selection pane="bottomLeft" activeCell="B5" sqref="B5"/>'
        "</sheetView></sheetViews>"
        '<sheetFormatPr defaultRowHeight="15" x14ac:dyDescent="0.25"/>'
        '<cols><col min="1" max="1" width="16.7109375" customWidth="1"/>'
        '<col min="2" max="2" width="38.7109375" customWidth="1"/></cols>'
        f"<sheetData>{rows}</sheetData>"
        '<mergeCells count="1"><mergeCell ref="A1:F1"/></mergeCells>'
        f'<dataValidations count="1"><dataValidation type="whole" operator="greaterThanOrEqual" '
        f'allowBlank="1" showInputMessage="1" showErrorMessage="1" sqref="G4:G{last}">'
        "<formula1>0</formula1></dataValidation></dataValidations>"
        '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" '
        'footer="0.3"/><pageSetup paperSize="9" orientation="landscape" r:id="rId1"/>'
        '<legacyDrawing r:id="rId2"/>'
        '<mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/'
        '2006"><mc:Choice Requires="x14"><controls><mc:AlternateContent xmlns:mc="http://'
        'schemas.openxmlformats.org/markup-compatibility/2006"><mc:Choice Requires="x14">'
        '<control shapeId="1025" r:id="rId3" name="Button 1"><controlPr defaultSize="0" '
        'print="0" autoFill="0" autoPict="0" macro="[0]!Recalculer"><anchor moveWithCells="1" '
        'sizeWithCells="1"><from><xdr:col xmlns:xdr="http://schemas.openxmlformats.org/'
        'drawingml/2006/spreadsheetDrawing">1</xdr:col><xdr:colOff xmlns:xdr="http://schemas.'
        'openxmlformats.org/drawingml/2006/spreadsheetDrawing">0</xdr:colOff><xdr:row xmlns:xdr='
        '"http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing">15</xdr:row>'
        '<xdr:rowOff xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheet'
        'Drawing">0</xdr:rowOff></from><to><xdr:col xmlns:xdr="http://schemas.openxmlformats.'
        'org/drawingml/2006/spreadsheetDrawing">3</xdr:col><xdr:colOff xmlns:xdr="http://'
        'schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing">0</xdr:colOff><xdr:row '
        'xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing">17'
        '</xdr:row><xdr:rowOff xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/'
        'spreadsheetDrawing">0</xdr:rowOff></to></anchor></controlPr></control></mc:Choice>'
        "</mc:AlternateContent></controls></mc:Choice></mc:AlternateContent>"
        "</worksheet>"
    )
    sheet2 = (
        _DECL + f'<worksheet xmlns="{_MAIN}" xmlns:r="{_R}"><dimension ref="A1"/>'
        '<sheetViews><sheetView workbookViewId="0"/></sheetViews>'
        '<sheetFormatPr defaultRowHeight="15"/><sheetData><row r="1"><c r="A1" t="inlineStr">'
        "<is><t>en cours</t></is></c></row></sheetData>"
        '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" '
        'footer="0.3"/></worksheet>'
    )
    styles = (
        _DECL + f'<styleSheet xmlns="{_MAIN}" xmlns:mc="{_MC}" mc:Ignorable="x14ac x16r2 xr" '
        f'xmlns:x14ac="{_X14AC}" xmlns:x16r2="http://schemas.microsoft.com/office/'
        f'spreadsheetml/2015/02/main" xmlns:xr="{_XR}">'
        '<numFmts count="1"><numFmt numFmtId="164" formatCode="0.0%"/></numFmts>'
        '<fonts count="2" x14ac:knownFonts="1"><font><sz val="11"/><color theme="1"/>'
        '<name val="Calibri"/><family val="2"/><scheme val="minor"/></font><font><b/>'
        '<sz val="11"/><color theme="1"/><name val="Calibri"/><family val="2"/>'
        '<scheme val="minor"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill><fill>'
        '<patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
        '</cellStyleXfs><cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" '
        'xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" '
        'applyAlignment="1"><alignment wrapText="1"/></xf><xf numFmtId="164" fontId="0" '
        'fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        '<dxfs count="0"/><tableStyles count="0" defaultTableStyle="TableStyleMedium2" '
        'defaultPivotStyle="PivotStyleLight16"/><extLst><ext uri="{EB79DEF2-80B8-43e5-95BD-'
        '54CBDDF9020C}" xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/'
        'main"><x14:slicerStyles defaultSlicerStyle="SlicerStyleLight1"/></ext></extLst>'
        "</styleSheet>"
    )
    workbook = (
        _DECL + f'<workbook xmlns="{_MAIN}" xmlns:r="{_R}" xmlns:mc="{_MC}" '
        'mc:Ignorable="x15 xr xr6 xr10 xr2" xmlns:x15="http://schemas.microsoft.com/office/'
        f'spreadsheetml/2010/11/main" xmlns:xr="{_XR}" xmlns:xr6="http://schemas.microsoft.com/'
        'office/spreadsheetml/2016/revision6" xmlns:xr10="http://schemas.microsoft.com/office/'
        'spreadsheetml/2016/revision10" xmlns:xr2="http://schemas.microsoft.com/office/'
        'spreadsheetml/2015/revision2"><fileVersion appName="xl" lastEdited="7" lowestEdited="7" '
        'rupBuild="27425"/><workbookPr codeName="ThisWorkbook" defaultThemeVersion="166925"/>'
        '<xr:revisionPtr revIDLastSave="0" documentId="13_ncr:1_{00000000-0000-0000-0000-'
        '000000000000}" xr6:coauthVersionLast="47" xr6:coauthVersionMax="47" xr10:uidLastSave='
        '"{00000000-0000-0000-0000-000000000000}"/><bookViews><workbookView xWindow="-120" '
        'yWindow="-120" windowWidth="29040" windowHeight="15840" xr2:uid="{11111111-0000-4000-'
        '8000-000000000000}"/></bookViews><sheets><sheet name="Ecole de Travail" sheetId="1" '
        'r:id="rId1"/><sheet name="Listes" sheetId="2" r:id="rId2"/></sheets><definedNames>'
        '<definedName name="_xlnm.Print_Area" localSheetId="0">\'Ecole de Travail\'!$A$1:'
        f'$AC${last}</definedName><definedName name="Statuts">Listes!$A$1</definedName>'
        '</definedNames><calcPr calcId="191029"/></workbook>'
    )
    wb_rels = (
        _DECL + f'<Relationships xmlns="{_PKG_R}">'
        f'<Relationship Id="rId1" Type="{_R}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{_R}/worksheet" Target="worksheets/sheet2.xml"/>'
        f'<Relationship Id="rId3" Type="{_R}/styles" Target="styles.xml"/>'
        f'<Relationship Id="rId4" Type="{_R}/sharedStrings" Target="sharedStrings.xml"/>'
        f'<Relationship Id="rId5" Type="{_R}/calcChain" Target="calcChain.xml"/>'
        '<Relationship Id="rId6" Type="http://schemas.microsoft.com/office/2017/10/'
        'relationships/person" Target="persons/person.xml"/>'
        '<Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/sheetMetadata" Target="metadata.xml"/>'
        f'<Relationship Id="rId8" Type="{_R}/customXml" Target="../customXml/item1.xml"/>'
        "</Relationships>"
    )
    sheet_rels = (
        _DECL + f'<Relationships xmlns="{_PKG_R}">'
        f'<Relationship Id="rId1" Type="{_R}/printerSettings" '
        'Target="../printerSettings/printerSettings1.bin"/>'
        f'<Relationship Id="rId2" Type="{_R}/vmlDrawing" Target="../drawings/vmlDrawing1.vml"/>'
        f'<Relationship Id="rId3" Type="{_R}/ctrlProp" Target="../ctrlProps/ctrlProp1.xml"/>'
        f'<Relationship Id="rId4" Type="{_R}/comments" Target="../comments1.xml"/>'
        '<Relationship Id="rId5" Type="http://schemas.microsoft.com/office/2017/10/'
        'relationships/threadedComment" Target="../threadedComments/threadedComment1.xml"/>'
        "</Relationships>"
    )
    tc_text = (
        "[Threaded comment]\n\nYour version of Excel allows you to read this threaded "
        "comment; however, any edits to it will get removed if the file is opened in a "
        "newer version of Excel.\n\nComment:\n    Effectif à confirmer"
    )
    comments = (
        _DECL + f'<comments xmlns="{_MAIN}" xmlns:mc="{_MC}" mc:Ignorable="xr" '
        f'xmlns:xr="{_XR}"><authors><author>tc={{6A7E1F0A-0000-4000-8000-000000000001}}</author>'
        "<author>Marie Curie</author></authors><commentList>"
        '<comment ref="B4" authorId="0" shapeId="0" xr:uid="{6A7E1F0A-0000-4000-8000-'
        f'000000000001}}"><text><t>{tc_text}</t></text></comment>'
        '<comment ref="G5" authorId="1" shapeId="0" xr:uid="{6A7E1F0A-0000-4000-8000-'
        '000000000002}"><text><r><rPr><b/><sz val="9"/><color indexed="81"/><rFont val="Tahoma"/>'
        '<family val="2"/></rPr><t>Marie Curie:</t></r><r><rPr><sz val="9"/><color indexed="81"/>'
        '<rFont val="Tahoma"/><family val="2"/></rPr><t xml:space="preserve">\nDeux abandons '
        "en septembre</t></r></text></comment></commentList></comments>"
    )
    vml = (
        '<xml xmlns:v="urn:schemas-microsoft-com:vml"\r\n xmlns:o="urn:schemas-microsoft-com:'
        'office:office"\r\n xmlns:x="urn:schemas-microsoft-com:office:excel">\r\n'
        ' <o:shapelayout v:ext="edit">\r\n  <o:idmap v:ext="edit" data="1"/>\r\n'
        ' </o:shapelayout><v:shapetype id="_x0000_t201" coordsize="21600,21600" o:spt="201"\r\n'
        '  path="m,l,21600r21600,l21600,xe">\r\n  <v:stroke joinstyle="miter"/>\r\n'
        '  <v:path shadowok="f" o:extrusionok="f" strokeok="f" fillok="f" o:connecttype="rect"/>'
        '\r\n  <o:lock v:ext="edit" shapetype="t"/>\r\n </v:shapetype><v:shape id="_x0000_s1025" '
        'type="#_x0000_t201" style=\'position:absolute;\r\n  margin-left:48pt;margin-top:240pt;'
        'width:96pt;height:30pt;z-index:1;\r\n  mso-wrap-style:tight\' o:button="t" '
        'fillcolor="buttonFace [67]" strokecolor="windowText [64]"\r\n  o:insetmode="auto">\r\n'
        '  <v:fill color2="buttonFace [67]" o:detectmouseclick="t"/>\r\n  <o:lock v:ext="edit" '
        'rotation="t"/>\r\n  <v:textbox style=\'mso-direction-alt:auto\' o:singleclick="f">\r\n'
        '   <div style=\'text-align:center\'><font face="Calibri" size="220" color="#000000">'
        'Recalculer</font></div>\r\n  </v:textbox>\r\n  <x:ClientData ObjectType="Button">\r\n'
        "   <x:Anchor>\r\n    1, 0, 15, 0, 3, 0, 17, 0</x:Anchor>\r\n"
        "   <x:PrintObject>False</x:PrintObject>\r\n   <x:AutoFill>False</x:AutoFill>\r\n"
        "   <x:FmlaMacro>[0]!Recalculer</x:FmlaMacro>\r\n   <x:TextHAlign>Center</x:TextHAlign>"
        "\r\n   <x:TextVAlign>Center</x:TextVAlign>\r\n  </x:ClientData>\r\n </v:shape>"
        '<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202"\r\n'
        '  path="m,l,21600r21600,l21600,xe">\r\n  <v:stroke joinstyle="miter"/>\r\n'
        '  <v:path gradientshapeok="t" o:connecttype="rect"/>\r\n </v:shapetype>'
        '<v:shape id="_x0000_s1026" type="#_x0000_t202" style=\'position:absolute;\r\n'
        "  margin-left:107.25pt;margin-top:40.5pt;width:150pt;height:80pt;z-index:2;\r\n"
        '  visibility:hidden\' fillcolor="infoBackground [80]" o:insetmode="auto">\r\n'
        '  <v:fill color2="infoBackground [80]"/>\r\n  <v:shadow color="none [81]" obscured="t"/>'
        "\r\n  <v:path o:connecttype=\"none\"/>\r\n  <v:textbox style='mso-direction-alt:auto'>"
        "\r\n   <div style='text-align:left'></div>\r\n  </v:textbox>\r\n"
        '  <x:ClientData ObjectType="Note">\r\n   <x:MoveWithCells/>\r\n   <x:SizeWithCells/>\r\n'
        "   <x:Anchor>\r\n    2, 15, 2, 10, 4, 31, 7, 4</x:Anchor>\r\n"
        "   <x:AutoFill>False</x:AutoFill>\r\n   <x:Row>3</x:Row>\r\n   <x:Column>1</x:Column>\r\n"
        "  </x:ClientData>\r\n </v:shape>"
        '<v:shape id="_x0000_s1027" type="#_x0000_t202" style=\'position:absolute;\r\n'
        "  margin-left:400pt;margin-top:60pt;width:220pt;height:100pt;z-index:3;\r\n"
        '  visibility:visible\' fillcolor="#ccffcc" o:insetmode="auto">\r\n'
        '  <v:fill color2="#ccffcc"/>\r\n  <v:shadow color="none [81]" obscured="t"/>'
        "\r\n  <v:path o:connecttype=\"none\"/>\r\n  <v:textbox style='mso-direction-alt:auto'>"
        "\r\n   <div style='text-align:left'></div>\r\n  </v:textbox>\r\n"
        '  <x:ClientData ObjectType="Note">\r\n   <x:MoveWithCells/>\r\n   <x:SizeWithCells/>\r\n'
        "   <x:Anchor>\r\n    7, 15, 3, 10, 10, 31, 9, 4</x:Anchor>\r\n"
        "   <x:AutoFill>False</x:AutoFill>\r\n   <x:Row>4</x:Row>\r\n   <x:Column>6</x:Column>\r\n"
        "   <x:Visible/>\r\n  </x:ClientData>\r\n </v:shape></xml>"
    )
    threaded = (
        _DECL + '<ThreadedComments xmlns="http://schemas.microsoft.com/office/spreadsheetml/'
        '2018/threadedcomments" xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/'
        'main"><threadedComment ref="B4" dT="2025-03-04T10:12:00.00" personId="{AAAAAAAA-0000-'
        '4000-8000-000000000001}" id="{6A7E1F0A-0000-4000-8000-000000000001}"><text>Effectif à '
        "confirmer</text></threadedComment></ThreadedComments>"
    )
    persons = (
        _DECL + '<personList xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/'
        'threadedcomments" xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<person displayName="Marie Curie" id="{AAAAAAAA-0000-4000-8000-000000000001}" '
        'userId="marie@ort.fr" providerId="AD"/></personList>'
    )
    q = col_letter(COL["obtention"])
    calc_chain = (
        _DECL
        + f'<calcChain xmlns="{_MAIN}">'
        + "".join(f'<c r="{q}{r}" i="1"/>' for r in range(DATA_ROWS[0], last + 1))
        + "".join(f'<c r="AB{r}"/>' for r in range(DATA_ROWS[0], last + 1))
        + '<c r="AC4" a="1"/></calcChain>'
    )
    metadata = (
        _DECL + f'<metadata xmlns="{_MAIN}" xmlns:xda="http://schemas.microsoft.com/office/'
        'spreadsheetml/2017/dynamicarray"><metadataTypes count="1"><metadataType '
        'name="XLDAPR" minSupportedVersion="120000" copy="1" pasteAll="1" pasteValues="1" '
        'merge="1" splitFirst="1" rowColShift="1" clearFormats="1" clearComments="1" '
        'assign="1" coerce="1" cellMeta="1"/></metadataTypes><futureMetadata name="XLDAPR" '
        'count="1"><bk><extLst><ext uri="{bdbb8cdc-fa1e-496e-a857-3c3f30c029c3}"><xda:'
        'dynamicArrayProperties fDynamic="1" fCollapsed="0"/></ext></extLst></bk>'
        '</futureMetadata><cellMetadata count="1"><bk><rc t="1" v="0"/></bk></cellMetadata>'
        "</metadata>"
    )
    content_types = (
        _DECL + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="bin" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.printerSettings"/><Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/><Default Extension="vml" '
        'ContentType="application/vnd.openxmlformats-officedocument.vmlDrawing"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
        'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/worksheets/sheet2.xml" ContentType="application/vnd.'
        'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.styles+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats'
        '-officedocument.spreadsheetml.sharedStrings+xml"/>'
        '<Override PartName="/xl/calcChain.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.calcChain+xml"/>'
        '<Override PartName="/xl/comments1.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.comments+xml"/>'
        '<Override PartName="/xl/threadedComments/threadedComment1.xml" ContentType="application'
        '/vnd.ms-excel.threadedcomments+xml"/>'
        '<Override PartName="/xl/persons/person.xml" ContentType="application/vnd.ms-excel.'
        'person+xml"/>'
        '<Override PartName="/xl/metadata.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sheetMetadata+xml"/>'
        '<Override PartName="/xl/ctrlProps/ctrlProp1.xml" ContentType="application/vnd.ms-excel.'
        'controlproperties+xml"/>'
        '<Override PartName="/customXml/itemProps1.xml" ContentType="application/vnd.'
        'openxmlformats-officedocument.customXmlProperties+xml"/>'
        '<Override PartName="/docMetadata/LabelInfo.xml" ContentType="application/vnd.ms-office.'
        'classificationlabels+xml"/>'
        '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-'
        'package.core-properties+xml"/>'
        '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.extended-properties+xml"/></Types>'
    )
    root_rels = (
        _DECL + f'<Relationships xmlns="{_PKG_R}">'
        f'<Relationship Id="rId3" Type="{_R}/extended-properties" Target="docProps/app.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/'
        'relationships/metadata/core-properties" Target="docProps/core.xml"/>'
        f'<Relationship Id="rId1" Type="{_R}/officeDocument" Target="xl/workbook.xml"/>'
        '<Relationship Id="rId4" Type="http://schemas.microsoft.com/office/2020/02/'
        'relationships/classificationlabels" Target="docMetadata/LabelInfo.xml"/>'
        "</Relationships>"
    )
    members: dict[str, str | bytes] = {
        "[Content_Types].xml": content_types,
        "_rels/.rels": root_rels,
        "docProps/app.xml": _DECL + '<Properties xmlns="http://schemas.openxmlformats.org/'
        'officeDocument/2006/extended-properties"><Application>Microsoft Excel</Application>'
        "<Company>ORT</Company><Manager>Direction</Manager></Properties>",
        "docProps/core.xml": _DECL + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats'
        '.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"'
        "><dc:creator>Marie Curie</dc:creator></cp:coreProperties>",
        "docMetadata/LabelInfo.xml": _DECL + '<clbl:labelList xmlns:clbl="http://schemas.'
        'microsoft.com/office/2020/mipLabelMetadata"><clbl:label id="{00000000-1111-2222-3333-'
        '444444444444}" enabled="1" method="Standard" siteId="{55555555-6666-7777-8888-'
        '999999999999}" removed="0"/></clbl:labelList>',
        "xl/workbook.xml": workbook,
        "xl/_rels/workbook.xml.rels": wb_rels,
        "xl/worksheets/sheet1.xml": sheet1,
        "xl/worksheets/sheet2.xml": sheet2,
        "xl/worksheets/_rels/sheet1.xml.rels": sheet_rels,
        "xl/styles.xml": styles,
        "xl/sharedStrings.xml": shared,
        "xl/calcChain.xml": calc_chain,
        "xl/metadata.xml": metadata,
        "xl/comments1.xml": comments,
        "xl/drawings/vmlDrawing1.vml": vml,
        "xl/threadedComments/threadedComment1.xml": threaded,
        "xl/persons/person.xml": persons,
        "xl/ctrlProps/ctrlProp1.xml": _DECL + '<formControlPr xmlns="http://schemas.microsoft.'
        'com/office/spreadsheetml/2009/9/main" objectType="Button" lockText="1"/>',
        "xl/printerSettings/printerSettings1.bin": bytes(range(256)) * 4,
        "customXml/item1.xml": _DECL + '<b:Sources xmlns:b="http://schemas.openxmlformats.org/'
        'officeDocument/2006/bibliography" SelectedStyle="/APA.XSL"/>',
        "customXml/itemProps1.xml": _DECL + '<ds:datastoreItem ds:itemID="{0D5B0F4B-0000-4000-'
        '8000-000000000000}" xmlns:ds="http://schemas.openxmlformats.org/officeDocument/2006/'
        'customXml"><ds:schemaRefs/></ds:datastoreItem>',
        "customXml/_rels/item1.xml.rels": _DECL + f'<Relationships xmlns="{_PKG_R}">'
        f'<Relationship Id="rId1" Type="{_R}/customXmlProps" Target="itemProps1.xml"/>'
        "</Relationships>",
    }
    _write_zip(path, members)
    return path


def prefixed(folder: Path) -> Path:
    """Hand-made in the style of the Open XML SDK: every SpreadsheetML element prefixed x:."""
    path = folder / "prefixed.xlsx"
    header = "".join(
        f'<x:c r="{col_letter(i + 1)}{HEADER_ROW}" t="inlineStr"><x:is><x:t>'
        f"{f.label.replace('&', '&amp;')}</x:t></x:is></x:c>"
        for i, f in enumerate(FIELDS)
    )
    rows = [f'<x:row r="{HEADER_ROW}">{header}</x:row>']
    for i, row in enumerate(DATA_ROWS):
        rows.append(
            f'<x:row r="{row}"><x:c r="A{row}" t="inlineStr"><x:is><x:t>{PROGRAMMES[i]}</x:t>'
            f'</x:is></x:c><x:c r="G{row}"><x:v>{12 + i}</x:v></x:c><x:c r="H{row}"><x:v>'
            f"{11 + i}</x:v></x:c></x:row>"
        )
    rows.append(
        f'<x:row r="{TOTAL_ROW}"><x:c r="G{TOTAL_ROW}"><x:f>SUM(G4:G13)</x:f><x:v>165'
        "</x:v></x:c></x:row>"
    )
    sheet = (
        _DECL + f'<x:worksheet xmlns:x="{_MAIN}" xmlns:r="{_R}"><x:sheetData>{"".join(rows)}'
        "</x:sheetData></x:worksheet>"
    )
    members: dict[str, str | bytes] = {
        "[Content_Types].xml": _DECL + '<Types xmlns="http://schemas.openxmlformats.org/package/'
        '2006/content-types"><Default Extension="rels" ContentType="application/vnd.'
        'openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
        '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.'
        'openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/'
        'worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType='
        '"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>',
        "_rels/.rels": _DECL + f'<Relationships xmlns="{_PKG_R}"><Relationship Id="R1" '
        f'Type="{_R}/officeDocument" Target="/xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": _DECL + f'<x:workbook xmlns:x="{_MAIN}" xmlns:r="{_R}"><x:sheets>'
        '<x:sheet name="Ecole de Travail" sheetId="1" r:id="R1"/></x:sheets></x:workbook>',
        "xl/_rels/workbook.xml.rels": _DECL + f'<Relationships xmlns="{_PKG_R}"><Relationship '
        f'Id="R1" Type="{_R}/worksheet" Target="/xl/worksheets/sheet1.xml"/><Relationship '
        f'Id="R2" Type="{_R}/styles" Target="/xl/styles.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": sheet,
        "xl/styles.xml": _DECL + f'<x:styleSheet xmlns:x="{_MAIN}"><x:fonts count="1"><x:font>'
        '<x:sz val="11"/><x:name val="Calibri"/></x:font></x:fonts><x:fills count="2"><x:fill>'
        '<x:patternFill patternType="none"/></x:fill><x:fill><x:patternFill patternType='
        '"gray125"/></x:fill></x:fills><x:borders count="1"><x:border/></x:borders>'
        '<x:cellXfs count="1"><x:xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
        "</x:cellXfs></x:styleSheet>",
    }
    _write_zip(path, members)
    return path


BUILDERS: dict[str, Callable[[Path], Path]] = {
    "plain": plain,
    "macros": macros,
    "notes": notes,
    "dropdowns": dropdowns,
    "sparklines": sparklines,
    "merged": merged,
    "chart": chart,
    "images": images,
    "condfmt": condfmt,
    "names_print": names_print,
    "protected": protected,
    "table": table,
    "shapes": shapes,
    "styled": styled,
    "rich": rich,
    "existing_owned": existing_owned,
    "excel_style": excel_style,
    "prefixed": prefixed,
}


def build_all(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return {name: build(folder) for name, build in BUILDERS.items()}


def big_site(path: Path, rows: int) -> Path:
    """A site sheet of ``rows`` programmes (for timing-sensitive tests)."""
    wb = xlsxwriter.Workbook(path, {"constant_memory": True})
    ws = wb.add_worksheet(SITE)
    for c, field in enumerate(FIELDS):
        ws.write(HEADER_ROW - 1, c, field.label)
    for r in range(HEADER_ROW, HEADER_ROW + rows):
        for c, field in enumerate(FIELDS):
            if not field.computed:
                if field.is_number:
                    ws.write_number(r, c, (r * 7 + c) % 50)
                else:
                    ws.write_string(r, c, f"Formation {r}-{c}")
    wb.close()
    return path
