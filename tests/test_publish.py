"""``ortkpi-xl publier``: static, accessible, self-contained French pages, seen in Chromium."""

from __future__ import annotations

import os
import struct
import subprocess
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest
from openpyxl import Workbook

from ortkpi_xl.cli import main
from ortkpi_xl.fields import FIELDS
from ortkpi_xl.publish.page import millesime

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
}


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("publier")
    source = workbook(root / "indicateurs.xlsx", ROWS)
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

    _in_tbody = False

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


def test_one_page_per_site_with_figures_and_an_index(pages, capsys):
    names = sorted(p.name for p in pages.iterdir())
    assert names == ["ecole-de-travail.html", "index.html", "ort-lyon.html"]  # not Marseille
    for path in pages.iterdir():
        assert os.stat(path).st_mode & 0o004, f"{path.name} is not readable by the web server"


def test_site_page_structure_is_accessible_french(pages):
    page = parse(pages / "ecole-de-travail.html")
    html = [a for t, a in page.tags if t == "html"][0]
    assert html["lang"] == "fr"
    metas = {a.get("name"): a.get("content") for t, a in page.tags if t == "meta"}
    assert metas["viewport"] == "width=device-width, initial-scale=1"
    assert page.headings["h1"] == ["Ecole de Travail : nos résultats, formation par formation"]
    assert {
        "Résultats par formation",
        "Ensemble du site",
        "Graphiques",
        "Définitions des indicateurs",
        "Les mots à la place d'un chiffre",
        "Sources et millésimes",
        "Mentions légales",
    } <= set(page.headings["h2"])
    assert "CAP MIS — Monteur en installations sanitaires" in page.headings["h3"]
    for table in page.tables:
        assert table["caption"].strip(), table
        assert all(scope in ("col", "row") for scope in table["th"]), table
    programme_tables = [t for t in page.tables if ", promotion " in t["caption"]]
    assert len(programme_tables) == 5
    assert all(t["body_rows"] == 11 for t in programme_tables)
    for tag, attrs in page.tags:
        if tag == "svg":
            assert attrs["role"] == "img" and attrs["aria-labelledby"]


def test_page_is_self_contained(pages):
    for path in pages.glob("*.html"):
        page = parse(path)
        tags = {t for t, _ in page.tags}
        assert not tags & {"script", "link", "img", "iframe", "object", "embed"}, path.name
        assert "style" in tags
        for tag, attrs in page.tags:
            for name in ("src", "srcset", "data", "poster"):
                assert name not in attrs, (path.name, tag, attrs)
            if "href" in attrs and tag != "a":
                raise AssertionError(f"resource link in {path.name}: {tag} {attrs}")
            href = attrs.get("href") or ""
            if tag == "a" and href.startswith(("http:", "https:", "//")):
                assert href.startswith("https://www.inserjeunes.education.gouv.fr/"), href
        assert "@import" not in path.read_text(encoding="utf-8")
        assert "url(" not in path.read_text(encoding="utf-8")


def test_what_a_family_needs_is_on_the_page(pages):
    text = parse(pages / "ecole-de-travail.html").text
    assert "56,3 %" in text  # 9 poursuivants sur 16: Excel's rounding
    assert "9 poursuivants sur 16 présentés" in text  # no répondants given: présentés stand in
    assert "16 reçus sur 16 présentés" in text
    assert "niveau 3 (CAP)" in text and "19 apprentis entrés en formation" in text
    assert "Petit effectif" in text  # CAP MIT, 3 entrants
    assert "en cours d'acquisition" in text and "Résultat pas encore connu" in text
    assert "Non requis" in text and "promotion de moins de 11 apprentis" in text
    assert "NC" in text and "non calculable" in text
    assert "En attente" in text
    assert "+10 %" in text and "90,0 % d'insertion − 80,0 % (taux moyen du certificateur)" in text
    assert "InserJeunes cumul 2023-2024 — millésime cumul 2023-2024" in text
    assert "article L6111-8 du code du travail" in text and "Qualiopi" in text
    assert "ce n'est pas la valeur ajoutée officielle d'InserJeunes".lower() in text.lower()
    assert "publiés le 1er septembre 2026" in text
    assert "UAI 0751488K" in text
    assert "rapport des sommes" in text  # how the site figures are pooled


