"""``ortkpi-xl synthese``: one network workbook from the sites' workbooks, problems reported."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sheets_read import dashboard

from ortkpi_xl.cli import main
from ortkpi_xl.config import default_config
from ortkpi_xl.consolidate import gather, workbook_paths
from ortkpi_xl.fields import FIELDS
from ortkpi_xl.network_cli import ProgressBar

KEYS = [f.key for f in FIELDS]


def row(formation: str, entrants, presentes, reussis, promotion: str = "2023 - 2025") -> dict:
    return dict(
        formation=formation,
        promotion=promotion,
        entrants=entrants,
        presentes=presentes,
        interruptions=1,
        ruptures=0,
        reussis=reussis,
        poursuivants=2,
    )


def site_workbook(path: Path, sheet: str, rows: list[dict], *, recalc: bool = True) -> Path:
    """A site's workbook as staff send it: their sheet, recalculated."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for c, f in enumerate(FIELDS, start=1):
        ws.cell(row=1, column=c, value=f.label)
    for r, values in enumerate(rows, start=2):
        for key, value in values.items():
            ws.cell(row=r, column=KEYS.index(key) + 1, value=value)
    wb.save(path)
    if recalc:
        assert main(["recalculer", str(path)]) == 0
    return path


@pytest.fixture(scope="module")
def consolidated(tmp_path_factory) -> tuple[Path, int, str, str]:
    """A folder of site workbooks, consolidated once: (output, exit status, stdout, stderr)."""
    d = tmp_path_factory.mktemp("sites")
    site_workbook(
        d / "1-lyon.xlsx", "ORT Lyon", [row("BTS CG", 10, 10, 10), row("5DRH", 30, 15, 9)]
    )
    site_workbook(d / "2-marseille.xlsx", "ORT Marseille", [row("BTS OL 2", 20, 18, 15)])
    # the same site again with other figures: reported, left out
    site_workbook(d / "3-marseille-v2.xlsx", "ORT Marseille", [row("BTS OL 2", 21, 18, 15)])
    # fails validation (18 reçus for 12 présentés) and repeats a programme: taken, reported
    site_workbook(
        d / "4-toulouse.xlsx",
        "ORT Toulouse",
        [row("BTS MCO", 12, 12, 18), row("BTS MCO", 12, 12, 10), row("BTS CG", 10, 10, 10)],
    )
    (d / "5-casse.xlsx").write_bytes(b"pas un classeur")
    (d / "~$1-lyon.xlsx").write_bytes(b"lock file of Excel")
    out, err = io.StringIO(), io.StringIO()
    target = d / "reseau.xlsx"
    with redirect_stdout(out), redirect_stderr(err):
        status = main(["synthese", str(d), "-o", str(target)])
    return target, status, out.getvalue(), err.getvalue()


def consolidation_rows(path: Path) -> list[tuple]:
    ws = load_workbook(path)["Consolidation"]
    return [r for r in ws.iter_rows(min_row=5, values_only=True)]


def test_consolidates_a_folder_and_reports_every_problem_without_stopping(consolidated):
    out, status, stdout, stderr = consolidated
    assert status == 1  # problems: exit 1, the network workbook written all the same
    wb = load_workbook(out)
    assert wb.sheetnames[:4] == ["Synthèse", "ORT Lyon", "ORT Marseille", "ORT Toulouse"]
    assert {"Consolidation", "Contrôles"} <= set(wb.sheetnames)
    # the first Marseille is kept, the second reported
    marseille = wb["ORT Marseille"]
    assert marseille.cell(row=5, column=KEYS.index("entrants") + 1).value == 20
    rules = {(r[0], r[2], r[3]) for r in consolidation_rows(out)}
    assert ("3-marseille-v2.xlsx", "erreur", "site_en_double") in rules
    assert ("4-toulouse.xlsx", "erreur", "classeur_invalide") in rules
    assert ("4-toulouse.xlsx", "erreur", "formation_en_double") in rules
    assert ("5-casse.xlsx", "erreur", "classeur_illisible") in rules
    # Lyon's BTS CG and Toulouse's have the very same headcounts: a warning, both kept
    assert ("4-toulouse.xlsx", "avertissement", "formation_en_double") in rules
    assert not any(name.startswith("~$") for name, *_ in rules)
    # the console: every workbook read, a bar line per workbook (not a terminal here)
    assert "[5/5] 5-casse.xlsx" in stderr
    assert "3-marseille-v2.xlsx" in stdout and "Écrit :" in stdout


