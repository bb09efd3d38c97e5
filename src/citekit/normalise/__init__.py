"""The text normaliser: scraped article text → :class:`~citekit.model.Document`.

Stages (each a function below, in order):

1. ``_classify``: every non-blank line is matched against the pattern tables
   (:mod:`citekit.normalise.patterns`): boilerplate, byline, date, site, keywords, source,
   rights, notices, bios, captions, notes… or plain content.
2. ``_units``: content lines become paragraph candidates ("units"), by blank lines or, for text
   without blank lines, by undoing the hard wrap.
3. ``_Header``: title, dek, bylines, dates, site and keywords above the body.
4. ``_Body``: body units, with end matter (source, rights, bios, notes) and boilerplate taken out.
5. ``_peel``: prefixes and suffixes glued into the first and last paragraph (one-line dataset
   texts: date line, headline, tags, closing credits, bios).
6. ``_assemble``: blocks and inlines, duplicates, metadata choices, provenance.

Every non-blank input line ends with exactly one owning role in ``provenance.lines``; values
drawn from a line are recorded in ``provenance.fields``. The normaliser never raises on text.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise

from citekit._version import __version__
from citekit.model import (
    CONTROL_CHARACTERS,
    Author,
    BackItem,
    Block,
    Document,
    FieldSource,
    Heading,
    KeywordGroup,
    LineSpan,
    ListBlock,
    Metadata,
    Notice,
    NoticeKind,
    Para,
    Provenance,
    Quote,
    Removed,
    Rights,
    Rule,
    plain_inlines,
)
from citekit.normalise import patterns as P
from citekit.normalise.dates import find_date, parse_date
from citekit.normalise.inlines import parse_inlines, plain_text
from citekit.normalise.language import SAMPLES as LANGUAGE_SAMPLES
from citekit.normalise.language import detect_language
from citekit.normalise.names import split_name

__all__ = ["normalise_text"]

PROSE_MIN_WORDS = 18
"""A unit this long (in words) is prose: the body has started."""
TITLE_MAX_WORDS = 25
DEK_MAX_WORDS = 40


# --------------------------------------------------------------------------------------------
# Stage 1: lines


@dataclass(slots=True)
class Line:
    number: int
    raw: str
    plain: str
    lowered: str
    """``plain`` in lower case (the tables' gates and duplicate detection compare it)."""
    kind: str | None = None
    rule: str = ""
    match: re.Match[str] | None = None


SHORT_LINE = 200
"""Bylines, date lines, site lines and labels are short; longer lines skip those tables."""

_SHORT_CHECKS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("keywords", P.KEYWORD_LINE),
    ("caption", P.CAPTION),
    ("editor-note", P.EDITOR_NOTE),
    ("bio-label", P.BIO_LABEL),
    ("acknowledgement", P.ACKNOWLEDGEMENT),
    ("byline-alone", P.BYLINE_ALONE),
    ("site-alone", P.SITE_LINE_ALONE),
    ("site-and-date", P.SITE_AND_DATE),
    ("translation", P.TRANSLATION_CREDIT),
)
_LONG_CHECKS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("caption", P.CAPTION),
    ("editor-note", P.EDITOR_NOTE),
    ("acknowledgement", P.ACKNOWLEDGEMENT),
)

# Every shape a short line is tested for below, in one regex: most lines of hard-wrapped prose
# are short, match none of them, and leave after the cheap tests of ``_may_have_shape``. Left out
# of the regex, because a cheaper test stands for them there: the shapes of one word with no space
# (bare domains, URLs), and the ones that need a year (a site with a date, and date lines) or a
# closing "Website".
_SHORT_SHAPES = P.any_at_start(
    *(pattern for kind, pattern in _SHORT_CHECKS if kind != "site-and-date"), *(rule.pattern for rule in P.BYLINES),
    P.NOTES_LABEL, P.SITE_LINE, P.SITE_PAREN, whole=(P.NUMBERED_LINK, P.SEPARATOR))
_SHAPE_OPENINGS = tuple(sorted({opening for openings in P.SHAPE_OPENINGS.values() for opening in openings}))
_SHAPE_OPENING_SPAN = max(map(len, _SHAPE_OPENINGS))


def _may_have_shape(plain: str, lowered: str) -> bool:
    """False when a short line can match none of the shapes ``_classify`` tests it for."""
    if " " not in plain or plain.endswith(P.SITE_NAME_ENDINGS):
        return True
    if ("19" in plain or "20" in plain) and P.YEAR.search(plain):  # a year starts "19" or "20"
        return True
    # The openings are compared in lower case only where lower() and the regexes' case-insensitive
    # matching agree on every character: ASCII ("ſ" matches "s" in a regex, not in lower()).
    if plain[:_SHAPE_OPENING_SPAN].isascii() and not lowered.startswith(_SHAPE_OPENINGS):
        return False
    return _SHORT_SHAPES.match(plain) is not None


def _classify(number: int, raw: str, lowered_raw: str | None = None, keyed: bool | None = None) -> Line:
    """What kind of line ``raw`` is. A caller that has ``raw`` stripped and in lower case, and
    knows whether it holds a trigger (:func:`patterns.triggered_lines`), passes them on."""
    text = raw.strip()
    if "[" in text or "<" in text:
        plain = plain_text(text).strip()
        lowered = plain.lower()
        keyed = None  # the markup's URLs are not the line's plain text
    else:
        plain = text
        lowered = text.lower() if lowered_raw is None else lowered_raw
    line = Line(number, text, plain, lowered)
    short = len(plain) <= SHORT_LINE
    if text.startswith(("# ", "## ")):
        line.kind, line.rule = "md-heading", "markdown-heading"
        return line
    if text.startswith("> "):
        inner = plain.lstrip("> ").strip()
        for rule in P.SOURCES:
            match = rule.pattern.match(inner)
            if match:
                line.kind, line.rule, line.match = "source", rule.name, match
                return line
        line.kind, line.rule = "md-quote", "markdown-quote"
        return line
    # Ordinary prose holds none of the tables' key words: it skips every end-matter regex.
    if keyed is None:
        keyed = P.has_trigger(lowered)
    if not keyed and (not short or not _may_have_shape(plain, lowered)):
        return line
    boilerplate = P.first_rule(P.BOILERPLATE, P.BOILERPLATE_ANY, plain,
                               floating=P.gate(lowered, "boilerplate-floating")) if keyed else None
    if boilerplate is not None:
        line.kind, line.rule = "removed", boilerplate.name
        return line
    for kind, pattern in _SHORT_CHECKS if short else _LONG_CHECKS:
        match = pattern.match(plain)
        if match:
            line.kind, line.rule, line.match = kind, kind, match
            return line
    if keyed and len(plain) <= 2 * SHORT_LINE and P.SOURCES_ANY.hits(plain):
        for rule in P.SOURCES:
            match = rule.pattern.match(plain)
            if match:
                line.kind, line.rule, line.match = "source", rule.name, match
                return line
    if short:
        for rule in P.BYLINES:
            match = rule.pattern.match(plain)
            if match and _plausible_names(match.group("names")):
                line.kind, line.rule, line.match = "byline", rule.name, match
                return line
    if keyed:
        if ((P.gate(lowered, "copyright") and P.COPYRIGHT.search(plain))
                or (P.gate(lowered, "republished") and P.REPUBLISHED.match(plain))
                or (P.gate(lowered, "license") and P.LICENSE.search(plain))):
            line.kind, line.rule = "rights", "rights"
            return line
        for notice in P.NOTICES:
            if P.gate(lowered, f"notice:{notice.name}") and notice.pattern.search(plain):
                line.kind, line.rule = "notice", notice.name
                return line
        if P.gate(lowered, "reference") and (
                P.REFERENCE_LINE.match(plain) or len(P.CITATION_MARKS.findall(plain)) >= 2):
            line.kind, line.rule = "reference", "reference"
            return line
    if not short:
        return line
    match = P.NOTES_LABEL.match(plain)
    if match and len(plain.split()) <= 8:
        line.kind, line.rule, line.match = "notes-label", "notes-label", match
        return line
    if P.NUMBERED_LINK.fullmatch(plain) or P.URL.fullmatch(plain) or (P.BARE_DOMAIN.match(plain) and "." in plain):
        line.kind, line.rule = "url-line", "url-line"
        return line
    if P.SEPARATOR.fullmatch(plain) and plain != "-":
        line.kind, line.rule = "separator", "separator"
        return line
    if plain == "-":
        line.kind, line.rule = "bullet", "bullet"
        return line
    if len(plain.split()) <= 8 and not P.SENTENCE_END.search(plain) and P.YEAR.search(plain):
        iso = parse_date(plain)
        if iso and find_date(plain):
            line.kind, line.rule = "date", "date-line"
            return line
    site = P.SITE_LINE.match(plain)
    if site and len(plain.split()) <= 8 and _WEBSITE_WORD.search(plain):
        line.kind, line.rule, line.match = "site", "site-line", site
        return line
    if P.SITE_NAME.match(plain):
        line.kind, line.rule = "site-name", "site-name"
        return line
    if P.SITE_PAREN.match(plain):
        line.kind, line.rule = "site-paren", "site-paren"
        return line
    return line


