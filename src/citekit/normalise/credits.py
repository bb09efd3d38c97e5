"""Credit lines: bylines, date lines and "outlet, date" lines, read as a sequence of parts.

Pages print the same few parts in every order: a label ("By", "Posted by", "Von"), names, an outlet,
a date, a time and a zone, joined by commas, dashes, bars or "on"/"at" ("by Timothy B. Lee - Aug 9,
2012 7:30 pm UTC", "November 4, 2012 5:12 pm AEST — By Long Zheng", "Orion Jones on November 8,
2012, 12:43 PM", "[January 24, 2018 - Outlet]", "updated 09:40 pm EDT, Fri October 26, 2012"). One
reader of those parts replaces a regex per arrangement: the date and the date furniture (weekday,
time, zone, "updated", "published") come out first, then the label; what is left must be names,
optionally followed by an outlet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from citekit.normalise.dates import find_date
from citekit.normalise.tables.shapes import TIME

_I = re.IGNORECASE

# Words that may stand around a date on a date line, in the languages of the corpus and beyond.
_WEEKDAYS = (
    "monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun|"
    "lunes|martes|miércoles|miercoles|jueves|viernes|sábado|sabado|domingo|"
    "montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|"
    "segunda-feira|terça-feira|quarta-feira|quinta-feira|sexta-feira|"
    "lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche")
_ZONES = "utc|gmt|edt|est|cdt|cst|mdt|mst|pdt|pst|pt|et|ct|mt|aest|aedt|bst|cet|cest|mez|mesz|ist|jst|brt|art"
_DATE_LABELS = (
    r"last updated|last modified|updated|published|posted|modified|date of publication|publication date|date|"
    r"actualizado|publicado|atualizado|atualização|veröffentlicht|aktualisiert|stand|publié|mis à jour|"
    r"first published|originally published")
_FURNITURE = re.compile(
    rf"(?:\b(?:{_WEEKDAYS})\b\.?|\bof publication\b|\b(?:{_ZONES})\b|\b(?:{_DATE_LABELS})\b"
    rf"|\b(?:on|at|am|um|uhr|el|em|às|le|à|de|del|do|"
    rf"the|of|h|hrs|hours)\b|[\s,|·•/\[\]()–—:-]+)", _I)
_RELATIVE = re.compile(
    r"^(?:(?:posted|updated|published|actualizado|publicado|atualizado|aktualisiert)\s+)?"
    r"(?:(?:about|hace|vor|há)\s+)?\d+\s+(?:sec|secs|seconds?|mins?|minutes?|hrs?|hours?|days?|weeks?|months?|"
    r"minutos?|horas?|días?|dias?|minuten|stunden|tagen?)(?:\s+ago|\s+atrás)?$", _I)
"""'posted 16 mins ago', 'hace 3 horas', 'vor 2 Stunden': a date line whose date is not printed."""

BY_LABEL = re.compile(
    r"^(?:(?:article |story |text |column )?(?:written|posted|submitted|published|reported|compiled|edited) "
    r"(?:on\s*(?P<posted_on>.{0,40}?)\s*)?by|(?:guest )?(?:writer|author|contributor)s?|escrito por|publicado por|"
    r"geschrieben von|reportagem|texto|autor(?:es|in)?|by|por|von|par|di|door|av)"
    r"(?: guest writer| guest author)?\s*[:\-–]?\s+", _I)
"""A byline's label: 'By', 'Posted by', 'Submitted by', 'Author:', 'Article written by guest writer', 'Von'."""
POSTED_LABEL = re.compile(r"^(?:posted|submitted|published|publicado|geschrieben)\b", _I)
"""Labels of a CMS account's credit: weaker than a byline when both are printed."""

_NAME_WORD = re.compile(
    r"^(?:[A-ZÀ-ÖØ-Þ][\w.'’À-ɏ-]*|[A-Z]\.|(?:van|von|de|del|della|da|dos|das|di|du|la|le|al|el|bin|ibn|ter|den|der|y|e|and|und|&))$")
_SMALL_WORD = re.compile(r"^(?:on|of|the|in|at|for|a)$")
_HANDLE = re.compile(r"^[a-z0-9_.]{3,30}$")
# Patterns that may start in a run of spaces start at its first space ((?<!\s)): a run is read once.
_SEPARATORS = re.compile(r"(?<!\s)\s*(?:/|\||,|;|\band\b|\by\b|\bund\b|\be\b|&)\s*", _I)
_OUTLET_SPLIT = re.compile(r"(?<!\s)\s+[–—|/-]\s+|(?<!\s)\s*\|\s*|(?<!\s)\s+/\s*")
OUTLET_WORDS = re.compile(
    r"\b(?:news|times|post|blog|daily|report|ticker|magazine|journal|review|tribune|herald|gazette|press|media|"
    r"network|agency|staff|wire|channel|radio|tv|chronicle|observer|guardian|telegraph|independent|insider|"
    r"today|weekly|zeitung|diario|periódico|jornal|revista|noticias|notícias|nachrichten|online|\.com|\.org|"
    r"\.net|\.co\.uk|\.de|\.es|\.br|reuters|ap|afp|dpa|efe|upi|bloomberg|website|web site|sitio web)\b", _I)
