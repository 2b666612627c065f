"""The ``Synthèse`` sheet: a board's page first, then the official figures, then each site.

Laid out as plain data (an ``OwnedSheet`` with ``ChartSpec`` charts), so every writer draws the
same sheet. Printed on landscape A4:

1. the dashboard (one page): every site of the network and the network itself, one row each
   (the network's in bold, with "n sites sur N"), the key rates with what each rests on
   ("n = 166" entrants, présentés or répondants; "3 form." for averaged figures), rates where
   higher is better apart from those where lower is better (2 and 3), ``En attente`` where a
   figure is awaited (never NC), the official InserJeunes figures of each establishment beside
   them; then two charts with their values written on the bars, the session in their titles;
2. the official InserJeunes figures, latest millésime per site and a trend chart per site;
3. per site with figures, on a page of its own: its programmes (small cohorts marked) and four
   charts.

Charts read number-only copies of the figures in hidden columns (Excel plots a text cell as 0:
a rate that cannot be computed must draw no bar). Colours differ in lightness (navy, orange,
pale blue, edged in dark grey) so they survive greyscale printing and colour blindness.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from ..config import Config
from ..engine import Outcome, Result
from ..formatting import format_mark, format_number, wrapped_lines
from ..indicators import INDICATOR_BY_KEY, Indicator, Rule
from ..official import (
    FIGURE_BY_KEY,
    TREND_KEYS,
    OfficialFigures,
    OfficialSite,
    site_uais,
    status_for,
)
from ..readiness import Readiness, SiteState, SiteStatus, join_names
from ..synthesis import NETWORK_NAME, Method, Pooled, Programme, Summary, Synthesis
from .changes import CellStyle, ChartSpec, OwnedSheet, PrintSetup
from .layout import column_letter

SYNTHESIS_SHEET = "Synthèse"
# how the tool's Synthèse begins, in this version and the earlier one (see OwnedSheet.claims)
SYNTHESIS_CLAIMS = (
    "Tableau de bord des indicateurs du réseau",
    "Synthèse des indicateurs par site et pour le réseau",
)

# -- what the dashboard shows ---------------------------------------------------------------
HIGHER = ("presentation", "obtention", "poursuite", "insertion_emploi", "insertion_metier", "va")
MARKS = ("sat_stagiaire", "sat_entreprise", "sat_financeur")
LOWER = ("interruption", "rupture")
SHORT = {
    "presentation": "1 Présentation",
    "interruption": "2 Interruption en cours",
    "rupture": "3 Rupture nette",
    "obtention": "4 Obtention",
    "poursuite": "5 Poursuite d'études",
    "sat_stagiaire": "6 Satisfaction apprentis (/5)",
    "sat_entreprise": "7 Satisfaction entreprises (/5)",
    "sat_financeur": "8 Satisfaction financeurs (/5)",
    "va": "9 Valeur ajoutée (points)",
    "insertion_emploi": "10 Insertion dans l'emploi",
    "insertion_metier": "11 Insertion dans le métier",
}
SATISFACTION_LABEL = "6 · 7 · 8 Satisfaction apprentis · entreprises · financeurs (/5)"

# -- geometry (characters): A site/formation, B state/promotion, C programmes/level,
# D entrants, E–J rates (higher is better), K–M satisfaction, N–O rates (lower is better),
# then the official figures
WIDTHS = [20.0, 12.0, 10.0, 9.0, 12.0, 11.0, 11.0, 11.0, 11.0, 11.0, 15.0, 12.0, 11.0]
WIDTHS += [10.0, 10.0, 11.0]
HELPER_COLUMN = 30  # first hidden column of the numbers the charts read
_ROW_CM = 0.53  # default row height (15 pt) in cm
_PT_CM = 2.54 / 72
_PRINTABLE_WIDTH_CM = 29.7 - 2 * 0.4 * 2.54  # landscape A4 less the margins of PrintSetup
_PRINTABLE_HEIGHT_CM = 21.0 - (0.5 + 0.6 + 0.4) * 2.54  # and a little room for the footer
_COUNT_FORMAT = "0"
_POINTS_FORMAT = '+0" pts";-0" pts";0" pt"'
_PERCENT = "0.0%"
_MARK = "0.0"

# -- looks ----------------------------------------------------------------------------------
NAVY, ORANGE, PALE = "1F4E78", "E69F00", "CFE2F3"
PALETTE = (NAVY, ORANGE, PALE)
GREY_TEXT = "595959"  # 7:1 on white
NETWORK_FILL = "E7E6E6"
STATE_FILLS = {
    SiteState.COMPLET: "D9EAD3",
    SiteState.A_COMPLETER: "FFF2CC",
    SiteState.SANS_CHIFFRES: "F4C7C3",
    SiteState.ABSENT: "F4C7C3",
}
_BASIS = CellStyle(italic=True, colour=GREY_TEXT, size=9, align="center")
_CENTRE = CellStyle(align="center")
_NOTE = CellStyle(italic=True, colour=GREY_TEXT)
_GROUP = CellStyle(bold=True, fill="D9E1F2")
_HEADER_TEXT = CellStyle(size=9)
_TYPED = CellStyle(align="center", italic=True, colour=GREY_TEXT)


def _column_cm(width_chars: float) -> float:
    """Excel column width (characters) → centimetres (7 px per character + 5 px, 96 dpi)."""
    return (width_chars * 7 + 5) / 96 * 2.54


def sessions(programmes: Iterable[Programme]) -> str:
    """``session 2025`` / ``sessions 2024 et 2025``: the exam years of the promotions."""
    years = sorted(
        {int(y[-1]) for p in programmes if (y := re.findall(r"(?:19|20)\d\d", p.promotion))}
    )
    if not years:
        return ""
    if len(years) == 1:
        return f"session {years[0]}"
    return f"sessions {join_names([str(y) for y in years])}"


def _titled(title: str, session: str) -> str:
    return f"{title} — {session}" if session else title


class _Builder:
    def __init__(self, config: Config):
        self.config = config
        self.rows: list[list[object]] = []
        self.formats: dict[tuple[int, int], str] = {}
        self.links: dict[tuple[int, int], str] = {}
        self.charts: list[ChartSpec] = []
        self.titles: list[int] = []
        self.subheaders: list[int] = []
        self.row_styles: dict[int, CellStyle] = {}
        self.cell_styles: dict[tuple[int, int], CellStyle] = {}
        self.heights: dict[int, float] = {}
        self.breaks: list[int] = []
        self.widths: list[float] = []
        self.helpers: dict[tuple[int, int], object] = {}  # the numbers charts read (hidden)
        self.next_helper_row = 1  # where the next chart's numbers go (see helper_block)
        self.helper_width = 0
        self.main_header = 1

    def add(self, *cells: object) -> int:
        self.rows.append(list(cells))
        return len(self.rows)

    def set(self, row: int, column: int, value: object, fmt: str | None = None) -> None:
        while len(self.rows) < row:
            self.rows.append([])
        line = self.rows[row - 1]
        while len(line) < column:
            line.append(None)
        line[column - 1] = value
        if fmt and isinstance(value, (int, float)):
            self.formats[(row, column)] = fmt

    def style(self, row: int, column: int, style: CellStyle) -> None:
        self.cell_styles[(row, column)] = style

    def note(self, text: str) -> int:
        """A note across the page: split into lines of the page's width (not wrapped in a
        cell, which would keep it in column A); returns the last row."""
        per_line = int(sum(self.widths) * 1.2)
        line = ""
        row = len(self.rows)
        for word in text.split():
            if line and len(line) + 1 + len(word) > per_line:
                row = self.add(line)
                self.style(row, 1, _NOTE)
                line = word
            else:
                line = f"{line} {word}" if line else word
        if line:
            row = self.add(line)
            self.style(row, 1, _NOTE)
        return row

    def header(self, *labels: object, main: bool = False) -> int:
        """A table header (small bold white on the header colour, wrapped, tall enough)."""
        row = self.add(*labels)
        if not main:
            self.subheaders.append(row)
        lines = 1
        for column, label in enumerate(labels, start=1):
            if isinstance(label, str) and label:
                self.style(row, column, _HEADER_TEXT)
                width = self.widths[column - 1] if column <= len(self.widths) else 8.43
                lines = max(lines, wrapped_lines(label, width * 1.45))
        self.heights[row] = 11.5 * lines + 4
        return row

    def page_height_cm(self, first: int, last: int) -> float:
        """Height of rows ``first``..``last`` at 100 %, in cm."""
        return sum(self.heights.get(r, 15.0) for r in range(first, last + 1)) * _PT_CM

    def room_for(self, height_cm: float) -> None:
        """Start a new page here unless ``height_cm`` more fits under the last break."""
        start = (self.breaks[-1] + 1) if self.breaks else 1
        used = self.page_height_cm(start, len(self.rows))
        if used + height_cm > self.page_cm and len(self.rows) >= start:
            self.breaks.append(len(self.rows))

    @property
    def page_cm(self) -> float:
        """Printable height of a landscape A4 page, in the sheet's own (unscaled) cm."""
        width_cm = sum(_column_cm(w) for w in self.widths)
        scale = min(1.0, _PRINTABLE_WIDTH_CM / width_cm) if width_cm else 1.0
        return _PRINTABLE_HEIGHT_CM / scale

    def blank(self, count: int = 1) -> None:
        for _ in range(count):
            self.add()

    def anchor_column(self, left_cm: float) -> int:
        """The column whose left edge is at or just after ``left_cm``."""
        start, column = 0.0, 1
        while start < left_cm - 0.05:
            width = self.widths[column - 1] if column <= len(self.widths) else 8.43
            start += _column_cm(width)
            column += 1
        return column

    def helper_block(
        self, header: Sequence[object], lines: Sequence[Sequence[object]], fmt: str | None
    ) -> tuple[int, int]:
        """A block of numbers for a chart, in the hidden columns, under the previous block
        (stacked, so the sheet's width does not grow with the sites): ``header`` then
        ``lines``; returns (first column, header row, last row)."""
        column, top = HELPER_COLUMN, self.next_helper_row
        self.next_helper_row += len(lines) + 2
        self.helper_width = max(self.helper_width, len(header))
        for offset, value in enumerate(header):
            self.helpers[(top, column + offset)] = value
        for r, line in enumerate(lines, start=top + 1):
            for offset, value in enumerate(line):
                self.helpers[(r, column + offset)] = value
                if fmt and offset and isinstance(value, (int, float)):
                    self.formats[(r, column + offset)] = fmt
        return column, top, top + len(lines)


