"""Reading a workbook's sheets in one pass: values, formulas, formats, fills, merges, tables.

What the tool reads from a person's workbook, straight from the sheet XML the patch writer
already knows how to scan — each row parsed once, one sheet at a time, sheets the caller does
not want skipped unparsed. Values are what Excel last computed and saved, given the way
openpyxl gives them (``load_workbook(read_only=True, data_only=True)`` and ``values_only``):
numbers as ``int`` or ``float``, dates as ``datetime``/``time``/``timedelta`` when the cell's
number format is a date or duration, ``True``/``False``, error values as their text
(``"#DIV/0!"``), text of any kind (shared, inline, a formula's string result) as ``str``, an
absent or empty cell as ``None``. Formulas are given as openpyxl gives them without
``data_only`` (``"=SUM(A1:A3)"``, a shared formula written out for each of its cells).

``tests/test_sheetread.py`` compares this reader with openpyxl on the corpus.
"""

from __future__ import annotations

import datetime
import functools
import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .opc import REL_COMMENTS, REL_SHARED_STRINGS, REL_STYLES, REL_WORKSHEET, Package
from .sheetxml import Patterns, cell_ref, col_index, col_letters, parse_range, parse_ref
from .styles import Styles
from .xmlscan import (
    Span,
    XmlProblem,
    check_part,
    children,
    iter_tags,
    parse_attrs,
    prefix_of,
    root_children,
)

_EPOCH_1900 = datetime.datetime(1899, 12, 30)
_EPOCH_1904 = datetime.datetime(1904, 1, 1)
# number formats every workbook has without declaring them (ECMA-376, 18.8.30)
BUILTIN_FORMATS = {
    0: "General",
    1: "0",
    2: "0.00",
    3: "#,##0",
    4: "#,##0.00",
    5: '"$"#,##0_);("$"#,##0)',
    6: '"$"#,##0_);[Red]("$"#,##0)',
    7: '"$"#,##0.00_);("$"#,##0.00)',
    8: '"$"#,##0.00_);[Red]("$"#,##0.00)',
    9: "0%",
    10: "0.00%",
    11: "0.00E+00",
    12: "# ?/?",
    13: "# ??/??",
    14: "mm-dd-yy",
    15: "d-mmm-yy",
    16: "d-mmm",
    17: "mmm-yy",
    18: "h:mm AM/PM",
    19: "h:mm:ss AM/PM",
    20: "h:mm",
    21: "h:mm:ss",
    22: "m/d/yy h:mm",
    37: "#,##0_);(#,##0)",
    38: "#,##0_);[Red](#,##0)",
    39: "#,##0.00_);(#,##0.00)",
    40: "#,##0.00_);[Red](#,##0.00)",
    41: r'_(* #,##0_);_(* \(#,##0\);_(* "-"_);_(@_)',
    42: r'_("$"* #,##0_);_("$"* \(#,##0\);_("$"* "-"_);_(@_)',
    43: r'_(* #,##0.00_);_(* \(#,##0.00\);_(* "-"??_);_(@_)',
    44: r'_("$"* #,##0.00_)_("$"* \(#,##0.00\)_("$"* "-"??_)_(@_)',
    45: "mm:ss",
    46: "[h]:mm:ss",
    47: "mmss.0",
    48: "##0.0E+0",
    49: "@",
}
_QUOTED_OR_BRACKETED = re.compile(r'"[^"]*"|\[(?![hms]{1,2}\])[^\]]*\]', re.I)
_DATE_PART = re.compile(r"(?<![_\\])[dmhys]", re.I)
_DURATION = re.compile(r"\[(?:hh?|mm?|ss?)\]", re.I)
_ROW_R = re.compile(rb"""\sr\s*=\s*["'](\d+)["']""")


def is_date_format(code: str | None) -> bool:
    """Does a number format show a date or a time (its first section, literals aside)?"""
    if not code:
        return False
    first = _QUOTED_OR_BRACKETED.sub("", code.split(";")[0])
    return _DATE_PART.search(first) is not None


