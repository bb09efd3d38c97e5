"""``citekit inspect`` and the batch review page, as a person uses them: every line once with its
kind and rule, the fields and where they came from, flags and sidecar rows that really correct a
field, hostile text shown as text, every reader, and a batch review page that survives reruns.

The same pages in a real browser (screenshots, computed colours, the network log) are in
``test_inspect_browser.py``.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import lxml.html
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console

import citekit
from citekit.batch import load_sidecar
from citekit.cli import main
from citekit.inspector import trace_bytes, trace_document, trace_path
from citekit.inspector.kinds import KINDS, LINK, MUTED, PAGE, PANEL, READER_DECISIONS, TEXT, label
from citekit.inspector.page import page
from citekit.inspector.style import content_security_policy, stylesheet
from citekit.inspector.terminal import render
from citekit.inspector.visible import visible_text
from citekit.normalise import RULES
from conftest import DATA, SEED

HTML_PAGE = DATA / "html" / "body" / "056d7c92d66ac17873cd5daea2416cf1b70057ec395fcb032e1d1f16bcf7150b.html.gz"

HOSTILE = (
    "<script>alert('headline')</script> A Headline With <b>Markup</b>\n\n"
    "By <img src=x onerror=alert(1)> Jane \u202eEvil\u202c Doe\n\n"
    "The first paragraph holds </td></tr></table><iframe src=\"http://evil.example/\"></iframe> and "
    "\"><svg onload=alert(2)> and &amp; &lt;b&gt; entities, long enough to be read as the body of the article.\n\n"
    "A second paragraph with a terminal escape \x1b[31mRED\x1b[0m, a bell \x07, a zero width\u200bspace, "
    "a line\u2028separator, a next-line \x85 and a bidi isolate \u2067isolated\u2069 in the middle of prose.\n\n"
    "Copyright © 2020 <a href='javascript:alert(3)'>Evil Corp</a>\n"
)


def rows(html: str) -> dict[int, lxml.html.HtmlElement]:
    tree = lxml.html.fromstring(html)
    found = {int(tr.get("id")[1:]): tr for tr in tree.xpath("//tr[starts-with(@id, 'L')]")}
    return found


def run(*args: str, input: bytes | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


# --------------------------------------------------------------------------------------------
# The seed's page


@pytest.fixture(scope="module")
def seed_html() -> str:
    return citekit.inspect(SEED)


def test_every_input_line_is_shown_once_with_its_kind_and_rule(seed_html: str) -> None:
    lines = SEED.read_text(encoding="utf-8").split("\n")
    if lines[-1] == "":
        lines.pop()
    shown = rows(seed_html)
    assert sorted(shown) == list(range(1, len(lines) + 1))
    document = citekit.normalise_file(SEED)
    owner = {n: span for span in document.provenance.lines for n in range(span.start_line, span.end_line + 1)}
    tree = lxml.html.fromstring(seed_html)
    for number, line in enumerate(lines, start=1):
        row = shown[number]
        assert row.xpath("string(td[@class='text'])") == line
        if not line.strip():
            assert row.get("data-kind") is None
            continue
        span = owner[number]
        assert row.get("data-rule") == span.rule and span.rule in RULES
        assert row.xpath("string(td[@class='role'])") == label(row.get("data-kind"))
        # The rule and its note stand beside the first line of the run the line belongs to.
        why = tree.xpath(f"//tr[@id='L{span.start_line}']/td[@class='why']")[0]
        assert why.xpath("string(code)") == span.rule and RULES[span.rule].note in why.text_content()
    kinds = {row.get("data-kind") for row in shown.values()} - {None}
    assert {"title", "byline", "dateline", "keywords", "body", "back", "rights", "source", "notice", "removed",
            "duplicate"} <= kinds


def test_fields_panel_says_where_each_value_came_from(seed_html: str) -> None:
    tree = lxml.html.fromstring(seed_html)

    def field(path: str) -> lxml.html.HtmlElement:
        return tree.xpath(f"//section[@data-field='{path}']")[0]

    title = field("metadata.title")
    assert title.get("data-status") == "printed"
    assert title.xpath("string(p[@class='value'])").startswith("The Trump-Putin Phone Call")
    assert title.xpath("string(.//ul[@class='sources']//code)") == "header.first-headline"
    assert title.xpath(".//ul[@class='sources']//a/@href") == ["#L3"]
    site = field("metadata.site")
    assert "site.outlet-and-date (not chosen)" in site.xpath("string(.//ul[@class='alternatives'])")
    assert "Global Research, January 29, 2017" in site.xpath("string(.//ul[@class='alternatives'])")
    assert field("metadata.url").get("data-status") == "missing"
    assert field("metadata.language").get("data-status") == "supplied"
    assert field("rights.holders").get("data-status") == "derived"
    removed = tree.xpath("//section[@id='removed']//tbody/tr")
    assert len(removed) == len(citekit.normalise_file(SEED).removed)
    assert "boilerplate.social.comment-on" in removed[0].text_content() and "social-prompt" in removed[0].text_content()


def _flags(html: str) -> dict[str, str]:
    tree = lxml.html.fromstring(html)
    return {tr.get("data-field"): tr.xpath("string(.//code[@class='set-flag'])")
            for tr in tree.xpath("//section[@id='correct']//tr[@data-field]")}


NEW_VALUES = {
    "metadata.title": "A Corrected Title: It's “quoted” & $HOME",
    "metadata.authors": "Ana María García; Jo Bloggs",
    "metadata.site": "Corrected Site",
    "metadata.publisher": "Corrected Publisher",
    "metadata.date": "2017-01-30",
    "metadata.url": "https://example.org/corrected",
    "metadata.language": "fr",
    "metadata.keywords": "one, two",
    "rights.statement": "Copyright © Someone Else, 2018",
    "rights.holders": "Someone Else",
    "rights.year": "2018",
    "rights.source": "Source: elsewhere",
}


def _values(document: dict[str, object]) -> dict[str, object]:
    meta, rights = document["metadata"], document["rights"]
    assert isinstance(meta, dict) and isinstance(rights, dict)
    out = {f"metadata.{k}": v for k, v in meta.items()} | {f"rights.{k}": v for k, v in rights.items()}
    out["metadata.authors"] = [a["name"] for a in meta.get("authors", [])]
    return out


def test_set_flags_as_shown_change_nothing_and_edited_change_the_field(seed_html: str) -> None:
    flags = _flags(seed_html)
    assert set(NEW_VALUES) <= set(flags)
    original = _values(json.loads(run("normalise", str(SEED))[1]))
    # Copied unchanged (the missing url keeps its placeholder out), every value stays.
    kept = [arg for path, flag in flags.items() if path != "metadata.url" for arg in shlex.split(flag)]
    code, out, err = run("normalise", str(SEED), *kept)
    assert code == 0, err
    unchanged = _values(json.loads(out))
    assert {k: unchanged.get(k) for k in original} == original
    # Edited, as a person would: the value after "=" replaced.
    edited = []
    for path, value in NEW_VALUES.items():
        field, _, _ = shlex.split(flags[path])[1].partition("=")
        edited += shlex.split(f"--set {field}={shlex.quote(value)}")
    code, out, err = run("normalise", str(SEED), *edited)
    assert code == 0, err
    changed = _values(json.loads(out))
    assert changed["metadata.title"] == NEW_VALUES["metadata.title"]
    assert changed["metadata.authors"] == ["Ana María García", "Jo Bloggs"]
    assert changed["metadata.date"] == "2017-01-30" and changed["rights.year"] == 2018
    assert changed["metadata.keywords"] == ["one", "two"] and changed["rights.holders"] == ["Someone Else"]
    for path in ("metadata.site", "metadata.publisher", "metadata.url", "metadata.language", "rights.statement",
                 "rights.source"):
        assert changed[path] == NEW_VALUES[path]


def test_the_sidecar_row_read_by_convert_changes_the_field(seed_html: str, tmp_path: Path) -> None:
    tsv = lxml.html.fromstring(seed_html).xpath("string(//pre[@class='tsv'])")
    header, row = list(csv.reader(io.StringIO(tsv), delimiter="\t"))
    assert header[0] == "file" and row[0] == SEED.name
    cells = dict(zip(header, row, strict=True))
    assert cells["metadata.url"] == ""  # missing: an empty cell supplies nothing
    cells["metadata.title"] = "Title From The Sidecar"
    cells["metadata.date"] = "2017-02-01"
    table = tmp_path / "fixes.tsv"
    with table.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, delimiter="\t", lineterminator="\n")
        writer.writerows([list(cells), list(cells.values())])
    assert dict(load_sidecar(table)[SEED.name])["metadata.title"] == "Title From The Sidecar"
    out = tmp_path / "out"
    code, _, err = run("convert", str(SEED), "--to", "citekit-json", "-o", str(out), "--metadata", str(table))
    assert code == 0, err
    document = json.loads((out / f"{SEED.stem}.citekit.json").read_text(encoding="utf-8"))
    assert document["metadata"]["title"] == "Title From The Sidecar"
    assert document["metadata"]["date"] == "2017-02-01"
    assert document["metadata"]["site"] == "Global Research"  # unchanged cells give the same value


def test_page_is_self_contained_small_and_deterministic(seed_html: str) -> None:
    assert len(seed_html.encode("utf-8")) < 200_000
    assert citekit.inspect(SEED) == seed_html
    tree = lxml.html.fromstring(seed_html)
    assert not tree.xpath("//script | //img | //iframe | //object | //embed | //link | //svg | //form")
    assert not tree.xpath("//@src | //@style | //@*[starts-with(name(), 'on')]")
    assert all(href.startswith("#") for href in tree.xpath("//a/@href"))
    csp = tree.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")
    assert csp == [content_security_policy()] and "default-src 'none'" in csp[0]
    assert tree.xpath("string(//style)") == stylesheet()


# --------------------------------------------------------------------------------------------
# Hostile text


def test_hostile_article_text_prints_as_text(tmp_path: Path) -> None:
    source = tmp_path / "hostile.txt"
    source.write_text(HOSTILE, encoding="utf-8")
    html = citekit.inspect(source)
    tree = lxml.html.fromstring(html)
    assert not tree.xpath("//script | //img | //iframe | //svg | //b | //td//a[not(starts-with(@href, '#'))]")
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u2028\u202a-\u202e\u2066-\u2069]", html)
    lines = HOSTILE.split("\n")[:-1]
    for number, row in rows(html).items():
        assert row.xpath("string(td[@class='text'])") == visible_text(lines[number - 1])
    text = tree.text_content()
    assert "<script>alert('headline')</script>" in text and "[U+202E RLO]Evil[U+202C PDF]" in text
    assert "[U+001B ESC][31mRED[U+001B ESC][0m" in text and "&amp; &lt;b&gt;" in text
    # The correction box quotes the hostile title for the shell and shows it as text too.
    flag = _flags(html)["metadata.title"]
    assert shlex.split(flag)[1].startswith("metadata.title=")


def test_hostile_text_cannot_drive_the_terminal(tmp_path: Path) -> None:
    source = tmp_path / "hostile.txt"
    source.write_text(HOSTILE, encoding="utf-8")
    stream = io.StringIO()
    render(trace_path(source), Console(file=stream, width=160, color_system=None, force_terminal=False))
    shown = stream.getvalue()
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", shown)
    assert "[U+001B ESC][31mRED" in shown and "<script>alert('headline')</script>" in shown


@given(st.lists(st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=60), min_size=1,
                max_size=12))
def test_any_text_gives_one_row_per_line_holding_it(lines: list[str]) -> None:
    data = "\n".join(line.replace("\n", " ").replace("\r", " ") for line in lines).encode("utf-8")
    try:
        trace = trace_bytes(data, name="any.txt", reader="text")
    except citekit.errors.CitekitError:
        return  # text the reader refuses (NUL, binary-looking) is an error, not a page
    html = page(trace)
    shown = rows(html)
    assert trace.lines is not None and sorted(shown) == list(range(1, len(trace.lines) + 1))
    for number, line in enumerate(trace.lines, start=1):
        assert shown[number].xpath("string(td[@class='text'])") == visible_text(line)


# --------------------------------------------------------------------------------------------
# Colours


def contrast(a: str, b: str) -> float:
    """The WCAG 2 contrast ratio of two #rrggbb colours."""

    def luminance(colour: str) -> float:
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("scheme", [0, 1], ids=["light", "dark"])
def test_every_colour_pair_meets_wcag_aa(scheme: int) -> None:
    for kind, (_, colours) in KINDS.items():
        chip, ink, row = (colours.chip, colours.ink, colours.row) if scheme == 0 else \
            (colours.dark_chip, colours.dark_ink, colours.dark_row)
        assert contrast(chip, ink) >= 4.5, kind
        for foreground in (TEXT[scheme], MUTED[scheme], LINK[scheme]):
            assert contrast(row, foreground) >= 4.5, (kind, foreground)
    for background in (PAGE[scheme], PANEL[scheme]):
        for foreground in (TEXT[scheme], MUTED[scheme], LINK[scheme]):
            assert contrast(background, foreground) >= 4.5, (background, foreground)


