"""Placeholder normaliser (replaced by the real one): first line title, the rest paragraphs."""

from __future__ import annotations

import hashlib

from citekit import __version__
from citekit.model import Document, LineSpan, Metadata, Para, Provenance, Str


def normalise_text(text: str, *, name: str | None = None, raw: bytes | None = None) -> Document:
    lines = text.split("\n")
    nonblank = [(i + 1, line.strip()) for i, line in enumerate(lines) if line.strip()]
    title = nonblank[0][1] if nonblank else None
    body = tuple(Para(content=(Str(text=line),)) for _, line in nonblank[1:])
    spans = tuple(LineSpan(start_line=n, end_line=n, role="title" if k == 0 else "body")
                  for k, (n, _) in enumerate(nonblank))
    digest = hashlib.sha256(raw if raw is not None else text.encode()).hexdigest()
    return Document(metadata=Metadata(title=title), body=body,
                    provenance=Provenance(input_sha256=digest, citekit_version=__version__,
                                          source_name=name, lines=spans))
