"""Adversarial batch suite: hostile datasets, paths, full disks, killed runs, files a rerun cannot trust.

Every case runs the command line in a subprocess, as a user would, under a hard time limit (the
subprocess's timeout, and pytest-timeout around the whole case): a hang fails the case instead of
blocking the suite. Each asserts the outcome a careful user expects: the bad part named (file,
row, line), the rest converted, no traceback, the exit status the README documents.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from citekit.batch import JOURNAL_NAME, REPORT_NAME
from conftest import CORPUS, IN_CI, corpus_files

SAMPLE = corpus_files()[:4]
TEXT = SAMPLE[0].read_text(encoding="utf-8")
EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_OUTPUT = 0, 1, 2, 3


def cli(*args: str | Path, timeout: float = 120, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    """``citekit ARGS`` in a fresh process; a run past ``timeout`` seconds fails the case."""
    result = subprocess.run([sys.executable, "-m", "citekit.cli", *map(str, args)], capture_output=True,
                            text=True, timeout=timeout, input=stdin.decode() if stdin else None)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def report_of(out: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads((out / REPORT_NAME).read_text(encoding="utf-8"))
    return data


def entries(out: Path) -> list[dict[str, object]]:
    inputs = report_of(out)["inputs"]
    assert isinstance(inputs, list)
    return inputs


def outputs_under(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.name not in {REPORT_NAME, JOURNAL_NAME}}


def article_folder(tmp_path: Path, files: list[Path] = SAMPLE, name: str = "in") -> Path:
    folder = tmp_path / name
    folder.mkdir()
    for f in files:
        shutil.copyfile(f, folder / f.name)
    return folder


# --------------------------------------------------------------------------------------------
# Datasets: a bad row fails alone


@pytest.mark.timeout(120)
def test_csv_row_that_is_not_utf8_fails_alone_named_by_row_and_line(tmp_path: Path) -> None:
    data = tmp_path / "news.csv"
    with data.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["id", "text"])
        writer.writerow(["a", TEXT])
        writer.writerow(["b", "PLACEHOLDER"])
        writer.writerow(["c", "A two-line\nquoted cell, then the next row"])
        writer.writerow(["d", SAMPLE[1].read_text(encoding="utf-8")])
    raw = data.read_bytes().replace(b"PLACEHOLDER", b"caf\xe9 au lait, Windows-1252 bytes")
    data.write_bytes(raw)
    out = tmp_path / "out"
    result = cli("convert", data, "--id-column", "id", "--to", "citekit-json", "-o", out, "--jobs", "1")
    assert result.returncode == EXIT_FAILED, result.stderr
    by_source = {e["source"]: e for e in entries(out)}
    assert [e["status"] for e in entries(out)] == ["converted", "failed", "converted", "converted"]
    error = by_source[f"{data.as_posix()}#2"]["errors"][0]  # type: ignore[index]
    line_of_b = raw[: raw.index(b"caf\xe9")].count(b"\n") + 1
    assert f"row 2 (line {line_of_b})" in error and "0xE9" in error and "UTF-8" in error
    assert sorted(outputs_under(out)) == ["a.citekit.json", "c.citekit.json", "d.citekit.json"]


@pytest.mark.timeout(60)
def test_csv_whose_header_is_not_utf8_fails_as_a_whole_with_its_name(tmp_path: Path) -> None:
    data = tmp_path / "legacy.csv"
    data.write_bytes(b"id,t\xe9xt\n1,hello\n")
    result = cli("convert", data, "--to", "citekit-json", "-o", tmp_path / "out")
    assert result.returncode == EXIT_FAILED
    assert f"{data.as_posix()}: header row: not valid UTF-8 (byte 0xE9)" in result.stderr


@pytest.mark.timeout(60)
def test_csv_row_with_more_cells_than_columns_fails_rather_than_losing_text(tmp_path: Path) -> None:
    data = tmp_path / "shifted.csv"
    with data.open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream, lineterminator="\n").writerows([["id", "text"], ["1", TEXT]])
        stream.write("2,unquoted, comma, text\n")
    result = cli("convert", data, "--to", "citekit-json", "-o", tmp_path / "out")
    assert result.returncode == EXIT_FAILED
    assert "row 2 (line " in result.stderr and "4 cells but the header has 2 columns" in result.stderr
    assert [e["status"] for e in entries(tmp_path / "out")] == ["converted", "failed"]


HOSTILE_JSONL_ROWS = {
    "lone surrogate in the text": b'{"text": "A title\\n\\nBody \\ud800 text."}',
    "lone low surrogate in the id": b'{"id": "\\udc00x", "text": "A title\\n\\nBody text."}',
    "lone surrogate in a mapped column": b'{"text": "A title\\n\\nBody text.", "link": "https://x.org/\\udfff"}',
    "100,000 nested brackets": b"[" * 100_000 + b"]" * 100_000,
    "nested objects in the text column": b'{"text": ' + b'{"a": ' * 5000 + b"1" + b"}" * 5000 + b"}",
    "not UTF-8": b'{"text": "caf\xe9"}',
    "not JSON": b"{text: 1}",
    "a JSON array": b"[1, 2]",
}


@pytest.mark.timeout(120)
def test_jsonl_rows_that_cannot_be_read_fail_alone(tmp_path: Path) -> None:
    data = tmp_path / "scrape.jsonl"
    good = json.dumps({"id": "good", "text": TEXT}).encode()
    last = json.dumps({"id": "last", "text": SAMPLE[1].read_text("utf-8")}).encode()
    data.write_bytes(b"\n".join([good, *HOSTILE_JSONL_ROWS.values(), last]) + b"\n")
    out = tmp_path / "out"
    result = cli("convert", data, "--id-column", "id", "--column", "link=url", "--to", "citekit-json,jats",
                 "-o", out, "--jobs", "2")
    assert result.returncode == EXIT_FAILED, result.stderr
    statuses = [e["status"] for e in entries(out)]
    assert statuses == ["converted", *["failed"] * len(HOSTILE_JSONL_ROWS), "converted"]
    errors = [e["errors"][0] for e in entries(out)[1:-1]]  # type: ignore[index]
    for number, (case, error) in enumerate(zip(HOSTILE_JSONL_ROWS, errors, strict=True), start=2):
        assert f"row {number} (line {number})" in error, (case, error)
    assert "lone surrogate (U+D800)" in errors[0] and "not valid Unicode" in errors[0]
    assert "lone surrogate (U+DFFF)" in errors[2]
    assert "nested too deeply" in errors[3] and "nested too deeply" in errors[4]
    assert "not valid UTF-8 (byte 0xE9" in errors[5]
    assert "not JSON" in errors[6] and "not a JSON object" in errors[7]
    assert sorted(outputs_under(out)) == ["good.citekit.json", "good.xml", "last.citekit.json", "last.xml"]


@pytest.mark.timeout(120)
def test_document_json_that_cannot_be_read_fails_that_input_only(tmp_path: Path) -> None:
    folder = article_folder(tmp_path, SAMPLE[:2])
    (folder / "deep.citekit.json").write_text('{"schema": "citekit-document/1", "x": ' + "[" * 100_000
                                              + "]" * 100_000 + "}", encoding="utf-8")
    (folder / "surrogate.citekit.json").write_text('{"schema": "citekit-document/1", "metadata": '
                                                   '{"title": "\\ud800"}}', encoding="utf-8")
    out = tmp_path / "out"
    result = cli("convert", folder, "--to", "jats,citekit-json", "-o", out, "--jobs", "1")
    assert result.returncode == EXIT_FAILED
    status = {Path(str(e["source"])).name: e["status"] for e in entries(out)}
    assert status[SAMPLE[0].name] == status[SAMPLE[1].name] == "converted"
    assert status["deep.citekit.json"] == status["surrogate.citekit.json"] == "failed"


# --------------------------------------------------------------------------------------------
# Walking: nothing blocks, nothing vanishes without a word


@pytest.mark.timeout(60)
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
@pytest.mark.parametrize("recursive", [False, True])
def test_a_fifo_in_a_walked_tree_is_skipped_with_a_warning(tmp_path: Path, recursive: bool) -> None:
    folder = article_folder(tmp_path, SAMPLE[:2])
    (folder / "sub").mkdir()
    os.mkfifo(folder / "pipe.txt")
    os.mkfifo(folder / "sub" / "deep-pipe.txt")
    out = tmp_path / "out"
    result = cli("convert", folder, *(["-r"] if recursive else []), "--to", "citekit-json", "-o", out,
                 timeout=60)
    assert result.returncode == EXIT_OK, result.stderr
    assert f"warning: {(folder / 'pipe.txt').as_posix()}: skipped: a FIFO (named pipe), not a regular file" \
        in result.stderr
    assert ("deep-pipe.txt" in result.stderr) is recursive
    assert [e["status"] for e in entries(out)] == ["converted", "converted"]
    assert any("pipe.txt" in str(w) for w in report_of(out)["warnings"])  # type: ignore[attr-defined]


@pytest.mark.timeout(60)
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_named_explicitly_without_a_writer_fails_instead_of_blocking(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")
    result = cli("convert", tmp_path / "pipe.txt", SAMPLE[0], "--to", "citekit-json", "-o", tmp_path / "out",
                 timeout=60)
    assert result.returncode == EXIT_FAILED
    assert "pipe.txt: read nothing: a FIFO (named pipe) with no writer" in result.stderr


@pytest.mark.timeout(60)
def test_a_dangling_symlink_is_a_failed_input_naming_its_target(tmp_path: Path) -> None:
    folder = article_folder(tmp_path, SAMPLE[:2])
    (folder / "gone.txt").symlink_to(tmp_path / "deleted-long-ago.txt")
    out = tmp_path / "out"
    result = cli("convert", folder, tmp_path / "in" / "gone.txt", "--to", "citekit-json", "-o", out)
    assert result.returncode == EXIT_FAILED
    failed = [e for e in entries(out) if e["status"] == "failed"]
    assert len(failed) == 2
    assert all("dangling symbolic link (to " in e["errors"][0] for e in failed)  # type: ignore[index]
    assert "deleted-long-ago.txt" in result.stderr


@pytest.mark.timeout(60)
def test_inputs_that_vanish_mid_batch_are_failed_entries(tmp_path: Path) -> None:
    # A callback deletes later inputs once the first has landed: they were listed, then gone.
    folder = article_folder(tmp_path, SAMPLE)
    script = (
        "import sys, citekit\n"
        "from pathlib import Path\n"
        "folder, out = Path(sys.argv[1]), sys.argv[2]\n"
        "def gone(entry):\n"
        "    for p in sorted(folder.iterdir())[2:]: p.unlink(missing_ok=True)\n"
        "report = citekit.convert([folder], to=['citekit-json'], out_dir=out, jobs=1, on_input=gone)\n"
        "print([(e.status, e.errors) for e in report.inputs])\n")
    result = subprocess.run([sys.executable, "-c", script, str(folder), str(tmp_path / "out")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    outcome = eval(result.stdout)  # a list of (status, errors) tuples printed above
    assert [status for status, _ in outcome] == ["converted", "converted", "failed", "failed"]
    assert all("vanished before it could be read" in errors[0] for _, errors in outcome[2:])


@pytest.mark.timeout(60)
@pytest.mark.parametrize("content", ["empty", "only other suffixes"])
def test_a_batch_that_finds_no_input_fails_naming_what_it_looked_for_as_cite_does(
        tmp_path: Path, content: str) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    if content != "empty":
        (folder / "scan.pdf").write_bytes(b"%PDF-1.4")
        (folder / "photo.png").write_bytes(b"\x89PNG")
        (folder / "sub").mkdir()
        (folder / "sub" / "a.txt").write_text(TEXT, encoding="utf-8")
    convert = cli("convert", folder, "--to", "citekit-json", "-o", tmp_path / "out")
    cite = cli("cite", folder)
    for result in (convert, cite):
        assert result.returncode == EXIT_FAILED
        assert f"{folder.as_posix()}: no article files (*.citekit.json, *.txt, *.text, *.md, *.docx, *.epub, " \
            "*.htm, *.htm.gz, *.html, *.html.gz, *.jats, *.jats.xml, *.latex, *.markdown, *.mdown, *.mkd, " \
            "*.odt, *.org, *.rest, *.rst, *.tex, *.xhtml) in this directory" in result.stderr
    if content != "empty":
        assert "other files ignored: 1 .pdf, 1 .png; it has sub-directories: -r walks them" in convert.stderr
    assert "converted 0, failed 1" in convert.stderr


# --------------------------------------------------------------------------------------------
# Names that fit the file system


@pytest.mark.timeout(120)
def test_long_cjk_and_decomposed_names_are_cut_to_255_bytes_not_lost(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    cjk = "東京の新しい記事について" * 6 + "記事" * 5 + "abcde"  # 251 bytes: with .txt, the longest name there is
    decomposed = "Cafe\u0301 " * 30  # combining accents (NFD, as macOS writes names), 210 bytes
    for name in (cjk, decomposed.strip()):
        (folder / f"{name}.txt").write_text(TEXT, encoding="utf-8")
    data = tmp_path / "rows.csv"
    with data.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["id", "text"])
        writer.writerow(["記事" * 150, TEXT])
        writer.writerow(["記事" * 150 + "別", TEXT])  # the same first 255 bytes: a distinct name all the same
    out = tmp_path / "out"
    result = cli("convert", folder, data, "--id-column", "id", "--to", "citekit-json,bibtex", "-o", out)
    assert result.returncode == EXIT_OK, result.stderr
    names = sorted(outputs_under(out))
    assert len(names) == 8 and len({n.casefold() for n in names}) == 8
    assert all(len(n.encode("utf-8")) <= 255 - len(".NAME..4294967295.part") + len("NAME") for n in names)
    assert any(n.startswith("東京の新しい記事") for n in names)
    assert any(n.startswith("Café_Café") or n.startswith("Cafe\u0301") for n in names)


# --------------------------------------------------------------------------------------------
# Output places that cannot be written


def _namespace_prefix() -> list[str]:
    """A private mount namespace (root: unshare -m; others: a user namespace), or skip/fail."""
    for prefix in (["unshare", "-m"], ["unshare", "-rm"]):
        if shutil.which("unshare") and subprocess.run([*prefix, "true"], capture_output=True).returncode == 0:
            return prefix
    if IN_CI:
        pytest.fail("CI needs `unshare -m` (root) to mount the small and read-only file systems these cases use")
    pytest.skip("cannot make a private mount namespace here (unshare -m)")


def in_namespace(script: str, timeout: float = 300, **env: str) -> subprocess.CompletedProcess[str]:
    """Run a shell ``script`` in a private mount namespace (its mounts vanish with it)."""
    command = [*_namespace_prefix(), "sh", "-c", script]
    variables = {**os.environ, "PY": sys.executable, **env}
    result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=variables)
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout, result.stdout + result.stderr
    return result


@pytest.mark.timeout(120)
def test_read_only_places_are_clean_errors_for_convert_and_cite(tmp_path: Path) -> None:
    place = tmp_path / "ro"
    place.mkdir()
    script = (
        'mount -t tmpfs -o ro,size=1m tmpfs "$RO" || exit 99\n'
        'for out in "$RO" "$RO/new/out"; do\n'
        '  "$PY" -m citekit.cli convert "$IN" --to citekit-json -o "$out"; echo "convert=$?"\n'
        'done\n'
        '"$PY" -m citekit.cli cite "$IN" -o "$RO/refs.txt"; echo "cite=$?"\n')
    result = in_namespace(script, RO=str(place), IN=str(SAMPLE[0]))
    assert result.returncode == 0 and "convert=3\nconvert=3\ncite=3" in result.stdout, result.stdout + result.stderr
    assert f"cannot write the journal {place.as_posix()}/{JOURNAL_NAME}: Read-only file system" in result.stderr
    assert f"cannot create {place.as_posix()}/new/out: Read-only file system" in result.stderr
    assert f"{place}/refs.txt: cannot write: Read-only file system" in result.stderr


@pytest.mark.timeout(60)
def test_output_under_a_file_or_over_a_file_is_a_clean_error(tmp_path: Path) -> None:
    a_file = tmp_path / "file.txt"
    a_file.write_text("x", encoding="utf-8")
    under = cli("convert", SAMPLE[0], "--to", "citekit-json", "-o", a_file / "out")
    over = cli("convert", SAMPLE[0], "--to", "citekit-json", "-o", a_file)
    assert under.returncode == over.returncode == EXIT_OUTPUT
    assert "a part of its path is a file" in under.stderr
    assert f"{a_file.as_posix()} exists and is not a directory" in over.stderr
    assert a_file.read_text(encoding="utf-8") == "x"


@pytest.mark.timeout(60)
@pytest.mark.parametrize("name", [REPORT_NAME, JOURNAL_NAME])
def test_a_report_or_journal_path_that_is_a_directory_stops_before_converting(tmp_path: Path, name: str) -> None:
    out = tmp_path / "out"
    (out / name).mkdir(parents=True)
    result = cli("convert", SAMPLE[0], "--to", "citekit-json", "-o", out)
    assert result.returncode == EXIT_OUTPUT
    assert f"{(out / name).as_posix()} is not a regular file: move it away" in result.stderr
    assert sorted(p.name for p in out.iterdir()) == [name]


@pytest.mark.timeout(600)
def test_a_full_disk_stops_the_batch_cleanly_and_a_rerun_resumes(tmp_path: Path) -> None:
    folder = article_folder(tmp_path, corpus_files())
    place, kept = tmp_path / "small", tmp_path / "kept"
    place.mkdir()
    kept.mkdir()
    script = (
        'mount -t tmpfs -o size=256k tmpfs "$SMALL" || exit 99\n'
        '"$PY" -m citekit.cli convert "$IN" --to citekit-json,jats -o "$SMALL/out" --jobs 2 -q\n'
        'echo "first=$?"\n'
        'cp -a "$SMALL/out" "$KEPT/stopped"\n'
        'mount -o remount,size=64m "$SMALL" || exit 98\n'
        '"$PY" -m citekit.cli convert "$IN" --to citekit-json,jats -o "$SMALL/out" --jobs 2 -q\n'
        'echo "second=$?"\n'
        'cp -a "$SMALL/out" "$KEPT/resumed"\n')
    result = in_namespace(script, SMALL=str(place), IN=str(folder), KEPT=str(kept))
    assert "first=3" in result.stdout and "second=0" in result.stdout, result.stdout + result.stderr
    assert "No space left on device" in result.stderr and "rerun the same command to resume" in result.stderr

    stopped = kept / "stopped"
    assert not [p for p in stopped.rglob("*") if p.name.endswith(".part")]
    lines = (stopped / JOURNAL_NAME).read_bytes().splitlines()
    journalled = [json.loads(line) for line in lines if line.strip()]  # every line whole
    assert journalled and all(e["status"] == "converted" for e in journalled)
    for entry in journalled:  # what the journal lists is on disk, whole
        for output in entry["outputs"]:
            assert (stopped / output["path"]).stat().st_size == output["size"]
    if (stopped / REPORT_NAME).exists():  # written when the space freed by the stop allowed it
        partial = json.loads((stopped / REPORT_NAME).read_text(encoding="utf-8"))
        assert "No space left on device" in partial["stopped"]
    else:
        assert "the report could not be written" in result.stderr

    resumed = kept / "resumed"
    final = json.loads((resumed / REPORT_NAME).read_text(encoding="utf-8"))
    assert final["totals"]["skipped"] >= len(journalled) and final.get("stopped") is None
    assert not (resumed / JOURNAL_NAME).exists()
    clean = tmp_path / "clean"
    assert cli("convert", folder, "--to", "citekit-json,jats", "-o", clean, "-q").returncode == EXIT_OK
    assert outputs_under(resumed) == outputs_under(clean)


# --------------------------------------------------------------------------------------------
# What a rerun reads: never trusted blindly, never blocking


def _run_twice(tmp_path: Path, spoil: str, content: bytes) -> tuple[subprocess.CompletedProcess[str], Path]:
    out = tmp_path / "out"
    first = cli("convert", *SAMPLE[:3], "--to", "citekit-json", "-o", out, "--jobs", "1")
    assert first.returncode == EXIT_OK
    (out / spoil).write_bytes(content)
    return cli("convert", *SAMPLE[:3], "--to", "citekit-json", "-o", out, "--jobs", "1"), out


def _report_with(change: str) -> bytes:
    base = {"schema": "citekit-batch-report/1", "inputs": [
        {"source": SAMPLE[0].as_posix(), "status": "converted", "outputs": []}]}
    spoiled: object
    if change == "extra top key":
        spoiled = {**base, "from_a_later_version": True}
    elif change == "extra entry key":
        spoiled = {**base, "inputs": [{**base["inputs"][0], "priority": 1}]}  # type: ignore[index, dict-item]
    elif change == "wrong types":
        spoiled = {**base, "inputs": [{"source": 3, "status": "converted", "outputs": "x"}]}
    elif change == "unknown schema":
        spoiled = {**base, "schema": "citekit-batch-report/9"}
    elif change == "an array":
        spoiled = [base]
    else:
        raise AssertionError(change)
    return json.dumps(spoiled).encode("utf-8")


SPOILED_REPORTS = {
    "not JSON": b"{this is not json",
    "empty": b"",
    "binary": b"\x00\xff\xfe garbage",
    "lone surrogate": b'{"schema": "citekit-batch-report/1", "inputs": [{"source": "\\ud800", "status": "failed"}]}',
    "deep nesting": b'{"schema": "citekit-batch-report/1", "x": ' + b"[" * 100_000 + b"]" * 100_000
                    + b', "inputs": []}',
    **{change: _report_with(change) for change in
       ("extra top key", "extra entry key", "wrong types", "unknown schema", "an array")},
}


@pytest.mark.timeout(120)
@pytest.mark.parametrize("case", list(SPOILED_REPORTS))
def test_a_report_of_unexpected_shape_is_ignored_with_a_warning(tmp_path: Path, case: str) -> None:
    result, out = _run_twice(tmp_path, REPORT_NAME, SPOILED_REPORTS[case])
    assert result.returncode == EXIT_OK, result.stderr
    if case in {"extra entry key", "wrong types", "lone surrogate"}:
        assert "entries ignored (the first: entry 1:" in result.stderr
    else:
        assert f"warning: {(out / REPORT_NAME).as_posix()}: ignored (" in result.stderr, result.stderr
    assert "converted again" in result.stderr
    report = report_of(out)
    assert report["totals"]["converted"] == 3  # type: ignore[index]
    assert any("converted again" in w for w in report["warnings"])  # type: ignore[attr-defined]


SPOILED_JOURNALS = {
    "garbage lines": b"not json\n{\"source\": 1}\n[]\n",
    "extra keys": json.dumps({"source": SAMPLE[0].as_posix(), "status": "converted", "outputs": [],
                              "later": 1}).encode() + b"\n",
    "deep nesting": b"[" * 100_000 + b"]" * 100_000 + b"\n",
    "lone surrogate": b'{"source": "\\udfff", "status": "failed"}\n',
    "not UTF-8": b'{"source": "caf\xe9", "status": "failed"}\n',
}


@pytest.mark.timeout(120)
@pytest.mark.parametrize("case", list(SPOILED_JOURNALS))
def test_a_journal_of_unexpected_shape_is_ignored_with_a_warning(tmp_path: Path, case: str) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / JOURNAL_NAME).write_bytes(SPOILED_JOURNALS[case])
    result = cli("convert", *SAMPLE[:3], "--to", "citekit-json", "-o", out, "--jobs", "1")
    assert result.returncode == EXIT_OK, result.stderr
    assert f"{(out / JOURNAL_NAME).as_posix()}: " in result.stderr and "lines ignored (the first: line 1:" \
        in result.stderr
    assert report_of(out)["totals"]["converted"] == 3  # type: ignore[index]
    assert not (out / JOURNAL_NAME).exists()


@pytest.mark.timeout(120)
def test_a_torn_last_journal_line_is_skipped_quietly_and_the_rest_is_kept(tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = cli("convert", *SAMPLE[:3], "--to", "citekit-json", "-o", out, "--jobs", "1")
    assert first.returncode == EXIT_OK
    kept = entries(out)[:2]
    (out / REPORT_NAME).unlink()
    lines = [json.dumps(e) for e in kept]
    (out / JOURNAL_NAME).write_text("\n".join(lines) + '\n{"source": "cut off by a k', encoding="utf-8")
    result = cli("convert", *SAMPLE[:3], "--to", "citekit-json", "-o", out, "--jobs", "1")
    assert result.returncode == EXIT_OK and "warning" not in result.stderr, result.stderr
    assert [e["status"] for e in entries(out)] == ["skipped", "skipped", "converted"]


# --------------------------------------------------------------------------------------------
# Killed batches


def _descendants(pid: int) -> set[int]:
    """Every process under ``pid`` (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def _running(pids: set[int]) -> set[int]:
    alive = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state not in {"Z", "X"}:
            alive.add(pid)
    return alive


def _wait_for(condition: object, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def big_input(tmp_path: Path) -> Iterator[Path]:
    """The corpus five times over: long enough to kill the batch in the middle."""
    root = tmp_path / "in"
    for copy in range(5):
        shutil.copytree(CORPUS, root / f"copy{copy}")
    yield root


@pytest.mark.timeout(300)
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process tree from /proc")
@pytest.mark.parametrize("kill", [signal.SIGKILL, signal.SIGTERM])
def test_a_killed_parallel_batch_leaves_no_process_and_the_rerun_cleans_up(
        tmp_path: Path, big_input: Path, kill: signal.Signals) -> None:
    out = tmp_path / "out"
    command = [sys.executable, "-m", "citekit.cli", "convert", str(big_input), "-r", "--to", "pdf,epub,jats",
               "-o", str(out), "--jobs", "2", "-q"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        journal = out / JOURNAL_NAME
        assert _wait_for(lambda: journal.exists() and journal.read_bytes().count(b"\n") >= 4, 120)
        family = _descendants(process.pid)
        assert len(family) >= 3, "a fork server, a resource tracker and workers"
        process.send_signal(kill)
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert _wait_for(lambda: not _running(family), 20), f"left running: {_running(family)}"
    stderr = process.stderr.read().decode() if process.stderr else ""
    assert "Traceback" not in stderr
    if kill == signal.SIGTERM:
        assert process.returncode == 143 and "terminated; finished files are complete" in stderr

    # A temporary a killed run left behind (as a SIGKILL mid-write does) is removed by the next run.
    planted = out / "copy0" / f".planted.citekit.json.{2**22 + 7}.part"
    planted.parent.mkdir(parents=True, exist_ok=True)
    planted.write_bytes(b"half a file")
    rerun = cli("convert", big_input, "-r", "--to", "pdf,epub,jats", "-o", out, "--jobs", "2", "-q", timeout=240)
    assert rerun.returncode == EXIT_OK, rerun.stderr
    assert not planted.exists() and "removed 1 unfinished temporary file(s)" in rerun.stderr
    assert not [p for p in out.rglob("*") if p.name.endswith(".part")]
    assert report_of(out)["totals"]["skipped"] > 0  # type: ignore[index]


@pytest.mark.timeout(120)
@pytest.mark.skipif(sys.platform == "win32", reason="the lock is fcntl's")
def test_a_second_batch_into_the_same_output_is_refused_while_the_first_runs(tmp_path: Path) -> None:
    import fcntl

    out = tmp_path / "out"
    out.mkdir()
    with (out / JOURNAL_NAME).open("ab") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        result = cli("convert", SAMPLE[0], "--to", "citekit-json", "-o", out)
    assert result.returncode == EXIT_OUTPUT
    assert f"another citekit batch is writing to {out.as_posix()}" in result.stderr


# --------------------------------------------------------------------------------------------
# Text that is not UTF-8 where the batch meets it: file names, supplied values


@pytest.mark.timeout(60)
@pytest.mark.skipif(sys.platform in {"win32", "darwin"}, reason="needs a file system that takes any bytes")
def test_a_file_name_that_is_not_utf8_converts_and_is_reported_readably(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    name = os.fsdecode(b"caf\xe9 \xff.txt")
    (folder / name).write_bytes(SAMPLE[0].read_bytes())
    out = tmp_path / "out"
    result = cli("convert", folder, "--to", "citekit-json,jats", "-o", out)
    assert result.returncode == EXIT_OK, result.stderr
    [entry] = entries(out)
    assert str(entry["source"]).endswith("/caf\ufffd \ufffd.txt")
    assert sorted(outputs_under(out)) == ["caf.citekit.json", "caf.xml"]
    assert cli("convert", folder, "--to", "citekit-json,jats", "-o", out).returncode == EXIT_OK
    assert [e["status"] for e in entries(out)] == ["skipped"]


@pytest.mark.timeout(60)
def test_supplied_values_that_are_not_text_are_usage_errors(tmp_path: Path) -> None:
    bad = os.fsdecode(b"Caf\xe9")
    for command in (["normalise", str(SAMPLE[0])], ["cite", str(SAMPLE[0])],
                    ["convert", str(SAMPLE[0]), "--to", "jats", "-o", str(tmp_path / "out")]):
        result = subprocess.run([sys.executable, "-m", "citekit.cli", *command, "--set", f"site={bad}"],
                                capture_output=True, timeout=60)
        assert result.returncode == EXIT_USAGE
        assert b"the value is not valid text (character 4 is U+DCE9, not UTF-8)" in result.stderr


def test_a_file_over_the_size_limit_fails_and_is_not_read_whole(tmp_path: Path) -> None:
    """The batch reads one byte past the limit, not the whole file, before it refuses it."""
    import citekit
    from citekit.batch.inputs import read_file

    big = tmp_path / "in" / "big.txt"
    big.parent.mkdir()
    big.write_bytes(b"Title\n\n" + b"word " * 400_000)
    (tmp_path / "in" / "small.txt").write_text("A Title\n\nBy Jane Roe\n\nA short body of text.\n")
    report = citekit.convert([tmp_path / "in"], to=["citekit-json"], out_dir=tmp_path / "out", jobs=1,
                             max_input_bytes=1 << 20)
    failed = {entry.source: entry.errors for entry in report.failed}
    assert list(failed) == [str(big)] and "up to 1 MiB" in failed[str(big)][0]
    assert report.totals.converted == 1
    with pytest.raises(OSError, match="up to 1 MiB"):
        read_file(big, walked=True, max_bytes=1 << 20)
