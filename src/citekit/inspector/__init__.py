"""See and correct what citekit decided: ``citekit inspect`` and the batch review page.

:func:`inspect_html` is ``citekit.inspect``: an input (a path) or a document → one self-contained
HTML page showing every line the rules read with its kind, rule and reason, the fields and where
each came from, what was removed and why, and the ``--set`` flags and sidecar row that would
correct each field. :mod:`~citekit.inspector.terminal` renders the same with rich;
:mod:`~citekit.inspector.review` writes a batch's review page.
"""

from __future__ import annotations

from pathlib import Path

from citekit.inspector.trace import Mark, Trace, trace_bytes, trace_document, trace_path
from citekit.model import Document


def inspect_html(document_or_path: Document | str | Path, *, text: str | None = None) -> str:
    """The inspect page of a document, or of the input at a path (read as ``citekit normalise``
    reads it); ``text``: for a document, the article text it was normalised from."""
    from citekit.inspector.page import page

    if isinstance(document_or_path, Document):
        return page(trace_document(document_or_path, text=text))
    return page(trace_path(document_or_path))


__all__ = ["Mark", "Trace", "inspect_html", "trace_bytes", "trace_document", "trace_path"]
