"""``ortkpi-xl inserjeunes CLASSEUR FICHIER... [-o SORTIE] [--remplacer]``."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..cli import EXIT_OK, config_of, config_option, register
from ..workbook.changes import UNSET
from ..workbook.layout import column_letter
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
    figures = {
        (sheet, f"{column_letter(c.column)}{c.row}")
        for sheet, changes in result.changes.cells.items()
        for c in changes
        if isinstance(c.value, (int, float)) and not isinstance(c.value, bool)
    }
    print(format_report(result.plans, figures), end="")
    for line in report.messages():
        print(line)
    recalculated = sum(1 for sheet, changes in result.recalculation.changes.cells.items()
                       for c in changes if c.value is not UNSET)  # fmt: skip
    print(
        f"\n{result.written} chiffre(s) InserJeunes écrit(s) ; le recalcul qui suit a mis à jour "
        f"{recalculated} cellule(s) des feuilles de site ; détail dans la feuille « Contrôles »."
    )
    print(f"Écrit : {target}")
    return EXIT_OK


register(
    "inserjeunes",
    "remplit les chiffres InserJeunes (taux d'emploi, valeur ajoutée "
    "officielle) à partir des fichiers téléchargés",
    _run,
    _arguments,
)
