"""Exceptions of ortkpi-xl.

Every exception carries a French message meant for staff: it names the place (file, sheet,
cell or configuration key) and says what to do. The CLI prints it and exits with status 2;
the Excel buttons show it in a message box; nothing shows a traceback to staff.
"""

from __future__ import annotations


class OrtkpiError(Exception):
    """Root of the errors the tool reports to a person (message in French)."""


class ConfigError(OrtkpiError):
    """The configuration file is unreadable or holds a wrong key, type or value."""


class WorkbookError(OrtkpiError):
    """The workbook cannot be read or written as asked (missing, locked, corrupt, unsupported)."""


class InputDataError(OrtkpiError):
    """The data in the workbook cannot be processed as a whole (e.g. no site sheet found)."""
