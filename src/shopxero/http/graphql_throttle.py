"""Pacing for Shopify's GraphQL Admin API: a client-side model of its cost bucket.

Shopify charges each query its requested cost up front, refunds the unused part after the run,
and refills the bucket at a restore rate (shopify-api-notes §3, §10). Neither the bucket's size
nor the rate is assumed: both are read from every answer's ``extensions.cost.throttleStatus``.
Before a query goes out, ``expect(cost)`` says what it will be charged (the client remembers each
query's ``requestedQueryCost``); ``slot()`` waits on the clock until the modelled bucket holds it.
A ``THROTTLED`` answer is reported with ``throttled(requested, status)``: the next slot waits the
time the bucket needs to hold ``requested`` again.

Between runs the bucket is only known from the last answer of the run before: ``last_status``
gives it (what it held and when, on the clock's ``time()``), and ``resume`` starts a new client
from it, restored by the time passed since, so a run started right after one that drained the
bucket waits before its first query instead of having it refused. The first query's cost is not
known yet, so it waits until the bucket holds the most a single query may cost (``largest_query``,
the caller's to know; the whole bucket when not given): the dearest query cannot then be
refused, and a bucket that holds that much already is not waited for. A record the bucket has
refilled since says nothing: the client starts as with none.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from shopxero.http.clock import Clock, SystemClock

__all__ = ["BucketStatus", "GraphQLCostBucket"]

_MIN_WAIT = 0.001


@dataclass(frozen=True)
class BucketStatus:
    """A ``throttleStatus`` as read, and when: ``seen_at`` in seconds of the clock's ``time()``
    (the epoch, so that it means something to a later process)."""

    maximum: float
    available: float
    restore_rate: float
    seen_at: float


class GraphQLCostBucket:
    """The ``Pacer`` of the GraphQL client (``http/throttle.Pacer``) plus the cost it learns."""

    def __init__(self, *, clock: Clock | None = None, largest_query: float | None = None) -> None:
        self._clock: Clock = clock or SystemClock()
        self._largest_query = largest_query  # the most one query may cost, if known
        self.maximum: float | None = None  # unknown until the first answer
        self.restore_rate: float | None = None
        self._available = 0.0
        self._updated = self._clock.monotonic()
        self._expected = 0.0
        self._paused_until = 0.0
        self._lock = asyncio.Lock()
        self._last: BucketStatus | None = None
        self._resumed = False  # known from an earlier run only: no answer read yet

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
                if self._resumed and self._expected <= 0:
                    # The cost unknown yet: what the dearest query could ask.
                    wanted = min(self.maximum or 0.0, self._largest_query or float("inf"))
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
        self._last = BucketStatus(maximum, self._available, rate, self._clock.time())
        self._resumed = False

    def last_status(self) -> BucketStatus | None:
        """The last ``throttleStatus`` read (None before any), to start the next run from."""
        return self._last

    def resume(self, status: BucketStatus) -> bool:
        """Start from an earlier run's last status, restored by the time passed since; True
        when it was used. Not used once the bucket has learnt from an answer, when the numbers
        make no sense, when the clock reads earlier than the status, or when the bucket has
        refilled since (then nothing needs waiting for, and nothing is assumed)."""
        if self.maximum is not None:
            return False
        elapsed = self._clock.time() - status.seen_at
        if status.maximum <= 0 or status.restore_rate <= 0 or elapsed < 0:
            return False
        available = max(0.0, status.available) + elapsed * status.restore_rate
        if available >= status.maximum:
            return False
        self.maximum, self.restore_rate = status.maximum, status.restore_rate
        self._available, self._updated = available, self._clock.monotonic()
        self._resumed = True
        return True

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
