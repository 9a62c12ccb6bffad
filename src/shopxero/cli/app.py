"""The Typer application, its global options, and error-to-exit-code handling."""

from __future__ import annotations

import importlib
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from shopxero import __version__
from shopxero.config import Settings, load_settings
from shopxero.errors import AuthError, ConfigError, ShopxeroError
from shopxero.exit_codes import EXIT_FAILED_RECORDS, EXIT_OK, EXIT_UNABLE

__all__ = ["EXIT_FAILED_RECORDS", "EXIT_OK", "EXIT_UNABLE", "AppContext", "app", "main"]


# Command modules, imported for their side effect of registering commands on ``app``.
COMMAND_MODULES: tuple[str, ...] = (
    "shopxero.cli.sandbox_cmd",
    "shopxero.cli.auth_cmd",
    "shopxero.cli.sync_cmd",
    "shopxero.cli.demo_cmd",
    "shopxero.cli.schedule_cmd",
    "shopxero.cli.health_cmd",
    "shopxero.cli.doctor_cmd",
    "shopxero.cli.log_cmd",
    "shopxero.cli.report_cmd",
    "shopxero.cli.init_cmd",
    "shopxero.cli.rebuild_cmd",
    "shopxero.cli.redact_cmd",
)

app = typer.Typer(
    name="shopxero",
    help="Keep Xero in step with a Shopify shop: no duplicates, totals to the cent.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

err_console = Console(stderr=True)


@dataclass
class AppContext:
    """What the global options give every command."""

    env_file: Path | None
    data_dir: Path | None

    def settings(self, **overrides: object) -> Settings:
        if self.data_dir is not None:
            overrides.setdefault("data_dir", self.data_dir)
        return load_settings(self.env_file, **overrides)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"shopxero {__version__}")
        raise typer.Exit()


@app.callback()
def _global_options(
    ctx: typer.Context,
    env_file: Annotated[
        Path | None,
        typer.Option("--env-file", help="A .env-style settings file; real env vars override it."),
    ] = None,
    data_dir: Annotated[
        Path | None,
        typer.Option("--data-dir", help="Folder for state.db, the token file and logs [./data]."),
    ] = None,
    log_format: Annotated[
        str | None,
        typer.Option(
            "--log-format",
            help="Log lines on stderr as 'text' (default) or 'json' (one object per line) "
            "[SHOPXERO_LOG_FORMAT].",
        ),
    ] = None,
    verbose: Annotated[
        bool,
        typer.Option("--verbose", "-v", help="Also log routine events (each retry) in text logs."),
    ] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    from shopxero.cli.logging_setup import configure_logging, resolve_log_format

    configure_logging(resolve_log_format(log_format, env_file), verbose=verbose)
    ctx.obj = AppContext(env_file=env_file, data_dir=data_dir)


def _register_commands() -> None:
    for name in COMMAND_MODULES:
        importlib.import_module(name)


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the app and turn shopxero errors into the exit codes of
    docs/architecture.md."""
    _register_commands()
    try:
        app(args=argv, standalone_mode=True)
    except (ConfigError, AuthError) as exc:
        err_console.print(f"[red]error:[/red] {exc}")
        sys.exit(EXIT_UNABLE)
    except ShopxeroError as exc:
        err_console.print(f"[red]error:[/red] {exc}")
        sys.exit(EXIT_UNABLE)
