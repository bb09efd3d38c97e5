"""Helpers shared by the lxml-based writers (JATS, EPUB). Text must already be cleaned of the
characters the target format forbids: each writer knows its own set."""

from __future__ import annotations

from typing import Any


def append_text(parent: Any, text: str) -> None:
    """Add ``text`` at the end of ``parent``'s mixed content (after its last child, if any)."""
    if not text:
        return
    if len(parent):
        last = parent[-1]
        last.tail = (last.tail or "") + text
    else:
        parent.text = (parent.text or "") + text
