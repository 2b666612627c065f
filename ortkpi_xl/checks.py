"""Consistency rules of the spec, applied to computed rows.

The checks read the engine's ``Computation`` (never the cells again) and say, for each problem,
the sheet, the cell and what to do, in French. Cell addresses come from the adapter through
``locate(row, field)``.
"""

from __future__ import annotations

from collections.abc import Callable

from .cells import Reading, State
from .engine import Computation, Outcome
from .fields import FIELD_BY_KEY, FIELDS, REQUIRED_COUNT_KEYS, Kind, programme_name, promotion_key
from .findings import Finding, Severity
from .formatting import format_mark, format_number, format_percent, format_signed_percent
from .normalize import label_key

Locate = Callable[[int, str], "str | None"]

# (rule, smaller field, larger field, severity, noun of smaller, noun of larger, why)
_ORDER_RULES = (
    (
        "presentes_sup_entrants",
        "presentes",
        "entrants",
        Severity.ERREUR,
        "présentés",
        "entrants",
        "le nombre de présentés ne peut pas dépasser le nombre d'entrants",
    ),
    (
        "interruptions_sup_entrants",
        "interruptions",
        "entrants",
        Severity.ERREUR,
        "interruptions",
        "entrants",
        "le nombre d'interruptions ne peut pas dépasser le nombre d'entrants",
    ),
    (
        "ruptures_sup_interruptions",
        "ruptures",
        "interruptions",
        Severity.ERREUR,
        "ruptures nettes",
        "interruptions",
        "une rupture nette est d'abord une interruption : il ne peut y en avoir davantage",
    ),
    (
        "reussis_sup_presentes",
        "reussis",
        "presentes",
        Severity.ERREUR,
        "reçus",
        "présentés",
        "le nombre de reçus ne peut pas dépasser le nombre de présentés",
    ),
    (
        "poursuivants_sup_repondants",
        "poursuivants",
        "repondants",
        Severity.ERREUR,
        "poursuites d'études",
        "répondants",
        "le nombre de poursuites d'études ne peut pas dépasser le nombre de répondants",
    ),
    (
        "repondants_sup_entrants",
        "repondants",
        "entrants",
        Severity.ERREUR,
        "répondants",
        "entrants",
        "le nombre de répondants ne peut pas dépasser le nombre d'entrants",
    ),
)


_COUNT_NOUNS = {
    "entrants": "entrants",
    "presentes": "présentés",
    "interruptions": "interruptions",
    "ruptures": "ruptures nettes",
    "reussis": "reçus",
    "poursuivants": "poursuites",
}


_SINGULAR = {
    "entrants": "entrant",
    "présentés": "présenté",
    "présentés (pas de nombre de répondants)": "présenté (pas de nombre de répondants)",
    "interruptions": "interruption",
    "ruptures nettes": "rupture nette",
    "reçus": "reçu",
    "répondants": "répondant",
    "poursuites d'études": "poursuite d'études",
}


def _counted(number: float, noun: str) -> str:
    """``3 présentés``, ``1 présenté``, ``0 présenté`` (French: singular below 2)."""
    word = _SINGULAR.get(noun, noun) if abs(number) < 2 else noun
    return f"{format_number(number)} {word}"


def _cell(locate: Locate, row: int, key: str) -> str:
    return locate(row, key) or ""


def _prefix(cell: str) -> str:
    return f"{cell} : " if cell else ""


