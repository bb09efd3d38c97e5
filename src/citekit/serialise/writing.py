"""Document → ``citekit-document/1`` JSON data and text (keys in a fixed order)."""

from __future__ import annotations

import base64
import json
from dataclasses import replace
from typing import IO, Any, TypeAlias, assert_never

from citekit.model import (
    SCHEMA,
    Block,
    Code,
    CodeBlock,
    Document,
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
    Removed,
    Rule,
    Str,
    Strikeout,
    Strong,
    Subscript,
    Superscript,
    Table,
    TableCell,
    TableRow,
    plain_block,
    plain_blocks,
)

JSON: TypeAlias = dict[str, Any]


def inline_to_dict(node: Inline) -> JSON:
    match node:
        case Str(text=text):
            return {"type": "str", "text": text}
        case Emph(content=content):
            return {"type": "emph", "content": [inline_to_dict(n) for n in content]}
        case Strong(content=content):
            return {"type": "strong", "content": [inline_to_dict(n) for n in content]}
        case Code(text=text):
            return {"type": "code", "text": text}
        case Link(content=content, url=url, title=title):
            out: JSON = {"type": "link", "url": url, "content": [inline_to_dict(n) for n in content]}
            if title:
                out["title"] = title
            return out
        case LineBreak():
            return {"type": "linebreak"}
        case Strikeout(content=content) | Superscript(content=content) | Subscript(content=content):
            return {"type": _MARKED_TYPES[type(node)], "content": [inline_to_dict(n) for n in content]}
        case Note(blocks=blocks):
            return {"type": "note", "blocks": [block_to_dict(b) for b in blocks]}
        case _:
            assert_never(node)


_MARKED_TYPES: dict[type, str] = {Strikeout: "strikeout", Superscript: "superscript", Subscript: "subscript"}
"""JSON ``type`` of the inlines that only mark their content."""


def block_to_dict(block: Block) -> JSON:
    text = plain_block(block)
    match block:
        case Para(content=content):
            return {"type": "paragraph", "text": text, "inlines": [inline_to_dict(n) for n in content]}
        case Heading(level=level, content=content):
            return {"type": "heading", "level": level, "text": text,
                    "inlines": [inline_to_dict(n) for n in content]}
        case Quote(blocks=blocks):
            return {"type": "quote", "text": text, "blocks": [block_to_dict(b) for b in blocks]}
        case ListBlock(ordered=ordered, items=items, start=start):
            return {"type": "list", "ordered": ordered, "start": start, "text": text,
                    "items": [[block_to_dict(b) for b in item] for item in items]}
        case Rule():
            return {"type": "rule", "text": ""}
        case CodeBlock(text=code, language=language):
            return {"type": "code_block", "text": code, **({"language": language} if language else {})}
        case Figure(image=image, caption=caption, credit=credit):
            return _drop_empty({"type": "figure", "text": text, "image": _image_to_dict(image),
                                "caption": [block_to_dict(b) for b in caption],
                                "credit": [inline_to_dict(n) for n in credit]})
        case Table():
            return _table_to_dict(block, text)
        case _:
            assert_never(block)


def _image_to_dict(image: Image) -> JSON:
    """The image; its bytes, when carried, as base64 (``alt`` "" is kept: it marks a decorative image)."""
    out = _drop_empty({"src": image.src, "title": image.title, "media_type": image.media_type,
                       "data": base64.b64encode(image.data).decode("ascii") if image.data is not None else None})
    if image.alt is not None:
        out["alt"] = image.alt
    return out


def _table_to_dict(table: Table, text: str) -> JSON:
    def rows(part: tuple[TableRow, ...]) -> list[JSON]:
        return [{"cells": [_cell_to_dict(cell) for cell in row.cells]} for row in part]

    return _drop_empty({
        "type": "table", "text": text, "caption": [block_to_dict(b) for b in table.caption],
        "alignments": list(table.alignments), "head": rows(table.head), "body": rows(table.body),
        "foot": rows(table.foot), "row_header_columns": table.row_header_columns or None,
    })


