"""The normaliser stage by stage: each stage is a function from an immutable input to a typed result,
tested on small inputs of its own (the end-to-end tests are in test_normalise.py)."""

from __future__ import annotations

import pytest

from citekit.normalise import NormaliseOptions, NormaliserBug, normalise_text
from citekit.normalise import credits as C
from citekit.normalise.assemble import Parts, assemble
from citekit.normalise.blocks import blocks
from citekit.normalise.body import read_body
from citekit.normalise.classify import classify
from citekit.normalise.dedupe import deduplicate, key
from citekit.normalise.findings import Claim
from citekit.normalise.header import read_header
from citekit.normalise.lines import clean_text, read_lines
from citekit.normalise.peel import peel
from citekit.normalise.units import layout, units

OPTIONS = NormaliseOptions()
PROSE = ("The council met on Tuesday and agreed a budget that raises spending on schools, roads and "
         "libraries by a tenth, after a debate that lasted well into the evening.")


def _units(text: str):  # type: ignore[no-untyped-def]
    return units(classify(read_lines(clean_text(text)), OPTIONS), OPTIONS)


def _kinds(text: str) -> list[tuple[str | None, str]]:
    return [(item.kind, item.rule) for item in classify(read_lines(clean_text(text)), OPTIONS) if item is not None]


# --------------------------------------------------------------------------------------------
# Stage 1: lines


def test_lines_keep_numbers_plain_text_indent_and_cuts() -> None:
    lines = read_lines(clean_text("\ufeffTitle\r\n\r\n  [Linked](#) text\r\nWrapped in the \nmiddle\x07 end"))
    assert [line.number if line else None for line in lines] == [1, None, 3, 4, 5]
    assert lines[2] is not None and (lines[2].raw, lines[2].plain, lines[2].indent) == ("[Linked](#) text",
                                                                                      "Linked text", 2)
    assert lines[3] is not None and lines[3].cut and lines[3].raw == "Wrapped in the"
    assert lines[4] is not None and lines[4].raw == "middle  end"  # a control character became a space


# --------------------------------------------------------------------------------------------
# Stage 2: classified lines


@pytest.mark.parametrize("line, kind, rule", [
    ("By Jane Roe and John Doe", "byline", "byline.labelled"),
    ("Posted by Maria Gomez at 9:50 AM", "byline", "byline.posted-by"),
    ("Orion Jones on November 8, 2012, 12:43 PM", "byline", "byline.name-on-date"),
    ("By Electronista Staff", "byline", "byline.staff"),
    ("updated 09:40 pm EDT, Fri October 26, 2012", "date", "date.line"),
    ("posted 16 mins ago", "date", "date.relative"),
    ("Global Research, January 29, 2017", "site-and-date", "site.outlet-and-date"),
    ("80510 SHARES Facebook Twitter Reddit Stumbleupon Pinterest", "removed", "boilerplate.social.share-bar"),
    ("Advertisement - story continues below", "removed", "boilerplate.advert.story-continues"),
    ("!@#$%^&*()  COMMENTS", "comments", "boilerplate.comments.separator"),
    ("[youtube https://www.youtube.com/watch?v=LyRBtbC69V0]", "removed", "boilerplate.embed.shortcode"),
    ("The original source of this article is Global Research", "source", "source.original-source"),
    ("Source: Guardian and agencies", "source", "source.name"),
    ("Read it at New Scientist", "source", "source.read-it-at"),
    ("Copyright © 2017 X, Inc. All rights reserved.", "rights", "rights.copyright"),
    ("© 2016 EDICIONES EL PAÍS, SL. DIREITOS RESERVADOS.", "rights", "rights.copyright"),
    ("Disclaimer: the views expressed are the author's own.", "disclaimer", "notice.disclaimer"),
    ("Featured image via Franco Origlia/Getty Images.", "caption", "back.caption"),
    ("h/t The Right Scoop", "credit", "back.hat-tip"),
    ("Referencias", "notes-label", "back.notes-label"),
    ("Erin Gloria Ryan", "name-line", "header.bare-name-byline"),
    ("https://example.org/a/b", "url-line", "shape.url-line"),
    ("-----", "separator", "shape.separator"),
    ("About the author:", "bio-label", "back.bio-label"),
])
def test_lines_are_classified(line: str, kind: str, rule: str) -> None:
    assert _kinds(line) == [(kind, rule)]


