"""Matching InserJeunes records to a site's rows, and the plan of what to fill (no workbook)."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import data_path
from inserjeunes_files import (
    EXPOSITION_HEADER,
    establishment_file,
    exposition_file,
    exposition_json,
    formation_api_file,
    formation_depp_file,
    national_file,
    write,
)

from ortkpi_xl.cells import CellReader, State
from ortkpi_xl.config import config_from_mapping, default_config
from ortkpi_xl.engine import Outcome, compute
from ortkpi_xl.errors import ConfigError
from ortkpi_xl.fields import Kind
from ortkpi_xl.inserjeunes import (
    Action,
    Reason,
    build_plan,
    format_report,
    read_files,
    status_text,
)

SITE = "Ecole de Travail"
DEPP = "depp-2022-etablissement-apprentissage-2020-2019-maj2-112304.csv"


def rows(*items: dict) -> dict[str, list]:
    """Rows as the engine takes them, from one dict per row (missing keys: blank)."""
    keys = {k for item in items for k in item}
    return {k: [item.get(k) for item in items] for k in keys}


def row(**values) -> dict:
    base = {"formation": "CAP FICTIF", "promotion": "2023 - 2025", "entrants": 24}
    base.update(values)
    return base


def cell(plan, index: int, field: str):
    found = [c for c in plan.rows[index].cells if c.field == field]
    return found[0] if found else None


def pending(plan, index: int, field: str):
    found = [p for p in plan.rows[index].pending if p.field == field]
    return found[0] if found else None


@pytest.fixture(scope="module")
def real_data():
    return read_files([data_path("inserjeunes", "fr-en-inserjeunes-cfa.csv")])


@pytest.fixture
def depp(tmp_path):
    return read_files([formation_depp_file(tmp_path)])


# ---------------------------------------------------------------------------------------------
# the site-level block: the establishment's official figures


def test_establishment_block_from_the_real_file(real_data):
    plan = build_plan(SITE, real_data, rows(row(cfd="50099991")))
    (est,) = plan.establishments
    assert (est.uai, est.role, est.millesime) == ("0751488K", "site", "cumul 2023-2024")
    values = {f.key: f.value for f in est.figures}
    assert values == {
        "emploi_6": 0.49,
        "emploi_6_attendu": 0.61,
        "va_emploi_6": -0.12,
        "poursuite": 0.48,
        "emploi_12": 0.58,
        "emploi_18": None,
        "emploi_24": None,
    }
    assert est.figure("va_emploi_6").text == "-12 points"
    assert est.figure("emploi_6").text == "49 %"
    assert est.figure("emploi_18").text == "non publié"
    assert est.figure("va_emploi_6").number_format == "+0%;-0%;0%"
    assert est.figure("emploi_6").number_format == "0.0%"
    assert est.source == (
        "InserJeunes cumul 2023-2024 — fichier fr-en-inserjeunes-cfa.csv, ligne 7233"
    )
    assert "pas l'indicateur 9" in est.note and "61 %" in est.note
    assert est.latest_published is None


def test_establishment_file_never_fills_a_programme_row(real_data):
    plan = build_plan(SITE, real_data, rows(row(cfd="50099991")))
    assert plan.writes == []
    p = pending(plan, 0, "insertion_emploi")
    assert p.reason is Reason.NO_FILE and "ne vaut pas pour chaque formation" in p.message


def test_latest_millesime_fully_suppressed(tmp_path):
    data = read_files([establishment_file(tmp_path)])
    config = config_from_mapping({"sites": {"Lyon": {"uai": ["0699999Z"]}}})
    (est,) = build_plan("Lyon", data, rows(), config).establishments
    assert est.millesime == "cumul 2023-2024"
    assert all(f.value is None for f in est.figures)


def test_establishment_under_the_responsible_uai(tmp_path):
    data = read_files([establishment_file(tmp_path)])
    config = config_from_mapping(
        {"sites": {"Paris": {"uai": ["0759990A"], "uai_responsable": ["0751488K"]}}}
    )
    (est,) = build_plan("Paris", data, rows(), config).establishments
    assert est.uai == "0751488K" and est.role == "CFA responsable"
    assert "CFA responsable" in est.note


def test_site_absent_from_the_configuration(real_data):
    plan = build_plan("ORT Nulle Part", real_data, rows(row(cfd="50099991")))
    assert plan.establishments == () and plan.lookup == ()
    assert any("pas dans la configuration" in p.message for p in plan.problems)


def test_site_name_compared_loosely(real_data):
    plan = build_plan("ecole  de TRAVAIL", real_data, rows())
    assert plan.lookup == (("0751488K", "site"),)


def test_no_line_for_the_site_uais_is_said(tmp_path):
    data = read_files([establishment_file(tmp_path)])
    config = config_from_mapping({"sites": {"Lyon": {"uai": ["0690000B"]}}})
    plan = build_plan("Lyon", data, rows(), config)
    assert plan.establishments == ()
    assert any("Aucune ligne du fichier par établissement" in p.message for p in plan.problems)


# ---------------------------------------------------------------------------------------------
# indicator 10 per formation


def test_published_rate_fills_an_empty_cell(depp):
    plan = build_plan(SITE, depp, rows(row(cfd="50099991")), locate=lambda r, f: f"Z{r + 5}")
    c = cell(plan, 0, "insertion_emploi")
    assert (c.action, c.value, c.number_format, c.cell) == (Action.FILL, 0.71, "0.0%", "Z5")
    assert c.file == DEPP and c.position == "ligne 2" and c.millesime == "cumul 2019-2020"
    assert "71 %" in c.note and DEPP in c.note and "ligne 2" in c.note
    assert "CFD 50099991" in c.note and "cumul 2019-2020" in c.note
    source = cell(plan, 0, "source")
    assert source.action is Action.FILL
    assert source.value == f"InserJeunes cumul 2019-2020 — fichier {DEPP}"


@pytest.mark.parametrize("current", ["En attente", "Non requis", "", None])
def test_tool_words_count_as_empty(depp, current):
    plan = build_plan(SITE, depp, rows(row(cfd="50099991", insertion_emploi=current)))
    assert cell(plan, 0, "insertion_emploi").action is Action.FILL


@pytest.mark.parametrize("current", [0.71, "71 %", "71,0%", 71])
def test_same_figure_is_not_rewritten(depp, current):
    plan = build_plan(SITE, depp, rows(row(cfd="50099991", insertion_emploi=current)))
    c = cell(plan, 0, "insertion_emploi")
    assert c.action is Action.SAME and not c.write
    assert cell(plan, 0, "source") is None  # nothing written, provenance untouched


def test_different_figure_is_kept_unless_replace(depp):
    data = rows(row(cfd="50099991", insertion_emploi=0.65))
    kept = cell(build_plan(SITE, depp, data), 0, "insertion_emploi")
    assert kept.action is Action.KEEP and not kept.write and kept.current == 0.65
    assert "65 %" in kept.detail
    replaced = cell(build_plan(SITE, depp, data, remplacer=True), 0, "insertion_emploi")
    assert replaced.action is Action.REPLACE and replaced.write and replaced.value == 0.71


def test_a_persons_status_is_kept_unless_replace(depp):
    data = rows(row(cfd="50099991", insertion_emploi="en cours"))
    assert cell(build_plan(SITE, depp, data), 0, "insertion_emploi").action is Action.KEEP
    replaced = cell(build_plan(SITE, depp, data, remplacer=True), 0, "insertion_emploi")
    assert replaced.action is Action.REPLACE


def test_error_value_in_the_cell_is_kept_and_reported(depp):
    plan = build_plan(SITE, depp, rows(row(cfd="50099991", insertion_emploi="#DIV/0!")))
    c = cell(plan, 0, "insertion_emploi")
    assert c.action is Action.KEEP and "#DIV/0!" in c.detail


def test_suppressed_rate_becomes_a_status_not_pending(depp):
    plan = build_plan(SITE, depp, rows(row(cfd="01099992", formation="MC FICTIVE")))
    c = cell(plan, 0, "insertion_emploi")
    assert (c.action, c.value, c.number_format) == (Action.FILL, "non diffusé (< 20)", None)
    assert "ne diffuse pas" in c.note and "ligne 3" in c.note
    assert pending(plan, 0, "insertion_emploi") is None


def test_lost_leading_zero_in_the_workbook_matches(depp):
    plan = build_plan(SITE, depp, rows(row(cfd=1099992)))  # Excel turned 01099992 into a number
    assert plan.rows[0].cfd == "01099992"
    assert cell(plan, 0, "insertion_emploi").value == "non diffusé (< 20)"
    assert any("complété en 01099992" in p.message for p in plan.problems)


def test_status_written_is_read_back_as_a_status_and_passes_through_the_engine():
    config = default_config()
    status = status_text(config)
    assert CellReader(config).read(status, Kind.RATE).state is State.STATUS
    comp = compute(rows(row(insertion_emploi=status, insertion_reference=0.6)), config)
    assert comp.result(0, "insertion_emploi").outcome is Outcome.STATUS
    assert comp.result(0, "va").outcome is Outcome.STATUS  # no yellow for 9 either
    assert comp.result(0, "va").text == status


def test_own_status_is_replaced_when_the_figure_arrives(depp):
    plan = build_plan(SITE, depp, rows(row(cfd="50099991", insertion_emploi="non diffusé (< 20)")))
    c = cell(plan, 0, "insertion_emploi")
    assert c.action is Action.FILL and c.value == 0.71 and "remplace" in c.detail


def test_status_never_replaces_a_persons_figure(depp):
    data = rows(row(cfd="01099992", insertion_emploi=0.8))
    for remplacer in (False, True):
        c = cell(build_plan(SITE, depp, data, remplacer=remplacer), 0, "insertion_emploi")
        assert c.action is Action.KEEP


def test_same_status_again_is_same(depp):
    plan = build_plan(SITE, depp, rows(row(cfd="01099992", insertion_emploi="Non diffusé (< 20)")))
    assert cell(plan, 0, "insertion_emploi").action is Action.SAME


def test_latest_millesime_wins(tmp_path):
    data = read_files([formation_api_file(tmp_path), formation_depp_file(tmp_path)])
    c = cell(build_plan(SITE, data, rows(row(cfd="50099991"))), 0, "insertion_emploi")
    assert c.value == 0.685 and c.millesime == "cumul 2023-2024"
    assert c.file == "formation_fine.csv"


def test_another_uais_row_is_not_used(tmp_path):
    data = read_files([formation_depp_file(tmp_path)])
    config = config_from_mapping({"sites": {"Lyon": {"uai": ["0690000B"]}}})
    plan = build_plan("Lyon", data, rows(row(cfd="50099991")), config)
    p = pending(plan, 0, "insertion_emploi")
    assert p.reason is Reason.NOT_FOUND and "0690000B" in p.message
    assert plan.writes == []


def test_responsible_uai_rows_are_used_and_said(tmp_path):
    data = read_files([formation_depp_file(tmp_path)])
    config = config_from_mapping(
        {"sites": {"Paris": {"uai": ["0759990A"], "uai_responsable": "0751488K"}}}
    )
    c = cell(build_plan("Paris", data, rows(row(cfd="50099991")), config), 0, "insertion_emploi")
    assert c.value == 0.71 and "0751488K (CFA responsable)" in c.note


def test_site_uai_is_preferred_to_the_responsible_one(tmp_path):
    data = read_files([formation_depp_file(tmp_path)])
    config = config_from_mapping(
        {"sites": {"Paris": {"uai": ["0699999Z"], "uai_responsable": "0751488K"}}}
    )
    c = cell(build_plan("Paris", data, rows(row(cfd="50099991")), config), 0, "insertion_emploi")
    assert c.value == 0.55 and "CFA responsable" not in c.note


def test_two_site_uais_publishing_the_same_code_is_not_guessed(tmp_path):
    data = read_files([formation_depp_file(tmp_path)])
    config = config_from_mapping({"sites": {"Paris": {"uai": ["0751488K", "0699999Z"]}}})
    plan = build_plan("Paris", data, rows(row(cfd="50099991")), config)
    p = pending(plan, 0, "insertion_emploi")
    assert p.reason is Reason.AMBIGUOUS and "71 %" in p.message and "55 %" in p.message


# ---------------------------------------------------------------------------------------------
# what stays pending, and why


def test_reasons_for_pending(depp):
    plan = build_plan(
        SITE,
        depp,
        rows(
            row(formation="CAP SANS CODE"),  # 0: no CFD
            row(formation="LICENCE MOV", cfd=None),  # 1: level 6, out of scope
            row(formation="BTS X", cfd="3201"),  # 2: malformed CFD
            row(formation="BAC PRO Y", cfd="40099999"),  # 3: CFD not published
            row(formation="CAP Z", cfd=None, entrants=5),  # 4: small cohort
            row(formation="MASTER W", cfd="13599999", niveau=7),  # 5: code given but level 7
            row(formation="BTS V", cfd="RNCP35339", insertion_emploi=0.7),  # 6: a figure is there
        ),
        locate=lambda r, f: f"W{r + 2}",
    )
    reasons = [pending(plan, i, "insertion_emploi") for i in range(7)]
    assert reasons[0].reason is Reason.NO_CFD and "Code formation diplôme" in reasons[0].message
    assert reasons[1].reason is Reason.OUT_OF_SCOPE and "niveau 6" in reasons[1].message
    assert "certificateur" in reasons[1].message
    assert reasons[2].reason is Reason.BAD_CFD and "3201" in reasons[2].message
    assert reasons[3].reason is Reason.NOT_FOUND and "40099999" in reasons[3].message
    assert reasons[4].reason is Reason.SMALL_COHORT
    assert reasons[5].reason is Reason.OUT_OF_SCOPE and "niveau 7" in reasons[5].message
    assert reasons[6] is None  # not pending: the cell holds a figure
    assert reasons[0].cell == "W2"
    assert plan.writes == []
    bad = [p for p in plan.problems if "3201" in p.message or "RNCP35339" in p.message]
    assert len(bad) == 2


def test_site_without_uai_keeps_rows_pending(depp):
    config = config_from_mapping({"sites": {"Toulouse": None}})
    plan = build_plan("Toulouse", depp, rows(row(cfd="50099991")), config)
    assert pending(plan, 0, "insertion_emploi").reason is Reason.NO_UAI


def test_indicator_10_not_taken_from_inserjeunes_by_configuration(depp):
    config = config_from_mapping({"inserjeunes": {"indicateurs": [9]}})
    plan = build_plan(SITE, depp, rows(row(cfd="50099991")), config)
    assert plan.writes == []
    assert pending(plan, 0, "insertion_emploi").reason is Reason.NOT_IMPORTED


# ---------------------------------------------------------------------------------------------
# the Exposition API export and its trap


@pytest.mark.parametrize("make", [exposition_file, exposition_json])
def test_exposition_official_rate_not_the_share(tmp_path, make):
    data = read_files([make(tmp_path)])
    plan = build_plan(SITE, data, rows(row(cfd="32099993", formation="BTS FICTIF")))
    c = cell(plan, 0, "insertion_emploi")
    assert c.value == pytest.approx(20 / 28)  # 71,4 %, not the API's 50
    assert "71,4 %" in c.detail
    assert "nb_en_emploi_6_mois / nb_sortant = 20 / 28" in c.note
    assert "taux_en_emploi_6_mois (50 %)" in c.note and "pas le taux officiel" in c.note


@pytest.mark.parametrize("make", [exposition_file, exposition_json])
def test_exposition_null_becomes_the_status(tmp_path, make):
    data = read_files([make(tmp_path)])
    plan = build_plan(SITE, data, rows(row(cfd="50099994")))
    c = cell(plan, 0, "insertion_emploi")
    assert c.value == "non diffusé (< 20)" and "12 inscrits en dernière année" in c.note


def test_exposition_rate_on_fewer_than_20_sortants_is_not_published(tmp_path):
    data = read_files([exposition_file(tmp_path)])
    c = cell(build_plan(SITE, data, rows(row(cfd="50099996"))), 0, "insertion_emploi")
    assert c.value == "non diffusé (< 20)" and "12 sortants" in c.note


def test_exposition_gestionnaire_and_former_diploma_are_said(tmp_path):
    data = read_files([exposition_file(tmp_path)])
    config = config_from_mapping({"inserjeunes": {"seuil_diffusion": 15}})
    c = cell(build_plan(SITE, data, rows(row(cfd="40099995")), config), 0, "insertion_emploi")
    assert c.value == pytest.approx(13 / 18)
    assert "0751111A, gestionnaire" in c.note and "40088888" in c.note


def test_open_data_preferred_to_exposition_for_the_same_millesime(tmp_path):
    line = (
        "0751488K;lieu_formation;0751488K;lieu_formation;50099991;50099991;apprentissage;"
        "2023_2024;self;50099991;40;;;;20;15;25;;;;;;;;50;37;"
    )  # 20/25 = 80 %
    exposition = write(tmp_path, "formations.csv", EXPOSITION_HEADER, [line])
    data = read_files([exposition, formation_api_file(tmp_path)])
    plan = build_plan(SITE, data, rows(row(cfd="50099991")))
    c = cell(plan, 0, "insertion_emploi")
    assert c.file == "formation_fine.csv" and c.value == 0.685
    (warning,) = [p for p in plan.problems if "le premier est retenu" in p.message]
    assert "68,5 %" in warning.message and "80 %" in warning.message


# ---------------------------------------------------------------------------------------------
# the certificateur's reference rate from national per-diploma figures


def test_national_reference_fills_its_column(tmp_path):
    data = read_files([formation_depp_file(tmp_path), national_file(tmp_path)])
    plan = build_plan(
        SITE,
        data,
        rows(
            row(cfd="50099991"),
            row(cfd="01099992"),
            row(cfd="40099999"),
            row(formation="LICENCE"),
        ),
    )
    ref = cell(plan, 0, "insertion_reference")
    assert (ref.action, ref.value) == (Action.FILL, 0.6)
    assert "France" in ref.note and "pas la valeur ajoutée officielle" in ref.note
    assert ref.millesime == "2020"
    source = cell(plan, 0, "source").value
    assert source.startswith("InserJeunes cumul 2019-2020 — fichier depp-2022-etablissement")
    assert " ; InserJeunes France 2020 — fichier depp-2022-france" in source
    assert pending(plan, 1, "insertion_reference").reason is Reason.NOT_PUBLISHED
    assert pending(plan, 2, "insertion_reference").reason is Reason.NOT_FOUND
    assert pending(plan, 3, "insertion_reference").reason is Reason.OUT_OF_SCOPE


def test_no_national_file_leaves_the_reference_alone(depp):
    plan = build_plan(SITE, depp, rows(row(cfd="50099991")))
    assert cell(plan, 0, "insertion_reference") is None
    assert pending(plan, 0, "insertion_reference") is None


# ---------------------------------------------------------------------------------------------
# the Source column


def test_a_persons_source_text_is_kept_unless_replace(depp):
    data = rows(row(cfd="50099991", source="EN"))
    kept = cell(build_plan(SITE, depp, data), 0, "source")
    assert kept.action is Action.KEEP and "« EN »" in kept.detail
    assert cell(build_plan(SITE, depp, data), 0, "insertion_emploi").action is Action.FILL
    assert cell(build_plan(SITE, depp, data, remplacer=True), 0, "source").write


def test_the_tools_own_source_text_is_updated(depp):
    old = "InserJeunes cumul 2018-2019 — fichier ancien.csv"
    c = cell(build_plan(SITE, depp, rows(row(cfd="50099991", source=old))), 0, "source")
    assert c.action is Action.FILL and "cumul 2019-2020" in c.value


# ---------------------------------------------------------------------------------------------
# safety: text from the files is never something Excel would evaluate


def test_no_written_text_can_be_taken_for_a_formula(tmp_path):
    data = read_files(
        [
            establishment_file(tmp_path),
            formation_depp_file(tmp_path),
            exposition_file(tmp_path),
            national_file(tmp_path),
        ]
    )
    plan = build_plan(
        SITE,
        data,
        rows(
            row(cfd="50099991"),
            row(cfd="01099992"),
            row(cfd="32099993"),
            row(cfd="=1+1"),
            row(cfd="@SUM(A1)"),
        ),
    )
    assert plan.writes
    for c in plan.writes:
        assert isinstance(c.value, (float, str))
        if isinstance(c.value, str):
            assert c.value[0] not in "=+-@\t\r"
            assert c.number_format is None
        assert c.note == "" or c.note[0] not in "=+-@"
    for est in plan.establishments:
        assert est.source[0] not in "=+-@" and est.note[0] not in "=+-@"


def test_dataframe_rows_work_too(depp):
    frame = pd.DataFrame(rows(row(cfd="50099991"), row(cfd=None)))
    plan = build_plan(SITE, depp, frame)
    assert cell(plan, 0, "insertion_emploi").value == 0.71
    assert pending(plan, 1, "insertion_emploi").reason is Reason.NO_CFD


def test_unequal_columns_are_a_programming_error(depp):
    with pytest.raises(ValueError):
        build_plan(SITE, depp, {"formation": ["a", "b"], "cfd": ["50099991"]})


def test_status_word_removed_from_configuration_is_refused(depp):
    config = config_from_mapping({"statuts": ["en cours", "NA"]})
    with pytest.raises(ConfigError, match="non diffusé"):
        build_plan(SITE, depp, rows(row(cfd="50099991")), config)


def test_seuil_diffusion_comes_from_the_configuration(depp):
    config = config_from_mapping({"inserjeunes": {"seuil_diffusion": 25}})
    c = cell(build_plan(SITE, depp, rows(row(cfd="01099992")), config), 0, "insertion_emploi")
    assert c.value == "non diffusé (< 25)"


# ---------------------------------------------------------------------------------------------
# the report


def test_report_in_french_says_everything(tmp_path, real_data):
    data = read_files(
        [
            data_path("inserjeunes", "fr-en-inserjeunes-cfa.csv"),
            formation_depp_file(tmp_path),
            establishment_file(tmp_path, name="cfa-construit.csv"),
        ]
    )
    plan = build_plan(
        SITE,
        data,
        rows(
            row(cfd="50099991"),
            row(cfd="32099993", insertion_emploi=0.5),
            row(cfd="01099992"),
            row(formation="LICENCE MOV"),
            row(formation="CAP PETIT", entrants=4),
        ),
        locate=lambda r, f: f"X{r + 5}",
    )
    text = format_report(plan)
    assert "Fichiers InserJeunes lus" in text
    assert "fr-en-inserjeunes-cfa.csv : chiffres par établissement" in text
    assert "11 314 lignes lues" in text
    assert "millésimes cumul 2018-2019 à cumul 2023-2024" in text
    assert "d'après le nom du fichier" in text
    assert "Valeur ajoutée officielle (emploi à 6 mois) : -12 points" in text
    assert "Rempli (2)" in text and "(X5) : 71 %" in text
    assert "non diffusé (< 20)" in text
    assert "conservé (relancez avec --remplacer" in text and "50 %" in text
    assert "Reste en attente (1)" in text and "hors champ InserJeunes (niveau 6)" in text
    assert "Non exigé (petite promotion) (1)" in text
    assert "cfa-construit.csv, ligne 7" in text and "@SUM(A1:A2)" in text
    assert "\x1b" not in text


def test_report_of_several_sites_lists_files_once(depp):
    config = config_from_mapping({"sites": {SITE: {"uai": "0751488K"}, "Lyon": None}})
    plans = [build_plan(s, depp, rows(row(cfd="50099991")), config) for s in (SITE, "Lyon")]
    text = format_report(plans)
    assert text.count("Fichiers InserJeunes lus") == 1
    assert text.count(f"{DEPP} : codes formation") == 1  # a file's problem shown once
    assert "Site « Lyon » — UAI : aucune UAI configurée" in text
    assert "Aucun chiffre InserJeunes à écrire pour ce site." in text
