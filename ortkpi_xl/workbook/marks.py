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
"""

from __future__ import annotations

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


@dataclass
class Marks:
    marks: dict[tuple[str, str], Mark] = field(default_factory=dict)

    @classmethod
    def from_rows(cls, rows: Iterable[Iterable[object]]) -> Marks:
        """Rows of the registry sheet, header excluded; unreadable rows are ignored."""
        out = cls()
        for row in rows:
            values = [("" if v is None else str(v)) for v in row] + [""] * 5
            sheet, cell, fill, colour, note = values[:5]
            if not sheet or not cell:
                continue
            out.marks[(sheet, cell.upper())] = Mark(
                fill_before=(fill or NO_FILL) if colour else None,
                tool_colour=colour.upper(),
                note=note or None,
            )
        return out

    def rows(self) -> list[list[object]]:
        """Header and one row per marked cell, sorted: the same marks give the same sheet."""
        out: list[list[object]] = [list(HEADER)]
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
