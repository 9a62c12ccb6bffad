"""The secrets grep: no token, client secret or authorization code in any CallRecord, log line or
exception text, through consent, refreshes, a 401 recovery and the failure paths (invariant 7)."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from shopxero.errors import ShopxeroError
from shopxero.http.calllog import ListSink
from shopxero.http.retry import RetryPolicy
from shopxero.sandbox.clock import SandboxClock
from shopxero.sandbox.server import free_port, serve_in_thread
from shopxero.xero.auth import GRANULAR_SCOPES, ClientCredentialsTokens, OAuthTokenManager
from shopxero.xero.client import XeroClient
from shopxero.xero.consent import run_consent_flow
from shopxero.xero.tokens import load_token_file

from .conftest import (
    CC_CLIENT_ID,
    WEB_CLIENT_ID,
    WEB_CLIENT_SECRET,
    consent_in_browser,
    platform_sandbox,
)

pytestmark = pytest.mark.anyio


async def test_no_secret_anywhere(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    clock = SandboxClock()
    sandbox = platform_sandbox(clock)
    path = tmp_path / "xero-token.json"
    secrets: set[str] = {WEB_CLIENT_SECRET}
    texts: list[str] = []
    sink = ListSink()

    def note_tokens() -> None:
        saved = load_token_file(path)
        assert saved is not None
        secrets.update({saved.access_token, saved.refresh_token or ""})

    async def browser(url: str) -> None:
        answer = await asyncio.to_thread(consent_in_browser, url)
        secrets.add(parse_qs(urlsplit(str(answer.request.url)).query)["code"][0])

    with serve_in_thread(sandbox) as server:
        await run_consent_flow(
            client_id=WEB_CLIENT_ID,
            client_secret=WEB_CLIENT_SECRET,
            redirect_uri=f"http://localhost:{free_port()}/callback",
            scopes=GRANULAR_SCOPES,
            token_file=path,
            login_base_url=server.url,
            identity_base_url=server.url,
            connections_url=f"{server.url}/connections",
            open_browser=browser,
            clock=clock,
        )
        note_tokens()
        tokens = OAuthTokenManager(path, WEB_CLIENT_ID, WEB_CLIENT_SECRET, server.url, clock)
        saved = load_token_file(path)
        assert saved is not None
        async with XeroClient(
            api_base_url=f"{server.url}/api.xro/2.0",
            tokens=tokens,
            tenant_id=saved.tenant_id,
            clock=clock,
            call_sink=sink,
            retry=RetryPolicy(attempts=3, wait_initial=0.01, wait_jitter=0.0),
        ) as client:
            await client.get_organisation()
            clock.advance(26 * 60)  # proactive refresh
            await client.get_organisation()
            note_tokens()
            # A 401 TokenExpired whose body quotes the token back, then recovery.
            sandbox.faults.add(
                {
                    "path": "/Organisation$",
                    "kind": "status",
                    "status": 401,
                    "body": {
                        "Status": 401,
                        "Detail": "TokenExpired: " + (load_token_file(path).access_token),
                    },
                }
            )  # type: ignore[union-attr]
            await client.get_organisation()
            note_tokens()
            # A refresh whose answer is lost, recovered inside the grace window.
            sandbox.faults.add(
                {"method": "POST", "path": "^/connect/token$", "kind": "drop_after_commit"}
            )
            clock.advance(26 * 60)
            await client.get_organisation()
            note_tokens()
            # Failures: a 500 echoing the request, a dead refresh token, a wrong client secret.
            sandbox.faults.add(
                {
                    "path": "/Organisation$",
                    "kind": "status",
                    "status": 500,
                    "body": "echo refresh_token=" + (saved.refresh_token or ""),
                    "times": 10,
                }
            )
            try:
                await client.get_organisation()
            except ShopxeroError as exc:
                texts.append(f"{exc!s} {exc!r} {getattr(exc, 'body_excerpt', '')}")
        clock.advance(61 * 24 * 3600)
        for provider in (
            OAuthTokenManager(path, WEB_CLIENT_ID, WEB_CLIENT_SECRET, server.url, clock),
            ClientCredentialsTokens(CC_CLIENT_ID, "wrong-cc-secret-123456", server.url, clock),
        ):
            try:
                await provider.access_token()
            except ShopxeroError as exc:
                texts.append(f"{exc!s} {exc!r} {exc.__cause__!r} {exc.__context__!r}")
        secrets.add("wrong-cc-secret-123456")
        async with httpx.AsyncClient() as http:
            sandbox_log = (await http.get(f"{server.url}/_sandbox/requests")).text
    assert len(texts) == 3 and len(sink.records) >= 6
    # The scripted browser's own HTTP traces (worker threads) are the browser's, not ours.
    ours = "\n".join(
        f"{r.name} {r.getMessage()}"
        for r in caplog.records
        if not r.threadName.startswith("asyncio_")
    )
    parts = {
        "call records": repr(sink.records),
        "log": ours,
        "sandbox log": sandbox_log,
        **{f"error {i}": t for i, t in enumerate(texts)},
    }
    secrets.discard("")
    assert len(secrets) >= 8  # client secrets, code, 4+ generations of access/refresh tokens
    leaked = sorted(
        f"{name}: {s[:6]}..." for name, part in parts.items() for s in secrets if s in part
    )
    assert leaked == []
