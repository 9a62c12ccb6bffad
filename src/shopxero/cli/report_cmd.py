"""``shopxero report [--html FILE] [--runs N] [--json]``: the sync history in the terminal (one
run a line, 80 columns), as a page with charts, or as JSON."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from shopxero.cli.app import EXIT_UNABLE, AppContext, app
from shopxero.cli.layout import compact_table, run_status_text, utc_minute
from shopxero.errors import ConfigError, StoreError
from shopxero.reports.html import (
    XERO_DAY_LIMIT,
    XERO_MINUTE_LIMIT,
    HistoryData,
    collect_history,
    render_html,
)
from shopxero.store import StateStore

__all__ = ["print_history", "report_command", "write_atomically"]

console = Console()
err_console = Console(stderr=True)


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` via a temporary file in the same folder (never half a page)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@app.command("report")
def report_command(
    ctx: typer.Context,
    html: Annotated[
        Path | None, typer.Option("--html", help="Write the history page to this file.")
    ] = None,
    runs: Annotated[int, typer.Option("--runs", min=1, help="How many recent runs.")] = 30,
    as_json: Annotated[bool, typer.Option("--json", help="Print the numbers as JSON.")] = False,
) -> None:
    """Sync history: records per run, API calls against the limits, errors over time."""
    app_ctx: AppContext = ctx.obj
    try:
        settings = app_ctx.settings()
        if not settings.state_db_path.exists():
            raise ConfigError(f"no state DB at {settings.state_db_path}: nothing has run yet")
        with StateStore.open(settings.state_db_path) as store:
            data: HistoryData = collect_history(store, runs=runs)
    except (ConfigError, StoreError) as exc:
        err_console.print(f"error: {exc}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(EXIT_UNABLE) from None
    if html is not None:
        try:
            write_atomically(html, render_html(data))
        except OSError as exc:
            err_console.print(f"error: cannot write {html}: {exc.strerror}", markup=False)
            raise typer.Exit(EXIT_UNABLE) from None
    if as_json:
        typer.echo(json.dumps(data.to_json(), indent=2))
    elif html is not None:
        console.print(f"wrote {html} ({len(data.runs)} runs)", markup=False, highlight=False)
    else:
        print_history(data)


_RECORDS = ("created", "updated", "linked", "failed")


def print_history(data: HistoryData) -> None:
    """The runs one a line, newest last (80 columns), then what the call columns mean."""
    if not data.runs:
        console.print("no run yet: `shopxero sync`", markup=False, highlight=False)
        return
    table = compact_table(f"sync history (last {len(data.runs)} runs; times UTC)")
    table.add_column("run", justify="right", no_wrap=True)
    table.add_column("started", no_wrap=True)
    table.add_column("status")
    for name in (*_RECORDS, "xero", "peak", "429s"):
        table.add_column(name, justify="right", no_wrap=True)
    for run in data.runs:
        totals = data.totals(run)
        stats = data.stats(run)
        table.add_row(
            str(run.id),
            utc_minute(run.started_at),
            run_status_text(run.status, dry_run=run.dry_run),
            *(str(totals[o]) for o in _RECORDS),
            str(stats.xero_calls),
            str(stats.xero_peak_minute),
            str(stats.throttled),
        )
    console.print(table)
    console.print(
        f"xero: Xero API calls of the run (the organisation may make {XERO_DAY_LIMIT:,} a day); "
        f"peak: its busiest minute (limit {XERO_MINUTE_LIMIT}); 429s: answers 'slow down' "
        f"(Shopify and Xero). Error queue: {data.queue_size} open. Charts: "
        "`shopxero report --html FILE`.",
        markup=False,
        highlight=False,
    )
