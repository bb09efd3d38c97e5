"""Stage 6: prefixes and suffixes glued into the first and last body paragraph.

One-line dataset texts run everything together: "7 July 2015 Headline here. Body… Tags a b c.
Body… (Source: X)". The first paragraph may open with a date line, a headline, tags or a wire
credit; the last may close with a source, a credit, a bio, a copyright line or "Read More". Each is
cut off into a candidate with the text as printed; the paragraph keeps the rest. Only a paragraph's
opening and its last ``options.tail`` characters are searched.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from citekit.normalise.body import BodyEntry
from citekit.normalise.dates import parse_date
from citekit.normalise.endmatter import split_names
from citekit.normalise.findings import Candidate, Findings
from citekit.normalise.inlines import plain_text
from citekit.normalise.options import NormaliseOptions
from citekit.normalise.rules import Rule
from citekit.normalise.shape import words
from citekit.normalise.tables import header as H
from citekit.normalise.tables.endmatter import BIO_SENTENCE, may_open_bio
from citekit.normalise.tables.shapes import PROSE_WORDS, holds_any
from citekit.normalise.units import rewritten

_SENTENCE_BREAK = re.compile(r"[.!?](?=[A-Z])|[.!?]\s+(?=[A-Z])")
_HEADLINE = re.compile(r"^(?P<h>[^.!?]{10,160}?)\.\s+(?=[A-Z])")
_READ_MORE = re.compile(
    r"(?:(?<=[.!?\"”])\s*[-–—]\s*more|\s*\b(?:read more|continue reading|leia também|lea también|veja também|"
    r"read also|see also|mehr zum thema|hier (?:die ganze geschichte|weiterlesen)|weiterlesen|más información))"
    r"\s*[:.…→»]*\s*$", re.I)
"""Link texts glued to the end of a flattened text: 'Read More', '…outlets.-more', 'leia também:'."""
_READ_MORE_MARKS = ("more", "read", "leia", "lea ", "veja", "see also", "mehr", "hier", "weiterlesen", "más")
_HEAD = 800
"""Tags and standfirsts glued into a one-line text sit in its first characters."""


@dataclass(frozen=True, slots=True)
class Peeled:
    """The body entries with glued parts cut off, and what the parts state."""

    entries: tuple[BodyEntry, ...]
    candidates: tuple[Candidate, ...]
    bios: tuple[tuple[str | None, str, tuple[int, ...]], ...]


def peel(entries: Sequence[BodyEntry], has_title: bool, has_subtitle: bool, options: NormaliseOptions) -> Peeled:
    """Cut glued prefixes off the first content paragraph and suffixes off the last."""
    content = [i for i, entry in enumerate(entries) if entry.kind == "content"]
    found = Findings()
    bios: list[tuple[str | None, str, tuple[int, ...]]] = []
    if not content:
        return Peeled(tuple(entries), (), ())
    out = list(entries)
    first = out[content[0]]
    text = first.unit.raw
    if len(out) <= 3 and words(text, 60) > 60:
        text = _dataset_head(found, first, text, has_title, has_subtitle, options)
        if not has_title and options.enabled("peel.block-headline"):
            text = _block_headline(found, first, text)
    wire = _pattern(H.WIRE_CREDIT).match(plain_text(text)) if options.enabled(H.WIRE_CREDIT.id) else None
    if wire:
        found.add("site", wire.group("site"), first.unit.numbers, H.WIRE_CREDIT.id, strength=2)
    dateline = _pattern(H.DATELINE_WIRE).match(plain_text(text)) if options.enabled(H.DATELINE_WIRE.id) else None
    if dateline:
        found.add("site", dateline.group("site"), first.unit.numbers, H.DATELINE_WIRE.id, strength=1)
    if text != first.unit.raw:
        out[content[0]] = BodyEntry(first.kind, rewritten(first.unit, text))
    _item_credits(found, out, content, options)
    last = out[content[-1]]
    text = _tail(found, bios, last, last.unit.raw, options)
    if text != last.unit.raw:
        out[content[-1]] = BodyEntry(last.kind, rewritten(last.unit, text))
    return Peeled(tuple(out), tuple(found.candidates), tuple(bios))


def _dataset_head(found: Findings, entry: BodyEntry, text: str, has_title: bool, has_subtitle: bool,
                  options: NormaliseOptions) -> str:
    numbers = entry.unit.numbers
    rule = H.DATELINE_PREFIX
    date = _pattern(rule).match(text) if options.enabled(rule.id) else None
    if date:
        printed = re.sub(r"(\d{1,2})((?:19|20)\d{2})$", r"\1 \2", date.group("date"))
        iso = parse_date(printed)
        if iso:
            found.add("date", iso, numbers, rule.id, strength=3, printed=date.group(0).strip())
            text = text[date.end():]
            # Headline-ese (no articles, no "said") right after the date line is the headline.
            headline = _HEADLINE.match(text)
            if headline and not has_title and words(headline.group("h"), 16) <= 16 \
                    and not PROSE_WORDS.search(headline.group("h")) and options.enabled("peel.dataset-headline"):
                found.add("title", headline.group("h"), numbers, "peel.dataset-headline",
                          printed=headline.group(0).strip())
                text = text[headline.end():]
    tags = _pattern(H.INLINE_TAGS).search(text[:_HEAD]) if options.enabled(H.INLINE_TAGS.id) else None
    if tags:
        standfirst = text[:tags.start()].strip()
        for term in tags.group("terms").split():
            found.add("keywords", term, numbers, H.INLINE_TAGS.id, label="Tags", printed=tags.group(0).strip())
        if standfirst and not has_subtitle:
            found.add("subtitle", standfirst, numbers, H.INLINE_TAGS.id, printed=standfirst)
        text = text[tags.end():]
    return text


_BLOCK_BREAK = re.compile(r"(?<=[.!?\"”])  +(?=\S)")
_FIRST_SENTENCE = re.compile(r"^(?P<s>[^.!?]{3,120}[.!?])\s+(?=\S)")
_BLOCK_SPAN = 400
"""Where a one-line text's headline and standfirst end: within its first characters."""