def test_colour_is_never_the_only_sign() -> None:
    labels = [label for label, _ in KINDS.values()]
    assert len(set(labels)) == len(labels) and all(labels)


# --------------------------------------------------------------------------------------------
# Every reader


def test_html_page_shows_the_extracted_text_and_the_source_that_won() -> None:
    trace = trace_path(HTML_PAGE)
    assert trace.reader == "html" and trace.lines is not None
    html = page(trace)
    shown = rows(html)
    assert sorted(shown) == list(range(1, len(trace.lines) + 1))
    assert shown[1].xpath("string(td[@class='text'])") == trace.document.metadata.title
    assert {row.get("data-rule") for row in shown.values()} - {None} <= set(RULES) | set(READER_DECISIONS)
    tree = lxml.html.fromstring(html)
    title = tree.xpath("//section[@data-field='metadata.title']")[0]
    assert title.xpath("string(.//ul[@class='sources']//code)").startswith("json-ld:headline (weighted agreement")
    assert "extracted" in tree.xpath("string(//p[@class='origin'])")


def test_markdown_and_pandoc_readers_show_the_text_their_rules_read(tmp_path: Path) -> None:
    import pypandoc

    markdown = tmp_path / "post.md"
    markdown.write_text("---\ntitle: A Post In Markdown\ndate: 2021-03-04\nauthor: Ana Ruiz\n---\n\n"
                        "The first paragraph is long enough to be read as the body of the article by the "
                        "normaliser, and it goes on.\n\nCopyright © 2021 Ana Ruiz\n", encoding="utf-8")
    docx = tmp_path / "post.docx"
    pypandoc.convert_file(str(markdown), "docx", outputfile=str(docx), sandbox=True)
    for path, reader, date_rule in ((markdown, "markdown", "front-matter:date"), (docx, "docx", "docx:date")):
        trace = trace_path(path)
        assert trace.reader == reader and trace.lines is not None
        tree = lxml.html.fromstring(page(trace))
        texts = [tr.xpath("string(td[@class='text'])") for tr in tree.xpath("//tr[starts-with(@id, 'L')]")]
        assert texts[0] == "A Post In Markdown"
        assert "Copyright © 2021 Ana Ruiz" in texts
        copyright_row = tree.xpath("//tr[td[@class='text']='Copyright © 2021 Ana Ruiz']")[0]
        assert copyright_row.get("data-kind") == "rights" and copyright_row.get("data-rule") == "rights.copyright"
        date = tree.xpath("//section[@data-field='metadata.date']")[0]
        assert date_rule in date.xpath("string(.//ul[@class='sources'])")
        # A field the text rules filled links to the line of the laid-out text they read it from.
        statement = tree.xpath("//section[@data-field='rights.statement']")[0]
        assert statement.xpath("string(.//ul[@class='sources']//code)") == "text:rights.copyright"
        assert statement.xpath(".//ul[@class='sources']//a/@href") == [f"#{copyright_row.get('id')}"]


