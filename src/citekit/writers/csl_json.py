"""The CSL-JSON writer: one CSL item per document, for citeproc (pandoc, Zotero, citeproc-js).

Items follow the CSL 1.0.2 data schema (``csl-data.json``), which allows no keys of its own:
what CSL has no variable for (rights, keyword groups, which values citekit supplied, a web page's
publisher) goes into ``custom``, which no CSL processor reads.

The exported item is the item ``citekit cite`` formats: a file exported here and formatted by
citeproc-js (Zotero, citation.js) or by pandoc gives the reference ``cite`` gives. Two fields are
therefore not written as CSL variables:

- ``note``: styles that print ``note`` would put the copyright line inside the reference, and
  citeproc-js reads ``key: value`` lines in ``note`` as variables ("Source: …" would become
  ``source``). The rights stay in ``custom.rights``. (Zotero's CSL-JSON import keeps no
  ``custom``; the RIS and BibTeX exports carry the rights into Zotero's Rights field.)
- ``publisher`` of a ``webpage`` or ``post-weblog`` that names its site: apa.csl (written against
  Zotero data, whose web page and blog post types have no publisher) prints it as a second site
  name ("Centre for Research on Globalization. Global Research."), where APA 7 §10.16 gives the
  site name alone. It is kept in ``custom.publisher``.

:func:`csl_item` and :func:`csl_items` are pure functions of their arguments, for callers that
want the items as Python data (``citekit cite`` hands them to pandoc's citeproc).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import IO, Any

from citekit.derive import (
    citation_key_base,
    copyright_year,
    display_title,
    is_person,
    language_tag,
    parse_date,
    rights_line,
    unique_keys,
)
from citekit.model import Author, Document, safe_url
from citekit.writers import Diagnostic, Writer, WriterOptions, option

# Why "webpage" by default. The articles citekit reads come from news and commentary websites
# without a print edition (Global Research, Alternet, Before It's News...).
# - APA 7 (Publication Manual §10.16) cites articles on news websites that have no associated
#   newspaper (its examples: HuffPost, CNN, Reuters) as "webpage on a news website": title in
#   italics, site name in roman. apa.csl renders CSL "webpage" that way; "article-newspaper" and
#   "post-weblog" give the newspaper/blog form (title roman, site italic), which APA reserves for
#   newspapers and blogs.
# - Chicago 17 renders "webpage" as website content (§14.206): "Title" in quotes, site in roman,
#   then the owner (our publisher), date, URL. For a newspaper's website Chicago italicises the
#   site like a newspaper: for such outlets (Jordan Times, Daily Sabah) a user picks
#   ``-O csl-type=article-newspaper``, which both styles then render in their newspaper form.
# Cost of the choice: apa.csl prints a webpage's publisher before the site ("Centre for Research
# on Globalization. Global Research."), where APA shows the site only; so a webpage's publisher
# is not a CSL variable (see the module docstring). tests/test_csl_json.py renders the seed with
# pandoc's citeproc in both styles to hold these claims.
DEFAULT_CSL_TYPE = "webpage"
CSL_TYPES = ("webpage", "article-newspaper", "article-magazine", "post-weblog", "article")

SITE_ONLY_TYPES = frozenset({"webpage", "post-weblog"})
"""Types whose reference names the site and not the organisation behind it (APA 7 §10.16; Zotero's
web page and blog post have no publisher field)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class CslOptions(WriterOptions):
    """Options of the CSL-JSON writer."""

    csl_type: str = option(DEFAULT_CSL_TYPE, choices=CSL_TYPES,
                           help="CSL item type: webpage for news websites, article-newspaper for a newspaper")


def _name(author: Author) -> dict[str, str]:
    """A CSL name: family/given for a person, literal for an organisation or an unsplit name."""
    if is_person(author) and author.family:
        name = {"family": author.family}
        if author.given:
            name["given"] = author.given
        return name
    return {"literal": author.literal or author.name}


def _date(value: str | None) -> dict[str, Any] | None:
    """A CSL date: date-parts from an ISO date (kept partial), else the string as ``raw``."""
    if not value:
        return None
    date = parse_date(value)
    if date is None:
        return {"raw": value}
    return {"date-parts": [list(date.parts)]}


