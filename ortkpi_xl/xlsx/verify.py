"""Checking a written file against its source before it replaces anything.

The proof the patch writer owes the person: the new zip reads back with every CRC right; every
member the plan did not name is the same compressed bytes; in each patched sheet every cell the
tool did not target has the same value, formula, cached result and style (a shared formula
rewritten as plain formulas must say the same thing), and everything around the cells is
unchanged; styles were only appended to; a person's notes and VML shapes are all still there;
no sheet entry, relationship or content type of the source went missing except those the plan
removed, and the plan removed only the tool's own parts (an owned sheet's old drawing and charts,
emptied notes, the calculation chain). Drawings and charts of owned sheets are the tool's; a
person's are members like any other, compared byte for byte. Any difference stops the write
with a French message and the original untouched.
"""

from __future__ import annotations

import re
import zipfile
from collections import Counter
from pathlib import Path

from ..errors import WorkbookError
from .condformat import is_tool_rule, normal_sqref, rules_of
from .notes import SheetNotes, vml_shapes
from .opc import Package
from .plan import Plan, RuleEdit, rels_source
from .sheetxml import Cell, SharedGroup, SheetPart, cell_ref, col_letters
from .styles import LISTS, Styles
from .xmlscan import Span, XmlProblem, check_well_formed, children, root_children, root_tag
from .zipio import raw_member


class Mismatch(Exception):
    pass


def verify_written(source: Package, plan: Plan, written: Path) -> None:
    """Raise ``WorkbookError`` unless ``written`` is ``source`` plus exactly the plan."""
    try:
        check_written(source, plan, written)
    except Mismatch as exc:
        raise WorkbookError(
            f"Vérification après écriture de « {source.path.name} » : {exc}. Le classeur n'a "
            "pas été modifié ; signalez ce cas avec le fichier."
        ) from None


def check_written(source: Package, plan: Plan, written: Path) -> None:
    try:
        archive = zipfile.ZipFile(written)
    except zipfile.BadZipFile:
        raise Mismatch("le fichier écrit n'est pas une archive lisible") from None
    with archive, open(written, "rb") as raw:
        # members the plan wrote are read back (zipfile checks their CRC); every other member
        # must be the source's compressed bytes with the source's CRC
        after = {i.filename: i for i in archive.infolist()}
        expected = [i.filename for i in source.infos if i.filename not in plan.removed]
        expected += plan.added
        if sorted(after) != sorted(expected) or len(after) != len(archive.infolist()):
            raise Mismatch("la liste des éléments du classeur n'est pas celle prévue")
        for info in source.infos:
            name = info.filename
            if name in plan.removed:
                continue
            if name in plan.parts:
                if archive.read(name) != plan.parts[name]:
                    raise Mismatch(f"l'élément {name} n'a pas le contenu prévu")
                continue
            if raw_member(raw, after[name]) != source.raw(name) or after[name].CRC != info.CRC:
                raise Mismatch(f"l'élément {name}, qui ne devait pas changer, a changé")
        for name in plan.added:
            if archive.read(name) != plan.parts[name]:
                raise Mismatch(f"l'élément {name} n'a pas le contenu prévu")
    check_removed_are_owned(plan)
    for name, data in plan.parts.items():
        if name.lower().endswith((".xml", ".rels")):
            try:
                check_well_formed(data)
            except XmlProblem as exc:
                raise Mismatch(f"l'élément {name} est mal formé ({exc.reason})") from None
    for name in plan.parts:
        if name in plan.added or name in plan.owned_parts:
            continue
        before = source.read(name)
        after_data = plan.parts[name]
        try:
            if name in plan.sheet_targets:
                parsed = plan.sheets_before.get(name)
                rule = plan.rule_edits.get(name)
                diff_sheet(parsed or before, after_data, plan.sheet_targets[name], rule)
            elif name == plan.styles_part:
                _check_styles(before, after_data)
            elif name in plan.comments_parts:
                _check_comments(before, after_data, plan.note_author, plan.tool_notes.get(name))
            elif name in plan.vml_parts:
                _check_vml(before, after_data)
            else:
                _check_children_kept(name, before, after_data, plan)
        except XmlProblem as exc:
            raise Mismatch(
                f"l'élément {name} est illisible après écriture ({exc.reason})"
            ) from None


def check_removed_are_owned(plan: Plan) -> None:
    """Only the tool's parts may go: an owned sheet's old drawing, charts and notes, emptied
    note parts of a patched sheet, the calculation chain, and their relationships."""
    owned = plan.owned_parts | plan.comments_parts | plan.vml_parts | set(plan.sheet_targets)
    for name in plan.removed:
        if name in owned or rels_source(name) in owned:
            continue
        raise Mismatch(f"l'élément {name}, qui n'appartient pas à l'outil, a été retiré")


# ---------------------------------------------------------------------------------------------
# worksheets


