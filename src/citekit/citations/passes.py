"""One citeproc run: the pandoc JSON document citing the items, and what is read back from it.

The document cites each item once, in its own paragraph (a ``Cite`` per item, in input order),
then asks for the bibliography (a ``refs`` Div); an order run cites nothing and lists every item
(``nocite: @*``). pandoc reads it as JSON (``--from=json``): no Markdown to parse, which was a
quarter of a pass's work.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from citekit.citations.render import Markup, render_blocks, render_citation
from citekit.errors import ToolError


@dataclass(frozen=True, slots=True)
class Pass:
    """What one run gives back."""

    order: list[str]
    """The ids of the bibliography's entries, in the style's order."""
    entries: dict[str, str]
    """Each entry, rendered, by id (empty for an order run)."""
    citations: dict[str, str]
    """Each item's in-text citation, rendered, by id (empty for an order run)."""


def run_pass(
    items: list[dict[str, Any]],
    *,
    csl: Path,
    style_id: str,
    language: str | None,
    markup: Markup | None,
    bibliography: Path,
    api: list[int],
    pandoc: Path | None,
) -> Pass:
    """One pandoc run over ``items`` (CSL-JSON with ids) written to ``bibliography``: cited and
    rendered in ``markup``, or, with ``markup`` None, an order run."""
    from citekit.pandoc import pandoc_json

    data = json.dumps(items, ensure_ascii=False).encode("utf-8")
    bibliography.write_bytes(data)
    ids = [item["id"] for item in items]
    args = ["--from=json", "--citeproc", f"--csl={csl}", f"--bibliography={bibliography}",
            "--metadata=link-citations=false", "--metadata=suppress-bibliography=false"]
    if language:
        args.append(f"--metadata=lang={language}")
    document = _cite_document(ids, api) if markup is not None else _nocite_document(api)
    try:
        ast = pandoc_json(args, document, work_bytes=len(data), binary=pandoc)
    except ToolError as error:
        raise ToolError(f"citeproc with style {style_id!r}: {error.message}") from error
    finally:
        bibliography.unlink(missing_ok=True)
    try:
        return _read_output(ast, ids, markup)
    except (KeyError, IndexError, TypeError, AttributeError, ValueError) as error:
        raise ToolError(
            f"pandoc's citeproc output has an unexpected shape ({type(error).__name__}: {error})"
        ) from None


def _citation(item_id: str, note_number: int) -> dict[str, Any]:
    return {
        "citationId": item_id,
        "citationPrefix": [],
        "citationSuffix": [],
        "citationMode": {"t": "NormalCitation"},
        "citationNoteNum": note_number,
        "citationHash": 0,
    }


_REFS = {"t": "Div", "c": [["refs", [], []], []]}


def _cite_document(ids: Sequence[str], api: list[int]) -> bytes:
    """A pandoc JSON document citing each id once, in its own paragraph, then the bibliography."""
    blocks: list[Any] = [
        {"t": "Para", "c": [{"t": "Cite", "c": [[_citation(item_id, n)], []]}]} for n, item_id in enumerate(ids, 1)
    ]
    blocks.append(_REFS)
    return json.dumps({"pandoc-api-version": api, "meta": {}, "blocks": blocks}).encode("utf-8")


def _nocite_document(api: list[int]) -> bytes:
    """A pandoc JSON document with only a bibliography of every item (``nocite: @*``)."""
    nocite = {"t": "MetaInlines", "c": [{"t": "Cite", "c": [[_citation("*", 1)], []]}]}
    return json.dumps({"pandoc-api-version": api, "meta": {"nocite": nocite}, "blocks": [_REFS]}).encode("utf-8")


def _read_output(ast: dict[str, Any], ids: list[str], markup: Markup | None) -> Pass:
    """(entry ids in order, entries by id, citations by id) of a run over ``ids``. With ``markup``
    the run cited every id (each must have its citation) and entries are rendered; without, only
    the order is read."""
    citations: dict[str, str] = {}
    order: list[str] = []
    entries: dict[str, str] = {}
    for block in ast["blocks"]:
        kind = block["t"]
        if kind in {"Para", "Plain"} and markup is not None:
            for inline in block["c"]:
                if inline["t"] == "Cite":
                    citations[inline["c"][0][0]["citationId"]] = render_citation(inline["c"][1], markup)
        elif kind == "Div" and block["c"][0][0] == "refs":
            for entry in block["c"][1]:
                identifier = entry["c"][0][0] if entry["t"] == "Div" else ""
                if not identifier.startswith("ref-"):
                    raise ToolError(f"pandoc's citeproc returned a bibliography entry without an id ({entry['t']})")
                order.append(identifier[4:])
                if markup is not None:
                    entries[identifier[4:]] = render_blocks(entry["c"][1], markup)
    known = set(ids)
    if len(set(order)) != len(order) or not known.issuperset(order):
        raise ToolError("pandoc's citeproc returned bibliography entries for items it was not given")
    missing = [i for i in ids if i not in citations] if markup is not None else []
    if missing:
        raise ToolError(f"pandoc returned no citation for {len(missing)} of {len(ids)} items")
    return Pass(order, entries, citations)
