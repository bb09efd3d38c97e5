"""CSL-JSON writer: schema validity, field mapping, keys, and how APA and Chicago render the items."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from citekit.model import Author, Document, KeywordGroup, Metadata, Para, Rights, Str
from citekit.writers import get_writer, parse_options, write_bytes
from citekit.writers.csl_json import CslOptions, csl_item, csl_items
from conftest import IN_CI, ROOT, SCHEMAS, SEED, corpus_files

CSL_SCHEMA = SCHEMAS / "csl" / "csl-data.json"


@pytest.fixture(scope="module")
def validator() -> Any:
    import jsonschema

    schema = json.loads(CSL_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def assert_valid(validator: Any, items: list[dict[str, Any]]) -> None:
    errors = sorted(validator.iter_errors(items), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


def written(document: Document, **options: str) -> list[dict[str, Any]]:
    writer = get_writer("csl-json")
    data, _ = write_bytes(document, writer, parse_options(writer.options_type, options))
    items: list[dict[str, Any]] = json.loads(data)
    return items


def doc(title: str | None = "A Title", authors: tuple[Author, ...] = (), date: str | None = None,
        **meta: Any) -> Document:
    return Document(metadata=Metadata(title=title, authors=authors, date=date, **meta),
                    body=(Para(content=(Str(text="Some body text here."),)),))


LENDMAN = Author(name="Stephen Lendman", given="Stephen", family="Lendman")


# --------------------------------------------------------------------------------------------
# Schema validity


def test_full_doc_is_one_valid_item(validator: Any, full_doc: Document) -> None:
    items = written(full_doc)
    assert len(items) == 1
    assert_valid(validator, items)


@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.stem)
def test_every_corpus_document_gives_a_valid_item(validator: Any, path: Path) -> None:
    from citekit.readers import read_path

    items = written(read_path(path))
    assert_valid(validator, items)
    assert items[0]["title"].strip()


def test_schema_rejects_an_unknown_key(validator: Any, full_doc: Document) -> None:
    """The validator is strict (additionalProperties false), so the tests above can fail."""
    item = csl_item(full_doc, key="k")
    item["rights"] = "x"
    assert list(validator.iter_errors([item]))


# --------------------------------------------------------------------------------------------
# Field mapping


def test_full_doc_fields(full_doc: Document) -> None:
    item = written(full_doc)[0]
    assert item["type"] == "webpage"
    assert item["id"] == item["citation-key"] == "garcia2017trade"
    assert item["title"] == "Trade & <Tariffs>: A “Test” Article — Ünïcödé: What the numbers say"
    assert item["title-short"] == "Trade & <Tariffs>: A “Test” Article — Ünïcödé"
    assert item["author"] == [{"family": "García", "given": "Ana María"}, {"literal": "Washington's Blog"}]
    assert item["container-title"] == "Example Review"
    # A web page's reference names its site alone; the publisher is kept where citeproc does not look.
    assert "publisher" not in item and item["custom"]["publisher"] == "Example Foundation"
    assert item["issued"] == {"date-parts": [[2017, 1, 29]]}
    assert item["URL"] == "https://example.org/2017/01/trade-tariffs"
    assert "accessed" not in item
    assert item["keyword"] == "trade, tariffs, Russia and FSU"
    assert item["language"] == "en"
    rights = item["custom"]["rights"]
    assert rights["holders"] == ["Ana María García", "Example Review"]
    assert rights["year"] == 2017
    assert rights["source"] == "The original source of this article is Example Review"
    assert [n["kind"] for n in rights["notices"]] == ["disclaimer", "fair-use", "contact"]
    assert item["custom"]["keyword-groups"] == {"Region": ["Russia and FSU", "USA"]}
    assert rights["statement"] == "Copyright © Ana María García, Example Review, 2017"
    assert rights["license"] == "Republished with permission."
    # No rights text in a CSL variable a style could print (or citeproc-js read as "key: value").
    assert "note" not in item


def test_seed_item(seed_doc: Document, validator: Any) -> None:
    item = written(seed_doc)[0]
    assert_valid(validator, [item])
    assert item["citation-key"] == "lendman2017trump"
    assert item["title"] == "The Trump-Putin Phone Call: New US-Russia Partnership? Hold the Cheers!"
    assert item["author"] == [{"family": "Lendman", "given": "Stephen"}]
    assert item["container-title"] == "Global Research"
    assert "publisher" not in item
    assert item["custom"]["publisher"] == "Centre for Research on Globalization"
    assert item["issued"] == {"date-parts": [[2017, 1, 29]]}
    assert item["keyword"] == "Russia and FSU, USA"
    assert item["language"] == "en"
    assert "accessed" not in item and "note" not in item
    rights = item["custom"]["rights"]
    assert rights["statement"] == "Copyright © Stephen Lendman, Global Research, 2017"
    assert rights["source"] == "The original source of this article is Global Research"
    assert rights["holders"] == ["Stephen Lendman", "Global Research"]


def test_seed_golden(seed_doc: Document, golden: Any) -> None:
    data, _ = write_bytes(seed_doc, get_writer("csl-json"))
    golden("seed.csl.json", data)


def test_accessed_only_when_known() -> None:
    document = doc(date="2017-01-29", url="https://example.org/a")
    assert "accessed" not in written(document)[0]
    item = written(replace(document, metadata=replace(document.metadata, accessed="2020-03-01")))[0]
    assert item["accessed"] == {"date-parts": [[2020, 3, 1]]}


@pytest.mark.parametrize(("date", "parts"),
                         [("2017", [2017]), ("2017-01", [2017, 1]), ("2017-01-29", [2017, 1, 29])])
def test_partial_dates_stay_partial(date: str, parts: list[int]) -> None:
    assert written(doc(date=date))[0]["issued"] == {"date-parts": [parts]}


def test_non_iso_date_is_kept_raw(validator: Any) -> None:
    items = written(doc(date="Winter 2017"))
    assert items[0]["issued"] == {"raw": "Winter 2017"}
    assert_valid(validator, items)


def test_organisation_author_is_literal(validator: Any) -> None:
    org = Author(name="Marler Clark LLP, PS", literal="Marler Clark LLP, PS")
    unsplit = Author(name="Madonna")
    items = written(doc(authors=(org, unsplit)))
    assert items[0]["author"] == [{"literal": "Marler Clark LLP, PS"}, {"literal": "Madonna"}]
    assert_valid(validator, items)


def test_no_author_no_date_no_title(validator: Any) -> None:
    items = written(doc(title=None, site="Example News"))
    item = items[0]
    assert_valid(validator, items)
    assert "author" not in item and "issued" not in item
    assert item["title"] == "Some body text here"
    assert item["custom"]["supplied"] == {"title": "first-words-of-body"}
    assert item["citation-key"] == "examplenewsndsome"


def test_supplied_title_is_reported() -> None:
    _, diagnostics = write_bytes(doc(title=None), get_writer("csl-json"))
    assert any(d.field == "metadata.title" and d.supplied for d in diagnostics)


def test_unsafe_url_is_left_out_and_reported() -> None:
    document = doc(url="javascript:alert(1)")
    data, diagnostics = write_bytes(document, get_writer("csl-json"))
    assert "URL" not in json.loads(data)[0]
    assert b"javascript" not in data
    assert any(d.field == "metadata.url" for d in diagnostics)


def test_keywords_fall_back_to_group_terms() -> None:
    groups = (KeywordGroup(label="Region", terms=("USA", "Russia")),
              KeywordGroup(label="Theme", terms=("USA", "War")))
    assert written(doc(keyword_groups=groups))[0]["keyword"] == "USA, Russia, War"


def test_rights_from_holders_when_no_statement() -> None:
    """The shared copyright line, marked as supplied; the year from the date when none is printed."""
    item = written(replace(doc(), rights=Rights(holders=("Acme, Inc.",), year=2019)))[0]
    assert item["custom"]["rights"]["statement"] == "© 2019 Acme, Inc."
    assert item["custom"]["supplied"] == {"rights.statement": "holders-and-year"}
    dated = written(replace(doc(date="2017-01-29"), rights=Rights(holders=("Jane Doe",))))[0]
    assert dated["custom"]["rights"]["statement"] == "© 2017 Jane Doe"
    assert dated["custom"]["rights"]["year"] == 2017
    assert dated["custom"]["supplied"] == {"rights.statement": "holders-and-year",
                                           "rights.year": "publication-year"}


def test_publisher_is_kept_for_types_whose_reference_names_it() -> None:
    article = doc(site="Jordan Times", publisher="Jordan Press Foundation")
    assert written(article, csl_type="article-newspaper")[0]["publisher"] == "Jordan Press Foundation"
    assert "publisher" not in written(article, csl_type="post-weblog")[0]
    assert written(doc(publisher="Acme"))[0]["publisher"] == "Acme"  # no site: the publisher is the source


def test_publisher_equal_to_site_is_not_repeated() -> None:
    item = written(doc(site="Global Research", publisher="Global Research"))[0]
    assert item["container-title"] == "Global Research" and "publisher" not in item


def test_type_option() -> None:
    assert written(doc(), csl_type="article-newspaper")[0]["type"] == "article-newspaper"
    with pytest.raises(Exception, match=r"csl-type|csl_type"):
        parse_options(CslOptions, {"csl-type": "book-chapter"})


# --------------------------------------------------------------------------------------------
# Keys and collections


def test_collection_keys_unique_in_input_order(validator: Any) -> None:
    first = doc(title="Trump calls Putin", authors=(LENDMAN,), date="2017-01-29")
    second = doc(title="Trump meets Putin", authors=(LENDMAN,), date="2017-06-01")
    other = doc(title="Another story", authors=(LENDMAN,), date="2017-02-01")
    items = csl_items([first, other, second])
    assert [i["citation-key"] for i in items] == [
        "lendman2017trumpa", "lendman2017another", "lendman2017trumpb"]
    assert [i["id"] for i in items] == [i["citation-key"] for i in items]
    assert_valid(validator, items)

    writer = get_writer("csl-json")
    assert writer.write_collection is not None
    import io

    buffer = io.BytesIO()
    writer.write_collection([first, other, second], buffer, CslOptions())
    assert json.loads(buffer.getvalue()) == items


def test_csl_items_is_pure(full_doc: Document) -> None:
    before = repr(full_doc)
    assert csl_items([full_doc]) == csl_items([full_doc])
    assert repr(full_doc) == before


def test_output_is_deterministic(full_doc: Document) -> None:
    writer = get_writer("csl-json")
    assert write_bytes(full_doc, writer)[0] == write_bytes(full_document_copy(full_doc), writer)[0]


def full_document_copy(document: Document) -> Document:
    from citekit.serialise import from_dict, to_dict

    return from_dict(to_dict(document))


# --------------------------------------------------------------------------------------------
# The type choice, checked by rendering with pandoc's citeproc and the shipped styles


def _render(item: dict[str, Any], style: str, tmp_path: Path) -> str:
    style_path = ROOT / "styles" / f"{style}.csl"
    if not style_path.exists():
        if IN_CI:
            pytest.fail(f"{style_path} is missing")
        pytest.skip(f"{style_path} not present")
    from citekit.pandoc import run_pandoc

    bibliography = tmp_path / "refs.json"
    bibliography.write_text(json.dumps([item]), encoding="utf-8")
    output = run_pandoc(
        ["--citeproc", "--bibliography", str(bibliography), "--csl", str(style_path),
         "-t", "markdown-citations", "--wrap=none"],
        b'---\nnocite: "@*"\n---\n', timeout=120)
    return output.decode("utf-8")


# The seed's metadata, built by hand so that these tests check the type choice on their own.
NEWS_SITE_ARTICLE = replace(doc(
    title="The Trump-Putin Phone Call: New US-Russia Partnership? Hold the Cheers!", authors=(LENDMAN,),
    date="2017-01-29", site="Global Research", publisher="Centre for Research on Globalization",
    url="https://www.globalresearch.ca/x/5570000", language="en"),
    rights=Rights(statement="Copyright © Stephen Lendman"))


def test_apa_renders_a_news_website_article_as_apa_prescribes(tmp_path: Path) -> None:
    """APA 7 §10.16: Author. (Date). *Title*. Site Name. URL (title italic, site roman)."""
    item = csl_item(NEWS_SITE_ARTICLE, key="k")
    out = _render(item, "apa", tmp_path)
    assert ("Lendman, S. (2017, January 29). "
            "*The Trump-Putin Phone Call: New US-Russia Partnership? Hold the Cheers!*") in out
    assert "Global Research." in out and "*Global Research*" not in out
    assert "<https://www.globalresearch.ca/x/5570000>" in out
    assert "Copyright" not in out


def test_chicago_renders_website_content_as_chicago_prescribes(tmp_path: Path) -> None:
    """Chicago 17 §14.206: Author. "Title." Site, Month Day, Year. URL. (Chicago adds the owner
    when it differs from the site; the item leaves it out, as ``cite`` does, for APA's sake.)"""
    item = csl_item(NEWS_SITE_ARTICLE, key="k")
    out = _render(item, "chicago-notes-bibliography", tmp_path)
    assert ('Lendman, Stephen. "The Trump-Putin Phone Call: New US-Russia Partnership? Hold the Cheers!"'
            in out.replace("“", '"').replace("”", '"'))
    assert "Global Research, January 29, 2017." in out
    assert "<https://www.globalresearch.ca/x/5570000>" in out
    # The rights note is data for tools, not part of the printed reference.
    assert "Copyright" not in out


def test_cli_type_option_and_stdout() -> None:
    from click.testing import CliRunner

    from citekit.cli import main

    command = ["convert", str(SEED), "--to", "csl-json"]
    result = CliRunner().invoke(main, [*command, "-O", "csl-type=article-newspaper"])
    assert result.exit_code == 0, result.output
    [item] = json.loads(result.stdout)
    assert item["type"] == "article-newspaper"
    bad = CliRunner().invoke(main, [*command, "-O", "csl-type=novel"])
    assert bad.exit_code == 2
