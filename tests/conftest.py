"""Shared fixtures: paths to the shared reference material, LibreOffice detection."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings

# xlwings' remote engine (the one behind xlwings Lite) is xlwings PRO code: it registers only
# if a licence key is set when xlwings is first imported. Tests use the noncommercial key
# (PolyForm Noncommercial; ORT is an educational non-profit network). Set before any import.
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
if not SHARED.is_dir():  # CI clones the repo next to a copy of shared/
    SHARED = Path(os.environ.get("ORTKPI_SHARED", ROOT.parent / "shared"))

settings.register_profile("ci", max_examples=300, deadline=None)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.load_profile("ci" if os.environ.get("CI") == "true" else "dev")


def shared_path(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.fail(f"shared material missing: {path}")
    return path


@pytest.fixture(scope="session")
def reference_csv() -> Path:
    return shared_path("reference", "ecole-de-travail.csv")


def lo_check_path() -> Path | None:
    """The lo-check tool when LibreOffice can run it; None otherwise."""
    tool = SHARED / "tools" / "lo-check"
    if tool.exists() and (shutil.which("soffice") or shutil.which("libreoffice")):
        return tool
    return None


@pytest.fixture(scope="session")
def lo_check() -> Path:
    """lo-check; skipped locally without LibreOffice, a failure on CI (CI=true)."""
    tool = lo_check_path()
    if tool is None:
        if os.environ.get("CI") == "true":
            pytest.fail("LibreOffice (lo-check) is required on CI but was not found")
        pytest.skip("LibreOffice absent: lo-check cannot run here")
    return tool


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Headless Chromium; skipped locally when absent, a failure on CI (CI=true)."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is required on CI but was not found (apt-get install chromium)")
        pytest.skip("Chromium absent: the publication cannot be rendered here")
    return Path(found)


@pytest.fixture(scope="session")
def corpus(tmp_path_factory) -> dict[str, Path]:
    """The workbook corpus of ``tests/corpus/build.py``, built once per session."""
    from corpus.build import build_all

    return build_all(tmp_path_factory.mktemp("corpus"))
