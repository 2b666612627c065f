"""The XML of a sheet the tool owns (``Contrôles``, ``Synthèse``, the registry): written whole.

It looks like the sheet ``writer.py::write_owned_sheet`` writes with openpyxl (the template):
header and sub-header rows bold white on the header colour, titles in bold, number formats,
links, widths, frozen header, filter — so a workbook reads the same whichever writer produced
it. ``header_row=0`` is a plain table (the registry): no style at all.

The output depends only on the ``OwnedSheet`` and the stylesheet, so a second run writes the
same bytes. Text is written as inline strings (never a formula, even when it starts with "=").
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from ..workbook.changes import CellStyle, OwnedSheet, PrintSetup
from .opc import NS_MAIN, NS_R
from .sheetxml import MAX_TEXT, cell_ref, col_letters, value_for
from .styles import Styles, solid_fill
from .xmlwrite import cell_element, declaration, element

_HEADER, _TITLE, _BOLD, _BLOCK_TITLE, _LINK = "header", "title", "bold", "block", "link"


@dataclass(frozen=True)
class Look:
    """What a cell of an owned sheet looks like; equal looks share one cell format."""

    font: str | None = None  # one of the _HEADER… keys, None: the workbook's default font
    fill: bool = False  # the header colour
    wrap: bool = False  # vertically centred, wrapped
    number_format: str | None = None
    style: CellStyle | None = None  # the sheet's own presentation, laid over the above


def merge_styles(under: CellStyle | None, over: CellStyle | None) -> CellStyle | None:
    """``over`` laid on ``under``: each field ``over`` sets wins."""
    if under is None or over is None:
        return over or under
    return CellStyle(
        fill=over.fill or under.fill,
        colour=over.colour or under.colour,
        bold=over.bold or under.bold,
        italic=over.italic or under.italic,
        size=over.size or under.size,
        wrap=over.wrap or under.wrap,
        align=over.align or under.align,
    )


def styled_cells(sheet: OwnedSheet) -> dict[tuple[int, int], CellStyle]:
    """Every cell the sheet's ``row_styles`` and ``cell_styles`` reach, with its style."""
    width = table_width(sheet)
    out: dict[tuple[int, int], CellStyle] = {}
    for r, style in sheet.row_styles.items():
        for c in range(1, width + 1):
            out[(r, c)] = style
    for key, style in sheet.cell_styles.items():
        merged = merge_styles(out.get(key), style)
        if merged is not None:
            out[key] = merged
    return out


class OwnedStyles:
    """Cell formats for owned sheets, appended to the workbook's stylesheet when missing."""

    def __init__(self, styles: Styles, header_colour: str) -> None:
        self.styles = styles
        self.header_colour = header_colour
        self._xfs: dict[Look, int] = {Look(): 0}

    def xf(self, look: Look) -> int:
        if look not in self._xfs:
            p = self.styles.p
            style = look.style or CellStyle()
            fill = None
            if style.fill:
                fill = solid_fill(p, style.fill)
            elif look.fill:
                fill = solid_fill(p, self.header_colour)
            font = None
            if look.font or style.bold or style.italic or style.colour or style.size:
                font = self._font(look.font, style)
            self._xfs[look] = self.styles.derive(
                0,
                number_format=look.number_format,
                fill=fill,
                font=font,
                alignment=_alignment(p, look.wrap, style),
            )
        return self._xfs[look]

    def _font(self, kind: str | None, style: CellStyle) -> bytes:
        p = self.styles.p
        size, name = self.styles.default_font()
        bold = kind in (_HEADER, _TITLE, _BOLD, _BLOCK_TITLE) or style.bold
        colour = {_HEADER: "FFFFFF", _LINK: "0563C1"}.get(kind or "")
        size = {_TITLE: "14", _BLOCK_TITLE: "12"}.get(kind or "", size)
        if style.size:
            size = f"{style.size:g}"
        colour = style.colour or colour
        return element(
            p,
            "font",
            None,
            *([element(p, "b")] if bold else []),
            *([element(p, "i")] if style.italic else []),
            *([element(p, "u")] if kind == _LINK else []),
            element(p, "sz", {"val": size}),
            *([element(p, "color", {"rgb": "FF" + colour})] if colour else []),
            element(p, "name", {"val": name}),
        )


