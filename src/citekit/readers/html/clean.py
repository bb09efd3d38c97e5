"""Clean candidate values the way each field needs, before they are compared and chosen.

* titles lose a site affix: "Headline | Site", "Site – Headline" (the ``Title | Site`` split);
* dates become ISO 8601 as printed (the page's own local date; no time-zone shifting);
* authors lose "By", handles, profile URLs and e-mail addresses, and split at "and", "&", ";".
"""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet
from email.utils import parsedate
from urllib.parse import urlsplit

from citekit.readers._normalise_bridge import parse_printed_date

TITLE_SEPARATORS = re.compile(r"\s+(?:[|·•»«:]{1,2}|[-–—]{1,2}|/|::)\s+")
"""Separators between a headline and the site name in ``<title>`` and ``og:title``."""
_WORDS = re.compile(r"\W+")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T ]|$)")
_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})(?:T|\d{4,6}|$)")
_BY = re.compile(r"^(?:by|von|par|por|di|door|av|af)\b\s*:?\s*", re.IGNORECASE)
# Labels printed before a name in author boxes and bylines, in the languages of the corpus; a
# label glued to the name ("AuthorAndreas Kalt") is cut too. Compared case-insensitively.
_AUTHOR_LABELS = re.compile(
    r"^(?:(?:zeige |view |see )?(?:alle |all )?(?:beiträge|posts|articles|artikel)(?: of| von| by)?"
    r"|show all articles of|written by|posted by|published by|guide by|review by|words by|text(?:e)?"
    r"|interview|autor(?:in)?|author|auteur|autore|redakteur(?:in)?|reporter)\s*:?\s*",
    re.IGNORECASE)
_NAME_SPLIT = re.compile(r"\s*(?:;|\||\s&\s|\band\b|\bund\b|\bet\b|\by\b)\s*", re.IGNORECASE)
_MAX_AUTHORS = 30
PLACEHOLDER_AUTHORS = frozenset({"null", "none", "undefined", "nan", "unknown", "admin", "administrator",
                                 "wordpressadmin", "editor", "author", "anonymous", "n/a", "na", "-"})
"""Values a CMS prints where it has no author (``<meta name="author" content="null">``): not names."""
_DASH_PARTS = re.compile(r"\s+[-–—|]\s+")
_TRAILING_MARKS = re.compile(r"[\s→»›>|·•,:;]+$")
_ABBREVIATION_END = re.compile(r"(?:\b\w\.)+$")


def _squash(text: str) -> str:
    return _WORDS.sub("", text.casefold())


def site_names(values: list[str], url: str | None) -> set[str]:
    """Squashed forms a site affix may take: the stated names and the host's labels."""
    names = {_squash(v) for v in values if v}
    if url:
        host = urlsplit(url).hostname or ""
        labels = [label for label in host.split(".") if label not in {"www", "m", "amp"}]
        names.update(_squash(label) for label in labels[:-1])
        names.add(_squash(".".join(labels)))
    names.discard("")
    return names


def split_title(title: str, sites: set[str], others: set[str]) -> tuple[str, str | None]:
    """``(headline, site affix)``: the affix is cut when it names the site or the rest is another title.

    ``sites`` are squashed site names; ``others`` squashed titles other sources give (an ``<h1>``
    that equals the part before the bar confirms the split even when the site is not named).
    """
    cuts = list(TITLE_SEPARATORS.finditer(title))
    for cut in cuts:  # another source's title confirms the cut, wherever it falls
        head, tail = title[: cut.start()].strip(), title[cut.end():].strip()
        if _squash(head) in others:
            return head, tail
        if _squash(tail) in others and _squash(head) in sites:
            return tail, head
    if cuts and _squash(title[cuts[-1].end():]) in sites:  # "Headline | Site"
        return title[: cuts[-1].start()].strip(), title[cuts[-1].end():].strip()
    if cuts and _squash(title[: cuts[0].start()]) in sites:  # "Site | Headline"
        return title[cuts[0].end():].strip(), title[: cuts[0].start()].strip()
    return title, None


def iso_date(value: str) -> str:
    """``value`` as an ISO 8601 date, or "" when it is not a date."""
    value = value.strip()
    if match := _ISO_DATE.match(value):
        return "-".join(match.groups()) if _valid(*map(int, match.groups())) else ""
    if match := _COMPACT_DATE.match(value):
        return "-".join(match.groups()) if _valid(*map(int, match.groups())) else ""
    parsed = parsedate(value) if "," in value[:5] else None  # RFC 2822: "Tue, 20 Mar 2019 …"
    if parsed:
        return f"{parsed[0]:04d}-{parsed[1]:02d}-{parsed[2]:02d}"
    return parse_printed_date(value[:80]) or ""


def _valid(year: int, month: int, day: int) -> bool:
    return 1000 <= year <= 2999 and 1 <= month <= 12 and 1 <= day <= 31


def author_names(value: str, sites: AbstractSet[str] = frozenset()) -> tuple[str, ...]:
    """The names in one author value; "" parts, URLs, handles, e-mail addresses and placeholders
    ("null", "admin") left out; a site name glued on with a dash ("unocero - Alberto Ávila") cut."""
    value = _AUTHOR_LABELS.sub("", _BY.sub("", value.strip()))
    if "://" in value or value.startswith(("www.", "@")) or "@" in value or len(value) > 200:
        return ()
    parts = _DASH_PARTS.split(value)
    if len(parts) > 1 and any(_squash(p) in sites for p in parts):
        value = " ".join(p for p in parts if _squash(p) not in sites)
    names = []
    for part in _NAME_SPLIT.split(value):
        part = _AUTHOR_LABELS.sub("", _BY.sub("", _tidy_name(part)))
        placeholder = part.casefold() in PLACEHOLDER_AUTHORS
        if part and any(ch.isalpha() for ch in part) and part not in names and not placeholder:
            names.append(part)
    return tuple(names[:_MAX_AUTHORS])


def _tidy_name(part: str) -> str:
    """Edges trimmed: arrows and separators after a name go ("Jane Doe →"); a closing abbreviation
    keeps its full stop ("Ph.D.", "Jr.", "J.")."""
    part = _TRAILING_MARKS.sub("", part.strip()).lstrip(" ,.:")
    if part.endswith(".") and not _ABBREVIATION_END.search(part) and not part.endswith(("Jr.", "Sr.")):
        part = part.rstrip(".")
    return part
