"""Pooled figures per site and network: ratios of sums, marks with their counts, the VA."""

from __future__ import annotations

import pytest

from ortkpi_xl.config import default_config
from ortkpi_xl.engine import compute
from ortkpi_xl.findings import Finding, Severity
from ortkpi_xl.synthesis import Method, SiteTable, summarize

CONFIG = default_config()


def table(site: str, **columns) -> SiteTable:
    return SiteTable(site, compute(columns, CONFIG))


def test_pooled_rate_is_the_ratio_of_sums_not_the_average_of_rates():
    site = table(
        "Lyon",
        formation=["Petite", "Grande", "En cours"],
        entrants=[3, 40, 10],
        presentes=[3, 20, "en cours"],
    )
    pooled = summarize([site]).site("Lyon").pooled["presentation"]
    assert pooled.method is Method.RATIO_OF_SUMS
    # 3/3 = 100 % and 20/40 = 50 %: their average is 75 %, the pooled rate 23/43 = 53,5 %
    assert (pooled.numerator, pooled.denominator, pooled.rows) == (23, 43, 2)
    assert pooled.value == pytest.approx(23 / 43)
    assert pooled.value != pytest.approx(0.75)
    assert pooled.text(CONFIG) == "53,5 %"
    assert pooled.basis() == "23 présentés sur 43 entrants, 2 formations"


def test_the_network_pools_rows_not_site_rates():
    a = table("A", formation=["x"], entrants=[10], presentes=[10])  # 100 %
    b = table("B", formation=["y", "z"], entrants=[30, 60], presentes=[15, 30])  # 50 %
    synthesis = summarize([a, b])
    network = synthesis.network.pooled["presentation"]
    assert network.value == pytest.approx(55 / 100)  # not (100 % + 50 %) / 2
    assert [s.name for s in synthesis.sites] == ["A", "B"]
    assert synthesis.network.name == "Réseau ORT"
    assert synthesis.network.entrants == 100


def test_rounding_of_pooled_text_is_excel_rounding():
    site = table("S", formation=["a", "b"], presentes=[8, 8], reussis=[4, 5])
    pooled = summarize([site]).network.pooled["obtention"]
    assert pooled.value == pytest.approx(9 / 16)
    assert pooled.text(CONFIG) == "56,3 %"  # Python's round() would say 56,2


def test_poursuite_uses_presentes_where_repondants_are_blank():
    site = table(
        "S",
        formation=["a", "b"],
        presentes=[10, 20],
        repondants=[None, 5],
        poursuivants=[4, 5],
    )
    pooled = summarize([site]).network.pooled["poursuite"]
    assert (pooled.numerator, pooled.denominator, pooled.fallback_rows) == (9, 15, 1)
    assert pooled.basis() == "9 poursuivants sur 15 répondants ou présentés, 2 formations"
    [first, _] = summarize([site]).network.programmes
    assert first.basis("poursuite") == "4 poursuivants sur 10 présentés"


def test_marks_are_averaged_over_the_rows_that_have_one_with_the_count():
    site = table("S", formation=["a", "b", "c"], sat_stagiaire=[4, None, "3,5"])
    pooled = summarize([site]).network.pooled["sat_stagiaire"]
    assert pooled.method is Method.MEAN
    assert pooled.value == pytest.approx(3.75)
    assert pooled.rows == 2
    assert pooled.text(CONFIG) == "3,8"
    assert pooled.basis() == "moyenne de 2 formations"
    assert summarize([site]).network.pooled["sat_financeur"].text(CONFIG) == "NC"


def test_va_is_the_entrant_weighted_average_of_the_rows_va():
    site = table(
        "S",
        formation=["a", "b", "petite"],
        entrants=[20, 60, 5],
        insertion_emploi=[0.8, 0.5, 0.9],
        insertion_reference=[0.7, 0.6, 0.1],
    )
    pooled = summarize([site]).network.pooled["va"]
    assert pooled.method is Method.WEIGHTED
    # (+10 points × 20 − 10 points × 60) / 80 = −5 points; the small cohort counts too (its VA
    # is given), with its 5 entrants: (2 − 6 + 4) / 85 = 0
    assert pooled.value == pytest.approx((0.1 * 20 - 0.1 * 60 + 0.8 * 5) / 85)
    emploi = summarize([site]).network.pooled["insertion_emploi"].value
    reference = (0.7 * 20 + 0.6 * 60 + 0.1 * 5) / 85
    assert pooled.value == pytest.approx(emploi - reference)  # weighted rate − weighted reference
    assert pooled.text(CONFIG) == "0 %"


def test_pending_cells_and_findings_are_counted_per_site():
    a = table("A", formation=["x", "y"], entrants=[30, 4])  # 9-11 pending for x only
    b = table("B", formation=["z"], entrants=[25], insertion_emploi=[0.8])
    findings = [
        Finding(Severity.ERREUR, "A", "G5", "r", "m"),
        Finding(Severity.ERREUR, "A", "G6", "r", "m"),
        Finding(Severity.AVERTISSEMENT, "B", "G5", "r", "m"),
        Finding(Severity.ERREUR, "Notes", "B2", "cellule_en_erreur", "m"),
    ]
    synthesis = summarize([a, b], findings)
    assert (synthesis.site("A").pending, synthesis.site("B").pending) == (3, 2)
    assert (synthesis.site("A").errors, synthesis.site("B").errors) == (2, 0)
    assert synthesis.site("B").warnings == 1
    assert synthesis.network.pending == 5
    assert synthesis.network.errors == 3  # the whole workbook, other sheets included


def test_columns_the_sheet_does_not_show_are_not_pending():
    comp = compute({"formation": ["x"], "entrants": [30]}, CONFIG)
    synthesis = summarize([SiteTable("A", comp, frozenset({"va", "insertion_emploi"}))])
    assert synthesis.site("A").pending == 2


def test_two_tables_of_one_site_make_one_summary():
    a1 = table("A", formation=["x"], entrants=[10], presentes=[5])
    a2 = table("A", formation=["y"], entrants=[10], presentes=[10])
    synthesis = summarize([a1, a2])
    assert len(synthesis.sites) == 1
    assert synthesis.site("A").pooled["presentation"].value == pytest.approx(0.75)
    assert [p.label for p in synthesis.site("A").programmes] == ["x", "y"]


def test_a_programme_typed_twice_is_counted_once_and_named():
    """The checks call it an error (« doublon »); until it is corrected, the pooled figures
    do not count its apprentices twice, and the Synthèse says which row was left out."""
    lyon = table(
        "ORT Lyon",
        formation=["BAC COM", "BAC COM", "BTS MCO"],
        promotion=["2023 - 2025", "2023-2025", "2023 - 2025"],
        entrants=[14, 14, 20],
        presentes=[12, 12, 18],
    )
    summary = summarize([lyon]).site("ORT Lyon")
    assert summary.entrants == 34
    assert summary.pooled["presentation"].denominator == 34
    assert summary.doubles == ("BAC COM 2023-2025",)
    # two promotions of one programme are two cohorts, both counted
    two = table("ORT Lyon", formation=["BAC COM"] * 2, promotion=["2023-2025", "2024-2026"],
                entrants=[14, 10], presentes=[12, 9])  # fmt: skip
    assert summarize([two]).site("ORT Lyon").entrants == 24
