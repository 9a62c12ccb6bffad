"""Pacing against the simulator's leaky bucket (shopify-api-notes §3) on a clock both share.

The goal is both halves of "stay inside the limit while finishing fast": zero 429s over long
listings, and at least 90% of the bucket's drain rate used once the burst allowance is spent.
The rates are measured on a ``SteppingClock`` (time moves only while the client waits), so they
are the client's pacing, not the machine's speed.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

import pytest
from tests.stepping_clock import SteppingClock

from shopxero.sandbox.clock import SandboxClock
from shopxero.sandbox.seeds import load_seed
from shopxero.sandbox.seeds.credentials import shopify_credentials
from shopxero.sandbox.shopify.app import ShopifySandbox, create_shopify_app

pytestmark = pytest.mark.anyio


def _sandbox(customers: int, clock: SandboxClock, **bucket: Any) -> ShopifySandbox:
    seed = load_seed(f"bench:customers={customers},products=1,orders=1")["shopify"]
    return create_shopify_app(seed, clock=clock, credentials=shopify_credentials(), **bucket)


def _api_requests(sandbox: ShopifySandbox) -> list[dict[str, Any]]:
    return [r for r in sandbox.log.entries() if r["path"].startswith("/admin/api/")]


def _span_seconds(entries: list[dict[str, Any]]) -> float:
    times = [datetime.fromisoformat(e["time"]).timestamp() for e in entries]
    return max(times) - min(times)


async def test_a_long_listing_uses_the_drain_rate_without_a_single_429(make_client) -> None:
    # 140 requests need ~50 s of bucket time. On a sped-up clock a starved test process could
    # not serve them as fast as the bucket drains and the rate would measure the CPU; on the
    # stepping clock the bucket is the only thing between two requests.
    sandbox = _sandbox(customers=140, clock=SteppingClock())
    client, sink, _ = make_client(sandbox=sandbox)
    pages = [p async for p in client.iter_pages("customers", {"limit": "1"})]
    await client.aclose()
    assert len(pages) == 140
    requests = _api_requests(sandbox)
    statuses = [r["status"] for r in requests]
    assert 429 not in statuses and len(requests) == 140
    assert all(r.status == 200 for r in sink.records)
    # After the first bucketful (40), requests can only go as fast as the bucket drains (2/s).
    span = _span_seconds(requests)
    drained = (len(requests) - 40) / span
    assert drained >= 0.9 * 2.0, f"only {drained:.2f} req/s of 2/s"
    assert drained <= 2.0 * 1.02  # and never faster than the bucket allows


async def test_a_plus_bucket_learned_from_the_header_goes_faster(make_client) -> None:
    """A Plus store (400, leaking 20/s) says so in X-Shopify-Shop-Api-Call-Limit."""
    # On the stepping clock the span is what the client chose to wait, not the simulator's CPU.
    sandbox = _sandbox(customers=450, clock=SteppingClock(), bucket_size=400, leak_per_second=20.0)
    client, _, _ = make_client(sandbox=sandbox)
    count = sum([len(p) async for p in client.iter_pages("customers", {"limit": "1"})])
    assert client.bucket.size == 400 and client.bucket.leak_rate == 20.0
    await client.aclose()
    requests = _api_requests(sandbox)
    assert count == 450 and 429 not in [r["status"] for r in requests]
    # 450 requests: 400 in the burst, 50 more at 20/s = ~2.5 s.
    # Paced as a 40 / 2 per second bucket they would take (450 - 40) / 2 = 205 s.
    assert _span_seconds(requests) < 45.0


async def test_concurrent_listings_share_one_bucket_without_429(make_client) -> None:
    sandbox = _sandbox(customers=60, clock=SandboxClock(speed=100))
    client, _, _ = make_client(sandbox=sandbox)

    async def drain(resource: str) -> int:
        return sum([len(p) async for p in client.iter_pages(resource, {"limit": "1"})])

    counts = await asyncio.gather(drain("customers"), drain("customers"), drain("customers"))
    await client.aclose()
    assert counts == [60, 60, 60]
    assert 429 not in [r["status"] for r in _api_requests(sandbox)]


async def test_retry_after_is_honoured(make_client, shop_sandbox) -> None:
    shop_sandbox.faults.add(
        {
            "path": "/customers.json",
            "kind": "status",
            "status": 429,
            "headers": {"Retry-After": "3.0"},
            "body": {"errors": "Exceeded 2 calls per second for api client."},
        }
    )
    client, sink, _ = make_client()
    customers = [c async for c in client.iter_customers()]
    await client.aclose()
    assert customers
    first, second = [r for r in shop_sandbox.log.entries() if r["path"].endswith("customers.json")]
    assert first["status"] == 429 and second["status"] == 200
    waited = _span_seconds([first, second])
    assert waited >= 3.0
    assert [r.status for r in sink.records] == [429, 200]
    assert sink.records[0].rate_limit["retry-after"] == "3.0"
