"""Stage 5: units after the header → body and end matter.

Body units are kept in order. End matter is taken out as the stage meets it: source and rights
lines, notices, bios (a late paragraph that opens with an author's name and "is a …"), notes and
reference lists, captions and credits, the reader comments after their opener, and closing credits
and dates of blog footers. After the first end-matter line, short lines are end matter too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from citekit.normalise.endmatter import BackEntry, read_notices, read_rights, read_source, split_names
from citekit.normalise.findings import Candidate, Claim, Findings, Removal
from citekit.normalise.header import Header, add_credit, clean_site, read_keywords, remove_boilerplate
from citekit.normalise.options import NormaliseOptions
from citekit.normalise.shape import is_prose, title_like
from citekit.normalise.tables.endmatter import BIO_SENTENCE, may_open_bio
from citekit.normalise.tables.shapes import KICKER, NON_WORD, URL
from citekit.normalise.units import Unit, rewritten

_BIO_CONTINUATION = re.compile(
    r"^(?:his|her|their|visit (?:his|her|their)|listen to|follow (?:him|her|them)|he can be reached|she can be reached"
    r"|sus|seu|sua|seine|ihre)\b", re.I)
_RELATED_HEADERS = frozenset({"boilerplate.navigation.related-header", "boilerplate.navigation.related-label"})
_ARTICLES = frozenset({"the", "a", "an", "der", "die", "das", "el", "la", "los", "las", "o", "os", "le", "les", "il"})
_LATE_SHARE = 0.6
"""Units after this share of the body (or in its last six) are late: end matter is expected there."""
_SHINGLE = 3


class BodyEntry(NamedTuple):
    """A unit of the body, with the kind of block it makes (content, heading1, heading2, md-quote, …)."""

    kind: str
    unit: Unit


@dataclass(frozen=True, slots=True)
class Body:
    """What the body stage found."""

    entries: tuple[BodyEntry, ...]
    back: tuple[BackEntry, ...]
    candidates: tuple[Candidate, ...]
    claims: tuple[Claim, ...]
    removals: tuple[Removal, ...]
    bios: tuple[tuple[str | None, str, tuple[int, ...]], ...]
    """(name, text, lines) of each bio."""


class _Walk:
    """The body stage's state while it walks the units (local to one call)."""

    def __init__(self, units: Sequence[Unit], header: Header, options: NormaliseOptions) -> None:
        self.units, self.header, self.options = units, header, options
        self.found = Findings()
        self.entries: list[BodyEntry] = []
        self.back: list[BackEntry] = []
        self.bios: list[tuple[str | None, str, tuple[int, ...]]] = []
        self.bio_firsts: set[str] = set()
        self.back_shingles: set[tuple[str, ...]] = set()
        self.end_zone = False
        self.in_back: str | None = None  # "note", "links" or "bio" while a labelled back section runs
        self.last_bio_name: str | None = None
        self.pending_label: Unit | None = None
        self.in_comments = False
        self.last_content = len(units) - 1

    def on(self, rule: str) -> bool:
        return self.options.enabled(rule)

    def prose(self, text: str) -> bool:
        return is_prose(text, self.options.prose_min_words)

    def add_back(self, kind: str, unit: Unit, rule: str, *, new_item: bool = False) -> None:
        """Back matter (assembly claims its lines, after duplicates are taken out)."""
        self.back.append(BackEntry(kind, unit, rule, new_item))
        if kind == "bio":
            self.back_shingles |= shingles(unit.plain)

    def add_body(self, kind: str, unit: Unit) -> None:
        """A body unit (assembly claims its lines, after duplicates are taken out)."""
        self.entries.append(BodyEntry(kind, unit))


def read_body(units: Sequence[Unit], header: Header, options: NormaliseOptions) -> Body:
    """Body and end matter of the units from ``header.start`` on."""
    walk = _Walk(units, header, options)
    start, total = header.start, len(units)
    last_content = _last_content_index(units, start)
    walk.last_content = last_content
    for index in range(start, total):
        late = index >= start + _LATE_SHARE * (total - start) or index >= total - 6
        _step(walk, index, late, last_content)
    if walk.pending_label is not None:
        walk.add_back("note", walk.pending_label, walk.pending_label.rule)
    found = walk.found
    return Body(tuple(walk.entries), tuple(walk.back), tuple(found.candidates), tuple(found.claims),
                tuple(found.removals), tuple(walk.bios))


