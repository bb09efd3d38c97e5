"""The JATS article: root, front matter (journal-meta, article-meta, permissions), body and back.

Values the article does not print are never invented: the display title, the JATS4R copyright
year and the copyright line of an article that names holders but prints no statement come from
:mod:`citekit.derive`, are listed in ``custom-meta-group`` and reported as supplied diagnostics.

For older JATS consumers, what JATS 1.4 still allows and costs nothing is added: ``pub-type``
beside ``date-type`` on the publication date (``epub``), and a ``collection`` date (the year, as
continuously published journals tag it in PMC), without which ``pubmed_parser`` stops with
``KeyError: 'year'``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import urlsplit

from citekit.derive import copyright_year, display_title, is_person, language_tag, parse_date, rights_line
from citekit.errors import OptionError, WriterError
from citekit.model import Author, Document
from citekit.writers import Diagnostic
from citekit.writers.jats import DEFAULT_ARTICLE_TYPE, DOCTYPES, JatsOptions
from citekit.writers.jats.content import Context, is_absolute, render_back, render_flow
from citekit.writers.jats.xmltree import (
    HREF,
    LANG,
    TITLE,
    Element,
    clean_line,
    has_content,
    indent,
    new_root,
    serialise,
    sub,
)

_ISSN = re.compile(r"(\d{4})-?(\d{3}[\dX])")


def build_article(document: Document, options: JatsOptions) -> tuple[bytes, Sequence[Diagnostic]]:
    """The serialised article and its diagnostics; WriterError when the tag set's needs are unmet."""
    if options.tagset not in DOCTYPES:
        raise OptionError(f"unknown JATS tag set {options.tagset!r}; choose one of {', '.join(DOCTYPES)}")
    ctx = Context(document=document)
    meta = document.metadata
    journal_id = clean_line(options.journal_id or meta.journal_id or "")
    issn = _checked_issn(options, ctx)
    if options.tagset == "publishing":
        needs = (("a journal-id (--journal-id or metadata.journal_id)", journal_id),
                 ("an ISSN (--issn or metadata.issn)", issn))
        missing = [what for what, value in needs if not value]
        if missing:
            raise WriterError("JATS Journal Publishing requires " + " and ".join(missing) + " in "
                              "journal-meta and none is invented; without them use the archiving tag set")

    root = new_root("article")
    article_type = clean_line(options.article_type or meta.article_type or "")
    root.set("article-type", article_type or DEFAULT_ARTICLE_TYPE)
    root.set("dtd-version", "1.4")
    language = language_tag(clean_line(meta.language or ""))
    if language:
        root.set(LANG, language)
    elif meta.language:
        ctx.note("metadata.language", f"{meta.language!r} is not a language tag: xml:lang left out")

    front = sub(root, "front")
    _journal_meta(front, journal_id, issn, ctx)
    _article_meta(front, ctx)
    if document.body:
        body = sub(root, "body")
        render_flow(body, document.body, ctx, "body")
        if not has_content(body):
            root.remove(body)
    back = sub(root, "back")
    render_back(back, ctx)
    if not has_content(back):
        root.remove(back)

    indent(root)
    public_id, system_id = DOCTYPES[options.tagset]
    return serialise(root, public_id, system_id), tuple(ctx.diagnostics)


def _checked_issn(options: JatsOptions, ctx: Context) -> str:
    """The ISSN as NNNN-NNNC when its check digit holds; a bad one from the user is an error."""
    given = clean_line(options.issn or "")
    value = given or clean_line(ctx.document.metadata.issn or "")
    if not value:
        return ""
    match = _ISSN.fullmatch(value.upper())
    if match and _issn_check_digit(match.group(1) + match.group(2)[:3]) == match.group(2)[3]:
        return f"{match.group(1)}-{match.group(2)}"
    if given or options.tagset == "publishing":
        raise WriterError(f"{value!r} is not a valid ISSN (NNNN-NNNC with a matching check digit)")
    ctx.note("metadata.issn", f"{value!r} is not a valid ISSN: left out")
    return ""


def _issn_check_digit(digits: str) -> str:
    total = sum(int(d) * weight for d, weight in zip(digits, range(8, 1, -1), strict=True))
    check = (11 - total % 11) % 11
    return "X" if check == 10 else str(check)


