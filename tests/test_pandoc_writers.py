"""DOCX, ODT, Markdown, LaTeX and reStructuredText through pandoc: read back by pandoc, compiled by
pdfLaTeX and LuaLaTeX, the same bytes for the same document, the metadata in each format's place."""

from __future__ import annotations

import io
import json
import subprocess
import zipfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from lxml import etree

from citekit.cli import main
from citekit.derive import labels_for, rights_line
from citekit.errors import OptionError
from citekit.model import (
    Author,
    Block,
    Document,
    Heading,
    Link,
    Metadata,
    Para,
    Rights,
    Rule,
    Str,
    Table,
    plain_blocks,
)
from citekit.pandoc import run_pandoc
from citekit.writers import get_writer, parse_options, write_bytes
from citekit.writers.pandoc.latex import pdflatex_prints
from conftest import CORPUS, SEED, full_document, printed_leaves, require_tool, tiny_png

PANDOC_WRITERS = ("docx", "odt", "markdown", "latex", "rst")
CORPUS_NAMES = ("bibliotecapleyades-008", "alternet-002", "beforeitsnews-028")
CORE = {"cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
        "dc": "http://purl.org/dc/elements/1.1/", "dcterms": "http://purl.org/dc/terms/"}
ODF = {"office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
       "meta": "urn:oasis:names:tc:opendocument:xmlns:meta:1.0", "dc": "http://purl.org/dc/elements/1.1/"}


def _read(path: Path) -> Document:
    from citekit.readers import read_path

    return read_path(path)


def _document(name: str) -> Document:
    if name == "seed":
        return _read(SEED)
    if name == "full":
        return full_document()
    return _read(CORPUS / f"{name}.txt")


def write(document: Document, name: str, **options: Any) -> tuple[bytes, tuple[Any, ...]]:
    writer = get_writer(name)
    return write_bytes(document, writer, writer.options_type(**options))


def _squeeze(text: str) -> str:
    return "".join(text.split())


def _paragraphs(blocks: tuple[Block, ...]) -> list[str]:
    """The text a reader sees of every leaf block (paragraph, heading, code, caption, credit, table
    cell), nested ones included, in reading order; each note reference is its number. Table captions
    are left out: formats place them above or below the table (:func:`_captions` checks them)."""
    leaves = printed_leaves(tuple(_without_table_captions(blocks)))
    return [text for text in leaves if text.strip()]


def _without_table_captions(blocks: tuple[Block, ...]) -> list[Block]:
    return [replace(b, caption=()) if isinstance(b, Table) else b for b in blocks]


def _captions(blocks: tuple[Block, ...]) -> list[str]:
    return [plain_blocks(b.caption) for b in blocks if isinstance(b, Table) and b.caption]


def _in_order(needles: list[str], haystack: str) -> list[str]:
    """The needles not found in ``haystack`` in order (whitespace ignored)."""
    text, position, missing = _squeeze(haystack), 0, []
    for needle in needles:
        found = text.find(_squeeze(needle), position)
        if found < 0:
            missing.append(needle)
        else:
            position = found + len(_squeeze(needle))
    return missing


def _plain(data: bytes, kind: str) -> str:
    """The file's text as pandoc reads it (its JSON AST): every string in document order, captions
    included (pandoc's plain writer leaves figure captions out), each note as its number where it is
    referenced and its text at the end."""
    return _text_of(json.loads(run_pandoc([f"--from={kind}", "--to=json"], data))["blocks"])


def _text_of(blocks: Any) -> str:
    out: list[str] = []
    notes: list[Any] = []

    def walk(node: Any) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict) and "t" in node:
            kind, content = node["t"], node.get("c")
            if kind == "Str":
                out.append(content)
            elif kind in {"Space", "SoftBreak", "LineBreak"}:
                out.append(" ")
            elif kind in {"Code", "CodeBlock"}:
                out.append(content[1] + "\n")
            elif kind == "Note":
                notes.append(content)
                out.append(str(len(notes)))
            else:
                walk(content)
                out.append("\n" if kind in {"Para", "Plain", "Header"} else "")

    walk(blocks)
    for note in notes:  # notes referenced inside notes are appended as they are met
        walk(note)
    return "".join(out)


