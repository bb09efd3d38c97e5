"""The batch report: what happened to each input, as values, as JSON, and read back strictly.

The report (``OUT/citekit-report.json``) is also the manifest a rerun reads to skip what is up to
date. It is read back as JSON data and checked field by field: an entry this version did not
write (an unknown key, a wrong type, text that is not valid Unicode) is refused with
:class:`ReportShapeError`, never half-trusted, and the rerun converts that input again.
"""

from __future__ import annotations

import json
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, get_args

REPORT_NAME = "citekit-report.json"
"""The batch report, written into the output directory; it is also the manifest a rerun reads."""
REPORT_SCHEMA = "citekit-batch-report/1"
REVIEW_NAME = "citekit-review.html"
"""The review page ``convert --review`` writes into the output directory."""

Status = Literal["converted", "failed", "skipped"]
ReviewReason = Literal["missing", "supplied", "not-expressed"]
STATUSES: frozenset[str] = frozenset(get_args(Status))
REVIEW_REASONS: frozenset[str] = frozenset(get_args(ReviewReason))


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
    reader: str | None = None
    """The reader that read the input ("text", "html", "markdown", "docx", …); None when it failed."""


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
    warnings: tuple[str, ...] = ()
    """What the batch skipped or ignored without it being an input's failure (a FIFO in a walked
    tree, a previous report it could not trust)."""
    stopped: str | None = None
    """Why the batch stopped before its end (a full disk, an unwritable output); None when it ran
    to the end. A stopped batch resumes when the same command runs again."""
    path: Path | None = field(default=None, compare=False)
    """Where this report was written; None when it was not (a stopped batch may keep the previous
    one, or find no room for it). Not part of the JSON."""
    review_page: Path | None = field(default=None, compare=False)
    """Where ``--review`` wrote the review page; None without it. Not part of the JSON."""

    @property
    def ok(self) -> bool:
        """True when the batch ran to its end and no input failed."""
        return self.totals.failed == 0 and self.stopped is None

    @property
    def failed(self) -> tuple[InputReport, ...]:
        return tuple(entry for entry in self.inputs if entry.status == "failed")

    def to_dict(self) -> dict[str, Any]:
        return {**self._head(), "inputs": [entry_dict(e) for e in self.inputs]}

    def to_json(self) -> str:
        """JSON with one input per line: readable, greppable, and fast for 10,000 inputs."""
        return "".join(self.json_chunks())

    def json_chunks(self) -> Iterator[str]:
        """:meth:`to_json` in pieces, one input at a time (the report is never one string)."""
        head = json.dumps(self._head(), ensure_ascii=False)
        yield head[:-1] + ', "inputs": ['
        for position, entry in enumerate(self.inputs):
            yield ",\n" if position else "\n"
            yield json.dumps(entry_dict(entry), ensure_ascii=False)
        yield "\n]}\n"

    def write(self, path: Path) -> None:
        """Write :meth:`to_json` to ``path`` atomically (see :func:`write_report`)."""
        write_report(self, path)

    def _head(self) -> dict[str, Any]:
        head = {"schema": REPORT_SCHEMA, "citekit_version": self.citekit_version,
                "formats": list(self.formats), "options": {k: dict(v) for k, v in self.options.items()},
                "totals": record_dict(self.totals), "combined": [record_dict(r) for r in self.combined],
                "combined_review": [record_dict(r) for r in self.combined_review],
                "warnings": list(self.warnings)}
        if self.stopped is not None:
            head["stopped"] = self.stopped
        return head

    @classmethod
    def from_dict(cls, data: Any) -> BatchReport:
        """The report in ``data``; :class:`ReportShapeError` when it is not one this version wrote."""
        top = _object(data, "report", required={"schema", "inputs"},
                      optional={"citekit_version", "formats", "options", "totals", "combined",
                                "combined_review", "warnings", "stopped"})
        if top["schema"] != REPORT_SCHEMA:
            raise ReportShapeError(f"schema is {top['schema']!r}, not {REPORT_SCHEMA!r}")
        options = _object(top.get("options", {}), "options")
        return cls(
            citekit_version=_text(top.get("citekit_version", ""), "citekit_version"),
            formats=tuple(_texts(top.get("formats", []), "formats")),
            options={_text(k, "options"): dict(_object(v, f"options.{k}")) for k, v in options.items()},
            inputs=tuple(entry_from_data(e) for e in _list(top["inputs"], "inputs")),
            combined=tuple(output_from_data(o) for o in _list(top.get("combined", []), "combined")),
            combined_review=tuple(review_from_data(r) for r in _list(top.get("combined_review", []),
                                                                     "combined_review")),
            totals=totals_from_data(top.get("totals", {})),
            warnings=tuple(_texts(top.get("warnings", []), "warnings")),
            stopped=_optional_text(top.get("stopped"), "stopped"),
        )

    @classmethod
    def from_json(cls, text: str) -> BatchReport:
        try:
            data = json.loads(text)
        except (ValueError, RecursionError) as error:
            raise ReportShapeError(f"not JSON: {error}") from None
        return cls.from_dict(data)


