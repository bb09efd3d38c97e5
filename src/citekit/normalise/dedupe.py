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


def key(text: str) -> str:
    """A paragraph's identity: its words (letters and digits), lower-cased, single-spaced.
    Scrapers repeat text with other line breaks and punctuation, not other words."""
    return " ".join(_WORD.findall(text.lower()))


def deduplicate(entries: Sequence[BodyEntry], back: Sequence[BackEntry], options: NormaliseOptions) -> Deduplicated:
    if not options.enabled("body.duplicate"):
        return Deduplicated(tuple(entries), tuple(back), ())
    keys = [key(entry.unit.plain) for entry in entries]
    back_keys = [key(entry.unit.plain) for entry in back]
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
    joined = ""
    for part in keys[position + 1: position + 1 + _LOOKAHEAD]:
        if not joined and not entry_key.startswith(part):
            return False
        joined = f"{joined} {part}".strip()
        if joined == entry_key:
            return True
        if not entry_key.startswith(joined):
            return False
    return False
