"""`shopxero schedule` against both sandboxes: ticks, no overlap, failing runs, signals."""

from __future__ import annotations

import itertools
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
import stamina
from typer.testing import CliRunner

from shopxero.cli.app import AppContext, _register_commands, app
from shopxero.config import Settings
from shopxero.engine.runlock import run_lock
from shopxero.sandbox.run import RunningSandboxes, start_sandboxes
from shopxero.scheduling.scheduler import Scheduler, TickOutcome, sync_once
from shopxero.scheduling.times import EveryTimes, Heartbeat
from shopxero.store import StateStore

# Small, so a first import takes about a second: the schedule, not the sync, is under test.
SEED = "bench:customers=3,products=3,orders=4"


@pytest.fixture
def sandboxes(monkeypatch: pytest.MonkeyPatch) -> Iterator[RunningSandboxes]:
    with start_sandboxes(SEED) as running:
        for key, value in running.env().items():
            monkeypatch.setenv(key, value)
        yield running


def _invoke(args: list[str]) -> tuple[int, str]:
    _register_commands()
    result = CliRunner().invoke(app, args)
    return result.exit_code, result.output


def _runs(data_dir: Path) -> list[tuple[int, str, object, object]]:
    with StateStore.open(data_dir / "state.db") as store:
        runs = sorted(store.runs.recent(100), key=lambda r: r.id)
    return [(r.id, r.status, r.started_at, r.finished_at) for r in runs]


def test_three_ticks_only_the_first_writes_to_xero(
    sandboxes: RunningSandboxes, tmp_path: Path
) -> None:
    code, out = _invoke(
        ["--data-dir", str(tmp_path), "schedule", "--every", "1s", "--max-runs", "3"]
    )
    assert code == 0, out
    # One log line per run, with the sync's exit code.
    assert len(re.findall(r"schedule: run \d+ exit 0 \(ok\)", out)) == 3, out
    assert "stopped after 3 tick(s)" in out
    runs = _runs(tmp_path)
    assert [status for _, status, _, _ in runs] == ["ok", "ok", "ok"]
    with StateStore.open(tmp_path / "state.db") as store:
        assert store.calls.count(run_id=runs[0][0], service="xero") > 0
        assert store.calls.count(run_id=runs[1][0], service="xero") == 0
        assert store.calls.count(run_id=runs[2][0], service="xero") == 0
    hb = Heartbeat.read(tmp_path)
    assert hb is not None and hb.state == "stopped" and hb.ticks == 3 and hb.last_exit == 0


def _scheduler_process(data_dir: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "shopxero", "--data-dir", str(data_dir), "schedule", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=dict(os.environ),
    )


