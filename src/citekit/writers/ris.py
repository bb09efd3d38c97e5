"""The RIS writer: records reference managers import (Zotero, EndNote, Mendeley, citation.js).

Tags are chosen by what Zotero's RIS translator (``RIS.js``) and citation.js (``plugin-ris``) do
with them; ``tests/data/zotero/ris-import.json`` holds Zotero's mapping and
``tests/test_readback.py`` loads the records in citation.js:

====  ====================================  ==============================================
Tag   From                                  Zotero; citation.js
====  ====================================  ==============================================
TY    ``-O ris-type`` (ELEC by default)     Web Page, Newspaper Article, Blog Post;
                                            webpage, article-newspaper, post-weblog
ID    citation key, unique in the file      ignored by both
TI    title (": subtitle")                  Title; title
ST    title without subtitle                Short Title; title-short
AU    "Family, Given" or the name whole     Author (split at the first comma); author
T2    site                                  Website / Publication / Blog Title;
                                            container-title (NEWS, BLOG), collection-title (ELEC)
PB    ELEC: the site; NEWS: the publisher   dropped (none of the three Zotero types has a
                                            publisher); publisher, which styles print
PY    year                                  Date (backup); issued
DA    YYYY/MM/DD/ (partial stays partial)   Date; issued
UR    article URL (absolute http(s))        URL; URL
Y2    access date, only when recorded       Accessed; accessed (not for ELEC)
KW    one tag per keyword                   Tags; keyword
LA    language tag                          Language; language
CR    copyright line and licence            Rights; ignored
N1    source attribution (with its URL)     a note; note
====  ====================================  ==============================================

Why PB is the site in ELEC records: citation.js reads an ELEC record's T2 as ``collection-title``,
which styles do not print for web pages, so without PB its references lose the site; with the
site in PB, APA prints it where ``citekit cite`` does. A web page's publisher organisation is not
in its reference (see :mod:`citekit.writers.csl_json`) and Zotero's Web Page has no field for it:
it is kept in a note. ``CR`` is not in the RIS specification; Zotero imports it as Rights, other
programs skip it.

ELEC is the default for the same reason CSL-JSON uses ``webpage``: these are articles on news
and commentary websites, not a newspaper's or a blog's (see :mod:`citekit.writers.csl_json`).
Values are single lines; records end with ``ER  -`` and lines with CRLF, as the RIS
specification and Zotero's own export do.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO

from citekit.derive import (
    citation_key_base,
    display_title,
    inverted_name,
    is_person,
    labels_for,
    language_tag,
    parse_date,
    rights_summary,
    source_line,
    unique_keys,
)
from citekit.model import Document
from citekit.writers import Diagnostic, Writer, WriterOptions, option

RIS_TYPES = ("ELEC", "NEWS", "BLOG")
CSL_TYPES = {"ELEC": "webpage", "NEWS": "article-newspaper", "BLOG": "post-weblog"}
"""The CSL type each RIS type is read as (citation.js, Zotero), which decides the names shown."""


@dataclass(frozen=True, slots=True, kw_only=True)
class RisOptions(WriterOptions):
    """Options of the RIS writer."""

    ris_type: str = option(
        "ELEC", choices=RIS_TYPES, help="TY: ELEC (web page, the default), NEWS (newspaper's site) or BLOG"
    )


def _line(value: str) -> str:
    """One RIS value: a tag's value ends at the line end, so line breaks become spaces."""
    return " ".join(value.split())


def _ris_date(value: str | None) -> str | None:
    """``2017-01-29`` → ``2017/01/29/``; ``2017-01`` → ``2017/01//``; not ISO → None."""
    date = parse_date(value)
    if date is None:
        return None
    fields = [f"{date.year:04d}", *(f"{p:02d}" for p in date.parts[1:])]
    fields += [""] * (3 - len(fields))
    return "/".join(fields) + "/"


