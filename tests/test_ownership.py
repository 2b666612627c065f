"""The person's workbook: what Recalculer may overwrite and what it keeps, cell by cell.

The decision table of the spec (« The person's workbook »), through ``ownership.plan_table``,
the one function Recalculer and Valider share on every path.
"""

from __future__ import annotations

import pytest

from ortkpi_xl.config import default_config
from ortkpi_xl.engine import Outcome, compute
from ortkpi_xl.findings import Severity
from ortkpi_xl.ownership import Action, Owner, Stored, free_inputs, plan_table, shown_text

COLUMNS = {
    "formation": "A",
    "promotion": "C",
    "entrants": "G",
    "presentes": "H",
    "interruptions": "I",
    "ruptures": "J",
    "reussis": "K",
    "poursuivants": "M",
    "presentation": "N",
    "interruption": "O",
    "rupture": "P",
    "obtention": "Q",
    "poursuite": "R",
    "va": "V",
    "insertion_emploi": "W",
    "insertion_metier": "X",
    "insertion_reference": "Y",
}
GOOD = dict(
    formation="CAP MIS",
    promotion="2023 - 2025",
    entrants=19,
    presentes=16,
    interruptions=3,
    ruptures=3,
    reussis=16,
    poursuivants=9,
)
NO_COUNTS = dict(formation="BTS OL 2", promotion="2023-2025")


def locate(row: int, key: str):
    column = COLUMNS.get(key)
    return f"{column}{row + 5}" if column else None


def plan(rows: list[dict], stored: dict[str, list[Stored]], *, validating=False):
    config = default_config()
    keys = {k for r in rows for k in r}
    columns = {k: [r.get(k) for r in rows] for k in keys}
    full = {k: v + [Stored(None)] * (len(rows) - len(v)) for k, v in stored.items()}
    for key in ("insertion_emploi", "insertion_metier", "insertion_reference"):
        if key in keys:  # the cells of 10, 11 and the reference hold what the rows say
            full.setdefault(key, [Stored(r.get(key)) for r in rows])
    for key in ("presentation", "obtention", "va", "insertion_emploi", "insertion_metier"):
        full.setdefault(key, [Stored(None)] * len(rows))
    inputs = free_inputs(columns, full, config)
    comp = compute(inputs, config, locate=locate)
    return plan_table(comp, full, "Site", locate, config, validating=validating)


def one(plan_, key, row=0):
    return plan_.decisions[key][row]


def test_empty_cell_with_counts_gets_the_figure():
    p = plan([GOOD], {})
    d = one(p, "presentation")
    assert (d.action, d.owner) == (Action.WRITE, Owner.EMPTY)
    assert d.value == pytest.approx(16 / 19) and d.number_format == "0.0%"


def test_a_persons_figure_with_no_counts_is_kept_and_reported_once_per_row():
    p = plan(
        [NO_COUNTS],
        {
            "presentation": [Stored(1.0, number_format="0.0%")],
            "obtention": [Stored(0.417, number_format="0.0%")],
        },
    )
    for key in ("presentation", "obtention"):
        d = one(p, key)
        assert d.action is Action.KEEP and d.shown.outcome is Outcome.TYPED
    assert p.shown.result(0, "obtention").value == pytest.approx(0.417)
    typed = [f for f in p.findings if f.regle == "taux_saisi_sans_effectifs"]
    assert len(typed) == 1 and typed[0].gravite is Severity.AVERTISSEMENT
    assert "N5 100,0 %" in typed[0].message and "Q5 41,7 %" in typed[0].message
    assert not [f for f in p.findings if "Recalculer" in f.message]
    # typed as points or as text: the finding says how each was read, and doubts are said
    p = plan([NO_COUNTS], {"presentation": [Stored(85)], "obtention": [Stored("1,2")]})
    [f] = [f for f in p.findings if f.regle == "taux_saisi_sans_effectifs"]
    assert "N5 85 lu 85,0 %" in f.message and "Q5 1,2 lu 1,2 % — à vérifier" in f.message
    assert "120 %, ce taux est impossible" in f.message


def test_a_persons_different_figure_gives_way_and_is_kept_in_the_note():
    p = plan([GOOD], {"presentation": [Stored(0.84, number_format="0%")]})
    d = one(p, "presentation")
    assert d.action is Action.WRITE and d.replaced and d.before == "84,0 %"
    assert d.number_format is None  # the person's own percentage format stays
    [f] = [f for f in p.findings if f.regle == "valeur_remplacee"]
    assert "« 84,0 % » → 84,2 %" in f.message
    p = plan([GOOD], {"presentation": [Stored(0.84, number_format="0%")]}, validating=True)
    [f] = [f for f in p.findings if f.regle == "valeur_saisie_differente"]
    assert f.gravite is Severity.ERREUR and "Recalculer écrira" in f.message


