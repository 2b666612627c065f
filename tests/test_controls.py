"""The ``Contrôles`` sheet as a person uses it: the sites' state first, then one line per row
and problem, in French, errors first, linked, coloured, printable."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sheets_read import controls_detail, controls_sites, find_row

from ortkpi_xl.cli import main
from ortkpi_xl.findings import Finding, Severity
from ortkpi_xl.rule_names import RULE_NAMES, rule_name
from ortkpi_xl.workbook.controls import controls_sheet, group_lines
from workbooks import FIRST_DATA_ROW as R0
from workbooks import SEED_HEADERS, seed_like


def seed_network(path: Path) -> Path:
    """The seed's Ecole de Travail sheet with an impossible count, and ORT Marseille listed
    with no figure yet (the other sites of the configuration have no sheet)."""
    seed_like(path)
    wb = load_workbook(path)
    ws = wb["Ecole de Travail"]
    ws[f"K{R0}"] = 18  # 18 reçus for 16 présentés
    marseille = wb.create_sheet("ORT Marseille", 1)
    for c, text in enumerate(SEED_HEADERS, start=1):
        marseille.cell(row=4, column=c, value=text)
    for r, (code, promotion) in enumerate(
        [("BTS OL 2", "2023-2025"), ("BTS PI 2", "2023-2025")], start=5
    ):
        marseille.cell(row=r, column=1, value=code)
        marseille.cell(row=r, column=3, value=promotion)
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("controles")
    out = root / "out.xlsx"
    assert main(["recalculer", str(seed_network(root / "seed.xlsx")), "-o", str(out)]) == 0
    return out


def test_the_sites_state_comes_first_in_tab_order(written):
    ws = load_workbook(written)["Contrôles"]
    assert ws["A2"].value.startswith("Pas prêt pour la transmission")
    # errors: 18 reçus for 16 présentés, ORT Marseille without figures; ORT Lyon and ORT
    # Toulouse have no sheet here: a warning (a site may keep its own workbook)
    assert ws["A3"].value.startswith("2 erreurs")
    assert "ORT Marseille" in ws["A2"].value
    sites = controls_sites(ws)
    assert list(sites) == [
        "Ecole de Travail",
        "ORT Marseille",
        "ORT Lyon",
        "ORT Toulouse",
        "Réseau ORT",
    ]
    assert sites["Ecole de Travail"]["État"] == "à compléter"  # an error to correct
    assert sites["Ecole de Travail"]["Erreurs"] >= 1
    assert sites["ORT Marseille"]["État"] == "sans chiffres"
    assert sites["ORT Lyon"]["État"] == "pas de feuille"
    assert sites["Réseau ORT"]["État"].startswith("1 site sur 4")
    assert find_row(ws, "Site", "État") < find_row(ws, "Feuille", "Ligne")
    link = ws.cell(row=find_row(ws, "Ecole de Travail"), column=1).hyperlink
    assert link.location == "'Ecole de Travail'!A1"


def test_one_line_per_row_and_problem_in_french_errors_first(written):
    ws = load_workbook(written)["Contrôles"]
    lines = controls_detail(ws)
    keys = [(ln["Feuille"], ln["Ligne"], ln["Contrôle"]) for ln in lines]
    assert len(keys) == len(set(keys)), "a row's problem is listed once"
    names = set(RULE_NAMES.values())
    for line in lines:
        assert line["Contrôle"] in names, line
        assert not re.fullmatch(r"[a-z_]+", line["Contrôle"])
        assert not re.match(r"^[A-Z]{1,3}\d+ : ", line["Ce qu'il faut savoir ou faire"])
    ranks = {"Erreur": 0, "Avertissement": 1, "Information": 2}
    order = [ranks[ln["Gravité"]] for ln in lines]
    assert order == sorted(order)
    error = next(ln for ln in lines if ln["Contrôle"] == rule_name("reussis_sup_presentes"))
    assert error["Ligne"] == R0 and error["Cellule"] == f"K{R0}"
    assert error["Formation"] == "CAP MIS 2023 - 2025"
    # a site without figures: its to-do in the sites' block, not one line per row
    assert not [ln for ln in lines if ln["Feuille"] == "ORT Marseille"]
    assert "ORT Marseille : sans chiffres" in " ".join(
        str(c.value) for c in ws["A"] if isinstance(c.value, str)
    )
    # three awaited figures on one row make one line, not three
    awaited = [ln for ln in lines if ln["Contrôle"] == rule_name("en_attente")]
    assert len(awaited) == len({(ln["Feuille"], ln["Ligne"]) for ln in awaited})


def test_lines_are_linked_coloured_wrapped_and_printable(written):
    wb = load_workbook(written)
    ws = wb["Contrôles"]
    header = find_row(ws, "Feuille", "Ligne")
    for row in ws.iter_rows(min_row=header + 1):
        if row[0].value is None:
            break
        if row[5].value:
            assert row[5].hyperlink.location == f"'{row[0].value}'!{row[5].value}"
        assert row[6].alignment.wrap_text
        if row[3].value == "Erreur":
            assert row[0].fill.fgColor.rgb.endswith("F4C7C3")
        elif row[3].value == "Information":
            assert row[0].fill.fill_type is None
    assert ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert ws.print_title_rows.replace("$", "") == f"{header}:{header}"
    with zipfile.ZipFile(written) as z:
        names = z.read("xl/workbook.xml").decode()
    assert "_xlnm.Print_Titles" in names and "'Contrôles'!$" in names


def test_grouping_merges_cells_of_one_row_and_keeps_rows_apart():
    findings = [
        Finding(Severity.INFO, "S", "V5", "en_attente", "V5 : En attente du taux — source : A."),
        Finding(Severity.INFO, "S", "W5", "en_attente", "W5 : En attente du taux — source : A."),
        Finding(Severity.INFO, "S", "V6", "en_attente", "V6 : En attente du taux — source : A."),
        Finding(Severity.ERREUR, "S", "K5", "reussis_sup_presentes", "K5 : 18 reçus pour 17"),
    ]
    lines = group_lines(findings)
    assert len(lines) == 3
    merged = next(ln for ln in lines if ln.row == 5 and ln.rule == "en_attente")
    assert merged.cells == ("V5", "W5") and merged.message == "En attente du taux — source : A."
    sheet = controls_sheet(findings, sheets=["S"])
    texts = [v for row in sheet.rows for v in row if isinstance(v, str)]
    assert not any(t in ("en_attente", "reussis_sup_presentes") for t in texts)
    assert any("(cellules V5, W5)" in t for t in texts)
