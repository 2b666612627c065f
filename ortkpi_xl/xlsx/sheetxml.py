"""A worksheet part, read for what the patch writer needs and edited cell by cell.

Rows and cells are located by their byte spans; an edit replaces the ``<c>`` of a changed cell,
inserts a ``<c>`` or ``<row>`` in order, widens ``<dimension>`` and, when a person's shared
formula loses its master cell, writes the surviving members as plain formulas (same formula,
translated the way Excel shares it). Everything else in the part keeps its bytes.
"""

from __future__ import annotations

import bisect
import functools
import html
import math
import re
from dataclasses import dataclass, field

from .opc import NS_MAIN, NS_STRICT_MAIN
from .xmlscan import (
    Span,
    Tag,
    XmlProblem,
    check_part,
    children,
    enclosed,
    filled,
    namespace_of,
    parse_attrs,
    prefix_of,
    root_children,
    set_attr,
    splice,
)
from .xmlwrite import cell_element, element

MAX_TEXT = 32_767  # Excel's limit for a cell's text

_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")
_ROW_R = re.compile(rb"""\sr\s*=\s*["'](\d+)["']""")
_CELL_R = re.compile(rb"""\sr\s*=\s*["']\$?([A-Za-z]{1,3})\$?(\d+)["']""")
# a cell's attributes as Excel, openpyxl and LibreOffice write them: r, then s, then t
_USUAL = re.compile(rb"""\s+r="([A-Z]{1,3}\d+)"(?:\s+s="(\d+)")?(?:\s+t="(\w+)")?\s*""")
_STYLE = re.compile(rb"""\ss\s*=\s*["']\s*(\d+)\s*["']""")


@functools.lru_cache(maxsize=20_000)
def col_letters(col: int) -> str:
    letters = ""
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def col_index(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


@functools.lru_cache(maxsize=4096)
def _col_index(letters: bytes) -> int:
    return col_index(letters.decode())


def cell_ref(row: int, col: int) -> str:
    return f"{col_letters(col)}{row}"


def parse_ref(ref: str) -> tuple[int, int]:
    match = _REF.match(ref.strip())
    if not match:
        raise XmlProblem(f"référence de cellule illisible « {ref} »")
    return int(match.group(2)), col_index(match.group(1))


def parse_range(text: str) -> tuple[int, int, int, int]:
    """``"B2:D5"`` → (2, 2, 5, 4); a single cell gives a one-cell range."""
    first, _, last = text.partition(":")
    r1, c1 = parse_ref(first)
    r2, c2 = parse_ref(last) if last else (r1, c1)
    return min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)


def in_range(row: int, col: int, rng: tuple[int, int, int, int]) -> bool:
    return rng[0] <= row <= rng[2] and rng[1] <= col <= rng[3]


def range_text(rng: tuple[int, int, int, int]) -> str:
    first = cell_ref(rng[0], rng[1])
    return first if rng[:2] == rng[2:] else f"{first}:{cell_ref(rng[2], rng[3])}"


@dataclass(frozen=True)
class Formula:
    span: Span  # the <f> element
    attrs: dict[str, str]
    text: str

    @property
    def kind(self) -> str:
        return self.attrs.get("t", "normal")


_ATTRS = rb"""((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)"""


class Patterns:
    """Compiled patterns for one namespace prefix (rows and cells never nest)."""

    _cache: dict[bytes, Patterns] = {}

    def __init__(self, p: bytes) -> None:
        self.p = p
        q = re.escape(p)

        def element(name: bytes, attrs: bytes = _ATTRS) -> re.Pattern[bytes]:
            close = rb"</" + q + name + rb"\s*>"
            body = rb"([^<]*(?:<(?!/" + q + name + rb"\s*>)[^<]*)*)"  # up to the close tag
            return re.compile(
                rb"<" + q + name + rb"(?=[\s/>])" + attrs + rb"\s*(?:/>|>" + body + close + rb")"
            )

        self.row = element(b"row")
        self.cell = element(b"c")
        # the same, with the reference captured when it comes first (as every program writes
        # it): groups 1 attributes, 2 column letters, 3 row number, 4 content
        first_r = rb"""(?:\s+r\s*=\s*["']([A-Za-z]{1,3})(\d+)["'])?"""
        self.cell_ref = element(b"c", rb"(" + first_r + _ATTRS[1:])
        self.formula = element(b"f")
        self.formula_start = re.compile(rb"<" + q + rb"f(?=[\s/>])")
        self.cell_start = re.compile(rb"<" + q + rb"c(?=[\s/>])")

    @classmethod
    def get(cls, p: bytes) -> Patterns:
        if p not in cls._cache:
            cls._cache[p] = Patterns(p)
        return cls._cache[p]


