"""The article's main content, found by trafilatura, mapped from its XML onto citekit blocks.

trafilatura (Apache-2.0) returns the content as a small XML tree: ``head[@rend=hN]``, ``p``,
``list``/``item``, ``quote``, ``code``, ``table``/``row``/``cell``, ``graphic``, ``del``, and inline
``hi`` (``#b``, ``#i``, ``#u``, ``#t``, ``#sup``, ``#sub``), ``ref[@target]`` and ``lb``. Structure is
kept: nothing is flattened to text. It is given the parsed tree, never a URL, so it fetches nothing.

Each maps onto the model: ``table`` → :class:`~citekit.model.Table` (rows of ``role="head"`` cells
leading it are its header; trafilatura keeps no spans or alignments), a figure's stand-in
paragraph → :class:`~citekit.model.Figure` with the page's ``figcaption`` (:mod:`.hints`),
``code`` → :class:`~citekit.model.CodeBlock`, ``#sup``/``#sub``/``del`` → super/subscript and
strikeout, and a reference to one of the page's footnotes → :class:`~citekit.model.Note` (the
list of notes then leaves the body). Images outside a ``figure`` are not kept (see :mod:`.hints`).
"""

from __future__ import annotations

import itertools
import re
from typing import Any

import lxml.html
from lxml import etree

from citekit.model import (
    Block,
    Code,
    CodeBlock,
    Emph,
    Figure,
    Heading,
    Inline,
    InvalidNodeError,
    LineBreak,
    ListBlock,
    Note,
    Para,
    Quote,
    Str,
    Strikeout,
    Strong,
    Subscript,
    Superscript,
    Table,
    TableCell,
    TableRow,
    is_blank,
    link_or_text,
    plain_inlines,
)
from citekit.readers._images import ImageBudget, data_uri_bytes, make_image
from citekit.readers._inlines import merge_text
from citekit.readers.html.hints import PageHints
from citekit.readers.html.marks import Marks

_SPACE = re.compile(r"\s+")
_HEADING = re.compile(r"h([1-6])")
MAX_DEPTH = 40
"""Elements nested deeper than this are read as plain text (hostile pages nest thousands deep)."""
UNSEEN = ("script", "style", "svg", "template", "link", "meta")
"""Elements whose content a reader does not see as text. Not ``noscript``: some pages hold their
article there, for readers without scripts, and trafilatura reads it."""


def extract(root: lxml.html.HtmlElement) -> etree._Element | None:
    """trafilatura's main-content tree of the page, or None when it finds no article.

    Elements that hold no text a reader sees (:data:`UNSEEN`) leave ``root`` first: trafilatura
    drops them too, but only after copying the tree for each of its passes (its main extractor and
    two fallbacks), so dropping them here makes extraction about a twelfth faster on the
    development pages, with the same bodies (±0.0001 F1). Read the page's metadata before this."""
    import trafilatura

    etree.strip_elements(root, *UNSEEN, with_tail=False)
    result = trafilatura.bare_extraction(
        root, with_metadata=False, include_comments=False, include_formatting=True, include_links=True,
        include_images=False, include_tables=True, deduplicate=False)
    if result is None:
        return None
    body = result.body if not isinstance(result, dict) else result.get("body")
    return body if body is not None and len(body) else None


def blocks_of(body: etree._Element, hints: PageHints | None = None) -> tuple[Block, ...]:
    """citekit blocks for trafilatura's body; headings levelled so the highest is 1."""
    return body_blocks(body, hints)[0]


def body_blocks(body: etree._Element, hints: PageHints | None = None,
                marks: Marks | None = None) -> tuple[tuple[Block, ...], tuple[str | None, ...]]:
    """The blocks, and per block the rule of the :mod:`.marks` marker it opens with (or None)."""
    converter = _Converter(hints or PageHints(), marks)
    blocks = tuple(converter.body(body))
    levels = [b.level for b in blocks if isinstance(b, Heading)]
    if levels and min(levels) > 1:
        shift = min(levels) - 1
        blocks = tuple(Heading(level=b.level - shift, content=b.content) if isinstance(b, Heading) else b
                       for b in blocks)
    return blocks, tuple(converter.marked)


