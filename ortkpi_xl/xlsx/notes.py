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

from ..workbook.marks import Mark
from .marking import is_tool_note
from .opc import NS_MAIN
from .sheetxml import cell_ref, parse_ref
from .xmlscan import (
    Span,
    XmlProblem,
    check_part,
    children,
    iter_tags,
    prefix_of,
    root_children,
    splice,
)
from .xmlwrite import declaration, element

_SHAPE_ID = re.compile(rb"""\sid\s*=\s*["']_x0000_s(\d+)["']""")
_VML_NS = {
    "v": b"urn:schemas-microsoft-com:vml",
    "o": b"urn:schemas-microsoft-com:office:office",
    "x": b"urn:schemas-microsoft-com:office:excel",
}
_ROOT = re.compile(rb"<([\w.-]+:)?xml(?=[\s>])(?:[^>\"']|\"[^\"]*\"|'[^']*')*>")


def shape_pattern(v: bytes) -> re.Pattern[bytes]:
    """Every ``<v:shape>`` element of a VML part whose VML prefix is ``v``."""
    v = re.escape(v)
    return re.compile(
        rb"<"
        + v
        + rb""":shape(?=[\s>/])(?:[^>"']|"[^"]*"|'[^']*')*?(?:/>|>.*?</"""
        + v
        + rb":shape\s*>)",
        re.S,
    )


def vml_shapes(vml: bytes) -> list[bytes]:
    """The shapes of a VML part (notes, form buttons…), as their bytes."""
    return [m.group() for m in shape_pattern(vml_prefixes(vml)[0]["v"]).finditer(vml)]


def _note_shapetype(ns: dict[str, bytes]) -> bytes:
    v, o = ns["v"] + b":", ns["o"].decode()
    return element(
        v,
        "shapetype",
        {
            "id": "_x0000_t202",
            "coordsize": "21600,21600",
            f"{o}:spt": "202",
            "path": "m,l,21600r21600,l21600,xe",
        },
        element(v, "stroke", {"joinstyle": "miter"}),
        element(v, "path", {"gradientshapeok": "t", f"{o}:connecttype": "rect"}),
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


_DEFAULT_NS = {key: key.encode() for key in _VML_NS}


def new_vml(block: int) -> bytes:
    layout = element(
        b"o:",
        "shapelayout",
        {"v:ext": "edit"},
        element(b"o:", "idmap", {"v:ext": "edit", "data": block}),
    )
    namespaces = {f"xmlns:{key}": uri.decode() for key, uri in _VML_NS.items()}
    return element(b"", "xml", namespaces, layout, _note_shapetype(_DEFAULT_NS))


def new_comments() -> bytes:
    lists = (element(b"", "authors", None, text=""), element(b"", "commentList", None, text=""))
    return declaration() + element(b"", "comments", {"xmlns": NS_MAIN}, *lists)


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
    """The notes of one sheet, with the tool's edits pending until ``render``.

    Which note is the tool's and what to do about it is decided by ``marking.note_step``; this
    class reads the parts, applies the decisions and writes the bytes.
    """

    def __init__(
        self,
        comments: bytes | None,
        vml: bytes | None,
        block: int,
        author: str,
        tool_texts: dict[tuple[int, int], str] | None = None,
    ) -> None:
        self.author = author  # the tool's author name
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
        self.shape_pattern = shape_pattern(v)
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
        return self.authors.index(self.author) if self.author in self.authors else None

    def by_tool_author(self, row: int, col: int) -> bool:
        item = self.items.get((row, col))
        return item is not None and item.author == self.tool_author

    def owner(self, row: int, col: int) -> str | None:
        """ "person", "tool" or None for the note on a cell."""
        if (row, col) not in self.items:
            return None
        recorded = Mark(note=self.tool_texts.get((row, col)))
        mine = is_tool_note(recorded, self.text(row, col), self.by_tool_author(row, col))
        return "tool" if mine else "person"

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

    # -- edits (decided by marking.note_step) -------------------------------------------------

    def put(self, row: int, col: int, text: str) -> None:
        """The tool's note on a cell, replacing the note there (the caller decided it may)."""
        if (row, col) in self.items:
            self.to_remove.add((row, col))
        self.to_add[row, col] = text

    def remove(self, row: int, col: int) -> None:
        if (row, col) in self.items:
            self.to_remove.add((row, col))

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
            authors.append(self.author)
            pos = self.authors_span.inner_end(data)
            if self.authors_span.tag.kind == "empty":
                raise XmlProblem("liste d'auteurs de notes vide")
            edits.append((pos, pos, element(p, "author", None, text=self.author)))
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
            body = element(p, "t", {"xml:space": "preserve"}, text=self.to_add[key])
            xml = element(
                p,
                "comment",
                {"ref": cell_ref(*key), "authorId": tool},
                element(p, "text", None, body),
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
        if not remaining and not self.to_add and set(authors) <= {self.author}:
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
                new.append(_note_shapetype(self.ns))
            next_id = self.max_shape_id
            z_index = len(self.shapes) + 1
            for key in missing:
                next_id += 1
                new.append(_note_shape(self.ns, next_id, z_index, *key))
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


def _note_shape(ns: dict[str, bytes], shape_id: int, z_index: int, row: int, col: int) -> bytes:
    """A hidden note the default size, anchored right of its cell, as Excel draws one."""
    v, x, o = ns["v"] + b":", ns["x"] + b":", ns["o"].decode()
    style = (
        "position:absolute;margin-left:59.25pt;margin-top:1.5pt;width:108pt;"
        f"height:59.25pt;z-index:{z_index};visibility:hidden"
    )
    anchor = f"{col}, 15, {max(row - 2, 0)}, 10, {col + 2}, 15, {row + 2}, 4"
    client = element(
        x,
        "ClientData",
        {"ObjectType": "Note"},
        element(x, "MoveWithCells"),
        element(x, "SizeWithCells"),
        element(x, "Anchor", None, text=anchor),
        element(x, "AutoFill", None, text="False"),
        element(x, "Row", None, text=str(row - 1)),
        element(x, "Column", None, text=str(col - 1)),
    )
    box = element(
        v,
        "textbox",
        {"style": "mso-direction-alt:auto"},
        element(b"", "div", {"style": "text-align:left"}, text=""),
    )
    return element(
        v,
        "shape",
        {
            "id": f"_x0000_s{shape_id}",
            "type": "#_x0000_t202",
            "style": style,
            "fillcolor": "#ffffe1",
            f"{o}:insetmode": "auto",
        },
        element(v, "fill", {"color2": "#ffffe1"}),
        element(v, "shadow", {"on": "t", "color": "black", "obscured": "t"}),
        element(v, "path", {f"{o}:connecttype": "none"}),
        box,
        client,
    )