def _span(match: re.Match[bytes], name: bytes, body_group: int = 2) -> Span:
    body = match.start(body_group)
    if body < 0:
        tag = Tag("empty", name, match.start(), match.end(), match.group(1))
    else:
        tag = Tag("start", name, match.start(), body, match.group(1))
    return Span(tag, match.end())


class Cell:
    """One ``<c>``: position and offsets; span, attributes and formula built on demand."""

    __slots__ = ("row", "col", "_match", "_data", "_patterns", "_span", "_attrs", "_formula")

    def __init__(
        self, row: int, col: int, match: re.Match[bytes], data: bytes, patterns: Patterns
    ) -> None:
        self.row, self.col, self._match = row, col, match
        self._data, self._patterns = data, patterns
        self._span: Span | None = None
        self._attrs: dict[str, str] | None = None
        self._formula: Formula | None | bool = False

    @property
    def span(self) -> Span:
        if self._span is None:
            self._span = _span(self._match, self._patterns.p + b"c", 4)
        return self._span

    @property
    def attrs(self) -> dict[str, str]:
        if self._attrs is None:
            self._attrs = parse_attrs(self._match.group(1))
        return self._attrs

    @property
    def kind(self) -> str:
        """The value type (``t``): "n", "s", "str", "b", "e", "inlineStr"…"""
        if self._attrs is None:
            usual = _USUAL.fullmatch(self._match.group(1))
            if usual is not None:
                return usual.group(3).decode() if usual.group(3) else "n"
        return self.attrs.get("t", "n")

    @property
    def other_attrs(self) -> dict[str, str] | None:
        """Attributes besides the reference, style and type (phonetic, metadata…), if any."""
        if self._attrs is None and _USUAL.fullmatch(self._match.group(1)) is not None:
            return None
        return self.attrs

    @property
    def style(self) -> int:
        if self._attrs is None:  # the style alone, without parsing every attribute
            found = _STYLE.search(self._match.group(1))
            return int(found.group(1)) if found else 0
        return int(self._attrs.get("s", "0") or 0)

    @property
    def formula(self) -> Formula | None:
        if self._formula is False:
            self._formula = None
            body = self._match.start(4)
            if body >= 0:
                match = self._patterns.formula.search(self._data, body, self._match.end())
                if match is not None:
                    span = _span(match, self._patterns.p + b"f")
                    text = match.group(2) or b""
                    self._formula = Formula(
                        span, parse_attrs(match.group(1)), html.unescape(text.decode("utf-8"))
                    )
        return self._formula  # type: ignore[return-value]

    def bytes(self) -> bytes:
        return self._match.group()


@dataclass
class SharedGroup:
    master: tuple[int, int]
    ref: str
    text: str
    members: list[tuple[int, int]] = field(default_factory=list)


