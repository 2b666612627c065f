"""``ortkpi-xl publier``: pages a parent reads — key figures first, details folded, every site
of the network listed, the official InserJeunes figures, accessible, self-contained."""

from __future__ import annotations

import os
import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import data_path
from openpyxl import Workbook
from rendering import contrast, pdf_pages, pdf_texts, png_pixels, print_to_pdf, screenshot

from ortkpi_xl.cli import main
from ortkpi_xl.config import default_config
from ortkpi_xl.engine import Outcome, Result, compute
from ortkpi_xl.fields import FIELDS
from ortkpi_xl.official import OfficialFigures
from ortkpi_xl.publish.names import programme_title
from ortkpi_xl.publish.page import millesime, official_section, points, shown
from ortkpi_xl.publish.style import CSS
from ortkpi_xl.synthesis import SiteTable, summarize

KEYS = [f.key for f in FIELDS]
EVIL = '<script>alert("x")</script> & Co'


def workbook(path: Path, rows: dict[str, list[dict]]) -> Path:
    """Site sheets in the template's columns, recalculated as staff would."""
    wb = Workbook()
    wb.remove(wb.active)
    for sheet, lines in rows.items():
        ws = wb.create_sheet(sheet)
        for c, f in enumerate(FIELDS, start=1):
            ws.cell(row=1, column=c, value=f.label)
        for r, values in enumerate(lines, start=2):
            for key, value in values.items():
                ws.cell(row=r, column=KEYS.index(key) + 1, value=value)
    wb.save(path)
    assert main(["recalculer", str(path)]) == 0
    return path


def programme(formation, entrants, presentes, reussis, poursuivants, **extra) -> dict:
    return dict(
        formation=formation,
        promotion="2023 - 2025",
        entrants=entrants,
        presentes=presentes,
        interruptions=1,
        ruptures=0,
        reussis=reussis,
        poursuivants=poursuivants,
        **extra,
    )


ROWS = {
    "Ecole de Travail": [
        programme(
            "CAP MIS",
            19,
            16,
            16,
            9,  # 9/16 = 56,25 % → 56,3 %
            intitule="Monteur en installations sanitaires",
            niveau=3,
            sat_stagiaire=4.4,
        ),
        programme(
            "BTS MS",
            22,
            20,
            15,
            4,
            insertion_emploi=0.9,
            insertion_reference=0.8,
            insertion_metier=0.75,
            source="InserJeunes cumul 2023-2024",
        ),
        programme("CAP MIT", 3, 3, 3, 2),  # small cohort
        programme("CAP ELEC", 19, 17, "en cours d'acquisition", 10),
        programme(EVIL, 12, 12, 11, 3),
    ],
    "ORT Lyon": [programme("5DRH", 14, 14, 13, 1, niveau=7)],
    "ORT Marseille": [dict(formation="BTS OL 2", promotion="2023 - 2025")],  # nothing yet
    # ORT Toulouse: no sheet at all
}


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("publier")
    source = workbook(root / "indicateurs.xlsx", ROWS)
    real = data_path("inserjeunes", "fr-en-inserjeunes-cfa.csv")
    assert main(["inserjeunes", str(source), str(real)]) == 0
    out = root / "site-web"
    assert main(["publier", str(source), "-o", str(out), "--date", "2026-09-01"]) == 0
    return out


