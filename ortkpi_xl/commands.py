"""Sub-commands that act on workbooks are registered by importing their modules here."""

from .addin import command as _addin_command  # noqa: F401  (ortkpi-xl complement)