def test_prose_is_content() -> None:
    assert _kinds(PROSE) == [(None, "")]


def test_a_date_printed_one_part_a_line_is_one_date_line() -> None:
    kinds = _kinds("24\nJul\n2012\n9:05am, EDT\nA Headline About Cocaine\n\n" + PROSE)
    assert kinds[:4] == [("date", "date.split-over-lines")] * 4


def test_a_quoted_source_line_is_a_source() -> None:
    assert _kinds("> Source: https://example.org/a") == [("source", "source.url")]


@pytest.mark.parametrize("line, names, site, date", [
    ("by Timothy B. Lee - Aug 9, 2012 7:30 pm UTC", ("Timothy B. Lee",), None, "2012-08-09"),
    ("November 4, 2012 5:12 pm AEST — By Long Zheng", ("Long Zheng",), None, "2012-11-04"),
    ("By Elizabeth Chuck, NBC News", ("Elizabeth Chuck",), "NBC News", None),
    ("By A. Pawlowski, NBC News contributor", ("A. Pawlowski",), "NBC News", None),
    ("by Harvey Organ, Harvey Organ Blog:", ("Harvey Organ",), "Harvey Organ Blog", None),
    ("por Rebecca Perring 03 Julio 2016", ("Rebecca Perring",), None, "2016-07-03"),
    ("Submitted by Kyle Mantyla on Thu, 08/09/2012 - 3:04pm", ("Kyle Mantyla",), None, "2012-08-09"),
    ("by White on Rice Couple on November 12, 2012", ("White on Rice Couple",), None, "2012-11-12"),
    ("Von Redaktion", (), None, None),
])
def test_credits_are_read_in_any_order(line: str, names: tuple[str, ...], site: str | None, date: str | None) -> None:
    credit = C.read_credit(line)
    assert credit is not None
    assert (credit.names, credit.site, credit.date) == (names, site, date)


@pytest.mark.parametrize("line", ["By the way, this is fine", "Stand by me", "The council met on Tuesday"])
def test_sentences_are_not_credits(line: str) -> None:
    assert C.read_credit(line) is None


# --------------------------------------------------------------------------------------------
# Stage 3: units


def test_blank_separated_text_keeps_header_lines_apart() -> None:
    found = _units(f"Letting Bluetooth Shift Your Gears\nOrion Jones on November 8, 2012\n\n{PROSE}\n{PROSE}\n\n"
                   f"{PROSE}\n\n{PROSE}\n\n{PROSE}")
    assert [u.plain[:20] for u in found[:3]] == ["Letting Bluetooth Sh", "Orion Jones on Novem", PROSE[:20]]
    assert len(found[2].numbers) == 2  # two lines of one paragraph, once the body has started


def test_hard_wrapped_text_joins_until_a_short_line_ends_a_sentence() -> None:
    wrapped = "\n".join(["The council met on Tuesday and agreed a budget that raises spending",
                         "on schools, roads and libraries by a tenth, after a debate that",
                         "lasted into the evening.", "A second paragraph starts here and goes on for",
                         "a while."])
    found = _units(wrapped)
    assert layout(classify(read_lines(wrapped), OPTIONS)).hard_wrapped
    assert [len(u.numbers) for u in found] == [3, 2]


def test_a_line_cut_mid_sentence_continues() -> None:
    text = f"{PROSE}\nDie Weltgesundheitsorganisation WHO hat \nvor einer Zahl gewarnt.\n{PROSE}\n{PROSE}"
    assert [len(u.numbers) for u in _units(text)] == [1, 2, 1, 1]


# --------------------------------------------------------------------------------------------
# Stage 4: header


def _header(text: str):  # type: ignore[no-untyped-def]
    found = _units(text)
    return found, read_header(found, OPTIONS)


