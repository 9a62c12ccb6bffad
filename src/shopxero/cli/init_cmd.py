"""``shopxero init``: ask for the settings a first run needs, write them, connect Xero, check.

Every question has an option, so the same setup can be scripted (``--no-input`` never prompts).
Re-running shows the current values as defaults (secrets as "keep the current one") and keeps
every line of the env file it does not change, comments included. The env file is written
atomically with mode 0600: it holds client secrets. The Xero step is ``auth xero``'s own code
(``cli.auth_xero.connect_xero``), the Shopify step ``auth shopify``'s (``check_shopify``).
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Annotated, Any

import typer
from dotenv import dotenv_values

from shopxero.cli.app import DEFAULT_ENV_FILE, EXIT_OK, EXIT_UNABLE, AppContext, app
from shopxero.config import load_settings
from shopxero.errors import ConfigError, ShopxeroError

__all__ = ["init_command", "normalise_shop", "update_env_file"]

SHOP = "SHOPXERO_SHOPIFY_SHOP"
SHOPIFY_ID = "SHOPXERO_SHOPIFY_CLIENT_ID"
SHOPIFY_SECRET = "SHOPXERO_SHOPIFY_CLIENT_SECRET"
SHOPIFY_TOKEN = "SHOPXERO_SHOPIFY_ACCESS_TOKEN"
XERO_MODE = "SHOPXERO_XERO_MODE"
XERO_ID = "SHOPXERO_XERO_CLIENT_ID"
XERO_SECRET = "SHOPXERO_XERO_CLIENT_SECRET"
XERO_REDIRECT = "SHOPXERO_XERO_REDIRECT_URI"
DATA_DIR = "SHOPXERO_DATA_DIR"
DEFAULT_REDIRECT = "http://localhost:8765/callback"
_SHOP_RE = re.compile(r"^[a-z0-9][a-z0-9-]*\.myshopify\.com$")
_PLAIN_VALUE = re.compile(r"^[A-Za-z0-9_./:@+,=-]*$")


def normalise_shop(value: str) -> str:
    """``My-Shop``, ``https://my-shop.myshopify.com/admin`` -> ``my-shop.myshopify.com``."""
    text = value.strip().lower()
    text = re.sub(r"^https?://", "", text).split("/", 1)[0]
    if text and "." not in text:
        text += ".myshopify.com"
    if not _SHOP_RE.match(text):
        raise ConfigError(
            f"shop domain {value!r}: use the shop's myshopify.com address (Shopify admin > "
            "Settings > Domains), e.g. my-shop.myshopify.com"
        )
    return text


