"""Link targets made absolute, the same way for every writer.

Scraped text keeps the relative links of the page it came from ("/2017/01/story"). They point into
that web site, not into the output, so they are resolved against the article's own URL; each
writer then encodes the result as its format needs (percent-encoding in EPUB, 7-bit URIs in PDF).
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from citekit.model import safe_url


def absolute_url(url: str | None, base: str | None) -> str | None:
    """``url`` as an absolute http(s) or mailto URL: as it stands when it has a scheme, resolved
    against ``base`` (the article's http(s) URL) when it is relative, else None (unsafe, or
    relative with nothing to resolve it against)."""
    target = safe_url(url or "")
    if target is None:
        return None
    if urlsplit(target).scheme:
        return target
    page = safe_url(base or "")
    if page is None or urlsplit(page).scheme.lower() not in {"http", "https"}:
        return None
    try:
        return safe_url(urljoin(page, target))
    except ValueError:  # a target urljoin cannot combine with the page ("//[::1")
        return None


# An address or link inside one whitespace-free token, matched whole (never searched for inside a
# long text, so nothing backtracks across it).
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}")
_WEB = re.compile(r"https?://[^\s<>\"]+", re.IGNORECASE)
_EDGE = "([{<\"'“‘"
_TAIL = ".,;:!?)]}>\"'”’"


def text_links(text: str) -> list[tuple[str, str | None]]:
    """``text`` cut into (piece, target) runs: an email address printed in a notice gets a
    ``mailto:`` target, an http(s) address itself; everything else has None. The pieces join to
    ``text`` exactly, so a writer that links them prints the same words."""
    runs: list[tuple[str, str | None]] = []
    plain = ""
    for token in re.split(r"(\s+)", text):
        core = token.lstrip(_EDGE).rstrip(_TAIL)
        target = None
        if "@" in core and _EMAIL.fullmatch(core):
            target = safe_url(f"mailto:{core}")
        elif core[:4].lower() == "http" and _WEB.fullmatch(core):
            target = safe_url(core)
        if target is None:
            plain += token
            continue
        start = token.index(core)
        plain += token[:start]
        if plain:
            runs.append((plain, None))
        runs.append((core, target))
        plain = token[start + len(core):]
    if plain:
        runs.append((plain, None))
    return runs
