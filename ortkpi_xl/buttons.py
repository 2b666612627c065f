"""Les boutons « Indicateurs ORT » : Recalculer, Valider et Importer InserJeunes dans Excel.

Each entry point acts on the Book given (xlwings Lite hands it to its scripts) or on
``xw.Book.caller()`` (the workbook where a ribbon button was clicked), runs exactly what the
command line runs (same engine, same findings, same ``Contrôles`` sheet) through the Excel
adapter (``excel.py``), and ends with a short French message.

Errors: nothing is written before everything is read and planned. On xlwings' remote engine
(Lite) an error once writes are queued is raised, so Lite discards the whole batch; a French
message is raised or printed. On the classic engine, staff get one French sentence in a message
box (never a traceback), which says exactly what was written if a write failed part way. When
``Book.caller()`` fails (the button was not clicked from Excel), the process exits with status 2
and a French message on stderr, which xlwings' VBA shows in a message box.

Called from VBA: ``RunPython "import ortkpi_xl.buttons as b; b.recalculer()"``.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from urllib.parse import unquote

from .config import Config, find_config
from .errors import InputDataError, OrtkpiError
from .excel import apply_book, ask_person_notes, engine_of, read_book, workbook_name
from .findings import Severity, count_by_severity, ready_for_submission
from .workbook.changes import ChangeSet
from .workbook.recalc import compute_tables, controls_sheet, recalculate, validate

TITLE = "Indicateurs ORT"
LITE_FILES = Path("/data")  # xlwings Lite: files imported through Files > Import/Export
CALLER_FAILED = (
    "Indicateurs ORT : impossible de trouver le classeur d'où vient le clic. Lancez les "
    "boutons depuis l'onglet « Indicateurs ORT » d'Excel, avec le classeur des indicateurs "
    "ouvert et enregistré ; si le message revient, relancez « ortkpi-xl complement "
    "--installer » (docs/installation.md)."
)
INTERNAL = (
    "Erreur interne d'ortkpi-xl : rien n'a été modifié dans les indicateurs. Relancez ; si "
    "l'erreur revient, signalez-la avec le classeur."
)
_log = logging.getLogger(__name__)


class CallerError(SystemExit):
    """``Book.caller()`` failed: exit status 2, the French message on stderr."""


def _caller(book):
    if book is not None:
        return book
    try:
        import xlwings as xw

        return xw.Book.caller()
    except Exception:  # noqa: BLE001 - not started from Excel, or Excel did not answer
        _log.exception("Book.caller failed")
        print(CALLER_FAILED, file=sys.stderr)
        raise CallerError(2) from None


# ---------------------------------------------------------------------------------------------
# settings


def workbook_path(book) -> Path | None:
    """The workbook's file on this computer; None when there is none.

    A workbook on OneDrive or SharePoint has a web address as its name: its file is the synced
    copy, when xlwings can find it (OneDrive folders, or the ``ONEDRIVE_*``/``SHAREPOINT_*``
    settings of xlwings.conf); an unsaved workbook, or one opened in xlwings Lite, has none.
    """
    name = workbook_name(book)
    if "://" in name:
        try:
            from xlwings.utils import fullname_url_to_local_path

            name = str(fullname_url_to_local_path(unquote(name)))
        except Exception:  # noqa: BLE001 - not synced here, or not resolvable
            return None
    path = Path(name)
    if not path.is_absolute() or not path.parent.is_dir():
        return None
    return path


def workbook_folder(book) -> Path | None:
    """The folder of the workbook's file on this computer (see ``workbook_path``)."""
    path = workbook_path(book)
    return path.parent if path is not None else None


def _config_for(book) -> Config:
    """The settings for this workbook: the lookup every command uses (``find_config``:
    beside the workbook, the current folder, ORTKPI_CONFIG, the defaults). A workbook with no
    file here (unsaved, in the cloud) has nothing beside it."""
    return find_config(workbook_path(book))


# ---------------------------------------------------------------------------------------------
# messages and errors


def _tell(book, message: str, *, problem: bool = False) -> None:
    """Show ``message``: a message box in desktop Excel, the output pane in xlwings Lite."""
    if engine_of(book).remote:
        print(message)  # Lite shows what a script prints; alerts are not reliable there
        return
    try:
        book.app.status_bar = message[:250]
    except Exception:  # noqa: BLE001 - the status bar is a courtesy
        pass
    try:
        book.app.alert(message, title=TITLE, mode="critical" if problem else "info")
    except Exception:  # noqa: BLE001 - e.g. no alert support on this engine
        _log.info(message)


