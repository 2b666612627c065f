"""Reading InserJeunes files as downloaded: the real establishment file, then constructed files
in each official format (header lines from the research, invented values)."""

from __future__ import annotations

import csv
import io
import re

import pytest
from conftest import data_path
from inserjeunes_files import (
    ESTABLISHMENT_HEADER,
    ESTABLISHMENT_ROWS,
    EXPOSITION_HEADER,
    establishment_file,
    exposition_file,
    exposition_json,
    formation_api_file,
    formation_depp_file,
    national_file,
    write,
)

from ortkpi_xl.errors import InputDataError
from ortkpi_xl.findings import Severity
from ortkpi_xl.inserjeunes import (
    FileKind,
    normalize_cfd,
    normalize_millesime,
    read_file,
    read_files,
)
from ortkpi_xl.inserjeunes.records import clean_text

DECIMAL = re.compile(r"^-?\d+\.\d+$")


@pytest.fixture(scope="module")
def real_file():
    return data_path("inserjeunes", "fr-en-inserjeunes-cfa.csv")


@pytest.fixture(scope="module")
def real(real_file):
    return read_file(real_file)


def latest(records, uai):
    mine = [r for r in records if r.uai == uai]
    return max(mine, key=lambda r: r.millesime)


# ---------------------------------------------------------------------------------------------
# the real file, as published


def test_real_file_is_read_as_is(real):
    assert real.kind is FileKind.ETABLISSEMENT
    assert real.encoding == "UTF-8 avec BOM" and real.separator == ";"
    assert real.data_lines == 11_314 and len(real.establishments) == 11_314
    assert real.problems == ()
    assert real.ignored_columns == ("num_ligne",)
    assert real.millesimes[0] == "cumul 2018-2019" and real.millesimes[-1] == "cumul 2023-2024"


def test_real_file_ecole_de_travail_latest_figures(real):
    ort = latest(real.establishments, "0751488K")
    assert ort.millesime == "cumul 2023-2024"
    assert (ort.poursuite, ort.emploi_6, ort.emploi_6_attendu, ort.va_emploi_6, ort.emploi_12) == (
        0.48,
        0.49,
        0.61,
        -0.12,
        0.58,
    )
    assert ort.emploi_18 is None and ort.emploi_24 is None  # not yet published
    assert ort.origin.file == "fr-en-inserjeunes-cfa.csv" and ort.origin.line == 7233
    assert "Ecole du travail" in ort.libelle


def test_real_file_suppressed_cfas_are_listed_with_nothing(real):
    empty = [r for r in real.establishments if not r.published]
    assert len(empty) == 2_412
    assert all(r.emploi_6 is None and r.va_emploi_6 is None for r in empty)


