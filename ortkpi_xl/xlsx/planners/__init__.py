"""Planning a write: every edit decided, and every refusal collected, before a byte is written.

``plan_changes`` reads what the whole write needs once (workbook part, stylesheet, registry of
the tool's marks), then hands each concern to its planner — cells and their formats, the
tool's conditional formats, notes, owned sheets and charts, the workbook part — and finally
renders the stylesheet, relationships and content types once.
"""

from __future__ import annotations

from pathlib import Path

from ...workbook.changes import ChangeSet
from ...workbook.marks import REGISTRY_SHEET
from ..opc import REL_STYLES, REL_WORKSHEET, Package
from ..options import WriteOptions
from ..plan import Plan
from ..registry import read_registry, registry_sheet
from ..styles import Styles
from ..xmlscan import XmlProblem
from .base import Planning
from .book import WorkbookPart
from .cells import plan_cells
from .formats import CellFormats
from .notes import plan_notes
from .owned import plan_owned
from .rules import plan_rule
from .sheet import finish_sheet, open_sheet


def plan_changes(package: Package, changes: ChangeSet, options: WriteOptions, source: Path) -> Plan:
    """The plan for ``changes``; raises ``WorkbookError`` (French) listing every refusal."""
    planning = Planning(package, options, source)
    book = WorkbookPart(planning)
    _read_styles(planning, book)
    _read_registry(planning, book)
    owned_names = {o.name.casefold() for o in changes.owned_sheets}
    for name in [*changes.cells, *changes.pending_rules]:
        if name.casefold() in owned_names or name.casefold() == REGISTRY_SHEET:
            raise ValueError(f"sheet {name!r} is both changed in place and owned")
    formats = CellFormats(planning)
    for name in dict.fromkeys([*changes.cells, *changes.pending_rules]):
        work = open_sheet(planning, book, name)
        if work is None:
            continue
        noted = []
        if name in changes.cells:
            planned = plan_cells(planning, formats, work, changes.cells[name])
            if planned is None:
                continue
            noted = planned
        if name in changes.pending_rules:  # before the notes: see rules.py
            plan_rule(planning, work, changes.pending_rules[name])
        if noted:
            plan_notes(planning, work, noted)
        finish_sheet(planning, book, work)
    planning.stop_if_refused()
    if changes.written is not None:
        planning.registry.values = {s: dict(v) for s, v in changes.written.items() if v}
    owned = list(changes.owned_sheets)
    registry = registry_sheet(planning.registry)  # its rows are packed once
    if len(registry.rows) > 1 or planning.registry_existed:
        owned.append(registry)
    if owned:
        plan_owned(planning, book, owned)
    planning.stop_if_refused()
    book.finish()
    if planning.styles.changed and planning.plan.styles_part:
        planning.parts.set_part(planning.plan.styles_part, planning.styles.render())
    planning.parts.finish()
    plan, report = planning.plan, planning.report
    report.changed_parts = sorted(n for n in plan.parts if n not in plan.added)
    report.added_parts = list(plan.added)
    report.removed_parts = sorted(plan.removed)
    return plan


def _read_styles(planning: Planning, book: WorkbookPart) -> None:
    rel = next((r for r in book.rels.values() if r.type == REL_STYLES), None)
    if rel is None or rel.part is None or not planning.pkg.has(rel.part):
        raise planning.refusal(["feuille de styles absente"])
    planning.plan.styles_part = rel.part
    try:
        planning.styles = Styles(planning.pkg.read(rel.part))
    except XmlProblem as exc:
        raise planning.refusal([f"feuille de styles ({exc.reason})"]) from None


def _read_registry(planning: Planning, book: WorkbookPart) -> None:
    entry = book.find_sheet(REGISTRY_SHEET)
    planning.registry_existed = entry is not None
    if entry is None:
        return
    rel, part = book.sheet_part(entry)
    if part is None or rel is None or rel.type != REL_WORKSHEET:
        return
    planning.registry, _ = read_registry(planning.pkg)
