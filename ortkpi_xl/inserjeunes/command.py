"""``ortkpi-xl inserjeunes CLASSEUR FICHIER... [-o SORTIE] [--remplacer]``."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..cli import EXIT_OK, config_of, config_option, register
from ..workbook.patch import write_workbook
from ..workbook.reader import read_workbook
from .apply import import_figures
from .reading import read_files
from .report import format_report


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("classeur", metavar="CLASSEUR", help="classeur des indicateurs")
    parser.add_argument(
        "fichiers",
        metavar="FICHIER",
        nargs="+",
        help="fichiers InserJeunes tels que téléchargés (CSV ou JSON)",
    )
    parser.add_argument(
        "-o",
        "--sortie",
        metavar="SORTIE",
        help="classeur à écrire ; sans cette option, CLASSEUR est remplacé",
    )
    parser.add_argument(
        "--remplacer",
        action="store_true",
        help="remplace aussi les chiffres déjà saisis (jamais sans cette option)",
    )
    config_option(parser)


def _run(args: argparse.Namespace) -> int:
    config = config_of(args, args.classeur)
    data = read_files([Path(p) for p in args.fichiers])  # nothing is written if this fails
    source = Path(args.classeur)
    target = Path(args.sortie) if args.sortie else source
    book = read_workbook(source, config)
    result = import_figures(book, data, config, remplacer=args.remplacer)
    report = write_workbook(source, target, result.changes, config)
    print(format_report(result.plans), end="")
    for line in report.messages():
        print(line)
    print(f"\n{result.written} chiffre(s) écrit(s) ; détail dans la feuille « Contrôles ».")
    print(f"Écrit : {target}")
    return EXIT_OK


register(
    "inserjeunes",
    "remplit les chiffres InserJeunes (taux d'emploi, valeur ajoutée "
    "officielle) à partir des fichiers téléchargés",
    _run,
    _arguments,
)
