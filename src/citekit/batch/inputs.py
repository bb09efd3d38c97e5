"""Inputs: files, directories, standard input and datasets, turned into articles with their bytes.

What a directory walk picks up is defined once (:func:`article_suffixes`: :data:`ARTICLE_SUFFIXES`
and every suffix a registered reader claims) and used by ``citekit convert`` and ``citekit cite``
alike. A walk never blocks and never drops a file without a word:

- hidden files and directories are skipped (by design);
- a FIFO, socket or device named like an article is skipped with a warning (it would block or
  never end), as is a symbolic link to a directory (not followed, so a walk cannot loop);
- a dangling symbolic link, or a file that vanishes between the listing and its reading, is a
  failed input (the user put it there, expecting an article);
- a directory with no article at all is a failed input naming what was looked for.

A file named explicitly is read whatever it is (a pipe from ``<(…)`` included); opening never
waits for a writer.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from citekit.batch.datasets import DatasetError, DatasetOptions, cell_text, dataset_kind, read_rows
from citekit.batch.files import output_stem
from citekit.errors import InputError
from citekit.readers.limits import check_size, limit_or_default

ARTICLE_SUFFIXES = (".citekit.json", ".txt", ".text", ".md")
"""What a directory walk picks up besides the suffixes the readers claim (.html, .docx, …); a file
named explicitly is read whatever its suffix."""

Warn = Callable[[str], None]


@dataclass(frozen=True, slots=True, kw_only=True)
class InputItem:
    """One article to convert, as the calling process sees it."""

    source: str
    """How the report names it: the path as given (or under a walked directory), ``-``, ``data.csv#ID``."""
    name: str
    """The name the normaliser and the document's provenance see."""
    stem: str | None
    """Output file stem (made safe by the planner); None when the item names no article."""
    directory: tuple[str, ...] = ()
    """Sub-directories under OUT (``-r`` mirrors the input tree)."""
    data: bytes = b""
    overrides: tuple[tuple[str, str], ...] = ()
    keys: tuple[str, ...] = ()
    """Names a sidecar table may use for this input."""
    error: str | None = None
    """Set when the input cannot even be read; it is then reported as failed."""


def display(path: Path | str) -> str:
    """``path`` as text a report can hold: bytes that are not UTF-8 become U+FFFD."""
    text = path.as_posix() if isinstance(path, Path) else path
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


@cache
def article_suffixes() -> tuple[str, ...]:
    """Every suffix a walk picks up: :data:`ARTICLE_SUFFIXES`, then those the registered readers claim."""
    from citekit.readers import claimed_suffixes

    return tuple(dict.fromkeys((*ARTICLE_SUFFIXES, *claimed_suffixes())))


def is_article_name(name: str) -> bool:
    return not name.startswith(".") and name.lower().endswith(article_suffixes())


# --------------------------------------------------------------------------------------------
# Walking a directory


@dataclass(frozen=True, slots=True, kw_only=True)
class Found:
    """An article file a walk found, or one it found but cannot read (``error``)."""

    path: Path
    directory: tuple[str, ...]
    error: str | None = None


def walk(root: Path, recursive: bool, warn: Warn) -> Iterator[Found]:
    """Article files under ``root`` in name order (a directory's files before its sub-directories).

    When there are none, one :class:`Found` with an error says what was looked for.
    """
    found = False
    others: dict[str, int] = {}
    subdirectories = False
    for item in _walk_directory(root, (), recursive, warn, others):
        if item is None:
            subdirectories = True
            continue
        found = True
        yield item
    if not found:
        yield Found(path=root, directory=(), error=_nothing_found(root, recursive, others, subdirectories))


def _walk_directory(directory: Path, relative: tuple[str, ...], recursive: bool, warn: Warn,
                    others: dict[str, int]) -> Iterator[Found | None]:
    try:
        with os.scandir(directory) as listing:
            entries = sorted(listing, key=lambda e: e.name)
    except OSError as error:
        yield Found(path=directory, directory=relative,
                    error=f"{display(directory)}: cannot list directory: {error.strerror or error}")
        return
    subdirs: list[os.DirEntry[str]] = []
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_dir(follow_symlinks=False):
            subdirs.append(entry)
            continue
        if not is_article_name(entry.name):
            if entry.is_symlink() and _is_directory(entry):
                subdirs.append(entry)
            else:
                suffix = Path(entry.name).suffix.lower() or "(no suffix)"
                others[suffix] = others.get(suffix, 0) + 1
            continue
        item = _article_entry(entry, relative, warn)
        if item is not None:
            yield item
    for entry in subdirs:
        if not recursive:
            yield None
        elif entry.is_symlink():
            warn(f"{display(entry.path)}: skipped: a symbolic link to a directory (not followed)")
        else:
            yield from _walk_directory(Path(entry.path), (*relative, entry.name), recursive, warn, others)


