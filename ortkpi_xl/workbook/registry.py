"""Which fills the tool replaced, kept in the workbook itself (very hidden sheet ``ortkpi_etat``).

Why a sheet and not a custom XML part: Excel keeps very hidden sheets on every save, and so do
openpyxl and LibreOffice, while openpyxl (and LibreOffice's xlsx export) drop custom XML parts.
Any writer (this patcher, an openpyxl writer for the template, code inside Excel) can read and
update the registry with ordinary cell access, and the state travels with the file when it is
e-mailed.

Layout, one row per cell the tool coloured, row 1 being the header:
``feuille`` | ``cellule`` | ``remplissage_avant`` | ``couleur_outil``
- ``remplissage_avant``: the ``<fill>`` element the cell showed before (SpreadsheetML, without
  namespace prefix; openpyxl: ``openpyxl.styles.fills.Fill.from_tree``), empty text for "no
  styles entry";
- ``couleur_outil``: the RGB colour the tool put (``FFFF00``), so that a later change of
  ``couleur_en_attente`` still recognises the tool's old fill.
A cell whose fill is no longer the tool's colour belongs to the person again: its entry is
dropped and its fill left alone.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from .changes import OwnedSheet
from .sheetxml import Cell, SheetPart
from .xmlscan import iter_tags, root_children

REGISTRY_SHEET = "ortkpi_etat"
HEADER = ["feuille", "cellule", "remplissage_avant", "couleur_outil"]


@dataclass(frozen=True)
class Entry:
    fill_before: str
    tool_colour: str


@dataclass
class Registry:
    entries: dict[tuple[str, str], Entry] = field(default_factory=dict)
    existed: bool = False  # the workbook already has the registry sheet

    def sheet(self) -> OwnedSheet:
        rows: list[list[object]] = [list(HEADER)]
        for (sheet, ref), entry in sorted(self.entries.items()):
            rows.append([sheet, ref, entry.fill_before, entry.tool_colour])
        return OwnedSheet(name=REGISTRY_SHEET, rows=rows, widths=[24, 10, 60, 12], header_row=0)


def strip_prefixes(fragment: bytes) -> str:
    """An XML fragment with element prefixes removed (``<x:fill>`` → ``<fill>``)."""
    return re.sub(rb"<(/?)[\w.-]+:", rb"<\1", fragment).decode("utf-8")


def read_registry(sheet: SheetPart, shared: Callable[[], list[str]]) -> Registry:
    """Entries of an existing registry sheet; ``shared`` loads the shared strings if needed."""
    registry = Registry(existed=True)
    for row in sorted(sheet.rows):
        if row == 1:
            continue
        cells = sheet.cells(row)
        values = [cell_text(sheet, cells.get(col), shared) for col in (1, 2, 3, 4)]
        if values[0] and values[1]:
            registry.entries[values[0], values[1].upper()] = Entry(
                values[2], (values[3] or "").upper()
            )
    return registry


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
