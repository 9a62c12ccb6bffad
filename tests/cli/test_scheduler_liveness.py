"""A scheduler that is gone or hung, as the container's healthcheck sees it (issue 17 §6).

- A live scheduler rewrites its heartbeat during a run, so a killed one's stale "running" is
  read as gone by a health check in any container on the volume, not as a long run.
- ``health --restart-hung`` ends (SIGKILL) a hung scheduler of this host, so the restart policy
  starts a fresh one; never a process of another host or one that is no scheduler.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from typer.testing import CliRunner

from shopxero.cli.app import _register_commands, app
from shopxero.scheduling.scheduler import Scheduler, TickOutcome
from shopxero.scheduling.times import EveryTimes, Heartbeat, utc_text


def _health(data: Path, *extra: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    _register_commands()
    result = CliRunner().invoke(app, ["--data-dir", str(data), "health", "--json", *extra])
    return result.exit_code, json.loads(result.output)


def _write(data: Path, **fields: object) -> None:
    now = datetime.now(UTC)
    values: dict[str, object] = {
        "schedule": "every 15m",
        "state": "running",
        "pid": 1,
        "updated_at": utc_text(now),
        "started_at": utc_text(now - timedelta(minutes=1)),
        "host": socket.gethostname(),
    }
    values.update(fields)
    Heartbeat(**values).write(data)  # type: ignore[arg-type]


def test_a_run_rewrites_the_heartbeat_while_it_goes(tmp_path: Path) -> None:
    data = tmp_path / "data"
    seen: list[str] = []

    def tick() -> TickOutcome:
        first = Heartbeat.read(data)
        assert first is not None and first.state == "running"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # until the beat thread has written a newer one
            hb = Heartbeat.read(data)
            assert hb is not None
            if hb.updated_at != first.updated_at:
                seen.append(hb.state)
                break
            time.sleep(0.05)
        return TickOutcome("ok", 0, 1, "done")

    scheduler = Scheduler(
        EveryTimes(timedelta(hours=1)),
        data_dir=data,
        run_tick=tick,
        max_runs=1,
        echo=lambda line: None,
        beat_every=0.05,
    )
    assert scheduler.run() == 0
    assert seen == ["running"]
    final = Heartbeat.read(data)
    assert final is not None and final.host == socket.gethostname()


def test_a_killed_scheduler_s_stale_running_heartbeat_is_not_read_as_alive(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    long_ago = datetime.now(UTC) - timedelta(minutes=20)
    # Written by a scheduler in another container, killed during a run 20 minutes ago.
    _write(data, updated_at=utc_text(long_ago), started_at=utc_text(long_ago), host="c0ffee")
    code, out = _health(data)
    assert code == 1
    (problem,) = out["problems"]
    assert "was last written 20 min ago" in problem and "that scheduler is gone" in problem


def test_restart_hung_ends_this_host_s_stuck_scheduler(tmp_path: Path) -> None:
    data = tmp_path / "data"
    # A real process whose command line is a scheduler's, stuck in a run for three hours.
    stuck = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)", "schedule"])
    try:
        _write(data, pid=stuck.pid, started_at=utc_text(datetime.now(UTC) - timedelta(hours=3)))
        code, out = _health(data, "--restart-hung")
        assert code == 1
        assert "has not finished" in out["problems"][0]
        assert f"ended the hung scheduler (pid {stuck.pid}, SIGKILL)" in out["notes"][-1]
        assert stuck.wait(timeout=60) == -9
    finally:
        stuck.kill()
        stuck.wait()


def test_restart_hung_leaves_other_hosts_and_other_processes_alone(tmp_path: Path) -> None:
    data = tmp_path / "data"
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    try:
        three_hours = utc_text(datetime.now(UTC) - timedelta(hours=3))
        _write(data, pid=other.pid, started_at=three_hours)  # not a scheduler's command line
        code, out = _health(data, "--restart-hung")
        assert code == 1 and "is not a shopxero scheduler: not ended" in out["notes"][-1]
        _write(data, pid=other.pid, started_at=three_hours, host="another-container")
        code, out = _health(data, "--restart-hung")
        assert code == 1 and "runs on another-container" in out["notes"][-1]
        assert other.poll() is None  # still running
        code, out = _health(data)  # without the option nothing is ended either
        assert code == 1 and not any("ended" in note for note in out["notes"])
    finally:
        other.kill()
        other.wait()
