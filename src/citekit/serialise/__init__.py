"""The ``citekit-document/1`` JSON form of a :class:`~citekit.model.Document`, both ways.

The JSON names are fixed: tools outside the project read them. ``text`` keys on blocks are
output-only (derived from the inlines) and ignored on input. ``from_dict(to_dict(doc)) == doc``.
The JSON Schema ships as ``citekit/schema/citekit-document-1.schema.json``.
"""

from __future__ import annotations

import json
from importlib import resources

from citekit.serialise.reading import from_dict, loads
from citekit.serialise.writing import JSON, block_to_dict, dump, dumps, inline_to_dict, removed_to_dict, to_dict


def json_schema() -> JSON:
    """The JSON Schema of ``citekit-document/1`` shipped with the package."""
    text = resources.files("citekit").joinpath("schema/citekit-document-1.schema.json").read_text("utf-8")
    result: JSON = json.loads(text)
    return result


__all__ = [
    "JSON",
    "block_to_dict",
    "dump",
    "dumps",
    "from_dict",
    "inline_to_dict",
    "json_schema",
    "loads",
    "removed_to_dict",
    "to_dict",
]