def _alignment(p: bytes, wrap_header: bool, style: CellStyle) -> bytes | None:
    """The ``<alignment>`` of a cell: headers centred and wrapped, the sheet's own wrap on top."""
    if not (wrap_header or style.wrap or style.align):
        return None
    attrs: dict[str, str] = {}
    if style.align:
        attrs["horizontal"] = style.align
    attrs["vertical"] = "top" if style.wrap and not wrap_header else "center"
    if wrap_header or style.wrap:
        attrs["wrapText"] = "1"
    return element(p, "alignment", attrs)


def cell_looks(sheet: OwnedSheet) -> dict[tuple[int, int], Look]:
    """The look of every styled cell, in the order ``write_owned_sheet`` applies them."""
    looks: dict[tuple[int, int], Look] = {}
    if sheet.header_row < 1:
        return looks
    rows = sheet.rows
    width = table_width(sheet)

    def update(key: tuple[int, int], **kw: object) -> None:
        looks[key] = replace(looks.get(key, Look()), **kw)  # type: ignore[arg-type]

    for header in (sheet.header_row, *sheet.subheader_rows):
        line = rows[header - 1] if header <= len(rows) else []
        for c in range(1, (width if header == sheet.header_row else len(line)) + 1):
            if header != sheet.header_row and line[c - 1] is None:
                continue
            update((header, c), font=_HEADER, fill=True, wrap=True)
    update((1, 1), font=_TITLE)
    update((2, 1), font=_BOLD)
    for r in sheet.title_rows:
        update((r, 1), font=_BLOCK_TITLE)
    plain: dict[str | None, Look] = {}  # most cells: one look per number format, shared
    for key, fmt in sheet.number_formats.items():
        if key in looks:
            update(key, number_format=fmt)
        else:
            looks[key] = plain.get(fmt) or plain.setdefault(fmt, Look(number_format=fmt))
    link = Look(font=_LINK)
    for key in sheet.links:
        if key in looks:
            update(key, font=_LINK)
        else:
            looks[key] = link
    with_style: dict[tuple[Look, CellStyle], Look] = {}  # few distinct looks: build each once
    for key, style in styled_cells(sheet).items():
        look = looks.get(key, Look())
        styled = with_style.get((look, style))
        if styled is None:
            styled = with_style[(look, style)] = replace(look, style=style)
        looks[key] = styled
    return looks


def table_width(sheet: OwnedSheet) -> int:
    return max((len(r) for r in sheet.rows), default=1) or 1


def filter_last_row(sheet: OwnedSheet) -> int | None:
    """Last row of the header's table (it ends at the first empty row); None without one."""
    if sheet.header_row < 1 or not sheet.autofilter:
        return None
    last = sheet.header_row
    while last < len(sheet.rows) and any(v is not None for v in sheet.rows[last]):
        last += 1
    return last if last > sheet.header_row else None


def filter_range(sheet: OwnedSheet) -> str | None:
    """``$A$4:$D$9``: the filtered table, as Excel's hidden filter name holds it."""
    last = filter_last_row(sheet)
    if last is None:
        return None
    return f"$A${sheet.header_row}:${col_letters(table_width(sheet))}${last}"


def header_height(sheet: OwnedSheet, row: int) -> float | None:
    """A header row's height for its wrapped labels (not every reader sizes it); None: default."""
    if row > len(sheet.rows):
        return None
    lines = 1
    for c, value in enumerate(sheet.rows[row - 1], start=1):
        if isinstance(value, str) and value:
            width = sheet.widths[c - 1] if c <= len(sheet.widths) else 8.43
            per_line = max(int(width) - 1, 1)
            count, used = 1, 0
            for word in value.split():
                if used and used + 1 + len(word) > per_line:
                    count, used = count + 1, len(word)
                else:
                    used += len(word) + (1 if used else 0)
            lines = max(lines, count)
    return 15.0 * min(lines, 6) if lines > 1 else None


