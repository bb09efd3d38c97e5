"""The normaliser of the working tree against another revision of it, timed in one process.

    .venv/bin/python benchmarks/compare.py 53f0f94               # working tree vs that commit
    .venv/bin/python benchmarks/compare.py HEAD~1 --rounds 100

A shared VM's speed drifts by tens of percent within minutes, so two runs taken at different
moments cannot tell a 5 % change. This script loads both versions into one process (the other one
exported with ``git archive`` into a temporary directory, as a package renamed ``citekit_other``)
and times them in alternating rounds over the corpus, the order swapped every round: whatever the
host does, it does to both. It prints the ratio of the two best rounds and the median ratio of the
rounds.
"""

from __future__ import annotations

import argparse
import importlib
import re
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from io import BytesIO
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "data" / "corpus" / "articles"
OTHER = "citekit_other"
# How the package names itself in its own imports: "citekit.normalise", "from citekit import …".
_SELF_IMPORT = re.compile(r"\bcitekit(?=\.[a-z_]|\s+import\b|$)", re.MULTILINE)


def export(revision: str, into: Path) -> None:
    """``src/citekit`` at ``revision``, as the package ``citekit_other`` under ``into``."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", revision, "src/citekit"],
                             check=True, capture_output=True).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    package = into / OTHER
    (into / "src" / "citekit").rename(package)
    for module in package.rglob("*.py"):
        module.write_text(_SELF_IMPORT.sub(OTHER, module.read_text(encoding="utf-8")), encoding="utf-8")


def reader(package: str) -> Callable[[bytes, str], Any]:
    # The text path called directly: the readers' registry finds readers by entry point, which
    # the renamed copy has none of.
    normalise_text: Callable[..., Any] = importlib.import_module(package).normalise_text
    return lambda data, name: normalise_text(data.decode("utf-8-sig"), name=name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("revision", help="the git revision to compare the working tree with")
    parser.add_argument("--rounds", type=int, default=60, help="alternating rounds (default 60)")
    args = parser.parse_args()
    articles = [(p.read_bytes(), p.name) for p in sorted(CORPUS.glob("*.txt"))]
    with tempfile.TemporaryDirectory() as work:
        export(args.revision, Path(work))
        sys.path.insert(0, work)
        versions = {"working tree": reader("citekit"), args.revision: reader(OTHER)}
        best = dict.fromkeys(versions, float("inf"))
        ratios = []
        for read in versions.values():  # warm up: imports, compiled regexes, CLD2
            for data, name in articles:
                read(data, name)
        for round_number in range(args.rounds):
            order = list(versions.items())
            seconds = {}
            for label, read in order if round_number % 2 else reversed(order):
                started = time.perf_counter()
                for data, name in articles:
                    read(data, name)
                seconds[label] = (time.perf_counter() - started) / len(articles)
                best[label] = min(best[label], seconds[label])
            ratios.append(seconds[args.revision] / seconds["working tree"])
    for label, value in best.items():
        print(f"{label:>14}: best {value * 1000:.3f} ms per article ({1 / value:,.0f} articles/s)")
    print(f"{args.revision} takes {best[args.revision] / best['working tree']:.3f} times as long as the working "
          f"tree (best rounds); median of {args.rounds} paired rounds {statistics.median(ratios):.3f}")


if __name__ == "__main__":
    main()
