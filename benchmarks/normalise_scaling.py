"""How the normaliser's time grows with the length of its input.

    .venv/bin/python benchmarks/normalise_scaling.py            # ~1 minute
    .venv/bin/python benchmarks/normalise_scaling.py --quick
    .venv/bin/python benchmarks/normalise_scaling.py --instructions   # callgrind, 1x and 8x; ~5 minutes

Each row normalises a text made of the corpus articles joined together (real prose, headers and end
matter at every scale) at 1×, 8× and 64× a base size, and prints the time and the growth ratio
against 1× measured in the same run (target: 8× the text in at most 9× the time). Each shape is
timed three ways: normalise as a user runs it; normalise with Python's cyclic garbage collector
paused, which is the code's own growth; and a reference loop (split, lower-case and keep every
line), which shows what the collector and the caches do to any Python code holding a large input's
pieces: on this 2-core VM the reference loop itself grows 20-25x for 8x the text. Rows for the
shapes that used to grow faster than the text: an early bio line before a long body (the old
normaliser compared every later paragraph with all earlier back matter), a single very long
paragraph, and a text with no blank lines.

``--instructions`` counts instructions instead (valgrind's callgrind: a run that normalises the
text less a run that only builds it), which the host cannot move.
"""

from __future__ import annotations

import argparse
import gc
import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "data" / "corpus" / "articles"

from citekit.normalise import normalise_text  # noqa: E402

PROSE = ("The council met on Tuesday and agreed a budget that raises spending on schools, roads and libraries "
         "by a tenth, after a debate that lasted well into the evening.")


def corpus_text(size: int) -> str:
    articles = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(CORPUS.glob("*.txt"))]
    joined = "\n\n".join(articles)
    return (joined * (size // len(joined) + 1))[:size]


def paragraphs(size: int) -> list[str]:
    """Distinct paragraphs (numbered), so that neither the duplicate stage nor a cache flatters."""
    count = size // (len(PROSE) + 10) + 1
    return [f"{PROSE} It was item {n} of the agenda." for n in range(count)]


def shapes(size: int) -> dict[str, str]:
    prose = paragraphs(size)
    return {
        "corpus articles joined": corpus_text(size),
        "early bio, then prose": "A Title\n\nJane Roe lives in Chicago and writes.\n\n" + "\n\n".join(prose),
        "one long paragraph": " ".join(prose),
        "no blank lines": "\n".join(prose),
    }


def best_of(repeats: int, work: Callable[[], object], *, collector: bool = True) -> float:
    """The best of ``repeats`` timings; with ``collector=False`` Python's cyclic GC is paused
    while timing (reference counting still frees everything: the normaliser builds no cycles)."""
    best = float("inf")
    for _ in range(repeats):
        gc.collect()
        if not collector:
            gc.disable()
        try:
            start = time.perf_counter()
            work()
            best = min(best, time.perf_counter() - start)
        finally:
            gc.enable()
    return best


def reference_loop(text: str) -> list[tuple[int, str, list[str]]]:
    """A loop anyone would call linear: each line, lower-cased and split into words, kept."""
    return [(number, line.lower(), line.split()) for number, line in enumerate(text.split("\n"))]


def instructions(size: int, name: str, *, normalise: bool) -> int:
    """Instructions callgrind counts for a process that builds ``name`` at ``size`` (and normalises it)."""
    command = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, __file__,
               "--child", str(size), name, "1" if normalise else "0"]
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    return int(_COLLECTED.findall(result.stderr)[-1])


_COLLECTED = re.compile(r"Collected : (\d+)")


def count_instructions(base: int) -> int:
    worst = 0.0
    print(f"{'shape':26} {'1x (instructions)':>18} {'8x':>16}   growth")
    for name in shapes(base):
        counts = [instructions(base * factor, name, normalise=True) - instructions(base * factor, name, normalise=False)
                  for factor in (1, 8)]
        worst = max(worst, counts[1] / counts[0])
        print(f"{name:26} {counts[0]:18,} {counts[1]:16,}   8x: {counts[1] / counts[0]:.2f}x")
    print(f"worst 8x growth in instructions: {worst:.2f}x (target: at most 9x) {'ok' if worst <= 9 else 'MISSED'}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes, fewer repeats")
    parser.add_argument("--instructions", action="store_true", help="count instructions with callgrind")
    parser.add_argument("--child", nargs=3, metavar=("SIZE", "SHAPE", "NORMALISE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        size, name, normalise = args.child
        text = shapes(int(size))[name]
        normalise_text("A warm-up.\n\nIts text.")  # imports and first-call costs, in both runs
        if normalise == "1":
            normalise_text(text)
        return 0
    if args.instructions:
        return count_instructions(100_000)
    base = 20_000 if args.quick else 100_000
    factors = (1, 8) if args.quick else (1, 8, 64)
    repeats = 2 if args.quick else 3
    worst = {True: 0.0, False: 0.0}
    print(f"{'shape':56} " + " ".join(f"{f'{f}x ({base * f // 1000} kB)':>16}" for f in factors) + "   growth")
    for name in shapes(base):
        for label, work, collector in (("normalise", normalise_text, True),
                                       ("normalise, collector paused", normalise_text, False),
                                       ("reference loop", reference_loop, True)):
            times = []
            for factor in factors:
                text = shapes(base * factor)[name]
                # The smaller the text, the more rounds: a shared host's quiet moments are short, and
                # the best of a few rounds of a 10 ms run is mostly noise.
                rounds = repeats * max(1, factors[-1] // factor)
                times.append(best_of(rounds, lambda text=text, work=work: work(text),  # type: ignore[misc]
                                     collector=collector))
            ratios = [t / times[0] for t in times]
            if work is normalise_text:
                worst[collector] = max(worst[collector], ratios[1])
            print(f"{name + ': ' + label:56} " + " ".join(f"{t:14.3f} s" for t in times)
                  + "   " + ", ".join(f"{f}x: {r:.1f}x" for f, r in zip(factors[1:], ratios[1:], strict=True)))
    for collector, what in ((False, "collector paused (the code's own growth)"), (True, "collector on")):
        verdict = "ok" if worst[collector] <= 9 else "MISSED"
        print(f"worst 8x growth, {what}: {worst[collector]:.1f}x (target: at most 9x) {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
