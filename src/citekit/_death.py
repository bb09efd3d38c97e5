"""Processes that end with their parent: Linux's ``PR_SET_PDEATHSIG``.

The batch's fork server and workers, and every pandoc run, ask the kernel for SIGKILL when the
process (strictly, the thread) that started them ends, so a citekit killed with SIGKILL leaves
nothing running behind it. Elsewhere the request is refused and callers fall back on what they have
(the batch's watchdog thread; pandoc's timeout).
"""

from __future__ import annotations

import functools
import os
import signal
import sys
from collections.abc import Callable

_PR_SET_PDEATHSIG = 1


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


def child_dies_with_us() -> Callable[[], None] | None:
    """A ``preexec_fn`` for :mod:`subprocess`: the child is killed when this process ends.

    ``None`` where the kernel offers no such request. The child checks that its parent is still
    the one that forked it: a parent that died before the request was made sends no signal.
    """
    prctl = _prctl()
    if prctl is None:
        return None
    parent = os.getpid()

    def in_child() -> None:
        prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
        if os.getppid() != parent:
            os._exit(1)

    return in_child
