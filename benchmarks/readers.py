"""The HTML reader against trafilatura on the html-corpus, in one run: speed, body F1, metadata.

    python benchmarks/readers.py speed [--rounds 3]     # pages/s, citekit and trafilatura alternating
    python benchmarks/readers.py score                  # body F1 and metadata accuracy, both tools
    python benchmarks/readers.py loso                   # metadata weights learnt leave-one-site-out

Needs the shared corpus and scorer beside the checkout (``../shared/html-corpus``,
``../shared/tools/score_html.py``; ``--shared`` names another place). Both tools read the same
page bytes in the same process; trafilatura runs as the scorer's adapter does
(``bare_extraction(with_metadata=True)``). ``loso`` learns each source's weight as its smoothed
precision on every page but one site's, chooses that site's metadata with those weights, and
scores it: the figure for sites the weights never saw.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import logging
import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

FIELDS = {"title": "title", "authors": "byline", "site": "siteName", "date": "publishedTime"}


def load_scorer(shared: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("score_html", shared / "tools" / "score_html.py")
    if spec is None or spec.loader is None:
        raise SystemExit(f"no scorer at {shared / 'tools' / 'score_html.py'}")
    module = importlib.util.module_from_spec(spec)
    sys.modules["score_html"] = module
    spec.loader.exec_module(module)
    return module


def body_pages(corpus: Path) -> list[tuple[str, bytes, str]]:
    truth = json.loads((corpus / "body" / "ground-truth.json").read_text("utf-8"))
    return [(pid, gzip.decompress((corpus / "body" / "html" / f"{pid}.html.gz").read_bytes()),
             truth[pid]["articleBody"]) for pid in sorted(truth)]


def metadata_pages(corpus: Path) -> list[tuple[str, bytes, dict[str, Any]]]:
    base = corpus / "metadata" / "test-pages"
    return [(d.name, (d / "source.html").read_bytes(), json.loads((d / "expected-metadata.json").read_text("utf-8")))
            for d in sorted(base.iterdir()) if (d / "source.html").is_file()]


def citekit_doc(data: bytes) -> dict[str, Any]:
    from citekit.readers import read_bytes
    from citekit.serialise import to_dict

    return to_dict(read_bytes(data, name="page.html"))


def trafilatura_doc(scorer: ModuleType, data: bytes) -> dict[str, Any]:
    import trafilatura

    result = trafilatura.bare_extraction(data.decode("utf-8", "replace"), with_metadata=True)
    if result is None:
        return scorer.make_doc()
    d = result.as_dict()
    return scorer.make_doc(title=d.get("title"), authors=(d.get("author") or "").split(";"), date=d.get("date"),
                           site=d.get("sitename"), url=d.get("url"), blocks=(d.get("text") or "").split("\n"))


def speed(args: argparse.Namespace, scorer: ModuleType) -> None:
    pages = [data for _, data, _ in body_pages(args.corpus)] + [data for _, data, _ in metadata_pages(args.corpus)]
    tools = {"citekit": citekit_doc, "trafilatura": lambda data: trafilatura_doc(scorer, data)}
    for tool in tools.values():  # warm: imports and caches out of the timing
        tool(pages[0])
    seconds: dict[str, list[float]] = defaultdict(list)
    for round_ in range(args.rounds):
        order = list(tools) if round_ % 2 == 0 else list(reversed(tools))
        for name in order:
            started = time.perf_counter()
            for data in pages:
                tools[name](data)
            seconds[name].append(time.perf_counter() - started)
    print(f"{len(pages)} pages, {args.rounds} rounds, tools alternating; median of rounds")
    rates = {name: len(pages) / statistics.median(times) for name, times in seconds.items()}
    for name, rate in rates.items():
        print(f"  {name:12} {rate:7.1f} pages/s")
    print(f"  ratio citekit/trafilatura: {rates['citekit'] / rates['trafilatura']:.2f}")


def score(args: argparse.Namespace, scorer: ModuleType) -> None:
    bodies, meta = body_pages(args.corpus), metadata_pages(args.corpus)
    for name, tool in (("citekit", citekit_doc), ("trafilatura", lambda data: trafilatura_doc(scorer, data))):
        predictions = [scorer.body_text(tool(data)) for _, data, _ in bodies]
        metrics = scorer.evaluate_bodies([truth for _, _, truth in bodies], predictions, 200)
        right: Counter[str] = Counter()
        total: Counter[str] = Counter()
        for _, data, expected in meta:
            got = scorer.doc_metadata(tool(data))
            for field in FIELDS.values():
                want = scorer.NORMALISERS[field](expected.get(field))
                if want:
                    total[field] += 1
                    right[field] += want == scorer.NORMALISERS[field](got[field])
        fields = "  ".join(f"{f} {right[f] / total[f]:.3f}" for f in FIELDS.values())
        print(f"{name:12} body F1 {metrics['f1']:.3f} ± {metrics['f1_std']:.3f} (P {metrics['precision']:.3f} "
              f"R {metrics['recall']:.3f}) | {fields}")


def loso(args: argparse.Namespace, scorer: ModuleType) -> None:
    """Leave one site out: weights from the other sites' pages, scored on the held-out site."""
    from citekit.readers.html.choose import WEIGHTS
    from citekit.readers.html.metadata import choose_metadata
    from citekit.readers.html.page import parse_page
    from citekit.readers.html.sources import page_candidates

    pages = []
    for name, data, expected in metadata_pages(args.corpus):
        candidates = page_candidates(parse_page(data))
        site = urlsplit(expected.get("url") or "").hostname or name
        pages.append((site.removeprefix("www."), candidates, expected))

    def stated(candidates: Any, weights: dict[str, dict[str, float]] | None) -> dict[str, str]:
        chosen = choose_metadata(candidates, weights=weights)
        return {"title": chosen.title or "", "byline": ", ".join(chosen.authors), "siteName": chosen.site or "",
                "publishedTime": chosen.date or ""}

    def learn(training: list[Any]) -> dict[str, dict[str, float]]:
        right: Counter[tuple[str, str]] = Counter()
        seen: Counter[tuple[str, str]] = Counter()
        for _, candidates, expected in training:
            for field, key in FIELDS.items():
                want = scorer.NORMALISERS[key](expected.get(key))
                if not want:
                    continue
                for candidate in candidates:
                    if candidate.field == field:
                        got = scorer.NORMALISERS[key](stated([candidate], None)[key])
                        seen[field, candidate.origin] += 1
                        right[field, candidate.origin] += got == want
        weights: dict[str, dict[str, float]] = defaultdict(dict)
        for (field, origin), n in seen.items():
            weights[field][origin] = (right[field, origin] + 1) / (n + 2)  # Laplace: rare sources stay modest
        return weights

    sites = sorted({site for site, _, _ in pages})
    results: dict[str, Counter[str]] = {"loso": Counter(), "shipped": Counter(), "n": Counter()}
    for site in sites:
        held = [p for p in pages if p[0] == site]
        weights = learn([p for p in pages if p[0] != site])
        for _, candidates, expected in held:
            got_loso, got_shipped = stated(candidates, weights), stated(candidates, WEIGHTS)
            for key in FIELDS.values():
                want = scorer.NORMALISERS[key](expected.get(key))
                if want:
                    results["n"][key] += 1
                    results["loso"][key] += want == scorer.NORMALISERS[key](got_loso[key])
                    results["shipped"][key] += want == scorer.NORMALISERS[key](got_shipped[key])
    print(f"{len(pages)} pages from {len(sites)} sites; page metadata only (no text rules, no htmldate)")
    for label in ("loso", "shipped"):
        print(f"  {label:8} " + "  ".join(f"{k} {results[label][k] / results['n'][k]:.3f}" for k in FIELDS.values()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", choices=("speed", "score", "loso"))
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[1].parent / "shared")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    args.corpus = args.shared / "html-corpus"
    logging.disable(logging.WARNING)
    scorer = load_scorer(args.shared)
    {"speed": speed, "score": score, "loso": loso}[args.what](args, scorer)


if __name__ == "__main__":
    main()