def render_owned_sheet(sheet: OwnedSheet, styles: OwnedStyles, drawing_rid: str | None) -> bytes:
    """The worksheet XML; ``drawing_rid`` links the sheet to its charts' drawing."""
    rows = sheet.rows
    width = table_width(sheet)
    height = len(rows) or 1
    looks = cell_looks(sheet)
    header = sheet.header_row
    setup = sheet.print_setup
    parts: list[bytes] = []
    if setup is not None and setup.fit_width:
        parts.append(element(b"", "sheetPr", None, element(b"", "pageSetUpPr", {"fitToPage": "1"})))
    parts.append(element(b"", "dimension", {"ref": f"A1:{col_letters(width)}{height}"}))
    view: list[bytes] = []
    if header >= 1 and sheet.freeze:
        view.append(
            element(
                b"",
                "pane",
                {
                    "ySplit": header,
                    "topLeftCell": f"A{header + 1}",
                    "activePane": "bottomLeft",
                    "state": "frozen",
                },
            )
        )
        view.append(element(b"", "selection", {"pane": "bottomLeft"}))
    sheet_view = element(b"", "sheetView", {"workbookViewId": "0"}, *view, text="")
    parts.append(element(b"", "sheetViews", None, sheet_view))
    parts.append(element(b"", "sheetFormatPr", {"defaultRowHeight": "15"}))
    hidden = set(sheet.hidden_columns)
    if sheet.widths or hidden:
        cols = []
        for i in range(1, max([len(sheet.widths), *hidden]) + 1):
            w = sheet.widths[i - 1] if i <= len(sheet.widths) else None
            if w is None and i not in hidden:
                continue
            attrs: dict[str, object] = {"min": i, "max": i}
            attrs["width"] = f"{float(w if w is not None else 9.140625):g}"
            if w is not None:
                attrs["customWidth"] = "1"
            if i in hidden:
                attrs["hidden"] = "1"
            cols.append(element(b"", "col", attrs))
        parts.append(element(b"", "cols", None, *cols))
    heights = {}
    if header >= 1:
        for r in (header, *sheet.subheader_rows):
            h = header_height(sheet, r)
            if h is not None:
                heights[r] = h
    heights.update(sheet.row_heights)
    styled: dict[int, set[int]] = {}
    for r, c in looks:
        styled.setdefault(r, set()).add(c)
    last_row = max([len(rows), *styled], default=0)
    lines: list[bytes] = []
    widest = max([width, *(c for _, c in looks)])
    letters = [""] + [col_letters(c) for c in range(1, widest + 1)]
    for r in range(1, last_row + 1):
        values = rows[r - 1] if r <= len(rows) else []
        columns = [c for c, v in enumerate(values, start=1) if v is not None and v != ""]
        marked = styled.get(r)
        if marked:
            columns = sorted(marked.union(columns))
        cells = []
        for c in columns:
            obj = values[c - 1] if c <= len(values) else None
            if obj == "":  # no text: an empty cell, as openpyxl reads one back from the template
                obj = None
            style = styles.xf(looks[(r, c)]) if marked and c in marked else 0
            if obj is None and style == 0:
                continue
            kind, text = _value(obj)
            cells.append(cell_element(b"", f"{letters[c]}{r}", style, kind, text))
        size = {"ht": f"{heights[r]:g}", "customHeight": "1"} if r in heights else {}
        if cells or size:
            lines.append(element(b"", "row", {"r": r, **size}, *cells))
    parts.append(element(b"", "sheetData", None, *lines, text=""))
    filtered = filter_range(sheet)
    if filtered:
        parts.append(element(b"", "autoFilter", {"ref": filtered.replace("$", "")}))
    if sheet.links:
        links = [
            element(
                b"",
                "hyperlink",
                {
                    "ref": cell_ref(r, c),
                    "location": location.lstrip("#"),
                    "display": _display(rows, r, c),
                },
            )
            for (r, c), location in sorted(sheet.links.items())
        ]
        parts.append(element(b"", "hyperlinks", None, *links))
    parts += _page_parts(setup)
    if drawing_rid:
        parts.append(element(b"", "drawing", {"r:id": drawing_rid}))
    return declaration() + element(b"", "worksheet", {"xmlns": NS_MAIN, "xmlns:r": NS_R}, *parts)


