"""What a rerun costs: reading the previous report back as JSON, and a batch where all is up to date.

    .venv/bin/python benchmarks/bench_resume.py                  # 10,000 rows
    .venv/bin/python benchmarks/bench_resume.py --rows 2000      # quicker

Builds a JSON Lines dataset of ``--rows`` corpus articles, converts it once to citekit-json, then
measures, each in a fresh process: reading the report back (``load_previous``: the streaming JSON
reader and the check of every entry) against ``json.load`` of the same file (the baseline: no
check, the whole file in memory), and the rerun that skips every row. Prints times, peak RSS and
the ratios; compare ratios across machines, not absolute numbers.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "data" / "corpus" / "articles"

READ = """
import json, resource, sys, time
from pathlib import Path
out = Path(sys.argv[2])
started = time.perf_counter()
if sys.argv[1] == "citekit":
    from citekit.batch.journal import load_previous
    count = len(load_previous(out, print).entries)
else:
    with (out / "citekit-report.json").open(encoding="utf-8") as stream:
        count = len(json.load(stream)["inputs"])
seconds = time.perf_counter() - started
print(json.dumps({"entries": count, "seconds": seconds,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def measure(kind: str, out: Path) -> dict[str, float]:
    result = subprocess.run([sys.executable, "-c", READ, kind, str(out)], capture_output=True, text=True,
                            check=True)
    data: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
    return data


def rerun(dataset: Path, out: Path) -> tuple[float, float]:
    command = [sys.executable, "-c",
               "import resource, sys, citekit\n"
               "report = citekit.convert([sys.argv[1]], to=['citekit-json'], out_dir=sys.argv[2], jobs=1,\n"
               "                         dataset=citekit.DatasetOptions(id_column='id'))\n"
               "assert report.totals.skipped == report.totals.inputs, report.totals\n"
               "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)\n",
               str(dataset), str(out)]
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    return time.perf_counter() - started, float(result.stdout.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    import citekit

    articles = [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))]
    with tempfile.TemporaryDirectory() as work:
        dataset, out = Path(work) / "rows.jsonl", Path(work) / "out"
        with dataset.open("w", encoding="utf-8") as stream:
            for row in range(args.rows):
                stream.write(json.dumps({"id": f"row-{row}", "text": articles[row % len(articles)]}) + "\n")
        started = time.perf_counter()
        first = citekit.convert([dataset], to=["citekit-json"], out_dir=out, jobs=1,
                                dataset=citekit.DatasetOptions(id_column="id"))
        first_seconds = time.perf_counter() - started
        size = (out / "citekit-report.json").stat().st_size
        ours, baseline = measure("citekit", out), measure("json.load", out)
        assert ours["entries"] == baseline["entries"] == first.totals.inputs
        rerun_seconds, rerun_rss = rerun(dataset, out)
    print(f"rows {args.rows}, report {size / 1e6:.1f} MB, first run {first_seconds:.1f} s "
          f"({first.totals.converted} converted, {first.totals.failed} failed)")
    print(f"read the report: citekit {ours['seconds']:.2f} s, {ours['rss_mb']:.0f} MB peak RSS; "
          f"json.load {baseline['seconds']:.2f} s, {baseline['rss_mb']:.0f} MB "
          f"(time x{ours['seconds'] / baseline['seconds']:.2f}, memory x{ours['rss_mb'] / baseline['rss_mb']:.2f})")
    print(f"rerun, all up to date: {rerun_seconds:.1f} s ({rerun_seconds / first_seconds:.2f} of the first run), "
          f"{rerun_rss:.0f} MB peak RSS")


if __name__ == "__main__":
    main()
