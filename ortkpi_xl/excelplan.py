"""The writes of a change set into Excel, planned before the first one, in few calls.

Pure functions: a ``ChangeSet``, the registry of the tool's marks (``Marks``) and what the
engine allows (``Engine``) give a list of ``Write`` operations, each one Excel call (or a few,
for a whole tool-owned sheet). ``excel.py`` reads the workbook and carries them out.

How the number of calls stays independent of the number of rows:

- values: on Office.js (xlwings Lite) a ``None`` inside a written block leaves the cell alone,
  so each group of adjacent columns is one block from its first to its last written row; on
  COM / AppleScript a block cannot skip a cell, so it carries over the cells between the
  tool's that are empty or hold a number typed as such (the same value written back; the
  formulas of those columns are read once to know it) and stops before any other;
- number formats: one call per run of one format (runs cross the cells that get text and no
  format, since a format does not change how a text shows); the fills an older version
  painted, given back: one call per run of one colour, or one rectangle on Office.js;
- the yellow of awaited figures is one conditional format per area, added only when the
  registry says the tool's rule changed; notes are written only where the registry says the
  tool's note changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import groupby

from .config import Config
from .workbook.changes import UNSET, CellChange, ChangeSet, OwnedSheet, PendingRule
from .workbook.marks import Marks, rgb_from_fill_xml

COLOURS_LIMIT = 10_000  # xlwings' Range.set_colors takes 10,000 cells at most


class _Keep:
    def __repr__(self) -> str:
        return "KEEP"


KEEP = _Keep()  # in a planned block: leave this cell as it is


@dataclass(frozen=True)
class Engine:
    """What one xlwings engine allows, as far as the plan is concerned."""

    name: str
    remote: bool  # payload reads, queued writes, all or nothing (xlwings Lite)
    keeps_gaps: bool  # None inside a written block leaves the cell alone (Office.js)
    rules_follow_active_cell: bool  # a rule's relative references start at the active cell
    width_in_points: bool  # column widths in points (Office.js) rather than characters


REMOTE = Engine("remote", True, True, False, True)
CLASSIC = Engine("classic", False, False, True, False)

Cell = tuple[int, int]  # (row, column), 1-based
Colour = tuple[int, int, int] | None  # None: no fill


@dataclass
class Write:
    """One write into Excel.

    ``kind`` and ``data``: ``values`` (a rectangle, ``KEEP`` where the engine keeps gaps),
    ``format`` and ``colour`` (one for every cell of ``address``), ``colours`` (a rectangle for
    ``set_colors``, ``...`` to keep), ``rules`` (the (area, formula) pairs of one sheet and the
    fill colour), ``note_add`` / ``note_text`` / ``note_delete`` (one cell), ``owned`` (an
    ``OwnedPlan``), ``registry`` (its rows), ``marks`` (the registry only, no call).
    """

    kind: str
    sheet: str
    address: str = ""
    data: object = None
    calls: int = 1
    marks: Callable[[Marks], None] | None = None

    @property
    def what(self) -> str:
        """In French, for the report of a write that failed part way."""
        where = f"{quoted(self.sheet)}!{self.address}" if self.address else f"« {self.sheet} »"
        return {
            "values": f"valeurs {where}",
            "format": f"format {self.data!r} en {where}",
            "colour": f"remplissage rendu en {where}",
            "colours": f"remplissages rendus en {where}",
            "rules": f"mise en forme conditionnelle (jaune) de {where}",
            "note_add": f"note ajoutée en {where}",
            "note_text": f"note mise à jour en {where}",
            "note_delete": f"note retirée en {where}",
            "owned": f"feuille {where} réécrite",
            "registry": "registre des marques (feuille masquée ortkpi_etat)",
            "marks": f"registre : note de {where} déjà retirée",
        }[self.kind]


@dataclass
class Plan:
    writes: list[Write] = field(default_factory=list)
    skipped_notes: int = 0  # notes the engine cannot write (Excel without notes support)


# ---------------------------------------------------------------------------------------------
# addresses


def column_letters(column: int) -> str:
    out = ""
    while column:
        column, rest = divmod(column - 1, 26)
        out = chr(65 + rest) + out
    return out


def a1(row: int, column: int) -> str:
    return f"{column_letters(column)}{row}"


def area(top: int, left: int, bottom: int, right: int) -> str:
    first = a1(top, left)
    return first if (top, left) == (bottom, right) else f"{first}:{a1(bottom, right)}"


def quoted(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


def runs(rows: Iterable[int]) -> list[tuple[int, int]]:
    """Consecutive rows as (first, last) pairs."""
    out: list[tuple[int, int]] = []
    for row in sorted(rows):
        if out and row == out[-1][1] + 1:
            out[-1] = (out[-1][0], row)
        else:
            out.append((row, row))
    return out


def column_groups(columns: Iterable[int]) -> list[list[int]]:
    """Adjacent columns together."""
    out: list[list[int]] = []
    for column in sorted(set(columns)):
        if out and column == out[-1][-1] + 1:
            out[-1].append(column)
        else:
            out.append([column])
    return out


# ---------------------------------------------------------------------------------------------
# cells


def excel_value(value: object) -> object:
    """What to hand Excel so that the cell shows ``value`` as it is (never a formula)."""
    if value is None or isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    text = str(value)
    # Excel parses what is written into a cell: a leading apostrophe keeps text as text.
    return "'" + text if text[:1] in "=+-@" or _looks_numeric(text) else text


def _looks_numeric(text: str) -> bool:
    try:
        float(text.replace(",", ".").replace("%", "").replace(" ", "").replace("\u00a0", ""))
        return True
    except ValueError:
        return False


def _key(item: object) -> tuple[str, str]:
    """A hashable, type-aware key (1, 1.0 and True are different writes)."""
    return (type(item).__name__, repr(item))


def _same_item_writes(sheet: str, cells: dict[Cell, object], kind: str) -> list[Write]:
    """Give each cell its item (number format or colour): one call per run.

    Runs of consecutive rows of one column that share an item are one range, and runs of
    adjacent columns over the same rows merge into one rectangle.
    """
    spans: list[tuple[object, int, int, int]] = []  # item, column, top, bottom
    by_column: dict[int, dict[int, object]] = {}
    for (row, column), item in cells.items():
        by_column.setdefault(column, {})[row] = item
    for column in sorted(by_column):
        rows = by_column[column]
        for first, last in runs(rows):
            for _, group in groupby(range(first, last + 1), key=lambda r: _key(rows[r])):
                block = list(group)
                spans.append((rows[block[0]], column, block[0], block[-1]))
    merged: list[list] = []  # item, left, top, right, bottom
    for item, column, top, bottom in sorted(spans, key=lambda s: (s[2], s[3], s[1])):
        last = merged[-1] if merged else None
        if (
            last is not None
            and _key(last[0]) == _key(item)
            and (last[2], last[4]) == (top, bottom)
            and last[3] == column - 1
        ):
            last[3] = column
        else:
            merged.append([item, column, top, column, bottom])
    return [Write(kind, sheet, area(t, lf, b, r), item) for item, lf, t, r, b in merged]


def sheet_values(changes: list[CellChange]) -> dict[Cell, object]:
    """The values a sheet's changes write, as handed to Excel."""
    return {(c.row, c.column): excel_value(c.value) for c in changes if c.value is not UNSET}


