"""Files under the output directory: names that fit, writes that are whole, paths that stay inside.

Only the calling process writes, each file through a hidden temporary (``.NAME.PID.part``) and a
rename, so a reader never sees half a file. A killed run can leave such a temporary behind; the
next run removes them (:func:`sweep_temporaries`). Names are cut to the file system's limit on a
name in bytes (255 on the common ones), counting the temporary's extra characters, so a long CJK
or decomposed title never fails with "File name too long".
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import unicodedata
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO

from citekit.errors import InputError

NAME_MAX = 255
"""Bytes in one file name on Linux, macOS and Windows file systems (used when pathconf cannot say)."""
_TEMPORARY_EXTRA = len(b"..") + 10 + len(b".part")
"""What the temporary's name adds: a leading dot, ``.PID`` (up to ten digits) and ``.part``."""
INSPECT_DIRECTORY = ".citekit-inspect"
"""Where ``--review`` puts each input's inspect page under OUT (the one hidden directory we write)."""
_TEMPORARY = re.compile(r"\A\..+\.[0-9]{1,10}\.part\Z", re.DOTALL)

STOPPING_ERRNOS = frozenset(
    getattr(errno, name) for name in ("ENOSPC", "EDQUOT", "EROFS", "EIO", "EMFILE", "ENFILE")
    if hasattr(errno, name))
"""Errors that concern the output location, not one input: the batch stops (and resumes later)."""

# O_NOFOLLOW: a symbolic link planted under OUT with the temporary's name must not redirect the write.
_OPEN_FLAGS = (os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
               | getattr(os, "O_CLOEXEC", 0))


def stops_the_batch(error: OSError) -> bool:
    """True for a full disk, a read-only file system, an I/O error: no later input would fare better."""
    return error.errno in STOPPING_ERRNOS


def describe_os_error(error: OSError) -> str:
    """``No space left on device`` rather than ``[Errno 28] No space left on device: '…'``."""
    return error.strerror or str(error)


# --------------------------------------------------------------------------------------------
# Writing


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename: never a partial file."""
    with atomic_file(path) as stream:
        stream.write(data)


def temporary_name(path: Path) -> Path:
    """The hidden temporary ``path`` is written through; short enough whatever the name's length."""
    name = f".{path.name}.{os.getpid()}.part"
    if len(name.encode("utf-8", "surrogateescape")) > NAME_MAX:
        digest = hashlib.sha256(path.name.encode("utf-8", "surrogateescape")).hexdigest()[:16]
        name = f".citekit-{digest}.{os.getpid()}.part"
    return path.with_name(name)


@contextlib.contextmanager
def atomic_file(path: Path) -> Iterator[IO[bytes]]:
    """A stream whose content replaces ``path`` only when the block ends without an exception.

    The temporary name is fixed per process (only the calling process writes), which spares the
    random names and extra system calls of ``mkstemp`` on batches of many small files; mode 0o666
    lets the umask decide permissions, as for any new file.
    """
    temporary = temporary_name(path)
    try:
        handle = os.open(temporary, _OPEN_FLAGS, 0o666)
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = os.open(temporary, _OPEN_FLAGS, 0o666)
    try:
        with os.fdopen(handle, "wb") as stream:
            yield stream
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise


def sweep_temporaries(out_dir: Path) -> list[Path]:
    """Remove the ``.NAME.PID.part`` files a killed run left under ``out_dir``; the ones removed.

    Called while this run holds the journal's lock, so no other batch is writing them.
    """
    removed: list[Path] = []
    mine = f".{os.getpid()}.part"
    for directory, subdirs, files in os.walk(out_dir):
        subdirs[:] = [d for d in subdirs if not d.startswith(".") or d == INSPECT_DIRECTORY]
        for name in files:
            if _TEMPORARY.match(name) and not name.endswith(mine):
                path = Path(directory) / name
                with contextlib.suppress(OSError):
                    path.unlink()
                    removed.append(path)
    return removed


