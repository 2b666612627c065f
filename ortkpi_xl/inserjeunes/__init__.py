"""InserJeunes figures for the workbook: read the files as downloaded, match them to the
programme rows of a site, and plan what to fill — without touching any workbook.

``read_files`` → ``InserJeunesData``; ``build_plan`` → ``InserJeunesPlan`` (plain data a writer
turns into cell changes); ``format_report`` → the French text shown to staff.
"""

from .plan import (
    Action,
    CellPlan,
    EstablishmentPlan,
    Figure,
    InserJeunesPlan,
    Pending,
    Reason,
    RowPlan,
    build_plan,
    site_settings,
    status_text,
)
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
from .report import format_files, format_report

__all__ = [
    "MAX_BYTES",
    "MAX_LINES",
    "Action",
    "CellPlan",
    "EstablishmentPlan",
    "EstablishmentRecord",
    "Figure",
    "FileKind",
    "FormationRecord",
    "ImportedFile",
    "InserJeunesData",
    "InserJeunesPlan",
    "Origin",
    "Pending",
    "Problem",
    "Reason",
    "RowPlan",
    "build_plan",
    "format_files",
    "format_report",
    "normalize_cfd",
    "normalize_millesime",
    "normalize_uai",
    "read_file",
    "read_files",
    "site_settings",
    "status_text",
]
