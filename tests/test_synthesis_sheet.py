"""The ``Synthèse`` sheet written by Recalculer: figures, headcounts, native charts."""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from ortkpi_xl.cli import main
from workbooks import seed_like


def recalc(path: Path, out: Path) -> Path:
    assert main(["recalculer", str(path), "-o", str(out)]) == 0
    return out


@pytest.fixture
def seed_out(tmp_path) -> Path:
    return recalc(seed_like(tmp_path / "seed.xlsx"), tmp_path / "out.xlsx")


def table_row(ws, name: str) -> dict[str, object]:
    header = [c.value for c in ws[4]]
    for row in ws.iter_rows(min_row=5, values_only=True):
        if row[0] == name:
            return {h: v for h, v in zip(header, row, strict=False) if h}
    raise AssertionError(f"no row {name!r}")


def test_network_table_pools_with_the_headcounts(seed_out):
    ws = load_workbook(seed_out)["Synthèse"]
    site = table_row(ws, "Ecole de Travail")
    # présentés / entrants over the rows whose rate is computable (BTS NDRC: 0 entrants, out)
    assert (site["Présentés (1)"], site["Entrants (1)"]) == (58, 70)
    assert site["1 Taux de présentation"] == pytest.approx(58 / 70)
    assert (site["Reçus (4)"], site["Présentés (4)"]) == (37, 41)  # CAP ELEC: status, out
    assert site["6 Satisfaction des apprentis"] == pytest.approx(4.4)  # typed "4,4"
    assert site["Formations (6)"] == 1
    assert site["7 Satisfaction des entreprises"] == "NC"
    assert site["9 Valeur ajoutée (écart au certificateur)"] == pytest.approx(0.10)
    assert site["En attente (9 à 11)"] == 10
    assert site["Erreurs"] == 0
    network = table_row(ws, "Réseau ORT")
    assert network["Entrants (1)"] == 70
    header = [c.value for c in ws[4]]
    column = header.index("1 Taux de présentation") + 1
    assert ws.cell(row=5, column=column).number_format == "0.0%"
    assert ws.cell(row=5, column=1).hyperlink.location == "'Ecole de Travail'!A1"


def test_site_block_shows_words_and_the_charts_read_numbers_only(seed_out):
    ws = load_workbook(seed_out)["Synthèse"]
    rows = list(ws.iter_rows(values_only=True))
    title = next(
        i for i, r in enumerate(rows) if r[0] == "Ecole de Travail — indicateurs par formation"
    )
    header = rows[title + 1]
    programmes = {
        r[0]: dict(zip(header[:14], r[:14], strict=True)) for r in rows[title + 2 : title + 8]
    }
    assert programmes["BTS NDRC 2"]["1 Taux de présentation"] == "NC"
    assert programmes["CAP ELEC"]["4 Taux d'obtention"] == "en cours d'acquisition"
    assert programmes["CAP MIT"]["10 Taux d'insertion dans l'emploi"] == "Non requis"
    charts = load_workbook(seed_out)["Synthèse"]._charts
    titles = [c.title.tx.rich.p[0].r[0].t for c in charts]
    assert titles[0] == "Réseau — taux regroupés par site"
    assert "Ecole de Travail — Obtention du diplôme" in titles
    assert "Ecole de Travail — Satisfaction des parties prenantes" in titles
    for chart in charts:
        for series in chart.series:
            ref = series.val.numRef.f
            col, first, last = re.fullmatch(
                r"'Synthèse'!\$([A-Z]+)\$(\d+):\$\1\$(\d+)", ref
            ).groups()
            values = [ws[f"{col}{r}"].value for r in range(int(first), int(last) + 1)]
            assert all(v is None or isinstance(v, (int, float)) for v in values), (ref, values)
            assert len(values) == 6 or len(values) == 2  # 6 programmes, or site + network


def chart_parts(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as z:
        return sorted(
            n for n in z.namelist() if re.match(r"xl/(charts/chart|drawings/drawing)\d+\.xml$", n)
        )


def test_second_recalculation_rebuilds_the_charts_without_duplicating_them(seed_out, tmp_path):
    once = chart_parts(seed_out)
    twice_path = recalc(seed_out, tmp_path / "twice.xlsx")
    twice = chart_parts(twice_path)
    assert len([p for p in once if "charts/" in p]) == 8  # network + 7 of the site
    assert once == twice
    wb = load_workbook(twice_path)
    assert len(wb["Synthèse"]._charts) == 8
    assert sum(len(ws._charts) for ws in wb.worksheets) == 8
    assert wb.sheetnames.count("Synthèse") == 1


def test_empty_sites_get_a_sentence_not_empty_charts(tmp_path):
    path = tmp_path / "modele.xlsx"
    assert main(["modele", str(path)]) == 0
    ws = load_workbook(path)["Synthèse"]
    texts = [r[0] for r in ws.iter_rows(values_only=True) if r and isinstance(r[0], str)]
    assert any(t.startswith("Pas de graphique pour : Présentation") for t in texts)  # Marseille
    titles = [c.title.tx.rich.p[0].r[0].t for c in ws._charts]
    assert not any(t.startswith("ORT Marseille") for t in titles)
    assert "Ecole de Travail — Présentation" in titles


@pytest.mark.libreoffice
def test_libreoffice_renders_the_charts_and_sees_no_error(tmp_path, lo_check, pdftotext):
    path = tmp_path / "modele.xlsx"
    assert main(["modele", str(path)]) == 0
    twice = recalc(path, tmp_path / "twice.xlsx")
    pdf = tmp_path / "twice.pdf"
    run = subprocess.run(
        [str(lo_check), str(twice), "--pdf", str(pdf)], capture_output=True, text=True, timeout=180
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.strip().endswith("0 error cells")
    text = subprocess.run([pdftotext, str(pdf), "-"], capture_output=True, text=True).stdout
    # chart titles are in no cell: finding them in the PDF means LibreOffice drew the charts
    assert "Ecole de Travail — Présentation" in text
    assert "Réseau — taux regroupés par site" in text
