"""BibLaTeX and BibTeX writers: round trip through bibtexparser, escaping, keys, CLI.

The decoding rule that undoes the writers' encoding (stated here, independent of the writer's
code, so the round trip checks the encoding rather than restating it):

1. bibtexparser's default parse stack strips the outer braces of every value;
2. ``\\textX{}`` commands become their character (``\\textbackslash{}`` → ``\\``,
   ``\\textbraceleft{}`` → ``{``, ``\\textasciitilde{}`` → ``~`` …) and ``\\&``-style escapes
   become the bare character (``& % $ # _``);
3. every other brace is protection (capitals in titles, organisation names) and is dropped;
4. the name lists ``author`` and ``organization`` are split on `` and `` outside braces; each
   person is ``Family, Given``, each organisation one braced group;
5. ``url``/``date``/``urldate`` are verbatim, and ``howpublished`` is ``\\url{URL}`` verbatim.

Values are compared after the writer's one documented normalisation: whitespace runs → one space.
"""

from __future__ import annotations

import io
import re
import subprocess
from dataclasses import replace
from pathlib import Path
from typing import Any

import bibtexparser
import pytest
from click.testing import CliRunner

from citekit.cli import main
from citekit.derive import display_title
from citekit.model import Author, Document, Metadata, Para, Rights, Str
from citekit.writers import WriterOptions, get_writer, write_bytes
from conftest import SEED, corpus_files, require_tool

COMMANDS = {
    "textbackslash": "\\", "textbraceleft": "{", "textbraceright": "}", "textasciitilde": "~",
    "textasciicircum": "^", "textless": "<", "textgreater": ">",
}
TOKEN = re.compile(r"\\([a-z]+)\{\}|\\([&%$#_])|([{}])|(.)", re.DOTALL)
HOSTILE = r"50% & $5 #1 {x} ~ ^ \ "


def decode(value: str) -> str:
    """Rules 2 and 3 of the module docstring."""
    out = []
    for match in TOKEN.finditer(value):
        command, escaped, brace, char = match.groups()
        if command is not None:
            assert command in COMMANDS, f"unexpected command \\{command}"
            out.append(COMMANDS[command])
        elif escaped is not None:
            out.append(escaped)
        elif brace is not None:
            continue
        else:
            out.append(char)
    return "".join(out)


def split_names(value: str) -> list[str]:
    """Rule 4: split on " and " at brace depth 0."""
    names, depth, start = [], 0, 0
    for index, char in enumerate(value):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth == 0 and value.startswith(" and ", index):
            names.append(value[start:index])
            start = index + 5
    names.append(value[start:])
    return [decode(n) for n in names]


def expected_name(author: Author) -> str:
    if author.literal is None and author.family:
        return f"{author.family}, {author.given}" if author.given else author.family
    return author.literal or author.name


def one_line(text: str) -> str:
    return " ".join(text.split())


def entries(data: bytes) -> list[Any]:
    library = bibtexparser.parse_string(data.decode("utf-8"))
    assert not library.failed_blocks, [b.error for b in library.failed_blocks]
    return list(library.entries)


def fields(entry: Any) -> dict[str, str]:
    return {f.key: f.value for f in entry.fields}


def bib(document: Document, fmt: str) -> bytes:
    return write_bytes(document, get_writer(fmt))[0]


def doc(title: str | None = "A Title", authors: tuple[Author, ...] = (), date: str | None = None,
        **meta: Any) -> Document:
    return Document(metadata=Metadata(title=title, authors=authors, date=date, **meta),
                    body=(Para(content=(Str(text="Some body text here."),)),))


def bibtex_braces_balanced(text: str) -> bool:
    """BibTeX and biber count every brace, escaped or not: a value must stay balanced that way."""
    depth = 0
    for char in text:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


LENDMAN = Author(name="Stephen Lendman", given="Stephen", family="Lendman")


# --------------------------------------------------------------------------------------------
# Round trip


