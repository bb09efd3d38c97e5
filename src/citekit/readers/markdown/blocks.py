"""markdown-it-py's syntax tree of a Markdown body as citekit blocks (tables, fenced code, footnotes
as notes at their references, figures, super- and subscript, fenced divs as their blocks)."""

from __future__ import annotations

import re
from dataclasses import replace

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.subscript import sub_plugin
from mdit_py_plugins.superscript import superscript_plugin

from citekit.model import (
    Alignment,
    Block,
    Code,
    CodeBlock,
    Emph,
    Figure,
    Heading,
    Inline,
    InvalidNodeError,
    LineBreak,
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
    TableCell,
    TableRow,
    is_blank,
    link_or_text,
)
from citekit.readers._images import ImageBudget, data_uri_bytes, make_image
from citekit.readers._inlines import merge_text

MAX_DEPTH = 40
"""Blocks nested deeper than this are read as plain text."""

# Fenced divs (pandoc's ``::: {.class}``, MyST's ``:::``) are read as containers of their blocks.
# pandoc's ``^superscript^`` and ``~subscript~`` (``~~strikeout~~`` is the strikethrough rule's).
PARSER = (MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])
           .use(footnote_plugin).use(superscript_plugin).use(sub_plugin)
           .use(container_plugin, name="div", validate=lambda params, *_: True))
_TABLE_CAPTION = re.compile(r"(?:Table)?:[ \t]+")
"""How pandoc's Markdown marks the paragraph after a table as its caption (``: Caption``)."""
_ALIGN: dict[str, Alignment] = {"text-align:left": "left", "text-align:center": "center",
                                "text-align:right": "right"}



def blocks_of(markdown: str) -> tuple[Block, ...]:
    """citekit blocks for a CommonMark text."""
    tree = SyntaxTreeNode(PARSER.parse(markdown))
    return tuple(Converter.of(tree).blocks(tree.children, 0))