# --------------------------------------------------------------------------------------------
# DOCX and ODT read back by pandoc


@pytest.mark.parametrize("kind", ["docx", "odt"])
@pytest.mark.parametrize("name", ["seed", "full", *CORPUS_NAMES])
def test_office_files_read_back_with_every_paragraph_and_the_colophon(kind: str, name: str) -> None:
    document = _document(name)
    data, _ = write(document, kind)
    text = _plain(data, kind)
    assert not _in_order(_paragraphs(document.body), text)
    assert all(_squeeze(caption) in _squeeze(text) for caption in _captions(document.body))
    colophon = text[text.index(labels_for(document.metadata.language).colophon):]
    statement = rights_line(document)
    if statement:
        assert _squeeze(statement) in _squeeze(colophon)
    for notice in document.rights.notices:
        assert _squeeze(notice.text)[-40:] in _squeeze(colophon)
    for item in document.back:
        assert not _in_order(_paragraphs(item.blocks), text)


def test_docx_core_properties(seed_doc: Document) -> None:
    data, _ = write(seed_doc, "docx")
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        core = etree.fromstring(package.read("docProps/core.xml"))
        custom = package.read("docProps/custom.xml").decode("utf-8")

    def value(path: str) -> str:
        return " ".join(core.xpath(f"string({path})", namespaces=CORE).split())

    assert value("dc:title") == seed_doc.metadata.title
    assert value("dc:creator") == "Stephen Lendman"
    assert value("dcterms:created") == "2017-01-29T00:00:00Z"
    assert value("dcterms:modified") == "2017-01-29T00:00:00Z"
    assert value("cp:keywords") == "Russia and FSU, USA"
    assert value("dc:subject") == "Russia and FSU, USA"
    assert value("dc:language") == "en"
    assert value("dc:description").startswith("Copyright © Stephen Lendman, Global Research, 2017.")
    assert "The original source of this article is Global Research" in value("dc:description")
    for name in ("site", "publisher", "copyright", "source", "published"):
        assert f'name="{name}"' in custom


def test_odt_document_properties(full_doc: Document) -> None:
    data, _ = write(full_doc, "odt")
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert package.namelist()[0] == "mimetype"
        assert package.getinfo("mimetype").compress_type == zipfile.ZIP_STORED
        meta = etree.fromstring(package.read("meta.xml"))

    def value(path: str) -> str:
        return " ".join(meta.xpath(f"string(//office:meta/{path})", namespaces=ODF).split())

    assert value("dc:title") == full_doc.metadata.title
    assert value("meta:initial-creator") == "Ana María García; Washington's Blog"
    assert value("meta:creation-date") == "2017-01-29T00:00:00Z"
    assert value("dc:date") == "2017-01-29T00:00:00Z"
    assert value("meta:keyword") == "trade, tariffs, Russia and FSU"
    assert value("dc:subject") == "What the numbers say"
    assert value("dc:description").startswith("Copyright © Ana María García, Example Review, 2017.")
    assert "Republished with permission." in value("dc:description")
    user = {e.get(f"{{{ODF['meta']}}}name"): e.text for e in meta.iter(f"{{{ODF['meta']}}}user-defined")}
    assert user["url"] == "https://example.org/2017/01/trade-tariffs"
    assert user["site"] == "Example Review"


