"""Model nodes as pandoc's JSON AST (``Text.Pandoc.Definition``, the API version the bundled pandoc
reads): one ``match`` per node kind, each ending in ``assert_never``.

The mapping is the model's own table read backwards (see :mod:`citekit.model`): ``Str`` becomes
pandoc's ``Str`` and ``Space`` runs (pandoc's writers wrap and escape by them), ``Emph``, ``Strong``,
``Code``, ``Link``, ``LineBreak``, ``Strikeout``, ``Superscript``, ``Subscript`` and ``Note`` their
namesakes; ``Para``, ``Heading`` (``Header``), ``Quote`` (``BlockQuote``), ``ListBlock``
(``BulletList``/``OrderedList``, tight when every item is one paragraph), ``Rule``
(``HorizontalRule``), ``CodeBlock`` (its language as the class), ``Figure`` (an ``Image`` whose
description is the image's text alternative, else its caption; the credit ends the caption) and
``Table`` (laid out on one grid by :func:`citekit.writers._tables.table_grid`: column specs, head,
one body with its row-header columns, foot, spans and alignments). Characters XML 1.0 cannot carry
are dropped (DOCX and ODT are XML); everything else is passed as it stands, for pandoc escapes it
for each format.

Images: pandoc runs sandboxed and may fetch nothing, so where an image's bytes can go depends on
the format (:data:`ImagePolicy`); an image a format cannot show is replaced by a line saying so,
with its description and address, and a diagnostic, as in the EPUB writer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, assert_never

from citekit.model import (
    Alignment,
    Block,
    Code,
    CodeBlock,
    Emph,
    Figure,
    Heading,
    Image,
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
    plain_blocks,
    plain_inlines,
)
from citekit.writers import Diagnostic, _tables
from citekit.writers._links import absolute_url
from citekit.writers._text import clean

Node = dict[str, Any]

# Pandoc's Space: runs of ASCII white space only (a no-break space is a character of the word).
_SPACE = re.compile(r"[ \t\r\n]+")
MAX_HEADER_LEVEL = 6
NO_ATTR: list[Any] = ["", [], []]


def attr(classes: Sequence[str] = (), pairs: Sequence[tuple[str, str]] = ()) -> list[Any]:
    """A pandoc ``Attr``: no identifier, the classes, the key-value pairs."""
    return ["", list(classes), [list(p) for p in pairs]]


def text_nodes(text: str) -> list[Node]:
    """``Str`` and ``Space`` nodes for ``text`` (runs of white space are one ``Space``)."""
    nodes: list[Node] = []
    for index, piece in enumerate(_SPACE.split(clean(text))):
        if index:
            nodes.append({"t": "Space"})
        if piece:
            nodes.append({"t": "Str", "c": piece})
    return nodes


ImagePolicy = Literal["embed", "address", "none"]
"""Where a format's images come from. ``embed`` (DOCX, ODT): the image's bytes, given to pandoc as a
``data:`` URI and stored in the package; an image known only by its address is not shown (pandoc is
sandboxed and citekit downloads nothing). ``address`` (Markdown, reStructuredText): the image's
address, resolved like a link; an image with bytes and no address is a ``data:`` URI. ``none``
(LaTeX: one ``.tex`` file holds no image, and an ``includegraphics`` of a URL stops the run): no image
is shown."""


@dataclass
class Context:
    """How links and images are written, and where problems are reported."""

    base_url: str | None
    """The article's absolute address: relative links are resolved against it."""
    keep_relative: bool = False
    """True for formats whose readers follow relative links themselves (Markdown)."""
    diagnostics: list[Diagnostic] = field(default_factory=list)
    images: ImagePolicy = "embed"
    image_not_included: str = "Image not included"
    """The line that stands for an image the format cannot show, in the labels' language."""
    alt_in_figures: bool = True
    """False when a figure's image has no description of its own (Markdown: ``![caption](src)``)."""
    pipe_tables: bool = False
    """True when tables are pipe tables (Markdown): one header row, one paragraph per cell, no spans."""

    def target(self, url: str) -> str | None:
        """The link target to write, or None when the link cannot be followed from the output."""
        if self.keep_relative:
            return url.strip()
        return absolute_url(url, self.base_url)


def inlines(nodes: Sequence[Inline], ctx: Context, where: str) -> list[Node]:
    out: list[Node] = []
    for node in nodes:
        match node:
            case Str(text=text):
                out += text_nodes(text)
            case Emph(content=content):
                out.append({"t": "Emph", "c": inlines(content, ctx, where)})
            case Strong(content=content):
                out.append({"t": "Strong", "c": inlines(content, ctx, where)})
            case Code(text=text):
                out.append({"t": "Code", "c": [NO_ATTR, clean(text)]})
            case Link(content=content, url=url, title=title):
                out += link(content, url, title, ctx, where)
            case LineBreak():
                out.append({"t": "LineBreak"})
            case Strikeout(content=content) | Superscript(content=content) | Subscript(content=content):
                out.append({"t": type(node).__name__, "c": inlines(content, ctx, where)})
            case Note(blocks=inner):
                out.append({"t": "Note", "c": blocks(inner, ctx, f"{where}.note")})
            case _:
                assert_never(node)
    return out


