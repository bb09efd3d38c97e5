"""Stage 1: text → lines. Control characters become spaces, line ends become LF, and each line
keeps its number, its text as printed (stripped), its plain text (link remnants reduced to their
text, which the rows match) and that in lower case (which the prefilters search)."""

from __future__ import annotations

import re
from typing import NamedTuple

from citekit.model import CONTROL_CHARACTERS
from citekit.normalise.inlines import plain_text
from citekit.normalise.tables.shapes import holds_any

_CONTROL = re.compile(f"[{re.escape(CONTROL_CHARACTERS)}]")


class Line(NamedTuple):
    """One non-blank input line."""

    number: int
    """1-based line number in the input."""
    raw: str
    """The line as printed, stripped."""
    plain: str
    """``raw`` with markdown link remnants and autolinks reduced to their text."""
    lowered: str
    """``plain`` in lower case."""
    indent: int = 0
    """Leading spaces as printed (a tab counts four): scrapers indent quotes and wrapped continuations."""
    cut: bool = False
    """The line ends in a space after a word: a scraper broke it inside a sentence."""


def clean_text(text: str) -> str:
    """``text`` with LF line ends, no BOM and control characters as spaces (no output format chokes on them)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").removeprefix("\ufeff")
    # Thirty substring tests cost a third of one regex pass, and most texts hold no control character.
    return _CONTROL.sub(" ", text) if holds_any(text, CONTROL_CHARACTERS) else text


def read_lines(text: str) -> tuple[Line | None, ...]:
    """The lines of cleaned ``text``; None stands for a blank line."""
    # Lower-cased once for the whole text: lower() has no context across a line break.
    lowered_lines = text.lower().split("\n")
    out: list[Line | None] = []
    append = out.append
    number = 0
    for content, lowered in zip(text.split("\n"), lowered_lines, strict=True):
        number += 1
        raw = content.strip()
        if not raw:
            append(None)
            continue
        indent = 0
        if content[0].isspace():
            indent = len(content[:len(content) - len(content.lstrip())].expandtabs(4))
        cut = content[-1] == " " and raw[-1].isalpha()
        if "[" in raw or "<" in raw:
            plain = plain_text(raw).strip()
            append(Line(number, raw, plain, plain.lower(), indent, cut))
        else:
            append(Line(number, raw, raw, lowered.strip(), indent, cut))
    return tuple(out)
