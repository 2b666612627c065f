"""Fixtures of the add-in tests: one build, one olevba read, one LibreOffice run per session."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import warnings
from pathlib import Path

import pytest

from ortkpi_xl.addin.build import ADDIN_NAME, AddinSources, addin_sources, build_addin

HERE = Path(__file__).resolve().parent
UNO_PYTHONS = ("/usr/bin/python3", "python3")


@pytest.fixture(scope="session")
def sources() -> AddinSources:
    return addin_sources()


@pytest.fixture(scope="session")
def addin_bytes(sources: AddinSources) -> bytes:
    return build_addin(sources)


@pytest.fixture(scope="session")
def addin_file(addin_bytes: bytes, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("addin") / ADDIN_NAME
    path.write_bytes(addin_bytes)
    return path


@pytest.fixture(scope="session")
def olevba_modules(addin_file: Path) -> dict[str, str]:
    """Module name → source, as oletools' olevba decodes them from the built file."""
    with warnings.catch_warnings():  # oletools 0.60 still uses pyparsing's old names
        warnings.simplefilter("ignore", DeprecationWarning)
        from oletools.olevba import VBA_Parser

    parser = VBA_Parser(str(addin_file))
    try:
        return {stream.removeprefix("VBA/"): code for _, stream, _, code in parser.extract_macros()}
    finally:
        parser.close()


def uno_python() -> str | None:
    """A python3 with LibreOffice's uno module, when soffice is installed too."""
    if not (shutil.which("soffice") or shutil.which("libreoffice")):
        return None
    for candidate in UNO_PYTHONS:
        exe = shutil.which(candidate) or (candidate if os.path.isabs(candidate) else None)
        if (
            exe
            and os.path.exists(exe)
            and subprocess.run([exe, "-c", "import uno"], capture_output=True).returncode == 0
        ):
            return exe
    return None


@pytest.fixture(scope="session")
def libreoffice_basic(addin_file: Path) -> dict:
    """What LibreOffice imports from the add-in's VBA project (skip locally, fail on CI)."""
    python = uno_python()
    if python is None:
        if os.environ.get("CI") == "true":
            pytest.fail("LibreOffice with python3-uno is required on CI but was not found")
        pytest.skip("LibreOffice absent: the add-in cannot be opened here")
    run = subprocess.run(
        [python, str(HERE / "lo_basic.py"), str(addin_file)],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)[str(addin_file)]
