"""Benchmark: one APA bibliography of 1,000 entries, formatted by ONE pandoc citeproc run.

    .venv/bin/python benchmarks/bench_cite.py [--entries 1000] [--style apa] [--repeat 3]

Builds distinct documents in memory (500 authors, two pieces each in one year, so half the
entries need 2017a/2017b-style disambiguation), counts the pandoc processes started, and prints
the best wall time of the runs and the time per entry. Not a test: numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from citekit.model import Author, Document, Metadata, Para, Provenance, Str

GIVEN = ["Ana", "Ben", "Chloé", "Dmitri", "Eve", "Farid", "Grace", "Hiro", "Ines", "Jon"]
FAMILY = ["Lendman", "García", "Okafor", "Nguyen", "Schmidt", "Kowalski", "Rossi", "Haddad", "Silva", "Park"]
SITES = ["Global Research", "Alternet", "Before It's News", "Common Dreams", "The Intercept"]


def documents(count: int) -> list[Document]:
    out = []
    for n in range(count):
        person = n // 2  # two pieces per author, same year
        given = GIVEN[person % len(GIVEN)]
        family = f"{FAMILY[(person // len(GIVEN)) % len(FAMILY)]}{person // 100 or ''}"
        year = 2000 + person % 20
        title = f"Report number {n} on trade, tariffs and the {['economy', 'war', 'press'][n % 3]}"
        out.append(
            Document(
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
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1000)
    parser.add_argument("--style", default="apa")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    import citekit.citations as module

    calls = 0
    real_run = subprocess.run

    def counting_run(*a: object, **k: object) -> object:
        nonlocal calls
        calls += 1
        return real_run(*a, **k)  # type: ignore[call-overload]

    module.subprocess.run = counting_run  # type: ignore[attr-defined]
    batch = documents(args.entries)
    times = []
    cpu = []
    result = None
    for _ in range(args.repeat):
        calls = 0
        start = time.perf_counter()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        result = module.format_citations(batch, style=args.style)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        times.append(time.perf_counter() - start)
        cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    assert result is not None
    entries = len(result.bibliography)
    best = min(times)
    # Entries whose year carries a letter, "(2003a, ...)": the disambiguation citeproc had to do.
    suffixed = sum(1 for e in result.bibliography if re.search(r"\(\d{4}[a-z],", e))
    print(f"style={args.style} entries={entries} pandoc_calls_per_run={calls} year_suffixed={suffixed}")
    print(
        f"wall, best of {args.repeat}: {best:.2f} s total, {best / entries * 1000:.1f} ms per entry "
        f"(runs: {', '.join(f'{t:.2f}' for t in times)} s)"
    )
    print(f"pandoc CPU time, best: {min(cpu):.2f} s, {min(cpu) / entries * 1000:.1f} ms per entry")


if __name__ == "__main__":
    main()
