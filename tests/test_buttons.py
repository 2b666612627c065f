"""The buttons on the classic engine (Excel through COM or AppleScript), with a stand-in Excel.

``fake_xlwings`` behaves like COM (a scalar fills a range, a multi-area address is one range,
a rule's relative references start at the active cell) and refuses the reads xlwings Lite
refuses. What this proves: the buttons read and write through the calls the stand-in
supports, write the figures the command line writes, keep a person's notes and fills, make a
bounded number of Excel calls, and tell staff in French what happened, including what was
written when a write fails part way. What it cannot prove: the real COM/AppleScript round trip
(docs/installation.md, « Ce que seul Excel peut prouver »). The same buttons against xlwings'
own remote engine: test_excel_remote.py.
"""

from __future__ import annotations

import random
from pathlib import Path
from types import SimpleNamespace

import pytest
from openpyxl import Workbook, load_workbook

from fake_xlwings import ComError, FakeBook, rule_shows
from ortkpi_xl import buttons, excel
from ortkpi_xl.cli import main
from ortkpi_xl.config import default_config
from ortkpi_xl.fields import FIELDS
from ortkpi_xl.official import OFFICIAL_SHEET
from ortkpi_xl.rule_names import rule_name
from ortkpi_xl.workbook.changes import UNSET
from ortkpi_xl.workbook.marks import fill_xml_from_rgb
from ortkpi_xl.workbook.reader import read_workbook
from ortkpi_xl.workbook.recalc import recalculate
from workbooks import FIRST_DATA_ROW as R0
from workbooks import seed_like

ROOT = Path(__file__).resolve().parent.parent


def inserjeunes_csv() -> Path:
    """The real InserJeunes open-data file (kept in the repository, with its licence)."""
    import conftest

    return conftest.data_path("inserjeunes", "fr-en-inserjeunes-cfa.csv")


KEYS = [f.key for f in FIELDS]
SEED = "Ecole de Travail"
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


def random_workbook(path: Path, rows: int, seed: int = 7) -> Path:
    """Seeded random rows, as benchmarks/bench_recalculer.py makes them (gaps everywhere)."""
    rng = random.Random(seed)
    wb = Workbook()
    ws = wb.active
    ws.title = "Site"
    ws.append([f.label for f in FIELDS])
    for i in range(rows):
        entrants = rng.randint(0, 40)
        presentes = rng.randint(0, entrants)
        interruptions = rng.randint(0, entrants - presentes)
        values = dict(
            formation=f"F{i}",
            intitule=f"Formation {i}",
            promotion="2023 - 2025",
            niveau=rng.choice([3, 4, 5, 6]),
            entrants=entrants,
            presentes=presentes,
            interruptions=interruptions,
            ruptures=rng.randint(0, interruptions),
            reussis=rng.randint(0, presentes),
            poursuivants=rng.randint(0, presentes),
            sat_stagiaire=round(rng.uniform(2, 5), 1),
            insertion_emploi=rng.choice([None, round(rng.random(), 3)]),
            insertion_reference=rng.choice([None, round(rng.random(), 3)]),
        )
        ws.append([values.get(k) for k in KEYS])
    wb.save(path)
    return path


def test_recalculer_writes_what_the_command_line_writes(tmp_path):
    src = seed_like(tmp_path / "w.xlsx")
    cli_out = tmp_path / "cli.xlsx"
    assert main(["recalculer", str(src), "-o", str(cli_out)]) == 0
    expected = load_workbook(cli_out)[SEED]
    book = FakeBook.from_xlsx(src)
    buttons.recalculer(book)
    for r in range(R0, R0 + 6):
        for column in LETTER_SEED.values():
            address = f"{column}{r}"
            got = book.value(SEED, address)
            want = expected[address].value
            assert got == pytest.approx(want) if isinstance(want, float) else got == want, address
    sheet = book.sheets[SEED]
    # awaited figures: yellow through a conditional format, the person's fill left as it was
    assert book.value(SEED, f"T{R0}") == "En attente"
    assert book.cell(SEED, f"S{R0}").color == (0xDD, 0xEE, 0xFF)
    assert any(rule_shows(book, SEED, rule, f"T{R0}") for rule in sheet.rules)
    assert not any(rule_shows(book, SEED, rule, f"S{R0 + 3}") for rule in sheet.rules)
    assert "color=" not in book.calls.log
    # notes: what is awaited, and from where, in the column's header note; the person's kept
    assert "enquête" in book.cell(SEED, "T4").note
    assert book.cell(SEED, f"K{R0}").note == "Chiffre vérifié avec le jury"
    assert book.cell(SEED, f"T{R0 + 3}").note.startswith("Enquête en cours")
    controls = [c.value for (r, col), c in book.sheets["Contrôles"].cells.items() if col == 5]
    assert rule_name("en_attente") in controls  # the rule's French name
    prompt, mode = book.app.alerts[-1]
    assert prompt.startswith("Indicateurs recalculés") and mode == "info"


