"""The work function: one input in, its output bytes and report entry out, in any worker.

A :class:`Job` carries everything it needs (input bytes, supplied values, writer options), and
:func:`run_job` returns the output bytes with the input's report entry, so a worker needs no
shared file system and never raises for a bad input.
"""

from __future__ import annotations

import contextlib
import hashlib
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from citekit.batch.report import InputReport, OutputRecord, ReviewItem
from citekit.errors import CitekitError, describe_bug
from citekit.model import Document
from citekit.writers import Writer, WriterOptions

if TYPE_CHECKING:
    from citekit.readers._normalise_bridge import EndMatter

REVIEW_FIELDS = ("metadata.title", "metadata.authors", "metadata.date", "metadata.site", "metadata.url")
"""Fields a citation needs; the report lists each one the document lacks."""


@dataclass(frozen=True, slots=True, kw_only=True)
class FormatJob:
    """One format to write for one input."""

    writer: Writer
    """The writer itself (a registered one or the caller's own), pickled by reference."""
    options: WriterOptions
    path: str
    """Where the calling process will write it, relative to OUT (recorded in the report)."""
    key: str


@dataclass(frozen=True, slots=True, kw_only=True)
class InspectJob:
    """The input's inspect page (``convert --review``), written beside its outputs under OUT."""

    path: str
    """Relative to OUT (``.citekit-inspect/NAME.html``)."""
    key: str
    sidecar_key: str
    """What the page's sidecar row names the input by (as the report names it)."""


INSPECT_FORMAT = "inspect"
"""The ``format`` of an inspect page's record among an input's outputs."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Job:
    """Everything one input needs, picklable: no file is read or written by the worker."""

    index: int
    source: str
    name: str
    """The name the normaliser and the document's provenance see."""
    data: bytes
    overrides: tuple[tuple[str, str], ...] = ()
    """Field values supplied for this input, applied in order (later wins)."""
    accessed: str | None = None
    formats: tuple[FormatJob, ...] = ()
    want_document: bool = False
    """Return the document too (for ``--combine``)."""
    reader: str | None = None
    """The reader the user named (``--from``); None: sniffed, else by suffix."""
    max_input_bytes: int | None = None
    """The input-size limit (None: the reading layer's default, 0: none)."""
    inspect: InspectJob | None = None
    """Also make the input's inspect page."""


@dataclass(frozen=True, slots=True, kw_only=True)
class JobResult:
    index: int
    entry: InputReport
    data: tuple[bytes, ...] = ()
    """Output bytes, parallel to ``entry.outputs``; empty when the input failed."""
    document: Document | None = None


def prepare_document(data: bytes, name: str, overrides: Sequence[tuple[str, str]] = (),
                     accessed: str | None = None, reader: str | None = None,
                     max_input_bytes: int | None = None) -> Document:
    """Read input bytes with the reader named or chosen for them; apply the values supplied for it."""
    return read_document(data, name, overrides, accessed, reader, max_input_bytes)[0]


def read_document(data: bytes, name: str, overrides: Sequence[tuple[str, str]] = (), accessed: str | None = None,
                  reader: str | None = None, max_input_bytes: int | None = None) -> tuple[Document, str]:
    """:func:`prepare_document`, and the name of the reader that read it."""
    from citekit.overrides import apply_overrides, set_accessed
    from citekit.readers import read_with_reader

    document, used = read_with_reader(data, name=name, reader=reader, max_bytes=max_input_bytes)
    if accessed:
        document = set_accessed(document, accessed)
    if overrides:
        document = apply_overrides(document, dict(overrides))
    return document, used


def review_document(document: Document) -> list[ReviewItem]:
    """Missing citation fields and values the document marks as supplied."""
    meta = document.metadata
    present = {"metadata.title": meta.title, "metadata.authors": meta.authors, "metadata.date": meta.date,
               "metadata.site": meta.site or meta.publisher, "metadata.url": meta.url}
    items = [ReviewItem(field=name, reason="missing") for name in REVIEW_FIELDS if not present[name]]
    items.extend(ReviewItem(field=source.field, reason="supplied", detail=source.rule)
                 for source in document.provenance.fields if source.supplied)
    return items


