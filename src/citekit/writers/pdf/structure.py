"""Figures, tables, code blocks and notes as reportlab flowables.

* :class:`~citekit.model.Table` → a platypus ``Table`` laid out on the shared grid
  (:mod:`citekit.writers._tables`): header rows repeat on every page, spans, alignments, row
  headers in bold. Body rows are set in runs of :data:`ROWS_PER_TABLE` (a row span is cut at the end
  of its run) because reportlab re-measures every remaining row each time a table breaks across a
  page, which is quadratic in the rows. A table wider than :data:`MAX_COLUMNS`, or too large for
  a grid, is set as text, one line a row with cells joined by " | ", and a diagnostic says so.
  A table inside a cell is set the same way.
* :class:`~citekit.model.Figure` → the image scaled to the column (at most half a page tall) with
  its caption and credit below, kept together. An image the input gave only by address, or whose
  bytes do not decode, is a line saying so, with its description and a live link.
* :class:`~citekit.model.CodeBlock` → ``Preformatted`` in the monospaced face; lines longer than
  the column are wrapped, every space kept.
* :class:`~citekit.model.Note` → a raised, linked number in the text; the notes are endnotes,
  numbered in reading order under a "Footnotes" heading after the body (and after the back matter
  for notes referenced there), each linked back to its reference.
"""

from __future__ import annotations

import io
from functools import cache
from typing import TYPE_CHECKING, Any

from citekit.model import (
    Alignment,
    Block,
    CodeBlock,
    Figure,
    Para,
    Table,
    image_dimensions,
    is_blank,
    plain_blocks,
)
from citekit.writers import Diagnostic, _tables
from citekit.writers.pdf.markup import clean_text, escape_text, inline_markup
from citekit.writers.pdf.style import TextStyle

if TYPE_CHECKING:
    from citekit.writers.pdf.flow import FlowBuilder

MAX_COLUMNS = 10
"""The most columns a table is set with on the page; a wider one is set as text."""
ROWS_PER_TABLE = 60
"""Body rows set in one platypus table (see the module docstring)."""
MAX_IMAGE_HEIGHT = 0.5
"""An image's greatest height, as a share of the page's text height."""
_TAB = "    "
_ALIGN = {"default": "LEFT", "left": "LEFT", "center": "CENTER", "right": "RIGHT"}


@cache
def _style(role: TextStyle, align: Alignment = "default") -> Any:
    """A ParagraphStyle for ``role`` without indents, aligned (cells, captions, code)."""
    from reportlab.lib.colors import HexColor
    from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle

    alignment = {"center": TA_CENTER, "right": TA_RIGHT}.get(align, TA_LEFT)
    return ParagraphStyle(
        name=f"citekit-{role.font}-{role.size}-{align}", fontName=role.font, fontSize=role.size,
        leading=role.leading, textColor=HexColor(role.colour), spaceBefore=role.space_before,
        spaceAfter=role.space_after, alignment=alignment, bulletFontName=role.family, splitLongWords=1,
        uriWasteReduce=0.3)


def _paragraph(builder: FlowBuilder, markup: str, role: str, align: Alignment = "default") -> Any:
    from reportlab.platypus import Paragraph

    return Paragraph(markup, _style(builder.style.role(role), align))


# --------------------------------------------------------------------------------------------
# Code


def code_block(builder: FlowBuilder, block: CodeBlock, left: float) -> list[Any]:
    from reportlab.platypus import Preformatted

    role = builder.style.role("code")
    width = builder.style.text_width - left
    columns = max(20, int(width / (0.61 * role.size)))  # DejaVu Sans Mono advances 0.602 em
    text = clean_text(block.text.replace("\t", _TAB))
    style = _style(role)
    if left:
        from reportlab.lib.styles import ParagraphStyle

        style = ParagraphStyle(name=f"{style.name}-{left}", parent=style, leftIndent=left)
    return [Preformatted(text or " ", style, maxLineLength=columns, newLineChars="")]


# --------------------------------------------------------------------------------------------
# Figures


