"""Replacing a file so that an interruption at any moment leaves the previous version whole.

The new file is written beside the target (same folder, so same file system), flushed to disk,
checked, and only then moved over the target with ``os.replace``, which is atomic: a reader, a
crash or ``kill -9`` sees the old file or the new one, never a mix. The previous version is kept
as ``<stem><suffix><extension>`` (``indicateurs.sauvegarde.xlsx``: it still opens in Excel on a
double-click), itself written the same way. On Windows a file
opened by Excel refuses the move (``PermissionError``): the target is then left untouched.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import stat
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from ..errors import WorkbookError, system_reason

TEMP_PREFIX = ".~ortkpi-"


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


STALE_AFTER = 600  # seconds: a temporary file this old was left by an interrupted run


def _temp_beside(target: Path, suffix: str) -> Path:
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=_prefix(target), suffix=suffix)
    os.close(fd)
    return Path(name)


def _prefix(target: Path) -> str:
    return f"{TEMP_PREFIX}{target.name}-"


def remove_stale_temporaries(target: Path) -> list[Path]:
    """Delete what a killed run left beside ``target`` (old enough not to be a live write)."""
    removed = []
    now = time.time()
    for path in target.parent.glob(glob.escape(_prefix(target)) + "*.tmp"):
        with contextlib.suppress(OSError):
            if now - path.stat().st_mtime > STALE_AFTER:
                path.unlink()
                removed.append(path)
    return removed


def backup_path(target: Path, suffix: str) -> Path:
    """Where the previous version of ``target`` is kept: the suffix goes before the extension."""
    return target.with_name(f"{target.stem}{suffix}{target.suffix}")


def _locked_message(target: Path) -> str:
    return (
        f"Le classeur « {target.name} » n'a pas pu être remplacé : il est sans doute ouvert dans "
        "Excel ou en cours de synchronisation (OneDrive, SharePoint) ; fermez-le puis relancez. "
        "Il n'a pas été modifié."
    )


def replace_atomically(
    target: Path,
    produce: Callable[[Path], None],
    check: Callable[[Path], None],
    backup_suffix: str | None,
) -> Path | None:
    """Write with ``produce(tmp)``, ``check(tmp)``, keep a backup, then move into place.

    Returns the backup's path (None when no backup was asked or there was no previous file).
    """
    target = Path(target)
    remove_stale_temporaries(target)
    tmp = _temp_beside(target, ".tmp")
    backup_tmp: Path | None = None
    try:
        produce(tmp)
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        check(tmp)
        if target.exists():
            mode = stat.S_IMODE(target.stat().st_mode)
        else:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(tmp, mode)
        backup = None
        if backup_suffix and target.exists():
            backup = backup_path(target, backup_suffix)
            backup_tmp = _temp_beside(target, ".bak.tmp")
            shutil.copyfile(target, backup_tmp)
            shutil.copymode(target, backup_tmp)
            with open(backup_tmp, "rb+") as handle:
                os.fsync(handle.fileno())
            try:
                os.replace(backup_tmp, backup)
            except PermissionError:
                raise WorkbookError(
                    f"La copie de sauvegarde « {backup.name} » n'a pas pu être remplacée (ouverte "
                    "ailleurs ou en lecture seule) : fermez-la ou supprimez-la, puis relancez. "
                    f"« {target.name} » n'a pas été modifié."
                ) from None
            except OSError as exc:  # e.g. a folder of that name
                raise WorkbookError(
                    f"La copie de sauvegarde « {backup.name} » n'a pas pu être écrite "
                    f"({system_reason(exc)}) : renommez ou déplacez ce qui porte ce nom, puis "
                    f"relancez. « {target.name} » n'a pas été modifié."
                ) from None
            backup_tmp = None
        try:
            os.replace(tmp, target)
        except PermissionError:
            raise WorkbookError(_locked_message(target)) from None
        except OSError as exc:
            raise WorkbookError(
                f"« {target.name} » n'a pas pu être écrit ({system_reason(exc)}) ; il n'a pas été "
                "modifié."
            ) from None
        _fsync_dir(target.parent)
        return backup
    finally:
        for leftover in (tmp, backup_tmp):
            if leftover is not None:
                with contextlib.suppress(FileNotFoundError):
                    leftover.unlink()
