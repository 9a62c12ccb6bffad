"""The retry policy as plain logic: what is retried, how long it waits, when it gives up."""

from __future__ import annotations

import random

import pytest
import stamina

from shopxero.errors import (
    NotFoundError,
    RateLimitedError,
    UnavailableError,
    ValidationError,
)
from shopxero.http.retry import RetryPolicy, backoff_seconds, call_with_retries

pytestmark = pytest.mark.anyio

KW = {"service": "shopify", "method": "GET", "path": "/x"}


def _failing(errors: list[Exception], result: str = "ok"):
    calls: list[int] = []

    async def attempt(n: int) -> str:
        calls.append(n)
        if errors:
            raise errors.pop(0)
        return result

    return attempt, calls


async def test_transient_errors_are_retried_until_success(fake_clock) -> None:
    attempt, calls = _failing([UnavailableError("boom", **KW), UnavailableError("boom", **KW)])
    assert await call_with_retries(attempt, policy=RetryPolicy(), clock=fake_clock) == "ok"
    assert calls == [1, 2, 3]
    assert len(fake_clock.sleeps) == 2


async def test_permanent_errors_are_not_retried(fake_clock) -> None:
    attempt, calls = _failing([ValidationError("bad", **KW)])
    with pytest.raises(ValidationError):
        await call_with_retries(attempt, policy=RetryPolicy(), clock=fake_clock)
    assert calls == [1]
    assert fake_clock.sleeps == []


async def test_other_exceptions_pass_through_untouched(fake_clock) -> None:
    attempt, calls = _failing([KeyError("bug")])
    with pytest.raises(KeyError):
        await call_with_retries(attempt, policy=RetryPolicy(), clock=fake_clock)
    assert calls == [1]


async def test_attempts_are_capped_and_the_last_error_raised(fake_clock) -> None:
    errors: list[Exception] = [UnavailableError(f"boom {i}", **KW) for i in range(10)]
    attempt, calls = _failing(errors)
    with pytest.raises(UnavailableError, match="boom 2"):
        await call_with_retries(attempt, policy=RetryPolicy(attempts=3), clock=fake_clock)
    assert calls == [1, 2, 3]


async def test_backoff_is_exponential_and_capped(fake_clock) -> None:
    policy = RetryPolicy(attempts=8, wait_initial=0.5, wait_max=4.0, wait_jitter=0.0)
    attempt, _ = _failing([UnavailableError("x", **KW) for _ in range(7)])
    await call_with_retries(attempt, policy=policy, clock=fake_clock)
    assert fake_clock.sleeps == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0, 4.0]


def test_jitter_stays_within_its_bound() -> None:
    policy = RetryPolicy(wait_initial=1.0, wait_max=100.0, wait_jitter=1.0)
    rng = random.Random(7)
    waits = [backoff_seconds(3, policy, rng) for _ in range(200)]
    assert all(4.0 <= w <= 5.0 for w in waits)
    assert len(set(waits)) > 100  # actually random


async def test_retry_after_is_a_floor(fake_clock) -> None:
    policy = RetryPolicy(wait_initial=0.5, wait_jitter=0.0)
    attempt, _ = _failing([RateLimitedError("slow down", retry_after=7.5, **KW)])
    await call_with_retries(attempt, policy=policy, clock=fake_clock)
    assert fake_clock.sleeps == [7.5]


async def test_total_time_is_capped(fake_clock) -> None:
    """A day-limit 429 whose Retry-After is hours away is raised at once, not slept on."""
    attempt, calls = _failing([RateLimitedError("day", retry_after=66975, **KW)])
    with pytest.raises(RateLimitedError):
        await call_with_retries(attempt, policy=RetryPolicy(timeout=600), clock=fake_clock)
    assert calls == [1]
    assert fake_clock.sleeps == []


async def test_timeout_counts_time_already_spent(fake_clock) -> None:
    policy = RetryPolicy(attempts=50, timeout=10, wait_initial=1.0, wait_jitter=0.0, wait_max=1)
    attempt, calls = _failing([UnavailableError("x", **KW) for _ in range(50)])
    with pytest.raises(UnavailableError):
        await call_with_retries(attempt, policy=policy, clock=fake_clock)
    assert sum(fake_clock.sleeps) <= 10
    assert len(calls) == 11


async def test_stamina_deactivated_means_one_attempt(fake_clock) -> None:
    attempt, calls = _failing([UnavailableError("x", **KW)])
    stamina.set_active(False)
    try:
        with pytest.raises(UnavailableError):
            await call_with_retries(attempt, policy=RetryPolicy(), clock=fake_clock)
    finally:
        stamina.set_active(True)
    assert calls == [1]


async def test_not_found_is_permanent(fake_clock) -> None:
    attempt, calls = _failing([NotFoundError("gone", **KW)])
    with pytest.raises(NotFoundError):
        await call_with_retries(attempt, policy=RetryPolicy(), clock=fake_clock)
    assert calls == [1]


def test_policy_rejects_nonsense() -> None:
    with pytest.raises(ValueError, match="attempts"):
        RetryPolicy(attempts=0)


async def test_stamina_testing_mode_skips_the_waits(fake_clock) -> None:
    attempt, calls = _failing([UnavailableError("x", **KW), UnavailableError("x", **KW)])
    with stamina.set_testing(True):
        assert await call_with_retries(attempt, policy=RetryPolicy(), clock=fake_clock) == "ok"
    assert calls == [1, 2, 3]
    assert fake_clock.sleeps == [0.0, 0.0]
