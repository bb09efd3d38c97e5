"""Stage 7: text printed twice keeps one copy; the other goes to ``removed[]`` as a duplicate.

Scrapers print a bio twice, a list both run together and item by item, a teaser again as the first
paragraph. A paragraph of five words or more that repeats one printed before (in body or back
matter) is dropped; a line that repeats the next few lines run together is dropped. Words are runs
of letters and digits, so "0:0:0:0:0:0" is six words, as the invariant counts them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from citekit.normalise.body import BodyEntry
from citekit.normalise.endmatter import BackEntry
from citekit.normalise.findings import Removal
from citekit.normalise.options import NormaliseOptions

_MIN_WORDS = 5
_WORD = re.compile(r"[^\W_]+")
_LOOKAHEAD = 12
"""A line run together from at most this many following lines."""


@dataclass(frozen=True, slots=True)
class Deduplicated:
    entries: tuple[BodyEntry, ...]
    back: tuple[BackEntry, ...]
    removals: tuple[Removal, ...]


_WORDS_UP_TO = 200
"""Short paragraphs are compared by their words alone ("0:0:0:0:0:0" is "0 0 0 0 0 0"); longer ones,
which scrapers repeat as printed, by their text (reading every paragraph word by word would be the
dearest step of the normaliser)."""


def key(lowered: str) -> str:
    """A paragraph's identity: lower-case text with whitespace runs as one space; for a short
    paragraph, its words (letters and digits) alone."""
    if len(lowered) <= _WORDS_UP_TO and lowered.count(" ") < _MIN_WORDS - 1:
        return " ".join(_WORD.findall(lowered))  # "0:0:0:0:0:0": words the spaces do not show
    if "  " not in lowered and lowered.isprintable():  # most paragraphs: single spaces already
        return lowered
    return " ".join(lowered.split())


def deduplicate(entries: Sequence[BodyEntry], back: Sequence[BackEntry], options: NormaliseOptions) -> Deduplicated:
    if not options.enabled("body.duplicate"):
        return Deduplicated(tuple(entries), tuple(back), ())
    keys = [key(entry.unit.lowered) for entry in entries]
    back_keys = [key(entry.unit.lowered) for entry in back]
    back_first: dict[str, int] = {}
    for entry, entry_key in zip(back, back_keys, strict=True):
        back_first.setdefault(entry_key, entry.unit.numbers[0])
    firsts = [entry.unit.numbers[0] for entry in entries]
    duplicate: set[int] = set()
    body_seen: set[str] = set()
    for position in sorted(range(len(entries)), key=firsts.__getitem__):
        entry_key = keys[position]
        if entry_key.count(" ") < _MIN_WORDS - 1:
            continue
        earlier_back = entry_key in back_first and back_first[entry_key] < firsts[position]
        if entry_key in body_seen or earlier_back or _joins_following(entry_key, keys, position):
            duplicate.add(position)
        body_seen.add(entry_key)
    removals = [_removal(entries[position]) for position in sorted(duplicate)]
    kept_back: list[BackEntry] = []
    for entry, entry_key in zip(back, back_keys, strict=True):
        repeated = back_first.get(entry_key) != entry.unit.numbers[0]
        if entry_key.count(" ") >= _MIN_WORDS - 1 and (entry_key in body_seen or repeated) \
                and entry.rule != "body.duplicate":
            removals.append(_removal(entry))
        else:
            kept_back.append(entry)
    kept = tuple(entry for position, entry in enumerate(entries) if position not in duplicate)
    return Deduplicated(kept, tuple(kept_back), tuple(removals))


def _removal(entry: BodyEntry | BackEntry) -> Removal:
    unit = entry.unit
    return Removal(unit.numbers, "\n".join(item.line.raw for item in unit.items), "duplicate", "body.duplicate")


def _joins_following(entry_key: str, keys: list[str], position: int) -> bool:
    """A line that repeats the next few lines run together (scrapers print both forms)."""
    if position + 1 >= len(keys) or not entry_key.startswith(keys[position + 1]):
        return False
    joined = ""
    for part in keys[position + 1: position + 1 + _LOOKAHEAD]:
        joined = f"{joined} {part}".strip()
        if joined == entry_key:
            return True
        if not entry_key.startswith(joined):
            return False
    return False