def _last_content_index(units: Sequence[Unit], start: int) -> int:
    for index in range(len(units) - 1, start - 1, -1):
        if units[index].kind not in ("removed", "comments"):
            return index
    return -1


def _step(walk: _Walk, index: int, late: bool, last_content: int) -> None:
    unit = walk.units[index]
    kind, text, found = unit.kind, unit.plain, walk.found
    if walk.in_comments:
        found.remove(unit.numbers, _printed(unit), "comments", "body.comments")
        return
    if kind == "comments" and walk.entries and walk.on("body.comments"):
        walk.in_comments = True
        found.remove(unit.numbers, _printed(unit), "comments", unit.rule)
        return
    if kind in ("removed", "comments"):
        remove_boilerplate(found, unit)
        if late and unit.rule in _RELATED_HEADERS and walk.on("body.related-links"):
            walk.in_back = "links"
        return
    if kind == "promo" and late and walk.on("body.late-promo"):
        remove_boilerplate(found, unit)
        return
    if kind == "promo":
        kind = None
    if kind == "source":
        read_source(found, unit)
        walk.end_zone, walk.in_back = True, None
        return
    if kind == "rights":
        read_rights(found, unit)
        walk.end_zone, walk.in_back = True, None
        return
    if kind in ("disclaimer", "permission", "fair-use", "contact"):
        read_notices(found, unit)
        walk.end_zone = True
        return
    if kind == "keywords":
        read_keywords(found, unit)
        return
    if kind == "byline" and _closing(walk, index, late):
        return
    if kind == "byline" and _digest_byline(walk, index):
        return
    if kind == "date" and late and walk.on("body.closing-date"):
        found.add("date", unit.first.date, unit.numbers, "body.closing-date", strength=1)
        found.claim(unit.numbers, "dateline", "body.closing-date")
        walk.end_zone = True
        return
    if kind == "bio-label":
        if walk.pending_label is not None:  # a label over nothing: a note of its own
            walk.add_back("note", walk.pending_label, walk.pending_label.rule)
        name = unit.group("name")
        if name:
            found.add("weak-author", name, unit.numbers, unit.rule)
            walk.last_bio_name = name
        walk.pending_label = unit
        walk.in_back, walk.end_zone = "bio", True
        return
    if kind in ("caption", "translation", "credit"):
        walk.add_back("note", unit, unit.rule)
        return
    if kind in ("editor-note", "acknowledgement", "reference") and late:
        walk.add_back("note", unit, "body.late-note")
        walk.in_back = "note" if kind == "editor-note" else walk.in_back
        walk.end_zone = True
        return
    if kind == "notes-label" and late:
        walk.add_back("note" if unit.group("rest") else "links", unit, unit.rule)
        walk.in_back, walk.end_zone = "links", True
        return
    if kind == "url-line" and index == last_content and URL.fullmatch(text) and not walk.in_back \
            and not walk.end_zone and walk.on("body.source-url-last"):
        found.add("url", text, unit.numbers, "body.source-url-last", strength=1)
        found.add("source-url", text, unit.numbers, "body.source-url-last", strength=-1)
        walk.add_back("links", unit, "body.source-url-last")
        return
    if kind == "url-line" and (walk.end_zone or walk.in_back):
        walk.add_back("bio" if walk.in_back == "bio" else "links", unit, "body.links-list")
        return
    if kind == "separator" and late and index + 1 < len(walk.units) and walk.units[index + 1].kind == "editor-note":
        found.remove(unit.numbers, _printed(unit), "separator", "shape.separator")
        return
    if kind in ("site-name", "site-paren") and late:
        found.add("site", clean_site(unit.plain), unit.numbers, "site.domain-alone", strength=0)
        walk.add_back("note", unit, "site.domain-alone")
        return
    if kind == "name-line":
        kind = None  # a name alone inside the body is a subheading or a sign-off, read as content
    if kind is None and index == last_content and late and _closing_parenthetical(walk, unit):
        return
    if _bio(walk, index, unit, kind, late):
        return
    _content(walk, index, unit, kind, late)


