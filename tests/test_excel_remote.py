"""The buttons against xlwings' own remote engine: the engine behind xlwings Lite.

``xw.Book(json=payload)`` is the Book a Lite script receives: reads come from the payload
(built here from real .xlsx files), writes become the actions Lite applies in one batch. What
this proves: the buttons use only what that engine allows (it raises on synchronous colour,
number format, formula and note-text reads), write the figures the command line writes, mark
awaited figures with one conditional format, never touch a person's note, need the same number
of actions at 13 rows or 1,013, and raise when something fails after writes were queued (Lite
then discards the batch). What it cannot prove: that Excel applies the actions as Office.js
documents (docs/lite.md lists what only a real Excel confirms).

The remote engine is xlwings PRO code: the tests run it under ``XLWINGS_LICENSE_KEY=
noncommercial`` (set in conftest.py; PolyForm Noncommercial, ORT is an educational non-profit
network).
"""

from __future__ import annotations

import collections
import copy
import functools
import tempfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from remote_payload import (
    action_cells,
    apply_actions,
    cell,
    payload_from_xlsx,
    remote_book,
    rule_colours,
    without_tool_rules,
)

from fake_xlwings import REFUSED
from ortkpi_xl import buttons, excel
from ortkpi_xl.cli import main
from ortkpi_xl.excelplan import column_letters
from ortkpi_xl.official import OFFICIAL_SHEET
from ortkpi_xl.workbook.marks import fill_xml_from_rgb
from workbooks import seed_like

ROOT = Path(__file__).resolve().parent.parent


def inserjeunes_csv() -> Path:
    """The real InserJeunes open-data file (kept in the repository, with its licence)."""
    import conftest

    return conftest.data_path("inserjeunes", "fr-en-inserjeunes-cfa.csv")


TEMPLATE = ROOT / "workbook_template.xlsx"
SITE = "Ecole de Travail"
# template columns: G entrants … M poursuivants, N…R rates 1–5, S…U satisfaction, V 9 VA,
# W 10 insertion emploi, X 11 insertion métier, Y certificateur's rate
RATES = "NOPQR"


def click(payload: dict, button=buttons.recalculer, *args):
    """One click on the remote engine: the book, the button's answer and its actions."""
    book = remote_book(payload)
    answer = button(book, *args)
    return book, answer, book.json()["actions"]


@functools.cache
def _template_payload() -> dict:
    return without_tool_rules(payload_from_xlsx(TEMPLATE))


def template_payload() -> dict:
    """The template as xlwings Lite would send it (a fresh copy each time)."""
    return copy.deepcopy(_template_payload())


@functools.cache
def payload_with_rows(rows: int) -> dict:
    """The payload of ``more_rows`` (built once a session)."""
    with tempfile.TemporaryDirectory() as folder:
        return without_tool_rules(payload_from_xlsx(more_rows(Path(folder) / "w.xlsx", rows)))


def more_rows(path: Path, rows: int) -> Path:
    """The template with ``rows`` more programme rows on its first site sheet: copies of the
    sheet's own rows (the same kinds of figures: typed, awaited, too small), renamed."""
    wb = load_workbook(TEMPLATE)
    ws = wb[SITE]
    inputs = "ABCDEFGHIJKLMSTU"  # names, counts and survey marks: what a person types
    own = [{c: ws[f"{c}{r}"].value for c in inputs} for r in range(5, 18)]
    for i in range(rows):
        for column, value in own[i % len(own)].items():
            ws[f"{column}{18 + i}"] = f"{value} {i}" if column == "A" and value else value
    wb.save(path)
    return path


def test_the_stand_in_refuses_what_the_remote_engine_refuses():
    """tests/fake_xlwings.py mirrors the real messages, so its tests fail where Lite would."""
    book = remote_book(template_payload())
    rng = book.sheets[SITE]["A1"]
    for what, read in (
        ("color", lambda: rng.color),
        ("number_format", lambda: rng.number_format),
        ("formula", lambda: rng.formula),
    ):
        with pytest.raises(NotImplementedError) as err:
            read()
        assert str(err.value) == REFUSED[what]
    noted = next(
        book.sheets[s["name"]][n["address"]].note
        for s in book.api["sheets"]
        for n in s.get("notes", [])
    )
    with pytest.raises(NotImplementedError) as err:
        _ = noted.text
    assert str(err.value) == REFUSED["note.text"]


