"""The add-in's errors: French sentences for staff, exit status 2 through the CLI."""

from __future__ import annotations

from ..errors import OrtkpiError


class AddinError(OrtkpiError):
    """The add-in cannot be built, written or installed as asked."""
