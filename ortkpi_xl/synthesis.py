"""Site and network summaries: pooled figures, always shown with what they rest on.

Pure computation over the engine's results (no Excel, no file), shared by the ``Synthèse`` sheet,
the consolidation of the sites' workbooks and the web publication, so the three say the same.

How each indicator is pooled over the programmes of a site (or of the whole network):

- 1 to 5 (rates the tool computes): ratio of sums, Σ numerators / Σ denominators, over the rows
  whose rate is computable — never an average of rates, so a cohort of 3 weighs 3 learners and
  not as much as a cohort of 40.
- 6 to 8 (survey marks): plain average over the rows that have a mark, with their count; the
  workbook holds no number of answers to weight them by.
- 10 and 11 (rates imported without their headcounts): average weighted by each row's entrants,
  over the rows that have the rate and a number of entrants. It is an estimate: InserJeunes'
  denominator (sortants) is not in the workbook.
- 9 (ORT's "valeur ajoutée": insertion rate − the certificateur's average rate, in points): the
  same average weighted by entrants, over the rows that have a VA. Since the VA of a row is a
  difference, this equals the weighted insertion rate minus the weighted reference rate of the
  same rows: how far the site is from what the certificateurs reach with the same mix of
  programmes. It is not InserJeunes' official valeur ajoutée (per establishment, observed −
  expected employment rate).

Every pooled figure is therefore ``numerator / denominator`` of two sums, kept with the number of
rows used, so a reader can always see what it rests on.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from enum import Enum

from .cells import Reading, State
from .config import Config
from .engine import Computation, Outcome, Result
from .fields import COUNT_KEYS, programme_name, promotion_key
from .findings import Finding, Severity
from .formatting import format_mark, format_number, format_percent, format_signed_percent
from .indicators import EXTERNAL_KEYS, INDICATOR_BY_KEY, INDICATORS, Indicator, Rule
from .normalize import label_key

NETWORK_NAME = "Réseau ORT"


class Method(str, Enum):
    """How a pooled figure is made from the rows."""

    RATIO_OF_SUMS = "rapport des sommes"
    MEAN = "moyenne des lignes renseignées"
    WEIGHTED = "moyenne pondérée par les entrants"


def method_of(indicator: Indicator) -> Method:
    if indicator.rule is Rule.RATIO:
        return Method.RATIO_OF_SUMS
    if indicator.rule is Rule.MARK:
        return Method.MEAN
    return Method.WEIGHTED


# What the numerator and the denominator of each ratio count, in French (plural, singular).
_NOUNS = {
    "entrants": ("entrants", "entrant"),
    "presentes": ("présentés", "présenté"),
    "interruptions": ("interruptions", "interruption"),
    "ruptures": ("ruptures nettes", "rupture nette"),
    "reussis": ("reçus", "reçu"),
    "repondants": ("répondants", "répondant"),
    "poursuivants": ("poursuivants", "poursuivant"),
}


def count_noun(key: str, count: float) -> str:
    """``16 présentés``, ``1 reçu``: a headcount with its noun."""
    plural, singular = _NOUNS[key]
    return f"{format_number(count)} {singular if count == 1 else plural}"


@dataclass(frozen=True)
class Pooled:
    """One indicator pooled over several rows: ``numerator / denominator`` of two sums.

    Ratios (1–5): Σ numerators and Σ denominators. Marks (6–8): Σ marks and the number of
    marks. Weighted (9–11): Σ value × entrants and Σ entrants.
    """

    key: str
    method: Method
    numerator: float = 0.0
    denominator: float = 0.0
    rows: int = 0  # rows that carry a figure and were used
    fallback_rows: int = 0  # 5: rows whose denominator is the présentés (no répondants)

    @property
    def indicator(self) -> Indicator:
        return INDICATOR_BY_KEY[self.key]

    @property
    def value(self) -> float | None:
        if self.rows == 0 or self.denominator <= 0:
            return None
        return self.numerator / self.denominator

    def text(self, config: Config) -> str:
        """The figure as French text, or the "not computable" word."""
        return figure_text(self.key, self.value, config)

    def basis(self) -> str:
        """What the figure rests on, in French: ``16 reçus sur 19 présentés``."""
        if self.rows == 0:
            return "aucune formation renseignée"
        rows = f"{self.rows} formation{'s' if self.rows > 1 else ''}"
        ind = self.indicator
        if self.method is Method.RATIO_OF_SUMS:
            assert ind.numerator and ind.denominator
            den_key = "presentes" if self.fallback_rows == self.rows else ind.denominator
            den = count_noun(den_key, self.denominator)
            if 0 < self.fallback_rows < self.rows:
                den += " ou présentés"
            return f"{count_noun(ind.numerator, self.numerator)} sur {den}, {rows}"
        if self.method is Method.MEAN:
            return f"moyenne de {rows}"
        return f"{rows}, pondération par {count_noun('entrants', self.denominator)}"

    def add(self, part: tuple[float, float] | None, *, fallback: bool = False) -> Pooled:
        if part is None:
            return self
        return Pooled(
            self.key,
            self.method,
            self.numerator + part[0],
            self.denominator + part[1],
            self.rows + 1,
            self.fallback_rows + int(fallback),
        )


def figure_text(key: str, value: float | None, config: Config) -> str:
    """A figure of indicator ``key`` as French text (Excel rounding), or the NC word."""
    if value is None:
        return config.mots.non_calculable
    rule = INDICATOR_BY_KEY[key].rule
    if rule is Rule.MARK:
        return format_mark(value)
    if rule is Rule.DIFFERENCE:
        return format_signed_percent(value)
    return format_percent(value)


def result_text(result: Result, key: str, config: Config) -> str:
    """One row's indicator as shown: the figure, or the word (NC, statut, Non requis…)."""
    if result.outcome is Outcome.VALUE and result.value is not None:
        return figure_text(key, result.value, config)
    return result.text or ""


