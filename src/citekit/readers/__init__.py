"""Readers turn input bytes into a :class:`~citekit.model.Document`.

An input is document JSON when its name ends in ``.citekit.json`` or its text starts like one (a
JSON object naming a ``schema``, or naming ``citekit-document/``): it must then parse and be
``citekit-document/1``, or the error says why (with the JSON error's line and column). Anything
else is article text for the normaliser. The limits every input meets (size, Unicode, nesting)
are in :mod:`citekit.readers.limits`.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from citekit.errors import InputError
from citekit.model import Document, FieldSource
from citekit.readers.limits import check_size, check_text, limit_or_default, read_limited
from citekit.readers.text import decode_json, decode_text

_DOCUMENT_SUFFIX = ".citekit.json"
_JSON_OPENING = re.compile(rb'(?:\xef\xbb\xbf)?\s*\{\s*"schema"\s*:')


def looks_like_document_json(data: bytes, name: str | None = None) -> bool:
    """True when ``data`` must be read as document JSON: by its name, or by how its text starts."""
    if name is not None and name.lower().endswith(_DOCUMENT_SUFFIX):
        return True
    if _JSON_OPENING.match(data):
        return True
    return data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{") and b"citekit-document/" in data


def read_bytes(data: bytes, *, name: str | None = None, max_bytes: int | None = None) -> Document:
    """Document JSON as it stands, or article text through the normaliser.

    ``max_bytes``: the input-size limit (None: the default, 0: none).
    """
    from citekit import serialise

    check_size(len(data), max_bytes, name=name)
    if looks_like_document_json(data, name):
        return serialise.loads(decode_json(data, name=name), source=name)
    return _normalised(decode_text(data, name=name), name=name, raw=data)


def read_text(text: str, *, name: str | None = None, max_bytes: int | None = None) -> Document:
    """Article text that is already a string (the Python API) through the normaliser."""
    limit = limit_or_default(max_bytes)
    if limit and len(text) * 4 > limit:  # a character is one to four bytes of UTF-8
        size = len(text) if len(text) > limit else len(text.encode("utf-8", "surrogatepass"))
        check_size(size, max_bytes, name=name)
    check_text(text, name=name)
    return _normalised(text, name=name, raw=None)


def read_path(path: Path, *, max_bytes: int | None = None) -> Document:
    """Read one input file; errors name the file."""
    try:
        data = read_limited(path, max_bytes)
    except OSError as error:
        raise InputError(f"cannot read: {error.strerror or error}", path=path) from error
    try:
        return read_bytes(data, name=path.name, max_bytes=max_bytes)
    except InputError as error:
        error.path = str(path)
        raise


def _normalised(text: str, *, name: str | None, raw: bytes | None) -> Document:
    """The normaliser's document, nested no deeper than the model's limit (the flattening recorded)."""
    from citekit.nesting import flatten
    from citekit.normalise import normalise_text

    document, flattened = flatten(normalise_text(text, name=name, raw=raw))
    if flattened is None:
        return document
    note = FieldSource(field=flattened.fields[0], lines=(), rule="nesting-limit", supplied=True)
    return replace(document, provenance=replace(document.provenance,
                                                fields=(*document.provenance.fields, note)))


def with_source_name(document: Document, name: str) -> Document:
    """The document with its provenance naming ``name`` as the input."""
    return replace(document, provenance=replace(document.provenance, source_name=name))


__all__ = ["looks_like_document_json", "read_bytes", "read_path", "read_text", "with_source_name"]
