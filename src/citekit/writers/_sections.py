"""The parts of an article page citekit adds around the body, as model blocks, for every page writer.

The HTML page and the pandoc-backed writers (DOCX, ODT, Markdown, LaTeX, reStructuredText) print
the same title block, back matter and "Source and rights" colophon; this module decides once what
they hold, in the document's language, and hands them over as model nodes (:class:`Str`,
:class:`Strong` for run-in labels, :class:`Link` for addresses), so each writer renders them with
the inline and block mapping it already has. The lines themselves come from :mod:`citekit.derive`
(the copyright line, the source line, the licence line, dates, labels), as in JATS, EPUB and PDF.

- :func:`title_block`: display title (and whether it was supplied), subtitle, byline, site,
  dateline, the article's address.
- :func:`back_sections`: about the author(s) (the bios the article prints as back matter, else the
  authors' bios), contact addresses a bio does not print, notes, related links, keywords.
- :func:`colophon`: copyright line, source line, article URL, access date, licence, publisher,
  notices; a line saying the article prints none of them; a line saying the title was supplied.

Each :class:`Part` says whether it is a back-matter item of the document (``back_index``) or lines
citekit derived, so a writer whose output is read back (Markdown) can mark them apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, TypeAlias
from urllib.parse import urlsplit

from citekit.derive import (
    LABELS,
    Derived,
    Labels,
    PartialDate,
    display_title,
    has_labels,
    join_names,
    labels_for,
    language_tag,
    licence_line,
    parse_date,
    reader_date,
    rights_line,
    same_address,
    source_line,
)
from citekit.model import Block, Document, Inline, Link, Notice, Para, Str, Strong, plain_blocks, safe_url
from citekit.writers import Diagnostic
from citekit.writers._links import text_links

SectionRole: TypeAlias = Literal["bio", "note", "links", "keywords", "colophon"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Part:
    """Blocks under a section heading: one back-matter item as printed, or lines citekit derived."""

    blocks: tuple[Block, ...]
    """The blocks to print."""
    back_index: int | None = None
    """The item's index in ``document.back``; None for lines derived from metadata or rights."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Section:
    """A headed section after the body."""

    role: SectionRole
    """What the section holds (also the class or style a writer gives it)."""
    heading: str
    """The heading, in the labels' language."""
    parts: tuple[Part, ...]
    """The section's content, in order."""


@dataclass(frozen=True, slots=True, kw_only=True)
class TitleBlock:
    """What a page prints above the body."""

    title: Derived[str]
    """The display title, and whether the article prints it."""
    subtitle: str | None
    authors: tuple[str, ...]
    """The authors' names as printed."""
    byline: str | None
    """"By A, B and C" in the labels' language, names joined as CLDR joins them."""
    site: str | None
    date: PartialDate | None
    """The publication date, when it is a real ISO date."""
    date_text: str | None
    """The date as a reader of the document's language writes it; an unreadable date as it stands."""
    url: str | None
    """The article's own absolute http(s) address, when known."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Matter:
    """Everything a page adds around the body, decided once for all page writers."""

    language: str | None
    """The document's BCP 47 tag, when it has a well-formed one."""
    labels: Labels
    own_labels: bool
    """True when the labels are in the document's language (else they are English)."""
    title: TitleBlock
    back: tuple[Section, ...]
    colophon: Section


def _line(text: str | None) -> str:
    return " ".join((text or "").split())


def http_url(url: str | None) -> str | None:
    """``url`` when it is an absolute http(s) address a page can link, else None."""
    target = safe_url(_line(url))
    if target is None or urlsplit(target).scheme.lower() not in {"http", "https"}:
        return None
    return target


def linked(text: str) -> tuple[Inline, ...]:
    """``text`` with the web and email addresses it prints made live links (the words unchanged)."""
    out: list[Inline] = []
    for piece, target in text_links(text):
        out.append(Link(content=(Str(text=piece),), url=target) if target else Str(text=piece))
    return tuple(out)


def run_in(label: str, rest: tuple[Inline, ...]) -> Para:
    """A paragraph opening with a bold run-in label: "**Licence:** CC BY 4.0"."""
    return Para(content=(Strong(content=(Str(text=f"{label}:"),)), Str(text=" "), *rest))


def matter(document: Document, diagnostics: list[Diagnostic]) -> Matter:
    """The title block, back sections and colophon of ``document``; what was supplied is reported."""
    language = language_tag(document.metadata.language)
    labels = labels_for(language)
    block = title_block(document, labels, language, diagnostics)
    return Matter(language=language, labels=labels, own_labels=has_labels(language), title=block,
                  back=back_sections(document, labels), colophon=colophon(document, labels, language, block))


