"""The reading layer on hostile input: deep JSON, malformed or foreign JSON, lone surrogates, size.

Every case must end in a document or a named :class:`~citekit.errors.CitekitError` (never a
RecursionError or UnicodeEncodeError), inside a hard CPU-time limit.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import worst_cases as cases
from adversarial_support import bounded

import citekit
from citekit.errors import InputError, WriterError
from citekit.model import Document, Emph, Para, Str, plain_blocks
from citekit.nesting import MAX_NESTING, too_deep
from citekit.readers import read_bytes, read_path
from citekit.readers.limits import DEFAULT_MAX_INPUT_BYTES
from citekit.writers import available_writers, get_writer, write_bytes

NAME = "case.citekit.json"


def _read(text: str | bytes, name: str = NAME, max_bytes: int | None = None) -> str:
    """Read ``text`` and describe the document (the harness reports any exception instead)."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    document = read_bytes(data, name=name, max_bytes=max_bytes)
    return f"{len(document.body)} blocks, title {document.metadata.title!r}"


# --------------------------------------------------------------------------------------------
# Nesting in document JSON


@pytest.mark.parametrize(("label", "text"), [
    ("100k brackets", cases.json_brackets(100_000)),
    ("quotes 300 deep", cases.json_quotes(300)),
    ("quotes 450 deep", cases.json_quotes(450)),
    ("lists 200 deep", cases.json_lists(200)),
    ("emphasis 400 deep", cases.json_emphasis(400)),
    ("quotes 33 deep", cases.json_quotes(MAX_NESTING + 1)),
    ("emphasis 33 deep", cases.json_emphasis(MAX_NESTING + 1)),
])
def test_too_deep_json_is_refused_by_name(label: str, text: str) -> None:
    message = bounded(_read, text, seconds=20).refused()
    assert message.startswith(NAME)
    assert "nested" in message and "deep" in message


def _read_and_write_all(text: str) -> list[str]:
    document = read_bytes(text.encode("utf-8"), name=NAME)
    return [name for name in sorted(available_writers()) if write_bytes(document, get_writer(name))[0]]


@pytest.mark.parametrize("builder", [cases.json_quotes, cases.json_lists, cases.json_emphasis])
def test_json_at_the_nesting_limit_reads_and_writes_everywhere(builder: object) -> None:
    text = builder(MAX_NESTING)  # type: ignore[operator]
    assert bounded(_read_and_write_all, text, seconds=60).ok() == sorted(available_writers())


# --------------------------------------------------------------------------------------------
# Malformed JSON, another schema version, JSON by name or by its opening


BROKEN = '{"schema": "citekit-document/1",\n "metadata": {"title": "x",}\n}'


@pytest.mark.parametrize("name", [NAME, "article.txt", "-"])
def test_malformed_document_json_fails_with_line_and_column(name: str) -> None:
    message = bounded(_read, BROKEN, name, seconds=10).refused()
    assert message.startswith(f"{name}:2: not valid JSON")
    assert "(column 28)" in message


@pytest.mark.parametrize("text", [
    '{"schema": "citekit-document/2", "metadata": {}}',
    '{\n  "schema": "citekit-document/0.9", "body": []}',
    '{"metadata": {"title": "T"}, "body": [], "schema": "citekit-document/2"}',
])
def test_another_schema_version_is_refused_not_read_as_text(text: str) -> None:
    message = bounded(_read, text, "notes.txt", seconds=10).refused()
    assert "schema" in message and "citekit-document/1" in message


@pytest.mark.parametrize("text", ["Just an article.\n", '[{"schema": "citekit-document/1"}]', "{}", "",
                                  "<html><body><p>A saved page.</p></body></html>", "# Markdown\n\nText.\n"])
def test_a_citekit_json_name_must_hold_a_document(text: str) -> None:
    bounded(_read, text, seconds=10).refused()


