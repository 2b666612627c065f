"""Safe XML reading and byte-level editing of package parts.

The patch writer must leave every byte it does not own as it was, so it never re-serialises a
part through a DOM (``xml.etree`` renames namespace prefixes and drops unused declarations that
``mc:Ignorable`` still names). Instead it checks a part is well formed with expat, with any
document type declaration refused (no entity expansion, no external entity: billion laughs and
XXE stop here), then finds elements with a small tokenizer and splices bytes.

The tokenizer is exact for well-formed XML without comments or CDATA sections (text cannot hold
``<``); ``check_part`` refuses those in the parts the writer edits, which no spreadsheet program
writes there.
"""

from __future__ import annotations

import html
import re
import xml.parsers.expat
from collections.abc import Iterator
from xml.etree.ElementTree import Element

from defusedxml import ElementTree as SafeET

from .xmlwrite import escape_attr


class XmlProblem(Exception):
    """A part is malformed, unsafe or unusual; ``reason`` is French (the caller names the part)."""

    def __init__(self, reason: str, *, unsafe: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.unsafe = unsafe


def _refuse_dtd(*_args: object) -> None:
    raise XmlProblem("déclaration de type de document ou d'entités", unsafe=True)


def check_well_formed(data: bytes) -> None:
    """Parse ``data`` with expat, refusing any DTD; raise ``XmlProblem`` if anything is wrong."""
    parser = xml.parsers.expat.ParserCreate()
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    parser.ExternalEntityRefHandler = _refuse_dtd  # type: ignore[assignment]
    parser.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)
    try:
        parser.Parse(data, True)
    except xml.parsers.expat.ExpatError as exc:
        raise XmlProblem(f"XML mal formé ({xml.parsers.expat.ErrorString(exc.code)})") from None


