"""Is the workbook ready to be sent? Per site, and for the pooled figures of the network.

A workbook can pass every consistency check and still not be ready: a site sheet nobody has
filled in, a site of the configuration with no sheet at all, network figures that rest on one
site out of four. This module says so, per site (``complet`` / ``à compléter`` /
``sans chiffres`` / ``pas de feuille``), as findings with a severity, and says what every pooled
figure of the network rests on ("1 site sur 4, 13 formations").

Pure: it reads the site summaries, the findings and the configuration, never a file.

Severities, and why:
- a site sheet without any figure (``site_sans_chiffres``) is an error: the sheet is there to
  be filled in, and the network's figures would be sent without that site;
- a site of the configuration without a sheet (``site_absent``) is a warning: a site often
  keeps its own workbook (``ortkpi-xl synthese`` gathers them), which must not be called
  unready for the other sites; the warning, and the network's coverage, say what is missing;
- network figures resting on part of the network (``reseau_partiel``) are a warning: the
  pooled rates are right for what they rest on, and every one of them says it;
- each site's own status (``site_complet``, ``site_a_completer``) is information: its details
  are the other findings of its sheet.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum

from .config import Config
from .fields import REQUIRED_COUNT_KEYS
from .findings import Finding, Severity
from .normalize import label_key
from .synthesis import NETWORK_NAME, Summary, Synthesis


class SiteState(str, Enum):
    COMPLET = "complet"
    A_COMPLETER = "à compléter"
    SANS_CHIFFRES = "sans chiffres"
    ABSENT = "pas de feuille"


# rule of the finding that carries each state
STATE_RULES = {
    SiteState.COMPLET: "site_complet",
    SiteState.A_COMPLETER: "site_a_completer",
    SiteState.SANS_CHIFFRES: "site_sans_chiffres",
    SiteState.ABSENT: "site_absent",
}
NETWORK_RULES = ("reseau_partiel", "reseau_complet")
READINESS_RULES = frozenset((*STATE_RULES.values(), *NETWORK_RULES))
# the findings that say a site has no figures: they block a transmission of the network, not
# the publication or the consolidation of the sites that have figures
COVERAGE_RULES = frozenset(("site_sans_chiffres", "site_absent", "reseau_partiel"))
_STATE_OF_RULE = {rule: state for state, rule in STATE_RULES.items()}
_SEVERITY = {
    SiteState.COMPLET: Severity.INFO,
    SiteState.A_COMPLETER: Severity.INFO,
    SiteState.SANS_CHIFFRES: Severity.ERREUR,
    SiteState.ABSENT: Severity.AVERTISSEMENT,
}


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """``1 formation``, ``3 formations``, ``0 formation`` (French: 0 and 1 are singular)."""
    word = singular if count <= 1 else (plural_form or singular + "s")
    return f"{count} {word}"


def join_names(names: Sequence[str]) -> str:
    """``A``, ``A et B``, ``A, B et C``."""
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " et " + names[-1]


@dataclass(frozen=True)
class SiteStatus:
    """One site of the network: how far its figures are, and what is left to do."""

    name: str
    state: SiteState
    configured: bool  # named in the configuration (feuilles_sites or sites)
    has_sheet: bool
    listed: int = 0  # programme rows on its sheet
    with_figures: int = 0  # rows with at least one figure (a headcount, a rate, a mark)
    complete: int = 0  # rows with every headcount the rates need
    typed_only: int = 0  # rows whose rates were typed without their headcounts
    errors: int = 0
    warnings: int = 0
    awaited: int = 0  # programme rows still waiting for a figure from outside (9–11)

    @property
    def todo(self) -> str:
        """What is left to do, in French, for a person."""
        if self.state is SiteState.ABSENT:
            return (
                "Ajouter la feuille du site (modèle : ortkpi-xl modele), ou retirer le site de "
                "feuilles_sites dans config.yaml si ce classeur ne le concerne pas."
            )
        if self.state is SiteState.SANS_CHIFFRES:
            if not self.listed:
                return "Aucun tableau de formations reconnu sur la feuille : ajouter l'en-tête."
            return (
                f"Saisir les effectifs de ses {plural(self.listed, 'formation')} "
                "(entrants, présentés, interruptions, ruptures, reçus, poursuites)."
            )
        parts = []
        if self.errors:
            parts.append(f"corriger {plural(self.errors, 'erreur')}")
        missing = self.listed - self.complete
        if missing:
            parts.append(f"compléter les effectifs de {plural(missing, 'formation')}")
        if self.typed_only:
            typed = plural(self.typed_only, "formation")
            parts.append(f"donner les effectifs derrière les taux saisis ({typed})")
        if not parts:
            if self.awaited:
                return (
                    "Rien à saisir pour l'instant ; chiffres extérieurs attendus pour "
                    f"{plural(self.awaited, 'formation')}."
                )
            return "Rien."
        text = "; ".join(parts)
        return text[0].upper() + text[1:] + "."

    def summary(self) -> str:
        """One line: ``Ecole de Travail : complet — 13 formations sur 13 avec leurs effectifs…``."""
        if self.state is SiteState.ABSENT:
            return f"{self.name} : pas de feuille dans ce classeur — {self.todo}"
        counts = (
            f"{self.complete} formation{'s' if self.complete > 1 else ''} sur {self.listed} "
            f"avec tous leurs effectifs ; {plural(self.errors, 'erreur')}, "
            f"{plural(self.warnings, 'avertissement')}, "
            f"{plural(self.awaited, 'formation')} en attente d'un chiffre extérieur"
        )
        if self.state is SiteState.COMPLET:
            return f"{self.name} : complet — {counts}."
        return f"{self.name} : {self.state.value} — {counts}. À faire : {self.todo}"


@dataclass(frozen=True)
class Coverage:
    """What the network's pooled figures rest on."""

    sites: tuple[str, ...]  # every site of the network
    with_figures: tuple[str, ...]  # the sites whose figures are pooled
    programmes: int  # programme rows with figures, all sites together
    listed: int  # programme rows listed, all sites together

    @property
    def complete(self) -> bool:
        return len(self.with_figures) == len(self.sites)

    @property
    def without_figures(self) -> tuple[str, ...]:
        return tuple(s for s in self.sites if s not in self.with_figures)

    def text(self) -> str:
        """``1 site sur 4, 13 formations``."""
        return (
            f"{len(self.with_figures)} site{'s' if len(self.with_figures) > 1 else ''} sur "
            f"{len(self.sites)}, {plural(self.programmes, 'formation')}"
        )


