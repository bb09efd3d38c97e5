"""Stage 3: classified lines → units, the paragraph candidates the header and body stages judge.

How lines join depends on how the text was made:

* blank-line separated: the lines between blank lines are one paragraph, except at the top, where
  a headline, a credit and a date are often printed on consecutive lines without a blank between;
* hard-wrapped (no blank lines, lines cut near one width): lines join until one ends a sentence
  short of the width;
* one paragraph a line: each line is a unit, except that a line cut mid-sentence continues on the
  next (it ends with a lower-case word, or the next line is indented or starts in lower case).

A classified line (a byline, a source line, …) is always a unit of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import NamedTuple

from citekit.normalise.classify import Classified
from citekit.normalise.inlines import plain_text
from citekit.normalise.options import NormaliseOptions
from citekit.normalise.shape import words
from citekit.normalise.tables.shapes import NUMBERED

_SENTENCE_ENDS = (".", "!", "?", '"', "”", "…", ":", ")", "»", "“")
_HEADER_LINE_WORDS = 14
"""A line this short, ending without a full stop, may be a headline, a credit or a date line."""


class Unit(NamedTuple):
    """A paragraph candidate: consecutive lines with their texts joined."""

    items: tuple[Classified, ...]
    kind: str | None
    """The kind of its (only) classified line; None for content."""
    rule: str
    numbers: tuple[int, ...]
    raw: str
    plain: str
    lowered: str
    indent: int
    """The least indentation of its lines: scrapers indent block quotations."""

    @property
    def first(self) -> Classified:
        return self.items[0]

    def group(self, name: str) -> str | None:
        return self.items[0].group(name)


def make_unit(items: Sequence[Classified], kind: str | None = None, rule: str = "") -> Unit:
    """A unit of ``items``; one item keeps its line's kind and rule."""
    if len(items) == 1:
        only = items[0]
        line = only.line
        return Unit(tuple(items), only.kind if kind is None else kind, rule or only.rule, (line.number,),
                    line.raw, line.plain, line.lowered, line.indent)
    lines = [item.line for item in items]
    return Unit(tuple(items), kind, rule, tuple(line.number for line in lines),
                " ".join(line.raw for line in lines), " ".join(line.plain for line in lines),
                " ".join(line.lowered for line in lines), min(line.indent for line in lines))


def rewritten(unit: Unit, raw: str) -> Unit:
    """``unit`` whose text lost a glued prefix or suffix to metadata (the peel stage)."""
    plain = plain_text(raw)
    return Unit(unit.items, unit.kind, unit.rule, unit.numbers, raw, plain, plain.lower(), unit.indent)


@dataclass(frozen=True, slots=True)
class Layout:
    """How the text's lines make paragraphs."""

    blank_separated: bool
    hard_wrapped: bool
    wrap: int


def layout(items: Sequence[Classified | None]) -> Layout:
    present = [item for item in items if item is not None]
    followed_by_blank = sum(1 for item, following in pairwise(items) if item is not None and following is None)
    blank_separated = followed_by_blank >= 0.4 * max(1, len(present) - 1)
    lengths = sorted(len(item.line.plain) for item in present if item.kind is None)
    wrap = lengths[int(0.9 * (len(lengths) - 1))] if lengths else 0
    return Layout(blank_separated, not blank_separated and wrap <= 150, wrap)


def units(items: Sequence[Classified | None], options: NormaliseOptions) -> tuple[Unit, ...]:
    """Group classified lines into paragraph candidates."""
    shape = layout(items)
    out: list[Unit] = []
    current: list[Classified] = []
    prose_seen = False
    alone_next = False

    def flush() -> None:
        nonlocal prose_seen
        if current:
            unit = make_unit(current)
            out.append(unit)
            prose_seen = prose_seen or words(unit.plain, options.prose_min_words) >= options.prose_min_words
            current.clear()

    for item in items:
        if item is None:
            flush()
            continue
        line = item.line
        if alone_next:
            # The line after a lone "by" or "from" is the name: never glued to the text below.
            alone_next = False
            flush()
            out.append(make_unit([item]))
            continue
        alone_next = item.kind in ("byline-alone", "site-alone")
        if item.kind is not None or line.raw.startswith(("- ", "* ", "• ")) \
                or (line.raw[:1].isdecimal() and NUMBERED.match(line.raw)):
            if item.rule == "date.split-over-lines" and out and out[-1].rule == item.rule and not current:
                out[-1] = make_unit([*out[-1].items, item], "date", item.rule)
                continue
            flush()
            out.append(make_unit([item]))
            continue
        if current and not _continues(current[-1], item, shape, prose_seen):
            flush()
        current.append(item)
        # A wrapped paragraph ends in a sentence short of the width; a line far longer than the width
        # was never wrapped: it is a paragraph of its own (a standfirst above hard-wrapped text).
        if shape.hard_wrapped and line.plain.endswith(_SENTENCE_ENDS[:6]) \
                and not 0.8 * shape.wrap <= len(line.plain) <= 1.2 * shape.wrap:
            flush()
    flush()
    return tuple(out)


def _continues(previous: Classified, item: Classified, shape: Layout, prose_seen: bool) -> bool:
    """Whether ``item`` continues the paragraph that ``previous`` ends."""
    before, line = previous.line, item.line
    if line.indent != before.indent and (line.indent >= 4 or before.indent >= 4) and not _mid_sentence(before.plain):
        return False  # a quotation indented as a block starts or ends here
    if shape.hard_wrapped:
        return True
    if shape.blank_separated:
        if prose_seen or not _header_like(before.plain):
            return True
        return _mid_sentence(before.plain) and (line.plain[:1].islower() or line.indent > 0)
    # One paragraph a line: only a line cut mid-sentence continues.
    return _mid_sentence(before.plain) and (line.plain[:1].islower() or line.indent > 0 or before.cut)


def _mid_sentence(text: str) -> bool:
    return not text.endswith(_SENTENCE_ENDS)


def _header_like(text: str) -> bool:
    """A line that may stand alone at the top: a headline, a credit, a date, a kicker."""
    return len(text.split(maxsplit=_HEADER_LINE_WORDS)) <= _HEADER_LINE_WORDS and not text.endswith((".", ","))