def check_part(data: bytes) -> None:
    """A part the writer will edit: well formed, UTF-8, no DTD, no comments, no CDATA."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise XmlProblem("partie XML codée en UTF-16")
    check_well_formed(data)
    if b"<!--" in data or b"<![CDATA[" in data:
        raise XmlProblem("commentaires XML ou sections CDATA")


def parse_tree(data: bytes) -> Element:
    """An ElementTree of a small part, for reading only (never written back)."""
    try:
        return SafeET.fromstring(data, forbid_dtd=True)
    except XmlProblem:
        raise
    except SafeET.ParseError as exc:
        raise XmlProblem(f"XML mal formé ({exc})") from None
    except Exception as exc:  # defusedxml's DTDForbidden, EntitiesForbidden…
        raise XmlProblem(f"contenu XML refusé ({type(exc).__name__})", unsafe=True) from None


# ---------------------------------------------------------------------------------------------
# tokenizer

_TAG = re.compile(
    rb"""<(?:
        !--.*?-->
      | !\[CDATA\[.*?\]\]>
      | \?.*?\?>
      | ![^>]*>
      | (?P<close>/)?(?P<name>[^\s/>!?]+)
        (?P<attrs>(?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(?P<empty>/)?>
    )""",
    re.S | re.X,
)
_ATTR = re.compile(rb"""([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


class Tag:
    """One tag: ``kind`` is "start", "end", "empty" or "other" (comment, PI, declaration)."""

    __slots__ = ("kind", "name", "start", "end", "raw_attrs")

    def __init__(self, kind: str, name: bytes, start: int, end: int, raw_attrs: bytes) -> None:
        self.kind, self.name, self.start, self.end, self.raw_attrs = (
            kind,
            name,
            start,
            end,
            raw_attrs,
        )

    @property
    def attrs(self) -> dict[str, str]:
        return parse_attrs(self.raw_attrs)

    @property
    def local(self) -> bytes:
        return self.name.rpartition(b":")[2]


def parse_attrs(raw: bytes) -> dict[str, str]:
    out: dict[str, str] = {}
    for match in _ATTR.finditer(raw):
        value = match.group(2) if match.group(2) is not None else match.group(3)
        text = value.decode("utf-8")
        out[match.group(1).decode("utf-8")] = html.unescape(text) if "&" in text else text
    return out


def _make_tag(match: re.Match[bytes]) -> Tag:
    name = match.group("name")
    if name is None:
        return Tag("other", b"", match.start(), match.end(), b"")
    if match.group("close"):
        kind = "end"
    elif match.group("empty"):
        kind = "empty"
    else:
        kind = "start"
    return Tag(kind, name, match.start(), match.end(), match.group("attrs") or b"")


def tag_at(data: bytes, pos: int) -> Tag:
    """The tag that starts exactly at ``pos``."""
    match = _TAG.match(data, pos)
    if match is None:
        raise XmlProblem(f"balise illisible à l'octet {pos}")
    return _make_tag(match)


def iter_tags(data: bytes, pos: int = 0, endpos: int | None = None) -> Iterator[Tag]:
    for match in _TAG.finditer(data, pos, len(data) if endpos is None else endpos):
        yield _make_tag(match)


def root_tag(data: bytes) -> Tag:
    for tag in iter_tags(data):
        if tag.kind in ("start", "empty"):
            return tag
    raise XmlProblem("aucun élément racine")


def element_end(data: bytes, tag: Tag) -> int:
    """Offset just after the element that ``tag`` opens (same-name nesting handled)."""
    if tag.kind == "empty":
        return tag.end
    finder = re.compile(rb"<(/?)" + re.escape(tag.name) + rb"(?=[\s/>])")
    depth = 1
    pos = tag.end
    while True:
        match = finder.search(data, pos)
        if match is None:
            raise XmlProblem(f"élément {tag.name.decode()} non fermé")
        inner = tag_at(data, match.start())
        if inner.kind == "end":
            depth -= 1
            if depth == 0:
                return inner.end
        elif inner.kind == "start":
            depth += 1
        pos = inner.end


class Span:
    """An element: its opening tag and the offset just after its end."""

    __slots__ = ("tag", "end")

    def __init__(self, tag: Tag, end: int) -> None:
        self.tag, self.end = tag, end

    @property
    def start(self) -> int:
        return self.tag.start

    @property
    def inner_start(self) -> int:
        return self.tag.end

    def inner_end(self, data: bytes) -> int:
        """Offset of the closing tag (equal to ``end`` for an empty element)."""
        if self.tag.kind == "empty":
            return self.end
        return data.rfind(b"</", self.start, self.end)

    def bytes(self, data: bytes) -> bytes:
        return data[self.start : self.end]


def children(data: bytes, parent: Tag, parent_end: int | None = None) -> list[Span]:
    """The direct child elements of ``parent`` (which must be a start tag)."""
    out: list[Span] = []
    if parent.kind == "empty":
        return out
    pos = parent.end
    limit = len(data) if parent_end is None else parent_end
    while True:
        match = _TAG.search(data, pos, limit)
        if match is None:
            raise XmlProblem(f"élément {parent.name.decode()} non fermé")
        tag = _make_tag(match)
        if tag.kind == "end":
            return out
        if tag.kind == "other":
            pos = tag.end
            continue
        end = element_end(data, tag)
        out.append(Span(tag, end))
        pos = end


def root_children(data: bytes) -> tuple[Tag, list[Span]]:
    root = root_tag(data)
    return root, children(data, root)


# ---------------------------------------------------------------------------------------------
# editing in place


def set_attr(start_tag: bytes, name: str, value: str | None) -> bytes:
    """``start_tag`` with attribute ``name`` set (appended if absent) or removed (None)."""
    key = name.encode()
    pattern = re.compile(rb"""(\s+)""" + re.escape(key) + rb"""\s*=\s*(?:"[^"]*"|'[^']*')""")
    match = pattern.search(start_tag)
    if value is None:
        return start_tag if match is None else start_tag[: match.start()] + start_tag[match.end() :]
    new = b" " + key + b'="' + escape_attr(value).encode() + b'"'
    if match is not None:
        return start_tag[: match.start()] + new + start_tag[match.end() :]
    cut = len(start_tag) - (2 if start_tag.endswith(b"/>") else 1)
    while cut > 0 and start_tag[cut - 1 : cut].isspace():
        cut -= 1
    return start_tag[:cut] + new + start_tag[cut:]


def opened(start_tag: bytes) -> bytes:
    """``<a x="1"/>`` → ``<a x="1">``: a start tag that can take children."""
    return start_tag[:-2].rstrip() + b">" if start_tag.endswith(b"/>") else start_tag


def enclosed(start_tag: bytes, name: bytes, content: bytes) -> bytes:
    """An element from an existing start tag (even ``<a/>``), new ``content`` and its end tag."""
    return opened(start_tag) + content + b"</" + name + b">"


def filled(data: bytes, span: Span, content: bytes) -> bytes:
    """An empty element ``span`` given ``content`` (``<a/>`` → ``<a>content</a>``)."""
    return enclosed(data[span.tag.start : span.tag.end], span.tag.name, content)


def splice(data: bytes, edits: list[tuple[int, int, bytes]]) -> bytes:
    """Apply non-overlapping ``(start, end, replacement)`` edits."""
    out: list[bytes] = []
    pos = 0
    for start, end, replacement in sorted(edits, key=lambda e: (e[0], e[1])):
        if start < pos:
            raise ValueError("overlapping edits")
        out.append(data[pos:start])
        out.append(replacement)
        pos = end
    out.append(data[pos:])
    return b"".join(out)


def prefix_of(tag: Tag) -> bytes:
    """``b"x:"`` for ``<x:worksheet>``, ``b""`` for ``<worksheet>``."""
    head, sep, _ = tag.name.rpartition(b":")
    return head + sep


def namespace_of(tag: Tag) -> str | None:
    prefix = prefix_of(tag)[:-1].decode()
    key = f"xmlns:{prefix}" if prefix else "xmlns"
    return tag.attrs.get(key)
