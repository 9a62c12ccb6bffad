"""shopxero CLI: ``shopxero auth shopify|xero|import-token|status`` (check and set up credentials).

``auth shopify``, ``auth xero`` and ``auth status`` share one ``auth_app``; the work is in
``cli/auth_shopify.py`` and ``cli/auth_xero.py``.
"""

from __future__ import annotations

import sys
from datetime import datetime

import typer

from shopxero.cli.app import EXIT_UNABLE, app
from shopxero.cli.layout import utc_minute
from shopxero.errors import ShopxeroError

__all__ = ["auth_app"]

auth_app = typer.Typer(
    help="Check and set up the Shopify and Xero credentials.", no_args_is_help=True
)
app.add_typer(auth_app, name="auth")


# --- auth shopify; the work is in cli/auth_shopify.py ----------------------------------------


@auth_app.command("shopify")
def auth_shopify(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of text."),
) -> None:
    """Check the Shopify credentials: shop name, API version and granted scopes."""
    import json

    from rich.markup import escape

    from shopxero.cli.app import EXIT_UNABLE, err_console
    from shopxero.cli.auth_shopify import check_shopify
    from shopxero.errors import ShopxeroError

    try:
        report = check_shopify(ctx.obj.settings())
    except ShopxeroError as exc:
        # One line, and exit 2 (docs/architecture.md: could not run); the error text is already
        # redacted. escape(): "[request <id>]" in the text is not rich markup.
        message = escape(f"Shopify check failed: {exc}")
        err_console.print(f"[red]error:[/red] {message}", soft_wrap=True)
        raise typer.Exit(EXIT_UNABLE) from None
    if as_json:
        typer.echo(json.dumps(report, indent=2))
        return
    domain = f" ({report['domain']})" if report["domain"] else ""
    typer.echo(f"Shopify shop: {report['shop_name']}{domain}")
    typer.echo(f"Auth: {report['mode']}")
    typer.echo(f"API version: {report['api_version']}")
    typer.echo(f"Scopes: {' '.join(report['scopes']) or '(none reported)'}")
    for warning in report["warnings"]:
        typer.echo(f"warning: {warning}")


# --- auth xero / auth status; the work is in cli/auth_xero.py -------------------------------


@auth_app.command("xero")
def auth_xero(
    ctx: typer.Context,
    no_browser: bool = typer.Option(
        False, "--no-browser", help="Print the consent address instead of opening a browser."
    ),
    tenant: str | None = typer.Option(
        None, "--tenant", help="Xero tenant (organisation) id to use when several are connected."
    ),
    revoke: bool = typer.Option(
        False, "--revoke", help="Revoke shopxero's Xero access and delete the token file."
    ),
    scopes: str | None = typer.Option(
        None,
        "--scopes",
        help="'granular' (apps created since March 2026) or 'broad' (older apps) "
        "[SHOPXERO_XERO_SCOPES].",
    ),
) -> None:
    """Connect shopxero to a Xero organisation (OAuth2 consent, or check a Custom Connection)."""
    from typing import Any

    from shopxero.cli.auth_xero import connect_xero, revoke_xero

    settings = ctx.obj.settings(**({"xero_scopes": scopes} if scopes else {}))
    if revoke:
        if revoke_xero(settings):
            typer.echo("Xero access revoked; the token file is deleted.")
        else:
            typer.echo(f"No Xero token file at {settings.token_file_path}: nothing to revoke.")
        return

    def prompt_tenant(orgs: list[dict[str, Any]]) -> dict[str, Any]:
        for number, org in enumerate(orgs, start=1):
            typer.echo(f"  {number}. {org.get('tenantName')} ({org.get('tenantId')})")
        # typer's prompt (0.29) rejects click's IntRange with an AssertionError: ask for an int
        # and check the range here.
        while True:
            choice = int(typer.prompt(f"Which organisation (1-{len(orgs)})", type=int))
            if 1 <= choice <= len(orgs):
                return orgs[choice - 1]
            typer.echo(f"  enter a number from 1 to {len(orgs)}")

    result = connect_xero(
        settings, no_browser=no_browser, tenant=tenant, echo=typer.echo, prompt_tenant=prompt_tenant
    )
    if result["mode"] == "custom_connection":
        typer.echo(f"Xero Custom Connection works: organisation {result['tenant_name']}.")
    else:
        typer.echo(
            f"Connected to Xero organisation {result['tenant_name']} ({result['tenant_id']}); "
            f"tokens saved to {result['token_file']}."
        )
    typer.echo(f"Scopes: {' '.join(result['scopes']) or '(none reported)'}")


@auth_app.command("import-token")
def auth_import_token_cmd(
    ctx: typer.Context,
    source: str = typer.Argument(
        ..., help="The token file `auth xero` wrote elsewhere, or - to read it from stdin."
    ),
) -> None:
    """Put a Xero token file from another computer into the data dir (refuses an older copy).

    For a container: `docker compose run --rm -T sync auth import-token - < data/xero-token.json`
    (stdin, so the container's user needs no access to the file), then delete that copy."""
    from pathlib import Path

    from shopxero.engine.runlock import run_lock
    from shopxero.xero.token_import import import_token

    settings = ctx.obj.settings()
    if source == "-":
        text, name = sys.stdin.read(), "the token file on stdin"
    else:
        try:
            text, name = Path(source).read_text(encoding="utf-8"), source
        except OSError as exc:
            typer.echo(f"error: cannot read {source}: {exc.strerror}", err=True)
            raise typer.Exit(EXIT_UNABLE) from None
    # Not while a run may be refreshing the token it would replace.
    try:
        with run_lock(settings.data_dir, hint="import the token when it has finished"):
            typer.echo(import_token(text, name, settings.token_file_path))
    except ShopxeroError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(EXIT_UNABLE) from None


@auth_app.command("status")
def auth_status_cmd(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of text."),
) -> None:
    """Show the Xero token state (expiry, refresh-token age, tenant) and the Shopify auth mode."""
    import json

    from shopxero.cli.auth_xero import auth_status

    report = auth_status(ctx.obj.settings())
    if as_json:
        typer.echo(json.dumps(report, indent=2))
        return
    xero, shopify = report["xero"], report["shopify"]
    typer.echo(f"Xero: {xero['mode']}")
    if xero["mode"] == "web" and xero.get("connected"):
        state = "expired" if xero["access_token_expired"] else "valid"
        typer.echo(f"  organisation: {xero.get('tenant_name')} ({xero.get('tenant_id')})")
        expires = utc_minute(datetime.fromisoformat(xero["access_token_expires_at"]))
        typer.echo(f"  access token: {state}, expires {expires} UTC")
        typer.echo(f"  refresh token: last used {xero['refresh_token_age_days']} days ago")
        typer.echo(f"  scopes: {' '.join(xero['scopes'])}")
        typer.echo(f"  token file: {xero['token_file']}")
    elif xero["mode"] == "custom_connection":
        typer.echo(f"  {xero['detail']}")
    for warning in xero["warnings"]:
        typer.echo(f"  warning: {warning}")
    typer.echo(f"Shopify: {shopify['mode']} ({shopify['shop'] or 'no shop set'})")
