"""How the normaliser's time grows with the length of its input.

    .venv/bin/python benchmarks/normalise_scaling.py            # ~1 minute
    .venv/bin/python benchmarks/normalise_scaling.py --quick

Each row normalises a text made of the corpus articles joined together (real prose, headers and end
matter at every scale) at 1×, 8× and 64× a base size, and prints the time and the growth ratio
against 1× measured in the same run (target: 8× the text in at most 9× the time). Rows for the
shapes that used to grow faster than the text: an early bio line before a long body (the old
normaliser compared every later paragraph with all earlier back matter), a single very long
paragraph, and a text with no blank lines.
"""

from __future__ import annotations

import argparse
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


def best_of(repeats: int, work: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes, fewer repeats")
    args = parser.parse_args()
    base = 20_000 if args.quick else 100_000
    factors = (1, 8) if args.quick else (1, 8, 64)
    repeats = 2 if args.quick else 3
    worst = 0.0
    print(f"{'shape':26} " + " ".join(f"{f'{f}x ({base * f // 1000} kB)':>16}" for f in factors) + "   growth")
    for name in shapes(base):
        times = []
        for factor in factors:
            text = shapes(base * factor)[name]
            times.append(best_of(repeats, lambda text=text: normalise_text(text)))  # type: ignore[misc]
        ratios = [t / times[0] for t in times]
        worst = max(worst, ratios[1])
        print(f"{name:26} " + " ".join(f"{t:14.3f} s" for t in times)
              + "   " + ", ".join(f"{f}x: {r:.1f}x" for f, r in zip(factors[1:], ratios[1:], strict=True)))
    verdict = "ok" if worst <= 9 else "MISSED"
    print(f"\nworst 8x growth {worst:.1f}x (target: at most 9x) {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