@dataclass(frozen=True)
class Readiness:
    sites: tuple[SiteStatus, ...]  # in the workbook's tab order, then the absent ones
    coverage: Coverage
    findings: tuple[Finding, ...]

    def site(self, name: str) -> SiteStatus | None:
        return next((s for s in self.sites if s.name == name), None)


def _key(name: str) -> str:
    return label_key(name, drop_number=False)


def configured_sites(config: Config) -> list[str]:
    """The network as the configuration names it: ``feuilles_sites``, then ``sites``."""
    names: list[str] = []
    seen: set[str] = set()
    for name in (*config.feuilles_sites, *config.sites):
        key = label_key(name, drop_number=False)
        if key not in seen:
            seen.add(key)
            names.append(name)
    return names


def _awaited_rows(findings: Iterable[Finding], sheet: str) -> int:
    rows = {
        "".join(ch for ch in f.cellule if ch.isdigit())
        for f in findings
        if f.feuille == sheet and f.regle == "en_attente"
    }
    return len(rows)


def _status(
    name: str, summary: Summary | None, has_sheet: bool, configured: bool, findings: list[Finding]
) -> SiteStatus:
    if not has_sheet:
        return SiteStatus(name, SiteState.ABSENT, configured, False)
    own = [f for f in findings if f.feuille == name and f.regle not in READINESS_RULES]
    errors = sum(1 for f in own if f.gravite is Severity.ERREUR)
    warnings = sum(1 for f in own if f.gravite is Severity.AVERTISSEMENT)
    programmes = summary.programmes if summary is not None else ()
    with_figures = sum(1 for p in programmes if p.has_data)
    complete = sum(
        1 for p in programmes if all(p.counts.get(k) is not None for k in REQUIRED_COUNT_KEYS)
    )
    typed_only = sum(1 for p in programmes if p.typed and not p.has_counts)
    if with_figures == 0:
        state = SiteState.SANS_CHIFFRES
    elif errors or complete < len(programmes) or typed_only:
        state = SiteState.A_COMPLETER
    else:
        state = SiteState.COMPLET
    return SiteStatus(
        name,
        state,
        configured,
        True,
        listed=len(programmes),
        with_figures=with_figures,
        complete=complete,
        typed_only=typed_only,
        errors=errors,
        warnings=warnings,
        awaited=_awaited_rows(own, name),
    )


