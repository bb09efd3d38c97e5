"""The HTML reader against trafilatura on the html-corpus, in one run: speed, body F1, metadata.

    python benchmarks/readers.py speed [--rounds 3]     # pages/s, citekit and trafilatura alternating,
                                                        # each in a fresh process (speed-one TOOL)
    python benchmarks/readers.py score [--others]       # body F1 and metadata accuracy, both tools
    python benchmarks/readers.py loso                   # metadata weights learnt leave-one-site-out
    python benchmarks/readers.py loso-body              # boilerplate thresholds chosen leave-one-site-out
    python benchmarks/readers.py ablate                 # body F1 and metadata with each rule switched off

Needs the shared corpus and scorer beside the checkout (``../shared/html-corpus``,
``../shared/tools/score_html.py``; ``--shared`` names another place). Both tools read the same
page bytes in the same process; trafilatura runs as the scorer's adapter does
(``bare_extraction(with_metadata=True)``). ``loso`` learns each source's weight as its smoothed
precision on every page but one site's, chooses that site's metadata with those weights, and
scores it: the figure for sites the weights never saw; ``loso-body`` does the same for the
boilerplate stage's thresholds. ``--others`` adds readability-lxml, newspaper4k and goose3 through
the scorer's own adapters (``pip install -e '.[bench]'``; benchmark-only, never a runtime dependency).
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import logging
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

FIELDS = {"title": "title", "authors": "byline", "site": "siteName", "date": "publishedTime"}


def load_scorer(shared: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("score_html", shared / "tools" / "score_html.py")
    if spec is None or spec.loader is None:
        raise SystemExit(f"no scorer at {shared / 'tools' / 'score_html.py'}")
    module = importlib.util.module_from_spec(spec)
    sys.modules["score_html"] = module
    spec.loader.exec_module(module)
    return module


def body_pages(corpus: Path) -> list[tuple[str, bytes, str]]:
    truth = json.loads((corpus / "body" / "ground-truth.json").read_text("utf-8"))
    return [(pid, gzip.decompress((corpus / "body" / "html" / f"{pid}.html.gz").read_bytes()),
             truth[pid]["articleBody"]) for pid in sorted(truth)]


def metadata_pages(corpus: Path) -> list[tuple[str, bytes, dict[str, Any]]]:
    base = corpus / "metadata" / "test-pages"
    return [(d.name, (d / "source.html").read_bytes(), json.loads((d / "expected-metadata.json").read_text("utf-8")))
            for d in sorted(base.iterdir()) if (d / "source.html").is_file()]


def citekit_doc(data: bytes, disabled: frozenset[str] = frozenset()) -> dict[str, Any]:
    from citekit.readers.html import HtmlOptions, read_page
    from citekit.serialise import to_dict

    return to_dict(read_page(data, "page.html", HtmlOptions(disabled_rules=disabled)))


def adapter_doc(scorer: ModuleType, adapter: str) -> Any:
    """One of the scorer's in-process adapters (they read a file) as a function of page bytes."""
    function = scorer.ADAPTERS[adapter][0]

    def run(data: bytes) -> dict[str, Any]:
        with tempfile.NamedTemporaryFile(suffix=".html") as page:
            page.write(data)
            page.flush()
            try:
                return dict(function(Path(page.name)))
            except Exception:  # a tool that fails on a page scores it empty, as the scorer does
                return dict(scorer.make_doc())

    return run


def trafilatura_doc(scorer: ModuleType, data: bytes) -> dict[str, Any]:
    import trafilatura

    result = trafilatura.bare_extraction(data.decode("utf-8", "replace"), with_metadata=True)
    if result is None:
        return scorer.make_doc()
    d = result.as_dict()
    return scorer.make_doc(title=d.get("title"), authors=(d.get("author") or "").split(";"), date=d.get("date"),
                           site=d.get("sitename"), url=d.get("url"), blocks=(d.get("text") or "").split("\n"))


