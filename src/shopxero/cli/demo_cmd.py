"""``shopxero demo``: both sandboxes on free ports, a full sync over real HTTP, then a no-op run.

Needs no credentials: the sandboxes' own (fake) credentials are used, Xero in Custom Connection
mode. State goes to a temporary folder unless ``--data-dir`` is given. The demo seed holds a few
intentionally broken records, so the first run ends with records queued; the demo itself exits 0
when both runs completed and the second one changed nothing.
"""

from __future__ import annotations

import shlex
import tempfile
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from shopxero.cli.app import EXIT_FAILED_RECORDS, EXIT_OK, EXIT_UNABLE, AppContext, app
from shopxero.cli.sync_cmd import print_report, run_sync
from shopxero.config import Settings
from shopxero.errors import ShopxeroError
from shopxero.store import StateStore

__all__ = ["demo_command", "settings_for_sandboxes"]

console = Console()


def settings_for_sandboxes(env: dict[str, str], data_dir: Path) -> Settings:
    """Settings pointing at running sandboxes (their ``env()``), ignoring the user's env file."""
    overrides: dict[str, object] = {
        key.removeprefix("SHOPXERO_").lower(): value
        for key, value in env.items()
        if key.startswith("SHOPXERO_")
    }
    overrides["data_dir"] = str(data_dir)
    # The demo shop's problems are not the merchant's: no notification leaves a demo.
    overrides["notify_urls"] = ()
    return Settings.model_validate(overrides)


@app.command("demo")
def demo_command(
    ctx: typer.Context,
    seed: Annotated[str, typer.Option("--seed", help="Seed name or JSON file.")] = "demo",
    no_progress: Annotated[
        bool, typer.Option("--no-progress", help="No progress bars (for logs).")
    ] = False,
) -> None:
    """Start both sandboxes, sync everything, then sync again to show nothing changes."""
    # Imported here so the CLI still loads when the sandbox extras are broken or missing.
    from shopxero.sandbox.run import start_sandboxes

    app_ctx: AppContext | None = ctx.obj
    chosen = app_ctx.data_dir if app_ctx and app_ctx.data_dir else None
    data_dir = chosen or Path(tempfile.mkdtemp(prefix="shopxero-demo-"))
    console.print(f"state in {data_dir}", markup=False)
    # The demo's state is in a folder of its own: the commands it prints must name it.
    shopxero = shlex.join(["shopxero", "--data-dir", str(data_dir)])
    try:
        with start_sandboxes(seed) as sandboxes:
            console.print(
                f"Shopify sandbox {sandboxes.shopify_url}, Xero sandbox {sandboxes.xero_url}",
                markup=False,
            )
            settings = settings_for_sandboxes(sandboxes.env(), data_dir)
            first = run_sync(settings, show_progress=not no_progress)
            verbose = bool(app_ctx and app_ctx.verbose)
            print_report(first, title="first sync", shopxero=shopxero, verbose=verbose)
            second = run_sync(settings, show_progress=not no_progress)
            print_report(second, title="second sync", shopxero=shopxero, verbose=verbose)
    except ShopxeroError as exc:
        console.print(f"error: {exc}", markup=False)
        raise typer.Exit(EXIT_UNABLE) from None
    with StateStore.open(settings.state_db_path) as store:
        xero_calls = store.calls.count(run_id=second.run_id, service="xero")
        queued = store.errors.count_open()
    changed = sum(second.total(o) for o in ("created", "updated", "linked"))
    console.print(
        f"second run: {changed} changes, {xero_calls} Xero calls; "
        f"{queued} record(s) in the error queue (see `{shopxero} errors list`)",
        markup=False,
        soft_wrap=True,  # a command to copy: never broken over two lines
    )
    if first.status == "stopped" or changed or xero_calls:
        raise typer.Exit(EXIT_FAILED_RECORDS)
    raise typer.Exit(EXIT_OK)