def test_recalculer_writes_what_the_command_line_writes(tmp_path):
    out = tmp_path / "cli.xlsx"
    assert main(["recalculer", str(TEMPLATE), "-o", str(out)]) == 0
    expected = load_workbook(out, data_only=True)
    payload = template_payload()
    _, answer, actions = click(payload)
    assert answer.startswith("Indicateurs recalculés : 37 ligne(s)")
    after = apply_actions(payload, actions)
    compared = 0
    for sheet in ("Ecole de Travail", "ORT Marseille", "ORT Lyon", "ORT Toulouse"):
        ws = expected[sheet]
        for row in range(5, ws.max_row + 1):
            for column in RATES + "VWX":
                want = ws[f"{column}{row}"].value
                got = cell(after, sheet, f"{column}{row}")
                if want is None:
                    assert got == "", (sheet, column, row)
                    continue
                compared += 1
                if isinstance(want, float):
                    assert got == pytest.approx(want, abs=1e-12), (sheet, column, row)
                else:
                    assert got == want, (sheet, column, row)
    assert compared > 200
    controls = next(s for s in after["sheets"] if s["name"] == "Contrôles")["values"]
    assert controls[0][0].startswith("Contrôles du classeur")


def test_no_write_lands_on_a_cell_the_tool_does_not_own():
    """Blocks span columns and rows, but leave every other cell alone (null in Office.js)."""
    payload = template_payload()
    _, _, actions = click(payload)
    owned = {"Contrôles", "Synthèse", "ortkpi_etat"}
    site_inputs = set("ABCDEFGHIJKLM")
    for action in actions:
        if action["func"] != "setValues":
            continue
        sheet = payload["sheets"][action["sheet_position"]]["name"]
        if sheet in owned:
            continue
        for r, line in enumerate(action["values"]):
            for c, value in enumerate(line):
                column = column_letters(action["start_column"] + c + 1)
                if value is not None:
                    assert column not in site_inputs, (sheet, column, action["start_row"] + r)


def test_awaited_figures_are_yellow_through_one_rule_per_column(tmp_path):
    payload = template_payload()
    _, _, actions = click(payload)
    after = apply_actions(payload, actions)
    rules = [a for a in actions if a["func"] == "addConditionalFormat"]
    assert rules and {a["args"][0]["fill_color"] for a in rules} == {"#ffff00"}
    assert not [a for a in actions if a["func"] in ("setRangeColor", "setRangeColors")]
    coloured = rule_colours(after, actions, SITE)
    awaited = {
        f"{column}{row}"
        for row in range(5, 18)
        for column in "VWXY"  # 9, 10, 11 and the certificateur's rate
        if cell(after, SITE, f"{column}{row}") == "En attente"
    }
    assert awaited and set(coloured) == awaited
    # the next click keeps the rule: the registry says it is there
    _, _, again = click(after)
    assert not [a for a in again if a["func"] == "addConditionalFormat"]


@pytest.mark.parametrize("button", ["recalculer", "valider"])
def test_actions_do_not_grow_with_rows(button):
    """The template, and the template with 1,000 more programme rows on a site sheet: the
    same number of actions, on the first click and on the next one."""
    counts = {}
    for rows in (0, 1000):
        payload = payload_with_rows(rows) if rows else template_payload()
        _, _, first = click(payload, getattr(buttons, button))
        _, _, second = click(apply_actions(payload, first), getattr(buttons, button))
        counts[rows] = (len(first), len(second))
    assert counts[0] == counts[1000], counts
    assert max(counts[0]) <= 250


