"""`ortkpi-xl inserjeunes`: the downloaded files fill the workbook, with provenance."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import data_path
from inserjeunes_files import formation_depp_file
from openpyxl import load_workbook
from sheets_read import controls_detail, dashboard, find_row

from ortkpi_xl.cli import main
from ortkpi_xl.fields import FIELDS
from ortkpi_xl.official import OFFICIAL_SHEET
from ortkpi_xl.rule_names import rule_name
from workbooks import cell_snapshot

ROOT = Path(__file__).resolve().parent.parent
COL = {
    f.key: chr(ord("A") + i) if i < 26 else "A" + chr(ord("A") + i - 26)
    for i, f in enumerate(FIELDS)
}
SITE = "Ecole de Travail"


@pytest.fixture
def workbook(tmp_path) -> Path:
    path = tmp_path / "indicateurs.xlsx"
    shutil.copy(ROOT / "workbook_template.xlsx", path)
    return path


def official_rows(path: Path) -> list[dict[str, object]]:
    ws = load_workbook(path)[OFFICIAL_SHEET]
    header_row = find_row(ws, "Site", "UAI")
    header = [c.value for c in ws[header_row]]
    rows = []
    for row in ws.iter_rows(min_row=header_row + 1):
        if row[0].value is None:
            break
        rows.append({h: c for h, c in zip(header, row, strict=False) if h})
    return rows


def test_real_establishment_file_lands_as_numbers_in_the_official_sheet(workbook, tmp_path, capsys):
    real = data_path("inserjeunes", "fr-en-inserjeunes-cfa.csv")
    out = tmp_path / "out.xlsx"
    assert main(["inserjeunes", str(workbook), str(real), "-o", str(out)]) == 0
    report = capsys.readouterr().out
    assert "0751488K" in report
    rows = official_rows(out)
    edt = [r for r in rows if r["Site"].value == SITE]
    # every millésime the file holds, oldest first, each with its provenance
    assert [r["Millésime"].value for r in edt] == [f"cumul {y}-{y + 1}" for y in range(2018, 2024)]
    latest = edt[-1]
    assert latest["UAI"].value == "0751488K"
    assert latest["Taux d'emploi à 6 mois"].value == pytest.approx(0.49)
    assert latest["Taux d'emploi à 6 mois"].number_format == "0%"
    assert latest["Taux d'emploi à 6 mois attendu"].value == pytest.approx(0.61)
    va = latest["Valeur ajoutée officielle de l'établissement (points)"]
    assert va.value == pytest.approx(-12) and "points" in va.number_format
    assert latest["Taux de poursuite d'études"].value == pytest.approx(0.48)
    assert latest["Taux d'emploi à 12 mois"].value == pytest.approx(0.58)
    assert latest["Taux d'emploi à 18 mois"].value == "non publié"
    assert latest["Fichier"].value == "fr-en-inserjeunes-cfa.csv"
    assert latest["Ligne du fichier"].value == 7233  # the file's own line
    # ORT Lyon (0694376G, "O R T"): four millésimes, the latest without employment rates
    lyon = [r for r in rows if r["Site"].value == "ORT Lyon"]
    assert len(lyon) == 4 and lyon[-1]["Taux d'emploi à 6 mois"].value == "non publié"
    assert lyon[-1]["Taux de poursuite d'études"].value == pytest.approx(0.79)
    # sites without a UAI say so
    marseille = next(r for r in rows if r["Site"].value == "ORT Marseille")
    assert "Pas d'UAI InserJeunes" in marseille["Établissement"].value
    ws = load_workbook(out)[SITE]
    assert ws["A3"].value is None or "InserJeunes — établissement" not in ws["A3"].value
    # the per-programme cells are not filled with the establishment's rate
    assert ws[f"{COL['insertion_emploi']}5"].value == "En attente"
    # Synthèse shows them beside the network's own figures
    synthese = dashboard(load_workbook(out)["Synthèse"])
    assert synthese[SITE]["Emploi à 6 mois"][0] == pytest.approx(0.49)
    assert synthese[SITE]["Millésime (cumul)"][0] == "2023-2024"


def test_a_second_import_rewrites_the_sheet_and_keeps_a_persons_sheet_safe(workbook, tmp_path):
    real = data_path("inserjeunes", "fr-en-inserjeunes-cfa.csv")
    assert main(["inserjeunes", str(workbook), str(real)]) == 0
    first = official_rows(workbook)
    assert main(["inserjeunes", str(workbook), str(real)]) == 0
    assert len(official_rows(workbook)) == len(first)
    assert load_workbook(workbook).sheetnames.count(OFFICIAL_SHEET) == 1
    # a person's own sheet of the same name is never overwritten
    other = tmp_path / "autre.xlsx"
    shutil.copy(ROOT / "workbook_template.xlsx", other)
    wb = load_workbook(other)
    wb.create_sheet(OFFICIAL_SHEET)["A1"] = "Mes notes sur InserJeunes"
    wb.save(other)
    before = other.read_bytes()
    assert main(["inserjeunes", str(other), str(real)]) != 0
    assert other.read_bytes() == before


def test_formation_file_fills_the_rate_with_its_source(workbook, tmp_path):
    wb = load_workbook(workbook)
    wb[SITE][f"{COL['cfd']}5"] = "50099991"  # CAP MIS
    wb[SITE][f"{COL['cfd']}15"] = "1099992"  # a CFD that lost its leading zero (BTS MS row)
    wb.save(workbook)
    before = cell_snapshot(workbook)
    data = formation_depp_file(tmp_path)
    assert main(["inserjeunes", str(workbook), str(data)]) == 0
    after = cell_snapshot(workbook)
    ws = load_workbook(workbook)[SITE]
    emploi = ws[f"{COL['insertion_emploi']}5"]
    assert emploi.value == pytest.approx(0.71)
    assert emploi.fill.fgColor.rgb != "FFFFFF00"  # no longer pending
    assert "InserJeunes" in ws[f"{COL['source']}5"].value
    assert ws[f"{COL['source']}5"].data_type == "s"
    changed = {key for key in before.keys() | after.keys() if before.get(key) != after.get(key)}
    site_cells = {cell for sheet, cell in changed if sheet == SITE}
    # 10 and its Source, 9 and the certificateur's rate that 9 awaited (not needed once 10 is a
    # status), the site block, the padded CFD
    allowed_columns = {
        COL["insertion_emploi"],
        COL["source"],
        COL["va"],
        COL["insertion_reference"],
        COL["cfd"],
        "A",
    }
    assert {c.rstrip("0123456789") for c in site_cells} <= allowed_columns, site_cells
    assert all(sheet in (SITE, "Contrôles", "Synthèse", "ortkpi_etat") for sheet, _ in changed)


def test_a_persons_figure_is_kept_and_reported(workbook, tmp_path, capsys):
    wb = load_workbook(workbook)
    wb[SITE][f"{COL['cfd']}5"] = "50099991"
    wb[SITE][f"{COL['insertion_emploi']}5"] = 0.65
    wb.save(workbook)
    assert main(["inserjeunes", str(workbook), str(formation_depp_file(tmp_path))]) == 0
    assert load_workbook(workbook)[SITE][f"{COL['insertion_emploi']}5"].value == 0.65
    ws = load_workbook(workbook)["Contrôles"]
    rules = [line["Contrôle"] for line in controls_detail(ws)]
    assert rule_name("inserjeunes_different") in rules
    capsys.readouterr()
    # not ready (three sites of the template have no figures), but the kept figure blocks nothing
    assert main(["valider", str(workbook), "--json"]) == 1
    kept = f"{COL['insertion_emploi']}5"
    findings = json.loads(capsys.readouterr().out)
    assert not [
        f
        for f in findings
        if (f["feuille"], f["cellule"]) == (SITE, kept) and f["gravite"] != "info"
    ]


def test_unreadable_file_writes_nothing(workbook, tmp_path, capsys):
    bad = tmp_path / "export.csv"
    bad.write_text("ceci n'est pas un fichier InserJeunes\n1;2\n", encoding="utf-8")
    before = workbook.read_bytes()
    assert main(["inserjeunes", str(workbook), str(bad)]) == 2
    assert workbook.read_bytes() == before
    err = capsys.readouterr().err
    assert err.startswith("Erreur : ") and "Traceback" not in err


def test_nothing_from_the_files_becomes_a_formula(workbook, tmp_path):
    wb = load_workbook(workbook)
    wb[SITE][f"{COL['cfd']}5"] = "50099991"
    wb.save(workbook)
    assert main(["inserjeunes", str(workbook), str(formation_depp_file(tmp_path))]) == 0
    for ws in load_workbook(workbook).worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)


def test_cells_the_recalculation_fills_are_not_reported_as_pending(tmp_path, capsys):
    """The seed's Ecole de Travail keeps its InserJeunes rates in its own column: the
    recalculation after the import fills column 10 from it. The report says so, and never
    lists those cells as still awaited."""
    from seedbook import seed_workbook

    seed = seed_workbook(tmp_path / "seed.xlsx")
    real = data_path("inserjeunes", "fr-en-inserjeunes-cfa.csv")
    out = tmp_path / "out.xlsx"
    capsys.readouterr()
    assert main(["inserjeunes", str(seed), str(real), "-o", str(out)]) == 0
    text = capsys.readouterr().out
    ecole = text.split("Site « Ecole de Travail »")[1].split("Site « ")[0]
    assert "Rempli par le recalcul, à partir des colonnes du site (13)" in ecole
    assert "Reste en attente" not in ecole
    assert "le recalcul qui suit a mis à jour" in text
