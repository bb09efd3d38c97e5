"""Leave-one-outlet-out: how the normaliser scores on an outlet whose own rules it never had.

Every rule records the corpus outlets it was derived from (``Rule.origins``). For each outlet, the
rules derived *only* from that outlet are switched off (``NormaliseOptions.disabled``), anything
fitted from data (the line labeller) is fitted again without that outlet's articles, and the
outlet's articles are scored with the shared scorer. A rule also seen in another outlet, or marked
"genre" (a convention written from many sites), stays on: it would have been written without this
outlet.

    python benchmarks/leave_one_outlet_out.py                       # ../shared/corpus (102 articles)
    python benchmarks/leave_one_outlet_out.py --corpus tests/data/corpus --show

Prints the in-sample and leave-one-outlet-out scores per field, per source dataset and overall,
and the minimum word coverage; ``--outlets`` adds a row per outlet, ``--show`` every miss.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from citekit.normalise import NormaliseOptions, normalise_text  # noqa: E402
from citekit.normalise.tables import RULES  # noqa: E402
from citekit.readers.text import decode_text  # noqa: E402
from citekit.serialise import to_dict  # noqa: E402
from tools.score_normaliser import FIELDS, coverage, score_one  # noqa: E402

SHARED = ROOT.parent / "shared" / "corpus"
LOCAL = ROOT / "tests" / "data" / "corpus"


def outlet_of(file_name: str) -> str:
    return "globalresearch" if file_name.startswith("000_") else file_name.rsplit("-", 1)[0]


def rules_only_from(outlet: str) -> frozenset[str]:
    """The ids of the rules derived from ``outlet`` alone."""
    return frozenset(rule.id for rule in RULES.values() if rule.origins == {outlet})


def dataset_of(corpus: Path) -> dict[str, str]:
    """Each file's source dataset (the repository it was copied from), from MANIFEST.tsv."""
    manifest = corpus / "MANIFEST.tsv"
    if not manifest.exists():
        return {}
    with manifest.open(encoding="utf-8") as handle:
        return {row["file"]: row["source_repo"] for row in csv.DictReader(handle, delimiter="\t")}


def score_articles(corpus: Path, truths: list[dict[str, object]],
                   options_for: Callable[[str], NormaliseOptions]
                   ) -> tuple[dict[str, dict[str, bool]], dict[str, float]]:
    """Per file: the scorer's field hits, and word coverage."""
    hits: dict[str, dict[str, bool]] = {}
    covered: dict[str, float] = {}
    for truth in truths:
        name = str(truth["file"])
        data = (corpus / "articles" / name).read_bytes()
        text = decode_text(data, name=name)
        document = to_dict(normalise_text(text, name=name, raw=data, options=options_for(outlet_of(name))))
        hits[name] = score_one(truth, document)
        covered[name] = coverage(data.decode("utf-8", errors="replace"), document)
    return hits, covered


def table(title: str, groups: dict[str, list[str]], results: dict[str, dict[str, dict[str, bool]]]) -> None:
    runs = list(results)
    print(f"\n{title}")
    print(f"{'':24} {'files':>5} " + " ".join(f"{run:>10}" for run in runs))
    for group, files in groups.items():
        means = [sum(sum(results[run][f].values()) for f in files) / (len(files) * len(FIELDS)) for run in runs]
        print(f"{group[:24]:24} {len(files):5d} " + " ".join(f"{m:10.3f}" for m in means))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=SHARED if SHARED.exists() else LOCAL)
    parser.add_argument("--outlets", action="store_true", help="a row per outlet")
    parser.add_argument("--show", action="store_true", help="every miss left out")
    args = parser.parse_args()
    corpus: Path = args.corpus
    truths = [json.loads(line) for line in (corpus / "truth.jsonl").read_text().splitlines() if line.strip()]

    in_sample, covered = score_articles(corpus, truths, lambda outlet: NormaliseOptions())
    left_out, _ = score_articles(corpus, truths, lambda outlet: NormaliseOptions(disabled=rules_only_from(outlet)))
    results = {"in-sample": in_sample, "left-out": left_out}

    print(f"corpus {corpus} ({len(truths)} articles, {len({outlet_of(str(t['file'])) for t in truths})} outlets)")
    print(f"\n{'field':12} {'in-sample':>10} {'left-out':>10}")
    for field in FIELDS:
        row = [sum(r[field] for r in results[run].values()) / len(truths) for run in results]
        print(f"{field:12} " + " ".join(f"{v:10.3f}" for v in row))
    means = {run: sum(sum(r.values()) for r in res.values()) / (len(truths) * len(FIELDS))
             for run, res in results.items()}
    print(f"{'mean':12} " + " ".join(f"{means[run]:10.3f}" for run in results))
    print(f"coverage min {min(covered.values()):.3f} ({min(covered, key=covered.__getitem__)})")

    datasets = dataset_of(corpus)
    by_dataset: dict[str, list[str]] = defaultdict(list)
    for truth in truths:
        by_dataset[datasets.get(str(truth["file"]), "project seed")].append(str(truth["file"]))
    table("per source dataset", dict(sorted(by_dataset.items())), results)
    if args.outlets:
        by_outlet: dict[str, list[str]] = defaultdict(list)
        for truth in truths:
            by_outlet[outlet_of(str(truth["file"]))].append(str(truth["file"]))
        table("per outlet", dict(sorted(by_outlet.items())), results)
    if args.show:
        for name, fields in sorted(left_out.items()):
            for field, ok in fields.items():
                if not ok:
                    print(f"miss {field:11} {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

