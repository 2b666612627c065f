"""The staff's own workbook, read as a person reads it (spec, « The person's workbook »).

Every case on a workbook built like the seed (``seedbook``): typed rates, the Ecole de
Travail's own VA and InserJeunes columns, Toulouse's sum rows, merged names, two cohorts of a
programme, a side sheet, points typed in General cells, 1.2 in a percentage cell, more reçus
than présentés. Each test asserts what a person sees in the cells after Recalculer (values,
number formats, fills, notes), that Valider tells the same story, and that a second run
changes nothing.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook
from seedbook import (
    EDT_COL,
    EDT_FIRST,
    EDT_ROWS,
    LYON_COL,
    LYON_FIRST,
    MRS_COL,
    MRS_HEADER_ROW,
    MRS_ROWS,
    TLS_TABLE1_HEADER,
    TLS_TABLE2_HEADER,
    seed_workbook,
    table_with_totals_row,
)
from sheets_read import controls_detail

from ortkpi_xl.cli import main
from ortkpi_xl.config import default_config
from ortkpi_xl.rule_names import rule_name
from ortkpi_xl.workbook.reader import read_workbook
from ortkpi_xl.workbook.recalc import recalculate, validate
from workbooks import cell_snapshot

EDT, MRS, LYON, TLS = "Ecole de Travail", "ORT Marseille", "ORT Lyon", "ORT Toulouse"


@pytest.fixture(scope="module")
def seed(tmp_path_factory) -> Path:
    return seed_workbook(tmp_path_factory.mktemp("seed") / "indicateurs.xlsx")


@pytest.fixture(scope="module")
def done(seed, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("out") / "recalcule.xlsx"
    assert main(["recalculer", str(seed), "-o", str(out)]) == 0
    return out


def findings_of(path: Path, capsys) -> list[dict]:
    capsys.readouterr()
    main(["valider", str(path), "--json"])
    return json.loads(capsys.readouterr().out)


def controls(path: Path) -> list[tuple]:
    """(gravité, feuille, cellule, contrôle) of each line of the Contrôles sheet."""
    lines = controls_detail(load_workbook(path)["Contrôles"])
    return [(x["Gravité"].lower(), x["Feuille"], x["Cellule"], x["Contrôle"]) for x in lines]


def test_typed_rates_without_counts_are_kept_noted_and_reported_once_per_row(seed, done, capsys):
    after = load_workbook(done)[MRS]
    row = MRS_ROWS["ol2"]
    for key, typed in zip(
        ("presentation", "interruption", "rupture", "obtention", "poursuite"),
        (1.0, 0.167, 0.167, 0.417, 0.6),
        strict=True,
    ):
        cell = after[f"{MRS_COL[key]}{row}"]
        assert cell.value == typed and cell.number_format == "0.0%", cell.coordinate
    # one note per column, on its header, however many rows (Excel writes notes one by one)
    assert after[f"{MRS_COL['presentation']}{row}"].comment is None
    header = after[f"{MRS_COL['presentation']}{MRS_HEADER_ROW}"].comment
    assert header.author == "ortkpi-xl" and "sans effectifs dans cette colonne" in header.text
    assert f"{MRS_COL['presentation']}{row} 100,0 %" in header.text
    # the same finding from Recalculer and from Valider, before and after: once per row
    for findings in (findings_of(seed, capsys), findings_of(done, capsys)):
        mine = [f for f in findings if f["feuille"] == MRS and f["cellule"].endswith(str(row))]
        typed = [f for f in mine if f["regle"] == "taux_saisi_sans_effectifs"]
        assert len(typed) == 1 and typed[0]["gravite"] == "avertissement"
        assert not [f for f in mine if "Recalculer" in f["message"]]
    assert rule_name("taux_saisi_sans_effectifs") in {r[3] for r in controls(done)}


def test_a_typed_va_and_a_persons_words_stay(done):
    ws = load_workbook(done)[MRS]
    assert ws[f"{MRS_COL['va']}{MRS_ROWS['ol2']}"].value == -0.2  # typed « - 20 % »: an input
    assert ws[f"{MRS_COL['insertion_emploi']}{MRS_ROWS['ol2_bis']}"].value == "Non requis"
    for key in ("va", "insertion_emploi", "insertion_metier"):
        assert ws[f"{MRS_COL[key]}{MRS_ROWS['ndrc']}"].value == "NA"


def test_the_ecole_de_travail_columns_are_the_sites_inputs_for_9_and_10(seed, done, capsys):
    before, after = load_workbook(seed)[EDT], load_workbook(done)[EDT]
    book = read_workbook(seed, default_config())
    [table] = book.sheet(EDT).tables
    assert table.columns["va_site"] == 4 and table.columns["insertion_site"] == 5
    assert table.columns["va"] == 14  # « 9Valeur Ajoutée », the published column
    for r in range(EDT_FIRST, EDT_FIRST + len(EDT_ROWS)):
        for key in ("va_site", "insertion_site"):  # 26 typed figures, untouched
            address = f"{EDT_COL[key]}{r}"
            assert after[address].value == before[address].value, address
    # the published 9 and 10 show the site's own figures
    ifca = EDT_FIRST + 3
    assert after[f"{EDT_COL['va']}{ifca}"].value == pytest.approx(-0.2)
    assert after[f"{EDT_COL['va']}{ifca}"].number_format == "+0%;-0%;0%"
    assert after[f"{EDT_COL['insertion_emploi']}{ifca}"].value == pytest.approx(0.30)
    assert after[f"{EDT_COL['insertion_emploi']}{ifca}"].number_format == "0.0%"
    rules = {f["regle"] for f in findings_of(seed, capsys) if f["feuille"] == EDT}
    assert "colonne_en_double" not in rules


def test_total_rows_are_not_programmes(seed, done):
    book = read_workbook(seed, default_config())
    first, second = book.sheet(TLS).tables
    assert TLS_TABLE1_HEADER + 12 in first.total_rows  # « 120 », unlabelled, under the table
    assert TLS_TABLE2_HEADER + 15 in second.total_rows
    assert len(first.rows) == 11 and len(second.rows) == 14
    ws = load_workbook(done)[TLS]
    total = TLS_TABLE1_HEADER + 12
    assert ws.cell(row=total, column=5).value == 120
    assert all(ws.cell(row=total, column=c).value is None for c in range(6, 10))
    result = recalculate(book, default_config())
    names = {p.label for s in _synthesis(result).sites for p in s.programmes}
    assert "Total" not in names and "?" not in names
    mrs = load_workbook(done)[MRS]  # Marseille's « Total » row of SUM formulas is left alone
    assert mrs[f"{MRS_COL['presentation']}{MRS_ROWS['total']}"].value is None


def _synthesis(result):
    from ortkpi_xl.workbook.recalc import synthesis_of

    return synthesis_of(result.results, result.findings)


def test_an_excel_table_with_a_totals_row_is_supported(tmp_path, capsys):
    path = table_with_totals_row(tmp_path / "table.xlsx", rows=4)
    assert main(["recalculer", str(path)]) == 0
    ws = load_workbook(path)["ORT Lyon"]
    assert ws["N2"].value == pytest.approx(18 / 20)  # 1 Taux de présentation of the first row
    assert ws["N6"].value is None  # the totals row: not a programme, nothing written
    assert ws["A6"].value == "Total"
    findings = findings_of(path, capsys)
    assert not [f for f in findings if f["gravite"] == "erreur"]
    assert [f for f in findings if f["regle"] == "ligne_total" and f["cellule"] == "A6"]


def test_merged_names_and_two_cohorts_of_one_programme(seed, capsys):
    findings = findings_of(seed, capsys)
    mine = [f for f in findings if f["feuille"] == MRS]
    assert not [f for f in mine if f["regle"] in ("doublon", "formation_manquante")]
    result = recalculate(read_workbook(seed, default_config()), default_config())
    marseille = [s for s in _synthesis(result).sites if s.name == MRS][0]
    cohorts = [(p.label, p.promotion) for p in marseille.programmes if p.label == "BTS OL 2"]
    assert cohorts == [("BTS OL 2", "2023-2025"), ("BTS OL 2", "2024-2026")]


def test_a_side_sheet_is_left_alone(seed, done, capsys):
    assert (
        cell_snapshot(seed)[("Notes réunion", "C4")] == cell_snapshot(done)[("Notes réunion", "C4")]
    )
    findings = [f for f in findings_of(done, capsys) if f["feuille"] == "Notes réunion"]
    assert [f["regle"] for f in findings] == ["feuille_annexe"]
    assert findings[0]["gravite"] == "info"
    result = recalculate(read_workbook(seed, default_config()), default_config())
    assert "Notes réunion" not in {s.name for s in _synthesis(result).sites}


def test_numbers_as_people_type_them(seed, done, capsys):
    ws = load_workbook(done)[LYON]
    first = LYON_FIRST
    cell = ws[f"{LYON_COL['insertion_emploi']}{first}"]
    assert cell.value == 75 and cell.number_format == "General"  # never shown as 7500 %
    bad = f"{LYON_COL['insertion_emploi']}{first + 4}"  # 1.2 in a % cell: 120 %
    assert ws[bad].value == 1.2
    findings = findings_of(done, capsys)
    [error] = [f for f in findings if f["feuille"] == LYON and f["cellule"] == bad]
    assert error["gravite"] == "erreur" and "120 %" in error["message"]
    # never read as 1,2 %: the VA of that row is the site's own (+5 %), not 1,2 % − something
    assert ws[f"{LYON_COL['va']}{first + 4}"].value == pytest.approx(0.05)
    result = recalculate(read_workbook(done, default_config()), default_config())
    lyon = [s for s in _synthesis(result).sites if s.name == LYON][0]
    emplois = [p.results["insertion_emploi"].value for p in lyon.programmes]
    assert emplois[0] == pytest.approx(0.75) and emplois[4] is None


def test_recalculer_and_valider_tell_one_story_on_contradictory_counts(done, capsys):
    ws = load_workbook(done)[MRS]
    cell = ws[f"{MRS_COL['obtention']}{MRS_ROWS['pi2']}"]
    assert cell.value == pytest.approx(19 / 18) and cell.number_format == "0.0%"
    recalc_findings = {(r[1], r[2], r[3]) for r in controls(done) if r[0] == "erreur"}
    valider = findings_of(done, capsys)
    errors = {
        (f["feuille"], f["cellule"], rule_name(f["regle"]))
        for f in valider
        if f["gravite"] == "erreur" and f["feuille"] in (EDT, MRS, LYON, TLS)
    }
    recalc_findings = {f for f in recalc_findings if f[0] in (EDT, MRS, LYON, TLS)}
    reussis = f"{MRS_COL['reussis']}{MRS_ROWS['pi2']}"
    assert (MRS, reussis, rule_name("reussis_sup_presentes")) in errors
    assert errors == recalc_findings
    assert not [f for f in valider if "Recalculer" in f["message"]]


def test_valider_only_announces_what_recalculer_changes(seed):
    config = default_config()
    book = read_workbook(seed, config)
    announced = {
        (f.feuille, f.cellule)
        for f in validate(book, config)
        if f.regle in ("valeur_a_recalculer", "valeur_saisie_differente")
    }
    assert announced
    result = recalculate(read_workbook(seed, config), config)
    changed = set()
    for res in result.results:
        for key, decisions in res.plan.decisions.items():
            for d in decisions:
                if d.changes_display:
                    changed.add((res.sheet.name, res.table.address(d.row, key)))
    assert announced <= changed


def test_the_yellow_covers_awaited_cells_and_spares_a_persons_colour(seed, done):
    ws = load_workbook(done)[LYON]
    assert ws[f"{LYON_COL['insertion_metier']}{LYON_FIRST + 1}"].value == 65  # typed: an input
    cell = ws[f"{LYON_COL['insertion_metier']}{LYON_FIRST + 2}"]
    assert cell.value == "En attente" and cell.fill.fill_type is None
    result = recalculate(read_workbook(seed, default_config()), default_config())
    rule = result.changes.pending_rules[LYON]
    assert rule.formula == 'N6="En attente"' and rule.colour == "FFFF00"
    # P7: a person's green; left out of the yellow, so their colour shows
    assert rule.ranges == ("N6:O11", "P6:P6", "P8:P11")


def test_a_second_run_changes_nothing(done, tmp_path):
    second = tmp_path / "second.xlsx"
    third = tmp_path / "third.xlsx"
    assert main(["recalculer", str(done), "-o", str(second)]) == 0
    assert main(["recalculer", str(second), "-o", str(third)]) == 0
    first_cells = {k: v for k, v in cell_snapshot(done).items() if k[0] != "Contrôles"}
    second_cells = {k: v for k, v in cell_snapshot(second).items() if k[0] != "Contrôles"}
    assert first_cells == second_cells
    assert cell_snapshot(second) == cell_snapshot(third)


def test_publication_of_typed_rates(tmp_path):
    path = seed_workbook(tmp_path / "propre.xlsx", errors=False)
    assert main(["recalculer", str(path)]) == 0
    site = tmp_path / "site"
    assert main(["publier", str(path), "-o", str(site)]) == 0
    pages = {p.name for p in site.iterdir()}
    assert not [p for p in pages if "notes" in p.lower()]
    text = "".join(p.read_text(encoding="utf-8") for p in site.glob("*.html"))
    assert "effectifs non fournis" in text
    assert "BTS OL 2" in text and ">Total<" not in text and ">?<" not in text
    # a site whose rows hold only typed rates never reads « 0 apprentis entrés »
    assert " 0 apprenti" not in text
    pages = [p.read_text(encoding="utf-8") for p in site.glob("*.html")]
    lyon = next(t for t in pages if "<h1>ORT Lyon" in t)
    assert "formations, effectifs non fournis (taux saisis tels quels)" in lyon
    assert any(re.search(r"\d apprentis entrés en formation", t) for t in pages)


@pytest.mark.libreoffice
def test_libreoffice_sees_no_error_value_in_the_output(seed, done, lo_check):
    before = subprocess.run([str(lo_check), str(seed)], capture_output=True, text=True, timeout=180)
    assert before.returncode == 1 and before.stdout.strip().endswith("2 error cells")
    run = subprocess.run([str(lo_check), str(done)], capture_output=True, text=True, timeout=180)
    assert run.returncode == 0, run.stdout + run.stderr


def test_consolidation_carries_what_the_sites_typed(tmp_path):
    path = seed_workbook(tmp_path / "sites.xlsx", errors=False)
    network = tmp_path / "reseau.xlsx"
    assert main(["synthese", str(path), "-o", str(network)]) in (0, 1)
    config = default_config()
    result = recalculate(read_workbook(network, config), config)
    sites = {s.name: s for s in _synthesis(result).sites}
    assert "Notes réunion" not in sites
    marseille = {(p.label, p.promotion): p for p in sites[MRS].programmes}
    typed = marseille[("BTS OL 2", "2023-2025")].results["presentation"]
    assert (typed.outcome.value, typed.value) == ("saisi", 1.0)  # kept, never pooled
    assert ("BTS OL 2", "2024-2026") in marseille  # the merged name came along
    edt = {p.label: p for p in sites[EDT].programmes}
    assert edt["CAP IFCA"].results["insertion_emploi"].value == pytest.approx(0.30)
    assert edt["CAP IFCA"].results["va"].value == pytest.approx(-0.2)
    assert len(sites[TLS].programmes) == 25  # no sum row
    # Toulouse's CFA and FPA tables share programmes: two populations, not a blocking double
    issues = [[c.value for c in row] for row in load_workbook(network)["Consolidation"].iter_rows()]
    assert not [r for r in issues if r[1] == TLS and r[2] == "erreur"], issues


def test_the_excel_buttons_read_the_seed_as_the_command_line_does(seed, done):
    """Same decisions on the Excel path, which cannot see formats or merged cells."""
    from fake_xlwings import FakeBook
    from ortkpi_xl import buttons

    book = FakeBook.from_xlsx(seed)
    buttons.recalculer(book)
    expected = load_workbook(done)
    for sheet, columns, rows in (
        (MRS, MRS_COL, range(MRS_ROWS["ol2"], MRS_ROWS["total"] + 1)),
        (EDT, EDT_COL, range(EDT_FIRST, EDT_FIRST + len(EDT_ROWS))),
        (LYON, LYON_COL, range(LYON_FIRST, LYON_FIRST + 6)),
    ):
        for key in (
            "presentation",
            "obtention",
            "poursuite",
            "va",
            "insertion_emploi",
            "insertion_metier",
        ):
            for r in rows:
                address = f"{columns[key]}{r}"
                want = expected[sheet][address].value
                got = book.value(sheet, address)
                if isinstance(want, float):
                    assert got == pytest.approx(want), (sheet, address)
                else:
                    assert got == want, (sheet, address)


def test_a_workbook_marked_by_the_previous_version_is_cleaned_once(tmp_path):
    """The previous version painted awaited cells yellow one by one and noted each of them;
    its registry remembers the fill it replaced. The yellow now comes from one conditional
    format: the old fills are given back, the old notes go, its old words are its own."""
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    from workbooks import FIRST_DATA_ROW as R0
    from workbooks import seed_like

    path = seed_like(tmp_path / "ancien.xlsx")
    wb = load_workbook(path)
    ws = wb["Ecole de Travail"]
    old_note = "En attente du taux d'insertion dans le métier — source : l'enquête du CFA."
    ws[f"T{R0}"] = "En attente"
    ws[f"T{R0}"].fill = PatternFill("solid", start_color="FFFFFF00", end_color="FFFFFF00")
    ws[f"T{R0}"].comment = Comment(old_note, "ortkpi-xl")
    ws[f"R{R0 + 1}"] = "Non requis"  # CAP MIT was 3 entrants; now 15: 9 is required
    ws[f"R{R0 + 1}"].comment = Comment("Promotion de 3 entrants : non exigé.", "ortkpi-xl")
    ws[f"D{R0 + 1}"] = 15
    registry = wb.create_sheet("ortkpi_etat")
    registry.sheet_state = "veryHidden"
    registry.append(["feuille", "cellule", "remplissage_avant", "couleur_outil", "note_outil"])
    before = (
        '<fill><patternFill patternType="solid"><fgColor rgb="FFDDEEFF"/>'
        '<bgColor indexed="64"/></patternFill></fill>'
    )
    registry.append(["Ecole de Travail", f"T{R0}", before, "FFFF00", old_note])
    registry.append(
        ["Ecole de Travail", f"R{R0 + 1}", "", "", "Promotion de 3 entrants : non exigé."]
    )
    wb.save(path)
    assert main(["recalculer", str(path)]) == 0
    ws = load_workbook(path)["Ecole de Travail"]
    assert ws[f"T{R0}"].fill.fgColor.rgb == "FFDDEEFF"  # the person's colour, given back
    assert ws[f"T{R0}"].comment is None and ws[f"T{R0}"].value == "En attente"
    assert ws[f"R{R0 + 1}"].value == "En attente"  # the old tool word, no longer due
    assert ws[f"R{R0 + 1}"].comment is None


def test_an_imported_insertion_rate_survives_the_next_recalculer(tmp_path):
    import shutil

    from inserjeunes_files import formation_depp_file

    root = Path(__file__).resolve().parent.parent
    path = tmp_path / "indicateurs.xlsx"
    shutil.copy(root / "workbook_template.xlsx", path)
    wb = load_workbook(path)
    wb[EDT]["AB5"] = "50099991"  # CAP MIS's code formation diplôme
    wb.save(path)
    assert main(["inserjeunes", str(path), str(formation_depp_file(tmp_path))]) == 0
    assert load_workbook(path)[EDT]["W5"].value == pytest.approx(0.71)
    assert main(["recalculer", str(path)]) == 0
    ws = load_workbook(path)[EDT]
    assert ws["W5"].value == pytest.approx(0.71)  # an input now, never the tool's to replace
    assert main(["recalculer", str(path)]) == 0
    assert load_workbook(path)[EDT]["W5"].value == pytest.approx(0.71)


@pytest.mark.parametrize("name", ["Contrôles", "Synthèse"])
def test_a_persons_sheet_named_like_the_tools_is_never_replaced(seed, tmp_path, name, capsys):
    """The tool writes its results under « Contrôles » and « Synthèse »; a person's sheet of
    that name (their own notes) stops the write, names the sheet, and nothing changes."""
    mine = tmp_path / "mes_controles.xlsx"
    wb = load_workbook(seed)
    if name in wb.sheetnames:
        del wb[name]
    ws = wb.create_sheet(name)
    ws["A1"], ws["B5"] = "Mes contrôles perso", 42
    wb.save(mine)
    before = mine.read_bytes()
    capsys.readouterr()
    assert main(["recalculer", str(mine)]) == 2
    err = capsys.readouterr().err
    assert f"la feuille « {name} » (A1 : « Mes contrôles perso »)" in err
    assert "renommez-la" in err and "Traceback" not in err
    assert mine.read_bytes() == before
    # renamed, their sheet stays theirs and the tool writes its own beside it
    wb = load_workbook(mine)
    wb[name].title = "Mes notes"
    wb.save(mine)
    assert main(["recalculer", str(mine)]) == 0
    after = load_workbook(mine)
    assert after["Mes notes"]["A1"].value == "Mes contrôles perso"
    assert after["Mes notes"]["B5"].value == 42
    assert name in after.sheetnames


def test_an_empty_sheet_named_like_the_tools_is_filled(seed, tmp_path):
    empty = tmp_path / "vide.xlsx"
    wb = load_workbook(seed)
    if "Contrôles" in wb.sheetnames:
        del wb["Contrôles"]
    wb.create_sheet("Contrôles")
    wb.save(empty)
    assert main(["recalculer", str(empty)]) == 0
    assert load_workbook(empty)["Contrôles"]["A1"].value.startswith("Contrôles du classeur")


def _two_row_header_workbook(path: Path) -> Path:
    """A site sheet whose header takes two rows: « Effectifs » over the counts, every other
    label merged down over both rows (a layout staff use)."""
    from openpyxl import Workbook

    from ortkpi_xl.fields import FIELDS

    wb = Workbook()
    ws = wb.active
    ws.title = LYON
    for column, field in enumerate(FIELDS, start=1):
        if field.label.startswith("Nb "):
            ws.cell(1, column, "Effectifs")
            ws.cell(2, column, field.label)
        else:
            ws.cell(1, column, field.label)
            ws.merge_cells(start_row=1, start_column=column, end_row=2, end_column=column)
    keys = [f.key for f in FIELDS]
    counts = {"entrants": 20, "presentes": 18, "interruptions": 2, "ruptures": 1, "reussis": 15}
    for name, extra in (("BTS A", {}), ("BTS B", {"entrants": 12, "presentes": 10, "reussis": 9})):
        row = {**counts, **extra, "formation": name, "promotion": "2023-2025", "poursuivants": 4}
        ws.append([row.get(k) for k in keys])
    wb.save(path)
    return path


def test_a_two_row_header_is_computed_named_and_checked(tmp_path, capsys):
    source = _two_row_header_workbook(tmp_path / "deux_lignes.xlsx")
    out = tmp_path / "out.xlsx"
    assert main(["recalculer", str(source), "-o", str(out)]) == 0
    from ortkpi_xl.fields import FIELD_BY_KEY, FIELDS

    column = {f.key: i for i, f in enumerate(FIELDS, start=1)}
    ws = load_workbook(out)[LYON]
    assert ws.cell(3, column["presentation"]).value == pytest.approx(18 / 20)
    assert ws.cell(4, column["obtention"]).value == pytest.approx(9 / 10)
    assert ws.cell(3, column["va"]).value == "En attente"
    note = ws.cell(1, column["presentation"]).comment  # on the cell that shows the label
    assert note is not None and FIELD_BY_KEY["presentation"].label.split()[0] in note.text
    assert ws.cell(2, column["entrants"]).value == "Nb candidats entrée en formation"
    found = findings_of(out, capsys)
    rules = {f["regle"] for f in found}
    assert "colonne_en_double" not in rules and "aucune_ligne" not in rules
    assert all(f["cellule"] for f in found if f["feuille"] == LYON and "site_" not in f["regle"])
    site = next(f for f in found if f["regle"].startswith("site_") and f["feuille"] == LYON)
    assert site["regle"] == "site_complet" and "2 formations sur 2" in site["message"]
    synthese = load_workbook(out, data_only=True)["Synthèse"]
    texts = {c.value for row in synthese.iter_rows() for c in row if isinstance(c.value, str)}
    assert "BTS A" in " ".join(texts) and "?" not in texts
    again = tmp_path / "again.xlsx"
    assert main(["recalculer", str(out), "-o", str(again)]) == 0
    assert cell_snapshot(again)[(LYON, "N3")] == cell_snapshot(out)[(LYON, "N3")]


def test_a_persons_sheet_without_a_title_is_never_replaced_either(seed, tmp_path, capsys):
    mine = tmp_path / "sans_titre.xlsx"
    wb = load_workbook(seed)
    if "Synthèse" in wb.sheetnames:
        del wb["Synthèse"]
    wb.create_sheet("Synthèse")["C7"] = "mes chiffres clés"
    wb.save(mine)
    before = mine.read_bytes()
    capsys.readouterr()
    assert main(["recalculer", str(mine)]) == 2
    assert "la feuille « Synthèse » n'a pas été écrite par l'outil" in capsys.readouterr().err
    assert mine.read_bytes() == before


def _noted_figure_workbook(path: Path) -> Path:
    """A typed 50 % the counts contradict (5 poursuites / 18 présentés), under Sophie's note."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment

    wb = Workbook()
    ws = wb.active
    ws.title = "CFA Montreuil 2025"
    ws.append(["Formation", "Promotion", "Nb candidats entrée en formation",
               "Nb candidats présentés à l'examen", "Nb interruptions en cours",
               "Nb ruptures nettes", "Nb candidats ayant réussi",
               "Nb candidats ayant poursuivi", "5 Taux de poursuite d'études"])  # fmt: skip
    ws.append(["BTS MCO", "2023 - 2025", 20, 18, 3, 2, 15, 5, 0.5])
    ws["I2"].comment = Comment("Chiffre donné par le jury le 3 juillet", "Sophie")
    wb.save(path)
    return path


