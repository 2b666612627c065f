"""``xl/styles.xml``, append-only.

Cells point at cell formats (``xf``) by index and an ``xf`` is shared by every cell that uses it,
so the writer never edits or renumbers an existing entry: to give a cell another number format or
fill it finds an equivalent ``xf`` (same bytes up to spacing and attribute order) or appends a
copy of the cell's ``xf`` with only that attribute changed. Reusing equal entries is what makes a
second run add nothing.
"""

from __future__ import annotations

import functools
import re

from .xmlscan import (
    Span,
    XmlProblem,
    check_part,
    children,
    escape_attr,
    iter_tags,
    namespace_of,
    prefix_of,
    root_children,
    set_attr,
    splice,
)

_BUILTIN_FORMATS = {
    "general": 0,
    "0": 1,
    "0.00": 2,
    "#,##0": 3,
    "#,##0.00": 4,
    "0%": 9,
    "0.00%": 10,
    "0.00e+00": 11,
    "@": 49,
}
_LIST_ORDER = ("numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs")
_AFTER = {
    "numFmts": _LIST_ORDER[1:] + ("cellStyles", "dxfs", "tableStyles", "colors", "extLst"),
    "fonts": _LIST_ORDER[2:] + ("cellStyles", "dxfs", "tableStyles", "colors", "extLst"),
    "fills": _LIST_ORDER[3:] + ("cellStyles", "dxfs", "tableStyles", "colors", "extLst"),
    "cellXfs": ("cellStyles", "dxfs", "tableStyles", "colors", "extLst"),
}
_DEFAULT_ITEMS = {
    "fonts": ['<font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'],
    "fills": [
        '<fill><patternFill patternType="none"/></fill>',
        '<fill><patternFill patternType="gray125"/></fill>',
    ],
    "cellXfs": ['<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'],
    "numFmts": [],
}


def canonical(fragment: bytes) -> tuple:
    """Compare style entries whatever the prefix, spacing, attribute order or colour case."""
    out = []
    for tag in iter_tags(fragment):
        if tag.kind == "other":
            continue
        attrs = tag.attrs
        for key in ("rgb",):
            if key in attrs:
                value = attrs[key].upper()
                attrs[key] = "FF" + value if len(value) == 6 else value
        item = (tag.local, tuple(sorted(attrs.items())))
        if tag.kind in ("start", "empty"):
            out.append(("<",) + item)
        if tag.kind in ("end", "empty"):
            out.append((">", tag.local))
    return tuple(out)


def solid_fill(p: bytes, rgb: str) -> bytes:
    return (
        b"<"
        + p
        + b"fill><"
        + p
        + b'patternFill patternType="solid"><'
        + p
        + f'fgColor rgb="FF{rgb}"/>'.encode()
        + b"<"
        + p
        + b'bgColor indexed="64"/></'
        + p
        + b"patternFill></"
        + p
        + b"fill>"
    )


@functools.lru_cache(maxsize=1024)
def is_solid(fill: bytes, rgb: str | None) -> bool:
    """Is ``fill`` a solid fill of colour ``rgb`` (6 hex digits)?

    Only the pattern and the foreground colour count: a solid fill shows no background, and
    writers disagree on it (openpyxl repeats the colour, Excel writes ``indexed="64"``), so the
    tool's colour put by the template writer is still recognised by the patcher.
    """
    if not rgb:
        return False
    tags = [t for t in canonical(fill) if t[0] == "<"]
    if len(tags) < 3 or tags[0][1] != b"fill" or tags[1][1] != b"patternFill":
        return False
    if dict(tags[1][2]).get("patternType") != "solid":
        return False
    colours = [dict(t[2]) for t in tags[2:] if t[1] == b"fgColor"]
    others = [t for t in tags[2:] if t[1] not in (b"fgColor", b"bgColor")]
    return not others and len(colours) == 1 and colours[0] == {"rgb": "FF" + rgb.upper()}


