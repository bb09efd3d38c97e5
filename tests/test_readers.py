"""Readers: the registry and its choice, HTML, Markdown, the pandoc formats, hostile input, the batch."""

from __future__ import annotations

import gzip
import io
import json
import re
import socket
import subprocess
import sys
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from citekit.cli import main
from citekit.errors import InputError, OptionError
from citekit.model import Para, block_notes, plain_blocks
from citekit.readers import available_readers, choose_reader, read_bytes, read_path

DATA = Path(__file__).parent / "data" / "html"
METADATA_PAGES = sorted(p.name for p in (DATA / "metadata").iterdir())
SCORED = re.compile(r"\s+")


def _squash(text: str | None) -> str:
    return SCORED.sub("", (text or "")).casefold()


def _pandoc() -> str:
    from citekit.pandoc import bundled_pandoc

    return str(bundled_pandoc())


# --------------------------------------------------------------------------------------------
# The registry


def test_every_reader_is_registered_with_suffixes_and_media_types() -> None:
    readers = available_readers()
    assert {"text", "citekit-json", "html", "markdown", "docx", "odt", "epub", "jats", "rst", "latex",
            "org"} <= set(readers)
    for reader in readers.values():
        assert reader.media_types and reader.description
        assert all(s.startswith(".") and s == s.lower() for s in reader.suffixes)


@pytest.mark.parametrize(("data", "name", "expected"), [
    (b"<!DOCTYPE html><html><body><p>x</p></body></html>", "a.txt", "html"),  # sniff beats suffix
    (b"  <!-- saved -->\n<html lang=en>", None, "html"),
    (b"---\ntitle: T\n---\n\nBody.\n", "notes.txt", "markdown"),
    (b"# Heading\n\nBody.\n", "notes.md", "markdown"),  # no front matter: by suffix
    (b"Plain article text.\n", "a.html.txt", "text"),
    (b"Plain article text.\n", None, "text"),
    (b"Title\n\nBody text.\n", "a.rst", "rst"),
    (b'{"schema": "citekit-document/1"}', "a.json", "citekit-json"),
])
def test_reader_is_chosen_by_sniff_then_suffix_then_text(data: bytes, name: str | None, expected: str) -> None:
    assert choose_reader(data, name).name == expected


def test_from_names_the_reader_and_an_unknown_name_is_an_option_error() -> None:
    assert choose_reader(b"<html>", "a.html", reader="text").name == "text"
    with pytest.raises(OptionError, match="unknown reader 'nope'; known readers: "):
        choose_reader(b"", None, reader="nope")


def test_formats_lists_readers_and_writers() -> None:
    result = CliRunner().invoke(main, ["formats"])
    assert result.exit_code == 0
    assert re.search(r"^html +\.html \.htm", result.output, re.MULTILINE)
    assert re.search(r"^markdown +\.md", result.output, re.MULTILINE)
    assert re.search(r"^jats +\.xml", result.output, re.MULTILINE)  # the JATS writer is still listed


def test_the_document_records_its_reader() -> None:
    assert read_bytes(b"Some article text.\n", name="a.txt").provenance.reader == "text"
    assert read_bytes(b"---\ntitle: T\n---\nBody.\n", name="a.md").provenance.reader == "markdown"


# --------------------------------------------------------------------------------------------
# HTML on real pages


@pytest.mark.parametrize("page", METADATA_PAGES)
def test_real_pages_give_the_annotated_title_byline_site_and_date(page: str) -> None:
    expected = json.loads((DATA / "metadata" / page / "expected-metadata.json").read_text("utf-8"))
    document = read_path(DATA / "metadata" / page / "source.html")
    meta = document.metadata
    assert document.provenance.reader == "html"
    assert _squash(meta.title) == _squash(expected["title"])
    assert _squash(", ".join(a.name for a in meta.authors)) == _squash(expected["byline"])
    assert _squash(meta.site) == _squash(expected["siteName"])
    assert (meta.date or "")[:10] == expected["publishedTime"][:10]
    assert document.body, "a real article page has a body"
    winners = [f for f in document.provenance.fields if f.field == "metadata.title" and "not chosen" not in f.rule]
    assert len(winners) == 1 and re.match(r"(json-ld|og|html|meta|dc|highwire):", winners[0].rule)


def _shingles(text: str) -> Counter[tuple[str, ...]]:
    tokens = re.findall(r"\w+", text)
    return Counter(tuple(tokens[i:i + 4]) for i in range(max(1, len(tokens) - 3)))


