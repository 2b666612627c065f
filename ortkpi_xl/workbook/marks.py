"""What the tool itself placed in a workbook: highlights (with the fill they replaced) and notes.

Kept in the tool-owned, very hidden sheet ``ortkpi_etat``, one row per marked cell, so every
writer — openpyxl for the template, the package patcher for a person's workbook, xlwings inside
Excel — removes only its own marks and gives a cell back the fill a person had put there:

``feuille`` | ``cellule`` | ``remplissage_avant`` | ``couleur_outil`` | ``note_outil``

- ``remplissage_avant``: the ``<fill>`` element the cell had before the highlight
  (SpreadsheetML without namespace prefix), empty when the cell had no fill of its own;
- ``couleur_outil``: the RGB colour the tool put, so a later change of ``couleur_en_attente``
  still recognises the old highlight;
- ``note_outil``: the text of the tool's note. A note is the tool's when its author is
  ``ortkpi-xl`` or when it holds exactly this text (a note added through Excel takes the user's
  name as author).

Two kinds of rows are not about one cell; their ``cellule`` starts with ``§``:

- ``§regle``: the tool's conditional format of the sheet (the yellow of awaited figures):
  ``remplissage_avant`` holds its ranges (``sqref``), ``note_outil`` its formula. A writer
  replaces exactly that rule, never a person's.
- ``§valeurs:<colonne>:<première ligne>``: what the tool wrote last in that column, from that
  row down, as a JSON list of displayed texts (``null`` where it wrote nothing). It proves which
  figures are the tool's: a cell still showing what the tool wrote may be recomputed freely, any
  other content is a person's (spec, « The person's workbook »). Long columns are split in
  chunks so no cell exceeds Excel's 32,767 characters.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

REGISTRY_SHEET = "ortkpi_etat"
HEADER = ["feuille", "cellule", "remplissage_avant", "couleur_outil", "note_outil"]
NO_FILL = '<fill><patternFill patternType="none"/></fill>'
_SOLID_RGB = re.compile(
    r'patternType="solid".*?<fgColor\b[^>]*\brgb="(?:[0-9A-Fa-f]{2})?'
    r'([0-9A-Fa-f]{6})"',
    re.S,
)


@dataclass
class Mark:
    fill_before: str | None = None  # <fill> XML; None: the tool has no highlight here
    tool_colour: str = ""
    note: str | None = None  # the tool's note text; None: no note of the tool's

    @property
    def empty(self) -> bool:
        return self.fill_before is None and self.note is None


RULE_KEY = "§regle"
_CELL = re.compile(r"([A-Z]+)(\d+)")
_VALUES_PREFIX = "§valeurs:"
_CHUNK_CHARS = 30_000  # below Excel's 32,767 characters a cell


@dataclass
class Marks:
    marks: dict[tuple[str, str], Mark] = field(default_factory=dict)
    # sheet → (sqref, formula) of the tool's conditional format (the yellow of awaited figures)
    rules: dict[str, tuple[str, str]] = field(default_factory=dict)
    # sheet → cell (A1) → the text the tool wrote there last, as shown at its number format
    values: dict[str, dict[str, str]] = field(default_factory=dict)

    @classmethod
    def from_rows(cls, rows: Iterable[Iterable[object]]) -> Marks:
        """Rows of the registry sheet, header excluded; unreadable rows are ignored."""
        out = cls()
        for row in rows:
            values = [("" if v is None else str(v)) for v in row] + [""] * 5
            sheet, cell, fill, colour, note = values[:5]
            if not sheet or not cell:
                continue
            if cell == RULE_KEY:
                if fill and note:
                    out.rules[sheet] = (fill, note)
                continue
            if cell.startswith(_VALUES_PREFIX):
                out._read_values(sheet, cell, note)
                continue
            out.marks[(sheet, cell.upper())] = Mark(
                fill_before=(fill or NO_FILL) if colour else None,
                tool_colour=colour.upper(),
                note=note or None,
            )
        return out

    def _read_values(self, sheet: str, key: str, packed: str) -> None:
        try:
            column, first = key[len(_VALUES_PREFIX) :].split(":")
            texts = json.loads(packed)
            row = int(first)
        except (ValueError, TypeError):
            return  # an unreadable record proves nothing: the cells count as a person's
        if not isinstance(texts, list) or not column.isalpha():
            return
        cells = self.values.setdefault(sheet, {})
        for offset, text in enumerate(texts):
            if isinstance(text, str):
                cells[f"{column.upper()}{row + offset}"] = text

    def _value_rows(self) -> list[list[object]]:
        out: list[list[object]] = []
        for sheet in sorted(self.values):
            by_column: dict[str, dict[int, str]] = {}
            for cell, text in self.values[sheet].items():
                match = _CELL.fullmatch(cell)
                if match:
                    by_column.setdefault(match.group(1), {})[int(match.group(2))] = text
            for column in sorted(by_column, key=lambda c: (len(c), c)):
                rows = by_column[column]
                chunk: list[str | None] = []
                first = size = 0
                last = max(rows)
                for row in range(min(rows), last + 2):
                    text = rows.get(row)
                    if chunk and (text is None and row > last or size > _CHUNK_CHARS):
                        while chunk and chunk[-1] is None:
                            chunk.pop()
                        packed = json.dumps(chunk, ensure_ascii=False, separators=(",", ":"))
                        out.append([sheet, f"{_VALUES_PREFIX}{column}:{first}", "", "", packed])
                        chunk, size = [], 0
                    if text is None and not chunk:
                        continue
                    if not chunk:
                        first = row
                    chunk.append(text)
                    size += len(text or "") + 4
        return out

    def rows(self) -> list[list[object]]:
        """Header and one row per marked cell, sorted: the same marks give the same sheet."""
        out: list[list[object]] = [list(HEADER)]
        for sheet, (sqref, formula) in sorted(self.rules.items()):
            out.append([sheet, RULE_KEY, sqref, "", formula])
        out.extend(self._value_rows())
        for (sheet, cell), mark in sorted(self.marks.items()):
            if mark.empty:
                continue
            highlighted = mark.fill_before is not None
            out.append(
                [
                    sheet,
                    cell,
                    mark.fill_before if highlighted else "",
                    mark.tool_colour if highlighted else "",
                    mark.note or "",
                ]
            )
        return out

    def get(self, sheet: str, cell: str) -> Mark:
        found = self.marks.get((sheet, cell))
        return Mark(found.fill_before, found.tool_colour, found.note) if found else Mark()

    def set(self, sheet: str, cell: str, mark: Mark) -> None:
        if mark.empty:
            self.marks.pop((sheet, cell), None)
        else:
            self.marks[(sheet, cell)] = mark

    def is_tool_note(
        self, sheet: str, cell: str, author: str | None, text: str | None, tool_author: str
    ) -> bool:
        if author == tool_author:
            return True
        recorded = self.get(sheet, cell).note
        return recorded is not None and text is not None and strip_author(text) == recorded


def strip_author(text: str) -> str:
    """Excel may prefix a note with "Author:\\n"; compare the body."""
    head, sep, body = text.partition(":\n")
    return body if sep and "\n" not in head and len(head) < 60 else text


def fill_xml_from_rgb(rgb: str | None) -> str:
    """The ``<fill>`` of a plain colour (what Excel's API can tell), or no fill."""
    if not rgb:
        return NO_FILL
    return (
        f'<fill><patternFill patternType="solid"><fgColor rgb="FF{rgb.upper()}"/>'
        '<bgColor indexed="64"/></patternFill></fill>'
    )


def rgb_from_fill_xml(xml: str | None) -> str | None:
    """The colour of a solid ``<fill>``, or None (no fill, pattern, theme colour)."""
    match = _SOLID_RGB.search(xml or "")
    return match.group(1).upper() if match else None
