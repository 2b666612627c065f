"""Writing in place: atomic replace, backup, refusals before writing, and kill -9 at any moment."""

from __future__ import annotations

import os
import random
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from corpus.build import COL, HEADER_ROW, SITE, big_site
from corpus.changes import computed_changes
from corpus.hostile import excel_owner_file

from ortkpi_xl.config import default_config
from ortkpi_xl.errors import WorkbookError
from ortkpi_xl.workbook.changes import CellChange, ChangeSet
from ortkpi_xl.workbook.patch import write_workbook
from ortkpi_xl.xlsx import atomic
from ortkpi_xl.xlsx.guard import check_workbook_file

ROOT = Path(__file__).resolve().parent.parent
RATES = [COL[k] for k in ("presentation", "interruption", "rupture", "obtention", "poursuite")]


def copy(source: Path, folder: Path, name: str = "indicateurs.xlsx") -> Path:
    target = folder / name
    target.write_bytes(source.read_bytes())
    return target


def leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.startswith(atomic.TEMP_PREFIX)]


def test_in_place_keeps_a_backup_and_replaces_atomically(corpus, tmp_path):
    path = copy(corpus["rich"], tmp_path, "rich.xlsm")
    original = path.read_bytes()
    path.chmod(0o640)
    report = write_workbook(path, path, computed_changes(), default_config())
    assert report.written and report.backup == tmp_path / "rich.xlsm.bak"
    assert report.backup.read_bytes() == original
    assert path.read_bytes() != original
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert leftovers(tmp_path) == []
    check_workbook_file(path)
    # a second identical run changes nothing and does not touch the file or the backup
    written = path.read_bytes()
    again = write_workbook(path, path, computed_changes(), default_config())
    assert not again.written and again.backup is None
    assert path.read_bytes() == written and report.backup.read_bytes() == original


def test_backup_can_be_turned_off(corpus, tmp_path):
    path = copy(corpus["plain"], tmp_path)
    write_workbook(path, path, computed_changes(), default_config(), backup_suffix="")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["indicateurs.xlsx"]


def test_held_by_excel_nothing_is_written(corpus, tmp_path):
    path = copy(corpus["plain"], tmp_path)
    original = path.read_bytes()
    excel_owner_file(tmp_path / "~$indicateurs.xlsx", "Marie Curie")
    with pytest.raises(WorkbookError, match="ouvert dans Excel par Marie Curie"):
        write_workbook(path, path, computed_changes(), default_config())
    assert path.read_bytes() == original
    assert not (tmp_path / "indicateurs.xlsx.bak").exists() and leftovers(tmp_path) == []


def test_excel_lock_at_the_last_moment(corpus, tmp_path, monkeypatch):
    """On Windows, Excel's lock makes os.replace fail: say so, keep everything as it was."""
    path = copy(corpus["plain"], tmp_path)
    original = path.read_bytes()
    real_replace = os.replace

    def replace(src, dst):  # type: ignore[no-untyped-def]
        if Path(dst) == path:
            raise PermissionError(13, "Permission denied")
        return real_replace(src, dst)

    monkeypatch.setattr(atomic.os, "replace", replace)
    with pytest.raises(WorkbookError, match="ouvert dans Excel ou en cours de synchronisation"):
        write_workbook(path, path, computed_changes(), default_config())
    assert path.read_bytes() == original and leftovers(tmp_path) == []


def test_a_failed_verification_writes_nothing(corpus, tmp_path, monkeypatch):
    from ortkpi_xl.xlsx import verify

    path = copy(corpus["plain"], tmp_path)
    original = path.read_bytes()

    def broken(*args):  # type: ignore[no-untyped-def]
        raise verify.Mismatch("la cellule A1 a changé sans être visée")

    monkeypatch.setattr(verify, "check_written", broken)
    with pytest.raises(WorkbookError, match="Vérification après écriture.*A1"):
        write_workbook(path, path, computed_changes(), default_config())
    assert path.read_bytes() == original and leftovers(tmp_path) == []
    assert not (tmp_path / "indicateurs.xlsx.bak").exists()


