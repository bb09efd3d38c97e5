"""Hostile text for the normaliser: no regex backtracks, no stage grows faster than its input.

Every pattern the normaliser runs is checked two ways: statically, by regexploit (nested and
adjacent quantifiers that can backtrack exponentially or polynomially), and dynamically, against
strings built to make it backtrack (a row's own literals and characters pumped to tens of thousands
of characters, with a character at the end that makes the match fail). A linear search of such a
string takes milliseconds; a quadratic one takes seconds. The whole normaliser is then run on crafted
articles (the cases the hostile-input report found, and more of each kind) under a hard time limit.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import pytest

from citekit.normalise import credits, dates, inlines, normalise_text
from citekit.normalise.tables import ALL_RULES, endmatter, header, shapes

_LIMIT = 2.0
"""Seconds one search of a ~40,000-character attack string may take: a linear one takes milliseconds
(a little more on a busy machine), a quadratic one tens of seconds."""
_SIZE = 40_000


def _patterns() -> Iterator[tuple[str, re.Pattern[str]]]:
    for rule in ALL_RULES:
        if rule.pattern is not None:
            yield rule.id, rule.pattern
    for module in (shapes, credits, dates, inlines, endmatter, header):
        for name, value in vars(module).items():
            if isinstance(value, re.Pattern):
                yield f"{module.__name__.rsplit('.', 1)[-1]}.{name}", value
    token = inlines._token_pattern(frozenset(inlines._MARKUP_HINTS))
    yield "inlines.token", token


PATTERNS = dict(_patterns())


def _attacks(pattern: re.Pattern[str]) -> Iterator[str]:
    """Strings that make a backtracking pattern work hard: its literals and characters pumped."""
    pieces = set(re.findall(r"[A-Za-z]{2,}|[^\\\w\s()[\]{}?*+|^$.]", pattern.pattern))
    pieces |= {"a.", "Ab-", "ab ", "A ", "Centre of ", "views expressed ", "a@", "http://", "*a ", "_a ", "`a",
               "[a](", "1, ", "By ", "2017 ", "— Ab ", "/ Ab ", " ", "\t"}
    for piece in sorted(pieces):
        reps = max(1, _SIZE // max(1, len(piece)))
        yield piece * reps + "!"
        yield piece.capitalize() * reps + "§"
        yield "x " + (piece + " ") * (reps // 2) + "?"


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_no_pattern_backtracks_on_pumped_input(name: str) -> None:
    pattern = PATTERNS[name]
    for attack in _attacks(pattern):
        start = time.perf_counter()
        pattern.search(attack)
        list(pattern.finditer(attack[:_SIZE // 4]))
        elapsed = time.perf_counter() - start
        assert elapsed < _LIMIT, f"{name}: {elapsed:.2f} s on {attack[:40]!r}… ({len(attack)} characters)"


def test_no_pattern_has_a_backtracking_shape() -> None:
    """regexploit's static analysis finds no pattern with exponential or cubic backtracking."""
    from regexploit.ast.sre import SreOpParser
    from regexploit.redos import find

    found = []
    for name, pattern in PATTERNS.items():
        try:
            parsed = SreOpParser().parse_sre(pattern.pattern, pattern.flags)
        except Exception:
            continue
        found += [(name, redos.starriness) for redos in find(parsed) if redos.starriness > 2]
    assert not found, found


# --------------------------------------------------------------------------------------------
# Whole articles, under a hard limit

_PROSE = ("The council met on Tuesday and agreed a budget that raises spending on schools, roads and libraries "
          "by a tenth, after a debate that lasted well into the evening. ")


def _crafted() -> Iterator[tuple[str, str]]:
    pumped = "Ab-" * 12 + "ab / " + "Cd-" * 12 + "cd!"
    yield "trailing slash credit", f"Title\n\n{_PROSE * 3}\n\n{_PROSE} here. {pumped}"
    yield "email run", f"Title\n\n{_PROSE}\n\n" + "a." * 50_000 + "@"
    yield "email run in a line", "Title\n\n" + ("a.a.a.a.a.a.a.a. " * 5_000) + "@example"
    yield "views expressed", "Disclaimer: " + "the views expressed by the " * 5_000
    yield "centre of", "Disclaimer: The Centre of " + "Centre of " * 10_000 + "will not be responsible"
    yield "urls", f"Title\n\n{_PROSE}\n\n" + "http://" * 20_000 + "."
    yield "emphasis", f"Title\n\n{_PROSE}\n\n" + "*a " * 30_000
    yield "underscores", f"Title\n\n{_PROSE}\n\n" + "_a b " * 30_000
    yield "links", f"Title\n\n{_PROSE}\n\n" + "[a](" * 30_000
    yield "early bio before prose", "Title\n\nJane Roe lives in Chicago and writes.\n\n" + (_PROSE + "\n\n") * 4_000
    yield "many bylines", ("By Jane Roe\n" * 20_000)
    yield "many dates", ("January 29, 2017\n" * 20_000)
    yield "many short lines", ("Short line\n" * 40_000)
    yield "one long line", _PROSE * 8_000
    yield "copyright run", "Copyright © " * 20_000
    yield "dashes", f"{_PROSE}" + " — Ab" * 30_000
    yield "comments", f"Title\n\n{_PROSE}\n\n12 Comments\n\n" + "Great post!\n\n" * 20_000


@pytest.mark.parametrize("name, text", list(_crafted()), ids=[name for name, _ in _crafted()])
def test_crafted_articles_normalise_in_bounded_time(name: str, text: str) -> None:
    start = time.perf_counter()
    normalise_text(text)
    assert time.perf_counter() - start < 20, name
