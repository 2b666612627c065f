"""The cell format a changed cell takes: its number format, and the tool's legacy fill.

A cell's format is an index into the stylesheet's ``cellXfs``; the writer derives a new entry
from the cell's own (append-only, equal entries reused, so a second run adds nothing). Fills
follow the one rule shared with the other writers (``marking.fill_step``) and the registry of
marks records what the tool painted over.
"""

from __future__ import annotations

from ...workbook.marks import NO_FILL
from ..marking import fill_step
from ..registry import strip_prefixes
from ..sheetxml import cell_ref
from ..styles import solid_fill, solid_rgb
from .base import Planning


class CellFormats:
    def __init__(self, planning: Planning) -> None:
        self.planning = planning
        self.styles = planning.styles
        self._derived: dict[tuple[int, str | None, bytes | None], int] = {}
        self._codes: dict[int, str | None] = {}
        self._paints: dict[str, bytes] = {}

    def code(self, xf: int) -> str | None:
        """The number format code of cell format ``xf``."""
        if xf not in self._codes:
            self._codes[xf] = self.styles.number_format_code(xf)
        return self._codes[xf]

    def new_style(
        self,
        sheet: str,
        row: int,
        col: int,
        current: int,
        number_format: str | None,
        highlight: bool | None,
    ) -> int | None:
        """The cell format the cell takes, None when it keeps ``current``."""
        if number_format is not None and self.code(current) == number_format:
            number_format = None
        fill = self._fill(sheet, row, col, current, highlight) if highlight is not None else None
        if number_format is None and fill is None:
            return None
        key = (current, number_format, fill)
        if key not in self._derived:
            self._derived[key] = self.styles.derive(current, number_format=number_format, fill=fill)
        new = self._derived[key]
        return None if new == current else new

    def _fill(
        self, sheet: str, row: int, col: int, current: int, highlight: bool | None
    ) -> bytes | None:
        planning, styles = self.planning, self.styles
        ref = cell_ref(row, col)
        fill = styles.fill_of_xf(current)
        step = fill_step(
            planning.registry.get(sheet, ref),
            solid_rgb(fill),
            lambda: strip_prefixes(fill) or NO_FILL,
            highlight,
            planning.options.pending_colour,
        )
        planning.registry.set(sheet, ref, step.mark)
        if step.kept:
            planning.report.fills_kept.append(f"« {sheet} »!{ref}")
        if step.paint:
            if step.paint not in self._paints:
                self._paints[step.paint] = solid_fill(styles.p, step.paint)
            return self._paints[step.paint]
        if step.restore is not None:
            return styles.with_prefix(step.restore or NO_FILL)
        return None