# --------------------------------------------------------------------------------------------
# As JSON data


def record_dict(record: Any) -> dict[str, Any]:
    """A report dataclass as a dict (dataclasses.asdict deep-copies: far too slow for 10,000 entries)."""
    return {name: getattr(record, name) for name in record.__dataclass_fields__}


def entry_dict(entry: InputReport) -> dict[str, Any]:
    """``entry`` as plain JSON data."""
    return {"source": entry.source, "status": entry.status, "input_sha256": entry.input_sha256,
            "outputs": [record_dict(o) for o in entry.outputs], "errors": list(entry.errors),
            "timings": dict(entry.timings), "reader": entry.reader,
            "review": [record_dict(r) for r in entry.review]}


class ReportShapeError(ValueError):
    """JSON data that is not a report (or entry) this version of citekit writes."""


def entry_from_data(data: Any) -> InputReport:
    """An :class:`InputReport` from JSON data, every field checked."""
    entry = _object(data, "entry", required={"source", "status"},
                    optional={"input_sha256", "outputs", "errors", "timings", "reader", "review"})
    status = entry["status"]
    if status not in STATUSES:
        raise ReportShapeError(f"status {status!r} is not one of {', '.join(sorted(STATUSES))}")
    timings = _object(entry.get("timings", {}), "timings")
    return InputReport(
        source=_text(entry["source"], "source"),
        status=status,
        input_sha256=_optional_text(entry.get("input_sha256"), "input_sha256"),
        outputs=tuple(output_from_data(o) for o in _list(entry.get("outputs", []), "outputs")),
        errors=tuple(_texts(entry.get("errors", []), "errors")),
        timings={_text(k, "timings"): _number(v, f"timings.{k}") for k, v in timings.items()},
        reader=_optional_text(entry.get("reader"), "reader"),
        review=tuple(review_from_data(r) for r in _list(entry.get("review", []), "review")),
    )


def output_from_data(data: Any) -> OutputRecord:
    record = _object(data, "output", required={"format", "path", "key", "size", "sha256"})
    return OutputRecord(format=_text(record["format"], "format"), path=_text(record["path"], "path"),
                        key=_text(record["key"], "key"), size=_count(record["size"], "size"),
                        sha256=_text(record["sha256"], "sha256"))


def review_from_data(data: Any) -> ReviewItem:
    item = _object(data, "review item", required={"field", "reason"}, optional={"detail", "format"})
    if item["reason"] not in REVIEW_REASONS:
        raise ReportShapeError(f"review reason {item['reason']!r} is unknown")
    return ReviewItem(field=_text(item["field"], "field"), reason=item["reason"],
                      detail=_text(item.get("detail", ""), "detail"),
                      format=_optional_text(item.get("format"), "format"))


def totals_from_data(data: Any) -> Totals:
    names = {"inputs", "converted", "failed", "skipped", "outputs", "seconds"}
    totals = _object(data, "totals", optional=names)
    counts = {k: _count(v, k) for k, v in totals.items() if k != "seconds"}
    return Totals(**counts, seconds=_number(totals.get("seconds", 0.0), "seconds"))


