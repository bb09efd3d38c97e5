"""The citekit document model: one small tree that every reader produces and every writer consumes.

Blocks and inlines are closed unions mapping one-to-one onto a subset of pandoc's AST
(``Text.Pandoc.Definition``):

=============  ==========================  ============================
citekit        pandoc                      JSON ``type``
=============  ==========================  ============================
``Para``       ``Para``                    ``paragraph``
``Heading``    ``Header``                  ``heading``
``Quote``      ``BlockQuote``              ``quote``
``ListBlock``  ``BulletList``/``OrderedList``  ``list``
``Rule``       ``HorizontalRule``          ``rule``
``Str``        ``Str`` and ``Space``       ``str`` (spaces kept inside the text)
``Emph``       ``Emph``                    ``emph``
``Strong``     ``Strong``                  ``strong``
``Code``       ``Code``                    ``code``
``Link``       ``Link``                    ``link``
``LineBreak``  ``LineBreak``               ``linebreak``
=============  ==========================  ============================

Writers ``match`` on these classes and end with ``assert_never`` so that a new node type fails
loudly. Link targets are checked here, once: only http(s), mailto and relative URLs survive.

The model does no I/O and knows no output format. ``to_dict``/``from_dict`` (in
:mod:`citekit.serialise`) give the ``citekit-document/1`` JSON form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal, TypeAlias, assert_never
from urllib.parse import urlsplit

SCHEMA = "citekit-document/1"

# --------------------------------------------------------------------------------------------
# Links


CONTROL_CHARACTERS = "".join(map(chr, [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F]))
"""Control characters other than tab, line feed and carriage return: text that holds them cannot
go into XML, and BibTeX or PDF make nothing of them."""

_SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def safe_url(url: str) -> str | None:
    """Return ``url`` if it is an http(s), mailto or relative URL, else None.

    Relative URLs must not smuggle a scheme (``javascript:`` and friends) and must not be a bare
    fragment: ``#`` is what scraped pages print for links that go nowhere.
    """
    url = url.strip()
    if not url or _CONTROL.search(url) or url.startswith("#"):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme:
        if parts.scheme.lower() not in _SAFE_SCHEMES:
            return None
        if parts.scheme.lower() in {"http", "https"} and not parts.netloc:
            return None
        if parts.scheme.lower() == "mailto" and "@" not in parts.path:
            return None
        return url
    # A relative reference; "//host/path" inherits the page's scheme and is an absolute link.
    if ":" in url.split("/", 1)[0]:
        return None
    return url


class UnsafeLinkError(ValueError):
    """A Link was built with a target that is not http(s), mailto or relative."""


# --------------------------------------------------------------------------------------------
# Inlines


@dataclass(frozen=True, slots=True, kw_only=True)
class Str:
    """Plain text; pandoc's ``Str`` and ``Space`` runs."""

    text: str
    """The characters, spaces included, never markup."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Emph:
    """Emphasis, usually italic."""

    content: tuple[Inline, ...]
    """The emphasised inlines."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Strong:
    """Strong emphasis, usually bold."""

    content: tuple[Inline, ...]
    """The strongly emphasised inlines."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Code:
    """Inline code or verbatim text."""

    text: str
    """The verbatim characters."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Link:
    """A hyperlink; the target was checked by :func:`safe_url` on construction."""

    content: tuple[Inline, ...]
    """The link text; may be empty for an autolink, whose text is then the URL."""
    url: str
    """The target: http(s), mailto or relative."""
    title: str = ""
    """An optional title (tooltip), printed nowhere."""

    def __post_init__(self) -> None:
        if safe_url(self.url) is None:
            raise UnsafeLinkError(f"unsafe link target {self.url!r}")


@dataclass(frozen=True, slots=True, kw_only=True)
class LineBreak:
    """A hard line break inside a block."""


Inline: TypeAlias = Str | Emph | Strong | Code | Link | LineBreak


def link_or_text(content: tuple[Inline, ...], url: str) -> tuple[Inline, ...]:
    """A Link when ``url`` is safe, else its content as it stands (the text is never lost)."""
    if safe_url(url) is None:
        return content
    return (Link(content=content, url=url.strip()),)


# --------------------------------------------------------------------------------------------
# Blocks


