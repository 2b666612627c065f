"""Sub-commands for the network: ``synthese`` (consolidation) and ``publier`` (web pages)."""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import sys
from pathlib import Path
from typing import TextIO

from .cli import EXIT_FAILURE, EXIT_FINDINGS, EXIT_OK, config_of, config_option, register
from .config import Config
from .consolidate import consolidate, workbook_paths
from .errors import InputDataError
from .findings import Severity
from .normalize import label_key
from .publish import publish
from .readiness import COVERAGE_RULES, configured_sites
from .synthesis import Summary
from .workbook.outputs import official_of, readiness_of, site_synthesis
from .workbook.reader import read_workbook
from .workbook.recalc import recalculate


class ProgressBar:
    """A progress bar on stderr, drawn by hand (no dependency for 20 lines).

    On a terminal it redraws one line; elsewhere (a log, a pipe) it writes one line per step so
    the log stays readable.
    """

    def __init__(self, stream: TextIO | None = None, *, width: int = 30, tty: bool | None = None):
        self.stream = stream if stream is not None else sys.stderr
        self.width = width
        self.tty = self.stream.isatty() if tty is None else tty
        self._drawn = False

    def __call__(self, done: int, total: int, name: str) -> None:
        if not self.tty:
            if name:
                self.stream.write(f"[{done + 1}/{total}] {name}\n")
            self.stream.flush()
            return
        filled = self.width * done // total if total else self.width
        percent = 100 * done // total if total else 100
        bar = "█" * filled + "░" * (self.width - filled)
        label = f"lecture de {name}" if name else "lu, écriture du classeur du réseau…"
        line = f"\r{bar} {percent:3d} % ({done}/{total}) {label}"[:110]
        self.stream.write(line.ljust(110))
        self._drawn = True
        if done >= total:
            self.stream.write("\n")
            self._drawn = False
        self.stream.flush()


def _summary_line(summary: Summary, config: Config) -> str:
    parts = []
    for key in ("presentation", "obtention", "poursuite"):
        pooled = summary.pooled[key]
        parts.append(f"{pooled.indicator.title.lower()} {pooled.text(config)} ({pooled.basis()})")
    return (
        f"{summary.name} : {len(summary.programmes)} formation(s), "
        f"{summary.entrants:.0f} entrants ; " + " ; ".join(parts) + f" ; {summary.pending} "
        f"chiffre(s) en attente ; {summary.errors} erreur(s)."
    )


# -- synthese -----------------------------------------------------------------------------------
def _synthese_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "classeurs",
        metavar="CLASSEUR",
        nargs="+",
        help="classeurs des sites (.xlsx/.xlsm) ou dossiers qui les contiennent",
    )
    parser.add_argument(
        "-o",
        "--sortie",
        metavar="RESEAU",
        required=True,
        help="classeur du réseau à écrire (.xlsx)",
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help="écrit le bilan en JSON (classeurs, sites repris, problèmes)",
    )
    config_option(parser)
    parser.epilog = "Exemple : ortkpi-xl synthese classeurs-des-sites/ -o reseau.xlsx"


def _run_synthese(args: argparse.Namespace) -> int:
    config = config_of(args, args.sortie)
    target = Path(args.sortie)
    # Refusals are raised, not printed: the CLI says them in French, and in JSON with --json.
    if target.suffix.lower() != ".xlsx":
        raise InputDataError("le classeur du réseau s'enregistre en .xlsx (reseau.xlsx).")
    if any(Path(c).resolve() == target.resolve() for c in args.classeurs):
        raise InputDataError(
            f"« {target.name} » est à la fois un classeur à rassembler et la sortie : "
            "choisissez un autre nom pour le classeur du réseau."
        )
    paths = workbook_paths(
        args.classeurs, exclude=[target], backup_suffix=config.suffixe_sauvegarde
    )
    missing = [p for p in paths if not p.exists()]
    if not paths or len(missing) == len(paths):
        raise InputDataError(
            "aucun classeur à consolider (donnez des fichiers .xlsx/.xlsm ou un dossier "
            "qui en contient)."
        )
    result = consolidate(paths, target, config, progress=ProgressBar())
    if args.json:
        json.dump(
            {
                "classeurs": [str(p) for p in result.inputs],
                "sites": [
                    {"site": s.name, "classeur": s.source.name, "lignes": len(s.rows)}
                    for s in result.sites
                ],
                "problemes": [i.as_dict() for i in result.issues],
                "sortie": str(target),
            },
            sys.stdout,
            ensure_ascii=False,
            indent=2,
        )
        sys.stdout.write("\n")
        return EXIT_OK if result.ok else EXIT_FINDINGS
    print(
        f"Consolidation : {len(result.inputs)} classeur(s) lu(s), {len(result.sites)} site(s) "
        f"repris ({', '.join(s.name for s in result.sites)})."
    )
    shown = [i for i in result.issues if i.gravite is not Severity.INFO]
    if shown:
        print("Problèmes :")
        for issue in shown:
            where = f"{issue.classeur}" + (f", « {issue.feuille} »" if issue.feuille else "")
            print(f"  {issue.gravite.value:<13} {where} : {issue.message}")
    skipped = [i for i in result.issues if i.regle == "feuille_vide"]
    if skipped:
        print(f"Feuilles vides non reprises : {len(skipped)}.")
    if result.synthesis is not None:
        for summary in result.synthesis.sites:
            print(_summary_line(summary, config))
        network = configured_sites(config)
        known = {label_key(n, drop_number=False) for n in network}
        network += [
            s.name
            for s in result.synthesis.sites
            if label_key(s.name, drop_number=False) not in known
        ]
        present = [s.name for s in result.synthesis.sites if s.has_data]
        print(
            f"{_summary_line(result.synthesis.network, config)[:-1]} — chiffres regroupés sur "
            f"{len(present)} site{'s' if len(present) > 1 else ''} sur {len(network)}."
        )
    print(f"Écrit : {target} (feuilles « Synthèse », « Consolidation », « Contrôles »)")
    return EXIT_OK if result.ok else EXIT_FINDINGS


