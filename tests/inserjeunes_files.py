"""Constructed InserJeunes files for the tests.

The header lines are the official ones (copied from the research notes,
shared/docs/inserjeunes.md §2 and (b)); every data row is INVENTED: fake or ORT UAIs with made-up
codes and figures, chosen only to exercise one case each.
"""

from __future__ import annotations

from pathlib import Path

ESTABLISHMENT_HEADER = (
    "Année;UAI;Libellé;Région;DEVENIR Part poursuite études;DEVENIR Part en emploi 6 mois;"
    "DEVENIR Part autre situation 6 mois;Part contrats apprentissage interrompus;"
    "Taux poursuite études;Taux emploi 6 mois;Taux emploi 6 mois attendu;VA emploi 6 mois;"
    "Taux emploi 12 mois;Taux emploi 18 mois;Taux emploi 24 mois;num_ligne"
)
ESTABLISHMENT_ROWS = [
    # line 2: all published
    "cumul 2023-2024;0759999Z;CFA FICTIF A (CONSTRUIT);ILE-DE-FRANCE;40.0;45.0;15.0;;40.0;75.0;"
    "70.0;5.0;78.0;;;99001.0",
    # line 3: fully suppressed (listed, nothing published)
    "cumul 2023-2024;0699999Z;CFA FICTIF B (CONSTRUIT);AUVERGNE-RHONE-ALPES;;;;;;;;;;;;99002.0",
    # line 4: 2018-2019 layout (contracts column, no DEVENIR)
    "cumul 2018-2019;0139999Z;CFA FICTIF C (CONSTRUIT);PROVENCE-ALPES-COTE D'AZUR;;;;31;38.0;"
    "55.0;53.0;2.0;59.0;57.0;66.0;99003.0",
    # line 5: a formula as the name: kept as plain text
    'cumul 2023-2024;0759998Y;=HYPERLINK("http://exemple.invalid","clic");ILE-DE-FRANCE;40.0;'
    "45.0;15.0;;40.0;75.0;70.0;5.0;78.0;;;99004.0",
    # line 6: injection in the UAI
    "cumul 2022-2023;+cmd|' /C calc'!A0;CFA FICTIF D;ILE-DE-FRANCE;;;;;40.0;75.0;70.0;5.0;;;;1.0",
    # line 7: injection in a rate
    "cumul 2022-2023;0759999Z;CFA FICTIF A (CONSTRUIT);ILE-DE-FRANCE;;;;;@SUM(A1:A2);75.0;70.0;"
    "5.0;;;;2.0",
    # line 8: a rate outside 0–100
    "cumul 2021-2022;0759999Z;CFA FICTIF A (CONSTRUIT);ILE-DE-FRANCE;;;;;40.0;140.0;70.0;5.0;;;;"
    "3.0",
    # line 9: a line cut short
    "cumul 2020-2021;0759999Z;CFA FICTIF A (CONSTRUIT)",
    # lines 10-11: the ORT Ecole de Travail, invented figures for two millésimes
    "cumul 2022-2023;0751488K;ORT (CONSTRUIT);ILE-DE-FRANCE;44.0;31.0;25.0;;44.0;56.0;68.0;"
    "-12.0;59.0;;;5.0",
    "cumul 2023-2024;0751488K;ORT (CONSTRUIT);ILE-DE-FRANCE;48.0;26.0;26.0;;48.0;49.0;61.0;"
    "-12.0;58.0;;;6.0",
]

# Older DEPP per-establishment × formation file (2022 release) — header as reproduced by
# trajectoires-pro's test fixture.
FORMATION_DEPP_HEADER = (
    "n°UAI de l'établissement;Libellé de l'établissement;Région;Code formation apprentissage;"
    "Type de diplôme;Libellé de la formation;Durée de formation (en année);"
    "Diplôme renové ou nouveau;Taux de poursuite d'études;Taux d'emploi 6 mois après la sortie;"
    "Taux d'emploi 12 mois après la sortie"
)
FORMATION_DEPP_ROWS = [
    "0751488K;ORT (CONSTRUIT);ILE-DE-FRANCE;50099991;CAP;cap fictif a;2;non;45;71;78",  # line 2
    "0751488K;ORT (CONSTRUIT);ILE-DE-FRANCE;1099992;MC;mc fictive (zéro perdu);1;non;38;;",  # 3
    "0751488K;ORT (CONSTRUIT);ILE-DE-FRANCE;32099993;BTS;bts fictif;2;non;50;64;70",  # line 4
    "0699999Z;CFA FICTIF B;AUVERGNE-RHONE-ALPES;50099991;CAP;cap fictif a;2;non;30;55;60",  # 5
    "0751488K;ORT (CONSTRUIT);ILE-DE-FRANCE;=1+1;CAP;code piégé;2;non;45;71;78",  # line 6
]

