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
from dataclasses import replace
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.subscript import sub_plugin
from mdit_py_plugins.superscript import superscript_plugin

from citekit import front_matter
from citekit.errors import InputError
from citekit.model import (
    Alignment,
    BackItem,
    BackKind,
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
    Subscript,
    Superscript,
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
# Fenced divs (pandoc's ``::: {.class}``, MyST's ``:::``) are read as containers of their blocks.
# pandoc's ``^superscript^`` and ``~subscript~`` (``~~strikeout~~`` is the strikethrough rule's).
_PARSER = (MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])
           .use(footnote_plugin).use(superscript_plugin).use(sub_plugin)
           .use(container_plugin, name="div", validate=lambda params, *_: True))
_TABLE_CAPTION = re.compile(r"(?:Table)?:[ \t]+")
"""How pandoc's Markdown marks the paragraph after a table as its caption (``: Caption``)."""
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
    if front_matter.is_complete(front):
        return complete_document(front, text, body_text, data, name)
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
    return tuple(_Converter.of(tree).blocks(tree.children, 0))


class _Converter:
    """markdown-it's syntax tree → citekit blocks; footnote references become the notes they name."""

    def __init__(self, footnotes: dict[int, SyntaxTreeNode]) -> None:
        self.footnotes = footnotes
        self.open_notes: set[int] = set()
        """Notes being converted: a note that references itself is not expanded again."""
        self.budget = ImageBudget()
        """Image bytes taken from ``data:`` URIs so far."""

    @classmethod
    def of(cls, tree: SyntaxTreeNode) -> _Converter:
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


# --------------------------------------------------------------------------------------------
# Markdown citekit wrote: the front matter holds every field, fenced divs mark the back matter


_BACK_INDEX = re.compile(rf'\b{front_matter.BACK_INDEX}="?([0-9]{{1,6}})')


def _classes(node: SyntaxTreeNode) -> set[str]:
    """The classes of a fenced div: ``::: name`` or ``::: {.a .b}``."""
    info = node.info.strip()
    if info.startswith("{"):
        return {word[1:] for word in info.strip("{}").split() if word.startswith(".")}
    return {info.split()[0]} if info else set()


def complete_document(front: dict[str, Any], text: str, body_text: str, data: bytes, name: str | None) -> Document:
    """The document of Markdown whose front matter says it is complete (citekit wrote it): the
    front matter gives every metadata and rights field; the sections after the body are fenced divs
    classed by role, whose ``back-item`` parts are the back matter; their heading and the parts
    written from the front matter (the colophon, keywords, bios from the author details) are left
    out, since the front matter holds them. No text rule runs: the document was normalised already."""
    import hashlib

    from citekit._version import __version__
    from citekit.model import Provenance

    metadata, rights = front_matter.from_front_matter(front, name)
    body_nodes: list[SyntaxTreeNode] = []
    back: list[tuple[int, BackItem]] = []
    tree = SyntaxTreeNode(_PARSER.parse(body_text))
    converter = _Converter.of(tree)
    for child in tree.children:
        roles = _classes(child) & set(front_matter.SECTION_ROLES) if child.type == "container_div" else set()
        if not roles:
            body_nodes.append(child)
            continue
        role = roles.pop()
        kind: BackKind = "bio" if role == "bio" else "links" if role == "links" else "note"
        parts = child.children[1:] if child.children and child.children[0].type == "heading" else child.children
        for part in parts:
            if part.type == "container_div" and front_matter.BACK_ITEM not in _classes(part):
                continue  # written from the front matter
            blocks = tuple(converter.block(part, 0))
            if blocks:
                place = _BACK_INDEX.search(part.info) if part.type == "container_div" else None
                back.append((int(place.group(1)) if place else len(back), BackItem(kind=kind, blocks=blocks)))
    lines = text.split("\n", 400)[:400]
    fields = tuple(FieldSource(field=field, lines=(number,), rule=f"front-matter:{key}", printed=lines[number - 1])
                   for key, field in front_matter.FIELDS.items() if key in front
                   for number in [next((n for n, line in enumerate(lines, 1) if line.startswith(f"{key}:")), 0)]
                   if number)
    provenance = Provenance(input_sha256=hashlib.sha256(data).hexdigest(), citekit_version=__version__,
                            source_name=name, fields=fields)
    in_order = tuple(item for _, item in sorted(back, key=lambda pair: pair[0]))
    return Document(metadata=metadata, body=tuple(converter.blocks(body_nodes, 0)), back=in_order, rights=rights,
                    provenance=provenance)


READER = Reader(
    name="markdown",
    suffixes=(".md", ".markdown", ".mdown", ".mkd"),
    media_types=("text/markdown",),
    description="Markdown (CommonMark) with YAML front matter (pandoc, Jekyll, Hugo keys)",
    read=read,
    sniff=sniff,
)
