"""The Excel buttons, run against a project-owned fake of xlwings' Book (no Excel here).

What this proves: the buttons read and write through the portable xlwings calls listed in
``fake_xlwings``, produce the same figures and findings as the command line, and make a number
of Excel calls that does not grow with the number of rows. What it cannot prove: the real
COM/AppleScript round trip (see docs/installation.md for the Excel check).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from fake_xlwings import FakeBook
from ortkpi_xl import buttons
from ortkpi_xl.cli import main
from ortkpi_xl.fields import FIELDS
from workbooks import FIRST_DATA_ROW as R0
from workbooks import seed_like

KEYS = [f.key for f in FIELDS]
LETTER = {k: chr(ord("A") + i) for i, k in enumerate(KEYS)}


def site_workbook(path: Path, rows: int, *, complete: bool = True) -> Path:
    """A site sheet with ``rows`` consistent programme rows (insertion figures given or not)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Site"
    ws.append([f.label for f in FIELDS])
    for i in range(rows):
        values = dict(
            formation=f"BTS {i}",
            promotion="2023 - 2025",
            entrants=20,
            presentes=18,
            interruptions=2,
            ruptures=1,
            reussis=15,
            repondants=16,
            poursuivants=5,
            sat_stagiaire=4.2,
        )
        if complete:
            values.update(insertion_emploi=0.8, insertion_metier=0.6, insertion_reference=0.75)
        ws.append([values.get(k) for k in KEYS])
    wb.save(path)
    return path


def test_recalculer_writes_what_the_command_line_writes(tmp_path):
    src = seed_like(tmp_path / "w.xlsx")
    cli_out = tmp_path / "cli.xlsx"
    assert main(["recalculer", str(src), "-o", str(cli_out)]) == 0
    expected = load_workbook(cli_out)["Ecole de Travail"]
    book = FakeBook.from_xlsx(src)
    buttons.recalculer(book)
    for r in range(R0, R0 + 6):
        for key in (
            "presentation",
            "interruption",
            "rupture",
            "obtention",
            "poursuite",
            "va",
            "insertion_emploi",
            "insertion_metier",
        ):
            address = f"{LETTER_SEED[key]}{r}"
            got = book.value("Ecole de Travail", address)
            want = expected[address].value
            assert got == pytest.approx(want) if isinstance(want, float) else got == want, address
    assert book.cell("Ecole de Travail", f"S{R0}").color == (255, 255, 0)
    assert "enquête" in book.cell("Ecole de Travail", f"T{R0}").note
    assert book.cell("Ecole de Travail", f"K{R0}").note == "Chiffre vérifié avec le jury"
    controls = [c.value for (r, col), c in book.sheets["Contrôles"].cells.items() if col == 4]
    assert "en_attente" in controls
    prompt, mode = book.app.alerts[-1]
    assert prompt.startswith("Indicateurs recalculés") and mode == "info"


LETTER_SEED = dict(
    presentation="F",
    interruption="H",
    rupture="J",
    obtention="L",
    poursuite="N",
    va="R",
    insertion_emploi="S",
    insertion_metier="T",
)


@pytest.mark.parametrize("complete", [True, False])
def test_excel_calls_do_not_grow_with_rows(tmp_path, complete):
    counts = {}
    for rows in (20, 2000):
        book = FakeBook.from_xlsx(
            site_workbook(tmp_path / f"w{rows}.xlsx", rows, complete=complete)
        )
        buttons.recalculer(book)
        if complete:
            counts[rows] = book.calls.count
        else:  # pending notes are placed once; the second run writes the same in bulk only
            book.calls.count = 0
            buttons.recalculer(book)
            counts[rows] = book.calls.count
    assert counts[20] == counts[2000], counts


def test_second_run_places_no_highlight_or_note(tmp_path):
    book = FakeBook.from_xlsx(site_workbook(tmp_path / "w.xlsx", 50, complete=False))
    buttons.recalculer(book)
    book.calls.log.clear()
    buttons.recalculer(book)
    per_cell = [c for c in book.calls.log if c in ("add_note", "note", "color=", "note.delete")]
    assert per_cell == []