def title_block(document: Document, labels: Labels, language: str | None,
                diagnostics: list[Diagnostic]) -> TitleBlock:
    meta = document.metadata
    title = display_title(document)
    if title.supplied:
        diagnostics.append(Diagnostic(field="metadata.title", supplied=True,
                                      message=f"the article prints no title; supplied {title.value!r} ({title.rule})"))
    names = tuple(name for name in (_line(a.name) or _line(a.literal) for a in meta.authors) if name)
    date = parse_date(meta.date)
    if _line(meta.date) and date is None:
        diagnostics.append(Diagnostic(field="metadata.date",
                                      message=f"{meta.date!r} is not an ISO 8601 date; printed as it stands"))
    return TitleBlock(
        title=title, subtitle=_line(meta.subtitle) or None, authors=names,
        byline=labels.by.format(names=join_names(list(names), language)) if names else None,
        site=_line(meta.site) or None, date=date,
        date_text=reader_date(date, language) if date else (_line(meta.date) or None),
        url=http_url(meta.url))


def _bio_parts(document: Document) -> list[Part]:
    """The bios the article prints as back matter; else each author's bio (the metadata copy)."""
    printed = [Part(blocks=item.blocks, back_index=i) for i, item in enumerate(document.back) if item.kind == "bio"]
    if printed:
        return printed
    return [Part(blocks=(Para(content=linked(_line(a.bio))),)) for a in document.metadata.authors if _line(a.bio)]


def back_sections(document: Document, labels: Labels) -> tuple[Section, ...]:
    """About the author(s), notes, related links and keywords, each when the article has any."""
    meta = document.metadata
    sections: list[Section] = []
    bios = _bio_parts(document)
    shown = plain_blocks(tuple(b for part in bios for b in part.blocks))
    several = len(meta.authors) > 1
    contacts = []
    for author in meta.authors:
        email = _line(author.email)
        if email and email not in shown and safe_url(f"mailto:{email}"):
            link = Link(content=(Str(text=email),), url=f"mailto:{email}")
            named = (Str(text=f"{_line(author.name)}: "), link) if several and _line(author.name) else (link,)
            contacts.append(run_in(labels.contact, named))
    if contacts:
        bios.append(Part(blocks=tuple(contacts)))
    if bios:
        sections.append(Section(role="bio", heading=labels.about_authors if several else labels.about_author,
                                parts=tuple(bios)))
    for role, heading in (("note", labels.notes), ("links", labels.links)):
        parts = tuple(Part(blocks=item.blocks, back_index=i) for i, item in enumerate(document.back)
                      if item.kind == role)
        if parts:
            sections.append(Section(role="note" if role == "note" else "links", heading=heading, parts=parts))
    lines = [run_in(_line(g.label), (Str(text=", ".join(_line(t) for t in g.terms if _line(t))),))
             for g in meta.keyword_groups if _line(g.label) and any(_line(t) for t in g.terms)]
    grouped = {_line(t) for g in meta.keyword_groups for t in g.terms}
    loose = [_line(k) for k in meta.keywords if _line(k) and _line(k) not in grouped]
    if loose:
        lines.append(run_in(labels.keywords, (Str(text=", ".join(loose)),)))
    if lines:
        sections.append(Section(role="keywords", heading=labels.keywords, parts=(Part(blocks=tuple(lines)),)))
    return tuple(sections)


def notice_paragraph(notice: Notice, labels: Labels) -> Para:
    """The notice after its run-in label; a notice that opens with its own label ("Disclaimer: …")
    has that label set in bold instead of a second one."""
    text = _line(notice.text)
    for label in dict.fromkeys((labels.notices[notice.kind], LABELS["en"].notices[notice.kind])):
        head, rest = text[:len(label)], text[len(label):]
        if head.casefold() == label.casefold() and rest[:1] in {":", "."}:
            return Para(content=(Strong(content=(Str(text=head + rest[0]),)), Str(text=" "),
                                 *linked(rest[1:].lstrip())))
    return run_in(labels.notices[notice.kind], linked(text))


def colophon(document: Document, labels: Labels, language: str | None, block: TitleBlock) -> Section:
    """"Source and rights": what the article prints about its rights and origin, then what citekit supplied."""
    meta, rights = document.metadata, document.rights
    lines: list[Para] = []
    statement = rights_line(document)
    if statement:
        lines.append(Para(content=linked(statement)))
    source = source_line(document)
    if source:
        lines.append(Para(content=linked(source)))
    if block.url and not same_address(block.url, source):
        label = labels.article_url if source else labels.source
        lines.append(run_in(label, (Link(content=(Str(text=block.url),), url=block.url),)))
    accessed = parse_date(meta.accessed)
    if accessed is not None:
        lines.append(Para(content=(Str(text=labels.accessed.format(date=reader_date(accessed, language)) + "."),)))
    licence = licence_line(document)
    if licence:
        lines.append(run_in(labels.licence, linked(licence)))
    published = list(dict.fromkeys(p for p in (_line(meta.site), _line(meta.publisher)) if p))
    if published and lines:
        lines.append(run_in(labels.publisher, (Str(text=" · ".join(published)),)))
    lines += [notice_paragraph(n, labels) for n in rights.notices if _line(n.text)]
    if not lines:
        lines.append(Para(content=(Str(text=labels.nothing_printed),)))
    if block.title.supplied:
        lines.append(Para(content=(Str(text=labels.supplied_title),)))
    return Section(role="colophon", heading=labels.colophon, parts=(Part(blocks=tuple(lines)),))
