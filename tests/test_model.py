"""The document model and its JSON form: safe links, lossless round trip, the shipped schema."""

from __future__ import annotations

import dataclasses
import json

import jsonschema
import pytest

from citekit.errors import InputError
from citekit.model import (
    MAX_IMAGE_BYTES,
    SCHEMA,
    CodeBlock,
    Document,
    Emph,
    Figure,
    Image,
    InvalidNodeError,
    Link,
    Note,
    Para,
    Str,
    Subscript,
    Table,
    TableCell,
    TableRow,
    UnsafeLinkError,
    block_notes,
    image_dimensions,
    is_blank,
    link_or_text,
    notes_in,
    plain_block,
    plain_inlines,
    safe_url,
)
from citekit.readers import read_path
from citekit.serialise import dumps, from_dict, json_schema, loads, to_dict
from conftest import corpus_files, full_document, structure_blocks, tiny_png


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
    (lambda d: d.update(body=[{"type": "sidebar"}]), "$.body[0]"),
    (lambda d: d.update(body=[{"type": "table", "body": [{"cells": [{"blocks": [], "colspan": 0}]}]}]),
     "$.body[0]"),
    (lambda d: d.update(body=[{"type": "table", "alignments": ["middle"]}]), "$.body[0].alignments[0]"),
    (lambda d: d.update(body=[{"type": "figure", "image": {"src": "javascript:alert(1)"}}]), "$.body[0]"),
    (lambda d: d.update(body=[{"type": "figure", "image": {"data": "not base64!", "media_type": "image/png"}}]),
     "$.body[0].image.data"),
    (lambda d: d.update(body=[{"type": "figure", "image": {"data": "R0lGODlh", "media_type": "image/png"}}]),
     "$.body[0]"),
    (lambda d: d.update(body=[{"type": "code_block", "text": "x", "language": "two words"}]), "$.body[0]"),
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


# --------------------------------------------------------------------------------------------
# The nodes of real articles: notes, figures, tables, code, super/subscript


def test_plain_text_leaves_notes_out_and_keeps_every_cell() -> None:
    para, code, figure, _remote, table = structure_blocks()
    assert plain_block(para) == "Water is H2O, the 1st claim was wrong right."
    assert plain_block(code).startswith("def tariff(x):\n    return")
    assert plain_block(figure) == "Tariffs rose sharply after 2016.\n\nChart: Example Review"
    assert plain_block(table).splitlines() == [
        "Tariffs by country", "Country | 2016 | 2017", "USA | 2.5 % | 3.1 %", "Russiaa | 4 % both years",
        "EU | 1.0 % | n/a", "1.2 % | ", "Mean | 2.6 % | 2.8 %"]


def test_notes_are_found_in_reading_order_wherever_they_are() -> None:
    first, second = (Note(blocks=(Para(content=(Str(text=t),)),)) for t in ("one", "two"))
    inner = Note(blocks=(Para(content=(Str(text="inner"),)),))
    outer = Note(blocks=(Para(content=(Str(text="outer"), inner)),))
    inlines = (Emph(content=(Str(text="a"), first)), Subscript(content=(second,)), outer)
    assert notes_in(inlines) == (first, second, outer)  # the inner note belongs to the outer one
    table = Table(caption=(Para(content=(first,)),),
                  body=(TableRow(cells=(TableCell(blocks=(Para(content=(second,)),)),)),))
    assert block_notes(table) == (first, second)
    figure = Figure(image=Image(src="a.png"), caption=(Para(content=(first,)),), credit=(second,))
    assert block_notes(figure) == (first, second)
    assert is_blank((Str(text="  "),)) and not is_blank((first,)) and plain_inlines((first,)) == ""


def test_image_bytes_are_checked_against_their_type_size_and_declared_pixels() -> None:
    png = tiny_png(7, 5)
    assert image_dimensions(png) == (7, 5)
    assert Image(data=png, media_type="image/png").src is None
    with pytest.raises(InvalidNodeError, match="not 'image/jpeg'"):
        Image(data=png, media_type="image/jpeg")
    with pytest.raises(InvalidNodeError, match="larger than"):
        Image(data=png + b"\0" * MAX_IMAGE_BYTES, media_type="image/png")
    bomb = png[:16] + (100_000).to_bytes(4, "big") * 2 + png[24:]  # a tiny file declaring a 100,000² canvas
    assert image_dimensions(bomb) == (100_000, 100_000)
    with pytest.raises(InvalidNodeError, match="pixels"):
        Image(data=bomb, media_type="image/png")
    with pytest.raises(InvalidNodeError, match="address or its bytes"):
        Image(alt="nothing to show")
    with pytest.raises(UnsafeLinkError):
        Image(src="javascript:alert(1)")


def test_spans_alignments_and_languages_are_bounded() -> None:
    with pytest.raises(InvalidNodeError):
        TableCell(blocks=(), colspan=0)
    with pytest.raises(InvalidNodeError):
        TableCell(blocks=(), rowspan=70_000)
    with pytest.raises(InvalidNodeError):
        Table(alignments=("middle",))  # type: ignore[arg-type]
    with pytest.raises(InvalidNodeError):
        CodeBlock(text="x", language="python; rm -rf /")
    assert CodeBlock(text="x", language="c++").language == "c++"


def test_a_decorative_image_keeps_its_empty_alt_through_json() -> None:
    figure = Figure(image=Image(src="rule.png", alt=""))
    document = Document(body=(figure,))
    assert to_dict(document)["body"][0]["image"] == {"src": "rule.png", "alt": ""}
    assert from_dict(to_dict(document)) == document
    assert from_dict(to_dict(Document(body=(Figure(image=Image(src="x.png")),)))).body[0].image.alt is None  # type: ignore[union-attr]
