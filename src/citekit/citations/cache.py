"""A cache of formatted groups of entries, in one SQLite file, used only when the caller names a
directory (``CiteOptions.cache_dir``, ``citekit cite --cache DIR``); nothing is written otherwise.

A key is the SHA-256 of everything a group's formatting depends on: :data:`CACHE_VERSION`, the
pandoc version, the style file's bytes, the locale, the markup and the group's CSL items in order
(:func:`cache_key`). A grown bibliography therefore reformats only the groups that changed. SQLite
makes each write atomic and lets two citekit processes share the file.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from citekit.errors import OptionError

CACHE_VERSION = 1
"""Bump when citekit's rendering of citeproc's output changes, so that old entries are not reused."""
FILE_NAME = "citations.sqlite3"


def cache_key(*parts: Any) -> str:
    """The SHA-256 of ``parts`` as canonical JSON."""
    data = json.dumps([CACHE_VERSION, *parts], ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


class CitationCache:
    """``directory/citations.sqlite3``: formatted groups by key (created when first written)."""

    def __init__(self, directory: Path) -> None:
        self.path = directory / FILE_NAME

    def get_many(self, keys: Iterable[str]) -> dict[str, Any]:
        """The cached values of those ``keys`` that are in the cache."""
        wanted = list(dict.fromkeys(keys))
        if not wanted or not self.path.is_file():
            return {}
        found: dict[str, Any] = {}
        with self._transaction() as connection:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                marks = ",".join("?" * len(chunk))
                rows = connection.execute(f"SELECT key, value FROM groups WHERE key IN ({marks})", chunk)
                for key, value in rows:
                    with contextlib.suppress(ValueError):  # a damaged row is formatted again
                        found[key] = json.loads(value)
        return found

    def put_many(self, values: Mapping[str, Any]) -> None:
        """Store ``values`` (key → JSON-serialisable value) in one transaction."""
        if not values:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise OptionError(
                f"cannot create the citation cache directory: {error.strerror}", path=self.path.parent
            ) from error
        rows = [(key, json.dumps(value, ensure_ascii=False)) for key, value in values.items()]
        with self._transaction() as connection:
            connection.executemany("INSERT OR REPLACE INTO groups (key, value) VALUES (?, ?)", rows)

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One transaction on the cache file; any SQLite failure names the file."""
        try:
            connection = sqlite3.connect(self.path, timeout=30)
        except sqlite3.Error as error:
            raise OptionError(f"cannot use the citation cache: {error}", path=self.path) from error
        try:
            with connection:
                connection.execute("CREATE TABLE IF NOT EXISTS groups (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
                yield connection
        except sqlite3.Error as error:
            raise OptionError(f"cannot use the citation cache: {error}", path=self.path) from error
        finally:
            connection.close()
