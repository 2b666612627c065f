"""What the tool changes in a workbook, described independently of how it is written.

Recalculer turns the engine's results into a ``ChangeSet``; a writer (openpyxl for the template,
the package patcher for a person's workbook, xlwings inside Excel) applies it. Everything the tool
writes goes through one of these objects, so a writer can prove it touched nothing else.

Ownership rules a writer must keep:
- a value is written as a number or as text, never as a formula (text starting with ``=`` stays
  text);
- ``highlight=True`` puts the tool's fill on the cell and remembers the fill it replaced;
  ``highlight=False`` restores that fill, only if the tool's fill is still there (a person may
  have recoloured the cell since) — never removes a fill a person applied;
- ``note`` text is the tool's note (author ``NOTE_AUTHOR``); ``note=""`` removes the tool's note
  only; a person's note on the cell is never replaced nor removed;
- owned sheets (``Contrôles``, ``Synthèse``…) are rewritten whole, charts included (so a second
  run rebuilds a chart, never duplicates it); no other sheet is created or removed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

NOTE_AUTHOR = "ortkpi-xl"


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET = _Unset()  # "leave the value as it is"


@dataclass(frozen=True)
class CellChange:
    row: int  # 1-based
    column: int  # 1-based
    value: object = UNSET  # float | int | str | None (None empties the cell) | UNSET
    number_format: str | None = None  # None: leave the number format
    highlight: bool | None = None  # True: tool fill on; False: tool fill off; None: leave
    note: str | None = None  # text: the tool's note; "": remove the tool's note; None: leave


@dataclass(frozen=True)
class ChartSpec:
    """A native bar chart drawn from a block of an owned sheet (rebuilt, never duplicated).

    Vertical clustered bars, one series per entry of ``series`` (named by its header cell, data
    in the rows below it); the value axis starts at 0 and ends at ``y_max`` when given (5 for
    survey marks), otherwise where the application puts it. ``show_values`` writes each value
    on its bar. An empty cell draws no bar; a series should hold numbers only, since Excel plots
    text as 0.
    """

    title: str
    anchor: str  # top-left cell of the chart, e.g. "H4"
    categories: tuple[int, int, int]  # (column, first row, last row) of the category labels
    series: tuple[tuple[int, int, int], ...]  # (column, header row, last row) per series
    y_title: str = ""
    percent: bool = True  # value axis formatted as a percentage
    width_cm: float = 16.0
    height_cm: float = 7.5
    y_max: float | None = None  # fixed top of the value axis (None: automatic)
    y_step: float | None = None  # distance between the value axis' labels (None: automatic)
    show_values: bool = True  # data labels with the values on the bars
    kind: str = "bar"  # "bar": clustered columns; "line": one line with markers per series
    horizontal: bool = False  # bars drawn across, categories listed top to bottom
    value_format: str = ""  # number format of the values on the bars ("": the writer's)
    # series colours, RGB hex, in series order (empty: the writer's palette)
    colours: tuple[str, ...] = ()


@dataclass(frozen=True)
class CellStyle:
    """How a cell of an owned sheet looks, beyond its value and number format (all optional).

    A writer that cannot show a presentation detail may ignore it: the values stay right.
    """

    fill: str | None = None  # background, RGB hex
    colour: str | None = None  # text colour, RGB hex
    bold: bool = False
    italic: bool = False
    size: float | None = None  # font size in points (None: the workbook's default)
    wrap: bool = False  # wrapped text, aligned to the top of the cell
    align: str | None = None  # horizontal alignment: "left", "center" or "right"


@dataclass(frozen=True)
class PrintSetup:
    """How an owned sheet prints: orientation, fitting, repeated rows, area, page breaks."""

    landscape: bool = True
    fit_width: int = 1  # pages across (0: no fitting, printed at 100 %)
    fit_height: int = 0  # pages down (0: as many as needed)
    title_rows: tuple[int, int] | None = None  # first and last row repeated on every page
    area: str | None = None  # print area, e.g. "A1:P40" (None: the used range)
    row_breaks: tuple[int, ...] = ()  # a new page starts after each of these rows
    footer: str = ""  # centre footer text; page numbers are added on the right


@dataclass(frozen=True)
class OwnedSheet:
    """A sheet the tool owns and rewrites whole (e.g. ``Contrôles``)."""

    name: str
    rows: list[list[object]]  # values only; strings are text
    widths: list[float] = field(default_factory=list)
    header_row: int = 1  # 1-based row of the table header (styled, frozen, filtered down to
    # the first empty row)
    links: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col) → "'S'!A1"
    number_formats: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col) → fmt
    charts: list[ChartSpec] = field(default_factory=list)
    title_rows: tuple[int, ...] = ()  # rows whose first cell is a block title (bold)
    subheader_rows: tuple[int, ...] = ()  # other table headers, styled like header_row
    # presentation (optional; see ``CellStyle``): a row's style covers its cells up to the
    # widest row, a cell's style is laid over its row's
    row_styles: dict[int, CellStyle] = field(default_factory=dict)
    cell_styles: dict[tuple[int, int], CellStyle] = field(default_factory=dict)
    row_heights: dict[int, float] = field(default_factory=dict)  # points
    hidden_columns: tuple[int, ...] = ()  # helper ranges (e.g. the numbers charts read)
    print_setup: PrintSetup | None = None
    freeze: bool = True  # freeze the rows down to ``header_row``
    autofilter: bool = True  # a filter on the ``header_row`` table
    # How a sheet of this name that the tool wrote begins: A1 starts with one of these (this
    # version's title and the earlier ones'). A sheet of that name that begins otherwise is a
    # person's, and the write is refused rather than their sheet replaced. Empty: the name
    # alone is the proof (the registry).
    claims: tuple[str, ...] = ()

    def replaces(self, filled: bool, first: object) -> bool:
        """Whether the sheet of this name now in the workbook may be replaced: it is empty
        (``filled`` false) or its A1 (``first``) begins with one of the tool's titles."""
        if not self.claims or not filled:
            return True
        text = " ".join(first.split()) if isinstance(first, str) else ""
        return any(text.startswith(claim) for claim in self.claims)

    def refusal(self, first: object) -> str:
        """Why a person's sheet of this name is not replaced, and what to do (French)."""
        text = " ".join(first.split())[:40] if isinstance(first, str) else ""
        seen = f" (A1 : « {text} »)" if text else ""
        return (
            f"la feuille « {self.name} »{seen} n'a pas été écrite par l'outil, qui range sous "
            "ce nom ses propres résultats : renommez-la (clic droit sur l'onglet > Renommer)"
        )


