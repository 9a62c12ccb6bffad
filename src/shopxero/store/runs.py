"""Sync run history: when each run started and ended, its counts and notes, and its status."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from shopxero.store.values import dt_from_text, dt_to_text, utcnow

__all__ = ["RunRecord", "RunRepo"]


@dataclass(frozen=True)
class RunRecord:
    id: int
    started_at: datetime
    finished_at: datetime | None
    status: str  # running | ok | failed_records | stopped | error | interrupted
    dry_run: bool
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    message: str | None = None


def _row(row: tuple[Any, ...]) -> RunRecord:
    started = dt_from_text(row[1])
    assert started is not None
    return RunRecord(
        id=int(row[0]),
        started_at=started,
        finished_at=dt_from_text(row[2]),
        status=row[3],
        dry_run=bool(row[4]),
        counts=json.loads(row[5]),
        notes=json.loads(row[6]),
        message=row[7],
    )


_COLUMNS = "id, started_at, finished_at, status, dry_run, counts_json, notes_json, message"


class RunRepo:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def start(self, *, started_at: datetime, dry_run: bool = False) -> int:
        cursor = self._conn.execute(
            "INSERT INTO runs (started_at, status, dry_run) VALUES (?, 'running', ?)",
            (dt_to_text(started_at), int(dry_run)),
        )
        assert cursor.lastrowid is not None
        return int(cursor.lastrowid)

    def finish(
        self,
        run_id: int,
        *,
        status: str,
        counts: dict[str, dict[str, int]],
        notes: list[str],
        message: str | None = None,
        finished_at: datetime | None = None,
    ) -> None:
        self._conn.execute(
            "UPDATE runs SET finished_at = ?, status = ?, counts_json = ?, notes_json = ?, "
            "message = ? WHERE id = ?",
            (
                dt_to_text(finished_at or utcnow()),
                status,
                json.dumps(counts, sort_keys=True),
                json.dumps(notes),
                message,
                run_id,
            ),
        )

    def get(self, run_id: int) -> RunRecord | None:
        row = self._conn.execute(f"SELECT {_COLUMNS} FROM runs WHERE id = ?", (run_id,)).fetchone()
        return _row(row) if row else None

    def recent(self, limit: int = 10) -> list[RunRecord]:
        rows = self._conn.execute(
            f"SELECT {_COLUMNS} FROM runs ORDER BY id DESC LIMIT ?", (limit,)
        ).fetchall()
        return [_row(r) for r in rows]
