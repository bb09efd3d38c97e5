"""The PDF writer: a typeset, searchable PDF with bookmarks, live links and a rights colophon.

Built with reportlab's platypus. The page style (fonts, type scale, colours, measure, margins) is
``styles/pdf-style.toml``; the fonts are the DejaVu faces shipped in ``citekit/fonts``. The
modules: :mod:`.markup` (escaping and inline markup), :mod:`.flow` (model → flowables),
:mod:`.render` (page template, footer, outline, Info, XMP, determinism), :mod:`.style`.
reportlab is imported only when a PDF is written, so loading this module is cheap.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO

from citekit.model import Document
from citekit.writers import Diagnostic, Writer, WriterOptions, option

PAPER_SIZES = ("a4", "letter")


@dataclass(frozen=True, slots=True, kw_only=True)
class PdfOptions(WriterOptions):
    """Options of the PDF writer."""

    paper: str = option("a4", help="paper size: a4 or letter", flag="--paper", choices=PAPER_SIZES)


def write(document: Document, stream: IO[bytes], options: PdfOptions) -> Sequence[Diagnostic]:
    """Typeset ``document`` as PDF into ``stream``."""
    from citekit.errors import OptionError
    from citekit.writers.pdf.render import render

    if options.paper not in PAPER_SIZES:
        raise OptionError(f"option paper: expected one of {', '.join(PAPER_SIZES)}, got {options.paper!r}")
    return render(document, stream, options.paper)


WRITER = Writer(
    name="pdf",
    suffix=".pdf",
    media_type="application/pdf",
    binary=True,
    description="PDF typeset for reading and printing, with bookmarks, live links and a rights colophon",
    write=write,
    options_type=PdfOptions,
)
