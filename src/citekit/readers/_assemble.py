"""Assemble a document from what an input states about itself and its extracted blocks.

Every reader that extracts blocks (HTML, Markdown, the pandoc formats) ends here, so one rule
decides for all of them: what the input states wins; what the normaliser's text rules read from
the blocks fills the fields it leaves empty; rights lines, notices, boilerplate and a repeated
header leave the body, accounted for in the rights or as removed text.

The text rules read text blocks only: a figure, a table or a code block is structure they were not
written for (a photo credit is not the article's copyright line, a licence header in code is not
its licence), so they see it as an opaque line and it stays in the body. A block that leaves the
body takes no footnote with it: its notes become back-matter notes.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace

from citekit._version import __version__
from citekit.model import (
    BackItem,
    BackKind,
    Block,
    CodeBlock,
    Document,
    FieldSource,
    Figure,
    Metadata,
    Para,
    Provenance,
    Removed,
    Rights,
    Str,
    Table,
    block_notes,
    plain_block,
)
from citekit.readers._normalise_bridge import end_matter, person

HEADER_ROLES = frozenset({"title", "byline", "dateline", "keywords", "site"})
"""Roles of extracted blocks that are the input's header printed again, not body."""
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*")


@dataclass(frozen=True, slots=True, kw_only=True)
class Stated:
    """What an input states about itself (page metadata, front matter, document properties), chosen
    once, with provenance; None or empty where it states nothing."""

    title: str | None = None
    subtitle: str | None = None
    authors: tuple[str, ...] = ()
    site: str | None = None
    publisher: str | None = None
    date: str | None = None
    url: str | None = None
    language: str | None = None
    keywords: tuple[str, ...] = ()
    license: str | None = None
    license_url: str | None = None
    statement: str | None = None
    holders: tuple[str, ...] = ()
    year: int | None = None
    source_url: str | None = None
    fields: tuple[FieldSource, ...] = ()


OPAQUE = (CodeBlock, Figure, Table)
"""Blocks the text rules do not read: they see one opaque line, and the block stays in the body."""
_OPAQUE_LINE = Para(content=(Str(text="·"),))


def build(stated: Stated, blocks: tuple[Block, ...], data: bytes, name: str | None,
          removed_by: tuple[str | None, ...] = (), back_by: tuple[BackKind | None, ...] = ()) -> Document:
    """The document: ``stated`` first, the end-matter rules over ``blocks``, the text filling gaps.

    ``removed_by`` (per block, optional) names the reader's own rule that takes a block out of the
    body (a web page's repeated headline, its link-only teasers); None keeps it for the text rules.
    ``back_by`` (per block, optional) moves a block the input's markup places in back matter (an
    author box is a bio, a figure caption a note) there, unless the text rules placed it first.
    """
    removed_by = removed_by or (None,) * len(blocks)
    back_by = back_by or (None,) * len(blocks)
    rules = end_matter(tuple(_OPAQUE_LINE if isinstance(b, OPAQUE) else b for b in blocks), title=stated.title,
                       name=name)
    # Figures, tables and code stay, whatever the text rules made of their opaque line.
    text_keep = [kept or isinstance(block, OPAQUE) for block, kept in zip(blocks, rules.keep, strict=True)]
    keep = [kept and reader_rule is None and back is None
            for kept, reader_rule, back in zip(text_keep, removed_by, back_by, strict=True)]
    body = tuple(block for block, kept in zip(blocks, keep, strict=True) if kept)
    moved = _back_items([(block, back if kept and not reader_rule else None) for block, kept, reader_rule, back
                         in zip(blocks, text_keep, removed_by, back_by, strict=True)])
    notes = tuple(BackItem(kind="note", blocks=note.blocks) for block, kept in zip(blocks, keep, strict=True)
                  if not kept for note in block_notes(block))
    # Header lines (a repeated headline, a byline, a dateline) and what the reader's rules named leave
    # the body as removed text; rights lines and notices are in the rights already, boilerplate in
    # the normaliser's own removed list.
    # A block the text rules already placed (rights, notices, their own removed list) stays theirs.
    header = tuple(Removed(start_line=start, end_line=end, text=plain_block(block),
                           reason=reader_rule if kept and reader_rule else f"header-{role}")
                   for block, role, kept, (start, end), reader_rule in zip(blocks, rules.roles, text_keep,
                                                                           rules.spans, removed_by, strict=True)
                   if (kept and reader_rule) or (role in HEADER_ROLES and not isinstance(block, OPAQUE)))
    document = _assemble(stated, rules.document, body, header, data, name)
    return replace(document, back=document.back + moved + notes) if moved or notes else document