def check_rows(comp: Computation, sheet: str, locate: Locate) -> list[Finding]:
    """Every row-level finding of the spec for the rows of one sheet."""
    findings: list[Finding] = []
    add = findings.append

    # 1. what was typed: unreadable, error values, interpreted text, statuses
    for field in FIELDS:
        if field.computed or field.key not in comp.readings:
            continue
        for row, reading in enumerate(comp.readings[field.key]):
            if reading.state is State.NUMBER and not reading.interpreted:
                continue  # the common case: nothing to say, no address to compute
            if reading.state in _SILENT:
                continue  # never a finding (see _reading_finding): no address either
            finding = _reading_finding(reading, field.key, sheet, _cell(locate, row, field.key))
            if finding:
                add(finding)

    # 2. counts that contradict each other
    for rule, small, large, severity, small_noun, large_noun, why in _ORDER_RULES:
        for row in range(comp.rows):
            a = comp.reading(row, small)
            b = comp.reading(row, large)
            noun = large_noun
            if large == "repondants" and b.missing:  # blank respondents: the presented count
                b, noun = comp.reading(row, "presentes"), "présentés (pas de nombre de répondants)"
            if a.usable and b.usable and a.number > b.number:
                cell = _cell(locate, row, small)
                message = (
                    f"{_prefix(cell)}{_counted(a.number, small_noun)} pour "
                    f"{_counted(b.number, noun)} — {why}."
                )
                add(Finding(severity, sheet, cell, rule, message))
    for row in range(comp.rows):
        p, r, e = (comp.reading(row, k) for k in ("presentes", "ruptures", "entrants"))
        if p.usable and r.usable and e.usable and p.number + r.number > e.number:
            cell = _cell(locate, row, "ruptures")
            add(
                Finding(
                    Severity.AVERTISSEMENT,
                    sheet,
                    cell,
                    "presentes_ruptures_sup_entrants",
                    f"{_prefix(cell)}{_counted(p.number, 'présentés')} + "
                    f"{_counted(r.number, 'ruptures nettes')} dépassent "
                    f"{_counted(e.number, 'entrants')} — vérifiez les effectifs.",
                )
            )

    # 3. counts not typed yet: the rates that need them stay NC (rows whose rates were typed
    # without counts get their own finding, see ``ownership``)
    typed_rows = {
        row
        for key in comp.columns
        for row, result in enumerate(comp.columns[key])
        if result.outcome is Outcome.TYPED
    }
    for row in range(comp.rows):
        if row in typed_rows:
            continue
        missing = [
            k for k in REQUIRED_COUNT_KEYS if k in comp.readings and comp.reading(row, k).missing
        ]
        if missing:
            cell = _cell(locate, row, missing[0])
            name = programme_name(lambda key, row=row: comp.reading(row, key).text)
            what = ", ".join(_COUNT_NOUNS[k] for k in missing)
            add(
                Finding(
                    Severity.AVERTISSEMENT,
                    sheet,
                    cell,
                    "effectifs_manquants",
                    f"{_prefix(cell)}à saisir pour « {name or 'cette ligne'} » : {what} — "
                    "les taux qui en dépendent restent NC.",
                )
            )

    # 4. identification: missing programme, duplicates
    seen: dict[tuple[str, str], int] = {}
    for row in range(comp.rows):
        formation = comp.reading(row, "formation").text or comp.reading(row, "intitule").text
        promotion = comp.reading(row, "promotion").text or ""
        if not formation:
            cell = _cell(locate, row, "formation") or _cell(locate, row, "intitule")
            add(
                Finding(
                    Severity.AVERTISSEMENT,
                    sheet,
                    cell,
                    "formation_manquante",
                    f"{_prefix(cell)}ligne sans nom de formation — indiquez la formation "
                    "pour que les chiffres soient attribués.",
                )
            )
            continue
        key = (label_key(formation, drop_number=False), promotion_key(promotion))
        if key in seen:
            cell = _cell(locate, row, "formation") or _cell(locate, row, "intitule")
            first = _cell(locate, seen[key], "formation") or _cell(locate, seen[key], "intitule")
            add(
                Finding(
                    Severity.ERREUR,
                    sheet,
                    cell,
                    "doublon",
                    f"{_prefix(cell)}« {formation} » {promotion} figure deux fois dans ce "
                    f"tableau (aussi en {first or 'une autre ligne'}) — supprimez le doublon ou "
                    "corrigez la promotion.",
                )
            )
        else:
            seen[key] = row

    return findings


_SILENT = frozenset((State.BLANK, State.TEXT, State.MARKER))  # states _reading_finding passes


def _reading_finding(reading: Reading, key: str, sheet: str, cell: str) -> Finding | None:
    field = FIELD_BY_KEY[key]
    if reading.state is State.INVALID:
        advice = {
            Kind.COUNT: "saisissez un nombre entier positif ou nul",
            Kind.MARK: "saisissez une note de 0 à 5",
            Kind.RATE: "saisissez un taux de 0 à 100 %",
            Kind.LEVEL: "saisissez un niveau de 3 à 8",
        }.get(field.kind, "corrigez la valeur")
        return Finding(
            Severity.ERREUR,
            sheet,
            cell,
            "valeur_illisible",
            f"{_prefix(cell)}{reading.note} dans « {field.label} » — {advice}.",
        )
    if reading.state is State.ERROR:
        return Finding(
            Severity.ERREUR,
            sheet,
            cell,
            "cellule_en_erreur",
            f"{_prefix(cell)}la cellule contient l'erreur {reading.text} — saisissez "
            "la valeur ou videz la cellule.",
        )
    if reading.state is State.NUMBER and reading.doubtful:
        return Finding(
            Severity.AVERTISSEMENT,
            sheet,
            cell,
            "taux_en_points",
            f"{_prefix(cell)}{reading.note} — vérifiez la valeur.",
        )
    if reading.state is State.NUMBER and reading.interpreted:
        return Finding(
            Severity.INFO,
            sheet,
            cell,
            "valeur_interpretee",
            f"{_prefix(cell)}{reading.note} — vérifiez que c'est bien ce qui est voulu.",
        )
    if reading.state is State.STATUS and field.kind is not Kind.TEXT:
        return Finding(
            Severity.INFO,
            sheet,
            cell,
            "statut_saisi",
            f"{_prefix(cell)}statut « {reading.text} » au lieu d'un nombre — les "
            "indicateurs qui en dépendent affichent ce statut.",
        )
    return None


def describe(value: float, kind: Kind) -> str:
    """A figure as French text for messages."""
    if kind is Kind.MARK:
        return format_mark(value)
    if kind is Kind.POINTS:
        return format_signed_percent(value)
    if kind is Kind.RATE:
        return format_percent(value)
    return format_number(value)
