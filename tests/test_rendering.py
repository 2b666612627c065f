"""The sheets the tool writes, printed by LibreOffice and read back page by page, as a person
sees them: landscape pages, the summary first, the headers repeated, a few pages each."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import data_path
from openpyxl import load_workbook
from rendering import pdf_page_size, pdf_pages, pdf_texts, render_sheet
from test_controls import seed_network

from ortkpi_xl.cli import main

ROOT = Path(__file__).resolve().parent.parent
SITES = ("Ecole de Travail", "ORT Marseille", "ORT Lyon", "ORT Toulouse")
pytestmark = pytest.mark.libreoffice


def landscape(pdf: Path) -> bool:
    width, height = pdf_page_size(pdf)
    return width > height and abs(width - 842) < 3 and abs(height - 595) < 3


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """The bundled template after the official InserJeunes figures were imported."""
    root = tmp_path_factory.mktemp("rendu")
    path = root / "indicateurs.xlsx"
    shutil.copy(ROOT / "workbook_template.xlsx", path)
    real = data_path("inserjeunes", "fr-en-inserjeunes-cfa.csv")
    assert main(["inserjeunes", str(path), str(real)]) == 0
    return path


@pytest.fixture(scope="module")
def seed(tmp_path_factory) -> Path:
    """The seed's layout (Ecole de Travail, an empty ORT Marseille) recalculated by the patch
    writer, as on a person's workbook."""
    root = tmp_path_factory.mktemp("seed")
    out = root / "out.xlsx"
    assert main(["recalculer", str(seed_network(root / "seed.xlsx")), "-o", str(out)]) == 0
    return out


def test_synthese_dashboard_is_one_landscape_page_then_a_few(template, lo_check, tmp_path):
    pdf = render_sheet(lo_check, template, "Synthèse", tmp_path / "synthese.pdf")
    assert landscape(pdf)
    pages = pdf_texts(pdf)
    assert 2 <= len(pages) <= 5, len(pages)
    first = pages[0]
    assert first.startswith("Tableau de bord des indicateurs du réseau ORT — session 2025")
    for name in (*SITES, "Réseau ORT", "1 site sur 4", "Plus haut = mieux", "Plus bas = mieux"):
        assert name in first, name
    # chart titles are in no cell: finding them in the PDF means LibreOffice drew the charts
    assert "Réussite et poursuite d'études" in first and "Interruptions et ruptures" in first
    assert "NC" not in first.split("Réseau ORT")[1][:200]  # the network row: En attente
    everything = " ".join(pages)
    assert "Ecole de Travail — InserJeunes, évolution par millésime" in everything
    assert "ORT Lyon — InserJeunes, évolution par millésime" in everything
    assert "Ecole de Travail — indicateurs par formation — session 2025" in everything
    assert "Ecole de Travail — Obtention du diplôme (4) — session 2025" in everything


def test_controles_prints_the_sites_first_and_repeats_its_header(template, lo_check, tmp_path):
    pdf = render_sheet(lo_check, template, "Contrôles", tmp_path / "controles.pdf")
    assert landscape(pdf)
    pages = pdf_texts(pdf)
    assert len(pages) <= 6, len(pages)
    first = pages[0]
    assert first.index("État des sites") < first.index("Détail")
    for name in SITES:
        assert name in first
    assert "Pas prêt pour la transmission" in first
    for page in pages[1:]:
        assert "Ce qu'il faut savoir ou faire" in page  # the header on every page
    assert "effectifs_manquants" not in " ".join(pages)  # no internal rule code


def test_site_sheet_prints_readably_with_titles_repeated(template, lo_check, tmp_path):
    pdf = render_sheet(lo_check, template, "Ecole de Travail", tmp_path / "site.pdf")
    assert landscape(pdf)
    pages = pdf_texts(pdf)
    assert len(pages) == 3  # three pages across, the programmes fit on one page down
    for page in pages:
        assert "Formation" in page and "Intitulé" in page and "Promotion" in page
        assert "Cap Monteur en Installations Sanitaires" in page  # not cut
    assert "présentation" in pages[1] and "d'obtention" in pages[1]
    assert "métier" in pages[2]


def test_official_sheet_prints_on_one_page(template, lo_check, tmp_path):
    pdf = render_sheet(lo_check, template, "Chiffres InserJeunes", tmp_path / "ij.pdf")
    assert landscape(pdf) and pdf_pages(pdf) == 1
    text = pdf_texts(pdf)[0]
    assert "cumul 2018-2019" in text and "cumul 2023-2024" in text and "0694376G" in text


def test_seed_like_workbook_renders_the_same_way(seed, lo_check, tmp_path):
    wb = load_workbook(seed)
    assert wb["Synthèse"].page_setup.orientation == "landscape"
    pdf = render_sheet(lo_check, seed, "Synthèse", tmp_path / "s.pdf")
    assert landscape(pdf)
    pages = pdf_texts(pdf)
    assert len(pages) <= 4
    assert "ORT Marseille sans chiffres" in pages[0]
    assert "1 site sur 4" in pages[0]
    pdf = render_sheet(lo_check, seed, "Contrôles", tmp_path / "c.pdf")
    pages = pdf_texts(pdf)
    assert len(pages) <= 4 and pages[0].index("État des sites") < pages[0].index("Détail")
    assert "Plus de reçus que de présentés" in " ".join(pages)
