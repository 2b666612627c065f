"""InserJeunes figures for the workbook: read the files as downloaded, match them to the
programme rows of a site, and plan what to fill — without touching any workbook.

``read_files`` → ``InserJeunesData``; ``build_plan`` → ``InserJeunesPlan`` (plain data a writer
turns into cell changes); ``format_report`` → the French text shown to staff.
"""

from .reading import MAX_BYTES, MAX_LINES, read_file, read_files
from .records import (
    EstablishmentRecord,
    FileKind,
    FormationRecord,
    ImportedFile,
    InserJeunesData,
    Origin,
    Problem,
    normalize_cfd,
    normalize_millesime,
    normalize_uai,
)

__all__ = [
    "MAX_BYTES",
    "MAX_LINES",
    "EstablishmentRecord",
    "FileKind",
    "FormationRecord",
    "ImportedFile",
    "InserJeunesData",
    "Origin",
    "Problem",
    "normalize_cfd",
    "normalize_millesime",
    "normalize_uai",
    "read_file",
    "read_files",
]
