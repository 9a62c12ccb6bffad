"""``shopxero health``: the container's healthcheck (exit 0 healthy, 1 unhealthy, nothing else).

Healthy means the tool can do its job unattended: settings load, the data dir (state DB, token
file) is writable, and when a scheduler works on this data dir its heartbeat is fresh (the next
tick is not overdue, a run is not stuck) and its runs are not failing over and over. A run that
only queued records (exit 1) counts as working: the queue is the merchant's to-do list, not a
fault of the tool. It reads no API and takes no lock, so it is cheap and never waits on a sync.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer

from shopxero.cli.app import AppContext, app
from shopxero.errors import ConfigError
from shopxero.scheduling.liveness import end_hung_scheduler
from shopxero.scheduling.times import Heartbeat, parse_utc
from shopxero.store.private import not_writable_reason

__all__ = ["HealthReport", "check_health", "health_command"]

EXIT_HEALTHY = 0
EXIT_UNHEALTHY = 1  # Docker reads 0/1 only; 2 is reserved, so "could not even check" is 1 too


@dataclass
class HealthReport:
    healthy: bool = True
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    hung: bool = False  # the scheduler's process is there but stuck (not gone, not failing)
    heartbeat: Heartbeat | None = None

    def fail(self, problem: str) -> None:
        self.healthy = False
        self.problems.append(problem)

    def hang(self, problem: str) -> None:
        self.hung = True
        self.fail(problem)


def _check_writable(data_dir: Path, report: HealthReport) -> None:
    reason = not_writable_reason(data_dir)
    if reason is not None:
        report.fail(reason)


def _check_heartbeat(
    hb: Heartbeat,
    now: datetime,
    report: HealthReport,
    *,
    grace: timedelta,
    max_run: timedelta,
    max_failures: int,
) -> None:
    last = "no run finished yet" if hb.last_exit is None else f"last exit {hb.last_exit}"
    report.notes.append(f"scheduler {hb.schedule}: {hb.state}, {hb.ticks} tick(s), {last}")
    if hb.state == "stopped":
        pass
    elif _gone(hb, now, grace, report):
        return  # a stale "running" or "waiting" says nothing about runs or ticks
    elif hb.state == "running":
        started = parse_utc(hb.started_at)
        if started is not None and now - started > max_run:
            minutes = int((now - started).total_seconds() // 60)
            report.hang(f"the current run started {minutes} min ago and has not finished")
    elif hb.state == "waiting":
        due = parse_utc(hb.next_run_at)
        if due is not None and now - due > grace:
            minutes = int((now - due).total_seconds() // 60)
            report.hang(
                f"the scheduler's tick due at {hb.next_run_at} is {minutes} min overdue "
                "(scheduler stopped or hung)"
            )
    if hb.consecutive_failures >= max_failures:
        report.fail(
            f"the last {hb.consecutive_failures} runs could not run: {hb.last_message} "
            "(see the scheduler's log)"
        )
    elif hb.consecutive_failures:
        report.notes.append(f"last run failed: {hb.last_message}")


def _gone(hb: Heartbeat, now: datetime, grace: timedelta, report: HealthReport) -> bool:
    """A live scheduler rewrites its heartbeat every 30 s, running or waiting; one that was
    killed (or whose container was) stops. So an old heartbeat is a scheduler that is gone,
    whichever container reads it, and not a long run."""
    updated = parse_utc(hb.updated_at) if hb.updated_at else None
    if updated is None or now - updated <= grace:
        return False
    minutes = int((now - updated).total_seconds() // 60)
    report.fail(
        f"the scheduler's heartbeat ({hb.state}) was last written {minutes} min ago, at "
        f"{hb.updated_at}: that scheduler is gone (killed, or its container stopped)"
    )
    return True


def check_health(
    app_ctx: AppContext,
    *,
    now: datetime | None = None,
    grace: timedelta = timedelta(minutes=5),
    max_run: timedelta = timedelta(hours=2),
    max_failures: int = 3,
) -> HealthReport:
    report = HealthReport()
    try:
        settings = app_ctx.settings()
    except ConfigError as exc:
        report.fail(str(exc))
        return report
    data_dir = settings.data_dir
    _check_writable(data_dir, report)
    try:
        hb = Heartbeat.read(data_dir)
    except (OSError, ValueError) as exc:
        report.fail(str(exc))
        return report
    if hb is None:
        report.notes.append("no scheduler has run on this data dir")
        return report
    report.heartbeat = hb
    _check_heartbeat(
        hb,
        now or datetime.now(UTC),
        report,
        grace=grace,
        max_run=max_run,
        max_failures=max_failures,
    )
    return report


@app.command("health")
def health_command(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
    grace_minutes: Annotated[
        int, typer.Option("--grace-minutes", min=0, help="How late a tick may be.")
    ] = 5,
    max_run_minutes: Annotated[
        int, typer.Option("--max-run-minutes", min=1, help="How long one run may take.")
    ] = 120,
    max_failures: Annotated[
        int,
        typer.Option("--max-failures", min=1, help="Runs in a row that could not run (exit 2)."),
    ] = 3,
    restart_hung: Annotated[
        bool,
        typer.Option(
            "--restart-hung",
            help="End a hung scheduler in this container (SIGKILL), so its restart policy "
            "starts it again.",
        ),
    ] = False,
) -> None:
    """Healthcheck: data dir writable, scheduler alive and not failing (exit 0 / 1)."""
    report = check_health(
        ctx.obj,
        grace=timedelta(minutes=grace_minutes),
        max_run=timedelta(minutes=max_run_minutes),
        max_failures=max_failures,
    )
    if restart_hung and report.hung and report.heartbeat is not None:
        report.notes.append(end_hung_scheduler(report.heartbeat))
    if as_json:
        data = {"healthy": report.healthy, "problems": report.problems, "notes": report.notes}
        typer.echo(json.dumps(data, indent=2))
    else:
        for line in report.problems:
            typer.echo(f"problem: {line}")
        for line in report.notes:
            typer.echo(f"note: {line}")
        typer.echo("healthy" if report.healthy else "unhealthy")
    raise typer.Exit(EXIT_HEALTHY if report.healthy else EXIT_UNHEALTHY)
