"""The command line: French help, version, clear errors, exit statuses."""

from __future__ import annotations

import re
import subprocess
import sys
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
    with pytest.raises(SystemExit):
        main(["--version"])
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
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
    )
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
    """The installed console script runs the README's main job (CI installs the package)."""
    import os
    import shutil

    exe = shutil.which("ortkpi-xl")
    if exe is None:
        if os.environ.get("CI") == "true":
            pytest.fail("ortkpi-xl is not on PATH after `pip install`")
        pytest.skip("ortkpi-xl not installed here")
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