def _journal_meta(front: Element, journal_id: str, issn: str, ctx: Context) -> None:
    meta = ctx.document.metadata
    journal = sub(front, "journal-meta")
    if journal_id:
        sub(journal, "journal-id", journal_id, {"journal-id-type": "publisher-id"})
    site = clean_line(meta.site or "")
    if site:
        sub(sub(journal, "journal-title-group"), "journal-title", site)
    if issn:
        sub(journal, "issn", issn, {"publication-format": "electronic"})
    publisher = clean_line(meta.publisher or "")
    if publisher:
        sub(sub(journal, "publisher"), "publisher-name", publisher)
    if not len(journal):
        front.remove(journal)


def _article_meta(front: Element, ctx: Context) -> None:
    document = ctx.document
    meta = document.metadata
    article = sub(front, "article-meta")
    supplied: list[tuple[str, str]] = []

    titles = sub(article, "title-group")
    title = display_title(document)
    sub(titles, "article-title", clean_line(title.value) or "Untitled")
    if title.supplied:
        supplied.append(("article-title", title.rule))
        ctx.diagnostics.append(Diagnostic(field="metadata.title", supplied=True,
                                          message=f"no printed title: article-title supplied ({title.rule})"))
    subtitle = clean_line(meta.subtitle or "")
    if subtitle:
        sub(titles, "subtitle", subtitle)

    contributors = sub(article, "contrib-group")
    for index, author in enumerate(meta.authors):
        _contributor(contributors, author, ctx, f"metadata.authors[{index}]")
    if not len(contributors):
        article.remove(contributors)

    _pub_date(article, ctx)
    supplied += _permissions(article, ctx)

    url = (meta.url or "").strip()
    if is_absolute(url) and urlsplit(url).scheme.lower() in {"http", "https"}:
        sub(article, "self-uri", attrib={HREF: url, TITLE: clean_line(title.value) or "This article"})
    elif url:
        ctx.note("metadata.url", f"{url!r} is not an absolute http(s) URL: self-uri left out")

    _keywords(article, ctx)
    _custom_meta(article, supplied, ctx)


def _contributor(group: Element, author: Author, ctx: Context, where: str) -> None:
    """``name`` when the name splits with a family name, ``collab`` for a literal, else ``string-name``."""
    family, given = clean_line(author.family or ""), clean_line(author.given or "")
    literal, printed = clean_line(author.literal or ""), clean_line(author.name or "")
    if not (family or literal or printed):
        ctx.note(where, "author without a name left out")
        return
    contrib = sub(group, "contrib", attrib={"contrib-type": "author"})
    if family and is_person(author):
        name = sub(contrib, "name")
        sub(name, "surname", family)
        if given:
            sub(name, "given-names", given)
    elif literal:
        sub(contrib, "collab", literal)
    else:
        sub(contrib, "string-name", printed)
    email = clean_line(author.email or "")
    if email:
        sub(contrib, "email", email)
    bio = clean_line(author.bio or "")
    if bio:
        sub(sub(contrib, "bio"), "p", bio)


def _pub_date(article: Element, ctx: Context) -> None:
    """``pub-date`` with ``iso-8601-date`` (year, year-month or full date), then the collection year;
    not-available when absent or not an ISO date."""
    text = clean_line(ctx.document.metadata.date or "")
    if not text:
        sub(article, "pub-date-not-available")
        return
    date = parse_date(text)
    if date is None:
        # Publishing's pub-date needs a year, and none is guessed: kept in custom-meta instead.
        ctx.note("metadata.date", f"{text!r} is not an ISO 8601 date: kept in custom-meta, not pub-date")
        sub(article, "pub-date-not-available")
        return
    # pub-type is JATS's older attribute, still allowed beside date-type and publication-format.
    pub_date = sub(article, "pub-date", attrib={"publication-format": "electronic", "date-type": "pub",
                                                "pub-type": "epub", "iso-8601-date": date.iso()})
    if date.day is not None:
        sub(pub_date, "day", f"{date.day:02d}")
    if date.month is not None:
        sub(pub_date, "month", f"{date.month:02d}")
    sub(pub_date, "year", f"{date.year:04d}")
    collection = sub(article, "pub-date", attrib={"date-type": "collection", "pub-type": "collection",
                                                  "iso-8601-date": f"{date.year:04d}"})
    sub(collection, "year", f"{date.year:04d}")