def is_duration_format(code: str | None) -> bool:
    """``[h]:mm``-like formats: elapsed time, not a time of day."""
    return code is not None and _DURATION.search(code.split(";")[0]) is not None


def from_serial(value: float, date1904: bool, duration: bool) -> object:
    """An Excel date serial as ``datetime`` (``time`` below 1, ``timedelta`` for durations)."""
    if duration:
        delta = datetime.timedelta(days=value)
        if delta.microseconds:  # to the millisecond, as Excel shows it
            delta = datetime.timedelta(
                seconds=delta.total_seconds() // 1, microseconds=round(delta.microseconds, -3)
            )
        return delta
    day, fraction = divmod(value, 1)
    rest = datetime.timedelta(milliseconds=round(fraction * 86_400_000))
    if 0 <= value < 1 and rest.days == 0:
        minutes, seconds = divmod(rest.seconds, 60)
        return datetime.time(minutes // 60, minutes % 60, seconds, rest.microseconds)
    epoch = _EPOCH_1904 if date1904 else _EPOCH_1900
    if not date1904 and 0 < value < 60:
        day += 1  # Excel's 29 February 1900, which never was
    return epoch + datetime.timedelta(days=day) + rest


@dataclass(frozen=True)
class TableInfo:
    """An Excel table (list object) on a sheet."""

    name: str
    ref: tuple[int, int, int, int]  # (first row, first col, last row, last col)
    header_rows: int
    totals_rows: int

    @property
    def totals(self) -> tuple[int, int, int, int] | None:
        """The range of its totals row(s), None without."""
        if not self.totals_rows:
            return None
        r1, c1, r2, c2 = self.ref
        return (r2 - self.totals_rows + 1, c1, r2, c2)


@dataclass
class CellFormats:
    """Number format code and fill of each cell format (``xf``) of the stylesheet."""

    codes: list[str] = field(default_factory=list)
    filled: list[bool] = field(default_factory=list)
    # the fill's colour: RGB of a plain solid fill, "motif" for any other visible fill, ""
    colours: list[str] = field(default_factory=list)

    def code(self, xf: int) -> str:
        return self.codes[xf] if 0 <= xf < len(self.codes) else "General"

    def has_fill(self, xf: int) -> bool:
        return self.filled[xf] if 0 <= xf < len(self.filled) else False

    def colour(self, xf: int) -> str:
        return self.colours[xf] if 0 <= xf < len(self.colours) else ""


@dataclass
class SheetValues:
    """One sheet as read: rows of values (row 1 first, each as long as its last cell), the
    formulas, each cell's format, merged ranges and tables."""

    name: str
    state: str  # "visible", "hidden" or "veryHidden"
    rows: list[list[object]] = field(default_factory=list)
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col) → "=…"
    xfs: dict[tuple[int, int], int] = field(default_factory=dict)  # cell format, when not 0
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    tables: list[TableInfo] = field(default_factory=list)
    formats: CellFormats = field(default_factory=CellFormats)
    note_authors: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col) → author

    def value(self, row: int, col: int) -> object:
        if 0 < row <= len(self.rows):
            line = self.rows[row - 1]
            if 0 < col <= len(line):
                return line[col - 1]
        return None

    def number_format(self, row: int, col: int) -> str:
        return self.formats.code(self.xfs.get((row, col), 0))

    def has_fill(self, row: int, col: int) -> bool:
        return self.formats.has_fill(self.xfs.get((row, col), 0))


def read_sheets(
    path: str | Path, *, wanted: Callable[[str], bool] | None = None
) -> list[SheetValues]:
    """Every worksheet of the workbook at ``path`` (those ``wanted`` accepts), in tab order.

    Raises ``XmlProblem`` (French reason) for a part that is not well formed. Run the entry
    guard (``guard.check_workbook_file``) first: it bounds what this reads.
    """
    with Package(Path(path)) as package:
        return read_package_sheets(package, wanted)


