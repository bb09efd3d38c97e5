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

import hashlib
import re
from dataclasses import replace

from citekit import __version__
from citekit.model import (
    Document,
    FieldSource,
    Heading,
    Metadata,
    Provenance,
    Removed,
    Rights,
    plain_block,
    plain_inlines,
)
from citekit.readers import Reader
from citekit.readers._normalise_bridge import end_matter, person
from citekit.readers.html.body import blocks_of, extract
from citekit.readers.html.metadata import PageMetadata, choose_metadata, htmldate_of
from citekit.readers.html.page import parse_page
from citekit.readers.html.sources import page_candidates

_HTML_START = re.compile(rb"\s*(?:<!--.{0,2000}?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title)\b",
                         re.IGNORECASE | re.DOTALL)
HEADER_ROLES = frozenset({"title", "subtitle", "byline", "dateline", "keywords", "site"})
"""Roles of extracted blocks that are the page's header printed again, not body."""
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*")


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
    if blocks and isinstance(blocks[0], Heading) and page.title and _same(plain_inlines(blocks[0].content), page.title):
        blocks = blocks[1:]  # the headline is metadata, not the body's first heading
    rules = end_matter(blocks, title=page.title, name=name)
    body = tuple(block for block, keep in zip(blocks, rules.keep, strict=True) if keep)
    # Header lines (a repeated headline, a byline, a dateline) leave the body as removed text; rights
    # lines and notices are in the rights already, boilerplate in the normaliser's own removed list.
    header = tuple(Removed(start_line=start, end_line=end, text=plain_block(block), reason=f"header-{role}")
                   for block, role, (start, end) in zip(blocks, rules.roles, rules.spans, strict=True)
                   if role in HEADER_ROLES)
    return _merge(page, rules.document, body, header, data, name)


def _same(a: str, b: str) -> bool:
    return "".join(a.casefold().split()) == "".join(b.casefold().split())


def _merge(page: PageMetadata, text: Document, body: tuple[object, ...], header: tuple[Removed, ...],
           data: bytes, name: str | None) -> Document:
    """The page's statements first; what the text rules read fills the fields the page leaves empty."""
    found = text.metadata
    from_text: list[FieldSource] = []

    def fallback(field: str, stated: object, read_from_text: object) -> object:
        if stated:
            return stated
        if read_from_text:
            from_text.extend(replace(source, rule=f"text:{source.rule}", lines=())
                             for source in text.provenance.fields if source.field.startswith(field))
        return read_from_text

    authors = tuple(person(name_) for name_ in page.authors)
    language = _language(page.language)
    metadata = Metadata(
        title=page.title or found.title,
        subtitle=page.subtitle if page.subtitle and len(page.subtitle) <= 300 else None,
        authors=fallback("metadata.authors", authors, found.authors),  # type: ignore[arg-type]
        site=fallback("metadata.site", page.site, found.site),  # type: ignore[arg-type]
        publisher=page.publisher or found.publisher,
        date=fallback("metadata.date", page.date, found.date),  # type: ignore[arg-type]
        url=fallback("metadata.url", page.url, found.url),  # type: ignore[arg-type]
        language=language or found.language,
        keywords=page.keywords or found.keywords,
        keyword_groups=found.keyword_groups,
    )
    stated = text.rights
    rights = Rights(
        statement=fallback("rights.statement", page.statement, stated.statement),  # type: ignore[arg-type]
        holders=page.holders or stated.holders,
        year=page.year or stated.year,
        license=fallback("rights.license", page.license, stated.license),  # type: ignore[arg-type]
        license_url=page.license_url or stated.license_url,
        source=stated.source,
        source_url=page.source_url or stated.source_url,
        notices=stated.notices,
    )
    if not page.title and found.title:
        from_text.extend(replace(s, rule=f"text:{s.rule}", lines=()) for s in text.provenance.fields
                         if s.field == "metadata.title")
    if not language and found.language:
        from_text.append(FieldSource(field="metadata.language", lines=(), rule="cld2", supplied=True))
    provenance = Provenance(
        input_sha256=hashlib.sha256(data).hexdigest(), citekit_version=__version__, source_name=name,
        fields=page.fields + tuple(from_text),
    )
    removed = tuple(sorted(text.removed + header, key=lambda r: r.start_line))
    return Document(metadata=metadata, body=body, rights=rights, removed=removed,  # type: ignore[arg-type]
                    provenance=provenance)


def _language(value: str | None) -> str | None:
    """A BCP 47 tag from ``<html lang>`` or ``og:locale`` ("en_US" → "en-US")."""
    if not value or not _LANGUAGE.fullmatch(value.strip()):
        return None
    parts = value.strip().replace("_", "-").split("-")
    return "-".join([parts[0].lower(), *(p.upper() if len(p) == 2 else p for p in parts[1:])])


READER = Reader(
    name="html",
    suffixes=(".html", ".htm", ".xhtml", ".html.gz", ".htm.gz"),
    media_types=("text/html", "application/xhtml+xml"),
    description="a saved web page: main content (trafilatura) and the page's metadata (JSON-LD, OpenGraph, …)",
    read=read,
    sniff=sniff,
)
