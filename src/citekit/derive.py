"""Rules shared by every writer for values a format requires but the article may not print.

Each rule returns a :class:`Derived` value saying whether it was printed or supplied, so writers
mark supplied values (JATS ``custom-meta``, the batch report's review list) instead of passing
them off as printed. Nothing here parses article text: it reads the model only.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Generic, TypeVar

from citekit.model import Document, Para, plain_block

DISPLAY_TITLE_WORDS = 12
"""How many body words a supplied title takes before it is cut with an ellipsis."""


T = TypeVar("T")


@dataclass(frozen=True, slots=True, kw_only=True)
class Derived(Generic[T]):
    """A value and how it was obtained."""

    value: T
    """The value."""
    supplied: bool
    """False when printed in the article, True when a rule supplied it."""
    rule: str
    """The rule's name, for provenance ("printed", "first-words-of-body", …)."""


def display_title(document: Document) -> Derived[str]:
    """The title to display: the printed one, else the body's first words, else site and date.

    Formats that require a title (JATS ``article-title``, EPUB ``dc:title``, the PDF Title) all
    call this, so one document gets the same supplied title everywhere.
    """
    meta = document.metadata
    if meta.title and meta.title.strip():
        return Derived(value=meta.title.strip(), supplied=False, rule="printed")
    for block in document.body:
        if isinstance(block, Para):
            words = plain_block(block).split()
            if words:
                head = " ".join(words[:DISPLAY_TITLE_WORDS]).rstrip(".,;:–—-")
                if len(words) > DISPLAY_TITLE_WORDS:
                    head += "…"
                return Derived(value=head, supplied=True, rule="first-words-of-body")
    parts = [p for p in (meta.site, meta.date) if p]
    if parts:
        return Derived(value=", ".join(parts), supplied=True, rule="site-and-date")
    name = document.provenance.source_name
    if name:
        return Derived(value=name, supplied=True, rule="source-file-name")
    return Derived(value="Untitled", supplied=True, rule="untitled")


def copyright_year(document: Document) -> Derived[int] | None:
    """The JATS4R rule: the printed copyright year, else the publication year, else None.

    The publication year is used only when the article prints a copyright statement or holder:
    a year is never attached to rights the article does not claim.
    """
    rights = document.rights
    if rights.year is not None:
        return Derived(value=rights.year, supplied=False, rule="printed")
    if (rights.statement or rights.holders) and document.metadata.date:
        match = re.match(r"(\d{4})", document.metadata.date)
        if match:
            return Derived(value=int(match.group(1)), supplied=True, rule="publication-year")
    return None


def short_rights_line(document: Document) -> str:
    """A one-line copyright notice for page footers and short fields."""
    rights = document.rights
    if rights.statement:
        return rights.statement
    if rights.holders:
        year = copyright_year(document)
        prefix = f"© {year.value} " if year else "© "
        return prefix + ", ".join(rights.holders)
    if rights.source:
        return rights.source
    return ""


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
        name = first.family if first_is_person(document) and first.family else (first.literal or first.name)
    else:
        name = meta.site or "anon"
    name_part = re.sub(r"[^a-z0-9]", "", ascii_fold(name).lower())
    year = (meta.date or "")[:4] if meta.date and meta.date[:4].isdigit() else "nd"
    title = display_title(document).value
    # Hyphens split words, as in Zotero and Better BibTeX keys: "Trump-Putin" gives "trump".
    words = [w.lower() for w in re.findall(r"[A-Za-z0-9]+", ascii_fold(title))]
    word = next((w for w in words if w and w not in _STOP_WORDS), "untitled")
    return f"{name_part or 'anon'}{year}{word}"


def first_is_person(document: Document) -> bool:
    """True when the first author splits as a person's name."""
    authors = document.metadata.authors
    return bool(authors) and authors[0].family is not None and authors[0].literal is None


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


_ISO_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def iso_date_parts(value: str | None) -> tuple[int, ...] | None:
    """``"2017-01-29"`` → ``(2017, 1, 29)``; ``"2017-01"`` → ``(2017, 1)``; anything else → None.

    Partial dates stay partial: a missing month or day is never filled in.
    """
    if not value:
        return None
    match = _ISO_DATE.fullmatch(value.strip())
    if match is None:
        return None
    parts = tuple(int(p) for p in match.groups() if p is not None)
    if len(parts) >= 2 and not 1 <= parts[1] <= 12:
        return None
    if len(parts) == 3 and not 1 <= parts[2] <= 31:
        return None
    return parts