def _cell_to_dict(cell: TableCell) -> JSON:
    out: JSON = {"blocks": [block_to_dict(b) for b in cell.blocks]}
    if cell.colspan != 1:
        out["colspan"] = cell.colspan
    if cell.rowspan != 1:
        out["rowspan"] = cell.rowspan
    if cell.align != "default":
        out["align"] = cell.align
    return out


def _drop_empty(mapping: JSON) -> JSON:
    """Keep the JSON small and readable: None and empty collections are left out."""
    return {k: v for k, v in mapping.items() if v not in (None, [], {}, "")}


def to_dict(document: Document) -> JSON:
    """The document as ``citekit-document/1`` JSON data (keys in a fixed order)."""
    meta = document.metadata
    rights = document.rights
    prov = document.provenance
    return {
        "schema": SCHEMA,
        "metadata": _drop_empty({
            "title": meta.title,
            "subtitle": meta.subtitle,
            "authors": [_drop_empty({
                "name": a.name, "given": a.given, "family": a.family, "email": a.email,
                "bio": a.bio, "literal": a.literal,
            }) for a in meta.authors],
            "site": meta.site,
            "publisher": meta.publisher,
            "date": meta.date,
            "url": meta.url,
            "accessed": meta.accessed,
            "language": meta.language,
            "keywords": list(meta.keywords),
            "keyword_groups": {g.label: list(g.terms) for g in meta.keyword_groups},
            "article_type": meta.article_type,
            "journal_id": meta.journal_id,
            "issn": meta.issn,
        }),
        "body": [block_to_dict(b) for b in document.body],
        "back": [{"kind": item.kind, "text": plain_blocks(item.blocks),
                  "blocks": [block_to_dict(b) for b in item.blocks]} for item in document.back],
        "rights": _drop_empty({
            "statement": rights.statement,
            "holders": list(rights.holders),
            "year": rights.year,
            "license": rights.license,
            "license_url": rights.license_url,
            "source": rights.source,
            "source_url": rights.source_url,
            "notices": [{"kind": n.kind, "text": n.text} for n in rights.notices],
        }),
        "removed": [removed_to_dict(r) for r in document.removed],
        "provenance": _drop_empty({
            "input_sha256": prov.input_sha256,
            "citekit_version": prov.citekit_version,
            "source_name": prov.source_name,
            "reader": prov.reader,
            "fields": [_drop_empty({"field": f.field, "lines": list(f.lines), "rule": f.rule,
                                    "supplied": f.supplied, "printed": f.printed}) | {"supplied": f.supplied}
                       for f in prov.fields],
            "lines": [_drop_empty({"start_line": s.start_line, "end_line": s.end_line, "role": s.role,
                                   "rule": s.rule}) for s in prov.lines],
        }),
    }


def removed_to_dict(removed: Removed) -> JSON:
    return {"start_line": removed.start_line, "end_line": removed.end_line, "text": removed.text,
            "reason": removed.reason}


def dumps(document: Document) -> str:
    """Pretty, stable JSON text (UTF-8 characters kept, trailing newline)."""
    return json.dumps(to_dict(document), ensure_ascii=False, indent=2) + "\n"


def dump(document: Document, stream: IO[str]) -> None:
    """Write :func:`dumps`'s text to ``stream`` piece by piece.

    The removed entries (a million on a hostile page) are written one at a time instead of being
    held as JSON data and as one string all at once. The text is the same: indented JSON is
    compositional, so a value at depth one is its own ``indent=2`` text shifted by two spaces.
    """

    def text(value: Any, shift: str) -> str:
        return json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n" + shift)

    stream.write("{")
    for number, (key, value) in enumerate(to_dict(replace(document, removed=())).items()):
        stream.write(("," if number else "") + "\n  " + json.dumps(key) + ": ")
        if key != "removed" or not document.removed:
            stream.write(text(value, "  "))
            continue
        stream.write("[")
        for index, entry in enumerate(document.removed):
            stream.write(("," if index else "") + "\n    " + text(removed_to_dict(entry), "    "))
        stream.write("\n  ]")
    stream.write("\n}\n")
