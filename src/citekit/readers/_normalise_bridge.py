"""The HTML reader's one door into the normaliser, so that the normaliser can change behind it.

The normaliser is being rewritten into staged modules with an end-matter/boilerplate stage that
runs on already-extracted blocks. Until that lands, :func:`end_matter` does the same job the long
way: it lays the extracted blocks out as article text (the headline first, each block a paragraph),
runs :func:`citekit.normalise.normalise_text` over it, and maps the lines the normaliser did not
keep in the body back onto the blocks. Re-pointing this module is the whole switch.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from citekit.model import Author, Block, Document, plain_block

LEAVES_BODY = frozenset({"rights", "notice", "removed", "title", "byline", "dateline", "keywords", "site"})
"""Roles that take an extracted block out of the body. ``back`` is not one: on extracted content the
text rules read too many body paragraphs as bios or notes (measured on the html-corpus body set:
moving ``back`` out costs 0.012 recall for 0.001 precision); those blocks stay in the body. Nor is
``subtitle``: the rules read an opening paragraph under a known title as a dek, and a lost opening
paragraph is worse than a kept dek (0.002 F1 on the same set)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class EndMatter:
    """What the end-matter and boilerplate rules made of extracted blocks."""

    keep: tuple[bool, ...]
    """Per block: True when it stays in the body."""
    spans: tuple[tuple[int, int], ...]
    """Per block: its first and last line in the text the rules read (what ``removed`` line numbers
    and provenance lines of an HTML document refer to)."""
    roles: tuple[str, ...]
    """Per block: the role the rules gave it (body, rights, notice, back, removed, byline, …)."""
    document: Document
    """The normaliser's document for the same text: its rights, back matter, removed stretches
    and the metadata it read from the text (the ``text`` source of the HTML reader)."""
    text: str = ""
    """The text the rules read: the blocks laid out as article text (what the line numbers count)."""


_RUNS: ContextVar[list[EndMatter] | None] = ContextVar("citekit_end_matter_runs", default=None)


@contextmanager
def recording_runs() -> Iterator[list[EndMatter]]:
    """Collect every :func:`end_matter` run made inside the block, in order (``citekit inspect``
    shows the text the rules read and the role each line got); nothing is kept outside it."""
    runs: list[EndMatter] = []
    token = _RUNS.set(runs)
    try:
        yield runs
    finally:
        _RUNS.reset(token)


def end_matter(blocks: tuple[Block, ...], *, title: str | None, name: str | None) -> EndMatter:
    """Run the end-matter and boilerplate rules over extracted ``blocks`` (headline ``title``)."""
    from citekit.normalise import normalise_text

    lines: list[str] = []
    spans: list[tuple[int, int]] = []
    if title:
        lines.extend([" ".join(title.split()), ""])
    for block in blocks:
        text = [line for line in (" ".join(part.split()) for part in plain_block(block).split("\n")) if line]
        start = len(lines) + 1
        lines.extend(text or ["·"])
        spans.append((start, len(lines)))
        lines.append("")
    laid_out = "\n".join(lines)
    with warnings.catch_warnings():  # dateutil warns about zone names ("JST") the rules do not need
        warnings.simplefilter("ignore")
        document = normalise_text(laid_out, name=name)
    role_of: dict[int, str] = {}
    for span in document.provenance.lines:
        for number in range(span.start_line, span.end_line + 1):
            role_of[number] = span.role
    roles = []
    for start, end in spans:
        seen = [role_of.get(n, "body") for n in range(start, end + 1)]
        roles.append("body" if "body" in seen else seen[0])
    result = EndMatter(keep=tuple(r not in LEAVES_BODY for r in roles), spans=tuple(spans), roles=tuple(roles),
                       document=document, text=laid_out)
    runs = _RUNS.get()
    if runs is not None:
        runs.append(result)
    return result


def parse_printed_date(text: str) -> str | None:
    """A printed date ("20 March 2019", "March 20, 2019") as ISO 8601, or None."""
    from citekit.normalise.dates import parse_date

    with warnings.catch_warnings():  # dateutil warns about zone names ("CEST") it does not need here
        warnings.simplefilter("ignore")
        return parse_date(text)


def person(name: str) -> Author:
    """An author from a name as printed, split into given and family names when it is a person's."""
    from citekit.normalise.names import split_name

    return split_name(name)
