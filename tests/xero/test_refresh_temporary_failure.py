"""A 401 TokenExpired whose token refresh fails temporarily (xero-api-notes §1.3, §7).

The identity endpoint answering 5xx, 429 or nothing at all is not a credentials problem: the
error must say the refresh failed temporarily and why (no secret in it), be a transient
(retryable) error instead of the original 401, leave the token file as it was, and the next call
once the endpoint is back must refresh and succeed. Over the Xero simulator with faults on
``/connect/token``; the CLI test checks ``shopxero sync`` still exits 2 (docs/architecture.md, exit
codes).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import stamina
from typer.testing import CliRunner

from shopxero.cli.app import _register_commands, app
from shopxero.errors import ApiAuthError, RateLimitedError, TransientApiError, UnavailableError
from shopxero.http.calllog import ListSink
from shopxero.http.retry import RetryPolicy
from shopxero.sandbox.clock import SandboxClock
from shopxero.sandbox.run import RunningSandboxes, start_sandboxes
from shopxero.sandbox.seeds import credentials
from shopxero.sandbox.transport import SandboxASGITransport
from shopxero.xero.auth import REFRESH_ATTEMPTS, OAuthTokenManager
from shopxero.xero.client import XeroClient
from shopxero.xero.tokens import XeroTokenSet, load_token_file, save_token_file

from .conftest import WEB_CLIENT_ID, WEB_CLIENT_SECRET, platform_sandbox, token_file_from

TOKEN_PATH = r"^/connect/token$"
# Each fault fails every attempt the token manager makes in one refresh (xero-api-notes §1.3 lets it
# resend the same refresh token, which it does REFRESH_ATTEMPTS times with back-off).
FAULTS: dict[str, tuple[dict[str, Any], str]] = {
    "5xx": ({"kind": "status", "status": 503}, "token endpoint is unavailable"),
    "429": (
        {"kind": "status", "status": 429, "headers": {"Retry-After": "2"}},
        "token endpoint is rate limiting",
    ),
    "network": ({"kind": "drop_before"}, "no answer from Xero's token endpoint"),
}
CALL_ATTEMPTS = 2  # the client's retry policy: each attempt meets the 401 and tries a refresh


def _token_fault(spec: dict[str, Any], refreshes: int) -> dict[str, Any]:
    times = refreshes * REFRESH_ATTEMPTS
    return {"method": "POST", "path": TOKEN_PATH, "times": times, **spec}


def _token_calls(sandbox: Any) -> int:
    return sum(1 for e in sandbox.log.entries() if e["path"] == "/connect/token")


@dataclass
class World:
    sandbox: Any
    clock: SandboxClock
    path: Path
    first: XeroTokenSet
    tokens: OAuthTokenManager
    sink: ListSink

    def client(self) -> XeroClient:
        return XeroClient(
            api_base_url="http://xero/api.xro/2.0",
            tokens=self.tokens,
            tenant_id=self.first.tenant_id,
            transport=SandboxASGITransport(app=self.sandbox),
            clock=self.clock,
            call_sink=self.sink,
            retry=RetryPolicy(attempts=CALL_ATTEMPTS, wait_initial=1.0, wait_jitter=0.0),
        )


@pytest.fixture
def world(tmp_path: Path) -> World:
    """A token Xero has expired (31 minutes old) that our token file believes good for hours:
    only Xero's 401 TokenExpired tells us to refresh (xero-api-notes §7)."""
    clock = SandboxClock(speed=600)  # back-off (1 + 2 + 4 s per refresh) passes in milliseconds
    sandbox = platform_sandbox(clock)
    path = tmp_path / "xero-token.json"
    issued = sandbox.issue_tokens_for_tests()
    first = token_file_from(issued, path, clock)
    first = token_file_from(issued, path, clock, expires_at=first.expires_at + timedelta(hours=5))
    tokens = OAuthTokenManager(
        path,
        WEB_CLIENT_ID,
        WEB_CLIENT_SECRET,
        "http://xero",
        clock,
        SandboxASGITransport(app=sandbox),
    )
    clock.advance(31 * 60)
    return World(sandbox, clock, path, first, tokens, ListSink())


