"""The changed cells of a person's sheet: values, number formats, legacy fills.

Every change is checked before anything is decided: a cell outside the sheet, inside a merged
range (not its first cell), an array formula, a table's header or totals row, a locked cell of
a protected sheet, a style missing from the stylesheet, a value Excel cannot hold — each is a
refusal naming the cell. A value equal to what the cell already holds is not a change (a second
run writes nothing); a person's formula overwritten is reported, and a shared formula whose
master cell is overwritten is written out in its other cells.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ...workbook.changes import UNSET, CellChange
from ..sheetxml import (
    Cell,
    CellEdit,
    SharedGroup,
    Value,
    cell_ref,
    in_range,
    parse_range,
    range_text,
    value_for,
)
from ..xmlscan import XmlProblem, check_part, root_children
from .base import Planning
from .formats import CellFormats
from .sheet import EditedSheet

_NUMBER_V = re.compile(rb"<(?:[\w.-]+:)?v>([^<]*)</(?:[\w.-]+:)?v>")
_LAST_ROW, _LAST_COL = 1_048_576, 16_384


class _Where:
    """« Sheet »!A1, formatted only when a message needs it (most changes never do)."""

    __slots__ = ("sheet", "row", "col")

    def __init__(self, sheet: str, row: int, col: int) -> None:
        self.sheet, self.row, self.col = sheet, row, col

    def __str__(self) -> str:
        return f"« {self.sheet} »!{cell_ref(self.row, self.col)}"

    __format__ = lambda self, spec: str(self)  # noqa: E731


def merge_changes(changes: Iterable[CellChange]) -> list[CellChange]:
    """One change per cell: later fields override earlier ones, in first-seen order."""
    merged: dict[tuple[int, int], CellChange] = {}
    for change in changes:
        key = (change.row, change.column)
        old = merged.get(key)
        if old is None:
            merged[key] = change
            continue
        merged[key] = CellChange(
            row=change.row,
            column=change.column,
            value=change.value if change.value is not UNSET else old.value,
            number_format=change.number_format
            if change.number_format is not None
            else old.number_format,
            highlight=change.highlight if change.highlight is not None else old.highlight,
            note=change.note if change.note is not None else old.note,
        )
    return list(merged.values())


def plan_cells(
    planning: Planning, formats: CellFormats, work: EditedSheet, changes: list[CellChange]
) -> list[CellChange] | None:
    """Plan every cell change of one sheet; the changes that carry a note. None when
    something is refused (nothing of this sheet is planned)."""
    name, sheet, patcher = work.name, work.sheet, work.patcher
    try:
        formula_cells = sheet.formulas()
        groups = sheet.shared_groups(formula_cells)
        arrays = [r for r in sheet.array_ranges(formula_cells) if r[:2] != r[2:]]
        merged = sheet.merged_ranges()
        tables = _table_rows(planning, work)
    except XmlProblem as exc:
        planning.refuse(f"la feuille « {name} » a une structure inhabituelle ({exc.reason})")
        return None
    book_has_formulas = bool(formula_cells)
    protected = sheet.protected()
    styles = planning.styles
    xf_count = len(styles.all("cellXfs"))
    noted: list[CellChange] = []
    locked: list[str] = []
    ok = True
    for change in merge_changes(changes):
        row, col = change.row, change.column
        if not (1 <= row <= _LAST_ROW and 1 <= col <= _LAST_COL):
            planning.refuse(f"cellule hors de la feuille ({row}, {col}) dans « {name} »")
            ok = False
            continue
        where = _Where(name, row, col)
        try:
            cell = sheet.cells(row).get(col)
        except XmlProblem as exc:
            planning.refuse(f"{where} : ligne illisible ({exc.reason})")
            ok = False
            continue
        writes = change.value is not UNSET
        if writes:
            for rng in merged:
                if in_range(row, col, rng) and (row, col) != rng[:2]:
                    planning.refuse(
                        f"{where} est dans la plage fusionnée {range_text(rng)} sans en "
                        "être la première cellule"
                    )
                    ok = False
            for rng in arrays:
                if in_range(row, col, rng):
                    planning.refuse(f"{where} est dans la formule matricielle {range_text(rng)}")
                    ok = False
            for table, kind, rng in tables:
                if in_range(row, col, rng):
                    planning.refuse(f"{where} est dans {kind} du tableau « {table} »")
                    ok = False
        current = cell.style if cell is not None else sheet.base_style(row, col)
        if not 0 <= current < xf_count:
            planning.refuse(f"{where} : style de cellule {current} absent de la feuille de styles")
            ok = False
            continue
        touches = writes or change.number_format is not None or change.highlight is not None
        if protected and (touches or change.note is not None) and styles.locked(current):
            locked.append(cell_ref(row, col))  # said once for the sheet, below
            ok = False
            continue
        value = None
        if writes:
            try:
                value = value_for(change.value)
            except ValueError as exc:
                planning.refuse(f"la valeur prévue pour {where} ne peut pas être écrite ({exc})")
                ok = False
                continue
        if value is not None and isinstance(change.value, float) and cell is not None:
            value = _kept_number(cell, change.value, value)
        new_style = formats.new_style(
            name, row, col, current, change.number_format, change.highlight
        )
        if value is not None and value.kind == "empty" and cell is None:
            value = None
        if value is not None or new_style is not None:
            built = patcher.set(CellEdit(row, col, value, new_style), cell)
            work.targets.add((row, col))
            if cell is not None and built == cell.bytes():
                value = None  # already so (a second run): not a change of value
        if value is not None:
            work.value_cells.add((row, col))
            if cell is not None and cell.formula is not None:
                planning.report.formulas_replaced.append(str(where))
                work.formula_removed = True
        if change.note is not None:
            noted.append(change)
    if sheet.implicit:  # rows seen so far, and the cells of every target row
        planning.refuse(
            f"la feuille « {name} » a des lignes ou cellules sans référence (format "
            "inhabituel : enregistrez le classeur dans Excel)"
        )
        return None
    if locked:
        shown = ", ".join(locked[:6]) + (f"… ({len(locked)} cellules)" if len(locked) > 6 else "")
        planning.refuse(
            f"la feuille « {name} » est protégée et les cellules que l'outil doit écrire y sont "
            f"verrouillées ({shown}) : ôtez la protection (Révision > Ôter la protection de la "
            "feuille), relancez, puis remettez-la, ou déverrouillez ces colonnes (Format de "
            "cellule > Protection)"
        )
    if not ok:
        return None
    work.has_formulas = book_has_formulas
    _expand_shared(planning, work, groups)
    return noted


def _table_rows(planning: Planning, work: EditedSheet) -> list[tuple[str, str, tuple]]:
    """(table name, "l'en-tête"/"la ligne de total", range) of every table on the sheet."""
    out = []
    pkg = planning.pkg
    rels = {r.id: r for r in pkg.rels(work.part)}
    for rid in work.sheet.table_rids():
        rel = rels.get(rid)
        if rel is None or rel.part is None or not pkg.has(rel.part):
            continue
        data = pkg.read(rel.part)
        check_part(data)
        root, _ = root_children(data)
        attrs = root.attrs
        r1, c1, r2, c2 = parse_range(attrs.get("ref", "A1"))
        name = attrs.get("displayName") or attrs.get("name") or "?"
        headers = int(attrs.get("headerRowCount", "1") or 0)
        totals = int(attrs.get("totalsRowCount", "0") or 0)
        if headers:
            out.append((name, "l'en-tête", (r1, c1, r1 + headers - 1, c2)))
        if totals:
            out.append((name, "la ligne de total", (r2 - totals + 1, c1, r2, c2)))
    return out


def _expand_shared(planning: Planning, work: EditedSheet, groups: dict[str, SharedGroup]) -> None:
    """A shared formula whose master cell gets a value: its other cells get it written out."""
    value_cells = work.value_cells
    for group in groups.values():
        if group.master not in value_cells or not group.ref:
            continue
        from openpyxl.formula.translate import Translator

        origin = cell_ref(*group.master)
        for member in group.members:
            if member in value_cells or member == group.master:
                continue
            try:
                text = Translator("=" + group.text, origin=origin).translate_formula(
                    cell_ref(*member)
                )[1:]
            except Exception as exc:  # noqa: BLE001
                planning.refuse(
                    f"la formule partagée de « {work.name} »!{origin} ne peut pas être recopiée "
                    f"en {cell_ref(*member)} ({exc})"
                )
                continue
            work.patcher.rewrite_formula(member[0], member[1], text)


def _kept_number(cell: Cell, number: float, value: Value) -> Value:
    """The cell's own text when it already holds ``number`` to 16 significant digits.

    openpyxl (the template, older versions of the tool) stores numbers with 16 digits: that is
    the same result, and rewriting it with 17 would be a change of value for nothing.
    """
    if cell.kind != "n" or cell.formula is not None:
        return value
    match = _NUMBER_V.search(cell.bytes())
    if match is None:
        return value
    stored = match.group(1).decode("ascii", "replace").strip()
    try:
        same = stored != value.text and float(stored) == float(f"{number:.16g}")
    except ValueError:
        return value
    return Value("n", stored) if same else value
