"""The staff installation page stays in step with the code it describes."""

from __future__ import annotations

import re
from pathlib import Path

import xlwings

from ortkpi_xl.addin import install

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "installation.md"


def test_pinned_xlwings_is_the_installed_one_and_the_documented_one() -> None:
    pin = re.search(r'"xlwings==([^"]+)"', (ROOT / "pyproject.toml").read_text("utf-8"))
    assert pin and pin.group(1) == xlwings.__version__
    text = PAGE.read_text(encoding="utf-8")
    assert f"xlwings {xlwings.__version__}" in text
    assert f"xlwings64-{xlwings.__version__}.dll" in text
    assert f"xlwings-{xlwings.__version__}.applescript" in text


def test_page_covers_platforms_paths_and_known_failures() -> None:
    text = PAGE.read_text(encoding="utf-8")
    for needle in (
        "Microsoft Store",
        "Accès approuvé au modèle d'objet du projet",
        "-1743",
        "xlwings runpython install",
        r"%APPDATA%\Microsoft\Excel\XLSTART",
        "/".join(install.MAC_STARTUP),
        '"%LOCALAPPDATA%\\ortkpi\\Scripts\\python.exe" -m ortkpi_xl.addin.excel_check',
        "seul Excel",
        "#NOM?",
        # the Python: 3.11 to 3.13, 64-bit whatever Excel's bitness
        "Python 3.11, 3.12 ou 3.13, 64 bits",
        "même si Excel est en 32 bits",
        "win-amd64",
        # for IT
        "d4f940ab-401b-4efc-aadc-ad5f3c50688a",
        "92e97fa1-2edf-4476-bdd6-9dd0b4dddc7b",
        "HTTPS_PROXY",
        "Compléments d'applications actifs",
        "lite.md",
    ):
        assert needle in text, needle
    assert "Python 3.10 ou plus récent" not in text
    # the check command never relies on whichever python is on PATH
    assert "\npython -m ortkpi_xl" not in text
    assert "docs/installation.md" in (ROOT / "README.md").read_text(encoding="utf-8")