def run_job(job: Job) -> JobResult:
    """Convert one input to every format in memory; never raises for a bad input."""
    from citekit.writers import write_bytes

    started = time.perf_counter()
    timings: dict[str, float] = {}
    input_sha256 = hashlib.sha256(job.data).hexdigest()

    def failed(*errors: str) -> JobResult:
        return JobResult(index=job.index, entry=InputReport(
            source=job.source, status="failed", input_sha256=input_sha256, errors=errors, timings=timings))

    from citekit.readers._normalise_bridge import recording_runs

    recorder: contextlib.AbstractContextManager[list[EndMatter]] = \
        recording_runs() if job.inspect is not None else contextlib.nullcontext([])
    try:
        with recorder as runs:
            document, reader = read_document(job.data, job.name, job.overrides, job.accessed, job.reader,
                                             job.max_input_bytes)
    except CitekitError as error:
        if error.path == job.name:
            error.path = job.source  # the reader names the file only; the user named a path or a row
        return failed(str(error.with_path(job.source)))
    except Exception as error:  # a reader or normaliser bug costs one input, not the batch
        return failed(f"{job.source}: internal error: {describe_bug(error)}")
    timings["normalise"] = round(time.perf_counter() - started, 6)

    review = review_document(document)
    errors: list[str] = []
    records: list[OutputRecord] = []
    outputs: list[bytes] = []
    for spec in job.formats:
        name = spec.writer.name
        began = time.perf_counter()
        try:
            data, diagnostics = write_bytes(document, spec.writer, spec.options)
        except CitekitError as error:
            errors.append(f"{name}: {error.with_path(job.source)}")
            continue
        except Exception as error:  # a writer bug must cost one input, not the batch
            errors.append(f"{name}: {job.source}: internal error: {describe_bug(error)}")
            continue
        finally:
            timings[name] = round(time.perf_counter() - began, 6)
        review.extend(ReviewItem(field=d.field, reason="supplied" if d.supplied else "not-expressed",
                                 detail=d.message, format=name) for d in diagnostics)
        records.append(OutputRecord(format=name, path=spec.path, key=spec.key, size=len(data),
                                    sha256=hashlib.sha256(data).hexdigest()))
        outputs.append(data)
    if job.inspect is not None and not errors:
        began = time.perf_counter()
        try:
            page = _inspect_page(document, reader, job, runs)
        except Exception as error:  # an inspect bug must cost one input's page, not the batch
            errors.append(f"inspect: {job.source}: internal error: {describe_bug(error)}")
        else:
            records.append(OutputRecord(format=INSPECT_FORMAT, path=job.inspect.path, key=job.inspect.key,
                                        size=len(page), sha256=hashlib.sha256(page).hexdigest()))
            outputs.append(page)
        timings[INSPECT_FORMAT] = round(time.perf_counter() - began, 6)
    if errors:
        # All or nothing: a failed input leaves no outputs, so a rerun redoes it whole.
        return failed(*errors)
    entry = InputReport(source=job.source, status="converted", input_sha256=input_sha256,
                        outputs=tuple(records), timings=timings, review=tuple(dict.fromkeys(review)),
                        reader=reader)
    return JobResult(index=job.index, entry=entry, data=tuple(outputs),
                     document=document if job.want_document else None)


def _inspect_page(document: Document, reader: str, job: Job, runs: Sequence[EndMatter]) -> bytes:
    from citekit.inspector.page import page
    from citekit.inspector.trace import trace_read

    assert job.inspect is not None
    trace = trace_read(document, reader, job.data, runs, source=job.source, key=job.inspect.sidecar_key)
    return page(trace).encode("utf-8", "replace")


_WARM_UP_TEXT = (b"A Short Headline For Warming Up\n\nBy Jane Doe\n\nJanuary 29, 2017\n\n"
                 b"This paragraph is plain English text, long enough for the language to be told and "
                 b"for every stage of the normaliser to run.\n\nCopyright \xc2\xa9 Jane Doe, 2017\n")


def warm_up() -> None:
    """Import the normaliser and every writer's libraries (lxml, ReportLab and its fonts, the
    bibliography and CSL code: about half a second) by converting a small text once."""
    from citekit.writers import available_writers, write_bytes

    # Warming is an optimisation: whatever fails here fails again, and is reported, in the real jobs.
    with contextlib.suppress(Exception):
        document = prepare_document(_WARM_UP_TEXT, "warm-up.txt")
        for writer in available_writers().values():
            with contextlib.suppress(Exception):
                write_bytes(document, writer, writer.options_type())