def test_biblatex_round_trip_full_doc(full_doc: Document) -> None:
    data = bib(replace(full_doc, metadata=replace(full_doc.metadata, accessed="2020-03-01")), "biblatex")
    [entry] = entries(data)
    assert entry.entry_type == "online" and entry.key == "garcia2017trade"
    got = fields(entry)
    meta = full_doc.metadata
    assert split_names(got["author"]) == [expected_name(a) for a in meta.authors]
    assert decode(got["title"]) == meta.title
    assert decode(got["subtitle"]) == meta.subtitle
    # The site prints after the title (titleaddon); booktitle repeats it for Zotero and citation.js;
    # a web page's publisher is not in its reference (see the writer's docstring).
    assert decode(got["titleaddon"]) == decode(got["booktitle"]) == meta.site
    assert "organization" not in got and "publisher" not in got
    assert got["date"] == "2017-01-29"
    assert got["urldate"] == "2020-03-01"
    assert got["url"] == meta.url
    assert got["langid"] == "english"
    assert decode(got["keywords"]) == ", ".join(meta.keywords)
    assert "addendum" not in got and "note" not in got  # nothing about rights in a printed field
    rights = decode(got["copyright"])
    assert rights.startswith(full_doc.rights.statement or "-")
    assert (full_doc.rights.license or "-") in rights and (full_doc.rights.source or "-") in rights


def test_bibtex_round_trip_full_doc(full_doc: Document) -> None:
    data = bib(replace(full_doc, metadata=replace(full_doc.metadata, accessed="2020-03-01")), "bibtex")
    [entry] = entries(data)
    assert entry.entry_type == "misc" and entry.key == "garcia2017trade"
    got = fields(entry)
    meta = full_doc.metadata
    assert split_names(got["author"]) == [expected_name(a) for a in meta.authors]
    assert decode(got["title"]) == f"{meta.title}: {meta.subtitle}"
    assert got["howpublished"] == f"\\url{{{meta.url}}}"
    assert got["year"] == "2017"
    assert got["month"] == "jan"
    assert "month = jan," in data.decode("utf-8"), "month must be BibTeX's macro, unbraced"
    # The printed note names the site and the access date, and nothing about rights.
    assert decode(got["note"]) == "Example Review. Accessed March 1, 2020."
    assert got["url"] == meta.url and got["date"] == "2017-01-29"
    assert decode(got["publisher"]) == meta.site and "organization" not in got and "booktitle" not in got
    rights = decode(got["copyright"])
    assert rights.startswith(full_doc.rights.statement or "-")
    assert (full_doc.rights.source or "-") in rights


@pytest.mark.parametrize("fmt", ["biblatex", "bibtex"])
@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.stem)
def test_every_corpus_document_round_trips(path: Path, fmt: str) -> None:
    from citekit.readers import read_path

    document = read_path(path)
    data = bib(document, fmt)
    [entry] = entries(data)
    got = fields(entry)
    for value in got.values():
        assert bibtex_braces_balanced(value), value
    meta = document.metadata
    title = one_line(display_title(document).value)
    if fmt == "biblatex":
        assert decode(got["title"]) == title
    else:
        assert decode(got["title"]).startswith(title)
    if meta.authors:
        assert split_names(got["author"]) == [one_line(expected_name(a)) for a in meta.authors]
    else:
        assert "author" not in got


# --------------------------------------------------------------------------------------------
# Escaping and protection


@pytest.mark.parametrize("fmt", ["biblatex", "bibtex"])
def test_hostile_title_is_escaped(fmt: str) -> None:
    data = bib(doc(title=HOSTILE, site="50% & Co_{x}"), fmt)
    text = data.decode("utf-8")
    [entry] = entries(data)
    got = fields(entry)
    raw_title = got["title"]
    assert decode(raw_title) == one_line(HOSTILE)
    # No special character is left bare: each is escaped or part of a \text…{} command.
    bare = re.sub(r"\\[a-z]+\{\}|\\[&%$#_]", "", raw_title)
    assert not re.search(r"[&%$#_~^\\]", bare), raw_title
    assert bibtex_braces_balanced(raw_title)
    assert bibtex_braces_balanced(text)
    assert "\\{" not in text and "\\}" not in text


