"""The PDF writer, read back the way a reader or an archive would: text, Info, XMP, outline, links, fonts."""

from __future__ import annotations

import dataclasses
import io
import os
import re
import statistics
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from citekit import __version__
from citekit.derive import display_title, labels_for
from citekit.errors import OptionError
from citekit.model import (
    Author,
    BackItem,
    Block,
    Code,
    Document,
    Heading,
    Link,
    ListBlock,
    Metadata,
    Notice,
    Para,
    Quote,
    Rights,
    Str,
    plain_block,
)
from citekit.readers import read_path
from citekit.writers import parse_options, write_bytes
from citekit.writers.pdf import WRITER, PdfOptions
from citekit.writers.pdf.flow import footer_line
from conftest import CORPUS, ROOT, SEED, corpus_files, full_document, printed_leaves, require_tool


def render(document: Document, **options: str) -> tuple[bytes, tuple[Any, ...]]:
    return write_bytes(document, WRITER, PdfOptions(**options))


def pdf(document: Document, **options: str) -> PdfReader:
    return PdfReader(io.BytesIO(render(document, **options)[0]))


def squash(text: str) -> str:
    """Text without whitespace: line breaks and word spacing differ between layout and model."""
    return re.sub(r"\s+", "", text)


def body_text(reader: PdfReader, document: Document) -> str:
    """All pages' text, squashed, with each page's footer cut out (it sits between page bodies)."""
    total = len(reader.pages)
    pages = []
    page_label = labels_for(document.metadata.language).page
    for number, page in enumerate(reader.pages, start=1):
        text = squash(page.extract_text())
        for part in (squash(page_label.format(number=number, total=total)), squash(footer_line(document))):
            head, found, tail = text.rpartition(part)
            assert found, f"page {number} lacks footer part {part!r}"
            text = head + tail
        pages.append(text)
    return "".join(pages)


def leaf_texts(blocks: tuple[Block, ...]) -> list[str]:
    """The text of every paragraph and heading, nested ones included, in reading order."""
    texts: list[str] = []
    for block in blocks:
        match block:
            case Quote(blocks=inner):
                texts += leaf_texts(inner)
            case ListBlock(items=items):
                for item in items:
                    texts += leaf_texts(item)
            case _:
                texts.append(plain_block(block))
    return texts


def assert_in_order(blocks: list[str], text: str) -> None:
    position = 0
    for block in blocks:
        needle = squash(block)
        if not needle:
            continue
        found = text.find(needle, position)
        assert found >= 0, f"not found in order: {block[:80]!r}"
        position = found + len(needle)


FILLER = "the quick brown fox jumps over the lazy dog "


def long_document() -> Document:
    """The full document with its body repeated until it runs over several pages."""
    base = full_document()
    body = base.body + tuple(
        Para(content=(Str(text=f"Filler paragraph {n}: " + FILLER * 12),))
        for n in range(40)
    ) + (Heading(level=1, content=(Str(text="A late section"),)), Para(content=(Str(text="Closing words."),)))
    return dataclasses.replace(base, body=body)


def outline_titles(reader: PdfReader) -> list[tuple[str, int]]:
    """(title, page number) of every outline entry, depth first."""
    found: list[tuple[str, int]] = []

    def walk(items: list[Any]) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                found.append((item.title, reader.get_destination_page_number(item) + 1))

    walk(reader.outline)
    return found


def link_uris(reader: PdfReader) -> list[str]:
    uris = []
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action is not None and "/URI" in action:
                uris.append(str(action["/URI"]))
    return uris


# ------------------------------------------------------------------------------------------------
# Text


@pytest.mark.parametrize("which", ["full", "seed"])
def test_every_body_paragraph_is_in_the_text_in_order(which: str, seed_doc: Document) -> None:
    document = full_document() if which == "full" else seed_doc
    reader = pdf(document)
    text = body_text(reader, document)
    assert_in_order(printed_leaves(document.body), text)


def test_paragraphs_stay_in_order_across_page_breaks() -> None:
    document = long_document()
    reader = pdf(document)
    assert len(reader.pages) >= 3
    assert_in_order(printed_leaves(document.body), body_text(reader, document))