def read_package_sheets(
    package: Package, wanted: Callable[[str], bool] | None = None
) -> list[SheetValues]:
    """``read_sheets`` on a package already open (the patch writer reads its registry so)."""
    return _Reader(package).read(wanted)


def sheet_opening(package: Package, part: str) -> tuple[bool, object]:
    """Whether the worksheet ``part`` holds any value, and its A1 value (who wrote it can
    be told from its title)."""
    reader = _Reader(package)
    sheet = SheetValues("", "visible", formats=reader.formats)
    reader._sheet(sheet, part, first_row_only=True)  # a re-run must not parse old findings
    if not sheet.rows and not sheet.formulas:
        reader._sheet(sheet, part)  # the first row element held nothing: look at them all
    filled = any(v is not None for line in sheet.rows for v in line) or bool(sheet.formulas)
    return filled, sheet.value(1, 1)


class _Reader:
    def __init__(self, package: Package) -> None:
        self.pkg = package
        main = package.main_part()
        if main is None:
            raise XmlProblem("classeur sans partie principale")
        self.main = main
        self.rels = {r.id: r for r in package.rels(main)}
        data = package.read(main)
        check_part(data)
        self.workbook = data
        self.date1904 = False
        self.entries: list[tuple[str, str, str]] = []  # (name, state, relationship id)
        for tag in iter_tags(data):
            if tag.kind not in ("start", "empty"):
                continue
            if tag.local == b"workbookPr":
                self.date1904 = tag.attrs.get("date1904", "0").lower() in ("1", "true")
            elif tag.local == b"sheet":
                attrs = tag.attrs
                rid = next((v for k, v in attrs.items() if k.endswith(":id")), "")
                self.entries.append((attrs.get("name", ""), attrs.get("state", "visible"), rid))
        self._strings: list[str] | None = None
        self.formats, self.dates, self.durations = self._formats()

    # -- workbook-wide tables -----------------------------------------------------------------

    def _formats(self) -> tuple[CellFormats, set[int], set[int]]:
        rel = next((r for r in self.rels.values() if r.type == REL_STYLES), None)
        formats = CellFormats()
        if rel is None or rel.part is None or not self.pkg.has(rel.part):
            return formats, set(), set()
        styles = Styles(self.pkg.read(rel.part))
        custom: dict[int, str] = {}
        for item in styles.all("numFmts"):
            attrs = next(iter_tags(item)).attrs
            try:
                custom[int(attrs.get("numFmtId", ""))] = attrs.get("formatCode", "")
            except ValueError:
                continue
        all_fills = styles.all("fills")
        fills = [_has_pattern(f) for f in all_fills]
        colours = [
            _fill_colour(f) if shown else "" for f, shown in zip(all_fills, fills, strict=True)
        ]
        dates, durations = set(), set()
        for index, xf in enumerate(styles.all("cellXfs")):
            attrs = next(iter_tags(xf)).attrs
            num_id = _int(attrs.get("numFmtId"))
            code = custom.get(num_id) or BUILTIN_FORMATS.get(num_id) or "General"
            fill_id = _int(attrs.get("fillId"))
            formats.codes.append(code)
            formats.filled.append(0 <= fill_id < len(fills) and fills[fill_id])
            formats.colours.append(colours[fill_id] if 0 <= fill_id < len(colours) else "")
            if is_date_format(code):
                dates.add(index)
                if is_duration_format(code):
                    durations.add(index)
        return formats, dates, durations

    def strings(self) -> list[str]:
        if self._strings is None:
            self._strings = []
            for rel in self.rels.values():
                if rel.type == REL_SHARED_STRINGS and rel.part and self.pkg.has(rel.part):
                    self._strings = shared_strings(self.pkg.read(rel.part))
        return self._strings

    # -- sheets -------------------------------------------------------------------------------

    def read(self, wanted: Callable[[str], bool] | None) -> list[SheetValues]:
        out = []
        for name, state, rid in self.entries:
            rel = self.rels.get(rid)
            if rel is None or rel.type != REL_WORKSHEET or rel.part is None:
                continue  # chart sheets, dialog sheets, broken entries
            if not self.pkg.has(rel.part) or (wanted is not None and not wanted(name)):
                continue
            sheet = SheetValues(name, state, formats=self.formats)
            try:
                self._sheet(sheet, rel.part)
            except XmlProblem as exc:
                exc.sheet = name  # which sheet, for the caller's message
                raise
            out.append(sheet)
        return out

    def _sheet(self, sheet: SheetValues, part: str, *, first_row_only: bool = False) -> None:
        data = self.pkg.read(part)
        check_part(data)
        root, kids = root_children(data)
        p = prefix_of(root)
        patterns = Patterns.get(p)
        by_name = {k.tag.local: k for k in kids}
        merges = by_name.get(b"mergeCells")
        if merges is not None:
            sheet.merged = [
                parse_range(c.tag.attrs.get("ref", ""))
                for c in children(data, merges.tag, merges.end)
                if c.tag.local == b"mergeCell" and c.tag.attrs.get("ref")
            ]
        parts = by_name.get(b"tableParts")
        if parts is not None:
            sheet.tables = self._tables(part, data, parts)
        if not first_row_only:
            sheet.note_authors = self._note_authors(part)
        rows_span = by_name.get(b"sheetData")
        if rows_span is None or rows_span.tag.kind == "empty":
            return
        end = rows_span.end
        if first_row_only:
            closing = re.compile(rb"</" + re.escape(patterns.p) + rb"row\s*>")
            found = closing.search(data, rows_span.inner_start, end)
            end = found.end() if found else end
        self._rows(sheet, data, patterns, rows_span.inner_start, end)

    def _rows(
        self, sheet: SheetValues, data: bytes, patterns: Patterns, start: int, end: int
    ) -> None:
        p = patterns.p
        q = re.escape(p)
        value_re = re.compile(rb"<" + q + rb"v(?:\s[^>]*)?>([^<]*)</" + q + rb"v\s*>")
        # a cell as Excel, openpyxl and LibreOffice write it: reference first, then the style
        # and the type; read in one scan of the row (any other form: cell by cell)
        usual = re.compile(
            rb"<" + q + rb"""c r="([A-Z]{1,3})\d+"(?: s="(\d+)")?(?: t="(\w+)")?\s*"""
            rb"(?:/>|>(.*?)</" + q + rb"c>)",
            re.S,
        )
        formula_mark = b"<" + p + b"f"
        rows, formulas, xfs = sheet.rows, sheet.formulas, sheet.xfs
        shared: dict[str, object] = {}  # si → translator of the group's formula
        dates, durations, date1904 = self.dates, self.durations, self.date1904
        last_row = 0
        for row_match in patterns.row.finditer(data, start, end):
            found = _ROW_R.search(row_match.group(1))
            r = int(found.group(1)) if found else last_row + 1
            if r <= last_row:
                continue  # a row repeated or out of order: the first one read counts
            last_row = r
            while len(rows) < r - 1:
                rows.append([])
            line: list[object] = []
            rows.append(line)
            body_start, body_end = row_match.start(2), row_match.end(2)
            if body_start < 0:
                continue
            cells = usual.findall(data, body_start, body_end)
            if len(cells) != len(patterns.cell_start.findall(data, body_start, body_end)):
                cells = self._unusual(data, patterns, body_start, body_end)
            for letters, style, kind, body in cells:
                col = _column(letters)
                if col <= len(line):
                    continue  # a cell repeated or out of order: the first one read counts
                xf = int(style) if style else 0
                if xf:
                    xfs[r, col] = xf
                value: object = None
                if body:
                    if formula_mark in body:
                        text = self._formula(body, patterns, r, col, shared)
                        if text is not None:
                            formulas[r, col] = text
                    if kind == b"inlineStr":
                        value = _inline_text(body)
                    else:
                        v = value_re.search(body)
                        raw = _text(v.group(1)) if v is not None else ""
                        if raw:
                            value = self._value(
                                raw, kind.decode() or "n", xf, dates, durations, date1904
                            )
                if col > len(line) + 1:
                    line.extend([None] * (col - len(line) - 1))
                line.append(value)

    @staticmethod
    def _unusual(
        data: bytes, patterns: Patterns, start: int, end: int
    ) -> list[tuple[bytes, bytes, bytes, bytes]]:
        """(letters, style, type, content) of each cell of a row, whatever its attributes."""
        out = []
        col = 0
        for cell in patterns.cell.finditer(data, start, end):
            col, xf, kind = _slow_attrs(cell.group(1), col)
            letters = col_letters(col).encode()
            out.append((letters, str(xf).encode(), kind.encode(), cell.group(2) or b""))
        return out

    def _value(
        self,
        raw: str,
        kind: str,
        xf: int,
        dates: set[int],
        durations: set[int],
        date1904: bool,
    ) -> object:
        if kind == "n":
            try:
                number = float(raw) if ("." in raw or "e" in raw or "E" in raw) else int(raw)
            except ValueError:
                return raw  # not a number after all: shown as its text
            if xf in dates:
                try:
                    return from_serial(number, date1904, xf in durations)
                except (OverflowError, ValueError):
                    return "#VALUE!"  # a serial outside Excel's dates: shown as an error
            return number
        if kind == "s":
            strings = self.strings()
            index = int(raw)
            return strings[index] if 0 <= index < len(strings) else None
        if kind == "b":
            return bool(int(raw))
        if kind == "d":
            return datetime.datetime.fromisoformat(raw.replace("Z", ""))
        return raw  # "str" (a formula's text), "e" (an error value)

    def _formula(
        self, body: bytes, patterns: Patterns, row: int, col: int, shared: dict[str, object]
    ) -> str | None:
        match = patterns.formula.search(body)
        if match is None:
            return None
        attrs = parse_attrs(match.group(1))
        text = "=" + (_text(match.group(2)) if match.group(2) else "")
        kind = attrs.get("t", "normal")
        if kind == "shared":
            group = attrs.get("si", "")
            if group in shared:
                return shared[group].translate_formula(cell_ref(row, col))  # type: ignore[attr-defined]
            if text != "=":
                from openpyxl.formula.translate import Translator  # only for shared formulas

                shared[group] = Translator(text, cell_ref(row, col))
        return text

    def _note_authors(self, part: str) -> dict[tuple[int, int], str]:
        """The cells that hold a note, with the note's author (a legacy comments part)."""
        out: dict[tuple[int, int], str] = {}
        for rel in self.pkg.rels(part):
            if rel.type != REL_COMMENTS or rel.part is None or not self.pkg.has(rel.part):
                continue
            data = self.pkg.read(rel.part)
            check_part(data)
            listed = _AUTHORS.search(data)
            authors = [_text(a) for a in _AUTHOR.findall(listed.group(1))] if listed else []
            for m in _COMMENT.finditer(data):
                attrs = dict(_ATTR.findall(m.group(1)))
                ref = attrs.get(b"ref", b"").decode("ascii", "replace").split(":")[0]
                try:
                    row, col = parse_ref(ref)
                except XmlProblem:
                    continue
                index = int(attrs.get(b"authorId", b"-1") or -1)
                out[(row, col)] = authors[index] if 0 <= index < len(authors) else ""
        return out

    def _tables(self, part: str, data: bytes, parts_span: Span) -> list[TableInfo]:
        rels = {r.id: r for r in self.pkg.rels(part)}
        out = []
        for child in children(data, parts_span.tag, parts_span.end):
            rid = next((v for k, v in child.tag.attrs.items() if k.endswith(":id")), "")
            rel = rels.get(rid)
            if rel is None or rel.part is None or not self.pkg.has(rel.part):
                continue
            table = self.pkg.read(rel.part)
            check_part(table)
            root, _ = root_children(table)
            attrs = root.attrs
            out.append(
                TableInfo(
                    attrs.get("displayName") or attrs.get("name") or "?",
                    parse_range(attrs.get("ref", "A1")),
                    _int(attrs.get("headerRowCount"), 1),
                    _int(attrs.get("totalsRowCount"), 0),
                )
            )
        return out


