"""Link targets made absolute, the same way for every writer.

Scraped text keeps the relative links of the page it came from ("/2017/01/story"). They point into
that web site, not into the output, so they are resolved against the article's own URL; each
writer then encodes the result as its format needs (percent-encoding in EPUB, 7-bit URIs in PDF).
"""

from __future__ import annotations

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
