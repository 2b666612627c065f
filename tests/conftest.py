"""Shared fixtures: the project's test data, LibreOffice and Chromium detection."""

from __future__ import annotations

import os
import shutil
import subprocess
from functools import cache
from pathlib import Path

import pytest
from hypothesis import settings

# xlwings' remote engine (the one behind xlwings Lite) is xlwings PRO code: it registers only
# if a licence key is set when xlwings is first imported. Tests use the noncommercial key
# (PolyForm Noncommercial; ORT is an educational non-profit network). Set before any import.
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
LO_CHECK = ROOT / "tools" / "lo-check"
ON_CI = os.environ.get("CI") == "true"

# CI runs the same examples every time (a failure there is reproducible from its log); locally
# Hypothesis explores new ones at each run.
settings.register_profile("ci", max_examples=300, deadline=None, derandomize=True)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.load_profile("ci" if ON_CI else "dev")


def pytest_report_header(config) -> str:
    """What a CI log needs to replay a run: the Hypothesis profile (derandomised on CI)."""
    current = settings()
    return (
        f"hypothesis profile: {'ci' if ON_CI else 'dev'} (derandomize={current.derandomize}, "
        f"max_examples={current.max_examples}); other tests use no randomness"
    )


def data_path(*parts: str) -> Path:
    """A file of ``tests/data`` (real files and reference figures, with their provenance)."""
    path = DATA.joinpath(*parts)
    if not path.exists():
        pytest.fail(f"test data missing from the repository: {path}")
    return path


@pytest.fixture(autouse=True)
def _no_settings_from_the_environment(monkeypatch):
    """A developer's ORTKPI_CONFIG must not change what the tests see."""
    monkeypatch.delenv("ORTKPI_CONFIG", raising=False)


@pytest.fixture(scope="session")
def reference_csv() -> Path:
    return data_path("reference", "ecole-de-travail.csv")


@cache
def libreoffice_missing() -> str | None:
    """Why ``tools/lo-check`` cannot run here (None when it can): soffice or uno missing."""
    soffice = (
        os.environ.get("LO_CHECK_SOFFICE") or shutil.which("soffice") or shutil.which("libreoffice")
    )
    if not soffice:
        return "LibreOffice absent (soffice not found; Debian: libreoffice-calc-nogui)"
    candidates = [os.environ.get("LO_CHECK_PYTHON"), "/usr/bin/python3", shutil.which("python3")]
    for python in filter(None, candidates):
        if os.path.exists(python):
            probe = subprocess.run([python, "-c", "import uno"], capture_output=True)
            if probe.returncode == 0:
                return None
    return "LibreOffice's Python bridge absent (no python3 can import uno; Debian: python3-uno)"


@pytest.fixture(scope="session")
def lo_check() -> Path:
    """lo-check; skipped locally without LibreOffice, a failure on CI (CI=true)."""
    reason = libreoffice_missing()
    if reason is not None:
        if ON_CI:
            pytest.fail(f"{reason}: LibreOffice is required on CI")
        pytest.skip(reason)
    return LO_CHECK


@pytest.fixture(scope="session")
def pdftotext() -> Path:
    """poppler's pdftotext, to read what LibreOffice drew; skipped locally, required on CI."""
    found = shutil.which("pdftotext")
    if found is None:
        reason = "poppler-utils absent (pdftotext not found): a rendered PDF cannot be read here"
        if ON_CI:
            pytest.fail(f"{reason}; it is required on CI")
        pytest.skip(reason)
    return Path(found)


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Headless Chromium; skipped locally when absent, a failure on CI (CI=true)."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if ON_CI:
            pytest.fail("Chromium is required on CI but was not found (apt-get install chromium)")
        pytest.skip("Chromium absent: the publication cannot be rendered here")
    return Path(found)


@pytest.fixture(scope="session")
def corpus(tmp_path_factory) -> dict[str, Path]:
    """The workbook corpus of ``tests/corpus/build.py``, built once per session."""
    from corpus.build import build_all

    return build_all(tmp_path_factory.mktemp("corpus"))