_ROLE_WORDS = re.compile(
    r"(?<!\s)\s+(?:contributor|correspondent|staff writer|staff reporter|reporter|editor|columnist|writer|"
    r"senior contributor|contributing writer|special to)$", _I)
_STAFF_WORDS = frozenset({"staff", "team", "editors", "desk", "newsroom", "redaktion", "redacción", "redação"})
"""A credit's last word that makes it a newsroom's: "Electronista Staff"."""
_EDITORIAL = re.compile(r"^(?:redaktion|redacción|redação|staff|admin|editor|editors|the editors|newsroom)$", _I)


@dataclass(frozen=True, slots=True)
class Credit:
    """What a credit line states."""

    names: tuple[str, ...]
    """Persons (or organisations signing as authors), in printed order."""
    site: str | None
    """An outlet printed with the names ("By Elizabeth Chuck, NBC News")."""
    date: str | None
    """ISO date printed on the line."""
    printed_date: str | None
    """The date as printed."""
    weak: bool
    """A CMS account's credit ("Posted by admin"): a byline elsewhere beats it."""
    labelled: bool = True
    """False for "NAME on DATE", which prints no label."""


def date_line(text: str) -> tuple[str | None, str | None] | None:
    """(iso, printed) when ``text`` is a date line: a date with furniture only (weekday, time, zone,
    "updated", brackets); (None, None) for a relative date ("16 mins ago"); None otherwise."""
    if _RELATIVE.match(text.strip()):
        return None, None
    found = find_date(text)
    if found is None:
        return None
    iso, printed = found
    rest = text.replace(printed, " ", 1)
    return (iso, printed) if _only_furniture(rest) else None


def _only_furniture(rest: str) -> bool:
    rest = TIME.sub(" ", rest)
    return not _FURNITURE.sub("", rest).strip()


def outlet_and_date(text: str) -> tuple[str, str, str] | None:
    """(outlet, iso, printed date) for "Global Research, January 29, 2017" or "[January 24, 2018 - Outlet]"."""
    found = find_date(text)
    if found is None:
        return None
    iso, printed = found
    before, _, after = text.partition(printed)
    before, after = _strip_furniture(before), _strip_furniture(after)
    if bool(before) == bool(after):
        return None
    outlet = before or after
    if not _outletish(outlet):
        return None
    return outlet, iso, printed


def _strip_furniture(text: str) -> str:
    text = TIME.sub(" ", text)
    return re.sub(r"^[\s,|·•/\[\]()–—:-]+|[\s,|·•/\[\]()–—:-]+$", "", text)


def _outletish(text: str) -> bool:
    if _only_furniture(text):
        return False
    words = text.split()
    return 1 <= len(words) <= 6 and text[:1].isupper() and not BY_LABEL.match(text + " ") and \
        not any(ch.isdigit() for ch in text) and not text.endswith((".", "?", "!"))


def read_credit(text: str) -> Credit | None:
    """The credit a byline states, or None when ``text`` is not one.

    The label is required ("By", "Posted by", "Autor:"), except for "NAME on DATE", which a date
    makes a credit. Dates, times and zones are taken out wherever they stand.
    """
    text = " ".join(text.split())
    found = find_date(text)
    iso, printed = found if found else (None, None)
    rest = text.replace(printed, " ", 1) if printed else text
    rest = TIME.sub(" ", rest)
    rest = _strip_furniture(re.sub(rf"\b(?:{_ZONES})\b", " ", rest, flags=_I)) if printed else rest.strip()
    # A date line before the label: "November 4, 2012 5:12 pm AEST — By Long Zheng".
    rest = re.sub(rf"^(?:(?:{_WEEKDAYS})\b\.?[\s,]*)+", "", rest, flags=_I).strip(" ,|–—-")
    label = BY_LABEL.match(rest + " ") if rest else None
    if label is None:
        if not printed:
            return None
        # "Orion Jones on November 8, 2012, 12:43 PM": names, then "on" and a date.
        before = text.split(printed, 1)[0]
        if not re.search(r"\s(?:on|am|el|em|le)\s*[,]?\s*$", before, _I):
            return None
        names_part = re.sub(r"\s(?:on|am|el|em|le)\s*[,]?\s*$", "", before, flags=_I).strip(" ,|–—-")
        weak, labelled = True, False  # a poster's credit on a blog template: a labelled byline beats it
    else:
        names_part = rest[label.end():].strip() if label.end() <= len(rest) else ""
        weak, labelled = bool(POSTED_LABEL.match(rest)), True
        if label.group("posted_on") and iso is None:
            return None
    names_part = re.sub(rf"\s+(?:on|at|am|um|el|em|le|the|de)(?:\s+(?:{_WEEKDAYS}))?\s*[,]?$", "", names_part, flags=_I)
    names_part = names_part.strip(" ,:;|–—-")
    names, site = split_names_and_outlet(names_part)
    if not names and site is None and not _EDITORIAL.match(names_part):
        return None
    return Credit(names=names, site=site, date=iso, printed_date=printed, weak=weak, labelled=labelled)