class SheetPart:
    """A worksheet part parsed for patching."""

    def __init__(self, data: bytes) -> None:
        check_part(data)
        self.data = data
        self.root, self.kids = root_children(data)
        if self.root.local != b"worksheet":
            raise XmlProblem("la partie n'est pas une feuille de calcul")
        ns = namespace_of(self.root)
        if ns == NS_STRICT_MAIN:
            raise XmlProblem("format « Open XML strict »")
        if ns != NS_MAIN:
            raise XmlProblem("espace de noms inattendu pour une feuille")
        self.p = prefix_of(self.root)
        self.patterns = Patterns.get(self.p)
        self.sheet_data = self.kid("sheetData")
        if self.sheet_data is None:
            raise XmlProblem("feuille sans <sheetData>")
        self.rows: dict[int, Span] = {}
        self.implicit = False
        self._cells: dict[int, dict[int, Cell]] = {}
        self._column_styles: dict[int, int] | None = None
        last = 0
        sd = self.sheet_data
        if sd.tag.kind == "empty":
            return
        name = self.p + b"row"
        for match in self.patterns.row.finditer(data, sd.inner_start, sd.inner_end(data)):
            span = _span(match, name)
            found = _ROW_R.search(span.tag.raw_attrs)
            if found is None:
                self.implicit = True
                row = last + 1
            else:
                row = int(found.group(1))
            if row <= last:
                raise XmlProblem("lignes dans le désordre")
            self.rows[row] = span
            last = row

    def kid(self, local: str) -> Span | None:
        for span in self.kids:
            if span.tag.local == local.encode():
                return span
        return None

    # -- reading ------------------------------------------------------------------------------

    def cells(self, row: int) -> dict[int, Cell]:
        cached = self._cells.get(row)
        if cached is not None:
            return cached
        span = self.rows.get(row)
        if span is None or span.tag.kind == "empty":
            return {}
        out: dict[int, Cell] = {}
        last = 0
        data, patterns = self.data, self.patterns
        for match in patterns.cell_ref.finditer(data, span.inner_start, span.end):
            letters = match.group(2)
            if letters is not None:
                r, col = int(match.group(3)), _col_index(letters)
            else:
                found = _CELL_R.search(match.group(1))
                if found is None:
                    self.implicit = True
                    r, col = row, last + 1
                else:
                    r, col = int(found.group(2)), _col_index(found.group(1))
            if r != row:
                raise XmlProblem(f"cellule de la ligne {r} rangée dans la ligne {row}")
            if col <= last:
                raise XmlProblem(f"cellules dans le désordre à la ligne {row}")
            last = col
            out[col] = Cell(row, col, match, data, patterns)
        self._cells[row] = out
        return out

    def formulas(self) -> list[Cell]:
        """Every cell holding an ``<f>``: found from its ``<f>``, back to its ``<c>``."""
        sd = self.sheet_data
        if sd is None or sd.tag.kind == "empty":
            return []
        data, name = self.data, self.p + b"c"
        opener = b"<" + name
        out: list[Cell] = []
        for match in self.patterns.formula_start.finditer(data, sd.inner_start, sd.end):
            start = data.rfind(opener, sd.inner_start, match.start())
            while start >= 0 and data[start + len(opener)] not in b" \t\r\n/>":
                start = data.rfind(opener, sd.inner_start, start)
            cell_match = self.patterns.cell_ref.match(data, start) if start >= 0 else None
            if cell_match is None or cell_match.end() < match.end():
                raise XmlProblem("formule hors d'une cellule")
            found = _CELL_R.search(cell_match.group(1))
            if found is None:
                raise XmlProblem("formule dans une cellule sans référence")
            row, col = int(found.group(2)), _col_index(found.group(1))
            out.append(Cell(row, col, cell_match, data, self.patterns))
        return out

    def shared_groups(self, formula_cells: list[Cell]) -> dict[str, SharedGroup]:
        groups: dict[str, SharedGroup] = {}
        for cell in formula_cells:
            f = cell.formula
            if f is None or f.kind != "shared" or "si" not in f.attrs:
                continue
            group = groups.setdefault(f.attrs["si"], SharedGroup((0, 0), "", ""))
            group.members.append((cell.row, cell.col))
            if "ref" in f.attrs:
                group.master = (cell.row, cell.col)
                group.ref = f.attrs["ref"]
                group.text = f.text
        return groups

    def array_ranges(self, formula_cells: list[Cell]) -> list[tuple[int, int, int, int]]:
        out = []
        for cell in formula_cells:
            f = cell.formula
            if f is not None and f.kind in ("array", "dataTable") and "ref" in f.attrs:
                out.append(parse_range(f.attrs["ref"]))
        return out

    def merged_ranges(self) -> list[tuple[int, int, int, int]]:
        span = self.kid("mergeCells")
        if span is None:
            return []
        return [
            parse_range(child.tag.attrs.get("ref", ""))
            for child in children(self.data, span.tag, span.end)
            if child.tag.local == b"mergeCell"
        ]

    def protected(self) -> bool:
        span = self.kid("sheetProtection")
        if span is None:
            return False
        return span.tag.attrs.get("sheet", "0").lower() in ("1", "true")

    def rid(self, local: str) -> str | None:
        span = self.kid(local)
        if span is None:
            return None
        for key, value in span.tag.attrs.items():
            if key.endswith(":id"):
                return value
        return None

    def table_rids(self) -> list[str]:
        span = self.kid("tableParts")
        if span is None:
            return []
        out = []
        for child in children(self.data, span.tag, span.end):
            for key, value in child.tag.attrs.items():
                if key.endswith(":id"):
                    out.append(value)
        return out

    def base_style(self, row: int, col: int) -> int:
        """The style Excel shows for an empty cell: the row's, else the column's, else 0."""
        span = self.rows.get(row)
        if span is not None and b"customFormat" in span.tag.raw_attrs:
            attrs = span.tag.attrs
            if attrs.get("customFormat", "0").lower() in ("1", "true") and "s" in attrs:
                return int(attrs["s"])
        return self.column_style(col)

    def column_style(self, col: int) -> int:
        """The style of column ``col`` (its ``<col>`` entry), 0 without one."""
        if self._column_styles is None:
            self._column_styles = {}
            cols = self.kid("cols")
            if cols is not None:
                for child in reversed(children(self.data, cols.tag, cols.end)):
                    attrs = child.tag.attrs  # the first entry covering a column wins
                    style = int(attrs.get("style", 0) or 0)
                    low, high = int(attrs.get("min", 0)), int(attrs.get("max", 0))
                    for c in range(max(low, 1), min(high, 16_384) + 1):
                        self._column_styles[c] = style
        return self._column_styles.get(col, 0)


