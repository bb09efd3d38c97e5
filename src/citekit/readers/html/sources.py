"""What a saved page states about itself, gathered as candidates, one per (source, key, value).

Sources, in the ids that provenance records:

=============  ==============================================================================
``json-ld``    schema.org ``Article``-like objects in ``<script type="application/ld+json">``
``og``         OpenGraph and ``article:*`` properties
``highwire``   Highwire Press ``citation_*`` tags (Google Scholar's)
``dc``         Dublin Core ``DC.*`` / ``dcterms.*``
``meta``       other ``<meta name>`` tags (author, copyright, parsely-*, sailthru.*, twitter:*)
``link``       ``<link rel="canonical">``, ``<link rel="license">``, ``<a rel="author">``
``html``       the page's own elements: ``<title>``, the first ``<h1>``, ``<time datetime>``,
               ``itemprop`` microdata, elements classed as a byline
=============  ==============================================================================

Choosing among candidates is :mod:`citekit.readers.html.choose`'s job; nothing here decides.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import lxml.html

from citekit.readers.html.page import element_text

MAX_JSON_LD_BYTES = 512 * 1024
"""A JSON-LD script larger than this is skipped: article metadata is a few kilobytes."""
MAX_JSON_LD_DEPTH = 12
"""Objects nested deeper than this are not searched (bounded work on hostile pages)."""
MAX_VALUE_CHARS = 2000
"""Longer values are not metadata (a whole article pasted into a description)."""

ARTICLE_TYPES = frozenset({
    "article", "newsarticle", "blogposting", "reportagenewsarticle", "analysisnewsarticle",
    "opinionnewsarticle", "reviewnewsarticle", "backgroundnewsarticle", "askpublicnewsarticle",
    "scholarlyarticle", "techarticle", "report", "liveblogposting", "socialmediaposting",
    "advertisercontentarticle", "satiricalarticle", "medicalscholarlyarticle", "posting",
})
"""schema.org types whose headline, author and dates are the article's own."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Candidate:
    """One value a page states for one field."""

    field: str
    """title, authors, site, publisher, date, url, license, license_url, statement, holders, year,
    source_url, subtitle, keywords, language."""
    source: str
    """json-ld, og, highwire, dc, meta, link or html."""
    key: str
    """The tag, property or element it came from ("og:title", "headline", "h1")."""
    value: str
    """The value as the page prints it, whitespace collapsed."""

    @property
    def origin(self) -> str:
        """``source:key``, the id the choosing tables use."""
        return f"{self.source}:{self.key}"


def _clean(value: Any) -> str:
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        return ""
    text = " ".join(str(value).split())
    return text if len(text) <= MAX_VALUE_CHARS else ""


# --------------------------------------------------------------------------------------------
# <meta> and <link>

