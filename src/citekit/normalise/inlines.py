"""Inline markup of scraped text: markdown remnants, autolinks, bare URLs and emails.

``[text](#)`` is plain text (a link that went nowhere), ``[text](url)`` a link, ``<url>`` an
autolink, ``*em*``/``_em_`` emphasis, ``**strong**`` strong, ```code``` code; bare URLs and emails
become links. Unsafe targets (``javascript:``…) keep their text and lose the link.
"""

from __future__ import annotations

import re
from functools import cache

from citekit.model import Code, Emph, Inline, Link, Str, Strong, link_or_text, safe_url
from citekit.normalise.tables.shapes import holds_any

# The kinds of inline token, in the order they are tried at a position, each with the mark
# without which it cannot occur.
_TOKEN_PARTS: tuple[tuple[str, str], ...] = (
    ("[", r"\[(?P<ltext>[^\[\]]*)\]\((?P<lurl>[^()\s]*)\)"),            # [text](url)
    ("<", r"<(?P<auto>(?:https?://|mailto:)[^<>\s]+)>"),                # <url>
    ("http", r"(?P<url>https?://[^\s<>()\[\]]*[^\s<>()\[\].,;:!?'\"”’])"),  # bare URL
    # An email starts where its run of address characters starts: "a.a.a.…" is read once.
    ("@", r"(?P<email>(?<![\w.+-])[\w.+-]++@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}\b)"),  # bare email
    ("`", r"`(?P<code>[^`]+)`"),                                          # `code`
    ("*", r"\*\*(?P<strong>[^*\s](?:[^*]*[^*\s])?)\*\*"),                 # **strong**
    ("*", r"(?<![\w*])\*(?P<em>[^*\s](?:[^*]*[^*\s])?)\*(?![\w*])"),      # *em*
    ("_", r"(?<![\w_])_(?P<em2>[^_\s](?:[^_]*[^_\s])?)_(?![\w_])"),       # _em_
)
_MARKUP_HINTS = tuple(dict.fromkeys(mark for mark, _ in _TOKEN_PARTS))
"""Every token holds one of these; most paragraphs hold none."""


@cache
def _token_pattern(marks: frozenset[str]) -> re.Pattern[str]:
    """The token regex with only the kinds whose marks a text holds. A kind that cannot match
    still costs a try at every position: the email one, which backtracks through every word,
    made a paragraph with one link cost as much as fifty without."""
    return re.compile("|".join(part for mark, part in _TOKEN_PARTS if mark in marks))


_LINK_REMNANT = re.compile(r"\[([^\[\]]*)\]\([^()\s]*\)")
_AUTOLINK = re.compile(r"<((?:https?://|mailto:)[^<>\s]+)>")


def plain_text(text: str) -> str:
    """``text`` with link remnants reduced to their text, for pattern matching."""
    if "[" not in text and "<" not in text:  # most text: no remnant, and no regex pass
        return text
    return _AUTOLINK.sub(r"\1", _LINK_REMNANT.sub(r"\1", text))


def _may_hold_markup(text: str) -> bool:
    # Substring tests scan a paragraph ten times faster than a regex with the same alternatives.
    return holds_any(text, _MARKUP_HINTS)


def parse_inlines(text: str) -> tuple[Inline, ...]:
    """The inlines of one paragraph's text."""
    if not _may_hold_markup(text):
        return (Str(text=text),) if text else ()
    out: list[Inline] = []
    position = 0
    marks = frozenset(mark for mark in _MARKUP_HINTS if mark in text)
    for match in _token_pattern(marks).finditer(text):
        if match.start() > position:
            out.append(Str(text=text[position:match.start()]))
        position = match.end()
        # Only the kinds in this text's pattern have groups; only the kind that matched has values.
        groups = {name: value for name, value in match.groupdict().items() if value is not None}
        if "lurl" in groups:
            target, label = groups["lurl"], groups["ltext"]
            if target and not target.startswith("#") and safe_url(target) is None:
                # An unsafe target (javascript:, data:…) is never linked; the text stays as printed.
                out.append(Str(text=match.group(0)))
                continue
            out.extend(link_or_text(parse_inlines(label), target) if label else ())
        elif "auto" in groups:
            url = groups["auto"]
            out.extend(link_or_text((Str(text=url.removeprefix("mailto:")),), url))
        elif "url" in groups:
            url = groups["url"]
            out.extend(link_or_text((Str(text=url),), url))
        elif "email" in groups:
            email = groups["email"]
            out.append(Link(content=(Str(text=email),), url=f"mailto:{email}")
                       if safe_url(f"mailto:{email}") else Str(text=email))
        elif "code" in groups:
            out.append(Code(text=groups["code"]))
        elif "strong" in groups:
            out.append(Strong(content=parse_inlines(groups["strong"])))
        else:
            out.append(Emph(content=parse_inlines(groups.get("em") or groups.get("em2") or "")))
    if position < len(text):
        out.append(Str(text=text[position:]))
    return _merge(out)


def _merge(nodes: list[Inline]) -> tuple[Inline, ...]:
    """Adjacent Str nodes joined, so equal texts give equal trees."""
    merged: list[Inline] = []
    for node in nodes:
        if isinstance(node, Str) and merged and isinstance(merged[-1], Str):
            merged[-1] = Str(text=merged[-1].text + node.text)
        elif not (isinstance(node, Str) and not node.text):
            merged.append(node)
    return tuple(merged)
