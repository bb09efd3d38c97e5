"""The RIS writer: records reference managers import (Zotero, EndNote, Mendeley).

Tags follow Zotero's RIS translator (``RIS.js``), so an import lands in the right fields:

====  ==================================  ==============================================
Tag   From                                Zotero field
====  ==================================  ==============================================
TY    ``-O ris-type`` (ELEC by default)   ELEC → Web Page, NEWS → Newspaper Article,
                                          BLOG → Blog Post
ID    citation key, unique in the file    (ignored by Zotero; matches BibTeX/CSL keys)
TI    title (": subtitle")                Title
ST    title without subtitle              Short Title
AU    "Family, Given" or the literal      Author (Zotero splits at the first comma)
T2    site                                Website Title / Publication / Blog Title
PB    publisher                           kept as a note: none of the three types has one
PY    year                                Date (backup)
DA    YYYY/MM/DD/ (partial stays partial) Date
UR    article URL (absolute http(s))      URL
Y2    access date, only when recorded     Accessed
KW    one tag per keyword                 Tags
LA    language                            Language
N1    copyright line, licence; source     Notes (one note each)
====  ==================================  ==============================================

ELEC is the default for the same reason CSL-JSON uses ``webpage``: these are articles on news
and commentary websites, not a newspaper's or a blog's (see :mod:`citekit.writers.csl_json`).
Values are single lines; records end with ``ER  -`` and lines with CRLF, as the RIS
specification and Zotero's own export do.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO

from citekit.derive import citation_key_base, display_title, iso_date_parts, unique_keys
from citekit.model import Author, Document, safe_url
from citekit.writers import Diagnostic, Writer, WriterOptions, option

RIS_TYPES = ("ELEC", "NEWS", "BLOG")


@dataclass(frozen=True, slots=True, kw_only=True)
class RisOptions(WriterOptions):
    """Options of the RIS writer."""

    ris_type: str = option(
        "ELEC", choices=RIS_TYPES, help="TY: ELEC (web page, the default), NEWS (newspaper's site) or BLOG"
    )


def _line(value: str) -> str:
    """One RIS value: a tag's value ends at the line end, so line breaks become spaces."""
    return " ".join(value.split())


def _author(author: Author) -> str:
    if author.literal is None and author.family:
        return f"{author.family}, {author.given}" if author.given else author.family
    return author.literal or author.name


def _ris_date(value: str | None) -> str | None:
    """``2017-01-29`` → ``2017/01/29/``; ``2017-01`` → ``2017/01//``; not ISO → None."""
    parts = iso_date_parts(value)
    if parts is None:
        return None
    fields = [f"{parts[0]:04d}", *(f"{p:02d}" for p in parts[1:])]
    fields += [""] * (3 - len(fields))
    return "/".join(fields) + "/"


def _sentence(text: str) -> str:
    text = _line(text)
    return text if not text or text[-1] in ".!?" else text + "."


def _rights_notes(document: Document) -> list[str]:
    """Copyright (statement and licence) as one note, the source attribution as another."""
    rights = document.rights
    notes = []
    statement = rights.statement
    if not statement and rights.holders:
        year = f" {rights.year}" if rights.year else ""
        statement = f"Copyright ©{year} " + ", ".join(rights.holders)
    copyright_parts = [_sentence(p) for p in (statement, rights.license) if p and p.strip()]
    if rights.license_url and safe_url(rights.license_url):
        copyright_parts.append(f"Licence: {rights.license_url.strip()}")
    if copyright_parts:
        notes.append(" ".join(copyright_parts))
    source_parts = [_sentence(rights.source)] if rights.source and rights.source.strip() else []
    if rights.source_url and safe_url(rights.source_url):
        source_parts.append(f"Source: {rights.source_url.strip()}")
    if source_parts:
        notes.append(" ".join(source_parts))
    return notes


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
        name = _author(author)
        if author.literal is not None and "," in name:
            diagnostics.append(
                Diagnostic(
                    field=f"metadata.authors[{index}]",
                    message=f"{name!r} contains a comma: Zotero will split it into family and given name",
                )
            )
        tags.append(("AU", name))
    if meta.site:
        tags.append(("T2", meta.site))
    if meta.publisher and (not meta.site or meta.publisher.casefold() != meta.site.casefold()):
        tags.append(("PB", meta.publisher))
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
    if meta.language:
        tags.append(("LA", meta.language))
    tags += [("N1", note) for note in _rights_notes(document)]
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
