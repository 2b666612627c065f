"""Consistency rules: each names the sheet, the cell, the rule and says what to do."""

from __future__ import annotations

from ortkpi_xl.checks import check_rows
from ortkpi_xl.engine import compute
from ortkpi_xl.findings import Severity, ready_for_submission

COLUMNS = {
    "formation": "A",
    "promotion": "C",
    "entrants": "G",
    "presentes": "H",
    "interruptions": "I",
    "ruptures": "J",
    "reussis": "K",
    "repondants": "L",
    "poursuivants": "M",
    "presentation": "N",
    "obtention": "Q",
    "va": "V",
    "insertion_emploi": "W",
    "insertion_metier": "X",
    "sat_stagiaire": "S",
}


def locate(row: int, key: str):
    column = COLUMNS.get(key)
    return f"{column}{row + 5}" if column else None


def run(rows: list[dict]):
    keys = {k for r in rows for k in r}
    comp = compute({k: [r.get(k) for r in rows] for k in keys}, locate=locate)
    return comp, check_rows(comp, "Ecole de Travail", locate)


GOOD = dict(
    formation="CAP MIS",
    promotion="2023 - 2025",
    entrants=19,
    presentes=16,
    interruptions=3,
    ruptures=3,
    reussis=16,
    repondants=16,
    poursuivants=9,
)


def rules(findings, severity=None):
    return [f.regle for f in findings if severity is None or f.gravite is severity]


def test_consistent_row_has_no_error():
    _, findings = run([GOOD])
    assert ready_for_submission(findings)
    assert rules(findings, Severity.ERREUR) == []


def test_more_passed_than_presented_is_an_error_with_the_spec_message():
    _, findings = run([dict(GOOD, reussis=18, presentes=17)])
    [f] = [f for f in findings if f.regle == "reussis_sup_presentes"]
    assert f.gravite is Severity.ERREUR
    assert (f.feuille, f.cellule) == ("Ecole de Travail", "K5")
    assert f.message == (
        "K5 : 18 reçus pour 17 présentés — le nombre de reçus ne peut pas "
        "dépasser le nombre de présentés."
    )
    assert not ready_for_submission(findings)


def test_each_order_rule():
    cases = {
        "presentes_sup_entrants": dict(presentes=20, reussis=10),
        "interruptions_sup_entrants": dict(interruptions=20, ruptures=0),
        "ruptures_sup_interruptions": dict(ruptures=4),
        "poursuivants_sup_repondants": dict(poursuivants=17),
        "repondants_sup_entrants": dict(repondants=20, poursuivants=1),
    }
    for rule, change in cases.items():
        _, findings = run([dict(GOOD, **change)])
        assert rule in rules(findings, Severity.ERREUR), rule


def test_poursuivants_against_presentes_when_no_respondents():
    _, findings = run([dict(GOOD, repondants=None, poursuivants=17)])
    [f] = [f for f in findings if f.regle == "poursuivants_sup_repondants"]
    assert "présentés" in f.message


def test_presented_plus_ruptures_is_only_a_warning():
    _, findings = run(
        [
            dict(
                GOOD,
                entrants=12,
                presentes=12,
                interruptions=1,
                ruptures=1,
                reussis=10,
                repondants=11,
                poursuivants=8,
            )
        ]
    )
    assert rules(findings, Severity.AVERTISSEMENT) == ["presentes_ruptures_sup_entrants"]
    assert ready_for_submission(findings)


def test_unreadable_values_are_errors_naming_the_cell():
    _, findings = run([dict(GOOD, entrants=-3, reussis="#DIV/0!", sat_stagiaire=7)])
    by_rule = {f.regle: f for f in findings}
    assert by_rule["valeur_illisible"].cellule in ("G5", "S5")
    assert "négatif" in " ".join(f.message for f in findings)
    assert "hors de 0 à 5" in " ".join(f.message for f in findings)
    assert by_rule["cellule_en_erreur"].cellule == "K5"


def test_duplicates_are_errors():
    _, findings = run([GOOD, dict(GOOD, promotion="2023-2025")])
    [f] = [f for f in findings if f.regle == "doublon"]
    assert f.cellule == "A6" and "A5" in f.message


def test_statuses_and_interpretations_are_info():
    _, findings = run([dict(GOOD, reussis="en cours d'acquisition", presentes="16")])
    assert set(rules(findings, Severity.INFO)) >= {"statut_saisi", "valeur_interpretee"}
    assert ready_for_submission(findings)


def test_counts_of_one_or_zero_are_singular():
    _, findings = run([dict(GOOD, repondants=None, presentes=1, reussis=1, poursuivants=4)])
    [f] = [f for f in findings if f.regle == "poursuivants_sup_repondants"]
    assert f.message.startswith(
        "M5 : 4 poursuites d'études pour 1 présenté (pas de nombre de répondants) — "
    )
    _, findings = run([dict(GOOD, presentes=0, reussis=1)])
    [f] = [f for f in findings if f.regle == "reussis_sup_presentes"]
    assert f.message.startswith("K5 : 1 reçu pour 0 présenté — ")
