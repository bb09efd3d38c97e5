"""A small Chrome DevTools Protocol client over ``--remote-debugging-pipe``: headless Chromium as a
person's browser for the page tests, with no websocket library and no port opened.

Chromium reads commands from file descriptor 3 and writes replies and events to descriptor 4, one
JSON message each, ended by a NUL byte. :class:`Browser` starts Debian's ``chromium`` as the CI
does (``--headless --no-sandbox --disable-gpu --disable-background-networking --no-first-run``, a
fresh ``--user-data-dir``) with every host name resolving nowhere, opens one tab, and records the
tab's network requests (``Network.requestWillBeSent``) and log entries (CSP violations among them).
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import shutil
import subprocess
import tempfile
import time
from typing import Any

CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                  "--disable-component-update", "--disable-sync", "--host-resolver-rules=MAP * ~NOTFOUND",
                  "--remote-debugging-pipe")


class BrowserError(RuntimeError):
    """Chromium went away or answered with an error."""


class Browser:
    """One headless Chromium with one tab; use as a context manager."""

    def __init__(self, executable: str = "chromium", *, width: int = 1280, height: int = 900,
                 timeout: float = 60.0) -> None:
        self.executable = executable
        self.width, self.height = width, height
        self.timeout = timeout
        self.events: list[dict[str, Any]] = []
        self._buffer = b""
        self._next_id = 0

    # -- process -----------------------------------------------------------------------------

    def __enter__(self) -> Browser:
        self.profile = tempfile.mkdtemp(prefix="citekit-chromium-")
        commands_read, commands_write = os.pipe()  # we write commands, chromium reads them on fd 3
        replies_read, replies_write = os.pipe()  # chromium writes replies on fd 4, we read them
        # The child's ends moved above 10 first, so that placing them at 3 and 4 cannot clobber each other.
        child_in, child_out = (fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10) for fd in (commands_read, replies_write))
        os.close(commands_read)
        os.close(replies_write)

        def place_descriptors() -> None:  # in the child, before exec: dup2 makes 3 and 4 inheritable
            os.dup2(child_in, 3)
            os.dup2(child_out, 4)

        command = [self.executable, *CHROMIUM_FLAGS, f"--user-data-dir={self.profile}",
                   f"--window-size={self.width},{self.height}", "about:blank"]
        try:
            self.process = subprocess.Popen(command, preexec_fn=place_descriptors, close_fds=False,
                                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                            stderr=subprocess.DEVNULL)
        finally:
            os.close(child_in)
            os.close(child_out)
        self._out = os.fdopen(commands_write, "wb", buffering=0)
        self._in = os.fdopen(replies_read, "rb", buffering=0)
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Network", "Runtime", "Log"):
            self.call(f"{domain}.enable", session=self.session)
        self.call("Emulation.setDeviceMetricsOverride", {"width": self.width, "height": self.height,
                                                          "deviceScaleFactor": 1, "mobile": False},
                  session=self.session)
        return self

    def __exit__(self, *exc: object) -> None:
        with contextlib.suppress(BrowserError, OSError):
            self.call("Browser.close")
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._out.close()
        self._in.close()
        shutil.rmtree(self.profile, ignore_errors=True)

    # -- protocol ----------------------------------------------------------------------------

    def call(self, method: str, params: dict[str, Any] | None = None, *, session: str | None = None) -> Any:
        """Send a command and return its result; events that arrive meanwhile are kept in order."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session is not None:
            message["sessionId"] = session
        self._out.write(json.dumps(message).encode("utf-8") + b"\0")
        deadline = time.monotonic() + self.timeout
        while True:
            reply = self._read(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise BrowserError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def _read(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            if time.monotonic() > deadline:
                raise BrowserError("no answer from chromium in time")
            chunk = self._in.read(1 << 16)
            if not chunk:
                raise BrowserError("chromium closed the pipe")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)  # type: ignore[no-any-return]

    def wait_for(self, method: str, timeout: float = 30.0) -> dict[str, Any]:
        """The first recorded or coming event ``method`` (recorded ones are consumed)."""
        deadline = time.monotonic() + timeout
        while True:
            for index, event in enumerate(self.events):
                if event.get("method") == method:
                    return self.events.pop(index)
            self.events.append(self._read(deadline))

    # -- a person's actions ------------------------------------------------------------------

    def open(self, url: str) -> None:
        """Load ``url`` and wait until it has loaded (and a little while for late requests)."""
        self.events.clear()
        self.call("Page.navigate", {"url": url}, session=self.session)
        self.wait_for("Page.loadEventFired")
        self.evaluate("new Promise(r => setTimeout(r, 300))")

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the tab (promises awaited)."""
        result = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                                "awaitPromise": True}, session=self.session)
        if "exceptionDetails" in result:
            raise BrowserError(f"script failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def requests(self) -> list[str]:
        """URLs the tab asked for since the last :meth:`open`."""
        return [e["params"]["request"]["url"] for e in self.events if e.get("method") == "Network.requestWillBeSent"]

    def blocked(self) -> dict[str, str]:
        """URL → why the browser refused to load it (``csp``…), for requests refused before they left."""
        urls = {e["params"]["requestId"]: e["params"]["request"]["url"] for e in self.events
                if e.get("method") == "Network.requestWillBeSent"}
        return {urls.get(e["params"]["requestId"], "?"): e["params"]["blockedReason"] for e in self.events
                if e.get("method") == "Network.loadingFailed" and e["params"].get("blockedReason")}

    def log_entries(self) -> list[dict[str, Any]]:
        return [e["params"]["entry"] for e in self.events if e.get("method") == "Log.entryAdded"]

    def color_scheme(self, scheme: str) -> None:
        """Emulate ``prefers-color-scheme: scheme`` (light or dark)."""
        self.call("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": scheme}]},
                  session=self.session)

    def screenshot(self, *, full_page: bool = False) -> bytes:
        """A PNG of the viewport (or of the whole page)."""
        params: dict[str, Any] = {"format": "png"}
        if full_page:
            size = self.evaluate("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
            params |= {"captureBeyondViewport": True,
                       "clip": {"x": 0, "y": 0, "width": size[0], "height": size[1], "scale": 1}}
        return base64.b64decode(self.call("Page.captureScreenshot", params, session=self.session)["data"])
