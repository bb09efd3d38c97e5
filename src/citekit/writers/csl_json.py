"""The CSL-JSON writer: one CSL item per document, for citeproc (pandoc, Zotero, citeproc-js).

Items follow the CSL 1.0.2 data schema (``csl-data.json``), which allows no keys of its own:
what CSL has no variable for (rights, keyword groups, which values citekit supplied) goes into
``custom``, and the rights also into ``note`` as one readable line.

:func:`csl_item` and :func:`csl_items` are pure functions of their arguments, for callers that
want the items as Python data (``citekit cite`` hands them to pandoc's citeproc).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import IO, Any

from citekit.derive import citation_key_base, display_title, iso_date_parts, unique_keys
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
# on Globalization. Global Research."), where APA shows the site only. tests/test_csl_json.py
# renders the seed with pandoc's citeproc in both styles to hold these claims.
DEFAULT_CSL_TYPE = "webpage"
CSL_TYPES = ("webpage", "article-newspaper", "article-magazine", "post-weblog", "article")


@dataclass(frozen=True, slots=True, kw_only=True)
class CslOptions(WriterOptions):
    """Options of the CSL-JSON writer."""

    csl_type: str = option(DEFAULT_CSL_TYPE, choices=CSL_TYPES,
                           help="CSL item type: webpage for news websites, article-newspaper for a newspaper")


def _name(author: Author) -> dict[str, str]:
    """A CSL name: family/given for a person, literal for an organisation or an unsplit name."""
    if author.literal is None and author.family:
        name = {"family": author.family}
        if author.given:
            name["given"] = author.given
        return name
    return {"literal": author.literal or author.name}


def _date(value: str | None) -> dict[str, Any] | None:
    """A CSL date: date-parts from an ISO date (kept partial), else the string as ``raw``."""
    if not value:
        return None
    parts = iso_date_parts(value)
    if parts is None:
        return {"raw": value}
    return {"date-parts": [list(parts)]}


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


def _sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text[-1] in ".!?" else text + "."


def rights_note(document: Document) -> str:
    """Copyright statement, licence and source as one line of sentences ("" when none is printed)."""
    rights = document.rights
    statement = rights.statement
    if not statement and rights.holders:
        year = f" {rights.year}" if rights.year else ""
        statement = f"Copyright ©{year} " + ", ".join(rights.holders)
    parts = [p for p in (statement, rights.license, rights.source) if p and p.strip()]
    return " ".join(_sentence(p) for p in parts)


def _rights_custom(document: Document) -> dict[str, Any]:
    rights = document.rights
    out: dict[str, Any] = {}
    if rights.statement:
        out["statement"] = rights.statement
    if rights.holders:
        out["holders"] = list(rights.holders)
    if rights.year is not None:
        out["year"] = rights.year
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
    return out


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
    if meta.site:
        item["container-title"] = meta.site
    # A publisher equal to the site would print twice ("Global Research. Global Research.").
    if meta.publisher and (not meta.site or meta.publisher.casefold() != meta.site.casefold()):
        item["publisher"] = meta.publisher
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
    if meta.language:
        item["language"] = meta.language
    if meta.issn:
        item["ISSN"] = meta.issn
    note = rights_note(document)
    if note:
        item["note"] = note
    custom: dict[str, Any] = {}
    rights = _rights_custom(document)
    if rights:
        custom["rights"] = rights
    if meta.keyword_groups:
        custom["keyword-groups"] = {g.label: list(g.terms) for g in meta.keyword_groups}
    if title.supplied:
        custom["supplied"] = {"title": title.rule}
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
    if meta.date and iso_date_parts(meta.date) is None:
        out.append(Diagnostic(field="metadata.date",
                              message=f"not an ISO date, written as raw: {meta.date!r}"))
    if meta.url and article_url(document) is None:
        out.append(Diagnostic(field="metadata.url",
                              message=f"not an absolute http(s) URL, left out: {meta.url!r}"))
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