def _value(obj: object) -> tuple[str, str]:
    """(kind, text) of a cell: numbers with 16 significant digits, as openpyxl writes the
    template's owned sheets, so both writers give the same table."""
    if type(obj) is str and len(obj) <= MAX_TEXT:
        return "str", obj
    if type(obj) is float and math.isfinite(obj) and abs(obj) < 1e300:
        return "n", f"{obj:.16g}"
    value = value_for(obj)  # the rest, and what Excel cannot hold (refused)
    return value.kind, value.text


def _display(rows: list[list[object]], r: int, c: int) -> str:
    try:
        value = rows[r - 1][c - 1]
    except IndexError:
        return ""
    return "" if value is None else str(value)


def _page_parts(setup: PrintSetup | None) -> list[bytes]:
    """Margins, page setup, footer and page breaks, in the order the schema wants them."""
    if setup is None:
        margins = {"left": "0.7", "right": "0.7", "top": "0.75", "bottom": "0.75"}
        return [element(b"", "pageMargins", {**margins, "header": "0.3", "footer": "0.3"})]
    margins = {"left": "0.4", "right": "0.4", "top": "0.5", "bottom": "0.6"}
    page: dict[str, object] = {
        "paperSize": "9",
        "orientation": "landscape" if setup.landscape else "portrait",
    }
    if setup.fit_width:
        page["fitToWidth"] = setup.fit_width
        page["fitToHeight"] = setup.fit_height
    parts = [
        element(b"", "pageMargins", {**margins, "header": "0.25", "footer": "0.3"}),
        element(b"", "pageSetup", page),
        element(b"", "headerFooter", None, element(b"", "oddFooter", text=footer_text(setup))),
    ]
    if setup.row_breaks:
        breaks = sorted(set(setup.row_breaks))
        brks = [element(b"", "brk", {"id": r, "max": "16383", "man": "1"}) for r in breaks]
        count = {"count": len(breaks), "manualBreakCount": len(breaks)}
        parts.append(element(b"", "rowBreaks", count, *brks))
    return parts


def footer_text(setup: PrintSetup) -> str:
    """The footer in Excel's codes: the text in the centre, "page n / N" on the right."""
    text = setup.footer.replace("&", "&&")
    return (f"&C{text}" if text else "") + "&RPage &P / &N"


def print_names(sheet: OwnedSheet) -> dict[str, str]:
    """The sheet-local names Excel keeps for an owned sheet: filter, print titles, print area.

    Values are references without the sheet name (``$A$4:$D$9``); the writer quotes the sheet.
    """
    names: dict[str, str] = {}
    filtered = filter_range(sheet)
    if filtered:
        names["_xlnm._FilterDatabase"] = filtered
    setup = sheet.print_setup
    if setup is not None:
        if setup.area:
            first, _, last = setup.area.replace("$", "").partition(":")
            names["_xlnm.Print_Area"] = _absolute(first) + (f":{_absolute(last)}" if last else "")
        if setup.title_rows:
            names["_xlnm.Print_Titles"] = f"${setup.title_rows[0]}:${setup.title_rows[1]}"
    return names


def _absolute(ref: str) -> str:
    letters = "".join(ch for ch in ref if ch.isalpha())
    digits = ref[len(letters) :]
    return f"${letters}${digits}"