def _block_headline(found: Findings, entry: BodyEntry, text: str) -> str:
    """A one-line text whose page blocks were joined with two spaces: "Headline. Standfirst.  Body…"
    or "Headline.  Standfirst.  Body…". The headline and standfirst are cut off."""
    breaks = [m for m in _BLOCK_BREAK.finditer(text, 0, _BLOCK_SPAN)]
    if not breaks:
        return text
    numbers = entry.unit.numbers
    head = text[:breaks[0].start()].strip()
    if len(breaks) >= 2 and words(head, 25) <= 25:
        standfirst = text[breaks[0].end():breaks[1].start()].strip()
        if words(standfirst, 60) <= 60:
            found.add("title", _unpunctuated(head), numbers, "peel.block-headline", printed=head)
            found.add("subtitle", standfirst, numbers, "peel.block-headline", printed=standfirst)
            return text[breaks[1].end():]
    first = _FIRST_SENTENCE.match(head)
    if first is None or words(first.group("s"), 10) > 10:
        return text
    standfirst = head[first.end():].strip()
    if not standfirst:
        return text
    found.add("title", _unpunctuated(first.group("s")), numbers, "peel.block-headline", printed=first.group("s"))
    found.add("subtitle", standfirst, numbers, "peel.block-headline", printed=standfirst)
    return text[breaks[0].end():]


def _unpunctuated(headline: str) -> str:
    """A headline without the full stop the join added ("Península nuclearizada." → "Península nuclearizada")."""
    headline = " ".join(headline.split())
    return headline[:-1] if headline.endswith(".") and not headline.endswith("..") else headline


def _item_credits(found: Findings, entries: list[BodyEntry], content: list[int], options: NormaliseOptions) -> None:
    """Roundup items each closing with "— Name": every item's author is credited."""
    rule = H.TRAILING_DASH_CREDIT
    if not options.enabled(rule.id):
        return
    dashed = [i for i in content if "—" in entries[i].unit.raw or "–" in entries[i].unit.raw]
    if len(dashed) < 2:
        return
    credits = [(entries[i].unit, _tail_search(rule, entries[i].unit.raw, ("—", "–"), options)) for i in dashed]
    if sum(1 for _, credit in credits if credit) >= 2:
        for unit, credit in credits:
            if credit:
                found.add("weak-author", credit.group("names"), unit.numbers, rule.id)


