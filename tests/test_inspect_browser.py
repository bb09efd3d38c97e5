"""The inspect page and the batch review page in a real browser, as a person sees them.

Headless Chromium (Debian's, installed by ``.ci/setup.d/10-apt.sh``) opens the seed's page and a
batch's review page through ``file://``: a screenshot is taken, the DOM is read as rendered (every
input line once, kinds and rule ids shown, the fields panel, the correction box whose flags, run as
copied and edited, change the field), the colours the browser computes are checked for WCAG AA in
the light and dark schemes, and the network log proves the pages request nothing: only the page
itself is loaded, and markup smuggled into a copy of the page is blocked by its CSP.

``CITEKIT_SCREENSHOTS=docs .venv/bin/python -m pytest tests/test_inspect_browser.py`` writes the
screenshot of the seed's page the README shows (``docs/inspect-seed.png``).
"""

from __future__ import annotations

import http.server
import json
import os
import shlex
import shutil
import struct
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest
from click.testing import CliRunner

import citekit
from cdp import Browser
from citekit.cli import main
from citekit.inspector.kinds import KINDS, label
from conftest import DATA, SEED, require_tool
from test_inspect import contrast

HTML_PAGE = DATA / "html" / "body" / "056d7c92d66ac17873cd5daea2416cf1b70057ec395fcb032e1d1f16bcf7150b.html.gz"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    require_tool("chromium")
    with Browser(shutil.which("chromium") or "chromium", width=1280, height=900) as opened:
        yield opened


