"""Sub-commands that act on workbooks are registered by importing their modules here."""

from . import network_cli as _network_cli  # noqa: F401
from .addin import command as _addin_command  # noqa: F401  (ortkpi-xl complement)
from .inserjeunes import command as _inserjeunes_command  # noqa: F401
from .lite import command as _lite_command  # noqa: F401  (ortkpi-xl lite)
from .workbook import cli as _workbook_cli  # noqa: F401
