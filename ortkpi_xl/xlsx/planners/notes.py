"""The tool's notes on a person's sheet: the comments part and its VML drawing.

Which note the tool may add, replace or remove is the rule shared with the other writers
(``marking.note_step``); a person's note is never touched and is reported. A sheet without notes
gets new comments and VML parts, linked from the sheet by a ``<legacyDrawing>``; parts left
empty go away with their relationships.
"""

from __future__ import annotations

from ...workbook.changes import CellChange
from ..marking import note_step
from ..notes import SheetNotes
from ..opc import CT_COMMENTS, CT_VML, REL_COMMENTS, REL_VML
from ..sheetxml import cell_ref, followers, insert_before, parse_ref
from ..xmlscan import XmlProblem
from ..xmlwrite import element
from .base import Planning
from .book import rid_attrs
from .sheet import EditedSheet

AFTER_LEGACY_DRAWING = followers("legacyDrawing")


def plan_notes(planning: Planning, work: EditedSheet, changes: list[CellChange]) -> None:
    name, part, sheet = work.name, work.part, work.sheet
    pkg, parts, plan = planning.pkg, planning.parts, planning.plan
    rels = pkg.rels(part)
    comments_rel = next((r for r in rels if r.type == REL_COMMENTS and r.part), None)
    vml_rid = sheet.rid("legacyDrawing")
    vml_rel = next((r for r in rels if r.id == vml_rid and r.part), None) if vml_rid else None
    comments_part = comments_rel.part if comments_rel else None
    vml_part = vml_rel.part if vml_rel else None
    if comments_part and not pkg.has(comments_part):
        comments_part = None
    if vml_part and not pkg.has(vml_part):
        vml_part = None
    tool_texts = {
        parse_ref(ref): mark.note
        for (sheet_name, ref), mark in planning.registry.marks.items()
        if sheet_name == name and mark.note
    }
    try:
        notes = SheetNotes(
            pkg.read(comments_part) if comments_part else None,
            pkg.read(vml_part) if vml_part else None,
            planning.vml_block() if vml_part is None else 0,
            planning.options.note_author,
            tool_texts,
        )
    except XmlProblem as exc:
        planning.refuse(
            f"les notes de la feuille « {name} » sont dans un format inattendu ({exc.reason})"
        )
        return
    for change in changes:
        row, col = change.row, change.column
        ref = cell_ref(row, col)
        step = note_step(
            planning.registry.get(name, ref),
            notes.text(row, col),
            notes.by_tool_author(row, col),
            change.note,
        )
        if step.action == "kept":
            planning.report.notes_kept.append(f"« {name} »!{ref}")
            continue
        if step.action in ("add", "replace"):
            notes.put(row, col, step.text)
        elif step.action == "remove":
            notes.remove(row, col)
        planning.registry.set(name, ref, step.mark)
    if not notes.changed:
        return
    comments_out, vml_out = notes.render()
    if comments_part:
        plan.comments_parts.add(comments_part)
        plan.tool_notes[comments_part] = tool_texts
        if comments_out is None:
            parts.remove_part(comments_part)
            assert comments_rel is not None
            parts.rels(part).remove_where("Relationship", "Id", comments_rel.id)
        else:
            parts.set_part(comments_part, comments_out)
    elif comments_out is not None:
        new = parts.free_name("xl/comments{}.xml")
        parts.set_part(new, comments_out)
        plan.comments_parts.add(new)
        parts.add_rel(part, REL_COMMENTS, new)
        parts.add_override(new, CT_COMMENTS)
    drawing = sheet.kid("legacyDrawing")
    patcher = work.patcher
    if vml_part:
        plan.vml_parts.add(vml_part)
        if vml_out is None:
            parts.remove_part(vml_part)
            assert vml_rel is not None
            parts.rels(part).remove_where("Relationship", "Id", vml_rel.id)
            if drawing is not None:
                patcher.extra.append((drawing.start, drawing.end, b""))
        else:
            parts.set_part(vml_part, vml_out)
    elif vml_out is not None:
        new = parts.free_name("xl/drawings/vmlDrawing{}.vml")
        parts.set_part(new, vml_out)
        plan.vml_parts.add(new)
        rid = parts.add_rel(part, REL_VML, new)
        parts.add_default("vml", CT_VML)
        element_ = element(sheet.p, "legacyDrawing", rid_attrs(sheet.root.attrs, rid))
        if drawing is not None:
            patcher.extra.append((drawing.start, drawing.end, element_))
        else:
            pos = insert_before(sheet, AFTER_LEGACY_DRAWING)
            patcher.extra.append((pos, pos, element_))