@pytest.mark.parametrize("kind", ["docx", "odt"])
def test_office_dates_come_from_the_document_never_the_clock(kind: str) -> None:
    dated = Document(metadata=Metadata(title="T", date="2019-03"))
    undated = Document(metadata=Metadata(title="T"))
    for document, stamp in ((dated, (2019, 3, 1, 0, 0, 0)), (undated, (1980, 1, 1, 0, 0, 0))):
        data, _ = write(document, kind)
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            assert {info.date_time for info in package.infolist()} == {stamp}
            properties = package.read("docProps/core.xml" if kind == "docx" else "meta.xml").decode("utf-8")
        # An article without a date gets no creation date rather than pandoc's 1970-01-01.
        assert "1970" not in properties
        assert ("2019-03-01T00:00:00Z" in properties) == (document is dated)


# --------------------------------------------------------------------------------------------
# Determinism, options, CLI


@pytest.mark.parametrize("kind", PANDOC_WRITERS)
def test_same_document_same_bytes(kind: str, seed_doc: Document, full_doc: Document) -> None:
    for document in (seed_doc, full_doc, Document()):
        first, _ = write(document, kind)
        assert first
        assert write(document, kind)[0] == first


def test_reference_doc_styles_the_docx(full_doc: Document, tmp_path: Path) -> None:
    plain, _ = write(full_doc, "docx")
    styled = _restyled_reference(plain)
    data, _ = write(full_doc, "docx", reference_doc=styled)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert b"CitekitTestFont" in package.read("word/styles.xml")
    # From the command line: the file's bytes are carried in the options; a wrong file is a usage error.
    reference = tmp_path / "reference.docx"
    reference.write_bytes(styled)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["convert", str(SEED), "--to", "docx,odt", "--reference-doc", str(reference),
                                       "-o", str(out), "-q", "-j", "1"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(out / f"{SEED.stem}.docx") as package:
        assert b"CitekitTestFont" in package.read("word/styles.xml")
    report = json.loads((out / "citekit-report.json").read_text())
    assert report["options"]["docx"]["reference_doc"].startswith("sha256:")
    with pytest.raises(OptionError, match="not a DOCX file"):
        write(full_doc, "docx", reference_doc=b"not a zip")


def _restyled_reference(docx: bytes) -> bytes:
    """A reference DOCX whose styles name a font no default has."""
    source = zipfile.ZipFile(io.BytesIO(docx))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/styles.xml":
                data = data.replace(b"<w:rPrDefault>", b'<w:rPrDefault><w:rPr><w:rFonts w:ascii="CitekitTestFont"/>'
                                    b"</w:rPr>", 1) if b"<w:rPrDefault>" in data else data + b""
                if b"CitekitTestFont" not in data:
                    data = data.replace(b"</w:styles>", b'<w:style w:type="paragraph" w:styleId="CitekitTestFont">'
                                        b'<w:name w:val="CitekitTestFont"/></w:style></w:styles>')
            target.writestr(info, data)
    return buffer.getvalue()


def test_options_are_checked() -> None:
    writer = get_writer("latex")
    with pytest.raises(OptionError):
        parse_options(writer.options_type, {"paper": "a3"})
    with pytest.raises(OptionError):
        write(Document(), "latex", paper="a4]{x}")
    with pytest.raises(OptionError):
        write(Document(), "latex", mainfont="x}\\input{/etc/passwd}")
    with pytest.raises(OptionError):
        write(Document(), "markdown", wrap="sometimes")


def test_relative_links_resolve_or_keep_their_text() -> None:
    document = Document(
        metadata=Metadata(title="T", url="https://example.org/2017/story"),
        body=(Para(content=(Link(content=(Str(text="next"),), url="/2017/next"),)),))
    rst, _ = write(document, "rst")
    assert b"https://example.org/2017/next" in rst
    # Markdown keeps the address as the article printed it: its readers resolve it themselves.
    markdown, _ = write(document, "markdown")
    assert b"[next](/2017/next)" in markdown
    orphan = Document(metadata=Metadata(title="T"), body=document.body)
    latex, diagnostics = write(orphan, "latex")
    assert b"next" in latex and b"\\href" not in latex.split(b"\\begin{document}")[1]
    assert any("cannot be followed" in d.message for d in diagnostics)


def test_supplied_title_is_reported_and_said_in_the_colophon() -> None:
    document = Document(body=(Para(content=(Str(text="Words of a text without a title."),)),))
    text, diagnostics = write(document, "rst", wrap="none")
    assert any(d.supplied and d.field == "metadata.title" for d in diagnostics)
    assert b"the title shown was supplied by citekit" in text


def test_labels_follow_the_language() -> None:
    document = Document(metadata=Metadata(title="Título", language="es", date="2017-01-08"),
                        rights=Rights(statement="© 2017 Ana"))
    text, _ = write(document, "rst")
    assert "Fuente y derechos" in text.decode("utf-8")
    assert "8 de enero de 2017" in text.decode("utf-8")
    # Labels English in an Italian document are marked as English (LaTeX: \foreignlanguage).
    italian = Document(metadata=Metadata(title="Titolo", language="it"), rights=Rights(statement="© 2017 Ana"))
    latex, _ = write(italian, "latex", wrap="none")
    assert b"\\foreignlanguage{english}{Source and rights}" in latex


# --------------------------------------------------------------------------------------------
# LaTeX compiles


def _compile(latex: bytes, engine: str, folder: Path) -> subprocess.CompletedProcess[bytes]:
    source = folder / "article.tex"
    source.write_bytes(latex)
    return subprocess.run([engine, "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape", source.name],
                          cwd=folder, capture_output=True, timeout=300, check=False)


CYRILLIC = Document(metadata=Metadata(title="Привет, мир", authors=(Author(name="Иван Петров"),), language="ru"),
                    body=(Para(content=(Str(text="Русский текст статьи. 中文 and café."),)),
                          Heading(level=2, content=(Str(text="Section & 100% {braces} $x$ #1 ~ ^ \\"),)),
                          Rule()),
                    rights=Rights(statement="© 2017 Иван Петров"))


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["pdflatex", "lualatex"])
@pytest.mark.parametrize("name", ["seed", "full", "bibliotecapleyades-008", "cyrillic"])
def test_latex_compiles(engine: str, name: str, tmp_path: Path) -> None:
    require_tool(engine)
    document = CYRILLIC if name == "cyrillic" else _document(name)
    latex, diagnostics = write(document, "latex")
    result = _compile(latex, engine, tmp_path)
    log = (tmp_path / "article.log").read_text(encoding="utf-8", errors="replace")
    assert result.returncode == 0, "\n".join(line for line in log.splitlines() if line.startswith("!"))[:2000]
    assert (tmp_path / "article.pdf").stat().st_size > 1000
    if name in {"cyrillic", "full"}:
        # pdfLaTeX's fonts lack Greek, Cyrillic and CJK: printed as a marker, and the writer says which.
        assert any("pdfLaTeX" in d.message and "U+0420" in d.message for d in diagnostics)
    else:
        assert not any("pdfLaTeX" in d.message for d in diagnostics)


