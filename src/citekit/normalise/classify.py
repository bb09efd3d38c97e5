"""Stage 2: lines → classified lines. Each line gets the kind of the first row that matches it
(boilerplate, caption, source, byline, rights, notice, …) or none (plain content).

Rows are tried in :data:`~citekit.normalise.tables.LINE_ROWS` order, only those the prefilter lets the
line reach; bylines and date lines are read by :mod:`citekit.normalise.credits`. What a match found
is kept as plain values (named groups, a credit), never as ``re.Match`` objects.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import NamedTuple

from citekit.normalise import credits as C
from citekit.normalise.lines import Line
from citekit.normalise.options import NormaliseOptions
from citekit.normalise.prefilter import FOLD_EXCEPTIONS, build
from citekit.normalise.rules import Rule
from citekit.normalise.tables import LINE_ROWS, LONG_BACK_ROWS, SHAPE_ROWS, SHORT_BACK_ROWS
from citekit.normalise.tables.endmatter import BACK_MATTER
from citekit.normalise.tables.shapes import BARE_DOMAIN, NUMBERED_LINK, SEPARATOR, URL, YEAR, holds_any

_SOURCE_MAX = 400
"""A source line is at most this long: longer lines are prose that mentions a source."""
_RIGHTS_MAX = 1500
"""A rights line or notice is at most this long: a longer line is a body (a one-line text) whose
closing copyright credit the peel stage cuts off."""
_RIGHTS_KINDS = frozenset({"rights", "disclaimer", "permission", "fair-use", "contact"})
_NOTES_LABEL_MAX_WORDS = 8
_CREDIT_MAX_WORDS = 16
"""A byline or date line, with its label, names, outlet, date, time and zone, is at most this long."""
_NAME_LINE_MAX = 40
_CITATION = next(rule for rule in BACK_MATTER if rule.id == "back.citation-marks")
_REFERENCE = next(rule for rule in BACK_MATTER if rule.id == "back.reference-line")
_SHORT_ONLY = frozenset(rule.id for rule in SHORT_BACK_ROWS) - frozenset(rule.id for rule in LONG_BACK_ROWS)
_SEPARATOR_OPENINGS = "-—–_*=~+ "
_WEBSITE = re.compile(r"\bweb\s*site\b|sitio web", re.IGNORECASE)
_CREDIT_OPENINGS = ("by", "por", "von", "par", "di ", "door", "av ", "posted", "submitted", "written", "published",
                    "article", "story", "text", "column", "author", "autor", "escrito", "publicado", "geschrieben",
                    "reportagem", "texto", "guest", "writer", "contributor", "edited", "reported", "compiled")


class Classified(NamedTuple):
    """A line and what it was found to be."""

    line: Line
    kind: str | None
    """None for plain content."""
    rule: str = ""
    """The id of the rule that decided the kind."""
    groups: tuple[tuple[str, str], ...] = ()
    """The named groups the row captured, as printed."""
    credit: C.Credit | None = None
    """What a byline states."""
    date: str | None = None
    """The ISO date of a date line (None for "16 mins ago")."""

    def group(self, name: str) -> str | None:
        """The text a named group captured, or None."""
        for key, value in self.groups:
            if key == name:
                return value
        return None


@lru_cache(maxsize=32)
def _enabled_rows(disabled: frozenset[str]) -> tuple[Rule, ...]:
    return tuple(rule for rule in LINE_ROWS if rule.id not in disabled)


@lru_cache(maxsize=32)
def _row_sets(rows: tuple[Rule, ...]) -> tuple[frozenset[str], tuple[Rule, ...]]:
    """Every row's id, and the rows with literals (the prefilter's)."""
    return frozenset(rule.id for rule in rows), tuple(rule for rule in rows if rule.literals is not None)


def classify(lines: Sequence[Line | None], options: NormaliseOptions) -> tuple[Classified | None, ...]:
    """Every line's kind; None stays None (blank lines)."""
    rows = _enabled_rows(options.disabled)
    every, with_literals = _row_sets(rows)
    present = [line for line in lines if line is not None]
    if options.prefilters:
        lowered = [line.lowered for line in present]
        candidates = build(with_literals).candidates(lowered)
        # A case-insensitive regex matches "ſ" to "s"; lower() does not: such a line reaches every row.
        if holds_any("".join(lowered), FOLD_EXCEPTIONS):
            candidates = [every if holds_any(line.plain, FOLD_EXCEPTIONS) else allowed
                          for line, allowed in zip(present, candidates, strict=True)]
    else:
        candidates = [every] * len(present)
    found = {line.number: classify_line(line, rows, allowed, options)
             for line, allowed in zip(present, candidates, strict=True)}
    _split_dates(lines, found, options)
    return tuple([None if line is None else found[line.number] for line in lines])


