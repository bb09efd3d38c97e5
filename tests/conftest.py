"""Shared fixtures: repository data paths, a hand-built full document, and the CI tool rule.

Tests read only files inside the repository (``tests/data``, ``samples``). External validators
(EPUBCheck's Java, Ace, chromium) are skipped when missing on a developer's machine, but under
``CI=true`` a missing tool fails the test: CI must never pass by skipping.
"""

from __future__ import annotations

import os
import shutil
import struct
import zlib
from pathlib import Path

import pytest
from hypothesis import settings

from citekit.model import (
    Author,
    BackItem,
    Block,
    Code,
    CodeBlock,
    Document,
    Emph,
    Figure,
    Heading,
    Image,
    KeywordGroup,
    LineBreak,
    Link,
    ListBlock,
    Metadata,
    Note,
    Notice,
    Para,
    Provenance,
    Quote,
    Rights,
    Rule,
    Str,
    Strikeout,
    Strong,
    Subscript,
    Superscript,
    Table,
    TableCell,
    TableRow,
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


def tiny_png(width: int = 4, height: int = 3, rgb: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    """A valid PNG of one colour, made here byte for byte (zlib and struct): the same bytes every run."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))


def cell(*inlines: object) -> TableCell:
    """A table cell holding one paragraph (strings become Str)."""
    return TableCell(blocks=(Para(content=tuple(Str(text=i) if isinstance(i, str) else i  # type: ignore[misc]
                                                for i in inlines)),))


def structure_blocks() -> tuple[Block, ...]:
    """One of each node the model grew for real articles: notes, super/subscript, strikeout, a code
    block, a figure with embedded bytes, a figure with only an address, and a table with a caption,
    alignments, header, spanning cells, row headers and a footer."""
    return (
        Para(content=(Str(text="Water is H"), Subscript(content=(Str(text="2"),)), Str(text="O, the 1"),
                      Superscript(content=(Str(text="st"),)), Str(text=" claim"),
                      Note(blocks=(Para(content=(Str(text="A footnote citing "),
                                                 Link(content=(Str(text="the study"),),
                                                      url="https://example.org/study"),
                                                 Str(text="."))),)),
                      Str(text=" was "), Strikeout(content=(Str(text="wrong"),)), Str(text=" right."),
                      Note(blocks=(Para(content=(Str(text="Second note, "), Emph(content=(Str(text="two"),)),
                                                 Str(text=" paragraphs."))),
                                   Para(content=(Str(text="Its second paragraph."),)))))),
        CodeBlock(text="def tariff(x):\n    return x < 5 && \"<b>\"  # kept literally", language="python"),
        Figure(image=Image(src="images/chart.png", alt="Bar chart of tariffs by year", media_type="image/png",
                           data=tiny_png()),
               caption=(Para(content=(Str(text="Tariffs rose "), Emph(content=(Str(text="sharply"),)),
                                      Str(text=" after 2016."))),),
               credit=(Str(text="Chart: Example Review"),)),
        Figure(image=Image(src="https://example.org/photo.jpg"),
               caption=(Para(content=(Str(text="A port at dawn."),)),), credit=(Str(text="Photo: J. Doe"),)),
        Table(caption=(Para(content=(Str(text="Tariffs by country"),)),),
              alignments=("left", "right", "right"),
              head=(TableRow(cells=(cell("Country"), cell("2016"), cell("2017"))),),
              body=(TableRow(cells=(cell("USA"), cell("2.5 %"), cell("3.1 %"))),
                    TableRow(cells=(cell("Russia", Superscript(content=(Str(text="a"),))),
                                    TableCell(blocks=(Para(content=(Str(text="4 % both years"),)),), colspan=2,
                                              align="center"))),
                    TableRow(cells=(TableCell(blocks=(Para(content=(Str(text="EU"),)),), rowspan=2),
                                    cell("1.0 %"), cell(Code(text="n/a")))),
                    TableRow(cells=(cell("1.2 %"), TableCell(blocks=())))),
              foot=(TableRow(cells=(cell("Mean"), cell("2.6 %"), cell("2.8 %"))),),
              row_header_columns=1),
    )


def printed_leaves(blocks: tuple[Block, ...], numbers: list[int] | None = None) -> list[str]:
    """The text a reader sees of every leaf (paragraph, heading, code, caption paragraph, credit,
    table cell), in reading order, each note printed as its number: writers number notes in the
    order they are referenced (``numbers`` carries the count across calls)."""
    from citekit.model import (
        CodeBlock,
        Figure,
        Inline,
        ListBlock,
        Note,
        Quote,
        Rule,
        Strikeout,
        Subscript,
        Superscript,
        plain_inlines,
        table_cell_blocks,
    )

    counter = numbers if numbers is not None else [0]

    def text(inlines: tuple[Inline, ...]) -> str:
        parts = []
        for node in inlines:
            if isinstance(node, Note):
                counter[0] += 1
                parts.append(str(counter[0]))
            elif isinstance(node, Emph | Strong | Link | Strikeout | Superscript | Subscript) and node.content:
                parts.append(text(node.content))
            else:
                parts.append(plain_inlines((node,)))
        return "".join(parts)

    leaves: list[str] = []
    for block in blocks:
        match block:
            case Para(content=content) | Heading(content=content):
                leaves.append(text(content))
            case Quote(blocks=inner):
                leaves += printed_leaves(inner, counter)
            case ListBlock(items=items):
                for item in items:
                    leaves += printed_leaves(item, counter)
            case CodeBlock(text=code):
                leaves.append(code)
            case Figure(caption=caption, credit=credit):
                leaves += [*printed_leaves(caption, counter), text(credit)]
            case Table():
                leaves += printed_leaves(block.caption, counter) + printed_leaves(table_cell_blocks(block), counter)
            case Rule():
                pass
    return leaves


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
            *structure_blocks(),
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
