"""The citekit document model: one small tree that every reader produces and every writer consumes.

Blocks and inlines are closed unions mapping one-to-one onto a subset of pandoc's AST
(``Text.Pandoc.Definition``):

===============  ===================================  ============================
citekit          pandoc                               JSON ``type``
===============  ===================================  ============================
``Para``         ``Para`` (and ``Plain``)             ``paragraph``
``Heading``      ``Header``                           ``heading``
``Quote``        ``BlockQuote``                       ``quote``
``ListBlock``    ``BulletList``/``OrderedList``       ``list``
``Rule``         ``HorizontalRule``                   ``rule``
``CodeBlock``    ``CodeBlock``                        ``code_block``
``Figure``       ``Figure`` holding one ``Image``     ``figure``
``Table``        ``Table``                            ``table``
``Str``          ``Str`` and ``Space``                ``str`` (spaces kept inside the text)
``Emph``         ``Emph``                             ``emph``
``Strong``       ``Strong``                           ``strong``
``Strikeout``    ``Strikeout``                        ``strikeout``
``Superscript``  ``Superscript``                      ``superscript``
``Subscript``    ``Subscript``                        ``subscript``
``Code``         ``Code``                             ``code``
``Link``         ``Link``                             ``link``
``LineBreak``    ``LineBreak``                        ``linebreak``
``Note``         ``Note``                             ``note``
===============  ===================================  ============================

Writers ``match`` on these classes and end with ``assert_never`` so that a new node type fails
loudly. Link and image targets are checked here, once: only http(s), mailto and relative URLs
survive. Values a writer cannot otherwise trust are checked on construction too (image bytes
are what their media type says and at most :data:`MAX_IMAGE_BYTES`; table spans are at least 1;
a code block's language is one token), so every reader and the JSON form meet the same bounds.

Footnotes follow pandoc: a :class:`Note` is an inline that holds the note's blocks at the place
the note is referenced. It cannot dangle or be orphaned, needs no ids, and moves with its
paragraph; writers number notes in reading order (:func:`notes_in`) and lay them out as their
format does (JATS ``fn``, EPUB footnote ``aside``, PDF endnotes). Plain text leaves notes out, as
pandoc's ``stringify`` does: a note's words are not part of its paragraph's sentence.

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


@dataclass(frozen=True, slots=True, kw_only=True)
class Strikeout:
    """Struck-out text (``<del>``, ``<s>``, ``~~text~~``): printed, and marked as struck out."""

    content: tuple[Inline, ...]
    """The struck-out inlines."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Superscript:
    """Superscript text ("1st", "m²"); not a note reference, which is a :class:`Note`."""

    content: tuple[Inline, ...]
    """The raised inlines."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Subscript:
    """Subscript text ("H₂O" written as H, 2 lowered, O)."""

    content: tuple[Inline, ...]
    """The lowered inlines."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Note:
    """A footnote or endnote, at the place it is referenced: pandoc's ``Note [Block]``.

    The node is both the reference mark and the note: writers print a number here (numbered in
    reading order by :func:`notes_in`) and the blocks where their format keeps notes. A note that
    the input references twice is two notes, as in pandoc.
    """

    blocks: tuple[Block, ...]
    """The note's content."""


Inline: TypeAlias = Str | Emph | Strong | Strikeout | Superscript | Subscript | Code | Link | LineBreak | Note


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


class InvalidNodeError(ValueError):
    """A node was built with a value no writer could trust (bad image bytes, a span below 1, …)."""


_LANGUAGE_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_+#.-]{0,39}")


@dataclass(frozen=True, slots=True, kw_only=True)
class CodeBlock:
    """Preformatted text, usually program code: every space and line break is kept."""

    text: str
    """The characters as printed, line breaks included (no trailing newline)."""
    language: str | None = None
    """The code's language as the input names it ("python", "c++"): one token of letters, digits and
    ``_+#.-``, at most 40 characters; None when the input names none."""

    def __post_init__(self) -> None:
        if self.language is not None and not _LANGUAGE_TOKEN.fullmatch(self.language):
            raise InvalidNodeError(f"code language {self.language[:60]!r} is not one token")


