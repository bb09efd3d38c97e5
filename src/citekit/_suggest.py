"""Suggestions ("did you mean …?") for names a user typed: formats, option keys, document fields."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def close_names(word: str, choices: Iterable[str], *, limit: int = 2) -> list[str]:
    """The choices ``word`` most likely meant: a case-insensitive match first, then close spellings."""
    options = list(dict.fromkeys(choices))
    folded = word.casefold()
    same_case = [c for c in options if c.casefold() == folded]
    if same_case:
        return same_case[:limit]
    by_fold = {c.casefold(): c for c in options}
    return [by_fold[m] for m in difflib.get_close_matches(folded, list(by_fold), n=limit, cutoff=0.75)]


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """``"; did you mean 'jats'?"`` or ``""`` when nothing is close."""
    close = close_names(word, choices)
    if not close:
        return ""
    return "; did you mean " + " or ".join(repr(c) for c in close) + "?"
