"""Markdown written by citekit reads back through citekit's Markdown reader to the same document:
metadata, body, back matter and rights (provenance and the removed record describe how a document
was made from its input, and are not the document)."""

from __future__ import annotations

import re
from dataclasses import fields, is_dataclass, replace
from pathlib import Path
from typing import Any

import pytest
import yaml

from citekit import front_matter
from citekit.model import (
    Author,
    BackItem,
    Block,
    Code,
    CodeBlock,
    Document,
    Emph,
    Figure,
    Image,
    KeywordGroup,
    Link,
    Metadata,
    Note,
    Notice,
    Para,
    Rights,
    Str,
    Table,
    TableCell,
    TableRow,
)
from citekit.readers import get_reader
from citekit.writers import get_writer, write_bytes
from conftest import cell, corpus_files, full_document, structure_blocks, tiny_png


def round_trip(document: Document, **options: str) -> tuple[Document, bytes]:
    writer = get_writer("markdown")
    data, _ = write_bytes(document, writer, writer.options_type(**options))
    return get_reader("markdown").read(data, "article.md"), data


def _same(document: Document, again: Document) -> None:
    for field in ("metadata", "rights", "back", "body"):
        assert getattr(again, field) == getattr(document, field), field


def markdown_structures() -> tuple[Block, ...]:
    """Figures, tables, code, notes, super- and subscript as Markdown carries them: a figure's one
    text is its caption (no separate description or credit), a figure's image is its address or, with
    no address, its bytes as a ``data:`` URI; a pipe table has one header row or none, one paragraph
    per cell, column alignments and a caption, no spans, footer or row headers."""
    return (
        structure_blocks()[0],  # sub- and superscript, strikeout, two notes (one of two paragraphs)
        CodeBlock(text="def tariff(x):\n    return x < 5 && \"<b>\"  # kept literally", language="python"),
        CodeBlock(text="  plain preformatted text\n\n  with a blank line"),
        Figure(image=Image(src="images/chart.png"),
               caption=(Para(content=(Str(text="Tariffs rose "), Emph(content=(Str(text="sharply"),)),
                                      Str(text=" after 2016."))),)),
        Figure(image=Image(media_type="image/png", data=tiny_png()), caption=(Para(content=(Str(text="Inline"),)),)),
        Table(caption=(Para(content=(Str(text="Tariffs by country"),)),), alignments=("left", "right", "center"),
              head=(TableRow(cells=(cell("Country"), cell("2016"), cell("2017"))),),
              body=(TableRow(cells=(cell("USA"), cell("2.5 %"), cell(Code(text="n/a")))),
                    TableRow(cells=(cell("EU", Note(blocks=(Para(content=(Str(text="In a cell."),)),))),
                                    TableCell(blocks=()), cell("1.2 %"))))),
        Table(alignments=("default", "default"), body=(TableRow(cells=(cell("no"), cell("header"))),)),
    )


@pytest.mark.parametrize("wrap", ["auto", "none"])
def test_full_document_reads_back_the_same(wrap: str) -> None:
    document = full_document()
    structures = structure_blocks()
    body = tuple(b for b in document.body if b not in structures)
    document = replace(document, body=body[:-1] + markdown_structures() + body[-1:])
    again, _ = round_trip(document, wrap=wrap)
    _same(document, again)
    assert again.provenance.source_name == "article.md"
    assert any(f.field == "rights.statement" and f.rule == "front-matter:copyright" for f in again.provenance.fields)


def _spaces_collapsed(node: Any) -> Any:
    """``node`` with every run of spaces inside a ``Str`` as one space: Markdown, like HTML, reads a
    run of spaces in a paragraph as one (the normaliser leaves some double spaces between sentences)."""
    if isinstance(node, Str):
        return Str(text=_SPACES.sub(" ", node.text))
    if isinstance(node, tuple):
        return tuple(_spaces_collapsed(n) for n in node)
    if is_dataclass(node) and not isinstance(node, type):
        values = {f.name: getattr(node, f.name) for f in fields(node)}
        return replace(node, **{name: _spaces_collapsed(value) for name, value in values.items()
                                if isinstance(value, tuple) or is_dataclass(value)})
    return node


_SPACES = re.compile(r"  +")


@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.stem)
def test_corpus_reads_back_the_same(path: Path) -> None:
    from citekit.readers import read_path

    document = read_path(path)
    again, _ = round_trip(document)
    for field in ("body", "back"):
        assert getattr(again, field) == _spaces_collapsed(getattr(document, field)), field
    _same(replace(document, body=again.body, back=again.back), again)


