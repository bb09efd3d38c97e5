"""Exports read back in the tools people load them into.

- citation.js (npm; citeproc-js inside, the engine Zotero formats with) reads the RIS, BibLaTeX,
  BibTeX and CSL-JSON files: the site, authors, date and URL survive, and the exported CSL-JSON
  formats as ``citekit cite`` formats it. ``.ci/setup.d/40-citation-js.sh`` installs it into
  ``.ci/citation-js``; missing, these tests are skipped, except under CI=true.
- Zotero's import mappings (``tests/data/zotero``, read from its RIS.js and BibTeX.js translators)
  take the RIS and .bib files into Zotero fields: the site lands in Website Title, the rights in
  Rights.
- pandoc formats the exported CSL-JSON directly and reads the JATS back (``pandoc -f jats``).
- pubmed_parser, a common JATS consumer, reads the JATS without stopping.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path
from typing import Any

import bibtexparser
import pytest

from citekit.citations import cite, deduplicate
from citekit.derive import (
    display_title,
    inverted_name,
    is_person,
    parse_date,
    rights_line,
    rights_summary,
    source_line,
)
from citekit.model import Document
from citekit.readers import read_path
from citekit.writers import get_writer, parse_options, write_bytes
from citekit.writers.csl_json import article_url, csl_items, title_with_subtitle
from conftest import DATA, IN_CI, ROOT, SEED, corpus_files, full_document
from test_bibtex import decode, split_names

CITATION_JS = ROOT / ".ci" / "citation-js"
SCRIPT = ROOT / "tests" / "tools" / "citationjs.js"
ZOTERO = DATA / "zotero"


def all_documents() -> list[Document]:
    documents = [read_path(SEED), full_document(), *(read_path(p) for p in corpus_files())]
    unique, _ = deduplicate(documents)  # as cite does: one reference per article
    return unique


DOCUMENTS = all_documents()


def require(found: bool, what: str) -> None:
    if found:
        return
    if IN_CI:
        pytest.fail(f"{what} is required under CI=true but is not installed (.ci/run must install it)")
    pytest.skip(f"{what} not installed")


def citation_js(inputs: list[dict[str, Any]], styles: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """Run tests/tools/citationjs.js on ``inputs``; one result per input."""
    require(shutil.which("node") is not None and (CITATION_JS / "node_modules" / "@citation-js" / "core").is_dir(),
            "citation.js (.ci/setup.d/40-citation-js.sh)")
    request = {"prefix": str(CITATION_JS), "styles": styles or {}, "inputs": inputs}
    done = subprocess.run(["node", str(SCRIPT)], input=json.dumps(request), capture_output=True, text=True,
                          timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    results: list[dict[str, Any]] = json.loads(done.stdout)
    assert len(results) == len(inputs)
    return results


def export(document: Document, fmt: str, **options: str) -> str:
    writer = get_writer(fmt)
    return write_bytes(document, writer, parse_options(writer.options_type, options))[0].decode("utf-8")


def expected_names(document: Document) -> list[dict[str, str]]:
    """The authors as CSL names."""
    names = []
    for author in document.metadata.authors:
        if is_person(author):
            name = {"family": author.family or ""}
            if author.given:
                name["given"] = author.given
            names.append(name)
        else:
            names.append({"literal": author.literal or author.name})
    return names


def same_names(found: list[dict[str, Any]], document: Document) -> bool:
    """citation.js's names equal the authors (an organisation may come back as family or literal)."""
    def key(name: dict[str, Any]) -> str:
        return name.get("literal") or ", ".join(p for p in (name.get("family"), name.get("given")) if p)

    return [key(n) for n in found] == [key(n) for n in expected_names(document)]


# --------------------------------------------------------------------------------------------
# citation.js