def test_importer_fills_inserjeunes_figures():
    real = inserjeunes_csv()
    counts = {}
    for rows in (0, 1000):
        payload = payload_with_rows(rows) if rows else template_payload()
        book, answer, actions = click(payload, buttons.inserjeunes, [str(real)])
        assert answer.startswith("InserJeunes :"), answer
        after = apply_actions(payload, actions)
        assert cell(after, OFFICIAL_SHEET, "B6") == "0751488K"  # the official figures' sheet
        counts[rows] = len(actions)
    assert counts[0] == counts[1000], counts


def test_importer_in_lite_reads_the_imported_files(tmp_path, monkeypatch):
    data = tmp_path / "data"
    data.mkdir()
    real = inserjeunes_csv()
    (data / real.name).write_bytes(real.read_bytes())
    monkeypatch.setattr(buttons, "LITE_FILES", data)
    payload = template_payload()
    _, answer, actions = click(payload, buttons.inserjeunes)
    assert answer.startswith("InserJeunes : ") and "1 fichier" in answer
    monkeypatch.setattr(buttons, "LITE_FILES", tmp_path / "nothing")
    _, answer, actions = click(payload, buttons.inserjeunes)
    assert answer is None and actions == []


def small_site(path: Path, *, note_on: str | None = None) -> Path:
    """A site never recalculated: the tool will want its header notes."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Site"
    ws.append(
        [
            "Formation",
            "Promotion",
            "Nb candidats entrée en formation",
            "Nb candidats présentés à l'examen",
            "1 Taux de présentation",
            "10 Taux d'insertion global dans l'emploi",
        ]
    )
    ws.append(["BTS A", "2023 - 2025", 20, 18, None, None])
    ws.append(["BTS B", "2023 - 2025", 12, 12, None, 0.8])
    if note_on:
        ws[note_on].comment = Comment("Colonne vérifiée par Claire", "Claire")
    wb.save(path)
    return path


def test_a_persons_note_is_kept_and_ours_not_added(tmp_path):
    """The tool explains each column it fills in a note on its header: not where a person's
    note is (the payload says which cells have one; their texts are never read)."""
    _, _, actions = click(payload_from_xlsx(small_site(tmp_path / "a.xlsx")))
    header_notes = {a["args"][0].replace("$", "") for a in actions if a["func"] == "addNote"}
    assert {"E1", "F1"} <= header_notes
    book, _, actions = click(payload_from_xlsx(small_site(tmp_path / "b.xlsx", note_on="E1")))
    added = {a["args"][0].replace("$", "") for a in actions if a["func"] == "addNote"}
    assert "F1" in added and "E1" not in added
    assert not [a for a in actions if a["func"] in ("deleteNote", "setNoteText")]
    # the next click: ours recorded, the person's still not ours
    after = apply_actions(payload_from_xlsx(small_site(tmp_path / "c.xlsx", note_on="E1")), actions)
    _, _, again = click(after)
    assert not [a for a in again if "Note" in a["func"]]


def test_without_notes_support_nothing_is_noted_and_the_message_says_so(tmp_path):
    payload = payload_from_xlsx(small_site(tmp_path / "w.xlsx"), notes=False)
    _, answer, actions = click(payload)  # Excel without API 1.18 sends no notes
    assert not [a for a in actions if "Note" in a["func"]]
    assert "note(s) non écrite(s)" in answer


def test_a_legacy_yellow_is_given_back_from_the_registry(tmp_path):
    """An older version painted T6 yellow over E7EEF7 and said so in its registry; the fill
    cannot be read on this engine: the registry decides, once."""
    payload = payload_from_xlsx(seed_like(tmp_path / "w.xlsx"))
    registry = {
        "name": "ortkpi_etat",
        "values": [
            ["feuille", "cellule", "remplissage_avant", "couleur_outil", "note_outil"],
            ["Ecole de Travail", "T6", fill_xml_from_rgb("E7EEF7"), "FFFF00", ""],
        ],
        "visibility": "VeryHidden",
        "pictures": [],
        "shapes": [],
        "charts": [],
        "tables": [],
        "notes": [],
    }
    payload["sheets"].append(registry)
    _, _, actions = click(payload)
    given = {}
    for action in [a for a in actions if a["func"] == "setRangeColors"]:
        for r, line in enumerate(action["args"][0]):
            for c, colour in enumerate(line):
                if colour != "keep":
                    address = column_letters(action["start_column"] + c + 1)
                    given[f"{address}{action['start_row'] + r + 1}"] = colour
    assert given == {"T6": "#e7eef7"}
    _, _, again = click(apply_actions(payload, actions))
    assert not [a for a in again if a["func"] == "setRangeColors"]


def test_an_error_after_writes_raises_so_lite_discards_the_batch(monkeypatch):
    real = excel.run_write
    seen = []

    def flaky(book, write, engine):
        seen.append(write)
        if len(seen) == 3:
            raise RuntimeError("Office.js said no")
        real(book, write, engine)

    monkeypatch.setattr(excel, "run_write", flaky)
    book = remote_book(template_payload())
    with pytest.raises(Exception) as err:
        buttons.recalculer(book)
    assert "Erreur interne" in str(err.value)
    assert len(book.json()["actions"]) > 0  # queued, then thrown away by Lite with the error


def test_an_error_before_any_write_is_a_message_not_an_exception(capsys):
    payload = template_payload()
    payload["sheets"] = [s for s in payload["sheets"] if s["name"] == "Lisez-moi"]
    book, answer, actions = click(payload)
    assert answer is None and actions == []
    assert "Aucune feuille de site" in capsys.readouterr().out


def test_tables_totals_row_is_known_from_the_payload(tmp_path):
    from openpyxl.worksheet.table import Table

    wb = load_workbook(TEMPLATE)
    ws = wb["Lisez-moi"]
    ws["D1"], ws["E1"], ws["D2"], ws["E2"], ws["D3"], ws["E3"] = "a", "b", 1, 2, "Total", 2
    table = Table(displayName="T1", ref="D1:E3", totalsRowCount=1)
    ws.add_table(table)
    path = tmp_path / "w.xlsx"
    wb.save(path)
    book = remote_book(payload_from_xlsx(path))
    assert excel._totals_rows(book.sheets["Lisez-moi"]) == {3}


def test_every_action_is_one_the_lite_client_knows():
    """Only actions xlwings' Office.js client implements (xlwings-server, static/js)."""
    known = {
        "setValues",
        "setNumberFormat",
        "addConditionalFormat",
        "setRangeColors",
        "setRangeColor",
        "addNote",
        "setNoteText",
        "deleteNote",
        "addSheet",
        "sheetClear",
        "setSheetVisibility",
        "setFontProperty",
        "setColumnWidth",
    }
    payload = template_payload()
    _, _, actions = click(payload)
    found = collections.Counter(a["func"] for a in actions)
    assert set(found) <= known, found
    assert all(action_cells(a) for a in actions if a["start_row"] is not None)


