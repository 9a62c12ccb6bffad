"""A state DB that is corrupt, foreign or from a newer shopxero is refused, and left as it was.

Each case: ``StateStore.open`` raises ``StateCorruptError`` naming ``shopxero rebuild``, and the
file's bytes are unchanged afterwards (no WAL switch, no migration, no new table).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from shopxero.errors import StateCorruptError, StoreError
from shopxero.store import StateStore
from shopxero.store.migrations import MIGRATIONS


def _garbage(path: Path) -> None:
    path.write_bytes(b"this is not a database\x00\x01\x02" * 200)


def _damaged_sqlite(path: Path) -> None:
    with StateStore.open(path) as store, store.atomic():
        for i in range(300):
            store.cache.put(f"key-{i}", {"value": "x" * 200})
    data = bytearray(path.read_bytes())
    # Overwrite the middle pages (b-tree pages) but keep the header: SQLite opens it, and
    # integrity_check finds the damage.
    for offset in range(4096 * 3, min(len(data), 4096 * 8)):
        data[offset] = 0x5A
    path.write_bytes(bytes(data))


def _foreign(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE recipes (id INTEGER PRIMARY KEY, title TEXT)")
    conn.execute("INSERT INTO recipes (title) VALUES ('bread')")
    conn.commit()
    conn.close()


def _newer(path: Path) -> None:
    StateStore.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO _migrations (name, applied_at) VALUES ('9999_future', 'x')")
    conn.commit()
    conn.close()


def _reordered(path: Path) -> None:
    StateStore.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute("DELETE FROM _migrations WHERE name = ?", (MIGRATIONS[0].name,))
    conn.execute(
        "INSERT INTO _migrations (name, applied_at) VALUES (?, 'x')", (MIGRATIONS[0].name,)
    )
    conn.commit()
    conn.close()


CASES: dict[str, tuple[Callable[[Path], None], str]] = {
    "garbage bytes": (_garbage, "not a readable shopxero database"),
    "damaged pages": (_damaged_sqlite, "rebuild"),
    "foreign sqlite": (_foreign, "did not create"),
    "newer schema": (_newer, "newer shopxero"),
    "migrations out of order": (_reordered, "does not match"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_refused_with_a_pointer_to_rebuild_and_left_untouched(case: str, tmp_path: Path) -> None:
    make, words = CASES[case]
    path = tmp_path / "state.db"
    make(path)
    before = path.read_bytes()
    with pytest.raises(StateCorruptError) as raised:
        StateStore.open(path)
    message = str(raised.value)
    assert "shopxero rebuild" in message and words in message, message
    assert isinstance(raised.value, StoreError)  # the CLI turns StoreError into exit 2
    assert path.read_bytes() == before


def test_a_healthy_db_opens_again(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    StateStore.open(path).close()
    with StateStore.open(path) as store:
        assert store.mappings.count() == 0