_WEBSITE_WORD = re.compile(r"\bweb\s*site\b|sitio web", re.IGNORECASE)
_NAME_PART_END = re.compile(r"\s+[–—|-]\s+|,\s+|:$")
_NAME_SEPARATORS = re.compile(r"\s*/\s*|\s*,\s*|\s+(?:and|y|&)\s+")
_LIST_ITEM = re.compile(r"^([-*•]|\d+[.)])\s+")
"""A list item's marker: "- ", "* ", "• ", "1. ", "2) "."""
_NUMBERED = re.compile(r"\d+[.)]\s")
_LATIN_WORD = re.compile(r"[A-Za-z][\w'’-]*")
_CONTROL = re.compile(f"[{re.escape(CONTROL_CHARACTERS)}]")


def _without_controls(text: str) -> str:
    """``text`` with control characters as spaces, so no output format chokes on them."""
    # Thirty substring tests cost a third of one regex pass, and most texts hold no control character.
    return _CONTROL.sub(" ", text) if P.holds_any(text, CONTROL_CHARACTERS) else text

_NAME_WORD = re.compile(
    r"^[A-Z\u00C0-\u024F][\w.'’\u00C0-\u024F-]*$"  # a capitalised word
    r"|^(van|von|de|del|da|di|la|le|al|bin|and|y|e)$"  # particles and joiners
    r"|^[a-z0-9_.]{3,30}$"  # an account handle
)


def _plausible_names(names: str) -> bool:
    """A byline's name part: few words, capitalised (or a lowercase account handle)."""
    core = _NAME_PART_END.split(names.strip())[0]
    words = core.replace(",", " ").split()
    if not words or len(words) > 6:
        return False
    if len(words) == 1 and words[0].islower():
        return True
    return all(_NAME_WORD.match(w) for w in words if not w[:1].isdecimal()) and words[0][:1].isupper()


def _words(text: str, limit: int) -> int:
    """The number of words in ``text``, counted no further than ``limit + 1``: enough to compare
    with ``limit``, without splitting a long paragraph into all its words."""
    return len(text.split(maxsplit=limit))


@lru_cache(maxsize=4096)
def _is_prose(text: str) -> bool:
    words = _words(text, PROSE_MIN_WORDS)
    return words >= PROSE_MIN_WORDS or (words >= 10 and bool(P.PROSE_WORDS.search(text))
                                        and text.endswith((".", "…")))


@lru_cache(maxsize=4096)
def _title_like(text: str) -> bool:
    words = _words(text, TITLE_MAX_WORDS)
    if not 2 <= words <= TITLE_MAX_WORDS or P.URL.search(text):
        return False
    if text.endswith((".", ":", ";", ",")) and not text.endswith("..."):
        return False
    if _LIST_ITEM.match(text):
        return False
    return text[:1].isupper() or text[:1] in "“\"'‘¿¡(0123456789"


def _title_case(text: str) -> bool:
    words = [w for w in _LATIN_WORD.findall(text) if len(w) > 3]
    return bool(words) and sum(w[0].isupper() for w in words) / len(words) >= 0.75


# --------------------------------------------------------------------------------------------
# Stage 2: units


class Unit:
    """A paragraph candidate: consecutive lines, with their texts joined once (the stages below
    ask for them again and again)."""

    __slots__ = ("kind", "lines", "lowered", "numbers", "plain", "raw")
    numbers: tuple[int, ...]

    def __init__(self, lines: Sequence[Line], kind: str | None = None, *, rewritten: str | None = None) -> None:
        self.lines = tuple(lines)
        self.kind = kind
        if len(lines) == 1:  # most units: one line, one paragraph
            only = lines[0]
            self.numbers, self.raw, self.plain, self.lowered = (only.number,), only.raw, only.plain, only.lowered
        else:
            self.numbers = tuple([line.number for line in lines])
            self.raw = " ".join([line.raw for line in lines])
            self.plain = " ".join([line.plain for line in lines])
            self.lowered = " ".join([line.lowered for line in lines])
        if rewritten is not None:
            # The text lost a glued prefix or suffix to metadata (stage 5).
            self.raw, self.plain = rewritten, plain_text(rewritten)
            self.lowered = self.plain.lower()

    @property
    def first(self) -> Line:
        return self.lines[0]