class Converter:
    """markdown-it's syntax tree → citekit blocks; footnote references become the notes they name."""

    def __init__(self, footnotes: dict[int, SyntaxTreeNode]) -> None:
        self.footnotes = footnotes
        self.open_notes: set[int] = set()
        """Notes being converted: a note that references itself is not expanded again."""
        self.budget = ImageBudget()
        """Image bytes taken from ``data:`` URIs so far."""

    @classmethod
    def of(cls, tree: SyntaxTreeNode) -> Converter:
        """A converter for ``tree``, knowing its footnote definitions."""
        return cls({int(note.meta.get("id", -1)): note for child in tree.children if child.type == "footnote_block"
                    for note in child.children if note.type == "footnote"})

    def block(self, node: SyntaxTreeNode, depth: int) -> list[Block]:
        if depth > MAX_DEPTH:
            return [Para(content=(Str(text=_text(node)),))]
        match node.type:
            case "paragraph":
                inline = node.children[0].children if node.children else []
                figure = self.figure(inline, depth)
                if figure is not None:
                    return [figure]
                content = self.inlines(inline, depth)
                return [] if is_blank(content) else [Para(content=content)]
            case "heading":
                content = self.inlines(node.children[0].children if node.children else [], depth)
                return [Heading(level=int(node.tag[1]), content=content)] if content else []
            case "blockquote":
                inner = tuple(self.blocks(node.children, depth + 1))
                return [Quote(blocks=inner)] if inner else []
            case "bullet_list" | "ordered_list":
                items = tuple(tuple(self.blocks(item.children, depth + 1)) for item in node.children)
                start = int(node.attrs.get("start", 1)) if node.type == "ordered_list" else 1
                return [ListBlock(ordered=node.type == "ordered_list", items=items, start=start)]
            case "hr":
                return [Rule()]
            case "fence" | "code_block":
                return [_code_block(node)] if node.content.strip() else []
            case "table":
                return [self.table(node, depth)]
            case "footnote_block":
                return []  # each note is placed at its reference
            case "container_div":
                return self.blocks(node.children, depth + 1)
            case _:
                return [Para(content=(Str(text=text),))] if (text := _text(node)) else []

    def blocks(self, nodes: list[SyntaxTreeNode], depth: int) -> list[Block]:
        """The blocks of sibling nodes; a paragraph after a table that opens with ``: `` is its caption."""
        out: list[Block] = []
        for node in nodes:
            for block in self.block(node, depth):
                if (isinstance(block, Para) and out and isinstance(out[-1], Table) and not out[-1].caption
                        and block.content and isinstance(block.content[0], Str)
                        and (mark := _TABLE_CAPTION.match(block.content[0].text))):
                    first = block.content[0].text[mark.end():]
                    caption = ((Str(text=first),) if first else ()) + block.content[1:]
                    out[-1] = replace(out[-1], caption=(Para(content=caption),))
                else:
                    out.append(block)
        return out

    def figure(self, inline: list[SyntaxTreeNode], depth: int) -> Figure | None:
        """A figure for a paragraph that is one image (pandoc's implicit figure: the description is the caption)."""
        nodes = [n for n in inline if not (n.type == "text" and not n.content.strip()) and n.type != "softbreak"]
        if len(nodes) != 1 or nodes[0].type != "image":
            return None
        caption = self.inlines(nodes[0].children, depth)
        src = str(nodes[0].attrs.get("src", ""))
        image = make_image(src, None, title=str(nodes[0].attrs.get("title") or ""), data=data_uri_bytes(src),
                           budget=self.budget)
        if image is None:
            return None
        return Figure(image=image, caption=(Para(content=caption),) if not is_blank(caption) else ())

    def table(self, node: SyntaxTreeNode, depth: int) -> Table:
        parts = {section.type: [self.row(row, depth) for row in section.children] for section in node.children}
        head, body = parts.get("thead", []), parts.get("tbody", [])
        if all(not cell.blocks for row in head for cell in row.cells):
            head = []  # pandoc writes a table without a header with an empty one
        first = node.children[0].children[0] if node.children and node.children[0].children else None
        alignments = tuple(_ALIGN.get(str(cell.attrs.get("style", "")), "default")
                           for cell in (first.children if first is not None else []))
        return Table(alignments=alignments, head=tuple(head), body=tuple(body))

    def row(self, row: SyntaxTreeNode, depth: int) -> TableRow:
        cells = []
        for cell in row.children:
            content = self.inlines(cell.children[0].children if cell.children else [], depth)
            # GFM aligns whole columns: the table's alignments say it once.
            cells.append(TableCell(blocks=(Para(content=content),) if not is_blank(content) else ()))
        return TableRow(cells=tuple(cells))

    def note(self, node: SyntaxTreeNode, depth: int) -> list[Inline]:
        number = int(node.meta.get("id", -1))
        definition = self.footnotes.get(number)
        if definition is None or number in self.open_notes or depth > MAX_DEPTH:
            return [Str(text=f"[^{node.meta.get('label', number + 1)}]")]  # as printed
        self.open_notes.add(number)
        blocks = tuple(b for child in definition.children for b in self.block(child, depth + 1))
        self.open_notes.discard(number)
        return [Note(blocks=blocks)]

    def inlines(self, nodes: list[SyntaxTreeNode], depth: int) -> tuple[Inline, ...]:
        out: list[Inline] = []
        for node in nodes:
            match node.type:
                case "text" | "html_inline":
                    out.append(Str(text=node.content))
                case "softbreak":
                    out.append(Str(text=" "))
                case "hardbreak":
                    out.append(LineBreak())
                case "code_inline":
                    out.append(Code(text=node.content))
                case "em":
                    out.append(Emph(content=self.inlines(node.children, depth + 1)))
                case "strong":
                    out.append(Strong(content=self.inlines(node.children, depth + 1)))
                case "sup":
                    out.append(Superscript(content=self.inlines(node.children, depth + 1)))
                case "sub":
                    out.append(Subscript(content=self.inlines(node.children, depth + 1)))
                case "s":
                    out.append(Strikeout(content=self.inlines(node.children, depth + 1)))
                case "link":
                    out.extend(link_or_text(self.inlines(node.children, depth + 1),
                                           _iri(str(node.attrs.get("href", "")))))
                case "image":
                    out.append(Str(text=str(node.attrs.get("alt", "")) or _text(node)))
                case "footnote_ref":
                    out.extend(self.note(node, depth))
                case _:
                    out.extend(self.inlines(node.children, depth + 1))
        return merge_text(out)


def _code_block(node: SyntaxTreeNode) -> CodeBlock:
    text = node.content.rstrip("\n")
    words = (node.info or "").split()
    try:
        return CodeBlock(text=text, language=words[0].strip("{}.") if words else None)
    except InvalidNodeError:
        return CodeBlock(text=text)


_ENCODED_UTF8 = re.compile(r"(?:%[C-Fc-f][0-9A-Fa-f](?:%[89ABab][0-9A-Fa-f]){1,3})+")


def _iri(href: str) -> str:
    """``href`` with the non-ASCII characters markdown-it percent-encoded given back ("…", not
    "%E2%80%A6"): the address as the text printed it. ASCII escapes (``%20``) stay as they are."""
    from urllib.parse import unquote

    def decoded(match: re.Match[str]) -> str:
        try:
            return unquote(match.group(0), errors="strict")
        except UnicodeDecodeError:
            return match.group(0)

    return _ENCODED_UTF8.sub(decoded, href) if "%" in href else href


def _text(node: SyntaxTreeNode) -> str:
    return " ".join((node.content or "".join(_text(c) for c in node.children)).split())
