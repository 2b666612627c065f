"""The HTML pages: one per site, and an index for the network.

Plain strings built here, every text that comes from a workbook passed through ``html.escape``;
figures turned into text by ``formatting`` (Excel's rounding, French decimal comma). A page is one
self-contained file: its style sheet and its charts are inside it, it loads nothing, runs no
script, and works offline or on any host.
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from collections.abc import Iterable
from html import escape

from ..config import Config
from ..engine import Outcome, Result
from ..formatting import format_number, format_percent
from ..indicators import EXTERNAL_KEYS, INDICATOR_BY_KEY, INDICATORS, Indicator, Rule
from ..synthesis import METHOD_NOTES, Method, Programme, Summary, figure_text, result_text
from .charts import Bar, bar_chart
from .style import CSS

INSERJEUNES_URL = "https://www.inserjeunes.education.gouv.fr/diffusion/accueil"
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
EMPTY_WORD = "Non renseigné"
_COLUMNS = (
    '<colgroup><col class="c-ind"><col class="c-res"><col class="c-base"></colgroup>'
    '<thead><tr><th scope="col">Indicateur</th><th scope="col">Résultat</th>'
    '<th scope="col">Calculé sur</th></tr></thead>'
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


def _programme_title(p: Programme) -> str:
    if p.formation and p.intitule and p.intitule.casefold() != p.formation.casefold():
        return f"{p.formation} — {p.intitule}"
    return p.label


def _cell(result: Result, key: str, config: Config) -> str:
    """The result cell: the figure, or the word, styled so a word never looks like a figure."""
    if result.outcome is Outcome.VALUE:
        return f'<td class="chiffre">{_figure(result_text(result, key, config))}</td>'
    if result.outcome is Outcome.EMPTY:
        return f'<td class="mot">{EMPTY_WORD}</td>'
    css = "mot attente" if result.outcome is Outcome.PENDING else "mot"
    return f'<td class="{css}">{escape(result.text or config.mots.non_calculable)}</td>'


def _basis(p: Programme, ind: Indicator, config: Config) -> str:
    """What the figure rests on, or why there is none, for a family."""
    result = p.results[ind.key]
    if result.outcome is Outcome.VALUE:
        if ind.rule is Rule.RATE:
            source = p.source.strip()
            return f"Source : {source}" if source else "Source non précisée par le CFA"
        return p.basis(ind.key) or ""
    if result.outcome is Outcome.PENDING:
        # the engine's own explanation, which names the source by level and headcount
        return result.note or "Chiffre attendu"
    if result.outcome is Outcome.SMALL_COHORT:
        return f"Moins de {config.seuil_petit_effectif} apprentis : non exigé"
    if result.outcome is Outcome.STATUS:
        return "Résultat pas encore connu"
    if result.outcome is Outcome.NOT_COMPUTABLE:
        return "Donnée manquante ou nulle"
    return ""


def _programme_table(p: Programme, anchor: str, config: Config) -> str:
    caption = f"Indicateurs de {_programme_title(p)}" + (
        f", promotion {p.promotion}" if p.promotion else ""
    )
    rows = []
    for ind in INDICATORS:
        rows.append(
            f'<tr><th scope="row">{ind.number}. {escape(ind.title)}</th>'
            f"{_cell(p.results[ind.key], ind.key, config)}"
            f"<td>{escape(_basis(p, ind, config))}</td></tr>"
        )
    return (
        f'<div class="defile" role="region" aria-labelledby="{anchor}-c" tabindex="0">'
        f'<table class="fiche"><caption id="{anchor}-c">{escape(caption)}</caption>{_COLUMNS}'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def _programme_section(p: Programme, anchor: str, config: Config) -> str:
    meta = []
    if p.promotion:
        meta.append(f"Promotion {p.promotion}")
    if p.niveau in _LEVELS:
        meta.append(_LEVELS[p.niveau])
    if p.certificateur:
        meta.append(f"certificateur {p.certificateur}")
    if p.rncp:
        meta.append(f"RNCP {p.rncp}")
    entrants = p.counts.get("entrants")
    if entrants is not None:
        plural = "s" if entrants > 1 else ""
        meta.append(f"{format_number(entrants)} apprenti{plural} entré{plural} en formation")
    note = ""
    if entrants is not None and 0 < entrants < config.seuil_petit_effectif:
        share = format_percent(1 / entrants, 0, strip_zeros=True)
        note = (
            f'<p class="alerte">Petit effectif : un apprenti compte pour {share} des entrants ; '
            "les taux varient beaucoup d'une promotion à l'autre.</p>"
        )
    return (
        f'<article class="formation" id="{anchor}" aria-labelledby="{anchor}-h">'
        f'<h3 id="{anchor}-h">{escape(_programme_title(p))}</h3>'
        f'<p class="meta">{escape(" · ".join(meta))}</p>{note}'
        f"{_programme_table(p, anchor, config)}</article>"
    )


def _summary_table(
    summary: Summary, config: Config, caption: str, keys: Iterable[str] | None = None
) -> str:
    rows = []
    shown = [INDICATOR_BY_KEY[k] for k in keys] if keys is not None else list(INDICATORS)
    for ind in shown:
        pooled = summary.pooled[ind.key]
        value = pooled.value
        cell = (
            f'<td class="chiffre">{_figure(figure_text(ind.key, value, config))}</td>'
            if value is not None
            else f'<td class="mot">{escape(config.mots.non_calculable)}</td>'
        )
        rows.append(
            f'<tr><th scope="row">{ind.number}. {escape(ind.title)}</th>{cell}'
            f"<td>{escape(pooled.basis())}</td></tr>"
        )
    return (
        f'<div class="defile" role="region" aria-label="{escape(caption)}" tabindex="0">'
        f'<table class="fiche"><caption>{escape(caption)}</caption>{_COLUMNS}'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def _labels(programmes: list[Programme]) -> list[str]:
    """Chart labels: the programme, with its promotion when the name alone is ambiguous."""
    names = [p.label for p in programmes]
    return [
        f"{p.label} ({p.promotion})" if names.count(p.label) > 1 and p.promotion else p.label
        for p in programmes
    ]


def _charts(site: str, programmes: list[Programme], config: Config) -> str:
    labels = _labels(programmes)
    figures = []
    for ind in INDICATORS:
        if ind.rule is Rule.DIFFERENCE:
            continue  # a difference in points: in the tables, a bar from 0 would mislead
        if not any(p.results[ind.key].outcome is Outcome.VALUE for p in programmes):
            continue
        bars = []
        for label, p in zip(labels, programmes, strict=True):
            result = p.results[ind.key]
            value = result.value if result.outcome is Outcome.VALUE else None
            text = result_text(result, ind.key, config) or EMPTY_WORD
            bars.append(Bar(label, value, text))
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
    items = []
    for ind in INDICATORS:
        items.append(f"<dt>{ind.number}. {escape(ind.title)}</dt><dd>{escape(ind.definition)}</dd>")
    return f'<dl class="definitions">{"".join(items)}</dl>'


def _words(config: Config, statuses: Iterable[str]) -> str:
    words = config.mots
    items = [
        (
            words.non_calculable,
            "non calculable : un chiffre nécessaire manque ou vaut zéro (par exemple, aucun "
            "apprenti présenté à l'examen pour un taux d'obtention).",
        ),
        (
            words.petit_effectif,
            f"promotion de moins de {config.seuil_petit_effectif} apprentis : les indicateurs "
            "9 à 11 ne sont pas exigés, un taux sur si peu de personnes ne serait pas "
            "significatif. Les indicateurs 1 à 5 sont donnés, à lire avec prudence.",
        ),
        (
            words.en_attente,
            "chiffre pas encore connu, attendu d'InserJeunes (formations du CAP au BTS), du "
            "certificateur ou de l'enquête du CFA auprès de ses anciens apprentis ; il sera "
            "publié dès qu'il sera disponible.",
        ),
        (EMPTY_WORD, "pas d'enquête de satisfaction pour cette formation et cette promotion."),
    ]
    for status in sorted(set(statuses)):
        items.append(
            (
                status,
                "mot saisi par le CFA à la place d'un chiffre, repris tel quel : le "
                "résultat n'est pas encore connu (par exemple, examen en cours).",
            )
        )
    body = "".join(f"<dt>{escape(w)}</dt><dd>{escape(t)}</dd>" for w, t in items)
    return f'<dl class="definitions">{body}</dl>'


def _sources(site: str, programmes: list[Programme], config: Config) -> str:
    rows = []
    for p in programmes:
        for key in EXTERNAL_KEYS:
            result = p.results[key]
            if result.outcome is not Outcome.VALUE:
                continue
            source = p.source.strip()
            year = millesime(source)
            origin = (source or "source non précisée par le CFA") + (
                f" — millésime {year}" if year else " — millésime non précisé"
            )
            ind = INDICATOR_BY_KEY[key]
            name = p.label + (f" ({p.promotion})" if p.promotion else "")
            rows.append(
                f'<tr><th scope="row">{escape(name)}</th>'
                f"<td>{ind.number}. {escape(ind.title)}</td>"
                f'<td class="chiffre">{_figure(figure_text(key, result.value, config))}</td>'
                f"<td>{escape(origin)}</td></tr>"
            )
    intro = (
        "<p>Les indicateurs 1 à 8 sont calculés par le CFA à partir de ses propres effectifs "
        "et de ses enquêtes. Les indicateurs 9 à 11 viennent de l'extérieur : InserJeunes "
        "(ministères chargés de l'éducation et du travail) pour les formations du CAP au BTS, "
        "sinon le certificateur ou l'enquête du CFA. Les taux officiels sont consultables sur "
        f'<a href="{INSERJEUNES_URL}">le site InserJeunes</a>.</p>'
    )
    if not rows:
        return intro + "<p>Aucun chiffre extérieur n'est encore disponible pour ce site.</p>"
    return (
        intro + '<div class="defile" role="region" aria-labelledby="sources-c" tabindex="0">'
        '<table class="sources">'
        f'<caption id="sources-c">Chiffres extérieurs publiés pour {escape(site)}, avec leur '
        "source et leur millésime</caption>"
        '<thead><tr><th scope="col">Formation</th><th scope="col">Indicateur</th>'
        '<th scope="col">Chiffre</th><th scope="col">Source et millésime</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def _figure(text: str) -> str:
    """A figure for HTML: escaped, the space before % unbreakable (``84,2 %`` stays whole)."""
    return escape(text).replace(" %", "&#160;%")


def legal_mention(day: _dt.date) -> str:
    return (
        "<p>Indicateurs publiés en application de l'article L6111-8 du code du travail (loi "
        "n° 2018-771 du 5 septembre 2018 pour la liberté de choisir son avenir professionnel), "
        "qui demande à chaque centre de formation d'apprentis de rendre publics chaque année, "
        "par formation, les taux d'obtention des diplômes, de poursuite d'études, "
        "d'interruption en cours de formation, de rupture des contrats d'apprentissage, "
        "d'insertion professionnelle et la valeur ajoutée de l'établissement ; et de "
        "l'indicateur 2 du référentiel national qualité (Qualiopi).</p>"
        "<p>La « valeur ajoutée » publiée ici (indicateur 9) suit la définition du réseau ORT : "
        "taux d'insertion dans l'emploi de la formation moins le taux moyen du certificateur. "
        "Ce n'est pas la valeur ajoutée officielle d'InserJeunes, calculée pour l'établissement "
        "entier (taux d'emploi observé moins taux attendu).</p>"
        f"<p>Page publiée le {french_date(day)}.</p>"
    )


def site_page(
    summary: Summary,
    config: Config,
    *,
    day: _dt.date,
    uai: tuple[str, ...] = (),
    index_name: str | None = "index.html",
) -> str:
    """The page a CFA site puts on its website."""
    published = [p for p in summary.programmes if p.has_data]
    waiting = [p for p in summary.programmes if not p.has_data]
    anchors = [f"f{i + 1}-{slug(p.label)}" for i, p in enumerate(published)]
    site = escape(summary.name)
    uai_text = f" · UAI {escape(', '.join(uai))}" if uai else ""
    back = f'<p><a href="{index_name}">Tous les sites du réseau ORT</a></p>' if index_name else ""
    header = (
        '<header class="bandeau"><div class="page">'
        f'<p class="surtitre">Réseau ORT · centre de formation d\'apprentis{uai_text}</p>'
        f"<h1>{site} : nos résultats, formation par formation</h1>"
        f"<p>Indicateurs de résultats publiés le {french_date(day)}.</p>{back}"
        "</div></header>"
    )
    toc = "".join(
        f'<li><a href="#{a}">{escape(_programme_title(p))}'
        f"{escape(f' ({p.promotion})' if p.promotion else '')}</a></li>"
        for a, p in zip(anchors, published, strict=True)
    )
    sections = [
        '<nav class="sommaire" aria-label="Sommaire"><h2 id="sommaire">Sommaire</h2>'
        f'<ul>{toc}<li><a href="#ensemble">Ensemble du site</a></li>'
        '<li><a href="#graphiques">Graphiques</a></li>'
        '<li><a href="#definitions">Définitions des indicateurs</a></li>'
        '<li><a href="#mots">Les mots à la place d\'un chiffre</a></li>'
        '<li><a href="#sources">Sources et millésimes</a></li>'
        '<li><a href="#mentions">Mentions légales</a></li></ul></nav>',
        '<section aria-labelledby="formations"><h2 id="formations">Résultats par formation</h2>'
        '<p class="discret">Pour chaque formation et chaque promotion, les 11 indicateurs et '
        "les effectifs sur lesquels chaque taux est calculé. Les définitions sont plus bas.</p>"
        + "".join(_programme_section(p, a, config) for a, p in zip(anchors, published, strict=True))
        + (
            "<p>Formations sans chiffres publiés à ce jour : "
            + escape(", ".join(_programme_title(p) for p in waiting))
            + ".</p>"
            if waiting
            else ""
        )
        + "</section>",
        '<section aria-labelledby="ensemble"><h2 id="ensemble">Ensemble du site</h2>'
        + _summary_table(
            summary, config, f"Indicateurs de l'ensemble des formations de {summary.name}"
        )
        + "".join(f'<p class="discret">{escape(METHOD_NOTES[m])}</p>' for m in Method)
        + "</section>",
        '<section aria-labelledby="graphiques"><h2 id="graphiques">Graphiques</h2>'
        '<p class="discret">Les mêmes chiffres que dans les tableaux ; une formation sans '
        "chiffre n'a pas de barre.</p>" + _charts(summary.name, published, config) + "</section>",
        '<section aria-labelledby="definitions"><h2 id="definitions">Définitions des '
        f"indicateurs</h2>{_definitions()}</section>",
        '<section aria-labelledby="mots"><h2 id="mots">Les mots à la place d\'un chiffre</h2>'
        + _words(
            config,
            (
                p.results[i.key].text or ""
                for p in published
                for i in INDICATORS
                if p.results[i.key].outcome is Outcome.STATUS
            ),
        )
        + "</section>",
        '<section aria-labelledby="sources"><h2 id="sources">Sources et millésimes</h2>'
        + _sources(summary.name, published, config)
        + "</section>",
        f'<section aria-labelledby="mentions"><h2 id="mentions">Mentions légales</h2>'
        f"{legal_mention(day)}</section>",
    ]
    body = (
        header
        + f'<main id="contenu" class="page">{"".join(sections)}</main>'
        + '<footer class="page"><p class="discret">Page produite par ortkpi-xl à partir du '
        f"classeur des indicateurs du CFA, le {french_date(day)}.</p></footer>"
    )
    return document(
        f"Résultats des formations — {summary.name} — CFA ORT",
        f"Indicateurs de résultats des formations en apprentissage de {summary.name} (ORT) : "
        "taux d'obtention, de poursuite d'études, d'interruption, de rupture, d'insertion.",
        body,
    )


def index_page(
    sites: list[tuple[Summary, str]], network: Summary, config: Config, *, day: _dt.date
) -> str:
    """The network's index: per site, its pooled key figures and a link to its page."""
    keys = ("presentation", "interruption", "rupture", "obtention", "poursuite")
    cards = []
    for summary, href in sites:
        count = sum(1 for p in summary.programmes if p.has_data)
        anchor = f"s-{slug(summary.name)}"
        cards.append(
            f'<article class="formation" aria-labelledby="{anchor}">'
            f'<h3 id="{anchor}"><a href="{escape(href)}">{escape(summary.name)}</a></h3>'
            f'<p class="meta">{count} formation{"s" if count > 1 else ""} · '
            f"{format_number(summary.entrants)} apprentis entrés en formation · "
            f'<a href="{escape(href)}">tous les résultats, formation par formation</a></p>'
            + _summary_table(summary, config, f"Indicateurs regroupés de {summary.name}", keys)
            + "</article>"
        )
    body = (
        '<header class="bandeau"><div class="page">'
        '<p class="surtitre">Réseau ORT · centres de formation d\'apprentis</p>'
        "<h1>Nos résultats, site par site</h1>"
        f"<p>Indicateurs de résultats publiés le {french_date(day)}.</p></div></header>"
        '<main id="contenu" class="page">'
        '<section aria-labelledby="sites"><h2 id="sites">Les sites</h2>'
        '<p class="discret">Pour chaque site, les taux de toutes ses formations regroupés '
        "(total des numérateurs sur total des dénominateurs). Le détail par formation, avec "
        "les 11 indicateurs, est sur la page de chaque site.</p>" + "".join(cards) + "</section>"
        '<section aria-labelledby="reseau"><h2 id="reseau">Ensemble du réseau</h2>'
        + _summary_table(network, config, f"Indicateurs regroupés : {network.name}")
        + "".join(f'<p class="discret">{escape(METHOD_NOTES[m])}</p>' for m in Method)
        + "</section>"
        '<section aria-labelledby="definitions"><h2 id="definitions">Définitions des '
        f"indicateurs</h2>{_definitions()}</section>"
        f'<section aria-labelledby="mentions"><h2 id="mentions">Mentions légales</h2>'
        f"{legal_mention(day)}</section></main>"
    )
    return document(
        "Résultats des CFA du réseau ORT",
        "Indicateurs de résultats des centres de formation d'apprentis du réseau ORT.",
        body,
    )
