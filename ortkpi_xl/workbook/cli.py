"""Sub-commands on workbooks: ``modele``, ``recalculer``, ``valider``."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from itertools import groupby
from pathlib import Path

from ..cli import EXIT_FAILURE, EXIT_FINDINGS, EXIT_OK, config_of, config_option, register
from ..findings import Finding, Severity, count_by_severity, ready_for_submission
from ..readiness import detail_findings, report_lines
from ..readiness import verdict as readiness_verdict
from .patch import write_workbook
from .reader import read_workbook
from .recalc import recalculate, validate
from .template import write_template


# -- modele -------------------------------------------------------------------------------------
def _modele_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("sortie", metavar="SORTIE", help="classeur à créer (.xlsx)")
    config_option(parser)


def _run_modele(args: argparse.Namespace) -> int:
    target = Path(args.sortie)
    if target.exists():
        print(
            f"Erreur : « {target} » existe déjà : le modèle ne remplace pas un classeur. "
            "Choisissez un autre nom, ou supprimez d'abord ce fichier.",
            file=sys.stderr,
        )
        return EXIT_FAILURE
    if target.suffix.lower() != ".xlsx":
        print(
            "Erreur : le modèle s'enregistre au format .xlsx (par exemple modele.xlsx).",
            file=sys.stderr,
        )
        return EXIT_FAILURE
    write_template(target, config_of(args, target))
    print(f"Modèle écrit : {target}")
    return EXIT_OK


register(
    "modele",
    "crée le classeur modèle des indicateurs (feuilles des sites, contrôles)",
    _run_modele,
    _modele_arguments,
)


# -- recalculer ---------------------------------------------------------------------------------
def _recalculer_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("classeur", metavar="CLASSEUR", help="classeur des indicateurs")
    parser.add_argument(
        "-o",
        "--sortie",
        metavar="SORTIE",
        help="classeur à écrire ; sans cette option, CLASSEUR est remplacé",
    )
    config_option(parser)


def _run_recalculer(args: argparse.Namespace) -> int:
    config = config_of(args, args.classeur)
    source = Path(args.classeur)
    target = Path(args.sortie) if args.sortie else source
    book = read_workbook(source, config)
    result = recalculate(book, config)
    report = write_workbook(source, target, result.changes, config)
    counts = count_by_severity(result.findings)
    pending = result.pending
    print(
        f"Recalculé : {len(result.sheets)} feuille(s) de site ({', '.join(result.sheets)}), "
        f"{result.rows} ligne(s) de formation."
    )
    print(f"Chiffres en attente (jaune) : {pending}.")
    print(
        f"Contrôles : {counts[Severity.ERREUR]} erreur(s), "
        f"{counts[Severity.AVERTISSEMENT]} avertissement(s), {counts[Severity.INFO]} "
        "information(s) — détail dans la feuille « Contrôles »."
    )
    for line in report.messages():
        print(line)
    if report.backup:
        print(f"Version précédente gardée : {report.backup}")
    print(f"Écrit : {target}")
    return EXIT_OK


register(
    "recalculer",
    "calcule tous les indicateurs de toutes les feuilles de site",
    _run_recalculer,
    _recalculer_arguments,
)


# -- valider ------------------------------------------------------------------------------------
def _valider_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("classeur", metavar="CLASSEUR", help="classeur des indicateurs")
    parser.add_argument(
        "--json",
        action="store_true",
        help="écrit les constats en JSON (gravite, feuille, cellule, regle, message)",
    )
    parser.add_argument(
        "--gravite",
        choices=[s.value for s in Severity],
        default="info",
        help="n'affiche que les constats de cette gravité ou plus graves",
    )
    config_option(parser)


_RANK = {Severity.ERREUR: 0, Severity.AVERTISSEMENT: 1, Severity.INFO: 2}


def _at_least(findings: list[Finding], severity: Severity) -> list[Finding]:
    return [f for f in findings if _RANK[f.gravite] <= _RANK[severity]]


def format_findings(
    findings: list[Finding],
    name: str,
    at_least: Severity = Severity.INFO,
    order: Sequence[str] = (),
) -> str:
    """Human report: each site's state first, then the findings of ``at_least`` or graver, by
    sheet in ``order`` (the tab order; other sheets after, by name), errors first; the bilan
    counts every finding and says how many were left out."""
    lines = [f"Classeur : {name}", *report_lines(findings, order)]
    shown = _at_least(detail_findings(findings), at_least)
    rank = {sheet: i for i, sheet in enumerate(order)}
    by_sheet = sorted(shown, key=lambda f: (rank.get(f.feuille, len(rank)), f.feuille))
    for sheet, group in groupby(by_sheet, key=lambda f: f.feuille):
        items = sorted(group, key=lambda f: _RANK[f.gravite])
        lines.append("")
        lines.append(f"Feuille « {sheet} »")
        for f in items:
            lines.append(f"  {f.gravite.value:<13} {f.cellule:<7} {f.message}")
    counts = count_by_severity(findings)
    verdict = readiness_verdict(findings, order)
    lines.append("")
    lines.append(
        f"Bilan : {counts[Severity.ERREUR]} erreur(s), "
        f"{counts[Severity.AVERTISSEMENT]} avertissement(s), "
        f"{counts[Severity.INFO]} information(s) — {verdict}."
    )
    hidden = [s for s in Severity if _RANK[s] > _RANK[at_least] and counts[s]]
    if hidden:
        left_out = " et ".join(f"{counts[s]} {_PLURAL[s]}" for s in hidden)
        lines.append(
            f"Affichés ici : {_SHOWN[at_least]} ; non affichés : {left_out} "
            "(--gravite info pour tout voir)."
        )
    return "\n".join(lines)


_SHOWN = {
    Severity.ERREUR: "les erreurs seulement",
    Severity.AVERTISSEMENT: "les erreurs et les avertissements",
}
_PLURAL = {
    Severity.ERREUR: "erreur(s)",
    Severity.AVERTISSEMENT: "avertissement(s)",
    Severity.INFO: "information(s)",
}


def _run_valider(args: argparse.Namespace) -> int:
    config = config_of(args, args.classeur)
    book = read_workbook(Path(args.classeur), config)
    findings = validate(book, config)
    at_least = Severity(args.gravite)
    if args.json:
        shown = _at_least(findings, at_least)
        json.dump([f.as_dict() for f in shown], sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        order = [sheet.name for sheet in book.sheets] + list(config.feuilles_sites)
        print(format_findings(findings, Path(args.classeur).name, at_least, order))
    return EXIT_OK if ready_for_submission(findings) else EXIT_FINDINGS


register(
    "valider",
    "contrôle le classeur avant l'envoi (code 0 : prêt, 1 : erreurs)",
    _run_valider,
    _valider_arguments,
)