# ---------------------------------------------------------------------------------------------
# small pieces

_T = re.compile(rb"<(?:[\w.-]+:)?t(?:\s[^>]*)?>([^<]*)</(?:[\w.-]+:)?t\s*>")
_PHONETIC = re.compile(rb"<((?:[\w.-]+:)?)rPh\b.*?</\1rPh\s*>", re.S)
_SI = re.compile(rb"<((?:[\w.-]+:)?)si(?:\s[^>]*)?(?:/>|>(.*?)</\1si\s*>)", re.S)
_IS = re.compile(rb"<(?:[\w.-]+:)?is[\s/>]")
_AUTHORS = re.compile(rb"<(?:[\w.-]+:)?authors\s*>(.*?)</(?:[\w.-]+:)?authors\s*>", re.S)
_AUTHOR = re.compile(rb"<(?:[\w.-]+:)?author\s*>([^<]*)</(?:[\w.-]+:)?author\s*>")
_COMMENT = re.compile(rb"<(?:[\w.-]+:)?comment(\s[^>]*)>")
_ATTR = re.compile(rb"""([\w:]+)\s*=\s*["']([^"']*)["']""")
_FILL_PATTERN = re.compile(rb"""patternType\s*=\s*["'](\w+)["']""")


def _text(raw: bytes) -> str:
    """Element text as an XML parser gives it: line ends normalised, references resolved."""
    if b"\r" in raw:
        raw = raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    text = raw.decode("utf-8")
    return html.unescape(text) if "&" in text else text