def split_names_and_outlet(text: str) -> tuple[tuple[str, ...], str | None]:
    """Names and the outlet printed after them ("Harvey Organ, Harvey Organ Blog",
    "Giovani – Liveanddare.com", "Elizabeth Chuck, NBC News", "Electronista Staff")."""
    text = text.strip(" ,:;|–—-")
    if not text:
        return (), None
    site_words, _, last = text.rpartition(" ")
    if site_words and last.lower() in _STAFF_WORDS and not _SEPARATORS.search(site_words):
        return (), _ROLE_WORDS.sub("", site_words).strip()
    if _EDITORIAL.match(text):
        return (), None  # "Von Redaktion": the newsroom signs, no one is named
    site: str | None = None
    parts = _OUTLET_SPLIT.split(text, maxsplit=1)
    if len(parts) == 1 and ", " in text:  # "Name, Outlet": the outlet follows the last comma
        before, _, after = text.rpartition(",")
        parts = [before, after]
    if len(parts) == 2 and parts[1].strip() and (OUTLET_WORDS.search(parts[1]) or _ROLE_WORDS.search(" " + parts[1])
                                                 or not plausible_names(parts[1])):
        text, site = parts[0], _ROLE_WORDS.sub("", parts[1].strip()).strip(" ,:;")
    names = tuple(n for n in (p.strip(" .,;:") for p in _SEPARATORS.split(text)) if n)
    if not names or not all(plausible_name(n) for n in names):
        return (), None
    return names, site or None


def plausible_names(text: str) -> bool:
    """A list of names: each one plausible."""
    names = [n for n in (p.strip(" .,;:") for p in _SEPARATORS.split(text)) if n]
    return bool(names) and all(plausible_name(n) for n in names)


def plausible_name(name: str) -> bool:
    """A person's or signing organisation's name as bylines print it: one to six capitalised words
    (initials and particles allowed), or a lower-case account handle ("cescobcn")."""
    words = name.split()
    if not words or len(words) > 6 or len(name) > 60:
        return False
    if len(words) == 1:
        return bool(_HANDLE.match(name) or (words[0][:1].isupper() and words[0].isalpha() and len(words[0]) > 1))
    if not words[0][:1].isupper() or not words[-1][:1].isupper():
        return False
    # Blogs sign with their name: "White on Rice Couple"; one small word between capitalised ones.
    small = sum(1 for w in words if _SMALL_WORD.match(w))
    return small <= 1 and all(_NAME_WORD.match(w) or _SMALL_WORD.match(w) for w in words)


def person_name(text: str) -> bool:
    """A line that is only a person's name: two to four capitalised words or initials (one particle
    at most), as printed under a headline without a label ("Erin Gloria Ryan", "John SMITH",
    "A. Pawlowski", "Anne de Vries")."""
    text = text.strip()
    if len(text) > 40 or _PERSON.fullmatch(text) is None:
        return False
    return not OUTLET_WORDS.search(text)


_CAPITALISED = r"(?:(?<![\w'’-])[A-ZÀ-ÖØ-Þ][^\W\d_]*(?:['’-][^\W\d_]+)*|(?<![\w'’-])[A-Z]\.)"
_PARTICLE = r"(?:van|von|de|del|della|da|dos|das|di|du|la|le|al|el|bin|ibn|ter|den|der|y|e)"
_PERSON = re.compile(rf"{_CAPITALISED}(?: {_PARTICLE})?(?: {_CAPITALISED}){{1,2}}(?<!\.)"
                     rf"|{_CAPITALISED} {_CAPITALISED}(?: {_CAPITALISED}){{1,2}}(?<!\.)")
"""Two to four capitalised words, one particle at most, not ending with an initial."""
