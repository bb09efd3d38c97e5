"""Leave-one-outlet-out: how the normaliser scores on an outlet whose own rules it never had.

Each pattern row below is attributed to the corpus outlets it was derived from (read off while
writing the tables). For every outlet, the rows derived *only* from that outlet are switched
off, and that outlet's articles are scored with the shipped scorer. A row also seen in another
outlet stays on: it would have been written without this outlet. The structural logic (header,
body, end matter, units) is shared by all outlets and stays on; it is what an unseen outlet meets.

    python benchmarks/leave_one_outlet_out.py

Prints a table: outlet, articles, rows switched off, score with all rows, score without its own.
"""

from __future__ import annotations

import json
import re
import sys
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from citekit import normalise as N  # noqa: E402
from citekit.normalise import patterns as P  # noqa: E402
from citekit.readers import read_path  # noqa: E402
from citekit.serialise import to_dict  # noqa: E402
from tools.score_normaliser import FIELDS, score_one  # noqa: E402

CORPUS = ROOT / "tests" / "data" / "corpus"
NEVER = re.compile(r"(?!)")

# (table, row name or None for a single pattern, a substring of the row's regex) → outlets.
ROW_ORIGINS: list[tuple[str, str | None, str, set[str]]] = [
    ("BOILERPLATE", "social-prompt", "comment on", {"globalresearch"}),
    ("BOILERPLATE", "social-prompt", "like and share", {"beforeitsnews"}),
    ("BOILERPLATE", "social-prompt", "of readers", {"beforeitsnews"}),
    ("BOILERPLATE", "social-prompt", "link:", {"beforeitsnews"}),
    ("BOILERPLATE", "membership", "become a", {"globalresearch"}),
    ("BOILERPLATE", "newsletter", "for free", {"canadafreepress"}),
    ("BOILERPLATE", "advert", "headline:", {"beforeitsnews"}),
    ("BOILERPLATE", "advert", "advertisements", {"willyloman"}),
    ("BOILERPLATE", "navigation", "articles by", {"globalresearch"}),
    ("BOILERPLATE", "navigation", "read more", {"beforeitsnews", "willyloman", "unz"}),
    ("BOILERPLATE", "navigation", "regresar", {"bibliotecapleyades"}),
    ("BOILERPLATE", "navigation", "versi", {"bibliotecapleyades"}),
    ("BOILERPLATE", "navigation", "previously", {"vdare"}),
    ("BOILERPLATE", "navigation", "comments?", {"willyloman"}),
    ("BOILERPLATE", "comment-policy", "commenting policy", {"canadafreepress"}),
    ("BYLINES", "written-by", "written by", {"beforeitsnews"}),
    ("BYLINES", "posted-by", "posted", {"willyloman"}),
    ("SOURCES", "original-source", "original source", {"globalresearch"}),
    ("SOURCES", "appeared-first", "appeared first", {"beforeitsnews"}),
    ("SOURCES", "originally-published", "originally", {"beforeitsnews"}),
    ("SOURCES", "contributed-by", "contributed", {"beforeitsnews"}),
    ("SOURCES", "source-url", "source:", {"beforeitsnews", "bibliotecapleyades"}),
    ("SOURCES", "source-name", "source:", {"etilaf"}),
    ("NOTICES", "disclaimer", "disclaimer", {"globalresearch"}),
    ("NOTICES", "permission", "permission", {"globalresearch"}),
    ("NOTICES", "fair-use", "fair use", {"globalresearch"}),
    ("NOTICES", "contact", "inquiries", {"globalresearch"}),
    ("SITE_LINE", None, "", {"bibliotecapleyades"}),
    ("SITE_LINE_ALONE", None, "", {"bibliotecapleyades"}),
    ("SITE_NAME", None, "", {"bibliotecapleyades"}),
    ("SITE_AND_DATE", None, "", {"globalresearch"}),
    ("SITE_PAREN", None, "", {"beforeitsnews"}),
    ("TRANSLATION_CREDIT", None, "", {"bibliotecapleyades"}),
    ("INLINE_TAGS", None, "", {"alaraby"}),
    ("TRAILING_SOURCE", None, "", {"etilaf"}),
    ("TRAILING_SLASH_CREDIT", None, "", {"sana"}),
    ("TRAILING_CREDIT", None, "", {"washingtonexaminer"}),
    ("WIRE_CREDIT", None, "", {"beforeitsnews", "naturalnews"}),
    ("REPUBLISHED", None, "", {"beforeitsnews"}),
    ("EDITOR_NOTE", None, "", {"beforeitsnews"}),
    ("REFERENCE_LINE", None, "", {"vdare"}),
    ("CITATION_MARKS", None, "", {"beforeitsnews"}),
    ("ACKNOWLEDGEMENT", None, "", {"beforeitsnews"}),
    ("KICKER", None, "", {"washingtonexaminer"}),
    ("DATELINE_PREFIX", None, "", {"alaraby", "dailysabah", "etilaf", "jordantimes", "sana"}),
    ("BIO_SENTENCE", None, "", {"globalresearch", "canadafreepress", "naturalnews"}),
    ("BIO_LABEL", None, "", {"globalresearch", "unz"}),
    ("KEYWORD_LINE", None, "", {"globalresearch", "willyloman"}),
    ("CAPTION", None, "", {"alternet", "christianpost"}),
    ("NOTES_LABEL", None, "", {"bibliotecapleyades", "beforeitsnews"}),
]


