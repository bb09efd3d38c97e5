"""The documented Python API: citekit.normalise_text / normalise_file / write / convert."""

from __future__ import annotations

import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import citekit
from citekit.errors import OptionError
from citekit.model import Document
from citekit.serialise import dumps
from citekit.writers import available_writers
from conftest import corpus_files

ARTICLE = corpus_files()[0]


def test_import_citekit_loads_no_heavy_module() -> None:
    code = ("import sys, citekit\n"
            "heavy = ('lxml', 'reportlab', 'bibtexparser', 'rich', 'click', 'pypandoc', 'dateutil',\n"
            "         'nameparser', 'citekit.normalise', 'citekit.writers', 'citekit.batch',\n"
            "         'concurrent.futures')\n"
            "print([m for m in sys.modules if m.startswith(heavy)])\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_public_names_are_exported_and_resolve() -> None:
    assert set(citekit.__all__) >= {"normalise_text", "normalise_file", "write", "convert", "BatchReport",
                                    "__version__"}
    for name in citekit.__all__:
        assert getattr(citekit, name) is not None
    assert citekit.BatchReport is __import__("citekit.batch").batch.BatchReport
    with pytest.raises(AttributeError):
        citekit.no_such_name  # noqa: B018


def test_normalise_text_and_file_agree() -> None:
    text = ARTICLE.read_text(encoding="utf-8")
    from_text = citekit.normalise_text(text, name=ARTICLE.name)
    from_file = citekit.normalise_file(ARTICLE)
    assert isinstance(from_text, Document)
    assert from_text.provenance.source_name == ARTICLE.name
    assert from_text.body == from_file.body and from_text.metadata == from_file.metadata


def test_normalise_file_reads_document_json_as_it_stands(tmp_path: Path, full_doc: Document) -> None:
    path = tmp_path / "doc.citekit.json"
    path.write_text(dumps(full_doc), encoding="utf-8")
    assert citekit.normalise_file(str(path)) == full_doc


def test_write_returns_the_writers_bytes(full_doc: Document) -> None:
    assert citekit.write(full_doc, "citekit-json") == dumps(full_doc).encode("utf-8")


@pytest.mark.skipif("jats" not in available_writers(), reason="jats writer not written yet")
def test_write_takes_options_as_keywords_typed_or_as_strings(full_doc: Document) -> None:
    as_keyword = citekit.write(full_doc, "jats", article_type="news")
    assert b'article-type="news"' in as_keyword
    assert citekit.write(full_doc, "jats", **{"article-type": "news"}) == as_keyword


def test_write_refuses_unknown_formats_and_options(full_doc: Document) -> None:
    with pytest.raises(OptionError, match="unknown format"):
        citekit.write(full_doc, "wordperfect")
    with pytest.raises(OptionError):
        citekit.write(full_doc, "citekit-json", colour="blue")
    with pytest.raises(OptionError):
        citekit.write(full_doc, "citekit-json", colour=3)


def test_convert_returns_a_report_that_round_trips_through_json(tmp_path: Path) -> None:
    inputs = [str(p) for p in corpus_files()[:3]]
    report = citekit.convert(inputs, to="citekit-json", out_dir=tmp_path, jobs=1)
    assert isinstance(report, citekit.BatchReport)
    data = json.loads(report.to_json())
    assert data["schema"] == "citekit-batch-report/1"
    assert data["totals"]["converted"] == 3 and data["citekit_version"] == citekit.__version__
    assert citekit.BatchReport.from_json(report.to_json()) == report


def test_convert_runs_on_any_executor(tmp_path: Path) -> None:
    inputs = [str(p) for p in corpus_files()[:5]]
    local = citekit.convert(inputs, to=["citekit-json"], out_dir=tmp_path / "local", jobs=1)
    with ThreadPoolExecutor(max_workers=3) as pool:
        threaded = citekit.convert(inputs, to=["citekit-json"], out_dir=tmp_path / "threads", executor=pool)
        assert pool.submit(lambda: 1).result() == 1, "a caller's executor is left running"
    assert [e.outputs for e in threaded.inputs] == [e.outputs for e in local.inputs]


def test_convert_refuses_bad_requests_before_doing_anything(tmp_path: Path) -> None:
    with pytest.raises(OptionError):
        citekit.convert([str(ARTICLE)], to=["nope"], out_dir=tmp_path / "a")
    with pytest.raises(OptionError):
        citekit.convert([str(ARTICLE)], to=[], out_dir=tmp_path / "b")
    with pytest.raises(OptionError):
        citekit.convert([str(ARTICLE)], to=["citekit-json"], out_dir=tmp_path / "c", overrides={"x.y": "1"})
    with pytest.raises(OptionError):
        citekit.convert([str(ARTICLE)], to=["citekit-json"], out_dir=tmp_path / "d", accessed="someday")
    assert not any((tmp_path / name).exists() for name in "abcd")
