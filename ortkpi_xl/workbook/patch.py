"""Writing a change set into a person's workbook: the xlsx layer's patch writer, with the
options taken from the tool's configuration.

The xlsx layer knows nothing of ``Config``; this is the one place that translates it.
"""

from __future__ import annotations

from pathlib import Path

from ..config import Config
from ..xlsx.guard import DEFAULT_LIMITS, Limits
from ..xlsx.options import WriteOptions
from ..xlsx.plan import WriteReport
from ..xlsx.writer import write_changes
from .changes import NOTE_AUTHOR, ChangeSet


def write_options(
    config: Config, *, backup_suffix: str | None = None, limits: Limits = DEFAULT_LIMITS
) -> WriteOptions:
    """The patch writer's options for ``config`` (``backup_suffix`` None: the configured one)."""
    return WriteOptions(
        note_author=NOTE_AUTHOR,
        pending_colour=config.couleur_en_attente,
        header_colour=config.couleur_entete,
        backup_suffix=config.suffixe_sauvegarde if backup_suffix is None else backup_suffix,
        limits=limits,
    )


def write_workbook(
    source: str | Path,
    target: str | Path,
    changes: ChangeSet,
    config: Config,
    *,
    backup_suffix: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> WriteReport:
    """Apply ``changes`` to ``source``, written at ``target`` (may be ``source``): see
    ``xlsx.writer.write_changes``. In place, the previous version is kept as
    ``<name><suffixe_sauvegarde>`` unless ``backup_suffix`` says otherwise ("" keeps none)."""
    options = write_options(config, backup_suffix=backup_suffix, limits=limits)
    return write_changes(source, target, changes, options)