@pytest.mark.slow
def test_latex_pdf_holds_every_paragraph_and_the_colophon(tmp_path: Path) -> None:
    require_tool("pdflatex")
    require_tool("pdftotext")
    document = _document("full")
    latex, _ = write(document, "latex")
    assert _compile(latex, "pdflatex", tmp_path).returncode == 0
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", "article.pdf", "-"], cwd=tmp_path, capture_output=True,
                          text=True, check=True).stdout
    # pdftotext spells the ligatures and dashes as the PDF has them: compare letters only, those
    # pdfLaTeX's fonts have (the Greek and Cyrillic words print as markers, reported).
    def letters(value: str) -> str:
        return "".join(c for c in value if c.isalnum() and pdflatex_prints(c))

    flat = letters(text)
    for paragraph in _paragraphs(document.body):
        assert letters(paragraph)[:60] in flat, paragraph
    assert letters("Source and rights") in flat
    assert letters(rights_line(document)) in flat


# --------------------------------------------------------------------------------------------
# The batch, its report and the Dask executor take the new formats unchanged


NEW_FORMATS = ["html", *PANDOC_WRITERS]


def _outputs(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.name != "citekit-report.json"}


def test_batch_and_dask_write_the_new_formats(tmp_path: Path, full_doc: Document) -> None:
    import citekit
    from conftest import IN_CI, SAMPLES

    if IN_CI:
        import distributed  # the dask extra is part of CI's test install
    distributed = pytest.importorskip("distributed")
    reference, _ = write(full_doc, "docx")
    options = {"docx": {"reference_doc": _restyled_reference(reference)}, "latex": {"paper": "letter"}}
    inputs = [str(p) for p in sorted(SAMPLES.glob("*.txt"))]
    local = citekit.convert(inputs, to=NEW_FORMATS, out_dir=tmp_path / "local", jobs=1, options=options)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  silence_logs=40) as cluster, distributed.Client(cluster) as client:
        remote = citekit.convert(inputs, to=NEW_FORMATS, out_dir=tmp_path / "dask", options=options,
                                 executor=client.get_executor())
    assert local.totals.converted == remote.totals.converted == len(inputs)
    files = _outputs(tmp_path / "local")
    assert len(files) == len(inputs) * len(NEW_FORMATS)
    assert _outputs(tmp_path / "dask") == files
    report = json.loads((tmp_path / "local" / "citekit-report.json").read_text())
    assert report["formats"] == NEW_FORMATS
    assert b"CitekitTestFont" in zipfile.ZipFile(io.BytesIO(files[f"{Path(inputs[0]).stem}.docx"])).read(
        "word/styles.xml")
    # A rerun finds every output up to date; a changed reference document makes the DOCX files stale.
    again = citekit.convert(inputs, to=NEW_FORMATS, out_dir=tmp_path / "local", jobs=1, options=options)
    assert again.totals.skipped == len(inputs)
    options["docx"] = {"reference_doc": reference}
    changed = citekit.convert(inputs, to=NEW_FORMATS, out_dir=tmp_path / "local", jobs=1, options=options)
    assert changed.totals.converted == len(inputs)


