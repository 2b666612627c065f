"""The one rule for the tool's fills and notes (``xlsx/marking.py``), as every writer applies it.

The patch writer, the template writer and the Excel adapter each describe a cell as plain facts
(its solid colour, its note and whether the tool wrote it) and must reach the same decision;
these cases are the rule itself, independent of any writer.
"""

from __future__ import annotations

from ortkpi_xl.workbook.marks import NO_FILL, Mark
from ortkpi_xl.xlsx.marking import fill_step, note_step

YELLOW, ORANGE = "FFFF00", "FFC000"
BLUE_FILL = '<fill><patternFill patternType="solid"><fgColor rgb="FF0000FF"/></patternFill></fill>'


def recorded(before: str = NO_FILL, colour: str = YELLOW, note: str | None = None) -> Mark:
    return Mark(fill_before=before, tool_colour=colour, note=note)


def test_highlight_on_records_what_it_paints_over():
    step = fill_step(Mark(), "0000FF", lambda: BLUE_FILL, True, YELLOW)
    assert step.paint == YELLOW and step.mark.fill_before == BLUE_FILL
    assert step.mark.tool_colour == YELLOW


def test_highlight_on_twice_changes_nothing():
    step = fill_step(recorded(BLUE_FILL), YELLOW, lambda: "unused", True, YELLOW)
    assert (step.paint, step.restore, step.kept) == (None, None, False)
    assert step.mark == recorded(BLUE_FILL)


def test_a_new_colour_in_the_settings_repaints_the_tools_cells_only():
    step = fill_step(recorded(BLUE_FILL), YELLOW, lambda: "unused", True, ORANGE)
    assert step.paint == ORANGE and step.mark.fill_before == BLUE_FILL
    assert step.mark.tool_colour == ORANGE


def test_a_persons_fill_of_the_tools_colour_is_not_recorded_as_the_tools():
    step = fill_step(Mark(), YELLOW, lambda: "unused", True, YELLOW)
    assert step.paint is None and step.mark.fill_before is None


def test_highlight_off_gives_back_the_fill_the_cell_had():
    step = fill_step(recorded(BLUE_FILL), YELLOW, lambda: "unused", False, YELLOW)
    assert step.restore == BLUE_FILL and step.mark.fill_before is None


def test_highlight_off_after_a_colour_change_in_the_settings():
    step = fill_step(recorded(BLUE_FILL, ORANGE), ORANGE, lambda: "unused", False, YELLOW)
    assert step.restore == BLUE_FILL


def test_a_cell_recoloured_by_a_person_keeps_its_colour():
    step = fill_step(recorded(BLUE_FILL), "00FF00", lambda: "unused", False, YELLOW)
    assert step.kept and step.restore is None and step.mark.fill_before is None
    mixed = fill_step(recorded(BLUE_FILL), None, lambda: "unused", False, YELLOW)
    assert mixed.kept  # Excel reports no single colour: not provably the tool's


def test_no_record_no_fill_change():
    assert fill_step(Mark(), YELLOW, lambda: "unused", False, YELLOW).restore is None
    assert fill_step(Mark(), None, lambda: "unused", None, YELLOW).paint is None


def test_notes_added_replaced_and_removed_only_when_the_tools():
    assert note_step(Mark(), None, False, "texte").action == "add"
    mine = note_step(recorded(note="ancien"), "ancien", False, "nouveau")  # made in Excel
    assert mine.action == "replace" and mine.mark.note == "nouveau"
    assert note_step(Mark(), "ancien", True, "nouveau").action == "replace"
    assert note_step(Mark(note="texte"), "Marie:\ntexte", False, "").action == "remove"
    gone = note_step(Mark(note="texte"), None, False, "")
    assert gone.action == "none" and gone.mark.note is None


def test_a_persons_note_is_never_touched():
    kept = note_step(Mark(), "une remarque de Marie", False, "texte de l'outil")
    assert kept.action == "kept" and kept.mark.note is None
    assert note_step(Mark(), "une remarque", False, "").action == "none"


def test_the_same_note_twice_changes_nothing():
    step = note_step(Mark(note="texte"), "texte", True, "texte")
    assert step.action == "none" and step.mark.note == "texte"
    excel = note_step(Mark(note="texte"), "Marie:\ntexte", False, "texte")
    assert excel.action == "none"