def test_output_elsewhere_leaves_the_source_alone(corpus, tmp_path):
    source = copy(corpus["plain"], tmp_path)
    original = source.read_bytes()
    out = tmp_path / "sortie.xlsx"
    report = write_workbook(source, out, computed_changes(), default_config())
    assert report.written and report.backup is None
    assert source.read_bytes() == original and out.exists()


_CHILD = """
import sys
sys.path[:0] = [{root!r}, {tests!r}]
from pathlib import Path
from ortkpi_xl.config import default_config
from ortkpi_xl.workbook.patch import write_workbook
from test_writer_atomic import big_changes
config = default_config()
changes = big_changes()
print("ready", flush=True)
path = Path(sys.argv[1])
write_workbook(path, path, changes, config)
print("done", flush=True)
"""


def big_changes() -> ChangeSet:
    changes = ChangeSet()
    for row in range(HEADER_ROW + 1, HEADER_ROW + 1 + 3000):
        for col in RATES:
            changes.add(SITE, CellChange(row, col, value=0.5, number_format="0.0%"))
    return changes


def test_kill_9_at_any_moment_leaves_the_original_intact(tmp_path):
    """SIGKILL while writing in place: the workbook is the old one or the new one, whole."""
    source = big_site(tmp_path / "source.xlsx", 3000)
    original = source.read_bytes()
    expected_path = tmp_path / "attendu.xlsx"
    start = time.perf_counter()
    write_workbook(source, expected_path, big_changes(), default_config())
    duration = time.perf_counter() - start
    expected = expected_path.read_bytes()
    script = _CHILD.format(root=str(ROOT), tests=str(ROOT / "tests"))
    seed = random.randrange(10**6)
    rng = random.Random(seed)
    outcomes = []
    for attempt in range(6):
        folder = tmp_path / f"run{attempt}"
        folder.mkdir()
        target = folder / "indicateurs.xlsx"
        target.write_bytes(original)
        child = subprocess.Popen(
            [sys.executable, "-c", script, str(target)], stdout=subprocess.PIPE, text=True
        )
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"
        delay = duration * (attempt + rng.random()) / 5  # spread over the whole write
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=60)
        data = target.read_bytes()
        assert data in (original, expected), f"seed {seed}, delay {delay:.3f}s: mixed file"
        backup = folder / "indicateurs.xlsx.bak"
        if backup.exists():
            assert backup.read_bytes() == original, f"seed {seed}: partial backup"
        check_workbook_file(target)
        outcomes.append(("old" if data == original else "new") + "+tmp" * bool(leftovers(folder)))
    print(f"kill -9 outcomes (seed {seed}, write {duration:.2f} s): {outcomes}")
    assert any(o.startswith("old") for o in outcomes), f"seed {seed}: never killed ({outcomes})"


def test_temporaries_left_by_a_killed_run_are_cleaned(corpus, tmp_path):
    path = copy(corpus["plain"], tmp_path)
    stale = tmp_path / f"{atomic.TEMP_PREFIX}indicateurs.xlsx-abc123.tmp"
    stale.write_bytes(b"PK partial")
    fresh = tmp_path / f"{atomic.TEMP_PREFIX}indicateurs.xlsx-def456.tmp"
    fresh.write_bytes(b"PK writing now")
    old = time.time() - atomic.STALE_AFTER - 60
    os.utime(stale, (old, old))
    write_workbook(path, path, computed_changes(), default_config())
    assert not stale.exists() and fresh.exists()


def test_backup_suffix_comes_from_the_configuration(corpus, tmp_path):
    from ortkpi_xl.config import config_from_mapping

    path = copy(corpus["plain"], tmp_path)
    config = config_from_mapping({"suffixe_sauvegarde": ".avant-ortkpi"})
    report = write_workbook(path, path, computed_changes(), config)
    assert report.backup == tmp_path / "indicateurs.xlsx.avant-ortkpi"
