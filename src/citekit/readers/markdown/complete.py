"""Markdown citekit wrote: the front matter holds every field, fenced divs mark the back matter."""

from __future__ import annotations

import re
from typing import Any

from markdown_it.tree import SyntaxTreeNode

from citekit import front_matter
from citekit.model import (
    BackItem,
    BackKind,
    Document,
    FieldSource,
)
from citekit.readers.markdown.blocks import PARSER, Converter

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
    tree = SyntaxTreeNode(PARSER.parse(body_text))
    converter = Converter.of(tree)
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

