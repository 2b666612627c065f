"""The ``Synthèse`` sheet written by Recalculer: a board's dashboard, then each site."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string
from sheets_read import dashboard, find_row, site_table

from ortkpi_xl.cli import main
from ortkpi_xl.config import default_config
from ortkpi_xl.engine import Outcome, Result, compute
from ortkpi_xl.synthesis import SiteTable, summarize
from ortkpi_xl.workbook.synthesis_sheet import (
    HIGHER,
    LOWER,
    sessions,
    synthesis_sheet,
    word_for,
)
from workbooks import seed_like

ROOT = Path(__file__).resolve().parent.parent


def recalc(path: Path, out: Path) -> Path:
    assert main(["recalculer", str(path), "-o", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def seed_out(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("synthese")
    return recalc(seed_like(root / "seed.xlsx"), root / "out.xlsx")


@pytest.fixture(scope="module")
def template_out(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("modele")
    return recalc(ROOT / "workbook_template.xlsx", root / "out.xlsx")


def test_dashboard_lists_every_site_and_a_bold_network_row_that_says_what_it_rests_on(
    template_out,
):
    ws = load_workbook(template_out)["Synthèse"]
    rows = dashboard(ws)
    assert list(rows) == [
        "Ecole de Travail",
        "ORT Marseille",
        "ORT Lyon",
        "ORT Toulouse",
        "Réseau ORT",
    ]
    assert rows["ORT Marseille"]["État"][0] == "sans chiffres"
    network = rows["Réseau ORT"]
    assert network["État"][0] == "1 site sur 4"
    assert network["Formations"] == (13, "sur 37")
    value, basis = network["4 Obtention"]
    assert value == pytest.approx(125 / 140) and basis == "n = 140"
    # awaited figures read as awaited, never as NC
    assert network["10 Insertion dans l'emploi"][0] == "En attente"
    assert network["9 Valeur ajoutée (points)"][0] == "En attente"
    network_row = find_row(ws, "Réseau ORT")
    assert ws.cell(row=network_row, column=1).font.b
    assert ws.cell(row=network_row, column=5).font.b
    assert "sans chiffres : ORT Marseille, ORT Lyon et ORT Toulouse" in ws["A2"].value


def test_higher_and_lower_is_better_are_apart_and_charts_read_hidden_numbers(template_out):
    wb = load_workbook(template_out)
    ws = wb["Synthèse"]
    header_row = find_row(ws, "Site", "État")
    groups = [c.value for c in ws[header_row - 1]]
    assert "Plus haut = mieux" in groups and "Plus bas = mieux" in groups
    assert groups.index("Plus haut = mieux") < groups.index("Plus bas = mieux")
    header = [c.value for c in ws[header_row]]
    lower = groups.index("Plus bas = mieux")
    assert header[lower].startswith("2 ") and header[lower + 1].startswith("3 ")
    charts = ws._charts
    titles = [c.title.tx.rich.p[0].r[0].t for c in charts]
    assert "Réussite et poursuite d'études (plus haut = mieux) — session 2025" in titles
    assert "Interruptions et ruptures (plus bas = mieux) — session 2025" in titles
    hidden = {k for k, d in ws.column_dimensions.items() if d.hidden}
    for chart in charts:
        assert chart.visible_cells_only is False  # hidden cells are plotted
        assert chart.dataLabels is not None or all(s.dLbls for s in chart.series)
        for series in chart.series:
            ref = series.val.numRef.f
            col, first, last = re.fullmatch(
                r"'Synthèse'!\$([A-Z]+)\$(\d+):\$\1\$(\d+)", ref
            ).groups()
            assert col in hidden, f"{ref}: the chart's numbers must sit in hidden columns"
            values = [ws[f"{col}{r}"].value for r in range(int(first), int(last) + 1)]
            assert all(v is None or isinstance(v, (int, float)) for v in values), (ref, values)
    # the print area leaves the hidden numbers out
    last = re.search(r":\$?([A-Z]+)\$?\d+$", ws.print_area).group(1)
    assert column_index_from_string(last) < min(column_index_from_string(c) for c in hidden)


def test_site_page_marks_small_cohorts_and_keeps_the_words(seed_out):
    ws = load_workbook(seed_out)["Synthèse"]
    programmes = site_table(ws, "Ecole de Travail")
    assert "CAP MIT *" in programmes  # 3 entrants
    assert programmes["BTS NDRC 2"]["1 Présentation"] == "NC"  # 0 entrants
    assert programmes["CAP ELEC"]["4 Obtention"] == "en cours d'acquisition"
    assert programmes["CAP MIT *"]["10 Insertion dans l'emploi"] == "Non requis"
    assert programmes["BTS MS"]["9 Valeur ajoutée (points)"] == pytest.approx(5)  # typed + 5%
    text = [c.value for c in ws["A"] if isinstance(c.value, str)]
    assert any(t.startswith("* moins de 11 entrants") for t in text)


def test_every_sheet_the_tool_writes_prints_on_landscape_a4(template_out):
    wb = load_workbook(template_out)
    for name in ("Synthèse", "Contrôles", "Ecole de Travail", "ORT Toulouse"):
        ws = wb[name]
        assert ws.page_setup.orientation == "landscape", name
        assert ws.page_setup.paperSize in (9, "9"), name
        assert ws.sheet_properties.pageSetUpPr.fitToPage, name
        assert ws.print_area, name
    site = wb["Ecole de Travail"]
    assert site.print_title_rows.replace("$", "") == "4:4"
    assert site.print_title_cols.replace("$", "") == "A:C"  # the programme on every page
    assert site.page_setup.fitToWidth == 3
    synthese = wb["Synthèse"]
    assert synthese.row_breaks.brk, "the dashboard is a page of its own"


def test_second_recalculation_rebuilds_the_charts_without_duplicating_them(seed_out, tmp_path):
    def parts(path: Path) -> list[str]:
        with zipfile.ZipFile(path) as z:
            return sorted(n for n in z.namelist() if re.match(r"xl/charts/chart\d+\.xml$", n))

    twice = recalc(seed_out, tmp_path / "twice.xlsx")
    assert parts(seed_out) == parts(twice)
    assert len(load_workbook(twice)["Synthèse"]._charts) == len(parts(twice))


def test_words_where_a_pooled_figure_has_no_value():
    config = default_config()
    comp = compute(
        {"formation": ["a", "b"], "entrants": [30, 5], "presentes": [None, None]}, config
    )
    site = summarize([SiteTable("S", comp)]).site("S")
    assert word_for(site, "insertion_emploi", config) == "En attente"  # a is awaited
    assert word_for(site, "presentation", config) == "NC"
    small = summarize([SiteTable("S", compute({"formation": ["b"], "entrants": [5]}, config))])
    assert word_for(small.site("S"), "insertion_emploi", config) == "Non requis"


def test_typed_rates_without_counts_are_shown_and_never_pooled():
    config = default_config()
    comp = compute({"formation": ["BTS OL 2"], "promotion": ["2023-2025"]}, config)
    site = summarize([SiteTable("ORT Marseille", comp)]).site("ORT Marseille")
    programme = site.programmes[0]
    typed = Result(Outcome.TYPED, 0.417, None, "Taux saisi sans effectifs.")
    programme.results["obtention"] = typed
    assert word_for(site, "obtention", config) == "taux saisis"  # legend: effectifs non fournis
    assert site.pooled["obtention"].value is None  # never pooled
    sheet = synthesis_sheet(summarize([SiteTable("ORT Marseille", comp)]), config)
    assert sheet.rows  # builds without the typed figure in any pooled cell


def test_session_years_come_from_the_promotions():
    config = default_config()
    comp = compute({"formation": ["a", "b"], "promotion": ["2023 - 2025", "2024-2026"]}, config)
    assert sessions(summarize([SiteTable("S", comp)]).network.programmes) == (
        "sessions 2025 et 2026"
    )
    assert HIGHER and LOWER == ("interruption", "rupture")


def test_a_network_of_many_sites_keeps_a_synthesis_the_tool_can_read_again(tmp_path):
    """Each chart's numbers are stacked under the previous chart's, so 40 site sheets do not
    widen Synthèse past what the tool accepts: the output is recalculated and checked again."""
    from openpyxl import Workbook

    from ortkpi_xl.fields import FIELDS

    wb = Workbook()
    wb.remove(wb.active)
    counts = dict(entrants=20, presentes=18, interruptions=2, ruptures=1, reussis=15)
    for s in range(40):
        ws = wb.create_sheet(f"Site {s + 1}")
        ws.append([f.label for f in FIELDS])
        for n in range(2):
            row = dict(counts, formation=f"BTS {s}-{n}", promotion="2023-2025", poursuivants=4)
            ws.append([row.get(f.key) for f in FIELDS])
    source, out = tmp_path / "reseau.xlsx", tmp_path / "out.xlsx"
    wb.save(source)
    recalc(source, out)
    assert main(["valider", str(out)]) in (0, 1)  # read again: no refusal (2)
    recalc(out, tmp_path / "again.xlsx")
    ws = load_workbook(out)["Synthèse"]
    assert ws.max_column < 60
    for chart in ws._charts:  # each series still names itself and reads numbers
        for series in chart.series:
            col, first, last = re.fullmatch(
                r"'Synthèse'!\$([A-Z]+)\$(\d+):\$\1\$(\d+)", series.val.numRef.f
            ).groups()
            header = ws[f"{col}{int(first) - 1}"].value
            assert isinstance(header, str) and header, series.val.numRef.f
            values = [ws[f"{col}{r}"].value for r in range(int(first), int(last) + 1)]
            assert any(isinstance(v, (int, float)) for v in values)
