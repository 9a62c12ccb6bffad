"""Write intents (docs/architecture.md, invariant 2): what we are about to send, committed before
sending."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from shopxero.store.values import dt_from_text, dt_to_text, utcnow

__all__ = ["Intent", "IntentRepo"]


@dataclass(frozen=True)
class Intent:
    id: int
    entity: str
    operation: str  # "create" | "update"
    shopify_id: str
    natural_key: str
    idempotency_key: str
    checksum: str
    created_at: datetime
    state: str  # "open" | "settled" | "dropped"


def _row(row: tuple[Any, ...]) -> Intent:
    created = dt_from_text(row[7])
    assert created is not None
    return Intent(
        id=int(row[0]),
        entity=row[1],
        operation=row[2],
        shopify_id=row[3],
        natural_key=row[4],
        idempotency_key=row[5],
        checksum=row[6],
        created_at=created,
        state=row[8],
    )


_COLUMNS = (
    "id, entity, operation, shopify_id, natural_key, idempotency_key, checksum, created_at, state"
)


class IntentRepo:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def add(
        self,
        *,
        entity: str,
        operation: str,
        shopify_id: str,
        natural_key: str,
        checksum: str,
        idempotency_key: str = "",
        now: datetime | None = None,
    ) -> int:
        """Record an open intent; returns its id (the key can be set later from it)."""
        cursor = self._conn.execute(
            "INSERT INTO intents (entity, operation, shopify_id, natural_key, idempotency_key, "
            "checksum, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                entity,
                operation,
                shopify_id,
                natural_key,
                idempotency_key,
                checksum,
                dt_to_text(now or utcnow()),
            ),
        )
        assert cursor.lastrowid is not None
        return int(cursor.lastrowid)

    def set_idempotency_key(self, intent_ids: list[int], key: str) -> None:
        self._conn.executemany(
            "UPDATE intents SET idempotency_key = ? WHERE id = ?", [(key, i) for i in intent_ids]
        )

    def get(self, intent_id: int) -> Intent | None:
        row = self._conn.execute(
            f"SELECT {_COLUMNS} FROM intents WHERE id = ?", (intent_id,)
        ).fetchone()
        return _row(row) if row else None

    def open(self, entity: str | None = None) -> list[Intent]:
        if entity is None:
            rows = self._conn.execute(
                f"SELECT {_COLUMNS} FROM intents WHERE state = 'open' ORDER BY id"
            ).fetchall()
        else:
            rows = self._conn.execute(
                f"SELECT {_COLUMNS} FROM intents WHERE state = 'open' AND entity = ? ORDER BY id",
                (entity,),
            ).fetchall()
        return [_row(r) for r in rows]

    def prune(self, before: datetime) -> int:
        """Forget closed intents created before ``before``; open ones are always kept."""
        cursor = self._conn.execute(
            "DELETE FROM intents WHERE state != 'open' AND created_at < ?", (dt_to_text(before),)
        )
        return cursor.rowcount

    def close(self, intent_id: int, *, state: str = "settled", now: datetime | None = None) -> None:
        """Mark an intent settled (its outcome is recorded) or dropped (nothing was created)."""
        if state not in ("settled", "dropped"):
            raise ValueError(f"an intent closes as settled or dropped, not {state!r}")
        self._conn.execute(
            "UPDATE intents SET state = ?, settled_at = ? WHERE id = ?",
            (state, dt_to_text(now or utcnow()), intent_id),
        )
