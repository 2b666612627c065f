"""`ortkpi-xl inserjeunes`: the downloaded files fill the workbook, with provenance."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import data_path
from inserjeunes_files import formation_depp_file
from openpyxl import load_workbook

from ortkpi_xl.cli import main
from ortkpi_xl.fields import FIELDS
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


def test_real_establishment_file_lands_in_the_site_block(workbook, tmp_path, capsys):
    real = data_path("inserjeunes", "fr-en-inserjeunes-cfa.csv")
    out = tmp_path / "out.xlsx"
    assert main(["inserjeunes", str(workbook), str(real), "-o", str(out)]) == 0
    report = capsys.readouterr().out
    assert "0751488K" in report
    ws = load_workbook(out)[SITE]
    block = ws["A3"].value
    for text in (
        "0751488K",
        "cumul 2023-2024",
        "49 %",
        "61 %",
        "-12 points",
        "48 %",
        "58 %",
        "fr-en-inserjeunes-cfa.csv",
    ):
        assert text in block, text
    assert "ce n'est pas l'indicateur 9" in ws["A3"].comment.text
    # the per-programme cells are not filled with the establishment's rate
    assert ws[f"{COL['insertion_emploi']}5"].value == "En attente"


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
    allowed_columns = {COL["insertion_emploi"], COL["source"], COL["va"], "A"}
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
    rules = [r[3] for r in ws.iter_rows(min_row=5, values_only=True)]
    assert "inserjeunes_different" in rules
    capsys.readouterr()
    assert main(["valider", str(workbook), "--json"]) == 0  # the kept figure blocks nothing
    kept = f"{COL['insertion_emploi']}5"
    findings = json.loads(capsys.readouterr().out)
    assert not [f for f in findings if (f["feuille"], f["cellule"]) == (SITE, kept)]


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
