"""What each notification channel was last told about each open problem (``shopxero.notify``).

One row per (channel, problem key) while the problem is open and the channel has been told:
the title it was told (for the "resolved" message), the members it was told about (error-queue
entry ids, a failure's kind: a member it has not heard of makes a new notice), and when it was
first and last told (a reminder goes out a day after the last). The row goes when the channel
has been told the problem cleared. A channel is a hash of its URL, never the URL (it may hold a
secret).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from shopxero.store.values import dt_from_text, dt_to_text

__all__ = ["NoticeRepo", "SentNotice"]


@dataclass(frozen=True)
class SentNotice:
    channel: str
    key: str
    title: str
    members: frozenset[str]
    first_sent_at: datetime
    last_sent_at: datetime


class NoticeRepo:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def for_channel(self, channel: str) -> list[SentNotice]:
        rows = self._conn.execute(
            "SELECT channel, key, title, members_json, first_sent_at, last_sent_at "
            "FROM notices WHERE channel = ? ORDER BY key",
            (channel,),
        ).fetchall()
        found: list[SentNotice] = []
        for row in rows:
            first, last = dt_from_text(row[4]), dt_from_text(row[5])
            assert first is not None and last is not None
            found.append(
                SentNotice(row[0], row[1], row[2], frozenset(json.loads(row[3])), first, last)
            )
        return found

    def put(self, notice: SentNotice) -> None:
        self._conn.execute(
            "INSERT INTO notices (channel, key, title, members_json, first_sent_at, last_sent_at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (channel, key) DO UPDATE SET "
            "title = excluded.title, members_json = excluded.members_json, "
            "first_sent_at = excluded.first_sent_at, last_sent_at = excluded.last_sent_at",
            (
                notice.channel,
                notice.key,
                notice.title,
                json.dumps(sorted(notice.members)),
                dt_to_text(notice.first_sent_at),
                dt_to_text(notice.last_sent_at),
            ),
        )

    def delete(self, channel: str, key: str) -> None:
        self._conn.execute("DELETE FROM notices WHERE channel = ? AND key = ?", (channel, key))

    def keep_only_channels(self, channels: Iterable[str]) -> None:
        """Forget channels no longer configured (a URL removed or changed)."""
        keep = sorted(set(channels))
        marks = ", ".join("?" for _ in keep)
        if keep:
            self._conn.execute(f"DELETE FROM notices WHERE channel NOT IN ({marks})", keep)
        else:
            self._conn.execute("DELETE FROM notices")
