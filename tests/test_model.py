"""The document model and its JSON form: safe links, lossless round trip, the shipped schema."""

from __future__ import annotations

import dataclasses
import json

import jsonschema
import pytest

from citekit.errors import InputError
from citekit.model import SCHEMA, Document, Link, Str, UnsafeLinkError, link_or_text, safe_url
from citekit.readers import read_path
from citekit.serialise import dumps, from_dict, json_schema, loads, to_dict
from conftest import corpus_files, full_document


@pytest.mark.parametrize("url, safe", [
    ("https://example.org/a?b=1", True), ("http://example.org", True), ("mailto:a@example.org", True),
    ("/relative/path", True), ("page.html#section", True), ("//cdn.example.org/x", True),
    ("#", False), ("#top", False), ("javascript:alert(1)", False), ("JavaScript:alert(1)", False),
    ("data:text/html,<b>x</b>", False), ("vbscript:msgbox", False), ("file:///etc/passwd", False),
    ("http://", False), ("mailto:nobody", False), ("java\nscript:alert(1)", False), ("", False),
])
def test_only_http_mailto_and_relative_links_survive(url: str, safe: bool) -> None:
    assert (safe_url(url) is not None) == safe
    if safe:
        assert Link(content=(Str(text="x"),), url=url).url == url
    else:
        with pytest.raises(UnsafeLinkError):
            Link(content=(Str(text="x"),), url=url)
        assert link_or_text((Str(text="x"),), url) == (Str(text="x"),)


def test_model_is_frozen_slotted_and_keyword_only() -> None:
    document = full_document()
    with pytest.raises(dataclasses.FrozenInstanceError):
        document.metadata.title = "changed"  # type: ignore[misc]
    assert not hasattr(document.metadata, "__dict__")
    with pytest.raises(TypeError):
        Str("positional")  # type: ignore[misc]


@pytest.mark.parametrize("path", [None, *corpus_files()], ids=lambda p: p.name if p else "full")
def test_json_round_trip_is_lossless_and_schema_valid(path: object) -> None:
    document = full_document() if path is None else read_path(path)  # type: ignore[arg-type]
    data = to_dict(document)
    assert data["schema"] == SCHEMA
    jsonschema.Draft202012Validator(json_schema()).validate(data)
    assert from_dict(json.loads(json.dumps(data))) == document
    assert loads(dumps(document)) == document


def test_block_text_is_output_only() -> None:
    data = to_dict(full_document())
    data["body"][0]["text"] = "something else entirely"
    assert to_dict(from_dict(data))["body"][0]["text"] != "something else entirely"


def test_unsafe_link_in_json_keeps_its_text_and_loses_the_link() -> None:
    data = to_dict(Document())
    data["body"] = [{"type": "paragraph", "inlines": [
        {"type": "link", "url": "javascript:alert(1)", "content": [{"type": "str", "text": "click"}]}]}]
    document = from_dict(data)
    assert to_dict(document)["body"][0]["inlines"] == [{"type": "str", "text": "click"}]


@pytest.mark.parametrize("mutate, where", [
    (lambda d: d.update(schema="other/1"), "$.schema"),
    (lambda d: d["metadata"].update(title=5), "$.metadata.title"),
    (lambda d: d.update(body=[{"type": "table"}]), "$.body[0]"),
    (lambda d: d["rights"].update(notices=[{"kind": "threat", "text": "x"}]), "$.rights.notices[0].kind"),
    (lambda d: d["rights"].update(year="2017"), "$.rights.year"),
])
def test_bad_document_json_names_the_file_and_path(mutate, where) -> None:  # type: ignore[no-untyped-def]
    data = to_dict(full_document())
    mutate(data)
    with pytest.raises(InputError) as caught:
        from_dict(data, source="doc.citekit.json")
    assert str(caught.value).startswith("doc.citekit.json: ") and where in str(caught.value)


def test_invalid_json_names_the_line() -> None:
    with pytest.raises(InputError, match=r"^doc\.json:3: not valid JSON"):
        loads('{\n "schema": "citekit-document/1",\n oops\n}', source="doc.json")