MAX_IMAGE_BYTES = 16 * 1024 * 1024
"""The largest image a document carries (bytes). A bigger one keeps its reference and no bytes."""
MAX_IMAGE_PIXELS = 50_000_000
"""The most pixels (width × height, from the image's header) an image may declare: a small file
can declare a huge canvas (a decompression bomb), and decoding it would exhaust memory."""

IMAGE_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/gif": (b"GIF87a", b"GIF89a"),
}
"""The media types whose bytes a document may carry, with the signatures their files open with.
Raster formats every writer can embed (EPUB core media types, reportlab); SVG is left out because
it can carry scripts and external references."""


def image_media_type(data: bytes) -> str | None:
    """The media type ``data`` opens as (by its signature), if it is one :data:`IMAGE_SIGNATURES` lists."""
    for media_type, signatures in IMAGE_SIGNATURES.items():
        if data.startswith(signatures):
            return media_type
    return None


_JPEG_FRAMES = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
"""JPEG start-of-frame markers (the ones that give the image's size)."""


def image_dimensions(data: bytes) -> tuple[int, int] | None:
    """(width, height) as a PNG, GIF or JPEG header declares them; None when the header is unreadable.

    Read from the header alone, in one pass over the JPEG segments: nothing is decoded."""
    if data.startswith(IMAGE_SIGNATURES["image/png"]) and data[12:16] == b"IHDR" and len(data) >= 24:
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    if data.startswith(IMAGE_SIGNATURES["image/gif"]) and len(data) >= 10:
        return int.from_bytes(data[6:8], "little"), int.from_bytes(data[8:10], "little")
    if data.startswith(IMAGE_SIGNATURES["image/jpeg"]):
        position = 2
        while position + 9 <= len(data) and data[position] == 0xFF:
            marker = data[position + 1]
            if marker in _JPEG_FRAMES:
                return (int.from_bytes(data[position + 7:position + 9], "big"),
                        int.from_bytes(data[position + 5:position + 7], "big"))
            position += 2 + int.from_bytes(data[position + 2:position + 4], "big")
    return None


@dataclass(frozen=True, slots=True, kw_only=True)
class Image:
    """An image: where it lives, what it shows, and its bytes when the input carries them."""

    src: str | None = None
    """The image's address as the input gives it (http(s) or relative, checked like a link's
    target); None when the input gives only the bytes."""
    alt: str | None = None
    """The text alternative. None: the input gives none; "": the input marks the image decorative
    (``alt=""``); writers never invent one."""
    title: str = ""
    """An optional title (tooltip), printed nowhere."""
    media_type: str | None = None
    """``image/png``, ``image/jpeg`` or ``image/gif`` when ``data`` is carried, else None."""
    data: bytes | None = field(default=None, repr=False)
    """The image file, only when the input itself carries it (a DOCX's media, a ``data:`` URI);
    at most :data:`MAX_IMAGE_BYTES`, and its signature matches ``media_type``. Left out of the
    ``repr`` (writers fingerprint a document by its ``repr``; megabytes of bytes would only slow them)."""

    def __post_init__(self) -> None:
        if self.src is not None and safe_url(self.src) is None:
            raise UnsafeLinkError(f"unsafe image address {self.src[:200]!r}")
        if self.data is None:
            if self.media_type is not None:
                raise InvalidNodeError("an image's media type is given only with its bytes")
            if self.src is None:
                raise InvalidNodeError("an image needs an address or its bytes")
            return
        if len(self.data) > MAX_IMAGE_BYTES:
            raise InvalidNodeError(f"image of {len(self.data)} bytes is larger than {MAX_IMAGE_BYTES}")
        if self.media_type not in IMAGE_SIGNATURES or image_media_type(self.data) != self.media_type:
            raise InvalidNodeError(f"image bytes are not {self.media_type!r} (PNG, JPEG or GIF by signature)")
        size = image_dimensions(self.data)
        if size is None or not 0 < size[0] * size[1] <= MAX_IMAGE_PIXELS:
            raise InvalidNodeError(f"image declares a size of {size}: not 1 to {MAX_IMAGE_PIXELS} pixels")


