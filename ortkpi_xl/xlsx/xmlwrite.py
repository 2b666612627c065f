"""Writing XML: the one way the xlsx layer builds an element.

Every element the patch writer adds to a part (cells, notes, fills, relationships, conditional
formats…) goes through ``element``: the namespace prefix of the part it goes into, attributes
escaped and in the order given (``None`` leaves an attribute out), text escaped the OOXML way.
No module joins tags by hand, so none can forget an escape or a prefix.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

_INVALID_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ESCAPED_LOOKALIKE = re.compile("_(x[0-9A-Fa-f]{4}_)")
_PLAIN = re.compile('[^&<>"\n\x00-\x1f_\ufffe\uffff]*')


def escape_text(text: str) -> str:
    """Text content: XML escapes, plus OOXML ``_xHHHH_`` for characters XML cannot hold."""
    if _PLAIN.fullmatch(text):
        return text  # nearly every text: nothing to do
    text = _ESCAPED_LOOKALIKE.sub(r"_x005F_\1", text)
    text = _INVALID_XML_CHARS.sub(lambda m: f"_x{ord(m.group()):04X}_", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escape_attr(text: str) -> str:
    if _PLAIN.fullmatch(text):
        return text
    return escape_text(text).replace('"', "&quot;").replace("\n", "&#10;")


Attrs = Mapping[str, object] | Iterable[tuple[str, object]]


def attributes(attrs: Attrs | None) -> bytes:
    """`` a="1" b="x"``: ``None`` values are left out, the others escaped."""
    if not attrs:
        return b""
    items = attrs.items() if isinstance(attrs, Mapping) else attrs
    return "".join(
        f' {key}="{escape_attr(value if isinstance(value, str) else str(value))}"'
        for key, value in items
        if value is not None
    ).encode("utf-8")


def element(
    p: bytes,
    name: str,
    attrs: Attrs | None = None,
    *content: bytes,
    text: str | None = None,
) -> bytes:
    """``<p:name attrs>content text</p:name>``; ``<p:name attrs/>`` when it holds nothing.

    ``p`` is the prefix of the part's namespace (``b""`` or ``b"x:"``); ``content`` are child
    elements already written; ``text`` is escaped. ``text=""`` still writes an open/close pair.
    """
    tag = p + name.encode("ascii")
    head = b"<" + tag + attributes(attrs)
    if text is None and not content:
        return head + b"/>"
    body = b"".join(content)
    if text:
        body += escape_text(text).encode("utf-8")
    return head + b">" + body + b"</" + tag + b">"


def declaration() -> bytes:
    return b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
