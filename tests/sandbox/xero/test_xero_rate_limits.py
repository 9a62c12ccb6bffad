"""Per-tenant minute, day and concurrent limits, and the app-minute limit [xero-api-notes §2]."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest
from tests.sandbox.xero.platform_helpers import api_headers, client_for, fake_sandbox

from shopxero.sandbox.clock import SandboxClock
from shopxero.sandbox.server import serve_in_thread
from shopxero.sandbox.xero.ratelimit import RateLimiter, Rejection

pytestmark = pytest.mark.anyio

CONTACTS = "/api.xro/2.0/Contacts"


async def test_every_answer_carries_the_three_limit_headers() -> None:
    app = fake_sandbox(day_limit=1000)
    tokens = app.issue_tokens_for_tests()
    async with client_for(app) as client:
        first = await client.get(CONTACTS, headers=api_headers(tokens))
        second = await client.get(CONTACTS, headers=api_headers(tokens))
    assert first.headers["x-minlimit-remaining"] == "59"
    assert first.headers["x-daylimit-remaining"] == "999"
    assert first.headers["x-appminlimit-remaining"] == "9999"
    assert second.headers["x-minlimit-remaining"] == "58"
    assert second.headers["x-daylimit-remaining"] == "998"


async def test_the_61st_call_in_a_minute_is_429_minute_with_retry_after() -> None:
    clock = SandboxClock()
    app = fake_sandbox(clock)
    tokens = app.issue_tokens_for_tests()
    async with client_for(app) as client:
        for _ in range(60):
            assert (await client.get(CONTACTS, headers=api_headers(tokens))).status_code == 200
        clock.advance(20)
        limited = await client.get(CONTACTS, headers=api_headers(tokens))
        assert limited.status_code == 429
        assert limited.headers["x-rate-limit-problem"] == "minute"
        retry_after = int(limited.headers["retry-after"])
        assert 30 <= retry_after <= 40  # 60 - 20 advanced - the real time the 60 calls took
        assert limited.headers["x-minlimit-remaining"] == "0"
        # The 429 cost nothing: after the window the full budget is back.
        clock.advance(retry_after)
        again = await client.get(CONTACTS, headers=api_headers(tokens))
    assert again.status_code == 200
    assert again.headers["x-minlimit-remaining"] == "59"
    assert again.headers["x-daylimit-remaining"] == str(5000 - 61)


async def test_minute_window_on_a_sped_up_clock_over_real_http() -> None:
    """speed=60: a Xero minute is one real second, so Retry-After is honoured in real time."""
    clock = SandboxClock(speed=60)
    app = fake_sandbox(clock, minute_limit=5)
    tokens = app.issue_tokens_for_tests()
    with serve_in_thread(app) as server:
        async with httpx.AsyncClient(base_url=server.url) as client:
            statuses = []
            for _ in range(6):
                response = await client.get(CONTACTS, headers=api_headers(tokens))
                statuses.append(response.status_code)
            assert statuses == [200] * 5 + [429]
            assert response.headers["x-rate-limit-problem"] == "minute"
            await clock.sleep(float(response.headers["retry-after"]))
            after = await client.get(CONTACTS, headers=api_headers(tokens))
    assert after.status_code == 200


async def test_day_limit_429_day_with_retry_after_until_the_day_window_ends() -> None:
    clock = SandboxClock()
    app = fake_sandbox(clock, day_limit=3)
    tokens = app.issue_tokens_for_tests()
    async with client_for(app) as client:
        for _ in range(3):
            assert (await client.get(CONTACTS, headers=api_headers(tokens))).status_code == 200
        clock.advance(1000)
        limited = await client.get(CONTACTS, headers=api_headers(tokens))
        assert limited.status_code == 429
        assert limited.headers["x-rate-limit-problem"] == "day"
        assert limited.headers["x-daylimit-remaining"] == "0"
        assert 85_390 <= int(limited.headers["retry-after"]) <= 85_401
        clock.advance(85_401)
        fresh = app.issue_tokens_for_tests()  # the old access token expired meanwhile
        assert (await client.get(CONTACTS, headers=api_headers(fresh))).status_code == 200


async def test_429_body_is_the_gateway_problem_shape() -> None:
    app = fake_sandbox(day_limit=1)
    tokens = app.issue_tokens_for_tests()
    async with client_for(app) as client:
        await client.get(CONTACTS, headers=api_headers(tokens))
        limited = await client.get(CONTACTS, headers=api_headers(tokens))
    body = limited.json()
    assert (body["Title"], body["Status"]) == ("Too Many Requests", 429)


async def test_six_concurrent_slow_calls_one_gets_429_concurrent_without_retry_after() -> None:
    app = fake_sandbox()
    tokens = app.issue_tokens_for_tests()
    with serve_in_thread(app) as server:
        async with httpx.AsyncClient(base_url=server.url, timeout=10) as client:
            responses = await asyncio.gather(
                *[
                    client.get(
                        "/api.xro/2.0/Slow", params={"seconds": "0.5"}, headers=api_headers(tokens)
                    )
                    for _ in range(6)
                ]
            )
            statuses = sorted(r.status_code for r in responses)
            assert statuses == [200] * 5 + [429]
            [limited] = [r for r in responses if r.status_code == 429]
            assert limited.headers["x-rate-limit-problem"] == "concurrent"
            assert "retry-after" not in limited.headers
            # Slots are released when answers complete.
            after = await client.get(CONTACTS, headers=api_headers(tokens))
    assert after.status_code == 200
    assert app.limiter.in_flight(app.tenant_id) == 0


async def test_api_latency_knob_holds_slots_for_the_real_routes_too() -> None:
    app = fake_sandbox(concurrent_limit=2)
    app.api_latency = 0.3
    tokens = app.issue_tokens_for_tests()
    async with client_for(app) as client:
        started = time.monotonic()
        responses = await asyncio.gather(
            *[client.get(CONTACTS, headers=api_headers(tokens)) for _ in range(3)]
        )
    assert sorted(r.status_code for r in responses) == [200, 200, 429]
    assert time.monotonic() - started >= 0.3


def test_app_minute_limit_counts_across_tenants() -> None:
    clock = SandboxClock()
    limiter = RateLimiter(clock, app_minute_limit=3)
    assert not isinstance(limiter.admit("app", "t1"), Rejection)
    assert not isinstance(limiter.admit("app", "t2"), Rejection)
    assert not isinstance(limiter.admit("app", None), Rejection)
    rejected = limiter.admit("app", "t3")
    assert isinstance(rejected, Rejection)
    assert rejected.problem == "appminute"
    assert "Retry-After" not in rejected.headers
    assert not isinstance(limiter.admit("other-app", "t3"), Rejection)


def test_windows_are_fixed_and_start_at_the_first_call() -> None:
    clock = SandboxClock()
    limiter = RateLimiter(clock, minute_limit=2)
    for _ in range(2):
        admitted = limiter.admit("app", "t")
        assert not isinstance(admitted, Rejection)
        limiter.release(admitted)
    clock.advance(59)
    assert isinstance(limiter.admit("app", "t"), Rejection)
    clock.advance(1)  # 60 s after the window opened: a fresh window, not a sliding one
    assert not isinstance(limiter.admit("app", "t"), Rejection)


async def test_reset_gives_fresh_budgets() -> None:
    app = fake_sandbox(day_limit=1)
    tokens = app.issue_tokens_for_tests()
    async with client_for(app) as client:
        await client.get(CONTACTS, headers=api_headers(tokens))
        assert (await client.get(CONTACTS, headers=api_headers(tokens))).status_code == 429
        await client.post("/_sandbox/reset")
        assert (await client.get(CONTACTS, headers=api_headers(tokens))).status_code == 200