def test_document_json_and_bare_documents_show_their_recorded_roles(tmp_path: Path) -> None:
    document = citekit.normalise_file(SEED)
    stored = tmp_path / "seed.citekit.json"
    stored.write_bytes(citekit.write(document, "citekit-json"))
    trace = trace_path(stored)
    assert trace.lines is None and len(trace.marks) == len(document.provenance.lines)
    tree = lxml.html.fromstring(page(trace))
    assert [tr.get("data-rule") for tr in tree.xpath("//table[@class='lines']//tr[@data-rule]")] == \
        [span.rule for span in document.provenance.lines]
    with_text = trace_document(document, text=SEED.read_text(encoding="utf-8"))
    assert citekit.inspect(document, text=SEED.read_text(encoding="utf-8")) == page(with_text)
    assert len(rows(page(with_text))) == len(with_text.lines or ())


# --------------------------------------------------------------------------------------------
# The command


def test_inspect_command_writes_the_page_prints_the_terminal_rendering_and_the_row(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "seed.html"
    code, out, err = run("inspect", str(SEED), "-o", str(target))
    assert code == 0 and out == "" and err == ""
    assert target.read_text(encoding="utf-8") == citekit.inspect(SEED)
    code, out, _ = run("inspect", str(SEED))  # not a terminal: the page on stdout
    assert code == 0 and out.startswith("<!DOCTYPE html>")
    code, out, _ = run("inspect", str(SEED), "--format", "terminal")
    assert code == 0 and "header.first-headline" in out and "--set metadata.date=2017-01-29" in out
    code, out, _ = run("inspect", str(SEED), "--format", "tsv")
    assert code == 0 and out.splitlines()[1].startswith(SEED.name + "\t")
    code, out, _ = run("inspect", "-", "--format", "tsv", input=SEED.read_bytes())
    assert code == 0 and out.splitlines()[1].startswith("<stdin>\t")
    code, out, _ = run("inspect", str(SEED), "--set", "date=2017-02-02", "--format", "tsv")
    assert "2017-02-02" in out.splitlines()[1]


def test_inspect_command_errors_name_the_file(tmp_path: Path) -> None:
    code, out, err = run("inspect", str(tmp_path / "nope.txt"))
    assert code == 1 and out == "" and "nope.txt" in err
    code, _, err = run("inspect", str(SEED), "--set", "titel=x")
    assert code == 2 and "metadata.title" in err
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, _, err = run("inspect", str(SEED), "-o", str(blocker / "page.html"))
    assert code == 3 and "cannot write" in err


# --------------------------------------------------------------------------------------------
# The batch review page


def test_review_page_links_every_input_with_something_to_check(tmp_path: Path) -> None:
    broken = tmp_path / "broken.txt"
    broken.write_bytes(b"%PDF-1.4 not text")
    out = tmp_path / "out"
    code, _, err = run("convert", str(SEED), str(HTML_PAGE), str(broken), "--to", "csl-json", "-o", str(out),
                       "--review", "--jobs", "1")
    assert code == 1
    assert f"see {out / 'citekit-review.html'}" in err
    tree = lxml.html.fromstring((out / "citekit-review.html").read_text(encoding="utf-8"))
    groups = {section.xpath("string(details/summary/text())").strip(): section
              for section in tree.xpath("//section[@class='group']")}
    assert next(iter(groups)) == "failed" and "broken.txt" in groups["failed"].text_content()
    assert "PDF" in groups["failed"].text_content()
    assert str(SEED) in groups["missing url"].text_content()
    links = tree.xpath("//a[@class='inspect']/@href")
    assert links and all((out / link).is_file() for link in links)
    assert {link.split("/")[0] for link in links} == {".citekit-inspect"}
    report = json.loads((out / "citekit-report.json").read_text(encoding="utf-8"))
    seed_entry = next(e for e in report["inputs"] if e["source"] == str(SEED))
    page_record = next(o for o in seed_entry["outputs"] if o["format"] == "inspect")
    assert (out / page_record["path"]).read_text(encoding="utf-8") == \
        page(trace_bytes(SEED.read_bytes(), name=SEED.name, source=str(SEED), key=str(SEED)))
    by_count = tree.xpath("//div[@id='by-count']//tbody/tr")
    counts = [int(tr.xpath("string(td[3])")) for tr in by_count]
    assert counts == sorted(counts, reverse=True)
    names = [tr.xpath("string(td[1])") for tr in tree.xpath("//div[@id='by-name']//tbody/tr")]
    assert names == sorted(names)


def test_review_pages_are_outputs_a_rerun_keeps_or_redoes(tmp_path: Path) -> None:
    out = tmp_path / "out"
    inputs = [str(SEED), str(HTML_PAGE)]
    first = citekit.convert(inputs, to="ris", out_dir=out, jobs=1, review=True)
    assert first.review_page == out / "citekit-review.html" and first.totals.converted == 2
    pages = sorted((out / ".citekit-inspect").iterdir())
    assert len(pages) == 2
    again = citekit.convert(inputs, to="ris", out_dir=out, jobs=1, review=True)
    assert again.totals.skipped == 2 and again.review_page is not None
    pages[0].unlink()  # a page gone: that input is redone, the other stays up to date
    third = citekit.convert(inputs, to="ris", out_dir=out, jobs=1, review=True)
    assert third.totals.converted == 1 and third.totals.skipped == 1 and pages[0].is_file()
    plain = citekit.convert(inputs, to="ris", out_dir=tmp_path / "plain", jobs=1)
    assert plain.review_page is None and not (tmp_path / "plain" / ".citekit-inspect").exists()
    with_review = citekit.convert(inputs, to="ris", out_dir=tmp_path / "plain", jobs=1, review=True)
    assert with_review.totals.converted == 2  # the pages were missing: both inputs are redone


def test_review_in_a_process_pool_and_from_a_dataset(tmp_path: Path) -> None:
    dataset = tmp_path / "rows.jsonl"
    dataset.write_text("\n".join(json.dumps({"id": f"r{n}", "text": SEED.read_text(encoding="utf-8")})
                                 for n in range(3)) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    result = subprocess.run([sys.executable, "-m", "citekit.cli", "convert", str(dataset), "--id-column", "id",
                             "--to", "csl-json", "-o", str(out), "--review", "--jobs", "2", "--quiet"],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    pages = sorted(p.name for p in (out / ".citekit-inspect").iterdir())
    assert pages == ["r0.html", "r1.html", "r2.html"]
    tsv = lxml.html.fromstring((out / ".citekit-inspect" / "r1.html").read_text(encoding="utf-8")).xpath(
        "string(//pre[@class='tsv'])")
    assert tsv.splitlines()[1].startswith(f"{dataset}#r1\t")


def test_a_killed_review_batch_resumes_from_its_journal(tmp_path: Path) -> None:
    out = tmp_path / "out"
    inputs = [str(SEED), str(HTML_PAGE), str(DATA / "corpus" / "articles" / "alternet-002.txt")]

    def stop_after_first(entry: object) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        citekit.convert(inputs, to="csl-json", out_dir=out, jobs=1, review=True, on_input=stop_after_first)
    assert (out / ".citekit-journal.jsonl").is_file() and not (out / "citekit-review.html").exists()
    assert len(list((out / ".citekit-inspect").iterdir())) == 1
    # What a SIGKILL mid-write leaves in the pages' directory is swept by the next run.
    planted = out / ".citekit-inspect" / f".x.html.{2**22 + 7}.part"
    planted.write_bytes(b"half a page")
    resumed = citekit.convert(inputs, to="csl-json", out_dir=out, jobs=1, review=True)
    assert resumed.totals.skipped == 1 and resumed.totals.converted == 2 and not planted.exists()
    tree = lxml.html.fromstring((out / "citekit-review.html").read_text(encoding="utf-8"))
    linked = set(tree.xpath("//a[@class='inspect']/@href"))
    to_check = [entry for entry in resumed.inputs if entry.review]
    assert len(to_check) == 2 and len(linked) == 2 and all((out / href).is_file() for href in linked)
    assert len(list((out / ".citekit-inspect").iterdir())) == 3  # every input has its page


def test_on_a_terminal_inspect_prints_the_compact_rendering() -> None:
    import os
    import pty

    controller, terminal = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "citekit.cli", "inspect", str(SEED)], stdout=terminal,
                               stderr=subprocess.PIPE, env={**os.environ, "COLUMNS": "140"})
    os.close(terminal)
    shown = b""
    while True:  # read as it comes: a full terminal buffer would block the child
        try:
            chunk = os.read(controller, 1 << 16)
        except OSError:  # EIO: the child has exited and its output is drained
            break
        if not chunk:
            break
        shown += chunk
    os.close(controller)
    process.wait(timeout=120)
    assert process.stderr is not None
    process.stderr.close()
    text = shown.decode("utf-8", "replace")
    assert process.returncode == 0
    assert "<!DOCTYPE" not in text and "header.first-headline" in text and "date line" in text
    assert "--set metadata.date=2017-01-29" in text


def test_a_hostile_saved_page_prints_as_text(tmp_path: Path) -> None:
    hostile = tmp_path / "hostile.html"
    hostile.write_text(
        "<!DOCTYPE html><html><head><title>&lt;script&gt;alert(1)&lt;/script&gt; A Title \u202eReversed</title>"
        '<meta property="og:title" content="&lt;img src=x onerror=alert(2)&gt; A Title">'
        '<meta name="author" content="Jane &lt;b&gt;Doe&lt;/b&gt;"></head><body><article>'
        "<p>The body holds &lt;script&gt;alert(3)&lt;/script&gt; as text, and enough words "
        "to be read as a paragraph of the article by the reader and the rules alike.</p>"
        + "".join(f"<p>Paragraph {n} goes on about the matter at hand, with sentences long enough for an "
                  "extractor to take it for the main content of the page rather than its navigation, and "
                  "a \u202eright-to-left override\u202c in it.</p>" for n in range(4)) +
        "<p>Copyright © 2021 &lt;i&gt;Someone&lt;/i&gt;</p></article></body></html>", encoding="utf-8")
    trace = trace_path(hostile)
    html = page(trace)
    tree = lxml.html.fromstring(html)
    assert not tree.xpath("//script | //img | //b | //i[not(ancestor::footer)]")
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]", html)
    assert trace.lines is not None
    for number, row in rows(html).items():
        assert row.xpath("string(td[@class='text'])") == visible_text(trace.lines[number - 1])
    assert "<script>alert(3)</script>" in tree.text_content()


def test_hostile_input_names_print_as_text_on_the_review_page(tmp_path: Path) -> None:
    from urllib.parse import unquote

    folder = tmp_path / "in"
    folder.mkdir()
    name = "<b>bold<b> & \"quoted\" #1 ?x \u202eevil.txt"
    (folder / name).write_text("Some Headline Here\n\nA body paragraph with enough words to count as the "
                               "body of an article for the normaliser to read.\n", encoding="utf-8")
    out = tmp_path / "out"
    report = citekit.convert([folder], to="ris", out_dir=out, jobs=1, review=True)
    assert report.review_page is not None
    html = report.review_page.read_text(encoding="utf-8")
    tree = lxml.html.fromstring(html)
    assert not tree.xpath("//b") and "\u202e" not in html
    link = tree.xpath("//a[@class='inspect']")[0]
    assert "<b>bold<b>" in link.text_content() and "[U+202E RLO]" in link.text_content()
    assert (out / unquote(link.get("href"))).is_file()
