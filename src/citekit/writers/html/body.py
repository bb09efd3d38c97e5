"""The page's visible part: title block, body, back matter and colophon, as HTML text.

Built as strings, every text through :func:`html.escape` (after the characters HTML cannot carry
are dropped), every link target checked to be an absolute http(s) or mailto address: a relative
link is resolved against the article's URL, and one that cannot be becomes its text.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import assert_never

from citekit.model import (
    Block,
    Code,
    CodeBlock,
    Emph,
    Figure,
    Heading,
    Inline,
    LineBreak,
    Link,
    ListBlock,
    Note,
    Para,
    Quote,
    Rule,
    Str,
    Strikeout,
    Strong,
    Subscript,
    Superscript,
    Table,
    plain_inlines,
)
from citekit.writers import Diagnostic
from citekit.writers._links import absolute_url
from citekit.writers._sections import Matter, Section
from citekit.writers._text import clean
from citekit.writers.html import structure

MAX_HEADING = 6
_MARKS = {Strikeout: "del", Superscript: "sup", Subscript: "sub"}


def text(value: str) -> str:
    """``value`` as HTML text."""
    return html.escape(clean(value), quote=False)


def attribute(value: str) -> str:
    """``value`` as a double-quoted attribute value (quotes included)."""
    return '"' + html.escape(" ".join(clean(value).split()), quote=True) + '"'


@dataclass
class Page:
    """Where the page is written to, and what it needs while being written."""

    base_url: str | None
    """The article's absolute address: relative links are resolved against it."""
    diagnostics: list[Diagnostic]
    matter: Matter
    parts: list[str] = field(default_factory=list)
    notes: list[tuple[Block, ...]] = field(default_factory=list)
    """Every note referenced so far, in order: note N is ``notes[N - 1]``."""
    figures: int = 0
    """Figures written so far (their captions' ids)."""
    previous_level: int = 1
    """The last heading level written: headings never skip a level (WCAG 1.3.1)."""

    def add(self, *pieces: str) -> None:
        self.parts.extend(pieces)

    def heading_level(self, wanted: int, where: str) -> int:
        level = max(2, min(wanted, self.previous_level + 1, MAX_HEADING))
        if level != wanted:
            self.diagnostics.append(Diagnostic(field=where, message=f"heading placed at h{level} (h{wanted} "
                                                                    "would break the page's outline)"))
        self.previous_level = level
        return level

    def href(self, url: str, where: str) -> str | None:
        target = absolute_url(url, self.base_url)
        if target is None:
            message = f"link target {url.strip()[:200]!r} cannot be followed from a page; kept its text"
            self.diagnostics.append(Diagnostic(field=where, message=message))
        return target


def inlines(page: Page, nodes: Sequence[Inline], where: str, in_link: bool = False) -> None:
    for node in nodes:
        match node:
            case Str(text=value):
                page.add(text(value))
            case Emph(content=content):
                page.add("<em>")
                inlines(page, content, where, in_link)
                page.add("</em>")
            case Strong(content=content):
                page.add("<strong>")
                inlines(page, content, where, in_link)
                page.add("</strong>")
            case Code(text=value):
                page.add("<code>", text(value), "</code>")
            case Link(content=content, url=url):
                link(page, content, url, where, in_link)
            case LineBreak():
                page.add("<br>")
            case Strikeout(content=content) | Superscript(content=content) | Subscript(content=content):
                tag = _MARKS[type(node)]
                page.add(f"<{tag}>")
                inlines(page, content, where, in_link)
                page.add(f"</{tag}>")
            case Note(blocks=content):
                structure.note_reference(page, content)
            case _:
                assert_never(node)


def link(page: Page, content: Sequence[Inline], url: str, where: str, in_link: bool) -> None:
    """An ``a`` element; its text is the address when the link has none (WCAG 2.4.4)."""
    has_text = bool(clean(plain_inlines(tuple(content))).strip())
    target = None if in_link else page.href(url, where)
    if target is None:
        inlines(page, content, where, in_link) if has_text else page.add(text(url.strip()))
        return
    page.add(f"<a href={attribute(target)}>")
    inlines(page, content, where, in_link=True) if has_text else page.add(text(url.strip()))
    page.add("</a>")


