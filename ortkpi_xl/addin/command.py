"""``ortkpi-xl complement``: build the Excel add-in, write it to a file or install it."""

from __future__ import annotations

import argparse

from .. import __version__
from ..cli import EXIT_OK, register

HELP = (
    "construit le complément Excel ortkpi.xlam (onglet « Indicateurs ORT », fonctions "
    "ORT_*) ; --installer le place dans le dossier de démarrage d'Excel de ce poste"
)


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-o",
        "--sortie",
        metavar="FICHIER",
        help="fichier .xlam à écrire (par défaut ortkpi.xlam dans le dossier courant, "
        "sauf avec --installer seul)",
    )
    parser.add_argument(
        "--installer",
        action="store_true",
        help="installe le complément pour l'utilisateur courant (Windows : dossier XLSTART ; "
        "macOS : dossier de démarrage d'Excel) et y inscrit ce Python",
    )


def _run(args: argparse.Namespace) -> int:
    import xlwings

    from .build import ADDIN_NAME, build_addin, write_addin
    from .install import install_addin, startup_folder

    if args.installer:
        startup_folder()  # on a machine without Excel, say so before doing anything
    data = build_addin()
    if args.sortie or not args.installer:
        path = write_addin(args.sortie or ADDIN_NAME, data)
        print(
            f"Complément écrit : {path} ({len(data) // 1024} Ko ; ortkpi-xl {__version__}, "
            f"xlwings {xlwings.__version__})."
        )
        if not args.installer:
            print(
                "Pour l'installer sur ce poste : ortkpi-xl complement --installer "
                "(pas à pas : docs/installation.md)."
            )
    if args.installer:
        report = install_addin(data)
        print(f"Complément installé : {report.addin}")
        print(f"Python utilisé par les boutons et les fonctions : {report.interpreter}")
        print(f"  (réglage enregistré dans {report.config})")
        if report.applescript is not None:
            print(f"Script de xlwings pour macOS copié : {report.applescript}")
        for note in report.notes:
            print(note)
        print("Fermez puis rouvrez Excel : l'onglet « Indicateurs ORT » apparaît dans le ruban.")
        print("Pour vérifier le complément dans Excel, avec ce Python-là (docs/installation.md) :")
        print(f"  {report.check}")
    return EXIT_OK


register("complement", HELP, _run, _arguments)
