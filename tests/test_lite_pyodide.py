"""The Lite workbook's ``main.py`` in the real Pyodide runtime (CPython for WebAssembly, under
Node), the runtime xlwings Lite runs it in.

The npm package ``pyodide`` ships the runtime and Python's standard library, not Pyodide's own
builds of packages (pandas, numpy, PyYAML…): those come from a CDN this machine cannot reach.
So the pure packages the tool needs are copied here from this Python (openpyxl, xlwings…,
PyYAML's pure-Python half), ``main.py`` unpacks its ortkpi_xl as in Lite, and the buttons run on
xlwings' remote engine inside Pyodide: their actions must equal those of CPython on the same
payload, and ``ORT_TAUX_OBTENTION`` must compute. (Importer InserJeunes still imports pandas,
inside the click: Lite installs it from Pyodide's repository, this test cannot.)

Needs ``node`` and the npm package ``pyodide`` (``npm install --prefix
~/.cache/ortkpi-pyodide pyodide``, or ``ORTKPI_PYODIDE`` pointing at ``node_modules/pyodide``):
skipped locally without them, a failure on CI. Skipped while the buttons still import pandas or
numpy (the engine is being freed of them): it runs by itself once they are gone.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from remote_payload import payload_from_xlsx, remote_book

from ortkpi_xl import buttons
from ortkpi_xl.lite.bundle import build_bundle, closure
from ortkpi_xl.lite.mainpy import main_py

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "workbook_template.xlsx"
PYODIDE_DEFAULT = Path.home() / ".cache" / "ortkpi-pyodide" / "node_modules" / "pyodide"
PURE = ("xlwings", "openpyxl", "et_xmlfile", "defusedxml", "olefile", "yaml")
NOT_OFFLINE = {"pandas", "numpy"}  # Pyodide builds: from its CDN only

RUNNER = """
import { pathToFileURL } from "node:url";
import { readFileSync } from "node:fs";
const [pyodideDir, siteDir, workDir] = process.argv.slice(2);
const { loadPyodide } = await import(pathToFileURL(pyodideDir + "/pyodide.mjs").href);
const py = await loadPyodide({ indexURL: pyodideDir + "/" });
for (const [dir, at] of [[siteDir, "/mnt/site"], [workDir, "/mnt/work"]]) {
  py.FS.mkdirTree(at);
  py.FS.mount(py.FS.filesystems.NODEFS, { root: dir }, at);
}
try {
  await py.runPythonAsync(readFileSync(workDir + "/driver.py", "utf8"));
} catch (e) {
  console.error(String(e));
  process.exit(3);
}
"""

DRIVER = """
import importlib.util, json, os, sys  # awaits at top level: Pyodide runs this as async
os.environ["XLWINGS_LICENSE_KEY"] = "noncommercial"
sys.path.insert(0, "/mnt/site")
import xlwings as xw
import xlwings.server

spec = importlib.util.spec_from_loader("main_editor", loader=None)
main = importlib.util.module_from_spec(spec)
exec(compile(open("/mnt/work/main.py", encoding="utf-8").read(), "main.py", "exec"), main.__dict__)
payload = json.load(open("/mnt/work/payload.json", encoding="utf-8"))
out = {"platform": sys.platform, "scripts": {}}
for name in ("recalculer", "valider"):
    book = xw.Book(json=payload)
    book = await xlwings.server.custom_scripts_call(
        main, name, typehint_to_value={xw.Book: book}
    )
    out["scripts"][name] = book.json()["actions"]
call = {
    "func_name": "ORT_TAUX_OBTENTION", "args": [[[9]], [[12]]], "caller_address": "A1",
    "formula_name": "ORT_TAUX_OBTENTION", "version": xw.__version__, "client": "Office.js",
    "culture_info_name": "fr-FR", "date_format": "jj/mm/aaaa", "runtime": "1.4",
}
out["obtention"] = await xlwings.server.custom_functions_call(call, main)
json.dump(out, open("/mnt/work/result.json", "w", encoding="utf-8"))
"""


def _runtime() -> tuple[str, Path]:
    node = shutil.which("node")
    folder = Path(os.environ.get("ORTKPI_PYODIDE", PYODIDE_DEFAULT))
    if node is None or not (folder / "pyodide.mjs").is_file():
        if os.environ.get("CI") == "true":
            pytest.fail("node and the npm package pyodide are required on CI (ORTKPI_PYODIDE)")
        pytest.skip("node or the npm package pyodide absent: Pyodide cannot run here")
    return node, folder


def _site(target: Path) -> Path:
    """The pure packages, copied from this Python without compiled parts."""
    import importlib

    for name in PURE:
        module = importlib.import_module(name)
        source = Path(module.__file__).parent
        shutil.copytree(
            source,
            target / name,
            ignore=shutil.ignore_patterns(
                "__pycache__", "*.so", "*.pyd", "*.dylib", "*.dll", "*.xl*", "*.bas", "*.cls"
            ),
        )
    return target


def test_main_py_runs_in_pyodide(tmp_path):
    bundle = build_bundle()
    _, eager = closure(("ortkpi_xl.buttons", "ortkpi_xl.udfs"), lazy=False)
    waiting = NOT_OFFLINE & eager
    if waiting:
        pytest.skip(
            f"the buttons still import {', '.join(sorted(waiting))}, which Pyodide loads from its "
            "CDN only (not reachable here): runs once the engine is free of them"
        )
    node, pyodide = _runtime()
    site = _site(tmp_path / "site")
    work = tmp_path / "work"
    work.mkdir()
    payload = payload_from_xlsx(TEMPLATE)
    (work / "main.py").write_text(main_py(bundle), encoding="utf-8")
    (work / "payload.json").write_text(json.dumps(payload), encoding="utf-8")
    (work / "driver.py").write_text(DRIVER, encoding="utf-8")
    runner = tmp_path / "run.mjs"
    runner.write_text(RUNNER, encoding="utf-8")
    run = subprocess.run(
        [node, str(runner), str(pyodide), str(site), str(work)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    result = json.loads((work / "result.json").read_text(encoding="utf-8"))
    assert result["platform"] == "emscripten"
    for name in ("recalculer", "valider"):
        book = remote_book(payload)
        getattr(buttons, name)(book)
        assert result["scripts"][name] == json.loads(json.dumps(book.json()["actions"])), name
    assert result["obtention"][0][0] == pytest.approx(0.75)