def gap_spans(values: dict[Cell, object]) -> list[tuple[int, int, int]]:
    """(column, first row, last row) of each column whose written rows leave gaps."""
    out = []
    by_column: dict[int, set[int]] = {}
    for row, column in values:
        by_column.setdefault(column, set()).add(row)
    for column, rows in sorted(by_column.items()):
        if len(rows) != max(rows) - min(rows) + 1:
            out.append((column, min(rows), max(rows)))
    return out


def carried(value: object, formula: object) -> bool:
    """Whether a block may write ``value`` back over a cell without changing it: the cell is
    empty, or holds a number typed as such (no formula, no text, no date; the formula text
    Excel gives is that very number), so not even its number format moves."""
    if not isinstance(formula, str) or formula.startswith("="):
        return False
    if value is None:
        return formula == ""
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not formula:
        return False
    try:
        return float(formula.replace(",", ".")) == float(value)
    except ValueError:
        return False


def value_writes(
    engine: Engine,
    sheet: str,
    values: dict[Cell, object],
    kept: dict[Cell, object] | None = None,
) -> list[Write]:
    """The values of one sheet in blocks, each group of adjacent columns from its first to its
    last written row; one call per block whatever the number of rows.

    Between written cells there are cells the tool leaves alone (a person's figures). Office.js
    leaves a cell alone where a block holds None. COM and AppleScript cannot: there ``kept``
    gives the cells a block may carry over as they are (empty, or a number typed as such: the
    same value written back), and a block stops before any other cell.
    """
    writes: list[Write] = []
    if not values:
        return writes
    if engine.keeps_gaps:
        for columns in column_groups(c for _, c in values):
            rows = [r for (r, c) in values if c in columns]
            top, bottom = min(rows), max(rows)
            block = [[values.get((r, c), KEEP) for c in columns] for r in range(top, bottom + 1)]
            address = area(top, columns[0], bottom, columns[-1])
            writes.append(Write("values", sheet, address, block))
        return writes
    cells = {**(kept or {}), **values}
    segments: list[tuple[int, int, int]] = []  # column, top, bottom
    by_column: dict[int, list[int]] = {}
    for row, column in values:
        by_column.setdefault(column, []).append(row)
    for column, rows in sorted(by_column.items()):
        written = set(rows)
        first = last = None
        for row in range(min(rows), max(rows) + 2):
            if (row, column) in cells and row <= max(rows):
                if row in written:
                    first = row if first is None else first
                    last = row
                continue
            if first is not None:  # a cell the block cannot carry: the segment ends
                segments.append((column, first, last))
            first = last = None
    merged: list[list[int]] = []  # top, bottom, left, right: adjacent columns, same rows
    for column, top, bottom in sorted(segments, key=lambda s: (s[1], s[2], s[0])):
        if merged and merged[-1][:2] == [top, bottom] and merged[-1][3] == column - 1:
            merged[-1][3] = column
        else:
            merged.append([top, bottom, column, column])
    for top, bottom, left, right in merged:
        block = [[cells[(r, c)] for c in range(left, right + 1)] for r in range(top, bottom + 1)]
        writes.append(Write("values", sheet, area(top, left, bottom, right), block))
    return writes