def test_rules_are_written_from_their_first_cell(tmp_path):
    """COM reads a rule's relative references from the active cell: each rule is added with
    the first cell of its area active, and the person's selection is given back."""
    book = FakeBook.from_xlsx(seed_like(tmp_path / "w.xlsx"))
    book.active_sheet = book.sheets["Notes de la direction"]
    book.active_cell = ("Notes de la direction", "B2")
    buttons.recalculer(book)
    rules = book.sheets[SEED].rules
    assert rules
    for rule in rules:
        assert rule.anchor == (SEED, rule.applies_to.split(":")[0])
    assert book.active_cell == ("Notes de la direction", "B2")


@pytest.mark.parametrize("complete", [True, False])
def test_excel_calls_do_not_grow_with_rows(tmp_path, complete):
    counts = {}
    for rows in (20, 600):
        path = site_workbook(tmp_path / f"w{rows}.xlsx", rows, complete=complete)
        book = FakeBook.from_xlsx(path, styles=False)
        buttons.recalculer(book)
        first = book.calls.count
        book.calls.count = 0
        buttons.recalculer(book)
        counts[rows] = (first, book.calls.count) if complete else book.calls.count
    assert counts[20] == counts[600], counts


@pytest.mark.parametrize("rows", [50, 2000])
def test_calls_per_click_stay_under_250_on_random_rows(tmp_path, rows):
    """Issue 13's target: seeded random rows, first run and the next one."""
    book = FakeBook.from_xlsx(random_workbook(tmp_path / "w.xlsx", rows), styles=False)
    buttons.recalculer(book)
    first = book.calls.count
    book.calls.count = 0
    buttons.recalculer(book)
    assert first <= 250 and book.calls.count <= 250, (first, book.calls.count)


def test_words_between_a_persons_figures_cost_no_call_per_row(tmp_path):
    """« En attente » written between typed figures: the block carries the figures over (the
    same numbers written back), so random gaps cost one value write per column."""
    path = random_workbook(tmp_path / "w.xlsx", 600)
    before = FakeBook.from_xlsx(path, styles=False)
    book = FakeBook.from_xlsx(path, styles=False)
    buttons.recalculer(book)
    writes = [entry for entry in book.calls.log if entry == "value="]
    assert len(writes) <= 20, len(writes)
    config = default_config()
    changes = recalculate(read_workbook(path, config), config).changes
    site = book.sheets["Site"]
    for change in changes.cells["Site"]:
        key = (change.row, change.column)
        if change.value is not UNSET:
            assert (
                site.cells[key].value == pytest.approx(change.value)
                if isinstance(change.value, float)
                else site.cells[key].value == change.value
            ), key
        else:  # a person's figure: the very same value, no formula
            old, new = before.sheets["Site"].cells.get(key), site.cells.get(key)
            assert (old and old.value) == (new and new.value), key


def test_second_run_places_no_rule_or_note(tmp_path):
    book = FakeBook.from_xlsx(site_workbook(tmp_path / "w.xlsx", 50, complete=False))
    buttons.recalculer(book)
    book.calls.log.clear()
    buttons.recalculer(book)
    per_cell = [
        c
        for c in book.calls.log
        if c in ("add_note", "note", "color=", "note.delete", "conditional_formats.add_custom")
    ]
    assert per_cell == []


def test_resolved_figure_keeps_the_persons_fill_and_drops_the_note(tmp_path):
    book = FakeBook.from_xlsx(seed_like(tmp_path / "w.xlsx"))
    buttons.recalculer(book)
    sheet = book.sheets[SEED]
    sheet.range(f"S{R0}").value = 0.82
    sheet.range(f"T{R0}").value = 0.7
    buttons.recalculer(book)
    assert book.cell(SEED, f"S{R0}").color == (0xDD, 0xEE, 0xFF)
    assert not any(rule_shows(book, SEED, rule, f"S{R0}") for rule in sheet.rules)
    assert book.cell(SEED, f"S{R0}").note is None
    assert book.cell(SEED, f"T{R0}").note is None
    assert book.cell(SEED, f"T{R0 + 3}").note.startswith("Enquête en cours")