# (attribute value, lower case) → (field, source); several tags may feed one field.
META_FIELDS: dict[str, tuple[str, str]] = {
    "og:title": ("title", "og"), "twitter:title": ("title", "meta"),
    "citation_title": ("title", "highwire"), "dc.title": ("title", "dc"), "dcterms.title": ("title", "dc"),
    "og:site_name": ("site", "og"), "application-name": ("site", "meta"),
    "citation_journal_title": ("site", "highwire"), "citation_conference_title": ("site", "highwire"),
    "dc.publisher": ("publisher", "dc"), "dcterms.publisher": ("publisher", "dc"),
    "citation_publisher": ("publisher", "highwire"), "publisher": ("publisher", "meta"),
    "author": ("authors", "meta"), "article:author": ("authors", "og"), "citation_author": ("authors", "highwire"),
    "dc.creator": ("authors", "dc"), "dcterms.creator": ("authors", "dc"), "parsely-author": ("authors", "meta"),
    "sailthru.author": ("authors", "meta"), "byl": ("authors", "meta"), "dc.contributor": ("authors", "dc"),
    "article:published_time": ("date", "og"), "og:published_time": ("date", "og"),
    "citation_publication_date": ("date", "highwire"), "citation_date": ("date", "highwire"),
    "citation_online_date": ("date", "highwire"),
    "dc.date": ("date", "dc"), "dc.date.issued": ("date", "dc"), "dcterms.issued": ("date", "dc"),
    "dcterms.created": ("date", "dc"), "dcterms.date": ("date", "dc"),
    "date": ("date", "meta"), "pubdate": ("date", "meta"), "publishdate": ("date", "meta"),
    "publish-date": ("date", "meta"), "publication_date": ("date", "meta"), "sailthru.date": ("date", "meta"),
    "parsely-pub-date": ("date", "meta"), "article.published": ("date", "meta"),
    "datepublished": ("date", "meta"), "date.available": ("date", "meta"),
    "og:url": ("url", "og"), "citation_public_url": ("url", "highwire"),
    "citation_abstract_html_url": ("url", "highwire"),
    "dc.identifier": ("url", "dc"),
    "dc.rights": ("statement", "dc"), "dcterms.rights": ("statement", "dc"), "copyright": ("statement", "meta"),
    "dcterms.license": ("license_url", "dc"), "dc.license": ("license_url", "dc"),
    "description": ("subtitle", "meta"), "og:description": ("subtitle", "og"),
    "keywords": ("keywords", "meta"), "news_keywords": ("keywords", "meta"), "article:tag": ("keywords", "og"),
    "citation_keywords": ("keywords", "highwire"),
    "og:locale": ("language", "og"), "dc.language": ("language", "dc"), "citation_language": ("language", "highwire"),
    "content-language": ("language", "meta"),
}


def meta_candidates(root: lxml.html.HtmlElement) -> Iterator[Candidate]:
    """Candidates from ``<meta name|property|itemprop|http-equiv=… content=…>``."""
    for meta in root.iter("meta"):
        content = _clean(meta.get("content"))
        if not content:
            continue
        for attribute in ("property", "name", "http-equiv"):
            key = (meta.get(attribute) or "").strip().lower()
            if key in META_FIELDS:
                field, source = META_FIELDS[key]
                yield Candidate(field=field, source=source, key=key, value=content)
                break
        itemprop = (meta.get("itemprop") or "").strip().lower()
        if itemprop in _ITEMPROP_FIELDS:
            yield Candidate(field=_ITEMPROP_FIELDS[itemprop], source="html", key=f"itemprop:{itemprop}",
                            value=content)


def link_candidates(root: lxml.html.HtmlElement) -> Iterator[Candidate]:
    """``<link rel=canonical|license>`` and ``<a rel=license|author>``."""
    for element in root.iter("link", "a"):
        rels = (element.get("rel") or "").lower().split()
        href = (element.get("href") or "").strip()
        if not href or not rels:
            continue
        if "canonical" in rels and element.tag == "link":
            yield Candidate(field="url", source="link", key="canonical", value=href)
        if "license" in rels:
            yield Candidate(field="license_url", source="link", key=f"{element.tag}:license", value=href)
            if element.tag == "a" and (text := element_text(element)):
                yield Candidate(field="license", source="link", key="a:license", value=text)
        if "author" in rels and element.tag == "a" and (text := _clean(element_text(element))):
            yield Candidate(field="authors", source="link", key="a:author", value=text)


# --------------------------------------------------------------------------------------------
# The page's elements

_ITEMPROP_FIELDS = {"headline": "title", "author": "authors", "datepublished": "date", "datecreated": "date",
                    "copyrightyear": "year", "copyrightholder": "holders", "publisher": "publisher",
                    "license": "license_url"}

_BYLINE_CLASSES = ("byline", "author-name", "author__name", "authorname", "article-author", "author")


