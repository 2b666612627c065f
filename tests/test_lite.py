"""``ortkpi-xl lite``: a workbook that carries the tool for xlwings Lite.

What this proves: the written workbook holds xlwings Lite's web extension (the parts, content
types and relationships Lite's own workbooks have; the pane visible), every other part of the
source byte for byte, and a ``main.py`` that decodes back to the one generated, compiles, and —
run the way Lite runs it (xlwings' ``custom_scripts_call`` / ``custom_functions_call`` on its
remote engine) — makes the same writes as the buttons and computes the ``ORT_*`` functions.
What it cannot prove: that Excel picks up the part, asks to trust the workbook and runs the
code (docs/lite.md lists what only a real Excel can confirm).
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
import re
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest
from openpyxl import Workbook, load_workbook
from remote_payload import payload_from_xlsx, remote_book, without_tool_rules

from ortkpi_xl import buttons
from ortkpi_xl.cli import main
from ortkpi_xl.lite.bundle import build_bundle, requirements
from ortkpi_xl.lite.command import companion_files
from ortkpi_xl.lite.mainpy import main_py, udf_functions
from ortkpi_xl.lite.package import (
    CT_TASKPANES,
    CT_WEBEXTENSION,
    REL_TASKPANES,
    STORE_ID,
    read_settings,
    write_lite_workbook,
)

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "workbook_template.xlsx"
NS_WE = "{http://schemas.microsoft.com/office/webextensions/webextension/2010/11}"
NS_WETP = "{http://schemas.microsoft.com/office/webextensions/taskpanes/2010/11}"
NS_CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
NS_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


@pytest.fixture(scope="module")
def generated() -> tuple[str, str]:
    bundle = build_bundle()
    return main_py(bundle), requirements(bundle.third_party)


@pytest.fixture(scope="module")
def lite_book(tmp_path_factory, generated) -> Path:
    """The template, alone in its folder (no config.yaml beside it), for xlwings Lite."""
    folder = tmp_path_factory.mktemp("lite")
    source = folder / "modele.xlsx"
    source.write_bytes(TEMPLATE.read_bytes())
    target = folder / "indicateurs.xlsx"
    assert main(["lite", str(source), "-o", str(target)]) == 0
    return target


def test_the_workbook_carries_xlwings_lite(lite_book, generated):
    code, needs = generated
    with zipfile.ZipFile(lite_book) as package:
        types = ElementTree.fromstring(package.read("[Content_Types].xml"))
        overrides = {
            o.get("PartName"): o.get("ContentType") for o in types.iter(f"{NS_CT}Override")
        }
        rels = ElementTree.fromstring(package.read("_rels/.rels"))
        root = {r.get("Type"): r.get("Target") for r in rels.iter(f"{NS_REL}Relationship")}
        panes = ElementTree.fromstring(package.read("xl/webextensions/taskpanes.xml"))
        pane_rels = ElementTree.fromstring(
            package.read("xl/webextensions/_rels/taskpanes.xml.rels")
        )
        extension = package.read("xl/webextensions/webextension1.xml")
    assert root[REL_TASKPANES] == "xl/webextensions/taskpanes.xml"
    assert overrides["/xl/webextensions/taskpanes.xml"] == CT_TASKPANES
    assert overrides["/xl/webextensions/webextension1.xml"] == CT_WEBEXTENSION
    pane = panes.find(f"{NS_WETP}taskpane")
    assert pane.get("visibility") == "1" and pane.get("dockstate") == "right"
    ref = pane.find(f"{NS_WETP}webextensionref")
    (target,) = [r for r in pane_rels if r.get("Id") == ref.get(R_ID)]
    assert target.get("Target") == "webextension1.xml"
    tree = ElementTree.fromstring(extension)
    references = {
        (r.get("id"), r.get("store"), r.get("storeType")) for r in tree.iter(f"{NS_WE}reference")
    }
    assert (STORE_ID.lower(), "fr-FR", "OMEX") in references
    assert (STORE_ID, STORE_ID, "OMEX") in references
    settings = read_settings(extension)
    assert settings["main.py"] == code and settings["requirements.txt"] == needs
    compile(settings["main.py"], "main.py", "exec")
    assert len(code.encode("utf-8")) < 400_000  # the size is stated in docs/lite.md


def test_every_other_part_is_copied_byte_for_byte(lite_book):
    with zipfile.ZipFile(TEMPLATE) as before, zipfile.ZipFile(lite_book) as after:
        edited = {"[Content_Types].xml", "_rels/.rels"}
        for info in before.infolist():
            if info.filename not in edited:
                assert after.read(info.filename) == before.read(info.filename), info.filename
        added = set(after.namelist()) - set(before.namelist())
    assert added == {
        "xl/webextensions/taskpanes.xml",
        "xl/webextensions/_rels/taskpanes.xml.rels",
        "xl/webextensions/webextension1.xml",
    }


def test_the_two_files_are_also_written_beside_it(lite_book, generated):
    code, needs = generated
    main_copy, requirements_copy = companion_files(lite_book)
    assert main_copy.read_text(encoding="utf-8") == code
    assert requirements_copy.read_text(encoding="utf-8") == needs


def test_requirements_pin_pure_wheels_only(generated):
    _, needs = generated
    lines = [line for line in needs.splitlines() if line and not line.startswith("#")]
    pinned = {line.split("==")[0] for line in lines if "==" in line}
    assert pinned <= {"openpyxl", "et_xmlfile", "defusedxml", "olefile"}
    for built_by_pyodide in ("pandas", "numpy", "pyyaml"):
        assert not any(line.startswith(built_by_pyodide + "=") for line in lines)
    assert any(line.startswith("xlwings>=") for line in lines)


def test_running_it_again_replaces_the_code_and_keeps_one_extension(tmp_path, lite_book):
    again = tmp_path / "again.xlsx"
    where = write_lite_workbook(
        lite_book, again, {"main.py": "print('v2')\n", "requirements.txt": ""}
    )
    assert where.replaced
    with zipfile.ZipFile(again) as package:
        names = [n for n in package.namelist() if n.startswith("xl/webextensions/webextension")]
        settings = read_settings(package.read(names[0]))
    assert names == ["xl/webextensions/webextension1.xml"]
    assert settings["main.py"] == "print('v2')\n"


def test_another_add_in_is_kept_and_lite_added_beside_it(tmp_path, lite_book):
    """A workbook whose pane belongs to another store add-in."""
    other = tmp_path / "other.xlsx"
    with zipfile.ZipFile(lite_book) as src, zipfile.ZipFile(other, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/webextensions/webextension1.xml":
                data = data.replace(b"wa200008175", b"wa104380646").replace(
                    b"WA200008175", b"WA104380646"
                )
            dst.writestr(info, data)
    out = tmp_path / "both.xlsx"
    where = write_lite_workbook(other, out, {"main.py": "x = 1\n"})
    assert not where.replaced and where.webextension == "xl/webextensions/webextension2.xml"
    with zipfile.ZipFile(out) as package:
        first = package.read("xl/webextensions/webextension1.xml")
        panes = ElementTree.fromstring(package.read("xl/webextensions/taskpanes.xml"))
        types = package.read("[Content_Types].xml").decode()
    assert b"WA104380646" in first
    assert len(panes.findall(f"{NS_WETP}taskpane")) == 2
    assert "/xl/webextensions/webextension2.xml" in types


def test_a_workbook_that_is_not_one_is_refused_before_writing(tmp_path):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a zip")
    out = tmp_path / "out.xlsx"
    assert main(["lite", str(bad), "-o", str(out)]) == 2
    assert not out.exists()


def test_the_output_keeps_the_inputs_kind(tmp_path, capsys):
    assert main(["lite", str(TEMPLATE), "-o", str(tmp_path / "x.xlsm")]) == 2
    assert "extension" in capsys.readouterr().err
    assert main(["lite", "-o", str(tmp_path / "x.txt")]) == 2


def test_without_a_workbook_it_starts_from_the_model(tmp_path):
    out = tmp_path / "neuf.xlsx"
    assert main(["lite", "-o", str(out)]) == 0
    assert "Ecole de Travail" in load_workbook(out, read_only=True).sheetnames


def test_the_command_line_keeps_lite_when_it_recalculates(tmp_path, lite_book):
    out = tmp_path / "recalc.xlsx"
    assert main(["recalculer", str(lite_book), "-o", str(out)]) == 0
    with zipfile.ZipFile(lite_book) as before, zipfile.ZipFile(out) as after:
        for name in before.namelist():
            if name.startswith("xl/webextensions/"):
                assert after.read(name) == before.read(name), name


@pytest.mark.libreoffice
def test_libreoffice_opens_the_lite_workbook(lite_book, lo_check):
    import subprocess

    run = subprocess.run(
        [str(lo_check), str(lite_book)], capture_output=True, text=True, timeout=180
    )
    assert run.returncode == 0, run.stdout + run.stderr


# ---------------------------------------------------------------------------------------------
# main.py, run the way xlwings Lite runs it


@pytest.fixture
def lite_module(generated, tmp_path):
    """main.py imported as Lite imports it (a module from a string), then forgotten: the
    ortkpi_xl it unpacks must not replace the one the other tests use."""
    code, _ = generated
    saved = {k: v for k, v in sys.modules.items() if k == "ortkpi_xl" or k.startswith("ortkpi_xl.")}
    path = list(sys.path)
    spec = importlib.util.spec_from_loader("main_editor", loader=None)
    module = importlib.util.module_from_spec(spec)
    try:
        exec(compile(code, "main.py", "exec"), module.__dict__)  # noqa: S102
        yield module
    finally:
        for name in [k for k in sys.modules if k == "ortkpi_xl" or k.startswith("ortkpi_xl.")]:
            del sys.modules[name]
        sys.modules.update(saved)
        sys.path[:] = path


def test_main_py_runs_its_own_copy_of_ortkpi_xl(lite_module):
    bundled = sys.modules["ortkpi_xl.buttons"]
    assert bundled is not buttons and "ortkpi-xl-" in bundled.__file__
    assert Path(bundled.__file__).read_bytes() == Path(buttons.__file__).read_bytes()


def test_lite_lists_the_three_buttons(lite_module):
    import xlwings.server

    meta = {m["function_name"]: m for m in xlwings.server.custom_scripts_meta(lite_module)}
    assert {k: m["name"] for k, m in meta.items()} == {
        "recalculer": "Recalculer",
        "valider": "Valider",
        "importer_inserjeunes": "Importer InserJeunes",
    }


def test_recalculer_in_lite_writes_what_the_button_writes(lite_module):
    import xlwings as xw
    import xlwings.server

    payload = without_tool_rules(payload_from_xlsx(TEMPLATE))  # the rule gets placed
    book = remote_book(payload)
    result = asyncio.run(
        xlwings.server.custom_scripts_call(
            lite_module, "recalculer", typehint_to_value={xw.Book: book}
        )
    )
    in_lite = result.json()["actions"]
    direct = remote_book(payload)
    buttons.recalculer(direct)
    assert in_lite == direct.json()["actions"]
    assert any(a["func"] == "addConditionalFormat" for a in in_lite)


def test_valider_and_importer_in_lite(lite_module, tmp_path, monkeypatch):
    import xlwings as xw
    import xlwings.server

    payload = payload_from_xlsx(TEMPLATE)
    book = remote_book(payload)
    asyncio.run(
        xlwings.server.custom_scripts_call(
            lite_module, "valider", typehint_to_value={xw.Book: book}
        )
    )
    assert any(a["func"] == "setValues" for a in book.json()["actions"])
    empty = tmp_path / "data"
    empty.mkdir()
    monkeypatch.setattr(sys.modules["ortkpi_xl.buttons"], "LITE_FILES", empty)
    book = remote_book(payload)
    asyncio.run(
        xlwings.server.custom_scripts_call(
            lite_module, "importer_inserjeunes", typehint_to_value={xw.Book: book}
        )
    )
    assert book.json()["actions"] == []  # no file imported yet: a message, nothing written


def test_the_functions_are_registered_with_their_french_texts(lite_module):
    import xlwings.server

    meta = xlwings.server.custom_functions_meta(lite_module)
    functions = {f["name"]: f for f in meta["functions"]}
    expected = {f.name for f in udf_functions()}
    assert set(functions) == expected
    obtention = functions["ORT_TAUX_OBTENTION"]
    assert obtention["description"].startswith("Indicateur 4")
    params = [(p["name"], p["description"]) for p in obtention["parameters"]]
    assert params[0] == ("reussis", "Nombre de candidats ayant obtenu la certification")
    poursuite = [p for p in functions["ORT_TAUX_POURSUITE"]["parameters"]]
    assert poursuite[-1]["optional"] is True


@pytest.mark.parametrize(
    ("name", "args", "expected"),
    [
        ("ORT_TAUX_OBTENTION", [[[9]], [[12]]], 0.75),
        ("ORT_TAUX_OBTENTION", [[[9]], [[0]]], "NC"),
        ("ORT_TAUX_PRESENTATION", [[[16], [17]], [[19], [0]]], [[16 / 19], ["NC"]]),
        ("ORT_EXPLICATION", [[[4]], [[1]], [[0]]], None),
    ],
)
def test_the_functions_compute_in_lite(lite_module, name, args, expected):
    import xlwings as xw
    import xlwings.server

    data = {
        "func_name": name,
        "args": args,
        "caller_address": "Feuil1!A1",
        "formula_name": name,
        "version": xw.__version__,
        "runtime": "1.4",
        "culture_info_name": "fr-FR",
        "date_format": "jj/mm/aaaa",
        "client": "Office.js",
    }
    result = asyncio.run(xlwings.server.custom_functions_call(data, lite_module))
    if expected is None:
        assert isinstance(result[0][0], str) and result[0][0]
    elif isinstance(expected, list):
        assert result[0][0] == pytest.approx(expected[0][0]) and result[1][0] == expected[1][0]
    elif isinstance(expected, float):
        assert result[0][0] == pytest.approx(expected)
    else:
        assert result[0][0] == expected


def test_main_py_is_the_same_bytes_for_the_same_sources():
    assert main_py(build_bundle()) == main_py(build_bundle())


def test_a_spoiled_main_py_says_so_in_french(generated):
    code, _ = generated
    spoiled = code.replace('_BUNDLE_SHA256 = "', '_BUNDLE_SHA256 = "0', 1)
    with pytest.raises(RuntimeError, match="abîmé"):
        exec(compile(spoiled, "main.py", "exec"), {})  # noqa: S102


def test_a_model_workbook_payload_works_without_the_registry(tmp_path):
    """A workbook never recalculated: no ortkpi_etat, no Contrôles yet."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Site"
    ws.append(
        [
            "Formation",
            "Promotion",
            "Nb candidats entrée en formation",
            "Nb candidats présentés à l'examen",
            "1 Taux de présentation",
        ]
    )
    ws.append(["BTS A", "2023 - 2025", 20, 18, None])
    path = tmp_path / "w.xlsx"
    wb.save(path)
    book = remote_book(payload_from_xlsx(path))
    assert buttons.recalculer(book).startswith("Indicateurs recalculés")
    written = [a for a in book.json()["actions"] if a["func"] == "setValues"]
    assert [[0.9]] in [a["values"] for a in written]