def _units(lines: list[Line | None]) -> list[Unit]:
    """Group content lines into paragraph candidates; a classified line is always its own unit."""
    nonblank = [line for line in lines if line is not None]
    if not nonblank:
        return []
    followed_by_blank = sum(1 for line, following in pairwise(lines) if line is not None and following is None)
    blank_separated = followed_by_blank >= 0.4 * max(1, len(nonblank) - 1)
    lengths = sorted(len(line.plain) for line in nonblank if line.kind is None)
    wrap = lengths[int(0.9 * (len(lengths) - 1))] if lengths else 0
    hard_wrapped = not blank_separated and wrap <= 150

    units: list[Unit] = []
    current: list[Line] = []

    def flush() -> None:
        if current:
            units.append(Unit(lines=current))
            current.clear()

    alone_next = False
    for line in lines:
        if line is None:
            if current:
                flush()
            continue
        if alone_next:
            # The line after a lone "by" or "from" is the name: never glued to the text below.
            alone_next = False
            flush()
            units.append(Unit(lines=[line], kind=line.kind))
            continue
        alone_next = line.kind in ("byline-alone", "site-alone")
        if line.kind is not None or line.raw.startswith(("- ", "* ", "• ")) \
                or (line.raw[:1].isdecimal() and _NUMBERED.match(line.raw)):
            flush()
            units.append(Unit(lines=[line], kind=line.kind))
            continue
        if not blank_separated and not hard_wrapped:
            flush()
            units.append(Unit(lines=[line]))
            continue
        current.append(line)
        if hard_wrapped and line.plain.endswith((".", "!", "?", '"', "”", "…")) and len(line.plain) < 0.8 * wrap:
            flush()
    flush()
    return units


# --------------------------------------------------------------------------------------------
# Collected values


@dataclass(slots=True)
class Candidate:
    value: str
    strength: int
    lines: tuple[int, ...]
    rule: str
    printed: str | None = None
    """The printed text when it is part of a line (a date peeled off a one-line text)."""


@dataclass(slots=True)
class State:
    """Everything found so far, with the lines it came from."""

    roles: dict[int, str] = field(default_factory=dict)
    title: Candidate | None = None
    subtitle: Candidate | None = None
    authors: list[Candidate] = field(default_factory=list)
    weak_authors: list[Candidate] = field(default_factory=list)
    sites: list[Candidate] = field(default_factory=list)
    dates: list[Candidate] = field(default_factory=list)
    urls: list[Candidate] = field(default_factory=list)
    publisher: Candidate | None = None
    keyword_groups: list[tuple[str, tuple[str, ...], tuple[int, ...]]] = field(default_factory=list)
    body: list[tuple[str, Unit]] = field(default_factory=list)
    back: list[tuple[str, list[Unit]]] = field(default_factory=list)
    removed: list[Removed] = field(default_factory=list)
    statement: Candidate | None = None
    license: Candidate | None = None
    license_url: str | None = None
    source: Candidate | None = None
    source_url: str | None = None
    notices: list[tuple[NoticeKind, str]] = field(default_factory=list)
    bios: list[tuple[str | None, str, tuple[int, ...]]] = field(default_factory=list)
    holders: tuple[str, ...] = ()
    year: int | None = None
    extra_fields: list[FieldSource] = field(default_factory=list)

    def own(self, unit: Unit, role: str) -> None:
        for number in unit.numbers:
            self.roles[number] = role

    def remove(self, unit: Unit, reason: str) -> None:
        self.own(unit, "removed")
        self.removed.append(Removed(start_line=unit.numbers[0], end_line=unit.numbers[-1],
                                    text="\n".join(line.raw for line in unit.lines), reason=reason))

    def add_back(self, kind: str, unit: Unit, *, new_item: bool = False) -> None:
        """Back matter; consecutive units of one kind form one item unless ``new_item``."""
        self.own(unit, "back")
        if self.back and self.back[-1][0] == kind and not new_item:
            self.back[-1][1].append(unit)
        else:
            self.back.append((kind, [unit]))

    def add_author(self, name: str, lines: tuple[int, ...], rule: str, *, weak: bool = False) -> None:
        name = _clean_name(name)
        if not name:
            return
        target = self.weak_authors if weak else self.authors
        if all(c.value.lower() != name.lower() for c in target):
            target.append(Candidate(name, 0, lines, rule))

    def add_site(self, value: str, strength: int, lines: tuple[int, ...], rule: str) -> None:
        value = _clean_site(value)
        if value:
            self.sites.append(Candidate(value, strength, lines, rule))


def _clean_name(name: str) -> str:
    name = " ".join(name.split()).strip(" ,:;.-–—")
    name = re.sub(r"^(?:by|por)\s+", "", name, flags=re.I)
    return name


def _clean_site(site: str) -> str:
    site = " ".join(site.split()).strip(" ,:;.-–—()")
    site = re.sub(r"\s+(?:web\s*site|for free)$", "", site, flags=re.I)
    if site.lower().startswith("the ") and _words(site, 2) > 2:
        site = re.sub(r"^(?:the\s+)(?=[A-Z])", "", site)
    return site.strip()


def _split_names(names: str) -> list[str]:
    """"X and Y", "X, Y and Z", "X/Y / Z" → names."""
    parts = _NAME_SEPARATORS.split(names.strip())
    return [p for p in (part.strip() for part in parts) if p]


# --------------------------------------------------------------------------------------------
# Stage 3: header


def _handle_byline(state: State, unit: Unit, match: re.Match[str], rule: str) -> None:
    names = match.group("names")
    groups = match.groupdict()
    site = groups.get("site")
    if rule == "posted-by":
        state.own(unit, "byline")
        for key in ("date", "date2"):
            if groups.get(key):
                iso = parse_date(groups[key])
                if iso:
                    state.dates.append(Candidate(iso, 1, unit.numbers, "posted-on"))
        state.add_author(names, unit.numbers, rule, weak=True)
        return
    dated = find_date(names)
    if dated:
        state.dates.append(Candidate(dated[0], 2, unit.numbers, "byline-date"))
        names = names.replace(dated[1], " ").strip()
    if not site:
        parts = P.BYLINE_SITE_SEPARATORS.split(names, maxsplit=1)
        if len(parts) == 2:
            names, site = parts
    if site:
        state.add_site(site, 4 if rule == "written-by" else 3, unit.numbers, f"byline-{rule}")
    for name in _split_names(names):
        state.add_author(name, unit.numbers, f"byline-{rule}")
    state.own(unit, "byline")


