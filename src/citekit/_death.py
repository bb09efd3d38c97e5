"""Processes that end with their parent: Linux's ``PR_SET_PDEATHSIG``.

The batch's fork server and workers ask the kernel for SIGKILL when the process (strictly, the
thread) that started them ends, and every pandoc run is started through ``setpriv`` to ask the
same, so a citekit killed with SIGKILL leaves nothing running behind it. Elsewhere the request is
refused and callers fall back on what they have (the batch's watchdog thread; pandoc's timeout).
"""

from __future__ import annotations

import functools
import os
import signal
import subprocess
import sys
from collections.abc import Callable

_PR_SET_PDEATHSIG = 1
_SETPRIV = ("/usr/bin/setpriv", "/bin/setpriv")


@functools.cache
def _prctl() -> Callable[..., int] | None:
    """libc's ``prctl``, looked up once in the parent (a forked child must not load libraries)."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    try:
        prctl: Callable[..., int] = ctypes.CDLL(None, use_errno=True).prctl
        return prctl
    except (OSError, AttributeError):
        return None


def ask_for_death_signal() -> bool:
    """SIGKILL this process when the thread that created it ends. False where unsupported."""
    prctl = _prctl()
    return prctl is not None and int(prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)) == 0


@functools.cache
def dying_with_us() -> tuple[str, ...]:
    """A command prefix that makes the program it runs end when this process ends; () where none.

    util-linux's ``setpriv --pdeathsig KILL --`` asks for the signal and then runs the program in
    its place (same process; the request survives ``exec``). A ``preexec_fn`` could ask as well,
    but it makes :mod:`subprocess` fork instead of vfork: 20 ms a run for a process holding a few
    hundred MB, against 1 ms.
    """
    if _prctl() is None:
        return ()
    # The system's own, by path: a program earlier on PATH must not stand in front of every run.
    setpriv = next((path for path in _SETPRIV if os.path.isfile(path) and os.access(path, os.X_OK)), None)
    if setpriv is None:
        return ()
    prefix = (setpriv, "--pdeathsig", "KILL", "--")
    try:
        works = subprocess.run([*prefix, "/bin/sh", "-c", "exit 0"], capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.SubprocessError):
        works = False
    return prefix if works else ()
