"""The shared rules of citekit.derive: each fact derived once, the same answer for every writer."""

from __future__ import annotations

import dataclasses

import pytest

from citekit.derive import (
    LABELS,
    PartialDate,
    babel_locale,
    copyright_year,
    inverted_name,
    is_person,
    join_names,
    labels_for,
    language_tag,
    parse_date,
    reader_date,
    rights_line,
    rights_summary,
    same_address,
    source_line,
)
from citekit.model import Author, Document, Metadata, Rights

# --------------------------------------------------------------------------------------------
# Dates


@pytest.mark.parametrize(("value", "expected"), [
    ("2017", PartialDate(year=2017)),
    ("2017-01", PartialDate(year=2017, month=1)),
    ("2017-01-29", PartialDate(year=2017, month=1, day=29)),
    (" 2017-01-29 ", PartialDate(year=2017, month=1, day=29)),
    ("2016-02-29", PartialDate(year=2016, month=2, day=29)),
    ("2017-01-29T10:00:00Z", PartialDate(year=2017, month=1, day=29)),
    ("2017-01-29T10:00+02:00", PartialDate(year=2017, month=1, day=29)),
])
def test_iso_dates_are_read_whole(value: str, expected: PartialDate) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", [
    "2017-02-30",  # not in the calendar (once accepted by the PDF and bibliographic writers)
    "2017-02-29", "2017-13", "2017-00", "2017-01-00", "0000",
    "20170",  # once read as 2017 by the PDF and the EPUB
    "2017-1-29", "2017/01/29", "January 2017", "2017-01-29T25:00", "2017-01T10:00", "", None,
])
def test_anything_else_is_not_a_date(value: str | None) -> None:
    assert parse_date(value) is None


def test_partial_dates_stay_partial() -> None:
    assert parse_date("2017-01") == PartialDate(year=2017, month=1)
    assert parse_date("2017-01").iso() == "2017-01"  # type: ignore[union-attr]
    assert parse_date("2017").parts == (2017,)  # type: ignore[union-attr]


@pytest.mark.parametrize(("language", "full", "month"), [
    ("en", "January 8, 2017", "January 2017"),
    ("en-GB", "8 January 2017", "January 2017"),
    ("es", "8 de enero de 2017", "enero de 2017"),
    ("pt", "8 de janeiro de 2017", "janeiro de 2017"),
    ("pt-BR", "8 de janeiro de 2017", "janeiro de 2017"),
    ("fr", "8 janvier 2017", "janvier 2017"),
    ("de", "8. Januar 2017", "Januar 2017"),
    ("it", "8 gennaio 2017", "gennaio 2017"),  # CLDR knows languages the label table does not
    (None, "January 8, 2017", "January 2017"),
    ("C", "January 8, 2017", "January 2017"),
])
def test_dates_for_readers_follow_the_language(language: str | None, full: str, month: str) -> None:
    assert reader_date(PartialDate(year=2017, month=1, day=8), language) == full
    assert reader_date(PartialDate(year=2017, month=1), language) == month
    assert reader_date(PartialDate(year=2017), language) == "2017"


# --------------------------------------------------------------------------------------------
# Language tags


@pytest.mark.parametrize(("value", "tag"), [
    ("en", "en"), ("EN", "en"), ("pt-BR", "pt-BR"), ("pt_BR.UTF-8", "pt-BR"), ("sr-Latn", "sr-Latn"),
    ("es-419", "es-419"), (" de ", "de"),
    ("C", None), ("POSIX", None), ("english", None), ("e", None), ("en--US", None), ("", None), (None, None),
])
def test_language_tags(value: str | None, tag: str | None) -> None:
    assert language_tag(value) == tag


def test_babel_locale_falls_back_to_the_language_then_english() -> None:
    assert babel_locale("pt-BR") == "pt_BR"
    assert babel_locale("en-XX") == "en"
    assert babel_locale("xx") == "en"
    assert babel_locale(None) == "en"


# --------------------------------------------------------------------------------------------
# Names


@pytest.mark.parametrize(("author", "person", "inverted"), [
    (Author(name="Stephen Lendman", given="Stephen", family="Lendman"), True, "Lendman, Stephen"),
    (Author(name="Lendman", family="Lendman"), True, "Lendman"),
    (Author(name="Washington's Blog", literal="Washington's Blog"), False, "Washington's Blog"),
    (Author(name="Madonna", given="Madonna"), False, "Madonna"),
    # A literal wins over stray name parts (document JSON written by hand).
    (Author(name="Acme", family="Acme", literal="Acme Inc."), False, "Acme Inc."),
    (Author(name="X", family=" "), False, "X"),
])
def test_is_person_and_inverted_name(author: Author, person: bool, inverted: str) -> None:
    assert is_person(author) is person
    assert inverted_name(author) == inverted


