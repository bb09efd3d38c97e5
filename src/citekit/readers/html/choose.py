"""Choose each metadata field once, from every candidate the page states, by weighted agreement.

Each candidate's value is first cleaned the way its field needs (a title loses its ``| Site``
suffix, a date becomes ISO 8601, an author loses "By" and profile URLs). Candidates whose cleaned
values agree are one group; a group's score is the sum of its sources' weights (:data:`WEIGHTS`);
the best group wins, ties going to the source listed first. Provenance records the winner, the
sources that agreed with it (why it won) and every value not chosen.

The weights are how often each source is right where it is present, measured on the development
corpus (``benchmarks/html_metadata.py --learn`` prints them; ``--loso`` scores the rule
leave-one-site-out, so the figures in the README are for sites the weights never saw).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from citekit.readers.html.sources import Candidate

# (field, source:key) → weight. Sources missing here weigh DEFAULT_WEIGHT. Measured, then rounded;
# a source must be right on most pages that carry it to outweigh two weaker ones that agree.
WEIGHTS: dict[str, dict[str, float]] = {
    "title": {
        "json-ld:headline": 0.85, "html:h1": 0.75, "og:og:title": 0.7, "meta:twitter:title": 0.65,
        "html:itemprop:headline": 0.7, "json-ld:name": 0.6, "dc:dc.title": 0.5, "dc:dcterms.title": 0.5,
        "highwire:citation_title": 0.6, "html:title": 0.5,
    },
    "authors": {
        "json-ld:author": 0.9, "json-ld:creator": 0.8, "meta:author": 0.7, "meta:sailthru.author": 0.8,
        "highwire:citation_author": 0.8, "dc:dc.creator": 0.7, "link:a:author": 0.6, "meta:byl": 0.7,
        "meta:parsely-author": 0.5, "og:article:author": 0.5, "html:itemprop:author": 0.5,
        "html:class:byline": 0.35,
    },
    "site": {
        "og:og:site_name": 0.99, "json-ld:WebSite.name": 0.9, "meta:application-name": 0.8,
        "highwire:citation_journal_title": 0.8, "json-ld:isPartOf": 0.5, "html:title-suffix": 0.4,
    },
    "date": {
        "og:article:published_time": 0.9, "json-ld:datePublished": 0.9, "highwire:citation_publication_date": 0.9,
        "html:time[pubdate]": 0.8, "html:itemprop:datepublished": 0.75, "meta:date": 0.8, "html:time": 0.7,
        "json-ld:dateCreated": 0.7, "dc:dc.date": 0.8, "dc:dcterms.issued": 0.8, "dc:dc.date.issued": 0.8,
        "meta:parsely-pub-date": 0.85, "meta:sailthru.date": 0.8, "meta:pubdate": 0.8, "meta:publishdate": 0.8,
        "highwire:citation_date": 0.6, "htmldate:original": 0.6,
    },
}
DEFAULT_WEIGHT = 0.5
"""The weight of a source the table does not list (a rare tag; a plugin's source)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Choice:
    """The value chosen for one field and why."""

    field: str
    value: str | tuple[str, ...]
    """A string, or the names of the authors in order."""
    winner: Candidate
    """The highest-weighted candidate of the winning group."""
    agreeing: tuple[str, ...]
    """Every source:key whose value agreed with the winner."""
    rejected: tuple[Candidate, ...]
    """Candidates whose values lost."""
    why: str | None = None
    """Why a rule chose it, where a rule beyond the weighted vote did."""

    @property
    def reason(self) -> str:
        """Why it won, for provenance."""
        if self.why:
            return self.why
        others = [o for o in self.agreeing if o != self.winner.origin]
        if not others and not self.rejected:
            return "the only source"
        if others:
            return f"weighted agreement with {', '.join(others)}"
        return "highest weight"


def _key(value: str | tuple[str, ...]) -> str:
    text = ", ".join(value) if isinstance(value, tuple) else value
    return re.sub(r"\W+", "", text.casefold())


def choose(field: str, candidates: Sequence[tuple[Candidate, str | tuple[str, ...]]],
           weights: dict[str, dict[str, float]] | None = None) -> Choice | None:
    """The best-supported value among ``(candidate, cleaned value)`` pairs for ``field``; None if none."""
    table = (weights if weights is not None else WEIGHTS).get(field, {})
    groups: dict[str, list[tuple[Candidate, str | tuple[str, ...]]]] = {}
    for candidate, value in candidates:
        if value:
            groups.setdefault(_key(value), []).append((candidate, value))
    if not groups:
        return None

    def weight(candidate: Candidate) -> float:
        return table.get(candidate.origin, DEFAULT_WEIGHT)

    def score(members: list[tuple[Candidate, str | tuple[str, ...]]]) -> float:
        # Each source counts once per group: a page repeating og:title twice is not two votes.
        return sum(weight(c) for c in {c.origin: c for c, _ in members}.values())

    best_key = max(groups, key=lambda k: (score(groups[k]), max(weight(c) for c, _ in groups[k])))
    members = groups[best_key]
    winner, value = max(members, key=lambda pair: weight(pair[0]))
    if isinstance(value, str) and value.islower():  # "financialpost" agrees with "Financial Post": print the name
        winner, value = next(((c, v) for c, v in members if isinstance(v, str) and not v.islower()), (winner, value))
    rejected = tuple(c for k, group in groups.items() if k != best_key for c, _ in group)
    return Choice(field=field, value=value, winner=winner,
                  agreeing=tuple(dict.fromkeys(c.origin for c, _ in members)), rejected=rejected)


def first_of(field: str, candidates: Iterable[tuple[Candidate, str]], order: Sequence[str]) -> Choice | None:
    """For fields with no vote (licence, URL): the first candidate in source ``order``."""
    ranked = sorted((pair for pair in candidates if pair[1]),
                    key=lambda pair: order.index(pair[0].source) if pair[0].source in order else len(order))
    if not ranked:
        return None
    winner, value = ranked[0]
    return Choice(field=field, value=value, winner=winner, agreeing=(winner.origin,),
                  rejected=tuple(c for c, v in ranked[1:] if v != value))