def _content(walk: _Walk, index: int, unit: Unit, kind: str | None, late: bool) -> None:
    text = unit.plain
    if walk.in_back == "bio" and kind is None:
        _bio_section(walk, unit)
        return
    if walk.in_back in ("note", "links") and kind is None and (not walk.prose(text) or _headlines(unit)):
        walk.add_back(walk.in_back, unit, "body.links-list")
        return
    if walk.in_back == "note" and kind is None:
        walk.add_back("note", unit, "body.late-note")
        return
    if walk.end_zone and kind is None and not walk.prose(text) and walk.on("body.end-zone"):
        walk.add_back("note", unit, "body.end-zone")
        return
    if walk.header.roundup and kind is None and KICKER.match(text):
        walk.add_body("heading1", unit)
        return
    units = walk.units
    if walk.header.roundup and kind is None and title_like(text) and index + 1 < len(units) \
            and walk.prose(units[index + 1].plain) and index > 0 and KICKER.match(units[index - 1].plain):
        walk.add_body("heading2", unit)
        return
    walk.add_body(kind or "content", unit)


_WIRE_REPORTERS = re.compile(
    r"\((?:additional )?(?:reporting|writing|reported|written|text) by (?P<names>[^;)]{2,120})", re.I)


def _closing_parenthetical(walk: _Walk, unit: Unit) -> bool:
    """A last paragraph wholly in parentheses: an editorial note ("(Comentário no Jornal …)"), or a
    wire story's credits ("(Reporting by X and Y; Editing by Z)"), whose reporters are its authors."""
    text = unit.plain
    if not (text.startswith("(") and text.endswith(")")) or text.count("(") != text.count(")") \
            or not walk.on("body.closing-parenthetical") or not walk.entries:
        return False
    reporters = _WIRE_REPORTERS.match(text)
    if reporters:
        for name in split_names(reporters.group("names")):
            walk.found.add("weak-author", name, unit.numbers, "body.closing-parenthetical")
    walk.add_back("note", unit, "body.closing-parenthetical")
    walk.end_zone = True
    return True


def _headlines(unit: Unit) -> bool:
    """Several short lines without full stops: a list of linked headlines, however many words in all."""
    lines = [item.line.plain for item in unit.items]
    return len(lines) > 1 and all(len(line.split()) <= 16 and not line.endswith(".") for line in lines)


def _closing(walk: _Walk, index: int, late: bool) -> bool:
    """A credit after the body (a blog footer's "Posted by X at 9:50 AM", "By X Staff")."""
    unit = walk.units[index]
    credit = unit.first.credit
    if credit is None or not late or not walk.on("body.closing-credit"):
        return False
    if not walk.entries:
        return False  # a credit closes a body; above any body it is the header's
    add_credit(walk.found, unit, credit, rule="body.closing-credit", strength=2)
    walk.found.claim(unit.numbers, "byline", "body.closing-credit")
    walk.end_zone = True
    return True


def _digest_byline(walk: _Walk, index: int) -> bool:
    """A digest of pieces, each with its headline and byline, credits every author."""
    units, unit = walk.units, walk.units[index]
    if not (index > 0 and index + 1 < len(units) and title_like(units[index - 1].plain)
            and walk.prose(units[index + 1].plain) and walk.on("body.digest-byline")):
        return False
    credit = unit.first.credit
    if credit is None:
        return False
    add_credit(walk.found, unit, credit, rule="body.digest-byline")
    walk.found.claim(unit.numbers, "byline", "body.digest-byline")
    return True


