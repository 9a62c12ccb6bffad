"""``TimeSpent``: clock time inside spans, overlapping spans counted once (the benchmark's
Shopify minutes), and the send path's span covering pacing waits and retries' back-off."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from tests.stepping_clock import SteppingClock

from shopxero.http.retry import RetryPolicy
from shopxero.http.sender import Sender
from shopxero.http.throttle import ShopifyBucket
from shopxero.http.time_spent import TimeSpent

pytestmark = pytest.mark.anyio


async def test_nested_and_overlapping_spans_count_once() -> None:
    clock = SteppingClock()
    spent = TimeSpent(clock)
    with spent.span("bulk orders"):
        await clock.sleep(2)
        with spent.span("POST graphql.json PollBulks"):  # nested: already counted
            await clock.sleep(3)
    await clock.sleep(10)  # outside every span
    assert spent.seconds == pytest.approx(5)
    assert spent.by_label == {"bulk orders": pytest.approx(5)}  # told by the outermost span

    async def read(wait: float) -> None:
        with spent.span():
            await clock.sleep(wait)

    # Two reads at once: the clock moves by both waits, each once, and so does the meter.
    await asyncio.gather(read(1), read(4))
    assert spent.seconds == pytest.approx(10)
    with spent.span():
        await clock.sleep(1)
        assert spent.seconds == pytest.approx(11)  # an open span counts up to now


async def test_the_send_path_counts_its_pacing_waits_and_back_off() -> None:
    clock = SteppingClock()
    answers = iter([503, 200, 200, 200, 200])

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(next(answers), json={})

    async with httpx.AsyncClient(
        base_url="http://shop.test", transport=httpx.MockTransport(handler)
    ) as client:
        sender = Sender(
            service="shopify",
            client=client,
            clock=clock,
            # A bucket of 2 leaking 1 a second: a third request at once waits a second.
            pacer=ShopifyBucket(clock=clock, size=2, leak_rate=1.0, headroom=0),
            policy=RetryPolicy(wait_initial=4.0, wait_max=4.0, wait_jitter=0.0),
        )
        await sender.send("GET", "/a")  # 503, 4 s of back-off, then 200
        await clock.sleep(100)  # the caller's own time: not Shopify's
        for path in ("/b", "/c", "/d"):
            await sender.send("GET", path)
    assert sender.spent.seconds == pytest.approx(4 + 1, abs=0.01)
    assert set(sender.spent.by_label) == {"GET /a", "GET /b", "GET /c", "GET /d"}
    assert sender.spent.by_label["GET /d"] == pytest.approx(1, abs=0.01)
