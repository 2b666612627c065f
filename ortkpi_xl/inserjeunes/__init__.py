"""InserJeunes figures for the workbook: read the files as downloaded, match them to the
programme rows of a site, and plan what to fill — without touching any workbook.

``read_files`` → ``InserJeunesData``; ``build_plan`` → ``InserJeunesPlan`` (plain data a writer
turns into cell changes); ``format_report`` → the French text shown to staff.
"""

from importlib import import_module

# name → submodule: imported on first use, so that reading the records (the official figures
# of a workbook) does not load pandas, which only the reading and planning of files need
_WHERE = {
    "Action": "plan",
    "CellPlan": "plan",
    "EstablishmentPlan": "plan",
    "Figure": "plan",
    "InserJeunesPlan": "plan",
    "Pending": "plan",
    "Reason": "plan",
    "RowPlan": "plan",
    "build_plan": "plan",
    "site_settings": "plan",
    "status_text": "plan",
    "MAX_BYTES": "reading",
    "MAX_LINES": "reading",
    "read_file": "reading",
    "read_files": "reading",
    "EstablishmentRecord": "records",
    "FileKind": "records",
    "FormationRecord": "records",
    "ImportedFile": "records",
    "InserJeunesData": "records",
    "Origin": "records",
    "Problem": "records",
    "normalize_cfd": "records",
    "normalize_millesime": "records",
    "normalize_uai": "records",
    "format_files": "report",
    "format_report": "report",
}


def __getattr__(name: str) -> object:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f".{module}", __name__), name)


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
