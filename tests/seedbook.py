"""The network's workbook as the staff really keep it, built in code from the seed.

The seed (the user's workbook « REf V17 20251029 », kept as text in the project's material) has
four site sheets that hold typed rates, not counts: the Ecole de Travail with its own VA and
InserJeunes columns before the published ones, Marseille with the « Nb … » headers but rates in
the rows, Lyon with insertion rates typed in points, Toulouse keyed by RNCP in three tables with
unlabelled sum rows. This module rebuilds that mess — plus what other sites do (a « Total »
row, merged Formation cells over two cohorts, a side sheet with a small table, an Excel table
with a totals row, counts that contradict each other) — so every behaviour is tested on a
workbook laid out the way a person lays it out, not on the tool's own template.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo

PCT, PCT2, VA_FMT = "0.0%", "0.00%", "+0%;-0%;0%"
EDT_VA = "*9 EDT calcul \nà partir des\nchiffres de\ninserjeunes \n2024"
EDT_IJ = "Chiffres issus de \nInserjeunes2024"
RATES = [
    "1Taux de \nprésentation",
    "2Taux \nd'interruption \n\nen cours",
    "3Taux de \nrupture net \nde contrat \n\nou taux \nd'abandon",
    "4Taux \nd'obtention",
    "5Taux de \npoursuite \nd'études",
]
MARKS = [
    "6Satisfaction \nstagiaire \n(note/5)",
    "7Satisfaction  \nentreprise \n\n(note/5)",
    "8Satisfaction  \nfinanceur \n(note/5)",
]
PUBLISHED = [
    "9Valeur \nAjoutée ",
    "10Taux \nd'insertion \nglobal dans \n\nl'emploi",
    "11Taux \nd'insertion \nglobal dans \n\nle metier",
]

# Ecole de Travail (seed page 1 and the reference figures): formation, intitulé, promotion,
# the site's own VA (typed as text or as a number), its InserJeunes figure (points), the five
# rates as shown (percent, one decimal)
EDT_ROWS = [
    (
        "CAP MIS",
        "Cap Monteur en Installations Sanitaires",
        "2023 - 2025",
        0.0,
        30,
        (84.2, 15.8, 15.8, 100.0, 56.3),
    ),
    ("CAP MIS 1 AN", None, "2024 - 2025", 0.0, 30, (100.0, 0.0, 0.0, 100.0, 83.3)),
    (
        "CAP MIT",
        "Cap monteur en installations thermiques",
        "2024 - 2025",
        "0%",
        30,
        (100.0, 0.0, 0.0, 100.0, 66.7),
    ),
    (
        "CAP IFCA",
        "CAP Installateur en froid et conditionnement d'air",
        "2023 - 2025",
        "- 20%",
        30,
        (68.4, 31.6, 31.6, 92.3, 76.9),
    ),
    ("CAP IFCA 1 AN", None, "2024 - 2025", "- 20%", 30, (100.0, 0.0, 0.0, 100.0, 72.7)),
    ("CAP ELEC", None, "2023 - 2025", 0.0, 50, (89.5, 10.5, 0.0, 82.4, 58.8)),
    ("CAP MV", None, "2023 - 2025", 0.0, 60, (54.5, 45.5, 0.0, 100.0, 83.3)),
    (
        "BAC ICCER",
        "Bac Pro installateur en chauffage, climatisation et énergies renouvelables",
        "2023 - 2025",
        "+ 5%",
        70,
        (100.0, 0.0, 0.0, 100.0, 75.0),
    ),
    (
        "BAC MFER",
        "Bac Pro métiers du froid et des énergies renouvelable",
        "2023 - 2025",
        0.05,
        70,
        (91.7, 8.3, 0.0, 90.9, 72.7),
    ),
    (
        "BAC MELEC",
        "Bac Pro métiers de l'électricité et de ses environnements connectés",
        "2023 - 2025",
        "+ 10%",
        70,
        (100.0, 0.0, 0.0, 94.4, 27.8),
    ),
    ("BAC MV", None, "2023 - 2025", -0.1, 60, (84.6, 15.4, 0.0, 100.0, 36.4)),
    ("BTS MS", None, "2023 - 2025", 0.1, 80, (68.8, 31.3, 0.0, 63.6, 36.4)),
    ("BTS FED", None, "2023 - 2025", "+ 10%", 80, (86.7, 13.3, 0.0, 61.5, 23.1)),
]
EDT_HEADER_ROW, EDT_FIRST = 5, 7
EDT_COL = dict(
    formation="A",
    intitule="B",
    promotion="C",
    va_site="D",
    insertion_site="E",
    presentation="F",
    interruption="G",
    rupture="H",
    obtention="I",
    poursuite="J",
    sat_stagiaire="K",
    sat_entreprise="L",
    sat_financeur="M",
    va="N",
    insertion_emploi="O",
    insertion_metier="P",
)

# Marseille: the « Nb … » headers, rates in the rows; one programme in two cohorts under a
# merged Formation cell (the second cohort with counts), counts that contradict each other, a
# « Total » row of SUM formulas, two error values as the seed has them.
MRS_HEADERS = [
    "Formation",
    None,
    "Promotion",
    EDT_VA,
    EDT_IJ,
    "Nb \ncandidats \nentrée en \nformation",
    "Nb \ncandidats \nprésenté à \nl'examen",
    "1Taux de \nprésentatio\nn",
    "Nb \ninterruptio\nn en cours",
    "2Taux \nd'interrupti\non en \ncours",
    "Nb de \nrupture ",
    "3Taux de \nrupture net \nde contrat \nou taux \nd'abandon",
    "Nombre de \ncandidat \nayant \nréussi ",
    "4Taux \nd'obtention",
    "Nombre de \ncandidat \nayant \npoursuivi",
    "5Taux de \npoursuite \nd'études",
    "6Satisfactio\nn stagiaire \n(note/5)",
    "7Satisfactio\nn  \nentreprise \n(note/5)",
    "8Satisfactio\nn  \nfinanceur \n(note/5)",
    "9Valeur \nAjoutée ",
    "10Taux \nd'insertion \nglobal dans \nl'emploi",
    "11Taux \nd'insertion \nglobal dans \nle metier",
    "Source",
]
MRS_COL = dict(
    formation="A",
    intitule="B",
    promotion="C",
    va_site="D",
    insertion_site="E",
    entrants="F",
    presentes="G",
    presentation="H",
    interruptions="I",
    interruption="J",
    ruptures="K",
    rupture="L",
    reussis="M",
    obtention="N",
    poursuivants="O",
    poursuite="P",
    sat_stagiaire="Q",
    sat_entreprise="R",
    sat_financeur="S",
    va="T",
    insertion_emploi="U",
    insertion_metier="V",
    source="W",
)
MRS_HEADER_ROW, MRS_FIRST = 4, 6  # row 5: the section label « ORT MARSEILLE »

# Lyon: no count headers (as in the seed), insertion rates typed in points in General cells,
# one rate of 1.2 in a percentage cell (Excel shows 120 %)
LYON_ROWS = [
    ("2GPMEA", "BTS Gestion de la PME", (82.4, 17.6, 17.6, 71.43, 58.8), "+ 10%", 80, 75, 70),
    ("2CG", "BTS Comptabilité et Gestion", (61.8, 38.2, 38.2, 85.71, 83.3), 0.0, 70, 70, 65),
    (
        "3DCG",
        "Diplôme de Comptabilité Gestion",
        (73.3, 26.7, 26.7, 18.18, 75.0),
        None,
        None,
        85,
        None,
    ),
    (
        "5DRH",
        "Directeur(-trice) des Ressources Humaines",
        (92.3, 7.7, 7.7, 100.0, 83.3),
        0.0,
        70,
        70,
        90,
    ),
    (
        "5ERIS",
        "Expert Réseaux Infrastructures et Sécurité",
        (100.0, 0.0, 0.0, 70.0, 66.7),
        "+ 5%",
        None,
        1.2,
        None,
    ),
    (
        "5MSDD",
        "Manager de Solutions Digitales et Data",
        (100.0, 0.0, 0.0, 87.5, 76.9),
        "+ 10%",
        None,
        70,
        "en cours d'acquisition",
    ),
]
LYON_COL = dict(
    formation="A",
    intitule="B",
    promotion="C",
    va_site="D",
    insertion_site="E",
    presentation="F",
    interruption="G",
    rupture="H",
    obtention="I",
    poursuite="J",
    sat_stagiaire="K",
    sat_entreprise="L",
    sat_financeur="M",
    va="N",
    insertion_emploi="O",
    insertion_metier="P",
)
LYON_HEADER_ROW, LYON_FIRST = 4, 6

# Toulouse (seed page 4): three tables keyed by RNCP, each under its title, the first two
# followed by an unlabelled row that adds up the Effectifs above it
TLS_HEADERS = [
    "N° RNCP",
    "Niveau de\nqualificatio\nn",
    "Certificateur",
    "Intitulé de la certification professionnelle",
    "Effectifs",
    "Taux de \nrupture de \ncontrat ",
    "Taux de \ncertification",
    "Taux de \npoursuite \nd'étude ",
    "Taux \nd'insertion \nprofessionn",
]
TLS_CFA = [
    (183, 3, "MT", "Monteur dépanneur frigoriste", 7, 0.29, 1.0, 0.0, 0.71),
    (32291, 5, "MT", "Manager d'unité marchande", 6, 0.0, 0.67, 0.0, 0.83),
    (1084, 5, "MEN-MES", "BTS Opticien Lunetier", 23, 0.174, 0.318, 0.5, 0.9),
    (34031, 5, "MEN-MES", "BTS Manager Commercial Opérationnel", 15, 0.6, 0.8, 0.44, 0.7),
    (14922, 5, "MEN-MES", "BTS Professions immobilières", 6, 0.667, 1.0, None, None),
    (34412, 6, "3iL", "Concepteur de systèmes d'information", 10, 0.0, 1.0, 0.7, 0.3),
    (
        30157,
        6,
        "MES-UNISTRA",
        "Licence Pro Métiers de l'Optique et de la Vision",
        19,
        0.05,
        1.0,
        None,
        None,
    ),
    (
        34560,
        6,
        "SOFTEC",
        "Chargé de développement des ressources humaines",
        8,
        0.0,
        0.75,
        None,
        None,
    ),
    (36374, 6, "FEDE", "Bachelor Marketing digital", 3, 0.0, "en cours", "en cours", "en cours"),
    (34407, 7, "3iL", "Expert réseaux infrastructures et sécurité", 15, 0.0, 1.0, 0.0, 1.0),
    (29964, 7, "3iL", "Manager de solutions digitales et data", 8, 0.0, 1.0, 0.0, 1.0),
]
TLS_FPA = [
    (8812, 3, "MT", "Employé commercial", 10, 0.1, 0.8889, 0.3, 0.0),
    (183, 3, "MT", "Monteur dépanneur frigoriste", 17, 0.176, "en cours", "en cours", "en cours"),
    (75, 4, "MT", "Assistant Manager des unités marchandes", 5, 0.2, 0.25, None, None),
    (13620, 4, "MT", "Conseiller de vente", 20, 0.35, "en cours", "en cours", "en cours"),
    (35191, 4, "MT", "Technicien de maintenance industrielle", 14, 0.2857, 0.875, 0.0, 0.2143),
    (1212, 4, "MT", "Secrétaire comptable", 27, 0.1481, 0.5, 0.3333, 0.1111),
    (5881, 4, "MT", "Comptable Assistant", 26, 0.0769, 0.5833, 0.0, 0.1538),
    (34079, 5, "MT", "Négociateur technico-commercial", 9, 0.2222, 0.0, 0.4444, 0.0),
    (32291, 5, "MT", "Manager d'unité marchande", 18, 0.3333, 0.3333, 0.1111, 0.1667),
    (35030, 5, "MT", "Assistant ressources humaines", 20, 0.0, 0.9, 0.0, 0.2),
    (35031, 5, "MT", "Assistante commerciale", 7, 0.2857, 0.4, 0.0, 0.4286),
    (140, 5, "MT", "Gestionnaire comptable et fiscal", 10, 0.0, 0.5, 0.0, 0.6364),
    (1254, 5, "MT", "Gestionnaire de paie", 11, 0.0, 1.0, 0.0, 0.5455),
    (
        34407,
        6,
        "3iL",
        "Expert réseaux infrastructures et sécurité",
        11,
        0.09,
        "en cours",
        "en cours",
        "en cours",
    ),
]
TLS_TABLE1_HEADER = 4
TLS_TABLE2_HEADER = TLS_TABLE1_HEADER + len(TLS_CFA) + 5


def _header(ws, row: int, labels: list[str | None]) -> None:
    for c, text in enumerate(labels, start=1):
        if text is not None:
            ws.cell(row=row, column=c, value=text)


def _rate(ws, address: str, value: object, fmt: str = PCT) -> None:
    ws[address] = value
    if isinstance(value, float):
        ws[address].number_format = fmt


def _ecole(wb: Workbook) -> None:
    ws = wb.create_sheet("Ecole de Travail")
    ws["A1"] = "INDICATEURS ORT"
    ws["A2"] = "France"
    ws["A3"] = (
        "Mise à disposition des indicateurs sur le site de diffusion: "
        "https://www.inserjeunes.education.gouv.fr/diffusion/accueil"
    )
    _header(
        ws,
        EDT_HEADER_ROW,
        ["Formation", None, "Promotion", EDT_VA, EDT_IJ, *RATES, *MARKS, *PUBLISHED],
    )
    ws[f"A{EDT_FIRST - 1}"] = "Ecole de Travail "
    c = EDT_COL
    for i, (formation, title, promo, va, ij, rates) in enumerate(EDT_ROWS):
        r = EDT_FIRST + i
        ws[f"{c['formation']}{r}"] = formation
        ws[f"{c['intitule']}{r}"] = title
        ws[f"{c['promotion']}{r}"] = promo
        _rate(ws, f"{c['va_site']}{r}", va, VA_FMT)
        ws[f"{c['insertion_site']}{r}"] = ij  # points, in a General cell
        for key, value in zip(
            ("presentation", "interruption", "rupture", "obtention", "poursuite"),
            rates,
            strict=True,
        ):
            _rate(ws, f"{c[key]}{r}", round(value / 100, 4))
    ws[f"{c['insertion_metier']}{EDT_FIRST}"] = "en cours \nd'acquistion"  # the seed's typo
    last = EDT_FIRST + len(EDT_ROWS)
    ws[f"A{last + 1}"] = "Remarque: Pour un effectif<11 eleves, il n'est pas necessaire de calculer"
    ws[f"K{last + 2}"] = "4,4/89%"
    ws[f"L{last + 2}"] = "3,8/75%"
    ws[f"M{last + 2}"] = "4,6/93%"
    ws[f"A{last + 3}"] = (
        "en jaune fluo:  Nombres qui seront mis 9-10-11 peuvent être dans inserjeunes"
    )


def _marseille(wb: Workbook) -> None:
    ws = wb.create_sheet("ORT Marseille")
    ws["A1"] = "INDICATEURS DE PERFORMANCE CFA"
    _header(ws, MRS_HEADER_ROW, MRS_HEADERS)
    ws[f"A{MRS_FIRST - 1}"] = "ORT MARSEILLE"
    c = MRS_COL
    r = MRS_FIRST
    # BTS OL 2, two cohorts under one merged Formation cell
    ws[f"A{r}"] = "BTS OL 2"
    ws.merge_cells(f"A{r}:A{r + 1}")
    ws[f"B{r}"] = "Opticien Lunettier"
    ws[f"C{r}"] = "2023-2025"
    for key, value in zip(
        ("presentation", "interruption", "rupture", "obtention", "poursuite"),
        (1.0, 0.167, 0.167, 0.417, 0.6),
        strict=True,
    ):
        _rate(ws, f"{c[key]}{r}", value)
    _rate(ws, f"{c['va']}{r}", -0.2, "0%")  # a VA typed by hand
    _rate(ws, f"{c['insertion_emploi']}{r}", 1.0)
    _rate(ws, f"{c['insertion_metier']}{r}", 1.0)
    ws[f"{c['insertion_site']}{r}"] = 80
    ws[f"{c['source']}{r}"] = "insert\njeunes"
    r += 1  # the second cohort: counts typed, rates left to the tool
    ws[f"C{r}"] = "2024-2026"
    for key, value in dict(
        entrants=15, presentes=12, interruptions=2, ruptures=1, reussis=10, poursuivants=5
    ).items():
        ws[f"{c[key]}{r}"] = value
    ws[f"{c['insertion_emploi']}{r}"] = "Non requis"  # a person's word, on a cohort of 15
    r += 1  # BTS PI 2: counts that contradict each other (19 reçus for 18 présentés)
    ws[f"A{r}"] = "BTS PI 2"
    ws[f"B{r}"] = "Profession Immobiliere"
    ws[f"C{r}"] = "2023-2025"
    for key, value in dict(
        entrants=20, presentes=18, interruptions=2, ruptures=2, reussis=19, poursuivants=4
    ).items():
        ws[f"{c[key]}{r}"] = value
    ws[f"{c['source']}{r}"] = "EN"
    r += 1
    ws[f"A{r}"] = "BTS NDRC 2"
    ws[f"B{r}"] = "Négociation et\nDigitalisation de la Relation Client)"
    ws[f"C{r}"] = "2023-2025"
    for key, value in zip(
        ("presentation", "interruption", "rupture", "obtention", "poursuite"),
        (0.75, 0.25, 0.25, 0.667, 1.0),
        strict=True,
    ):
        _rate(ws, f"{c[key]}{r}", value)
    for key in ("va", "insertion_emploi", "insertion_metier"):
        ws[f"{c[key]}{r}"] = "NA"
    r += 1
    ws[f"A{r}"] = "LICENCE MOV"
    ws[f"B{r}"] = "Métiers de l'Optique\net de la Vision"
    ws[f"C{r}"] = "2024-2025"
    for key, value in zip(
        ("presentation", "interruption", "rupture", "obtention"), (1.0, 0.0, 0.0, 1.0), strict=True
    ):
        _rate(ws, f"{c[key]}{r}", value)
    ws[f"{c['poursuite']}{r}"] = "#DIV/0!"  # the seed's error values
    ws[f"{c['poursuite']}{r}"].data_type = "e"
    _rate(ws, f"{c['va']}{r}", 0.1, "0%")
    ws[f"{c['insertion_emploi']}{r}"] = "#DIV/0!"
    ws[f"{c['insertion_emploi']}{r}"].data_type = "e"
    _rate(ws, f"{c['insertion_metier']}{r}", 1.0)
    ws[f"{c['insertion_site']}{r}"] = 90
    ws[f"{c['source']}{r}"] = "profession"
    r += 1  # a Total row of SUM formulas
    ws[f"A{r}"] = "Total"
    for key in ("entrants", "presentes", "interruptions", "ruptures", "reussis", "poursuivants"):
        col = c[key]
        ws[f"{col}{r}"] = f"=SUM({col}{MRS_FIRST}:{col}{r - 1})"
    ws[f"A{r + 2}"] = "9-10-11 peuvent être dans inserjeunes "


MRS_ROWS = dict(
    ol2=MRS_FIRST,
    ol2_bis=MRS_FIRST + 1,
    pi2=MRS_FIRST + 2,
    ndrc=MRS_FIRST + 3,
    mov=MRS_FIRST + 4,
    total=MRS_FIRST + 5,
)


def _lyon(wb: Workbook) -> None:
    ws = wb.create_sheet("ORT Lyon")
    ws["A1"] = "INDICATEURS  ORT France"
    _header(
        ws,
        LYON_HEADER_ROW,
        ["Formation", None, "Promotion", EDT_VA, EDT_IJ, *RATES, *MARKS, *PUBLISHED],
    )
    ws[f"A{LYON_FIRST - 1}"] = "ORT LYON"
    c = LYON_COL
    for i, (code, title, rates, va, ij, emploi, metier) in enumerate(LYON_ROWS):
        r = LYON_FIRST + i
        ws[f"{c['formation']}{r}"] = code
        ws[f"{c['intitule']}{r}"] = title
        for key, value in zip(
            ("presentation", "interruption", "rupture", "obtention", "poursuite"),
            rates,
            strict=True,
        ):
            _rate(ws, f"{c[key]}{r}", round(value / 100, 4), PCT2 if key == "obtention" else PCT)
        _rate(ws, f"{c['va_site']}{r}", va, VA_FMT)
        ws[f"{c['insertion_site']}{r}"] = ij
        if emploi == 1.2:  # typed in a percentage cell: Excel shows 120 %
            _rate(ws, f"{c['insertion_emploi']}{r}", 1.2, "0%")
        else:
            ws[f"{c['insertion_emploi']}{r}"] = emploi  # points, in a General cell
        ws[f"{c['insertion_metier']}{r}"] = metier
    ws[f"K{LYON_FIRST + len(LYON_ROWS) + 1}"] = 4.2
    ws[f"L{LYON_FIRST + len(LYON_ROWS) + 1}"] = 4.5


def _toulouse(wb: Workbook) -> None:
    ws = wb.create_sheet("ORT Toulouse")
    ws["A1"] = "Effectif global CFA (hors lycée)"
    ws["A2"] = "Effectifs par certification professionnelle et global 2024-2025"
    for header, rows in ((TLS_TABLE1_HEADER, TLS_CFA), (TLS_TABLE2_HEADER, TLS_FPA)):
        _header(ws, header, TLS_HEADERS)
        for i, row in enumerate(rows):
            r = header + 1 + i
            for c, value in enumerate(row, start=1):
                ws.cell(row=r, column=c, value=value)
                if c >= 6 and isinstance(value, float):
                    ws.cell(row=r, column=c).number_format = "0%"
        ws.cell(row=header + 1 + len(rows), column=5, value=sum(row[4] for row in rows))
    ws.cell(row=TLS_TABLE2_HEADER - 2, column=1, value="Effectif global FPA")
    third = TLS_TABLE2_HEADER + len(TLS_FPA) + 4
    ws.cell(row=third - 1, column=1, value="Effectifs par certification professionnelle 2024-2025")
    _header(
        ws,
        third,
        [
            "N° RNCP",
            "Certificateur",
            "Intitulé de la certification professionnelle",
            "Session 2021",
            "Session 2022",
            "Session 2023",
        ],
    )
    sessions = [
        (8812, "MT", "Employé commercial en magasin", 20, 19, 10),
        (183, "MT", "Monteur dépanneur frigoriste", 19, 13, 13),
        (1212, "MT", "Secrétaire comptable", 34, 40, 23),
    ]
    for i, row in enumerate(sessions):
        for c, value in enumerate(row, start=1):
            ws.cell(row=third + 1 + i, column=c, value=value)
    for c, total in ((4, 73), (5, 72), (6, 46)):
        ws.cell(row=third + 1 + len(sessions), column=c, value=total)


def _side_sheet(wb: Workbook) -> None:
    ws = wb.create_sheet("Notes réunion")
    ws["A1"] = "Réunion qualité du 12 mars"
    _header(ws, 3, ["Formation", "Promotion", "Taux d'obtention", "Commentaire"])
    ws["A4"], ws["B4"], ws["C4"], ws["D4"] = "BTS OL 2", "2023-2025", 0.417, "à vérifier"
    ws["A5"], ws["B5"], ws["C5"], ws["D5"] = "CAP MIS", "2023 - 2025", 1.0, "RAS"
    ws["C4"].number_format = ws["C5"].number_format = PCT


def seed_workbook(path: Path, *, with_side_sheet: bool = True, errors: bool = True) -> Path:
    """The four site sheets of the seed (and a side sheet), with a person's formatting.

    ``errors=False``: without the two blocking mistakes (19 reçus for 18 présentés, a rate of
    120 %), so the workbook can be published.
    """
    wb = Workbook()
    wb.remove(wb.active)
    _ecole(wb)
    _marseille(wb)
    _lyon(wb)
    _toulouse(wb)
    if with_side_sheet:
        _side_sheet(wb)
    if not errors:
        wb["ORT Marseille"][f"{MRS_COL['reussis']}{MRS_ROWS['pi2']}"] = 17
        cell = wb["ORT Lyon"][f"{LYON_COL['insertion_emploi']}{LYON_FIRST + 4}"]
        cell.value = 0.6
    # a person's own fill on a cell that will be awaited, a person's note
    ws = wb["ORT Lyon"]
    ws[f"P{LYON_FIRST + 1}"].fill = PatternFill(
        "solid", start_color="FFC6EFCE", end_color="FFC6EFCE"
    )
    ws[f"I{LYON_FIRST}"].comment = Comment("Chiffre du jury de juin", "Sophie")
    wb.save(path)
    return path


def table_with_totals_row(path: Path, rows: int = 4) -> Path:
    """A site sheet kept as an Excel table whose totals row adds up the counts."""
    from ortkpi_xl.fields import FIELDS

    wb = Workbook()
    ws = wb.active
    ws.title = "ORT Lyon"
    labels = [f.label for f in FIELDS]
    ws.append(labels)
    keys = [f.key for f in FIELDS]
    for i in range(rows):
        values = dict(
            formation=f"BTS {i}",
            promotion="2023 - 2025",
            entrants=20 + i,
            presentes=18,
            interruptions=2,
            ruptures=1,
            reussis=15,
            poursuivants=4,
        )
        ws.append([values.get(k) for k in keys])
    total = rows + 2
    ws.cell(row=total, column=1, value="Total")
    for key in ("entrants", "presentes", "interruptions", "ruptures", "reussis", "poursuivants"):
        col = keys.index(key) + 1
        letter = ws.cell(row=1, column=col).column_letter
        ws.cell(row=total, column=col, value=f"=SUBTOTAL(109,{letter}2:{letter}{total - 1})")
    last = ws.cell(row=1, column=len(labels)).column_letter
    table = Table(displayName="Indicateurs", ref=f"A1:{last}{total}", totalsRowCount=1)
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    table._initialise_columns()
    for column, label in zip(table.tableColumns, labels, strict=True):
        column.name = label
    table.tableColumns[0].totalsRowLabel = "Total"
    for key in ("entrants", "presentes", "interruptions", "ruptures", "reussis", "poursuivants"):
        table.tableColumns[keys.index(key)].totalsRowFunction = "sum"
    ws.add_table(table)
    wb.save(path)
    return path


__all__ = ["TableColumn", "seed_workbook", "table_with_totals_row"]
