"""Vérification du complément dans le vrai Excel (Windows ou macOS) : ce que Linux ne prouve pas.

    python -m ortkpi_xl.addin.excel_check CLASSEUR.xlsx [--complement ortkpi.xlam] [--auto]

Linux proves that the file decodes, that the ribbon names existing procedures and that two builds
are identical. Only Excel proves the rest, and this script does it step by step, printing
[OK], [ÉCHEC] or [À VOIR] per step:

1. Excel opens the add-in (built afresh unless --complement is given);
2. Windows: Excel's VBA editor holds our modules with our source (needs "Trust access to the VBA
   project object model"), and Debug > Compile succeeds;
3. a macro of the add-in runs (``OrtBuild.SelfTest``), i.e. Excel compiled the source-only
   project and resolves names across modules;
4. Windows: ``=ORT_TAUX_OBTENTION(9;12)`` computes 0.75 in a cell (xlwings UDF server, the
   Python recorded by ``ortkpi-xl complement --installer``);
5. on a copy of the given workbook (the original is never touched): Valider and Recalculer run
   as macros, the cells are read back and the changes listed; the errors xlwings would show in a
   pop-up go to an "Error" sheet of the copy instead, which is read back;
6. without --auto: the person clicks each ribbon button (InserJeunes asks for a file), the cells
   are read back after each click, and the function wizard is checked by eye.

Exit status: 0 no [ÉCHEC], 1 at least one, 2 could not run (no Excel, missing file).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from .build import (
    ADDIN_NAME,
    PROJECT_NAME,
    AddinSources,
    addin_sources,
    build_addin,
    self_test_answer,
    write_addin,
)

OK, FAILED, LOOK = "[OK]", "[ÉCHEC]", "[À VOIR]"
COMPILE_CONTROL_ID = 578  # VBE Debug > Compile, the same id in every language
UDF_TIMEOUT = 90.0  # seconds: the first call starts the Python COM server


class Report:
    """The steps and their verdicts, printed as they come."""

    def __init__(self) -> None:
        self.lines: list[tuple[str, str]] = []

    def add(self, verdict: str, text: str) -> None:
        self.lines.append((verdict, text))
        print(f"{verdict} {text}", flush=True)

    @property
    def failed(self) -> bool:
        return any(verdict == FAILED for verdict, _ in self.lines)


def code_lines(source: str) -> list[str]:
    """A module's code as the VBA editor shows it: no Attribute lines, no trailing blanks."""
    lines = [line.rstrip() for line in source.replace("\r\n", "\n").split("\n")]
    if lines and lines[0].startswith("VERSION "):
        lines = lines[lines.index("END") + 1 :]
    lines = [line for line in lines if not line.startswith("Attribute ")]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _snapshot(book) -> dict[tuple[str, int, int], object]:
    cells = {}
    for sheet in book.sheets:
        used = sheet.used_range
        values = used.options(ndim=2).value
        for i, row in enumerate(values):
            for j, value in enumerate(row):
                if value is not None:
                    cells[(sheet.name, used.row + i, used.column + j)] = value
    return cells


def _changes(before: dict, after: dict) -> list[str]:
    keys = sorted(set(before) | set(after))
    out = []
    for key in keys:
        if before.get(key) != after.get(key):
            sheet, row, col = key
            out.append(f"{sheet}!R{row}C{col} : {before.get(key)!r} → {after.get(key)!r}")
    return out


def _error_sheet(book) -> str | None:
    names = [sheet.name for sheet in book.sheets]
    if "Error" not in names:
        return None
    text = book.sheets["Error"]["A1"].value
    return str(text) if text else None


