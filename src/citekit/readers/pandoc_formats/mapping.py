"""pandoc's JSON AST onto citekit's model: its blocks and inlines, and its ``meta`` as stated values."""

from __future__ import annotations

from typing import Any

from citekit.model import (
    ALIGNMENTS,
    MAX_COLSPAN,
    MAX_ROWSPAN,
    Alignment,
    Block,
    Code,
    CodeBlock,
    Emph,
    FieldSource,
    Figure,
    Heading,
    Image,
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
    link_or_text,
    plain_blocks,
    plain_inlines,
)
from citekit.readers._assemble import Stated
from citekit.readers._images import ImageBudget, ZipMedia, make_image
from citekit.readers._inlines import merge_text

MAX_DEPTH = 60
"""Blocks nested deeper than this are read as plain text."""


def _stringify(node: Any, depth: int = 0) -> str:
    """The plain text of a pandoc meta value or inline list."""
    if depth > MAX_DEPTH:
        return ""
    if isinstance(node, list):
        return "".join(_stringify(n, depth + 1) for n in node)
    if not isinstance(node, dict):
        return str(node) if isinstance(node, str) else ""
    kind: Any = node.get("t")
    content: Any = node.get("c")
    if kind in {"Space", "SoftBreak", "LineBreak"}:
        return " "
    if kind in {"Str", "MetaString"}:
        return content if isinstance(content, str) else ""
    if kind in {"Code", "Math", "RawInline"}:
        return content[-1] if isinstance(content, list) and content and isinstance(content[-1], str) else ""
    if kind in {"Link", "Image", "Span", "Quoted", "Cite"}:
        return _stringify(content[-2] if kind in {"Link", "Image"} else content[-1], depth + 1)
    return _stringify(content, depth + 1)


def meta_list(value: Any) -> list[str]:
    if isinstance(value, dict) and value.get("t") == "MetaList":
        return [" ".join(_stringify(v).split()) for v in value.get("c", [])[:100]]
    if isinstance(value, dict) and value.get("t") == "MetaMap":
        inner = value.get("c", {})
        return [" ".join(_stringify(inner.get("name", inner)).split())]
    text = " ".join(_stringify(value).split())
    return [text] if text else []


META_KEYS: dict[str, tuple[str, ...]] = {
    "title": ("title",), "subtitle": ("subtitle",), "authors": ("author", "creator"),
    "date": ("date",), "keywords": ("keywords", "subject"), "language": ("lang", "language"),
    "publisher": ("publisher",), "statement": ("rights", "copyright"), "license": ("license",),
    "url": ("url", "identifier"), "site": ("journal-title", "site"),
}
"""pandoc meta key → field; DOCX core properties, ODT meta, EPUB OPF and JATS front arrive under these."""


def stated_from_meta(meta: dict[str, Any], reader: str) -> Stated:
    """The document properties pandoc read, recorded as ``<reader>:<key>``."""
    from citekit.readers.html.clean import author_names, iso_date

    values: dict[str, Any] = {}
    fields = []
    for field, keys in META_KEYS.items():
        key = next((k for k in keys if any(meta_list(meta.get(k)))), None)
        if key is None:
            continue
        found = tuple(dict.fromkeys(v for v in meta_list(meta[key]) if v))
        if field == "authors":  # Org and ODT give "Jane Doe; John Roe" as one value
            found = tuple(dict.fromkeys(n for v in found for n in author_names(v)))
        value: Any = found if field in {"authors", "keywords"} else found[0]
        if field == "date":
            value = iso_date(value) or None
        if field == "url" and not str(value).startswith(("http://", "https://")):
            continue
        if value:
            values[field] = value
            target = {"statement": "rights.statement", "license": "rights.license"}.get(field, f"metadata.{field}")
            fields.append(FieldSource(field=target, lines=(), rule=f"{reader}:{key}", printed=", ".join(found)))
    return Stated(**values, fields=tuple(fields))


_ALIGNMENT: dict[str, Alignment] = {"AlignLeft": "left", "AlignRight": "right", "AlignCenter": "center"}
_MARKS: dict[str, type[Strikeout] | type[Superscript] | type[Subscript]] = {
    "Strikeout": Strikeout, "Superscript": Superscript, "Subscript": Subscript}


