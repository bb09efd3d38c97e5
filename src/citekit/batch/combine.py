"""``--combine``: one file per bibliographic format holding every input that converted, in input order.

The combined file's key is a hash of the citekit version, the writer and its options and the keys
of the inputs it holds, so a rerun rewrites it only when one of them changed. Documents come from
the jobs that ran; for inputs that were up to date, from the jobs the planner set aside for them
(run only when a combined file must be written). Everything is matched by input index.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from citekit._version import __version__
from citekit.batch.executors import Workers
from citekit.batch.jobs import Job, JobResult
from citekit.batch.plan import options_dict
from citekit.batch.report import OutputRecord, ReviewItem, Status
from citekit.batch.spool import Spool, SpoolView
from citekit.errors import CitekitError
from citekit.model import Document
from citekit.writers import Writer, WriterOptions

COMBINED_STEM = "citekit-combined"
"""``--combine`` writes ``citekit-combined<suffix>`` per bibliographic format."""


@dataclass(kw_only=True)
class Combination:
    """What the combined files are made of, gathered during the run."""

    writers: tuple[Writer, ...]
    """The formats that can hold many records in one file."""
    options: Mapping[str, WriterOptions]
    keys: Mapping[int, Mapping[str, str]]
    """Per input index, its outputs' keys by format (from the planner)."""
    documents: Spool[Document]
    """Per input index, the document of each input that converted in this run."""
    deferred: Spool[Job]
    """Per up-to-date input index, the job that gives its document back."""


def combined_name(writer: Writer) -> str:
    return f"{COMBINED_STEM}{writer.suffix}"


def write_combined(combination: Combination, statuses: Mapping[int, Status], previous: Mapping[str, OutputRecord],
                   *, out_dir: Path, force: bool, workers: Workers, write: Callable[[str, bytes], None],
                   ) -> tuple[tuple[OutputRecord, ...], tuple[ReviewItem, ...]]:
    """Write the combined files that are out of date; their records (all of them) and diagnostics."""
    usable = sorted(i for i, status in statuses.items() if status != "failed" and i in combination.keys)
    records: list[OutputRecord] = []
    todo: list[tuple[Writer, str, str]] = []
    for writer in combination.writers:
        material = json.dumps([__version__, writer.name, options_dict(combination.options[writer.name]),
                               [combination.keys[i][writer.name] for i in usable]])
        key = hashlib.sha256(material.encode("utf-8")).hexdigest()
        path = combined_name(writer)
        old = previous.get(path)
        if not force and old is not None and old.key == key and _size(out_dir / path) == old.size:
            records.append(old)
        else:
            todo.append((writer, path, key))
    if not todo:
        return tuple(records), ()
    _complete_documents(combination, usable, workers)
    documents = SpoolView(combination.documents, [i for i in usable if i in combination.documents])
    review: list[ReviewItem] = []
    for writer, path, key in todo:
        assert writer.write_collection is not None
        buffer = io.BytesIO()
        try:
            diagnostics = writer.write_collection(documents, buffer, combination.options[writer.name])
        except CitekitError as error:
            review.append(ReviewItem(field="*", reason="not-expressed", detail=f"combine failed: {error}",
                                     format=writer.name))
            continue
        data = buffer.getvalue()
        write(path, data)
        records.append(OutputRecord(format=writer.name, path=path, key=key, size=len(data),
                                    sha256=hashlib.sha256(data).hexdigest()))
        review.extend(ReviewItem(field=d.field, reason="supplied" if d.supplied else "not-expressed",
                                 detail=d.message, format=writer.name) for d in diagnostics)
    return tuple(sorted(records, key=lambda r: r.path)), tuple(review)


def _complete_documents(combination: Combination, usable: list[int], workers: Workers) -> None:
    """Normalise again (no writing) the up-to-date inputs, whose documents no job returned."""
    wanted = [i for i in usable if i not in combination.documents and i in combination.deferred]
    if not wanted:
        return

    def keep(result: JobResult) -> None:
        if result.document is not None:
            combination.documents.add(result.index, result.document)

    workers.run((combination.deferred.get(i) for i in wanted), keep)


def _size(path: Path) -> int | None:
    try:
        return path.stat().st_size
    except OSError:
        return None
