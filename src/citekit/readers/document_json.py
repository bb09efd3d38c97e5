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
from citekit.readers.text import bom_codec

_OPENING = re.compile(rb'(?:\xef\xbb\xbf)?\s*\{\s*"schema"\s*:')
_MARKER = "citekit-document/"
_HEAD_BYTES = 4096


def _utf16(data: bytes) -> str | None:
    """The UTF-16 codec (without BOM) of ``data`` when it opens with a UTF-16 byte-order mark.

    Text files may be UTF-16 with a BOM (the text reader reads them), so document JSON saved that
    way by an editor is still document JSON, not article text."""
    codec = bom_codec(data)
    return codec if codec is not None and codec.startswith("utf-16") else None


def sniff(data: bytes) -> bool:
    """True when ``data`` starts like document JSON (whether or not it parses: the reader says why not)."""
    codec = _utf16(data)
    if codec is not None:
        head = data[2:2 + _HEAD_BYTES].decode(codec, "ignore").encode("utf-8")
        return bool(_OPENING.match(head)) or (
            head.lstrip().startswith(b"{") and _MARKER.encode(codec) in data)
    if _OPENING.match(data):
        return True
    return data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{") and _MARKER.encode() in data


def decode(data: bytes, name: str | None) -> str:
    """Document JSON's text: UTF-8 (RFC 8259), a BOM allowed; UTF-16 only with its BOM."""
    codec = _utf16(data) or "utf-8-sig"
    try:
        return data[2:].decode(codec) if codec != "utf-8-sig" else data.decode(codec)
    except UnicodeDecodeError as error:
        what = codec.upper().removesuffix("-SIG")[:6]
        raise InputError(f"document JSON is not valid {what} (byte {error.start})", path=name) from error


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