@pytest.mark.parametrize("opening", ["{Editor's note: first published in 2016.}\n", '{"quoted" braces}\n'])
def test_text_that_merely_starts_with_a_brace_is_article_text(opening: str) -> None:
    text = opening + cases.HEADER + "The body of the article, long enough to be a paragraph of prose.\n"
    assert not bounded(_read, text, "article.txt", seconds=20).ok().startswith("0 blocks")


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be"])
@pytest.mark.parametrize("name", [NAME, "saved.json", "notes.txt"])
def test_document_json_saved_as_utf16_with_its_bom_is_document_json(codec: str, name: str) -> None:
    text = cases.document_json('[{"type": "paragraph", "inlines": [{"type": "str", "text": "Stra\u00dfe"}]}]')
    bom = b"\xfe\xff" if codec == "utf-16-be" else b""  # Python's "utf-16" writes its own BOM
    assert bounded(_body_text, bom + text.encode(codec), name, seconds=10).ok() == "Stra\u00dfe"
    broken = bounded(_read, BROKEN.encode("utf-16"), name, seconds=10).refused()
    assert broken.startswith(f"{name}:2: not valid JSON")


def _body_text(data: bytes, name: str) -> str:
    return plain_blocks(read_bytes(data, name=name).body)


def test_utf16_document_json_that_does_not_decode_names_the_file() -> None:
    message = bounded(_read, b"\xff\xfe{\x00\"\x00\x00\xd8", NAME, seconds=10).refused()
    assert message.startswith(NAME) and "UTF-16" in message


# --------------------------------------------------------------------------------------------
# Lone surrogates


@pytest.mark.parametrize("escape", ["\\ud800", "\\udfff", "x\\udc00y", "\\ud83d"])
def test_lone_surrogate_in_document_json_is_an_input_error(escape: str) -> None:
    text = cases.document_json('[{"type": "paragraph", "inlines": [{"type": "str", "text": "a' + escape + 'b"}]}]')
    message = bounded(_read, text, seconds=10).refused()
    assert "lone surrogate" in message and "$.body[0].inlines[0].text" in message


def test_a_surrogate_pair_in_document_json_is_one_character() -> None:
    text = cases.document_json('[{"type": "paragraph", "inlines": [{"type": "str", "text": "\\ud83d\\ude00"}]}]')
    assert bounded(_read, text, seconds=10).ok().startswith("1 blocks")


def _normalise_api(text: str) -> str:
    return str(citekit.normalise_text(text, name="api.txt").metadata.title)


@pytest.mark.parametrize("text", ["ab\ud800c", "Title\n\nline two \udcff here", "\udfff"])
def test_lone_surrogate_in_api_text_names_line_and_column(text: str) -> None:
    message = bounded(_normalise_api, text, seconds=10).refused()
    line = text[: next(i for i, c in enumerate(text) if "\ud800" <= c <= "\udfff")].count("\n") + 1
    assert message.startswith(f"api.txt:{line}: lone surrogate U+")
    assert "(column " in message


def _write_with_surrogate(writer: str) -> str:
    document = cases.document(Para(content=(Str(text="a\ud800b"),)), title="T\udcff")
    try:
        write_bytes(document, get_writer(writer))
    except WriterError as error:
        return f"refused: {error}"
    return "written"


@pytest.mark.parametrize("writer", sorted(available_writers()))
def test_a_document_built_with_a_surrogate_is_written_or_refused_by_name(writer: str) -> None:
    result = bounded(_write_with_surrogate, writer, seconds=20).ok()
    assert result == "written" or "lone surrogate" in result


# --------------------------------------------------------------------------------------------
# Deep nesting from article text and from Python


def _normalise_and_write(text: str) -> list[str]:
    document = citekit.normalise_text(text, name="deep.txt")
    assert not too_deep(document.body)
    return [name for name in sorted(available_writers()) if write_bytes(document, get_writer(name))[0]]


