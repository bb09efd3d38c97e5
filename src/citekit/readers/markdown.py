"""Markdown (CommonMark, with tables) and its YAML front matter, as a citekit document.

markdown-it-py parses the body (GFM tables and ``~~strikeout~~``, and footnotes through
mdit-py-plugins, as pandoc's Markdown writes them: ``text[^1]`` … ``[^1]: the note``); PyYAML's
safe loader reads the front matter (no tags, no code). Tables, fenced code (its info string's
first word as the language), footnotes (as :class:`~citekit.model.Note` at each reference, as
pandoc reads them) and strikeouts map onto the model's nodes; an image alone in its paragraph is
a figure whose caption is its description (pandoc's implicit figure), and an image inside a
sentence is kept as its description.
Front-matter keys of pandoc, Jekyll and Hugo (:data:`FRONT_MATTER_KEYS`) win over what the text
rules read, and each value is recorded as printed, with its line. Without a ``title`` key, a
leading level-1 heading is the title.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode
from mdit_py_plugins.footnote import footnote_plugin

from citekit.errors import InputError
from citekit.model import (
    Alignment,
    Block,
    Code,
    CodeBlock,
    Document,
    Emph,
    FieldSource,
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
    Table,
    TableCell,
    TableRow,
    is_blank,
    link_or_text,
    plain_inlines,
)
from citekit.readers import Reader
from citekit.readers._assemble import Stated, build
from citekit.readers._images import ImageBudget, data_uri_bytes, make_image
from citekit.readers._inlines import merge_text
from citekit.readers.text import decode_text

MAX_FRONT_MATTER_CHARS = 64 * 1024
"""Front matter longer than this is not metadata; it is refused (a YAML alias bomb stays small)."""
MAX_DEPTH = 40
"""Blocks nested deeper than this are read as plain text."""

# Front-matter key → document field, in order of preference within a field (first present wins).
FRONT_MATTER_KEYS: dict[str, tuple[str, ...]] = {
    "title": ("title",),
    "subtitle": ("subtitle",),
    "authors": ("author", "authors", "creator"),
    "date": ("date", "publishDate", "published", "pubdate"),
    "url": ("url", "canonical_url", "canonicalURL", "canonical", "link", "permalink"),
    "site": ("site", "site_name", "sitename", "siteName", "publication", "container-title"),
    "publisher": ("publisher",),
    "keywords": ("keywords", "tags", "categories"),
    "license": ("license", "licence"),
    "statement": ("copyright", "rights"),
    "language": ("lang", "language"),
}

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_YEAR = re.compile(r"\b(1[5-9]\d\d|20\d\d)\b")
_PARSER = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"]).use(footnote_plugin)
_ALIGN: dict[str, Alignment] = {"text-align:left": "left", "text-align:center": "center",
                                "text-align:right": "right"}


def sniff(data: bytes) -> bool:
    """True when the input opens with YAML front matter that closes within the first 4 KiB."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf")
    return head.startswith(b"---") and re.match(rb"---[ \t]*\r?\n.*?\n(?:---|\.\.\.)[ \t]*\r?\n", head,
                                                re.DOTALL) is not None


def read(data: bytes, name: str | None) -> Document:
    """The document in a Markdown file."""
    text = decode_text(data, name=name)
    front, body_text, offset = split_front_matter(text, name)
    stated = stated_values(front, text, name)
    blocks = blocks_of(body_text)
    if not stated.title and blocks and isinstance(blocks[0], Heading) and blocks[0].level == 1:
        title = plain_inlines(blocks[0].content)
        stated = Stated(**{**_fields(stated), "title": title,
                           "fields": (*stated.fields, FieldSource(field="metadata.title", lines=(offset + 1,),
                                                                  rule="markdown:first-heading", printed=title))})
        blocks = blocks[1:]
    return build(stated, blocks, data, name)


def _fields(stated: Stated) -> dict[str, Any]:
    return {name: getattr(stated, name) for name in Stated.__dataclass_fields__}


