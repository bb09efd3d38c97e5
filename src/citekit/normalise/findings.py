"""What stages find, collected for assembly: candidates for fields, claims on lines, removals.

Stages never choose among values: every value they read is a :class:`Candidate` (with its lines,
rule id and strength), and :mod:`citekit.normalise.assemble` chooses once. Every non-blank line gets
exactly one :class:`Claim`; assembly fails loudly if a line gets two.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

Field = Literal[
    "title", "subtitle", "author", "weak-author", "site", "date", "url", "publisher", "source", "source-url",
    "statement", "license", "license-url", "keywords", "notice", "bio", "extra",
]


class Candidate(NamedTuple):
    """One value a rule read for a field."""

    field: Field
    value: str
    lines: tuple[int, ...]
    rule: str
    """The id of the rule that read it."""
    strength: int = 0
    """How strongly the rule states the field; the strongest wins, then the first printed."""
    printed: str | None = None
    """The text as printed, when it is part of a line (a date peeled off a one-line text)."""
    label: str | None = None
    """A keyword group's label, a notice's kind."""


class Claim(NamedTuple):
    """Lines owned by one role (title, byline, body, back, rights, removed, …)."""

    lines: tuple[int, ...]
    role: str
    rule: str


class Removal(NamedTuple):
    """Lines dropped as boilerplate or as a duplicate, with the reason recorded in ``removed[]``."""

    lines: tuple[int, ...]
    text: str
    reason: str
    rule: str


@dataclass(slots=True)
class Findings:
    """A stage's collector: appended to while the stage runs, frozen into its result."""

    candidates: list[Candidate] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    removals: list[Removal] = field(default_factory=list)

    def add(self, field_name: Field, value: str | None, lines: tuple[int, ...], rule: str, *,
            strength: int = 0, printed: str | None = None, label: str | None = None) -> None:
        value = " ".join(value.split()) if value else ""
        if value:
            self.candidates.append(Candidate(field=field_name, value=value, lines=lines, rule=rule,
                                            strength=strength, printed=printed, label=label))

    def claim(self, lines: tuple[int, ...], role: str, rule: str) -> None:
        self.claims.append(Claim(lines, role, rule))

    def remove(self, lines: tuple[int, ...], text: str, reason: str, rule: str) -> None:
        self.claims.append(Claim(lines, "removed", rule))
        self.removals.append(Removal(lines, text, reason, rule))

    def extend(self, other: Iterable[Candidate]) -> None:
        self.candidates.extend(other)
