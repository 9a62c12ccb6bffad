"""The error queue (docs/architecture.md, invariant 4): every record that failed, why, and when to
retry it."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from shopxero.store.values import dt_from_text, dt_to_text, utcnow

__all__ = ["ErrorQueueRepo", "QueuedError", "retry_delay"]


@dataclass(frozen=True)
class QueuedError:
    id: int
    run_id: int | None
    operation: str
    entity: str
    shopify_id: str
    xero_id: str | None
    label: str
    error_class: str
    message: str
    validation_messages: list[str] = field(default_factory=list)
    retryable: bool = False
    attempts: int = 1
    next_retry_at: datetime | None = None
    created_at: datetime | None = None
    resolved_at: datetime | None = None
    resolution: str | None = None
    checksum: str | None = None  # of the payload that failed, when one was built


def retry_delay(attempts: int) -> timedelta:
    """Backoff for retryable errors: 5 min, 10, 20, ... capped at 6 hours."""
    return timedelta(minutes=min(5 * 2 ** max(attempts - 1, 0), 360))


_COLUMNS = (
    "id, run_id, operation, entity, shopify_id, xero_id, label, error_class, message, "
    "validation_json, retryable, attempts, next_retry_at, created_at, resolved_at, resolution, "
    "checksum"
)


def _row(row: tuple[Any, ...]) -> QueuedError:
    return QueuedError(
        id=int(row[0]),
        run_id=row[1],
        operation=row[2],
        entity=row[3],
        shopify_id=row[4],
        xero_id=row[5],
        label=row[6],
        error_class=row[7],
        message=row[8],
        validation_messages=json.loads(row[9]),
        retryable=bool(row[10]),
        attempts=int(row[11]),
        next_retry_at=dt_from_text(row[12]),
        created_at=dt_from_text(row[13]),
        resolved_at=dt_from_text(row[14]),
        resolution=row[15],
        checksum=row[16],
    )


class ErrorQueueRepo:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def record(
        self,
        *,
        operation: str,
        entity: str,
        shopify_id: str,
        error_class: str,
        message: str,
        retryable: bool,
        label: str = "",
        xero_id: str | None = None,
        validation_messages: list[str] | None = None,
        checksum: str | None = None,
        run_id: int | None = None,
        now: datetime | None = None,
    ) -> int:
        """Queue a failure; a record already queued gets its entry updated and attempts bumped."""
        now = now or utcnow()
        existing = self.open_for(entity, shopify_id)
        attempts = existing.attempts + 1 if existing else 1
        next_retry = dt_to_text(now + retry_delay(attempts)) if retryable else None
        validation = json.dumps(list(validation_messages or []))
        if existing is not None:
            self._conn.execute(
                "UPDATE error_queue SET run_id = ?, operation = ?, xero_id = ?, label = ?, "
                "error_class = ?, message = ?, validation_json = ?, retryable = ?, attempts = ?, "
                "next_retry_at = ?, updated_at = ?, checksum = ? WHERE id = ?",
                (
                    run_id,
                    operation,
                    xero_id,
                    label,
                    error_class,
                    message,
                    validation,
                    int(retryable),
                    attempts,
                    next_retry,
                    dt_to_text(now),
                    checksum,
                    existing.id,
                ),
            )
            return existing.id
        cursor = self._conn.execute(
            "INSERT INTO error_queue (run_id, operation, entity, shopify_id, xero_id, label, "
            "error_class, message, validation_json, retryable, attempts, next_retry_at, "
            "created_at, updated_at, checksum) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                run_id,
                operation,
                entity,
                shopify_id,
                xero_id,
                label,
                error_class,
                message,
                validation,
                int(retryable),
                attempts,
                next_retry,
                dt_to_text(now),
                dt_to_text(now),
                checksum,
            ),
        )
        assert cursor.lastrowid is not None
        return int(cursor.lastrowid)

    def get(self, error_id: int) -> QueuedError | None:
        row = self._conn.execute(
            f"SELECT {_COLUMNS} FROM error_queue WHERE id = ?", (error_id,)
        ).fetchone()
        return _row(row) if row else None

    def open_for(self, entity: str, shopify_id: str) -> QueuedError | None:
        row = self._conn.execute(
            f"SELECT {_COLUMNS} FROM error_queue "
            "WHERE entity = ? AND shopify_id = ? AND resolved_at IS NULL",
            (entity, shopify_id),
        ).fetchone()
        return _row(row) if row else None

    def list_open(self, entity: str | None = None) -> list[QueuedError]:
        if entity is None:
            rows = self._conn.execute(
                f"SELECT {_COLUMNS} FROM error_queue WHERE resolved_at IS NULL ORDER BY id"
            ).fetchall()
        else:
            rows = self._conn.execute(
                f"SELECT {_COLUMNS} FROM error_queue WHERE resolved_at IS NULL AND entity = ? "
                "ORDER BY id",
                (entity,),
            ).fetchall()
        return [_row(r) for r in rows]

    def due_for_retry(self, now: datetime) -> list[QueuedError]:
        """Open retryable entries whose backoff has passed."""
        rows = self._conn.execute(
            f"SELECT {_COLUMNS} FROM error_queue WHERE resolved_at IS NULL AND retryable = 1 "
            "AND next_retry_at <= ? ORDER BY id",
            (dt_to_text(now),),
        ).fetchall()
        return [_row(r) for r in rows]

    def count_open(self) -> int:
        return int(
            self._conn.execute(
                "SELECT count(*) FROM error_queue WHERE resolved_at IS NULL"
            ).fetchone()[0]
        )

    def resolve(
        self, error_id: int, *, resolution: str = "resolved by hand", now: datetime | None = None
    ) -> bool:
        """Close an entry; False when there is no open entry with that id."""
        cursor = self._conn.execute(
            "UPDATE error_queue SET resolved_at = ?, resolution = ?, updated_at = ? "
            "WHERE id = ? AND resolved_at IS NULL",
            (dt_to_text(now or utcnow()), resolution, dt_to_text(now or utcnow()), error_id),
        )
        return cursor.rowcount > 0

    def resolve_for(
        self, entity: str, shopify_id: str, *, resolution: str, now: datetime | None = None
    ) -> None:
        """Close the open entry of a record that has now synced (if any)."""
        stamp = dt_to_text(now or utcnow())
        self._conn.execute(
            "UPDATE error_queue SET resolved_at = ?, resolution = ?, updated_at = ? "
            "WHERE entity = ? AND shopify_id = ? AND resolved_at IS NULL",
            (stamp, resolution, stamp, entity, shopify_id),
        )