def _transform(real_file, *, sep: str, comma: bool) -> str:
    """A subset of the real file (header, ORT rows, 300 others), re-exported another way."""
    text = real_file.read_text("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    keep = [rows[0]] + [r for r in rows[1:] if r[1] == "0751488K"] + rows[1:301]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep, lineterminator="\n")
    for row in keep:
        writer.writerow([c.replace(".", ",") if comma and DECIMAL.match(c) else c for c in row])
    return out.getvalue()


@pytest.mark.parametrize("sep, comma", [(";", True), (",", False), (",", True), ("\t", False)])
def test_real_file_variants_give_the_same_figures(tmp_path, real_file, sep, comma):
    path = tmp_path / "export.txt"  # the name says nothing: the header does
    path.write_text(_transform(real_file, sep=sep, comma=comma), encoding="utf-8")
    imported = read_file(path)
    assert imported.kind is FileKind.ETABLISSEMENT and imported.encoding == "UTF-8"
    assert imported.separator == sep and imported.problems == ()
    ort = latest(imported.establishments, "0751488K")
    assert (ort.emploi_6, ort.emploi_6_attendu, ort.va_emploi_6) == (0.49, 0.61, -0.12)


# ---------------------------------------------------------------------------------------------
# constructed files in each official format


def test_establishment_file_constructed(tmp_path):
    imported = read_file(establishment_file(tmp_path))
    assert imported.kind is FileKind.ETABLISSEMENT and imported.encoding == "UTF-8 avec BOM"
    by_uai = {(r.uai, r.millesime): r for r in imported.establishments}
    a = by_uai[("0759999Z", "cumul 2023-2024")]
    assert (a.emploi_6, a.emploi_6_attendu, a.va_emploi_6, a.emploi_12) == (0.75, 0.7, 0.05, 0.78)
    assert a.emploi_18 is None
    b = by_uai[("0699999Z", "cumul 2023-2024")]
    assert not b.published
    c = by_uai[("0139999Z", "cumul 2018-2019")]
    assert c.part_contrats_interrompus == 0.31 and c.part_poursuite is None


def test_bad_lines_are_reported_with_their_line_number(tmp_path):
    imported = read_file(establishment_file(tmp_path))
    problems = {p.position: p for p in imported.problems}
    assert set(problems) == {"ligne 6", "ligne 7", "ligne 8", "ligne 9"}
    assert "UAI" in problems["ligne 6"].message
    assert "@SUM(A1:A2)" in problems["ligne 7"].message
    assert "n'est pas un nombre" in problems["ligne 7"].message
    assert "140 hors de 0 à 100" in problems["ligne 8"].message
    assert "3 champs au lieu de 16" in problems["ligne 9"].message
    assert all(p.severity is Severity.AVERTISSEMENT for p in problems.values())
    assert all("ligne ignorée" in p.message for p in problems.values())
    # the good lines around them are kept
    assert len(imported.establishments) == 6


def test_formula_text_stays_plain_text(tmp_path):
    imported = read_file(establishment_file(tmp_path))
    record = next(r for r in imported.establishments if r.uai == "0759998Y")
    assert record.libelle == '=HYPERLINK("http://exemple.invalid","clic")'
    assert isinstance(record.emploi_6, float)


@pytest.mark.parametrize("bom, crlf", [(True, True), (False, False), (True, False), (False, True)])
def test_bom_and_line_ends_do_not_matter(tmp_path, bom, crlf):
    imported = read_file(establishment_file(tmp_path, bom=bom, crlf=crlf))
    assert len(imported.establishments) == 6
    assert [p.position for p in imported.problems] == ["ligne 6", "ligne 7", "ligne 8", "ligne 9"]


def test_windows_1252_file_is_read_and_said(tmp_path):
    rows = [r for r in ESTABLISHMENT_ROWS if "0751488K" in r]
    path = write(tmp_path, "cfa.csv", ESTABLISHMENT_HEADER, rows, encoding="cp1252")
    imported = read_file(path)
    assert imported.encoding == "Windows-1252" and len(imported.establishments) == 2


def test_establishment_file_with_api_field_names(tmp_path):
    header = (
        "annee;uai;libelle;region;devenir_part_poursuite_etudes;devenir_part_en_emploi_6_mois;"
        "devenir_part_autre_situation_6_mois;part_contrats_apprentissage_interrompus;"
        "taux_poursuite_etudes;taux_emploi_6_mois;taux_emploi_6_mois_attendu;va_emploi_6_mois;"
        "taux_emploi_12_mois;taux_emploi_18_mois;taux_emploi_24_mois"
    )
    row = "2023_2024;0751488K;ORT;ILE-DE-FRANCE;48;26;26;;48;49;61;-12;58;;"
    imported = read_file(write(tmp_path, "cfa.csv", header, [row], bom=False, crlf=False))
    assert imported.kind is FileKind.ETABLISSEMENT and imported.style == "noms de champs"
    (record,) = imported.establishments
    assert record.millesime == "cumul 2023-2024"
    assert (record.emploi_6, record.va_emploi_6) == (0.49, -0.12)


def test_per_formation_depp_file(tmp_path):
    imported = read_file(formation_depp_file(tmp_path))
    assert imported.kind is FileKind.FORMATION and imported.style == "libellés"
    assert imported.millesime_note.startswith("millésime cumul 2019-2020 d'après le nom")
    by_key = {(r.uai, r.cfd): r for r in imported.formations}
    assert by_key[("0751488K", "50099991")].emploi_6 == 0.71
    padded = by_key[("0751488K", "01099992")]  # lost leading zero, given back
    assert padded.emploi_6 is None and padded.poursuite == 0.38  # suppressed = empty
    assert ("0699999Z", "50099991") in by_key  # another UAI's row is read (matching skips it)
    infos = [p for p in imported.problems if p.severity is Severity.INFO]
    assert any("zéro initial" in p.message and "ligne 3" in p.message for p in infos)
    (bad,) = [p for p in imported.problems if p.severity is Severity.AVERTISSEMENT]
    assert bad.position == "ligne 6" and "=1+1" in bad.message


def test_per_formation_file_with_field_names_and_decimal_comma(tmp_path):
    imported = read_file(formation_api_file(tmp_path))
    assert imported.kind is FileKind.FORMATION and imported.style == "noms de champs"
    assert imported.encoding == "UTF-8"
    newest = max(imported.formations, key=lambda r: r.millesime)
    assert newest.millesime == "cumul 2023-2024"
    assert newest.emploi_6 == 0.685 and newest.poursuite == 0.445


def test_exposition_csv_official_rate_is_recomputed(tmp_path):
    imported = read_file(exposition_file(tmp_path))
    assert imported.kind is FileKind.EXPOSITION
    by_cfd = {r.cfd: r for r in imported.formations}
    trap = by_cfd["32099993"]
    assert trap.emploi_6 == pytest.approx(20 / 28)  # official: over sortants
    assert trap.part_emploi_6 == 0.5  # the API's taux_en_emploi_6_mois, kept apart
    assert "nb_sortant" in trap.emploi_6_calcul
    withheld = by_cfd["50099994"]
    assert withheld.withheld and withheld.emploi_6 is None and withheld.nb_sortant is None
    gestionnaire = by_cfd["40099995"]
    assert gestionnaire.uai_donnee == "0751111A" and gestionnaire.uai_donnee_type == "gestionnaire"
    assert gestionnaire.donnee_source_type == "ancienne"
    assert gestionnaire.millesime == "cumul 2022-2023"
    assert by_cfd["50099996"].nb_sortant == 12
    assert any("autre filière" in p.message for p in imported.problems)


def test_exposition_json(tmp_path):
    imported = read_file(exposition_json(tmp_path))
    assert imported.kind is FileKind.EXPOSITION and imported.separator is None
    by_cfd = {r.cfd: r for r in imported.formations}
    assert by_cfd["32099993"].emploi_6 == pytest.approx(20 / 28)
    assert by_cfd["32099993"].libelle == "BTS FICTIF" and by_cfd["32099993"].diplome == "BTS"
    assert by_cfd["50099994"].withheld and by_cfd["50099994"].emploi_6 is None
    assert by_cfd["01099992"].origin.position == "élément 3"  # number code, zero given back


def test_national_file(tmp_path):
    imported = read_file(national_file(tmp_path))
    assert imported.kind is FileKind.NATIONAL
    assert all(r.uai is None for r in imported.formations)
    assert imported.millesimes == ("2020",)
    by_cfd = {r.cfd: r for r in imported.formations}
    assert by_cfd["32099993"].emploi_6 == 0.69 and by_cfd["01099992"].emploi_6 is None


def test_read_files_gathers_and_splits(tmp_path):
    data = read_files(
        [
            establishment_file(tmp_path),
            formation_depp_file(tmp_path),
            national_file(tmp_path),
            exposition_json(tmp_path),
        ]
    )
    assert len(data.files) == 4
    assert len(data.establishments) == 6
    assert {r.kind for r in data.formations} == {FileKind.FORMATION, FileKind.EXPOSITION}
    assert all(r.uai is None for r in data.national) and len(data.national) == 3
    assert data.has_kind(FileKind.NATIONAL)


def test_same_establishment_differing_in_two_files_is_reported(tmp_path):
    first = establishment_file(tmp_path, name="a.csv")
    changed = [r.replace(";49.0;61.0;", ";50.0;61.0;") for r in ESTABLISHMENT_ROWS]
    second = write(tmp_path, "b.csv", ESTABLISHMENT_HEADER, changed)
    data = read_files([first, second])
    ort = latest(data.establishments, "0751488K")
    assert ort.emploi_6 == 0.49 and ort.origin.file == "a.csv"
    assert any("chiffres différents" in p.message and p.file == "b.csv" for p in data.problems)


def test_duplicate_line_in_a_file_is_reported(tmp_path):
    path = write(
        tmp_path,
        "cfa.csv",
        ESTABLISHMENT_HEADER,
        [ESTABLISHMENT_ROWS[-1], ESTABLISHMENT_ROWS[-1], ESTABLISHMENT_ROWS[0]],
    )
    imported = read_file(path)
    assert len(imported.establishments) == 2
    (problem,) = imported.problems
    assert problem.position == "ligne 3" and "doublon de la ligne 2" in problem.message


# ---------------------------------------------------------------------------------------------
# files that cannot be read as a whole: nothing is taken from them


def _refused(path, **limits) -> str:
    with pytest.raises(InputDataError) as err:
        read_file(path, **limits)
    return str(err.value)


def test_missing_file(tmp_path):
    assert "introuvable" in _refused(tmp_path / "absent.csv")


def test_empty_and_header_only(tmp_path):
    (tmp_path / "vide.csv").write_bytes(b"")
    assert "vide" in _refused(tmp_path / "vide.csv")
    only = write(tmp_path, "entete.csv", ESTABLISHMENT_HEADER, [])
    assert "aucune ligne" in _refused(only)


def test_unknown_header(tmp_path):
    path = write(tmp_path, "autre.csv", "Nom;Prénom;Âge", ["a;b;3"])
    message = _refused(path)
    assert "en-tête non reconnu" in message and "Taux emploi 6 mois" in message


def test_excel_workbook_instead_of_csv(tmp_path):
    path = tmp_path / "fr-en-inserjeunes-cfa.csv"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    assert "classeur Excel" in _refused(path)


def test_size_and_line_limits(tmp_path):
    path = establishment_file(tmp_path)
    assert "trop volumineux" in _refused(path, max_bytes=100)
    assert "plus de 3 lignes" in _refused(path, max_lines=3)


def test_duplicate_column_is_refused(tmp_path):
    header = ESTABLISHMENT_HEADER + ";taux_emploi_6_mois"
    path = write(tmp_path, "cfa.csv", header, [ESTABLISHMENT_ROWS[0] + ";70"])
    assert "colonne en double" in _refused(path)


def test_unreadable_csv_quoting(tmp_path):
    path = write(
        tmp_path,
        "cfa.csv",
        ESTABLISHMENT_HEADER,
        [ESTABLISHMENT_ROWS[0], 'cumul 2023-2024;"0751488K'],
        crlf=False,
    )
    message = _refused(path)
    assert "CSV illisible" in message and "ligne" in message


def test_mostly_bad_lines_refuse_the_file(tmp_path):
    rows = [r.replace(";75.0;", ";175.0;") for r in ESTABLISHMENT_ROWS[:2]] + [
        ESTABLISHMENT_ROWS[2]
    ]
    rows[1] = rows[1].replace(";;;;;;;;;;;;", ";;;;;;;;;150;;;")
    message = _refused(write(tmp_path, "cfa.csv", ESTABLISHMENT_HEADER, rows))
    assert "ne peut pas être lu comme un tout" in message and "ligne 2" in message


@pytest.mark.parametrize(
    "text, words",
    [
        ("{pas du json", ["JSON mal formé"]),
        ('{"autre": 1}', ["formations"]),
        ('[{"nom": "x"}]', ["champs non reconnus"]),
        ("[" * 100_000, ["JSON mal formé"]),
    ],
)
def test_bad_json(tmp_path, text, words):
    path = tmp_path / "formations.json"
    path.write_text(text, encoding="utf-8")
    message = _refused(path)
    for word in words:
        assert word in message


def test_exposition_header_with_wrong_rates(tmp_path):
    row = (
        "0751488K;lieu_formation;0751488K;lieu_formation;32099993;32099993;apprentissage;"
        "2023_2024;self;32099993;40;22;;;30;12;28;15;;;20;55;;;50;30;18"
    )
    ok = (
        "0751488K;lieu_formation;0751488K;lieu_formation;32099994;32099994;apprentissage;"
        "2023_2024;self;32099994;40;22;;;20;12;28;15;;;20;55;;;50;30;18"
    )
    imported = read_file(
        write(tmp_path, "f.csv", EXPOSITION_HEADER, [row, ok, ok.replace("32099994", "32099995")])
    )
    (problem,) = imported.problems
    assert problem.position == "ligne 2" and "30 en emploi pour 28 sortants" in problem.message


# ---------------------------------------------------------------------------------------------
# identifiers


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("01022105", "01022105"),
        (1022105, "01022105"),
        (1022105.0, "01022105"),
        ("1022105", "01022105"),
        ("1022105.0", "01022105"),
        ("CFD:32099999", "32099999"),
        (" 3209 9999 ", "32099999"),
        ("4002330a", "4002330A"),
    ],
)
def test_cfd_normalised(raw, expected):
    assert normalize_cfd(raw)[0] == expected


@pytest.mark.parametrize("raw", ["RNCP35339", "3201", "=1+1", "@SUM(A1)", 12.5, "123456789"])
def test_cfd_other_shapes_are_refused_with_a_reason(raw):
    cfd, reason = normalize_cfd(raw)
    assert cfd is None and "invalide" in reason


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("cumul 2023-2024", "cumul 2023-2024"),
        ("2023_2024", "cumul 2023-2024"),
        ("2023-2024", "cumul 2023-2024"),
        ("2024", "2024"),
        ("Cumul  2023 - 2024", "cumul 2023-2024"),
        ("2024", "2024"),
        ("hier", None),
        ("", None),
        (None, None),
    ],
)
def test_millesime_normalised(raw, expected):
    assert normalize_millesime(raw) == expected


def test_clean_text_removes_terminal_escapes():
    assert clean_text("CFA\x1b[31m rouge\x07") == "CFA [31m rouge"
    assert len(clean_text("x" * 500)) == 200
