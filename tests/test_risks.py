"""Detect-and-refuse for openpyxl saves: the losses are named before anything is written."""

from __future__ import annotations

import pytest
from risks import openpyxl_losses, refuse_openpyxl_save

from ortkpi_xl.errors import WorkbookError

CACHE = "les résultats calculés des formules (cellules vides hors Excel)"


@pytest.mark.parametrize(
    "name, expected",
    [
        ("table", []),
        ("plain", [CACHE]),
        ("dropdowns", ["les listes déroulantes qui pointent vers une autre feuille"]),
        ("sparklines", ["les graphiques sparkline"]),
        ("condfmt", ["les mises en forme conditionnelles étendues"]),
        ("shapes", ["les formes et zones de texte"]),
        ("merged", ["les valeurs rangées dans des cellules fusionnées (hors la première)"]),
        (
            "images",
            ["les images d'en-tête et de pied de page", "l'image d'arrière-plan de la feuille"],
        ),
        ("notes", ["la taille, la position et l'affichage des notes"]),
        (
            "macros",
            [
                "le ruban personnalisé (onglet et boutons du ruban)",
                "les macros, sauf si le classeur est ouvert avec keep_vba=True",
            ],
        ),
        (
            "excel_style",
            [
                "les commentaires à fil de discussion",
                "l'étiquette de confidentialité",
                "les données XML personnalisées",
                "les réglages de l'imprimante",
                "les formules matricielles dynamiques (elles deviennent figées)",
                "les contrôles de formulaire (boutons, cases à cocher)",
            ],
        ),
    ],
)
def test_losses_are_named(corpus, name, expected):
    losses = openpyxl_losses(corpus[name])
    assert set(expected) <= set(losses), losses
    if not expected:
        assert losses == []


def test_refusal_lists_them_in_one_sentence(corpus):
    refuse_openpyxl_save(corpus["table"])  # nothing to lose: no error
    with pytest.raises(WorkbookError) as error:
        refuse_openpyxl_save(corpus["sparklines"])
    message = str(error.value)
    assert "sparklines.xlsx" in message and "graphiques sparkline" in message