def _is_directory(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def _article_entry(entry: os.DirEntry[str], relative: tuple[str, ...], warn: Warn) -> Found | None:
    path = Path(entry.path)
    try:
        mode = entry.stat().st_mode
    except FileNotFoundError:
        if entry.is_symlink():
            return Found(path=path, directory=relative,
                         error=f"{display(path)}: dangling symbolic link (to {display(_link_target(path))})")
        return Found(path=path, directory=relative, error=f"{display(path)}: {_VANISHED}")
    except OSError as error:
        return Found(path=path, directory=relative, error=f"{display(path)}: cannot read: {error.strerror}")
    if stat.S_ISREG(mode):
        return Found(path=path, directory=relative)
    if stat.S_ISDIR(mode):
        warn(f"{display(path)}: skipped: a directory named like an article file")
        return None
    warn(f"{display(path)}: skipped: {_file_kind(mode)}, not a regular file")
    return None


def _link_target(path: Path) -> str:
    try:
        return os.readlink(path)
    except OSError:
        return "?"


def _file_kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def _nothing_found(root: Path, recursive: bool, others: dict[str, int], subdirectories: bool) -> str:
    wanted = ", ".join(f"*{s}" for s in article_suffixes())
    where = "in this directory tree" if recursive else "in this directory"
    message = f"{display(root)}: no article files ({wanted}) {where}"
    if others:
        listed = ", ".join(f"{count} {suffix}" for suffix, count in sorted(others.items()))
        message += f"; other files ignored: {listed}"
    if subdirectories and not recursive:
        message += "; it has sub-directories: -r walks them"
    return message


# --------------------------------------------------------------------------------------------
# Reading


_VANISHED = "vanished before it could be read (it was listed in its directory)"
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)


