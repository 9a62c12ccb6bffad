"""The API call log: one row per HTTP attempt either client made (already redacted)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from shopxero.store.values import dt_to_text

__all__ = ["CallRepo", "StoredCall"]


@dataclass(frozen=True)
class StoredCall:
    """The columns we keep of a ``http.calllog.CallRecord``.

    Bodies are already redacted and truncated by ``http.calllog``; the sink decides which calls
    keep them (``sync.factory.store_call_sink``: failed calls only).
    """

    time: datetime
    service: str
    method: str
    path: str
    query: str
    status: int | None
    duration_ms: float
    attempt: int
    request_id: str | None
    error: str | None
    request_body: str | None = None
    response_body: str | None = None
    expected: bool = False  # a look-up's 404: an answer, not a failure


class CallRepo:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def add(self, call: StoredCall, *, run_id: int | None = None) -> None:
        self._conn.execute(
            "INSERT INTO api_calls (run_id, time, service, method, path, query, status, "
            "duration_ms, attempt, request_id, error, request_body, response_body, expected) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                run_id,
                dt_to_text(call.time),
                call.service,
                call.method,
                call.path,
                call.query,
                call.status,
                call.duration_ms,
                call.attempt,
                call.request_id,
                call.error,
                call.request_body,
                call.response_body,
                int(call.expected),
            ),
        )

    def prune(self, before: datetime) -> int:
        """Forget calls logged before ``before`` (the log is for diagnosis, not history)."""
        cursor = self._conn.execute("DELETE FROM api_calls WHERE time < ?", (dt_to_text(before),))
        return cursor.rowcount

    def count(self, *, run_id: int | None = None, service: str | None = None) -> int:
        sql = "SELECT count(*) FROM api_calls WHERE 1 = 1"
        params: list[object] = []
        if run_id is not None:
            sql += " AND run_id = ?"
            params.append(run_id)
        if service is not None:
            sql += " AND service = ?"
            params.append(service)
        return int(self._conn.execute(sql, params).fetchone()[0])
