"""citekit's YAML front matter: every metadata and rights field of a document, under keys that
pandoc, Jekyll and Hugo already read, and the way back. Written by the Markdown writer, read by
the Markdown reader; neither knows the other, both know this table (as both sides of the JSON form
know :mod:`citekit.serialise`).

============================  ==========================  =========================================
key                           document field              who else reads it
============================  ==========================  =========================================
``title``                     ``metadata.title``          pandoc, Jekyll, Hugo
``subtitle``                  ``metadata.subtitle``       pandoc
``author`` (names)            ``metadata.authors[].name`` pandoc, Jekyll
``author-details``            given, family, literal,
                              email, bio of each author
``date``                      ``metadata.date`` (ISO)     pandoc, Jekyll, Hugo
``accessed``                  ``metadata.accessed``
``lang``                      ``metadata.language``       pandoc
``url``                       ``metadata.url``            Jekyll (``url`` of a page), citekit's reader
``site``, ``publisher``       ``metadata.site``/``publisher``
``keywords``                  ``metadata.keywords``       pandoc (PDF/DOCX keywords), Hugo
``keyword-groups``            ``metadata.keyword_groups``
``article-type``,             ``metadata.article_type``,
``journal-id``, ``issn``      ``journal_id``, ``issn``
``copyright``                 ``rights.statement``,       Quarto (``holder``, ``year``, ``statement``)
                              ``holders``, ``year``
``license``                   ``rights.license``,         Quarto (``text``, ``url``)
                              ``license_url``
``source``                    ``rights.source``,
                              ``source_url``
``notices``                   ``rights.notices``
``generator``                 ``citekit``                 marks the front matter as complete
============================  ==========================  =========================================

Empty fields are left out. Every value is plain text (YAML strings, quoted by PyYAML where YAML
would read them as something else, such as a date); pandoc reads string values as Markdown, so a
title holding ``*`` is emphasis to pandoc, but the same text to citekit and static-site tools.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from citekit.errors import InputError
from citekit.model import NOTICE_KINDS, Author, KeywordGroup, Metadata, Notice, NoticeKind, Rights

FIELDS: dict[str, str] = {
    "title": "metadata.title", "subtitle": "metadata.subtitle", "author": "metadata.authors",
    "author-details": "metadata.authors", "date": "metadata.date", "accessed": "metadata.accessed",
    "lang": "metadata.language", "url": "metadata.url", "site": "metadata.site", "publisher": "metadata.publisher",
    "keywords": "metadata.keywords", "keyword-groups": "metadata.keyword_groups",
    "article-type": "metadata.article_type", "journal-id": "metadata.journal_id", "issn": "metadata.issn",
    "copyright": "rights.statement", "license": "rights.license", "source": "rights.source",
    "notices": "rights.notices",
}
"""Each key and the document field it fills (the table above), for provenance."""
SECTION_ROLES = ("bio", "note", "links", "keywords", "colophon")
"""The classes of the sections a page writer adds after the body (fenced divs in Markdown)."""
BACK_ITEM = "back-item"
"""The class of a part of a section that is one of the document's back-matter items."""
BACK_INDEX = "back-index"
"""The attribute of a back-matter item giving its place in the document's back matter (the sections
group items by role: About the author first, then Notes, then Links)."""
GENERATOR = "citekit"
"""The ``generator`` value that marks front matter holding every field of the document."""
_AUTHOR_KEYS = ("name", "given", "family", "literal", "email", "bio")
# pandoc reads every metadata string as Markdown: "<img src=x onerror=…>" in a title would be raw
# HTML in its HTML output, "[x](javascript:…)" a link. Text values are written with Markdown's
# punctuation escaped, as pandoc writes its own metadata, and read back unescaped; values that are
# addresses, codes or dates are written as they are.
_LITERAL_KEYS = frozenset({"url", "lang", "date", "accessed", "issn", "journal-id", "article-type", "email",
                           "generator", "kind", "year"})
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_\[\]<>&$^~@|#{}])")
_ESCAPED_PUNCTUATION = re.compile(r"\\([!-/:-@\[-`{-~])")


