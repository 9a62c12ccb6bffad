"""When ticks are due: --every parsing, cron expressions (local time), the loop on a fake clock."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from shopxero.cli.app import _register_commands, app
from shopxero.scheduling.scheduler import Scheduler, TickOutcome
from shopxero.scheduling.times import CronTimes, EveryTimes, parse_every

T0 = datetime(2026, 11, 26, 11, 7, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("15m", 900), ("90s", 90), ("1h30m", 5400), ("1d", 86400), (" 2H ", 7200), ("1m1s", 61)],
)
def test_every_accepts_units(text: str, seconds: int) -> None:
    assert parse_every(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize("text", ["", "15", "15 m", "m", "1x", "-5m", "1.5h", "0s", "0m0s"])
def test_every_refuses_what_is_not_a_positive_interval(text: str) -> None:
    with pytest.raises(ValueError, match="--every"):
        parse_every(text)


@pytest.fixture
def local_tz(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Let a test choose the process's local time zone (TZ), restoring it afterwards."""
    yield
    monkeypatch.undo()
    time.tzset()


def _set_tz(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    monkeypatch.setenv("TZ", name)
    time.tzset()


def test_cron_next_times_in_utc(local_tz: None, monkeypatch: pytest.MonkeyPatch) -> None:
    _set_tz(monkeypatch, "UTC")
    times = CronTimes("*/15 * * * *")
    assert times.first(T0) == datetime(2026, 11, 26, 11, 15, tzinfo=UTC)
    assert times.next_after(T0, datetime(2026, 11, 26, 11, 15, tzinfo=UTC)) == datetime(
        2026, 11, 26, 11, 30, tzinfo=UTC
    )
    assert times.describe() == "cron '*/15 * * * *'"


def test_cron_reads_the_local_time_zone(local_tz: None, monkeypatch: pytest.MonkeyPatch) -> None:
    # 09:00 in Auckland on 27 Nov 2026 is 20:00 UTC on the 26th (NZDT, UTC+13).
    _set_tz(monkeypatch, "Pacific/Auckland")
    assert CronTimes("0 9 * * *").first(T0) == datetime(2026, 11, 26, 20, 0, tzinfo=UTC)


def test_cron_with_a_seconds_field(local_tz: None, monkeypatch: pytest.MonkeyPatch) -> None:
    _set_tz(monkeypatch, "UTC")
    assert CronTimes("* * * * * */20").first(T0) == datetime(2026, 11, 26, 11, 7, 40, tzinfo=UTC)


@pytest.mark.parametrize("expr", ["bad", "* * *", "61 * * * *", "* * * * mon-xyz", ""])
def test_bad_cron_is_refused(expr: str) -> None:
    with pytest.raises(ValueError, match="--cron"):
        CronTimes(expr)


def _invoke(args: list[str]) -> tuple[int, str]:
    _register_commands()
    result = CliRunner().invoke(app, args)
    return result.exit_code, result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--every", "soon"], "is not an interval"),
        (["--every", "0m"], "longer than zero"),
        (["--cron", "every day"], "is not a cron expression"),
        (["--every", "1m", "--cron", "* * * * *"], "not both"),
    ],
)
def test_bad_schedule_exits_2(tmp_path: Path, args: list[str], message: str) -> None:
    code, out = _invoke(["--data-dir", str(tmp_path), "schedule", *args])
    assert code == 2
    assert message in out
    assert not (tmp_path / "schedule.json").exists()  # refused before anything ran


def test_env_var_sets_the_schedule_and_empty_means_unset(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHOPXERO_SCHEDULE_EVERY", "")  # as compose passes an unset variable
    monkeypatch.setenv("SHOPXERO_SCHEDULE_CRON", "not a cron")
    code, out = _invoke(["--data-dir", str(tmp_path), "schedule", "--max-runs", "1"])
    assert code == 2 and "is not a cron expression" in out


class FakeClock:
    def __init__(self, start: datetime) -> None:
        self.now = start
        self.slept = 0.0

    def __call__(self) -> datetime:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds > 0
        self.slept += seconds
        self.now += timedelta(seconds=seconds)


def _run(
    times: EveryTimes | CronTimes, tmp_path: Path, *, runs: int, run_seconds: float = 2.0
) -> list[datetime]:
    clock = FakeClock(T0)
    starts: list[datetime] = []

    def tick() -> TickOutcome:
        starts.append(clock.now)
        clock.now += timedelta(seconds=run_seconds)  # the run takes a while
        return TickOutcome("ok", 0, "done")

    scheduler = Scheduler(
        times, data_dir=tmp_path, run_tick=tick, max_runs=runs, now=clock, sleep=clock.sleep
    )
    assert scheduler.run() == 0
    return starts


def test_every_is_a_fixed_rate_starting_now(tmp_path: Path) -> None:
    starts = _run(EveryTimes(timedelta(minutes=15)), tmp_path, runs=3)
    assert starts == [T0, T0 + timedelta(minutes=15), T0 + timedelta(minutes=30)]


def test_a_run_longer_than_the_interval_is_followed_at_once_without_a_backlog(
    tmp_path: Path,
) -> None:
    starts = _run(EveryTimes(timedelta(seconds=10)), tmp_path, runs=3, run_seconds=25)
    assert starts == [T0, T0 + timedelta(seconds=25), T0 + timedelta(seconds=50)]


def test_cron_ticks_on_the_fake_clock(
    tmp_path: Path, local_tz: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    _set_tz(monkeypatch, "UTC")
    starts = _run(CronTimes("*/15 * * * *"), tmp_path, runs=3)
    assert [s.strftime("%H:%M") for s in starts] == ["11:15", "11:30", "11:45"]


def test_ticks_missed_during_a_long_run_are_not_made_up(
    tmp_path: Path, local_tz: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    _set_tz(monkeypatch, "UTC")
    starts = _run(CronTimes("*/15 * * * *"), tmp_path, runs=2, run_seconds=40 * 60)
    # 11:15 ran until 11:55: the 11:30 and 11:45 ticks are gone, the next is 12:00.
    assert [s.strftime("%H:%M") for s in starts] == ["11:15", "12:00"]


def test_json_log_lines_with_log_format_json(tmp_path: Path) -> None:
    """--log-format json: one JSON object per tick on stdout, for log collectors."""
    code, out = _invoke(
        ["--log-format", "json", "--data-dir", str(tmp_path), "schedule", "--max-runs", "1"]
    )
    assert code == 0, out
    records = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    events = [r["event"] for r in records]
    assert events == ["start", "unable", "stop"], out
    tick = records[1]
    assert tick["exit_code"] == 2 and "SHOPXERO_SHOPIFY_SHOP" in tick["message"]
    assert tick["time"].endswith("+00:00") and isinstance(tick["seconds"], float)
