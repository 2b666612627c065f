"""A person's sheet the tool edits in place: parsed once, edited by several planners.

The cells planner, the notes planner and the conditional-format planner all edit the same
worksheet part; they share one ``EditedSheet`` (the part parsed once, one ``SheetPatcher``) and
the part is rendered once when they are done.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..opc import REL_WORKSHEET
from ..sheetxml import SheetPart, SheetPatcher
from ..xmlscan import XmlProblem
from .base import Planning
from .book import WorkbookPart


@dataclass
class EditedSheet:
    name: str
    part: str
    sheet: SheetPart
    patcher: SheetPatcher
    targets: set[tuple[int, int]] = field(default_factory=set)  # cells the tool may change
    value_cells: set[tuple[int, int]] = field(default_factory=set)  # cells whose value changes
    has_formulas: bool = False  # the sheet holds formulas (Excel must recompute them)
    formula_removed: bool = False  # a formula was overwritten (the calculation chain goes)


def open_sheet(planning: Planning, book: WorkbookPart, name: str) -> EditedSheet | None:
    """The sheet called ``name``, parsed; None (with a refusal) when it cannot be edited."""
    entry = book.find_sheet(name)
    if entry is None:
        planning.refuse(f"la feuille « {name} » n'existe pas dans le classeur")
        return None
    rel, part = book.sheet_part(entry)
    if rel is None or part is None:
        planning.refuse(f"la feuille « {name} » est introuvable dans le fichier")
        return None
    if rel.type != REL_WORKSHEET:
        planning.refuse(f"« {name} » n'est pas une feuille de calcul (graphique ou macro)")
        return None
    try:
        sheet = SheetPart(planning.pkg.read(part))
    except XmlProblem as exc:
        planning.refuse(f"la feuille « {name} » a une structure inhabituelle ({exc.reason})")
        return None
    return EditedSheet(name, planning.pkg.name(part) or part, sheet, SheetPatcher(sheet))


def finish_sheet(planning: Planning, book: WorkbookPart, work: EditedSheet) -> None:
    """Render the part once every planner has edited it, and tell verification what changed."""
    book.has_formulas |= work.has_formulas
    book.formula_removed |= work.formula_removed
    if not work.patcher.changed:
        return
    book.values_written |= bool(work.value_cells)
    planning.parts.set_part(work.part, work.patcher.render())
    planning.plan.sheet_targets[work.part] = work.targets
    planning.plan.sheets_before[work.part] = work.sheet
    planning.report.cells_written += len(work.value_cells)
