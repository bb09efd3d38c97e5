"""Writers: one module per output format, all with the same shape, registered in one place.

A writer is a :class:`Writer` value exposed by a module and named in the entry-point group
``citekit.writers`` (see ``pyproject.toml``), so another package can add a format by declaring
its own entry point. Each writer declares its name, file suffix, media type, whether its output
is binary, a frozen options dataclass, and ``write(document, stream, options)``, which writes
bytes to ``stream`` and returns :class:`Diagnostic`\\ s for anything it could not express (never
dropped in silence). Writers that can hold many records in one file (bibliographies) also
provide ``write_collection``.

Options reach writers one way: :func:`parse_options` fills a writer's options dataclass from
``key=value`` strings (the CLI's ``-O`` and the named flags that writers declare with
:func:`option`).
"""

from __future__ import annotations

import dataclasses
import io
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib.metadata import entry_points
from typing import IO, Any, TypeVar

from citekit._suggest import did_you_mean
from citekit.errors import OptionError, WriterError
from citekit.model import Document

ENTRY_POINT_GROUP = "citekit.writers"


@dataclass(frozen=True, slots=True, kw_only=True)
class Diagnostic:
    """Something a writer could not express, or a value it had to supply."""

    field: str
    """The document field concerned ("metadata.title", "body[3]")."""
    message: str
    """What happened, for a person."""
    supplied: bool = False
    """True when the writer supplied a value the document lacks (e.g. a display title)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class WriterOptions:
    """Base of every writer's options; a writer with no options uses it as it is."""


def option(default: Any, *, help: str, flag: str | None = None, choices: Sequence[str] | None = None,
           from_file: bool = False) -> Any:
    """Declare one writer option: its default, help text, optional named CLI flag and choices.

    ``from_file``: the value is a text the command line reads from the file its flag names (its
    bytes, when the option is typed ``bytes``). The option holds the text or bytes itself, so a
    worker on another machine needs no copy of the file, and the batch's up-to-date check sees
    when the file changes.
    """
    return field(default=default, metadata={"help": help, "flag": flag, "choices": tuple(choices or ()),
                                            "from_file": from_file})


WriteFunction = Callable[[Document, IO[bytes], Any], Sequence[Diagnostic]]
WriteCollectionFunction = Callable[[Sequence[Document], IO[bytes], Any], Sequence[Diagnostic]]


@dataclass(frozen=True, slots=True, kw_only=True)
class Writer:
    """A registered output format."""

    name: str
    """The format's name on the command line ("jats", "csl-json")."""
    suffix: str
    """The output file suffix, dot included (".xml", ".csl.json")."""
    media_type: str
    """IANA media type of the output."""
    binary: bool
    """True when the output is not text (then it is not written to a terminal)."""
    description: str
    """One line for ``citekit formats``."""
    write: WriteFunction
    """Write one document to a binary stream; return diagnostics."""
    options_type: type[WriterOptions] = WriterOptions
    """The writer's options dataclass."""
    write_collection: WriteCollectionFunction | None = None
    """Write many documents into one file (bibliographic formats), keys unique in input order."""


@cache
def _load_writers() -> tuple[dict[str, Writer], dict[str, str]]:
    """(writers by name, entry points that failed to load → why); one broken plugin spoils nothing else."""
    writers: dict[str, Writer] = {}
    broken: dict[str, str] = {}
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        try:
            writer = entry.load()
        except Exception as error:  # a plugin's import error must not break the other formats
            broken[entry.name] = f"{entry.value} failed to load: {type(error).__name__}: {error}"
            continue
        if not isinstance(writer, Writer):
            broken[entry.name] = f"{entry.value} is not a citekit Writer"
            continue
        writers[writer.name] = writer
    return dict(sorted(writers.items())), broken


def available_writers() -> dict[str, Writer]:
    """Every writer registered under the ``citekit.writers`` entry-point group, by name."""
    return _load_writers()[0]


def get_writer(name: str) -> Writer:
    """The writer called ``name``; an unknown name is an OptionError listing the known ones."""
    writers, broken = _load_writers()
    if name in broken:
        raise OptionError(f"format {name!r} is registered but unusable: {broken[name]}")
    if name not in writers:
        hint = did_you_mean(name, writers)
        raise OptionError(f"unknown format {name!r}{hint} (formats: {', '.join(writers)})")
    return writers[name]


