"""What is retried and what is not, over real HTTP (timeouts and dropped sockets need a socket).

ONE table: 429, 500, 502, 503, a reset connection and a timeout are retried (and then succeed);
400, 401 (after exactly one token re-acquire), 403 and 404 are not.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from shopxero.errors import (
    ApiAuthError,
    ApiError,
    NotFoundError,
    UnavailableError,
    ValidationError,
)
from shopxero.http.calllog import ListSink
from shopxero.http.retry import RetryPolicy
from shopxero.sandbox.clock import SandboxClock
from shopxero.sandbox.seeds import load_seed
from shopxero.sandbox.seeds.credentials import (
    SHOPIFY_ACCESS_TOKEN,
    SHOPIFY_CLIENT_ID,
    SHOPIFY_CLIENT_SECRET,
    shopify_credentials,
)
from shopxero.sandbox.server import RunningServer, serve_in_thread
from shopxero.sandbox.shopify.app import ShopifySandbox, create_shopify_app
from shopxero.shopify.auth import ClientCredentialsAuth, StaticTokenAuth
from shopxero.shopify.client import ShopifyClient

pytestmark = pytest.mark.anyio

CLIENT_TIMEOUT = 0.5  # real seconds; the "delay" fault holds the answer for 1.5
POLICY = RetryPolicy(attempts=3, timeout=60.0, wait_initial=0.5, wait_max=2.0, wait_jitter=0.2)
SHOP = r"/shop\.json$"


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[ShopifySandbox, RunningServer]]:
    sandbox = create_shopify_app(
        load_seed("demo")["shopify"],
        clock=SandboxClock(speed=50),
        credentials=shopify_credentials(),
    )
    with serve_in_thread(sandbox) as server:
        yield sandbox, server


@pytest.fixture
def sandbox(served: tuple[ShopifySandbox, RunningServer]) -> ShopifySandbox:
    app = served[0]
    app.reset()
    app.faults.clear()
    app.log.clear()
    return app


def _client(server: RunningServer, sandbox: ShopifySandbox, sink: ListSink) -> ShopifyClient:
    auth = ClientCredentialsAuth(
        server.url, SHOPIFY_CLIENT_ID, SHOPIFY_CLIENT_SECRET, clock=sandbox.clock, retry=POLICY
    )
    return ShopifyClient(
        shop_url=server.url,
        auth=auth,
        clock=sandbox.clock,
        call_sink=sink,
        timeout=CLIENT_TIMEOUT,
        retry=POLICY,
    )


def _paths(sandbox: ShopifySandbox, suffix: str) -> list[dict[str, Any]]:
    return [r for r in sandbox.log.entries() if r["path"].endswith(suffix)]


ROWS: list[tuple[str, dict[str, Any], type[ApiError] | None, int, int]] = [
    # name, fault, raised (None = the retry succeeded), shop.json requests, token grants
    ("429", {"kind": "status", "status": 429, "headers": {"Retry-After": "1.0"}}, None, 2, 1),
    ("500", {"kind": "status", "status": 500, "body": {"errors": "Internal"}}, None, 2, 1),
    ("502", {"kind": "status", "status": 502, "body": "<html>Bad Gateway</html>"}, None, 2, 1),
    ("503", {"kind": "status", "status": 503, "body": "Service Unavailable"}, None, 2, 1),
    ("connection reset", {"kind": "drop_before"}, None, 2, 1),
    ("timeout", {"kind": "delay", "seconds": 1.5}, None, 2, 1),
    (
        "400",
        {"kind": "status", "status": 400, "body": {"errors": {"x": ["bad"]}}, "times": 5},
        ValidationError,
        1,
        1,
    ),
    (
        "401",
        {
            "kind": "status",
            "status": 401,
            "body": {"errors": "[API] Invalid API key or access token"},
            "times": 5,
        },
        ApiAuthError,
        2,
        2,
    ),
    (
        "403",
        {"kind": "status", "status": 403, "body": {"errors": "no scope"}, "times": 5},
        ApiAuthError,
        1,
        1,
    ),
    (
        "404",
        {"kind": "status", "status": 404, "body": {"errors": "Not Found"}, "times": 5},
        NotFoundError,
        1,
        1,
    ),
]


@pytest.mark.parametrize(
    ("fault", "raised", "shop_requests", "grants"),
    [pytest.param(f, r, n, g, id=name) for name, f, r, n, g in ROWS],
)
async def test_only_transient_failures_are_retried(
    served, sandbox, fault: dict[str, Any], raised, shop_requests: int, grants: int
) -> None:
    _, server = served
    sandbox.faults.add({"path": SHOP, **fault})
    sink = ListSink()
    client = _client(server, sandbox, sink)
    try:
        if raised is None:
            shop = await client.get_shop()
            assert shop["name"]
        else:
            with pytest.raises(raised) as info:
                await client.get_shop()
            assert not isinstance(info.value, httpx.HTTPError)
    finally:
        await client.aclose()
    # What the server saw: one request for a permanent failure, two for a retried one
    # (or for a 401: the original and the re-send with a freshly granted token).
    assert len(_paths(sandbox, "/shop.json")) == shop_requests
    assert len(_paths(sandbox, "/access_token")) == grants
    # The call log has every attempt, the failed one included.
    shop_records = [r for r in sink.records if r.path.endswith("/shop.json")]
    assert [r.attempt for r in shop_records] == list(range(1, shop_requests + 1))


async def test_a_server_that_keeps_dropping_gives_unavailable_after_the_attempts(
    served, sandbox
) -> None:
    _, server = served
    sandbox.faults.add({"path": SHOP, "kind": "drop_before", "times": 10})
    sink = ListSink()
    client = ShopifyClient(
        shop_url=server.url,
        auth=StaticTokenAuth(SHOPIFY_ACCESS_TOKEN),
        clock=sandbox.clock,
        call_sink=sink,
        timeout=CLIENT_TIMEOUT,
        retry=POLICY,
    )
    with pytest.raises(UnavailableError, match="connection failed"):
        await client.get_shop()
    await client.aclose()
    assert len(_paths(sandbox, "/shop.json")) == POLICY.attempts
    assert [r.status for r in sink.records] == [None] * POLICY.attempts


async def test_a_timeout_every_time_gives_unavailable(served, sandbox) -> None:
    _, server = served
    sandbox.faults.add({"path": SHOP, "kind": "delay", "seconds": 1.0, "times": 10})
    client = ShopifyClient(
        shop_url=server.url,
        auth=StaticTokenAuth(SHOPIFY_ACCESS_TOKEN),
        clock=sandbox.clock,
        timeout=0.3,
        retry=RetryPolicy(attempts=2, wait_initial=0.1, wait_jitter=0.0),
    )
    with pytest.raises(UnavailableError, match="timed out"):
        await client.get_shop()
    await client.aclose()
