"""Batch conversion: outputs, report, resume, names, datasets, sidecar metadata, --combine, the CLI."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import IO

import pytest
from click.testing import CliRunner

from citekit import batch
from citekit.batch import REPORT_NAME, BatchReport, DatasetOptions, convert
from citekit.cli import main
from citekit.errors import OptionError, WriterError
from citekit.model import Document
from citekit.writers import Diagnostic, Writer, available_writers
from conftest import CORPUS, corpus_files

SAMPLE = corpus_files()[:6]
BIBLIOGRAPHIC = [name for name, w in available_writers().items() if w.write_collection is not None]
# Formats that exist today; the batch is tested with each as it lands (pdf is slow, so it is left to bench).
FAST_FORMATS = [n for n in ("citekit-json", "jats", "epub", "csl-json", "biblatex", "bibtex", "ris")
                if n in available_writers()]


def files_under(root: Path) -> dict[str, bytes]:
    """Every output file under ``root`` (relative POSIX path → bytes), the report and journal left out."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.name not in {REPORT_NAME, batch.JOURNAL_NAME}}


def copy_inputs(tmp_path: Path, files: Sequence[Path], name: str = "in") -> Path:
    folder = tmp_path / name
    folder.mkdir()
    for f in files:
        (folder / f.name).write_bytes(f.read_bytes())
    return folder


def test_batch_writes_every_format_and_a_report_matching_the_files(tmp_path: Path) -> None:
    out = tmp_path / "out"
    report = convert([str(p) for p in SAMPLE], to=FAST_FORMATS, out_dir=out, jobs=1)
    assert report.totals.converted == len(SAMPLE) and report.ok
    assert report.totals.outputs == len(SAMPLE) * len(FAST_FORMATS)
    on_disk = BatchReport.from_json((out / REPORT_NAME).read_text(encoding="utf-8"))
    assert on_disk == report
    for entry, source in zip(report.inputs, SAMPLE, strict=True):
        assert entry.source == source.as_posix()
        assert entry.input_sha256 == hashlib.sha256(source.read_bytes()).hexdigest()
        assert [o.format for o in entry.outputs] == FAST_FORMATS
        assert set(entry.timings) == {"normalise", *FAST_FORMATS}
        for record in entry.outputs:
            data = (out / record.path).read_bytes()
            assert record.size == len(data) and record.sha256 == hashlib.sha256(data).hexdigest()
    assert not (out / batch.JOURNAL_NAME).exists()
    assert not list(out.rglob("*.part"))


def test_parallel_run_gives_the_same_bytes_as_a_serial_run(tmp_path: Path) -> None:
    # The whole corpus: the batch must not depend on which inputs the normaliser gets right.
    report = convert([str(CORPUS)], to=FAST_FORMATS, out_dir=tmp_path / "serial", jobs=1)
    convert([str(CORPUS)], to=FAST_FORMATS, out_dir=tmp_path / "parallel", jobs=2)
    serial, parallel = files_under(tmp_path / "serial"), files_under(tmp_path / "parallel")
    assert report.totals.converted > len(corpus_files()) // 2
    assert len(serial) == report.totals.converted * len(FAST_FORMATS)
    assert serial == parallel


def test_rerun_skips_what_is_up_to_date_and_redoes_what_changed(tmp_path: Path) -> None:
    inputs = copy_inputs(tmp_path, SAMPLE)
    out = tmp_path / "out"
    first = convert([inputs], to=["citekit-json"], out_dir=out, jobs=1)
    assert first.totals.converted == len(SAMPLE)

    again = convert([inputs], to=["citekit-json"], out_dir=out, jobs=1)
    assert (again.totals.converted, again.totals.skipped, again.totals.outputs) == (0, len(SAMPLE), 0)
    assert [e.outputs for e in again.inputs] == [e.outputs for e in first.inputs]

    changed = sorted(inputs.iterdir())[2]
    changed.write_bytes(changed.read_bytes() + b"\nOne more paragraph.\n")
    (out / first.inputs[4].outputs[0].path).unlink()  # a deleted output is redone too
    third = convert([inputs], to=["citekit-json"], out_dir=out, jobs=1)
    assert [e.status for e in third.inputs] == [
        "converted" if i in (2, 4) else "skipped" for i in range(len(SAMPLE))]

    supplied = convert([inputs], to=["citekit-json"], out_dir=out, jobs=1, accessed="2024-05-01")
    assert supplied.totals.converted == len(SAMPLE), "a supplied value changes the key"
    forced = convert([inputs], to=["citekit-json"], out_dir=out, jobs=1, accessed="2024-05-01", force=True)
    assert forced.totals.converted == len(SAMPLE)