@pytest.mark.parametrize("text", [
    cases.HEADER + "Before.\n\n" + "> " * 100_000 + "deep quote\n\nAfter.\n",
    cases.HEADER + "Body " + "*a " * 5_000 + "x" + " b*" * 5_000 + "\n",
    cases.HEADER + "Body.\n\n" + "\n".join("  " * i + f"- item{i}" for i in range(200)) + "\n",
])
def test_deep_markup_in_article_text_normalises_and_writes(text: str) -> None:
    assert bounded(_normalise_and_write, text, seconds=120).ok() == sorted(available_writers())


def test_flattening_keeps_every_word_and_reports_where() -> None:
    from citekit.nesting import flatten

    inlines: tuple[Emph | Str, ...] = (Str(text="bottom"),)
    for level in range(2 * MAX_NESTING):
        inlines = (Emph(content=(Str(text=f"e{level} "), *inlines)),)
    document = Document(body=(Para(content=(Str(text="top"),)), Para(content=inlines)))
    flat, where = flatten(document)
    assert where is not None and where.fields == ("body[1]",)
    assert flat.body[0] == document.body[0]
    assert not too_deep(flat.body)
    from citekit.model import plain_blocks

    assert plain_blocks(flat.body) == plain_blocks(document.body)


# --------------------------------------------------------------------------------------------
# Input size


def test_the_default_limit_refuses_an_oversized_input_before_decoding() -> None:
    data = b"a" * (DEFAULT_MAX_INPUT_BYTES + 1)
    message = bounded(_read, data, "huge.txt", seconds=10).refused()
    assert message.startswith("huge.txt: input is over 64 MiB, the most citekit reads (raise the limit")


@pytest.mark.parametrize(("size", "limit", "accepted"), [(2000, 1000, False), (1000, 1000, True), (5000, 0, True)])
def test_a_configured_limit(size: int, limit: int, accepted: bool) -> None:
    text = (cases.HEADER + cases.words(size))[:size]
    outcome = bounded(_read, text, "a.txt", limit, seconds=20)
    if accepted:
        outcome.ok()
    else:
        assert "citekit reads inputs up to 1000 bytes" in outcome.refused()


def _read_sparse(path: str, limit: int) -> str:
    read_path(Path(path), max_bytes=limit)
    return "read"


def test_a_huge_file_is_never_read_past_the_limit(tmp_path: Path) -> None:
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as stream:
        stream.truncate(4 * 1024**3)  # sparse: 4 GiB that take no disk
    # 1.5 GiB of address space: reading the whole file would fail with MemoryError.
    message = bounded(_read_sparse, str(huge), 1024**2, seconds=20, memory=1536 * 1024**2).refused()
    assert message == f"{huge}: input is 4 GiB; citekit reads inputs up to 1 MiB (raise the limit with " \
                      "--max-input-size, or max_input_bytes= in Python)"


def test_the_api_text_limit_counts_utf8_bytes() -> None:
    with pytest.raises(InputError, match="reads inputs up to 1000 bytes"):
        citekit.normalise_text("é" * 600, max_input_bytes=1000)
    assert citekit.normalise_text("é" * 400, max_input_bytes=1000) is not None


def _read_page_blocks(data: bytes) -> int:
    return len(read_bytes(data, name="hostile.html").body)


@pytest.mark.parametrize("label, data", [
    ("nested figure captions",
     b"<html><body><p>Text of the page.</p>" + b"<figcaption>c " * 20_000 + b"</body></html>"),
    ("many embedded posts", b"<html><body><article><h1>T</h1>"
     + b'<blockquote class="twitter-tweet"><p>post</p></blockquote>' * 30_000 + b"</article></body></html>"),
    ("author-box classes all the way down", b"<html><body>" + b'<div class="author-box">' * 5_000
     + b"<p>deep</p></body></html>"),
])
def test_pages_full_of_marked_elements_read_in_bounded_time(label: str, data: bytes) -> None:
    assert bounded(_read_page_blocks, data, seconds=30).ok() >= 0
