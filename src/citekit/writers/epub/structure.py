"""Figures, tables, code blocks and footnotes as EPUB 3 XHTML.

* :class:`~citekit.model.Figure` → ``figure`` with ``img`` and ``figcaption`` (caption, then the
  credit). The image is in the book only when the input carried its bytes (``images/fig-N.png``):
  EPUB 3 forbids remote images, so an image known only by its address is shown as a line saying
  it is not included, with its description and a link to it, and a diagnostic. The text
  alternative is the image's ``alt``; without one, a captioned image is named by its caption
  (``aria-labelledby``) rather than by a copy of it; a decorative image has ``alt=""`` and
  ``role="presentation"``. An image with neither is left without a name, and the accessibility
  evaluation says so (no conformance is claimed).
* :class:`~citekit.model.Table` → ``table`` with ``caption``, ``thead``/``tbody``/``tfoot``,
  ``th scope="col"``/``scope="row"``, spans and ``text-align`` (pandoc's HTML does the same).
* :class:`~citekit.model.CodeBlock` → ``pre`` > ``code`` (``class="language-…"``).
* :class:`~citekit.model.Note` → a ``noteref`` link (in ``sup``) where it is referenced and an
  EPUB 3 footnote ``aside`` (``epub:type="footnote"``, ``role="doc-footnote"``) in a "Footnotes"
  section at the end of the same page, with a back link. Reading systems that know footnotes
  show them as pop-ups; others show them at the end of the page, as endnotes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from lxml import etree

from citekit.model import Block, CodeBlock, Figure, Para, Table, is_blank, plain_blocks
from citekit.writers import Diagnostic, _tables
from citekit.writers.epub import content
from citekit.writers.epub.text import clean, external_href, one_line

if TYPE_CHECKING:
    from citekit.writers.epub.content import Context, Outline

_EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif"}


@dataclass(frozen=True, slots=True)
class BookImage:
    """An image file the book carries."""

    name: str
    """Path inside the EPUB directory ("images/fig-1.png")."""
    media_type: str
    data: bytes


def render_code(parent: etree._Element, block: CodeBlock) -> None:
    code = content.sub(content.sub(parent, "pre"), "code")
    if block.language:
        code.set("class", f"language-{block.language}")
    code.text = clean(block.text)


def render_figure(parent: etree._Element, figure: Figure, ctx: Context, where: str) -> None:
    figure_id = ctx.new_id("fig")
    element = content.sub(parent, "figure", id=figure_id)
    image = figure.image
    caption_id = f"{figure_id}-caption"
    has_caption = bool(figure.caption) or not is_blank(figure.credit)
    if image.data is not None and image.media_type is not None:
        name = f"images/{figure_id}.{_EXTENSIONS[image.media_type]}"
        ctx.images.append(BookImage(name=name, media_type=image.media_type, data=image.data))
        img = content.sub(element, "img", src=name)
        if image.alt is not None:
            img.set("alt", one_line(image.alt))
            if not one_line(image.alt):
                img.set("role", "presentation")
        elif figure.caption and plain_blocks(figure.caption).strip():
            img.set("aria-labelledby", caption_id)
        else:
            ctx.diagnostics.append(Diagnostic(field=where + ".image.alt", message=(
                "image without a text alternative or caption: the book claims no accessibility conformance")))
    else:
        _missing_image(element, figure, ctx, where)
    if has_caption:
        caption = content.sub(element, "figcaption", id=caption_id)
        content.render_blocks(caption, figure.caption, ctx, where + ".caption", None)
        if not is_blank(figure.credit):
            content.render_inlines(content.sub(caption, "p", class_="credit"), figure.credit, ctx, where + ".credit")


def _missing_image(figure_element: etree._Element, figure: Figure, ctx: Context, where: str) -> None:
    """The line that stands where an image known only by its address would be."""
    image = figure.image
    line = content.sub(figure_element, "p", class_="image-missing")
    ctx.label(line, "span", ctx.labels.image_not_included)
    description = one_line(image.alt)
    if description:
        content.append_text(line, f": {description}")
    href = external_href(image.src, ctx.base_url)
    if href is not None:
        content.append_text(line, " ")
        content.sub(line, "a", href=href, class_="url").text = href
    ctx.diagnostics.append(Diagnostic(field=where + ".image", message=(
        "image not included: the input gives only its address and an EPUB may not show remote images")))


def render_table(parent: etree._Element, table: Table, ctx: Context, where: str) -> None:
    element = content.sub(parent, "table")
    if table.caption:
        content.render_blocks(content.sub(element, "caption"), table.caption, ctx, where + ".caption", None)
    grid, rows = _tables.laid_out(table)
    if grid is None:
        ctx.diagnostics.append(Diagnostic(field=where, message=_tables.TOO_LARGE))
    groups: dict[str, etree._Element] = {}
    for part in ("head", "body", "foot"):  # HTML: thead, tbody, then tfoot
        if any(row.part == part for row in rows):
            groups[part] = content.sub(element, f"t{part}")
    for number, row in enumerate(rows):
        tr = content.sub(groups[row.part], "tr")
        for placed in row.cells:
            _cell(tr, placed, ctx, f"{where}.rows[{number}]")
        for _ in range(row.padding):
            content.sub(tr, "td")


def _cell(tr: etree._Element, placed: _tables.PlacedCell, ctx: Context, where: str) -> None:
    cell = content.sub(tr, "th" if placed.header else "td")
    if placed.header:
        cell.set("scope", placed.header)
    if placed.colspan > 1:
        cell.set("colspan", str(placed.colspan))
    if placed.rowspan > 1:
        cell.set("rowspan", str(placed.rowspan))
    if placed.align != "default":
        cell.set("style", f"text-align: {placed.align}")
    blocks = placed.cell.blocks
    if len(blocks) == 1 and isinstance(blocks[0], Para):
        content.render_inlines(cell, blocks[0].content, ctx, where)
    else:
        content.render_blocks(cell, blocks, ctx, where, None)


def note_reference(parent: etree._Element, blocks: tuple[Block, ...], ctx: Context) -> None:
    """The note's number in ``sup``, a ``noteref`` link to its ``aside``."""
    ctx.notes.append(blocks)
    number = len(ctx.notes)
    anchor = content.sub(content.sub(parent, "sup"), "a", href=f"#fn-{number}", id=f"fnref-{number}",
                         role="doc-noteref", epub_type="noteref")
    anchor.text = str(number)


def render_notes(parent: etree._Element, ctx: Context, outline: Outline) -> None:
    """The notes referenced on this page since the last call, as footnote asides under a heading."""
    if ctx.notes_written == len(ctx.notes):
        return
    heading_id = ctx.new_id("footnotes")
    section = content.sub(parent, "section", class_="footnotes", aria_labelledby=heading_id)
    level = outline.place(2, ctx.labels.footnotes, heading_id)
    ctx.label(section, f"h{level}", ctx.labels.footnotes, id=heading_id)
    while ctx.notes_written < len(ctx.notes):  # a note may reference more notes: they follow
        blocks = ctx.notes[ctx.notes_written]
        ctx.notes_written += 1
        number = ctx.notes_written
        aside = content.sub(section, "aside", id=f"fn-{number}", role="doc-footnote", epub_type="footnote")
        back = content.sub(content.sub(aside, "p", class_="note-label"), "a", href=f"#fnref-{number}",
                           role="doc-backlink")
        back.text = f"{number}."
        if not content.render_blocks(aside, blocks, ctx, f"notes[{number - 1}]", None):
            ctx.diagnostics.append(Diagnostic(field=f"notes[{number - 1}]", message=f"note {number} is empty"))
