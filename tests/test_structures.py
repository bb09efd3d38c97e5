"""Figures, tables, code blocks, notes and super/subscript from every reader, through the writers,
and the bounds that keep hostile ones cheap (issue 13, "the model grows what real articles contain")."""

from __future__ import annotations

import base64
import io
import subprocess
import zipfile
from pathlib import Path

import pytest

from citekit.model import (
    MAX_IMAGE_BYTES,
    Block,
    CodeBlock,
    Document,
    Figure,
    Image,
    Metadata,
    Note,
    Para,
    Str,
    Strikeout,
    Subscript,
    Superscript,
    Table,
    TableCell,
    TableRow,
    block_notes,
)
from citekit.readers import read_bytes
from citekit.readers._images import MAX_DOCUMENT_IMAGE_BYTES, ImageBudget, ZipMedia, make_image
from citekit.writers import get_writer, write_bytes
from citekit.writers._tables import MAX_GRID_SLOTS, table_grid
from conftest import printed_leaves, tiny_png

MARKDOWN = """---
title: Structures
---

Water is H~2~O? No: CommonMark has no subscript, but it has ~~strikeout~~ and notes.[^a]

[^a]: The note, with a [link](https://example.org/n).

![A red chart](chart.png "Chart")

```python
print("<b>") # kept
```

| Country | Rate |
|:--------|-----:|
| USA     | 2.5  |
"""


def _of(blocks: tuple[Block, ...], kind: type) -> list[object]:
    return [b for b in blocks if isinstance(b, kind)]


def _inlines_of(blocks: tuple[Block, ...]) -> list[object]:
    return [n for b in blocks if isinstance(b, Para) for n in b.content]


def test_markdown_reads_every_node() -> None:
    document = read_bytes(MARKDOWN.encode(), name="s.md")
    body = document.body
    notes = [n for n in _inlines_of(body) if isinstance(n, Note)]
    assert len(notes) == 1 and "The note, with a link." in printed_leaves(notes[0].blocks)  # type: ignore[attr-defined]
    assert any(isinstance(n, Strikeout) for n in _inlines_of(body))
    (figure,) = _of(body, Figure)
    assert figure.image == Image(src="chart.png", title="Chart")  # type: ignore[attr-defined]
    assert printed_leaves(figure.caption) == ["A red chart"]  # type: ignore[attr-defined]
    (code,) = _of(body, CodeBlock)
    assert code == CodeBlock(text='print("<b>") # kept', language="python")
    (table,) = _of(body, Table)
    assert table.alignments == ("left", "right")  # type: ignore[attr-defined]
    assert printed_leaves((table,)) == ["Country", "Rate", "USA", "2.5"]  # type: ignore[arg-type]


def _pandoc() -> str:
    from citekit.pandoc import bundled_pandoc

    return str(bundled_pandoc())


def _pandoc_markdown() -> str:
    png = base64.b64encode(tiny_png(8, 6)).decode("ascii")
    return (f"Water is H~2~O, the 1^st^ claim[^1] was ~~wrong~~.\n\n[^1]: The note.\n\n"
            f"![A chart of rates](data:image/png;base64,{png})\n\n"
            "| Country | Rate |\n|:--|--:|\n| USA | 2.5 |\n\n``` python\nx = 1\n```\n")


@pytest.mark.parametrize("target", ["docx", "odt", "epub"])
def test_office_formats_carry_their_images_notes_tables_and_marks(target: str, tmp_path: Path) -> None:
    source = tmp_path / "in.md"
    source.write_text(_pandoc_markdown(), encoding="utf-8")
    made = tmp_path / f"in.{target}"
    subprocess.run([_pandoc(), "--sandbox", "-f", "markdown", "-t", target, "-o", str(made), str(source)],
                   check=True, capture_output=True)
    body = read_bytes(made.read_bytes(), name=made.name).body
    inlines = _inlines_of(body)
    assert {type(n) for n in inlines} >= {Subscript, Superscript, Strikeout, Note}
    (figure,) = _of(body, Figure)
    assert figure.image.data == tiny_png(8, 6) and figure.image.media_type == "image/png"  # type: ignore[attr-defined]
    (table,) = _of(body, Table)
    assert printed_leaves((table,)) == ["Country", "Rate", "USA", "2.5"]  # type: ignore[arg-type]
    # pandoc's ODT reader gives code back as a paragraph in a monospaced style: text, not a code block.
    code = [c.text for c in _of(body, CodeBlock)]  # type: ignore[attr-defined]
    assert code == ([] if target == "odt" else ["x = 1"]) and "x = 1" in printed_leaves(body)


