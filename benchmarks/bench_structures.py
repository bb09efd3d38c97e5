"""Cost of long tables and many notes in every writer, against input size: growth ratios in one run.

    python benchmarks/bench_structures.py            # rows 500, 1000, 2000, 4000 (and notes as many)
    python benchmarks/bench_structures.py --sizes 1000 8000

A writer is linear when doubling the input doubles its time (ratio ≈ 2 per doubling). reportlab
re-measures every remaining row of a table each time it breaks across a page, which is quadratic
in the rows of one table: the PDF writer sets body rows in runs of 60 (``writers/pdf/structure.py``),
and this benchmark shows the growth that leaves. CPU time of this process, best of ``--rounds``.
"""

from __future__ import annotations

import argparse
import time
from itertools import pairwise

from citekit.model import Document, Metadata, Note, Para, Str, Table, TableCell, TableRow
from citekit.writers import get_writer, write_bytes


def table_document(rows: int) -> Document:
    def cell(text: str) -> TableCell:
        return TableCell(blocks=(Para(content=(Str(text=text),)),))

    table = Table(head=(TableRow(cells=(cell("Country"), cell("Year"), cell("Rate"))),),
                  body=tuple(TableRow(cells=(cell(f"Country {n}"), cell(str(1900 + n % 120)), cell(f"{n % 97}.5 %")))
                             for n in range(rows)))
    return Document(metadata=Metadata(title="A long table", language="en"), body=(table,))


def notes_document(notes: int) -> Document:
    paragraphs = tuple(Para(content=(Str(text=f"Sentence {n} of the article"),
                                     Note(blocks=(Para(content=(Str(text=f"Note {n}, citing a source."),)),)),
                                     Str(text=" goes on.")))
                       for n in range(notes))
    return Document(metadata=Metadata(title="Many notes", language="en"), body=paragraphs)


def cpu_seconds(document: Document, writer: str, rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        started = time.process_time()
        write_bytes(document, get_writer(writer))
        best = min(best, time.process_time() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 1000, 2000, 4000])
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    for name, make in (("table rows", table_document), ("notes", notes_document)):
        for writer in ("jats", "epub", "pdf", "citekit-json"):
            cpu_seconds(make(args.sizes[0]), writer, 1)  # warm: imports and fonts out of the timing
            times = [cpu_seconds(make(size), writer, args.rounds) for size in args.sizes]
            growth = " ".join(f"×{b / a:.2f}" for a, b in pairwise(times))
            shown = "  ".join(f"{size}: {seconds:.2f}s" for size, seconds in zip(args.sizes, times, strict=True))
            print(f"{name:10} {writer:12} {shown}   growth per step {growth}")


if __name__ == "__main__":
    main()
