"""Stage 9: findings → Document. Every field's value is chosen here, once, from the candidates the
stages collected; provenance records the chosen one and the alternatives; every non-blank line
gets its one owner, and a line claimed twice (or not at all) is a bug that fails loudly."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from citekit._version import __version__
from citekit.model import (
    Author,
    BackItem,
    Block,
    Document,
    FieldSource,
    KeywordGroup,
    LineSpan,
    Metadata,
    Notice,
    Para,
    Provenance,
    Removed,
    Rights,
    plain_inlines,
)
from citekit.normalise.endmatter import BackEntry, holders_and_year
from citekit.normalise.findings import Candidate, Claim, Removal
from citekit.normalise.inlines import parse_inlines
from citekit.normalise.language import SAMPLES as LANGUAGE_SAMPLES
from citekit.normalise.language import detect_language
from citekit.normalise.lines import Line
from citekit.normalise.names import split_name
from citekit.normalise.tables.shapes import EMAIL


class NormaliserBug(RuntimeError):
    """The stages broke the normaliser's own invariant (a line with two owners, or none)."""


@dataclass(frozen=True, slots=True)
class Parts:
    """Everything the stages produced, for assembly."""

    lines: tuple[Line | None, ...]
    text: str
    candidates: tuple[Candidate, ...]
    claims: tuple[Claim, ...]
    removals: tuple[Removal, ...]
    body: tuple[Block, ...]
    body_lines: tuple[tuple[int, ...], ...]
    body_rules: tuple[str, ...]
    """The rule that put each body unit in the body (``body`` for plain paragraphs)."""
    back: tuple[BackEntry, ...]
    bios: tuple[tuple[str | None, str, tuple[int, ...]], ...]
    enabled: frozenset[str]
    """Ids of the structural rules assembly applies that the options leave on."""


def assemble(parts: Parts, *, name: str | None, raw: bytes | None, reader: str | None = None) -> Document:
    by_field: dict[str, list[Candidate]] = {}
    for candidate in parts.candidates:
        by_field.setdefault(candidate.field, []).append(candidate)
    fields: list[FieldSource] = []
    printed_lines = {line.number: line.raw for line in parts.lines if line is not None}
    recorder = _Recorder(fields, printed_lines)

    title = _strongest(by_field.get("title", []))
    subtitle = _first(by_field.get("subtitle", []))
    site = _strongest(by_field.get("site", []))
    date = _strongest(by_field.get("date", []))
    urls = [c for c in by_field.get("url", []) if _is_article_url(c.value)]
    url = _strongest(urls)
    publisher = _first(by_field.get("publisher", []))
    source = _strongest(by_field.get("source", []))
    if site is None and by_field.get("statement") and "site.from-copyright-holder" in parts.enabled:
        site = _site_from_holders(by_field["statement"][0])
    recorder.record("metadata.title", title, by_field.get("title", []))
    recorder.record("metadata.subtitle", subtitle)
    recorder.record("metadata.site", site, by_field.get("site", []))
    recorder.record("metadata.date", date, by_field.get("date", []))
    recorder.record("metadata.url", url, by_field.get("url", []))
    recorder.record("metadata.publisher", publisher)
    authors = _authors(by_field, parts.bios, recorder)
    rights = _rights(by_field, source, recorder)
    groups, keywords = _keywords(by_field.get("keywords", []), recorder)
    back, extra_removed = _back(parts, by_field.get("extra", []), recorder)
    language = detect_language(_opening_text(parts.body, LANGUAGE_SAMPLES[-1]))
    if language:
        fields.append(FieldSource(field="metadata.language", lines=(), rule="cld2", supplied=True))
    metadata = Metadata(
        title=title.value if title else None,
        subtitle=subtitle.value if subtitle else None,
        authors=authors,
        site=site.value if site else None,
        publisher=publisher.value if publisher else None,
        date=date.value if date else None,
        url=url.value if url else None,
        language=language,
        keywords=keywords,
        keyword_groups=groups,
    )
    removals = (*parts.removals, *extra_removed)
    spans = _spans(parts, removals)
    digest = hashlib.sha256(raw if raw is not None else parts.text.encode("utf-8")).hexdigest()
    provenance = Provenance(input_sha256=digest, citekit_version=__version__, source_name=name,
                            fields=tuple(fields), lines=spans, reader=reader)
    removed = tuple(sorted((Removed(start_line=r.lines[0], end_line=r.lines[-1], text=r.text, reason=r.reason)
                            for r in removals), key=lambda r: r.start_line))
    return Document(metadata=metadata, body=parts.body, back=back, rights=rights, removed=removed,
                    provenance=provenance)


