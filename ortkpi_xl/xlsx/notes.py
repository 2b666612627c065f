"""Notes (legacy comments) of one sheet: the comments part and its VML drawing.

A note is two things: a ``<comment>`` (text, author) in ``xl/commentsN.xml`` and a VML shape
(position, size, visibility) in the sheet's legacy drawing, which may also hold form buttons.
The tool adds, replaces or removes only its own notes (author ``ortkpi-xl``) by splicing bytes:
a person's ``<comment>`` and VML shape keep their bytes, so their size and visibility survive,
and so does every button. The VML is never parsed as XML (Excel's VML is not always well
formed); shapes are found with patterns and only the tool's shapes are touched.
"""

from __future__ import annotations

import bisect
import html
import re
from dataclasses import dataclass

from ..workbook.changes import NOTE_AUTHOR
from ..workbook.marks import strip_author
from .sheetxml import cell_ref, parse_ref
from .xmlscan import (
    Span,
    XmlProblem,
    check_part,
    children,
    escape_text,
    iter_tags,
    prefix_of,
    root_children,
    splice,
)

_SHAPE_ID = re.compile(rb"""\sid\s*=\s*["']_x0000_s(\d+)["']""")
_VML_NS = {
    "v": b"urn:schemas-microsoft-com:vml",
    "o": b"urn:schemas-microsoft-com:office:office",
    "x": b"urn:schemas-microsoft-com:office:excel",
}
_ROOT = re.compile(rb"<([\w.-]+:)?xml(?=[\s>])(?:[^>\"']|\"[^\"]*\"|'[^']*')*>")


def _shape_pattern(v: bytes) -> re.Pattern[bytes]:
    v = re.escape(v)
    return re.compile(
        rb"<"
        + v
        + rb""":shape(?=[\s>/])(?:[^>"']|"[^"]*"|'[^']*')*?(?:/>|>.*?</"""
        + v
        + rb":shape\s*>)",
        re.S,
    )


_NOTE_SHAPETYPE = (
    b'<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" '
    b'path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/>'
    b'<v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>'
)


def vml_block_numbers(vml: bytes) -> list[int]:
    """The shape-id blocks (``o:idmap data``) a VML part reserves."""
    out = []
    pattern = re.compile(rb"""<[\w.-]+:idmap\b[^>]*\bdata\s*=\s*["']([\d,\s]+)["']""")
    for match in pattern.finditer(vml):
        out += [int(x) for x in re.split(rb"[,\s]+", match.group(1).strip()) if x]
    return out


def vml_prefixes(vml: bytes) -> tuple[dict[str, bytes], bytes]:
    """The prefix bound to each VML namespace on the root, and declarations to add (if any)."""
    root = _ROOT.search(vml[:4000])
    if root is None:
        raise XmlProblem("dessin VML des notes sans élément racine")
    head = root.group()
    found: dict[str, bytes] = {}
    for key, uri in _VML_NS.items():
        match = re.search(rb"""xmlns:([\w.-]+)\s*=\s*["']""" + re.escape(uri) + rb"""["']""", head)
        if match:
            found[key] = match.group(1)
    missing = b""
    for key, uri in _VML_NS.items():
        if key not in found:
            if re.search(rb"xmlns:" + key.encode() + rb"\s*=", head):
                raise XmlProblem("dessin VML des notes dans un format inattendu")
            found[key] = key.encode()
            missing += b" xmlns:" + key.encode() + b'="' + uri + b'"'
    return found, missing


def new_vml(block: int) -> bytes:
    return (
        b'<xml xmlns:v="urn:schemas-microsoft-com:vml"\n'
        b' xmlns:o="urn:schemas-microsoft-com:office:office"\n'
        b' xmlns:x="urn:schemas-microsoft-com:office:excel">\n'
        b' <o:shapelayout v:ext="edit">\n'
        + f'  <o:idmap v:ext="edit" data="{block}"/>\n'.encode()
        + b" </o:shapelayout>"
        + _NOTE_SHAPETYPE
        + b"</xml>"
    )


def new_comments(p: bytes = b"") -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<'
        + p
        + b"comments "
        + (b"xmlns" + (b":" + p[:-1] if p else b""))
        + b'="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><'
        + p
        + b"authors></"
        + p
        + b"authors><"
        + p
        + b"commentList></"
        + p
        + b"commentList></"
        + p
        + b"comments>"
    )


@dataclass
class _Comment:
    row: int
    col: int
    author: int
    span: Span


@dataclass
class _Shape:
    row: int
    col: int
    start: int
    end: int


