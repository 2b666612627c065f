"""The HTML pages: one per site, and an index for the network, written for the public.

A parent or a future apprentice reads, from the top: the site's key figures (what each rests
on), one table with a row per programme and a column per key indicator ("n =" under each
rate), the establishment's official InserJeunes figures and their history, then, folded
(``<details>``), the eleven indicators of each programme, the charts and the definitions.
Programmes are named by their title, codes spelled out; a figure still expected reads « à
venir » in grey, never an internal note; the VA is written in points.

Plain strings built here, every text that comes from a workbook passed through ``html.escape``;
figures turned into text by ``formatting`` (Excel's rounding, French decimal comma). A page is one
self-contained file: its style sheet and its charts are inside it, it loads nothing, runs no
script, and works offline or on any host.
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape

from ..config import Config
from ..engine import Outcome, Result
from ..formatting import excel_round, format_mark, format_number, format_percent
from ..indicators import INDICATOR_BY_KEY, INDICATORS, Indicator, Rule
from ..official import (
    DIFFUSION_URL,
    FIGURE_BY_KEY,
    OfficialFigures,
    OfficialSite,
    OfficialYear,
    site_uais,
)
from ..readiness import plural
from ..synthesis import Method, Pooled, Programme, Summary, count_noun
from .charts import Bar, Line, bar_chart, line_chart
from .names import programme_title
from .style import CSS

INSERJEUNES_URL = DIFFUSION_URL
_MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
_LEVELS = {
    3: "niveau 3 (CAP)",
    4: "niveau 4 (bac)",
    5: "niveau 5 (bac + 2 : BTS…)",
    6: "niveau 6 (bac + 3 : licence, bachelor…)",
    7: "niveau 7 (bac + 5 : master…)",
    8: "niveau 8 (doctorat)",
}
_MILLESIME = re.compile(
    r"(?P<cumul>cumul\s*)?(?P<a>(?:19|20)\d\d)(?:\s*[-_/–]\s*(?P<b>(?:19|20)\d\d))?", re.I
)
_COLOUR = "#1f4e78"
COMING = "à venir"
NOT_TYPED = "effectifs non fournis"
# the key indicators of the summary table, in the order a family asks about them
KEY_COLUMNS = (
    "obtention",
    "presentation",
    "poursuite",
    "insertion_emploi",
    "sat_stagiaire",
    "interruption",
    "rupture",
)
KEY_TITLES = {
    "obtention": "Obtention du diplôme",
    "presentation": "Présentation à l'examen",
    "poursuite": "Poursuite d'études",
    "insertion_emploi": "Emploi à 6 mois",
    "sat_stagiaire": "Satisfaction des apprentis (sur 5)",
    "interruption": "Interruption en cours de formation",
    "rupture": "Rupture de contrat (abandon)",
}
LOWER_IS_BETTER = ("interruption", "rupture")
# how the figures of a whole site are made, in a family's words
HOW_POOLED = (
    "Taux d'un site ou du réseau (1 à 5) : total des apprentis concernés sur le total des "
    "apprentis comptés (par exemple, tous les reçus sur tous les présentés), jamais une "
    "moyenne de taux.",
    "Notes de satisfaction (6 à 8) : moyenne des formations qui ont une note.",
    "Insertion (10, 11) et valeur ajoutée (9) : moyenne des formations qui ont le chiffre, "
    "chacune comptant pour son nombre d'apprentis.",
)


def french_date(day: _dt.date) -> str:
    """``27 novembre 2026``, ``1er mars 2026``."""
    number = "1er" if day.day == 1 else str(day.day)
    return f"{number} {_MONTHS[day.month - 1]} {day.year}"


def slug(text: str) -> str:
    """A file or anchor name from a label: ascii, lower case, hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "site"


def millesime(source: str) -> str:
    """The millésime a Source cell names (``InserJeunes cumul 2023-2024``), or ''."""
    match = _MILLESIME.search(source or "")
    if not match:
        return ""
    years = match["a"] + (f"-{match['b']}" if match["b"] else "")
    return f"cumul {years}" if match["cumul"] else years


