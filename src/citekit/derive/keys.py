"""Citation keys (``lendman2017trump``), the same in CSL-JSON, BibLaTeX, BibTeX and RIS."""

from __future__ import annotations

import re
import unicodedata

from citekit.derive.dates import year_of
from citekit.derive.names import is_person
from citekit.derive.titles import display_title
from citekit.model import Document


def ascii_fold(text: str) -> str:
    """``text`` without accents, for identifiers and keys."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


_STOP_WORDS = frozenset(
    "a an the of on in at to for and or but is are was were by with from as".split()  # noqa: SIM905
)


def citation_key_base(document: Document) -> str:
    """``lendman2017trump``: author family name, year, first significant title word (ASCII)."""
    meta = document.metadata
    if meta.authors:
        first = meta.authors[0]
        name = (first.family or "") if is_person(first) else (first.literal or first.name)
    else:
        name = meta.site or "anon"
    name_part = re.sub(r"[^a-z0-9]", "", ascii_fold(name).lower())
    year = year_of(meta.date)
    title = display_title(document).value
    # Hyphens split words, as in Zotero and Better BibTeX keys: "Trump-Putin" gives "trump".
    words = [w.lower() for w in re.findall(r"[A-Za-z0-9]+", ascii_fold(title))]
    word = next((w for w in words if w and w not in _STOP_WORDS), "untitled")
    return f"{name_part or 'anon'}{year if year is not None else 'nd'}{word}"


def unique_keys(bases: list[str]) -> list[str]:
    """Make keys unique in input order: the second and later uses of a base get a, b, … suffixes.

    When a base occurs more than once every occurrence gets a letter (``x2017a``, ``x2017b``), as
    biblatex users expect; a lone base stays bare.
    """
    counts: dict[str, int] = {}
    for base in bases:
        counts[base] = counts.get(base, 0) + 1
    seen: dict[str, int] = {}
    keys: list[str] = []
    for base in bases:
        if counts[base] == 1:
            keys.append(base)
            continue
        index = seen.get(base, 0)
        seen[base] = index + 1
        keys.append(base + _letters(index))
    return keys


def _letters(index: int) -> str:
    """0 → a, 25 → z, 26 → aa."""
    out = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        out = chr(ord("a") + rest) + out
    return out