class Page(HTMLParser):
    """Everything the tests look at: tags with attributes, texts, headings, tables."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.texts: list[str] = []
        self.headings: dict[str, list[str]] = {"h1": [], "h2": [], "h3": []}
        self.tables: list[dict] = []
        self._heading: str | None = None
        self._caption = False
        self._in_tbody = False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag in self.headings:
            self._heading = tag
            self.headings[tag].append("")
        elif tag == "table":
            self.tables.append({"caption": "", "th": [], "body_rows": 0})
        elif tag == "caption":
            self._caption = True
        elif tag == "th":
            self.tables[-1]["th"].append(dict(attrs).get("scope"))
        elif tag == "tr" and self.tables and self._in_tbody:
            self.tables[-1]["body_rows"] += 1
        if tag == "tbody":
            self._in_tbody = True

    def handle_endtag(self, tag):
        if tag == self._heading:
            self._heading = None
        if tag == "caption":
            self._caption = False
        if tag == "tbody":
            self._in_tbody = False

    def handle_data(self, data):
        self.texts.append(data)
        if self._heading:
            self.headings[self._heading][-1] += data
        if self._caption:
            self.tables[-1]["caption"] += data

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.texts).split())


def parse(path: Path) -> Page:
    return Page(path.read_text(encoding="utf-8"))


def test_one_page_per_site_with_figures_and_an_index_listing_every_site(pages, capsys):
    names = sorted(p.name for p in pages.iterdir())
    assert names == ["ecole-de-travail.html", "index.html", "ort-lyon.html"]
    for path in pages.iterdir():
        assert os.stat(path).st_mode & 0o004, f"{path.name} is not readable by the web server"
    index = parse(pages / "index.html")
    rows = re.findall(r'<tr><th scope="row">(.*?)</tr>', (pages / "index.html").read_text())
    assert len(rows) == 4  # Ecole de Travail, ORT Marseille, ORT Lyon, ORT Toulouse
    for site in ("Ecole de Travail", "ORT Marseille", "ORT Lyon", "ORT Toulouse"):
        assert site in index.text
    assert index.text.count("résultats à venir") == 2  # Marseille, Toulouse
    links = [a["href"] for t, a in index.tags if t == "a" and a.get("href", "").endswith(".html")]
    assert set(links) == {"ecole-de-travail.html", "ort-lyon.html"}
    # the network's figures say what they rest on
    assert "Chiffres regroupés sur 2 sites sur 4" in index.text


def test_key_figures_come_first_then_one_table_of_programmes(pages):
    raw = (pages / "ecole-de-travail.html").read_text(encoding="utf-8")
    page = parse(pages / "ecole-de-travail.html")
    assert page.headings["h2"][:3] == [
        "L'essentiel",
        "Résultats par formation",
        "Chiffres officiels InserJeunes de l'établissement",
    ]
    main_start = raw.index('<main id="contenu"')
    assert raw.index('class="cles"', main_start) < raw.index("<table", main_start)
    essentials = raw[main_start : raw.index('id="formations"')]
    assert "93,2 %" in essentials or "%" in essentials  # a figure on the first screen
    summary = next(t for t in page.tables if t["caption"].startswith("Principaux résultats"))
    assert summary["body_rows"] == 5  # one row per programme with figures
    assert raw.count('class="n">n = ') >= 5 * 4  # what each rate rests on
    # the eleven indicators of each programme, folded
    assert raw.count('<details class="formation"') == 5
    assert len([t for t in page.tables if t["caption"].startswith("Les 11 indicateurs")]) == 5


def test_no_internal_notes_programmes_spelled_out_points_for_the_va(pages):
    page = parse(pages / "ecole-de-travail.html")
    text = page.text
    for internal in ("InserSup", "20 sortants", "le classeur", "Non renseigné", "En attente du"):
        assert internal not in text, internal
    assert "à venir" in text
    sentences = [s.strip() for s in re.split(r"(?<=[.;])\s", text) if len(s.strip()) > 60]
    repeated = [s for s, n in Counter(sentences).items() if n > 2]
    assert not repeated, repeated[:3]
    assert "Monteur en installations sanitaires (CAP MIS)" in text
    assert "CAP ELEC — certificat d'aptitude professionnelle (CAP)" in text
    assert "+10 points" in text and "+10 %" not in text
    assert "56,3 %" in text  # 9 poursuivants sur 16: Excel's rounding
    assert "9 poursuivants sur 16" in text and "16 reçus sur 16 présentés" in text
    assert "Petit effectif" in text and "non requis" in text
    assert "en cours d'acquisition" in text
    assert "article L6111-8 du code du travail" in text and "Qualiopi" in text
    assert "publiés le 1er septembre 2026" in text.lower()
    assert "UAI 0751488K" in text


def test_official_figures_latest_block_and_history(pages):
    raw = (pages / "ecole-de-travail.html").read_text(encoding="utf-8")
    page = parse(pages / "ecole-de-travail.html")
    text = page.text
    assert "Millésime cumul 2023-2024" in text
    for figure in ("49 %", "61 %", "-12 points", "48 %"):
        assert figure in text, figure
    assert "https://www.inserjeunes.education.gouv.fr/diffusion/accueil" in raw
    assert "Ce n'est pas l'indicateur 9" in text
    history = next(t for t in page.tables if "millésime par millésime" in t["caption"])
    assert history["body_rows"] == 6  # cumul 2018-2019 … 2023-2024
    lyon = parse(pages / "ort-lyon.html").text
    assert "UAI 0694376G" in lyon and "79 %" in lyon  # poursuite, 2023-2024
    config = default_config()
    no_uai = official_section("ORT Marseille", OfficialFigures(), config, "officiel")
    assert "Aucun identifiant d'établissement InserJeunes (UAI)" in no_uai


def test_page_is_accessible_and_self_contained(pages):
    for path in pages.glob("*.html"):
        page = parse(path)
        html_tag = [a for t, a in page.tags if t == "html"][0]
        assert html_tag["lang"] == "fr"
        assert len(page.headings["h1"]) == 1
        tags = {t for t, _ in page.tags}
        assert not tags & {"script", "link", "img", "iframe", "object", "embed"}, path.name
        for table in page.tables:
            assert table["caption"].strip(), (path.name, table)
            assert all(scope in ("col", "row") for scope in table["th"]), table
        for tag, attrs in page.tags:
            if tag == "svg":
                assert attrs["role"] == "img" and attrs["aria-labelledby"]
            for name in ("src", "srcset", "data", "poster"):
                assert name not in attrs, (path.name, tag, attrs)
            href = attrs.get("href") or ""
            if href and tag != "a":
                raise AssertionError(f"resource link in {path.name}: {tag} {attrs}")
            if tag == "a" and href.startswith(("http:", "https:", "//")):
                assert href.startswith("https://www.inserjeunes.education.gouv.fr/"), href
        raw = path.read_text(encoding="utf-8")
        assert "@import" not in raw and "url(" not in raw
        assert raw.count("<desc id=") == raw.count('role="img"')  # a text for every chart


def test_colours_of_the_style_sheet_are_readable():
    colours = dict(re.findall(r"--([a-z]+): (#[0-9a-f]{6})", CSS))
    assert contrast(colours["texte"], colours["fond"]) >= 4.5
    assert contrast(colours["discret"], colours["fond"]) >= 4.5
    assert contrast(colours["discret"], colours["zebre"]) >= 4.5
    assert contrast(colours["lien"], colours["fond"]) >= 4.5
    assert contrast("#ffffff", colours["bleu"]) >= 4.5
    for colour in ("#1f4e78", "#b35900", "#3d6b1f"):  # the trend lines' value labels
        assert contrast(colour, "#ffffff") >= 4.5
    assert "@media print" in CSS and "@page" in CSS


def test_workbook_text_is_escaped(pages):
    raw = (pages / "ecole-de-travail.html").read_text(encoding="utf-8")
    page = parse(pages / "ecole-de-travail.html")
    assert not any(t == "script" for t, _ in page.tags)
    assert EVIL in page.text
    assert "&lt;script&gt;" in raw


def test_publier_refuses_inconsistent_figures_not_a_site_without_figures(tmp_path, capsys):
    bad = workbook(tmp_path / "faux.xlsx", {"ORT Lyon": [programme("5DRH", 14, 12, 13, 1)]})
    capsys.readouterr()
    out = tmp_path / "web"
    assert main(["publier", str(bad), "-o", str(out)]) == 1
    assert "13 reçus pour 12 présentés" in capsys.readouterr().err
    assert not out.exists()
    assert main(["publier", str(bad), "-o", str(out), "--malgre-erreurs"]) == 0
    assert (out / "ort-lyon.html").exists()


def test_typed_rates_are_published_with_effectifs_non_fournis():
    config = default_config()
    comp = compute({"formation": ["BTS OL 2"], "promotion": ["2023-2025"]}, config)
    site = summarize([SiteTable("ORT Marseille", comp)]).site("ORT Marseille")
    p = site.programmes[0]
    p.results["obtention"] = Result(Outcome.TYPED, 0.417, None, "")
    item = shown(p, "obtention", config)
    assert (item.text, item.basis) == ("41,7 %", "effectifs non fournis")
    assert site.pooled["obtention"].value is None


def test_names_and_points():
    config = default_config()
    comp = compute(
        {
            "formation": ["CAP MIS", "CAP MIS 1 AN", "CAP MV", "5DRH"],
            "intitule": ["Cap Monteur en installations sanitaires", None, None, None],
        },
        config,
    )
    progs = summarize([SiteTable("S", comp)]).site("S").programmes
    titles = [programme_title(p, progs) for p in progs]
    assert titles[0] == "CAP Monteur en installations sanitaires (CAP MIS)"
    assert titles[1] == "CAP Monteur en installations sanitaires, en 1 an (CAP MIS 1 AN)"
    assert titles[2] == "CAP MV — certificat d'aptitude professionnelle (CAP)"
    assert titles[3] == "5DRH"
    assert (points(0.1), points(-0.2), points(0.0), points(0.01)) == (
        "+10 points",
        "-20 points",
        "0 point",
        "+1 point",
    )


@pytest.mark.parametrize(
    "source, expected",
    [
        ("InserJeunes cumul 2023-2024", "cumul 2023-2024"),
        ("InserJeunes 2023_2024", "2023-2024"),
        ("certificateur, enquête 2024", "2024"),
        ("EN", ""),
        ("", ""),
    ],
)
def test_millesime_read_from_the_source_cell(source, expected):
    assert millesime(source) == expected


# -- seen in a browser --------------------------------------------------------------------------


@pytest.mark.chromium
@pytest.mark.parametrize("page_name", ["ecole-de-travail.html", "index.html"])
@pytest.mark.parametrize("size", ["390,1600", "1280,1200"])
def test_chromium_shows_the_page_on_a_phone_and_a_desktop(
    pages, chromium, tmp_path, size, page_name
):
    shot = screenshot(chromium, pages / page_name, tmp_path / "page.png", size, tmp_path / "p")
    width, height, edges = png_pixels(shot)
    assert (width, height) == tuple(int(v) for v in size.split(","))
    left, right = edges[0::2], edges[1::2]
    header = [px for px in left if px[2] > px[0] + 40]  # the blue band
    assert len(header) > 50, "the page header was not drawn"
    body = [r for left_px, r in zip(left, right, strict=True) if left_px[2] <= left_px[0] + 40]
    assert body, "nothing below the header"
    # nothing runs off the right edge: below the band the last columns stay white
    assert all(min(px) >= 250 for px in body), "content overflows the page width"


@pytest.mark.chromium
def test_chromium_prints_the_site_page_on_a_few_pages_figures_first(pages, chromium, tmp_path):
    pdf = print_to_pdf(
        chromium, pages / "ecole-de-travail.html", tmp_path / "p.pdf", tmp_path / "q"
    )
    count = pdf_pages(pdf)
    assert 1 <= count <= 4, count
    texts = pdf_texts(pdf)
    assert texts[0].strip(), "a blank first page"
    assert "L'essentiel" in texts[0] and "%" in texts[0]
    everything = " ".join(texts)
    assert "Chiffres officiels InserJeunes" in everything and "Mentions légales" in everything
