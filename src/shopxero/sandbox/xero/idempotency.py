"""Xero's ``Idempotency-Key`` replay for PUT, POST and PATCH [xero-api-notes §3].

- The first answer to a key is stored for 6 minutes (sandbox clock) from the first call and
  replayed for the same method, URL, tenant and body; after that the key is new again.
- The same key with a different request is a 400 (``Idempotency Key: KEY is used with a
  different request.``); a key over 128 characters is a 400 naming the key and its length.
- Errors are cached too: a 400 or 500 is replayed as it was.
- Keys are kept per app (client id); GET and other methods ignore the header.
- A repeat that arrives while the first is still running waits for it and gets its answer.
"""

from __future__ import annotations

import asyncio
import hashlib
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from shopxero.sandbox.clock import SandboxClock

__all__ = [
    "IDEMPOTENT_METHODS",
    "KEY_TTL_SECONDS",
    "MAX_KEY_LENGTH",
    "IdempotencyConflictError",
    "IdempotencyStore",
    "StoredResponse",
    "request_fingerprint",
]

IDEMPOTENT_METHODS = frozenset({"PUT", "POST", "PATCH"})
KEY_TTL_SECONDS = 360.0  # "keys are stored for 6 minutes from the time of the first call"
MAX_KEY_LENGTH = 128  # "128 character max." [xero_accounting.yaml components.parameters]


@dataclass
class StoredResponse:
    """A complete HTTP answer, as the inner app gave it."""

    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes


class IdempotencyConflictError(Exception):
    """The key was used with a different request (method, URL, tenant or body)."""


@dataclass
class _Entry:
    fingerprint: str
    created: float
    done: asyncio.Event = field(default_factory=asyncio.Event)
    response: StoredResponse | None = None

    def result(self) -> StoredResponse | None:
        # A method, not the attribute: the answer may arrive while we await.
        return self.response


def request_fingerprint(method: str, url: str, tenant_id: str | None, body: bytes) -> str:
    digest = hashlib.sha256()
    for part in (method.upper(), url, tenant_id or ""):
        digest.update(part.encode())
        digest.update(b"\x00")
    digest.update(body)
    return digest.hexdigest()


class IdempotencyStore:
    """Answers by (client id, key), each valid for ``ttl`` sandbox seconds."""

    def __init__(self, clock: SandboxClock, ttl: float = KEY_TTL_SECONDS) -> None:
        self._clock = clock
        self._ttl = ttl
        self._lock = threading.Lock()
        self._entries: dict[tuple[str, str], _Entry] = {}
        self._last_sweep = clock.time()

    async def run(
        self,
        client_id: str,
        key: str,
        fingerprint: str,
        call: Callable[[], Awaitable[StoredResponse]],
    ) -> tuple[StoredResponse, bool]:
        """The stored answer for the key (replayed=True), or ``call()``'s answer, now stored.

        Raises ``IdempotencyConflictError`` when the key belongs to a different request.
        """
        slot = (client_id, key)
        while True:
            now = self._clock.time()
            with self._lock:
                entry = self._entries.get(slot)
                if entry is not None and now >= entry.created + self._ttl:
                    del self._entries[slot]
                    entry = None
                if entry is None:
                    self._sweep(now)
                    mine = _Entry(fingerprint, now)
                    self._entries[slot] = mine
                    break
            if entry.fingerprint != fingerprint:
                raise IdempotencyConflictError(key)
            if entry.response is not None:
                return entry.response, True
            # The first request with this key is still running: wait for its answer.
            await entry.done.wait()
            finished = entry.result()
            if finished is not None:
                return finished, True
            # It failed without an answer (e.g. the app crashed mid-way); go round again.
        try:
            response = await call()
        except BaseException:
            with self._lock:
                if self._entries.get(slot) is mine:
                    del self._entries[slot]
            mine.done.set()
            raise
        mine.response = response
        mine.done.set()
        return response, False

    def _sweep(self, now: float) -> None:
        """Forget expired answers now and then, so a long bench run does not hoard them."""
        if now - self._last_sweep < self._ttl / 4:
            return
        self._last_sweep = now
        for slot, entry in list(self._entries.items()):
            if entry.response is not None and now >= entry.created + self._ttl:
                del self._entries[slot]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)