def speed(args: argparse.Namespace, scorer: ModuleType) -> None:
    """Each tool reads every page in a fresh process per round, tools alternating; median of rounds.

    A process of its own per tool and round: the tools share libraries (htmldate, dateparser, lxml)
    whose caches one tool would otherwise warm for the other. Imports and the first page are out of
    the timing; caches the pages themselves warm (dateparser's locales, htmldate's) are in it, as in
    a batch run.
    """
    tools = ("citekit", "trafilatura")
    seconds: dict[str, list[float]] = defaultdict(list)
    cpu: dict[str, list[float]] = defaultdict(list)
    pages = 0
    for round_ in range(args.rounds):
        for name in tools if round_ % 2 == 0 else tools[::-1]:
            command = [sys.executable, __file__, "speed-one", name, "--shared", str(args.shared)]
            pages, elapsed, used = json.loads(subprocess.run(command, check=True, capture_output=True,
                                                             text=True).stdout)
            seconds[name].append(elapsed)
            cpu[name].append(used)
    print(f"{pages} pages, {args.rounds} rounds, tools alternating, a fresh process each; median of rounds")
    for label, times in (("wall", seconds), ("CPU", cpu)):
        rates = {name: pages / statistics.median(each) for name, each in times.items()}
        for name, rate in rates.items():
            rounds = " ".join(f"{t:.1f}" for t in times[name])
            print(f"  {label:4} {name:12} {rate:7.1f} pages/s  (seconds per round: {rounds})")
        paired = [t / c for c, t in zip(times["citekit"], times["trafilatura"], strict=True)]
        print(f"  {label:4} speed ratio citekit/trafilatura per round: {' '.join(f'{r:.2f}' for r in paired)}; "
              f"median {statistics.median(paired):.2f} "
              f"(ratio of the median rates: {rates['citekit'] / rates['trafilatura']:.2f})")


def speed_one(args: argparse.Namespace, scorer: ModuleType) -> None:
    """One tool over every page in this process; prints [pages, wall seconds, CPU seconds] as JSON. CPU
    time (the process's own, user and system) is the steadier measure on a shared machine: time the
    host gives other guests counts in wall time only."""
    pages = [data for _, data, _ in body_pages(args.corpus)] + [data for _, data, _ in metadata_pages(args.corpus)]
    tool = citekit_doc if args.tool == "citekit" else (lambda data: trafilatura_doc(scorer, data))
    tool(pages[0])  # imports out of the timing
    started, started_cpu = time.perf_counter(), time.process_time()
    for data in pages:
        tool(data)
    print(json.dumps([len(pages), time.perf_counter() - started, time.process_time() - started_cpu]))


def score(args: argparse.Namespace, scorer: ModuleType) -> None:
    tools: list[tuple[str, Any]] = [("citekit", citekit_doc),
                                    ("trafilatura", lambda data: trafilatura_doc(scorer, data))]
    for adapter, module in (("readability", "readability"), ("newspaper", "newspaper"), ("goose3", "goose3")):
        if args.others and importlib.util.find_spec(module) is not None:
            tools.append((adapter, adapter_doc(scorer, adapter)))
        elif args.others:
            print(f"{adapter}: not installed (pip install -e '.[bench]'), left out")
    score_tools(args, scorer, tools)


def score_tools(args: argparse.Namespace, scorer: ModuleType, tools: list[tuple[str, Any]]) -> None:
    bodies, meta = body_pages(args.corpus), metadata_pages(args.corpus)
    per_page: list[tuple[str, Any]] = []
    for name, tool in tools:
        predictions = [scorer.body_text(tool(data)) for _, data, _ in bodies]
        metrics = scorer.evaluate_bodies([truth for _, _, truth in bodies], predictions, 200)
        per_page.append((name, metrics["tp_fp_fns"]))
        right: Counter[str] = Counter()
        total: Counter[str] = Counter()
        for _, data, expected in meta:
            got = scorer.doc_metadata(tool(data))
            for field in FIELDS.values():
                want = scorer.NORMALISERS[field](expected.get(field))
                if want:
                    total[field] += 1
                    right[field] += want == scorer.NORMALISERS[field](got[field])
        fields = "  ".join(f"{f} {right[f] / total[f]:.3f}" for f in FIELDS.values())
        print(f"{name:12} body F1 {metrics['f1']:.3f} ± {metrics['f1_std']:.3f} (P {metrics['precision']:.3f} "
              f"R {metrics['recall']:.3f}) | {fields}")
    for name, counts in per_page[1:]:
        paired_margin(scorer, per_page[0], (name, counts))