def test_the_registry_stays_very_hidden():
    payload = template_payload()
    assert next(s for s in payload["sheets"] if s["name"] == "ortkpi_etat")["visibility"] == (
        "VeryHidden"
    )
    registry = next(s for s in payload["sheets"] if s["name"] == "ortkpi_etat")
    registry["values"].append(["Ecole de Travail", "Z99", "", "", "une note de l'outil"])
    _, _, actions = click(payload)  # the registry changes: it is rewritten
    position = [s["name"] for s in payload["sheets"]].index("ortkpi_etat")
    rewritten = [a for a in actions if a["sheet_position"] == position]
    assert any(a["func"] == "setValues" for a in rewritten)
    assert not [a for a in rewritten if a["func"] == "setSheetVisibility"]


def test_a_persons_sheet_named_like_the_tools_stops_the_click(tmp_path, capsys):
    """The same rule as the command line: a person's « Contrôles » is not the tool's to
    replace; the click writes nothing and says which sheet to rename."""
    path = tmp_path / "perso.xlsx"
    wb = load_workbook(TEMPLATE)
    del wb["Contrôles"]
    ws = wb.create_sheet("Contrôles")
    ws["A1"], ws["B5"] = "Mes contrôles perso", 42
    wb.save(path)
    payload = payload_from_xlsx(path)
    for button in (buttons.recalculer, buttons.valider):
        capsys.readouterr()
        book, answer, actions = click(payload, button)
        assert answer is None and actions == []
        said = capsys.readouterr().out
        assert "la feuille « Contrôles » (A1 : « Mes contrôles perso »)" in said
        assert "renommez-la" in said and "Rien n'a été modifié" in said


