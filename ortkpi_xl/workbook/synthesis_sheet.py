"""The ``Synthèse`` sheet: pooled figures per site and for the network, with native charts.

Laid out as plain data (an ``OwnedSheet`` with ``ChartSpec`` charts), so every writer draws the
same sheet. From the top:

- the network table: one row per site and one for the network, each pooled rate beside the
  two sums it is the ratio of, each mark or weighted figure beside the number of rows used, the
  cells still expected (yellow) and the validation errors;
- how each figure is pooled, and what the words mean;
- the network chart (pooled rates 1 to 5 per site);
- per site, its programmes (the figures as on the site sheet, words included) and, like the
  user's page "INDICATEURS DE PERFORMANCE CFA", one bar chart per indicator across them.

Charts read number-only copies of the figures (to the right of each table), because Excel plots
a text cell (NC, En attente…) as 0: a rate that cannot be computed must draw no bar at all.
"""

from __future__ import annotations

from ..config import Config
from ..engine import Outcome
from ..indicators import INDICATOR_BY_KEY, INDICATORS, Indicator, Rule
from ..synthesis import METHOD_NOTES, Method, Programme, Summary, Synthesis, method_of
from .changes import ChartSpec, OwnedSheet

SYNTHESIS_SHEET = "Synthèse"
HEADER_ROW = 4
LABEL_WIDTH, SECOND_WIDTH, FIGURE_WIDTH = 34.0, 13.0, 12.0
_CHART_W, _CHART_H = 16.0, 7.5  # cm
_ROWS_PER_CHART = 17  # 7.5 cm of chart at the default row height (0.53 cm), plus a margin
_COUNT_FORMAT = "0"

# The user's page: one chart per indicator, satisfaction of the three parties together.
SITE_CHARTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Présentation", ("presentation",)),
    ("Interruption en cours", ("interruption",)),
    ("Rupture de contrat", ("rupture",)),
    ("Obtention du diplôme", ("obtention",)),
    ("Poursuite d'études", ("poursuite",)),
    ("Satisfaction des parties prenantes", ("sat_stagiaire", "sat_entreprise", "sat_financeur")),
    ("Insertion dans l'emploi et dans le métier", ("insertion_emploi", "insertion_metier")),
)
CHARTED = tuple(k for _, keys in SITE_CHARTS for k in keys)
RATIO_KEYS = tuple(i.key for i in INDICATORS if i.rule is Rule.RATIO)

_SUM_HEADERS = {
    "presentation": ("Présentés (1)", "Entrants (1)"),
    "interruption": ("Interruptions (2)", "Entrants (2)"),
    "rupture": ("Ruptures nettes (3)", "Entrants (3)"),
    "obtention": ("Reçus (4)", "Présentés (4)"),
    "poursuite": ("Poursuivants (5)", "Répondants ou présentés (5)"),
}


def heading(ind: Indicator) -> str:
    return f"{ind.number} {ind.title}"


def _format(ind: Indicator, config: Config) -> str:
    return getattr(config.formats, ind.format_key)


def _column_cm(width_chars: float) -> float:
    """Excel column width (characters) → centimetres (7 px per character + 5 px, 96 dpi)."""
    return (width_chars * 7 + 5) / 96 * 2.54


class _Builder:
    def __init__(self, config: Config):
        self.config = config
        self.rows: list[list[object]] = []
        self.formats: dict[tuple[int, int], str] = {}
        self.links: dict[tuple[int, int], str] = {}
        self.charts: list[ChartSpec] = []
        self.titles: list[int] = []
        self.subheaders: list[int] = []
        self.widths: list[float] = [LABEL_WIDTH, SECOND_WIDTH]

    def add(self, *cells: object) -> int:
        """Append a row; returns its 1-based number."""
        self.rows.append(list(cells))
        return len(self.rows)

    def set(self, row: int, column: int, value: object, fmt: str | None = None) -> None:
        line = self.rows[row - 1]
        while len(line) < column:
            line.append(None)
        line[column - 1] = value
        if fmt and isinstance(value, (int, float)):
            self.formats[(row, column)] = fmt

    def blank(self, count: int = 1) -> None:
        for _ in range(count):
            self.add()

    def width(self, columns: int) -> None:
        while len(self.widths) < columns:
            self.widths.append(FIGURE_WIDTH)

    def anchor(self, row: int, slot: int) -> str:
        """Top-left cell of the ``slot``-th chart (0 or 1) of a grid row starting at ``row``."""
        if slot == 0:
            return f"A{row}"
        start, column = 0.0, 1
        while start < _CHART_W + 0.4:
            width = self.widths[column - 1] if column <= len(self.widths) else FIGURE_WIDTH
            start += _column_cm(width)
            column += 1
        return f"{_letter(column)}{row}"


