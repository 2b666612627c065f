"""The eleven indicators of the spec, each defined once.

Everything that shows, computes, checks or explains an indicator (the engine, the ORT_*
functions, the workbook, the validator, the reports) reads it from ``INDICATORS``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from .fields import FIELD_BY_KEY, Field


class Rule(str, Enum):
    RATIO = "ratio"  # numerator / denominator, computed by the tool
    DIFFERENCE = "difference"  # minuend − subtrahend, in points, computed by the tool
    MARK = "note"  # survey mark typed by staff
    RATE = "taux"  # rate typed by staff or imported (InserJeunes, certificateur)


@dataclass(frozen=True)
class Indicator:
    number: int
    key: str  # the column (field) that shows it
    title: str  # short French name for reports and charts
    rule: Rule
    format_key: str  # key of the number format in the configuration
    definition: str  # French definition for the Lisez-moi sheet and the publication
    numerator: str | None = None  # RATIO: numerator field; DIFFERENCE: the minuend
    denominator: str | None = None  # RATIO: denominator field; DIFFERENCE: the subtrahend
    fallback_denominator: str | None = None  # used when the denominator cell is blank
    external: bool = False  # the figure comes from outside (InserJeunes, survey): may be pending

    @property
    def field(self) -> Field:
        return FIELD_BY_KEY[self.key]

    @property
    def label(self) -> str:
        """Canonical header label of the column."""
        return self.field.label

    @property
    def computed(self) -> bool:
        return self.rule in (Rule.RATIO, Rule.DIFFERENCE)

    @property
    def inputs(self) -> tuple[str, ...]:
        return tuple(k for k in (self.numerator, self.denominator, self.fallback_denominator) if k)


INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        1,
        "presentation",
        "Taux de présentation",
        Rule.RATIO,
        "taux",
        "Part des apprentis entrés en formation qui se sont présentés à l'examen "
        "(présentés / entrants).",
        numerator="presentes",
        denominator="entrants",
    ),
    Indicator(
        2,
        "interruption",
        "Taux d'interruption en cours",
        Rule.RATIO,
        "taux",
        "Ou taux de rupture brut : proportion d'alternants ayant rompu leur contrat avant la "
        "date de fin prévue, qu'un autre contrat ait été signé ensuite ou non "
        "(interruptions / entrants).",
        numerator="interruptions",
        denominator="entrants",
    ),
    Indicator(
        3,
        "rupture",
        "Taux de rupture net ou d'abandon",
        Rule.RATIO,
        "taux",
        "Proportion d'alternants ayant rompu leur contrat sans avoir obtenu leur diplôme et "
        "sans reprendre un contrat d'alternance dans les 180 jours (ruptures nettes / entrants).",
        numerator="ruptures",
        denominator="entrants",
    ),
    Indicator(
        4,
        "obtention",
        "Taux d'obtention",
        Rule.RATIO,
        "taux",
        "Nombre d'apprenants ayant obtenu leur certification sur le nombre de présents à "
        "l'examen (reçus / présentés).",
        numerator="reussis",
        denominator="presentes",
    ),
    Indicator(
        5,
        "poursuite",
        "Taux de poursuite d'études",
        Rule.RATIO,
        "taux",
        "Part des répondants à l'enquête qui poursuivent leurs études (poursuivants / "
        "répondants ; sans nombre de répondants, les présentés à l'examen).",
        numerator="poursuivants",
        denominator="repondants",
        fallback_denominator="presentes",
    ),
    Indicator(
        6,
        "sat_stagiaire",
        "Satisfaction des apprentis",
        Rule.MARK,
        "note",
        "Note moyenne sur 5 donnée par les apprentis à l'enquête de satisfaction.",
    ),
    Indicator(
        7,
        "sat_entreprise",
        "Satisfaction des entreprises",
        Rule.MARK,
        "note",
        "Note moyenne sur 5 donnée par les entreprises d'accueil.",
    ),
    Indicator(
        8,
        "sat_financeur",
        "Satisfaction des financeurs",
        Rule.MARK,
        "note",
        "Note moyenne sur 5 donnée par les financeurs (OPCO…).",
    ),
    Indicator(
        9,
        "va",
        "Valeur ajoutée (écart au certificateur)",
        Rule.DIFFERENCE,
        "valeur_ajoutee",
        "Définition ORT : taux d'insertion global dans l'emploi des apprentis d'ORT moins le "
        "taux moyen atteint par le certificateur, en points (82 % − 80 % = +2 %). Ce n'est pas "
        "la « valeur ajoutée » officielle d'InserJeunes, calculée par établissement (taux "
        "d'emploi observé moins taux attendu).",
        numerator="insertion_emploi",
        denominator="insertion_reference",
        external=True,
    ),
    Indicator(
        10,
        "insertion_emploi",
        "Taux d'insertion dans l'emploi",
        Rule.RATE,
        "taux",
        "Part des sortants en emploi salarié six mois après la fin de la formation "
        "(InserJeunes pour les niveaux CAP à BTS, sinon le certificateur ou l'enquête).",
        external=True,
    ),
    Indicator(
        11,
        "insertion_metier",
        "Taux d'insertion dans le métier",
        Rule.RATE,
        "taux",
        "Part des sortants en emploi dans le métier préparé (enquête du CFA ; InserJeunes ne "
        "publie pas cet indicateur).",
        external=True,
    ),
)

INDICATOR_BY_NUMBER: dict[int, Indicator] = {i.number: i for i in INDICATORS}
INDICATOR_BY_KEY: dict[str, Indicator] = {i.key: i for i in INDICATORS}
EXTERNAL_KEYS = tuple(i.key for i in INDICATORS if i.external)  # 9, 10, 11: may be pending
