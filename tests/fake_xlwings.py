"""A project-owned stand-in for the part of xlwings' Book API the buttons use (classic engine).

It behaves like Excel driven through COM, and counts every call that would cross to Excel
(COM on Windows, AppleScript on macOS): the tests assert that this count does not grow with the
number of rows. What matters is mimicked: Excel parses what is written (a leading apostrophe
keeps text as text, ``=`` starts a formula, "12" becomes a number), a scalar written to a range
fills every cell of it, errors read as strings with ``err_to_str``, a range's formulas read as
Excel's texts ("0.8" for a typed number, "" for an empty cell), adding a note where one exists
fails, and the relative references of a conditional format's formula are read from the active
cell (COM's rule).

It refuses what the shared adapter must never do because xlwings' remote engine (xlwings Lite)
refuses it: synchronous reads of a fill colour, a number format, a note's text or author. The
messages are xlwings' own, so a test failing here says what Lite would say. Formula reads are
the classic engine's alone (the adapter uses them there only); the tests against the real
remote engine (test_excel_remote.py) catch any on Lite.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from types import SimpleNamespace

from openpyxl.utils.cell import column_index_from_string, coordinate_to_tuple

# xlwings 0.37.8, xlwings/pro/_xlremote.py: what the remote engine answers
REFUSED = {
    "color": "Reading the fill color synchronously isn't supported on this "
    "engine. Use 'await myrange.get_color()' to fetch it on demand.",
    "number_format": "Reading the number format synchronously isn't supported on this "
    "engine. Use 'await myrange.get_number_format()' to fetch it on demand.",
    "formula": "Reading formulas synchronously isn't supported on this engine. "
    "Use 'await myrange.get_formula()' to fetch them on demand.",
    "note.text": "Reading a note's text synchronously isn't supported on this "
    "engine. Use 'await mynote.get_text()' to fetch it on demand.",
    "note.author": "Reading a note's author synchronously isn't supported on this "
    "engine. Use 'await mynote.get_author()'.",
}


class ComError(Exception):
    """What pywin32 raises when Excel refuses a call."""


class Calls:
    def __init__(self) -> None:
        self.count = 0
        self.log: list[str] = []

    def hit(self, what: str) -> None:
        self.count += 1
        self.log.append(what)


@dataclass
class _Cell:
    value: object = None
    formula: str | None = None
    number_format: str = "General"
    color: tuple[int, int, int] | None = None
    note: str | None = None


@dataclass
class Rule:
    """A conditional format as Excel stores it: the cells, the formula, the anchor it was
    written from (the active cell), the fill."""

    applies_to: str
    formula: str
    anchor: tuple[str, str]  # (sheet, cell) active when the rule was added
    fill: str | None


class FakeNote:
    def __init__(self, sheet: FakeSheet, key: tuple[int, int]):
        self.sheet, self.key = sheet, key

    @property
    def text(self) -> str:
        raise NotImplementedError(REFUSED["note.text"])

    @text.setter
    def text(self, value: str) -> None:
        self.sheet.calls.hit("note.text=")
        self.sheet.cells[self.key].note = value

    @property
    def author(self) -> str:
        raise NotImplementedError(REFUSED["note.author"])

    def delete(self) -> None:
        self.sheet.calls.hit("note.delete")
        self.sheet.cells[self.key].note = None


class _Font:
    def __init__(self, rng: FakeRange):
        self._rng = rng

    @property
    def bold(self) -> bool:
        return False

    @bold.setter
    def bold(self, value: bool) -> None:
        self._rng.sheet.calls.hit("font.bold=")


class _ConditionalFormats:
    def __init__(self, rng: FakeRange):
        self._rng = rng

    def add_custom(self, formula: str, *, fill_color=None, **_: object) -> Rule:
        book = self._rng.sheet.book
        book.calls.hit("conditional_formats.add_custom")
        if not formula.startswith("="):
            raise ValueError("formula must start with '='")
        rule = Rule(self._rng.address, formula, book.active_cell, fill_color)
        self._rng.sheet.rules.append(rule)
        return rule

    def clear(self) -> None:
        self._rng.sheet.calls.hit("conditional_formats.clear")
        self._rng.sheet.rules.clear()


def _areas(address: str) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    out = []
    for part in address.replace("$", "").split(","):
        first, _, last = part.partition(":")
        out.append((coordinate_to_tuple(first), coordinate_to_tuple(last or first)))
    return out


class FakeRange:
    def __init__(self, sheet: FakeSheet, areas: list[tuple[tuple[int, int], tuple[int, int]]]):
        self.sheet, self.areas = sheet, areas
        self.first, self.last = areas[0]

    # geometry (no Excel call: xlwings knows these from the address)
    @property
    def row(self) -> int:
        return self.first[0]

    @property
    def column(self) -> int:
        return self.first[1]

    @property
    def last_cell(self) -> FakeRange:
        return FakeRange(self.sheet, [(self.last, self.last)])

    @property
    def address(self) -> str:
        from openpyxl.utils import get_column_letter

        def one(first, last):
            a = f"{get_column_letter(first[1])}{first[0]}"
            b = f"{get_column_letter(last[1])}{last[0]}"
            return a if first == last else f"{a}:{b}"

        return ",".join(one(f, la) for f, la in self.areas)

    def options(self, **kwargs: object) -> FakeRange:
        self._ndim = kwargs.get("ndim")
        return self

    def _keys(self, first=None, last=None):
        first, last = first or self.first, last or self.last
        for r in range(first[0], last[0] + 1):
            yield [(r, c) for c in range(first[1], last[1] + 1)]

    def _all_keys(self):
        for first, last in self.areas:
            for line in self._keys(first, last):
                yield from line

    def _cell(self, key) -> _Cell:
        return self.sheet.cells.setdefault(key, _Cell())

    @property
    def value(self):
        self.sheet.calls.hit("value")
        rows = [
            [self.sheet.cells[k].value if k in self.sheet.cells else None for k in line]
            for line in self._keys()
        ]
        if len(rows) == 1 and len(rows[0]) == 1 and getattr(self, "_ndim", None) != 2:
            return rows[0][0]  # as xlwings: one cell reads as its value, not a 1×1 list
        return rows

    @value.setter
    def value(self, data) -> None:
        self.sheet.calls.hit("value=")
        if not isinstance(data, list):  # a scalar fills every cell, every area
            for key in self._all_keys():
                self._store(key, data)
            return
        assert len(self.areas) == 1, "an array goes to one area"
        for r, line in enumerate(data):
            for c, v in enumerate(line):
                self._store((self.first[0] + r, self.first[1] + c), v)

    raw_value = value

    def _store(self, key, v) -> None:
        cell = self._cell(key)
        cell.formula = None
        if isinstance(v, str) and v.startswith("'"):
            v = v[1:]
        elif isinstance(v, str) and v.startswith("="):
            cell.formula = v  # Excel makes it a formula
            v = None
        elif isinstance(v, str) and v and _parses_as_number(v):
            v = float(v.replace(",", "."))  # Excel reads a number typed as text
        elif v == "":
            v = None
        cell.value = v

    @property
    def number_format(self) -> str:
        raise NotImplementedError(REFUSED["number_format"])

    @number_format.setter
    def number_format(self, fmt: str) -> None:
        self.sheet.calls.hit("number_format=")
        for k in self._all_keys():
            self._cell(k).number_format = fmt

    @property
    def color(self):
        raise NotImplementedError(REFUSED["color"])

    @color.setter
    def color(self, rgb) -> None:
        self.sheet.calls.hit("color=")
        for k in self._all_keys():
            self._cell(k).color = tuple(rgb) if rgb else None

    def set_colors(self, colors) -> None:
        # classic xlwings sets them one cell at a time: one call per cell
        for r, line in enumerate(colors):
            for c, rgb in enumerate(line):
                if rgb is not ...:
                    self.sheet.calls.hit("color=")
                    cell = self._cell((self.first[0] + r, self.first[1] + c))
                    cell.color = tuple(rgb) if rgb else None

    @property
    def formula(self):
        self.sheet.calls.hit("formula")

        def text(key) -> str:
            cell = self.sheet.cells.get(key)
            if cell is None or (cell.value is None and cell.formula is None):
                return ""
            if cell.formula is not None:
                return cell.formula
            if isinstance(cell.value, bool):
                return "TRUE" if cell.value else "FALSE"
            if isinstance(cell.value, float) and cell.value.is_integer():
                return str(int(cell.value))
            return str(cell.value)

        rows = tuple(tuple(text(k) for k in line) for line in self._keys())
        return rows[0][0] if self.first == self.last else rows

    @property
    def note(self):
        self.sheet.calls.hit("note")
        cell = self.sheet.cells.get(self.first)
        return FakeNote(self.sheet, self.first) if cell and cell.note is not None else None

    def add_note(self, text: str) -> FakeNote:
        self.sheet.calls.hit("add_note")
        assert self.first == self.last, "notes go on single cells"
        if self._cell(self.first).note is not None:
            raise ComError("Application-defined or object-defined error (AddComment)")
        self._cell(self.first).note = text
        return FakeNote(self.sheet, self.first)

    @property
    def conditional_formats(self) -> _ConditionalFormats:
        return _ConditionalFormats(self)

    @property
    def font(self) -> _Font:
        return _Font(self)

    @property
    def column_width(self) -> float:
        return 8.43

    @column_width.setter
    def column_width(self, value: float) -> None:
        self.sheet.calls.hit("column_width=")

    def select(self) -> None:
        self.sheet.calls.hit("select")
        if self.sheet.book.active_sheet is not self.sheet:
            raise ComError("Select method of Range class failed (sheet not active)")
        self.sheet.book.active_cell = (self.sheet.name, self.address.split(",")[0].split(":")[0])


def _parses_as_number(text: str) -> bool:
    try:
        float(text.replace(",", "."))
        return True
    except ValueError:
        return False


class FakeSheet:
    def __init__(self, book: FakeBook, name: str):
        self.book, self.name = book, name
        self.cells: dict[tuple[int, int], _Cell] = {}
        self.rules: list[Rule] = []
        self.visible = True
        self.tables: list = []

    @property
    def calls(self) -> Calls:
        return self.book.calls

    @property
    def used_range(self) -> FakeRange:
        self.calls.hit("used_range")
        keys = [k for k, c in self.cells.items() if c.value is not None or c.formula]
        if not keys:
            return FakeRange(self, [((1, 1), (1, 1))])
        last = (max(k[0] for k in keys), max(k[1] for k in keys))
        return FakeRange(self, [((1, 1), last)])

    def range(self, first, last=None) -> FakeRange:
        if isinstance(first, str):
            return FakeRange(self, _areas(first))
        return FakeRange(self, [(tuple(first), tuple(last or first))])

    def activate(self) -> None:
        self.calls.hit("activate")
        self.book.active_sheet = self
        self.book.active_cell = (self.name, "A1")

    def clear(self) -> None:
        self.calls.hit("clear")
        self.cells.clear()


class FakeSheets:
    def __init__(self, book: FakeBook):
        self.book = book
        self._sheets: list[FakeSheet] = []

    def __iter__(self):
        return iter(list(self._sheets))

    def __len__(self) -> int:
        return len(self._sheets)

    def __getitem__(self, key):
        if isinstance(key, int):
            return self._sheets[key]
        for s in self._sheets:
            if s.name == key:
                return s
        raise KeyError(key)

    def add(self, name: str, after: FakeSheet | None = None) -> FakeSheet:
        self.book.calls.hit("sheets.add")
        sheet = FakeSheet(self.book, name)
        index = self._sheets.index(after) + 1 if after is not None else 0
        self._sheets.insert(index, sheet)
        return sheet


@dataclass
class FakeApp:
    calls: Calls
    status_bar: str | bool = False
    alerts: list[tuple[str, str | None]] = field(default_factory=list)
    engine: SimpleNamespace = field(default_factory=lambda: SimpleNamespace(name="excel"))

    def alert(
        self,
        prompt: str,
        title: str | None = None,
        buttons: str = "ok",
        mode: str | None = None,
        callback: str | None = None,
    ) -> str:
        self.calls.hit("alert")
        self.alerts.append((prompt, mode))
        return "ok"


class FakeBook:
    def __init__(self, fullname: str = "/tmp/classeur.xlsx"):
        self.calls = Calls()
        self.sheets = FakeSheets(self)
        self.app = FakeApp(self.calls)
        self.fullname = fullname
        self.active_sheet: FakeSheet | None = None
        self.active_cell: tuple[str, str] = ("", "A1")

    @property
    def selection(self) -> FakeRange | None:
        self.calls.hit("selection")
        if self.active_sheet is None:
            return None
        return self.active_sheet.range(self.active_cell[1])

    @classmethod
    def from_xlsx(cls, path, *, styles: bool = True) -> FakeBook:
        """A book holding what Excel would show for an .xlsx: values, formulas and, unless
        ``styles`` is False (faster for large generated workbooks), formats, fills, notes and
        conditional formats."""
        from openpyxl import load_workbook

        book = cls(str(path))
        values = load_workbook(path, data_only=True, read_only=not styles)
        formulas = load_workbook(path, read_only=True)
        for ws, wf in zip(values.worksheets, formulas.worksheets, strict=True):
            sheet = FakeSheet(book, ws.title)
            sheet.visible = ws.sheet_state == "visible"
            written = {
                (c.row, c.column): str(c.value)
                for row in wf.iter_rows()
                for c in row
                if getattr(c, "data_type", None) == "f"  # a text "=…" is not a formula
            }
            for row in ws.iter_rows():
                for c in row:
                    if not hasattr(c, "column"):  # an empty cell of a read-only sheet
                        continue
                    cell = _Cell(value=c.value, formula=written.get((c.row, c.column)))
                    if styles:
                        cell.number_format = c.number_format
                        if c.fill and c.fill.fill_type == "solid" and c.fill.fgColor.type == "rgb":
                            rgb = c.fill.fgColor.rgb[-6:]
                            cell.color = tuple(int(rgb[i : i + 2], 16) for i in (0, 2, 4))
                        if c.comment:
                            cell.note = c.comment.text
                    if cell != _Cell():
                        sheet.cells[(c.row, c.column)] = cell
            if styles:
                for rng in ws.conditional_formatting:
                    for rule in rng.rules:
                        for formula in rule.formula or []:
                            sqref = str(rng.sqref).replace(" ", ",")
                            sheet.rules.append(Rule(sqref, "=" + formula, ("", ""), None))
            book.sheets._sheets.append(sheet)
        values.close()
        formulas.close()
        book.active_sheet = book.sheets._sheets[0] if book.sheets._sheets else None
        book.active_cell = (book.active_sheet.name if book.active_sheet else "", "A1")
        book.calls = Calls()
        book.app.calls = book.calls
        return book

    def value(self, sheet: str, address: str):
        cell = self.sheets[sheet].cells.get(coordinate_to_tuple(address))
        return cell.value if cell else None

    def cell(self, sheet: str, address: str) -> _Cell:
        return self.sheets[sheet].cells.get(coordinate_to_tuple(address)) or _Cell()


def rule_cells(rule: Rule) -> set[str]:
    """The cells a rule applies to, as A1 addresses."""
    from openpyxl.utils import get_column_letter

    out = set()
    for first, last in _areas(rule.applies_to):
        for r in range(first[0], last[0] + 1):
            for c in range(first[1], last[1] + 1):
                out.add(f"{get_column_letter(c)}{r}")
    return out


def rule_shows(book: FakeBook, sheet: str, rule: Rule, address: str) -> bool:
    """Whether ``rule`` colours ``address``: its formula evaluated as Excel does (relative
    references shifted from the anchor it was written from), for the ``X5="word"`` shape."""
    match = re.fullmatch(r'=\$?([A-Z]+)\$?(\d+)="((?:[^"]|"")*)"', rule.formula)
    if match is None or address not in rule_cells(rule):
        return False
    ref_col, ref_row, word = match.group(1), int(match.group(2)), match.group(3)
    anchor = coordinate_to_tuple(rule.anchor[1] or rule.applies_to.split(":")[0].split(",")[0])
    target = coordinate_to_tuple(address)
    row = ref_row + target[0] - anchor[0]
    col = column_index_from_string(ref_col) + target[1] - anchor[1]
    shown = book.sheets[sheet].cells.get((row, col))
    return shown is not None and shown.value == word.replace('""', '"')