def _escaped(value: Any, key: str) -> Any:
    """``value`` with every text under a non-literal key Markdown-escaped."""
    if isinstance(value, dict):
        return {k: _escaped(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_escaped(v, key) for v in value]
    if isinstance(value, str) and key not in _LITERAL_KEYS:
        return _MARKDOWN_PUNCTUATION.sub(r"\\\1", value)
    return value


def _unescaped(text: str, key: str) -> str:
    """The text of a value written by :func:`_escaped` (``key`` as the reader names it: ``a[0].b``)."""
    last = key.rsplit(".", 1)[-1].split("[", 1)[0]
    return text if last in _LITERAL_KEYS else _ESCAPED_PUNCTUATION.sub(r"\1", text)


def _put(target: dict[str, Any], key: str, value: Any) -> None:
    if value not in (None, "", (), [], {}):
        target[key] = value


def to_front_matter(metadata: Metadata, rights: Rights) -> dict[str, Any]:
    """The front matter mapping, keys in the order of the table above."""
    out: dict[str, Any] = {}
    _put(out, "title", metadata.title)
    _put(out, "subtitle", metadata.subtitle)
    _put(out, "author", [a.name for a in metadata.authors])
    details = [{k: getattr(a, k) for k in _AUTHOR_KEYS if getattr(a, k) not in (None, "")}
               for a in metadata.authors]
    _put(out, "author-details", details if any(len(d) > 1 for d in details) else [])
    _put(out, "date", metadata.date)
    _put(out, "accessed", metadata.accessed)
    _put(out, "lang", metadata.language)
    _put(out, "url", metadata.url)
    _put(out, "site", metadata.site)
    _put(out, "publisher", metadata.publisher)
    _put(out, "keywords", list(metadata.keywords))
    _put(out, "keyword-groups", [{"label": g.label, "terms": list(g.terms)} for g in metadata.keyword_groups])
    _put(out, "article-type", metadata.article_type)
    _put(out, "journal-id", metadata.journal_id)
    _put(out, "issn", metadata.issn)
    copyright_: dict[str, Any] = {}
    _put(copyright_, "statement", rights.statement)
    _put(copyright_, "holders", list(rights.holders))
    _put(copyright_, "year", rights.year)
    _put(out, "copyright", copyright_)
    licence: dict[str, Any] = {}
    _put(licence, "text", rights.license)
    _put(licence, "url", rights.license_url)
    _put(out, "license", licence)
    source: dict[str, Any] = {}
    _put(source, "text", rights.source)
    _put(source, "url", rights.source_url)
    _put(out, "source", source)
    _put(out, "notices", [{"kind": n.kind, "text": n.text} for n in rights.notices])
    out["generator"] = GENERATOR
    return out


def dump(metadata: Metadata, rights: Rights) -> str:
    """The front matter as a YAML block between ``---`` lines."""
    import yaml

    # libyaml's emitter when PyYAML has it (every PyYAML wheel does): three times the pure-Python speed.
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    front = _escaped(to_front_matter(metadata, rights), "")
    text = yaml.dump(front, Dumper=dumper, allow_unicode=True, sort_keys=False, default_flow_style=False, width=100)
    return f"---\n{text}---\n"


def is_complete(front: Mapping[str, Any]) -> bool:
    """True when ``front`` says it holds every field of its document (citekit wrote it)."""
    return front.get("generator") == GENERATOR


class _Fields:
    """Typed reading of one front-matter mapping; a value of the wrong kind is an InputError naming its key."""

    def __init__(self, front: Mapping[str, Any], name: str | None) -> None:
        self.front, self.name = front, name

    def fail(self, key: str, wanted: str) -> InputError:
        return InputError(f"front matter: {key} must be {wanted}", path=self.name)

    def text(self, value: Any, key: str) -> str | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float | dt.date):
            raise self.fail(key, "text")
        return value.isoformat() if isinstance(value, dt.date) else _unescaped(str(value), key)

    def texts(self, value: Any, key: str) -> tuple[str, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            raise self.fail(key, "a list")
        return tuple(t for n, item in enumerate(value) if (t := self.text(item, f"{key}[{n}]")) is not None)

    def mapping(self, value: Any, key: str) -> Mapping[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.fail(key, "a mapping")
        return value

    def maps(self, value: Any, key: str) -> list[Mapping[str, Any]]:
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(key, "a list")
        return [self.mapping(item, f"{key}[{n}]") for n, item in enumerate(value)]

    def get(self, key: str) -> str | None:
        return self.text(self.front.get(key), key)


def from_front_matter(front: Mapping[str, Any], name: str | None = None) -> tuple[Metadata, Rights]:
    """The metadata and rights of complete front matter (see :func:`is_complete`)."""
    f = _Fields(front, name)
    names = f.texts(front.get("author"), "author")
    details = f.maps(front.get("author-details"), "author-details")
    authors = []
    for n, printed in enumerate(names):
        detail = details[n] if n < len(details) else {}
        values = {k: f.text(detail.get(k), f"author-details[{n}].{k}") for k in _AUTHOR_KEYS[1:]}
        authors.append(Author(name=printed, **values))
    groups = tuple(KeywordGroup(label=f.text(g.get("label"), f"keyword-groups[{n}].label") or "",
                                terms=f.texts(g.get("terms"), f"keyword-groups[{n}].terms"))
                   for n, g in enumerate(f.maps(front.get("keyword-groups"), "keyword-groups")))
    metadata = Metadata(
        title=f.get("title"), subtitle=f.get("subtitle"), authors=tuple(authors), site=f.get("site"),
        publisher=f.get("publisher"), date=f.get("date"), url=f.get("url"), accessed=f.get("accessed"),
        language=f.get("lang"), keywords=f.texts(front.get("keywords"), "keywords"), keyword_groups=groups,
        article_type=f.get("article-type"), journal_id=f.get("journal-id"), issn=f.get("issn"))
    copyright_ = f.mapping(front.get("copyright"), "copyright")
    licence = f.mapping(front.get("license"), "license")
    source = f.mapping(front.get("source"), "source")
    year = copyright_.get("year")
    if year is not None and (isinstance(year, bool) or not isinstance(year, int)):
        raise f.fail("copyright.year", "a whole number")
    notices = []
    for n, item in enumerate(f.maps(front.get("notices"), "notices")):
        kind = item.get("kind")
        if kind not in NOTICE_KINDS:
            raise f.fail(f"notices[{n}].kind", f"one of {', '.join(NOTICE_KINDS)}")
        notice_kind: NoticeKind = kind
        notices.append(Notice(kind=notice_kind, text=f.text(item.get("text"), f"notices[{n}].text") or ""))
    rights = Rights(
        statement=f.text(copyright_.get("statement"), "copyright.statement"),
        holders=f.texts(copyright_.get("holders"), "copyright.holders"), year=year,
        license=f.text(licence.get("text"), "license.text"), license_url=f.text(licence.get("url"), "license.url"),
        source=f.text(source.get("text"), "source.text"), source_url=f.text(source.get("url"), "source.url"),
        notices=tuple(notices))
    return metadata, rights
