"""One helper the block-extracting readers share for the inlines they build."""

from __future__ import annotations

import re
from collections.abc import Iterable

from citekit.model import Inline, Str

_SPACE = re.compile(r"\s+")


def merge_text(inlines: Iterable[Inline], *, collapse: bool = False) -> tuple[Inline, ...]:
    """Adjacent ``Str`` runs joined and empty ones dropped; ``collapse`` also squeezes whitespace runs."""
    out: list[Inline] = []
    for node in inlines:
        if isinstance(node, Str):
            if not node.text:
                continue
            if out and isinstance(out[-1], Str):
                node = Str(text=out[-1].text + node.text)
                out.pop()
            if collapse:
                node = Str(text=_SPACE.sub(" ", node.text))
        out.append(node)
    return tuple(out)
