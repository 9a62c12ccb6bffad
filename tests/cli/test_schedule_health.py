"""`shopxero health`, the container's healthcheck, read against the scheduler's heartbeat."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from shopxero.cli.app import AppContext, _register_commands, app
from shopxero.cli.health_cmd import check_health
from shopxero.scheduling.scheduler import Scheduler, TickOutcome
from shopxero.scheduling.times import EveryTimes, Heartbeat, utc_text

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def _invoke(args: list[str]) -> tuple[int, str]:
    _register_commands()
    result = CliRunner().invoke(app, args)
    return result.exit_code, result.output


def _beat(data_dir: Path, **fields: object) -> None:
    values: dict[str, object] = {
        "schedule": "every 15m",
        "state": "waiting",
        "pid": 1,
        "updated_at": utc_text(NOW),
        "next_run_at": utc_text(NOW + timedelta(minutes=10)),
        "ticks": 4,
        "last_exit": 0,
    }
    values.update(fields)
    Heartbeat(**values).write(data_dir)  # type: ignore[arg-type]


def _health(data_dir: Path) -> tuple[bool, list[str]]:
    report = check_health(AppContext(None, data_dir), now=NOW)
    return report.healthy, report.problems


def test_a_fresh_data_dir_is_healthy_and_the_cli_says_so(tmp_path: Path) -> None:
    code, out = _invoke(["--data-dir", str(tmp_path / "new"), "health"])
    assert code == 0, out
    assert out.strip().endswith("healthy") and "no scheduler has run" in out
    assert list((tmp_path / "new").iterdir()) == []  # the probe file is cleaned up


def test_a_data_dir_that_cannot_be_written_is_unhealthy(tmp_path: Path) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("a file where the volume should be")
    code, out = _invoke(["--data-dir", str(blocker), "health", "--json"])
    assert code == 1
    data = json.loads(out)
    assert data["healthy"] is False
    assert "not writable" in data["problems"][0] and str(blocker) in data["problems"][0]


def test_invalid_settings_are_unhealthy_with_exit_1_not_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHOPXERO_LOOKBACK_MINUTES", "-5")
    code, out = _invoke(["--data-dir", str(tmp_path), "health"])
    assert code == 1  # Docker reads 0 and 1 only
    assert "SHOPXERO_LOOKBACK_MINUTES" in out


def test_a_waiting_scheduler_on_time_is_healthy(tmp_path: Path) -> None:
    _beat(tmp_path)
    assert _health(tmp_path) == (True, [])


def test_an_overdue_tick_means_the_scheduler_is_gone(tmp_path: Path) -> None:
    _beat(tmp_path, next_run_at=utc_text(NOW - timedelta(minutes=20)))
    healthy, problems = _health(tmp_path)
    assert not healthy and "20 min overdue" in problems[0]
    # Within the grace period it is fine (a busy machine starts a tick a little late).
    _beat(tmp_path, next_run_at=utc_text(NOW - timedelta(minutes=4)))
    assert _health(tmp_path)[0]


def test_a_run_stuck_for_hours_is_unhealthy(tmp_path: Path) -> None:
    _beat(tmp_path, state="running", started_at=utc_text(NOW - timedelta(hours=3)))
    healthy, problems = _health(tmp_path)
    assert not healthy and "180 min ago" in problems[0]
    _beat(tmp_path, state="running", started_at=utc_text(NOW - timedelta(minutes=30)))
    assert _health(tmp_path)[0]


def test_runs_that_cannot_run_again_and_again_are_unhealthy(tmp_path: Path) -> None:
    _beat(tmp_path, consecutive_failures=2, last_exit=2, last_message="AUTH FAILURE: x")
    assert _health(tmp_path)[0]  # two may be a blip
    _beat(tmp_path, consecutive_failures=3, last_exit=2, last_message="AUTH FAILURE: x")
    healthy, problems = _health(tmp_path)
    assert not healthy and "AUTH FAILURE" in problems[0]


def test_a_corrupt_heartbeat_is_unhealthy(tmp_path: Path) -> None:
    (tmp_path / "schedule.json").write_text("{not json")
    healthy, problems = _health(tmp_path)
    assert not healthy and "not a scheduler heartbeat" in problems[0]


def test_the_scheduler_counts_failures_and_a_queued_run_resets_them(tmp_path: Path) -> None:
    """Exit 2 counts towards unhealthy, exit 1 (records queued) means the tool works."""
    outcomes = iter(
        [
            TickOutcome("unable", 2, "could not run: x"),
            TickOutcome("crashed", 2, "run crashed: KeyError"),
            TickOutcome("auth", 2, "AUTH FAILURE: y"),
            TickOutcome("failed_records", 1, "1 queued"),
            TickOutcome("skipped", None, "tick skipped: busy"),
        ]
    )
    seen: list[int] = []

    def tick() -> TickOutcome:
        outcome = next(outcomes)
        hb = Heartbeat.read(tmp_path)
        assert hb is not None and hb.state == "running"  # written before the run starts
        seen.append(hb.consecutive_failures)
        return outcome

    Scheduler(EveryTimes(timedelta(0)), data_dir=tmp_path, run_tick=tick, max_runs=5).run()
    assert seen == [0, 1, 2, 3, 0]
    hb = Heartbeat.read(tmp_path)
    assert hb is not None
    # The skipped tick counts as a tick but leaves the last run's result alone.
    assert hb.ticks == 5 and hb.last_exit == 1 and hb.consecutive_failures == 0


def test_a_scheduler_before_its_first_run_finishes_says_so(tmp_path: Path) -> None:
    """Not "last exit None": the container's first minute is a normal state."""
    _beat(tmp_path, state="running", started_at=utc_text(NOW), last_exit=None, ticks=0)
    report = check_health(AppContext(None, tmp_path), now=NOW)
    assert report.healthy
    assert any("no run finished yet" in note for note in report.notes), report.notes