_T = TypeVar("_T", bound=WriterOptions)


def _convert(value: str, kind: Any, key: str) -> Any:
    origin = typing.get_origin(kind)
    if origin is typing.Union or str(origin) == "<class 'types.UnionType'>":
        members = [k for k in typing.get_args(kind) if k is not type(None)]
        if value == "" or value.lower() == "none":
            return None
        return _convert(value, members[0], key)
    if kind is bool:
        lowered = value.lower()
        if lowered in {"1", "true", "yes", "on"}:
            return True
        if lowered in {"0", "false", "no", "off"}:
            return False
        raise OptionError(f"option {key}: expected true or false, got {value!r}")
    if kind is int:
        try:
            return int(value)
        except ValueError:
            raise OptionError(f"option {key}: expected an integer, got {value!r}") from None
    return value


def parse_options(options_type: type[_T], raw: Mapping[str, str]) -> _T:
    """Fill ``options_type`` from ``key=value`` strings; unknown keys and bad values are errors."""
    hints = typing.get_type_hints(options_type)
    known = {f.name: f for f in dataclasses.fields(options_type)}
    values: dict[str, Any] = {}
    for key, value in raw.items():
        name = key.replace("-", "_")
        if name not in known:
            keys = [n.replace("_", "-") for n in known]
            hint = did_you_mean(key, keys)
            raise OptionError(f"unknown option {key!r} for this format{hint} (options: {', '.join(keys) or 'none'})")
        choices = known[name].metadata.get("choices") or ()
        if choices and value not in choices:
            raise OptionError(f"option {key}: expected one of {', '.join(choices)}, got {value!r}")
        values[name] = _convert(value, hints[name], key)
    return options_type(**values)


def option_flags(writer: Writer) -> dict[str, tuple[str, str]]:
    """The named CLI flags a writer declares: flag → (option name, help)."""
    flags: dict[str, tuple[str, str]] = {}
    for f in dataclasses.fields(writer.options_type):
        flag = f.metadata.get("flag")
        if flag:
            flags[flag] = (f.name, f.metadata.get("help", ""))
    return flags


def file_options(writer: Writer) -> frozenset[str]:
    """The names of the writer's options whose flag names a file to read the value from."""
    return frozenset(f.name for f in dataclasses.fields(writer.options_type) if f.metadata.get("from_file"))


def binary_file_options(writer: Writer) -> frozenset[str]:
    """The file options whose value is the file's bytes, not its text (a reference DOCX): those typed
    ``bytes``."""
    hints = typing.get_type_hints(writer.options_type)
    return frozenset(name for name in file_options(writer) if bytes in (hints[name], *typing.get_args(hints[name])))


def write_bytes(
    document: Document, writer: Writer, options: WriterOptions | None = None
) -> tuple[bytes, tuple[Diagnostic, ...]]:
    """Run ``writer`` on ``document`` in memory.

    A document nested deeper than :data:`citekit.nesting.MAX_NESTING` (only one built in Python
    can be: readers never return one) is flattened first, and a diagnostic says where; one holding
    a lone surrogate is a :class:`~citekit.errors.WriterError` where the format must encode it.
    """
    from citekit.nesting import flatten

    document, flattened = flatten(document)
    buffer = io.BytesIO()
    try:
        diagnostics = tuple(writer.write(document, buffer, options if options is not None else writer.options_type()))
    except UnicodeEncodeError as error:
        if "surrogate" not in error.reason:
            raise
        # Readers refuse lone surrogates; a document built in Python may still hold one.
        raise WriterError(f"the document holds a lone surrogate U+{ord(error.object[error.start]):04X} "
                          "(half of a UTF-16 pair): not Unicode text") from None
    if flattened is not None:
        diagnostics = (Diagnostic(field=flattened.fields[0], message=flattened.message()), *diagnostics)
    return buffer.getvalue(), diagnostics


__all__ = [
    "ENTRY_POINT_GROUP",
    "Diagnostic",
    "Writer",
    "WriterOptions",
    "available_writers",
    "binary_file_options",
    "file_options",
    "get_writer",
    "option",
    "option_flags",
    "parse_options",
    "write_bytes",
]