# The per-formation file with the portal API's field names (inferred: the CFA variant's list
# was not obtained; these follow the lycée variant's names).
FORMATION_API_HEADER = (
    "annee;uai;libelle;code_formation_apprentissage;type_diplome;libelle_formation;"
    "taux_poursuite_etudes;taux_emploi_6_mois;taux_emploi_12_mois"
)
FORMATION_API_ROWS = [
    "cumul 2023-2024;0751488K;ORT (CONSTRUIT);50099991;CAP;cap fictif a;44,5;68,5;75,0",
    "cumul 2022-2023;0751488K;ORT (CONSTRUIT);50099991;CAP;cap fictif a;44,0;70,0;76,0",
]

EXPOSITION_HEADER = (
    "uai;uai_type;uai_donnee;uai_donnee_type;code_certification;code_formation_diplome;filiere;"
    "millesime;donnee_source_type;donnee_source_code_certification;nb_annee_term;"
    "nb_en_emploi_12_mois;nb_en_emploi_18_mois;nb_en_emploi_24_mois;nb_en_emploi_6_mois;"
    "nb_poursuite_etudes;nb_sortant;taux_autres_12_mois;taux_autres_18_mois;taux_autres_24_mois;"
    "taux_autres_6_mois;taux_en_emploi_12_mois;taux_en_emploi_18_mois;taux_en_emploi_24_mois;"
    "taux_en_emploi_6_mois;taux_en_formation;taux_rupture_contrats"
)
EXPOSITION_ROWS = [
    # line 2: official 20/28 = 71 %, the API's taux_en_emploi_6_mois is 20/40 = 50 %
    "0751488K;lieu_formation;0751488K;lieu_formation;32099993;32099993;apprentissage;2023_2024;"
    "self;32099993;40;22;;;20;12;28;15;;;20;55;;;50;30;18",
    # line 3: fewer than 20 final-year learners: everything null
    "0751488K;lieu_formation;0751488K;lieu_formation;50099994;50099994;apprentissage;2023_2024;"
    "self;50099994;12;null;;;null;null;null;null;;;null;null;;;null;null;null",
    # line 4: data of the gestionnaire UAI, from the former diploma code (continuum)
    "0751488K;lieu_formation;0751111A;gestionnaire;40099995;40099995;apprentissage;2022_2023;"
    "ancienne;40088888;26;14;;;13;8;18;15;;;19;54;;;50;31;",
    # line 5: 30 final-year learners but 12 sortants: the rate is below the threshold
    "0751488K;lieu_formation;0751488K;lieu_formation;50099996;50099996;apprentissage;2023_2024;"
    "self;50099996;30;;;;9;18;12;;;;;;;;30;60;",
    # line 6: voie scolaire: another filière
    "0751488K;lieu_formation;0751488K;lieu_formation;MEFSTAT11:24000000000;;pro;2023_2024;self;"
    ";40;;;;20;12;28;;;;;;;;50;30;",
]