def _permissions(article: Element, ctx: Context) -> list[tuple[str, str]]:
    """JATS4R permissions, always present, holding what the article prints and what the shared
    rules derive from it; returns the supplied values as (element, rule)."""
    rights = ctx.document.rights
    supplied: list[tuple[str, str]] = []
    permissions = sub(article, "permissions")
    holders = [clean_line(h) for h in rights.holders if clean_line(h)]
    statement = clean_line(rights.statement or "")
    if not statement and holders:
        statement = clean_line(rights_line(ctx.document))
        supplied.append(("copyright-statement", "holders-and-year"))
        ctx.diagnostics.append(Diagnostic(
            field="rights.statement", supplied=True,
            message=f"no printed copyright statement: copyright-statement {statement!r} supplied"))
    if statement:
        sub(permissions, "copyright-statement", statement)
    year = copyright_year(ctx.document)
    if year is not None and year.supplied and not (statement or holders):
        # The claim it would date is nothing but characters XML cannot hold.
        year = None
    if year is not None and not 1000 <= year.value <= 9999:
        ctx.note("rights.year", f"copyright year {year.value} is not a 4-digit year: left out")
        year = None
    if year is not None:
        sub(permissions, "copyright-year", str(year.value))
        if year.supplied:
            supplied.append(("copyright-year", year.rule))
            ctx.diagnostics.append(Diagnostic(
                field="rights.year", supplied=True,
                message=f"no printed copyright year: copyright-year {year.value} supplied ({year.rule})"))
    for holder in holders:
        # One element per holder, as JATS models them ("Stephen Lendman", "Global Research").
        sub(permissions, "copyright-holder", holder)

    license_url = (rights.license_url or "").strip() if is_absolute(rights.license_url) else None
    if rights.license_url and not license_url:
        ctx.note("rights.license_url", f"{rights.license_url!r} is not an absolute http(s) URL: left out")
    # The licence as printed, then permission and fair-use notices, each marked with its kind so
    # that a reader can tell the licence from the notices that qualify it.
    texts: list[tuple[str | None, str]] = [(None, clean_line(rights.license or ""))]
    texts += [(n.kind, clean_line(n.text)) for n in rights.notices if n.kind in {"permission", "fair-use"}]
    texts = [(kind, text) for kind, text in texts if text]
    if license_url or texts:
        license = sub(permissions, "license")
        if license_url:
            sub(license, "{http://www.niso.org/schemas/ali/1.0/}license_ref", license_url)
        for kind, text in texts:
            sub(license, "license-p", text, {"content-type": kind} if kind else None)
    return supplied


def _keywords(article: Element, ctx: Context) -> None:
    """One ``kwd-group`` per labelled group (``kwd-group-type`` from the label), then the rest."""
    meta = ctx.document.metadata
    grouped: set[str] = set()
    for index, group in enumerate(meta.keyword_groups):
        terms = [clean_line(t) for t in group.terms if clean_line(t)]
        if not terms:
            continue
        label = clean_line(group.label)
        kind = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-") or f"group-{index + 1}"
        kwd_group = sub(article, "kwd-group", attrib={"kwd-group-type": kind})
        if label:
            sub(kwd_group, "title", label)
        for term in terms:
            sub(kwd_group, "kwd", term)
            grouped.add(term)
    rest = [clean_line(k) for k in meta.keywords if clean_line(k) and clean_line(k) not in grouped]
    if rest:
        kwd_group = sub(article, "kwd-group")
        for term in dict.fromkeys(rest):
            sub(kwd_group, "kwd", term)


def _custom_meta(article: Element, supplied: list[tuple[str, str]], ctx: Context) -> None:
    """Values not printed in the article (supplied here or by the normaliser), a date that is
    not ISO as printed, and the access date."""
    entries: list[tuple[str, str, str]] = [
        ("supplied", name, f"not printed in the article; supplied by rule {rule}") for name, rule in supplied]
    entries += [("supplied", source.field, f"not printed in the article; supplied by rule {source.rule}")
                for source in ctx.document.provenance.fields if source.supplied]
    date = clean_line(ctx.document.metadata.date or "")
    if date and parse_date(date) is None:
        entries.append(("date", "printed-date", date))
    accessed = clean_line(ctx.document.metadata.accessed or "")
    if accessed:
        entries.append(("accessed", "accessed", accessed))
    if not entries:
        return
    group = sub(article, "custom-meta-group")
    for use, name, value in entries:
        custom = sub(group, "custom-meta", attrib={"specific-use": use})
        sub(custom, "meta-name", name)
        sub(custom, "meta-value", value)
