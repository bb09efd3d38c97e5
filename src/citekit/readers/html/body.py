"""The article's main content, found by trafilatura, mapped from its XML onto citekit blocks.

trafilatura (Apache-2.0) returns the content as a small XML tree: ``head[@rend=hN]``, ``p``,
``list``/``item``, ``quote``, ``code``, ``table``/``row``/``cell``, ``graphic``, and inline ``hi``
(``#b``, ``#i``, ``#u``, ``#t``, ``#sup``, ``#sub``), ``ref[@target]`` and ``lb``. Structure is
kept: nothing is flattened to text. It is given the parsed tree, never a URL, so it fetches nothing.
"""

from __future__ import annotations

import re
from typing import Any

import lxml.html
from lxml import etree

from citekit.model import (
    Block,
    Code,
    Emph,
    Heading,
    Inline,
    LineBreak,
    ListBlock,
    Para,
    Quote,
    Str,
    Strong,
    link_or_text,
    plain_inlines,
)
from citekit.readers._inlines import merge_text

_SPACE = re.compile(r"\s+")
_HEADING = re.compile(r"h([1-6])")
MAX_DEPTH = 40
"""Elements nested deeper than this are read as plain text (hostile pages nest thousands deep)."""


def extract(root: lxml.html.HtmlElement) -> etree._Element | None:
    """trafilatura's main-content tree of the page, or None when it finds no article."""
    import trafilatura

    result = trafilatura.bare_extraction(
        root, with_metadata=False, include_comments=False, include_formatting=True, include_links=True,
        include_images=False, include_tables=True, deduplicate=False)
    if result is None:
        return None
    body = result.body if not isinstance(result, dict) else result.get("body")
    return body if body is not None and len(body) else None


def blocks_of(body: etree._Element) -> tuple[Block, ...]:
    """citekit blocks for trafilatura's body; headings levelled so the highest is 1."""
    blocks = tuple(b for child in body for b in _block(child, 0))
    levels = [b.level for b in blocks if isinstance(b, Heading)]
    if levels and min(levels) > 1:
        shift = min(levels) - 1
        blocks = tuple(Heading(level=b.level - shift, content=b.content) if isinstance(b, Heading) else b
                       for b in blocks)
    return blocks


def _block(element: Any, depth: int) -> list[Block]:
    tag = element.tag if isinstance(element.tag, str) else ""
    if depth > MAX_DEPTH:
        return _para(_flat(element))
    match tag:
        case "p" | "div" | "cell" | "item":
            return _para(_inlines(element, depth))
        case "head":
            level = _HEADING.fullmatch(element.get("rend") or "")
            content = _trim(_inlines(element, depth))
            return [Heading(level=int(level.group(1)) if level else 2, content=content)] if content else []
        case "list":
            items = tuple(tuple(_item(item, depth + 1)) for item in element if item.tag == "item")
            items = tuple(item for item in items if item)
            ordered = (element.get("rend") or "") in {"ol", "1", "a", "i"}
            return [ListBlock(ordered=ordered, items=items)] if items else []
        case "quote":
            inner = [b for child in element for b in _block(child, depth + 1)] if len(element) else []
            if not inner or (element.text or "").strip():
                inner = _para(_inlines(element, depth))
            return [Quote(blocks=tuple(inner))] if inner else []
        case "code":
            text = "".join(element.itertext()).strip("\n")
            return [Para(content=(Code(text=text),))] if text.strip() else []
        case "table":
            return [b for row in element.iter("row") for b in _para(_row(row, depth))]
        case _:
            return _para(_inlines(element, depth))


def _item(item: Any, depth: int) -> list[Block]:
    nested = [child for child in item if child.tag in {"list", "quote", "p"}]
    if not nested:
        return _para(_inlines(item, depth))
    blocks = _para(_inlines(item, depth, skip=frozenset({"list", "quote", "p"})))
    for child in nested:
        blocks.extend(_block(child, depth + 1))
    return blocks


def _row(row: Any, depth: int) -> tuple[Inline, ...]:
    cells: list[Inline] = []
    for cell in row.iter("cell"):
        content = _trim(_inlines(cell, depth))
        if content:
            if cells:
                cells.append(Str(text=" | "))
            cells.extend(content)
    return tuple(cells)


def _para(content: tuple[Inline, ...]) -> list[Block]:
    content = _trim(content)
    return [Para(content=content)] if plain_inlines(content).strip() else []


def _flat(element: Any) -> tuple[Inline, ...]:
    return (Str(text=_SPACE.sub(" ", "".join(element.itertext()))),)


def _inlines(element: Any, depth: int, skip: frozenset[str] = frozenset()) -> tuple[Inline, ...]:
    """The inline content of ``element``: its text, its inline children, their tails."""
    out: list[Inline] = []
    if element.text:
        out.append(Str(text=_SPACE.sub(" ", element.text)))
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag and tag not in skip:
            out.extend(_inline(child, depth + 1))
        if child.tail:
            out.append(Str(text=_SPACE.sub(" ", child.tail)))
    return merge_text(out, collapse=True)


def _inline(element: Any, depth: int) -> tuple[Inline, ...]:
    if depth > MAX_DEPTH:
        return _flat(element)
    content = _inlines(element, depth)
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
            return content
        case "ref":
            return link_or_text(content, element.get("target") or "") if content else ()
        case "lb":
            return (LineBreak(),)
        case _:
            return content


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
