"""Web-page boilerplate left in the extracted blocks: what a page's markup shows and text cannot.

trafilatura's main content still holds pieces of the page around the article: the headline printed
again above the body (often with a kicker: "Bei Protesten 2022 Bericht: Aktivistin getötet"),
paragraphs that are nothing but a link to another article (teasers, "more on this" lists), and
cross-links introduced by "Also read:" / "Related:" / "Les også:". Each rule here looks at one
extracted block and says why it is not the article's text; the blocks it names leave the body and
are recorded as removed with the rule's id (never dropped in silence). The normaliser's end-matter
and boilerplate rules run after this, on every block, for what text alone shows.

Each rule was measured on the development body set (294 pages, ScrapingHub metric) before it was
kept; ``benchmarks/readers.py score`` gives the figures with and without them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from citekit.model import Block, Heading, Inline, Link, ListBlock, Para, plain_block, plain_inlines

_WORD = re.compile(r"\w+")
HEADLINE_OVERLAP = 0.8
"""Share of words a heading must share with the title (either way) to be the headline again."""
HEADLINE_WINDOW = 3
"""The headline is looked for among the first blocks only."""
LINK_SHARE = 0.75
"""A paragraph or list whose words are at least this share link text is navigation, not prose."""
CROSS_LINK_WORDS = 30
"""A cross-link ("Also read: …") is one headline long; a longer block is prose that starts so."""

_CROSS_LINK = re.compile(
    r"(?:also read|read (?:more|also|next)|see also|related(?: (?:articles?|stories|posts?|content|reading))?"
    r"|more|lesen sie (?:auch|mehr)|mehr zum thema|auch interessant|les også|läs också|læs også|lees ook"
    r"|leer también|lea también|lire aussi|à lire aussi|leggi anche|leia também|ver também)\s*:",
    re.IGNORECASE)
"""An English, German, Nordic, Dutch, Spanish, French, Italian or Portuguese cross-link label, with its
colon: "Related courses:" without one is a heading of the article's own."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Rule:
    """One boilerplate rule: its id (what ``removed`` records) and why it exists."""

    id: str
    why: str


RULES: tuple[Rule, ...] = (
    # +0.0010 F1 (P +0.0023, R -0.0004): the kicker-plus-headline heading that an exact match missed.
    Rule(id="header-title", why="a heading among the first blocks that repeats the title's words"),
    # +0.0010 F1 (P +0.0028, R -0.0008): teaser headlines and link lists inside the content area.
    Rule(id="boilerplate-link-block", why="a paragraph or list that is mostly link text"),
    # +0.0001 F1: few blocks, each plainly a pointer to another article.
    Rule(id="boilerplate-cross-link", why='a cross-link to another article ("Also read: …", "Les også: …")'),
)
"""The rules, in the order they are tried; switch one off by id (``HtmlOptions.disabled_rules``)."""


def boilerplate(blocks: tuple[Block, ...], *, title: str | None, disabled: AbstractSet[str] = frozenset(),
                link_share: float = LINK_SHARE, headline_overlap: float = HEADLINE_OVERLAP) -> tuple[str | None, ...]:
    """Per block: the id of the rule that takes it out of the body, or None when it stays.

    ``link_share`` and ``headline_overlap`` are the measured thresholds; the benchmark's ``loso``
    re-chooses them leaving each site out."""
    tests: dict[str, Callable[[int, Block], bool]] = {
        "header-title": lambda index, block: index < HEADLINE_WINDOW and _repeats(block, title, headline_overlap),
        "boilerplate-link-block": lambda _, block: _link_share(block) >= link_share,
        "boilerplate-cross-link": lambda _, block: _cross_link(block),
    }
    verdicts: list[str | None] = []
    headline_seen = False
    for index, block in enumerate(blocks):
        verdict = None
        for rule in RULES:
            if rule.id in disabled or (rule.id == "header-title" and headline_seen):
                continue
            if tests[rule.id](index, block):
                verdict = rule.id
                headline_seen = headline_seen or rule.id == "header-title"
                break
        verdicts.append(verdict)
    return tuple(verdicts)


def _words(text: str) -> set[str]:
    return {w.casefold() for w in _WORD.findall(text)}


def _repeats(block: Block, title: str | None, overlap: float) -> bool:
    if not isinstance(block, Heading) or not title:
        return False
    heading, headline = _words(plain_inlines(block.content)), _words(title)
    if not heading or not headline:
        return False
    shared = len(heading & headline)
    # A heading that holds the title's words but is much longer is a standfirst set as a heading.
    holds_title = shared / len(headline) >= overlap and len(heading) <= 2 * len(headline) + 4
    return holds_title or shared / len(heading) >= overlap


def _link_words(content: tuple[Inline, ...]) -> int:
    count = 0
    for inline in content:
        if isinstance(inline, Link):
            count += len(_WORD.findall(plain_inlines(inline.content)))
        elif isinstance(inner := getattr(inline, "content", None), tuple):
            count += _link_words(inner)
    return count


def _link_share(block: Block) -> float:
    """The share of the block's words that are link text (0 for blocks that are not prose)."""
    paras: list[Para] = []
    if isinstance(block, Para):
        paras = [block]
    elif isinstance(block, ListBlock):
        paras = [b for item in block.items for b in item if isinstance(b, Para)]
    words = sum(len(_WORD.findall(plain_inlines(p.content))) for p in paras)
    return sum(_link_words(p.content) for p in paras) / words if words else 0.0


def _cross_link(block: Block) -> bool:
    if not isinstance(block, Para | Heading):
        return False
    text = plain_block(block).strip()
    return _CROSS_LINK.match(text) is not None and len(_WORD.findall(text)) <= CROSS_LINK_WORDS
