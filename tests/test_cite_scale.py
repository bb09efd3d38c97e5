"""Bibliographies at scale: groups, batches, the order pass and the cache give exactly what one
pandoc pass over the whole list gives (``citekit.citations.engine``)."""

from __future__ import annotations

import json
import random
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from citekit.citations import CiteOptions, format_citations, render_items, resolve_style
from citekit.citations.engine import citation_data
from citekit.citations.groups import independent_groups, keep_neighbours, might_share_names
from citekit.citations.render import render_blocks, render_citation
from citekit.citations.traits import order_style, style_traits
from citekit.cli import main
from citekit.errors import InputError, OptionError
from citekit.pandoc import bundled_pandoc, pandoc_json
from citekit.readers import read_path
from conftest import ROOT, SEED, corpus_files

SHIPPED = sorted(p.stem for p in (ROOT / "styles").glob("*.csl"))
SPLIT = CiteOptions(batch_entries=4, jobs=2)
ONE_PASS = CiteOptions(split=False)

FAMILIES = [f"Fam{letter}" for letter in "ABCDEFGHIJKLMNOPQRSTU"] + ["Smith", "de Gaulle", "Gaulle", "Lee", "Li"]
GIVEN = ["John", "Jane", "J.", "Ann", "Anne", "Charles", None]
TITLES = ["Report", "Water Wars", "Smith", "Report: Part Two", "The Economy", "Ann Lee"]


def generated(seed: int, count: int) -> list[dict[str, Any]]:
    """CSL items with what makes citeproc look at other entries: same-name authors (and names that
    differ in case or particle), the same author in the same year, anonymous and undated works,
    organisations, and titles that read like someone's name."""
    rng = random.Random(seed)
    items = []
    for n in range(count):
        item: dict[str, Any] = {
            "type": rng.choice(["webpage", "article-newspaper", "post-weblog"]),
            "title": rng.choice([*TITLES, f"Piece {n}"]),
        }
        if rng.random() < 0.7:
            item["container-title"] = rng.choice(["Global Research", "Alternet", "Reuters"])
        kind = rng.random()
        if kind < 0.15:
            pass  # anonymous
        elif kind < 0.25:
            item["author"] = [{"literal": rng.choice(["World Health Organization", "Reuters", "Smith", "Staff"])}]
        else:
            item["author"] = [
                {"family": rng.choice(FAMILIES), **({"given": g} if (g := rng.choice(GIVEN)) else {})}
                for _ in range(rng.choice([1, 1, 1, 2, 3, 4]))
            ]
        if rng.random() < 0.8:  # else undated
            item["issued"] = {"date-parts": [[rng.choice([2016, 2017]), rng.randint(1, 12)]]}
        items.append(item)
    return items


def corpus_documents() -> list[Any]:
    return [read_path(path) for path in corpus_files()]


# --------------------------------------------------------------------------------------------
# The same output as one pass


@pytest.mark.parametrize("style", SHIPPED)
def test_split_formatting_equals_one_pass_on_generated_lists(style: str) -> None:
    resolved = resolve_style(style)
    for seed in (11, 12):
        items = generated(seed, 50)
        assert render_items(items, resolved, options=SPLIT) == render_items(items, resolved, options=ONE_PASS)


@pytest.mark.parametrize("style", SHIPPED)
def test_split_formatting_equals_one_pass_on_the_corpus(style: str) -> None:
    documents = corpus_documents()
    for markup in ("text", "html"):
        split = format_citations(documents, style=style, markup=markup, options=SPLIT)
        whole = format_citations(documents, style=style, markup=markup, options=ONE_PASS)
        assert split == whole
        assert len(split.bibliography) == len(documents)


def test_the_generated_lists_need_their_neighbours() -> None:
    # The check above can fail: formatted one item at a time, these lists come out differently
    # (year letters, initials, n.d.-a), so the groups carry real disambiguation.
    style = resolve_style("apa")
    items = generated(11, 25)
    alone = [render_items([item], style) for item in items]
    whole = render_items(items, style, options=ONE_PASS)
    assert [a[1][0] for a in alone] != whole[1]
    assert any("-a)" in entry or "a," in entry for entry in whole[0])


def test_one_pass_equals_pandoc_on_markdown_citations() -> None:
    """The engine's one pass (a JSON document, content ids) prints what pandoc prints for the plain
    Markdown way of citing every item in its own paragraph."""
    items = [citation_data(item) for item in generated(13, 40)]
    for style_id in ("apa", "modern-language-association", "ieee", "chicago-notes-bibliography"):
        style = resolve_style(style_id)
        entries, citations = _markdown_pass(items, style.path)
        assert render_items(items, style, options=ONE_PASS) == (entries, citations)