register(
    "synthese",
    "rassemble les classeurs des sites en un classeur du réseau, avec sa synthèse",
    _run_synthese,
    _synthese_arguments,
)


# -- publier ------------------------------------------------------------------------------------
def _date(text: str) -> _dt.date:
    try:
        return _dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"date invalide « {text} » (attendu : AAAA-MM-JJ, par exemple 2026-09-01)"
        ) from None


def _publier_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("classeur", metavar="CLASSEUR", help="classeur des indicateurs")
    parser.add_argument(
        "-o", "--sortie", metavar="DOSSIER", required=True, help="dossier des pages à écrire"
    )
    parser.add_argument(
        "--date",
        type=_date,
        metavar="AAAA-MM-JJ",
        help="date de publication affichée (par défaut : aujourd'hui)",
    )
    parser.add_argument(
        "--malgre-erreurs",
        action="store_true",
        help="publie même si la validation trouve des erreurs (déconseillé)",
    )
    config_option(parser)
    parser.epilog = "Exemple : ortkpi-xl publier indicateurs.xlsx -o site-web/indicateurs"


def _run_publier(args: argparse.Namespace) -> int:
    config = config_of(args, args.classeur)
    source = Path(args.classeur)
    book = read_workbook(source, config)
    recalculation = recalculate(book, config)  # the figures as Recalculer computes them now
    findings = recalculation.findings
    # a site without figures does not make the others' figures wrong: it is published as
    # « résultats à venir », not a reason to refuse
    errors = [f for f in findings if f.gravite is Severity.ERREUR and f.regle not in COVERAGE_RULES]
    if errors and not args.malgre_erreurs:
        print(
            f"Erreur : {len(errors)} erreur(s) de validation — des chiffres incohérents ne doivent "
            f"pas être publiés. Corrigez-les (ortkpi-xl valider {source.name}) ou relancez avec "
            "--malgre-erreurs.",
            file=sys.stderr,
        )
        for finding in errors[:5]:
            print(f"  « {finding.feuille} » {finding.message}", file=sys.stderr)
        return EXIT_FINDINGS
    results = recalculation.results
    synthesis = site_synthesis(results, findings)
    readiness = readiness_of(book, results, findings, config, synthesis)
    result = publish(
        synthesis,
        Path(args.sortie),
        config,
        day=args.date,
        readiness=readiness,
        official=official_of(book),
    )
    for site, path in result.pages.items():
        print(f"Page du site {site} : {path}")
    if result.index:
        print(f"Index du réseau : {result.index}")
    for status in readiness.sites:
        if status.name not in result.pages:
            why = (
                "pas de feuille dans le classeur" if not status.has_sheet else "aucun chiffre saisi"
            )
            print(f"{status.name} : {why}, pas de page (« résultats à venir » dans l'index).")
    if not result.pages:
        print("Erreur : aucun site n'a de chiffres à publier.", file=sys.stderr)
        return EXIT_FAILURE
    print("Pages autonomes (aucune ressource extérieure) : copiez le dossier sur le site web.")
    return EXIT_OK


register(
    "publier",
    "écrit les pages web des indicateurs à publier (une par site et un index)",
    _run_publier,
    _publier_arguments,
)
