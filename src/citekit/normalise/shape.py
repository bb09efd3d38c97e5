"""Questions the header and body stages ask of a unit's text: is it prose, a headline, Title Case?"""

from __future__ import annotations

from functools import lru_cache

from citekit.normalise.tables.shapes import LATIN_WORD, LIST_ITEM, PROSE_WORDS, URL

_DATE_WORDS = frozenset({
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "january",
    "february", "march", "april", "june", "july", "august", "september", "october", "november", "december", "mon",
    "tue", "wed", "thu", "fri", "sat", "sun", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
    "sunday", "edt", "est", "cdt", "cst", "mdt", "mst", "pdt", "pst", "utc", "gmt", "bst", "cet", "aest",
})
"""Words of date lines: a line of these (and numbers) is a date, not a headline."""


def words(text: str, limit: int) -> int:
    """The number of words in ``text``, counted no further than ``limit + 1``: enough to compare
    with ``limit``, without splitting a long paragraph into all its words."""
    return len(text.split(maxsplit=limit))


@lru_cache(maxsize=4096)
def is_prose(text: str, min_words: int = 18) -> bool:
    """A paragraph of running text: long, or a sentence of ten words or more with articles."""
    count = words(text, min_words)
    return count >= min_words or (count >= 10 and bool(PROSE_WORDS.search(text)) and text.endswith((".", "…")))


@lru_cache(maxsize=4096)
def title_like(text: str, max_words: int = 25) -> bool:
    """A headline: two to ``max_words`` words, capitalised, no closing full stop, no URL, not a list item."""
    count = words(text, max_words)
    if not 2 <= count <= max_words or URL.search(text):
        return False
    if text.endswith((".", ":", ";", ",")) and not text.endswith("..."):
        return False
    if LIST_ITEM.match(text):
        return False
    if sum(1 for w in LATIN_WORD.findall(text) if len(w) > 2 and w.lower() not in _DATE_WORDS) < 2:
        return False  # "9:05am, EDT", "Nov 5, 2012": a date line, not a headline
    return text[:1].isupper() or text[:1] in "“\"'‘¿¡(0123456789"


def title_case(text: str) -> bool:
    """Most long words capitalised, as headlines print them."""
    long_words = [w for w in LATIN_WORD.findall(text) if len(w) > 3]
    return bool(long_words) and sum(w[0].isupper() for w in long_words) / len(long_words) >= 0.75


def clear_caches() -> None:
    """The shape tests are memoised within one document only, so repeated inputs time like new ones."""
    is_prose.cache_clear()
    title_like.cache_clear()
