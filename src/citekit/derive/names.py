"""Authors: the one answer to "is this author a person", and the name forms built on it.

A person's name splits into family and given names, which bibliographic formats store apart and
sort by; anything else (an organisation, a name that does not split) is kept whole as printed.
Every writer asks :func:`is_person` rather than testing the fields itself, so one author is a
person in the JATS ``name``, the CSL ``family``/``given``, the BibTeX ``Family, Given`` and the
EPUB ``file-as`` alike.
"""

from __future__ import annotations

from citekit.model import Author


def is_person(author: Author) -> bool:
    """True when ``author`` splits as a person's name: a family name, and not marked as a literal."""
    return author.literal is None and bool((author.family or "").strip())


def whole_name(author: Author) -> str:
    """The name as printed, for display ("Stephen Lendman", "Washington's Blog")."""
    return (author.name or "").strip() or (author.literal or "").strip()


def inverted_name(author: Author) -> str:
    """``Family, Given`` for a person (``Family`` without given names), else the name kept whole."""
    if is_person(author):
        family, given = (author.family or "").strip(), (author.given or "").strip()
        return f"{family}, {given}" if given else family
    return (author.literal or "").strip() or whole_name(author)
