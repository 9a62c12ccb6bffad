"""``shopxero doctor [--json]``: run the configuration checks of ``sync.doctor`` and print them.

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

from shopxero.checks.doctor import Check, DoctorReport, run_doctor
from shopxero.cli.app import EXIT_OK, EXIT_UNABLE, AppContext, app
from shopxero.errors import ConfigError

__all__ = ["doctor_command", "print_doctor_report"]

console = Console(soft_wrap=True)
_MARK = {
    "ok": "[green]ok[/green]     ",
    "warning": "[yellow]warning[/yellow]",
    "error": "[red]error[/red]  ",
}


def print_doctor_report(report: DoctorReport, out: Console = console) -> None:
    """One line per check (status, service, name, what was found) and the fix under problems."""
    for check in report.checks:
        out.print(f"{_MARK[check.status]} {escape(_label(check))}: {escape(check.detail)}")
        if check.fix and check.status != "ok":
            out.print(f"         fix: {escape(check.fix)}")
    errors = sum(c.status == "error" for c in report.checks)
    warnings = sum(c.status == "warning" for c in report.checks)
    if errors:
        out.print(f"[red]{errors} error(s)[/red], {warnings} warning(s): fix the errors first.")
    elif warnings:
        out.print(f"all essential checks passed; {warnings} warning(s).")
    else:
        out.print("[green]all checks passed.[/green]")


def _label(check: Check) -> str:
    return f"{check.service} {check.name}"


@app.command("doctor")
def doctor_command(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print the checks as JSON.")] = False,
) -> None:
    """Check connectivity, credentials, scopes, tokens, accounts, tax and budget (exit 0 / 2)."""
    app_ctx: AppContext = ctx.obj
    source = app_ctx.settings_source()
    try:
        settings = app_ctx.settings(announce=False)  # said below, with the checks
    except ConfigError as exc:
        Console(stderr=True).print(
            f"settings from {source}\nerror: {exc}", markup=False, highlight=False, soft_wrap=True
        )
        raise typer.Exit(EXIT_UNABLE) from None
    report = asyncio.run(run_doctor(settings))
    if as_json:
        typer.echo(json.dumps({"settings": source, **report.to_json()}, indent=2))
    else:
        console.print(f"settings from {source}", markup=False, highlight=False)
        print_doctor_report(report)
    raise typer.Exit(EXIT_UNABLE if report.status == "error" else EXIT_OK)