def test_workbook_text_is_escaped(pages):
    raw = (pages / "ecole-de-travail.html").read_text(encoding="utf-8")
    page = parse(pages / "ecole-de-travail.html")
    assert not any(t == "script" for t, _ in page.tags)
    assert EVIL in page.text
    assert "&lt;script&gt;" in raw


def test_index_links_the_sites_and_pools_the_network(pages):
    page = parse(pages / "index.html")
    links = [a["href"] for t, a in page.tags if t == "a" and a.get("href", "").endswith(".html")]
    assert set(links) == {"ecole-de-travail.html", "ort-lyon.html"}
    assert "Ensemble du réseau" in page.headings["h2"]
    # network présentation: (16 + 20 + 3 + 17 + 12 + 14) / (19 + 22 + 3 + 19 + 12 + 14)
    assert "82 présentés sur 89 entrants" in page.text


def test_publier_refuses_inconsistent_figures(tmp_path, capsys):
    bad = workbook(tmp_path / "faux.xlsx", {"ORT Lyon": [programme("5DRH", 14, 12, 13, 1)]})
    capsys.readouterr()
    out = tmp_path / "web"
    assert main(["publier", str(bad), "-o", str(out)]) == 1
    assert "13 reçus pour 12 présentés" in capsys.readouterr().err
    assert not out.exists()
    assert main(["publier", str(bad), "-o", str(out), "--malgre-erreurs"]) == 0
    assert (out / "ort-lyon.html").exists()


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


def png_pixels(path: Path) -> tuple[int, int, list[bytes]]:
    """Width, height and rows of RGB(A) bytes of an 8-bit PNG (enough for a screenshot)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        chunk = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", chunk[:10])
            assert depth == 8 and colour in (2, 6), (depth, colour)
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, previous = [], bytearray(stride)
    for y in range(height):
        kind, line = (
            raw[y * (stride + 1)],
            bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)]),
        )
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            corner = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                pred = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                line[i] = (line[i] + pred) & 0xFF
        rows.append(bytes(line))
        previous = line
    return (
        width,
        height,
        [bytes(r[i * channels : i * channels + 3]) for r in rows for i in (0, width - 3)],
    )


def screenshot(chromium: Path, page: Path, out: Path, size: str, profile: Path) -> Path:
    subprocess.run(
        [
            str(chromium),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--hide-scrollbars",
            f"--user-data-dir={profile}",
            f"--screenshot={out}",
            f"--window-size={size}",
            page.as_uri(),
        ],
        capture_output=True,
        timeout=90,
        check=False,
    )
    assert out.exists() and out.stat().st_size > 10_000, f"no screenshot of {page.name} ({size})"
    return out


@pytest.mark.chromium
@pytest.mark.parametrize("size", ["390,1600", "1280,1200"])
def test_chromium_renders_the_page_on_a_phone_and_a_desktop(pages, chromium, tmp_path, size):
    shot = screenshot(
        chromium, pages / "ecole-de-travail.html", tmp_path / "page.png", size, tmp_path / "p"
    )
    width, height, edges = png_pixels(shot)
    assert (width, height) == tuple(int(v) for v in size.split(","))
    left, right = edges[0::2], edges[1::2]
    header = [px for px in left if px[2] > px[0] + 40]  # the blue band
    assert len(header) > 50, "the page header was not drawn"
    body = [r for left_px, r in zip(left, right, strict=True) if left_px[2] <= left_px[0] + 40]
    assert body, "nothing below the header"
    # nothing runs off the right edge: below the band the last columns stay white
    assert all(min(px) >= 250 for px in body), "content overflows the page width"