def _quote(value: str) -> str:
    if _PLAIN_VALUE.match(value):
        return value
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def update_env_file(path: Path, changes: dict[str, str | None]) -> None:
    """Set (or with None, remove) keys in the env file; keep every other line as it was.

    Written to a temporary file created with mode 0600 in the same folder, then renamed over
    the old one, so the secrets are never readable by others, not even for a moment.
    """
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    pending = dict(changes)
    out: list[str] = []
    for line in lines:
        key = line.strip().removeprefix("export ").split("=", 1)[0].strip()
        if "=" in line and not line.lstrip().startswith("#") and key in pending:
            value = pending.pop(key)
            if value is not None:
                out.append(f"{key}={_quote(value)}")
            continue
        out.append(line)
    out.extend(f"{k}={_quote(v)}" for k, v in pending.items() if v is not None)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write("\n".join(out) + "\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class _Asker:
    """Takes an option's value, else asks (current value as default), else fails (--no-input)."""

    def __init__(self, current: dict[str, str | None], interactive: bool) -> None:
        self.current = current
        self.interactive = interactive

    def value(
        self, key: str, given: str | None, question: str, option: str, *, default: str = ""
    ) -> str:
        if given is not None:
            return given.strip()
        existing = self.current.get(key) or default
        if not self.interactive:
            if existing:
                return existing
            raise ConfigError(f"{option} is needed (no current value in the env file)")
        return str(typer.prompt(question, default=existing or None)).strip()

    def secret(self, key: str, given: str | None, question: str, option: str) -> str:
        if given is not None:
            return given.strip()
        existing = self.current.get(key)
        if not self.interactive:
            if existing:
                return existing
            raise ConfigError(f"{option} is needed (no current value in the env file)")
        if existing:
            answer = typer.prompt(
                f"{question} [Enter keeps the current one]",
                default="",
                hide_input=True,
                show_default=False,
            )
            return str(answer).strip() or existing
        return str(typer.prompt(question, hide_input=True)).strip()

    def choice(
        self, given: str | None, question: str, choices: tuple[str, ...], default: str
    ) -> str:
        if given is not None:
            if given not in choices:
                raise ConfigError(f"{question}: choose one of {', '.join(choices)}, not {given!r}")
            return given
        if not self.interactive:
            return default
        while True:
            answer = str(typer.prompt(f"{question} ({'/'.join(choices)})", default=default))
            if answer.strip() in choices:
                return answer.strip()
            _say(f"  choose one of: {', '.join(choices)}")


def _say(text: str) -> None:
    typer.echo(text)


def _ask_settings(ask: _Asker, opts: dict[str, Any]) -> dict[str, str | None]:
    cur = ask.current
    changes: dict[str, str | None] = {}
    _say("1/4 Shopify shop: the myshopify.com address of the shop to keep Xero in step with.")
    shop = ask.value(SHOP, opts["shop"], "Shop domain", "--shop")
    changes[SHOP] = normalise_shop(shop)

    _say(
        "2/4 Shopify credentials: a Dev Dashboard app's client id and secret (recommended), or "
        "a legacy custom app's Admin API token (shpat_...)."
    )
    mode = ask.choice(
        opts["shopify_auth"],
        "Shopify credentials",
        ("client-credentials", "token"),
        "token" if cur.get(SHOPIFY_TOKEN) else "client-credentials",
    )
    if mode == "token":
        changes[SHOPIFY_TOKEN] = ask.secret(
            SHOPIFY_TOKEN, opts["shopify_token"], "Admin API access token", "--shopify-token"
        )
        # The token wins over client credentials (sync.factory): keep just one way configured.
        changes[SHOPIFY_ID] = changes[SHOPIFY_SECRET] = None
    else:
        changes[SHOPIFY_ID] = ask.value(
            SHOPIFY_ID, opts["shopify_client_id"], "Client ID", "--shopify-client-id"
        )
        changes[SHOPIFY_SECRET] = ask.secret(
            SHOPIFY_SECRET,
            opts["shopify_client_secret"],
            "Client secret",
            "--shopify-client-secret",
        )
        changes[SHOPIFY_TOKEN] = None

    _say(
        "3/4 Xero app: 'web' (an app at developer.xero.com; you allow it once in a browser) or "
        "'custom-connection' (a Custom Connection tied to one organisation; no browser)."
    )
    xero_mode = ask.choice(
        opts["xero_app"],
        "Xero app type",
        ("web", "custom-connection"),
        "custom-connection" if cur.get(XERO_MODE) == "custom_connection" else "web",
    )
    changes[XERO_MODE] = xero_mode.replace("-", "_")
    changes[XERO_ID] = ask.value(
        XERO_ID, opts["xero_client_id"], "Xero client id", "--xero-client-id"
    )
    changes[XERO_SECRET] = ask.secret(
        XERO_SECRET, opts["xero_client_secret"], "Xero client secret", "--xero-client-secret"
    )
    if xero_mode == "web":
        changes[XERO_REDIRECT] = ask.value(
            XERO_REDIRECT,
            opts["redirect_uri"],
            "Redirect URI (exactly as registered on the Xero app)",
            "--redirect-uri",
            default=DEFAULT_REDIRECT,
        )
    for key, value in changes.items():
        if value == "":
            raise ConfigError(f"{key} cannot be empty")
    return changes


def _prompt_tenant(orgs: list[dict[str, Any]]) -> dict[str, Any]:
    for number, org in enumerate(orgs, start=1):
        _say(f"  {number}. {org.get('tenantName')} ({org.get('tenantId')})")
    while True:
        answer = str(typer.prompt(f"Which organisation (1-{len(orgs)})")).strip()
        if answer.isdigit() and 1 <= int(answer) <= len(orgs):
            return orgs[int(answer) - 1]
        _say(f"  enter a number from 1 to {len(orgs)}")


def _connect_and_check(app_ctx: AppContext, env_file: Path, opts: dict[str, Any]) -> None:
    from shopxero.cli.auth_shopify import check_shopify
    from shopxero.cli.auth_xero import connect_xero
    from shopxero.cli.payouts_hint import payouts_hint

    overrides: dict[str, Any] = {}
    if app_ctx.data_dir is not None:
        overrides["data_dir"] = app_ctx.data_dir
    settings = load_settings(env_file, **overrides)
    if opts["connect"]:
        _say(
            "4/4 Connecting to Xero"
            + (" (a browser opens)." if settings.xero_mode == "web" else ".")
        )
        result = connect_xero(
            settings,
            no_browser=opts["no_browser"],
            tenant=opts["tenant"],
            echo=_say,
            prompt_tenant=_prompt_tenant if opts["interactive"] else None,
        )
        _say(f"  Xero organisation: {result['tenant_name']}")
        hint = payouts_hint(settings)
        if hint:
            _say(f"  {hint}")
    else:
        _say("4/4 Xero consent skipped (--no-connect): run `shopxero auth xero` when ready.")
    shop = check_shopify(settings)
    _say(f"  Shopify shop: {shop['shop_name']} ({shop['mode']})")
    for warning in shop["warnings"]:
        _say(f"  warning: {warning}")


@app.command("init")
def init_command(
    ctx: typer.Context,
    shop: Annotated[str | None, typer.Option("--shop", help="my-shop.myshopify.com")] = None,
    shopify_auth: Annotated[
        str | None,
        typer.Option("--shopify-auth", help="'client-credentials' (Dev Dashboard) or 'token'."),
    ] = None,
    shopify_client_id: Annotated[str | None, typer.Option("--shopify-client-id")] = None,
    shopify_client_secret: Annotated[str | None, typer.Option("--shopify-client-secret")] = None,
    shopify_token: Annotated[
        str | None, typer.Option("--shopify-token", help="Legacy custom app admin token.")
    ] = None,
    xero_app: Annotated[
        str | None, typer.Option("--xero-app", help="'web' or 'custom-connection'.")
    ] = None,
    xero_client_id: Annotated[str | None, typer.Option("--xero-client-id")] = None,
    xero_client_secret: Annotated[str | None, typer.Option("--xero-client-secret")] = None,
    redirect_uri: Annotated[
        str | None, typer.Option("--redirect-uri", help=f"Web app only [{DEFAULT_REDIRECT}].")
    ] = None,
    connect: Annotated[
        bool, typer.Option("--connect/--no-connect", help="Run the Xero consent now.")
    ] = True,
    no_browser: Annotated[
        bool, typer.Option("--no-browser", help="Print the Xero consent address instead.")
    ] = False,
    tenant: Annotated[str | None, typer.Option("--tenant", help="Xero tenant id to use.")] = None,
    no_input: Annotated[
        bool, typer.Option("--no-input", help="Never prompt: options and current values only.")
    ] = False,
) -> None:
    """Set up shopxero: shop, Shopify and Xero credentials, Xero consent (re-runnable)."""
    app_ctx: AppContext = ctx.obj
    env_file = app_ctx.env_file or DEFAULT_ENV_FILE
    opts = dict(locals())
    opts["interactive"] = not no_input
    current = dict(dotenv_values(env_file)) if env_file.exists() else {}
    _say(f"shopxero init: settings go to {env_file} (mode 0600); Enter keeps a [current] value.")
    saved = False
    try:
        changes = _ask_settings(_Asker(current, not no_input), opts)
        if app_ctx.data_dir is not None:
            changes[DATA_DIR] = str(app_ctx.data_dir.resolve())
        update_env_file(env_file, changes)
        saved = True
        _say(f"  saved {env_file}")
        _connect_and_check(app_ctx, env_file, opts)
    except ShopxeroError as exc:
        typer.echo(f"error: {exc}", err=True)
        if saved:
            typer.echo(
                f"what you entered is saved in {env_file}; fix the problem and run "
                "`shopxero init` again (Enter keeps each saved value)",
                err=True,
            )
        raise typer.Exit(EXIT_UNABLE) from None
    # Commands that read this env file as printed: ./shopxero.env is read by default.
    prefix = "shopxero" if env_file == DEFAULT_ENV_FILE else f"shopxero --env-file {env_file}"
    _say(f"Done. Next: `{prefix} doctor` checks accounts, tax and limits; then `{prefix} sync`.")
    raise typer.Exit(EXIT_OK)
