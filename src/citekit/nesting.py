"""How deep blocks and inlines may nest, and the flattening of anything deeper.

Quotes in quotes, lists in lists, notes, figure captions and table cells (blocks one level down),
and emphasis in emphasis are trees, and every writer (and the
JSON form) walks them by recursion. Real articles nest a few levels; a hostile one can nest
100,000, which no recursive walk survives. So the model has a depth limit: readers refuse
document JSON deeper than :data:`MAX_NESTING` (:mod:`citekit.serialise`), and :func:`flatten`
brings any deeper document (built in Python, or by a reader of article text) back within it.

Flattening keeps every word and every node down to the limit; below it, a quote's or a list's
blocks become blocks of the quote or list item at the limit (an ordered list's numbers are kept
as text), and emphasis, strong emphasis and links become their text (an autolink its URL). The walk below the limit
uses an explicit stack, so it is linear and never recursive.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import assert_never

from citekit.model import (
    Block,
    Code,
    CodeBlock,
    Document,
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
    TableRow,
    notes_in,
    table_cell_blocks,
)

MAX_NESTING = 32
"""Deepest nesting of blocks (quotes and lists), and separately of inlines (emphasis, strong
emphasis and links), that a document may have. Far beyond any real article; shallow enough that
every recursive walk of a document stays well inside Python's recursion limit."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Flattened:
    """Where :func:`flatten` flattened a document."""

    fields: tuple[str, ...]
    """The top-level blocks that held deeper nesting ("body[3]", "back[0].blocks[1]")."""

    def message(self) -> str:
        """One sentence for a person."""
        shown = ", ".join(self.fields[:3]) + (f" and {len(self.fields) - 3} more" if len(self.fields) > 3 else "")
        return (f"quotes, lists, emphasis or links nested deeper than {MAX_NESTING} levels in {shown}: "
                f"the levels past {MAX_NESTING} were flattened; every word is kept")


def too_deep(blocks: tuple[Block, ...], limit: int = MAX_NESTING) -> bool:
    """True when ``blocks`` nest deeper than ``limit`` (blocks or inlines). Iterative."""
    stack: list[tuple[Block, int]] = [(block, 0) for block in blocks]
    while stack:
        block, depth = stack.pop()
        match block:
            case Para(content=content) | Heading(content=content):
                if _inlines_too_deep(content, limit):
                    return True
                inner = tuple(b for note in notes_in(content) for b in note.blocks)  # a note nests like a quote
            case Quote(blocks=inner):
                pass
            case ListBlock(items=items):
                inner = tuple(b for item in items for b in item)
            case Rule() | CodeBlock():
                inner = ()
            case Figure(caption=caption, credit=credit):
                if _inlines_too_deep(credit, limit):
                    return True
                inner = caption + tuple(b for note in notes_in(credit) for b in note.blocks)
            case Table():
                inner = block.caption + table_cell_blocks(block)
            case _:
                assert_never(block)
        if inner and depth >= limit:
            return True
        stack.extend((b, depth + 1) for b in inner)
    return False


def _inlines_too_deep(inlines: tuple[Inline, ...], limit: int) -> bool:
    stack: list[tuple[Inline, int]] = [(node, 0) for node in inlines]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, Emph | Strong | Link | Strikeout | Superscript | Subscript) and node.content:
            if depth >= limit:
                return True
            stack.extend((child, depth + 1) for child in node.content)
    return False


def flatten(document: Document, limit: int = MAX_NESTING) -> tuple[Document, Flattened | None]:
    """``document`` with nothing nested deeper than ``limit``, and where it was flattened (None: nowhere)."""
    fields: list[str] = []
    body = _flatten_top(document.body, "body", limit, fields)
    back = tuple(
        replace(item, blocks=_flatten_top(item.blocks, f"back[{number}].blocks", limit, fields))
        for number, item in enumerate(document.back))
    if not fields:
        return document, None
    return replace(document, body=body, back=back), Flattened(fields=tuple(fields))


def _flatten_top(blocks: tuple[Block, ...], where: str, limit: int, fields: list[str]) -> tuple[Block, ...]:
    out: list[Block] = []
    for index, block in enumerate(blocks):
        if too_deep((block,), limit):
            fields.append(f"{where}[{index}]")
            block = _block(block, 0, limit)
        out.append(block)
    return tuple(out)


def _block(block: Block, depth: int, limit: int) -> Block:
    """``block`` (at ``depth``) within the limit; recursion stops at the limit."""
    match block:
        case Para(content=content) | Heading(content=content):
            return replace(block, content=_inlines(content, 0, limit, depth))
        case Quote(blocks=inner):
            return Quote(blocks=_children(inner, depth + 1, limit))
        case ListBlock(items=items):
            return replace(block, items=tuple(_children(item, depth + 1, limit) for item in items))
        case Rule() | CodeBlock():
            return block
        case Figure(caption=caption, credit=credit):
            return replace(block, caption=_children(caption, depth + 1, limit),
                           credit=_inlines(credit, 0, limit, depth))
        case Table():
            def rows(part: tuple[TableRow, ...]) -> tuple[TableRow, ...]:
                return tuple(TableRow(cells=tuple(replace(cell, blocks=_children(cell.blocks, depth + 1, limit))
                                                  for cell in row.cells)) for row in part)

            return replace(block, caption=_children(block.caption, depth + 1, limit), head=rows(block.head),
                           body=rows(block.body), foot=rows(block.foot))
        case _:
            assert_never(block)