def points(fraction: float) -> str:
    """A difference of rates in points: 0.1 → ``+10 points``, -0.12 → ``-12 points``."""
    rounded = excel_round(fraction * 100, 0)
    sign = "+" if rounded > 0 else "-" if rounded < 0 else ""
    count = abs(int(rounded))
    return f"{sign}{count} point{'s' if count > 1 else ''}"


def document(title: str, description: str, body: str) -> str:
    """A whole page: French, viewport for phones, the inlined style sheet, nothing external."""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="fr">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="description" content="{escape(description)}">\n'
        '<meta name="generator" content="ortkpi-xl">\n'
        f"<title>{escape(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        '<a class="saut" href="#contenu">Aller au contenu</a>\n'
        f"{body}\n</body>\n</html>\n"
    )


def _figure(text: str) -> str:
    """A figure for HTML: escaped, the space before % unbreakable (``84,2 %`` stays whole)."""
    return escape(text).replace(" %", "&#160;%").replace(" points", "&#160;points")


def figure_text(key: str, value: float) -> str:
    rule = INDICATOR_BY_KEY[key].rule
    if rule is Rule.MARK:
        return format_mark(value)
    if rule is Rule.DIFFERENCE:
        return points(value)
    return format_percent(value)


# -- one result, as a table cell ------------------------------------------------------------


@dataclass(frozen=True)
class Shown:
    """A result as the page shows it: the text, its kind, what it rests on."""

    text: str
    kind: str  # "chiffre", "avenir", "mot", "vide"
    basis: str = ""
    hidden: str = ""  # for screen readers only, when the text is a dash


def shown(p: Programme, key: str, config: Config) -> Shown:
    result: Result = p.results[key]
    ind = INDICATOR_BY_KEY[key]
    if result.outcome is Outcome.VALUE and result.value is not None:
        part = p.parts.get(key)
        basis = ""
        if ind.rule is Rule.RATIO and part is not None:
            basis = f"n = {format_number(part[1])}"
        return Shown(figure_text(key, result.value), "chiffre", basis)
    if result.outcome is Outcome.TYPED and result.value is not None:
        return Shown(figure_text(key, result.value), "chiffre", NOT_TYPED)
    if result.outcome is Outcome.PENDING:
        return Shown(COMING, "avenir")
    if result.outcome is Outcome.SMALL_COHORT:
        return Shown("non requis", "mot")
    if result.outcome is Outcome.STATUS:
        return Shown(" ".join((result.text or "").split()).lower() or "en cours", "mot")
    if result.outcome is Outcome.EMPTY:
        return Shown("—", "vide", hidden="non renseigné")
    return Shown("—", "vide", hidden="non calculable")


def _td(item: Shown) -> str:
    hidden = f'<span class="lecteur"> ({escape(item.hidden)})</span>' if item.hidden else ""
    basis = f'<span class="n">{escape(item.basis)}</span>' if item.basis else ""
    text = _figure(item.text) if item.kind == "chiffre" else escape(item.text)
    dash = ' aria-hidden="true"' if item.hidden else ""
    return f'<td class="{item.kind}"><span{dash}>{text}</span>{hidden}{basis}</td>'


# -- the summary table: programmes in rows, key indicators in columns ----------------------


def _programme_cell(p: Programme, siblings: Sequence[Programme], anchor: str | None) -> str:
    title = escape(programme_title(p, siblings))
    name = f'<a href="#{anchor}">{title}</a>' if anchor else title
    extra = []
    if p.promotion:
        extra.append(escape(p.promotion))
    entrants = p.counts.get("entrants")
    if entrants is not None:
        extra.append(f"{format_number(entrants)} apprenti{'s' if entrants > 1 else ''}")
    return f'<th scope="row">{name}<span class="n">{" · ".join(extra)}</span></th>'