# ---------------------------------------------------------------------------------------------


def synthesis_sheet(
    synthesis: Synthesis,
    config: Config,
    *,
    readiness: Readiness | None = None,
    official: OfficialFigures | None = None,
) -> OwnedSheet:
    """The whole ``Synthèse`` sheet (every site of the network listed, figures or not)."""
    official = official or OfficialFigures()
    b = _Builder(config)
    b.widths = list(WIDTHS)
    statuses = _statuses(synthesis, readiness)
    session = sessions(synthesis.network.programmes)
    _dashboard(b, synthesis, statuses, readiness, official, session)
    b.blank()
    b.room_for(_ROW_CM * (len(statuses) + 6))  # the official table, on this page if it fits
    _official_block(b, statuses, official)
    b.breaks.append(len(b.rows))
    for site in synthesis.sites:
        if any(p.has_data for p in site.programmes):
            _site_block(b, site)
            b.breaks.append(len(b.rows))
    b.breaks.pop()  # no page break after the last block
    width = len(b.widths)
    visible = len(b.rows)
    for (r, c), value in b.helpers.items():
        b.set(r, c, value)
    hidden = tuple(range(HELPER_COLUMN, HELPER_COLUMN + b.helper_width))
    return OwnedSheet(
        SYNTHESIS_SHEET,
        b.rows,
        claims=SYNTHESIS_CLAIMS,
        widths=b.widths,
        header_row=b.main_header,
        links=b.links,
        number_formats=b.formats,
        charts=b.charts,
        title_rows=tuple(b.titles),
        subheader_rows=tuple(b.subheaders),
        row_styles=b.row_styles,
        cell_styles=b.cell_styles,
        row_heights=b.heights,
        hidden_columns=hidden,
        print_setup=PrintSetup(
            landscape=True,
            fit_width=1,
            area=f"A1:{column_letter(width)}{visible}",
            row_breaks=tuple(b.breaks),
            footer="Synthèse des indicateurs — réseau ORT",
        ),
        freeze=False,
        autofilter=False,
    )


