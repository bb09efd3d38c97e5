"""The command line on hostile input: named errors, exit status 1, no traceback, the others converted.

Each command runs in a child process under a hard CPU-time limit (:func:`adversarial_support.run_cli`,
which also fails the test on any traceback).
"""

from __future__ import annotations

from pathlib import Path

import worst_cases as cases
from adversarial_support import run_cli

from citekit.nesting import MAX_NESTING


def test_a_long_line_converts_to_every_format_in_bounded_time(tmp_path: Path) -> None:
    article = tmp_path / "long.txt"
    article.write_text(cases.HEADER + cases.words(150_000) + "\n", encoding="utf-8")  # about 1 MB
    result = run_cli("convert", str(article), "--to", "pdf,epub,jats,citekit-json", "-o", str(tmp_path / "out"),
                     "-j", "1", "-q", seconds=120)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir() if not p.name.startswith(".")) == [
        "citekit-report.json", "long.citekit.json", "long.epub", "long.pdf", "long.xml"]


def test_malformed_document_json_names_line_and_column(tmp_path: Path) -> None:
    broken = tmp_path / "broken.citekit.json"
    broken.write_text('{"schema": "citekit-document/1",\n "metadata": {"title": "x",}\n}', encoding="utf-8")
    result = run_cli("normalise", str(broken), seconds=20)
    assert result.returncode == 1
    assert result.stdout == ""
    assert f"{broken}:2: not valid JSON" in result.stderr and "(column 28)" in result.stderr


def test_a_batch_of_hostile_inputs_converts_the_good_one(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "good.txt").write_text(cases.HEADER + "A paragraph of ordinary prose.\n", encoding="utf-8")
    (inputs / "deep.citekit.json").write_text(cases.json_quotes(450), encoding="utf-8")
    (inputs / "brackets.citekit.json").write_text(cases.json_brackets(100_000), encoding="utf-8")
    (inputs / "version.citekit.json").write_text('{"schema": "citekit-document/2"}', encoding="utf-8")
    (inputs / "surrogate.citekit.json").write_text(
        cases.document_json('[{"type": "paragraph", "inlines": [{"type": "str", "text": "\\ud800"}]}]'),
        encoding="utf-8")
    (inputs / "big.txt").write_text(cases.HEADER + cases.words(60_000), encoding="utf-8")  # 400 KB
    out = tmp_path / "out"
    result = run_cli("convert", str(inputs), "--to", "jats,pdf,csl-json", "-o", str(out), "-j", "1",
                     "--max-input-size", "300k", seconds=120)
    assert result.returncode == 1
    for name, reason in [("deep.citekit.json", f"nested deeper than {MAX_NESTING} levels"),
                         ("brackets.citekit.json", "JSON nested too deeply"),
                         ("version.citekit.json", "'citekit-document/2' is not a schema"),
                         ("surrogate.citekit.json", "lone surrogate U+D800"),
                         ("big.txt", "citekit reads inputs up to 300 KiB")]:
        assert f"{inputs / name}" in result.stderr and reason in result.stderr, (name, result.stderr)
    written = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    assert written == ["citekit-report.json", "good.csl.json", "good.pdf", "good.xml"]


def test_standard_input_over_the_limit_is_refused(tmp_path: Path) -> None:
    result = run_cli("normalise", "-", "--max-input-size", "1k", stdin=b"x" * 5000, seconds=20)
    assert result.returncode == 1
    assert "<stdin>: input is over 1 KiB, the most citekit reads" in result.stderr


def test_an_undecodable_set_value_is_a_usage_error(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text(cases.HEADER + "Prose.\n", encoding="utf-8")
    # Bytes the locale cannot decode reach Python as lone surrogates (surrogateescape).
    result = run_cli("convert", str(article), "--to", "ris", "-o", str(tmp_path / "out"),
                     "--set", "metadata.title=\udcff\udcfe", seconds=20)
    assert result.returncode == 2
    assert "--set metadata.title" in result.stderr and "not valid text" in result.stderr
