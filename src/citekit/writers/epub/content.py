"""The XHTML content documents: title page, article text, back matter, colophon and navigation.

Every string reaches the tree through lxml (which escapes it) after :func:`clean` has removed the
characters XML cannot carry, so hostile input still gives well-formed XHTML.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import assert_never

from lxml import etree

from citekit.derive import (
    Labels,
    display_title,
    has_labels,
    join_names,
    labels_for,
    parse_date,
    reader_date,
    rights_line,
)
from citekit.model import (
    Block,
    Code,
    CodeBlock,
    Document,
    Emph,
    Figure,
    Heading,
    Inline,
    LineBreak,
    Link,
    ListBlock,
    Note,
    Para,
    Quote,
    Rule,
    Str,
    Strikeout,
    Strong,
    Subscript,
    Superscript,
    Table,
    is_blank,
    plain_inlines,
)
from citekit.writers import Diagnostic, _xml
from citekit.writers._links import text_links
from citekit.writers.epub import structure
from citekit.writers.epub.text import absolute_http, clean, external_href, one_line

XHTML_NS = "http://www.w3.org/1999/xhtml"
EPUB_NS = "http://www.idpf.org/2007/ops"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
EPUB_TYPE = f"{{{EPUB_NS}}}type"
STYLESHEET = "styles/epub.css"
MAX_HEADING = 6
_MARKS = {Strikeout: "del", Superscript: "sup", Subscript: "sub"}
"""The XHTML element of each inline that only marks its content (pandoc's HTML uses ``del`` too)."""


@dataclass
class TocEntry:
    """One line of the table of contents."""

    label: str
    href: str
    children: list[TocEntry] = field(default_factory=list)


@dataclass
class Page:
    """One XHTML content document of the spine."""

    name: str
    """File name inside the EPUB directory ("text.xhtml")."""
    root: etree._Element
    """The ``html`` element."""
    landmark: str
    """Its ``epub:type`` in the landmarks nav."""
    landmark_label: str
    """Its name in the landmarks nav."""
    toc: list[TocEntry]
    """Its entries in the table of contents."""


@dataclass
class Context:
    """What every renderer needs: the languages, the labels and where to report problems."""

    language: str
    """The document's language tag ("und" when unknown)."""
    labels: Labels
    base_url: str | None
    """The article's absolute URL, against which relative links are resolved."""
    diagnostics: list[Diagnostic]
    next_id: int = 0
    notes: list[tuple[Block, ...]] = field(default_factory=list)
    """Each note's blocks in the order referenced, across the book: note n is ``#fn-n``."""
    notes_written: int = 0
    """How many of ``notes`` have their aside written (the rest belong to the page being built)."""
    images: list[structure.BookImage] = field(default_factory=list)
    """The image files the book carries, in the order shown."""

    @property
    def own_labels(self) -> bool:
        """True when the labels are in the document's language (else they are English)."""
        return has_labels(self.language)

    def new_id(self, prefix: str) -> str:
        self.next_id += 1
        return f"{prefix}-{self.next_id}"

    def label(self, parent: etree._Element, tag: str, text: str, **attributes: str) -> etree._Element:
        """An element holding words citekit adds, marked with their language when it differs."""
        element = sub(parent, tag, **attributes)
        element.text = text
        if not self.own_labels:
            element.set("lang", self.labels.lang)
            element.set(XML_LANG, self.labels.lang)
        return element


def make_context(document: Document, language: str, diagnostics: list[Diagnostic]) -> Context:
    return Context(language=language, labels=labels_for(language),
                   base_url=absolute_http(document.metadata.url), diagnostics=diagnostics)


# lxml spells the default namespace with a None prefix, which its stubs do not admit.
_XHTML_NSMAP = {None: XHTML_NS, "epub": EPUB_NS}


def sub(parent: etree._Element, tag: str, **attributes: str) -> etree._Element:
    """A new XHTML child element."""
    element = etree.SubElement(parent, f"{{{XHTML_NS}}}{tag}")
    for key, value in attributes.items():
        element.set(EPUB_TYPE if key == "epub_type" else key.rstrip("_").replace("_", "-"), value)
    return element


def append_text(parent: etree._Element, text: str) -> None:
    """Add ``text`` (cleaned for XHTML) after whatever ``parent`` already holds."""
    _xml.append_text(parent, clean(text))


def new_page(ctx: Context, title: str, body_type: str | None = None) -> tuple[etree._Element, etree._Element]:
    """An empty XHTML document: (html element, body element)."""
    html = etree.Element(f"{{{XHTML_NS}}}html", nsmap=_XHTML_NSMAP)  # type: ignore[arg-type]
    html.set("lang", ctx.language)
    html.set(XML_LANG, ctx.language)
    head = sub(html, "head")
    sub(head, "title").text = one_line(title) or "—"
    sub(head, "link", rel="stylesheet", type="text/css", href=STYLESHEET)
    body = sub(html, "body")
    if body_type:
        body.set(EPUB_TYPE, body_type)
    return html, body


def serialise(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", doctype="<!DOCTYPE html>")


# --------------------------------------------------------------------------------------------
# Inlines and blocks


def render_inlines(parent: etree._Element, inlines: Sequence[Inline], ctx: Context, where: str,
                   in_link: bool = False, run: _xml.TextRun | None = None) -> None:
    """Append ``inlines`` to ``parent``. Text goes through ``run`` (the parent's, when a link's
    text is rendered in its place), so a paragraph of many text pieces is written in linear time."""
    text_run = run if run is not None else _xml.TextRun(parent)
    for node in inlines:
        match node:
            case Str(text=text):
                text_run.add(clean(text))
            case Emph(content=content):
                text_run.flush()
                render_inlines(sub(parent, "em"), content, ctx, where, in_link)
            case Strong(content=content):
                text_run.flush()
                render_inlines(sub(parent, "strong"), content, ctx, where, in_link)
            case Code(text=text):
                text_run.flush()
                sub(parent, "code").text = clean(text)
            case Link(content=content, url=url):
                render_link(parent, content, url, ctx, where, in_link, text_run)
            case LineBreak():
                text_run.flush()
                sub(parent, "br")
            case Strikeout(content=content) | Superscript(content=content) | Subscript(content=content):
                text_run.flush()
                render_inlines(sub(parent, _MARKS[type(node)]), content, ctx, where, in_link)
            case Note(blocks=blocks):
                text_run.flush()
                structure.note_reference(parent, blocks, ctx)
            case _:
                assert_never(node)
    if run is None:
        text_run.flush()


def render_link(parent: etree._Element, content: Sequence[Inline], url: str, ctx: Context, where: str,
                in_link: bool, run: _xml.TextRun) -> None:
    has_text = bool(clean(plain_inlines(tuple(content))).strip())
    href = None if in_link else external_href(url, ctx.base_url)
    if href is None:
        if not in_link:
            message = f"link target {one_line(url)!r} cannot be followed from an e-book; kept its text"
            ctx.diagnostics.append(Diagnostic(field=where, message=message))
        if has_text:
            render_inlines(parent, content, ctx, where, in_link, run)
        else:
            run.add(clean(url.strip()))
        return
    run.flush()
    anchor = sub(parent, "a", href=href)
    if has_text:
        render_inlines(anchor, content, ctx, where, in_link=True)
    else:
        # A link must have text (WCAG 2.4.4); an autolink's text is its address.
        anchor.text = clean(url.strip())
        anchor.set("class", "url")


@dataclass
class Outline:
    """Heading levels on one page: keeps them in order and feeds the table of contents."""

    page: str
    entry: TocEntry
    previous: int = 1
    stack: list[tuple[int, TocEntry]] = field(default_factory=list)

    def place(self, wanted: int, label: str, anchor: str) -> int:
        """The HTML level for a heading the model puts at ``wanted``: never skips a level."""
        level = max(2, min(wanted, self.previous + 1, MAX_HEADING))
        self.previous = level
        entry = TocEntry(label=label, href=f"{self.page}#{anchor}")
        while self.stack and self.stack[-1][0] >= level:
            self.stack.pop()
        (self.stack[-1][1] if self.stack else self.entry).children.append(entry)
        self.stack.append((level, entry))
        return level


def render_blocks(parent: etree._Element, blocks: Sequence[Block], ctx: Context, where: str,
                  outline: Outline | None) -> int:
    """Render ``blocks``; returns how many elements were written (empty paragraphs are skipped)."""
    written = 0
    for index, block in enumerate(blocks):
        here = f"{where}[{index}]"
        match block:
            case Para(content=content):
                has_break = any(isinstance(node, LineBreak) for node in content)
                if not clean(plain_inlines(content)).strip() and not has_break and is_blank(content):
                    continue
                render_inlines(sub(parent, "p"), content, ctx, here)
            case Heading(level=level, content=content):
                text = one_line(plain_inlines(content))
                if not text:
                    ctx.diagnostics.append(Diagnostic(field=here, message="empty heading left out"))
                    continue
                if outline is None:
                    # Inside a quotation or list a heading would break the page outline.
                    render_inlines(sub(sub(parent, "p", class_="heading"), "strong"), content, ctx, here)
                else:
                    anchor = ctx.new_id("h")
                    html_level = outline.place(level + 1, text, anchor)
                    if html_level != level + 1:
                        message = f"heading level {level} placed at h{html_level} to keep levels in order"
                        ctx.diagnostics.append(Diagnostic(field=here, message=message))
                    render_inlines(sub(parent, f"h{html_level}", id=anchor), content, ctx, here)
            case Quote(blocks=inner):
                quote = sub(parent, "blockquote")
                if not render_blocks(quote, inner, ctx, here, None):
                    parent.remove(quote)
                    continue
            case ListBlock(ordered=ordered, items=items, start=start):
                if not items:
                    continue
                listing = sub(parent, "ol" if ordered else "ul")
                if ordered and start != 1:
                    listing.set("start", str(start))
                for number, item in enumerate(items):
                    render_blocks(sub(listing, "li"), item, ctx, f"{here}.items[{number}]", None)
            case Rule():
                sub(parent, "hr")
            case CodeBlock():
                structure.render_code(parent, block)
            case Figure():
                structure.render_figure(parent, block, ctx, here)
            case Table():
                structure.render_table(parent, block, ctx, here)
            case _:
                assert_never(block)
        written += 1
    return written


# --------------------------------------------------------------------------------------------
# Pages


def title_page(document: Document, ctx: Context, title: str) -> Page:
    meta = document.metadata
    html, body = new_page(ctx, title, "frontmatter")
    section = sub(body, "section", epub_type="titlepage", class_="titlepage", aria_labelledby="title")
    sub(section, "h1", id="title").text = clean(title)
    if one_line(meta.subtitle):
        sub(section, "p", class_="subtitle").text = one_line(meta.subtitle)
    names = [one_line(author.name) for author in meta.authors if one_line(author.name)]
    if names:
        # CLDR joins the names in the article's language ("A, B y C"), labels or not.
        sub(section, "p", class_="byline").text = join_names(names, ctx.language)
    if one_line(meta.site):
        sub(section, "p", class_="site").text = one_line(meta.site)
    date = parse_date(meta.date)
    if date is not None:
        when = sub(sub(section, "p", class_="date"), "time", datetime=date.iso())
        when.text = reader_date(date, ctx.language)
    return Page(name="title.xhtml", root=html, landmark="titlepage", landmark_label=ctx.labels.title_page,
                toc=[TocEntry(label=ctx.labels.title_page, href="title.xhtml")])


def text_page(document: Document, ctx: Context, title: str) -> Page | None:
    """The article body under its title, or None when the body has nothing to show."""
    html, body = new_page(ctx, title, "bodymatter")
    section = sub(body, "section", aria_labelledby="text-title")
    sub(section, "h1", id="text-title").text = clean(title)
    entry = TocEntry(label=title, href="text.xhtml")
    outline = Outline(page="text.xhtml", entry=entry)
    if not render_blocks(section, document.body, ctx, "body", outline):
        return None
    structure.render_notes(section, ctx, outline)
    return Page(name="text.xhtml", root=html, landmark="bodymatter", landmark_label=title, toc=[entry])


def _author_bios(document: Document) -> list[tuple[int, str]]:
    """(author index, bio) for the authors' bios, unless the article prints bios as back matter.

    The model may hold the same words twice (an author's ``bio`` and a bio back item, cut into
    paragraphs differently); the back items are what the article printed, so they win.
    """
    if any(item.kind == "bio" for item in document.back):
        return []
    return [(i, one_line(a.bio)) for i, a in enumerate(document.metadata.authors) if one_line(a.bio)]


def back_page(document: Document, ctx: Context) -> Page | None:
    """Author bios, notes and links, one section each, or None when the article has none."""
    groups: list[tuple[str, list[tuple[str, Sequence[Block]]]]] = []
    bios: list[tuple[str, Sequence[Block]]] = [
        (f"back[{i}]", item.blocks) for i, item in enumerate(document.back) if item.kind == "bio"]
    for number, bio in _author_bios(document):
        bios.append((f"metadata.authors[{number}].bio", (Para(content=(Str(text=bio),)),)))
    if bios:
        authors = document.metadata.authors
        several = len([a for a in authors if one_line(a.bio)] or authors) > 1
        groups.append((ctx.labels.about_authors if several else ctx.labels.about_author, bios))
    for kind, label in (("note", ctx.labels.notes), ("links", ctx.labels.links)):
        items: list[tuple[str, Sequence[Block]]] = [
            (f"back[{i}]", item.blocks) for i, item in enumerate(document.back) if item.kind == kind]
        if items:
            groups.append((label, items))
    html, body = new_page(ctx, groups[0][0] if groups else "", "backmatter")
    entries: list[TocEntry] = []
    for label, items in groups:
        anchor = ctx.new_id("back")
        section = sub(body, "section", aria_labelledby=anchor)
        ctx.label(section, "h1", label, id=anchor)
        entry = TocEntry(label=label, href=f"back.xhtml#{anchor}" if entries else "back.xhtml")
        outline = Outline(page="back.xhtml", entry=entry)
        written = sum(render_blocks(section, blocks, ctx, where, outline) for where, blocks in items)
        if written:
            entries.append(entry)
            structure.render_notes(section, ctx, outline)
        else:
            body.remove(section)
    if not entries:
        return None
    return Page(name="back.xhtml", root=html, landmark="backmatter", landmark_label=entries[0].label,
                toc=entries)


_NOT_HTTP = "not an http(s) address; left out"


def colophon_page(document: Document, ctx: Context, title_supplied: bool) -> Page:
    """"Source and rights": copyright, licence, source and its address, notices, and how the title came."""
    rights, meta = document.rights, document.metadata
    html, body = new_page(ctx, ctx.labels.colophon, "backmatter")
    section = sub(body, "section", epub_type="colophon", role="doc-colophon", class_="colophon",
                  aria_labelledby="colophon-title")
    ctx.label(section, "h1", ctx.labels.colophon, id="colophon-title")
    before = len(section)

    statement = one_line(rights_line(document))
    if statement:
        sub(section, "p", class_="rights").text = statement

    license_href = external_href(rights.license_url)
    if one_line(rights.license) or license_href:
        paragraph = sub(section, "p", class_="license")
        append_text(paragraph, one_line(rights.license))
        if license_href:
            append_text(paragraph, " " if one_line(rights.license) else "")
            sub(paragraph, "a", href=license_href, class_="url").text = license_href
    elif rights.license_url:
        ctx.diagnostics.append(Diagnostic(field="rights.license_url", message=_NOT_HTTP))

    source = one_line(rights.source)
    source_paragraph = sub(section, "p", class_="source") if source else None
    shown: set[str] = set()
    for where, url in (("rights.source_url", rights.source_url), ("metadata.url", meta.url)):
        href = external_href(url)
        if href is None:
            if url:
                ctx.diagnostics.append(Diagnostic(field=where, message=_NOT_HTTP))
            continue
        if href in shown:
            continue
        shown.add(href)
        printed = one_line(url)
        if source_paragraph is not None and printed in source and not len(source_paragraph):
            # The attribution prints the address ("Source: https://…"): link it there, once.
            lead, _, rest = source.partition(printed)
            append_text(source_paragraph, lead)
            sub(source_paragraph, "a", href=href, class_="url").text = printed
            append_text(source_paragraph, rest)
            continue
        sub(sub(section, "p", class_="source-url"), "a", href=href, class_="url").text = href
    if source_paragraph is not None and not len(source_paragraph):
        source_paragraph.text = source

    published = [p for p in (one_line(meta.site), one_line(meta.publisher)) if p]
    if published and (statement or shown or one_line(rights.source)):
        sub(section, "p", class_="publisher").text = " · ".join(dict.fromkeys(published))

    notices = [n for n in rights.notices if one_line(n.text)]
    if notices:
        block = sub(section, "div", class_="notices")
        for notice in notices:
            paragraph = sub(block, "p", class_=f"notice notice-{notice.kind}")
            for piece, target in text_links(one_line(notice.text)):
                href = external_href(target) if target else None
                if href:
                    sub(paragraph, "a", href=href).text = piece
                else:
                    append_text(paragraph, piece)

    if len(section) == before:
        ctx.label(section, "p", ctx.labels.nothing_printed, class_="supplied")
    if title_supplied:
        ctx.label(section, "p", ctx.labels.supplied_title, class_="supplied")
    return Page(name="colophon.xhtml", root=html, landmark="colophon", landmark_label=ctx.labels.colophon,
                toc=[TocEntry(label=ctx.labels.colophon, href="colophon.xhtml")])


def nav_document(pages: Sequence[Page], ctx: Context) -> etree._Element:
    """``nav.xhtml``: the table of contents in spine order, then the landmarks."""
    html, body = new_page(ctx, ctx.labels.contents)
    toc = sub(body, "nav", epub_type="toc", id="toc", role="doc-toc", aria_labelledby="toc-title")
    ctx.label(toc, "h1", ctx.labels.contents, id="toc-title")
    _toc_list(toc, [entry for page in pages for entry in page.toc])
    landmarks = sub(body, "nav", epub_type="landmarks", id="landmarks", hidden="hidden",
                    aria_labelledby="landmarks-title")
    ctx.label(landmarks, "h2", ctx.labels.landmarks, id="landmarks-title")
    listing = sub(landmarks, "ol")
    for page in pages:
        anchor = sub(sub(listing, "li"), "a", epub_type=page.landmark, href=page.name)
        anchor.text = clean(page.landmark_label)
    return html


def _toc_list(parent: etree._Element, entries: Sequence[TocEntry]) -> None:
    listing = sub(parent, "ol")
    for entry in entries:
        item = sub(listing, "li")
        sub(item, "a", href=entry.href).text = clean(entry.label)
        if entry.children:
            _toc_list(item, entry.children)


def build_pages(document: Document, ctx: Context) -> tuple[list[Page], etree._Element]:
    """The spine's pages in reading order and the nav document."""
    title = display_title(document)
    if title.supplied:
        ctx.diagnostics.append(Diagnostic(field="metadata.title", supplied=True,
                                          message=f"no printed title; used {title.rule}: {title.value!r}"))
    pages = [title_page(document, ctx, one_line(title.value) or "—")]
    for page in (text_page(document, ctx, one_line(title.value) or "—"), back_page(document, ctx)):
        if page is not None:
            pages.append(page)
    pages.append(colophon_page(document, ctx, title.supplied))
    return pages, nav_document(pages, ctx)
