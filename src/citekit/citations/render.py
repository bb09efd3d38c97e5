"""pandoc's citeproc output (its JSON AST) as text, HTML or Markdown.

Only what citeproc produces is rendered; any other node is a :class:`~citekit.errors.ToolError`.
"""

from __future__ import annotations

import html
import re
from typing import Any, Literal, TypeAlias

from citekit.errors import ToolError
from citekit.model import safe_url

Markup: TypeAlias = Literal["text", "html", "markdown"]
MARKUPS: tuple[Markup, ...] = ("text", "html", "markdown")


def render_citation(inlines: list[dict[str, Any]], markup: Markup) -> str:
    """A citation's inlines; a note style's citation is a Note whose text is the full note."""
    if len(inlines) == 1 and inlines[0].get("t") == "Note":
        return render_blocks(inlines[0]["c"], markup)
    return _render_inlines(inlines, markup).strip()


# --------------------------------------------------------------------------------------------
# Rendering pandoc's AST (only what citeproc produces) as text, HTML or Markdown

_SUPERSCRIPT = str.maketrans("0123456789+-=()n,", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿ˒")
_SUBSCRIPT = str.maketrans("0123456789+-=()", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~^])")
_MARKDOWN_NUMBERED = re.compile(r"^(\d+)[.)](?=\s|$)")


def render_blocks(blocks: list[dict[str, Any]], markup: Markup) -> str:
    parts: list[str] = []
    for block in blocks:
        kind = block.get("t")
        if kind in {"Para", "Plain"}:
            parts.append(_render_inlines(block["c"], markup).strip())
        elif kind == "Div":
            parts.append(render_blocks(block["c"][1], markup))
        elif kind == "LineBlock":
            parts.extend(_render_inlines(line, markup).strip() for line in block["c"])
        else:
            raise ToolError(f"unexpected block {kind!r} in pandoc's citeproc output")
    text = " ".join(p for p in parts if p)
    return _escape_line_start(text) if markup == "markdown" else text


def _escape_line_start(text: str) -> str:
    """An entry starting "1. " or "- " would become a Markdown list item: escape the marker."""
    numbered = _MARKDOWN_NUMBERED.match(text)
    if numbered:
        return f"{numbered.group(1)}\\{text[numbered.end(1) :]}"
    if text[:1] in "-+#>=" and text[1:2] in {"", " "}:
        return "\\" + text
    return text


def _render_inlines(inlines: list[dict[str, Any]], markup: Markup) -> str:
    return "".join(_render_inline(inline, markup) for inline in inlines)


def _wrap(inner: str, before: str, after: str) -> str:
    """Markdown emphasis must hug its text: spaces move outside the markers."""
    stripped = inner.strip()
    if not stripped:
        return inner
    lead = inner[: len(inner) - len(inner.lstrip())]
    trail = inner[len(inner.rstrip()) :]
    return f"{lead}{before}{stripped}{after}{trail}"


def _render_inline(inline: dict[str, Any], markup: Markup) -> str:
    kind = inline.get("t")
    content: Any = inline.get("c")
    if kind == "Str":
        text = str(content)
        if markup == "html":
            return html.escape(text, quote=False)
        if markup == "markdown":
            return _MARKDOWN_SPECIAL.sub(r"\\\1", text)
        return text
    if kind in {"Space", "SoftBreak"}:
        return " "
    if kind == "LineBreak":
        return "<br />" if markup == "html" else " "
    if kind in {"Emph", "Strong", "Underline", "Strikeout", "SmallCaps", "Superscript", "Subscript"}:
        inner = _render_inlines(content, markup)
        if markup == "html":
            tag = {
                "Emph": ("<em>", "</em>"),
                "Strong": ("<strong>", "</strong>"),
                "Underline": ("<u>", "</u>"),
                "Strikeout": ("<del>", "</del>"),
                "SmallCaps": ('<span style="font-variant:small-caps;">', "</span>"),
                "Superscript": ("<sup>", "</sup>"),
                "Subscript": ("<sub>", "</sub>"),
            }[kind]
            return f"{tag[0]}{inner}{tag[1]}"
        if markup == "markdown":
            marks = {
                "Emph": ("*", "*"),
                "Strong": ("**", "**"),
                "Strikeout": ("~~", "~~"),
                "Superscript": ("<sup>", "</sup>"),
                "Subscript": ("<sub>", "</sub>"),
            }
            if kind in marks:
                return _wrap(inner, *marks[kind])
            return inner
        if kind == "SmallCaps":
            return inner.upper()
        if kind == "Superscript":
            converted = inner.translate(_SUPERSCRIPT)
            return converted if all(c in "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿ˒" for c in converted) else f"^{inner}^"
        if kind == "Subscript":
            converted = inner.translate(_SUBSCRIPT)
            return converted if all(c in "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎" for c in converted) else f"~{inner}~"
        return inner
    if kind == "Quoted":
        quote_type, inner_inlines = content
        inner = _render_inlines(inner_inlines, markup)
        return f"“{inner}”" if quote_type.get("t") == "DoubleQuote" else f"‘{inner}’"
    if kind == "Span":
        attr, inner_inlines = content
        inner = _render_inlines(inner_inlines, markup)
        layout = [
            c for c in attr[1] if c in {"csl-left-margin", "csl-right-inline", "csl-block", "csl-indent"}
        ]
        if markup == "html" and layout:
            return f'<span class="{" ".join(layout)}">{inner}</span>'
        return inner
    if kind == "Link":
        _attr, inner_inlines, (url, _title) = content
        inner = _render_inlines(inner_inlines, markup)
        target = safe_url(url)
        if target is None or markup == "text":
            return inner
        if markup == "html":
            return f'<a href="{html.escape(target, quote=True)}">{inner}</a>'
        destination = (
            target.replace(" ", "%20")
            .replace("(", "%28")
            .replace(")", "%29")
            .replace("<", "%3C")
            .replace(">", "%3E")
        )
        if _render_inlines(inner_inlines, "text") == url:
            return f"<{destination}>"
        return f"[{inner}]({destination})"
    if kind == "Cite":
        return _render_inlines(content[1], markup)
    if kind in {"Code", "Math"}:
        return _render_inline({"t": "Str", "c": content[1]}, markup)
    if kind == "RawInline":
        return ""
    if kind == "Image":
        return _render_inlines(content[1], markup)
    if kind == "Note":
        # A note inside an author-date citation (rare): keep its text in brackets rather than lose it.
        return f" [{render_blocks(content, markup)}]"
    raise ToolError(f"unexpected inline {kind!r} in pandoc's citeproc output")
