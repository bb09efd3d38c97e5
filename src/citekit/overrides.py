"""User-supplied values: ``--set FIELD=VALUE`` and ``--accessed DATE``, recorded as supplied."""

from __future__ import annotations

from dataclasses import fields, replace
from functools import cache
from typing import Any

from citekit._suggest import close_names
from citekit.errors import OptionError
from citekit.model import Document, FieldSource, Metadata, Rights
from citekit.serialise import from_dict, to_dict

# Fields holding lists take comma-separated values on the command line.
_LIST_FIELDS = frozenset({"metadata.keywords", "rights.holders"})
_INT_FIELDS = frozenset({"rights.year"})
# Structured fields a single text value cannot express.
_STRUCTURED_FIELDS = frozenset({"metadata.keyword_groups", "rights.notices"})


@cache
def settable_fields() -> tuple[str, ...]:
    """Every ``section.field`` a user may set (``--set``, ``--column``, sidecar columns)."""
    names = [f"metadata.{f.name}" for f in fields(Metadata)] + [f"rights.{f.name}" for f in fields(Rights)]
    return tuple(n for n in names if n not in _STRUCTURED_FIELDS)


def checked_value(path: str, value: str) -> str:
    """``value`` for ``path`` when it is valid Unicode; an OptionError for a lone surrogate (bytes
    that were not UTF-8 on the command line, ``\\ud800`` from an API caller)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        raise OptionError(f"{path}: the value is not valid text (character {error.start + 1} is "
                          f"U+{ord(value[error.start]):04X}, not UTF-8)") from None
    return value


def field_path(name: str) -> str:
    """``url`` → ``metadata.url``; ``rights.year`` stays; an unknown field is an OptionError.

    The error suggests the closest field ("did you mean 'metadata.title'?") and lists them all.
    """
    name = name.strip()
    path = name if "." in name else f"metadata.{name}"
    if path in settable_fields():
        return path
    short = [k.removeprefix("metadata.") for k in settable_fields()]
    section, _, rest = path.partition(".")
    same_section = [k.partition(".")[2] for k in settable_fields() if k.startswith(f"{section.lower()}.")]
    close = close_names(rest, same_section)
    hint = f"; did you mean {' or '.join(repr(f'{section.lower()}.{c}') for c in close)}?" if close else ""
    raise OptionError(f"{name!r} is not a document field{hint} (fields: {', '.join(short)})")


def iso_date(value: str) -> str:
    """``value`` as ISO 8601, keeping only the parts given ("2017-01" stays a month)."""
    from citekit.normalise.dates import parse_date

    parsed = parse_date(value)
    if parsed is None:
        raise OptionError(f"not a date: {value!r}")
    return parsed


def set_accessed(document: Document, value: str) -> Document:
    """The document with ``metadata.accessed`` set from the user's ``--accessed``."""
    accessed = iso_date(value)
    return _record(replace(document, metadata=replace(document.metadata, accessed=accessed)), "metadata.accessed")


def apply_overrides(document: Document, overrides: dict[str, str]) -> Document:
    """Set dotted fields (``metadata.title``, ``rights.year``, ``metadata.authors``…).

    An unknown field is an OptionError (never a value dropped in silence); a bare name such as
    ``url`` means ``metadata.url``.
    """
    data = to_dict(document)
    try:
        overrides = {field_path(path): checked_value(path, value) for path, value in overrides.items()}
    except OptionError as error:
        raise OptionError(f"--set {error.message}") from None
    for path, value in overrides.items():
        parts = path.split(".")
        section = data.setdefault(parts[0], {})
        converted: Any = value
        if path in _LIST_FIELDS:
            converted = [v.strip() for v in value.split(",") if v.strip()]
        elif path in _INT_FIELDS:
            try:
                converted = int(value)
            except ValueError:
                raise OptionError(f"--set {path}: expected an integer, got {value!r}") from None
        elif path == "metadata.authors":
            from citekit.normalise.names import split_name

            converted = [_author_dict(split_name(n.strip())) for n in value.split(";") if n.strip()]
        elif path in {"metadata.date", "metadata.accessed"}:
            converted = iso_date(value)
        section[parts[1]] = converted if converted != "" else None
    document = from_dict(data, source="--set")
    for path in overrides:
        document = _record(document, path)
    return document


def _author_dict(author: Any) -> dict[str, Any]:
    return {k: v for k, v in {"name": author.name, "given": author.given, "family": author.family,
                              "literal": author.literal}.items() if v}


def _record(document: Document, field: str) -> Document:
    kept = tuple(f for f in document.provenance.fields if f.field != field)
    entry = FieldSource(field=field, lines=(), rule="user", supplied=True)
    return replace(document, provenance=replace(document.provenance, fields=(*kept, entry)))