@dataclass(frozen=True, slots=True, kw_only=True)
class Figure:
    """An image with its caption and credit, set apart from the running text (HTML ``figure``,
    JATS ``fig``, pandoc ``Figure``). An image inside a sentence stays text: its description."""

    image: Image
    """The image shown."""
    caption: tuple[Block, ...] = ()
    """The caption as printed (usually one paragraph); empty when there is none."""
    credit: tuple[Inline, ...] = ()
    """Who made or owns the image ("Photo: Jane Doe/Reuters"), when printed apart from the caption."""


Alignment: TypeAlias = Literal["default", "left", "center", "right"]
ALIGNMENTS: tuple[Alignment, ...] = ("default", "left", "center", "right")
MAX_COLSPAN = 1000
"""HTML's limit on ``colspan``; larger values are clamped by readers and refused here."""
MAX_ROWSPAN = 65534
"""HTML's limit on ``rowspan``."""


@dataclass(frozen=True, slots=True, kw_only=True)
class TableCell:
    """One cell of a table; pandoc's ``Cell``."""

    blocks: tuple[Block, ...]
    """The cell's content: usually one paragraph (a cell of inlines is ``(Para(...),)``); may be empty."""
    colspan: int = 1
    """How many columns the cell spans (1 to :data:`MAX_COLSPAN`)."""
    rowspan: int = 1
    """How many rows the cell spans (1 to :data:`MAX_ROWSPAN`), counted within its part of the table."""
    align: Alignment = "default"
    """The cell's own alignment; "default" follows its column's."""

    def __post_init__(self) -> None:
        if not 1 <= self.colspan <= MAX_COLSPAN or not 1 <= self.rowspan <= MAX_ROWSPAN:
            raise InvalidNodeError(f"cell spans {self.colspan}×{self.rowspan}: each must be at least 1 "
                                   f"(at most {MAX_COLSPAN} columns and {MAX_ROWSPAN} rows)")
        if self.align not in ALIGNMENTS:
            raise InvalidNodeError(f"cell alignment {self.align!r} is not one of {', '.join(ALIGNMENTS)}")


