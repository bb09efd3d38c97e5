"""Reading end-matter lines into candidates: source attributions, copyright and licence lines,
notices. Used by the header and body stages (a source line may stand above the headline)."""

from __future__ import annotations

import re
from typing import NamedTuple

from citekit.normalise.findings import Findings
from citekit.normalise.tables.endmatter import (
    CORPORATE_SUFFIX,
    LICENSE_URL,
    NOTICE_ORGANISATION,
    NOTICES,
    RIGHTS,
    SOURCE_SITE_STRENGTH,
    SOURCE_SUFFIX,
    SOURCE_TEXT_STRENGTH,
)
from citekit.normalise.tables.shapes import SENTENCE_SPLIT, YEAR
from citekit.normalise.units import Unit

_COPYRIGHT = next(rule for rule in RIGHTS if rule.id == "rights.copyright").pattern
_REPUBLISHED = next(rule for rule in RIGHTS if rule.id == "rights.republished").pattern
_LICENSE = next(rule for rule in RIGHTS if rule.id == "rights.license").pattern
_RIGHTS_SENTENCES = re.compile(r"(?<=[.!?])\s+(?=[A-Z(©])")
_NAME_SEPARATORS = re.compile(r"\s*/\s*|\s*,\s*|\s+(?:and|y|&|e|und)\s+")


class BackEntry(NamedTuple):
    """A unit of back matter: consecutive entries of one kind make one item unless ``new_item``."""

    kind: str
    """bio, note or links."""
    unit: Unit
    rule: str
    new_item: bool = False
    owns: bool = True
    """False for text derived from lines another role owns (what a removed duplicate adds)."""


def split_names(names: str) -> list[str]:
    """"X and Y", "X, Y and Z", "X/Y / Z" → names."""
    return [p for p in (part.strip() for part in _NAME_SEPARATORS.split(names.strip())) if p]


def read_source(found: Findings, unit: Unit) -> None:
    """A source attribution: the original outlet, the original URL, and the line as printed."""
    rule = unit.rule
    text = unit.plain.lstrip("> ").strip()
    site = unit.group("site")
    if site:
        site = SOURCE_SUFFIX.sub("", site.strip()).strip(" .")
        found.add("site", site, unit.numbers, rule, strength=SOURCE_SITE_STRENGTH.get(rule, 2))
    url = unit.group("url")
    if url:
        url = url.rstrip(".)")
        found.add("url", url, unit.numbers, rule, strength=2)
        found.add("source-url", url, unit.numbers, rule)
    found.add("source", text, unit.numbers, rule, strength=SOURCE_TEXT_STRENGTH.get(rule, 1))
    found.claim(unit.numbers, "rights", rule)


def read_rights(found: Findings, unit: Unit) -> None:
    """A rights line, sentence by sentence: copyright statements, republication permissions,
    licences, and notices printed in the same line."""
    found.claim(unit.numbers, "rights", unit.rule)
    numbers = unit.numbers
    statement: list[str] = []
    for sentence in (s.strip() for s in _RIGHTS_SENTENCES.split(unit.plain)):
        if not sentence:
            continue
        republished = _REPUBLISHED.match(sentence)  # type: ignore[union-attr]
        if republished:
            found.add("license", sentence, numbers, "rights.republished")
            origin = republished.group("from")
            names = split_names(origin) if origin else []
            if names:
                found.add("site", names[-1], numbers, "rights.republished", strength=2)
                for name in names[:-1]:
                    found.add("weak-author", name, numbers, "rights.republished")
            continue
        if _COPYRIGHT.search(sentence):  # type: ignore[union-attr]
            statement.append(sentence)
            continue
        if _LICENSE.search(sentence) or LICENSE_URL.search(sentence):  # type: ignore[union-attr]
            found.add("license", sentence, numbers, "rights.license")
            url = LICENSE_URL.search(sentence)
            if url:
                found.add("license-url", url.group(0), numbers, "rights.license")
            continue
        found.add("notice", sentence, numbers, unit.rule, label=notice_kind(sentence) or "permission")
    if statement:
        text = " ".join(statement)
        found.add("statement", text, numbers, "rights.copyright")
        url = LICENSE_URL.search(text)
        if url:
            found.add("license-url", url.group(0), numbers, "rights.copyright", strength=-1)


def notice_kind(sentence: str) -> str | None:
    """The kind of notice a sentence is, by the first notice row it matches."""
    for rule in NOTICES:
        if rule.pattern.search(sentence):  # type: ignore[union-attr]
            return rule.kind
    return None


def read_notices(found: Findings, unit: Unit) -> None:
    """Disclaimers, permissions, fair-use notices and contacts; consecutive sentences of one kind
    make one notice; the organisation a disclaimer names is the publisher."""
    found.claim(unit.numbers, "rights", unit.rule)
    current: str | None = None
    pending: list[str] = []

    def flush() -> None:
        if pending and current:
            found.add("notice", " ".join(pending), unit.numbers, unit.rule, label=current)
        pending.clear()

    for sentence in (s.strip() for s in SENTENCE_SPLIT.split(unit.plain)):
        if not sentence:
            continue
        kind = notice_kind(sentence) or current or "disclaimer"
        organisation = NOTICE_ORGANISATION.search(sentence)
        if organisation and kind in ("disclaimer", "permission"):
            found.add("publisher", organisation.group("org"), unit.numbers, f"notice.{kind}")
        if kind != current:
            flush()
            current = kind
        pending.append(sentence)
    flush()


def holders_and_year(statement: str) -> tuple[tuple[str, ...], int | None]:
    """The holders and year a copyright statement names ("Copyright © X, Global Research, 2017")."""
    years = [int(y) for y in YEAR.findall(statement)]
    text = re.sub(r"\b(?:all rights reserved|todos los derechos reservados|direitos reservados|alle rechte vorbehalten)"
                  r"\.?", "", statement, flags=re.I)
    text = re.split(r"\.\s+(?:publicado|published|licen[cs]|reproduced)\b", text, maxsplit=1, flags=re.I)[0]
    text = re.sub(r"^.*?(?:copyright\s*(?:©|\(c\))?|©|\(c\))\s*", "", text, count=1, flags=re.I)
    text = re.sub(r"\b(?:19|20)\d{2}(?:\s*[-–]\s*(?:19|20)?\d{2,4})?\b", "", text)
    text = re.sub(r"\bhttps?://\S+", "", text).strip(" .,;:")
    if re.match(r"by\s", text, re.I):
        text = re.sub(r"^by\s+(?:the\s+)?", "", text, flags=re.I)
    holders: list[str] = []
    for piece in (p.strip(" .") for p in text.split(",")):
        if not piece:
            continue
        if holders and CORPORATE_SUFFIX.match(piece):
            holders[-1] = f"{holders[-1]}, {piece}"
        else:
            holders.append(piece)
    return tuple(h for h in holders if h), (years[-1] if years else None)
