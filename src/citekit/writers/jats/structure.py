"""Figures, tables, code blocks and footnotes as JATS (JATS4R's figure, table and footnote models).

* :class:`~citekit.model.Figure` → ``fig`` (``caption``, ``graphic`` with ``alt-text``, ``attrib``).
  JATS is one XML file: an image's bytes cannot travel in it, so ``graphic`` names the image's
  address (or, for an image the input carried without one, the file name it would have) and a
  diagnostic says the bytes were not written. A decorative image's ``alt-text`` is ``null``, as
  JATS4R's accessibility recommendation asks.
* :class:`~citekit.model.Table` → ``table-wrap`` holding an XHTML ``table`` laid out on one grid
  (:mod:`citekit.writers._tables`): ``th scope="col"`` in ``thead``, ``th scope="row"`` for row
  headers, ``colspan``/``rowspan``, ``align``; ``tfoot`` before ``tbody``, as JATS's table model has it.
* :class:`~citekit.model.CodeBlock` → ``code`` (``language`` when known), whitespace kept.
* :class:`~citekit.model.Note` → ``xref ref-type="fn"`` where it is referenced and ``fn`` (numbered
  in reading order, body first) in one ``fn-group`` in ``back``.

Containers that hold only paragraphs (``list-item``, ``fn``, ``td`` for some blocks) get these
inside a ``p``, which JATS allows to hold display elements.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from citekit.model import Block, CodeBlock, Figure, Heading, Inline, Para, Str, Table, is_blank, plain_blocks
from citekit.writers import Diagnostic, _tables
from citekit.writers.jats import content
from citekit.writers.jats.xmltree import HREF, Element, clean_line, has_content, sub

if TYPE_CHECKING:
    from citekit.writers.jats.content import Context

_EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif"}


def render_code(parent: Element, block: CodeBlock) -> None:
    attributes = {"language": block.language} if block.language else None
    sub(parent, "code", block.text, attributes)


def render_figure(parent: Element, figure: Figure, ctx: Context, where: str) -> None:
    ctx.figures += 1
    fig = sub(parent, "fig", attrib={"id": f"fig-{ctx.figures}"})
    _caption(fig, figure.caption, ctx, where + ".caption")
    image = figure.image
    href = image.src or f"fig-{ctx.figures}.{_EXTENSIONS.get(image.media_type or '', 'img')}"
    attributes = {HREF: href}
    if image.media_type:
        attributes |= {"mimetype": "image", "mime-subtype": image.media_type.split("/")[1]}
    graphic = sub(fig, "graphic", attrib=attributes)
    alt = image.alt
    if alt is None and plain_blocks(figure.caption).strip():
        # JATS4R asks every graphic for alt-text; the caption is the description the input gives.
        alt = plain_blocks(figure.caption)
        ctx.diagnostics.append(Diagnostic(field=where + ".image.alt", supplied=True,
                                          message="no text alternative: alt-text supplied from the caption"))
    if alt is None:
        ctx.note(where + ".image.alt", "image without a text alternative or caption: graphic has no alt-text")
    else:
        # JATS4R: "null" marks an image as decorative (no text alternative needed).
        sub(graphic, "alt-text", clean_line(alt) or "null")
    if image.data is not None:
        ctx.note(where + ".image", f"image bytes not written: JATS is one XML file; graphic refers to {href!r}")
    if not is_blank(figure.credit):
        content.render_inlines(sub(fig, "attrib"), _one_line(figure.credit), ctx, where + ".credit")


def _one_line(inlines: tuple[Inline, ...]) -> tuple[Inline, ...]:
    """``inlines`` with line breaks made spaces (``attrib`` and ``th`` text have no ``break`` in Publishing)."""
    return tuple(part for number, line in enumerate(content.split_lines(inlines))
                 for part in ((Str(text=" "),) if number else ()) + line)


def _caption(parent: Element, blocks: tuple[Block, ...], ctx: Context, where: str) -> None:
    if not blocks:
        return
    caption = sub(parent, "caption")
    render_paragraphs(caption, blocks, ctx, where)
    if not has_content(caption):
        parent.remove(caption)


def render_paragraphs(container: Element, blocks: tuple[Block, ...], ctx: Context, where: str) -> None:
    """``blocks`` into a container that holds only ``p`` (``caption``, ``fn``): display blocks
    (lists, quotes, figures, tables, code) go inside a ``p``; a heading becomes a bold ``p``."""
    for index, block in enumerate(blocks):
        path = f"{where}[{index}]"
        match block:
            case Para(content=inlines):
                content.render_paragraph(container, inlines, ctx, path)
            case Heading():
                content.render_block(container, block, ctx, path)
            case _:
                holder = sub(container, "p")
                content.render_block(holder, block, ctx, path)
                if not has_content(holder):
                    container.remove(holder)


def render_table(parent: Element, table: Table, ctx: Context, where: str) -> None:
    if not (table.head or table.body or table.foot):
        # A table-wrap must hold a table (JATS4R): with no rows there is none, so the caption is text.
        ctx.note(where, "table without rows: its caption is written as text" if table.caption else
                 "table without rows or caption left out")
        # Its words as text (a caption may hold any block, and this table may sit inside a p).
        words = (Str(text=" ".join(plain_blocks(table.caption).split())),)
        if parent.tag == "p":
            content.render_inlines(parent, words, ctx, where + ".caption")
        elif words[0].text:
            content.render_paragraph(parent, words, ctx, where + ".caption")
        return
    ctx.tables += 1
    wrap = sub(parent, "table-wrap", attrib={"id": f"table-{ctx.tables}"})
    _caption(wrap, table.caption, ctx, where + ".caption")
    grid, rows = _tables.laid_out(table)
    if grid is None:
        ctx.note(where, _tables.TOO_LARGE)
    element = sub(wrap, "table")
    groups: dict[str, Element] = {}
    for part in ("head", "foot", "body"):  # JATS's XHTML table model: thead, tfoot, then tbody
        if any(row.part == part for row in rows) and table.body:
            groups[part] = sub(element, f"t{part}")
    if not table.body:  # JATS needs a tbody: header and footer rows alone are written in it
        groups = dict.fromkeys(("head", "body", "foot"), sub(element, "tbody"))
    for number, row in enumerate(rows):
        tr = sub(groups[row.part], "tr")
        for placed in row.cells:
            _cell(tr, placed, ctx, f"{where}.rows[{number}]")
        for _ in range(row.padding or (0 if row.cells else 1)):  # a tr holds at least one cell
            sub(tr, "td")
    if next(element.iter("th"), None) is None:
        ctx.note(where, NO_HEADERS)


NO_HEADERS = ("table without header cells: the input marks none, and none is guessed (JATS4R and "
              "accessibility checkers ask for them)")


def _cell(tr: Element, placed: _tables.PlacedCell, ctx: Context, where: str) -> None:
    attributes: dict[str, str] = {}
    if placed.header:
        attributes["scope"] = placed.header
    if placed.colspan > 1:
        attributes["colspan"] = str(placed.colspan)
    if placed.rowspan > 1:
        attributes["rowspan"] = str(placed.rowspan)
    if placed.align != "default":
        attributes["align"] = placed.align
    cell = sub(tr, "th" if placed.header else "td", attrib=attributes)
    blocks = placed.cell.blocks
    if len(blocks) == 1 and isinstance(blocks[0], Para):
        # The common cell: its inlines directly, line breaks as break (allowed in cells).
        for number, line in enumerate(content.split_lines(blocks[0].content)):
            if number:
                sub(cell, "break")
            content.render_inlines(cell, line, ctx, where)
        return
    render_paragraphs(cell, blocks, ctx, where)


def render_notes(back: Element, ctx: Context) -> None:
    """Every note referenced so far, in one ``fn-group``; notes referenced inside notes join the end."""
    if not ctx.notes:
        return
    group = sub(back, "fn-group")
    written = 0
    while written < len(ctx.notes):  # rendering a note may reference more notes
        blocks = ctx.notes[written]
        written += 1
        fn = sub(group, "fn", attrib={"id": f"fn-{written}"})
        sub(fn, "label", str(written))
        render_paragraphs(fn, blocks, ctx, f"notes[{written - 1}]")
        if len(fn) == 1:  # fn needs a paragraph: an empty note still says so
            sub(fn, "p")
            ctx.note(f"notes[{written - 1}]", f"note {written} is empty")


def note_reference(parent: Element, blocks: tuple[Block, ...], ctx: Context, *, link: bool) -> None:
    """The note's number, linked to its ``fn`` (``link``), or raised where no ``xref`` may go
    (inside ``ext-link`` in the Publishing tag set)."""
    ctx.notes.append(blocks)
    number = len(ctx.notes)
    if link:
        sub(parent, "xref", str(number), {"ref-type": "fn", "rid": f"fn-{number}"})
    else:
        sub(parent, "sup", str(number))