@dataclass(frozen=True)
class Programme:
    """One programme row (formation + promotion) with its results and pooling parts."""

    site: str
    formation: str
    intitule: str
    promotion: str
    rncp: str
    certificateur: str
    niveau: int | None
    source: str
    counts: dict[str, float | None]  # headcount → number (None: blank, status or unreadable)
    results: dict[str, Result]  # indicator key → result
    parts: dict[str, tuple[float, float] | None]  # indicator key → (numerator, denominator)
    fallback: frozenset[str] = frozenset()  # indicators whose denominator was the fallback
    small_cohort: bool = False
    reference: float | None = None  # the certificateur's average rate (the VA's subtrahend)

    @property
    def label(self) -> str:
        """What the programme is called: its code, else its title, else its RNCP number."""
        fields = {"formation": self.formation, "intitule": self.intitule, "rncp": self.rncp}
        return programme_name(fields.get) or "?"

    @property
    def has_data(self) -> bool:
        """Something was typed or computed: a headcount, or a figure of any indicator (a rate
        typed without its headcounts included)."""
        return self.has_counts or any(
            r.outcome in (Outcome.VALUE, Outcome.TYPED) for r in self.results.values()
        )

    @property
    def has_counts(self) -> bool:
        return any(v is not None for v in self.counts.values())

    @property
    def typed(self) -> bool:
        """Some rate was typed without the headcounts behind it (never pooled)."""
        return any(r.outcome is Outcome.TYPED for r in self.results.values())

    def basis(self, key: str) -> str:
        """What this row's figure rests on, in French (``16 reçus sur 16 présentés``)."""
        part = self.parts.get(key)
        ind = INDICATOR_BY_KEY[key]
        if part is None:
            return ""
        if ind.rule is Rule.RATIO:
            assert ind.numerator and ind.denominator
            den_key = "presentes" if key in self.fallback else ind.denominator
            return f"{count_noun(ind.numerator, part[0])} sur {count_noun(den_key, part[1])}"
        if ind.rule is Rule.MARK:
            return "note sur 5, enquête de satisfaction"
        if ind.rule is Rule.DIFFERENCE and self.reference is not None:
            emploi = self.results["insertion_emploi"].value
            if emploi is not None:
                return (
                    f"{format_percent(emploi)} d'insertion − {format_percent(self.reference)} "
                    "(taux moyen du certificateur)"
                )
        entrants = self.counts.get("entrants")
        return count_noun("entrants", entrants) if entrants is not None else ""


