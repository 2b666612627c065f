"""The workbook part (``xl/workbook.xml``): its sheets, and the entries that go with the edits.

Read once: the list of sheets (name, id, relationship, state), the relationships, protection.
Written once, at the end: the entries of new owned sheets, the hidden filter name Excel keeps
for each owned sheet's table, ``fullCalcOnLoad`` when values changed in a workbook holding
formulas (Excel recomputes them on opening), and the calculation chain removed when a formula
was overwritten.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..opc import NS_R, NS_STRICT_MAIN, REL_CALC_CHAIN, REL_WORKSHEET, Rel
from ..xmlscan import (
    Span,
    XmlProblem,
    check_part,
    children,
    filled,
    namespace_of,
    prefix_of,
    root_children,
    set_attr,
    splice,
)
from ..xmlwrite import element
from .base import Planning

_FORMULA_TAG = re.compile(rb"<(?:[\w.-]+:)?f[\s>/]")
# children of <workbook> that the schema puts after <calcPr> (CT_Workbook)
_AFTER_CALC_PR = (
    "oleSize",
    "customWorkbookViews",
    "pivotCaches",
    "smartTagPr",
    "smartTagTypes",
    "webPublishing",
    "fileRecoveryPr",
    "webPublishObjects",
    "extLst",
)


# the sheet-local names the tool sets on the sheets it owns (``ownedsheet.print_names``)
OWNED_LOCAL_NAMES = ("_xlnm._FilterDatabase", "_xlnm.Print_Titles", "_xlnm.Print_Area")


@dataclass
class SheetEntry:
    name: str
    sheet_id: int
    rid: str
    state: str
    span: Span


def prefix_for(attrs: dict[str, str], uri: str) -> str | None:
    """The prefix a start tag binds to namespace ``uri``, if any."""
    for key, value in attrs.items():
        if key.startswith("xmlns:") and value == uri:
            return key[6:]
    return None


def rid_attrs(attrs: dict[str, str], rid: str) -> dict[str, str]:
    """``r:id`` in the part's own prefix for relationships, declared here when it has none."""
    prefix = prefix_for(attrs, NS_R)
    return {f"{prefix}:id": rid} if prefix else {"xmlns:r": NS_R, "r:id": rid}


def insert_position(kids: list[Span], before: tuple[str, ...], data: bytes) -> int:
    for span in kids:
        if span.tag.local.decode() in before:
            return span.start
    return data.rfind(b"</")


