"""What each rule of the findings is called for a person: plain French, no internal code.

The rule identifiers (``effectifs_manquants``…) stay stable for the JSON output and the tests;
what staff read (the ``Contrôles`` sheet, the reports) is the name below. A rule missing from
the table still reads as words, never as an identifier with underscores.
"""

from __future__ import annotations

RULE_NAMES: dict[str, str] = {
    # the sheet's layout
    "colonne_manquante": "Colonne manquante",
    "colonne_en_double": "Colonne en double",
    "tableau_vide": "Tableau sans formation",
    "formation_manquante": "Ligne sans nom de formation",
    "doublon": "Formation et promotion en double",
    # what was typed
    "cellule_en_erreur": "Cellule en erreur (#DIV/0!…)",
    "valeur_illisible": "Valeur illisible",
    "taux_en_points": "Taux à vérifier",
    "valeur_interpretee": "Valeur lue autrement que saisie",
    "statut_saisi": "Statut à la place d'un nombre",
    "effectifs_manquants": "Effectifs à saisir",
    "taux_saisi_sans_effectifs": "Taux saisi sans effectifs",
    "valeur_a_recalculer": "Chiffre à mettre à jour (Recalculer)",
    "valeur_saisie_differente": "Chiffre saisi contredit par les effectifs",
    "valeur_remplacee": "Chiffre saisi remplacé",
    "va_saisie_differente": "Valeur ajoutée saisie différente du calcul",
    "formules_remplacees": "Formules remplacées par les valeurs",
    "statut_garde": "Statut saisi à la place du taux",
    "non_requis_saisi": "« Non requis » sur une promotion qui l'exige",
    "ligne_total": "Ligne de total",
    "nom_repris": "Nom de formation repris de la ligne au-dessus",
    "feuille_annexe": "Feuille annexe laissée telle quelle",
    "doublon_autre_tableau": "Même formation dans deux tableaux",
    # counts that contradict each other
    "presentes_sup_entrants": "Plus de présentés que d'entrants",
    "interruptions_sup_entrants": "Plus d'interruptions que d'entrants",
    "ruptures_sup_interruptions": "Plus de ruptures que d'interruptions",
    "reussis_sup_presentes": "Plus de reçus que de présentés",
    "poursuivants_sup_repondants": "Plus de poursuites que de répondants",
    "repondants_sup_entrants": "Plus de répondants que d'entrants",
    "presentes_ruptures_sup_entrants": "Présentés et ruptures au-delà des entrants",
    # figures from outside
    "en_attente": "Chiffre attendu de l'extérieur",
    "inserjeunes_rempli": "Chiffre InserJeunes écrit",
    "inserjeunes_different": "InserJeunes diffère du classeur",
    "inserjeunes_en_attente": "Pas encore publié par InserJeunes",
    "inserjeunes_colonne_absente": "Colonne manquante pour InserJeunes",
    "inserjeunes_bloc_site": "Chiffres officiels de l'établissement",
    "inserjeunes_probleme": "Fichier InserJeunes à vérifier",
    "inserjeunes_officiel": "Chiffres officiels InserJeunes",
    # readiness of the sites and of the network
    "site_complet": "Site complet",
    "site_a_completer": "Site à compléter",
    "site_sans_chiffres": "Site sans chiffres",
    "site_absent": "Site sans feuille",
    "reseau_partiel": "Réseau incomplet",
    "reseau_complet": "Réseau complet",
    # consolidation of the sites' workbooks
    "classeur_illisible": "Classeur illisible",
    "classeur_aucune_feuille_de_site": "Classeur sans feuille de site",
    "classeur_invalide": "Classeur avec des erreurs",
    "feuille_vide": "Feuille sans chiffres",
    "site_en_double": "Site reçu deux fois",
    "formation_en_double": "Formation en double",
    "site_repris": "Site repris",
}


def rule_name(rule: str) -> str:
    """The French name of a rule; an unknown identifier is turned into words."""
    name = RULE_NAMES.get(rule)
    if name:
        return name
    words = rule.replace("_", " ").strip()
    return (words[:1].upper() + words[1:]) or "Contrôle"


SEVERITY_NAMES = {"erreur": "Erreur", "avertissement": "Avertissement", "info": "Information"}
