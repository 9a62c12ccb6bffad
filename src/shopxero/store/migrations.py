"""Named, ordered schema migrations of the state DB, recorded in ``_migrations``.

A migration is applied once, in order, inside one transaction with its record in
``_migrations``. A DB that has tables but no ``_migrations`` (someone else's SQLite file), or that
records a migration this version does not know (written by a newer shopxero), is refused with
``StateCorruptError`` rather than silently rewritten: state.db is disposable, and
``shopxero rebuild`` is the way to start over.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from shopxero.errors import StateCorruptError

__all__ = ["EXPECTED_TABLES", "MIGRATIONS", "Migration", "apply_migrations", "check_schema"]


@dataclass(frozen=True)
class Migration:
    """One schema step: a unique name and the SQL statements it runs."""

    name: str
    statements: tuple[str, ...]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        "0001_initial",
        (
            # One row per Shopify record we have a Xero counterpart for. ``checksum`` and
            # ``payload_json`` are of the payload last sent (or found equal when linking);
            # ``xero_updated_utc`` is Xero's UpdatedDateUTC right after our last write, so a
            # newer one means a person edited it in Xero (docs/architecture.md, invariant 5).
            """CREATE TABLE mappings (
                entity TEXT NOT NULL,
                shopify_id TEXT NOT NULL,
                xero_id TEXT NOT NULL,
                natural_key TEXT NOT NULL,
                checksum TEXT,
                payload_json TEXT,
                xero_updated_utc TEXT,
                base_name TEXT,
                chosen_name TEXT,
                last_synced TEXT NOT NULL,
                PRIMARY KEY (entity, shopify_id)
            )""",
            "CREATE UNIQUE INDEX mappings_natural_key ON mappings (entity, natural_key)",
            "CREATE UNIQUE INDEX mappings_xero_id ON mappings (entity, xero_id)",
            # Intent before write (docs/architecture.md, invariant 2): committed before the request
            # is sent.
            """CREATE TABLE intents (
                id INTEGER PRIMARY KEY,
                entity TEXT NOT NULL,
                operation TEXT NOT NULL CHECK (operation IN ('create', 'update')),
                shopify_id TEXT NOT NULL,
                natural_key TEXT NOT NULL,
                idempotency_key TEXT NOT NULL,
                checksum TEXT NOT NULL,
                created_at TEXT NOT NULL,
                state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'settled', 'dropped')),
                settled_at TEXT
            )""",
            "CREATE INDEX intents_open ON intents (entity, state)",
            """CREATE TABLE cursors (
                entity TEXT PRIMARY KEY,
                last_value TEXT NOT NULL,
                updated_at TEXT NOT NULL
            )""",
            """CREATE TABLE runs (
                id INTEGER PRIMARY KEY,
                started_at TEXT NOT NULL,
                finished_at TEXT,
                status TEXT NOT NULL,
                dry_run INTEGER NOT NULL DEFAULT 0,
                counts_json TEXT NOT NULL DEFAULT '{}',
                notes_json TEXT NOT NULL DEFAULT '[]',
                message TEXT
            )""",
            """CREATE TABLE error_queue (
                id INTEGER PRIMARY KEY,
                run_id INTEGER REFERENCES runs (id) ON DELETE SET NULL,
                operation TEXT NOT NULL,
                entity TEXT NOT NULL,
                shopify_id TEXT NOT NULL,
                xero_id TEXT,
                label TEXT NOT NULL DEFAULT '',
                error_class TEXT NOT NULL,
                message TEXT NOT NULL,
                validation_json TEXT NOT NULL DEFAULT '[]',
                retryable INTEGER NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 1,
                next_retry_at TEXT,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                resolved_at TEXT,
                resolution TEXT
            )""",
            # At most one open entry per record: a repeat failure bumps attempts instead.
            """CREATE UNIQUE INDEX error_queue_open ON error_queue (entity, shopify_id)
                WHERE resolved_at IS NULL""",
            """CREATE TABLE api_calls (
                id INTEGER PRIMARY KEY,
                run_id INTEGER REFERENCES runs (id) ON DELETE SET NULL,
                time TEXT NOT NULL,
                service TEXT NOT NULL,
                method TEXT NOT NULL,
                path TEXT NOT NULL,
                query TEXT NOT NULL DEFAULT '',
                status INTEGER,
                duration_ms REAL NOT NULL DEFAULT 0,
                attempt INTEGER NOT NULL DEFAULT 1,
                request_id TEXT,
                error TEXT
            )""",
            # Xero organisation data (accounts, tax rates, organisation) so that a run with
            # nothing to write makes no Xero call.
            """CREATE TABLE xero_cache (
                key TEXT PRIMARY KEY,
                value_json TEXT NOT NULL,
                fetched_at TEXT NOT NULL
            )""",
        ),
    ),
    # The checksum of the payload that failed, so an unchanged record whose failure is permanent
    # is not sent again on every run that re-reads it (lookback window); ``errors retry`` does.
    Migration("0002_error_queue_checksum", ("ALTER TABLE error_queue ADD COLUMN checksum TEXT",)),
    # Redacted, truncated bodies of failed calls, for `shopxero log --bodies` (diagnosis).
    Migration(
        "0003_api_call_bodies",
        (
            "ALTER TABLE api_calls ADD COLUMN request_body TEXT",
            "ALTER TABLE api_calls ADD COLUMN response_body TEXT",
        ),
    ),
    # Notifications sent per channel and problem (``store.notices``): once per problem, a
    # reminder after a day, a "resolved" message when it clears.
    Migration(
        "0004_notices",
        (
            """CREATE TABLE notices (
                channel TEXT NOT NULL,
                key TEXT NOT NULL,
                title TEXT NOT NULL,
                members_json TEXT NOT NULL DEFAULT '[]',
                first_sent_at TEXT NOT NULL,
                last_sent_at TEXT NOT NULL,
                PRIMARY KEY (channel, key)
            )""",
        ),
    ),
    # 1 for an answer the caller expected although its status is an error: the 404 of a
    # look-up ("is there a contact with this number?"), which `shopxero log --failed` leaves out.
    Migration(
        "0005_api_call_expected",
        ("ALTER TABLE api_calls ADD COLUMN expected INTEGER NOT NULL DEFAULT 0",),
    ),
    # The last rate-limit status read from a service (``store.rate_limits``): Shopify's GraphQL
    # cost bucket is only known from an answer, so the next run starts from the last one.
    Migration(
        "0006_rate_limits",
        (
            """CREATE TABLE rate_limits (
                key TEXT PRIMARY KEY,
                maximum REAL NOT NULL,
                available REAL NOT NULL,
                restore_rate REAL NOT NULL,
                seen_at TEXT NOT NULL
            )""",
        ),
    ),
)

EXPECTED_TABLES = frozenset(
    {
        "mappings",
        "intents",
        "cursors",
        "runs",
        "error_queue",
        "api_calls",
        "xero_cache",
        "notices",
        "rate_limits",
    }
)


def _tables(conn: sqlite3.Connection) -> set[str]:
    rows = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ).fetchall()
    return {str(row[0]) for row in rows}


def check_schema(conn: sqlite3.Connection, migrations: Sequence[Migration] = MIGRATIONS) -> None:
    """Refuse a foreign or newer schema, writing nothing (a refused file stays as it was)."""
    tables = _tables(conn)
    if tables and "_migrations" not in tables:
        raise StateCorruptError(
            "the state DB holds tables shopxero did not create (a foreign SQLite file?): "
            "run `shopxero rebuild` or point --data-dir elsewhere"
        )
    if "_migrations" not in tables:
        return
    done = [str(r[0]) for r in conn.execute("SELECT name FROM _migrations ORDER BY rowid")]
    known = [m.name for m in migrations]
    unknown = [name for name in done if name not in known]
    if unknown:
        raise StateCorruptError(
            f"the state DB was written by a newer shopxero (migrations {unknown}): "
            "upgrade shopxero or run `shopxero rebuild`"
        )
    if done != known[: len(done)]:
        raise StateCorruptError(
            f"the state DB's migration history {done} does not match this version's order: "
            "run `shopxero rebuild`"
        )


def apply_migrations(
    conn: sqlite3.Connection, migrations: Sequence[Migration] = MIGRATIONS
) -> list[str]:
    """Apply pending migrations in order; return the names applied. Refuse a foreign schema."""
    check_schema(conn, migrations)
    conn.execute(
        "CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
    )
    done = [str(r[0]) for r in conn.execute("SELECT name FROM _migrations ORDER BY rowid")]
    applied: list[str] = []
    for migration in migrations[len(done) :]:
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in migration.statements:
                conn.execute(statement)
            conn.execute(
                "INSERT INTO _migrations (name, applied_at) VALUES (?, ?)",
                (migration.name, datetime.now(UTC).isoformat()),
            )
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        applied.append(migration.name)
    missing = EXPECTED_TABLES - _tables(conn)
    if missing and migrations is MIGRATIONS:
        raise StateCorruptError(
            f"the state DB is missing tables {sorted(missing)}: run `shopxero rebuild`"
        )
    return applied
