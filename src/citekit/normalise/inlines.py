"""Inline markup of scraped text: markdown remnants, autolinks, bare URLs and emails.

``[text](#)`` is plain text (a link that went nowhere), ``[text](url)`` a link, ``<url>`` an
autolink, ``*em*``/``_em_`` emphasis, ``**strong**`` strong, ```code``` code; bare URLs and emails
become links. Unsafe targets (``javascript:``…) keep their text and lose the link.
"""

from __future__ import annotations

import re

from citekit.model import Code, Emph, Inline, Link, Str, Strong, link_or_text, safe_url

_TOKEN = re.compile(
    r"\[(?P<ltext>[^\[\]]*)\]\((?P<lurl>[^()\s]*)\)"          # [text](url)
    r"|<(?P<auto>(?:https?://|mailto:)[^<>\s]+)>"              # <url>
    r"|(?P<url>https?://[^\s<>()\[\]]*[^\s<>()\[\].,;:!?'\"”’])"  # bare URL
    r"|(?P<email>\b[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}\b)"  # bare email
    r"|`(?P<code>[^`]+)`"                                        # `code`
    r"|\*\*(?P<strong>[^*\s](?:[^*]*[^*\s])?)\*\*"               # **strong**
    r"|(?<![\w*])\*(?P<em>[^*\s](?:[^*]*[^*\s])?)\*(?![\w*])"    # *em*
    r"|(?<![\w_])_(?P<em2>[^_\s](?:[^_]*[^_\s])?)_(?![\w_])"     # _em_
)

_LINK_REMNANT = re.compile(r"\[([^\[\]]*)\]\([^()\s]*\)")
_AUTOLINK = re.compile(r"<((?:https?://|mailto:)[^<>\s]+)>")


def plain_text(text: str) -> str:
    """``text`` with link remnants reduced to their text, for pattern matching."""
    return _AUTOLINK.sub(r"\1", _LINK_REMNANT.sub(r"\1", text))


_MARKUP_HINT = re.compile(r"[\[<*_`@]|https?://")


def parse_inlines(text: str) -> tuple[Inline, ...]:
    """The inlines of one paragraph's text."""
    if not _MARKUP_HINT.search(text):
        return (Str(text=text),) if text else ()
    out: list[Inline] = []
    position = 0
    for match in _TOKEN.finditer(text):
        if match.start() > position:
            out.append(Str(text=text[position:match.start()]))
        position = match.end()
        groups = match.groupdict()
        if groups["lurl"] is not None:
            target = groups["lurl"]
            if target and not target.startswith("#") and safe_url(target) is None:
                # An unsafe target (javascript:, data:…) is never linked; the text stays as printed.
                out.append(Str(text=match.group(0)))
                continue
            content = parse_inlines(groups["ltext"] or "")
            out.extend(link_or_text(content, target) if groups["ltext"] else ())
        elif groups["auto"]:
            url = groups["auto"]
            out.extend(link_or_text((Str(text=url.removeprefix("mailto:")),), url))
        elif groups["url"]:
            url = groups["url"]
            out.extend(link_or_text((Str(text=url),), url))
        elif groups["email"]:
            email = groups["email"]
            out.append(Link(content=(Str(text=email),), url=f"mailto:{email}")
                       if safe_url(f"mailto:{email}") else Str(text=email))
        elif groups["code"]:
            out.append(Code(text=groups["code"]))
        elif groups["strong"]:
            out.append(Strong(content=parse_inlines(groups["strong"])))
        else:
            out.append(Emph(content=parse_inlines(groups["em"] or groups["em2"] or "")))
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
