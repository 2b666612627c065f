"""The bundled workbook template, generated from the code and the configuration.

``ortkpi-xl modele SORTIE`` builds it: a ``Lisez-moi`` sheet, one sheet per site with the
canonical header row and the programmes of the original workbook, ``Synthèse``, ``Contrôles``
and the ``xlwings.conf`` settings sheet; then it runs Recalculer on it, so the file is ready to use.
"""

from __future__ import annotations

import csv
import tempfile
from importlib import resources
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..config import Config
from ..fields import FIELDS, Kind
from ..formatting import wrapped_lines
from ..indicators import INDICATORS
from .reader import read_workbook
from .recalc import CONTROLS_SHEET, controls_sheet, recalculate
from .synthesis_sheet import SYNTHESIS_SHEET
from .writer import apply_changes, save_atomically, tool_fill, write_owned_sheet

README_SHEET = "Lisez-moi"
CONF_SHEET = "xlwings.conf"
UDF_MODULE = "ortkpi_xl.udfs"
HEADER_ROW = 4
EXTRA_ROWS = 200  # formatted, validated rows below the programmes for new lines
_THIN = Side(style="thin", color="FFB7C3D0")


def template_rows() -> list[dict[str, str]]:
    """The programmes of each site, from the package's ``template_rows.csv``."""
    text = resources.files("ortkpi_xl").joinpath("template_rows.csv").read_text("utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter=";"))


def _font(**kw) -> Font:
    """The template's font: Calibri 11 unless said otherwise (a font without a name shows as
    the reader's default, a serif in LibreOffice)."""
    kw.setdefault("size", 11)
    return Font(name="Calibri", **kw)


def _fill(rgb: str) -> PatternFill:
    return PatternFill(fill_type="solid", start_color="FF" + rgb, end_color="FF" + rgb)


def _number_format(kind: Kind, key: str, config: Config) -> str | None:
    if kind is Kind.COUNT or kind is Kind.LEVEL:
        return config.formats.effectif
    if kind is Kind.MARK:
        return config.formats.note
    if kind is Kind.POINTS:
        return config.formats.valeur_ajoutee
    if kind is Kind.RATE:
        return config.formats.taux
    return None


def _validations(config: Config) -> dict[Kind, DataValidation]:
    statuts = ", ".join(config.statuts[:3])

    def dv(kind_type: str, op: str, f1: str, f2: str | None, title: str, prompt: str):
        v = DataValidation(
            type=kind_type,
            operator=op,
            formula1=f1,
            formula2=f2,
            allow_blank=True,
            errorStyle="warning",
            showErrorMessage=True,
            showInputMessage=True,
        )
        v.promptTitle, v.prompt = title, prompt
        v.errorTitle = "Valeur inattendue"
        v.error = f"{prompt} Vous pouvez garder la saisie s'il s'agit d'un statut ({statuts}…)."
        return v

    return {
        Kind.COUNT: dv(
            "whole", "greaterThanOrEqual", "0", None, "Effectif", "Nombre entier positif ou nul."
        ),
        Kind.MARK: dv(
            "decimal",
            "between",
            "0",
            "5",
            "Note sur 5",
            "Note moyenne entre 0 et 5 (par exemple 4,2).",
        ),
        Kind.RATE: dv(
            "decimal",
            "between",
            "0",
            "1",
            "Taux",
            "Taux entre 0 % et 100 % (saisir 84,2 % ou 0,842).",
        ),
        Kind.LEVEL: dv(
            "whole",
            "between",
            "3",
            "8",
            "Niveau de qualification",
            "Niveau de 3 (CAP) à 7 (master).",
        ),
    }


def _site_sheet(wb: Workbook, site: str, rows: list[dict[str, str]], config: Config) -> None:
    ws = wb.create_sheet(site)
    ws["A1"] = f"Indicateurs de performance — {site}"
    ws["A1"].font = _font(bold=True, size=14, color="FF" + config.couleur_entete)
    ws["A2"] = (
        "Saisir les effectifs dans les colonnes blanches. Les colonnes bleues sont "
        "calculées par Recalculer."
    )
    ws["A3"] = (
        "En jaune : chiffres attendus (InserJeunes, certificateur ou enquête). Voir la "
        "feuille « Lisez-moi »."
    )
    ws["A2"].font = ws["A3"].font = _font(italic=True)
    header_font = _font(bold=True, color="FFFFFFFF")
    header_fill = _fill(config.couleur_entete)
    computed_fill = _fill(config.couleur_calcule)
    last_row = HEADER_ROW + len(rows) + EXTRA_ROWS
    validations = _validations(config)
    for c, field in enumerate(FIELDS, start=1):
        letter = get_column_letter(c)
        head = ws.cell(row=HEADER_ROW, column=c, value=field.label)
        head.font, head.fill = header_font, header_fill
        head.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        head.border = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
        ws.column_dimensions[letter].width = field.width
        fmt = _number_format(field.kind, field.key, config)
        wrapped = Alignment(wrap_text=True, vertical="top") if field.kind is Kind.TEXT else None
        for r in range(HEADER_ROW + 1, last_row + 1):
            cell = ws.cell(row=r, column=c)
            if fmt:
                cell.number_format = fmt
            if field.computed:
                cell.fill = computed_fill
            if wrapped is not None:  # a long title (Intitulé) shows whole, never cut
                cell.alignment = wrapped
            cell.border = Border(left=_THIN, right=_THIN, bottom=_THIN)
        if not field.computed and field.kind in validations:
            validations[field.kind].add(f"{letter}{HEADER_ROW + 1}:{letter}{last_row}")
    for v in validations.values():
        ws.add_data_validation(v)
    ws.row_dimensions[HEADER_ROW].height = 66
    for r, row in enumerate(rows, start=HEADER_ROW + 1):
        lines = max(_lines(row.get(f.key) or "", f.width) for f in FIELDS if f.kind is Kind.TEXT)
        if lines > 1:  # not every reader sizes a row for its wrapped text
            ws.row_dimensions[r].height = 15 * lines
        for c, field in enumerate(FIELDS, start=1):
            raw = (row.get(field.key) or "").strip()
            if not raw:
                continue
            value: object = int(raw) if field.kind in (Kind.COUNT, Kind.LEVEL) else raw
            ws.cell(row=r, column=c, value=value)
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=4)
    _print_setup(ws, landscape=True, pages_wide=3)
    # each page repeats the header row and the programme's name (Formation, Intitulé,
    # Promotion): three landscape pages across, at a size that can be read
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.print_title_cols = "A:C"
    ws.print_area = f"A1:{get_column_letter(len(FIELDS))}{HEADER_ROW + max(len(rows), 1)}"
    ws.oddFooter.center.text = f"Indicateurs de performance — {site}"
    ws.oddFooter.right.text = "Page &P / &N"


