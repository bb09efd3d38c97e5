"""Batch conversion: many inputs, many formats, in parallel, resumable, with a report.

The work is split so that it runs on any :class:`concurrent.futures.Executor` (a process pool,
``dask.distributed``'s ``Client.get_executor()``, Ray's): the calling process walks the inputs,
reads their bytes, decides output names and whether each input is already up to date, and sends
a picklable :class:`Job` to :func:`run_job`. A job carries everything it needs (input bytes,
overrides, writer options), and :func:`run_job` returns the output bytes with the input's report
entry, so workers need no shared filesystem. The calling process alone writes files, each through a
temporary file and a rename, under the output directory and never outside it.

Inputs stream through a bounded window of jobs: the batch is never held in memory, only its report
entries are. A journal (``OUT/.citekit-journal.jsonl``) records each finished input as it lands, so
a killed batch resumes: inputs whose outputs exist and whose key (a hash of the input bytes, the
values supplied for it, the writer options and the citekit version) has not changed are skipped.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import hashlib
import io
import json
import os
import pickle
import sys
import tempfile
import time
import unicodedata
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ALL_COMPLETED, FIRST_COMPLETED, BrokenExecutor, Executor, Future, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Literal

from citekit import __version__
from citekit.errors import CitekitError, InputError, OptionError
from citekit.model import Document
from citekit.writers import Writer, WriterOptions, get_writer, parse_options

REPORT_NAME = "citekit-report.json"
"""The batch report, written into the output directory; it is also the manifest a rerun reads."""
JOURNAL_NAME = ".citekit-journal.jsonl"
"""One line per finished input, appended as the batch runs, so a killed batch can resume."""
COMBINED_STEM = "citekit-combined"
"""``--combine`` writes ``citekit-combined<suffix>`` per bibliographic format."""
REPORT_SCHEMA = "citekit-batch-report/1"

TEXT_SUFFIXES = (".citekit.json", ".txt", ".text", ".md")
"""What a directory walk picks up; a file named explicitly is read whatever its suffix."""
DATASET_SUFFIXES = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}
"""Files named explicitly with these suffixes are datasets: one article per row."""

REVIEW_FIELDS = ("metadata.title", "metadata.authors", "metadata.date", "metadata.site", "metadata.url")
"""Fields a citation needs; the report lists each one the document lacks."""

Status = Literal["converted", "failed", "skipped"]
ReviewReason = Literal["missing", "supplied", "not-expressed"]


# --------------------------------------------------------------------------------------------
# The report


@dataclass(frozen=True, slots=True, kw_only=True)
class OutputRecord:
    """One file the batch wrote (or found up to date)."""

    format: str
    """The writer's name."""
    path: str
    """Relative to the output directory, with forward slashes."""
    key: str
    """Hash of input, supplied values, writer options and citekit version: equal key, same bytes."""
    size: int
    """Bytes written."""
    sha256: str
    """SHA-256 of the bytes written."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ReviewItem:
    """Something a person should check: a missing field, a supplied value, content a format lost."""

    field: str
    """The document field concerned."""
    reason: ReviewReason
    """missing (not printed), supplied (a rule, the user or a writer gave the value) or not-expressed."""
    detail: str = ""
    """The rule that supplied the value, or the writer's message."""
    format: str | None = None
    """The writer that reported it; None for what the document itself says."""


