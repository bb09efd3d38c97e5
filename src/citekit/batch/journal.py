"""The journal of a running batch, and what the previous run recorded (its report and journal).

The journal (``OUT/.citekit-journal.jsonl``) gets one JSON line per finished input as it lands, so
a killed or stopped batch resumes. It is written with plain ``write`` calls on an append-only file
that this run holds locked (a second batch into the same OUT is refused); a write that fails (a
full disk) is cut back, so the file always ends with whole lines.

Both files are read back as JSON (the report streamed, entry by entry, the journal line by line)
and every entry is checked (:func:`~citekit.batch.report.entry_from_data`). What does not fit, a
later version's extra keys or a hand-edited shape, is ignored with a warning: those inputs are
converted again; nothing the previous run wrote can stop this one.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from citekit.batch.files import describe_os_error
from citekit.batch.inputs import display
from citekit.batch.jsonstream import JsonShapeError, read_object
from citekit.batch.report import (
    REPORT_NAME,
    REPORT_SCHEMA,
    OutputRecord,
    ReportShapeError,
    entry_from_data,
    output_from_data,
    pack_line,
)
from citekit.errors import OutputError

JOURNAL_NAME = ".citekit-journal.jsonl"
"""One line per finished input, appended as the batch runs, so a killed batch can resume."""

Warn = Callable[[str], None]
WriteFunction = Callable[[int, bytes], int]

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no lock, one batch per OUT is the user's to keep
    fcntl = None  # type: ignore[assignment]


def _same_file(fd: int, path: Path) -> bool:
    try:
        return os.path.samestat(os.fstat(fd), os.stat(path, follow_symlinks=False))
    except OSError:
        return False


def _not_a_file(path: Path) -> bool:
    return os.path.lexists(path) and not path.is_file()


class Journal:
    """The append-only, locked journal of this run.

    ``write`` is the system call that writes bytes (``os.write``); a test passes one that fails
    to see a full disk mid-line.
    """

    def __init__(self, path: Path, *, write: WriteFunction = os.write) -> None:
        self.path = path
        self._write = write
        self._fd: int | None = None
        self._size = 0
        self.left_by_earlier_run = False
        """True when the journal was there already: an earlier run did not finish."""
        self.torn = False
        """True when its last line was cut short (a run killed mid-write): it is skipped quietly."""

    def open(self) -> None:
        """Create or reopen the journal and lock it; OutputError when it cannot be, or is locked."""
        where = display(self.path)
        if _not_a_file(self.path):
            raise OutputError(f"{where} is not a regular file: move it away so the batch can keep its journal")
        self.left_by_earlier_run = os.path.lexists(self.path)
        flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOFOLLOW", 0)
        try:
            fd = os.open(self.path, flags, 0o666)
        except OSError as error:
            raise OutputError(f"cannot write the journal {where}: {describe_os_error(error)}") from error
        self._fd = fd
        self._lock(fd, where)
        if not _same_file(fd, self.path):
            # The batch that held the lock finished and removed this journal meanwhile: start a new one.
            self.close()
            return self.open()
        self._size = os.fstat(fd).st_size
        if self._size and not self._ends_with_newline():
            self.torn = True
            self.append_bytes(b"\n")  # a line torn by a killed run stays alone, and is skipped when read

    def _lock(self, fd: int, where: str) -> None:
        if fcntl is None:
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            self.close()
            raise OutputError(f"another citekit batch is writing to {display(self.path.parent)} "
                              f"(it holds {where})") from error
        except OSError:
            pass  # a file system without locks (some network mounts): one batch per OUT is the user's to keep

    def _ends_with_newline(self) -> bool:
        with open(self.path, "rb") as stream:
            stream.seek(-1, os.SEEK_END)
            return stream.read(1) == b"\n"

    def append(self, line: str) -> None:
        """Add one line; on failure the file is cut back to its last whole line and OSError raised."""
        self.append_bytes(line.encode("utf-8", "replace") + b"\n")

    def append_bytes(self, data: bytes) -> None:
        assert self._fd is not None
        start = self._size
        offset = 0
        try:
            while offset < len(data):
                offset += self._write(self._fd, data[offset:] if offset else data)
        except OSError:
            # Cut back to the last whole line; should that fail too, the torn line is skipped
            # when read, and the next run starts a new line.
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, start)
            raise
        self._size = start + len(data)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def remove(self) -> None:
        """Delete the journal (the report now holds everything) and release the lock."""
        self.path.unlink(missing_ok=True)
        self.close()


# --------------------------------------------------------------------------------------------
# What the previous run recorded


@dataclass(kw_only=True)
class Previous:
    """The previous run's entries by source (compressed JSON) and its combined files by path."""

    entries: dict[str, bytes] = field(default_factory=dict)
    combined: dict[str, OutputRecord] = field(default_factory=dict)


