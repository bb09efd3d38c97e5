"""Text values for the EPUB: XML-safe strings and link targets.

Nothing here parses article text; it only makes model values safe to put in XML. Dates, language
tags and the words the e-book adds come from :mod:`citekit.derive`, as in every writer.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit, urlunsplit

from citekit.writers._links import absolute_url

UNDETERMINED = "und"
"""``dc:language`` and ``xml:lang`` of a book whose language is unknown."""

# Characters XML 1.0 forbids, plus C1 controls and noncharacters, which HTML counts as errors.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")
_SPACES = re.compile(r"\s+")


def clean(text: str) -> str:
    """``text`` without the characters XML or HTML cannot carry; everything else is kept."""
    return _NOT_XML.sub("", text)


def one_line(text: str | None) -> str:
    """A cleaned value for a metadata field: one line, single spaces, trimmed."""
    return _SPACES.sub(" ", clean(text or "")).strip()


# --------------------------------------------------------------------------------------------
# Link targets

# A host name or an IP literal; anything else would make EPUBCheck report an invalid URL.
_HOST = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._~-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\]")
_STRAY_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"
_QUERY_SAFE = _PATH_SAFE + "?"


def external_href(url: str | None, base: str | None = None) -> str | None:
    """An absolute http(s) or mailto URL a reading system can follow, percent-encoded; else None.

    Relative targets point into the article's web site, not into the e-book, so they are resolved
    against ``base`` (the article's URL) when there is one and dropped otherwise.
    """
    resolved = absolute_url(clean(url or ""), base)
    if resolved is None:
        return None
    parts = urlsplit(resolved)
    scheme = parts.scheme.lower()
    if scheme in {"http", "https"}:
        try:
            host, _port = parts.hostname, parts.port
        except ValueError:
            return None
        if not host or not _HOST.fullmatch(host) or "@" in parts.netloc:
            return None
        netloc = parts.netloc
    elif scheme == "mailto":
        netloc = ""
    else:
        return None

    def encode(part: str, safe: str) -> str:
        return quote(_STRAY_PERCENT.sub("%25", part), safe=safe)

    return urlunsplit((scheme, netloc, encode(parts.path, _PATH_SAFE), encode(parts.query, _QUERY_SAFE),
                       encode(parts.fragment, _QUERY_SAFE)))


def absolute_http(url: str | None) -> str | None:
    """``url`` when it is an absolute http(s) URL usable as a link and as a base, else None."""
    href = external_href(url)
    return href if href and href.startswith(("http://", "https://")) else None
