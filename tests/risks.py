"""What an openpyxl load + save would lose in a workbook, found before anything is written.

The patch writer keeps every part it does not own, but a writer built on openpyxl (the template
path, or any code that calls ``Workbook.save``) silently drops or alters a long list of parts
(measured in ``shared/docs/reliability.md`` §1). ``openpyxl_losses`` lists, in French, what this
particular file would lose, from cheap signals (part names, a few patterns in the sheet XML);
``refuse_openpyxl_save`` turns a non-empty list into a ``WorkbookError`` so such a writer can
refuse instead of damaging the file.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

from ortkpi_xl.errors import WorkbookError
from ortkpi_xl.xlsx.opc import Package
from ortkpi_xl.xlsx.sheetxml import SheetPart, in_range
from ortkpi_xl.xlsx.xmlscan import XmlProblem

# (pattern on a member name, French label)
_PARTS: tuple[tuple[str, str], ...] = (
    (r"^customui/", "le ruban personnalisé (onglet et boutons du ruban)"),
    (r"^xl/diagrams/", "les diagrammes SmartArt"),
    (r"^xl/ctrlprops/", "les contrôles de formulaire (boutons, cases à cocher)"),
    (r"^xl/activex/", "les contrôles ActiveX"),
    (r"^xl/embeddings/", "les objets incorporés"),
    (r"^xl/slicers/|^xl/slicercaches/", "les segments (slicers)"),
    (r"^xl/timelines/|^xl/timelinecaches/", "les chronologies"),
    (r"^xl/threadedcomments/", "les commentaires à fil de discussion"),
    (r"^xl/richdata/", "les images placées dans les cellules"),
    (r"^xl/metadata\.xml$", "les formules matricielles dynamiques (elles deviennent figées)"),
    (r"^xl/featurepropertybag/", "les cases à cocher de cellule"),
    (r"^customxml/", "les données XML personnalisées"),
    (r"^docmetadata/", "l'étiquette de confidentialité"),
    (r"^xl/revisions/", "l'historique du classeur partagé"),
    (r"^xl/model/", "le modèle de données (Power Pivot)"),
    (r"^xl/querytables/|^xl/connections\.xml$", "les requêtes et connexions de données"),
    (r"^xl/printersettings/", "les réglages de l'imprimante"),
    (r"^xl/charts/", "la mise en forme fine des graphiques"),
    (r"^xl/vbaproject\.bin$", "les macros, sauf si le classeur est ouvert avec keep_vba=True"),
)
# (pattern in a worksheet part, French label)
_SHEET: tuple[tuple[bytes, str], ...] = (
    (rb"<x14:dataValidations\b", "les listes déroulantes qui pointent vers une autre feuille"),
    (rb"<x14:conditionalFormattings\b", "les mises en forme conditionnelles étendues"),
    (rb"<x14:sparklineGroups\b", "les graphiques sparkline"),
    (rb"<x14:slicerList\b", "les segments (slicers)"),
    (rb"<(?:\w+:)?legacyDrawingHF\b", "les images d'en-tête et de pied de page"),
    (rb"<(?:\w+:)?picture\b", "l'image d'arrière-plan de la feuille"),
    (rb"<(?:\w+:)?controls\b", "les contrôles de formulaire (boutons, cases à cocher)"),
    (rb"<(?:\w+:)?oleObjects\b", "les objets incorporés"),
    (rb"<(?:\w+:)?protectedRanges\b", "les plages modifiables d'une feuille protégée"),
    (rb"<(?:\w+:)?customSheetViews\b", "les affichages personnalisés"),
    (rb"<(?:\w+:)?legacyDrawing\b", "la taille, la position et l'affichage des notes"),
    (rb"<(?:\w+:)?f[\s>/]", "les résultats calculés des formules (cellules vides hors Excel)"),
)
_DRAWING: tuple[tuple[bytes, str], ...] = (
    (rb"<xdr:(?:sp|grpSp|cxnSp)\b", "les formes et zones de texte"),
    (rb"mc:AlternateContent", "les contrôles de formulaire (boutons, cases à cocher)"),
    (rb"<xdr:pic\b", "les images (Pillow n'est pas installé)"),
)


_PILLOW = importlib.util.find_spec("PIL") is not None  # openpyxl drops pictures without it


def openpyxl_losses(path: str | Path) -> list[str]:
    """What ``load_workbook(path)`` then ``save()`` would drop or alter, in French."""
    found: list[str] = []

    def add(label: str) -> None:
        if label not in found:
            found.append(label)

    with Package(Path(path)) as package:
        names = [i.filename for i in package.infos]
        for name in names:
            lowered = name.lower()
            for pattern, label in _PARTS:
                if re.search(pattern, lowered):
                    add(label)
            if lowered.startswith("xl/drawings/") and lowered.endswith(".xml"):
                data = package.read(name)
                for marker, label in _DRAWING:
                    if re.search(marker, data) and (marker != _DRAWING[2][0] or not _PILLOW):
                        add(label)
            if lowered.startswith("xl/worksheets/") and lowered.endswith(".xml"):
                data = package.read(name)
                for marker, label in _SHEET:
                    if re.search(marker, data):
                        add(label)
                if b"mergeCell" in data and _hidden_merged_values(data):
                    add("les valeurs rangées dans des cellules fusionnées (hors la première)")
        main = package.main_part()
        if main and re.search(rb"<(?:\w+:)?fileSharing\b", package.read(main)):
            add("la recommandation d'ouverture en lecture seule")
    return found


def _hidden_merged_values(data: bytes) -> bool:
    try:
        sheet = SheetPart(data)
        ranges = sheet.merged_ranges()
    except XmlProblem:
        return False
    for rng in ranges:
        for row in range(rng[0], min(rng[2], max(sheet.rows, default=0)) + 1):
            for col, cell in sheet.cells(row).items():
                if not in_range(row, col, rng) or (row, col) == rng[:2]:
                    continue
                body = cell.bytes()
                if b"<v" in body or b"<f" in body or b"<is" in body or b":v" in body:
                    return True
    return False


def refuse_openpyxl_save(path: str | Path) -> None:
    """Raise ``WorkbookError`` naming what an openpyxl save of ``path`` would lose."""
    losses = openpyxl_losses(path)
    if losses:
        raise WorkbookError(
            f"Le classeur « {Path(path).name} » n'a pas été enregistré par openpyxl, car il y "
            f"perdrait : {', '.join(losses)}. Utilisez l'écriture par modification ciblée "
            "(ortkpi_xl.xlsx.write_changes) ou enregistrez le résultat ailleurs."
        )