class Styles:
    """The parsed stylesheet and the entries appended to it."""

    def __init__(self, data: bytes) -> None:
        check_part(data)
        self.data = data
        self.root, kids = root_children(data)
        if self.root.local != b"styleSheet" or namespace_of(self.root) is None:
            raise XmlProblem("feuille de styles inattendue")
        self.p = prefix_of(self.root)
        self._spans: dict[str, Span] = {s.tag.local.decode(): s for s in kids}
        self._kids = kids
        self.items: dict[str, list[bytes]] = {}
        for name in ("numFmts", "fonts", "fills", "cellXfs"):
            span = self._spans.get(name)
            self.items[name] = (
                [c.bytes(data) for c in children(data, span.tag, span.end)] if span else []
            )
        self.added: dict[str, list[bytes]] = {name: [] for name in self.items}
        self._created: set[str] = set()
        self._canon: dict[str, list[tuple]] = {
            name: [canonical(i) for i in items] for name, items in self.items.items()
        }

    # -- lookup -------------------------------------------------------------------------------

    def all(self, name: str) -> list[bytes]:
        return self.items[name] + self.added[name]

    def xf(self, index: int) -> bytes:
        xfs = self.all("cellXfs")
        if not 0 <= index < len(xfs):
            raise XmlProblem(f"style de cellule {index} absent de la feuille de styles")
        return xfs[index]

    def xf_attr(self, index: int, name: str, default: str = "0") -> str:
        match = re.match(rb"<[^>]*?\s" + name.encode() + rb'\s*=\s*"([^"]*)"', self.xf(index))
        return match.group(1).decode() if match else default

    def fill_of_xf(self, index: int) -> bytes:
        fills = self.all("fills")
        fill_id = int(self.xf_attr(index, "fillId"))
        return fills[fill_id] if 0 <= fill_id < len(fills) else b""

    def locked(self, index: int) -> bool:
        """Cell protection of an ``xf``: locked unless ``<protection locked="0"/>``."""
        for tag in iter_tags(self.xf(index)):
            if tag.local == b"protection":
                return tag.attrs.get("locked", "1").lower() not in ("0", "false")
        return True

    def number_format_code(self, index: int) -> str | None:
        num_id = int(self.xf_attr(index, "numFmtId"))
        for item in self.all("numFmts"):
            attrs = next(iter_tags(item)).attrs
            if attrs.get("numFmtId") == str(num_id):
                return attrs.get("formatCode")
        for code, builtin in _BUILTIN_FORMATS.items():
            if builtin == num_id:
                return "General" if code == "general" else code
        return None

    # -- appending ----------------------------------------------------------------------------

    def _find_or_add(self, name: str, item: bytes) -> int:
        key = canonical(item)
        for i, existing in enumerate(self._canon[name]):
            if existing == key and not (name == "fills" and i == 1):
                return i
        if name not in self._spans and name not in self._created:
            self._created.add(name)
            for default in _DEFAULT_ITEMS[name]:
                self._append(name, self._prefixed(default))
            return self._find_or_add(name, item)
        return self._append(name, item)

    def _append(self, name: str, item: bytes) -> int:
        self.added[name].append(item)
        self._canon[name].append(canonical(item))
        return len(self._canon[name]) - 1

    def _prefixed(self, xml: str) -> bytes:
        if not self.p:
            return xml.encode()
        p = self.p.decode()
        return re.sub(r"<(/?)(\w)", rf"<\1{p}\2", xml).encode()

    def number_format_id(self, code: str) -> int:
        builtin = _BUILTIN_FORMATS.get(code.lower())
        if builtin is not None:
            return builtin
        used = []
        for item in self.all("numFmts"):
            attrs = next(iter_tags(item)).attrs
            if attrs.get("formatCode") == code:
                return int(attrs["numFmtId"])
            used.append(int(attrs.get("numFmtId", "0")))
        new_id = max([163, *used]) + 1
        xml = f'<numFmt numFmtId="{new_id}" formatCode="{escape_attr(code)}"/>'
        self._find_or_add("numFmts", self._prefixed(xml))
        return new_id

    def fill_id(self, fill: bytes) -> int:
        return self._find_or_add("fills", fill)

    def font_id(self, font_xml: str) -> int:
        return self._find_or_add("fonts", self._prefixed(font_xml))

    def derive(
        self,
        base: int,
        *,
        number_format: str | None = None,
        fill: bytes | None = None,
        font_xml: str | None = None,
        alignment_xml: str | None = None,
        extra: dict[str, str] | None = None,
    ) -> int:
        """The index of ``xf`` ``base`` with another number format, fill, font or alignment."""
        xf = self.xf(base)
        head_end = xf.index(b">") + 1
        head, tail = xf[:head_end], xf[head_end:]
        changes: dict[str, str] = dict(extra or {})
        if alignment_xml is not None:
            if head.endswith(b"/>"):  # <xf .../> → <xf ...></xf> to hold the child
                name = re.match(rb"<([\w.:-]+)", head)
                assert name is not None
                head, tail = head[:-2].rstrip() + b">", b"</" + name.group(1) + b">"
            tail = self._prefixed(alignment_xml) + re.sub(
                rb"<(?:[\w.-]+:)?alignment\b[^>]*?(?:/>|>.*?</(?:[\w.-]+:)?alignment>)",
                b"",
                tail,
                flags=re.S,
            )  # alignment is the first child of an xf (before protection and extLst)
            changes["applyAlignment"] = "1"
        if number_format is not None:
            changes["numFmtId"] = str(self.number_format_id(number_format))
            changes["applyNumberFormat"] = "" if changes["numFmtId"] == "0" else "1"
        if fill is not None:
            changes["fillId"] = str(self.fill_id(fill))
            changes["applyFill"] = "" if changes["fillId"] == "0" else "1"
        if font_xml is not None:
            changes["fontId"] = str(self.font_id(font_xml))
            changes["applyFont"] = "" if changes["fontId"] == "0" else "1"
        for key, value in changes.items():
            head = set_attr(head, key, value or None)
        return self._find_or_add("cellXfs", head + tail)

    def default_font(self) -> tuple[str, str]:
        """(size, name) of font 0, to build fonts that match the workbook."""
        fonts = self.all("fonts")
        size, name = "11", "Calibri"
        if fonts:
            for tag in iter_tags(fonts[0]):
                if tag.local == b"sz":
                    size = tag.attrs.get("val", size)
                elif tag.local == b"name":
                    name = tag.attrs.get("val", name)
        return size, name

    # -- output -------------------------------------------------------------------------------

    @property
    def changed(self) -> bool:
        return any(self.added.values())

    def render(self) -> bytes:
        edits: list[tuple[int, int, bytes]] = []
        created: list[tuple[str, bytes]] = []
        for name, added in self.added.items():
            if not added:
                continue
            span = self._spans.get(name)
            total = len(self.items[name]) + len(added)
            if span is None:
                p = self.p
                created.append(
                    (
                        name,
                        b"<"
                        + p
                        + name.encode()
                        + f' count="{total}">'.encode()
                        + b"".join(added)
                        + b"</"
                        + p
                        + name.encode()
                        + b">",
                    )
                )
                continue
            head = self.data[span.tag.start : span.tag.end]
            if "count" in span.tag.attrs:
                head = set_attr(head, "count", str(total))
            if span.tag.kind == "empty":
                head = head[:-2].rstrip() + b">"
                edits.append(
                    (span.start, span.end, head + b"".join(added) + b"</" + span.tag.name + b">")
                )
            else:
                edits.append((span.tag.start, span.tag.end, head))
                pos = span.inner_end(self.data)
                edits.append((pos, pos, b"".join(added)))
        for name, xml in created:
            pos = self._insert_position(name)
            edits.append((pos, pos, xml))
        return splice(self.data, edits)

    def _insert_position(self, name: str) -> int:
        if name == "numFmts":
            return self.root.end
        for span in self._kids:
            if span.tag.local.decode() in _AFTER[name]:
                return span.start
        return self.data.rfind(b"</")