def test_measure_is_sixty_to_seventy_five_characters() -> None:
    document = long_document()
    reader = pdf(document)
    lines = [line.strip() for page in reader.pages for line in page.extract_text().splitlines()]
    filler = [line for line in lines if "fox" in line or "lazy" in line]
    # Paragraph-final lines are short by nature; full lines are those near the longest.
    full = [len(line) for line in filler if len(line) > 0.8 * max(len(x) for x in filler)]
    assert 60 <= statistics.median(full) <= 75, statistics.median(full)


def test_title_block_back_matter_and_rights_are_printed() -> None:
    document = full_document()
    text = squash("".join(page.extract_text() for page in pdf(document).pages))
    meta, rights = document.metadata, document.rights
    expected = [meta.site, meta.title, meta.subtitle, "Ana María García", "January 29, 2017", meta.url,
                "Ana María García writes about trade.", "Her book is out now.", "Source and rights",
                rights.statement, rights.source, rights.license, *(n.text for n in rights.notices)]
    assert_in_order([e for e in expected if e], text)


def test_spanish_article_keeps_its_accents() -> None:
    document = read_path(CORPUS / "bibliotecapleyades-008.txt")
    text = squash("".join(page.extract_text() for page in pdf(document).pages))
    accented = {w.strip(".,;:()«»\"'¿?¡!") for block in document.body for w in plain_block(block).split()
                if re.search(r"[áéíóúñÁÉÍÓÚÑü]", w)}
    accented.discard("")
    assert len(accented) > 20
    missing = sorted(w for w in accented if w not in text)
    assert not missing, missing[:10]


def test_unicode_prints_as_itself() -> None:
    text = "“Curly” ‘quotes’ – en — em © € café Ελληνικά Русский"
    reader = pdf(Document(metadata=Metadata(title="T"), body=(Para(content=(Str(text=text),)),)))
    assert squash(text) in squash(reader.pages[0].extract_text())


# ------------------------------------------------------------------------------------------------
# Document information, XMP, outline, links, fonts, paper


def test_seed_info_fields(seed_doc: Document) -> None:
    info = pdf(seed_doc).metadata
    assert info is not None
    assert info.title == "The Trump-Putin Phone Call: New US-Russia Partnership? Hold the Cheers!"
    assert info.author == "Stephen Lendman"
    assert info.creator == f"citekit {__version__}"
    assert info.creation_date == datetime(2017, 1, 29)
    assert "Global Research" in (info.subject or "")
    assert "Russia and FSU" in (info.get("/Keywords") or "")


def test_seed_xmp_has_rights_and_source(seed_doc: Document) -> None:
    xmp = pdf(seed_doc).xmp_metadata
    assert xmp is not None
    assert xmp.dc_rights == {"x-default": "Copyright © Stephen Lendman, Global Research, 2017"}
    assert xmp.dc_title == {"x-default": display_title(seed_doc).value}
    assert xmp.dc_creator == ["Stephen Lendman"]


def test_full_xmp_source_is_the_article_url() -> None:
    document = full_document()
    xmp = pdf(document).xmp_metadata
    assert xmp is not None
    assert xmp.dc_source == document.metadata.url
    assert xmp.dc_rights == {"x-default": document.rights.statement}
    assert xmp.dc_language == ["en"]


def test_title_is_never_empty_and_partial_dates_keep_their_precision() -> None:
    body = (Para(content=(Str(text="Words of the body here."),)),)
    untitled = Document(metadata=Metadata(date="2017"), body=body)
    data, diagnostics = render(untitled)
    reader = PdfReader(io.BytesIO(data))
    assert reader.metadata.title == display_title(untitled).value == "Words of the body here"
    assert reader.metadata["/CreationDate"] == "D:2017"
    assert any(d.field == "metadata.title" and d.supplied for d in diagnostics)
    month = pdf(dataclasses.replace(untitled, metadata=Metadata(date="2017-01")))
    assert month.metadata["/CreationDate"] == "D:201701"


def test_empty_document_still_makes_a_pdf() -> None:
    reader = pdf(Document())
    assert len(reader.pages) == 1
    assert reader.metadata.title == "Untitled"
    assert "/CreationDate" not in reader.metadata  # no date printed: none invented
    assert "Source and rights" in reader.pages[0].extract_text()


def test_footer_on_every_page() -> None:
    document = long_document()
    reader = pdf(document)
    total = len(reader.pages)
    for number, page in enumerate(reader.pages, start=1):
        text = squash(page.extract_text())
        assert squash(f"page {number} of {total}") in text
        assert squash(footer_line(document)) in text


