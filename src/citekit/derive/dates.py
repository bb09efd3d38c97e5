"""Dates: the one reading of ``metadata.date`` (and ``accessed``) every writer uses, and how a date
is written for a reader in the document's language.

The model keeps dates as ISO 8601 text, possibly partial (``2017``, ``2017-01``, ``2017-01-29``).
:func:`parse_date` is the only place that text is read: the whole value must be a date (a prefix
such as the ``2017`` of ``20170`` is not one), and it must exist in the calendar (``2017-02-30``
does not). A full date may carry a time (``2017-01-29T10:00:00Z``, as web pages' metadata print
it); the time is checked and dropped, since no output records one.

Dates for readers (title pages, bylines, colophons) go through Babel, the Python interface to the
Unicode CLDR: the long date form of the document's language ("8 de enero de 2017", "8. Januar 2017",
"January 8, 2017"), and CLDR's year-month form for a partial date ("enero de 2017").
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from functools import lru_cache

from citekit.derive.language import babel_locale

# Digits only where ISO puts them; everything else (time, offset) is checked by datetime.
_ISO_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2})(T.+)?)?)?")


@dataclass(frozen=True, slots=True, order=True)
class PartialDate:
    """A calendar date that may lack its day, or its month and day; never filled in."""

    year: int
    """1–9999."""
    month: int | None = None
    """1–12, or None when the article prints only a year."""
    day: int | None = None
    """1–31 (valid for the month), or None when the article prints no day."""

    @property
    def parts(self) -> tuple[int, ...]:
        """``(2017, 1, 29)``, ``(2017, 1)`` or ``(2017,)``: CSL's ``date-parts``."""
        return tuple(p for p in (self.year, self.month, self.day) if p is not None)

    def iso(self) -> str:
        """``2017``, ``2017-01`` or ``2017-01-29`` (W3CDTF, as ``dc:date`` and XMP want)."""
        return "-".join(f"{p:04d}" if i == 0 else f"{p:02d}" for i, p in enumerate(self.parts))

    def first_day(self) -> datetime.date:
        """The earliest day the date can mean."""
        return datetime.date(self.year, self.month or 1, self.day or 1)


def parse_date(value: str | None) -> PartialDate | None:
    """``value`` as a :class:`PartialDate`, or None when it is not a whole, real ISO 8601 date."""
    if not value:
        return None
    match = _ISO_DATE.fullmatch(value.strip())
    if match is None:
        return None
    year_text, month_text, day_text, time_text = match.groups()
    year, month, day = int(year_text), _int(month_text), _int(day_text)
    try:
        datetime.date(year, 1 if month is None else month, 1 if day is None else day)
        if time_text:
            datetime.datetime.fromisoformat(f"{year_text}-{month_text}-{day_text}{time_text}")
    except ValueError:
        return None
    return PartialDate(year=year, month=month, day=day)


def _int(text: str | None) -> int | None:
    return int(text) if text is not None else None


def date_parts(value: str | None) -> tuple[int, ...] | None:
    """``"2017-01-29"`` → ``(2017, 1, 29)``; ``"2017-01"`` → ``(2017, 1)``; not a date → None."""
    date = parse_date(value)
    return date.parts if date is not None else None


def year_of(value: str | None) -> int | None:
    """The year of an ISO date, or None."""
    date = parse_date(value)
    return date.year if date is not None else None


FIXED_EPOCH = datetime.datetime(1980, 1, 1, tzinfo=datetime.UTC)
"""The timestamp of a document without a date: the earliest a zip entry can record."""


def timestamp(value: str | None) -> datetime.datetime:
    """The instant files written for a document are stamped with (zip entries, "modified" and
    "created" properties): the first moment of its date, else :data:`FIXED_EPOCH`; never the clock.
    Dates outside the years a zip entry can hold (1980–2107) give the fixed epoch too."""
    date = parse_date(value)
    if date is None or not 1980 <= date.year <= 2107:
        return FIXED_EPOCH
    return datetime.datetime.combine(date.first_day(), datetime.time(), tzinfo=datetime.UTC)


def reader_date(date: PartialDate, language: str | None) -> str:
    """``date`` as a reader of ``language`` expects it written (English when the language is unknown
    to CLDR): the long form for a full date, month and year, or the year alone."""
    if date.month is None:
        return str(date.year)
    return _format(date.first_day(), "long" if date.day is not None else "yMMMM", babel_locale(language))


@lru_cache(maxsize=4096)
def _format(day: datetime.date, form: str, locale: str) -> str:
    from babel.dates import format_date, format_skeleton

    if form == "long":
        return str(format_date(day, format="long", locale=locale))
    return str(format_skeleton(form, day, locale=locale))