@dataclass(frozen=True, slots=True, kw_only=True)
class TableRow:
    """One row of cells."""

    cells: tuple[TableCell, ...]
    """The row's cells, left to right, not counting cells spanning down from rows above."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Table:
    """A table of rows and columns: pandoc's ``Table`` without column widths and attributes.

    Rows may be ragged and spans may overlap the table's edge, as in HTML; writers lay them out
    on one grid (:func:`citekit.writers._tables.table_grid`), padding short rows with empty cells.
    """

    caption: tuple[Block, ...] = ()
    """The caption as printed; empty when there is none."""
    alignments: tuple[Alignment, ...] = ()
    """Column alignments, left to right; missing columns are "default"."""
    head: tuple[TableRow, ...] = ()
    """Header rows (``thead``): their cells are column headers."""
    body: tuple[TableRow, ...] = ()
    """Body rows, in order (pandoc's several bodies are one here)."""
    foot: tuple[TableRow, ...] = ()
    """Footer rows (``tfoot``), such as totals."""
    row_header_columns: int = 0
    """How many leading cells of each body row are row headers (pandoc's ``RowHeadColumns``)."""

    def __post_init__(self) -> None:
        if any(a not in ALIGNMENTS for a in self.alignments):
            raise InvalidNodeError(f"column alignments must be {', '.join(ALIGNMENTS)}")
        if not 0 <= self.row_header_columns <= MAX_COLSPAN:
            raise InvalidNodeError(f"row_header_columns {self.row_header_columns} is out of range")


Block: TypeAlias = Para | Heading | Quote | ListBlock | Rule | CodeBlock | Figure | Table


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
    """The text of ``inlines`` with markup stripped; an autolink's text is its URL; notes left out."""
    parts: list[str] = []
    for node in inlines:
        match node:
            case Str(text=text) | Code(text=text):
                parts.append(text)
            case Emph(content=content) | Strong(content=content) | Strikeout(content=content) \
                    | Superscript(content=content) | Subscript(content=content):
                parts.append(plain_inlines(content))
            case Link(content=content, url=url):
                parts.append(plain_inlines(content) if content else url)
            case LineBreak():
                parts.append("\n")
            case Note():
                pass
            case _:
                assert_never(node)
    return "".join(parts)


def is_blank(inlines: tuple[Inline, ...]) -> bool:
    """True when ``inlines`` print nothing: no text but spaces, and no note (a note is content)."""
    return not plain_inlines(inlines).strip() and not notes_in(inlines)


def notes_in(inlines: tuple[Inline, ...]) -> tuple[Note, ...]:
    """The notes referenced in ``inlines``, in reading order (not those inside other notes)."""
    found: list[Note] = []
    stack = [iter(inlines)]
    while stack:
        node = next(stack[-1], None)
        if node is None:
            stack.pop()
            continue
        match node:
            case Note():
                found.append(node)
            case Emph(content=content) | Strong(content=content) | Strikeout(content=content) \
                    | Superscript(content=content) | Subscript(content=content) | Link(content=content):
                stack.append(iter(content))
            case Str() | Code() | LineBreak():
                pass
            case _:
                assert_never(node)
    return tuple(found)


def block_notes(block: Block) -> tuple[Note, ...]:
    """The notes referenced anywhere in ``block`` (captions, cells and credits included), in
    reading order; notes inside notes are not listed (they belong to their note)."""
    match block:
        case Para(content=content) | Heading(content=content):
            return notes_in(content)
        case Quote(blocks=blocks):
            return tuple(n for b in blocks for n in block_notes(b))
        case ListBlock(items=items):
            return tuple(n for item in items for b in item for n in block_notes(b))
        case Rule() | CodeBlock():
            return ()
        case Figure(caption=caption, credit=credit):
            return tuple(n for b in caption for n in block_notes(b)) + notes_in(credit)
        case Table():
            return tuple(n for b in (*block.caption, *table_cell_blocks(block)) for n in block_notes(b))
        case _:
            assert_never(block)


def table_cell_blocks(table: Table) -> tuple[Block, ...]:
    """Every block of every cell, head, body and foot rows in order."""
    return tuple(b for row in (*table.head, *table.body, *table.foot) for cell in row.cells for b in cell.blocks)


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
        case CodeBlock(text=text):
            return text
        case Figure(caption=caption, credit=credit):
            # The caption and credit are what the figure prints; its alt text stands in for the image.
            return "\n\n".join(t for t in (plain_blocks(caption), plain_inlines(credit).strip()) if t)
        case Table():
            # One line a row, cells joined by " | " (a caption first): every cell's text, in order.
            rows = [" | ".join(" ".join(plain_blocks(cell.blocks).split()) for cell in row.cells)
                    for row in (*block.head, *block.body, *block.foot)]
            return "\n".join(line for line in (plain_blocks(block.caption), *rows) if line.strip())
        case _:
            assert_never(block)


def plain_blocks(blocks: tuple[Block, ...]) -> str:
    """The text of several blocks joined by blank lines."""
    return "\n\n".join(text for text in (plain_block(b) for b in blocks) if text)