def _statuses(synthesis: Synthesis, readiness: Readiness | None) -> list[SiteStatus]:
    if readiness is not None:
        return list(readiness.sites)
    return [  # without the readiness (a caller that has none): the sites present
        SiteStatus(
            s.name,
            SiteState.COMPLET if s.has_data else SiteState.SANS_CHIFFRES,
            False,
            True,
            listed=len(s.programmes),
            with_figures=sum(1 for p in s.programmes if p.has_data),
        )
        for s in synthesis.sites
    ]


# -- 1. the dashboard ---------------------------------------------------------------------------


TYPED_WORD = "taux saisis"  # rates typed without their counts: shown, never pooled


def word_for(summary: Summary, key: str, config: Config) -> str:
    """What a pooled figure without a value says: awaited, not required, typed only, or NC."""
    outcomes = {p.results[key].outcome for p in summary.programmes}
    words = config.mots
    if Outcome.PENDING in outcomes:
        return words.en_attente
    if Outcome.TYPED in outcomes or Outcome.VALUE in outcomes:
        return TYPED_WORD  # figures there, but no counts to pool them with
    if outcomes and outcomes <= {Outcome.SMALL_COHORT}:
        return words.petit_effectif
    if outcomes and outcomes <= {Outcome.STATUS, Outcome.SMALL_COHORT}:
        texts = {p.results[key].text for p in summary.programmes}
        return next(iter(texts)) if len(texts) == 1 and None not in texts else "en cours"
    if outcomes and outcomes <= {Outcome.EMPTY}:
        return "—"
    return words.non_calculable


