"""Rights: the copyright year, the copyright line, the source line and the rights summary that every
writer prints or stores, derived once from ``document.rights``.

- :func:`rights_line`: the copyright notice. The statement as printed; when the article names
  holders but prints no statement, "© 2017 Jane Doe" (year by :func:`copyright_year`).
- :func:`source_line`: the source attribution as printed, followed by its address in brackets
  unless the attribution already prints it ("Source: https://…" is not repeated).
- :func:`rights_summary`: copyright line and licence as sentences, for formats with a single
  rights field (``dc:rights``, Zotero's Rights, XMP ``dc:rights``).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from citekit.derive.dates import year_of
from citekit.derive.labels import labels_for
from citekit.derive.titles import Derived
from citekit.model import Document, safe_url

_SPACES = re.compile(r"\s+")


def _line(text: str | None) -> str:
    return _SPACES.sub(" ", text or "").strip()


def copyright_year(document: Document) -> Derived[int] | None:
    """The JATS4R rule: the printed copyright year, else the publication year, else None.

    The publication year is used only when the article prints a copyright statement or holder:
    a year is never attached to rights the article does not claim.
    """
    rights = document.rights
    if rights.year is not None:
        return Derived(value=rights.year, supplied=False, rule="printed")
    if rights.statement or rights.holders:
        year = year_of(document.metadata.date)
        if year is not None:
            return Derived(value=year, supplied=True, rule="publication-year")
    return None


def rights_line(document: Document) -> str:
    """The copyright notice: the printed statement, else "© year holders", else ""."""
    rights = document.rights
    statement = _line(rights.statement)
    if statement:
        return statement
    holders = [h for h in (_line(h) for h in rights.holders) if h]
    if not holders:
        return ""
    year = copyright_year(document)
    return "© " + (f"{year.value} " if year else "") + ", ".join(holders)


def same_address(url: str, text: str) -> bool:
    """True when ``text`` prints the address ``url`` (scheme, ``www.`` and a final slash aside)."""
    def bare(value: str) -> str:
        value = value.strip().lower()
        for prefix in ("https://", "http://", "mailto:"):
            value = value.removeprefix(prefix)
        return value.removeprefix("www.").rstrip("/")

    target = bare(url)
    # Words, and addresses glued to a label ("Source:http://…"), as printed.
    words = [*text.split(), *_ADDRESS.findall(text)]
    return bool(target) and any(bare(word.strip("()[]<>.,;'\"")) == target for word in words)


_ADDRESS = re.compile(r"(?:https?://|www\.)[^\s<>()\[\]]+")


def source_url(document: Document) -> str | None:
    """The source's address when it is an absolute http(s) URL, else None."""
    url = _line(document.rights.source_url)
    if not url or safe_url(url) is None or urlsplit(url).scheme.lower() not in {"http", "https"}:
        return None
    return url


def source_line(document: Document) -> str:
    """The source attribution with its address, once: "The original source … is X (https://…)".

    The address is left out when the attribution prints it or when it is the article's own URL,
    which every format records in its own field."""
    rights = document.rights
    text, url = _line(rights.source), source_url(document)
    if url and same_address(url, document.metadata.url or ""):
        url = None
    if text and url and not same_address(url, text):
        return f"{text} ({url})"
    if text:
        return text
    if url:
        return f"{labels_for(document.metadata.language).source}: {url}"
    return ""


def licence_line(document: Document) -> str:
    """The licence text with the licence's address (when printed and not already in the text)."""
    rights = document.rights
    text = _line(rights.license)
    url = _line(rights.license_url) if rights.license_url and safe_url(rights.license_url) else ""
    if text and url and not same_address(url, text):
        return f"{text} ({url})"
    return text or url


def sentences(*parts: str) -> str:
    """``parts`` as one line of sentences: each ends with a full stop unless it ends with . ! or ?."""
    done = [p if p[-1] in ".!?" else p + "." for p in (_line(p) for p in parts) if p]
    return " ".join(done)


def rights_summary(document: Document) -> str:
    """The copyright line and the licence as sentences ("" when the article prints neither)."""
    return sentences(rights_line(document), licence_line(document))
