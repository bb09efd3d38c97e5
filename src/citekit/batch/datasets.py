"""CSV and JSON Lines datasets: one article per row, each row read (and failed) on its own.

A dataset must be UTF-8 (a byte-order mark is allowed). A row that cannot be read (bytes that are
not UTF-8, a JSON line that does not parse or nests too deeply, text with a lone surrogate, more
cells than the header has columns) fails alone, named by its row and line; the other rows convert.
"""

from __future__ import annotations

import csv
import json
import re
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DATASET_SUFFIXES = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}
"""Files named explicitly with these suffixes are datasets: one article per row."""

_UNDECODABLE = re.compile("[\udc80-\udcff]")
"""What ``errors="surrogateescape"`` makes of a byte that is not UTF-8."""
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True, slots=True, kw_only=True)
class DatasetOptions:
    """How to read CSV / JSON Lines inputs: one article per row."""

    text_column: str = "text"
    id_column: str | None = None
    """Names the outputs and the report entry; without it rows are numbered from 1."""
    columns: Mapping[str, str] = field(default_factory=dict)
    """Column → document field (``{"url": "metadata.url"}``)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Row:
    """One row of a dataset: its cells, or why it cannot be read."""

    number: int
    """Row number from 1 (the CSV header and blank JSON lines are not rows)."""
    line: int
    """The line of the file where the row starts."""
    cells: Mapping[str, Any] | None = None
    problem: str | None = None


class DatasetError(Exception):
    """The dataset as a whole cannot be read (no header, a read error): no row can be trusted."""


def dataset_kind(path: str) -> str | None:
    """csv or jsonl when ``path`` names a dataset file, else None."""
    return DATASET_SUFFIXES.get(Path(path).suffix.lower())


def read_rows(path: Path, kind: str) -> Iterator[Row]:
    """Every row of the dataset at ``path``, streamed; :class:`DatasetError` when none can be read."""
    try:
        if kind == "csv":
            yield from _csv_rows(path)
        else:
            yield from _jsonl_rows(path)
    except OSError as error:
        raise DatasetError(f"cannot read dataset: {error.strerror or error}") from error


def _csv_rows(path: Path) -> Iterator[Row]:
    with path.open("r", encoding="utf-8-sig", errors="surrogateescape", newline="") as stream:
        csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
        reader = csv.reader(stream)
        try:
            header = next(reader)
        except StopIteration:
            raise DatasetError("empty CSV file: no header row") from None
        except csv.Error as error:
            raise DatasetError(f"header row: {error}") from None
        bad = next((cell for cell in header if _UNDECODABLE.search(cell)), None)
        if bad is not None:
            raise DatasetError(f"header row: {_undecodable(bad)}")
        number, line = 0, reader.line_num + 1
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                number += 1
                yield Row(number=number, line=line, problem=str(error))
                line = reader.line_num + 1
                continue
            if not cells:  # a blank line between rows
                line = reader.line_num + 1
                continue
            number += 1
            yield _csv_row(number, line, header, cells)
            line = reader.line_num + 1


def _csv_row(number: int, line: int, header: list[str], cells: list[str]) -> Row:
    bad = next((cell for cell in cells if _UNDECODABLE.search(cell)), None)
    if bad is not None:
        return Row(number=number, line=line, problem=_undecodable(bad))
    if len(cells) > len(header):
        return Row(number=number, line=line,
                   problem=f"{len(cells)} cells but the header has {len(header)} columns (an unquoted comma?)")
    return Row(number=number, line=line, cells=dict(zip(header, cells, strict=False)))


def _undecodable(cell: str) -> str:
    found = _UNDECODABLE.search(cell)
    assert found is not None
    byte = ord(found.group()) - 0xDC00
    return f"not valid UTF-8 (byte 0x{byte:02X}); datasets must be UTF-8"


def _jsonl_rows(path: Path) -> Iterator[Row]:
    number = 0
    with path.open("rb") as stream:
        for line, raw in enumerate(stream, start=1):
            if line == 1:
                raw = raw.removeprefix(b"\xef\xbb\xbf")
            if not raw.strip():
                continue
            number += 1
            yield _jsonl_row(number, line, raw)


def _jsonl_row(number: int, line: int, raw: bytes) -> Row:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        return Row(number=number, line=line, problem=f"not valid UTF-8 (byte 0x{raw[error.start]:02X} "
                                                     f"at column {error.start + 1}); datasets must be UTF-8")
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError as error:
        return Row(number=number, line=line, problem=f"not JSON: {error.msg} (column {error.colno})")
    except RecursionError:
        return Row(number=number, line=line, problem="not read: JSON nested too deeply")
    if not isinstance(parsed, dict):
        return Row(number=number, line=line, problem="not a JSON object")
    return Row(number=number, line=line, cells=parsed)


def cell_text(row: Mapping[str, Any], column: str) -> str:
    """A cell as text: strings as they are, other JSON values as JSON, nothing as ``""``.

    Raises ValueError for text that is not valid Unicode or a value nested too deeply to write.
    """
    value = row.get(column)
    if value is None:
        return ""
    if isinstance(value, str):
        text = value
    else:
        try:
            text = json.dumps(value, ensure_ascii=False)
        except (RecursionError, ValueError):
            raise ValueError(f"column {column!r} is nested too deeply") from None
    surrogate = _SURROGATE.search(text)
    if surrogate is not None:
        raise ValueError(f"column {column!r} holds a lone surrogate (U+{ord(surrogate.group()):04X}):"
                         " not valid Unicode")
    return text


__all__ = ["DATASET_SUFFIXES", "DatasetError", "DatasetOptions", "Row", "cell_text", "dataset_kind", "read_rows"]
