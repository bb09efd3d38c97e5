"""Readers turn input bytes into a :class:`~citekit.model.Document`; the twin of the writers' registry.

A reader is a :class:`Reader` value named in the entry-point group ``citekit.readers`` (see
``pyproject.toml``), so another package can add an input format by declaring its own entry point.
Each reader declares its name, the file suffixes and media types it reads, and a cheap ``sniff``
that looks only at the input's first bytes (or a ZIP's directory).

Which reader reads an input is decided once, by :func:`choose_reader`:

1. the name the user gave (``--from NAME``, ``reader=``);
2. a file named ``*.citekit.json`` is document JSON: it must parse, or its error says why;
3. else the first reader whose sniff recognises the bytes, in :data:`SNIFF_ORDER`;
4. else the reader that claims the file's suffix;
5. else ``text``: article text for the normaliser.

A gzip-compressed input (a saved ``page.html.gz``) is uncompressed first, within the size limit,
and the rules above apply to what it holds. Every input meets the limits of
:mod:`citekit.readers.limits` here, whichever reader reads it: its size (``max_bytes``, default
:data:`MAX_INPUT_BYTES`), and the depth of its nesting (:mod:`citekit.nesting`).
"""

from __future__ import annotations

import gzip
import io
import sys
import zlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache
from importlib.metadata import entry_points
from pathlib import Path

from citekit.errors import InputError
from citekit.model import Document, FieldSource
from citekit.readers.limits import DEFAULT_MAX_INPUT_BYTES, check_size, check_text, limit_or_default, read_limited

ENTRY_POINT_GROUP = "citekit.readers"

MAX_INPUT_BYTES = DEFAULT_MAX_INPUT_BYTES
"""The largest input (after gzip) any reader is given by default: a saved page with its images
inlined stays well under it; a 100 MB page is refused with an error that says so instead of
filling memory. ``max_bytes=`` (``--max-input-size``) changes it; 0 lifts it."""

SNIFF_ORDER = ("citekit-json", "epub", "odt", "docx", "jats", "html", "markdown")
"""Sniffs are tried in this order (the most specific first); readers from plugins come after."""

ReadFunction = Callable[[bytes, "str | None"], Document]
SniffFunction = Callable[[bytes], bool]


@dataclass(frozen=True, slots=True, kw_only=True)
class Reader:
    """A registered input format."""

    name: str
    """The format's name for ``--from`` ("html", "markdown", "docx")."""
    suffixes: tuple[str, ...]
    """File suffixes it claims, lower case, dot included (".html", ".htm")."""
    media_types: tuple[str, ...]
    """IANA media types of its input."""
    description: str
    """One line for ``citekit formats``."""
    read: ReadFunction
    """``read(data, name)``: the document in ``data``; ``name`` is the input's file name, for errors."""
    sniff: SniffFunction | None = None
    """True when ``data`` is certainly this format; looks at the head only (cheap). None: never sniffed."""


@cache
def _load_readers() -> tuple[dict[str, Reader], dict[str, str]]:
    """(readers by name, entry points that failed to load → why); one broken plugin spoils nothing else."""
    readers: dict[str, Reader] = {}
    broken: dict[str, str] = {}
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        try:
            reader = entry.load()
        except Exception as error:  # a plugin's import error must not break the other formats
            broken[entry.name] = f"{entry.value} failed to load: {type(error).__name__}: {error}"
            continue
        if not isinstance(reader, Reader):
            broken[entry.name] = f"{entry.value} is not a citekit Reader"
            continue
        readers[reader.name] = reader
    return dict(sorted(readers.items())), broken


def available_readers() -> dict[str, Reader]:
    """Every reader registered under the ``citekit.readers`` entry-point group, by name."""
    return _load_readers()[0]


def get_reader(name: str) -> Reader:
    """The reader called ``name``; an unknown name is an OptionError listing the known ones."""
    from citekit.errors import OptionError

    readers, broken = _load_readers()
    if name in broken:
        raise OptionError(f"reader {name!r} is registered but unusable: {broken[name]}")
    if name not in readers:
        raise OptionError(f"unknown reader {name!r}; known readers: {', '.join(readers)}")
    return readers[name]


def claimed_suffixes() -> tuple[str, ...]:
    """Every suffix a registered reader claims (what a directory walk picks up)."""
    return tuple(sorted({suffix for reader in available_readers().values() for suffix in reader.suffixes}))


def _sniff_order(readers: dict[str, Reader]) -> list[Reader]:
    known = [readers[n] for n in SNIFF_ORDER if n in readers]
    return known + [r for n, r in readers.items() if n not in SNIFF_ORDER]


