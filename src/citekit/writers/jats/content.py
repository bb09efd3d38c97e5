"""Blocks and inlines as JATS: body sections, paragraphs, quotes, lists, links, and the back matter.

JATS content models are strict about what goes where, so each renderer knows its container:
``break`` is allowed in titles but not in ``p``, ``ext-link``, ``mixed-citation`` or (in the
Publishing tag set) the emphasis elements; ``sec`` needs a ``title``; ``list-item`` holds only
``p`` and ``list``; ``hr`` exists only inside an Archiving ``p``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import assert_never
from urllib.parse import urlsplit

from citekit.derive import Labels, labels_for
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
    plain_blocks,
    plain_inlines,
    safe_url,
)
from citekit.writers import Diagnostic
from citekit.writers._links import absolute_url
from citekit.writers._xml import TextRun
from citekit.writers.jats import structure
from citekit.writers.jats.xmltree import HREF, TITLE, Element, append_text, clean, has_content, sub

_MARKS = {Strikeout: "strike", Superscript: "sup", Subscript: "sub"}
"""The JATS element of each inline that only marks its content."""


@dataclass(slots=True)
class Context:
    """State shared while one document is written."""

    document: Document
    diagnostics: list[Diagnostic] = field(default_factory=list)
    references: int = 0
    """References numbered so far (ids ref-1, ref-2, … in document order)."""
    list_ids: int = 0
    """Ordered lists given an id so far (list-1, …), for ``continued-from``."""
    last_ordered: tuple[Element, int] | None = None
    """The latest ordered list and the number its next item would have."""
    notes: list[tuple[Block, ...]] = field(default_factory=list)
    """Each note's blocks, in the order referenced: note n is ``fn-n``."""
    figures: int = 0
    """Figures written so far (ids fig-1, …)."""
    tables: int = 0
    """Tables written so far (ids table-1, …)."""

    @property
    def labels(self) -> Labels:
        """The words the JATS adds (link descriptions), in the article's language."""
        return labels_for(self.document.metadata.language)

    def note(self, where: str, message: str) -> None:
        self.diagnostics.append(Diagnostic(field=where, message=message))

    def absolute_url(self, url: str) -> str | None:
        """``url`` as an absolute http(s)/mailto link, resolving relative ones against the article URL."""
        return absolute_url(url, self.document.metadata.url)


def is_absolute(url: str | None) -> bool:
    """True for a safe http(s) or mailto URL (JATS links leave the page they were scraped from)."""
    return bool(url) and safe_url(url or "") is not None and bool(urlsplit(url or "").scheme)


def describe_link(element: Element, url: str, title: str, labels: Labels) -> None:
    """The link's own title as ``xlink:title``; without one, a link whose text is empty or a bare
    URL gets one naming its host, in the article's language (JATS4R wants every link described)."""
    if title.strip():
        element.set(TITLE, clean(title.strip()))
        return
    text = "".join(str(part) for part in element.itertext()).strip()
    if text and text != url and not text.lower().startswith(("http://", "https://", "ftp://", "sftp://")):
        return
    parts = urlsplit(url)
    where = parts.netloc or parts.path
    element.set(TITLE, clean(labels.link_to.format(where=where or url)))


# --------------------------------------------------------------------------------------------
# Inlines


def render_inlines(parent: Element, inlines: tuple[Inline, ...], ctx: Context, where: str, *,
                   links: bool = True, run: TextRun | None = None) -> None:
    """Append ``inlines`` to ``parent`` (``links``: may it hold ``ext-link``).

    Text goes through ``run`` (the parent's, when a link's text is rendered in its place), so a
    paragraph of many text pieces is written in linear time. Line breaks are lifted out by
    :func:`split_lines` first; one left here (in a citation) is a newline.
    """
    text_run = run if run is not None else TextRun(parent)
    for node in inlines:
        match node:
            case Str(text=text):
                text_run.add(clean(text))
            case Emph(content=content):
                text_run.flush()
                render_inlines(sub(parent, "italic"), content, ctx, where, links=links)
            case Strong(content=content):
                text_run.flush()
                render_inlines(sub(parent, "bold"), content, ctx, where, links=links)
            case Code(text=text):
                text_run.flush()
                sub(parent, "monospace", text)
            case Link(content=content, url=url, title=title):
                target = ctx.absolute_url(url) if links else None
                if target is None:
                    if links:
                        ctx.note(where, f"relative link {url!r} has no article URL to resolve against: "
                                        "kept its text only")
                    render_inlines(parent, content or (Str(text=url),), ctx, where, links=False, run=text_run)
                    continue
                text_run.flush()
                link = sub(parent, "ext-link", attrib={"ext-link-type": "uri", HREF: target})
                render_inlines(link, content or (Str(text=url),), ctx, where, links=False)
                describe_link(link, target, title, ctx.labels)
            case LineBreak():
                text_run.add("\n")
            case Strikeout(content=content) | Superscript(content=content) | Subscript(content=content):
                text_run.flush()
                render_inlines(sub(parent, _MARKS[type(node)]), content, ctx, where, links=links)
            case Note(blocks=blocks):
                text_run.flush()
                structure.note_reference(parent, blocks, ctx, link=links)
            case _:
                assert_never(node)
    if run is None:
        text_run.flush()


