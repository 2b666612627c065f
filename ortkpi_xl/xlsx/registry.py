"""The registry of the tool's marks (sheet ``ortkpi_etat``) as the package patcher reads it.

The format and its meaning are defined once in ``marks.py`` (shared with the openpyxl writer and
the Excel buttons); this module only reads the registry sheet's XML into ``Marks`` and turns
``Marks`` back into the owned sheet the patcher writes.

Why a sheet and not a custom XML part: Excel keeps very hidden sheets on every save, and so do
openpyxl and LibreOffice, while openpyxl (and LibreOffice's xlsx export) drop custom XML parts.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from ..workbook.changes import OwnedSheet
from ..workbook.marks import HEADER, REGISTRY_SHEET, Marks
from .sheetxml import Cell, SheetPart
from .xmlscan import iter_tags, root_children

__all__ = [
    "REGISTRY_SHEET",
    "cell_text",
    "read_registry",
    "registry_sheet",
    "shared_strings",
    "strip_prefixes",
]


def registry_sheet(marks: Marks) -> OwnedSheet:
    return OwnedSheet(
        name=REGISTRY_SHEET, rows=marks.rows(), widths=[24, 10, 60, 12, 60], header_row=0
    )


def strip_prefixes(fragment: bytes) -> str:
    """An XML fragment with element prefixes removed (``<x:fill>`` → ``<fill>``)."""
    return re.sub(rb"<(/?)[\w.-]+:", rb"<\1", fragment).decode("utf-8")


def read_registry(sheet: SheetPart, shared: Callable[[], list[str]]) -> Marks:
    """The marks of an existing registry sheet; ``shared`` loads the shared strings if needed."""
    rows = []
    for row in sorted(sheet.rows):
        if row == 1:
            continue
        cells = sheet.cells(row)
        rows.append([cell_text(sheet, cells.get(col), shared) for col in range(1, len(HEADER) + 1)])
    return Marks.from_rows(rows)


def cell_text(sheet: SheetPart, cell: Cell | None, shared: Callable[[], list[str]]) -> str:
    """The text of a cell written by any program (inline, shared or formula string)."""
    if cell is None or cell.span.tag.kind == "empty":
        return ""
    data = sheet.data
    kind = cell.attrs.get("t", "n")
    texts: list[str] = []
    value = ""
    inside = None
    for tag in iter_tags(data, cell.span.inner_start, cell.span.end):
        if tag.kind == "start" and tag.local in (b"t", b"v"):
            inside = (tag.local, tag.end)
        elif tag.kind == "end" and inside and tag.local == inside[0]:
            text = html.unescape(data[inside[1] : tag.start].decode("utf-8"))
            if inside[0] == b"t":
                texts.append(text)
            else:
                value = text
            inside = None
    if kind == "inlineStr":
        return "".join(texts)
    if kind == "s":
        strings = shared()
        index = int(value) if value.isdigit() else -1
        return strings[index] if 0 <= index < len(strings) else ""
    return value


def shared_strings(data: bytes) -> list[str]:
    """The shared string table as plain texts (rich runs joined, phonetic runs left out)."""
    _, items = root_children(data)
    out = []
    for si in items:
        parts = []
        inside = None
        skip = 0
        for tag in iter_tags(data, si.inner_start, si.end):
            if tag.local == b"rPh":
                skip += 1 if tag.kind == "start" else -1 if tag.kind == "end" else 0
            elif tag.local == b"t" and tag.kind == "start" and not skip:
                inside = tag.end
            elif tag.local == b"t" and tag.kind == "end" and inside is not None:
                parts.append(html.unescape(data[inside : tag.start].decode("utf-8")))
                inside = None
        out.append("".join(parts))
    return out
