"""The HTML reader: a saved web page (``.html``/``.htm``, gzip accepted) as a citekit document.

Stages, each a function of the previous result:

1. :func:`~citekit.readers.html.page.parse_page`: bytes → tree, decoded as the page declares;
2. :func:`~citekit.readers.html.sources.page_candidates`: everything the page states about itself
   (JSON-LD, OpenGraph, Highwire, Dublin Core, ``<link rel>``, ``<meta>``, ``<time>``, ``<h1>``);
3. :func:`~citekit.readers.html.metadata.choose_metadata`: each field chosen once, with provenance
   naming the source that won and why;
4. :func:`~citekit.readers.html.body.extract`: the main content (trafilatura), kept as structure;
5. :func:`~citekit.readers._normalise_bridge.end_matter`: the normaliser's end-matter and
   boilerplate rules over the extracted blocks (copyright and source lines, notices, bios);
6. the merge: the page's statements win over what the text rules read; the text fills the gaps.

Nothing is fetched: links in the page are never followed.
"""

from __future__ import annotations

import re

from citekit.model import Document, Heading, plain_inlines
from citekit.readers import Reader
from citekit.readers._assemble import build
from citekit.readers.html.body import blocks_of, extract
from citekit.readers.html.metadata import choose_metadata, htmldate_of
from citekit.readers.html.page import parse_page
from citekit.readers.html.sources import page_candidates

_HTML_START = re.compile(rb"\s*(?:<!--.{0,2000}?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title)\b",
                         re.IGNORECASE | re.DOTALL)


def sniff(data: bytes) -> bool:
    """True for bytes that open as an HTML document (doctype, ``<html>``, ``<head>``…)."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf")
    return _HTML_START.match(head) is not None


def read(data: bytes, name: str | None) -> Document:
    """The document a saved page holds."""
    root = parse_page(data, name=name)
    page = choose_metadata(page_candidates(root), fallback_date=htmldate_of(root))
    tree = extract(root)
    blocks = blocks_of(tree) if tree is not None else ()
    if blocks and isinstance(blocks[0], Heading) and page.title and _same(plain_inlines(blocks[0].content),
                                                                          page.title):
        blocks = blocks[1:]  # the headline is metadata, not the body's first heading
    return build(page, blocks, data, name)


def _same(a: str, b: str) -> bool:
    return "".join(a.casefold().split()) == "".join(b.casefold().split())


READER = Reader(
    name="html",
    suffixes=(".html", ".htm", ".xhtml", ".html.gz", ".htm.gz"),
    media_types=("text/html", "application/xhtml+xml"),
    description="a saved web page: main content (trafilatura) and the page's metadata (JSON-LD, OpenGraph, …)",
    read=read,
    sniff=sniff,
)