@pytest.mark.parametrize("page", sorted(p.name for p in (DATA / "body").glob("*.html.gz")))
def test_real_pages_give_the_curated_article_body(page: str) -> None:
    truth = json.loads((DATA / "body" / "ground-truth.json").read_text("utf-8"))[page.removesuffix(".html.gz")]
    document = read_path(DATA / "body" / page)  # gzip is accepted as it is
    got, want = _shingles(plain_blocks(document.body)), _shingles(truth["articleBody"])
    overlap = sum((got & want).values())
    precision, recall = overlap / sum(got.values()), overlap / sum(want.values())
    assert precision > 0.9 and recall > 0.9, (precision, recall)


# --------------------------------------------------------------------------------------------
# HTML rules on made pages

PAGE = """<!DOCTYPE html>
<html lang="en_GB"><head>
<title>The Headline Here | Example Times</title>
<meta property="og:title" content="The Headline Here | Example Times">
<meta property="og:site_name" content="Example Times">
<meta property="article:published_time" content="2021-03-04T23:30:00-05:00">
<meta name="author" content="By Jane Doe">
<meta name="copyright" content="© 2021 Example Media Ltd">
<link rel="canonical" href="https://example.org/news/headline">
<link rel="license" href="https://creativecommons.org/licenses/by/4.0/">
<script type="application/ld+json">{JSONLD}</script>
</head><body>
<nav><a href="/">Home</a> <a href="/about-our-ads">About Our Ads</a></nav>
<article><h1>The Headline Here</h1>
<p>By Jane Doe</p>
<p>The first paragraph of the article says something long enough to be prose, with <em>emphasis</em>
and a <a href="https://example.org/source">link to the source</a> in it, as articles do.</p>
<h2>A section</h2>
<p>The second paragraph continues the story for a while, so that the extractor sees an article and
not a menu; it talks about the matter at hand in plain sentences.</p>
<ul><li>First point of the list.</li><li>Second point of the list.</li></ul>
<blockquote><p>A quotation from someone who said something memorable about it.</p></blockquote>
<p>The third paragraph ends the article with a conclusion of a reasonable length for the test.</p>
<p>Copyright © 2021 Example Media Ltd. All rights reserved.</p>
</article>
<footer>About Our Ads · Privacy · Terms</footer>
</body></html>"""


def _page(json_ld: object = None) -> bytes:
    return PAGE.replace("{JSONLD}", json.dumps(json_ld or {})).encode("utf-8")


def test_page_metadata_is_split_chosen_and_explained() -> None:
    document = read_bytes(_page(), name="page.html")
    meta = document.metadata
    assert meta.title == "The Headline Here"  # "Title | Site" split; the h1 agrees
    assert meta.site == "Example Times"
    assert [a.name for a in meta.authors] == ["Jane Doe"]
    assert meta.date == "2021-03-04"  # the page's own local date, not shifted to UTC
    assert meta.url == "https://example.org/news/headline"
    assert meta.language == "en-GB"
    assert document.rights.license_url == "https://creativecommons.org/licenses/by/4.0/"
    assert document.rights.statement == "© 2021 Example Media Ltd"
    title = document.source_of("metadata.title")
    assert title is not None and "weighted agreement with" in title.rule


def test_json_ld_article_wins_and_provenance_keeps_what_lost() -> None:
    json_ld = {"@context": "https://schema.org", "@graph": [
        {"@type": "WebSite", "name": "Example Times"},
        {"@type": "NewsArticle", "headline": "The Headline Here", "datePublished": "2021-03-05",
         "author": [{"@type": "Person", "name": "Jane Doe"}, {"@type": "Person", "name": "John Roe"}],
         "publisher": {"@type": "Organization", "name": "Example Media Ltd"},
         "copyrightYear": 2021, "copyrightHolder": {"name": "Example Media Ltd"},
         "isBasedOn": "https://wire.example.com/original"}]}
    document = read_bytes(_page(json_ld), name="page.html")
    assert [a.name for a in document.metadata.authors] == ["Jane Doe", "John Roe"]
    assert document.metadata.publisher == "Example Media Ltd"
    assert document.rights.year == 2021 and document.rights.holders == ("Example Media Ltd",)
    assert document.rights.source_url == "https://wire.example.com/original"
    rules = [f.rule for f in document.provenance.fields if f.field == "metadata.authors"]
    assert rules[0].startswith("json-ld:author") and any("(not chosen)" in r for r in rules[1:])


