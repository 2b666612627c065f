"""The one rule for the tool's fills and notes on a cell, shared by the three writers.

The patch writer (a person's .xlsx), the openpyxl writer (the template) and the Excel adapter
(xlwings) each see a cell differently — ``<fill>`` bytes, a ``PatternFill``, a colour Excel
reports — but they must decide the same thing from the same facts, or the three paths drift.
Each writer turns what it sees into the plain facts below, asks ``fill_step`` / ``note_step``,
applies the answer its own way and stores the returned ``Mark`` in the registry of marks
(``workbook/marks.py``). Pure functions: no Excel, no XML, no file.

Facts a writer provides:
- ``current_rgb``: the colour of the cell's fill when it is a plain solid fill ("FFFF00"),
  else None (no fill, a pattern, a theme colour, or Excel reporting a mixed range);
- ``current_fill``: how to record the cell's fill before the tool paints it (a ``<fill>``
  element without namespace, ``marks.NO_FILL`` for none), asked only when needed;
- for a note: its text (None: no note) and whether its author is the tool.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..workbook.marks import Mark, strip_author


@dataclass(frozen=True)
class FillStep:
    """What to do with a cell's fill; ``mark`` is the registry record to store afterwards."""

    mark: Mark
    paint: str | None = None  # RGB: put the tool's solid fill of this colour
    restore: str | None = None  # <fill> XML: give the cell back the fill it had
    kept: bool = False  # recoloured by a person since the tool's highlight: left alone


def fill_step(
    mark: Mark,
    current_rgb: str | None,
    current_fill: Callable[[], str],
    highlight: bool | None,
    colour: str,
) -> FillStep:
    """``highlight`` True: the tool's colour on; False: off (legacy highlights); None: leave.

    On: a cell still showing the tool's recorded colour is repainted only if the colour changed
    in the settings; a cell already of ``colour`` that the tool did not paint is left (it is a
    person's); otherwise the fill is recorded and the tool paints. Off: only a cell still
    showing the tool's colour (old or new) gets its recorded fill back; a cell a person
    recoloured since keeps its colour. The record goes either way.
    """
    mark = Mark(mark.fill_before, mark.tool_colour, mark.note)
    colour = colour.upper()
    rgb = current_rgb.upper() if current_rgb else None
    if highlight is None:
        return FillStep(mark)
    if highlight:
        if mark.fill_before is not None and rgb is not None and rgb == mark.tool_colour:
            if mark.tool_colour == colour:
                return FillStep(mark)
            mark.tool_colour = colour
            return FillStep(mark, paint=colour)
        if rgb == colour:
            return FillStep(mark)  # a person's fill of that colour: not the tool's to record
        mark.fill_before, mark.tool_colour = current_fill(), colour
        return FillStep(mark, paint=colour)
    if mark.fill_before is None:
        return FillStep(mark)
    before, tool_colour = mark.fill_before, mark.tool_colour
    mark.fill_before = None
    if rgb is None or rgb not in (tool_colour, colour):
        return FillStep(mark, kept=True)
    return FillStep(mark, restore=before)


@dataclass(frozen=True)
class NoteStep:
    """What to do with a cell's note; ``mark`` is the registry record to store afterwards."""

    mark: Mark
    action: str = "none"  # "none", "add", "replace", "remove" or "kept" (a person's note)
    text: str = ""  # the tool's text, for "add" and "replace"


def is_tool_note(mark: Mark, text: str | None, by_tool_author: bool) -> bool:
    """A note is the tool's when the tool wrote it as its author, or when it holds exactly the
    text the registry recorded (a note added through Excel takes the user's name)."""
    if text is None:
        return False
    return by_tool_author or (mark.note is not None and mark.note in (text, strip_author(text)))


def note_step(
    mark: Mark, current_text: str | None, by_tool_author: bool, note: str | None
) -> NoteStep:
    """``note`` text: the tool's note; "": remove the tool's note; None: leave.

    A person's note is never replaced nor removed: the tool's is then not put ("kept"). The
    tool's note already saying the same thing is left as it is (no change on a second run).
    """
    mark = Mark(mark.fill_before, mark.tool_colour, mark.note)
    if note is None:
        return NoteStep(mark)
    mine = is_tool_note(mark, current_text, by_tool_author)
    if not note:
        mark.note = None
        return NoteStep(mark, "remove" if mine else "none")
    if current_text is not None and not mine:
        return NoteStep(mark, "kept")
    mark.note = note
    if current_text is None:
        return NoteStep(mark, "add", note)
    if note in (current_text, strip_author(current_text)):
        return NoteStep(mark)
    return NoteStep(mark, "replace", note)
