"""The HTML reader: a saved web page (``.html``/``.htm``, gzip accepted) as a citekit document.

Stages, each a function of the previous result:

1. :func:`~citekit.readers.html.page.parse_page`: bytes → tree, decoded as the page declares;
2. :func:`~citekit.readers.html.sources.page_candidates`: everything the page states about itself
   (JSON-LD, OpenGraph, Highwire, Dublin Core, ``<link rel>``, ``<meta>``, ``<time>``, ``<h1>``);
3. :func:`~citekit.readers.html.metadata.choose_metadata`: each field chosen once, with provenance
   naming the source that won and why;
4. :func:`~citekit.readers.html.marks.mark_page`: what the markup shows is not the article's own
   text (embedded posts, figure captions) is marked, then
   :func:`~citekit.readers.html.body.extract`: the main content (trafilatura), kept as structure;
5. :func:`~citekit.readers.html.boilerplate.boilerplate`: what the page's markup shows is not the
   article (the headline again, link-only teasers, "Also read:" cross-links), recorded as removed;
6. :func:`~citekit.readers._normalise_bridge.end_matter`: the normaliser's end-matter and
   boilerplate rules over the extracted blocks (copyright and source lines, notices, bios);
7. the merge: the page's statements win over what the text rules read; the text fills the gaps.

Every rule beyond the weighted vote has an id (:data:`~citekit.readers.html.metadata.METADATA_RULES`,
:data:`~citekit.readers.html.marks.MARK_RULES`, :data:`~citekit.readers.html.boilerplate.RULES`) and is
switched off with :class:`HtmlOptions`.

Nothing is fetched: links in the page are never followed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from citekit.model import Document
from citekit.readers import Reader
from citekit.readers._assemble import build
from citekit.readers.html.body import body_blocks, extract
from citekit.readers.html.boilerplate import boilerplate
from citekit.readers.html.hints import page_hints
from citekit.readers.html.marks import MARK_RULES, mark_page, marker_stem
from citekit.readers.html.metadata import METADATA_RULES, choose_metadata, htmldate_of
from citekit.readers.html.page import parse_page
from citekit.readers.html.sources import page_candidates

_HTML_START = re.compile(rb"\s*(?:<!--.{0,2000}?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title)\b",
                         re.IGNORECASE | re.DOTALL)


def sniff(data: bytes) -> bool:
    """True for bytes that open as an HTML document (doctype, ``<html>``, ``<head>``…)."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf")
    return _HTML_START.match(head) is not None


@dataclass(frozen=True, slots=True, kw_only=True)
class HtmlOptions:
    """How the HTML reader reads a page; the defaults are what ``citekit`` uses."""

    disabled_rules: frozenset[str] = frozenset()
    """Rule ids switched off: metadata rules (``date.htmldate``, ``date.utc-local``), the markup rules
    of :data:`~citekit.readers.html.marks.MARK_RULES` (``html-embedded-post``, ``html-figure-caption``)
    and boilerplate rules (``header-title``, ``boilerplate-link-block``, ``boilerplate-cross-link``)."""
    figures: bool = False
    """Keep the page's ``<figure>`` images (address, alt text, ``figcaption``) as figures. Off by
    default: curated article bodies leave captions out, and standing figures in for trafilatura
    moves its choice of region, so on the development corpus it costs 0.009 body F1 (0.003 of it
    from the moved choices). A page carries no image bytes, so the figures are references."""


def read_page(data: bytes, name: str | None, options: HtmlOptions = HtmlOptions()) -> Document:
    """The document a saved page holds, read with ``options``."""
    root = parse_page(data, name=name)
    rules = METADATA_RULES.keys() - options.disabled_rules
    page = choose_metadata(page_candidates(root), fallback_date=htmldate_of(root), rules=rules)
    stem = marker_stem(data)
    hints = page_hints(root, stem=stem, figures=options.figures)  # after the metadata: stand-ins replace figures
    marks = mark_page(root, stem, options.disabled_rules)
    tree = extract(root)
    blocks, marked = body_blocks(tree, hints, marks) if tree is not None else ((), ())
    verdicts = boilerplate(blocks, title=page.title, disabled=options.disabled_rules)
    back = tuple(MARK_RULES[mark].back if mark else None for mark in marked)
    removed_by = tuple(None if place else mark or verdict for mark, place, verdict in zip(marked, back, verdicts,
                                                                                          strict=True))
    return build(page, blocks, data, name, removed_by=removed_by, back_by=back)


def read(data: bytes, name: str | None) -> Document:
    """The document a saved page holds (the registry's entry: default options)."""
    return read_page(data, name)


READER = Reader(
    name="html",
    suffixes=(".html", ".htm", ".xhtml", ".html.gz", ".htm.gz"),
    media_types=("text/html", "application/xhtml+xml"),
    description="a saved web page: main content (trafilatura) and the page's metadata (JSON-LD, OpenGraph, …)",
    read=read,
    sniff=sniff,
)