def paired_margin(scorer: ModuleType, first: tuple[str, Any], second: tuple[str, Any], rounds: int = 2000) -> None:
    """The body-F1 margin of ``first`` over ``second`` on the same pages, with a paired bootstrap:
    the pages resampled together (seed 0), so a page hard for both moves both."""
    import random

    def f1(rows: list[Any]) -> float:
        return float(scorer.metrics_from_tp_fp_fns(rows)["f1"])

    (a_name, a), (b_name, b) = first, second
    rng = random.Random(0)
    margins = []
    for _ in range(rounds):
        pick = [rng.randrange(len(a)) for _ in a]
        margins.append(f1([a[i] for i in pick]) - f1([b[i] for i in pick]))
    margins.sort()
    below = {limit: sum(m <= limit for m in margins) / rounds for limit in (0, 0.002)}
    print(f"  {a_name} - {b_name}: body F1 margin {f1(a) - f1(b):+.4f}, paired bootstrap sd "
          f"{statistics.stdev(margins):.4f}, 5-95 % {margins[rounds // 20]:+.4f} to {margins[-rounds // 20]:+.4f}, "
          f"at most 0 in {below[0]:.1%} of resamples, at most 0.002 in {below[0.002]:.1%}")


def loso(args: argparse.Namespace, scorer: ModuleType) -> None:
    """Leave one site out: weights from the other sites' pages, scored on the held-out site."""
    from citekit.readers.html.choose import WEIGHTS
    from citekit.readers.html.metadata import choose_metadata
    from citekit.readers.html.page import parse_page
    from citekit.readers.html.sources import page_candidates

    pages = []
    for name, data, expected in metadata_pages(args.corpus):
        candidates = page_candidates(parse_page(data))
        site = urlsplit(expected.get("url") or "").hostname or name
        pages.append((site.removeprefix("www."), candidates, expected))

    def stated(candidates: Any, weights: dict[str, dict[str, float]] | None) -> dict[str, str]:
        chosen = choose_metadata(candidates, weights=weights)
        return {"title": chosen.title or "", "byline": ", ".join(chosen.authors), "siteName": chosen.site or "",
                "publishedTime": chosen.date or ""}

    def learn(training: list[Any]) -> dict[str, dict[str, float]]:
        right: Counter[tuple[str, str]] = Counter()
        seen: Counter[tuple[str, str]] = Counter()
        for _, candidates, expected in training:
            for field, key in FIELDS.items():
                want = scorer.NORMALISERS[key](expected.get(key))
                if not want:
                    continue
                for candidate in candidates:
                    if candidate.field == field:
                        got = scorer.NORMALISERS[key](stated([candidate], None)[key])
                        seen[field, candidate.origin] += 1
                        right[field, candidate.origin] += got == want
        weights: dict[str, dict[str, float]] = defaultdict(dict)
        for (field, origin), n in seen.items():
            weights[field][origin] = (right[field, origin] + 1) / (n + 2)  # Laplace: rare sources stay modest
        return weights

    sites = sorted({site for site, _, _ in pages})
    results: dict[str, Counter[str]] = {"loso": Counter(), "shipped": Counter(), "n": Counter()}
    for site in sites:
        held = [p for p in pages if p[0] == site]
        weights = learn([p for p in pages if p[0] != site])
        for _, candidates, expected in held:
            got_loso, got_shipped = stated(candidates, weights), stated(candidates, WEIGHTS)
            for key in FIELDS.values():
                want = scorer.NORMALISERS[key](expected.get(key))
                if want:
                    results["n"][key] += 1
                    results["loso"][key] += want == scorer.NORMALISERS[key](got_loso[key])
                    results["shipped"][key] += want == scorer.NORMALISERS[key](got_shipped[key])
    print(f"{len(pages)} pages from {len(sites)} sites; page metadata only (no text rules, no htmldate)")
    for label in ("loso", "shipped"):
        print(f"  {label:8} " + "  ".join(f"{k} {results[label][k] / results['n'][k]:.3f}" for k in FIELDS.values()))


def site_of(url: str | None, fallback: str) -> str:
    return (urlsplit(url or "").hostname or fallback).removeprefix("www.")