def test_capitals_are_brace_protected_in_titles() -> None:
    [entry] = entries(bib(doc(title="The Trump-Putin Call: US-Russia Talks on iPhone tariffs"), "biblatex"))
    raw = fields(entry)["title"]
    assert raw == "{The} {Trump-Putin} {Call}: {US-Russia} {Talks} on {iPhone} tariffs"
    depth = 0
    for char in raw:
        depth += {"{": 1, "}": -1}.get(char, 0)
        assert not (char.isupper() and depth == 0), f"unprotected capital in {raw}"


def test_non_ascii_is_kept_as_utf8(full_doc: Document) -> None:
    text = bib(full_doc, "biblatex").decode("utf-8")
    assert "García" in text and "{Ünïcödé}" in text and "“{Test}”" in text


def test_url_with_braces_and_spaces_is_percent_encoded() -> None:
    document = doc(url="https://example.org/a b/{x}?q=50%25&r=#frag")
    [entry] = entries(bib(document, "biblatex"))
    assert fields(entry)["url"] == "https://example.org/a%20b/%7Bx%7D?q=50%25&r=#frag"
    [entry] = entries(bib(document, "bibtex"))
    assert fields(entry)["howpublished"] == "\\url{https://example.org/a%20b/%7Bx%7D?q=50%25&r=#frag}"


def test_unsafe_url_is_left_out() -> None:
    for fmt in ("biblatex", "bibtex"):
        data = bib(doc(url="javascript:alert(1)"), fmt)
        assert b"javascript" not in data


def test_newlines_and_control_characters_do_not_break_fields() -> None:
    document = replace(doc(title="Line one\n\nline two\x07"), rights=Rights(statement="Copyright ©\n 2017 X"))
    for fmt in ("biblatex", "bibtex"):
        [entry] = entries(bib(document, fmt))
        got = fields(entry)
        assert decode(got["title"]) == "Line one line two"
        assert "\n" not in got["title"]


# --------------------------------------------------------------------------------------------
# Authors, missing values, keys


@pytest.mark.parametrize("fmt", ["biblatex", "bibtex"])
def test_organisation_authors_stay_whole(fmt: str) -> None:
    authors = (Author(name="Marler Clark LLP, PS", literal="Marler Clark LLP, PS"),
               Author(name="Smith and Sons", literal="Smith and Sons"),
               Author(name="Ludwig van Beethoven", given="Ludwig", family="van Beethoven"))
    [entry] = entries(bib(doc(authors=authors), fmt))
    raw = fields(entry)["author"]
    assert raw.startswith("{Marler Clark LLP, PS} and {Smith and Sons} and ")
    assert split_names(raw) == ["Marler Clark LLP, PS", "Smith and Sons", "van Beethoven, Ludwig"]


@pytest.mark.parametrize("fmt", ["biblatex", "bibtex"])
def test_no_author_no_date(fmt: str) -> None:
    data, diagnostics = write_bytes(doc(title="Untitled piece", site="Example News"), get_writer(fmt))
    [entry] = entries(data)
    got = fields(entry)
    assert entry.key == "examplenewsnduntitled"
    assert not {"author", "date", "year", "month", "urldate"} & set(got)
    assert {d.field for d in diagnostics} >= {"metadata.authors", "metadata.date"}


def test_urldate_only_when_accessed_known() -> None:
    document = doc(date="2017-01", url="https://example.org/a")
    [entry] = entries(bib(document, "biblatex"))
    got = fields(entry)
    assert "urldate" not in got and got["date"] == "2017-01"
    [entry] = entries(bib(document, "bibtex"))
    got = fields(entry)
    assert got["month"] == "jan" and "Accessed" not in got.get("note", "")