def _check_modules(report: Report, addin, sources: AddinSources) -> None:
    try:
        components = {c.Name: c.CodeModule for c in addin.api.VBProject.VBComponents}
    except Exception as exc:  # noqa: BLE001 - COM error: access not trusted
        report.add(
            LOOK,
            "Modules VBA non lus : activez Fichier > Options > Centre de gestion "
            "de la confidentialité > Paramètres des macros > « Accès approuvé au "
            f"modèle d'objet du projet VBA », puis relancez ({exc}).",
        )
        return
    for module in sources.modules:
        code = components.get(module.name)
        if code is None:
            report.add(FAILED, f"Module VBA {module.name} absent dans Excel.")
            continue
        count = code.CountOfLines
        text = code.Lines(1, count) if count else ""
        # The VBA editor harmonises the case of identifiers across the project (err/Err).
        shown = [line.lower() for line in code_lines(text)]
        ours = [line.lower() for line in code_lines(module.source)]
        if shown == ours:
            report.add(OK, f"Module {module.name} : Excel lit notre source ({count} lignes).")
        else:
            pairs = enumerate(zip(shown, ours, strict=False))
            first = next((i for i, (a, b) in pairs if a != b), min(len(shown), len(ours)))
            report.add(
                FAILED,
                f"Module {module.name} : le texte lu par Excel diffère du source "
                f"à partir de la ligne {first + 1}.",
            )
    try:
        vbe = addin.app.api.VBE
        vbe.ActiveVBProject = addin.api.VBProject
        compile_ = vbe.CommandBars.FindControl(Id=COMPILE_CONTROL_ID)
        print(
            "Compilation du projet VBA… (si une boîte « Erreur de compilation » s'ouvre, "
            "notez le module et la ligne : c'est un échec)",
            flush=True,
        )
        if compile_.Enabled:
            compile_.Execute()
        if compile_.Enabled:
            report.add(FAILED, "Débogage > Compiler n'a pas abouti.")
        else:
            report.add(OK, "Débogage > Compiler : le projet VBA compile sans erreur.")
    except Exception as exc:  # noqa: BLE001
        report.add(
            LOOK,
            f"Compilation non lancée ({exc}) : ouvrez l'éditeur VBA (Alt+F11) et "
            "faites Débogage > Compiler VBAProject à la main.",
        )


def _check_udf(report: Report, app) -> None:
    book = app.books.add()
    try:
        cell = book.sheets[0]["A1"]
        cell.formula = "=ORT_TAUX_OBTENTION(9,12)"
        book.sheets[0]["A2"].formula = "=ORT_TAUX_OBTENTION(3,0)"
        deadline = time.monotonic() + UDF_TIMEOUT
        value = cell.value
        while time.monotonic() < deadline and value != 0.75:
            time.sleep(1.0)
            app.calculate()
            value = cell.value
        if value == 0.75 and book.sheets[0]["A2"].value == "NC":
            report.add(OK, "=ORT_TAUX_OBTENTION(9;12) vaut 0,75 et (3;0) vaut NC dans Excel.")
        else:
            report.add(
                FAILED,
                f"=ORT_TAUX_OBTENTION(9;12) affiche {value!r} au lieu de 0,75 "
                "(voir « Messages connus » dans docs/installation.md).",
            )
    finally:
        book.close()


def _run_buttons(
    report: Report, app, addin, workbook: Path, interactive: bool, ask: Callable[[str], str]
) -> None:
    book = app.books.open(str(workbook))
    try:
        if not interactive:
            conf = book.sheets.add(f"{PROJECT_NAME}.conf", after=book.sheets[-1])
            conf["A1"].value = [["SHOW_ERROR_POPUPS", "'False"]]  # text, not a boolean
            book.sheets[0].activate()
        for macro, label in (("ORT.Valider", "Valider"), ("ORT.Recalculer", "Recalculer")):
            book.activate()
            before = _snapshot(book)
            addin.macro(macro)()
            _report_effect(report, book, label, before)
        if interactive:
            for label in ("Recalculer", "Valider", "Importer InserJeunes", "À propos"):
                before = _snapshot(book)
                ask(
                    f"Dans Excel, onglet « Indicateurs ORT », cliquez sur « {label} » "
                    "(et répondez aux fenêtres), puis appuyez sur Entrée ici. "
                )
                _report_effect(report, book, f"clic sur {label}", before)
            answer = ask(
                "Assistant fonction (fx) : la catégorie « Indicateurs ORT » montre-t-elle "
                "ORT_TAUX_OBTENTION avec une description et des arguments en français ? "
                "[o/n] "
            )
            report.add(
                OK if answer.strip().lower().startswith("o") else FAILED,
                "Assistant fonction : catégorie et textes français (vu par la personne).",
            )
        else:
            report.add(
                LOOK,
                "Boutons du ruban et bouton InserJeunes (boîte de choix de fichier) "
                "non cliqués : relancez sans --auto pour les vérifier.",
            )
    finally:
        book.close()