@pytest.mark.parametrize(("fmt", "options", "authors"), [
    ("ris", {}, "author"),
    # citation.js follows the RIS specification, where a newspaper record's AU is its reporter.
    ("ris", {"ris-type": "NEWS"}, "reporter"),
    ("ris", {"ris-type": "BLOG"}, "author"),
    ("biblatex", {}, "author"), ("bibtex", {}, "author"), ("csl-json", {}, "author"),
])
def test_citation_js_keeps_site_authors_date_and_url(fmt: str, options: dict[str, str], authors: str) -> None:
    inputs = [{"data": export(d, fmt, **options), "style": "apa"} for d in DOCUMENTS]
    for document, result in zip(DOCUMENTS, citation_js(inputs), strict=True):
        name = document.provenance.source_name or "document"
        assert "error" not in result, f"{name}: {result}"
        [item] = result["csl"]
        meta = document.metadata
        found = item.get(authors, [])
        if authors == "reporter":  # kept as the text of the AU lines
            reporters = [found] if isinstance(found, str) else found
            assert reporters == [inverted_name(a) for a in document.metadata.authors], f"{name}: {found}"
        else:
            assert same_names(found, document), f"{name}: {found}"
        date = parse_date(meta.date)
        issued = item.get("issued", {}).get("date-parts", [[]])[0] if date else None
        parts = list(date.parts) if date else None
        if parts and authors == "reporter":
            parts = parts[:1]  # ... and reads its date from PY alone
        assert (issued or None) == parts, f"{name}: {item.get('issued')}"
        assert item.get("URL") == article_url(document), f"{name}: {item.get('URL')}"
        if meta.site:
            # The site is a variable styles print for the type (never only collection-title).
            printed = [item.get("container-title"), item.get("publisher")]
            assert meta.site.strip() in printed, f"{name}: site {meta.site!r} not in {printed}"
            # (citeproc-js title-cases a site named like a domain: "Liveanddare.Com")
            assert meta.site.strip().casefold() in result["bibliography"].casefold(), name
        # The rights are data, never part of the reference.
        statement = rights_line(document)
        if statement:
            assert statement not in result["bibliography"], f"{name}: {result['bibliography']}"


def comparable(reference: str) -> list[str]:
    """A reference's words, as two CSL engines both print them. citeproc-js (citation.js, Zotero)
    and pandoc's citeproc differ in what the data cannot change: citeproc-js title-cases a site
    named like a domain ("Henrymakow.Com"), moves a full stop inside closing quotes (en-US) and
    drops the comma before "&" when the last name is a literal."""
    return re.findall(r"\w+", reference.casefold())


@pytest.mark.parametrize("style", ["apa", "chicago-author-date", "modern-language-association"])
def test_exported_csl_json_formats_as_cite_gives(style: str, tmp_path: Path) -> None:
    """The issue's example: with a publisher in the item, APA in citeproc-js printed "Centre for
    Research on Globalization. Global Research." where cite prints "Global Research."."""
    from citekit.pandoc import bundled_pandoc

    exported = tmp_path / "refs.csl.json"
    buffer = exported.open("wb")
    writer = get_writer("csl-json")
    assert writer.write_collection is not None
    writer.write_collection(DOCUMENTS, buffer, writer.options_type())
    buffer.close()
    style_path = ROOT / "styles" / f"{style}.csl"
    expected = cite(DOCUMENTS, style=str(style_path)).splitlines()

    # pandoc, formatting the exported file directly.
    done = subprocess.run(
        [bundled_pandoc(), "--sandbox", "--citeproc", f"--bibliography={exported}",
         f"--csl={style_path}", "--wrap=none", "-t", "plain"],
        input='---\nnocite: "@*"\n---\n', capture_output=True, text=True, timeout=300, check=True)
    by_pandoc = [line for line in done.stdout.splitlines() if line.strip()]
    assert by_pandoc == expected

    # citation.js, each item formatted on its own by the same style.
    items = json.loads(exported.read_text(encoding="utf-8"))
    inputs = [{"data": json.dumps([item]), "style": "shipped"} for item in items]
    results = citation_js(inputs, {"shipped": style_path.read_text(encoding="utf-8")})
    by_citation_js = sorted(comparable(r["bibliography"]) for r in results)
    assert by_citation_js == sorted(comparable(line) for line in expected)


