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


_V = re.compile(rb"<(?:[\w.-]+:)?v>([^<]*)</(?:[\w.-]+:)?v\s*>")
_T = re.compile(rb"<(?:[\w.-]+:)?t(?:\s[^>]*)?>([^<]*)</(?:[\w.-]+:)?t\s*>")
_PHONETIC = re.compile(rb"<((?:[\w.-]+:)?)rPh\b.*?</\1rPh\s*>", re.S)


def _text(raw: bytes) -> str:
    text = raw.decode("utf-8")
    return html.unescape(text) if "&" in text else text


def cell_text(sheet: SheetPart, cell: Cell | None, shared: Callable[[], list[str]]) -> str:
    """The text of a cell written by any program (inline, shared or formula string)."""
    if cell is None or cell.span.tag.kind == "empty":
        return ""
    body = cell.bytes()[cell.span.tag.end - cell.span.start :]
    kind = cell.attrs.get("t", "n")
    if kind == "inlineStr":
        return "".join(_text(t) for t in _T.findall(_PHONETIC.sub(b"", body)))
    found = _V.search(body)
    value = _text(found.group(1)) if found else ""
    if kind == "s":
        strings = shared()
        index = int(value) if value.isdigit() else -1
        return strings[index] if 0 <= index < len(strings) else ""
    return value


_SI = re.compile(rb"<((?:[\w.-]+:)?)si(?:\s[^>]*)?(?:/>|>(.*?)</\1si\s*>)", re.S)


def shared_strings(data: bytes) -> list[str]:
    """The shared string table as plain texts (rich runs joined, phonetic runs left out)."""
    out = []
    for _, body in _SI.findall(data):
        if b"rPh" in body:
            body = _PHONETIC.sub(b"", body)
        out.append("".join(_text(t) for t in _T.findall(body)))
    return out
