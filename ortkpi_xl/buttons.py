"""Les boutons du ruban « Indicateurs ORT » : Recalculer et Valider dans Excel.

Each entry point acts on ``xw.Book.caller()`` (the workbook where the button was clicked) or on
the Book given, runs exactly what the command line runs (same engine, same findings, same
``Contrôles`` sheet) and ends with a short French message. A Python exception never reaches
staff as a traceback: they get one French sentence in a message box.

Called from VBA: ``RunPython "import ortkpi_xl.buttons as b; b.recalculer()"``.
"""

from __future__ import annotations

import logging
from pathlib import Path

from .config import Config, find_config
from .errors import InputDataError, OrtkpiError
from .excel import apply_book, read_book
from .findings import Severity, count_by_severity, ready_for_submission
from .workbook.changes import ChangeSet
from .workbook.recalc import controls_sheet, recalculate, validate

TITLE = "Indicateurs ORT"
_log = logging.getLogger(__name__)


def _caller(book):
    if book is not None:
        return book
    import xlwings as xw

    return xw.Book.caller()


def _config_for(book) -> Config:
    """The settings ``find_config`` gives for the workbook (the same lookup as the CLI)."""
    try:
        workbook = Path(str(book.fullname))
    except Exception:  # noqa: BLE001 - an unsaved or cloud workbook has no folder
        workbook = None
    return find_config(workbook)


def _tell(book, message: str, *, problem: bool = False) -> None:
    try:
        book.app.status_bar = message[:250]
    except Exception:  # noqa: BLE001 - the status bar is a courtesy
        pass
    try:
        book.app.alert(message, title=TITLE, mode="critical" if problem else "info")
    except Exception:  # noqa: BLE001 - e.g. no alert support on this engine
        _log.info(message)


def _guarded(action):
    def run(book=None, *args):
        try:
            target = _caller(book)
        except Exception:  # noqa: BLE001
            _log.exception("Book.caller failed")
            return None
        try:
            return action(target, *args)
        except OrtkpiError as exc:
            _tell(target, str(exc), problem=True)
        except Exception:  # noqa: BLE001 - never a traceback for staff
            _log.exception("button failed")
            _tell(
                target,
                "Erreur interne d'ortkpi-xl : rien n'a été modifié dans les "
                "indicateurs. Relancez ; si l'erreur revient, signalez-la avec le "
                "classeur.",
                problem=True,
            )
        return None

    run.__name__ = action.__name__.lstrip("_")
    run.__doc__ = action.__doc__
    return run


def _recalculer(book) -> str:
    """Recalcule tous les indicateurs de toutes les feuilles de site du classeur ouvert."""
    config = _config_for(book)
    data, registry = read_book(book, config)
    if not data.tables:
        raise InputDataError(
            "Aucune feuille de site reconnue dans ce classeur : aucune ligne d'en-tête avec "
            "« Formation », « Nb candidats entrée en formation »… Ouvrez le classeur des "
            "indicateurs et relancez."
        )
    result = recalculate(data, config)
    apply_book(book, result.changes, registry, config)
    counts = count_by_severity(result.findings)
    pending = result.pending
    message = (
        f"Indicateurs recalculés : {result.rows} ligne(s) sur {len(result.sheets)} feuille(s). "
        f"{pending} chiffre(s) en attente (jaune). Contrôles : {counts[Severity.ERREUR]} "
        f"erreur(s), {counts[Severity.AVERTISSEMENT]} avertissement(s) — voir « Contrôles »."
    )
    _tell(book, message)
    return message


def _valider(book) -> str:
    """Contrôle le classeur ouvert et écrit les constats dans la feuille « Contrôles »."""
    config = _config_for(book)
    data, registry = read_book(book, config)
    if not data.tables:
        raise InputDataError("Aucune feuille de site reconnue dans ce classeur.")
    findings = validate(data, config)
    changes = ChangeSet(owned_sheets=[controls_sheet(findings)])
    apply_book(book, changes, registry, config)
    counts = count_by_severity(findings)
    verdict = (
        "Prêt pour la transmission."
        if ready_for_submission(findings)
        else "Pas prêt pour la transmission."
    )
    message = (
        f"{verdict} {counts[Severity.ERREUR]} erreur(s), "
        f"{counts[Severity.AVERTISSEMENT]} avertissement(s) — détail dans « Contrôles »."
    )
    _tell(book, message, problem=not ready_for_submission(findings))
    return message


def _ask_files() -> list[str]:
    """The InserJeunes files, chosen in a file dialog (Tk ships with Python on Windows/macOS)."""
    try:
        import tkinter
        from tkinter import filedialog
    except ImportError:  # pragma: no cover - Python built without Tk
        raise OrtkpiError(
            "Impossible d'ouvrir la fenêtre de choix de fichier : utilisez la commande "
            "« ortkpi-xl inserjeunes CLASSEUR FICHIER »."
        ) from None
    root = tkinter.Tk()
    root.withdraw()
    root.attributes("-topmost", True)
    try:
        chosen = filedialog.askopenfilenames(
            title="Fichiers InserJeunes téléchargés",
            filetypes=[("Fichiers InserJeunes", "*.csv *.json"), ("Tous les fichiers", "*.*")],
        )
    finally:
        root.destroy()
    return list(chosen)


def _inserjeunes(book, fichiers: list[str] | None = None) -> str:
    """Remplit les chiffres InserJeunes à partir des fichiers téléchargés (fenêtre de choix)."""
    from .inserjeunes.apply import import_figures
    from .inserjeunes.reading import read_files

    paths = fichiers if fichiers is not None else _ask_files()
    if not paths:
        return "Aucun fichier choisi : rien n'a été modifié."
    config = _config_for(book)
    data = read_files([Path(p) for p in paths])  # a file unreadable as a whole: nothing written
    workbook, registry = read_book(book, config)
    if not workbook.tables:
        raise InputDataError("Aucune feuille de site reconnue dans ce classeur.")
    result = import_figures(workbook, data, config)
    apply_book(book, result.changes, registry, config)
    message = (
        f"InserJeunes : {result.written} chiffre(s) écrit(s) depuis "
        f"{len(paths)} fichier(s) — détail dans « Contrôles »."
    )
    _tell(book, message)
    return message


recalculer = _guarded(_recalculer)
valider = _guarded(_valider)
inserjeunes = _guarded(_inserjeunes)


if __name__ == "__main__":  # debugging from an editor, with the workbook open in Excel
    import xlwings as xw

    xw.Book("workbook_template.xlsx").set_mock_caller()
    recalculer()
