"""Data at rest (issue 16 §6): the data dir 0700; state.db, its WAL/SHM files, the run lock and
the heartbeat 0600, whatever the umask; a data dir made before with wider modes is fixed, with
one note."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from shopxero.cli.app import _register_commands, app
from shopxero.sandbox.run import RunningSandboxes, start_sandboxes
from shopxero.store import StateStore


@pytest.fixture(autouse=True)
def _usual_umask() -> Iterator[None]:
    """The common 022 umask, which alone would give 0755 folders and 0644 files."""
    old = os.umask(0o022)
    yield
    os.umask(old)


@pytest.fixture
def sandboxes(monkeypatch: pytest.MonkeyPatch) -> Iterator[RunningSandboxes]:
    with start_sandboxes("demo") as running:
        for key, value in running.env().items():
            monkeypatch.setenv(key, value)
        yield running


def _invoke(args: list[str]) -> Any:
    _register_commands()
    return CliRunner().invoke(app, args)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_sync_makes_a_private_data_dir(sandboxes: RunningSandboxes, tmp_path: Path) -> None:
    data = tmp_path / "data"
    result = _invoke(["--data-dir", str(data), "sync"])
    assert result.exit_code in (0, 1), result.output
    assert _mode(data) == 0o700
    for name in ("state.db", "sync.lock"):
        assert _mode(data / name) == 0o600, name
    assert "note: made private" not in result.stderr  # nothing was wider
    # SQLite makes the WAL and SHM files while the DB is open, with the DB's own mode.
    with StateStore.open(data / "state.db") as store:
        assert store.runs.recent(1)
        for name in ("state.db-wal", "state.db-shm"):
            assert _mode(data / name) == 0o600, name


def test_the_scheduler_heartbeat_is_private(tmp_path: Path) -> None:
    data = tmp_path / "data"
    result = _invoke(["--data-dir", str(data), "schedule", "--every", "1h", "--max-runs", "1"])
    assert result.exit_code == 0, result.output  # the tick failed (no settings), was logged
    assert _mode(data) == 0o700
    assert _mode(data / "schedule.json") == 0o600


def test_a_data_dir_made_before_is_fixed_with_one_note(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert _invoke(["--data-dir", str(data), "errors", "list"]).exit_code == 0
    # As an older shopxero (or a restore from a backup) left it, WAL files included.
    data.chmod(0o755)
    (data / "state.db").chmod(0o644)
    for name in ("state.db-wal", "state.db-shm"):
        (data / name).touch(mode=0o644)
    (data / "notes.txt").write_text("the merchant's own file")  # not ours: left alone
    (data / "notes.txt").chmod(0o644)

    result = _invoke(["--data-dir", str(data), "errors", "list"])
    assert result.exit_code == 0, result.output
    notes = [line for line in result.stderr.splitlines() if line.startswith("note:")]
    assert len(notes) == 1, result.stderr
    note = " ".join(result.stderr.split())
    for name in ("state.db", "state.db-wal", "state.db-shm"):
        assert f"{data / name} (was 0644)" in note
    assert f"{data} (was 0755)" in note
    assert _mode(data) == 0o700
    # (SQLite removes the WAL and SHM files when the command closes the DB.)
    assert _mode(data / "state.db") == 0o600
    assert _mode(data / "notes.txt") == 0o644

    again = _invoke(["--data-dir", str(data), "errors", "list"])
    assert again.exit_code == 0 and "note:" not in again.stderr
