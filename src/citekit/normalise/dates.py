"""Dates as printed ("January 29, 2017", "29 Jan 2017", "2017-01-29", "08 Enero 2017") to ISO 8601.

python-dateutil does the parsing. It fills missing parts from a default date, so a string is
parsed against two different defaults: a part that differs between the two results was not
printed and is left out ("January 2017" → "2017-01"). Nothing comes from today's date.
"""

from __future__ import annotations

import re
import warnings
from datetime import date, datetime
from functools import lru_cache

from dateutil import parser
from dateutil.parser import UnknownTimezoneWarning

from citekit.normalise.tables.shapes import YEAR

# Spanish, Portuguese, German and French month names, so that dateutil, which reads English, can
# parse "08 Enero 2017", "13 de enero de 2017", "14 de julho de 2017", "12. März 2020".
_MONTHS_FOREIGN = {
    "enero": "January", "febrero": "February", "marzo": "March", "abril": "April", "mayo": "May",
    "junio": "June", "julio": "July", "agosto": "August", "septiembre": "September",
    "setiembre": "September", "octubre": "October", "noviembre": "November", "diciembre": "December",
    "janeiro": "January", "fevereiro": "February", "março": "March", "maio": "May", "junho": "June",
    "julho": "July", "setembro": "September", "outubro": "October", "novembro": "November",
    "dezembro": "December",
    "januar": "January", "jänner": "January", "februar": "February", "märz": "March", "juni": "June",
    "juli": "July", "oktober": "October", "dezember": "December",
    "janvier": "January", "février": "February", "avril": "April", "mai": "May",
    "juin": "June", "juillet": "July", "août": "August", "septembre": "September", "octobre": "October",
    "novembre": "November", "décembre": "December",
}
_FOREIGN_RE = re.compile(r"\b(" + "|".join(_MONTHS_FOREIGN) + r")\b", re.IGNORECASE)
_SPANISH_DE = re.compile(r"\bde\b", re.IGNORECASE)

_DEFAULT_A = datetime(1904, 2, 3)
_DEFAULT_B = datetime(1908, 5, 7)

# The shapes most dates are printed in, as they stand after the cleaning in parse_date: "January
# 29 2017", "29 January 2017", "Jul. 01 2016". They are read here, with dateutil's own month
# names; a dateutil parse costs a hundred times more. Every other shape, and a day the month does
# not have, goes to dateutil. tests/test_normalise.py checks that the two read these alike.
_COMMON_SHAPE = re.compile(
    r"(?:(?P<day_first>\d{1,2}) (?P<month_second>[A-Za-z]+)\.?"
    r"|(?<![A-Za-z])(?P<month_first>[A-Za-z]+)\.? (?P<day_second>\d{1,2}))"
    r" (?P<year>\d{4})")
_MONTH_NAMES = parser.parserinfo()