def format_cells(changes: list[CellChange]) -> dict[Cell, str]:
    """Number formats to set, runs joined across the cells that get text and no format.

    A number format does not change how a text shows, so a word written between typed figures
    (« En attente ») takes the format of the figures on both sides of it, and the run stays one.
    """
    wanted = {(c.row, c.column): c.number_format for c in changes if c.number_format is not None}
    neutral = {
        (c.row, c.column)
        for c in changes
        if c.number_format is None and c.value is not UNSET and isinstance(c.value, str)
    }
    return joined_formats(wanted, neutral)


def joined_formats(wanted: dict[Cell, str], neutral: set[Cell]) -> dict[Cell, str]:
    """``wanted`` plus, for each ``neutral`` cell between two cells of one column that want
    the same format, that format: fewer, longer runs for the same look."""
    out = dict(wanted)
    by_column: dict[int, list[int]] = {}
    for row, column in set(wanted) | neutral:
        by_column.setdefault(column, []).append(row)
    for column, rows in by_column.items():
        for first, last in runs(rows):
            previous: str | None = None
            waiting: list[int] = []
            for row in range(first, last + 1):
                fmt = wanted.get((row, column))
                if fmt is None:
                    waiting.append(row)
                    continue
                if waiting and previous == fmt:
                    out.update({(r, column): fmt for r in waiting})
                waiting, previous = [], fmt
    return out