def assess(
    synthesis: Synthesis,
    findings: Iterable[Finding],
    config: Config,
    *,
    sheets: Sequence[str] = (),
) -> Readiness:
    """Each site's status, the network's coverage, and the findings that say them.

    ``synthesis`` holds the sites that have a programme table; ``sheets`` lists every sheet of
    the workbook in tab order (a configured site whose sheet holds no table is "sans
    chiffres", one with no sheet at all is "pas de feuille").
    """
    findings = list(findings)
    configured = configured_sites(config)
    configured_keys = {label_key(n, drop_number=False): n for n in configured}
    summaries = {label_key(s.name, drop_number=False): s for s in synthesis.sites}
    sheet_keys = {label_key(n, drop_number=False): n for n in sheets}
    order: list[tuple[str, Summary | None]] = []
    seen: set[str] = set()
    for name in [*sheets, *(s.name for s in synthesis.sites)]:
        key = label_key(name, drop_number=False)
        if key in seen or (key not in summaries and key not in configured_keys):
            continue
        seen.add(key)
        order.append((name, summaries.get(key)))
    statuses = [
        _status(name, summary, True, _key(name) in configured_keys, findings)
        for name, summary in order
    ]
    for key, name in configured_keys.items():
        if key not in seen and key not in sheet_keys:
            statuses.append(_status(name, None, False, True, findings))
    coverage = Coverage(
        sites=tuple(s.name for s in statuses),
        with_figures=tuple(s.name for s in statuses if s.with_figures),
        programmes=sum(s.with_figures for s in statuses),
        listed=sum(s.listed for s in statuses),
    )
    return Readiness(tuple(statuses), coverage, tuple(_findings(statuses, coverage)))


def _findings(statuses: list[SiteStatus], coverage: Coverage) -> list[Finding]:
    out = []
    for status in statuses:
        rule = STATE_RULES[status.state]
        severity = _SEVERITY[status.state]
        if status.state is SiteState.ABSENT:
            message = (
                f"Pas de feuille « {status.name} » dans ce classeur, alors que la configuration "
                "nomme ce site : ses chiffres manquent au réseau. Ajoutez la feuille du site "
                "(modèle : ortkpi-xl modele), ou retirez-le de feuilles_sites dans config.yaml "
                "si ce classeur ne le concerne pas."
            )
            site_sheets = [s.name for s in statuses if s.has_sheet and not s.configured]
            if site_sheets:
                message += (
                    f" Si la feuille « {site_sheets[0]} » est ce site, donnez-lui ce nom ou "
                    "mettez son nom dans feuilles_sites."
                )
        elif status.state is SiteState.SANS_CHIFFRES:
            if status.listed:
                message = (
                    f"« {status.name} » : aucun effectif ni indicateur saisi pour ses "
                    f"{plural(status.listed, 'formation')} — le réseau sera transmis sans ce "
                    "site. Saisissez ses effectifs, ou, si ce classeur ne porte pas ce site, "
                    "retirez la feuille ou réglez feuilles_sites dans config.yaml."
                )
            else:
                message = (
                    f"« {status.name} » : la feuille existe mais aucun tableau de formations n'y "
                    "est reconnu (ligne d'en-tête « Formation », « Nb candidats entrée en "
                    "formation »…) — le réseau sera transmis sans ce site."
                )
        else:
            message = status.summary()
        out.append(Finding(severity, status.name, "", rule, message))
    if len(coverage.sites) > 1:
        if coverage.complete:
            out.append(
                Finding(
                    Severity.INFO,
                    "Synthèse",
                    "",
                    "reseau_complet",
                    f"{NETWORK_NAME} : chiffres regroupés sur les {len(coverage.sites)} sites, "
                    f"{plural(coverage.programmes, 'formation')}.",
                )
            )
        elif coverage.with_figures:
            missing = coverage.without_figures
            out.append(
                Finding(
                    Severity.AVERTISSEMENT,
                    "Synthèse",
                    "",
                    "reseau_partiel",
                    f"{NETWORK_NAME} : les chiffres regroupés (Synthèse, page web) reposent sur "
                    f"{coverage.text()} ({join_names(coverage.with_figures)}) ; "
                    f"{join_names(missing)} n'{'ont' if len(missing) > 1 else 'a'} pas de "
                    "chiffres. Chaque taux du réseau le dit ; il sera complet quand tous les "
                    "sites auront leurs effectifs.",
                )
            )
    return out


