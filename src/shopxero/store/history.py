"""Read-only queries over the call log and run history: ``shopxero log`` and ``report --html``.

``recent_calls`` filters the API-call log (newest first); ``run_call_stats`` sums each run's
calls per service with its busiest Xero minute (Xero allows 60 calls a minute and 5,000 a day
per organisation, xero-api-notes §2) and its 429s; ``errors_per_day`` counts new error-queue
entries by UTC day. All SQL stays in ``store`` (docs/architecture.md, Package layout).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from shopxero.store.values import dt_from_text

__all__ = ["CallRow", "HistoryQueries", "RunCallStats"]


@dataclass(frozen=True)
class CallRow:
    """One API-call log row as ``shopxero log`` shows it."""

    id: int
    run_id: int | None
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
    request_body: str | None
    response_body: str | None
    expected: bool = False  # a look-up's 404: an answer, not a failure


@dataclass(frozen=True)
class RunCallStats:
    """API calls one run made: per service, the busiest Xero minute, and 429s received."""

    run_id: int
    xero_calls: int = 0
    shopify_calls: int = 0
    xero_peak_minute: int = 0
    throttled: int = 0
    failed_calls: int = 0


_CALL_COLUMNS = (
    "id, run_id, time, service, method, path, query, status, duration_ms, attempt, "
    "request_id, error, request_body, response_body, expected"
)


def _call(row: tuple[object, ...]) -> CallRow:
    time = dt_from_text(str(row[2]))
    assert time is not None
    return CallRow(
        id=int(str(row[0])),
        run_id=None if row[1] is None else int(str(row[1])),
        time=time,
        service=str(row[3]),
        method=str(row[4]),
        path=str(row[5]),
        query=str(row[6] or ""),
        status=None if row[7] is None else int(str(row[7])),
        duration_ms=float(str(row[8])),
        attempt=int(str(row[9])),
        request_id=None if row[10] is None else str(row[10]),
        error=None if row[11] is None else str(row[11]),
        request_body=None if row[12] is None else str(row[12]),
        response_body=None if row[13] is None else str(row[13]),
        expected=bool(row[14]),
    )


def status_filter(text: str) -> tuple[int, int]:
    """``"4xx"`` -> (400, 499), ``"429"`` -> (429, 429); ValueError names the accepted forms."""
    value = text.strip().lower()
    if len(value) == 3 and value[0] in "12345" and value[1:] == "xx":
        low = int(value[0]) * 100
        return low, low + 99
    if len(value) == 3 and value.isdigit() and 100 <= int(value) <= 599:
        return int(value), int(value)
    raise ValueError(f"status filter must look like 4xx or 429, not {text!r}")


class HistoryQueries:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def recent_calls(
        self,
        limit: int = 50,
        *,
        service: str | None = None,
        status: tuple[int, int] | None = None,
        failed_only: bool = False,
        run_id: int | None = None,
    ) -> list[CallRow]:
        """The newest ``limit`` calls matching the filters, oldest first (a log reads down).

        ``status`` is an inclusive range (``status_filter``); ``failed_only`` keeps calls with
        no answer or a 4xx/5xx, except the expected ones (a look-up's 404).
        """
        sql = f"SELECT {_CALL_COLUMNS} FROM api_calls WHERE 1 = 1"
        params: list[object] = []
        if service is not None:
            sql += " AND service = ?"
            params.append(service)
        if status is not None:
            sql += " AND status BETWEEN ? AND ?"
            params.extend(status)
        if failed_only:
            sql += " AND (status IS NULL OR status >= 400) AND NOT expected"
        if run_id is not None:
            sql += " AND run_id = ?"
            params.append(run_id)
        sql += " ORDER BY id DESC LIMIT ?"
        params.append(limit)
        rows = self._conn.execute(sql, params).fetchall()
        return [_call(r) for r in reversed(rows)]

    def run_call_stats(self) -> dict[int, RunCallStats]:
        """Per run id: calls per service, the busiest Xero minute, 429s and failed calls."""
        totals = self._conn.execute(
            "SELECT run_id, "
            "sum(service = 'xero'), sum(service = 'shopify'), sum(coalesce(status, 0) = 429), "
            "sum((status IS NULL OR status >= 400) AND NOT expected) "
            "FROM api_calls WHERE run_id IS NOT NULL GROUP BY run_id"
        ).fetchall()
        # Times are ISO-8601 UTC text, so the first 16 characters are the minute.
        peaks = dict(
            self._conn.execute(
                "SELECT run_id, max(n) FROM (SELECT run_id, count(*) AS n FROM api_calls "
                "WHERE service = 'xero' AND run_id IS NOT NULL "
                "GROUP BY run_id, substr(time, 1, 16)) GROUP BY run_id"
            ).fetchall()
        )
        return {
            int(run_id): RunCallStats(
                run_id=int(run_id),
                xero_calls=int(xero or 0),
                shopify_calls=int(shopify or 0),
                xero_peak_minute=int(peaks.get(run_id) or 0),
                throttled=int(throttled or 0),
                failed_calls=int(failed or 0),
            )
            for run_id, xero, shopify, throttled, failed in totals
        }

    def errors_per_day(self) -> list[tuple[str, int]]:
        """(UTC day ``YYYY-MM-DD``, error-queue entries created that day), oldest first."""
        rows = self._conn.execute(
            "SELECT substr(created_at, 1, 10) AS day, count(*) FROM error_queue "
            "GROUP BY day ORDER BY day"
        ).fetchall()
        return [(str(day), int(n)) for day, n in rows]
