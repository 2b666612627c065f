"""xlwings' remote engine in tests: a real .xlsx as the payload Excel would send, and the
actions a script returns applied back to it (the next click sees what the last one wrote).

The payload has the shape xlwings Lite's Office.js client sends (``client="Office.js"``): every
sheet's values from A1 (empty cells as "", dates as ISO text, errors as their text), its
visibility, its tables with their totals row, and the addresses of the cells holding a note
(Excel API 1.18; the texts are not sent). ``apply_actions`` plays the actions the way Office.js
would: ``None`` in a ``setValues`` block leaves the cell alone, "" empties it.
"""

from __future__ import annotations

import copy
import datetime as dt
import os
import re
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.utils.cell import coordinate_to_tuple

VISIBILITY = {"visible": "Visible", "hidden": "Hidden", "veryHidden": "VeryHidden"}


def remote_book(payload: dict):
    """``xw.Book(json=payload)`` with the licence the remote engine asks for in tests."""
    os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
    import xlwings as xw

    return xw.Book(json=copy.deepcopy(payload))


def _cell_json(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="milliseconds") + "Z"
    if isinstance(value, dt.date):
        return (
            dt.datetime(value.year, value.month, value.day).isoformat(timespec="milliseconds") + "Z"
        )
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return float(value)
    return value


def _trimmed(rows: list[list[object]]) -> list[list[object]]:
    while rows and all(v == "" for v in rows[-1]):
        rows.pop()
    width = max(
        (max((i + 1 for i, v in enumerate(r) if v != ""), default=0) for r in rows), default=0
    )
    return [r[:width] + [""] * (width - len(r[:width])) for r in rows]


def _address(first: tuple[int, int], last: tuple[int, int]) -> str:
    a = f"${get_column_letter(first[1])}${first[0]}"
    b = f"${get_column_letter(last[1])}${last[0]}"
    return a if first == last else f"{a}:{b}"


def _table(ws, table) -> dict:
    left, top, right, bottom = range_boundaries(table.ref)
    headers = table.headerRowCount if table.headerRowCount is not None else 1
    totals = table.totalsRowCount or 0
    body_top, body_bottom = top + headers, bottom - totals
    return {
        "name": table.name,
        "range_address": _address((top, left), (bottom, right)),
        "header_row_range_address": _address((top, left), (top, right)) if headers else None,
        "data_body_range_address": _address((body_top, left), (body_bottom, right)),
        "total_row_range_address": _address((bottom, left), (bottom, right)) if totals else None,
        "show_headers": bool(headers),
        "show_totals": bool(totals),
        "table_style": table.tableStyleInfo.name if table.tableStyleInfo else None,
        "show_autofilter": table.autoFilter is not None,
    }


def payload_from_xlsx(path: Path, *, notes: bool = True) -> dict:
    """What xlwings Lite would send for this workbook (values as Excel last computed them)."""
    os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
    import xlwings as xw

    wb = load_workbook(path, data_only=True)
    sheets = []
    for ws in wb.worksheets:
        rows = [
            [_cell_json(v) for v in row]
            for row in ws.iter_rows(
                min_row=1, min_col=1, max_row=ws.max_row, max_col=ws.max_column, values_only=True
            )
        ]
        values = _trimmed(rows)
        sheet = {
            "name": ws.title,
            "values": values or [[]],
            "visibility": VISIBILITY.get(ws.sheet_state, "Visible"),
            "pictures": [],
            "shapes": [],
            "charts": [],
            "tables": [_table(ws, t) for t in ws.tables.values()],
            "print_area": None,
            "show_gridlines": True,
            "pivot_tables": [],
            "used_range_address": (
                _address((1, 1), (len(values), len(values[0]))) if values and values[0] else None
            ),
        }
        if notes:
            sheet["notes"] = [
                {"address": _address((c.row, c.column), (c.row, c.column))}
                for row in ws.iter_rows()
                for c in row
                if c.comment is not None
            ]
        sheets.append(sheet)
    return {
        "client": "Office.js",
        "version": xw.__version__,
        "book": {"name": Path(path).name, "active_sheet_index": 0, "selection": "A1"},
        "names": [],
        "sheets": sheets,
    }


# ---------------------------------------------------------------------------------------------
# playing the actions back


def _grow(values: list[list[object]], rows: int, columns: int) -> None:
    """Make the grid at least ``rows`` × ``columns`` (a rectangle, as the payload is)."""
    width = max([columns] + [len(line) for line in values])
    while len(values) < rows:
        values.append([])
    for line in values:
        if len(line) < width:
            line.extend([""] * (width - len(line)))


