"""The sheets the tool writes for a person to read, once the tables are computed.

Recalculer (and the InserJeunes import) call ``tool_sheets``; Valider calls
``readiness_findings``. Both first say whether each site is ready (``readiness``), so the
``Contrôles`` sheet, the ``Synthèse`` sheet and Valider's report tell the same story.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..config import Config
from ..findings import Finding, sort_key
from ..official import OFFICIAL_SHEET, OfficialFigures, parse_official_sheet
from ..readiness import Readiness, assess
from ..synthesis import SiteTable, Synthesis, summarize
from .changes import OwnedSheet
from .controls import controls_sheet
from .reader import WorkbookData
from .synthesis_sheet import synthesis_sheet

if TYPE_CHECKING:
    from .recalc import TableResult


def site_synthesis(results: Sequence[TableResult], findings: Sequence[Finding]) -> Synthesis:
    """Pooled figures per site sheet and for the whole workbook."""
    return summarize(
        [SiteTable(r.sheet.name, r.computation, frozenset(r.table.columns)) for r in results],
        findings,
    )


def official_of(book: WorkbookData) -> OfficialFigures:
    """The official InserJeunes figures the workbook holds (its InserJeunes sheet), if any."""
    sheet = next((s for s in book.sheets if s.name == OFFICIAL_SHEET), None)
    return parse_official_sheet(sheet.grid) if sheet is not None else OfficialFigures()


def readiness_of(
    book: WorkbookData,
    results: Sequence[TableResult],
    findings: Sequence[Finding],
    config: Config,
    synthesis: Synthesis | None = None,
) -> Readiness:
    synthesis = synthesis or site_synthesis(results, findings)
    return assess(synthesis, findings, config, sheets=[s.name for s in book.sheets])


def readiness_findings(
    book: WorkbookData, results: Sequence[TableResult], findings: Sequence[Finding], config: Config
) -> list[Finding]:
    """Each site's status and the network's coverage, as findings (for Valider)."""
    return list(readiness_of(book, results, findings, config).findings)


def programme_labels(results: Sequence[TableResult]) -> dict[tuple[str, int], str]:
    """(sheet, row) → what the row is called (``CAP MIS 2023 - 2025``), for ``Contrôles``."""
    labels: dict[tuple[str, int], str] = {}
    for res in results:
        for index, row in enumerate(res.table.rows):
            reading = res.computation.reading
            name = (
                reading(index, "formation").text
                or reading(index, "intitule").text
                or (f"RNCP {reading(index, 'rncp').text}" if reading(index, "rncp").text else "")
            )
            promotion = reading(index, "promotion").text or ""
            labels[(res.sheet.name, row)] = " ".join(
                " ".join(str(part).split()) for part in (name, promotion) if part
            )
    return labels


def tool_sheets(
    book: WorkbookData,
    results: Sequence[TableResult],
    findings: Sequence[Finding],
    config: Config,
    *,
    official: OfficialFigures | None = None,
) -> tuple[list[Finding], list[OwnedSheet]]:
    """Every finding (the sites' statuses added, sorted) and the ``Contrôles`` and
    ``Synthèse`` sheets. ``official``: the InserJeunes figures to show (default: those the
    workbook's own InserJeunes sheet holds)."""
    synthesis = site_synthesis(results, findings)
    readiness = readiness_of(book, results, findings, config, synthesis)
    everything = sorted([*findings, *readiness.findings], key=sort_key)
    if official is None:
        official = official_of(book)
    sheets = [
        controls_sheet(
            everything,
            readiness,
            sheets=[s.name for s in book.sheets],
            labels=programme_labels(results),
        ),
        synthesis_sheet(synthesis, config, readiness=readiness, official=official),
    ]
    return everything, sheets