def test_outline_entries_point_at_their_pages() -> None:
    document = long_document()
    reader = pdf(document)
    entries = outline_titles(reader)
    titles = [title for title, _ in entries]
    assert titles == [document.metadata.title, "A section", "A late section", "Footnotes", "About the authors",
                      "Notes", "Keywords", "Source and rights"]
    for title, page in entries:
        assert squash(title) in squash(reader.pages[page - 1].extract_text()), title
    assert entries[-1][1] > 1


def test_links_are_live_with_their_uris() -> None:
    uris = link_uris(pdf(full_document()))
    assert "https://example.org/x?a=1&b=2" in uris
    assert "https://example.org/2017/01/trade-tariffs" in uris
    assert "mailto:ana@example.org" in uris


def test_relative_links_resolve_against_the_article_url_or_stay_text() -> None:
    link = Para(content=(Link(content=(Str(text="elsewhere"),), url="/other/page"),))
    with_base = Document(metadata=Metadata(title="T", url="https://example.org/a/b"), body=(link,))
    assert "https://example.org/other/page" in link_uris(pdf(with_base))
    without = Document(metadata=Metadata(title="T"), body=(link,))
    data, diagnostics = render(without)
    assert link_uris(PdfReader(io.BytesIO(data))) == []
    assert "elsewhere" in PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert any("/other/page" in d.message for d in diagnostics)


def test_fonts_are_embedded() -> None:
    reader = pdf(full_document())
    names = set()
    for page in reader.pages:
        fonts = page["/Resources"]["/Font"]
        for ref in fonts.values():
            font = ref.get_object()
            names.add(str(font["/BaseFont"]))
            assert "/FontFile2" in font["/FontDescriptor"], font["/BaseFont"]
    assert any("DejaVuSerif" in n for n in names) and any("DejaVuSans" in n for n in names)


def test_paper_option() -> None:
    a4 = pdf(full_document()).pages[0].mediabox
    letter = pdf(full_document(), paper="letter").pages[0].mediabox
    assert (round(float(a4.width)), round(float(a4.height))) == (595, 842)
    assert (round(float(letter.width)), round(float(letter.height))) == (612, 792)
    with pytest.raises(OptionError):
        parse_options(PdfOptions, {"paper": "legal"})


def test_paper_flag_on_the_command_line(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from citekit.cli import main

    arguments = ["convert", str(SEED), "--to", "pdf", "--paper", "letter", "-o", str(tmp_path)]
    result = CliRunner().invoke(main, arguments)
    assert result.exit_code == 0, result.output
    (written,) = tmp_path.glob("*.pdf")
    assert round(float(PdfReader(written).pages[0].mediabox.width)) == 612


# ------------------------------------------------------------------------------------------------
# Determinism


def test_second_run_is_byte_identical() -> None:
    assert render(full_document())[0] == render(full_document())[0]


def test_other_process_and_source_date_epoch_give_the_same_bytes(tmp_path: Path) -> None:
    script = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "from conftest import full_document;"
        "from citekit.writers import write_bytes; from citekit.writers.pdf import WRITER;"
        "sys.stdout.buffer.write(write_bytes(full_document(), WRITER)[0])"
    )
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000", PYTHONHASHSEED="12345")
    other = subprocess.run([sys.executable, "-c", script, str(ROOT / "tests")], env=env, capture_output=True,
                           check=True).stdout
    data = render(full_document())[0]
    assert other == data
    assert PdfReader(io.BytesIO(other)).metadata.creation_date == datetime(2017, 1, 29)


def test_document_id_depends_on_the_content() -> None:
    first = PdfReader(io.BytesIO(render(full_document())[0])).trailer["/ID"]
    changed = dataclasses.replace(full_document(), body=(Para(content=(Str(text="Other words."),)),))
    second = PdfReader(io.BytesIO(render(changed)[0])).trailer["/ID"]
    assert first != second


# ------------------------------------------------------------------------------------------------
# Hostile and odd input


HOSTILE = ('<b>bold?</b> <font name="Courier" size="40">big</font> &amp; & &#65; '
           '<a href="javascript:alert(1)">click</a> <img src="x"/> <br/>')


