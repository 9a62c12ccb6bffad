"""Shopify credentials: the client credentials grant (shopify-api-notes §2b) and the static token
(§2a)."""

from __future__ import annotations

import asyncio

import pytest

from shopxero.errors import ApiAuthError, AuthError, ConfigError
from shopxero.sandbox.seeds.credentials import SHOPIFY_CLIENT_SECRET, shopify_credentials
from shopxero.sandbox.shopify.app import create_shopify_app
from shopxero.shopify.auth import ClientCredentialsAuth, StaticTokenAuth

pytestmark = pytest.mark.anyio

TTL = 3600


@pytest.fixture
def short_lived(demo_shop, sandbox_clock):
    """A simulator whose tokens live one hour, so expiry is easy to reach with advance()."""
    return create_shopify_app(
        demo_shop, clock=sandbox_clock, credentials=shopify_credentials(), token_ttl_seconds=TTL
    )


def _grants(sandbox) -> int:
    return sum(1 for r in sandbox.log.entries() if r["path"] == "/admin/oauth/access_token")


def _statuses(sandbox, suffix: str) -> list[object]:
    return [r["status"] for r in sandbox.log.entries() if r["path"].endswith(suffix)]


async def test_the_token_is_reacquired_60_seconds_before_it_expires(make_client, short_lived):
    client, _, _ = make_client(auth="cc", sandbox=short_lived)
    await client.get_shop()
    assert _grants(short_lived) == 1
    short_lived.clock.advance(TTL - 90)  # 90 s left: still good
    await client.get_shop()
    assert _grants(short_lived) == 1
    short_lived.clock.advance(40)  # 50 s left: inside the 60 s margin
    await client.get_shop()
    assert _grants(short_lived) == 2
    short_lived.clock.advance(TTL - 30)  # the old token would be dead by now
    await client.get_shop()
    await client.aclose()
    assert _grants(short_lived) == 3
    assert 401 not in _statuses(short_lived, "/shop.json")  # never used an expired token


async def test_a_401_reacquires_once_and_the_request_succeeds(make_client, shop_sandbox):
    shop_sandbox.faults.add({"path": r"shop\.json$", "kind": "status", "status": 401})
    client, _, _ = make_client(auth="cc")
    shop = await client.get_shop()
    await client.aclose()
    assert shop["name"]
    assert _grants(shop_sandbox) == 2
    assert _statuses(shop_sandbox, "/shop.json") == [401, 200]


async def test_concurrent_requests_share_one_grant(make_client, shop_sandbox):
    client, _, _ = make_client(auth="cc")
    await asyncio.gather(*(client.get_shop() for _ in range(5)))
    await client.aclose()
    assert _grants(shop_sandbox) == 1


async def test_granted_scopes_come_from_the_token_answer(make_client, shop_sandbox):
    client, _, _ = make_client(auth="cc")
    await client.get_shop()
    assert client.auth.granted_scopes == shopify_credentials().scopes
    await client.aclose()


async def test_bad_client_credentials_are_an_auth_error_without_the_secret(make_client):
    client, sink, _ = make_client(auth="cc", client_secret="wrong-secret-value-123")
    with pytest.raises(AuthError) as info:
        await client.get_shop()
    await client.aclose()
    text = str(info.value)
    assert "invalid_client" in text or "Client authentication failed" in text
    assert "wrong-secret-value-123" not in text
    assert "\n" not in text
    assert [r.status for r in sink.records] == [400]  # not retried


async def test_a_bad_static_token_is_final(make_client, shop_sandbox):
    client, _, _ = make_client(auth="static", token="shpat_not_the_right_one_000000000000")
    with pytest.raises(ApiAuthError):
        await client.get_shop()
    await client.aclose()
    assert _statuses(shop_sandbox, "/shop.json") == [401]


def test_reprs_hide_credentials():
    static = StaticTokenAuth("shpat_secret_token_value")
    cc = ClientCredentialsAuth("https://s.test", "client-id", SHOPIFY_CLIENT_SECRET)
    assert "shpat_secret_token_value" not in repr(static)
    assert SHOPIFY_CLIENT_SECRET not in repr(cc)


def test_missing_credentials_are_config_errors():
    with pytest.raises(ConfigError, match="ACCESS_TOKEN"):
        StaticTokenAuth("  ")
    with pytest.raises(ConfigError, match="CLIENT_SECRET"):
        ClientCredentialsAuth("https://s.test", "client-id", "")
