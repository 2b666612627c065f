"""A project-owned stand-in for the small part of xlwings' Book API the buttons use.

Stores values, number formats, colours and notes per cell, and counts every call that would
cross to Excel (COM on Windows, AppleScript on macOS): the tests assert that this count does not
grow with the number of rows. Excel-side behaviours that matter are mimicked: a leading
apostrophe keeps text as text, errors read as strings with ``err_to_str``.
"""

from __future__ import annotations

from dataclasses import dataclass, field


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
    number_format: str = "General"
    color: tuple[int, int, int] | None = None
    note: str | None = None


class FakeNote:
    def __init__(self, sheet: FakeSheet, key: tuple[int, int]):
        self.sheet, self.key = sheet, key

    @property
    def text(self) -> str:
        self.sheet.calls.hit("note.text")
        return self.sheet.cells[self.key].note or ""

    @text.setter
    def text(self, value: str) -> None:
        self.sheet.calls.hit("note.text=")
        self.sheet.cells[self.key].note = value

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


class FakeRange:
    def __init__(self, sheet: FakeSheet, first: tuple[int, int], last: tuple[int, int]):
        self.sheet, self.first, self.last = sheet, first, last

    # geometry (no Excel call: xlwings knows these from the address)
    @property
    def row(self) -> int:
        return self.first[0]

    @property
    def column(self) -> int:
        return self.first[1]

    @property
    def last_cell(self) -> FakeRange:
        return FakeRange(self.sheet, self.last, self.last)

    def options(self, **_: object) -> FakeRange:
        return self

    def _keys(self):
        for r in range(self.first[0], self.last[0] + 1):
            yield [(r, c) for c in range(self.first[1], self.last[1] + 1)]

    def _cell(self, key) -> _Cell:
        return self.sheet.cells.setdefault(key, _Cell())

    @property
    def value(self):
        self.sheet.calls.hit("value")
        rows = [
            [self.sheet.cells[k].value if k in self.sheet.cells else None for k in line]
            for line in self._keys()
        ]
        return rows

    @value.setter
    def value(self, data) -> None:
        self.sheet.calls.hit("value=")
        if not isinstance(data, list):
            data = [[data]]
        for r, line in enumerate(data):
            for c, v in enumerate(line):
                if isinstance(v, str) and v.startswith("'"):
                    v = v[1:]
                elif isinstance(v, str) and v.startswith("="):
                    raise AssertionError(f"a formula was written: {v!r}")
                self._cell((self.first[0] + r, self.first[1] + c)).value = v

    @property
    def number_format(self) -> str:
        self.sheet.calls.hit("number_format")
        return self._cell(self.first).number_format

    @number_format.setter
    def number_format(self, fmt: str) -> None:
        self.sheet.calls.hit("number_format=")
        for line in self._keys():
            for k in line:
                self._cell(k).number_format = fmt

    @property
    def color(self):
        self.sheet.calls.hit("color")
        colours = {
            self.sheet.cells[k].color if k in self.sheet.cells else None
            for line in self._keys()
            for k in line
        }
        return colours.pop() if len(colours) == 1 else None

    @color.setter
    def color(self, rgb) -> None:
        self.sheet.calls.hit("color=")
        for line in self._keys():
            for k in line:
                self._cell(k).color = tuple(rgb) if rgb else None

    @property
    def note(self):
        self.sheet.calls.hit("note")
        cell = self.sheet.cells.get(self.first)
        return FakeNote(self.sheet, self.first) if cell and cell.note is not None else None

    def add_note(self, text: str) -> FakeNote:
        self.sheet.calls.hit("add_note")
        assert self.first == self.last, "notes go on single cells"
        assert self._cell(self.first).note is None, "the cell already has a note"
        self._cell(self.first).note = text
        return FakeNote(self.sheet, self.first)

    @property
    def font(self) -> _Font:
        return _Font(self)

    @property
    def column_width(self) -> float:
        return 8.43

    @column_width.setter
    def column_width(self, value: float) -> None:
        self.sheet.calls.hit("column_width=")


class FakeSheet:
    def __init__(self, book: FakeBook, name: str):
        self.book, self.name = book, name
        self.cells: dict[tuple[int, int], _Cell] = {}
        self.visible = True

    @property
    def calls(self) -> Calls:
        return self.book.calls

    @property
    def used_range(self) -> FakeRange:
        self.calls.hit("used_range")
        keys = [k for k, c in self.cells.items() if c.value is not None]
        if not keys:
            return FakeRange(self, (1, 1), (1, 1))
        return FakeRange(self, (1, 1), (max(k[0] for k in keys), max(k[1] for k in keys)))

    def range(self, first, last=None) -> FakeRange:
        if isinstance(first, str):
            from openpyxl.utils.cell import coordinate_to_tuple

            first = coordinate_to_tuple(first)
        return FakeRange(self, tuple(first), tuple(last or first))

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

    @classmethod
    def from_xlsx(cls, path) -> FakeBook:
        """A book holding what Excel would show for an .xlsx (values, formats, fills, notes)."""
        from openpyxl import load_workbook

        book = cls(str(path))
        wb = load_workbook(path, data_only=True)
        for ws in wb.worksheets:
            sheet = FakeSheet(book, ws.title)
            for row in ws.iter_rows():
                for c in row:
                    cell = _Cell(value=c.value, number_format=c.number_format)
                    if c.fill and c.fill.fill_type == "solid" and c.fill.fgColor.type == "rgb":
                        rgb = c.fill.fgColor.rgb[-6:]
                        cell.color = tuple(int(rgb[i : i + 2], 16) for i in (0, 2, 4))
                    if c.comment:
                        cell.note = c.comment.text
                    if cell != _Cell():
                        sheet.cells[(c.row, c.column)] = cell
            book.sheets._sheets.append(sheet)
        book.calls = Calls()
        book.app.calls = book.calls
        return book

    def value(self, sheet: str, address: str):
        from openpyxl.utils.cell import coordinate_to_tuple

        cell = self.sheets[sheet].cells.get(coordinate_to_tuple(address))
        return cell.value if cell else None

    def cell(self, sheet: str, address: str) -> _Cell:
        from openpyxl.utils.cell import coordinate_to_tuple

        return self.sheets[sheet].cells.get(coordinate_to_tuple(address)) or _Cell()