def basis_text(pooled: Pooled) -> str:
    """What a pooled figure rests on, short enough for a dashboard cell."""
    if pooled.value is None:
        return ""
    if pooled.method is Method.RATIO_OF_SUMS:
        return f"n = {format_number(pooled.denominator)}"
    return f"{pooled.rows} form."


def _figure_cell(b: _Builder, row: int, column: int, summary: Summary, key: str) -> None:
    """A pooled figure (or its word) on ``row`` and what it rests on on the row below."""
    pooled = summary.pooled[key]
    ind = INDICATOR_BY_KEY[key]
    value = pooled.value
    if value is None:
        b.set(row, column, word_for(summary, key, b.config))
    elif ind.rule is Rule.DIFFERENCE:
        b.set(row, column, round(value * 100, 6), _POINTS_FORMAT)
    else:
        b.set(row, column, value, _MARK if ind.rule is Rule.MARK else _PERCENT)
    b.style(row, column, _CENTRE)
    typed = sum(1 for p in summary.programmes if p.results[key].outcome is Outcome.TYPED)
    basis = basis_text(pooled)
    if typed and value is not None:
        basis += f", +{typed} saisi{'s' if typed > 1 else ''}"
    elif value is None and (
        typed or any(p.results[key].outcome is Outcome.VALUE for p in summary.programmes)
    ):
        basis = "sans effectifs"
    b.set(row + 1, column, basis or None)
    b.style(row + 1, column, _BASIS)


