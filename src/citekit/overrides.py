"""User-supplied values: ``--set FIELD=VALUE`` and ``--accessed DATE``, recorded as supplied."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from citekit.errors import OptionError
from citekit.model import Document, FieldSource
from citekit.serialise import from_dict, to_dict

# Fields holding lists take comma-separated values on the command line.
_LIST_FIELDS = frozenset({"metadata.keywords", "rights.holders"})
_INT_FIELDS = frozenset({"rights.year"})


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
    """Set dotted fields (``metadata.title``, ``rights.year``, ``metadata.authors``…)."""
    data = to_dict(document)
    for path, value in overrides.items():
        parts = path.split(".")
        if len(parts) != 2 or parts[0] not in {"metadata", "rights"}:
            raise OptionError(f"--set {path}: only metadata.FIELD and rights.FIELD can be set")
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
