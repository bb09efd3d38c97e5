"""Benchmark: formatted bibliographies at 100 / 1,000 / 10,000 entries, against citation.js, in one run.

    .venv/bin/python benchmarks/bench_cite.py                    # the full run (about 10 minutes here)
    .venv/bin/python benchmarks/bench_cite.py --sizes 100,1000   # without the 10,000 rows
    .venv/bin/python benchmarks/bench_cite.py --no-citation-js --no-one-pass
    .venv/bin/python benchmarks/bench_cite.py --where 1000        # pandoc's work per way of formatting

Two lists of web-page entries, built in memory:

- **distinct**: no two first authors share a family name (nothing for citeproc to disambiguate);
- **colliding**: two pieces per author in one year, and ten authors per family name, so half
  the entries need a year letter and many need initials (the README's earlier benchmark).

For each list and size it times ``citekit.citations.format_citations`` (the engine: groups,
batches of pandoc runs in parallel, an order pass), and, on the same CSL-JSON in the same run,
citation.js 0.8 (``@citation-js/core`` + ``@citation-js/plugin-csl``: citeproc-js, the engine in
Zotero), installed by this script with npm into ``--node-cache`` (default
``~/.cache/citekit-bench/citation-js``) when Node is there; its time is the ``format`` call in
Node (engine set-up included, Node's start-up not). It checks that both print the same text, and,
up to 1,000 entries, times one pandoc pass over the whole list (``CiteOptions(split=False)``, the
old way) and checks that the engine's output is byte-identical to it. Then the ratios against the
targets: 10,000 entries at most 12× the time of 1,000; 1,000 entries no slower than citation.js.

The host check (two CPU-bound processes against one, as in ``bench.py``; 1.0 on two idle cores)
and the Python CPU check are printed before and after: on a shared machine, read the ratios with
them. Each row's CPU seconds split into pandoc's (child processes) and citekit's own.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench import cpu_check, spin_seconds

from citekit.citations import CiteOptions, format_citations
from citekit.citations.engine import citation_data
from citekit.model import Author, Document, Metadata, Para, Provenance, Str
from citekit.writers.csl_json import csl_items

TARGETS = {"10,000 / 1,000 entries (time)": 12.0, "citekit / citation.js at 1,000": 1.0}
CITATION_JS = ("@citation-js/core@0.8.2", "@citation-js/plugin-csl@0.8.2")
"""Pinned as .ci/setup.d/40-citation-js.sh pins them."""
NODE_SCRIPT = """
const fs = require('fs')
const { Cite, plugins } = require('@citation-js/core')
require('@citation-js/plugin-csl')
const [itemsPath, stylePath, lang] = process.argv.slice(2)
plugins.config.get('@csl').styles.add('bench', fs.readFileSync(stylePath, 'utf8'))
const data = JSON.parse(fs.readFileSync(itemsPath, 'utf8'))
const started = performance.now()
const text = new Cite(data).format('bibliography', { format: 'text', template: 'bench', lang })
const seconds = (performance.now() - started) / 1000
process.stdout.write(JSON.stringify({ seconds, text }))
"""

GIVEN = ["Ana", "Ben", "Chloé", "Dmitri", "Eve", "Farid", "Grace", "Hiro", "Ines", "Jon"]
FAMILY = ["Lendman", "García", "Okafor", "Nguyen", "Schmidt", "Kowalski", "Rossi", "Haddad", "Silva", "Park"]
SITES = ["Global Research", "Alternet", "Before It's News", "Common Dreams", "The Intercept"]
SYLLABLES = ["ka", "lo", "mi", "ra", "ten", "vor", "shi", "ban", "del", "mu", "quo", "ris", "sa", "tov", "wen",
             "yal", "zer", "fin", "gor", "hel"]


def distinct_family(n: int) -> str:
    """A family name of its own for every n (three or four syllables, no digits)."""
    parts = []
    for _ in range(3):
        n, digit = divmod(n, len(SYLLABLES))
        parts.append(SYLLABLES[digit])
    if n:
        parts.append(SYLLABLES[n % len(SYLLABLES)])
    return "".join(parts).capitalize()


def document(n: int, given: str, family: str, year: int) -> Document:
    title = f"Report number {n} on trade, tariffs and the {['economy', 'war', 'press'][n % 3]}"
    return Document(
        metadata=Metadata(
            title=title,
            authors=(Author(name=f"{given} {family}", given=given, family=family),),
            site=SITES[n % len(SITES)],
            date=f"{year}-{1 + n % 12:02d}-{1 + n % 28:02d}",
            url=f"https://example.org/{year}/{n}",
            language="en",
        ),
        body=(Para(content=(Str(text="Body."),)),),
        provenance=Provenance(input_sha256=hashlib.sha256(str(n).encode()).hexdigest()),
    )


def distinct(count: int) -> list[Document]:
    return [document(n, GIVEN[n % len(GIVEN)], distinct_family(n), 2000 + n % 20) for n in range(count)]


def colliding(count: int) -> list[Document]:
    out = []
    for n in range(count):
        person = n // 2  # two pieces per author, same year
        family = f"{FAMILY[(person // len(GIVEN)) % len(FAMILY)]}{person // 100 or ''}"
        out.append(document(n, GIVEN[person % len(GIVEN)], family, 2000 + person % 20))
    return out


LISTS: dict[str, Callable[[int], list[Document]]] = {"distinct": distinct, "colliding": colliding}


def timed(run: Callable[[], Any], repeat: int) -> tuple[float, float, float, Any]:
    """(best wall seconds, its pandoc CPU seconds, its citekit CPU seconds, the result)."""
    best: tuple[float, float, float, Any] | None = None
    for _ in range(repeat):
        children, own = resource.getrusage(resource.RUSAGE_CHILDREN), resource.getrusage(resource.RUSAGE_SELF)
        started = time.perf_counter()
        result = run()
        wall = time.perf_counter() - started
        children2, own2 = resource.getrusage(resource.RUSAGE_CHILDREN), resource.getrusage(resource.RUSAGE_SELF)
        pandoc = children2.ru_utime + children2.ru_stime - children.ru_utime - children.ru_stime
        citekit = own2.ru_utime + own2.ru_stime - own.ru_utime - own.ru_stime
        if best is None or wall < best[0]:
            best = (wall, pandoc, citekit, result)
    assert best is not None
    return best


def node_modules(cache: Path) -> Path | None:
    """citation.js installed in ``cache`` (npm, once), or None without Node and npm."""
    if not (shutil.which("node") and shutil.which("npm")):
        return None
    modules = cache / "node_modules"
    stamp = cache / ".installed"
    installed = stamp.is_file() and stamp.read_text() == " ".join(CITATION_JS)
    if not installed or not (modules / "@citation-js" / "plugin-csl").is_dir():
        cache.mkdir(parents=True, exist_ok=True)
        if not (cache / "package.json").exists():
            (cache / "package.json").write_text('{"private": true}\n', encoding="utf-8")
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--silent", *CITATION_JS],
                       cwd=cache, check=True, timeout=600)
        stamp.write_text(" ".join(CITATION_JS))
    return modules


def citation_js(modules: Path, items: list[dict[str, Any]], style: Path, lang: str) -> tuple[float, list[str]]:
    """(seconds of citation.js's format call, its entries) for ``items``."""
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "items.json"
        data.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
        script = Path(tmp) / "format.js"
        script.write_text(NODE_SCRIPT, encoding="utf-8")
        done = subprocess.run(["node", "--max-old-space-size=4096", str(script), str(data), str(style), lang],
                              capture_output=True, text=True, check=True, env={**os.environ, "NODE_PATH": str(modules)})
    result = json.loads(done.stdout)
    return float(result["seconds"]), [line for line in result["text"].split("\n") if line.strip()]


def same_text(a: list[str], b: list[str]) -> str:
    """"same", "same, order N" (the same entries, N in other places: the engines collate
    differently), or "N differ" (entries one engine prints and the other does not)."""
    if a == b:
        return "same"
    if sorted(a) == sorted(b):
        return f"same, order {sum(x != y for x, y in zip(a, b, strict=True))}"
    return f"{len(set(a) ^ set(b))} differ"


def host() -> str:
    return f"host check {spin_seconds(1) / spin_seconds(2):.2f}, CPU check {cpu_check() * 1000:.1f} ms"


def where_the_time_goes(name: str, size: int, style_name: str) -> None:
    """pandoc's work, as bytes allocated (counted by its runtime: the same on any host, unlike
    seconds), for ways of formatting one list, and citekit's own CPU time for the engine."""
    from citekit.citations import resolve_style
    from citekit.pandoc import bundled_pandoc, run_pandoc

    style = resolve_style(style_name)
    documents = LISTS[name](size)
    items = [{**citation_data(item), "id": f"item{n}"} for n, item in enumerate(csl_items(documents))]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        stats = work / "stats"
        stats.mkdir()
        wrapper = work / "pandoc"
        wrapper.write_text(f'#!/bin/sh\nexec "{bundled_pandoc()}" +RTS -t{stats}/$$.txt --machine-readable -RTS "$@"\n')
        wrapper.chmod(0o755)
        bibliography = work / "items.json"
        bibliography.write_text(json.dumps(items), encoding="utf-8")
        no_givenname = work / "no-givenname.csl"
        no_givenname.write_text(style.path.read_text(encoding="utf-8").replace(
            'disambiguate-add-givenname="true"', ""), encoding="utf-8")

        def allocated(run: Callable[[], Any]) -> tuple[float, int]:
            for old in stats.iterdir():
                old.unlink()
            run()
            totals = [int(line.split('"')[3]) for f in stats.iterdir()
                      for line in f.read_text().splitlines() if '"bytes allocated"' in line]
            return sum(totals) / 1e9, len(totals)

        def one_pass(source: bytes, reader: str, csl: Path) -> Callable[[], Any]:
            return lambda: run_pandoc([f"--from={reader}", "--to=json", "--citeproc", f"--csl={csl}",
                                       f"--bibliography={bibliography}"], source, timeout=3600, binary=wrapper)

        markdown = ("\n\n".join(f"[@{i['id']}]" for i in items) + "\n\n::: {#refs}\n:::\n").encode()
        nocite = b"---\nnocite: '@*'\n---\n\n::: {#refs}\n:::\n"
        rows = [
            ("one pass, a Markdown [@id] paragraph per item (before)", one_pass(markdown, "markdown", style.path)),
            ("one pass, nocite: @* (no in-text citations)", one_pass(nocite, "markdown", style.path)),
            ("one pass, Markdown, without disambiguate-add-givenname", one_pass(markdown, "markdown", no_givenname)),
        ]
        print(f"where the time goes: {name} list, {size:,} entries, {style.id} (pandoc's bytes allocated)")
        for label, run in rows:
            gigabytes, runs = allocated(run)
            print(f"  {label:58} {gigabytes:7.2f} GB  {runs:3} run(s)")
        before = resource.getrusage(resource.RUSAGE_SELF)
        engine = CiteOptions(pandoc=wrapper)
        gigabytes, runs = allocated(lambda: format_citations(documents, style=style, options=engine))
        after = resource.getrusage(resource.RUSAGE_SELF)
        own = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
        print(f"  {'citekit: JSON documents, groups in batches, an order run':58} {gigabytes:7.2f} GB  "
              f"{runs:3} run(s); citekit's own CPU {own:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--lists", default="distinct,colliding")
    parser.add_argument("--style", default="apa")
    parser.add_argument("--repeat", type=int, default=1, help="best of this many runs per row")
    parser.add_argument("--jobs", type=int, default=0, help="pandoc runs at a time (0: one per CPU)")
    parser.add_argument("--no-citation-js", action="store_true")
    parser.add_argument("--no-one-pass", action="store_true", help="skip one pass over the whole list (the old way)")
    parser.add_argument("--node-cache", type=Path, default=Path.home() / ".cache" / "citekit-bench" / "citation-js")
    parser.add_argument("--where", type=int, default=0, metavar="N",
                        help="only print where the time goes for N entries of each list (bytes pandoc allocates)")
    args = parser.parse_args()
    if args.where:
        for name in args.lists.split(","):
            where_the_time_goes(name, args.where, args.style)
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    options = CiteOptions(jobs=args.jobs)
    modules = None if args.no_citation_js else node_modules(args.node_cache)
    print(f"style={args.style} jobs={args.jobs or os.cpu_count()} citation.js={'yes' if modules else 'no'}")
    print(f"before: {host()}")
    header = (f"{'list':10} {'entries':>7} {'citekit s':>9} {'pandoc CPU':>10} {'own CPU':>8} {'one pass s':>10} "
              f"{'vs one pass':>11} {'citation.js s':>13} {'citekit/cjs':>11} {'text':>12}")
    print(header)
    print("-" * len(header))
    times: dict[tuple[str, int], float] = {}
    cpu: dict[tuple[str, int], float] = {}
    ratios: dict[str, float] = {}
    for name in args.lists.split(","):
        for size in sizes:
            documents = LISTS[name](size)
            wall, pandoc, own, result = timed(
                lambda d=documents: format_citations(d, style=args.style, options=options), args.repeat)
            times[name, size] = wall
            cpu[name, size] = pandoc + own
            style = result.style
            one_pass, versus = "", ""
            if not args.no_one_pass and size <= 1000:
                seconds, _, _, whole = timed(lambda d=documents, s=style: format_citations(
                    d, style=s, options=CiteOptions(split=False)), 1)
                one_pass = f"{seconds:.2f}"
                versus = "identical" if whole == result else "DIFFERENT"
            cjs, ratio, text = "", "", ""
            if modules is not None:
                items = [{**citation_data(item), "id": f"item{n}"} for n, item in enumerate(csl_items(documents))]
                seconds, entries = citation_js(modules, items, style.path, style.default_locale or "en-US")
                cjs, ratio = f"{seconds:.2f}", f"{wall / seconds:.2f}"
                text = same_text(list(result.bibliography), entries)
                if size == 1000:
                    ratios[f"citekit / citation.js at 1,000 ({name})"] = wall / seconds
            print(f"{name:10} {size:>7,} {wall:>9.2f} {pandoc:>10.2f} {own:>8.2f} {one_pass:>10} {versus:>11} "
                  f"{cjs:>13} {ratio:>11} {text:>12}")
        if (name, 1000) in times and (name, 10000) in times:
            ratios[f"10,000 / 1,000 entries (time) ({name})"] = times[name, 10000] / times[name, 1000]
            print(f"{name}: 10,000 / 1,000 entries in CPU seconds (pandoc's and citekit's, steadier on a busy "
                  f"host than wall time): {cpu[name, 10000] / cpu[name, 1000]:.2f}")
    print(f"after: {host()}")
    print()
    for label, value in ratios.items():
        target_name = label.rsplit(" (", 1)[0]
        target = TARGETS[target_name]
        print(f"{label:48} {value:6.2f}  target <= {target:g}  {'met' if value <= target else 'MISSED'}")


if __name__ == "__main__":
    main()
