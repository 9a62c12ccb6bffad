"""Tokens, the client credentials grant, scopes and API versions (shopify-api-notes §1, §2)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from tests.sandbox.shopify.helpers import (
    CREDENTIALS,
    GRANT_FORM,
    api,
    auth_headers,
    build_sandbox,
    client_for,
)

from shopxero.sandbox.shopify.app import ShopifyCredentials

pytestmark = pytest.mark.anyio

INVALID = {"errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"}
GRANT = GRANT_FORM


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-Shopify-Access-Token": ""},
        {"X-Shopify-Access-Token": "shpat_" + "0" * 32},
        {
            "Authorization": f"Bearer {CREDENTIALS.access_token}"
        },  # wrong header: Shopify wants its own
    ],
)
async def test_missing_or_unknown_token_is_401(client: Any, headers: dict[str, str]) -> None:
    r = await client.get(api("customers.json"), headers=headers)
    assert (r.status_code, r.json()) == (401, INVALID)
    assert "x-shopify-shop-api-call-limit" not in r.headers


async def test_static_token_reads_everything(client: Any, auth: Any) -> None:
    for path in ("shop.json", "customers.json", "products.json", "orders.json"):
        assert (await client.get(api(path), headers=auth)).status_code == 200


@pytest.mark.parametrize("encoding", ["form", "json"])
async def test_client_credentials_grant_form_or_json(encoding: str) -> None:
    app = build_sandbox()
    async with client_for(app) as c:
        if encoding == "form":
            r = await c.post("/admin/oauth/access_token", data=GRANT)
        else:
            r = await c.post("/admin/oauth/access_token", json=GRANT)
        assert r.status_code == 200
        body = r.json()
        assert set(body) == {"access_token", "scope", "expires_in"}
        assert body["scope"] == (
            "read_customers,read_products,read_orders,read_all_orders,read_shopify_payments_payouts"
        )
        assert body["expires_in"] == 86399
        token = body["access_token"]
        assert token.startswith("shpat_") and len(token) == 38
        assert token != CREDENTIALS.access_token
        r = await c.get(api("orders.json"), headers=auth_headers(token))
        assert r.status_code == 200


@pytest.mark.parametrize(
    "change",
    [
        {"client_secret": "wrong"},
        {"client_id": "someone-else"},
        {"client_secret": None},
    ],
)
async def test_bad_client_credentials_are_invalid_client(change: dict[str, Any]) -> None:
    body = {k: v for k, v in {**GRANT, **change}.items() if v is not None}
    async with client_for(build_sandbox()) as c:
        r = await c.post("/admin/oauth/access_token", data=body)
    assert r.status_code == 400
    assert r.json() == {
        "error": "invalid_client",
        "error_description": "Client authentication failed",
    }


async def test_other_grant_types_and_bad_bodies_are_400() -> None:
    async with client_for(build_sandbox()) as c:
        r = await c.post("/admin/oauth/access_token", data={**GRANT, "grant_type": "password"})
        assert (r.status_code, r.json()["error"]) == (400, "unsupported_grant_type")
        r = await c.post(
            "/admin/oauth/access_token",
            content=b"{not json",
            headers={"content-type": "application/json"},
        )
        assert (r.status_code, r.json()["error"]) == (400, "invalid_request")


async def test_granted_token_expires_on_the_sandbox_clock() -> None:
    app = build_sandbox(token_ttl_seconds=600)
    async with client_for(app) as c:
        token = (await c.post("/admin/oauth/access_token", json=GRANT)).json()["access_token"]
        assert (await c.get(api("shop.json"), headers=auth_headers(token))).status_code == 200
        app.clock.advance(599)
        assert (await c.get(api("shop.json"), headers=auth_headers(token))).status_code == 200
        app.clock.advance(2)
        r = await c.get(api("shop.json"), headers=auth_headers(token))
        assert (r.status_code, r.json()) == (401, INVALID)
        # No refresh token: the client repeats the grant (shopify-api-notes §2b), and the static
        # token (a different app) never expires.
        fresh = (await c.post("/admin/oauth/access_token", json=GRANT)).json()["access_token"]
        assert (await c.get(api("shop.json"), headers=auth_headers(fresh))).status_code == 200
        assert (await c.get(api("shop.json"), headers=auth_headers())).status_code == 200


NO_ORDERS = ShopifyCredentials(
    access_token="shpat_noorders" + "3" * 24,
    client_id="cid",
    client_secret="csecret",
    scopes=("read_customers", "write_products"),
)


@pytest.mark.parametrize(
    ("path", "status", "scope"),
    [
        ("orders.json", 403, "read_orders"),
        ("orders/count.json", 403, "read_orders"),
        ("orders/1001.json", 403, "read_orders"),
        ("orders/1001/transactions.json", 403, "read_orders"),
        ("orders/1001/refunds.json", 403, "read_orders"),
        ("customers.json", 200, None),
        ("products.json", 200, None),  # write_products implies read_products
        ("shop.json", 200, None),
    ],
)
async def test_missing_scope_is_403_with_shopifys_text(
    path: str, status: int, scope: str | None
) -> None:
    app = build_sandbox(credentials=NO_ORDERS)
    async with client_for(app) as c:
        r = await c.get(api(path), headers=auth_headers(NO_ORDERS.access_token))
    assert r.status_code == status
    if scope:
        message = f"[API] This action requires merchant approval for {scope} scope."
        assert r.json() == {"errors": message}


@pytest.mark.parametrize(
    ("method", "path", "status", "scope"),
    [
        ("POST", "orders.json", 403, "write_orders"),
        ("PUT", "orders/1001.json", 403, "write_orders"),
        ("DELETE", "customers/1.json", 403, "write_customers"),
        ("POST", "products.json", 405, None),  # NO_ORDERS holds write_products
    ],
)
async def test_writes_need_write_scopes(method: str, path: str, status: int, scope: Any) -> None:
    app = build_sandbox(credentials=NO_ORDERS)
    async with client_for(app) as c:
        r = await c.request(method, api(path), headers=auth_headers(NO_ORDERS.access_token))
        assert r.status_code == status
        if scope:
            message = f"[API] This action requires merchant approval for {scope} scope."
            assert r.json() == {"errors": message}
        r = await c.request(method, api(path))
        assert r.status_code == 401
    assert app.state() == build_sandbox(credentials=NO_ORDERS).state()


async def test_access_scopes_lists_the_tokens_scopes() -> None:
    app = build_sandbox(credentials=NO_ORDERS)
    async with client_for(app) as c:
        r = await c.get(
            "/admin/oauth/access_scopes.json", headers=auth_headers(NO_ORDERS.access_token)
        )
        assert r.json() == {
            "access_scopes": [{"handle": "read_customers"}, {"handle": "write_products"}]
        }
        r = await c.get("/admin/oauth/access_scopes.json")
        assert r.status_code == 401


@pytest.mark.parametrize(
    ("version", "status", "served"),
    [
        ("2025-10", 200, "2025-10"),
        ("2026-01", 200, "2026-01"),
        ("2026-04", 200, "2026-04"),
        ("2026-07", 200, "2026-07"),
        ("2026-10", 200, "2026-10"),
        ("2024-10", 200, "2025-10"),  # retired: Shopify "falls forward" (shopify-api-notes §1)
        ("2027-01", 404, None),  # not released
        ("2026-02", 404, None),  # not a release month
        ("latest", 404, None),
        ("v1", 404, None),
    ],
)
async def test_api_versions(client: Any, auth: Any, version: str, status: int, served: Any) -> None:
    r = await client.get(api("shop.json", version=version), headers=auth)
    assert r.status_code == status
    assert r.headers.get("x-shopify-api-version") == served
    if status == 404:
        assert r.json() == {"errors": "Not Found"}


async def test_unknown_paths_are_404_json(client: Any, auth: Any) -> None:
    for path in ("/admin/api/2026-07/widgets.json", "/nothing"):
        r = await client.get(path, headers=auth)
        assert (r.status_code, r.json()) == (404, {"errors": "Not Found"})


async def test_secrets_never_reach_the_request_log() -> None:
    app = build_sandbox()
    async with client_for(app) as c:
        token = (await c.post("/admin/oauth/access_token", data=GRANT)).json()["access_token"]
        await c.get(api("shop.json"), headers=auth_headers(token))
        await c.post("/admin/oauth/access_token", json=GRANT)
        log = (await c.get("/_sandbox/requests")).json()
    text = json.dumps(log)
    assert len(log["requests"]) == 3
    for secret in (token, CREDENTIALS.client_secret):
        assert secret not in text
    assert CREDENTIALS.client_secret not in repr(CREDENTIALS)
    assert CREDENTIALS.access_token not in repr(CREDENTIALS)


async def test_every_api_response_has_shopify_headers(client: Any, auth: Any) -> None:
    r = await client.get(api("customers.json"), headers=auth)
    assert r.headers["content-type"] == "application/json; charset=utf-8"
    assert r.headers["x-shopify-api-version"] == "2026-07"
    assert r.headers["x-shopify-shop-api-call-limit"] == "1/40"
    assert r.headers["x-request-id"]