@pytest.mark.skipif("jats" not in available_writers(), reason="jats writer not written yet")
def test_changed_writer_options_redo_only_that_format(tmp_path: Path) -> None:
    out = tmp_path / "out"
    convert([str(p) for p in SAMPLE], to=["jats"], out_dir=out, jobs=1)
    rerun = convert([str(p) for p in SAMPLE], to=["jats"], out_dir=out, jobs=1,
                    options={"jats": {"article-type": "news"}})
    assert rerun.totals.converted == len(SAMPLE)
    assert b'article-type="news"' in (out / rerun.inputs[0].outputs[0].path).read_bytes()


def test_killed_batch_resumes_where_it_stopped(tmp_path: Path) -> None:
    out = tmp_path / "out"
    seen: list[str] = []

    def stop_after_three(entry: batch.InputReport) -> None:
        seen.append(entry.source)
        if len(seen) == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        convert([str(CORPUS)], to=["citekit-json"], out_dir=out, jobs=1, on_input=stop_after_three)
    assert not (out / REPORT_NAME).exists() and (out / batch.JOURNAL_NAME).exists()
    assert not list(out.rglob("*.part"))

    resumed = convert([str(CORPUS)], to=["citekit-json"], out_dir=out, jobs=1)
    assert [e.source for e in resumed.inputs if e.status == "skipped"] == [
        e.source for e in resumed.inputs if e.source in seen and e.status != "failed"]
    assert resumed.totals.converted + resumed.totals.failed == len(corpus_files()) - resumed.totals.skipped
    clean = tmp_path / "clean"
    convert([str(CORPUS)], to=["citekit-json"], out_dir=clean, jobs=1)
    assert files_under(out) == files_under(clean)


def test_one_bad_input_fails_alone_and_leaves_no_file(tmp_path: Path) -> None:
    inputs = copy_inputs(tmp_path, SAMPLE[:3])
    (inputs / "binary.txt").write_bytes(b"\x00\x01\x02 not text \xff")
    missing = tmp_path / "nowhere.txt"
    out = tmp_path / "out"
    report = convert([inputs, missing], to=["citekit-json"], out_dir=out, jobs=2)
    assert (report.totals.converted, report.totals.failed) == (3, 2)
    failed = {Path(e.source).name: e for e in report.failed}
    assert set(failed) == {"binary.txt", "nowhere.txt"}
    assert all(e.errors and not e.outputs for e in failed.values())
    error = failed["binary.txt"].errors[0]
    assert "NUL" in error and str(inputs / "binary.txt") in error
    assert sorted(files_under(out)) == sorted(f"{p.stem}.citekit.json" for p in SAMPLE[:3])


def _fails_on_second_sample(document: Document, stream: IO[bytes], options: object) -> Sequence[Diagnostic]:
    stream.write(b"half a file")
    if document.provenance.source_name == SAMPLE[1].name:
        raise WriterError("cannot express this")
    if document.provenance.source_name == SAMPLE[2].name:
        raise RuntimeError("a writer bug")
    return ()


def test_failing_writer_costs_that_input_only_and_writes_none_of_its_files(tmp_path: Path) -> None:
    fragile = Writer(name="fragile", suffix=".fragile", media_type="text/plain", binary=False,
                     description="fails on some inputs", write=_fails_on_second_sample)
    out = tmp_path / "out"
    report = convert([str(p) for p in SAMPLE[:4]], to=["citekit-json", fragile], out_dir=out, jobs=1)
    assert [e.status for e in report.inputs] == ["converted", "failed", "failed", "converted"]
    assert "cannot express this" in report.inputs[1].errors[0]
    assert "internal error: RuntimeError: a writer bug" in report.inputs[2].errors[0]
    written = files_under(out)
    assert sorted(written) == sorted(f"{p.stem}{suffix}" for p in (SAMPLE[0], SAMPLE[3])
                                     for suffix in (".citekit.json", ".fragile"))
    assert not list(out.rglob("*.part"))


