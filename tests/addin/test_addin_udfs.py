"""The ORT_* functions run through xlwings' own "Import Functions" code (udfs.import_udfs).

What this proves: the VBA wrappers and the MacroOptions texts are what xlwings would produce on
Windows for ortkpi_xl.udfs, every ORT_* function is in them with its parameters, and a signature
change shows up as a golden-file diff. What it does not prove: that Excel imports the module or
that a cell computes (see ortkpi_xl/addin/excel_check.py).
"""

from __future__ import annotations

import inspect
import sys
from pathlib import Path

import pytest
import xlwings

import ortkpi_xl.udfs as udfs_module
from ortkpi_xl.addin.udf_vba import UdfModule, crlf, generate_udf_module, vba_functions
from ortkpi_xl.udfs import CATEGORY

GOLDEN = Path(__file__).resolve().parent / "golden" / "xlwings_udfs.bas"


@pytest.fixture(scope="module")
def udfs() -> UdfModule:
    return generate_udf_module()


def _ort_functions() -> dict[str, inspect.Signature]:
    return {
        name: inspect.signature(value)
        for name, value in vars(udfs_module).items()
        if name.startswith("ORT_") and callable(value)
    }


def test_every_ort_function_is_registered_with_its_parameters(udfs: UdfModule) -> None:
    expected = _ort_functions()
    assert len(expected) >= 7
    wrappers = vba_functions(udfs.vba)
    assert set(wrappers) == set(expected)
    assert {f.name for f in udfs.functions} == set(expected)
    for name, signature in expected.items():
        params = [
            ("Optional " if p.default is not inspect.Parameter.empty else "") + p.name
            for p in signature.parameters.values()
        ]
        assert wrappers[name] == params, name
        registered = next(f for f in udfs.functions if f.name == name)
        assert [a.name for a in registered.arguments] == list(signature.parameters)
        assert [a.optional for a in registered.arguments] == [
            p.default is not inspect.Parameter.empty for p in signature.parameters.values()
        ]


def test_golden_wrappers_catch_a_signature_change(udfs: UdfModule) -> None:
    """A diff here means the add-in's wrappers changed: staff must install the new add-in."""
    assert crlf(GOLDEN.read_text(encoding="utf-8")) == udfs.vba, (
        "the xlwings_udfs wrappers changed; if intended, run tests/addin/golden/regenerate.py "
        "and tell staff to reinstall the add-in (ortkpi-xl complement --installer)"
    )


def test_wizard_texts_are_french_complete_and_short(udfs: UdfModule) -> None:
    for function in udfs.functions:
        assert function.category == CATEGORY == "Indicateurs ORT"
        assert function.description == function.full_description, (
            f"{function.name}: description longer than 255 characters, xlwings cuts it"
        )
        assert len(function.description) <= 255
        assert not function.description.startswith("Python function"), function.name
        function.description.encode("cp1252")  # VBA stores the module in code page 1252
        for argument in function.arguments:
            assert 0 < len(argument.doc) <= 255, (function.name, argument.name)
            assert not argument.doc.startswith("Positional argument"), (function.name, argument)
            argument.doc.encode("cp1252")


def test_addin_wrappers_pass_the_callers_workbook(udfs: UdfModule) -> None:
    """In an .xlam, xlwings passes ActiveWorkbook (the user's book), never the add-in."""
    calls = [line for line in udfs.vba.splitlines() if "Application.Caller)" in line]
    assert calls and all("ActiveWorkbook" in line for line in calls)
    assert udfs.vba.startswith('Attribute VB_Name = "xlwings_udfs"\r\n')


def test_windows_stand_ins_do_not_leak_into_the_process() -> None:
    before_modules = {
        name: sys.modules.get(name)
        for name in (
            "pythoncom",
            "pywintypes",
            "win32com",
            "win32com.client",
            "xlwings.udfs",
            "ortkpi_xl.udfs",
        )
    }
    before_func = xlwings.func
    generate_udf_module()
    after_modules = {name: sys.modules.get(name) for name in before_modules}
    assert after_modules == before_modules
    assert xlwings.func is before_func
    assert not hasattr(xlwings, "udfs")
    assert not hasattr(udfs_module.ORT_TAUX_OBTENTION, "__xlfunc__")  # still a plain function
    import ortkpi_xl

    assert ortkpi_xl.udfs is udfs_module
    assert udfs_module.ORT_TAUX_OBTENTION(9, 12) == pytest.approx(0.75)
