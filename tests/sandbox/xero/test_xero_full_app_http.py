"""The whole Xero simulator (real accounting routes) over real HTTP: faults, tokens, limits."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest
from tests.sandbox.xero.platform_helpers import api_headers, basic, code_flow, full_sandbox

from shopxero.sandbox.clock import SandboxClock
from shopxero.sandbox.server import RunningServer, serve_in_thread
from shopxero.sandbox.xero.app import XeroSandbox

pytestmark = pytest.mark.anyio

CONTACTS = "/api.xro/2.0/Contacts"


@pytest.fixture
def clock() -> SandboxClock:
    return SandboxClock()


@pytest.fixture
def app(clock: SandboxClock) -> XeroSandbox:
    return full_sandbox(clock)


@pytest.fixture
def server(app: XeroSandbox) -> Iterator[RunningServer]:
    with serve_in_thread(app) as running:
        yield running


def contact(name: str) -> dict:
    return {"Contacts": [{"Name": name, "ContactNumber": f"shopify-{name}"}]}


async def names(client: httpx.AsyncClient, tokens: dict) -> list[str]:
    response = await client.get(CONTACTS, headers=api_headers(tokens))
    return [c["Name"] for c in response.json()["Contacts"]]


async def test_status_fault_answers_once_then_the_api_is_back(app, server) -> None:
    tokens = app.issue_tokens_for_tests()
    async with httpx.AsyncClient(base_url=server.url) as client:
        await client.post(
            "/_sandbox/faults",
            json={
                "method": "PUT",
                "path": "/Contacts$",
                "kind": "status",
                "status": 503,
                "body": "The Organisation is offline",
            },
        )
        offline = await client.put(CONTACTS, headers=api_headers(tokens), json=contact("a"))
        online = await client.put(CONTACTS, headers=api_headers(tokens), json=contact("a"))
        assert (offline.status_code, offline.text) == (503, "The Organisation is offline")
        assert online.status_code == 200
        assert await names(client, tokens) == ["a"]


async def test_delay_fault_trips_the_client_timeout(app, server) -> None:
    tokens = app.issue_tokens_for_tests()
    async with httpx.AsyncClient(base_url=server.url, timeout=0.3) as client:
        await client.post(
            "/_sandbox/faults",
            json={"method": "GET", "path": "/Contacts", "kind": "delay", "seconds": 1.5},
        )
        with pytest.raises(httpx.ReadTimeout):
            await client.get(CONTACTS, headers=api_headers(tokens))
        assert (await client.get(CONTACTS, headers=api_headers(tokens))).status_code == 200


async def test_drop_before_loses_the_request_and_nothing_is_written(app, server) -> None:
    tokens = app.issue_tokens_for_tests()
    async with httpx.AsyncClient(base_url=server.url) as client:
        await client.post(
            "/_sandbox/faults", json={"method": "PUT", "path": "/Contacts", "kind": "drop_before"}
        )
        with pytest.raises(httpx.TransportError):
            await client.put(CONTACTS, headers=api_headers(tokens), json=contact("lost"))
        assert await names(client, tokens) == []


async def test_drop_after_commit_writes_and_a_keyed_retry_replays_no_duplicate(app, server) -> None:
    """The answer is lost but the contact exists; the retry with the same key replays."""
    tokens = app.issue_tokens_for_tests()
    headers = api_headers(tokens, **{"Idempotency-Key": "customer-42-create"})
    async with httpx.AsyncClient(base_url=server.url) as client:
        await client.post(
            "/_sandbox/faults",
            json={"method": "PUT", "path": "/Contacts", "kind": "drop_after_commit"},
        )
        with pytest.raises(httpx.TransportError):
            await client.put(CONTACTS, headers=headers, json=contact("kept"))
        assert await names(client, tokens) == ["kept"]
        retry = await client.put(CONTACTS, headers=headers, json=contact("kept"))
        assert retry.status_code == 200
        assert retry.json()["Contacts"][0]["Name"] == "kept"
        assert await names(client, tokens) == ["kept"]
        state = (await client.get("/_sandbox/state")).json()
    assert len(state["contacts"]) == 1


async def test_without_a_key_the_retry_hits_xeros_uniqueness_rule(app, server) -> None:
    tokens = app.issue_tokens_for_tests()
    async with httpx.AsyncClient(base_url=server.url) as client:
        await client.post(
            "/_sandbox/faults",
            json={"method": "PUT", "path": "/Contacts", "kind": "drop_after_commit"},
        )
        with pytest.raises(httpx.TransportError):
            await client.put(CONTACTS, headers=api_headers(tokens), json=contact("dup"))
        retry = await client.put(CONTACTS, headers=api_headers(tokens), json=contact("dup"))
    assert retry.status_code == 400
    assert [c["Name"] for c in app.state()["contacts"]] == ["dup"]


async def test_dropped_refresh_answer_is_recovered_with_the_old_token_in_grace(
    app, server, clock
) -> None:
    tokens = app.issue_tokens_for_tests()
    async with httpx.AsyncClient(base_url=server.url) as client:
        await client.post(
            "/_sandbox/faults",
            json={"method": "POST", "path": "^/connect/token$", "kind": "drop_after_commit"},
        )
        form = {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}
        with pytest.raises(httpx.TransportError):
            await client.post("/connect/token", headers=basic(), data=form)
        clock.advance(10 * 60)
        retry = await client.post("/connect/token", headers=basic(), data=form)
        assert retry.status_code == 200
        fresh = {**retry.json(), "tenant_id": app.tenant_id}
        assert (await client.get(CONTACTS, headers=api_headers(fresh))).status_code == 200


async def test_consent_flow_and_api_over_real_http(app, server) -> None:
    async with httpx.AsyncClient(base_url=server.url) as client:
        tokens = await code_flow(
            client, scope="offline_access accounting.contacts accounting.settings.read"
        )
        conns = await client.get(
            "/connections", headers={"Authorization": f"Bearer {tokens['access_token']}"}
        )
        tenant = conns.json()[0]["tenantId"]
        org = await client.get(
            "/api.xro/2.0/Organisation", headers=api_headers({**tokens, "tenant_id": tenant})
        )
    assert org.status_code == 200
    assert org.json()["Organisations"][0]["OrganisationID"] == tenant


async def test_token_expiry_on_the_real_routes(app, server, clock) -> None:
    tokens = app.issue_tokens_for_tests()
    async with httpx.AsyncClient(base_url=server.url) as client:
        clock.advance(1800)
        response = await client.get(CONTACTS, headers=api_headers(tokens))
    assert response.status_code == 401
    assert response.json()["Detail"].startswith("TokenExpired")


async def test_concurrency_limit_on_the_real_routes(app, server) -> None:
    app.api_latency = 0.4
    tokens = app.issue_tokens_for_tests()
    async with httpx.AsyncClient(base_url=server.url, timeout=10) as client:
        responses = await asyncio.gather(
            *[client.get(CONTACTS, headers=api_headers(tokens)) for _ in range(6)]
        )
    problems = [r.headers.get("x-rate-limit-problem") for r in responses if r.status_code == 429]
    assert problems == ["concurrent"]


async def test_request_log_masks_secrets_and_has_no_authorization_header(app, server) -> None:
    async with httpx.AsyncClient(base_url=server.url) as client:
        tokens = await code_flow(client)
        await client.get(CONTACTS, headers=api_headers({**tokens, "tenant_id": app.tenant_id}))
        log = (await client.get("/_sandbox/requests")).json()["requests"]
    text = str(log)
    assert tokens["access_token"] not in text
    assert tokens["refresh_token"] not in text
    token_calls = [e for e in log if e["path"] == "/connect/token"]
    assert token_calls[0]["body"]["code"] == "***"