def _values(header, field: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [c.value for c in header.candidates if c.field == field]


def test_header_reads_title_byline_date_and_finds_the_body() -> None:
    found, header = _header(f"The Title Of It\n\nBy Jane Roe\n\nJanuary 29, 2017\n\n{PROSE}")
    assert _values(header, "title") == ["The Title Of It"]
    assert _values(header, "author") == ["Jane Roe"]
    assert _values(header, "date") == ["2017-01-29"]
    assert found[header.start].plain == PROSE


def test_a_name_alone_under_the_headline_is_the_byline() -> None:
    _, header = _header(f"Tami Taylor Confirms What Everyone Knew\nErin Gloria Ryan\n\n{PROSE}")
    assert _values(header, "author") == ["Erin Gloria Ryan"]


def test_a_headline_under_a_date_line_is_the_title() -> None:
    _, header = _header(f"Wednesday, October 17, 2012\nThe October Standards Committee meeting\n\n{PROSE}")
    assert _values(header, "title") == ["The October Standards Committee meeting"]
    assert _values(header, "date") == ["2012-10-17"]


def test_a_dateline_alone_opens_the_body() -> None:
    found, header = _header(f"Rockies To Sell Brownies At Games\n\nDENVER, COLORADO -\n\n{PROSE}")
    assert found[header.start].plain == "DENVER, COLORADO -"


def test_a_german_teaser_above_an_untitled_article_is_the_dek() -> None:
    teaser = "Die vermehrte Einnahme der Arzneimittel habe Folgen. Das bedrohe das Leben von Patienten, warnt die WHO."
    body = ("Die Weltgesundheitsorganisation hat vor einer wachsenden Zahl von Toten durch den übermäßigen Einsatz "
            "von Antibiotika gewarnt, sagte der Generaldirektor am Montag in Genf vor Journalisten.")
    found, header = _header(f"{teaser}\n{body}\n{body} Zweitens.\n{body} Drittens.")
    assert _values(header, "subtitle") == [teaser]
    assert found[header.start].plain == body
    english = NormaliseOptions()
    assert read_header(_units(f"{PROSE}\n{PROSE} Two.\n{PROSE} Three."), english).start == 0


# --------------------------------------------------------------------------------------------
# Stage 5: body and end matter


def _body(text: str):  # type: ignore[no-untyped-def]
    found = _units(text)
    header = read_header(found, OPTIONS)
    return read_body(found, header, OPTIONS)


def test_end_matter_leaves_the_body() -> None:
    body = _body(f"{PROSE}\n\n{PROSE} Again.\n\nThe original source of this article is Example News\n\n"
                 "Copyright © 2017 Example News\n\nShare this story")
    assert [entry.unit.plain for entry in body.entries] == [PROSE, f"{PROSE} Again."]
    assert {c.field for c in body.candidates} >= {"site", "source", "statement"}
    assert [r.reason for r in body.removals] == ["social-prompt"]


def test_reader_comments_after_their_opener_are_removed() -> None:
    body = _body(f"{PROSE}\n\n{PROSE} Again.\n\n12 Responses\n\nGreat post!\n\nI disagree with all of it, sorry.")
    assert [entry.unit.plain for entry in body.entries] == [PROSE, f"{PROSE} Again."]
    assert [r.reason for r in body.removals] == ["comments", "comments", "comments"]


def test_a_closing_blog_credit_gives_author_and_date() -> None:
    body = _body(f"{PROSE}\n\n{PROSE} Again.\n\nAugust 9, 2012 6:11 AM\nPosted By: Samuel Wade")
    assert {(c.field, c.value) for c in body.candidates} >= {("weak-author", "Samuel Wade"), ("date", "2012-08-09")}


def test_a_bare_url_on_the_last_line_is_the_source_url() -> None:
    body = _body(f"{PROSE}\n\n{PROSE} Again.\n\nhttps://example.org/2016/06/the-article.html")
    assert ("url", "https://example.org/2016/06/the-article.html") in {(c.field, c.value) for c in body.candidates}


def test_a_bio_must_close_the_text() -> None:
    early = _body(f"{PROSE}\n\nDonald Trump has been running full-steam now for months and more.\n\n"
                  + "\n\n".join(f"{PROSE} {n}." for n in range(2, 7)))
    assert not early.bios
    late = _body(f"{PROSE}\n\n{PROSE} 2.\n\nJane Roe lives in Chicago and writes about schools.")
    assert [name for name, _, _ in late.bios] == ["Jane Roe"]


# --------------------------------------------------------------------------------------------
# Stage 6: peel


def test_a_one_line_dataset_text_loses_its_date_headline_and_source() -> None:
    text = ("7 July 2015 Bomber kills 25 soldiers in Aleppo. A suicide bomber killed 25 soldiers on Tuesday, "
            + "the monitor said, in a government-held district of the city that had been quiet for weeks. " * 3
            + "(Source: Syrian Coalition)")
    found = _units(text)
    header = read_header(found, OPTIONS)
    body = read_body(found, header, OPTIONS)
    peeled = peel(body.entries, False, False, OPTIONS)
    values = {(c.field, c.value) for c in peeled.candidates}
    assert {("date", "2015-07-07"), ("title", "Bomber kills 25 soldiers in Aleppo"),
            ("site", "Syrian Coalition")} <= values
    (entry,) = peeled.entries
    assert entry.unit.raw.startswith("A suicide bomber") and entry.unit.raw.endswith("for weeks.")


def test_a_one_line_text_of_joined_blocks_loses_its_headline_and_standfirst() -> None:
    text = ("Península nuclearizada. Teste de bomba faz com que a Coreia do Sul queira ogiva.  "
            + "O ritmo acelerado com que a Coreia do Norte desenvolve seu programa nuclear supera as previsões. " * 4)
    document = normalise_text(text)
    assert document.metadata.title == "Península nuclearizada"
    assert document.metadata.subtitle == "Teste de bomba faz com que a Coreia do Sul queira ogiva."


# --------------------------------------------------------------------------------------------
# Stage 7: duplicates


def test_keys_read_short_paragraphs_word_by_word() -> None:
    assert key("0:0:0:0:0:0") == key("0 0 0 0 0 0") == "0 0 0 0 0 0"
    assert key("a  b\tc") == "a b c"


def test_text_printed_twice_keeps_one_copy() -> None:
    body = _body(f"{PROSE}\n\n0:0:0:0:0:0\n\n{PROSE}\n\n0:0:0:0:0:0\n\n{PROSE} The end.")
    unique = deduplicate(body.entries, body.back, OPTIONS)
    assert [entry.unit.plain for entry in unique.entries] == [PROSE, "0:0:0:0:0:0", f"{PROSE} The end."]
    assert [r.reason for r in unique.removals] == ["duplicate", "duplicate"]


# --------------------------------------------------------------------------------------------
# Stage 8: blocks


def test_indented_paragraphs_are_quotations() -> None:
    body = _body(f"{PROSE}\n\n    A quoted passage from the report, indented as pages print them.\n\n"
                 f"    And its second paragraph, also indented.\n\n{PROSE} Again.")
    found = blocks(body.entries)
    assert [type(block).__name__ for block in found] == ["Para", "Quote", "Para"]


# --------------------------------------------------------------------------------------------
# Stage 9: assembly


def test_assembly_fails_loudly_when_a_line_has_two_owners() -> None:
    lines = read_lines("Title\n\nBody")
    parts = Parts(lines=lines, text="Title\n\nBody", candidates=(), removals=(), body=(), back=(), bios=(),
                  claims=(Claim((1,), "title", "header.first-headline"), Claim((1,), "byline", "byline.labelled"),
                          Claim((3,), "body", "body.paragraph")),
                  body_lines=(), body_rules=(), enabled=frozenset())
    with pytest.raises(NormaliserBug, match="line 1 has two owners"):
        assemble(parts, name=None, raw=None)
    unowned = Parts(lines=lines, text="Title\n\nBody", candidates=(), removals=(), body=(), back=(), bios=(),
                    claims=(Claim((1,), "title", "header.first-headline"),), body_lines=(), body_rules=(),
                    enabled=frozenset())
    with pytest.raises(NormaliserBug, match="line 3 has no owner"):
        assemble(unowned, name=None, raw=None)


def test_the_strongest_candidate_wins_and_the_others_are_recorded() -> None:
    text = (f"A Headline Here\n\nBy Jane Roe, Daily Example\n\n{PROSE}\n\n{PROSE} Again.\n\n"
            "The original source of this article is Example Weekly")
    document = normalise_text(text)
    assert document.metadata.site == "Example Weekly"  # a named original outlet beats a byline's
    rules = [f.rule for f in document.provenance.fields if f.field == "metadata.site"]
    assert "source.original-source" in rules and "byline.labelled (not chosen)" in rules
