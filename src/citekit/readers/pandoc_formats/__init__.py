"""Office and markup formats through pandoc's JSON AST: DOCX, ODT, EPUB, JATS, RST, LaTeX, Org.

pandoc (the bundled binary, ``--sandbox``, a timeout) turns the input into its JSON AST; this package
maps that AST onto citekit's model and the document's own properties (DOCX/ODT core properties,
EPUB OPF, JATS front, which pandoc puts in ``meta``) onto the stated metadata. The body then goes
through the same end-matter rules and merge as every other reader (:mod:`citekit.readers._assemble`).

Before pandoc sees an input it is checked: a ZIP's directory must declare at most
:data:`MAX_UNPACKED_BYTES` and :data:`MAX_ZIP_ENTRIES` (a zip bomb is refused unread), and XML that
declares entities (``<!ENTITY``) is refused (no entity expansion, so no billion laughs).

pandoc's tables, figures, code blocks, notes, superscripts, subscripts and strikeouts map onto the
model's own nodes. An image is a figure when it stands alone in its paragraph or in a pandoc
``Figure``; its bytes come from the input's own ZIP (a DOCX's ``word/media``, an ODT's
``Pictures``, an EPUB's files) when they pass the model's checks (:mod:`citekit.readers._images`).
An image inside a sentence is kept as its description. Small caps and underline keep their text
(underline as emphasis); nothing is dropped.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from typing import Any

from citekit.errors import InputError, ToolError, ToolExit, ToolTimeout
from citekit.model import Document
from citekit.readers import Reader
from citekit.readers._assemble import build
from citekit.readers._images import ZipMedia
from citekit.readers.pandoc_formats.mapping import Mapper, meta_list, stated_from_meta
from citekit.readers.pandoc_formats.properties import jats_meta, odt_meta

PANDOC_TIMEOUT_SECONDS = 60
MAX_UNPACKED_BYTES = 256 * 1024 * 1024
"""A ZIP input (DOCX, ODT, EPUB) whose entries declare more than this unpacked is refused."""
MAX_ZIP_ENTRIES = 10_000
MAX_RATIO = 200
"""An entry that claims to unpack to more than this many times its packed size is a bomb."""
_ENTITY = re.compile(rb"<!ENTITY", re.IGNORECASE)


# --------------------------------------------------------------------------------------------
# Running pandoc (through citekit.pandoc: the bundled binary, sandboxed, bounded, its JSON checked)


def pandoc_json(data: bytes, pandoc_format: str, name: str | None) -> dict[str, Any]:
    """pandoc's JSON AST of ``data`` read as ``pandoc_format``; errors name the input."""
    from citekit import pandoc

    try:
        # -s: the RST reader promotes a lone top section title and docinfo fields to metadata only then.
        return pandoc.pandoc_json(["-s", "-f", pandoc_format], data, timeout=PANDOC_TIMEOUT_SECONDS)
    except ToolTimeout as error:
        raise InputError(f"pandoc took longer than {PANDOC_TIMEOUT_SECONDS} s to read this {pandoc_format} "
                         "file: refused", path=name) from error
    except ToolExit as error:
        raise InputError(f"not a readable {pandoc_format} file: pandoc says {error.last_line[:300] or 'nothing'}",
                         path=name) from error
    except ToolError as error:
        if name:
            error.with_path(name)
        raise


# --------------------------------------------------------------------------------------------
# Checks before pandoc


