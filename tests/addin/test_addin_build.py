"""The built ortkpi.xlam, read back by tools that did not write it.

What this proves: every VBA module decodes (oletools' olevba, an independent MS-OVBA reader)
to the text in the repository or in the installed xlwings; the ribbon calls only procedures
that exist; every button runs an entry point of ortkpi_xl.buttons; the package is an add-in
with its ribbon part; two builds give the same bytes. What it does not prove: that Excel
compiles the project, shows the ribbon or runs a button (ortkpi_xl/addin/excel_check.py).
"""

from __future__ import annotations

import ast
import hashlib
import importlib
import io
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import xlwings

from ortkpi_xl.addin.build import (
    CONFIG_SHEET,
    CUSTOM_UI_PART,
    CUSTOM_UI_REL,
    VBA_PROJECT_SOURCE_ONLY,
    AddinSources,
    build_addin,
    self_test_answer,
)
from ortkpi_xl.addin.udf_vba import crlf

ROOT = Path(__file__).resolve().parents[2]
VBA_DIR = ROOT / "ortkpi_xl" / "addin" / "vba"
RIBBON = ROOT / "ortkpi_xl" / "addin" / "customUI.xml"
ENTRY_POINTS = {"recalculer", "valider", "inserjeunes"}  # agreed with ortkpi_xl/buttons.py
NS = {"ui": "http://schemas.microsoft.com/office/2006/01/customui"}


def _code_lines(source: str) -> list[str]:
    """A module's code without its export header (VERSION…END block, Attribute lines)."""
    lines = source.replace("\r\n", "\n").split("\n")
    if lines and lines[0].startswith("VERSION "):
        lines = lines[lines.index("END") + 1 :]
    return [line for line in lines if not line.startswith("Attribute VB_")]


def _procedures(source: str) -> dict[str, str]:
    """Sub/Function name → parameter text, for a module's source."""
    return {
        m.group(1): m.group(2)
        for m in re.finditer(
            r"^(?:Public |Private )?(?:Sub|Function) (\w+)\(([^)]*)\)", source, re.MULTILINE
        )
    }


def _runpython_commands(source: str) -> list[str]:
    return [
        m.group(1).replace('""', '"')
        for m in re.finditer(r'^\s*RunPython "((?:[^"]|"")*)"\s*$', source, re.MULTILINE)
    ]


def _called_entry_points(command: str) -> list[tuple[str, str]]:
    """(module, function) of each call in a RunPython command; it must be that simple."""
    tree = ast.parse(command)
    aliases = {}
    calls = []
    for node in tree.body:
        if isinstance(node, ast.Import):
            aliases.update({a.asname or a.name: a.name for a in node.names})
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            func = node.value.func
            assert isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)
            assert not node.value.args and not node.value.keywords, command
            calls.append((aliases[func.value.id], func.attr))
        else:
            raise AssertionError(f"unexpected statement in RunPython command: {command}")
    return calls


def test_olevba_decodes_every_module_back_to_its_source(
    sources: AddinSources, olevba_modules: dict[str, str]
) -> None:
    assert set(olevba_modules) == {m.name for m in sources.modules} | {"Sheet1"}
    for module in sources.modules:
        decoded = olevba_modules[module.name]
        if module.kind == "standard":
            assert decoded == module.source, module.name
        else:  # class and document modules: the header is the stream form's
            assert _code_lines(decoded) == _code_lines(module.source), module.name


def test_repo_sources_are_what_the_addin_holds(olevba_modules: dict[str, str]) -> None:
    assert olevba_modules["ORT"] == crlf((VBA_DIR / "ORT.bas").read_text(encoding="utf-8"))
    assert _code_lines(olevba_modules["ThisWorkbook"]) == _code_lines(
        crlf((VBA_DIR / "ThisWorkbook.bas").read_text(encoding="utf-8"))
    )


def test_xlwings_module_is_the_installed_one_renamed(olevba_modules: dict[str, str]) -> None:
    shipped = (
        (Path(xlwings.__file__).parent / "xlwings_custom_addin.bas")
        .read_text(encoding="cp1252")
        .splitlines()
    )
    ours = olevba_modules["xlwings"].split("\r\n")
    different = [(a, b) for a, b in zip(shipped, ours, strict=False) if a != b]
    assert len(shipped) == len(ours) - 1  # ours ends with CRLF: one empty last item
    assert different == [
        (
            'Public Const PROJECT_NAME As String = "myaddin"',
            'Public Const PROJECT_NAME As String = "ortkpi"',
        )
    ]
    assert f'Public Const XLWINGS_VERSION As String = "{xlwings.__version__}"' in ours
    dictionary = (Path(xlwings.__file__).parent / "addin" / "Dictionary.cls").read_text(
        encoding="cp1252"
    )
    assert _code_lines(olevba_modules["Dictionary"]) == _code_lines(crlf(dictionary))


