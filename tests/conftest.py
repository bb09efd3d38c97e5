"""Shared fixtures: repository data paths, a hand-built full document, and the CI tool rule.

Tests read only files inside the repository (``tests/data``, ``samples``). External validators
(EPUBCheck's Java, Ace, chromium) are skipped when missing on a developer's machine, but under
``CI=true`` a missing tool fails the test: CI must never pass by skipping.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings

from citekit.model import (
    Author,
    BackItem,
    Document,
    Emph,
    Heading,
    KeywordGroup,
    LineBreak,
    Link,
    ListBlock,
    Metadata,
    Notice,
    Para,
    Provenance,
    Quote,
    Rights,
    Rule,
    Str,
    Strong,
)

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
CORPUS = DATA / "corpus" / "articles"
TRUTH = DATA / "corpus" / "truth.jsonl"
SCHEMAS = DATA / "schemas"
SAMPLES = ROOT / "samples"
SEED = SAMPLES / "seed-globalresearch-trump-putin.txt"
IN_CI = os.environ.get("CI", "").lower() == "true"

# Generated tests are deterministic in CI: the same examples every run, no example database. A case
# hypothesis finds on a developer's machine is kept as an explicit test case.
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
if IN_CI:
    settings.load_profile("ci")


def require_tool(name: str, found: bool | None = None) -> None:
    """Skip when an external tool is missing, except under CI=true, where it is a failure."""
    present = found if found is not None else shutil.which(name) is not None
    if present:
        return
    if IN_CI:
        pytest.fail(f"{name} is required under CI=true but is not installed (.ci/run must install it)")
    pytest.skip(f"{name} not installed")


def corpus_files() -> list[Path]:
    """Every corpus article, sorted by name."""
    return sorted(CORPUS.glob("*.txt"))


def full_document() -> Document:
    """A document using every model feature, built by hand (independent of the normaliser)."""
    return Document(
        metadata=Metadata(
            title="Trade & <Tariffs>: A “Test” Article — Ünïcödé",
            subtitle="What the numbers say",
            authors=(
                Author(name="Ana María García", given="Ana María", family="García",
                       email="ana@example.org", bio="Ana María García writes about trade."),
                Author(name="Washington's Blog", literal="Washington's Blog"),
            ),
            site="Example Review",
            publisher="Example Foundation",
            date="2017-01-29",
            url="https://example.org/2017/01/trade-tariffs",
            language="en",
            keywords=("trade", "tariffs", "Russia and FSU"),
            keyword_groups=(KeywordGroup(label="Region", terms=("Russia and FSU", "USA")),),
        ),
        body=(
            Para(content=(Str(text="First paragraph with "), Emph(content=(Str(text="emphasis"),)),
                          Str(text=", "), Strong(content=(Str(text="strong"),)), Str(text=" and a "),
                          Link(content=(Str(text="link"),), url="https://example.org/x?a=1&b=2"),
                          Str(text=". Markup <b>stays</b> literal & so does {this}.")),),
            Heading(level=1, content=(Str(text="A section"),)),
            Para(content=(Str(text="Second paragraph."), LineBreak(), Str(text="After a break."))),
            Quote(blocks=(Para(content=(Str(text="A quoted passage, said someone."),)),)),
            ListBlock(ordered=False, items=((Para(content=(Str(text="first item"),)),),
                                            (Para(content=(Str(text="second item"),)),))),
            Rule(),
            Para(content=(Str(text="Last paragraph: café, naïve, Ελληνικά, Русский, €5 — done."),)),
        ),
        back=(
            BackItem(kind="bio", blocks=(Para(content=(Str(text="Ana María García writes about trade."),)),)),
            BackItem(kind="note", blocks=(Para(content=(Str(text="Her book is out now."),)),)),
        ),
        rights=Rights(
            statement="Copyright © Ana María García, Example Review, 2017",
            holders=("Ana María García", "Example Review"),
            year=2017,
            license="Republished with permission.",
            source="The original source of this article is Example Review",
            source_url="https://example.org/2017/01/trade-tariffs",
            notices=(
                Notice(kind="disclaimer", text="The views are the author's own."),
                Notice(kind="fair-use", text="This site contains copyrighted material used under fair use."),
                Notice(kind="contact", text="For media inquiries: press@example.org"),
            ),
        ),
        provenance=Provenance(input_sha256="0" * 64, citekit_version="test", source_name="full.txt"),
    )


@pytest.fixture
def full_doc() -> Document:
    return full_document()


@pytest.fixture(scope="session")
def seed_doc() -> Document:
    """The seed article through the real normaliser."""
    from citekit.readers import read_path

    return read_path(SEED)


# --------------------------------------------------------------------------------------------
# Golden files: compared byte for byte; regenerated only with an explicit flag, then reviewed
# as a diff (git diff tests/golden) before committing.

GOLDEN = ROOT / "tests" / "golden"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite tests/golden/* from the current output (review the diff!)")


@pytest.fixture
def golden(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """``golden("seed.jats.xml", data)`` asserts ``data`` equals the reviewed golden file."""
    update = request.config.getoption("--update-golden")

    def check(name: str, data: bytes) -> None:
        path = GOLDEN / name
        if update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            return
        assert path.exists(), f"no golden file {path}; run pytest --update-golden and review it"
        expected = path.read_bytes()
        if data != expected:
            import difflib

            diff = "\n".join(difflib.unified_diff(
                expected.decode("utf-8", "replace").splitlines(), data.decode("utf-8", "replace").splitlines(),
                "golden", "actual", lineterm="", n=2))
            pytest.fail(f"{name} differs from the golden file (pytest --update-golden to accept):\n{diff[:6000]}")

    return check
