"""Helpers shared by the lxml-based writers (JATS, EPUB). Text must already be cleaned of the
characters the target format forbids: each writer knows its own set."""

from __future__ import annotations

from typing import Any


def append_text(parent: Any, text: str) -> None:
    """Add ``text`` at the end of ``parent``'s mixed content (after its last child, if any).

    The cost is the length of the text already there (lxml copies it), so text that arrives in
    many pieces goes through a :class:`TextRun` and is appended once.
    """
    if not text:
        return
    try:
        last = parent[-1]  # found from the end; len(parent) would count every child
    except IndexError:
        parent.text = (parent.text or "") + text
    else:
        last.tail = (last.tail or "") + text


class TextRun:
    """Text bound for the end of one element's content, written in one piece.

    Rendering a paragraph of many adjacent text inlines appended each piece to the same lxml
    text or tail, copying it every time: quadratic. A run collects the pieces; :meth:`flush`
    (call it before adding a child element, and at the end) appends them once.
    """

    __slots__ = ("_parent", "_pieces")

    def __init__(self, parent: Any) -> None:
        self._parent = parent
        self._pieces: list[str] = []

    def add(self, text: str) -> None:
        """Queue ``text`` (already cleaned)."""
        if text:
            self._pieces.append(text)

    def flush(self) -> None:
        """Append the queued text to the element."""
        if self._pieces:
            append_text(self._parent, "".join(self._pieces))
            self._pieces.clear()
