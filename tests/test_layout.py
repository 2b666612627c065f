"""Finding tables as a person reads them: headers nobody listed, total rows, merged names, side
sheets, the end of a table."""

from __future__ import annotations

import pytest

from ortkpi_xl.config import default_config
from ortkpi_xl.workbook.layout import HeaderMatcher, find_tables, is_site_name

CONFIG = default_config()
HEADER = ["Formation", "Promotion", "Nb entrants", "Nb présentés", "Nb reçus", "Taux d'obtention"]


@pytest.mark.parametrize(
    "text, key",
    [
        ("Nombre d'apprentis entrés", "entrants"),
        ("Effectif entrant", "entrants"),
        ("Nb présents à l'examen", "presentes"),
        ("Nb d'admis", "reussis"),
        ("Nb diplômés", "reussis"),
        ("Taux de réussite à l'examen", "obtention"),
        ("Taux d'abandon", "rupture"),
        ("Nb abandons", "ruptures"),
        ("Taux de rupture de contrat", "rupture"),
        ("Satisfaction des entreprises", "sat_entreprise"),
        ("Taux d'insertion à 6 mois", "insertion_emploi"),
        ("Taux moyen certificateur", "insertion_reference"),
        ("4 - Taux d'obtention", "obtention"),
        ("*9 EDT calcul à partir des chiffres de inserjeunes 2024", "va_site"),
        ("Chiffres issus de Inserjeunes2024", "insertion_site"),
        ("Diplôme préparé", "formation"),
        ("Remarque: Pour un effectif<11 eleves", None),
        ("Entreprise", None),
        ("Commentaires", None),
    ],
)
def test_headers_nobody_listed_are_read_word_by_word(text, key):
    assert HeaderMatcher(CONFIG).match(text) == key


def table(rows, **kwargs):
    [found] = find_tables("Feuil1", [HEADER, *rows], CONFIG, **kwargs)
    return found


@pytest.mark.parametrize("label", ["Total", "TOTAL CFA", "Total général", "Sous-total", "Ensemble"])
def test_labelled_total_rows_are_not_programmes(label):
    t = table(
        [["BTS A", "2023", 10, 9, 8], ["BTS B", "2023", 12, 10, 9], [label, None, 22, 19, 17]]
    )
    assert t.rows == [2, 3] and 4 in t.total_rows


def test_an_unlabelled_row_that_adds_up_the_rows_above_is_a_total():
    t = table([["BTS A", "2023", 10, 9, 8], ["BTS B", "2023", 12, 10, 9], [None, None, 22, 19, 17]])
    assert t.rows == [2, 3] and "somme" in t.total_rows[4]


def test_an_unlabelled_row_that_is_no_sum_stays_a_row_to_name():
    t = table([["BTS A", "2023", 10, 9, 8], ["BTS B", "2023", 12, 10, 9], [None, "2024", 7, 6, 6]])
    assert t.rows == [2, 3, 4] and not t.total_rows


def test_sum_formulas_make_a_total_but_a_sum_across_a_row_does_not():
    formulas = {(4, 3): "=SUM(C2:C3)", (3, 3): "=SUM(F3:G3)"}
    t = table(
        [["BTS A", "2023", 10, 9, 8], ["BTS B", "2023", 12, 10, 9], ["Cumul", None, 22, 19, 17]],
        formulas=formulas,
    )
    assert t.rows == [2, 3] and 4 in t.total_rows


def test_an_excel_tables_totals_row():
    t = table([["BTS A", "2023", 10, 9, 8], ["x", None, 10, 9, 8]], totals_rows={3})
    assert t.rows == [2] and "tableau Excel" in t.total_rows[3]


def test_a_merged_name_names_each_row_and_without_merges_it_is_guessed():
    rows = [["BTS OL 2", "2023-2025", 10, 9, 8], [None, "2024-2026", 12, 10, 9]]
    t = table(rows, merges=[(2, 1, 3, 1)])
    assert t.rows == [2, 3] and t.names[3] == {"formation": "BTS OL 2"} and not t.guessed_names
    t = table(rows, merges=None)  # the Excel buttons cannot see merges
    assert t.names[3]["formation"] == "BTS OL 2" and t.guessed_names == {3: 2}
    t = table(rows, merges=[])  # known: not merged, a row without a name
    assert 3 not in t.names


