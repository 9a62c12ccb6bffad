"""``shopxero redact --customer ID``: erase a customer's personal data from the state DB.

For Shopify's ``customers/redact`` request. Prints what it changed (never the values), and says
what it cannot reach: the Xero contact (the merchant's accounting record) and old state DB copies
kept by ``rebuild``. Safe to run again. Exit 0 done, 2 could not run.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from shopxero.cli.app import EXIT_OK, AppContext, app
from shopxero.cli.sync_cmd import _guarded
from shopxero.config import Settings
from shopxero.engine.runlock import run_lock
from shopxero.errors import ConfigError
from shopxero.store import StateStore
from shopxero.store.redact import RedactionResult

__all__ = ["run_redact"]

console = Console()


def run_redact(settings: Settings, customer_id: str, extra: dict[str, str]) -> RedactionResult:
    """Redact one customer in the data dir's state DB, while no sync runs there."""
    if not customer_id.isdigit():
        # The value is not echoed: it may be the very email or name being erased, and errors
        # reach the log file.
        raise ConfigError(
            "--customer must be a Shopify customer id (digits, as in the customer's admin URL); "
            "an email address or name is not accepted"
        )
    with (
        run_lock(settings.data_dir, hint="redact when it has finished"),
        StateStore.open(settings.state_db_path) as store,
    ):
        return store.redaction.redact_customer(customer_id, extra)


def _old_copies(state_db: Path) -> list[Path]:
    return sorted(state_db.parent.glob(f"{state_db.name}.*-*"))


@app.command("redact")
def redact_command(
    ctx: typer.Context,
    customer: Annotated[str, typer.Option("--customer", help="The Shopify customer id.")],
    email: Annotated[
        list[str] | None, typer.Option("--email", help="Also remove this email (repeatable).")
    ] = None,
    phone: Annotated[
        list[str] | None, typer.Option("--phone", help="Also remove this phone (repeatable).")
    ] = None,
    name: Annotated[
        list[str] | None, typer.Option("--name", help="Also remove this name (repeatable).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """Remove a customer's personal data from the state DB (Shopify customers/redact)."""
    app_ctx: AppContext = ctx.obj
    settings: Settings = _guarded(app_ctx.settings)
    extra = dict.fromkeys(email or [], "email")
    extra.update(dict.fromkeys(phone or [], "phone"))
    extra.update(dict.fromkeys(name or [], "name"))
    result: RedactionResult = _guarded(run_redact, settings, customer.strip(), extra)
    copies = [str(p) for p in _old_copies(settings.state_db_path)]
    if as_json:
        data = {
            "customer_id": result.customer_id,
            "mapping_found": result.mapping_found,
            "changed": result.changed,
            "total": result.total,
            "value_kinds": result.value_kinds,
            "old_copies": copies,
        }
        typer.echo(json.dumps(data, indent=2))
        raise typer.Exit(EXIT_OK)
    if result.total:
        table = Table(title=f"redacted customer {result.customer_id}")
        table.add_column("where")
        table.add_column("rows", justify="right")
        for where, rows in sorted(result.changed.items()):
            table.add_row(where, str(rows))
        console.print(table)
        kinds = ", ".join(result.value_kinds) or "none"
        console.print(f"kinds of values removed: {kinds}", markup=False)
    else:
        console.print(f"nothing (left) to redact for customer {result.customer_id}", markup=False)
    if result.mapping_found:
        console.print(
            "The Xero contact is not changed (it is the merchant's accounting record): "
            "edit or archive it in Xero if it must go too.",
            markup=False,
        )
    for copy in copies:
        console.print(
            f"warning: {copy} is an older state DB kept by `shopxero rebuild` and may hold "
            "the customer's data: delete it if it is no longer needed",
            markup=False,
        )
    raise typer.Exit(EXIT_OK)