# --------------------------------------------------------------------------------------------
# Zotero's import mappings, as data


def zotero_table(name: str) -> dict[str, Any]:
    table: dict[str, Any] = json.loads((ZOTERO / name).read_text(encoding="utf-8"))
    return table


ITEM_FIELDS = zotero_table("item-fields.json")


def zotero_item(item_type: str, values: list[tuple[str, Any]]) -> dict[str, Any]:
    """A Zotero item from (field, value) pairs, as Zotero saves it: a base field in the type's own
    field, the first value of a field kept, fields the type lacks dropped."""
    fields = set(ITEM_FIELDS["fields"][item_type])
    item: dict[str, Any] = {"itemType": item_type, "creators": [], "tags": [], "notes": []}
    for field, value in values:
        if field in {"creators", "tags", "notes"}:
            item[field] += value if isinstance(value, list) else [value]
            continue
        if field == "publicationTitle":
            field = ITEM_FIELDS["publicationTitle"].get(item_type, field)
        if field in fields and field not in item and value:
            item[field] = value
    return item


def zotero_from_ris(text: str) -> dict[str, Any]:
    table = zotero_table("ris-import.json")
    lines = [re.match(r"([A-Z][A-Z0-9])  - ?(.*)", line) for line in text.split("\r\n")]
    pairs = [(m.group(1), m.group(2).strip()) for m in lines if m]
    item_type = table["types"][pairs[0][1]]
    values: list[tuple[str, Any]] = []
    backup_date = None
    for tag, value in pairs[1:]:
        if tag == "ER" or not value:
            continue
        mapping = table["tags"].get(tag, {})
        field = mapping.get(item_type, mapping.get("*"))
        if field is None or field == "ignore":
            continue
        if field == "backupDate":
            backup_date = value
        elif field == "creators/author":
            last, _, first = value.partition(",")  # Zotero splits at the first comma
            values.append(("creators", {"lastName": last.strip(), "firstName": first.strip()}))
        elif field in {"date", "accessDate"}:
            values.append((field, "-".join(p for p in value.split("/") if p)))
        else:
            values.append((field, value))
    if backup_date and not any(f == "date" for f, _ in values):
        values.append(("date", backup_date))
    return zotero_item(item_type, values)


def zotero_from_bibtex(text: str) -> dict[str, Any]:
    table = zotero_table("bibtex-import.json")
    [entry] = bibtexparser.parse_string(text).entries
    item_type = table["types"][entry.entry_type]
    got = {f.key: f.value for f in entry.fields}
    values: list[tuple[str, Any]] = []
    title = decode(got["title"])
    if "subtitle" in got:
        title = title_with_subtitle(title, decode(got["subtitle"]))
    values.append(("title", title))
    for name in split_names(got.get("author", "")) if "author" in got else []:
        last, _, first = name.partition(",")
        values.append(("creators", {"lastName": last.strip(), "firstName": first.strip()}))
    backup_publisher = None
    for key, raw in got.items():
        field = table["fields"].get(key)
        value = decode(raw)
        if field in {"title", "subtitle", "creators/author", "year", "month"} or field is None:
            continue
        if field == "backupPublisher":
            backup_publisher = value
        elif field == "howpublished":
            values.append(("url", value) if value.startswith(("http://", "https:/", "mailto:"))
                          else ("extra", f"Published: {value}"))
        elif field == "tags":
            values += [("tags", t.strip()) for t in re.split(r"[,;]", value) if t.strip()]
        else:
            values.append((field, raw if field == "url" else value))
    if "date" not in got and "year" in got:
        values.append(("date", got["year"]))
    if backup_publisher and not any(f == "publisher" for f, _ in values):
        values.append(("publisher", backup_publisher))
    return zotero_item(item_type, values)


