"""Headless Chromium driven over the DevTools protocol, for the browser tests.

Needs Debian's chromium (``.ci/install-chromium`` installs it); without it a test using
:func:`chromium` or :func:`browser` is skipped, and fails instead when
``HUB_TEST_CHROMIUM=required``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from websockets.sync.client import ClientConnection, connect

from tests.conftest import skip_or_fail

BROWSER_TIMEOUT = 20.0

#: Collects the page's Content-Security-Policy violations in ``window.hubViolations``.
RECORD_VIOLATIONS = """window.hubViolations = [];
document.addEventListener('securitypolicyviolation',
  (event) => window.hubViolations.push(event.violatedDirective + ' ' + event.blockedURI));"""

#: What a failed wait shows of the page.
DIAGNOSE = "document.documentElement ? document.documentElement.outerHTML.slice(0, 4000) : ''"

#: Chromium resolves no host name but 127.0.0.1: nothing can be fetched from elsewhere.
OFFLINE = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"


def chromium() -> str:
    path = shutil.which("chromium")
    if path is None:
        skip_or_fail("chromium", "chromium is not installed (run .ci/install-chromium)")
    assert path is not None
    return path


class DevTools:
    """One page of a browser, over the Chrome DevTools protocol (flattened sessions)."""

    def __init__(self, connection: ClientConnection) -> None:
        self.connection = connection
        self.events: list[dict[str, Any]] = []
        self.next_id = 0
        self.session: str | None = None

    def send(self, method: str, **params: Any) -> dict[str, Any]:
        self.next_id += 1
        message: dict[str, Any] = {"id": self.next_id, "method": method, "params": params}
        if self.session is not None:
            message["sessionId"] = self.session
        self.connection.send(json.dumps(message))
        while True:
            answer = json.loads(self.connection.recv(timeout=BROWSER_TIMEOUT))
            if answer.get("id") == self.next_id:
                assert "error" not in answer, (method, answer["error"])
                result: dict[str, Any] = answer["result"]
                return result
            if "method" in answer:
                self.events.append(answer)

    def open_page(self) -> None:
        target = self.send("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.send("Target.attachToTarget", targetId=target, flatten=True)[
            "sessionId"
        ]
        for domain in ("Page", "Runtime", "Network"):
            self.send(f"{domain}.enable")
        self.send("Page.addScriptToEvaluateOnNewDocument", source=RECORD_VIOLATIONS)

    def evaluate(self, expression: str) -> Any:
        answer = self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        assert "exceptionDetails" not in answer, answer["result"].get("description")
        return answer["result"].get("value")

    def wait_for(self, expression: str, diagnose: str = DIAGNOSE) -> None:
        deadline = time.monotonic() + BROWSER_TIMEOUT
        while not self.evaluate(expression):
            if time.monotonic() > deadline:
                page = self.evaluate(diagnose)
                raise AssertionError(f"still false after {BROWSER_TIMEOUT}s: {page}, {self.events}")
            time.sleep(0.05)

    def press_tab(self) -> None:
        for kind in ("keyDown", "keyUp"):
            self.send(
                "Input.dispatchKeyEvent", type=kind, key="Tab", code="Tab", windowsVirtualKeyCode=9
            )

    def responses_to(self, path: str) -> list[dict[str, Any]]:
        """The responses to requests for ``path``, with their headers (names in lower case)."""
        responses = []
        for event in self.events:
            if event["method"] == "Network.responseReceived":
                response = dict(event["params"]["response"])
                if urlsplit(response["url"]).path == path:
                    headers = response["headers"].items()
                    response["headers"] = {name.lower(): value for name, value in headers}
                    responses.append(response)
        return responses

    def requests_to(self, path: str) -> list[dict[str, Any]]:
        return [
            event["params"]["request"]
            for event in self.events
            if event["method"] == "Network.requestWillBeSent"
            and urlsplit(event["params"]["request"]["url"]).path == path
        ]


@contextmanager
def browser(*arguments: str) -> Iterator[DevTools]:
    """Headless Chromium with one page open; ``arguments`` are extra command-line switches."""
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as profile:
        process = subprocess.Popen(
            [
                chromium(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--remote-debugging-port=0",
                f"--user-data-dir={profile}",
                *arguments,
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            # Chromium writes the port it chose, and the browser's WebSocket path, in the profile.
            active = Path(profile) / "DevToolsActivePort"
            deadline = time.monotonic() + BROWSER_TIMEOUT
            while not active.exists() or len(active.read_text().splitlines()) < 2:
                assert process.poll() is None, "chromium exited at start-up"
                assert time.monotonic() < deadline, "chromium did not open its DevTools port"
                time.sleep(0.05)
            port, path = active.read_text().splitlines()[:2]
            with connect(f"ws://127.0.0.1:{port}{path}", max_size=None) as connection:
                tools = DevTools(connection)
                tools.open_page()
                yield tools
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
