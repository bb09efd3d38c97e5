"""The text normaliser: the seed, rights fixtures, the corpus invariant, encodings, generated input."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citekit.errors import InputError
from citekit.model import Document
from citekit.normalise import dates as D
from citekit.normalise import inlines as I
from citekit.normalise import normalise_text
from citekit.normalise.dates import parse_date
from citekit.normalise.shape import words as count_words
from citekit.normalise.tables.shapes import YEAR
from citekit.readers import read_bytes, read_path
from citekit.serialise import to_dict
from conftest import SEED, corpus_files

FIXTURES = Path(__file__).parent / "fixtures"


def test_seed_gives_every_labelled_field(seed_doc: Document) -> None:
    meta, rights = seed_doc.metadata, seed_doc.rights
    assert meta.title == "The Trump-Putin Phone Call: New US-Russia Partnership? Hold the Cheers!"
    assert [a.name for a in meta.authors] == ["Stephen Lendman"]
    author = meta.authors[0]
    assert (author.given, author.family, author.email) == ("Stephen", "Lendman", "lendmanstephen@sbcglobal.net")
    assert author.bio is not None and author.bio.startswith("Stephen Lendman lives in Chicago.")
    assert meta.site == "Global Research"
    assert meta.publisher == "Centre for Research on Globalization"
    assert meta.date == "2017-01-29"
    assert meta.language == "en"
    assert [(g.label, g.terms) for g in meta.keyword_groups] == [("Region", ("Russia and FSU", "USA"))]
    assert rights.statement == "Copyright © Stephen Lendman, Global Research, 2017"
    assert rights.holders == ("Stephen Lendman", "Global Research")
    assert rights.year == 2017
    assert rights.source == "The original source of this article is Global Research"
    assert [n.kind for n in rights.notices] == ["disclaimer", "permission", "fair-use", "contact"]
    assert rights.notices[0].text.startswith("Disclaimer: The contents of this article")
    assert "grants permission to cross-post" in rights.notices[1].text


def test_seed_body_back_and_removed(seed_doc: Document) -> None:
    data = to_dict(seed_doc)
    body = [block["text"] for block in data["body"]]
    assert body[0].startswith("Except for cooperating during WW II")
    assert body[-1].endswith('We have no naive expectations."')
    back = " ".join(item["text"] for item in data["back"])
    assert "Flashpoint in Ukraine" in back and "Progressive Radio News Hour" in back
    assert not any("Flashpoint" in text or "Lendman lives" in text for text in body)
    reasons = {r["reason"]: r["text"] for r in data["removed"]}
    assert "Facebook" in reasons["social-prompt"]
    assert "Become a Member" in reasons["membership"]
    assert reasons["navigation"].startswith("Articles by:")
    # The author box under "About the author:" repeats the bio after the article: one copy is kept,
    # the box (label, bio, links) is removed as a duplicate with its text, and what the second copy
    # adds ("It airs three times weekly…") joins the first, so that it reaches every output.
    duplicates = [r["text"] for r in data["removed"] if r["reason"] == "duplicate"]
    assert duplicates[0] == "About the author:"
    assert duplicates[1].startswith("Stephen Lendman lives in Chicago.")
    assert "It airs three times weekly" in duplicates[2]
    assert sum(1 for item in data["back"] if item["kind"] == "bio" and "lives in Chicago" in item["text"]) == 1
    bios = " ".join(item["text"] for item in data["back"] if item["kind"] == "bio")
    assert bios.count("It airs three times weekly") == 1
    assert bios.count("Listen to cutting-edge discussions") == 1


@pytest.mark.parametrize("fixture", sorted(p.stem for p in (FIXTURES / "rights").glob("*.txt")))
def test_rights_fixture(fixture: str) -> None:
    """One fixture file per rights pattern, with its expected fields beside it."""
    expected = json.loads((FIXTURES / "rights" / f"{fixture}.expected.json").read_text())
    data = to_dict(read_path(FIXTURES / "rights" / f"{fixture}.txt"))
    meta, rights = data["metadata"], data["rights"]
    for key, value in expected["metadata"].items():
        got = [a["name"] for a in meta.get("authors", [])] if key == "authors" else meta.get(key)
        assert got == value, f"metadata.{key}"
    for key, value in expected["rights"].items():
        assert rights.get(key, [] if key in ("holders", "notices") else None) == value, f"rights.{key}"
    assert data["body"][0]["text"].startswith(expected["body_first"])
    assert data["body"][-1]["text"].endswith(expected["body_last"])


# --------------------------------------------------------------------------------------------
# The invariant: every non-blank line has exactly one owner; nothing lost, nothing twice.


def _strings(node: object) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for value in node.values() for s in _strings(value)]
    if isinstance(node, list):
        return [s for value in node for s in _strings(value)]
    return []


def check_invariant(text: str, document: Document) -> None:
    data = to_dict(document)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    nonblank = {n for n, line in enumerate(lines, start=1) if line.strip()}
    owned: dict[int, str] = {}
    for span in document.provenance.lines:
        for number in range(span.start_line, span.end_line + 1):
            if number in nonblank:
                assert number not in owned, f"line {number} owned twice"
                owned[number] = span.role
    assert set(owned) == nonblank, f"lines without an owner: {sorted(nonblank - set(owned))[:5]}"
    # Nothing silently lost: every word of the input is somewhere in the document JSON. Words are
    # letters and digits: an underscore can be emphasis markup ("_0 0_" is an emphasised "0 0").
    seen = set(re.findall(r"[^\W_]+", " ".join(_strings(data)).lower()))
    missing = {w for w in re.findall(r"[^\W_]+", text.lower()) if w not in seen}
    assert not missing, f"words lost: {sorted(missing)[:10]}"
    # Nothing twice: a paragraph of body or back matter is printed once.
    paragraphs = [b["text"] for b in data["body"]] + [b["text"] for item in data["back"] for b in item["blocks"]]
    keyed = [re.sub(r"\W+", " ", p).strip().lower() for p in paragraphs]
    long_ones = [k for k in keyed if len(k.split()) >= 6]
    assert len(long_ones) == len(set(long_ones)), "a paragraph appears twice"


@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.name)
def test_corpus_invariant(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    check_invariant(text, read_path(path))


def test_corpus_scores_against_the_hand_labels() -> None:
    """The shipped scorer (tests/tools) on the labelled corpus (85 articles, in sample): mean ≥ 0.97,
    no field < 0.90. Generalisation is measured by benchmarks/leave_one_outlet_out.py."""
    from conftest import CORPUS, TRUTH
    from tools.score_normaliser import FIELDS, score_one

    truths = [json.loads(line) for line in TRUTH.read_text().splitlines() if line.strip()]
    hits = dict.fromkeys(FIELDS, 0)
    for truth in truths:
        for field, ok in score_one(truth, to_dict(read_path(CORPUS / truth["file"]))).items():
            hits[field] += ok
    shares = {field: hits[field] / len(truths) for field in FIELDS}
    assert min(shares.values()) >= 0.90, shares
    assert sum(shares.values()) / len(shares) >= 0.97, shares


# --------------------------------------------------------------------------------------------
# Encodings and input that is not text


def test_encodings_decode_to_the_same_document() -> None:
    text = SEED.read_text(encoding="utf-8")
    reference = normalise_text(text)
    for data in (
        b"\xef\xbb\xbf" + text.encode("utf-8"),
        text.encode("utf-16"),  # with BOM
        "\ufeff".encode("utf-16-be") + text.encode("utf-16-be"),
        text.replace("\n", "\r\n").encode("utf-8"),
    ):
        document = read_bytes(data, name="x.txt")
        assert document.metadata == reference.metadata
        assert document.body == reference.body


def test_legacy_single_byte_text_is_detected() -> None:
    text = ("Café Owners Protest New Rules\n\nBy José Núñez\n\nThe owners of forty cafés in the old town "
            "protested on Monday against rules that would ban tables on the pavement after nine o’clock, "
            "saying the change would cost them a third of their trade in the summer months.\n")
    document = read_bytes(text.encode("cp1252"), name="legacy.txt")
    assert document.metadata.title == "Café Owners Protest New Rules"
    assert [a.name for a in document.metadata.authors] == ["José Núñez"]
    assert "o’clock" in to_dict(document)["body"][0]["text"]


@pytest.mark.parametrize("data, needle", [
    (b"Title\n\nSome text\x00with a NUL byte\n", ":3:"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF"),
    (bytes(range(256)) * 8, "not"),
])
def test_input_that_is_not_text_is_a_clear_error(data: bytes, needle: str) -> None:
    with pytest.raises(InputError) as caught:
        read_bytes(data, name="bad.bin")
    message = str(caught.value)
    assert message.startswith("bad.bin") and needle in message


def test_invalid_utf16_names_the_line() -> None:
    data = "a\nb\n".encode("utf-16-le")
    with pytest.raises(InputError, match=r"bad\.txt"):
        read_bytes(b"\xff\xfe" + data + b"\x00\xd8", name="bad.txt")


# --------------------------------------------------------------------------------------------
# Dates and names


@pytest.mark.parametrize("printed, iso", [
    ("January 29, 2017", "2017-01-29"), ("29 Jan 2017", "2017-01-29"), ("2017-01-29", "2017-01-29"),
    ("08 Enero 2017", "2017-01-08"), ("13 de enero de 2017", "2017-01-13"), ("Febrero 19, 2013", "2013-02-19"),
    ("May 2017", "2017-05"), ("2017", "2017"), ("Saturday", None), ("the 5th of May", None),
    # Parts equal to the first default date (1904-02-03) need the second parse to be told apart.
    ("February 2017", "2017-02"), ("February 3, 2017", "2017-02-03"), ("March 3, 2017", "2017-03-03"),
    ("February 1904", "1904-02"), ("3 May 1904", "1904-05-03"),
])
def test_dates_keep_only_the_printed_parts(printed: str, iso: str | None) -> None:
    """dateutil fills missing parts from a default; citekit never lets today leak in."""
    assert parse_date(printed) == iso


_MONTH_SPELLINGS = [spelling for names in D._MONTH_NAMES.MONTHS for name in names
                    for spelling in (name, name.lower(), name.upper(), f"{name}.")] + ["Mai", "Janvier", "Jnuary"]


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(_MONTH_SPELLINGS), st.integers(0, 40), st.integers(1890, 2110), st.booleans(),
       st.sampled_from([" ", ", ", "  ", " ,"]), st.sampled_from(["", "th", "st"]))
def test_common_date_shapes_read_as_dateutil_reads_them(month: str, day: int, year: int, day_first: bool,
                                                        separator: str, ordinal: str) -> None:
    """"January 29, 2017" and "29 January 2017" are read without dateutil: the answer must be the same."""
    if day_first:
        printed = f"{day}{ordinal} {month}{separator}{year}"
    else:
        printed = f"{month} {day:02d}{ordinal}{separator}{year}"
    D.parse_date.cache_clear()
    fast = parse_date(printed)
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setattr(D, "_read_common_shape", lambda cleaned: None)
        D.parse_date.cache_clear()
        assert parse_date(printed) == fast, printed
    D.parse_date.cache_clear()


def test_common_date_shapes_skip_dateutil() -> None:
    assert D._read_common_shape("January 29 2017") == D._read_common_shape("29 Jan. 2017") == "2017-01-29"
    assert D._read_common_shape("February 30 2017") is None  # dateutil decides
    assert D._read_common_shape("Monday January 29 2017") is None


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab \t\n\xa0.")), max_size=40), st.integers(0, 30))
def test_word_count_is_exact_up_to_its_limit(text: str, limit: int) -> None:
    assert count_words(text, limit) == min(len(text.split()), limit + 1)


def test_byline_forms() -> None:
    cases = {
        "By Jane Roe and John Doe": ["Jane Roe", "John Doe"],
        "by Ann Lee, Bo Chan and Cy Young": ["Ann Lee", "Bo Chan", "Cy Young"],
        "Posted by Maria Gomez": ["Maria Gomez"],
        "Author: Kim Park": ["Kim Park"],
    }
    for byline, names in cases.items():
        text = (f"A Headline About Something\n\n{byline}\n\nThe first paragraph of the article runs long enough "
                "to be read as prose by anyone, with a subject, a verb and a full stop at the end.\n")
        assert [a.name for a in normalise_text(text).metadata.authors] == names, byline
    empty = normalise_text("A Headline Here\n\nBy\n\nThe article itself starts here and goes on for a good while "
                           "longer than any headline would, which makes it the body.\n")
    assert empty.metadata.authors == ()
    check_invariant("A Headline Here\n\nBy\n\nThe article itself starts here and goes on for a good while longer "
                    "than any headline would, which makes it the body.\n", empty)


def test_markdown_remnants_become_inlines() -> None:
    text = ("Links Everywhere\n\nSee [the report](https://example.org/r) and [a dead link](#), "
            "<https://example.org/auto>, *emphasis*, **strong** and mail@example.org, or "
            "[bad](javascript:alert(1)).\n")
    data = to_dict(normalise_text(text))
    inlines = data["body"][0]["inlines"]
    links = [i["url"] for i in inlines if i["type"] == "link"]
    assert links == ["https://example.org/r", "https://example.org/auto", "mailto:mail@example.org"]
    assert "a dead link" in data["body"][0]["text"] and "javascript" not in json.dumps(links)
    assert {i["type"] for i in inlines} >= {"emph", "strong", "link", "str"}


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("aΣσςİiK\u212a ſs.\t\n\xa0\u2009")), max_size=40))
def test_lower_case_of_the_whole_text_splits_into_the_lines_lower_case(text: str) -> None:
    """normalise_text lowers the whole text once and splits it: lower() must not reach across lines."""
    whole = [line.strip() for line in text.lower().split("\n")]
    assert whole == [line.strip().lower() for line in text.split("\n")]


def test_second_copyright_and_licence_lines_are_kept() -> None:
    """Found by the generated-input test: a second copyright line used to vanish from the output."""
    text = ("Title\n\nBody text of the article that is long enough to be prose, with enough words to count.\n\n"
            "Copyright © 2017 X, Inc. All rights reserved.\n©2 Photo Agency\n"
            "Licensed under CC BY 4.0.\nAlso licensed under a Creative Commons licence for schools.\n")
    rights = normalise_text(text).rights
    assert rights.statement == "Copyright © 2017 X, Inc. All rights reserved. ©2 Photo Agency"
    assert (rights.holders, rights.year) == (("X, Inc",), 2017)
    assert rights.license == "Licensed under CC BY 4.0. Also licensed under a Creative Commons licence for schools."
    check_invariant(text, normalise_text(text))


# --------------------------------------------------------------------------------------------
# Generated input: the normaliser never raises on text, and the invariant always holds.

_FRAGMENTS = [
    "By Jane Doe", "by", "Posted on by admin", "January 29, 2017", "Global Research, January 29, 2017",
    "Region: [A](#), [B](#)", "Copyright © 2017 X, Inc. All rights reserved.", "Source: https://example.org/a/b",
    "The original source of this article is X", "# A Title", "> a quote", "- item", "1. first", "-", "—-",
    "Disclaimer: nothing here is advice.", "About the author:", "Jane Doe lives in Paris.", "NOTES",
    "[1] http://example.org", "Read More @ example.com", "Headline: buy now", "<http://example.org>",
    "The post T appeared first on Y.", "(Source: Z)", "Tags a b c.", "Photo Credit: x", "from", "X Website",
    "A long paragraph of prose that goes on and on, with the words the reader expects to see in a body, "
    "and it ends with a full stop.", "Short line", "ALL CAPS KICKER", "", "", "\t", "[x](javascript:y)",
]


# Cases the generated test below found, kept as explicit cases (CI runs hypothesis derandomized).
_FOUND = [
    ["by", "0:0:0:0:0:0", "0:0:0:0:0:0"],
    ["0:0:0:0:0:0", "Posted on by admin", "0:0:0:0:0:0"],
    ["About the author:", "About the author:"],
    ["_0 0_"],
    ["Title", "", "Body text of the article that is long enough to be prose, with enough words to count.", "",
     "Copyright © 2017 X, Inc. All rights reserved.", "©2 Photo Agency"],
]


@pytest.mark.parametrize("parts", _FOUND, ids=lambda parts: repr(parts)[:40])
def test_found_cases_hold_the_invariant(parts: list[str]) -> None:
    text = "\n".join(parts)
    check_invariant(text, normalise_text(text))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(_FRAGMENTS), st.text(max_size=80)), max_size=30))
def test_any_text_normalises_with_the_invariant(parts: list[str]) -> None:
    text = "\n".join(parts)
    document = normalise_text(text)
    clean = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", " ", text)
    check_invariant(clean, document)
    to_dict(document)  # serialisable


_MARKUP_PIECES = ["[a](https://x.org/a)", "[b](#)", "<https://x.org/c>", "<mailto:m@x.org>", "https://x.org/d.",
                  "m@x.org", "`code`", "**strong**", "*em*", "_em_", "snake_case_word", "a*b", " ", "word", "2*3"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_MARKUP_PIECES), st.text(alphabet="ab *_`@[]()<>:/.", max_size=12)),
                max_size=8))
def test_inline_token_pattern_per_text_matches_the_full_one(parts: list[str]) -> None:
    """The token regex holds only the kinds whose marks the text holds; it parses as the full one."""
    text = "".join(parts)
    fast = I.parse_inlines(text)
    full = I._token_pattern(frozenset(I._MARKUP_HINTS))
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setattr(I, "_token_pattern", lambda marks: full)
        monkeypatch.setattr(I, "_may_hold_markup", lambda value: True)
        assert I.parse_inlines(text) == fast


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("0129 a_é-,")), max_size=20))
def test_year_pattern_finds_whole_word_years(text: str) -> None:
    """YEAR opens with its digits for speed; it finds exactly what \\b(?:19|20)\\d{2}\\b finds."""
    plain = re.compile(r"\b(?:19|20)\d{2}\b")
    assert [m.span() for m in YEAR.finditer(text)] == [m.span() for m in plain.finditer(text)]


def test_seed_document_json_golden(seed_doc: Document, golden) -> None:  # type: ignore[no-untyped-def]
    """The whole document JSON of the seed, reviewed by hand (pytest --update-golden rewrites it)."""
    from citekit.serialise import dumps

    golden("seed.citekit.json", dumps(seed_doc).encode("utf-8"))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["Jane", "Stephen", "Lendman", "D.", "Q.", "Anne-Marie", "O’Brien", "Núñez",
                                 "van", "Dr.", "Jr.", "III", "Smith", "de", "la", "Cruz"]), min_size=2, max_size=4))
def test_name_fast_path_agrees_with_nameparser(words: list[str]) -> None:
    """Plain "Given Family" and "Given I. Family" skip nameparser: they must split as it would."""
    from nameparser import HumanName

    from citekit.normalise.names import split_name

    name = " ".join(words)
    author = split_name(name)
    parsed = HumanName(name)
    given = " ".join(p for p in (parsed.first, parsed.middle) if p).strip()
    family = " ".join(p for p in (parsed.last, parsed.suffix) if p).strip()
    if author.literal is None:
        assert (author.given, author.family) == (given, family)
