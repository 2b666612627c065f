"""Applying a ``ChangeSet`` with openpyxl, for workbooks the tool owns (the template).

openpyxl rewrites the whole package on save and drops parts it does not understand (shapes,
some extensions, note sizes…); that is acceptable only for the template, which the tool creates
itself. The file is written to a temporary file in the target folder and moved into place with
``os.replace``, so an interruption never leaves a half-written workbook.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.axis import ChartLines
from openpyxl.chart.label import DataLabelList
from openpyxl.comments import Comment
from openpyxl.drawing.text import CharacterProperties
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.fills import Fill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.xml.functions import fromstring, tostring

from ..config import Config
from ..xlsx.atomic import replace_atomically
from ..xlsx.guard import check_can_write
from ..xlsx.ownedsheet import filter_last_row, header_height
from .changes import NOTE_AUTHOR, UNSET, CellChange, ChangeSet, ChartSpec, OwnedSheet
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


def _is_tool_fill(fill: PatternFill, colour: str) -> bool:
    rgb = fill.fgColor.rgb if fill.fgColor is not None and fill.fgColor.type == "rgb" else None
    return (
        fill.fill_type == "solid" and isinstance(rgb, str) and rgb.upper().endswith(colour.upper())
    )


def apply_changes(wb: Workbook, changes: ChangeSet, config: Config) -> None:
    """Apply every change to an open openpyxl workbook."""
    registry = Marks.from_rows(
        wb[REGISTRY_SHEET].iter_rows(min_row=2, max_col=5, values_only=True)
        if REGISTRY_SHEET in wb.sheetnames
        else []
    )
    fill = tool_fill(config)
    for sheet_name, cell_changes in changes.cells.items():
        ws = wb[sheet_name]
        for change in cell_changes:
            _apply_cell(ws, change, fill, registry, config)
    for owned in changes.owned_sheets:
        write_owned_sheet(wb, owned, config)
    if changes.written is not None:  # what the tool wrote: proof of ownership next run
        registry.values = changes.written
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


def _apply_cell(ws, change: CellChange, fill: PatternFill, registry: Marks, config: Config) -> None:
    cell = ws.cell(row=change.row, column=change.column)
    if change.value is not UNSET:
        set_value(cell, change.value)
    if change.number_format is not None:
        cell.number_format = change.number_format
    mark = registry.get(ws.title, cell.coordinate)
    if change.highlight is True:
        if mark.fill_before is None or not _is_tool_fill(cell.fill, mark.tool_colour):
            mark.fill_before = _fill_xml(cell.fill)
        mark.tool_colour = config.couleur_en_attente
        cell.fill = fill
    elif change.highlight is False and mark.fill_before is not None:
        if _is_tool_fill(cell.fill, mark.tool_colour or config.couleur_en_attente):
            cell.fill = _fill_from_xml(mark.fill_before)
        mark.fill_before = None
    if change.note is not None:
        comment = cell.comment
        mine = comment is not None and registry.is_tool_note(
            ws.title, cell.coordinate, comment.author, comment.text, NOTE_AUTHOR
        )
        if change.note and (comment is None or mine):
            if not mine or comment.text != change.note or comment.author != NOTE_AUTHOR:
                cell.comment = Comment(
                    change.note, NOTE_AUTHOR, height=_NOTE_HEIGHT, width=_NOTE_WIDTH
                )
            mark.note = change.note
        elif not change.note:
            if mine:
                cell.comment = None
            mark.note = None
    registry.set(ws.title, cell.coordinate, mark)


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
    bold = Font(bold=True)
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
            header.font = Font(bold=True, color="FFFFFFFF")
            header.fill = header_fill
            header.alignment = Alignment(vertical="center", wrap_text=True)
    for header_row in (owned.header_row, *owned.subheader_rows):
        height = header_height(owned, header_row)
        if height is not None:
            ws.row_dimensions[header_row].height = height
    ws.cell(row=1, column=1).font = Font(bold=True, size=14)
    ws.cell(row=2, column=1).font = bold
    for r in owned.title_rows:
        ws.cell(row=r, column=1).font = Font(bold=True, size=12)
    for (r, c), fmt in owned.number_formats.items():
        ws.cell(row=r, column=c).number_format = fmt
    for (r, c), target in owned.links.items():
        cell = ws.cell(row=r, column=c)
        cell.hyperlink = Hyperlink(ref=cell.coordinate, location=target, display=str(cell.value))
        cell.font = Font(color="FF0563C1", underline="single")
    for c, w in enumerate(owned.widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = w
    ws.freeze_panes = ws.cell(row=owned.header_row + 1, column=1)
    last = filter_last_row(owned)
    if last is not None:
        ws.auto_filter.ref = f"A{owned.header_row}:{get_column_letter(width)}{last}"
    for spec in owned.charts:
        ws.add_chart(bar_chart(ws, spec, config), spec.anchor)


_SERIES_COLOURS = ("1F4E78", "C55A11", "548235", "7F6000", "7030A0")


def bar_chart(ws: Worksheet, spec: ChartSpec, config: Config) -> BarChart:
    """An openpyxl bar chart for ``spec``, reading its data from ``ws``."""
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "clustered"
    chart.title = spec.title
    for paragraph in chart.title.tx.rich.p:  # a modest title: LibreOffice's default is huge
        for run in paragraph.r or []:
            run.rPr = CharacterProperties(sz=1200, b=True)
    chart.width, chart.height = spec.width_cm, spec.height_cm
    chart.style = 10
    column, first, last = spec.categories
    for index, (series_column, header_row, series_last) in enumerate(spec.series):
        data = Reference(ws, min_col=series_column, min_row=header_row, max_row=series_last)
        chart.add_data(data, titles_from_data=True)
        series = chart.series[-1]
        colour = (config.couleur_entete,) + _SERIES_COLOURS[1:]
        series.graphicalProperties.solidFill = colour[index % len(colour)]
        series.graphicalProperties.line.solidFill = colour[index % len(colour)]
    chart.set_categories(Reference(ws, min_col=column, min_row=first, max_row=last))
    number_format = "0%" if spec.percent else "0.0"
    chart.y_axis.number_format = number_format
    chart.y_axis.majorGridlines = ChartLines()
    chart.y_axis.scaling.min = 0
    if spec.y_max is not None:
        chart.y_axis.scaling.max = spec.y_max
    if spec.y_title:
        chart.y_axis.title = spec.y_title
    chart.x_axis.delete = False  # openpyxl leaves it unset: some Excel versions hide the axes
    chart.y_axis.delete = False
    chart.x_axis.tickLblPos = "low"
    if spec.show_values:
        # every flag explicit: LibreOffice shows the series and category names when unset
        chart.dataLabels = DataLabelList(
            showVal=True,
            showSerName=False,
            showCatName=False,
            showLegendKey=False,
            showPercent=False,
            showLeaderLines=False,
        )
        chart.dataLabels.numFmt = "0.0%" if spec.percent else "0.0"
    if len(spec.series) == 1:
        chart.legend = None
    else:
        chart.legend.position = "b"
    chart.gapWidth = 60
    return chart


def save_atomically(wb: Workbook, target: Path) -> None:
    """Save through the one atomic-replace routine (same checks, fsync and file mode)."""
    target = Path(target)
    check_can_write(target, replacing=target.exists())
    replace_atomically(target, lambda tmp: wb.save(tmp), lambda tmp: None, backup_suffix=None)
