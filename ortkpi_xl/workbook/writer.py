"""Applying a ``ChangeSet`` with openpyxl, for workbooks the tool owns (the template).

openpyxl rewrites the whole package on save and drops parts it does not understand (shapes,
some extensions, note sizes…); that is acceptable only for the template, which the tool creates
itself. The file is written to a temporary file in the target folder and moved into place with
``os.replace``, so an interruption never leaves a half-written workbook.
"""

from __future__ import annotations

from copy import copy
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.formatting.formatting import ConditionalFormattingList
from openpyxl.formatting.rule import Rule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.differential import DifferentialStyle
from openpyxl.styles.fills import Fill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.xml.functions import fromstring, tostring

from ..config import Config
from ..xlsx.atomic import replace_atomically
from ..xlsx.charts import bar_chart
from ..xlsx.condformat import normal_formula, normal_sqref
from ..xlsx.guard import check_can_write
from ..xlsx.marking import fill_step, note_step
from ..xlsx.ownedsheet import filter_last_row, footer_text, header_height, styled_cells
from .changes import (
    NOTE_AUTHOR,
    UNSET,
    CellChange,
    CellStyle,
    ChangeSet,
    OwnedSheet,
    PendingRule,
    PrintSetup,
)
from .marks import REGISTRY_SHEET, Marks

_NOTE_WIDTH, _NOTE_HEIGHT = 320, 110


def tool_fill(config: Config) -> PatternFill:
    colour = "FF" + config.couleur_en_attente
    return PatternFill(fill_type="solid", start_color=colour, end_color=colour)


def _fill_xml(fill: PatternFill) -> str:
    """The fill as the registry keeps it: a ``<fill>`` element without namespace."""
    return tostring(fill.to_tree()).decode("utf-8")


def _fill_from_xml(xml: str) -> PatternFill:
    try:
        restored = Fill.from_tree(fromstring(xml))
    except Exception:  # noqa: BLE001 - an unreadable record: no fill rather than a crash
        restored = None
    return restored or PatternFill(fill_type=None)


def _solid_rgb(fill: PatternFill) -> str | None:
    """The colour of a plain solid fill (what ``marking`` compares), else None."""
    colour = fill.fgColor
    if fill.fill_type != "solid" or colour is None or colour.type != "rgb":
        return None
    rgb = colour.rgb
    return rgb[-6:].upper() if isinstance(rgb, str) and len(rgb) in (6, 8) else None


def apply_changes(wb: Workbook, changes: ChangeSet, config: Config) -> None:
    """Apply every change to an open openpyxl workbook."""
    registry = Marks.from_rows(
        wb[REGISTRY_SHEET].iter_rows(min_row=2, max_col=5, values_only=True)
        if REGISTRY_SHEET in wb.sheetnames
        else []
    )
    for sheet_name, cell_changes in changes.cells.items():
        ws = wb[sheet_name]
        for change in cell_changes:
            _apply_cell(ws, change, registry, config)
    for sheet_name, rule in changes.pending_rules.items():
        _apply_rule(wb[sheet_name], rule, registry)
    if changes.written is not None:
        registry.values = {s: dict(v) for s, v in changes.written.items() if v}
    for owned in changes.owned_sheets:
        write_owned_sheet(wb, owned, config)
    _save_registry(wb, registry)
    wb.calculation.fullCalcOnLoad = True


def _save_registry(wb: Workbook, registry: Marks) -> None:
    if REGISTRY_SHEET in wb.sheetnames:
        del wb[REGISTRY_SHEET]
    rows = registry.rows()
    if len(rows) == 1:
        return
    ws = wb.create_sheet(REGISTRY_SHEET)
    ws.sheet_state = "veryHidden"
    for row in rows:
        ws.append(row)