def test_a_persons_equal_figure_is_recomputed_silently():
    p = plan([GOOD], {"presentation": [Stored(16 / 19 + 1e-6, number_format="0.0%")]})
    d = one(p, "presentation")
    assert d.action is Action.WRITE and not d.replaced
    assert not p.findings or all(f.regle != "valeur_remplacee" for f in p.findings)


def test_what_the_tool_wrote_is_recomputed_silently():
    stored = {"presentation": [Stored(0.5, number_format="0.0%", tool_text="50,0 %")]}
    p = plan([GOOD], stored, validating=True)
    d = one(p, "presentation")
    assert d.owner is Owner.TOOL and d.action is Action.WRITE and not d.replaced
    [f] = [f for f in p.findings if f.regle == "valeur_a_recalculer"]
    assert "« 50,0 % »" in f.message and "84,2 %" in f.message and f.gravite is Severity.ERREUR


def test_the_tools_own_word_gives_way_to_the_figure_but_a_persons_word_stays():
    p = plan([GOOD], {"presentation": [Stored("NC", tool_text="NC")]})
    assert one(p, "presentation").action is Action.WRITE
    p = plan([GOOD], {"presentation": [Stored("NC")]})  # typed by a person
    d = one(p, "presentation")
    assert d.action is Action.KEEP and d.shown.outcome is Outcome.STATUS
    assert [f.regle for f in p.findings if f.gravite is Severity.AVERTISSEMENT] == ["statut_garde"]


def test_an_error_value_or_a_formula_is_overwritten():
    p = plan(
        [GOOD], {"presentation": [Stored("#DIV/0!")], "obtention": [Stored(1.0, formula="=K5/H5")]}
    )
    assert one(p, "presentation").owner is Owner.ERROR
    assert one(p, "obtention").owner is Owner.FORMULA
    assert one(p, "presentation").action is one(p, "obtention").action is Action.WRITE
    [f] = [f for f in p.findings if f.regle == "formules_remplacees"]
    assert "Q5" in f.message
    p = plan([GOOD], {"presentation": [Stored("#DIV/0!")]}, validating=True)
    [f] = [f for f in p.findings if f.regle == "valeur_a_recalculer"]
    assert "#DIV/0!" in f.message


def test_a_typed_va_is_an_input_even_when_10_and_the_reference_could_compute_it():
    """Spec: 9, 10 and 11 typed by a person are inputs, never outputs; a typed VA that the
    row's rates contradict is kept and reported, the same by Recalculer and Valider."""
    row = dict(GOOD, entrants=19)
    p = plan([row], {"va": [Stored("- 20%")]})
    d = one(p, "va")
    assert d.action is Action.KEEP and p.shown.result(0, "va").value == pytest.approx(-0.2)
    assert not [f for f in p.findings if f.regle == "va_saisie_differente"]
    row = dict(GOOD, insertion_emploi=0.82, insertion_reference=0.8)
    for validating in (False, True):
        p = plan([row], {"va": [Stored("- 20%")]}, validating=validating)
        d = one(p, "va")
        assert d.action is Action.KEEP and not d.replaced
        assert p.shown.result(0, "va").value == pytest.approx(-0.2)
        [f] = [f for f in p.findings if f.regle == "va_saisie_differente"]
        assert f.gravite is Severity.AVERTISSEMENT
        assert "« - 20% »" in f.message and "+2 %" in f.message and "gardée" in f.message
        assert "effectifs" not in f.message
    p = plan([row], {"va": [Stored(0.02)]})  # typed and agreeing: nothing to say
    assert one(p, "va").action is Action.KEEP
    assert not [f for f in p.findings if f.regle == "va_saisie_differente"]
    p = plan([row], {"va": [Stored(None)]})  # empty: the tool writes its figure
    assert one(p, "va").action is Action.WRITE and one(p, "va").value == pytest.approx(0.02)


def test_inputs_10_and_11_are_never_overwritten():
    row = dict(GOOD, entrants=15)
    p = plan(
        [row], {"insertion_emploi": [Stored("Non requis")], "insertion_metier": [Stored(None)]}
    )
    assert one(p, "insertion_emploi").action is Action.KEEP
    assert one(p, "insertion_metier").value == "En attente"
    [f] = [f for f in p.findings if f.regle == "non_requis_saisi"]
    assert "15 entrants" in f.message


def test_the_tools_old_words_in_inputs_give_way():
    row = dict(GOOD, entrants=8)  # the cohort is small now
    stored = {"insertion_emploi": [Stored("En attente", tool_text="En attente")]}
    p = plan([row], stored)
    assert one(p, "insertion_emploi").value == "Non requis"