class _Recorder:
    """Provenance entries: the chosen candidate of a field, and the others as "(not chosen)"."""

    def __init__(self, fields: list[FieldSource], printed_lines: dict[int, str]) -> None:
        self.fields = fields
        self.printed_lines = printed_lines

    def printed(self, candidate: Candidate) -> str:
        if candidate.printed is not None:
            return candidate.printed
        return "\n".join(self.printed_lines.get(n, "") for n in candidate.lines)

    def record(self, path: str, chosen: Candidate | None, alternatives: Iterable[Candidate] = ()) -> None:
        if chosen is not None:
            self.fields.append(FieldSource(field=path, lines=chosen.lines, rule=chosen.rule,
                                           printed=self.printed(chosen)))
        for other in alternatives:
            if other is not chosen:
                self.fields.append(FieldSource(field=path, lines=other.lines, rule=f"{other.rule} (not chosen)",
                                               printed=self.printed(other)))


_CORPORATE = re.compile(
    r"(?:^|\s|,\s*)(?:newspapers?|limited|ltd|inc|llc|llp|plc|company|co|corp|corporation|group|media|holdings|"
    r"ediciones|edições|editora|editorial|verlag|verlagsgruppe|gmbh|ag|s\.?a|s\.?l|publishing|publications|"
    r"enterprises)\.?(?=\s|,|$)", re.I)


def _site_from_holders(statement: Candidate) -> Candidate | None:
    """The outlet an organisation holding the copyright names, its corporate words taken off
    ("THE ECONOMIST NEWSPAPER LIMITED" → "The Economist"); persons name no outlet."""
    holders, _ = holders_and_year(statement.value)
    for holder in holders:
        if not _CORPORATE.search(holder):
            continue
        name = " ".join(_CORPORATE.sub(" ", holder).split()).strip(" ,.")
        if not name or len(name.split()) > 6:
            continue
        if name.isupper():
            name = name.title()
        return Candidate(field="site", value=name, lines=statement.lines, rule="site.from-copyright-holder",
                         printed=holder)
    return None


def _strongest(candidates: Sequence[Candidate]) -> Candidate | None:
    """The strongest candidate; among equals, the first found."""
    best: Candidate | None = None
    for candidate in candidates:
        if best is None or candidate.strength > best.strength:
            best = candidate
    return best


def _first(candidates: Sequence[Candidate]) -> Candidate | None:
    return candidates[0] if candidates else None


def _authors(by_field: dict[str, list[Candidate]], bios: Sequence[tuple[str | None, str, tuple[int, ...]]],
             recorder: _Recorder) -> tuple[Author, ...]:
    """Bylines' names; without a byline, the names that bios, credits and accounts give."""
    strong = _unique(by_field.get("author", []))
    # Weaker credits in tiers: a CMS account's or a poster's (0) before a bio's or a closing credit's (-1).
    weak_all = by_field.get("weak-author", [])
    top = max((c.strength for c in weak_all), default=0)
    weak = _unique([c for c in weak_all if c.strength == top])
    chosen = strong or weak
    bio_of = {(bio_name or "").lower(): bio for bio_name, bio, _ in bios}
    authors: list[Author] = []
    for candidate in chosen:
        bio = bio_of.get(candidate.value.lower())
        email = EMAIL.search(bio) if bio else None
        authors.append(split_name(candidate.value, email=email.group(0) if email else None, bio=bio))
        recorder.record(f"metadata.authors[{len(authors) - 1}]", candidate)
    for other in _unique(weak_all):
        if other not in chosen:
            recorder.record("metadata.authors", None, [other])
    return tuple(authors)


def _unique(candidates: Sequence[Candidate]) -> list[Candidate]:
    seen: set[str] = set()
    out: list[Candidate] = []
    for candidate in candidates:
        value = candidate.value.strip(" ,:;.-–—")
        if value and value.lower() not in seen:
            seen.add(value.lower())
            out.append(candidate if value == candidate.value else _with_value(candidate, value))
    return out


def _with_value(candidate: Candidate, value: str) -> Candidate:
    return Candidate(field=candidate.field, value=value, lines=candidate.lines, rule=candidate.rule,
                     strength=candidate.strength, printed=candidate.printed, label=candidate.label)


def _joined(candidates: Sequence[Candidate]) -> Candidate | None:
    """Several statements (or licences) as one: a second line is kept beside the first, not lost;
    text already held is not repeated."""
    if not candidates:
        return None
    value, lines = candidates[0].value, list(candidates[0].lines)
    for candidate in candidates[1:]:
        if candidate.value not in value:
            value = f"{value} {candidate.value}"
        lines.extend(n for n in candidate.lines if n not in lines)
    first = candidates[0]
    return Candidate(field=first.field, value=value, lines=tuple(lines), rule=first.rule, printed=first.printed
                     if len(candidates) == 1 else None)


def _rights(by_field: dict[str, list[Candidate]], source: Candidate | None, recorder: _Recorder) -> Rights:
    statements = by_field.get("statement", [])
    statement = _joined(statements)
    holders, year = holders_and_year(statements[0].value) if statements else ((), None)
    licence = _joined(by_field.get("license", []))
    licence_url = _strongest(by_field.get("license-url", []))
    source_url = _first(by_field.get("source-url", []))
    recorder.record("rights.statement", statement)
    recorder.record("rights.license", licence)
    recorder.record("rights.source", source)
    notices = tuple(Notice(kind=c.label, text=c.value) for c in by_field.get("notice", []))  # type: ignore[arg-type]
    return Rights(
        statement=statement.value if statement else None,
        holders=holders,
        year=year,
        license=licence.value if licence else None,
        license_url=licence_url.value if licence_url else None,
        source=source.value if source else None,
        source_url=source_url.value if source_url else None,
        notices=notices,
    )


