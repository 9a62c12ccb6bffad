"""Xero pacing (xero-api-notes §2): 60 a minute, 5 in flight, the day budget; against the simulator
too."""

from __future__ import annotations

import asyncio
from datetime import datetime

import pytest
from tests.stepping_clock import SteppingClock

from shopxero.errors import QuotaExhaustedError
from shopxero.http.calllog import ListSink
from shopxero.http.xero_throttle import XeroThrottle
from shopxero.sandbox.clock import SandboxClock
from shopxero.sandbox.server import serve_in_thread
from shopxero.xero.auth import ClientCredentialsTokens
from shopxero.xero.client import XeroClient

from .conftest import CC_CLIENT_ID, CC_CLIENT_SECRET, FakeClock, platform_sandbox

pytestmark = pytest.mark.anyio


async def _call(throttle: XeroThrottle, clock: FakeClock, sent: list[float], hold: float = 0.0):
    async with throttle.slot():
        sent.append(clock.now)
        if hold:
            await clock.sleep(hold)


async def test_the_61st_call_waits_a_window_after_the_first_answer(fake_clock) -> None:
    throttle = XeroThrottle(clock=fake_clock)
    sent: list[float] = []
    start = fake_clock.now
    for _ in range(61):
        await _call(throttle, fake_clock, sent)
    assert all(t == start for t in sent[:60])
    assert sent[60] - start >= 60.0


async def test_at_most_five_in_flight(fake_clock) -> None:
    throttle = XeroThrottle(clock=fake_clock)
    in_flight = peak = 0

    async def one() -> None:
        nonlocal in_flight, peak
        async with throttle.slot():
            in_flight += 1
            peak = max(peak, in_flight)
            await asyncio.sleep(0.001)
            in_flight -= 1

    await asyncio.gather(*(one() for _ in range(20)))
    assert peak == 5


async def test_someone_elses_calls_seen_in_the_header_are_booked(fake_clock) -> None:
    throttle = XeroThrottle(clock=fake_clock)
    sent: list[float] = []
    await _call(throttle, fake_clock, sent)
    # Xero says 50 left after our single call: 9 came from elsewhere.
    throttle.observe({"X-MinLimit-Remaining": "50"})
    for _ in range(50):
        await _call(throttle, fake_clock, sent)
    assert sent[-1] == sent[0]
    await _call(throttle, fake_clock, sent)
    assert sent[-1] - sent[0] >= 60.0


async def test_day_budget_keeps_a_reserve(fake_clock) -> None:
    throttle = XeroThrottle(clock=fake_clock, day_reserve=20)
    throttle.observe({"X-DayLimit-Remaining": "23"})
    sent: list[float] = []
    for _ in range(3):
        await _call(throttle, fake_clock, sent)
    with pytest.raises(QuotaExhaustedError) as info:
        await _call(throttle, fake_clock, sent)
    assert info.value.resume_at is not None
    assert "20" in str(info.value) and len(sent) == 3


async def test_a_429_pause_holds_every_caller(fake_clock) -> None:
    throttle = XeroThrottle(clock=fake_clock)
    throttle.pause(12.0, "minute")
    sent: list[float] = []
    start = fake_clock.now
    await _call(throttle, fake_clock, sent)
    assert sent[0] - start >= 12.0


async def test_day_429_blocks_until_its_retry_after(fake_clock) -> None:
    throttle = XeroThrottle(clock=fake_clock)
    throttle.pause(3600.0, "day")
    with pytest.raises(QuotaExhaustedError) as info:
        await _call(throttle, fake_clock, [])
    assert info.value.resume_at is not None
    assert info.value.resume_at.timestamp() == pytest.approx(fake_clock.now + 3600, abs=1)


async def test_120_gets_use_the_minute_limit_without_a_429() -> None:
    """>= 90 % of the minute limit used, zero 429s, over real HTTP.

    Utilisation is read from the simulator's own request log in sandbox time, on a clock that
    moves only while the client waits (``SteppingClock``): on a sped-up clock a starved test
    process could not send 54 calls in the sandbox-minute's real seconds, and the test would
    measure the machine. The first sandbox-minute must carry at least 54 of the 60 allowed
    calls, and the rest must follow without a 429.
    """
    clock = SteppingClock()
    sandbox = platform_sandbox(clock)
    sandbox.api_latency = 0.002  # requests overlap, like a real server
    sink = ListSink()
    with serve_in_thread(sandbox) as server:
        tokens = ClientCredentialsTokens(CC_CLIENT_ID, CC_CLIENT_SECRET, server.url, clock)
        async with XeroClient(
            api_base_url=f"{server.url}/api.xro/2.0",
            tokens=tokens,
            tenant_id=None,
            clock=clock,
            call_sink=sink,
        ) as client:
            await tokens.access_token()
            await asyncio.gather(*(client.get_organisation() for _ in range(120)))
    statuses = [r.status for r in sink.records]
    assert statuses.count(200) == 120 and 429 not in statuses
    api_requests = [e for e in sandbox.log.entries() if e["path"].startswith("/api.xro")]
    assert len(api_requests) == 120
    times = [datetime.fromisoformat(e["time"]) for e in api_requests]
    first_minute = [t for t in times if (t - times[0]).total_seconds() < 60]
    assert len(first_minute) >= 54  # 90 % of Xero's 60/minute (xero-api-notes §2)


async def test_concurrency_limit_respected_against_the_simulator() -> None:
    clock = SandboxClock(speed=1)
    sandbox = platform_sandbox(clock)
    sandbox.api_latency = 0.05  # each call holds its slot for 50 ms
    sink = ListSink()
    with serve_in_thread(sandbox) as server:
        tokens = ClientCredentialsTokens(CC_CLIENT_ID, CC_CLIENT_SECRET, server.url, clock)
        async with XeroClient(
            api_base_url=f"{server.url}/api.xro/2.0",
            tokens=tokens,
            tenant_id=None,
            clock=clock,
            call_sink=sink,
        ) as client:
            await asyncio.gather(*(client.get_organisation() for _ in range(15)))
    assert [r.status for r in sink.records].count(200) == 15
    assert all(r.status == 200 for r in sink.records)


async def test_day_budget_read_from_xero_stops_the_run_with_calls_in_reserve() -> None:
    """Starter tier (xero-api-notes §2: 1,000 a day) shrunk: the header, not a constant, sets the
    budget."""
    clock = SandboxClock(speed=60)
    sandbox = platform_sandbox(clock, day_limit=30)
    sink = ListSink()
    with serve_in_thread(sandbox) as server:
        tokens = ClientCredentialsTokens(CC_CLIENT_ID, CC_CLIENT_SECRET, server.url, clock)
        async with XeroClient(
            api_base_url=f"{server.url}/api.xro/2.0",
            tokens=tokens,
            tenant_id=None,
            clock=clock,
            call_sink=sink,
            throttle=XeroThrottle(clock=clock, day_reserve=20),
        ) as client:
            done = 0
            with pytest.raises(QuotaExhaustedError) as info:
                for _ in range(30):
                    await client.get_organisation()
                    done += 1
    assert done == 10  # 30 a day, 20 kept back
    assert all(r.status == 200 for r in sink.records)
    assert info.value.resume_at is not None and info.value.resume_at > clock.now()
