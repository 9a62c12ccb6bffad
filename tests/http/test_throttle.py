"""Shopify's leaky bucket on the client side (shopify-api-notes §3), on a fake clock."""

from __future__ import annotations

import pytest

from shopxero.http.throttle import NoPacing, ShopifyBucket, parse_call_limit

pytestmark = pytest.mark.anyio


def test_parse_call_limit() -> None:
    assert parse_call_limit("32/40") == (32, 40)
    assert parse_call_limit(" 1 / 400 ") == (1, 400)
    assert parse_call_limit("garbage") is None
    assert parse_call_limit("3/0") is None
    assert parse_call_limit(None) is None


async def test_a_fresh_bucket_bursts_then_paces_at_the_leak_rate(fake_clock) -> None:
    bucket = ShopifyBucket(clock=fake_clock)  # 40 / 2 per second, 1 slot headroom
    for _ in range(39):
        await bucket.acquire()
    assert fake_clock.sleeps == []
    start = fake_clock.now
    for _ in range(20):
        await bucket.acquire()
    # 20 more requests at 2/s take 10 s.
    assert fake_clock.now - start == pytest.approx(10.0)


async def test_the_size_is_learned_from_the_header(fake_clock) -> None:
    """A Plus store says 400: the bucket bursts further and drains at 20/s."""
    bucket = ShopifyBucket(clock=fake_clock)
    bucket.observe({"X-Shopify-Shop-Api-Call-Limit": "1/400"})
    assert bucket.size == 400
    assert bucket.leak_rate == 20.0
    for _ in range(398):  # the request that answered "1/400" is already in the bucket
        await bucket.acquire()
    assert fake_clock.sleeps == []
    start = fake_clock.now
    for _ in range(100):
        await bucket.acquire()
    assert fake_clock.now - start == pytest.approx(5.0)


async def test_the_server_level_wins_when_it_is_higher(fake_clock) -> None:
    """Someone else (another app process) is using the same bucket."""
    bucket = ShopifyBucket(clock=fake_clock)
    bucket.observe({"x-shopify-shop-api-call-limit": "39/40"})
    await bucket.acquire()
    assert fake_clock.sleeps and sum(fake_clock.sleeps) == pytest.approx(0.5)


async def test_pause_after_429_waits_out_retry_after(fake_clock) -> None:
    bucket = ShopifyBucket(clock=fake_clock)
    bucket.pause(3.0)
    start = fake_clock.now
    await bucket.acquire()
    assert fake_clock.now - start >= 3.0


async def test_pause_without_retry_after_treats_the_bucket_as_full(fake_clock) -> None:
    bucket = ShopifyBucket(clock=fake_clock)
    bucket.pause(None)
    start = fake_clock.now
    await bucket.acquire()
    assert fake_clock.now - start == pytest.approx(1.0)  # two slots (headroom + 1) at 2/s


async def test_slot_is_acquire(fake_clock) -> None:
    bucket = ShopifyBucket(clock=fake_clock, size=2, leak_rate=2.0, headroom=0)
    async with bucket.slot():
        pass
    async with bucket.slot():
        pass
    async with bucket.slot():
        pass
    assert sum(fake_clock.sleeps) == pytest.approx(0.5)


async def test_no_pacing_never_waits(fake_clock) -> None:
    pacer = NoPacing()
    async with pacer.slot():
        pacer.observe({})
        pacer.pause(5)