def _alignment(value: Any) -> Alignment:
    tag = value.get("t") if isinstance(value, dict) else None
    found = _ALIGNMENT.get(str(tag), "default")
    return found if found in ALIGNMENTS else "default"


def _span(value: Any, limit: int) -> int:
    return max(1, min(limit, value)) if isinstance(value, int) and not isinstance(value, bool) else 1


class Mapper:
    """pandoc blocks and inlines → citekit's, with the input's ZIP (if any) for image bytes."""

    def __init__(self, media: ZipMedia | None = None) -> None:
        self.media = media
        self.budget = ImageBudget()

    def blocks(self, nodes: Any, depth: int = 0) -> list[Block]:
        out: list[Block] = []
        for node in nodes if isinstance(nodes, list) else []:
            out.extend(self.block(node, depth + 1))
        return out

    def block(self, node: Any, depth: int) -> list[Block]:
        if not isinstance(node, dict) or depth > MAX_DEPTH:
            return []
        kind: Any = node.get("t")
        c: Any = node.get("c")
        match kind:
            case "Para" | "Plain":
                figure = self.lone_image(c, depth)
                if figure is not None:
                    return [figure]
                content = self.inlines(c, depth)
                return [Para(content=content)] if plain_inlines(content).strip() or any(
                    isinstance(n, Note) for n in content) else []
            case "Header":
                content = self.inlines(c[2], depth)
                return [Heading(level=max(1, min(6, int(c[0]))), content=content)] if content else []
            case "BlockQuote":
                inner = tuple(self.blocks(c, depth))
                return [Quote(blocks=inner)] if inner else []
            case "BulletList" | "OrderedList":
                raw_items = c if kind == "BulletList" else c[1]
                items = tuple(tuple(self.blocks(item, depth)) for item in raw_items)
                start = int(c[0][0]) if kind == "OrderedList" else 1
                return [ListBlock(ordered=kind == "OrderedList", items=items, start=start)] if items else []
            case "HorizontalRule":
                return [Rule()]
            case "CodeBlock":
                return self.code_block(c)
            case "RawBlock":
                text = c[1] if isinstance(c, list) and len(c) > 1 else ""
                return [Para(content=(Code(text=text),))] if str(text).strip() else []
            case "LineBlock":
                lines: list[Inline] = []
                for line in c:
                    lines.extend([*(LineBreak() for _ in lines[:1]), *self.inlines(line, depth)])
                return [Para(content=tuple(lines))] if lines else []
            case "Div":
                return self.blocks(c[1], depth)
            case "Figure":
                caption = tuple(self.blocks(c[1][1], depth)) if c[1] and len(c[1]) > 1 else ()
                image = self.lone_image(self._lone_inlines(c[2]), depth, caption=caption)
                return [image] if image is not None else self.blocks(c[2], depth) + list(caption)
            case "Table":
                return self.table(c, depth)
            case "DefinitionList":
                out: list[Block] = []
                for term, definitions in c:
                    out.append(Para(content=(Strong(content=self.inlines(term, depth)),)))
                    for definition in definitions:
                        out.extend(self.blocks(definition, depth))
                return out
            case _:
                return []

    def code_block(self, c: Any) -> list[Block]:
        text = c[1] if isinstance(c, list) and len(c) > 1 and isinstance(c[1], str) else ""
        classes = c[0][1] if isinstance(c[0], list) and len(c[0]) > 1 and isinstance(c[0][1], list) else []
        for language in classes:
            try:
                return [CodeBlock(text=text.rstrip("\n"), language=str(language))]
            except InvalidNodeError:
                continue
        return [CodeBlock(text=text.rstrip("\n"))] if text.strip() else []

    @staticmethod
    def _lone_inlines(blocks: Any) -> Any:
        """The inlines of a figure's content when it is one paragraph, else None."""
        if isinstance(blocks, list) and len(blocks) == 1 and isinstance(blocks[0], dict) and blocks[0].get(
                "t") in {"Plain", "Para"}:
            return blocks[0].get("c")
        return None

    def lone_image(self, inlines: Any, depth: int, caption: tuple[Block, ...] = ()) -> Figure | None:
        """A figure for a paragraph that is one image and nothing else (pandoc's implicit figure)."""
        if not isinstance(inlines, list):
            return None
        nodes = [n for n in inlines if not (isinstance(n, dict) and n.get("t") in {"Space", "SoftBreak", "LineBreak"})]
        if len(nodes) != 1 or not isinstance(nodes[0], dict) or nodes[0].get("t") != "Image":
            return None
        c = nodes[0].get("c")
        if not (isinstance(c, list) and len(c) == 3 and isinstance(c[2], list) and len(c[2]) == 2):
            return None
        alt = plain_inlines(self.inlines(c[1], depth)).strip() or None
        if alt is not None and " ".join(alt.split()) == " ".join(plain_blocks(caption).split()):
            alt = None  # pandoc copies a figure's caption into its alt text: the caption describes it
        target, title = str(c[2][0]), str(c[2][1] or "")
        data = self.media.read(target, self.budget) if self.media is not None else None
        image: Image | None = make_image(target, alt, title=title, data=data, budget=self.budget)
        if image is None:
            return None
        return Figure(image=image, caption=caption)

    def table(self, c: list[Any], depth: int) -> list[Block]:
        """pandoc's ``Table attr caption colspecs head bodies foot``; several bodies become one."""
        caption = tuple(self.blocks(c[1][1], depth)) if len(c) > 1 and c[1] and len(c[1]) > 1 else ()
        alignments = tuple(_alignment(spec[0]) for spec in c[2] if isinstance(spec, list) and spec)
        head = self.rows(c[3][1] if c[3] else [], depth)
        body: list[TableRow] = []
        row_heads = 0
        for number, part in enumerate(c[4]):
            if number == 0 and isinstance(part[1], int):
                row_heads = max(0, min(MAX_COLSPAN, part[1]))
            body += self.rows(part[2], depth) + self.rows(part[3], depth)
        foot = self.rows(c[5][1] if c[5] else [], depth)
        return [Table(caption=caption, alignments=alignments, head=tuple(head), body=tuple(body), foot=tuple(foot),
                      row_header_columns=row_heads)]

    def rows(self, rows: Any, depth: int) -> list[TableRow]:
        out = []
        for row in rows if isinstance(rows, list) else []:
            cells = []
            for cell in row[1] if isinstance(row, list) and len(row) > 1 else []:
                if not (isinstance(cell, list) and len(cell) == 5):
                    continue
                cells.append(TableCell(blocks=tuple(self.blocks(cell[4], depth)), align=_alignment(cell[1]),
                                       rowspan=_span(cell[2], MAX_ROWSPAN), colspan=_span(cell[3], MAX_COLSPAN)))
            out.append(TableRow(cells=tuple(cells)))
        return out

    def inlines(self, nodes: Any, depth: int) -> tuple[Inline, ...]:
        out: list[Inline] = []
        for node in nodes if isinstance(nodes, list) else []:
            out.extend(self.inline(node, depth + 1))
        return merge_text(out)

    def inline(self, node: Any, depth: int) -> list[Inline]:
        if not isinstance(node, dict) or depth > MAX_DEPTH:
            return []
        kind: Any = node.get("t")
        c: Any = node.get("c")
        match kind:
            case "Str":
                return [Str(text=c)]
            case "Space" | "SoftBreak":
                return [Str(text=" ")]
            case "LineBreak":
                return [LineBreak()]
            case "Emph" | "Underline":
                return [Emph(content=self.inlines(c, depth))]
            case "Strong":
                return [Strong(content=self.inlines(c, depth))]
            case "Code" | "Math":
                return [Code(text=c[1])]
            case "Link":
                return list(link_or_text(self.inlines(c[1], depth), str(c[2][0])))
            case "Image":
                return list(self.inlines(c[1], depth))
            case "Quoted":
                mark = "“”" if c[0].get("t") == "DoubleQuote" else "‘’"
                return [Str(text=mark[0]), *self.inlines(c[1], depth), Str(text=mark[1])]
            case "Cite":
                return list(self.inlines(c[1], depth))
            case "Span":
                return list(self.inlines(c[1], depth))
            case "Note":
                return [Note(blocks=tuple(self.blocks(c, depth)))]
            case "Strikeout" | "Superscript" | "Subscript":
                return [_MARKS[kind](content=self.inlines(c, depth))]
            case "RawInline":
                return []
            case _:  # SmallCaps: its content
                return list(self.inlines(c, depth)) if isinstance(c, list) else []