@dataclass(frozen=True)
class Summary:
    """A site (or the network): its programmes, pooled figures, pending cells and errors."""

    name: str
    programmes: tuple[Programme, ...]
    pooled: dict[str, Pooled]
    pending: int = 0  # cells of 9–11 still expected (yellow)
    errors: int = 0  # validation findings of severity "erreur"
    warnings: int = 0
    doubles: tuple[str, ...] = ()  # rows left out: a programme and promotion already counted

    @property
    def entrants(self) -> float:
        return sum(p.counts.get("entrants") or 0 for p in self.programmes)

    @property
    def has_data(self) -> bool:
        return any(p.has_data for p in self.programmes)


@dataclass(frozen=True)
class Synthesis:
    sites: tuple[Summary, ...]
    network: Summary

    def site(self, name: str) -> Summary:
        return next(s for s in self.sites if s.name == name)


@dataclass(frozen=True)
class SiteTable:
    """One programme table of a site, as computed by the engine."""

    site: str
    computation: Computation
    columns: Collection[str] | None = None  # indicator keys the sheet shows; None: all


def _text(reading: Reading) -> str:
    if reading.state is State.NUMBER and reading.number is not None:
        return format_number(reading.number)
    return " ".join((reading.text or "").split())


def _number(reading: Reading) -> float | None:
    return reading.number if reading.state is State.NUMBER else None


def programmes(table: SiteTable, doubles: list[str] | None = None) -> list[Programme]:
    """The rows of one table as ``Programme`` objects, with their pooling parts. A row that
    repeats the Formation and promotion of another (the checks' « doublon », an error) is
    left out, so nothing is counted twice; its label goes into ``doubles``."""
    comp = table.computation
    out = []
    seen: set[tuple[str, str]] = set()
    for row in range(comp.rows):
        counts = {k: _number(comp.reading(row, k)) for k in COUNT_KEYS}
        results = {ind.key: comp.result(row, ind.key) for ind in INDICATORS}
        parts: dict[str, tuple[float, float] | None] = {}
        fallback: set[str] = set()
        entrants = counts["entrants"]
        for ind in INDICATORS:
            result = results[ind.key]
            if result.outcome is not Outcome.VALUE or result.value is None:
                parts[ind.key] = None
                continue
            if ind.rule is Rule.RATIO:
                assert ind.numerator and ind.denominator
                den = comp.reading(row, ind.denominator)
                if den.missing and ind.fallback_denominator:
                    den = comp.reading(row, ind.fallback_denominator)
                    fallback.add(ind.key)
                num_value, den_value = _number(comp.reading(row, ind.numerator)), _number(den)
                if num_value is not None and den_value:
                    parts[ind.key] = (num_value, den_value)
                else:
                    parts[ind.key] = None
            elif ind.rule is Rule.MARK:
                parts[ind.key] = (result.value, 1.0)
            elif entrants is not None and entrants > 0:
                parts[ind.key] = (result.value * entrants, entrants)
            else:
                parts[ind.key] = None
        level = comp.levels[row] if row < len(comp.levels) else None
        programme = Programme(
            site=table.site,
            formation=_text(comp.reading(row, "formation")),
            intitule=_text(comp.reading(row, "intitule")),
            promotion=_text(comp.reading(row, "promotion")),
            rncp=_text(comp.reading(row, "rncp")),
            certificateur=_text(comp.reading(row, "certificateur")),
            niveau=level,
            source=_text(comp.reading(row, "source")),
            counts=counts,
            results=results,
            parts=parts,
            fallback=frozenset(fallback),
            small_cohort=bool(comp.small_cohort[row]),
            reference=_number(comp.reading(row, "insertion_reference")),
        )
        # the checks' « doublon »: the Formation column and the full promotion
        key = (
            label_key(programme.formation, drop_number=False),
            promotion_key(programme.promotion),
        )
        if key[0] and key in seen:
            if doubles is not None:
                doubles.append(
                    programme.label + (f" {programme.promotion}" if programme.promotion else "")
                )
            continue
        seen.add(key)
        out.append(programme)
    return out


