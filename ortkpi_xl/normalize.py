"""Text normalisation shared by header matching and status-word recognition.

Staff type labels with line breaks, doubled spaces, accents or not, and a number stuck to the
first word ("4Taux d'obtention"); a key built from the letters alone makes those variants equal.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Spaces Excel users produce: no-break space, narrow no-break space, thin space, figure space.
_ODD_SPACES = dict.fromkeys(map(ord, "\u00a0\u202f\u2009\u2007\u200b\t\r\n"), " ")
_TOKENS = re.compile(r"[a-z]+|[0-9]+")
_YEAR = re.compile(r"^(19|20)\d\d$")
_LEADING_NUMBER = re.compile(r"^\s*\*?\s*\d{1,2}\s*[-.)°:]?\s*(?=[a-z])")


def clean_spaces(text: str) -> str:
    """Map odd spaces and line breaks to plain spaces, collapse runs, strip the ends."""
    return " ".join(text.translate(_ODD_SPACES).split())


@lru_cache(maxsize=4096)  # a text is often folded a few times in a row (matched, then keyed)
def fold(text: str) -> str:
    """Lower case, accents removed, typographic apostrophes unified, spaces cleaned."""
    decomposed = unicodedata.normalize("NFKD", clean_spaces(text).lower())
    no_accents = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return no_accents.replace("\u2019", "'").replace("`", "'")


def _singular(word: str) -> str:
    return word[:-1] if len(word) > 3 and word[-1] in "sx" else word


def label_key(text: str, *, drop_number: bool = True) -> str:
    """Key that compares labels the way a person reads them.

    Accents, case, punctuation, spaces and line breaks are ignored (a label wrapped inside a
    cell, "présentatio\\nn", still matches), a plural "s" and a year ("Inserjeunes2024") do not
    count. With
    ``drop_number`` the indicator number in front ("4Taux", "4 - Taux", "*9 EDT") is removed.
    """
    folded = fold(text)
    if drop_number:
        folded = _LEADING_NUMBER.sub("", folded)
    words = [w for w in _TOKENS.findall(folded) if not _YEAR.match(w)]
    return "".join(_singular(w) for w in words)


def leading_number(text: str) -> int | None:
    """The indicator number a header starts with ("4Taux…" → 4), if any."""
    match = re.match(r"^\s*\*?\s*(\d{1,2})(?!\d)", clean_spaces(text))
    return int(match.group(1)) if match else None
