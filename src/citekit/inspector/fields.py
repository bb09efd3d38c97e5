"""The fields panel and the "correct this" box: each field's value, where it came from, and the
``--set`` flag and sidecar column that would override it.

The flags and the TSV row are made by the same rules that read them back
(:func:`citekit.overrides.apply_overrides`, :func:`citekit.batch.sidecar.load_sidecar`): lists are
joined with the separator ``--set`` splits on (authors on ``;``, keywords and holders on ``,``),
values are quoted for a POSIX shell by :func:`shlex.quote`, and the TSV is written by :mod:`csv`
with the dialect ``load_sidecar`` reads. A flag copied unchanged gives the field the value it has;
changed, it gives the new one.
"""

from __future__ import annotations

import csv
import io
import shlex
from collections.abc import Sequence
from typing import NamedTuple

from citekit.batch.jobs import REVIEW_FIELDS
from citekit.model import Document, FieldSource

PLACEHOLDERS = {"metadata.title": "Title as printed", "metadata.authors": "Given Family; Given Family",
                "metadata.date": "YYYY-MM-DD", "metadata.site": "Site name", "metadata.url": "https://…"}
"""What a flag for a missing field holds until you fill it in (an unedited date flag fails loudly)."""

_JOIN = {"metadata.authors": "; ", "metadata.keywords": ", ", "rights.holders": ", "}
"""How list fields are written in a flag: the separator :func:`~citekit.overrides.apply_overrides` splits on."""

DERIVED = {"rights.holders": "rights.statement", "rights.year": "rights.statement",
           "metadata.keywords": "metadata.keyword_groups", "rights.notices": "the lines marked notice"}
"""Fields computed from another one (or from lines the lines panel shows) rather than read by a rule
of their own: what the panel says they come from."""


class Field(NamedTuple):
    """One row of the fields panel."""

    path: str
    """``metadata.title``, ``rights.year``, …"""
    value: str | None
    """The value as ``--set`` would write it; None when the document has none."""
    status: str
    """printed, supplied, derived (from another field), missing, or unrecorded (a value whose
    provenance names no source: a document edited by hand)."""
    chosen: tuple[FieldSource, ...]
    """The provenance entries of the value (one per author)."""
    alternatives: tuple[FieldSource, ...]
    """What rules read but did not choose."""
    settable: bool
    """True when ``--set`` and the sidecar can override it."""
    splits: bool = False
    """True when an item of a list value holds the separator, so the flag cannot keep it whole."""


def document_fields(document: Document) -> tuple[Field, ...]:
    """Every field with a value or a provenance entry, and the citation fields that are missing, in
    the model's order (provenance-only paths such as ``back.bio`` last)."""
    from citekit.overrides import settable_fields

    settable = settable_fields()
    entries: dict[str, list[FieldSource]] = {}
    for entry in document.provenance.fields:
        entries.setdefault(_panel_path(entry.field), []).append(entry)
    values = _values(document)
    order = [*settable, "rights.notices", *(p for p in entries if p not in settable and p != "rights.notices")]
    rows: list[Field] = []
    for path in order:
        value = values.get(path)
        found = entries.get(path, [])
        if value is None and not found and path not in REVIEW_FIELDS:
            continue
        chosen = tuple(e for e in found if not e.rule.endswith(" (not chosen)"))
        others = tuple(e for e in found if e.rule.endswith(" (not chosen)"))
        rows.append(Field(path=path, value=value, status=_status(path, value, chosen), chosen=chosen,
                          alternatives=others, settable=path in settable, splits=_splits(document, path)))
    return tuple(rows)


def set_flag(field: Field) -> str:
    """``--set metadata.title='…'``: the field's value, or its placeholder, quoted for a shell."""
    value = field.value if field.value is not None else PLACEHOLDERS.get(field.path, "VALUE")
    return f"--set {field.path}={shlex.quote(value)}"


def set_flags(fields: Sequence[Field]) -> tuple[str, ...]:
    """The flags of every field ``--set`` can override."""
    return tuple(set_flag(field) for field in fields if field.settable)


def sidecar_table(key: str, fields: Sequence[Field]) -> str:
    """A ``--metadata`` TSV (header and one row) naming the input by ``key``; a missing field's
    cell is empty, and an empty cell supplies nothing."""
    settable = [field for field in fields if field.settable]
    out = io.StringIO()
    writer = csv.writer(out, delimiter="\t", lineterminator="\n")
    writer.writerow(["file", *(field.path for field in settable)])
    writer.writerow([key, *(field.value or "" for field in settable)])
    return out.getvalue()


def _panel_path(path: str) -> str:
    """The panel row a provenance path belongs to: ``metadata.authors[1]`` → ``metadata.authors``."""
    path = path.split("[", 1)[0]
    return "metadata.keywords" if path.startswith("metadata.keyword_groups") else path


def _values(document: Document) -> dict[str, str]:
    meta, rights = document.metadata, document.rights
    values: dict[str, str | None] = {
        "metadata.title": meta.title, "metadata.subtitle": meta.subtitle,
        "metadata.authors": _JOIN["metadata.authors"].join(a.name for a in meta.authors) or None,
        "metadata.site": meta.site, "metadata.publisher": meta.publisher, "metadata.date": meta.date,
        "metadata.url": meta.url, "metadata.accessed": meta.accessed, "metadata.language": meta.language,
        "metadata.keywords": _JOIN["metadata.keywords"].join(meta.keywords) or None,
        "metadata.article_type": meta.article_type, "metadata.journal_id": meta.journal_id,
        "metadata.issn": meta.issn, "rights.statement": rights.statement,
        "rights.holders": _JOIN["rights.holders"].join(rights.holders) or None,
        "rights.year": str(rights.year) if rights.year is not None else None, "rights.license": rights.license,
        "rights.license_url": rights.license_url, "rights.source": rights.source,
        "rights.source_url": rights.source_url,
        "rights.notices": ", ".join(n.kind for n in rights.notices) or None,
    }
    return {path: value for path, value in values.items() if value is not None}


def _status(path: str, value: str | None, chosen: Sequence[FieldSource]) -> str:
    if value is None:
        return "missing"
    if any(entry.supplied for entry in chosen):
        return "supplied"
    if chosen:
        return "printed"
    return "derived" if path in DERIVED else "unrecorded"


def _splits(document: Document, path: str) -> bool:
    """True when one item of a list field holds the separator its flag is split on."""
    items: tuple[str, ...] = ()
    if path == "metadata.authors":
        items = tuple(a.name for a in document.metadata.authors)
    elif path == "metadata.keywords":
        items = document.metadata.keywords
    elif path == "rights.holders":
        items = document.rights.holders
    separator = _JOIN.get(path, "").strip()
    return bool(separator) and any(separator in item for item in items)
