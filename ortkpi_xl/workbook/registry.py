"""What the tool itself placed in a workbook: highlights (with the fill they replaced) and notes.

Kept in the tool-owned, very hidden sheet ``ortkpi_etat`` so every writer — openpyxl, the
package patcher, xlwings inside Excel — removes only its own marks and gives a cell back the
fill a person had put there. A note is the tool's when its author is ``ortkpi-xl`` or when the
registry holds its exact text (a note added through Excel takes the user's name as author).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field

REGISTRY_SHEET = "ortkpi_etat"
HEADER = ["feuille", "cellule", "remplissage_precedent", "note_outil"]


@dataclass
class Mark:
    fill: dict | None = None  # the fill replaced by the tool's highlight; None: no highlight
    note: str | None = None  # the text of the tool's note; None: no note

    @property
    def empty(self) -> bool:
        return self.fill is None and self.note is None


@dataclass
class Registry:
    marks: dict[tuple[str, str], Mark] = field(default_factory=dict)

    @classmethod
    def from_rows(cls, rows: Iterable[Iterable[object]]) -> Registry:
        """Rows of the registry sheet, header excluded; unreadable rows are ignored."""
        registry = cls()
        for row in rows:
            values = list(row) + [None] * 4
            sheet, cell, fill, note = values[:4]
            if not sheet or not cell:
                continue
            try:
                parsed = json.loads(fill) if isinstance(fill, str) and fill else None
            except ValueError:
                parsed = {}
            registry.marks[(str(sheet), str(cell))] = Mark(
                parsed if isinstance(parsed, dict) or parsed is None else {},
                str(note) if note not in (None, "") else None,
            )
        return registry

    def rows(self) -> list[list[object]]:
        """Header and one row per marked cell, sorted: the same marks give the same sheet."""
        out: list[list[object]] = [list(HEADER)]
        for (sheet, cell), mark in sorted(self.marks.items()):
            if mark.empty:
                continue
            fill = json.dumps(mark.fill, sort_keys=True) if mark.fill is not None else ""
            out.append([sheet, cell, fill, mark.note or ""])
        return out

    def get(self, sheet: str, cell: str) -> Mark:
        return self.marks.get((sheet, cell)) or Mark()

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
        return recorded is not None and text is not None and _strip_author(text) == recorded


def _strip_author(text: str) -> str:
    """Excel may prefix a note with "Author:\\n"; compare the body."""
    head, sep, body = text.partition(":\n")
    return body if sep and "\n" not in head and len(head) < 60 else text
