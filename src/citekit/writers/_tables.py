"""A table laid out on one grid, the same way for every writer.

The model keeps a table as the input gives it: rows may be ragged and spans may run past the
table's edge, as HTML allows. Writers that draw a grid (the PDF) need every slot; writers that
write markup (JATS, EPUB) want regular rows, so a short row is padded with empty cells, as
pandoc's table normalisation does. :func:`table_grid` does both once, in one pass over the cells:

* a cell goes into the first slot of its row not covered by a cell spanning down from above;
* a row span stops at the end of its part (head, body, foot), a column span at the grid's edge;
* the grid is as wide as its widest row, and each row is told how many empty cells pad it.

A table whose grid would exceed :data:`MAX_GRID_SLOTS` is not laid out (None): writers write its
rows as they stand, or as text, and say so. Cost is linear in the slots, so the bound is the cost.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from citekit.model import Alignment, Table, TableCell, TableRow

MAX_GRID_SLOTS = 1_000_000
"""Rows × columns beyond which a table is not laid out on a grid."""

Part = Literal["head", "body", "foot"]


@dataclass(frozen=True, slots=True, kw_only=True)
class PlacedCell:
    """A cell where it lands on the grid."""

    cell: TableCell
    row: int
    """Row on the grid (head rows first, then body, then foot), from 0."""
    column: int
    """First column, from 0."""
    colspan: int
    """Columns covered, clipped to the grid."""
    rowspan: int
    """Rows covered, clipped to the cell's part."""
    header: Literal["col", "row"] | None
    """"col" for a head cell, "row" for a body cell among the row-header columns, else None."""
    align: Alignment
    """The cell's alignment, else its column's, else "default"."""


@dataclass(frozen=True, slots=True, kw_only=True)
class GridRow:
    """One row of the grid."""

    part: Part
    cells: tuple[PlacedCell, ...]
    padding: int
    """Empty cells to add at the end so the row fills the grid."""


@dataclass(frozen=True, slots=True, kw_only=True)
class TableGrid:
    """A table laid out: its width and its rows, head, body and foot in order."""

    columns: int
    rows: tuple[GridRow, ...]


def _width_bound(rows: tuple[TableRow, ...]) -> int:
    """At least as many columns as the grid can need: the widest row, plus every column that a
    cell spanning down could push further right."""
    widest = max((sum(c.colspan for c in row.cells) for row in rows), default=0)
    return widest + sum(c.colspan for row in rows for c in row.cells if c.rowspan > 1)


def table_grid(table: Table) -> TableGrid | None:
    """``table`` on one grid, or None when the grid would exceed :data:`MAX_GRID_SLOTS`."""
    parts: tuple[tuple[Part, tuple[TableRow, ...]], ...] = (
        ("head", table.head), ("body", table.body), ("foot", table.foot))
    all_rows = table.head + table.body + table.foot
    bound = _width_bound(all_rows)
    if bound * len(all_rows) > MAX_GRID_SLOTS:
        return None
    placed: list[tuple[Part, list[PlacedCell], int]] = []
    row_number = 0
    for part, rows in parts:
        covered_until = [-1] * bound  # per column: the last row a cell from above covers
        for index, row in enumerate(rows):
            column = 0
            cells: list[PlacedCell] = []
            for cell in row.cells:
                while column < bound and covered_until[column] >= row_number:
                    column += 1
                colspan = min(cell.colspan, bound - column)
                rowspan = min(cell.rowspan, len(rows) - index)
                for spanned in range(column, column + colspan):
                    covered_until[spanned] = row_number + rowspan - 1
                header: Literal["col", "row"] | None = "col" if part == "head" else (
                    "row" if part == "body" and column < table.row_header_columns else None)
                align = cell.align if cell.align != "default" else (
                    table.alignments[column] if column < len(table.alignments) else "default")
                cells.append(PlacedCell(cell=cell, row=row_number, column=column, colspan=colspan,
                                        rowspan=rowspan, header=header, align=align))
                column += colspan
            placed.append((part, cells, row_number))
            row_number += 1
    columns = max((c.column + c.colspan for _, cells, _ in placed for c in cells), default=0)
    occupied = [0] * row_number
    for _, placed_cells, _ in placed:
        for placed_cell in placed_cells:
            for covered in range(placed_cell.row, placed_cell.row + placed_cell.rowspan):
                occupied[covered] += min(placed_cell.colspan, columns - placed_cell.column)
    return TableGrid(columns=columns, rows=tuple(
        GridRow(part=part, cells=tuple(cells), padding=max(0, columns - occupied[number]))
        for part, cells, number in placed))


TOO_LARGE = (f"table too large to lay out on a grid (over {MAX_GRID_SLOTS} slots): rows written as they stand, "
             "short rows not padded")
"""What a markup writer reports for a table :func:`laid_out` could not put on a grid."""


def laid_out(table: Table) -> tuple[TableGrid | None, tuple[GridRow, ...]]:
    """The table's grid and its rows; past :data:`MAX_GRID_SLOTS`, no grid and the rows as they stand
    (the writer reports :data:`TOO_LARGE`)."""
    grid = table_grid(table)
    return grid, grid.rows if grid is not None else rows_as_given(table)


def rows_as_given(table: Table) -> tuple[GridRow, ...]:
    """A table's rows as they stand, for one too large for a grid: no padding, no clipping, column
    positions unknown (0); head cells are still column headers."""
    parts: tuple[tuple[Part, tuple[TableRow, ...]], ...] = (
        ("head", table.head), ("body", table.body), ("foot", table.foot))
    return tuple(
        GridRow(part=part, padding=0, cells=tuple(
            PlacedCell(cell=cell, row=0, column=0, colspan=cell.colspan, rowspan=cell.rowspan,
                       header="col" if part == "head" else None, align=cell.align) for cell in row.cells))
        for part, rows in parts for row in rows)
