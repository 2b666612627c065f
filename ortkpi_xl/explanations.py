"""The tool's notes in a site sheet, in French: few, and where a person looks for them.

One note per column, on the header cell of each column the tool fills: what the figures are,
what its words mean, where an awaited figure comes from, and which rates typed without counts
it kept as they are. Per cell only when a person's typed figure is replaced by the calculation
(its old value is kept in the cell's note, for good). The reason behind each NC and each
awaited figure, row by row, is in the « Contrôles » sheet.
"""

from __future__ import annotations

from .config import Config
from .indicators import INDICATOR_BY_KEY

HISTORY_PREFIX = "Valeur saisie remplacée"  # notes that keep a person's old figure: never removed
KEPT_PREFIX = "Taux saisis sans effectifs"


def _words(config: Config) -> str:
    words = config.mots
    return (
        f"« {words.petit_effectif} » : promotion de moins de {config.seuil_petit_effectif} "
        "entrants, indicateur non exigé."
    )


def column_note(key: str, config: Config) -> str:
    """The note on the header of a column the tool fills."""
    words = config.mots
    rules = config.inserjeunes
    levels = f"{rules.niveaux[0]} à {rules.niveaux[-1]}" if rules.niveaux else "—"
    awaited = f"« {words.en_attente} » en jaune fluo : chiffre attendu"
    if key == "va":
        return (
            "9 Valeur ajoutée (définition ORT) : taux d'insertion dans l'emploi (10) moins le "
            "taux moyen du certificateur, en points ; ce n'est pas la valeur ajoutée officielle "
            f"d'InserJeunes (par établissement). {awaited} (10 ou le taux du certificateur "
            f"manque). {_words(config)} Une valeur saisie à la main est toujours gardée (un "
            "avertissement dit quand ces taux donnent autre chose) ; à défaut, la valeur ajoutée "
            "que le site calcule dans sa propre colonne (« 9 EDT calcul… ») est reprise. "
            "Calculé par Recalculer."
        )
    if key in ("insertion_emploi", "insertion_metier"):
        number = INDICATOR_BY_KEY[key].number
        if key == "insertion_metier":
            source = f"{rules.source_indicateur_11} (InserJeunes ne publie pas cet indicateur)"
        else:
            source = (
                f"InserJeunes pour les niveaux {levels} (CAP à BTS) à partir de "
                f"{rules.seuil_diffusion} sortants, sinon {rules.source_autres_niveaux}"
            )
        return (
            f"{number} {INDICATOR_BY_KEY[key].title} : chiffre extérieur, saisi ou importé "
            f"(ortkpi-xl inserjeunes). {awaited}, source : {source}. {_words(config)} Un "
            "chiffre saisi n'est jamais remplacé"
            + (
                " ; une cellule vide reprend le taux que le site a relevé dans sa propre colonne "
                "(« Chiffres issus de Inserjeunes »)"
                if key == "insertion_emploi"
                else ""
            )
            + ". Le détail par formation est dans la feuille « Contrôles »."
        )
    if key == "insertion_reference":
        return (
            "Taux d'insertion moyen du certificateur : nécessaire à la valeur ajoutée (9). "
            f"{awaited} quand il manque. Un chiffre saisi n'est jamais remplacé."
        )
    ind = INDICATOR_BY_KEY[key]
    return (
        f"{ind.number} {ind.title} : calculé par Recalculer — {ind.definition} "
        f"« {words.non_calculable} » : taux non calculable (dénominateur nul ou manquant, "
        "effectif illisible) ; la raison, ligne par ligne, est dans la feuille « Contrôles ». "
        "Un statut saisi dans les effectifs (« en cours… ») est repris tel quel. Un taux saisi "
        "sans effectifs est gardé ; un taux saisi qui contredit les effectifs est remplacé et "
        "l'ancienne valeur reste dans la note de la cellule."
    )


def replaced_note(before: str, after: str, basis: str) -> str:
    """A person's figure gave way to the calculation: the old value, kept for good."""
    why = f" ({basis})" if basis else ""
    return (
        f"{HISTORY_PREFIX} par Recalculer : « {before} » → {after}{why}. Corrigez les effectifs "
        "si l'ancienne valeur était la bonne."
    )


def kept_note(cells: list[str]) -> str:
    """The rates of one column typed without counts and kept (said on the column's header,
    after what the column is: one note however many rows)."""
    listed = ", ".join(cells[:8]) + (f" et {len(cells) - 8} autre(s)" if len(cells) > 8 else "")
    return (
        f"{KEPT_PREFIX} dans cette colonne ({listed}) : gardés tels quels, publiés avec la "
        "mention « effectifs non fournis » et jamais regroupés dans la Synthèse. Saisissez les "
        "effectifs pour qu'ils soient calculés."
    )