def _dashboard(
    b: _Builder,
    synthesis: Synthesis,
    statuses: list[SiteStatus],
    readiness: Readiness | None,
    official: OfficialFigures,
    session: str,
) -> int:
    config = b.config
    title = "Tableau de bord des indicateurs du réseau ORT"
    b.add(_titled(title, session))
    with_figures = [s.name for s in statuses if s.with_figures]
    without = [s.name for s in statuses if not s.with_figures]
    cover = f"{len(with_figures)} site{'s' if len(with_figures) > 1 else ''} sur {len(statuses)}"
    line = f"Chiffres regroupés sur {cover}"
    if without:
        line += f" — sans chiffres : {join_names(without)}"
    line += "."
    row = b.add(line)
    if without:
        b.row_styles[row] = CellStyle(fill="F4C7C3", bold=True)
    b.note(
        "Écrit par Recalculer à partir des feuilles de site : ne rien saisir ici. Taux regroupés "
        "= total des numérateurs / total des dénominateurs (jamais une moyenne de taux) ; sous "
        "chaque taux, ce sur quoi il repose (n = entrants pour 1 à 3, présentés pour 4, "
        "répondants ou présentés pour 5 ; « form. » = formations qui ont le chiffre)."
    )
    groups = b.add("", "", "", "")
    header = ["Site", "État", "Formations", "Entrants"]
    header += [SHORT[k] for k in HIGHER] + [SATISFACTION_LABEL] + [SHORT[k] for k in LOWER]
    header += ["Emploi à 6 mois", "Valeur ajoutée officielle", "Millésime (cumul)"]
    higher_end = 4 + len(HIGHER) + 1
    lower_end = higher_end + len(LOWER)
    spans = (
        ("Plus haut = mieux", 5, higher_end),
        ("Plus bas = mieux", higher_end + 1, lower_end),
        ("InserJeunes (établissement)", lower_end + 1, len(header)),
    )
    for text, start, end in spans:
        b.set(groups, start, text)
        for column in range(start, end + 1):
            b.style(groups, column, _GROUP)
    b.main_header = b.header(*header, main=True)
    keys = (*HIGHER, "satisfaction", *LOWER)
    summaries = {s.name: s for s in synthesis.sites}
    chart_rows: list[tuple[str, Summary]] = []
    for status in statuses:
        summary = summaries.get(status.name)
        row = b.add(status.name, status.state.value)
        b.style(row, 2, CellStyle(fill=STATE_FILLS[status.state], align="center"))
        if summary is not None:
            quoted = "'" + status.name.replace("'", "''") + "'"
            b.links[(row, 1)] = f"{quoted}!A1"
        if summary is None or not status.with_figures:
            b.set(row, 3, status.with_figures if status.has_sheet else None, _COUNT_FORMAT)
            b.style(row, 3, _CENTRE)
            b.set(row + 1, 3, f"sur {status.listed}" if status.has_sheet else None)
            b.style(row + 1, 3, _BASIS)
            _official_cells(b, row, len(header) - 2, status.name, official)
            continue
        chart_rows.append((status.name, summary))
        _summary_row(b, row, summary, keys, status.listed)
        _official_cells(b, row, len(header) - 2, status.name, official)
    network = synthesis.network
    row = b.add(NETWORK_NAME, cover)
    _summary_row(b, row, network, keys, readiness.coverage.listed if readiness else None)
    b.row_styles[row] = CellStyle(bold=True, fill=NETWORK_FILL)
    b.row_styles[row + 1] = CellStyle(fill=NETWORK_FILL)
    b.style(row, 2, CellStyle(align="center"))
    if with_figures:
        chart_rows.append((NETWORK_NAME, network))
    b.blank()
    b.note(
        f"{config.mots.en_attente} : chiffre attendu d'InserJeunes, du certificateur ou de "
        f"l'enquête. {config.mots.petit_effectif} : promotions de moins de "
        f"{config.seuil_petit_effectif} entrants, 9 à 11 non exigés. « {TYPED_WORD} » (sans "
        "effectifs) : taux saisis sans leurs effectifs (effectifs non fournis), montrés par "
        "formation mais jamais regroupés. La valeur ajoutée 9 est l'écart au "
        "taux moyen du certificateur (définition ORT), en points ; la valeur ajoutée officielle "
        "d'InserJeunes est celle de l'établissement (taux d'emploi observé moins taux attendu)."
    )
    b.blank()
    _network_charts(b, chart_rows, session)
    return len(b.rows)


def _summary_row(
    b: _Builder, row: int, summary: Summary, keys: Sequence[str], listed: int | None
) -> None:
    with_data = sum(1 for p in summary.programmes if p.has_data)
    b.set(row, 3, with_data, _COUNT_FORMAT)
    b.style(row, 3, _CENTRE)
    b.set(row + 1, 3, f"sur {listed if listed is not None else len(summary.programmes)}")
    b.style(row + 1, 3, _BASIS)
    known = any(p.counts.get("entrants") is not None for p in summary.programmes)
    b.set(row, 4, summary.entrants if known else "—", _COUNT_FORMAT if known else None)
    b.style(row, 4, _CENTRE)
    for offset, key in enumerate(keys):
        if key == "satisfaction":
            _satisfaction_cell(b, row, 5 + offset, summary)
        else:
            _figure_cell(b, row, 5 + offset, summary, key)
    if len(b.rows) < row + 1:
        b.add()


def _satisfaction_cell(b: _Builder, row: int, column: int, summary: Summary) -> None:
    """The three survey marks in one cell (``4,4 · 3,8 · —``) and how many programmes."""
    marks = [summary.pooled[k] for k in MARKS]
    texts = [format_mark(p.value) if p.value is not None else "—" for p in marks]
    b.set(row, column, " · ".join(texts))
    b.style(row, column, _CENTRE)
    used = max(p.rows for p in marks)
    b.set(row + 1, column, f"{used} form." if used else None)
    b.style(row + 1, column, _BASIS)


