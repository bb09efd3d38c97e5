"""Relative links resolve against the article's URL the same way in every writer (writers/_links.py)."""

from __future__ import annotations

import pytest

from citekit.writers._links import absolute_url
from citekit.writers.epub.text import external_href
from citekit.writers.pdf.markup import live_url

BASE = "https://example.org/news/2017/story.html"

CASES = [
    # (link as printed, article URL, expected absolute URL)
    ("https://other.org/a", BASE, "https://other.org/a"),
    ("https://other.org/a", None, "https://other.org/a"),
    ("mailto:editor@example.org", None, "mailto:editor@example.org"),
    ("/about", BASE, "https://example.org/about"),
    ("next.html", BASE, "https://example.org/news/2017/next.html"),
    ("//cdn.example.org/x", BASE, "https://cdn.example.org/x"),
    ("  /padded  ", BASE, "https://example.org/padded"),
    ("/about", None, None),  # nothing to resolve against: the link stays text
    ("/about", "mailto:editor@example.org", None),
    ("/about", "ftp://example.org/", None),
    ("/about", "javascript:alert(1)", None),
    ("javascript:alert(1)", BASE, None),
    ("#", BASE, None),  # what scraped pages print for links that go nowhere
    ("", BASE, None),
    (None, BASE, None),
]


@pytest.mark.parametrize(("url", "base", "expected"), CASES)
def test_absolute_url(url: str | None, base: str | None, expected: str | None) -> None:
    assert absolute_url(url, base) == expected


@pytest.mark.parametrize(("url", "base", "expected"), CASES)
def test_epub_and_pdf_link_the_same_targets(url: str | None, base: str | None, expected: str | None) -> None:
    """Each writer encodes the link its own way, but links exactly when the shared rule gives a URL."""
    assert (external_href(url, base) is None) == (expected is None)
    assert (live_url(url, base) is None) == (expected is None)
