"""LibreOffice, a second independent reader, opens ortkpi.xlam and lists its VBA modules.

What this proves: the package opens as a spreadsheet with filter "Calc MS Excel 2007 VBA XML"
and its VBA project imports with every module, of the right kind, with our source. What it does
not prove: that the code runs (LibreOffice Basic cannot compile xlwings' module, with xlwings'
own files too) nor anything about Excel.
"""

from __future__ import annotations

import pytest

from ortkpi_xl.addin.build import AddinSources

pytestmark = pytest.mark.libreoffice

NORMAL, CLASS, DOCUMENT = 1, 2, 4  # com.sun.star.script.ModuleType
KINDS = {"standard": NORMAL, "class": CLASS, "document": DOCUMENT}


def _lines(source: str) -> list[str]:
    """Code lines as LibreOffice shows them: no Attribute lines, no VBA-mode preamble."""
    skip = (
        "Attribute ",
        "Rem Attribute VBA_ModuleType=",
        "Option VBASupport 1",
        "Option ClassModule",
        "VERSION 1.0 CLASS",
        "BEGIN",
        "  MultiUse = -1",
        "END",
    )
    lines = source.replace("\r\n", "\n").split("\n")
    return [line for line in lines if line.strip() and not line.startswith(skip)]


def test_libreoffice_lists_every_module_with_its_kind(
    libreoffice_basic: dict, sources: AddinSources
) -> None:
    assert "error" not in libreoffice_basic
    project = libreoffice_basic["libraries"]["VBAProject"]
    expected = {m.name: KINDS[m.kind] for m in sources.modules} | {"Sheet1": DOCUMENT}
    assert {name: module["type"] for name, module in project.items()} == expected


def test_libreoffice_imports_our_source(libreoffice_basic: dict, sources: AddinSources) -> None:
    project = libreoffice_basic["libraries"]["VBAProject"]
    for module in sources.modules:
        assert _lines(project[module.name]["source"]) == _lines(module.source), module.name
