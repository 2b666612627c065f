"""The XML of a sheet the tool owns (``Contrôles``, the registry): written whole, every run.

The output depends only on the ``OwnedSheet`` and the style indices, so a second run writes the
same bytes. Text is written as inline strings (never a formula, even when it starts with "=").
"""

from __future__ import annotations

from ..config import Config
from .changes import OwnedSheet
from .opc import NS_MAIN, NS_R
from .sheetxml import cell_ref, cell_xml, col_letters, value_for
from .styles import Styles, solid_fill
from .xmlscan import escape_attr


def owned_sheet_styles(styles: Styles, config: Config) -> tuple[int, int]:
    """(header style, link style) for owned sheets, added to the stylesheet when missing."""
    size, name = styles.default_font()
    font = '<font>{}<sz val="{}"/><color rgb="{}"/><name val="{}"/></font>'
    header = styles.derive(
        0,
        fill=solid_fill(styles.p, config.couleur_entete),
        font_xml=font.format("<b/>", size, "FFFFFFFF", escape_attr(name)),
    )
    link = styles.derive(0, font_xml=font.format("<u/>", size, "FF0563C1", escape_attr(name)))
    return header, link


def render_owned_sheet(sheet: OwnedSheet, header_style: int, link_style: int) -> bytes:
    rows = sheet.rows
    width = max((len(r) for r in rows), default=1) or 1
    height = len(rows) or 1
    out = [
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<worksheet xmlns="{NS_MAIN}" xmlns:r="{NS_R}">'
        f'<dimension ref="A1:{col_letters(width)}{height}"/>'
        '<sheetViews><sheetView workbookViewId="0">'
    ]
    header = sheet.header_row
    if filter_range(sheet):
        out.append(
            f'<pane ySplit="{header}" topLeftCell="A{header + 1}" activePane="bottomLeft" '
            'state="frozen"/><selection pane="bottomLeft"/>'
        )
    out.append('</sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>')
    if sheet.widths:
        out.append("<cols>")
        for i, w in enumerate(sheet.widths, start=1):
            out.append(f'<col min="{i}" max="{i}" width="{float(w):g}" customWidth="1"/>')
        out.append("</cols>")
    out.append("<sheetData>")
    body = []
    for r, values in enumerate(rows, start=1):
        cells = []
        for c, obj in enumerate(values, start=1):
            if obj is None:
                continue
            style = header_style if r == header else link_style if (r, c) in sheet.links else 0
            cells.append(cell_xml(b"", r, c, style, value_for(obj)).decode("utf-8"))
        if cells:
            body.append(f'<row r="{r}">' + "".join(cells) + "</row>")
    out.append("".join(body))
    out.append("</sheetData>")
    filtered = filter_range(sheet)
    if filtered:
        out.append(f'<autoFilter ref="{filtered.replace("$", "")}"/>')
    if sheet.links:
        out.append("<hyperlinks>")
        for (r, c), location in sorted(sheet.links.items()):
            out.append(
                f'<hyperlink ref="{cell_ref(r, c)}" location="{escape_attr(location.lstrip("#"))}"'
                ' display="' + escape_attr(_display(rows, r, c)) + '"/>'
            )
        out.append("</hyperlinks>")
    out.append(
        '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" '
        'footer="0.3"/></worksheet>'
    )
    return "".join(out).encode("utf-8")


def filter_range(sheet: OwnedSheet) -> str | None:
    """``$A$1:$D$9``: the filtered table (header row to last row), None without one."""
    rows = sheet.rows
    if not 1 <= sheet.header_row < len(rows):
        return None
    width = max((len(r) for r in rows), default=1) or 1
    return f"$A${sheet.header_row}:${col_letters(width)}${len(rows)}"


def _display(rows: list[list[object]], r: int, c: int) -> str:
    try:
        value = rows[r - 1][c - 1]
    except IndexError:
        return ""
    return "" if value is None else str(value)
