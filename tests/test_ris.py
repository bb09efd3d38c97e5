"""The RIS writer: read back with rispy, field by field, as a reference manager would."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
import rispy

from citekit.model import Author, Document, Metadata, Provenance, Rights
from citekit.writers import get_writer, parse_options, write_bytes
from conftest import corpus_files

RIS = get_writer("ris")


def parse(data: bytes) -> list[dict[str, object]]:
    entries: list[dict[str, object]] = rispy.loads(data.decode("utf-8"))
    return entries


def test_full_document_round_trips_through_rispy(full_doc: Document) -> None:
    data, diagnostics = write_bytes(full_doc, RIS)
    [entry] = parse(data)
    meta = full_doc.metadata
    assert entry["type_of_reference"] == "ELEC"
    assert entry["title"] == f"{meta.title}: {meta.subtitle}"
    assert entry["short_title"] == meta.title
    assert entry["authors"] == ["García, Ana María", "Washington's Blog"]
    assert entry["secondary_title"] == "Example Review"
    # ELEC: PB repeats the site, which citation.js prints (it reads T2 as collection-title).
    assert entry["publisher"] == "Example Review"
    assert entry["year"] == "2017"
    assert entry["date"] == "2017/01/29/"
    assert entry["urls"] == ["https://example.org/2017/01/trade-tariffs"]
    assert entry["keywords"] == list(meta.keywords)
    assert entry["language"] == "en"
    # CR: Zotero's Rights. The source URL is the article's (UR): the note does not repeat it.
    assert entry["unknown_tag"]["CR"] == [
        "Copyright © Ana María García, Example Review, 2017. Republished with permission."]
    assert entry["notes"] == ["The original source of this article is Example Review",
                              "Publisher: Example Foundation"]
    assert "access_date" not in entry  # never the clock: only a recorded access date is written
    assert diagnostics == ()


def test_seed_record_has_author_site_date_keywords_and_rights(seed_doc: Document) -> None:
    [entry] = parse(write_bytes(seed_doc, RIS)[0])
    assert entry["authors"] == ["Lendman, Stephen"]
    assert entry["title"] == "The Trump-Putin Phone Call: New US-Russia Partnership? Hold the Cheers!"
    assert entry["secondary_title"] == entry["publisher"] == "Global Research"
    assert entry["date"] == "2017/01/29/"
    assert entry["keywords"] == ["Russia and FSU", "USA"]
    assert entry["unknown_tag"]["CR"] == ["Copyright © Stephen Lendman, Global Research, 2017."]
    assert entry["notes"] == ["The original source of this article is Global Research",
                              "Publisher: Centre for Research on Globalization"]
    assert "urls" not in entry  # the seed prints no article URL


def test_accessed_date_partial_date_and_types(full_doc: Document) -> None:
    document = replace(full_doc, metadata=replace(full_doc.metadata, date="2017-01", accessed="2024-03-05"))
    options = parse_options(RIS.options_type, {"ris-type": "NEWS"})
    [entry] = parse(write_bytes(document, RIS, options)[0])
    assert entry["type_of_reference"] == "NEWS"
    assert entry["date"] == "2017/01//"
    assert entry["year"] == "2017"
    assert entry["access_date"] == "2024/03/05/"
    from citekit.errors import OptionError

    with pytest.raises(OptionError):
        parse_options(RIS.options_type, {"ris-type": "JOUR"})


def test_collection_keeps_order_with_unique_ids_and_single_line_values(full_doc: Document) -> None:
    second = replace(
        full_doc,
        metadata=replace(full_doc.metadata, title="Second\nline  broken", subtitle=None),
        provenance=replace(full_doc.provenance, source_name="second.txt"),
    )
    minimal = Document(
        metadata=Metadata(
            title=None, authors=(Author(name="Marler Clark LLP, PS", literal="Marler Clark LLP, PS"),)
        ),
        rights=Rights(),
        provenance=Provenance(source_name="minimal.txt"),
    )
    assert RIS.write_collection is not None
    import io

    stream = io.BytesIO()
    diagnostics = RIS.write_collection([full_doc, second, minimal], stream, RIS.options_type())
    data = stream.getvalue()
    entries = parse(data)
    assert [e["title"] for e in entries][1] == "Second line broken"
    assert len(entries) == 3
    ids = [e["id"] for e in entries]
    assert len(set(ids)) == 3 and ids[0].startswith("garcia2017")
    assert entries[2]["title"] == "minimal.txt"  # display_title falls back to the file name
    assert data.count(b"\r\nER  - \r\n") == 3 and data.endswith(b"ER  - \r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")  # CRLF line ends only
    assert data.count(b"ER  - \r\n\r\nTY  - ") == 2  # one blank line between records
    messages = [d.message for d in diagnostics]
    assert any("minimal.txt" in m and "no printed title" in m for m in messages)
    assert any("contains a comma" in m for m in messages)


def test_output_is_deterministic(full_doc: Document) -> None:
    assert write_bytes(full_doc, RIS)[0] == write_bytes(full_doc, RIS)[0]
    assert write_bytes(full_doc, RIS)[0].startswith(b"TY  - ELEC\r\nID  - ")


@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.stem)
def test_no_value_says_the_same_thing_twice(path: Path) -> None:
    """14 of the 41 corpus records once held "Source: https://… Source: https://…" in one N1."""
    import re

    from citekit.readers import read_path

    data = write_bytes(read_path(path), RIS)[0].decode("utf-8")
    values = [line[6:] for line in data.split("\r\n") if line[:2] in {"N1", "CR"}]
    for value in values:
        addresses = [u.rstrip(").,;") for u in re.findall(r"https?://\S+", value)]
        assert len(addresses) == len(set(addresses)), value
        assert value.count("Source:") <= 1, value
    assert len(values) == len(set(values)), values


def test_a_publisher_that_repeats_the_site_is_not_a_note() -> None:
    document = Document(metadata=Metadata(title="T", site="Global Research", publisher="GLOBAL RESEARCH"))
    [entry] = parse(write_bytes(document, RIS)[0])
    assert "notes" not in entry and entry["publisher"] == "Global Research"
    other = Document(metadata=Metadata(title="T", site="Global Research", publisher="CRG"))
    [entry] = parse(write_bytes(other, RIS)[0])
    assert entry["notes"] == ["Publisher: CRG"]