def read_file(path: Path, *, walked: bool, max_bytes: int | None = None) -> bytes:
    """The bytes of ``path``; OSError with a message for the report when it cannot be read.

    The file is opened without waiting for a writer (a FIFO with none reads as empty, never
    blocks); a walked path must still be a regular file when it is opened.
    """
    try:
        handle = os.open(path, os.O_RDONLY | _NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError as error:
        if os.path.islink(path):
            raise OSError(f"dangling symbolic link (to {display(_link_target(path))})") from error
        raise OSError(_VANISHED if walked else f"cannot read: {error.strerror}") from error
    except OSError as error:
        raise OSError(f"cannot read: {error.strerror or error}") from error
    with os.fdopen(handle, "rb") as stream:
        mode = os.fstat(handle).st_mode
        if stat.S_ISDIR(mode):
            raise OSError("cannot read: it is a directory")
        regular = stat.S_ISREG(mode)
        if not regular:
            if walked:
                raise OSError(f"skipped: {_file_kind(mode)}, not a regular file")
            if hasattr(os, "set_blocking"):
                os.set_blocking(handle, True)  # a pipe with a writer: read it to its end, as cat does
        limit = limit_or_default(max_bytes)
        try:  # never more than one byte past the size limit is read
            data = stream.read(limit + 1) if limit else stream.read()
        except OSError as error:
            raise OSError(f"cannot read: {error.strerror or error}") from error
        if not regular and not data:
            raise OSError(f"read nothing: {_file_kind(mode)} with no writer")
        try:
            check_size(max(len(data), os.fstat(handle).st_size if regular else 0), max_bytes)
        except InputError as error:
            raise OSError(error.message) from error
        return data


# --------------------------------------------------------------------------------------------
# Every input, in order


def iter_inputs(inputs: Sequence[str | Path], *, recursive: bool = False, dataset: DatasetOptions | None = None,
                warn: Warn | None = None, max_bytes: int | None = None) -> Iterator[InputItem]:
    """Every article named by ``inputs``, in order, with its bytes; streamed one at a time. A file
    over the size limit (``max_bytes``; None: the default) is a failed input, read no further."""
    dataset = dataset or DatasetOptions()
    warn = warn or (lambda message: None)
    for given in inputs:
        name = str(given)
        if name == "-":
            yield InputItem(source="-", name="stdin", stem="stdin", data=sys.stdin.buffer.read(),
                            keys=("-", "stdin"))
            continue
        path = Path(name)
        if path.is_dir():
            for found in walk(path, recursive, warn):
                yield _walked_item(path, found, max_bytes)
            continue
        kind = dataset_kind(name)
        if kind is not None and path.is_file():
            yield from dataset_items(path, kind, dataset)
            continue
        source = display(path)
        yield _file_item(path, source, (), keys=(source, display(path.name), output_stem(path.name)), walked=False,
                         max_bytes=max_bytes)


def _walked_item(root: Path, found: Found, max_bytes: int | None) -> InputItem:
    source = display(found.path)
    if found.path == root:  # nothing found, or the directory cannot be listed
        return InputItem(source=source, name=display(found.path.name), stem=None, error=found.error)
    relative = display(found.path.relative_to(root))
    keys = (source, relative, display(found.path.name), output_stem(found.path.name))
    if found.error is not None:
        return InputItem(source=source, name=display(found.path.name), stem=output_stem(found.path.name),
                         directory=found.directory, keys=keys, error=found.error)
    return _file_item(found.path, source, found.directory, keys=keys, walked=True, max_bytes=max_bytes)


def _file_item(path: Path, source: str, directory: tuple[str, ...], *, keys: tuple[str, ...],
               walked: bool, max_bytes: int | None = None) -> InputItem:
    stem, name = output_stem(path.name), display(path.name)
    try:
        data = read_file(path, walked=walked, max_bytes=max_bytes)
    except OSError as error:
        return InputItem(source=source, name=name, stem=stem, directory=directory, keys=keys,
                         error=f"{source}: {error}")
    return InputItem(source=source, name=name, stem=stem, directory=directory, data=data, keys=keys)


def dataset_items(path: Path, kind: str, dataset: DatasetOptions) -> Iterator[InputItem]:
    """One item per row of a dataset; a row that cannot be read is a failed item of its own."""
    base = output_stem(path.name)
    where = display(path)
    try:
        for row in read_rows(path, kind):
            label = str(row.number)
            ident = ""
            problem = row.problem
            if row.cells is not None and dataset.id_column:
                try:
                    ident = cell_text(row.cells, dataset.id_column).strip()
                except ValueError as error:
                    problem = str(error)
                label = ident or label
            item = InputItem(source=f"{where}#{label}", name=f"{display(path.name)}#{label}",
                             stem=ident or f"{base}-{row.number}",
                             keys=(f"{where}#{label}", f"{display(path.name)}#{label}", *((ident,) if ident else ())))
            if row.cells is not None and problem is None:
                try:
                    item = _row_item(item, row.cells, dataset)
                except ValueError as error:
                    problem = str(error)
            if problem is not None:
                item = InputItem(source=item.source, name=item.name, stem=item.stem, keys=item.keys,
                                 error=f"{where}: row {row.number} (line {row.line}): {problem}")
            yield item
    except DatasetError as error:
        yield InputItem(source=where, name=display(path.name), stem=None, keys=(where,), error=f"{where}: {error}")


def _row_item(item: InputItem, cells: dict[str, object] | object, dataset: DatasetOptions) -> InputItem:
    """``item`` with the row's text and mapped values; ValueError saying what is wrong with the row."""
    assert isinstance(cells, dict)
    if dataset.text_column not in cells:
        raise ValueError(f"no column {dataset.text_column!r} (columns: {', '.join(map(str, cells))})")
    text = cell_text(cells, dataset.text_column)
    if not text.strip():
        raise ValueError(f"column {dataset.text_column!r} is empty")
    values = ((target, cell_text(cells, column).strip()) for column, target in dataset.columns.items())
    overrides = tuple((target, value) for target, value in values if value)
    return InputItem(source=item.source, name=item.name, stem=item.stem, keys=item.keys,
                     data=text.encode("utf-8"), overrides=overrides)


def count_inputs(inputs: Sequence[str | Path], *, recursive: bool = False) -> int:
    """How many items :func:`iter_inputs` will yield (for a progress bar); reads no article."""
    total = 0
    for given in inputs:
        name = str(given)
        path = Path(name)
        if name != "-" and path.is_dir():
            total += sum(1 for _ in walk(path, recursive, lambda message: None))
        elif (kind := dataset_kind(name)) is not None and path.is_file():
            total += _count_rows(path, kind)
        else:
            total += 1
    return total


def _count_rows(path: Path, kind: str) -> int:
    """Rows :func:`dataset_items` will yield: every row read, plus one for a dataset-level error."""
    count = 0
    try:
        for _ in read_rows(path, kind):
            count += 1
    except DatasetError:
        count += 1
    return count


def input_files(inputs: Sequence[str], *, recursive: bool, warn: Warn) -> Iterator[tuple[str, Path | None, str | None]]:
    """``citekit cite``'s inputs: (name, path to read, or an error) with the batch's walking rules."""
    for name in inputs:
        path = Path(name)
        if name == "-" or not path.is_dir():
            yield name, path, None
            continue
        for found in walk(path, recursive, warn):
            yield display(found.path), (None if found.error else found.path), found.error


__all__ = ["ARTICLE_SUFFIXES", "InputItem", "article_suffixes", "count_inputs", "dataset_items", "display",
           "input_files", "iter_inputs", "read_file", "walk"]