@dataclass(frozen=True, slots=True, kw_only=True)
class InputReport:
    """What happened to one input."""

    source: str
    """The input as named: a path, ``-``, or ``data.csv#ID`` for a dataset row."""
    status: Status
    """converted, failed or skipped (outputs already up to date)."""
    input_sha256: str | None = None
    """SHA-256 of the input bytes (for a dataset row: of its text)."""
    outputs: tuple[OutputRecord, ...] = ()
    """The files written for this input (for a skipped input: the ones found up to date)."""
    errors: tuple[str, ...] = ()
    """Why it failed, one line per problem."""
    timings: Mapping[str, float] = field(default_factory=dict)
    """Seconds spent: ``normalise`` and one entry per format."""
    review: tuple[ReviewItem, ...] = ()
    """Missing fields and supplied values, for a person to check."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Totals:
    """Counts for the whole batch."""

    inputs: int = 0
    converted: int = 0
    failed: int = 0
    skipped: int = 0
    outputs: int = 0
    """Files written in this run (combined files included)."""
    seconds: float = 0.0
    """Wall-clock duration of the run."""


@dataclass(frozen=True, slots=True, kw_only=True)
class BatchReport:
    """The outcome of a batch: per input its outputs, errors, timings and review list; totals."""

    citekit_version: str
    formats: tuple[str, ...]
    options: Mapping[str, Mapping[str, Any]]
    """Writer options as used, per format."""
    inputs: Sequence[InputReport]
    """In input order (held compressed: a 10,000-input report stays small in memory)."""
    combined: tuple[OutputRecord, ...] = ()
    """The ``--combine`` files."""
    combined_review: tuple[ReviewItem, ...] = ()
    """Diagnostics of the writers that wrote the combined files."""
    totals: Totals = field(default_factory=Totals)

    @property
    def ok(self) -> bool:
        """True when no input failed."""
        return self.totals.failed == 0

    @property
    def failed(self) -> tuple[InputReport, ...]:
        return tuple(entry for entry in self.inputs if entry.status == "failed")

    def to_dict(self) -> dict[str, Any]:
        return {"schema": REPORT_SCHEMA, "citekit_version": self.citekit_version,
                "formats": list(self.formats), "options": {k: dict(v) for k, v in self.options.items()},
                "totals": _record_dict(self.totals),
                "combined": [_record_dict(r) for r in self.combined],
                "combined_review": [_record_dict(r) for r in self.combined_review],
                "inputs": [entry_dict(e) for e in self.inputs]}

    def to_json(self) -> str:
        """JSON with one input per line: readable, greppable, and fast for 10,000 inputs."""
        return "".join(self._json_lines())

    def write(self, path: Path) -> None:
        """Write :meth:`to_json` to ``path`` atomically, streaming (the report is never one string)."""
        with atomic_file(path) as stream:
            for line in self._json_lines():
                stream.write(line.encode("utf-8"))

    def _json_lines(self) -> Iterator[str]:
        head = {"schema": REPORT_SCHEMA, "citekit_version": self.citekit_version,
                "formats": list(self.formats), "options": {k: dict(v) for k, v in self.options.items()},
                "totals": _record_dict(self.totals), "combined": [_record_dict(r) for r in self.combined],
                "combined_review": [_record_dict(r) for r in self.combined_review]}
        yield json.dumps(head, ensure_ascii=False)[:-1] + ', "inputs": ['
        for position, entry in enumerate(self.inputs):
            yield ",\n" if position else "\n"
            yield json.dumps(entry_dict(entry), ensure_ascii=False)
        yield "\n]}\n"

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> BatchReport:
        return cls(
            citekit_version=str(data.get("citekit_version", "")),
            formats=tuple(data.get("formats", ())),
            options={k: dict(v) for k, v in dict(data.get("options", {})).items()},
            inputs=tuple(_entry_from_dict(e) for e in data.get("inputs", ())),
            combined=tuple(OutputRecord(**o) for o in data.get("combined", ())),
            combined_review=tuple(ReviewItem(**r) for r in data.get("combined_review", ())),
            totals=Totals(**dict(data.get("totals", {}))),
        )

    @classmethod
    def from_json(cls, text: str) -> BatchReport:
        return cls.from_dict(json.loads(text))


def _record_dict(record: Any) -> dict[str, Any]:
    # dataclasses.asdict deep-copies through every value: far too slow for 10,000 report entries.
    return {name: getattr(record, name) for name in record.__dataclass_fields__}


def entry_dict(entry: InputReport) -> dict[str, Any]:
    """``entry`` as plain JSON data."""
    return {"source": entry.source, "status": entry.status, "input_sha256": entry.input_sha256,
            "outputs": [_record_dict(o) for o in entry.outputs], "errors": list(entry.errors),
            "timings": dict(entry.timings),
            "review": [_record_dict(r) for r in entry.review]}


def _entry_from_dict(data: Mapping[str, Any]) -> InputReport:
    return InputReport(
        source=str(data["source"]),
        status=data["status"],
        input_sha256=data.get("input_sha256"),
        outputs=tuple(OutputRecord(**o) for o in data.get("outputs", ())),
        errors=tuple(data.get("errors", ())),
        timings=dict(data.get("timings", {})),
        review=tuple(ReviewItem(**r) for r in data.get("review", ())),
    )


# --------------------------------------------------------------------------------------------
# The work function (runs in any worker)


@dataclass(frozen=True, slots=True, kw_only=True)
class FormatJob:
    """One format to write for one input."""

    writer: str
    options: WriterOptions
    path: str
    """Where the calling process will write it, relative to OUT (recorded in the report)."""
    key: str


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
    max_input_bytes: int | None = None
    """The input-size limit (None: the reading layer's default, 0: none)."""
    """Return the document too (for ``--combine``)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class JobResult:
    index: int
    entry: InputReport
    data: tuple[bytes, ...] = ()
    """Output bytes, parallel to ``entry.outputs``; empty when the input failed."""
    document: Document | None = None


def prepare_document(data: bytes, name: str, overrides: Sequence[tuple[str, str]] = (),
                     accessed: str | None = None, max_input_bytes: int | None = None) -> Document:
    """Read input bytes (article text or document JSON) and apply the values supplied for it."""
    from citekit.overrides import apply_overrides, set_accessed
    from citekit.readers import read_bytes

    document = read_bytes(data, name=name, max_bytes=max_input_bytes)
    if accessed:
        document = set_accessed(document, accessed)
    if overrides:
        document = apply_overrides(document, dict(overrides))
    return document


def review_document(document: Document) -> list[ReviewItem]:
    """Missing citation fields and values the document marks as supplied."""
    meta = document.metadata
    present = {"metadata.title": meta.title, "metadata.authors": meta.authors, "metadata.date": meta.date,
               "metadata.site": meta.site or meta.publisher, "metadata.url": meta.url}
    items = [ReviewItem(field=name, reason="missing") for name in REVIEW_FIELDS if not present[name]]
    items.extend(ReviewItem(field=source.field, reason="supplied", detail=source.rule)
                 for source in document.provenance.fields if source.supplied)
    return items


def _describe(error: Exception) -> str:
    """A bug's type, message and innermost frame: enough to file it without a traceback."""
    import traceback

    frames = traceback.extract_tb(error.__traceback__)
    where = f" (at {Path(frames[-1].filename).name}:{frames[-1].lineno})" if frames else ""
    return f"{type(error).__name__}: {error}{where}"


def run_job(job: Job) -> JobResult:
    """Convert one input to every format in memory; never raises for a bad input."""
    from citekit.writers import write_bytes

    started = time.perf_counter()
    timings: dict[str, float] = {}
    input_sha256 = hashlib.sha256(job.data).hexdigest()

    def failed(*errors: str) -> JobResult:
        return JobResult(index=job.index, entry=InputReport(
            source=job.source, status="failed", input_sha256=input_sha256, errors=errors,
            timings=timings))

    try:
        document = prepare_document(job.data, job.name, job.overrides, job.accessed, job.max_input_bytes)
    except CitekitError as error:
        if error.path == job.name:
            error.path = job.source  # the reader names the file only; the user named a path or a row
        return failed(str(error.with_path(job.source)))
    except Exception as error:  # a normaliser bug must cost one input, not the batch
        return failed(f"{job.source}: internal error: {_describe(error)}")
    timings["normalise"] = round(time.perf_counter() - started, 6)

    review = review_document(document)
    errors: list[str] = []
    records: list[OutputRecord] = []
    outputs: list[bytes] = []
    for spec in job.formats:
        began = time.perf_counter()
        try:
            data, diagnostics = write_bytes(document, get_writer(spec.writer), spec.options)
        except CitekitError as error:
            errors.append(f"{spec.writer}: {error.with_path(job.source)}")
            continue
        except Exception as error:  # a writer bug must cost one input, not the batch
            errors.append(f"{spec.writer}: {job.source}: internal error: {_describe(error)}")
            continue
        finally:
            timings[spec.writer] = round(time.perf_counter() - began, 6)
        review.extend(ReviewItem(field=d.field, reason="supplied" if d.supplied else "not-expressed",
                                 detail=d.message, format=spec.writer) for d in diagnostics)
        records.append(OutputRecord(format=spec.writer, path=spec.path, key=spec.key, size=len(data),
                                    sha256=hashlib.sha256(data).hexdigest()))
        outputs.append(data)
    if errors:
        # All or nothing: a failed input leaves no outputs, so a rerun redoes it whole.
        return failed(*errors)
    entry = InputReport(source=job.source, status="converted", input_sha256=input_sha256,
                        outputs=tuple(records), timings=timings, review=tuple(dict.fromkeys(review)))
    return JobResult(index=job.index, entry=entry, data=tuple(outputs),
                     document=document if job.want_document else None)


# --------------------------------------------------------------------------------------------
# Inputs


@dataclass(frozen=True, slots=True, kw_only=True)
class DatasetOptions:
    """How to read CSV / JSON Lines inputs: one article per row."""

    text_column: str = "text"
    id_column: str | None = None
    """Names the outputs and the report entry; without it rows are numbered from 1."""
    columns: Mapping[str, str] = field(default_factory=dict)
    """Column → document field (``{"url": "metadata.url"}``)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class InputItem:
    """One article to convert, as the calling process sees it."""

    source: str
    name: str
    stem: str
    """Output file stem, already safe as a file name."""
    directory: tuple[str, ...] = ()
    """Sub-directories under OUT (``-r`` mirrors the input tree), already safe."""
    data: bytes = b""
    overrides: tuple[tuple[str, str], ...] = ()
    keys: tuple[str, ...] = ()
    """Names a sidecar table may use for this input."""
    error: str | None = None
    """Set when the input cannot even be read; it is then reported as failed."""


def output_stem(name: str) -> str:
    """``a.txt`` → ``a``; ``a.citekit.json`` → ``a``; never a path."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    for suffix in (".citekit.json", ".json", ".txt", ".text", ".md"):
        if base.lower().endswith(suffix) and len(base) > len(suffix):
            base = base[: -len(suffix)]
            break
    else:
        base = Path(base).stem or base
    return safe_component(base)


_WINDOWS_RESERVED = frozenset({"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)),
                               *(f"lpt{i}" for i in range(1, 10))})


def safe_component(text: str, *, limit: int = 120) -> str:
    """``text`` as one file-name component: no separators, no leading dot, no control characters."""
    text = unicodedata.normalize("NFC", text)
    chars = [c if (c.isalnum() or c in "._-+") else "_" for c in text]
    cleaned = "".join(chars).strip("._-")
    while "__" in cleaned:
        cleaned = cleaned.replace("__", "_")
    cleaned = cleaned[:limit].rstrip("._-")
    if not cleaned:
        return "document"
    if cleaned.split(".")[0].lower() in _WINDOWS_RESERVED:
        cleaned = "_" + cleaned
    return cleaned


def _walk(root: Path, recursive: bool) -> Iterator[tuple[Path, tuple[str, ...]]]:
    """Article files under ``root`` in name order, with their directory relative to ``root``."""
    if not recursive:
        for entry in sorted(root.iterdir(), key=lambda p: p.name):
            if entry.is_file() and _is_article_file(entry.name):
                yield entry, ()
        return
    for directory, subdirs, files in os.walk(root):
        subdirs[:] = sorted(d for d in subdirs if not d.startswith("."))
        relative = Path(directory).relative_to(root).parts
        for name in sorted(files):
            if _is_article_file(name):
                yield Path(directory) / name, tuple(safe_component(p) for p in relative)


def _is_article_file(name: str) -> bool:
    return not name.startswith(".") and name.lower().endswith(TEXT_SUFFIXES)


def dataset_kind(path: str) -> str | None:
    """csv or jsonl when ``path`` names a dataset file, else None."""
    return DATASET_SUFFIXES.get(Path(path).suffix.lower())


def _dataset_rows(path: Path, kind: str) -> Iterator[tuple[int, Mapping[str, Any] | None, str | None]]:
    """(row number from 1, the row or None, an error) for each row, streamed."""
    with path.open("r", encoding="utf-8-sig", newline="") as stream:
        if kind == "csv":
            csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
            reader = csv.DictReader(stream)
            for number, row in enumerate(reader, start=1):
                yield number, row, None
            return
        number = 0
        for line in stream:
            if not line.strip():
                continue
            number += 1
            try:
                parsed = json.loads(line)
            except json.JSONDecodeError as error:
                yield number, None, f"not JSON: {error.msg}"
                continue
            if not isinstance(parsed, dict):
                yield number, None, "not a JSON object"
                continue
            yield number, parsed, None


def _cell(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def iter_inputs(inputs: Sequence[str | Path], *, recursive: bool = False,
                dataset: DatasetOptions | None = None) -> Iterator[InputItem]:
    """Every article named by ``inputs``, in order, with its bytes; streamed one at a time."""
    dataset = dataset or DatasetOptions()
    for given in inputs:
        name = str(given)
        if name == "-":
            yield InputItem(source="-", name="stdin", stem="stdin", data=sys.stdin.buffer.read(),
                            keys=("-", "stdin"))
            continue
        path = Path(name)
        if path.is_dir():
            for file, directory in _walk(path, recursive):
                source = file.as_posix()
                relative = file.relative_to(path).as_posix()
                keys = (source, relative, file.name, output_stem(file.name))
                yield _file_item(file, source, directory, keys=keys)
            continue
        kind = dataset_kind(name)
        if kind is not None and path.is_file():
            yield from _dataset_items(path, kind, dataset)
            continue
        yield _file_item(path, path.as_posix(), (), keys=(path.as_posix(), path.name, output_stem(path.name)))


def _file_item(path: Path, source: str, directory: tuple[str, ...], keys: tuple[str, ...]) -> InputItem:
    stem = output_stem(path.name)
    try:
        data = path.read_bytes()
    except OSError as error:
        return InputItem(source=source, name=path.name, stem=stem, directory=directory, keys=keys,
                         error=f"{source}: cannot read: {error.strerror or error}")
    return InputItem(source=source, name=path.name, stem=stem, directory=directory, data=data, keys=keys)


def _dataset_items(path: Path, kind: str, dataset: DatasetOptions) -> Iterator[InputItem]:
    base = output_stem(path.name)
    try:
        for number, row, problem in _dataset_rows(path, kind):
            ident = _cell(row.get(dataset.id_column)).strip() if row is not None and dataset.id_column else ""
            label = ident or str(number)
            source = f"{path.as_posix()}#{label}"
            stem = safe_component(ident) if ident else f"{base}-{number}"
            item_name = f"{path.name}#{label}"
            keys = (source, f"{path.name}#{label}", *((ident,) if ident else ()))
            if row is None:
                yield InputItem(source=source, name=item_name, stem=stem, keys=keys,
                                error=f"{path}: row {number}: {problem}")
                continue
            text = _cell(row.get(dataset.text_column))
            if dataset.text_column not in row:
                yield InputItem(source=source, name=item_name, stem=stem, keys=keys,
                                error=f"{path}: row {number}: no column {dataset.text_column!r}"
                                      f" (columns: {', '.join(map(str, row))})")
                continue
            if not text.strip():
                yield InputItem(source=source, name=item_name, stem=stem, keys=keys,
                                error=f"{path}: row {number}: column {dataset.text_column!r} is empty")
                continue
            cells = ((target, _cell(row.get(column)).strip()) for column, target in dataset.columns.items())
            overrides = tuple((target, value) for target, value in cells if value)
            yield InputItem(source=source, name=item_name, stem=stem, data=text.encode("utf-8"),
                            overrides=overrides, keys=keys)
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        yield InputItem(source=path.as_posix(), name=path.name, stem=base, keys=(path.as_posix(),),
                        error=f"{path}: cannot read dataset: {error}")


def count_inputs(inputs: Sequence[str | Path], *, recursive: bool = False) -> int:
    """How many articles :func:`iter_inputs` will yield (for a progress bar); reads no article."""
    total = 0
    for given in inputs:
        name = str(given)
        path = Path(name)
        if name != "-" and path.is_dir():
            total += sum(1 for _ in _walk(path, recursive))
        elif (kind := dataset_kind(name)) is not None and path.is_file():
            try:
                total += sum(1 for _ in _dataset_rows(path, kind))
            except (OSError, UnicodeDecodeError, csv.Error):
                total += 1
        else:
            total += 1
    return total


# --------------------------------------------------------------------------------------------
# Sidecar metadata


def _field_names(section: str) -> set[str]:
    from citekit.model import Metadata, Rights

    kind = Metadata if section == "metadata" else Rights
    return {f.name for f in dataclasses.fields(kind)}


def field_path(name: str) -> str:
    """``url`` → ``metadata.url``; ``rights.year`` stays; unknown fields are an OptionError."""
    name = name.strip()
    section, _, rest = name.partition(".")
    if not rest:
        section, rest = "metadata", name
    if section not in {"metadata", "rights"} or rest not in _field_names(section):
        raise OptionError(f"{name!r} is not a document field (use metadata.FIELD or rights.FIELD)")
    return f"{section}.{rest}"


def load_sidecar(path: Path) -> dict[str, tuple[tuple[str, str], ...]]:
    """A tab-separated table: a key column (``file``, ``id`` or ``name``, else the first) and field columns.

    Keys match an input's path as given, its path under a walked directory, its file name, its stem,
    or a dataset row's id. Empty cells supply nothing.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise OptionError(f"cannot read metadata table: {error}", path=path) from error
    rows = list(csv.reader(io.StringIO(text), delimiter="\t"))
    if not rows:
        raise OptionError("metadata table is empty", path=path)
    header = [h.strip() for h in rows[0]]
    key_index = next((header.index(k) for k in ("file", "id", "name") if k in header), 0)
    try:
        fields = {i: field_path(h) for i, h in enumerate(header) if i != key_index and h}
    except OptionError as error:
        raise OptionError(f"column {error.message}", path=path, line=1) from None
    table: dict[str, tuple[tuple[str, str], ...]] = {}
    for line, row in enumerate(rows[1:], start=2):
        if not row or not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            raise OptionError(f"{len(row)} cells but {len(header)} columns", path=path, line=line)
        key = row[key_index].strip()
        table[key] = tuple((fields[i], cell.strip()) for i, cell in enumerate(row)
                           if i in fields and cell.strip())
    return table


# --------------------------------------------------------------------------------------------
# Files


# O_NOFOLLOW: a symbolic link planted under OUT with the temporary's name must not redirect the write.
_OPEN_FLAGS = (os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
               | getattr(os, "O_CLOEXEC", 0))


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename: never a partial file."""
    with atomic_file(path) as stream:
        stream.write(data)


@contextlib.contextmanager
def atomic_file(path: Path) -> Iterator[IO[bytes]]:
    """A stream whose content replaces ``path`` only when the block ends without an exception.

    The temporary name is fixed per process (only the calling process writes), which spares the
    random names and extra system calls of ``mkstemp`` on batches of many small files; mode 0o666
    lets the umask decide permissions, as for any new file.
    """
    temporary = path.with_name(f".{path.name}.{os.getpid()}.part")
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
        temporary.unlink(missing_ok=True)
        raise


class OutputNames:
    """Assigns each input a stem whose files are free under OUT; first come (input order), first served.

    Comparison ignores case, so the names stay distinct on case-insensitive filesystems.
    """

    def __init__(self, suffixes: Sequence[str]) -> None:
        self.suffixes = tuple(suffixes)
        self.taken: set[str] = {REPORT_NAME.casefold(), JOURNAL_NAME.casefold()}
        from citekit.writers import available_writers

        # Reserved whether or not --combine is given, so a name never depends on that flag.
        for writer in available_writers().values():
            self.taken.add(f"{COMBINED_STEM}{writer.suffix}".casefold())

    def assign(self, directory: tuple[str, ...], stem: str) -> tuple[str, ...]:
        """Relative POSIX paths, one per suffix, for an input; never the same as an earlier input's."""
        prefix = "".join(f"{part}/" for part in directory)
        counter = 1
        while True:
            candidate = stem if counter == 1 else f"{stem}-{counter}"
            paths = tuple(f"{prefix}{candidate}{suffix}" for suffix in self.suffixes)
            if not any(p.casefold() in self.taken for p in paths):
                self.taken.update(p.casefold() for p in paths)
                return paths
            counter += 1


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
# Keys and the manifest of the previous run


def _options_dict(options: WriterOptions) -> dict[str, Any]:
    return {f.name: _jsonable(getattr(options, f.name)) for f in dataclasses.fields(options)}


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return str(value)


def output_key(input_sha256: str, item: InputItem, accessed: str | None, writer: str,
               options: WriterOptions) -> str:
    """Equal keys mean equal output bytes: everything the output depends on goes in."""
    material = json.dumps([__version__, input_sha256, item.name, list(item.overrides), accessed, writer,
                           _options_dict(options)], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def _report_lines(path: Path) -> Iterator[str]:
    """The input lines of a report written by :meth:`BatchReport.to_json`, streamed."""
    with path.open(encoding="utf-8") as stream:
        for line in stream:
            if line.startswith('{"source"'):
                yield line.rstrip().removesuffix(",")


def load_previous(out_dir: Path) -> dict[str, bytes]:
    """What the previous run recorded per source (compressed JSON): its report, then its journal.

    Both are read line by line, never whole, so a rerun of a huge batch stays small in memory.
    """
    previous: dict[str, bytes] = {}
    sources = [out_dir / REPORT_NAME, out_dir / JOURNAL_NAME]
    for path in sources:
        lines = _report_lines(path) if path.name == REPORT_NAME else _journal_lines(path)
        with contextlib.suppress(OSError, UnicodeDecodeError):
            for line in lines:
                # A killed run may leave a torn last line: skip what does not parse.
                with contextlib.suppress(ValueError, KeyError, TypeError):
                    source = json.loads(line)["source"]
                    previous[str(source)] = zlib.compress(line.encode("utf-8"), 1)
    return previous


def _journal_lines(path: Path) -> Iterator[str]:
    with path.open(encoding="utf-8") as stream:
        yield from stream


def _unpack(packed: bytes) -> InputReport:
    return _entry_from_dict(json.loads(zlib.decompress(packed)))


class CompactEntries(Sequence[InputReport]):
    """Report entries kept as compressed JSON, unpacked on access (about 1 KB per input)."""

    def __init__(self, packed: Sequence[bytes]) -> None:
        self._packed = list(packed)

    def __len__(self) -> int:
        return len(self._packed)

    def __getitem__(self, position: Any) -> Any:
        if isinstance(position, slice):
            return [_unpack(p) for p in self._packed[position]]
        return _unpack(self._packed[position])

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"CompactEntries({len(self)} inputs)"


def _up_to_date(out_dir: Path, previous: InputReport | None, planned: Sequence[FormatJob]) -> bool:
    """True when every planned output exists with the key and size the previous run recorded."""
    if previous is None or previous.status == "failed":
        return False
    recorded = {(o.format, o.path): o for o in previous.outputs}
    for spec in planned:
        record = recorded.get((spec.writer, spec.path))
        if record is None or record.key != spec.key:
            return False
        try:
            if (out_dir / spec.path).stat().st_size != record.size:
                return False
        except OSError:
            return False
    return True


# --------------------------------------------------------------------------------------------
# Running a batch


class _InlineExecutor(Executor):
    """Runs each job at submit time in this process (``jobs=1``): no pickling, no processes."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as error:
            future.set_exception(error)
        return future


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


def process_pool(jobs: int | None = None) -> Executor:
    """A process pool of ``jobs`` workers (default: all cores) that is safe to start beside threads.

    Workers fork from a fork server that has run :func:`warm_up` once, so they start warm instead
    of each importing the writers' libraries. Like any multiprocessing code
    outside Linux's ``fork``, a script that calls this must guard its entry point with
    ``if __name__ == "__main__":``.
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
    return ProcessPoolExecutor(max_workers=jobs or os.cpu_count() or 1, mp_context=context)


class _DocumentSpool(Sequence[Document]):
    """Documents kept on disk in input order for ``--combine``, so the batch never sits in memory."""

    def __init__(self) -> None:
        self._file: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close())
        self._offsets: dict[int, tuple[int, int]] = {}
        self._order: list[int] = []

    def add(self, index: int, document: Document) -> None:
        data = pickle.dumps(document, protocol=pickle.HIGHEST_PROTOCOL)
        self._file.seek(0, os.SEEK_END)
        self._offsets[index] = (self._file.tell(), len(data))
        self._file.write(data)

    def freeze(self) -> None:
        self._order = sorted(self._offsets)

    def __len__(self) -> int:
        return len(self._order)

    def __getitem__(self, position: Any) -> Any:
        if isinstance(position, slice):
            return [self[i] for i in range(*position.indices(len(self)))]
        offset, size = self._offsets[self._order[position]]
        self._file.seek(offset)
        document: Document = pickle.loads(self._file.read(size))
        return document

    def close(self) -> None:
        self._file.close()


def resolve_options(writer: Writer, raw: Mapping[str, Any] | WriterOptions | None) -> WriterOptions:
    """Writer options from an options object, ``key=value`` strings, or typed values."""
    if raw is None:
        return writer.options_type()
    if isinstance(raw, WriterOptions):
        return raw
    strings = {k: v for k, v in raw.items() if isinstance(v, str)}
    typed = {k.replace("-", "_"): v for k, v in raw.items() if not isinstance(v, str)}
    options = parse_options(writer.options_type, strings)
    known = {f.name for f in dataclasses.fields(writer.options_type)}
    unknown = sorted(set(typed) - known)
    if unknown:
        raise OptionError(f"unknown option(s) {', '.join(unknown)} for {writer.name}")
    return dataclasses.replace(options, **typed) if typed else options


ProgressCallback = Callable[[InputReport], None]


@dataclass(kw_only=True)
class _Run:
    """The state of one batch in the calling process."""

    out_dir: Path
    writers: tuple[Writer, ...]
    options: dict[str, WriterOptions]
    overrides: tuple[tuple[str, str], ...]
    accessed: str | None
    sidecar: Mapping[str, tuple[tuple[str, str], ...]]
    force: bool
    combine: tuple[Writer, ...]
    on_input: ProgressCallback | None
    names: OutputNames
    previous: dict[str, bytes]
    max_input_bytes: int | None = None
    entries: dict[int, bytes] = field(default_factory=dict)
    """Per input index, its report entry as compressed JSON (10,000 entries must not fill memory)."""
    statuses: dict[int, Status] = field(default_factory=dict)
    keys: dict[int, tuple[str, ...]] = field(default_factory=dict)
    """Per input, the keys of its outputs (for the combined files' key)."""
    skipped: list[int] = field(default_factory=list)
    spool: _DocumentSpool | None = None
    journal: IO[str] | None = None
    written: int = 0
    verified: set[str] = field(default_factory=set)
    """Output directories already checked to lie inside OUT."""

    def plan(self, index: int, item: InputItem) -> Job | None:
        """The job for ``item``, or None when it is recorded already (unreadable, or up to date)."""
        paths = self.names.assign(item.directory, item.stem)
        if item.error is not None:
            self.finish(index, InputReport(source=item.source, status="failed", errors=(item.error,)))
            return None
        input_sha256 = hashlib.sha256(item.data).hexdigest()
        overrides = (*self.overrides, *item.overrides, *self._sidecar_values(item))
        item = dataclasses.replace(item, overrides=overrides)
        formats = tuple(
            FormatJob(writer=w.name, options=self.options[w.name], path=path,
                      key=output_key(input_sha256, item, self.accessed, w.name, self.options[w.name]))
            for w, path in zip(self.writers, paths, strict=True))
        if self.combine:
            self.keys[index] = tuple(f.key for f in formats)
        packed = self.previous.pop(item.source, None)
        previous = _unpack(packed) if packed is not None else None
        if not self.force and _up_to_date(self.out_dir, previous, formats):
            assert previous is not None
            self.skipped.append(index)
            self.finish(index, dataclasses.replace(previous, status="skipped", input_sha256=input_sha256,
                                                   timings={}), journal=False)
            return None
        return Job(index=index, source=item.source, name=item.name, data=item.data, overrides=overrides,
                   accessed=self.accessed, formats=formats, want_document=bool(self.combine),
                   max_input_bytes=self.max_input_bytes)

    def _sidecar_values(self, item: InputItem) -> tuple[tuple[str, str], ...]:
        for key in item.keys:
            if key in self.sidecar:
                return self.sidecar[key]
        return ()

    def land(self, result: JobResult) -> None:
        """Write a finished job's files (atomically, under OUT) and record it."""
        entry = result.entry
        if entry.status == "converted":
            try:
                for record, data in zip(entry.outputs, result.data, strict=True):
                    atomic_write(resolve_inside(self.out_dir, record.path, self.verified), data)
                    self.written += 1
            except (OSError, CitekitError) as error:
                entry = dataclasses.replace(entry, status="failed", outputs=(),
                                            errors=(f"{entry.source}: cannot write output: {error}",))
        if result.document is not None and self.spool is not None and entry.status == "converted":
            self.spool.add(result.index, result.document)
        self.finish(result.index, entry)

    def finish(self, index: int, entry: InputReport, *, journal: bool = True) -> None:
        line = json.dumps(entry_dict(entry), ensure_ascii=False)
        self.entries[index] = zlib.compress(line.encode("utf-8"), 1)
        self.statuses[index] = entry.status
        if journal and self.journal is not None:
            self.journal.write(line + "\n")
            self.journal.flush()
        if self.on_input is not None:
            self.on_input(entry)


class _Workers:
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
        inline = _InlineExecutor() if self.jobs == 1 and self.given is None else None
        pending: dict[Future[JobResult], Job] = {}
        held: Job | None = None
        for job in jobs:
            executor = self.given or inline or self.pool
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
            return _InlineExecutor().submit(run_job, job)
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


def convert(
    inputs: Sequence[str | Path] | str | Path,
    to: Sequence[str] | str,
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
    max_input_bytes: int | None = None,
) -> BatchReport:
    """Convert ``inputs`` (files, directories, datasets) to the formats ``to`` under ``out_dir``.

    ``executor`` is any :class:`concurrent.futures.Executor` (left running afterwards); without one,
    ``jobs`` processes run the batch (default: all cores; ``jobs=1`` runs in this process). Bad
    inputs are reported, never raised; option errors raise :class:`~citekit.errors.OptionError`.
    ``max_input_bytes``: the input-size limit (None: the default, 64 MiB; 0: none).
    """
    from citekit.readers.limits import lone_surrogate

    started = time.perf_counter()
    sources = [inputs] if isinstance(inputs, str | Path) else list(inputs)
    names = [n.strip() for n in to.split(",")] if isinstance(to, str) else [n.strip() for n in to]
    names = list(dict.fromkeys(n for n in names if n))
    if not names:
        raise OptionError("no output format given")
    writers = tuple(get_writer(name) for name in names)
    resolved = {w.name: resolve_options(w, (options or {}).get(w.name)) for w in writers}
    pairs = tuple((field_path(k), v) for k, v in (overrides or {}).items())
    for path, value in pairs:
        if lone_surrogate(value) is not None:
            raise OptionError(f"the value for {path} holds a lone surrogate: not Unicode text")
    if accessed:
        from citekit.overrides import iso_date

        iso_date(accessed)  # a bad date is a usage error, not one failure per input
    sidecar = load_sidecar(Path(metadata)) if metadata is not None else {}
    combine_writers = tuple(w for w in writers if combine and w.write_collection is not None)
    if jobs is not None and jobs < 1:
        raise OptionError(f"--jobs must be at least 1, got {jobs}")

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    run = _Run(out_dir=out, writers=writers, options=resolved, overrides=pairs, accessed=accessed,
               sidecar=sidecar, force=force, combine=combine_writers, on_input=on_input,
               names=OutputNames([w.suffix for w in writers]), previous=load_previous(out),
               spool=_DocumentSpool() if combine_writers else None, max_input_bytes=max_input_bytes)
    workers = _Workers(executor, jobs)
    dataset = dataset or DatasetOptions()
    try:
        with (out / JOURNAL_NAME).open("a", encoding="utf-8") as journal:
            run.journal = journal

            def planned() -> Iterator[Job]:
                for index, item in enumerate(iter_inputs(sources, recursive=recursive, dataset=dataset)):
                    job = run.plan(index, item)
                    if job is not None:
                        yield job

            workers.run(planned(), run.land)
            combined, combined_review = _combine(run, sources, recursive, dataset, workers)
        report = _report(run, resolved, combined, combined_review, time.perf_counter() - started)
        report.write(out / REPORT_NAME)
        (out / JOURNAL_NAME).unlink(missing_ok=True)
        return report
    finally:
        if run.spool is not None:
            run.spool.close()
        workers.shutdown()


def _combine(run: _Run, sources: Sequence[str | Path], recursive: bool, dataset: DatasetOptions,
             workers: _Workers) -> tuple[tuple[OutputRecord, ...], tuple[ReviewItem, ...]]:
    """Write one file per bibliographic format for the whole batch (inputs that converted, in order)."""
    if not run.combine or run.spool is None:
        return (), ()
    previous_combined = _previous_combined(run.out_dir)
    usable = sorted(i for i, status in run.statuses.items() if status != "failed")
    records: list[OutputRecord] = []
    review: list[ReviewItem] = []
    todo: list[tuple[Writer, str, str]] = []
    for writer in run.combine:
        position = list(run.options).index(writer.name)
        material = json.dumps([__version__, writer.name, _options_dict(run.options[writer.name]),
                               [run.keys[i][position] for i in usable]])
        key = hashlib.sha256(material.encode("utf-8")).hexdigest()
        path = f"{COMBINED_STEM}{writer.suffix}"
        old = previous_combined.get(path)
        if not run.force and old is not None and old.key == key and _size(run.out_dir / path) == old.size:
            records.append(old)
        else:
            todo.append((writer, path, key))
    if not todo:
        return tuple(records), ()
    if run.skipped:
        # Skipped inputs sent no document: normalise them again (no writing) to complete the set.
        wanted = set(run.skipped)

        def documents_only() -> Iterator[Job]:
            for index, item in enumerate(iter_inputs(sources, recursive=recursive, dataset=dataset)):
                if index in wanted and item.error is None:
                    overrides = (*run.overrides, *item.overrides, *run._sidecar_values(item))
                    yield Job(index=index, source=item.source, name=item.name, data=item.data,
                              overrides=overrides, accessed=run.accessed, want_document=True,
                              max_input_bytes=run.max_input_bytes)

        def keep(result: JobResult) -> None:
            if result.document is not None and run.spool is not None:
                run.spool.add(result.index, result.document)

        workers.run(documents_only(), keep)
    run.spool.freeze()
    for writer, path, key in todo:
        assert writer.write_collection is not None
        buffer = io.BytesIO()
        try:
            diagnostics = writer.write_collection(run.spool, buffer, run.options[writer.name])
        except CitekitError as error:
            review.append(ReviewItem(field="*", reason="not-expressed", detail=f"combine failed: {error}",
                                     format=writer.name))
            continue
        data = buffer.getvalue()
        atomic_write(resolve_inside(run.out_dir, path), data)
        run.written += 1
        records.append(OutputRecord(format=writer.name, path=path, key=key, size=len(data),
                                    sha256=hashlib.sha256(data).hexdigest()))
        review.extend(ReviewItem(field=d.field, reason="supplied" if d.supplied else "not-expressed",
                                 detail=d.message, format=writer.name) for d in diagnostics)
    return tuple(sorted(records, key=lambda r: r.path)), tuple(review)


def _size(path: Path) -> int | None:
    try:
        return path.stat().st_size
    except OSError:
        return None


def _previous_combined(out_dir: Path) -> dict[str, OutputRecord]:
    """The combined files the previous report lists; read from its first line only."""
    opening = ', "inputs": ['
    with contextlib.suppress(OSError, ValueError, KeyError, TypeError, UnicodeDecodeError), \
            (out_dir / REPORT_NAME).open(encoding="utf-8") as stream:
        head = stream.readline().rstrip("\n")
        if head.endswith(opening):
            data = json.loads(head[: -len(opening)] + "}")
            return {record["path"]: OutputRecord(**record) for record in data.get("combined", ())}
    return {}


def _report(run: _Run, options: Mapping[str, WriterOptions], combined: tuple[OutputRecord, ...],
            combined_review: tuple[ReviewItem, ...], seconds: float) -> BatchReport:
    entries = CompactEntries([run.entries[i] for i in sorted(run.entries)])
    counts = {status: sum(1 for s in run.statuses.values() if s == status)
              for status in ("converted", "failed", "skipped")}
    totals = Totals(inputs=len(entries), converted=counts["converted"], failed=counts["failed"],
                    skipped=counts["skipped"], outputs=run.written, seconds=round(seconds, 3))
    return BatchReport(citekit_version=__version__, formats=tuple(w.name for w in run.writers),
                       options={name: _options_dict(o) for name, o in options.items()},
                       inputs=entries, combined=combined, combined_review=combined_review, totals=totals)


__all__ = [
    "COMBINED_STEM",
    "REPORT_NAME",
    "BatchReport",
    "DatasetOptions",
    "InputItem",
    "InputReport",
    "Job",
    "JobResult",
    "OutputRecord",
    "ReviewItem",
    "Totals",
    "atomic_write",
    "convert",
    "count_inputs",
    "iter_inputs",
    "load_sidecar",
    "prepare_document",
    "process_pool",
    "run_job",
]
