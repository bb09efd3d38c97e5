"""The normaliser's rules as data: the registry, the literals derived from each row, the prefilter
that rests on them, and the options that switch rules off."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citekit.normalise import NormaliseOptions, normalise_text
from citekit.normalise.classify import _enabled_rows, classify
from citekit.normalise.lines import Line, clean_text, read_lines
from citekit.normalise.prefilter import build, line_candidates
from citekit.normalise.rules import GENRE, Rule, required_literals, row
from citekit.normalise.tables import ALL_RULES, LINE_ROWS, RULES
from citekit.serialise import to_dict
from conftest import SEED, corpus_files

# --------------------------------------------------------------------------------------------
# The registry


def test_rule_ids_are_unique_and_dotted() -> None:
    ids = [rule.id for rule in ALL_RULES]
    assert len(ids) == len(set(ids)) == len(RULES)
    assert all(re.fullmatch(r"[a-z]+(?:\.[a-z0-9-]+)+", rule_id) for rule_id in ids), ids


def test_every_rule_says_why_and_where_from() -> None:
    for rule in ALL_RULES:
        assert len(rule.note) > 20, rule.id
        assert rule.origins, rule.id
        assert all(re.fullmatch(r"[a-z0-9-]+", origin) for origin in rule.origins), rule.id


def test_a_row_declares_exactly_the_groups_of_its_pattern() -> None:
    with pytest.raises(ValueError, match="declared"):
        Rule(id="x.y", kind="source", note="a row whose declared groups are wrong",
             pattern=re.compile(r"(?P<site>.+)"), groups=("url",))
    for rule in ALL_RULES:
        if rule.pattern is not None:
            assert set(rule.groups) == set(rule.pattern.groupindex), rule.id


def test_the_groups_the_stages_read_exist() -> None:
    """Stages read "site", "url", "names", "name", "label", "terms", "rest", "from": the rows that
    feed them declare them."""
    kinds_groups = {"keywords": {"label", "terms"}, "bio-label": {"name"}}
    for rule in LINE_ROWS:
        for group in kinds_groups.get(rule.kind, ()):
            assert group in rule.groups, (rule.id, group)
    for rule in LINE_ROWS:
        if rule.kind == "source":
            assert {"site", "url"} & set(rule.groups), rule.id


def test_unknown_rule_ids_are_refused() -> None:
    with pytest.raises(ValueError, match=r"unknown rule ids: no\.such-rule"):
        normalise_text("Text", options=NormaliseOptions(disabled=frozenset({"no.such-rule"})))


def test_switching_a_rule_off_changes_what_it_decided() -> None:
    text = SEED.read_text(encoding="utf-8")
    on = normalise_text(text)
    off = normalise_text(text, options=NormaliseOptions(disabled=frozenset({"boilerplate.social.comment-on"})))
    assert any(r.reason == "social-prompt" for r in on.removed)
    assert not any(r.reason == "social-prompt" for r in off.removed)
    assert "Comment on Global Research Articles" in " ".join(i["text"] for i in to_dict(off)["back"])


def test_every_line_names_a_registered_rule() -> None:
    for path in corpus_files()[::4]:
        document = normalise_text(path.read_text(encoding="utf-8"))
        for span in document.provenance.lines:
            assert span.rule in RULES, (path.name, span)
        for entry in document.provenance.fields:
            rule = entry.rule.removesuffix(" (not chosen)").removesuffix(" (no value)")
            assert rule in RULES or rule == "cld2", (path.name, entry.rule)


# --------------------------------------------------------------------------------------------
# Literals derived from the regexes


@pytest.mark.parametrize("pattern, expected", [
    (r"^(?:read more|continue reading)\b", {("read more", 0), ("continue reading", 0)}),
    (r"\bleave a comment\b", {("leave a comment", None)}),
    (r"^(?:this (?:article|post) was )?originally published", {("originally published", 17)}),
    (r"^(?:subscribe|sign up) to", {("subscribe", 0), ("sign up", 0)}),  # the parser factors out their "s"
    (r"^(?:×|✕|✖)\s", {("×", 0), ("✕", 0), ("✖", 0)}),
    (r"\b(?:19|20)\d{2};\s?\d+", {(";", None)}),  # a rare character beats two common digits
    (r"^\d+ comments?$", {(" comment", None)}),
    (r"(?:a|b)+x?", None),  # single common letters are no filter at all
    (r"^[A-Z][a-z]+ [A-Z][a-z]+$", None),
])
def test_required_literals(pattern: str, expected: set[tuple[str, int | None]] | None) -> None:
    found = required_literals(re.compile(pattern, re.IGNORECASE))
    assert (None if found is None else {(lit.text, lit.max_start) for lit in found}) == expected


def _row_rules() -> list[Rule]:
    return [rule for rule in LINE_ROWS if rule.literals is not None]


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(st.sampled_from(_row_rules()).flatmap(lambda rule: st.tuples(st.just(rule), st.from_regex(rule.pattern))),
       st.sampled_from(["", " and more text after it", "x " * 120]))
def test_every_line_a_row_matches_reaches_that_row(case: tuple[Rule, str], padding: str) -> None:
    """The derived literals are necessary: any line the row's regex matches holds one of them, where
    the row allows it; so the prefilter never hides a row from a line it would match."""
    rule, example = case
    line = " ".join((example + padding).split())
    if not line or rule.pattern.search(line) is None:  # type: ignore[union-attr]
        return
    assert rule.id in line_candidates((rule,), line.lower()) or any(ch in line for ch in "İıſ"), (rule.id, line)


def test_prefilters_never_change_a_document() -> None:
    """The same corpus with every row tried on every line gives the same documents."""
    for path in corpus_files():
        text = path.read_text(encoding="utf-8")
        fast = to_dict(normalise_text(text, name=path.name))
        slow = to_dict(normalise_text(text, name=path.name, options=NormaliseOptions(prefilters=False)))
        assert fast == slow, path.name


def test_the_prefilter_lets_most_prose_skip_every_row() -> None:
    rows = tuple(rule for rule in _enabled_rows(frozenset()) if rule.literals is not None)
    lines = [line for path in corpus_files() for line in read_lines(clean_text(path.read_text(encoding="utf-8")))
             if line is not None]
    reached = sum(1 for allowed in build(rows).candidates([line.lowered for line in lines]) if allowed)
    assert reached < 0.25 * len(lines), (reached, len(lines))


def test_lines_with_case_folding_letters_reach_every_row() -> None:
    """A case-insensitive regex matches "ſ" to "s"; lower() does not: such a line skips the prefilter."""
    lines = read_lines("ſubſcribe to our newsletter now")
    (found,) = classify(lines, NormaliseOptions())
    assert found is not None and found.kind == "removed"


def test_genre_rules_are_marked() -> None:
    assert frozenset({"genre"}) == GENRE
    assert RULES["header.first-headline"].origins == GENRE
    assert "bibliotecapleyades" in RULES["site.website-name"].origins


def test_a_row_helper_compiles_case_insensitively() -> None:
    rule = row("test.row", "removed", r"^read more$", "a row written for this test only", reason="navigation")
    assert rule.pattern is not None and rule.pattern.flags & re.IGNORECASE
    assert rule.label == "navigation"
    assert Line(1, "Read More", "Read More", "read more") is not None


def test_leave_one_outlet_out_switches_off_only_single_outlet_rules() -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from leave_one_outlet_out import rules_only_from

    off = rules_only_from("bibliotecapleyades")
    assert "site.website-name" in off
    assert "site.from-website" not in off  # also written as a convention of reposts in general
    assert all(RULES[rule_id].origins == {"bibliotecapleyades"} for rule_id in off)
