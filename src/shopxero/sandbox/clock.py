"""The sandboxes' clock: real time that tests can speed up or jump forward.

Xero's minute windows, token expiry and Shopify's leaky bucket all read this clock, so a test can
run a 60-second rate-limit window in one real second (``speed=60``) or expire a 30-minute token
instantly (``advance(1800)``). Clients under test are given the same clock for their pacing
(it satisfies ``shopxero.http.clock.Clock``), so both sides agree on what a second is.
"""

from __future__ import annotations

import asyncio
import threading
import time
from datetime import UTC, datetime

__all__ = ["SandboxClock"]


class SandboxClock:
    """Sandbox time = start + (real elapsed x speed) + manual offset."""

    def __init__(self, *, speed: float = 1.0, start: datetime | None = None) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        self._lock = threading.Lock()
        self._speed = speed
        self._real_anchor = time.monotonic()
        self._sandbox_anchor = (start or datetime.now(UTC)).timestamp()

    @property
    def speed(self) -> float:
        return self._speed

    def time(self) -> float:
        """Seconds since the epoch, in sandbox time."""
        with self._lock:
            return self._sandbox_anchor + (time.monotonic() - self._real_anchor) * self._speed

    def monotonic(self) -> float:
        """Same scale as ``time()``; never goes backwards (``advance`` only moves forward)."""
        return self.time()

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.time(), UTC)

    def advance(self, seconds: float) -> None:
        """Jump forward, e.g. past a token's expiry."""
        if seconds < 0:
            raise ValueError("the sandbox clock only moves forward")
        with self._lock:
            self._sandbox_anchor += seconds

    def set_speed(self, speed: float) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        now = self.time()
        with self._lock:
            self._real_anchor = time.monotonic()
            self._sandbox_anchor = now
            self._speed = speed

    async def sleep(self, seconds: float) -> None:
        """Sleep ``seconds`` of sandbox time."""
        if seconds > 0:
            await asyncio.sleep(seconds / self._speed)
