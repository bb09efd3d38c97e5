"""The text normaliser: scraped article text → :class:`~citekit.model.Document`.

A pipeline of named stages, each a function from an immutable input to a typed result:

1. :func:`~citekit.normalise.lines.read_lines`: text → lines (number, as printed, plain, lower case);
2. :func:`~citekit.normalise.classify.classify`: lines → classified lines (the first row that
   matches each line, among those its prefilter lets it reach);
3. :func:`~citekit.normalise.units.units`: classified lines → paragraph candidates;
4. :func:`~citekit.normalise.header.read_header`: title, dek, bylines, dates, site, keywords, and
   where the body starts;
5. :func:`~citekit.normalise.body.read_body`: body units, and end matter taken out (source,
   rights, notices, bios, notes, credits, comments);
6. :func:`~citekit.normalise.peel.peel`: prefixes and suffixes glued into the first and last
   paragraph (one-line dataset texts);
7. :func:`~citekit.normalise.dedupe.deduplicate`: text printed twice;
8. :func:`~citekit.normalise.blocks.blocks`: blocks and inlines;
9. :func:`~citekit.normalise.assemble.assemble`: every field chosen once from the candidates,
   provenance, and one owner for every non-blank line.

Rules live in tables (:mod:`citekit.normalise.tables`), each with a unique id, the outlets it was
derived from, and a note; :class:`NormaliseOptions` switches any of them off.
"""

from __future__ import annotations

from citekit.model import Document
from citekit.normalise.assemble import NormaliserBug, Parts, assemble
from citekit.normalise.blocks import blocks
from citekit.normalise.body import read_body
from citekit.normalise.classify import classify
from citekit.normalise.dates import find_date, parse_date
from citekit.normalise.dedupe import deduplicate
from citekit.normalise.findings import Claim
from citekit.normalise.header import read_header
from citekit.normalise.lines import clean_text, read_lines
from citekit.normalise.options import DEFAULT_OPTIONS, NormaliseOptions
from citekit.normalise.peel import peel
from citekit.normalise.shape import clear_caches
from citekit.normalise.tables import RULES
from citekit.normalise.units import units as make_units

_ASSEMBLY_RULES = ("site.from-copyright-holder",)
"""Structural rules assembly applies (the choice between candidates is not a rule)."""

__all__ = ["RULES", "NormaliseOptions", "NormaliserBug", "normalise_text"]


def normalise_text(text: str, *, name: str | None = None, raw: bytes | None = None,
                   options: NormaliseOptions = DEFAULT_OPTIONS, reader: str | None = None) -> Document:
    """Normalise article text (already decoded) into a Document; ``name``, the input's hash and
    ``reader`` (the reader that made the text) go into its provenance."""
    unknown = options.disabled - RULES.keys()
    if unknown:
        raise ValueError(f"unknown rule ids: {', '.join(sorted(unknown))}")
    for memo in (parse_date, find_date):
        memo.cache_clear()
    clear_caches()
    text = clean_text(text)
    lines = read_lines(text)
    classified = classify(lines, options)
    units = make_units(classified, options)
    header = read_header(units, options)
    body = read_body(units, header, options)
    titled = any(c.field == "title" for c in header.candidates)
    subtitled = any(c.field == "subtitle" for c in header.candidates)
    peeled = peel(body.entries, titled, subtitled, options)
    unique = deduplicate(peeled.entries, (*header.back, *body.back), options)
    parts = Parts(
        lines=lines,
        text=text,
        candidates=(*header.candidates, *body.candidates, *peeled.candidates),
        claims=(*header.claims, *body.claims, *(Claim(r.lines, "removed", r.rule) for r in unique.removals)),
        removals=(*header.removals, *body.removals, *unique.removals),
        body=blocks(unique.entries),
        body_lines=tuple(entry.unit.numbers for entry in unique.entries),
        body_rules=tuple(entry.unit.rule or "body.paragraph" for entry in unique.entries),
        back=unique.back,
        bios=(*body.bios, *peeled.bios),
        enabled=frozenset(rule for rule in _ASSEMBLY_RULES if options.enabled(rule)),
    )
    return assemble(parts, name=name, raw=raw, reader=reader)
