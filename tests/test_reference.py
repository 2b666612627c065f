"""The engine and the ORT_* functions reproduce the published Ecole de Travail figures."""

from __future__ import annotations

import csv

import pytest

from ortkpi_xl import udfs
from ortkpi_xl.engine import Outcome, compute
from ortkpi_xl.formatting import format_percent_points

EXPECTED = {
    "presentation": "attendu_1_presentation",
    "interruption": "attendu_2_interruption",
    "rupture": "attendu_3_rupture",
    "obtention": "attendu_4_obtention",
    "poursuite": "attendu_5_poursuite",
}
COUNTS = (
    "entrants",
    "presentes",
    "interruptions",
    "ruptures",
    "reussis",
    "repondants",
    "poursuivants",
)


def _rows(path):
    with open(path, encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter=";"))


def test_engine_reproduces_every_reference_row(reference_csv):
    rows = _rows(reference_csv)
    assert len(rows) == 13
    columns = {key: [int(r[key]) for r in rows] for key in COUNTS}
    columns["formation"] = [r["formation"] for r in rows]
    result = compute(columns)
    for key, expected_column in EXPECTED.items():
        results = result.results(key)
        assert all(r.outcome is Outcome.VALUE for r in results)
        shown = [format_percent_points(r.value) for r in results]
        assert shown == [r[expected_column] for r in rows], key


@pytest.mark.parametrize(
    "function, numerator, denominator, column",
    [
        (udfs.ORT_TAUX_PRESENTATION, "presentes", "entrants", "attendu_1_presentation"),
        (udfs.ORT_TAUX_INTERRUPTION, "interruptions", "entrants", "attendu_2_interruption"),
        (udfs.ORT_TAUX_RUPTURE, "ruptures", "entrants", "attendu_3_rupture"),
        (udfs.ORT_TAUX_OBTENTION, "reussis", "presentes", "attendu_4_obtention"),
        (udfs.ORT_TAUX_POURSUITE, "poursuivants", "repondants", "attendu_5_poursuite"),
    ],
)
def test_udfs_reproduce_reference_cell_by_cell_and_as_columns(
    reference_csv, function, numerator, denominator, column
):
    rows = _rows(reference_csv)
    # one call per cell, with Excel's floats and xlwings' ndim=2 wrapping
    for r in rows:
        value = function([[float(r[numerator])]], [[float(r[denominator])]])
        assert format_percent_points(value) == r[column]
    # one array call for the whole column
    out = function([[float(r[numerator])] for r in rows], [[float(r[denominator])] for r in rows])
    assert [format_percent_points(line[0]) for line in out] == [r[column] for r in rows]


def test_half_away_from_zero_on_the_reference_cases():
    # 9/16 and 5/16 are the two figures where Python's round() would be wrong.
    assert format_percent_points(9 / 16) == "56,3"
    assert format_percent_points(5 / 16) == "31,3"
    assert round(9 / 16 * 100, 1) == 56.2  # the trap the spec warns about
