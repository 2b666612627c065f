"""The bundled template: generated from code and config, clean in LibreOffice."""

from __future__ import annotations

import csv
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from ortkpi_xl.cli import main
from ortkpi_xl.config import default_config
from ortkpi_xl.fields import FIELDS
from workbooks import cell_snapshot

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "workbook_template.xlsx"
SITES = ["Ecole de Travail", "ORT Marseille", "ORT Lyon", "ORT Toulouse"]


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("modele") / "modele.xlsx"
    assert main(["modele", str(path)]) == 0
    return path


def test_committed_template_matches_the_generator(generated):
    assert cell_snapshot(TEMPLATE) == cell_snapshot(generated), (
        "workbook_template.xlsx is out of date: run `ortkpi-xl modele workbook_template.xlsx`"
    )


def test_sheets_and_canonical_headers(generated):
    wb = load_workbook(generated)
    visible = [ws.title for ws in wb.worksheets if ws.sheet_state == "visible"]
    assert visible == ["Lisez-moi", *SITES, "Synthèse", "Contrôles", "xlwings.conf"]
    for site in SITES:
        ws = wb[site]
        assert [c.value for c in ws[4]] == [f.label for f in FIELDS]
        assert ws.freeze_panes == "D5"
        assert ws.data_validations.dataValidation, site
    conf = wb["xlwings.conf"]
    assert (conf["A1"].value, conf["B1"].value) == ("UDF Modules", "ortkpi_xl.udfs")


def test_ecole_de_travail_rows_carry_the_reference_counts(generated, reference_csv):
    ws = load_workbook(generated)["Ecole de Travail"]
    labels = [f.key for f in FIELDS]
    with open(reference_csv, encoding="utf-8") as fh:
        reference = list(csv.DictReader(fh, delimiter=";"))
    for i, ref in enumerate(reference):
        row = [c.value for c in ws[5 + i]]
        assert row[labels.index("formation")] == ref["formation"]
        for key in (
            "entrants",
            "presentes",
            "interruptions",
            "ruptures",
            "reussis",
            "repondants",
            "poursuivants",
        ):
            assert row[labels.index(key)] == int(ref[key]), (ref["formation"], key)
        expected = float(ref["attendu_4_obtention"].replace(",", ".")) / 100
        assert row[labels.index("obtention")] == pytest.approx(expected, abs=0.0005)


def test_other_sites_list_their_programmes_with_blank_counts(generated):
    wb = load_workbook(generated)
    formations = [c.value for c in wb["ORT Marseille"]["A"][4:9]]
    assert formations == ["BTS OL 2", "BTS PI 2", "BTS NDRC 2", "BAC PRO", "LICENCE MOV"]
    assert wb["ORT Marseille"]["G5"].value is None
    assert wb["ORT Toulouse"]["D5"].value == "183"  # Toulouse keys rows by RNCP number


def test_recalculer_on_the_template_changes_nothing(generated, tmp_path):
    out = tmp_path / "again.xlsx"
    assert main(["recalculer", str(generated), "-o", str(out)]) == 0
    assert cell_snapshot(out) == cell_snapshot(generated)


@pytest.mark.libreoffice
def test_template_has_no_error_value_in_libreoffice(lo_check):
    run = subprocess.run(
        [str(lo_check), str(TEMPLATE)], capture_output=True, text=True, timeout=180
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_config_changes_reach_the_template(tmp_path):
    cfg = tmp_path / "c.yaml"
    cfg.write_text("mots:\n  non_calculable: n.c.\n", encoding="utf-8")
    out = tmp_path / "m.xlsx"
    assert main(["modele", str(out), "--config", str(cfg)]) == 0
    ws = load_workbook(out)["ORT Marseille"]
    assert ws["N5"].value == "n.c."
    assert default_config().mots.non_calculable == "NC"
