"""How ``citekit convert -o OUT`` runs a batch on a terminal or in a log, and what it prints after.

Split from :mod:`citekit.cli` (paths, printing and exit codes stay in the command line's modules):
the progress bar or log lines, warnings, SIGTERM turned into a clean stop, the summary with the
review items counted by kind, and the exit code.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from citekit.cli import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_OUTPUT,
    EXIT_TERMINATED,
    _echo_error,
    _echo_warning,
    _fail_usage,
)


def echo_writer_diagnostics(entry: Any) -> None:
    """What a writer could not express, or supplied, for one input: one line each on stderr."""
    for item in entry.review:
        if item.format is not None:
            click.echo(f"citekit: {entry.source}: {item.format}: {item.field}: {item.detail}", err=True)


class _Terminated(BaseException):
    """SIGTERM, turned into an exception so the batch stops as cleanly as on Ctrl-C."""


def _raise_terminated(signum: int, frame: Any) -> None:
    raise _Terminated


def run_batch(inputs: Sequence[str], names: Sequence[str], out_dir: Path, options: dict[str, Any],
                   set_pairs: dict[str, str], accessed: str | None, *, recursive: bool, jobs: int | None,
                   quiet: bool, force: bool, combine: bool, metadata_table: Path | None, dataset: Any,
                   reader: str | None = None, max_input_bytes: int | None = None,
                   review: bool = False) -> int:
    """Run a batch with a progress bar (terminal) or log lines, then print the summary; the exit code."""
    from citekit import batch
    from citekit.errors import OptionError, OutputError

    interactive = sys.stderr.isatty() and not quiet
    done = 0
    total = batch.count_inputs(inputs, recursive=recursive)

    def log_line(entry: batch.InputReport) -> None:
        nonlocal done
        done += 1
        for error in entry.errors:
            _echo_error(error)
        if quiet:
            return
        outputs = ", ".join(o.path for o in entry.outputs) or "-"
        click.echo(f"citekit: [{done}/{total}] {entry.status} {entry.source} -> {outputs}", err=True)
        if entry.status == "converted":
            echo_writer_diagnostics(entry)

    def run(on_input: Any, on_warning: Any) -> Any:
        return batch.convert(inputs, names, out_dir, jobs, recursive=recursive, force=force, combine=combine,
                             options=options, overrides=set_pairs, accessed=accessed, metadata=metadata_table,
                             dataset=dataset, on_input=on_input, on_warning=on_warning, reader=reader,
                             max_input_bytes=max_input_bytes, review=review)

    previous = signal.signal(signal.SIGTERM, _raise_terminated) if _is_main_thread() else None
    try:
        report = _with_progress_bar(run, total) if interactive else run(log_line, _echo_warning)
    except OptionError as error:
        _fail_usage(str(error))
    except OutputError as error:
        _echo_error(str(error))
        return EXIT_OUTPUT
    except KeyboardInterrupt:
        _echo_error("interrupted; finished files are complete, rerun the same command to resume")
        return EXIT_INTERRUPTED
    except _Terminated:
        _echo_error("terminated; finished files are complete, rerun the same command to resume")
        return EXIT_TERMINATED
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    _print_summary(report, interactive)
    if report.stopped is not None:
        _echo_error(f"stopped: {report.stopped}")
        _echo_error("finished files are complete and journalled; once OUT can be written again, "
                    "rerun the same command to resume")
        return EXIT_OUTPUT
    return EXIT_FAILED if report.totals.failed else EXIT_OK


def _is_main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


def _with_progress_bar(run: Any, total: int) -> Any:
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        Task,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    class RateColumn(ProgressColumn):
        def render(self, task: Task) -> Text:
            speed = task.finished_speed or task.speed
            return Text(f"{speed:,.1f} articles/s" if speed else "… articles/s", style="progress.data.speed")

    console = Console(stderr=True)
    columns = (TextColumn("[progress.description]{task.description}"), BarColumn(), MofNCompleteColumn(),
               RateColumn(), TextColumn("elapsed"), TimeElapsedColumn(),
               TextColumn("ETA"), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=False) as progress:
        task = progress.add_task("converting", total=total)

        def advance(entry: Any) -> None:
            for error in entry.errors:
                progress.console.print(f"citekit: error: {error}", markup=False, highlight=False)
            progress.advance(task)

        def warn(message: str) -> None:
            progress.console.print(f"citekit: warning: {message}", markup=False, highlight=False)

        return run(advance, warn)


def _review_line(report: Any) -> str:
    """``review: 12 missing url, 3 supplied title, …; per input under "review" in OUT/citekit-report.json``."""
    from citekit.batch import review_counts

    counts = review_counts(report)
    page = f"; see {report.review_page}" if report.review_page else ""
    if not counts:
        return f"review: nothing to check{page}"
    shown = ", ".join(f"{count} {kind}" for kind, count in counts[:6])
    rest = sum(count for _, count in counts[6:])
    more = f", {rest} more of {len(counts) - 6} other kinds" if rest else ""
    where = f'per input under "review" in {report.path}' if report.path else "per input in the report"
    return f"review: {shown}{more}; {where}{page}"


def _print_summary(report: Any, interactive: bool) -> None:
    totals = report.totals
    rate = (totals.converted / totals.seconds) if totals.seconds else 0.0
    review = sum(len(entry.review) for entry in report.inputs)
    report_path = report.path or "not written (the journal keeps what was done)"
    if interactive:
        from rich.console import Console
        from rich.table import Table

        table = Table(title="citekit convert", show_header=True)
        for heading in ("converted", "failed", "skipped", "files written", "time", "rate", "review items"):
            table.add_column(heading, justify="right")
        table.add_row(str(totals.converted), str(totals.failed), str(totals.skipped), str(totals.outputs),
                      f"{totals.seconds:.2f} s", f"{rate:,.1f}/s", str(review))
        console = Console(stderr=True)
        console.print(table)
        console.print(_review_line(report), markup=False, highlight=False)
        console.print(f"report: {report_path}", markup=False, highlight=False)
        return
    click.echo(f"citekit: converted {totals.converted}, failed {totals.failed}, skipped {totals.skipped}, "
               f"files written {totals.outputs}, time {totals.seconds:.2f} s ({rate:,.1f}/s), "
               f"review items {review}; report: {report_path}", err=True)
    click.echo(f"citekit: {_review_line(report)}", err=True)
