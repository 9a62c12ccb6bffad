"""Cached Xero organisation data (organisation, accounts, tax rates) as JSON by key.

A run with nothing to write must make no Xero call, yet mapping a product needs the sales
account and tax types: they are read once and kept here.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from typing import Any

from shopxero.store.values import dt_from_text, dt_to_text, utcnow

__all__ = ["CacheRepo"]


class CacheRepo:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def get(self, key: str) -> tuple[Any, datetime] | None:
        row = self._conn.execute(
            "SELECT value_json, fetched_at FROM xero_cache WHERE key = ?", (key,)
        ).fetchone()
        if row is None:
            return None
        fetched = dt_from_text(row[1])
        assert fetched is not None
        return json.loads(row[0]), fetched

    def put(self, key: str, value: Any, *, now: datetime | None = None) -> None:
        self._conn.execute(
            "INSERT INTO xero_cache (key, value_json, fetched_at) VALUES (?, ?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value_json = excluded.value_json, "
            "fetched_at = excluded.fetched_at",
            (key, json.dumps(value, default=str), dt_to_text(now or utcnow())),
        )

    def clear(self) -> None:
        self._conn.execute("DELETE FROM xero_cache")
