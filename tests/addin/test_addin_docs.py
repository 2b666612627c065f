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
        "python -m ortkpi_xl.addin.excel_check",
        "seul Excel",
        "#NOM?",
    ):
        assert needle in text, needle
    assert "docs/installation.md" in (ROOT / "README.md").read_text(encoding="utf-8")