def assert_zotero_item(item: dict[str, Any], document: Document, site_field: str) -> None:
    name = document.provenance.source_name or "document"
    meta = document.metadata
    assert item["title"] == title_with_subtitle(display_title(document).value, meta.subtitle), name
    persons = [(a.family, a.given or "") for a in meta.authors if is_person(a)]
    found = [(c["lastName"], c["firstName"]) for c in item["creators"]]
    assert [c for c in found if c in persons] == persons, f"{name}: {found}"
    assert len(found) == len(meta.authors), f"{name}: {found}"
    if meta.site:
        assert item.get(site_field) == meta.site.strip(), f"{name}: {item}"
    date = parse_date(meta.date)
    assert item.get("date") == (date.iso() if date else None), f"{name}: {item.get('date')}"
    assert item.get("url") == article_url(document), f"{name}: {item.get('url')}"
    summary = rights_summary(document)
    if summary:
        assert (item.get("rights") or "").startswith(summary), f"{name}: rights {item.get('rights')!r}"
    else:
        assert not (item.get("rights") or "").startswith(("©", "Copyright")), name


@pytest.mark.parametrize(("ris_type", "site_field"), [("ELEC", "websiteTitle"), ("NEWS", "publicationTitle"),
                                                      ("BLOG", "blogTitle")])
def test_zotero_imports_the_ris_records(ris_type: str, site_field: str) -> None:
    for document in DOCUMENTS:
        item = zotero_from_ris(export(document, "ris", **{"ris-type": ris_type}))
        assert_zotero_item(item, document, site_field)
        line = source_line(document)
        if line:
            assert line in item["notes"]  # one note holding the source line, the address once
        # The RIS N1 of 14 corpus records once held the same text twice ("Source: … Source: …").
        for note in item["notes"]:
            urls = re.findall(r"https?://\S+", note)
            assert len(urls) == len({u.rstrip(").,") for u in urls}), note


def test_zotero_imports_the_biblatex_entries() -> None:
    for document in DOCUMENTS:
        item = zotero_from_bibtex(export(document, "biblatex"))
        assert item["itemType"] == "webpage"
        assert_zotero_item(item, document, "websiteTitle")


def test_zotero_imports_the_bibtex_entries() -> None:
    """@misc is a Book to Zotero's BibTeX import: the site is its publisher, the URL from `url`
    (`howpublished = {\\url{…}}` would land in Extra)."""
    for document in DOCUMENTS:
        item = zotero_from_bibtex(export(document, "bibtex"))
        assert item["itemType"] == "book"
        assert_zotero_item(item, document, "publisher")


def test_the_zotero_tables_read_what_the_old_exports_lost() -> None:
    """The tables can fail: the RIS citekit once wrote put no rights in Zotero's Rights, and the
    BibLaTeX put the site in `organization`, which a web page cannot hold."""
    old_ris = "TY  - ELEC\r\nTI  - T\r\nT2  - Site\r\nN1  - Copyright © X.\r\nER  - \r\n"
    assert "rights" not in zotero_from_ris(old_ris)
    old_bib = "@online{k,\n  title = {T},\n  organization = {{Site} and {Publisher}}\n}\n"
    assert "websiteTitle" not in zotero_from_bibtex(old_bib)


# --------------------------------------------------------------------------------------------
# JATS read back by pandoc and pubmed_parser


def pandoc_meta(xml: str) -> tuple[dict[str, Any], str]:
    from citekit.pandoc import bundled_pandoc

    done = subprocess.run([bundled_pandoc(), "--sandbox", "-f", "jats", "-t", "json"],
                          input=xml, capture_output=True, text=True, timeout=300, check=True)
    ast = json.loads(done.stdout)

    def text(value: Any) -> Any:
        kind, content = value["t"], value.get("c")
        if kind == "MetaMap":
            return {k: text(v) for k, v in content.items()}
        if kind == "MetaList":
            return [text(v) for v in content]
        if kind in {"MetaInlines", "MetaBlocks"}:
            return stringify(content)
        return content

    return {k: text(v) for k, v in ast["meta"].items()}, stringify(ast["blocks"])