def check_zip(data: bytes, what: str, required: Callable[[zipfile.ZipFile], bool], name: str | None) -> None:
    """Refuse a ZIP that is not ``what`` or that would unpack to too much (a zip bomb)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError) as error:
        raise InputError(f"not a {what}: not a ZIP archive ({error})", path=name) from error
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_ZIP_ENTRIES:
            raise InputError(f"{what} has {len(entries)} entries: refused", path=name)
        total = sum(entry.file_size for entry in entries)
        if total > MAX_UNPACKED_BYTES:
            raise InputError(f"{what} would unpack to {total >> 20} MiB (a zip bomb?): refused", path=name)
        for entry in entries:
            ratio = entry.file_size // max(entry.compress_size, 1)
            if entry.file_size > 1 << 20 and ratio > MAX_RATIO:
                raise InputError(f"{what} entry {entry.filename} is compressed {ratio}:1 (a zip bomb?): refused",
                                 path=name)
        if not required(archive):
            raise InputError(f"not a {what}: the ZIP archive lacks its parts", path=name)
        for entry in entries:
            if entry.filename.endswith((".xml", ".opf", ".xhtml", ".html", ".rels", ".ncx")):
                with archive.open(entry) as stream:
                    if _ENTITY.search(stream.read(64 * 1024)):
                        raise InputError(f"{what} part {entry.filename} declares XML entities: refused "
                                         "(entity expansion is never done)", path=name)


def _names(archive: zipfile.ZipFile) -> set[str]:
    return set(archive.namelist())


def _mimetype(archive: zipfile.ZipFile) -> bytes:
    try:
        return archive.read("mimetype").strip() if "mimetype" in _names(archive) else b""
    except (KeyError, zipfile.BadZipFile, OSError):
        return b""



def _reader(pandoc_format: str, name_: str, check: Callable[[bytes, str | None], None]) -> Callable[
        [bytes, str | None], Document]:
    def read(data: bytes, name: str | None) -> Document:
        check(data, name)
        ast = pandoc_json(data, pandoc_format, name)
        mapper = Mapper(ZipMedia(data) if pandoc_format in {"docx", "odt", "epub"} else None)
        blocks = tuple(mapper.blocks(ast["blocks"]))
        meta = ast.get("meta") or {}
        if pandoc_format == "odt":
            meta = odt_meta(data) | meta
        if pandoc_format == "jats" and not any(meta_list(meta.get("author"))):
            meta = meta | jats_meta(data)
        stated = stated_from_meta(meta, name_)
        return build(stated, blocks, data, name)

    return read


def _check_docx(data: bytes, name: str | None) -> None:
    check_zip(data, "DOCX", lambda a: "word/document.xml" in _names(a), name)


def _check_odt(data: bytes, name: str | None) -> None:
    check_zip(data, "ODT", lambda a: "content.xml" in _names(a), name)


def _check_epub(data: bytes, name: str | None) -> None:
    check_zip(data, "EPUB", lambda a: "META-INF/container.xml" in _names(a), name)


def _check_xml(data: bytes, name: str | None) -> None:
    if _ENTITY.search(data[: 1 << 20]):
        raise InputError("the XML declares entities: refused (entity expansion is never done)", path=name)


def _check_text(data: bytes, name: str | None) -> None:
    if b"\x00" in data[:4096]:
        raise InputError("contains NUL bytes: not a text file", path=name)


def _zip_sniff(test: Callable[[zipfile.ZipFile], bool]) -> Callable[[bytes], bool]:
    def sniff(data: bytes) -> bool:
        if not data.startswith(b"PK\x03\x04"):
            return False
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                return test(archive)
        except (zipfile.BadZipFile, OSError, ValueError):
            return False

    return sniff


def _jats_sniff(data: bytes) -> bool:
    head = data[:4096]
    return b"<article" in head and (b"JATS" in head or b"dtd-version" in head or b"jats" in head.lower())


DOCX = Reader(name="docx", suffixes=(".docx",),
              media_types=("application/vnd.openxmlformats-officedocument.wordprocessingml.document",),
              description="Word document (pandoc); title, authors, date from its core properties",
              read=_reader("docx", "docx", _check_docx),
              sniff=_zip_sniff(lambda a: "word/document.xml" in _names(a)))
ODT = Reader(name="odt", suffixes=(".odt",), media_types=("application/vnd.oasis.opendocument.text",),
             description="OpenDocument text (pandoc); metadata from its meta.xml",
             read=_reader("odt", "odt", _check_odt),
             sniff=_zip_sniff(lambda a: _mimetype(a) == b"application/vnd.oasis.opendocument.text"))
EPUB = Reader(name="epub", suffixes=(".epub",), media_types=("application/epub+zip",),
              description="EPUB book or article (pandoc); metadata from its OPF",
              read=_reader("epub", "epub", _check_epub),
              sniff=_zip_sniff(lambda a: _mimetype(a) == b"application/epub+zip"))
JATS = Reader(name="jats", suffixes=(".jats", ".jats.xml"), media_types=("application/jats+xml",),
              description="JATS XML article (pandoc); metadata from its front matter",
              read=_reader("jats", "jats", _check_xml), sniff=_jats_sniff)
RST = Reader(name="rst", suffixes=(".rst", ".rest"), media_types=("text/x-rst",),
             description="reStructuredText (pandoc); docinfo fields as metadata",
             read=_reader("rst", "rst", _check_text))
LATEX = Reader(name="latex", suffixes=(".tex", ".latex"), media_types=("application/x-latex",),
               description="LaTeX (pandoc, sandboxed: no \\input of other files); \\title, \\author, \\date",
               read=_reader("latex", "latex", _check_text))
ORG = Reader(name="org", suffixes=(".org",), media_types=("text/org",),
             description="Org mode (pandoc); #+TITLE, #+AUTHOR, #+DATE",
             read=_reader("org", "org", _check_text))