def choose_reader(data: bytes, name: str | None = None, *, reader: str | None = None) -> Reader:
    """The reader for ``data``: the one named, else the one whose sniff says yes, else by suffix, else text."""
    if reader is not None:
        return get_reader(reader)
    readers = available_readers()
    document_json = readers.get("citekit-json")
    if name and document_json is not None and name.lower().endswith(document_json.suffixes):
        return document_json
    for candidate in _sniff_order(readers):
        if candidate.sniff is not None and candidate.sniff(data):
            return candidate
    if name:
        lowered = name.lower()
        by_suffix = [r for r in readers.values() if any(lowered.endswith(s) for s in r.suffixes)]
        if by_suffix:
            # ".citekit.json" before ".json": the longest suffix that matches wins.
            return max(by_suffix, key=lambda r: max(len(s) for s in r.suffixes if lowered.endswith(s)))
    return get_reader("text")


def gunzip(data: bytes, *, name: str | None = None, limit: int = MAX_INPUT_BYTES) -> bytes:
    """``data`` uncompressed when it is gzip, in bounded memory; other data as it is."""
    if not data.startswith(b"\x1f\x8b"):
        return data
    out = io.BytesIO()
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
            while chunk := stream.read(1 << 20):
                out.write(chunk)
                if out.tell() > limit:
                    raise InputError(f"gzip input expands past {limit // (1 << 20)} MiB: refused", path=name)
    except (OSError, EOFError, zlib.error) as error:
        raise InputError(f"not a readable gzip file: {error}", path=name) from error
    return out.getvalue()


def read_bytes(data: bytes, *, name: str | None = None, reader: str | None = None,
               max_bytes: int | None = None) -> Document:
    """The document in ``data``, read by the reader :func:`choose_reader` picks."""
    return read_with_reader(data, name=name, reader=reader, max_bytes=max_bytes)[0]


def read_with_reader(data: bytes, *, name: str | None = None, reader: str | None = None,
                     max_bytes: int | None = None) -> tuple[Document, str]:
    """(the document in ``data``, the name of the reader that read it).

    The document's provenance records its reader; document JSON is read as it stands, so it keeps
    the reader that first made it. ``max_bytes``: the size limit (None: the default, 0: none)."""
    check_size(len(data), max_bytes, name=name)
    data = gunzip(data, name=name, limit=limit_or_default(max_bytes) or sys.maxsize)
    inner_name = name[:-3] if name and name.lower().endswith(".gz") else name
    chosen = choose_reader(data, inner_name, reader=reader)
    document = _within_nesting(chosen.read(data, name))
    if chosen.name != "citekit-json" and document.provenance.reader != chosen.name:
        document = replace(document, provenance=replace(document.provenance, reader=chosen.name))
    return document, chosen.name


def read_text(text: str, *, name: str | None = None, max_bytes: int | None = None) -> Document:
    """Article text that is already a string (the Python API) through the normaliser."""
    from citekit.normalise import normalise_text

    limit = limit_or_default(max_bytes)
    if limit and len(text) * 4 > limit:  # a character is one to four bytes of UTF-8
        check_size(len(text) if len(text) > limit else len(text.encode("utf-8", "surrogatepass")),
                   max_bytes, name=name)
    check_text(text, name=name)
    document = _within_nesting(normalise_text(text, name=name))
    return replace(document, provenance=replace(document.provenance, reader="text"))


def _within_nesting(document: Document) -> Document:
    """``document`` nested no deeper than the model's limit; a flattening is recorded in its provenance."""
    from citekit.nesting import flatten

    document, flattened = flatten(document)
    if flattened is None:
        return document
    note = FieldSource(field=flattened.fields[0], lines=(), rule="nesting-limit", supplied=True)
    return replace(document, provenance=replace(document.provenance, fields=(*document.provenance.fields, note)))


def read_path(path: Path, *, reader: str | None = None, max_bytes: int | None = None) -> Document:
    """Read one input file (never past the size limit); errors name the file."""
    try:
        data = read_limited(path, max_bytes)
    except OSError as error:
        raise InputError(f"cannot read: {error.strerror or error}", path=path) from error
    try:
        return read_bytes(data, name=path.name, reader=reader, max_bytes=max_bytes)
    except InputError as error:
        error.path = str(path)
        raise


def with_source_name(document: Document, name: str) -> Document:
    """The document with its provenance naming ``name`` as the input."""
    return replace(document, provenance=replace(document.provenance, source_name=name))


def looks_like_document_json(data: bytes) -> bool:
    """True when ``data`` starts like citekit document JSON, and is read (or refused) as such."""
    from citekit.readers.document_json import sniff

    return sniff(data)


__all__ = [
    "ENTRY_POINT_GROUP",
    "MAX_INPUT_BYTES",
    "Reader",
    "available_readers",
    "choose_reader",
    "claimed_suffixes",
    "get_reader",
    "gunzip",
    "looks_like_document_json",
    "read_bytes",
    "read_path",
    "read_text",
    "read_with_reader",
    "with_source_name",
]
