"""citekit's own document JSON (``citekit-document/1``), read as it stands."""

from __future__ import annotations

import json

from citekit.model import SCHEMA, Document
from citekit.readers import Reader


def sniff(data: bytes) -> bool:
    """True when ``data`` is a JSON object naming the citekit document schema."""
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head.startswith(b"{") or SCHEMA.encode() not in data:
        return False
    try:
        parsed = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        return False
    return isinstance(parsed, dict) and parsed.get("schema") == SCHEMA


def read(data: bytes, name: str | None) -> Document:
    """The document the JSON holds; a JSON path names anything wrong."""
    from citekit import serialise

    return serialise.loads(data.decode("utf-8-sig"), source=name)


READER = Reader(
    name="citekit-json",
    suffixes=(".citekit.json",),
    media_types=("application/vnd.citekit.document+json",),
    description="citekit document JSON (citekit-document/1), read as it stands",
    read=read,
    sniff=sniff,
)
