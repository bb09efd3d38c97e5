"""The adversarial suite's harness: run a case in a forked child under hard time and memory limits.

A hostile input shows itself as a hang, a blow-up in memory, or an exception that is not a
:class:`~citekit.errors.CitekitError` (RecursionError, UnicodeEncodeError…). :func:`bounded`
runs one case in a forked child process, so a case that hangs is killed at its time limit
instead of stalling the suite, and one that allocates without end meets an address-space limit
(MemoryError) instead of the machine's OOM killer. The child sends back what the case returned,
or the type and message of what it raised. Forking keeps the parent's imports, so a case costs
milliseconds to start.

Time limits are CPU seconds, hard upper bounds about ten times above what the case takes, and
far below what the superlinear code they guard against took: they catch a return of the
quadratic, not a few per cent of drift (speed is measured in ``benchmarks/``).
"""

from __future__ import annotations

import math
import multiprocessing
import os
import resource
import signal
import subprocess
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from citekit.errors import CitekitError

_FORK = multiprocessing.get_context("fork")
WALL_FACTOR = 10
"""The wall-clock guard is this many times the CPU limit (plus 30 s): on a 2-core machine shared
with other jobs, wall time runs several times CPU time."""
DEFAULT_MEMORY = 3 * 1024**3
"""Address space allowed to a case's child (bytes): reportlab, lxml and a few MB of input fit
well inside it; an unbounded structure does not."""


@dataclass(frozen=True)
class Outcome:
    """What a case did: returned ``value``, or raised ``error`` (a type name) with ``message``."""

    value: Any = None
    error: str | None = None
    message: str = ""
    citekit_error: bool = False
    """The exception was a CitekitError (a named, reported failure)."""

    def ok(self) -> Any:
        """The returned value; fails the test if the case raised."""
        if self.error is not None:
            pytest.fail(f"the case raised {self.error}: {self.message}")
        return self.value

    def refused(self) -> str:
        """The message of the CitekitError the case raised; fails the test otherwise."""
        if not self.citekit_error:
            if self.error is None:
                pytest.fail("the case was expected to raise a CitekitError but returned normally")
            pytest.fail(f"the case raised {self.error}, not a CitekitError: {self.message}")
        return self.message


def _child(connection: Any, function: Callable[..., Any], args: tuple[Any, ...], seconds: float,
           memory: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    used = resource.getrusage(resource.RUSAGE_SELF)
    limit = math.ceil(used.ru_utime + used.ru_stime + seconds)
    resource.setrlimit(resource.RLIMIT_CPU, (limit, limit + 1))  # SIGXCPU, then SIGKILL
    try:
        outcome = Outcome(value=function(*args))
    except CitekitError as error:
        outcome = Outcome(error=type(error).__name__, message=str(error), citekit_error=True)
    except BaseException as error:  # the point of the harness: report whatever escaped
        frames = traceback.format_exception(error)[-3:]
        outcome = Outcome(error=type(error).__name__, message=f"{error!s:.500}\n{''.join(frames)[-1500:]}")
    try:
        connection.send(outcome)
    except Exception as error:  # an unpicklable value
        connection.send(Outcome(error=type(error).__name__, message=str(error)))
    connection.close()
    os._exit(0)


def bounded(function: Callable[..., Any], *args: Any, seconds: float, memory: int = DEFAULT_MEMORY) -> Outcome:
    """Run ``function(*args)`` in a forked child, killed past ``seconds`` of CPU time.

    The limit is CPU time, which other jobs on a shared machine do not inflate; a wall-clock
    guard of ``WALL_FACTOR`` times as long catches a case that blocks without computing.
    """
    name = getattr(function, "__name__", str(function))
    receiver, sender = _FORK.Pipe(duplex=False)
    child = _FORK.Process(target=_child, args=(sender, function, args, seconds, memory), daemon=True)
    child.start()
    sender.close()
    try:
        if not receiver.poll(seconds * WALL_FACTOR + 30):
            pytest.fail(f"{name}{args} blocked for over {seconds * WALL_FACTOR + 30:.0f} s of wall time (killed)")
        try:
            return receiver.recv()  # type: ignore[no-any-return]
        except EOFError:
            child.join()
            if child.exitcode in (-signal.SIGXCPU, -signal.SIGKILL):
                pytest.fail(f"{name}{args} took over {seconds} s of CPU time (killed)")
            pytest.fail(f"{name}{args} died without an answer (exit code {child.exitcode})")
    finally:
        if child.is_alive():
            os.kill(child.pid or 0, signal.SIGKILL)
        child.join()
        receiver.close()


def run_cli(*args: str, seconds: float, stdin: bytes | None = None,
            cwd: str | None = None) -> subprocess.CompletedProcess[str]:
    """``citekit ARGS`` in a child process limited to ``seconds`` of CPU time (and a wall guard)."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_CPU, (math.ceil(seconds), math.ceil(seconds) + 1))

    command = [sys.executable, "-m", "citekit.cli", *args]
    try:
        result = subprocess.run(command, input=stdin, capture_output=True, cwd=cwd, preexec_fn=limit,
                                timeout=seconds * WALL_FACTOR + 30, check=False)
    except subprocess.TimeoutExpired:
        pytest.fail(f"citekit {' '.join(args)} blocked for over {seconds * WALL_FACTOR + 30:.0f} s of wall time")
    if result.returncode in (-signal.SIGXCPU, -signal.SIGKILL):
        pytest.fail(f"citekit {' '.join(args)} took over {seconds} s of CPU time (killed)")
    stderr = result.stderr.decode("utf-8", "replace")
    assert "Traceback" not in stderr, stderr
    return subprocess.CompletedProcess(command, result.returncode, result.stdout.decode("utf-8", "replace"), stderr)
