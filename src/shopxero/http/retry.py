"""The retry policy both clients use after a failure: only transient errors, capped, on our clock.

Waits are exponential with jitter, computed like stamina's (``initial * 2**(n-1) + U(0, jitter)``,
capped at ``wait_max``); a 429's ``Retry-After`` is a floor. We do not run the loop inside
``stamina.retry_context`` because stamina sleeps with ``asyncio.sleep`` and measures its timeout
on ``time.monotonic``; our waits must go through ``Clock.sleep`` so a test on the sandbox's
sped-up clock runs a minute of back-off in a second. stamina's global switches are still
honoured: ``stamina.set_active(False)`` turns retries off here too, and in
``stamina.set_testing(True)`` mode the waits are zero (the attempts stay our policy's).
"""

from __future__ import annotations

import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

import stamina

from shopxero.errors import RateLimitedError, TransientApiError
from shopxero.http.clock import Clock

__all__ = ["RetryPolicy", "backoff_seconds", "call_with_retries"]

T = TypeVar("T")

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to retry one logical call.

    ``attempts`` counts the first try; ``timeout`` caps the total seconds (of the client's clock)
    spent on the call, waits included: a wait that would end past it is not started.
    """

    attempts: int = 6
    timeout: float = 600.0
    wait_initial: float = 0.5
    wait_max: float = 60.0
    wait_jitter: float = 1.0

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError("RetryPolicy.attempts must be at least 1")
        if self.timeout <= 0 or self.wait_initial < 0 or self.wait_max < 0 or self.wait_jitter < 0:
            raise ValueError("RetryPolicy times must be positive")


def backoff_seconds(attempt: int, policy: RetryPolicy, rng: random.Random | None = None) -> float:
    """The wait after failed attempt number ``attempt`` (1-based), jitter included."""
    jitter = (rng or random).uniform(0, policy.wait_jitter) if policy.wait_jitter else 0.0
    try:
        wait = policy.wait_initial * (2.0 ** (attempt - 1)) + jitter
        return float(min(policy.wait_max, wait))
    except OverflowError:
        return policy.wait_max


RetryHook = Callable[[int, TransientApiError, float], None]


def _log_retry(attempt: int, exc: TransientApiError, wait: float) -> None:
    # Only method, path and status: never arguments or bodies (style-anchors §2, stamina's
    # default hook reprs arguments, which could hold secrets). INFO, not WARNING: a retry is
    # routine, every attempt is in the call log, and a final failure is raised to the caller.
    log.info(
        "%s %s %s failed (attempt %d, %s); retrying in %.1fs",
        exc.service,
        exc.method,
        exc.path,
        attempt,
        exc.status if exc.status is not None else type(exc).__name__,
        wait,
    )


async def call_with_retries(
    attempt_once: Callable[[int], Awaitable[T]],
    *,
    policy: RetryPolicy,
    clock: Clock,
    on_retry: RetryHook | None = None,
    rng: random.Random | None = None,
) -> T:
    """Run ``attempt_once(attempt)`` until it returns, retrying only ``TransientApiError``.

    Raises the last error when attempts run out, or when the next wait would overrun
    ``policy.timeout`` (e.g. a day-limit 429 whose ``Retry-After`` is hours away).
    """
    attempts = policy.attempts if stamina.is_active() else 1
    started = clock.monotonic()
    attempt = 1
    while True:
        try:
            return await attempt_once(attempt)
        except TransientApiError as exc:
            if attempt >= attempts:
                raise
            wait = backoff_seconds(attempt, policy, rng)
            if isinstance(exc, RateLimitedError) and exc.retry_after is not None:
                wait = max(wait, exc.retry_after)
            if clock.monotonic() - started + wait > policy.timeout:
                raise
            if stamina.is_testing():
                wait = 0.0
            (on_retry or _log_retry)(attempt, exc, wait)
            await clock.sleep(wait)
            attempt += 1