def test_atomic_write_leaves_nothing_when_interrupted(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "out" / "a.xml"
    batch.atomic_write(target, b"old")

    def interrupted(src: str, dst: str) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        batch.atomic_write(target, b"new content")
    assert target.read_bytes() == b"old"
    assert [p.name for p in target.parent.iterdir()] == ["a.xml"]


def test_output_files_are_readable_like_any_new_file(tmp_path: Path) -> None:
    batch.atomic_write(tmp_path / "a.txt", b"x")
    (tmp_path / "b.txt").write_bytes(b"x")
    assert (tmp_path / "a.txt").stat().st_mode == (tmp_path / "b.txt").stat().st_mode


def test_name_clashes_get_distinct_names_in_input_order(tmp_path: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    for folder, article in ((one, SAMPLE[0]), (two, SAMPLE[1])):
        folder.mkdir()
        (folder / "article.txt").write_bytes(article.read_bytes())
    (one / "Article.md").write_bytes(SAMPLE[2].read_bytes())  # differs only in case and suffix
    report = convert([one / "article.txt", two / "article.txt", one / "Article.md"],
                     to=["citekit-json"], out_dir=tmp_path / "out", jobs=1)
    assert [e.outputs[0].path for e in report.inputs] == [
        "article.citekit.json", "article-2.citekit.json", "Article-3.citekit.json"]
    swapped = convert([two / "article.txt", one / "article.txt"], to=["citekit-json"],
                      out_dir=tmp_path / "swapped", jobs=1)
    assert [(Path(e.source).parent.name, e.outputs[0].path) for e in swapped.inputs] == [
        ("two", "article.citekit.json"), ("one", "article-2.citekit.json")]


def test_recursive_walk_mirrors_the_tree_and_plain_walk_stays_flat(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    (tree / "2017" / "jan").mkdir(parents=True)
    (tree / ".hidden").mkdir()
    (tree / "top.txt").write_bytes(SAMPLE[0].read_bytes())
    (tree / "2017" / "jan" / "deep.txt").write_bytes(SAMPLE[1].read_bytes())
    (tree / ".hidden" / "secret.txt").write_bytes(SAMPLE[2].read_bytes())
    (tree / "notes.csv").write_text("not,an,article\n")
    recursive = convert([tree], to=["citekit-json"], out_dir=tmp_path / "r", recursive=True, jobs=1)
    assert [e.outputs[0].path for e in recursive.inputs] == ["top.citekit.json", "2017/jan/deep.citekit.json"]
    flat = convert([tree], to=["citekit-json"], out_dir=tmp_path / "f", jobs=1)
    assert [e.outputs[0].path for e in flat.inputs] == ["top.citekit.json"]


def write_csv(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def test_dataset_rows_convert_one_by_one_with_mapped_columns(tmp_path: Path) -> None:
    articles = [p.read_text(encoding="utf-8") for p in SAMPLE[:3]]
    data = tmp_path / "news.csv"
    write_csv(data, [
        {"id": "n1", "content": articles[0], "link": "https://example.org/one"},
        {"id": "n2", "content": "   ", "link": ""},
        {"id": "n3", "content": articles[2], "link": ""},
    ])
    out = tmp_path / "out"
    dataset = DatasetOptions(text_column="content", id_column="id", columns={"link": "metadata.url"})
    report = convert([data], to=["citekit-json"], out_dir=out, jobs=1, dataset=dataset)
    assert [(e.source, e.status) for e in report.inputs] == [
        (f"{data.as_posix()}#n1", "converted"), (f"{data.as_posix()}#n2", "failed"),
        (f"{data.as_posix()}#n3", "converted")]
    assert "empty" in report.inputs[1].errors[0]
    first = json.loads((out / "n1.citekit.json").read_text(encoding="utf-8"))
    assert first["metadata"]["url"] == "https://example.org/one"
    url_source = next(f for f in first["provenance"]["fields"] if f["field"] == "metadata.url")
    assert url_source["supplied"] is True and url_source["rule"] == "user"
    assert ("metadata.url", "supplied") in {(r.field, r.reason) for r in report.inputs[0].review}
    third = json.loads((out / "n3.citekit.json").read_text(encoding="utf-8"))
    assert "url" not in third["metadata"] or third["metadata"]["url"] != "https://example.org/one"


def test_jsonl_dataset_without_ids_numbers_its_rows_and_reports_bad_lines(tmp_path: Path) -> None:
    data = tmp_path / "scrape.jsonl"
    lines = [json.dumps({"text": SAMPLE[0].read_text(encoding="utf-8")}), "{not json",
             json.dumps({"body": "wrong column"}),
             json.dumps({"text": SAMPLE[1].read_text(encoding="utf-8")})]
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = convert([data], to=["citekit-json"], out_dir=tmp_path / "out", jobs=1)
    assert [e.status for e in report.inputs] == ["converted", "failed", "failed", "converted"]
    paths = [o.path for e in report.inputs for o in e.outputs]
    assert paths == ["scrape-1.citekit.json", "scrape-4.citekit.json"]
    assert "no column 'text'" in report.inputs[2].errors[0]
    assert batch.count_inputs([data]) == 4


def test_dataset_ids_cannot_escape_the_output_directory(tmp_path: Path) -> None:
    text = SAMPLE[0].read_text(encoding="utf-8")
    hostile = ["../../escape", "/etc/passwd", "a/b\\c", "CON", ".hidden", "..", "x" * 400, "ok"]
    data = tmp_path / "evil.csv"
    write_csv(data, [{"id": ident, "text": text} for ident in hostile])
    out = tmp_path / "deep" / "out"
    report = convert([data], to=["citekit-json"], out_dir=out, jobs=1,
                     dataset=DatasetOptions(id_column="id"))
    assert report.totals.converted == len(hostile)
    paths = [e.outputs[0].path for e in report.inputs]
    assert len(set(paths)) == len(paths)
    for path in paths:
        assert "/" not in path and not path.startswith(".") and len(path.encode("utf-8")) <= 255
        assert (out / path).resolve().parent == out.resolve()
    assert sorted(p.name for p in tmp_path.rglob("*.citekit.json")) == sorted(paths)


def test_sidecar_table_supplies_what_the_text_does_not_print(tmp_path: Path) -> None:
    inputs = copy_inputs(tmp_path, SAMPLE[:2])
    table = tmp_path / "meta.tsv"
    table.write_text(f"file\turl\taccessed\n{SAMPLE[0].name}\thttps://example.org/a\t2024-05-01\n"
                     f"{SAMPLE[1].stem}\t\t3 May 2024\n", encoding="utf-8")
    report = convert([inputs], to=["citekit-json"], out_dir=tmp_path / "out", jobs=1, metadata=table)
    docs = [json.loads((tmp_path / "out" / e.outputs[0].path).read_text(encoding="utf-8"))
            for e in report.inputs]
    assert docs[0]["metadata"]["url"] == "https://example.org/a"
    assert docs[0]["metadata"]["accessed"] == "2024-05-01"
    assert docs[1]["metadata"]["accessed"] == "2024-05-03"
    review = {(r.field, r.reason) for r in report.inputs[0].review}
    assert ("metadata.url", "supplied") in review and ("metadata.url", "missing") not in review


def test_sidecar_with_an_unknown_field_is_refused(tmp_path: Path) -> None:
    table = tmp_path / "meta.tsv"
    table.write_text("file\tcolour\na.txt\tblue\n", encoding="utf-8")
    with pytest.raises(OptionError, match="colour"):
        convert([SAMPLE[0]], to=["citekit-json"], out_dir=tmp_path / "out", metadata=table)


def test_review_lists_missing_fields(tmp_path: Path) -> None:
    bare = tmp_path / "bare.txt"
    bare.write_text("A headline\n\nOne paragraph of text and nothing else.\n", encoding="utf-8")
    report = convert([bare], to=["citekit-json"], out_dir=tmp_path / "out", jobs=1)
    missing = {r.field for r in report.inputs[0].review if r.reason == "missing"}
    assert {"metadata.authors", "metadata.date", "metadata.url"} <= missing


@pytest.mark.skipif(not BIBLIOGRAPHIC, reason="no bibliographic writer written yet")
def test_combine_writes_one_file_per_bibliographic_format_with_unique_keys(tmp_path: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    for folder in (one, two):
        folder.mkdir()
        (folder / "same.txt").write_bytes(SAMPLE[0].read_bytes())  # the same article twice: keys must differ
    out = tmp_path / "out"
    formats = ["citekit-json", *BIBLIOGRAPHIC]
    report = convert([one / "same.txt", two / "same.txt", *SAMPLE[1:4]], to=formats, out_dir=out, jobs=2,
                     combine=True)
    assert sorted(r.format for r in report.combined) == sorted(BIBLIOGRAPHIC)
    assert not any(r.format == "citekit-json" for r in report.combined)
    combined = {r.format: (out / r.path).read_bytes() for r in report.combined}
    if "csl-json" in combined:
        items = json.loads(combined["csl-json"])
        ids = [item["id"] for item in items]
        assert len(items) == 5 and len(set(ids)) == 5
        position = formats.index("csl-json")
        single = [json.loads((out / e.outputs[position].path).read_bytes()) for e in report.inputs]
        titles = [(s[0] if isinstance(s, list) else s).get("title") for s in single]
        assert [item.get("title") for item in items] == titles, "input order"
    # A rerun with nothing changed rewrites nothing; a forced one gives the same bytes.
    again = convert([one / "same.txt", two / "same.txt", *SAMPLE[1:4]], to=formats, out_dir=out, jobs=1,
                    combine=True)
    assert again.totals.outputs == 0 and again.combined == report.combined
    (tmp_path / "two" / "same.txt").write_bytes(SAMPLE[4].read_bytes())
    changed = convert([one / "same.txt", two / "same.txt", *SAMPLE[1:4]], to=formats, out_dir=out, jobs=1,
                      combine=True)
    assert changed.totals.converted == 1 and changed.totals.outputs == len(formats) + len(BIBLIOGRAPHIC)
    fresh = tmp_path / "fresh"
    convert([one / "same.txt", two / "same.txt", *SAMPLE[1:4]], to=formats, out_dir=fresh, jobs=1,
            combine=True)
    assert files_under(out) == files_under(fresh)


# --------------------------------------------------------------------------------------------
# The command line


def run_cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_cli_one_input_one_format_without_output_goes_to_stdout() -> None:
    code, stdout, _ = run_cli("convert", str(SAMPLE[0]), "--to", "citekit-json")
    assert code == 0
    assert json.loads(stdout)["schema"] == "citekit-document/1"


@pytest.mark.parametrize("args", [
    ["convert", "a.txt", "b.txt", "--to", "citekit-json"],
    ["convert", "a.txt", "--to", "citekit-json,jats"],
    ["convert", "a.txt", "--to", "no-such-format", "-o", "out"],
    ["convert", "a.txt", "--to", "citekit-json", "-O", "nonsense=1", "-o", "out"],
    ["convert", "a.txt", "--to", "citekit-json", "--jobs", "0", "-o", "out"],
    ["convert", "a.txt", "--to", "citekit-json", "--column", "url=metadata.nonsense", "-o", "out"],
    ["convert", "a.txt", "--to", "citekit-json", "--accessed", "not a date", "-o", "out"],
    ["convert", str(CORPUS), "--to", "citekit-json"],
])
def test_cli_usage_errors_exit_2(args: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, _ = run_cli(*args)
    assert code == 2
    assert not (tmp_path / "out" / REPORT_NAME).exists()


def test_cli_batch_logs_each_input_names_failures_and_exits_1(tmp_path: Path) -> None:
    inputs = copy_inputs(tmp_path, SAMPLE[:3])
    (inputs / "broken.txt").write_bytes(b"\x00\x00")
    out = tmp_path / "out"
    code, _, stderr = run_cli("convert", str(inputs), "--to", "citekit-json", "-o", str(out), "--jobs", "2")
    assert code == 1
    assert f"citekit: error: {inputs / 'broken.txt'}" in stderr
    assert stderr.count("] converted ") == 3 and "[4/4]" in stderr
    assert "converted 3, failed 1, skipped 0" in stderr
    report = json.loads((out / REPORT_NAME).read_text(encoding="utf-8"))
    assert report["totals"]["failed"] == 1

    code, _, stderr = run_cli("convert", str(inputs), "--to", "citekit-json", "-o", str(out), "--quiet")
    assert code == 1
    assert "] skipped " not in stderr and "broken.txt" in stderr and "skipped 3" in stderr


def test_cli_all_ok_exits_0_and_writes_the_same_bytes_as_the_api(tmp_path: Path) -> None:
    code, _, _ = run_cli("convert", *map(str, SAMPLE), "--to", ",".join(FAST_FORMATS),
                         "-o", str(tmp_path / "cli"), "--accessed", "2024-05-01",
                         "--set", "metadata.site=Example", "--jobs", "1")
    assert code == 0
    convert([str(p) for p in SAMPLE], to=FAST_FORMATS, out_dir=tmp_path / "api", jobs=1,
            accessed="2024-05-01", overrides={"metadata.site": "Example"})
    assert files_under(tmp_path / "cli") == files_under(tmp_path / "api")


def test_cli_shows_a_progress_bar_on_a_terminal(tmp_path: Path) -> None:
    script = ("import pty, sys\n"
              "sys.exit(pty.spawn([sys.executable, '-m', 'citekit.cli', 'convert', *sys.argv[1:]]) >> 8)\n")
    result = subprocess.run([sys.executable, "-c", script, str(CORPUS), "--to", "citekit-json",
                             "-o", str(tmp_path / "out"), "--jobs", "1"],
                            capture_output=True, timeout=120, env={**os.environ, "COLUMNS": "160"})
    shown = result.stdout.decode("utf-8", "replace")
    assert result.returncode == 0, shown
    assert "articles/s" in shown and f"{len(corpus_files())}/{len(corpus_files())}" in shown
    assert "ETA" in shown and "converted" in shown and "] converted " not in shown


class _LosesOneJob(ThreadPoolExecutor):
    """An executor whose worker 'dies' on one job, as a process-pool worker killed by the OOM killer."""

    def submit(self, fn, /, *args, **kwargs):  # type: ignore[no-untyped-def]
        job = args[0]
        if job.source.endswith(SAMPLE[1].name):
            future: Future[object] = Future()
            future.set_exception(BrokenProcessPool("a worker died"))
            return future
        return super().submit(fn, *args, **kwargs)


def test_a_dead_worker_fails_its_input_only(tmp_path: Path) -> None:
    with _LosesOneJob(max_workers=2) as executor:
        report = convert([str(p) for p in SAMPLE[:3]], to=["citekit-json"], out_dir=tmp_path,
                         executor=executor)
    assert [e.status for e in report.inputs] == ["converted", "failed", "converted"]
    assert "worker failed: BrokenProcessPool" in report.inputs[1].errors[0]


def test_cli_passes_dataset_sidecar_and_recursion_options_through(tmp_path: Path) -> None:
    data = tmp_path / "rows.jsonl"
    data.write_text(json.dumps({"key": "r1", "body": SAMPLE[0].read_text(encoding="utf-8"),
                                "link": "https://example.org/r1"}) + "\n", encoding="utf-8")
    tree = tmp_path / "tree" / "sub"
    tree.mkdir(parents=True)
    (tree / "deep.txt").write_bytes(SAMPLE[1].read_bytes())
    table = tmp_path / "meta.tsv"
    table.write_text("id\taccessed\nr1\t2024-05-01\ndeep.txt\t2024-06-02\n", encoding="utf-8")
    out = tmp_path / "out"
    code, _, stderr = run_cli("convert", str(data), str(tmp_path / "tree"), "-r", "--to", "citekit-json",
                              "-o", str(out), "--text-column", "body", "--id-column", "key",
                              "--column", "link=url", "--metadata", str(table), "--jobs", "1")
    assert code == 0, stderr
    row = json.loads((out / "r1.citekit.json").read_text(encoding="utf-8"))
    deep = json.loads((out / "sub" / "deep.citekit.json").read_text(encoding="utf-8"))
    assert row["metadata"]["url"] == "https://example.org/r1"
    assert (row["metadata"]["accessed"], deep["metadata"]["accessed"]) == ("2024-05-01", "2024-06-02")


# --------------------------------------------------------------------------------------------
# The batch reads its own files as data


def test_a_reformatted_report_still_resumes(tmp_path: Path) -> None:
    """The report is read as JSON: reindented, with its keys reordered, it is the same manifest."""
    out = tmp_path / "out"
    first = convert([str(p) for p in SAMPLE], to=["citekit-json"], out_dir=out, jobs=1)
    data = json.loads((out / REPORT_NAME).read_text(encoding="utf-8"))
    (out / REPORT_NAME).write_text(json.dumps(data, indent=2, sort_keys=True), encoding="utf-8")
    warnings: list[str] = []
    again = convert([str(p) for p in SAMPLE], to=["citekit-json"], out_dir=out, jobs=1, on_warning=warnings.append)
    assert warnings == [] and again.totals.skipped == len(SAMPLE)
    assert [e.outputs for e in again.inputs] == [e.outputs for e in first.inputs]


def test_report_round_trips_with_its_warnings_and_stop_and_refuses_what_it_did_not_write() -> None:
    report = BatchReport(citekit_version="0.1.0", formats=("jats",), options={"jats": {"tagset": "archiving"}},
                         inputs=(batch.InputReport(source="a.txt", status="failed", errors=("a.txt: bad",)),),
                         warnings=("x: skipped: a FIFO",), stopped="disk full")
    assert BatchReport.from_json(report.to_json()) == report
    data = json.loads(report.to_json())
    data["inputs"][0]["priority"] = 1
    with pytest.raises(batch.ReportShapeError, match="unknown keys priority"):
        BatchReport.from_dict(data)


def test_a_journal_write_cut_short_by_a_full_disk_leaves_whole_lines(tmp_path: Path) -> None:
    from citekit.batch.journal import Journal, load_previous

    budget = [150]

    def disk_of(fd: int, data: bytes) -> int:
        """os.write on a disk with ``budget`` bytes left: a partial write, then ENOSPC."""
        if budget[0] <= 0:
            raise OSError(28, "No space left on device")
        written = os.write(fd, data[: budget[0]])
        budget[0] -= written
        return written

    journal = Journal(tmp_path / batch.JOURNAL_NAME, write=disk_of)
    journal.open()
    line = json.dumps({"source": "a.txt", "status": "failed", "errors": ["a.txt: bad"]})
    journal.append(line)
    with pytest.raises(OSError, match="No space left"):
        journal.append(line.replace("a.txt", "b.txt") + " " * 100)
    journal.close()
    assert (tmp_path / batch.JOURNAL_NAME).read_text(encoding="utf-8") == line + "\n"
    warnings: list[str] = []
    assert list(load_previous(tmp_path, warnings.append).entries) == ["a.txt"] and warnings == []


@pytest.mark.skipif(not BIBLIOGRAPHIC, reason="no bibliographic writer written yet")
def test_combine_takes_the_inputs_it_planned_even_when_the_tree_changes_during_the_run(tmp_path: Path) -> None:
    folder = copy_inputs(tmp_path, SAMPLE[:3])
    out = tmp_path / "out"
    convert([folder], to=["csl-json"], out_dir=out, jobs=1, combine=True)
    changed = sorted(folder.iterdir())[2]
    changed.write_bytes(SAMPLE[4].read_bytes())

    def add_a_file_that_sorts_first(entry: batch.InputReport) -> None:
        (folder / "0-late.txt").write_bytes(SAMPLE[5].read_bytes())

    report = convert([folder], to=["csl-json"], out_dir=out, jobs=1, combine=True,
                     on_input=add_a_file_that_sorts_first)
    assert [e.status for e in report.inputs] == ["skipped", "skipped", "converted"]
    (folder / "0-late.txt").unlink()
    fresh = tmp_path / "fresh"
    convert([folder], to=["csl-json"], out_dir=fresh, jobs=1, combine=True)
    assert (out / "citekit-combined.csl.json").read_bytes() == (fresh / "citekit-combined.csl.json").read_bytes()