class _Converter:
    """trafilatura's XML → citekit blocks, with what the page itself states (:mod:`.hints`)."""

    def __init__(self, hints: PageHints, marks: Marks | None) -> None:
        self.hints = hints
        self.marks = marks if marks is not None and marks.rules else None
        self.marker = self.marks.pattern if self.marks is not None else None
        self.stand_in = re.compile(re.escape(hints.figure_stem) + r"\d+ ?") if hints.figures else None
        """A figure's stand-in word (:mod:`.hints`), on a page that has stand-ins."""
        self.marked: list[str | None] = []
        """Per top-level block: the rule whose marker the block opens with, or None."""
        self.noted: set[str] = set()
        """The note texts placed at their references: the page's list of notes repeats them."""
        self.budget = ImageBudget()
        """Image bytes taken from the page's ``data:`` URIs so far."""

    def body(self, body: Any) -> list[Block]:
        return self.children(body, 0)

    def text(self, text: str) -> str:
        """``text`` with runs of spaces made one and no figure stand-in word (one trafilatura moved off
        its paragraph) or :mod:`.marks` marker (the block it opens is recorded by :func:`body_blocks`)."""
        if self.marks is not None and self.marker is not None and self.marks.stem in text:
            text = self.marker.sub("", text)
        if self.stand_in is not None and self.hints.figure_stem in text:
            text = self.stand_in.sub("", text)
        return _SPACE.sub(" ", text)

    def mark_of(self, element: Any) -> str | None:
        """The rule of the marker ``element``'s text opens with (:mod:`.marks`), or None."""
        if self.marks is None or self.marker is None:
            return None
        opening = "".join(itertools.islice(element.itertext(), 4)).lstrip()
        found = self.marker.match(opening)
        return self.marks.rules.get(found.group().rstrip()) if found else None

    def children(self, parent: Any, depth: int) -> list[Block]:
        """The blocks of ``parent``'s children, with the loose text after each one: trafilatura leaves
        a paragraph that follows a heading without a ``<p>`` of its own as the heading's tail."""
        blocks: list[Block] = []
        for child in parent:
            made = self.block(child, depth)
            tail = _para((Str(text=self.text(child.tail)),)) if child.tail and child.tail.strip() else []
            if depth == 0:  # the body's own blocks: the rule of each one's marker, if any
                self.marked.extend([self.mark_of(child)] * len(made) + [None] * len(tail))
            blocks.extend(made + tail)
        return blocks

    def caption_figure(self, element: Any) -> Block | None:
        """The page's figure this paragraph stands in for (:mod:`.hints`), or None."""
        text = (element.text or "").lstrip()
        if self.stand_in is None or not self.stand_in.match(text):
            return None
        marker = text.split(None, 1)[0]
        found = self.hints.figures.pop(marker, None)
        if found is None:
            return None
        src, alt, title, caption = found
        image = make_image(src, alt, title=title, data=data_uri_bytes(src), budget=self.budget)
        if image is None:
            return Para(content=(Str(text=caption or " ".join((alt or "").split())),)) if caption or alt else None
        return Figure(image=image, caption=(Para(content=(Str(text=caption),)),) if caption else ())
    def block(self, element: Any, depth: int) -> list[Block]:
        tag = element.tag if isinstance(element.tag, str) else ""
        if depth > MAX_DEPTH:
            return _para(_flat(element))
        match tag:
            case "p" if self.stand_in is not None and self.stand_in.match((element.text or "").lstrip()):
                figure = self.caption_figure(element)
                return [figure] if figure is not None else []
            case "p" | "div" | "cell" | "item":
                return _para(self.inlines(element, depth))
            case "head":
                level = _HEADING.fullmatch(element.get("rend") or "")
                content = _trim(self.inlines(element, depth))
                return [Heading(level=int(level.group(1)) if level else 2, content=content)] if content else []
            case "list":
                items = tuple(tuple(self.item(item, depth + 1)) for item in element if item.tag == "item")
                items = tuple(item for item in items if item)
                ordered = (element.get("rend") or "") in {"ol", "1", "a", "i"}
                return [ListBlock(ordered=ordered, items=items)] if items else []
            case "quote":
                inner = self.children(element, depth + 1) if len(element) else []
                if not inner or (element.text or "").strip():
                    inner = _para(self.inlines(element, depth))
                return [Quote(blocks=tuple(inner))] if inner else []
            case "code":
                return code_block(element)
            case "table":
                return self.table(element, depth)
            case _:
                return _para(self.inlines(element, depth))

    def item(self, item: Any, depth: int) -> list[Block]:
        if self._is_note_item(item):
            return []  # the note is at its reference
        nested = [child for child in item if child.tag in {"list", "quote", "p"}]
        if not nested:
            return _para(self.inlines(item, depth))
        blocks = _para(self.inlines(item, depth, skip=frozenset({"list", "quote", "p"})))
        for child in nested:
            blocks.extend(self.block(child, depth + 1))
        return blocks

    def _is_note_item(self, item: Any) -> bool:
        if not self.noted:
            return False
        text = _SPACE.sub(" ", "".join(item.itertext())).strip()
        return any(text.startswith(note) for note in self.noted)

    def table(self, element: Any, depth: int) -> list[Block]:
        """trafilatura's ``row``/``cell``: leading rows whose filled cells are all ``role="head"`` are
        the header; a first row holding nothing but the page's table caption is the caption."""
        head: list[TableRow] = []
        body: list[TableRow] = []
        caption: tuple[Block, ...] = ()
        for number, row in enumerate(element.iter("row")):
            cells = [cell for cell in row if cell.tag == "cell"]
            converted = TableRow(cells=tuple(TableCell(blocks=tuple(_para(_trim(self.inlines(cell, depth)))))
                                             for cell in cells))
            filled = [(cell, text) for cell in cells if (text := _SPACE.sub(" ", "".join(cell.itertext())).strip())]
            if number == 0 and len(filled) == 1 and filled[0][1] in self.hints.table_captions:
                caption = (Para(content=(Str(text=filled[0][1]),)),)
            elif not body and filled and all(cell.get("role") == "head" for cell, _ in filled):
                head.append(converted)
            else:
                body.append(converted)
        if not any(cell.blocks for row in head + body for cell in row.cells):
            return []
        return [Table(caption=caption, head=tuple(head), body=tuple(body))]

    def inlines(self, element: Any, depth: int, skip: frozenset[str] = frozenset()) -> tuple[Inline, ...]:
        """The inline content of ``element``: its text, its inline children, their tails."""
        out: list[Inline] = []
        if element.text:
            out.append(Str(text=self.text(element.text)))
        for child in element:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag and tag not in skip:
                out.extend(self.inline(child, depth + 1))
            if child.tail:
                out.append(Str(text=self.text(child.tail)))
        return merge_text(out, collapse=True)

    def inline(self, element: Any, depth: int) -> tuple[Inline, ...]:
        if depth > MAX_DEPTH:
            return _flat(element)
        note = self.note(element)
        if note is not None:
            return (note,)
        content = self.inlines(element, depth)
        match element.tag:
            case "hi":
                rend = element.get("rend") or ""
                if not content:
                    return ()
                if rend == "#b":
                    return (Strong(content=content),)
                if rend in {"#i", "#u"}:
                    return (Emph(content=content),)
                if rend == "#t":
                    return (Code(text=plain_inlines(content)),)
                if rend in _MARKS:
                    return (_MARKS[rend](content=content),)
                return content
            case "del":
                return (Strikeout(content=content),) if content else ()
            case "ref":
                return link_or_text(content, element.get("target") or "") if content else ()
            case "lb":
                return (LineBreak(),)
            case _:
                return content

    def note(self, element: Any) -> Note | None:
        """A footnote reference (``ref`` to a note's id, perhaps inside ``hi rend="#sup"``) as its note."""
        ref = element
        if element.tag == "hi" and len(element) == 1 and not (element.text or "").strip():
            ref = element[0]
        target = str(ref.get("target") or "") if ref.tag == "ref" else ""
        text = self.hints.notes.get(target[1:]) if target.startswith("#") else None
        if text is None:
            return None
        self.noted.add(text)
        return Note(blocks=(Para(content=(Str(text=text),)),))