def classify_line(line: Line, rows: tuple[Rule, ...], allowed: frozenset[str], options: NormaliseOptions) -> Classified:
    """The kind of one line, given the rows it may match."""
    raw, plain = line.raw, line.plain
    if raw.startswith(("# ", "## ", "### ")):
        return Classified(line, "md-heading", "header.markdown-heading")
    if raw.startswith("> "):
        inner = plain.lstrip("> ").strip()
        # The prefilter saw the line with its marker: the quoted text may hold a row's opening.
        every = frozenset(rule.id for rule in rows)
        quoted = _first_row(Line(line.number, inner, inner, inner.lower()), rows, every, kinds=("source",))
        if quoted is not None:
            return Classified(line, quoted.kind, quoted.rule, quoted.groups)
        return Classified(line, "md-quote", "markdown.quote")
    short = len(plain) <= options.short_line
    if allowed:
        match = _first_row(line, rows, allowed, short=short)
        if match is not None:
            return match
    if not short:
        return Classified(line, None)
    return _short_shapes(line, rows, allowed, options)


def _first_row(line: Line, rows: tuple[Rule, ...], allowed: frozenset[str], *, short: bool = True,
               kinds: tuple[str, ...] = ()) -> Classified | None:
    """The first row (of ``kinds``, if given) that ``line`` matches, in table order."""
    plain = line.plain
    for rule in _in_order(rows, allowed):
        if kinds and rule.kind not in kinds:
            continue
        if not short and rule.id in _SHORT_ONLY:
            continue
        if rule.kind == "source" and len(plain) > _SOURCE_MAX:
            continue
        if rule.kind in _RIGHTS_KINDS and len(plain) > _RIGHTS_MAX:
            continue
        if rule is _CITATION and len(_CITATION.pattern.findall(plain)) < 2:  # type: ignore[union-attr]
            continue  # one citation mark is prose; two make a reference
        if rule.id in _SHAPE_ROW_IDS:
            continue  # tried after the credits, on short lines only
        pattern = rule.pattern
        assert pattern is not None
        match = pattern.search(plain)
        if match is None:
            continue
        if rule.kind == "byline":
            credit = _written_by(match.groupdict())
            if credit is None:
                continue
            return Classified(line, "byline", rule.id, _groups(match.groupdict()), credit=credit)
        return Classified(line, rule.kind, rule.id, _groups(match.groupdict()))
    return None


_SHAPE_ROW_IDS = frozenset(rule.id for rule in SHAPE_ROWS)


def _shape_rows(rows: tuple[Rule, ...], allowed: frozenset[str], tiny: bool) -> tuple[Rule, ...]:
    """The shape rows (enabled, in order) a short line may match: those its prefilter allows, and
    for a tiny line the rows that need no literal (initials signing off)."""
    key = (id(rows), allowed, tiny)
    found = _SHAPES.get(key)
    if found is None:
        if len(_SHAPES) > 4096:
            _SHAPES.clear()
        enabled = {rule.id for rule in rows}
        found = _SHAPES[key] = tuple(rule for rule in SHAPE_ROWS if rule.id in enabled
                                     and (rule.id in allowed or (tiny and rule.literals is None)))
    return found


_SHAPES: dict[tuple[int, frozenset[str], bool], tuple[Rule, ...]] = {}
_SIGN_OFF_MAX = 12
"""Initials signing off a news item ("(ae/ml)") are this short at most."""


def _in_order(rows: tuple[Rule, ...], allowed: frozenset[str]) -> tuple[Rule, ...]:
    """The rows among ``allowed`` that ``_first_row`` tries, in table order (few, for most lines)."""
    key = (id(rows), allowed)
    found = _ORDERED.get(key)
    if found is None:
        if len(_ORDERED) > 4096:
            _ORDERED.clear()
        found = _ORDERED[key] = tuple(rule for rule in rows if rule.id in allowed and rule.id not in _SHAPE_ROW_IDS)
    return found


_ORDERED: dict[tuple[int, frozenset[str]], tuple[Rule, ...]] = {}
"""Memo of ``_in_order`` (the row tuples are the cached, long-lived ones of ``_enabled_rows``)."""


def _groups(values: dict[str, str | None]) -> tuple[tuple[str, str], ...]:
    return tuple((key, value) for key, value in values.items() if value is not None)


def _written_by(groups: dict[str, str | None]) -> C.Credit | None:
    names, site = C.split_names_and_outlet(groups.get("names") or "")
    if not names:
        return None
    return C.Credit(names=names, site=groups.get("site") or site, date=None, printed_date=None, weak=False)


