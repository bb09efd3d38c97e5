"""What ``citekit inspect`` and ``convert --review`` cost: page build time and size, and the batch overhead.

    .venv/bin/python benchmarks/bench_inspect.py              # seed, corpus pages, batch with and without --review
    .venv/bin/python benchmarks/bench_inspect.py --rounds 9   # steadier medians
    .venv/bin/python benchmarks/bench_inspect.py --to jats,epub,pdf   # the overhead beside heavier writers

Measured in one process, each figure beside its baseline from the same run:

- the seed's page: the time to build the HTML from a trace (``page(trace)``, the work ``inspect``
  adds), median of ``--rounds`` after one warm-up, against reading and normalising the same input
  (``trace_path``, which ``inspect`` and every conversion do anyway); and its size in bytes;
- every corpus article's page (85 texts): median and largest build time and size;
- the review page of a synthetic 10,000-input report (time and size);
- a batch of the corpus to csl-json (or ``--to``) in this process (``jobs=1``), with and without ``--review``,
  alternating, ``--rounds`` each: the median wall time of each and their ratio, and the bytes the
  inspect pages add against the input bytes.

Targets (issue 17): the seed's page under 200 KB and under 20 ms to build. A shared 2-core machine:
compare the ratios, not the absolute times.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "samples" / "seed-globalresearch-trump-putin.txt"
CORPUS = ROOT / "tests" / "data" / "corpus" / "articles"


def timed(function: object, rounds: int) -> float:
    """Median seconds of ``rounds`` calls after one warm-up call."""
    assert callable(function)
    function()
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def seed(rounds: int) -> None:
    from citekit.inspector.page import page
    from citekit.inspector.trace import trace_path

    trace = trace_path(SEED)
    build = timed(lambda: page(trace), rounds)
    read = timed(lambda: trace_path(SEED), rounds)
    size = len(page(trace).encode("utf-8"))
    print(f"seed page: {size / 1000:.1f} KB (target < 200 KB), built in {build * 1000:.2f} ms "
          f"(target < 20 ms); reading and normalising the seed: {read * 1000:.2f} ms "
          f"(page / read = {build / read:.2f})")


def corpus(rounds: int) -> None:
    from citekit.inspector.page import page
    from citekit.inspector.trace import trace_path

    builds: list[tuple[float, int, str]] = []
    for path in sorted(CORPUS.glob("*.txt")):
        trace = trace_path(path)
        builds.append((timed(lambda trace=trace: page(trace), max(1, rounds // 3)),  # type: ignore[misc]
                       len(page(trace).encode("utf-8")), path.name))
    times = [b[0] for b in builds]
    sizes = [b[1] for b in builds]
    slowest = max(builds)
    print(f"corpus pages ({len(builds)}): build median {statistics.median(times) * 1000:.2f} ms, "
          f"largest {slowest[0] * 1000:.2f} ms ({slowest[2]}); size median {statistics.median(sizes) / 1000:.1f} KB, "
          f"largest {max(sizes) / 1000:.1f} KB")


def batch(rounds: int, to: str) -> None:
    import citekit

    inputs = sorted(CORPUS.glob("*.txt"))
    input_bytes = sum(p.stat().st_size for p in inputs)
    times: dict[bool, list[float]] = {False: [], True: []}
    pages = 0
    with tempfile.TemporaryDirectory() as scratch:
        for round_ in range(rounds + 1):
            for review in (False, True):
                out = Path(scratch) / f"out-{review}"
                shutil.rmtree(out, ignore_errors=True)
                started = time.perf_counter()
                citekit.convert(inputs, to=to, out_dir=out, jobs=1, review=review)
                if round_:  # the first round warms the imports up
                    times[review].append(time.perf_counter() - started)
                if review:
                    pages = sum(p.stat().st_size for p in (out / ".citekit-inspect").iterdir())
                    pages += (out / "citekit-review.html").stat().st_size
    plain, reviewed = statistics.median(times[False]), statistics.median(times[True])
    print(f"batch of {len(inputs)} corpus texts to {to}, jobs=1: {plain:.2f} s without --review, "
          f"{reviewed:.2f} s with it (ratio {reviewed / plain:.2f}); the pages add {pages / 1e6:.2f} MB "
          f"({pages / input_bytes:.1f} times the {input_bytes / 1e6:.2f} MB of input)")


def review(entries: int) -> None:
    """The review page of a report of ``entries`` inputs, each with the corpus's typical review items."""
    from citekit.batch.report import BatchReport, InputReport, OutputRecord, ReviewItem, Totals
    from citekit.inspector.review import review_page

    items = (ReviewItem(field="metadata.language", reason="supplied", detail="cld2"),
             ReviewItem(field="metadata.url", reason="missing"), ReviewItem(field="metadata.date", reason="missing"))
    inputs = [InputReport(source=f"articles/article-{n:05}.txt", status="converted", review=items[: 1 + n % 3],
                          outputs=(OutputRecord(format="inspect", path=f".citekit-inspect/article-{n:05}.html",
                                                key="k", size=1, sha256="s"),)) for n in range(entries)]
    report = BatchReport(citekit_version="bench", formats=("csl-json",), options={}, inputs=inputs,
                         totals=Totals(inputs=entries, converted=entries))
    started = time.perf_counter()
    size = len(review_page(report, out_name="out").encode("utf-8"))
    seconds = time.perf_counter() - started
    print(f"review page of {entries:,} inputs ({sum(len(i.review) for i in inputs):,} items): "
          f"{seconds:.2f} s, {size / 1e6:.1f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--to", default="csl-json", help="the batch's formats (default: csl-json, the cheapest)")
    args = parser.parse_args()
    seed(args.rounds)
    corpus(args.rounds)
    batch(max(1, args.rounds // 2), args.to)
    review(10_000)


if __name__ == "__main__":
    main()