def blocks(page: Page, nodes: Sequence[Block], where: str, outline: bool = True) -> None:
    """Render ``nodes``; ``outline`` is False inside quotations and lists, where a heading would break
    the page outline and is set as a bold paragraph instead."""
    for index, node in enumerate(nodes):
        here = f"{where}[{index}]"
        match node:
            case Para(content=content):
                if not clean(plain_inlines(content)).strip() and not any(isinstance(n, LineBreak) for n in content):
                    continue
                page.add("<p>")
                inlines(page, content, here)
                page.add("</p>\n")
            case Heading(level=level, content=content):
                if outline:
                    tag = f"h{page.heading_level(level + 1, here)}"
                    page.add(f"<{tag}>")
                    inlines(page, content, here)
                    page.add(f"</{tag}>\n")
                else:
                    page.add('<p class="heading"><strong>')
                    inlines(page, content, here)
                    page.add("</strong></p>\n")
            case Quote(blocks=inner):
                page.add("<blockquote>\n")
                blocks(page, inner, here, outline=False)
                page.add("</blockquote>\n")
            case ListBlock(ordered=ordered, items=items, start=start):
                list_block(page, ordered, items, start, here)
            case Rule():
                page.add("<hr>\n")
            case CodeBlock():
                structure.code_block(page, node)
            case Figure():
                structure.figure(page, node, page.matter, here)
            case Table():
                structure.table(page, node, here)
            case _:
                assert_never(node)


def list_block(page: Page, ordered: bool, items: Sequence[tuple[Block, ...]], start: int, where: str) -> None:
    if not items:
        return
    tag = "ol" if ordered else "ul"
    page.add(f'<ol start="{start}">\n' if ordered and start != 1 else f"<{tag}>\n")
    for number, item in enumerate(items):
        here = f"{where}.items[{number}]"
        page.add("<li>")
        if len(item) == 1 and isinstance(item[0], Para):  # a tight item: its text, not a paragraph
            inlines(page, item[0].content, f"{here}[0]")
        else:
            blocks(page, item, here, outline=False)
        page.add("</li>\n")
    page.add(f"</{tag}>\n")


def _label_lang(matter: Matter) -> str:
    """A ``lang`` attribute for words citekit adds, when they are not in the page's language."""
    return "" if matter.own_labels else f' lang="{matter.labels.lang}"'


def title_block(page: Page, matter: Matter) -> None:
    block = matter.title
    page.add('<header class="title-block">\n')
    if block.site:
        page.add(f'<p class="site">{text(block.site)}</p>\n')
    page.add(f"<h1>{text(block.title.value)}</h1>\n")
    if block.subtitle:
        page.add(f'<p class="subtitle">{text(block.subtitle)}</p>\n')
    if block.byline:
        page.add(f'<p class="byline">{text(block.byline)}</p>\n')
    if block.date_text:
        shown = text(block.date_text)
        if block.date is not None:
            shown = f"<time datetime={attribute(block.date.iso())}>{shown}</time>"
        page.add(f'<p class="dateline">{shown}</p>\n')
    page.add("</header>\n")


def section(page: Page, part: Section, matter: Matter, number: int) -> None:
    anchor = f"{part.role}-{number}"
    css = "colophon" if part.role == "colophon" else f"back {part.role}"
    page.add(f'<section class="{css}" aria-labelledby="{anchor}">\n',
             f'<h2 id="{anchor}"{_label_lang(matter)}>{text(part.heading)}</h2>\n')
    page.previous_level = 2
    for item in part.parts:
        where = f"back[{item.back_index}]" if item.back_index is not None else part.role
        blocks(page, item.blocks, where, outline=True)
    page.add("</section>\n")
