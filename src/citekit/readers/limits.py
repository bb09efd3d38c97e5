"""What the reading layer accepts: an input's size, Unicode text, and how deep it nests.

Every input reaches the model through :mod:`citekit.readers` (the command line, the Python API
and the batch workers alike), so these checks live here once:

- **Size.** An input over ``max_bytes`` (default :data:`DEFAULT_MAX_INPUT_BYTES`, 64 MiB) is
  refused before it is decoded; a file is read no further than one byte past the limit.
- **Unicode.** A lone surrogate (``\\ud800``: half of a UTF-16 pair, which no encoding can
  write) is refused, naming its line and column, rather than replaced: it means the text was
  decoded wrongly upstream (``surrogateescape``, broken UTF-16), and a silent U+FFFD would
  hide that. Bytes decoded here never hold one; text handed to the API and ``\\u`` escapes in
  document JSON can.
- **Nesting.** See :mod:`citekit.nesting`.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from citekit.errors import InputError

DEFAULT_MAX_INPUT_BYTES = 64 * 1024 * 1024
"""The default input-size limit, 64 MiB: the longest article of the corpus is under 50 KB, so a
larger input is almost surely not one article; 50 MB of prose normalises in a few seconds and
under 1 GB (``benchmarks/bench_scaling.py``)."""

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_SIZE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*", re.IGNORECASE)
_UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4}


def limit_or_default(max_bytes: int | None) -> int:
    """``max_bytes``, or the default when None; 0 means no limit."""
    return DEFAULT_MAX_INPUT_BYTES if max_bytes is None else max_bytes


def check_size(size: int, max_bytes: int | None, *, name: str | None = None) -> None:
    """Refuse an input of ``size`` bytes when it is over the limit."""
    limit = limit_or_default(max_bytes)
    if limit and size > limit:
        # One byte past the limit is all a reader reads of a stream: its full size is unknown.
        what = (f"{describe_size(size)}; citekit reads inputs up to {describe_size(limit)}" if size > limit + 1
                else f"over {describe_size(limit)}, the most citekit reads")
        raise InputError(f"input is {what} (raise the limit with --max-input-size, or max_input_bytes= in Python)",
                         path=name)


def read_limited(path: Path, max_bytes: int | None) -> bytes:
    """The bytes of ``path``, refused once past the limit (never more than one byte past it is read)."""
    limit = limit_or_default(max_bytes)
    with path.open("rb") as stream:
        data = stream.read(limit + 1) if limit else stream.read()
        size = max(len(data), os.fstat(stream.fileno()).st_size)  # a pipe's size is what was read
    check_size(size, max_bytes, name=str(path))
    return data


def check_text(text: str, *, name: str | None = None) -> None:
    """Refuse ``text`` that holds a lone surrogate, naming its line and column."""
    if text.isascii():
        return
    found = _LONE_SURROGATE.search(text)
    if found is None:
        return
    offset = found.start()
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    raise InputError(f"lone surrogate U+{ord(found.group()):04X} (column {column}; half of a UTF-16 pair): "
                     "not Unicode text; it was decoded wrongly before it reached citekit", path=name, line=line)


def lone_surrogate(value: str) -> str | None:
    """The first lone surrogate in ``value`` as ``U+D800``, or None."""
    if value.isascii():
        return None
    found = _LONE_SURROGATE.search(value)
    return None if found is None else f"U+{ord(found.group()):04X}"


def parse_size(value: str) -> int:
    """``64M``, ``1.5G``, ``100k``, ``65536`` (binary units; ``0`` is no limit) as a number of bytes."""
    match = _SIZE.fullmatch(value)
    if match is None:
        raise ValueError(f"not a size: {value!r} (examples: 64M, 1G, 500k, 0 for no limit)")
    return int(float(match.group(1)) * _UNITS[match.group(2).lower()])


def describe_size(size: int) -> str:
    """``67108864`` → ``64 MiB``."""
    for unit, factor in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if size >= factor:
            return f"{size / factor:.4g} {unit}"
    return f"{size} bytes"