def test_a_contradicted_figure_under_someones_note_is_kept_by_the_buttons(tmp_path):
    """The buttons cannot list notes in one call; they ask about the few cells a
    replacement needs, and keep the figure when someone's note is there (as the CLI does)."""
    from test_persons_workbook import _noted_figure_workbook

    payload = payload_from_xlsx(_noted_figure_workbook(tmp_path / "note.xlsx"))
    _, answer, actions = click(payload)
    after = apply_actions(payload, actions)
    assert cell(after, "CFA Montreuil 2025", "I2") == 0.5
    assert answer and "1 erreur(s)" in answer
    controls = next(s for s in after["sheets"] if s["name"] == "Contrôles")["values"]
    assert any("gardées telles quelles" in str(v) for line in controls for v in line)
    # Valider tells the same story: no promise to keep the old value in a note
    _, _, actions = click(payload, buttons.valider)
    checked = apply_actions(payload, actions)
    controls = next(s for s in checked["sheets"] if s["name"] == "Contrôles")["values"]
    texts = " ".join(str(v) for line in controls for v in line)
    assert "gardées telles quelles" in texts and "gardera l'ancienne valeur" not in texts


def test_an_ambiguous_rate_is_an_error_for_the_buttons_too(tmp_path):
    """1.2 shows 120 % in a percentage cell (the command line's error). The buttons cannot
    see formats: they never take it as 1,2 % either; it is an error there too."""
    path = tmp_path / "un_virgule_deux.xlsx"
    wb = load_workbook(TEMPLATE)
    ws = wb["Ecole de Travail"]
    ws["W5"], ws["W5"].number_format, ws["Y5"] = 1.2, "0%", 0.8
    wb.save(path)
    out = tmp_path / "cli.xlsx"
    assert main(["recalculer", str(path), "-o", str(out)]) == 0
    cli = load_workbook(out)["Ecole de Travail"]["V5"].value
    payload = payload_from_xlsx(path)
    _, answer, actions = click(payload)
    after = apply_actions(payload, actions)
    assert cell(after, "Ecole de Travail", "V5") == cli != pytest.approx(0.012 - 0.8)
    controls = next(s for s in after["sheets"] if s["name"] == "Contrôles")["values"]
    lines = [" ".join(str(v) for v in line) for line in controls]
    assert any("W5" in line and "ambigu" in line for line in lines)
    assert not any("1,2 lu comme 1,2 %" in line for line in lines)


def test_rates_typed_without_counts_do_not_cost_one_action_each(tmp_path):
    """300 rows of rates typed without their counts (the seed's Marseille, at scale): one
    note per column, not per row, so a click stays within its budget of actions."""
    path = tmp_path / "taux_saisis.xlsx"
    wb = load_workbook(TEMPLATE)
    ws = wb[SITE]
    for i in range(300):
        row = 18 + i
        ws[f"A{row}"], ws[f"C{row}"] = f"BTS {i}", "2023-2025"
        for column, rate in zip(RATES, (0.9, 0.1, 0.05, 0.8, 0.3), strict=True):
            ws[f"{column}{row}"] = rate
            ws[f"{column}{row}"].number_format = "0.0%"
    wb.save(path)
    payload = without_tool_rules(payload_from_xlsx(path))
    _, answer, first = click(payload)
    assert answer.startswith("Indicateurs recalculés")
    notes = [a for a in first if a["func"] == "addNote"]
    assert len(first) <= 250 and len(notes) <= 30, (len(first), len(notes))
    after = apply_actions(payload, first)
    assert cell(after, SITE, "N317") == pytest.approx(0.9)  # kept as typed
    _, _, second = click(after)
    assert len(second) <= 250
