"""Work that allocates many small objects at once: the cycle collector paused meanwhile.

Reading a sheet, computing a table and planning a write each create a few objects per cell
(values, readings, results, decisions, cell edits) and no reference cycles. With the collector
on, every few hundred allocations it rescans everything still alive: on a 20,000-row sheet
that is a tenth to a third of the time, for nothing to collect.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """The cycle collector off inside the block (as it was, after); usable as a decorator."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
