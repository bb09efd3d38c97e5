"""Rules as data: every decision the normaliser can make has a :class:`Rule` with a unique id.

A rule is either a pattern row of a table (``pattern`` set: it decides what kind of line a line is)
or a structural decision of a stage (``pattern`` None: "the first headline-like line is the title").
Each records the corpus outlets it was derived from (``origins``), so that the leave-one-outlet-out
benchmark can switch off what a held-out outlet taught us, and every rule can be switched off by
:class:`~citekit.normalise.options.NormaliseOptions` (``disabled``).

The prefilter of a row is derived from its regex, not kept beside it: :func:`required_literals`
reads the parsed pattern and returns strings of which every match must contain one (and, for a row
anchored at the start, how far into the line each may begin). One Aho-Corasick pass over the article
finds them all; a line reaches only the rows whose literals it holds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

try:  # Python 3.11+: the parser lives in re._parser; sre_parse is its deprecated alias.
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_parse

_I = re.IGNORECASE

GENRE = frozenset({"genre"})
"""Origins of a rule that is a general convention of news and blog pages, written from many outlets."""


@dataclass(frozen=True, slots=True)
class Literal:
    """A string every match of a row contains (in case-folded text), and the last column where it can begin."""

    text: str
    """Lower-cased (what the prefilter compares with a lower-cased line)."""
    max_start: int | None
    """None when the string may stand anywhere in the line."""


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class Rule:
    """One decision of the normaliser, named for provenance, tests and the options. Rules compare
    (and hash) by identity: there is one object per id."""

    id: str
    """Unique, dotted: ``table.name`` ("boilerplate.social-prompt.follow-us", "header.first-headline")."""
    kind: str
    """What a match makes of a line ("removed", "byline", "source", …) or which stage decides."""
    note: str
    """Why the rule is true of the genre, with an example as printed."""
    origins: frozenset[str] = GENRE
    """Corpus outlets the rule was derived from; ``{"genre"}`` for conventions seen everywhere."""
    pattern: re.Pattern[str] | None = None
    """The row's regex (matched against a line's plain text), or None for a structural rule."""
    groups: tuple[str, ...] = ()
    """The named groups the stages read; checked against the pattern."""
    reason: str = ""
    """For removals: the reason recorded in ``removed[]`` (``social-prompt``); defaults to the kind."""
    literals: tuple[Literal, ...] | None = field(default=None, compare=False)
    """Derived: strings one of which every match holds, or None when the row needs none."""

    def __post_init__(self) -> None:
        if self.pattern is not None:
            declared, found = set(self.groups), set(self.pattern.groupindex)
            if declared != found:
                raise ValueError(f"rule {self.id}: groups {sorted(declared)} declared, {sorted(found)} in the pattern")
            object.__setattr__(self, "literals", required_literals(self.pattern))

    @property
    def label(self) -> str:
        """What provenance and ``removed[].reason`` print."""
        return self.reason or self.kind


def row(rule_id: str, kind: str, pattern: str, note: str, *, origins: frozenset[str] | set[str] = GENRE,
        flags: int = _I, reason: str = "") -> Rule:
    """A table row: its regex compiled (case-insensitive unless ``flags`` says otherwise), groups declared."""
    compiled = re.compile(pattern, flags)
    return Rule(id=rule_id, kind=kind, note=note, origins=frozenset(origins), pattern=compiled,
                groups=tuple(compiled.groupindex), reason=reason)


def structural(rule_id: str, kind: str, note: str, *, origins: frozenset[str] | set[str] = GENRE) -> Rule:
    """A decision a stage makes from the shape of the text, not from one row's regex."""
    return Rule(id=rule_id, kind=kind, note=note, origins=frozenset(origins))


# --------------------------------------------------------------------------------------------
# Literals every match must contain, read off the parsed regex.

_MIN_LITERAL = 2
"""Shorter strings are too common to spare a line anything (one character will do if it is not ASCII: ©)."""
_MAXREPEAT = sre_parse.MAXREPEAT
_Alts = tuple[tuple[str, int | None], ...]  # (text, max_start within the node) alternatives
_Item = tuple[Any, Any]
"""One item of a parsed pattern (opcode, argument): the parser is untyped."""


def required_literals(pattern: re.Pattern[str]) -> tuple[Literal, ...] | None:
    """Strings one of which every match of ``pattern`` contains, or None when no such set is known.

    Read off the parse tree: a run of literal characters is such a string; an alternation needs one
    of its branches' strings; a repeat at least once needs its body's. For a pattern anchored with
    ``^``, each string also gets the last column where it may begin (the widest match of what comes
    before it), so that "read more" is looked for at the start of a line, not in every paragraph.
    """
    parsed = sre_parse.parse(pattern.pattern, pattern.flags)
    anchored = bool(parsed.data) and parsed.data[0][0] is sre_parse.AT and \
        parsed.data[0][1] is sre_parse.AT_BEGINNING
    found = _sequence(list(parsed.data), anchored)
    if found is None:
        return None
    return tuple(dict.fromkeys(Literal(text, start if anchored else None) for text, start in found))


