"""The consent flow end to end against the simulator (PKCE, state, callback), and its refusals."""

from __future__ import annotations

import asyncio
import stat
from pathlib import Path
from typing import Any

import httpx
import pytest

from shopxero.errors import AuthError
from shopxero.sandbox.clock import SandboxClock
from shopxero.sandbox.server import free_port, serve_in_thread
from shopxero.xero.auth import GRANULAR_SCOPES, OAuthTokenManager
from shopxero.xero.consent import CallbackServer, choose_tenant, new_pkce, run_consent_flow
from shopxero.xero.tokens import load_token_file

from .conftest import WEB_CLIENT_ID, WEB_CLIENT_SECRET, consent_in_browser, platform_sandbox

pytestmark = pytest.mark.anyio


def flow_kwargs(server_url: str, token_file: Path, **extra: Any) -> dict[str, Any]:
    return {
        "client_id": WEB_CLIENT_ID,
        "client_secret": WEB_CLIENT_SECRET,
        "redirect_uri": f"http://localhost:{free_port()}/callback",
        "scopes": GRANULAR_SCOPES,
        "token_file": token_file,
        "login_base_url": server_url,
        "identity_base_url": server_url,
        "connections_url": f"{server_url}/connections",
        "wait_seconds": 20,
        **extra,
    }


async def test_scripted_consent_ends_with_tokens_saved(tmp_path: Path) -> None:
    clock = SandboxClock()
    sandbox = platform_sandbox(clock)
    path = tmp_path / "data" / "xero-token.json"
    answers: list[httpx.Response] = []

    async def browser(url: str) -> None:
        assert "code_challenge_method=S256" in url and "state=" in url
        answers.append(await asyncio.to_thread(consent_in_browser, url))

    with serve_in_thread(sandbox) as server:
        tokens = await run_consent_flow(
            **flow_kwargs(server.url, path, open_browser=browser, clock=clock)
        )
        assert answers[0].status_code == 200 and "connected" in answers[0].text
        saved = load_token_file(path)
        assert saved == tokens
        assert tokens.tenant_id == sandbox.tenant_id
        assert tokens.tenant_name == "Platform Test Ltd"
        assert set(tokens.scopes) >= {"offline_access", "accounting.contacts"}
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        # The saved tokens work for the API and refresh like any others.
        manager = OAuthTokenManager(path, WEB_CLIENT_ID, WEB_CLIENT_SECRET, server.url, clock)
        async with httpx.AsyncClient() as http:
            answer = await http.get(
                f"{server.url}/api.xro/2.0/Organisation",
                headers={
                    "Authorization": f"Bearer {await manager.access_token()}",
                    "xero-tenant-id": tokens.tenant_id or "",
                    "Accept": "application/json",
                },
            )
        assert answer.status_code == 200
    # No code, verifier or token in the simulator's request log.
    log = repr(sandbox.log.entries())
    assert tokens.access_token not in log and (tokens.refresh_token or "x") not in log


async def test_cancel_on_the_consent_page_is_a_clear_error(tmp_path: Path) -> None:
    sandbox = platform_sandbox(SandboxClock())

    async def browser(url: str) -> None:
        await asyncio.to_thread(consent_in_browser, url, "deny")

    with serve_in_thread(sandbox) as server, pytest.raises(AuthError, match="access_denied"):
        await run_consent_flow(**flow_kwargs(server.url, tmp_path / "t.json", open_browser=browser))
    assert not (tmp_path / "t.json").exists()


async def test_callback_refuses_wrong_state_and_replayed_code() -> None:
    port = free_port()
    async with CallbackServer(f"http://localhost:{port}/callback", expected_state="good") as server:
        async with httpx.AsyncClient() as http:
            base = f"http://127.0.0.1:{port}/callback"
            forged = await http.get(base, params={"code": "c1", "state": "evil"})
            assert forged.status_code == 400
            genuine = await http.get(base, params={"code": "c2", "state": "good"})
            assert genuine.status_code == 200
            replay = await http.get(base, params={"code": "c2", "state": "good"})
            assert replay.status_code == 400
            other = await http.get(f"http://127.0.0.1:{port}/elsewhere")
            assert other.status_code == 404
        assert await server.wait_for_code(1) == "c2"
    assert server.refused == ["wrong state", "code replayed"]


async def test_callback_refuses_a_peer_that_is_not_this_machine() -> None:
    server = CallbackServer("http://localhost:8765/callback", expected_state="s")
    server._result = asyncio.get_running_loop().create_future()

    class FarAwayWriter:
        def get_extra_info(self, name: str) -> Any:
            return ("203.0.113.9", 40000) if name == "peername" else None

    reader = asyncio.StreamReader()
    reader.feed_data(b"GET /callback?code=c&state=s HTTP/1.1\r\nHost: x\r\n\r\n")
    status, _, _ = await server._answer(reader, FarAwayWriter())  # type: ignore[arg-type]
    assert status == 403 and not server._result.done()


def test_redirect_uri_must_be_localhost_http() -> None:
    with pytest.raises(AuthError, match="localhost"):
        CallbackServer("https://example.com/callback", expected_state="s")


def test_pkce_is_s256_of_a_valid_verifier() -> None:
    import base64
    import hashlib
    import re

    pkce = new_pkce()
    assert re.fullmatch(r"[A-Za-z0-9\-._~]{43,128}", pkce.verifier)  # xero-api-notes §1.2
    digest = hashlib.sha256(pkce.verifier.encode()).digest()
    assert pkce.challenge == base64.urlsafe_b64encode(digest).decode().rstrip("=")


def test_tenant_choice() -> None:
    orgs = [
        {"tenantId": "a", "tenantName": "A", "tenantType": "ORGANISATION"},
        {"tenantId": "b", "tenantName": "B", "tenantType": "ORGANISATION"},
    ]
    assert choose_tenant(orgs, "b", None)["tenantName"] == "B"
    assert choose_tenant(orgs[:1], None, None)["tenantId"] == "a"
    assert choose_tenant(orgs, None, lambda found: found[1])["tenantId"] == "b"
    with pytest.raises(AuthError, match="--tenant"):
        choose_tenant(orgs, None, None)
    with pytest.raises(AuthError, match="not among"):
        choose_tenant(orgs, "zzz", None)


def test_the_simulators_test_tokens_carry_what_shopxero_asks_for() -> None:
    # A token a test makes without a consent has the scopes a consent grants shopxero today
    # (payouts need accounting.banktransactions, docs/payouts.md).
    from shopxero.sandbox.xero.app import DEFAULT_TEST_SCOPES

    assert set(DEFAULT_TEST_SCOPES) == set(GRANULAR_SCOPES)
