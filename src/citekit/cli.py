"""The ``citekit`` command line. File paths, printing and exit codes live here and nowhere else.

Exit codes: 0 everything converted, 1 some inputs failed (each named on stderr), 2 usage error.
Heavy modules (lxml, reportlab, the normaliser) are imported inside commands so that
``citekit --help`` starts fast.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import click

from citekit import __version__

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _fail_usage(message: str) -> None:
    raise click.UsageError(message)


def _echo_error(message: str) -> None:
    click.echo(f"citekit: error: {message}", err=True)


def _parse_pairs(pairs: Iterable[str], what: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            _fail_usage(f"{what} expects KEY=VALUE, got {pair!r}")
        out[key.strip()] = value
    return out


def _output_stem(name: str) -> str:
    """``a.txt`` → ``a``; ``a.citekit.json`` → ``a``; the stem never contains a path."""
    base = Path(name).name
    for suffix in (".citekit.json", ".json", ".txt", ".text", ".md"):
        if base.lower().endswith(suffix) and len(base) > len(suffix):
            return base[: -len(suffix)]
    return Path(base).stem or base or "document"


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename: never a partial file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _read_input(name: str) -> Any:
    """One input as a Document; ``-`` is standard input."""
    from citekit.readers import read_bytes, read_path

    if name == "-":
        return read_bytes(sys.stdin.buffer.read(), name="<stdin>")
    return read_path(Path(name))


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
@click.option("--set", "overrides", multiple=True, metavar="FIELD=VALUE", help="Override a field, e.g. metadata.title=…")
@click.option("--accessed", metavar="DATE", help="Access date to record (metadata.accessed).")
def normalise(file: str, overrides: Sequence[str], accessed: str | None) -> None:
    """Print the document JSON of FILE (article text or document JSON; - for stdin)."""
    from citekit.errors import CitekitError
    from citekit.serialise import dumps

    try:
        document = _prepare(_read_input(file), _parse_pairs(overrides, "--set"), accessed)
    except CitekitError as error:
        _echo_error(str(error.with_path(file)))
        sys.exit(EXIT_FAILED)
    sys.stdout.write(dumps(document))


@main.command(cls=_WriterFlags)
@click.argument("inputs", nargs=-1, required=True)
@click.option("--to", "formats", required=True, metavar="FMT[,FMT…]", help="Output formats (see `citekit formats`).")
@click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Output directory; without it one input and one format go to stdout.")
@click.option("-O", "writer_options", multiple=True, metavar="KEY=VALUE", help="A writer option (repeatable).")
@click.option("--set", "overrides", multiple=True, metavar="FIELD=VALUE", help="Override a document field.")
@click.option("--accessed", metavar="DATE", help="Access date to record (metadata.accessed).")
def convert(inputs: Sequence[str], formats: str, out_dir: Path | None, writer_options: Sequence[str],
            overrides: Sequence[str], accessed: str | None, **flags: str | None) -> None:
    """Convert INPUTS (article text or document JSON; - for stdin) to one or more formats."""
    from citekit.errors import CitekitError
    from citekit.writers import get_writer, parse_options, write_bytes

    names = [f.strip() for f in formats.split(",") if f.strip()]
    try:
        writers = [get_writer(n) for n in names]
    except CitekitError as error:
        _fail_usage(str(error))
    raw_options = _parse_pairs(writer_options, "-O")
    for key, value in flags.items():
        if value is not None:
            raw_options[key.removeprefix("_flag_")] = value
    options = {}
    for writer in writers:
        accepted = {k: v for k, v in raw_options.items()
                    if k.replace("-", "_") in writer.options_type.__dataclass_fields__}
        try:
            options[writer.name] = parse_options(writer.options_type, accepted)
        except CitekitError as error:
            _fail_usage(f"{writer.name}: {error}")
    unknown = [k for k in raw_options if not any(k.replace("-", "_") in w.options_type.__dataclass_fields__ for w in writers)]
    if unknown:
        _fail_usage(f"option(s) {', '.join(unknown)} not known to {', '.join(names)}")
    set_pairs = _parse_pairs(overrides, "--set")

    to_stdout = out_dir is None
    if to_stdout and (len(inputs) != 1 or len(writers) != 1):
        _fail_usage("several inputs or formats need an output directory (-o DIR)")
    if to_stdout and writers[0].binary and sys.stdout.isatty():
        _fail_usage(f"{writers[0].name} output is binary: use -o DIR or redirect stdout")

    failed = 0
    taken: set[Path] = set()
    for name in inputs:
        try:
            document = _prepare(_read_input(name), set_pairs, accessed)
            results = []
            for writer in writers:
                data, diagnostics = write_bytes(document, writer, options[writer.name])
                results.append((writer, data, diagnostics))
        except CitekitError as error:
            _echo_error(str(error.with_path(name)))
            failed += 1
            continue
        for writer, data, diagnostics in results:
            for diagnostic in diagnostics:
                click.echo(f"citekit: {name}: {writer.name}: {diagnostic.field}: {diagnostic.message}", err=True)
            if to_stdout:
                sys.stdout.buffer.write(data)
                sys.stdout.buffer.flush()
                continue
            assert out_dir is not None
            stem = _output_stem("stdin" if name == "-" else name)
            target = out_dir / f"{stem}{writer.suffix}"
            counter = 2
            while target in taken:
                target = out_dir / f"{stem}-{counter}{writer.suffix}"
                counter += 1
            taken.add(target)
            atomic_write(target, data)
    sys.exit(EXIT_FAILED if failed else EXIT_OK)


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


if __name__ == "__main__":  # pragma: no cover
    main()
