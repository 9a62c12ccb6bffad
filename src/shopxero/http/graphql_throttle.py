"""Pacing for Shopify's GraphQL Admin API: a client-side model of its cost bucket.

Shopify charges each query its requested cost up front, refunds the unused part after the run,
and refills the bucket at a restore rate (shopify-api-notes §3, §10). Neither the bucket's size
nor the rate is assumed: both are read from every answer's ``extensions.cost.throttleStatus``.
Before a query goes out, ``expect(cost)`` says what it will be charged (the client remembers each
query's ``requestedQueryCost``); ``slot()`` waits on the clock until the modelled bucket holds it.
A ``THROTTLED`` answer is reported with ``throttled(requested, status)``: the next slot waits the
time the bucket needs to hold ``requested`` again.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

from shopxero.http.clock import Clock, SystemClock

__all__ = ["GraphQLCostBucket"]

_MIN_WAIT = 0.001


class GraphQLCostBucket:
    """The ``Pacer`` of the GraphQL client (``http/throttle.Pacer``) plus the cost it learns."""

    def __init__(self, *, clock: Clock | None = None) -> None:
        self._clock: Clock = clock or SystemClock()
        self.maximum: float | None = None  # unknown until the first answer
        self.restore_rate: float | None = None
        self._available = 0.0
        self._updated = self._clock.monotonic()
        self._expected = 0.0
        self._paused_until = 0.0
        self._lock = asyncio.Lock()

    @property
    def available(self) -> float | None:
        """Points we believe the bucket holds now (None before the first answer)."""
        if self.maximum is None or self.restore_rate is None:
            return None
        elapsed = max(0.0, self._clock.monotonic() - self._updated)
        return min(self.maximum, self._available + elapsed * self.restore_rate)

    def expect(self, cost: float) -> None:
        """The requested cost of the next query (0 when not known yet)."""
        self._expected = max(0.0, float(cost))

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        await self._acquire()
        yield

    async def _acquire(self) -> None:
        async with self._lock:
            while True:
                now = self._clock.monotonic()
                if now < self._paused_until:
                    await self._clock.sleep(self._paused_until - now)
                    continue
                available = self.available
                if available is None or self.restore_rate is None:
                    return  # nothing learnt yet: the first answer teaches the bucket
                wanted = min(self._expected, self.maximum or self._expected)
                if available + 1e-6 >= wanted:
                    self._available, self._updated = available - wanted, now
                    return
                await self._clock.sleep(max((wanted - available) / self.restore_rate, _MIN_WAIT))

    def observe(self, headers: Mapping[str, str]) -> None:
        """The GraphQL bucket is not in headers; ``observe_cost`` reads the answer's body."""
        return

    def observe_cost(self, cost: Any) -> None:
        """Learn from ``extensions.cost`` (after the refund of the unused points)."""
        status = cost.get("throttleStatus") if isinstance(cost, dict) else None
        if not isinstance(status, dict):
            return
        try:
            maximum = float(status["maximumAvailable"])
            available = float(status["currentlyAvailable"])
            rate = float(status["restoreRate"])
        except (KeyError, TypeError, ValueError):
            return
        if maximum <= 0 or rate <= 0:
            return
        self.maximum, self.restore_rate = maximum, rate
        self._available, self._updated = min(available, maximum), self._clock.monotonic()

    def wait_for(self, requested: float) -> float:
        """Seconds until the bucket holds ``requested`` points (after a THROTTLED answer)."""
        available = self.available
        if available is None or self.restore_rate is None:
            return 1.0
        return max(0.0, (requested - available) / self.restore_rate)

    def throttled(self, requested: float) -> float:
        """A THROTTLED answer: send nothing until ``requested`` points are back; the wait."""
        wait = self.wait_for(requested)
        self.pause(wait)
        return wait

    def pause(self, seconds: float | None, problem: str | None = None) -> None:
        if seconds is not None and seconds > 0:
            self._paused_until = max(self._paused_until, self._clock.monotonic() + seconds)
