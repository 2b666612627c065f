"""What the patch writer will change, decided before a byte is written, and the tools to decide it.

``Plan`` is the result: the new bytes of every changed or added member, the members removed, and
what verification needs to know about each (which cells of a sheet were targets, which parts are
the tool's own). ``PartEditor`` is how planners change the package (parts, relationships, content
types) without ever touching a member twice by accident. ``WriteReport`` is what the person is
told afterwards.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path

from .opc import ChildEditor, Package, empty_rels, new_rel_id, relationship_xml, relative, rels_name
from .sheetxml import SheetPart
from .xmlwrite import element

_MAX_LISTED = 12


def listing(items: list[str]) -> str:
    shown = ", ".join(items[:_MAX_LISTED])
    if len(items) > _MAX_LISTED:
        shown += f" et {len(items) - _MAX_LISTED} autres"
    return shown


@dataclass
class WriteReport:
    """What the writer did, for the command's summary and for tests."""

    source: Path
    target: Path
    written: bool = False  # False: nothing to change, the file was left as it was
    backup: Path | None = None
    cells_written: int = 0
    changed_parts: list[str] = field(default_factory=list)
    added_parts: list[str] = field(default_factory=list)
    removed_parts: list[str] = field(default_factory=list)
    notes_kept: list[str] = field(default_factory=list)  # a person's note where the tool had one
    fills_kept: list[str] = field(default_factory=list)  # recoloured by a person: left alone
    formulas_replaced: list[str] = field(default_factory=list)  # a formula the tool overwrote

    def messages(self) -> list[str]:
        """French lines for the person who ran the command."""
        out = []
        if self.notes_kept:
            out.append(
                "Note d'une personne conservée (la note de l'outil n'a pas été posée) : "
                + listing(self.notes_kept)
                + "."
            )
        if self.fills_kept:
            out.append(
                "Couleur changée à la main depuis le dernier passage, laissée telle quelle : "
                + listing(self.fills_kept)
                + "."
            )
        if self.formulas_replaced:
            out.append(
                "Formules remplacées par la valeur calculée : "
                + listing(self.formulas_replaced)
                + "."
            )
        return out


@dataclass(frozen=True)
class RuleEdit:
    """The tool's conditional format on one sheet: what it replaced and what it put."""

    recorded: tuple[str, str] | None  # (sqref, formula) the registry held before this write
    removed: tuple[bytes, ...]  # the tool's old <cfRule> elements taken out
    added: bytes | None  # the new <conditionalFormatting> element, None when none


@dataclass
class Plan:
    """Everything the writer will change, decided before a byte is written."""

    parts: dict[str, bytes] = field(default_factory=dict)  # changed and added members
    added: list[str] = field(default_factory=list)  # new members, in writing order
    removed: set[str] = field(default_factory=set)
    sheet_targets: dict[str, set[tuple[int, int]]] = field(default_factory=dict)
    sheets_before: dict[str, SheetPart] = field(default_factory=dict)  # parsed once, reused
    rule_edits: dict[str, RuleEdit] = field(default_factory=dict)  # sheet part → rule edit
    tool_notes: dict[str, dict[tuple[int, int], str]] = field(default_factory=dict)
    # comments part → the registry's record of the tool's notes there (recognised by text)
    note_author: str = "ortkpi-xl"
    owned_parts: set[str] = field(default_factory=set)
    comments_parts: set[str] = field(default_factory=set)
    owned_sheet_indices: set[str] = field(default_factory=set)  # localSheetId of owned sheets
    vml_parts: set[str] = field(default_factory=set)
    styles_part: str | None = None
    workbook_part: str = ""
    report: WriteReport | None = None

    @property
    def changed(self) -> bool:
        return bool(self.parts or self.removed)


class PartEditor:
    """Changes to the package's members, relationships and content types, kept in a ``Plan``."""

    def __init__(self, package: Package, plan: Plan) -> None:
        self.pkg = package
        self.plan = plan
        self.content_types = ChildEditor(package.read("[Content_Types].xml"))
        self._rels: dict[str, ChildEditor] = {}

    def exists(self, name: str) -> bool:
        lowered, stored = name.lower(), self.pkg.name(name)
        return (stored is not None and stored not in self.plan.removed) or any(
            a.lower() == lowered for a in self.plan.added
        )

    def free_name(self, pattern: str) -> str:
        n = 1
        while self.exists(pattern.format(n)):
            n += 1
        return pattern.format(n)

    def set_part(self, name: str, data: bytes) -> None:
        plan = self.plan
        stored = self.pkg.name(name)
        if stored in plan.removed and not self.exists(name):
            plan.removed.discard(stored)  # rebuilt under its old name: an edit, or nothing
        if stored is not None and stored not in plan.removed:
            if self.pkg.read(stored) != data:
                plan.parts[stored] = data
            else:
                plan.parts.pop(stored, None)
        else:
            if name not in plan.added:
                plan.added.append(name)
            plan.parts[name] = data

    def remove_part(self, name: str) -> None:
        plan = self.plan
        stored = self.pkg.name(name)
        if stored is not None:
            plan.removed.add(stored)
            plan.parts.pop(stored, None)
        elif name in plan.added:
            plan.added.remove(name)
            plan.parts.pop(name, None)
        self.content_types.remove_where("Override", "PartName", "/" + name, fold=True)

    def rels(self, part: str) -> ChildEditor:
        name = rels_name(part)
        editor = self._rels.get(name)
        if editor is None:
            data = self.pkg.read(name) if self.pkg.has(name) else empty_rels()
            editor = ChildEditor(data)
            self._rels[name] = editor
        return editor

    def add_rel(self, part: str, rel_type: str, target_part: str) -> str:
        editor = self.rels(part)
        ids = {attrs.get("Id", "") for _, _, attrs in editor.attrs()}
        ids |= {m.decode() for x in editor.appended for m in re.findall(rb'Id="([^"]+)"', x)}
        rid = new_rel_id(ids)
        editor.append(relationship_xml(rid, rel_type, relative(part, target_part)))
        return rid

    def add_override(self, part: str, content_type: str) -> None:
        if self.content_types.restore_where("Override", "PartName", "/" + part, content_type):
            return  # the entry removed with the part's previous version, as it was
        self.content_types.append(
            element(b"", "Override", {"PartName": "/" + part, "ContentType": content_type})
        )

    def add_default(self, extension: str, content_type: str) -> None:
        defaults, _ = self.pkg.content_types()
        wanted = f'Extension="{extension}"'.encode()
        if extension in defaults or any(wanted in x for x in self.content_types.appended):
            return
        self.content_types.append(
            element(b"", "Default", {"Extension": extension, "ContentType": content_type})
        )

    def finish(self) -> None:
        """Relationship parts and content types, rendered once every planner is done."""
        for name, editor in self._rels.items():
            if not editor.changed:
                continue
            if editor.remaining == 0 and self.pkg.has(name):
                self.remove_part(name)
            elif editor.remaining:
                self.set_part(name, editor.render())
        if self.content_types.changed:
            self.set_part("[Content_Types].xml", self.content_types.render())


def rels_source(name: str) -> str | None:
    """``a/_rels/b.xml.rels`` → ``a/b.xml`` (``""`` for the package); None for other names."""
    folder, base = posixpath.split(name)
    if posixpath.basename(folder) != "_rels" or not base.endswith(".rels"):
        return None
    return posixpath.join(posixpath.dirname(folder), base[: -len(".rels")])