def test_a_missing_certificateur_rate_is_awaited_when_9_needs_it():
    row = dict(GOOD, insertion_emploi=0.8)
    p = plan([row], {"insertion_reference": [Stored(None)]})
    assert one(p, "insertion_reference").value == "En attente"
    assert ("insertion_reference", 0) in p.awaited("En attente")
    [f] = [f for f in p.findings if f.regle == "en_attente"]
    assert "certificateur" in f.message and f.gravite is Severity.INFO


def test_one_awaited_finding_per_row():
    p = plan([dict(GOOD, formation="BTS MS", entrants=25)], {"insertion_reference": [Stored(None)]})
    pending = [f for f in p.findings if f.regle == "en_attente"]
    assert len(pending) == 1 and pending[0].cellule == "V5"
    assert "InserJeunes" in pending[0].message and "enquête" in pending[0].message


def test_shown_text_is_the_display_at_the_tools_precision():
    assert shown_text("presentation", 0.5625) == "56,3 %"
    assert shown_text("va", -0.2) == "-20 %"
    assert shown_text("presentation", " NC ") == "NC"


# -- properties: whatever a person typed, the rules hold ---------------------------------------

from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from ortkpi_xl.cells import EXCEL_ERRORS  # noqa: E402
from ortkpi_xl.ownership import COMPUTED_KEYS, INPUT_KEYS, OUTPUT_KEYS  # noqa: E402

COUNT = st.one_of(st.none(), st.integers(0, 40), st.sampled_from(["en cours", "12", "abc"]))
TYPED = st.one_of(
    st.none(),
    st.floats(0, 1, allow_nan=False),
    st.sampled_from(
        [
            75,
            1.2,
            "84,2 %",
            "- 20%",
            "NC",
            "Non requis",
            "En attente",
            "NA",
            "#DIV/0!",
            "=cmd|' /C calc'!A0",
            "",
        ]
    ),
)


@st.composite
def table(draw):
    n = draw(st.integers(1, 5))
    rows = []
    for _ in range(n):
        row = {
            k: draw(COUNT)
            for k in (
                "entrants",
                "presentes",
                "interruptions",
                "ruptures",
                "reussis",
                "poursuivants",
            )
        }
        row["formation"] = draw(st.sampled_from(["BTS OL 2", "CAP MIS", "5DRH"]))
        rows.append(row)
    stored = {}
    for key in OUTPUT_KEYS:
        cells = []
        for _ in range(n):
            raw = draw(TYPED)
            fmt = draw(st.sampled_from([None, "General", "0.0%"]))
            tool = draw(st.booleans())
            text = shown_text(key, raw) if tool and raw is not None else None
            cells.append(Stored(raw, number_format=fmt, tool_text=text))
        stored[key] = cells
    return rows, stored


def _plan(rows, stored, validating=False):
    config = default_config()
    columns = {k: [r.get(k) for r in rows] for k in rows[0]}
    for key in INPUT_KEYS:
        columns[key] = [c.raw for c in stored[key]]
    comp = compute(free_inputs(columns, stored, config), config, locate=locate)
    return plan_table(comp, stored, "Site", locate, config, validating=validating)


def _applied(plan_, stored):
    out = {}
    for key, cells in stored.items():
        new = []
        for cell, d in zip(cells, plan_.decisions[key], strict=True):
            if d.action is Action.WRITE:
                text = shown_text(key, d.value) if d.value is not None else None
                new.append(
                    Stored(
                        d.value, number_format=d.number_format or cell.number_format, tool_text=text
                    )
                )
            else:
                new.append(cell)
        out[key] = new
    return out


@given(table())
def test_the_rules_hold_for_whatever_was_typed(case):
    rows, stored = case
    plan_ = _plan(rows, stored)
    for key, decisions in plan_.decisions.items():
        for d in decisions:
            if d.action is Action.WRITE:
                assert not (isinstance(d.value, str) and d.value.upper() in EXCEL_ERRORS)
                assert not (isinstance(d.value, str) and d.value.startswith("="))
            if d.owner is Owner.PERSON and key in INPUT_KEYS:
                assert d.action is Action.KEEP  # a person's input is never overwritten
            if d.owner is Owner.PERSON and key in COMPUTED_KEYS and d.action is Action.WRITE:
                assert d.shown is not None and d.shown.outcome is Outcome.VALUE  # counts behind
    # Valider announces exactly what Recalculer changes, and a second run changes nothing
    announced = {
        f.cellule
        for f in _plan(rows, stored, validating=True).findings
        if f.regle in ("valeur_a_recalculer", "valeur_saisie_differente")
    }
    changed = {
        locate(d.row, k)
        for k, ds in plan_.decisions.items()
        for d in ds
        if d.changes_display or d.replaced
    }
    assert {c for c in announced} <= changed
    again = _plan(rows, _applied(plan_, stored), validating=True)
    assert not [d for ds in again.decisions.values() for d in ds if d.changes_display]
    assert not [f for f in again.findings if "Recalculer" in f.message]