def _official_cells(
    b: _Builder, row: int, column: int, site: str, official: OfficialFigures
) -> None:
    found = official.site(site)
    latest = found.latest_with("emploi_6") or found.latest if found is not None else None
    if latest is None:
        b.set(row, column, "—")
        b.style(row, column, _CENTRE)
        if not site_uais(b.config, site):
            why = "pas d'UAI"
        elif found is None:
            why = "non importé"
        else:
            why = "non publié"
        b.set(row + 1, column, why)
        b.style(row + 1, column, _BASIS)
        return
    emploi = latest.value("emploi_6")
    va = latest.value("va_emploi_6")
    b.set(row, column, emploi if emploi is not None else "non publié", "0%")
    b.set(row, column + 1, round(va * 100, 6) if va is not None else "non publié", _POINTS_FORMAT)
    b.set(row, column + 2, latest.millesime.replace("cumul ", ""))
    for c in range(column, column + 3):
        b.style(row, c, _CENTRE)
    b.set(row + 1, column, f"UAI {latest.uai}")
    b.style(row + 1, column, _BASIS)


def _network_charts(b: _Builder, rows: list[tuple[str, Summary]], session: str) -> None:
    if not rows:
        b.add("Pas de graphique : aucun site n'a encore de chiffres.")
        return
    groups = (
        (
            "Réussite et poursuite d'études (plus haut = mieux)",
            ("presentation", "obtention", "poursuite"),
        ),
        ("Interruptions et ruptures (plus bas = mieux)", ("interruption", "rupture")),
    )
    top = len(b.rows) + 1
    width_cm, height_cm = 13.2, 7.2
    for index, (name, keys) in enumerate(groups):
        lower = index == 1
        column, head, last = b.helper_block(
            ["Site", *(_series_name(k) for k in keys)],
            [[site, *(summary.pooled[k].value for k in keys)] for site, summary in rows],
            _PERCENT,
        )
        anchor_col = 1 if index == 0 else b.anchor_column(width_cm + 0.4)
        b.charts.append(
            ChartSpec(
                title=_titled(name, session),
                anchor=f"{column_letter(anchor_col)}{top}",
                categories=(column, head + 1, last),
                series=tuple((column + 1 + i, head, last) for i in range(len(keys))),
                y_title="",
                percent=True,
                width_cm=width_cm,
                height_cm=height_cm,
                y_max=None if lower else 1.0,  # small rates: a scale they can be read on
                show_values=True,
                colours=PALETTE,
            )
        )
    b.blank(int(height_cm / _ROW_CM) + 1)


def _series_name(key: str) -> str:
    ind = INDICATOR_BY_KEY[key]
    return f"{ind.number} {ind.title}"


# -- 2. official figures ------------------------------------------------------------------------


def _official_block(b: _Builder, statuses: list[SiteStatus], official: OfficialFigures) -> int:
    config = b.config
    b.titles.append(b.add("Chiffres officiels InserJeunes, par établissement"))
    b.note(
        "Publiés par les ministères (InserJeunes) pour l'établissement entier (UAI), toutes "
        "formations de niveau CAP à BTS confondues, deux promotions cumulées par millésime ; "
        "site de diffusion : https://www.inserjeunes.education.gouv.fr/diffusion/accueil. Ce "
        "ne sont pas les taux par formation des feuilles de site, et la valeur ajoutée "
        "officielle (taux d'emploi observé moins taux attendu) n'est pas l'indicateur 9."
    )
    keys = ("emploi_6", "emploi_6_attendu", "va_emploi_6", "poursuite", "emploi_12")
    b.header("Site", "UAI", "Millésime", "", *(FIGURE_BY_KEY[k].short for k in keys), "", "Source")
    trends: list[OfficialSite] = []
    for status in statuses:
        found = official.site(status.name)
        latest = found.latest if found is not None else None
        if latest is None:
            uais = ", ".join(found.uais) if found and found.uais else None
            row = b.add(status.name, uais or ", ".join(site_uais(config, status.name)) or None)
            b.set(row, 3, status_for(status.name, official, config))
            b.style(row, 3, CellStyle(italic=True, colour=GREY_TEXT))
            continue
        row = b.add(status.name, latest.uai, latest.millesime)
        for offset, key in enumerate(keys):
            value = latest.value(key)
            column = 5 + offset
            if value is None:
                b.set(row, column, "non publié")
            elif FIGURE_BY_KEY[key].points:
                b.set(row, column, round(value * 100, 6), _POINTS_FORMAT)
            else:
                b.set(row, column, value, "0%")
            b.style(row, column, _CENTRE)
        source = 5 + len(keys) + 1
        b.set(row, source, f"{latest.file}, ligne {latest.line}")
        b.style(row, source, CellStyle(colour=GREY_TEXT, size=9))
        if found is not None and sum(1 for y in found.years if y.published) >= 2:
            trends.append(found)
    b.blank()
    _trend_charts(b, trends)
    return len(b.rows)


