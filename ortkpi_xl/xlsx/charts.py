"""The charts of an owned sheet as package parts, for the patch writer.

The chart XML is openpyxl's own: ``writer.py::bar_chart`` builds the chart on a scratch
worksheet named like the owned sheet (series refer to cells by sheet name, so the formulas are
those of the real sheet) and openpyxl serialises it, exactly as it does for the template. The
two writers therefore draw the same chart, and the chart options live in one place. Only the
part names and relationships are the patcher's: they must not collide with a person's drawings.
"""

from __future__ import annotations

from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.xml.functions import tostring

from ..config import Config
from ..workbook.changes import OwnedSheet
from .opc import NS_REL, REL_BASE, relationship_xml, relative

REL_DRAWING = REL_BASE + "drawing"
REL_CHART = REL_BASE + "chart"
CT_DRAWING = "application/vnd.openxmlformats-officedocument.drawing+xml"
CT_CHART = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
_DECLARATION = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


@dataclass
class ChartParts:
    """The drawing of one owned sheet: its XML, its relationships, one XML per chart."""

    drawing: bytes
    drawing_rels: bytes
    charts: list[bytes]


def render_charts(
    sheet: OwnedSheet, config: Config, drawing_part: str, chart_parts: list[str]
) -> ChartParts:
    """The parts for ``sheet.charts``, to be stored as ``drawing_part`` and ``chart_parts``."""
    from ..workbook.writer import bar_chart  # writer imports ownedsheet helpers: import late

    if len(chart_parts) != len(sheet.charts):
        raise ValueError("one part name per chart")
    scratch = Workbook().active
    assert scratch is not None
    scratch.title = sheet.name
    drawing = SpreadsheetDrawing()
    for spec in sheet.charts:
        chart = bar_chart(scratch, spec, config)
        chart.anchor = spec.anchor
        drawing.charts.append(chart)
    charts = [_DECLARATION + tostring(chart._write()) for chart in drawing.charts]
    drawing_xml = _DECLARATION + tostring(drawing._write())
    # SpreadsheetDrawing._write names the n-th chart's relationship "rId<n>"
    rels = b"".join(
        relationship_xml(f"rId{n}", REL_CHART, relative(drawing_part, part))
        for n, part in enumerate(chart_parts, start=1)
    )
    drawing_rels = (
        _DECLARATION + f'<Relationships xmlns="{NS_REL}">'.encode() + rels + b"</Relationships>"
    )
    return ChartParts(drawing_xml, drawing_rels, charts)
