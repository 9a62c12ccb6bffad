"""The SQLite connection of the state DB: opening, checking, WAL, and ``atomic()`` transactions.

``StateStore.open(path)`` checks the file (``PRAGMA integrity_check`` and the migration history),
applies pending migrations and hands out one repository per table group (``store.mappings``,
``store.intents``, ``store.cursors``, ``store.runs``, ``store.errors``, ``store.calls``,
``store.cache``, ``store.notices``; ``store.history`` reads only). All SQL of shopxero lives in
this package (docs/architecture.md, the table in Package layout).

Transactions: the connection is in autocommit mode and ``atomic()`` opens ``BEGIN IMMEDIATE``
(the write lock up front, so two processes never deadlock on upgrade), nesting as SAVEPOINTs the
way sqlite-utils' ``Database.atomic()`` does. Writes made outside ``atomic()`` commit at once.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from shopxero.errors import StateCorruptError, StoreError
from shopxero.store.cache import CacheRepo
from shopxero.store.calls import CallRepo
from shopxero.store.cursors import CursorRepo
from shopxero.store.errors_queue import ErrorQueueRepo
from shopxero.store.history import HistoryQueries
from shopxero.store.intents import IntentRepo
from shopxero.store.mappings import MappingRepo
from shopxero.store.migrations import apply_migrations, check_schema
from shopxero.store.notices import NoticeRepo
from shopxero.store.private import create_private_file, make_data_dir
from shopxero.store.rate_limits import RateLimitRepo
from shopxero.store.redact import RedactionRepo
from shopxero.store.runs import RunRepo

__all__ = ["StateStore"]


class StateStore:
    """The state DB of one data dir. Use as a context manager or call ``close()``."""

    def __init__(self, conn: sqlite3.Connection, path: str) -> None:
        self._conn = conn
        self.path = path
        self._depth = 0
        self.mappings = MappingRepo(conn)
        self.intents = IntentRepo(conn)
        self.cursors = CursorRepo(conn)
        self.runs = RunRepo(conn)
        self.errors = ErrorQueueRepo(conn)
        self.calls = CallRepo(conn)
        self.cache = CacheRepo(conn)
        self.history = HistoryQueries(conn)  # read-only: `shopxero log`, `report --html`
        self.redaction = RedactionRepo(conn)  # `shopxero redact`
        self.notices = NoticeRepo(conn)  # `shopxero.notify`: what each channel was told
        self.rate_limits = RateLimitRepo(conn)  # the last rate-limit status read (clients.py)

    @classmethod
    def open(cls, path: Path | str) -> StateStore:
        """Open (creating if needed) and check the state DB at ``path`` (``":memory:"`` works)."""
        target = str(path)
        if target != ":memory:":
            # Customers' names, emails and addresses: readable by the tool's user only.
            make_data_dir(Path(target).parent)
        try:
            if target != ":memory:":
                create_private_file(Path(target))
            conn = sqlite3.connect(target, isolation_level=None, timeout=30.0)
        except (sqlite3.Error, OSError) as exc:
            raise StoreError(f"cannot open the state DB {target}: {exc}") from exc
        try:
            _check_integrity(conn, target)
            # Before WAL (which rewrites the file header): a refused file stays byte for byte.
            check_schema(conn)
            conn.execute("PRAGMA foreign_keys = ON")
            if target != ":memory:":
                conn.execute("PRAGMA journal_mode = WAL")
                # WAL + NORMAL is durable across application crashes (only an OS crash can lose
                # the last commits), which is the failure the intents guard against.
                conn.execute("PRAGMA synchronous = NORMAL")
            apply_migrations(conn)
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise StateCorruptError(
                f"the state DB {target} is not a readable shopxero database ({exc}): "
                "run `shopxero rebuild`"
            ) from exc
        except BaseException:
            conn.close()
            raise
        return cls(conn, target)

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> StateStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def atomic(self) -> Iterator[None]:
        """One transaction (or a savepoint inside an outer one); rolled back on any exception."""
        if self._depth == 0:
            self._conn.execute("BEGIN IMMEDIATE")
            begin, commit, rollback = None, "COMMIT", "ROLLBACK"
        else:
            name = f"sp{self._depth}"
            begin = f"SAVEPOINT {name}"
            commit, rollback = f"RELEASE {name}", f"ROLLBACK TO {name}; RELEASE {name}"
            self._conn.execute(begin)
        self._depth += 1
        try:
            yield
        except BaseException:
            self._depth -= 1
            # A failed statement may already have ended the transaction; only roll back if one
            # is still open, so the original error is the one the caller sees.
            if self._conn.in_transaction:
                for statement in rollback.split("; "):
                    self._conn.execute(statement)
            raise
        self._depth -= 1
        self._conn.execute(commit)


def _check_integrity(conn: sqlite3.Connection, target: str) -> None:
    rows = conn.execute("PRAGMA integrity_check").fetchall()
    results = [str(row[0]) for row in rows]
    if results != ["ok"]:
        raise StateCorruptError(
            f"the state DB {target} failed its integrity check ({'; '.join(results[:3])}): "
            "run `shopxero rebuild`"
        )
