"""Read one JSON object from a file, its members one at a time and a big array element by element.

The batch report holds one entry per input (10,000 inputs: about 20 MB), and a rerun reads it
without holding it whole. The top-level object and the arrays asked for are parsed here; every
value inside them is parsed by the standard library's C scanner (``JSONDecoder.raw_decode``), so
reading stays linear in the file's size whatever its layout, and nesting too deep for the scanner
is an error, not a crash. (``ijson`` was tried: its prefixes make deep nesting quadratic.)
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Callable
from typing import IO, Any

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()
_FIRST_CHUNK = 1 << 20


class JsonShapeError(ValueError):
    """Not JSON, or not the shape asked for (an object at the top, an array where one is streamed)."""


class _Reader:
    """A window on the decoded text, extended from the stream as values need more of it."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream
        self._decoder = codecs.getincrementaldecoder("utf-8")()
        self._text = ""
        self._position = 0
        self._chunk = _FIRST_CHUNK
        self._ended = False

    def _more(self) -> bool:
        """Read the next chunk (twice as big as the last while one value spans them); False at the end."""
        if self._ended:
            return False
        data = self._stream.read(self._chunk)
        try:
            text = self._decoder.decode(data, final=not data)
        except UnicodeDecodeError as error:
            raise JsonShapeError(f"not UTF-8: {error.reason}") from None
        self._ended = not data
        self._text = self._text[self._position:] + text
        self._position = 0
        self._chunk *= 2
        return True

    def peek(self) -> str:
        """The next character that is not whitespace ("" at the end)."""
        while True:
            self._position = _WHITESPACE.match(self._text, self._position).end()  # type: ignore[union-attr]
            if self._position < len(self._text) or not self._more():
                return self._text[self._position: self._position + 1]

    def take(self, expected: str) -> None:
        found = self.peek()
        if found != expected:
            raise JsonShapeError(f"expected {expected!r}, found {found or 'the end'!r}")
        self._position += 1

    def value(self) -> Any:
        """The next JSON value, parsed whole by the C scanner."""
        return self.value_and_text()[0]

    def value_and_text(self) -> tuple[Any, str]:
        """The next JSON value, and its text as written."""
        self.peek()
        while True:
            try:
                value, end = _DECODER.raw_decode(self._text, self._position)
            except json.JSONDecodeError as error:
                if self._more():
                    continue
                raise JsonShapeError(f"not valid JSON: {error.msg}") from None
            except RecursionError:
                raise JsonShapeError("nested too deeply") from None
            if end == len(self._text) and self._more():
                continue  # a number at the end of the window may go on in the next chunk
            text = self._text[self._position: end]
            self._position = end
            self._chunk = _FIRST_CHUNK
            return value, text


def read_object(stream: IO[bytes], streamed: str, each: Callable[[Any, str], None]) -> dict[str, Any]:
    """The members of the JSON object in ``stream``, except ``streamed``: an array whose elements are
    passed to ``each`` one at a time, as they are read, with their text as written.
    :class:`JsonShapeError` for anything else."""
    reader = _Reader(stream)
    reader.take("{")
    members: dict[str, Any] = {}
    if reader.peek() == "}":
        reader.take("}")
    else:
        while True:
            key = reader.value()
            if not isinstance(key, str):
                raise JsonShapeError("a member name is not a string")
            reader.take(":")
            if key == streamed:
                _read_array(reader, each)
                members[key] = None
            else:
                members[key] = reader.value()
            if reader.peek() == ",":
                reader.take(",")
                continue
            reader.take("}")
            break
    if reader.peek():
        raise JsonShapeError("more after the object")
    return members


def _read_array(reader: _Reader, each: Callable[[Any, str], None]) -> None:
    reader.take("[")
    if reader.peek() == "]":
        reader.take("]")
        return
    while True:
        each(*reader.value_and_text())
        if reader.peek() == ",":
            reader.take(",")
            continue
        reader.take("]")
        return

