"""Running a batch: inputs → plan → jobs on workers → files, journal and report.

Only this process touches OUT. Inputs stream through a bounded window of jobs: the batch is never
held in memory, only its report entries are (compressed). A bad input is reported, never raised;
a problem with OUT itself (read-only, a full disk) stops the batch cleanly: the journal keeps what
was done, the report says why it stopped, and the same command resumes.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from citekit._version import __version__
from citekit.batch.combine import Combination, write_combined
from citekit.batch.datasets import DatasetOptions, dataset_kind
from citekit.batch.executors import Workers
from citekit.batch.files import (
    OutputNames,
    atomic_write,
    describe_os_error,
    name_limit,
    resolve_inside,
    stops_the_batch,
    sweep_temporaries,
)
from citekit.batch.inputs import display, iter_inputs
from citekit.batch.jobs import FormatJob, Job, run_job
from citekit.batch.journal import JOURNAL_NAME, Journal, check_writable_report, load_previous
from citekit.batch.plan import Planner, options_dict, resolve_options
from citekit.batch.report import (
    REPORT_NAME,
    REVIEW_NAME,
    BatchReport,
    CompactEntries,
    InputReport,
    OutputRecord,
    ReviewItem,
    Status,
    Totals,
    entry_dict,
    pack_line,
    write_report,
)
from citekit.batch.sidecar import load_sidecar
from citekit.batch.spool import Spool
from citekit.errors import InputError, OptionError, OutputError
from citekit.model import Document
from citekit.writers import Writer, WriterOptions, available_writers, get_writer

ProgressCallback = Callable[[InputReport], None]
WarningCallback = Callable[[str], None]


@dataclass(kw_only=True)
class _Batch:
    """The state of one batch in the calling process: what landed, and where it is recorded."""

    out_dir: Path
    journal: Journal
    on_input: ProgressCallback | None
    documents: Spool[Document] | None
    entries: dict[int, bytes] = field(default_factory=dict)
    """Per input index, its report entry as compressed JSON (10,000 entries must not fill memory)."""
    statuses: dict[int, Status] = field(default_factory=dict)
    written: int = 0
    verified: set[str] = field(default_factory=set)
    """Output directories already checked to lie inside OUT."""

    def land(self, result: Any) -> None:
        """Write a finished job's files (atomically, under OUT), then record it."""
        entry: InputReport = result.entry
        if entry.status == "converted":
            entry = self._write_outputs(entry, result.data)
        if result.document is not None and self.documents is not None and entry.status == "converted":
            self.documents.add(result.index, result.document)
        self.record(result.index, entry)

    def _write_outputs(self, entry: InputReport, data: Sequence[bytes]) -> InputReport:
        """``entry``, or a failed one when its files cannot be written (none of them is left)."""
        written: list[Path] = []
        try:
            for record, content in zip(entry.outputs, data, strict=True):
                path = resolve_inside(self.out_dir, record.path, self.verified)
                self.write(path, content)
                written.append(path)
        except (OSError, InputError) as error:
            for path in written:
                with contextlib.suppress(OSError):
                    path.unlink()
            if isinstance(error, OSError) and stops_the_batch(error):
                raise OutputError(f"cannot write {display(record.path)} in {display(self.out_dir)}: "
                                  f"{describe_os_error(error)}") from error
            reason = describe_os_error(error) if isinstance(error, OSError) else str(error)
            return replace(entry, status="failed", outputs=(),
                           errors=(f"{entry.source}: cannot write {record.path}: {reason}",))
        self.written += len(written)
        return entry

    def write(self, path: Path, data: bytes) -> None:
        atomic_write(path, data)

    def write_relative(self, relative: str, data: bytes) -> None:
        """Write a file the batch names itself (a combined file); a failure stops the batch."""
        try:
            self.write(resolve_inside(self.out_dir, relative), data)
        except OSError as error:
            raise OutputError(f"cannot write {relative} in {display(self.out_dir)}: "
                              f"{describe_os_error(error)}") from error
        self.written += 1

    def record(self, index: int, entry: InputReport, *, journal: bool = True) -> None:
        """Keep ``entry`` (journalled first, so a report never lists what the journal lacks)."""
        line = json.dumps(entry_dict(entry), ensure_ascii=False)
        if journal:
            try:
                self.journal.append(line)
            except OSError as error:
                raise OutputError(f"cannot write the journal {display(self.journal.path)}: "
                                  f"{describe_os_error(error)}") from error
        self.entries[index] = pack_line(line)
        self.statuses[index] = entry.status
        if self.on_input is not None:
            self.on_input(entry)