def _report_effect(report: Report, book, label: str, before: dict) -> None:
    error = _error_sheet(book)
    if error:
        report.add(FAILED, f"{label} : Python a signalé une erreur : {error[:400]}")
        book.sheets["Error"].delete()
        return
    changes = _changes(before, _snapshot(book))
    sample = "; ".join(changes[:5]) + (" ; …" if len(changes) > 5 else "")
    report.add(
        LOOK if not changes else OK,
        f"{label} : {len(changes)} cellule(s) modifiée(s)"
        + (f" ({sample})" if changes else " (déjà à jour ?)"),
    )


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m ortkpi_xl.addin.excel_check",
        description="Vérifie le complément ortkpi.xlam dans Excel (Windows ou macOS).",
    )
    parser.add_argument("classeur", help="classeur des indicateurs (une copie est utilisée)")
    parser.add_argument(
        "--complement",
        metavar="FICHIER",
        help="complément à vérifier (par défaut : construit à l'instant)",
    )
    parser.add_argument(
        "--auto",
        action="store_true",
        help="aucune question : les clics sur le ruban restent à vérifier",
    )
    parser.add_argument(
        "--garder-excel", action="store_true", help="laisse Excel ouvert à la fin (pour regarder)"
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None, ask: Callable[[str], str] = input) -> int:
    """Run the checks; see the module docstring."""
    args = parse_args(argv)
    if sys.platform not in ("win32", "darwin"):
        print(
            "Cette vérification a besoin d'Excel : lancez-la sur un poste Windows ou macOS "
            "où Excel et ortkpi-xl sont installés.",
            file=sys.stderr,
        )
        return 2
    workbook = Path(args.classeur)
    if not workbook.is_file():
        print(f"Classeur introuvable : {workbook}", file=sys.stderr)
        return 2
    import xlwings as xw

    report = Report()
    sources = addin_sources()
    with tempfile.TemporaryDirectory(prefix="ortkpi-excel-check-") as tmp:
        addin_path = (
            Path(args.complement)
            if args.complement
            else write_addin(Path(tmp) / ADDIN_NAME, build_addin(sources))
        )
        copy = Path(tmp) / f"copie-{workbook.name}"
        shutil.copyfile(workbook, copy)
        app = xw.App(visible=True, add_book=False)
        try:
            addin = app.books.open(str(addin_path.resolve()))
            report.add(OK, f"Excel ouvre le complément {addin_path}.")
            if sys.platform == "win32":
                _check_modules(report, addin, sources)
            answer = addin.macro("OrtBuild.SelfTest")()
            expected = self_test_answer(sources.xlwings_version)
            report.add(
                OK if answer == expected else FAILED,
                f"Une macro du complément s'exécute : « {answer} » (attendu « {expected} »).",
            )
            if sys.platform == "win32":
                _check_udf(report, app)
            else:
                report.add(LOOK, "Fonctions ORT_* : Windows uniquement (limite de xlwings).")
            _run_buttons(report, app, addin, copy, not args.auto, ask)
        finally:
            if not args.garder_excel:
                app.quit()
    failures = sum(verdict == FAILED for verdict, _ in report.lines)
    looks = sum(verdict == LOOK for verdict, _ in report.lines)
    print(
        f"\nBilan : {len(report.lines) - failures - looks} OK, {failures} échec(s), "
        f"{looks} point(s) à voir."
    )
    return 1 if report.failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
