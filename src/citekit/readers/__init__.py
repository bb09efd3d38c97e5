"""Readers turn input bytes into a :class:`~citekit.model.Document`.

An input is document JSON when it parses as a JSON object whose ``schema`` key is
``citekit-document/1`` (whatever its suffix); anything else is article text for the normaliser.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from citekit.errors import InputError
from citekit.model import SCHEMA, Document
from citekit.readers.text import decode_text


def looks_like_document_json(data: bytes) -> bool:
    """True when ``data`` is a JSON object naming the citekit document schema."""
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head.startswith(b"{") or SCHEMA.encode() not in data:
        return False
    try:
        parsed = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return False
    return isinstance(parsed, dict) and parsed.get("schema") == SCHEMA


def read_bytes(data: bytes, *, name: str | None = None) -> Document:
    """Document JSON as it stands, or article text through the normaliser."""
    from citekit import serialise
    from citekit.normalise import normalise_text

    if looks_like_document_json(data):
        return serialise.loads(data.decode("utf-8-sig"), source=name)
    text = decode_text(data, name=name)
    document = normalise_text(text, name=name, raw=data)
    return document


def read_path(path: Path) -> Document:
    """Read one input file; errors name the file."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(f"cannot read: {error.strerror or error}", path=path) from error
    try:
        return read_bytes(data, name=path.name)
    except InputError as error:
        error.path = str(path)
        raise


def with_source_name(document: Document, name: str) -> Document:
    """The document with its provenance naming ``name`` as the input."""
    return replace(document, provenance=replace(document.provenance, source_name=name))


__all__ = ["looks_like_document_json", "read_bytes", "read_path", "with_source_name"]