class WorkbookPart:
    def __init__(self, planning: Planning) -> None:
        self.planning = planning
        pkg = planning.pkg
        main = pkg.main_part()
        assert main is not None  # the guard checked it
        self.part = main
        planning.plan.workbook_part = main
        self.data = pkg.read(main)
        try:
            check_part(self.data)
            self.root, self.kids = root_children(self.data)
        except XmlProblem as exc:
            raise planning.refusal([f"classeur ({exc.reason})"]) from None
        if namespace_of(self.root) == NS_STRICT_MAIN:
            raise planning.refusal(["format « Open XML strict »"])
        self.p = prefix_of(self.root)
        self.rels = {r.id: r for r in pkg.rels(main)}
        self.sheets_span = self.kid("sheets")
        self.sheets = self._entries()
        self.new_entries: list[bytes] = []
        # owned sheet index → (sheet name, its local names: filter, print titles, print area)
        self.filters: dict[str, tuple[str, dict[str, str]]] = {}
        self.values_written = False
        self.formula_removed = False
        self.has_formulas = False

    def kid(self, local: str) -> Span | None:
        return next((k for k in self.kids if k.tag.local == local.encode()), None)

    def _entries(self) -> list[SheetEntry]:
        out = []
        if self.sheets_span is None:
            return out
        for span in children(self.data, self.sheets_span.tag, self.sheets_span.end):
            attrs = span.tag.attrs
            rid = next((v for k, v in attrs.items() if k.endswith(":id")), "")
            out.append(
                SheetEntry(
                    attrs.get("name", ""),
                    int(attrs.get("sheetId", "0") or 0),
                    rid,
                    attrs.get("state", "visible"),
                    span,
                )
            )
        return out

    def find_sheet(self, name: str) -> SheetEntry | None:
        for entry in self.sheets:
            if entry.name == name:
                return entry
        for entry in self.sheets:
            if entry.name.casefold() == name.casefold():
                return entry
        return None

    def sheet_part(self, entry: SheetEntry) -> tuple[Rel | None, str | None]:
        rel = self.rels.get(entry.rid)
        if rel is None or rel.part is None or not self.planning.pkg.has(rel.part):
            return rel, None
        return rel, rel.part

    def structure_locked(self) -> bool:
        span = self.kid("workbookProtection")
        if span is None:
            return False
        return span.tag.attrs.get("lockStructure", "0").lower() in ("1", "true")

    def add_sheet(self, name: str, rid: str, *, very_hidden: bool) -> None:
        """The entry of a new owned sheet, after the others."""
        next_id = max([e.sheet_id for e in self.sheets] + [0]) + len(self.new_entries) + 1
        attrs = {
            "name": name,
            "sheetId": next_id,
            "state": "veryHidden" if very_hidden else None,
            **rid_attrs(self.root.attrs, rid),
        }
        self.new_entries.append(element(self.p, "sheet", attrs))

    # -- writing ------------------------------------------------------------------------------

    def finish(self) -> None:
        planning, data = self.planning, self.data
        edits: list[tuple[int, int, bytes]] = []
        if self.new_entries:
            span = self.sheets_span
            if span is None or span.tag.kind == "empty":
                raise planning.refusal(["classeur sans feuille"])
            pos = span.inner_end(data)
            edits.append((pos, pos, b"".join(self.new_entries)))
        self._filter_names(edits)
        if self.values_written and (self.has_formulas or self._other_formulas()):
            calc = self.kid("calcPr")
            if calc is None:
                pos = insert_position(self.kids, _AFTER_CALC_PR, data)
                edits.append((pos, pos, element(self.p, "calcPr", {"fullCalcOnLoad": "1"})))
            elif calc.tag.attrs.get("fullCalcOnLoad", "0").lower() not in ("1", "true"):
                head = data[calc.tag.start : calc.tag.end]
                edits.append((calc.tag.start, calc.tag.end, set_attr(head, "fullCalcOnLoad", "1")))
        if self.formula_removed:
            for rel in self.rels.values():
                if rel.type == REL_CALC_CHAIN and rel.part:
                    planning.parts.remove_part(rel.part)
                    planning.plan.owned_parts.add(planning.pkg.name(rel.part) or rel.part)
                    planning.parts.rels(self.part).remove_where("Relationship", "Id", rel.id)
        if edits:
            planning.parts.set_part(self.part, splice(data, edits))

    def _filter_names(self, edits: list[tuple[int, int, bytes]]) -> None:
        """The sheet-local names Excel keeps for the sheets the tool owns: the hidden filter
        name, the print titles and the print area (``ownedsheet.print_names``)."""
        if not self.filters:
            return
        self.planning.plan.owned_sheet_indices = set(self.filters)
        data, p = self.data, self.p
        names = self.kid("definedNames")
        wanted: dict[tuple[str, str], bytes] = {}
        for index, (sheet_name, local) in sorted(self.filters.items(), key=lambda i: int(i[0])):
            quoted = "'" + sheet_name.replace("'", "''") + "'"
            for name, rng in local.items():
                attrs = {"name": name, "localSheetId": index}
                if name == "_xlnm._FilterDatabase":
                    attrs["hidden"] = "1"
                wanted[(name, index)] = element(p, "definedName", attrs, text=f"{quoted}!{rng}")
        if names is None:
            if wanted:
                pos = insert_position(self.kids, ("calcPr",) + _AFTER_CALC_PR, data)
                edits.append((pos, pos, element(p, "definedNames", None, *wanted.values())))
            return
        for child in children(data, names.tag, names.end):
            attrs = child.tag.attrs
            index = attrs.get("localSheetId")
            name = attrs.get("name") or ""
            if name in OWNED_LOCAL_NAMES and index in self.filters:
                new = wanted.pop((name, index), b"")
                if child.bytes(data) != new:
                    edits.append((child.start, child.end, new))
        if wanted:
            if names.tag.kind == "empty":
                content = b"".join(wanted.values())
                edits.append((names.start, names.end, filled(data, names, content)))
            else:
                pos = names.inner_end(data)
                edits.append((pos, pos, b"".join(wanted.values())))

    def _other_formulas(self) -> bool:
        pkg = self.planning.pkg
        for rel in self.rels.values():
            if rel.type == REL_WORKSHEET and rel.part and pkg.has(rel.part):
                if _FORMULA_TAG.search(pkg.read(rel.part)):
                    return True
        return False