def _apply_cell(ws, change: CellChange, registry: Marks, config: Config) -> None:
    cell = ws.cell(row=change.row, column=change.column)
    if change.value is not UNSET:
        set_value(cell, change.value)
    if change.number_format is not None:
        cell.number_format = change.number_format
    where = cell.coordinate
    step = fill_step(
        registry.get(ws.title, where),
        _solid_rgb(cell.fill),
        lambda: _fill_xml(cell.fill),
        change.highlight,
        config.couleur_en_attente,
    )
    if step.paint:
        cell.fill = PatternFill(
            fill_type="solid", start_color="FF" + step.paint, end_color="FF" + step.paint
        )
    elif step.restore is not None:
        cell.fill = _fill_from_xml(step.restore)
    comment = cell.comment
    note = note_step(
        step.mark,
        comment.text if comment is not None else None,
        comment is not None and comment.author == NOTE_AUTHOR,
        change.note,
    )
    if note.action in ("add", "replace"):
        cell.comment = Comment(note.text, NOTE_AUTHOR, height=_NOTE_HEIGHT, width=_NOTE_WIDTH)
    elif note.action == "remove":
        cell.comment = None
    registry.set(ws.title, where, note.mark)


def _apply_rule(ws, rule: PendingRule, registry: Marks) -> None:
    """The tool's conditional format on the sheet, replacing exactly its previous one."""
    recorded = registry.rules.get(ws.title)
    kept = ConditionalFormattingList()
    for formatting in ws.conditional_formatting:
        sqref = str(formatting.sqref)
        for existing in formatting.rules:
            ours = (
                recorded is not None
                and existing.type == "expression"
                and normal_sqref(sqref) == normal_sqref(recorded[0])
                and [normal_formula(f) for f in existing.formula or []]
                == [normal_formula(recorded[1])]
            )
            if not ours:
                kept.add(sqref, existing)
    if rule.ranges:
        sqref = " ".join(rule.ranges)
        priorities = [r.priority or 0 for f in kept for r in f.rules]
        fill = PatternFill(bgColor="FF" + rule.colour)
        new = Rule(type="expression", formula=[rule.formula], dxf=DifferentialStyle(fill=fill))
        new.priority = max(priorities + [0]) + 1
        kept.add(sqref, new)
        registry.rules[ws.title] = (sqref, rule.formula)
    else:
        registry.rules.pop(ws.title, None)
    ws.conditional_formatting = kept


def set_value(cell, value: object) -> None:
    """A number as a number, anything else as text — never a formula or an error value."""
    if value is None:
        cell.value = None
    elif isinstance(value, bool):
        cell.value = str(value)
        cell.data_type = "s"
    elif isinstance(value, (int, float)):
        cell.value = value
    else:
        cell.value = str(value)
        cell.data_type = "s"


