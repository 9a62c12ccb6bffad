"""The scheduler: run the sync at every tick of an interval or a cron expression.

Each tick runs the same code path as ``shopxero sync`` (``engine.session.run_sync``, in this
process) and logs one line. Runs never overlap: ``run_sync`` takes the data dir's run lock, and a
tick that finds it held (another scheduler, a manual ``shopxero sync``) is skipped with a message.
A failing run never stops the scheduler: exit 1 (records queued) and exit 2 (could not run; an
auth failure is called out, since only a person can fix it) are logged and the next tick runs as
planned. SIGTERM/SIGINT stop it after the current run; a second signal aborts the run (the
engine's intents make that safe, docs/architecture.md, invariant 2). The heartbeat file it keeps
(``scheduling.times.Heartbeat``) is what ``shopxero health`` reads. ``shopxero schedule`` only
parses its options and starts it.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType

from shopxero.config import Settings
from shopxero.engine.run_report import RunReport
from shopxero.engine.runlock import RunInProgressError
from shopxero.errors import (
    ApiAuthError,
    ApiError,
    AuthError,
    ConfigError,
    ShopxeroError,
    StoreError,
)
from shopxero.exit_codes import EXIT_ABORTED, EXIT_FAILED_RECORDS, EXIT_OK, EXIT_UNABLE
from shopxero.run.session import exit_code_for, run_sync
from shopxero.scheduling.times import CronTimes, EveryTimes, Heartbeat, parse_every, utc_text

__all__ = ["DEFAULT_EVERY", "Scheduler", "TickOutcome", "schedule_times", "sync_once"]

logger = logging.getLogger("shopxero.schedule")

DEFAULT_EVERY = "15m"
# How often a scheduler rewrites its heartbeat, running or waiting; health reads a heartbeat
# older than its grace (5 min) as a scheduler that is gone.
BEAT_SECONDS = 30.0


@dataclass(frozen=True)
class TickOutcome:
    """What one tick did. ``exit_code`` is ``shopxero sync``'s; None for a skipped tick."""

    outcome: str  # ok | failed_records | stopped | skipped | unable | auth | crashed
    exit_code: int | None
    message: str
    run_id: int | None = None


def sync_once(
    load_settings: Callable[[], Settings],
    run: Callable[[Settings], RunReport] = run_sync,
) -> TickOutcome:
    """One sync, as ``shopxero sync`` would run it, with every failure turned into an outcome.

    ``run`` is the sync itself: ``engine.session.run_sync`` unless the caller (the CLI) wraps it.
    """
    try:
        settings = load_settings()
        report = run(settings)
    except RunInProgressError as exc:
        return TickOutcome("skipped", None, f"tick skipped: {exc}")
    except (AuthError, ApiAuthError) as exc:
        return TickOutcome(
            "auth",
            EXIT_UNABLE,
            f"AUTH FAILURE: {exc}. Fix the credentials (`shopxero auth xero`, the Shopify "
            "token or client secret); the scheduler keeps trying at each tick",
        )
    except (ConfigError, StoreError) as exc:
        return TickOutcome("unable", EXIT_UNABLE, f"could not run: {exc}")
    except ApiError as exc:
        return TickOutcome("unable", EXIT_UNABLE, f"could not reach the API: {exc}")
    except ShopxeroError as exc:
        return TickOutcome("unable", EXIT_UNABLE, f"could not run: {exc}")
    except Exception as exc:
        # A bug must not end the schedule: the next tick starts from the state DB as usual.
        # Logged (not printed) so the traceback goes through the log's secret redaction.
        logger.exception("sync run crashed")
        return TickOutcome("crashed", EXIT_UNABLE, f"run crashed: {type(exc).__name__}: {exc}")
    counts = ", ".join(
        f"{outcome} {report.total(outcome)}" for outcome in ("created", "updated", "linked")
    )
    summary = f"{counts}, failed {report.total('failed')}; {report.queue_size} queued"
    if report.message:
        summary += f"; {report.message}"
    return TickOutcome(report.status, exit_code_for(report), summary, run_id=report.run_id)


class _Stop:
    """SIGTERM/SIGINT handling: the first signal asks for a stop, the second aborts the run."""

    def __init__(self, log: Callable[[str, str], None]) -> None:
        self.requested = False
        self.running = False
        self._log = log  # the scheduler's own log: timestamped, JSON lines when asked

    def handle(self, signum: int, frame: FrameType | None) -> None:
        if self.requested and self.running:
            raise KeyboardInterrupt
        self.requested = True
        if self.running:
            name = signal.Signals(signum).name
            self._log("signal", f"{name}: stopping after this run (again to abort it)")

    @contextmanager
    def installed(self) -> Iterator[None]:
        # signal.signal works in the main thread only; elsewhere (embedded use) do without.
        if threading.current_thread() is threading.main_thread():
            previous = {s: signal.signal(s, self.handle) for s in (signal.SIGTERM, signal.SIGINT)}
            try:
                yield
            finally:
                for sig, handler in previous.items():
                    signal.signal(sig, handler)
        else:
            yield