def _markdown_pass(items: list[dict[str, Any]], csl: Path) -> tuple[list[str], list[str]]:
    prepared = [{**item, "id": f"item{n}"} for n, item in enumerate(items, 1)]
    source = "\n\n".join(f"[@item{n}]" for n in range(1, len(items) + 1)) + "\n\n::: {#refs}\n:::\n"
    bibliography = Path(__import__("tempfile").mkdtemp()) / "items.json"
    bibliography.write_text(json.dumps(prepared), encoding="utf-8")
    ast = pandoc_json(["--from=markdown", "--citeproc", f"--csl={csl}", f"--bibliography={bibliography}"],
                      source.encode("utf-8"))
    citations = [render_citation(i["c"][1], "text") for b in ast["blocks"] if b["t"] == "Para" for i in b["c"]
                 if i["t"] == "Cite"]
    refs = next(b for b in ast["blocks"] if b["t"] == "Div")
    return [render_blocks(entry["c"][1], "text") for entry in refs["c"][1]], citations


# --------------------------------------------------------------------------------------------
# Groups


def names(*families: str) -> dict[str, Any]:
    return {"type": "webpage", "title": "T", "author": [{"family": f, "given": "A"} for f in families]}


def test_groups_join_what_could_print_alike() -> None:
    items = [
        names("Smith"),  # 0
        names("SMITH"),  # 1: case
        {"type": "book", "title": "T", "author": [{"family": "Gaulle", "non-dropping-particle": "de"}]},  # 2
        names("de Gaulle"),  # 3: the particle inside the family name
        names("Jones", "Smith"),  # 4: Smith is not first: Jones's group
        names("Jones"),  # 5
        {"type": "report", "title": "T", "author": [{"literal": "World Health Organization"}]},  # 6
        {"type": "report", "title": "T", "author": [{"literal": "world health organization"}]},  # 7
        {"title": "Water Wars"},  # 8: no names
        {"title": "Another Piece"},  # 9: no names
        {"title": "Smith"},  # 10: no names, a title that reads like a name
        names("Van"),  # 11: a family of particles only
        names("van Dijk"),  # 12
        {"type": "legal_case", "title": "T", "author": [{"family": "Okafor"}]},  # 13: cited by title
        {"type": "book", "title": "T", "editor": [{"family": "Rossi"}]},  # 14: no author
        names("Okafor"),  # 15
    ]
    groups = independent_groups(items)
    group_of = {i: n for n, group in enumerate(groups) for i in group}
    assert group_of[0] == group_of[1] == group_of[10]
    assert group_of[2] == group_of[3] != group_of[0]
    assert group_of[4] == group_of[5] != group_of[0]
    assert group_of[6] == group_of[7] != group_of[8]
    assert group_of[8] == group_of[9] == group_of[10]
    assert group_of[11] != group_of[12]
    assert group_of[13] == group_of[14] == group_of[8] == group_of[15]
    assert sorted(i for g in groups for i in g) == list(range(len(items)))
    # With the all-names rules every name counts: Jones & Smith join Smith.
    everyone = independent_groups(items, all_names=True)
    assert any({0, 4, 5} <= set(group) for group in everyone)


def test_neighbours_are_kept_for_subsequent_author_substitute() -> None:
    items = [names("Smith"), names("Jones"), names("Smith"), names("Brown")]
    groups = [[0, 2], [1], [3]]
    # Jones sorts between the two Smiths: in the whole list they are not neighbours.
    assert keep_neighbours(groups, [0, 1, 2, 3], items) == [[0, 1, 2], [3]]
    assert keep_neighbours(groups, [0, 2, 1, 3], items) == groups
    assert might_share_names({"title": "a"}, {"title": "b"})
    assert not might_share_names(names("Smith"), {"title": "b"})


def test_styles_that_cannot_be_split_are_one_pass(tmp_path: Path) -> None:
    assert style_traits(resolve_style("ieee").path).one_pass_rules == ("numbered", "no-names-in-citation")
    apa = style_traits(resolve_style("apa").path)
    assert apa.one_pass_rules == () and apa.global_givenname_rule and not apa.subsequent_author_substitute
    assert style_traits(resolve_style("mla").path).subsequent_author_substitute
    no_names = tmp_path / "titles.csl"
    no_names.write_text(
        '<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0"><info><title>T</title></info>'
        '<citation disambiguate-add-year-suffix="true"><layout><text variable="title"/><date variable="issued">'
        '<date-part name="year"/></date></layout></citation>'
        '<bibliography><layout><text variable="title"/></layout></bibliography></style>',
        encoding="utf-8",
    )
    assert style_traits(no_names).one_pass_rules == ("no-names-in-citation",)
    items = generated(14, 30)
    style = resolve_style(str(no_names))
    assert render_items(items, style, options=SPLIT) == render_items(items, style, options=ONE_PASS)


def test_the_order_style_keeps_sort_keys_and_drops_the_rest() -> None:
    text = order_style(resolve_style("apa").path).decode("utf-8")
    assert '<key macro="author-sort"/>' in text
    assert "disambiguate-add" not in text and "givenname-disambiguation-rule" not in text
    assert text.count('<text value="x"/>') == 2


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ({"title": "Bad \ud800 title"}, "lone surrogate"),
        ({"title": float("nan")}, "not JSON data"),
        ({"title": {1, 2}}, "not JSON data"),
    ],
)
def test_items_pandoc_cannot_read_are_named(item: dict[str, Any], message: str) -> None:
    with pytest.raises(InputError, match=f"CSL item 2.*{message}"):
        render_items([{"title": "Fine"}, item], resolve_style("apa"))