# ---------------------------------------------------------------------------------------------
# writing cells


class Value:
    """How a changed cell's content is rewritten (built by the planner)."""

    __slots__ = ("kind", "text")

    def __init__(self, kind: str, text: str = "") -> None:
        self.kind = kind  # "n", "b", "str" (inline text), "empty"
        self.text = text


def value_for(obj: object) -> Value:
    """A ``CellChange.value`` as cell content; refuses what Excel cannot hold."""
    if obj is None:
        return Value("empty")
    if isinstance(obj, bool):
        return Value("b", "1" if obj else "0")
    if isinstance(obj, int):
        return Value("n", str(obj))
    if isinstance(obj, float):
        if not math.isfinite(obj):
            raise ValueError("valeur non finie")
        return Value("n", repr(obj))
    if isinstance(obj, str):
        if len(obj) > MAX_TEXT:
            raise ValueError(f"texte de plus de {MAX_TEXT} caractères")
        return Value("str", obj)
    raise ValueError(f"type de valeur non pris en charge ({type(obj).__name__})")


_DROPPED_ATTRS = {"r", "s", "t", "cm", "vm"}


def cell_xml(
    p: bytes, row: int, col: int, style: int, value: Value, keep: dict[str, str] | None = None
) -> bytes:
    """A ``<c>`` holding ``value`` (inline text, never a formula) in style ``style``; ``keep``
    are attributes of the cell it replaces (phonetic, …) other than what the value decides."""
    extra = [(k, v) for k, v in keep.items() if k not in _DROPPED_ATTRS] if keep else None
    return cell_element(p, cell_ref(row, col), style, value.kind, value.text, extra)


def formula_xml(p: bytes, text: str) -> bytes:
    """A plain ``<f>`` (a shared formula's member written out on its own)."""
    return element(p, "f", None, text=text)


@dataclass
class CellEdit:
    row: int
    col: int
    value: Value | None  # None: keep the content
    style: int | None  # None: keep the style


