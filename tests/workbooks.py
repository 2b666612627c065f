"""Workbooks for tests, built in code: the user's current workbook as it really is."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill

# The seed's header texts, line breaks and all (the network's real workbook), count and rate columns
# interleaved, no space after the leading number, one column without a header (Intitulé), and
# last the Ecole de Travail's own "Chiffres issus de Inserjeunes2024" column: the InserJeunes
# insertion rate in points, the site's input for indicator 10 (spec, « The person's workbook »).
SEED_HEADERS = [
    "Formation",
    None,
    "Promotion",
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
    "Chiffres issus de \nInserjeunes2024",
]
# column letters of the seed layout
COL = dict(
    formation="A",
    intitule="B",
    promotion="C",
    entrants="D",
    presentes="E",
    presentation="F",
    interruptions="G",
    interruption="H",
    ruptures="I",
    rupture="J",
    reussis="K",
    obtention="L",
    poursuivants="M",
    poursuite="N",
    sat_stagiaire="O",
    sat_entreprise="P",
    sat_financeur="Q",
    va="R",
    insertion_emploi="S",
    insertion_metier="T",
    insertion_site="U",
)

# formation, intitulé, promotion, entrants, présentés, interruptions, ruptures, reçus, poursuivants
SEED_ROWS = [
    ("CAP MIS", "Cap Monteur en Installations Sanitaires", "2023 - 2025", 19, 16, 3, 3, 16, 9),
    ("CAP MIT", "Cap monteur en installations thermiques", "2024 - 2025", 3, 3, 0, 0, 3, 2),
    ("CAP ELEC", None, "2023 - 2025", 19, 17, 2, 0, "en cours d'acquisition", 10),
    ("BTS MS", None, "2023 - 2025", 16, 11, 5, 0, 7, 4),
    ("BTS NDRC 2", "Négociation et Digitalisation", "2023-2025", 0, 0, 0, 0, 0, 0),
    ("BAC MV", None, "2023 - 2025", "13", "11", 2, 0, 11, 4),
]
FIRST_DATA_ROW = 6


def seed_like(path: Path, *, sheet_name: str = "Ecole de Travail") -> Path:
    """The user's workbook today: titles, a section label, unguarded formulas, notes, colours."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet_name
    ws["A1"] = "INDICATEURS ORT"
    ws["A2"] = "REf V17  20251029"
    for c, text in enumerate(SEED_HEADERS, start=1):
        ws.cell(row=4, column=c, value=text)
    ws["A5"] = "Ecole de Travail "  # section label, not a programme
    for i, (f, t, p, e, pr, it, ru, re, po) in enumerate(SEED_ROWS):
        r = FIRST_DATA_ROW + i
        for key, value in dict(
            formation=f,
            intitule=t,
            promotion=p,
            entrants=e,
            presentes=pr,
            interruptions=it,
            ruptures=ru,
            reussis=re,
            poursuivants=po,
        ).items():
            ws[f"{COL[key]}{r}"] = value
        # the seed's unguarded formulas in the rate columns
        ws[f"F{r}"] = f"=E{r}/D{r}"
        ws[f"H{r}"] = f"=G{r}/D{r}"
        ws[f"J{r}"] = f"=I{r}/D{r}"
        ws[f"L{r}"] = f"=K{r}/E{r}"
        ws[f"N{r}"] = f"=M{r}/E{r}"
    r0 = FIRST_DATA_ROW
    ws[f"O{r0}"] = "4,4"  # a mark typed as text
    ws[f"U{r0}"] = 30  # the InserJeunes insertion rate in points, as the seed types it
    ws[f"S{r0 + 3}"] = 0.9  # BTS MS: insertion known (typed in the published column)
    ws[f"U{r0 + 3}"] = 80
    ws[f"R{r0 + 3}"] = "+ 5%"  # a VA typed by hand: an input, kept (no certificateur's rate)
    # a person's formatting and notes
    ws[f"A{r0}"].font = Font(bold=True, color="FF0000FF")
    ws[f"S{r0}"].fill = PatternFill("solid", start_color="FFDDEEFF", end_color="FFDDEEFF")
    ws[f"K{r0}"].comment = Comment("Chiffre vérifié avec le jury", "Marie")
    ws[f"T{r0 + 3}"].comment = Comment("Enquête en cours, résultats en juin", "Paul")
    last = FIRST_DATA_ROW + len(SEED_ROWS)
    ws[f"A{last + 1}"] = (
        "Remarque: Pour un effectif<11 eleves, il n'est pas necessaire de calculer le 9-10-11"
    )
    ws[f"A{last + 2}"] = "en jaune fluo:  Nombres qui seront mis"
    other = wb.create_sheet("Notes de la direction")
    other["A1"] = "Réunion du 12 mars"
    other["B2"] = "=1+1"
    wb.save(path)
    return path


def cell_snapshot(path: Path) -> dict[tuple[str, str], tuple]:
    """Every cell's value, number format, fill colour and note: to compare two workbooks."""
    from openpyxl import load_workbook

    wb = load_workbook(path)
    out = {}
    for ws in wb.worksheets:
        if ws.title == "ortkpi_etat":  # the tool's internal registry: each writer spells fills
            continue  # its own way; its effect (fills restored) is what the other cells show
        for row in ws.iter_rows():
            for c in row:
                fill = c.fill.fgColor.rgb if c.fill and c.fill.fill_type else None
                note = (c.comment.author, c.comment.text) if c.comment else None
                if c.value is None and fill is None and note is None:
                    continue
                value = c.value
                if isinstance(value, float):  # writers differ beyond Excel's 15 digits
                    value = float(f"{value:.12g}")
                out[(ws.title, c.coordinate)] = (value, c.number_format, fill, note)
    return out
