"""The sheets the tool owns (``Contrôles``, ``Synthèse``, the registry): rewritten whole.

Everything that hung from the old sheet (drawing, charts, notes) goes first, except a part
something else still refers to; the new sheet takes the old one's part name and place, or is
added after the others (refused when the workbook's structure is protected). Charts are
rebuilt from their ``ChartSpec``, never duplicated.
"""

from __future__ import annotations

from ...workbook.changes import OwnedSheet
from ...workbook.marks import REGISTRY_SHEET
from ..charts import CT_CHART, CT_DRAWING, REL_DRAWING, render_charts
from ..opc import CT_WORKSHEET, REL_WORKSHEET, relationship_xml, relative, rels_name, rels_part
from ..ownedsheet import OwnedStyles, print_names, render_owned_sheet
from ..plan import rels_source
from ..sheetread import sheet_opening
from ..xmlscan import XmlProblem
from .base import Planning
from .book import SheetEntry, WorkbookPart

_BAD_SHEET_CHARS = set("[]:*?/\\")


def plan_owned(planning: Planning, book: WorkbookPart, owned: list[OwnedSheet]) -> None:
    """Rewrite each owned sheet whole; everything hanging from the old one goes first."""
    styles = OwnedStyles(planning.styles, planning.options.header_colour)
    locked = book.structure_locked()
    pkg, parts = planning.pkg, planning.parts
    found: list[tuple[OwnedSheet, SheetEntry | None, str | None]] = []
    for sheet in owned:
        if not sheet.name or len(sheet.name) > 31 or set(sheet.name) & _BAD_SHEET_CHARS:
            raise ValueError(f"invalid owned sheet name {sheet.name!r}")
        entry = book.find_sheet(sheet.name)
        part = None
        if entry is not None:
            rel, part = book.sheet_part(entry)
            if rel is None or part is None or rel.type != REL_WORKSHEET:
                planning.refuse(
                    f"« {entry.name} » existe déjà mais n'est pas une feuille de calcul : "
                    "renommez-la pour que l'outil puisse écrire la sienne"
                )
                continue
            part = pkg.name(part) or part
            if not _written_by_the_tool(planning, sheet, entry, part):
                continue
            _drop_dependents(planning, part)  # before naming new parts: names are reused
        found.append((sheet, entry, part))
    for sheet, entry, part in found:
        index = book.sheets.index(entry) if entry else len(book.sheets) + len(book.new_entries)
        book.filters[str(index)] = (entry.name if entry else sheet.name, print_names(sheet))
        if part is None:
            if locked:
                planning.refuse(
                    f"la structure du classeur est protégée : impossible d'ajouter la "
                    f"feuille « {sheet.name} » (Révision > Protéger le classeur pour l'ôter)"
                )
                continue
            part = parts.free_name("xl/worksheets/sheet{}.xml")
            parts.add_override(part, CT_WORKSHEET)
            rid = parts.add_rel(book.part, REL_WORKSHEET, part)
            book.add_sheet(sheet.name, rid, very_hidden=sheet.name == REGISTRY_SHEET)
        drawing_rid = _plan_charts(planning, sheet, part) if sheet.charts else None
        parts.set_part(part, render_owned_sheet(sheet, styles, drawing_rid))
        planning.plan.owned_parts.add(part)


def _written_by_the_tool(
    planning: Planning, sheet: OwnedSheet, entry: SheetEntry, part: str
) -> bool:
    """A sheet of an owned sheet's name is replaced only when ``OwnedSheet.replaces`` says
    so; otherwise it is a person's sheet and the write is refused (nothing of theirs lost)."""
    if not sheet.claims:
        return True
    try:
        filled, first = sheet_opening(planning.pkg, part)
    except XmlProblem:
        filled, first = True, None
    if sheet.replaces(filled, first):
        return True
    planning.refuse(sheet.refusal(first))
    return False


def _drop_dependents(planning: Planning, part: str) -> None:
    """Remove what an owned sheet's relationships lead to (its drawing, charts, notes…),
    except a part that something else still refers to, then its relationships."""
    pkg, parts, plan = planning.pkg, planning.parts, planning.plan
    found: list[str] = []
    todo = [part]
    while todo:
        for rel in pkg.rels(todo.pop()):
            target = rel.part
            if rel.external or target is None or not pkg.has(target):
                continue
            if target != part and target not in found:
                found.append(target)
                todo.append(target)
    inside = {part, *found}
    kept: set[str] = set()
    for info in pkg.infos:
        source = rels_source(info.filename)
        if source is None or source in inside:
            continue
        kept |= {r.part for r in pkg.rels(source) if r.part in inside}
    todo = [k for k in kept if k != part]
    while todo:  # what a kept part refers to is kept too
        for rel in pkg.rels(todo.pop()):
            if rel.part in inside and rel.part not in kept:
                kept.add(rel.part)
                todo.append(rel.part)
    for name in [part, *found]:
        if name not in kept or name == part:
            rels = pkg.name(rels_name(name))
            if rels is not None:
                parts.remove_part(rels)
                plan.owned_parts.add(rels)
        if name != part and name not in kept:
            parts.remove_part(name)
            plan.owned_parts.add(name)


def _plan_charts(planning: Planning, sheet: OwnedSheet, part: str) -> str:
    """Drawing and chart parts for an owned sheet's charts; the sheet's drawing r:id."""
    parts = planning.parts
    drawing = parts.free_name("xl/drawings/drawing{}.xml")
    chart_names: list[str] = []
    n = 1
    while len(chart_names) < len(sheet.charts):
        name = f"xl/charts/chart{n}.xml"
        if not parts.exists(name):
            chart_names.append(name)
        n += 1
    rendered = render_charts(sheet, planning.options.header_colour, drawing, chart_names)
    parts.set_part(drawing, rendered.drawing)
    parts.add_override(drawing, CT_DRAWING)
    parts.set_part(rels_name(drawing), rendered.drawing_rels)
    for name, xml in zip(chart_names, rendered.charts, strict=True):
        parts.set_part(name, xml)
        parts.add_override(name, CT_CHART)
    rid = "rId1"  # the sheet's only relationship: its relationships part is rewritten
    sheet_rels = rels_part([relationship_xml(rid, REL_DRAWING, relative(part, drawing))])
    parts.set_part(rels_name(part), sheet_rels)
    planning.plan.owned_parts |= {drawing, rels_name(drawing), rels_name(part), *chart_names}
    return rid