def stringify(node: Any) -> str:
    if isinstance(node, list):
        return "".join(stringify(n) for n in node)
    if isinstance(node, dict):
        kind = node.get("t")
        if kind == "Str":
            return str(node["c"])
        if kind in {"Space", "SoftBreak", "LineBreak"}:
            return " "
        if kind == "Link":
            return stringify(node["c"][1]) + f" <{node['c'][2][0]}>"
        return stringify(node.get("c", []))
    return ""


def test_pandoc_reads_the_jats_back() -> None:
    """pandoc 3's JATS reader keeps the title, the persons among the authors (it reads surname and
    given-names only), the date, the copyright statement, year and first holder, the licence, and
    the back matter (the source note with its link). It does not read journal-meta, self-uri or
    kwd-group at all; the site and URL come back only where the source note prints them."""
    for document in DOCUMENTS:
        name = document.provenance.source_name or "document"
        meta, body = pandoc_meta(export(document, "jats"))
        assert meta["title"] == display_title(document).value, name
        persons = [f"{a.given} {a.family}" if a.given else a.family for a in document.metadata.authors
                   if is_person(a)]
        assert [a for a in meta.get("author", []) if a] == persons, name
        date = parse_date(document.metadata.date)
        assert meta.get("date") == (date.iso() if date else None), name
        statement = rights_line(document)
        if statement:
            assert meta["copyright"]["statement"] == statement, name
        if document.rights.holders:
            assert meta["copyright"]["holder"] == document.rights.holders[0].strip(), name
        if document.rights.license:
            assert meta["license"]["text"] == " ".join(document.rights.license.split()), name
        if document.rights.source:
            assert " ".join(document.rights.source.split()) in body, name


def test_pubmed_parser_reads_the_jats(tmp_path: Path) -> None:
    """pubmed_parser looks for pub-date/@pub-type ("ppub", else "collection") and stopped with
    KeyError: 'year' on every citekit JATS file before the collection date was added. It still
    stops on an article that has no publication year at all (it catches TypeError, not KeyError),
    and citekit invents no year; it lists authors only when they have an affiliation
    (xref ref-type="aff"), which citekit has none to give."""
    pubmed_parser = pytest.importorskip("pubmed_parser")
    dated = [d for d in DOCUMENTS if parse_date(d.metadata.date) is not None]
    assert len(dated) >= 14
    for index, document in enumerate(dated):
        path = tmp_path / f"article-{index}.xml"
        path.write_text(export(document, "jats"), encoding="utf-8")
        found = pubmed_parser.parse_pubmed_xml(str(path))
        name = document.provenance.source_name or "document"
        meta = document.metadata
        title = display_title(document).value
        assert found["full_title"] == " ".join(p for p in (title, (meta.subtitle or "").strip()) if p), name
        assert found["journal"] == (meta.site or "").strip(), name
        date = parse_date(meta.date)
        if date is not None:
            assert found["publication_year"] == date.year, name
            day, month = date.day or 1, date.month or 1
            assert found["epublication_date"] == f"{day:02d}-{month:02d}-{date.year}", name


def test_pubmed_parser_stopped_on_the_old_pub_date(tmp_path: Path) -> None:
    """The failure the issue reports, kept as a check that the test above can fail."""
    pubmed_parser = pytest.importorskip("pubmed_parser")
    document = replace(DOCUMENTS[0])
    xml = export(document, "jats")
    old = re.sub(r'<pub-date date-type="collection".*?</pub-date>\s*', "", xml, flags=re.DOTALL)
    path = tmp_path / "old.xml"
    path.write_text(old, encoding="utf-8")
    with pytest.raises(KeyError, match="year"):
        pubmed_parser.parse_pubmed_xml(str(path))


def test_every_document_is_exported_once() -> None:
    """csl_items and the deduplicated documents line up (the tests above rely on it)."""
    assert len(csl_items(DOCUMENTS)) == len(DOCUMENTS) >= 40
