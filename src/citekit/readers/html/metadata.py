"""The page's metadata: candidates cleaned, then each field chosen once, with provenance."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from collections.abc import Set as AbstractSet
from datetime import date as Date

import lxml.html

from citekit.model import FieldSource, safe_url
from citekit.readers._assemble import Stated
from citekit.readers.html.choose import WEIGHTS, Choice, choose, first_of
from citekit.readers.html.clean import author_names, iso_date, site_names, split_title
from citekit.readers.html.sources import Candidate

METADATA_RULES: dict[str, str] = {
    # Measured on the development metadata set (174 pages): +2 dates (pages that state none).
    "date.htmldate": "no date stated: the one htmldate finds in the page's own URL, text and elements",
    # +2 dates, no page made wrong: "2022-05-04T00:44:52Z" on a page printed in Brazil on 3 May.
    "date.utc-local": "a UTC instant states no local date: the page's own date one day off it wins",
}
"""The metadata rules beyond weighted choice, by id; each can be switched off (``HtmlOptions``)."""

LINK_ORDER = ("link", "og", "json-ld", "highwire", "dc", "meta", "html")
"""Source order for the URL and licence links: a ``<link rel>`` says exactly what it means."""
TEXT_ORDER = ("json-ld", "highwire", "dc", "meta", "og", "link", "html")
"""Source order for rights, publisher and other single-valued fields."""


def _of(candidates: Sequence[Candidate], field: str) -> list[Candidate]:
    return [c for c in candidates if c.field == field]


def _record(path: str, choice: Choice | None) -> list[FieldSource]:
    if choice is None:
        return []
    value = choice.value if isinstance(choice.value, str) else ", ".join(choice.value)
    sources = [FieldSource(field=path, lines=(), rule=f"{choice.winner.origin} ({choice.reason})",
                           printed=choice.winner.value if choice.winner.value != value else None)]
    sources.extend(FieldSource(field=path, lines=(), rule=f"{c.origin} (not chosen)", printed=c.value)
                   for c in choice.rejected)
    return sources


def _url(value: str) -> str:
    value = value.strip()
    return value if value.startswith(("http://", "https://")) and safe_url(value) else ""


def choose_metadata(candidates: Sequence[Candidate], *, weights: dict[str, dict[str, float]] | None = None,
                    fallback_date: Callable[[bool], str | None] | None = None,
                    rules: AbstractSet[str] = METADATA_RULES.keys()) -> Stated:
    """Every field chosen from ``candidates``; ``fallback_date`` (the date htmldate finds in the page)
    is asked only when no date is stated or the stated one is a UTC instant (:data:`METADATA_RULES`);
    ``rules`` are the rule ids in force."""
    weights = weights if weights is not None else WEIGHTS
    fields: list[FieldSource] = []

    url = first_of("url", ((c, _url(c.value)) for c in _of(candidates, "url")), LINK_ORDER)
    site_values = [c.value for c in _of(candidates, "site")]
    sites = site_names(site_values + [c.value for c in _of(candidates, "publisher")],
                       url.value if url and isinstance(url.value, str) else None)

    raw_titles = _of(candidates, "title")
    cleaned: list[tuple[Candidate, str | tuple[str, ...]]] = []
    affixes: list[tuple[Candidate, str | tuple[str, ...]]] = []
    for candidate in raw_titles:
        others = {_squash(c.value) for c in raw_titles if c is not candidate}
        headline, affix = split_title(candidate.value, sites, others)
        cleaned.append((candidate, headline))
        if affix:
            affixes.append((Candidate(field="site", source="html", key="title-suffix", value=affix), affix))
    title = choose("title", cleaned, weights)

    site = choose("site", [(c, c.value) for c in _of(candidates, "site")] + affixes[:1], weights)
    people, outlets = _author_groups(_of(candidates, "authors"), sites)
    authors = choose("authors", people, weights) or choose("authors", outlets, weights)
    date = _local_date(choose("date", [(c, iso_date(c.value)) for c in _of(candidates, "date")], weights),
                       fallback_date, weights, rules)

    single = {name: first_of(name, ((c, c.value) for c in _of(candidates, name)), TEXT_ORDER)
              for name in ("subtitle", "publisher", "statement", "license", "language")}
    license_url = first_of("license_url", ((c, _url(c.value)) for c in _of(candidates, "license_url")), LINK_ORDER)
    source_url = first_of("source_url", ((c, _url(c.value)) for c in _of(candidates, "source_url")), LINK_ORDER)
    year_text = next((c.value for c in _of(candidates, "year") if c.value[:4].isdigit()), None)
    holders = tuple(dict.fromkeys(c.value for c in _of(candidates, "holders")))
    keywords = tuple(dict.fromkeys(k.strip() for c in _of(candidates, "keywords")
                                   for k in c.value.split(",") if _keyword(k.strip())))[:100]

    for path, choice in (("metadata.title", title), ("metadata.authors", authors), ("metadata.site", site),
                         ("metadata.date", date), ("metadata.url", url),
                         *((f"{'rights' if n in {'statement', 'license'} else 'metadata'}.{n}", c)
                           for n, c in single.items()),
                         ("rights.license_url", license_url), ("rights.source_url", source_url)):
        fields.extend(_record(path, choice))

    def text(choice: Choice | None) -> str | None:
        return choice.value if choice is not None and isinstance(choice.value, str) else None

    return Stated(
        title=text(title), subtitle=text(single["subtitle"]),
        authors=authors.value if authors is not None and isinstance(authors.value, tuple) else (),
        site=text(site), publisher=text(single["publisher"]), date=text(date), url=text(url),
        language=text(single["language"]), keywords=keywords, license=text(single["license"]),
        license_url=text(license_url), statement=text(single["statement"]), holders=holders,
        year=int(year_text[:4]) if year_text else None, source_url=text(source_url), fields=tuple(fields),
    )


_ID_LIKE = re.compile(r"[0-9a-f]{8}-|[0-9a-f]{16}|\w+:\s", re.IGNORECASE)


def _keyword(term: str) -> bool:
    """A term a person would call a keyword: not a CMS id ("98be933f-…") or a tagged label ("NLP Entity: …")."""
    return bool(term) and len(term) <= 80 and _ID_LIKE.search(term) is None


def _squash(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


Group = list[tuple[Candidate, str | tuple[str, ...]]]
FIRST_ONLY_SOURCES = frozenset({"html", "link"})
"""Author sources read from elements anywhere in the page: past :data:`MAX_ELEMENT_AUTHORS` names
they list teasers of other articles, and only the first is the article's."""
MAX_ELEMENT_AUTHORS = 3


