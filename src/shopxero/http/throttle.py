"""Pacing before each request: the ``Pacer`` contract, and Shopify's REST leaky bucket.

A client's send path wraps every attempt in ``async with pacer.slot():`` (wait until a request may
go, hold whatever the exchange occupies until it is over, answer or not), calls
``observe(headers)`` with each answer's headers, and ``pause(seconds, problem)`` after a 429.
Waiting always goes through the injected ``Clock``. The Xero throttle (``http/xero_throttle.py``)
implements the same contract.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Mapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Protocol

from shopxero.http.clock import Clock, SystemClock

__all__ = ["NoPacing", "Pacer", "ShopifyBucket", "parse_call_limit"]


class Pacer(Protocol):
    """What a client's single send path asks of its throttle."""

    def slot(self) -> AbstractAsyncContextManager[None]:
        """Wait (on the clock) until one more request may be sent; held for the exchange."""
        ...

    def observe(self, headers: Mapping[str, str]) -> None:
        """Learn from an answer's rate-limit headers."""
        ...

    def pause(self, seconds: float | None, problem: str | None = None) -> None:
        """Send nothing for ``seconds`` (a 429 said so; ``problem`` names the limit if known)."""
        ...


class NoPacing:
    """A pacer that never waits (token endpoints, tests of other layers)."""

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        yield

    def observe(self, headers: Mapping[str, str]) -> None:
        return None

    def pause(self, seconds: float | None, problem: str | None = None) -> None:
        return None


CALL_LIMIT_HEADER = "X-Shopify-Shop-Api-Call-Limit"
_EPSILON = 1e-6
_MIN_WAIT = 0.001
_CALL_LIMIT_RE = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


def parse_call_limit(value: str | None) -> tuple[int, int] | None:
    """``"32/40"`` -> ``(32, 40)`` (used, bucket size); None when absent or malformed."""
    if not value:
        return None
    match = _CALL_LIMIT_RE.match(value)
    if not match:
        return None
    used, size = int(match.group(1)), int(match.group(2))
    if size <= 0:
        return None
    return used, size


class ShopifyBucket:
    """Client-side model of Shopify's REST leaky bucket, so that no request provokes a 429.

    Shopify's bucket holds ``size`` requests and leaks ``size / 20`` per second: 40 and 2/s on
    Basic, 80 and 4/s on Advanced, 400 and 20/s on Plus (shopify-api-notes §3). We start from the
    Basic bucket and learn the real size from ``X-Shopify-Shop-Api-Call-Limit: used/size`` on
    every answer. Our level counts requests we admitted that the server may not have counted yet,
    so it takes the larger of our estimate and the server's ``used``. ``headroom`` slots are kept
    free for timing differences between our clock and the server's.
    """

    # Every published plan leaks size/20 per second (40/2, 80/4, 400/20).
    LEAK_DIVISOR = 20.0

    def __init__(
        self,
        *,
        clock: Clock | None = None,
        size: int = 40,
        leak_rate: float | None = None,
        headroom: int = 1,
    ) -> None:
        self._clock: Clock = clock or SystemClock()
        self._size = size
        self._fixed_rate = leak_rate
        self._headroom = max(0, headroom)
        self._level = 0.0
        self._updated = self._clock.monotonic()
        self._paused_until = 0.0
        self._lock = asyncio.Lock()

    @property
    def size(self) -> int:
        return self._size

    @property
    def leak_rate(self) -> float:
        """Requests per second the bucket drains."""
        return self._fixed_rate or self._size / self.LEAK_DIVISOR

    @property
    def level(self) -> float:
        """How full we believe the bucket is right now."""
        self._leak()
        return self._level

    def _leak(self) -> None:
        now = self._clock.monotonic()
        elapsed = max(0.0, now - self._updated)
        self._level = max(0.0, self._level - elapsed * self.leak_rate)
        self._updated = now

    def _capacity(self) -> float:
        # Keep headroom, but never so much that a tiny bucket can admit nothing.
        return max(1.0, self._size - self._headroom)

    async def acquire(self) -> None:
        # One waiter at a time: concurrent callers queue up in order instead of all waking at
        # once and overfilling the bucket.
        async with self._lock:
            while True:
                now = self._clock.monotonic()
                if now < self._paused_until:
                    await self._clock.sleep(self._paused_until - now)
                    continue
                self._leak()
                # The tolerance absorbs float error: after sleeping exactly the computed wait,
                # the level can sit a hair above the mark, and a clock at epoch scale cannot
                # advance by the nanoseconds that would fix it.
                if self._level + 1 <= self._capacity() + _EPSILON:
                    self._level += 1
                    return
                wait = (self._level + 1 - self._capacity()) / self.leak_rate
                await self._clock.sleep(max(wait, _MIN_WAIT))

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        # The bucket counts requests, not requests in flight: nothing to give back afterwards.
        await self.acquire()
        yield

    def observe(self, headers: Mapping[str, str]) -> None:
        parsed = parse_call_limit(_header(headers, CALL_LIMIT_HEADER))
        if parsed is None:
            return
        used, size = parsed
        self._leak()
        self._size = size
        self._level = max(self._level, float(used))

    def pause(self, seconds: float | None, problem: str | None = None) -> None:
        self._leak()
        # After a 429 the bucket is full by definition (someone else may share it); wait out
        # Retry-After when given, then go on at the leak rate.
        self._level = max(self._level, float(self._size))
        if seconds is not None and seconds > 0:
            self._paused_until = max(self._paused_until, self._clock.monotonic() + seconds)


def _header(headers: Mapping[str, str], name: str) -> str | None:
    value = headers.get(name)
    if value is None:
        value = headers.get(name.lower())
    return value
