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
    enclosed,
    iter_tags,
    namespace_of,
    opened,
    prefix_of,
    root_children,
    set_attr,
    splice,
)
from .xmlwrite import element

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
# the children of <styleSheet>, in the schema's order (CT_Stylesheet)
_ORDER = (
    "numFmts",
    "fonts",
    "fills",
    "borders",
    "cellStyleXfs",
    "cellXfs",
    "cellStyles",
    "dxfs",
    "tableStyles",
    "colors",
    "extLst",
)
LISTS = ("numFmts", "fonts", "fills", "cellXfs", "dxfs")  # the lists the writer appends to


def _default_items(name: str, p: bytes) -> list[bytes]:
    """What a list created from nothing must hold first (Excel's defaults)."""
    if name == "fonts":
        return [
            element(
                p,
                "font",
                None,
                element(p, "sz", {"val": "11"}),
                element(p, "name", {"val": "Calibri"}),
                element(p, "family", {"val": "2"}),
            )
        ]
    if name == "fills":
        return [
            element(p, "fill", None, element(p, "patternFill", {"patternType": kind}))
            for kind in ("none", "gray125")
        ]
    if name == "cellXfs":
        ids = {"numFmtId": 0, "fontId": 0, "fillId": 0, "borderId": 0, "xfId": 0}
        return [element(p, "xf", ids)]
    return []


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
    """The ``<fill>`` of a plain colour, as Excel writes one."""
    pattern = element(
        p,
        "patternFill",
        {"patternType": "solid"},
        element(p, "fgColor", {"rgb": "FF" + rgb.upper()}),
        element(p, "bgColor", {"indexed": "64"}),
    )
    return element(p, "fill", None, pattern)


def highlight_dxf(p: bytes, rgb: str) -> bytes:
    """The differential format of a conditional format that turns a cell ``rgb``.

    In a ``dxf`` the colour of a solid fill is its background colour (Excel's own way)."""
    pattern = element(p, "patternFill", None, element(p, "bgColor", {"rgb": "FF" + rgb.upper()}))
    return element(p, "dxf", None, element(p, "fill", None, pattern))


@functools.lru_cache(maxsize=1024)
def solid_rgb(fill: bytes) -> str | None:
    """The colour of ``fill`` when it is a plain solid fill ("FFFF00"), else None.

    Only the pattern and the foreground colour count: a solid fill shows no background, and
    writers disagree on it (openpyxl repeats the colour, Excel writes ``indexed="64"``), so the
    tool's colour put by the template writer is still recognised by the patcher.
    """
    tags = [t for t in canonical(fill) if t[0] == "<"]
    if len(tags) < 3 or tags[0][1] != b"fill" or tags[1][1] != b"patternFill":
        return None
    if dict(tags[1][2]).get("patternType") != "solid":
        return None
    colours = [dict(t[2]) for t in tags[2:] if t[1] == b"fgColor"]
    others = [t for t in tags[2:] if t[1] not in (b"fgColor", b"bgColor")]
    if others or len(colours) != 1 or set(colours[0]) != {"rgb"}:
        return None
    rgb = colours[0]["rgb"]
    return rgb[2:] if len(rgb) == 8 and rgb[:2] == "FF" else None


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
        for name in LISTS:
            span = self._spans.get(name)
            self.items[name] = (
                [c.bytes(data) for c in children(data, span.tag, span.end)] if span else []
            )
        self.added: dict[str, list[bytes]] = {name: [] for name in self.items}
        self._created: set[str] = set()
        self._canon: dict[str, list[tuple]] = {}  # built for a list when first searched
        self._fills_of: dict[int, bytes] = {}

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
        """The ``<fill>`` a cell format shows (an entry never changes once written)."""
        found = self._fills_of.get(index)
        if found is None:
            fills = self.all("fills")
            fill_id = int(self.xf_attr(index, "fillId"))
            found = fills[fill_id] if 0 <= fill_id < len(fills) else b""
            self._fills_of[index] = found
        return found

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

    def _canonical(self, name: str) -> list[tuple]:
        if name not in self._canon:
            self._canon[name] = [canonical(i) for i in self.all(name)]
        return self._canon[name]

    def _find_or_add(self, name: str, item: bytes) -> int:
        key = canonical(item)
        for i, existing in enumerate(self._canonical(name)):
            if existing == key and not (name == "fills" and i == 1):
                return i
        if name not in self._spans and name not in self._created:
            self._created.add(name)
            for default in _default_items(name, self.p):
                self._append(name, default)
            return self._find_or_add(name, item)
        return self._append(name, item)

    def _append(self, name: str, item: bytes) -> int:
        self.added[name].append(item)
        self._canonical(name).append(canonical(item))
        return len(self._canon[name]) - 1

    def with_prefix(self, xml: str) -> bytes:
        """Unprefixed XML (as the registry of marks keeps a fill) in this part's prefix."""
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
        xml = element(self.p, "numFmt", {"numFmtId": new_id, "formatCode": code})
        self._find_or_add("numFmts", xml)
        return new_id

    def fill_id(self, fill: bytes) -> int:
        return self._find_or_add("fills", fill)

    def font_id(self, font: bytes) -> int:
        return self._find_or_add("fonts", font)

    def dxf_id(self, dxf: bytes) -> int:
        """The index of a differential format equal to ``dxf``, appended when missing."""
        return self._find_or_add("dxfs", dxf)

    def derive(
        self,
        base: int,
        *,
        number_format: str | None = None,
        fill: bytes | None = None,
        font: bytes | None = None,
        alignment: bytes | None = None,
        extra: dict[str, str] | None = None,
    ) -> int:
        """The index of ``xf`` ``base`` with another number format, fill, font or alignment."""
        xf = self.xf(base)
        head_end = xf.index(b">") + 1
        head, tail = xf[:head_end], xf[head_end:]
        changes: dict[str, str] = dict(extra or {})
        if alignment is not None:
            if head.endswith(b"/>"):  # <xf .../> → <xf ...></xf> to hold the child
                name = re.match(rb"<([\w.:-]+)", head)
                assert name is not None
                head, tail = opened(head), b"</" + name.group(1) + b">"
            tail = alignment + re.sub(
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
        if font is not None:
            changes["fontId"] = str(self.font_id(font))
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
        for name, added in self.added.items():
            if not added:
                continue
            span = self._spans.get(name)
            total = len(self.items[name]) + len(added)
            if span is None:
                pos = self._insert_position(name)
                edits.append((pos, pos, element(self.p, name, {"count": total}, *added)))
                continue
            head = self.data[span.tag.start : span.tag.end]
            if "count" in span.tag.attrs:
                head = set_attr(head, "count", str(total))
            if span.tag.kind == "empty":
                whole = enclosed(head, span.tag.name, b"".join(added))
                edits.append((span.start, span.end, whole))
            else:
                edits.append((span.tag.start, span.tag.end, head))
                pos = span.inner_end(self.data)
                edits.append((pos, pos, b"".join(added)))
        return splice(self.data, edits)

    def _insert_position(self, name: str) -> int:
        """Where a missing list goes: before the first child the schema puts after it."""
        later = _ORDER[_ORDER.index(name) + 1 :]
        for span in self._kids:
            if span.tag.local.decode() in later:
                return span.start
        return self.data.rfind(b"</")
