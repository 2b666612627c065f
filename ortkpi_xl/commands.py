"""Sub-commands that act on workbooks are registered by importing their modules here."""

from .workbook import cli as _workbook_cli  # noqa: F401