def _names(document: Document, ris_type: str) -> tuple[list[tuple[str, str]], list[str]]:
    """T2 and PB (see the module docstring), and the notes that keep a publisher PB cannot hold."""
    from citekit.writers.csl_json import reference_source, unnamed_publisher

    csl_type = CSL_TYPES[ris_type]
    site, publisher = reference_source(document, csl_type)
    tags = [("T2", site)] if site else []
    shown = site if ris_type == "ELEC" else publisher
    if shown:
        tags.append(("PB", shown))
    organisation = unnamed_publisher(document, csl_type)
    notes = [f"{labels_for(document.metadata.language).publisher}: {organisation}"] if organisation else []
    return tags, notes


def record(
    document: Document, *, key: str, ris_type: str = "ELEC"
) -> tuple[list[tuple[str, str]], list[Diagnostic]]:
    """The (tag, value) pairs of one RIS record, and what could not be expressed."""
    from citekit.writers.csl_json import article_url, keywords

    meta = document.metadata
    tags: list[tuple[str, str]] = [("TY", ris_type), ("ID", key)]
    diagnostics: list[Diagnostic] = []
    title = display_title(document)
    if title.supplied:
        diagnostics.append(
            Diagnostic(
                field="metadata.title",
                supplied=True,
                message=f"no printed title; used {title.value!r} ({title.rule})",
            )
        )
    if meta.subtitle:
        joiner = " " if title.value[-1:] in {"?", "!", ":"} else ": "
        tags += [("TI", title.value + joiner + meta.subtitle), ("ST", title.value)]
    else:
        tags.append(("TI", title.value))
    for index, author in enumerate(meta.authors):
        name = inverted_name(author)
        if not is_person(author) and "," in name:
            diagnostics.append(
                Diagnostic(
                    field=f"metadata.authors[{index}]",
                    message=f"{name!r} contains a comma: Zotero will split it into family and given name",
                )
            )
        tags.append(("AU", name))
    names, notes = _names(document, ris_type)
    tags += names
    date = _ris_date(meta.date)
    if date:
        tags += [("PY", date[:4]), ("DA", date)]
    elif meta.date:
        diagnostics.append(
            Diagnostic(field="metadata.date", message=f"not an ISO date, left out: {meta.date!r}")
        )
    url = article_url(document)
    if url:
        tags.append(("UR", url))
    elif meta.url:
        diagnostics.append(
            Diagnostic(field="metadata.url", message=f"not an absolute http(s) URL, left out: {meta.url!r}")
        )
    accessed = _ris_date(meta.accessed)
    if accessed:
        tags.append(("Y2", accessed))
    tags += [("KW", term) for term in keywords(document)]
    language = language_tag(meta.language)
    if language:
        tags.append(("LA", language))
    tags.append(("CR", rights_summary(document)))
    tags += [("N1", note) for note in (source_line(document), *notes)]
    return [(tag, _line(value)) for tag, value in tags if _line(value)], diagnostics


def _dump(documents: Sequence[Document], stream: IO[bytes], options: RisOptions) -> list[Diagnostic]:
    keys = unique_keys([citation_key_base(d) for d in documents])
    out: list[str] = []
    diagnostics: list[Diagnostic] = []
    for number, (document, key) in enumerate(zip(documents, keys, strict=True), start=1):
        tags, found = record(document, key=key, ris_type=options.ris_type)
        if len(documents) > 1:
            name = document.provenance.source_name or f"document {number}"
            found = [
                Diagnostic(field=d.field, message=f"{name}: {d.message}", supplied=d.supplied) for d in found
            ]
        diagnostics += found
        out += [f"{tag}  - {value}" for tag, value in tags]
        out += ["ER  - ", ""]
    stream.write("\r\n".join(out).encode("utf-8"))
    return diagnostics


def write(document: Document, stream: IO[bytes], options: RisOptions) -> Sequence[Diagnostic]:
    return _dump([document], stream, options)


def write_collection(
    documents: Sequence[Document], stream: IO[bytes], options: RisOptions
) -> Sequence[Diagnostic]:
    return _dump(documents, stream, options)


WRITER = Writer(
    name="ris",
    suffix=".ris",
    media_type="application/x-research-info-systems",
    binary=False,
    description="RIS records for reference managers (Zotero, EndNote, Mendeley)",
    write=write,
    options_type=RisOptions,
    write_collection=write_collection,
)
