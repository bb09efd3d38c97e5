"""Stage 8: body entries → blocks (paragraphs, headings, quotes, lists, rules) with their inlines."""

from __future__ import annotations

import re
from collections.abc import Sequence

from citekit.model import Block, Heading, ListBlock, Para, Quote, Rule
from citekit.normalise.body import BodyEntry
from citekit.normalise.inlines import parse_inlines
from citekit.normalise.tables.shapes import LIST_ITEM

_QUOTE_INDENT = 4
"""Scraped pages indent block quotations: a paragraph indented this far, in a body that is not, is one."""


def blocks(entries: Sequence[BodyEntry]) -> tuple[Block, ...]:
    """The body's blocks, consecutive list items gathered into lists."""
    out: list[Block] = []
    items: list[tuple[Block, ...]] = []
    ordered = False
    list_start = 1
    pending_bullet = False
    quoting = False
    base_indent = min((entry.unit.indent for entry in entries), default=0)

    def flush_list() -> None:
        nonlocal items, list_start
        if items:
            out.append(ListBlock(ordered=ordered, items=tuple(items), start=list_start if ordered else 1))
            items = []
            list_start = 1

    for entry in entries:
        kind, raw = entry.kind, entry.unit.raw.strip()
        if not raw:
            continue
        if kind == "bullet":
            pending_bullet = True
            continue
        if kind == "separator":
            flush_list()
            out.append(Rule())
            continue
        if kind in ("heading1", "md-heading"):
            flush_list()
            out.append(Heading(level=1, content=parse_inlines(re.sub(r"^#+\s*", "", raw))))
            continue
        if kind == "heading2":
            flush_list()
            out.append(Heading(level=2, content=parse_inlines(raw)))
            continue
        if kind == "md-quote":
            flush_list()
            out.append(Quote(blocks=(Para(content=parse_inlines(raw.lstrip("> ").strip())),)))
            continue
        bullet = LIST_ITEM.match(raw) if raw[:1] in "-*•" or raw[:1].isdecimal() else None
        if bullet or pending_bullet:
            ordered_item = bool(bullet and bullet.group(0)[0].isdigit())
            if items and ordered_item != ordered:
                flush_list()
            if not items and bullet and ordered_item:
                list_start = int(re.sub(r"\D", "", bullet.group(0)))
            ordered = ordered_item
            items.append((Para(content=parse_inlines(raw[bullet.end():] if bullet else raw)),))
            pending_bullet = False
            continue
        flush_list()
        paragraph = Para(content=parse_inlines(raw))
        if entry.unit.indent >= _QUOTE_INDENT > base_indent:
            # Consecutive indented paragraphs make one quotation.
            last = out[-1] if out else None
            if quoting and isinstance(last, Quote):
                out[-1] = Quote(blocks=(*last.blocks, paragraph))
            else:
                out.append(Quote(blocks=(paragraph,)))
            quoting = True
            continue
        quoting = False
        out.append(paragraph)
    flush_list()
    return tuple(out)