def link(content: Sequence[Inline], url: str, title: str, ctx: Context, where: str) -> list[Node]:
    """A ``Link``; an autolink shows its address; a target the output cannot follow keeps its text."""
    shown = inlines(content, ctx, where) if plain_inlines(tuple(content)).strip() else text_nodes(url.strip())
    target = ctx.target(url)
    if target is None:
        message = f"link target {url.strip()[:200]!r} cannot be followed from this output; kept its text"
        ctx.diagnostics.append(Diagnostic(field=where, message=message))
        return shown
    return [{"t": "Link", "c": [NO_ATTR, shown, [clean(target), clean(title)]]}]


def blocks(nodes: Sequence[Block], ctx: Context, where: str) -> list[Node]:
    out: list[Node] = []
    for index, node in enumerate(nodes):
        here = f"{where}[{index}]"
        match node:
            case Para(content=content):
                out.append({"t": "Para", "c": inlines(content, ctx, here)})
            case Heading(level=level, content=content):
                level = max(1, min(level, MAX_HEADER_LEVEL))
                out.append({"t": "Header", "c": [level, NO_ATTR, inlines(content, ctx, here)]})
            case Quote(blocks=inner):
                out.append({"t": "BlockQuote", "c": blocks(inner, ctx, here)})
            case ListBlock(ordered=ordered, items=items, start=start):
                out.append(list_block(ordered, items, start, ctx, here))
            case Rule():
                out.append({"t": "HorizontalRule"})
            case CodeBlock(text=text, language=language):
                out.append({"t": "CodeBlock", "c": [attr([language] if language else ()), clean(text)]})
            case Figure():
                out.append(figure(node, ctx, here))
            case Table():
                out.append(table(node, ctx, here))
            case _:
                assert_never(node)
    return out


def _plain(written: list[Node]) -> list[Node]:
    """One paragraph as ``Plain`` (a tight list item, a table cell, a caption line)."""
    return [{"t": "Plain", "c": b["c"]} if b["t"] == "Para" else b for b in written]


def figure(node: Figure, ctx: Context, where: str) -> Node:
    """A ``Figure``: the image, the caption, then the credit. An image the format cannot show makes
    no figure (pandoc would set a figure without an image as a table in DOCX, a float in LaTeX): a
    ``Div`` classed ``figure`` holds the line that stands for the image, then the caption, in the flow."""
    caption = blocks(node.caption, ctx, f"{where}.caption")
    if plain_inlines(node.credit).strip():
        credit = inlines(node.credit, ctx, f"{where}.credit")
        if caption and caption[-1]["t"] == "Para":  # one caption paragraph, the credit on its own line
            caption[-1] = {"t": "Para", "c": [*caption[-1]["c"], {"t": "LineBreak"}, *credit]}
        else:
            caption.append({"t": "Para", "c": credit})
    source = _image_source(node.image, ctx)
    if source is None:
        return div(["figure"], [{"t": "Para", "c": _missing_image(node.image, ctx, where)}, *caption])
    if node.image.data is not None and not source.startswith("data:"):
        ctx.diagnostics.append(Diagnostic(field=f"{where}.image", message=(
            "the image's bytes are not written: this format refers to the image by its address")))
    described = " ".join(plain_blocks(node.caption).split())
    alt = " ".join((node.image.alt or "").split())
    if node.image.alt is not None and alt != described and not ctx.alt_in_figures:
        ctx.diagnostics.append(Diagnostic(field=f"{where}.image.alt", message=(
            "the image's text alternative is not written: this format's figure has one text, the caption")))
    description = text_nodes(alt) if node.image.alt is not None and ctx.alt_in_figures else (
        _plain(caption[:1])[0]["c"] if caption and caption[0]["t"] == "Para" else text_nodes(described))
    image = {"t": "Image", "c": [NO_ATTR, description, [source, clean(node.image.title)]]}
    return {"t": "Figure", "c": [NO_ATTR, [None, _plain(caption) if len(caption) == 1 else caption],
                                 [{"t": "Plain", "c": [image]}]]}


def _image_source(image: Image, ctx: Context) -> str | None:
    """The image's address as this format can show it, or None."""
    import base64

    as_data = None if image.data is None else f"data:{image.media_type};base64,{base64.b64encode(image.data).decode()}"
    if ctx.images == "embed":
        return as_data
    if ctx.images == "address":
        address = ctx.target(image.src) if image.src is not None else None
        return clean(address) if address is not None else as_data
    return None


def _missing_image(image: Image, ctx: Context, where: str) -> list[Node]:
    """"Image not included: description https://…", as the EPUB writer prints it."""
    why = {"embed": "the input gives only its address and citekit fetches nothing",
           "address": "it has no address this format can link",
           "none": "a LaTeX file cannot carry an image, and a remote one stops the run"}[ctx.images]
    ctx.diagnostics.append(Diagnostic(field=f"{where}.image", message=f"image not included: {why}"))
    line: list[Node] = [{"t": "Emph", "c": text_nodes(ctx.image_not_included)}]
    description = " ".join((image.alt or "").split())
    if description:
        line += [{"t": "Str", "c": ":"}, {"t": "Space"}, *text_nodes(description)]
    address = absolute_url(image.src, ctx.base_url) if image.src is not None else None
    if address is not None:
        line += [{"t": "Space"}, {"t": "Link", "c": [NO_ATTR, text_nodes(address), [clean(address), ""]]}]
    return line


