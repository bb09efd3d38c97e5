"""Inlines to reportlab paragraph markup, with every character of the article escaped.

reportlab's ``Paragraph`` reads a small HTML-like language (``<b>``, ``<font>``, ``<a href>``,
entities). Article text is data, so it passes through :func:`escape_text` before it is placed
between the tags this module writes; nothing the article says can open a tag or name a font.
Links become live only for http(s) and mailto targets (:func:`live_url`).
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import assert_never
from urllib.parse import quote, urlsplit

from citekit.model import (
    Block,
    Code,
    Emph,
    Inline,
    LineBreak,
    Link,
    Note,
    Str,
    Strikeout,
    Strong,
    Subscript,
    Superscript,
)
from citekit.writers import Diagnostic
from citekit.writers._links import absolute_url

# C0 and C1 controls (tab, newline and carriage return excepted) have no glyph and would reach the
# content stream as .notdef boxes; lone surrogates cannot be encoded at all.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_LIVE_SCHEMES = frozenset({"http", "https", "mailto"})


def clean_text(text: str) -> str:
    """``text`` without characters that cannot be printed or encoded."""
    return _UNPRINTABLE.sub("", text)


def escape_text(text: str) -> str:
    """``text`` as character data of paragraph markup: prints exactly as written."""
    return clean_text(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escape_attribute(text: str) -> str:
    """``text`` as a double-quoted attribute value of paragraph markup."""
    return escape_text(text).replace('"', "&quot;")


def live_url(url: str | None, base: str | None = None) -> str | None:
    """The absolute http(s)/mailto URL a PDF link may point to, else None.

    A relative target is resolved against ``base`` (the article's own URL) when there is one; a
    PDF has no base URL of its own, so an unresolved relative link cannot be live. Non-ASCII
    characters are percent-encoded because a PDF URI action is a 7-bit string.
    """
    url = absolute_url(url, base)
    if url is None or urlsplit(url).scheme.lower() not in _LIVE_SCHEMES:
        return None
    return "".join(ch if " " < ch < "\x7f" else quote(ch, safe="") for ch in url)


@dataclass(slots=True, kw_only=True)
class InlineContext:
    """What inline conversion needs besides the inlines: fonts, colours, the base URL."""

    mono_font: str
    """Registered name of the monospaced font for ``Code``."""
    link_colour: str
    """#rrggbb for link text."""
    base_url: str | None
    """The article's own URL, against which relative links are resolved."""
    field: str = ""
    """The document field being converted, for diagnostics ("body[3]")."""
    diagnostics: list[Diagnostic] = dataclasses.field(default_factory=list)
    """Collected diagnostics (links that could not be made live)."""
    notes: list[tuple[Block, ...]] = dataclasses.field(default_factory=list)
    """Each note referenced so far (shared by the whole document): note n links to ``citekit-note-n``."""
    in_link: bool = False
    """True inside a link's text, where a note's number cannot be a link of its own."""


_MARKS = {Strikeout: "strike", Superscript: "super", Subscript: "sub"}
"""The paragraph-markup tag of each inline that only marks its content."""


def inline_markup(inlines: tuple[Inline, ...], context: InlineContext) -> str:
    """Paragraph markup for ``inlines``; all text escaped, tags balanced."""
    parts: list[str] = []
    for node in inlines:
        match node:
            case Str(text=text):
                parts.append(escape_text(text))
            case Emph(content=content):
                parts.append(f"<i>{inline_markup(content, context)}</i>")
            case Strong(content=content):
                parts.append(f"<b>{inline_markup(content, context)}</b>")
            case Code(text=text):
                parts.append(f'<font name="{context.mono_font}">{escape_text(text)}</font>')
            case Link(content=content, url=url):
                text = inline_markup(content, dataclasses.replace(context, in_link=True)) if content \
                    else escape_text(url)
                target = live_url(url, context.base_url)
                if target is None:
                    context.diagnostics.append(Diagnostic(
                        field=context.field,
                        message=f"link target {url!r} is relative and the article has no URL to resolve "
                                "it against; its text is printed without a link"))
                    parts.append(text)
                else:
                    parts.append(f'<a href="{escape_attribute(target)}" color="{context.link_colour}">'
                                 f"{text}</a>")
            case LineBreak():
                parts.append("<br/>")
            case Strikeout(content=content) | Superscript(content=content) | Subscript(content=content):
                tag = _MARKS[type(node)]
                parts.append(f"<{tag}>{inline_markup(content, context)}</{tag}>")
            case Note(blocks=blocks):
                parts.append(_note_reference(blocks, context))
            case _:
                assert_never(node)
    return "".join(parts)


def _note_reference(blocks: tuple[Block, ...], context: InlineContext) -> str:
    """The note's number, raised and linked to the note (endnotes: :mod:`.structure`)."""
    context.notes.append(blocks)
    number = len(context.notes)
    anchor = f'<a name="citekit-noteref-{number}"/>'
    if context.in_link:
        return f"{anchor}<super>{number}</super>"
    return f'{anchor}<super><a href="#citekit-note-{number}" color="{context.link_colour}">{number}</a></super>'


def link_markup(url: str, label: str | None, link_colour: str) -> str:
    """A link to ``url`` (already checked by :func:`live_url`) showing ``label`` or the URL."""
    return (f'<a href="{escape_attribute(url)}" color="{link_colour}">'
            f"{escape_text(label if label is not None else url)}</a>")


# Paragraph markup as tokens: a tag, an entity, or a run of text. Every character belongs to one.
_TOKENS = re.compile(r"<[^>]*>|&[^;&<]*;|[^<&]+|[<&]")
_TAG_NAME = re.compile(r"</?([a-zA-Z]+)")

CHUNK_CHARACTERS = 6000
"""Longest paragraph, in printed characters, handed to reportlab as one flowable.

reportlab's line breaking is quadratic in a paragraph's words (it pops words off the front of a
list) and re-breaks the rest of a paragraph at every page it splits across, so a 5 MB paragraph
ran for minutes. Longer paragraphs are set as consecutive flowables of about this size, cut at a
space (where a line may then end short) or at a line break (where nothing shows)."""

_LINE_CHARACTERS = 80
"""What a line break counts for against :data:`CHUNK_CHARACTERS`: about one line of the measure,
so that a paragraph of many short lines is cut into pieces of a page or so, not of many pages."""


def split_markup(markup: str, limit: int = CHUNK_CHARACTERS) -> list[str]:
    """``markup`` cut into pieces of about ``limit`` printed characters, each with balanced tags.

    A piece ends at the first space after ``limit`` characters, or at a ``<br/>`` after that
    (the break itself is then the end of the piece); a word longer than ``limit`` is cut inside
    at twice the limit. Tags open at a cut are closed at the end of one piece and opened again
    at the start of the next, so emphasis and links carry across. Linear in ``len(markup)``.
    """
    if len(markup) <= limit:
        return [markup]
    hard = 2 * limit
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    open_tags: list[tuple[str, str]] = []

    def cut() -> None:
        nonlocal current, size
        pieces.append("".join(current) + "".join(f"</{name}>" for name, _ in reversed(open_tags)))
        current = [tag for _, tag in open_tags]
        size = 0

    for match in _TOKENS.finditer(markup):
        token = match.group()
        if token.startswith("<") and len(token) > 1:
            name_match = _TAG_NAME.match(token)
            name = name_match.group(1).lower() if name_match else ""
            if token.startswith("</"):
                if open_tags and open_tags[-1][0] == name:
                    open_tags.pop()
            elif token.endswith("/>"):
                if name == "br":
                    if size >= limit:
                        cut()
                        continue
                    size += _LINE_CHARACTERS
            else:
                open_tags.append((name, token))
            current.append(token)
            continue
        if token.startswith("&"):
            if size >= hard:
                cut()
            current.append(token)
            size += 1
            continue
        start = 0
        while start < len(token):
            rest = len(token) - start
            if size + rest < limit:
                current.append(token[start:])
                size += rest
                break
            space = token.find(" ", start + max(0, limit - size), start + max(1, hard - size))
            if space >= 0:
                end = space + 1
            elif size + rest <= hard:
                current.append(token[start:])
                size += rest
                break
            else:
                end = start + max(1, hard - size)
            current.append(token[start:end])
            size += end - start
            cut()
            start = end
    if size or not pieces:
        cut()
    return [piece for piece in pieces if piece]
