"""The last rate-limit status a client read from its service, kept from one run to the next.

Shopify's GraphQL cost bucket is only known from an answer (``extensions.cost.throttleStatus``),
so a run that starts right after one that drained it would send its first query blind and have
it refused (``THROTTLED``) and sent again. The client's last reading is kept here, by a key that
names the service and the shop; the next run starts from it (``clients.build_clients``), restored
by the time that passed.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from shopxero.store.values import dt_from_text, dt_to_text

__all__ = ["RateLimitRepo", "StoredBucket"]


@dataclass(frozen=True)
class StoredBucket:
    """A bucket as last read: its size, what it held, its restore rate (per second), and when
    (on the client's clock) the answer that said so arrived."""

    maximum: float
    available: float
    restore_rate: float
    seen_at: datetime


class RateLimitRepo:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def get(self, key: str) -> StoredBucket | None:
        row = self._conn.execute(
            "SELECT maximum, available, restore_rate, seen_at FROM rate_limits WHERE key = ?",
            (key,),
        ).fetchone()
        if row is None:
            return None
        seen_at = dt_from_text(row[3])
        assert seen_at is not None
        return StoredBucket(float(row[0]), float(row[1]), float(row[2]), seen_at)

    def put(self, key: str, bucket: StoredBucket) -> None:
        self._conn.execute(
            "INSERT INTO rate_limits (key, maximum, available, restore_rate, seen_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET "
            "maximum = excluded.maximum, available = excluded.available, "
            "restore_rate = excluded.restore_rate, seen_at = excluded.seen_at",
            (
                key,
                bucket.maximum,
                bucket.available,
                bucket.restore_rate,
                dt_to_text(bucket.seen_at),
            ),
        )