def _bio(walk: _Walk, index: int, unit: Unit, kind: str | None, late: bool) -> bool:
    """A late paragraph opening with an author's name and "is a …"; a repeat of one is a duplicate."""
    text = unit.plain
    closing = index >= walk.last_content - 2 or walk.end_zone
    # Only a closing paragraph, one naming a byline's author, or a repeat of a bio can be one.
    if kind is not None or index <= walk.header.start or not (
            (late and closing) or walk.header.authors_found or walk.bio_firsts):
        return False
    bio = BIO_SENTENCE.match(text) if may_open_bio(text) else None
    if bio is None or not walk.on("body.bio"):
        return False
    if _first_sentence(text) in walk.bio_firsts:
        _duplicate(walk, unit)
        walk.in_back, walk.end_zone = "bio", True
        return True
    name = bio.group("name")
    if not ((late and closing) or _bylined(walk, name)):
        return False
    walk.found.add("weak-author", name, unit.numbers, "body.bio", strength=-1)
    org = (bio.group("org") or "").strip()
    if org and org.split()[0].lower() not in _ARTICLES:
        walk.found.add("site", org, unit.numbers, "body.bio", strength=1)  # "Hypebot Senior Contributor X"
    _add_bio(walk, unit, walk.pending_label, "body.bio")
    walk.pending_label = None
    walk.bios.append((name, text, unit.numbers))
    walk.bio_firsts.add(_first_sentence(text))
    walk.last_bio_name, walk.in_back, walk.end_zone = name, "bio", True
    return True


def _bio_section(walk: _Walk, unit: Unit) -> None:
    """A paragraph under "About the author": the bio, a repeat of it, or more about the author."""
    text = unit.plain
    label, walk.pending_label = walk.pending_label, None
    if _first_sentence(text) in walk.bio_firsts or (walk.bios and _mostly_seen(walk, text)):
        if label is not None:
            walk.found.remove(label.numbers, _printed(label), "duplicate", "body.duplicate")
        _duplicate(walk, unit)
    elif not walk.bios:
        walk.bios.append((walk.last_bio_name, text, unit.numbers))
        walk.bio_firsts.add(_first_sentence(text))
        _add_bio(walk, unit, label, "body.bio-continuation")
    else:
        if label is not None:
            walk.add_back("note", label, label.rule)
        walk.add_back("bio" if _BIO_CONTINUATION.match(text) else "note", unit, "body.bio-continuation")


def _duplicate(walk: _Walk, unit: Unit) -> None:
    """A second copy of a bio: removed, and what it adds to the first copy kept beside it."""
    walk.found.remove(unit.numbers, _printed(unit), "duplicate", "body.duplicate")
    added = _new_sentences(unit.raw, walk.back_shingles)
    if added:
        # What the second copy adds joins the first (its line stays owned by the removal).
        walk.back.append(BackEntry("bio", rewritten(unit, added), "body.duplicate", owns=False))


def _add_bio(walk: _Walk, unit: Unit, label: Unit | None, rule: str) -> None:
    """A new bio item, under its label ("About the author:") when one was printed."""
    if label is not None:
        walk.add_back("bio", label, label.rule, new_item=True)
        walk.add_back("bio", unit, rule)
    else:
        walk.add_back("bio", unit, rule, new_item=True)


def _bylined(walk: _Walk, name: str) -> bool:
    return name.lower() in (author.lower() for author in walk.header.authors_found)


def _first_sentence(value: str) -> str:
    return re.split(r"(?<=[.!?])\s", value.strip(), maxsplit=1)[0].lower()


def shingles(text: str) -> set[tuple[str, ...]]:
    """The three-word runs of ``text``, lower-cased, punctuation ignored."""
    words = NON_WORD.sub(" ", text).lower().split()
    return {tuple(words[i:i + _SHINGLE]) for i in range(len(words) - _SHINGLE + 1)}


def _mostly_seen(walk: _Walk, text: str) -> bool:
    """Most of ``text`` (by three-word runs) was printed in a bio already: the author box again.

    The bios' runs are collected as they are read, so each paragraph is compared once, against one set.
    """
    runs = shingles(text)
    return len(runs) >= 8 and len(runs & walk.back_shingles) > 0.5 * len(runs)


def _new_sentences(text: str, seen: set[tuple[str, ...]]) -> str:
    """The sentences of ``text`` that were not printed before (by their three-word runs)."""
    kept = []
    for sentence in re.split(r"(?<=[.!?:])\s+", text):
        runs = shingles(sentence)
        if runs and len(runs & seen) <= 0.5 * len(runs):
            kept.append(sentence)
    return " ".join(kept)


def _printed(unit: Unit) -> str:
    return "\n".join(item.line.raw for item in unit.items)


