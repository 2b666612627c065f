"""The native bar charts of an owned sheet, for both writers.

``bar_chart`` builds the openpyxl chart for a ``ChartSpec``: the template's writer adds it to
its worksheet. The patch writer needs the same chart as package parts: ``render_charts`` has
openpyxl save a scratch workbook holding the charts on a sheet named like the owned sheet
(series refer to cells by sheet name, so the formulas are those of the real sheet) and takes
the drawing and chart parts out of it. Both writers therefore draw the same chart, with the
chart options in one place and only openpyxl's public API. Only the part names and
relationships are the patcher's: they must not collide with a person's drawings.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from dataclasses import dataclass

from ..workbook.changes import ChartSpec, OwnedSheet
from .opc import REL_BASE, relationship_xml, relative, rels_part, resolve
from .xmlscan import parse_tree

REL_DRAWING = REL_BASE + "drawing"
REL_CHART = REL_BASE + "chart"
CT_DRAWING = "application/vnd.openxmlformats-officedocument.drawing+xml"
CT_CHART = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
_SERIES_COLOURS = ("1F4E78", "C55A11", "548235", "7F6000", "7030A0")
_NS_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"


_MARKERS = ("circle", "square", "triangle", "diamond", "x")


def bar_chart(ws, spec: ChartSpec, first_colour: str):  # type: ignore[no-untyped-def]
    """An openpyxl chart for ``spec`` (bars, or lines when ``spec.kind`` says so), reading its
    data from worksheet ``ws`` — hidden helper cells included; without ``spec.colours`` the
    first series is ``first_colour`` (the workbook's header colour)."""
    from openpyxl.chart import BarChart, LineChart, Reference
    from openpyxl.chart.axis import ChartLines
    from openpyxl.chart.shapes import GraphicalProperties
    from openpyxl.drawing.text import CharacterProperties

    line = spec.kind == "line"
    if line:
        chart = LineChart()
    else:
        chart = BarChart()
        chart.type = "bar" if spec.horizontal else "col"
        chart.grouping = "clustered"
        if spec.horizontal:  # first category at the top, as in the table
            chart.x_axis.scaling.orientation = "maxMin"
    chart.visible_cells_only = False  # the numbers charts read sit in hidden columns
    chart.title = spec.title
    for paragraph in chart.title.tx.rich.p:  # a modest title: LibreOffice's default is huge
        for run in paragraph.r or []:
            run.rPr = CharacterProperties(sz=1200, b=True)
    chart.width, chart.height = spec.width_cm, spec.height_cm
    chart.style = 10
    column, first, last = spec.categories
    palette = spec.colours or (first_colour,) + _SERIES_COLOURS[1:]
    for index, (series_column, header_row, series_last) in enumerate(spec.series):
        data = Reference(ws, min_col=series_column, min_row=header_row, max_row=series_last)
        chart.add_data(data, titles_from_data=True)
        series = chart.series[-1]
        colour = palette[index % len(palette)]
        if line:
            series.graphicalProperties.line.solidFill = colour
            series.graphicalProperties.line.width = 28575  # 2.25 pt
            series.marker.symbol = _MARKERS[index % len(_MARKERS)]
            series.marker.size = 7
            series.marker.graphicalProperties = GraphicalProperties(solidFill=colour)
            series.marker.graphicalProperties.line.solidFill = colour
            series.smooth = False
        else:
            series.graphicalProperties.solidFill = colour
            series.graphicalProperties.line.solidFill = "404040"  # edges tell pale bars apart
    chart.set_categories(Reference(ws, min_col=column, min_row=first, max_row=last))
    chart.y_axis.number_format = "0%" if spec.percent else "0.0"
    chart.y_axis.majorGridlines = ChartLines()
    chart.y_axis.scaling.min = 0
    if spec.y_max is not None:
        chart.y_axis.scaling.max = spec.y_max
    if spec.y_step is not None:
        chart.y_axis.majorUnit = spec.y_step
    if spec.y_title:
        chart.y_axis.title = spec.y_title
    chart.x_axis.delete = False  # openpyxl leaves it unset: some Excel versions hide the axes
    chart.y_axis.delete = False
    chart.x_axis.tickLblPos = "low"
    if spec.show_values:
        number_format = spec.value_format or ("0.0%" if spec.percent else "0.0")
        if line:  # close lines: each series' values on its own side so they do not overlap
            for index, series in enumerate(chart.series):
                series.dLbls = _value_labels(number_format, ("t", "b", "r")[index % 3])
        else:
            chart.dataLabels = _value_labels(number_format, None)
    if len(spec.series) == 1:
        chart.legend = None
    else:
        chart.legend.position = "b"
    if not line:
        chart.gapWidth = 60
    else:
        chart.display_blanks = "gap"  # a millésime without the figure breaks the line
    return chart


def _value_labels(number_format: str, position: str | None):  # type: ignore[no-untyped-def]
    """The values written on the bars or points, small, nothing else."""
    from openpyxl.chart.label import DataLabelList

    # every flag explicit: LibreOffice shows the series and category names when unset
    labels = DataLabelList(
        showVal=True,
        showSerName=False,
        showCatName=False,
        showLegendKey=False,
        showPercent=False,
        showLeaderLines=False,
    )
    labels.numFmt = number_format
    labels.txPr = _small_text(900)
    if position:
        labels.position = position
    return labels


def _small_text(size: int):  # type: ignore[no-untyped-def]
    """Text properties for data labels: ``size`` in hundredths of a point."""
    from openpyxl.chart.text import RichText
    from openpyxl.drawing.text import (
        CharacterProperties,
        Paragraph,
        ParagraphProperties,
        RichTextProperties,
    )

    return RichText(
        bodyPr=RichTextProperties(),
        p=[
            Paragraph(
                pPr=ParagraphProperties(defRPr=CharacterProperties(sz=size)),
                endParaRPr=CharacterProperties(sz=size),
            )
        ],
    )


@dataclass
class ChartParts:
    """The drawing of one owned sheet: its XML, its relationships, one XML per chart."""

    drawing: bytes
    drawing_rels: bytes
    charts: list[bytes]


def render_charts(
    sheet: OwnedSheet, first_colour: str, drawing_part: str, chart_parts: list[str]
) -> ChartParts:
    """The parts for ``sheet.charts``, to be stored as ``drawing_part`` and ``chart_parts``."""
    from openpyxl import Workbook

    if len(chart_parts) != len(sheet.charts):
        raise ValueError("one part name per chart")
    scratch = Workbook()
    ws = scratch.active
    assert ws is not None
    ws.title = sheet.name
    for spec in sheet.charts:
        ws.add_chart(bar_chart(ws, spec, first_colour), spec.anchor)
    buffer = io.BytesIO()
    scratch.save(buffer)
    with zipfile.ZipFile(buffer) as saved:
        drawing = _only_drawing(saved)
        rels_name = posixpath.join(
            posixpath.dirname(drawing), "_rels", posixpath.basename(drawing) + ".rels"
        )
        order: list[tuple[str, str]] = []  # (relationship id, chart part) in the drawing's order
        for node in parse_tree(saved.read(rels_name)):
            if node.tag == f"{_NS_REL}Relationship" and node.get("Type") == REL_CHART:
                order.append((node.get("Id", ""), resolve(drawing, node.get("Target", ""))))
        order.sort(key=lambda item: _chart_number(item[1]))
        if len(order) != len(chart_parts):
            raise ValueError("openpyxl wrote another number of charts than asked")
        charts = [saved.read(part) for _, part in order]
        rels = [
            relationship_xml(rid, REL_CHART, relative(drawing_part, name))
            for (rid, _), name in zip(order, chart_parts, strict=True)
        ]
        return ChartParts(saved.read(drawing), rels_part(rels), charts)


def _only_drawing(saved: zipfile.ZipFile) -> str:
    drawings = [n for n in saved.namelist() if n.startswith("xl/drawings/") and n.endswith(".xml")]
    if len(drawings) != 1:
        raise ValueError("openpyxl wrote an unexpected number of drawings")
    return drawings[0]


def _chart_number(part: str) -> int:
    digits = "".join(ch for ch in posixpath.basename(part) if ch.isdigit())
    return int(digits or 0)