# ---------------------------------------------------------------------------------------------
# reading the status back from findings (Valider's report, the buttons)


def status_findings(findings: Iterable[Finding]) -> list[Finding]:
    """The findings that carry a site's or the network's status, problems first."""
    rank = {
        "site_sans_chiffres": 0,
        "site_absent": 1,
        "site_a_completer": 2,
        "site_complet": 3,
        "reseau_partiel": 4,
        "reseau_complet": 5,
    }
    found = [f for f in findings if f.regle in rank]
    return sorted(found, key=lambda f: rank[f.regle])


def state_of(finding: Finding) -> SiteState | None:
    return _STATE_OF_RULE.get(finding.regle)


def report_lines(findings: Iterable[Finding], order: Sequence[str] = ()) -> list[str]:
    """The per-site block of Valider's report, before any detail (empty without statuses):
    one line per site, in ``order`` (the tab order) when given, sites without a sheet last."""
    found = status_findings(findings)
    if not found:
        return []
    rank = {name: i for i, name in enumerate(order)}
    sites = sorted(
        (f for f in found if f.regle in _STATE_OF_RULE),
        key=lambda f: rank.get(f.feuille, len(rank)),
    )
    lines = ["", "État des sites :"]
    for f in sites:
        state = _STATE_OF_RULE[f.regle]
        lines.append(f"  {f.feuille:<22} {state.value:<14} {_short(f)}")
    lines += [f"  {f.message}" for f in found if f.regle in NETWORK_RULES]
    return lines


def _short(finding: Finding) -> str:
    """The status line's detail: the message without the site's name in front."""
    message = finding.message
    name = finding.feuille
    for prefix in (f"{name} : complet — ", f"{name} : ", f"« {name} » : "):
        if message.startswith(prefix):
            return message[len(prefix) :]
    return message


def detail_findings(findings: Iterable[Finding]) -> list[Finding]:
    """The findings other than the statuses (the statuses are shown in their own block)."""
    return [f for f in findings if f.regle not in READINESS_RULES]


def verdict(findings: Iterable[Finding], order: Sequence[str] = ()) -> str:
    """``prêt pour la transmission`` or why not, in one phrase (never "prêt" with a site
    without figures: those are errors); sites named in ``order`` (tab order) when given."""
    findings = list(findings)
    errors = [f for f in findings if f.gravite is Severity.ERREUR]
    rank = {name: i for i, name in enumerate(order)}
    if not errors:
        absent = sorted(
            (f.feuille for f in findings if f.regle == "site_absent"),
            key=lambda name: rank.get(name, len(rank)),
        )
        if absent:  # ready for what it holds; the network still misses these sites
            return (
                f"prêt pour la transmission de ce classeur ; sans feuille ici : "
                f"{join_names(absent)}"
            )
        return "prêt pour la transmission"
    empty = [f.feuille for f in errors if f.regle in ("site_sans_chiffres", "site_absent")]
    empty.sort(key=lambda name: rank.get(name, len(rank)))
    others = len(errors) - len(empty)
    reasons = []
    if empty:
        reasons.append(
            f"{join_names(empty)} sans chiffres" if len(empty) > 1 else f"{empty[0]} sans chiffres"
        )
    if others:
        reasons.append(f"{plural(others, 'erreur')} à corriger")
    return "pas prêt pour la transmission : " + " ; ".join(reasons)
