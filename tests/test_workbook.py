"""Recalculer and Valider on real .xlsx files: the user's workbook as it is, and the template."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sheets_read import controls_detail, find_row

from ortkpi_xl.cli import main
from ortkpi_xl.config import default_config
from ortkpi_xl.rule_names import rule_name
from ortkpi_xl.workbook.reader import read_workbook
from workbooks import FIRST_DATA_ROW as R0
from workbooks import cell_snapshot, seed_like

YELLOW = "FFFFFF00"


@pytest.fixture
def seed(tmp_path) -> Path:
    return seed_like(tmp_path / "indicateurs.xlsx")


def recalc(path: Path, out: Path | None = None) -> Path:
    args = ["recalculer", str(path)] + (["-o", str(out)] if out else [])
    assert main(args) == 0
    return out or path


def test_finds_the_table_in_the_users_layout(seed):
    book = read_workbook(seed, default_config())
    [table] = book.tables
    assert table.header_row == 4
    assert table.rows == list(range(R0, R0 + 6))  # the section label and footnotes are skipped
    assert table.columns["presentes"] == 5 and table.columns["presentation"] == 6
    assert table.columns["insertion_site"] == 21 and table.columns["va"] == 18
    assert "insertion_reference" not in table.columns  # the seed has no certificateur column
    assert "repondants" not in table.columns  # optional column missing: presentes is used


def test_recalculer_writes_values_formats_words_and_notes(seed, tmp_path):
    out = recalc(seed, tmp_path / "out.xlsx")
    ws = load_workbook(out)["Ecole de Travail"]
    # CAP MIS: 16/19, formulas replaced by values with the configured format
    assert ws[f"F{R0}"].value == pytest.approx(16 / 19)
    assert ws[f"F{R0}"].number_format == "0.0%"
    assert ws[f"N{R0}"].value == pytest.approx(9 / 16)  # no répondants column: présentés
    # CAP ELEC: the status passes through to the obtention rate
    assert ws[f"L{R0 + 2}"].value == "en cours d'acquisition"
    # numbers typed as text are read
    assert ws[f"F{R0 + 5}"].value == pytest.approx(11 / 13)
    # BTS NDRC: 0 entrants: NC, never #DIV/0!; what NC means is in the column's header note
    assert ws[f"F{R0 + 4}"].value == "NC"
    assert ws[f"F{R0 + 4}"].comment is None  # no note on every NC cell
    header = ws["F4"].comment
    assert header is not None and header.author == "ortkpi-xl" and "NC" in header.text
    # BTS MS: the VA typed by hand is an input (no certificateur's rate to compute it): kept
    assert ws[f"R{R0 + 3}"].value == "+ 5%"


def test_pending_and_small_cohorts(seed, tmp_path):
    out = recalc(seed, tmp_path / "out.xlsx")
    ws = load_workbook(out)["Ecole de Travail"]
    # CAP MIS (19 entrants): 10 comes from the site's own InserJeunes column (30, in points),
    # 11 is awaited; the person's light blue fill on S stays theirs
    assert ws[f"S{R0}"].value == pytest.approx(0.30)
    assert ws[f"S{R0}"].number_format == "0.0%"
    assert ws[f"S{R0}"].fill.fgColor.rgb == "FFDDEEFF"
    assert ws[f"T{R0}"].value == "En attente"
    assert "enquête du CFA" in ws["T4"].comment.text  # the column's note names the source
    # CAP MIT (3 entrants): small cohort word
    for col in "RST":
        assert ws[f"{col}{R0 + 1}"].value == "Non requis"
    # BTS MS: 10 given; 11 awaited, the person's note there is kept
    assert ws[f"S{R0 + 3}"].value == 0.9
    assert ws[f"T{R0 + 3}"].value == "En attente"
    assert ws[f"T{R0 + 3}"].comment.author == "Paul"


def test_persons_formatting_notes_and_other_sheets_survive(seed, tmp_path):
    out = recalc(seed, tmp_path / "out.xlsx")
    wb = load_workbook(out)
    ws = wb["Ecole de Travail"]
    assert ws[f"A{R0}"].font.color.rgb == "FF0000FF"
    assert ws[f"K{R0}"].comment.author == "Marie"
    assert ws[f"K{R0}"].comment.text == "Chiffre vérifié avec le jury"
    assert wb["Notes de la direction"]["B2"].value == "=1+1"
    assert ws["A5"].value == "Ecole de Travail "  # the section label is untouched


def test_an_awaited_figure_typed_later_is_an_input(seed, tmp_path):
    out = recalc(seed, tmp_path / "out.xlsx")
    wb = load_workbook(out)
    ws = wb["Ecole de Travail"]
    assert ws[f"T{R0}"].value == "En attente"
    ws[f"T{R0}"] = 0.7  # the survey's figure arrives
    ws[f"S{R0 + 3}"] = 0.82  # a corrected InserJeunes figure
    wb.save(out)
    recalc(out)
    ws = load_workbook(out)["Ecole de Travail"]
    assert ws[f"T{R0}"].value == 0.7
    assert ws[f"S{R0 + 3}"].value == 0.82
    assert ws[f"S{R0}"].fill.fgColor.rgb == "FFDDEEFF"


def test_running_twice_gives_the_same_workbook(seed, tmp_path):
    first = recalc(seed, tmp_path / "once.xlsx")
    second = recalc(first, tmp_path / "twice.xlsx")
    third = recalc(second, tmp_path / "thrice.xlsx")

    def sheets(path: Path, *, controls: bool = True) -> dict:
        return {k: v for k, v in cell_snapshot(path).items() if controls or k[0] != "Contrôles"}

    # the first run replaced the seed's formulas (reported once in Contrôles); nothing else moves
    assert sheets(first, controls=False) == sheets(second, controls=False)
    assert sheets(second) == sheets(third)


def test_controles_sheet_lists_findings_with_links(seed, tmp_path):
    out = recalc(seed, tmp_path / "out.xlsx")
    ws = load_workbook(out)["Contrôles"]
    detail = controls_detail(ws)
    assert rule_name("en_attente") in {line["Contrôle"] for line in detail}
    header = find_row(ws, "Feuille", "Ligne")
    linked = [c for c in ws["F"][header:] if c.value]
    assert linked and all(c.hyperlink is not None for c in linked)


def test_valider_json_and_exit_codes(seed, tmp_path, capsys):
    assert main(["valider", str(seed), "--json"]) == 1  # formulas giving other figures
    findings = json.loads(capsys.readouterr().out)
    assert findings and set(findings[0]) == {"gravite", "feuille", "cellule", "regle", "message"}
    assert {f["gravite"] for f in findings} <= {"erreur", "avertissement", "info"}
    stale = [f for f in findings if f["regle"] == "valeur_a_recalculer"]
    assert stale and all("lancez Recalculer" in f["message"] for f in stale)
    assert not any(f["cellule"] == f"R{R0 + 3}" for f in stale)  # the typed VA is kept
    out = recalc(seed, tmp_path / "out.xlsx")
    capsys.readouterr()
    one_site = tmp_path / "config.yaml"  # this workbook carries one site of the network
    one_site.write_text('feuilles_sites: ["Ecole de Travail"]\nsites: {}\n', encoding="utf-8")
    assert main(["valider", str(out), "--config", str(one_site)]) == 0
    text = capsys.readouterr().out
    assert "Feuille « Ecole de Travail »" in text and "prêt pour la transmission" in text
    assert "lancez Recalculer" not in text


def test_valider_reports_inconsistent_counts_in_french(tmp_path, capsys):
    path = seed_like(tmp_path / "w.xlsx")
    wb = load_workbook(path)
    wb["Ecole de Travail"][f"K{R0}"] = 18
    wb["Ecole de Travail"][f"E{R0}"] = 17
    wb.save(path)
    recalc(path)
    capsys.readouterr()
    assert main(["valider", str(path), "--json"]) == 1
    findings = json.loads(capsys.readouterr().out)
    [f] = [f for f in findings if f["regle"] == "reussis_sup_presentes"]
    assert f["cellule"] == f"K{R0}" and f["gravite"] == "erreur"
    assert "18 reçus pour 17 présentés" in f["message"]


@pytest.mark.parametrize(
    "content, words",
    [
        (b"", "vide"),
        (b"formation;entrants\nCAP;12\n", "CSV"),
    ],
)
def test_unreadable_files_exit_2_with_a_sentence(tmp_path, capsys, content, words):
    path = tmp_path / "faux.xlsx"
    path.write_bytes(content)
    assert main(["valider", str(path)]) == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err


def test_workbook_without_site_sheet(tmp_path, capsys):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active["A1"] = "Budget 2025"
    wb.save(tmp_path / "autre.xlsx")
    assert main(["recalculer", str(tmp_path / "autre.xlsx")]) == 2
    assert "Aucune feuille de site" in capsys.readouterr().err


def test_missing_required_column_is_reported_and_rates_kept(tmp_path, capsys):
    path = seed_like(tmp_path / "w.xlsx")
    wb = load_workbook(path)
    ws = wb["Ecole de Travail"]
    ws.delete_cols(11)  # "Nombre de candidat ayant réussi"
    ws["K6"] = 0.99  # the obtention rate typed by hand must not be replaced by NC
    wb.save(path)
    recalc(path)
    assert load_workbook(path)["Ecole de Travail"]["K6"].value == 0.99
    assert load_workbook(path)["Ecole de Travail"]["K7"].value == "NC"  # was a formula
    capsys.readouterr()
    assert main(["valider", str(path), "--json"]) == 0  # a missing column: a warning
    findings = json.loads(capsys.readouterr().out)
    assert any(f["regle"] == "colonne_manquante" and "réussi" in f["message"] for f in findings)


@pytest.mark.libreoffice
def test_libreoffice_sees_no_error_value_after_recalculer(seed, tmp_path, lo_check):
    out = recalc(seed, tmp_path / "out.xlsx")
    run = subprocess.run([str(lo_check), str(out)], capture_output=True, text=True, timeout=180)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.strip().endswith("0 error cells")


def test_the_entry_guard_names_what_the_file_really_is(tmp_path, capsys):
    fake = tmp_path / "export.xlsx"
    fake.write_text("formation;entrants\nCAP;12\n", encoding="utf-8")
    assert main(["valider", str(fake)]) == 2
    err = capsys.readouterr().err
    assert "CSV" in err and "BadZipFile" not in err


def test_output_must_keep_the_workbook_extension(seed, tmp_path, capsys):
    assert main(["recalculer", str(seed), "-o", str(tmp_path / "out.csv")]) == 2
    assert "extension" in capsys.readouterr().err
    assert not (tmp_path / "out.csv").exists()


def test_template_into_a_missing_folder_is_a_french_sentence(tmp_path, capsys):
    assert main(["modele", str(tmp_path / "absent" / "m.xlsx")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Erreur : ") and "interne" not in err


def test_a_rate_above_one_in_a_percent_cell_is_an_error(seed, capsys):
    wb = load_workbook(seed)
    cell = wb["Ecole de Travail"][f"S{R0}"]
    cell.value, cell.number_format = 1.2, "0%"  # Excel shows 120 %: impossible
    wb.save(seed)
    assert main(["valider", str(seed), "--json"]) == 1  # the seed's stale figures are errors
    findings = json.loads(capsys.readouterr().out)
    [f] = [f for f in findings if f["cellule"] == f"S{R0}" and f["regle"] == "valeur_illisible"]
    assert f["gravite"] == "erreur" and "120 %" in f["message"]


def test_points_in_a_general_cell_are_read_and_keep_their_format(seed, tmp_path, capsys):
    wb = load_workbook(seed)
    wb["Ecole de Travail"][f"T{R0 + 3}"] = 75  # 11 typed as points in a General cell
    wb.save(seed)
    out = recalc(seed, tmp_path / "out.xlsx")
    ws = load_workbook(out)["Ecole de Travail"]
    assert ws[f"T{R0 + 3}"].value == 75 and ws[f"T{R0 + 3}"].number_format == "General"
    capsys.readouterr()
    main(["valider", str(out), "--json"])
    findings = json.loads(capsys.readouterr().out)
    assert not [f for f in findings if f["cellule"] == f"T{R0 + 3}" and f["gravite"] != "info"]


def test_no_pending_finding_without_a_cell(seed, capsys):
    wb = load_workbook(seed)
    wb["Ecole de Travail"].delete_cols(20)  # "11 Taux d'insertion global dans le metier"
    wb.save(seed)
    assert main(["valider", str(seed), "--json"]) == 1  # the seed's stale figures are errors
    findings = json.loads(capsys.readouterr().out)
    assert all(f["cellule"] for f in findings if f["regle"] == "en_attente")