def article_url(document: Document) -> str | None:
    """The article's URL when it is an absolute http(s) URL (a citation cannot use anything else)."""
    url = document.metadata.url
    if not url or safe_url(url) is None:
        return None
    url = url.strip()
    return url if url.lower().startswith(("http://", "https://")) else None


def keywords(document: Document) -> tuple[str, ...]:
    """The flat keywords; when the article prints only labelled groups, their terms in order."""
    meta = document.metadata
    if meta.keywords:
        return meta.keywords
    seen: dict[str, None] = {}
    for group in meta.keyword_groups:
        for term in group.terms:
            seen.setdefault(term, None)
    return tuple(seen)


def title_with_subtitle(title: str, subtitle: str | None) -> str:
    """``Title: Subtitle``; a title ending in ``?`` or ``!`` takes no colon."""
    if not subtitle:
        return title
    return title + (" " if title[-1:] in {"?", "!", ":"} else ": ") + subtitle


def unnamed_publisher(document: Document, csl_type: str) -> str | None:
    """The publisher a reference of ``csl_type`` leaves out (see :func:`reference_source`), unless it
    only repeats the site's name."""
    site, shown = reference_source(document, csl_type)
    publisher = (document.metadata.publisher or "").strip()
    named = {(name or "").casefold() for name in (site, shown)}
    return publisher if publisher and publisher.casefold() not in named else None


def reference_source(document: Document, csl_type: str) -> tuple[str | None, str | None]:
    """(site, publisher) as a reference of ``csl_type`` names them: the site always; the publisher
    unless the type is a web page or blog post that names its site, or it only repeats the site."""
    meta = document.metadata
    site = (meta.site or "").strip() or None
    publisher = (meta.publisher or "").strip() or None
    if publisher and site and (csl_type in SITE_ONLY_TYPES or publisher.casefold() == site.casefold()):
        publisher = None
    return site, publisher


def _rights_custom(document: Document) -> tuple[dict[str, Any], dict[str, str]]:
    """``custom.rights`` (the shared copyright line and year, holders, licence, source, notices)
    and which of its values were supplied rather than printed (field → rule)."""
    rights = document.rights
    out: dict[str, Any] = {}
    supplied: dict[str, str] = {}
    line = rights_line(document)
    if line:
        out["statement"] = line
        if not (rights.statement or "").strip():
            supplied["rights.statement"] = "holders-and-year"
    if rights.holders:
        out["holders"] = list(rights.holders)
    year = copyright_year(document)
    if year is not None:
        out["year"] = year.value
        if year.supplied:
            supplied["rights.year"] = year.rule
    if rights.license:
        out["license"] = rights.license
    if rights.license_url and safe_url(rights.license_url):
        out["license-url"] = rights.license_url.strip()
    if rights.source:
        out["source"] = rights.source
    if rights.source_url and safe_url(rights.source_url):
        out["source-url"] = rights.source_url.strip()
    if rights.notices:
        out["notices"] = [{"kind": n.kind, "text": n.text} for n in rights.notices]
    return out, supplied


def csl_item(document: Document, *, key: str, csl_type: str = DEFAULT_CSL_TYPE) -> dict[str, Any]:
    """The CSL-JSON item of ``document`` with id and citation-key ``key``."""
    meta = document.metadata
    title = display_title(document)
    item: dict[str, Any] = {"id": key, "citation-key": key, "type": csl_type}
    item["title"] = title_with_subtitle(title.value, meta.subtitle)
    if meta.subtitle:
        item["title-short"] = title.value
    if meta.authors:
        item["author"] = [_name(a) for a in meta.authors]
    site, publisher = reference_source(document, csl_type)
    if site:
        item["container-title"] = site
    if publisher:
        item["publisher"] = publisher
    issued = _date(meta.date)
    if issued:
        item["issued"] = issued
    url = article_url(document)
    if url:
        item["URL"] = url
    accessed = _date(meta.accessed)
    if accessed:
        item["accessed"] = accessed
    terms = keywords(document)
    if terms:
        item["keyword"] = ", ".join(terms)
    language = language_tag(meta.language)
    if language:
        item["language"] = language
    if meta.issn:
        item["ISSN"] = meta.issn
    custom: dict[str, Any] = {}
    rights, supplied = _rights_custom(document)
    if rights:
        custom["rights"] = rights
    left_out = unnamed_publisher(document, csl_type)
    if left_out:
        custom["publisher"] = left_out
    if meta.keyword_groups:
        custom["keyword-groups"] = {g.label: list(g.terms) for g in meta.keyword_groups}
    if title.supplied:
        supplied = {"title": title.rule, **supplied}
    if supplied:
        custom["supplied"] = supplied
    if custom:
        item["custom"] = custom
    return item


