"""What a caller may change about the normaliser: thresholds, prefilters, and rules switched off."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True, kw_only=True)
class NormaliseOptions:
    """Options of one normalisation. The defaults are what ``citekit normalise`` uses.

    Tests and the leave-one-outlet-out benchmark switch rules off here (by id, see
    :data:`citekit.normalise.tables.RULES`); nothing is patched at run time.
    """

    disabled: frozenset[str] = field(default_factory=frozenset)
    """Ids of rules that must not fire (an unknown id is an error)."""
    prefilters: bool = True
    """False tries every row on every line: slower, and by construction the same answers."""
    prose_min_words: int = 18
    """A unit this long (in words) is prose: the body has started."""
    title_max_words: int = 25
    """A headline has at most this many words."""
    dek_max_words: int = 40
    """A dek under the headline has at most this many words."""
    short_line: int = 200
    """Bylines, date lines, site lines and labels are shorter; longer lines skip those rows."""
    tail: int = 600
    """Closing credits, sources and copyright lines glued to a paragraph sit in its last characters."""

    def enabled(self, rule_id: str) -> bool:
        """True unless ``rule_id`` is switched off."""
        return rule_id not in self.disabled


DEFAULT_OPTIONS = NormaliseOptions()
