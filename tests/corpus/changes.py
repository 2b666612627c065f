"""Realistic change sets for the corpus: what ``recalculer`` writes in a site sheet."""

from __future__ import annotations

from ortkpi_xl.workbook.changes import CellChange, ChangeSet, OwnedSheet

from .build import COL, DATA_ROWS, SITE, col_letter

RATES = ("presentation", "interruption", "rupture", "obtention", "poursuite")
WAITING = COL["insertion_emploi"]
NOTE = "Chiffre InserJeunes attendu (indicateur 10)"


def computed_changes() -> ChangeSet:
    """Rates and VA as values with their formats, "En attente" highlighted with a tool note."""
    changes = ChangeSet()
    for i, row in enumerate(DATA_ROWS):
        for j, key in enumerate(RATES):
            value: object = round(0.5 + 0.04 * i + 0.01 * j, 4)
            if i == 3 and key == "obtention":
                value = "NC"
            changes.add(SITE, CellChange(row, COL[key], value=value, number_format="0.0%"))
        changes.add(
            SITE, CellChange(row, COL["va"], value=-0.05 + 0.01 * i, number_format="+0%;-0%;0%")
        )
        if i % 2 == 0:
            changes.add(
                SITE, CellChange(row, WAITING, value="En attente", highlight=True, note=NOTE)
            )
    changes.owned_sheets.append(controls_sheet())
    return changes


def undo_changes() -> ChangeSet:
    """The next year: the figures arrived; the tool's colour and notes go away."""
    changes = ChangeSet()
    for i, row in enumerate(DATA_ROWS):
        if i % 2 == 0:
            changes.add(
                SITE,
                CellChange(
                    row, WAITING, value=0.83, number_format="0.0%", highlight=False, note=""
                ),
            )
    changes.owned_sheets.append(controls_sheet())
    return changes


def controls_sheet() -> OwnedSheet:
    rows: list[list[object]] = [["Feuille", "Cellule", "Contrôle", "Détail"]]
    links = {}
    for i, row in enumerate(DATA_ROWS[:4]):
        ref = f"{col_letter(COL['obtention'])}{row}"
        rows.append([SITE, ref, "Taux supérieur à 100 %" if i else "=1+1 (texte)", 0.5 + i])
        links[(i + 2, 2)] = f"'{SITE}'!{ref}"
    return OwnedSheet("Contrôles", rows, widths=[20, 10, 40, 12], header_row=1, links=links)


def target_cells(changes: ChangeSet) -> set[tuple[int, int]]:
    return {(c.row, c.column) for c in changes.cells.get(SITE, [])}
