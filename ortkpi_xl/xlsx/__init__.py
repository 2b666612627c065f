"""The xlsx layer: reading and writing the Office Open XML package of a workbook.

Nothing here knows about indicators or the tool's configuration: the entry guard (what a file
really is), the package patch writer (edits only the parts the tool owns, copies every other
part byte for byte, verifies, replaces atomically), the fast sheet reader, and the XML and zip
primitives they share. It consumes the domain's change set (``workbook/changes.py``) and
registry of marks (``workbook/marks.py``) as plain data.

The one entry point for writing::

    from ortkpi_xl.xlsx import WriteOptions, write_changes
    report = write_changes(source, target, change_set, WriteOptions(...))

Names are loaded on first use, so importing a small module of the layer (``marking`` from the
Excel buttons) does not load the writer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .options import WriteOptions
    from .plan import WriteReport
    from .writer import write_changes

__all__ = ["WriteOptions", "WriteReport", "write_changes"]
_WHERE = {"WriteOptions": "options", "WriteReport": "plan", "write_changes": "writer"}


def __getattr__(name: str) -> object:
    if name in _WHERE:
        from importlib import import_module

        return getattr(import_module(f"{__name__}.{_WHERE[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