def test_two_schedulers_on_one_data_dir_never_overlap(
    sandboxes: RunningSandboxes, tmp_path: Path
) -> None:
    procs = [_scheduler_process(tmp_path, "--every", "1s", "--max-runs", "3") for _ in range(2)]
    outputs = [p.communicate(timeout=90)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    ran = sum(len(re.findall(r"schedule: run \d+ exit ", o)) for o in outputs)
    skipped = sum(o.count("tick skipped: another shopxero sync is running") for o in outputs)
    assert ran + skipped == 6, outputs
    runs = _runs(tmp_path)
    assert len(runs) == ran >= 3
    # The run history proves it: each run finished before the next one started.
    for (_, _, _, finished), (_, _, next_started, _) in itertools.pairwise(runs):
        assert finished is not None and finished <= next_started
    # And nothing was sent twice: one first import, then nothing to do.
    assert {status for _, status, _, _ in runs} == {"ok"}
    with StateStore.open(tmp_path / "state.db") as store:
        assert store.calls.count(run_id=runs[0][0], service="xero") > 0
        assert all(store.calls.count(run_id=r[0], service="xero") == 0 for r in runs[1:])


def test_a_tick_that_finds_the_lock_held_is_skipped(tmp_path: Path) -> None:
    def load() -> Settings:
        return AppContext(None, tmp_path).settings()

    # Lock free: the sync runs (and, with no shop configured, cannot: exit 2).
    outcome = sync_once(load)
    assert outcome.outcome == "unable" and outcome.exit_code == 2
    assert "SHOPXERO_SHOPIFY_SHOP" in outcome.message
    # Held by another run: the tick is skipped, with the reason, and is not a failure.
    with run_lock(tmp_path):
        outcome = sync_once(load)
    assert outcome.outcome == "skipped" and outcome.exit_code is None
    assert "another shopxero sync is running" in outcome.message


def test_a_failing_run_is_followed_by_the_next(
    sandboxes: RunningSandboxes, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Xero answers 500 to everything during the first tick (xero-api-notes: 5xx is transient;
    # the client retries, then the run gives up with exit 2).
    httpx.post(
        f"{sandboxes.xero_url}/_sandbox/faults",
        json={"path": "^/(api.xro|connections)", "status": 500, "times": 1000},
    ).raise_for_status()
    ticks: list[TickOutcome] = []

    def tick() -> TickOutcome:
        outcome = sync_once(lambda: AppContext(None, tmp_path).settings())
        ticks.append(outcome)
        httpx.delete(f"{sandboxes.xero_url}/_sandbox/faults").raise_for_status()
        return outcome

    with stamina.set_testing(True):  # the retry policy's attempts, without its waits
        scheduler = Scheduler(
            EveryTimes(timedelta(0)), data_dir=tmp_path, run_tick=tick, max_runs=2
        )
        code = scheduler.run()
    assert code == 0
    assert [t.exit_code for t in ticks] == [2, 0], ticks
    assert ticks[0].outcome == "unable" and "could not reach the API" in ticks[0].message
    out = capsys.readouterr().out
    assert "exit 2 (unable)" in out and "exit 0 (ok)" in out
    hb = Heartbeat.read(tmp_path)
    assert hb is not None and hb.consecutive_failures == 0 and hb.last_exit == 0


def test_rejected_credentials_are_called_out_and_the_scheduler_keeps_trying(
    sandboxes: RunningSandboxes,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("SHOPXERO_XERO_CLIENT_SECRET", "wrong-secret-value-123")
    ticks: list[TickOutcome] = []

    def tick() -> TickOutcome:
        outcome = sync_once(lambda: AppContext(None, tmp_path).settings())
        ticks.append(outcome)
        if len(ticks) == 2:  # the merchant fixes the secret; the next tick picks it up
            monkeypatch.setenv(
                "SHOPXERO_XERO_CLIENT_SECRET", sandboxes.env()["SHOPXERO_XERO_CLIENT_SECRET"]
            )
        return outcome

    code = Scheduler(EveryTimes(timedelta(0)), data_dir=tmp_path, run_tick=tick, max_runs=3).run()
    assert code == 0
    assert [t.outcome for t in ticks] == ["auth", "auth", "ok"]
    out = capsys.readouterr().out
    assert out.count("AUTH FAILURE") == 2 and "keeps trying" in out
    assert "wrong-secret-value-123" not in out


def test_sigterm_while_waiting_stops_cleanly(tmp_path: Path) -> None:
    # No shop configured: the first run exits 2 at once, then the scheduler waits an hour.
    proc = _scheduler_process(tmp_path, "--every", "1h")
    try:
        # The signal must find the scheduler waiting (its handlers installed): a SIGTERM during
        # the interpreter's start-up would kill it. Start-up is slow on a busy machine.
        deadline = time.monotonic() + 120
        while True:
            hb = Heartbeat.read(tmp_path) if (tmp_path / "schedule.json").exists() else None
            if hb is not None and hb.ticks == 1 and hb.state == "waiting":
                break
            assert proc.poll() is None, proc.communicate()[0]
            assert time.monotonic() < deadline, "the scheduler never reached its wait"
            time.sleep(0.1)
        proc.send_signal(signal.SIGTERM)
        out = proc.communicate(timeout=60)[0]
    finally:
        proc.kill()
    assert proc.returncode == 0, out
    assert "stopped after 1 tick(s)" in out
    hb = Heartbeat.read(tmp_path)
    assert hb is not None and hb.state == "stopped"


def test_a_signal_during_a_run_stops_after_it_and_a_second_aborts(tmp_path: Path) -> None:
    def one_signal() -> TickOutcome:
        os.kill(os.getpid(), signal.SIGTERM)
        return TickOutcome("ok", 0, "done")

    scheduler = Scheduler(EveryTimes(timedelta(0)), data_dir=tmp_path, run_tick=one_signal)
    assert scheduler.run() == 0
    assert scheduler.heartbeat.ticks == 1  # no max_runs: the signal is what stopped it

    def two_signals() -> TickOutcome:
        os.kill(os.getpid(), signal.SIGTERM)
        os.kill(os.getpid(), signal.SIGTERM)
        raise AssertionError("the second signal aborts the run")

    scheduler = Scheduler(EveryTimes(timedelta(0)), data_dir=tmp_path, run_tick=two_signals)
    assert scheduler.run() == 130
    hb = Heartbeat.read(tmp_path)
    assert hb is not None and hb.state == "stopped"


def test_the_handlers_are_restored_afterwards(tmp_path: Path) -> None:
    before = signal.getsignal(signal.SIGINT)
    Scheduler(
        EveryTimes(timedelta(0)),
        data_dir=tmp_path,
        run_tick=lambda: TickOutcome("ok", 0, "done"),
        max_runs=1,
    ).run()
    assert signal.getsignal(signal.SIGINT) is before


def test_timestamps_in_the_log_are_utc(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    Scheduler(
        EveryTimes(timedelta(0)),
        data_dir=tmp_path,
        run_tick=lambda: TickOutcome("ok", 0, "done", run_id=7),
        max_runs=1,
    ).run()
    out = capsys.readouterr().out
    assert re.search(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00 schedule: run 7 exit 0", out, re.M)


def test_a_crashing_run_is_logged_and_does_not_end_the_schedule(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    calls: list[int] = []

    def broken() -> Settings:
        calls.append(1)
        raise KeyError("a bug in the engine")

    outcomes: list[TickOutcome] = []

    def tick() -> TickOutcome:
        outcomes.append(sync_once(broken))
        return outcomes[-1]

    code = Scheduler(EveryTimes(timedelta(0)), data_dir=tmp_path, run_tick=tick, max_runs=2).run()
    assert code == 0 and len(calls) == 2
    assert [o.outcome for o in outcomes] == ["crashed", "crashed"]
    assert "KeyError" in outcomes[0].message and outcomes[0].exit_code == 2
    assert any(r.exc_info and r.name == "shopxero.schedule" for r in caplog.records)


def test_the_stop_request_is_a_timestamped_log_line_json_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A JSON-lines log stays JSON when a SIGTERM arrives mid-run (docker stop / compose down)."""

    def one_signal() -> TickOutcome:
        os.kill(os.getpid(), signal.SIGTERM)
        return TickOutcome("ok", 0, "done")

    Scheduler(EveryTimes(timedelta(0)), data_dir=tmp_path, run_tick=one_signal).run()
    out = capsys.readouterr().out
    assert re.search(r"^\S+\+00:00 schedule: SIGTERM: stopping after this run", out, re.M)

    Scheduler(
        EveryTimes(timedelta(0)), data_dir=tmp_path, run_tick=one_signal, json_lines=True
    ).run()
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    (stop,) = [r for r in records if r["event"] == "signal"]
    assert stop["message"].startswith("SIGTERM: stopping after this run") and stop["time"]
