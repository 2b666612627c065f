"""The patch writer: apply a ``ChangeSet`` to a person's workbook without losing anything.

openpyxl rebuilds a workbook from what it understands and drops the rest (buttons, shapes,
sparklines, cross-sheet dropdowns, note sizes, cached values…). This writer instead edits only
the parts the tool owns: the changed cells of the named sheets, appended styles, the tool's own
notes and conditional format, its own sheets, and the few workbook-level entries that go with
them. Every other member of the zip is copied as its original compressed bytes.

Order of work: guard the source, plan every edit and collect everything that cannot be done
safely (refused together, in French, before anything is written: ``planners``), write a
temporary file beside the target, verify it against the source (``verify``), then move it
into place atomically, keeping the previous version as a backup when writing in place.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

from ..bulk import paused_gc
from ..errors import WorkbookError
from ..workbook.changes import ChangeSet
from .atomic import replace_atomically
from .guard import check_can_write, check_workbook_file
from .opc import Package
from .options import WriteOptions
from .plan import Plan, WriteReport
from .planners import plan_changes
from .verify import verify_written
from .zipio import ZipWriter


def write_changes(
    source: str | Path,
    target: str | Path,
    changes: ChangeSet,
    options: WriteOptions | None = None,
) -> WriteReport:
    """Apply ``changes`` to ``source`` and write the result to ``target`` (may be ``source``).

    In place, the previous version is kept as ``<name><options.backup_suffix>`` ("" keeps
    none). Raises ``WorkbookError`` (French) when the file is unreadable, held open,
    read-only, or when an edit could not be made without damage; in every such case nothing
    has been written.
    """
    options = options or WriteOptions()
    source, target = Path(source), Path(target)
    if source.suffix.lower() != target.suffix.lower():
        raise WorkbookError(
            f"Le classeur écrit doit garder l'extension de « {source.name} » "
            f"({source.suffix or 'aucune'}) : « {target.name} » ne s'ouvrirait pas dans Excel "
            "(un classeur à macros ne peut pas s'appeler .xlsx, ni un classeur .csv)."
        )
    in_place = _same_file(source, target)
    found = check_workbook_file(source, limits=options.limits)
    if target.suffix.lower() != f".{found.kind}" and found.kind in ("xlsm", "xltm"):
        raise WorkbookError(
            f"« {source.name} » est un classeur à macros (.{found.kind}) enregistré sous "
            f"l'extension {source.suffix} : Excel refuse de l'ouvrir sous ce nom. Renommez-le "
            f"en .{found.kind}, puis relancez (rien n'a été modifié)."
        )
    check_can_write(target, replacing=in_place)
    with Package(source) as package, paused_gc():
        plan = plan_changes(package, changes, options, source)
        report = plan.report
        assert report is not None
        report.target = target
        if in_place and not plan.changed:
            return report
        report.backup = replace_atomically(
            target,
            lambda tmp: write_package(package, plan, tmp),
            lambda tmp: verify_written(package, plan, tmp),
            options.backup_suffix if in_place else None,
        )
        report.written = True
        return report


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (b.exists() and os.path.samefile(a, b))
    except OSError:
        return False


def write_package(package: Package, plan: Plan, out: Path) -> None:
    """The new zip: planned parts compressed, every other member copied raw."""
    with open(out, "wb") as handle:
        writer = ZipWriter(handle)
        for info in package.infos:
            name = info.filename
            if name in plan.removed:
                continue
            if name in plan.parts:
                writer.add(name, plan.parts[name], info)
            else:
                writer.copy_raw(info, package.raw(name))
        template = package.info("[Content_Types].xml")
        for name in plan.added:
            writer.add(name, plan.parts[name], _new_member_template(template))
        writer.close()


def _new_member_template(template: zipfile.ZipInfo) -> zipfile.ZipInfo:
    """New members take the date and attributes of ``[Content_Types].xml`` (deterministic)."""
    info = zipfile.ZipInfo("new", date_time=template.date_time)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = template.create_system
    info.create_version = template.create_version
    info.external_attr = template.external_attr
    return info
