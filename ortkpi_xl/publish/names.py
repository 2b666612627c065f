"""What a programme is called on the web page: its full title, codes spelled out.

Staff name programmes by internal codes (``CAP MV``, ``BTS OL 2``, ``5DRH``); a family reading
the page needs the title. The title is the row's Intitulé; a row without one borrows the title
of a row of the same site whose code starts its own (``CAP MIS 1 AN`` → ``CAP MIS``); otherwise
the diploma part of the code is spelled out (``CAP`` → certificat d'aptitude professionnelle)
and the code is kept so nothing is invented.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..synthesis import Programme

# The first word(s) of a code → the diploma, spelled out.
DIPLOMAS: tuple[tuple[str, str], ...] = (
    ("BAC PRO", "baccalauréat professionnel"),
    ("LICENCE PRO", "licence professionnelle"),
    ("CAP", "certificat d'aptitude professionnelle (CAP)"),
    ("BTS", "brevet de technicien supérieur (BTS)"),
    ("BAC", "baccalauréat professionnel"),
    ("BP", "brevet professionnel (BP)"),
    ("BTM", "brevet technique des métiers (BTM)"),
    ("MC", "mention complémentaire (MC)"),
    ("BUT", "bachelor universitaire de technologie (BUT)"),
    ("DUT", "diplôme universitaire de technologie (DUT)"),
    ("LICENCE", "licence"),
    ("BACHELOR", "bachelor"),
    ("DCG", "diplôme de comptabilité et de gestion (DCG)"),
    ("DSCG", "diplôme supérieur de comptabilité et de gestion (DSCG)"),
    ("MASTER", "master"),
    ("TP", "titre professionnel"),
)
_DURATION = re.compile(r"\b(\d)\s*ANS?\b", re.IGNORECASE)


def _words(text: str) -> list[str]:
    return " ".join(text.upper().split()).split(" ")


def diploma_of(code: str) -> str:
    """``CAP MV`` → ``certificat d'aptitude professionnelle (CAP)``; '' when unknown."""
    words = _words(code)
    for prefix, name in DIPLOMAS:
        size = len(prefix.split())
        if words[:size] == prefix.split():
            return name
    return ""


def duration_of(code: str) -> str:
    """``CAP MIS 1 AN`` → ``en 1 an``; '' when the code says nothing of it."""
    match = _DURATION.search(code)
    if not match:
        return ""
    years = int(match.group(1))
    return f"en {years} an{'s' if years > 1 else ''}"


def _borrowed_title(programme: Programme, siblings: Sequence[Programme]) -> str:
    code = _words(programme.formation)
    best = ""
    best_size = 0
    for other in siblings:
        if other is programme or not other.intitule or not other.formation:
            continue
        prefix = _words(other.formation)
        if len(prefix) < len(code) and code[: len(prefix)] == prefix and len(prefix) > best_size:
            best, best_size = other.intitule, len(prefix)
    return best


def _tidy(text: str) -> str:
    """``Cap monteur…`` → ``CAP monteur…`` (the diploma's acronym as staff write it)."""
    text = " ".join(text.split())
    return re.sub(r"^(Cap|Bts|Bp|Bac)\b", lambda m: m.group(1).upper(), text)


def programme_title(programme: Programme, siblings: Sequence[Programme] = ()) -> str:
    """The programme as a family reads it, never an unexplained code.

    ``CAP MIS — Monteur en installations sanitaires`` keeps the code staff use and spells the
    programme out; ``CAP MV`` without a title becomes ``CAP MV — certificat d'aptitude
    professionnelle (CAP)``.
    """
    code = " ".join(programme.formation.split())
    title = _tidy(programme.intitule)
    duration = duration_of(code)
    if not title and code:
        title = _tidy(_borrowed_title(programme, siblings))
        if title and duration and duration not in title:
            title += f", {duration}"
    if title and code and title.casefold() != code.casefold():
        return f"{title} ({code})"
    if title:
        return title
    if code:
        diploma = diploma_of(code)
        extra = ", ".join(part for part in (diploma, duration) if part)
        return f"{code} — {extra}" if extra else code
    return programme.label