def test_names_are_joined_as_the_language_joins_lists() -> None:
    assert join_names(["Ana"], "es") == "Ana"
    assert join_names(["Ana", "Luis"], "es") == "Ana y Luis"
    assert join_names(["A", "B", "C"], "de") == "A, B und C"
    assert join_names(["A", "B", "C"], "en") == "A, B, and C"


# --------------------------------------------------------------------------------------------
# Rights


def jane(**rights: object) -> Document:
    return Document(metadata=Metadata(date="2017-01-29"),
                    rights=dataclasses.replace(Rights(holders=("Jane Doe",)), **rights))  # type: ignore[arg-type]


def test_the_rights_line_of_a_holder_without_a_statement() -> None:
    """The issue's example: one answer where the PDF said "© 2017 Jane Doe", the EPUB "© Jane Doe"
    and CSL-JSON and RIS "Copyright © Jane Doe."."""
    assert rights_line(jane()) == "© 2017 Jane Doe"
    year = copyright_year(jane())
    assert year is not None and (year.value, year.supplied, year.rule) == (2017, True, "publication-year")
    assert rights_line(jane(year=2015)) == "© 2015 Jane Doe"
    assert rights_line(jane(statement="Copyright (c) Jane Doe. All rights reserved.")) == \
        "Copyright (c) Jane Doe. All rights reserved."
    assert rights_line(Document(rights=Rights(holders=("A", "B")))) == "© A, B"
    assert rights_line(Document()) == ""


def test_rights_summary_and_source_line() -> None:
    document = jane(license="CC BY 4.0", license_url="https://creativecommons.org/licenses/by/4.0/",
                    source="The original source of this article is Example",
                    source_url="https://example.org/a")
    assert rights_summary(document) == \
        "© 2017 Jane Doe. CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/)."
    assert source_line(document) == "The original source of this article is Example (https://example.org/a)"


@pytest.mark.parametrize(("source", "url", "article", "line"), [
    # The attribution prints its address: not repeated (RIS N1 once held "Source: … Source: …").
    ("Source: https://www.x.org/a/", "https://www.x.org/a/", None, "Source: https://www.x.org/a/"),
    ("Source: www.x.org/a", "https://www.x.org/a/", None, "Source: www.x.org/a"),
    # The address is the article's own, which every format records in its own field.
    ("From X", "https://x.org/a", "https://x.org/a", "From X"),
    (None, "https://x.org/a", None, "Source: https://x.org/a"),
    ("(Source: Syrian Coalition)", None, None, "(Source: Syrian Coalition)"),
    (None, "javascript:alert(1)", None, ""),
])
def test_source_line_prints_an_address_once(source: str | None, url: str | None, article: str | None,
                                            line: str) -> None:
    document = Document(metadata=Metadata(url=article), rights=Rights(source=source, source_url=url))
    assert source_line(document) == line


def test_same_address_ignores_scheme_www_and_final_slash() -> None:
    assert same_address("https://www.x.org/a/", "see http://x.org/a.")
    assert not same_address("https://x.org/a", "see https://x.org/ab")
    assert not same_address("", "anything")


# --------------------------------------------------------------------------------------------
# Labels


def test_every_label_row_is_complete_and_distinct_from_english() -> None:
    english = LABELS["en"]
    assert {"en", "es", "pt", "fr", "de"} <= set(LABELS)
    for lang, labels in LABELS.items():
        assert labels.lang == lang
        for field in dataclasses.fields(labels):
            value = getattr(labels, field.name)
            assert value, f"{lang}.{field.name} is empty"
        assert set(labels.notices) == set(english.notices)
        assert "{names}" in labels.by and "{date}" in labels.accessed
        assert "{number}" in labels.page and "{total}" in labels.page
        if lang != "en":
            assert labels.colophon != english.colophon and labels.by != english.by


def test_labels_fall_back_to_english() -> None:
    assert labels_for("es-ES").by == "Por {names}"
    assert labels_for("ru") is LABELS["en"]
    assert labels_for(None) is LABELS["en"]
