"""Validation findings: what is wrong or worth a look, where, and how serious.

A workbook is ready for submission when no finding has the severity ``erreur``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum


class Severity(str, Enum):
    ERREUR = "erreur"  # the workbook must not be submitted
    AVERTISSEMENT = "avertissement"  # plausible but suspicious
    INFO = "info"


_ORDER = {Severity.ERREUR: 0, Severity.AVERTISSEMENT: 1, Severity.INFO: 2}


@dataclass(frozen=True)
class Finding:
    gravite: Severity
    feuille: str
    cellule: str  # A1 notation, '' when the finding concerns the whole sheet or workbook
    regle: str  # stable rule identifier, e.g. "reussis_sup_presentes"
    message: str  # French, starts with the cell: "H12 : 18 reçus pour 17 présentés — …"

    def as_dict(self) -> dict[str, str]:
        return {
            "gravite": self.gravite.value,
            "feuille": self.feuille,
            "cellule": self.cellule,
            "regle": self.regle,
            "message": self.message,
        }


def count_by_severity(findings: Iterable[Finding]) -> dict[Severity, int]:
    counts = dict.fromkeys(Severity, 0)
    for finding in findings:
        counts[finding.gravite] += 1
    return counts


def ready_for_submission(findings: Iterable[Finding]) -> bool:
    return all(f.gravite is not Severity.ERREUR for f in findings)


def sort_key(finding: Finding) -> tuple:
    """Severity first, then sheet, then reading order of the cell."""
    letters = "".join(ch for ch in finding.cellule if ch.isalpha())
    digits = "".join(ch for ch in finding.cellule if ch.isdigit())
    return (_ORDER[finding.gravite], finding.feuille, int(digits or 0), len(letters), letters)
