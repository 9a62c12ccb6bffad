"""What ``shopxero auth xero`` and ``shopxero auth status`` do (the Typer commands are thin).

``connect_xero`` runs the consent flow for a web app (or checks a Custom Connection) and
``revoke_xero`` undoes it; ``auth_status`` reports both services' credentials without calling
either API and without showing any secret.
"""

from __future__ import annotations

import asyncio
import webbrowser
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from shopxero.config import Settings
from shopxero.errors import ConfigError
from shopxero.xero.auth import ClientCredentialsTokens, IdentityClient, scopes_for
from shopxero.xero.client import XeroClient
from shopxero.xero.consent import run_consent_flow
from shopxero.xero.tokens import load_token_file, refresh_token_warning

__all__ = ["auth_status", "connect_xero", "revoke_xero"]


def _xero_client_credentials(settings: Settings) -> tuple[str, str]:
    if not settings.xero_client_id or not settings.xero_client_secret:
        raise ConfigError(
            "SHOPXERO_XERO_CLIENT_ID and SHOPXERO_XERO_CLIENT_SECRET must be set (from your app "
            "at developer.xero.com, or `shopxero sandbox --write-env`)"
        )
    return settings.xero_client_id, settings.xero_client_secret


def _api_base(settings: Settings) -> str:
    return settings.xero_api_base_url.rstrip("/")


def connect_xero(
    settings: Settings,
    *,
    no_browser: bool,
    tenant: str | None,
    echo: Callable[[str], None],
    prompt_tenant: Callable[[list[dict[str, Any]]], dict[str, Any]] | None,
) -> dict[str, Any]:
    """Connect (web: consent + tenant; custom connection: check the token works)."""
    client_id, client_secret = _xero_client_credentials(settings)
    if settings.xero_mode == "custom_connection":
        return asyncio.run(_check_custom_connection(settings, client_id, client_secret))

    def open_browser(url: str) -> None:
        if no_browser or not webbrowser.open(url):
            echo("Open this address in a browser to connect shopxero to Xero:")
            echo(url)
        else:
            echo("A browser window is asking you to allow shopxero to use your Xero organisation.")

    tokens = asyncio.run(
        run_consent_flow(
            client_id=client_id,
            client_secret=client_secret,
            redirect_uri=settings.xero_redirect_uri,
            scopes=scopes_for(settings.xero_scopes),
            token_file=settings.token_file_path,
            login_base_url=settings.xero_login_base_url,
            identity_base_url=settings.xero_identity_base_url,
            connections_url=settings.xero_connections_url,
            open_browser=open_browser,
            tenant=tenant,
            prompt_tenant=prompt_tenant,
        )
    )
    return {
        "mode": "web",
        "tenant_id": tokens.tenant_id,
        "tenant_name": tokens.tenant_name,
        "scopes": list(tokens.scopes),
        "token_file": str(settings.token_file_path),
    }


async def _check_custom_connection(
    settings: Settings, client_id: str, client_secret: str
) -> dict[str, Any]:
    tokens = ClientCredentialsTokens(client_id, client_secret, settings.xero_identity_base_url)
    async with XeroClient(
        api_base_url=_api_base(settings),
        tokens=tokens,
        tenant_id=None,
        timeout=settings.http_timeout_seconds,
    ) as client:
        org = await client.get_organisation()
    current = tokens.current
    return {
        "mode": "custom_connection",
        "tenant_name": org.get("Name"),
        "scopes": list(current.scopes) if current else [],
    }


def revoke_xero(settings: Settings) -> bool:
    """Revoke the saved refresh token at Xero and delete the token file; False if none."""
    client_id, client_secret = _xero_client_credentials(settings)
    path = settings.token_file_path
    tokens = load_token_file(path)
    if tokens is None:
        return False
    if tokens.refresh_token:
        identity = IdentityClient(
            identity_base_url=settings.xero_identity_base_url,
            client_id=client_id,
            client_secret=client_secret,
        )
        asyncio.run(identity.revoke(tokens.refresh_token))
    path.unlink(missing_ok=True)
    return True


def _xero_status(settings: Settings, now: datetime) -> dict[str, Any]:
    if settings.xero_mode == "custom_connection":
        return {
            "mode": "custom_connection",
            "configured": bool(settings.xero_client_id and settings.xero_client_secret),
            "detail": "client credentials; a token is fetched on each run, no token file",
            "warnings": [],
        }
    path = settings.token_file_path
    tokens = load_token_file(path)
    status: dict[str, Any] = {
        "mode": "web",
        "configured": bool(settings.xero_client_id and settings.xero_client_secret),
        "token_file": str(path),
        "connected": tokens is not None,
        "warnings": [],
    }
    if tokens is None:
        status["warnings"].append("not connected: run `shopxero auth xero`")
        return status
    refresh_age = now - tokens.refreshed_at
    status.update(
        {
            "tenant_id": tokens.tenant_id,
            "tenant_name": tokens.tenant_name,
            "scopes": list(tokens.scopes),
            "access_token_expires_at": tokens.expires_at.isoformat(),
            "access_token_expired": tokens.expires_at <= now,
            "refreshed_at": tokens.refreshed_at.isoformat(),
            "refresh_token_age_days": round(refresh_age.total_seconds() / 86_400, 1),
        }
    )
    warning = refresh_token_warning(tokens, now)
    if warning:
        status["warnings"].append(warning)
    return status


def _shopify_status(settings: Settings) -> dict[str, Any]:
    if settings.shopify_access_token:
        mode = "static_token"
    elif settings.shopify_client_id and settings.shopify_client_secret:
        mode = "client_credentials"
    else:
        mode = "not_configured"
    return {
        "mode": mode,
        "shop": settings.shopify_shop or settings.shopify_base_url,
        "api_version": settings.shopify_api_version,
    }


def auth_status(settings: Settings, now: datetime | None = None) -> dict[str, Any]:
    """Both services' credential state, safe to print (no token or secret values)."""
    moment = now or datetime.now(UTC)
    return {"xero": _xero_status(settings, moment), "shopify": _shopify_status(settings)}