def test_body_keeps_structure_and_loses_header_copyright_and_menus() -> None:
    document = read_bytes(_page(), name="page.html")
    kinds = [type(b).__name__ for b in document.body]
    assert "Heading" in kinds and "ListBlock" in kinds and "Quote" in kinds
    text = plain_blocks(document.body)
    assert "The Headline Here" not in text  # the headline is metadata
    assert "All rights reserved" not in text and "About Our Ads" not in text
    assert any(isinstance(b, Para) and any(type(i).__name__ == "Link" for i in b.content) for b in document.body)
    assert any(r.reason.startswith("header-") and "Jane Doe" in r.text for r in document.removed)


def test_gzip_page_reads_like_the_page() -> None:
    plain = read_bytes(_page(), name="page.html")
    packed = read_bytes(gzip.compress(_page()), name="page.html.gz")
    assert packed.metadata == plain.metadata and packed.body == plain.body


def test_legacy_charset_is_decoded() -> None:
    page = _page().replace(b'<html lang="en_GB"><head>', b'<html><head><meta charset="windows-1252">')
    page = page.replace(b"Jane Doe", "Zoë Doe".encode("cp1252"))
    assert [a.name for a in read_bytes(page, name="p.html").metadata.authors] == ["Zoë Doe"]


def test_nothing_is_fetched(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the HTML reader opened a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    page = _page().replace(b"</head>", b'<script src="https://cdn.example.com/x.js"></script>'
                                       b'<link rel="stylesheet" href="https://cdn.example.com/s.css"></head>')
    for source in (page, (DATA / "metadata" / METADATA_PAGES[0] / "source.html").read_bytes()):
        assert read_bytes(source, name="p.html").body


# --------------------------------------------------------------------------------------------
# Hostile and broken input


@pytest.mark.parametrize("data", [
    b"<html><body><p>Unclosed <b>bold <i>and <div>mess</p></span></body>",
    b"<html>" + b"<div>" * 50_000 + b"deep" + b"</div>" * 10,
    b"<html><head><title>\x00\x01\x02</title></head><body>\xff\xfe garbage</body></html>",
    b"<!DOCTYPE html [<!ENTITY a 'aaaaaaaaaa'><!ENTITY b '&a;&a;&a;&a;&a;&a;&a;&a;'>]><html><p>&b;</p></html>",
])
def test_broken_html_gives_a_bounded_result_or_a_clear_error(data: bytes) -> None:
    try:
        document = read_bytes(data, name="broken.html")
    except InputError as error:
        assert "broken.html" in str(error)
        return
    assert len(plain_blocks(document.body)) < 10_000


def test_a_100_mb_page_is_refused_with_a_clear_error() -> None:
    big = b"<html><body>" + b"<p>word</p>" * (100 * 1024 * 1024 // 11) + b"</body></html>"
    with pytest.raises(InputError, match=r"100 MiB; citekit reads inputs up to 64 MiB"):
        read_bytes(big, name="big.html")


def test_a_gzip_bomb_is_refused() -> None:
    bomb = gzip.compress(b"<html>" + b" " * (80 * 1024 * 1024))
    with pytest.raises(InputError, match="expands past 64 MiB"):
        read_bytes(bomb, name="bomb.html.gz")


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_a_zip_that_is_not_a_docx_is_named_as_such() -> None:
    with pytest.raises(InputError, match="not a DOCX: the ZIP archive lacks its parts"):
        read_bytes(_zip({"notes.txt": b"hello"}), name="report.docx")
    with pytest.raises(InputError, match="ZIP archive"):
        read_bytes(_zip({"notes.txt": b"hello"}), name="archive.zip")


def test_a_zip_bomb_is_refused_unread() -> None:
    bomb = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"0" * (300 * 1024 * 1024)})
    with pytest.raises(InputError, match="zip bomb"):
        read_bytes(bomb, name="bomb.docx")