def test_a_contradicted_figure_under_someones_note_is_kept_and_is_an_error(tmp_path, capsys):
    """The old value of a replaced figure goes into the cell's note; when the cell already
    carries someone's note there is nowhere to keep it: the figure stays, as an error."""
    source = _noted_figure_workbook(tmp_path / "note.xlsx")
    out = tmp_path / "out.xlsx"
    assert main(["recalculer", str(source), "-o", str(out)]) == 0
    cell = load_workbook(out).active["I2"]
    assert cell.value == 0.5
    assert cell.comment.author == "Sophie"
    assert cell.comment.text == "Chiffre donné par le jury le 3 juillet"
    found = findings_of(out, capsys)
    [f] = [f for f in found if f["cellule"] == "I2" and f["gravite"] == "erreur"]
    assert f["regle"] == "valeur_saisie_differente"
    assert "« 50,0 % », les effectifs donnent 27,8 %" in f["message"]
    assert "la note d'une personne" in f["message"]
    controls = [
        line for line in controls_detail(load_workbook(out)["Contrôles"]) if "I2" in str(line)
    ]
    assert controls and "gardées telles quelles" in str(controls)
    again = tmp_path / "again.xlsx"
    assert main(["recalculer", str(out), "-o", str(again)]) == 0
    assert load_workbook(again).active["I2"].value == 0.5
