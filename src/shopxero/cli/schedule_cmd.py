"""``shopxero schedule``: run the sync at every tick of an interval or a cron expression.

Each tick runs the same code path as ``shopxero sync`` (``run_sync``, in this process) and logs
one line. Runs never overlap: ``run_sync`` takes the data dir's run lock, and a tick that finds
it held (another scheduler, a manual ``shopxero sync``) is skipped with a message. A failing run
never stops the scheduler: exit 1 (records queued) and exit 2 (could not run; an auth failure is
called out, since only a person can fix it) are logged and the next tick runs as planned.
SIGTERM/SIGINT stop it after the current run; a second signal aborts the run (the engine's
intents make that safe, docs/architecture.md, invariant 2). The heartbeat file it keeps is what
``shopxero health`` reads. With notification channels set, doctor's checks run after the first
tick and then daily (``scheduling.doctor_rounds``). The loop itself is ``scheduling.scheduler``;
this command parses the options and starts it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from shopxero.cli.app import EXIT_UNABLE, AppContext, app
from shopxero.cli.logging_setup import active_log_format
from shopxero.cli.sync_cmd import run_sync
from shopxero.config import raw_value
from shopxero.errors import ConfigError
from shopxero.scheduling.doctor_rounds import DoctorRounds
from shopxero.scheduling.scheduler import Scheduler, TickOutcome, schedule_times, sync_once
from shopxero.store.data_volume import DataVolumeError
from shopxero.store.private import not_writable_reason

__all__ = ["schedule_command"]


def _data_dir(app_ctx: AppContext) -> Path:
    """The data dir for the heartbeat, even when the settings are broken."""
    try:
        return app_ctx.settings().data_dir
    except DataVolumeError:
        raise  # not a tick's problem: nothing would be kept, so the scheduler must not start
    except ConfigError:
        # Bad settings are reported by every tick; the heartbeat still needs a home.
        raw = raw_value("SHOPXERO_DATA_DIR", app_ctx.env_file)
        return app_ctx.data_dir or Path(raw or "data")


def _tick(app_ctx: AppContext, doctor: DoctorRounds) -> TickOutcome:
    """One sync, then (with notification channels, once a day) doctor's checks."""
    outcome = sync_once(
        app_ctx.settings, run=lambda settings: run_sync(settings, show_progress=False)
    )
    doctor()
    return outcome


@app.command("schedule")
def schedule_command(
    ctx: typer.Context,
    every: Annotated[
        str | None,
        typer.Option(
            "--every",
            help="Interval between runs, e.g. 15m, 90s, 1h30m [SHOPXERO_SCHEDULE_EVERY, else "
            "15m]. The first run starts now.",
        ),
    ] = None,
    cron: Annotated[
        str | None,
        typer.Option(
            "--cron",
            help="Cron expression in local time, e.g. '*/15 * * * *' (a 6th field = seconds) "
            "[SHOPXERO_SCHEDULE_CRON].",
        ),
    ] = None,
    max_runs: Annotated[
        int | None,
        typer.Option("--max-runs", min=1, help="Stop after this many ticks (default: never)."),
    ] = None,
) -> None:
    """Run the sync on a schedule, one run at a time; failed runs are logged and retried."""
    app_ctx: AppContext = ctx.obj
    if every is None and cron is None:
        # Read on their own: other broken settings are reported by every tick, not here.
        every = raw_value("SHOPXERO_SCHEDULE_EVERY", app_ctx.env_file) or None
        cron = raw_value("SHOPXERO_SCHEDULE_CRON", app_ctx.env_file) or None
    try:
        times = schedule_times(every, cron)
    except ValueError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(EXIT_UNABLE) from None
    try:
        data_dir = _data_dir(app_ctx)
    except DataVolumeError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(EXIT_UNABLE) from None
    # Every tick would fail the same way, and the heartbeat could not be written: say it once.
    unwritable = not_writable_reason(data_dir)
    if unwritable is not None:
        typer.echo(f"error: {unwritable}", err=True)
        raise typer.Exit(EXIT_UNABLE)
    doctor = DoctorRounds(app_ctx.settings)
    scheduler = Scheduler(
        times,
        data_dir=data_dir,
        run_tick=lambda: _tick(app_ctx, doctor),
        max_runs=max_runs,
        # --log-format / SHOPXERO_LOG_FORMAT, as the rest of the CLI's logging.
        json_lines=active_log_format() == "json",
    )
    raise typer.Exit(scheduler.run())