PAGE = b"""<!doctype html><html lang="en"><head><title>Structures | Site</title></head><body><article>
<h1>Structures</h1>
<p>Water is H<sub>2</sub>O and the 1<sup>st</sup> claim was <del>wrong</del>, as long paragraphs of an
article say, with enough words for the extractor to keep them as the main content of the page.</p>
<p>A second paragraph cites a study<sup id="fnref1"><a href="#fn1" class="footnote-ref">1</a></sup> and
goes on long enough to be read as part of the article body by any reasonable extractor.</p>
<figure><img src="https://example.org/chart.png" alt="Bar chart"><figcaption>Rates by country.</figcaption></figure>
<pre><code class="language-python">print(1)
print(2)</code></pre>
<table><caption>Rates</caption><tr><th>Country</th><th>Rate</th></tr><tr><td>USA</td><td>2.5</td></tr></table>
<p>A closing paragraph with plenty of words so that the extractor keeps it as part of this article.</p>
<section class="footnotes"><ol><li id="fn1"><p>The study, 2017.<a href="#fnref1">\xe2\x86\xa9</a></p></li></ol>
</section>
</article></body></html>"""


def test_a_saved_page_keeps_figures_tables_code_notes_and_marks() -> None:
    from citekit.readers.html import HtmlOptions, read_page

    assert not _of(read_bytes(PAGE, name="page.html").body, Figure)  # figures are asked for
    body = read_page(PAGE, "page.html", HtmlOptions(figures=True)).body
    inlines = _inlines_of(body)
    assert {type(n) for n in inlines} >= {Subscript, Superscript, Strikeout, Note}
    (note,) = [n for n in inlines if isinstance(n, Note)]
    assert printed_leaves(note.blocks) == ["The study, 2017."]
    assert "The study" not in " ".join(printed_leaves(body))  # the page's list of notes left the body
    (figure,) = _of(body, Figure)
    assert figure.image.alt == "Bar chart" and printed_leaves(figure.caption) == ["Rates by country."]  # type: ignore[attr-defined]
    (code,) = _of(body, CodeBlock)
    assert code == CodeBlock(text="print(1)\nprint(2)", language="python")
    (table,) = _of(body, Table)
    assert printed_leaves(table.caption) == ["Rates"]  # type: ignore[attr-defined]
    assert printed_leaves((table,)) == ["Rates", "Country", "Rate", "USA", "2.5"]  # type: ignore[arg-type]
    assert len(table.head) == 1  # type: ignore[attr-defined]


ODD_FIGURES = b"""<!doctype html><html lang="en"><head><title>Figures | Site</title></head><body><article>
<h1>Figures</h1>
<p>An opening paragraph with enough words for the extractor to keep it as the main content of the page, surely.</p>
<ul><li>An item with a figure <figure><img src="a.png" alt="A"><figcaption>In a list item.</figcaption>
</figure> after it.</li></ul>
<table><tr><td><figure><img src="b.png"><figcaption>Inside a cell.</figcaption></figure></td><td>x</td></tr></table>
<p>Text <figure><img src="c.png" alt="no caption"></figure> around a figure inside a paragraph, with more
words to keep.</p>
<figure><img src="javascript:alert(1)" alt="bad"><figcaption>Unsafe address.</figcaption></figure>
<p>A closing paragraph with plenty of words so that the extractor keeps it as part of this article.</p>
</article></body></html>"""


def test_figures_in_odd_places_lose_no_text_and_leak_no_marker() -> None:
    from citekit.readers.html import HtmlOptions, read_page
    from citekit.serialise import dumps

    plain = read_page(ODD_FIGURES, "f.html")
    figures = read_page(ODD_FIGURES, "f.html", HtmlOptions(figures=True))
    assert "citekitfigure" not in dumps(figures)
    # The paragraph a figure interrupts keeps its words; an unsafe image leaves its caption as text.
    leaves = printed_leaves(figures.body)
    assert "Text around a figure inside a paragraph, with more words to keep." in leaves
    assert "Unsafe address." in leaves and "Inside a cell." in leaves
    assert set(printed_leaves(plain.body)) - {""} <= set(leaves)