def _header(state: State, units: list[Unit], roundup: bool) -> int:
    """Read title, dek, byline, dates, site and keywords; return the index where the body starts."""
    seen_byline = False
    seen_meta = False
    index = 0
    in_editor_note = False
    while index < len(units):
        unit = units[index]
        kind = unit.kind
        text = unit.plain
        if kind == "removed":
            _boilerplate(state, unit)
        elif kind == "md-heading" and state.title is None:
            title_units = [unit]
            state.title = Candidate(re.sub(r"^#+\s*", "", unit.raw).strip(), 0, unit.numbers, "markdown-heading")
            state.own(unit, "title")
            # A wrapped headline continues on the next line(s) until a blank line.
            while index + 1 < len(units) and units[index + 1].kind is None and \
                    units[index + 1].first.number == title_units[-1].lines[-1].number + 1 and \
                    not _is_prose(units[index + 1].plain):
                index += 1
                title_units.append(units[index])
                state.own(units[index], "title")
                state.title = Candidate(f"{state.title.value} {units[index].plain}".strip(), 0,
                                        state.title.lines + units[index].numbers, "markdown-heading")
        elif kind == "source":
            _source(state, unit)
            seen_meta = True
        elif kind == "byline":
            assert unit.first.match is not None
            _handle_byline(state, unit, unit.first.match, unit.first.rule)
            seen_byline = seen_byline or unit.first.rule != "posted-by"
            seen_meta = True
            in_editor_note = False
            # "(henrymakow.com)" printed under a byline names the outlet.
            if index + 1 < len(units) and units[index + 1].kind == "site-paren":
                index += 1
                state.add_site(units[index].plain, 3, units[index].numbers, "byline-site")
                state.own(units[index], "site")
        elif kind == "byline-alone" and index + 1 < len(units) and _plausible_names(units[index + 1].plain):
            state.own(unit, "byline")
            index += 1
            state.own(units[index], "byline")
            for name in _split_names(units[index].plain):
                state.add_author(name, unit.numbers + units[index].numbers, "byline-next-line")
            seen_byline = seen_meta = True
        elif kind == "site-alone" and index + 1 < len(units) and units[index + 1].kind in (None, "site", "site-name"):
            state.own(unit, "site")
            index += 1
            state.own(units[index], "site")
            state.add_site(units[index].plain, 3, unit.numbers + units[index].numbers, "site-next-line")
            seen_meta = True
        elif kind == "site-name":
            state.add_site(unit.plain, 3, unit.numbers, "site-name")
            state.own(unit, "site")
            seen_meta = True
        elif kind == "site":
            assert unit.first.match is not None
            state.add_site(unit.first.match.group("site"), 3, unit.numbers, "site-line")
            state.own(unit, "site")
            seen_meta = True
        elif kind == "site-and-date":
            assert unit.first.match is not None
            state.add_site(unit.first.match.group("site"), 3, unit.numbers, "site-and-date")
            iso = parse_date(unit.first.match.group("date"))
            if iso:
                state.dates.append(Candidate(iso, 3, unit.numbers, "site-and-date"))
            state.own(unit, "dateline")
            seen_meta = True
        elif kind == "date":
            iso = parse_date(text)
            if iso:
                state.dates.append(Candidate(iso, 3, unit.numbers, "date-line"))
            state.own(unit, "dateline")
            seen_meta = True
        elif kind == "keywords":
            _keywords(state, unit)
        elif kind == "translation" or kind == "caption":
            state.add_back("note", unit)
        elif kind == "editor-note":
            state.add_back("note", unit)
            in_editor_note = True
        elif kind is None and in_editor_note and _is_prose(text):
            state.add_back("note", unit)
        elif kind is None and state.title is None and not seen_meta and _title_like(text):
            following = _next_content(units, index, 1)
            if (following is not None and following.kind is None and _title_like(following.plain)
                    and not _title_case(text) and _title_case(following.plain)):
                _dek(state, unit)  # a sentence-case dek above a Title Case headline
            elif roundup:
                return index
            else:
                state.title = Candidate(text, 0, unit.numbers, "first-headline-line")
                state.own(unit, "title")
        elif kind is None and seen_byline and text.isupper() and _words(text, 5) >= 5:
            _dek(state, unit)  # an all-capitals summary under the byline is a dek
        elif kind is None and _is_prose(text) and _byline_follows(units, index):
            _dek(state, unit)  # a promo or standfirst printed between the headline and the byline
        elif kind is None and not _is_prose(text) and _byline_ahead(units, index):
            _dek(state, unit)  # verse, kickers and promos above a byline
        elif kind is None and _is_prose(text):
            if state.title is None and not seen_meta and _words(text, 60) <= 60 and _teaser(units, index):
                _dek(state, unit)  # a teaser printed above the headline
            else:
                return index
        elif kind is None and seen_byline:
            return index  # after the byline, the first unrecognised unit opens the body
        elif kind is None and state.title is None and not seen_meta and _LIST_ITEM.match(text) \
                and not _earlier_content(units, index, skip_lists=True):
            _dek(state, unit)  # key points listed above an untitled article
        elif kind is None and state.title is not None and _words(text, DEK_MAX_WORDS) <= DEK_MAX_WORDS:
            _dek(state, unit)
        else:
            return index
        index += 1
    return index


def _next_content(units: list[Unit], index: int, step: int) -> Unit | None:
    found = 0
    for unit in units[index + 1:]:
        if unit.kind == "removed":
            continue
        found += 1
        if found == step:
            return unit
    return None


def _teaser(units: list[Unit], index: int) -> bool:
    """The article's first paragraph, then a headline-like line, then prose: a teaser above the title."""
    headline, lead = _next_content(units, index, 1), _next_content(units, index, 2)
    return (headline is not None and lead is not None and _title_like(headline.plain)
            and _is_prose(lead.plain) and not _earlier_content(units, index))


def _byline_follows(units: list[Unit], index: int) -> bool:
    """A byline within the next two content units: what comes before it is still header."""
    for step in (1, 2):
        following = _next_content(units, index, step)
        if following is not None and following.kind in ("byline", "byline-alone") and \
                following.first.rule != "posted-by":
            return True
    return False


def _earlier_content(units: list[Unit], index: int, *, skip_lists: bool = False) -> bool:
    return any(unit.kind not in ("removed",) and not (skip_lists and _LIST_ITEM.match(unit.plain))
               for unit in units[:index])


def _byline_ahead(units: list[Unit], index: int) -> bool:
    """A byline comes before any prose: the short units up to it are still header."""
    for unit in units[index + 1: index + 40]:
        if unit.kind in ("byline", "byline-alone") and unit.first.rule != "posted-by":
            return True
        if unit.kind is None and _is_prose(unit.plain):
            return False
    return False


def _roundup(units: list[Unit]) -> bool:
    """A roundup of items, each under a capitalised kicker and its own headline: no one title."""
    items = 0
    for i in range(len(units) - 2):
        kicker, headline, lead = units[i], units[i + 1], units[i + 2]
        if (kicker.kind is None and kicker.plain.isupper() and P.KICKER.match(kicker.plain) and headline.kind is None
                and _title_like(headline.plain) and not headline.plain.isupper() and _is_prose(lead.plain)):
            items += 1
    return items >= 3


def _dek(state: State, unit: Unit) -> None:
    if state.subtitle is None and not unit.plain.startswith("("):
        state.subtitle = Candidate(unit.plain, 0, unit.numbers, "dek")
        state.own(unit, "subtitle")
    else:
        state.add_back("note", unit)


def _boilerplate(state: State, unit: Unit) -> None:
    plain = unit.plain
    subscribe = re.match(r"^subscribe to (?P<site>.+?) for free\b", plain, re.I)
    if subscribe:
        state.add_site(subscribe.group("site"), 1, unit.numbers, "subscribe-to")
    state.remove(unit, unit.first.rule)


def _keywords(state: State, unit: Unit) -> None:
    match = P.KEYWORD_LINE.match(unit.plain)
    assert match is not None
    label = match.group("label").strip().capitalize()
    terms_text = match.group("terms").split("|")[0]
    terms = tuple(t.strip(" .") for t in re.split(r"\s*[,;]\s*", terms_text) if t.strip(" ."))
    if terms:
        state.keyword_groups.append((label, terms, unit.numbers))
    state.own(unit, "keywords")