@pytest.mark.parametrize("fmt", ["biblatex", "bibtex"])
def test_collection_keys_unique_in_input_order(fmt: str) -> None:
    first = doc(title="Trump calls Putin", authors=(LENDMAN,), date="2017-01-29")
    other = doc(title="Another story", authors=(LENDMAN,), date="2017")
    second = doc(title="Trump meets Putin", authors=(LENDMAN,), date="2017-06-01")
    writer = get_writer(fmt)
    assert writer.write_collection is not None
    buffer = io.BytesIO()
    writer.write_collection([first, other, second], buffer, WriterOptions())
    got = entries(buffer.getvalue())
    assert [e.key for e in got] == ["lendman2017trumpa", "lendman2017another", "lendman2017trumpb"]
    assert [decode(fields(e)["title"]).split(":")[0] for e in got] == [
        "Trump calls Putin", "Another story", "Trump meets Putin"]


@pytest.mark.parametrize("fmt", ["biblatex", "bibtex"])
def test_output_is_deterministic(full_doc: Document, fmt: str) -> None:
    from citekit.serialise import from_dict, to_dict

    assert bib(full_doc, fmt) == bib(from_dict(to_dict(full_doc)), fmt)


# --------------------------------------------------------------------------------------------
# biber, the program that reads biblatex files for LaTeX


# Fields written on purpose outside @online's data model, for readers other than biblatex (see
# citekit.writers.bibtex): biber names them when validating and otherwise ignores them.
DELIBERATE = (
    "Invalid field 'booktitle' for entrytype 'online'",  # the site, for Zotero and citation.js
    "Field 'copyright' invalid in data model - ignoring",  # the rights, Zotero's Rights field
)


def test_biber_reads_every_entry_and_finds_no_invalid_field(full_doc: Document, tmp_path: Path) -> None:
    """biber's tool mode parses the file and checks it against biblatex's data model.

    Missing mandatory fields (a corpus article without date or URL) are the article's gaps and
    stay warnings; the three deliberate fields are expected; any other field @online does not
    allow, or a parse error, is the writer's fault.
    """
    require_tool("biber")
    from citekit.readers import read_path

    complete = replace(full_doc, metadata=replace(full_doc.metadata, accessed="2020-03-01"))
    hostile = doc(title=HOSTILE, authors=(LENDMAN,), date="2017", site="50% & Co_{x}",
                  url="https://example.org/a b/{x}?q=50%25&r=#frag")
    documents = [complete, hostile, *(read_path(p) for p in corpus_files())]
    buffer = io.BytesIO()
    writer = get_writer("biblatex")
    assert writer.write_collection is not None
    writer.write_collection(documents, buffer, WriterOptions())
    source = tmp_path / "refs.bib"
    source.write_bytes(buffer.getvalue())
    command = ["biber", "--tool", "--validate-datamodel", "--output-file=checked.bib", "refs.bib"]
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    log = result.stdout + result.stderr
    assert result.returncode == 0, log
    problems = [line for line in log.splitlines() if line.startswith(("ERROR", "WARN"))
                and "Missing mandatory field" not in line and not line.endswith(DELIBERATE)]
    assert not problems, "\n".join(problems)
    # The two hand-built documents have every mandatory field: no other warning for them.
    for key in ("garcia2017trade", "lendman201750"):
        assert f"@online{{{key},\n" in buffer.getvalue().decode("utf-8")
        assert not [line for line in log.splitlines() if f"Entry '{key}' " in line and not line.endswith(DELIBERATE)]
    checked = entries((tmp_path / "checked.bib").read_bytes())
    assert len(checked) == len(documents)


