"""OAuth tokens against the Xero simulator: refresh with rotation, 401 recovery, lost answers,
invalid_grant, the cross-process lock, Custom Connections, revocation (xero-api-notes §1.3, §1.6,
§1.7)."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import textwrap
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from shopxero.errors import ReauthorizeError
from shopxero.http.calllog import ListSink
from shopxero.sandbox.clock import SandboxClock
from shopxero.sandbox.server import serve_in_thread
from shopxero.sandbox.transport import SandboxASGITransport
from shopxero.xero.auth import ClientCredentialsTokens, IdentityClient, OAuthTokenManager
from shopxero.xero.client import XeroClient
from shopxero.xero.tokens import load_token_file

from .conftest import (
    CC_CLIENT_ID,
    CC_CLIENT_SECRET,
    WEB_CLIENT_ID,
    WEB_CLIENT_SECRET,
    platform_sandbox,
    token_file_from,
)

pytestmark = pytest.mark.anyio


def manager(path: Path, base: str, clock: SandboxClock, transport=None, **kw) -> OAuthTokenManager:
    return OAuthTokenManager(path, WEB_CLIENT_ID, WEB_CLIENT_SECRET, base, clock, transport, **kw)


def token_endpoint_calls(sandbox) -> int:
    return sum(1 for e in sandbox.log.entries() if e["path"] == "/connect/token")


async def test_access_token_is_refreshed_five_minutes_before_expiry(tmp_path: Path) -> None:
    clock = SandboxClock()
    sandbox = platform_sandbox(clock)
    path = tmp_path / "xero-token.json"
    issued = sandbox.issue_tokens_for_tests()
    first = token_file_from(issued, path, clock)
    tokens = manager(path, "http://xero", clock, SandboxASGITransport(app=sandbox))

    assert await tokens.access_token() == first.access_token
    clock.advance(24 * 60)  # 6 minutes left: still fine
    assert await tokens.access_token() == first.access_token
    assert token_endpoint_calls(sandbox) == 0

    clock.advance(2 * 60)  # 4 minutes left: refresh now
    fresh = await tokens.access_token()
    assert fresh != first.access_token
    saved = load_token_file(path)
    assert saved is not None and saved.access_token == fresh
    # Rotation: the new refresh token is the one on disk (xero-api-notes §1.3).
    assert saved.refresh_token != first.refresh_token
    assert saved.tenant_id == first.tenant_id
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert tokens.refreshes == 1


async def test_a_401_mid_run_is_recovered_by_one_refresh(tmp_path: Path) -> None:
    clock = SandboxClock()
    sandbox = platform_sandbox(clock)
    path = tmp_path / "xero-token.json"
    issued = sandbox.issue_tokens_for_tests()
    # Our file believes the token lives much longer than Xero does (a clock skew, say), so
    # only Xero's 401 TokenExpired can tell us.
    first = token_file_from(issued, path, clock)
    token_file_from(issued, path, clock, expires_at=first.expires_at + timedelta(hours=5))
    tokens = manager(path, "http://xero", clock, SandboxASGITransport(app=sandbox))
    sink = ListSink()
    async with XeroClient(
        api_base_url="http://xero/api.xro/2.0",
        tokens=tokens,
        tenant_id=first.tenant_id,
        transport=SandboxASGITransport(app=sandbox),
        clock=clock,
        call_sink=sink,
    ) as client:
        assert (await client.get_organisation())["Name"] == "Platform Test Ltd"
        clock.advance(31 * 60)  # past Xero's 30 minutes
        assert (await client.get_organisation())["Name"] == "Platform Test Ltd"
    assert [r.status for r in sink.records] == [200, 401, 200]
    assert tokens.refreshes == 1
    dump = repr(sink.records)
    assert first.access_token not in dump and (first.refresh_token or "x") not in dump


async def test_a_lost_refresh_answer_is_retried_with_the_previous_token(tmp_path: Path) -> None:
    clock = SandboxClock(speed=60)  # the retry's back-off passes quickly
    sandbox = platform_sandbox(clock)
    path = tmp_path / "xero-token.json"
    first = token_file_from(sandbox.issue_tokens_for_tests(), path, clock)
    # Xero rotates the token, then the answer is lost on the wire.
    sandbox.faults.add(
        {"method": "POST", "path": "^/connect/token$", "kind": "drop_after_commit", "times": 1}
    )
    with serve_in_thread(sandbox) as server:
        tokens = manager(path, server.url, clock)
        clock.advance(27 * 60)
        fresh = await tokens.access_token()
        async with httpx.AsyncClient() as http:
            answer = await http.get(
                f"{server.url}/api.xro/2.0/Organisation",
                headers={
                    "Authorization": f"Bearer {fresh}",
                    "xero-tenant-id": first.tenant_id,
                    "Accept": "application/json",
                },
            )
    assert answer.status_code == 200
    assert token_endpoint_calls(sandbox) == 2  # the lost one, then the retry inside the grace
    saved = load_token_file(path)
    assert saved is not None and saved.access_token == fresh


async def test_invalid_grant_asks_for_reauthorisation_without_leaking(tmp_path: Path) -> None:
    clock = SandboxClock()
    sandbox = platform_sandbox(clock)
    path = tmp_path / "xero-token.json"
    first = token_file_from(sandbox.issue_tokens_for_tests(), path, clock)
    # An unused refresh token dies after 60 days (xero-api-notes §1.3).
    clock.advance(61 * 24 * 3600)
    warnings: list[str] = []
    tokens = manager(
        path, "http://xero", clock, SandboxASGITransport(app=sandbox), warn=warnings.append
    )
    with pytest.raises(ReauthorizeError, match="shopxero auth xero") as info:
        await tokens.access_token()
    text = f"{info.value!s} {info.value!r}"
    assert first.refresh_token not in text and WEB_CLIENT_SECRET not in text
    assert warnings and "expired" in warnings[0]


async def test_a_rotated_away_refresh_token_is_invalid_grant_after_the_grace(
    tmp_path: Path,
) -> None:
    clock = SandboxClock()
    sandbox = platform_sandbox(clock)
    path = tmp_path / "xero-token.json"
    stale = token_file_from(sandbox.issue_tokens_for_tests(), path, clock)
    clock.advance(26 * 60)
    await manager(path, "http://xero", clock, SandboxASGITransport(app=sandbox)).access_token()
    # Someone restores the old file 31 minutes later: the old refresh token is dead now.
    clock.advance(31 * 60)
    token_file_from(
        {
            "access_token": stale.access_token,
            "refresh_token": stale.refresh_token,
            "expires_in": 0,
            "tenant_id": stale.tenant_id,
        },
        path,
        clock,
    )
    with pytest.raises(ReauthorizeError):
        await manager(path, "http://xero", clock, SandboxASGITransport(app=sandbox)).access_token()


async def test_missing_token_file_says_run_auth(tmp_path: Path) -> None:
    tokens = manager(tmp_path / "none.json", "http://xero", SandboxClock())
    with pytest.raises(ReauthorizeError, match="shopxero auth xero"):
        await tokens.access_token()


async def test_two_refreshers_in_one_process_refresh_once(tmp_path: Path) -> None:
    import asyncio

    clock = SandboxClock()
    sandbox = platform_sandbox(clock)
    path = tmp_path / "xero-token.json"
    token_file_from(sandbox.issue_tokens_for_tests(), path, clock)
    clock.advance(28 * 60)
    transport = SandboxASGITransport(app=sandbox)
    a, b = (
        manager(path, "http://xero", clock, transport),
        manager(path, "http://xero", clock, transport),
    )
    got = await asyncio.gather(*(m.access_token() for m in (a, b, a, b)))
    assert len(set(got)) == 1
    assert token_endpoint_calls(sandbox) == 1


_REFRESH_SCRIPT = textwrap.dedent(
    """
    import asyncio, json, sys
    from pathlib import Path
    import httpx
    from shopxero.xero.auth import OAuthTokenManager

    path, base, client_id, secret, tenant = sys.argv[1:6]

    async def main() -> None:
        tokens = OAuthTokenManager(Path(path), client_id, secret, base)
        token = await tokens.access_token()
        async with httpx.AsyncClient() as http:
            answer = await http.get(
                base + "/api.xro/2.0/Organisation",
                headers={"Authorization": "Bearer " + token, "xero-tenant-id": tenant,
                         "Accept": "application/json"},
            )
        print(json.dumps({"status": answer.status_code, "refreshes": tokens.refreshes}))

    asyncio.run(main())
    """
)


def test_two_processes_refreshing_at_once_both_end_with_a_working_token(tmp_path: Path) -> None:
    clock = SandboxClock()  # real speed: the child processes use the system clock
    sandbox = platform_sandbox(clock)
    path = tmp_path / "xero-token.json"
    first = token_file_from(sandbox.issue_tokens_for_tests(), path, clock)
    # Both children see an access token about to expire and want to refresh.
    token_file_from(
        sandbox.issue_tokens_for_tests(),
        path,
        clock,
        expires_at=first.expires_at - timedelta(minutes=29),
    )
    script = tmp_path / "refresh.py"
    script.write_text(_REFRESH_SCRIPT)
    # The token endpoint takes a second, so the two refreshes surely overlap.
    sandbox.faults.add(
        {"method": "POST", "path": "^/connect/token$", "kind": "delay", "seconds": 1.0, "times": 2}
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHOPXERO_")}
    with serve_in_thread(sandbox) as server:
        args = [
            sys.executable,
            str(script),
            str(path),
            server.url,
            WEB_CLIENT_ID,
            WEB_CLIENT_SECRET,
            first.tenant_id or "",
        ]
        children = [
            subprocess.Popen(
                args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
            )
            for _ in range(2)
        ]
        outputs = [child.communicate(timeout=60) for child in children]
    results = []
    for child, (out, err) in zip(children, outputs, strict=True):
        assert child.returncode == 0, err
        results.append(json.loads(out.strip().splitlines()[-1]))
    assert [r["status"] for r in results] == [200, 200]
    # Exactly one refresh: the second process re-read the file after taking the lock.
    assert sorted(r["refreshes"] for r in results) == [0, 1]
    assert token_endpoint_calls(sandbox) == 1


async def test_custom_connection_tokens_without_tenant_header(tmp_path: Path) -> None:
    clock = SandboxClock()
    sandbox = platform_sandbox(clock)
    transport = SandboxASGITransport(app=sandbox)
    tokens = ClientCredentialsTokens(
        CC_CLIENT_ID, CC_CLIENT_SECRET, "http://xero", clock, transport
    )
    async with XeroClient(
        api_base_url="http://xero/api.xro/2.0",
        tokens=tokens,
        tenant_id=None,
        transport=transport,
        clock=clock,
    ) as client:
        assert (await client.get_organisation())["Name"] == "Platform Test Ltd"
        first = tokens.current
        clock.advance(26 * 60)  # within 5 minutes of expiry: a new token before use
        assert (await client.get_organisation())["Name"] == "Platform Test Ltd"
    assert tokens.acquisitions == 2 and tokens.current != first
    assert all("xero-tenant-id" not in str(e) for e in sandbox.log.entries())


async def test_revocation_kills_the_refresh_token(tmp_path: Path) -> None:
    clock = SandboxClock()
    sandbox = platform_sandbox(clock)
    path = tmp_path / "xero-token.json"
    first = token_file_from(sandbox.issue_tokens_for_tests(), path, clock)
    transport = SandboxASGITransport(app=sandbox)
    identity = IdentityClient(
        identity_base_url="http://xero",
        client_id=WEB_CLIENT_ID,
        client_secret=WEB_CLIENT_SECRET,
        transport=transport,
    )
    assert first.refresh_token
    await identity.revoke(first.refresh_token)
    clock.advance(26 * 60)
    with pytest.raises(ReauthorizeError):
        await manager(path, "http://xero", clock, transport).access_token()


async def test_refresh_token_warning_from_day_50(tmp_path: Path) -> None:
    clock = SandboxClock()
    sandbox = platform_sandbox(clock)
    path = tmp_path / "xero-token.json"
    first = token_file_from(sandbox.issue_tokens_for_tests(), path, clock)
    token_file_from(
        sandbox.issue_tokens_for_tests(),
        path,
        clock,
        refreshed_at=first.refreshed_at - timedelta(days=51),
    )
    warnings: list[str] = []
    manager(path, "http://xero", clock, warn=warnings.append).load()
    assert len(warnings) == 1 and "expires on" in warnings[0]