def test_a_figure_credit_is_not_the_articles_copyright_and_notes_never_vanish() -> None:
    credit = Figure(image=Image(src="https://example.org/p.jpg"),
                    caption=(Para(content=(Str(text="Copyright 2016 Reuters. All rights reserved."),)),))
    from citekit.readers._assemble import Stated, build

    text = tuple(Para(content=(Str(text=f"Paragraph {n} of the article, long enough to read as prose here."),))
                 for n in range(4))
    rights = Para(content=(Str(text="Copyright © 2017 Jane Doe. All rights reserved."),
                           Note(blocks=(Para(content=(Str(text="A note on the rights line."),)),))))
    document = build(Stated(title="T"), (*text[:2], credit, *text[2:], rights), b"x", "t.html")
    assert credit in document.body and rights not in document.body
    assert document.rights.statement and "Reuters" not in document.rights.statement
    assert [printed_leaves(item.blocks) for item in document.back] == [["A note on the rights line."]]


# --------------------------------------------------------------------------------------------
# Hostile structures: bounded


def test_images_keep_bytes_only_within_the_bounds() -> None:
    png = tiny_png()
    assert make_image("a.png", "x", data=png).data == png  # type: ignore[union-attr]
    # Not an embeddable image (SVG), or a declared decompression bomb: the address alone.
    assert make_image("a.svg", None, data=b"<svg/>") == Image(src="a.svg")
    bomb = png[:16] + (100_000).to_bytes(4, "big") * 2 + png[24:]
    assert make_image("b.png", None, data=bomb) == Image(src="b.png")
    assert make_image("javascript:alert(1)", "x", data=b"<svg/>") is None  # nothing safe to keep
    assert make_image("data:image/png;base64,AAAA", "x") is None
    budget = ImageBudget(used=MAX_DOCUMENT_IMAGE_BYTES - 10)
    assert make_image("c.png", None, data=png, budget=budget) == Image(src="c.png")  # over the document's budget


def test_zip_media_matches_targets_and_refuses_oversized_entries() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/media/image1.png", tiny_png())
        archive.writestr("word/media/huge.png", tiny_png() + b"\0" * (MAX_IMAGE_BYTES + 1))
        archive.writestr("a/same.png", b"1")
        archive.writestr("b/same.png", b"2")
    media = ZipMedia(buffer.getvalue())
    budget = ImageBudget()
    assert media.read("media/image1.png", budget) == tiny_png()
    assert media.read("media/huge.png", budget) is None
    assert media.read("same.png", budget) is None  # two entries end so: ambiguous, not guessed
    assert media.read("../../etc/passwd", budget) is None


def _big_table(rows: int, columns: int) -> Table:
    return Table(head=(TableRow(cells=tuple(TableCell(blocks=(Para(content=(Str(text=f"h{c}"),)),))
                                            for c in range(columns))),),
                 body=tuple(TableRow(cells=tuple(TableCell(blocks=(Para(content=(Str(text=f"r{r}c{c}"),)),))
                                                 for c in range(columns))) for r in range(rows)))


def test_a_long_table_is_set_in_runs_with_every_cell_in_the_pdf() -> None:
    from pypdf import PdfReader

    table = _big_table(400, 3)
    data, _ = write_bytes(Document(metadata=Metadata(title="Long"), body=(table,)), get_writer("pdf"))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert all(f"r{r}c2" in text for r in range(400))
    assert text.count("h0") >= 5  # the header row repeats on every page


def test_a_table_too_wide_for_the_page_is_set_as_text_and_said_so() -> None:
    from pypdf import PdfReader

    table = _big_table(2, 40)
    data, diagnostics = write_bytes(Document(metadata=Metadata(title="Wide"), body=(table,)), get_writer("pdf"))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert "r1c39" in text and any("40 columns" in d.message for d in diagnostics)


def test_a_table_too_large_for_a_grid_is_written_as_it_stands() -> None:
    giant = Table(body=(TableRow(cells=(TableCell(blocks=(), colspan=1000, rowspan=65534),)),
                        *(TableRow(cells=(TableCell(blocks=(Para(content=(Str(text=f"{n}"),)),)),))
                          for n in range(1100))))
    assert table_grid(giant) is None and MAX_GRID_SLOTS < 1000 * 1101
    for writer in ("jats", "epub", "pdf"):
        _, diagnostics = write_bytes(Document(metadata=Metadata(title="Giant"), body=(giant,)), get_writer(writer))
        assert any("too large" in d.message for d in diagnostics), writer


