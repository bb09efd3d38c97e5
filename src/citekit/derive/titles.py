"""The display title, and :class:`Derived`: a value with how it was obtained.

Rules return a :class:`Derived` value saying whether it was printed or supplied, so writers mark
supplied values (JATS ``custom-meta``, the batch report's review list) instead of passing them
off as printed.
"""

from __future__ import annotations

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