def test_a_legacy_yellow_is_given_back_from_the_registry(tmp_path):
    """A workbook an older version painted: its registry says T6 was yellow over E7EEF7. The
    fill cannot be read back on every engine: the registry alone decides, once."""
    book = FakeBook.from_xlsx(seed_like(tmp_path / "w.xlsx"))
    book.sheets[SEED].range(f"T{R0}").color = (255, 255, 0)
    registry = book.sheets.add("ortkpi_etat", after=book.sheets[0])
    before = fill_xml_from_rgb("E7EEF7")
    registry.range("A1").value = [
        ["feuille", "cellule", "remplissage_avant", "couleur_outil", "note_outil"],
        [SEED, f"T{R0}", before, "FFFF00", ""],
    ]
    buttons.recalculer(book)
    assert book.cell(SEED, f"T{R0}").color == (0xE7, 0xEE, 0xF7)
    assert book.cell(SEED, f"S{R0}").color == (0xDD, 0xEE, 0xFF)  # the person's, untouched
    book.calls.log.clear()
    buttons.recalculer(book)
    assert "color=" not in book.calls.log  # given back once


def test_valider_writes_controles_and_says_not_ready(tmp_path):
    book = FakeBook.from_xlsx(seed_like(tmp_path / "w.xlsx"))
    message = buttons.valider(book)
    assert message.startswith("Pas prêt")
    rules = {c.value for (r, col), c in book.sheets["Contrôles"].cells.items() if col == 5}
    assert rule_name("valeur_a_recalculer") in rules
    assert book.app.alerts[-1][1] == "critical"


def test_controles_links_to_each_cell_in_one_write(tmp_path):
    book = FakeBook.from_xlsx(seed_like(tmp_path / "w.xlsx"))
    buttons.valider(book)
    links = [c.formula for c in book.sheets["Contrôles"].cells.values() if c.formula]
    assert links and all(f.startswith("=HYPERLINK(\"#'Ecole de Travail'!") for f in links)
    assert [c for c in book.calls.log if c == "value="] == ["value="]  # Contrôles only


def test_a_failure_before_writing_is_a_french_sentence(tmp_path, monkeypatch):
    book = FakeBook.from_xlsx(seed_like(tmp_path / "w.xlsx"))

    def boom(*_a, **_k):
        raise RuntimeError("COM exploded")

    monkeypatch.setattr(buttons, "read_book", boom)
    assert buttons.recalculer(book) is None
    prompt, mode = book.app.alerts[-1]
    assert mode == "critical" and "Erreur interne" in prompt and "COM" not in prompt
    assert "value=" not in book.calls.log


def test_a_write_failing_part_way_says_what_was_written(tmp_path, monkeypatch):
    book = FakeBook.from_xlsx(seed_like(tmp_path / "w.xlsx"))
    real = excel.run_write
    done = []

    def flaky(book_, write, engine):
        if write.kind == "owned":
            done.append(len([w for w in written if w.calls]))
            raise ComError("Call was rejected by callee.")
        real(book_, write, engine)
        written.append(write)

    written = []

    monkeypatch.setattr(excel, "run_write", flaky)
    assert buttons.recalculer(book) is None
    prompt, mode = book.app.alerts[-1]
    assert mode == "critical"
    assert prompt.startswith("Écriture interrompue dans Excel à l'étape « feuille « Contrôles »")
    assert "faites : valeurs 'Ecole de Travail'!" in prompt
    assert f": {done[0]} écriture(s) faite(s) sur " in prompt
    # the registry records what was written (the tool's notes), so the next click knows them
    monkeypatch.setattr(excel, "run_write", real)
    book.calls.log.clear()
    buttons.recalculer(book)
    assert "add_note" not in book.calls.log


def test_workbook_without_site_sheet_gets_a_message():
    book = FakeBook()
    sheet = book.sheets.add("Budget")
    sheet.range("A1").value = "Budget 2025"
    buttons.recalculer(book)
    assert "Aucune feuille de site" in book.app.alerts[-1][0]


def test_texts_that_excel_would_parse_are_written_as_texts(tmp_path):
    """Names Excel would take for a formula or a number reach the owned sheets as texts: a
    site sheet named « 2024 », programme names « +33 Formation » and « =cmd|' /C calc'!A0 »
    (typed as text). The stand-in, like Excel, makes a formula of any written "=…"."""
    path = site_workbook(tmp_path / "w.xlsx", 2, complete=False)
    wb = load_workbook(path)
    wb["Site"].title = "2024"
    wb["2024"]["A2"] = "+33 Formation"
    payload = "=cmd|' /C calc'!A0"
    wb["2024"]["A3"].value = payload
    wb["2024"]["A3"].data_type = "s"  # a text that starts with "=", not a formula
    wb.save(path)
    book = FakeBook.from_xlsx(path)
    buttons.recalculer(book)
    assert book.app.alerts[-1][1] == "info", book.app.alerts[-1]
    shown = {
        c.value
        for name in ("Contrôles", "Synthèse")
        for c in book.sheets[name].cells.values()
        if c.value in ("2024", 2024, 2024.0, "+33 Formation", 33.0, payload)
    }
    assert shown == {"2024", "+33 Formation", payload}
    formulas = [
        c.formula
        for name in ("2024", "Contrôles", "Synthèse")
        for c in book.sheets[name].cells.values()
        if c.formula
    ]
    assert all(f.startswith('=HYPERLINK("#') for f in formulas), formulas  # links only