def _author_groups(candidates: Sequence[Candidate], sites: set[str]) -> tuple[Group, Group]:
    """(people, outlets): per source, all the names it gives, in order, as one value.

    A source whose only name is the site's own ("STERN.de" on stern.de) credits the outlet, not a
    writer: it is an outlet, chosen only when no source names a person. Names read from the page's
    elements (bylines, ``rel=author`` links, ``itemprop=author``) count once, the first: later ones
    are usually the teasers of other articles.
    """
    by_origin: dict[str, tuple[Candidate, list[str]]] = {}
    for candidate in candidates:
        if candidate.origin == "html:class:byline" and candidate.origin in by_origin:
            continue  # a byline-classed element holds the whole byline: a later one is another article's
        _, names = by_origin.setdefault(candidate.origin, (candidate, []))
        names.extend(n for n in author_names(candidate.value, sites) if n not in names)
    groups: Group = [(first, tuple(names[:1] if first.source in FIRST_ONLY_SOURCES and len(names) > MAX_ELEMENT_AUTHORS
                                    else names)) for first, names in by_origin.values() if names]
    outlet = [all(_squash(n) in sites for n in names) for _, names in groups]
    return ([g for g, o in zip(groups, outlet, strict=True) if not o],
            [g for g, o in zip(groups, outlet, strict=True) if o])


_UTC_INSTANT = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?\s?(?:Z|[+-]00:?00|UTC|GMT)",
                          re.IGNORECASE)


def _local_date(stated: Choice | None, found: Callable[[bool], str | None] | None,
                weights: dict[str, dict[str, float]], rules: AbstractSet[str]) -> Choice | None:
    """The stated date, or htmldate's (quick search, then extensive) where the page states none
    (``date.htmldate``) or states only a UTC instant whose calendar day is one off the page's own
    printed date (``date.utc-local``)."""
    if found is None:
        return stated
    if stated is None:
        if "date.htmldate" not in rules or not (value := found(False) or found(True)):
            return None
        return choose("date", [(Candidate(field="date", source="htmldate", key="original", value=value),
                                iso_date(value))], weights)
    winner = stated.winner.value.strip()
    if ("date.utc-local" not in rules or not isinstance(stated.value, str)
            or not _UTC_INSTANT.fullmatch(winner) or not (value := found(False))):
        return stated
    local = iso_date(value)
    if not local or abs((Date.fromisoformat(local) - Date.fromisoformat(stated.value)).days) != 1:
        return stated
    printed = Candidate(field="date", source="htmldate", key="original", value=value)
    return Choice(field="date", value=local, winner=printed, agreeing=(printed.origin,),
                  rejected=(stated.winner, *stated.rejected), why=f"the page's local date; {winner} is a UTC instant")


HTMLDATE_LATEST = "2099-12-31"
"""The latest date htmldate may return. Its default is today, which would make the same page read
differently on a later day (the output must not depend on the clock); a fixed bound keeps it
refusing implausible years without asking the clock."""


def htmldate_of(root: lxml.html.HtmlElement) -> Callable[[bool], str | None]:
    """A date finder over the page's own tree (htmldate, offline: it is given a tree, never a URL, so
    nothing is fetched). ``find(extensive)``: the quick search reads the URL and the page's elements;
    the extensive one also its text, which finds 2 more right dates on development pages that state
    none, but walks the whole page and may call dateparser, whose first call in a process compiles
    its locales (about 2 s). So the quick search is asked first and the extensive one only when it
    finds nothing (79 extensive searches on the 468 corpus pages → 19, the same dates), and the UTC
    check, which runs on many pages, asks only the quick one (it finds the same local days)."""

    def find(extensive: bool) -> str | None:
        from htmldate import find_date

        try:
            found = find_date(root, original_date=True, extensive_search=extensive, outputformat="%Y-%m-%d",
                              max_date=HTMLDATE_LATEST)
        except Exception:  # htmldate's heuristics must never cost the page
            return None
        return str(found) if found else None

    return find
