"""``shopxero rebuild`` and ``shopxero redact`` take the sync's run lock (``sync.runlock``).

Either one rewrites the state DB a sync is writing, so while a sync holds the data dir's lock
both refuse through the command line with exit 2 and the run lock's own message, touching
nothing; and it is the very lock ``run_lock`` takes (the same file, the same exclusion).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from shopxero.cli.app import _register_commands, app
from shopxero.engine import runlock
from shopxero.engine.runlock import run_lock

COMMANDS = {
    "rebuild": (["rebuild"], "rebuild when it has finished"),
    "redact": (["redact", "--customer", "7100000000003"], "redact when it has finished"),
}


def _invoke(data_dir: Path, args: list[str]) -> tuple[int, str]:
    # Settings that load; nothing is listening there, and nothing may be called while refused.
    env_file = data_dir.parent / "x.env"
    env_file.write_text(
        "SHOPXERO_SHOPIFY_BASE_URL=http://127.0.0.1:9\nSHOPXERO_SHOPIFY_ACCESS_TOKEN=t\n"
    )
    _register_commands()
    result = CliRunner().invoke(
        app, ["--env-file", str(env_file), "--data-dir", str(data_dir), *args]
    )
    return result.exit_code, result.output


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_refused_while_a_sync_holds_the_run_lock(tmp_path: Path, command: str) -> None:
    args, hint = COMMANDS[command]
    data = tmp_path / "data"
    data.mkdir()
    state_db = data / "state.db"
    state_db.write_bytes(b"the sync's state DB, mid-run")
    with run_lock(data):  # what `shopxero sync` holds for its whole run
        code, out = _invoke(data, args)
    assert code == 2, out
    flat = " ".join(out.split())  # the console wraps long lines
    assert f"another shopxero sync is running on {data} (lock file sync.lock): {hint}" in flat, out
    # Refused before touching anything: no rebuild file, the state DB as it was.
    assert sorted(p.name for p in data.iterdir()) == ["state.db", "sync.lock"]
    assert state_db.read_bytes() == b"the sync's state DB, mid-run"


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_the_lock_is_run_locks(
    tmp_path: Path, command: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Only a command that goes through run_lock follows its lock file name.
    monkeypatch.setattr(runlock, "LOCK_FILE_NAME", "moved.lock")
    args, _ = COMMANDS[command]
    data = tmp_path / "data"
    with run_lock(data):
        assert (data / "moved.lock").exists()
        code, out = _invoke(data, args)
    assert code == 2 and "another shopxero sync is running" in out, out


def test_redact_runs_once_the_sync_has_finished(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with run_lock(data):
        pass
    code, out = _invoke(data, COMMANDS["redact"][0])
    assert code == 0, out
    assert "nothing (left) to redact" in out
