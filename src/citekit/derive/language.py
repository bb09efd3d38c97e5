"""Language tags: the one check of ``metadata.language`` every writer uses, and the CLDR locale that
dates and name lists are written in.

The model asks for a BCP 47 tag (``en``, ``es``, ``pt-BR``). What reaches it from a user or a
sidecar may be a POSIX locale name (``pt_BR.UTF-8``, ``C``): the underscore form is accepted and
rewritten, an encoding suffix dropped, and anything that is not a tag (``C``, ``POSIX``,
``english``) refused, so that no writer puts a non-tag into ``xml:lang``, ``dc:language``, ``LA``
or ``langid``.
"""

from __future__ import annotations

import re
from functools import lru_cache

# RFC 5646, simplified: an ISO 639 primary language (2-3 letters), then subtags of 1-8 letters and
# digits (script, region, variants, extensions). Enough to refuse non-tags; no registry lookup.
_TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")
_SPACES = re.compile(r"\s+")

FALLBACK_LOCALE = "en"
"""The CLDR locale used when the document's language is unknown or CLDR has no data for it."""


@lru_cache(maxsize=1024)
def language_tag(value: str | None) -> str | None:
    """A well-formed BCP 47 tag from ``value`` (primary subtag lower-cased), or None."""
    tag = _SPACES.sub("", value or "").replace("_", "-").split(".", 1)[0].split("@", 1)[0]
    if not tag or not _TAG.fullmatch(tag):
        return None
    primary, *rest = tag.split("-")
    return "-".join([primary.lower(), *rest])


def primary_language(value: str | None) -> str | None:
    """The primary subtag of the language tag in ``value`` (``pt`` for ``pt-BR``), or None."""
    tag = language_tag(value)
    return tag.split("-", 1)[0] if tag else None


@lru_cache(maxsize=256)
def babel_locale(value: str | None) -> str:
    """The CLDR locale identifier (``pt_BR``, ``es``) Babel knows for ``value``, else English."""
    tag = language_tag(value)
    if tag is None:
        return FALLBACK_LOCALE
    from babel import Locale, UnknownLocaleError

    for candidate in (tag, tag.split("-", 1)[0]):
        try:
            return str(Locale.parse(candidate, sep="-"))
        except (UnknownLocaleError, ValueError):
            continue
    return FALLBACK_LOCALE
