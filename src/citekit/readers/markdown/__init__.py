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

from citekit import front_matter
from citekit.errors import InputError
from citekit.model import Document, FieldSource, Heading, plain_inlines
from citekit.readers import Reader
from citekit.readers._assemble import Stated, build
from citekit.readers.markdown.blocks import MAX_DEPTH, blocks_of
from citekit.readers.markdown.complete import complete_document
from citekit.readers.text import decode_text

MAX_FRONT_MATTER_CHARS = 64 * 1024
"""Front matter longer than this is not metadata; it is refused (a YAML alias bomb stays small)."""

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



READER = Reader(
    name="markdown",
    suffixes=(".md", ".markdown", ".mdown", ".mkd"),
    media_types=("text/markdown",),
    description="Markdown (CommonMark) with YAML front matter (pandoc, Jekyll, Hugo keys)",
    read=read,
    sniff=sniff,
)

__all__ = [
    "FRONT_MATTER_KEYS",
    "MAX_DEPTH",
    "MAX_FRONT_MATTER_CHARS",
    "READER",
    "blocks_of",
    "complete_document",
    "read",
    "sniff",
    "split_front_matter",
    "stated_values",
]