_MONTH_WORD = re.compile(
    r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\b", re.IGNORECASE)


@lru_cache(maxsize=8192)
def parse_date(text: str) -> str | None:
    """ISO 8601 (possibly partial) for a printed date, or None when ``text`` is not one."""
    cleaned = _FOREIGN_RE.sub(lambda m: _MONTHS_FOREIGN[m.group(1).lower()], text)
    cleaned = _SPANISH_DE.sub(" ", cleaned)
    cleaned = re.sub(r"\b(\d{1,2})(?:st|nd|rd|th|\.(?=\s*[A-Za-z]))", r"\1", cleaned)
    numeric = _DAY_FIRST_NUMERIC.fullmatch(cleaned.strip())
    if numeric:  # "12.03.2020": day first, as Germany and most of Europe print it
        return _iso(int(numeric["year"]), int(numeric["month"]), int(numeric["day"]))
    cleaned = cleaned.replace(",", " ").strip()
    if not YEAR.search(cleaned):  # "Saturday" or "the 5th" alone are not publication dates
        return None
    common = _read_common_shape(cleaned)
    if common is not None:
        return common
    try:
        with warnings.catch_warnings():  # "EDT", "PT": zones dateutil does not know, and we do not need
            warnings.simplefilter("ignore", UnknownTimezoneWarning)
            first = parser.parse(cleaned, default=_DEFAULT_A, fuzzy=False)
            # A part that differs from default A was printed; only a part equal to it (a date in
            # February, on the 3rd, in 1904) needs the second parse to tell.
            ambiguous = (first.year == _DEFAULT_A.year or first.month == _DEFAULT_A.month
                         or first.day == _DEFAULT_A.day)
            second = parser.parse(cleaned, default=_DEFAULT_B, fuzzy=False) if ambiguous else first
    except (ValueError, OverflowError, parser.ParserError):
        return None
    if first.year != second.year:
        return None
    if first.month != second.month:
        return f"{first.year:04d}"
    if first.day != second.day:
        return f"{first.year:04d}-{first.month:02d}"
    return f"{first.year:04d}-{first.month:02d}-{first.day:02d}"


_DAY_FIRST_NUMERIC = re.compile(r"(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>(?:19|20)\d{2})")


def _iso(year: int, month: int, day: int) -> str | None:
    try:
        date(year, month, day)
    except ValueError:
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def _read_common_shape(cleaned: str) -> str | None:
    """The ISO date of a month, day and year printed in one of the common shapes, else None."""
    match = _COMMON_SHAPE.fullmatch(" ".join(cleaned.split()))
    if match is None:
        return None
    month = _MONTH_NAMES.month(match["month_first"] or match["month_second"])
    if month is None:
        return None
    year, day = int(match["year"]), int(match["day_first"] or match["day_second"])
    try:
        date(year, month, day)
    except ValueError:
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


@lru_cache(maxsize=8192)
def find_date(text: str) -> tuple[str, str] | None:
    """The first date inside a longer line ("Global Research, January 29, 2017").

    Returns (iso, matched text): the printed shapes first (month names in five languages, ISO,
    numeric), then the whole line as dateutil reads it.
    """
    if _DIGIT.search(text) is None:  # every printed date has a digit: most lines skip the patterns
        return None
    for pattern in _DATE_PATTERNS:
        match = pattern.search(text)
        if match:
            iso = parse_date(match.group(0))
            if iso:
                return iso, match.group(0)
    if _MONTH_WORD.search(text) or _NUMERIC_DATE.search(text):
        whole = parse_date(text)
        if whole:
            return whole, text
    return None


_DIGIT = re.compile(r"\d")
_NUMERIC_DATE = re.compile(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}-\d{2}")


_MONTHS = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
           r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|"
           + "|".join(sorted(_MONTHS_FOREIGN, key=len, reverse=True)) + r")\.?")
_DATE_PATTERNS = tuple(re.compile(p, re.IGNORECASE) for p in (
    # January 29, 2017 / Jan. 29 2017
    rf"\b{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+(?:19|20)\d{{2}}\b",
    # 29 January 2017 / 08 Enero 2017 / 13 de enero de 2017
    rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:de\s+)?{_MONTHS}\s+(?:de\s+)?(?:19|20)\d{{2}}\b",
    # 2017-01-29
    r"\b(?:19|20)\d{2}-\d{2}-\d{2}\b",
    # 08/09/2012 (month first, as US sites print it), 12.03.2020 (day first)
    r"\b\d{1,2}/\d{1,2}/(?:19|20)\d{2}\b",
    r"\b\d{1,2}\.\d{1,2}\.(?:19|20)\d{2}\b",
    # 12. März 2020
    rf"\b\d{{1,2}}\.\s*{_MONTHS}\s+(?:19|20)\d{{2}}\b",
    # January 2017
    rf"\b{_MONTHS}\s+(?:19|20)\d{{2}}\b",
))
