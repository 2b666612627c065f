"""What the patch writer refuses, before writing anything, with every reason listed in French."""

from __future__ import annotations

import math

import pytest
from corpus.build import COL, DATA_ROWS, HEADER_ROW, SITE
from corpus.changes import computed_changes
from corpus.hostile import patched

from ortkpi_xl.config import default_config
from ortkpi_xl.errors import WorkbookError
from ortkpi_xl.workbook.changes import CellChange, ChangeSet, OwnedSheet
from ortkpi_xl.workbook.patch import write_workbook


def refusal(source, changes, tmp_path) -> str:
    """The message; and proof that nothing was written (no target, no temporary file)."""
    target = tmp_path / "sortie.xlsx"
    before = source.read_bytes()
    with pytest.raises(WorkbookError) as error:
        write_workbook(source, target, changes, default_config())
    assert not target.exists()
    assert source.read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".~ortkpi-")]
    message = str(error.value)
    assert source.name in message and "n'a pas été modifié" in message
    return message


def one(sheet: str, row: int, col: int, **kwargs) -> ChangeSet:
    changes = ChangeSet()
    changes.add(sheet, CellChange(row, col, **kwargs))
    return changes


def test_non_first_cell_of_a_merge(corpus, tmp_path):
    message = refusal(corpus["merged"], one(SITE, 17, 2, value=1.0), tmp_path)
    assert "« Ecole de Travail »!B17 est dans la plage fusionnée A17:C17" in message


def test_first_cell_of_a_merge_is_fine(corpus, tmp_path):
    report = write_workbook(
        corpus["merged"], tmp_path / "ok.xlsx", one(SITE, 17, 1, value="Vu"), default_config()
    )
    assert report.cells_written == 1


def test_inside_an_array_formula(corpus, tmp_path):
    message = refusal(corpus["excel_style"], one(SITE, 5, 29, value=3), tmp_path)
    assert "AC5 est dans la formule matricielle AC4:AC8" in message


def test_table_header(corpus, tmp_path):
    col = COL["presentation"]
    message = refusal(corpus["table"], one(SITE, HEADER_ROW, col, value="x"), tmp_path)
    assert "dans l'en-tête du tableau « Formations »" in message


def test_locked_cell_of_a_protected_sheet(corpus, tmp_path):
    message = refusal(corpus["protected"], one(SITE, DATA_ROWS[0], 1, value="x"), tmp_path)
    assert f"la feuille « {SITE} » est protégée" in message and "verrouillées (A4)" in message
    assert "Ôter la protection" in message
    many = ChangeSet()
    for column in range(1, 10):
        many.add(SITE, CellChange(DATA_ROWS[0], column, value="x"))
    message = refusal(corpus["protected"], many, tmp_path)
    assert message.count("est protégée") == 1  # one sentence for the sheet, not one per cell
    assert "(9 cellules)" in message
    style_only = one(SITE, DATA_ROWS[0], 2, highlight=True)
    assert "verrouillée" in refusal(corpus["protected"], style_only, tmp_path)


def test_missing_sheet_and_chartsheet(corpus, tmp_path):
    assert "« Lyon » n'existe pas" in refusal(corpus["plain"], one("Lyon", 2, 2, value=1), tmp_path)
    message = refusal(corpus["chart"], one("Graphique", 2, 2, value=1), tmp_path)
    assert "« Graphique » n'est pas une feuille de calcul" in message


def test_values_excel_cannot_hold(corpus, tmp_path):
    changes = one(SITE, DATA_ROWS[0], COL["presentation"], value=math.nan)
    changes.add(SITE, CellChange(DATA_ROWS[1], COL["presentation"], value="x" * 40_000))
    message = refusal(corpus["plain"], changes, tmp_path)
    assert "N4 ne peut pas être écrite (valeur non finie)" in message
    assert "N5 ne peut pas être écrite (texte de plus de 32767 caractères)" in message


def test_structure_protected_workbook_cannot_get_a_new_sheet(corpus, tmp_path):
    locked = patched(
        corpus["plain"],
        tmp_path / "structure.xlsx",
        "xl/workbook.xml",
        replace=(b"<bookViews>", b'<workbookProtection lockStructure="1"/><bookViews>'),
    )
    changes = ChangeSet(owned_sheets=[OwnedSheet("Contrôles", [["a"]])])
    (tmp_path / "out").mkdir()
    message = refusal(locked, changes, tmp_path / "out")
    assert "structure du classeur est protégée" in message
    # cell changes alone are fine in a structure-protected workbook
    write_workbook(
        locked,
        tmp_path / "cells.xlsx",
        one(SITE, 4, COL["presentation"], value=0.5),
        default_config(),
    )


def test_cells_without_references(corpus, tmp_path):
    bare = patched(
        corpus["prefixed"],
        tmp_path / "sans_ref.xlsx",
        "xl/worksheets/sheet1.xml",
        replace=(b'<x:c r="G4">', b"<x:c>"),
    )
    (tmp_path / "out").mkdir()
    message = refusal(bare, one(SITE, 4, COL["presentation"], value=0.5), tmp_path / "out")
    assert "sans référence" in message


def test_every_problem_is_listed_at_once(corpus, tmp_path):
    changes = computed_changes()
    changes.add(SITE, CellChange(5, 29, value=1))
    changes.add(SITE, CellChange(6, 30, value=math.inf))
    changes.add("Absente", CellChange(1, 1, value=1))
    message = refusal(corpus["excel_style"], changes, tmp_path)
    assert "AC5" in message and "AD6" in message and "« Absente »" in message


def test_a_persons_note_is_never_replaced(corpus, tmp_path):
    out = tmp_path / "out.xlsx"
    report = write_workbook(
        corpus["notes"], out, one(SITE, 5, 1, note="note de l'outil"), default_config()
    )
    assert report.notes_kept == ["« Ecole de Travail »!A5"]
    assert report.changed_parts == [] and out.read_bytes() == corpus["notes"].read_bytes()


def test_a_macro_workbook_named_xlsx_is_not_written_again_under_that_name(corpus, tmp_path):
    """Excel refuses to open a macro-enabled workbook called .xlsx: say so, write nothing."""
    source = tmp_path / "macros.xlsx"
    source.write_bytes(corpus["macros"].read_bytes())
    message = str(
        pytest.raises(
            WorkbookError, write_workbook, source, source, one(SITE, 4, 1, value="x"),
            default_config(),
        ).value
    )  # fmt: skip
    assert "classeur à macros (.xlsm) enregistré sous l'extension .xlsx" in message
    assert "Renommez-le en .xlsm" in message
    assert source.read_bytes() == corpus["macros"].read_bytes()