class SheetPatcher:
    """Collects the cell edits of one sheet and produces the new part.

    Each edited cell's new ``<c>`` is built once, when the edit is set (the planner compares it
    with the old bytes to tell a change from a repeat); ``render`` only places the bytes.
    """

    def __init__(self, sheet: SheetPart) -> None:
        self.sheet = sheet
        self.edits: dict[tuple[int, int], CellEdit] = {}
        self.built: dict[tuple[int, int], bytes] = {}  # new bytes of each edited cell
        self.formula_rewrites: dict[tuple[int, int], str] = {}  # shared members made plain
        self.extra: list[tuple[int, int, bytes]] = []  # raw edits outside sheetData

    def set(self, edit: CellEdit, cell: Cell | None) -> bytes:
        """Record ``edit`` of ``cell`` (None: a new cell); the bytes it will write."""
        key = (edit.row, edit.col)
        self.edits[key] = edit
        built = self._new_cell(edit, cell)
        self.built[key] = built
        return built

    def rewrite_formula(self, row: int, col: int, text: str) -> None:
        """Write a shared formula's member as a plain formula (its master was overwritten)."""
        self.formula_rewrites[row, col] = text
        if (row, col) in self.built:  # an edited cell: its bytes include the formula
            self.built[row, col] = self._new_cell(
                self.edits[row, col], self.sheet.cells(row).get(col)
            )

    @property
    def changed(self) -> bool:
        return bool(self.edits or self.formula_rewrites or self.extra)

    def render(self) -> bytes:
        sheet, data, p = self.sheet, self.sheet.data, self.sheet.p
        edits: list[tuple[int, int, bytes]] = list(self.extra)
        by_row: dict[int, list[int]] = {}
        for row, col in self.edits:
            by_row.setdefault(row, []).append(col)
        rewrites_by_row: dict[int, dict[int, str]] = {}
        for (row, col), text in self.formula_rewrites.items():
            rewrites_by_row.setdefault(row, {})[col] = text
        new_rows: list[tuple[int, bytes]] = []
        max_row = max_col = 0
        built = self.built
        for row in sorted(set(by_row) | set(rewrites_by_row)):
            cols = sorted(by_row.get(row, []))
            if cols:
                max_row, max_col = max(max_row, row), max(max_col, cols[-1])
            span = sheet.rows.get(row)
            if span is None:
                cells = [built[row, c] for c in cols]
                new_rows.append((row, element(p, "row", {"r": row}, *cells)))
                continue
            existing = sheet.cells(row)
            inserts: dict[int, list[bytes]] = {}
            end_inserts: list[bytes] = []
            next_cols = sorted(existing)
            for col in cols:
                cell = existing.get(col)
                if cell is not None:
                    edits.append((cell.span.start, cell.span.end, built[row, col]))
                    continue
                after = bisect.bisect_right(next_cols, col)
                if after < len(next_cols):
                    at = existing[next_cols[after]].span.start
                    inserts.setdefault(at, []).append(built[row, col])
                else:
                    end_inserts.append(built[row, col])
            for col, text in rewrites_by_row.get(row, {}).items():
                if (row, col) in self.edits:
                    continue  # rewritten inside the cell's new bytes
                cell = existing[col]
                assert cell.formula is not None
                edits.append((cell.formula.span.start, cell.formula.span.end, formula_xml(p, text)))
            for pos, chunks in inserts.items():
                edits.append((pos, pos, b"".join(chunks)))
            start_tag = data[span.tag.start : span.tag.end]
            new_start = self._widen_spans(start_tag, [c for c in cols if c not in existing])
            if span.tag.kind == "empty":
                new = enclosed(new_start, span.tag.name, b"".join(end_inserts))
                edits.append((span.start, span.end, new))
            else:
                if new_start != start_tag:
                    edits.append((span.tag.start, span.tag.end, new_start))
                if end_inserts:
                    pos = span.inner_end(data)
                    edits.append((pos, pos, b"".join(end_inserts)))
        if new_rows:
            self._insert_rows(new_rows, edits)
        self._widen_dimension(max_row, max_col, edits)
        return splice(data, edits)

    def _new_cell(self, edit: CellEdit, cell: Cell | None) -> bytes:
        p = self.sheet.p
        if cell is None:
            style = (
                edit.style if edit.style is not None else self.sheet.base_style(edit.row, edit.col)
            )
            return cell_xml(p, edit.row, edit.col, style, edit.value or Value("empty"))
        style = edit.style if edit.style is not None else cell.style
        if edit.value is None:
            data = self.sheet.data
            start = data[cell.span.tag.start : cell.span.tag.end]
            new_start = set_attr(start, "s", str(style) if style else None)
            rest = data[cell.span.tag.end : cell.span.end]
            text = self.formula_rewrites.get((edit.row, edit.col))
            if text is not None and cell.formula is not None:
                f = cell.formula.span
                rest = (
                    data[cell.span.tag.end : f.start]
                    + formula_xml(p, text)
                    + data[f.end : cell.span.end]
                )
            if cell.span.tag.kind == "empty" and new_start.endswith(b">") and not rest:
                return new_start
            return new_start + rest
        return cell_xml(p, edit.row, edit.col, style, edit.value, cell.other_attrs)

    @staticmethod
    def _widen_spans(start_tag: bytes, new_cols: list[int]) -> bytes:
        if not new_cols or b"spans" not in start_tag:
            return start_tag
        attrs = parse_attrs(start_tag)
        spans = attrs.get("spans")
        if not spans or not re.fullmatch(r"\d+:\d+", spans):
            return start_tag
        lo, hi = (int(x) for x in spans.split(":"))
        lo2, hi2 = min([lo, *new_cols]), max([hi, *new_cols])
        if (lo2, hi2) == (lo, hi):
            return start_tag
        return set_attr(start_tag, "spans", f"{lo2}:{hi2}")

    def _insert_rows(self, new_rows: list[tuple[int, bytes]], edits: list) -> None:
        sheet, data = self.sheet, self.sheet.data
        existing = sorted(sheet.rows)
        sd = sheet.sheet_data
        grouped: dict[int, list[bytes]] = {}
        tail: list[bytes] = []
        for row, xml in new_rows:
            after = bisect.bisect_right(existing, row)
            if after < len(existing):
                grouped.setdefault(sheet.rows[existing[after]].start, []).append(xml)
            else:
                tail.append(xml)
        for pos, chunks in grouped.items():
            edits.append((pos, pos, b"".join(chunks)))
        if tail:
            if sd.tag.kind == "empty":
                edits.append((sd.start, sd.end, filled(data, sd, b"".join(tail))))
            else:
                pos = sd.inner_end(data)
                edits.append((pos, pos, b"".join(tail)))

    def _widen_dimension(self, max_row: int, max_col: int, edits: list) -> None:
        span = self.sheet.kid("dimension")
        if span is None or not max_row:
            return
        ref = span.tag.attrs.get("ref", "")
        try:
            r1, c1, r2, c2 = parse_range(ref)
        except XmlProblem:
            return
        if max_row <= r2 and max_col <= c2:
            return
        new = range_text((r1, c1, max(r2, max_row), max(c2, max_col)))
        start = self.sheet.data[span.tag.start : span.tag.end]
        edits.append((span.tag.start, span.tag.end, set_attr(start, "ref", new)))


# the children of <worksheet> in the order the schema requires (CT_Worksheet), from
# <conditionalFormatting> on: an element the tool adds goes before the first of its followers
_WORKSHEET_TAIL = (
    "conditionalFormatting",
    "dataValidations",
    "hyperlinks",
    "printOptions",
    "pageMargins",
    "pageSetup",
    "headerFooter",
    "rowBreaks",
    "colBreaks",
    "customProperties",
    "cellWatches",
    "ignoredErrors",
    "smartTags",
    "drawing",
    "legacyDrawing",
    "legacyDrawingHF",
    "drawingHF",
    "picture",
    "oleObjects",
    "controls",
    "webPublishItems",
    "tableParts",
    "extLst",
    "AlternateContent",
)


def followers(local: str) -> tuple[str, ...]:
    """The children of <worksheet> the schema puts after ``local`` (for ``insert_before``)."""
    return _WORKSHEET_TAIL[_WORKSHEET_TAIL.index(local) + 1 :]


def insert_before(sheet: SheetPart, locals_after: tuple[str, ...]) -> int:
    """Where to insert a new top-level element that must precede ``locals_after``."""
    for span in sheet.kids:
        if span.tag.local.decode() in locals_after:
            return span.start
    return sheet.data.rfind(b"</")