def _tail_search(rule: Rule, text: str, marks: tuple[str, ...], options: NormaliseOptions) -> re.Match[str] | None:
    """``rule``'s pattern (anchored at the end) searched in the last ``options.tail`` characters of
    ``text``, when the rule is on and they hold one of the ``marks`` the pattern needs."""
    start = max(0, len(text) - options.tail)
    if not options.enabled(rule.id) or not holds_any(text[start:], marks):
        return None
    return _pattern(rule).search(text, start)


def _pattern(rule: Rule) -> re.Pattern[str]:
    assert rule.pattern is not None, rule.id
    return rule.pattern


def _tail(found: Findings, bios: list[tuple[str | None, str, tuple[int, ...]]], entry: BodyEntry, text: str,
          options: NormaliseOptions) -> str:
    numbers = entry.unit.numbers
    closing = _tail_search(H.CLOSING_RIGHTS, text, ("©", "(c)", "opyright"), options)
    if closing:
        statement = closing.group("statement").strip()
        found.add("statement", statement, numbers, H.CLOSING_RIGHTS.id, printed=statement)
        # The credits printed before it, after a "/" or the last sentence: "/ TRADUÇÃO DE X".
        before = text[max(0, closing.start() - 200):closing.start()]
        cut = max(before.rfind("/"), *(before.rfind(mark) for mark in ".!?\"”"))
        credit = before[cut + 1:].strip() if cut >= 0 else ""
        if credit:
            found.add("extra", credit, numbers, H.CLOSING_RIGHTS.id, label="closing-credit", printed=credit)
        text = text[:closing.start() - len(before) + cut] if cut >= 0 and before[cut] == "/" \
            else text[:closing.start()]
    source = _tail_search(H.TRAILING_SOURCE, text, (")",), options)
    if source:
        found.add("site", source.group("site"), numbers, H.TRAILING_SOURCE.id, strength=2)
        found.add("source", source.group(0).strip(), numbers, H.TRAILING_SOURCE.id, strength=2,
                  printed=source.group(0).strip())
        text = text[:source.start()]
    slash = _tail_search(H.TRAILING_SLASH_CREDIT, text, ("/",), options)
    if slash:
        for name in split_names(slash.group("names")):
            found.add("weak-author", name, numbers, H.TRAILING_SLASH_CREDIT.id, printed=slash.group("names"))
        text = text[:slash.start()]
    if options.enabled("peel.glued-bio"):
        text = _glued_bio(found, bios, numbers, text, options)
    dash = _tail_search(H.TRAILING_DASH_CREDIT, text, ("—", "–"), options)
    if dash:
        found.add("weak-author", dash.group("names"), numbers, H.TRAILING_DASH_CREDIT.id,
                  printed=dash.group(0).strip())
        text = text[:dash.start()]
    if options.enabled("peel.read-more"):
        tail = text[-80:]
        more = _READ_MORE.search(tail) if holds_any(tail.lower(), _READ_MORE_MARKS) else None
        if more:
            found.add("extra", more.group(0).strip(), numbers, "peel.read-more", label="removed")
            text = text[:len(text) - len(tail) + more.start()]
    return text.rstrip()


def _glued_bio(found: Findings, bios: list[tuple[str | None, str, tuple[int, ...]]], numbers: tuple[int, ...],
               text: str, options: NormaliseOptions) -> str:
    """A bio glued after the last sentence of a one-line text ("… end. Jane Doe is a writer …")."""
    start = max(len(text) // 2, len(text) - 4 * options.tail)
    for match in _SENTENCE_BREAK.finditer(text, start):
        rest = text[match.end():].lstrip()
        bio = BIO_SENTENCE.match(rest) if may_open_bio(rest) else None
        if bio:
            found.add("weak-author", bio.group("name"), numbers, "peel.glued-bio", strength=-1)
            bios.append((bio.group("name"), rest, numbers))
            found.add("extra", rest, numbers, "peel.glued-bio", label="glued-bio")
            return text[:match.end()]
    return text