def _inline_text(body: bytes) -> str | None:
    """The text of an inline string: None without ``<is>``, "" for an empty one."""
    if _IS.search(body) is None:
        return None
    if b"rPh" in body:
        body = _PHONETIC.sub(b"", body)
    return "".join(_text(t) for t in _T.findall(body))


def shared_strings(data: bytes) -> list[str]:
    """The shared string table as plain texts (rich runs joined, phonetic runs left out)."""
    out = []
    for _, body in _SI.findall(data):
        if b"rPh" in body:
            body = _PHONETIC.sub(b"", body)
        out.append("".join(_text(t) for t in _T.findall(body)))
    return out


def _has_pattern(fill: bytes) -> bool:
    """Does a ``<fill>`` show anything (a pattern other than none, or a gradient)?"""
    if b"gradientFill" in fill:
        return True
    found = _FILL_PATTERN.search(fill)
    return found is not None and found.group(1) != b"none"


_SOLID_RGB = re.compile(
    rb"""patternType\s*=\s*["']solid["'].*?<(?:\w+:)?fgColor\b[^>]*\brgb\s*=\s*["']"""
    rb"""(?:[0-9A-Fa-f]{2})?([0-9A-Fa-f]{6})["']""",
    re.S,
)


def _fill_colour(fill: bytes) -> str:
    """The RGB of a plain solid fill; "motif" for a pattern, gradient or theme colour."""
    found = _SOLID_RGB.search(fill)
    return found.group(1).decode("ascii").upper() if found else "motif"


def _slow_attrs(raw: bytes, previous: int) -> tuple[int, int, str]:
    """(column, cell format, type) of a cell whose attributes are not in Excel's usual order."""
    attrs = parse_attrs(raw)
    ref = attrs.get("r", "").replace("$", "")
    letters = ref.rstrip("0123456789")
    col = col_index(letters) if letters.isalpha() and len(letters) <= 3 else previous + 1
    return col, _int(attrs.get("s")), attrs.get("t", "n")


@functools.lru_cache(maxsize=4096)
def _column(letters: bytes) -> int:
    return col_index(letters.decode("ascii"))


def _int(text: str | None, default: int = 0) -> int:
    if not text:
        return default
    try:
        return int(text)
    except ValueError:
        return default