def csl_items(documents: Sequence[Document], *, csl_type: str = DEFAULT_CSL_TYPE) -> list[dict[str, Any]]:
    """One CSL item per document, in input order, with citation keys unique among them."""
    keys = unique_keys([citation_key_base(d) for d in documents])
    return [csl_item(d, key=k, csl_type=csl_type) for d, k in zip(documents, keys, strict=True)]


def diagnostics(document: Document) -> list[Diagnostic]:
    """What the bibliographic writers supplied or left out for ``document``."""
    out: list[Diagnostic] = []
    title = display_title(document)
    if title.supplied:
        out.append(Diagnostic(field="metadata.title", supplied=True,
                              message=f"no printed title; used {title.value!r} ({title.rule})"))
    meta = document.metadata
    if meta.date and parse_date(meta.date) is None:
        out.append(Diagnostic(field="metadata.date",
                              message=f"not an ISO date, written as raw: {meta.date!r}"))
    if meta.url and article_url(document) is None:
        out.append(Diagnostic(field="metadata.url",
                              message=f"not an absolute http(s) URL, left out: {meta.url!r}"))
    if meta.language and language_tag(meta.language) is None:
        out.append(Diagnostic(field="metadata.language",
                              message=f"not a language tag, left out: {meta.language!r}"))
    return out


def _json(value: Any, level: int = 0) -> str:
    """Indented JSON whose arrays of scalars stay on one line (``"date-parts": [[2017, 1, 29]]``)."""
    def flat(v: Any) -> bool:
        return not isinstance(v, dict) and (not isinstance(v, list) or all(flat(x) for x in v))

    if flat(value):
        return json.dumps(value, ensure_ascii=False)
    pad, inner = "  " * level, "  " * (level + 1)
    if isinstance(value, dict):
        rows = [f"{inner}{json.dumps(k, ensure_ascii=False)}: {_json(v, level + 1)}"
                for k, v in value.items()]
        return "{\n" + ",\n".join(rows) + f"\n{pad}}}" if rows else "{}"
    rows = [f"{inner}{_json(v, level + 1)}" for v in value]
    return "[\n" + ",\n".join(rows) + f"\n{pad}]"


def _dump(items: list[dict[str, Any]], stream: IO[bytes]) -> None:
    stream.write((_json(items) + "\n").encode("utf-8"))


def write(document: Document, stream: IO[bytes], options: CslOptions) -> Sequence[Diagnostic]:
    _dump(csl_items([document], csl_type=options.csl_type), stream)
    return diagnostics(document)


def write_collection(documents: Sequence[Document], stream: IO[bytes],
                     options: CslOptions) -> Sequence[Diagnostic]:
    _dump(csl_items(documents, csl_type=options.csl_type), stream)
    return collection_diagnostics(documents)


def collection_diagnostics(documents: Sequence[Document]) -> list[Diagnostic]:
    """:func:`diagnostics` of each document, the message naming the document when there are several."""
    if len(documents) == 1:
        return diagnostics(documents[0])
    out: list[Diagnostic] = []
    for index, document in enumerate(documents, start=1):
        name = document.provenance.source_name or f"document {index}"
        out.extend(replace(d, message=f"{name}: {d.message}") for d in diagnostics(document))
    return out


WRITER = Writer(
    name="csl-json",
    suffix=".csl.json",
    media_type="application/vnd.citationstyles.csl+json",
    binary=False,
    description="CSL-JSON bibliography data (pandoc citeproc, Zotero, citeproc-js)",
    write=write,
    options_type=CslOptions,
    write_collection=write_collection,
)
