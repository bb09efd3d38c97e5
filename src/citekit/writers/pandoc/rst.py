"""reStructuredText cannot nest inline markup: the AST is flattened for it here, in one linear pass;
and a text block opening like explicit markup (a directive) is escaped.

Markup inside markup is set plainly, markup around a link gives way to the link, and a link's text
loses its markup (pandoc does the same itself, in time that grows with the square of the text
inside nested markup). Every inline list is visited: paragraphs, headings, lists, quotes, divs,
notes, figure captions and table cells.
"""

from __future__ import annotations

from typing import Any

from citekit.writers.pandoc.ast import Node

_MARKUP = frozenset({"Emph", "Strong", "Strikeout", "Superscript", "Subscript"})


def _has_link(nodes: list[Node]) -> bool:
    return any(n["t"] == "Link" or (n["t"] in _MARKUP and _has_link(n["c"])) for n in nodes)


def _plain_nodes(nodes: list[Node]) -> list[Node]:
    """``nodes`` without inline markup: their text, spaces and line breaks."""
    out: list[Node] = []
    for n in nodes:
        if n["t"] in _MARKUP:
            out += _plain_nodes(n["c"])
        elif n["t"] == "Link":
            out += _plain_nodes(n["c"][1])
        else:
            out.append(n)
    return out


def unnested_inlines(nodes: list[Node], counter: list[int]) -> list[Node]:
    """Inlines as reStructuredText can write them, in one pass: markup inside markup is set plainly,
    markup around a link gives way to the link, a link's text loses its markup. (pandoc does the
    same itself, in time that grows with the square of the text inside nested markup.)
    ``counter[0]`` counts the markup set plainly."""
    out: list[Node] = []
    for n in nodes:
        if n["t"] in _MARKUP:
            if _has_link(n["c"]):
                counter[0] += 1
                out += unnested_inlines(n["c"], counter)
                continue
            flat = _plain_nodes(n["c"])
            counter[0] += len(flat) != len(n["c"]) or any(a is not b for a, b in zip(flat, n["c"], strict=False))
            out.append({"t": n["t"], "c": flat})
        elif n["t"] == "Link":
            flat = _plain_nodes(n["c"][1])
            counter[0] += any(a is not b for a, b in zip(flat, n["c"][1], strict=False)) or len(flat) != len(n["c"][1])
            # A link's text is one run of words in reStructuredText: one Str (pandoc's time on a
            # link grows with the square of its nodes).
            words = "".join(x["c"] if x["t"] == "Str" else (x["c"][1] if x["t"] == "Code" else " ") for x in flat)
            out.append({"t": "Link", "c": [n["c"][0], [{"t": "Str", "c": words}], n["c"][2]]})
        elif n["t"] == "Note":
            out.append({"t": "Note", "c": unnested_blocks(n["c"], counter)})
        else:
            out.append(n)
    return out


_INLINE_HOLDERS = frozenset({"Para", "Plain"})
# A text block opening with ".." is explicit markup in reStructuredText: ".. include:: /etc/passwd"
# or ".. raw:: html" would be run by docutils. pandoc escapes other openings (list markers, "__")
# but not this one, so a backslash is put in front (``\..`` is two full stops).
_EXPLICIT_MARKUP = ".."
_ESCAPE: Node = {"t": "RawInline", "c": ["rst", "\\"]}


def literal_opening(nodes: list[Node]) -> list[Node]:
    """``nodes`` with an opening that reStructuredText would read as explicit markup escaped."""
    first = nodes[0] if nodes else None
    if first is not None and first["t"] == "Str" and first["c"].startswith(_EXPLICIT_MARKUP):
        return [_ESCAPE, *nodes]
    return nodes


def literal_meta(value: Node) -> Node:
    """A metadata value with every inline list's opening escaped (docinfo fields such as
    ``:Author:`` are read as body elements by docutils)."""
    t = value["t"]
    if t == "MetaInlines":
        return {"t": t, "c": literal_opening(value["c"])}
    if t == "MetaBlocks":
        return {"t": t, "c": unnested_blocks(value["c"], [0])}
    if t == "MetaList":
        return {"t": t, "c": [literal_meta(v) for v in value["c"]]}
    if t == "MetaMap":
        return {"t": t, "c": {k: literal_meta(v) for k, v in value["c"].items()}}
    return value


def unnested_blocks(nodes: list[Node], counter: list[int]) -> list[Node]:
    """:func:`unnested_inlines` applied to every inline list of ``nodes``."""
    out: list[Node] = []
    for n in nodes:
        t = n["t"]
        if t in _INLINE_HOLDERS:
            out.append({"t": t, "c": literal_opening(unnested_inlines(n["c"], counter))})
        elif t == "Header":
            out.append({"t": t, "c": [n["c"][0], n["c"][1], unnested_inlines(n["c"][2], counter)]})
        elif t == "BlockQuote":
            out.append({"t": t, "c": unnested_blocks(n["c"], counter)})
        elif t == "BulletList":
            out.append({"t": t, "c": [unnested_blocks(item, counter) for item in n["c"]]})
        elif t == "OrderedList":
            out.append({"t": t, "c": [n["c"][0], [unnested_blocks(item, counter) for item in n["c"][1]]]})
        elif t == "Div":
            out.append({"t": t, "c": [n["c"][0], unnested_blocks(n["c"][1], counter)]})
        elif t == "Figure":
            attr, (short, caption), content = n["c"]
            out.append({"t": t, "c": [attr, [short, unnested_blocks(caption, counter)],
                                      unnested_blocks(content, counter)]})
        elif t == "Table":
            out.append({"t": t, "c": _unnested_table(n["c"], counter)})
        else:
            out.append(n)
    return out


def _unnested_rows(rows: list[Any], counter: list[int]) -> list[Any]:
    """Rows (``[Attr, [Cell]]``) with every cell's blocks unnested."""
    return [[attr, [[*cell[:4], unnested_blocks(cell[4], counter)] for cell in cells]] for attr, cells in rows]


def _unnested_table(c: list[Any], counter: list[int]) -> list[Any]:
    attr, (short, caption), specs, (head_attr, head), bodies, (foot_attr, foot) = c
    return [attr, [short, unnested_blocks(caption, counter)], specs, [head_attr, _unnested_rows(head, counter)],
            [[b_attr, columns, _unnested_rows(b_head, counter), _unnested_rows(rows, counter)]
             for b_attr, columns, b_head, rows in bodies],
            [foot_attr, _unnested_rows(foot, counter)]]
