"""Shopify's REST leaky bucket, one per app (shopify-api-notes §3).

Each app installed on a store has a bucket of ``size`` requests (40 on standard plans, 400 on
Plus) that leaks ``leak_per_second`` (2, or 20 on Plus). A request adds one; a request that would
overflow the bucket is refused with 429 and ``Retry-After``. Time is the sandbox clock's, so a
sped-up clock drains the bucket faster and tests need not sleep for real.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass

from shopxero.sandbox.clock import SandboxClock

__all__ = ["BucketResult", "LeakyBuckets"]


@dataclass(frozen=True)
class BucketResult:
    """What one request did to its bucket: admitted or not, the header, and the wait if not."""

    admitted: bool
    used: int
    size: int
    retry_after: float

    @property
    def call_limit_header(self) -> str:
        """``X-Shopify-Shop-Api-Call-Limit`` value, ``used/size`` (shopify-api-notes §3)."""
        return f"{self.used}/{self.size}"


class LeakyBuckets:
    """Buckets keyed by app; thread-safe because uvicorn and tests may share one sandbox."""

    def __init__(
        self, clock: SandboxClock, *, size: int = 40, leak_per_second: float = 2.0
    ) -> None:
        if size < 1 or leak_per_second <= 0:
            raise ValueError("bucket size must be >= 1 and the leak rate positive")
        self.clock = clock
        self.size = size
        self.leak_per_second = leak_per_second
        self._lock = threading.Lock()
        # app key -> (level, sandbox time of that level)
        self._levels: dict[str, tuple[float, float]] = {}

    def _level_now(self, key: str, now: float) -> float:
        level, at = self._levels.get(key, (0.0, now))
        return max(0.0, level - max(0.0, now - at) * self.leak_per_second)

    def take(self, key: str) -> BucketResult:
        """Admit one request for ``key`` if it fits, else say how long until it would."""
        with self._lock:
            now = self.clock.time()
            level = self._level_now(key, now)
            if level + 1 > self.size + 1e-9:
                # Seconds until one request's worth has leaked out; never shown as 0.
                wait = (level + 1 - self.size) / self.leak_per_second
                self._levels[key] = (level, now)
                return BucketResult(False, self._shown(level), self.size, max(wait, 0.1))
            level += 1
            self._levels[key] = (level, now)
            return BucketResult(True, self._shown(level), self.size, 0.0)

    def used(self, key: str) -> int:
        """The level shown in the header right now (tests and diagnostics)."""
        with self._lock:
            return self._shown(self._level_now(key, self.clock.time()))

    def reset(self) -> None:
        with self._lock:
            self._levels.clear()

    def _shown(self, level: float) -> int:
        # Shopify reports whole requests; rounding up never tells a client it has room it lacks.
        return min(self.size, math.ceil(level - 1e-9))