def _back_items(placed: list[tuple[Block, BackKind | None]]) -> tuple[BackItem, ...]:
    """One back-matter item for each run of neighbouring blocks of one kind (None: not back matter)."""
    items: list[BackItem] = []
    previous: BackKind | None = None
    for block, kind in placed:
        if kind is not None and kind == previous:
            items[-1] = replace(items[-1], blocks=(*items[-1].blocks, block))
        elif kind is not None:
            items.append(BackItem(kind=kind, blocks=(block,)))
        previous = kind
    return tuple(items)


def _assemble(page: Stated, text: Document, body: tuple[Block, ...], header: tuple[Removed, ...],
              data: bytes, name: str | None) -> Document:
    """The input's statements first; what the text rules read fills the fields it leaves empty."""
    found, printed = text.metadata, text.rights
    # Fields the input leaves empty and the text rules fill: their provenance comes along, marked.
    filled = {path for path, stated, read in (
        ("metadata.title", page.title, found.title), ("metadata.authors", page.authors, found.authors),
        ("metadata.site", page.site, found.site), ("metadata.date", page.date, found.date),
        ("metadata.url", page.url, found.url), ("rights.statement", page.statement, printed.statement),
        ("rights.license", page.license, printed.license), ("rights.source", None, printed.source),
    ) if read and not stated}
    from_text = [replace(source, rule=f"text:{source.rule}", lines=()) for source in text.provenance.fields
                 if source.field.split("[", 1)[0] in filled]
    language = _language(page.language)
    if not language and found.language:
        from_text.append(FieldSource(field="metadata.language", lines=(), rule="cld2", supplied=True))
    authors = tuple(person(each) for each in page.authors)
    metadata = Metadata(
        title=page.title or found.title,
        subtitle=page.subtitle if page.subtitle and len(page.subtitle) <= 300 else None,
        authors=authors or found.authors,
        site=page.site or found.site,
        publisher=page.publisher or found.publisher,
        date=page.date or found.date,
        url=page.url or found.url,
        language=language or found.language,
        keywords=page.keywords or found.keywords,
        keyword_groups=found.keyword_groups,
    )
    rights = Rights(
        statement=page.statement or printed.statement,
        holders=page.holders or printed.holders,
        year=page.year or printed.year,
        license=page.license or printed.license,
        license_url=page.license_url or printed.license_url,
        source=printed.source,
        source_url=page.source_url or printed.source_url,
        notices=printed.notices,
    )
    provenance = Provenance(
        input_sha256=hashlib.sha256(data).hexdigest(), citekit_version=__version__, source_name=name,
        fields=page.fields + tuple(from_text),
    )
    removed = tuple(sorted(text.removed + header, key=lambda r: r.start_line))
    return Document(metadata=metadata, body=body, rights=rights, removed=removed, provenance=provenance)


def _language(value: str | None) -> str | None:
    """A BCP 47 tag from ``<html lang>`` or ``og:locale`` ("en_US" → "en-US")."""
    if not value or not _LANGUAGE.fullmatch(value.strip()):
        return None
    parts = value.strip().replace("_", "-").split("-")
    return "-".join([parts[0].lower(), *(p.upper() if len(p) == 2 else p for p in parts[1:])])