def _children(blocks: tuple[Block, ...], depth: int, limit: int) -> tuple[Block, ...]:
    """A quote's or list item's blocks at ``depth``: only leaves at the limit, where nothing may nest."""
    if depth >= limit:
        return tuple(_leaf_blocks(blocks, limit))
    return tuple(_block(b, depth, limit) for b in blocks)


def _leaf_blocks(blocks: tuple[Block, ...], limit: int) -> Iterator[Block]:
    """The paragraphs, headings and rules inside ``blocks``, in reading order, however deep."""
    stack: list[Iterator[Block]] = [iter(blocks)]
    while stack:
        block = next(stack[-1], None)
        if block is None:
            stack.pop()
            continue
        match block:
            case Para(content=content) | Heading(content=content):
                yield replace(block, content=_inlines(content, 0, limit, limit))
            case Quote(blocks=inner):
                stack.append(iter(inner))
            case ListBlock(ordered=ordered, items=items, start=start):
                stack.append(_numbered_items(items, ordered, start))
            case Rule() | CodeBlock():
                yield block
            case Figure(caption=caption, credit=credit):
                # At the limit a figure is its caption and credit (its image cannot nest any deeper).
                stack.append(iter((*caption, Para(content=_inlines(credit, 0, limit, limit)))))
            case Table():
                # At the limit a table is its caption, then a paragraph a row, cells joined by " | ".
                rows = (Para(content=(Str(text=" | ".join(_words(cell.blocks) for cell in row.cells)),))
                        for row in (*block.head, *block.body, *block.foot))
                stack.append(iter((*block.caption, *rows)))
            case _:
                assert_never(block)


def _numbered_items(items: tuple[tuple[Block, ...], ...], ordered: bool, start: int) -> Iterator[Block]:
    """A list's item blocks in order; an ordered list's number starts its item's first paragraph."""
    for number, item in enumerate(items, start=start):
        for index, block in enumerate(item):
            if index == 0 and ordered:
                if isinstance(block, Para):
                    yield replace(block, content=(Str(text=f"{number}. "), *block.content))
                    continue
                yield Para(content=(Str(text=f"{number}."),))
            yield block


def _inlines(inlines: tuple[Inline, ...], depth: int, limit: int, block_depth: int) -> tuple[Inline, ...]:
    """``inlines`` at inline ``depth`` in a block at ``block_depth`` (a note's blocks sit one deeper)."""
    out: list[Inline] = []
    for node in inlines:
        match node:
            case Str() | Code() | LineBreak():
                out.append(node)
            case Emph(content=content) | Strong(content=content) | Link(content=content) | Strikeout(
                    content=content) | Superscript(content=content) | Subscript(content=content):
                if depth >= limit:
                    out.extend(_leaf_inlines((node,)))
                else:
                    out.append(replace(node, content=_inlines(content, depth + 1, limit, block_depth)))
            case Note(blocks=blocks):
                if block_depth >= limit:
                    out.append(Str(text=f" [{_words(blocks)}]"))  # a note at the limit: its words, in brackets
                else:
                    out.append(Note(blocks=_children(blocks, block_depth + 1, limit)))
            case _:
                assert_never(node)
    return tuple(out)


def _words(root: object) -> str:
    """Every word under ``root`` (blocks, inlines, cells, notes), in reading order; iterative, so any
    depth is safe. For the pathological depths past the limit only."""
    words: list[str] = []
    stack: list[object] = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, Str | Code | CodeBlock):
            words.append(node.text)
        elif isinstance(node, tuple):
            stack.extend(reversed(node))
        else:
            children = [getattr(node, name) for name in ("caption", "content", "blocks", "items", "head", "body",
                                                         "foot", "cells", "credit") if hasattr(node, name)]
            stack.extend(reversed(children))
    return " ".join(" ".join(words).split())


def _leaf_inlines(inlines: tuple[Inline, ...]) -> tuple[Inline, ...]:
    """The text, code and line breaks inside ``inlines``, however deep (an autolink gives its URL)."""
    out: list[Inline] = []
    stack: list[Iterator[Inline]] = [iter(inlines)]
    while stack:
        node = next(stack[-1], None)
        if node is None:
            stack.pop()
            continue
        match node:
            case Str() | Code() | LineBreak():
                out.append(node)
            case Emph(content=content) | Strong(content=content) | Strikeout(content=content) | Superscript(
                    content=content) | Subscript(content=content):
                stack.append(iter(content))
            case Link(content=content, url=url):
                stack.append(iter(content or (Str(text=url),)))
            case Note(blocks=blocks):
                out.append(Str(text=f" [{_words(blocks)}]"))
            case _:
                assert_never(node)
    return tuple(out)


MAX_JSON_DEPTH = 4 * MAX_NESTING + 16
"""JSON arrays and objects nest at most this deep in a document within :data:`MAX_NESTING`: a list
level takes three (items, item, block), an inline level two, plus the document's own few."""

_JSON_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


def deep_json_position(text: str, limit: int) -> tuple[int | None, int | None]:
    """(line, column) where JSON ``text`` first nests deeper than ``limit``, or (None, None)."""
    depth = 0
    for match in _JSON_TOKENS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > limit:
                offset = match.start()
                return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1
        elif token in "]}":
            depth -= 1
    return None, None