def test_markup_in_the_text_prints_literally_and_never_links() -> None:
    document = Document(
        metadata=Metadata(title="<i>Title</i> & co", url="javascript:alert(1)",
                          site="<font name=x>Site</font>"),
        body=(Para(content=(Str(text=HOSTILE),)),
              Quote(blocks=(Para(content=(Code(text="<script>x</script>"),)),)),
              ListBlock(ordered=True, items=((Para(content=(Str(text="<para>item</para>"),)),),))),
        rights=Rights(statement="© <b>Someone</b>", source_url="javascript:void(0)"),
    )
    data, diagnostics = render(document)
    reader = PdfReader(io.BytesIO(data))
    text = squash("".join(page.extract_text() for page in reader.pages))
    for literal in (HOSTILE, "<script>x</script>", "<para>item</para>", "<i>Title</i> & co",
                    "<font name=x>Site</font>", "javascript:alert(1)", "© <b>Someone</b>"):
        assert squash(literal) in text, literal
    assert link_uris(reader) == []
    assert b"javascript" not in re.sub(rb"stream.*?endstream", b"", data, flags=re.S).lower().replace(
        b"javascript:alert(1)", b"")  # only as printed text (and XMP), never as an action
    assert reader.metadata.title == "<i>Title</i> & co"
    assert any(d.field == "metadata.url" for d in diagnostics)


def test_characters_without_glyphs_are_reported() -> None:
    document = Document(metadata=Metadata(title="T"), body=(Para(content=(Str(text="漢字 and 😀"),)),))
    _, diagnostics = render(document)
    assert any("U+6F22" in d.message for d in diagnostics)


def test_nested_structures_and_missing_parts() -> None:
    nested = ListBlock(ordered=False, items=(
        (Para(content=(Str(text="outer"),)), ListBlock(ordered=True, start=9, items=(
            (Para(content=(Str(text="inner nine"),)),), (Para(content=(Str(text="inner ten"),)),)))),
        (),
    ))
    document = Document(
        metadata=Metadata(authors=(Author(name="A. Writer", bio="Writes."), Author(name="B")),
                          date="not a date"),
        body=(Heading(level=3, content=(Str(text="Deep first heading"),)),
              Quote(blocks=(Quote(blocks=(nested,)),)),
              Para(content=()), Para(content=(Str(text="   "),))),
        back=(BackItem(kind="links", blocks=(Para(content=(Link(content=(), url="https://example.net/x"),)),)),),
    )
    data, diagnostics = render(document)
    reader = PdfReader(io.BytesIO(data))
    text = squash("".join(page.extract_text() for page in reader.pages))
    assert_in_order(["Deep first heading", "outer", "9.", "inner nine", "10.", "inner ten",
                     "About the authors", "Writes.", "Related links", "https://example.net/x"], text)
    assert "https://example.net/x" in link_uris(reader)
    assert "/CreationDate" not in reader.metadata
    assert any(d.field == "metadata.date" for d in diagnostics)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Zs", "Cc")),
               max_size=60))
def test_any_text_prints_without_error(text: str) -> None:
    document = Document(metadata=Metadata(title=text), body=(Para(content=(Str(text="x " + text),)),))
    reader = PdfReader(io.BytesIO(render(document)[0]))
    assert reader.metadata.title
    printable = "".join(ch for ch in text if ch.isprintable() and not ch.isspace() and ch < "\U00010000")
    assert all(ch in squash(reader.pages[0].extract_text()) for ch in printable if ch.isascii())


# ------------------------------------------------------------------------------------------------
# The corpus, and a rendering check with poppler


@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.name)
def test_corpus_converts(path: Path) -> None:
    """Every paragraph is in the PDF's text, in order. A character the embedded fonts have no glyph
    for (Arabic letters in a quoted tweet) is reported by a diagnostic, and reads back as NUL."""
    from citekit.writers.pdf.style import covered

    document = read_path(path)
    data, diagnostics = render(document)
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 1
    assert reader.metadata.title
    blocks = leaf_texts(document.body)
    missing = {ch for block in blocks for ch in block if ch.isprintable() and not ch.isspace() and not covered(ch)}
    if missing:
        assert any("no glyph" in d.message for d in diagnostics), diagnostics
        blocks = [block.translate({ord(ch): "\x00" for ch in missing}) for block in blocks]
    assert_in_order(blocks, body_text(reader, document))


def test_poppler_renders_the_seed_without_complaint(tmp_path: Path, seed_doc: Document) -> None:
    require_tool("pdftoppm")
    source = tmp_path / "seed.pdf"
    source.write_bytes(render(seed_doc)[0])
    result = subprocess.run(["pdftoppm", "-png", "-r", "30", str(source), str(tmp_path / "page")],
                            capture_output=True, text=True, check=True)
    assert result.stderr == ""
    assert len(list(tmp_path.glob("page*.png"))) == len(PdfReader(source).pages)