def _sequence(items: list[_Item], anchored: bool) -> _Alts | None:
    """The best required set of a sequence of parse items, with offsets from its start."""
    best: _Alts | None = None
    offset: int | None = 0  # the widest the items so far can be; None once unbounded
    run, run_start = "", 0
    for op, av in [*items, (None, None)]:
        if op is sre_parse.LITERAL:
            if not run:
                run_start = offset if offset is not None else -1
            run += chr(av).lower()
            offset = None if offset is None else offset + 1
            continue
        start = None if run_start < 0 else run_start
        if run:
            best = _better(best, ((run, start),), anchored)
            # The parser factors out a common prefix ("s(?:ubscribe|ign up)"): join it back.
            leads = _leading(op, av) if op is not None else None
            if leads:
                best = _better(best, tuple((run + lead, start) for lead in leads), anchored)
            run = ""
        if op is None:
            break
        inner = _node(op, av, anchored)
        if inner is not None:
            best = _better(best, tuple((text, None if offset is None or at is None else offset + at)
                                       for text, at in inner), anchored)
        width = _width(op, av)
        offset = None if offset is None or width is None else offset + width
    return best


_MAX_ALTERNATIVES = 32


def _leading(op: Any, av: Any) -> tuple[str, ...] | None:
    """The literal text every match of one parse item begins with, per alternative, or None."""
    if op is sre_parse.LITERAL:
        return (chr(av).lower(),)
    if op is sre_parse.SUBPATTERN:
        return _leading_sequence(list(av[-1].data))
    if op is sre_parse.BRANCH:
        leads: list[str] = []
        for branch in av[1]:
            found = _leading_sequence(list(branch.data))
            if not found:
                return None
            leads.extend(found)
        return tuple(leads) if len(leads) <= _MAX_ALTERNATIVES else None
    if op is sre_parse.IN and len(av) <= 8 and all(kind is sre_parse.LITERAL for kind, _ in av):
        return tuple(chr(code).lower() for _, code in av)
    return None


def _leading_sequence(items: list[_Item]) -> tuple[str, ...] | None:
    run = ""
    for index, (op, av) in enumerate(items):
        if op is sre_parse.LITERAL:
            run += chr(av).lower()
            continue
        leads = _leading(op, av)
        if leads is None:
            return (run,) if run else None
        rest = _leading_sequence(items[index + 1:]) if all(_width(op, av) == len(lead) for lead in leads) else None
        joined = [run + lead + tail for lead in leads for tail in (rest or ("",))]
        return tuple(joined) if len(joined) <= _MAX_ALTERNATIVES else tuple(run + lead for lead in leads)
    return (run,) if run else None


def _node(op: Any, av: Any, anchored: bool) -> _Alts | None:
    if op is sre_parse.SUBPATTERN:
        return _sequence(list(av[-1].data), anchored)
    if op is sre_parse.BRANCH:
        alternatives: list[tuple[str, int | None]] = []
        for branch in av[1]:
            found = _sequence(list(branch.data), anchored)
            if found is None:
                return None
            alternatives.extend(found)
        return tuple(alternatives)
    if op in (sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT, getattr(sre_parse, "POSSESSIVE_REPEAT", None)):
        low, _, body = av
        return _sequence(list(body.data), anchored) if low >= 1 else None
    if op is sre_parse.IN and len(av) <= 8 and all(kind is sre_parse.LITERAL for kind, _ in av):
        return tuple((chr(code).lower(), 0) for _, code in av)  # "[×✕✖]": one of these
    if op is getattr(sre_parse, "ATOMIC_GROUP", None):
        return _sequence(list(av.data), anchored)
    return None


def _width(op: Any, av: Any) -> int | None:
    """The widest text one parse item can match, or None when unbounded."""
    _, widest = sre_parse.SubPattern(sre_parse.State(), [(op, av)]).getwidth()
    return None if widest >= _MAXREPEAT else widest


def _better(current: _Alts | None, candidate: _Alts, anchored: bool) -> _Alts | None:
    """The more selective of two required sets, by its least selective string (a string that must
    open the line counts two characters more), then by fewer strings."""
    if not all(_selective(text, start if anchored else None) for text, start in candidate):
        return current
    if current is None:
        return candidate

    def score(alts: _Alts) -> tuple[int, int]:
        return (min(_weight(text) + (2 if anchored and start == 0 else 0) for text, start in alts), -len(alts))

    return candidate if score(candidate) > score(current) else current


_RARE = frozenset(";@#|»«©®™[(×✕✖")
"""Characters rare enough in prose that one of them alone is worth looking for."""


def _selective(text: str, start: int | None) -> bool:
    """Worth a prefilter: two characters or more, or one that prose seldom holds, or any one
    character that must open the line ("(" of "(Source: X)")."""
    return len(text) >= _MIN_LITERAL or not text.isascii() or text in _RARE or start == 0


def _weight(text: str) -> int:
    """How selective a string is, as a length: a rare character counts as three."""
    return 3 if len(text) == 1 and (text in _RARE or not text.isascii()) else len(text)
