"""Exceptions of ortkpi-xl.

Every exception carries a French message meant for staff: it names the place (file, sheet,
cell or configuration key) and says what to do. The CLI prints it and exits with status 2;
the Excel buttons show it in a message box; nothing shows a traceback to staff.
"""

from __future__ import annotations

import errno


class OrtkpiError(Exception):
    """Root of the errors the tool reports to a person (message in French)."""


class ConfigError(OrtkpiError):
    """The configuration file is unreadable or holds a wrong key, type or value."""


class WorkbookError(OrtkpiError):
    """The workbook cannot be read or written as asked (missing, locked, corrupt, unsupported)."""


class InputDataError(OrtkpiError):
    """The data in the workbook cannot be processed as a whole (e.g. no site sheet found)."""


_REASONS = {
    errno.ENOENT: "fichier ou dossier introuvable",
    errno.EACCES: "accès refusé (droits insuffisants)",
    errno.EPERM: "opération non permise (droits insuffisants)",
    errno.EISDIR: "c'est un dossier, pas un fichier",
    errno.ENOTDIR: "un élément du chemin n'est pas un dossier",
    errno.EEXIST: "un fichier de ce nom existe déjà",
    errno.EROFS: "le disque est en lecture seule",
    errno.ENOSPC: "le disque est plein",
    errno.EBUSY: "le fichier est utilisé par un autre programme",
    errno.ENAMETOOLONG: "le nom du fichier est trop long",
    errno.EINVAL: "nom de fichier invalide",
}


def system_reason(exc: OSError) -> str:
    """What went wrong with a file, in French (the system's own text is English)."""
    if getattr(exc, "winerror", None) in (32, 33):  # sharing or lock violation: Excel has it open
        return "le fichier est ouvert dans un autre programme (Excel ?)"
    if exc.errno in _REASONS:
        return _REASONS[exc.errno]
    return f"erreur du système n° {exc.errno}" if exc.errno else "erreur du système"