def write_owned_sheet(wb: Workbook, owned: OwnedSheet, config: Config) -> None:
    """Recreate ``owned`` whole (at the same place): values, styles, formats, links, charts.

    The old sheet is deleted with everything anchored on it, so its charts are rebuilt, never
    duplicated.
    """
    index = None
    if owned.name in wb.sheetnames:
        index = wb.sheetnames.index(owned.name)
        del wb[owned.name]
    ws = wb.create_sheet(owned.name, index)
    base = wb._fonts[0] if wb._fonts else Font()  # the workbook's default font
    name, size = base.name or "Calibri", base.sz or 11
    bold = Font(name=name, sz=size, bold=True)
    header_fill = PatternFill(
        fill_type="solid",
        start_color="FF" + config.couleur_entete,
        end_color="FF" + config.couleur_entete,
    )
    for r, line in enumerate(owned.rows, start=1):
        for c, value in enumerate(line, start=1):
            set_value(ws.cell(row=r, column=c), value)
    width = max((len(line) for line in owned.rows), default=1)
    for header_row in (owned.header_row, *owned.subheader_rows):
        line = owned.rows[header_row - 1] if header_row <= len(owned.rows) else []
        for c in range(1, (width if header_row == owned.header_row else len(line)) + 1):
            if header_row != owned.header_row and line[c - 1] is None:
                continue
            header = ws.cell(row=header_row, column=c)
            header.font = Font(name=name, sz=size, bold=True, color="FFFFFFFF")
            header.fill = header_fill
            header.alignment = Alignment(vertical="center", wrap_text=True)
    for header_row in (owned.header_row, *owned.subheader_rows):
        height = header_height(owned, header_row)
        if height is not None:
            ws.row_dimensions[header_row].height = height
    ws.cell(row=1, column=1).font = Font(name=name, bold=True, size=14)
    ws.cell(row=2, column=1).font = bold
    for r in owned.title_rows:
        ws.cell(row=r, column=1).font = Font(name=name, bold=True, size=12)
    for (r, c), fmt in owned.number_formats.items():
        ws.cell(row=r, column=c).number_format = fmt
    for (r, c), target in owned.links.items():
        cell = ws.cell(row=r, column=c)
        cell.hyperlink = Hyperlink(ref=cell.coordinate, location=target, display=str(cell.value))
        cell.font = Font(name=name, sz=size, color="FF0563C1", underline="single")
    for (r, c), style in styled_cells(owned).items():
        _style_cell(ws.cell(row=r, column=c), style)
    for r, height in owned.row_heights.items():
        ws.row_dimensions[r].height = height
    for c, w in enumerate(owned.widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = w
    for c in owned.hidden_columns:
        ws.column_dimensions[get_column_letter(c)].hidden = True
    if owned.freeze:
        ws.freeze_panes = ws.cell(row=owned.header_row + 1, column=1)
    last = filter_last_row(owned)
    if last is not None:
        ws.auto_filter.ref = f"A{owned.header_row}:{get_column_letter(width)}{last}"
    if owned.print_setup is not None:
        _print_setup(ws, owned.print_setup)
    for spec in owned.charts:
        ws.add_chart(bar_chart(ws, spec, config.couleur_entete), spec.anchor)


def _style_cell(cell, style: CellStyle) -> None:
    """Lay ``style`` over the cell's font, fill and alignment (see ``ownedsheet.Look``)."""
    font = copy(cell.font)
    if style.bold:
        font.b = True
    if style.italic:
        font.i = True
    if style.colour:
        font.color = "FF" + style.colour
    if style.size:
        font.sz = style.size
    cell.font = font
    if style.fill:
        cell.fill = PatternFill(
            fill_type="solid", start_color="FF" + style.fill, end_color="FF" + style.fill
        )
    if style.wrap or style.align:
        header = cell.alignment is not None and cell.alignment.wrap_text
        cell.alignment = Alignment(
            horizontal=style.align,
            vertical="center" if header else ("top" if style.wrap else "center"),
            wrap_text=True if (style.wrap or header) else None,
        )


def _print_setup(ws: Worksheet, setup: PrintSetup) -> None:
    ws.page_setup.orientation = "landscape" if setup.landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    if setup.fit_width:
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth = setup.fit_width
        ws.page_setup.fitToHeight = setup.fit_height
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top, ws.page_margins.bottom = 0.5, 0.6
    ws.page_margins.header, ws.page_margins.footer = 0.25, 0.3
    if setup.title_rows:
        ws.print_title_rows = f"{setup.title_rows[0]}:{setup.title_rows[1]}"
    if setup.area:
        ws.print_area = setup.area
    for row in sorted(set(setup.row_breaks)):
        ws.row_breaks.append(Break(id=row))
    ws.oddFooter.center.text = None
    footer = footer_text(setup)
    if footer.startswith("&C"):
        ws.oddFooter.center.text = footer[2:].split("&R")[0].replace("&&", "&")
    ws.oddFooter.right.text = "Page &P / &N"


def save_atomically(wb: Workbook, target: Path) -> None:
    """Save through the one atomic-replace routine (same checks, fsync and file mode)."""
    target = Path(target)
    check_can_write(target, replacing=target.exists())
    replace_atomically(target, lambda tmp: wb.save(tmp), lambda tmp: None, backup_suffix=None)
