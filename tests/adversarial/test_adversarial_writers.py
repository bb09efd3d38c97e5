"""Every writer on generated worst cases: linear time, no exception escapes, every word kept.

The cases are the shapes that made writers superlinear or crash: a 1 MB paragraph and 20,000
short lines in one paragraph (reportlab's line breaking is quadratic in a paragraph's words:
minutes), 50,000 inlines (EPUB and JATS: lxml text appended piece by piece), 100,000
keywords, a 200 KB title (the PDF footer measured it on every page), and quotes, lists and
emphasis nested 20,000 deep (RecursionError). Each runs under a hard CPU-time limit in a
forked child (:mod:`adversarial_support`).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable

import pytest
import worst_cases as cases
from adversarial_support import bounded

from citekit.model import Document, plain_blocks
from citekit.writers import available_writers, get_writer, write_bytes

WRITERS = sorted(available_writers())
BODY_WRITERS = ("citekit-json", "epub", "jats")
"""Writers whose output holds the body as searchable text (the PDF is checked in its own tests)."""
_WORD = re.compile(r"\b[a-z]+\d+\b")

# name: (builder, size, CPU seconds for the PDF, for every other writer). A limit is about ten
# times what the case takes now; the code before these fixes took ten times the limit or more
# (PDF: 1 MB paragraph ~220 s, 20,000 lines and 50,000 inlines over 400 s; EPUB and JATS on
# 50,000 inlines 37 s and 29 s; nesting: RecursionError).
CASES: dict[str, tuple[Callable[[int], Document], int, float, float]] = {
    "long-paragraph": (cases.long_paragraph, 1_000_000, 40, 10),
    "short-lines": (cases.short_lines, 20_000, 40, 10),
    "many-inlines": (cases.many_inlines, 50_000, 60, 10),
    "text-pieces": (cases.text_pieces, 50_000, 40, 10),
    "many-keywords": (cases.many_keywords, 100_000, 30, 10),
    "long-metadata": (cases.long_metadata, 200_000, 60, 10),
    "nested-quotes": (cases.nested_quotes, 20_000, 40, 20),
    "nested-lists": (cases.nested_lists, 20_000, 40, 20),
    "nested-emphasis": (cases.nested_emphasis, 20_000, 40, 20),
}
NESTED = {"nested-quotes", "nested-lists", "nested-emphasis"}


def _output_text(writer: str, data: bytes) -> str:
    if writer == "epub":
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            return "\n".join(book.read(n).decode("utf-8") for n in book.namelist() if n.endswith(".xhtml"))
    return data.decode("utf-8")


def _write_case(case: str, writer: str) -> tuple[int, list[str], list[str]]:
    """(output size, diagnostics, body words missing from the output) of one case."""
    builder, size, _, _ = CASES[case]
    document = builder(size)
    data, diagnostics = write_bytes(document, get_writer(writer))
    missing: list[str] = []
    if writer in BODY_WRITERS and case not in NESTED:
        # plain_blocks recurses, so nested cases (checked below, flattened) are left out here.
        found = set(_WORD.findall(_output_text(writer, data)))
        missing = sorted(set(_WORD.findall(plain_blocks(document.body))) - found)[:10]
    return len(data), [d.message for d in diagnostics], missing


@pytest.mark.parametrize("writer", WRITERS)
@pytest.mark.parametrize("case", sorted(CASES))
def test_worst_case_is_bounded_and_loses_nothing(case: str, writer: str) -> None:
    seconds = CASES[case][2] if writer == "pdf" else CASES[case][3]
    size, messages, missing = bounded(_write_case, case, writer, seconds=seconds).ok()
    assert size > 0
    assert not missing, f"{writer} lost words: {missing}"
    if case in NESTED:
        assert any("flattened" in message for message in messages), messages


def _nested_words(case: str, writer: str) -> list[str]:
    """Every level's word survives flattening (a shallower copy of the case, checked in the output)."""
    builder = CASES[case][0]
    document = builder(300)
    data, _ = write_bytes(document, get_writer(writer))
    expected = {f"{case[7]}{level}" for level in range(300)} | {"bottom"}
    text = _output_text(writer, data)
    return sorted(word for word in expected if not re.search(rf"\b{word}\b", text))


@pytest.mark.parametrize("writer", BODY_WRITERS)
@pytest.mark.parametrize("case", sorted(NESTED))
def test_flattened_nesting_keeps_every_word(case: str, writer: str) -> None:
    assert bounded(_nested_words, case, writer, seconds=30).ok() == []