class Scheduler:
    """The tick loop. ``run_tick`` and ``now``/``sleep`` are injectable for tests."""

    def __init__(
        self,
        times: EveryTimes | CronTimes,
        *,
        data_dir: Path,
        run_tick: Callable[[], TickOutcome],
        max_runs: int | None = None,
        json_lines: bool = False,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        sleep: Callable[[float], None] = time.sleep,
        echo: Callable[[str], None] = lambda line: print(line, flush=True),
        beat_every: float = BEAT_SECONDS,
    ) -> None:
        self.times = times
        self.data_dir = data_dir
        self.run_tick = run_tick
        self.max_runs = max_runs
        self.json_lines = json_lines
        self.now = now
        self.sleep = sleep
        self.echo = echo
        self.stop = _Stop(lambda event, message: self._log(event, message))
        self.heartbeat = Heartbeat(
            schedule=times.describe(),
            state="waiting",
            pid=os.getpid(),
            updated_at="",
            host=socket.gethostname(),
        )
        self.beat_every = beat_every

    def run(self) -> int:
        """Tick until stopped or ``max_runs`` ticks are done; 0 on a clean stop."""
        self._log("start", f"shopxero schedule {self.times.describe()}, data dir {self.data_dir}")
        with self.stop.installed():
            try:
                due = self.times.first(self.now())
                while not self.stop.requested:
                    self._beat("waiting", next_run_at=due)
                    if not self._wait_until(due):
                        break
                    started = self.now()
                    self._tick(started)
                    if self.max_runs is not None and self.heartbeat.ticks >= self.max_runs:
                        break
                    due = self.times.next_after(started, self.now())
            except KeyboardInterrupt:
                self._log("stop", "run aborted by a second signal; the next start resumes it")
                self._beat("stopped")
                return EXIT_ABORTED
        self._beat("stopped")
        self._log("stop", f"stopped after {self.heartbeat.ticks} tick(s)")
        return EXIT_OK

    def _wait_until(self, due: datetime) -> bool:
        """Sleep in short steps so a signal stops the wait promptly; False when stopped."""
        last_beat = self.now()
        while not self.stop.requested:
            now = self.now()
            remaining = (due - now).total_seconds()
            if remaining <= 0:
                return True
            if (now - last_beat).total_seconds() >= self.beat_every:
                self._beat("waiting")  # alive, for health checks in any container
                last_beat = now
            self.sleep(min(remaining, 0.5))
        return False

    def _tick(self, started: datetime) -> None:
        self._beat("running", started_at=started)
        self.stop.running = True
        done = threading.Event()
        beater = threading.Thread(target=self._beat_while_running, args=(done,), daemon=True)
        beater.start()
        try:
            outcome = self.run_tick()
        finally:
            self.stop.running = False
            done.set()
            beater.join()
        hb = self.heartbeat
        hb.ticks += 1
        if outcome.outcome != "skipped":
            hb.last_exit = outcome.exit_code
            hb.last_outcome = outcome.outcome
            hb.last_message = outcome.message
            if outcome.exit_code in (EXIT_OK, EXIT_FAILED_RECORDS):
                hb.consecutive_failures = 0
            else:
                hb.consecutive_failures += 1
        finished = self.now()
        self._beat("waiting", finished_at=finished)
        seconds = (finished - started).total_seconds()
        if outcome.outcome == "skipped":
            self._log("skipped", outcome.message)
            return
        run = f"run {outcome.run_id}" if outcome.run_id is not None else "run"
        self._log(
            outcome.outcome,
            f"{run} exit {outcome.exit_code} ({outcome.outcome}) in {seconds:.1f}s: "
            f"{outcome.message}",
            exit_code=outcome.exit_code,
            run_id=outcome.run_id,
            seconds=round(seconds, 3),
        )

    def _beat_while_running(self, done: threading.Event) -> None:
        """Rewrite the heartbeat every ``beat_every`` seconds of a run. A scheduler that was
        killed (or whose container was) stops beating, so a health check anywhere, even in
        another container on the volume, tells its stale "running" from a long run."""
        while not done.wait(self.beat_every):
            self._beat("running")

    def _beat(
        self,
        state: str,
        *,
        started_at: datetime | None = None,
        finished_at: datetime | None = None,
        next_run_at: datetime | None = None,
    ) -> None:
        hb = self.heartbeat
        hb.state = state  # type: ignore[assignment]  # one of TickState, by construction
        hb.updated_at = utc_text(self.now())
        if started_at is not None:
            hb.started_at = utc_text(started_at)
        if finished_at is not None:
            hb.finished_at = utc_text(finished_at)
        if next_run_at is not None:
            hb.next_run_at = utc_text(next_run_at)
        try:
            hb.write(self.data_dir)
        except OSError as exc:
            # The schedule matters more than its heartbeat; health will report the stale file.
            self._log("warning", f"could not write the heartbeat in {self.data_dir}: {exc}")

    def _log(self, event: str, message: str, **fields: object) -> None:
        stamp = utc_text(self.now())
        if self.json_lines:
            record = {"time": stamp, "event": event, "message": message, **fields}
            self.echo(json.dumps(record))
        else:
            self.echo(f"{stamp} schedule: {message}")


def schedule_times(every: str | None, cron: str | None) -> EveryTimes | CronTimes:
    """The tick rule from ``--every`` or ``--cron`` (a ValueError names what is wrong)."""
    every = every or None  # an empty env var (compose) means unset
    cron = cron or None
    if every and cron:
        raise ValueError("give --every or --cron, not both")
    if cron:
        return CronTimes(cron)
    return EveryTimes(parse_every(every or DEFAULT_EVERY))