def _prepare_output_directory(out: Path) -> None:
    """Create OUT; OutputError naming it when it cannot be a directory of ours."""
    where = display(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except FileExistsError as error:
        raise OutputError(f"{where} exists and is not a directory") from error
    except NotADirectoryError as error:
        raise OutputError(f"cannot create {where}: a part of its path is a file") from error
    except OSError as error:
        raise OutputError(f"cannot create {where}: {describe_os_error(error)}") from error
    if not out.is_dir():
        raise OutputError(f"{where} exists and is not a directory")


def _writers(to: Sequence[str | Writer] | str) -> tuple[Writer, ...]:
    names: list[str | Writer] = [n.strip() for n in to.split(",")] if isinstance(to, str) else list(to)
    chosen: dict[str, Writer] = {}
    for name in names:
        if isinstance(name, Writer):
            chosen.setdefault(name.name, name)
        elif name.strip():
            writer = get_writer(name.strip())
            chosen.setdefault(writer.name, writer)
    if not chosen:
        raise OptionError("no output format given")
    return tuple(chosen.values())


def convert(
    inputs: Sequence[str | Path] | str | Path,
    to: Sequence[str | Writer] | str,
    out_dir: str | Path,
    jobs: int | None = None,
    executor: Executor | None = None,
    *,
    recursive: bool = False,
    force: bool = False,
    combine: bool = False,
    options: Mapping[str, Mapping[str, Any] | WriterOptions] | None = None,
    overrides: Mapping[str, str] | None = None,
    accessed: str | None = None,
    metadata: str | Path | None = None,
    dataset: DatasetOptions | None = None,
    on_input: ProgressCallback | None = None,
    on_warning: WarningCallback | None = None,
    reader: str | None = None,
    max_input_bytes: int | None = None,
    review: bool = False,
) -> BatchReport:
    """Convert ``inputs`` (files, directories, datasets) to the formats ``to`` under ``out_dir``.

    ``to`` names formats (or gives :class:`~citekit.writers.Writer` values). ``executor`` is any
    :class:`concurrent.futures.Executor` (left running afterwards); without one, ``jobs`` processes
    run the batch (default: all cores; ``jobs=1`` runs in this process). Bad inputs are reported,
    never raised; option errors raise :class:`~citekit.errors.OptionError` and an output directory
    that cannot be used :class:`~citekit.errors.OutputError`, both before anything is converted.
    A batch stopped by its output (a full disk) returns a report whose ``stopped`` says why.
    ``reader`` reads every input with that reader (``--from``); by default each input's is sniffed
    from its bytes, else chosen by its suffix (see :func:`citekit.readers.choose_reader`).
    ``max_input_bytes`` is the input-size limit (None: the default, 64 MiB; 0: none).
    ``review`` also writes each input's inspect page under ``OUT/.citekit-inspect/`` (recorded
    among its outputs, so reruns treat it as one) and ``OUT/citekit-review.html``: the inputs with
    something to check, grouped by kind (see :mod:`citekit.inspector.review`).
    """
    from citekit.overrides import checked_value, field_path, iso_date

    started = time.perf_counter()
    sources = [inputs] if isinstance(inputs, str | Path) else list(inputs)
    writers = _writers(to)
    resolved = {w.name: resolve_options(w, (options or {}).get(w.name)) for w in writers}
    pairs = tuple((field_path(k), checked_value(k, v)) for k, v in (overrides or {}).items())
    if accessed:
        iso_date(accessed)  # a bad date is a usage error, not one failure per input
    sidecar = load_sidecar(Path(metadata)) if metadata is not None else {}
    if jobs is not None and jobs < 1:
        raise OptionError(f"--jobs must be at least 1, got {jobs}")
    combine_writers = tuple(w for w in writers if combine and w.write_collection is not None)
    _check_reader(reader)

    out = Path(out_dir)
    _prepare_output_directory(out)
    check_writable_report(out)
    warnings: list[str] = []

    def warn(message: str) -> None:
        warnings.append(message)
        if on_warning is not None:
            on_warning(message)

    journal = Journal(out / JOURNAL_NAME)
    journal.open()
    documents: Spool[Document] | None = Spool() if combine_writers else None
    deferred: Spool[Job] | None = Spool() if combine_writers else None
    workers = Workers(executor, jobs)
    try:
        if journal.left_by_earlier_run:
            removed = sweep_temporaries(out)
            if removed:
                warn(f"removed {len(removed)} unfinished temporary file(s) an interrupted run left in {display(out)}")
        previous = load_previous(out, warn, torn_journal=journal.torn)
        reserved = [REPORT_NAME, JOURNAL_NAME, REVIEW_NAME,
                    *(f"citekit-combined{w.suffix}" for w in available_writers().values())]
        suffixes = [w.suffix for w in writers] + ([".html"] if review else [])
        planner = Planner(out_dir=out, writers=writers, options=resolved, overrides=pairs, accessed=accessed,
                          sidecar=sidecar, force=force, combine=bool(combine_writers),
                          names=OutputNames(suffixes, reserved, limit=name_limit(out)),
                          previous=previous.entries, deferred=deferred, reader=reader,
                          max_input_bytes=max_input_bytes, review=review)
        batch = _Batch(out_dir=out, journal=journal, on_input=on_input, documents=documents)

        def planned() -> Iterator[Job]:
            items = iter_inputs(sources, recursive=recursive, dataset=dataset or DatasetOptions(), warn=warn,
                                max_bytes=max_input_bytes)
            for index, item in enumerate(items):
                decision = planner.plan(index, item)
                if isinstance(decision, Job):
                    yield decision
                else:
                    batch.record(index, decision, journal=decision.status == "failed")

        stopped: str | None = None
        combined: tuple[OutputRecord, ...] = ()
        combined_review: tuple[ReviewItem, ...] = ()
        try:
            workers.run(planned(), batch.land)
            if documents is not None and deferred is not None:
                combination = Combination(writers=combine_writers, options=resolved, keys=planner.keys,
                                          documents=documents, deferred=deferred)
                combined, combined_review = write_combined(
                    combination, batch.statuses, previous.combined, out_dir=out, force=force, workers=workers,
                    write=batch.write_relative)
        except OutputError as error:
            stopped = str(error)
        report = _report(batch, writers, resolved, combined, combined_review, tuple(warnings), stopped,
                         time.perf_counter() - started)
        if stopped is not None and (out / REPORT_NAME).exists():
            # The previous report still lists the inputs this run did not reach: it stays the
            # manifest, and the journal holds this run's progress.
            return report
        try:
            write_report(report, out / REPORT_NAME)
        except OSError as error:
            unwritten = f"the report could not be written ({describe_os_error(error)})"
            return replace(report, stopped=f"{stopped}; {unwritten}" if stopped else unwritten)
        if stopped is None:
            journal.remove()
        report = replace(report, path=out / REPORT_NAME)
        if review and stopped is None:
            report = _write_review(report, out, warn)
        return report
    finally:
        journal.close()
        for spool in (documents, deferred):
            if spool is not None:
                spool.close()
        workers.shutdown()


def _write_review(report: BatchReport, out: Path, warn: WarningCallback) -> BatchReport:
    """Write ``OUT/citekit-review.html`` from the report; a failure is a warning (the report and
    every output are written by then, and the next run with ``--review`` writes it again)."""
    from citekit.inspector.review import review_page

    try:
        atomic_write(out / REVIEW_NAME, review_page(report, out_name=display(out)).encode("utf-8", "replace"))
    except OSError as error:
        warn(f"cannot write {REVIEW_NAME} in {display(out)}: {describe_os_error(error)}")
        return report
    return replace(report, review_page=out / REVIEW_NAME)


def _check_reader(reader: str | None) -> None:
    """An unknown reader is an OptionError before anything is read, not one failure per input."""
    if reader is not None:
        from citekit.readers import get_reader

        get_reader(reader)


def _report(batch: _Batch, writers: tuple[Writer, ...], options: Mapping[str, WriterOptions],
            combined: tuple[OutputRecord, ...], combined_review: tuple[ReviewItem, ...],
            warnings: tuple[str, ...], stopped: str | None, seconds: float) -> BatchReport:
    entries = CompactEntries([batch.entries[i] for i in sorted(batch.entries)])
    counts = {status: sum(1 for s in batch.statuses.values() if s == status)
              for status in ("converted", "failed", "skipped")}
    totals = Totals(inputs=len(entries), converted=counts["converted"], failed=counts["failed"],
                    skipped=counts["skipped"], outputs=batch.written, seconds=round(seconds, 3))
    return BatchReport(citekit_version=__version__, formats=tuple(w.name for w in writers),
                       options={name: options_dict(o) for name, o in options.items()},
                       inputs=entries, combined=combined, combined_review=combined_review, totals=totals,
                       warnings=warnings, stopped=stopped)


@dataclass(frozen=True, slots=True, kw_only=True)
class SingleResult:
    """One input converted to one format in memory (``citekit convert a.txt --to jats`` to stdout)."""

    entry: InputReport
    """Its report entry: errors when it failed, the writer's diagnostics in ``review``."""
    data: bytes | None
    """The output bytes; None when it failed."""


def convert_one(source: str | Path, to: str | Writer, *, options: Mapping[str, Any] | WriterOptions | None = None,
                overrides: Mapping[str, str] | None = None, accessed: str | None = None,
                reader: str | None = None, max_input_bytes: int | None = None) -> SingleResult:
    """Convert one input (a file, or ``-`` for stdin) to one format, in this process, writing nothing.

    ``reader`` names the reader (``--from``); by default it is chosen as :func:`convert` chooses;
    ``max_input_bytes`` is the input-size limit (None: the default)."""
    from citekit.overrides import checked_value, field_path

    name = str(source)
    if name != "-" and (Path(name).is_dir() or dataset_kind(name) is not None):
        raise OptionError(f"{name} holds several articles: convert it with an output directory")
    writer = _writers([to])[0]
    resolved = resolve_options(writer, options)
    pairs = tuple((field_path(k), checked_value(k, v)) for k, v in (overrides or {}).items())
    _check_reader(reader)
    item = next(iter_inputs([name], max_bytes=max_input_bytes))
    if item.error is not None:
        return SingleResult(entry=InputReport(source=item.source, status="failed", errors=(item.error,)), data=None)
    job = Job(index=0, source=item.source, name=item.name, data=item.data, overrides=(*pairs, *item.overrides),
              accessed=accessed, formats=(FormatJob(writer=writer, options=resolved, path="-", key=""),),
              reader=reader, max_input_bytes=max_input_bytes)
    result = run_job(job)
    return SingleResult(entry=result.entry, data=result.data[0] if result.data else None)
