"""The bundled pandoc, bounded (``citekit.pandoc``): the wheel's binary by path, a time bound on every
run, and a ToolError for every way a run can go wrong. Hostile "pandoc" programs are injected through
the ``binary`` parameter; the bundled binary itself is never replaced."""

from __future__ import annotations

import importlib.metadata
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from citekit import pandoc
from citekit.citations import CiteOptions, render_items, resolve_style
from citekit.cli import main
from citekit.errors import ToolError
from conftest import SEED

# A run that must be stopped by its timeout may take this long in all (a busy 2-core machine).
HARD_LIMIT_SECONDS = 15.0

ITEM = {"type": "webpage", "title": "A Piece", "author": [{"family": "Lendman", "given": "Stephen"}],
        "issued": {"date-parts": [[2017, 1, 29]]}, "container-title": "Global Research"}


def program(directory: Path, name: str, script: str) -> Path:
    """An executable shell script ``directory/name``."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text("#!/bin/sh\n" + script, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


# --------------------------------------------------------------------------------------------
# Which pandoc


def test_the_binary_is_the_one_the_wheel_installed() -> None:
    distribution = importlib.metadata.distribution(pandoc.DISTRIBUTION)
    listed = {Path(str(distribution.locate_file(f))) for f in distribution.files or ()}
    binary = pandoc.bundled_pandoc()
    assert binary in listed
    assert binary.parent.name == "files" and binary.parent.parent.name == "pypandoc"
    assert pandoc.version().split(".")[0] >= "3"


def test_a_pandoc_earlier_on_path_is_not_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A newer-looking pandoc first on PATH: pypandoc would pick it (it takes the highest version).
    marker = tmp_path / "ran"
    program(tmp_path / "bin", "pandoc", f'touch "{marker}"\necho "pandoc 99.0"\n')
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}")
    monkeypatch.delenv("PYPANDOC_PANDOC", raising=False)
    assert pandoc.run_pandoc(["--version"]).startswith(b"pandoc 3")
    entries, _ = render_items([ITEM], resolve_style("apa"))
    assert entries[0].startswith("Lendman, S. (2017, January 29)")
    result = CliRunner().invoke(main, ["cite", str(SEED)])
    assert result.exit_code == 0 and "Lendman" in result.stdout
    assert not marker.exists()


def test_every_run_is_sandboxed_and_memory_capped(tmp_path: Path) -> None:
    log = tmp_path / "args"
    real = pandoc.bundled_pandoc()
    wrapper = program(tmp_path, "pandoc", f'printf "%s\\n" "$@" > "{log}"\nexec "{real}" "$@"\n')
    render_items([ITEM], resolve_style("apa"), options=CiteOptions(pandoc=wrapper))
    args = log.read_text(encoding="utf-8").splitlines()
    assert args[:3] == ["+RTS", f"-M{pandoc.MEMORY_LIMIT_MB}m", "-RTS"]
    assert args[3] == "--sandbox"
    assert "--citeproc" in args and "--to=json" in args


def test_api_version_is_what_the_binary_writes() -> None:
    version = pandoc.api_version()
    assert len(version) >= 2 and all(isinstance(part, int) for part in version)
    ast = pandoc.pandoc_json(["--from=markdown"], b"*word*")
    assert tuple(ast["pandoc-api-version"]) == version
    assert ast["blocks"] == [{"t": "Para", "c": [{"t": "Emph", "c": [{"t": "Str", "c": "word"}]}]}]


# --------------------------------------------------------------------------------------------
# Bounded


def test_timeout_grows_with_the_work() -> None:
    assert pandoc.timeout_for(0) == pandoc.BASE_TIMEOUT_SECONDS
    base = pandoc.BASE_TIMEOUT_SECONDS
    assert pandoc.timeout_for(10_000_000) - base == pytest.approx(10 * (pandoc.timeout_for(1_000_000) - base))
    assert pandoc.timeout_for(1_000_000) > base


def test_a_hanging_pandoc_is_stopped_with_what_it_started(tmp_path: Path) -> None:
    pid_file = tmp_path / "child.pid"
    # The "pandoc" starts a child that would outlive it and keep the output pipe open.
    hanging = program(tmp_path, "pandoc", f'sleep 300 &\necho $! > "{pid_file}"\nwait\n')
    start = time.monotonic()
    with pytest.raises(ToolError, match=r"pandoc timed out after 1 s and was stopped"):
        pandoc.run_pandoc(["--from=markdown"], b"text", timeout=1, binary=hanging)
    assert time.monotonic() - start < HARD_LIMIT_SECONDS
    child = int(pid_file.read_text(encoding="utf-8"))
    deadline = time.monotonic() + 5
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(child)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_a_pandoc_run_ends_when_citekit_is_killed(tmp_path: Path) -> None:
    from citekit._death import dying_with_us

    if not dying_with_us() and os.environ.get("CI") != "true":
        pytest.skip("no working setpriv (util-linux) on this machine")
    pid_file = tmp_path / "pandoc.pid"
    sleeper = program(tmp_path, "pandoc", f'echo $$ > "{pid_file}"\nexec sleep 300\n')
    script = ("from pathlib import Path\nfrom citekit import pandoc\n"
              f"pandoc.run_pandoc([], b'text', timeout=300, binary=Path({str(sleeper)!r}))\n")
    citekit = subprocess.Popen([sys.executable, "-c", script])
    try:
        deadline = time.monotonic() + HARD_LIMIT_SECONDS
        while not pid_file.exists() or not pid_file.read_text(encoding="utf-8").strip():
            assert time.monotonic() < deadline, "the stand-in pandoc never started"
            time.sleep(0.05)
        child = int(pid_file.read_text(encoding="utf-8"))
        assert _alive(child)
    finally:
        citekit.kill()  # SIGKILL: citekit runs no clean-up of its own
        citekit.wait()
    deadline = time.monotonic() + 5
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(child)


def test_a_pandoc_that_never_reads_its_input_is_bounded(tmp_path: Path) -> None:
    deaf = program(tmp_path, "pandoc", "exec sleep 300\n")
    start = time.monotonic()
    with pytest.raises(ToolError, match="timed out"):
        pandoc.run_pandoc([], b"x" * 5_000_000, timeout=1, binary=deaf)
    assert time.monotonic() - start < HARD_LIMIT_SECONDS


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is dead but not yet reaped by its (killed) parent's reaper.
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


# --------------------------------------------------------------------------------------------
# Checked


@pytest.mark.parametrize(
    ("output", "message"),
    [
        ('{"pandoc-api-version": [1, 23', "malformed JSON"),
        ("", "malformed JSON"),
        ("\xff\xfe", "malformed JSON"),
        ("[1, 2, 3]", "not a pandoc document"),
        ('{"pandoc-api-version": "1.23", "meta": {}, "blocks": []}', "not a pandoc document"),
        ('{"pandoc-api-version": [1, 23], "meta": [], "blocks": []}', "not a pandoc document"),
        ('{"pandoc-api-version": [1, 23], "meta": {}}', "not a pandoc document"),
    ],
)
def test_output_that_is_not_a_pandoc_ast_is_a_tool_error(tmp_path: Path, output: str, message: str) -> None:
    liar = program(tmp_path, "pandoc", f"cat > /dev/null\nprintf '%s' '{output}'\n")
    with pytest.raises(ToolError, match=message):
        pandoc.pandoc_json(["--from=markdown"], b"text", binary=liar)


@pytest.mark.parametrize(
    "blocks",
    [
        '[{"t": "Div", "c": 5}]',
        '[{"t": "Para", "c": [{"t": "Cite", "c": [[{"citationId": "item1"}]]}]}]',
        '[{"t": "Para", "c": [{"t": "Cite", "c": [[], []]}]}]',
        '[{"t": "Div", "c": [["refs", [], []], [{"t": "Div", "c": [["ref-item1"], [{"t": "Table"}]]}]]}]',
        '["Para"]',
    ],
)
def test_a_malformed_citeproc_ast_is_a_tool_error(tmp_path: Path, blocks: str) -> None:
    document = f'{{"pandoc-api-version": [1, 23, 1], "meta": {{}}, "blocks": {blocks}}}'
    liar = program(tmp_path, "pandoc", f"cat > /dev/null\nprintf '%s' '{document}'\n")
    with pytest.raises(ToolError, match="citeproc"):
        render_items([ITEM], resolve_style("apa"), options=CiteOptions(pandoc=liar))


def test_a_failing_pandoc_is_one_line_with_its_exit_status(tmp_path: Path) -> None:
    failing = program(tmp_path, "pandoc", "echo 'first line' >&2\necho 'second line' >&2\nexit 3\n")
    with pytest.raises(ToolError) as caught:
        pandoc.run_pandoc([], b"", binary=failing)
    assert str(caught.value) == "pandoc failed (exit 3): first line second line"


def test_a_missing_or_unrunnable_binary_is_a_tool_error(tmp_path: Path) -> None:
    with pytest.raises(ToolError, match="could not start"):
        pandoc.run_pandoc([], b"", binary=tmp_path / "no-such-pandoc")
    not_executable = tmp_path / "pandoc"
    not_executable.write_text("#!/bin/sh\n", encoding="utf-8")
    with pytest.raises(ToolError, match="could not start"):
        pandoc.run_pandoc([], b"", binary=not_executable)


def test_the_cli_prints_one_error_line_when_pandoc_fails(tmp_path: Path) -> None:
    # citekit reads this style (lxml honours the declared Latin-1); pandoc refuses it (UTF-8 only)
    # with a two-line message and exit 92.
    style = tmp_path / "latin.csl"
    style.write_bytes(
        b'<?xml version="1.0" encoding="ISO-8859-1"?>\n'
        b'<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">'
        b"<info><title>Caf\xe9</title></info>"
        b'<citation><layout><text value="\xe9"/></layout></citation>'
        b'<bibliography><layout><text variable="title"/></layout></bibliography></style>'
    )
    result = CliRunner().invoke(main, ["cite", "--style", str(style), str(SEED)])
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("citekit: error: ") and "pandoc failed (exit 92)" in lines[0]
    assert "latin.csl" in lines[0] and "Traceback" not in result.output
