"""What an inspect page shows, gathered once: the document, the lines the rules read, and the
kind and rule of each line.

Which lines those are depends on the reader:

- ``text``: the input as printed (decoded, line ends made LF), numbered as the normaliser numbers them;
- readers that extract blocks (``html``, ``markdown``, the pandoc formats): the text the
  normaliser's rules read, the blocks laid out as article text with the title the input states
  on line 1 (recorded while the reader runs, see
  :func:`citekit.readers._normalise_bridge.recording_runs`); a block the rules read as back matter
  or a dek stays in the body, and the marks say so;
- ``citekit-json`` (and a :class:`~citekit.model.Document` handed over alone): no text, only the
  roles its provenance records over the lines of the input it was first made from.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from citekit.inspector.kinds import kind_of
from citekit.model import Document, FieldSource, LineSpan
from citekit.readers._normalise_bridge import EndMatter


class Mark(NamedTuple):
    """A run of lines with one kind, given by one rule."""

    start: int
    """First line (1-based)."""
    end: int
    """Last line (inclusive)."""
    role: str
    """The provenance role (title, body, rights, removed, …)."""
    rule: str
    """The id of the rule that decided it."""
    kind: str
    """What the page calls it (:data:`citekit.inspector.kinds.KINDS`)."""
    read_as: str | None = None
    """For a block a reader kept in the body: the role and rule the text rules gave it."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Trace:
    """One input as inspect shows it."""

    document: Document
    """The document citekit made (with any values supplied)."""
    lines: tuple[str, ...] | None
    """The text the rules read, one entry per line; None when it is not known."""
    marks: tuple[Mark, ...]
    """Kinds over ``lines`` (or over the original input's lines when ``lines`` is None)."""
    origin: str
    """What the lines are, in a sentence."""
    source: str
    """The input as a command names it (a path as given)."""
    key: str
    """What a ``--metadata`` sidecar row names it by (its file name, or a dataset row's id)."""
    field_lines_are_text_lines: bool
    """True when provenance's field line numbers count ``lines`` (article text); for the other
    readers they count lines of the input file (front matter) and are shown unlinked."""
    text_rule_lines: Mapping[tuple[str, str], tuple[int, ...]] = field(default_factory=dict)
    """For readers that extract blocks: (field, rule) → the lines of ``lines`` a text rule read the
    field from (the document records ``text:RULE`` without them)."""

    @property
    def reader(self) -> str | None:
        return self.document.provenance.reader

    def lines_of(self, entry: FieldSource) -> tuple[tuple[int, ...], bool]:
        """The lines a provenance entry was read from, and whether they are lines of :attr:`lines`
        (else of the input file, such as front matter)."""
        if entry.rule.startswith("text:"):  # read by a text rule from the text shown
            return self.text_rule_lines.get((entry.field, entry.rule.removeprefix("text:")), ()), \
                self.lines is not None
        return entry.lines, self.field_lines_are_text_lines and self.lines is not None


def trace_path(path: str | Path, *, reader: str | None = None, overrides: Sequence[tuple[str, str]] = (),
               accessed: str | None = None, max_input_bytes: int | None = None) -> Trace:
    """Read ``path`` (never past the input-size limit; errors name it) and trace it."""
    from citekit.errors import InputError
    from citekit.readers.limits import read_limited

    path = Path(path)
    try:
        data = read_limited(path, max_input_bytes)
    except OSError as error:
        raise InputError(f"cannot read: {error.strerror or error}", path=path) from error
    try:
        return trace_bytes(data, name=path.name, source=str(path), reader=reader, overrides=overrides,
                           accessed=accessed, max_input_bytes=max_input_bytes)
    except InputError as error:
        error.path = str(path)
        raise


def trace_bytes(data: bytes, *, name: str, source: str | None = None, key: str | None = None,
                reader: str | None = None, overrides: Sequence[tuple[str, str]] = (),
                accessed: str | None = None, max_input_bytes: int | None = None) -> Trace:
    """Read ``data`` as the batch and the CLI read it (values supplied applied) and trace it."""
    from citekit.batch.jobs import read_document
    from citekit.readers._normalise_bridge import recording_runs

    with recording_runs() as runs:
        document, used = read_document(data, name, overrides, accessed, reader, max_input_bytes)
    return trace_read(document, used, data, runs, source=source or name, key=key or name)


