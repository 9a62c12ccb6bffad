"""The Typer application, its global options, and error-to-exit-code handling.

The settings file is ``--env-file PATH``, else ``./shopxero.env`` when it exists (what ``init``
writes, so the commands it prints work as printed); the first command to read the default file
says so in one dim line on stderr. The global options may also come after the command
(``shopxero doctor --env-file shopxero.env``), as people type them: ``GlobalOptionsGroup`` moves
them to the front before Click parses the line.
"""

from __future__ import annotations

import importlib
import logging
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from typer.core import TyperGroup

from shopxero import __version__
from shopxero.cli.logging_setup import active_log_format, configure_logging, resolve_log_format
from shopxero.config import Settings, load_settings
from shopxero.errors import AuthError, ConfigError, ShopxeroError
from shopxero.exit_codes import EXIT_FAILED_RECORDS, EXIT_OK, EXIT_UNABLE
from shopxero.store.data_volume import DataVolumeError, data_volume_problem
from shopxero.store.private import make_private

__all__ = [
    "DEFAULT_ENV_FILE",
    "EXIT_FAILED_RECORDS",
    "EXIT_OK",
    "EXIT_UNABLE",
    "GLOBAL_FLAGS",
    "GLOBAL_VALUE_OPTIONS",
    "AppContext",
    "app",
    "hoist_global_options",
    "main",
]

# What `shopxero init` writes and every command reads when --env-file is not given.
DEFAULT_ENV_FILE = Path("shopxero.env")
# The global options that may come after the command; no command has an option of these names
# (tests/cli/test_global_options.py checks it), so moving them never takes a command's own.
GLOBAL_VALUE_OPTIONS = ("--env-file", "--data-dir", "--log-format")
GLOBAL_FLAGS = ("--verbose", "-v")


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


def hoist_global_options(args: list[str]) -> list[str]:
    """``doctor --env-file x`` -> ``--env-file x doctor``: global options found after the
    command are moved in front of it, in their order; anything after ``--`` stays put."""
    front: list[str] = []
    i = 0
    while i < len(args) and args[i].startswith("-") and args[i] != "--":
        takes_value = args[i] in GLOBAL_VALUE_OPTIONS
        front.extend(args[i : i + 1 + takes_value])
        i += 1 + takes_value
    moved: list[str] = []
    rest: list[str] = []
    while i < len(args):
        arg = args[i]
        if arg == "--":
            rest.extend(args[i:])
            break
        if arg in GLOBAL_VALUE_OPTIONS and i + 1 < len(args):
            moved.extend(args[i : i + 2])
            i += 2
            continue
        if arg in GLOBAL_FLAGS or arg.split("=", 1)[0] in GLOBAL_VALUE_OPTIONS:
            moved.append(arg)
        else:
            rest.append(arg)
        i += 1
    return front + moved + rest


class GlobalOptionsGroup(TyperGroup):
    """The top-level group: accepts the global options after the command as well."""

    # ctx: Any, because Typer types it with the Click it vendors, which it does not export.
    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        return super().parse_args(ctx, hoist_global_options(args))


app = typer.Typer(
    name="shopxero",
    cls=GlobalOptionsGroup,
    help="Keep Xero in step with a Shopify shop: no duplicates, totals to the cent. Settings "
    "come from ./shopxero.env (or --env-file) and SHOPXERO_* variables; the global options "
    "below may also follow the command.",
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
    # True when env_file is ./shopxero.env, read because it exists (no --env-file given).
    env_file_is_default: bool = False
    verbose: bool = False  # `-v`: also name what a run skipped, and log routine events
    _announced: bool = False

    def settings(self, *, announce: bool = True, **overrides: object) -> Settings:
        if self.data_dir is not None:
            overrides.setdefault("data_dir", self.data_dir)
        if announce:
            self.announce_settings_file()
        settings = load_settings(self.env_file, **overrides)
        if settings.require_data_volume:
            problem = data_volume_problem(settings.data_dir)
            if problem is not None:
                raise DataVolumeError(problem)
        _note_made_private(make_private(settings.data_dir))
        return settings

    def command(self) -> str:
        """``shopxero`` with the global options that reach the same settings and data dir, for
        the commands we print (``shopxero --data-dir ./x errors list``)."""
        words = ["shopxero"]
        if self.env_file is not None and not self.env_file_is_default:
            words += ["--env-file", str(self.env_file)]
        if self.data_dir is not None:
            words += ["--data-dir", str(self.data_dir)]
        return shlex.join(words)

    def settings_source(self) -> str:
        """Where the settings come from, in words (``doctor`` prints it)."""
        if self.env_file is None:
            return f"SHOPXERO_* variables only (no --env-file, no ./{DEFAULT_ENV_FILE})"
        if self.env_file_is_default:
            return f"{self.env_file} (the default; --env-file picks another)"
        return f"{self.env_file} and SHOPXERO_* variables"

    def announce_settings_file(self) -> None:
        """Say once that ./shopxero.env is read, since nobody asked for it on this command line."""
        if not self.env_file_is_default or self._announced:
            return
        self._announced = True
        text = f"settings from {self.settings_source()}"
        if active_log_format() == "json":
            logging.getLogger("shopxero.cli").info(text)
        else:
            err_console.print(text, style="dim", markup=False, highlight=False, soft_wrap=True)


def _note_made_private(changed: list[str]) -> None:
    """One note when a data dir made before (or by hand) had wider modes than 0700/0600."""
    if not changed:
        return
    text = (
        "note: made private (owner only), as they hold customers' names, emails and addresses "
        f"and the Xero tokens: {', '.join(changed)}"
    )
    if active_log_format() == "json":
        logging.getLogger("shopxero.cli").warning(text)
    else:
        err_console.print(text, style="yellow", markup=False, highlight=False, soft_wrap=True)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"shopxero {__version__}")
        raise typer.Exit()


@app.callback()
def _global_options(
    ctx: typer.Context,
    env_file: Annotated[
        Path | None,
        typer.Option(
            "--env-file",
            help="A .env-style settings file [./shopxero.env when it exists]; real environment "
            "variables override it.",
        ),
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
        typer.Option(
            "--verbose",
            "-v",
            help="Name each record a run skipped, and log routine events (each retry).",
        ),
    ] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:

    is_default = env_file is None and DEFAULT_ENV_FILE.is_file()
    if is_default:
        env_file = DEFAULT_ENV_FILE
    configure_logging(resolve_log_format(log_format, env_file), verbose=verbose)
    ctx.obj = AppContext(
        env_file=env_file, data_dir=data_dir, env_file_is_default=is_default, verbose=verbose
    )


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
