"""Time and peak memory against input size, for the normaliser and every writer.

    .venv/bin/python benchmarks/bench_scaling.py                      # 1, 10 and 50 MB of prose
    .venv/bin/python benchmarks/bench_scaling.py --sizes 1,10 --formats jats,epub
    .venv/bin/python benchmarks/bench_scaling.py --removed 1000000    # also: document JSON, 10^6 removed entries

Each measurement runs in a fresh process, so its peak RSS (``VmHWM``) is its own: the
normaliser's process reads and normalises the prose; a writer's process reads the normalised
document JSON and writes one format (its time is the writing alone, its RSS the whole process).
Times are CPU seconds of that process, which other jobs on a shared machine inflate far less
than wall time. The growth ratio compares each size with the one before it: time ratio divided
by size ratio, where 1.00 is linear (target: at most 1.2, i.e. 10x the input costs at most 12x
the time). The prose is generated (fixed seed): paragraphs of varied sentences under a title,
byline and date line, with no repeated paragraph for the normaliser to fold away.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MB = 1024 * 1024
_MEANINGFUL = 0.05
"""Below this many CPU seconds a time is mostly noise, and no growth ratio is drawn from it."""
_VOCABULARY = (
    "the", "of", "and", "to", "in", "a", "is", "that", "for", "it", "as", "was", "with", "be", "by", "on", "not",
    "he", "this", "are", "or", "his", "from", "at", "which", "but", "have", "an", "they", "you", "were", "her",
    "she", "there", "been", "one", "all", "we", "their", "has", "would", "when", "if", "so", "no", "will",
    "more", "can", "about", "said", "what", "government", "market", "policy", "trade", "report", "minister",
    "council", "people", "city", "water", "energy", "court", "police", "school", "research", "company",
    "workers", "prices", "health", "election", "security", "climate", "history", "border", "village", "river",
    "system"
)


def prose(size: int, seed: int = 0) -> str:
    """About ``size`` bytes of article text: a header, then paragraphs of 3–9 sentences."""
    rng = random.Random(seed)
    parts = ["A Generated Article for the Scaling Benchmark\nBy Jane Roe\nJanuary 29, 2017\n\n"]
    total = len(parts[0])
    number = 0
    while total < size:
        sentences = []
        for _ in range(rng.randint(3, 9)):
            words = [rng.choice(_VOCABULARY) for _ in range(rng.randint(6, 22))]
            sentences.append(" ".join(words).capitalize() + f" {number}.")
            number += 1
        paragraph = " ".join(sentences) + "\n\n"
        parts.append(paragraph)
        total += len(paragraph)
    return "".join(parts)


def removed_document(count: int) -> str:
    """Document JSON with ``count`` removed entries (a page of endless share prompts)."""
    return json.dumps({
        "schema": "citekit-document/1", "metadata": {"title": "Many removed"},
        "body": [{"type": "paragraph", "inlines": [{"type": "str", "text": "Body."}]}],
        "removed": [{"start_line": n + 5, "end_line": n + 5, "text": f"Share this article on Facebook {n}",
                     "reason": "social-prompt"} for n in range(count)],
    }, indent=2)


# --------------------------------------------------------------------------------------------
# Child processes: one measurement each


def _child(stage: str, source: str, target: str | None) -> None:
    from citekit.readers import read_path
    from citekit.serialise import dump

    if stage == "normalise":
        started = time.process_time()
        document = read_path(Path(source), max_bytes=0)
        seconds = time.process_time() - started
        if target:
            with open(target, "w", encoding="utf-8") as stream:
                dump(document, stream)
    else:
        from citekit.writers import get_writer, write_bytes

        document = read_path(Path(source), max_bytes=0)
        writer = get_writer(stage)
        write_bytes(document.__class__(), writer)  # imports and fonts, not counted
        started = time.process_time()
        data, _ = write_bytes(document, writer)
        seconds = time.process_time() - started
        if target:
            Path(target).write_bytes(data)
    print(json.dumps({"seconds": seconds, "peak_mb": _peak_rss_mb()}))


def _peak_rss_mb() -> float:
    """This process's peak RSS in MB: VmHWM, the high-water mark of its own memory map.

    (``ru_maxrss`` would not do: Linux carries into it the RSS of the process before ``exec``,
    a fork of this script's parent, which holds the generated inputs.)
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(stage: str, source: Path, target: Path | None = None) -> dict[str, float]:
    command = [sys.executable, __file__, "--child", stage, str(source), str(target or "")]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    result: dict[str, float] = json.loads(output.strip().splitlines()[-1])
    return result


# --------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1,10,50", help="input sizes in MB (default 1,10,50)")
    parser.add_argument("--formats", default="", help="writers (default: all registered)")
    parser.add_argument("--removed", type=int, default=0, help="also a document JSON with this many removed entries")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        stage, source, target = args.child
        _child(stage, source, target or None)
        return

    from citekit.writers import available_writers

    sizes = [float(s) for s in args.sizes.split(",")]
    formats = [f for f in args.formats.split(",") if f] or sorted(available_writers())
    results: dict[str, list[tuple[float, dict[str, float]]]] = {}
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        for size in sizes:
            article = folder / f"prose-{size:g}mb.txt"
            article.write_text(prose(int(size * MB)), encoding="utf-8")
            document = folder / f"prose-{size:g}mb.citekit.json"
            for stage in ["normalise", *formats]:
                source, target = (article, document) if stage == "normalise" else (document, None)
                result = measure(stage, source, target)
                results.setdefault(stage, []).append((size, result))
                print(f"{size:5g} MB  {stage:13} {result['seconds']:8.2f} s CPU  {result['peak_mb']:8.0f} MB peak RSS",
                      flush=True)
        print("\ngrowth ratio (time ratio / size ratio; 1.00 is linear, target <= 1.2)")
        for stage, rows in results.items():
            ratios = []
            for (small, before), (large, after) in itertools.pairwise(rows):
                if before["seconds"] < _MEANINGFUL:
                    ratios.append(f"{small:g}->{large:g} MB: (under {_MEANINGFUL} s)")
                    continue
                growth = after["seconds"] / before["seconds"] / (large / small)
                ratios.append(f"{small:g}->{large:g} MB: {growth:.2f}")
            print(f"  {stage:13} " + "   ".join(ratios))
        if args.removed:
            source = folder / "removed.citekit.json"
            source.write_text(removed_document(args.removed), encoding="utf-8")
            print(f"\ndocument JSON with {args.removed:,} removed entries ({source.stat().st_size / MB:.0f} MB):")
            for stage in ("normalise", "citekit-json", "jats"):
                result = measure(stage, source)
                what = "read" if stage == "normalise" else f"read + write {stage}"
                print(f"  {what:24} {result['seconds']:8.2f} s CPU  {result['peak_mb']:8.0f} MB peak RSS", flush=True)


if __name__ == "__main__":
    main()