def test_caller_failure_exits_non_zero_with_a_french_message(monkeypatch, capsys):
    import xlwings as xw

    def no_caller():
        raise RuntimeError("Book.caller() must not be called directly")

    monkeypatch.setattr(xw.Book, "caller", staticmethod(no_caller))
    with pytest.raises(SystemExit) as exit_:
        buttons.recalculer()
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "impossible de trouver le classeur" in err and "Traceback" not in err


def test_onedrive_workbook_finds_the_settings_of_its_synced_copy(tmp_path, monkeypatch):
    synced = tmp_path / "OneDrive" / "Indicateurs"
    synced.mkdir(parents=True)
    (synced / "indicateurs.xlsx").write_bytes(b"")
    (synced / "config.yaml").write_text("seuil_petit_effectif: 7\n", encoding="utf-8")
    monkeypatch.setenv("OneDrive", str(tmp_path / "OneDrive"))
    monkeypatch.delenv("ORTKPI_CONFIG", raising=False)
    book = SimpleNamespace(
        fullname="https://d.docs.live.net/4f2a/Indicateurs/indicateurs.xlsx", name="indicateurs"
    )
    assert buttons.workbook_folder(book) == synced
    assert buttons._config_for(book).seuil_petit_effectif == 7


@pytest.mark.parametrize(
    "fullname",
    [
        "https://ort.sharepoint.com/sites/CFA/Documents%20partages/indicateurs.xlsx",
        "https://d.docs.live.net/4f2a/ailleurs/indicateurs.xlsx",
        "indicateurs.xlsx",  # xlwings Lite: a name, no folder
    ],
)
def test_a_workbook_without_a_local_file_has_no_folder_and_no_error(
    fullname, monkeypatch, tmp_path
):
    """Not found on this computer: nothing beside it to read, the settings come from
    elsewhere (ORTKPI_CONFIG here), never an internal error."""
    monkeypatch.delenv("OneDrive", raising=False)
    monkeypatch.delenv("OneDriveCommercial", raising=False)
    monkeypatch.chdir(tmp_path)
    named = tmp_path / "reglages.yaml"
    named.write_text("seuil_petit_effectif: 9\n", encoding="utf-8")
    monkeypatch.setenv("ORTKPI_CONFIG", str(named))
    book = SimpleNamespace(fullname=fullname, name="indicateurs.xlsx")
    assert buttons.workbook_folder(book) is None
    assert buttons._config_for(book).seuil_petit_effectif == 9


def test_fullname_raising_is_not_an_internal_error(tmp_path, monkeypatch):
    class CloudBook(FakeBook):
        @property
        def fullname(self):
            raise ComError("FullName: the document is not saved locally")

        @fullname.setter
        def fullname(self, value):
            pass

    book = CloudBook.from_xlsx(seed_like(tmp_path / "w.xlsx"))
    message = buttons.recalculer(book)
    assert message and message.startswith("Indicateurs recalculés")


def test_inserjeunes_button_writes_the_official_figures(tmp_path):
    book = FakeBook.from_xlsx(ROOT / "workbook_template.xlsx")
    real = inserjeunes_csv()
    message = buttons.inserjeunes(book, [str(real)])
    assert message and message.startswith("InserJeunes")
    assert book.value(OFFICIAL_SHEET, "B6") == "0751488K"  # the establishment's figures


def test_inserjeunes_button_with_a_bad_file_says_so(tmp_path):
    book = FakeBook.from_xlsx(ROOT / "workbook_template.xlsx")
    bad = tmp_path / "x.csv"
    bad.write_text("rien;a;voir\n", encoding="utf-8")
    assert buttons.inserjeunes(book, [str(bad)]) is None
    assert book.app.alerts[-1][1] == "critical"
    assert "value=" not in book.calls.log


def test_settings_come_from_the_commands_lookup_when_there_is_one(tmp_path, monkeypatch):
    """config.find_config (the lookup every command uses) gets the workbook's own file, or
    None when it has none here (so no folder of Excel's is taken for the workbook's)."""
    seen = []
    monkeypatch.setattr(
        buttons, "find_config", lambda workbook=None: seen.append(workbook) or default_config()
    )
    local = tmp_path / "indicateurs.xlsx"
    local.write_bytes(b"")
    buttons._config_for(SimpleNamespace(fullname=str(local), name=local.name))
    buttons._config_for(SimpleNamespace(fullname="indicateurs.xlsx", name="indicateurs.xlsx"))
    assert seen == [local, None]