def split_lines(inlines: tuple[Inline, ...]) -> list[tuple[Inline, ...]]:
    """``inlines`` cut at every line break, however deeply nested.

    JATS 1.4 allows ``break`` in titles, but not in ``p``, ``ext-link`` or (Publishing) the
    emphasis elements, so a break inside ``Emph`` splits the emphasis: ``*a⏎b*`` → ``*a*``, ``*b*``.
    """
    lines: list[list[Inline]] = [[]]
    for node in inlines:
        match node:
            case LineBreak():
                lines.append([])
            case Emph(content=content) | Strong(content=content) | Link(content=content) | Strikeout(
                    content=content) | Superscript(content=content) | Subscript(content=content) if any(
                    _has_break(n) for n in content):
                for number, part in enumerate(split_lines(content)):
                    if number:
                        lines.append([])
                    if part:
                        lines[-1].append(replace(node, content=part))
            case _:
                lines[-1].append(node)
    return [tuple(line) for line in lines]


def _has_break(node: Inline) -> bool:
    match node:
        case LineBreak():
            return True
        case Emph(content=content) | Strong(content=content) | Link(content=content) | Strikeout(
                content=content) | Superscript(content=content) | Subscript(content=content):
            return any(_has_break(n) for n in content)
        case Str() | Code() | Note():
            return False
        case _:
            assert_never(node)


def render_title(parent: Element, inlines: tuple[Inline, ...], ctx: Context, where: str) -> None:
    """A title's inlines, its line breaks as ``break`` (allowed directly in titles)."""
    for number, line in enumerate(split_lines(inlines)):
        if number:
            sub(parent, "break")
        render_inlines(parent, line, ctx, where)


# --------------------------------------------------------------------------------------------
# Blocks


def render_paragraph(parent: Element, content: tuple[Inline, ...], ctx: Context, where: str) -> None:
    """One ``p`` per line of the paragraph; nothing for an empty one."""
    for line in split_lines(content):
        if not is_blank(line):
            render_inlines(sub(parent, "p"), line, ctx, where)


def render_flow(container: Element, blocks: tuple[Block, ...], ctx: Context, where: str) -> None:
    """Blocks into a container that allows sections (body, bio, notes): headings open nested ``sec``."""
    open_sections: list[tuple[int, Element]] = [(0, container)]
    for index, block in enumerate(blocks):
        path = f"{where}[{index}]"
        if isinstance(block, Heading):
            if not plain_inlines(block.content).strip():
                ctx.note(path, "empty heading dropped (a JATS sec needs a title)")
                continue
            level = max(block.level, 1)
            while open_sections[-1][0] >= level:
                open_sections.pop()
            section = sub(open_sections[-1][1], "sec")
            render_title(sub(section, "title"), block.content, ctx, path)
            open_sections.append((level, section))
            continue
        render_block(open_sections[-1][1], block, ctx, path)


def render_block(parent: Element, block: Block, ctx: Context, where: str) -> None:
    """One block where paragraph-level content is allowed (no sections)."""
    match block:
        case Para(content=content):
            render_paragraph(parent, content, ctx, where)
        case Heading(content=content):
            # A heading inside a quote or list cannot open a section: keep it as a bold line.
            for line in split_lines(content):
                if plain_inlines(line).strip():
                    paragraph = sub(parent, "p", attrib={"content-type": "heading"})
                    render_inlines(sub(paragraph, "bold"), line, ctx, where)
        case Quote(blocks=blocks):
            quote = sub(parent, "disp-quote")
            for index, inner in enumerate(blocks):
                render_block(quote, inner, ctx, f"{where}.blocks[{index}]")
            if not has_content(quote):
                parent.remove(quote)
        case ListBlock():
            render_list(parent, block, ctx, where)
        case Rule():
            # JATS has no block-level thematic break (Archiving allows hr inside p, Publishing not).
            ctx.note(where, "horizontal rule left out: JATS has no thematic break between paragraphs")
        case CodeBlock():
            structure.render_code(parent, block)
        case Figure():
            structure.render_figure(parent, block, ctx, where)
        case Table():
            structure.render_table(parent, block, ctx, where)
        case _:
            assert_never(block)


