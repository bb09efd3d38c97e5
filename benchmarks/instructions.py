"""Instructions per article to normalise the corpus, counted by valgrind's callgrind.

    .venv/bin/python benchmarks/instructions.py      # needs valgrind (apt-get install valgrind); ~1 minute

Wall time on a shared VM drifts by tens of percent from one minute to the next; an instruction
count does not, so this is the figure to compare two versions of the normaliser by. The corpus is
normalised once to warm up (imports, CLD2, compiled regexes), then once more between two marker
calls (os.getpgrp to zero the counters, os.getpgid to dump them), and only that pass is counted.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(os.environ.get("CITEKIT_CORPUS", ROOT / "tests" / "data" / "corpus")) / "articles"


def measured_pass() -> None:
    from citekit.readers import read_bytes

    articles = [(p.name, p.read_bytes()) for p in sorted(CORPUS.glob("*.txt"))]
    for name, data in articles:
        read_bytes(data, name=name)
    os.getpgrp()  # callgrind: --zero-before=os_getpgrp
    for name, data in articles:
        read_bytes(data, name=name)
    os.getpgid(0)  # callgrind: --dump-before=os_getpgid


def main() -> None:
    if sys.argv[1:] == ["--measured-pass"]:
        measured_pass()
        return
    count = len(list(CORPUS.glob("*.txt")))
    with tempfile.TemporaryDirectory() as work:
        out = Path(work) / "callgrind.out"
        subprocess.run(["valgrind", "--tool=callgrind", "--zero-before=os_getpgrp", "--dump-before=os_getpgid",
                        f"--callgrind-out-file={out}", "-q", sys.executable, __file__, "--measured-pass"],
                       check=True, capture_output=True)
        (dump,) = Path(work).glob("callgrind.out.1")
        total = next(int(line.split()[1]) for line in dump.read_text().splitlines() if line.startswith("summary:"))
    print(f"normalise: {total / count / 1e6:.2f} M instructions per article ({count} corpus articles, "
          f"callgrind, Python {sys.version.split()[0]})")


if __name__ == "__main__":
    main()