def test_bibtex_program_reads_every_entry_without_warning(full_doc: Document, tmp_path: Path) -> None:
    """Classic bibtex with plain.bst formats the whole file: no error, no warning, month macro expanded."""
    require_tool("bibtex")
    from citekit.readers import read_path

    complete = replace(full_doc, metadata=replace(full_doc.metadata, accessed="2020-03-01"))
    hostile = doc(title=HOSTILE, authors=(LENDMAN,), date="2017", site="50% & Co_{x}",
                  url="https://example.org/a b/{x}?q=50%25&r=#frag")
    documents = [complete, hostile, doc(title="No author"), *(read_path(p) for p in corpus_files())]
    buffer = io.BytesIO()
    writer = get_writer("bibtex")
    assert writer.write_collection is not None
    writer.write_collection(documents, buffer, WriterOptions())
    (tmp_path / "refs.bib").write_bytes(buffer.getvalue())
    (tmp_path / "refs.aux").write_text("\\relax\n\\citation{*}\n\\bibstyle{plain}\n\\bibdata{refs}\n")
    result = subprocess.run(["bibtex", "refs"], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    log = (tmp_path / "refs.blg").read_text(encoding="utf-8", errors="replace")
    assert result.returncode == 0, log
    assert "Warning--" not in log and "error message" not in log, log
    bbl = (tmp_path / "refs.bbl").read_text(encoding="utf-8")
    assert bbl.count("\\bibitem{") == len(documents)
    assert "\\url{https://example.org/2017/01/trade-tariffs}, January 2017." in bbl
    assert "García" in bbl


# --------------------------------------------------------------------------------------------
# Printed by LaTeX with the standard styles: the reference `cite` gives, no rights, no overfull URL

# biblatex's standard styles share one @online driver (standard.bbx) and differ in labels and
# sorting; BibTeX's four standard styles share one `misc` function (plain, unsrt and abbrv) or differ
# in labels (alpha). One of each kind is printed.
BIBLATEX_STYLES = ("numeric", "authoryear")
BIBTEX_STYLES = ("plain", "alpha")
# A font switch as LaTeX logs it inside an overfull box ("\\TU/lmtt/m/n/10"): \url sets addresses
# in the typewriter face, where they may break after / and .; plain text cannot break there.
_FONT = re.compile(r"\\[A-Z0-9]+/(\w+)/")


def printed_bibliography(documents: list[Document], fmt: str, style: str, tmp_path: Path) -> tuple[str, str]:
    """(the PDF's text, the LaTeX log) of a LuaLaTeX document citing every entry in ``style``."""
    from pypdf import PdfReader

    require_tool("lualatex")
    require_tool("biber" if fmt == "biblatex" else "bibtex")
    buffer = io.BytesIO()
    writer = get_writer(fmt)
    assert writer.write_collection is not None
    writer.write_collection(documents, buffer, WriterOptions())
    (tmp_path / "refs.bib").write_bytes(buffer.getvalue())
    if fmt == "biblatex":
        preamble = f"\\usepackage[style={style},backend=biber]{{biblatex}}\n\\addbibresource{{refs.bib}}\n"
        body, processor = "\\printbibliography\n", ["biber", "paper"]
    else:
        preamble = "\\usepackage{url}\n"
        body, processor = f"\\bibliographystyle{{{style}}}\n\\bibliography{{refs}}\n", ["bibtex", "paper"]
    (tmp_path / "paper.tex").write_text(
        "\\documentclass{article}\n\\usepackage{fontspec}\n" + preamble
        + "\\begin{document}\n\\nocite{*}\n" + body + "\\end{document}\n", encoding="utf-8")
    latex = ["lualatex", "-interaction=nonstopmode", "-halt-on-error", "paper.tex"]
    for command in (latex, processor, latex, latex):
        done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, (command, done.stdout[-3000:])
    log = (tmp_path / "paper.log").read_text(encoding="utf-8", errors="replace")
    text = "".join(page.extract_text() for page in PdfReader(tmp_path / "paper.pdf").pages)
    return re.sub(r"-\n", "", text), log  # words LaTeX hyphenated at a line end, whole again


def overfull_boxes(log: str) -> list[str]:
    """The text LaTeX logs for each overfull line."""
    return [block.split("\n\n", 1)[0] for block in log.split("Overfull \\hbox")[1:]]


def plain_text_urls(box: str) -> list[str]:
    """Addresses an overfull line sets in a text face rather than \\url's typewriter face."""
    found = []
    for match in re.finditer(r"https?\s*:", box):
        fonts = _FONT.findall(box[:match.start()])
        if not fonts or "tt" not in fonts[-1]:
            found.append(box[match.start():match.start() + 60])
    return found


def _printed_documents() -> list[Document]:
    from citekit.readers import read_path

    return [read_path(SEED), *(read_path(p) for p in corpus_files())]


@pytest.mark.parametrize(("fmt", "style"), [*(("biblatex", s) for s in BIBLATEX_STYLES),
                                            *(("bibtex", s) for s in BIBTEX_STYLES)])
def test_standard_styles_print_the_reference_without_rights(fmt: str, style: str, tmp_path: Path) -> None:
    """The issue: `addendum`/`note` printed the copyright line in every reference, and its plain-text
    "Source: URL" ran into the margin (18 overfull lines with biblatex, 11 with bibtex)."""
    from citekit.derive import licence_line, rights_line, source_line

    documents = _printed_documents()
    text, log = printed_bibliography(documents, fmt, style, tmp_path)
    printed = re.sub(r"\s+", "", text)
    for document in documents:
        for rights_text in (rights_line(document), licence_line(document), source_line(document)):
            if len(rights_text) > 12:  # a short attribution ("(Source: X)") may be a site's name
                assert re.sub(r"\s+", "", rights_text) not in printed, f"{style} prints {rights_text!r}"
        site = (document.metadata.site or "").strip()
        if site:
            assert re.sub(r"\s+", "", latex_text(site)) in printed, f"{style} does not print the site {site!r}"
    assert "©" not in text and "Copyright" not in text
    for box in overfull_boxes(log):
        assert not plain_text_urls(box), f"{style}: an address set as plain text runs into the margin: {box}"


def latex_text(text: str) -> str:
    """What LaTeX prints for ``text`` after the writer escaped it (the same characters)."""
    return text


# --------------------------------------------------------------------------------------------
# The seed


def test_seed_biblatex(seed_doc: Document) -> None:
    [entry] = entries(bib(seed_doc, "biblatex"))
    got = fields(entry)
    assert entry.key == "lendman2017trump"
    assert split_names(got["author"]) == ["Lendman, Stephen"]
    assert decode(got["title"]) == "The Trump-Putin Phone Call: New US-Russia Partnership? Hold the Cheers!"
    assert decode(got["titleaddon"]) == decode(got["booktitle"]) == "Global Research"
    assert "publisher" not in got and "organization" not in got
    assert got["date"] == "2017-01-29"
    assert decode(got["keywords"]) == "Russia and FSU, USA"
    assert decode(got["copyright"]) == ("Copyright © Stephen Lendman, Global Research, 2017. "
                                        "The original source of this article is Global Research.")


def test_seed_golden(seed_doc: Document, golden: Any) -> None:
    golden("seed.bibtex.bib", bib(seed_doc, "bibtex"))
    golden("seed.biblatex.bib", bib(seed_doc, "biblatex"))


def test_cli_writes_the_three_bibliographic_files(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["convert", str(SEED), "--to", "csl-json,biblatex,bibtex", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    stem = SEED.stem
    written = {p.name for p in tmp_path.iterdir()}
    assert {f"{stem}.csl.json", f"{stem}.bib", f"{stem}.bibtex.bib"} <= written
    assert not any(name.startswith(stem) and name.endswith(".txt") for name in written)
    assert entries((tmp_path / f"{stem}.bib").read_bytes())[0].entry_type == "online"
    assert entries((tmp_path / f"{stem}.bibtex.bib").read_bytes())[0].entry_type == "misc"
    assert (tmp_path / f"{stem}.csl.json").read_text(encoding="utf-8").lstrip().startswith("[")