def check_writable_report(out_dir: Path) -> None:
    """OutputError when the report's path is taken by something that is not a file."""
    path = out_dir / REPORT_NAME
    if _not_a_file(path):
        raise OutputError(f"{display(path)} is not a regular file: move it away so the batch can write its report")


def load_previous(out_dir: Path, warn: Warn, *, torn_journal: bool = False) -> Previous:
    """What the previous run recorded per source: its report, then its journal (later wins).

    Both are streamed, never read whole, so a rerun of a huge batch stays small in memory.
    ``torn_journal``: the journal's last line was cut short by a kill, and is skipped quietly.
    """
    previous = Previous()
    report = out_dir / REPORT_NAME
    if report.is_file():
        _load_report(report, previous, warn)
    journal = out_dir / JOURNAL_NAME
    if journal.is_file():
        _load_journal(journal, previous, warn, torn=torn_journal)
    return previous


_HEAD_KEYS = frozenset({"schema", "inputs", "citekit_version", "formats", "options", "totals", "combined",
                        "combined_review", "warnings", "stopped"})


def _load_report(path: Path, previous: Previous, warn: Warn) -> None:
    where = display(path)
    entries: dict[str, bytes] = {}
    refused: list[str] = []

    def keep(data: Any, text: str) -> None:
        try:
            entry = entry_from_data(data)
        except ReportShapeError as error:
            refused.append(f"entry {len(entries) + len(refused) + 1}: {error}")
            return
        entries[entry.source] = pack_line(text)

    try:
        with path.open("rb") as stream:
            head = read_object(stream, "inputs", keep)
        combined = _check_head(head)
    except (JsonShapeError, ReportShapeError) as error:
        warn(f"{where}: ignored ({error}): the inputs it lists are converted again")
        return
    except OSError as error:
        warn(f"{where}: ignored ({describe_os_error(error)}): the inputs it lists are converted again")
        return
    previous.combined = combined
    previous.entries.update(entries)
    if refused:
        warn(f"{where}: {len(refused)} entries ignored (the first: {refused[0]}): those inputs are converted again")


def _check_head(head: dict[str, Any]) -> dict[str, OutputRecord]:
    unknown = head.keys() - _HEAD_KEYS
    if unknown:
        raise ReportShapeError(f"unknown keys {', '.join(sorted(unknown))}")
    if "inputs" not in head:
        raise ReportShapeError("no inputs")
    if head.get("schema") != REPORT_SCHEMA:
        raise ReportShapeError(f"schema is {head.get('schema')!r}, not {REPORT_SCHEMA!r}")
    combined = head.get("combined", [])
    if not isinstance(combined, list):
        raise ReportShapeError("combined is not a JSON array")
    records = [output_from_data(record) for record in combined]
    return {record.path: record for record in records}


def _load_journal(path: Path, previous: Previous, warn: Warn, *, torn: bool) -> None:
    refused: list[str] = []
    last_failed = False
    try:
        with path.open("rb") as stream:
            for number, raw in enumerate(stream, start=1):
                if not raw.strip():
                    continue
                try:
                    entry = entry_from_data(json.loads(raw.decode("utf-8")))
                except (ValueError, RecursionError) as error:  # JSON, UTF-8 and shape errors alike
                    refused.append(f"line {number}: {error}")
                    last_failed = True
                    continue
                last_failed = False
                previous.entries[entry.source] = pack_line(raw.decode("utf-8").rstrip("\n"))
    except OSError as error:
        warn(f"{display(path)}: ignored ({describe_os_error(error)}): its inputs are converted again")
        return
    if last_failed and torn:
        refused.pop()  # a killed run's last line, torn in the middle, is expected: no warning for it
    if refused:
        first = refused[0]
        refused_count = len(refused)
        warn(f"{display(path)}: {refused_count} lines ignored (the first: {first}): those inputs are converted again")


__all__ = ["JOURNAL_NAME", "Journal", "Previous", "check_writable_report", "load_previous"]