def diff_sheet(
    before: bytes | SheetPart,
    after: bytes,
    targets: set[tuple[int, int]],
    rule: RuleEdit | None = None,
) -> None:
    """Every cell outside ``targets`` means the same before and after; so does the rest, but
    for the tool's own conditional format (``rule``)."""
    b = before if isinstance(before, SheetPart) else SheetPart(before)
    a = SheetPart(after)
    before = b.data
    ignored = {b"sheetData", b"dimension", b"legacyDrawing", b"conditionalFormatting"}
    around_b = [k.bytes(before) for k in b.kids if k.tag.local not in ignored]
    around_a = [k.bytes(after) for k in a.kids if k.tag.local not in ignored]
    if around_b != around_a:
        raise Mismatch("une partie de la feuille hors des cellules a changé")
    _check_rules(b, a, rule)
    if before[: b.root.end] != after[: a.root.end]:
        raise Mismatch("l'en-tête de la feuille a changé")
    groups: dict[str, dict[str, SharedGroup]] = {}

    def shared(sheet: SheetPart, key: str) -> dict[str, SharedGroup]:
        if key not in groups:  # only when a cell's bytes differ: rare, and costly to build
            groups[key] = sheet.shared_groups(sheet.formulas())
        return groups[key]

    masks: dict[frozenset[bytes], re.Pattern[bytes]] = {}
    target_rows: dict[int, set[bytes]] = {}
    for r, c in targets:
        target_rows.setdefault(r, set()).add(col_letters(c).encode())
    for row in sorted(set(b.rows) | set(a.rows)):
        span_b, span_a = b.rows.get(row), a.rows.get(row)
        if (
            span_b is not None
            and span_a is not None
            and span_b.bytes(before) == span_a.bytes(after)
        ):
            continue
        if row not in target_rows and (span_b is None or span_a is None):
            raise Mismatch(f"la ligne {row} a été ajoutée ou retirée")
        if span_b is not None and span_a is not None:
            head_b = b.data[span_b.start : span_b.tag.end]
            head_a = a.data[span_a.start : span_a.tag.end]
            if _without_spans(head_b) != _without_spans(head_a):
                raise Mismatch(f"les attributs de la ligne {row} ont changé")
        if span_b is not None and span_a is not None:
            mask = _mask(b.p, frozenset(target_rows.get(row, ())), masks)
            body_b = mask.sub(b"", before[span_b.inner_start : span_b.end])
            body_a = mask.sub(b"", after[span_a.inner_start : span_a.end])
            if body_b == body_a:  # the row's other cells, byte for byte
                continue
        differ = [col for col in set(b.cells(row)) | set(a.cells(row)) if (row, col) not in targets]
        cells_b, cells_a = b.cells(row), a.cells(row)
        for col in differ:
            cell_b, cell_a = cells_b.get(col), cells_a.get(col)
            if _meaning(cell_b, shared(b, "b")) != _meaning(cell_a, shared(a, "a")):
                raise Mismatch(f"la cellule {cell_ref(row, col)} a changé sans être visée")


def _mask(p: bytes, letters: frozenset[bytes], cache: dict) -> re.Pattern[bytes]:
    """A pattern for the target cells of a row (by column), to compare what is left."""
    if letters not in cache:
        q = re.escape(p)
        columns = b"|".join(sorted(letters)) or b"(?!)"
        cache[letters] = re.compile(
            rb"<" + q + rb'c r="(?:' + columns + rb')\d+"[^>]*?(?:/>|>.*?</' + q + rb"c>)", re.S
        )
    return cache[letters]


def _without_spans(head: bytes) -> bytes:
    return re.sub(rb"""\sspans\s*=\s*["'][^"']*["']""", b"", head).replace(b"/>", b">")


def _check_rules(b: SheetPart, a: SheetPart, edit: RuleEdit | None) -> None:
    """A person's conditional formats are all still there, in order, byte for byte; only the
    tool's recorded rule went, and only the planned rule came."""
    before = [(normal_sqref(r.sqref), r.data) for r in rules_of(b.data, b.kids)]
    after = [(normal_sqref(r.sqref), r.data) for r in rules_of(a.data, a.kids)]
    if edit is None:
        if before != after:
            raise Mismatch("une mise en forme conditionnelle a changé")
        return
    for rule in rules_of(b.data, b.kids):
        if rule.data in edit.removed:
            if not is_tool_rule(rule, edit.recorded):
                raise Mismatch("une mise en forme conditionnelle d'une personne a été retirée")
            before.remove((normal_sqref(rule.sqref), rule.data))
    if edit.added is not None:
        added = rules_of(edit.added, [Span(root_tag(edit.added), len(edit.added))])
        for rule in added:
            pair = (normal_sqref(rule.sqref), rule.data)
            if pair not in after:
                raise Mismatch("la mise en forme conditionnelle de l'outil manque")
            after.remove(pair)
    if before != after:
        raise Mismatch("une mise en forme conditionnelle d'une personne a changé")


