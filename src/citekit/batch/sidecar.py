"""Sidecar metadata: a tab-separated table of values the texts do not print, keyed by input."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from citekit.errors import OptionError
from citekit.overrides import field_path

Sidecar = dict[str, tuple[tuple[str, str], ...]]


def load_sidecar(path: Path) -> Sidecar:
    """A tab-separated table: a key column (``file``, ``id`` or ``name``, else the first) and field columns.

    Keys match an input's path as given, its path under a walked directory, its file name, its stem,
    or a dataset row's id. Empty cells supply nothing.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        raise OptionError(f"cannot read metadata table: {reason}", path=path) from error
    rows = list(csv.reader(io.StringIO(text), delimiter="\t"))
    if not rows:
        raise OptionError("metadata table is empty", path=path)
    header = [h.strip() for h in rows[0]]
    key_index = next((header.index(k) for k in ("file", "id", "name") if k in header), 0)
    try:
        fields = {i: field_path(h) for i, h in enumerate(header) if i != key_index and h}
    except OptionError as error:
        raise OptionError(f"column {error.message}", path=path, line=1) from None
    table: Sidecar = {}
    for line, row in enumerate(rows[1:], start=2):
        if not row or not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            raise OptionError(f"{len(row)} cells but {len(header)} columns", path=path, line=line)
        key = row[key_index].strip()
        table[key] = tuple((fields[i], cell.strip()) for i, cell in enumerate(row)
                           if i in fields and cell.strip())
    return table


def sidecar_values(table: Sidecar, keys: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """The values the table gives the first of ``keys`` it knows."""
    for key in keys:
        if key in table:
            return table[key]
    return ()