def test_network_synthesis_pools_the_sites_rows(consolidated):
    out = consolidated[0]
    rows = dashboard(load_workbook(out)["Synthèse"])
    # every site of the network, the one nobody sent included, then the network
    assert list(rows) == [
        "ORT Lyon",
        "ORT Marseille",
        "ORT Toulouse",
        "Ecole de Travail",
        "Réseau ORT",
    ]
    assert rows["Ecole de Travail"]["État"][0] == "pas de feuille"
    network = rows["Réseau ORT"]
    assert network["État"][0] == "3 sites sur 4"
    # présentés / entrants over all rows of the three sites kept (not Marseille v2); the
    # programme Toulouse typed twice (an error) counts once
    entrants = 10 + 30 + 20 + 12 + 10
    presentes = 10 + 15 + 18 + 12 + 10
    value, basis = network["1 Présentation"]
    assert value == pytest.approx(presentes / entrants)
    assert basis == f"n = {entrants}"
    assert rows["ORT Toulouse"]["État"][0] == "à compléter"  # 18 reçus > 12 présentés…
    assert rows["ORT Lyon"]["État"][0] == "complet"


def test_template_sample_figures_give_way_to_the_real_site(tmp_path, capsys):
    template = tmp_path / "modele.xlsx"
    assert main(["modele", str(template)]) == 0
    real = site_workbook(tmp_path / "edt.xlsx", "Ecole de Travail", [row("CAP MIS", 19, 16, 15)])
    config = default_config()
    result = gather([template, real], config)  # the template first: it must not win
    [site] = result.sites
    assert site.source == real
    [issue] = [i for i in result.issues if i.regle == "site_en_double"]
    assert issue.gravite.value == "info" and "exemple du modèle" in issue.message
    assert result.ok


def test_json_report_and_nothing_to_consolidate(tmp_path, capsys):
    bad = tmp_path / "casse.xlsx"
    bad.write_bytes(b"rien")
    assert main(["synthese", str(bad), "-o", str(tmp_path / "r.xlsx")]) == 2
    assert "Aucun site à consolider" in capsys.readouterr().err
    assert not (tmp_path / "r.xlsx").exists()
    good = site_workbook(tmp_path / "lyon.xlsx", "ORT Lyon", [row("BTS CG", 10, 10, 9)])
    capsys.readouterr()
    assert main(["synthese", str(good), str(bad), "-o", str(tmp_path / "r.xlsx"), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["sites"] == [{"site": "ORT Lyon", "classeur": "lyon.xlsx", "lignes": 1}]
    assert [p["regle"] for p in report["problemes"]] == ["classeur_illisible"]


def test_workbook_paths_expand_folders_once_and_skip_the_output(tmp_path):
    (tmp_path / "b.xlsx").write_bytes(b"")
    (tmp_path / "A.xlsm").write_bytes(b"")
    (tmp_path / "notes.txt").write_text("x")
    (tmp_path / "~$b.xlsx").write_bytes(b"")
    out = tmp_path / "reseau.xlsx"
    out.write_bytes(b"")
    paths = workbook_paths([tmp_path, tmp_path / "b.xlsx"], exclude=[out])
    assert [p.name for p in paths] == ["A.xlsm", "b.xlsx"]


def test_progress_bar_on_a_terminal_redraws_one_line():
    stream = io.StringIO()
    bar = ProgressBar(stream, width=10, tty=True)
    bar(0, 4, "lyon.xlsx")
    bar(2, 4, "marseille.xlsx")
    bar(4, 4, "")
    text = stream.getvalue()
    assert text.count("\r") == 3 and text.endswith("\n")
    assert "█████░░░░░  50 % (2/4) lecture de marseille.xlsx" in text
    assert "100 % (4/4) lu, écriture du classeur du réseau…" in text


def test_output_that_is_also_an_input_is_refused(tmp_path, capsys):
    import shutil

    from ortkpi_xl.cli import main

    path = tmp_path / "reseau.xlsx"
    shutil.copy(Path(__file__).resolve().parent.parent / "workbook_template.xlsx", path)
    before = path.read_bytes()
    assert main(["synthese", str(path), "-o", str(path)]) == 2
    assert "à la fois" in capsys.readouterr().err
    assert path.read_bytes() == before
