"""Property tests: any input, no exception, no inf/NaN/error string; consistent rows in [0, 1]."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from ortkpi_xl import udfs
from ortkpi_xl.cells import EXCEL_ERRORS
from ortkpi_xl.engine import Outcome, compute

CELL = st.one_of(
    st.none(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(
        [
            "en cours",
            "en cours d'acquisition",
            "NA",
            "NC",
            "#DIV/0!",
            "#REF!",
            "",
            " ",
            "84,2 %",
            "12",
            "1 234",
            "=A1/0",
            "abc",
            "+ 5%",
            "En attente",
        ]
    ),
    st.text(max_size=12),
    st.booleans(),
)
ARG = st.one_of(CELL, st.lists(st.lists(CELL, min_size=1, max_size=3), min_size=1, max_size=4))

FUNCTIONS2 = [
    udfs.ORT_TAUX_PRESENTATION,
    udfs.ORT_TAUX_INTERRUPTION,
    udfs.ORT_TAUX_RUPTURE,
    udfs.ORT_TAUX_OBTENTION,
    udfs.ORT_TAUX_POURSUITE,
    udfs.ORT_VALEUR_AJOUTEE,
]


def _flat(value):
    if isinstance(value, list):
        for line in value:
            yield from (_flat(line) if isinstance(line, list) else [line])
    else:
        yield value


def _acceptable(value) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, str):
        return value.strip().upper() not in EXCEL_ERRORS and "Traceback" not in value
    return False


@given(st.sampled_from(FUNCTIONS2), ARG, ARG)
def test_udfs_never_raise_nor_return_errors(function, a, b):
    out = function(a, b)
    assert all(_acceptable(v) for v in _flat(out)), out


@given(ARG, ARG, ARG)
def test_explanation_is_always_a_sentence(n, a, b):
    texts = list(_flat(udfs.ORT_EXPLICATION(n, a, b)))
    assert texts and all(isinstance(v, str) and v.strip() and _acceptable(v) for v in texts), texts


ROW_KEYS = [
    "entrants",
    "presentes",
    "interruptions",
    "ruptures",
    "reussis",
    "repondants",
    "poursuivants",
    "insertion_emploi",
    "insertion_reference",
    "sat_stagiaire",
]


@given(st.lists(st.fixed_dictionaries({k: CELL for k in ROW_KEYS}), min_size=1, max_size=8))
def test_engine_never_raises_and_outputs_are_finite(rows):
    comp = compute({k: [r[k] for r in rows] for k in ROW_KEYS})
    for key in comp.columns:
        for result in comp.results(key):
            if result.outcome is Outcome.VALUE:
                assert result.value is not None and math.isfinite(result.value)
            elif result.outcome is not Outcome.EMPTY:
                assert isinstance(result.text, str) and result.text


@st.composite
def consistent_row(draw):
    entrants = draw(st.integers(1, 500))
    interruptions = draw(st.integers(0, entrants))
    ruptures = draw(st.integers(0, interruptions))
    presentes = draw(st.integers(0, entrants))
    reussis = draw(st.integers(0, presentes))
    repondants = draw(st.one_of(st.none(), st.integers(0, entrants)))
    base = presentes if repondants is None else repondants
    poursuivants = draw(st.integers(0, base))
    return dict(
        entrants=entrants,
        interruptions=interruptions,
        ruptures=ruptures,
        presentes=presentes,
        reussis=reussis,
        repondants=repondants,
        poursuivants=poursuivants,
    )


@given(st.lists(consistent_row(), min_size=1, max_size=20))
def test_rates_of_consistent_rows_lie_in_unit_interval(rows):
    comp = compute({k: [float(r[k]) if r[k] is not None else None for r in rows] for k in rows[0]})
    for key in ("presentation", "interruption", "rupture", "obtention", "poursuite"):
        for result in comp.results(key):
            if result.value is not None:
                assert 0.0 <= result.value <= 1.0
