"""Batch conversion: many inputs, many formats, in parallel, resumable, with a report.

The public API is what this module exports; the modules behind it, one concern each:

- :mod:`~citekit.batch.inputs`, :mod:`~citekit.batch.datasets`, :mod:`~citekit.batch.sidecar`:
  files, directory walks, standard input, CSV/JSONL rows, values from a sidecar table;
- :mod:`~citekit.batch.plan`: one pass deciding output names, keys and what is up to date;
- :mod:`~citekit.batch.jobs`: the work function that runs in any worker;
- :mod:`~citekit.batch.executors`: this process, a process pool of our own, or the caller's executor;
- :mod:`~citekit.batch.files`: names that fit, whole files, paths inside OUT;
- :mod:`~citekit.batch.journal`: the journal, and reading the previous report and journal as JSON;
- :mod:`~citekit.batch.combine`: ``--combine``'s one file per bibliographic format;
- :mod:`~citekit.batch.report`: the report's values, JSON and strict reading;
- :mod:`~citekit.batch.run`: :func:`convert` and :func:`convert_one`.

The work runs on any :class:`concurrent.futures.Executor` (a process pool, ``dask.distributed``'s
``Client.get_executor()``, Ray's): the calling process walks the inputs, reads their bytes,
decides output names and whether each input is already up to date, and sends each job to a
worker with everything it needs, so workers need no shared file system. The calling process alone
writes files, each through a temporary file and a rename, under the output directory and never
outside it. A journal (``OUT/.citekit-journal.jsonl``) records each finished input as it lands,
so a killed batch resumes.
"""

from citekit.batch.combine import COMBINED_STEM
from citekit.batch.datasets import DatasetOptions, dataset_kind
from citekit.batch.executors import process_pool
from citekit.batch.files import atomic_write
from citekit.batch.inputs import ARTICLE_SUFFIXES, InputItem, count_inputs, input_files, iter_inputs
from citekit.batch.jobs import prepare_document
from citekit.batch.journal import JOURNAL_NAME
from citekit.batch.plan import resolve_options
from citekit.batch.report import (
    REPORT_NAME,
    BatchReport,
    InputReport,
    OutputRecord,
    ReportShapeError,
    ReviewItem,
    Totals,
    review_counts,
)
from citekit.batch.run import ProgressCallback, SingleResult, WarningCallback, convert, convert_one
from citekit.batch.sidecar import load_sidecar

__all__ = [
    "ARTICLE_SUFFIXES",
    "COMBINED_STEM",
    "JOURNAL_NAME",
    "REPORT_NAME",
    "BatchReport",
    "DatasetOptions",
    "InputItem",
    "InputReport",
    "OutputRecord",
    "ProgressCallback",
    "ReportShapeError",
    "ReviewItem",
    "SingleResult",
    "Totals",
    "WarningCallback",
    "atomic_write",
    "convert",
    "convert_one",
    "count_inputs",
    "dataset_kind",
    "input_files",
    "iter_inputs",
    "load_sidecar",
    "prepare_document",
    "process_pool",
    "resolve_options",
    "review_counts",
]