def test_malformed_source_date_epoch_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from citekit.errors import WriterError

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(WriterError, match="SOURCE_DATE_EPOCH"):
        render(full_document())


def test_back_matter_prints_each_bio_and_notice_label_once() -> None:
    from citekit.model import Notice

    bio = "Ann lives here. Mail ann@example.org."
    document = Document(
        metadata=Metadata(title="T", authors=(Author(name="Ann Lee", bio="Ann lives here (metadata copy).",
                                                     email="ann@example.org"),)),
        back=(BackItem(kind="bio", blocks=(Para(content=(Str(text=bio),)),)),),
        rights=Rights(notices=(Notice(kind="disclaimer", text="Disclaimer: views are Ann's own."),)),
    )
    text = squash("".join(page.extract_text() for page in pdf(document).pages))
    assert text.count(squash("Ann lives here")) == 1
    assert text.count("ann@example.org") == 1  # the bio prints the address: no extra contact line
    assert squash("Disclaimer: views are Ann's own.") in text
    assert "Disclaimer.Disclaimer" not in text


# ------------------------------------------------------------------------------------------------
# Fonts, run-in labels and notice links


def font_names(reader: PdfReader) -> list[str]:
    """/BaseFont of every font object the pages use, each object once."""
    seen: dict[int, str] = {}
    for page in reader.pages:
        fonts = page["/Resources"].get_object().get("/Font", {})
        for reference in fonts.get_object().values():
            font = reference.get_object()
            seen.setdefault(reference.idnum, str(font["/BaseFont"]).lstrip("/"))
    return list(seen.values())


def test_every_embedded_subset_has_its_own_tag() -> None:
    """PDF 32000-1 §9.6.4: different subsets in one file get different tags (reportlab gave four
    fonts the same AAAAAA+)."""
    names = font_names(pdf(long_document()))
    tags = [name.split("+", 1)[0] for name in names]
    assert len(names) >= 4
    assert all(re.fullmatch(r"[A-Z]{6}", tag) for tag in tags), names
    assert len(set(tags)) == len(tags), names
    # The same input gives the same tags (the counter runs per document, in writing order).
    assert font_names(pdf(long_document())) == names


def bold_runs(reader: PdfReader) -> list[str]:
    """The text drawn in a bold face, run by run."""
    runs: list[str] = []

    def visit(text: str, cm: Any, tm: Any, font: Any, size: Any) -> None:
        if font is not None and "Bold" in str(font.get("/BaseFont", "")) and text.strip():
            runs.append(text.strip())

    for page in reader.pages:
        page.extract_text(visitor_text=visit)
    return runs


def test_colophon_labels_are_set_alike_and_notice_addresses_are_links() -> None:
    document = full_document()
    document = dataclasses.replace(document, rights=dataclasses.replace(
        document.rights, license_url="https://creativecommons.org/licenses/by/4.0/",
        notices=(*document.rights.notices, Notice(kind="disclaimer", text="Disclaimer: views are the author's."))))
    reader = pdf(document)
    bold = " ".join(bold_runs(reader))
    # A printed "Disclaimer:" is set like the labels citekit adds ("Licence:", "Fair use:").
    for label in ("Licence:", "Disclaimer:", "Fair use:", "Contact:"):
        assert label in bold, (label, bold)
    assert "Disclaimer.Disclaimer" not in squash("".join(page.extract_text() for page in reader.pages))
    uris = link_uris(reader)
    # The contact notice's address is a link, as the bio's is.
    assert "mailto:press@example.org" in uris and "mailto:ana@example.org" in uris


def test_labels_dates_and_footer_follow_the_language() -> None:
    document = dataclasses.replace(full_document(), metadata=dataclasses.replace(
        full_document().metadata, language="de", accessed="2020-03-01"))
    text = " ".join(" ".join(page.extract_text() for page in pdf(document).pages).split())
    for expected in ("Von Ana María García und Washington's Blog", "29. Januar 2017", "Quelle und Rechte",
                     "Abgerufen am 1. März 2020.", "Über die Autoren", "Seite 1 von"):
        assert expected in text, expected
    for english in ("By Ana", "Source and rights", "page 1 of"):
        assert english not in text
