"""Pacing for Xero, per tenant: 60 calls a minute, 5 in flight, and the day budget.

Xero's limits (xero-api-notes §2): per tenant at most 5 requests in progress, 60 per minute in a
fixed window that resets at a time Xero does not tell us, and 5,000 a day (1,000 on the Starter
tier, so the day budget is read from ``X-DayLimit-Remaining`` rather than assumed).

Because the window's start is unknown, the minute limit is kept as a sliding log: a call occupies
one of the ``minute_limit`` slots from the moment it is sent until one window after its answer
arrived. Measured from the answer, not from the send, two calls that share a slot are always at
least a full window apart as the server saw them, whatever the network latency; so no fixed window
of Xero's can ever hold more than ``minute_limit`` of our calls. ``X-MinLimit-Remaining`` lower than
our own count means someone else (another process, another app) is using the tenant: the missing
calls are booked as occupied slots for a window.

When the day budget is down to ``day_reserve`` calls, ``slot()`` raises ``QuotaExhaustedError``
with ``resume_at`` so the run can checkpoint and stop cleanly instead of burning the last calls.
One ``XeroThrottle`` instance serves one tenant; share it between clients of the same tenant.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from shopxero.errors import QuotaExhaustedError
from shopxero.http.clock import Clock, SystemClock

__all__ = ["XeroThrottle"]

# xero-api-notes §2.
MINUTE_LIMIT = 60
CONCURRENT_LIMIT = 5
WINDOW_SECONDS = 60.0
DEFAULT_DAY_RESERVE = 20
# Xero does not publish when a tenant's day window resets (xero-api-notes §2: fixed windows, reset
# "at different times for each tenant"); without a Retry-After we assume the worst case.
DAY_SECONDS = 86_400.0


class XeroThrottle:
    """Per-tenant pacing. Use ``async with throttle.slot():`` around each HTTP exchange."""

    def __init__(
        self,
        *,
        clock: Clock | None = None,
        minute_limit: int = MINUTE_LIMIT,
        concurrent_limit: int = CONCURRENT_LIMIT,
        window_seconds: float = WINDOW_SECONDS,
        day_reserve: int = DEFAULT_DAY_RESERVE,
    ) -> None:
        if minute_limit < 1 or concurrent_limit < 1:
            raise ValueError("minute_limit and concurrent_limit must be at least 1")
        if day_reserve < 0:
            raise ValueError("day_reserve cannot be negative")
        self.clock: Clock = clock or SystemClock()
        self.minute_limit = minute_limit
        self.concurrent_limit = concurrent_limit
        self.window_seconds = window_seconds
        self.day_reserve = day_reserve
        self._semaphore = asyncio.Semaphore(concurrent_limit)
        self._pace_lock = asyncio.Lock()
        # Each entry is the time a slot frees up; math.inf while the call is in flight.
        self._slots: list[float] = []
        self._paused_until = 0.0
        self._day_remaining: int | None = None
        self._day_resume_at: float | None = None
        self.calls_sent = 0

    # --- what the client calls --------------------------------------------------------------

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Wait until a call may be sent; hold a concurrency and a minute slot while it runs."""
        async with self._semaphore:
            await self._acquire_minute_slot()
            try:
                yield
            finally:
                self._release()

    def observe(self, headers: Mapping[str, str]) -> None:
        """Learn from ``X-MinLimit-Remaining`` / ``X-DayLimit-Remaining`` of an answer."""
        day = _int_header(headers, "x-daylimit-remaining")
        if day is not None:
            # Calls still in flight (this one's slot is already released when the send path
            # reports its headers) were sent after this answer was counted by Xero.
            in_flight = sum(1 for s in self._slots if s == math.inf)
            self._day_remaining = max(0, day - in_flight)
            if day > self.day_reserve:
                self._day_resume_at = None
        minute = _int_header(headers, "x-minlimit-remaining")
        if minute is not None:
            now = self.clock.monotonic()
            ours = self._occupied(now)
            missing = (self.minute_limit - minute) - ours
            if missing > 0:
                # Someone else used the tenant this window: book their calls for a window.
                self._slots.extend([now + self.window_seconds] * missing)

    def pause(self, seconds: float | None, problem: str | None = None) -> None:
        """After a 429: no call for ``seconds``; a ``day`` problem blocks until it resets."""
        now = self.clock.monotonic()
        wait = seconds if seconds is not None and seconds > 0 else 0.0
        if (problem or "").lower().startswith("day"):
            self._day_remaining = 0
            self._day_resume_at = self.clock.time() + (wait or DAY_SECONDS)
            return
        self._paused_until = max(self._paused_until, now + wait)

    @property
    def day_remaining(self) -> int | None:
        """Xero's last word on the day budget, less what we sent since; None until we know."""
        return self._day_remaining

    def check_day_budget(self) -> None:
        """Raise ``QuotaExhaustedError`` when at most ``day_reserve`` calls are left today."""
        remaining = self._day_remaining
        if remaining is None or remaining > self.day_reserve:
            return
        resume = self._day_resume_at or (self.clock.time() + DAY_SECONDS)
        resume_at = datetime.fromtimestamp(resume, UTC)
        raise QuotaExhaustedError(
            f"the Xero day limit is nearly spent ({remaining} calls left, {self.day_reserve} "
            f"kept in reserve); resume after {resume_at:%Y-%m-%d %H:%M} UTC",
            resume_at=resume_at,
            service="xero",
            method="-",
            path="-",
        )

    # --- internals ---------------------------------------------------------------------------

    def _occupied(self, now: float) -> int:
        self._slots = [s for s in self._slots if s > now]
        return len(self._slots)

    async def _acquire_minute_slot(self) -> None:
        async with self._pace_lock:
            while True:
                self.check_day_budget()
                now = self.clock.monotonic()
                if now < self._paused_until:
                    await self.clock.sleep(self._paused_until - now)
                    continue
                if self._occupied(now) < self.minute_limit:
                    break
                finite = [s for s in self._slots if s != math.inf]
                if finite:
                    await self.clock.sleep(max(min(finite) - now, 0.0))
                else:
                    # Every slot is a call in flight; one of them will finish soon.
                    await asyncio.sleep(0.01)
            self._slots.append(math.inf)
            self.calls_sent += 1
            if self._day_remaining is not None:
                self._day_remaining -= 1

    def _release(self) -> None:
        # The slot frees one window after the answer came back (see the module docstring).
        freed_at = self.clock.monotonic() + self.window_seconds
        for index, value in enumerate(self._slots):
            if value == math.inf:
                self._slots[index] = freed_at
                return


def _int_header(headers: Mapping[str, str], name: str) -> int | None:
    value = headers.get(name)
    if value is None:
        # httpx.Headers is case-insensitive; a plain dict may not be.
        for key, item in headers.items():
            if key.lower() == name:
                value = item
                break
    if value is None:
        return None
    try:
        return int(str(value).strip())
    except ValueError:
        return None