# --------------------------------------------------------------------------------------------
# Figures, tables, code blocks, notes, superscript and subscript


def _ast(data: bytes, kind: str) -> dict[str, Any]:
    """The file as pandoc reads it back, as its JSON AST."""
    return json.loads(run_pandoc([f"--from={kind}", "--to=json"], data))  # type: ignore[no-any-return]


def _nodes(tree: Any, kind: str) -> list[Any]:
    """Every AST node of type ``kind`` in ``tree``, in document order."""
    found: list[Any] = []
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if node.get("t") == kind:
                found.append(node)
            stack.extend(reversed(list(node.values())))
        elif isinstance(node, list):
            stack.extend(reversed(node))
    return found


@pytest.mark.parametrize("kind", ["docx", "odt"])
def test_office_files_hold_the_table_figure_notes_and_code(kind: str, full_doc: Document) -> None:
    data, diagnostics = write(full_doc, kind)
    package = zipfile.ZipFile(io.BytesIO(data))
    assert tiny_png() in [package.read(n) for n in package.namelist() if n.endswith(".png")]
    tree = _ast(data, kind)
    table = _nodes(tree, "Table")
    assert len(table) == 1
    cells = [" ".join(s["c"] for s in _nodes(cell, "Str")) for cell in _nodes(table[0], "Plain")
             + _nodes(table[0], "Para")]
    for expected in ("Country", "USA", "4 % both years", "EU", "Mean", "2.8 %"):
        assert any(expected in c for c in cells), expected
    notes = _nodes(tree, "Note")
    assert [plain for plain in (" ".join(s["c"] for s in _nodes(n, "Str")) for n in notes)][:2] == [
        "A footnote citing the study .", "Second note, two paragraphs. Its second paragraph."]
    assert [" ".join(s["c"] for s in _nodes(n, "Str")) for n in _nodes(tree, "Superscript")][:1] == ["st"]
    assert [" ".join(s["c"] for s in _nodes(n, "Str")) for n in _nodes(tree, "Subscript")] == ["2"]
    text = _plain(data, kind)
    code = 'def tariff(x):\n    return x < 5 && "<b>"  # kept literally'
    if kind == "docx":  # pandoc's ODT reader reads preformatted text as paragraphs, spaces collapsed
        assert [c["c"][1] for c in _nodes(tree, "CodeBlock")] == [code]
    assert _squeeze(code) in _squeeze(text)
    assert "Image not included" in text and "https://example.org/photo.jpg" in text
    assert any("image not included" in d.message for d in diagnostics)


