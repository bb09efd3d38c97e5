"""The bundled pandoc, bounded: every pandoc run in citekit goes through this module.

::

    run_pandoc(args, input_bytes)   -> bytes            pandoc's standard output
    pandoc_json(args, input_bytes)  -> dict             ``--to=json`` output, checked to be a pandoc AST
    api_version()                   -> (1, 23, 1)       the pandoc-types version of the bundled binary
    version()                       -> "3.9"            the bundled binary's version
    timeout_for(work_bytes)         -> seconds          the default time bound for that much work

Rules every run follows:

- **The bundled binary, by path.** It is the file the ``pypandoc-binary`` wheel installed, found
  through the wheel's own file list (``importlib.metadata``): never a ``pandoc`` on ``PATH``, never
  pypandoc's pick of the highest version it can find, and pypandoc itself is not imported (its
  search runs ``pandoc --version`` without a timeout).
- **Sandboxed.** ``--sandbox`` comes first on every command line: pandoc reads only the files named
  on it and fetches nothing.
- **Bounded.** Time: ``timeout_for`` grows with the bytes of work (standard input plus the files a
  caller names), and a run past it is killed with its whole process group. Memory: pandoc's
  runtime is capped at ``MEMORY_LIMIT_MB`` (``+RTS -M``).
- **Checked.** A missing binary, a non-zero exit (:class:`~citekit.errors.ToolExit`), a timeout
  (:class:`~citekit.errors.ToolTimeout`), or output that is not pandoc's JSON AST is a
  :class:`~citekit.errors.ToolError` with a one-line message saying which.

Tests inject another program through the ``binary`` parameter (a hanging or lying "pandoc"); no
global is patched. Callers check the AST's inner shape as they walk it (``citekit.citations``
turns a malformed node into a ToolError as well).
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import signal
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from citekit._death import dying_with_us
from citekit.errors import ToolError, ToolExit, ToolTimeout

DISTRIBUTION = "pypandoc-binary"
"""The wheel that ships pandoc (a dependency of citekit)."""
_BINARY_IN_WHEEL = ("pypandoc/files/pandoc", "pypandoc/files/pandoc.exe")

BASE_TIMEOUT_SECONDS = 30.0
"""Start-up allowance: loading a large CSL style on a busy machine takes a few seconds."""
SECONDS_PER_MEGABYTE = 300.0
"""The slowest rate allowed (3.3 KB/s). citekit's citeproc runs format about 350 entries (100 KB)
a second on one core here; the slowest honest run seen, one quadratic citeproc pass over 1,000
APA entries (0.3 MB, the old way) on a host loaded to 6 runs per core, took 55 s."""
MEMORY_LIMIT_MB = 4096
"""pandoc's heap cap: citekit's largest citeproc run over 10,000 entries stays under 400 MB."""
_MESSAGE_LIMIT = 400


def timeout_for(work_bytes: int) -> float:
    """The default time bound, in seconds, for a pandoc run over ``work_bytes`` of input."""
    return BASE_TIMEOUT_SECONDS + SECONDS_PER_MEGABYTE * max(0, work_bytes) / 1_000_000


@functools.cache
def bundled_pandoc() -> Path:
    """The pandoc binary of the installed ``pypandoc-binary`` wheel; a ToolError if there is none."""
    import importlib.metadata

    try:
        distribution = importlib.metadata.distribution(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError as error:
        raise ToolError(f"pandoc is missing: the {DISTRIBUTION} package is not installed") from error
    for record in distribution.files or ():
        if record.as_posix() in _BINARY_IN_WHEEL:
            path = Path(str(distribution.locate_file(record)))
            if path.is_file() and os.access(path, os.X_OK):
                return path
            raise ToolError(f"pandoc is missing: {path} (from {DISTRIBUTION}) is not an executable file")
    raise ToolError(f"pandoc is missing: the {DISTRIBUTION} package lists no pandoc binary")


def run_pandoc(
    args: Sequence[str],
    input_bytes: bytes = b"",
    *,
    work_bytes: int = 0,
    timeout: float | None = None,
    binary: Path | None = None,
) -> bytes:
    """pandoc's standard output for ``args`` with ``input_bytes`` on standard input.

    ``--sandbox`` is added in front of ``args``. ``work_bytes`` counts input that pandoc reads from
    files named in ``args`` (a bibliography); the default ``timeout`` is
    ``timeout_for(len(input_bytes) + work_bytes)``. ``binary`` replaces the bundled pandoc (tests).
    """
    program = binary if binary is not None else bundled_pandoc()
    limit = timeout if timeout is not None else timeout_for(len(input_bytes) + work_bytes)
    if not (os.path.isfile(program) and os.access(program, os.X_OK)):
        # Checked here: setpriv would start and then fail to run it, with its own message.
        reason = "not an executable file" if os.path.exists(program) else "no such file"
        raise ToolError(f"pandoc could not start ({program}): {reason}")
    # Through setpriv where there is one, so a pandoc run ends with a citekit killed with SIGKILL.
    command = [*dying_with_us(), str(program), "+RTS", f"-M{MEMORY_LIMIT_MB}m", "-RTS", "--sandbox", *args]
    try:
        process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,  # its own process group: a timeout kills whatever it started too
        )
    except OSError as error:
        raise ToolError(f"pandoc could not start ({program}): {error.strerror or error}") from error
    try:
        stdout, stderr = process.communicate(input_bytes, timeout=limit)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        raise ToolTimeout(f"pandoc timed out after {limit:.0f} s and was stopped") from None
    except BaseException:
        _kill_group(process)
        raise
    if process.returncode != 0:
        lines = stderr.decode("utf-8", "replace").strip().splitlines()
        raise ToolExit(
            f"pandoc failed (exit {process.returncode}): {_one_line(stderr) or 'no message'}",
            status=process.returncode,
            last_line=lines[-1][:_MESSAGE_LIMIT] if lines else "",
        )
    return stdout


def pandoc_json(
    args: Sequence[str],
    input_bytes: bytes = b"",
    *,
    work_bytes: int = 0,
    timeout: float | None = None,
    binary: Path | None = None,
) -> dict[str, Any]:
    """pandoc's JSON AST (``--to=json`` is added), checked to be an object with a
    ``pandoc-api-version`` list of integers, a ``meta`` object and a ``blocks`` list."""
    output = run_pandoc(
        [*args, "--to=json"], input_bytes, work_bytes=work_bytes, timeout=timeout, binary=binary
    )
    try:
        ast = json.loads(output)
    except ValueError as error:
        raise ToolError(f"pandoc printed malformed JSON ({error})") from None
    version = ast.get("pandoc-api-version") if isinstance(ast, dict) else None
    if not (
        isinstance(version, list)
        and version
        and all(isinstance(part, int) and not isinstance(part, bool) for part in version)
        and isinstance(ast.get("meta"), dict)
        and isinstance(ast.get("blocks"), list)
    ):
        raise ToolError("pandoc printed JSON that is not a pandoc document (no api version, meta and blocks)")
    checked: dict[str, Any] = ast
    return checked


@functools.cache
def api_version(*, binary: Path | None = None) -> tuple[int, ...]:
    """The pandoc-types API version the binary reads and writes, e.g. ``(1, 23, 1)``: what a
    writer of pandoc JSON puts in ``pandoc-api-version``."""
    ast = pandoc_json(["--from=markdown"], b"", timeout=BASE_TIMEOUT_SECONDS, binary=binary)
    return tuple(ast["pandoc-api-version"])


@functools.cache
def version(*, binary: Path | None = None) -> str:
    """The binary's version, e.g. ``"3.9"`` (the last word of ``pandoc --version``'s first line)."""
    output = run_pandoc(["--version"], timeout=BASE_TIMEOUT_SECONDS, binary=binary)
    first = output.decode("utf-8", "replace").partition("\n")[0].split()
    if len(first) < 2 or first[0] != "pandoc" or not first[-1][:1].isdigit():
        raise ToolError(f"pandoc --version printed no version: {_one_line(output) or 'nothing'}")
    return first[-1]


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    """Stop the run and everything it started, then reap it (its pipes close with the group)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        if os.name == "posix":
            os.killpg(process.pid, signal.SIGKILL)
        else:  # pragma: no cover - Windows has no process groups to kill
            process.kill()
    # A grandchild that left the group could hold a pipe open: do not wait for it forever.
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.communicate(timeout=5)


def _one_line(data: bytes) -> str:
    """pandoc's message on one line (a user sees one error line), cut to a readable length."""
    text = " ".join(data.decode("utf-8", "replace").split())
    return text if len(text) <= _MESSAGE_LIMIT else text[: _MESSAGE_LIMIT - 1] + "…"


__all__ = [
    "api_version",
    "bundled_pandoc",
    "pandoc_json",
    "run_pandoc",
    "timeout_for",
    "version",
]