def test_the_sites_settings_travel_inside_main_py(tmp_path, monkeypatch):
    """xlwings Lite has no folder: a config.yaml beside the workbook goes into main.py and is
    what the buttons and functions read there."""
    folder = tmp_path / "site"
    folder.mkdir()
    source = folder / "indicateurs.xlsx"
    source.write_bytes(TEMPLATE.read_bytes())
    (folder / "config.yaml").write_text("seuil_petit_effectif: 7\n", encoding="utf-8")
    out = tmp_path / "lite.xlsx"
    assert main(["lite", str(source), "-o", str(out)]) == 0
    with zipfile.ZipFile(out) as package:
        code = read_settings(package.read("xl/webextensions/webextension1.xml"))["main.py"]
    monkeypatch.delenv("ORTKPI_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)  # Lite's folder has no config.yaml of its own
    saved = {k: v for k, v in sys.modules.items() if k.startswith("ortkpi_xl")}
    path = list(sys.path)
    try:
        namespace: dict = {}
        exec(compile(code, "main.py", "exec"), namespace)  # noqa: S102
        config = sys.modules["ortkpi_xl.buttons"]._config_for(remote_book(payload_from_xlsx(out)))
        assert config.seuil_petit_effectif == 7
    finally:
        for name in [k for k in sys.modules if k.startswith("ortkpi_xl")]:
            del sys.modules[name]
        sys.modules.update(saved)
        sys.path[:] = path
        os.environ.pop("ORTKPI_CONFIG", None)


def test_a_wrong_config_is_refused_at_the_command_line(tmp_path, capsys):
    bad = tmp_path / "config.yaml"
    bad.write_text("seuil_petit_effectif: beaucoup\n", encoding="utf-8")
    out = tmp_path / "lite.xlsx"
    assert main(["lite", "--config", str(bad), "-o", str(out)]) == 2
    assert "seuil_petit_effectif" in capsys.readouterr().err
    assert not out.exists()


def test_the_staff_guide_says_what_is_not_checked_yet():
    text = (ROOT / "docs" / "lite.md").read_text(encoding="utf-8")
    for needle in (
        "Compléments",
        "xlwings Lite",
        "confiance",
        "Recalculer",
        "Import/Export",
        "Ce qui n'a pas encore été vérifié dans un vrai Excel",
        "ortkpi-xl lite",
        "Windows",
        "Mac",
        "web",
    ):
        assert needle in text, needle
    stated = int(re.search(r"environ (\d+) Ko", text).group(1))  # the size the guide states
    generated = len(main_py(build_bundle()).encode("utf-8")) / 1000
    assert abs(generated - stated) < 0.15 * stated, (generated, stated)


def test_lite_never_writes_over_another_workbook(tmp_path, capsys):
    """« lite -o » names a new file: a person's workbook of that name stays as it is."""
    person = tmp_path / "indicateurs.xlsx"
    person.write_bytes(TEMPLATE.read_bytes())
    before = person.read_bytes()
    assert main(["lite", "-o", str(person)]) == 2
    assert "existe déjà" in capsys.readouterr().err
    other = tmp_path / "autre.xlsx"
    other.write_bytes(before)
    assert main(["lite", str(other), "-o", str(person)]) == 2
    assert person.read_bytes() == before
    (tmp_path / "~$autre.xlsx").write_bytes(b"")  # open in Excel: said before writing
    assert main(["lite", str(other), "-o", str(other)]) == 2
    assert "ouvert dans" in capsys.readouterr().err
    (tmp_path / "~$autre.xlsx").unlink()
    assert main(["lite", str(other), "-o", str(other)]) == 0  # equipping it in place is fine
