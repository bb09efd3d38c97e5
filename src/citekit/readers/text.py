"""Decode input bytes to text: strict UTF-8 first, then BOMs, then detection for legacy encodings.

Input that is not text (NUL bytes, binary formats, undecodable) is an :class:`InputError`.
"""

from __future__ import annotations

import codecs

from citekit.errors import InputError
from citekit.model import Document
from citekit.readers import Reader

# Magic numbers of formats people pass by mistake; named so the error says what the file is.
_BINARY_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF file"),
    (b"PK\x03\x04", "a ZIP archive (EPUB, DOCX, …)"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\x7fELF", "an executable"),
    (b"\xd0\xcf\x11\xe0", "an OLE document (old Word/Excel)"),
)


_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


def bom_codec(data: bytes) -> str | None:
    """The encoding ``data``'s byte-order mark names (``utf-8``, ``utf-16-le``, ``utf-16-be``), or None.

    The one BOM test of every reader: article text, saved pages and document JSON."""
    return next((codec for bom, codec in _BOMS if data.startswith(bom)), None)


def decode_text(data: bytes, *, name: str | None = None) -> str:
    """Decode ``data``; CRLF and CR become LF; a BOM is removed."""
    for signature, what in _BINARY_SIGNATURES:
        if data.startswith(signature):
            raise InputError(f"this is {what}, not article text", path=name)
    text: str | None = None
    bom = bom_codec(data)
    if bom == "utf-8":
        text = _strict(data[len(codecs.BOM_UTF8):], "utf-8", name)
    elif bom is not None:
        text = _strict(data, "utf-16", name)
    elif b"\x00" in data:
        offset = data.index(b"\x00")
        line = data.count(b"\n", 0, offset) + 1
        raise InputError("contains NUL bytes: not a text file (UTF-16 needs a BOM)", path=name, line=line)
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = _detect(data, name)
    if "\x00" in text:
        raise InputError("contains NUL characters: not a text file", path=name)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _strict(data: bytes, encoding: str, name: str | None) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise InputError(f"not valid {encoding.upper()} despite its byte-order mark", path=name, line=line) from error


def _detect(data: bytes, name: str | None) -> str:
    """Legacy single-byte text (cp1252, latin-1, …), as charset-normalizer judges it."""
    from charset_normalizer import from_bytes

    matches = from_bytes(data)
    best = matches.best()
    if best is None or best.encoding is None:
        raise InputError("cannot decode: not UTF-8 and no legacy text encoding fits", path=name)
    decoded = str(best)
    # Short texts give detectors little to go on. Legacy web text is overwhelmingly Windows-1252
    # (the WHATWG default for Western pages), so it wins when it decodes as cleanly as the guess.
    if best.encoding != "cp1252":
        western = next((m for m in matches if m.encoding == "cp1252"), None)
        if western is not None and western.chaos <= best.chaos + 0.05:
            decoded = str(western)
    # Lots of C0 controls means binary data that happened to decode.
    controls = sum(1 for ch in decoded if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > max(8, len(decoded) // 100):
        raise InputError("binary data, not article text", path=name)
    return decoded


def read(data: bytes, name: str | None) -> Document:
    """Article text through the normaliser."""
    from citekit.normalise import normalise_text

    return normalise_text(decode_text(data, name=name), name=name, raw=data, reader="text")


READER = Reader(
    name="text",
    suffixes=(".txt", ".text"),
    media_types=("text/plain",),
    description="article text scraped from a page (title, byline, body, bio, rights lines) via the normaliser",
    read=read,
)