def _queued(book) -> int:
    """Writes the remote engine has queued so far (0 when it cannot say)."""
    try:
        return len(book.json()["actions"])
    except Exception:  # noqa: BLE001
        return 0


def _guarded(action):
    def run(book=None, *args):
        target = _caller(book)
        remote = engine_of(target).remote
        try:
            return action(target, *args)
        except OrtkpiError as exc:
            if remote and _queued(target):
                raise  # Lite discards the batch: nothing written
            _tell(target, str(exc), problem=True)
        except Exception as exc:  # noqa: BLE001 - never a traceback for staff
            _log.exception("button failed")
            if remote:
                raise OrtkpiError(INTERNAL) from exc  # Lite discards the batch
            _tell(target, INTERNAL, problem=True)
        return None

    run.__name__ = action.__name__.lstrip("_")
    run.__doc__ = action.__doc__
    return run


def _notes_word(skipped: int) -> str:
    if not skipped:
        return ""
    return (
        f" {skipped} note(s) non écrite(s) : cette version d'Excel ne sait pas écrire de notes "
        "depuis un complément (Microsoft 365 ou Excel sur le web le savent)."
    )


# ---------------------------------------------------------------------------------------------
# the buttons


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
    if ask_person_notes(book, data, result.results, registry):
        result = recalculate(data, config)  # figures under someone's note are kept
    report = apply_book(book, result.changes, registry, config, data=data)
    counts = count_by_severity(result.findings)
    message = (
        f"Indicateurs recalculés : {result.rows} ligne(s) sur {len(result.sheets)} feuille(s). "
        f"{result.pending} chiffre(s) en attente (jaune). Contrôles : {counts[Severity.ERREUR]} "
        f"erreur(s), {counts[Severity.AVERTISSEMENT]} avertissement(s) — voir « Contrôles »."
        + _notes_word(report.skipped_notes)
    )
    _tell(book, message)
    return message


def _valider(book) -> str:
    """Contrôle le classeur ouvert et écrit les constats dans la feuille « Contrôles »."""
    config = _config_for(book)
    data, registry = read_book(book, config)
    if not data.tables:
        raise InputDataError("Aucune feuille de site reconnue dans ce classeur.")
    results = compute_tables(data, config, validating=True)
    if ask_person_notes(book, data, results, registry):
        results = None  # figures under someone's note are kept: plan again
    findings = validate(data, config, results)
    apply_book(
        book, ChangeSet(owned_sheets=[controls_sheet(findings)]), registry, config, data=data
    )
    counts = count_by_severity(findings)
    ready = ready_for_submission(findings)
    verdict = "Prêt pour la transmission." if ready else "Pas prêt pour la transmission."
    message = (
        f"{verdict} {counts[Severity.ERREUR]} erreur(s), "
        f"{counts[Severity.AVERTISSEMENT]} avertissement(s) — détail dans « Contrôles »."
    )
    _tell(book, message, problem=not ready)
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


def lite_files(folder: Path | None = None) -> list[str]:
    """The InserJeunes files imported into xlwings Lite (Files > Import/Export → /data)."""
    folder = LITE_FILES if folder is None else folder
    if not folder.is_dir():
        return []
    return sorted(
        str(p) for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in (".csv", ".json")
    )


def _inserjeunes(book, fichiers: list[str] | None = None) -> str:
    """Remplit les chiffres InserJeunes à partir des fichiers téléchargés."""
    from .inserjeunes.apply import import_figures
    from .inserjeunes.reading import read_files

    remote = engine_of(book).remote
    if fichiers is not None:
        paths = fichiers
    elif remote:
        paths = lite_files()
        if not paths:
            raise InputDataError(
                "Aucun fichier InserJeunes dans xlwings Lite : menu de xlwings Lite > Files > "
                "Import/Export, déposez le fichier .csv ou .json téléchargé, puis relancez."
            )
    else:
        paths = _ask_files()
    if not paths:
        return "Aucun fichier choisi : rien n'a été modifié."
    config = _config_for(book)
    data = read_files([Path(p) for p in paths])  # a file unreadable as a whole: nothing written
    workbook, registry = read_book(book, config)
    if not workbook.tables:
        raise InputDataError("Aucune feuille de site reconnue dans ce classeur.")
    result = import_figures(workbook, data, config)
    report = apply_book(book, result.changes, registry, config, data=workbook)
    message = (
        f"InserJeunes : {result.written} chiffre(s) écrit(s) depuis "
        f"{len(paths)} fichier(s) — détail dans « Contrôles »." + _notes_word(report.skipped_notes)
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
