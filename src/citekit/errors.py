"""Typed errors. Every error names the file (and line, where one applies) it is about.

::

    CitekitError                 anything citekit reports to a user
    ├── InputError               the input is not text, not a citekit document, or unreadable
    ├── OptionError              a bad option value, unknown writer or style, a bad --set path
    ├── WriterError              a writer cannot produce valid output from this document
    ├── OutputError              an output location cannot be written (read-only, full disk, not a directory)
    └── ToolError                an external tool (pandoc) failed
        ├── ToolTimeout          it ran past its time bound and was stopped
        └── ToolExit             it exited with an error status (its last message line kept)
"""

from __future__ import annotations

from pathlib import Path


class CitekitError(Exception):
    """Base of citekit's errors; ``str()`` gives ``file:line: message``."""

    def __init__(self, message: str, *, path: str | Path | None = None, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line

    def with_path(self, path: str | Path) -> CitekitError:
        """This error, naming ``path`` when it did not name a file yet."""
        if self.path is None:
            self.path = str(path)
        return self

    def __str__(self) -> str:
        where = self.path or ""
        if self.line is not None:
            where = f"{where}:{self.line}" if where else f"line {self.line}"
        return f"{where}: {self.message}" if where else self.message


class InputError(CitekitError):
    """The input is not text, not a valid citekit document, or cannot be read."""


class OptionError(CitekitError):
    """An option value is wrong: unknown writer or style, bad key, bad value."""


class WriterError(CitekitError):
    """A writer cannot produce valid output from this document (e.g. JATS Publishing without ISSN)."""


class OutputError(CitekitError):
    """An output file or directory cannot be written: read-only, under a file, a full disk.

    Unlike a bad input it concerns the whole run: a batch stops cleanly (its journal kept, so a
    rerun resumes) instead of failing every remaining input the same way.
    """


class ToolError(CitekitError):
    """An external tool (pandoc) failed."""


class ToolTimeout(ToolError):
    """An external tool ran past its time bound and was stopped."""


class ToolExit(ToolError):
    """An external tool exited with an error status."""

    def __init__(self, message: str, *, status: int, last_line: str, path: str | Path | None = None) -> None:
        super().__init__(message, path=path)
        self.status = status
        """The exit status."""
        self.last_line = last_line
        """The last line the tool printed on stderr (often its own summary of what went wrong)."""


def describe_bug(error: BaseException) -> str:
    """An unexpected exception's type, message and innermost frame: enough to file it, no traceback."""
    import traceback

    frames = traceback.extract_tb(error.__traceback__)
    where = f" (at {Path(frames[-1].filename).name}:{frames[-1].lineno})" if frames else ""
    return f"{type(error).__name__}: {error}{where}"
