"""Readiness: per site, and for the network's pooled figures — never "prêt" with a site empty."""

from __future__ import annotations

from ortkpi_xl.config import config_from_mapping, default_config
from ortkpi_xl.engine import compute
from ortkpi_xl.findings import Finding, Severity
from ortkpi_xl.readiness import (
    SiteState,
    assess,
    report_lines,
    verdict,
)
from ortkpi_xl.synthesis import SiteTable, summarize

FULL = dict(
    formation=["CAP MIS", "BTS MS"],
    promotion=["2023 - 2025", "2023 - 2025"],
    entrants=[19, 16],
    presentes=[16, 11],
    interruptions=[3, 5],
    ruptures=[3, 0],
    reussis=[16, 7],
    poursuivants=[9, 4],
)
EMPTY = dict(formation=["BTS OL 2", "BTS PI 2", "LICENCE MOV"], promotion=["2023 - 2025"] * 3)


def table(site: str, rows: dict, config=None) -> SiteTable:
    return SiteTable(site, compute(rows, config or default_config()), frozenset(rows))


def test_template_like_workbook_is_not_ready_and_says_which_sites_are_empty():
    config = default_config()
    tables = [
        table("Ecole de Travail", FULL),
        table("ORT Marseille", EMPTY),
        table("ORT Lyon", EMPTY),
        table("ORT Toulouse", EMPTY),
    ]
    readiness = assess(
        summarize(tables), [], config, sheets=["Lisez-moi", *(t.site for t in tables)]
    )
    states = {s.name: s.state for s in readiness.sites}
    assert states == {
        "Ecole de Travail": SiteState.COMPLET,
        "ORT Marseille": SiteState.SANS_CHIFFRES,
        "ORT Lyon": SiteState.SANS_CHIFFRES,
        "ORT Toulouse": SiteState.SANS_CHIFFRES,
    }
    assert [s.name for s in readiness.sites][0] == "Ecole de Travail"  # tab order
    by_rule = {}
    for f in readiness.findings:
        by_rule.setdefault(f.regle, []).append(f)
    assert [f.feuille for f in by_rule["site_sans_chiffres"]] == [
        "ORT Marseille",
        "ORT Lyon",
        "ORT Toulouse",
    ]
    assert all(f.gravite is Severity.ERREUR for f in by_rule["site_sans_chiffres"])
    assert "3 formations" in by_rule["site_sans_chiffres"][0].message
    (partial,) = by_rule["reseau_partiel"]
    assert partial.gravite is Severity.AVERTISSEMENT
    assert "1 site sur 4, 2 formations" in partial.message
    assert readiness.coverage.text() == "1 site sur 4, 2 formations"
    said = verdict(readiness.findings, order=[s.name for s in readiness.sites])
    assert said.startswith("pas prêt")
    assert "ORT Marseille, ORT Lyon et ORT Toulouse sans chiffres" in said


def test_a_configured_site_without_a_sheet_is_a_warning_with_the_way_out():
    config = default_config()
    readiness = assess(
        summarize([table("Ecole de Travail", FULL)]), [], config, sheets=["Ecole de Travail"]
    )
    absent = [f for f in readiness.findings if f.regle == "site_absent"]
    assert [f.feuille for f in absent] == ["ORT Marseille", "ORT Lyon", "ORT Toulouse"]
    # a site often keeps its own workbook: not unready for the others, but said
    assert all(f.gravite is Severity.AVERTISSEMENT for f in absent)
    assert "feuilles_sites" in absent[0].message and "config.yaml" in absent[0].message
    assert verdict(readiness.findings, config.feuilles_sites) == (
        "prêt pour la transmission de ce classeur ; sans feuille ici : ORT Marseille, ORT Lyon "
        "et ORT Toulouse"
    )
    assert {s.name: s.has_sheet for s in readiness.sites}["ORT Lyon"] is False


def test_a_sheet_named_a_little_differently_is_the_configured_site():
    config = default_config()
    tables = [table(n, FULL) for n in ("ECOLE DE TRAVAIL ", "ort marseille", "ORT Lyon")]
    tables.append(table("ORT  Toulouse", FULL))
    readiness = assess(summarize(tables), [], config, sheets=[t.site for t in tables])
    assert not [f for f in readiness.findings if f.regle == "site_absent"]
    assert readiness.coverage.complete
    assert verdict(readiness.findings) == "prêt pour la transmission"


def test_a_site_with_missing_counts_or_errors_is_to_be_completed():
    partial = dict(FULL, reussis=[16, None])
    findings = [
        Finding(Severity.ERREUR, "ORT Lyon", "K6", "reussis_sup_presentes", "K6 : …"),
    ]
    tables = [table("Ecole de Travail", partial), table("ORT Lyon", FULL)]
    one = config_from_mapping({"feuilles_sites": ["Ecole de Travail", "ORT Lyon"], "sites": {}})
    readiness = assess(summarize(tables, findings), findings, one, sheets=["Ecole de Travail"])
    site = {s.name: s for s in readiness.sites}
    assert site["Ecole de Travail"].state is SiteState.A_COMPLETER
    assert site["Ecole de Travail"].complete == 1 and site["Ecole de Travail"].listed == 2
    assert "compléter les effectifs de 1 formation" in site["Ecole de Travail"].todo.lower()
    assert site["ORT Lyon"].state is SiteState.A_COMPLETER and site["ORT Lyon"].errors == 1
    assert "corriger 1 erreur" in site["ORT Lyon"].todo.lower()
    assert readiness.coverage.complete


def test_one_site_workbook_with_a_one_site_configuration_is_ready():
    one = config_from_mapping({"feuilles_sites": ["ORT Lyon"], "sites": {}})
    readiness = assess(summarize([table("ORT Lyon", FULL)]), [], one, sheets=["ORT Lyon"])
    assert [f.regle for f in readiness.findings] == ["site_complet"]
    assert verdict(readiness.findings) == "prêt pour la transmission"


def test_valider_block_lists_every_site_before_any_detail():
    config = default_config()
    tables = [table("Ecole de Travail", FULL), table("ORT Marseille", EMPTY)]
    readiness = assess(summarize(tables), [], config, sheets=[t.site for t in tables])
    lines = report_lines(readiness.findings)
    assert lines[1] == "État des sites :"
    text = "\n".join(lines)
    for name in ("Ecole de Travail", "ORT Marseille", "ORT Lyon", "ORT Toulouse"):
        assert name in text
    assert "sans chiffres" in text and "pas de feuille" in text and "complet" in text
    assert "1 site sur 4" in text
