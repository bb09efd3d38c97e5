"""Writers through pandoc: DOCX, ODT, Markdown, LaTeX and reStructuredText from one JSON AST.

Each writer builds the article as pandoc's JSON AST (:mod:`.article`: title block in the metadata,
body, back matter and the "Source and rights" colophon) and makes one sandboxed pandoc run
(:func:`citekit.pandoc.run_pandoc`: the wheel's binary, ``--sandbox``, a timeout). What pandoc
cannot be asked for is done around that run, never by a second one:

- DOCX and ODT get their date properties and zip timestamps from the document (:mod:`.office`);
  a reference document (``--reference-doc``, ``--reference-odt``) is carried as bytes in the
  options and handed to pandoc as a file in a private temporary directory.
- Markdown gets citekit's YAML front matter (:mod:`citekit.front_matter`), which holds every
  field; pandoc writes the body.
- LaTeX compiles with pdfLaTeX and LuaLaTeX: under pdfLaTeX a character its fonts lack prints as
  a marker instead of stopping the run, and the writer says which characters those are.

lxml and the AST modules are imported inside the write functions: the CLI loads every writer
module at start-up.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO, Any

from citekit.model import Document
from citekit.writers import Diagnostic, Writer, WriterOptions, option

WRAP_CHOICES = ("auto", "none", "preserve")
PAPER_SIZES = ("a4", "letter")
"""Also in :mod:`.latex`, which checks the value (kept here so the module loads without it)."""


def _wrap_option() -> Any:
    return option("auto", choices=WRAP_CHOICES,
                  help="line wrapping of the text (pandoc's --wrap): auto (72 columns), none, preserve")


@dataclass(frozen=True, slots=True, kw_only=True)
class DocxOptions(WriterOptions):
    """Options of the DOCX writer."""

    reference_doc: bytes | None = option(None, flag="--reference-doc", from_file=True,
                                         help="a DOCX whose styles, page setup, headers and footers to use")
    """The reference document's bytes (the command line reads them from the file the flag names)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class OdtOptions(WriterOptions):
    """Options of the ODT writer."""

    reference_odt: bytes | None = option(None, flag="--reference-odt", from_file=True,
                                         help="an ODT whose styles and page setup to use")
    """The reference document's bytes (the command line reads them from the file the flag names)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class TextOptions(WriterOptions):
    """Options of the Markdown and reStructuredText writers."""

    wrap: str = _wrap_option()


@dataclass(frozen=True, slots=True, kw_only=True)
class LatexOptions(WriterOptions):
    """Options of the LaTeX writer."""

    paper: str = option("a4", flag="--paper", choices=PAPER_SIZES, help="paper size: a4 or letter")
    mainfont: str | None = option(None, help="the main font under LuaLaTeX or XeLaTeX (a system font name)")
    wrap: str = _wrap_option()


def _pandoc(document: Document, to: str, args: Sequence[str], diagnostics: list[Diagnostic], *,
            profile: Any, work_bytes: int = 0) -> bytes:
    """The one pandoc run: the article's AST in, ``to`` out."""
    from citekit.pandoc import run_pandoc
    from citekit.writers.pandoc.article import article

    ast = article(document, profile, diagnostics)
    data = json.dumps(ast, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return run_pandoc(["--from=json", f"--to={to}", *args], data, work_bytes=work_bytes)


def _office(document: Document, stream: IO[bytes], kind: str, reference: bytes | None,
            option_name: str) -> Sequence[Diagnostic]:
    import tempfile
    from pathlib import Path

    from citekit.derive import parse_date, timestamp
    from citekit.writers.pandoc.article import Profile
    from citekit.writers.pandoc.office import check_reference, stamp

    diagnostics: list[Diagnostic] = []
    profile = Profile(properties=True)
    with tempfile.TemporaryDirectory(prefix="citekit-") as folder:
        args = ["--standalone", "--output=-"]
        if reference is not None:
            check_reference(reference, kind, option_name)
            path = Path(folder) / f"reference.{kind}"
            path.write_bytes(reference)
            args.append(f"--reference-doc={path}")
        package = _pandoc(document, kind, args, diagnostics, profile=profile,
                          work_bytes=len(reference or b""))
    dated = parse_date(document.metadata.date) is not None
    stream.write(stamp(package, timestamp(document.metadata.date) if dated else None))
    return diagnostics


def write_docx(document: Document, stream: IO[bytes], options: DocxOptions) -> Sequence[Diagnostic]:
    return _office(document, stream, "docx", options.reference_doc, "--reference-doc")


def write_odt(document: Document, stream: IO[bytes], options: OdtOptions) -> Sequence[Diagnostic]:
    return _office(document, stream, "odt", options.reference_odt, "--reference-odt")


def _checked_wrap(wrap: str) -> str:
    from citekit.errors import OptionError

    if wrap not in WRAP_CHOICES:
        raise OptionError(f"option wrap: expected one of {', '.join(WRAP_CHOICES)}, got {wrap!r}")
    return wrap


def write_markdown(document: Document, stream: IO[bytes], options: TextOptions) -> Sequence[Diagnostic]:
    from citekit import front_matter
    from citekit.writers.pandoc.article import Profile

    diagnostics: list[Diagnostic] = []
    body = _pandoc(document, MARKDOWN_VARIANT, [f"--wrap={_checked_wrap(options.wrap)}"], diagnostics,
                   profile=Profile(keep_relative_links=True, images="address", alt_in_figures=False,
                                   pipe_tables=True))
    stream.write(front_matter.dump(document.metadata, document.rights).encode("utf-8"))
    stream.write(b"\n" + body)
    return diagnostics


MARKDOWN_VARIANT = "markdown-smart-simple_tables-multiline_tables-grid_tables-raw_html-raw_attribute-link_attributes"
"""pandoc's Markdown as the Markdown reader reads it back: typographic characters kept as they are
(no ``smart``), tables as pipe tables, no raw HTML or raw blocks, no ``{attributes}`` after images."""


def write_rst(document: Document, stream: IO[bytes], options: TextOptions) -> Sequence[Diagnostic]:
    from citekit.writers.pandoc.article import Profile

    diagnostics: list[Diagnostic] = []
    stream.write(_pandoc(document, "rst", ["--standalone", f"--wrap={_checked_wrap(options.wrap)}"],
                         diagnostics, profile=Profile(flat_inlines=True, images="address")))
    return diagnostics


def write_latex(document: Document, stream: IO[bytes], options: LatexOptions) -> Sequence[Diagnostic]:
    from citekit.writers.pandoc.latex import latex_profile, pdflatex_gaps

    diagnostics: list[Diagnostic] = []
    profile = latex_profile(options)
    output = _pandoc(document, "latex", ["--standalone", f"--wrap={_checked_wrap(options.wrap)}"],
                     diagnostics, profile=profile)
    diagnostics += pdflatex_gaps(output)
    stream.write(output)
    return diagnostics


DOCX = Writer(
    name="docx", suffix=".docx", binary=True,
    media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    description="Word document through pandoc: title block, colophon, core properties (title, creator, date, "
                "subject, keywords, rights)",
    write=write_docx, options_type=DocxOptions,
)
ODT = Writer(
    name="odt", suffix=".odt", binary=True, media_type="application/vnd.oasis.opendocument.text",
    description="OpenDocument text through pandoc: title block, colophon, document properties",
    write=write_odt, options_type=OdtOptions,
)
MARKDOWN = Writer(
    name="markdown", suffix=".md", binary=False, media_type="text/markdown",
    description="pandoc Markdown with YAML front matter holding every field; reads back through citekit",
    write=write_markdown, options_type=TextOptions,
)
LATEX = Writer(
    name="latex", suffix=".tex", binary=False, media_type="application/x-latex",
    description="standalone LaTeX through pandoc (compiles with pdflatex and lualatex)",
    write=write_latex, options_type=LatexOptions,
)
RST = Writer(
    name="rst", suffix=".rst", binary=False, media_type="text/x-rst",
    description="reStructuredText through pandoc: title, docinfo, body, back matter, colophon",
    write=write_rst, options_type=TextOptions,
)