def test_grid_clips_spans_and_pads_short_rows() -> None:
    table = Table(head=(TableRow(cells=(TableCell(blocks=(), colspan=5),)),),
                  body=(TableRow(cells=(TableCell(blocks=(), rowspan=9), TableCell(blocks=()))),
                        TableRow(cells=(TableCell(blocks=()),))))
    grid = table_grid(table)
    assert grid is not None and grid.columns == 5
    assert [(c.row, c.column, c.colspan, c.rowspan, c.header) for row in grid.rows for c in row.cells] == [
        (0, 0, 5, 1, "col"), (1, 0, 1, 2, None), (1, 1, 1, 1, None), (2, 1, 1, 1, None)]
    assert [row.padding for row in grid.rows] == [0, 3, 3]  # the rowspan stops at the body's end


def test_notes_inside_notes_are_numbered_after_the_others_in_every_writer() -> None:
    inner = Note(blocks=(Para(content=(Str(text="inner note"),)),))
    body = (Para(content=(Str(text="a"), Note(blocks=(Para(content=(Str(text="outer note"), inner)),)),
                          Str(text="b"), Note(blocks=(Para(content=(Str(text="second note"),)),)))),)
    assert len(block_notes(body[0])) == 2
    document = Document(metadata=Metadata(title="Notes"), body=body)
    jats, _ = write_bytes(document, get_writer("jats"))
    assert jats.index(b"outer note") < jats.index(b"second note") < jats.index(b"inner note")
    assert b'<fn id="fn-3">' in jats


@pytest.mark.parametrize("writer", ["csl-json", "bibtex", "biblatex", "ris"])
def test_bibliographic_formats_ignore_the_structures(writer: str) -> None:
    from dataclasses import replace

    from conftest import full_document, structure_blocks

    full = full_document()
    plain = replace(full, body=tuple(b for b in full.body if b not in structure_blocks()))
    assert write_bytes(full, get_writer(writer)) == write_bytes(plain, get_writer(writer))


def _deep_notes(levels: int) -> Para:
    node = Para(content=(Str(text="deepest words"),))
    for level in range(levels):
        node = Para(content=(Str(text=f"level {level}"), Note(blocks=(node,))))
    return node


def _deep_tables(levels: int) -> Block:
    node: Block = Para(content=(Str(text="deepest cell"),))
    for level in range(levels):
        node = Table(caption=(Para(content=(Str(text=f"table {level}"),)),),
                     body=(TableRow(cells=(TableCell(blocks=(node,)),)),))
    return node


@pytest.mark.parametrize("deep", [_deep_notes(300), _deep_tables(300)], ids=["notes", "tables"])
def test_structures_nested_past_the_limit_are_flattened_with_every_word(deep: Block) -> None:
    from citekit.nesting import flatten, too_deep

    document = Document(metadata=Metadata(title="Deep"), body=(deep,))
    assert too_deep(document.body)
    flat, where = flatten(document)
    assert where is not None and where.fields == ("body[0]",) and not too_deep(flat.body)
    for writer in ("jats", "epub", "pdf", "citekit-json"):
        _, diagnostics = write_bytes(document, get_writer(writer))
        assert any("flattened" in d.message for d in diagnostics), writer
    from citekit.serialise import dumps

    text = dumps(flat)
    assert "deepest" in text and ("level 299" in text or "table 299" in text)


def test_document_json_refuses_notes_nested_past_the_limit() -> None:
    import json

    from citekit.errors import InputError
    from citekit.serialise import from_dict

    node: dict[str, object] = {"type": "paragraph", "inlines": [{"type": "str", "text": "x"}]}
    for _ in range(40):
        node = {"type": "paragraph", "inlines": [{"type": "note", "blocks": [node]}]}
    with pytest.raises(InputError, match="notes nested deeper than 32"):
        from_dict(json.loads(json.dumps({"schema": "citekit-document/1", "body": [node]})))


def test_a_data_uri_image_carries_its_bytes_within_the_bounds() -> None:
    png = base64.b64encode(tiny_png()).decode("ascii")
    (figure,) = _of(read_bytes(f"Text.\n\n![A red square](data:image/png;base64,{png})\n".encode(), name="d.md").body,
                    Figure)
    assert figure.image.data == tiny_png() and figure.image.src is None  # type: ignore[attr-defined]
    from citekit.readers._images import data_uri_bytes

    assert data_uri_bytes("data:image/png;base64," + "A" * (MAX_IMAGE_BYTES * 4 // 3 + 8)) is None  # too large
    assert data_uri_bytes("data:image/png;base64,@@@") is None and data_uri_bytes("https://x.org/a.png") is None