@dataclass(frozen=True, slots=True, kw_only=True)
class Para:
    """A paragraph."""

    content: tuple[Inline, ...]
    """The paragraph's inlines."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Heading:
    """A section heading."""

    level: int
    """1 for a top-level section heading of the body (the article title is metadata)."""
    content: tuple[Inline, ...]
    """The heading's inlines."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Quote:
    """A block quotation."""

    blocks: tuple[Block, ...]
    """The quoted blocks."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ListBlock:
    """A bulleted or numbered list."""

    ordered: bool
    """True for a numbered list."""
    items: tuple[tuple[Block, ...], ...]
    """Each item's blocks."""
    start: int = 1
    """The first number of an ordered list."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Rule:
    """A thematic break (horizontal rule)."""


Block: TypeAlias = Para | Heading | Quote | ListBlock | Rule


# --------------------------------------------------------------------------------------------
# Metadata and rights


@dataclass(frozen=True, slots=True, kw_only=True)
class Author:
    """A person or organisation credited as author."""

    name: str
    """The name as printed ("Stephen Lendman", "Washington's Blog")."""
    given: str | None = None
    """Given name(s), when the name splits as a person's."""
    family: str | None = None
    """Family name, particles included ("van Gogh"), when the name splits as a person's."""
    email: str | None = None
    """An email address printed for this author."""
    bio: str | None = None
    """The author's biography as printed ("X lives in …")."""
    literal: str | None = None
    """The name of an organisation or a name that does not split (then given/family are None)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class KeywordGroup:
    """A labelled set of keywords, as a site prints them ("Region: Russia and FSU, USA")."""

    label: str
    """The label as printed, without its colon ("Region")."""
    terms: tuple[str, ...]
    """The terms in printed order."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Metadata:
    """What the article says about itself."""

    title: str | None = None
    """The headline as printed; None when the text prints none (writers supply a display title)."""
    subtitle: str | None = None
    """The dek or standfirst printed under the headline."""
    authors: tuple[Author, ...] = ()
    """Credited authors in printed order."""
    site: str | None = None
    """The publication named as the article's publisher; for a repost, the original outlet."""
    publisher: str | None = None
    """The organisation behind the site, when the text names it."""
    date: str | None = None
    """Publication date, ISO 8601, possibly partial ("2017", "2017-01", "2017-01-29")."""
    url: str | None = None
    """The article's own or original URL when printed; a site's home page is not one."""
    accessed: str | None = None
    """Access date (ISO 8601), only when the user gave it; never the clock."""
    language: str | None = None
    """BCP 47 language tag of the text ("en", "es")."""
    keywords: tuple[str, ...] = ()
    """All keywords, flat, in printed order, without duplicates."""
    keyword_groups: tuple[KeywordGroup, ...] = ()
    """Labelled keyword groups, in printed order."""
    article_type: str | None = None
    """A JATS-style article type ("news", "article-commentary"); None lets writers choose."""
    journal_id: str | None = None
    """A journal identifier for the site (JATS Publishing needs one); never guessed."""
    issn: str | None = None
    """The site's ISSN when known; never guessed."""


NoticeKind: TypeAlias = Literal["disclaimer", "permission", "fair-use", "contact"]
NOTICE_KINDS: tuple[NoticeKind, ...] = ("disclaimer", "permission", "fair-use", "contact")


@dataclass(frozen=True, slots=True, kw_only=True)
class Notice:
    """A legal or editorial notice printed with the article."""

    kind: NoticeKind
    """disclaimer, permission, fair-use or contact."""
    text: str
    """The notice as printed."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Rights:
    """Copyright, licence and source attribution."""

    statement: str | None = None
    """The copyright line as printed, link remnants removed."""
    holders: tuple[str, ...] = ()
    """Copyright holders ("Marler Clark LLP, PS" stays whole)."""
    year: int | None = None
    """The printed copyright year."""
    license: str | None = None
    """Licence or permission text ("Republished with permission …", a CC licence)."""
    license_url: str | None = None
    """The licence's URL when printed."""
    source: str | None = None
    """The source attribution as printed ("The original source of this article is …")."""
    source_url: str | None = None
    """The source's URL when printed."""
    notices: tuple[Notice, ...] = ()
    """Disclaimers, permissions, fair-use notices and media contacts, in printed order."""


BackKind: TypeAlias = Literal["bio", "note", "links"]


