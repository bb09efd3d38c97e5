"""The EPUB 3 writer: an e-book that passes EPUBCheck, with rights, source and honest accessibility metadata.

The book holds a title page, the article text, a back-matter page (author bios, notes, links)
when the article has any, and a "Source and rights" colophon, with ``nav.xhtml`` for the table
of contents and landmarks. It is built in process with lxml and zipfile (pandoc's EPUB writer
costs about 97 ms an article; ebooklib is AGPL). Same document, same bytes: the identifier,
``dcterms:modified`` and zip timestamps all come from the document, never the clock.

lxml is imported inside :func:`write`: the CLI loads every writer module at start-up.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO

from citekit.errors import WriterError
from citekit.model import Document
from citekit.writers import Diagnostic, Writer, WriterOptions, option


@dataclass(frozen=True, slots=True, kw_only=True)
class EpubOptions(WriterOptions):
    """Options of the EPUB writer."""

    css: str | None = option(None, flag="--css", from_file=True,
                             help="CSS file to use instead of citekit's default e-book stylesheet")
    """The stylesheet's text (the command line reads it from the file ``--css`` names)."""


def _stylesheet(options: EpubOptions) -> tuple[bytes, bool]:
    """(the stylesheet's bytes, whether it is citekit's default)."""
    from citekit.resources import styles_dir

    if options.css is not None:
        return options.css.encode("utf-8"), False
    default = styles_dir() / "epub.css"
    try:
        return default.read_bytes(), True
    except OSError as error:
        raise WriterError(f"the default EPUB stylesheet is missing: {error.strerror}", path=default) from None


def write(document: Document, stream: IO[bytes], options: EpubOptions) -> Sequence[Diagnostic]:
    from citekit.derive import language_tag
    from citekit.writers.epub.content import build_pages, make_context, serialise
    from citekit.writers.epub.package import (
        ROOT_DIR,
        container_document,
        evaluate,
        modified,
        package_document,
        zip_container,
    )
    from citekit.writers.epub.text import UNDETERMINED

    css, default_css = _stylesheet(options)
    diagnostics: list[Diagnostic] = []
    language = language_tag(document.metadata.language)
    if language is None:
        language = UNDETERMINED
        given = document.metadata.language
        shown = f"{given!r} is not a language tag" if given else "none given"
        diagnostics.append(Diagnostic(field="metadata.language", supplied=True,
                                      message=f"language unknown ({shown}); wrote {UNDETERMINED!r}"))
    ctx = make_context(document, language, diagnostics)
    pages, nav = build_pages(document, ctx)
    evaluation = evaluate(pages, nav, language, default_css)
    entries = [
        ("META-INF/container.xml", container_document()),
        (f"{ROOT_DIR}/package.opf", package_document(document, pages, language, evaluation, ctx.images)),
        (f"{ROOT_DIR}/nav.xhtml", serialise(nav)),
        *((f"{ROOT_DIR}/{page.name}", serialise(page.root)) for page in pages),
        (f"{ROOT_DIR}/styles/epub.css", css),
        *((f"{ROOT_DIR}/{image.name}", image.data) for image in ctx.images),
    ]
    stream.write(zip_container(entries, modified(document)))
    return tuple(diagnostics)


WRITER = Writer(
    name="epub",
    suffix=".epub",
    media_type="application/epub+zip",
    binary=True,
    description="EPUB 3 e-book: title page, text, back matter, source-and-rights colophon (EPUBCheck-clean)",
    write=write,
    options_type=EpubOptions,
)