ENTITY_BOMB = (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">'
               b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>')


def test_xml_entity_bombs_in_docx_and_jats_are_refused() -> None:
    docx = _zip({"[Content_Types].xml": b"<Types/>",
                 "word/document.xml": ENTITY_BOMB + b"<w:document>&c;</w:document>"})
    with pytest.raises(InputError, match="declares XML entities"):
        read_bytes(docx, name="bomb.docx")
    jats = ENTITY_BOMB + b'<article dtd-version="1.3"><front/><body><p>&c;</p></body></article>'
    with pytest.raises(InputError, match="declares entities"):
        read_bytes(jats, name="bomb.xml", reader="jats")


def test_bad_front_matter_names_the_line() -> None:
    with pytest.raises(InputError) as caught:
        read_bytes(b"---\ntitle: T\nauthor: [unclosed\n---\n\nBody.\n", name="bad.md")
    assert caught.value.line is not None and "not valid YAML" in str(caught.value)


# --------------------------------------------------------------------------------------------
# Markdown

FRONT = """---
title: "A Markdown Article: With a Colon"
subtitle: The dek
author:
  - name: Jane Doe
  - John Roe
date: 2021-03-04
url: https://example.org/a
site: Example Times
tags: [one, two]
copyright: © 2021 Example Times
license: CC BY 4.0
---

The opening paragraph has *emphasis*, **strong** text, `code` and a [link](https://example.org).

## A section

- item one
- item two

> A quotation.

1. first
2. second

Copyright © 2021 Example Times. All rights reserved.
"""


def test_front_matter_wins_and_is_recorded_as_printed() -> None:
    document = read_bytes(FRONT.encode(), name="a.md")
    meta = document.metadata
    assert meta.title == "A Markdown Article: With a Colon" and meta.subtitle == "The dek"
    assert [a.name for a in meta.authors] == ["Jane Doe", "John Roe"]
    assert (meta.date, meta.url, meta.site, meta.keywords) == ("2021-03-04", "https://example.org/a",
                                                               "Example Times", ("one", "two"))
    assert document.rights.statement == "© 2021 Example Times" and document.rights.year == 2021
    assert document.rights.license == "CC BY 4.0"
    date = document.source_of("metadata.date")
    assert date is not None and date.rule == "front-matter:date" and date.lines == (7,)
    assert date.printed == "date: 2021-03-04"
    text = plain_blocks(document.body)
    assert text.startswith("The opening paragraph") and "All rights reserved" not in text
    assert [type(b).__name__ for b in document.body] == ["Para", "Heading", "ListBlock", "Quote", "ListBlock"]


def test_a_leading_heading_is_the_title_without_front_matter() -> None:
    document = read_bytes(b"# The Title\n\nBody paragraph of the note.\n", name="note.md")
    assert document.metadata.title == "The Title"
    assert plain_blocks(document.body) == "Body paragraph of the note."


def test_markdown_from_pandoc_reads_back_to_the_same_document() -> None:
    """A Markdown file that pandoc writes from our Markdown reads back with the same metadata and body."""
    first = read_bytes(FRONT.encode(), name="a.md")
    rewritten = subprocess.run([_pandoc(), "--sandbox", "-f", "markdown", "-t", "markdown", "-s"],
                               input=FRONT.encode(), capture_output=True, timeout=60, check=True).stdout
    again = read_bytes(rewritten, name="b.md")
    assert again.metadata.title == first.metadata.title
    assert [a.name for a in again.metadata.authors] == [a.name for a in first.metadata.authors]
    assert again.metadata.date == first.metadata.date
    assert plain_blocks(again.body) == plain_blocks(first.body)


# --------------------------------------------------------------------------------------------
# Office and markup formats through pandoc

SOURCE = """---
title: An Office Document
author: [Jane Doe, John Roe]
date: 2020-01-02
---

First paragraph of the document, with *emphasis*.

Second paragraph, with a footnote.[^1]

## Heading

Third paragraph.

[^1]: The footnote text.
"""


@pytest.mark.parametrize("target", ["docx", "odt", "epub", "rst", "latex", "org", "jats"])
def test_documents_made_by_pandoc_read_back_with_metadata_and_every_paragraph(target: str,
                                                                           tmp_path: Path) -> None:
    suffix = {"latex": ".tex", "jats": ".xml"}.get(target, f".{target}")
    out = tmp_path / f"doc{suffix}"
    subprocess.run([_pandoc(), "--sandbox", "-f", "markdown", "-s", "-t", target, "-o", str(out)],
                   input=SOURCE.encode(), check=True, timeout=60)
    document = read_path(out) if target != "jats" else read_bytes(out.read_bytes(), name=out.name, reader="jats")
    assert document.provenance.reader == target
    assert document.metadata.title == "An Office Document"
    authors = [a.name for a in document.metadata.authors]
    # pandoc's EPUB reader lists the OPF's creators last first: the names are right, the order is pandoc's.
    # pandoc's RST reader keeps the first of repeated :Author: fields.
    if target == "rst":
        assert authors == ["Jane Doe"]
    else:
        assert (sorted(authors) if target == "epub" else authors) == ["Jane Doe", "John Roe"]
    assert document.metadata.date == "2020-01-02"
    text = plain_blocks(document.body)
    for paragraph in ("First paragraph of the document, with emphasis.", "Second paragraph, with a footnote.",
                      "Heading", "Third paragraph."):
        assert paragraph in text
    # The footnote is a note at its reference, in the second paragraph (pandoc's Note).
    notes = [plain_blocks(note.blocks) for block in document.body for note in block_notes(block)]
    assert notes == ["The footnote text."]


# --------------------------------------------------------------------------------------------
# The batch and the CLI


def test_a_directory_mixing_formats_converts_and_the_report_names_each_reader(tmp_path: Path) -> None:
    from citekit import convert

    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "a.txt").write_text("A Title\n\nBy Jane Doe\n\nSome article text that runs on for a while.\n")
    (inputs / "b.html").write_bytes(_page())
    (inputs / "c.md").write_text(FRONT)
    subprocess.run([_pandoc(), "--sandbox", "-f", "markdown", "-t", "docx", "-o", str(inputs / "d.docx")],
                   input=SOURCE.encode(), check=True, timeout=60)
    report = convert([inputs], to=["csl-json"], out_dir=tmp_path / "out", jobs=1)
    assert report.totals.converted == 4, [e.errors for e in report.inputs]
    assert {Path(e.source).name: e.reader for e in report.inputs} == {
        "a.txt": "text", "b.html": "html", "c.md": "markdown", "d.docx": "docx"}
    saved = json.loads((tmp_path / "out" / "citekit-report.json").read_text())
    assert {e["reader"] for e in saved["inputs"]} == {"text", "html", "markdown", "docx"}