def test_resolved_figure_clears_highlight_and_note_and_restores_colour(tmp_path):
    path = seed_like(tmp_path / "w.xlsx")
    book = FakeBook.from_xlsx(path)
    buttons.recalculer(book)
    sheet = book.sheets["Ecole de Travail"]
    assert book.cell("Ecole de Travail", f"S{R0}").color == (255, 255, 0)
    sheet.range(f"S{R0}").value = 0.82
    sheet.range(f"T{R0}").value = 0.7
    buttons.recalculer(book)
    assert book.cell("Ecole de Travail", f"S{R0}").color == (0xDD, 0xEE, 0xFF)
    assert book.cell("Ecole de Travail", f"S{R0}").note is None
    assert book.cell("Ecole de Travail", f"T{R0}").color is None
    assert book.cell("Ecole de Travail", f"T{R0 + 3}").note.startswith("Enquête en cours")


def test_valider_writes_controles_and_says_not_ready(tmp_path):
    book = FakeBook.from_xlsx(seed_like(tmp_path / "w.xlsx"))
    message = buttons.valider(book)
    assert message.startswith("Pas prêt")
    rules = {c.value for (r, col), c in book.sheets["Contrôles"].cells.items() if col == 4}
    assert "valeur_perimee" in rules
    assert book.app.alerts[-1][1] == "critical"


def test_a_failure_becomes_a_french_sentence(tmp_path, monkeypatch):
    book = FakeBook.from_xlsx(seed_like(tmp_path / "w.xlsx"))

    def boom(*_a, **_k):
        raise RuntimeError("COM exploded")

    monkeypatch.setattr(buttons, "read_book", boom)
    assert buttons.recalculer(book) is None
    prompt, mode = book.app.alerts[-1]
    assert mode == "critical" and "Erreur interne" in prompt and "COM" not in prompt


def test_workbook_without_site_sheet_gets_a_message():
    book = FakeBook()
    sheet = book.sheets.add("Budget")
    sheet.range("A1").value = "Budget 2025"
    buttons.recalculer(book)
    assert "Aucune feuille de site" in book.app.alerts[-1][0]


def test_texts_that_excel_would_parse_are_protected(tmp_path):
    path = site_workbook(tmp_path / "w.xlsx", 2)
    wb = load_workbook(path)
    payload = "=cmd|' /C calc'!A0"
    wb["Site"]["A2"].value = payload  # a programme name typed as text ('=…), not a formula
    wb["Site"]["A2"].data_type = "s"
    wb.save(path)
    book = FakeBook.from_xlsx(path)
    buttons.recalculer(book)  # the fake raises (an internal error alert) if a formula is written
    assert book.app.alerts[-1][1] == "info", book.app.alerts[-1]
    synthese = book.sheets["Synthèse"].cells.values()
    assert payload in [c.value for c in synthese]  # the name reached a written cell, as text


def test_inserjeunes_button_fills_the_site_block(tmp_path):
    from conftest import data_path

    root = Path(__file__).resolve().parent.parent
    book = FakeBook.from_xlsx(root / "workbook_template.xlsx")
    real = data_path("inserjeunes", "fr-en-inserjeunes-cfa.csv")
    message = buttons.inserjeunes(book, [str(real)])
    assert message and message.startswith("InserJeunes")
    assert "0751488K" in book.value("Ecole de Travail", "A3")


def test_inserjeunes_button_with_a_bad_file_says_so(tmp_path):
    root = Path(__file__).resolve().parent.parent
    book = FakeBook.from_xlsx(root / "workbook_template.xlsx")
    bad = tmp_path / "x.csv"
    bad.write_text("rien;a;voir\n", encoding="utf-8")
    assert buttons.inserjeunes(book, [str(bad)]) is None
    assert book.app.alerts[-1][1] == "critical"
