"""GET /connections and DELETE /connections/{id} (api.xero.com, tenantless)
[xero-api-notes §1.5]."""

from __future__ import annotations

import pytest
from tests.sandbox.xero.platform_helpers import (
    CREDS,
    api_headers,
    client_for,
    code_flow,
    fake_sandbox,
)

from shopxero.sandbox.clock import SandboxClock

pytestmark = pytest.mark.anyio


def bearer(tokens: dict) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens['access_token']}"}


async def test_connections_list_the_consented_tenant() -> None:
    app = fake_sandbox()
    async with client_for(app) as client:
        tokens = await code_flow(client)
        response = await client.get("/connections", headers=bearer(tokens))
    assert response.status_code == 200
    [conn] = response.json()
    assert set(conn) == {
        "id",
        "authEventId",
        "tenantId",
        "tenantType",
        "tenantName",
        "createdDateUtc",
        "updatedDateUtc",
    }
    assert conn["tenantId"] == app.tenant_id
    assert conn["tenantType"] == "ORGANISATION"
    assert conn["tenantName"] == "Fake Shop Ltd"
    assert conn["id"] != conn["tenantId"]


async def test_connections_are_tenantless_only_the_app_minute_header_facts_1_5() -> None:
    app = fake_sandbox()
    tokens = app.issue_tokens_for_tests()
    async with client_for(app) as client:
        response = await client.get("/connections", headers=bearer(tokens))
    assert "x-appminlimit-remaining" in response.headers
    assert "x-minlimit-remaining" not in response.headers
    assert "x-daylimit-remaining" not in response.headers


async def test_connections_filter_by_auth_event_id() -> None:
    app = fake_sandbox()
    tokens = app.issue_tokens_for_tests()
    async with client_for(app) as client:
        [conn] = (await client.get("/connections", headers=bearer(tokens))).json()
        same = await client.get(
            "/connections", headers=bearer(tokens), params={"authEventId": conn["authEventId"]}
        )
        other = await client.get(
            "/connections",
            headers=bearer(tokens),
            params={"authEventId": "00000000-0000-0000-0000-000000000000"},
        )
    assert len(same.json()) == 1
    assert other.json() == []


async def test_connections_need_a_valid_token() -> None:
    clock = SandboxClock()
    app = fake_sandbox(clock)
    tokens = app.issue_tokens_for_tests()
    async with client_for(app) as client:
        missing = await client.get("/connections")
        clock.advance(1801)
        expired = await client.get("/connections", headers=bearer(tokens))
    assert missing.status_code == 401
    assert expired.status_code == 401
    assert expired.json()["Detail"].startswith("TokenExpired: token expired at ")


async def test_delete_by_connection_id_disconnects_and_the_api_answers_403() -> None:
    app = fake_sandbox()
    tokens = app.issue_tokens_for_tests()
    async with client_for(app) as client:
        [conn] = (await client.get("/connections", headers=bearer(tokens))).json()
        deleted = await client.delete(f"/connections/{conn['id']}", headers=bearer(tokens))
        assert deleted.status_code == 204
        assert deleted.content == b""
        assert (await client.get("/connections", headers=bearer(tokens))).json() == []
        api = await client.get("/api.xro/2.0/Contacts", headers=api_headers(tokens))
    assert api.status_code == 403
    assert api.json()["Detail"] == "AuthenticationUnsuccessful"


async def test_delete_by_tenant_id_is_403_facts_1_5() -> None:
    app = fake_sandbox()
    tokens = app.issue_tokens_for_tests()
    async with client_for(app) as client:
        response = await client.delete(f"/connections/{app.tenant_id}", headers=bearer(tokens))
        still = await client.get("/connections", headers=bearer(tokens))
    assert response.status_code == 403
    assert response.json()["Title"] == "Forbidden"
    assert len(still.json()) == 1


async def test_delete_unknown_id_is_404() -> None:
    app = fake_sandbox()
    tokens = app.issue_tokens_for_tests()
    async with client_for(app) as client:
        response = await client.delete(
            "/connections/3f0a2b0e-1111-4c6e-9c9d-2a9e2a9e2a9e", headers=bearer(tokens)
        )
    assert response.status_code == 404


async def test_reconnecting_keeps_created_date_and_moves_updated_date() -> None:
    clock = SandboxClock()
    app = fake_sandbox(clock)
    async with client_for(app) as client:
        tokens = await code_flow(client)
        [first] = (await client.get("/connections", headers=bearer(tokens))).json()
        await client.delete(f"/connections/{first['id']}", headers=bearer(tokens))
        clock.advance(3600)
        again = await code_flow(client)
        [second] = (await client.get("/connections", headers=bearer(again))).json()
    assert second["createdDateUtc"] == first["createdDateUtc"]
    assert second["updatedDateUtc"] != second["createdDateUtc"]


async def test_custom_connection_sees_its_one_connection() -> None:
    app = fake_sandbox()
    tokens = app.issue_tokens_for_tests(custom=True)
    async with client_for(app) as client:
        response = await client.get("/connections", headers=bearer(tokens))
    [conn] = response.json()
    assert conn["tenantId"] == app.tenant_id
    assert app.tokens.connections(CREDS.client_id) == []  # the web app has none yet
