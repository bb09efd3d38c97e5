"""One fact, one answer: every output of one document says the same title, authors, date, site,
URL, copyright statement, holders, year, licence and source.

Each format is read back on its own terms (the JATS elements, the EPUB package and colophon, the
PDF's document information, XMP and text, the CSL item, the .bib fields, the RIS tags). Where a
format keeps a fact in a field of its own, the values must be equal across formats; where it keeps
it inside a text (a .bib ``copyright``, RIS ``CR``, the PDF's printed colophon), the one answer
must be in that text. A new writer adds a reader here.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections import defaultdict
from dataclasses import replace
from pathlib import Path
from typing import Any

import bibtexparser
import pytest
import rispy
from lxml import etree
from pypdf import PdfReader

from citekit.derive import parse_date, reader_date
from citekit.model import Author, Document, Metadata, Para, Rights, Str
from citekit.readers import read_path
from citekit.writers import available_writers, get_writer, write_bytes
from conftest import SEED, corpus_files, full_document
from test_bibtex import decode, split_names

Facts = dict[str, Any]
"""fact name → value (a string, a tuple of strings, or an int) as one format records it."""

XLINK = "{http://www.w3.org/1999/xlink}"
DC = "{http://purl.org/dc/elements/1.1/}"
OPF = "{http://www.idpf.org/2007/opf}"
XHTML = "{http://www.w3.org/1999/xhtml}"
_PARSER = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


_LATEX_MARKS = (("\\textquotesingle", "\0"), ("\\textless", "<"), ("\\textgreater", ">"), ("\\ldots", "…"),
                ("---", "—"), ("--", "–"), ("``", "“"), ("''", "”"), ("`", "‘"), ("'", "’"), ("\0", "'"))
_LATEX_COMMANDS = re.compile(r"\\href\{[^}]*\}|\\(?:url|emph|textbf|textit|texttt|ul|st|mbox)(?=\{)")
_LATEX_GROUPS = re.compile(r"(?<!\\)[{}]")
_LATEX_ESCAPES = re.compile(r"\\([&%$#_{}])")


def unescape(fmt: str, text: str) -> str:
    """Printed text as a reader sees it: LaTeX's escapes, commands around text and typographic
    ligatures undone (pandoc writes ’ as ' and an ASCII apostrophe as \\textquotesingle); the other
    formats print as is."""
    if fmt != "latex":
        return text
    for mark, character in _LATEX_MARKS:
        text = text.replace(mark, character)
    text = _LATEX_GROUPS.sub("", _LATEX_COMMANDS.sub("", text))
    return _LATEX_ESCAPES.sub(r"\1", text)


def one(values: list[str]) -> str | None:
    assert len(values) <= 1, values
    return values[0] if values else None


def full_title(title: str | None, subtitle: str | None) -> str | None:
    from citekit.writers.csl_json import title_with_subtitle

    return title_with_subtitle(title, subtitle) if title else None


# --------------------------------------------------------------------------------------------
# Readers, one per format


def jats_facts(data: bytes) -> tuple[Facts, Facts]:
    """(facts in fields, facts inside texts)."""
    root = etree.fromstring(data, _PARSER)

    def texts(path: str) -> list[str]:
        return ["".join(e.itertext()).strip() for e in root.xpath(path)]

    authors = []
    for contrib in root.xpath("//contrib[@contrib-type='author']"):
        surname, given = contrib.findtext("name/surname"), contrib.findtext("name/given-names")
        authors.append(f"{surname}, {given}" if surname and given else surname
                       or contrib.findtext("collab") or contrib.findtext("string-name"))
    year = one(texts("//permissions/copyright-year"))
    licence = texts("//permissions/license/license-p[not(@content-type)]")
    self_uri = root.xpath("//self-uri/@xlink:href", namespaces={"xlink": XLINK[1:-1]})
    main = one(texts("//title-group/article-title"))
    return {
        "main_title": main,
        "title": full_title(main, one(texts("//title-group/subtitle"))),
        "authors": tuple(authors),
        "date": one(root.xpath("//pub-date[@date-type='pub']/@iso-8601-date")),
        "site": one(texts("//journal-meta//journal-title")),
        "url": one(self_uri),
        "statement": one(texts("//permissions/copyright-statement")),
        "holders": tuple(texts("//permissions/copyright-holder")),
        "year": int(year) if year else None,
        "licence": licence[0] if licence else None,
        "source": one(texts("//back/notes[@notes-type='source']")),
    }, {}


def epub_facts(data: bytes) -> tuple[Facts, Facts]:
    book = zipfile.ZipFile(io.BytesIO(data))
    opf = etree.fromstring(book.read("EPUB/package.opf"), _PARSER)
    colophon = etree.fromstring(book.read("EPUB/colophon.xhtml"), _PARSER)
    title_page = etree.fromstring(book.read("EPUB/title.xhtml"), _PARSER)

    def dc(name: str) -> list[str]:
        return [e.text or "" for e in opf.iter(f"{DC}{name}")]

    def paragraph(page: Any, css: str) -> str | None:
        found = [" ".join("".join(p.itertext()).split()) for p in page.iter(f"{XHTML}p")
                 if css in (p.get("class") or "").split()]
        return one(found)

    creators = {e.get("id"): e.text for e in opf.iter(f"{DC}creator")}
    file_as = [e.text for e in opf.iter(f"{OPF}meta")
               if e.get("property") == "file-as" and (e.get("refines") or "")[1:] in creators]
    descriptions = dc("description")
    return {
        "main_title": one(dc("title")),
        "title": full_title(one(dc("title")), one(descriptions)),
        "authors": tuple(file_as),
        "names": tuple(creators.values()),
        "date": one(dc("date")),
        "site": paragraph(title_page, "site"),
        "statement": paragraph(colophon, "rights"),
        "licence": paragraph(colophon, "license"),
        "source": paragraph(colophon, "source"),
        "reader_date": one([t.text or "" for t in title_page.iter(f"{XHTML}time")]),
    }, {"rights": " ".join(dc("rights"))}


def pdf_facts(data: bytes) -> tuple[Facts, Facts]:
    reader = PdfReader(io.BytesIO(data))
    xmp = reader.xmp_metadata
    assert xmp is not None
    info = reader.metadata
    assert info is not None
    return {
        "main_title": info.title,
        "names": tuple(xmp.dc_creator or ()),
        "date": _xmp_date(data),
        "statement": (xmp.dc_rights or {}).get("x-default"),
    }, {"text": "".join(page.extract_text() for page in reader.pages)}


def _xmp_date(data: bytes) -> str | None:
    """dc:date as written (pypdf turns partial dates into datetimes)."""
    match = re.search(rb"<dc:date><rdf:Seq><rdf:li>([^<]+)</rdf:li>", data)
    return match.group(1).decode("ascii") if match else None


def _csl_date(value: dict[str, Any] | None) -> str | None:
    if not value or "date-parts" not in value:
        return None
    return "-".join(f"{p:04d}" if i == 0 else f"{p:02d}" for i, p in enumerate(value["date-parts"][0]))


def csl_facts(data: bytes) -> tuple[Facts, Facts]:
    [item] = json.loads(data)
    rights = item.get("custom", {}).get("rights", {})
    authors = tuple(f"{a['family']}, {a['given']}" if "given" in a else a.get("family") or a["literal"]
                    for a in item.get("author", ()))
    return {
        "main_title": item.get("title-short", item["title"]),
        "title": item["title"],
        "authors": authors,
        "date": _csl_date(item.get("issued")),
        "site": item.get("container-title"),
        "url": item.get("URL"),
        "statement": rights.get("statement"),
        "holders": tuple(rights.get("holders", ())),
        "year": rights.get("year"),
        "licence": rights.get("license"),
        "source": rights.get("source"),
    }, {}


def _bib_fields(data: bytes) -> dict[str, str]:
    library = bibtexparser.parse_string(data.decode("utf-8"))
    [entry] = library.entries
    return {f.key: f.value for f in entry.fields}


def biblatex_facts(data: bytes) -> tuple[Facts, Facts]:
    got = _bib_fields(data)
    return {
        "main_title": decode(got["title"]),
        "title": full_title(decode(got["title"]), decode(got["subtitle"]) if "subtitle" in got else None),
        "authors": tuple(split_names(got["author"])) if "author" in got else (),
        "date": got.get("date"),
        "site": decode(got["titleaddon"]) if "titleaddon" in got else None,
        "url": got.get("url"),
    }, {"rights": decode(got.get("copyright", ""))}


def bibtex_facts(data: bytes) -> tuple[Facts, Facts]:
    got = _bib_fields(data)
    return {
        "title": decode(got["title"]),
        "authors": tuple(split_names(got["author"])) if "author" in got else (),
        "date": got.get("date"),
        "site": decode(got["publisher"]) if "publisher" in got else None,
        "url": got.get("url"),
    }, {"rights": decode(got.get("copyright", "")), "note": decode(got.get("note", ""))}


def ris_facts(data: bytes) -> tuple[Facts, Facts]:
    [entry] = rispy.loads(data.decode("utf-8"))
    date = entry.get("date")
    iso = "-".join(p for p in date.split("/") if p) if date else None
    notes = entry.get("notes") or []
    return {
        "main_title": entry.get("short_title", entry["title"]),
        "title": entry["title"],
        "authors": tuple(entry.get("authors") or ()),
        "date": iso,
        "site": entry.get("secondary_title"),
        "url": one(entry.get("urls") or []),
    }, {"rights": " ".join(entry["unknown_tag"].get("CR", [])) if "unknown_tag" in entry else "",
        "source": notes[0] if notes else ""}


def _meta(page: Any, name: str) -> list[str]:
    return [e.get("content") or "" for e in page.iter("meta") if e.get("name") == name]


def html_facts(data: bytes) -> tuple[Facts, Facts]:
    import lxml.html

    page = lxml.html.document_fromstring(data)
    [ld_text] = [e.text or "" for e in page.iter("script") if e.get("type") == "application/ld+json"]
    ld = json.loads(ld_text)
    holders = ld.get("copyrightHolder") or []
    canonical = [e.get("href") for e in page.iter("link") if e.get("rel") == "canonical"]
    return {
        "main_title": ld.get("headline"),
        "authors": tuple(_meta(page, "citation_author")),
        "names": tuple(a["name"] for a in ld.get("author", ())),
        "date": ld.get("datePublished"),
        "site": one(_meta(page, "citation_journal_title")),
        "url": one(canonical),
        "statement": ld.get("copyrightNotice"),
        "holders": tuple(h["name"] for h in (holders if isinstance(holders, list) else [holders])),
        "year": ld.get("copyrightYear"),
        "source": one(_meta(page, "DC.source")),
    }, {"rights": one(_meta(page, "DC.rights")) or "", "text": page.text_content()}


def _front_text(value: Any) -> str | None:
    """A front-matter licence or source: its text alone, or ``{text, url}``."""
    return value.get("text") if isinstance(value, dict) else value


def _md(value: Any) -> Any:
    """A front-matter text as pandoc reads it (Markdown: backslash escapes undone)."""
    if isinstance(value, str):
        return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", value)
    if isinstance(value, list):
        return tuple(_md(v) for v in value)
    return value


def markdown_facts(data: bytes) -> tuple[Facts, Facts]:
    import yaml

    text = data.decode("utf-8")
    _, head, _body = text.split("---\n", 2)
    front = yaml.safe_load(head)
    rights = front.get("copyright") or {}
    return {
        "main_title": _md(front.get("title")),
        "title": full_title(_md(front.get("title")), _md(front.get("subtitle"))),
        "names": _md(front.get("author") or []),
        "date": front.get("date"),
        "site": _md(front.get("site")),
        "url": front.get("url"),
        "statement": _md(rights.get("statement")),
        "holders": _md(rights.get("holders") or []),
        "year": rights.get("year"),
        "licence": _md(_front_text(front.get("license"))),
        "source": _md(_front_text(front.get("source"))),
    }, {"text": _md(text)}


_OFFICE_PARTS = {"docx": ("docProps/core.xml", "docProps/custom.xml", "word/document.xml"),
                 "odt": ("meta.xml", "meta.xml", "content.xml")}


def office_facts(kind: str) -> Any:
    def read(data: bytes) -> tuple[Facts, Facts]:
        core_part, custom_part, body_part = _OFFICE_PARTS[kind]
        package = zipfile.ZipFile(io.BytesIO(data))
        core = etree.fromstring(package.read(core_part), _PARSER)
        names = set(package.namelist())
        custom = etree.fromstring(package.read(custom_part), _PARSER) if custom_part in names else None
        properties: dict[str, str] = {}
        for element in custom.iter() if custom is not None else ():
            name = element.get("name") or element.get("{urn:oasis:names:tc:opendocument:xmlns:meta:1.0}name")
            if name:
                properties[name] = "".join(element.itertext())
        return {
            "main_title": core.findtext(f".//{DC}title"),
            "date": properties.get("published"),
            "site": properties.get("site"),
            "statement": properties.get("copyright"),
            "source": properties.get("source"),
        }, {"rights": core.findtext(f".//{DC}description") or "",
            "text": "".join(etree.fromstring(package.read(body_part), _PARSER).itertext())}
    return read


def text_facts(data: bytes) -> tuple[Facts, Facts]:
    """LaTeX and reStructuredText: the facts are printed, in the title block and the colophon."""
    return {}, {"text": data.decode("utf-8")}


READERS = {
    "jats": jats_facts, "epub": epub_facts, "pdf": pdf_facts, "csl-json": csl_facts,
    "biblatex": biblatex_facts, "bibtex": bibtex_facts, "ris": ris_facts, "html": html_facts,
    "markdown": markdown_facts, "docx": office_facts("docx"), "odt": office_facts("odt"),
    "latex": text_facts, "rst": text_facts,
}


def test_every_bibliographic_and_publishing_writer_has_a_reader() -> None:
    """A new writer must say here where it keeps each fact (citekit-json is the model itself)."""
    assert set(available_writers()) - {"citekit-json"} == set(READERS)


# --------------------------------------------------------------------------------------------
# The documents: the corpus, the seed, and hand-built cases of the rules the issue found apart


def jane_doe() -> Document:
    """A holder, no statement, a date: "© 2017 Jane Doe" in every output."""
    return Document(metadata=Metadata(title="A Note", authors=(Author(name="Jane Doe", given="Jane",
                                                                      family="Doe"),),
                                      date="2017-01-29", site="Doe Weekly", language="en"),
                    body=(Para(content=(Str(text="Body."),)),), rights=Rights(holders=("Jane Doe",)))


def spanish() -> Document:
    return Document(metadata=Metadata(title="Hemos perdido", authors=(Author(name="Stephen Kinzer",
                                                                             given="Stephen", family="Kinzer"),),
                                      date="2017-01-08", site="Biblioteca Pleyades", language="es"),
                    body=(Para(content=(Str(text="Texto del artículo."),)),),
                    rights=Rights(source="Fuente: https://example.org/a", source_url="https://example.org/a"))


def documents() -> list[tuple[str, Document]]:
    built = [("seed", read_path(SEED)), ("full", full_document()), ("jane-doe", jane_doe()),
             ("spanish", spanish()),
             ("bad-date", replace(jane_doe(), metadata=replace(jane_doe().metadata, date="2017-02-30")))]
    return built + [(path.stem, read_path(path)) for path in corpus_files()]


CASES = documents()


# --------------------------------------------------------------------------------------------
# The test


FIELD_FACTS = ("main_title", "title", "authors", "names", "date", "site", "url", "statement", "holders", "year",
               "licence", "source")


@pytest.mark.parametrize(("name", "document"), CASES, ids=[name for name, _ in CASES])
def test_every_output_gives_one_answer(name: str, document: Document) -> None:
    fields: dict[str, dict[str, Any]] = defaultdict(dict)
    texts: dict[str, Facts] = {}
    for fmt, read in READERS.items():
        data, _ = write_bytes(document, get_writer(fmt))
        in_fields, in_texts = read(data)
        texts[fmt] = in_texts
        for fact, value in in_fields.items():
            if value not in (None, "", ()):
                fields[fact][fmt] = value
    answers: dict[str, Any] = {}
    for fact in FIELD_FACTS:
        values = fields.get(fact, {})
        assert len(set(values.values())) <= 1, f"{fact}: the formats disagree: {values}"
        answers[fact] = next(iter(values.values()), None)

    # Facts the document has reach every format that has a field for them.
    rights = document.rights
    if rights.statement or rights.holders:
        # Markdown's front matter records the document's own fields (a round trip), not the derived line.
        derived = {"jats", "epub", "pdf", "csl-json", "html", "docx", "odt"}
        assert set(fields["statement"]) == derived | ({"markdown"} if rights.statement else set())
    if rights.holders:
        assert set(fields["holders"]) == {"jats", "csl-json", "html", "markdown"}
    if rights.source:
        assert set(fields["source"]) >= {"jats", "csl-json", "html", "markdown", "docx", "odt"}
    if parse_date(document.metadata.date):
        assert set(fields["date"]) == {"jats", "epub", "pdf", "csl-json", "biblatex", "bibtex", "ris", "html",
                                       "markdown", "docx", "odt"}
    else:
        # Markdown's front matter keeps the document's field as given (a round trip), as text.
        stated = {fmt: value for fmt, value in fields["date"].items() if fmt != "markdown"}
        assert not stated, f"{document.metadata.date!r} is not a date, yet {stated}"
    if document.metadata.authors:
        assert set(fields["authors"]) == {"jats", "epub", "csl-json", "biblatex", "bibtex", "ris", "html"}
        assert {"html", "markdown"} <= set(fields["names"])

    # Facts kept inside a text hold the one answer.
    statement, licence = answers["statement"], answers["licence"]
    for fmt, key in (("epub", "rights"), ("biblatex", "rights"), ("bibtex", "rights"), ("ris", "rights"),
                     ("html", "rights"), ("docx", "rights"), ("odt", "rights")):
        text = texts[fmt][key]
        if statement:
            assert text.startswith(statement), f"{fmt} {key}: {text!r} does not open with {statement!r}"
        if licence:
            assert licence in text, f"{fmt} {key}: {text!r} lacks {licence!r}"
        if not statement and not licence:
            assert not text.startswith(("©", "Copyright")), f"{fmt} {key} claims a copyright: {text!r}"
    source = answers["source"]
    if source:
        assert texts["ris"]["source"].startswith(source)
        for fmt in ("biblatex", "bibtex"):
            assert source in texts[fmt]["rights"]
    for fmt in ("pdf", "html", "markdown", "docx", "odt", "latex", "rst"):
        printed = squash(unescape(fmt, texts[fmt]["text"]))
        for fact in ("main_title", "statement", "licence", "source", "site"):
            value = answers[fact]
            # A title citekit supplies for an untitled article is shown where a format needs one
            # (PDF, EPUB, the HTML page, office files); Markdown, LaTeX and RST leave it out.
            needed = fact != "main_title" or document.metadata.title or fmt not in {"markdown", "latex", "rst"}
            if isinstance(value, str) and needed:
                assert squash(value) in printed, f"the {fmt} output does not print the {fact} {value!r}"
    printed = squash(texts["pdf"]["text"])

    # Dates for readers follow the document's language, the same in the EPUB and the PDF.
    date = parse_date(document.metadata.date)
    if date is not None:
        shown = reader_date(date, document.metadata.language)
        assert fields["reader_date"].get("epub", shown) == shown
        assert squash(shown) in printed, f"the PDF does not print the date as {shown!r}"


def test_the_issue_examples() -> None:
    """The examples the issue gives, spelt out."""
    jane = {fmt: read(write_bytes(jane_doe(), get_writer(fmt))[0]) for fmt, read in READERS.items()}
    assert jane["pdf"][0]["statement"] == jane["epub"][0]["statement"] == "© 2017 Jane Doe"
    assert jane["csl-json"][0]["statement"] == "© 2017 Jane Doe"
    assert jane["ris"][1]["rights"] == "© 2017 Jane Doe."
    assert "© 2017 Jane Doe" in squash_spaces(jane["pdf"][1]["text"])  # the footer and the colophon
    spanish_pdf = squash_spaces(pdf_facts(write_bytes(spanish(), get_writer("pdf"))[0])[1]["text"])
    assert "Por Stephen Kinzer" in spanish_pdf and "8 de enero de 2017" in spanish_pdf
    assert "Fuente y derechos" in spanish_pdf and "By Stephen" not in spanish_pdf
    assert epub_facts(write_bytes(spanish(), get_writer("epub"))[0])[0]["reader_date"] == "8 de enero de 2017"


def squash_spaces(text: str) -> str:
    return " ".join(text.split())


def test_readers_see_the_files_the_cli_writes(tmp_path: Path) -> None:
    """The readers above read what `citekit convert` writes, not an in-memory variant of it."""
    from click.testing import CliRunner

    from citekit.cli import main

    result = CliRunner().invoke(main, ["convert", str(SEED), "--to", ",".join(READERS), "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    document = read_path(SEED)
    for fmt, read in READERS.items():
        data = (tmp_path / (SEED.stem + get_writer(fmt).suffix)).read_bytes()
        assert read(data) == read(write_bytes(document, get_writer(fmt))[0])