_MARKS: dict[str, type[Superscript] | type[Subscript]] = {"#sup": Superscript, "#sub": Subscript}
_LANGUAGE = re.compile(r"(?:language|lang)-([A-Za-z0-9_+#.-]{1,40})")


def code_block(element: Any) -> list[Block]:
    """A code block, its language from a ``language-…``/``lang-…`` class (as highlighters write it)."""
    text = "".join(element.itertext()).strip("\n")
    if not text.strip():
        return []
    classes = " ".join(str(e.get("class") or "") for e in element.iter())
    found = _LANGUAGE.search(classes)
    try:
        return [CodeBlock(text=text, language=found.group(1) if found else None)]
    except InvalidNodeError:
        return [CodeBlock(text=text)]


def _para(content: tuple[Inline, ...]) -> list[Block]:
    content = _trim(content)
    return [] if is_blank(content) else [Para(content=content)]


def _flat(element: Any) -> tuple[Inline, ...]:
    return (Str(text=_SPACE.sub(" ", "".join(element.itertext()))),)


def _trim(content: tuple[Inline, ...]) -> tuple[Inline, ...]:
    """Leading and trailing spaces and line breaks removed."""
    items = list(content)
    while items and (isinstance(items[0], LineBreak) or (isinstance(items[0], Str) and not items[0].text.strip())):
        items.pop(0)
    while items and (isinstance(items[-1], LineBreak) or (isinstance(items[-1], Str) and not items[-1].text.strip())):
        items.pop()
    if items and isinstance(items[0], Str):
        items[0] = Str(text=items[0].text.lstrip())
    if items and isinstance(items[-1], Str):
        items[-1] = Str(text=items[-1].text.rstrip())
    return tuple(items)