def test_deeply_nested_item_is_an_input_error() -> None:
    deep: Any = "x"
    for _ in range(100_000):
        deep = [deep]
    with pytest.raises(InputError, match="CSL item 1"):
        render_items([{"title": "T", "note-list": deep}], resolve_style("apa"))


# --------------------------------------------------------------------------------------------
# Runs


def _logging_pandoc(tmp_path: Path) -> tuple[Path, Path]:
    log = tmp_path / "calls"
    wrapper = tmp_path / "pandoc"
    wrapper.write_text(f'#!/bin/sh\necho "$*" >> "{log}"\nexec "{bundled_pandoc()}" "$@"\n', encoding="utf-8")
    wrapper.chmod(0o755)
    return wrapper, log


def _citeproc_runs(log: Path) -> list[str]:
    lines = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    return [line for line in lines if "--citeproc" in line]


def test_batches_and_one_order_pass(tmp_path: Path) -> None:
    wrapper, log = _logging_pandoc(tmp_path)
    items = [names(f"Author{letter}") for letter in "ABCDEFGH"]
    entries, citations = render_items(items, resolve_style("apa"), options=CiteOptions(batch_entries=3, pandoc=wrapper))
    assert len(entries) == 8 and citations[0] == "(AuthorA, n.d.)"
    runs = _citeproc_runs(log)
    assert len(runs) == 4  # three batches of at most 3, and the order pass
    assert all(run.split()[3] == "--sandbox" for run in runs)
    assert sum("order.csl" in run for run in runs) == 1


def test_a_list_that_fits_one_run_is_one_pass(tmp_path: Path) -> None:
    wrapper, log = _logging_pandoc(tmp_path)
    items = [names(f"Author{letter}") for letter in "ABCDEFGH"]
    render_items(items, resolve_style("apa"), options=CiteOptions(pandoc=wrapper))
    runs = _citeproc_runs(log)
    assert len(runs) == 1 and "order.csl" not in runs[0]


def test_the_cache_reformats_only_what_changed(tmp_path: Path) -> None:
    wrapper, log = _logging_pandoc(tmp_path)
    cache = tmp_path / "cache"
    style = resolve_style("apa")
    items = generated(15, 40)
    options = CiteOptions(batch_entries=4, pandoc=wrapper, cache_dir=cache)
    first = render_items(items, style, options=options)
    assert first == render_items(items, style, options=ONE_PASS)
    assert (cache / "citations.sqlite3").is_file()
    runs = len(_citeproc_runs(log))
    assert render_items(items, style, options=options) == first
    assert len(_citeproc_runs(log)) == runs  # everything from the cache
    grown = [*items, names("Newcomer")]
    assert render_items(grown, style, options=options) == render_items(grown, style, options=ONE_PASS)
    new_runs = _citeproc_runs(log)[runs:]
    assert len(new_runs) == 2  # the new entry's group and the order of the grown list
    # Another markup or locale is another key.
    assert render_items(items, style, markup="html", options=options) != first


def test_no_cache_unless_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    render_items(generated(16, 10), resolve_style("apa"), options=SPLIT)
    assert list(tmp_path.iterdir()) == []


def test_a_damaged_cache_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "citations.sqlite3").write_bytes(b"not a database" * 100)
    with pytest.raises(OptionError, match=r"citations\.sqlite3.*cannot use the citation cache"):
        render_items(generated(17, 5), resolve_style("apa"), options=CiteOptions(cache_dir=tmp_path))
    result = CliRunner().invoke(main, ["cite", "--cache", str(tmp_path), str(SEED)])
    assert result.exit_code == 1 and len(result.stderr.splitlines()) == 1


def test_a_damaged_row_is_formatted_again(tmp_path: Path) -> None:
    style = resolve_style("apa")
    items = generated(18, 12)
    options = CiteOptions(cache_dir=tmp_path, batch_entries=4)
    expected = render_items(items, style, options=options)
    with sqlite3.connect(tmp_path / "citations.sqlite3") as connection:
        connection.execute("UPDATE groups SET value = '{\"entries\": 5}'")
    connection.close()
    assert render_items(items, style, options=options) == expected


def test_cli_cache_flag(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    runner = CliRunner()
    plain = runner.invoke(main, ["cite", "--style", "mla", str(SEED)])
    first = runner.invoke(main, ["cite", "--style", "mla", "--cache", str(cache), str(SEED)])
    again = runner.invoke(main, ["cite", "--style", "mla", "--cache", str(cache), str(SEED)])
    assert plain.exit_code == first.exit_code == again.exit_code == 0
    assert plain.stdout == first.stdout == again.stdout and "Lendman" in plain.stdout
    assert (cache / "citations.sqlite3").is_file()