def loso_body(args: argparse.Namespace, scorer: ModuleType) -> None:
    """The boilerplate thresholds chosen on every site but one, then applied to that site's pages."""
    from citekit.model import plain_block
    from citekit.readers.html.body import body_blocks, extract
    from citekit.readers.html.boilerplate import HEADLINE_OVERLAP, LINK_SHARE, boilerplate
    from citekit.readers.html.marks import mark_page, marker_stem
    from citekit.readers.html.metadata import choose_metadata
    from citekit.readers.html.page import parse_page
    from citekit.readers.html.sources import page_candidates

    truth_urls = json.loads((args.corpus / "body" / "ground-truth.json").read_text("utf-8"))
    pages = []
    for pid, data, truth in body_pages(args.corpus):
        root = parse_page(data)
        title = choose_metadata(page_candidates(root)).title
        marks = mark_page(root, marker_stem(data))
        tree = extract(root)
        blocks, marked = body_blocks(tree, None, marks) if tree is not None else ((), ())
        # What the markup marks (embedded posts, captions, author boxes) is out before the thresholds.
        blocks = tuple(block for block, mark in zip(blocks, marked, strict=True) if mark is None)
        pages.append((site_of(truth_urls[pid].get("url"), pid), title, blocks, truth))
    grid = [(link, head) for link in (0.5, 0.6, 0.75, 0.9, 1.01) for head in (0.6, 0.7, 0.8, 0.9, 1.01)]

    def counts(page: Any, thresholds: tuple[float, float]) -> Any:
        _, title, blocks, truth = page
        verdicts = boilerplate(blocks, title=title, link_share=thresholds[0], headline_overlap=thresholds[1])
        text = "\n".join(plain_block(b) for b, v in zip(blocks, verdicts, strict=True) if v is None)
        return scorer.string_shingle_matching(truth, text)

    table = {thresholds: [counts(page, thresholds) for page in pages] for thresholds in grid}
    held_out = []
    for site in sorted({page[0] for page in pages}):
        rest = [i for i, page in enumerate(pages) if page[0] != site]
        best = max(grid, key=lambda t: scorer.metrics_from_tp_fp_fns([table[t][i] for i in rest])["f1"])
        held_out.extend(table[best][i] for i, page in enumerate(pages) if page[0] == site)
    shipped = table[(LINK_SHARE, HEADLINE_OVERLAP)]
    off = table[(1.01, 1.01)]
    print(f"{len(pages)} body pages from {len({p[0] for p in pages})} sites; body text after the marks, "
          "before the end-matter rules")
    for label, rows in (("loso", held_out), ("shipped", shipped), ("rules off", off)):
        metrics = scorer.metrics_from_tp_fp_fns(rows)
        print(f"  {label:9} F1 {metrics['f1']:.4f} (P {metrics['precision']:.4f} R {metrics['recall']:.4f})")


def ablate(args: argparse.Namespace, scorer: ModuleType) -> None:
    """Body F1 and metadata with each rule switched off in turn (HtmlOptions.disabled_rules)."""
    from citekit.readers.html.boilerplate import RULES
    from citekit.readers.html.marks import MARK_RULES
    from citekit.readers.html.metadata import METADATA_RULES

    ids = list(MARK_RULES) + [rule.id for rule in RULES] + list(METADATA_RULES)
    tools = [("all rules", citekit_doc)] + [
        (f"-{rule}", lambda data, rule=rule: citekit_doc(data, frozenset({rule}))) for rule in ids]
    tools.append(("no rules", lambda data: citekit_doc(data, frozenset(ids))))
    score_tools(args, scorer, tools)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", choices=("speed", "speed-one", "score", "loso", "loso-body", "ablate"))
    parser.add_argument("tool", nargs="?", choices=("citekit", "trafilatura"), help="speed-one: the tool to time")
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[1].parent / "shared")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--others", action="store_true", help="score readability-lxml, newspaper4k, goose3 too")
    args = parser.parse_args()
    args.corpus = args.shared / "html-corpus"
    logging.disable(logging.WARNING)
    scorer = load_scorer(args.shared)
    commands = {"speed": speed, "speed-one": speed_one, "score": score, "loso": loso, "loso-body": loso_body,
                "ablate": ablate}
    commands[args.what](args, scorer)


if __name__ == "__main__":
    main()