def _letter(column: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(column)


def synthesis_sheet(synthesis: Synthesis, config: Config) -> OwnedSheet:
    """The whole ``Synthèse`` sheet for a workbook's sites (empty sites listed too)."""
    b = _Builder(config)
    b.add("Synthèse des indicateurs par site et pour le réseau")
    b.add(
        "Écrite par Recalculer à partir des feuilles de site : ne rien saisir ici, la feuille est "
        "réécrite à chaque calcul."
    )
    b.add(
        "Taux regroupés = total des numérateurs / total des dénominateurs (jamais une moyenne "
        "de taux) ; à côté de chaque taux, les effectifs sur lesquels il repose. Méthodes "
        "détaillées sous le tableau."
    )
    chart_columns = _network_table(b, synthesis)
    b.blank()
    method_row = b.add("Comment lire ce tableau")
    b.titles.append(method_row)
    for method in Method:
        b.add(METHOD_NOTES[method])
    words = config.mots
    b.add(
        f"{words.non_calculable} : aucune formation n'a le chiffre (taux non calculable) ; "
        f"{words.en_attente} : chiffre attendu d'InserJeunes, du certificateur ou de l'enquête ; "
        f"{words.petit_effectif} : promotion de moins de {config.seuil_petit_effectif} entrants, "
        "indicateurs 9 à 11 non exigés."
    )
    b.blank()
    _network_chart(b, synthesis, chart_columns)
    for site in synthesis.sites:
        _site_block(b, site)
    return OwnedSheet(
        SYNTHESIS_SHEET,
        b.rows,
        widths=b.widths,
        header_row=HEADER_ROW,
        links=b.links,
        number_formats=b.formats,
        charts=b.charts,
        title_rows=tuple(b.titles),
        subheader_rows=tuple(b.subheaders),
    )


# -- the network table --------------------------------------------------------------------------


def _network_table(b: _Builder, synthesis: Synthesis) -> dict[str, int]:
    """Sites and network, one row each; returns the number-only rate columns for the chart."""
    config = b.config
    header: list[object] = ["Site", "Formations", "Entrants"]
    for ind in INDICATORS:
        if ind.key in _SUM_HEADERS:
            header += [*_SUM_HEADERS[ind.key], heading(ind)]
        else:
            header += [heading(ind), f"Formations ({ind.number})"]
    header += ["En attente (9 à 11)", "Erreurs", "Avertissements"]
    chart_columns: dict[str, int] = {}
    gap = len(header) + 2
    for offset, key in enumerate(RATIO_KEYS):
        chart_columns[key] = gap + offset
    assert len(b.rows) == HEADER_ROW - 1
    row = b.add(*header)
    for key, column in chart_columns.items():
        b.set(row, column, heading(INDICATOR_BY_KEY[key]))
    b.set(HEADER_ROW - 1, gap, "Valeurs reprises par le graphique du réseau (vide : NC)")
    b.width(max(chart_columns.values()))
    for summary in (*synthesis.sites, synthesis.network):
        row = b.add(summary.name, len(summary.programmes), summary.entrants)
        b.formats[(row, 2)] = b.formats[(row, 3)] = _COUNT_FORMAT
        if summary is not synthesis.network:
            quoted = "'" + summary.name.replace("'", "''") + "'"
            b.links[(row, 1)] = f"{quoted}!A1"
        column = 4
        for ind in INDICATORS:
            pooled = summary.pooled[ind.key]
            value = pooled.value
            shown: object = value if value is not None else config.mots.non_calculable
            if method_of(ind) is Method.RATIO_OF_SUMS:
                b.set(row, column, pooled.numerator, _COUNT_FORMAT)
                b.set(row, column + 1, pooled.denominator, _COUNT_FORMAT)
                b.set(row, column + 2, shown, _format(ind, config))
                column += 3
            else:
                b.set(row, column, shown, _format(ind, config))
                b.set(row, column + 1, pooled.rows, _COUNT_FORMAT)
                column += 2
        for value in (summary.pending, summary.errors, summary.warnings):
            b.set(row, column, value, _COUNT_FORMAT)
            column += 1
        for key, chart_column in chart_columns.items():
            value = summary.pooled[key].value
            b.set(row, chart_column, value, _format(INDICATOR_BY_KEY[key], config))
    return chart_columns


def _network_chart(b: _Builder, synthesis: Synthesis, chart_columns: dict[str, int]) -> None:
    first = HEADER_ROW + 1
    last = HEADER_ROW + len(synthesis.sites) + 1
    has_values = any(
        s.pooled[k].value is not None
        for s in (*synthesis.sites, synthesis.network)
        for k in RATIO_KEYS
    )
    top_value = max(
        (
            s.pooled[k].value or 0.0
            for s in (*synthesis.sites, synthesis.network)
            for k in RATIO_KEYS
        ),
        default=0.0,
    )
    title = b.add("Réseau : taux regroupés par site (indicateurs 1 à 5)")
    b.titles.append(title)
    if not has_values:
        b.add("Pas de graphique : aucun taux calculable pour l'instant.")
        b.blank()
        return
    b.charts.append(
        ChartSpec(
            title="Réseau — taux regroupés par site",
            anchor=f"A{title + 1}",
            categories=(1, first, last),
            series=tuple((chart_columns[k], HEADER_ROW, last) for k in RATIO_KEYS),
            y_title="Taux",
            percent=True,
            width_cm=18.0,
            height_cm=9.0,
            y_max=1.0 if top_value <= 1 else None,
            show_values=False,
        )
    )
    b.blank(21)


# -- one block per site -------------------------------------------------------------------------


def _cell_value(programme: Programme, key: str) -> object:
    result = programme.results[key]
    if result.outcome is Outcome.VALUE:
        return result.value
    if result.outcome is Outcome.EMPTY:
        return None
    return result.text


def _site_block(b: _Builder, site: Summary) -> None:
    config = b.config
    b.blank()
    title = b.add(f"{site.name} — indicateurs par formation")
    b.titles.append(title)
    if not site.programmes:
        b.add("Aucune ligne de formation sur la feuille du site.")
        return
    header: list[object] = ["Formation", "Promotion", "Entrants"]
    header += [heading(ind) for ind in INDICATORS]
    data_start = len(header) + 2
    data_columns = {key: data_start + i for i, key in enumerate(CHARTED)}
    row = b.add(*header)
    b.subheaders.append(row)
    for key, column in data_columns.items():
        b.set(row, column, heading(INDICATOR_BY_KEY[key]))
    header_row = row
    b.set(title, data_start, "Valeurs reprises par les graphiques (vide : pas de chiffre)")
    for programme in site.programmes:
        row = b.add(programme.label, programme.promotion or None)
        b.set(row, 3, programme.counts.get("entrants"), _COUNT_FORMAT)
        for i, ind in enumerate(INDICATORS):
            b.set(row, 4 + i, _cell_value(programme, ind.key), _format(ind, config))
        for key, column in data_columns.items():
            result = programme.results[key]
            value = result.value if result.outcome is Outcome.VALUE else None
            b.set(row, column, value, _format(INDICATOR_BY_KEY[key], config))
    last = row
    drawn: list[tuple[str, tuple[str, ...]]] = []
    skipped: list[str] = []
    for name, keys in SITE_CHARTS:
        if any(p.results[k].outcome is Outcome.VALUE for p in site.programmes for k in keys):
            drawn.append((name, keys))
        else:
            skipped.append(name.lower() if skipped else name)
    if skipped:
        b.add(f"Pas de graphique pour : {', '.join(skipped)} (aucune formation n'a le chiffre).")
    top = len(b.rows) + 2
    for index, (name, keys) in enumerate(drawn):
        grid_row = top + (index // 2) * _ROWS_PER_CHART
        marks = INDICATOR_BY_KEY[keys[0]].rule is Rule.MARK
        top_value = max(
            (p.results[k].value or 0.0 for p in site.programmes for k in keys), default=0.0
        )
        b.charts.append(
            ChartSpec(
                title=f"{site.name} — {name}",
                anchor=b.anchor(grid_row, index % 2),
                categories=(1, header_row + 1, last),
                series=tuple((data_columns[k], header_row, last) for k in keys),
                y_title="Note sur 5" if marks else "Taux",
                percent=not marks,
                width_cm=_CHART_W,
                height_cm=_CHART_H,
                y_max=5.0 if marks else (1.0 if top_value <= 1 else None),
            )
        )
    if drawn:
        b.blank(1 + ((len(drawn) + 1) // 2) * _ROWS_PER_CHART)