def _meaning(cell: Cell | None, groups: dict[str, SharedGroup]) -> tuple:
    """What a cell says: attributes, formula (shared ones expanded), value and the rest."""
    if cell is None:
        return ()
    data = cell.bytes()
    attrs = tuple(sorted((k, v) for k, v in cell.attrs.items() if k != "r"))
    formula = None
    others = data[cell.span.tag.end - cell.span.start :]
    f = cell.formula
    if f is not None:
        start, end = f.span.start - cell.span.start, f.span.end - cell.span.start
        others = data[cell.span.tag.end - cell.span.start : start] + data[end:]
        kind, text = f.kind, f.text
        if kind == "shared":
            group = groups.get(f.attrs.get("si", ""))
            if group is not None and group.master != (cell.row, cell.col) and group.text:
                from openpyxl.formula.translate import Translator

                text = Translator("=" + group.text, origin=cell_ref(*group.master))
                text = text.translate_formula(cell_ref(cell.row, cell.col))[1:]
            kind = "normal"
        formula = (kind, text)
    return attrs, formula, others


# ---------------------------------------------------------------------------------------------
# other owned parts


def _check_styles(before: bytes, after: bytes) -> None:
    b, a = Styles(before), Styles(after)
    for name in LISTS:
        if a.items[name][: len(b.items[name])] != b.items[name]:
            raise Mismatch(f"un style existant ({name}) a été modifié")
    _, kids_b = root_children(before)
    _, kids_a = root_children(after)
    others_b = [k.bytes(before) for k in kids_b if k.tag.local.decode() not in LISTS]
    others_a = [k.bytes(after) for k in kids_a if k.tag.local.decode() not in LISTS]
    if others_b != others_a:
        raise Mismatch("une partie de la feuille de styles a changé")


def _check_comments(
    before: bytes, after: bytes, author: str, tool_texts: dict[tuple[int, int], str] | None
) -> None:
    b = SheetNotes(before, None, 1, author, tool_texts)
    a = SheetNotes(after, None, 1, author)
    if a.authors[: len(b.authors)] != b.authors and b.authors[: len(a.authors)] != a.authors:
        raise Mismatch("la liste des auteurs de notes a changé")
    for key, item in b.items.items():
        if b.owner(*key) == "person":
            other = a.items.get(key)
            if other is None or other.span.bytes(after) != item.span.bytes(before):
                raise Mismatch(f"la note d'une personne en {cell_ref(*key)} a changé")


def _check_vml(before: bytes, after: bytes) -> None:
    """Every shape of the source that is not a tool note is still there, byte for byte."""
    kept = Counter(vml_shapes(after))
    for shape in vml_shapes(before):
        if kept[shape]:
            kept[shape] -= 1
            continue
        if b'ObjectType="Note"' not in shape:
            raise Mismatch("un bouton ou une forme du dessin VML a disparu")


def _check_children_kept(name: str, before: bytes, after: bytes, plan: Plan) -> None:
    """Workbook, relationships, content types: what was there is still there."""
    _, kids_b = root_children(before)
    _, kids_a = root_children(after)
    present = Counter(k.bytes(after) for k in kids_a)
    removed = {n.lower() for n in plan.removed}
    for kid in kids_b:
        data = kid.bytes(before)
        if present[data]:
            present[data] -= 1
            continue
        attrs = kid.tag.attrs
        target = (attrs.get("PartName") or attrs.get("Target") or "").lstrip("/").lower()
        if target and any(r == target or r.endswith("/" + target.split("/")[-1]) for r in removed):
            continue
        if kid.tag.local in (b"calcPr", b"sheets", b"definedNames"):
            continue
        raise Mismatch(f"une entrée de {name} a disparu ou changé")
    if name == plan.workbook_part:
        names_a = Counter(_defined_names(after))
        for child in _defined_names(before):
            if names_a[child]:
                names_a[child] -= 1
                continue
            sheet_index = re.search(rb'localSheetId="(\d+)"', child)
            if (
                re.search(rb'name="_xlnm\.(?:_FilterDatabase|Print_Titles|Print_Area)"', child)
                and sheet_index is not None
                and sheet_index.group(1).decode() in plan.owned_sheet_indices
            ):
                continue  # the filter or print names of a sheet the tool owns
            raise Mismatch("un nom défini du classeur a disparu ou changé")
        sheets_b = _sheet_entries(before)
        sheets_a = _sheet_entries(after)
        if sheets_a[: len(sheets_b)] != sheets_b:
            raise Mismatch("la liste des feuilles du classeur a changé")


def _defined_names(data: bytes) -> list[bytes]:
    _, kids = root_children(data)
    for kid in kids:
        if kid.tag.local == b"definedNames":
            return [c.bytes(data) for c in children(data, kid.tag, kid.end)]
    return []


def _sheet_entries(data: bytes) -> list[bytes]:
    _, kids = root_children(data)
    for kid in kids:
        if kid.tag.local == b"sheets":
            return [c.bytes(data) for c in children(data, kid.tag, kid.end)]
    return []
