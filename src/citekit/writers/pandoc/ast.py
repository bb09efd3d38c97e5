"""Model nodes as pandoc's JSON AST (``Text.Pandoc.Definition``, the API version the bundled pandoc
reads): one ``match`` per node kind, each ending in ``assert_never``.

The mapping is the model's own table read backwards (see :mod:`citekit.model`): ``Str`` becomes
pandoc's ``Str`` and ``Space`` runs (pandoc's writers wrap and escape by them), ``Emph``, ``Strong``,
``Code``, ``Link`` and ``LineBreak`` their namesakes; ``Para``, ``Heading`` (``Header``), ``Quote``
(``BlockQuote``), ``ListBlock`` (``BulletList``/``OrderedList``, tight when every item is one
paragraph) and ``Rule`` (``HorizontalRule``). Characters XML 1.0 cannot carry are dropped (DOCX and
ODT are XML); everything else is passed as it stands, for pandoc escapes it for each format.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, assert_never

from citekit.model import (
    Block,
    Code,
    Emph,
    Heading,
    Inline,
    LineBreak,
    Link,
    ListBlock,
    Para,
    Quote,
    Rule,
    Str,
    Strong,
    plain_inlines,
)
from citekit.writers import Diagnostic
from citekit.writers._links import absolute_url
from citekit.writers._text import clean

Node = dict[str, Any]

# Pandoc's Space: runs of ASCII white space only (a no-break space is a character of the word).
_SPACE = re.compile(r"[ \t\r\n]+")
MAX_HEADER_LEVEL = 6
NO_ATTR: list[Any] = ["", [], []]


def attr(classes: Sequence[str] = (), pairs: Sequence[tuple[str, str]] = ()) -> list[Any]:
    """A pandoc ``Attr``: no identifier, the classes, the key-value pairs."""
    return ["", list(classes), [list(p) for p in pairs]]


def text_nodes(text: str) -> list[Node]:
    """``Str`` and ``Space`` nodes for ``text`` (runs of white space are one ``Space``)."""
    nodes: list[Node] = []
    for index, piece in enumerate(_SPACE.split(clean(text))):
        if index:
            nodes.append({"t": "Space"})
        if piece:
            nodes.append({"t": "Str", "c": piece})
    return nodes


@dataclass
class Context:
    """How links are written, and where problems are reported."""

    base_url: str | None
    """The article's absolute address: relative links are resolved against it."""
    keep_relative: bool = False
    """True for formats whose readers follow relative links themselves (Markdown)."""
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def target(self, url: str) -> str | None:
        """The link target to write, or None when the link cannot be followed from the output."""
        if self.keep_relative:
            return url.strip()
        return absolute_url(url, self.base_url)


def inlines(nodes: Sequence[Inline], ctx: Context, where: str) -> list[Node]:
    out: list[Node] = []
    for node in nodes:
        match node:
            case Str(text=text):
                out += text_nodes(text)
            case Emph(content=content):
                out.append({"t": "Emph", "c": inlines(content, ctx, where)})
            case Strong(content=content):
                out.append({"t": "Strong", "c": inlines(content, ctx, where)})
            case Code(text=text):
                out.append({"t": "Code", "c": [NO_ATTR, clean(text)]})
            case Link(content=content, url=url, title=title):
                out += link(content, url, title, ctx, where)
            case LineBreak():
                out.append({"t": "LineBreak"})
            case _:
                assert_never(node)
    return out


def link(content: Sequence[Inline], url: str, title: str, ctx: Context, where: str) -> list[Node]:
    """A ``Link``; an autolink shows its address; a target the output cannot follow keeps its text."""
    shown = inlines(content, ctx, where) if plain_inlines(tuple(content)).strip() else text_nodes(url.strip())
    target = ctx.target(url)
    if target is None:
        message = f"link target {url.strip()[:200]!r} cannot be followed from this output; kept its text"
        ctx.diagnostics.append(Diagnostic(field=where, message=message))
        return shown
    return [{"t": "Link", "c": [NO_ATTR, shown, [clean(target), clean(title)]]}]


def blocks(nodes: Sequence[Block], ctx: Context, where: str) -> list[Node]:
    out: list[Node] = []
    for index, node in enumerate(nodes):
        here = f"{where}[{index}]"
        match node:
            case Para(content=content):
                out.append({"t": "Para", "c": inlines(content, ctx, here)})
            case Heading(level=level, content=content):
                level = max(1, min(level, MAX_HEADER_LEVEL))
                out.append({"t": "Header", "c": [level, NO_ATTR, inlines(content, ctx, here)]})
            case Quote(blocks=inner):
                out.append({"t": "BlockQuote", "c": blocks(inner, ctx, here)})
            case ListBlock(ordered=ordered, items=items, start=start):
                out.append(list_block(ordered, items, start, ctx, here))
            case Rule():
                out.append({"t": "HorizontalRule"})
            case _:
                assert_never(node)
    return out


def list_block(ordered: bool, items: Sequence[tuple[Block, ...]], start: int, ctx: Context, where: str) -> Node:
    """A bullet or ordered list; tight (pandoc's ``Plain`` items) when every item is one paragraph."""
    written = [blocks(item, ctx, f"{where}.items[{n}]") for n, item in enumerate(items)]
    if all(len(item) <= 1 and all(b["t"] == "Para" for b in item) for item in written):
        written = [[{"t": "Plain", "c": b["c"]} for b in item] for item in written]
    if not ordered:
        return {"t": "BulletList", "c": written}
    return {"t": "OrderedList", "c": [[start, {"t": "Decimal"}, {"t": "Period"}], written]}


def div(classes: Sequence[str], content: list[Node], pairs: Sequence[tuple[str, str]] = ()) -> Node:
    return {"t": "Div", "c": [attr(classes, pairs), content]}


def span(content: list[Node], pairs: Sequence[tuple[str, str]]) -> Node:
    return {"t": "Span", "c": [attr((), pairs), content]}


def header(level: int, content: list[Node], classes: Sequence[str] = ()) -> Node:
    return {"t": "Header", "c": [level, attr(classes), content]}


# --------------------------------------------------------------------------------------------
# Metadata values


def meta_text(text: str) -> Node:
    return {"t": "MetaInlines", "c": text_nodes(text)}


def meta_string(text: str) -> Node:
    return {"t": "MetaString", "c": clean(text)}


def meta_list(values: Sequence[Node]) -> Node:
    return {"t": "MetaList", "c": list(values)}


def meta_bool(value: bool) -> Node:
    return {"t": "MetaBool", "c": value}


# --------------------------------------------------------------------------------------------
# reStructuredText: inline markup does not nest

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
        else:
            out.append(n)
    return out


_INLINE_HOLDERS = frozenset({"Para", "Plain"})


def unnested_blocks(nodes: list[Node], counter: list[int]) -> list[Node]:
    """:func:`unnested_inlines` applied to every inline list of ``nodes``."""
    out: list[Node] = []
    for n in nodes:
        t = n["t"]
        if t in _INLINE_HOLDERS:
            out.append({"t": t, "c": unnested_inlines(n["c"], counter)})
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
        else:
            out.append(n)
    return out