def _short_shapes(line: Line, rows: tuple[Rule, ...], allowed: frozenset[str], options: NormaliseOptions) -> Classified:
    """Shapes of short lines: credits, date lines, notes labels, URLs, separators, site lines, names."""
    plain, lowered = line.plain, line.lowered
    if (lowered.startswith(_CREDIT_OPENINGS) or "ago" in lowered or "hace" in lowered
            or (("19" in plain or "20" in plain) and YEAR.search(plain) is not None)) \
            and len(plain.split(maxsplit=_CREDIT_MAX_WORDS)) <= _CREDIT_MAX_WORDS:
        found = _credit_line(line, options)
        if found is not None:
            return found
    tiny = len(plain) <= _SIGN_OFF_MAX
    for rule in _shape_rows(rows, allowed, tiny) if allowed or tiny else ():
        if rule.id == "back.notes-label" and len(plain.split(maxsplit=_NOTES_LABEL_MAX_WORDS)) > _NOTES_LABEL_MAX_WORDS:
            continue
        assert rule.pattern is not None
        match = rule.pattern.search(plain)
        if match is None:
            continue
        if rule.id == "site.from-website" and not _WEBSITE.search(plain):
            continue
        return Classified(line, rule.kind, rule.id, _groups(match.groupdict()))
    if (" " not in plain or plain.startswith("[")) and (
            NUMBERED_LINK.fullmatch(plain) or URL.fullmatch(plain) or (BARE_DOMAIN.match(plain) and "." in plain)):
        return Classified(line, "url-line", "shape.url-line")
    if plain != "-" and plain[:1] in _SEPARATOR_OPENINGS and SEPARATOR.fullmatch(plain):
        return Classified(line, "separator", "shape.separator")
    if plain == "-":
        return Classified(line, "bullet", "shape.bullet")
    if len(plain) <= _NAME_LINE_MAX and options.enabled("header.bare-name-byline") and C.person_name(plain):
        return Classified(line, "name-line", "header.bare-name-byline")
    return Classified(line, None)


def _credit_line(line: Line, options: NormaliseOptions) -> Classified | None:
    """A byline, a date line, or an outlet with a date, as :mod:`credits` reads them."""
    plain = line.plain
    sentence = plain.endswith((".", "!", "?")) and not plain.endswith(("a.m.", "p.m."))
    # Credits do not end sentences; a short labelled one ("Posted by X.") may.
    if sentence and not (C.BY_LABEL.match(plain) and len(plain.split()) <= 8):
        return None
    digits = any(ch in plain for ch in "0123456789")
    if digits and (options.enabled("date.line") or options.enabled("date.relative")):
        dated = C.date_line(plain)
        if dated is not None:
            iso, _ = dated
            rule = "date.line" if iso else "date.relative"
            if options.enabled(rule):
                return Classified(line, "date", rule, date=iso)
    credit = C.read_credit(plain)
    if credit is not None:
        rule = _credit_rule(plain, credit)
        if options.enabled(rule):
            return Classified(line, "byline", rule, credit=credit, date=credit.date)
    if digits and options.enabled("site.outlet-and-date"):
        outlet = C.outlet_and_date(plain)
        if outlet is not None:
            site, iso, printed = outlet
            return Classified(line, "site-and-date", "site.outlet-and-date", (("site", site), ("date", printed)),
                              date=iso)
    return None


def _credit_rule(plain: str, credit: C.Credit) -> str:
    if not credit.names:
        return "byline.staff"
    if not credit.labelled:
        return "byline.name-on-date"
    return "byline.posted-by" if credit.weak else "byline.labelled"


def _split_dates(lines: Sequence[Line | None], found: dict[int, Classified], options: NormaliseOptions) -> None:
    """A date printed one part a line at the top ("24" / "Jul" / "2012" / "9:05am, EDT") is one date
    line: the parts in ``found`` (this stage's own working dict) are reclassified."""
    if not options.enabled("date.split-over-lines"):
        return
    head = [line for line in lines[:12] if line is not None][:6]
    for size in range(min(5, len(head)), 1, -1):
        parts = head[:size]
        if any(len(part.plain) > 14 or found[part.number].kind not in (None, "date") for part in parts):
            continue
        if [part.number for part in parts] != list(range(parts[0].number, parts[0].number + size)):
            continue
        joined = " ".join(part.plain for part in parts)
        dated = C.date_line(joined)
        if dated is not None and dated[0] is not None:
            for part in parts:
                found[part.number] = Classified(part, "date", "date.split-over-lines", date=dated[0])
            return


__all__ = ["Classified", "classify", "classify_line"]