def _source(state: State, unit: Unit) -> None:
    line = unit.first
    match = line.match
    assert match is not None
    groups = match.groupdict()
    rule = line.rule
    text = line.plain.lstrip("> ").strip()
    if groups.get("site"):
        state.add_site(groups["site"], P.SOURCE_STRENGTH.get(rule, 2), unit.numbers, rule)
    if groups.get("url"):
        url = groups["url"].rstrip(".)")
        state.urls.append(Candidate(url, 2, unit.numbers, rule))
        if state.source_url is None:
            state.source_url = url
    # A named attribution ("The original source of this article is X") beats a bare "Source: URL".
    strength = P.SOURCE_TEXT_STRENGTH.get(rule, 1)
    if state.source is None or strength > state.source.strength:
        state.source = Candidate(text, strength, unit.numbers, rule)
    state.own(unit, "rights")


# --------------------------------------------------------------------------------------------
# Stage 4: body and end matter


def _body(state: State, units: list[Unit], start: int, roundup: bool) -> None:
    total = len(units)
    end_zone = False
    in_back: str | None = None  # "note", "links" or "bio" while a labelled back section runs
    last_bio_name: str | None = None
    pending_label: Unit | None = None  # "About the author:", printed above the bio it introduces
    for index in range(start, total):
        unit = units[index]
        kind = unit.kind
        text = unit.plain
        late = index >= start + 0.6 * (total - start) or index >= total - 6
        if kind == "removed":
            _boilerplate(state, unit)
            continue
        if kind == "source":
            _source(state, unit)
            end_zone = True
            in_back = None
            continue
        if kind == "rights":
            _rights(state, unit)
            end_zone = True
            in_back = None
            continue
        if kind == "notice":
            _notices(state, unit)
            end_zone = True
            continue
        if kind == "keywords":
            _keywords(state, unit)
            continue
        if kind == "byline" and index > 0 and index + 1 < total and _title_like(units[index - 1].plain) \
                and _is_prose(units[index + 1].plain):
            # A digest of pieces, each with its headline and byline, credits every author.
            assert unit.first.match is not None
            _handle_byline(state, unit, unit.first.match, unit.first.rule)
            continue
        if kind == "bio-label":
            assert unit.first.match is not None
            name = unit.first.match.groupdict().get("name")
            if name:
                state.add_author(name, unit.numbers, "about-author-label", weak=True)
                last_bio_name = name
            state.own(unit, "back")
            pending_label = unit
            in_back, end_zone = "bio", True
            continue
        if kind in ("caption", "translation"):
            state.add_back("note", unit)
            continue
        if kind in ("editor-note", "acknowledgement", "reference") and late:
            state.add_back("note", unit)
            in_back = "note" if kind == "editor-note" else in_back
            end_zone = True
            continue
        if kind == "notes-label" and late:
            rest = (unit.first.match.group("rest") or "").strip() if unit.first.match else ""
            state.add_back("note" if rest else "links", unit)
            in_back, end_zone = "links", True
            continue
        if kind == "url-line" and (end_zone or in_back):
            state.add_back("bio" if in_back == "bio" else "links", unit)
            continue
        if kind == "separator" and late and index + 1 < total and units[index + 1].kind == "editor-note":
            state.remove(unit, "separator")
            continue
        bio = P.BIO_SENTENCE.match(text) if kind is None and P.may_open_bio(text) else None
        if bio and index > start and _duplicate_bio(state, text):
            if pending_label is not None:
                state.remove(pending_label, "duplicate")
                pending_label = None
            state.remove(unit, "duplicate")
            in_back, end_zone = "bio", True
            continue
        if bio and index > start and (late or _bylined(state, bio.group("name"))):
            name = bio.group("name")
            state.add_author(name, unit.numbers, "bio", weak=True)
            _add_bio(state, unit, pending_label)
            pending_label = None
            state.bios.append((name, text, unit.numbers))
            last_bio_name, in_back, end_zone = name, "bio", True
            continue
        if in_back == "bio" and kind is None:
            label, pending_label = pending_label, None
            if _duplicate_bio(state, text) or (state.bios and _mostly_seen(state, text)):
                if label is not None:
                    state.remove(label, "duplicate")
                state.remove(unit, "duplicate")
            elif not state.bios:
                # The paragraph under "About the author" / "About X" is the bio.
                state.bios.append((last_bio_name, text, unit.numbers))
                _add_bio(state, unit, label)
            else:
                if label is not None:
                    state.add_back("note", label)
                state.add_back("bio" if P.BIO_CONTINUATION.match(text) else "note", unit)
            continue
        if in_back in ("note", "links") and kind is None and not _is_prose(text):
            state.add_back(in_back, unit)
            continue
        if in_back == "note" and kind is None:
            state.add_back("note", unit)
            continue
        if end_zone and kind is None and not _is_prose(text):
            state.add_back("note", unit)
            continue
        if roundup and kind is None and P.KICKER.match(text):
            state.body.append(("heading1", unit))
            state.own(unit, "body")
            continue
        if roundup and kind is None and _title_like(text) and index + 1 < total and _is_prose(units[index + 1].plain) \
                and index > 0 and P.KICKER.match(units[index - 1].plain):
            state.body.append(("heading2", unit))
            state.own(unit, "body")
            continue
        state.body.append((kind or "content", unit))
        state.own(unit, "body")
    if pending_label is not None:
        state.add_back("note", pending_label)


def _bylined(state: State, name: str) -> bool:
    """True when ``name`` is one of the byline's authors."""
    return any(candidate.value.lower() == name.lower() for candidate in state.authors)


def _add_bio(state: State, unit: Unit, label: Unit | None) -> None:
    """A new bio item, under its label ("About the author:") when one was printed."""
    if label is not None:
        state.add_back("bio", label, new_item=True)
        state.add_back("bio", unit)
    else:
        state.add_back("bio", unit, new_item=True)


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = _NON_WORD.sub(" ", text).lower().split()
    return {tuple(words[i:i + 3]) for i in range(len(words) - 2)}


def _mostly_seen(state: State, text: str) -> bool:
    """Most of ``text`` (by three-word runs) was already printed in the bio: the author box again.

    What is new in it stays in ``removed[]`` with the rest of the repeated box.
    """
    shingles = _shingles(text)
    if len(shingles) < 8:
        return False
    earlier: set[tuple[str, ...]] = set()
    for _, units in state.back:
        for unit in units:
            earlier |= _shingles(unit.plain)
    for _, bio, _ in state.bios:
        earlier |= _shingles(bio)
    return len(shingles & earlier) > 0.5 * len(shingles)


def _duplicate_bio(state: State, text: str) -> bool:
    """A bio printed twice (e.g. after the article and again under "About the author")."""
    def first_sentence(value: str) -> str:
        return re.split(r"(?<=[.!?])\s", value.strip(), maxsplit=1)[0].lower()
    return any(first_sentence(text) == first_sentence(bio) for _, bio, _ in state.bios)


