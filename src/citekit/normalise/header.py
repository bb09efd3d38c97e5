"""Stage 4: units → header. Title, dek, bylines, dates, site and keywords above the body, and the
index of the unit where the body starts.

The stage walks the units from the top and stops at the first one that opens the body: prose, or
the first plain unit after a byline. Lines it reads are claimed; what they state becomes candidates.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from citekit.normalise import credits as C
from citekit.normalise.endmatter import BackEntry, read_source
from citekit.normalise.findings import Candidate, Claim, Findings, Removal
from citekit.normalise.language import SAMPLES as LANGUAGE_SAMPLES
from citekit.normalise.language import detect_language
from citekit.normalise.options import NormaliseOptions
from citekit.normalise.shape import is_prose, title_case, title_like, words
from citekit.normalise.tables.endmatter import BIO_SENTENCE, may_open_bio
from citekit.normalise.tables.shapes import KICKER, LIST_ITEM
from citekit.normalise.units import Unit

_SENTENCE_ENDS = (".", "!", "?", '"', "”", ":", "…", "»", "“")
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-ZÀ-Þ])")
_SENTENCE_MARKS = re.compile(r"[.!?](?:\s|$)")
_DATELINE_DASH = re.compile(r"^[A-ZÀ-Þ][A-ZÀ-Þ .,'()-]{1,60}\s[-–—]$")
"""A dateline alone on its line: 'DENVER, COLORADO -'."""
_SUBSCRIBE = re.compile(r"^subscribe to (?P<site>.+?) for free\b", re.I)
_BYLINE_KINDS = ("byline", "byline-alone")
_META_KINDS = ("byline", "date", "site-and-date", "site", "site-name", "source")


@dataclass(frozen=True, slots=True)
class Header:
    """What the header stage found."""

    start: int
    """Index of the first body unit."""
    candidates: tuple[Candidate, ...]
    claims: tuple[Claim, ...]
    removals: tuple[Removal, ...]
    back: tuple[BackEntry, ...]
    """Captions, credits and notes printed in the header."""
    roundup: bool
    """The text is a roundup of items with kickers and headlines: it has no one title."""
    authors_found: tuple[str, ...]
    """Names the bylines give (the body stage asks whether a bio's name is one)."""


class _Walk:
    """The header stage's state while it walks the units (local to one call)."""

    def __init__(self, units: Sequence[Unit], options: NormaliseOptions) -> None:
        self.units = units
        self.options = options
        self.found = Findings()
        self.back: list[BackEntry] = []
        self.title: Unit | None = None
        self.subtitle = False
        self.seen_byline = False
        self.seen_meta = False
        self.in_editor_note = False
        self.authors: list[str] = []
        self.dated_credit = False

    def on(self, rule: str) -> bool:
        return self.options.enabled(rule)

    def prose(self, text: str) -> bool:
        return is_prose(text, self.options.prose_min_words)

    def titled(self, text: str) -> bool:
        return title_like(text, self.options.title_max_words)


def read_header(units: Sequence[Unit], options: NormaliseOptions) -> Header:
    """Read the header; the body starts at ``Header.start``."""
    walk = _Walk(units, options)
    roundup = options.enabled("body.roundup-kicker") and _roundup(walk)
    index = 0
    while index < len(units):
        step = _step(walk, index, roundup)
        if step is None:
            break
        index = step + 1
    found = walk.found
    return Header(index, tuple(found.candidates), tuple(found.claims), tuple(found.removals), tuple(walk.back),
                  roundup, tuple(walk.authors))


def _step(walk: _Walk, index: int, roundup: bool) -> int | None:
    """Read ``units[index]``; return the index of the last unit read, or None when the body starts here."""
    unit = walk.units[index]
    kind, found = unit.kind, walk.found
    if kind in ("removed", "comments"):
        remove_boilerplate(found, unit)
        return index
    if kind == "md-heading" and walk.title is None:
        return _markdown_title(walk, index)
    if kind == "source":
        read_source(found, unit)
        walk.seen_meta = True
        return index
    if kind == "byline":
        _byline(walk, unit)
        walk.in_editor_note = False
        following = _next(walk.units, index)
        if following is not None and following.kind == "site-paren":
            found.add("site", following.plain.strip("()"), following.numbers, following.rule, strength=3)
            found.claim(following.numbers, "site", following.rule)
            return index + 1
        return index
    if kind == "byline-alone" and index + 1 < len(walk.units) and C.plausible_names(walk.units[index + 1].plain):
        names = walk.units[index + 1]
        found.claim(unit.numbers + names.numbers, "byline", unit.rule)
        for name in C.split_names_and_outlet(names.plain)[0]:
            found.add("author", name, unit.numbers + names.numbers, unit.rule)
            walk.authors.append(name)
        walk.seen_byline = walk.seen_meta = True
        return index + 1
    if kind == "site-alone" and index + 1 < len(walk.units) \
            and walk.units[index + 1].kind in (None, "site", "site-name", "name-line"):
        named = walk.units[index + 1]
        found.claim(unit.numbers + named.numbers, "site", unit.rule)
        found.add("site", clean_site(named.plain), unit.numbers + named.numbers, unit.rule, strength=3)
        walk.seen_meta = True
        return index + 1
    if kind in ("site-name", "site", "site-and-date"):
        site = unit.group("site") or unit.plain
        found.add("site", clean_site(site), unit.numbers, unit.rule, strength=3)
        if kind == "site-and-date":
            found.add("date", unit.first.date, unit.numbers, unit.rule, strength=3, printed=unit.group("date"))
        found.claim(unit.numbers, "dateline" if kind == "site-and-date" else "site", unit.rule)
        walk.seen_meta = True
        return index
    if kind == "date":
        if unit.first.date:
            found.add("date", unit.first.date, unit.numbers, unit.rule, strength=3)
        else:  # "posted 16 mins ago": a date line that prints no date, kept in provenance as printed
            found.add("extra", unit.plain, unit.numbers, unit.rule, label="printed:metadata.date")
        found.claim(unit.numbers, "dateline", unit.rule)
        walk.seen_meta = True
        return index
    if kind == "keywords":
        read_keywords(found, unit)
        return index
    if kind in ("translation", "caption", "credit"):
        walk.back.append(BackEntry("note", unit, unit.rule))
        return index
    if kind == "editor-note":
        walk.back.append(BackEntry("note", unit, unit.rule))
        walk.in_editor_note = True
        return index
    if kind == "name-line" and _bare_name_byline(walk, index):
        found.claim(unit.numbers, "byline", unit.rule)
        found.add("author", unit.plain, unit.numbers, unit.rule)
        walk.authors.append(unit.plain)
        walk.seen_byline = walk.seen_meta = True
        return index
    return _content(walk, index, roundup)


def _content(walk: _Walk, index: int, roundup: bool) -> int | None:
    """A unit with no kind (or a kind the header does not read): title, dek, or the body's start."""
    units, unit = walk.units, walk.units[index]
    text, kind = unit.plain, unit.kind
    if kind not in (None, "name-line", "promo"):
        return None
    if _DATELINE_DASH.match(text) and walk.on("header.dateline-opens-body"):
        return None
    if walk.in_editor_note and walk.prose(text):
        _note(walk, unit, "body.late-note")
        return index
    if walk.title is None and walk.titled(text) and (not walk.seen_meta or _credit_next(walk, index)) \
            and walk.on("header.first-headline"):
        following = _next_content(units, index, 1)
        if (following is not None and following.kind is None and walk.titled(following.plain)
                and not title_case(text) and title_case(following.plain) and walk.on("header.dek-above-title")):
            _dek(walk, unit, "header.dek-above-title")
            return index
        if roundup:
            return None
        walk.title = unit
        rule = "header.title-then-credit" if walk.seen_meta else "header.first-headline"
        walk.found.add("title", text, unit.numbers, rule)
        walk.found.claim(unit.numbers, "title", rule)
        return index
    if walk.seen_byline and text.isupper() and words(text, 5) >= 5 and walk.on("header.caps-dek"):
        _dek(walk, unit, "header.caps-dek")
        return index
    prose = walk.prose(text)
    if prose and _byline_follows(units, index) and walk.on("header.promo-before-byline"):
        _dek(walk, unit, "header.promo-before-byline")
        return index
    if not prose and _byline_ahead(walk, index) and walk.on("header.short-before-byline"):
        _dek(walk, unit, "header.short-before-byline")
        return index
    if prose:
        if walk.title is None and not walk.seen_meta and words(text, 60) <= 60 and _teaser(walk, index) \
                and walk.on("header.teaser-above-title"):
            _dek(walk, unit, "header.teaser-above-title")
            return index
        if _unpunctuated_dek(walk, index) or _standfirst(walk, index):
            return index
        return None
    if walk.seen_byline:
        return None  # after the byline, the first unrecognised unit opens the body
    if walk.title is None and not walk.seen_meta and LIST_ITEM.match(text) \
            and not _earlier_content(units, index, skip_lists=True) \
            and walk.on("header.key-points"):
        _dek(walk, unit, "header.key-points")
        return index
    if walk.title is not None and words(text, walk.options.dek_max_words) <= walk.options.dek_max_words \
            and walk.on("header.dek-after-title"):
        _dek(walk, unit, "header.dek-after-title")
        return index
    return None


def _unpunctuated_dek(walk: _Walk, index: int) -> bool:
    """A line under the headline that ends without a full stop, above prose, is a dek however long:
    headlines and deks print no closing punctuation, paragraphs do."""
    unit = walk.units[index]
    text = unit.plain
    if walk.title is None or walk.subtitle or text.endswith(_SENTENCE_ENDS) or not walk.on("header.dek-after-title"):
        return False
    if words(text, walk.options.dek_max_words) > walk.options.dek_max_words:
        return False
    following = _next_content(walk.units, index, 1)
    if following is None or following.kind is not None or not walk.prose(following.plain):
        return False
    _dek(walk, unit, "header.dek-after-title")
    return True


def _standfirst(walk: _Walk, index: int) -> bool:
    """German news opens with a teaser under the headline; a text that prints no headline opens
    with it: a first paragraph of one to three sentences, followed by the article."""
    if walk.title is not None or walk.seen_meta or walk.subtitle or index > 2 or not walk.on("header.standfirst"):
        return False
    unit = walk.units[index]
    if words(unit.plain, 60) > 60 or len(_SENTENCE_MARKS.findall(unit.plain)) > 3:
        return False
    following = [u for u in walk.units[index + 1:index + 4] if u.kind is None]
    if len(following) < 2:
        return False
    sample = " ".join([unit.plain, *(u.plain for u in following)])[:LANGUAGE_SAMPLES[-1]]
    if detect_language(sample) != "de":
        return False
    _dek(walk, unit, "header.standfirst")
    return True


def _markdown_title(walk: _Walk, index: int) -> int:
    units, unit = walk.units, walk.units[index]
    parts = [re.sub(r"^#+\s*", "", unit.raw).strip()]
    numbers = unit.numbers
    # A wrapped headline continues on the next line(s) until a blank line.
    while index + 1 < len(units) and units[index + 1].kind is None and \
            units[index + 1].numbers[0] == numbers[-1] + 1 and not walk.prose(units[index + 1].plain):
        index += 1
        parts.append(units[index].plain)
        numbers += units[index].numbers
    walk.title = unit
    walk.found.add("title", " ".join(parts), numbers, unit.rule)
    walk.found.claim(numbers, "title", unit.rule)
    return index


def _byline(walk: _Walk, unit: Unit) -> None:
    credit = unit.first.credit
    assert credit is not None
    add_credit(walk.found, unit, credit)
    walk.found.claim(unit.numbers, "byline", unit.rule)
    if not credit.weak:
        walk.authors.extend(credit.names)
        walk.seen_byline = True
        walk.dated_credit = credit.date is not None
    walk.seen_meta = True


def add_credit(found: Findings, unit: Unit, credit: C.Credit, *, rule: str | None = None, strength: int = 3) -> None:
    """The authors, outlet and date a credit line states."""
    rule = rule or unit.rule
    for name in credit.names:
        found.add("weak-author" if credit.weak else "author", name, unit.numbers, rule)
    if credit.site:
        found.add("site", clean_site(credit.site), unit.numbers, rule,
                  strength=4 if rule == "byline.written-by" else strength)
    if credit.date:
        found.add("date", credit.date, unit.numbers, rule, strength=2 if credit.labelled else 3,
                  printed=credit.printed_date)
    if not credit.names and not credit.site:  # "Von Redaktion", "Posted by admin": kept as printed
        found.add("extra", unit.plain, unit.numbers, rule, label="printed:metadata.authors")


def _bare_name_byline(walk: _Walk, index: int) -> bool:
    """A name alone right under the headline, or beside a date line, is the byline."""
    if walk.seen_byline or not walk.on("header.bare-name-byline"):
        return False
    units = walk.units
    before = units[index - 1] if index else None
    after = _next(units, index)
    beside_title = before is not None and walk.title is not None and before is walk.title
    beside_date = any(u is not None and u.kind == "date" for u in (before, after))
    return beside_title or beside_date


def _credit_next(walk: _Walk, index: int) -> bool:
    """A headline printed under a date line: the next unit is a credit or the body's prose."""
    if not walk.on("header.title-then-credit") or (walk.seen_byline and not walk.dated_credit):
        return False  # after a plain byline the body starts; a blog's dated credit comes above its title
    following = _next_content(walk.units, index, 1)
    return following is not None and (following.kind in ("byline", "date", "name-line") or walk.prose(following.plain))


def _dek(walk: _Walk, unit: Unit, rule: str) -> None:
    if walk.on("header.bio-in-dek"):
        for sentence in _SENTENCE_SPLIT.split(unit.plain)[1:]:
            bio = BIO_SENTENCE.match(sentence) if may_open_bio(sentence) else None
            if bio:  # a column's standfirst introduces the columnist
                walk.found.add("weak-author", bio.group("name"), unit.numbers, "header.bio-in-dek")
    if not walk.subtitle and not unit.plain.startswith("("):
        walk.subtitle = True
        walk.found.add("subtitle", unit.plain, unit.numbers, rule)
        walk.found.claim(unit.numbers, "subtitle", rule)
    else:
        _note(walk, unit, rule)


def _note(walk: _Walk, unit: Unit, rule: str) -> None:
    walk.back.append(BackEntry("note", unit, rule))


def remove_boilerplate(found: Findings, unit: Unit) -> None:
    """Boilerplate into ``removed[]``; a "Subscribe to X for free" names the site, weakly."""
    subscribe = _SUBSCRIBE.match(unit.plain)
    if subscribe:
        found.add("site", clean_site(subscribe.group("site")), unit.numbers, unit.rule, strength=1)
    from citekit.normalise.tables import RULES

    rule = RULES.get(unit.rule)
    reason = rule.label if rule is not None else "boilerplate"
    found.remove(unit.numbers, "\n".join(item.line.raw for item in unit.items), reason, unit.rule)


def read_keywords(found: Findings, unit: Unit) -> None:
    label = (unit.group("label") or "").strip().capitalize()
    terms_text = (unit.group("terms") or "").split("|")[0]
    for term in re.split(r"\s*[,;]\s*", terms_text):
        term = term.strip(" .")
        if term:
            found.add("keywords", term, unit.numbers, unit.rule, label=label)
    found.claim(unit.numbers, "keywords", unit.rule)


def clean_site(site: str) -> str:
    """An outlet's name as printed, without 'website', 'for free' or a leading 'the'."""
    site = " ".join(site.split()).strip(" ,:;.-–—()[]")
    site = re.sub(r"\s+(?:web\s*site|for free)$", "", site, flags=re.I)
    if site.lower().startswith("the ") and words(site, 2) > 2:
        site = re.sub(r"^the\s+(?=[A-Z])", "", site)
    return site.strip()


# --------------------------------------------------------------------------------------------
# Looking around


def _next(units: Sequence[Unit], index: int) -> Unit | None:
    return units[index + 1] if index + 1 < len(units) else None


def _next_content(units: Sequence[Unit], index: int, step: int) -> Unit | None:
    """The ``step``-th unit after ``index`` that is not boilerplate (looking at most 40 units on)."""
    found = 0
    for unit in units[index + 1: index + 41]:
        if unit.kind in ("removed", "comments"):
            continue
        found += 1
        if found == step:
            return unit
    return None


def _teaser(walk: _Walk, index: int) -> bool:
    """The article's first paragraph, then a headline-like line, then prose: a teaser above the title."""
    headline, lead = _next_content(walk.units, index, 1), _next_content(walk.units, index, 2)
    return (headline is not None and lead is not None and walk.titled(headline.plain) and headline.kind is None
            and walk.prose(lead.plain) and not _earlier_content(walk.units, index))


def _byline_follows(units: Sequence[Unit], index: int) -> bool:
    """A byline within the next two content units: what comes before it is still header."""
    for step in (1, 2):
        following = _next_content(units, index, step)
        if following is not None and following.kind in _BYLINE_KINDS and not _weak(following):
            return True
    return False


def _earlier_content(units: Sequence[Unit], index: int, *, skip_lists: bool = False) -> bool:
    """Content before ``index`` (the header never walks far, so this looks back a bounded way)."""
    return any(unit.kind not in ("removed", "comments") and not (skip_lists and LIST_ITEM.match(unit.plain))
               for unit in units[max(0, index - 40):index])


def _byline_ahead(walk: _Walk, index: int) -> bool:
    """A byline comes before any prose: the short units up to it are still header."""
    for unit in walk.units[index + 1: index + 40]:
        if unit.kind in _BYLINE_KINDS and not _weak(unit):
            return True
        if unit.kind is None and walk.prose(unit.plain):
            return False
    return False


def _weak(unit: Unit) -> bool:
    credit = unit.first.credit
    return credit is not None and credit.weak


def _roundup(walk: _Walk) -> bool:
    """A roundup of items, each under a capitalised kicker and its own headline: no one title."""
    units = walk.units
    items = 0
    for i in range(len(units) - 2):
        kicker, headline, lead = units[i], units[i + 1], units[i + 2]
        if (kicker.kind is None and kicker.plain.isupper() and KICKER.match(kicker.plain) and headline.kind is None
                and walk.titled(headline.plain) and not headline.plain.isupper() and walk.prose(lead.plain)):
            items += 1
            if items >= 3:
                return True
    return False
