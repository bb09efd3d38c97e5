"""Where jobs run: the caller's executor, this process (``jobs=1``), or a process pool of our own.

Our pool's workers fork from a fork server that has imported the writers' libraries once, and
they die with the batch: on Linux each process asks the kernel for SIGKILL when its parent dies
(``PR_SET_PDEATHSIG``: the fork server when the main process dies, each worker when the fork server
does); elsewhere a watchdog thread in each worker ends it when the main process is gone. A batch
killed with SIGKILL or SIGTERM leaves no fork server, worker or resource tracker behind.
"""

from __future__ import annotations

import hashlib
import os
import sys
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ALL_COMPLETED, FIRST_COMPLETED, BrokenExecutor, Executor, Future, wait
from typing import Any

from citekit._death import ask_for_death_signal as _ask_for_death_signal
from citekit.batch.jobs import Job, JobResult, run_job
from citekit.batch.report import InputReport


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def die_with_parent() -> None:
    """In the fork server: end with the main process (Linux; elsewhere the workers watch it, and
    the server ends when its last worker has)."""
    _ask_for_death_signal()


def _watch(main_pid: int) -> None:
    while True:
        threading.Event().wait(0.5)
        if not _alive(main_pid):
            os._exit(1)


def worker_started(main_pid: int) -> None:
    """A pool worker's initializer: end this worker when the batch's main process ends."""
    server = sys.modules.get("citekit._warm_worker")  # loaded when this worker forked from our fork server
    expected_parent = getattr(server, "SERVER_PID", None) or main_pid
    if _ask_for_death_signal():
        # The parent may have died before the request: then no signal will ever come.
        if os.getppid() != expected_parent or not _alive(main_pid):
            os._exit(1)
        return
    threading.Thread(target=_watch, args=(main_pid,), name="citekit-watchdog", daemon=True).start()


def process_pool(jobs: int | None = None) -> Executor:
    """A process pool of ``jobs`` workers (default: all cores) that is safe to start beside threads.

    Workers fork from a fork server that has run :func:`~citekit.batch.jobs.warm_up` once, so they
    start warm instead of each importing the writers' libraries, and they die with the calling
    process. Like any multiprocessing code outside Linux's ``fork``, a script that calls this
    must guard its entry point with ``if __name__ == "__main__":``.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing.context import BaseContext

    # fork beside a live thread (the progress bar's, the pool's own) can deadlock a child; forkserver cannot.
    context: BaseContext
    if "forkserver" in multiprocessing.get_all_start_methods():
        forkserver = multiprocessing.get_context("forkserver")
        forkserver.set_forkserver_preload(["citekit._warm_worker"])
        context = forkserver
    else:
        context = multiprocessing.get_context("spawn")
    return ProcessPoolExecutor(max_workers=jobs or os.cpu_count() or 1, mp_context=context,
                               initializer=worker_started, initargs=(os.getpid(),))


class InlineExecutor(Executor):
    """Runs each job at submit time in this process (``jobs=1``): no pickling, no processes."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as error:
            future.set_exception(error)
        return future


class Workers:
    """The executor a batch runs on: the caller's, this process (``jobs=1``), or a process pool.

    The pool starts only when a second job arrives: a batch of one input, or a rerun where all is up
    to date, pays no process start-up.
    """

    def __init__(self, executor: Executor | None, jobs: int | None) -> None:
        self.given = executor
        self.jobs = jobs
        self.pool: Executor | None = None
        self.window = max(8, 4 * (jobs or os.cpu_count() or 1))

    def run(self, jobs: Iterable[Job], handle: Callable[[JobResult], None]) -> None:
        """Run ``jobs`` (at most ``window`` at a time) and ``handle`` each result in this process."""
        inline = InlineExecutor() if self.jobs == 1 and self.given is None else None
        pending: dict[Future[JobResult], Job] = {}
        held: Job | None = None
        for job in jobs:
            if inline is not None:
                handle(run_job(job))  # in this process, one at a time: each lands before the next is read
                continue
            executor = self.given or self.pool
            if executor is None:
                if held is None:
                    held = job
                    continue
                self.pool = process_pool(self.jobs)
                pending[self._submit(held)] = held
                held = None
            pending[self._submit(job)] = job
            if len(pending) >= self.window:
                _drain(pending, handle, everything=False)
        if held is not None:
            handle(run_job(held))
        while pending:
            _drain(pending, handle, everything=True)

    def _submit(self, job: Job) -> Future[JobResult]:
        executor = self.given or self.pool
        if executor is None:
            return InlineExecutor().submit(run_job, job)
        try:
            return executor.submit(run_job, job)
        except BrokenExecutor:
            if executor is not self.pool:
                raise
            # A worker died (a crash in a C library, the OOM killer): the jobs it took down are
            # reported as failed by _drain; a fresh pool takes the rest of the batch.
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = process_pool(self.jobs)
            return self.pool.submit(run_job, job)

    def shutdown(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None


def _drain(pending: dict[Future[JobResult], Job], handle: Callable[[JobResult], None], *,
           everything: bool) -> None:
    done, _ = wait(pending, return_when=ALL_COMPLETED if everything else FIRST_COMPLETED)
    for future in sorted(done, key=lambda f: pending[f].index):
        job = pending.pop(future)
        try:
            result = future.result()
        except Exception as error:  # the worker itself died (or could not unpickle the job)
            result = JobResult(index=job.index, entry=InputReport(
                source=job.source, status="failed", input_sha256=hashlib.sha256(job.data).hexdigest(),
                errors=(f"{job.source}: worker failed: {type(error).__name__}: {error}",)))
        handle(result)
