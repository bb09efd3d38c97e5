"""Formatted references and in-text citations in a CSL style, by pandoc's citeproc.

Every distinct input becomes a CSL-JSON item (from :func:`citekit.writers.csl_json.csl_items`),
every item is cited once in input order (so numeric styles number in input order and note styles
give each item its first, full note), and pandoc returns its AST as JSON, from which the entries
and citations are rendered as text, HTML or Markdown here. Parsing pandoc's JSON instead of its
plain/HTML output keeps entries and citations apart without guessing where one ends. The output is
that of one pandoc pass over the whole list, computed in linear time (see ``engine.py``).

::

    styles.py   finding a style (and a dependent style's parent) and checking a locale
    traits.py   what in a style decides whether its entries can be formatted apart
    groups.py   groups of items that cannot change each other's formatting
    engine.py   batches of pandoc runs, in parallel, put in the style's order
    cache.py    formatted groups kept on disk, when asked
    render.py   citeproc's AST as text, HTML or Markdown
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from citekit.citations.engine import CiteOptions, citation_data, render_items
from citekit.citations.render import MARKUPS, Markup
from citekit.citations.styles import (
    ALIASES,
    Style,
    StyleInfo,
    available_styles,
    check_locale,
    package_style_count,
    resolve_style,
)
from citekit.errors import OptionError
from citekit.model import Document, safe_url

# --------------------------------------------------------------------------------------------
# Deduplication


def _url_key(url: str | None) -> str | None:
    if not url or safe_url(url) is None:
        return None
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in {"http", "https"}:
        return None
    # http/https, a trailing slash and the fragment do not make a different article.
    path = parts.path.rstrip("/") or "/"
    return urlunsplit(("http", parts.netloc.lower(), path, parts.query, ""))


def deduplicate(documents: Sequence[Document]) -> tuple[list[Document], list[int]]:
    """(distinct documents in first-seen order, each input's index among them).

    Two inputs are one work when they share the article URL or the input bytes
    (``provenance.input_sha256``): a repost saved twice, or one file given twice.
    """
    unique: list[Document] = []
    index_of: list[int] = []
    seen: dict[str, int] = {}
    for document in documents:
        keys = [
            k
            for k in (
                _url_key(document.metadata.url),
                f"sha256:{document.provenance.input_sha256}" if document.provenance.input_sha256 else None,
            )
            if k
        ]
        position = next((seen[k] for k in keys if k in seen), None)
        if position is None:
            position = len(unique)
            unique.append(document)
        for key in keys:
            seen.setdefault(key, position)
        index_of.append(position)
    return unique, index_of


# --------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True, slots=True, kw_only=True)
class Citations:
    """One pandoc run's results."""

    bibliography: tuple[str, ...]
    """The reference list entries, in the style's order, one string each."""
    in_text: tuple[str, ...]
    """Each input's in-text citation (a note style's first, full note), in input order."""
    style: Style
    """The style used."""


# --------------------------------------------------------------------------------------------
# The public API


def format_citations(
    documents: Sequence[Document],
    *,
    style: str | Style = "apa",
    markup: Markup = "text",
    locale: str | None = None,
    options: CiteOptions | None = None,
) -> Citations:
    """Bibliography entries and in-text citations of ``documents``, deduplicated.

    The result is the same as one pandoc pass over the whole list; ``options`` say how it is
    computed (a cache directory, parallel runs; see :class:`CiteOptions`).
    """
    from citekit.writers.csl_json import csl_items

    resolved = style if isinstance(style, Style) else resolve_style(style)
    if locale is not None:
        locale = check_locale(locale)
    unique, index_of = deduplicate(documents)
    items = csl_items(unique)
    entries, per_item = render_items(items, resolved, markup=markup, locale=locale, options=options)
    return Citations(
        bibliography=tuple(entries), in_text=tuple(per_item[i] for i in index_of), style=resolved
    )


def join_bibliography(entries: Sequence[str], markup: Markup) -> str:
    """The entries as one document: a line each (text), paragraphs (Markdown), a CSL div (HTML)."""
    if not entries:
        return ""
    if markup == "html":
        body = "\n".join(f'  <div class="csl-entry">{e}</div>' for e in entries)
        return f'<div class="csl-bib-body">\n{body}\n</div>\n'
    separator = "\n\n" if markup == "markdown" else "\n"
    return separator.join(entries) + "\n"


def join_in_text(citations: Sequence[str], markup: Markup) -> str:
    """In-text citations, one per input, in input order."""
    if not citations:
        return ""
    if markup == "html":
        return "".join(f'<p class="citation">{c}</p>\n' for c in citations)
    separator = "\n\n" if markup == "markdown" else "\n"
    return separator.join(citations) + "\n"


def cite(
    documents: Document | Sequence[Document],
    style: str = "apa",
    markup: Markup = "text",
    *,
    locale: str | None = None,
    in_text: bool = False,
    cache_dir: str | Path | None = None,
) -> str:
    """The formatted bibliography of ``documents`` (or, with ``in_text``, each one's in-text citation).

    ``style`` is a short name (``mla``), a style id (``apa``) or a path to a ``.csl`` file; ``markup``
    is ``text``, ``html`` or ``markdown``; ``cache_dir`` keeps formatted entries there for the next
    call (nothing is written without it).
    """
    batch = [documents] if isinstance(documents, Document) else list(documents)
    resolved = resolve_style(style)
    if not in_text and not resolved.has_bibliography:
        raise OptionError(f"style {resolved.id!r} defines no bibliography; ask for in-text citations instead")
    options = CiteOptions(cache_dir=Path(cache_dir)) if cache_dir is not None else None
    result = format_citations(batch, style=resolved, markup=markup, locale=locale, options=options)
    if in_text:
        return join_in_text(result.in_text, markup)
    return join_bibliography(result.bibliography, markup)


__all__ = [
    "ALIASES",
    "MARKUPS",
    "Citations",
    "CiteOptions",
    "Markup",
    "Style",
    "StyleInfo",
    "available_styles",
    "check_locale",
    "citation_data",
    "cite",
    "deduplicate",
    "format_citations",
    "join_bibliography",
    "join_in_text",
    "package_style_count",
    "render_items",
    "resolve_style",
]
