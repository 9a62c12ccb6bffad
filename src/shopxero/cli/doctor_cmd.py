"""``shopxero doctor [--json] [--notify-test]``: run the configuration checks of
``checks.doctor`` (and the notification channels' of ``notify``) and print them; notify a check
that fails. ``--notify-test`` only sends a test notification to each channel.

Exit codes: 0 when every check passed or only warnings were found (a sync can run; the warnings
say what it would miss), 2 when any check is an error (a sync would fail or write wrong data).
"""

from __future__ import annotations

import asyncio
import json
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from shopxero.checks.doctor import Check, DoctorReport, run_doctor
from shopxero.cli.app import EXIT_OK, EXIT_UNABLE, AppContext, app
from shopxero.config import Settings
from shopxero.engine.payment_routing import legacy_routing
from shopxero.errors import ConfigError, ShopxeroError
from shopxero.notify import channel_checks, notify_doctor, send_test
from shopxero.store import StateStore
from shopxero.store.private import not_writable_reason

__all__ = ["doctor_command", "print_doctor_report"]

console = Console(soft_wrap=True)
_MARK = {
    "ok": "[green]ok[/green]     ",
    "warning": "[yellow]warning[/yellow]",
    "error": "[red]error[/red]  ",
}


def print_doctor_report(report: DoctorReport, out: Console = console) -> None:
    """One line per check (status, service, name, what was found) and the fix under problems;
    long text wraps under its own column, not under the status (80 columns)."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column()
    for check in report.checks:
        grid.add_row(_MARK[check.status], f"{escape(_label(check))}: {escape(check.detail)}")
        if check.fix and check.status != "ok":
            grid.add_row("", f"fix: {escape(check.fix)}")
    out.print(grid)
    errors = sum(c.status == "error" for c in report.checks)
    warnings = sum(c.status == "warning" for c in report.checks)
    if errors:
        out.print(f"[red]{errors} error(s)[/red], {warnings} warning(s): fix the errors first.")
    elif warnings:
        out.print(f"all essential checks passed; {warnings} warning(s).")
    else:
        out.print("[green]all checks passed.[/green]")


def _notify_test(settings: Settings) -> DoctorReport:
    """One check per channel: the test message was accepted, or why not (masked)."""
    if not settings.notify_urls:
        check = Check(
            "notify",
            "test",
            "error",
            "no notification channel: SHOPXERO_NOTIFY_URLS is not set",
            "set SHOPXERO_NOTIFY_URLS to one or more Apprise URLs, e.g. "
            "mailto://user:app-password@gmail.com (docs/settings.md)",
        )
        return DoctorReport([check])
    report = DoctorReport()
    for delivery in send_test(settings):
        if delivery.ok:
            detail = f"test notification sent to {delivery.channel.label} ({delivery.detail})"
            report.checks.append(Check("notify", "test", "ok", detail))
        else:
            report.checks.append(
                Check(
                    "notify",
                    "test",
                    "error",
                    f"{delivery.channel.label}: {delivery.detail}",
                    "check the URL's credentials and that the service is reachable from here",
                )
            )
    return report


def _legacy_payments(settings: Settings) -> bool:
    """Whether the state DB (if there is one) holds payments from before payouts."""
    if not settings.state_db_path.exists():
        return False
    try:
        with StateStore.open(settings.state_db_path) as store:
            return legacy_routing(store)
    except ShopxeroError:
        return False  # a state DB that cannot be read: the sync says so, with the fix


def _data_dir_check(settings: Settings) -> Check:
    """The data dir (state DB, token file, run lock) must be writable, or no run can start."""
    folder = settings.data_dir
    reason = not_writable_reason(folder)
    if reason is None:
        return Check("settings", "data dir", "ok", f"{folder} is writable")
    detail, _, fix = reason.partition("; fix: ")
    return Check("settings", "data dir", "error", detail, fix)


def _label(check: Check) -> str:
    return f"{check.service} {check.name}"


@app.command("doctor")
def doctor_command(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print the checks as JSON.")] = False,
    notify_test: Annotated[
        bool,
        typer.Option(
            "--notify-test",
            help="Only send a test notification to each SHOPXERO_NOTIFY_URLS channel.",
        ),
    ] = False,
) -> None:
    """Check connectivity, credentials, scopes, tokens, accounts, tax and budget (exit 0 / 2).

    With SHOPXERO_NOTIFY_URLS set, a check that fails is notified (once, a reminder after a
    day, "resolved" when a later doctor passes it)."""
    app_ctx: AppContext = ctx.obj
    source = app_ctx.settings_source()
    try:
        settings = app_ctx.settings(announce=False)  # said below, with the checks
    except ConfigError as exc:
        Console(stderr=True).print(
            f"settings from {source}\nerror: {exc}", markup=False, highlight=False, soft_wrap=True
        )
        raise typer.Exit(EXIT_UNABLE) from None
    if notify_test:
        report = _notify_test(settings)
    else:
        report = asyncio.run(run_doctor(settings, legacy_payments=_legacy_payments(settings)))
        report.checks.insert(0, _data_dir_check(settings))
        report.checks.extend(channel_checks(settings))
        notify_doctor(settings, report.checks)
    if as_json:
        typer.echo(json.dumps({"settings": source, **report.to_json()}, indent=2))
    else:
        console.print(f"settings from {source}", markup=False, highlight=False)
        print_doctor_report(report)
    raise typer.Exit(EXIT_UNABLE if report.status == "error" else EXIT_OK)
