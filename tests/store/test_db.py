"""The state DB opens, migrates once, refuses foreign or corrupt files, and rolls back."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from shopxero.errors import StateCorruptError
from shopxero.store import StateStore
from shopxero.store.migrations import MIGRATIONS, Migration, apply_migrations


def test_open_creates_schema_in_wal_mode(tmp_path: Path) -> None:
    with StateStore.open(tmp_path / "sub" / "state.db") as store:
        conn = store._conn
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        names = [r[0] for r in conn.execute("SELECT name FROM _migrations")]
        assert names == [m.name for m in MIGRATIONS]


def test_reopen_applies_nothing_twice(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    StateStore.open(path).close()
    conn = sqlite3.connect(path, isolation_level=None)
    assert apply_migrations(conn) == []
    conn.close()


def test_foreign_sqlite_file_is_refused_not_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE photos (id INTEGER)")
    conn.commit()
    conn.close()
    with pytest.raises(StateCorruptError, match="rebuild"):
        StateStore.open(path)
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT name FROM sqlite_master").fetchall() == [("photos",)]
    conn.close()


def test_garbage_file_is_state_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    path.write_bytes(b"this is not a database at all" * 200)
    with pytest.raises(StateCorruptError, match="shopxero rebuild"):
        StateStore.open(path)


def test_db_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    StateStore.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO _migrations VALUES ('9999_future', 'x')")
    conn.commit()
    conn.close()
    with pytest.raises(StateCorruptError, match="newer shopxero"):
        StateStore.open(path)


def test_pending_migration_applies_in_order() -> None:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    extra = (*MIGRATIONS, Migration("9000_probe", ("CREATE TABLE probe (x INTEGER)",)))
    assert apply_migrations(conn, MIGRATIONS[:1]) == ["0001_initial"]
    assert apply_migrations(conn, extra) == [m.name for m in MIGRATIONS[1:]] + ["9000_probe"]
    assert apply_migrations(conn, extra) == []


def test_an_older_state_db_is_upgraded_in_place(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    conn = sqlite3.connect(path, isolation_level=None)
    apply_migrations(conn, MIGRATIONS[:1])
    conn.execute(
        "INSERT INTO cursors (entity, last_value, updated_at) VALUES ('orders', ?, ?)",
        ("2026-01-01T00:00:00+00:00", "2026-01-01T00:00:00+00:00"),
    )
    conn.close()
    with StateStore.open(path) as store:
        assert store.cursors.get("orders") == datetime(2026, 1, 1, tzinfo=UTC)
        error_id = store.errors.record(
            operation="create",
            entity="items",
            shopify_id="1/2",
            error_class="ValidationError",
            message="m",
            retryable=False,
            checksum="abc",
        )
        entry = store.errors.get(error_id)
        assert entry is not None and entry.checksum == "abc"


def test_atomic_rolls_back_on_error_and_nests() -> None:
    store = StateStore.open(":memory:")
    now = datetime(2026, 1, 1, tzinfo=UTC)
    with pytest.raises(RuntimeError), store.atomic():
        store.cursors.advance("customers", now)
        raise RuntimeError("boom")
    assert store.cursors.get("customers") is None
    with store.atomic():
        store.cursors.advance("customers", now)
        with pytest.raises(RuntimeError), store.atomic():
            store.cursors.advance("orders", now)
            raise RuntimeError("inner")
    assert store.cursors.get("customers") == now
    assert store.cursors.get("orders") is None
