"""Markdown (CommonMark, with tables) and its YAML front matter, as a citekit document.

markdown-it-py parses the body; PyYAML's safe loader reads the front matter (no tags, no code).
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
from mdit_py_plugins.container import container_plugin

from citekit import front_matter
from citekit.errors import InputError
from citekit.model import (
    BackItem,
    BackKind,
    Block,
    Code,
    Document,
    Emph,
    FieldSource,
    Heading,
    Inline,
    LineBreak,
    ListBlock,
    Para,
    Quote,
    Rule,
    Str,
    Strong,
    link_or_text,
    plain_inlines,
)
from citekit.readers import Reader
from citekit.readers._assemble import Stated, build
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
_PARSER = MarkdownIt("commonmark", {"html": False}).enable("table").use(
    container_plugin, name="div", validate=lambda params, *_: True)


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
    return tuple(b for child in tree.children for b in _block(child, 0))


def _block(node: SyntaxTreeNode, depth: int) -> list[Block]:
    if depth > MAX_DEPTH:
        return [Para(content=(Str(text=_text(node)),))]
    match node.type:
        case "paragraph":
            content = _inlines(node.children[0].children if node.children else [])
            return [Para(content=content)] if plain_inlines(content).strip() else []
        case "heading":
            content = _inlines(node.children[0].children if node.children else [])
            return [Heading(level=int(node.tag[1]), content=content)] if content else []
        case "blockquote":
            inner = tuple(b for child in node.children for b in _block(child, depth + 1))
            return [Quote(blocks=inner)] if inner else []
        case "bullet_list" | "ordered_list":
            items = tuple(tuple(b for child in item.children for b in _block(child, depth + 1))
                          for item in node.children)
            start = int(node.attrs.get("start", 1)) if node.type == "ordered_list" else 1
            return [ListBlock(ordered=node.type == "ordered_list", items=items, start=start)]
        case "hr":
            return [Rule()]
        case "container_div":
            return [b for child in node.children for b in _block(child, depth + 1)]
        case "fence" | "code_block":
            text = node.content.rstrip("\n")
            return [Para(content=(Code(text=text),))] if text.strip() else []
        case "table":
            rows = [row for section in node.children for row in section.children]
            return [Para(content=_row(row)) for row in rows if _row(row)]
        case _:
            return [Para(content=(Str(text=text),))] if (text := _text(node)) else []


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


def _row(row: SyntaxTreeNode) -> tuple[Inline, ...]:
    out: list[Inline] = []
    for cell in row.children:
        content = _inlines(cell.children[0].children if cell.children else [])
        if content:
            out.extend((Str(text=" | "),) if out else ())
            out.extend(content)
    return tuple(out)


def _text(node: SyntaxTreeNode) -> str:
    return " ".join((node.content or "".join(_text(c) for c in node.children)).split())


def _inlines(nodes: list[SyntaxTreeNode]) -> tuple[Inline, ...]:
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
                out.append(Emph(content=_inlines(node.children)))
            case "strong":
                out.append(Strong(content=_inlines(node.children)))
            case "link":
                out.extend(link_or_text(_inlines(node.children), _iri(str(node.attrs.get("href", "")))))
            case "image":
                out.append(Str(text=str(node.attrs.get("alt", "")) or _text(node)))
            case _:
                out.extend(_inlines(node.children))
    return merge_text(out)


# --------------------------------------------------------------------------------------------
# Markdown citekit wrote: the front matter holds every field, fenced divs mark the back matter


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
    body: list[Block] = []
    back: list[BackItem] = []
    for child in SyntaxTreeNode(_PARSER.parse(body_text)).children:
        roles = _classes(child) & set(front_matter.SECTION_ROLES) if child.type == "container_div" else set()
        if not roles:
            body += _block(child, 0)
            continue
        role = roles.pop()
        kind: BackKind = "bio" if role == "bio" else "links" if role == "links" else "note"
        parts = child.children[1:] if child.children and child.children[0].type == "heading" else child.children
        for part in parts:
            if part.type == "container_div" and front_matter.BACK_ITEM not in _classes(part):
                continue  # written from the front matter
            blocks = tuple(_block(part, 0))
            if blocks:
                back.append(BackItem(kind=kind, blocks=blocks))
    lines = text.split("\n", 400)[:400]
    fields = tuple(FieldSource(field=field, lines=(number,), rule=f"front-matter:{key}", printed=lines[number - 1])
                   for key, field in front_matter.FIELDS.items() if key in front
                   for number in [next((n for n, line in enumerate(lines, 1) if line.startswith(f"{key}:")), 0)]
                   if number)
    provenance = Provenance(input_sha256=hashlib.sha256(data).hexdigest(), citekit_version=__version__,
                            source_name=name, fields=fields)
    return Document(metadata=metadata, body=tuple(body), back=tuple(back), rights=rights, provenance=provenance)


READER = Reader(
    name="markdown",
    suffixes=(".md", ".markdown", ".mdown", ".mkd"),
    media_types=("text/markdown",),
    description="Markdown (CommonMark) with YAML front matter (pandoc, Jekyll, Hugo keys)",
    read=read,
    sniff=sniff,
)