def test_ribbon_calls_only_procedures_that_exist(olevba_modules: dict[str, str]) -> None:
    root = ElementTree.fromstring(RIBBON.read_bytes())
    assert root.find("ui:ribbon/ui:tabs/ui:tab", NS).get("label") == "Indicateurs ORT"
    callbacks = [
        (element.get("id"), attribute, value)
        for element in root.iter()
        for attribute, value in element.attrib.items()
        if attribute.startswith(("on", "get"))
    ]
    labels = {e.get("label") for e in root.iter(f"{{{NS['ui']}}}button")}
    assert {"Recalculer", "Valider"} <= labels
    assert callbacks
    for control, attribute, value in callbacks:
        module, _, procedure = value.rpartition(".")
        assert module in olevba_modules, (control, value)
        params = _procedures(olevba_modules[module]).get(procedure)
        assert params is not None, f"{control} {attribute}={value}: no such procedure"
        assert params == "control As IRibbonControl", (control, value, params)


def test_ribbon_callbacks_have_macro_twins(olevba_modules: dict[str, str]) -> None:
    """Each OnX(control) calls a macro without arguments: runnable from Alt+F8 and the check."""
    procedures = _procedures(olevba_modules["ORT"])
    for name in [p for p in procedures if p.startswith("On")]:
        body = olevba_modules["ORT"].split(f"Sub {name}(", 1)[1].split("End Sub", 1)[0]
        twin = body.split("\r\n")[1].strip()
        assert procedures.get(twin) == "", (name, twin)


def test_every_runpython_names_an_agreed_entry_point(olevba_modules: dict[str, str]) -> None:
    ours = _runpython_commands(olevba_modules["ORT"])
    assert len(ours) == len(ENTRY_POINTS)
    called = [call for command in ours for call in _called_entry_points(command)]
    assert {module for module, _ in called} == {"ortkpi_xl.buttons"}
    assert {function for _, function in called} == ENTRY_POINTS


def test_every_runpython_entry_point_exists(olevba_modules: dict[str, str]) -> None:
    """Imports ortkpi_xl.buttons for real: a broken import fails here, it is never skipped."""
    for command in _runpython_commands(olevba_modules["ORT"]):
        for module_name, function in _called_entry_points(command):
            module = importlib.import_module(module_name)
            assert callable(getattr(module, function, None)), f"{module_name}.{function}"


def test_package_is_an_addin_with_its_ribbon(addin_bytes: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(addin_bytes)) as package:
        names = package.namelist()
        infos = package.infolist()
        types = package.read("[Content_Types].xml").decode()
        rels = package.read("_rels/.rels").decode()
        workbook = package.read("xl/workbook.xml").decode()
        sheet = package.read("xl/worksheets/sheet1.xml").decode()
        vba_project = package.read("xl/vbaProject.bin")
        ribbon = package.read(CUSTOM_UI_PART)
    assert names[0] == "[Content_Types].xml" and names[-1] == CUSTOM_UI_PART
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert "application/vnd.ms-excel.addin.macroEnabled.main+xml" in types
    assert f'Type="{CUSTOM_UI_REL}" Target="{CUSTOM_UI_PART}"' in rels
    assert ribbon == RIBBON.read_bytes()
    assert f'<sheet name="{CONFIG_SHEET}"' in workbook
    assert "<t>UDF Modules</t>" in sheet and "<t>ortkpi_xl.udfs</t>" in sheet

    import olefile

    ole = olefile.OleFileIO(vba_project)
    try:
        assert ole.openstream("VBA/_VBA_PROJECT").read() == VBA_PROJECT_SOURCE_ONLY
    finally:
        ole.close()


def test_pyopenvba_finds_the_project_consistent(addin_file: Path) -> None:
    from pyopenvba import ExcelFile

    with ExcelFile(addin_file) as book:
        assert book.validate() == []
        references = {r.name for r in book.references()}
    assert "Office" in references  # IRibbonControl lives in the Office library


def test_two_builds_give_the_same_bytes(addin_bytes: bytes, tmp_path: Path) -> None:
    assert build_addin() == addin_bytes
    out = tmp_path / "ortkpi.xlam"  # and in a fresh process, another PYTHONHASHSEED
    code = "import sys; from ortkpi_xl.addin.build import write_addin; write_addin(sys.argv[1])"
    run = subprocess.run(
        [sys.executable, "-c", code, str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONHASHSEED": "12345"},
    )
    assert run.returncode == 0, run.stderr
    assert hashlib.sha256(out.read_bytes()).hexdigest() == hashlib.sha256(addin_bytes).hexdigest()


def test_self_test_answer_is_what_the_vba_computes(olevba_modules: dict[str, str]) -> None:
    """excel_check.py compares OrtBuild.SelfTest's answer with self_test_answer()."""
    constants = {
        m.group(1): m.group(2)
        for module in olevba_modules.values()
        for m in re.finditer(r'^Public Const (\w+) As String = "([^"]*)"', module, re.MULTILINE)
    }
    body = olevba_modules["OrtBuild"].split("Public Function SelfTest() As String", 1)[1]
    expression = re.search(r"SelfTest = (.*)", body).group(1)
    value = "".join(
        constants[part.strip()] if not part.strip().startswith('"') else part.strip()[1:-1]
        for part in expression.split("&")
    )
    assert value == self_test_answer(xlwings.__version__)