@dataclass(frozen=True, slots=True, kw_only=True)
class BackItem:
    """Back matter: belongs to the article but not to its body."""

    kind: BackKind
    """bio (about the author), note (book plugs, editor's notes, captions) or links."""
    blocks: tuple[Block, ...]
    """The item's content."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Removed:
    """A stretch of input dropped as site boilerplate."""

    start_line: int
    """First input line (1-based)."""
    end_line: int
    """Last input line (1-based, inclusive)."""
    text: str
    """The lines as printed."""
    reason: str
    """Why: social-prompt, membership, navigation, advert, newsletter, duplicate, …"""


# --------------------------------------------------------------------------------------------
# Provenance


@dataclass(frozen=True, slots=True, kw_only=True)
class FieldSource:
    """Where one field's value came from."""

    field: str
    """Dotted path of the field ("metadata.date", "rights.year")."""
    lines: tuple[int, ...]
    """Input lines it was read from; empty when supplied."""
    rule: str
    """The name of the rule that filled it (a row of the pattern tables, or a writer rule)."""
    supplied: bool = False
    """True when the value was not printed but inferred or supplied (by a rule or the user)."""
    printed: str | None = None
    """The text as printed that the value was read from (bylines, date and site lines, which
    live nowhere else); alternatives a rule saw but did not choose are kept the same way."""


@dataclass(frozen=True, slots=True, kw_only=True)
class LineSpan:
    """A run of input lines that share one owning role, given by one rule."""

    start_line: int
    """First line (1-based)."""
    end_line: int
    """Last line (1-based, inclusive)."""
    role: str
    """title, subtitle, byline, dateline, site, keywords, body, back, rights, notice, removed, …"""
    rule: str = ""
    """The id of the normaliser rule that gave the lines their role (``citekit.normalise.RULES``)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Provenance:
    """How the document was made from its input."""

    input_sha256: str | None = None
    """SHA-256 of the input bytes."""
    citekit_version: str | None = None
    """The citekit version that made the document."""
    source_name: str | None = None
    """The input's file name (no directories)."""
    reader: str | None = None
    """The reader that made the document ("text", "html", "markdown", "docx", …)."""
    fields: tuple[FieldSource, ...] = ()
    """One entry per filled field."""
    lines: tuple[LineSpan, ...] = ()
    """The owning role of every non-blank input line, in order."""


# --------------------------------------------------------------------------------------------
# The document


@dataclass(frozen=True, slots=True, kw_only=True)
class Document:
    """One article."""

    metadata: Metadata = field(default_factory=Metadata)
    """What the article says about itself."""
    body: tuple[Block, ...] = ()
    """The article body."""
    back: tuple[BackItem, ...] = ()
    """Author bios, notes and related links."""
    rights: Rights = field(default_factory=Rights)
    """Copyright, licence, source and notices."""
    removed: tuple[Removed, ...] = ()
    """Boilerplate dropped from the input, with the reason."""
    provenance: Provenance = field(default_factory=Provenance)
    """Where each value came from."""

    def source_of(self, field_path: str) -> FieldSource | None:
        """The provenance entry of ``field_path``, if any."""
        for entry in self.provenance.fields:
            if entry.field == field_path:
                return entry
        return None


# --------------------------------------------------------------------------------------------
# Plain text of the tree (used by every writer, and for the JSON "text" keys)


def plain_inlines(inlines: tuple[Inline, ...]) -> str:
    """The text of ``inlines`` with markup stripped; an autolink's text is its URL."""
    parts: list[str] = []
    for node in inlines:
        match node:
            case Str(text=text) | Code(text=text):
                parts.append(text)
            case Emph(content=content) | Strong(content=content):
                parts.append(plain_inlines(content))
            case Link(content=content, url=url):
                parts.append(plain_inlines(content) if content else url)
            case LineBreak():
                parts.append("\n")
            case _:
                assert_never(node)
    return "".join(parts)


def plain_block(block: Block) -> str:
    """The text of ``block``; nested blocks are joined by blank lines."""
    match block:
        case Para(content=content) | Heading(content=content):
            return plain_inlines(content)
        case Quote(blocks=blocks):
            return "\n\n".join(plain_block(b) for b in blocks)
        case ListBlock(items=items, ordered=ordered, start=start):
            # Plain text keeps the numbers of a numbered list: "4. Enforce healthy boundaries."
            return "\n".join((f"{start + n}. " if ordered else "") + " ".join(plain_block(b) for b in item)
                             for n, item in enumerate(items))
        case Rule():
            return ""
        case _:
            assert_never(block)


def plain_blocks(blocks: tuple[Block, ...]) -> str:
    """The text of several blocks joined by blank lines."""
    return "\n\n".join(text for text in (plain_block(b) for b in blocks) if text)
