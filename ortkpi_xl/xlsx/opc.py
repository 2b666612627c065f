"""The workbook as an OPC package: members, relationships, content types.

Read-only view of the source zip used by the patch writer: it resolves relationship targets to
part names, finds a part whatever the case of its name (OPC names are case-insensitive; some
producers write ``SharedStrings.xml``) and hands out the raw compressed bytes for copying.
"""

from __future__ import annotations

import posixpath
import zipfile
from dataclasses import dataclass
from pathlib import Path

from .xmlscan import check_part, enclosed, parse_tree, prefix_of, root_children, splice
from .xmlwrite import declaration, element
from .zipio import raw_member

NS_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
NS_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_STRICT_MAIN = "http://purl.oclc.org/ooxml/spreadsheetml/main"
NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
REL_BASE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
REL_OFFICE_DOCUMENT = REL_BASE + "officeDocument"
REL_WORKSHEET = REL_BASE + "worksheet"
REL_STYLES = REL_BASE + "styles"
REL_SHARED_STRINGS = REL_BASE + "sharedStrings"
REL_COMMENTS = REL_BASE + "comments"
REL_VML = REL_BASE + "vmlDrawing"
REL_CALC_CHAIN = REL_BASE + "calcChain"
REL_TABLE = REL_BASE + "table"
CT_WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
CT_COMMENTS = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"
CT_VML = "application/vnd.openxmlformats-officedocument.vmlDrawing"
CT_STYLES = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"


@dataclass(frozen=True)
class Rel:
    id: str
    type: str
    target: str  # as written
    part: str | None  # resolved zip member name (None for external targets)
    external: bool


def rels_name(part: str) -> str:
    """``xl/worksheets/sheet1.xml`` → ``xl/worksheets/_rels/sheet1.xml.rels``."""
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def resolve(source_part: str, target: str) -> str:
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    folder = posixpath.dirname(source_part)
    return posixpath.normpath(posixpath.join(folder, target))


def relative(source_part: str, target_part: str) -> str:
    return posixpath.relpath(target_part, posixpath.dirname(source_part) or ".")


class Package:
    """A zip opened for reading, with cached member bytes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file = open(path, "rb")  # noqa: SIM115 - closed by close()
        try:
            self.zip = zipfile.ZipFile(self._file)
        except Exception:
            self._file.close()
            raise
        self.infos: list[zipfile.ZipInfo] = self.zip.infolist()
        self._by_lower = {i.filename.lower(): i for i in self.infos}
        self._cache: dict[str, bytes] = {}

    def close(self) -> None:
        self.zip.close()
        self._file.close()

    def __enter__(self) -> Package:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def name(self, part: str) -> str | None:
        """The member name as stored, looked up case-insensitively."""
        info = self._by_lower.get(part.lower())
        return info.filename if info else None

    def info(self, part: str) -> zipfile.ZipInfo:
        return self._by_lower[part.lower()]

    def has(self, part: str) -> bool:
        return part.lower() in self._by_lower

    def read(self, part: str) -> bytes:
        name = self.info(part).filename
        if name not in self._cache:
            self._cache[name] = self.zip.read(name)
        return self._cache[name]

    def raw(self, part: str) -> bytes:
        return raw_member(self._file, self.info(part))

    def rels(self, part: str) -> list[Rel]:
        """Relationships of ``part`` ("" for the package)."""
        name = "_rels/.rels" if part == "" else rels_name(part)
        if not self.has(name):
            return []
        out = []
        for node in parse_tree(self.read(name)):
            if node.tag != f"{{{NS_REL}}}Relationship":
                continue
            external = node.get("TargetMode", "Internal") == "External"
            target = node.get("Target", "")
            resolved = None if external else resolve(part, target)
            if resolved is not None and self.name(resolved):
                resolved = self.name(resolved)
            out.append(Rel(node.get("Id", ""), node.get("Type", ""), target, resolved, external))
        return out

    def content_types(self) -> tuple[dict[str, str], dict[str, str]]:
        """(defaults by lower-case extension, overrides by lower-case part name)."""
        defaults: dict[str, str] = {}
        overrides: dict[str, str] = {}
        for node in parse_tree(self.read("[Content_Types].xml")):
            if node.tag == f"{{{NS_CT}}}Default":
                defaults[node.get("Extension", "").lower()] = node.get("ContentType", "")
            elif node.tag == f"{{{NS_CT}}}Override":
                overrides[node.get("PartName", "").lstrip("/").lower()] = node.get(
                    "ContentType", ""
                )
        return defaults, overrides

    def content_type(self, part: str) -> str | None:
        defaults, overrides = self.content_types()
        if part.lower() in overrides:
            return overrides[part.lower()]
        return defaults.get(posixpath.splitext(part)[1].lstrip(".").lower())

    def main_part(self) -> str | None:
        for rel in self.rels(""):
            if rel.type.endswith("/officeDocument") and rel.part:
                return rel.part
        return None


def relationship_xml(rel_id: str, rel_type: str, target: str) -> bytes:
    return element(b"", "Relationship", {"Id": rel_id, "Type": rel_type, "Target": target})


def rels_part(relationships: list[bytes]) -> bytes:
    """A relationships part holding ``relationships`` (``relationship_xml`` elements)."""
    return declaration() + element(b"", "Relationships", {"xmlns": NS_REL}, *relationships, text="")


def empty_rels() -> bytes:
    return rels_part([])


def new_rel_id(existing: set[str]) -> str:
    n = 1
    while f"rId{n}" in existing:
        n += 1
    return f"rId{n}"


class ChildEditor:
    """Byte-level edits of the root's children of a small part (rels, content types).

    Removing and appending children leaves every other child's bytes as they were.
    """

    def __init__(self, data: bytes) -> None:
        check_part(data)
        self.data = data
        self.root, self.kids = root_children(data)
        self.p = prefix_of(self.root)
        self.appended: list[bytes] = []
        self.removed: set[int] = set()

    def attrs(self) -> list[tuple[int, str, dict[str, str]]]:
        return [(i, k.tag.local.decode(), k.tag.attrs) for i, k in enumerate(self.kids)]

    def remove_where(self, local: str, key: str, value: str, *, fold: bool = False) -> bool:
        hit = False
        for i, name, attrs in self.attrs():
            found = attrs.get(key, "")
            if name == local and (found.lower() == value.lower() if fold else found == value):
                self.removed.add(i)
                hit = True
        return hit

    def restore_where(self, local: str, key: str, value: str, content_type: str) -> bool:
        """Undo the removal of a child ``key=value`` (case-insensitive) of this content type."""
        for i, name, attrs in self.attrs():
            if (
                i in self.removed
                and name == local
                and attrs.get(key, "").lower() == value.lower()
                and attrs.get("ContentType") == content_type
            ):
                self.removed.discard(i)
                return True
        return False

    def append(self, xml: bytes) -> None:
        self.appended.append(xml)

    @property
    def changed(self) -> bool:
        return bool(self.appended or self.removed)

    @property
    def remaining(self) -> int:
        return len(self.kids) - len(self.removed) + len(self.appended)

    def render(self) -> bytes:
        edits = [(self.kids[i].start, self.kids[i].end, b"") for i in self.removed]
        if self.appended:
            added = b"".join(self.appended)
            if self.root.kind == "empty":
                head = self.data[self.root.start : self.root.end]
                whole = enclosed(head, self.root.name, added)
                edits.append((self.root.start, self.root.end, whole))
            else:
                pos = self.data.rfind(b"</")
                edits.append((pos, pos, added))
        return splice(self.data, edits)
