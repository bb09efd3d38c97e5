"""The citekit document JSON writer (``citekit-document/1``): the model as it stands."""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO

from citekit.model import Document
from citekit.writers import Diagnostic, Writer, WriterOptions


def write(document: Document, stream: IO[bytes], options: WriterOptions) -> Sequence[Diagnostic]:
    from citekit.serialise import dumps

    stream.write(dumps(document).encode("utf-8"))
    return ()


WRITER = Writer(
    name="citekit-json",
    suffix=".citekit.json",
    media_type="application/json",
    binary=False,
    description="citekit document JSON (citekit-document/1), editable and re-readable",
    write=write,
)