@pytest.fixture(scope="module")
def seed_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("inspect") / "seed.html"
    result = CliRunner().invoke(main, ["inspect", str(SEED), "-o", str(target)], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    return target


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


ROWS = """JSON.stringify([...document.querySelectorAll('tr[id^="L"]')].map(tr => ({
  id: tr.id, text: tr.querySelector('td.text').innerText, kind: tr.dataset.kind || null,
  rule: tr.dataset.rule || null, label: tr.querySelector('td.role').innerText,
  why: (() => { let row = tr; while (row && !row.querySelector('td.why')) row = row.previousElementSibling;
                return row ? row.querySelector('td.why code')?.innerText || '' : ''; })(),
  visible: tr.getBoundingClientRect().height > 0 })))"""


def test_the_seed_page_as_rendered(browser: Browser, seed_page: Path, tmp_path: Path) -> None:
    browser.color_scheme("light")
    browser.open(seed_page.as_uri())
    shot = browser.screenshot()
    assert png_size(shot) == (1280, 900) and len(shot) > 20_000  # a page was drawn, not a blank
    (Path(os.environ.get("CITEKIT_SCREENSHOTS", tmp_path)) / "inspect-seed.png").write_bytes(shot)
    assert browser.requests() == [seed_page.as_uri()]
    # The stylesheet applies under the page's own CSP (allowed by its hash), and nothing was refused.
    chip = browser.evaluate("getComputedStyle(document.querySelector('tr.k-title .chip')).backgroundColor")
    assert chip == "rgb({}, {}, {})".format(*(int(KINDS["title"][1].chip[i:i + 2], 16) for i in (1, 3, 5)))
    assert not [e for e in browser.log_entries() if "Content Security Policy" in e.get("text", "")]
    lines = SEED.read_text(encoding="utf-8").removesuffix("\n").split("\n")
    rows = json.loads(browser.evaluate(ROWS))
    assert [row["id"] for row in rows] == [f"L{n}" for n in range(1, len(lines) + 1)]
    document = citekit.normalise_file(SEED)
    owner = {n: span for span in document.provenance.lines for n in range(span.start_line, span.end_line + 1)}
    for number, (row, line) in enumerate(zip(rows, lines, strict=True), start=1):
        assert row["visible"] and row["text"].rstrip("\n") == line.rstrip()
        if line.strip():
            assert row["rule"] == owner[number].rule and row["why"] == owner[number].rule
            assert row["label"] == label(row["kind"])
    fields = json.loads(browser.evaluate(
        "JSON.stringify([...document.querySelectorAll('#fields section.field')].map(s => [s.dataset.field, "
        "s.querySelector('.value').innerText, s.dataset.status]))"))
    assert ["metadata.date", "2017-01-29", "printed"] in fields
    assert ["metadata.url", "not found", "missing"] in fields


def test_the_correction_box_flags_as_copied_from_the_browser_work(browser: Browser, seed_page: Path) -> None:
    browser.open(seed_page.as_uri())
    flags = dict(json.loads(browser.evaluate(
        "JSON.stringify([...document.querySelectorAll('#correct tr[data-field]')].map(tr => "
        "[tr.dataset.field, tr.querySelector('code.set-flag').innerText]))")))
    assert flags["metadata.date"] == "--set metadata.date=2017-01-29"
    edited = flags["metadata.date"].replace("2017-01-29", "2017-01-31")
    title = shlex.split(flags["metadata.title"])[1].replace("Hold the Cheers!", "Corrected")
    result = CliRunner().invoke(main, ["normalise", str(SEED), *shlex.split(edited), "--set", title],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    metadata = json.loads(result.stdout)["metadata"]
    assert metadata["date"] == "2017-01-31" and metadata["title"].endswith("Corrected")
    tsv = browser.evaluate("document.querySelector('#correct pre.tsv').innerText")
    assert tsv.split("\n")[1].split("\t")[:2] == [SEED.name, document_title()]


def document_title() -> str:
    return citekit.normalise_file(SEED).metadata.title or ""


COLOURS = """(() => {
  const rgb = s => s.match(/[0-9.]+/g).slice(0, 4).map(Number);
  const background = el => { for (; el; el = el.parentElement) { const c = rgb(getComputedStyle(el).backgroundColor);
      if (c.length < 4 || c[3] > 0) return c.slice(0, 3); } return [255, 255, 255]; };
  const pairs = [];
  const add = el => pairs.push([el.className || el.tagName, rgb(getComputedStyle(el).color).slice(0, 3),
                                background(el)]);
  document.querySelectorAll('.chip, td.text, td.why code, td.why .note, td.n a, #fields .value, #fields .note, '
    + '#fields code, #fields a, header a, .meta, pre, .status').forEach(add);
  return JSON.stringify(pairs);
})()"""


def _hex(rgb: list[float]) -> str:
    return "#" + "".join(f"{round(c):02x}" for c in rgb)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_text_contrast_as_computed_meets_wcag_aa(browser: Browser, seed_page: Path, scheme: str) -> None:
    browser.color_scheme(scheme)
    browser.open(seed_page.as_uri())
    pairs = json.loads(browser.evaluate(COLOURS))
    assert len(pairs) > 200
    backgrounds = {tuple(background) for _, _, background in pairs}
    assert (max(map(sum, backgrounds)) > 600) == (scheme == "light")  # the scheme really switched
    for what, colour, background in pairs:
        ratio = contrast(_hex(colour), _hex(background))
        assert ratio >= 4.5, (scheme, what, colour, background, ratio)
    browser.color_scheme("light")


class _Recorder(http.server.BaseHTTPRequestHandler):
    seen: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.seen.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_the_csp_blocks_what_markup_would_load(browser: Browser, seed_page: Path, tmp_path: Path) -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        smuggled = (f'<img src="{base}/img"><link rel="stylesheet" href="{base}/css"><script src="{base}/js"></script>'
                    f'<iframe src="{base}/frame"></iframe><script>document.title = "ran"</script>')
        tampered = tmp_path / "tampered.html"
        tampered.write_text(seed_page.read_text(encoding="utf-8").replace("<body>", "<body>" + smuggled, 1),
                            encoding="utf-8")
        browser.open(tampered.as_uri())
        assert _Recorder.seen == []
        # Chromium announces each one, then refuses it for the CSP before anything is sent.
        attempted = [url for url in browser.requests() if url.startswith("http")]
        assert attempted and browser.blocked() == dict.fromkeys(attempted, "csp")
        assert browser.evaluate("document.title") != "ran"
        assert any("Content Security Policy" in entry.get("text", "") for entry in browser.log_entries())
    finally:
        server.shutdown()
        server.server_close()


def test_the_batch_review_page_and_its_links(browser: Browser, tmp_path: Path) -> None:
    broken = tmp_path / "broken.txt"
    broken.write_bytes(b"%PDF-1.4 not text")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["convert", str(SEED), str(HTML_PAGE), str(broken), "--to", "csl-json",
                                       "-o", str(out), "--review", "--jobs", "1"], catch_exceptions=False)
    assert result.exit_code == 1
    review = out / "citekit-review.html"
    browser.open(review.as_uri())
    shot = browser.screenshot()
    assert png_size(shot) == (1280, 900) and len(shot) > 20_000
    (tmp_path / "review.png").write_bytes(shot)
    assert browser.requests() == [review.as_uri()]
    groups = json.loads(browser.evaluate(
        "JSON.stringify([...document.querySelectorAll('section.group')].map(s => "
        "[s.querySelector('summary').innerText, s.querySelectorAll('tbody tr').length]))"))
    assert groups[0][0].startswith("failed") and groups[0][1] == 1
    assert any(name.startswith("missing url") for name, _ in groups)
    # By name, then by number of items: the :target switch shows one order at a time, without script.
    shown = "getComputedStyle(document.getElementById('{}')).display"
    assert browser.evaluate(shown.format("by-name")) == "none"
    browser.evaluate("location.hash = '#by-name'")
    assert browser.evaluate(shown.format("by-name")) == "block"
    assert browser.evaluate(shown.format("by-count")) == "none"
    link = browser.evaluate("document.querySelector('a.inspect').href")
    browser.open(link)
    assert browser.evaluate("document.querySelectorAll('tr[id^=\"L\"]').length") > 5
    assert browser.requests() == [link]