@pytest.mark.anyio
@pytest.mark.parametrize("fault", sorted(FAULTS))
async def test_a_temporarily_failed_refresh_after_a_401_says_so_and_is_retryable(
    world: World, fault: str
) -> None:
    spec, cause = FAULTS[fault]
    first = world.first
    world.sandbox.faults.add(_token_fault(spec, refreshes=CALL_ATTEMPTS))
    async with world.client() as client:
        with pytest.raises(TransientApiError) as caught:
            await client.get_organisation()
        error = caught.value
        # Not the 401 itself: that would send the user to fix credentials that are fine.
        assert not isinstance(error, ApiAuthError)
        if fault == "429":  # the token endpoint's Retry-After paces the next try
            assert isinstance(error, RateLimitedError) and error.retry_after == 2
        else:
            assert isinstance(error, UnavailableError)
        text = str(error)
        assert "refreshing it failed temporarily" in text, text
        assert cause in text, text  # the cause, as the identity client worded it
        assert "TokenExpired" in text, text  # and what led to the refresh
        assert error.service == "xero" and error.path == "/api.xro/2.0/Organisation"
        assert error.status == 401
        # Retried like any transient error, each attempt trying the refresh again.
        assert _token_calls(world.sandbox) == CALL_ATTEMPTS * REFRESH_ATTEMPTS
        assert [r.status for r in world.sink.records] == [401] * CALL_ATTEMPTS
        for secret in (first.access_token, first.refresh_token or "-", WEB_CLIENT_SECRET):
            assert secret not in text and secret not in repr(error)
            assert secret not in str(error.__cause__ or "")
        saved = load_token_file(world.path)
        assert saved is not None and saved.refresh_token == first.refresh_token

        # Once the endpoint is back, the next call refreshes and goes through.
        assert world.sandbox.faults.pending() == 0
        assert (await client.get_organisation())["Name"] == "Platform Test Ltd"
    assert world.tokens.refreshes == 1
    assert [r.status for r in world.sink.records] == [401] * (CALL_ATTEMPTS + 1) + [200]
    saved = load_token_file(world.path)
    assert saved is not None and saved.refresh_token != first.refresh_token


@pytest.mark.anyio
async def test_a_refresh_that_fails_once_is_tried_again_by_the_next_attempt(world: World) -> None:
    # One whole refresh fails; the call's second attempt refreshes (not the same stale token
    # into the same 401, which is what the user used to be shown) and succeeds.
    world.sandbox.faults.add(_token_fault({"kind": "status", "status": 500}, refreshes=1))
    async with world.client() as client:
        assert (await client.get_organisation())["Name"] == "Platform Test Ltd"
    assert [r.status for r in world.sink.records] == [401, 401, 200]
    assert _token_calls(world.sandbox) == REFRESH_ATTEMPTS + 1
    assert world.tokens.refreshes == 1


# --- the command line: same exit code as before (2, could not run), a reason that says what
# happened, nothing secret in the output --------------------------------------------------------

TOKEN_FILE = "xero-token.json"


@pytest.fixture
def sandboxes(monkeypatch: pytest.MonkeyPatch) -> Iterator[RunningSandboxes]:
    with start_sandboxes("demo", clock=SandboxClock(speed=600)) as running:
        for key, value in running.env().items():
            monkeypatch.setenv(key, value)
        monkeypatch.setenv("SHOPXERO_XERO_MODE", "web")
        monkeypatch.setenv("SHOPXERO_XERO_CLIENT_ID", credentials.XERO_WEB_CLIENT_ID)
        monkeypatch.setenv("SHOPXERO_XERO_CLIENT_SECRET", credentials.XERO_WEB_CLIENT_SECRET)
        yield running


def test_sync_exits_2_saying_the_refresh_failed_temporarily(
    sandboxes: RunningSandboxes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The command's clients wait on the real clock: one refresh attempt instead of four, and
    # stamina's test mode (the policy's attempts without its waits), keep the back-off out of
    # the test; the waits themselves are covered above.
    monkeypatch.setattr("shopxero.xero.auth.REFRESH_ATTEMPTS", 1)
    attempts = RetryPolicy().attempts  # the sync's Xero client uses the default policy
    data = tmp_path / "data"
    body = sandboxes.xero.issue_tokens_for_tests()
    tokens = XeroTokenSet.from_token_response(body, now=sandboxes.xero.clock.now()).with_tenant(
        body["tenant_id"], "Demo"
    )
    save_token_file(data / TOKEN_FILE, tokens)
    faults = f"{sandboxes.xero_url}/_sandbox/faults"
    # Xero answers the first API call's every attempt with TokenExpired, and the identity
    # endpoint is down for every refresh those attempts try.
    expired = {"Title": "Unauthorized", "Status": 401, "Detail": "TokenExpired: token expired"}
    for spec in (
        {"path": "^/api.xro/", "kind": "status", "status": 401, "body": expired},
        {"method": "POST", "path": TOKEN_PATH, "kind": "status", "status": 502},
    ):
        httpx.post(faults, json={**spec, "times": attempts}).raise_for_status()

    _register_commands()
    with stamina.set_testing(True, attempts=attempts):
        result = CliRunner().invoke(app, ["--data-dir", str(data), "sync"])
    out = result.output
    assert result.exit_code == 2, out
    assert "failed temporarily" in out and "token endpoint is unavailable" in out, out
    for secret in (tokens.access_token, tokens.refresh_token or "-"):
        assert secret not in out
    assert credentials.XERO_WEB_CLIENT_SECRET not in out
    saved = load_token_file(data / TOKEN_FILE)
    assert saved is not None and saved.refresh_token == tokens.refresh_token
    assert sandboxes.xero.faults.pending() == 0  # every attempt met the 401 and tried a refresh