def _as_cell(value: object) -> object:
    """What Excel stores for a value written through Office.js (parsed like typing)."""
    if isinstance(value, str):
        if value.startswith("'"):
            return value[1:]
        if value.startswith("="):
            return value  # a formula: shown as its text here (no calculation engine)
        try:
            return float(value.replace(",", "."))
        except ValueError:
            return value
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def apply_actions(payload: dict, actions: list[dict]) -> dict:
    """The payload after Excel applied ``actions`` (values, sheets, notes, visibility)."""
    out = copy.deepcopy(payload)
    sheets = out["sheets"]
    for action in actions:
        func = action["func"]
        position = action.get("sheet_position")
        sheet = sheets[position] if position is not None and position < len(sheets) else None
        if func == "addSheet":
            index, name = action["args"]
            sheets.insert(
                index,
                {
                    "name": name,
                    "values": [[]],
                    "visibility": "Visible",
                    "pictures": [],
                    "shapes": [],
                    "charts": [],
                    "tables": [],
                    "notes": [],
                    "print_area": None,
                    "show_gridlines": True,
                    "pivot_tables": [],
                },
            )
        elif func == "setValues":
            top, left = action["start_row"], action["start_column"]
            grid = sheet["values"]
            if grid == [[]]:
                grid.clear()
            _grow(grid, top + action["row_count"], left + action["column_count"])
            for r, line in enumerate(action["values"]):
                for c, value in enumerate(line):
                    if value is not None:  # Office.js: null leaves the cell alone
                        grid[top + r][left + c] = "" if value == "" else _as_cell(value)
        elif func in ("sheetClear", "sheetClearContents"):
            sheet["values"] = [[]]
            if func == "sheetClear":
                sheet["notes"] = [] if "notes" in sheet else sheet.get("notes")
        elif func == "setSheetVisibility":
            sheet["visibility"] = action["args"][0]
        elif func == "addNote":
            sheet.setdefault("notes", []).append({"address": action["args"][0]})
        elif func == "deleteNote":
            key = action["args"][0].replace("$", "")
            sheet["notes"] = [n for n in sheet["notes"] if n["address"].replace("$", "") != key]
        for s in sheets:  # keep the used range in step with the values
            values = s["values"]
            s["used_range_address"] = (
                _address((1, 1), (len(values), len(values[0]))) if values and values[0] else None
            )
    return out


def cell(payload: dict, sheet: str, address: str) -> object:
    """A cell's value in a payload ('' when empty)."""
    row, column = coordinate_to_tuple(address)
    values = next(s for s in payload["sheets"] if s["name"] == sheet)["values"]
    if row - 1 < len(values) and column - 1 < len(values[row - 1]):
        return values[row - 1][column - 1]
    return ""


def action_cells(action: dict) -> set[str]:
    """The A1 addresses an action's range covers."""
    out = set()
    for r in range(action["start_row"], action["start_row"] + action["row_count"]):
        for c in range(action["start_column"], action["start_column"] + action["column_count"]):
            out.add(f"{get_column_letter(c + 1)}{r + 1}")
    return out


def rule_colours(payload: dict, actions: list[dict], sheet: str) -> dict[str, str]:
    """Cells the conditional formats added by ``actions`` colour, evaluated on ``payload``.

    Only the ``=X5="word"`` shape the tool writes: relative to the range's top-left cell, as
    Office.js reads a custom rule's formula.
    """
    position = next(i for i, s in enumerate(payload["sheets"]) if s["name"] == sheet)
    out: dict[str, str] = {}
    for action in actions:
        if action["func"] != "addConditionalFormat" or action["sheet_position"] != position:
            continue
        spec = action["args"][0]
        match = re.fullmatch(r'=\$?([A-Z]+)\$?(\d+)="((?:[^"]|"")*)"', spec["formula"])
        assert match, spec["formula"]
        ref_row, ref_col = coordinate_to_tuple(match.group(1) + match.group(2))
        word = match.group(3).replace('""', '"')
        for r in range(action["row_count"]):
            for c in range(action["column_count"]):
                row = ref_row + r - 0
                col = ref_col + c
                shown = cell(payload, sheet, f"{get_column_letter(col)}{row}")
                if shown == word:
                    target = f"{get_column_letter(action['start_column'] + c + 1)}"
                    out[target + str(action["start_row"] + r + 1)] = spec["fill_color"]
    return out


def without_tool_rules(payload: dict) -> dict:
    """The workbook as if it had never had the tool's yellow rule (its registry forgets it):
    a click then places its rule, so what a click costs is measured in full."""
    for sheet in payload["sheets"]:
        if sheet["name"] == "ortkpi_etat":
            sheet["values"] = [row for row in sheet["values"] if row[1:2] != ["§regle"]]
    return payload
