"""Writing XML: the one way the xlsx layer builds an element.

Every element the patch writer adds to a part (cells, notes, fills, relationships, conditional
formats…) goes through ``element``: the namespace prefix of the part it goes into, attributes
escaped and in the order given (``None`` leaves an attribute out), text escaped the OOXML way.
No module joins tags by hand, so none can forget an escape or a prefix.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

_INVALID_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ESCAPED_LOOKALIKE = re.compile("_(x[0-9A-Fa-f]{4}_)")


def _plain(text: str) -> bool:
    """Nothing to escape (nearly every text): no markup character, no control character, no
    underscore (which could start an ``_xHHHH_`` escape)."""
    return text.isprintable() and not (
        "&" in text or "<" in text or ">" in text or '"' in text or "_" in text
    )


def escape_text(text: str) -> str:
    """Text content: XML escapes, plus OOXML ``_xHHHH_`` for characters XML cannot hold."""
    if _plain(text):
        return text
    text = _ESCAPED_LOOKALIKE.sub(r"_x005F_\1", text)
    text = _INVALID_XML_CHARS.sub(lambda m: f"_x{ord(m.group()):04X}_", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escape_attr(text: str) -> str:
    if _plain(text):
        return text
    return escape_text(text).replace('"', "&quot;").replace("\n", "&#10;")


Attrs = Mapping[str, object] | list[tuple[str, object]] | tuple[tuple[str, object], ...]


def attributes(attrs: Attrs | None) -> str:
    """`` a="1" b="x"``: ``None`` values are left out, the others escaped."""
    if not attrs:
        return ""
    out = []
    items = attrs if type(attrs) in (list, tuple) else attrs.items()  # type: ignore[union-attr]
    for key, value in items:
        if value is None:
            continue
        if type(value) is int:
            value = str(value)
        elif type(value) is not str or not _plain(value):
            value = escape_attr(str(value))
        out.append(f' {key}="{value}"')
    return "".join(out)


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
    tag = p.decode("ascii") + name if p else name
    head = f"<{tag}{attributes(attrs)}"
    if text is None and not content:
        return (head + "/>").encode("utf-8")
    if text and not _plain(text):
        text = escape_text(text)
    inner = b"".join(content) if content else b""
    return (
        (head + ">").encode("utf-8") + inner + f"{text or ''}</{tag}>".encode()
        if inner
        else f"{head}>{text or ''}</{tag}>".encode()
    )


def cell_element(
    p: bytes, ref: str, style: int, kind: str, text: str = "", extra: Attrs | None = None
) -> bytes:
    """A worksheet ``<c>``: what ``element`` would write, in one step.

    Cells are nearly every element the tool writes (each changed cell, each cell of its own
    sheets), so they have this direct form. ``kind``: "n" (number, ``text`` its digits), "b"
    (boolean, "1"/"0"), "str" (inline text, never a formula), "empty" (style only); ``extra``
    attributes of the cell being replaced that the value does not decide.
    """
    q = p.decode("ascii") if p else ""
    head = f'<{q}c r="{ref}"'
    if style:
        head += f' s="{style}"'
    if kind == "str":
        head += ' t="inlineStr"'
    elif kind == "b":
        head += ' t="b"'
    if extra:
        head += attributes(extra)
    if kind == "empty":
        return (head + "/>").encode("utf-8")
    if kind == "str":
        space = ' xml:space="preserve"' if text != text.strip() or "\n" in text else ""
        if not _plain(text):
            text = escape_text(text)
        return f"{head}><{q}is><{q}t{space}>{text}</{q}t></{q}is></{q}c>".encode()
    return f"{head}><{q}v>{text}</{q}v></{q}c>".encode()


def declaration() -> bytes:
    return b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