def test_a_table_ends_where_another_tables_header_starts():
    grid = [
        HEADER,
        ["BTS A", "2023", 10, 9, 8],
        [],
        ["N° RNCP", "Certificateur", "Intitulé", "Session 2021", "Session 2022"],
        [8812, "MT", "Employé commercial", 20, 19],
    ]
    [t] = find_tables("Feuil1", grid, CONFIG)
    assert t.rows == [2]


@pytest.mark.parametrize(
    "name, site",
    [("ORT LYON", True), ("Lyon 2025", True), ("Ecole de travail", True), ("Notes Lyon", False)],
)
def test_sheets_named_after_a_site(name, site):
    assert is_site_name(name, CONFIG) is site


def test_a_small_table_on_a_side_sheet_is_not_a_site_table():
    [t] = find_tables(
        "Notes réunion",
        [["Formation", "Promotion", "Taux d'obtention"], ["BTS OL 2", "2023-2025", 0.4]],
        CONFIG,
    )
    assert t.site is False
    [t] = find_tables(
        "ORT Lyon",
        [["Formation", "Promotion", "Taux d'obtention"], ["BTS OL 2", "2023-2025", 0.4]],
        CONFIG,
    )
    assert t.site is True


def _two_row_grid(group_row: list, label_row: list, data: list[list]) -> list[list]:
    return [group_row, label_row, *data]


_UPPER = [
    *("Formation", "Promotion", "Effectifs", None, None, None, None),
    *("1 Taux de présentation", "4 Taux d'obtention", "9 Valeur ajoutée"),
]
_LOWER = [
    *(None, None, "Nb candidats entrée en formation", "Nb candidats présentés à l'examen"),
    *("Nb interruptions en cours", "Nb ruptures nettes", "Nb candidats ayant réussi"),
]


def test_a_header_over_two_rows_is_read_whole():
    """A group label (« Effectifs ») over the count columns, the other labels merged down:
    the lower row names the counts, the upper row the rest, the rows start below both."""
    grid = _two_row_grid(
        _UPPER, _LOWER, [["BTS A", "2023-2025", 20, 18, 2, 1, 15], ["BTS B", "2024-2026", 12]]
    )
    [table] = find_tables("ORT Lyon", grid, default_config())
    assert table.header_row == 2 and table.first_header_row == 1
    assert table.rows == [3, 4]
    assert table.columns["formation"] == 1 and table.columns["promotion"] == 2
    assert [table.columns[k] for k in ("entrants", "presentes", "reussis")] == [3, 4, 7]
    assert table.columns["presentation"] == 8 and table.columns["va"] == 10
    assert table.header_address("presentation") == "H1"  # the cell that shows the label
    assert table.header_address("entrants") == "C2"
    assert not table.duplicate_headers and table.site


def test_a_group_row_above_a_whole_header_leaves_the_header_alone():
    """A row of group labels above a header that names every column adds nothing: the
    header is the lower row alone (as on the template, with its title rows)."""
    groups = [None, None, "Effectifs", None, None, None, None, "Indicateurs"]
    whole = ["Formation", "Promotion", *[v for v in _LOWER if v], "1 Taux de présentation"]
    [table] = find_tables("ORT Lyon", [groups, whole, ["BTS A", "2023-2025", 20, 18, 2, 1, 15]],
                          default_config())  # fmt: skip
    assert table.header_row == 2 and table.first_header_row == 2 and table.rows == [3]


def test_a_header_followed_by_a_text_only_programme_row_stays_one_row():
    """The first programme typed without figures yet is a row, not half of the header."""
    header = ["Formation", "Promotion", *[v for v in _LOWER if v], "1 Taux de présentation"]
    [table] = find_tables(
        "ORT Lyon", [header, ["BTS A", "2023-2025"], ["BTS B", "2024-2026", 12]], default_config()
    )
    assert table.header_row == 1 and table.rows == [2, 3]