def _trend_charts(b: _Builder, sites: list[OfficialSite]) -> None:
    width_cm, height_cm = 13.2, 6.8
    top = len(b.rows) + 1
    for index, site in enumerate(sites):
        if index % 2 == 0:
            b.room_for(height_cm)
            top = len(b.rows) + 1
        years = [y for y in site.years if y.published]
        column, head, last = b.helper_block(
            ["Millésime", *(FIGURE_BY_KEY[k].short for k in TREND_KEYS)],
            [[y.millesime.replace("cumul ", ""), *(y.value(k) for k in TREND_KEYS)] for y in years],
            "0%",
        )
        anchor_col = 1 if index % 2 == 0 else b.anchor_column(width_cm + 0.4)
        b.charts.append(
            ChartSpec(
                title=f"{site.site} — InserJeunes, évolution par millésime",
                anchor=f"{column_letter(anchor_col)}{top}",
                categories=(column, head + 1, last),
                series=tuple((column + 1 + i, head, last) for i in range(len(TREND_KEYS))),
                percent=True,
                width_cm=width_cm,
                height_cm=height_cm,
                y_max=1.0,
                show_values=True,
                kind="line",
                colours=(NAVY, ORANGE, "548235"),
                value_format="0%",
            )
        )
        if index % 2 == 1 or index == len(sites) - 1:
            b.blank(int(height_cm / _ROW_CM) + 2)


# -- 3. one page per site -----------------------------------------------------------------------

SITE_KEYS = (*HIGHER, *MARKS, *LOWER)  # the dashboard's columns, one to the right
# one chart per indicator, as on the network's own page "INDICATEURS DE PERFORMANCE CFA"
SITE_CHARTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Présentation (1)", ("presentation",)),
    ("Obtention du diplôme (4)", ("obtention",)),
    ("Poursuite d'études (5)", ("poursuite",)),
    ("Interruption en cours (2, plus bas = mieux)", ("interruption",)),
    ("Rupture nette (3, plus bas = mieux)", ("rupture",)),
    ("Satisfaction (6 à 8, note sur 5)", MARKS),
)
_SITE_CHART_W = 11.2  # three across the page


def _cell_value(result: Result, ind: Indicator) -> object:
    if result.outcome in (Outcome.VALUE, Outcome.TYPED) and result.value is not None:
        return round(result.value * 100, 6) if ind.rule is Rule.DIFFERENCE else result.value
    if result.outcome is Outcome.EMPTY:
        return None
    return result.text


def _chart_value(result: Result) -> float | None:
    ok = result.outcome in (Outcome.VALUE, Outcome.TYPED)
    return result.value if ok else None


def _chart_height(programmes: int, series: int) -> float:
    """Horizontal bars: room for each programme's bars and their values (cm)."""
    return max(4.5, 2.0 + 0.45 * programmes * (1 + 0.6 * (series - 1)))


def programme_label(programme: Programme, threshold: int) -> str:
    """The programme's name, marked ``*`` when the cohort is small."""
    entrants = programme.counts.get("entrants")
    small = entrants is not None and 0 < entrants < threshold
    return programme.label + (" *" if small else "")


# A site page lists its programmes and draws one bar per programme: beyond these, the list is
# no longer something a board reads (the site sheet holds every row) and the bars no longer
# something an eye can tell apart, and the sheet would grow with the workbook's rows (the
# first ones are shown, and said to be).
MAX_LISTED = 80
MAX_CHARTED = 40