def _rights(state: State, unit: Unit) -> None:
    state.own(unit, "rights")
    sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+(?=[A-Z(©])", unit.plain) if s.strip()]
    copyright_parts: list[str] = []
    for sentence in sentences:
        republished = P.REPUBLISHED.match(sentence)
        if republished:
            state.license = _joined(state.license, sentence, unit.numbers, "republished-with-permission")
            source = republished.group("from")
            if source:
                names = _split_names(source)
                if names:
                    state.add_site(names[-1], 2, unit.numbers, "republished-from")
                    for name in names[:-1]:
                        state.add_author(name, unit.numbers, "republished-from", weak=True)
            continue
        if P.COPYRIGHT.search(sentence):
            copyright_parts.append(sentence)
            continue
        if P.LICENSE.search(sentence) or P.LICENSE_URL.search(sentence):
            state.license = _joined(state.license, sentence, unit.numbers, "licence")
            url = P.LICENSE_URL.search(sentence)
            if url:
                state.license_url = url.group(0)
            continue
        kind: NoticeKind = "permission"
        for rule in P.NOTICES:
            if rule.pattern.search(sentence):
                kind = rule.name  # type: ignore[assignment]
                break
        state.notices.append((kind, sentence))
    if copyright_parts:
        statement = " ".join(copyright_parts)
        if state.statement is None:
            state.holders, state.year = _holders_and_year(statement)
        # A second copyright line (a photo's, a repeat) joins the first: holders and year stay the first's.
        state.statement = _joined(state.statement, statement, unit.numbers, "copyright-line")
        url = P.LICENSE_URL.search(statement)
        if url and state.license_url is None:
            state.license_url = url.group(0)


def _joined(candidate: Candidate | None, text: str, lines: tuple[int, ...], rule: str) -> Candidate:
    """``candidate`` with ``text`` from ``lines`` added, so a second statement or licence line is
    kept beside the first, not lost; text it already holds is not repeated."""
    if candidate is None:
        return Candidate(text, 0, lines, rule)
    value = candidate.value if text in candidate.value else f"{candidate.value} {text}"
    return Candidate(value, candidate.strength, candidate.lines + tuple(n for n in lines if n not in candidate.lines),
                     candidate.rule)


def _holders_and_year(statement: str) -> tuple[tuple[str, ...], int | None]:
    years = [int(y) for y in P.YEAR.findall(statement)]
    text = re.sub(r"\ball rights reserved\.?", "", statement, flags=re.I)
    text = re.sub(r"^.*?(?:copyright\s*(?:©|\(c\))?|©|\(c\))\s*", "", text, count=1, flags=re.I)
    text = re.sub(r"\b(?:19|20)\d{2}(?:\s*[-–]\s*(?:19|20)?\d{2,4})?\b", "", text)
    text = re.sub(r"\bhttps?://\S+", "", text).strip(" .,;:")
    text = re.sub(r"^(?:by\s+)?(?:the\s+)?", "", text, flags=re.I) if re.match(r"by\s", text, re.I) else text
    pieces = [p.strip(" .") for p in text.split(",")]
    holders: list[str] = []
    for piece in pieces:
        if not piece:
            continue
        if holders and P.CORPORATE_SUFFIX.match(piece):
            holders[-1] = f"{holders[-1]}, {piece}"
        else:
            holders.append(piece)
    return tuple(h for h in holders if h), (years[-1] if years else None)


def _notices(state: State, unit: Unit) -> None:
    state.own(unit, "rights")
    sentences = [s.strip() for s in P.SENTENCE_SPLIT.split(unit.plain) if s.strip()]
    current: NoticeKind | None = None
    for sentence in sentences:
        kind: NoticeKind | None = None
        for rule in P.NOTICES:
            if rule.pattern.search(sentence):
                kind = rule.name  # type: ignore[assignment]
                break
        kind = kind or current or "disclaimer"
        organisation = P.NOTICE_ORGANISATION.search(sentence)
        if organisation and state.publisher is None and kind in ("disclaimer", "permission"):
            state.publisher = Candidate(organisation.group("org"), 0, unit.numbers, f"{kind}-organisation")
        if state.notices and current == kind:
            last_kind, last_text = state.notices[-1]
            state.notices[-1] = (last_kind, f"{last_text} {sentence}")
        else:
            state.notices.append((kind, sentence))
        current = kind


# --------------------------------------------------------------------------------------------
# Stage 5: glued prefixes and suffixes (one-line dataset texts, glued bios and credits)


def _peel(state: State) -> None:
    content = [i for i, (kind, _) in enumerate(state.body) if kind == "content"]
    if not content:
        return
    first_index = content[0]
    kind, unit = state.body[first_index]
    text = unit.raw
    if len(state.body) <= 3 and _words(text, 60) > 60:
        text = _peel_dataset_head(state, unit, text)
    wire = P.WIRE_CREDIT.match(plain_text(text))
    if wire:
        state.add_site(wire.group("site"), 2, unit.numbers, "wire-credit")
    state.body[first_index] = (kind, Unit(unit.lines, unit.kind, rewritten=text))

    credits = [(u, _tail_search(P.TRAILING_CREDIT, u.raw, P.TRAILING_CREDIT_MARKS))
               for k, u in state.body if k == "content"]
    if sum(1 for _, c in credits if c) >= 2:
        for credited, credit in credits:
            if credit:
                state.add_author(credit.group("names"), credited.numbers, "item-credit", weak=True)
    last_index = content[-1]
    kind, unit = state.body[last_index]
    text = _peel_tail(state, unit, unit.raw)
    state.body[last_index] = (kind, Unit(unit.lines, unit.kind, rewritten=text))


TAIL = 240
"""Closing credits and sources sit in a paragraph's last characters: only those are searched."""


def _tail_search(pattern: re.Pattern[str], text: str, marks: tuple[str, ...]) -> re.Match[str] | None:
    """``pattern`` (anchored at the end) searched in the last TAIL characters of ``text``, when
    they hold one of the ``marks`` the pattern needs."""
    start = max(0, len(text) - TAIL)
    return pattern.search(text, start) if P.holds_any(text[start:], marks) else None


def _peel_dataset_head(state: State, unit: Unit, text: str) -> str:
    date = P.DATELINE_PREFIX.match(text)
    if date:
        printed = re.sub(r"(\d{1,2})((?:19|20)\d{2})$", r"\1 \2", date.group("date"))
        iso = parse_date(printed)
        if iso:
            state.dates.append(Candidate(iso, 3, unit.numbers, "dateline-prefix", printed=date.group(0).strip()))
            text = text[date.end():]
            # Headline-ese (no articles, no "said") right after the date line is the headline.
            headline = re.match(r"^(?P<h>[^.!?]{10,160}?)\.\s+(?=[A-Z])", text)
            if headline and state.title is None and _words(headline.group("h"), 16) <= 16 \
                    and not P.PROSE_WORDS.search(headline.group("h")):
                state.title = Candidate(headline.group("h"), 0, unit.numbers, "dataset-headline",
                                        printed=headline.group(0).strip())
                text = text[headline.end():]
    tags = P.INLINE_TAGS.search(text[:800])
    if tags:
        standfirst = text[:tags.start()].strip()
        terms = tuple(tags.group("terms").split())
        state.keyword_groups.append(("Tags", terms, unit.numbers))
        state.extra_fields.append(FieldSource(field="metadata.keyword_groups.Tags", lines=unit.numbers,
                                              rule="inline-tags", printed=tags.group(0).strip()))
        if standfirst and state.subtitle is None:
            state.subtitle = Candidate(standfirst, 0, unit.numbers, "dataset-standfirst")
        text = text[tags.end():]
    return text


_SENTENCE_BREAK = re.compile(r"[.!?](?=[A-Z])|[.!?]\s+(?=[A-Z])")


def _peel_tail(state: State, unit: Unit, text: str) -> str:
    source = _tail_search(P.TRAILING_SOURCE, text, P.TRAILING_SOURCE_MARKS)
    if source:
        state.add_site(source.group("site"), 2, unit.numbers, "trailing-source")
        state.source = Candidate(source.group(0).strip(), 2, unit.numbers, "trailing-source",
                                 printed=source.group(0).strip())
        text = text[:source.start()]
    credit = _tail_search(P.TRAILING_SLASH_CREDIT, text, P.TRAILING_SLASH_CREDIT_MARKS)
    if credit:
        for name in _split_names(credit.group("names")):
            state.add_author(name, unit.numbers, "closing-credit", weak=True)
        state.extra_fields.append(FieldSource(field="metadata.authors", lines=unit.numbers,
                                              rule="closing-credit", printed=credit.group("names")))
        text = text[:credit.start()]
    for match in _SENTENCE_BREAK.finditer(text, len(text) // 2):
        rest = text[match.end():].lstrip()
        bio = P.BIO_SENTENCE.match(rest) if P.may_open_bio(rest) else None
        if bio:
            state.add_author(bio.group("name"), unit.numbers, "glued-bio", weak=True)
            state.bios.append((bio.group("name"), rest, unit.numbers))
            state.extra_fields.append(FieldSource(field="back.bio", lines=unit.numbers, rule="glued-bio", printed=rest))
            text = text[:match.end()]
            break
    credit2 = _tail_search(P.TRAILING_CREDIT, text, P.TRAILING_CREDIT_MARKS)
    if credit2:
        state.add_author(credit2.group("names"), unit.numbers, "closing-credit", weak=True)
        state.extra_fields.append(FieldSource(field="metadata.authors", lines=unit.numbers,
                                              rule="closing-credit", printed=credit2.group(0).strip()))
        text = text[:credit2.start()]
    if text.rstrip().endswith("Read More"):  # the regex scans every space of the text otherwise
        text = re.sub(r"\s*\bRead More\s*$", "", text)
    return text.rstrip()


# --------------------------------------------------------------------------------------------
# Stage 6: assembly


def _blocks(state: State) -> tuple[Block, ...]:
    blocks: list[Block] = []
    items: list[tuple[Block, ...]] = []
    ordered = False

    list_start = 1

    def flush_list() -> None:
        nonlocal items, list_start
        if items:
            blocks.append(ListBlock(ordered=ordered, items=tuple(items), start=list_start if ordered else 1))
            items = []
            list_start = 1

    pending_bullet = False
    entries = state.body
    for kind, unit in entries:
        raw = unit.raw.strip()
        if not raw:
            continue
        if kind == "bullet":
            pending_bullet = True
            state.own(unit, "body")
            continue
        if kind == "separator":
            flush_list()
            blocks.append(Rule())
            continue
        if kind == "heading1" or kind == "md-heading":
            flush_list()
            blocks.append(Heading(level=1, content=parse_inlines(re.sub(r"^#+\s*", "", raw))))
            continue
        if kind == "heading2":
            flush_list()
            blocks.append(Heading(level=2, content=parse_inlines(raw)))
            continue
        if kind == "md-quote":
            flush_list()
            blocks.append(Quote(blocks=(Para(content=parse_inlines(raw.lstrip("> ").strip())),)))
            continue
        bullet = _LIST_ITEM.match(raw) if raw[:1] in "-*•" or raw[:1].isdecimal() else None
        if bullet or pending_bullet:
            ordered_item = bool(bullet and bullet.group(1)[0].isdigit())
            if items and ordered_item != ordered:
                flush_list()
            if not items and bullet and ordered_item:
                list_start = int(bullet.group(1)[:-1])
            ordered = ordered_item
            items.append((Para(content=parse_inlines(raw[bullet.end():] if bullet else raw)),))
            pending_bullet = False
            continue
        flush_list()
        blocks.append(Para(content=parse_inlines(raw)))
    flush_list()
    return tuple(blocks)


_NON_WORD = re.compile(r"\W+")


_OTHER_ASCII_SPACES = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f"


def _key(lowered: str) -> str:
    """A paragraph's identity for duplicate detection: its lower-case text, whitespace runs as one
    space. Scrapers repeat text with different line breaks, not different punctuation.
    """
    # Most paragraphs have single spaces only: they are their own key, without splitting into words
    # and joining again. ASCII text is told by substring tests; other text by isprintable(), which
    # is false for every whitespace character but the space.
    if "  " not in lowered and lowered[:1] != " " and lowered[-1:] != " ":
        if lowered.isascii() and not P.holds_any(lowered, _OTHER_ASCII_SPACES):
            return lowered
        if not lowered.isascii() and lowered.isprintable():
            return lowered
    return " ".join(lowered.split())


def _deduplicate(state: State) -> None:
    """Text printed twice keeps its first copy; the other is ``removed`` as a duplicate.

    Scrapers print a bio twice, or a list both run together and item by item; a paragraph of
    five words or more that repeats one seen before (in body or back matter) is dropped.
    """
    keys = [_key(unit.lowered) for _, unit in state.body]
    back_keys = {id(unit): _key(unit.lowered) for _, units in state.back for unit in units}
    seen = set(back_keys.values())
    firsts = [unit.lines[0].number for _, unit in state.body]
    order = sorted(range(len(state.body)), key=firsts.__getitem__)
    duplicate: set[int] = set()
    back_first: dict[str, int] = {}
    for _, units in state.back:
        for unit in units:
            back_first.setdefault(back_keys[id(unit)], unit.lines[0].number)
    body_seen: set[str] = set()
    for position in order:
        key = keys[position]
        if key.count(" ") < 4:  # fewer than five words (keys have single spaces)
            continue
        earlier_back = key in back_first and back_first[key] < firsts[position]
        if key in body_seen or earlier_back or _joins_following(key, keys, position):
            duplicate.add(position)
        body_seen.add(key)
    for position in sorted(duplicate):
        state.remove(state.body[position][1], "duplicate")
    state.body = [entry for i, entry in enumerate(state.body) if i not in duplicate]
    # Back matter repeating the body, or itself, is dropped the same way.
    for kind_units in state.back:
        kept = []
        for unit in kind_units[1]:
            key = back_keys[id(unit)]
            repeated = key in seen and back_first.get(key) != unit.lines[0].number
            if key.count(" ") >= 4 and (key in body_seen or repeated):
                state.remove(unit, "duplicate")
            else:
                kept.append(unit)
        kind_units[1][:] = kept
    state.back = [(kind, units) for kind, units in state.back if units]


def _joins_following(key: str, keys: list[str], position: int) -> bool:
    """A line that repeats the next few lines run together (scrapers print both forms)."""
    joined = ""
    for part in keys[position + 1: position + 12]:
        if not joined and not key.startswith(part):
            return False
        joined = f"{joined} {part}".strip()
        if joined == key:
            return True
        if not key.startswith(joined):
            return False
    return False


def _choose(candidates: list[Candidate]) -> Candidate | None:
    best: Candidate | None = None
    for candidate in candidates:
        if best is None or candidate.strength > best.strength:
            best = candidate
    return best


def _opening_text(body: tuple[Block, ...], length: int) -> str:
    """The first ``length`` characters of the body's paragraphs, joined by spaces."""
    parts: list[str] = []
    collected = 0
    for block in body:
        if isinstance(block, Para):
            parts.append(plain_inlines(block.content))
            collected += len(parts[-1]) + 1
            if collected > length:
                break
    return " ".join(parts)[:length]


def normalise_text(text: str, *, name: str | None = None, raw: bytes | None = None) -> Document:
    """Normalise article text (already decoded) into a Document. Never raises on text."""
    # The shape tests are memoised within one document only (the header scan asks about the same
    # units again and again); clearing them keeps repeated inputs from timing faster than new ones.
    for memo in (_is_prose, _title_like, parse_date, find_date):
        memo.cache_clear()
    text = _without_controls(text.replace("\r\n", "\n").replace("\r", "\n"))
    text = text.removeprefix("\ufeff")
    # Lower-cased once for the whole text (lower() has no context across a line break), and
    # searched once for the strings and words that let a line into the tables.
    lowered_lines = [line.strip() for line in text.lower().split("\n")]
    triggered = P.triggered_lines(lowered_lines)
    line_pairs = zip(text.split("\n"), lowered_lines, strict=True)
    lines: list[Line | None] = [
        _classify(number, content, lowered, number in triggered) if content.strip() else None
        for number, (content, lowered) in enumerate(line_pairs, start=1)
    ]
    state = State()
    units = _units(lines)
    roundup = _roundup(units)
    start = _header(state, units, roundup)
    _body(state, units, start, roundup)
    _peel(state)
    _deduplicate(state)
    body = _blocks(state)
    return _document(state, body, lines, text, name, raw)


def _document(state: State, body: tuple[Block, ...], lines: list[Line | None], text: str,
              name: str | None, raw: bytes | None) -> Document:
    fields: list[FieldSource] = list(state.extra_fields)
    printed_lines = {line.number: line.raw for line in lines if line is not None}

    def printed(candidate: Candidate) -> str:
        if candidate.printed is not None:
            return candidate.printed
        return "\n".join(printed_lines.get(n, "") for n in candidate.lines)

    def record(path: str, candidate: Candidate | None, *, supplied: bool = False,
               alternatives: list[Candidate] | None = None) -> None:
        if candidate is not None:
            fields.append(FieldSource(field=path, lines=candidate.lines, rule=candidate.rule,
                                      supplied=supplied, printed=printed(candidate)))
        for other in alternatives or ():
            if other is not candidate:
                fields.append(FieldSource(field=path, lines=other.lines, rule=f"{other.rule} (not chosen)",
                                          printed=printed(other)))

    # Authors: bylines first; otherwise the names that bios, credits and handles give.
    chosen = state.authors or state.weak_authors
    bios = {(bio_name or "").lower(): bio for bio_name, bio, _ in state.bios}
    authors: list[Author] = []
    for candidate in chosen:
        bio = bios.get(candidate.value.lower())
        email_match = P.EMAIL.search(bio) if bio else None
        authors.append(split_name(candidate.value, email=email_match.group(0) if email_match else None, bio=bio))
        record(f"metadata.authors[{len(authors) - 1}]", candidate)
    for other in state.weak_authors if state.authors else ():
        record("metadata.authors", None, alternatives=[other])

    site = _choose(state.sites)
    date = _choose(state.dates)
    url = next((c for c in state.urls if _is_article_url(c.value)), None)
    record("metadata.title", state.title)
    record("metadata.subtitle", state.subtitle)
    record("metadata.site", site, alternatives=state.sites)
    record("metadata.date", date, alternatives=state.dates)
    record("metadata.url", url, alternatives=state.urls)
    record("metadata.publisher", state.publisher)
    record("rights.statement", state.statement)
    record("rights.license", state.license)
    record("rights.source", state.source)

    keywords: list[str] = []
    groups: list[KeywordGroup] = []
    for label, terms, numbers in state.keyword_groups:
        groups.append(KeywordGroup(label=label, terms=terms))
        keywords.extend(t for t in terms if t not in keywords)
        if not any(f.field == f"metadata.keyword_groups.{label}" for f in fields):
            fields.append(FieldSource(field=f"metadata.keyword_groups.{label}", lines=numbers, rule="keyword-line",
                                      printed="\n".join(printed_lines.get(n, "") for n in numbers)))

    language = detect_language(_opening_text(body, LANGUAGE_SAMPLES[-1]))
    if language:
        fields.append(FieldSource(field="metadata.language", lines=(), rule="cld2", supplied=True))

    back = tuple(
        BackItem(kind=kind, blocks=tuple(Para(content=parse_inlines(unit.raw)) for unit in units))  # type: ignore[arg-type]
        for kind, units in state.back
    )
    metadata = Metadata(
        title=state.title.value if state.title else None,
        subtitle=state.subtitle.value if state.subtitle else None,
        authors=tuple(authors),
        site=site.value if site else None,
        publisher=state.publisher.value if state.publisher else None,
        date=date.value if date else None,
        url=url.value if url else None,
        language=language,
        keywords=tuple(keywords),
        keyword_groups=tuple(groups),
    )
    rights = Rights(
        statement=state.statement.value if state.statement else None,
        holders=state.holders,
        year=state.year,
        license=state.license.value if state.license else None,
        license_url=state.license_url,
        source=state.source.value if state.source else None,
        source_url=state.source_url,
        notices=tuple(Notice(kind=kind, text=notice) for kind, notice in state.notices),
    )
    digest = hashlib.sha256(raw if raw is not None else text.encode("utf-8")).hexdigest()
    provenance = Provenance(
        input_sha256=digest,
        citekit_version=__version__,
        source_name=name,
        fields=tuple(fields),
        lines=_spans(state.roles, lines),
    )
    return Document(metadata=metadata, body=body, back=back, rights=rights,
                    removed=tuple(sorted(state.removed, key=lambda r: r.start_line)), provenance=provenance)


def _is_article_url(url: str) -> bool:
    """A site's home page ("https://example.org/") is not an article's URL."""
    path = re.sub(r"^https?://[^/]+", "", url)
    return path.strip("/") != ""


def _spans(roles: dict[int, str], lines: list[Line | None]) -> tuple[LineSpan, ...]:
    """Runs of consecutive non-blank lines with one role (blank lines between them do not break
    a run)."""
    spans: list[LineSpan] = []
    run_role: str | None = None
    run_start = run_end = 0
    for line in lines:
        if line is None:
            continue
        role = roles.get(line.number, "body")
        if role != run_role:
            if run_role is not None:
                spans.append(LineSpan(start_line=run_start, end_line=run_end, role=run_role))
            run_role, run_start = role, line.number
        run_end = line.number
    if run_role is not None:
        spans.append(LineSpan(start_line=run_start, end_line=run_end, role=run_role))
    return tuple(spans)
