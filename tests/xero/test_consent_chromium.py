"""The consent flow in a real headless Chromium: the page's own "Allow access" button is clicked,
the browser follows Xero's redirect to shopxero's localhost callback, tokens end up saved.

Chromium is driven over the DevTools protocol on a pipe (``--remote-debugging-pipe``: NUL-ended
JSON on fds 3 and 4), which needs no extra Python package. Runs where Chromium is installed
(``apt-get install chromium``); elsewhere it is skipped with that reason.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from shopxero.sandbox.clock import SandboxClock
from shopxero.sandbox.server import free_port, serve_in_thread
from shopxero.xero.auth import GRANULAR_SCOPES
from shopxero.xero.consent import run_consent_flow
from shopxero.xero.tokens import load_token_file

from .conftest import WEB_CLIENT_ID, WEB_CLIENT_SECRET, platform_sandbox

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = [pytest.mark.anyio, pytest.mark.browser]


@pytest.fixture(autouse=True)
def _chromium_is_installed() -> None:
    """Never a skip: CI installs Debian's chromium (.ci/run); elsewhere, say how to get it."""
    if CHROMIUM is None:
        pytest.fail("this test drives a real browser: apt-get install -y chromium")


class Chromium:
    """A headless Chromium and a tiny DevTools-protocol client over its pipe."""

    def __init__(self, profile: Path) -> None:
        to_child, self._to_browser = os.pipe()
        self._from_browser, from_child = os.pipe()
        command = (
            f"exec {CHROMIUM} --headless=new --no-sandbox --disable-gpu --no-first-run "
            f"--remote-debugging-pipe --user-data-dir={profile} about:blank "
            f"3<&{to_child} 4>&{from_child}"
        )
        # bash, not sh: dash cannot redirect from a descriptor above 9.
        self.process = subprocess.Popen(
            ["/bin/bash", "-c", command],
            pass_fds=(to_child, from_child),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(to_child)
        os.close(from_child)
        self._buffer = b""
        self._next_id = 0

    def call(
        self, method: str, params: dict[str, Any] | None = None, session: str | None = None
    ) -> dict[str, Any]:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        while True:
            while b"\0" not in self._buffer:
                chunk = os.read(self._from_browser, 65536)
                if not chunk:
                    raise RuntimeError("Chromium closed the DevTools pipe")
                self._buffer += chunk
            raw, self._buffer = self._buffer.split(b"\0", 1)
            answer = json.loads(raw)
            if answer.get("id") == self._next_id:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                return dict(answer.get("result") or {})

    def close(self) -> None:
        with contextlib.suppress(RuntimeError, OSError):
            self.call("Browser.close")
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        os.close(self._to_browser)
        os.close(self._from_browser)


CLICK_ALLOW = (
    "(() => { const b = document.getElementById('allow');"
    " if (!b) return false; b.click(); return true; })()"
)


def press_allow_in_chromium(url: str, profile: Path) -> str:
    """Open ``url`` in Chromium, click "Allow access", return the page it ends on."""
    browser = Chromium(profile)
    try:
        target = browser.call("Target.createTarget", {"url": url})["targetId"]
        session = browser.call("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        deadline = time.monotonic() + 20
        clicked = False
        while time.monotonic() < deadline:
            value = browser.call(
                "Runtime.evaluate", {"expression": CLICK_ALLOW, "returnByValue": True}, session
            )
            if value.get("result", {}).get("value") is True:
                clicked = True
                break
            time.sleep(0.1)
        assert clicked, "the consent page never showed an Allow button"
        while time.monotonic() < deadline:
            where = browser.call(
                "Runtime.evaluate",
                {
                    "expression": "location.href + ' | ' + document.body.innerText",
                    "returnByValue": True,
                },
                session,
            )
            text = str(where.get("result", {}).get("value", ""))
            if "/callback" in text and "connected" in text:
                return text
            time.sleep(0.1)
        raise AssertionError("Chromium never reached the callback page")
    finally:
        browser.close()


async def test_consent_in_headless_chromium_saves_tokens(tmp_path: Path) -> None:
    sandbox = platform_sandbox(SandboxClock())
    path = tmp_path / "xero-token.json"
    landed: list[str] = []

    async def browser(url: str) -> None:
        landed.append(await asyncio.to_thread(press_allow_in_chromium, url, tmp_path / "profile"))

    with serve_in_thread(sandbox) as server:
        tokens = await run_consent_flow(
            client_id=WEB_CLIENT_ID,
            client_secret=WEB_CLIENT_SECRET,
            redirect_uri=f"http://localhost:{free_port()}/callback",
            scopes=GRANULAR_SCOPES,
            token_file=path,
            login_base_url=server.url,
            identity_base_url=server.url,
            connections_url=f"{server.url}/connections",
            open_browser=browser,
            wait_seconds=60,
        )
    assert landed and "shopxero is connected to Xero" in landed[0]
    assert load_token_file(path) == tokens
    assert tokens.tenant_id == sandbox.tenant_id
