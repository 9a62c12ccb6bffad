"""The REST leaky bucket (shopify-api-notes §3): 40 calls, leaking 2/s on the sandbox clock."""

from __future__ import annotations

import time

import httpx
import pytest
from tests.sandbox.shopify.helpers import (
    GRANT_FORM,
    NOW,
    api,
    auth_headers,
    build_sandbox,
    client_for,
)

from shopxero.sandbox.clock import SandboxClock
from shopxero.sandbox.server import serve_in_thread
from shopxero.sandbox.shopify.bucket import LeakyBuckets

pytestmark = pytest.mark.anyio

THROTTLED = {
    "errors": "Exceeded 2 calls per second for api client. "
    "Reduce request rates to resume uninterrupted service."
}


async def test_forty_quick_calls_pass_and_the_41st_is_429() -> None:
    app = build_sandbox()  # frozen clock: nothing leaks during the burst
    async with client_for(app) as c:
        for n in range(1, 41):
            r = await c.get(api("shop.json"), headers=auth_headers())
            assert r.status_code == 200
            assert r.headers["x-shopify-shop-api-call-limit"] == f"{n}/40"
        r = await c.get(api("customers.json"), headers=auth_headers())
    assert r.status_code == 429
    assert r.json() == THROTTLED
    assert r.headers["x-shopify-shop-api-call-limit"] == "40/40"
    assert float(r.headers["retry-after"]) == pytest.approx(0.5, abs=0.1)


async def test_bucket_drains_at_two_per_second_of_sandbox_time() -> None:
    app = build_sandbox()
    async with client_for(app) as c:
        for _ in range(40):
            await c.get(api("shop.json"), headers=auth_headers())
        app.clock.advance(5)  # 10 requests' worth leaks out
        r = await c.get(api("shop.json"), headers=auth_headers())
        assert r.headers["x-shopify-shop-api-call-limit"] == "31/40"
        app.clock.advance(60)
        r = await c.get(api("shop.json"), headers=auth_headers())
        assert r.headers["x-shopify-shop-api-call-limit"] == "1/40"


async def test_refused_calls_do_not_fill_the_bucket_further() -> None:
    app = build_sandbox()
    async with client_for(app) as c:
        for _ in range(40):
            await c.get(api("shop.json"), headers=auth_headers())
        for _ in range(5):
            assert (await c.get(api("shop.json"), headers=auth_headers())).status_code == 429
        app.clock.advance(0.5)
        assert (await c.get(api("shop.json"), headers=auth_headers())).status_code == 200


async def test_each_app_has_its_own_bucket_and_401s_do_not_count() -> None:
    app = build_sandbox()
    async with client_for(app) as c:
        token = (await c.post("/admin/oauth/access_token", data=GRANT_FORM)).json()["access_token"]
        for _ in range(40):
            await c.get(api("shop.json"), headers=auth_headers())
        assert (await c.get(api("shop.json"), headers=auth_headers())).status_code == 429
        r = await c.get(api("shop.json"), headers=auth_headers(token))
        assert (r.status_code, r.headers["x-shopify-shop-api-call-limit"]) == (200, "1/40")
        for _ in range(3):
            await c.get(api("shop.json"), headers={"X-Shopify-Access-Token": "nope"})
        r = await c.get(api("shop.json"), headers=auth_headers(token))
        assert r.headers["x-shopify-shop-api-call-limit"] == "2/40"


async def test_plus_bucket_size_is_settable() -> None:
    app = build_sandbox(bucket_size=400, leak_per_second=20.0)
    async with client_for(app) as c:
        for _ in range(400):
            r = await c.get(api("shop.json"), headers=auth_headers())
        assert r.headers["x-shopify-shop-api-call-limit"] == "400/400"
        r = await c.get(api("shop.json"), headers=auth_headers())
    assert r.status_code == 429
    assert r.json()["errors"].startswith("Exceeded 20 calls per second")
    assert float(r.headers["retry-after"]) == pytest.approx(0.1)


def test_leaky_bucket_unit_fractional_leak() -> None:
    clock = SandboxClock(start=NOW, speed=1e-6)
    buckets = LeakyBuckets(clock, size=3, leak_per_second=2.0)
    assert [buckets.take("a").admitted for _ in range(4)] == [True, True, True, False]
    clock.advance(0.25)  # half a request leaked: still no room, and the wait says so
    refused = buckets.take("a")
    assert not refused.admitted and refused.retry_after == pytest.approx(0.25)
    clock.advance(0.25)
    assert buckets.take("a").admitted
    assert buckets.used("b") == 0


def test_429_and_recovery_over_real_http() -> None:
    """Real socket: the bucket fills and refuses; then, on a sped-up clock, drains in real ms."""
    clock = SandboxClock(start=NOW, speed=0.05)  # slow while filling, so timing cannot flake
    app = build_sandbox(clock=clock)
    with serve_in_thread(app) as server, httpx.Client(base_url=server.url) as c:
        statuses = [c.get(api("shop.json"), headers=auth_headers()).status_code for _ in range(41)]
        assert statuses == [200] * 40 + [429]
        refused = c.get(api("shop.json"), headers=auth_headers())
        assert refused.status_code == 429
        assert refused.json() == THROTTLED
        wait = float(refused.headers["retry-after"])  # sandbox seconds
        assert 0 < wait <= 0.5
        clock.set_speed(20.0)
        time.sleep(wait / clock.speed + 0.05)
        r = c.get(api("shop.json"), headers=auth_headers())
        assert r.status_code == 200
        used, size = r.headers["x-shopify-shop-api-call-limit"].split("/")
        assert size == "40" and 30 <= int(used) <= 40
