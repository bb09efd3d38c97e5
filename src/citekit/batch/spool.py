"""Values kept in a temporary file by input index, so a batch never holds them all in memory."""

from __future__ import annotations

import os
import pickle
import tempfile
from collections.abc import Iterator, Sequence
from typing import IO, Any, Generic, TypeVar

T = TypeVar("T")


class Spool(Generic[T]):
    """Pickled values on disk, keyed by input index, read back in index order."""

    def __init__(self) -> None:
        self._file: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close())
        self._offsets: dict[int, tuple[int, int]] = {}

    def add(self, index: int, value: T) -> None:
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        self._file.seek(0, os.SEEK_END)
        self._offsets[index] = (self._file.tell(), len(data))
        self._file.write(data)

    def __len__(self) -> int:
        return len(self._offsets)

    def __contains__(self, index: object) -> bool:
        return index in self._offsets

    def get(self, index: int) -> T:
        offset, size = self._offsets[index]
        self._file.seek(offset)
        value: T = pickle.loads(self._file.read(size))
        return value

    def indices(self) -> list[int]:
        return sorted(self._offsets)

    def values(self) -> Iterator[T]:
        """Every value in index order."""
        for index in self.indices():
            yield self.get(index)

    def close(self) -> None:
        self._file.close()


class SpoolView(Sequence[T]):
    """The values of some indices of a spool, in index order, read on access (never all at once)."""

    def __init__(self, spool: Spool[T], indices: list[int]) -> None:
        self._spool = spool
        self._indices = indices

    def __len__(self) -> int:
        return len(self._indices)

    def __getitem__(self, position: Any) -> Any:
        if isinstance(position, slice):
            return [self._spool.get(i) for i in self._indices[position]]
        return self._spool.get(self._indices[position])
