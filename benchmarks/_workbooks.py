"""The workbooks the benchmarks run on: the template with N seeded random programme rows.

Rows vary the way staff's rows do (counts of every size, blanks, typed statuses, cohorts under
the threshold, insertion figures present or awaited, a few inconsistent counts), so that a cost
proportional to rows, or an Excel call per changed cell, shows in the figures instead of being
hidden by identical rows. Same seed and size, same file.
"""

from __future__ import annotations

import random
from pathlib import Path

from openpyxl.styles import Border, PatternFill, Side

from ortkpi_xl.config import Config, default_config
from ortkpi_xl.fields import FIELDS, Kind
from ortkpi_xl.workbook.template import HEADER_ROW, build_template

_CODES = ("CAP", "BAC PRO", "BP", "BTS", "BUT", "TP", "MC", "LICENCE", "MASTER")
_PROMOTIONS = ("2022 - 2024", "2023 - 2025", "2024 - 2025", "2023-2024")
_THIN = Side(style="thin", color="FFB7C3D0")


def _maybe(rng: random.Random, p: float, value: object) -> object:
    return None if rng.random() < p else value


def random_row(rng: random.Random, index: int) -> dict[str, object]:
    """One programme row, typed the way staff type it."""
    code = rng.choice(_CODES)
    entrants = rng.choice([rng.randint(0, 10), rng.randint(11, 45), rng.randint(5, 120)])
    presentes = rng.randint(0, entrants)
    interruptions = rng.randint(0, max(entrants - presentes, 0))
    row: dict[str, object] = {
        "formation": f"{code} {index}",
        "intitule": _maybe(rng, 0.4, f"{code} formation n° {index}"),
        "promotion": rng.choice(_PROMOTIONS),
        "rncp": _maybe(rng, 0.7, f"RNCP{rng.randint(30000, 39999)}"),
        "certificateur": _maybe(rng, 0.8, rng.choice(["Ministère", "CCI", "Branche"])),
        "niveau": _maybe(rng, 0.5, rng.choice([3, 4, 5, 6, 7])),
        "entrants": entrants,
        "presentes": presentes,
        "interruptions": interruptions,
        "ruptures": rng.randint(0, interruptions),
        "reussis": rng.randint(0, presentes),
        "repondants": _maybe(rng, 0.5, presentes),
        "poursuivants": rng.randint(0, presentes),
        "sat_stagiaire": _maybe(rng, 0.3, round(rng.uniform(2, 5), 1)),
        "sat_entreprise": _maybe(rng, 0.5, round(rng.uniform(2, 5), 1)),
        "sat_financeur": _maybe(rng, 0.7, round(rng.uniform(2, 5), 1)),
        "insertion_emploi": _maybe(rng, 0.5, round(rng.uniform(0.3, 1), 3)),
        "insertion_metier": _maybe(rng, 0.6, round(rng.uniform(0.2, 1), 3)),
        "insertion_reference": _maybe(rng, 0.6, round(rng.uniform(0.3, 1), 3)),
    }
    roll = rng.random()
    if roll < 0.03:
        row["reussis"] = presentes + rng.randint(1, 3)  # more passed than sat: an error
    elif roll < 0.06:
        row["presentes"] = rng.choice(["en cours", "NC", None])  # a status or a blank
    elif roll < 0.08:
        row["entrants"] = None
    return row


def make_workbook(path: Path, rows: int, *, seed: int = 13, config: Config | None = None) -> Path:
    """The template (every site sheet, Synthèse, Contrôles) with ``rows`` random programme
    rows on its first site sheet, formatted like the template's own rows; not recalculated."""
    config = config or default_config()
    rng = random.Random(seed)
    wb = build_template(config)
    ws = wb[config.feuilles_sites[0]]
    computed_fill = PatternFill(
        fill_type="solid",
        start_color="FF" + config.couleur_calcule,
        end_color="FF" + config.couleur_calcule,
    )
    border = Border(left=_THIN, right=_THIN, bottom=_THIN)
    formats = {
        Kind.COUNT: config.formats.effectif,
        Kind.LEVEL: config.formats.effectif,
        Kind.MARK: config.formats.note,
        Kind.POINTS: config.formats.valeur_ajoutee,
        Kind.RATE: config.formats.taux,
    }
    ws.delete_rows(HEADER_ROW + 1, ws.max_row)  # the template's own programmes and blank rows
    for i in range(rows):
        r = HEADER_ROW + 1 + i
        values = random_row(rng, i + 1)
        for c, field in enumerate(FIELDS, start=1):
            cell = ws.cell(row=r, column=c)
            value = values.get(field.key)
            if value is not None:
                cell.value = value
            fmt = formats.get(field.kind)
            if fmt:
                cell.number_format = fmt
            if field.computed:
                cell.fill = computed_fill
            cell.border = border
    wb.save(path)
    return path