_ALIGN: dict[Alignment, Node] = {"default": {"t": "AlignDefault"}, "left": {"t": "AlignLeft"},
                                 "center": {"t": "AlignCenter"}, "right": {"t": "AlignRight"}}


def table(node: Table, ctx: Context, where: str) -> Node:
    """A ``Table`` on one grid (pandoc's own normal form: every row as wide as the table)."""
    grid, rows = _tables.laid_out(node)
    if grid is None:
        ctx.diagnostics.append(Diagnostic(field=where, message=_tables.TOO_LARGE))
    columns = grid.columns if grid is not None else max((len(r.cells) for r in rows), default=0)
    aligns = [node.alignments[n] if n < len(node.alignments) else "default" for n in range(columns)]
    parts: dict[str, list[Any]] = {"head": [], "body": [], "foot": []}
    for number, row in enumerate(rows):
        here = f"{where}.rows[{number}]"
        cells: list[Any] = [[NO_ATTR, _ALIGN[p.align], p.rowspan, p.colspan, _cell(p.cell.blocks, ctx, here)]
                            for p in row.cells]
        cells += [[NO_ATTR, _ALIGN["default"], 1, 1, []] for _ in range(row.padding)]
        parts[row.part].append([NO_ATTR, cells])
    caption = blocks(node.caption, ctx, f"{where}.caption")
    if ctx.pipe_tables:
        _report_pipe_table(node, ctx, where)
    return {"t": "Table", "c": [
        NO_ATTR, [None, _plain(caption) if len(caption) == 1 else caption],
        [[_ALIGN[a], {"t": "ColWidthDefault"}] for a in aligns],
        [NO_ATTR, parts["head"]],
        [[NO_ATTR, min(node.row_header_columns, columns), [], parts["body"]]] if parts["body"] else [],
        [NO_ATTR, parts["foot"]]]}


def _report_pipe_table(node: Table, ctx: Context, where: str) -> None:
    """Say what a pipe table cannot hold (its text is all written)."""
    cells = [c for row in (*node.head, *node.body, *node.foot) for c in row.cells]
    lost = [what for what, present in (
        ("cells spanning rows or columns (set as one cell, then empty ones)",
         any(c.colspan > 1 or c.rowspan > 1 for c in cells)),
        ("more than one header row (the others are body rows)", len(node.head) > 1),
        ("footer rows (written as body rows)", bool(node.foot)),
        ("row headers (written as ordinary cells)", node.row_header_columns > 0),
        ("cell alignments (columns keep theirs)", any(c.align != "default" for c in cells)),
        ("cells of more than one paragraph (joined)",
         any(len(c.blocks) > 1 or any(not isinstance(b, Para) for b in c.blocks) for c in cells)),
    ) if present]
    if lost:
        ctx.diagnostics.append(Diagnostic(field=where, message="written as a pipe table, which cannot hold "
                                          + "; ".join(lost)))


def _cell(content: Sequence[Block], ctx: Context, where: str) -> list[Node]:
    written = blocks(content, ctx, where)
    return _plain(written) if len(written) == 1 else written


def list_block(ordered: bool, items: Sequence[tuple[Block, ...]], start: int, ctx: Context, where: str) -> Node:
    """A bullet or ordered list; tight (pandoc's ``Plain`` items) when every item is one paragraph."""
    written = [blocks(item, ctx, f"{where}.items[{n}]") for n, item in enumerate(items)]
    if all(len(item) <= 1 and all(b["t"] == "Para" for b in item) for item in written):
        written = [_plain(item) for item in written]
    if not ordered:
        return {"t": "BulletList", "c": written}
    return {"t": "OrderedList", "c": [[start, {"t": "Decimal"}, {"t": "Period"}], written]}


def div(classes: Sequence[str], content: list[Node], pairs: Sequence[tuple[str, str]] = ()) -> Node:
    return {"t": "Div", "c": [attr(classes, pairs), content]}


def span(content: list[Node], pairs: Sequence[tuple[str, str]]) -> Node:
    return {"t": "Span", "c": [attr((), pairs), content]}


def header(level: int, content: list[Node], classes: Sequence[str] = ()) -> Node:
    return {"t": "Header", "c": [level, attr(classes), content]}


# --------------------------------------------------------------------------------------------
# Metadata values


def meta_text(text: str) -> Node:
    return {"t": "MetaInlines", "c": text_nodes(text)}


def meta_string(text: str) -> Node:
    return {"t": "MetaString", "c": clean(text)}


def meta_list(values: Sequence[Node]) -> Node:
    return {"t": "MetaList", "c": list(values)}


def meta_bool(value: bool) -> Node:
    return {"t": "MetaBool", "c": value}
