"""Planning, in one pass over the inputs: output names, keys, and what is already up to date.

For each input the planner decides once: a :class:`~citekit.batch.jobs.Job` to run, or a report
entry (it could not be read; its outputs are up to date). Everything ``--combine`` needs later is
recorded here by input index (each output's key; for an input that is up to date, the job that
would give its document back), so no later stage walks the inputs again.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from citekit._version import __version__
from citekit.batch.files import INSPECT_DIRECTORY, OutputNames
from citekit.batch.inputs import InputItem
from citekit.batch.jobs import INSPECT_FORMAT, FormatJob, InspectJob, Job
from citekit.batch.report import InputReport, unpack
from citekit.batch.sidecar import Sidecar, sidecar_values
from citekit.batch.spool import Spool
from citekit.errors import OptionError
from citekit.writers import Writer, WriterOptions, parse_options


def resolve_options(writer: Writer, raw: Mapping[str, Any] | WriterOptions | None) -> WriterOptions:
    """Writer options from an options object, ``key=value`` strings, or typed values."""
    from citekit._suggest import did_you_mean

    if raw is None:
        return writer.options_type()
    if isinstance(raw, WriterOptions):
        return raw
    strings = {k: v for k, v in raw.items() if isinstance(v, str)}
    typed = {k.replace("-", "_"): v for k, v in raw.items() if not isinstance(v, str)}
    options = parse_options(writer.options_type, strings)
    known = [f.name for f in dataclasses.fields(writer.options_type)]
    unknown = sorted(set(typed) - set(known))
    if unknown:
        hint = did_you_mean(unknown[0], known)
        raise OptionError(f"unknown option(s) {', '.join(unknown)} for {writer.name}{hint}"
                          f" (options: {', '.join(known) or 'none'})")
    return dataclasses.replace(options, **typed) if typed else options


def options_dict(options: WriterOptions) -> dict[str, Any]:
    """Writer options as JSON data (the report's record, and part of every output key)."""
    return {f.name: _jsonable(getattr(options, f.name)) for f in dataclasses.fields(options)}


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, bytes):  # a file carried as bytes (a reference DOCX): recorded by its digest
        return f"sha256:{hashlib.sha256(value).hexdigest()} ({len(value)} bytes)"
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return str(value)


def output_key(input_sha256: str, item: InputItem, accessed: str | None, writer: str,
               options: WriterOptions, reader: str | None = None) -> str:
    """Equal keys mean equal output bytes: everything the output depends on goes in.

    The reader named with ``--from`` goes in only when there is one, so a batch without it keeps
    the keys it had (a chosen reader follows from the bytes and the name, already in the key)."""
    parts = [__version__, input_sha256, item.name, list(item.overrides), accessed, writer, options_dict(options)]
    material = json.dumps(parts + ([reader] if reader else []), ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def inspect_key(input_sha256: str, item: InputItem, accessed: str | None, reader: str | None) -> str:
    """The key of an input's inspect page: what the document depends on, and the version."""
    parts = [__version__, input_sha256, item.name, list(item.overrides), accessed, INSPECT_FORMAT, reader]
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode("utf-8")).hexdigest()


def up_to_date(out_dir: Path, previous: InputReport | None, planned: Sequence[FormatJob],
               inspect: InspectJob | None = None) -> bool:
    """True when every planned output (and the inspect page, if planned) exists with the key and
    size the previous run recorded."""
    if previous is None or previous.status == "failed":
        return False
    recorded = {(o.format, o.path): o for o in previous.outputs}
    wanted = [(spec.writer.name, spec.path, spec.key) for spec in planned]
    if inspect is not None:
        wanted.append((INSPECT_FORMAT, inspect.path, inspect.key))
    for name, path, key in wanted:
        record = recorded.get((name, path))
        if record is None or record.key != key:
            return False
        try:
            if (out_dir / path).stat().st_size != record.size:
                return False
        except OSError:
            return False
    return True


@dataclass(kw_only=True)
class Planner:
    """Decides, input by input and in one pass, what each needs; remembers what ``--combine`` will."""

    out_dir: Path
    writers: tuple[Writer, ...]
    options: Mapping[str, WriterOptions]
    overrides: tuple[tuple[str, str], ...]
    accessed: str | None
    sidecar: Sidecar
    force: bool
    combine: bool
    names: OutputNames
    previous: dict[str, bytes]
    """Per source, the previous run's entry (compressed JSON); each is taken at most once."""
    reader: str | None = None
    """The reader every input is read with (``--from``); None: each input's own."""
    max_input_bytes: int | None = None
    """The input-size limit each job reads under (None: the default)."""
    review: bool = False
    """Plan each input's inspect page too (``--review``); ``names`` then assigns a ``.html`` name last."""
    keys: dict[int, dict[str, str]] = field(default_factory=dict)
    """Per input index, its outputs' keys by format (for the combined files' key)."""
    deferred: Spool[Job] | None = None
    """For ``--combine``: per up-to-date input, the job that gives its document back if needed."""

    def plan(self, index: int, item: InputItem) -> Job | InputReport:
        """The job for ``item``, or its report entry when there is nothing to run."""
        paths = self.names.assign(item.directory, item.stem) if item.stem is not None else ()
        if item.error is not None:
            return InputReport(source=item.source, status="failed", errors=(item.error,))
        input_sha256 = hashlib.sha256(item.data).hexdigest()
        overrides = (*self.overrides, *item.overrides, *sidecar_values(self.sidecar, item.keys))
        item = dataclasses.replace(item, overrides=overrides)
        inspect = None
        if self.review:
            inspect = InspectJob(path=f"{INSPECT_DIRECTORY}/{paths[-1]}", sidecar_key=item.keys[0] if item.keys
                                 else item.source, key=inspect_key(input_sha256, item, self.accessed, self.reader))
            paths = paths[:-1]
        formats = tuple(
            FormatJob(writer=w, options=self.options[w.name], path=path,
                      key=output_key(input_sha256, item, self.accessed, w.name, self.options[w.name],
                                     self.reader))
            for w, path in zip(self.writers, paths, strict=True))
        job = Job(index=index, source=item.source, name=item.name, data=item.data, overrides=overrides,
                  accessed=self.accessed, formats=formats, want_document=self.combine, reader=self.reader,
                  max_input_bytes=self.max_input_bytes, inspect=inspect)
        if self.combine:
            self.keys[index] = {f.writer.name: f.key for f in formats}
        packed = self.previous.pop(item.source, None)
        previous = unpack(packed) if packed is not None else None
        if self.force or previous is None or not up_to_date(self.out_dir, previous, formats, inspect):
            return job
        if self.deferred is not None:
            self.deferred.add(index, dataclasses.replace(job, formats=(), inspect=None))
        return dataclasses.replace(previous, status="skipped", input_sha256=input_sha256, timings={})
