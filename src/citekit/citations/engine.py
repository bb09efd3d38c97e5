"""Running pandoc's citeproc over CSL-JSON items: the entries and in-text citations as strings."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from citekit.citations.render import MARKUPS, Markup, render_blocks, render_citation
from citekit.citations.styles import Style
from citekit.errors import OptionError, ToolError


def citation_data(item: dict[str, Any]) -> dict[str, Any]:
    """The part of a CSL item a reference shows.

    The rights line (``note``) and citekit's ``custom`` data describe the copy, not the work: a
    style that prints ``note`` would append a copyright notice to the reference. A web page's
    ``publisher`` goes too: Zotero's webpage and blog-post types have no publisher, so styles written
    against Zotero data (apa.csl) print it as a second site name ("Centre for Research on
    Globalization. Global Research."), where APA 10.16 gives the site name alone.
    """
    data = {k: v for k, v in item.items() if k not in {"id", "citation-key", "note", "custom"}}
    if data.get("type") in {"webpage", "post-weblog"} and data.get("container-title"):
        data.pop("publisher", None)
    return data


def render_items(
    items: Sequence[dict[str, Any]],
    style: Style,
    *,
    markup: Markup = "text",
    locale: str | None = None,
    pandoc: Path | None = None,
) -> tuple[list[str], list[str]]:
    """(bibliography entries, each item's in-text citation) for CSL-JSON ``items``, in ONE pandoc run.

    ``pandoc`` replaces the bundled binary (tests); see :mod:`citekit.pandoc`.
    """
    if markup not in MARKUPS:
        raise OptionError(f"unknown markup {markup!r}; expected one of {', '.join(MARKUPS)}")
    if not items:
        return [], []
    # Our own ids: nothing in them can upset pandoc's citation syntax, and they map back by position.
    ids = [f"item{n}" for n in range(1, len(items) + 1)]
    prepared = [{**citation_data(item), "id": item_id} for item_id, item in zip(ids, items, strict=True)]
    source = "\n\n".join(f"[@{i}]" for i in ids) + "\n\n::: {#refs}\n:::\n"
    import tempfile

    from citekit.pandoc import pandoc_json

    language = locale or style.default_locale
    with tempfile.TemporaryDirectory(prefix="citekit-cite-") as tmp:
        bibliography = Path(tmp) / "items.json"
        data = json.dumps(prepared, ensure_ascii=False).encode("utf-8")
        bibliography.write_bytes(data)
        args = [
            "--wrap=none",
            "--from=markdown",
            "--citeproc",
            f"--csl={style.path}",
            f"--bibliography={bibliography}",
            "--metadata=link-citations=false",
            "--metadata=suppress-bibliography=false",
        ]
        if language:
            args.append(f"--metadata=lang={language}")
        try:
            ast = pandoc_json(args, source.encode("utf-8"), work_bytes=len(data), binary=pandoc)
        except ToolError as error:
            raise ToolError(f"citeproc with style {style.id!r}: {error.message}") from error
    try:
        return _collect(ast, ids, markup)
    except (KeyError, IndexError, TypeError, AttributeError, ValueError) as error:
        raise ToolError(f"pandoc's citeproc output has an unexpected shape ({type(error).__name__}: {error})") from None


def _collect(ast: dict[str, Any], ids: list[str], markup: Markup) -> tuple[list[str], list[str]]:
    citations: dict[str, str] = {}
    entries: list[str] = []
    for block in ast.get("blocks", []):
        kind = block.get("t")
        if kind in {"Para", "Plain"}:
            for inline in block["c"]:
                if inline.get("t") == "Cite":
                    cited = inline["c"][0][0]["citationId"]
                    citations[cited] = render_citation(inline["c"][1], markup)
        elif kind == "Div" and block["c"][0][0] == "refs":
            for entry in block["c"][1]:
                entries.append(render_blocks(entry["c"][1] if entry.get("t") == "Div" else [entry], markup))
    missing = [i for i in ids if i not in citations]
    if missing:
        raise ToolError(f"pandoc returned no citation for {len(missing)} of {len(ids)} items")
    return entries, [citations[i] for i in ids]
