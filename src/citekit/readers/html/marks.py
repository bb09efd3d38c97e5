"""Parts of a page that its markup shows are not the article's own text, marked before extraction.

An embedded post (a tweet, an Instagram or TikTok post, a Bluesky or Threads post) is another
work quoted by the page through the platform's embed code; a ``figcaption`` describes a picture
that the reader does not keep (``HtmlOptions(figures=False)``, the default); an author box is a
bio. trafilatura cannot tell them from prose once it has flattened the page, so before
extraction each such element's text is led by a marker word (``citekit``, twelve hex digits of
the page's hash, ``x`` and a number: no page prints its own hash). After extraction, a block
that opens with a marker leaves the body: to back matter when the rule names a kind (a caption is
a note, an author box a bio), else to ``removed`` with the rule's id; never dropped in silence.
A marker trafilatura moved into the middle of other text is only erased, and the text stays.

The marker is one word, so it moves trafilatura's choice of the article's region no more than a
word of text would: measured on the development corpus, marking gives the same bodies as deleting
the elements outright. Work is bounded: at most :data:`MAX_MARKS` elements are marked.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Any

from citekit.model import BackKind

MAX_MARKS = 2000
"""Elements marked on one page at most (a hostile page may hold millions)."""
SPINE_ELEMENTS = 100
"""Headlines and article containers whose ancestors are never marked (the first so many)."""


@dataclass(frozen=True, slots=True)
class Marks:
    """The markers put in one page, and the rule of each."""

    stem: str
    """The marker word's stem on this page: made from the page's own bytes, so no page prints it."""
    rules: dict[str, str]
    """Marker word (stem and number) → the id of the rule that marked its element."""

    @property
    def pattern(self) -> re.Pattern[str]:
        """A marker as it appears in trafilatura's output, with the space after it."""
        return re.compile(self.stem + r"\d+ ?")


def marker_stem(data: bytes) -> str:
    """``citekit`` and twelve hex digits of the page's SHA-256: one word, deterministic, and not a word
    the page can print (it would have to hold its own hash)."""
    return "citekit" + hashlib.sha256(data).hexdigest()[:12] + "x"


@dataclass(frozen=True, slots=True, kw_only=True)
class MarkRule:
    """One kind of element that is not the article's own text."""

    id: str
    """What ``removed`` records, and what ``HtmlOptions.disabled_rules`` names to switch it off."""
    why: str
    """Why the element is not the article's text."""
    xpath: str
    """The elements, found by the markup the platform or the HTML standard gives them."""
    classes: re.Pattern[str] | None = None
    """When set, only the elements the XPath finds whose ``class`` this matches (a cheap XPath with a
    Python test is a quarter of the time of many ``contains()`` in one XPath)."""
    back: BackKind | None = None
    """The back matter a marked block moves to; None: it is removed (recorded in ``removed``)."""


def _class(name: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


MARK_RULES: dict[str, MarkRule] = {rule.id: rule for rule in (
    # +0.0007 body F1 on the development corpus (3 pages, none worse): the embed code every
    # platform documents puts its post in a blockquote of its own class.
    MarkRule(id="html-embedded-post", why="a post from another site, embedded by the platform's code",
             xpath="//blockquote[" + " or ".join(_class(c) for c in (
                 "twitter-tweet", "twitter-video", "instagram-media", "tiktok-embed", "bluesky-embed",
                 "text-post-media", "fb-xfbml-parse-ignore", "reddit-embed-bq", "mastodon-embed")) + "]"),
    # +0.0002 body F1 (3 pages, none worse): curated article bodies leave captions out. A caption
    # is back matter, as the text rules place one (``back.caption``).
    MarkRule(id="html-figure-caption", why="the caption of a figure the reader does not keep",
             xpath="//figcaption", back="note"),
    # +0.0002 body F1 (P +0.0006, R -0.0000; 2 pages better, 1 whose curated body keeps the bio
    # worse): the author box that themes and CMS plugins print, by its class.
    MarkRule(id="html-author-box", why="the box about the author that a theme prints by the article",
             xpath="//*[contains(@class, 'author')]", back="bio",
             classes=re.compile(r"author[-_]?(?:bio|box)|about-(?:the-)?author|author-description")),
)}
"""The rules by id, in the order they mark; a later rule never re-marks an element already marked."""


def mark_page(root: Any, stem: str, disabled: AbstractSet[str] = frozenset()) -> Marks:
    """Lead each matching element's text with a marker word made of ``stem`` and a number."""
    marks = Marks(stem=stem, rules={})
    # An element holding the headline or the article (a theme's "has-author-box" class on <body>)
    # is never marked: its every paragraph would leave the body.
    spine = {e for top in itertools.islice(root.iter("h1", "article", "main"), SPINE_ELEMENTS)
             for e in (top, *top.iterancestors())}
    for rule in MARK_RULES.values():
        if rule.id in disabled:
            continue
        for element in itertools.islice(root.xpath(rule.xpath), 4 * MAX_MARKS):  # each costs its depth
            if len(marks.rules) >= MAX_MARKS:
                return marks
            if rule.classes is not None and not rule.classes.search(str(element.get("class") or "")):
                continue
            if element in spine or any(stem in (e.text or "") for e in (element, *element.iterancestors())):
                continue  # holds the article, or inside an element already marked
            marker = f"{stem}{len(marks.rules)}"
            marks.rules[marker] = rule.id
            element.text = f"{marker} {element.text or ''}"
            # A block inside the element (a tweet's paragraphs) opens with the marker too, so every
            # block trafilatura makes of it is recognised.
            for inner in element.iter("p", "div", "li"):
                if inner is not element:
                    inner.text = f"{marker} {inner.text or ''}"
    return marks
