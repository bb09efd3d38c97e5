"""The citekit document JSON writer (``citekit-document/1``): the model as it stands."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import IO

from citekit.model import Document
from citekit.writers import Diagnostic, Writer, WriterOptions


def write(document: Document, stream: IO[bytes], options: WriterOptions) -> Sequence[Diagnostic]:
    from citekit.serialise import dump

    text = io.TextIOWrapper(stream, encoding="utf-8", newline="\n", write_through=True)
    dump(document, text)
    text.detach()  # the caller's stream stays open
    return ()


WRITER = Writer(
    name="citekit-json",
    suffix=".citekit.json",
    media_type="application/json",
    binary=False,
    description="citekit document JSON (citekit-document/1), editable and re-readable",
    write=write,
)
