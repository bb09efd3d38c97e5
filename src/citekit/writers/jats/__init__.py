"""The JATS XML writer: JATS 1.4 (Archiving by default, or Journal Publishing) following JATS4R.

This module stays light (the CLI imports it at start-up to read the option flags); the tree is
built by :mod:`citekit.writers.jats.build`, which imports lxml, only when a document is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO

from citekit.model import Document
from citekit.writers import Diagnostic, Writer, WriterOptions, option

TAGSETS = ("archiving", "publishing")

DOCTYPES = {
    "archiving": (
        "-//NLM//DTD JATS (Z39.96) Journal Archiving and Interchange DTD with MathML3 v1.4 20241031//EN",
        "https://jats.nlm.nih.gov/archiving/1.4/JATS-archivearticle1-4-mathml3.dtd",
    ),
    "publishing": (
        "-//NLM//DTD JATS (Z39.96) Journal Publishing DTD with MathML3 v1.4 20241031//EN",
        "https://jats.nlm.nih.gov/publishing/1.4/JATS-journalpublishing1-4-mathml3.dtd",
    ),
}
"""Tag set → (public identifier, system identifier) of the JATS 1.4 driver DTD with MathML 3."""

DEFAULT_ARTICLE_TYPE = "other"
"""Used when neither the options nor the document name a type: the model says nothing to choose by."""


@dataclass(frozen=True, slots=True, kw_only=True)
class JatsOptions(WriterOptions):
    """Options of the JATS writer."""

    tagset: str = option("archiving", flag="--jats-tagset", choices=TAGSETS,
                         help="JATS 1.4 tag set: archiving, or publishing (needs journal-id and ISSN)")
    journal_id: str | None = option(None, flag="--journal-id",
                                    help="journal-id for journal-meta (else metadata.journal_id)")
    issn: str | None = option(None, flag="--issn", help="ISSN for journal-meta (else metadata.issn)")
    article_type: str | None = option(None, help="article-type (else metadata.article_type, else 'other')")


def write(document: Document, stream: IO[bytes], options: WriterOptions) -> Sequence[Diagnostic]:
    from citekit.writers.jats.build import build_article

    if not isinstance(options, JatsOptions):
        options = JatsOptions()
    data, diagnostics = build_article(document, options)
    stream.write(data)
    return diagnostics


WRITER = Writer(
    name="jats",
    suffix=".xml",
    media_type="application/jats+xml",
    binary=False,
    description="JATS 1.4 XML (Archiving or Journal Publishing), DTD-valid, JATS4R permissions",
    write=write,
    options_type=JatsOptions,
)

__all__ = ["DOCTYPES", "TAGSETS", "WRITER", "JatsOptions", "write"]
