"""La ligne de commande ``ortkpi-xl``.

A thin layer: each sub-command parses its arguments, calls the library and turns an
``OrtkpiError`` into one French sentence on stderr and exit status 2. No traceback reaches staff
unless ``ORTKPI_DEBUG=1`` is set.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from . import __version__
from .config import DEFAULT_ORIGIN, Config, default_config_text, find_config, load_config
from .errors import OrtkpiError
from .indicators import INDICATORS

EXIT_OK, EXIT_FINDINGS, EXIT_FAILURE = 0, 1, 2

# Sub-commands register here: name → (add_arguments, run, help).
AddArguments = Callable[[argparse.ArgumentParser], None]
Run = Callable[[argparse.Namespace], int]
COMMANDS: dict[str, tuple[AddArguments, Run, str]] = {}


def register(
    name: str, help_text: str, run: Run, add_arguments: AddArguments | None = None
) -> None:
    """Make ``run`` the sub-command ``name`` (``add_arguments`` declares its arguments)."""
    COMMANDS[name] = (add_arguments or (lambda parser: None), run, help_text)


_ARGPARSE_FR = (
    ("invalid choice", "choix invalide"),
    ("choose from", "choisir parmi"),
    ("the following arguments are required", "arguments obligatoires manquants"),
    ("unrecognized arguments", "arguments non reconnus"),
    ("expected one argument", "une valeur est attendue"),
    ("argument ", "argument "),
)


def config_option(parser: argparse.ArgumentParser) -> None:
    """The ``--config`` option every command takes (``build_parser`` adds it where missing)."""
    parser.add_argument(
        "--config",
        metavar="FICHIER",
        help="fichier de réglages ; sans cette option : config.yaml à côté du classeur, sinon "
        "dans le dossier courant, sinon le fichier nommé par ORTKPI_CONFIG, sinon les réglages "
        "par défaut",
    )


def config_of(args: argparse.Namespace, workbook: str | Path | None = None) -> Config:
    """The settings of this run (``find_config``), said once so a person knows which file counts.

    The line goes to stdout with the report, or to stderr when stdout carries JSON.
    """
    settings = getattr(args, "_settings", None)
    if settings is None:
        settings = find_config(workbook, getattr(args, "config", None))
        args._settings = settings
        stream = sys.stderr if getattr(args, "json", False) else sys.stdout
        print(f"Réglages : {settings.origine}", file=stream)
    return settings


class _FrenchFormatter(argparse.HelpFormatter):
    """French typography: « usage : », « options : » (a space before the colon)."""

    def add_usage(self, usage, actions, groups, prefix=None):  # argparse API
        super().add_usage(usage, actions, groups, "usage : " if prefix is None else prefix)

    def start_section(self, heading):  # argparse API: it writes heading + ":"
        super().start_section(f"{heading} " if heading else heading)


class _FrenchParser(argparse.ArgumentParser):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("add_help", False)
        kwargs.setdefault("formatter_class", _FrenchFormatter)
        super().__init__(*args, **kwargs)
        self.add_argument("-h", "--help", action="help", help="affiche cette aide et quitte")

    def error(self, message: str) -> None:  # argparse API
        for english, french in _ARGPARSE_FR:
            message = message.replace(english, french)
        message = re.sub(r"(?<=\S):(?= )", " :", message)  # French: a space before the colon
        self.print_usage(sys.stderr)
        self.exit(EXIT_FAILURE, f"{self.prog} : erreur : {message}\n")


def _config_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--verifier",
        metavar="FICHIER",
        help="vérifie un fichier config.yaml au lieu d'afficher les réglages par défaut",
    )


def _run_config(args: argparse.Namespace) -> int:
    if args.verifier:
        config = load_config(args.verifier)
        print(
            f"{args.verifier} : configuration valide (seuil petit effectif "
            f"{config.seuil_petit_effectif}, mot « {config.mots.non_calculable} »)."
        )
        return EXIT_OK
    here = find_config(None, args.config)
    if here.origine == DEFAULT_ORIGIN:
        sys.stdout.write("# Aucun config.yaml ici : ces réglages par défaut sont en vigueur.\n")
    else:
        sys.stdout.write(
            f"# En vigueur ici : {here.origine}, qui remplace les clés qu'il nomme ; les autres "
            "gardent ces valeurs par défaut.\n"
        )
    sys.stdout.write(default_config_text())
    return EXIT_OK


register(
    "config",
    "affiche les réglages par défaut, ou vérifie un config.yaml",
    _run_config,
    _config_arguments,
)


def _run_indicateurs(args: argparse.Namespace) -> int:
    config = config_of(args)
    for ind in INDICATORS:
        print(f"{ind.number:>2}. {ind.title} — {ind.definition}")
    words = config.mots
    print(
        f"\nÀ la place d'un chiffre : « {words.non_calculable} » quand un taux n'est pas "
        f"calculable, « {words.petit_effectif} » pour les indicateurs 9 à 11 en dessous de "
        f"{config.seuil_petit_effectif} entrants, « {words.en_attente} » quand un chiffre "
        "extérieur n'est pas encore connu."
    )
    return EXIT_OK


register("indicateurs", "liste les 11 indicateurs et leur définition", _run_indicateurs)


def build_parser() -> argparse.ArgumentParser:
    parser = _FrenchParser(
        prog="ortkpi-xl",
        description=(
            "Indicateurs de performance des CFA du réseau ORT (art. L6111-8 du code du "
            "travail) : calcul, contrôle et mise en forme du classeur Excel des indicateurs."
        ),
        epilog="Exemple : ortkpi-xl recalculer indicateurs.xlsx -o indicateurs-calcules.xlsx",
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"ortkpi-xl {__version__}",
        help="affiche la version et quitte",
    )
    parser._optionals.title = "options"
    parser._positionals.title = "commandes"
    sub = parser.add_subparsers(dest="commande", metavar="COMMANDE", parser_class=_FrenchParser)
    order = [
        "modele",
        "recalculer",
        "valider",
        "inserjeunes",
        "synthese",
        "publier",
        "complement",
        "config",
        "indicateurs",
    ]
    names = sorted(COMMANDS, key=lambda n: (order.index(n) if n in order else len(order), n))
    for name in names:
        add_arguments, run, help_text = COMMANDS[name]
        p = sub.add_parser(name, help=help_text, description=help_text)
        p._optionals.title = "options"
        p._positionals.title = "arguments"
        add_arguments(p)
        if not any("--config" in action.option_strings for action in p._actions):
            config_option(p)
        p.set_defaults(run=run)
    return parser


def _load_commands() -> None:
    """Import the modules that register sub-commands (kept out of the core's imports)."""
    from . import commands  # noqa: F401


def main(argv: Sequence[str] | None = None) -> int:
    _load_commands()
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return EXIT_OK
    try:
        if getattr(args, "config", None):
            load_config(args.config)  # an explicit file is checked before anything is read
        return args.run(args)
    except OrtkpiError as exc:
        if getattr(args, "json", False):  # a program reading stdout gets JSON there too
            json.dump({"erreur": str(exc)}, sys.stdout, ensure_ascii=False)
            sys.stdout.write("\n")
        print(f"Erreur : {exc}", file=sys.stderr)
        return EXIT_FAILURE
    except BrokenPipeError:  # output piped into head, less…: not an error
        sys.stderr.close()
        return EXIT_OK
    except KeyboardInterrupt:
        print("Interrompu : rien n'a été modifié.", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - staff never see a traceback
        if os.environ.get("ORTKPI_DEBUG") == "1":
            raise
        print(
            f"Erreur interne d'ortkpi-xl ({type(exc).__name__} : {exc}). Relancez avec "
            "ORTKPI_DEBUG=1 pour le détail et signalez-la.",
            file=sys.stderr,
        )
        return EXIT_FAILURE