@dataclass(frozen=True)
class PendingRule:
    """The tool's conditional format on one sheet: the cells awaiting a figure turn yellow.

    One rule per sheet covers every column whose figure may be awaited (9, 10, 11 and the
    certificateur's reference). A cell inside ``ranges`` is yellow (``colour``) while it shows
    ``word`` ("En attente"); the yellow goes the moment a person types the figure, before any
    Recalculer, and the cell's own fill is never changed. A writer replaces the tool's
    previous rule on the sheet (the registry of marks records it) and never touches a
    person's rules. ``ranges`` empty: the tool's rule is removed.
    """

    ranges: tuple[str, ...]  # A1 ranges, e.g. ("V5:X40", "Z5:Z40"); the first cell anchors
    word: str  # the "awaited" word the cells show
    colour: str  # RGB hex, e.g. "FFFF00"

    @property
    def formula(self) -> str:
        """The rule's formula, relative to the first cell of the first range (no "=")."""
        anchor = self.ranges[0].split(":")[0] if self.ranges else "A1"
        return f'{anchor}="{self.word.replace(chr(34), chr(34) * 2)}"'


@dataclass
class ChangeSet:
    cells: dict[str, list[CellChange]] = field(default_factory=dict)  # sheet name → changes
    owned_sheets: list[OwnedSheet] = field(default_factory=list)
    pending_rules: dict[str, PendingRule] = field(default_factory=dict)  # sheet → rule
    # sheet → cell (A1) → text shown: every figure or word the tool has written in the site
    # sheets once this change set is applied (it replaces ``Marks.values`` in the registry)
    written: dict[str, dict[str, str]] | None = None

    def add(self, sheet: str, change: CellChange) -> None:
        self.cells.setdefault(sheet, []).append(change)

    def __len__(self) -> int:
        return sum(len(v) for v in self.cells.values()) + len(self.owned_sheets)
