"""Xero's rate limits: per tenant 60 a minute, 5 in flight, a day budget; per app 10,000 a minute.

Windows are FIXED, not rolling, and "reset at different times for each tenant" [xero-api-notes
§2]: a window opens at the first request after the previous one closed. Time is the sandbox
clock, so ``SandboxClock(speed=60)`` runs a minute window in one real second.

Counting choices (Xero does not document them; these are the simplest faithful ones):
- A request rejected with 429 does not consume any budget.
- Every admitted request counts, whatever its outcome, including idempotent replays, because
  "Idempotency is evaluated after rate limiting: retries still consume quota" [xero-api-notes §2,
  §3].
- Checks run day, minute, app-minute, concurrent; the first breached names the problem in
  ``X-Rate-Limit-Problem``. Only minute and day 429s carry ``Retry-After`` [xero-api-notes §2].
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, field

from shopxero.sandbox.clock import SandboxClock

__all__ = ["Admission", "RateLimiter", "Rejection"]

MINUTE = 60.0
DAY = 86_400.0
APP_MINUTE_LIMIT = 10_000  # per app across all tenants [xero-api-notes §2]


@dataclass
class _Window:
    length: float
    limit: int
    start: float | None = None
    count: int = 0

    def roll(self, now: float) -> None:
        if self.start is None or now >= self.start + self.length:
            self.start = now
            self.count = 0

    def remaining(self) -> int:
        return max(self.limit - self.count, 0)

    def retry_after(self, now: float) -> int:
        assert self.start is not None
        return max(math.ceil(self.start + self.length - now), 1)


@dataclass
class _Tenant:
    minute: _Window
    day: _Window
    in_flight: int = 0


@dataclass(frozen=True)
class Admission:
    """An admitted request; release it when its answer is complete."""

    tenant_id: str | None
    headers: dict[str, str]


@dataclass(frozen=True)
class Rejection:
    """A 429: which limit, the headers to send (with ``Retry-After`` for minute/day)."""

    problem: str
    headers: dict[str, str] = field(default_factory=dict)


class RateLimiter:
    """Thread-safe counters for every tenant and app the simulator serves."""

    def __init__(
        self,
        clock: SandboxClock,
        *,
        day_limit: int = 5000,
        minute_limit: int = 60,
        concurrent_limit: int = 5,
        app_minute_limit: int = APP_MINUTE_LIMIT,
    ) -> None:
        self._clock = clock
        self.day_limit = day_limit
        self.minute_limit = minute_limit
        self.concurrent_limit = concurrent_limit
        self.app_minute_limit = app_minute_limit
        self._lock = threading.Lock()
        self._tenants: dict[str, _Tenant] = {}
        self._apps: dict[str, _Window] = {}

    def admit(self, client_id: str, tenant_id: str | None) -> Admission | Rejection:
        """Count one request against the tenant (when given) and the app, or reject it."""
        now = self._clock.time()
        with self._lock:
            app = self._apps.setdefault(client_id, _Window(MINUTE, self.app_minute_limit))
            app.roll(now)
            if tenant_id is None:
                # Tenantless calls (/connections) see only the app limit [xero-api-notes §1.5].
                if app.remaining() == 0:
                    return Rejection("appminute", self._headers(None, app))
                app.count += 1
                return Admission(None, self._headers(None, app))
            tenant = self._tenants.setdefault(
                tenant_id,
                _Tenant(_Window(MINUTE, self.minute_limit), _Window(DAY, self.day_limit)),
            )
            tenant.minute.roll(now)
            tenant.day.roll(now)
            problem: str | None = None
            retry_after: int | None = None
            if tenant.day.remaining() == 0:
                problem, retry_after = "day", tenant.day.retry_after(now)
            elif tenant.minute.remaining() == 0:
                problem, retry_after = "minute", tenant.minute.retry_after(now)
            elif app.remaining() == 0:
                problem = "appminute"
            elif tenant.in_flight >= self.concurrent_limit:
                problem = "concurrent"
            if problem is not None:
                headers = self._headers(tenant, app)
                headers["X-Rate-Limit-Problem"] = problem
                if retry_after is not None:
                    headers["Retry-After"] = str(retry_after)
                return Rejection(problem, headers)
            tenant.day.count += 1
            tenant.minute.count += 1
            app.count += 1
            tenant.in_flight += 1
            return Admission(tenant_id, self._headers(tenant, app))

    def release(self, admission: Admission) -> None:
        if admission.tenant_id is None:
            return
        with self._lock:
            tenant = self._tenants.get(admission.tenant_id)
            if tenant is not None and tenant.in_flight > 0:
                tenant.in_flight -= 1

    def in_flight(self, tenant_id: str) -> int:
        with self._lock:
            tenant = self._tenants.get(tenant_id)
            return tenant.in_flight if tenant else 0

    def reset(self) -> None:
        """Fresh budgets (requests still in flight keep their concurrency slots)."""
        with self._lock:
            for tenant in self._tenants.values():
                tenant.minute = _Window(MINUTE, self.minute_limit)
                tenant.day = _Window(DAY, self.day_limit)
            self._apps.clear()

    @staticmethod
    def _headers(tenant: _Tenant | None, app: _Window) -> dict[str, str]:
        headers = {"X-AppMinLimit-Remaining": str(app.remaining())}
        if tenant is not None:
            headers["X-MinLimit-Remaining"] = str(tenant.minute.remaining())
            headers["X-DayLimit-Remaining"] = str(tenant.day.remaining())
        return headers
