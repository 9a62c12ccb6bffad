"""``shopxero report --html FILE [--runs N] [--json]``: the sync history as a page or as JSON."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from shopxero.cli.app import EXIT_UNABLE, AppContext, app
from shopxero.errors import ConfigError, StoreError
from shopxero.reports.html import HistoryData, collect_history, render_html
from shopxero.store import StateStore

__all__ = ["report_command", "write_atomically"]

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
    if html is None and not as_json:
        err_console.print("error: give --html FILE and/or --json", markup=False)
        raise typer.Exit(EXIT_UNABLE)
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
    else:
        console.print(f"wrote {html} ({len(data.runs)} runs)", markup=False, highlight=False)
