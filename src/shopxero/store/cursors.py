"""Per-entity cursors (docs/architecture.md, invariant 3): the max ``updated_at`` of committed
work."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from shopxero.store.values import dt_from_text, dt_to_text, utcnow

__all__ = ["CursorRepo"]


class CursorRepo:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def get(self, entity: str) -> datetime | None:
        row = self._conn.execute(
            "SELECT last_value FROM cursors WHERE entity = ?", (entity,)
        ).fetchone()
        return dt_from_text(row[0]) if row else None

    def all(self) -> dict[str, datetime]:
        rows = self._conn.execute("SELECT entity, last_value FROM cursors ORDER BY entity")
        result: dict[str, datetime] = {}
        for entity, value in rows:
            parsed = dt_from_text(value)
            if parsed is not None:
                result[str(entity)] = parsed
        return result

    def advance(self, entity: str, value: datetime, *, now: datetime | None = None) -> None:
        """Move the cursor forward to ``value``; never backwards."""
        current = self.get(entity)
        if current is not None and value <= current:
            return
        self._conn.execute(
            "INSERT INTO cursors (entity, last_value, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT (entity) DO UPDATE SET last_value = excluded.last_value, "
            "updated_at = excluded.updated_at",
            (entity, dt_to_text(value), dt_to_text(now or utcnow())),
        )

    def reset(self, entity: str | None = None) -> None:
        if entity is None:
            self._conn.execute("DELETE FROM cursors")
        else:
            self._conn.execute("DELETE FROM cursors WHERE entity = ?", (entity,))