def test_each_text_format_writes_the_structures_its_own_way(full_doc: Document) -> None:
    markdown = write(full_doc, "markdown")[0].decode("utf-8")
    assert "H~2~O, the 1^st^ claim[^1] was ~~wrong~~ right." in markdown
    assert "``` python\ndef tariff(x):" in markdown
    assert "![Tariffs rose *sharply* after 2016.\\\nChart: Example Review](images/chart.png)" in markdown
    assert "| Country" in markdown and "[^2]: Second note, *two* paragraphs." in markdown
    rst = write(full_doc, "rst")[0].decode("utf-8")
    assert ":sub:`2`" in rst and ":sup:`st`" in rst and ".. code:: python" in rst and ".. figure::" in rst
    assert ".. [1]" in rst
    latex, diagnostics = write(full_doc, "latex")
    tex = latex.decode("utf-8")
    assert "\\textsubscript{2}" in tex and "\\footnote{" in tex and "\\begin{longtable}" in tex
    assert "includegraphics" not in tex and tex.count("Image not included") == 2
    assert sum("image not included" in d.message for d in diagnostics) == 2


def test_the_command_line_writes_every_new_format(tmp_path: Path) -> None:
    out = tmp_path / "out"
    formats = ["docx", "odt", "markdown", "latex", "rst", "html"]
    result = CliRunner().invoke(main, ["convert", str(SEED), "--to", ",".join(formats), "-o", str(out), "-q",
                                       "-j", "1"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    for kind in formats:
        writer = get_writer(kind)
        assert (out / f"{SEED.stem}{writer.suffix}").read_bytes() == write(_read(SEED), kind)[0]
    # A reference document that is not one: a usage error naming the option, no file written.
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"not a zip")
    again = CliRunner().invoke(main, ["convert", str(SEED), "--to", "docx", "--reference-doc", str(bad), "-o",
                                      str(tmp_path / "bad-out"), "-q", "-j", "1"])
    assert again.exit_code != 0 and "reference" in again.output.lower()
    assert not list((tmp_path / "bad-out").glob("*.docx"))


def test_rst_text_that_reads_like_a_directive_stays_text(tmp_path: Path) -> None:
    """docutils runs ``.. include::`` and ``.. raw::`` wherever a text block opens with them, in the
    body and in docinfo fields such as ``:Author:``: article text must never reach it as markup."""
    import docutils.core

    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-CONTENTS", encoding="utf-8")
    include = f".. include:: {secret}"
    document = Document(
        metadata=Metadata(title="A title", subtitle=include, authors=(Author(name=include),), site=include),
        body=(Para(content=(Str(text=include),)), Para(content=(Str(text=".. raw:: html"),)),
              Para(content=(Str(text="..  include:: " + str(secret)),))),
        rights=Rights(statement=include))
    rst = write_bytes(document, get_writer("rst"))[0].decode("utf-8")
    html = docutils.core.publish_string(rst, writer_name="html",
                                        settings_overrides={"report_level": 5, "halt_level": 5}).decode("utf-8")
    assert "SECRET-CONTENTS" not in html
    assert html.count(f"include:: {secret}") >= 3