def figure(builder: FlowBuilder, block: Figure, field: str) -> list[Any]:
    from reportlab.platypus import KeepTogether, Spacer

    parts: list[Any] = [Spacer(1, 4)]
    drawn = _image(builder, block, field)
    parts += drawn if drawn else [_missing_image(builder, block, field)]
    parts += builder.blocks(block.caption, "caption", field=f"{field}.caption")
    if not is_blank(block.credit):
        parts.append(_paragraph(builder, inline_markup(block.credit, builder._context(f"{field}.credit")), "credit"))
    parts.append(Spacer(1, 6))
    return [KeepTogether(parts)]


def _image(builder: FlowBuilder, block: Figure, field: str) -> list[Any]:
    """The image flowable scaled to the column, or [] when there are no bytes or they do not decode."""
    data = block.image.data
    size = image_dimensions(data) if data is not None else None
    if data is None or size is None:
        return []
    try:
        from PIL import Image as PILImage

        with PILImage.open(io.BytesIO(data)) as decoded:
            decoded.load()  # a truncated or corrupt file fails here, not in the middle of the layout
    except (OSError, ValueError, SyntaxError) as error:
        builder.diagnostics.append(Diagnostic(field=f"{field}.image", message=f"image bytes do not decode: {error}"))
        return []
    from reportlab.platypus import Image

    width, height = size
    # The text height of the shorter paper (US Letter), so an image fits either.
    frame_height = 792 - builder.style.top_margin - builder.style.bottom_margin
    # An image pixel is a CSS pixel (0.75 pt), shrunk to fit the column and half the page height.
    scale = min(0.75, builder.style.text_width / width, MAX_IMAGE_HEIGHT * frame_height / height)
    return [Image(io.BytesIO(data), width=width * scale, height=height * scale, kind="absolute")]


def _missing_image(builder: FlowBuilder, block: Figure, field: str) -> Any:
    from citekit.writers.pdf.markup import live_url

    image = block.image
    markup = f"[{escape_text(builder.labels.image_not_included)}"
    description = " ".join((image.alt or "").split())
    if description:
        markup += f": {escape_text(description)}"
    markup += "]"
    target = live_url(image.src, builder.base_url) if image.src else None
    if target:
        markup += " " + builder.url_markup(target, f"{field}.image.src")
    if image.data is None:
        builder.diagnostics.append(Diagnostic(field=f"{field}.image", message=(
            "image not included: the input gives only its address; its description and address are printed")))
    return _paragraph(builder, markup, "caption")


# --------------------------------------------------------------------------------------------
# Tables


def table(builder: FlowBuilder, block: Table, field: str, *, in_cell: bool) -> list[Any]:
    caption = builder.blocks(block.caption, "caption", field=f"{field}.caption")
    grid = _tables.table_grid(block)
    why = ("a table inside a table cell" if in_cell else
           f"the table is too large to lay out (over {_tables.MAX_GRID_SLOTS} cells)" if grid is None else
           f"the table has {grid.columns} columns, more than {MAX_COLUMNS} fit the page"
           if grid.columns > MAX_COLUMNS else None)
    if why is not None or grid is None:
        builder.diagnostics.append(Diagnostic(field=field, message=f"{why}: its rows are set as text, cells "
                                                                   "joined by ' | '"))
        rows = [" | ".join(" ".join(plain_blocks(c.blocks).split()) for c in row.cells)
                for row in (*block.head, *block.body, *block.foot)]
        return caption + [_paragraph(builder, escape_text(row), "cell") for row in rows if row.strip()]
    if not grid.columns:
        return caption
    return caption + _grid_tables(builder, grid, field)


def _grid_tables(builder: FlowBuilder, grid: _tables.TableGrid, field: str) -> list[Any]:
    from reportlab.platypus import Spacer

    head = [row for row in grid.rows if row.part == "head"]
    rest = [row for row in grid.rows if row.part != "head"]
    widths = _column_widths(builder, grid)
    flowables: list[Any] = []
    for start in range(0, max(len(rest), 1), ROWS_PER_TABLE):
        flowables.append(_platypus_table(builder, head + rest[start:start + ROWS_PER_TABLE], len(head), widths,
                                         field))
    return [*flowables, Spacer(1, 8)]