class SheetNotes:
    """The notes of one sheet, with the tool's edits pending until ``render``."""

    def __init__(
        self,
        comments: bytes | None,
        vml: bytes | None,
        block: int,
        tool_texts: dict[tuple[int, int], str] | None = None,
    ) -> None:
        # notes the registry records as the tool's, by cell, whatever their author
        self.tool_texts = dict(tool_texts or {})
        self.comments = comments if comments is not None else new_comments()
        self.created_comments = comments is None
        self.vml = vml if vml is not None else new_vml(block)
        self.created_vml = vml is None
        check_part(self.comments)
        self._parse_comments()
        self._parse_vml()
        self.to_add: dict[tuple[int, int], str] = {}
        self.to_remove: set[tuple[int, int]] = set()

    # -- parsing ------------------------------------------------------------------------------

    def _parse_comments(self) -> None:
        data = self.comments
        root, kids = root_children(data)
        if root.local != b"comments":
            raise XmlProblem("partie de notes inattendue")
        self.p = prefix_of(root)
        by_name = {k.tag.local: k for k in kids}
        if b"authors" not in by_name or b"commentList" not in by_name:
            raise XmlProblem("partie de notes sans auteurs ou sans liste")
        self.authors_span = by_name[b"authors"]
        self.list_span = by_name[b"commentList"]
        self.authors = [
            html.unescape(data[a.inner_start : a.inner_end(data)].decode("utf-8"))
            for a in children(data, self.authors_span.tag, self.authors_span.end)
        ]
        self.items: dict[tuple[int, int], _Comment] = {}
        for span in children(data, self.list_span.tag, self.list_span.end):
            attrs = span.tag.attrs
            row, col = parse_ref(attrs.get("ref", ""))
            self.items[row, col] = _Comment(row, col, int(attrs.get("authorId", "0")), span)

    def _parse_vml(self) -> None:
        self.ns, self.missing_ns = vml_prefixes(self.vml)
        v, x = self.ns["v"], self.ns["x"]
        self.shape_pattern = _shape_pattern(v)
        note = re.compile(
            rb"<" + re.escape(x) + rb""":ClientData\s+ObjectType\s*=\s*["']Note["']"""
        )
        row_re = re.compile(
            rb"<" + re.escape(x) + rb":Row>\s*(\d+)\s*</" + re.escape(x) + rb":Row>"
        )
        col_re = re.compile(
            rb"<" + re.escape(x) + rb":Column>\s*(\d+)\s*</" + re.escape(x) + rb":Column>"
        )
        self.shapes: dict[tuple[int, int], _Shape] = {}
        self.max_shape_id = 0
        for match in self.shape_pattern.finditer(self.vml):
            body = match.group()
            ident = _SHAPE_ID.search(body[:400])
            if ident:
                self.max_shape_id = max(self.max_shape_id, int(ident.group(1)))
            if not note.search(body):
                continue
            row, col = row_re.search(body), col_re.search(body)
            if row and col:
                key = (int(row.group(1)) + 1, int(col.group(1)) + 1)
                self.shapes[key] = _Shape(key[0], key[1], match.start(), match.end())
        blocks = vml_block_numbers(self.vml) or [1]
        self.max_shape_id = max(self.max_shape_id, blocks[0] * 1024)

    # -- questions ----------------------------------------------------------------------------

    @property
    def tool_author(self) -> int | None:
        return self.authors.index(NOTE_AUTHOR) if NOTE_AUTHOR in self.authors else None

    def owner(self, row: int, col: int) -> str | None:
        """ "person", "tool" or None for the note on a cell."""
        item = self.items.get((row, col))
        if item is None:
            return None
        if item.author == self.tool_author:
            return "tool"
        recorded = self.tool_texts.get((row, col))  # made in Excel: the user's name as author
        if recorded is not None and strip_author(self.text(row, col) or "") == recorded:
            return "tool"
        return "person"

    def text(self, row: int, col: int) -> str | None:
        item = self.items.get((row, col))
        if item is None:
            return None
        body = self.comments[item.span.start : item.span.end]
        parts = []
        inside = False
        for tag in iter_tags(body):
            if tag.local == b"t" and tag.kind == "start":
                inside, start = True, tag.end
            elif tag.local == b"t" and tag.kind == "end" and inside:
                parts.append(html.unescape(body[start : tag.start].decode("utf-8")))
                inside = False
        return "".join(parts)

    # -- edits --------------------------------------------------------------------------------

    def set_tool_note(self, row: int, col: int, text: str) -> str:
        """Returns "added", "replaced", "same" or "person" (a person's note: left alone)."""
        owner = self.owner(row, col)
        if owner == "person":
            return "person"
        if owner == "tool":
            if self.text(row, col) == text:
                return "same"
            self.to_remove.add((row, col))
            self.to_add[row, col] = text
            return "replaced"
        self.to_add[row, col] = text
        return "added"

    def remove_tool_note(self, row: int, col: int) -> bool:
        if self.owner(row, col) != "tool":
            return False
        self.to_remove.add((row, col))
        return True

    @property
    def changed(self) -> bool:
        return bool(self.to_add or self.to_remove)

    # -- output -------------------------------------------------------------------------------

    def render(self) -> tuple[bytes | None, bytes | None]:
        """(comments part, VML part); None means the part is now empty and goes away."""
        comments = self._render_comments()
        vml = self._render_vml()
        return comments, (vml if self.shape_pattern.search(vml) else None)

    def _render_comments(self) -> bytes | None:
        data, p = self.comments, self.p
        edits: list[tuple[int, int, bytes]] = []
        authors = list(self.authors)
        tool = self.tool_author
        if self.to_add and tool is None:
            tool = len(authors)
            authors.append(NOTE_AUTHOR)
            pos = self.authors_span.inner_end(data)
            edit = (
                b"<" + p + b"author>" + escape_text(NOTE_AUTHOR).encode() + b"</" + p + b"author>"
            )
            if self.authors_span.tag.kind == "empty":
                raise XmlProblem("liste d'auteurs de notes vide")
            edits.append((pos, pos, edit))
        remaining = {k: v for k, v in self.items.items() if k not in self.to_remove}
        for key in self.to_remove:
            span = self.items[key].span
            edits.append((span.start, span.end, b""))
        inserts: dict[int, list[bytes]] = {}
        ordered = sorted(remaining)
        list_end = self.list_span.inner_end(data)
        for key in sorted(self.to_add):
            after = bisect.bisect_right(ordered, key)
            pos = remaining[ordered[after]].span.start if after < len(ordered) else list_end
            xml = (
                b"<"
                + p
                + f'comment ref="{cell_ref(*key)}" authorId="{tool}"><'.encode()
                + p
                + b"text><"
                + p
                + b't xml:space="preserve">'
                + escape_text(self.to_add[key]).encode()
                + b"</"
                + p
                + b"t></"
                + p
                + b"text></"
                + p
                + b"comment>"
            )
            inserts.setdefault(pos, []).append(xml)
        for pos, chunks in inserts.items():
            edits.append((pos, pos, b"".join(chunks)))
        # An author entry the tool added and no longer uses is removed when it is the last one,
        # which leaves every other author index unchanged.
        if tool is not None and tool == len(self.authors) - 1 and not self.to_add:
            users = [c for k, c in remaining.items() if c.author == tool]
            if not users:
                spans = children(data, self.authors_span.tag, self.authors_span.end)
                edits.append((spans[tool].start, spans[tool].end, b""))
                authors.pop()
        if not remaining and not self.to_add and set(authors) <= {NOTE_AUTHOR}:
            return None
        return splice(data, edits)

    def _render_vml(self) -> bytes:
        data = self.vml
        edits: list[tuple[int, int, bytes]] = []
        for key in self.to_remove - set(self.to_add):
            shape = self.shapes.get(key)
            if shape is not None:
                edits.append((shape.start, shape.end, b""))
        missing = sorted(k for k in self.to_add if k not in self.shapes)
        if missing:
            new = []
            if b'id="_x0000_t202"' not in data and b"id='_x0000_t202'" not in data:
                new.append(self._prefixed(_NOTE_SHAPETYPE))
            next_id = self.max_shape_id
            z_index = len(self.shapes) + 1
            for key in missing:
                next_id += 1
                new.append(self._prefixed(_note_shape(next_id, z_index, *key)))
                z_index += 1
            pos = data.rfind(b"</")
            if pos < 0 or not _ROOT.search(data[:4000]):
                raise XmlProblem("dessin VML des notes sans fin")
            edits.append((pos, pos, b"".join(new)))
            if self.missing_ns:
                root = _ROOT.search(data[:4000])
                assert root is not None
                end = root.end() - 1
                edits.append((end, end, self.missing_ns))
        return splice(data, edits)

    def _prefixed(self, xml: bytes) -> bytes:
        """``xml`` written with v:/o:/x: turned into this part's own prefixes."""
        if all(self.ns[k] == k.encode() for k in _VML_NS):
            return xml
        return re.sub(
            rb"(</?|\s)([vox]):(?=[A-Za-z])",
            lambda m: m.group(1) + self.ns[m.group(2).decode()] + b":",
            xml,
        )


def _note_shape(shape_id: int, z_index: int, row: int, col: int) -> bytes:
    """A hidden note the default size, anchored right of its cell, as Excel draws one."""
    return (
        f'<v:shape id="_x0000_s{shape_id}" type="#_x0000_t202" '
        "style='position:absolute;margin-left:59.25pt;margin-top:1.5pt;width:108pt;"
        f'height:59.25pt;z-index:{z_index};visibility:hidden\' fillcolor="#ffffe1" '
        'o:insetmode="auto"><v:fill color2="#ffffe1"/>'
        '<v:shadow on="t" color="black" obscured="t"/><v:path o:connecttype="none"/>'
        "<v:textbox style='mso-direction-alt:auto'><div style='text-align:left'></div>"
        '</v:textbox><x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/>'
        f"<x:Anchor>{col}, 15, {max(row - 2, 0)}, 10, {col + 2}, 15, {row + 2}, 4</x:Anchor>"
        f"<x:AutoFill>False</x:AutoFill><x:Row>{row - 1}</x:Row>"
        f"<x:Column>{col - 1}</x:Column></x:ClientData></v:shape>"
    ).encode()