def element_candidates(root: lxml.html.HtmlElement) -> Iterator[Candidate]:
    """``<title>``, the first ``<h1>``, ``<time datetime>``, microdata and byline-classed elements."""
    title = root.find(".//title")
    if title is not None and (text := _clean(element_text(title))):
        yield Candidate(field="title", source="html", key="title", value=text)
    yield from _h1_candidates(root)
    times = 0
    for element in root.iter("time"):
        stamp = _clean(element.get("datetime"))
        if stamp and times < 3:
            times += 1
            pubdate = element.get("pubdate") is not None or (element.get("itemprop") or "").lower() == "datepublished"
            yield Candidate(field="date", source="html", key="time[pubdate]" if pubdate else "time", value=stamp)
    for element in root.xpath("//*[@itemprop][not(self::meta)]"):
        itemprop = (element.get("itemprop") or "").strip().lower()
        field = _ITEMPROP_FIELDS.get(itemprop)
        if not field or element.tag == "time":
            continue
        value = element.get("content") or element.get("datetime")
        if field != "date" and not value:
            value = element_text(element)
        if itemprop == "author":  # an itemprop=author element holds a Person whose name is itemprop=name
            names = element.xpath(".//*[@itemprop='name']")
            value = element_text(names[0]) if names else value
        if value := _clean(value):
            yield Candidate(field=field, source="html", key=f"itemprop:{itemprop}", value=value)
    # Every byline class names an author or a byline: a cheap test of the raw attribute comes first.
    for element in root.iter("span", "div", "p", "a", "address"):
        raw = (element.get("class") or "").lower()
        if "author" not in raw and "byline" not in raw:
            continue
        classes = raw.split()
        if any(c in _BYLINE_CLASSES for c in classes):
            text = _clean(element_text(element))
            if text and len(text) <= 120:
                yield Candidate(field="authors", source="html", key="class:byline", value=text)


_BANNER_MARKS = ("site-name", "sitename", "site-title", "sitetitle", "site-logo", "logo", "brand", "masthead")
"""Class or id fragments of an ``<h1>`` (or its parent) that holds the site's name in the page header."""
MAX_H1 = 20
"""Only the first few ``<h1>`` are looked at (a hostile page may hold thousands)."""


def _is_banner(h1: lxml.html.HtmlElement) -> bool:
    """True for an ``<h1>`` that names the site, not the article: WordPress and Drupal themes print the
    site name as ``<h1 class="site-title"><a href="/">Site</a></h1>``, some put a "Menu" ``<h1>`` in the
    ``<nav>``. Read as the headline, it outvoted the real title on 6 of 174 development pages."""
    parent = h1.getparent()
    holders = (h1,) if parent is None else (h1, parent)
    marks = " ".join(f"{e.get('class') or ''} {e.get('id') or ''}" for e in holders).lower()
    if any(mark in marks for mark in _BANNER_MARKS):
        return True
    for ancestor in h1.iterancestors():  # the nearest of <nav> and <article>/<main> decides (bad markup nests them)
        if ancestor.tag in {"article", "main"}:
            break
        if ancestor.tag == "nav":
            return True
    links = h1.xpath(".//a[@href]")
    if len(links) == 1 and element_text(links[0]) == element_text(h1):
        href = (links[0].get("href") or "").strip()
        path = href.split("://", 1)[1].partition("/")[2] if "://" in href else href.lstrip("/")
        return path.split("?", 1)[0].split("#", 1)[0] in {"", "index.html", "index.php"}
    return False


def _h1_candidates(root: lxml.html.HtmlElement) -> Iterator[Candidate]:
    """The headline ``<h1>`` (the first inside ``<article>``/``<main>``, else the first) as a title;
    a banner ``<h1>`` that names the site as a site candidate instead."""
    headlines: list[tuple[bool, str]] = []
    banner_named = False
    for h1 in root.iter("h1"):
        if len(headlines) >= MAX_H1 or not (text := _clean(element_text(h1))):
            continue
        if _is_banner(h1):
            if not banner_named and len(text) <= 80:
                banner_named = True
                yield Candidate(field="site", source="html", key="h1-banner", value=text)
            continue
        in_article = any(a.tag in {"article", "main"} for a in h1.iterancestors())
        headlines.append((in_article, text))
    if headlines:
        text = next((t for inside, t in headlines if inside), headlines[0][1])
        yield Candidate(field="title", source="html", key="h1", value=text)


# --------------------------------------------------------------------------------------------
# JSON-LD


def _types(node: dict[str, Any]) -> set[str]:
    raw = node.get("@type")
    values = raw if isinstance(raw, list) else [raw]
    return {v.rsplit("/", 1)[-1].lower() for v in values if isinstance(v, str)}