def legacy_colours(sheet: str, changes: list[CellChange], registry: Marks) -> dict[Cell, Colour]:
    """Fills an older version painted, given back (``highlight=False`` on a marked cell).

    A fill cannot be read back on every engine, so the registry decides: the cell gets the fill
    it had before the tool painted it.
    """
    out: dict[Cell, Colour] = {}
    for c in changes:
        if c.highlight is False:
            mark = registry.get(sheet, a1(c.row, c.column))
            if mark.fill_before is not None:
                rgb = rgb_from_fill_xml(mark.fill_before)
                out[(c.row, c.column)] = (
                    (int(rgb[0:2], 16), int(rgb[2:4], 16), int(rgb[4:6], 16)) if rgb else None
                )
    return out


def colour_writes(engine: Engine, sheet: str, colours: dict[Cell, Colour]) -> list[Write]:
    if not colours:
        return []
    if not engine.remote:
        return _same_item_writes(sheet, colours, "colour")
    writes: list[Write] = []  # Office.js: set_colors over a rectangle, ``...`` keeps a cell
    for columns in column_groups(c for _, c in colours):
        rows = [r for (r, c) in colours if c in columns]
        top, bottom = min(rows), max(rows)
        step = max(1, COLOURS_LIMIT // len(columns))
        for start in range(top, bottom + 1, step):
            end = min(bottom, start + step - 1)
            matrix = [[colours.get((r, c), ...) for c in columns] for r in range(start, end + 1)]
            address = area(start, columns[0], end, columns[-1])
            writes.append(Write("colours", sheet, address, matrix))
    return writes


# ---------------------------------------------------------------------------------------------
# the yellow of awaited figures


def legacy_rule(changes: list[CellChange], config: Config) -> PendingRule | None:
    """The pending rule an older change set implies (``highlight=True`` on awaited cells).

    Fills cannot be read back on every engine, so awaited cells are never painted one by one:
    the columns that hold them get the conditional format the current change sets ask for,
    over the rows the change set covers in those columns.
    """
    columns = {c.column for c in changes if c.highlight is True}
    if not columns:
        return None
    ranges = []
    for column in sorted(columns):
        rows = [c.row for c in changes if c.column == column and c.highlight is not None]
        ranges += [area(first, column, last, column) for first, last in runs(rows)]
    return PendingRule(tuple(ranges), config.mots.en_attente, config.couleur_en_attente)


def rule_formula(one_area: str, word: str) -> str:
    """The rule's formula for one area, relative to its first cell (as ``PendingRule``)."""
    return "=" + PendingRule((one_area,), word, "").formula


def rule_writes(engine: Engine, sheet: str, rule: PendingRule) -> Write:
    """The tool's conditional format of one sheet: one rule per area, one write."""
    pairs = [(a.replace("$", ""), rule_formula(a.replace("$", ""), rule.word)) for a in rule.ranges]
    calls = len(pairs) * (2 if engine.rules_follow_active_cell else 1)
    calls += 4 if engine.rules_follow_active_cell else 0  # selection read, activate, give back
    return Write(
        "rules",
        sheet,
        " ".join(a for a, _ in pairs),
        (tuple(pairs), "#" + rule.colour.upper()),
        calls=calls,
    )


# ---------------------------------------------------------------------------------------------
# notes


def note_cells(changes: ChangeSet, registry: Marks) -> list[tuple[str, int, int]]:
    """Cells where the tool would add, change or remove its note: the only ones to look at."""
    out = []
    for sheet, cell_changes in changes.cells.items():
        for c in cell_changes:
            if (
                c.note is not None
                and (c.note or None) != registry.get(sheet, a1(c.row, c.column)).note
            ):
                out.append((sheet, c.row, c.column))
    return out


def _set_note(sheet: str, address: str, text: str | None) -> Callable[[Marks], None]:
    def update(registry: Marks) -> None:
        mark = registry.get(sheet, address)
        mark.note = text
        registry.set(sheet, address, mark)

    return update


def note_writes(
    sheet: str, changes: list[CellChange], registry: Marks, present: set[tuple[str, int, int]]
) -> list[Write]:
    """Notes where the registry says they change; a person's note is never touched.

    ``present``: the cells that hold a note now. A note is the tool's only if the registry
    says so; a cell with a note the registry does not know keeps it, and gets none of ours.
    """
    writes: list[Write] = []
    for c in sorted(changes, key=lambda c: (c.column, c.row)):
        if c.note is None:
            continue
        address = a1(c.row, c.column)
        ours = registry.get(sheet, address).note
        want = c.note or None
        if want == ours:
            continue
        exists = (sheet, c.row, c.column) in present
        if want is None:
            kind = "note_delete" if exists else "marks"
        elif ours is not None and exists:
            kind = "note_text"
        elif exists:
            continue  # a person's note: kept, ours not added
        else:
            kind = "note_add"
        calls = {"note_add": 1, "note_text": 2, "note_delete": 2, "marks": 0}[kind]
        writes.append(Write(kind, sheet, address, want, calls, _set_note(sheet, address, want)))
    return writes


# ---------------------------------------------------------------------------------------------
# tool-owned sheets and the registry


def width(characters: float, engine: Engine) -> float:
    """Excel's width in characters (Calibri 11) in the unit the engine takes."""
    return round(characters * 5.25 + 3.75, 2) if engine.width_in_points else characters


def link_formula(target: str, text: object) -> str:
    """A link to a cell of the workbook, as a formula (written with the rest of the sheet)."""
    address = ("#" + target).replace('"', '""')
    shown = str(text).replace('"', '""')
    return f'=HYPERLINK("{address}","{shown}")'


def owned_block(owned: OwnedSheet) -> list[list[object]]:
    """The values of an owned sheet as written: texts protected, links as formulas."""
    columns = max((len(r) for r in owned.rows), default=1)
    block = [[excel_value(v) for v in r] + [None] * (columns - len(r)) for r in owned.rows]
    for (row, column), target in owned.links.items():
        if row - 1 < len(block) and column - 1 < columns:
            block[row - 1][column - 1] = link_formula(target, owned.rows[row - 1][column - 1])
    return block


@dataclass(frozen=True)
class OwnedPlan:
    """An owned sheet as Excel calls: values, bold rows, widths, number formats."""

    sheet: OwnedSheet
    block: list[list[object]]
    bold: list[tuple[int, int]]  # (row, last column) made bold
    widths: list[tuple[int, int, float]]  # (first column, last column, width in engine units)
    formats: list[Write]


def owned_plan(owned: OwnedSheet, engine: Engine) -> OwnedPlan:
    block = owned_block(owned)
    columns = len(block[0]) if block else 1
    headers = {owned.header_row, *owned.subheader_rows}
    bold = [
        (row, columns if row in headers else 1) for row in sorted(headers | set(owned.title_rows))
    ]
    widths: list[tuple[int, int, float]] = []
    for column, w in enumerate(owned.widths, start=1):
        if widths and widths[-1][2] == width(w, engine) and widths[-1][1] == column - 1:
            widths[-1] = (widths[-1][0], column, widths[-1][2])
        else:
            widths.append((column, column, width(w, engine)))
    neutral = {  # the tool owns the whole sheet: a format on a text or an empty cell is moot
        (r, c)
        for r, line in enumerate(owned.rows, start=1)
        for c in range(1, columns + 1)
        if c > len(line) or not isinstance(line[c - 1], (int, float))
    }
    formats = _same_item_writes(
        owned.name, joined_formats(dict(owned.number_formats), neutral), "format"
    )
    return OwnedPlan(owned, block, bold, widths, formats)


def owned_write(owned: OwnedSheet, engine: Engine) -> Write:
    plan = owned_plan(owned, engine)
    calls = 2 + (1 if plan.block else 0) + len(plan.bold) + len(plan.widths) + len(plan.formats)
    return Write("owned", owned.name, data=plan, calls=calls)


def registry_write(registry: Marks) -> Write:
    rows = registry.rows()
    columns = max(len(r) for r in rows)
    block = [
        ["" if v is None else excel_value(v) for v in r] + [""] * (columns - len(r)) for r in rows
    ]
    return Write("registry", "ortkpi_etat", data=block, calls=4)


# ---------------------------------------------------------------------------------------------
# the whole plan


def plan_changes(
    changes: ChangeSet,
    registry: Marks,
    config: Config,
    engine: Engine,
    present: set[tuple[str, int, int]],
    *,
    notes: bool = True,
    kept: dict[str, dict[Cell, object]] | None = None,
) -> Plan:
    """Every write of a change set, in order (``registry`` is read, never changed, here).

    ``present``: the cells that hold a note now; ``kept``: per sheet, the cells between the
    tool's that a block may write back as they are (see ``value_writes``).
    """
    plan = Plan()
    for sheet, cell_changes in changes.cells.items():
        kept_here = (kept or {}).get(sheet)
        plan.writes += value_writes(engine, sheet, sheet_values(cell_changes), kept_here)
        plan.writes += _same_item_writes(sheet, format_cells(cell_changes), "format")
        colours = legacy_colours(sheet, cell_changes, registry)
        colour_plan = colour_writes(engine, sheet, colours)
        if colour_plan:
            colour_plan[-1].marks = _forget_fills(sheet, [a1(r, c) for (r, c) in colours])
        plan.writes += colour_plan
        if notes:
            plan.writes += note_writes(sheet, cell_changes, registry, present)
        else:
            plan.skipped_notes += sum(
                1
                for c in cell_changes
                if c.note and c.note != registry.get(sheet, a1(c.row, c.column)).note
            )
    rules = dict(changes.pending_rules)
    for sheet, cell_changes in changes.cells.items():
        derived = None if sheet in rules else legacy_rule(cell_changes, config)
        if derived is not None:
            rules[sheet] = derived
    for sheet, rule in rules.items():
        if not rule.ranges:
            continue  # never removed from Excel: see docs/lite.md, « mise en forme »
        key = (" ".join(rule.ranges), rule.formula)
        if registry.rules.get(sheet) == key:
            continue
        write = rule_writes(engine, sheet, rule)
        write.marks = _record_rule(sheet, key)
        plan.writes.append(write)
    plan.writes += [owned_write(owned, engine) for owned in changes.owned_sheets]
    return plan


def _forget_fills(sheet: str, cells: list[str]) -> Callable[[Marks], None]:
    def forget(registry: Marks) -> None:
        for cell in cells:
            mark = registry.get(sheet, cell)
            mark.fill_before, mark.tool_colour = None, ""
            registry.set(sheet, cell, mark)

    return forget


def _record_rule(sheet: str, key: tuple[str, str]) -> Callable[[Marks], None]:
    def record(registry: Marks) -> None:
        registry.rules[sheet] = key

    return record


def marks_after(registry: Marks, writes: Iterable[Write], written: dict | None) -> Marks:
    """The registry once ``writes`` are made (a copy: ``registry`` is left as it is)."""
    out = Marks.from_rows(registry.rows()[1:])
    for write in writes:
        if write.marks is not None:
            write.marks(out)
    if written is not None:
        out.values = {sheet: dict(cells) for sheet, cells in written.items()}
    return out