def _column_widths(builder: FlowBuilder, grid: _tables.TableGrid) -> list[float]:
    """Widths that share the column by each column's longest text (each between 4 and 40 characters)."""
    longest = [4] * grid.columns
    for row in grid.rows:
        for placed in row.cells:
            if placed.colspan == 1:
                length = max((len(w) for w in plain_blocks(placed.cell.blocks).split()), default=0)
                text = len(plain_blocks(placed.cell.blocks))
                longest[placed.column] = max(longest[placed.column], min(40, max(length, text)))
    total = sum(longest)
    return [builder.style.text_width * n / total for n in longest]


def _platypus_table(builder: FlowBuilder, rows: list[_tables.GridRow], head_rows: int, widths: list[float],
                    field: str) -> Any:
    from reportlab.lib.colors import HexColor
    from reportlab.platypus import Table as PlatypusTable
    from reportlab.platypus import TableStyle

    data: list[list[Any]] = [[[] for _ in widths] for _ in rows]
    cell_role = builder.style.role("cell")
    commands: list[tuple[Any, ...]] = [
        # Every cell holds flowables; the table's own font (reportlab's default is Helvetica, which
        # would be listed unembedded) is set to the embedded one all the same.
        ("FONT", (0, 0), (-1, -1), cell_role.font, cell_role.size),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("GRID", (0, 0), (-1, -1), 0.4, HexColor(builder.style.colours["rule"])),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if head_rows:
        commands.append(("BACKGROUND", (0, 0), (-1, head_rows - 1), HexColor("#eeeeee")))
    for index, row in enumerate(rows):
        for placed in row.cells:
            last_row = min(index + placed.rowspan - 1, len(rows) - 1)
            last_column = placed.column + placed.colspan - 1
            data[index][placed.column] = _cell(builder, placed, f"{field}.rows[{placed.row}]")
            if last_row > index or last_column > placed.column:
                commands.append(("SPAN", (placed.column, index), (last_column, last_row)))
    return PlatypusTable(data, colWidths=widths, repeatRows=head_rows, style=TableStyle(commands), hAlign="LEFT")


def _cell(builder: FlowBuilder, placed: _tables.PlacedCell, field: str) -> list[Any]:
    role = "cell_header" if placed.header else "cell"
    flowables: list[Any] = []
    for index, block in enumerate(placed.cell.blocks):
        if isinstance(block, Para):
            if not is_blank(block.content):
                markup = inline_markup(block.content, builder._context(field))
                flowables.append(_paragraph(builder, markup, role, placed.align))
        else:
            flowables += builder.block(block, role, field=f"{field}.blocks[{index}]", left=0, right=0,
                                       list_depth=0)
    return flowables


# --------------------------------------------------------------------------------------------
# Notes


def notes_section(builder: FlowBuilder) -> list[Any]:
    """The notes referenced since the last call, as numbered endnotes under one heading."""
    if builder.notes_written == len(builder.notes):
        return []
    flowables: list[Any] = list(builder.section_heading(builder.labels.footnotes))
    while builder.notes_written < len(builder.notes):  # a note may reference more notes: they follow
        blocks: tuple[Block, ...] = builder.notes[builder.notes_written]
        builder.notes_written += 1
        number = builder.notes_written
        where = f"notes[{number - 1}]"
        label = (f'<a name="citekit-note-{number}"/><a href="#citekit-noteref-{number}" '
                 f'color="{builder.link_colour}">{number}.</a> ')
        rest = blocks
        if blocks and isinstance(blocks[0], Para):  # the number opens the note's first paragraph
            label += inline_markup(blocks[0].content, builder._context(f"{where}[0]"))
            rest = blocks[1:]
        flowables.append(_paragraph(builder, label, "note"))
        flowables += builder.blocks(rest, "note", field=where)
    return flowables