def pool(rows: Iterable[Programme]) -> dict[str, Pooled]:
    """Every indicator pooled over ``rows`` (see the module docstring for the rules)."""
    # the sums of ``Pooled.add``, in the same order, kept in plain lists (one object per
    # indicator rather than one per row and indicator)
    sums: dict[str, list] = {ind.key: [0.0, 0.0, 0, 0] for ind in INDICATORS}
    for programme in rows:
        for key, part in programme.parts.items():
            total = sums[key]
            if part is None:
                continue
            total[0] += part[0]
            total[1] += part[1]
            total[2] += 1
            total[3] += int(key in programme.fallback)
    return {ind.key: Pooled(ind.key, method_of(ind), *sums[ind.key]) for ind in INDICATORS}


def _pending(table: SiteTable) -> int:
    keys = [k for k in EXTERNAL_KEYS if table.columns is None or k in table.columns]
    return sum(table.computation.count(Outcome.PENDING, k) for k in keys)


def summarize(
    tables: Iterable[SiteTable],
    findings: Iterable[Finding] = (),
    *,
    network_name: str = NETWORK_NAME,
) -> Synthesis:
    """Per site (in order of first appearance) and for the whole network.

    ``findings`` are the validation findings of the workbook: each site counts those of its
    sheet; the network counts all of them (including those outside any site sheet).
    """
    findings = list(findings)
    order: list[str] = []
    rows: dict[str, list[Programme]] = {}
    pending: dict[str, int] = {}
    doubles: dict[str, list[str]] = {}
    for table in tables:
        if table.site not in rows:
            order.append(table.site)
            rows[table.site] = []
            pending[table.site] = 0
            doubles[table.site] = []
        rows[table.site] += programmes(table, doubles[table.site])
        pending[table.site] += _pending(table)

    def count(severity: Severity, sheet: str | None) -> int:
        return sum(
            1 for f in findings if f.gravite is severity and (sheet is None or f.feuille == sheet)
        )

    sites = tuple(
        Summary(
            name,
            tuple(rows[name]),
            pool(rows[name]),
            pending[name],
            count(Severity.ERREUR, name),
            count(Severity.AVERTISSEMENT, name),
            tuple(doubles[name]),
        )
        for name in order
    )
    everything = tuple(p for s in sites for p in s.programmes)
    network = Summary(
        network_name,
        everything,
        pool(everything),
        sum(s.pending for s in sites),
        count(Severity.ERREUR, None),
        count(Severity.AVERTISSEMENT, None),
    )
    return Synthesis(sites, network)


def programme_key(programme: Programme) -> tuple[str, str]:
    """Formation (or title, or RNCP) and promotion, compared the way a person reads them."""
    return (label_key(programme.label, drop_number=False), promotion_key(programme.promotion))


METHOD_NOTES: dict[Method, str] = {
    Method.RATIO_OF_SUMS: (
        "Indicateurs 1 à 5 : rapport des sommes (total des numérateurs / total des "
        "dénominateurs des formations dont le taux est calculable), jamais une moyenne de taux."
    ),
    Method.MEAN: (
        "Indicateurs 6 à 8 : moyenne des notes des formations qui en ont une ; le nombre de "
        "formations utilisées est indiqué."
    ),
    Method.WEIGHTED: (
        "Indicateurs 9 à 11 : moyenne des formations qui ont le chiffre, pondérée par leurs "
        "entrants (estimation : le nombre de sortants d'InserJeunes n'est pas dans le "
        "classeur). Pour la valeur ajoutée (définition ORT : taux d'insertion moins taux moyen "
        "du certificateur), c'est le taux d'insertion pondéré moins le taux de référence "
        "pondéré des mêmes formations ; ce n'est pas la valeur ajoutée officielle d'InserJeunes, "
        "calculée par établissement."
    ),
}