def summary_table(
    programmes: Sequence[Programme],
    config: Config,
    caption: str,
    anchors: Sequence[str | None] | None = None,
) -> str:
    head = "".join(
        f'<th scope="col">{escape(KEY_TITLES[k])} ({INDICATOR_BY_KEY[k].number})'
        + ('<span class="n">plus bas = mieux</span>' if k in LOWER_IS_BETTER else "")
        + "</th>"
        for k in KEY_COLUMNS
    )
    anchors = anchors or [None] * len(programmes)
    rows = []
    for p, anchor in zip(programmes, anchors, strict=True):
        cells = "".join(_td(shown(p, k, config)) for k in KEY_COLUMNS)
        rows.append(f"<tr>{_programme_cell(p, programmes, anchor)}{cells}</tr>")
    return (
        '<div class="defile" role="region" aria-labelledby="resume-c" tabindex="0">'
        f'<table class="resume"><caption id="resume-c">{escape(caption)}</caption>'
        f'<thead><tr><th scope="col">Formation</th>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


# -- the site's key figures -----------------------------------------------------------------


def _pooled_text(pooled: Pooled) -> str:
    value = pooled.value
    assert value is not None
    return figure_text(pooled.key, value)


def _pooled_basis(pooled: Pooled, programmes: int) -> str:
    """``125 reçus sur 140 présentés, 12 formations`` (``sur 13`` when some have none)."""
    rows = plural(pooled.rows, "formation")
    if pooled.rows < programmes:
        rows += f" sur {programmes}"
    ind = pooled.indicator
    if pooled.method is Method.RATIO_OF_SUMS and ind.numerator and ind.denominator:
        den = "presentes" if pooled.fallback_rows == pooled.rows else ind.denominator
        return (
            f"{count_noun(ind.numerator, pooled.numerator)} sur "
            f"{count_noun(den, pooled.denominator)}, {rows}"
        )
    if pooled.method is Method.MEAN:
        return f"moyenne de {rows}"
    return f"{rows}, pondéré par les entrants"


def key_figures(summary: Summary, config: Config, official: OfficialSite | None) -> str:
    """The few figures a family looks for first, each with what it rests on."""
    items = []
    for key in ("obtention", "poursuite", "insertion_emploi", "rupture"):
        pooled = summary.pooled[key]
        title = KEY_TITLES[key]
        published = sum(1 for p in summary.programmes if p.has_data)
        year = official.latest_with("emploi_6") if official is not None else None
        if pooled.value is not None:
            value = _figure(_pooled_text(pooled))
            basis = escape(_pooled_basis(pooled, published))
        elif key == "insertion_emploi" and year is not None:
            emploi = year.value("emploi_6")
            assert emploi is not None
            value = _figure(format_percent(emploi, 0))
            basis = escape(f"chiffre officiel InserJeunes de l'établissement, {year.millesime}")
        else:
            outcomes = {p.results[key].outcome for p in summary.programmes}
            if Outcome.PENDING not in outcomes:
                continue
            value, basis = escape(COMING), "chiffre attendu d'InserJeunes ou de l'enquête"
        items.append(
            f'<li><span class="valeur">{value}</span><span class="intitule">{escape(title)}'
            f'</span><span class="n">{basis}</span></li>'
        )
    if not items:
        return ""
    return f'<ul class="cles">{"".join(items)}</ul>'


# -- the official InserJeunes figures -------------------------------------------------------

OFFICIAL_SHOWN = ("emploi_6", "emploi_6_attendu", "va_emploi_6", "poursuite", "emploi_12")


def _official_value(year: OfficialYear, key: str) -> str:
    value = year.value(key)
    if value is None:
        return "non publié"
    return points(value) if FIGURE_BY_KEY[key].points else format_percent(value, 0)


def official_section(site: str, official: OfficialFigures, config: Config, anchor: str) -> str:
    """The establishment's official figures: the latest millésime, then their history."""
    found = official.site(site)
    latest = found.latest if found is not None else None
    link = f'<a href="{DIFFUSION_URL}">site de diffusion InserJeunes</a>'
    head = (
        f'<section aria-labelledby="{anchor}"><h2 id="{anchor}">Chiffres officiels '
        "InserJeunes de l'établissement</h2>"
    )
    if latest is None:
        uais = site_uais(config, site)
        if not uais:
            text = (
                "Aucun identifiant d'établissement InserJeunes (UAI) n'est renseigné pour ce "
                "site : ses chiffres officiels ne peuvent pas être affichés ici. Ils sont "
                f"consultables sur le {link}."
            )
        elif found is not None and found.years:
            text = (
                f"InserJeunes ne publie pas de chiffres pour cet établissement (UAI "
                f"{escape(', '.join(uais))}) : moins de 20 sortants. Voir le {link}."
            )
        else:
            text = (
                f"Les chiffres officiels de l'établissement (UAI {escape(', '.join(uais))}) "
                f"ne sont pas encore repris ici ; ils sont consultables sur le {link}."
            )
        return f"{head}<p>{text}</p></section>"
    cards = []
    for key in ("emploi_6", "emploi_6_attendu", "va_emploi_6", "poursuite"):
        value = latest.value(key)
        if value is None:
            continue
        figure = FIGURE_BY_KEY[key]
        cards.append(
            f'<li><span class="valeur">{_figure(_official_value(latest, key))}</span>'
            f'<span class="intitule">{escape(figure.label.replace(" (points)", ""))}</span></li>'
        )
    years = [y for y in found.years if y.published] if found else []
    history = _official_history(site, years) if len(years) > 1 else ""
    return (
        f"{head}<p>Millésime {escape(latest.millesime)} (deux promotions de sortants "
        f"cumulées), établissement entier, formations du CAP au BTS — UAI "
        f"{escape(latest.uai)}. Source : {link}.</p>"
        f'<ul class="cles officiels">{"".join(cards)}</ul>'
        '<p class="discret">La valeur ajoutée officielle compare le taux d\'emploi des sortants '
        "à celui attendu pour des établissements comparables (profil des apprentis, "
        "formations, chômage local). Ce n'est pas l'indicateur 9 de nos tableaux, qui compare "
        "une formation au taux moyen de son certificateur.</p>"
        f"{history}</section>"
    )


def _short_millesime(millesime: str) -> str:
    """``cumul 2018-2019`` → ``2018-19`` (room for six on a phone's chart)."""
    match = re.search(r"(\d{4})\s*-\s*\d{2}(\d{2})", millesime)
    return f"{match.group(1)}-{match.group(2)}" if match else millesime.replace("cumul ", "")


def _official_history(site: str, years: Sequence[OfficialYear]) -> str:
    head = "".join(f'<th scope="col">{escape(FIGURE_BY_KEY[k].short)}</th>' for k in OFFICIAL_SHOWN)
    rows = "".join(
        f'<tr><th scope="row">{escape(y.millesime)}</th>'
        + "".join(
            f'<td class="chiffre">{_figure(_official_value(y, k))}</td>' for k in OFFICIAL_SHOWN
        )
        + "</tr>"
        for y in years
    )
    chart_id = f"ij-{slug(site)}"
    lines = [
        Line(
            FIGURE_BY_KEY[k].short,
            [y.value(k) for y in years],
            colour,
            dashed,
        )
        for k, colour, dashed in (
            ("emploi_6", "#1f4e78", False),
            ("emploi_6_attendu", "#b35900", True),
            ("poursuite", "#3d6b1f", False),
        )
    ]
    svg = line_chart(
        chart_id,
        f"Évolution des chiffres officiels InserJeunes — {site}",
        [_short_millesime(y.millesime) for y in years],
        lines,
    )
    return (
        '<h3 class="sous">Évolution par millésime</h3>'
        f'<figure aria-labelledby="{chart_id}-f"><figcaption id="{chart_id}-f">Taux d\'emploi à '
        "6 mois, taux attendu et poursuite d'études, par millésime</figcaption>"
        f"{svg}</figure>"
        f'<div class="defile" role="region" aria-labelledby="{chart_id}-c" tabindex="0">'
        f'<table class="historique"><caption id="{chart_id}-c">Chiffres officiels InserJeunes '
        f"de l'établissement, millésime par millésime</caption>"
        f'<thead><tr><th scope="col">Millésime</th>{head}</tr></thead>'
        f"<tbody>{rows}</tbody></table></div>"
    )


# -- details, folded --------------------------------------------------------------------------


def _basis(p: Programme, ind: Indicator) -> str:
    """What a programme's figure rests on; nothing when there is no figure (the word in the
    result cell says it, and « Comment lire ces tableaux » explains each word once)."""
    result = p.results[ind.key]
    if result.outcome is not Outcome.VALUE:
        return ""
    if ind.rule is Rule.RATE:
        source = p.source.strip()
        return f"Source : {source}" if source else ""
    if ind.rule is Rule.DIFFERENCE and p.reference is not None:
        emploi = p.results["insertion_emploi"].value
        if emploi is not None:
            return (
                f"{format_percent(emploi)} d'insertion − {format_percent(p.reference)} "
                "(taux moyen du certificateur)"
            )
    return p.basis(ind.key) or ""


def _programme_details(
    p: Programme, siblings: Sequence[Programme], anchor: str, config: Config
) -> str:
    title = programme_title(p, siblings)
    meta = []
    if p.promotion:
        meta.append(f"promotion {p.promotion}")
    if p.niveau in _LEVELS:
        meta.append(_LEVELS[p.niveau])
    if p.certificateur:
        meta.append(f"certificateur {p.certificateur}")
    if p.rncp:
        meta.append(f"RNCP {p.rncp}")
    entrants = p.counts.get("entrants")
    if entrants is not None:
        plural_s = "s" if entrants > 1 else ""
        meta.append(f"{format_number(entrants)} apprenti{plural_s} entré{plural_s} en formation")
    note = ""
    if entrants is not None and 0 < entrants < config.seuil_petit_effectif:
        share = format_percent(1 / entrants, 0, strip_zeros=True)
        note = (
            f'<p class="alerte">Petit effectif : un apprenti compte pour {share} des entrants ; '
            "les taux varient beaucoup d'une promotion à l'autre.</p>"
        )
    rows = "".join(
        f'<tr><th scope="row">{ind.number}. {escape(ind.title)}</th>'
        f"{_td(shown(p, ind.key, config))}<td>{escape(_basis(p, ind))}</td></tr>"
        for ind in INDICATORS
    )
    caption = f"Les 11 indicateurs : {title}" + (
        f", promotion {p.promotion}" if p.promotion else ""
    )
    return (
        f'<details class="formation" id="{anchor}"><summary><h3>{escape(title)}'
        f"{escape(f' — {p.promotion}' if p.promotion else '')}</h3></summary>"
        f'<p class="meta">{escape(" · ".join(meta))}</p>{note}'
        f'<div class="defile" role="region" aria-labelledby="{anchor}-c" tabindex="0">'
        f'<table class="fiche"><caption id="{anchor}-c">{escape(caption)}</caption>'
        '<colgroup><col class="c-ind"><col class="c-res"><col class="c-base"></colgroup>'
        '<thead><tr><th scope="col">Indicateur</th><th scope="col">Résultat</th>'
        '<th scope="col">Calculé sur</th></tr></thead>'
        f"<tbody>{rows}</tbody></table></div></details>"
    )


def _labels(programmes: Sequence[Programme]) -> list[str]:
    """Chart labels: the programme's code (or title), with its promotion when ambiguous."""
    names = [p.label for p in programmes]
    return [
        f"{p.label} ({p.promotion})" if names.count(p.label) > 1 and p.promotion else p.label
        for p in programmes
    ]


def _charts(site: str, programmes: Sequence[Programme], config: Config) -> str:
    labels = _labels(programmes)
    figures = []
    for ind in INDICATORS:
        if ind.rule is Rule.DIFFERENCE:
            continue  # a difference in points: in the tables, a bar from 0 would mislead
        if not any(
            p.results[ind.key].outcome in (Outcome.VALUE, Outcome.TYPED) for p in programmes
        ):
            continue
        bars = []
        for label, p in zip(labels, programmes, strict=True):
            result = p.results[ind.key]
            ok = result.outcome in (Outcome.VALUE, Outcome.TYPED)
            bars.append(Bar(label, result.value if ok else None, shown(p, ind.key, config).text))
        marks = ind.rule is Rule.MARK
        title = f"{ind.number}. {ind.title}" + (" (note sur 5)" if marks else "")
        chart_id = f"g-{slug(site)}-{ind.number}"
        svg = bar_chart(
            chart_id, f"{title} — {site}", bars, scale=5.0 if marks else 1.0, colour=_COLOUR
        )
        figures.append(
            f'<figure aria-labelledby="{chart_id}-f"><figcaption id="{chart_id}-f">'
            f"{escape(title)}</figcaption>{svg}</figure>"
        )
    return f'<div class="graphiques">{"".join(figures)}</div>'


def _definitions() -> str:
    items = [
        f"<dt>{ind.number}. {escape(ind.title)}</dt><dd>{escape(ind.definition)}</dd>"
        for ind in INDICATORS
    ]
    return f'<dl class="definitions">{"".join(items)}</dl>'


def _words(config: Config, statuses: Iterable[str]) -> str:
    items = [
        (
            COMING,
            "chiffre pas encore connu (InserJeunes, certificateur ou enquête du CFA auprès "
            "de ses anciens apprentis) : il sera publié dès qu'il sera disponible.",
        ),
        (
            "non requis",
            f"promotion de moins de {config.seuil_petit_effectif} apprentis : les "
            "indicateurs 9 à 11 ne sont pas exigés, un taux sur si peu de personnes ne serait pas "
            "significatif. Les indicateurs 1 à 5 sont donnés, à lire avec prudence.",
        ),
        (
            NOT_TYPED,
            "taux communiqué par le CFA sans le nombre d'apprentis sur lequel il "
            "porte ; il n'entre dans aucun taux regroupé.",
        ),
        ("—", "pas de chiffre : donnée manquante ou nulle, ou pas d'enquête pour cette promotion."),
        (
            "n =",
            "nombre d'apprentis sur lequel le taux est calculé (entrants, présentés à "
            "l'examen ou répondants).",
        ),
    ]
    for status in sorted({s.lower() for s in statuses if s}):
        items.append(
            (
                status,
                "mot donné par le CFA à la place d'un chiffre : le résultat n'est pas "
                "encore connu (par exemple, examen en cours).",
            )
        )
    body = "".join(f"<dt>{escape(w)}</dt><dd>{escape(t)}</dd>" for w, t in items)
    return f'<dl class="definitions">{body}</dl>'


def legal_mention(day: _dt.date) -> str:
    return (
        "<p>Indicateurs publiés en application de l'article L6111-8 du code du travail (loi "
        "n° 2018-771 du 5 septembre 2018 pour la liberté de choisir son avenir professionnel), "
        "qui demande à chaque centre de formation d'apprentis de rendre publics chaque année, "
        "par formation, les taux d'obtention des diplômes, de poursuite d'études, "
        "d'interruption en cours de formation, de rupture des contrats d'apprentissage, "
        "d'insertion professionnelle et la valeur ajoutée de l'établissement ; et de "
        "l'indicateur 2 du référentiel national qualité (Qualiopi).</p>"
        "<p>La « valeur ajoutée » de nos tableaux (indicateur 9) suit la définition du réseau "
        "ORT : taux d'insertion dans l'emploi de la formation moins le taux moyen du "
        "certificateur, en points. Ce n'est pas la valeur ajoutée officielle d'InserJeunes, "
        "calculée pour l'établissement entier (taux d'emploi observé moins taux attendu).</p>"
        f"<p>Page publiée le {french_date(day)}.</p>"
    )


def _folded(anchor: str, title: str, body: str) -> str:
    return (
        f'<section aria-labelledby="{anchor}" class="plie"><details><summary>'
        f'<h2 id="{anchor}">{escape(title)}</h2></summary>{body}</details></section>'
    )


# -- the pages ----------------------------------------------------------------------------------


def site_page(
    summary: Summary,
    config: Config,
    *,
    day: _dt.date,
    uai: tuple[str, ...] = (),
    index_name: str | None = "index.html",
    official: OfficialFigures | None = None,
) -> str:
    """The page a CFA site puts on its website."""
    official = official or OfficialFigures()
    published = [p for p in summary.programmes if p.has_data]
    waiting = [p for p in summary.programmes if not p.has_data]
    anchors = [f"f{i + 1}-{slug(p.label)}" for i, p in enumerate(published)]
    site = escape(summary.name)
    uai_text = f" · UAI {escape(', '.join(uai))}" if uai else ""
    back = f'<p><a href="{index_name}">Tous les sites du réseau ORT</a></p>' if index_name else ""
    entrants = summary.entrants
    header = (
        '<header class="bandeau"><div class="page">'
        f'<p class="surtitre">Réseau ORT · centre de formation d\'apprentis{uai_text}</p>'
        f"<h1>{site} : les résultats de nos formations en apprentissage</h1>"
        f"<p>Publiés le {french_date(day)}.</p>{back}</div></header>"
    )
    found = official.site(summary.name)
    counted = [p for p in published if p.counts.get("entrants") is not None]
    if not counted:
        who = "effectifs non fournis (taux saisis tels quels)"
    else:
        s = "s" if entrants >= 2 else ""
        who = f"{format_number(entrants)} apprenti{s} entré{s} en formation"
        if len(counted) < len(published):
            missing = plural(len(published) - len(counted), "formation")
            who += f" (effectifs non fournis pour {missing})"
    intro = (
        f"<p>{plural(len(published), 'formation')}, {who}. Taux de l'ensemble du site : total "
        "des reçus (ou des présentés…) sur le total des apprentis concernés, jamais une "
        "moyenne de taux.</p>"
    )
    sections = [
        '<section aria-labelledby="essentiel"><h2 id="essentiel">L\'essentiel</h2>'
        + key_figures(summary, config, found)
        + intro
        + "</section>",
        '<section aria-labelledby="formations"><h2 id="formations">Résultats par formation</h2>'
        '<p class="discret">Sous chaque taux, « n = » donne le nombre d\'apprentis sur lequel il '
        "est calculé. Le détail des 11 indicateurs de chaque formation est plus bas.</p>"
        + summary_table(
            published, config, f"Principaux résultats par formation — {summary.name}", anchors
        )
        + (
            "<p>Formations dont les résultats sont à venir : "
            + escape(", ".join(programme_title(p, summary.programmes) for p in waiting))
            + ".</p>"
            if waiting
            else ""
        )
        + "</section>",
        official_section(summary.name, official, config, "officiel"),
        '<section aria-labelledby="detail" class="ecran"><h2 id="detail">Le détail, formation '
        "par formation</h2>"
        + "".join(
            _programme_details(p, summary.programmes, a, config)
            for a, p in zip(anchors, published, strict=True)
        )
        + "</section>",
        _folded(
            "graphiques",
            "Graphiques",
            '<p class="discret">Les mêmes chiffres que dans les tableaux ; une formation sans '
            "chiffre n'a pas de barre.</p>" + _charts(summary.name, published, config),
        ),
        _folded(
            "mots",
            "Comment lire ces tableaux",
            _words(
                config,
                (
                    p.results[i.key].text or ""
                    for p in published
                    for i in INDICATORS
                    if p.results[i.key].outcome is Outcome.STATUS
                ),
            )
            + "".join(f'<p class="discret">{escape(text)}</p>' for text in HOW_POOLED),
        ),
        _folded("definitions", "Définitions des indicateurs", _definitions()),
        f'<section aria-labelledby="mentions"><h2 id="mentions">Mentions légales</h2>'
        f"{legal_mention(day)}</section>",
    ]
    body = (
        header
        + f'<main id="contenu" class="page">{"".join(sections)}</main>'
        + '<footer class="page"><p class="discret">Page produite par ortkpi-xl à partir des '
        f"indicateurs tenus par le CFA, le {french_date(day)}.</p></footer>"
    )
    return document(
        f"Résultats des formations — {summary.name} — CFA ORT",
        f"Indicateurs de résultats des formations en apprentissage de {summary.name} (ORT) : "
        "taux d'obtention, de poursuite d'études, d'interruption, de rupture, d'insertion.",
        body,
    )


@dataclass(frozen=True)
class SiteEntry:
    """A site of the network on the index: its summary and page when it has figures."""

    name: str
    summary: Summary | None = None
    href: str | None = None


def index_page(
    sites: Sequence[SiteEntry],
    network: Summary,
    config: Config,
    *,
    day: _dt.date,
    coverage: str = "",
    official: OfficialFigures | None = None,
) -> str:
    """The network's index: every site, its key figures and its page, or « résultats à venir »."""
    official = official or OfficialFigures()
    keys = ("obtention", "poursuite", "interruption", "rupture")
    head = "".join(
        f'<th scope="col">{escape(KEY_TITLES[k])} ({INDICATOR_BY_KEY[k].number})'
        + ('<span class="n">plus bas = mieux</span>' if k in LOWER_IS_BETTER else "")
        + "</th>"
        for k in keys
    )
    rows = []
    for entry in sites:
        found = official.site(entry.name)
        latest = found.latest_with("emploi_6") if found is not None else None
        emploi = latest.value("emploi_6") if latest is not None else None
        official_cell = (
            f'<td class="chiffre">{_figure(format_percent(emploi, 0))}<span class="n">'
            f"{escape(latest.millesime)}</span></td>"
            if latest is not None and emploi is not None
            else '<td class="vide"><span aria-hidden="true">—</span><span class="lecteur">'
            " (non publié)</span></td>"
        )
        if entry.summary is None or entry.href is None:
            cells = (
                f'<td class="avenir" colspan="{len(keys)}">résultats à venir</td>' + official_cell
            )
            rows.append(f'<tr><th scope="row">{escape(entry.name)}</th>{cells}</tr>')
            continue
        cells = ""
        for key in keys:
            pooled = entry.summary.pooled[key]
            if pooled.value is None:
                cells += _td(Shown(COMING, "avenir"))
            else:
                den = format_number(pooled.denominator)
                cells += _td(Shown(_pooled_text(pooled), "chiffre", f"n = {den}"))
        count = sum(1 for p in entry.summary.programmes if p.has_data)
        rows.append(
            f'<tr><th scope="row"><a href="{escape(entry.href)}">{escape(entry.name)}</a>'
            f'<span class="n">{plural(count, "formation")}</span></th>{cells}{official_cell}</tr>'
        )
    table = (
        '<div class="defile" role="region" aria-labelledby="sites-c" tabindex="0">'
        '<table class="resume"><caption id="sites-c">Principaux résultats de chaque site (toutes '
        "ses formations regroupées)</caption>"
        f'<thead><tr><th scope="col">Site</th>{head}<th scope="col">Emploi à 6 mois '
        "(InserJeunes, établissement)</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )
    network_figures = key_figures(network, config, None)
    body = (
        '<header class="bandeau"><div class="page">'
        '<p class="surtitre">Réseau ORT · centres de formation d\'apprentis</p>'
        "<h1>Nos résultats, site par site</h1>"
        f"<p>Publiés le {french_date(day)}.</p></div></header>"
        '<main id="contenu" class="page">'
        '<section aria-labelledby="sites"><h2 id="sites">Les sites du réseau</h2>'
        f"{table}"
        '<p class="discret">Le détail par formation, avec les 11 indicateurs et les chiffres '
        "officiels InserJeunes de l'établissement, est sur la page de chaque site.</p>"
        "</section>"
        '<section aria-labelledby="reseau"><h2 id="reseau">Ensemble du réseau</h2>'
        + (
            f"<p><strong>Chiffres regroupés sur {escape(coverage)}.</strong></p>"
            if coverage
            else ""
        )
        + network_figures
        + "</section>"
        + _folded("definitions", "Définitions des indicateurs", _definitions())
        + f'<section aria-labelledby="mentions"><h2 id="mentions">Mentions légales</h2>'
        f"{legal_mention(day)}</section></main>"
    )
    return document(
        "Résultats des CFA du réseau ORT",
        "Indicateurs de résultats des centres de formation d'apprentis du réseau ORT.",
        body,
    )
