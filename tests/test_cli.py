"""The command line: French help, version, clear errors, exit statuses."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from ortkpi_xl import __version__
from ortkpi_xl.cli import main

ROOT = Path(__file__).resolve().parent.parent


def test_help_is_french(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert "Indicateurs de performance" in out and "affiche cette aide" in out


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.strip() == f"ortkpi-xl {__version__}"


def test_unknown_command_exit_2(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["inconnue"])
    assert exit_.value.code == 2
    assert "choix invalide" in capsys.readouterr().err


def test_config_check_reports_in_french(tmp_path, capsys):
    bad = tmp_path / "c.yaml"
    bad.write_text("seuil_petit_effectif: -1\n", encoding="utf-8")
    assert main(["config", "--verifier", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Erreur : ") and "seuil_petit_effectif" in err
    assert "Traceback" not in err


def test_config_prints_defaults(capsys):
    assert main(["config"]) == 0
    assert "seuil_petit_effectif: 11" in capsys.readouterr().out


def test_python_dash_m_runs():
    out = subprocess.run(
        [sys.executable, "-m", "ortkpi_xl", "--version"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    assert __version__ in out.stdout


def test_wheel_carries_defaults_and_entry_point(tmp_path):
    """Built offline with the setuptools of the test extra: no package index is needed."""
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index"]
        + ["-q", "-w", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
    )
    assert build.returncode == 0, build.stdout + build.stderr
    [wheel] = tmp_path.glob("ortkpi_xl-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        assert "ortkpi_xl/default_config.yaml" in names
        assert "ortkpi_xl/template_rows.csv" in names  # `ortkpi-xl modele` needs it
        for module in ROOT.joinpath("ortkpi_xl").rglob("*.py"):
            assert module.relative_to(ROOT).as_posix() in names, module
        entry = next(n for n in names if n.endswith("entry_points.txt"))
        assert "ortkpi-xl = ortkpi_xl.cli:main" in zf.read(entry).decode()


def test_readme_main_command_on_the_bundled_template(tmp_path):
    """The console script pip installed beside this Python runs the README's main job."""
    scripts = Path(sysconfig.get_path("scripts"))
    found = [p for p in (scripts / "ortkpi-xl", scripts / "ortkpi-xl.exe") if p.exists()]
    assert found, f"pip installed no ortkpi-xl script in {scripts}"
    exe = str(found[0])
    out = tmp_path / "indicateurs.xlsx"
    run = subprocess.run(
        [exe, "recalculer", str(ROOT / "workbook_template.xlsx"), "-o", str(out)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert run.returncode == 0, run.stderr
    assert "Recalculé" in run.stdout
    run = subprocess.run(
        [exe, "valider", str(out), "--gravite", "avertissement"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    # the template's three other sites have no figures yet: Valider says so (exit 1), site by
    # site, before any detail — never "prêt pour la transmission"
    assert run.returncode == 1, run.stdout + run.stderr
    head = run.stdout.split("Feuille «")[0]
    assert re.search(r"Ecole de Travail +complet", head)
    assert re.search(r"ORT Lyon +sans chiffres", head)
    assert "— pas prêt pour la transmission" in run.stdout
    assert "— prêt pour la transmission" not in run.stdout


def test_sub_command_help_says_usage_once(capsys):
    with pytest.raises(SystemExit):
        main(["recalculer", "--help"])
    out = capsys.readouterr().out
    assert out.count("usage") == 1 and "CLASSEUR" in out


def test_recalculer_takes_the_settings_beside_the_workbook(tmp_path, capsys):
    import shutil

    from openpyxl import load_workbook

    book = tmp_path / "indicateurs.xlsx"
    shutil.copy(ROOT / "workbook_template.xlsx", book)
    (tmp_path / "config.yaml").write_text("mots:\n  non_calculable: n.c.\n", encoding="utf-8")
    out = tmp_path / "sortie.xlsx"
    assert main(["recalculer", str(book), "-o", str(out)]) == 0
    said = capsys.readouterr().out
    assert f"Réglages : {(tmp_path / 'config.yaml').resolve()} (à côté du classeur)" in said
    words = {c.value for ws in load_workbook(out).worksheets for row in ws.iter_rows() for c in row}
    assert "n.c." in words and "NC" not in words


@pytest.mark.parametrize("command", ["indicateurs", "config", "complement", "modele"])
def test_every_command_accepts_and_checks_config(tmp_path, capsys, command):
    bad = tmp_path / "reglages.yaml"
    bad.write_text("seuil_petit_effectif: zéro\n", encoding="utf-8")
    argv = [command, "--config", str(bad)] + ([str(tmp_path / "m.xlsx")] * (command == "modele"))
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("Erreur : ") and "seuil_petit_effectif" in err
    assert list(tmp_path.iterdir()) == [bad]  # checked before anything is written


def test_indicateurs_say_the_words_of_the_settings(tmp_path, capsys):
    mine = tmp_path / "reglages.yaml"
    mine.write_text("seuil_petit_effectif: 15\nmots:\n  petit_effectif: Dispensé\n", "utf-8")
    assert main(["indicateurs", "--config", str(mine)]) == 0
    out = capsys.readouterr().out
    assert "« Dispensé » pour les indicateurs 9 à 11 en dessous de 15 entrants" in out
    assert f"Réglages : {mine}" in out


# ---------------------------------------------------------------------------------------------
# wrong input: one French sentence with the right advice, never the system's English


def _damaged_sheet(folder: Path) -> Path:
    """The template with one sheet's XML broken (the zip itself is sound)."""
    path = folder / "abime.xlsx"
    with zipfile.ZipFile(ROOT / "workbook_template.xlsx") as src:
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
            for info in src.infolist():
                data = src.read(info.filename)
                if info.filename == "xl/worksheets/sheet2.xml":
                    data = data[:500] + b"<<&&" + data[500:]
                out.writestr(info, data)
    return path


def _template_copy(folder: Path, name: str) -> Path:
    import shutil

    return Path(shutil.copy(ROOT / "workbook_template.xlsx", folder / name))


def _backup_name_taken(folder: Path) -> list[str]:
    (folder / "w.sauvegarde.xlsx").mkdir()
    return ["recalculer", str(_template_copy(folder, "w.xlsx"))]


def _pages_into_a_file(folder: Path) -> list[str]:
    (folder / "pages.txt").write_text("x", encoding="utf-8")
    return ["publier", str(ROOT / "workbook_template.xlsx"), "-o", str(folder / "pages.txt")]


WRONG_INPUTS = {  # case: (prepare the folder and give the command, what the person must read)
    "absent": (lambda d: ["valider", "absent.xlsx"], "introuvable dans le dossier"),
    "old backup": (
        lambda d: ["valider", str(_template_copy(d, "indicateurs.xlsx.bak"))],
        "Copiez-le sous un nom comme « indicateurs-copie.xlsx »",
    ),
    "damaged sheet": (
        lambda d: ["valider", str(_damaged_sheet(d))],
        "La feuille « Ecole de Travail » ne peut pas être lue",
    ),
    "backup name taken by a folder": (
        _backup_name_taken,
        "« w.sauvegarde.xlsx » n'a pas pu être écrite (c'est un dossier, pas un fichier)",
    ),
    "pages into a file": (_pages_into_a_file, "est un fichier, pas un dossier"),
    "settings are a folder": (
        lambda d: ["config", "--verifier", str(d)],
        "est un dossier : donnez le chemin du fichier de réglages",
    ),
    "template over a workbook": (
        lambda d: ["modele", str(_template_copy(d, "mon-classeur.xlsx"))],
        "existe déjà : le modèle ne remplace pas un classeur",
    ),
}


@pytest.mark.parametrize("case", WRONG_INPUTS)
def test_wrong_input_gets_french_advice(tmp_path, monkeypatch, capsys, case):
    monkeypatch.chdir(tmp_path)
    prepare, expected = WRONG_INPUTS[case]
    argv = prepare(tmp_path)
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("Erreur : ") and expected in err, err
    for english in ("Errno", "interne", "Traceback", "codec", "Exception", "Error"):
        assert english not in err, err
    after = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    assert after == before  # nothing written, nothing changed


def test_valider_json_on_an_unreadable_file_is_json_too(tmp_path, capsys):
    fake = tmp_path / "export.xlsx"
    fake.write_text("formation;entrants\n", encoding="utf-8")
    assert main(["valider", "--json", str(fake)]) == 2
    out, err = capsys.readouterr()
    assert "CSV" in json.loads(out)["erreur"] and err.startswith("Réglages : ")


def test_gravite_says_what_is_shown_and_what_is_hidden(capsys):
    template = str(ROOT / "workbook_template.xlsx")
    assert main(["valider", template, "--json"]) == 1  # three sites of the template are empty
    infos = sum(f["gravite"] == "info" for f in json.loads(capsys.readouterr().out))
    assert infos > 0
    assert main(["valider", template, "--gravite", "avertissement"]) == 1
    out = capsys.readouterr().out
    assert f"{infos} information(s) — pas prêt pour la transmission" in out
    assert "sans chiffres" in out
    assert f"non affichés : {infos} information(s) (--gravite info pour tout voir)" in out
    assert "  info " not in out


def test_help_and_usage_errors_use_french_typography(capsys):
    for command in [None, "recalculer", "valider", "synthese", "publier", "config"]:
        with pytest.raises(SystemExit):
            main(([command] if command else []) + ["--help"])
        out = capsys.readouterr().out
        assert not re.search(r"\w:$", out, re.MULTILINE), out  # "options :", not "options:"
    with pytest.raises(SystemExit):
        main(["valider", "x.xlsx", "--gravite", "grave"])
    err = capsys.readouterr().err
    assert "argument --gravite : choix invalide : 'grave'" in err


@pytest.mark.parametrize("script", sorted((ROOT / "benchmarks").glob("bench_*.py")), ids=str)
def test_benchmarks_parse_their_arguments_first(script):
    run = subprocess.run(
        [sys.executable, str(script), "--help"], capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0 and run.stdout.startswith("usage:"), run.stdout + run.stderr
    assert "lignes" not in run.stdout  # no result table: nothing was measured


def test_in_place_backup_opens_in_excel_and_stays_out_of_synthese(tmp_path, capsys):
    book = _template_copy(tmp_path, "lyon.xlsx")
    original = book.read_bytes()
    assert main(["recalculer", str(book)]) == 0
    backup = tmp_path / "lyon.sauvegarde.xlsx"  # the workbook's extension: Excel opens it
    assert f"Version précédente gardée : {backup}" in capsys.readouterr().out
    assert backup.read_bytes() == original
    assert main(["synthese", str(tmp_path), "-o", str(tmp_path / "reseau.xlsx"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["classeurs"] == [str(book)]


def test_valider_report_follows_the_tabs(capsys):
    """A person reads the report beside the tabs: sites and sheets in tab order, not by name."""
    template = str(ROOT / "workbook_template.xlsx")
    assert main(["valider", template]) == 1
    out = capsys.readouterr().out
    tabs = ["Ecole de Travail", "ORT Marseille", "ORT Lyon", "ORT Toulouse"]
    block = out.split("État des sites :")[1].split("Réseau ORT")[0]
    assert [block.index(name) for name in tabs] == sorted(block.index(name) for name in tabs)
    headings = [line for line in out.splitlines() if line.startswith("Feuille « ")]
    assert headings == [f"Feuille « {name} »" for name in tabs if f"Feuille « {name} »" in out]
    assert len(headings) >= 3
    assert "pas prêt pour la transmission : ORT Marseille, ORT Lyon et ORT Toulouse" in out
