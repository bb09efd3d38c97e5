"""citekit: turn scraped article text into well-formed publications and citations.

The documented Python API::

    import citekit

    document = citekit.normalise_file("article.txt")          # or normalise_text(text, name=...)
    page = citekit.inspect("article.txt")                      # HTML: each line's role and rule, fields
    xml = citekit.write(document, "jats", tagset="archiving")  # bytes
    report = citekit.convert(["articles/"], to=["jats", "epub"], out_dir="out", jobs=4)

``convert`` accepts any :class:`concurrent.futures.Executor` (``executor=client.get_executor()``
runs the batch on a ``dask.distributed`` cluster). Everything heavy is imported on first use, so
``import citekit`` stays cheap.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from citekit._version import __version__

if TYPE_CHECKING:
    from concurrent.futures import Executor

    from citekit.batch import BatchReport, DatasetOptions, ProgressCallback, WarningCallback
    from citekit.model import Document
    from citekit.writers import Writer, WriterOptions


def normalise_text(text: str, *, name: str | None = None, max_input_bytes: int | None = None) -> Document:
    """The document the normaliser reads from article ``text`` (``name`` is recorded as its source).

    Raises :class:`~citekit.errors.InputError` for text over ``max_input_bytes`` of UTF-8 (None:
    the default, 64 MiB; 0: no limit) or holding a lone surrogate.
    """
    from citekit.readers import read_text

    return read_text(text, name=name, max_bytes=max_input_bytes)


def normalise_file(path: str | Path, *, max_input_bytes: int | None = None) -> Document:
    """The document in ``path``: article text through the normaliser, or citekit document JSON as it is."""
    from citekit.readers import read_path

    return read_path(Path(path), max_bytes=max_input_bytes)


def inspect(document_or_path: Document | str | Path, *, text: str | None = None) -> str:
    """The inspect page (HTML) of the input at a path, or of a document: every line the rules read
    with its kind, rule and reason, the fields and where each came from, what was removed, and the
    ``--set`` flags and sidecar row that would correct each field. The page runs no script and
    loads nothing. For a document, ``text`` is the article text it was normalised from (its lines
    are then shown); without it the page shows the roles its provenance records."""
    from citekit.inspector import inspect_html

    return inspect_html(document_or_path, text=text)


def write(document: Document, writer_name: str, **options: Any) -> bytes:
    """``document`` in the format ``writer_name``; options as keywords (``paper="a4"``) or strings.

    Raises :class:`~citekit.errors.OptionError` for an unknown format or option and
    :class:`~citekit.errors.WriterError` when the format cannot hold the document. Diagnostics
    (content the format could not express) are available from :func:`citekit.writers.write_bytes`.
    """
    from citekit.batch import resolve_options
    from citekit.writers import get_writer, write_bytes

    writer = get_writer(writer_name)
    data, _ = write_bytes(document, writer, resolve_options(writer, options))
    return data


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
    """Convert files, directories and datasets to every format in ``to``, under ``out_dir``.

    See :func:`citekit.batch.convert`. Returns the :class:`~citekit.batch.BatchReport` that is also
    written to ``out_dir/citekit-report.json``; inputs that fail are in it, not raised, and so is
    why a batch stopped early (``report.stopped``: a full disk). ``on_warning`` receives what the
    batch skipped or ignored (a FIFO in a walked tree, a previous report it could not trust).
    ``reader`` reads every input with that reader (as ``--from``; see :mod:`citekit.readers`).
    ``review`` also writes ``out_dir/citekit-review.html`` and each input's inspect page (``--review``).
    """
    from citekit import batch

    return batch.convert(inputs, to, out_dir, jobs, executor, recursive=recursive, force=force,
                         combine=combine, options=options, overrides=overrides, accessed=accessed,
                         metadata=metadata, dataset=dataset, on_input=on_input, on_warning=on_warning,
                         reader=reader, max_input_bytes=max_input_bytes, review=review)


def cite(
    documents: Document | Sequence[Document],
    style: str = "apa",
    markup: str = "text",
    *,
    locale: str | None = None,
    in_text: bool = False,
    cache_dir: str | Path | None = None,
) -> str:
    """The formatted bibliography of ``documents`` in a CSL ``style`` (pandoc's citeproc).

    ``style`` is a short name (``mla``), a style id (``apa``) or a path to a ``.csl`` file;
    ``markup`` is ``text``, ``html`` or ``markdown``; ``in_text`` gives each document's in-text
    citation instead (the first full note for note styles); ``cache_dir`` keeps formatted entries
    there for the next call (nothing is written without it). See :mod:`citekit.citations`.
    """
    from citekit.citations import cite as format_bibliography

    return format_bibliography(documents, style, markup, locale=locale, in_text=in_text,  # type: ignore[arg-type]
                               cache_dir=cache_dir)


def __getattr__(name: str) -> Any:
    # The report types live in citekit.batch; loading them only when asked keeps `import citekit` light.
    if name in {"BatchReport", "InputReport", "OutputRecord", "ReviewItem", "DatasetOptions"}:
        from citekit import batch

        return getattr(batch, name)
    raise AttributeError(f"module 'citekit' has no attribute {name!r}")


__all__ = [
    "BatchReport",
    "DatasetOptions",
    "InputReport",
    "OutputRecord",
    "ReviewItem",
    "__version__",
    "cite",
    "convert",
    "inspect",
    "normalise_file",
    "normalise_text",
    "write",
]
