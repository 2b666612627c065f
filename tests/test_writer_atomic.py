"""Writing in place: atomic replace, backup, refusals before writing, and kill -9 at any moment."""

from __future__ import annotations

import json
import os
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
    assert report.written and report.backup == tmp_path / "rich.sauvegarde.xlsm"
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
    assert not (tmp_path / "indicateurs.sauvegarde.xlsx").exists() and leftovers(tmp_path) == []


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
    assert not (tmp_path / "indicateurs.sauvegarde.xlsx").exists()


def test_output_elsewhere_leaves_the_source_alone(corpus, tmp_path):
    source = copy(corpus["plain"], tmp_path)
    original = source.read_bytes()
    out = tmp_path / "sortie.xlsx"
    report = write_workbook(source, out, computed_changes(), default_config())
    assert report.written and report.backup is None
    assert source.read_bytes() == original and out.exists()


_CHILD = """
import json, os, shutil, signal, sys
sys.path[:0] = [{root!r}, {tests!r}]
from pathlib import Path
from ortkpi_xl.config import default_config
from ortkpi_xl.xlsx import zipio
from ortkpi_xl.workbook.patch import write_workbook
from test_writer_atomic import big_changes

seen, stop_at = [], 0

def checkpoint(name, function):
    def wrapped(*args, **kwargs):
        seen.append(name)
        if len(seen) == stop_at:
            os.kill(os.getpid(), signal.SIGKILL)
        return function(*args, **kwargs)
    return wrapped

# every step of an in-place write that touches the disk: zip members of the temporary file,
# flushes, the mode, the backup copy, and each rename
for owner, name in [(zipio.ZipWriter, "add"), (zipio.ZipWriter, "copy_raw"), (os, "fsync"),
                    (os, "chmod"), (shutil, "copyfile"), (os, "replace")]:
    setattr(owner, name, checkpoint(name, getattr(owner, name)))
changes, config = big_changes(), default_config()
statuses = {{}}
for target, stop in json.loads(sys.argv[1]):  # one fork per write: imports paid once
    pid = os.fork()
    if pid == 0:
        stop_at = stop  # 0: run through and list the steps
        write_workbook(Path(target), Path(target), changes, config)
        print(json.dumps(seen), flush=True)
        os._exit(0)
    statuses[target] = os.waitpid(pid, 0)[1]
print(json.dumps(statuses), flush=True)
"""


def big_changes() -> ChangeSet:
    changes = ChangeSet()
    for row in range(HEADER_ROW + 1, HEADER_ROW + 1 + 300):
        for col in RATES:
            changes.add(SITE, CellChange(row, col, value=0.5, number_format="0.0%"))
    return changes


def _write_in_children(runs: list[tuple[Path, int]]) -> tuple[list[str], dict[str, int]]:
    """Write each target in place in a forked child killed at its step (0: not killed)."""
    script = _CHILD.format(root=str(ROOT), tests=str(ROOT / "tests"))
    done = subprocess.run(
        [sys.executable, "-c", script, json.dumps([(str(p), stop) for p, stop in runs])],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    *steps, statuses = done.stdout.splitlines()
    return [json.loads(s) for s in steps], json.loads(statuses)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork (POSIX)")
def test_kill_9_at_every_step_leaves_the_old_file_or_the_new_one_whole(tmp_path):
    """SIGKILL at each step of a write in place (chosen, not timed): the workbook is the old
    one until the final rename and the new one after it, never a mix; the backup is whole."""
    source = big_site(tmp_path / "source.xlsx", 300)
    original = source.read_bytes()
    (tmp_path / "full").mkdir()
    full = copy(source, tmp_path / "full")
    [steps], statuses = _write_in_children([(full, 0)])
    assert statuses == {str(full): 0}
    expected = full.read_bytes()
    assert expected != original
    final_rename = len(steps) - steps[::-1].index("replace")  # 1-based: the target's rename
    zip_steps = [i for i, s in enumerate(steps, 1) if s in ("add", "copy_raw")]
    stops = sorted(
        {zip_steps[0], zip_steps[len(zip_steps) // 2], zip_steps[-1]}
        | {i for i, s in enumerate(steps, 1) if s not in ("add", "copy_raw")}
    )
    targets = {}
    for stop in stops:
        (tmp_path / f"stop{stop}").mkdir()
        targets[stop] = copy(source, tmp_path / f"stop{stop}")
    _, statuses = _write_in_children([(target, stop) for stop, target in targets.items()])
    for stop, target in targets.items():
        where = f"killed at step {stop} ({steps[stop - 1]}) of {steps}"
        assert os.WIFSIGNALED(statuses[str(target)]), where
        assert os.WTERMSIG(statuses[str(target)]) == signal.SIGKILL, where
        data = target.read_bytes()
        assert data == (original if stop <= final_rename else expected), where
        backup = target.parent / "indicateurs.sauvegarde.xlsx"
        if backup.exists():
            assert backup.read_bytes() == original, f"{where}: partial backup"
        check_workbook_file(target)


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
    assert report.backup == tmp_path / "indicateurs.avant-ortkpi.xlsx"
