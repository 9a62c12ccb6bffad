"""``shopxero sandbox``: serve both simulators until stopped, and say how to point the tool at them.

``--write-env PATH`` writes the settings (base URLs, the sandboxes' fake credentials, Xero in
Custom Connection mode, or with ``--xero-app web`` the web app whose consent flow ``shopxero auth
xero`` runs against the sandbox) as a ``.env`` file for ``shopxero --env-file PATH sync``; mode
0600, as it holds credentials, even if fake ones. The web app's credentials are printed too.
"""

from __future__ import annotations

import os
import shlex
import signal
import threading
from pathlib import Path
from types import FrameType
from typing import Annotated

import typer
from rich.console import Console

from shopxero.cli.app import app
from shopxero.errors import ConfigError
from shopxero.sandbox.clock import SandboxClock
from shopxero.sandbox.run import RunningSandboxes, ShopifyAuth, XeroApp, start_sandboxes
from shopxero.sandbox.seeds import credentials

__all__ = ["sandbox_command", "write_env_file"]

console = Console()


def write_env_file(path: Path, env: dict[str, str]) -> None:
    """Write ``KEY=value`` lines to ``path`` with mode 0600 (replacing an older file's mode)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "".join(f"{key}={value}\n" for key, value in env.items())
    # Created 0600 from the start: never readable by others, not even for a moment.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(path, 0o600)


def _describe(
    running: RunningSandboxes, seed: str, env_file: Path | None, xero_app: XeroApp
) -> None:
    console.print(
        f"[bold]Shopify sandbox[/bold] {running.shopify_url}  (shop {running.shop_domain})"
    )
    console.print(f"[bold]Xero sandbox[/bold]    {running.xero_url}  (tenant {running.tenant_id})")
    console.print(f"Seed: {seed}")
    # These are the sandboxes' fixed, public, fake credentials (seeds.credentials), valid only
    # against these local simulators; printing them is what makes the examples copy-pasteable.
    token = credentials.SHOPIFY_ACCESS_TOKEN
    console.print("\nTry:")
    console.print(
        f"  curl -H 'X-Shopify-Access-Token: {token}' "
        f"{running.shopify_url}/admin/api/2026-10/customers.json",
        soft_wrap=True,
    )
    console.print(
        f"  curl -u {credentials.XERO_CC_CLIENT_ID}:{credentials.XERO_CC_CLIENT_SECRET} "
        f"-d grant_type=client_credentials {running.xero_url}/connect/token",
        soft_wrap=True,
    )
    console.print(f"  curl {running.xero_url}/_sandbox/state", soft_wrap=True)
    # The web app too, so the consent flow (`shopxero auth xero`) can be tried against the
    # sandbox's consent page; --xero-app web writes these instead of the Custom Connection.
    console.print(
        f"\nXero web app (consent flow): client id {credentials.XERO_WEB_CLIENT_ID}, "
        f"client secret {credentials.XERO_WEB_CLIENT_SECRET}, any http://localhost redirect URI",
        soft_wrap=True,
        highlight=False,
    )
    if env_file is not None:
        shopxero = shlex.join(["shopxero", "--env-file", str(env_file)])
        first = f"{shopxero} auth xero, then " if xero_app == "web" else ""
        console.print(
            f"\nSettings written to {env_file}: {first}{shopxero} sync",
            soft_wrap=True,
            highlight=False,
        )
    console.print("\nServing until Ctrl-C.", highlight=False)


@app.command("sandbox")
def sandbox_command(
    shopify_port: Annotated[
        int, typer.Option("--shopify-port", min=0, max=65535, help="Shopify port (0: free).")
    ] = 0,
    xero_port: Annotated[
        int, typer.Option("--xero-port", min=0, max=65535, help="Xero port (0: free).")
    ] = 0,
    seed: Annotated[
        str,
        typer.Option(
            "--seed", help="demo, bench, bench:customers=N,products=N,orders=N, or a JSON file."
        ),
    ] = "demo",
    write_env: Annotated[
        Path | None,
        typer.Option("--write-env", help="Write the settings that point shopxero here (0600)."),
    ] = None,
    day_limit: Annotated[
        int, typer.Option("--day-limit", min=1, help="Xero calls per day (Starter tier: 1000).")
    ] = 5000,
    speed: Annotated[
        float, typer.Option("--speed", min=0.001, help="Sandbox clock speed (60: a minute/second).")
    ] = 1.0,
    shopify_token: Annotated[
        bool,
        typer.Option(
            "--shopify-token",
            help="Write a static shpat_ token instead of client credentials to the env file.",
        ),
    ] = False,
    xero_app: Annotated[
        str,
        typer.Option(
            "--xero-app",
            help="Xero app the env file uses: 'custom-connection' (no browser) or 'web' (try "
            "the consent flow: `shopxero auth xero`).",
        ),
    ] = "custom-connection",
) -> None:
    """Serve the Shopify and Xero simulators until stopped (Ctrl-C)."""
    if xero_app not in ("custom-connection", "web"):
        raise ConfigError(f"--xero-app: choose 'custom-connection' or 'web', not {xero_app!r}")
    app_kind: XeroApp = "web" if xero_app == "web" else "custom_connection"
    stop = threading.Event()

    def _on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    # SIGTERM (docker stop, a test's terminate()) stops as cleanly as Ctrl-C.
    previous = signal.signal(signal.SIGTERM, _on_signal)
    try:
        with start_sandboxes(
            seed,
            shopify_port=shopify_port,
            xero_port=xero_port,
            clock=SandboxClock(speed=speed),
            day_limit=day_limit,
        ) as running:
            if write_env is not None:
                auth: ShopifyAuth = "access_token" if shopify_token else "client_credentials"
                write_env_file(write_env, running.env(shopify_auth=auth, xero_app=app_kind))
            _describe(running, seed, write_env, app_kind)
            try:
                while not stop.wait(0.5):
                    pass
            except KeyboardInterrupt:
                pass
    except OSError as exc:
        # Typically the port is taken; say so in one line instead of a traceback.
        raise ConfigError(f"could not start the sandboxes: {exc}") from exc
    except RuntimeError as exc:
        raise ConfigError(f"could not start the sandboxes: {exc}") from exc
    finally:
        signal.signal(signal.SIGTERM, previous)
    console.print("Stopped.")