def split_front_matter(text: str, name: str | None) -> tuple[dict[str, Any], str, int]:
    """(front matter, the Markdown after it, the number of lines the front matter took)."""
    import yaml

    match = _FRONT_MATTER.match(text[: MAX_FRONT_MATTER_CHARS + 8])
    if match is None:
        return {}, text, 0
    try:
        loaded = yaml.safe_load(match.group(1) or "")
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise InputError(f"front matter is not valid YAML: {getattr(error, 'problem', error)}", path=name,
                         line=mark.line + 2 if mark is not None else None) from error
    if loaded is None:
        loaded = {}
    if not isinstance(loaded, dict):
        raise InputError("front matter is not a YAML mapping of keys to values", path=name, line=1)
    return loaded, text[match.end():], text[: match.end()].count("\n")


def _scalar(value: Any) -> str:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()[:10] if not isinstance(value, dt.datetime) else value.date().isoformat()
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return " ".join(str(value).split())
    return ""


def _strings(value: Any) -> tuple[str, ...]:
    """A scalar, a list of scalars, or (authors) a list of ``{name: …}`` mappings, as strings."""
    items = value if isinstance(value, list) else [value]
    out = []
    for item in items[:100]:
        if isinstance(item, dict):
            item = item.get("name") or item.get("literal") or " ".join(
                _scalar(item.get(k)) for k in ("given", "family") if item.get(k))
        if text := _scalar(item):
            out.append(text)
    return tuple(dict.fromkeys(out))


def stated_values(front: dict[str, Any], text: str, name: str | None) -> Stated:
    """The front matter's values, each recorded with the line it is printed on."""
    lines = text.split("\n", 400)[:400]
    values: dict[str, Any] = {}
    fields: list[FieldSource] = []
    for field, keys in FRONT_MATTER_KEYS.items():
        key = next((k for k in keys if k in front and _strings(front[k])), None)
        if key is None:
            continue
        found = _strings(front[key])
        values[field] = found if field in {"authors", "keywords"} else found[0]
        number = next((n for n, line in enumerate(lines, start=1) if line.startswith(f"{key}:")), None)
        target = {"statement": "rights.statement", "license": "rights.license"}.get(field, f"metadata.{field}")
        fields.append(FieldSource(field=target, lines=(number,) if number else (), rule=f"front-matter:{key}",
                                  printed=lines[number - 1] if number else None))
    if "date" in values:
        from citekit.readers.html.clean import iso_date

        values["date"] = iso_date(values["date"]) or None
    if "statement" in values and (year := _YEAR.search(values["statement"])):
        values["year"] = int(year.group(1))
    return Stated(**values, fields=tuple(fields))


# --------------------------------------------------------------------------------------------
# Body


def blocks_of(markdown: str) -> tuple[Block, ...]:
    """citekit blocks for a CommonMark text."""
    tree = SyntaxTreeNode(_PARSER.parse(markdown))
    footnotes = {int(note.meta.get("id", -1)): note for child in tree.children if child.type == "footnote_block"
                 for note in child.children if note.type == "footnote"}
    converter = _Converter(footnotes)
    return tuple(b for child in tree.children for b in converter.block(child, 0))


class _Converter:
    """markdown-it's syntax tree → citekit blocks; footnote references become the notes they name."""

    def __init__(self, footnotes: dict[int, SyntaxTreeNode]) -> None:
        self.footnotes = footnotes
        self.open_notes: set[int] = set()
        """Notes being converted: a note that references itself is not expanded again."""
        self.budget = ImageBudget()
        """Image bytes taken from ``data:`` URIs so far."""

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
                inner = tuple(b for child in node.children for b in self.block(child, depth + 1))
                return [Quote(blocks=inner)] if inner else []
            case "bullet_list" | "ordered_list":
                items = tuple(tuple(b for child in item.children for b in self.block(child, depth + 1))
                              for item in node.children)
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
            case _:
                return [Para(content=(Str(text=text),))] if (text := _text(node)) else []

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
                case "s":
                    out.append(Strikeout(content=self.inlines(node.children, depth + 1)))
                case "link":
                    out.extend(link_or_text(self.inlines(node.children, depth + 1), str(node.attrs.get("href", ""))))
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


def _text(node: SyntaxTreeNode) -> str:
    return " ".join((node.content or "".join(_text(c) for c in node.children)).split())


READER = Reader(
    name="markdown",
    suffixes=(".md", ".markdown", ".mdown", ".mkd"),
    media_types=("text/markdown",),
    description="Markdown (CommonMark) with YAML front matter (pandoc, Jekyll, Hugo keys)",
    read=read,
    sniff=sniff,
)
