"""The whole article as one pandoc document: metadata for the format's title block and properties,
the body, then the back matter and the "Source and rights" colophon as sections.

Every section after the body is a ``Div`` classed by its role (``bio``, ``note``, ``links``,
``keywords``, ``colophon``) holding a level-1 heading, then one inner ``Div`` per part: classed
``back-item`` when it is one of the document's back-matter items as printed, ``metadata`` when
citekit wrote it from the document's fields. Pandoc drops the divs where a format has none (DOCX,
LaTeX); in Markdown they are fenced divs, which is how the Markdown reader tells a back-matter item
from lines it can rebuild from the front matter.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from citekit.derive import licence_line, rights_line, sentences, source_line
from citekit.front_matter import BACK_INDEX, BACK_ITEM
from citekit.model import Document
from citekit.pandoc import api_version
from citekit.writers import Diagnostic
from citekit.writers._sections import Matter, Section, http_url, matter
from citekit.writers.pandoc.ast import (
    Context,
    ImagePolicy,
    Node,
    blocks,
    div,
    header,
    meta_bool,
    meta_list,
    meta_string,
    meta_text,
    span,
    text_nodes,
)
from citekit.writers.pandoc.rst import literal_meta, unnested_blocks

FROM_METADATA = "metadata"
"""The class of a part citekit wrote from the document's fields."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Profile:
    """What differs between the formats built from this one AST."""

    keep_relative_links: bool = False
    """True when the format's readers resolve relative links themselves (Markdown)."""
    properties: bool = False
    """True for office formats: the source, site and rights also go into document properties."""
    extra_meta: tuple[tuple[str, Node], ...] = ()
    """Format-specific template variables (paper size, fonts)."""
    flat_inlines: bool = False
    """True for formats whose inline markup cannot nest (reStructuredText): nested markup is set
    plainly here, in linear time, and reported."""
    images: ImagePolicy = "embed"
    """Where the format's images come from (:data:`~citekit.writers.pandoc.ast.ImagePolicy`)."""
    alt_in_figures: bool = True
    """False when a figure's image cannot have a description apart from its caption (Markdown)."""
    pipe_tables: bool = False
    """True when the format's tables are pipe tables, which cannot hold every table (Markdown)."""


def article(document: Document, profile: Profile, diagnostics: list[Diagnostic]) -> dict[str, Any]:
    """The pandoc JSON document for ``document``."""
    parts = matter(document, diagnostics)
    ctx = Context(base_url=http_url(document.metadata.url), keep_relative=profile.keep_relative_links,
                  diagnostics=diagnostics, images=profile.images, image_not_included=parts.labels.image_not_included,
                  alt_in_figures=profile.alt_in_figures, pipe_tables=profile.pipe_tables)
    content = blocks(document.body, ctx, "body")
    for section in (*parts.back, parts.colophon):
        content.append(section_div(section, parts, ctx))
    if profile.flat_inlines:
        counter = [0]
        content = unnested_blocks(content, counter)
        if counter[0]:
            diagnostics.append(Diagnostic(field="body", message=f"{counter[0]} piece(s) of inline markup nested in "
                                          "other markup or around a link set plainly (the format cannot nest them)"))
    meta = metadata(document, parts, profile, diagnostics)
    if profile.flat_inlines:
        meta = {key: literal_meta(value) for key, value in meta.items()}
    return {"pandoc-api-version": list(api_version()), "meta": meta, "blocks": content}


def section_div(section: Section, parts: Matter, ctx: Context) -> Node:
    heading = text_nodes(section.heading)
    if not parts.own_labels:
        heading = [span(heading, [("lang", parts.labels.lang)])]
    inner = [header(1, heading)]
    for part in section.parts:
        where = f"back[{part.back_index}]" if part.back_index is not None else section.role
        if part.back_index is None:
            inner.append(div([FROM_METADATA], blocks(part.blocks, ctx, where)))
        else:  # its place among the document's back matter (sections group the items by role)
            inner.append(div([BACK_ITEM], blocks(part.blocks, ctx, where), [(BACK_INDEX, str(part.back_index))]))
    return div([section.role], inner)


def description(document: Document) -> str:
    """The one-line rights description of office formats: copyright line, licence, source."""
    return sentences(rights_line(document), licence_line(document), source_line(document))


MAX_PROPERTY_KEYWORDS = 200
"""Keywords beyond this many stay out of the document properties (a keywords property is one line
of text); the Keywords section after the body prints every one."""


def metadata(document: Document, parts: Matter, profile: Profile, diagnostics: list[Diagnostic]) -> dict[str, Node]:
    """Template variables: the title block, the language, and the properties office formats keep."""
    meta = document.metadata
    block = parts.title
    values: dict[str, Node] = {"title": meta_text(block.title.value)}
    if block.subtitle:
        values["subtitle"] = meta_text(block.subtitle)
    if block.authors:
        values["author"] = meta_list([meta_text(name) for name in block.authors])
    dateline = " · ".join(p for p in (block.site, block.date_text) if p)
    if dateline:
        values["date"] = meta_text(dateline)
    if parts.language:
        values["lang"] = meta_string(parts.language)
    keywords = list(dict.fromkeys(" ".join(k.split()) for k in meta.keywords if k.strip()))
    if len(keywords) > MAX_PROPERTY_KEYWORDS:
        diagnostics.append(Diagnostic(field="metadata.keywords", message=f"{len(keywords)} keywords: the "
                                      f"document properties hold the first {MAX_PROPERTY_KEYWORDS}, the "
                                      "Keywords section all of them"))
        keywords = keywords[:MAX_PROPERTY_KEYWORDS]
    if keywords:
        values["keywords"] = meta_list([meta_text(k) for k in keywords])
    subject = block.subtitle or ", ".join(keywords)
    if subject:
        values["subject"] = meta_text(subject)
    rights = description(document)
    if rights:
        values["description"] = meta_text(rights)
    if profile.properties:
        values.update(_properties(document, parts))
    values.update(dict(profile.extra_meta))
    return values


def _properties(document: Document, parts: Matter) -> dict[str, Node]:
    """Custom document properties (DOCX ``custom.xml``, ODT ``meta:user-defined``) for the fields the
    core properties have no place for."""
    meta = document.metadata
    pairs: Sequence[tuple[str, str | None]] = (
        ("url", parts.title.url), ("site", meta.site), ("publisher", meta.publisher),
        ("published", parts.title.date.iso() if parts.title.date else None),
        ("accessed", meta.accessed), ("copyright", rights_line(document)), ("license", licence_line(document)),
        ("source", source_line(document)), ("license-url", http_url(document.rights.license_url)),
    )
    return {key: meta_string(" ".join(value.split())) for key, value in pairs if value and value.strip()}


__all__ = ["BACK_ITEM", "FROM_METADATA", "Profile", "article", "description", "meta_bool"]
