"""Text values for the EPUB: XML-safe strings, language tags, dates, link targets, labels.

Nothing here parses article text; it only makes model values safe to put in XML and picks the
words the e-book itself adds (section labels, month names) in the article's language.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from urllib.parse import quote, urlsplit, urlunsplit

from citekit.writers._links import absolute_url

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
# Language

_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")
_NOT_LANGUAGES = frozenset({"c", "posix"})
UNDETERMINED = "und"


def language_tag(value: str | None) -> str | None:
    """A well-formed BCP 47 tag from the model's language, or None (locale names like "C" are not)."""
    tag = one_line(value).replace("_", "-").split(".", 1)[0]
    if not tag or not _LANGUAGE_TAG.fullmatch(tag) or tag.lower() in _NOT_LANGUAGES:
        return None
    primary, *rest = tag.split("-")
    return "-".join([primary.lower(), *rest])


# --------------------------------------------------------------------------------------------
# Dates

_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A checked ISO date that may lack its month or day."""

    year: int
    month: int | None
    day: int | None

    def iso(self) -> str:
        """``2017``, ``2017-01`` or ``2017-01-29`` (W3CDTF, as ``dc:date`` wants)."""
        parts = [f"{self.year:04d}"]
        if self.month is not None:
            parts.append(f"{self.month:02d}")
            if self.day is not None:
                parts.append(f"{self.day:02d}")
        return "-".join(parts)

    def first_day(self) -> datetime.date:
        """The earliest day the date can mean."""
        return datetime.date(self.year, self.month or 1, self.day or 1)


def parse_date(value: str | None) -> PartialDate | None:
    """The leading ISO date of ``value`` ("2017", "2017-01", "2017-01-29T10:00Z"), if it is a real date."""
    match = _DATE.match(one_line(value))
    if not match:
        return None
    year = int(match.group(1))
    month = int(match.group(2)) if match.group(2) else None
    day = int(match.group(3)) if match.group(3) else None
    try:
        datetime.date(year if year >= 1 else 0, month or 1, day or 1)
    except ValueError:
        return None
    return PartialDate(year=year, month=month, day=day)


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


# --------------------------------------------------------------------------------------------
# The words the e-book adds, in the article's language where citekit knows it


@dataclass(frozen=True, slots=True, kw_only=True)
class Labels:
    """Section names and connecting words in one language."""

    lang: str
    contents: str
    landmarks: str
    title_page: str
    about_author: str
    about_authors: str
    notes: str
    links: str
    colophon: str
    and_: str
    nothing_printed: str
    supplied_title: str
    months: tuple[str, ...]

    def date(self, date: PartialDate) -> str:
        """``date`` as a reader expects it written."""
        if date.month is None:
            return str(date.year)
        month = self.months[date.month - 1]
        if self.lang == "es":
            return f"{date.day} de {month} de {date.year}" if date.day else f"{month} de {date.year}"
        if self.lang == "de":
            return f"{date.day}. {month} {date.year}" if date.day else f"{month} {date.year}"
        return f"{date.day} {month} {date.year}" if date.day else f"{month} {date.year}"

    def join_names(self, names: list[str]) -> str:
        """``A``, ``A and B``, ``A, B and C``."""
        if len(names) <= 1:
            return "".join(names)
        return f"{', '.join(names[:-1])} {self.and_} {names[-1]}"


_LABELS = {
    "en": Labels(
        lang="en", contents="Contents", landmarks="Guide", title_page="Title page",
        about_author="About the author", about_authors="About the authors", notes="Notes", links="Links",
        colophon="Source and rights", and_="and",
        nothing_printed="The article prints no copyright statement, licence or source.",
        supplied_title="The article prints no title; the title shown was supplied by citekit.",
        months=("January", "February", "March", "April", "May", "June", "July", "August", "September",
                "October", "November", "December"),
    ),
    "es": Labels(
        lang="es", contents="Índice", landmarks="Guía", title_page="Portada",
        about_author="Sobre el autor", about_authors="Sobre los autores", notes="Notas", links="Enlaces",
        colophon="Fuente y derechos", and_="y",
        nothing_printed="El artículo no indica derechos de autor, licencia ni fuente.",
        supplied_title="El artículo no tiene título; el título mostrado lo ha añadido citekit.",
        months=("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
                "octubre", "noviembre", "diciembre"),
    ),
    "fr": Labels(
        lang="fr", contents="Table des matières", landmarks="Repères", title_page="Page de titre",
        about_author="À propos de l’auteur", about_authors="À propos des auteurs", notes="Notes",
        links="Liens", colophon="Source et droits", and_="et",
        nothing_printed="L’article n’indique ni droits d’auteur, ni licence, ni source.",
        supplied_title="L’article n’a pas de titre ; le titre affiché a été fourni par citekit.",
        months=("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
                "octobre", "novembre", "décembre"),
    ),
    "de": Labels(
        lang="de", contents="Inhalt", landmarks="Orientierung", title_page="Titelseite",
        about_author="Über den Autor", about_authors="Über die Autoren", notes="Anmerkungen", links="Links",
        colophon="Quelle und Rechte", and_="und",
        nothing_printed="Der Artikel nennt weder Urheberrecht noch Lizenz noch Quelle.",
        supplied_title="Der Artikel hat keinen Titel; der angezeigte Titel wurde von citekit ergänzt.",
        months=("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
                "Oktober", "November", "Dezember"),
    ),
}


def labels_for(language: str) -> Labels:
    """The labels in ``language`` when citekit has them, else English (marked as such by callers)."""
    return _LABELS.get(language.split("-", 1)[0].lower(), _LABELS["en"])
