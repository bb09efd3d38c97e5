"""``citekit inspect FILE``: what citekit decided about one input, as a page or on the terminal.

Split from :mod:`citekit.cli` (which imports this module to register the command): reading the
input, choosing the rendering (``-o PAGE.html``; on a terminal the rich rendering, else the page
on standard output; ``--format`` to choose), writing the page whole.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import click

from citekit.cli import (
    _FROM_HELP,
    EXIT_FAILED,
    EXIT_OK,
    EXIT_OUTPUT,
    _check_reader,
    _checked_date,
    _echo_error,
    _field_values,
    _max_input_size,
    main,
)


@main.command("inspect")
@click.argument("file")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the HTML page to this file.")
@click.option("--format", "shown", type=click.Choice(["auto", "html", "terminal", "tsv"]), default="auto",
              show_default=True,
              help="Without -o: auto shows the terminal rendering on a terminal and the page otherwise; "
                   "tsv prints the sidecar row (header and values) that would set every field.")
@click.option("--set", "overrides", multiple=True, metavar="FIELD=VALUE",
              help="Apply a correction first (see how it would look).")
@click.option("--accessed", metavar="DATE", help="Access date to record (metadata.accessed).")
@click.option("--from", "reader", metavar="READER", help=_FROM_HELP)
@_max_input_size
def inspect_command(file: str, output: Path | None, shown: str, overrides: Sequence[str], accessed: str | None,
                    reader: str | None, max_input_bytes: int | None) -> None:
    """Show what citekit decided about FILE: each line's kind and rule, the fields, what was removed,
    and the --set flags and sidecar row that correct each field (- reads stdin).

    The page is one HTML file that runs no script and loads nothing.
    """
    from citekit.errors import CitekitError
    from citekit.inspector import trace_bytes, trace_path
    from citekit.readers.limits import limit_or_default

    _check_reader(reader)
    values = tuple(_field_values(overrides).items())
    accessed = _checked_date(accessed)
    try:
        if file == "-":
            limit = limit_or_default(max_input_bytes)
            data = sys.stdin.buffer.read(limit + 1) if limit else sys.stdin.buffer.read()
            trace = trace_bytes(data, name="<stdin>", source="-", reader=reader, overrides=values,
                                accessed=accessed, max_input_bytes=max_input_bytes)
        else:
            trace = trace_path(file, reader=reader, overrides=values, accessed=accessed,
                               max_input_bytes=max_input_bytes)
    except CitekitError as error:
        _echo_error(str(error.with_path(file)))
        sys.exit(EXIT_FAILED)
    if output is not None or shown == "html" or (shown == "auto" and not sys.stdout.isatty()):
        from citekit.inspector.page import page

        html = page(trace).encode("utf-8", "replace")
        if output is None:
            sys.stdout.buffer.write(html)
        else:
            _write(output, html)
    elif shown == "tsv":
        from citekit.inspector.fields import document_fields, sidecar_table

        sys.stdout.write(sidecar_table(trace.key, [f for f in document_fields(trace.document) if f.settable]))
    else:
        from rich.console import Console

        from citekit.inspector.terminal import render

        render(trace, Console())
    sys.exit(EXIT_OK)


def _write(output: Path, data: bytes) -> None:
    from citekit.batch import atomic_write

    try:
        atomic_write(output, data)
    except OSError as error:
        _echo_error(f"{output}: cannot write: {error.strerror or error}")
        sys.exit(EXIT_OUTPUT)