def resolve_inside(out_dir: Path, relative: str, verified: set[str] | None = None) -> Path:
    """``out_dir / relative``, refusing anything that would land outside ``out_dir``.

    ``verified`` remembers directories already checked, so a batch resolves symbolic links once
    per output directory rather than once per file.
    """
    parts = relative.split("/")
    if any(p in {"", ".", ".."} or "\\" in p or "\x00" in p for p in parts) or Path(relative).is_absolute():
        raise InputError(f"refusing output path {relative!r}")
    target = out_dir.joinpath(*parts)
    directory = "/".join(parts[:-1])
    if verified is not None and directory in verified:
        return target
    root = os.path.realpath(out_dir)
    if os.path.commonpath([root, os.path.realpath(target.parent)]) != root:
        raise InputError(f"refusing output path {relative!r}: it leaves {out_dir}")
    if verified is not None and target.parent.is_dir():
        verified.add(directory)
    return target


# --------------------------------------------------------------------------------------------
# Names


_WINDOWS_RESERVED = frozenset({"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)),
                               *(f"lpt{i}" for i in range(1, 10))})
STEM_SUFFIXES = (".citekit.json", ".json", ".txt", ".text", ".md")
"""Suffixes an output stem drops (``a.citekit.json`` → ``a``)."""


def name_limit(directory: Path) -> int:
    """The longest file name, in bytes, that ``directory``'s file system takes (at most 255)."""
    try:
        limit = os.pathconf(directory, "PC_NAME_MAX")
    except (OSError, ValueError, AttributeError):
        return NAME_MAX
    return min(limit, NAME_MAX) if limit > 0 else NAME_MAX


def cut_utf8(text: str, size: int) -> str:
    """``text`` cut to at most ``size`` bytes of UTF-8, at a character boundary."""
    data = text.encode("utf-8")
    if len(data) <= size:
        return text
    return data[:size].decode("utf-8", "ignore")


def output_stem(name: str) -> str:
    """``a.txt`` → ``a``; ``a.citekit.json`` → ``a``; never a path."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    for suffix in STEM_SUFFIXES:
        if base.lower().endswith(suffix) and len(base) > len(suffix):
            base = base[: -len(suffix)]
            break
    else:
        base = Path(base).stem or base
    return safe_component(base)


def _keeps(character: str) -> bool:
    # Combining marks stay: a decomposed name that has no composed form keeps its accents.
    return character.isalnum() or character in "._-+" or unicodedata.category(character) in {"Mn", "Mc"}


def safe_component(text: str, *, limit: int = NAME_MAX) -> str:
    """``text`` as one file-name component of at most ``limit`` bytes: no separators, no leading
    dot, no control characters, no name Windows reserves."""
    text = unicodedata.normalize("NFC", text)
    cleaned = "".join(c if _keeps(c) else "_" for c in text).strip("._-")
    cleaned = re.sub("_{2,}", "_", cleaned)
    cleaned = cut_utf8(cleaned, limit).rstrip("._-")
    if not cleaned:
        return "document"
    if cleaned.split(".")[0].lower() in _WINDOWS_RESERVED:
        cleaned = "_" + cleaned
    return cleaned


class OutputNames:
    """Assigns each input a stem whose files are free under OUT; first come (input order), first served.

    Comparison ignores case, so the names stay distinct on case-insensitive file systems. Every
    name, with its temporary's extra characters, fits in ``limit`` bytes.
    """

    def __init__(self, suffixes: Sequence[str], reserved: Sequence[str], *, limit: int = NAME_MAX) -> None:
        self.suffixes = tuple(suffixes)
        self.taken: set[str] = {name.casefold() for name in reserved}
        longest = max((len(s.encode("utf-8")) for s in self.suffixes), default=0)
        self.stem_bytes = max(16, limit - _TEMPORARY_EXTRA - longest - len(b"-99999"))
        self.directory_bytes = max(16, limit - _TEMPORARY_EXTRA)

    def assign(self, directory: tuple[str, ...], stem: str) -> tuple[str, ...]:
        """Relative POSIX paths, one per suffix, for an input; never the same as an earlier input's."""
        prefix = "".join(f"{safe_component(part, limit=self.directory_bytes)}/" for part in directory)
        stem = safe_component(stem, limit=self.stem_bytes)
        counter = 1
        while True:
            candidate = stem if counter == 1 else f"{stem}-{counter}"
            paths = tuple(f"{prefix}{candidate}{suffix}" for suffix in self.suffixes)
            if not any(p.casefold() in self.taken for p in paths):
                self.taken.update(p.casefold() for p in paths)
                return paths
            counter += 1
