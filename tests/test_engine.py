"""Rules of the spec, one by one, through the engine."""

from __future__ import annotations

import math

import pytest

from ortkpi_xl.config import config_from_mapping
from ortkpi_xl.engine import Outcome, compute


def one(row: dict, key: str, config=None):
    return compute({k: [v] for k, v in row.items()}, config).result(0, key)


def test_zero_denominator_gives_nc_with_reason():
    r = one({"presentes": 0, "entrants": 0}, "presentation")
    assert r.outcome is Outcome.NOT_COMPUTABLE
    assert r.text == "NC"
    assert "égal à 0" in r.note


def test_missing_denominator_is_not_zero():
    r = one({"presentes": 3, "entrants": None}, "presentation")
    assert (r.outcome, r.text) == (Outcome.NOT_COMPUTABLE, "NC")
    assert "manquant" in r.note


def test_missing_numerator_is_not_zero_percent():
    r = one({"presentes": None, "entrants": 12}, "presentation")
    assert r.outcome is Outcome.NOT_COMPUTABLE
    assert r.value is None


@pytest.mark.parametrize(
    "word",
    ["en cours", "en cours d'acquisition", "en cours d'acquistion", "NA", "NC", "  En Cours "],
)
def test_status_word_passes_through(word):
    r = one({"reussis": word, "presentes": 12}, "obtention")
    assert r.outcome is Outcome.STATUS
    assert r.text == " ".join(word.split())
    r = one({"reussis": 3, "presentes": word}, "obtention")
    assert r.outcome is Outcome.STATUS


def test_garbage_text_is_nc_and_explained():
    r = one({"reussis": "beaucoup", "presentes": 12}, "obtention")
    assert r.outcome is Outcome.NOT_COMPUTABLE
    assert "beaucoup" in r.note


def test_error_value_in_input_is_nc():
    r = one({"reussis": "#REF!", "presentes": 12}, "obtention")
    assert r.outcome is Outcome.NOT_COMPUTABLE
    assert "#REF!" in r.note


def test_numbers_typed_as_text_are_read():
    r = one({"reussis": "9", "presentes": " 16 "}, "obtention")
    assert r.value == pytest.approx(9 / 16)


def test_negative_or_fractional_count_is_refused():
    assert one({"reussis": -3, "presentes": 12}, "obtention").outcome is Outcome.NOT_COMPUTABLE
    assert one({"reussis": 2.5, "presentes": 12}, "obtention").outcome is Outcome.NOT_COMPUTABLE


def test_rate_above_100_percent_is_not_capped():
    r = one({"reussis": 18, "presentes": 17}, "obtention")
    assert r.value == pytest.approx(18 / 17)


def test_poursuite_falls_back_to_presentes():
    assert one({"poursuivants": 3, "repondants": None, "presentes": 6}, "poursuite").value == 0.5
    assert one({"poursuivants": 3, "repondants": 4, "presentes": 6}, "poursuite").value == 0.75
    r = one({"poursuivants": 3}, "poursuite")
    assert r.outcome is Outcome.NOT_COMPUTABLE


@pytest.mark.parametrize(
    "emploi, reference, expected",
    [
        (0.82, 0.80, 0.02),
        ("82 %", "80%", 0.02),
        (0.75, 80, -0.05),
        (1.0, 0.8, 0.2),
    ],
)
def test_valeur_ajoutee_in_points(emploi, reference, expected):
    r = one({"insertion_emploi": emploi, "insertion_reference": reference, "entrants": 20}, "va")
    assert r.value == pytest.approx(expected)


def test_small_cohort_not_pending_but_rates_still_computed():
    row = {"entrants": 3, "presentes": 3, "reussis": 3}
    assert one(row, "va").outcome is Outcome.SMALL_COHORT
    assert one(row, "va").text == "Non requis"
    assert one(row, "insertion_emploi").outcome is Outcome.SMALL_COHORT
    assert one(row, "obtention").value == 1.0


def test_small_cohort_threshold_is_configurable():
    config = config_from_mapping({"seuil_petit_effectif": 3})
    assert one({"entrants": 3}, "va", config).outcome is Outcome.PENDING
    assert one({"entrants": 2}, "va", config).outcome is Outcome.SMALL_COHORT


def test_small_cohort_with_a_figure_still_shows_it():
    r = one({"entrants": 5, "insertion_emploi": 0.9, "insertion_reference": 0.8}, "va")
    assert r.value == pytest.approx(0.1)


def test_pending_names_inserjeunes_for_levels_3_to_5():
    r = one({"formation": "BTS MS", "entrants": 25}, "insertion_emploi")
    assert r.outcome is Outcome.PENDING
    assert "InserJeunes" in r.note and "niveau 5" in r.note


def test_pending_names_other_sources_above_level_5():
    r = one({"formation": "5DRH", "niveau": 7, "entrants": 25}, "insertion_emploi")
    assert r.outcome is Outcome.PENDING
    assert "certificateur" in r.note and "ne couvre pas le niveau 7" in r.note


def test_pending_below_inserjeunes_threshold_names_other_sources():
    r = one({"formation": "CAP ELEC", "entrants": 12}, "insertion_emploi")
    assert "20 sortants" in r.note and "certificateur" in r.note


def test_indicator_11_never_comes_from_inserjeunes():
    r = one({"formation": "BTS MS", "entrants": 25}, "insertion_metier")
    assert r.outcome is Outcome.PENDING
    assert "enquête du CFA" in r.note
    assert "InserJeunes ne publie pas" in r.note


def test_va_pending_says_which_figure_is_missing():
    r = one({"formation": "BTS MS", "entrants": 25, "insertion_emploi": 0.8}, "va")
    assert r.outcome is Outcome.PENDING
    assert "certificateur" in r.note and "emploi" not in r.note.split("—")[0].split("du ")[1]


def test_tool_words_in_inputs_count_as_blank():
    r = one({"formation": "BTS MS", "entrants": 25, "insertion_emploi": "En attente"}, "va")
    assert r.outcome is Outcome.PENDING
    r = one({"entrants": 25, "insertion_emploi": "Non requis"}, "insertion_emploi")
    assert r.outcome is Outcome.PENDING


def test_level_inferred_from_formation_code():
    comp = compute(
        {
            "formation": ["CAP MIS", "BAC PRO", "BTS OL 2", "LICENCE MOV", "5DRH"],
            "niveau": [None, None, None, None, 7],
        }
    )
    assert comp.levels == [3, 4, 5, 6, 7]


def test_marks_are_read_and_empty_marks_are_empty():
    comp = compute({"sat_stagiaire": [4.4, "4,4", None, 7]})
    results = comp.results("sat_stagiaire")
    assert results[0].value == 4.4 and results[1].value == 4.4
    assert [r.outcome for r in results[2:]] == [Outcome.EMPTY, Outcome.NOT_COMPUTABLE]


def test_vectorised_over_many_rows():
    n = 10_000
    comp = compute({"presentes": list(range(n)), "entrants": [n] * n})
    values = [r.value for r in comp.results("presentation")]
    assert values[-1] == pytest.approx((n - 1) / n)
    assert not any(math.isinf(v) for v in values)
