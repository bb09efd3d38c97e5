"""The new output formats against their targets, each in one run on this machine.

    .venv/bin/python benchmarks/bench_outputs.py             # every corpus article, 5 rounds
    .venv/bin/python benchmarks/bench_outputs.py --rounds 3  # quicker

For each pandoc-backed writer (docx, odt, markdown, latex, rst), per article and alternating in
every round: the writer (model → JSON AST → one sandboxed pandoc run, plus what the writer does
around it) against pandoc called directly on the same article as Markdown (the Markdown writer's
output, front matter included: ``pandoc --from=markdown --to=FORMAT --standalone``, also through
``citekit.pandoc`` so both pay the same start-up and sandbox). Target: ratio ≤ 1.00. The cost of the
model → AST step alone (building the AST and encoding it as JSON) is printed beside the cost of
pandoc's own Markdown parse (``--from=markdown --to=json`` minus ``--from=json --to=json`` on the
same AST): target, the AST step is cheaper.

The HTML writer, in process on one core: articles per second over the corpus, best of the rounds.
Target ≥ 1,000.

Times are medians (per article, summed over the corpus) across rounds on a shared 2-core VM: read
the ratios, not the absolute numbers.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "data" / "corpus" / "articles"
PANDOC_FORMATS = ("docx", "odt", "markdown", "latex", "rst")
HTML_TARGET = 1000.0


def _documents() -> list:  # type: ignore[type-arg]
    from citekit.readers import read_path

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return [read_path(path) for path in sorted(CORPUS.glob("*.txt"))]


def _timed(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    from citekit.pandoc import run_pandoc
    from citekit.writers import get_writer, write_bytes
    from citekit.writers.pandoc.article import Profile, article

    documents = _documents()
    markdown = get_writer("markdown")
    sources = [write_bytes(d, markdown)[0] for d in documents]
    asts = [json.dumps(article(d, Profile(), []), ensure_ascii=False).encode("utf-8") for d in documents]
    print(f"{len(documents)} articles, {args.rounds} rounds; median seconds for the whole corpus\n")

    rows = []
    for kind in PANDOC_FORMATS:
        writer = get_writer(kind)
        binary = ["--output=-"] if kind in {"docx", "odt"} else []
        command = ["--from=markdown", f"--to={kind}", "--standalone", *binary]
        ours, theirs = [], []
        for _ in range(args.rounds):
            # Interleaved article by article, so that a drift in the host's speed hits both alike.
            pairs = [(_timed(lambda d=d, w=writer: write_bytes(d, w)),
                      _timed(lambda s=s, c=command: run_pandoc(c, s)))
                     for d, s in zip(documents, sources, strict=True)]
            ours.append(sum(a for a, _ in pairs))
            theirs.append(sum(b for _, b in pairs))
        a, b = statistics.median(ours), statistics.median(theirs)
        rows.append((kind, a, b, a / b))
    print(f"{'format':10} {'citekit writer':>15} {'pandoc from .md':>16} {'ratio':>7}  target ≤ 1.00")
    for kind, a, b, ratio in rows:
        print(f"{kind:10} {a:15.2f} {b:16.2f} {ratio:7.2f}  {'met' if ratio <= 1.0 else 'NOT MET'}")

    build, parse, reencode = [], [], []
    for _ in range(args.rounds):
        build.append(sum(_timed(lambda d=d: json.dumps(article(d, Profile(), []), ensure_ascii=False))
                         for d in documents))
        times = [(_timed(lambda s=s: run_pandoc(["--from=markdown", "--to=json"], s)),
                  _timed(lambda a=a: run_pandoc(["--from=json", "--to=json"], a)))
                 for s, a in zip(sources, asts, strict=True)]
        parse.append(sum(m for m, _ in times))
        reencode.append(sum(j for _, j in times))
    ast_step = statistics.median(build)
    markdown_parse = statistics.median(parse) - statistics.median(reencode)
    print(f"\nmodel → AST (build + JSON): {ast_step * 1000 / len(documents):.2f} ms/article; pandoc's Markdown "
          f"parse: {markdown_parse * 1000 / len(documents):.2f} ms/article "
          f"({'met' if ast_step < markdown_parse else 'NOT MET'}: the AST step is cheaper)")

    html = get_writer("html")
    best = 0.0
    for _ in range(max(args.rounds, 3)):
        seconds = sum(_timed(lambda d=d: write_bytes(d, html)) for d in documents * 5)
        best = max(best, len(documents) * 5 / seconds)
    print(f"\nhtml: {best:,.0f} articles/s on one core (target ≥ {HTML_TARGET:,.0f}: "
          f"{'met' if best >= HTML_TARGET else 'NOT MET'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
