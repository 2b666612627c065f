"""Recalculer and Valider on real .xlsx files: the user's workbook as it is, and the template."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from ortkpi_xl.cli import main
from ortkpi_xl.config import default_config
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
    assert table.columns["insertion_reference"] == 21 and table.columns["va"] == 18
    assert "repondants" not in table.columns  # optional column missing: presentes is used


def test_recalculer_writes_values_formats_words_and_notes(seed, tmp_path):
    out = recalc(seed, tmp_path / "out.xlsx")
    ws = load_workbook(out)["Ecole de Travail"]
    # CAP MIS: 16/19, formulas replaced by values with the configured format
    assert ws[f"F{R0}"].value == pytest.approx(16 / 19)
    assert ws[f"F{R0}"].number_format == "0.0%"
    assert ws[f"N{R0}"].value == pytest.approx(9 / 16)  # no répondants column: présentés
    # CAP ELEC: the status passes through to the obtention rate, with a note
    assert ws[f"L{R0 + 2}"].value == "en cours d'acquisition"
    assert ws[f"L{R0 + 2}"].comment.author == "ortkpi-xl"
    # numbers typed as text are read
    assert ws[f"F{R0 + 5}"].value == pytest.approx(11 / 13)
    # BTS NDRC: 0 entrants: NC with the reason in a note, never #DIV/0!
    assert ws[f"F{R0 + 4}"].value == "NC"
    assert "égal à 0" in ws[f"F{R0 + 4}"].comment.text
    # VA = 90 % - 80 % = +10 %, replacing the stale "+ 5%"
    assert ws[f"R{R0 + 3}"].value == pytest.approx(0.10)
    assert ws[f"R{R0 + 3}"].number_format == "+0%;-0%;0%"


def test_pending_and_small_cohorts(seed, tmp_path):
    out = recalc(seed, tmp_path / "out.xlsx")
    ws = load_workbook(out)["Ecole de Travail"]
    # CAP MIS (19 entrants): 10 and 11 pending, yellow, with a note naming the source
    for col in "ST":
        cell = ws[f"{col}{R0}"]
        assert cell.fill.fgColor.rgb == YELLOW
        assert cell.value == "En attente"
        assert cell.comment and cell.comment.author == "ortkpi-xl"
    assert "enquête du CFA" in ws[f"T{R0}"].comment.text
    # CAP MIT (3 entrants): small cohort word, not yellow
    for col in "RST":
        cell = ws[f"{col}{R0 + 1}"]
        assert cell.value == "Non requis"
        assert cell.fill.fgColor.rgb != YELLOW
    # BTS MS: 10 given → not pending; 11 pending but a person's note is kept, not replaced
    assert ws[f"S{R0 + 3}"].fill.fgColor.rgb != YELLOW
    assert ws[f"T{R0 + 3}"].fill.fgColor.rgb == YELLOW
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


def test_highlight_goes_away_and_the_persons_fill_comes_back(seed, tmp_path):
    out = recalc(seed, tmp_path / "out.xlsx")
    wb = load_workbook(out)
    ws = wb["Ecole de Travail"]
    assert ws[f"S{R0}"].fill.fgColor.rgb == YELLOW  # had a person's light blue before
    ws[f"S{R0}"] = 0.82  # the InserJeunes figure arrives
    ws[f"T{R0}"] = 0.7
    wb.save(out)
    recalc(out)
    ws = load_workbook(out)["Ecole de Travail"]
    assert ws[f"S{R0}"].fill.fgColor.rgb == "FFDDEEFF"  # restored, not just removed
    assert ws[f"S{R0}"].comment is None and ws[f"T{R0}"].comment is None
    assert ws[f"T{R0}"].fill.fill_type is None
    assert ws[f"R{R0}"].value == pytest.approx(0.82 - 0.30)


def test_running_twice_gives_the_same_workbook(seed, tmp_path):
    first = recalc(seed, tmp_path / "once.xlsx")
    second = recalc(first, tmp_path / "twice.xlsx")
    assert cell_snapshot(first) == cell_snapshot(second)


def test_controles_sheet_lists_findings_with_links(seed, tmp_path):
    out = recalc(seed, tmp_path / "out.xlsx")
    ws = load_workbook(out)["Contrôles"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[3][:5] == ("Gravité", "Feuille", "Cellule", "Règle", "Message")
    rules = {r[3] for r in rows[4:]}
    assert "en_attente" in rules  # the seed's awaited insertion figures
    linked = [c for c in ws["C"][4:] if c.value]
    assert linked and all(c.hyperlink is not None for c in linked)


def test_valider_json_and_exit_codes(seed, tmp_path, capsys):
    assert main(["valider", str(seed), "--json"]) == 1  # stale formulas, stale VA
    findings = json.loads(capsys.readouterr().out)
    assert findings and set(findings[0]) == {"gravite", "feuille", "cellule", "regle", "message"}
    assert {f["gravite"] for f in findings} <= {"erreur", "avertissement", "info"}
    stale = [f for f in findings if f["regle"] == "valeur_perimee"]
    assert any(f["cellule"] == f"R{R0 + 3}" for f in stale)  # the hand-typed "+ 5%"
    out = recalc(seed, tmp_path / "out.xlsx")
    capsys.readouterr()
    assert main(["valider", str(out)]) == 0
    text = capsys.readouterr().out
    assert "Feuille « Ecole de Travail »" in text and "prêt pour la transmission" in text


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
    capsys.readouterr()
    assert main(["valider", str(path), "--json"]) == 1  # a missing required column is an error
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


def test_a_rate_stored_as_points_is_a_warning(seed, capsys):
    wb = load_workbook(seed)
    wb["Ecole de Travail"][f"S{R0}"] = 1.2  # in a % cell Excel would show 120 %
    wb.save(seed)
    assert main(["valider", str(seed), "--json"]) == 1  # the seed's stale figures are errors
    findings = json.loads(capsys.readouterr().out)
    [f] = [f for f in findings if f["cellule"] == f"S{R0}" and f["regle"] == "taux_en_points"]
    assert f["gravite"] == "avertissement" and "120" in f["message"]


def test_no_pending_finding_without_a_cell(seed, capsys):
    wb = load_workbook(seed)
    wb["Ecole de Travail"].delete_cols(20)  # "11 Taux d'insertion global dans le metier"
    wb.save(seed)
    assert main(["valider", str(seed), "--json"]) == 1  # the seed's stale figures are errors
    findings = json.loads(capsys.readouterr().out)
    assert all(f["cellule"] for f in findings if f["regle"] == "en_attente")