def _lines(text: str, width: float) -> int:
    """Lines a wrapped text needs in a column ``width`` characters wide."""
    return wrapped_lines(text, max(int(width * 1.15) - 1, 4))


def _print_setup(ws, *, landscape: bool, pages_wide: int = 1) -> None:
    """``pages_wide`` pages across, as many pages tall as needed, A4, narrow margins."""
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = pages_wide
    ws.page_setup.fitToHeight = 0
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top, ws.page_margins.bottom = 0.5, 0.6


def _readme(wb: Workbook, config: Config) -> None:
    ws = wb.active
    ws.title = README_SHEET
    words = config.mots
    lines: list[tuple[str, str]] = [
        ("title", "Indicateurs de performance des CFA du réseau ORT"),
        (
            "",
            "Ce classeur rassemble, pour chaque site, une ligne par formation et par "
            "promotion : les effectifs saisis par l'équipe et les indicateurs publiés chaque "
            "année (article L6111-8 du code du travail, indicateur 2 de Qualiopi).",
        ),
        ("h", "Comment s'en servir"),
        (
            "",
            "1. Saisir les effectifs dans les colonnes blanches de la feuille du site "
            "(une ligne par formation et promotion). Un statut (« en cours », « NA ») peut "
            "remplacer un nombre : il est repris tel quel par les indicateurs.",
        ),
        (
            "",
            "2. Recalculer : bouton « Recalculer » de l'onglet « Indicateurs ORT » du ruban, "
            "ou en ligne de commande : ortkpi-xl recalculer classeur.xlsx",
        ),
        (
            "",
            "3. Valider avant l'envoi : bouton « Valider », ou ortkpi-xl valider "
            "classeur.xlsx. La feuille « Contrôles » liste chaque problème avec sa cellule. "
            "Le classeur est prêt quand il n'y a plus aucune « erreur ».",
        ),
        (
            "",
            "4. Formules (Windows, avec le complément) : =ORT_TAUX_OBTENTION(K5; H5), "
            "=ORT_TAUX_PRESENTATION(H5; G5), =ORT_TAUX_INTERRUPTION(I5; G5), "
            "=ORT_TAUX_RUPTURE(J5; G5), =ORT_TAUX_POURSUITE(M5; L5; H5), "
            "=ORT_VALEUR_AJOUTEE(W5; Y5; G5), =ORT_EXPLICATION(4; K5; H5). Elles ne renvoient "
            "jamais d'erreur Excel.",
        ),
        (
            "",
            "La feuille « Synthèse », réécrite par Recalculer, s'imprime comme un tableau de "
            "bord : sur la première page, chaque site du réseau (complet, à compléter ou sans "
            "chiffres) et le réseau, les principaux taux regroupés (total des numérateurs / "
            "total des dénominateurs, jamais une moyenne de taux) avec, sous chacun, ce sur "
            "quoi il repose, et les chiffres officiels InserJeunes de chaque établissement ; "
            "puis leur évolution par millésime, puis une page par site avec ses formations.",
        ),
        (
            "",
            "La feuille « Contrôles » dit d'abord si le classeur est prêt et, site par site, "
            "ce qu'il reste à faire ; puis une ligne par formation et par problème, avec un "
            "lien vers la cellule. « Chiffres InserJeunes » garde les chiffres officiels "
            "importés (ortkpi-xl inserjeunes classeur.xlsx fr-en-inserjeunes-cfa.csv, ou le "
            "bouton Importer InserJeunes).",
        ),
        (
            "",
            "Rassembler les classeurs des sites : ortkpi-xl synthese dossier -o reseau.xlsx ; "
            "page web à publier : ortkpi-xl publier classeur.xlsx -o dossier.",
        ),
        ("h", "Légende des couleurs"),
        ("legend-entete", "En-tête : intitulés officiels des colonnes (ne pas les modifier)."),
        ("legend-calcule", "Colonne calculée par Recalculer : ne pas saisir ici."),
        (
            "legend-attente",
            f"Jaune fluo ({config.couleur_en_attente}) : chiffre attendu "
            "d'InserJeunes, du certificateur ou de l'enquête (indicateurs 9 à "
            "11) ; une note dit d'où il viendra. Le jaune disparaît au "
            "Recalculer suivant, une fois le chiffre saisi.",
        ),
        ("h", "Mots affichés à la place d'un chiffre"),
        (
            "",
            f"{words.non_calculable} : non calculable (dénominateur nul ou manquant, valeur "
            "illisible) ; une note en donne la raison.",
        ),
        (
            "",
            f"{words.petit_effectif} : promotion de moins de {config.seuil_petit_effectif} "
            "entrants ; les indicateurs 9 à 11 ne sont pas exigés.",
        ),
        ("", f"{words.en_attente} : chiffre extérieur pas encore arrivé."),
        ("h", "Définitions des indicateurs"),
    ]
    for ind in INDICATORS:
        lines.append(("", f"{ind.number}. {ind.title} : {ind.definition}"))
    lines += [
        ("h", "Sources"),
        (
            "",
            "InserJeunes (DEPP/DARES) : https://www.inserjeunes.education.gouv.fr — taux "
            "d'emploi à 6 mois des apprentis de niveau CAP à BTS, publiés à partir de 20 "
            "sortants sur deux promotions ; la valeur ajoutée officielle y est calculée par "
            "établissement (UAI), pas par formation.",
        ),
    ]
    ws.column_dimensions["A"].width = 4
    ws.column_dimensions["B"].width = 120
    styles = {
        "legend-entete": (_fill(config.couleur_entete), _font(color="FFFFFFFF", bold=True)),
        "legend-calcule": (_fill(config.couleur_calcule), None),
        "legend-attente": (_fill(config.couleur_en_attente), None),
    }
    r = 1
    for style, text in lines:
        cell = ws.cell(row=r, column=2, value=text)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        lines_needed = max(1, -(-len(text) // 125))  # column B holds about 125 characters
        ws.row_dimensions[r].height = 15 * lines_needed + (6 if style in ("title", "h") else 2)
        if style == "title":
            cell.font = _font(bold=True, size=16, color="FF" + config.couleur_entete)
        elif style == "h":
            cell.font = _font(bold=True, size=12)
        elif style in styles:
            fill, font = styles[style]
            ws.cell(row=r, column=1).fill = fill
            if font:
                ws.cell(row=r, column=1).font = font
        r += 1
    _print_setup(ws, landscape=False)
    ws.print_area = f"A1:B{r - 1}"


def _formula_examples() -> str:
    """The ORT_* calls for row 5 of a site sheet, with the template's own column letters."""
    at = {f.key: f"{get_column_letter(i)}{HEADER_ROW + 1}" for i, f in enumerate(FIELDS, 1)}
    calls = [
        ("ORT_TAUX_OBTENTION", ("reussis", "presentes")),
        ("ORT_TAUX_PRESENTATION", ("presentes", "entrants")),
        ("ORT_TAUX_INTERRUPTION", ("interruptions", "entrants")),
        ("ORT_TAUX_RUPTURE", ("ruptures", "entrants")),
        ("ORT_TAUX_POURSUITE", ("poursuivants", "repondants", "presentes")),
        ("ORT_VALEUR_AJOUTEE", ("insertion_emploi", "insertion_reference", "entrants")),
    ]
    text = [f"={name}({'; '.join(at[k] for k in keys)})" for name, keys in calls]
    text.append(f"=ORT_EXPLICATION(4; {at['reussis']}; {at['presentes']})")
    return ", ".join(text)


def build_template(config: Config) -> Workbook:
    wb = Workbook()
    _readme(wb, config)
    rows = template_rows()
    for site in config.feuilles_sites:
        _site_sheet(wb, site, [r for r in rows if r["site"] == site], config)
    wb.create_sheet(SYNTHESIS_SHEET)  # filled by the Recalculer that follows
    write_owned_sheet(wb, controls_sheet([]), config)
    conf = wb.create_sheet(CONF_SHEET)
    conf["A1"], conf["B1"] = "UDF Modules", UDF_MODULE
    conf.column_dimensions["A"].width = 18
    conf.column_dimensions["B"].width = 24
    _print_setup(conf, landscape=False)
    conf.print_area = "A1:B1"
    wb.properties.creator = "ortkpi-xl"
    wb.properties.title = "Indicateurs de performance des CFA ORT"
    return wb


def write_template(target: str | Path, config: Config) -> None:
    """Build the template, run Recalculer on it, save it atomically at ``target``."""
    target = Path(target)
    wb = build_template(config)
    with tempfile.TemporaryDirectory() as tmp:
        draft = Path(tmp) / "modele.xlsx"
        wb.save(draft)
        changes, _ = recalculate(read_workbook(draft, config), config)
    apply_changes(wb, changes, config)
    save_atomically(wb, target)


__all__ = ["CONTROLS_SHEET", "build_template", "tool_fill", "write_template"]