def test_every_field_is_in_the_front_matter() -> None:
    document = Document(
        metadata=Metadata(title="T: a *title*", subtitle="S", site="Site", publisher="Pub", date="2017-01",
                          url="https://example.org/a", accessed="2024-02-03", language="pt-BR",
                          keywords=("k1", "k2"), keyword_groups=(KeywordGroup(label="Region", terms=("k1",)),),
                          article_type="news", journal_id="J", issn="1234-5679",
                          authors=(Author(name="Ana Souza", given="Ana", family="Souza", email="a@b.example",
                                          bio="Ana writes."), Author(name="The Desk", literal="The Desk"))),
        body=(Para(content=(Str(text="Body "), Link(content=(Str(text="link"),), url="/relative"))),),
        back=(BackItem(kind="links", blocks=(Para(content=(Str(text="More"),)),)),),
        rights=Rights(statement="© 2017 Ana", holders=("Ana",), year=2017, license="CC BY 4.0",
                      license_url="https://creativecommons.org/licenses/by/4.0/", source="Source: Site",
                      source_url="https://example.org/orig", notices=(Notice(kind="fair-use", text="Fair."),)))
    again, data = round_trip(document)
    _same(document, again)
    front = yaml.safe_load(data.decode("utf-8").split("---\n")[1])
    assert front["author"] == ["Ana Souza", "The Desk"]  # plain names: what pandoc, Jekyll and Hugo read
    assert front["date"] == "2017-01"
    assert front["copyright"] == {"statement": "© 2017 Ana", "holders": ["Ana"], "year": 2017}
    assert front["license"] == {"text": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"}
    assert front["generator"] == "citekit"
    assert set(front) <= set(front_matter.FIELDS) | {"generator"}


def test_pandoc_reads_the_title_block_and_sections() -> None:
    import json

    from citekit.pandoc import pandoc_json

    _, data = round_trip(full_document())
    ast = pandoc_json(["--from=markdown"], data)
    assert "".join(n.get("c", " ") for n in ast["meta"]["title"]["c"] if n["t"] in {"Str", "Space"}) \
        .startswith("Trade")
    assert [a["c"][0]["c"][:10] for a in ast["meta"]["author"]["c"]] == ["Ana", "Washington"]
    divs = [b["c"][0][1] for b in ast["blocks"] if b["t"] == "Div"]
    assert divs == [["bio"], ["note"], ["keywords"], ["colophon"]]
    assert '"Source"' in json.dumps(ast, ensure_ascii=False)


HOSTILE_TEXT = "T <img src=x onerror=alert(1)> [x](javascript:alert(2)) a\\b *c* 5 & $5 @cite ^s^ ~t~ | # {x}"


def test_front_matter_text_is_text_to_pandoc_and_reads_back_the_same() -> None:
    """pandoc reads metadata strings as Markdown: a title holding a tag or a link must stay text."""
    from citekit.pandoc import run_pandoc

    document = Document(
        metadata=Metadata(title=HOSTILE_TEXT, subtitle=HOSTILE_TEXT, site=HOSTILE_TEXT, date="2020-01-02",
                          url="https://example.org/a_b?c=1&d=2",
                          authors=(Author(name="<img src=y onerror=alert(3)>", email="a_b@example.org"),)),
        body=(Para(content=(Str(text="Body."),)),),
        rights=Rights(statement=HOSTILE_TEXT, holders=("<b>Holder</b>",), source=HOSTILE_TEXT))
    again, data = round_trip(document)
    _same(document, again)
    import lxml.html

    page = lxml.html.document_fromstring(run_pandoc(["--from=markdown", "--to=html", "--standalone"], data))
    assert page.xpath("//img | //b | //*[@onerror] | //a[starts-with(@href, 'javascript')]") == []
    assert "<img src=x onerror=alert(1)>" in page.findtext(".//h1")
    front = yaml.safe_load(data.decode("utf-8").split("---\n")[1])
    assert front["url"] == "https://example.org/a_b?c=1&d=2"  # addresses are written as they are
    assert front["author-details"][0]["email"] == "a_b@example.org"


def test_hand_written_front_matter_still_goes_through_the_text_rules() -> None:
    # Without generator: citekit, the front matter is what a person wrote: the usual reading applies.
    again = get_reader("markdown").read(b"---\ntitle: T\nauthor: Ana Souza\n---\n\nBody.\n", "a.md")
    assert again.metadata.authors[0].family == "Souza"
    bad = b"---\ngenerator: citekit\nnotices:\n- kind: rumour\n  text: x\n---\n\nBody.\n"
    from citekit.errors import InputError

    with pytest.raises(InputError, match=r"notices\[0\]\.kind"):
        get_reader("markdown").read(bad, "a.md")


def test_fenced_divs_of_other_tools_keep_their_blocks() -> None:
    again = get_reader("markdown").read(b"# Title\n\n::: note\nInside a div.\n:::\n\nAfter.\n", "a.md")
    assert next(b for b in again.body if isinstance(b, Para)) == Para(content=(Str(text="Inside a div."),))


def test_what_markdown_cannot_carry_is_reported() -> None:
    from citekit.writers import get_writer, write_bytes

    writer = get_writer("markdown")
    _, diagnostics = write_bytes(full_document(), writer, writer.options_type())
    said = {d.field: d.message for d in diagnostics}
    figure, table = (f"body[{n}]" for n, b in enumerate(full_document().body) if isinstance(b, Figure | Table)
                     and b in structure_blocks()[2:3] + structure_blocks()[4:5])
    assert "text alternative is not written" in said[f"{figure}.image.alt"]
    assert "bytes are not written" in said[f"{figure}.image"]
    for lost in ("spanning", "footer rows", "row headers", "cell alignments"):
        assert lost in said[table]


def test_changed_field_reads_back_changed() -> None:
    document = full_document()
    changed = replace(document, metadata=replace(document.metadata, title="Another title"))
    again, _ = round_trip(changed)
    assert again.metadata.title == "Another title"
