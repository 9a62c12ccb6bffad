"""`shopxero rebuild` end to end over real HTTP, and what the other commands do with a bad state DB.

A corrupt or foreign state DB stops `sync` and `status` with exit 2 and a pointer to `rebuild`,
and is never overwritten; `rebuild` builds a new one and keeps the old file aside.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from shopxero.cli.app import _register_commands, app
from shopxero.sandbox.run import RunningSandboxes, start_sandboxes


@pytest.fixture
def sandboxes(monkeypatch: pytest.MonkeyPatch) -> Iterator[RunningSandboxes]:
    with start_sandboxes("demo") as running:
        for key, value in running.env().items():
            monkeypatch.setenv(key, value)
        # The CLI paces Shopify in real time (one transactions read per order for payments);
        # payments and refunds through a rebuild are tested in tests/sync/test_rebuild.py on a
        # sped-up clock. Here: the command, its files and its exit codes.
        monkeypatch.setenv("SHOPXERO_SYNC_PAYMENTS", "false")
        yield running


def _invoke(args: list[str]) -> tuple[int, str]:
    _register_commands()
    result = CliRunner().invoke(app, args)
    return result.exit_code, result.output


def _xero_api_calls(url: str) -> list[dict[str, Any]]:
    requests = httpx.get(f"{url}/_sandbox/requests").json()["requests"]
    return [r for r in requests if r["path"].startswith("/api.xro")]


def _writes(calls: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [c for c in calls if c["method"] in ("PUT", "POST")]


def test_rebuild_after_the_state_db_is_lost_then_sync_writes_nothing(
    sandboxes: RunningSandboxes, tmp_path: Path
) -> None:
    _invoke(["--data-dir", str(tmp_path), "sync", "--json"])
    for name in ("state.db", "state.db-wal", "state.db-shm"):
        (tmp_path / name).unlink(missing_ok=True)

    before = len(_xero_api_calls(sandboxes.xero_url))
    code, out = _invoke(["--data-dir", str(tmp_path), "rebuild", "--json"])
    assert code == 0, out
    report = json.loads(out)
    assert report["moved_aside"] is None
    assert report["linked"] > 0 and report["unlinked"] == []
    assert _writes(_xero_api_calls(sandboxes.xero_url)[before:]) == []
    assert not (tmp_path / "state.db.rebuilding").exists()
    code, out = _invoke(["--data-dir", str(tmp_path), "status", "--json"])
    (run,) = json.loads(out)["runs"]
    assert run["dry_run"] and "shopxero rebuild" in run["message"]

    before = len(_xero_api_calls(sandboxes.xero_url))
    code, out = _invoke(["--data-dir", str(tmp_path), "sync", "--json"])
    synced = json.loads(out)
    assert code == 1, out  # the demo's broken order, queued by this sync
    assert _writes(_xero_api_calls(sandboxes.xero_url)[before:]) == []
    for outcome in ("created", "updated", "linked"):
        assert sum(c[outcome] for c in synced["counts"].values()) == 0, outcome


def test_rebuild_prints_a_table(sandboxes: RunningSandboxes, tmp_path: Path) -> None:
    code, out = _invoke(["--data-dir", str(tmp_path), "rebuild"])
    assert code == 0, out
    # Nothing was synced yet: every record is reported as missing, for the next sync to create.
    assert "nothing written to Xero" in out and "not linked" in out
    assert "missing" in out and "run `shopxero sync` next" in " ".join(out.split())
    assert _writes(_xero_api_calls(sandboxes.xero_url)) == []


@pytest.mark.parametrize("kind", ["garbage", "foreign"])
def test_a_bad_state_db_stops_sync_and_status_and_rebuild_moves_it_aside(
    sandboxes: RunningSandboxes, tmp_path: Path, kind: str
) -> None:
    state = tmp_path / "state.db"
    if kind == "garbage":
        state.write_bytes(b"\x00garbage, not SQLite\xff" * 100)
    else:
        conn = sqlite3.connect(state)
        conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
        conn.commit()
        conn.close()
    original = state.read_bytes()

    for command in (["sync"], ["status"], ["errors", "list"]):
        code, out = _invoke(["--data-dir", str(tmp_path), *command])
        assert code == 2, (command, out)
        assert "shopxero rebuild" in out, out
        assert state.read_bytes() == original
    assert _xero_api_calls(sandboxes.xero_url) == []  # refused before any call

    code, out = _invoke(["--data-dir", str(tmp_path), "rebuild", "--json"])
    assert code == 0, out
    aside = Path(json.loads(out)["moved_aside"])
    assert aside.name.startswith("state.db.corrupt-")
    assert aside.read_bytes() == original
    code, out = _invoke(["--data-dir", str(tmp_path), "status", "--json"])
    assert code == 0, out


def test_rebuild_keeps_a_healthy_db_aside(sandboxes: RunningSandboxes, tmp_path: Path) -> None:
    _invoke(["--data-dir", str(tmp_path), "sync", "--json"])
    code, out = _invoke(["--data-dir", str(tmp_path), "rebuild", "--json"])
    assert code == 0, out
    aside = Path(json.loads(out)["moved_aside"])
    assert aside.name.startswith("state.db.replaced-")
    with sqlite3.connect(aside) as conn:  # the old DB is still a readable copy
        assert conn.execute("SELECT count(*) FROM mappings").fetchone()[0] > 0


def test_a_failed_rebuild_changes_nothing(
    sandboxes: RunningSandboxes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = tmp_path / "state.db"
    state.write_bytes(b"garbage" * 50)
    monkeypatch.setenv("SHOPXERO_XERO_CLIENT_SECRET", "not-the-secret-0123456789")
    code, out = _invoke(["--data-dir", str(tmp_path), "rebuild"])
    assert code == 2, out
    assert "not-the-secret-0123456789" not in out
    assert state.read_bytes() == b"garbage" * 50
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("state.db")) == [
        "state.db"
    ]
