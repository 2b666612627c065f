"""The registry of the tool's marks (sheet ``ortkpi_etat``) as the package patcher reads it.

The format and its meaning are defined once in ``marks.py`` (shared with the openpyxl writer and
the Excel buttons); this module only reads the registry sheet's XML into ``Marks`` and turns
``Marks`` back into the owned sheet the patcher writes.

Why a sheet and not a custom XML part: Excel keeps very hidden sheets on every save, and so do
openpyxl and LibreOffice, while openpyxl (and LibreOffice's xlsx export) drop custom XML parts.
"""

from __future__ import annotations

import re

from ..workbook.changes import OwnedSheet
from ..workbook.marks import HEADER, REGISTRY_SHEET, Marks
from .opc import Package
from .sheetread import read_package_sheets
from .xmlscan import XmlProblem

__all__ = ["REGISTRY_SHEET", "read_registry", "registry_sheet", "strip_prefixes"]


def registry_sheet(marks: Marks) -> OwnedSheet:
    return OwnedSheet(
        name=REGISTRY_SHEET, rows=marks.rows(), widths=[24, 10, 60, 12, 60], header_row=0
    )


def strip_prefixes(fragment: bytes) -> str:
    """An XML fragment with element prefixes removed (``<x:fill>`` → ``<fill>``)."""
    return re.sub(rb"<(/?)[\w.-]+:", rb"<\1", fragment).decode("utf-8")


def read_registry(package: Package) -> tuple[Marks, bool]:
    """The marks of the workbook's registry sheet, and whether the sheet exists.

    An unreadable registry proves nothing: the tool then owns no mark (a person's fills and
    notes are safe, at worst the tool's old ones stay)."""
    try:
        found = read_package_sheets(package, lambda name: name == REGISTRY_SHEET)
    except XmlProblem:
        return Marks(), True
    if not found:
        return Marks(), False
    rows = [row[: len(HEADER)] for row in found[0].rows[1:]]
    return Marks.from_rows(rows), True
