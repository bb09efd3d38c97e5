"""Shapes of text the stages test for: URLs, emails, years, sentence ends. Not decisions (those are
rules, with ids); the vocabulary the rules and stages share.

Every pattern here runs in linear time: no quantified group holds a quantifier over the same
characters, and a pattern that could start anywhere in a run (an email) may only start at its
beginning, so no run is scanned twice.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_I = re.IGNORECASE


def holds_any(text: str, needles: Sequence[str]) -> bool:
    """True when ``text`` holds one of ``needles`` (strings, or the characters of one string)."""
    # A loop, not any() over a generator: it runs for most lines and paragraphs.
    for needle in needles:  # noqa: SIM110
        if needle in text:
            return True
    return False


URL = re.compile(r"https?://[^\s<>()\[\]]+[^\s<>()\[\].,;:!?'\"”’]")
# An email starts where its run of address characters starts (the lookbehind), so "a.a.a.…" is
# read once, not once from every position.
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]++@[\w-]+(?:\.[\w-]+)+\b")
BARE_DOMAIN = re.compile(r"^(?:www\.)?[\w-]+(?:\.[\w-]+)+(?:/\S*)?$", _I)
# A numbered link alone on its line, as in a list of notes: "[3] http://…"
NUMBERED_LINK = re.compile(r"\[\d+\]\s*\S+")
# A rule drawn with dashes, stars or tildes ("-----", "* * *", "+++"), or a lone dash standing for a bullet
SEPARATOR = re.compile(r"[-—–_*=~+ ]{2,}|-|—-")
SENTENCE_END = re.compile(r"[.!?:;…\"”’)\]]$")
SENTENCE_SPLIT = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[A-Z\"“(])")
# A year 1900–2099 as a whole word: r"\b(?:19|20)\d{2}\b", written to open with its digits (the
# word boundary before them is the lookbehind) so that the engine skips to the next "1" or "2".
YEAR = re.compile(r"(?:19|20)(?<!\w..)\d{2}\b")
# A section kicker printed alone in capitals: "TRANSPORTATION", "FOOD SAFETY"
KICKER = re.compile(r"^[A-Z][A-Z&' -]{2,30}$")
# Headline-ese drops articles and attribution verbs; a sentence with them is prose, not a headline.
PROSE_WORDS = re.compile(
    r"\b(?:the|a|an|said|says|told|was|were|el|la|los|las|fue|dijo|der|die|das|ist|war|os|foi)\b", _I)
LIST_ITEM = re.compile(r"^(?:[-*•]|\d+[.)])\s+")
"""A list item's marker: "- ", "* ", "• ", "1. ", "2) "."""
NUMBERED = re.compile(r"\d+[.)]\s")
LATIN_WORD = re.compile(r"[A-Za-zÀ-ɏ][\w'’-]*")
NON_WORD = re.compile(r"\W+")
TIME = re.compile(r"\b\d{1,2}(?:[:.h]\d{2})(?:[:.]\d{2})?\s*(?:[ap]\.?m\.?)?(?![\w:])|\b\d{1,2}\s*[ap]\.?m\.?(?!\w)", _I)
"""A clock time: "9:05am", "3:39PM", "10:07", "7h30", "9 p.m."."""