def test_a_dataset_column_of_html_is_read_as_pages(tmp_path: Path) -> None:
    from citekit import convert

    rows = tmp_path / "pages.jsonl"
    rows.write_text(json.dumps({"id": "p1", "text": _page().decode()}) + "\n")
    report = convert([rows], to=["csl-json"], out_dir=tmp_path / "out", jobs=1)
    entry = report.inputs[0]
    assert entry.status == "converted" and entry.reader == "html"


def test_cli_from_reads_with_the_named_reader(tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_bytes(_page())
    runner = CliRunner()
    as_html = runner.invoke(main, ["normalise", str(page)])
    assert json.loads(as_html.output)["provenance"]["reader"] == "html"
    as_text = runner.invoke(main, ["normalise", "--from", "text", str(page)])
    assert json.loads(as_text.output)["provenance"]["reader"] == "text"
    unknown = runner.invoke(main, ["normalise", "--from", "nope", str(page)])
    assert unknown.exit_code == 2 and "unknown reader" in unknown.output


def test_cli_bad_docx_is_a_clear_error_without_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "report.docx"
    bad.write_bytes(_zip({"a.txt": b"x"}))
    result = subprocess.run([sys.executable, "-m", "citekit.cli", "normalise", str(bad)], capture_output=True,
                            text=True, timeout=120, check=False)
    assert result.returncode == 1 and result.stdout == ""
    assert f"{bad}: not a DOCX" in result.stderr and "Traceback" not in result.stderr


def test_a_rerun_keeps_each_inputs_reader_and_from_is_part_of_the_output_key(tmp_path: Path) -> None:
    from citekit import convert

    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "page.txt").write_bytes(_page())  # a saved page named like text: the sniff reads it as HTML
    out = tmp_path / "out"
    first = convert([inputs], to=["csl-json"], out_dir=out, jobs=1)
    assert [(e.status, e.reader) for e in first.inputs] == [("converted", "html")]
    again = convert([inputs], to=["csl-json"], out_dir=out, jobs=1)
    assert [(e.status, e.reader) for e in again.inputs] == [("skipped", "html")]  # read back from the report
    as_text = convert([inputs], to=["csl-json"], out_dir=out, jobs=1, reader="text")
    assert [(e.status, e.reader) for e in as_text.inputs] == [("converted", "text")]  # a new key: not skipped
    assert as_text.inputs[0].outputs[0].key != first.inputs[0].outputs[0].key
    saved = json.loads((out / "citekit-report.json").read_text())
    assert saved["inputs"][0]["reader"] == "text"


def test_the_strict_report_reader_takes_a_reader_name_and_nothing_else_there() -> None:
    from citekit.batch.report import ReportShapeError, entry_from_data

    entry = {"source": "a.html", "status": "converted", "reader": "html"}
    assert entry_from_data(entry).reader == "html"
    assert entry_from_data({**entry, "reader": None}).reader is None
    with pytest.raises(ReportShapeError, match="reader is not a string"):
        entry_from_data({**entry, "reader": 3})


