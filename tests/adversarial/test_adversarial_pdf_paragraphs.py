"""Long PDF paragraphs are set as several flowables: the cutting loses nothing and keeps markup whole."""

from __future__ import annotations

import io
import re

import worst_cases as cases
from adversarial_support import bounded
from hypothesis import example, given
from hypothesis import strategies as st

from citekit.writers import get_writer, write_bytes
from citekit.writers.pdf.markup import split_markup

_TAG = re.compile(r"<[^>]*>")

# Markup as the PDF writer writes it: escaped text, balanced tags, self-closing breaks.
_text = st.text(alphabet=st.sampled_from(list("ab c&;<>é ")), max_size=40).map(
    lambda t: t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))


@st.composite
def _markup(draw: st.DrawFn, depth: int = 0) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 6))):
        kind = draw(st.sampled_from(["text", "text", "br", "tag"] if depth < 3 else ["text", "br"]))
        if kind == "text":
            parts.append(draw(_text))
        elif kind == "br":
            parts.append("<br/>")
        else:
            tag = draw(st.sampled_from(['<i>|</i>', '<b>|</b>', '<font name="DejaVuSansMono">|</font>',
                                        '<a href="https://example.org/?a=1&amp;b=2" color="#0000ee">|</a>']))
            opening, closing = tag.split("|")
            parts.append(opening + draw(_markup(depth + 1)) + closing)
    return "".join(parts)


def _balanced(piece: str) -> bool:
    stack: list[str] = []
    for tag in _TAG.findall(piece):
        if tag.endswith("/>"):
            continue
        name = re.match(r"</?([a-z]+)", tag).group(1)  # type: ignore[union-attr]
        if tag.startswith("</"):
            if not stack or stack.pop() != name:
                return False
        else:
            stack.append(name)
    return not stack


def _printed(markup: str) -> str:
    """The characters a reader sees, in order: no tags, no spaces or line breaks (a piece's
    boundary is a line break; a word longer than twice the limit is cut inside)."""
    return re.sub(r"\s+", "", _TAG.sub("", markup))


@given(_markup(), st.integers(1, 30))
@example('a <i>b c<br/>d</i> e&amp;f <a href="x" color="y">g h</a>', 3)
@example("word " * 50, 7)
def test_pieces_keep_every_character_and_balance_their_tags(markup: str, limit: int) -> None:
    pieces = split_markup(markup, limit)
    assert all(_balanced(piece) for piece in pieces)
    assert _printed("".join(pieces)) == _printed(markup)
    if len(markup) > limit:
        # Each piece prints at most about two limits of characters (an entity is one).
        assert all(len(re.sub(r"&[^;]*;", "x", _TAG.sub("", piece))) <= 2 * limit + 1 for piece in pieces)


def test_markup_shorter_than_the_limit_is_one_piece() -> None:
    assert split_markup("<i>a</i> b", 100) == ["<i>a</i> b"]


def _pdf_words(case: str, size: int) -> tuple[int, list[str]]:
    """(pages, words of the case missing from the PDF's text, in order)."""
    from pypdf import PdfReader

    document = getattr(cases, case)(size)
    data, _ = write_bytes(document, get_writer("pdf"))
    reader = PdfReader(io.BytesIO(data))
    text = " ".join(page.extract_text() for page in reader.pages)
    found = re.findall(r"\b(?:w|line)\d+\b", text)
    expected = re.findall(r"\b(?:w|line)\d+\b", " ".join(
        getattr(node, "text", "") for block in document.body for node in block.content))  # type: ignore[union-attr]
    missing = [word for word in expected if word not in set(found)]
    assert found == [w for w in found if w in set(expected)]
    return len(reader.pages), missing + (["(out of order)"] if found != expected else [])


def test_a_paragraph_of_several_pieces_prints_every_word_in_order() -> None:
    pages, missing = bounded(_pdf_words, "long_paragraph", 40_000, seconds=60).ok()
    assert pages >= 4 and missing == []


def test_many_short_lines_print_every_line_in_order() -> None:
    pages, missing = bounded(_pdf_words, "short_lines", 3_000, seconds=60).ok()
    assert pages >= 20 and missing == []
