"""The publication a CFA puts on its website: static, accessible French HTML pages.

``publish`` writes one page per site that has figures and an ``index.html`` for the network
that lists every site of the network (« résultats à venir » for a site without figures), each a
single self-contained file (style and SVG charts inside, no script, no external resource), from
the same pooled figures as the ``Synthèse`` sheet and the official InserJeunes figures the
workbook keeps.
"""

from __future__ import annotations

import datetime as _dt
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..config import Config
from ..errors import WorkbookError, system_reason
from ..official import OfficialFigures
from ..readiness import Readiness
from ..synthesis import Synthesis
from .page import SiteEntry, index_page, site_page, slug

__all__ = ["Publication", "publish"]


@dataclass
class Publication:
    folder: Path
    pages: dict[str, Path] = field(default_factory=dict)  # site → page
    index: Path | None = None
    skipped: list[str] = field(default_factory=list)  # sites without any figure


def _write(path: Path, text: str) -> None:
    """Write next to the target then move into place: a page is never half-written."""
    handle, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".html", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # readable by the web server, unlike mkstemp's 0600
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def publish(
    synthesis: Synthesis,
    folder: str | Path,
    config: Config,
    *,
    day: _dt.date | None = None,
    readiness: Readiness | None = None,
    official: OfficialFigures | None = None,
) -> Publication:
    """Write the pages into ``folder`` (created if needed) and say what was written.

    ``readiness`` names every site of the network (the index lists them all) and what the
    network's figures rest on; ``official`` holds the establishments' InserJeunes figures.
    """
    folder = Path(folder)
    day = day or _dt.date.today()
    official = official or OfficialFigures()
    if folder.exists() and not folder.is_dir():
        raise WorkbookError(
            f"« {folder} » est un fichier, pas un dossier : donnez avec -o le dossier où écrire "
            "les pages (il est créé s'il n'existe pas)."
        )
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WorkbookError(
            f"Impossible de créer le dossier {folder} : {system_reason(exc)}."
        ) from None
    result = Publication(folder)
    names: set[str] = {"index"}
    hrefs: dict[str, str] = {}
    for summary in synthesis.sites:
        if not summary.has_data:
            result.skipped.append(summary.name)
            continue
        name = slug(summary.name)
        while name in names:
            name += "-2"
        names.add(name)
        path = folder / f"{name}.html"
        uai = config.sites.get(summary.name).uai if summary.name in config.sites else ()
        _write(path, site_page(summary, config, day=day, uai=uai, official=official))
        result.pages[summary.name] = path
        hrefs[summary.name] = path.name
    summaries = {s.name: s for s in synthesis.sites}
    order = [s.name for s in readiness.sites] if readiness else [s.name for s in synthesis.sites]
    entries = [SiteEntry(n, summaries.get(n), hrefs.get(n)) for n in order]
    if result.pages:
        result.index = folder / "index.html"
        coverage = readiness.coverage.text() if readiness else ""
        _write(
            result.index,
            index_page(
                entries, synthesis.network, config, day=day, coverage=coverage, official=official
            ),
        )
    return result
