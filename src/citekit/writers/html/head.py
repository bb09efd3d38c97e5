"""The page's ``head``: what reference managers, crawlers and readers of the page's metadata read.

=====================  =============================================================================
vocabulary             tags (each only when the document has the value)
=====================  =============================================================================
HTML                   ``title``, ``link rel=canonical`` (the article URL), ``link rel=license``
                       (the licence URL), ``meta name=author|description|keywords|generator``
Highwire Press         ``citation_title``, ``citation_author`` (one per author, "Family, Given"),
(Zotero, Google        ``citation_publication_date`` (``2017/01/29``), ``citation_journal_title``
Scholar)               (the site), ``citation_publisher``, ``citation_public_url``,
                       ``citation_language``, ``citation_keywords``
Dublin Core            ``DC.title``, ``DC.creator``, ``DC.date``, ``DC.language``, ``DC.publisher``,
                       ``DC.identifier``, ``DC.subject``, ``DC.rights`` (copyright line and
                       licence), ``DC.source`` (the source line)
OpenGraph              ``og:type`` article, ``og:title``, ``og:url``, ``og:site_name``, ``og:locale``,
                       ``og:description``, ``article:published_time``, ``article:author``,
                       ``article:tag``
schema.org JSON-LD     ``NewsArticle``: headline, alternativeHeadline, author (Person or
                       Organization), datePublished, publisher (the site, its organisation as
                       parentOrganization), url, mainEntityOfPage, inLanguage, keywords, license,
                       copyrightHolder, copyrightYear, copyrightNotice, isBasedOn (the source)
=====================  =============================================================================

The JSON-LD block is data (``application/ld+json``), not script; ``<``, ``>`` and ``&`` are written
as JSON escapes so that no text can close it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from citekit.derive import (
    copyright_year,
    inverted_name,
    is_person,
    licence_line,
    rights_line,
    rights_summary,
    source_line,
)
from citekit.model import Author, Document
from citekit.writers._sections import Matter, http_url
from citekit.writers._text import clean
from citekit.writers.html.body import attribute, text

DC_SCHEMA = "http://purl.org/dc/elements/1.1/"


def _line(value: str | None) -> str:
    return " ".join((value or "").split())


def _meta(name: str, content: str | None, key: str = "name") -> str:
    return f"<meta {key}={attribute(name)} content={attribute(content or '')}>\n" if _line(content) else ""


def _locale(language: str | None) -> str | None:
    """OpenGraph's ``og:locale`` (``en_US``) from a language tag: language and region only."""
    if not language:
        return None
    parts = language.split("-")
    region = next((p for p in parts[1:] if len(p) == 2 and p.isalpha()), None)
    return f"{parts[0]}_{region.upper()}" if region else parts[0]


