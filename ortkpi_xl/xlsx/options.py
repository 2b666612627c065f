"""What the patch writer needs to know besides the change set: a few plain settings.

The xlsx layer knows nothing of indicators or of the tool's configuration file; the caller
builds these options from it (``workbook/patch.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .guard import DEFAULT_LIMITS, Limits


@dataclass(frozen=True)
class WriteOptions:
    note_author: str = "ortkpi-xl"  # author of the tool's notes (how they are recognised)
    pending_colour: str = "FFFF00"  # RGB of the tool's highlight (legacy fills and the rule)
    header_colour: str = "1F4E78"  # RGB of owned sheets' header rows and first chart series
    backup_suffix: str = ".bak"  # in place, the previous file is kept as <name><suffix>; ""
    limits: Limits = field(default=DEFAULT_LIMITS)  # what a workbook may weigh (entry guard)