def _keywords(candidates: Sequence[Candidate], recorder: _Recorder) -> tuple[tuple[KeywordGroup, ...], tuple[str, ...]]:
    order: list[str] = []
    terms: dict[str, list[str]] = {}
    for candidate in candidates:
        label = candidate.label or "Keywords"
        if label not in terms:
            order.append(label)
            terms[label] = []
            recorder.fields.append(FieldSource(field=f"metadata.keyword_groups.{label}", lines=candidate.lines,
                                               rule=candidate.rule, printed=recorder.printed(candidate)))
        terms[label].append(candidate.value)
    groups = tuple(KeywordGroup(label=label, terms=tuple(terms[label])) for label in order)
    flat: list[str] = []
    for group in groups:
        flat.extend(term for term in group.terms if term not in flat)
    return groups, tuple(flat)


def _back(parts: Parts, extras: Sequence[Candidate], recorder: _Recorder) -> tuple[tuple[BackItem, ...], list[Removal]]:
    """Back items: consecutive entries of one kind make one item; glued bios and closing credits
    cut from a paragraph join them."""
    items: list[tuple[str, list[Block]]] = []
    for entry in parts.back:
        block = Para(content=parse_inlines(entry.unit.raw))
        if items and items[-1][0] == entry.kind and not entry.new_item:
            items[-1][1].append(block)
        else:
            items.append((entry.kind, [block]))
    removed: list[Removal] = []
    for extra in extras:
        if extra.label == "glued-bio":
            items.append(("bio", [Para(content=parse_inlines(extra.value))]))
            recorder.fields.append(FieldSource(field="back.bio", lines=extra.lines, rule=extra.rule,
                                               printed=extra.value))
        elif extra.label == "closing-credit":
            items.append(("note", [Para(content=parse_inlines(extra.value))]))
        elif extra.label == "removed":
            removed.append(Removal(extra.lines, extra.value, "navigation", extra.rule))
        elif extra.label and extra.label.startswith("printed:"):
            recorder.fields.append(FieldSource(field=extra.label.removeprefix("printed:"), lines=extra.lines,
                                               rule=f"{extra.rule} (no value)", printed=extra.value))
    return tuple(BackItem(kind=kind, blocks=tuple(blocks)) for kind, blocks in items), removed  # type: ignore[arg-type]


def _spans(parts: Parts, removals: Sequence[Removal]) -> tuple[LineSpan, ...]:
    """Every non-blank line's owner and the rule that made it one, as runs; a line with two
    owners or none is a bug."""
    owner: dict[int, tuple[str, str]] = {}

    def own(lines: Iterable[int], role: str, rule: str) -> None:
        for number in lines:
            if number in owner and not (owner[number][0] == role and role in _SHARED_ROLES):
                raise NormaliserBug(f"line {number} has two owners: {owner[number][0]} ({owner[number][1]}) "
                                    f"and {role} ({rule})")
            owner[number] = (role, rule)

    for claim in parts.claims:
        own(claim.lines, claim.role, claim.rule)
    for lines, rule in zip(parts.body_lines, parts.body_rules, strict=True):
        own(lines, "body", rule)
    for entry in parts.back:
        if entry.owns:
            own(entry.unit.numbers, "back", entry.rule)
    spans: list[LineSpan] = []
    run: tuple[str, str] | None = None
    run_start = run_end = 0
    for line in parts.lines:
        if line is None:
            continue
        found = owner.get(line.number)
        if found is None:
            raise NormaliserBug(f"line {line.number} has no owner")
        if found != run:
            if run is not None:
                spans.append(LineSpan(start_line=run_start, end_line=run_end, role=run[0], rule=run[1]))
            run, run_start = found, line.number
        run_end = line.number
    if run is not None:
        spans.append(LineSpan(start_line=run_start, end_line=run_end, role=run[0], rule=run[1]))
    return tuple(spans)


_SHARED_ROLES = frozenset({"body"})
"""A paragraph's glued parts (a date, a headline) are read from a body line: the line stays body."""


def _is_article_url(url: str) -> bool:
    """A site's home page ("https://example.org/") is not an article's URL."""
    return re.sub(r"^https?://[^/]+", "", url).strip("/") != ""


def _opening_text(body: tuple[Block, ...], length: int) -> str:
    """The first ``length`` characters of the body's paragraphs, joined by spaces."""
    parts: list[str] = []
    collected = 0
    for block in body:
        if isinstance(block, Para):
            parts.append(plain_inlines(block.content))
            collected += len(parts[-1]) + 1
            if collected > length:
                break
    return " ".join(parts)[:length]