def trace_read(document: Document, used: str, data: bytes, runs: Sequence[EndMatter], *, source: str,
               key: str) -> Trace:
    """The trace of a document the reader ``used`` just read from ``data`` (``runs``: the end-matter
    runs recorded while it ran)."""
    removed = _removed_reasons(document)
    if used == "text":
        text = _input_text(data, document.provenance.source_name)
        return Trace(document=document, lines=text, marks=_marks(document.provenance.lines, removed),
                     origin="The input as printed, line by line.", source=source, key=key,
                     field_lines_are_text_lines=True)
    if used != "citekit-json" and runs:
        run = runs[-1]
        lines = tuple(run.text.split("\n"))
        titled = run.spans[0][0] > 1 if run.spans else bool(run.text)
        origin = (f"The text the {used} reader extracted, laid out as the normaliser's rules read it: "
                  + ("line 1 is the title the input states, then " if titled else "")
                  + "each extracted block as a paragraph. Removed lines and provenance count these lines.")
        read_from = {(entry.field, entry.rule): entry.lines for entry in run.document.provenance.fields}
        return Trace(document=document, lines=lines, marks=_block_marks(run, removed), origin=origin,
                     source=source, key=key, field_lines_are_text_lines=False, text_rule_lines=read_from)
    return trace_document(document, source=source, key=key)


def trace_document(document: Document, *, text: str | None = None, source: str | None = None,
                   key: str | None = None) -> Trace:
    """The trace of a document on its own; ``text``: the article text it was normalised from."""
    name = document.provenance.source_name or "document"
    marks = _marks(document.provenance.lines, _removed_reasons(document))
    if text is not None:
        return Trace(document=document, lines=_split(text.replace("\r\n", "\n").replace("\r", "\n")),
                     marks=marks, origin="The article text, line by line.", source=source or name,
                     key=key or name, field_lines_are_text_lines=True)
    origin = ("A document read as it stands: no rule ran. Its provenance gives the roles of the lines "
              f"of {name}, the input it was made from, which it does not hold.")
    return Trace(document=document, lines=None, marks=marks, origin=origin, source=source or name,
                 key=key or name, field_lines_are_text_lines=False)


def _input_text(data: bytes, name: str | None) -> tuple[str, ...]:
    """The input decoded as the text reader decodes it, one entry per line."""
    from citekit.readers import gunzip
    from citekit.readers.text import decode_text

    return _split(decode_text(gunzip(data, name=name), name=name))


def _split(text: str) -> tuple[str, ...]:
    """Lines as the normaliser numbers them (only LF ends a line); a final line end opens no line."""
    lines = text.removeprefix("\ufeff").split("\n")
    if len(lines) > 1 and lines[-1] == "":
        lines.pop()
    return tuple(lines)


def _removed_reasons(document: Document) -> dict[int, str]:
    reasons: dict[int, str] = {}
    for item in document.removed:
        for number in range(item.start_line, item.end_line + 1):
            reasons.setdefault(number, item.reason)
    return reasons


def _marks(spans: Sequence[LineSpan], removed: dict[int, str]) -> tuple[Mark, ...]:
    return tuple(Mark(span.start_line, span.end_line, span.role, span.rule,
                      kind_of(span.role, span.rule, removed.get(span.start_line)))
                 for span in spans)


def _block_marks(run: EndMatter, removed: dict[int, str]) -> tuple[Mark, ...]:
    """Marks over the laid-out text: the rules' roles, except that a block the reader kept is body."""
    kept_line: set[int] = set()
    for (start, end), keep in zip(run.spans, run.keep, strict=True):
        if keep:
            kept_line.update(range(start, end + 1))
    per_line: list[Mark] = []
    for span in run.document.provenance.lines:
        for number in range(span.start_line, span.end_line + 1):
            if number in kept_line and span.role != "body":
                per_line.append(Mark(number, number, "body", "reader.kept-in-body", "body",
                                     read_as=f"{span.role} ({span.rule})"))
            else:
                per_line.append(Mark(number, number, span.role, span.rule,
                                     kind_of(span.role, span.rule, removed.get(number))))
    merged: list[Mark] = []
    for mark in per_line:
        last = merged[-1] if merged else None
        if last is not None and last[2:] == mark[2:]:  # spans run over the blank lines between their lines
            merged[-1] = last._replace(end=mark.end)
        else:
            merged.append(mark)
    return tuple(merged)