def _site_block(b: _Builder, site: Summary) -> None:
    config = b.config
    every = [p for p in site.programmes if p.has_data]
    programmes = every[:MAX_LISTED]
    session = sessions(every)
    b.titles.append(b.add(_titled(f"{site.name} — indicateurs par formation", session)))
    b.header("Formation", "Promotion", "Niveau", "Entrants", *(SHORT[k] for k in SITE_KEYS))
    typed = False
    labels = [programme_label(p, config.seuil_petit_effectif) for p in programmes]
    for label, programme in zip(labels, programmes, strict=True):
        row = b.add(label, programme.promotion or None)
        b.set(row, 3, programme.niveau, _COUNT_FORMAT)
        b.set(row, 4, programme.counts.get("entrants"), _COUNT_FORMAT)
        b.style(row, 3, _CENTRE)
        b.style(row, 4, _CENTRE)
        for offset, key in enumerate(SITE_KEYS):
            ind = INDICATOR_BY_KEY[key]
            result = programme.results[key]
            if ind.rule is Rule.DIFFERENCE:
                fmt = _POINTS_FORMAT
            else:
                fmt = _MARK if ind.rule is Rule.MARK else _PERCENT
            value = _cell_value(result, ind)
            b.set(row, 5 + offset, value, fmt)
            was_typed = result.outcome is Outcome.TYPED
            style = _TYPED if was_typed else _CENTRE
            width = b.widths[4 + offset] if 4 + offset < len(b.widths) else 10.0
            if isinstance(value, str) and len(value) > width * 1.1:  # a typed status, whole
                style = CellStyle(align="center", wrap=True, size=9)
                lines = wrapped_lines(value, width * 1.3)
                b.heights[row] = max(b.heights.get(row, 15.0), 12.0 * lines + 3)
            b.style(row, 5 + offset, style)
            typed = typed or was_typed
        if len(label) > b.widths[0] * 1.1:  # a long programme name, whole
            b.style(row, 1, CellStyle(wrap=True))
            lines = wrapped_lines(label, b.widths[0] * 1.15)
            b.heights[row] = max(b.heights.get(row, 15.0), 15.0 * lines)
    notes = [
        f"* moins de {config.seuil_petit_effectif} entrants : un apprenti pèse lourd dans les "
        "taux ; 9 à 11 non exigés."
    ]
    if typed:
        notes.append("En gris italique : taux saisis sans leurs effectifs (effectifs non fournis).")
    if len(every) > len(programmes):
        notes.append(
            f"Les {len(programmes)} premières formations sur {len(every)} : la liste complète "
            f"est sur la feuille « {site.name} »."
        )
    if site.doubles:
        notes.append(
            f"Comptée une seule fois (en double sur la feuille, à corriger) : "
            f"{', '.join(site.doubles[:10])}{' …' if len(site.doubles) > 10 else ''}."
        )
    waiting = [p.label for p in site.programmes if not p.has_data]
    if waiting:
        shown = ", ".join(waiting[:20]) + (
            f" et {len(waiting) - 20} autres" if len(waiting) > 20 else ""
        )
        notes.append(f"Sans chiffres pour l'instant : {shown}.")
    b.note(" ".join(notes))
    b.blank()
    charted = programmes[:MAX_CHARTED]
    charted_labels = labels[:MAX_CHARTED]
    drawn = [
        (name, keys)
        for name, keys in SITE_CHARTS
        if any(_chart_value(p.results[k]) is not None for p in charted for k in keys)
    ]
    top = len(b.rows) + 1
    row_height = 0.0
    first_ones = f" ({len(charted)} premières formations)" if len(every) > len(charted) else ""
    for index, (name, keys) in enumerate(drawn):
        slot = index % 3
        marks = INDICATOR_BY_KEY[keys[0]].rule is Rule.MARK
        if slot == 0:
            row_height = max(
                _chart_height(len(charted), len(k)) for _, k in drawn[index : index + 3]
            )
            b.room_for(row_height)
            top = len(b.rows) + 1
        column, head, last = b.helper_block(
            ["Formation", *(SHORT[k] for k in keys)],
            [
                [label, *(_chart_value(p.results[k]) for k in keys)]
                for label, p in zip(charted_labels, charted, strict=True)
            ],
            _MARK if marks else "0%",
        )
        anchor_col = b.anchor_column(slot * (_SITE_CHART_W + 0.3))
        b.charts.append(
            ChartSpec(
                title=_titled(f"{site.name} — {name}{first_ones}", session),
                anchor=f"{column_letter(anchor_col)}{top}",
                categories=(column, head + 1, last),
                series=tuple((column + 1 + i, head, last) for i in range(len(keys))),
                percent=not marks,
                width_cm=_SITE_CHART_W,
                height_cm=_chart_height(len(charted), len(keys)),
                y_max=5.5 if marks else 1.15,  # room for the value after a full bar
                y_step=1.0 if marks else 0.25,
                show_values=True,
                colours=PALETTE,
                horizontal=True,
                value_format="0.0" if marks else "0%",
            )
        )
        if slot == 2 or index == len(drawn) - 1:
            b.blank(int(row_height / _ROW_CM) + 2)