def _objects(value: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    """Every JSON object in ``value`` (``@graph`` included), breadth limited by depth."""
    if depth > MAX_JSON_LD_DEPTH:
        return
    if isinstance(value, list):
        for item in value:
            yield from _objects(item, depth + 1)
    elif isinstance(value, dict):
        yield value
        for key in ("@graph", "mainEntity", "mainEntityOfPage", "itemListElement"):
            if key in value:
                yield from _objects(value[key], depth + 1)


def _names(value: Any) -> list[str]:
    """Names from a schema.org Person/Organization, a list of them, or a plain string."""
    items = value if isinstance(value, list) else [value]
    names = []
    for item in items[:50]:
        name = _clean(item.get("name")) if isinstance(item, dict) else _clean(item)
        if name:
            names.append(name)
    return names


def _url(value: Any) -> str:
    if isinstance(value, dict):
        return _clean(value.get("url") or value.get("@id"))
    return _clean(value)


def json_ld_candidates(root: lxml.html.HtmlElement) -> Iterator[Candidate]:
    """Candidates from schema.org article objects; a publisher/website object gives the site."""
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        raw = (script.text or "").strip()
        if not raw or len(raw) > MAX_JSON_LD_BYTES:
            continue
        try:
            data = json.loads(raw, strict=False)
        except (ValueError, RecursionError):
            continue
        for node in _objects(data):
            types = _types(node)
            if types & ARTICLE_TYPES:
                yield from _article_node(node)
            elif types & {"website"} and (name := _clean(node.get("name"))):
                yield Candidate(field="site", source="json-ld", key="WebSite.name", value=name)


def _article_node(node: dict[str, Any]) -> Iterator[Candidate]:
    def one(field: str, key: str, value: Any) -> Iterator[Candidate]:
        if text := _clean(value):
            yield Candidate(field=field, source="json-ld", key=key, value=text)

    yield from one("title", "headline", node.get("headline"))
    yield from one("title", "name", node.get("name"))
    yield from one("subtitle", "alternativeHeadline", node.get("alternativeHeadline"))
    yield from one("subtitle", "description", node.get("description"))
    for name in _names(node.get("author")):
        yield Candidate(field="authors", source="json-ld", key="author", value=name)
    for name in _names(node.get("creator")):
        yield Candidate(field="authors", source="json-ld", key="creator", value=name)
    yield from one("date", "datePublished", node.get("datePublished"))
    yield from one("date", "dateCreated", node.get("dateCreated"))
    for name in _names(node.get("publisher"))[:1]:
        yield Candidate(field="publisher", source="json-ld", key="publisher", value=name)
    for name in _names(node.get("isPartOf"))[:1]:
        yield Candidate(field="site", source="json-ld", key="isPartOf", value=name)
    yield from one("url", "url", _url(node.get("url")))
    yield from one("url", "mainEntityOfPage", _url(node.get("mainEntityOfPage")))
    yield from one("license_url", "license", _url(node.get("license")))
    for name in _names(node.get("copyrightHolder")):
        yield Candidate(field="holders", source="json-ld", key="copyrightHolder", value=name)
    yield from one("year", "copyrightYear", node.get("copyrightYear"))
    yield from one("statement", "copyrightNotice", node.get("copyrightNotice"))
    yield from one("source_url", "isBasedOn", _url(node.get("isBasedOn")))
    yield from one("language", "inLanguage", node.get("inLanguage"))
    keywords = node.get("keywords")
    for word in (keywords if isinstance(keywords, list) else [keywords])[:100]:
        yield from one("keywords", "keywords", word)


def page_candidates(root: lxml.html.HtmlElement) -> tuple[Candidate, ...]:
    """Everything the page states, in document order within each source."""
    language = (root.get("lang") or "").strip()
    found = [
        *json_ld_candidates(root),
        *meta_candidates(root),
        *link_candidates(root),
        *element_candidates(root),
    ]
    if language:
        found.append(Candidate(field="language", source="html", key="html[lang]", value=language))
    return tuple(found)
