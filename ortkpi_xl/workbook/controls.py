"""The ``Contrôles`` sheet, written for the person who has to act on it.

From the top: the verdict; the state of each site (in tab order: errors, warnings, programmes
still waiting for a figure, what is left to do) and what the network's figures rest on; then the
detail, one line per programme row and problem (never one per cell), in plain French rule names,
sheet by sheet in tab order, errors first, each line linked to its cell, coloured by severity
and wrapped, printable on a few landscape pages with the header repeated.

Laid out as plain data (an ``OwnedSheet``): every writer draws the same sheet.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ..findings import Finding, Severity, count_by_severity
from ..readiness import (
    READINESS_RULES,
    Readiness,
    SiteState,
    detail_findings,
    join_names,
    plural,
    state_of,
    status_findings,
    verdict,
)
from ..rule_names import SEVERITY_NAMES, rule_name
from ..synthesis import NETWORK_NAME
from .changes import CellStyle, OwnedSheet, PrintSetup

CONTROLS_SHEET = "Contrôles"
CONTROLS_TITLE = "Contrôles du classeur des indicateurs"  # A1: the sheet is the tool's
WIDTHS = [20.0, 16.0, 26.0, 17.0, 28.0, 14.0, 70.0]
_DETAIL_HEADER = [
    "Feuille",
    "Ligne",
    "Formation",
    "Gravité",
    "Contrôle",
    "Cellule",
    "Ce qu'il faut savoir ou faire",
]
_SITES_HEADER = [
    "Site",
    "État",
    "Erreurs",
    "Avertissements",
    "Formations en attente d'un chiffre extérieur",
    "Formations complètes",
    "À faire",
]
_RANK = {Severity.ERREUR: 0, Severity.AVERTISSEMENT: 1, Severity.INFO: 2}
# fills by severity: pale enough for black text (contrast ≥ 12:1), far enough apart in grey
SEVERITY_FILLS = {Severity.ERREUR: "F4C7C3", Severity.AVERTISSEMENT: "FFF2CC"}
STATE_FILLS = {
    SiteState.COMPLET: "D9EAD3",
    SiteState.A_COMPLETER: "FFF2CC",
    SiteState.SANS_CHIFFRES: "F4C7C3",
    SiteState.ABSENT: "F4C7C3",
}
_LINE_HEIGHT = 15.0  # points, one line of the default font
# findings that only carry a state (shown in the sites' block, not counted twice)
_STATUS_ONLY = frozenset(("site_complet", "site_a_completer", "reseau_complet"))
# what the to-do of a site without figures already says, row by row
_SAID_BY_THE_TODO = frozenset(("effectifs_manquants",))
_CENTRE_TOP = CellStyle(align="center", wrap=True)


@dataclass(frozen=True)
class Line:
    """One line of the detail: a programme row (or a sheet) and one rule."""

    sheet: str
    row: int  # 0: the sheet or the workbook as a whole
    rule: str
    severity: Severity
    cells: tuple[str, ...]
    message: str


def _row_of(cell: str) -> int:
    digits = "".join(ch for ch in cell if ch.isdigit())
    return int(digits) if digits else 0


def _strip_cell(message: str, cell: str) -> str:
    """``H12 : 18 reçus…`` → ``18 reçus…`` (the cell has its own column)."""
    prefix = f"{cell} : "
    return message[len(prefix) :] if cell and message.startswith(prefix) else message


def group_lines(findings: Iterable[Finding]) -> list[Line]:
    """One line per sheet, row and rule: findings on several cells of a row become one."""
    groups: dict[tuple[str, int, str], list[Finding]] = {}
    for finding in findings:
        key = (finding.feuille, _row_of(finding.cellule), finding.regle)
        groups.setdefault(key, []).append(finding)
    lines = []
    for (sheet, row, rule), group in groups.items():
        severity = min((f.gravite for f in group), key=_RANK.__getitem__)
        cells = tuple(dict.fromkeys(f.cellule for f in group if f.cellule))
        messages = list(dict.fromkeys(_strip_cell(f.message, f.cellule) for f in group))
        message = " • ".join(messages[:2])
        if len(messages) > 2:
            message += f" • et {len(messages) - 2} autre(s) du même genre"
        lines.append(Line(sheet, row, rule, severity, cells, message))
    return lines


def _sheet_order(
    lines: Sequence[Line], sheets: Sequence[str], readiness: Readiness | None
) -> dict[str, int]:
    order: dict[str, int] = {}
    for name in [*sheets, *(s.name for s in readiness.sites)] if readiness else sheets:
        order.setdefault(name, len(order))
    for name in sorted({line.sheet for line in lines} - set(order), key=str.casefold):
        order[name] = len(order)
    return order


def _lines_needed(value: object, width: float) -> int:
    if not isinstance(value, str) or not value:
        return 1
    per_line = max(int(width * 1.15) - 2, 8)  # the default font fits ~1.2 characters a unit
    return sum(max(1, math.ceil(len(part) / per_line)) for part in value.split("\n"))


def _height(row: list[object], wrapped: Iterable[int]) -> float | None:
    lines = max(
        (_lines_needed(row[c - 1], WIDTHS[c - 1]) for c in wrapped if c <= len(row)), default=1
    )
    return _LINE_HEIGHT * lines + 2 if lines > 1 else None


class _Sheet:
    def __init__(self) -> None:
        self.rows: list[list[object]] = []
        self.links: dict[tuple[int, int], str] = {}
        self.row_styles: dict[int, CellStyle] = {}
        self.cell_styles: dict[tuple[int, int], CellStyle] = {}
        self.heights: dict[int, float] = {}
        self.titles: list[int] = []
        self.subheaders: list[int] = []

    def add(self, *cells: object, wrapped: Iterable[int] = ()) -> int:
        self.rows.append(list(cells))
        row = len(self.rows)
        height = _height(self.rows[-1], wrapped)
        if height:
            self.heights[row] = height
        for c in wrapped:
            self.cell_styles[(row, c)] = CellStyle(wrap=True)
        return row


def _quoted(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


def controls_sheet(
    findings: list[Finding],
    readiness: Readiness | None = None,
    *,
    sheets: Sequence[str] = (),
    labels: Mapping[tuple[str, int], str] | None = None,
) -> OwnedSheet:
    """The whole sheet. ``readiness`` gives the sites' block (without it, the statuses are read
    back from the findings); ``sheets`` the tab order; ``labels`` the programme of each
    (sheet, row), to name it beside the row number."""
    labels = labels or {}
    b = _Sheet()
    counts = count_by_severity(f for f in findings if f.regle not in _STATUS_ONLY)
    tab_order = [*sheets, *(s.name for s in readiness.sites)] if readiness else list(sheets)
    said = verdict(findings, order=tab_order)
    b.add(CONTROLS_TITLE)
    verdict_row = b.add(said[:1].upper() + said[1:] + ".")
    ready = said.startswith("prêt")
    b.row_styles[verdict_row] = CellStyle(fill="D9EAD3" if ready else "F4C7C3", bold=True)
    b.add(
        f"{plural(counts[Severity.ERREUR], 'erreur')}, "
        f"{plural(counts[Severity.AVERTISSEMENT], 'avertissement')}, "
        f"{plural(counts[Severity.INFO], 'information')} — feuille écrite par Recalculer et "
        "Valider (ne rien saisir ici) ; un clic sur la cellule (colonne Cellule) y mène."
    )
    _sites_block(b, findings, readiness)
    b.add()
    b.titles.append(
        b.add(
            "Détail, une ligne par formation et par contrôle : erreurs, puis avertissements, "
            "puis informations, feuille par feuille"
        )
    )
    shown = detail_findings(findings)
    empty: list[str] = []
    if readiness is not None:  # a site with no figure yet: its to-do in the block says it all
        empty = [s.name for s in readiness.sites if s.state is SiteState.SANS_CHIFFRES]
        shown = [f for f in shown if not (f.feuille in empty and f.regle in _SAID_BY_THE_TODO)]
        shown = [f for f in shown if not (f.feuille in empty and f.gravite is Severity.INFO)]
    if empty:
        note = b.add(
            f"{join_names(empty)} : sans chiffres — leurs lignes « à saisir » et leurs chiffres "
            "attendus ne sont pas répétés ici (voir « État des sites » ci-dessus)."
        )
        b.cell_styles[(note, 1)] = CellStyle(italic=True, colour="595959")
    header_row = b.add(*_DETAIL_HEADER)
    lines = group_lines(shown)
    order = _sheet_order(lines, sheets, readiness)
    lines.sort(key=lambda ln: (_RANK[ln.severity], order[ln.sheet], ln.row, ln.rule))
    if not lines:
        b.add("Aucun constat : rien à corriger.")
    for line in lines:
        label = labels.get((line.sheet, line.row), "")
        cell = line.cells[0] if line.cells else ""
        message = line.message
        if len(line.cells) > 1:
            message += f" (cellules {', '.join(line.cells)})"
        row = b.add(
            line.sheet,
            line.row or None,
            label or None,
            SEVERITY_NAMES[line.severity.value],
            rule_name(line.rule),
            cell or None,
            message,
            wrapped=(3, 5, 7),
        )
        if cell:
            b.links[(row, 6)] = f"{_quoted(line.sheet)}!{cell}"
        b.row_styles[row] = CellStyle(fill=SEVERITY_FILLS.get(line.severity), wrap=True)
        b.cell_styles[(row, 2)] = _CENTRE_TOP
        if line.severity is Severity.ERREUR:
            b.cell_styles[(row, 4)] = CellStyle(bold=True)
    return OwnedSheet(
        CONTROLS_SHEET,
        b.rows,
        claims=(CONTROLS_TITLE,),
        widths=list(WIDTHS),
        header_row=header_row,
        links=b.links,
        title_rows=tuple(b.titles),
        subheader_rows=tuple(b.subheaders),
        row_styles=b.row_styles,
        cell_styles=b.cell_styles,
        row_heights=b.heights,
        print_setup=PrintSetup(
            landscape=True,
            fit_width=1,
            title_rows=(header_row, header_row),
            area=f"A1:G{max(len(b.rows), header_row + 1)}",
            footer="Contrôles du classeur des indicateurs",
        ),
        freeze=False,
    )


def _sites_block(b: _Sheet, findings: list[Finding], readiness: Readiness | None) -> None:
    """The state of each site, then the network line."""
    if readiness is None:
        rows = _rows_from_findings(findings)
        network = next((f.message for f in status_findings(findings) if "reseau" in f.regle), "")
    else:
        rows = [
            (
                s.name,
                s.state,
                s.errors if s.has_sheet else None,
                s.warnings if s.has_sheet else None,
                s.awaited if s.has_sheet else None,
                f"{s.complete} sur {s.listed}" if s.has_sheet else None,
                s.todo,
                s.has_sheet,
            )
            for s in readiness.sites
        ]
        network = ""
    if not rows:
        return
    b.add()
    b.titles.append(b.add("État des sites"))
    b.subheaders.append(b.add(*_SITES_HEADER))
    for name, state, errors, warnings, awaited, complete, todo, has_sheet in rows:
        row = b.add(name, state.value, errors, warnings, awaited, complete, todo, wrapped=(7,))
        b.row_styles[row] = CellStyle(wrap=True)
        for column in (3, 4, 5, 6):
            b.cell_styles[(row, column)] = _CENTRE_TOP
        b.cell_styles[(row, 2)] = CellStyle(fill=STATE_FILLS[state], bold=True, wrap=True)
        if has_sheet:
            b.links[(row, 1)] = f"{_quoted(name)}!A1"
    if readiness is not None:
        cov = readiness.coverage
        sites = [s for s in readiness.sites if s.has_sheet]
        missing = cov.without_figures
        todo = (
            "Chiffres regroupés sur tous les sites."
            if cov.complete
            else f"Les taux du réseau reposent sur {cov.text()}, sans {join_names(missing)}."
        )
        row = b.add(
            NETWORK_NAME,
            cov.text(),
            sum(s.errors for s in sites),
            sum(s.warnings for s in sites),
            sum(s.awaited for s in sites),
            f"{sum(s.complete for s in sites)} sur {cov.listed}",
            todo,
            wrapped=(2, 7),
        )
        b.row_styles[row] = CellStyle(bold=True, wrap=True)
        for column in (3, 4, 5, 6):
            b.cell_styles[(row, column)] = _CENTRE_TOP
    elif network:
        b.add(network, wrapped=())


def _rows_from_findings(findings: list[Finding]) -> list[tuple]:
    """The sites' rows when only the findings are known (the statuses carry the state)."""
    rows = []
    own = [f for f in findings if f.regle not in READINESS_RULES]
    for status in status_findings(findings):
        state = state_of(status)
        if state is None:
            continue
        mine = [f for f in own if f.feuille == status.feuille]
        has_sheet = state is not SiteState.ABSENT
        awaited = len({_row_of(f.cellule) for f in mine if f.regle == "en_attente"})
        rows.append(
            (
                status.feuille,
                state,
                sum(1 for f in mine if f.gravite is Severity.ERREUR) if has_sheet else None,
                sum(1 for f in mine if f.gravite is Severity.AVERTISSEMENT) if has_sheet else None,
                awaited if has_sheet else None,
                None,
                status.message,
                has_sheet,
            )
        )
    return rows
