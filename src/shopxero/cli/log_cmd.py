"""``shopxero log``: the API-call log of the state DB, filtered, as a table or JSON.

Every HTTP attempt either client made is logged (already redacted, docs/architecture.md,
invariant 7); failed calls also keep their request and response bodies (truncated), shown with
``--bodies``.
"""

from __future__ import annotations

import json
import re
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from shopxero.cli.app import EXIT_UNABLE, AppContext, app
from shopxero.cli.layout import compact_table, utc_second
from shopxero.errors import ConfigError, StoreError
from shopxero.store import StateStore
from shopxero.store.history import CallRow, status_filter

__all__ = ["call_json", "log_command"]

console = Console()
err_console = Console(stderr=True)
SERVICES = ("shopify", "xero")


def call_json(call: CallRow, *, bodies: bool) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": call.id,
        "run_id": call.run_id,
        "time": call.time.isoformat(),
        "service": call.service,
        "method": call.method,
        "path": call.path,
        "query": call.query,
        "status": call.status,
        "duration_ms": call.duration_ms,
        "attempt": call.attempt,
        "request_id": call.request_id,
        "error": call.error,
        "expected": call.expected,
    }
    if bodies:
        data["request_body"] = call.request_body
        data["response_body"] = call.response_body
    return data


def _fail(message: str) -> typer.Exit:
    err_console.print(f"error: {message}", markup=False, highlight=False, soft_wrap=True)
    return typer.Exit(EXIT_UNABLE)


def _status_text(call: CallRow) -> str:
    if call.status is None:
        return "[red]none[/red]"
    colour = "green" if call.status < 300 else "yellow" if call.status < 500 else "red"
    if call.status == 429:
        colour = "magenta"
    if call.expected:
        colour = "green"  # a look-up's "not there": an answer, not a failure
    return f"[{colour}]{call.status}[/{colour}]"


# The fixed part of each API's paths (Xero's accounting API, Shopify's versioned Admin API): the
# same on every line, so the table shows what follows it.
_PATH_PREFIXES = (re.compile(r"^/api\.xro/2\.0/"), re.compile(r"^/admin/(?:api/[^/]+/)?"))


def short_path(path: str) -> str:
    """``/api.xro/2.0/Contacts/X`` -> ``Contacts/X``; ``/admin/api/2026-10/orders/1/refunds.json``
    -> ``orders/1/refunds`` (every Shopify REST path ends in .json); ``/admin/oauth/access_token``
    -> ``oauth/access_token``."""
    for prefix in _PATH_PREFIXES:
        if prefix.match(path):
            return prefix.sub("", path).removesuffix(".json")
    return path


def _table(calls: list[CallRow]) -> Table:
    """One call a line at 80 columns: short fixed columns first, the path last (it alone may
    wrap)."""
    # Calls of one UTC day (the usual case) name the day once, in the title: the time column
    # shrinks to HH:MM:SS and the path keeps room for Shopify's longest (orders/ID/transactions).
    days = {call.time.date() for call in calls}
    one_day = days.pop() if len(days) == 1 else None
    when = f"{one_day:%Y-%m-%d}, times UTC" if one_day else "times UTC"
    table = compact_table(f"API calls (last {len(calls)}; {when})")
    for name, justify in (
        ("time", "left"),
        ("run", "right"),
        ("service", "left"),
        ("method", "left"),
        ("status", "right"),
        ("ms", "right"),
        ("try", "right"),
    ):
        table.add_column(name, justify=justify, no_wrap=True)  # type: ignore[arg-type]
    table.add_column("path", overflow="fold")
    for call in calls:
        # The query (paging, filters) is in --json; the table keeps to what identifies the call.
        table.add_row(
            f"{call.time:%H:%M:%S}" if one_day else utc_second(call.time),
            str(call.run_id or ""),
            call.service,
            call.method,
            _status_text(call),
            f"{call.duration_ms:.0f}",
            str(call.attempt),
            escape(short_path(call.path)) + (" (expected)" if call.expected else ""),
        )
    return table


def _print_bodies(calls: list[CallRow]) -> None:
    shown = [c for c in calls if c.request_body or c.response_body or c.error]
    if not shown:
        console.print("no bodies: only failed calls keep theirs, and none is in this selection")
    for call in shown:
        console.print(
            f"\n#{call.id} {call.service} {call.method} {call.path} -> {call.status}",
            markup=False,
            highlight=False,
        )
        if call.error:
            console.print(f"  error: {call.error}", markup=False, highlight=False)
        if call.request_body:
            console.print(f"  request: {call.request_body}", markup=False, highlight=False)
        if call.response_body:
            console.print(f"  response: {call.response_body}", markup=False, highlight=False)


@app.command("log")
def log_command(
    ctx: typer.Context,
    last: Annotated[int, typer.Option("--last", min=1, help="How many calls (newest).")] = 50,
    service: Annotated[str | None, typer.Option("--service", help="shopify or xero only.")] = None,
    status: Annotated[
        str | None, typer.Option("--status", help="A status (429) or class (4xx, 5xx).")
    ] = None,
    failed: Annotated[
        bool,
        typer.Option(
            "--failed",
            help="Only calls with no answer or a 4xx/5xx (not a look-up's expected 404).",
        ),
    ] = False,
    run: Annotated[int | None, typer.Option("--run", help="Only calls of this run id.")] = None,
    bodies: Annotated[
        bool, typer.Option("--bodies", help="Show the bodies kept for failed calls.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """The API-call log: time, service, method, path, status, duration and attempt."""
    if service is not None and service not in SERVICES:
        raise _fail(f"--service must be one of {', '.join(SERVICES)}, not {service!r}")
    try:
        status_range = status_filter(status) if status is not None else None
    except ValueError as exc:
        raise _fail(f"--status: {exc}") from None
    app_ctx: AppContext = ctx.obj
    try:
        settings = app_ctx.settings()
        if not settings.state_db_path.exists():
            raise _fail(f"no state DB at {settings.state_db_path}: nothing has run yet")
        with StateStore.open(settings.state_db_path) as store:
            calls = store.history.recent_calls(
                last, service=service, status=status_range, failed_only=failed, run_id=run
            )
    except (ConfigError, StoreError) as exc:
        raise _fail(str(exc)) from None
    if as_json:
        typer.echo(json.dumps([call_json(c, bodies=bodies) for c in calls], indent=2))
        return
    if not calls:
        console.print("no API calls match")
        return
    console.print(_table(calls))
    if bodies:
        _print_bodies(calls)