def head_tags(document: Document, matter: Matter) -> str:
    """Every metadata tag of the page, in the order of the table above."""
    meta, block = document.metadata, matter.title
    names = list(block.authors)
    keywords = [k for k in dict.fromkeys(_line(k) for k in meta.keywords) if k]
    date = block.date
    rights = rights_summary(document)
    source = source_line(document)
    license_url = http_url(document.rights.license_url)
    tags = [f"<title>{text(block.title.value)}</title>\n"]
    if block.url:
        tags.append(f"<link rel=\"canonical\" href={attribute(block.url)}>\n")
    if license_url:
        tags.append(f"<link rel=\"license\" href={attribute(license_url)}>\n")
    tags += [_meta("author", "; ".join(names)), _meta("description", block.subtitle),
             _meta("keywords", ", ".join(keywords)), _meta("generator", "citekit")]
    # Highwire Press
    tags.append(_meta("citation_title", block.title.value))
    tags += [_meta("citation_author", inverted_name(a)) for a in meta.authors if _line(inverted_name(a))]
    if date is not None:
        tags.append(_meta("citation_publication_date", date.iso().replace("-", "/")))
    tags += [_meta("citation_journal_title", block.site), _meta("citation_publisher", meta.publisher),
             _meta("citation_public_url", block.url), _meta("citation_language", matter.language),
             _meta("citation_keywords", "; ".join(keywords))]
    # Dublin Core
    tags.append(f"<link rel=\"schema.DC\" href=\"{DC_SCHEMA}\">\n")
    tags.append(_meta("DC.title", block.title.value))
    tags += [_meta("DC.creator", name) for name in names]
    tags += [_meta("DC.date", date.iso() if date else None), _meta("DC.language", matter.language),
             _meta("DC.publisher", meta.publisher or block.site), _meta("DC.identifier", block.url),
             _meta("DC.subject", "; ".join(keywords)), _meta("DC.rights", rights), _meta("DC.source", source)]
    # OpenGraph
    tags += [_meta("og:type", "article", "property"), _meta("og:title", block.title.value, "property"),
             _meta("og:url", block.url, "property"), _meta("og:site_name", block.site, "property"),
             _meta("og:locale", _locale(matter.language), "property"),
             _meta("og:description", block.subtitle, "property")]
    if date is not None:
        tags.append(_meta("article:published_time", date.iso(), "property"))
    tags += [_meta("article:author", name, "property") for name in names]
    tags += [_meta("article:tag", keyword, "property") for keyword in keywords]
    tags.append(json_ld(document, matter))
    return "".join(tags)


def _agent(name: str, author: Author | None) -> dict[str, Any]:
    if author is not None and is_person(author):
        person: dict[str, Any] = {"@type": "Person", "name": name}
        for key, value in (("givenName", author.given), ("familyName", author.family)):
            if _line(value):
                person[key] = _line(value)
        return person
    return {"@type": "Organization", "name": name}


def _creative_work(url: str | None, name: str) -> Any:
    """A URL when there is one (schema.org takes URL or CreativeWork), else a work named ``name``."""
    if url:
        return url
    return {"@type": "CreativeWork", "name": name} if name else None


def json_ld(document: Document, matter: Matter) -> str:
    """The ``NewsArticle`` as a JSON-LD data block."""
    meta, rights, block = document.metadata, document.rights, matter.title
    by_name = {_line(a.name): a for a in meta.authors}
    data: dict[str, Any] = {"@context": "https://schema.org", "@type": "NewsArticle",
                            "headline": block.title.value}
    site, publisher = block.site, _line(meta.publisher) or None
    values: Sequence[tuple[str, Any]] = (
        ("alternativeHeadline", block.subtitle),
        ("author", [_agent(name, by_name.get(name)) for name in block.authors]),
        ("datePublished", block.date.iso() if block.date else None),
        ("publisher", _publisher(site, publisher)),
        ("url", block.url), ("mainEntityOfPage", block.url), ("inLanguage", matter.language),
        ("keywords", [k for k in dict.fromkeys(_line(k) for k in meta.keywords) if k]),
        ("license", _creative_work(http_url(rights.license_url), licence_line(document))),
        ("copyrightHolder", [_agent(h, by_name.get(h)) for h in (_line(h) for h in rights.holders) if h]),
        ("copyrightYear", year.value if (year := copyright_year(document)) else None),
        ("copyrightNotice", rights_line(document)),
        ("isBasedOn", _creative_work(http_url(rights.source_url), source_line(document))),
    )
    data.update({key: value for key, value in values if value not in (None, "", [])})
    encoded = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    encoded = clean(encoded).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/ld+json">{encoded}</script>\n'


def _publisher(site: str | None, publisher: str | None) -> dict[str, Any] | None:
    name = site or publisher
    if not name:
        return None
    organisation: dict[str, Any] = {"@type": "Organization", "name": name}
    if site and publisher and publisher != site:
        organisation["parentOrganization"] = {"@type": "Organization", "name": publisher}
    return organisation