def render_list(parent: Element, block: ListBlock, ctx: Context, where: str) -> None:
    """``list``/``list-item``. JATS lists have no start number: an ordered list that goes on from
    the previous one says ``continued-from``; one starting elsewhere numbers its items by label."""
    if not block.items:
        return
    listing = sub(parent, "list", attrib={"list-type": "order" if block.ordered else "bullet"})
    labelled = False
    if block.ordered and block.start != 1:
        previous = ctx.last_ordered
        if previous is not None and previous[1] == block.start:
            if previous[0].get("id") is None:
                ctx.list_ids += 1
                previous[0].set("id", f"list-{ctx.list_ids}")
            listing.set("continued-from", previous[0].get("id") or "")
        else:
            labelled = True
    if block.ordered:
        ctx.last_ordered = (listing, block.start + len(block.items))
    for number, item in enumerate(block.items, start=block.start):
        entry = sub(listing, "list-item")
        if labelled:
            sub(entry, "label", f"{number}.")
        for index, inner in enumerate(item):
            path = f"{where}.items[{number - block.start}][{index}]"
            if isinstance(inner, Quote | CodeBlock | Figure | Table):
                # list-item holds only p and list; a p may hold a disp-quote, code, fig or table-wrap.
                holder = sub(entry, "p")
                render_block(holder, inner, ctx, path)
                if not has_content(holder):
                    entry.remove(holder)
            else:
                render_block(entry, inner, ctx, path)
        if not any(child.tag in {"p", "list"} for child in entry):
            sub(entry, "p")


# --------------------------------------------------------------------------------------------
# Back matter


def _same_text(a: str, b: str) -> bool:
    return " ".join(a.split()) == " ".join(b.split())


def render_back(back: Element, ctx: Context) -> None:
    """Bios, notes and link lists from ``back[]``, then the source attribution and notices."""
    document = ctx.document
    author_bios = [author.bio for author in document.metadata.authors if author.bio]
    for index, item in enumerate(document.back):
        where = f"back[{index}].blocks"
        match item.kind:
            case "bio":
                # Already written as contrib/bio when it is an author's bio word for word.
                if any(_same_text(plain_blocks(item.blocks), bio) for bio in author_bios):
                    continue
                bio = sub(back, "bio")
                render_flow(bio, item.blocks, ctx, where)
                if not has_content(bio):
                    back.remove(bio)
            case "note":
                _notes(back, "note", item.blocks, ctx, where)
            case "links":
                if not _reference_list(back, item.blocks, ctx, where):
                    _notes(back, "links", item.blocks, ctx, where)
            case _:
                assert_never(item.kind)
    _rights_notes(back, ctx)
    structure.render_notes(back, ctx)


def _notes(back: Element, kind: str, blocks: tuple[Block, ...], ctx: Context, where: str) -> None:
    notes = sub(back, "notes", attrib={"notes-type": kind})
    render_flow(notes, blocks, ctx, where)
    if not has_content(notes):
        back.remove(notes)


def _reference_list(back: Element, blocks: tuple[Block, ...], ctx: Context, where: str) -> bool:
    """A ``ref-list`` with one ``mixed-citation`` per paragraph; False when the blocks are not that simple."""
    paragraphs: list[tuple[str, tuple[Inline, ...]]] = []
    for index, block in enumerate(blocks):
        path = f"{where}[{index}]"
        match block:
            case Para(content=content):
                paragraphs.append((path, content))
            case ListBlock(items=items) if all(isinstance(b, Para) for item in items for b in item):
                paragraphs.extend((f"{path}.items[{n}]", b.content)
                                  for n, item in enumerate(items) for b in item if isinstance(b, Para))
            case _:
                return False
    paragraphs = [(path, content) for path, content in paragraphs if plain_inlines(content).strip()]
    if not paragraphs:
        return True
    ref_list = sub(back, "ref-list", attrib={"content-type": "related-links"})
    for path, content in paragraphs:
        ctx.references += 1
        ref = sub(ref_list, "ref", attrib={"id": f"ref-{ctx.references}"})
        citation = sub(ref, "mixed-citation", attrib={"publication-type": "webpage"})
        render_inlines(citation, content, ctx, path)
    return True


def _rights_notes(back: Element, ctx: Context) -> None:
    """Source attribution, disclaimers and contacts (permission and fair-use notices are licence text)."""
    rights = ctx.document.rights
    source_url = rights.source_url if is_absolute(rights.source_url) else None
    if rights.source_url and not source_url:
        ctx.note("rights.source_url", f"{rights.source_url!r} is not an absolute http(s) URL: left out")
    if (rights.source and rights.source.strip()) or source_url:
        notes = sub(back, "notes", attrib={"notes-type": "source"})
        paragraph = sub(notes, "p")
        text = (rights.source or "").strip()
        if source_url:
            link = sub(paragraph, "ext-link", attrib={"ext-link-type": "uri", HREF: source_url})
            append_text(link, text or ctx.document.metadata.site or source_url)
            describe_link(link, source_url, ctx.labels.original_source, ctx.labels)
        else:
            append_text(paragraph, text)
    for index, notice in enumerate(rights.notices):
        if notice.kind in {"permission", "fair-use"} or not notice.text.strip():
            continue
        notes = sub(back, "notes", attrib={"notes-type": notice.kind})
        render_paragraph(notes, (Str(text=notice.text),), ctx, f"rights.notices[{index}]")