EXPOSITION_JSON = """{
  "formations": [
    {"uai": "0751488K", "libelle_etablissement": "ORT (CONSTRUIT)", "millesime": "2023_2024",
     "code_certification": "32099993", "code_formation_diplome": "32099993",
     "filiere": "apprentissage", "libelle": "BTS FICTIF",
     "diplome": {"code": "320", "libelle": "BTS"},
     "donnee_source": {"code_certification": "32099993", "type": "self"},
     "nb_annee_term": 40, "nb_sortant": 28, "nb_poursuite_etudes": 12,
     "nb_en_emploi_6_mois": 20, "taux_en_emploi_6_mois": 50, "taux_en_formation": 30,
     "uai_donnee": "0751488K", "uai_donnee_type": "lieu_formation",
     "region": {"code": "11", "nom": "Île-de-France"}, "uai_formateur": ["0751488K"],
     "_meta": {"date_import": "2025-01-01"}},
    {"uai": "0751488K", "millesime": "2023_2024", "code_certification": "50099994",
     "code_formation_diplome": "50099994", "filiere": "apprentissage",
     "nb_annee_term": 12, "nb_sortant": null, "nb_en_emploi_6_mois": null,
     "taux_en_emploi_6_mois": null, "taux_en_formation": null},
    {"uai": "0751488K", "millesime": "2023_2024", "code_certification": 1099992,
     "filiere": "apprentissage", "nb_annee_term": 25, "nb_sortant": 21,
     "nb_en_emploi_6_mois": 15, "nb_poursuite_etudes": 4, "taux_en_emploi_6_mois": 60}
  ],
  "pagination": {"page": 1, "items_par_page": 10, "nombre_de_page": 1, "total": 3}
}
"""

# National apprenticeship file per diploma (DEPP 2022 release), quoted values.
NATIONAL_HEADER = (
    "Code Formation;Type de diplôme;Libellé de la formation;Durée de formation (en année);"
    "Diplôme rénové ou nouveau;Taux de poursuite d'études;nb en poursuite d'études;"
    "nb en année terminale;Taux d'emploi 6 mois après la sortie;"
    "nb en emploi 6 mois après la sortie;nb de sortants 6 mois après la sortie;"
    "Taux d'emploi 12 mois après la sortie;nb en emploi 12 mois après la sortie"
)
NATIONAL_ROWS = [
    '"50099991";CAP;CAP FICTIF A;"2";non;"38";"380";"1000";"60";"372";"620";"66";"409"',
    '"32099993";BTS;BTS FICTIF;"2";non;"30";"300";"1000";"69";"483";"700";"74";"518"',
    '"1099992";MC;MC FICTIVE;"1";non;"20";"20";"100";"";"";"";"";""',
]


def write(
    tmp_path: Path,
    name: str,
    header: str,
    rows: list[str],
    *,
    bom: bool = True,
    crlf: bool = True,
    encoding: str = "utf-8",
) -> Path:
    """Write a file as the portal would: BOM and CRLF unless told otherwise."""
    end = "\r\n" if crlf else "\n"
    text = end.join([header, *rows]) + end
    data = text.encode(encoding)
    if bom and encoding == "utf-8":
        data = b"\xef\xbb\xbf" + data
    path = tmp_path / name
    path.write_bytes(data)
    return path


def establishment_file(tmp_path: Path, name: str = "fr-en-inserjeunes-cfa.csv", **kw) -> Path:
    return write(tmp_path, name, ESTABLISHMENT_HEADER, ESTABLISHMENT_ROWS, **kw)


def formation_depp_file(
    tmp_path: Path,
    name: str = "depp-2022-etablissement-apprentissage-2020-2019-maj2-112304.csv",
    **kw,
) -> Path:
    return write(tmp_path, name, FORMATION_DEPP_HEADER, FORMATION_DEPP_ROWS, **kw)


def formation_api_file(tmp_path: Path, name: str = "formation_fine.csv", **kw) -> Path:
    kw.setdefault("bom", False)
    kw.setdefault("crlf", False)
    return write(tmp_path, name, FORMATION_API_HEADER, FORMATION_API_ROWS, **kw)


def exposition_file(tmp_path: Path, name: str = "formations.csv", **kw) -> Path:
    kw.setdefault("bom", False)
    return write(tmp_path, name, EXPOSITION_HEADER, EXPOSITION_ROWS, **kw)


def exposition_json(tmp_path: Path, name: str = "formations.json") -> Path:
    path = tmp_path / name
    path.write_text(EXPOSITION_JSON, encoding="utf-8")
    return path


def national_file(
    tmp_path: Path,
    name: str = "depp-2022-france-apprentissage-id-formation-2020-maj2-112292-2020.csv",
    **kw,
) -> Path:
    return write(tmp_path, name, NATIONAL_HEADER, NATIONAL_ROWS, **kw)
