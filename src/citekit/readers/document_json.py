"""citekit's own document JSON (``citekit-document/1``), read as it stands.

An input is document JSON when its name ends in ``.citekit.json`` (the registry's suffix rule) or
its text starts like one (:func:`sniff`): a JSON object whose first key is ``schema``, or one that
names ``citekit-document/``. It must then parse, or the error gives the JSON error's line and
column, and be ``citekit-document/1``: another version is refused, never read as article text.
"""

from __future__ import annotations

import re

from citekit.errors import InputError
from citekit.model import Document
from citekit.readers import Reader

_OPENING = re.compile(rb'(?:\xef\xbb\xbf)?\s*\{\s*"schema"\s*:')


def sniff(data: bytes) -> bool:
    """True when ``data`` starts like document JSON (whether or not it parses: the reader says why not)."""
    if _OPENING.match(data):
        return True
    return data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{") and b"citekit-document/" in data


def decode(data: bytes, name: str | None) -> str:
    """Document JSON's text: UTF-8 (RFC 8259), a BOM allowed."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise InputError(f"document JSON is not valid UTF-8 (byte {error.start})", path=name, line=line) from error


def read(data: bytes, name: str | None) -> Document:
    """The document the JSON holds; a JSON path names anything wrong."""
    from citekit import serialise

    return serialise.loads(decode(data, name), source=name)


READER = Reader(
    name="citekit-json",
    suffixes=(".citekit.json",),
    media_types=("application/vnd.citekit.document+json",),
    description="citekit document JSON (citekit-document/1), read as it stands",
    read=read,
    sniff=sniff,
)