def _object(data: Any, what: str, *, required: Iterable[str] = (), optional: Iterable[str] | None = None,
            ) -> dict[str, Any]:
    """``data`` as a JSON object with the ``required`` keys and, when ``optional`` is given, no others."""
    if not isinstance(data, dict):
        raise ReportShapeError(f"{what} is not a JSON object")
    needed = set(required)
    missing = needed - data.keys()
    if missing:
        raise ReportShapeError(f"{what} lacks {', '.join(sorted(missing))}")
    if optional is not None:
        extra = data.keys() - needed - set(optional)
        if extra:
            raise ReportShapeError(f"{what} has unknown keys {', '.join(sorted(map(str, extra)))}")
    return data


def _list(data: Any, what: str) -> list[Any]:
    if not isinstance(data, list):
        raise ReportShapeError(f"{what} is not a JSON array")
    return data


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise ReportShapeError(f"{what} is not a string")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ReportShapeError(f"{what} holds a lone surrogate: not valid Unicode") from None
    return value


def _optional_text(value: Any, what: str) -> str | None:
    return None if value is None else _text(value, what)


def _texts(values: Any, what: str) -> list[str]:
    return [_text(v, what) for v in _list(values, what)]


def _count(value: Any, what: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ReportShapeError(f"{what} is not a count")
    return value


def _number(value: Any, what: str) -> float:
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise ReportShapeError(f"{what} is not a number")
    return float(value)


# --------------------------------------------------------------------------------------------
# Entries kept compressed


def pack(entry: InputReport) -> bytes:
    """``entry`` as compressed JSON (about 1 KB per input)."""
    return pack_line(json.dumps(entry_dict(entry), ensure_ascii=False))


def pack_line(line: str) -> bytes:
    """A JSON line (the journal's) kept compressed; a lone surrogate in it becomes "?"."""
    return zlib.compress(line.encode("utf-8", "replace"), 1)


def unpack(packed: bytes) -> InputReport:
    """An entry kept by :func:`pack` or :func:`pack_line`: written by this run, or checked when read."""
    data = json.loads(zlib.decompress(packed))
    return InputReport(
        source=data["source"], status=data["status"], input_sha256=data.get("input_sha256"),
        outputs=tuple(OutputRecord(**o) for o in data.get("outputs", ())),
        errors=tuple(data.get("errors", ())), timings=data.get("timings", {}), reader=data.get("reader"),
        review=tuple(ReviewItem(**r) for r in data.get("review", ())))


class CompactEntries(Sequence[InputReport]):
    """Report entries kept as compressed JSON, unpacked on access."""

    def __init__(self, packed: Sequence[bytes]) -> None:
        self._packed = list(packed)

    def __len__(self) -> int:
        return len(self._packed)

    def __getitem__(self, position: Any) -> Any:
        if isinstance(position, slice):
            return [unpack(p) for p in self._packed[position]]
        return unpack(self._packed[position])

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"CompactEntries({len(self)} inputs)"


# --------------------------------------------------------------------------------------------
# The review list, counted for a person


def review_kind(item: ReviewItem) -> str:
    """What a review item is about, in a few words: ``missing url``, ``pdf: not expressed``."""
    name = item.field.removeprefix("metadata.")
    if item.reason == "missing":
        return f"missing {name}"
    if item.reason == "supplied":
        return f"supplied {name}" if item.format is None else f"{item.format}: supplied {name}"
    return f"{item.format or 'document'}: not expressed"


def review_counts(report: BatchReport) -> list[tuple[str, int]]:
    """Review items by kind, the most frequent first (ties by name), the combined files' included."""
    counts: Counter[str] = Counter()
    for entry in report.inputs:
        counts.update(review_kind(item) for item in entry.review)
    counts.update(review_kind(item) for item in report.combined_review)
    return sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))


def write_report(report: BatchReport, path: Path) -> None:
    """Write ``report`` to ``path`` atomically, streaming (see :func:`citekit.batch.files.atomic_file`)."""
    from citekit.batch.files import atomic_file

    with atomic_file(path) as stream:
        for chunk in report.json_chunks():
            stream.write(chunk.encode("utf-8", "replace"))
