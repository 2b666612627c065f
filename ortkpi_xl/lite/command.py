"""``ortkpi-xl lite``: the indicators workbook with the tool inside, for xlwings Lite."""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from ..cli import EXIT_OK, config_of, config_option, register
from ..config import load_config
from ..errors import WorkbookError
from ..xlsx.atomic import replace_atomically
from ..xlsx.guard import check_can_write

HELP = (
    "écrit un classeur qui porte ortkpi-xl pour xlwings Lite (boutons Recalculer, Valider, "
    "Importer InserJeunes et fonctions ORT_*, sans Python sur le poste)"
)


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "classeur",
        metavar="CLASSEUR",
        nargs="?",
        help="classeur des indicateurs à équiper (sans lui : un classeur modèle neuf)",
    )
    parser.add_argument(
        "-o",
        "--sortie",
        metavar="SORTIE",
        required=True,
        help="classeur à écrire (.xlsx, ou .xlsm si CLASSEUR en est un) ; main.py et "
        "requirements.txt sont aussi écrits à côté",
    )
    config_option(parser)


def companion_files(target: Path) -> tuple[Path, Path]:
    """The copies of main.py and requirements.txt written beside the workbook."""
    return (
        target.with_name(f"{target.stem}.main.py"),
        target.with_name(f"{target.stem}.requirements.txt"),
    )


def _settings(args: argparse.Namespace) -> tuple[str | None, str]:
    """The config.yaml the workbook carries: --config, else the one beside CLASSEUR.

    xlwings Lite has no folder to look in: the settings travel inside main.py."""
    path = Path(args.config) if args.config else None
    if path is None and args.classeur:
        beside = Path(args.classeur).parent / "config.yaml"
        path = beside if beside.is_file() else None
    if path is None:
        return None, "aucun (réglages par défaut)"
    load_config(path)  # a wrong file is refused here, in French, not in Excel
    return path.read_text(encoding="utf-8-sig"), str(path)


def _write_text(path: Path, text: str) -> None:
    def produce(tmp: Path) -> None:
        tmp.write_text(text, encoding="utf-8", newline="\n")

    replace_atomically(path, produce, lambda tmp: None, None)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (b.exists() and a.samefile(b))
    except OSError:
        return False


def _run(args: argparse.Namespace) -> int:
    from .bundle import build_bundle, requirements
    from .mainpy import main_py
    from .package import write_lite_workbook

    target = Path(args.sortie)
    if target.suffix.lower() not in (".xlsx", ".xlsm"):
        raise WorkbookError(
            f"{target.name} : xlwings Lite travaille sur un classeur .xlsx (ou .xlsm) ; "
            "choisissez un nom qui finit ainsi."
        )
    if not target.parent.is_dir():
        raise WorkbookError(f"Le dossier {target.parent} n'existe pas : créez-le d'abord.")
    in_place = bool(args.classeur) and _same_file(Path(args.classeur), target)
    if target.exists() and not in_place:
        raise WorkbookError(
            f"« {target} » existe déjà : lite n'écrit pas par-dessus un autre classeur. "
            "Choisissez un autre nom avec -o, ou donnez ce classeur en premier argument pour "
            "l'équiper lui-même."
        )
    check_can_write(target, replacing=in_place)  # open in Excel, read-only: said now
    settings, origin = _settings(args)
    bundle = build_bundle()
    code = main_py(bundle, settings)
    needs = requirements(bundle.third_party)
    settings = {"main.py": code, "requirements.txt": needs}
    with tempfile.TemporaryDirectory(prefix="ortkpi-lite-") as folder:
        if args.classeur:
            source = Path(args.classeur)
            if source.suffix.lower() != target.suffix.lower():
                raise WorkbookError(
                    f"{target.name} doit garder l'extension de {source.name} "
                    f"({source.suffix}) : Excel refuse d'ouvrir un classeur sous une autre."
                )
        else:
            from ..workbook.template import write_template

            if target.suffix.lower() != ".xlsx":
                raise WorkbookError("Le classeur modèle s'écrit au format .xlsx.")
            source = Path(folder) / "modele.xlsx"
            write_template(source, config_of(args))
        where = write_lite_workbook(source, target, settings)
    main_copy, requirements_copy = companion_files(target)
    _write_text(main_copy, code)
    _write_text(requirements_copy, needs)
    action = "remplacé" if where.replaced else "ajouté"
    print(
        f"Classeur pour xlwings Lite écrit : {target} (code {action} dans {where.webextension} ; "
        f"main.py {len(code.encode('utf-8')) // 1024} Ko, dont ortkpi_xl en "
        f"{len(bundle.modules)} modules)."
    )
    print(f"Copies pour l'éditeur de xlwings Lite : {main_copy.name}, {requirements_copy.name}.")
    print(f"Réglages emportés : {origin}.")
    print(
        "Ouvrez le classeur dans Excel avec le complément xlwings Lite : voir docs/lite.md "
        "(installer xlwings Lite, faire confiance au classeur, cliquer sur Recalculer)."
    )
    return EXIT_OK


register("lite", HELP, _run, _arguments)