def outlet_of(file_name: str) -> str:
    return "globalresearch" if file_name.startswith("000_") else file_name.rsplit("-", 1)[0]


@contextmanager
def without(outlet: str) -> Iterator[int]:
    """Switch off the rows derived only from ``outlet``; yields how many."""
    saved = {name: getattr(P, name) for name in dir(P) if name.isupper()}
    off = 0
    try:
        for table, row, needle, origins in ROW_ORIGINS:
            if origins != {outlet}:
                continue
            off += 1
            value = getattr(P, table)
            if row is None:
                setattr(P, table, NEVER)
            else:
                kept = tuple(r for r in value if not (r.name == row and needle in r.pattern.pattern.lower()))
                setattr(P, table, kept)
        combined_tables = (("BOILERPLATE", "BOILERPLATE_ANY"), ("SOURCES", "SOURCES_ANY"))
        for table, combined in combined_tables:
            rows = getattr(P, table)
            setattr(P, combined, P.combine(rows))
        _rebuild_checks()
        yield off
    finally:
        for name, value in saved.items():
            setattr(P, name, value)
        _rebuild_checks()


def _rebuild_checks() -> None:
    """The normaliser's check lists hold pattern objects: rebuild them from the (patched) tables."""
    N._SHORT_CHECKS = tuple((kind, getattr(P, name)) for kind, name in (
        ("keywords", "KEYWORD_LINE"), ("caption", "CAPTION"), ("editor-note", "EDITOR_NOTE"),
        ("bio-label", "BIO_LABEL"), ("acknowledgement", "ACKNOWLEDGEMENT"), ("byline-alone", "BYLINE_ALONE"),
        ("site-alone", "SITE_LINE_ALONE"), ("site-and-date", "SITE_AND_DATE"), ("translation", "TRANSLATION_CREDIT")))
    N._LONG_CHECKS = tuple((kind, getattr(P, name)) for kind, name in (
        ("caption", "CAPTION"), ("editor-note", "EDITOR_NOTE"), ("acknowledgement", "ACKNOWLEDGEMENT")))


def score(truths: list[dict[str, object]]) -> float:
    total = 0
    for truth in truths:
        document = to_dict(read_path(CORPUS / "articles" / str(truth["file"])))
        total += sum(score_one(truth, document).values())
    return total / (len(truths) * len(FIELDS))


def main() -> None:
    truths = [json.loads(line) for line in (CORPUS / "truth.jsonl").read_text().splitlines() if line.strip()]
    by_outlet: dict[str, list[dict[str, object]]] = defaultdict(list)
    for truth in truths:
        by_outlet[outlet_of(str(truth["file"]))].append(truth)
    print(f"{'outlet':22} {'files':>5} {'rows off':>8} {'all rules':>9} {'left out':>9}")
    weighted_all = weighted_out = 0.0
    for outlet, items in sorted(by_outlet.items()):
        with_rules = score(items)
        with without(outlet) as off:
            left_out = score(items)
        weighted_all += with_rules * len(items)
        weighted_out += left_out * len(items)
        print(f"{outlet:22} {len(items):5d} {off:8d} {with_rules:9.3f} {left_out:9.3f}")
    mean_all, mean_out = weighted_all / len(truths), weighted_out / len(truths)
    print(f"{'mean over articles':22} {len(truths):5d} {'':8} {mean_all:9.3f} {mean_out:9.3f}")


if __name__ == "__main__":
    main()