def test_an_unknown_reader_stops_a_batch_before_anything_is_made(tmp_path: Path) -> None:
    from citekit import convert
    from citekit.batch import convert_one

    (tmp_path / "a.txt").write_text("Some article text.\n")
    with pytest.raises(OptionError, match="unknown reader 'nope'"):
        convert([tmp_path / "a.txt"], to=["csl-json"], out_dir=tmp_path / "out", jobs=1, reader="nope")
    assert not (tmp_path / "out").exists()
    with pytest.raises(OptionError, match="unknown reader 'nope'"):
        convert_one(tmp_path / "a.txt", "csl-json", reader="nope")


def test_cli_convert_from_to_stdout_and_into_a_directory(tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_bytes(_page())
    runner = CliRunner()
    as_html = runner.invoke(main, ["convert", str(page), "--to", "citekit-json"])
    assert as_html.exit_code == 0 and json.loads(as_html.stdout)["provenance"]["reader"] == "html"
    as_text = runner.invoke(main, ["convert", "--from", "text", str(page), "--to", "citekit-json"])
    assert as_text.exit_code == 0 and json.loads(as_text.stdout)["provenance"]["reader"] == "text"
    batch = runner.invoke(main, ["convert", "--from", "text", str(page), "--to", "csl-json", "-o",
                                 str(tmp_path / "out"), "--jobs", "1"])
    assert batch.exit_code == 0, batch.output
    assert json.loads((tmp_path / "out" / "citekit-report.json").read_text())["inputs"][0]["reader"] == "text"
    unknown = runner.invoke(main, ["convert", "--from", "nope", str(page), "--to", "csl-json", "-o",
                                   str(tmp_path / "out2")])
    assert unknown.exit_code == 2 and "unknown reader 'nope'" in unknown.output
    assert not (tmp_path / "out2").exists()


def test_cite_walks_a_directory_of_saved_pages(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_bytes(_page())
    result = CliRunner().invoke(main, ["cite", str(tmp_path), "--style", "apa"])
    assert result.exit_code == 0, result.output
    assert "The Headline Here" in result.stdout


# --------------------------------------------------------------------------------------------
# HTML rules beyond the weighted vote (ids in METADATA_RULES and boilerplate.RULES)


def _rule_page(name: str) -> bytes:
    return (DATA / "rules" / name / "source.html").read_bytes()


def test_a_banner_h1_naming_the_site_is_not_the_title() -> None:
    document = read_bytes(_rule_page("traf-ethify.org.vegetarier"), name="source.html")
    assert document.metadata.title == "Vegetarier zu sein. Bedarf, Trend oder eigene Entscheidung?"


def test_a_utc_instant_gives_way_to_the_pages_local_date_unless_switched_off() -> None:
    from citekit.readers.html import HtmlOptions, read_page

    data = _rule_page("traf-gazetadopovo.com.br-pacheco")  # datePublished 2022-05-04T00:44:52.000Z
    document = read_page(data, "source.html")
    assert document.metadata.date == "2022-05-03"
    source = document.source_of("metadata.date")
    assert source is not None and source.rule.startswith("htmldate:original") and "UTC instant" in source.rule
    assert read_page(data, "source.html", HtmlOptions(disabled_rules=frozenset({"date.utc-local"}))
                     ).metadata.date == "2022-05-04"


def test_htmldate_finds_the_date_a_page_only_prints() -> None:
    page = PAGE.replace('<meta property="article:published_time" content="2021-03-04T23:30:00-05:00">', "")
    page = page.replace("<p>By Jane Doe</p>", "<p>By Jane Doe</p><p>Published on 12 May 2020</p>")
    document = read_bytes(page.replace("{JSONLD}", "{}").encode(), name="page.html")
    assert document.metadata.date == "2020-05-12"


def test_a_printed_date_is_read_the_same_whatever_the_day_of_the_run() -> None:
    """htmldate's default latest date is today: a page printing a date after the run's day would be
    read differently later. citekit gives it a fixed bound instead."""
    page = PAGE.replace('<meta property="article:published_time" content="2021-03-04T23:30:00-05:00">', "")
    page = page.replace("<p>By Jane Doe</p>", "<p>By Jane Doe</p><p>Published on 12 May 2031</p>")
    document = read_bytes(page.replace("{JSONLD}", "{}").encode(), name="page.html")
    assert document.metadata.date == "2031-05-12"


@pytest.mark.parametrize(("value", "names"), [
    ("null", ()), ("By admin", ()), ("Genevieve Carlton, Ph.D.", ("Genevieve Carlton, Ph.D.",)),
    ("Zeige alle Beiträge von Michael Veeser →", ("Michael Veeser",)), ("Rodolfo Costa.", ("Rodolfo Costa",)),
    ("unocero - Alberto Ávila", ("Alberto Ávila",)), ("Jane Doe and John Roe", ("Jane Doe", "John Roe")),
])
def test_author_values_are_cleaned_of_placeholders_arrows_and_the_site(value: str, names: tuple[str, ...]) -> None:
    from citekit.readers.html.clean import author_names

    got = author_names(value, {"unocero"})
    assert tuple(n.replace(", Ph.D.", "") for n in got) == tuple(n.replace(", Ph.D.", "") for n in names)
    if "Ph.D." in value:
        assert "Ph.D." in ", ".join(got)


def _with_body(extra: str, meta: str = "") -> bytes:
    page = PAGE.replace("{JSONLD}", "{}").replace("</head>", meta + "</head>")
    return page.replace("<p>Copyright © 2021", extra + "<p>Copyright © 2021").encode()


def test_many_rel_author_links_are_teasers_and_only_the_first_counts() -> None:
    names = ("Ann Lee", "Bo Chan", "Cy Diaz", "Di Ek")
    links = "".join(f'<p><a rel="author" href="/a/{n}">By {n}</a></p>' for n in names)
    page = _with_body(links).replace(b'<meta name="author" content="By Jane Doe">', b"")
    page = page.replace(b"<p>By Jane Doe</p>", b"")
    assert [a.name for a in read_bytes(page, name="p.html").metadata.authors] == ["Ann Lee"]


def test_link_only_teasers_and_cross_links_leave_the_body_as_removed_text() -> None:
    from citekit.readers.html import HtmlOptions, read_page

    extra = ('<p><a href="/other">Another story entirely, about something else</a></p>'
             '<p>Also read: <a href="/more">The other article</a></p>')
    document = read_page(_with_body(extra), "page.html")
    text = plain_blocks(document.body)
    assert "Another story entirely" not in text and "Also read" not in text
    reasons = {r.reason for r in document.removed}
    assert {"boilerplate-link-block", "boilerplate-cross-link"} <= reasons
    kept = read_page(_with_body(extra), "page.html", HtmlOptions(
        disabled_rules=frozenset({"boilerplate-link-block", "boilerplate-cross-link"})))
    assert "Another story entirely" in plain_blocks(kept.body)


def test_a_headline_with_a_kicker_is_the_title_again_not_body() -> None:
    page = _page().replace(b"<h1>The Headline Here</h1>", b"<h2>Kicker: The Headline Here</h2>")
    document = read_bytes(page, name="page.html")
    assert "Kicker" not in plain_blocks(document.body)
    assert any(r.reason == "header-title" and "Kicker" in r.text for r in document.removed)


_TWEET = ('<blockquote class="twitter-tweet"><p lang="en" dir="ltr">Quoted post from another site, '
          'as the platform embeds it in pages.</p>&mdash; Some One (@someone) '
          '<a href="https://twitter.com/someone/status/1">July 1, 2024</a></blockquote>')


def _body_page(prefix: str) -> Path:
    return next((DATA / "body").glob(prefix + "*.html.gz"))


def test_embedded_posts_leave_the_body_as_removed_text() -> None:
    from citekit.readers.html import HtmlOptions, read_page

    page = _with_body(_TWEET + "<p>The article goes on after the embedded post with more of its own words.</p>")
    document = read_page(page, "page.html")
    text = plain_blocks(document.body)
    assert "Quoted post" not in text and "The article goes on" in text
    assert "citekit" not in text and all("citekit" not in r.text for r in document.removed)
    assert any(r.reason == "html-embedded-post" and "Quoted post from another site" in r.text
               for r in document.removed)
    kept = read_page(page, "page.html", HtmlOptions(disabled_rules=frozenset({"html-embedded-post"})))
    assert "Quoted post from another site" in plain_blocks(kept.body)
    # A real page (Mexico News Daily): the embedded post of the White House leaves, the article stays.
    real = read_path(_body_page("6d972f5dc1"))
    assert "America First policy" not in plain_blocks(real.body)
    assert any(r.reason == "html-embedded-post" and "America First policy" in r.text for r in real.removed)


def test_figure_captions_are_back_matter_notes() -> None:
    from citekit.readers.html import HtmlOptions, read_page

    data = gzip.decompress(_body_page("c52f90b9f9").read_bytes())  # Kommersant: captions and photo credits
    document = read_page(data, "page.html")
    captions = [plain_blocks(item.blocks) for item in document.back if item.kind == "note"]
    assert any("Фото:" in text for text in captions)
    assert "Фото:" not in plain_blocks(document.body) and "citekit" not in plain_blocks(document.body)
    kept = read_page(data, "page.html", HtmlOptions(disabled_rules=frozenset({"html-figure-caption"})))
    assert "Фото:" in plain_blocks(kept.body)


def test_an_author_box_is_a_bio_in_back_matter() -> None:
    from citekit.readers.html import HtmlOptions, read_page

    data = gzip.decompress(_body_page("b8467a82e8").read_bytes())  # BD+C: the firm's box after the post
    document = read_page(data, "page.html")
    assert "ego-free, full-service architecture" not in plain_blocks(document.body)
    assert [(item.kind, "ego-free, full-service" in plain_blocks(item.blocks)) for item in document.back] == [
        ("bio", True)]
    kept = read_page(data, "page.html", HtmlOptions(disabled_rules=frozenset({"html-author-box"})))
    assert "ego-free, full-service architecture" in plain_blocks(kept.body) and not kept.back


def test_a_page_that_prints_the_marker_word_is_read_as_printed() -> None:
    from citekit.readers.html import read_page
    from citekit.readers.html.marks import marker_stem

    # The marker a page would get if it printed it (made from the page's bytes without it): still not its own.
    page = _with_body("<p>{} is a word this article prints on purpose, and it stays.</p>" + _TWEET)
    printed = marker_stem(page) + "0"
    page = page.replace(b"{}", printed.encode())
    document = read_page(page, "page.html")
    assert f"{printed} is a word this article prints" in plain_blocks(document.body)
    assert any(r.reason == "html-embedded-post" for r in document.removed)


def test_a_paragraph_trafilatura_leaves_as_a_headings_tail_is_kept() -> None:
    from lxml import etree

    from citekit.model import Heading
    from citekit.readers.html.body import body_blocks

    # The Economic Times page: every section's paragraph is the tail of its heading.
    real = plain_blocks(read_path(_body_page("284a92e50d")).body)
    assert "Coffee is associated with a lower risk of liver disease" in real
    body = etree.fromstring('<body><head rend="h2">Heart health</head>Both experts agree that coffee helps.'
                            '<quote><p>Said once.</p>And a tail inside the quote.</quote>Loose tail.</body>')
    blocks, marked = body_blocks(body)
    assert isinstance(blocks[0], Heading)
    assert plain_blocks(blocks[1:]) == "Both experts agree that coffee helps.\n\nSaid once.\n\nAnd a tail inside " \
                                       "the quote.\n\nLoose tail."
    assert marked == (None,) * len(blocks)


def test_a_mark_class_on_the_element_holding_the_article_marks_nothing() -> None:
    from citekit.readers.html import read_page

    page = _with_body("").replace(b"<body>", b'<body class="single has-author-box">')
    page = page.replace(b"<article>", b'<article class="post author-box-enabled">')
    document = read_page(page, "page.html")
    assert "The first paragraph of the article" in plain_blocks(document.body) and not document.back


def test_an_article_held_in_noscript_is_read() -> None:
    # parcoabruzzo.it prints its article for readers without scripts; stripping <noscript> before
    # extraction (as script and style are) left this page with no body at all.
    document = read_path(DATA / "rules" / "traf-parcoabruzzo.it.58354" / "source.html")
    assert len(plain_blocks(document.body)) > 3000


def test_a_long_heading_holding_the_titles_words_is_a_standfirst_not_the_title_again() -> None:
    standfirst = ("<h2>When the headline here is long enough, the page sets its standfirst as a heading that "
                  "uses every word of the title and many more besides</h2>")
    page = _page().replace(b"<h1>The Headline Here</h1>", standfirst.encode())
    document = read_bytes(page, name="page.html")
    assert "the page sets its standfirst" in plain_blocks(document.body)


@pytest.mark.parametrize("figures", [False, True])
def test_a_paragraph_that_opens_with_a_stand_in_like_word_is_kept_whole(figures: bool) -> None:
    from citekit.readers.html import HtmlOptions, read_page

    # citekit's stand-in words were fixed ("citekitfigure3"): a page printing one lost the paragraph.
    page = _with_body("<p>citekitfigure3 is a word this article prints, and the whole paragraph stays in the body.</p>"
                      "<p>Text with citekitfigure12 in its middle, a word the article prints and keeps.</p>")
    text = plain_blocks(read_page(page, "page.html", HtmlOptions(figures=figures)).body)
    assert "citekitfigure3 is a word this article prints, and the whole paragraph stays" in text
    assert "Text with citekitfigure12 in its middle" in text
